"""Issue 6 end to end: np.linalg decompositions, NumPy 2 functions and scipy
through s2s's transforms; kinks and overflow; scipy stays optional.
(The rules themselves are checked one by one in test_rules.py.)"""
import os
import subprocess
import sys

import numpy as np
import pytest

import s2s
import s2s.runtime as R
from s2s.rules import templates

NUMPY2 = hasattr(np, "vecdot")


# ---------------------------------------------------------------- norms at zero: a subgradient, never NaN
def naive_norm_grad(g, x, ans):
    return g * x / ans


def test_norm_helpers_pick_zero_at_the_zero_vector():
    x = np.zeros(3)
    with np.errstate(all="ignore"):
        assert np.isnan(naive_norm_grad(1.0, x, np.linalg.norm(x))).all()  # what the rule must not do
    with np.errstate(all="raise"):
        np.testing.assert_array_equal(R.norm_grad(1.0, x, 0.0), np.zeros(3))
        np.testing.assert_array_equal(R.vector_norm_grad(1.0, x, 0.0), np.zeros(3))
        np.testing.assert_array_equal(R.vector_norm_grad(np.ones(2), np.zeros((2, 3)), np.zeros(2), axis=1),
                                      np.zeros((2, 3)))
        np.testing.assert_array_equal(R.vector_norm_jvp(np.ones(3), x, 0.0), 0.0)
        for ord in (1, 3, -np.inf, np.inf, 0.5):
            assert np.isfinite(R.vector_norm_grad(1.0, x, 0.0, None, False, ord)).all(), ord


def f_norms(x):
    return np.linalg.norm(x) + np.sum(np.linalg.norm(x, axis=0)) + np.linalg.norm(x, "fro")


def f_vector_norms(x):
    return np.linalg.vector_norm(x) + np.sum(np.linalg.vector_norm(x, axis=1, ord=3)) + np.sum(
        np.linalg.matrix_norm(x[None]))


@pytest.mark.parametrize("fn", [f_norms] + ([f_vector_norms] if NUMPY2 else []), ids=lambda f: f.__name__)
def test_norms_at_zero_in_both_modes(fn):
    x = np.zeros((2, 3))
    with np.errstate(all="raise"):
        g = s2s.grad(fn)(x)
        _, t = s2s.jvp(fn)(x, np.ones((2, 3)))
    np.testing.assert_array_equal(g, np.zeros((2, 3)))
    assert t == 0.0


# ---------------------------------------------------------------- logsumexp and softmax where exp overflows
def f_lse(x):
    return sp.logsumexp(x)


def f_lse_b(x, b):
    return np.sum(sp.logsumexp(x, axis=1, b=b))


def f_log_softmax(x):
    return sp.log_softmax(x)[0] + np.sum(sp.softmax(x) * x)


try:
    import scipy.linalg as sla
    import scipy.special as sp
except ImportError:  # pragma: no cover - scipy is optional
    sp = sla = None
needs_scipy = pytest.mark.skipif(sp is None, reason="scipy is not installed")


@needs_scipy
def test_logsumexp_gradient_is_stable_for_large_inputs():
    x = np.array([1000.0, 1001.0, 999.5])
    with np.errstate(over="raise", invalid="raise"):
        g = s2s.grad(f_lse)(x)
        _, t = s2s.jvp(f_lse)(x, np.ones(3))
    np.testing.assert_allclose(g, sp.softmax(x))
    assert t == pytest.approx(1.0)
    with np.errstate(all="ignore"):  # the naive rule exp(x) / sum(exp(x)) is NaN here
        assert np.isnan(np.exp(x) / np.sum(np.exp(x))).all()
    x2 = np.array([[800.0, 801.0], [-5.0, 3.0]])
    b = np.array([0.5, 2.0])
    gx, gb = s2s.grad(f_lse_b, wrt=(0, 1))(x2, b)
    assert np.isfinite(gx).all() and np.isfinite(gb).all()
    s2s.check_grad(f_lse_b, x2 - np.array([[800.0], [0.0]]), b, wrt=(0, 1))
    g = s2s.grad(f_log_softmax)(np.array([900.0, 901.0, 899.0]))
    assert np.isfinite(g).all()


# ---------------------------------------------------------------- decompositions end to end
def f_spectral(a):
    w, v = np.linalg.eigh(a @ a.T)
    return np.sum(w ** 2) + np.sum((v * w) @ v.T)


def f_qr_product(a, w):
    q, r = np.linalg.qr(a)
    return np.sum((q @ r) * w)


def f_nuclear(a):
    return np.sum(np.linalg.svd(a, compute_uv=False))


def f_thin_svd(a):
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    return np.sum((u * s) @ vh * a)


def f_chol_logdet(a):
    c = np.linalg.cholesky(a @ a.T + np.eye(3))
    return 2.0 * np.sum(np.log(np.diagonal(c))) - np.linalg.slogdet(a @ a.T + np.eye(3))[1]


def test_decompositions_agree_with_their_identities(rng):
    a = rng.standard_normal((3, 3))
    # sum(w^2) + sum(v diag(w) v.T) = ||a a.T||_F^2 + the sum of the entries of a a.T
    np.testing.assert_allclose(s2s.grad(f_spectral)(a), 4 * a @ a.T @ a + 2 * np.ones((3, 3)) @ a, atol=1e-10)
    w = rng.standard_normal((3, 3))
    np.testing.assert_allclose(s2s.grad(f_qr_product)(a, w), w, atol=1e-10)  # q r = a
    np.testing.assert_allclose(s2s.grad(f_nuclear)(a), s2s.grad(lambda_free_nuclear)(a), atol=1e-10)
    b = rng.standard_normal((4, 3))
    np.testing.assert_allclose(s2s.grad(f_thin_svd)(b), 2 * b, atol=1e-10)  # u s vh = b
    np.testing.assert_allclose(s2s.grad(f_chol_logdet)(a), np.zeros((3, 3)), atol=1e-10)  # 2 sum log diag L = logdet


def lambda_free_nuclear(a):
    return np.linalg.norm(a, "nuc")


@pytest.mark.parametrize("fn,shape", [(f_spectral, (3, 3)), (f_thin_svd, (4, 3)), (f_chol_logdet, (3, 3))])
def test_decompositions_forward_equals_reverse(rng, fn, shape):
    a = rng.standard_normal(shape)
    np.testing.assert_allclose(s2s.jacobian(fn, mode="forward")(a), s2s.jacobian(fn)(a), atol=1e-9)


def f_wide_qr(a):
    return np.sum(np.linalg.qr(a)[1])


def f_full_svd(a):
    return np.sum(np.linalg.svd(a)[0])


def test_unsupported_decomposition_shapes_are_reported(rng):
    with pytest.raises(s2s.S2SError, match="square and tall"):
        s2s.grad(f_wide_qr)(rng.standard_normal((2, 3)))
    with pytest.raises(s2s.S2SError, match="full_matrices=False"):
        s2s.grad(f_full_svd)(rng.standard_normal((3, 2)))


# ---------------------------------------------------------------- scipy is optional
def test_scipy_templates_are_loaded_only_when_scipy_is(monkeypatch):
    names = [p.name for p in templates.template_files()]
    assert ("scipy_special.py" in names) == templates._has_package("scipy")
    real = templates._has_package
    monkeypatch.setattr(templates, "_has_package", lambda name: name != "scipy" and real(name))
    files = templates.template_files()
    assert files and not any(p.name.startswith("scipy_") for p in files)


SCRIPT = r'''
import sys
sys.modules["scipy"] = None  # importing scipy now fails
import numpy as np
import s2s, s2s.runtime, s2s.rules.templates
assert not any(p.name.startswith("scipy_") for p in s2s.rules.templates.template_files())
def f(a):
    return np.linalg.slogdet(a)[1]
print(float(s2s.grad(f)(np.eye(2) * 2.0)[0, 0]))
'''


def test_s2s_works_without_scipy(tmp_path):
    script = tmp_path / "without_scipy.py"
    script.write_text(SCRIPT)
    env = dict(os.environ, PYTHONPATH=str(templates.templates_dir().parent))
    ran = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, env=env)
    assert ran.returncode == 0, ran.stderr
    assert float(ran.stdout.strip()) == pytest.approx(0.5)


def test_runtime_does_not_import_scipy():
    ran = subprocess.run([sys.executable, "-c", "import sys, s2s.runtime; print('scipy' in sys.modules)"],
                         capture_output=True, text=True, timeout=60, cwd=str(templates.templates_dir().parent))
    assert ran.stdout.strip() == "False", ran.stderr


def f_scipy_linalg(a, b):
    x = sla.solve_triangular(sla.cholesky(a @ a.T + np.eye(3), lower=True), b, lower=True)
    return np.sum(x ** 2) + np.sum(sla.expm(0.1 * a))


@needs_scipy
def test_scipy_linalg_end_to_end(rng):
    a, b = rng.standard_normal((3, 3)), rng.standard_normal(3)
    s2s.check_grad(f_scipy_linalg, a, b, wrt=(0, 1))
    ja = s2s.jacobian(f_scipy_linalg, wrt=(0, 1), mode="forward")(a, b)
    jr = s2s.jacobian(f_scipy_linalg, wrt=(0, 1))(a, b)
    for f_, r_ in zip(ja, jr):
        np.testing.assert_allclose(f_, r_, atol=1e-9)


def f_returns_eigh(a):
    return np.linalg.eigh(a)


def test_named_tuple_results_in_vjp_and_jacobian():
    a = np.diag([1.0, 2.0, 3.5]) + 0.1
    out, cot = s2s.vjp(f_returns_eigh)(a, (np.ones(3), np.zeros((3, 3))))
    np.testing.assert_allclose(cot, np.eye(3), atol=1e-12)  # d sum(eigenvalues) = trace, on the lower triangle
    jr = s2s.jacobian(f_returns_eigh)(a)
    jf = s2s.jacobian(f_returns_eigh, mode="forward")(a)
    assert type(jr).__name__ == "EighResult" and jr[1].shape == (3, 3, 3, 3)
    for r, f in zip(jr, jf):
        np.testing.assert_allclose(r, f, atol=1e-9)


def f_lse_hess(x):
    return sp.logsumexp(x)


def f_softmax_loss(x, w):
    return np.sum(sp.log_softmax(x, axis=1) * w) + np.sum(sp.softmax(x, axis=0) ** 2) + np.sum(
        sp.logsumexp(x, axis=1, b=w[0] ** 2 + 0.5))


def _second_order_matches_differences(fn, x, other, v, rtol, atol, reverse_over_reverse=True):
    """hvp (forward over reverse), and the Jacobian of the gradient (reverse over reverse), along ``v``
    against central differences of the gradient."""
    gradient = s2s.grad(fn)
    h = 1e-5
    numeric = (gradient(x + h * v, other) - gradient(x - h * v, other)) / (2 * h)
    np.testing.assert_allclose(s2s.hvp(fn)(x, other, v), numeric, rtol=rtol, atol=atol)
    if reverse_over_reverse:
        jacobian = s2s.jacobian(gradient)(x, other)
        np.testing.assert_allclose(np.tensordot(jacobian, v, axes=np.ndim(v)), numeric, rtol=rtol, atol=atol)


@needs_scipy
def test_second_derivatives_of_the_softmax_family(rng):
    x = rng.standard_normal(4)
    s = sp.softmax(x)
    np.testing.assert_allclose(s2s.hessian(f_lse_hess)(x), np.diag(s) - np.outer(s, s), atol=1e-12)
    x2, w, v = rng.standard_normal((3, 4)), rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    _second_order_matches_differences(f_softmax_loss, x2, w, v, rtol=1e-6, atol=1e-8)


def f_gaussian_nll(m, x):
    cov = m @ m.T + np.eye(3)
    return 0.5 * np.linalg.slogdet(cov)[1] + 0.5 * x @ np.linalg.solve(cov, x)


def f_gp_nll(m, y):
    low = np.linalg.cholesky(m @ m.T + np.eye(3))
    z = np.linalg.solve(low, y)
    return 0.5 * np.dot(z, z) + np.sum(np.log(np.diagonal(low)))


def f_spectral_penalty(m, w):
    sym = m @ m.T + np.diag(w)
    vals, vecs = np.linalg.eigh(sym)
    return np.sum(vals ** 3) + np.sum(vecs[:, -1] ** 4) + np.sum(np.linalg.eigvalsh(sym, "U") * w)


def f_pinv_fit(a, y):
    return np.sum((np.linalg.pinv(a) @ y) ** 2)


# function, shape of the differentiated matrix, the other argument, rtol, atol, reverse over reverse too
SECOND_ORDER = [
    pytest.param(f_gaussian_nll, (3, 3), lambda rng: rng.standard_normal(3), 1e-6, 1e-8, False, id="slogdet"),
    pytest.param(f_gp_nll, (3, 3), lambda rng: rng.standard_normal(3), 1e-6, 1e-8, True, id="cholesky"),
    pytest.param(f_spectral_penalty, (3, 3), lambda rng: np.array([0.0, 1.5, 3.0]), 1e-5, 1e-7, True, id="eigh"),
    pytest.param(f_pinv_fit, (4, 3), lambda rng: rng.standard_normal(4), 1e-5, 1e-7, False, id="pinv"),
]


@pytest.mark.parametrize("fn,shape,other,rtol,atol,reverse_over_reverse", SECOND_ORDER)
def test_hessian_through_decompositions(fn, shape, other, rtol, atol, reverse_over_reverse, rng):
    x = rng.standard_normal(shape)
    _second_order_matches_differences(fn, x, other(rng), rng.standard_normal(shape), rtol, atol,
                                      reverse_over_reverse)


def test_hessian_of_a_log_determinant_is_symmetric(rng):
    m, x = rng.standard_normal((3, 3)), rng.standard_normal(3)
    hessian = s2s.hessian(f_gaussian_nll)(m, x)
    np.testing.assert_allclose(hessian, np.swapaxes(np.swapaxes(hessian, 0, 2), 1, 3), atol=1e-8)

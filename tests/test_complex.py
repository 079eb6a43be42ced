"""Complex numbers: every case of tests/complex_cases.py in every mode, in the real-pair view.

A function of ``z = x + iy`` is a function of the real pair ``(x, y)``; the
convention (JAX's and autograd's) is ``grad(f)(z) = df/dx - i df/dy``, so
``Re(sum(grad * v))`` is the derivative along the real direction ``v`` and
``Re(sum(grad * 1j * v))`` along the imaginary one. Each is checked separately
against central differences, forward against reverse by the dot-product test in
the real inner product ``Re(sum(a * b))``, second order through complex
intermediates, dtypes, and the errors for complex results.
"""
import numpy as np
import pytest

import s2s
import complex_cases as C

H = 1e-6


def _as_tuple(g, wrt):
    return g if isinstance(wrt, tuple) else (g,)


def _positions(case):
    return case.wrt if isinstance(case.wrt, tuple) else (case.wrt,)


def _moved(args, i, dv):
    out = list(args)
    out[i] = args[i] + dv
    return tuple(out)


def _fd(f, args, i, v, h=H):
    return (f(*_moved(args, i, h * v)) - f(*_moved(args, i, -h * v))) / (2 * h)


def _directions(x, rng):
    """A real and an imaginary direction for a complex x, a real one for a real x."""
    v = rng.standard_normal(np.shape(x))
    v = v if np.ndim(x) else float(v)
    return [v, 1j * v] if np.iscomplexobj(x) else [v]


def _close(a, b, what, rtol=1e-5, atol=1e-6):
    np.testing.assert_allclose(a, b, rtol=rtol, atol=atol * max(1.0, float(np.max(np.abs(b)))), err_msg=what)


def test_the_issue_examples():
    assert s2s.grad(C.issue_f)(0.7) == pytest.approx(7.0)
    assert s2s.grad(C.issue_g)(0.7) == pytest.approx(7.0)
    assert s2s.grad(C.issue_h)(0.7) == pytest.approx(1.6503, abs=1e-4)
    g = s2s.grad(C.issue_sum)(np.array([0.7 + 0.1j, 0.2]))
    np.testing.assert_allclose(g, [7 - 1j, 2])
    # |z|^2 at z gives 2 conj(z); jvp of a real function has a real tangent
    np.testing.assert_allclose(s2s.grad(lambda_free_abs2)(0.3 + 0.4j), 2 * (0.3 - 0.4j))
    out, t = s2s.jvp(abs_of)(0.3 + 0.4j, 1.0 + 0j)
    assert t == pytest.approx(0.6) and np.isrealobj(t)


def lambda_free_abs2(z):
    return np.abs(z) ** 2


def abs_of(z):
    return np.abs(z)


@pytest.mark.parametrize("case", C.SCALAR, ids=lambda c: c.name)
def test_grad_real_pair(case):
    """reverse mode against central differences, in the real and the imaginary direction separately."""
    rng = np.random.default_rng(0)
    grads = _as_tuple(s2s.grad(case.fn, wrt=case.wrt)(*case.args), case.wrt)
    value, grads2 = s2s.value_and_grad(case.fn, wrt=case.wrt)(*case.args)
    assert value == pytest.approx(case.fn(*case.args))
    for i, g, g2 in zip(_positions(case), grads, _as_tuple(grads2, case.wrt)):
        x = case.args[i]
        assert np.shape(g) == np.shape(x)
        assert np.iscomplexobj(g) == np.iscomplexobj(x), "argument {}: gradient dtype {}".format(i, np.result_type(g))
        np.testing.assert_allclose(g2, g)
        for v in _directions(x, rng):
            _close(np.real(np.sum(g * v)), _fd(case.fn, case.args, i, v), "{} arg {} along {}".format(case.name, i, v))


@pytest.mark.parametrize("case", C.SCALAR, ids=lambda c: c.name)
def test_jvp_real_pair(case):
    """forward mode: a real output gets a real tangent, equal to the central difference."""
    rng = np.random.default_rng(1)
    for i in _positions(case):
        for v in _directions(case.args[i], rng):
            out, t = s2s.jvp(case.fn, wrt=i)(*case.args, v)
            assert np.isrealobj(t), "{}: complex tangent {!r} of a real output".format(case.name, t)
            _close(t, _fd(case.fn, case.args, i, v), "{} arg {} along {}".format(case.name, i, v))


@pytest.mark.parametrize("case", C.SCALAR, ids=lambda c: c.name)
def test_check_grad_accepts_complex_arguments(case):
    s2s.check_grad(case.fn, *case.args, wrt=case.wrt)


@pytest.mark.parametrize("case", C.SCALAR, ids=lambda c: c.name)
def test_dtypes_are_kept(case):
    """complex64 arguments get complex64 gradients, float32 ones float32 gradients."""
    def low(x):
        if np.iscomplexobj(x):
            return np.asarray(x, dtype=np.complex64)
        return np.asarray(x, dtype=np.float32)
    args = tuple(low(a) for a in case.args)
    grads = _as_tuple(s2s.grad(case.fn, wrt=case.wrt)(*args), case.wrt)
    for i, g in zip(_positions(case), grads):
        assert np.asarray(g).dtype == args[i].dtype, "{} arg {}: {}".format(case.name, i, np.asarray(g).dtype)
    for i in _positions(case):
        if not np.iscomplexobj(case.args[i]):
            g = _as_tuple(s2s.grad(case.fn, wrt=case.wrt)(*case.args), case.wrt)[_positions(case).index(i)]
            assert np.asarray(g).dtype == np.float64 or isinstance(g, float)


@pytest.mark.parametrize("case", [c for c in C.SCALAR if "second" in c.tags], ids=lambda c: c.name)
def test_second_order_through_complex_intermediates(case):
    """the hessian of a real function of a real argument, against differences of the gradient."""
    i = _positions(case)[0]
    x = np.atleast_1d(np.asarray(case.args[i], dtype=float))
    scalar = np.ndim(case.args[i]) == 0

    def at(v):
        return _moved(case.args, i, (v[0] if scalar else v) - case.args[i])

    g = s2s.grad(case.fn, wrt=i)
    numeric = np.array([(np.atleast_1d(g(*at(x + H * e))) - np.atleast_1d(g(*at(x - H * e)))) / (2 * H)
                        for e in np.eye(x.size)])
    hess = np.reshape(s2s.hessian(case.fn, wrt=i)(*case.args), (x.size, x.size))
    _close(hess, numeric, case.name + " hessian", rtol=1e-4, atol=1e-5)
    twice = np.reshape(s2s.jacobian(s2s.grad(case.fn, wrt=i), wrt=i)(*case.args), (x.size, x.size))
    _close(twice, numeric, case.name + " reverse over reverse", rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("case", C.VECTOR, ids=lambda c: c.name)
def test_vector_dot_product(case):
    """<w, J v> == <J^T w, v> in Re(sum(a * b)); the jvp against central differences."""
    rng = np.random.default_rng(2)
    x = case.args[0]
    out = case.fn(*case.args)
    for v in _directions(x, rng):
        _, t = s2s.jvp(case.fn)(*case.args, v)
        _close(t, _fd(case.fn, case.args, 0, v), case.name + " jvp")
        w = rng.standard_normal(np.shape(out)) + (1j * rng.standard_normal(np.shape(out))
                                                   if np.iscomplexobj(out) else 0.0)
        _, ct = s2s.vjp(case.fn)(*case.args, w)
        assert np.iscomplexobj(ct) == np.iscomplexobj(x)
        _close(np.real(np.sum(ct * v)), np.real(np.sum(w * t)), case.name + " dot product", rtol=1e-10)


@pytest.mark.parametrize("case", C.HOLOMORPHIC, ids=lambda c: c.name)
def test_holomorphic(case):
    """grad(f, holomorphic=True) is f'(z): differences along any complex direction are f'(z) times it."""
    rng = np.random.default_rng(3)
    z = case.args[0]
    g = s2s.grad(case.fn, holomorphic=True)(z)
    assert np.shape(g) == np.shape(z) and np.iscomplexobj(g)
    value, g2 = s2s.value_and_grad(case.fn, holomorphic=True)(z)
    np.testing.assert_allclose(g2, g)
    for v in _directions(z, rng):
        _close(np.sum(g * v), _fd(case.fn, case.args, 0, v), case.name)
    with pytest.raises(s2s.ComplexOutputError, match=r"complex_cases\.py:\d+.*holomorphic=True"):
        s2s.grad(case.fn)(z)


def test_holomorphic_needs_complex_arguments():
    with pytest.raises(s2s.ArgumentError, match="holomorphic=True"):
        s2s.grad(C.h_poly, holomorphic=True)(0.5)


def test_real_code_is_unchanged():
    """the gradient of a real function holds no conjugate and no real part: complex rules cost real code
    nothing where it uses no non-holomorphic primitive."""
    g = s2s.grad(_plain)
    np.testing.assert_allclose(g(np.array([0.1, 0.2])), [_fd(_plain, (np.array([0.1, 0.2]),), 0, e)
                                                         for e in np.eye(2)], rtol=1e-6)
    source = s2s.source(g)
    assert "conj" not in source and "np.real" not in source and "1j" not in source


def _plain(x):
    return np.sum(np.sin(x) * np.exp(x) / (1.0 + x * x)) + np.linalg.norm(x) + np.sum(np.fft.fftshift(x) * x)


@pytest.mark.parametrize("norm", C.NORMS)
@pytest.mark.parametrize("case", C.FFT, ids=lambda c: c.name)
def test_fft(case, norm):
    """each transform in every normalization: jvp against central differences (real and imaginary
    directions), vjp against jvp by the dot-product test, the jacobian in both modes."""
    rng = np.random.default_rng(4)
    x = case.args[0]
    out = case.fn(x, norm)
    assert np.shape(s2s.jvp(case.fn)(x, norm, np.zeros_like(x))[1]) == np.shape(out)
    for v in _directions(x, rng):
        _, t = s2s.jvp(case.fn)(x, norm, v)
        assert np.shape(t) == np.shape(out)
        _close(t, _fd(lambda a: case.fn(a, norm), (x,), 0, v), "{} jvp along {}".format(case.name, v))
        w = rng.standard_normal(np.shape(out)) + (1j * rng.standard_normal(np.shape(out))
                                                   if np.iscomplexobj(out) else 0.0)
        _, ct = s2s.vjp(case.fn)(x, norm, w)
        assert np.shape(ct) == np.shape(x) and np.iscomplexobj(ct) == np.iscomplexobj(x)
        _close(np.real(np.sum(ct * v)), np.real(np.sum(w * t)), case.name + " dot product", rtol=1e-10)


@pytest.mark.parametrize("norm", C.NORMS)
@pytest.mark.parametrize("case", C.SCIPY, ids=lambda c: c.name)
def test_scipy_fft(case, norm):
    test_fft(case, norm)


STANDALONE = '''import numpy as np


def f(x, z):
    y = np.fft.irfft(np.fft.rfft(x * x, norm="ortho") * z, n=6)
    return np.sum(np.abs(np.fft.fftshift(np.fft.fft(y * (1.0 + 2.0j)))) ** 2) + np.angle(z[1] + 2.0)
'''


@pytest.mark.parametrize("wrt", ["x", "z"])
def test_standalone_file_carries_the_complex_and_fft_helpers(tmp_path, wrt):
    """``s2s grad -o`` writes a file that runs with NumPy alone and gives the same gradient."""
    import subprocess
    import sys
    from s2s.api import cli
    (tmp_path / "signal.py").write_text(STANDALONE)
    out = tmp_path / "grad_signal.py"
    assert cli.main(["grad", str(tmp_path / "signal.py") + ":f", "--wrt", wrt, "-o", str(out)]) == 0
    script = ("import sys; sys.modules['s2s'] = None; import numpy as np; import grad_signal as g; "
              "x = np.linspace(0.1, 0.9, 6); z = np.array([1.0, 0.5 + 0.2j, -0.3j, 0.7, 0.1 + 0.1j, 2.0]) "
              "[:4]; print(repr(g.{}(x, z).tolist()))".format(_entry(out)))
    done = subprocess.run([sys.executable, "-c", script], cwd=str(tmp_path), capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    ns = {}
    exec(compile(STANDALONE, str(tmp_path / "signal.py"), "exec"), ns)  # noqa: S102 - the test's own source
    x = np.linspace(0.1, 0.9, 6)
    z = np.array([1.0, 0.5 + 0.2j, -0.3j, 0.7])
    np.testing.assert_allclose(np.array(eval(done.stdout)), s2s.grad(_from_file(tmp_path), wrt=wrt)(x, z))


def _entry(path):
    import re
    return re.findall(r"^def (grad_\w+)\(", path.read_text(), re.M)[-1]


def _from_file(tmp_path):
    import importlib.util
    spec = importlib.util.spec_from_file_location("signal_src", str(tmp_path / "signal.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.f


def test_fft_is_dense_for_sparsity():
    x = C.r(5)
    pattern = s2s.jacobian_sparsity(_fft_real, x)
    assert np.asarray(pattern.todense() if hasattr(pattern, "todense") else pattern).all()


def _fft_real(x):
    return np.fft.irfft(np.fft.rfft(x * x), n=5)


def test_second_order_of_a_complex_norm_refuses_the_orders_it_lacks():
    """the p-norms of complex vectors (and 'fro') have second derivatives (la_norms_real_path, s_norms);
    the max norm and the singular-value norms of complex arrays refuse them."""
    with pytest.raises(s2s.S2SError, match="np.linalg.norm"):
        s2s.hessian(_inf_norm)(C.r(2))
    with pytest.raises(s2s.S2SError, match="np.linalg.svd"):
        s2s.hessian(_nuclear)(C.r(4))


def _inf_norm(x):
    return np.linalg.norm(x * (1.0 + 2.0j), np.inf) ** 2


def _nuclear(x):
    return np.linalg.norm(np.reshape(x * (1.0 + 2.0j), (2, 2)) + np.eye(2), "nuc") ** 2


def test_jacobian_of_complex_functions():
    """forward mode: columns d f / d Re(z_j), f'(z) for a holomorphic f; reverse mode refuses a complex
    result (a real unit cotangent sees only the real part)."""
    z = C.c(3)
    jac = s2s.jacobian(C.v_scale_holomorphic, mode="forward")(z)
    numeric = np.array([_fd(C.v_scale_holomorphic, (z,), 0, e) for e in np.eye(3)]).T
    _close(jac, numeric, "forward jacobian")
    x = C.r(3)
    _close(s2s.jacobian(C.v_real_to_complex, mode="forward")(x),
           np.array([_fd(C.v_real_to_complex, (x,), 0, e) for e in np.eye(3)]).T, "real argument")
    with pytest.raises(s2s.ComplexOutputError, match="mode=\"forward\""):
        s2s.jacobian(C.v_scale_holomorphic)(z)


def test_check_grad_rejects_a_conjugated_gradient():
    """the oracle itself: the conjugate (PyTorch's convention) and a real-cast gradient both fail."""
    from s2s.api.check import compare
    z = np.array([0.3 + 0.4j, -0.5 + 0.2j])
    good = s2s.grad(lambda_free_abs2_sum)
    compare(good, lambda_free_abs2_sum, (z,))
    with pytest.raises(AssertionError):
        compare(lambda v: np.conj(good(v)), lambda_free_abs2_sum, (z,))
    with pytest.raises(AssertionError, match="dtype"):
        compare(lambda v: np.real(good(v)), lambda_free_abs2_sum, (z,))


def lambda_free_abs2_sum(z):
    return np.sum(np.abs(z) ** 2 * np.array([1.0, 2.0]) + np.real(z))

"""Second derivatives in complex arguments: ``s2s.hvp`` of every case of tests/complex_cases.py, and the
refusals of ``s2s.hessian`` and the sparse Hessians.

Convention: for a real ``f`` of ``z = x + iy``, ``hvp(f)(z, v)`` is the derivative of the gradient
``df/dx - i df/dy`` along the complex direction ``v``: it is real-linear in ``v`` (not complex-linear, so no
array of shape ``z.shape + z.shape`` holds the Hessian, and ``s2s.hessian`` refuses, as ``jax.hessian``
does), ``Re(sum(u * hvp(v)))`` is the real-pair Hessian's ``u^T H v`` and so symmetric in ``u`` and ``v``.
"""
import numpy as np
import pytest

import s2s
import complex_cases as C

H = 1e-6
COMPLEX_ARGUMENT = [c for c in C.SCALAR if any(np.iscomplexobj(a) for a in c.args)]
# singular values and slogdet of complex matrices have no second-order rule yet (ComplexInputError), lstsq none
# at all (NoRuleError)
NO_SECOND_ORDER = {"la_svd", "la_svdvals", "la_lstsq", "la_norms", "la_slogdet"}


def _positions(case):
    return case.wrt if isinstance(case.wrt, tuple) else (case.wrt,)


def _direction(x, rng, imaginary):
    v = rng.standard_normal(np.shape(x))
    v = v if np.ndim(x) else float(v)
    return v * 1j if imaginary else v


def _moved(args, i, dv):
    out = list(args)
    out[i] = args[i] + dv
    return tuple(out)


@pytest.mark.parametrize("case", [c for c in COMPLEX_ARGUMENT if c.name not in NO_SECOND_ORDER],
                         ids=lambda c: c.name)
def test_hvp_is_the_derivative_of_the_gradient(case):
    """along a real and an imaginary direction separately, against central differences of the gradient;
    symmetric in the real pairing."""
    rng = np.random.default_rng(7)
    for i in _positions(case):
        if not np.iscomplexobj(case.args[i]):
            continue
        g = s2s.grad(case.fn, wrt=i)
        product = s2s.hvp(case.fn, wrt=i)
        for imaginary in (False, True):
            v = _direction(case.args[i], rng, imaginary)
            fd = (g(*_moved(case.args, i, H * v)) - g(*_moved(case.args, i, -H * v))) / (2 * H)
            got = product(*case.args, v)
            assert np.shape(got) == np.shape(case.args[i]) and np.iscomplexobj(got)
            np.testing.assert_allclose(got, fd, rtol=1e-4, atol=1e-5 * max(1.0, float(np.max(np.abs(fd)))),
                                       err_msg="{} arg {} imaginary={}".format(case.name, i, imaginary))
        u = _direction(case.args[i], rng, False) + _direction(case.args[i], rng, True)
        w = _direction(case.args[i], rng, False) + _direction(case.args[i], rng, True)
        left = np.real(np.sum(u * product(*case.args, w)))
        right = np.real(np.sum(w * product(*case.args, u)))
        assert left == pytest.approx(right, rel=1e-7, abs=1e-9), case.name


def test_hvp_batched_and_over_several_arguments():
    z, w = C.c(3), C.c(3)
    vs = np.stack([C.c(3), C.c(3)])
    one = s2s.hvp(C.arithmetic)
    np.testing.assert_allclose(s2s.hvp(C.arithmetic, batch=True)(z, w, vs), np.stack([one(z, w, v) for v in vs]),
                               rtol=1e-12, atol=1e-12)
    both = s2s.hvp(C.arithmetic, wrt=(0, 1))(z, w, (vs[0], vs[1]))
    g0, g1 = s2s.grad(C.arithmetic, wrt=0), s2s.grad(C.arithmetic, wrt=1)
    fd0 = (g0(z + H * vs[0], w + H * vs[1]) - g0(z - H * vs[0], w - H * vs[1])) / (2 * H)
    fd1 = (g1(z + H * vs[0], w + H * vs[1]) - g1(z - H * vs[0], w - H * vs[1])) / (2 * H)
    np.testing.assert_allclose(both[0], fd0, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(both[1], fd1, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", sorted(NO_SECOND_ORDER))
def test_what_has_no_second_order_in_complex_arguments_refuses(name):
    case = next(c for c in C.SCALAR if c.name == name)
    v = np.ones_like(case.args[0])
    with pytest.raises(s2s.S2SError, match=r"np\.linalg\.(svd|norm|slogdet)|lstsq_grad"):
        s2s.hvp(case.fn)(*case.args, v)


def test_hessian_of_a_complex_argument_is_refused():
    with pytest.raises(s2s.ComplexInputError, match=r"complex_cases\.py:\d+: hessian of abs_ .*s2s\.hvp"):
        s2s.hessian(C.abs_)(C.c(3))
    # a real argument next to a complex one: its block is a real Hessian
    x, z = C.r(3), C.c(3)
    hess = s2s.hessian(C.mixed, wrt=0)(x, z)
    g = s2s.grad(C.mixed, wrt=0)
    numeric = np.array([(g(x + H * e, z) - g(x - H * e, z)) / (2 * H) for e in np.eye(3)])
    np.testing.assert_allclose(hess, numeric, rtol=1e-5, atol=1e-6)
    with pytest.raises(s2s.ComplexInputError, match="`z`"):
        s2s.hessian(C.mixed, wrt=(0, 1))(x, z)


def test_sparse_hessians_and_patterns_refuse_complex_arguments():
    pytest.importorskip("scipy")
    z = C.c(3)
    with pytest.raises(s2s.ComplexInputError, match="sparse hessian of abs_"):
        s2s.sparse_hessian(C.abs_)(z)
    with pytest.raises(s2s.ComplexInputError, match="sparse jacobian of v_scale"):
        s2s.sparse_jacobian(C.v_scale)(z)
    with pytest.raises(s2s.ComplexInputError, match="hessian sparsity"):
        s2s.hessian_sparsity(C.abs_, z)

"""s2s's derivatives in scipy.optimize: jac=, hess=, hessp= and least_squares(jac=sparse).

Each derivative is first compared with finite differences at the starting point and along the
way, then the optimizer must reach the known optimum: (1, ..., 1) for Rosenbrock, the
solution we built the data from for the least-squares problems.
"""
import numpy as np
import pytest

import s2s

scipy_optimize = pytest.importorskip("scipy.optimize", reason="scipy is not installed (pip install -e '.[test]')")
scipy_sparse = pytest.importorskip("scipy.sparse")


def rosen(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def residual(u, forcing):
    """A 1-D Laplacian with a cubic term: a tridiagonal Jacobian."""
    r = -2.0 * u
    r[1:] = r[1:] + u[:-1]
    r[:-1] = r[:-1] + u[1:]
    return r - 0.1 * u ** 3 + forcing


def decay(p, t, data):
    return p[0] * np.exp(-p[1] * t) + p[2] - data


def central_jacobian(fn, x, *args, h=1e-6):
    """d fn / d x by central differences: shape fn(x).shape + x.shape."""
    columns = []
    for i in range(x.size):
        e = np.zeros_like(x)
        e.flat[i] = h
        columns.append((np.asarray(fn(x + e, *args)) - np.asarray(fn(x - e, *args))) / (2 * h))
    return np.stack(columns, axis=-1)


# (-1.2, 1) is the classic start; SciPy's tutorial starts the 5-D problem at (1.3, 0.7, 0.8, 1.9, 1.2).
# From n = 4 on Rosenbrock has a second, local minimum near x[0] = -1: the starts stay clear of it.
STARTS = [np.array([-1.2, 1.0]), np.array([1.3, 0.7, 0.8, 1.9, 1.2]), 0.6 + 0.3 * np.cos(np.arange(10.0))]


@pytest.fixture(params=range(len(STARTS)), ids=["n=2", "n=5", "n=10"])
def x0(request):
    return STARTS[request.param].copy()


def test_the_gradient_matches_finite_differences(x0):
    assert scipy_optimize.check_grad(rosen, s2s.grad(rosen), x0) < 1e-5 * max(1.0, np.linalg.norm(
        s2s.grad(rosen)(x0)))
    np.testing.assert_allclose(s2s.grad(rosen)(x0), central_jacobian(rosen, x0), rtol=1e-6, atol=1e-6)


def test_the_hessian_and_hvp_match_finite_differences_of_the_gradient(x0):
    H = s2s.hessian(rosen)(x0)
    np.testing.assert_allclose(H, central_jacobian(s2s.grad(rosen), x0), rtol=1e-6, atol=1e-5)
    v = np.cos(np.arange(x0.size, dtype=float))
    np.testing.assert_allclose(s2s.hvp(rosen)(x0, v), H @ v, rtol=1e-12, atol=1e-10)


def test_bfgs_with_jac_reaches_the_optimum(x0):
    result = scipy_optimize.minimize(rosen, x0, jac=s2s.grad(rosen), method="BFGS")
    assert result.success
    np.testing.assert_allclose(result.x, 1.0, atol=1e-4)


def test_value_and_grad_is_jac_true(x0):
    result = scipy_optimize.minimize(s2s.value_and_grad(rosen), x0, jac=True, method="BFGS")
    assert result.success
    np.testing.assert_allclose(result.x, 1.0, atol=1e-4)


def test_trust_ncg_with_the_hessian_reaches_the_optimum(x0):
    result = scipy_optimize.minimize(rosen, x0, jac=s2s.grad(rosen), hess=s2s.hessian(rosen), method="trust-ncg",
                                     options={"gtol": 1e-10})
    assert result.success
    np.testing.assert_allclose(result.x, 1.0, atol=1e-9)


def test_newton_cg_with_hessp_from_hvp_reaches_the_optimum(x0):
    result = scipy_optimize.minimize(rosen, x0, jac=s2s.grad(rosen), hessp=s2s.hvp(rosen), method="Newton-CG",
                                     options={"xtol": 1e-10})
    assert result.success
    np.testing.assert_allclose(result.x, 1.0, atol=1e-7)


@pytest.mark.parametrize("n", [5, 50, 400])
def test_least_squares_with_the_sparse_jacobian(n):
    exact = np.sin(np.linspace(0.0, np.pi, n))
    forcing = -residual(exact, np.zeros(n))
    jac = s2s.sparse_jacobian(residual)
    u0 = np.zeros(n)
    J = jac(u0, forcing)
    assert scipy_sparse.issparse(J) and J.shape == (n, n) and J.nnz == 3 * n - 2
    assert int(jac.colors(u0, forcing).max()) + 1 == 3
    for u in (u0, exact, np.linspace(-1.0, 2.0, n)):
        np.testing.assert_allclose(jac(u, forcing).toarray(), central_jacobian(residual, u, forcing),
                                   rtol=1e-7, atol=1e-7)
    fit = scipy_optimize.least_squares(residual, u0, jac=jac, args=(forcing,), xtol=1e-15, ftol=1e-15, gtol=1e-15)
    assert fit.success and fit.cost < 1e-20
    np.testing.assert_allclose(fit.x, exact, atol=1e-9)


def test_least_squares_fit_with_the_dense_forward_jacobian():
    t = np.linspace(0.0, 4.0, 50)
    data = 2.5 * np.exp(-1.3 * t) + 0.4
    jac = s2s.jacobian(decay, mode="forward")
    p0 = np.array([1.0, 1.0, 0.0])
    np.testing.assert_allclose(jac(p0, t, data), central_jacobian(decay, p0, t, data), rtol=1e-7, atol=1e-8)
    np.testing.assert_allclose(jac(p0, t, data), s2s.jacobian(decay)(p0, t, data), rtol=1e-13, atol=1e-14)
    fit = scipy_optimize.least_squares(decay, p0, jac=jac, args=(t, data), xtol=1e-14, ftol=1e-14, gtol=1e-14)
    assert fit.success
    np.testing.assert_allclose(fit.x, [2.5, 1.3, 0.4], rtol=1e-9)

"""Second derivatives through the primitives whose rules call runtime helpers
with second-order rules (templates/runtime_helpers.py, last section): prod,
cumprod, norm, vector_norm, einsum, logsumexp, multi_dot, matrix_power,
svd's singular values and scipy.linalg's solve_triangular, cho_solve, cholesky and cho_factor.

For each function: ``s2s.hessian`` agrees with central differences of
``s2s.grad`` and is symmetric, and ``s2s.hvp`` agrees with ``hessian @ v``;
for functions of one float, reverse over reverse (``grad(grad(f))``) agrees
with differences of the gradient and with forward over reverse.
"""
import numpy as np
import pytest

import s2s
import s2s.common.errors

try:
    import scipy.linalg as sla
    import scipy.special as sp
except ImportError:  # scipy is optional
    sp = sla = None

rng = np.random.default_rng(7)
X = rng.uniform(0.4, 1.3, (3, 4)) * np.where(rng.random((3, 4)) < 0.5, -1.0, 1.0)
V = rng.uniform(-1.0, 1.0, 5)
W = rng.uniform(-1.0, 1.0, (4, 2))


def prod_axis(x): return np.sum(np.prod(x, axis=0))
def prod_all(x): return np.prod(x) + np.sum(np.sin(np.prod(x, axis=1, keepdims=True)))
def prod_with_a_zero(x): return np.sum(np.prod(x * np.array([1.0, 0.0, 1.0, 1.0]), axis=1) ** 2)
def cumprod_axis(x): return np.sum(np.sin(np.cumprod(x, axis=1)))
def cumprod_flat(x): return np.sum(np.cumprod(x) ** 2)
def norm_2(x): return np.linalg.norm(x) ** 3
def norm_axis(x): return np.sum(np.sin(np.linalg.norm(x, axis=1)))
def norm_p3(x): return np.sum(np.linalg.norm(x, 3, axis=0) ** 2)
def norm_fro_keepdims(x): return np.sum(x / np.linalg.norm(x, "fro", keepdims=True))
def norm_l1(x): return np.linalg.norm(x, 1) * np.sum(x * x)
def einsum_pair(x): return np.sum(np.sin(np.einsum("ij,jk->ik", x, W)))
def einsum_self(x): return np.einsum("ij,ij->", x, x) * np.einsum("ij,kj->", x, x)
def einsum_three(x): return np.sum(np.einsum("ij,jk,ik->i", x, W, x @ W) ** 2)
def multi_dot(x): return np.sum(np.sin(np.linalg.multi_dot([x, W, W.T, x.T])))
def multi_dot_vectors(x): return np.linalg.multi_dot([x[0], x.T, x, W, W[0]]) ** 2
def matrix_power(x): return np.sum(np.sin(np.linalg.matrix_power(x[:, :3], 3)))
def matrix_power_inverse(x): return np.sum(np.linalg.matrix_power(x[:, :3] + 2.0 * np.eye(3), -2) ** 2)
def svdvals(x): return np.sum(np.sin(np.linalg.svdvals(x)))
def vector_norm(x): return np.sum(np.linalg.vector_norm(x, axis=1) ** 3) + np.linalg.vector_norm(x, ord=3)
def svd_values(x): return np.linalg.svd(x, compute_uv=False).sum() + np.sum(np.linalg.svd(x[:, :3], False, False) ** 3)
def logsumexp(x): return sp.logsumexp(x) + np.sum(sp.logsumexp(x, axis=0) ** 2)
def logsumexp_b(x): return np.sum(sp.logsumexp(x, axis=1, b=np.array([0.5, 1.0, 2.0, 1.5])))
A3 = rng.uniform(-1.0, 1.0, (3, 3)) + 2.5 * np.eye(3)
def solve_triangular_a(x): return np.sum(np.sin(sla.solve_triangular(x[:, :3] + A3, x[:, 3], lower=True)))
def solve_triangular_b(x): return np.sum(sla.solve_triangular(A3, x, trans=1) ** 2)
def solve_triangular_both(x): return np.sum(np.sin(sla.solve_triangular(x[:, :3] + A3, x[:, 1:] * x[:, 1:],
                                                                          trans="T", unit_diagonal=True)))
def cho_solve_factor(x): return np.sum(np.sin(sla.cho_solve((np.tril(x[:, :3]) + 2.0 * np.eye(3), True), x[:, 3])))
def cho_solve_upper(x): return np.sum(sla.cho_solve((np.triu(A3), False), x * x) ** 2)
def scipy_cholesky(x): return np.sum(np.sin(sla.cholesky(x[:, :3] @ x[:, :3].T + np.eye(3))))
def scipy_cholesky_lower(x): return np.sum(sla.cholesky(x[:, 1:] @ x[:, 1:].T + np.eye(3), lower=True) ** 3)
def cho_factor_solve(x): return np.sum(np.sin(sla.cho_solve(sla.cho_factor(x[:, :3] @ x[:, :3].T + np.eye(3)),
                                                            x[:, 3])))
def logsumexp_b_active(x): return np.sum(sp.logsumexp(x, axis=0, b=x * x + 0.1) ** 2)


CASES = [(prod_axis, X), (prod_all, X), (prod_with_a_zero, X), (cumprod_axis, X), (cumprod_flat, X),
         (norm_2, V), (norm_axis, X), (norm_p3, X), (norm_fro_keepdims, X), (norm_l1, V),
         (einsum_pair, X), (einsum_self, X), (einsum_three, X), (multi_dot, X), (multi_dot_vectors, X),
         (matrix_power, X), (matrix_power_inverse, X), (svd_values, X)]
if hasattr(np.linalg, "vector_norm"):
    CASES += [(vector_norm, X), (svdvals, X)]
if sp is not None:
    CASES += [(logsumexp, X), (logsumexp_b, X), (logsumexp_b_active, X), (solve_triangular_a, X),
              (solve_triangular_b, X), (solve_triangular_both, X), (cho_solve_factor, X), (cho_solve_upper, X),
              (scipy_cholesky, X), (scipy_cholesky_lower, X), (cho_factor_solve, X)]


def fd_hessian(f, x, h=1e-5):
    gradient = s2s.grad(f)
    columns = []
    for j in range(x.size):
        d = np.zeros(x.size)
        d[j] = h
        d = d.reshape(x.shape)
        columns.append((np.asarray(gradient(x + d)) - np.asarray(gradient(x - d))).reshape(-1) / (2 * h))
    return np.stack(columns, axis=-1)


@pytest.mark.parametrize("f,x", CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_hessian_matches_differences_of_the_gradient(f, x):
    H = np.asarray(s2s.hessian(f)(x.copy()))
    assert H.shape == x.shape + x.shape
    M = H.reshape(x.size, x.size)
    np.testing.assert_allclose(M, M.T, rtol=1e-8, atol=1e-10, err_msg="Hessian not symmetric")
    np.testing.assert_allclose(M, fd_hessian(f, x), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("f,x", CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_hvp_matches_hessian(f, x):
    v = np.random.default_rng(1).standard_normal(x.shape)
    Hv = np.asarray(s2s.hvp(f)(x.copy(), v))
    H = np.asarray(s2s.hessian(f)(x.copy())).reshape(x.size, x.size)
    np.testing.assert_allclose(Hv.reshape(-1), H @ v.reshape(-1), rtol=1e-9, atol=1e-11)


# Functions of one float t (x = X with x[1, 2] = t): reverse over reverse. They
# call the primitives directly: through a user subroutine, grad(grad(g)) is
# wrong even without these rules (test_reverse_over_reverse_through_a_subroutine).
E = np.zeros_like(X)
E[1, 2] = 1.0
B = X - X[1, 2] * E
T = float(X[1, 2])


def t_prod(t): return np.sum(np.prod(B + t * E, axis=0) ** 2)
def t_cumprod(t): return np.sum(np.sin(np.cumprod(B + t * E, axis=1)))
def t_norm(t): return np.linalg.norm(B + t * E) ** 3 + np.sum(np.linalg.norm(B + t * E, 3, axis=1) ** 2)
def t_einsum(t): return np.sum(np.sin(np.einsum("ij,jk->ik", B + t * E, W))) * np.einsum("ij,ij->", B + t * E, E + B)
def t_multi_dot(t): return np.sum(np.sin(np.linalg.multi_dot([B + t * E, W, W.T, (B + t * E).T])))
def t_matrix_power(t): return np.sum(np.sin(np.linalg.matrix_power((B + t * E)[:, :3], 3)))
def t_svd(t): return np.sum(np.sin(np.linalg.svd(B + t * E, compute_uv=False)))
def t_vector_norm(t): return np.sum(np.linalg.vector_norm(B + t * E, axis=0) ** 3)
def t_solve_triangular(t):
    x = B + t * E
    return np.sum(np.sin(sla.solve_triangular(x[:, :3] + A3, x[:, 1:] * x[:, 1:], lower=True)))
def t_cho_solve(t):
    x = B + t * E
    return np.sum(np.sin(sla.cho_solve((x[:, :3].T + 2.0 * np.eye(3), False), x[:, 1:] * x[:, 1:])))
def t_cho_factor(t):
    x = B + t * E
    return np.sum(np.sin(sla.cho_solve(sla.cho_factor(x[:, :3] @ x[:, :3].T + np.eye(3), lower=True), x[:, 1:])))
def t_logsumexp(t): return np.sum(sp.logsumexp(B + t * E, axis=0, b=(B + t * E) ** 2 + 0.1) ** 2)


T_CASES = [t_prod, t_cumprod, t_norm, t_einsum, t_multi_dot, t_matrix_power, t_svd]
if hasattr(np.linalg, "vector_norm"):
    T_CASES.append(t_vector_norm)
if sp is not None:
    T_CASES.append(t_logsumexp)
    T_CASES += [t_solve_triangular, t_cho_solve, t_cho_factor]


@pytest.mark.parametrize("f", T_CASES, ids=lambda f: f.__name__)
def test_reverse_over_reverse(f):
    first = s2s.grad(f)
    second = s2s.grad(first)(T)
    h = 1e-5
    np.testing.assert_allclose(second, (first(T + h) - first(T - h)) / (2 * h), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(second, s2s.jvp(first)(T, 1.0)[1], rtol=1e-10, atol=1e-12)


def _square_sums(x): return np.sum(x * x) * np.sum(x * x)
def _through_a_subroutine(t): return _square_sums(B + t * E)


def test_reverse_over_reverse_through_a_subroutine():
    first = s2s.grad(_through_a_subroutine)
    np.testing.assert_allclose(s2s.grad(first)(T), s2s.jvp(first)(T, 1.0)[1], rtol=1e-10)


def _expm_sum(x): return np.sum(sla.expm(x[:, :3]))


@pytest.mark.skipif(sla is None, reason="scipy is optional")
def test_a_helper_without_a_second_order_rule_is_named():
    with pytest.raises(s2s.common.errors.NoRuleError,
                       match=r"test_second_order\.py:\d+\)>:\d+: `t1_bar = expm_grad\(.*s2s\.runtime\.expm_grad"):
        s2s.hessian(_expm_sum)(X.copy())


def _nuclear_norm(x): return np.linalg.norm(x, "nuc")
def _sum_of_u(x): return np.sum(np.linalg.svd(x, full_matrices=False)[0])


@pytest.mark.parametrize("f", [_nuclear_norm, _sum_of_u], ids=lambda f: f.__name__)
def test_second_derivatives_not_written_raise_an_s2s_error(f):
    with pytest.raises(s2s.common.errors.S2SError, match=r"np\.linalg\.(norm|svd): .*second derivative"):
        s2s.hessian(f)(X.copy())

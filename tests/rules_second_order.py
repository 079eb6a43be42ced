"""Cases of tests/test_rules.py for the second-order rules of s2s.runtime's
helpers (templates/runtime_helpers.py, last section): prod_grad, cumprod_grad
and cumprod_jvp, norm_grad and norm_jvp (and vector_norm's), einsum_grad and
einsum_jvp, logsumexp_weights, logsumexp_b_grad and logsumexp_b_jvp, multi_dot_grad and multi_dot_jvp,
matrix_power_grad and matrix_power_jvp, triangle_of, triangle_part and the
helpers of scipy.linalg.solve_triangular, cho_solve, cholesky and cho_factor, pinv_jvp and eigvalsh_jvp, svd_grad for the singular values alone.

``calls`` and ``rows`` are appended to CALLS and ROWS there.
"""
import numpy as np

import s2s.runtime as R

# The helpers those rules call, which have no rule themselves (a third
# derivative through them is reported as a missing rule).
HELPERS_WITHOUT_RULES = ("prod_others_jvp", "cumprod_hvp", "cumprod_hvp_grad", "norm_grad_partials",
                         "einsum_grad_others", "einsum_others_jvp", "multi_dot_grad_others", "multi_dot_hvp",
                         "matrix_power_hvp", "matrix_power_hvp_grad", "cho_solve_grad_vjp", "cho_solve_grad_jvp",
                         "cho_solve_jvp_vjp", "cho_solve_jvp_jvp", "scipy_cholesky_grad_vjp", "scipy_cholesky_grad_jvp",
                         "scipy_cholesky_jvp_vjp", "scipy_cholesky_jvp_jvp", "cho_factor_grad_vjp", "cho_factor_grad_jvp",
                         "cho_factor_jvp_vjp", "cho_factor_jvp_jvp", "pinv_jvp_vjp", "pinv_jvp_jvp",
                         "svd_grad_vjp", "svd_grad_jvp", "norm_x_jvp", "norm_x_vjp", "norm_x_pair")
TRIANGLES = ((0, False, False), (1, True, False), ("T", False, True), (0, True, True))
NUMPY2 = hasattr(np.linalg, "vector_norm")


def calls(add, u, pos, away):
    """Direct template calls: ``add(id, prim, *args, wrt=..., **kwargs)``."""
    a = away(3, 4)
    add("rt_prod_grad", R.prod_grad, u(), away(5), wrt=(0, 1))
    add("rt_prod_grad_axis", R.prod_grad, u(4), a, 0, wrt=(0, 1))
    add("rt_prod_grad_axes_keepdims", R.prod_grad, u(1, 1, 4), away(2, 3, 4), (0, 1), True, wrt=(0, 1))
    add("rt_prod_grad_initial", R.prod_grad, u(3), a, 1, False, 1.5, wrt=(0, 1))
    add("rt_prod_grad_one_zero", R.prod_grad, u(), np.array([0.5, 0.0, -1.2, 0.8]), wrt=(0, 1))
    add("rt_prod_grad_two_zeros", R.prod_grad, u(2), np.array([[0.0, 0.7, 0.0], [1.1, 0.0, -0.6]]), 1,
        wrt=(0, 1))
    for name, x in (("", away(3, 4)), ("_zeros", np.array([[0.5, 0.0, 1.2, -0.7], [0.0, 0.9, 0.0, 1.1],
                                                          [1.3, -0.8, 0.6, 0.0]]))):
        add("rt_cumprod_grad" + name, R.cumprod_grad, u(3, 4), x, np.cumprod(x, axis=1), 1, wrt=(0, 1))
        add("rt_cumprod_grad_all" + name, R.cumprod_grad, u(12), x, np.cumprod(x), wrt=(0, 1))
        add("rt_cumprod_jvp" + name, R.cumprod_jvp, u(3, 4), x, np.cumprod(x, axis=0), 0, wrt=(0, 1))
        add("rt_cumprod_jvp_all" + name, R.cumprod_jvp, u(3, 4), x, np.cumprod(x), wrt=(0, 1))
    x = away(3, 4)
    la = np.linalg
    for id, kw in (("", {}), ("_axis", {"axis": 1}), ("_keepdims", {"axis": 0, "keepdims": True}),
                   ("_p3", {"ord": 3, "axis": 1}), ("_p1_5", {"ord": 1.5, "axis": 0}), ("_l1", {"ord": 1, "axis": 1}),
                   ("_fro", {"ord": "fro"}), ("_matrix_1", {"ord": 1})):  # (ord inf reads ans == max|x| exactly)
        n = la.norm(x, **kw)
        args = (kw.get("ord"), kw.get("axis"), kw.get("keepdims", False))
        add("rt_norm_grad" + id, R.norm_grad, u(*np.shape(n)), x, n, *args, wrt=(0, 1, 2))
        add("rt_norm_jvp" + id, R.norm_jvp, u(3, 4), x, n, *args, wrt=(0, 1, 2))
    v = away(5)
    add("rt_norm_grad_vector", R.norm_grad, u(), v, la.norm(v), wrt=(0, 1, 2))
    add("rt_norm_jvp_vector_p4", R.norm_jvp, u(5), v, la.norm(v, 4), 4, wrt=(0, 1, 2))
    if NUMPY2:
        for id, kw in (("", {}), ("_axis", {"axis": 0}), ("_p3_keepdims", {"axis": 1, "keepdims": True, "ord": 3}),
                       ("_l1", {"ord": 1, "axis": 1})):
            n = la.vector_norm(x, **kw)
            args = (kw.get("axis"), kw.get("keepdims", False), kw.get("ord", 2))
            add("rt_vector_norm_grad" + id, R.vector_norm_grad, u(*np.shape(n)), x, n, *args, wrt=(0, 1, 2))
            add("rt_vector_norm_jvp" + id, R.vector_norm_jvp, u(3, 4), x, n, *args, wrt=(0, 1, 2))
    a, b, c = u(3, 4), u(4, 2), u(2)
    add("rt_einsum_grad", R.einsum_grad, u(3, 2), "ij,jk->ik", (a, b), 0, wrt=(0, 2))
    add("rt_einsum_grad_second", R.einsum_grad, u(3, 2), "ij,jk->ik", (a, b), 1, wrt=(0, 2))
    add("rt_einsum_grad_three", R.einsum_grad, u(3), "ij,jk,k->i", (a, b, c), 1, wrt=(0, 2))
    add("rt_einsum_grad_trace", R.einsum_grad, u(), "ii,i", (u(3, 3), u(3)), 0, wrt=(0, 2))
    add("rt_einsum_jvp", R.einsum_jvp, u(4, 2), "ij,jk->ik", (a, b), 1, wrt=(0, 2))
    add("rt_einsum_jvp_three", R.einsum_jvp, u(2), "ij,jk,k->i", (a, b, c), 2, wrt=(0, 2))
    add("rt_einsum_jvp_implicit", R.einsum_jvp, u(3, 4), "ij,ij", (a, u(3, 4)), 0, wrt=(0, 2))
    a, b, v, w = u(3), u(3, 4), u(4, 2), u(2)
    add("rt_multi_dot_grad", R.multi_dot_grad, u(3, 2), [b, v], wrt=(0, 1))
    add("rt_multi_dot_grad_vectors", R.multi_dot_grad, u(), [a, b, v, w], wrt=(0, 1))
    add("rt_multi_dot_jvp", R.multi_dot_jvp, [u(3), u(3, 4), u(4, 2)], [a, b, v], wrt=(0, 1))
    add("rt_multi_dot_jvp_matrices", R.multi_dot_jvp, [u(2, 3), u(3, 4), u(4, 2)], [u(2, 3), b, v], wrt=(0, 1))
    m = 0.5 * u(3, 3) + np.eye(3)
    for n in (0, 1, 3, -2):
        add("rt_matrix_power_grad_{}".format(n).replace("-", "minus"), R.matrix_power_grad, u(3, 3), m, n, wrt=(0, 1))
        add("rt_matrix_power_jvp_{}".format(n).replace("-", "minus"), R.matrix_power_jvp, u(3, 3), m, n, wrt=(0, 1))
    add("rt_matrix_power_grad_batch", R.matrix_power_grad, u(2, 3, 3), np.stack([m, m.T]), 2, wrt=(0, 1))
    for trans, lower, unit in TRIANGLES:
        id = "_{}_{}{}".format(trans, "lower" if lower else "upper", "_unit" if unit else "")
        a = u(3, 3) + 2.5 * np.eye(3)
        for adj in (False, True):
            add("rt_triangle_part" + id + ("_adjoint" if adj else ""), R.triangle_part, u(2, 3, 3), trans, lower, unit,
                adj)
        add("rt_triangle_of" + id, R.triangle_of, a, lower, unit)
        add("rt_solve_triangular_grad2" + id, R.solve_triangular_grad2, u(3), a, u(3), trans, lower, unit, wrt=(0, 1))
        add("rt_solve_triangular_grad2_matrix" + id, R.solve_triangular_grad2, u(3, 2), a, u(3, 2), trans, lower, unit,
            wrt=(0, 1))
        add("rt_solve_triangular_grad1" + id, R.solve_triangular_grad1, u(3, 2), a, u(3, 2), u(3, 2), trans, lower,
            unit, wrt=(0, 2))
        add("rt_solve_triangular_grad1_vector" + id, R.solve_triangular_grad1, u(3), a, u(3), u(3), trans, lower, unit,
            wrt=(0, 2))
        add("rt_solve_triangular_jvp" + id, R.solve_triangular_jvp, u(3, 3), u(3), a, u(3), trans, lower, unit,
            wrt=(0, 1, 2, 3))
        add("rt_solve_triangular_jvp_matrix" + id, R.solve_triangular_jvp, u(3, 3), u(3, 2), a, u(3, 2), trans, lower,
            unit, wrt=(0, 1, 2, 3))
    low = np.tril(u(3, 3)) + 2.0 * np.eye(3)
    for lower, c in ((True, low + np.triu(u(3, 3), 1)), (False, low.T + np.tril(u(3, 3), -1))):
        id = "_lower" if lower else "_upper"
        for shape in ((3,), (3, 2)):
            sid = id + ("_vector" if len(shape) == 1 else "")
            add("rt_cho_solve_grad" + sid, R.cho_solve_grad, u(*shape), (c, lower), u(*shape), u(*shape),
                wrt=(0, 1, 3))
            add("rt_cho_solve_jvp" + sid, R.cho_solve_jvp, (u(3, 3), 0.0), u(*shape), (c, lower), u(*shape),
                u(*shape), wrt=(0, 1, 2, 4))
    for lower in (True, False):
        factor = low if lower else low.T
        id = "_lower" if lower else "_upper"
        add("rt_scipy_cholesky_grad" + id, R.scipy_cholesky_grad, u(3, 3), factor, lower, wrt=(0, 1))
        add("rt_scipy_cholesky_jvp" + id, R.scipy_cholesky_jvp, u(3, 3), factor, lower, wrt=(0, 1))
        c = factor + (np.triu(u(3, 3), 1) if lower else np.tril(u(3, 3), -1))
        add("rt_cho_factor_grad" + id, R.cho_factor_grad, (u(3, 3), 0.0), u(3, 3), (c, lower), wrt=(0, 2))
        add("rt_cho_factor_jvp" + id, R.cho_factor_jvp, u(3, 3), u(3, 3), (c, lower), wrt=(0, 2))
    for shape in ((3, 3), (4, 3), (3, 4)):
        m = u(*shape) + np.eye(*shape)
        add("rt_pinv_jvp_{}x{}".format(*shape), R.pinv_jvp, u(*shape), m, np.linalg.pinv(m) + 0.1 * u(*shape[::-1]),
            wrt=(0, 1, 2))
    sym = 0.5 * (u(4, 4) + u(4, 4).T) + np.diag([0.0, 1.0, 2.0, 3.0])
    add("rt_eigvalsh_jvp", R.eigvalsh_jvp, u(4, 4), sym + 0.1 * np.tril(u(4, 4)), wrt=(0, 1))
    add("rt_eigvalsh_jvp_upper", R.eigvalsh_jvp, u(4, 4), sym + 0.1 * np.triu(u(4, 4)), "U", wrt=(0, 1))
    add("rt_eigvalsh_jvp_batch", R.eigvalsh_jvp, u(2, 4, 4), np.stack([sym, sym + np.diag([2.0, 0.0, -1.0, 1.5])]),
        wrt=(0, 1))
    for shape in ((3, 3), (4, 3), (3, 4), (2, 3, 3)):
        k = min(shape[-2:])
        m = 0.2 * u(*shape)
        m[..., range(k), range(k)] += np.array([3.0, 2.0, 1.0])[:k]  # distinct singular values
        s = np.linalg.svd(m, compute_uv=False)
        add("rt_svd_grad_values_{}".format("x".join(map(str, shape))), R.svd_grad, u(*s.shape), m, s, True, False,
            wrt=(0, 1))
    x = u(3, 4)
    lse = np.log(np.sum(np.exp(x)))
    add("rt_logsumexp_weights", R.logsumexp_weights, x, lse, wrt=(0, 1))
    b = pos(3, 1)
    lse_b = np.log(np.sum(b * np.exp(x), axis=1))
    add("rt_logsumexp_weights_axis_b", R.logsumexp_weights, x, lse_b, 1, b, wrt=(0, 1, 3))
    add("rt_logsumexp_b_grad", R.logsumexp_b_grad, u(3), x, lse_b, 1, b, wrt=(0, 1, 2))
    add("rt_logsumexp_b_grad_all", R.logsumexp_b_grad, u(), x, lse, None, pos(4), wrt=(0, 1, 2))
    add("rt_logsumexp_b_jvp", R.logsumexp_b_jvp, u(3, 1), x, lse_b, 1, b, wrt=(0, 1, 2))
    add("rt_logsumexp_b_jvp_keepdims", R.logsumexp_b_jvp, u(3, 4), x, np.log(np.sum(np.exp(x), axis=0, keepdims=True)),
        0, pos(3, 4), True, wrt=(0, 1, 2))
    lse_k = np.log(np.sum(np.exp(x), axis=0, keepdims=True))
    add("rt_logsumexp_weights_keepdims", R.logsumexp_weights, x, lse_k, 0, None, True, wrt=(0, 1))


def f_rt_prod_grad(g, a): return np.sum(np.sin(R.prod_grad(g, a, 0)))
def f_rt_cumprod(g, a):
    return np.sum(np.sin(R.cumprod_grad(g, a, np.cumprod(a, axis=1), 1))) + np.sum(
        np.sin(R.cumprod_jvp(g, a, np.cumprod(a), None)))
def f_rt_norm(g, x):
    n = np.linalg.norm(x, axis=1)
    return np.sum(np.sin(R.norm_grad(g, x, n, None, 1))) + np.sum(np.sin(R.norm_jvp(x * g[:, None], x, n, None, 1)))
def f_rt_vector_norm(g, x):
    n = np.linalg.vector_norm(x, axis=1, ord=3)
    return (np.sum(np.sin(R.vector_norm_grad(g, x, n, 1, False, 3)))
            + np.sum(np.sin(R.vector_norm_jvp(x * g[:, None], x, n, 1, False, 3))))
def f_rt_einsum(a, b):
    return np.sum(np.sin(R.einsum_grad(a @ b, "ij,jk->ik", (a, b), 1))) + np.sum(
        np.sin(R.einsum_jvp(b, "ij,jk->ik", (a, b), 1)))
def f_rt_logsumexp_weights(x):
    return np.sum(np.sin(R.logsumexp_weights(x, np.log(np.sum(np.exp(x), axis=0)), 0)))


def f_rt_logsumexp_b(g, x):
    lse = np.log(np.sum(np.exp(x), axis=1))
    b = np.array([[0.5], [1.0], [2.0]])
    return (np.sum(np.sin(R.logsumexp_b_grad(g, x, lse, 1, b)))
            + np.sum(np.sin(R.logsumexp_b_jvp(x[:, :1] * g[:, None], x, lse, 1, b))))
def f_rt_multi_dot(a, b, v):
    return np.sum(np.sin(R.multi_dot_grad(np.sum(np.sin(v)), [a, b, v])[1])) + np.sum(
        np.sin(R.multi_dot_jvp([np.sin(a), b, v], [a, b, v])))
def f_rt_matrix_power(g, a):
    return np.sum(np.sin(R.matrix_power_grad(g, a, 3))) + np.sum(np.sin(R.matrix_power_jvp(g, a, -2)))


def f_rt_solve_triangular(g, a):
    x = R.solve_triangular_grad2(g, a, g, 1, True)
    return (np.sum(np.sin(x)) + np.sum(np.sin(R.solve_triangular_grad1(g, a, x, g, 0, False, True)))
            + np.sum(np.sin(R.solve_triangular_jvp(a * a, g, a, x, "T", True)))
            + np.sum(np.sin(R.triangle_of(a, True) + R.triangle_part(a, 1, False, True, True))))


def f_rt_cho_solve(g, c):
    pair = (np.tril(c) + 2.0 * np.eye(3), True)
    x = R.cho_solve_grad(g, pair, g, g)[1]
    return np.sum(np.sin(x)) + np.sum(np.sin(R.cho_solve_jvp((c, 0.0), g, pair, g, x)))


def f_rt_scipy_cholesky(g, c):
    factor = np.tril(c) + 2.0 * np.eye(3)
    return (np.sum(np.sin(R.scipy_cholesky_grad(g, factor, True)))
            + np.sum(np.sin(R.scipy_cholesky_jvp(g, factor.T, False))))


def f_rt_cho_factor(g, c):
    pair = (np.tril(c) + 2.0 * np.eye(3), True)
    return (np.sum(np.sin(R.cho_factor_grad((g, 0.0), c, pair))) + np.sum(np.sin(R.cho_factor_jvp(g, c, pair)[0])))


def f_rt_pinv_eigvalsh(t, a):
    sym = a + a.T + np.diag([0.0, 2.0, 4.0])
    return (np.sum(np.sin(R.pinv_jvp(t, a + 2.0 * np.eye(3), np.linalg.pinv(a + 2.0 * np.eye(3)))))
            + np.sum(np.sin(R.eigvalsh_jvp(t, sym))))


def f_rt_svd_grad(g, a):
    m = a + np.diag([3.0, 2.0, 1.0])
    return np.sum(np.sin(R.svd_grad(g, m, np.linalg.svd(m, compute_uv=False), False, False)))


def rows(r, u, pos, away):
    """``r(fn, *args, wrt=...)`` for each rule here."""
    r(f_rt_prod_grad, u(4), away(3, 4), wrt=(0, 1))
    r(f_rt_cumprod, u(3, 4), away(3, 4), wrt=(0, 1))
    r(f_rt_norm, u(3), away(3, 4), wrt=(0, 1))
    if NUMPY2:
        r(f_rt_vector_norm, u(3), away(3, 4), wrt=(0, 1))
    r(f_rt_einsum, u(3, 4), u(4, 2), wrt=(0, 1))
    r(f_rt_logsumexp_weights, u(3, 4))
    r(f_rt_logsumexp_b, u(3), u(3, 4), wrt=(0, 1))
    r(f_rt_cho_solve, u(3), u(3, 3), wrt=(0, 1))
    r(f_rt_scipy_cholesky, u(3, 3), u(3, 3), wrt=(0, 1))
    r(f_rt_cho_factor, u(3, 3), u(3, 3), wrt=(0, 1))
    r(f_rt_pinv_eigvalsh, u(3, 3), 0.3 * u(3, 3), wrt=(0, 1))
    r(f_rt_svd_grad, u(3), 0.3 * u(3, 3), wrt=(0, 1))
    r(f_rt_solve_triangular, u(3), u(3, 3) + 2.5 * np.eye(3), wrt=(0, 1))
    r(f_rt_multi_dot, u(3), u(3, 4), u(4), wrt=(0, 1, 2))
    r(f_rt_matrix_power, u(3, 3), 0.5 * u(3, 3) + np.eye(3), wrt=(0, 1))

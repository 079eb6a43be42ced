"""Cases of tests/test_rules.py for the rules of issue 6: np.linalg beyond
products, NumPy 2's linear-algebra functions, scipy.special and scipy.linalg.

Kept apart from test_rules.py's own tables; ``calls`` and ``rows`` are
appended to CALLS and ROWS there. The scipy cases are added only when scipy
is importable (its templates are loaded only then).
"""
import numpy as np

import s2s.runtime as R

try:
    import scipy.linalg as sla
    import scipy.special as sp
except ImportError:  # scipy is optional
    sp = sla = None

HAVE_SCIPY = sp is not None

# s2s.runtime helpers of issue 6 with no rule yet (second derivatives of the
# decompositions): generated code calling them is not differentiated again.
HELPERS_WITHOUT_RULES = (
    "eigh_jvp", "qr_grad", "qr_jvp", "svd_jvp", "expm_grad", "expm_jvp", "sqrtm_grad", "sqrtm_jvp", "lstsq_grad",
    "lstsq_jvp")
NUMPY2 = hasattr(np, "vecdot")


def _sym(a):
    return 0.5 * (a + np.swapaxes(a, -1, -2))


def calls(add, u, pos, away, spd):
    """Direct template calls: ``add(id, prim, *args, wrt=..., **kwargs)``."""
    la = np.linalg
    a = spd(3) + 0.3 * u(3, 3)
    ab = np.stack([spd(3), spd(3)]) + 0.3 * u(2, 3, 3)
    add("slogdet", la.slogdet, a)
    add("slogdet_batch", la.slogdet, ab)
    add("slogdet_negative", la.slogdet, -a)
    add("cholesky", la.cholesky, spd(3) + 0.2 * u(3, 3))  # reads the lower triangle only
    add("cholesky_batch", la.cholesky, np.stack([spd(3), spd(3)]))
    sym = _sym(u(4, 4)) + np.diag([0.0, 1.0, 2.0, 3.0])  # well separated eigenvalues
    add("eigh", la.eigh, sym + 0.1 * np.tril(u(4, 4)))
    add("eigh_upper", la.eigh, sym, "U")
    add("eigh_batch", la.eigh, np.stack([sym, sym + np.diag([3.0, 0.0, 1.5, -1.0])]))
    add("eigvalsh", la.eigvalsh, sym + 0.1 * u(4, 4))
    add("eigvalsh_upper", la.eigvalsh, sym, UPLO="U")
    add("qr_square", la.qr, a)
    add("qr_tall", la.qr, u(5, 3))
    add("qr_batch", la.qr, u(2, 4, 3))
    sv = np.diag([3.0, 2.0, 1.0]) + 0.2 * u(3, 3)
    add("svd_square", la.svd, sv)
    add("svd_thin_tall", la.svd, np.vstack([sv, 0.2 * u(2, 3)]), full_matrices=False)
    add("svd_thin_wide", la.svd, np.hstack([sv, 0.2 * u(3, 2)]), full_matrices=False)
    add("svd_values", la.svd, u(4, 3), compute_uv=False)
    add("svd_batch", la.svd, np.stack([sv, sv.T]), False)
    add("pinv_square", la.pinv, a)
    add("pinv_tall", la.pinv, u(5, 3))
    add("pinv_wide", la.pinv, u(2, 4))
    add("matrix_power", la.matrix_power, 0.5 * u(3, 3), 3)
    add("matrix_power_zero", la.matrix_power, u(3, 3), 0)
    add("matrix_power_one", la.matrix_power, u(2, 3, 3), 1)
    add("matrix_power_negative", la.matrix_power, a, -2)
    add("lstsq_tall", la.lstsq, u(5, 3), u(5), wrt=(0, 1))
    add("lstsq_tall_matrix", la.lstsq, u(5, 3), u(5, 2), wrt=(0, 1))
    add("lstsq_square", la.lstsq, a, u(3, 2), wrt=(0, 1))
    add("lstsq_wide", la.lstsq, u(2, 4), u(2), wrt=(0, 1))
    add("multi_dot", la.multi_dot, [u(2, 3), u(3, 4), u(4, 2)])
    add("multi_dot_vectors", la.multi_dot, [u(3), u(3, 4), u(4, 2), u(2)])
    add("rt_slogdet_grad", R.slogdet_grad, (u(), u()), a, wrt=(0, 1))
    add("rt_slogdet_grad_batch", R.slogdet_grad, (u(2), u(2)), ab, wrt=(0, 1))
    add("rt_slogdet_jvp", R.slogdet_jvp, u(3, 3), a, la.slogdet(a), wrt=(0, 1))
    add("rt_slogdet_jvp_batch", R.slogdet_jvp, u(2, 3, 3), ab, la.slogdet(ab), wrt=(0, 1))
    add("rt_vecdot_grad", R.vecdot_grad, u(2), u(2, 3), wrt=(0, 1))
    add("rt_vecdot_grad_axis", R.vecdot_grad, u(3), u(2, 3), 0, wrt=(0, 1))
    add("rt_matvec_grad1", R.matvec_grad1, u(2, 3), u(2, 3, 4), u(4), wrt=(0, 2))
    add("rt_matvec_grad2", R.matvec_grad2, u(2, 3), u(3, 4), u(2, 4), wrt=(0, 1))
    add("rt_lower_grad", R.lower_grad, u(2, 3, 3))
    add("rt_lower_grad_upper", R.lower_grad, u(3, 3), "U")
    add("rt_symmetric_from", R.symmetric_from, u(3, 3))
    add("rt_symmetric_from_upper", R.symmetric_from, u(2, 3, 3), "U")
    if NUMPY2:
        add("vecdot", np.vecdot, u(2, 3), u(3), wrt=(0, 1))
        add("vecdot_axis", np.vecdot, u(3, 2), u(3, 2), wrt=(0, 1), axis=0)
        add("linalg_vecdot", la.vecdot, u(4, 3), u(4, 3), wrt=(0, 1))
        if hasattr(np, "matvec"):  # NumPy 2.2
            add("matvec", np.matvec, u(2, 3, 4), u(4), wrt=(0, 1))
            add("vecmat", np.vecmat, u(3), u(2, 3, 4), wrt=(0, 1))
        add("linalg_matmul", la.matmul, u(2, 3), u(3, 4), wrt=(0, 1))
        add("linalg_tensordot", la.tensordot, u(2, 3, 4), u(3, 4, 2), wrt=(0, 1))
        add("linalg_outer", la.outer, u(3), u(2), wrt=(0, 1))
        add("vector_norm", la.vector_norm, u(3, 4))
        add("vector_norm_axis_keepdims", la.vector_norm, u(3, 4, 2), axis=(0, 2), keepdims=True)
        add("vector_norm_ord1", la.vector_norm, away(5), ord=1)
        add("vector_norm_inf", la.vector_norm, u(2, 5) + np.arange(5), axis=1, ord=np.inf)
        add("vector_norm_p3", la.vector_norm, away(2, 5), axis=-1, ord=3)
        add("vector_norm_minus_inf", la.vector_norm, u(5) + np.arange(5) + 1, ord=-np.inf)
        add("matrix_norm", la.matrix_norm, u(2, 3, 4))
        add("matrix_norm_nuc", la.matrix_norm, u(3, 4), ord="nuc")
        add("matrix_norm_2_keepdims", la.matrix_norm, u(2, 3, 3), keepdims=True, ord=2)
        add("linalg_trace", la.trace, u(2, 3, 3), offset=1)
        add("linalg_diagonal", la.diagonal, u(2, 3, 4))
        add("matrix_transpose", la.matrix_transpose, u(2, 3, 4))
        add("svdvals", la.svdvals, u(2, 4, 3))
    if HAVE_SCIPY:
        _scipy_calls(add, u, pos, away, spd)


def _scipy_calls(add, u, pos, away, spd):
    for name in ("gammaln", "gamma", "digamma", "erf", "erfc", "ndtr", "log_ndtr", "expit", "log_expit", "i0", "i1",
                 "k0", "k1", "j0", "j1", "y0", "y1", "erfcx", "loggamma", "log1p", "expm1", "exp2", "exp10", "cbrt",
                 "cosm1"):
        add(name, getattr(sp, name), u(2, 3) + 1.5)
    add("gammaln_negative", sp.gammaln, np.array([-0.5, -1.5, -2.3]))
    add("erf_float", sp.erf, 0.3)
    add("log_ndtr_tail", sp.log_ndtr, np.array([-30.0, -10.0, 0.5, 8.0]), eps=1e-5)  # stays finite far out
    add("i1_at_zero", sp.i1, np.array([0.0, -0.7]))
    add("i0_float32", sp.i0, u(3).astype(np.float32), eps=1e-2, rtol=1e-3)
    for name in ("erfinv", "erfcinv", "ndtri", "logit"):
        add(name, getattr(sp, name), pos(2, 3) * 0.4 + (0.05 if name != "erfinv" else -0.4))
    add("entr", sp.entr, pos(2, 3))
    add("polygamma", sp.polygamma, np.array([0, 1, 2]), pos(2, 3), wrt=(1,))
    add("polygamma_scalar_n", sp.polygamma, 1, pos(3), wrt=(1,))
    for name in ("betaln", "beta", "xlogy", "xlog1py", "rel_entr", "kl_div"):
        add(name, getattr(sp, name), pos(2, 3), pos(3), wrt=(0, 1))
    add("xlogy_zero", sp.xlogy, np.array([0.0, 0.5]), np.array([0.7, 1.2]), wrt=(0, 1))
    add("logsumexp", sp.logsumexp, u(3, 4))
    add("logsumexp_axis_keepdims", sp.logsumexp, u(3, 4), axis=1, keepdims=True)
    add("logsumexp_large", sp.logsumexp, u(2, 3) + 1000.0, axis=0)  # exp(a) overflows
    add("logsumexp_b", sp.logsumexp, u(3, 4), wrt=(0, "b"), axis=0, b=pos(4))
    add("softmax", sp.softmax, u(3, 4))
    add("softmax_axis", sp.softmax, u(3, 4), axis=1)
    add("softmax_large", sp.softmax, u(4) + 800.0)
    add("log_softmax", sp.log_softmax, u(2, 3, 4), axis=-1)
    add("log_softmax_all", sp.log_softmax, u(3))
    a = spd(3) + 0.3 * u(3, 3)
    x, b = u(3, 4), pos(4)
    lse, lse_axis = sp.logsumexp(x), sp.logsumexp(x, axis=1, b=b)
    add("rt_logsumexp_grad", R.logsumexp_grad, u(), x, lse, wrt=(0, 1, 2))
    add("rt_logsumexp_grad_axis_b", R.logsumexp_grad, u(3), x, lse_axis, 1, b, wrt=(0, 1, 2, 4))
    add("rt_logsumexp_jvp", R.logsumexp_jvp, u(3, 4), x, lse, wrt=(0, 1, 2))
    add("rt_logsumexp_jvp_axis_b", R.logsumexp_jvp, u(3, 4), x, lse_axis, 1, b, wrt=(0, 1, 2, 4))
    s_, y_ = sp.softmax(x, axis=1), sp.log_softmax(x, axis=0)
    add("rt_softmax_grad", R.softmax_grad, u(3, 4), s_, 1, wrt=(0, 1))
    add("rt_softmax_grad_all", R.softmax_grad, u(3), sp.softmax(u(3)), wrt=(0, 1))
    add("rt_log_softmax_grad", R.log_softmax_grad, u(3, 4), y_, 0, wrt=(0, 1))
    add("rt_log_softmax_jvp", R.log_softmax_jvp, u(3, 4), y_, 0, wrt=(0, 1))
    add("rt_log_softmax_jvp_all", R.log_softmax_jvp, u(4), sp.log_softmax(u(4)), wrt=(0, 1))
    add("scipy_solve", sla.solve, a, u(3, 2), wrt=(0, 1))
    add("scipy_solve_vector", sla.solve, a, u(3), wrt=(0, 1))
    add("scipy_inv", sla.inv, a)
    add("scipy_det", sla.det, a)
    add("scipy_cholesky", sla.cholesky, spd(3) + 0.2 * u(3, 3))  # upper triangle only
    add("scipy_cholesky_lower", sla.cholesky, spd(3) + 0.2 * u(3, 3), lower=True)
    t = u(3, 3) + 3 * np.eye(3)
    add("solve_triangular", sla.solve_triangular, t, u(3, 2), wrt=(0, 1))
    add("solve_triangular_lower_vector", sla.solve_triangular, t, u(3), wrt=(0, 1), lower=True)
    add("solve_triangular_trans", sla.solve_triangular, t, u(3, 2), 1, wrt=(0, 1))
    add("solve_triangular_trans_lower_unit", sla.solve_triangular, t, u(3), "T", True, True, wrt=(0, 1))
    add("cho_factor", sla.cho_factor, spd(3) + 0.2 * u(3, 3))
    add("cho_factor_lower", sla.cho_factor, spd(3) + 0.2 * u(3, 3), True)
    low = np.linalg.cholesky(spd(3))
    add("cho_solve", sla.cho_solve, (low + np.triu(u(3, 3), 1), True), u(3, 2), wrt=(0, 1))
    add("cho_solve_upper_vector", sla.cho_solve, (low.T + np.tril(u(3, 3), -1), False), u(3), wrt=(0, 1))
    add("expm", sla.expm, 0.5 * u(3, 3))
    add("sqrtm", sla.sqrtm, spd(3))


def float32_calls(Call, u, pos, spd):
    x = (spd(3) + 0.3 * u(3, 3)).astype(np.float32)
    out = [Call("slogdet", np.linalg.slogdet, (x,)), Call("cholesky", np.linalg.cholesky, (x,)),
           Call("eigvalsh", np.linalg.eigvalsh, (x,)), Call("pinv", np.linalg.pinv, (x,)),
           Call("svd_values", np.linalg.svd, (x,), {"compute_uv": False}),
           Call("qr", np.linalg.qr, (x,)), Call("eigh", np.linalg.eigh, (x,))]
    if HAVE_SCIPY:
        y = pos(2, 3).astype(np.float32)
        out += [Call(name, getattr(sp, name), (y,)) for name in ("gammaln", "digamma", "erf", "expit", "log_ndtr")]
        out += [Call("logsumexp", sp.logsumexp, (y,), {"axis": 1}), Call("softmax", sp.softmax, (y,)),
                Call("log_softmax", sp.log_softmax, (y,)), Call("xlogy", sp.xlogy, (y, y), wrt=(0, 1)),
                Call("scipy_solve", sla.solve, (x, x[0]), wrt=(0, 1)), Call("expm", sla.expm, (0.1 * x,))]
    return out


# ----------------------------------------------------------------- through s2s.check_grad
def f_slogdet(a): return np.linalg.slogdet(a)[1]
def f_slogdet_unpacked(a):
    sign, logdet = np.linalg.slogdet(a)
    return sign * logdet
def f_cholesky(a, w): return np.sum(np.linalg.cholesky(a @ a.T + 3.0 * np.eye(3)) * w)
def f_eigh(a, w):
    vals, vecs = np.linalg.eigh(a + a.T)
    return np.sum(vals * w) + np.sum(vecs[:, 0] ** 2 * w)
def f_eigvalsh(a): return np.max(np.linalg.eigvalsh(a + a.T))
def f_qr(a, w):
    q, r = np.linalg.qr(a)
    return np.sum(q * w[:, :3]) + np.sum(r * w[:3, :3])
def f_svd(a, w):
    u_, s, vh = np.linalg.svd(a, full_matrices=False)
    return np.sum(s * w) + np.sum((u_ @ vh) ** 2 * 0.5)
def f_svd_values(a): return np.sum(np.linalg.svd(a, compute_uv=False) ** 2)
def f_pinv(a, w): return np.sum(np.linalg.pinv(a) * w)
def f_lstsq(a, b):
    x, res, rank, s = np.linalg.lstsq(a, b)
    return np.sum(np.sin(x)) + np.sum(res) + np.sum(s)
def f_matrix_power(a, w): return np.sum(np.linalg.matrix_power(a, 3) * w)
def f_multi_dot(a, b, c): return np.linalg.multi_dot([a, b, c])
def f_vecdot(x, y, w): return np.sum(np.vecdot(x, y) * w)
def f_linalg_vecdot(x, y): return np.sum(np.linalg.vecdot(x, y, axis=0))
def f_matvec(a, v, w): return np.sum(np.matvec(a, v) * w)
def f_vecmat(v, a, w): return np.sum(np.vecmat(v, a) * w)
def f_linalg_matmul(a, b, w): return np.sum(np.linalg.matmul(a, b) * w)
def f_linalg_tensordot(a, b, w): return np.sum(np.linalg.tensordot(a, b, axes=1) * w)
def f_linalg_outer(x, y, w): return np.sum(np.linalg.outer(x, y) * w)
def f_vector_norm(x): return np.linalg.vector_norm(x) + np.sum(np.linalg.vector_norm(x, axis=0, ord=1))
def f_matrix_norm(x): return np.sum(np.linalg.matrix_norm(x)) + np.sum(np.linalg.matrix_norm(x, ord="nuc"))
def f_linalg_trace(x): return np.sum(np.sin(np.linalg.trace(x)))
def f_linalg_diagonal(x, w): return np.sum(np.linalg.diagonal(x, offset=1) * w)
def f_matrix_transpose(x, w): return np.sum(np.linalg.matrix_transpose(x) * w)
def f_svdvals(x): return np.sum(np.linalg.svdvals(x) ** 3)
def f_rt_slogdet(g, a): return np.sum(np.sin(R.slogdet_grad((0.0, g), a))) + np.sum(
    np.sin(R.slogdet_jvp(a * g, a, np.linalg.slogdet(a))[1]))
def f_rt_vecdot_matvec(g, a, v):
    return (np.sum(np.sin(R.vecdot_grad(g, a))) + np.sum(np.sin(R.matvec_grad1(g, a, v)))
            + np.sum(np.sin(R.matvec_grad2(v, a, g))))
def f_rt_lower_grad(s, w): return np.sum(R.lower_grad(s) * w)
def f_rt_symmetric_from(t, w): return np.sum(np.sin(R.symmetric_from(t, "U")) * w)


def rows(r, u, pos, away, spd):
    """``r(fn, *args, wrt=...)`` for each rule of issue 6."""
    a = spd(3) + 0.3 * u(3, 3)
    r(f_slogdet, a)
    r(f_slogdet_unpacked, -a)
    r(f_cholesky, u(3, 3), u(3, 3))
    r(f_eigh, np.diag([0.0, 1.0, 2.0]) + 0.1 * u(3, 3), u(3))
    r(f_eigvalsh, np.diag([0.0, 1.0, 2.0]) + 0.1 * u(3, 3))
    r(f_qr, u(4, 3), u(4, 3))
    r(f_svd, np.vstack([np.diag([3.0, 2.0, 1.0]), np.zeros((1, 3))]) + 0.2 * u(4, 3), u(3))
    r(f_svd_values, u(3, 4))
    r(f_pinv, u(4, 3), u(3, 4))
    r(f_matrix_power, 0.5 * u(3, 3), u(3, 3))
    r(f_lstsq, u(5, 3), u(5, 2), wrt=(0, 1))
    r(f_multi_dot, u(3), u(3, 4), u(4), wrt=(0, 1, 2))
    r(f_rt_lower_grad, u(3, 3), u(3, 3))
    r(f_rt_slogdet, 0.7, spd(3) + 0.3 * u(3, 3), wrt=(0, 1))
    r(f_rt_vecdot_matvec, u(3), u(3, 3), u(3), wrt=(0, 1, 2))
    r(f_rt_symmetric_from, u(3, 3), u(3, 3))
    if NUMPY2:
        r(f_vecdot, u(2, 3), u(3), u(2), wrt=(0, 1))
        r(f_linalg_vecdot, u(3, 2), u(3, 2), wrt=(0, 1))
        if hasattr(np, "matvec"):  # NumPy 2.2
            r(f_matvec, u(2, 3, 4), u(4), u(2, 3), wrt=(0, 1))
            r(f_vecmat, u(3), u(3, 4), u(4), wrt=(0, 1))
        r(f_linalg_matmul, u(2, 3), u(3, 4), u(2, 4), wrt=(0, 1))
        r(f_linalg_tensordot, u(2, 3), u(3, 4), u(2, 4), wrt=(0, 1))
        r(f_linalg_outer, u(3), u(2), u(3, 2), wrt=(0, 1))
        r(f_vector_norm, u(3, 4))
        r(f_matrix_norm, u(2, 3, 4))
        r(f_linalg_trace, u(2, 3, 3))
        r(f_linalg_diagonal, u(2, 3, 3), u(2, 2))
        r(f_matrix_transpose, u(2, 3, 4), u(2, 4, 3))
        r(f_svdvals, u(3, 4))
    if HAVE_SCIPY:
        _scipy_rows(r, u, pos, away, spd)


def _scipy_rows(r, u, pos, away, spd):
    for fn in (f_gammaln, f_digamma_polygamma, f_erfs, f_ndtr, f_logistic, f_bessel, f_xlogy, f_entropies,
               f_betas, f_more_bessel, f_scipy_elementary):
        r(fn, pos(3) * 0.4 + 0.1)
    r(f_logsumexp, u(3, 4), pos(4), wrt=(0, 1))
    r(f_softmax, u(3, 4), u(3, 4))
    a = spd(3) + 0.3 * u(3, 3)
    r(f_scipy_solve_inv_det, a, u(3), wrt=(0, 1))
    r(f_rt_softmax_family, u(3, 4), u(3, 4), wrt=(0, 1))
    r(f_scipy_cholesky, u(3, 3), u(3, 3))
    r(f_solve_triangular, u(3, 3) + 3 * np.eye(3), u(3, 2), wrt=(0, 1))
    r(f_expm_sqrtm, 0.3 * u(3, 3))
    r(f_cho, u(3, 3), u(3, 2), wrt=(0, 1))


# scipy (only used when scipy is importable)
def f_gammaln(x): return np.sum(sp.gammaln(x + 1.0) * sp.gamma(x))
def f_digamma_polygamma(x): return np.sum(sp.digamma(x) + sp.polygamma(2, x))
def f_erfs(x): return np.sum(sp.erf(x) * sp.erfc(x) + sp.erfinv(x) + sp.erfcinv(x))
def f_ndtr(x): return np.sum(sp.ndtr(x) + sp.log_ndtr(x) + sp.ndtri(x))
def f_logistic(x): return np.sum(sp.expit(x) * sp.logit(x) + sp.log_expit(x))
def f_bessel(x): return np.sum(sp.i0(x) * sp.i1(x))
def f_more_bessel(x): return np.sum(sp.k0(x + 0.5) * sp.k1(x + 0.5) + sp.j0(x) * sp.j1(x) + sp.y0(x) + sp.y1(x)
                                    + x * sp.gammasgn(x))
def f_scipy_elementary(x): return np.sum(sp.erfcx(x) + sp.loggamma(x) + sp.log1p(x) * sp.expm1(x) + sp.exp2(x)
                                         + sp.exp10(x) * sp.cbrt(x) + sp.cosm1(x))
def f_xlogy(x): return np.sum(sp.xlogy(x, x + 1.0) + sp.xlog1py(x, x))
def f_entropies(x): return np.sum(sp.entr(x) + sp.rel_entr(x, 0.5) + sp.kl_div(0.3, x))
def f_betas(x): return np.sum(sp.betaln(x, 2.0 * x) + sp.beta(x, 1.5))
def f_logsumexp(x, b): return sp.logsumexp(x) + np.sum(sp.logsumexp(x, axis=1, b=b))
def f_softmax(x, w): return np.sum(sp.softmax(x, axis=1) * w) + np.sum(sp.log_softmax(x) * w)
def f_rt_softmax_family(g, x):
    lse = sp.logsumexp(x, axis=0)
    return (np.sum(np.sin(R.logsumexp_grad(g[0], x, lse, 0))) + np.sum(np.sin(R.logsumexp_jvp(g, x, lse, 0)))
            + np.sum(np.sin(R.softmax_grad(g, sp.softmax(x)))) + np.sum(np.sin(R.log_softmax_grad(g, x - lse, 0)))
            + np.sum(np.sin(R.log_softmax_jvp(g, sp.log_softmax(x, axis=1), 1))))
def f_scipy_solve_inv_det(a, b): return np.sum(sla.solve(a, b)) + np.sum(sla.inv(a)) + sla.det(a)
def f_scipy_cholesky(a, w): return np.sum(sla.cholesky(a @ a.T + 3.0 * np.eye(3)) * w)
def f_solve_triangular(a, b): return np.sum(np.sin(sla.solve_triangular(a, b, lower=True)))
def f_cho(a, b):
    factor = sla.cho_factor(a @ a.T + np.eye(3))
    return np.sum(np.sin(sla.cho_solve(factor, b)))
def f_expm_sqrtm(a): return np.sum(sla.expm(a)) + np.sum(sla.sqrtm(a @ a.T + np.eye(3)))

"""Adjoints and tangents of matrix decompositions and matrix functions.

np.linalg's decompositions (slogdet, eigh, qr, svd, pinv) and scipy.linalg's
(solve_triangular, cholesky, expm, sqrtm, cho_factor, cho_solve), which
share them. ``g`` is the adjoint of the result; for tuple results (eigh, qr,
svd, slogdet) it is a tuple whose entries may be the scalar zero. scipy is
imported inside the helpers that need it, never at import time.
"""
import numpy as np

from s2s.runtime.core import S2SError, is_zero, float_dtype, refuse_complex, zeros_like
from s2s.runtime.elementwise import safe_divide
from s2s.runtime.linalg import eye_like, swap_last_axes
from s2s.runtime.hermitian import (conj_swap, eigh_complex_jvp, pinv_complex_jvp, qr_complex_grad,
                                   qr_complex_jvp, svd_values_grad, svd_values_jvp)


def tuple_part(g, like):
    """Entry ``g`` of a tuple adjoint, as an array shaped like ``like`` (the scalar zero included)."""
    return np.broadcast_to(np.asarray(g, dtype=np.result_type(g, float_dtype(like))), np.shape(like))


def _like(ans, parts):
    """The tangents ``parts`` in the tuple type of the result ``ans`` (NumPy's named tuples included)."""
    return type(ans)(*parts) if hasattr(ans, "_fields") else tuple(parts)


def lower_grad(s, uplo="L"):
    """Adjoint of the array ``a`` of a function that reads only one triangle of ``a`` as a symmetric
    (complex: Hermitian) matrix: the adjoint of ``symmetric_from``.

    ``s`` is the adjoint with respect to the symmetric matrix; the entries of
    the other triangle get none, the diagonal of a complex one its real part.
    """
    s = np.asarray(s)
    full = s + conj_swap(s)
    keep = np.tril(full) if uplo == "L" else np.triu(full)
    return keep - 0.5 * full * eye_like(s)


def symmetric_from(t, uplo="L"):
    """The symmetric (complex: Hermitian) matrix that ``np.linalg.eigh``/``cholesky`` read from ``t``: one
    triangle, mirrored (conjugated), with the real part of the diagonal."""
    t = np.asarray(t)
    tri = np.tril(t) if uplo == "L" else np.triu(t)
    full = tri + conj_swap(tri)
    return full - 0.5 * full * eye_like(t)


def slogdet_grad(g, a):
    """Adjoint of ``a`` in ``np.linalg.slogdet(a)``: the log-determinant's adjoint times ``inv(a).T`` (the sign has none).

    For complex ``a``, ``log det a = logabsdet + i angle``: the sign ``exp(i angle)`` adds
    ``-1j Re(1j sign_bar sign)`` to the coefficient (real parts: both results are real-pair values).
    """
    if np.iscomplexobj(a):
        sign = np.linalg.slogdet(a)[0]
        coef = (np.real(np.asarray(tuple_part(g[1], np.asarray(a)[..., 0, 0])))
                - 1j * np.real(1j * np.asarray(tuple_part(g[0], np.asarray(a)[..., 0, 0])) * sign))
        return coef[..., None, None] * swap_last_axes(np.linalg.inv(a))
    return np.asarray(tuple_part(g[1], np.asarray(a)[..., 0, 0]))[..., None, None] * swap_last_axes(np.linalg.inv(a))


def slogdet_jvp(t, a, ans):
    """Tangent of ``np.linalg.slogdet(a)`` along ``t``: (0 for the sign, trace(inv(a) t)); for complex ``a``,
    ``(sign * 1j * Im(tr), Re(tr))`` with ``tr = trace(inv(a) t)``."""
    if np.iscomplexobj(a) or np.iscomplexobj(t):
        tr = np.sum(swap_last_axes(np.linalg.inv(a)) * t, axis=(-2, -1))
        return _like(ans, (ans[0] * 1j * np.imag(tr), np.real(tr)))
    return _like(ans, (zeros_like(np.asarray(ans[0])), np.sum(swap_last_axes(np.linalg.inv(a)) * t, axis=(-2, -1))))


def tril_half_diagonal(x):
    """Lower triangle with the diagonal halved."""
    return np.tril(x) - 0.5 * x * eye_like(x)


def _gaps(w):
    """``F[i, j] = 1 / (w[j] - w[i])`` off the diagonal, 0 on it (and where two values coincide)."""
    d = w[..., None, :] - w[..., :, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(d == 0, 0.0, 1.0 / np.where(d == 0, 1.0, d))


def eigh_jvp(t, a, ans, UPLO="L"):
    """Tangent of ``(w, v) = np.linalg.eigh(a, UPLO)`` along ``t`` (complex ``a``: with no change of phase)."""
    if np.iscomplexobj(ans[1]):
        return _like(ans, eigh_complex_jvp(t, ans, symmetric_from(t, UPLO)))
    w, v = ans[0], ans[1]
    p = swap_last_axes(v) @ symmetric_from(t, UPLO) @ v
    return _like(ans, (np.copy(np.diagonal(p, axis1=-2, axis2=-1)), v @ (_gaps(w) * p)))


def eigvalsh_jvp(t, a, UPLO="L"):
    """Tangent of ``np.linalg.eigvalsh(a, UPLO)`` along ``t``: the diagonal of ``v.T sym(t) v``."""
    w, v = np.linalg.eigh(a, UPLO)
    out = np.sum(np.conjugate(v) * (symmetric_from(t, UPLO) @ v), axis=-2)
    return np.real(out) if np.iscomplexobj(out) else out


def _tall(a, what):
    m, n = np.shape(a)[-2:]
    if m < n:
        raise S2SError("{}: s2s differentiates the QR decomposition of square and tall matrices (rows >= columns); "
                       "this one is {}x{}. Differentiate qr of its transpose instead.".format(what, m, n))


def _copyltu(m):
    low = np.tril(m, -1)
    return low + swap_last_axes(low) + m * eye_like(m)


def qr_grad(g, a, ans):
    """Adjoint of ``a`` in ``q, r = np.linalg.qr(a)`` (reduced, rows >= columns)."""
    _tall(a, "np.linalg.qr")
    q, r = ans[0], ans[1]
    q_bar, r_bar = tuple_part(g[0], q), tuple_part(g[1], r)
    if np.iscomplexobj(q):
        return qr_complex_grad(q, r, q_bar, r_bar)
    m = r @ swap_last_axes(r_bar) - swap_last_axes(q_bar) @ q
    b = q_bar + q @ _copyltu(m)
    return swap_last_axes(np.linalg.solve(r, swap_last_axes(b)))


def qr_jvp(t, a, ans):
    """Tangent of ``q, r = np.linalg.qr(a)`` along ``t`` (reduced, rows >= columns)."""
    _tall(a, "np.linalg.qr")
    q, r = ans[0], ans[1]
    if np.iscomplexobj(q):
        return _like(ans, qr_complex_jvp(t, q, r))
    rinv = np.linalg.inv(r)
    x = swap_last_axes(q) @ t @ rinv
    low = np.tril(x, -1)
    omega = low - swap_last_axes(low)
    r_dot = (x - omega) @ r
    return _like(ans, (t @ rinv - q @ (x - omega), r_dot))


def _svd_parts(a, ans, compute_uv, full_matrices):
    a = np.asarray(a)
    if not compute_uv:
        u, s, vh = np.linalg.svd(a, full_matrices=False)
        return u, s, vh
    u, s, vh = ans[0], ans[1], ans[2]
    m, n = a.shape[-2:]
    if full_matrices and m != n:
        raise S2SError("np.linalg.svd: s2s differentiates the thin SVD of a non-square matrix; pass "
                       "full_matrices=False (the extra singular vectors of the full SVD are not unique).")
    return u, s, vh


def _svd_vectors_refused(a):
    refuse_complex(a, "np.linalg.svd with compute_uv=True (the singular vectors of a complex matrix, whose "
                      "phases NumPy chooses; its singular values alone, compute_uv=False or np.linalg.svdvals, "
                      "are differentiated)")


def svd_grad(g, a, ans, full_matrices=True, compute_uv=True):
    """Adjoint of ``a`` in ``np.linalg.svd(a, full_matrices, compute_uv)`` (thin SVD, distinct nonzero singular values)."""
    u, s, vh = _svd_parts(a, ans, compute_uv, full_matrices)
    if np.iscomplexobj(a):
        if not compute_uv:
            return svd_values_grad(g, u, vh)
        _svd_vectors_refused(a)
    if not compute_uv:
        return (u * np.asarray(g)[..., None, :]) @ vh
    u_bar, s_bar, vh_bar = tuple_part(g[0], u), tuple_part(g[1], s), tuple_part(g[2], vh)
    v, v_bar = swap_last_axes(vh), swap_last_axes(vh_bar)
    f = _gaps(s * s)
    j = swap_last_axes(u) @ u_bar
    k = swap_last_axes(v) @ v_bar
    s_col, s_row = s[..., :, None], s[..., None, :]
    core = (f * (j - swap_last_axes(j))) * s_row + s_bar[..., :, None] * eye_like(u[..., :1, :]) + s_col * (f * (k - swap_last_axes(k)))
    out = u @ core @ vh
    inv_s = safe_divide(1.0, s)
    # The parts of u_bar and v_bar outside the span of u and v (zero for square matrices).
    out = out + ((u_bar - u @ j) * inv_s[..., None, :]) @ vh
    return out + (u * inv_s[..., None, :]) @ swap_last_axes(v_bar - v @ k)


def svd_jvp(t, a, ans, full_matrices=True, compute_uv=True):
    """Tangent of ``np.linalg.svd(a, full_matrices, compute_uv)`` along ``t``."""
    u, s, vh = _svd_parts(a, ans, compute_uv, full_matrices)
    if np.iscomplexobj(a):
        if not compute_uv:
            return svd_values_jvp(t, u, vh)
        _svd_vectors_refused(a)
    v = swap_last_axes(vh)
    p = swap_last_axes(u) @ t @ v
    s_dot = np.copy(np.diagonal(p, axis1=-2, axis2=-1))
    if not compute_uv:
        return s_dot
    f = _gaps(s * s)
    s_col, s_row = s[..., :, None], s[..., None, :]
    inv_s = safe_divide(1.0, s)
    u_dot = u @ (f * (p * s_row + s_col * swap_last_axes(p))) + (t @ v - u @ p) * inv_s[..., None, :]
    v_dot = v @ (f * (s_col * p + swap_last_axes(p) * s_row)) + (swap_last_axes(t) @ u - v @ swap_last_axes(p)) * inv_s[..., None, :]
    return _like(ans, (u_dot, s_dot, swap_last_axes(v_dot)))


def pinv_jvp(t, a, ans):
    """Tangent of ``x = np.linalg.pinv(a)`` along ``t``."""
    if np.iscomplexobj(a):
        return pinv_complex_jvp(t, a, ans)
    x = ans
    left = np.eye(np.shape(a)[-2], dtype=float_dtype(a)) - a @ x
    right = np.eye(np.shape(a)[-1], dtype=float_dtype(a)) - x @ a
    return -x @ t @ x + x @ swap_last_axes(x) @ swap_last_axes(t) @ left + right @ swap_last_axes(t) @ swap_last_axes(x) @ x


# scipy.linalg (scipy is imported inside the helpers that need it).
def triangle_of(a, lower=False, unit_diagonal=False):
    """The triangular matrix ``scipy.linalg.solve_triangular`` reads from ``a``."""
    tri = np.tril(a) if lower else np.triu(a)
    if unit_diagonal:
        eye = eye_like(a)
        tri = tri - tri * eye + eye
    return tri


def triangular_trans(trans):
    return {0: 0, "N": 0, 1: 1, "T": 1, 2: 1, "C": 1}[trans]


def solve_triangular_grad2(g, a, b, trans=0, lower=False, unit_diagonal=False):
    """Adjoint of ``b`` in ``scipy.linalg.solve_triangular(a, b, trans, lower, unit_diagonal)``."""
    t = triangle_of(a, lower, unit_diagonal)
    op_t = t if triangular_trans(trans) else swap_last_axes(t)  # the transpose of the matrix solved with
    if np.ndim(b) == 1:
        return np.linalg.solve(op_t, np.asarray(g)[..., None])[..., 0]
    return np.linalg.solve(op_t, g)


def solve_triangular_grad1(b_bar, a, ans, b, trans=0, lower=False, unit_diagonal=False):
    """Adjoint of ``a`` in ``ans = solve_triangular(a, b, ...)``, given ``b_bar``: ``-b_bar ans.T`` on the triangle read."""
    if np.ndim(b) == 1:
        outer = np.asarray(b_bar)[..., :, None] * np.asarray(ans)[..., None, :]
    else:
        outer = np.matmul(b_bar, swap_last_axes(ans))
    full = -(swap_last_axes(outer) if triangular_trans(trans) else outer)
    tri = np.tril(full) if lower else np.triu(full)
    return tri - tri * eye_like(full) if unit_diagonal else tri


def solve_triangular_jvp(a_dot, b_dot, a, ans, trans=0, lower=False, unit_diagonal=False):
    """Tangent of ``ans = solve_triangular(a, b, ...)`` along ``a_dot`` and ``b_dot`` (either may be zero)."""
    t = triangle_of(a, lower, unit_diagonal)
    op = swap_last_axes(t) if triangular_trans(trans) else t
    rhs = 0.0
    if not is_zero(b_dot):
        rhs = rhs + np.asarray(b_dot)
    if not is_zero(a_dot):
        td = np.tril(a_dot) if lower else np.triu(a_dot)
        if unit_diagonal:
            td = td - td * eye_like(td)
        td = swap_last_axes(td) if triangular_trans(trans) else td
        rhs = rhs - (td @ ans if np.ndim(ans) > 1 else td @ np.asarray(ans))
    rhs = np.broadcast_to(rhs, np.shape(ans))
    return np.linalg.solve(op, rhs[..., None])[..., 0] if np.ndim(ans) == 1 else np.linalg.solve(op, rhs)


def scipy_cholesky_grad(g, ans, lower=False):
    """Adjoint of ``a`` in ``scipy.linalg.cholesky(a, lower)`` (it reads the triangle it returns)."""
    low, g_low = (ans, g) if lower else (swap_last_axes(ans), swap_last_axes(g))
    linv = np.linalg.inv(low)
    s = swap_last_axes(linv) @ tril_half_diagonal(swap_last_axes(low) @ g_low) @ linv
    return lower_grad(0.5 * (s + swap_last_axes(s)), "L" if lower else "U")


def scipy_cholesky_jvp(t, ans, lower=False):
    """Tangent of ``scipy.linalg.cholesky(a, lower)`` along ``t``."""
    low = ans if lower else swap_last_axes(ans)
    linv = np.linalg.inv(low)
    dl = low @ tril_half_diagonal(linv @ symmetric_from(t, "L" if lower else "U") @ swap_last_axes(linv))
    return dl if lower else swap_last_axes(dl)


def _expm_block(a, e):
    """The upper right block of ``expm([[a, e], [0, a]])``: the derivative of ``expm`` at ``a`` along ``e``."""
    from scipy.linalg import expm
    n = np.shape(a)[-1]
    big = np.zeros(np.shape(a)[:-2] + (2 * n, 2 * n), dtype=np.result_type(a, e, float_dtype(a)))
    big[..., :n, :n] = a
    big[..., n:, n:] = a
    big[..., :n, n:] = e
    return expm(big)[..., :n, n:]


def expm_grad(g, a):
    """Adjoint of ``a`` in ``scipy.linalg.expm(a)``: the derivative at ``a.T`` along ``g``."""
    return _expm_block(swap_last_axes(a), g)


def expm_jvp(t, a):
    """Tangent of ``scipy.linalg.expm(a)`` along ``t``."""
    return _expm_block(a, t)


def sqrtm_grad(g, ans):
    """Adjoint of ``a`` in ``x = scipy.linalg.sqrtm(a)``: ``b`` with ``x.T b + b x.T = g``."""
    from scipy.linalg import solve_sylvester
    return solve_sylvester(swap_last_axes(ans), swap_last_axes(ans), g)


def sqrtm_jvp(t, ans):
    """Tangent of ``x = scipy.linalg.sqrtm(a)`` along ``t``: ``d`` with ``x d + d x = t``."""
    from scipy.linalg import solve_sylvester
    return solve_sylvester(ans, ans, t)


def cho_lower_factor(c, lower):
    """The lower Cholesky factor held in ``c`` (scipy's cho_factor layout)."""
    return np.tril(c) if lower else swap_last_axes(np.triu(c))


def cho_other_triangle(t, lower):
    """The strict triangle that scipy.linalg.cho_factor leaves holding ``a``'s own entries."""
    return np.triu(t, 1) if lower else np.tril(t, -1)


def cho_factor_grad(g, a, ans):
    """Adjoint of ``a`` in ``c, lower = scipy.linalg.cho_factor(a, lower)``: the factor's triangle as in
    ``cholesky``, the other triangle (a copy of ``a``'s) passed through."""
    c, lower = ans[0], bool(ans[1])
    c_bar = tuple_part(g[0], c)
    tri = np.tril(c) if lower else np.triu(c)
    tri_bar = np.tril(c_bar) if lower else np.triu(c_bar)
    return scipy_cholesky_grad(tri_bar, tri, lower) + cho_other_triangle(c_bar, lower)


def cho_factor_jvp(t, a, ans):
    """Tangent of ``c, lower = scipy.linalg.cho_factor(a, lower)`` along ``t``."""
    c, lower = ans[0], bool(ans[1])
    tri = np.tril(c) if lower else np.triu(c)
    return (scipy_cholesky_jvp(t, tri, lower) + cho_other_triangle(t, lower), 0.0)


def cho_apply(c, lower, b):
    low = cho_lower_factor(c, lower)
    if np.ndim(b) == 1:
        return np.linalg.solve(swap_last_axes(low), np.linalg.solve(low, np.asarray(b)[..., None]))[..., 0]
    return np.linalg.solve(swap_last_axes(low), np.linalg.solve(low, b))


def cho_solve_grad(g, c_and_lower, b, ans):
    """Adjoints ``((c_bar, 0), b_bar)`` of ``x = scipy.linalg.cho_solve((c, lower), b)`` (only the factor's
    triangle of ``c`` is read)."""
    c, lower = c_and_lower[0], bool(c_and_lower[1])
    b_bar = cho_apply(c, lower, g)
    col = (lambda v: np.asarray(v)[..., :, None]) if np.ndim(b) == 1 else np.asarray
    a_bar = -col(b_bar) @ swap_last_axes(col(ans))
    low_bar = (a_bar + swap_last_axes(a_bar)) @ cho_lower_factor(c, lower)
    c_bar = np.tril(low_bar) if lower else np.triu(swap_last_axes(low_bar))
    return (c_bar, zeros_like(c_and_lower[1])), b_bar


def cho_solve_jvp(c_and_lower_dot, b_dot, c_and_lower, b, ans):
    """Tangent of ``x = scipy.linalg.cho_solve((c, lower), b)`` (either tangent may be zero)."""
    c, lower = c_and_lower[0], bool(c_and_lower[1])
    rhs = np.zeros(np.shape(ans), dtype=np.result_type(ans, float_dtype(c)))
    if not is_zero(b_dot):
        rhs = rhs + b_dot
    c_dot = c_and_lower_dot if is_zero(c_and_lower_dot) else c_and_lower_dot[0]
    if not is_zero(c_dot):
        low, low_dot = cho_lower_factor(c, lower), cho_lower_factor(c_dot, lower)
        a_dot = low_dot @ swap_last_axes(low) + low @ swap_last_axes(low_dot)
        rhs = rhs - (a_dot @ ans if np.ndim(ans) > 1 else a_dot @ np.asarray(ans))
    return cho_apply(c, lower, rhs)

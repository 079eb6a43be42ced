"""Second-order rules of the factorizations: derivatives of the cholesky, cho_factor,
cho_solve, pinv and svd helpers in their primal arguments (templates/runtime_helpers.py uses them).
"""
import numpy as np

from s2s.runtime.core import NoRuleError, is_zero, float_dtype, refuse_complex, zeros_like
from s2s.runtime.linalg import swap_last_axes
from s2s.runtime.decompositions import (cho_apply, cho_lower_factor, cho_other_triangle, tuple_part, tril_half_diagonal, cho_solve_jvp, lower_grad,
                                        pinv_jvp, svd_grad, svd_jvp, symmetric_from)


# scipy.linalg.cho_solve's helpers: x = A^-1 b with A = L L.T, L = cho_lower_factor(c, lower).
def _col_fns(b):
    """Column view and its inverse for the vector convention of ``b`` (vectors when ``b`` is 1-D)."""
    if np.ndim(b) == 1:
        return (lambda v: np.asarray(v)[..., :, None]), (lambda m: m[..., 0])
    return np.asarray, (lambda m: m)


def _factor_grad(low_bar, lower):
    """Adjoint of ``c`` in ``cho_lower_factor(c, lower)`` (the transposed map)."""
    return np.tril(low_bar) if lower else np.triu(swap_last_axes(low_bar))


def _pair_first(p):
    """The first entry of a pair's tangent or adjoint (None when it is the scalar zero)."""
    if is_zero(p) or p is None:
        return None
    first = p[0]
    return None if is_zero(first) else np.asarray(first)


def cho_solve_grad_vjp(h, g, c_and_lower, b, x):
    """Adjoints ``(g_bar, (c_bar, 0), x_bar)`` of ``cho_solve_grad(g, c_and_lower, b, x)`` given its adjoint ``h``
    (a pair ``((c_bar adjoint, _), b_bar adjoint)``, either entry possibly the scalar zero)."""
    c, lower = np.asarray(c_and_lower[0]), bool(c_and_lower[1])
    col, uncol = _col_fns(b)
    low = cho_lower_factor(c, lower)
    y, xc = cho_apply(c, lower, col(g)), col(x)
    hc = _pair_first(h[0])
    lam = cho_lower_factor(hc, lower) if hc is not None else np.zeros_like(low)
    k = -(lam @ swap_last_axes(low) + low @ swap_last_axes(lam))
    y_bar = k @ xc if is_zero(h[1]) else col(h[1]) + k @ xc
    x_bar = k @ y
    z = cho_apply(c, lower, y_bar)
    a_bar = -z @ swap_last_axes(y)
    low_bar = -(y @ swap_last_axes(xc) + xc @ swap_last_axes(y)) @ lam + (a_bar + swap_last_axes(a_bar)) @ low
    return uncol(z), (_factor_grad(low_bar, lower), zeros_like(c_and_lower[1])), uncol(x_bar)


def cho_solve_grad_jvp(g_dot, c_and_lower_dot, x_dot, g, c_and_lower, b, x):
    """Tangent ``((c_bar_dot, 0), b_bar_dot)`` of ``cho_solve_grad(g, c_and_lower, b, x)`` (zero tangents allowed)."""
    c, lower = np.asarray(c_and_lower[0]), bool(c_and_lower[1])
    col, uncol = _col_fns(b)
    low = cho_lower_factor(c, lower)
    y, xc = cho_apply(c, lower, col(g)), col(x)
    rhs = np.zeros(np.broadcast_shapes(y.shape, np.shape(col(g))), dtype=np.result_type(y, float))
    dc = _pair_first(c_and_lower_dot)
    d_low = cho_lower_factor(dc, lower) if dc is not None else np.zeros_like(low)
    if not is_zero(g_dot):
        rhs = rhs + col(g_dot)
    rhs = rhs - (d_low @ swap_last_axes(low) + low @ swap_last_axes(d_low)) @ y
    dy = cho_apply(c, lower, rhs)
    dx = np.zeros_like(xc) if is_zero(x_dot) else col(x_dot)
    d_low_bar = (-(dy @ swap_last_axes(xc) + y @ swap_last_axes(dx) + dx @ swap_last_axes(y) + xc @ swap_last_axes(dy)) @ low
                 - (y @ swap_last_axes(xc) + xc @ swap_last_axes(y)) @ d_low)
    return (_factor_grad(d_low_bar, lower), 0.0), uncol(dy)


def cho_solve_jvp_vjp(h, c_and_lower_dot, b_dot, c_and_lower, b, x):
    """Adjoints ``((c_dot_bar, 0), b_dot_bar, (c_bar, 0), x_bar)`` of ``cho_solve_jvp(c_and_lower_dot, b_dot,
    c_and_lower, b, x)`` given the adjoint ``h`` of its result."""
    c, lower = np.asarray(c_and_lower[0]), bool(c_and_lower[1])
    col, uncol = _col_fns(b)
    low = cho_lower_factor(c, lower)
    xc = col(x)
    r = col(cho_solve_jvp(c_and_lower_dot, b_dot, c_and_lower, b, x))
    s = cho_apply(c, lower, col(h))
    dc = _pair_first(c_and_lower_dot)
    d_low = cho_lower_factor(dc, lower) if dc is not None else np.zeros_like(low)
    d_a = d_low @ swap_last_axes(low) + low @ swap_last_axes(d_low)
    d = -s @ swap_last_axes(xc)
    a_bar = -s @ swap_last_axes(r)
    low_bar = (a_bar + swap_last_axes(a_bar)) @ low + (d + swap_last_axes(d)) @ d_low
    zero = zeros_like(c_and_lower[1])
    return ((_factor_grad((d + swap_last_axes(d)) @ low, lower), zero), uncol(s), (_factor_grad(low_bar, lower), zero),
            uncol(-d_a @ s))


def cho_solve_jvp_jvp(c_and_lower_dot, b_dot, c_and_lower_dot2, x_dot, c_and_lower, b, x):
    """Tangent of ``cho_solve_jvp(c_and_lower_dot, b_dot, c_and_lower, b, x)`` along the tangents
    ``c_and_lower_dot2`` of ``c_and_lower`` and ``x_dot`` of ``x`` (the terms linear in the first two
    arguments' own tangents are ``cho_solve_jvp`` again)."""
    c, lower = np.asarray(c_and_lower[0]), bool(c_and_lower[1])
    col, uncol = _col_fns(b)
    low = cho_lower_factor(c, lower)
    xc = col(x)
    r = col(cho_solve_jvp(c_and_lower_dot, b_dot, c_and_lower, b, x))
    dc, ec = _pair_first(c_and_lower_dot), _pair_first(c_and_lower_dot2)
    d_low = cho_lower_factor(dc, lower) if dc is not None else np.zeros_like(low)
    e_low = cho_lower_factor(ec, lower) if ec is not None else np.zeros_like(low)
    dx = np.zeros_like(xc) if is_zero(x_dot) else col(x_dot)
    rhs = (-(d_low @ swap_last_axes(low) + low @ swap_last_axes(d_low)) @ dx - (d_low @ swap_last_axes(e_low) + e_low @ swap_last_axes(d_low)) @ xc
           - (e_low @ swap_last_axes(low) + low @ swap_last_axes(e_low)) @ r)
    return uncol(cho_apply(c, lower, rhs))


# scipy.linalg.cholesky's helpers, written on the lower factor L = ans (ans.T when not lower).
def _sym(x):
    return 0.5 * (x + swap_last_axes(x))


def _zero_or(x, like):
    return np.zeros_like(like) if is_zero(x) else np.asarray(x)


def scipy_cholesky_grad_vjp(h, g, ans, lower=False):
    """Adjoints ``(g_bar, ans_bar)`` of ``scipy_cholesky_grad(g, ans, lower)`` given its adjoint ``h``."""
    flip = (lambda m: m) if lower else swap_last_axes
    low, big_g = flip(np.asarray(ans)), flip(np.asarray(g))
    linv = np.linalg.inv(low)
    p = tril_half_diagonal(swap_last_axes(low) @ big_g)
    s_bar = _sym(symmetric_from(h, "L" if lower else "U"))
    x_bar = tril_half_diagonal(linv @ s_bar @ swap_last_axes(linv))
    linv_bar = (p + swap_last_axes(p)) @ linv @ s_bar
    low_bar = big_g @ swap_last_axes(x_bar) - swap_last_axes(linv) @ linv_bar @ swap_last_axes(linv)
    return flip(low @ x_bar), flip(low_bar)


def scipy_cholesky_grad_jvp(g_dot, ans_dot, g, ans, lower=False):
    """Tangent of ``scipy_cholesky_grad(g, ans, lower)`` along ``g_dot`` and ``ans_dot`` (either may be zero)."""
    flip = (lambda m: m) if lower else swap_last_axes
    low, big_g = flip(np.asarray(ans)), flip(np.asarray(g))
    d_low, d_g = flip(_zero_or(ans_dot, low)), flip(_zero_or(g_dot, big_g))
    linv = np.linalg.inv(low)
    d_linv = -linv @ d_low @ linv
    p = tril_half_diagonal(swap_last_axes(low) @ big_g)
    d_p = tril_half_diagonal(swap_last_axes(d_low) @ big_g + swap_last_axes(low) @ d_g)
    d_s = swap_last_axes(d_linv) @ p @ linv + swap_last_axes(linv) @ d_p @ linv + swap_last_axes(linv) @ p @ d_linv
    return lower_grad(_sym(d_s), "L" if lower else "U")


def scipy_cholesky_jvp_vjp(h, t, ans, lower=False):
    """Adjoints ``(t_bar, ans_bar)`` of ``scipy_cholesky_jvp(t, ans, lower)`` given its adjoint ``h``."""
    flip = (lambda m: m) if lower else swap_last_axes
    uplo = "L" if lower else "U"
    low, big_h = flip(np.asarray(ans)), flip(np.asarray(h))
    linv = np.linalg.inv(low)
    a = symmetric_from(t, uplo)
    q = tril_half_diagonal(linv @ a @ swap_last_axes(linv))
    y_bar = tril_half_diagonal(swap_last_axes(low) @ big_h)
    linv_bar = (y_bar + swap_last_axes(y_bar)) @ linv @ a
    low_bar = big_h @ swap_last_axes(q) - swap_last_axes(linv) @ linv_bar @ swap_last_axes(linv)
    return lower_grad(_sym(swap_last_axes(linv) @ y_bar @ linv), uplo), flip(low_bar)


def scipy_cholesky_jvp_jvp(t_dot, ans_dot, t, ans, lower=False):
    """Tangent of ``scipy_cholesky_jvp(t, ans, lower)`` along ``t_dot`` and ``ans_dot`` (either may be zero)."""
    flip = (lambda m: m) if lower else swap_last_axes
    uplo = "L" if lower else "U"
    low = flip(np.asarray(ans))
    d_low = flip(_zero_or(ans_dot, low))
    linv = np.linalg.inv(low)
    d_linv = -linv @ d_low @ linv
    a, d_a = symmetric_from(t, uplo), symmetric_from(_zero_or(t_dot, low), uplo)
    q = tril_half_diagonal(linv @ a @ swap_last_axes(linv))
    d_y = d_linv @ a @ swap_last_axes(linv) + linv @ d_a @ swap_last_axes(linv) + linv @ a @ swap_last_axes(d_linv)
    return flip(d_low @ q + low @ tril_half_diagonal(d_y))


# scipy.linalg.cho_factor's helpers: the factor's triangle as in cholesky, the other triangle passed through.
def _pair_tri(p, c, lower):
    """The factor's triangle of the first entry of a pair's tangent or adjoint ``p`` (zeros when it is zero)."""
    first = _pair_first(p)
    m = np.zeros(np.shape(c), dtype=float_dtype(c)) if first is None else tuple_part(first, c)
    return np.tril(m) if lower else np.triu(m)


def cho_factor_grad_vjp(h, g, a, ans):
    """Adjoints ``((g_c_bar, 0), (c_bar, 0))`` of ``cho_factor_grad(g, a, ans)`` given its adjoint ``h``."""
    c, lower = np.asarray(ans[0]), bool(ans[1])
    tri = np.tril(c) if lower else np.triu(c)
    g_bar, tri_bar = scipy_cholesky_grad_vjp(h, _pair_tri(g, c, lower), tri, lower)
    keep = np.tril if lower else np.triu
    return ((keep(g_bar) + cho_other_triangle(h, lower), zeros_like(g[1])), (keep(tri_bar), zeros_like(ans[1])))


def cho_factor_grad_jvp(g_dot, ans_dot, g, a, ans):
    """Tangent of ``cho_factor_grad(g, a, ans)`` along ``g_dot`` and ``ans_dot`` (pairs, or zero)."""
    c, lower = np.asarray(ans[0]), bool(ans[1])
    tri = np.tril(c) if lower else np.triu(c)
    first = _pair_first(g_dot)
    other = 0.0 if first is None else cho_other_triangle(tuple_part(first, c), lower)
    return (scipy_cholesky_grad_jvp(_pair_tri(g_dot, c, lower), _pair_tri(ans_dot, c, lower),
                                    _pair_tri(g, c, lower), tri, lower) + other)


def cho_factor_jvp_vjp(h, t, a, ans):
    """Adjoints ``(t_bar, (c_bar, 0))`` of ``cho_factor_jvp(t, a, ans)`` given its adjoint ``h`` (a pair)."""
    c, lower = np.asarray(ans[0]), bool(ans[1])
    tri = np.tril(c) if lower else np.triu(c)
    hc = _pair_tri(h, c, lower) + cho_other_triangle(tuple_part(_pair_first(h) if _pair_first(h) is not None else 0.0, c),
                                                  lower)
    t_bar, tri_bar = scipy_cholesky_jvp_vjp(hc, t, tri, lower)
    keep = np.tril if lower else np.triu
    return t_bar + cho_other_triangle(hc, lower), (keep(tri_bar), zeros_like(ans[1]))


def cho_factor_jvp_jvp(t_dot, ans_dot, t, a, ans):
    """Tangent of ``cho_factor_jvp(t, a, ans)`` along ``t_dot`` and ``ans_dot`` (a pair, or zero)."""
    c, lower = np.asarray(ans[0]), bool(ans[1])
    tri = np.tril(c) if lower else np.triu(c)
    t_dot = _zero_or(t_dot, c)
    return (scipy_cholesky_jvp_jvp(t_dot, _pair_tri(ans_dot, c, lower), t, tri, lower)
            + cho_other_triangle(t_dot, lower), 0.0)


# pinv_jvp(t, a, x) = -x t x + x x.T t.T (1 - a x) + (1 - x a) t.T x.T x, expanded into matrix monomials.
_PINV_JVP_TERMS = ((-1, "x t x"), (1, "x X T"), (-1, "x X T a x"), (1, "T X x"), (-1, "x a T X x"))


def _pinv_terms(values):
    """Each monomial of pinv_jvp as (sign, [(name, transposed)], [matrices]); capitals are transposes."""
    for sign, word in _PINV_JVP_TERMS:
        names = [(c.lower(), c.isupper()) for c in word.split()]
        yield sign, names, [swap_last_axes(values[n]) if tr else np.asarray(values[n]) for n, tr in names]


def _product(mats):
    out = mats[0]
    for m in mats[1:]:
        out = out @ m
    return out


def pinv_jvp_vjp(h, t, a, x):
    """Adjoints ``(t_bar, a_bar, x_bar)`` of ``pinv_jvp(t, a, x)`` given the adjoint ``h`` of its result."""
    refuse_complex(a, "np.linalg.pinv (the derivative of its tangent rule, for complex matrices)")
    values = {"t": t, "a": a, "x": x}
    bars = {k: np.zeros(np.shape(v), dtype=np.result_type(float_dtype(v), h)) for k, v in values.items()}
    for sign, names, mats in _pinv_terms(values):
        for k, (name, transposed) in enumerate(names):
            left = swap_last_axes(_product(mats[:k])) @ h if k else np.asarray(h)
            piece = left @ swap_last_axes(_product(mats[k + 1:])) if k < len(mats) - 1 else left
            bars[name] = bars[name] + sign * (swap_last_axes(piece) if transposed else piece)
    return bars["t"], bars["a"], bars["x"]


def pinv_jvp_jvp(t_dot, a_dot, x_dot, t, a, x):
    """Tangent of ``pinv_jvp(t, a, x)`` along ``t_dot``, ``a_dot`` and ``x_dot`` (zero tangents allowed)."""
    refuse_complex(a, "np.linalg.pinv (the derivative of its tangent rule, for complex matrices)")
    values = {"t": t, "a": a, "x": x}
    dots = {"t": t_dot, "a": a_dot, "x": x_dot}
    out = np.zeros(np.shape(pinv_jvp(t, a, x)), dtype=np.result_type(float_dtype(a), float_dtype(x), t))
    for sign, names, mats in _pinv_terms(values):
        for k, (name, transposed) in enumerate(names):
            if is_zero(dots[name]):
                continue
            d = swap_last_axes(dots[name]) if transposed else np.asarray(dots[name])
            out = out + sign * _product(mats[:k] + [d] + mats[k + 1:])
    return out


# np.linalg.svd(a, compute_uv=False)'s helper: svd_grad(g, a, s, ..., False) = u diag(g) vh (thin SVD of a).
def _values_only(compute_uv, a=None):
    refuse_complex(a, "np.linalg.svd (the second derivative of the singular values of a complex matrix)")
    if compute_uv:
        raise NoRuleError("np.linalg.svd: s2s differentiates the adjoint of the SVD again only for the singular "
                          "values (compute_uv=False, or np.linalg.svdvals); the second derivative through u and vh "
                          "(the rule of s2s.runtime.svd_grad) is not written yet. Use a first derivative here, or a function of the singular values.")


def svd_grad_vjp(h, g, a, ans, full_matrices=True, compute_uv=True):
    """Adjoints ``(g_bar, a_bar)`` of ``svd_grad(g, a, ans, full_matrices, compute_uv=False)`` given ``h``."""
    _values_only(compute_uv, a)
    usv = np.linalg.svd(a, full_matrices=False)
    u, vh = usv[0], usv[2]
    g = np.asarray(g)[..., None, :]
    # d(u g vh) = du g vh + u g dvh: svd_grad with compute_uv=True, given u_bar = h vh.T g, vh_bar = g u.T h.
    u_bar, vh_bar = (np.asarray(h) @ swap_last_axes(vh)) * g, swap_last_axes(g) * (swap_last_axes(u) @ h)
    return svd_jvp(h, a, ans, full_matrices, False), svd_grad((u_bar, 0.0, vh_bar), a, usv, False, True)


def svd_grad_jvp(g_dot, a_dot, g, a, ans, full_matrices=True, compute_uv=True):
    """Tangent of ``svd_grad(g, a, ans, full_matrices, compute_uv=False)`` along ``g_dot`` and ``a_dot``."""
    _values_only(compute_uv, a)
    usv = np.linalg.svd(a, full_matrices=False)
    out = svd_grad(g_dot, a, ans, full_matrices, False) if not is_zero(g_dot) else 0.0
    if not is_zero(a_dot):
        u_dot, _, vh_dot = svd_jvp(a_dot, a, usv, False, True)
        g = np.asarray(g)[..., None, :]
        out = out + (u_dot * g) @ usv[2] + (usv[0] * g) @ vh_dot
    return out if not is_zero(out) else np.zeros(np.shape(a), dtype=float_dtype(a))

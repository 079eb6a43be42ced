"""Second-order rules: derivatives of the reductions' and products' ``*_grad`` / ``*_jvp``
helpers in their primal arguments (templates/runtime_helpers.py, last section, uses them).
"""
import numpy as np

from s2s.runtime.core import NoRuleError, is_complex_dtype, is_zero, float_dtype, refuse_complex, unreduce
from s2s.runtime.elementwise import safe_divide
from s2s.runtime.reductions import reduction_axes, reduced_last, cumprod_jvp
from s2s.runtime.linalg import (eye_like, swap_last_axes, norm_axes, matrix_powers, unreduced_norm_grad, einsum_grad, einsum_jvp,
                                matrix_power_grad, matrix_power_jvp, multi_dot_grad)
from s2s.runtime.decompositions import triangular_trans


def prod_others_jvp(t, a, axis=None, initial=1):
    """Tangent along ``t`` of ``prod_grad(1, a, axis, True, initial)`` (the product of the other factors).

    Exact when ``a`` has zeros: the left and right exclusive products are
    differentiated by the recurrence of ``cumprod_jvp``.
    """
    a = np.asarray(a)
    axes, last, moved, rest, n = reduced_last(a, axis)
    dtype = np.result_type(float_dtype(a), t)
    if n == 0:
        return np.zeros(a.shape, dtype=dtype)
    x = moved.reshape(rest + (n,))
    d = np.moveaxis(np.broadcast_to(t, a.shape), axes, last).reshape(rest + (n,))
    ones, zeros = np.ones(rest + (1,), dtype=x.dtype), np.zeros(rest + (1,), dtype=dtype)
    left_in, left_dot_in = np.concatenate([ones, x[..., :-1]], axis=-1), np.concatenate([zeros, d[..., :-1]], axis=-1)
    right_in, right_dot_in = (np.concatenate([ones, x[..., :0:-1]], axis=-1),
                              np.concatenate([zeros, d[..., :0:-1]], axis=-1))
    left, right = np.cumprod(left_in, axis=-1), np.cumprod(right_in, axis=-1)[..., ::-1]
    left_dot = cumprod_jvp(left_dot_in, left_in, None, -1)
    right_dot = cumprod_jvp(right_dot_in, right_in, None, -1)[..., ::-1]
    r = (left_dot * right + left * right_dot).reshape(moved.shape)
    return np.moveaxis(r, last, axes) * initial


def _cumprod_last(a, axis, *others):
    """``a`` and ``others`` (broadcast to ``a``) with ``axis`` moved last (all of them raveled when None)."""
    a = np.asarray(a)
    if axis is None:
        return (np.ravel(a),) + tuple(np.ravel(np.broadcast_to(o, a.shape)) for o in others)
    return (np.moveaxis(a, axis, -1),) + tuple(np.moveaxis(np.broadcast_to(o, a.shape), axis, -1) for o in others)


def cumprod_hvp(u, s, a, axis=None):
    """Second-order tangent ``D^2 cumprod(a)[u, s]`` (symmetric in ``u``, ``s``; exact when ``a`` has zeros)."""
    x, u, s = _cumprod_last(a, axis, u, s)
    dtype = np.result_type(float_dtype(x), u, s)
    c = np.ones(x.shape[:-1], dtype=dtype)
    cu, cs, cus = np.zeros_like(c), np.zeros_like(c), np.zeros_like(c)
    out = np.empty(x.shape, dtype=dtype)
    for j in range(x.shape[-1]):
        cus = cus * x[..., j] + cu * s[..., j] + cs * u[..., j]
        cu, cs = cu * x[..., j] + c * u[..., j], cs * x[..., j] + c * s[..., j]
        c = c * x[..., j]
        out[..., j] = cus
    return out if axis is None else np.moveaxis(out, -1, axis)


def cumprod_hvp_grad(w, u, a, axis=None):
    """Adjoint in ``s`` of ``cumprod_hvp(u, s, a, axis)`` given its adjoint ``w``, shaped like ``a``."""
    shape = np.shape(a)
    x, u = _cumprod_last(a, axis, u)
    w = np.ravel(w) if axis is None else np.moveaxis(np.broadcast_to(w, shape), axis, -1)
    dtype = np.result_type(float_dtype(x), u, w)
    n = x.shape[-1]
    c = np.ones(x.shape[:-1] + (n + 1,), dtype=dtype)  # c[j] = prod(x[:j]), cu[j] its tangent along u
    cu = np.zeros_like(c)
    for j in range(n):
        cu[..., j + 1] = cu[..., j] * x[..., j] + c[..., j] * u[..., j]
        c[..., j + 1] = c[..., j] * x[..., j]
    out = np.empty(x.shape, dtype=dtype)
    lam, mu = np.zeros(x.shape[:-1], dtype=dtype), np.zeros(x.shape[:-1], dtype=dtype)
    for j in range(n - 1, -1, -1):
        if j < n - 1:
            lam, mu = w[..., j] + lam * x[..., j + 1], lam * u[..., j + 1] + mu * x[..., j + 1]
        else:
            lam = w[..., j] + lam
        out[..., j] = lam * cu[..., j] + mu * c[..., j]
    return np.reshape(out, shape) if axis is None else np.moveaxis(out, -1, axis)


def norm_grad_partials(g, x, ans, ord=None, axis=None, keepdims=False, vector=False):
    """The derivatives of ``norm_grad(g, x, ans, ...)`` (``vector_norm_grad`` when ``vector``) in ``x`` and ``ans``.

    A pair shaped like ``x``: ``norm_grad`` is elementwise in ``x`` (the first,
    a diagonal) and depends on ``ans`` of its own group (the second). Zero for
    the piecewise-linear norms (ord 0, 1, inf; matrix 1, inf). The matrix
    norms ord 2, -2 and 'nuc' (through the SVD) are not covered.
    """
    x = np.asarray(x)
    axes = reduction_axes(axis, x.ndim) if vector else norm_axes(x.ndim, ord, axis)
    if vector or len(axes) == 1:
        p = 2 if ord is None else ord
    elif ord in (None, "fro"):
        p = 2
    elif ord in (1, -1, np.inf, -np.inf):
        p = 0 if not is_complex_dtype(x.dtype) else None
    else:
        raise NoRuleError("np.linalg.norm: the second derivative of the matrix norm ord={!r} (the rule of "
                          "s2s.runtime.norm_grad) is not written yet; "
                          "use ord='fro', or write it with the singular values (np.linalg.svd(x, compute_uv=False))"
                          .format(ord))
    if is_complex_dtype(x.dtype):
        return _complex_norm_partials(np.real(g), x, ans, p, axis, keepdims, axes)
    dtype = np.result_type(float_dtype(x), g, ans)
    if p in (0, 1, np.inf, -np.inf):
        zero = np.zeros(x.shape, dtype=dtype)
        return zero, zero
    big_g, big_a = unreduce(g, x, axis, keepdims), unreduce(ans, x, axis, keepdims)
    if p == 2:
        return (np.broadcast_to(safe_divide(big_g, big_a), x.shape).astype(dtype),
                -safe_divide(big_g * x, big_a * big_a).astype(dtype))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        dx = np.where(x == 0, 0, (p - 1) * np.abs(x) ** (p - 2))
        dx = np.where(np.isfinite(dx), dx, 0)
        scale = big_a ** (p - 1)
    dx = safe_divide(big_g * dx, scale)
    dans = -(p - 1) * safe_divide(unreduced_norm_grad(big_g, x, big_a, p, axes), big_a)
    return dx.astype(dtype), np.broadcast_to(dans, x.shape).astype(dtype)


def _complex_norm_partials(g, x, ans, p, axis, keepdims, axes):
    """``(P, d_ans, Q)`` for complex ``x``: norm_grad is ``conj(g x |x|^(p-2) / ans^(p-1))``, so its tangent in
    ``x`` is ``P conj(dx) + Q Re(conj(x) dx)`` (``norm_x_jvp``), and ``d_ans`` its derivative in ``ans``."""
    if p is None or p in (0, np.inf, -np.inf) or p < 1:
        refuse_complex(x, "np.linalg.norm (its second derivative with ord={!r})".format(p))
    big_g, big_a = unreduce(g, x, axis, keepdims), unreduce(ans, x, axis, keepdims)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        size = np.abs(x)
        a = np.where(size == 0, 0, size ** (p - 2)) if p != 2 else np.ones(x.shape)
        b = np.where(size == 0, 0, (p - 2) * size ** (p - 4))
        a, b = np.where(np.isfinite(a), a, 0), np.where(np.isfinite(b), b, 0)
        scale = big_a ** (p - 1)
    c = safe_divide(big_g, scale)
    dans = -(p - 1) * safe_divide(unreduced_norm_grad(big_g, x, big_a, p, axes), big_a)
    return (np.broadcast_to(c * a, x.shape), np.broadcast_to(np.conjugate(dans), x.shape),
            np.broadcast_to(c * b, x.shape) * np.conjugate(x))


def norm_x_jvp(x_dot, d, x):
    """The tangent of norm_grad in ``x`` along ``x_dot``, from the partials ``d`` of norm_grad_partials."""
    if np.iscomplexobj(x):
        return d[0] * np.conjugate(x_dot) + d[2] * np.real(np.conjugate(x) * x_dot)
    return x_dot * d[0]


def norm_x_vjp(h, d, x):
    """The adjoint of ``x`` in norm_x_jvp (the Hessian is symmetric: also norm_jvp's adjoint in ``x``)."""
    if np.iscomplexobj(x):
        return d[0] * np.conjugate(h) + np.real(h * d[2]) * np.conjugate(x)
    return h * d[0]


def norm_x_pair(t, x_dot, d, x):
    """``Re(t * norm_x_jvp(x_dot, d, x))``: the tangent in ``x`` of norm_jvp(t, x, ...) before its sum."""
    if np.iscomplexobj(x):
        return np.real(t * norm_x_jvp(x_dot, d, x))
    return x_dot * (t * d[0])


def einsum_grad_others(g, subscripts, operands, i, h):
    """Adjoints of the operands other than ``i`` in ``einsum_grad(g, subscripts, operands, i)`` given its adjoint
    ``h`` (and of those in ``einsum_jvp(h, ...)`` given ``g``): einsum is linear in each operand. Like ``operands``."""
    ops = list(operands)
    out = [0.0 if op is None else np.zeros(np.shape(op), dtype=float_dtype(op)) for op in ops]
    if i < len(ops) and ops[i] is not None:
        ops[i] = h
        for k, op in enumerate(operands):
            if k != i and op is not None:
                out[k] = einsum_grad(g, subscripts, ops, k)
    return type(operands)(out) if isinstance(operands, (list, tuple)) else out


def einsum_others_jvp(t, subscripts, operands, i, operands_dot, adjoint=False):
    """Tangent of ``einsum_jvp(t, subscripts, operands, i)`` (``einsum_grad`` when ``adjoint``) along the
    tangents ``operands_dot`` of the operands other than ``i`` (zero or None entries are skipped)."""
    out = 0.0
    if i >= len(operands) or operands[i] is None:
        return out
    for k, d in enumerate(operands_dot if operands_dot is not None else ()):
        if k == i or d is None or is_zero(d) or operands[k] is None:
            continue
        ops = list(operands)
        ops[k] = d
        if adjoint:
            out = out + einsum_grad(t, subscripts, ops, i)
        else:
            ops[i] = t
            out = out + einsum_jvp(d, subscripts, ops, k)
    return out


def _replaced(arrays, **at):
    """``list(arrays)`` with the entries at the given positions (``{"i": (i, value)}``) replaced."""
    out = list(arrays)
    for i, v in at.values():
        out[i] = v
    return out


def multi_dot_grad_others(g, arrays, h):
    """``out[k] = sum over i != k of multi_dot_grad(g, arrays with h[i] at i)[k]`` (zero ``h[i]`` skipped).

    The adjoint in ``arrays`` of ``multi_dot_grad(g, arrays)`` given its adjoint ``h`` and of
    ``multi_dot_jvp(h, arrays)`` given ``g``, and the tangent of ``multi_dot_grad`` along ``h``.
    """
    out = [np.zeros(np.shape(x), dtype=np.result_type(float_dtype(x), g)) for x in arrays]
    for i, hi in enumerate(h):
        if is_zero(hi):
            continue
        pieces = multi_dot_grad(g, _replaced(arrays, i=(i, hi)))
        for k in range(len(arrays)):
            if k != i:
                out[k] = out[k] + pieces[k]
    return type(arrays)(out) if isinstance(arrays, (list, tuple)) else out


def multi_dot_hvp(t, s, arrays):
    """Second-order tangent of ``np.linalg.multi_dot(arrays)``: the sum over ``i != k`` of the product
    with ``t[i]`` at ``i`` and ``s[k]`` at ``k`` (zero tangents skipped)."""
    out = 0.0
    for i, ti in enumerate(t):
        for k, sk in enumerate(s):
            if i != k and not is_zero(ti) and not is_zero(sk):
                out = out + np.linalg.multi_dot(_replaced(arrays, i=(i, ti), k=(k, sk)))
    return out if not is_zero(out) else np.zeros(np.shape(np.linalg.multi_dot(arrays)))


def _matrix_power_hvp_pos(t, s, a, n):
    return _power_pairs(a, n, (t, s), lambda before, mid, after: (
        before @ t @ mid @ s @ after + before @ s @ mid @ t @ after))


def _matrix_power_hvp_grad_pos(w, t, a, n):
    return _power_pairs(a, n, (t, w), lambda before, mid, after: (
        swap_last_axes(before @ t @ mid) @ w @ swap_last_axes(after) + swap_last_axes(before) @ w @ swap_last_axes(mid @ t @ after)))


def _power_pairs(a, n, operands, term):
    """The sum over 0 <= i < j < n of ``term(a^i, a^(j-i-1), a^(n-1-j))``: the pairs of the n factors of a^n
    that two directions replace (``operands`` set the result's shape and type)."""
    base, p = matrix_powers(a, n)
    shape = np.broadcast_shapes(np.shape(a), *(np.shape(o) for o in operands))
    out = np.zeros(shape, dtype=np.result_type(a, *operands, 1.0))
    for i in range(n):
        for j in range(i + 1, n):
            out = out + term(p[i], p[j - i - 1], p[n - 1 - j])
    return out


def matrix_power_hvp(t, s, a, n):
    """Second-order tangent ``D^2 matrix_power(a, n)[t, s]`` (symmetric in ``t``, ``s``)."""
    if n >= 0:
        return _matrix_power_hvp_pos(t, s, a, n)
    # a^n = b^m with b = inv(a), db[t] = -b t b, d^2 b[t, s] = b t b s b + b s b t b.
    b, m = np.linalg.inv(a), -int(n)
    bt, bs = -b @ t @ b, -b @ s @ b
    return _matrix_power_hvp_pos(bt, bs, b, m) + matrix_power_jvp(b @ t @ b @ s @ b + b @ s @ b @ t @ b, b, m)


def matrix_power_hvp_grad(w, t, a, n):
    """Adjoint in ``s`` of ``matrix_power_hvp(t, s, a, n)`` given its adjoint ``w``."""
    if n >= 0:
        return _matrix_power_hvp_grad_pos(w, t, a, n)
    b, m = np.linalg.inv(a), -int(n)
    first = -swap_last_axes(b) @ _matrix_power_hvp_grad_pos(w, -b @ t @ b, b, m) @ swap_last_axes(b)
    w2 = matrix_power_grad(w, b, m)
    btb = b @ t @ b
    return first + swap_last_axes(btb) @ w2 @ swap_last_axes(b) + swap_last_axes(b) @ w2 @ swap_last_axes(btb)


def triangle_part(h, trans=0, lower=False, unit_diagonal=False, adjoint=False):
    """The part of ``h`` that ``solve_triangular(a, ..., trans, lower, unit_diagonal)`` reads from ``a``.

    ``h`` transposed when ``trans``, then the triangle kept (its diagonal
    zeroed when ``unit_diagonal``); with ``adjoint`` the same steps in reverse
    order, which is the transposed map (both steps are their own transposes).
    """
    def keep(m):
        tri = np.tril(m) if lower else np.triu(m)
        return tri - tri * eye_like(tri) if unit_diagonal else tri

    flip = swap_last_axes if triangular_trans(trans) else np.asarray
    return flip(keep(h)) if adjoint else keep(flip(h))

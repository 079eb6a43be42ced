"""Helpers of reductions and scans: extrema, prod, cumsum and cumprod, diff, average, quantile,
and scipy.special's logsumexp and softmax.

``g`` is the adjoint of the reduction's result; ``unreduce`` gives it back the
reduced axes.
"""
import numpy as np

from s2s.runtime.core import is_zero, float_dtype, may_hold, unbroadcast, unreduce, zeros_like


def reduction_axes(axis, ndim):
    """``axis`` of a reduction as a sorted tuple of non-negative axes."""
    if axis is None:
        return tuple(range(ndim))
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    return tuple(sorted(int(a) % ndim for a in axes)) if ndim else ()


def reduced_last(a, axis):
    """``a`` with the axes a reduction along ``axis`` reduces moved last: (axes, their new positions,
    the moved array, the shape of the axes kept, the number of elements each result reduces)."""
    axes = reduction_axes(axis, a.ndim)
    last = tuple(range(a.ndim - len(axes), a.ndim))
    moved = np.moveaxis(a, axes, last)
    rest = moved.shape[:a.ndim - len(axes)]
    return axes, last, moved, rest, int(np.prod(moved.shape[a.ndim - len(axes):]))


def extremum_reduce_grad(g, a, ans, axis=None, keepdims=False):
    """Adjoint of ``a`` in max/min reductions: ``g`` split evenly among the ties."""
    a = np.asarray(a)
    mask = a == unreduce(ans, a, axis, keepdims)
    g = unreduce(np.asarray(g), a, axis, keepdims)
    count = np.sum(mask, axis=axis, keepdims=True, dtype=g.dtype)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(mask, g / count, 0)


def extremum_reduce_jvp(t, a, ans, axis=None, keepdims=False):
    """Tangent of max/min reductions along ``t``: the mean of ``t`` over the ties (no NaN from the others)."""
    a = np.asarray(a)
    mask = a == unreduce(ans, a, axis, keepdims)
    count = np.sum(mask, axis=axis, keepdims=keepdims, dtype=np.result_type(t, ans))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(count == 0, 0, np.sum(np.where(mask, t, 0), axis=axis, keepdims=keepdims) / count)


def prod_grad(g, a, axis=None, keepdims=False, initial=1):
    """Adjoint of ``a`` in ``np.prod``: ``g`` times the product of the other factors.

    Uses exclusive cumulative products, so zeros in ``a`` are handled exactly.
    """
    a = np.asarray(a)
    axes = reduction_axes(axis, a.ndim)
    k = len(axes)
    moved = np.moveaxis(a, axes, tuple(range(a.ndim - k, a.ndim)))
    rest = moved.shape[:a.ndim - k]
    n = 1
    for length in moved.shape[a.ndim - k:]:  # Python ints, not np.prod: a shape is no library's array
        n *= length
    if n == 0:
        return np.zeros(a.shape, dtype=float_dtype(a))
    x = np.reshape(moved, rest + (n,))  # functions and np.flip, not methods and [::-1]: any array library
    ones = np.ones(rest + (1,), dtype=x.dtype)
    left = np.cumprod(np.concatenate([ones, x[..., :-1]], axis=-1), axis=-1)
    right = np.flip(np.cumprod(np.concatenate([ones, np.flip(x[..., 1:], axis=-1)], axis=-1), axis=-1), axis=-1)
    others = np.reshape(left * right, moved.shape)
    others = np.moveaxis(others, tuple(range(a.ndim - k, a.ndim)), axes)
    if initial != 1:
        others = others * initial
    return unreduce(g, a, axis, keepdims) * others


def cumsum_grad(g, a, axis=None):
    """Adjoint of ``a`` in ``np.cumsum``: the reversed cumulative sum of ``g``."""
    if is_zero(g):
        return zeros_like(a)
    if axis is None:
        return np.reshape(np.flip(np.cumsum(np.flip(np.asarray(g)))), np.shape(a))
    return np.flip(np.cumsum(np.flip(g, axis=axis), axis), axis=axis)


def cumprod_grad(g, a, ans, axis=None):
    """Adjoint of ``a`` in ``np.cumprod`` (exact when ``a`` has zeros)."""
    if axis is None:
        flat = cumprod_grad(np.ravel(g), np.ravel(a), np.ravel(ans), 0)
        return np.reshape(flat, np.shape(a))
    x = np.moveaxis(np.asarray(a), axis, -1)
    gm = np.moveaxis(np.asarray(g), axis, -1)
    if not may_hold(x == 0):  # ans is recomputed, so the helper is a function of g and a alone
        r = np.cumsum((gm * np.cumprod(x, axis=-1))[..., ::-1], axis=-1)[..., ::-1] / x
        return np.moveaxis(r, -1, axis)
    # d ans[j] / d x[i] = prod(x[:i]) * prod(x[i+1:j+1]) for j >= i.
    n = x.shape[-1]
    ones = np.ones(x.shape[:-1] + (1,), dtype=x.dtype)
    left = np.cumprod(np.concatenate([ones, x[..., :-1]], axis=-1), axis=-1)
    r = np.empty(np.broadcast_shapes(x.shape, gm.shape), dtype=np.result_type(x, gm))
    for i in range(n):
        tail = np.cumprod(x[..., i + 1:], axis=-1)
        r[..., i] = left[..., i] * (gm[..., i] + np.sum(gm[..., i + 1:] * tail, axis=-1))
    return np.moveaxis(r, -1, axis)


def cumprod_jvp(t, a, ans, axis=None):
    """Tangent of ``np.cumprod`` along ``t`` (exact when ``a`` has zeros)."""
    if axis is None:
        return cumprod_jvp(np.ravel(t), np.ravel(a), np.ravel(ans), 0)
    x = np.moveaxis(np.asarray(a), axis, -1)
    d = np.moveaxis(np.broadcast_to(t, np.shape(a)), axis, -1)
    if not may_hold(x == 0):
        r = np.cumprod(x, axis=-1) * np.cumsum(d / x, axis=-1)
        return np.moveaxis(r, -1, axis)
    # d ans[j] = d ans[j - 1] * x[j] + ans[j - 1] * d[j], with no division.
    r = np.empty(x.shape, dtype=np.result_type(x, d))
    prev, prev_dot = np.ones(x.shape[:-1], dtype=x.dtype), np.zeros(x.shape[:-1], dtype=r.dtype)
    for j in range(x.shape[-1]):
        prev_dot = prev_dot * x[..., j] + prev * d[..., j]
        prev = prev * x[..., j]
        r[..., j] = prev_dot
    return np.moveaxis(r, -1, axis)


def diff_grad(g, n=1, axis=-1):
    """Adjoint of ``a`` in ``np.diff(a, n, axis)``."""
    zero = np.asarray(g).dtype.type(0)  # an int 0 would make float32 float64
    for _ in range(n):
        g = -np.diff(g, axis=axis, prepend=zero, append=zero)
    return g


# scipy.special's reductions (pure NumPy: s2s.runtime never imports scipy at import time).
def logsumexp_weights(a, ans, axis=None, b=None, keepdims=False):
    """``d logsumexp / d a = b * exp(a - ans)``, shaped like ``a`` (and ``b``) broadcast; stable for large ``a``."""
    a = np.asarray(a)
    shape = np.broadcast_shapes(a.shape, np.shape(b)) if b is not None else a.shape
    like = np.broadcast_to(a, shape)
    with np.errstate(invalid="ignore", over="ignore"):
        w = np.exp(like - unreduce(ans, like, axis, keepdims))
    w = np.where(np.isfinite(w), w, 0.0)
    return w if b is None else w * b


def logsumexp_grad(g, a, ans, axis=None, b=None, keepdims=False):
    """Adjoint of ``a`` in ``scipy.special.logsumexp(a, axis, b, keepdims)`` (before unbroadcasting)."""
    w = logsumexp_weights(a, ans, axis, b, keepdims)
    return unreduce(g, w, axis, keepdims) * w


def logsumexp_b_grad(g, a, ans, axis=None, b=None, keepdims=False):
    """Adjoint of ``b`` in ``scipy.special.logsumexp(a, axis, b, keepdims)`` (before unbroadcasting)."""
    w = logsumexp_weights(a, ans, axis, None, keepdims)
    w = np.broadcast_to(w, np.broadcast_shapes(w.shape, np.shape(b)))
    return unreduce(g, w, axis, keepdims) * w


def logsumexp_jvp(t, a, ans, axis=None, b=None, keepdims=False):
    """Tangent of ``logsumexp`` along ``t``, the tangent of ``a``."""
    w = logsumexp_weights(a, ans, axis, b, keepdims)
    return np.sum(w * t, axis=axis, keepdims=keepdims)


def logsumexp_b_jvp(t, a, ans, axis=None, b=None, keepdims=False):
    """Tangent of ``logsumexp`` along ``t``, the tangent of ``b`` (the scalar zero when ``b`` is constant)."""
    if is_zero(t):
        return 0.0
    w = logsumexp_weights(a, ans, axis, None, keepdims)
    return np.sum(w * t, axis=axis, keepdims=keepdims)


def softmax_grad(g, s, axis=None):
    """Adjoint of ``x`` in ``s = scipy.special.softmax(x, axis)``: ``s (g - sum(g s))`` (also its tangent)."""
    return s * (g - np.sum(g * s, axis=axis, keepdims=True))


def log_softmax_grad(g, y, axis=None):
    """Adjoint of ``x`` in ``y = scipy.special.log_softmax(x, axis)``: ``g - exp(y) sum(g)``."""
    return g - np.exp(y) * np.sum(g, axis=axis, keepdims=True)


def log_softmax_jvp(t, y, axis=None):
    """Tangent of ``y = scipy.special.log_softmax(x, axis)`` along ``t``: ``t - sum(exp(y) t)``."""
    return t - np.sum(np.exp(y) * t, axis=axis, keepdims=True)


def reduce_count(a, axis=None, keepdims=False, where=True):
    """How many elements of ``a`` each result of a reduction along ``axis`` counts (``where=`` respected).

    A Python float when every element counts, else an array shaped like the result.
    """
    shape = np.shape(a)
    if where is True:
        n = 1
        for i in reduction_axes(axis, len(shape)):
            n *= shape[i]
        return float(n)
    mask = np.broadcast_to(where, shape)
    return np.sum(mask, axis=axis, keepdims=keepdims, dtype=float_dtype(a))


def _average_weights(a, axis, weights):
    """``weights`` reshaped to broadcast against ``a`` (NumPy allows 1-D weights along one axis)."""
    w = np.asarray(weights)
    if w.shape != np.shape(a) and w.ndim == 1 and axis is not None:
        shape = [1] * np.ndim(a)
        shape[int(axis) % np.ndim(a)] = w.shape[0]
        w = w.reshape(shape)
    return w


def average_grad(g, a, ans, axis=None, weights=None, keepdims=False):
    """Adjoints of ``a`` and ``weights`` in ``np.average(a, axis, weights, keepdims=keepdims)``."""
    g = unreduce(g, a, axis, keepdims)
    if weights is None:
        return g / reduce_count(a, axis), None
    w = _average_weights(a, axis, weights)
    total = np.sum(np.broadcast_to(w, np.shape(a)), axis=axis, keepdims=True)
    g = g / total
    centered = np.asarray(a) - unreduce(ans, a, axis, keepdims)
    wbar = g * centered
    if np.shape(w) != np.shape(weights):
        wbar = np.reshape(unbroadcast(wbar, w), np.shape(weights))
    return g * w, unbroadcast(wbar, weights)


def average_jvp(a_dot, weights_dot, a, ans, axis=None, weights=None, keepdims=False):
    """Tangent of ``np.average`` along ``a_dot`` and ``weights_dot``."""
    t = np.average(a_dot, axis=axis, weights=weights, keepdims=keepdims)
    if weights is None or is_zero(weights_dot):
        return t
    w_dot = _average_weights(a, axis, weights_dot)
    total = np.sum(np.broadcast_to(_average_weights(a, axis, weights), np.shape(a)), axis=axis, keepdims=keepdims)
    centered = np.asarray(a) - unreduce(ans, a, axis, keepdims)
    return t + np.sum(np.broadcast_to(w_dot, np.shape(a)) * centered, axis=axis, keepdims=keepdims) / total


def nan_count(a, axis=None, keepdims=False, where=True):
    """How many non-NaN elements of ``a`` each result of a ``nan*`` reduction counts (``where=`` respected)."""
    mask = ~np.isnan(a)
    if where is not True:
        mask = mask & where
    return np.sum(mask, axis=axis, keepdims=keepdims, dtype=np.real(np.zeros((), float_dtype(a))).dtype)


def _quantile_setup(a, q, axis):
    """(values moved so the reduced axes are last and flattened, their sort order, q flat, lo, hi, t, moved shape)."""
    a = np.asarray(a)
    axes, last, moved, rest, n = reduced_last(a, axis)
    order = np.argsort(moved.reshape(rest + (n,)), axis=-1, kind="stable")
    pos = np.ravel(np.asarray(q, dtype=np.float64)) * (n - 1)
    lo = np.floor(pos).astype(int)
    hi = np.minimum(lo + 1, n - 1)
    return axes, last, moved.shape, rest, n, order, lo, hi, pos - lo


def quantile_grad(g, a, q, axis=None, keepdims=False):
    """Adjoint of ``a`` in ``np.quantile(a, q, axis, keepdims=keepdims)`` (method "linear"): each result's
    adjoint goes to the one or two order statistics it interpolates."""
    axes, last, mshape, rest, n, order, lo, hi, t = _quantile_setup(a, q, axis)
    gq = np.reshape(g, (len(lo),) + rest)
    dtype = np.result_type(float_dtype(g), float_dtype(a))
    ranked = np.zeros(rest + (n,), dtype=dtype)
    for i in range(len(lo)):
        ranked[..., lo[i]] += gq[i] * (1 - t[i])
        ranked[..., hi[i]] += gq[i] * t[i]
    out = np.zeros_like(ranked)
    np.put_along_axis(out, order, ranked, axis=-1)
    return np.moveaxis(out.reshape(mshape), last, axes)


def quantile_jvp(t_a, a, q, axis=None, keepdims=False):
    """Tangent of ``np.quantile(a, q, axis, keepdims=keepdims)`` (method "linear") along ``t_a``."""
    axes, last, mshape, rest, n, order, lo, hi, t = _quantile_setup(a, q, axis)
    moved = np.moveaxis(np.broadcast_to(t_a, np.shape(a)), axes, last).reshape(rest + (n,))
    ranked = np.take_along_axis(moved, order, axis=-1)
    out = np.stack([ranked[..., lo[i]] * (1 - t[i]) + ranked[..., hi[i]] * t[i] for i in range(len(lo))])
    shape = np.shape(np.quantile(np.empty(np.shape(a)), q, axis=axis, keepdims=keepdims))
    return np.reshape(out, shape).astype(np.result_type(float_dtype(t_a), float_dtype(a)), copy=False)


def _diff_end_length(v, a, axis):
    """How many elements ``np.diff``'s ``prepend``/``append`` value ``v`` adds along ``axis``."""
    if v is None:
        return 0
    return np.shape(v)[axis] if np.ndim(v) == np.ndim(a) else 1


def diff_grads(g, a, n=1, axis=-1, prepend=None, append=None):
    """Adjoints of ``a``, ``prepend`` and ``append`` in ``np.diff(a, n, axis, prepend=..., append=...)``."""
    full = diff_grad(g, n, axis)
    ax = int(axis) % np.ndim(full)
    k0 = _diff_end_length(prepend, a, ax)
    k1 = k0 + np.shape(a)[ax]
    pieces = np.split(full, [k0, k1], axis=ax)
    pre = None if prepend is None else unbroadcast(pieces[0], prepend)
    app = None if append is None else unbroadcast(pieces[2], append)
    return pieces[1], pre, app


def diff_concat(h, a, n=1, axis=-1, prepend=None, append=None):
    """``np.diff`` of the adjoint triple ``h`` joined as ``(prepend, a, append)``: the transpose of ``diff_grads``."""
    ax = int(axis) % np.ndim(a)
    parts = []
    for v, piece in ((prepend, h[1]), (a, h[0]), (append, h[2])):
        if v is None:
            continue
        shape = list(np.shape(a))
        shape[ax] = _diff_end_length(v, a, ax) if v is not a else shape[ax]
        parts.append(np.broadcast_to(zeros_like(v) if is_zero(piece) or piece is None else piece, shape))
    return np.diff(np.concatenate(parts, axis=ax), n, axis=ax)

"""Helpers that generated code calls at run time.

This is the only module that generated code imports, and it imports nothing
from the rest of s2s: the command line inlines it into standalone derivative
files. Every helper here is small, pure NumPy and documented by what it
returns, so that stepping through generated code in pdb stays easy.

Adjoints follow three conventions:
- the Python float ``0.0`` is a valid zero adjoint for any float or array
  value (it broadcasts); ``finalize`` turns it into a properly shaped zero;
- the adjoint of a list or tuple is a list or tuple of the same length;
- helpers that take an adjoint "owned" by the generated code (``add_at``,
  ``zero_at``) may update it in place and return it.
"""
import numbers

import numpy as np


class S2SError(Exception):
    """Base class of every error s2s raises about the user's code."""


class NonScalarOutputError(S2SError, ValueError):
    """``grad`` of a function whose result is not a scalar."""


class ArgumentError(S2SError, TypeError):
    """Arguments of a transform or of a generated function are wrong."""


class NoRuleError(S2SError):
    """A call to a function with no template and no Python source (or a derivative rule not written yet)."""


def stop_gradient(x):
    """Return ``x`` unchanged; s2s treats the result as a constant."""
    return x


def is_container(x):
    return isinstance(x, (list, tuple))


def seed(ans, where="", of=""):
    """The adjoint that starts a gradient: one, with the type of ``ans``."""
    if is_container(ans) or np.ndim(ans) != 0:
        shape = "a {}".format(type(ans).__name__) if is_container(ans) else "shape {}".format(np.shape(ans))
        raise NonScalarOutputError(
            "{}: grad needs a scalar result, but {} returned {}. "
            "Use s2s.vjp or s2s.jacobian for non-scalar results, or reduce the "
            "result (for example with np.sum).".format(where, of or "the function", shape))
    if isinstance(ans, np.ndarray):
        return np.ones_like(ans)
    if isinstance(ans, np.generic):
        return ans.dtype.type(1)
    return 1.0


def cotangent(value, dout, where="", of=""):
    """Check that the cotangent ``dout`` passed to a vjp matches the result ``value``; return it."""
    if is_container(value):
        if not is_container(dout) or len(dout) != len(value):
            raise ArgumentError("{}: {} returned a {} of {} values, so dout must be a list or tuple of {} "
                                "cotangents, not {}".format(where, of, type(value).__name__, len(value),
                                                           len(value), _describe_value(dout)))
        return _rebuilt(value, [cotangent(a, d, where, of) for a, d in zip(value, dout)])
    if is_container(dout) or np.shape(dout) != np.shape(value):
        raise ArgumentError("{}: {} returned a value of shape {}, so dout must have shape {}, not {}".format(
            where, of, np.shape(value), np.shape(value), _describe_value(dout)))
    return dout


def _describe_value(x):
    if is_container(x):
        return "a {} of {}".format(type(x).__name__, len(x))
    return "shape {}".format(np.shape(x))


def zeros_like(x):
    """A zero adjoint shaped like the primal value ``x``."""
    if isinstance(x, list):
        return [zeros_like(e) for e in x]
    if isinstance(x, tuple):
        return tuple(zeros_like(e) for e in x)
    if isinstance(x, np.ndarray):
        return np.zeros(x.shape, dtype=float_dtype(x))
    if isinstance(x, np.generic):
        return np.dtype(float_dtype(x)).type(0)
    return 0.0


def float_dtype(x):
    """The floating dtype an adjoint of ``x`` should have."""
    dtype = np.result_type(x)
    if np.issubdtype(dtype, np.inexact):
        return dtype
    return np.float64


def add(a, b):
    """Sum two adjoints of the same primal value (containers elementwise)."""
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return type(a)(add(x, y) for x, y in zip(a, b))
    if isinstance(a, (list, tuple)):
        return a if _is_zero(b) else type(a)(add(x, y) for x, y in zip(a, b))
    if isinstance(b, (list, tuple)):
        return b if _is_zero(a) else type(b)(add(x, y) for x, y in zip(a, b))
    return a + b


def _is_zero(x):
    return isinstance(x, float) and x == 0.0 and not isinstance(x, np.generic)


def unbroadcast(g, x):
    """Sum ``g`` over the axes along which ``x`` was broadcast.

    The result has the shape of ``x``, which is what the adjoint of a
    broadcasting operation must have.
    """
    shape = np.shape(x)
    gshape = np.shape(g)
    if gshape == shape:
        return g
    if not shape:
        return np.sum(g)
    extra = len(gshape) - len(shape)
    if extra > 0:
        g = np.sum(g, axis=tuple(range(extra)))
    elif extra < 0:  # align trailing axes: g (3,) against x (1, 3)
        g = np.reshape(g, (1,) * -extra + gshape)
    axes = tuple(i for i, (n, m) in enumerate(zip(shape, np.shape(g))) if n == 1 and m != 1)
    if axes:
        g = np.sum(g, axis=axes, keepdims=True)
    if np.shape(g) != shape:
        g = np.broadcast_to(g, shape)
    return g


def unreduce(g, x, axis=None, keepdims=False):
    """Broadcast the adjoint of a reduction back to the reduced array's shape."""
    shape = np.shape(x)
    if axis is not None and not keepdims:
        axes = axis if isinstance(axis, tuple) else (axis,)
        axes = sorted(a % len(shape) for a in axes)
        for a in axes:
            g = np.expand_dims(g, a)
    return np.broadcast_to(g, shape)


def copy(x):
    """An independent copy of a primal value (arrays and containers)."""
    if isinstance(x, np.ndarray):
        return x.copy()
    if isinstance(x, list):
        return list(x)
    return x


def detach(x):
    """A copy of ``x`` that no later in-place write can reach (arrays inside containers too)."""
    if isinstance(x, np.ndarray):
        return x.copy()
    if isinstance(x, (list, tuple)):
        return type(x)(detach(e) for e in x)
    return x


def snapshot(x):
    """Save a value that is about to be overwritten in place."""
    return x.copy() if isinstance(x, np.ndarray) else x


def _basic_index(idx):
    """True when ``idx`` selects each element at most once."""
    items = idx if isinstance(idx, tuple) else (idx,)
    for item in items:
        if isinstance(item, (slice, numbers.Integral, type(None), type(Ellipsis))):
            continue
        if isinstance(item, np.ndarray) and item.dtype == bool:
            continue
        return False
    return True


def _add_into(a, idx, v):
    """``a[idx] += v`` in place, repeated indices adding up; returns ``a``."""
    if _basic_index(idx):
        a[idx] += v
    else:
        np.add.at(a, idx, v)
    return a


def add_at(x_bar, x, idx, v):
    """Add ``v`` into ``x_bar[idx]`` and return ``x_bar`` (in place for arrays and lists).

    ``x_bar`` is the adjoint of ``x``; when it is still the scalar zero, a
    zero adjoint shaped like ``x`` is made first.
    """
    if _is_zero(x_bar):
        x_bar = zeros_like(x)
    if isinstance(x_bar, np.ndarray):
        return _add_into(x_bar, idx, v)
    if isinstance(x_bar, list):
        if len(x_bar) < len(x):  # the list grew back (a pop's adjoint): pad with zeros
            x_bar.extend(zeros_like(e) for e in x[len(x_bar):])
        if isinstance(idx, slice):
            for k, item in zip(range(*idx.indices(len(x_bar))), v):
                x_bar[k] = add(x_bar[k], item)
        else:
            x_bar[idx] = add(x_bar[idx], v)
        return x_bar
    if isinstance(x_bar, tuple):
        return tuple(add_at(list(x_bar), x, idx, v))
    raise TypeError("cannot index an adjoint of type {}".format(type(x_bar).__name__))


def zero_at(x_bar, idx):
    """Set ``x_bar[idx]`` to zero and return ``x_bar`` (in place)."""
    if _is_zero(x_bar):
        return x_bar
    if isinstance(x_bar, list):
        if isinstance(idx, slice):
            for k in range(*idx.indices(len(x_bar))):
                x_bar[k] = 0.0
        elif -len(x_bar) <= idx < len(x_bar):  # a shorter adjoint is zero past its end
            x_bar[idx] = 0.0
        return x_bar
    x_bar[idx] = 0
    return x_bar


def appended(lst_bar, lst):
    """The adjoint of the value appended last to ``lst``."""
    if _is_zero(lst_bar) or len(lst_bar) < len(lst):
        return 0.0
    return lst_bar[len(lst) - 1]


def read_at(x_bar, idx):
    """The adjoint of the values written by ``x[idx] = v``: ``x_bar[idx]``.

    With repeated integer indices only the last write survives, so only its
    position receives the adjoint.
    """
    if _is_zero(x_bar):
        return 0.0
    g = x_bar[idx]
    if isinstance(x_bar, np.ndarray):
        if _basic_index(idx):
            # a view: the zero_at that follows the read must not reach it
            return g.copy() if isinstance(g, np.ndarray) else g
        position = np.arange(np.size(g)).reshape(np.shape(g))
        owner = np.full(x_bar.shape, -1)
        owner[idx] = position
        g = np.where(owner[idx] == position, g, 0)
    return g


def finalize(g, x):
    """Turn an adjoint into the gradient of ``x``: same structure, shape and float dtype."""
    if isinstance(x, (list, tuple)):
        if _is_zero(g):
            g = [0.0] * len(x)
        return type(x)(finalize(gi, xi) for gi, xi in zip(g, x))
    if _is_zero(g):
        return zeros_like(x)
    if isinstance(x, np.ndarray):
        g = np.asarray(g, dtype=float_dtype(x))
        if g.shape != x.shape:
            g = np.broadcast_to(g, x.shape).copy()
        return g
    dtype = float_dtype(x)
    if isinstance(x, np.generic):
        return np.dtype(dtype).type(g)
    if isinstance(x, float) and np.ndim(g) == 0:
        return float(g)
    if isinstance(g, np.ndarray):
        return g[()] if g.ndim == 0 else g
    return g


# --- helpers used by templates ---
# Each helper returns one adjoint contribution (or a piece of one) of a
# primitive whose template is in templates/. ``g`` is always the adjoint of
# the primitive's result (``ans_bar``), ``ans`` its result.


def safe_divide(a, b):
    """``a / b``, with 0 where ``b == 0`` (the subgradient we pick at kinks)."""
    b = np.asarray(b)
    zero = b == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(zero, 0, a / np.where(zero, 1, b))


def log_positive(x):
    """``log(x)`` where ``x > 0`` and 0 elsewhere (no warnings); a Python float for a Python float."""
    if isinstance(x, (int, float)) and not isinstance(x, np.generic):
        return float(np.log(x)) if x > 0 else 0.0
    x = np.asarray(x)
    positive = x > 0
    return np.where(positive, np.log(np.where(positive, x, 1)), 0)


def power_base_grad(x1, x2):
    """d(x1 ** x2)/dx1 = x2 * x1 ** (x2 - 1), and 0 where x2 == 0.

    NumPy's power is used so that a Python float base of 0 with a negative
    exponent gives inf rather than ZeroDivisionError.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        d = x2 * np.power(x1, x2 - 1)
    return np.where(np.asarray(x2) == 0, 0, d)


def sinc_grad(x):
    """d sinc(x)/dx = (cos(pi x) - sinc(x)) / x, 0 at x == 0."""
    return safe_divide(np.cos(np.pi * np.asarray(x)) - np.sinc(x), x)


def _in_dtype_of(x, ans):
    """``x`` rounded to the float dtype of ``ans`` (so a Python float 0.4 equals a float32 result 0.4)."""
    dtype = np.result_type(ans)
    x = np.asarray(x)
    if dtype.kind == "f" and x.dtype != dtype:
        return x.astype(dtype)
    return x


def select_grad(g, x, other, ans):
    """The share of ``g`` that reaches ``x`` when ``ans`` is ``x`` or ``other``.

    For maximum/minimum-like functions: all of ``g`` where ``ans`` is ``x``
    alone, half where ``x`` and ``other`` tie, none elsewhere.
    """
    mine = _in_dtype_of(x, ans) == ans
    tie = mine & (_in_dtype_of(other, ans) == ans)
    g = np.asarray(g)
    return np.where(tie, 0.5 * g, g) * mine


def extremum_grad(g, x, other, ans):
    """Adjoint of ``x`` in builtin ``max``/``min`` of two values or of one iterable.

    ``other`` is None for the one-iterable form; ties split ``g`` evenly.
    """
    if other is not None:
        return select_grad(g, x, other, ans)
    if is_container(x):
        hits = [bool(np.all(e == ans)) for e in x]
        share = g / max(sum(hits), 1)
        return type(x)(share if hit else 0.0 for hit in hits)
    mask = np.asarray(x) == ans
    return np.where(mask, np.asarray(g) / max(int(np.sum(mask)), 1), 0)


def extremum_jvp(t, x, other, ans):
    """Tangent of builtin ``max``/``min`` along ``t``, the tangent of ``x`` (as ``extremum_grad``: ties share)."""
    if x is None:
        return 0.0
    if other is not None:
        return select_grad(t, x, other, ans)
    if is_container(x):
        hits = [bool(np.all(e == ans)) for e in x]
        return sum((ti for ti, hit in zip(t, hits) if hit), 0.0) / max(sum(hits), 1)
    mask = np.asarray(x) == ans
    return np.sum(np.where(mask, t, 0)) / max(int(np.sum(mask)), 1)


def clip_masks(ans, a, a_min=None, a_max=None, min=None, max=None):
    """Where ``clip``'s result came from: (from a, from the lower, from the upper bound).

    Accepts NumPy's two spellings of the bounds (``a_min``/``min``...).
    """
    lo = min if a_min is None else a_min
    hi = max if a_max is None else a_max
    from_a = np.asarray(ans == _in_dtype_of(a, ans))
    from_hi = ~from_a & (ans == _in_dtype_of(hi, ans)) if hi is not None else np.zeros_like(from_a)
    from_lo = ~from_a & ~from_hi & (ans == _in_dtype_of(lo, ans)) if lo is not None else np.zeros_like(from_a)
    return from_a, from_lo, from_hi


# ------------------------------------------------------------- reductions
def _axes(axis, ndim):
    """``axis`` of a reduction as a sorted tuple of non-negative axes."""
    if axis is None:
        return tuple(range(ndim))
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    return tuple(sorted(int(a) % ndim for a in axes)) if ndim else ()


def _reduced_last(a, axis):
    """``a`` with the axes a reduction along ``axis`` reduces moved last: (axes, their new positions,
    the moved array, the shape of the axes kept, the number of elements each result reduces)."""
    axes = _axes(axis, a.ndim)
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
    axes = _axes(axis, a.ndim)
    k = len(axes)
    moved = np.moveaxis(a, axes, tuple(range(a.ndim - k, a.ndim)))
    rest = moved.shape[:a.ndim - k]
    n = int(np.prod(moved.shape[a.ndim - k:]))
    if n == 0:
        return np.zeros(a.shape, dtype=float_dtype(a))
    x = moved.reshape(rest + (n,))
    ones = np.ones(rest + (1,), dtype=x.dtype)
    left = np.cumprod(np.concatenate([ones, x[..., :-1]], axis=-1), axis=-1)
    right = np.cumprod(np.concatenate([ones, x[..., :0:-1]], axis=-1), axis=-1)[..., ::-1]
    others = (left * right).reshape(moved.shape)
    others = np.moveaxis(others, tuple(range(a.ndim - k, a.ndim)), axes)
    if initial != 1:
        others = others * initial
    return unreduce(g, a, axis, keepdims) * others


def cumsum_grad(g, a, axis=None):
    """Adjoint of ``a`` in ``np.cumsum``: the reversed cumulative sum of ``g``."""
    if axis is None:
        return np.reshape(np.cumsum(np.asarray(g)[::-1])[::-1], np.shape(a))
    return np.flip(np.cumsum(np.flip(g, axis), axis), axis)


def cumprod_grad(g, a, ans, axis=None):
    """Adjoint of ``a`` in ``np.cumprod`` (exact when ``a`` has zeros)."""
    if axis is None:
        flat = cumprod_grad(np.ravel(g), np.ravel(a), np.ravel(ans), 0)
        return np.reshape(flat, np.shape(a))
    x = np.moveaxis(np.asarray(a), axis, -1)
    gm = np.moveaxis(np.asarray(g), axis, -1)
    if np.all(x != 0):  # ans is recomputed, so the helper is a function of g and a alone
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
    if np.all(x != 0):
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


# ------------------------------------------------------------- linear algebra
def matmul_grad1(g, x1, x2):
    """Adjoint of ``x1`` in ``x1 @ x2`` (1-D operands and batch broadcasting included)."""
    x1, x2, g = np.asarray(x1), np.asarray(x2), np.asarray(g)
    if x2.ndim == 1:
        return g * x2 if x1.ndim == 1 else unbroadcast(g[..., :, None] * x2, x1)
    if x1.ndim == 1:
        return unbroadcast(np.matmul(x2, g[..., :, None])[..., 0], x1)
    return unbroadcast(np.matmul(g, np.swapaxes(x2, -1, -2)), x1)


def matmul_grad2(g, x1, x2):
    """Adjoint of ``x2`` in ``x1 @ x2`` (1-D operands and batch broadcasting included)."""
    x1, x2, g = np.asarray(x1), np.asarray(x2), np.asarray(g)
    if x1.ndim == 1:
        return g * x1 if x2.ndim == 1 else unbroadcast(x1[:, None] * g[..., None, :], x2)
    if x2.ndim == 1:
        return unbroadcast(np.matmul(g[..., None, :], x1)[..., 0, :], x2)
    return unbroadcast(np.matmul(np.swapaxes(x1, -1, -2), g), x2)


def dot_grad1(g, a, b):
    """Adjoint of ``a`` in ``np.dot(a, b)``."""
    a, b, g = np.asarray(a), np.asarray(b), np.asarray(g)
    if a.ndim == 0 or b.ndim == 0:
        return unbroadcast(g * b, a)
    if b.ndim == 1:
        return np.multiply.outer(g, b)
    return np.tensordot(g, b, axes=(list(range(a.ndim - 1, g.ndim)), list(range(b.ndim - 2)) + [b.ndim - 1]))


def dot_grad2(g, a, b):
    """Adjoint of ``b`` in ``np.dot(a, b)``."""
    a, b, g = np.asarray(a), np.asarray(b), np.asarray(g)
    if a.ndim == 0 or b.ndim == 0:
        return unbroadcast(g * a, b)
    lead = list(range(a.ndim - 1))
    if b.ndim == 1:
        return np.tensordot(g, a, axes=(lead, lead))
    return np.moveaxis(np.tensordot(a, g, axes=(lead, lead)), 0, -2)


def inner_grad1(g, a, b):
    """Adjoint of ``a`` in ``np.inner(a, b)``."""
    a, b, g = np.asarray(a), np.asarray(b), np.asarray(g)
    if a.ndim == 0 or b.ndim == 0:
        return unbroadcast(g * b, a)
    return np.tensordot(g, b, axes=(list(range(a.ndim - 1, g.ndim)), list(range(b.ndim - 1))))


def inner_grad2(g, a, b):
    """Adjoint of ``b`` in ``np.inner(a, b)``."""
    a, b, g = np.asarray(a), np.asarray(b), np.asarray(g)
    if a.ndim == 0 or b.ndim == 0:
        return unbroadcast(g * a, b)
    lead = list(range(a.ndim - 1))
    return np.tensordot(g, a, axes=(lead, lead))


def _tensordot_axes(axes, a_ndim, b_ndim):
    if isinstance(axes, (int, np.integer)):
        return list(range(a_ndim - axes, a_ndim)), list(range(axes))
    axes_a, axes_b = axes
    axes_a = [axes_a] if isinstance(axes_a, (int, np.integer)) else list(axes_a)
    axes_b = [axes_b] if isinstance(axes_b, (int, np.integer)) else list(axes_b)
    return [int(i) % a_ndim for i in axes_a], [int(i) % b_ndim for i in axes_b]


def tensordot_grad1(g, a, b, axes=2):
    """Adjoint of ``a`` in ``np.tensordot(a, b, axes)``."""
    a, b = np.asarray(a), np.asarray(b)
    axes_a, axes_b = _tensordot_axes(axes, a.ndim, b.ndim)
    free_a = [i for i in range(a.ndim) if i not in axes_a]
    free_b = [i for i in range(b.ndim) if i not in axes_b]
    r = np.tensordot(g, b, axes=(list(range(len(free_a), len(free_a) + len(free_b))), free_b))
    # r's axes: the free axes of a, then a's partners of b's contracted axes in b's order.
    order = free_a + [axes_a[axes_b.index(j)] for j in sorted(axes_b)]
    return np.transpose(r, [order.index(i) for i in range(a.ndim)])


def tensordot_grad2(g, a, b, axes=2):
    """Adjoint of ``b`` in ``np.tensordot(a, b, axes)``."""
    a, b = np.asarray(a), np.asarray(b)
    axes_a, axes_b = _tensordot_axes(axes, a.ndim, b.ndim)
    free_a = [i for i in range(a.ndim) if i not in axes_a]
    free_b = [i for i in range(b.ndim) if i not in axes_b]
    r = np.tensordot(a, g, axes=(free_a, list(range(len(free_a)))))
    order = [axes_b[axes_a.index(i)] for i in sorted(axes_a)] + free_b
    return np.transpose(r, [order.index(i) for i in range(b.ndim)])


def trace_grad(g, a, offset=0, axis1=0, axis2=1):
    """Adjoint of ``a`` in ``np.trace``: ``g`` on the traced diagonal, 0 elsewhere."""
    a = np.asarray(a)
    eye = np.eye(a.shape[axis1], a.shape[axis2], k=offset, dtype=np.result_type(g, float_dtype(a)))
    full = np.asarray(g)[..., None, None] * eye
    return np.moveaxis(full, (-2, -1), (axis1 % a.ndim, axis2 % a.ndim))


def diagonal_grad(g, a, offset=0, axis1=0, axis2=1):
    """Adjoint of ``a`` in ``np.diagonal``: ``g`` scattered back onto the diagonal."""
    a = np.asarray(a)
    axis1, axis2 = axis1 % a.ndim, axis2 % a.ndim
    rest = [n for i, n in enumerate(a.shape) if i not in (axis1, axis2)]
    out = np.zeros(rest + [a.shape[axis1], a.shape[axis2]], dtype=np.result_type(g, float_dtype(a)))
    k = np.shape(g)[-1]
    rows = np.arange(k) + max(-offset, 0)
    cols = np.arange(k) + max(offset, 0)
    out[..., rows, cols] = g
    return np.moveaxis(out, (-2, -1), (axis1, axis2))


def diag_grad(g, v, k=0):
    """Adjoint of ``v`` in ``np.diag(v, k)`` (builds a matrix or extracts a diagonal)."""
    if np.ndim(v) == 1:
        return np.diagonal(g, k).copy()
    return diagonal_grad(g, v, k)


def norm_grad(g, x, ans, ord=None, axis=None, keepdims=False):
    """Adjoint of ``x`` in ``np.linalg.norm`` (every vector and matrix ``ord``).

    At a kink (the zero vector, ties) it picks the subgradient of smallest
    norm instead of producing NaN.
    """
    x = np.asarray(x)
    axes = _norm_axes(x.ndim, ord, axis)
    if ord is None or ord == "fro" or (ord == 2 and len(axes) == 1):
        return safe_divide(unreduce(g, x, axis, keepdims) * x, unreduce(ans, x, axis, keepdims))
    if len(axes) == 1:
        return _vector_norm_grad(unreduce(g, x, axis, keepdims), x, unreduce(ans, x, axis, keepdims), ord, axes[0])
    # Matrix norms: move the two axes last and work on a stack of matrices.
    xm = np.moveaxis(x, axes, (-2, -1))
    gm = np.squeeze(g, axis=axes) if keepdims else np.asarray(g)
    if ord == "nuc":
        u, _, vh = np.linalg.svd(xm, full_matrices=False)
        d = np.matmul(u, vh)
    elif ord in (2, -2):
        u, _, vh = np.linalg.svd(xm, full_matrices=False)
        i = slice(0, 1) if ord == 2 else slice(-1, None)
        d = u[..., :, i] * vh[..., i, :]
    else:
        # ord 1/-1: the largest/smallest column sum; inf/-inf: row sum.
        summed, across = (-2, -1) if ord in (1, -1) else (-1, -2)
        sums = np.sum(np.abs(xm), axis=summed, keepdims=True)
        pick = np.max if ord in (1, np.inf) else np.min
        mask = sums == pick(sums, axis=across, keepdims=True)
        d = np.sign(xm) * (mask / np.sum(mask, axis=across, keepdims=True))
    return np.moveaxis(np.asarray(gm)[..., None, None] * d, (-2, -1), axes)


def _norm_axes(ndim, ord, axis):
    """The axes ``np.linalg.norm(x, ord, axis)`` reduces, non-negative."""
    if axis is None:
        return tuple(range(ndim)) if ord is None or ndim == 1 else (0, 1)
    return tuple(int(a) % ndim for a in (axis if isinstance(axis, (tuple, list)) else (axis,)))


def norm_jvp(t, x, ans, ord=None, axis=None, keepdims=False):
    """Tangent of ``np.linalg.norm`` along ``t`` (the subgradient ``norm_grad`` picks at kinks)."""
    d = norm_grad(np.ones_like(ans), x, ans, ord, axis, keepdims)
    return np.sum(d * t, axis=_norm_axes(np.ndim(x), ord, axis), keepdims=keepdims)


def _vector_norm_grad(g, x, ans, ord, axis):
    if ord == 0:
        return np.zeros_like(g * x)
    if ord == 1:
        return g * np.sign(x)
    if ord in (np.inf, -np.inf):
        mask = np.abs(x) == ans
        return g * np.sign(x) * (mask / np.sum(mask, axis=axis, keepdims=True))
    with np.errstate(divide="ignore", invalid="ignore"):  # 0 ** negative: replaced by 0 below
        scaled = np.where(x == 0, 0, np.sign(x) * np.abs(x) ** (ord - 1))
        scale = ans ** (ord - 1)
    return safe_divide(g * scaled, scale)


def det_grad(g, a, ans):
    """Adjoint of ``a`` in ``np.linalg.det``: ``g * det(a) * inv(a).T`` (adjugate if singular)."""
    a = np.asarray(a)
    scale = np.asarray(g * ans)[..., None, None]
    try:
        return scale * np.swapaxes(np.linalg.inv(a), -1, -2)
    except np.linalg.LinAlgError:
        # d det(a) / da = adj(a).T; from the SVD a = u s vh,
        # adj(a) = det(u) det(vh) vh.T diag(prod of the other s) u.T.
        u, s, vh = np.linalg.svd(a)
        others = np.stack([np.prod(np.delete(s, i, axis=-1), axis=-1) for i in range(s.shape[-1])], axis=-1)
        sign = np.linalg.det(u) * np.linalg.det(vh)
        adj_t = np.matmul(u * others[..., None, :], vh) * sign[..., None, None]
        return np.asarray(g)[..., None, None] * adj_t


def solve_grad2(g, a, b):
    """Adjoint of ``b`` in ``np.linalg.solve(a, b)``: ``solve(a.T, g)``."""
    a_t = np.swapaxes(a, -1, -2)
    if np.ndim(b) == 1:
        return np.linalg.solve(a_t, np.asarray(g)[..., None])[..., 0]
    return np.linalg.solve(a_t, g)


def solve_grad1(b_bar, b, ans):
    """Adjoint of ``a`` in ``ans = np.linalg.solve(a, b)``, given ``b_bar``: ``-b_bar ans.T``."""
    if np.ndim(b) == 1:
        return -np.asarray(b_bar)[..., :, None] * np.asarray(ans)[..., None, :]
    return -np.matmul(b_bar, np.swapaxes(ans, -1, -2))


def solve_jvp2(t, a, b):
    """Tangent of ``np.linalg.solve(a, b)`` along the tangent ``t`` of ``b``: ``solve(a, t)``."""
    if np.ndim(b) == 1:
        return np.linalg.solve(a, np.asarray(t)[..., None])[..., 0]
    return np.linalg.solve(a, t)


def solve_jvp1(t, a, b, ans):
    """Tangent of ``ans = np.linalg.solve(a, b)`` along the tangent ``t`` of ``a``: ``-solve(a, t ans)``."""
    return -solve_jvp2(solve_matmul(t, ans, b), a, b)


def solve_matmul(m, x, b):
    """``m @ x`` where ``x`` is shaped like the solution of ``np.linalg.solve(a, b)`` (vectors when ``b`` is 1-D)."""
    if np.ndim(b) == 1:
        return np.matmul(m, np.asarray(x)[..., None])[..., 0]
    return np.matmul(m, x)


def _einsum_terms(subscripts, shapes):
    """The operand terms and the output term of ``subscripts``, with ``...`` spelled out in letters."""
    subscripts = subscripts.replace(" ", "")
    inputs, arrow, output = subscripts.partition("->")
    terms = inputs.split(",")
    used = set(subscripts) - set(".,->")
    spare = [c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" if c not in used]
    n_ellipsis = max([len(s) - len(t.replace("...", "")) for t, s in zip(terms, shapes) if "..." in t] or [0])
    ellipsis = "".join(spare[:n_ellipsis])
    for k, (t, s) in enumerate(zip(terms, shapes)):
        if "..." in t:
            terms[k] = t.replace("...", ellipsis[n_ellipsis - (len(s) - len(t.replace("...", ""))):])
    if not arrow:
        letters = "".join(terms)
        output = ellipsis + "".join(sorted(c for c in set(letters) - set(ellipsis) if letters.count(c) == 1))
    return terms, output.replace("...", ellipsis)


def einsum_grad(g, subscripts, operands, i):
    """Adjoint of ``operands[i]`` in ``np.einsum(subscripts, *operands)`` (trailing Nones ignored).

    The adjoint is itself an einsum of ``g`` and the other operands. Letters
    that only operand ``i`` has (summed away) get a vector of ones, letters it
    repeats (diagonals) an identity matrix; broadcast size-1 axes are summed.
    """
    operands = [np.asarray(op) for op in operands if op is not None]
    if i >= len(operands):
        return None
    terms, output = _einsum_terms(subscripts, [op.shape for op in operands])
    x, term = operands[i], terms[i]
    sizes = {}
    for t, op in zip(terms, operands):
        for c, n in zip(t, op.shape):
            sizes[c] = max(sizes.get(c, 1), n)
    used = set("".join(terms) + output)
    spare = iter(c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" if c not in used)
    target, extra_terms, extra_ops = "", [], []
    for c in term:
        if c in target:  # a repeated letter: a fresh one, tied to c by an identity
            fresh = next(spare)
            extra_terms.append(c + fresh)
            extra_ops.append(np.eye(sizes[c]))
            c = fresh
        target += c
    others = [t for k, t in enumerate(terms) if k != i]
    present = set(output + "".join(others) + "".join(extra_terms))
    for c in dict.fromkeys(term):
        if c not in present:
            extra_terms.append(c)
            extra_ops.append(np.ones(sizes[c]))
    spec = ",".join([output] + others + extra_terms) + "->" + target
    ops = [g] + [op for k, op in enumerate(operands) if k != i] + extra_ops
    r = np.einsum(spec, *ops)
    if r.shape != x.shape:
        r = np.sum(r, axis=tuple(k for k, n in enumerate(x.shape) if n == 1 and r.shape[k] != 1), keepdims=True)
    return r


def einsum_jvp(t, subscripts, operands, i):
    """Tangent of ``np.einsum(subscripts, *operands)`` along ``t``, the tangent of ``operands[i]``."""
    operands = [op for op in operands if op is not None]
    if i >= len(operands):
        return 0.0
    return np.einsum(subscripts, *(operands[:i] + [t] + operands[i + 1:]))


def sort_grad(g, a, axis=-1):
    """Adjoint of ``a`` in ``np.sort(a, axis)``: ``g`` sent back to where each element came from."""
    a = np.asarray(a)
    if axis is None:
        return np.reshape(sort_grad(np.ravel(g), np.ravel(a), 0), a.shape)
    out = np.zeros(np.broadcast_shapes(a.shape, np.shape(g)), dtype=np.result_type(g, float_dtype(a)))
    np.put_along_axis(out, np.argsort(a, axis=axis, kind="stable"), g, axis=axis)
    return out


def sort_jvp(t, a, axis=-1):
    """Tangent of ``np.sort(a, axis)`` along ``t``: ``t`` permuted as the sort permutes ``a``."""
    if axis is None:
        return sort_jvp(np.ravel(t), np.ravel(a), 0)
    t = np.broadcast_to(t, np.shape(a))
    return np.take_along_axis(t, np.argsort(a, axis=axis, kind="stable"), axis=axis)


def repeat_grad(g, a, repeats, axis=None):
    """Adjoint of ``a`` in ``np.repeat(a, repeats, axis)``: the copies' adjoints summed."""
    a = np.asarray(a)
    n = a.size if axis is None else a.shape[axis]
    source = np.repeat(np.arange(n), repeats)
    g = np.ravel(g) if axis is None else np.moveaxis(g, axis, 0)
    out = np.zeros((n,) + g.shape[1:], dtype=np.result_type(g, float_dtype(a)))
    np.add.at(out, source, g)
    return np.reshape(out, a.shape) if axis is None else np.moveaxis(out, 0, axis)


def tile_grad(g, a, reps):
    """Adjoint of ``a`` in ``np.tile(a, reps)``: the tiles' adjoints summed."""
    shape = np.shape(a)
    reps = (reps,) if np.ndim(reps) == 0 else tuple(reps)
    d = max(len(shape), len(reps))
    shape_d = (1,) * (d - len(shape)) + shape
    reps = (1,) * (d - len(reps)) + reps
    tiles = np.reshape(g, [n for pair in zip(reps, shape_d) for n in pair])
    return np.reshape(np.sum(tiles, axis=tuple(range(0, 2 * d, 2))), shape)


# ------------------------------------------------------------- shapes and containers
def untranspose(g, axes=None):
    """Adjoint of ``np.transpose(a, axes)``: ``g`` transposed back."""
    if axes is None:
        return np.transpose(g)
    return np.transpose(g, np.argsort([int(i) % np.ndim(g) for i in axes]))


def _like_container(pieces, arrays):
    """Adjoint pieces in the container type of ``arrays`` (an array stacks them)."""
    if isinstance(arrays, np.ndarray):
        return np.stack(pieces) if len(pieces) else np.zeros(arrays.shape)
    return type(arrays)(pieces) if isinstance(arrays, tuple) else list(pieces)


def _split(g, shapes, axis):
    """Split ``g`` along ``axis`` into pieces as long as the arrays of ``shapes``."""
    return np.split(g, np.cumsum([s[axis] for s in shapes])[:-1], axis=axis)


def unconcatenate(g, arrays, axis=0):
    """Adjoint of each element of ``arrays`` in ``np.concatenate(arrays, axis)``."""
    if axis is None:
        sizes = [np.size(x) for x in arrays]
        pieces = np.split(np.ravel(g), np.cumsum(sizes)[:-1])
    else:
        pieces = _split(g, [np.shape(x) for x in arrays], axis)
    return _like_container([np.reshape(p, np.shape(x)) for p, x in zip(pieces, arrays)], arrays)


def unstack(g, arrays, axis=0):
    """Adjoint of each element of ``arrays`` in ``np.stack(arrays, axis)``."""
    moved = np.moveaxis(g, axis, 0)
    if isinstance(arrays, np.ndarray):
        return moved
    return _like_container(list(moved), arrays)


def unhstack(g, tup):
    """Adjoint of each element of ``tup`` in ``np.hstack(tup)``."""
    shapes = [np.shape(np.atleast_1d(x)) for x in tup]
    axis = 0 if len(shapes[0]) == 1 else 1
    pieces = _split(g, shapes, axis)
    return _like_container([np.reshape(p, np.shape(x)) for p, x in zip(pieces, tup)], tup)


def unvstack(g, tup):
    """Adjoint of each element of ``tup`` in ``np.vstack(tup)``."""
    pieces = _split(g, [np.shape(np.atleast_2d(x)) for x in tup], 0)
    return _like_container([np.reshape(p, np.shape(x)) for p, x in zip(pieces, tup)], tup)


def unarray(g, obj):
    """Adjoint of ``obj`` in ``np.array(obj)``: ``g`` split to match nested lists."""
    if is_container(obj):
        return type(obj)(unarray(g[i], e) for i, e in enumerate(obj))
    return g


def unsum(g, iterable):
    """Adjoint of each element of ``iterable`` in the builtin ``sum(iterable)``."""
    if isinstance(iterable, np.ndarray):
        if not len(iterable):
            return np.zeros(iterable.shape)
        return np.broadcast_to(unbroadcast(g, iterable[0]), iterable.shape)
    return type(iterable)(unbroadcast(g, e) for e in iterable)


def take_grad(g, a, indices, axis=None, mode="raise"):
    """Adjoint of ``a`` in ``np.take``: ``g`` added back at ``indices`` (repeats add up)."""
    a = np.asarray(a)
    out = np.zeros(a.shape, dtype=np.result_type(g, float_dtype(a)))
    n = a.size if axis is None else a.shape[axis]
    indices = np.asarray(indices)
    if mode == "wrap":
        indices = indices % n
    elif mode == "clip":
        indices = np.clip(indices, 0, n - 1)
    if axis is None:
        np.add.at(out.reshape(-1), indices, g)
    else:
        np.add.at(out, (slice(None),) * (axis % a.ndim) + (indices,), g)
    return out


def cast_grad(g, x, ans):
    """Adjoint of ``x`` in a cast (``astype``, ``np.array(x, dtype)``): 0 when ``ans`` is not float."""
    if not np.issubdtype(np.result_type(ans), np.inexact):
        return zeros_like(x)
    if is_container(x):
        return unarray(g, x)
    return np.asarray(g, dtype=float_dtype(x))


def cast_jvp(t, x, ans):
    """Tangent of a cast (``astype``, ``np.array(x, dtype)``): a copy of ``t`` in ``ans``'s dtype, 0 if not float."""
    dtype = np.result_type(ans)
    if not np.issubdtype(dtype, np.inexact):
        return np.zeros(np.shape(ans))
    if is_container(x):
        out = np.zeros(np.shape(ans), dtype=dtype)
        _fill(out, t)
        return out
    return np.array(t, dtype=dtype)


def _fill(out, t):
    """Write the nested list of tangents ``t`` into the array ``out``."""
    for i, ti in enumerate(t):
        if is_container(ti):
            _fill(out[i], ti)
        else:
            out[i] = ti


def item_grad(g, a, index=None):
    """Adjoint of ``a`` in ``a.item(index)``: ``g`` at that element, 0 elsewhere."""
    out = np.zeros(np.shape(a), dtype=float_dtype(a))
    if index is None:
        out[...] = g
    elif isinstance(index, tuple):
        out[index] = g
    else:
        out.reshape(-1)[index] = g
    return out



# ------------------------------------------------------------- adjoints of the generated-code helpers
# Used by templates/runtime_helpers.py, so that generated code can itself be
# differentiated (higher order).
def broadcast_like(g, x):
    """``g`` fitted to the structure and shape of ``x``: summed over axes ``x`` lacks, broadcast over the rest.

    A fresh array (never a read-only view). Containers go elementwise; a value
    fitted to a container is fitted to each element, a container fitted to a
    value is summed. The map is linear and ``broadcast_like(., g)`` is its transpose.
    """
    if is_container(x):
        if is_container(g):
            return type(x)(broadcast_like(gi, xi) for gi, xi in zip(g, x))
        return type(x)(broadcast_like(g, xi) for xi in x)
    if is_container(g):
        return sum((broadcast_like(gi, x) for gi in g), broadcast_like(0.0, x))
    shape, g = np.shape(x), np.asarray(g)
    if g.ndim < len(shape):
        g = np.reshape(g, (1,) * (len(shape) - g.ndim) + g.shape)
    extra = g.ndim - len(shape)
    axes = tuple(range(extra)) + tuple(extra + i for i, n in enumerate(shape) if n == 1 and g.shape[extra + i] != 1)
    if axes:
        g = np.sum(g, axis=axes, keepdims=True)
    g = np.reshape(g, g.shape[extra:])
    out = np.array(np.broadcast_to(g, shape), dtype=np.result_type(g, float_dtype(x)))
    return out if shape or isinstance(x, np.ndarray) else out[()]


def unreduce_grad(h, g, axis=None, keepdims=False):
    """Adjoint of ``g`` in ``unreduce(g, x, axis, keepdims)``: ``h`` summed back over the reduced axes."""
    shape = np.shape(g)
    if axis is not None and not keepdims:
        axes = axis if isinstance(axis, tuple) else (axis,)
        ndim = np.ndim(h)
        full = list(shape)
        for a in sorted(a % ndim for a in axes):
            full.insert(a, 1)
        return np.reshape(broadcast_like(h, np.empty(full)), shape)
    return broadcast_like(h, g)


def unread_at(g, x_bar, idx):
    """Adjoint of ``x_bar`` in ``read_at(x_bar, idx)``: ``g`` written at ``idx`` into zeros (the last write wins)."""
    if _is_zero(x_bar):
        return 0.0
    out = zeros_like(x_bar)
    if isinstance(out, tuple):
        out = list(out)
    out[idx] = g
    return type(x_bar)(out) if isinstance(x_bar, tuple) else out


def unappended(g, lst_bar, lst):
    """Adjoint of ``lst_bar`` in ``appended(lst_bar, lst)``: ``g`` at the last element, zeros elsewhere."""
    if _is_zero(lst_bar):
        return 0.0
    out = list(zeros_like(lst_bar))
    if len(lst_bar) >= len(lst):
        out[len(lst) - 1] = g
    return type(lst_bar)(out)

# Functions that the normalizer calls for ndarray methods (see templates/methods.py).
def flatten(a, order="C"):
    """``a.flatten(order)``: a flat copy."""
    return np.asarray(a).flatten(order)


def astype(x, dtype, order="K", casting="unsafe", subok=True, copy=True):
    """``x.astype(dtype, ...)``."""
    if not isinstance(x, (np.ndarray, np.generic)):
        x = np.asarray(x)
    return x.astype(dtype, order=order, casting=casting, subok=subok, copy=copy)


def item(a, index=None):
    """``a.item()`` or ``a.item(index)``."""
    return a.item() if index is None else a.item(index)


# ---- issue 6: linalg and scipy
# Adjoints and tangents of np.linalg's decompositions (and of scipy's, which
# share them). ``g`` is the adjoint of the result; for tuple results (eigh,
# qr, svd, slogdet) it is a tuple whose entries may be the scalar zero.
def _mT(a):
    return np.swapaxes(a, -1, -2)


def _part(g, like):
    """Entry ``g`` of a tuple adjoint, as an array shaped like ``like`` (the scalar zero included)."""
    return np.broadcast_to(np.asarray(g, dtype=np.result_type(g, float_dtype(like))), np.shape(like))


def _rebuilt(x, items):
    """A list or tuple of the type of ``x`` holding ``items`` (NumPy's named tuples, such as eigh's, too)."""
    return type(x)(*items) if hasattr(x, "_fields") else type(x)(items)


def _like(ans, parts):
    """The tangents ``parts`` in the tuple type of the result ``ans`` (NumPy's named tuples included)."""
    return type(ans)(*parts) if hasattr(ans, "_fields") else tuple(parts)


def _eye_like(a):
    return np.eye(np.shape(a)[-1], dtype=float_dtype(a))


def lower_grad(s, uplo="L"):
    """Adjoint of the array ``a`` of a function that reads only one triangle of ``a`` as a symmetric matrix.

    ``s`` is the adjoint with respect to the symmetric matrix; the entries of
    the other triangle get none.
    """
    s = np.asarray(s)
    full = s + _mT(s)
    keep = np.tril(full) if uplo == "L" else np.triu(full)
    return keep - s * _eye_like(s)


def symmetric_from(t, uplo="L"):
    """The symmetric matrix that ``np.linalg.eigh``/``cholesky`` read from ``t``: one triangle, mirrored."""
    t = np.asarray(t)
    tri = np.tril(t) if uplo == "L" else np.triu(t)
    return tri + _mT(tri) - tri * _eye_like(t)


def slogdet_grad(g, a):
    """Adjoint of ``a`` in ``np.linalg.slogdet(a)``: the log-determinant's adjoint times ``inv(a).T`` (the sign has none)."""
    return np.asarray(_part(g[1], np.asarray(a)[..., 0, 0]))[..., None, None] * _mT(np.linalg.inv(a))


def slogdet_jvp(t, a, ans):
    """Tangent of ``np.linalg.slogdet(a)`` along ``t``: (0 for the sign, trace(inv(a) t))."""
    return _like(ans, (zeros_like(np.asarray(ans[0])), np.sum(_mT(np.linalg.inv(a)) * t, axis=(-2, -1))))


def _phi(x):
    """Lower triangle with the diagonal halved."""
    return np.tril(x) - 0.5 * x * _eye_like(x)


def _gaps(w):
    """``F[i, j] = 1 / (w[j] - w[i])`` off the diagonal, 0 on it (and where two values coincide)."""
    d = w[..., None, :] - w[..., :, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(d == 0, 0.0, 1.0 / np.where(d == 0, 1.0, d))


def eigh_jvp(t, a, ans, UPLO="L"):
    """Tangent of ``(w, v) = np.linalg.eigh(a, UPLO)`` along ``t``."""
    w, v = ans[0], ans[1]
    p = _mT(v) @ symmetric_from(t, UPLO) @ v
    return _like(ans, (np.diagonal(p, axis1=-2, axis2=-1).copy(), v @ (_gaps(w) * p)))


def eigvalsh_jvp(t, a, UPLO="L"):
    """Tangent of ``np.linalg.eigvalsh(a, UPLO)`` along ``t``: the diagonal of ``v.T sym(t) v``."""
    w, v = np.linalg.eigh(a, UPLO)
    return np.sum(v * (symmetric_from(t, UPLO) @ v), axis=-2)


def _tall(a, what):
    m, n = np.shape(a)[-2:]
    if m < n:
        raise S2SError("{}: s2s differentiates the QR decomposition of square and tall matrices (rows >= columns); "
                       "this one is {}x{}. Differentiate qr of its transpose instead.".format(what, m, n))


def _copyltu(m):
    low = np.tril(m, -1)
    return low + _mT(low) + m * _eye_like(m)


def qr_grad(g, a, ans):
    """Adjoint of ``a`` in ``q, r = np.linalg.qr(a)`` (reduced, rows >= columns)."""
    _tall(a, "np.linalg.qr")
    q, r = ans[0], ans[1]
    q_bar, r_bar = _part(g[0], q), _part(g[1], r)
    m = r @ _mT(r_bar) - _mT(q_bar) @ q
    b = q_bar + q @ _copyltu(m)
    return _mT(np.linalg.solve(r, _mT(b)))


def qr_jvp(t, a, ans):
    """Tangent of ``q, r = np.linalg.qr(a)`` along ``t`` (reduced, rows >= columns)."""
    _tall(a, "np.linalg.qr")
    q, r = ans[0], ans[1]
    rinv = np.linalg.inv(r)
    x = _mT(q) @ t @ rinv
    low = np.tril(x, -1)
    omega = low - _mT(low)
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


def svd_grad(g, a, ans, full_matrices=True, compute_uv=True):
    """Adjoint of ``a`` in ``np.linalg.svd(a, full_matrices, compute_uv)`` (thin SVD, distinct nonzero singular values)."""
    u, s, vh = _svd_parts(a, ans, compute_uv, full_matrices)
    if not compute_uv:
        return (u * np.asarray(g)[..., None, :]) @ vh
    u_bar, s_bar, vh_bar = _part(g[0], u), _part(g[1], s), _part(g[2], vh)
    v, v_bar = _mT(vh), _mT(vh_bar)
    f = _gaps(s * s)
    j = _mT(u) @ u_bar
    k = _mT(v) @ v_bar
    s_col, s_row = s[..., :, None], s[..., None, :]
    core = (f * (j - _mT(j))) * s_row + s_bar[..., :, None] * _eye_like(u[..., :1, :]) + s_col * (f * (k - _mT(k)))
    out = u @ core @ vh
    inv_s = safe_divide(1.0, s)
    # The parts of u_bar and v_bar outside the span of u and v (zero for square matrices).
    out = out + ((u_bar - u @ j) * inv_s[..., None, :]) @ vh
    return out + (u * inv_s[..., None, :]) @ _mT(v_bar - v @ k)


def svd_jvp(t, a, ans, full_matrices=True, compute_uv=True):
    """Tangent of ``np.linalg.svd(a, full_matrices, compute_uv)`` along ``t``."""
    u, s, vh = _svd_parts(a, ans, compute_uv, full_matrices)
    v = _mT(vh)
    p = _mT(u) @ t @ v
    s_dot = np.diagonal(p, axis1=-2, axis2=-1).copy()
    if not compute_uv:
        return s_dot
    f = _gaps(s * s)
    s_col, s_row = s[..., :, None], s[..., None, :]
    inv_s = safe_divide(1.0, s)
    u_dot = u @ (f * (p * s_row + s_col * _mT(p))) + (t @ v - u @ p) * inv_s[..., None, :]
    v_dot = v @ (f * (s_col * p + _mT(p) * s_row)) + (_mT(t) @ u - v @ _mT(p)) * inv_s[..., None, :]
    return _like(ans, (u_dot, s_dot, _mT(v_dot)))


def _pinv_grad(g, a, x):
    """Adjoint of ``a`` in ``x = np.linalg.pinv(a)`` (the rule of templates/linalg.py, for lstsq_grad)."""
    x_t, g_t = _mT(x), _mT(g)
    left, right = g_t @ x @ x_t, x_t @ x @ g_t
    return -(x_t @ g @ x_t) + left - a @ (x @ left) + right - (right @ x) @ a


def pinv_jvp(t, a, ans):
    """Tangent of ``x = np.linalg.pinv(a)`` along ``t``."""
    x = ans
    left = np.eye(np.shape(a)[-2], dtype=float_dtype(a)) - a @ x
    right = np.eye(np.shape(a)[-1], dtype=float_dtype(a)) - x @ a
    return -x @ t @ x + x @ _mT(x) @ _mT(t) @ left + right @ _mT(t) @ _mT(x) @ x


def _powers(a, n):
    """``[a^0, a^1, ..., a^(|n|-1)]`` of ``a`` (of ``inv(a)`` when ``n < 0``)."""
    base = np.linalg.inv(a) if n < 0 else np.asarray(a)
    out = [np.broadcast_to(_eye_like(base), base.shape)]
    for _ in range(abs(int(n)) - 1):
        out.append(out[-1] @ base)
    return base, out


def matrix_power_grad(g, a, n):
    """Adjoint of ``a`` in ``np.linalg.matrix_power(a, n)``: ``sum_k (a^T)^k g (a^T)^(n-1-k)``."""
    base, p = _powers(a, n)
    k = len(p)
    bar = sum(_mT(p[i]) @ g @ _mT(p[k - 1 - i]) for i in range(k)) if n else np.zeros_like(g * 1.0)
    if n < 0:  # base = inv(a): chain through inv
        bar = -_mT(base) @ bar @ _mT(base)
    return bar


def matrix_power_jvp(t, a, n):
    """Tangent of ``np.linalg.matrix_power(a, n)`` along ``t``."""
    base, p = _powers(a, n)
    if n < 0:
        t = -base @ t @ base
    k = len(p)
    return sum(p[i] @ t @ p[k - 1 - i] for i in range(k)) if n else np.zeros_like(t * 1.0)


def _as_chain(arrays):
    """multi_dot's operands as matrices: a 1-D first operand is a row, a 1-D last one a column."""
    mats = [np.asarray(x) for x in arrays]
    if mats[0].ndim == 1:
        mats[0] = mats[0][None, :]
    if mats[-1].ndim == 1:
        mats[-1] = mats[-1][:, None]
    return mats


def _chain(mats):
    out = mats[0]
    for m in mats[1:]:
        out = out @ m
    return out


def multi_dot_grad(g, arrays):
    """Adjoint of each of ``arrays`` in ``np.linalg.multi_dot(arrays)``: a list like ``arrays``."""
    mats = _as_chain(arrays)
    g = np.reshape(g, (mats[0].shape[0], mats[-1].shape[1]))
    out = []
    for i, x in enumerate(arrays):
        left = _chain(mats[:i]) if i else np.eye(mats[0].shape[0])
        right = _chain(mats[i + 1:]) if i < len(mats) - 1 else np.eye(mats[-1].shape[1])
        out.append(np.reshape(_mT(left) @ g @ _mT(right), np.shape(x)))
    return type(arrays)(out) if isinstance(arrays, (list, tuple)) else out


def multi_dot_jvp(t, arrays):
    """Tangent of ``np.linalg.multi_dot(arrays)`` along ``t``, a list of tangents like ``arrays``."""
    out = 0.0
    for i in range(len(arrays)):
        if _is_zero(t[i]):
            continue
        out = out + np.linalg.multi_dot(list(arrays[:i]) + [t[i]] + list(arrays[i + 1:]))
    return out if not _is_zero(out) else np.zeros(np.shape(np.linalg.multi_dot(arrays)))


def vecdot_grad(g, other, axis=-1):
    """Adjoint of one operand of ``np.vecdot(x1, x2, axis=axis)`` (real arrays), given the other operand."""
    return np.expand_dims(g, axis) * np.asarray(other)


def matvec_grad1(g, x1, x2):
    """Adjoint of ``x1`` in ``np.matvec(x1, x2)``."""
    return unbroadcast(np.asarray(g)[..., :, None] * np.asarray(x2)[..., None, :], x1)


def matvec_grad2(g, x1, x2):
    """Adjoint of ``x2`` in ``np.matvec(x1, x2)``."""
    return unbroadcast(np.matmul(np.asarray(g)[..., None, :], x1)[..., 0, :], x2)


def vector_norm_grad(g, x, ans, axis=None, keepdims=False, ord=2):
    """Adjoint of ``x`` in ``np.linalg.vector_norm`` (over several axes too; 0 at the zero vector)."""
    x = np.asarray(x)
    axes = tuple(range(x.ndim)) if axis is None else tuple(
        int(a) % x.ndim for a in (axis if isinstance(axis, (tuple, list)) else (axis,)))
    g, ans = unreduce(g, x, axis, keepdims), unreduce(ans, x, axis, keepdims)
    if ord == 2:
        return safe_divide(g * x, ans)
    return _vector_norm_grad(g, x, ans, ord, axes)


def vector_norm_jvp(t, x, ans, axis=None, keepdims=False, ord=2):
    """Tangent of ``np.linalg.vector_norm`` along ``t``."""
    d = vector_norm_grad(np.ones_like(ans), x, ans, axis, keepdims, ord)
    return np.sum(d * t, axis=axis if not isinstance(axis, list) else tuple(axis), keepdims=keepdims)


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
    if _is_zero(t):
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


# scipy.linalg (scipy is imported inside the helpers that need it).
def triangle_of(a, lower=False, unit_diagonal=False):
    """The triangular matrix ``scipy.linalg.solve_triangular`` reads from ``a``."""
    tri = np.tril(a) if lower else np.triu(a)
    if unit_diagonal:
        eye = _eye_like(a)
        tri = tri - tri * eye + eye
    return tri


def _trans(trans):
    return {0: 0, "N": 0, 1: 1, "T": 1, 2: 1, "C": 1}[trans]


def solve_triangular_grad2(g, a, b, trans=0, lower=False, unit_diagonal=False):
    """Adjoint of ``b`` in ``scipy.linalg.solve_triangular(a, b, trans, lower, unit_diagonal)``."""
    t = triangle_of(a, lower, unit_diagonal)
    op_t = t if _trans(trans) else _mT(t)  # the transpose of the matrix solved with
    if np.ndim(b) == 1:
        return np.linalg.solve(op_t, np.asarray(g)[..., None])[..., 0]
    return np.linalg.solve(op_t, g)


def solve_triangular_grad1(b_bar, a, ans, b, trans=0, lower=False, unit_diagonal=False):
    """Adjoint of ``a`` in ``ans = solve_triangular(a, b, ...)``, given ``b_bar``: ``-b_bar ans.T`` on the triangle read."""
    if np.ndim(b) == 1:
        outer = np.asarray(b_bar)[..., :, None] * np.asarray(ans)[..., None, :]
    else:
        outer = np.matmul(b_bar, _mT(ans))
    full = -(_mT(outer) if _trans(trans) else outer)
    tri = np.tril(full) if lower else np.triu(full)
    return tri - tri * _eye_like(full) if unit_diagonal else tri


def solve_triangular_jvp(a_dot, b_dot, a, ans, trans=0, lower=False, unit_diagonal=False):
    """Tangent of ``ans = solve_triangular(a, b, ...)`` along ``a_dot`` and ``b_dot`` (either may be zero)."""
    t = triangle_of(a, lower, unit_diagonal)
    op = _mT(t) if _trans(trans) else t
    rhs = 0.0
    if not _is_zero(b_dot):
        rhs = rhs + np.asarray(b_dot)
    if not _is_zero(a_dot):
        td = np.tril(a_dot) if lower else np.triu(a_dot)
        if unit_diagonal:
            td = td - td * _eye_like(td)
        td = _mT(td) if _trans(trans) else td
        rhs = rhs - (td @ ans if np.ndim(ans) > 1 else td @ np.asarray(ans))
    rhs = np.broadcast_to(rhs, np.shape(ans))
    return np.linalg.solve(op, rhs[..., None])[..., 0] if np.ndim(ans) == 1 else np.linalg.solve(op, rhs)


def scipy_cholesky_grad(g, ans, lower=False):
    """Adjoint of ``a`` in ``scipy.linalg.cholesky(a, lower)`` (it reads the triangle it returns)."""
    low, g_low = (ans, g) if lower else (_mT(ans), _mT(g))
    linv = np.linalg.inv(low)
    s = _mT(linv) @ _phi(_mT(low) @ g_low) @ linv
    return lower_grad(0.5 * (s + _mT(s)), "L" if lower else "U")


def scipy_cholesky_jvp(t, ans, lower=False):
    """Tangent of ``scipy.linalg.cholesky(a, lower)`` along ``t``."""
    low = ans if lower else _mT(ans)
    linv = np.linalg.inv(low)
    dl = low @ _phi(linv @ symmetric_from(t, "L" if lower else "U") @ _mT(linv))
    return dl if lower else _mT(dl)


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
    return _expm_block(_mT(a), g)


def expm_jvp(t, a):
    """Tangent of ``scipy.linalg.expm(a)`` along ``t``."""
    return _expm_block(a, t)


def sqrtm_grad(g, ans):
    """Adjoint of ``a`` in ``x = scipy.linalg.sqrtm(a)``: ``b`` with ``x.T b + b x.T = g``."""
    from scipy.linalg import solve_sylvester
    return solve_sylvester(_mT(ans), _mT(ans), g)


def sqrtm_jvp(t, ans):
    """Tangent of ``x = scipy.linalg.sqrtm(a)`` along ``t``: ``d`` with ``x d + d x = t``."""
    from scipy.linalg import solve_sylvester
    return solve_sylvester(ans, ans, t)


def _lstsq_parts(a, b, ans):
    """(pinv(a), the residual b - a x, whether np.linalg.lstsq reports residuals)."""
    x = np.asarray(ans[0])
    residual = np.asarray(b) - np.matmul(a, x)
    return np.linalg.pinv(a), residual, np.size(ans[1]) > 0


def lstsq_grad(g, a, b, ans):
    """Adjoints ``(a_bar, b_bar)`` of ``x, residuals, rank, s = np.linalg.lstsq(a, b)`` (``a`` of full rank).

    ``x = pinv(a) b``; the residuals ``sum((b - a x) ** 2, axis=0)`` use
    ``a.T (b - a x) = 0``; ``s`` are the singular values of ``a``; the rank has no adjoint.
    """
    pinv, residual, has_residuals = _lstsq_parts(a, b, ans)
    x, vector = np.asarray(ans[0]), np.ndim(b) == 1
    x_bar = _part(g[0], x)
    col = (lambda v: v[:, None]) if vector else (lambda v: v)
    a_bar = _pinv_grad(col(x_bar) @ _mT(col(np.asarray(b))), a, pinv)
    b_bar = _mT(pinv) @ x_bar
    if has_residuals:
        r_bar = 2.0 * residual * (_part(g[1], ans[1])[0] if vector else _part(g[1], ans[1]))
        b_bar = b_bar + r_bar
        a_bar = a_bar - col(r_bar) @ _mT(col(x))
    return a_bar + svd_grad(_part(g[3], ans[3]), a, None, False, False), b_bar


def lstsq_jvp(a_dot, b_dot, a, b, ans):
    """Tangent of ``np.linalg.lstsq(a, b)`` along ``a_dot`` and ``b_dot`` (either may be zero)."""
    pinv, residual, has_residuals = _lstsq_parts(a, b, ans)
    x = np.asarray(ans[0])
    a_dot = np.zeros(np.shape(a)) if _is_zero(a_dot) else np.asarray(a_dot)
    b_dot = np.zeros(np.shape(b)) if _is_zero(b_dot) else np.asarray(b_dot)
    x_dot = pinv_jvp(a_dot, a, pinv) @ b + pinv @ b_dot
    if has_residuals:
        res_dot = np.atleast_1d(2.0 * np.sum(residual * (b_dot - a_dot @ x), axis=0))
    else:
        res_dot = np.zeros(np.shape(ans[1]), dtype=float_dtype(ans[1]))
    return (x_dot, res_dot, 0.0, svd_jvp(a_dot, a, None, False, False))


def _factor(c, lower):
    """The lower Cholesky factor held in ``c`` (scipy's cho_factor layout)."""
    return np.tril(c) if lower else _mT(np.triu(c))


def _other_triangle(t, lower):
    """The strict triangle that scipy.linalg.cho_factor leaves holding ``a``'s own entries."""
    return np.triu(t, 1) if lower else np.tril(t, -1)


def cho_factor_grad(g, a, ans):
    """Adjoint of ``a`` in ``c, lower = scipy.linalg.cho_factor(a, lower)``: the factor's triangle as in
    ``cholesky``, the other triangle (a copy of ``a``'s) passed through."""
    c, lower = ans[0], bool(ans[1])
    c_bar = _part(g[0], c)
    tri = np.tril(c) if lower else np.triu(c)
    tri_bar = np.tril(c_bar) if lower else np.triu(c_bar)
    return scipy_cholesky_grad(tri_bar, tri, lower) + _other_triangle(c_bar, lower)


def cho_factor_jvp(t, a, ans):
    """Tangent of ``c, lower = scipy.linalg.cho_factor(a, lower)`` along ``t``."""
    c, lower = ans[0], bool(ans[1])
    tri = np.tril(c) if lower else np.triu(c)
    return (scipy_cholesky_jvp(t, tri, lower) + _other_triangle(t, lower), 0.0)


def _cho_apply(c, lower, b):
    low = _factor(c, lower)
    if np.ndim(b) == 1:
        return np.linalg.solve(_mT(low), np.linalg.solve(low, np.asarray(b)[..., None]))[..., 0]
    return np.linalg.solve(_mT(low), np.linalg.solve(low, b))


def cho_solve_grad(g, c_and_lower, b, ans):
    """Adjoints ``((c_bar, 0), b_bar)`` of ``x = scipy.linalg.cho_solve((c, lower), b)`` (only the factor's
    triangle of ``c`` is read)."""
    c, lower = c_and_lower[0], bool(c_and_lower[1])
    b_bar = _cho_apply(c, lower, g)
    col = (lambda v: np.asarray(v)[..., :, None]) if np.ndim(b) == 1 else np.asarray
    a_bar = -col(b_bar) @ _mT(col(ans))
    low_bar = (a_bar + _mT(a_bar)) @ _factor(c, lower)
    c_bar = np.tril(low_bar) if lower else np.triu(_mT(low_bar))
    return (c_bar, zeros_like(c_and_lower[1])), b_bar


def cho_solve_jvp(c_and_lower_dot, b_dot, c_and_lower, b, ans):
    """Tangent of ``x = scipy.linalg.cho_solve((c, lower), b)`` (either tangent may be zero)."""
    c, lower = c_and_lower[0], bool(c_and_lower[1])
    rhs = np.zeros(np.shape(ans), dtype=np.result_type(ans, float_dtype(c)))
    if not _is_zero(b_dot):
        rhs = rhs + b_dot
    c_dot = c_and_lower_dot if _is_zero(c_and_lower_dot) else c_and_lower_dot[0]
    if not _is_zero(c_dot):
        low, low_dot = _factor(c, lower), _factor(c_dot, lower)
        a_dot = low_dot @ _mT(low) + low @ _mT(low_dot)
        rhs = rhs - (a_dot @ ans if np.ndim(ans) > 1 else a_dot @ np.asarray(ans))
    return _cho_apply(c, lower, rhs)


# ---- issue 6: numpy coverage
def absorb_zeros(a, r):
    """``r``, a product with the factor ``a``, with 0 where ``a == 0`` and ``r`` is NaN (0 * inf).

    The adjoint of a singular elementwise rule (``log``, ``sqrt``...) is
    ``absorb_zeros(ans_bar, ans_bar * d)``: ``np.where`` gives the branch it
    drops a zero adjoint, and that zero times an infinite derivative must
    stay zero. Generated code writes the product inline, so NumPy reuses the
    temporary ``d``; a NaN-free product (the usual case) costs one check.
    """
    if isinstance(r, float):
        return r if r == r or a != 0 else 0.0 * a
    nan = np.isnan(r)
    if nan.any():
        r = np.where((np.asarray(a) == 0) & nan, 0, r)
    return r


def tie_weight(w, x, other):
    """``w`` (a softmax weight of ``x`` against ``other``), 1/2 where both are the same infinity.

    ``logaddexp(-inf, -inf)`` has weights ``exp(-inf - -inf)``, NaN: split evenly.
    """
    tie = np.isinf(x) & (np.asarray(x) == other)
    if np.any(tie):
        return np.where(tie, 0.5, w)
    return w


def masked(c, where=True):
    """``c`` where ``where`` holds and 0 elsewhere (reductions' ``where=``); ``c`` itself for ``True``."""
    if where is True:
        return c
    return np.where(where, c, 0)


def reduce_count(a, axis=None, keepdims=False, where=True):
    """How many elements of ``a`` each result of a reduction along ``axis`` counts (``where=`` respected).

    A Python float when every element counts, else an array shaped like the result.
    """
    shape = np.shape(a)
    if where is True:
        n = 1
        for i in _axes(axis, len(shape)):
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
    if weights is None or _is_zero(weights_dot):
        return t
    w_dot = _average_weights(a, axis, weights_dot)
    total = np.sum(np.broadcast_to(_average_weights(a, axis, weights), np.shape(a)), axis=axis, keepdims=keepdims)
    centered = np.asarray(a) - unreduce(ans, a, axis, keepdims)
    return t + np.sum(np.broadcast_to(w_dot, np.shape(a)) * centered, axis=axis, keepdims=keepdims) / total


def unsplit(g, pieces, axis=0):
    """Adjoint of the array in ``np.split``-like calls: the pieces' adjoints joined along ``axis``.

    The adjoints of ``pieces``; a piece whose adjoint is still the zero ``0.0`` contributes zeros of its shape.
    """
    pieces = [zeros_like(p) if _is_zero(gi) else np.broadcast_to(gi, np.shape(p)) for gi, p in zip(g, pieces)]
    return np.concatenate(pieces, axis=axis)


def undstack(g, tup):
    """Adjoint of each element of ``tup`` in ``np.dstack(tup)``."""
    pieces = _split(g, [np.shape(np.atleast_3d(x)) for x in tup], 2)
    return _like_container([np.reshape(p, np.shape(x)) for p, x in zip(pieces, tup)], tup)


def uncolumn_stack(g, tup):
    """Adjoint of each element of ``tup`` in ``np.column_stack(tup)`` (1-D elements are columns)."""
    shapes = [np.shape(x) if np.ndim(x) >= 2 else (np.size(x), 1) for x in tup]
    pieces = _split(g, shapes, 1)
    return _like_container([np.reshape(p, np.shape(x)) for p, x in zip(pieces, tup)], tup)


_PAD_COPY_MODES = ("constant", "edge", "reflect", "symmetric", "wrap")


def pad_grad(g, array, pad_width, mode="constant"):
    """Adjoint of ``array`` in ``np.pad(array, pad_width, mode)``.

    Each padded element's adjoint goes back to the element it copies; the
    constant border gets none. Modes that compute values (``mean``,
    ``linear_ramp``...) are not supported.
    """
    if mode not in _PAD_COPY_MODES:
        raise NotImplementedError("s2s differentiates np.pad in the modes {} only, not {!r}".format(
            ", ".join(_PAD_COPY_MODES), mode))
    shape = np.shape(array)
    if mode == "constant":
        widths = np.broadcast_to(pad_width, (len(shape), 2))
        return np.asarray(g)[tuple(slice(int(lo), int(lo) + n) for (lo, _), n in zip(widths, shape))]
    size = int(np.prod(shape))
    source = np.pad(np.arange(size).reshape(shape), pad_width, mode=mode)
    out = np.bincount(source.ravel(), weights=np.ravel(g), minlength=size)
    return out.reshape(shape).astype(float_dtype(g), copy=False)


def take_along_axis_grad(g, arr, indices, axis=-1):
    """Adjoint of ``arr`` in ``np.take_along_axis(arr, indices, axis)`` (repeated indices add up)."""
    out = np.zeros(np.shape(arr), dtype=float_dtype(g))
    if axis is None:
        np.add.at(out.reshape(-1), indices, g)
        return out
    ndim = np.ndim(arr)
    axis = int(axis) % ndim
    index = []
    for d in range(ndim):
        shape = [1] * ndim
        shape[d] = -1
        index.append(indices if d == axis else np.arange(np.shape(indices)[d]).reshape(shape))
    np.add.at(out, tuple(index), g)
    return out


def select_masks(condlist):
    """Where ``np.select(condlist, ...)`` takes each choice: one mask per condition, then the default's."""
    taken = np.zeros(np.broadcast_shapes(*[np.shape(c) for c in condlist]), dtype=bool)
    masks = []
    for c in condlist:
        masks.append(np.asarray(c) & ~taken)
        taken = taken | c
    masks.append(~taken)
    return masks


def select_choice_grad(g, condlist, choicelist):
    """Adjoints of the elements of ``choicelist`` in ``np.select(condlist, choicelist, default)``."""
    masks = select_masks(condlist)
    pieces = [unbroadcast(np.where(m, g, 0), c) for m, c in zip(masks, choicelist)]
    return type(choicelist)(pieces) if isinstance(choicelist, tuple) else pieces


def select_default_grad(g, condlist, default):
    """Adjoint of ``default`` in ``np.select(condlist, choicelist, default)``."""
    return unbroadcast(np.where(select_masks(condlist)[-1], g, 0), default)


def interp_weights(x, xp, n):
    """The matrix W with ``np.interp(x, xp, fp) == W @ fp`` (values clamped outside ``xp``)."""
    x = np.ravel(x)
    W = np.zeros((len(x), n))
    if n == 1:
        W[:, 0] = 1
        return W
    xp = np.asarray(xp)
    j = np.clip(np.searchsorted(xp, x, side="right") - 1, 0, n - 2)
    t = np.clip((x - xp[j]) / (xp[j + 1] - xp[j]), 0, 1)
    rows = np.arange(len(x))
    np.add.at(W, (rows, j), 1 - t)
    np.add.at(W, (rows, j + 1), t)
    return W


def interp_grad(g, x, xp, fp):
    """Adjoint of ``fp`` in ``np.interp(x, xp, fp)``: each value splits its adjoint between its two nodes."""
    weights = interp_weights(x, xp, np.size(fp))
    return np.reshape(weights.T @ np.ravel(g), np.shape(fp)).astype(float_dtype(g), copy=False)


def interp_jvp(t, x, xp, fp):
    """Tangent of ``np.interp(x, xp, fp)`` along a tangent ``t`` of ``fp``."""
    r = np.reshape(interp_weights(x, xp, np.size(fp)) @ np.ravel(t), np.shape(x))
    return r.astype(float_dtype(t), copy=False)


def interp_slope(x, xp, fp):
    """d np.interp(x, xp, fp) / dx: the slope of the segment holding ``x``, 0 outside ``xp``."""
    x_arr = np.asarray(x)
    xp, fp = np.asarray(xp), np.asarray(fp)
    j = np.clip(np.searchsorted(xp, x_arr, side="right") - 1, 0, len(xp) - 2)
    slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j])
    return np.where((x_arr < xp[0]) | (x_arr > xp[-1]), 0, slope)


def _convolve_offset(n, m, mode, correlate):
    """Where the ``mode`` result starts in the full convolution of lengths ``n`` and ``m``."""
    if mode == "full":
        return 0
    if mode == "valid":
        return min(n, m) - 1
    if correlate and n < m:
        return n // 2
    return (min(n, m) - 1) // 2


def convolve_grad(g, a, v, mode="full", correlate=False):
    """Adjoint of ``a`` in ``np.convolve(a, v, mode)`` (``np.correlate`` with ``correlate=True``)."""
    n, m = np.size(a), np.size(v)
    full = np.zeros(n + m - 1, dtype=np.result_type(float_dtype(g), float_dtype(v)))
    start = _convolve_offset(n, m, mode, correlate)
    full[start:start + np.size(g)] = g
    kernel = np.asarray(v)[::-1] if correlate else np.asarray(v)
    return np.correlate(full, kernel, "valid")


def convolve_grad2(g, a, v, mode="full", correlate=False):
    """Adjoint of ``v`` in ``np.convolve(a, v, mode)`` (``np.correlate`` with ``correlate=True``)."""
    n, m = np.size(a), np.size(v)
    full = np.zeros(n + m - 1, dtype=np.result_type(float_dtype(g), float_dtype(a)))
    start = _convolve_offset(n, m, mode, correlate)
    full[start:start + np.size(g)] = g
    r = np.correlate(full, np.asarray(a), "valid")
    return r[::-1] if correlate else r


def kron_grad(g, a, b, which):
    """Adjoint of ``a`` (``which=0``) or ``b`` (``which=1``) in ``np.kron(a, b)``."""
    a, b = np.asarray(a), np.asarray(b)
    nd = max(a.ndim, b.ndim)
    sa = (1,) * (nd - a.ndim) + a.shape
    sb = (1,) * (nd - b.ndim) + b.shape
    g4 = np.reshape(g, [n for pair in zip(sa, sb) for n in pair])
    if which == 0:
        r = np.tensordot(g4, np.reshape(b, sb), axes=(list(range(1, 2 * nd, 2)), list(range(nd))))
        return np.reshape(r, a.shape)
    r = np.tensordot(g4, np.reshape(a, sa), axes=(list(range(0, 2 * nd, 2)), list(range(nd))))
    return np.reshape(r, b.shape)


def ediff1d_grad(g, ary):
    """Adjoint of ``ary`` in ``np.ediff1d(ary)``."""
    if np.size(ary) < 2:
        return np.zeros(np.shape(ary), dtype=float_dtype(g))
    return np.reshape(diff_grad(np.ravel(g), 1, -1), np.shape(ary))



def polyval_grad(g, p, x):
    """Adjoint of the coefficients ``p`` in ``np.polyval(p, x)``: ``sum(g * x ** k)`` for each power k."""
    n = np.size(p)
    powers = np.asarray(x)[..., None] ** np.arange(n - 1, -1, -1)
    r = np.sum(np.reshape(np.asarray(g)[..., None] * powers, (-1, n)), axis=0)
    return r.astype(np.result_type(float_dtype(g), float_dtype(p)), copy=False)


def trapezoid_grad(g, y, x=None, dx=1.0, axis=-1):
    """Adjoints of ``y`` and of the sample points ``x`` in ``np.trapezoid(y, x, dx, axis)``."""
    y = np.asarray(y)
    axis = int(axis) % y.ndim
    ym = np.moveaxis(y, axis, -1)
    g = np.asarray(g)[..., None]
    n = ym.shape[-1]
    if x is None:
        d = np.full(max(n - 1, 0), float(dx))
    else:
        xm = np.asarray(x) if np.ndim(x) == 1 else np.moveaxis(np.asarray(x), axis, -1)
        d = np.diff(xm, axis=-1)
    zero = np.zeros(np.shape(d)[:-1] + (1,))
    w = 0.5 * (np.concatenate([zero, d], axis=-1) + np.concatenate([d, zero], axis=-1))
    y_bar = np.moveaxis(g * w, -1, axis).astype(np.result_type(float_dtype(g), float_dtype(y)), copy=False)
    if x is None:
        return y_bar, None
    s = 0.5 * (ym[..., 1:] + ym[..., :-1])  # d result / d diff(x)
    zero = np.zeros(s.shape[:-1] + (1,), dtype=s.dtype)
    xm_bar = g * (np.concatenate([zero, s], axis=-1) - np.concatenate([s, zero], axis=-1))
    x_bar = unbroadcast(xm_bar, x) if np.ndim(x) == 1 else np.moveaxis(xm_bar, -1, axis)
    return y_bar, unbroadcast(x_bar, x)


def trapezoid_x_jvp(t, y, x, axis=-1):
    """Tangent of ``np.trapezoid(y, x, axis=axis)`` along a tangent ``t`` of the sample points ``x``."""
    if _is_zero(t) or x is None:
        return 0.0
    y = np.asarray(y)
    axis = int(axis) % y.ndim
    ym = np.moveaxis(y, axis, -1)
    tm = np.asarray(t) if np.ndim(t) == 1 else np.moveaxis(np.asarray(t), axis, -1)
    return np.sum(0.5 * (ym[..., 1:] + ym[..., :-1]) * np.diff(tm, axis=-1), axis=-1)


def nan_count(a, axis=None, keepdims=False, where=True):
    """How many non-NaN elements of ``a`` each result of a ``nan*`` reduction counts (``where=`` respected)."""
    mask = ~np.isnan(a)
    if where is not True:
        mask = mask & where
    return np.sum(mask, axis=axis, keepdims=keepdims, dtype=float_dtype(a))


def polyval_slope(p, x):
    """d np.polyval(p, x) / dx, in the float dtype of ``p`` and ``x``."""
    r = np.polyval(np.polyder(p), x)
    return r.astype(np.result_type(float_dtype(p), float_dtype(x)), copy=False) if isinstance(r, np.ndarray) else r


def _copy_map_grad(g, size, source):
    """Adjoint of a linear map that copies elements: ``source`` holds, for each result element, the flat index
    of the input element it copies (-1: none). Repeated copies add up."""
    source = np.ravel(source)
    keep = source >= 0
    out = np.bincount(source[keep], weights=np.ravel(g)[keep], minlength=size)
    return out.astype(float_dtype(g), copy=False)


def delete_grad(g, arr, obj, axis=None):
    """Adjoint of ``arr`` in ``np.delete(arr, obj, axis)``: zeros at the deleted elements."""
    shape = np.shape(arr)
    size = int(np.prod(shape))
    source = np.delete(np.arange(size).reshape(shape), obj, axis)
    return _copy_map_grad(g, size, source).reshape(shape)


def insert_grad(g, arr, obj, values, axis=None):
    """Adjoints of ``arr`` and ``values`` in ``np.insert(arr, obj, values, axis)`` (broadcast values add up)."""
    shape, vshape = np.shape(arr), np.shape(values)
    size, vsize = int(np.prod(shape)), int(np.prod(vshape))
    source = np.insert(np.arange(size).reshape(shape), obj, np.full(vshape, -1), axis)
    vsource = np.insert(np.full(shape, -1), obj, np.arange(vsize).reshape(vshape), axis)
    return (_copy_map_grad(g, size, source).reshape(shape), _copy_map_grad(g, vsize, vsource).reshape(vshape))


def _quantile_setup(a, q, axis):
    """(values moved so the reduced axes are last and flattened, their sort order, q flat, lo, hi, t, moved shape)."""
    a = np.asarray(a)
    axes, last, moved, rest, n = _reduced_last(a, axis)
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


def filled(a, where=True, value=0.0):
    """``a`` where ``where`` holds and ``value`` elsewhere (reductions' ``where=``); ``a`` itself for ``True``."""
    if where is True:
        return a
    return np.where(where, a, value)


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
        parts.append(np.broadcast_to(zeros_like(v) if _is_zero(piece) or piece is None else piece, shape))
    return np.diff(np.concatenate(parts, axis=ax), n, axis=ax)


def linspace_grad(g, start, stop, num=50, endpoint=True, axis=0):
    """Adjoints of ``start`` and ``stop`` in ``np.linspace(start, stop, num, endpoint, axis=axis)``."""
    t = np.linspace(0.0, 1.0, num, endpoint=endpoint, dtype=float_dtype(g))
    gm = np.moveaxis(np.asarray(g), axis, -1)
    return unbroadcast(np.sum(gm * (1 - t), axis=-1), start), unbroadcast(np.sum(gm * t, axis=-1), stop)


def resize_grad(g, a, new_shape):
    """Adjoint of ``a`` in ``np.resize(a, new_shape)``: the repeated copies' adjoints add up."""
    shape = np.shape(a)
    size = int(np.prod(shape))
    if size == 0:
        return np.zeros(shape, dtype=float_dtype(g))
    return _copy_map_grad(g, size, np.resize(np.arange(size), new_shape)).reshape(shape)


def inverse(x):
    """``1 / x``, with a signed inf (not ZeroDivisionError) for a Python float 0."""
    try:
        return 1 / x
    except ZeroDivisionError:
        return np.divide(1.0, x)


# ---- second-order rules: derivatives of the *_grad / *_jvp helpers above in their primal
# arguments (templates/runtime_helpers.py, last section, uses them).
def prod_others_jvp(t, a, axis=None, initial=1):
    """Tangent along ``t`` of ``prod_grad(1, a, axis, True, initial)`` (the product of the other factors).

    Exact when ``a`` has zeros: the left and right exclusive products are
    differentiated by the recurrence of ``cumprod_jvp``.
    """
    a = np.asarray(a)
    axes, last, moved, rest, n = _reduced_last(a, axis)
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
    axes = _axes(axis, x.ndim) if vector else _norm_axes(x.ndim, ord, axis)
    if vector or len(axes) == 1:
        p = 2 if ord is None else ord
    elif ord in (None, "fro"):
        p = 2
    elif ord in (1, -1, np.inf, -np.inf):
        p = 0
    else:
        raise NoRuleError("np.linalg.norm: the second derivative of the matrix norm ord={!r} (the rule of "
                          "s2s.runtime.norm_grad) is not written yet; "
                          "use ord='fro', or write it with the singular values (np.linalg.svd(x, compute_uv=False))"
                          .format(ord))
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
    dans = -(p - 1) * safe_divide(_vector_norm_grad(big_g, x, big_a, p, axes), big_a)
    return dx.astype(dtype), np.broadcast_to(dans, x.shape).astype(dtype)


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
        if k == i or d is None or _is_zero(d) or operands[k] is None:
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
        if _is_zero(hi):
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
            if i != k and not _is_zero(ti) and not _is_zero(sk):
                out = out + np.linalg.multi_dot(_replaced(arrays, i=(i, ti), k=(k, sk)))
    return out if not _is_zero(out) else np.zeros(np.shape(np.linalg.multi_dot(arrays)))


def _matrix_power_hvp_pos(t, s, a, n):
    base, p = _powers(a, n)
    out = np.zeros(np.broadcast_shapes(np.shape(a), np.shape(t), np.shape(s)), dtype=np.result_type(a, t, s, 1.0))
    for i in range(n):
        for j in range(i + 1, n):
            mid = p[j - i - 1]
            out = out + p[i] @ t @ mid @ s @ p[n - 1 - j] + p[i] @ s @ mid @ t @ p[n - 1 - j]
    return out


def _matrix_power_hvp_grad_pos(w, t, a, n):
    base, p = _powers(a, n)
    out = np.zeros(np.broadcast_shapes(np.shape(a), np.shape(t), np.shape(w)), dtype=np.result_type(a, t, w, 1.0))
    for i in range(n):
        for j in range(i + 1, n):
            mid = p[j - i - 1]
            out = out + _mT(p[i] @ t @ mid) @ w @ _mT(p[n - 1 - j]) + _mT(p[i]) @ w @ _mT(mid @ t @ p[n - 1 - j])
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
    first = -_mT(b) @ _matrix_power_hvp_grad_pos(w, -b @ t @ b, b, m) @ _mT(b)
    w2 = matrix_power_grad(w, b, m)
    btb = b @ t @ b
    return first + _mT(btb) @ w2 @ _mT(b) + _mT(b) @ w2 @ _mT(btb)


def triangle_part(h, trans=0, lower=False, unit_diagonal=False, adjoint=False):
    """The part of ``h`` that ``solve_triangular(a, ..., trans, lower, unit_diagonal)`` reads from ``a``.

    ``h`` transposed when ``trans``, then the triangle kept (its diagonal
    zeroed when ``unit_diagonal``); with ``adjoint`` the same steps in reverse
    order, which is the transposed map (both steps are their own transposes).
    """
    def keep(m):
        tri = np.tril(m) if lower else np.triu(m)
        return tri - tri * _eye_like(tri) if unit_diagonal else tri

    flip = _mT if _trans(trans) else np.asarray
    return flip(keep(h)) if adjoint else keep(flip(h))


# scipy.linalg.cho_solve's helpers: x = A^-1 b with A = L L.T, L = _factor(c, lower).
def _col_fns(b):
    """Column view and its inverse for the vector convention of ``b`` (vectors when ``b`` is 1-D)."""
    if np.ndim(b) == 1:
        return (lambda v: np.asarray(v)[..., :, None]), (lambda m: m[..., 0])
    return np.asarray, (lambda m: m)


def _factor_grad(low_bar, lower):
    """Adjoint of ``c`` in ``_factor(c, lower)`` (the transposed map)."""
    return np.tril(low_bar) if lower else np.triu(_mT(low_bar))


def _pair_first(p):
    """The first entry of a pair's tangent or adjoint (None when it is the scalar zero)."""
    if _is_zero(p) or p is None:
        return None
    first = p[0]
    return None if _is_zero(first) else np.asarray(first)


def cho_solve_grad_vjp(h, g, c_and_lower, b, x):
    """Adjoints ``(g_bar, (c_bar, 0), x_bar)`` of ``cho_solve_grad(g, c_and_lower, b, x)`` given its adjoint ``h``
    (a pair ``((c_bar adjoint, _), b_bar adjoint)``, either entry possibly the scalar zero)."""
    c, lower = np.asarray(c_and_lower[0]), bool(c_and_lower[1])
    col, uncol = _col_fns(b)
    low = _factor(c, lower)
    y, xc = _cho_apply(c, lower, col(g)), col(x)
    hc = _pair_first(h[0])
    lam = _factor(hc, lower) if hc is not None else np.zeros_like(low)
    k = -(lam @ _mT(low) + low @ _mT(lam))
    y_bar = k @ xc if _is_zero(h[1]) else col(h[1]) + k @ xc
    x_bar = k @ y
    z = _cho_apply(c, lower, y_bar)
    a_bar = -z @ _mT(y)
    low_bar = -(y @ _mT(xc) + xc @ _mT(y)) @ lam + (a_bar + _mT(a_bar)) @ low
    return uncol(z), (_factor_grad(low_bar, lower), zeros_like(c_and_lower[1])), uncol(x_bar)


def cho_solve_grad_jvp(g_dot, c_and_lower_dot, x_dot, g, c_and_lower, b, x):
    """Tangent ``((c_bar_dot, 0), b_bar_dot)`` of ``cho_solve_grad(g, c_and_lower, b, x)`` (zero tangents allowed)."""
    c, lower = np.asarray(c_and_lower[0]), bool(c_and_lower[1])
    col, uncol = _col_fns(b)
    low = _factor(c, lower)
    y, xc = _cho_apply(c, lower, col(g)), col(x)
    rhs = np.zeros(np.broadcast_shapes(y.shape, np.shape(col(g))), dtype=np.result_type(y, float))
    dc = _pair_first(c_and_lower_dot)
    d_low = _factor(dc, lower) if dc is not None else np.zeros_like(low)
    if not _is_zero(g_dot):
        rhs = rhs + col(g_dot)
    rhs = rhs - (d_low @ _mT(low) + low @ _mT(d_low)) @ y
    dy = _cho_apply(c, lower, rhs)
    dx = np.zeros_like(xc) if _is_zero(x_dot) else col(x_dot)
    d_low_bar = (-(dy @ _mT(xc) + y @ _mT(dx) + dx @ _mT(y) + xc @ _mT(dy)) @ low
                 - (y @ _mT(xc) + xc @ _mT(y)) @ d_low)
    return (_factor_grad(d_low_bar, lower), 0.0), uncol(dy)


def cho_solve_jvp_vjp(h, c_and_lower_dot, b_dot, c_and_lower, b, x):
    """Adjoints ``((c_dot_bar, 0), b_dot_bar, (c_bar, 0), x_bar)`` of ``cho_solve_jvp(c_and_lower_dot, b_dot,
    c_and_lower, b, x)`` given the adjoint ``h`` of its result."""
    c, lower = np.asarray(c_and_lower[0]), bool(c_and_lower[1])
    col, uncol = _col_fns(b)
    low = _factor(c, lower)
    xc = col(x)
    r = col(cho_solve_jvp(c_and_lower_dot, b_dot, c_and_lower, b, x))
    s = _cho_apply(c, lower, col(h))
    dc = _pair_first(c_and_lower_dot)
    d_low = _factor(dc, lower) if dc is not None else np.zeros_like(low)
    d_a = d_low @ _mT(low) + low @ _mT(d_low)
    d = -s @ _mT(xc)
    a_bar = -s @ _mT(r)
    low_bar = (a_bar + _mT(a_bar)) @ low + (d + _mT(d)) @ d_low
    zero = zeros_like(c_and_lower[1])
    return ((_factor_grad((d + _mT(d)) @ low, lower), zero), uncol(s), (_factor_grad(low_bar, lower), zero),
            uncol(-d_a @ s))


def cho_solve_jvp_jvp(c_and_lower_dot, b_dot, c_and_lower_dot2, x_dot, c_and_lower, b, x):
    """Tangent of ``cho_solve_jvp(c_and_lower_dot, b_dot, c_and_lower, b, x)`` along the tangents
    ``c_and_lower_dot2`` of ``c_and_lower`` and ``x_dot`` of ``x`` (the terms linear in the first two
    arguments' own tangents are ``cho_solve_jvp`` again)."""
    c, lower = np.asarray(c_and_lower[0]), bool(c_and_lower[1])
    col, uncol = _col_fns(b)
    low = _factor(c, lower)
    xc = col(x)
    r = col(cho_solve_jvp(c_and_lower_dot, b_dot, c_and_lower, b, x))
    dc, ec = _pair_first(c_and_lower_dot), _pair_first(c_and_lower_dot2)
    d_low = _factor(dc, lower) if dc is not None else np.zeros_like(low)
    e_low = _factor(ec, lower) if ec is not None else np.zeros_like(low)
    dx = np.zeros_like(xc) if _is_zero(x_dot) else col(x_dot)
    rhs = (-(d_low @ _mT(low) + low @ _mT(d_low)) @ dx - (d_low @ _mT(e_low) + e_low @ _mT(d_low)) @ xc
           - (e_low @ _mT(low) + low @ _mT(e_low)) @ r)
    return uncol(_cho_apply(c, lower, rhs))


# scipy.linalg.cholesky's helpers, written on the lower factor L = ans (ans.T when not lower).
def _sym(x):
    return 0.5 * (x + _mT(x))


def _zero_or(x, like):
    return np.zeros_like(like) if _is_zero(x) else np.asarray(x)


def scipy_cholesky_grad_vjp(h, g, ans, lower=False):
    """Adjoints ``(g_bar, ans_bar)`` of ``scipy_cholesky_grad(g, ans, lower)`` given its adjoint ``h``."""
    flip = (lambda m: m) if lower else _mT
    low, big_g = flip(np.asarray(ans)), flip(np.asarray(g))
    linv = np.linalg.inv(low)
    p = _phi(_mT(low) @ big_g)
    s_bar = _sym(symmetric_from(h, "L" if lower else "U"))
    x_bar = _phi(linv @ s_bar @ _mT(linv))
    linv_bar = (p + _mT(p)) @ linv @ s_bar
    low_bar = big_g @ _mT(x_bar) - _mT(linv) @ linv_bar @ _mT(linv)
    return flip(low @ x_bar), flip(low_bar)


def scipy_cholesky_grad_jvp(g_dot, ans_dot, g, ans, lower=False):
    """Tangent of ``scipy_cholesky_grad(g, ans, lower)`` along ``g_dot`` and ``ans_dot`` (either may be zero)."""
    flip = (lambda m: m) if lower else _mT
    low, big_g = flip(np.asarray(ans)), flip(np.asarray(g))
    d_low, d_g = flip(_zero_or(ans_dot, low)), flip(_zero_or(g_dot, big_g))
    linv = np.linalg.inv(low)
    d_linv = -linv @ d_low @ linv
    p = _phi(_mT(low) @ big_g)
    d_p = _phi(_mT(d_low) @ big_g + _mT(low) @ d_g)
    d_s = _mT(d_linv) @ p @ linv + _mT(linv) @ d_p @ linv + _mT(linv) @ p @ d_linv
    return lower_grad(_sym(d_s), "L" if lower else "U")


def scipy_cholesky_jvp_vjp(h, t, ans, lower=False):
    """Adjoints ``(t_bar, ans_bar)`` of ``scipy_cholesky_jvp(t, ans, lower)`` given its adjoint ``h``."""
    flip = (lambda m: m) if lower else _mT
    uplo = "L" if lower else "U"
    low, big_h = flip(np.asarray(ans)), flip(np.asarray(h))
    linv = np.linalg.inv(low)
    a = symmetric_from(t, uplo)
    q = _phi(linv @ a @ _mT(linv))
    y_bar = _phi(_mT(low) @ big_h)
    linv_bar = (y_bar + _mT(y_bar)) @ linv @ a
    low_bar = big_h @ _mT(q) - _mT(linv) @ linv_bar @ _mT(linv)
    return lower_grad(_sym(_mT(linv) @ y_bar @ linv), uplo), flip(low_bar)


def scipy_cholesky_jvp_jvp(t_dot, ans_dot, t, ans, lower=False):
    """Tangent of ``scipy_cholesky_jvp(t, ans, lower)`` along ``t_dot`` and ``ans_dot`` (either may be zero)."""
    flip = (lambda m: m) if lower else _mT
    uplo = "L" if lower else "U"
    low = flip(np.asarray(ans))
    d_low = flip(_zero_or(ans_dot, low))
    linv = np.linalg.inv(low)
    d_linv = -linv @ d_low @ linv
    a, d_a = symmetric_from(t, uplo), symmetric_from(_zero_or(t_dot, low), uplo)
    q = _phi(linv @ a @ _mT(linv))
    d_y = d_linv @ a @ _mT(linv) + linv @ d_a @ _mT(linv) + linv @ a @ _mT(d_linv)
    return flip(d_low @ q + low @ _phi(d_y))


# scipy.linalg.cho_factor's helpers: the factor's triangle as in cholesky, the other triangle passed through.
def _pair_tri(p, c, lower):
    """The factor's triangle of the first entry of a pair's tangent or adjoint ``p`` (zeros when it is zero)."""
    first = _pair_first(p)
    m = np.zeros(np.shape(c), dtype=float_dtype(c)) if first is None else _part(first, c)
    return np.tril(m) if lower else np.triu(m)


def cho_factor_grad_vjp(h, g, a, ans):
    """Adjoints ``((g_c_bar, 0), (c_bar, 0))`` of ``cho_factor_grad(g, a, ans)`` given its adjoint ``h``."""
    c, lower = np.asarray(ans[0]), bool(ans[1])
    tri = np.tril(c) if lower else np.triu(c)
    g_bar, tri_bar = scipy_cholesky_grad_vjp(h, _pair_tri(g, c, lower), tri, lower)
    keep = np.tril if lower else np.triu
    return ((keep(g_bar) + _other_triangle(h, lower), zeros_like(g[1])), (keep(tri_bar), zeros_like(ans[1])))


def cho_factor_grad_jvp(g_dot, ans_dot, g, a, ans):
    """Tangent of ``cho_factor_grad(g, a, ans)`` along ``g_dot`` and ``ans_dot`` (pairs, or zero)."""
    c, lower = np.asarray(ans[0]), bool(ans[1])
    tri = np.tril(c) if lower else np.triu(c)
    first = _pair_first(g_dot)
    other = 0.0 if first is None else _other_triangle(_part(first, c), lower)
    return (scipy_cholesky_grad_jvp(_pair_tri(g_dot, c, lower), _pair_tri(ans_dot, c, lower),
                                    _pair_tri(g, c, lower), tri, lower) + other)


def cho_factor_jvp_vjp(h, t, a, ans):
    """Adjoints ``(t_bar, (c_bar, 0))`` of ``cho_factor_jvp(t, a, ans)`` given its adjoint ``h`` (a pair)."""
    c, lower = np.asarray(ans[0]), bool(ans[1])
    tri = np.tril(c) if lower else np.triu(c)
    hc = _pair_tri(h, c, lower) + _other_triangle(_part(_pair_first(h) if _pair_first(h) is not None else 0.0, c),
                                                  lower)
    t_bar, tri_bar = scipy_cholesky_jvp_vjp(hc, t, tri, lower)
    keep = np.tril if lower else np.triu
    return t_bar + _other_triangle(hc, lower), (keep(tri_bar), zeros_like(ans[1]))


def cho_factor_jvp_jvp(t_dot, ans_dot, t, a, ans):
    """Tangent of ``cho_factor_jvp(t, a, ans)`` along ``t_dot`` and ``ans_dot`` (a pair, or zero)."""
    c, lower = np.asarray(ans[0]), bool(ans[1])
    tri = np.tril(c) if lower else np.triu(c)
    t_dot = _zero_or(t_dot, c)
    return (scipy_cholesky_jvp_jvp(t_dot, _pair_tri(ans_dot, c, lower), t, tri, lower)
            + _other_triangle(t_dot, lower), 0.0)


# pinv_jvp(t, a, x) = -x t x + x x.T t.T (1 - a x) + (1 - x a) t.T x.T x, expanded into matrix monomials.
_PINV_JVP_TERMS = ((-1, "x t x"), (1, "x X T"), (-1, "x X T a x"), (1, "T X x"), (-1, "x a T X x"))


def _pinv_terms(values):
    """Each monomial of pinv_jvp as (sign, [(name, transposed)], [matrices]); capitals are transposes."""
    for sign, word in _PINV_JVP_TERMS:
        names = [(c.lower(), c.isupper()) for c in word.split()]
        yield sign, names, [_mT(values[n]) if tr else np.asarray(values[n]) for n, tr in names]


def _product(mats):
    out = mats[0]
    for m in mats[1:]:
        out = out @ m
    return out


def pinv_jvp_vjp(h, t, a, x):
    """Adjoints ``(t_bar, a_bar, x_bar)`` of ``pinv_jvp(t, a, x)`` given the adjoint ``h`` of its result."""
    values = {"t": t, "a": a, "x": x}
    bars = {k: np.zeros(np.shape(v), dtype=np.result_type(float_dtype(v), h)) for k, v in values.items()}
    for sign, names, mats in _pinv_terms(values):
        for k, (name, transposed) in enumerate(names):
            left = _mT(_product(mats[:k])) @ h if k else np.asarray(h)
            piece = left @ _mT(_product(mats[k + 1:])) if k < len(mats) - 1 else left
            bars[name] = bars[name] + sign * (_mT(piece) if transposed else piece)
    return bars["t"], bars["a"], bars["x"]


def pinv_jvp_jvp(t_dot, a_dot, x_dot, t, a, x):
    """Tangent of ``pinv_jvp(t, a, x)`` along ``t_dot``, ``a_dot`` and ``x_dot`` (zero tangents allowed)."""
    values = {"t": t, "a": a, "x": x}
    dots = {"t": t_dot, "a": a_dot, "x": x_dot}
    out = np.zeros(np.shape(pinv_jvp(t, a, x)), dtype=np.result_type(float_dtype(a), float_dtype(x), t))
    for sign, names, mats in _pinv_terms(values):
        for k, (name, transposed) in enumerate(names):
            if _is_zero(dots[name]):
                continue
            d = _mT(dots[name]) if transposed else np.asarray(dots[name])
            out = out + sign * _product(mats[:k] + [d] + mats[k + 1:])
    return out


# np.linalg.svd(a, compute_uv=False)'s helper: svd_grad(g, a, s, ..., False) = u diag(g) vh (thin SVD of a).
def _values_only(compute_uv):
    if compute_uv:
        raise NoRuleError("np.linalg.svd: s2s differentiates the adjoint of the SVD again only for the singular "
                          "values (compute_uv=False, or np.linalg.svdvals); the second derivative through u and vh "
                          "(the rule of s2s.runtime.svd_grad) is not written yet. Use a first derivative here, or a function of the singular values.")


def svd_grad_vjp(h, g, a, ans, full_matrices=True, compute_uv=True):
    """Adjoints ``(g_bar, a_bar)`` of ``svd_grad(g, a, ans, full_matrices, compute_uv=False)`` given ``h``."""
    _values_only(compute_uv)
    usv = np.linalg.svd(a, full_matrices=False)
    u, vh = usv[0], usv[2]
    g = np.asarray(g)[..., None, :]
    # d(u g vh) = du g vh + u g dvh: svd_grad with compute_uv=True, given u_bar = h vh.T g, vh_bar = g u.T h.
    u_bar, vh_bar = (np.asarray(h) @ _mT(vh)) * g, _mT(g) * (_mT(u) @ h)
    return svd_jvp(h, a, ans, full_matrices, False), svd_grad((u_bar, 0.0, vh_bar), a, usv, False, True)


def svd_grad_jvp(g_dot, a_dot, g, a, ans, full_matrices=True, compute_uv=True):
    """Tangent of ``svd_grad(g, a, ans, full_matrices, compute_uv=False)`` along ``g_dot`` and ``a_dot``."""
    _values_only(compute_uv)
    usv = np.linalg.svd(a, full_matrices=False)
    out = svd_grad(g_dot, a, ans, full_matrices, False) if not _is_zero(g_dot) else 0.0
    if not _is_zero(a_dot):
        u_dot, _, vh_dot = svd_jvp(a_dot, a, usv, False, True)
        g = np.asarray(g)[..., None, :]
        out = out + (u_dot * g) @ usv[2] + (usv[0] * g) @ vh_dot
    return out if not _is_zero(out) else np.zeros(np.shape(a), dtype=float_dtype(a))

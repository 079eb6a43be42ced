"""Numba versions of the runtime helpers that generated code calls.

Importing this module (it needs ``numba``) registers, with
``numba.extending.overload``, a nopython implementation for each helper of
``s2s.runtime`` listed in ``HELPERS``: generated code compiled with
``numba.njit`` then calls the very same names as uncompiled code, and
``s2s.source`` shows one text for both. Each implementation is chosen by the
types of the arguments at compile time (a float, an array of some number of
axes, None); for types it does not handle it returns None, so Numba reports a
typing error that ``s2s/backend/numba_compile.py`` turns into an ``S2SError``
naming the line (or, for argument checks such as ``seed`` of an array, into the
error the uncompiled code raises).

Standalone files (``s2s grad --compile numba -o``) copy the text of this module
from ``# -- overloads --`` on, after the inlined helpers it overloads.
Numbers are those of the NumPy helpers on the cases handled here.
"""
import builtins

import numba
import numba.extending
import numpy as np

from s2s.runtime import (ArgumentError, absorb_zeros, add, add_at, broadcast_like, conj_sign, copy, cotangent, detach,
                         extremum_grad, extremum_reduce_grad, finalize, inverse, log_positive, matmul_grad1,
                         matmul_grad2, power_base_grad, reduce_count, seed, select_grad, unbroadcast, unreduce,
                         unshared, zeros_like)

# the helpers given nopython versions below (the standalone writer inlines their Python versions first), and
# the NumPy functions whose forms Numba lacks are given here
HELPERS = ("absorb_zeros", "add", "add_at", "broadcast_like", "conj_sign", "copy", "cotangent", "detach", "extremum_grad",
           "extremum_reduce_grad", "finalize", "inverse", "log_positive", "matmul_grad1", "matmul_grad2",
           "power_base_grad", "reduce_count", "seed", "select_grad", "unbroadcast", "unreduce", "unshared",
           "zeros_like")
NUMPY = ("max", "min", "sum", "mean")


# -- overloads --
def _is_none(t):
    return t is None or isinstance(t, (numba.types.NoneType, numba.types.Omitted)) and getattr(t, "value", None) is None


def _flag(t):
    """The value of a literal bool (or an omitted default), else None."""
    if isinstance(t, bool):  # a default the call left out
        return t
    if isinstance(t, numba.types.Omitted):
        return t.value
    if isinstance(t, numba.types.BooleanLiteral):
        return t.literal_value
    return None


def _real(t):
    return isinstance(t, (numba.types.Float, numba.types.Integer, numba.types.Boolean))


def _real_array(t):
    return isinstance(t, numba.types.Array) and isinstance(t.dtype, numba.types.Float)


@numba.extending.overload(seed)
def _seed(ans, where="", of="", holomorphic=False):
    if isinstance(ans, numba.types.Float):
        one = np.float32(1.0) if ans.bitwidth == 32 else 1.0

        def impl(ans, where="", of="", holomorphic=False):
            return one
        return impl
    return None  # an array or a container: the uncompiled code's error says what to do


@numba.extending.overload(cotangent)
def _cotangent(value, dout, where="", of=""):
    if _real(value) and _real(dout):
        return lambda value, dout, where="", of="": dout
    if isinstance(value, numba.types.Array) and isinstance(dout, numba.types.Array) and value.ndim == dout.ndim:
        def impl(value, dout, where="", of=""):
            if value.shape != dout.shape:
                raise ArgumentError("dout does not have the shape of the result")
            return dout
        return impl
    return None


@numba.extending.overload(finalize)
def _finalize(g, x):
    if isinstance(x, numba.types.Float) and _real(g):
        if x.bitwidth == 32:
            return lambda g, x: np.float32(g)
        return lambda g, x: float(g)
    if _real_array(x):
        if _real(g):
            return lambda g, x: np.full(x.shape, g, x.dtype)
        if isinstance(g, numba.types.Array) and g.ndim == x.ndim:
            if g.dtype == x.dtype:
                return lambda g, x: g
            return lambda g, x: g.astype(x.dtype)
        if isinstance(g, numba.types.Array) and g.ndim < x.ndim:
            return lambda g, x: np.broadcast_to(g, x.shape).astype(x.dtype)
    return None


@numba.extending.overload(zeros_like)
def _zeros_like(x):
    if isinstance(x, numba.types.Float):
        zero = np.float32(0.0) if x.bitwidth == 32 else 0.0
        return lambda x: zero
    if isinstance(x, (numba.types.Integer, numba.types.Boolean)):
        return lambda x: 0.0
    if _real_array(x):
        return lambda x: np.zeros(x.shape, x.dtype)
    if isinstance(x, numba.types.Array):
        return lambda x: np.zeros(x.shape)
    return None


@numba.extending.overload(unreduce)
def _unreduce(g, x, axis=None, keepdims=False):
    if _real(g) and isinstance(x, numba.types.Array) and _is_none(axis):
        return lambda g, x, axis=None, keepdims=False: np.full(x.shape, g)
    if _real(g) and _real(x):
        return lambda g, x, axis=None, keepdims=False: g
    if isinstance(g, numba.types.Array) and isinstance(x, numba.types.Array) and isinstance(axis, numba.types.Integer) \
            and g.ndim == x.ndim - 1 and not _flag(keepdims):
        def impl(g, x, axis=None, keepdims=False):
            a = axis % x.ndim
            shape = x.shape[:a] + (1,) + x.shape[a + 1:]
            return np.broadcast_to(g.reshape(shape), x.shape)
        return impl
    if isinstance(g, numba.types.Array) and isinstance(x, numba.types.Array) and g.ndim == x.ndim:
        return lambda g, x, axis=None, keepdims=False: np.broadcast_to(g, x.shape)
    return None


@numba.extending.overload(unbroadcast)
def _unbroadcast(g, x):
    if _real(x) and _real(g):
        return lambda g, x: g
    if _real(x) and isinstance(g, numba.types.Array):
        return lambda g, x: np.sum(g)
    if isinstance(x, numba.types.Array) and isinstance(g, numba.types.Array) and g.ndim == x.ndim:
        if x.ndim == 1:
            def impl(g, x):
                if g.shape == x.shape:
                    return g
                return np.full(x.shape, np.sum(g))
            return impl
        if x.ndim == 2:
            def impl(g, x):
                if g.shape == x.shape:
                    return g
                if x.shape[0] == 1 and g.shape[0] != 1:
                    g = np.sum(g, axis=0).reshape((1, g.shape[1]))
                if x.shape[1] == 1 and g.shape[1] != 1:
                    g = np.sum(g, axis=1).reshape((g.shape[0], 1))
                return np.ascontiguousarray(g)
            return impl
    if isinstance(x, numba.types.Array) and isinstance(g, numba.types.Array) and x.ndim == 1 and g.ndim == 2:
        def impl(g, x):
            s = np.sum(g, axis=0)
            if x.shape[0] == 1 and s.shape[0] != 1:
                return np.full(x.shape, np.sum(s))
            return s
        return impl
    return None


@numba.extending.overload(detach)
def _detach(x):
    if _real(x):
        return lambda x: x
    if isinstance(x, numba.types.Array):
        return lambda x: x.copy()
    return None


@numba.extending.overload(broadcast_like)
def _broadcast_like(g, x):
    if _real(x):
        if _real(g):
            return lambda g, x: g
        if isinstance(g, numba.types.Array):
            return lambda g, x: np.sum(g)
        return None
    if not isinstance(x, numba.types.Array):
        return None
    if _real(g):
        return lambda g, x: np.full(x.shape, g)
    if isinstance(g, numba.types.Array) and g.ndim < x.ndim:
        return lambda g, x: np.broadcast_to(g, x.shape).copy()
    if isinstance(g, numba.types.Array):
        def impl(g, x):
            if g.shape == x.shape:
                return g.copy()
            return np.broadcast_to(unbroadcast(g, x), x.shape).copy()
        return impl
    return None


@numba.extending.overload(absorb_zeros)
def _absorb_zeros(a, r):
    if _real(a) and _real(r):
        def impl(a, r):
            if r != r and a == 0:
                return 0.0 * a
            return r
        return impl
    if isinstance(r, numba.types.Array):
        def impl(a, r):
            nan = np.isnan(r)
            if not nan.any():
                return r
            return np.where(nan & (a == 0), 0.0, r)
        return impl
    return None


@numba.extending.overload(power_base_grad)
def _power_base_grad(x1, x2):
    if _real(x2) and _real(x1):
        def impl(x1, x2):
            if x2 == 0:
                return 0.0
            return x2 * np.power(x1, x2 - 1.0)
        return impl
    if _real(x2) and _real_array(x1):
        def impl(x1, x2):
            if x2 == 0:
                return np.zeros(x1.shape)
            return x2 * np.power(x1, x2 - 1.0)
        return impl
    if isinstance(x2, numba.types.Array) and (_real(x1) or isinstance(x1, numba.types.Array)):
        return lambda x1, x2: np.where(x2 == 0, 0.0, x2 * np.power(x1, x2 - 1.0))
    return None


@numba.extending.overload(inverse)
def _inverse(x):
    if isinstance(x, numba.types.Float):
        def impl(x):
            if x == 0.0:
                return np.inf if np.signbit(x) == 0 else -np.inf
            return 1.0 / x
        return impl
    if _real_array(x):
        return lambda x: 1.0 / x
    return None


@numba.extending.overload(reduce_count)
def _reduce_count(a, axis=None, keepdims=False, where=True):
    if not (isinstance(a, numba.types.Array) and _flag(where) is True):
        return None
    if _is_none(axis):
        return lambda a, axis=None, keepdims=False, where=True: float(a.size)
    if isinstance(axis, numba.types.Integer):
        return lambda a, axis=None, keepdims=False, where=True: float(a.shape[axis % a.ndim])
    return None


def _matrix(t):
    return isinstance(t, numba.types.Array) and t.ndim == 2


@numba.extending.overload(matmul_grad1)
def _matmul_grad1(g, x1, x2):
    if _matrix(x1) and _matrix(x2) and _matrix(g):
        return lambda g, x1, x2: g @ x2.T
    if _matrix(x1) and isinstance(x2, numba.types.Array) and x2.ndim == 1 and isinstance(g, numba.types.Array) and g.ndim == 1:
        return lambda g, x1, x2: np.outer(g, x2)
    if isinstance(x1, numba.types.Array) and x1.ndim == 1 and _matrix(x2) and isinstance(g, numba.types.Array) and g.ndim == 1:
        return lambda g, x1, x2: x2 @ g
    return None


@numba.extending.overload(matmul_grad2)
def _matmul_grad2(g, x1, x2):
    if _matrix(x1) and _matrix(x2) and _matrix(g):
        return lambda g, x1, x2: x1.T @ g
    if _matrix(x1) and isinstance(x2, numba.types.Array) and x2.ndim == 1 and isinstance(g, numba.types.Array) and g.ndim == 1:
        return lambda g, x1, x2: g @ x1
    if isinstance(x1, numba.types.Array) and x1.ndim == 1 and _matrix(x2) and isinstance(g, numba.types.Array) and g.ndim == 1:
        return lambda g, x1, x2: np.outer(x1, g)
    return None


def backwards(seq):
    """``reversed(seq)`` for compiled code: Numba has no ``reversed`` (compiled code binds that name to this)."""
    return builtins.reversed(seq)


@numba.extending.overload(backwards)
def _backwards(seq):
    if isinstance(seq, numba.types.RangeType):
        def impl(seq):
            n = len(seq)
            for i in range(n - 1, -1, -1):
                yield seq.start + i * seq.step
        return impl

    def impl(seq):
        for i in range(len(seq) - 1, -1, -1):
            yield seq[i]
    return impl


# NumPy reductions with an axis and keepdims, which Numba's own np.max, np.min, np.sum and np.mean lack
# (each of these returns None, leaving the call to Numba, for the forms Numba has).
def _axis_form(a, axis, keepdims):
    """Whether ``np.<reduction>(a, axis=<int>, keepdims=<literal or omitted>)`` is a form handled here."""
    return (isinstance(a, numba.types.Array) and 1 <= a.ndim <= 2 and isinstance(axis, numba.types.Integer)
            and _flag(keepdims) is not None)


def _extremum_overload(pick, combine):
    def typer(a, axis=None, keepdims=False):
        if not _axis_form(a, axis, keepdims):
            return None
        if a.ndim == 1:
            if _flag(keepdims):
                return lambda a, axis=None, keepdims=False: np.full((1,), pick(a))
            return lambda a, axis=None, keepdims=False: pick(a)

        def reduced(a, axis):
            if axis % 2 == 0:
                r = a[0].copy()
                for i in range(1, a.shape[0]):
                    r = combine(r, a[i])  # NaN propagates, as in NumPy
                return r
            r = np.empty(a.shape[0], a.dtype)
            for i in range(a.shape[0]):
                r[i] = pick(a[i])
            return r
        reduced = numba.njit(reduced)
        if _flag(keepdims):
            return lambda a, axis=None, keepdims=False: _kept_2d(reduced(a, axis), axis)
        return lambda a, axis=None, keepdims=False: reduced(a, axis)
    return typer


@numba.njit
def _kept_2d(r, axis):
    return r.reshape((1, r.shape[0])) if axis % 2 == 0 else r.reshape((r.shape[0], 1))


numba.extending.overload(np.max)(_extremum_overload(np.max, np.maximum))
numba.extending.overload(np.min)(_extremum_overload(np.min, np.minimum))


def _kept_overload(reduce):
    def typer(a, axis=None, keepdims=False):
        if not (_axis_form(a, axis, keepdims) and _flag(keepdims) is True):
            return None  # keepdims left out: Numba's own reduction
        if a.ndim == 1:
            return lambda a, axis=None, keepdims=False: np.full((1,), reduce(a))
        return lambda a, axis=None, keepdims=False: _kept_2d(reduce(a, axis), axis)
    return typer


numba.extending.overload(np.sum)(_kept_overload(np.sum))
numba.extending.overload(np.mean)(_kept_overload(np.mean))


@numba.extending.overload(extremum_reduce_grad)
def _extremum_reduce_grad(g, a, ans, axis=None, keepdims=False):
    if not (isinstance(a, numba.types.Array) and a.ndim == 2 and isinstance(axis, numba.types.Integer)
            and _flag(keepdims) is not None and isinstance(g, numba.types.Array)):
        return None
    keep = _flag(keepdims)

    def impl(g, a, ans, axis=None, keepdims=False):
        g2 = g if keep else _kept_2d(g, axis)
        m2 = ans if keep else _kept_2d(ans, axis)
        out = np.zeros(a.shape)
        by_row = axis % 2 == 1
        for k in range(a.shape[0] if by_row else a.shape[1]):
            count = 0.0
            for j in range(a.shape[1] if by_row else a.shape[0]):
                v = a[k, j] if by_row else a[j, k]
                if v == (m2[k, 0] if by_row else m2[0, k]):
                    count += 1.0
            for j in range(a.shape[1] if by_row else a.shape[0]):
                if by_row and a[k, j] == m2[k, 0]:
                    out[k, j] = g2[k, 0] / count
                elif not by_row and a[j, k] == m2[0, k]:
                    out[j, k] = g2[0, k] / count
        return out
    return impl


@numba.extending.overload(select_grad)
def _select_grad(g, x, other, ans):
    if _real(g) and _real(x) and _real(other) and _real(ans):
        def impl(g, x, other, ans):
            if x == ans:
                return 0.5 * g if other == ans else g * 1.0
            return g * 0.0
        return impl
    if isinstance(ans, numba.types.Array) and isinstance(x, (numba.types.Array, numba.types.Number)) \
            and isinstance(other, (numba.types.Array, numba.types.Number)) \
            and isinstance(g, (numba.types.Array, numba.types.Number)):
        def impl(g, x, other, ans):
            mine = x == ans
            tie = mine & (other == ans)
            if tie.any():
                return np.where(tie, 0.5 * g, g * 1.0) * mine
            return g * mine
        return impl
    return None


@numba.extending.overload(extremum_grad)
def _extremum_grad(g, x, other, ans):
    if not _is_none(other):
        return lambda g, x, other, ans: select_grad(g, x, other, ans)
    if isinstance(x, numba.types.Array) and _real(ans) and _real(g):
        def impl(g, x, other, ans):
            mask = x == ans
            return np.where(mask, g / max(np.sum(mask), 1), 0.0)
        return impl
    return None


@numba.extending.overload(log_positive)
def _log_positive(x):
    if _real(x):
        return lambda x: np.log(x) if x > 0 else 0.0
    if isinstance(x, numba.types.Array):
        return lambda x: np.where(x > 0, np.log(np.where(x > 0, x, 1.0)), 0.0)
    return None


@numba.extending.overload(conj_sign)
def _conj_sign(x):
    if _real(x) or _real_array(x):
        return lambda x: np.sign(x)
    return None


@numba.extending.overload(unshared)
def _unshared(value, others, method, where="", text=""):
    if _real(value):  # numbers: op= makes a new object
        return lambda value, others, method, where="", text="": value
    return None


def _basic_index(t):
    items = t.types if isinstance(t, numba.types.BaseTuple) else (t,)
    return all(isinstance(i, (numba.types.Integer, numba.types.SliceType)) for i in items)


@numba.extending.overload(add_at)
def _add_at(x_bar, x, idx, v):
    if not (_real_array(x) and _basic_index(idx) and (_real(v) or _real_array(v))):
        return None
    if _real(x_bar):  # still the zero: an adjoint shaped like x first
        def impl(x_bar, x, idx, v):
            out = np.zeros(x.shape, x.dtype)
            out[idx] += v
            return out
        return impl
    if _real_array(x_bar):
        def impl(x_bar, x, idx, v):
            x_bar[idx] += v
            return x_bar
        return impl
    return None


@numba.extending.overload(copy)
def _copy(x):
    if _real(x):
        return lambda x: x
    if isinstance(x, numba.types.Array):
        return lambda x: x.copy()
    return None


@numba.extending.overload(add)
def _add(a, b):
    if (_real(a) or _real_array(a)) and (_real(b) or _real_array(b)):
        return lambda a, b: a + b
    return None

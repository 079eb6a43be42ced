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
from ``# -- overloads --`` on (the overloads of the helpers they inline), after
that of ``numba_types.py`` and before that of ``numba_reductions.py``.
Numbers are those of the NumPy helpers on the cases handled here.
"""
import builtins

import numba
import numba.extending
import numpy as np

from s2s.backend import numba_reductions  # noqa: F401 (registers the reductions)
from s2s.backend.numba_types import (is_basic_index_type, is_float_array_type, is_matrix_type, is_none_type,
                                     is_real_type, literal_flag)
from s2s.runtime import (ArgumentError, absorb_zeros, add, add_at, broadcast_like, conj_sign, copy, cotangent,
                         detach, extremum_grad, finalize, inverse, log_positive, matmul_grad1, matmul_grad2,
                         power_base_grad, reduce_count, seed, select_grad, unbroadcast, unreduce, unshared, zeros_like)

# the helpers given nopython versions here (extremum_reduce_grad's is in numba_reductions.py)
HELPERS = ("absorb_zeros", "add", "add_at", "broadcast_like", "conj_sign", "copy", "cotangent", "detach",
           "extremum_grad", "finalize", "inverse", "log_positive", "matmul_grad1", "matmul_grad2", "power_base_grad",
           "reduce_count", "seed", "select_grad", "unbroadcast", "unreduce", "unshared", "zeros_like")


# -- overloads --
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
    if is_real_type(value) and is_real_type(dout):
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
    if isinstance(x, numba.types.Float) and is_real_type(g):
        if x.bitwidth == 32:
            return lambda g, x: np.float32(g)
        return lambda g, x: float(g)
    if is_float_array_type(x):
        if is_real_type(g):
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
    if is_float_array_type(x):
        return lambda x: np.zeros(x.shape, x.dtype)
    if isinstance(x, numba.types.Array):
        return lambda x: np.zeros(x.shape)
    return None


@numba.extending.overload(unreduce)
def _unreduce(g, x, axis=None, keepdims=False):
    if is_real_type(g) and isinstance(x, numba.types.Array) and is_none_type(axis):
        return lambda g, x, axis=None, keepdims=False: np.full(x.shape, g)
    if is_real_type(g) and is_real_type(x):
        return lambda g, x, axis=None, keepdims=False: g
    if isinstance(g, numba.types.Array) and isinstance(x, numba.types.Array) and isinstance(axis, numba.types.Integer) \
            and g.ndim == x.ndim - 1 and not literal_flag(keepdims):
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
    if is_real_type(x) and is_real_type(g):
        return lambda g, x: g
    if is_real_type(x) and isinstance(g, numba.types.Array):
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
    if is_real_type(x):
        return lambda x: x
    if isinstance(x, numba.types.Array):
        return lambda x: x.copy()
    return None


@numba.extending.overload(broadcast_like)
def _broadcast_like(g, x):
    if is_real_type(x):
        if is_real_type(g):
            return lambda g, x: g
        if isinstance(g, numba.types.Array):
            return lambda g, x: np.sum(g)
        return None
    if not isinstance(x, numba.types.Array):
        return None
    if is_real_type(g):
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
    if is_real_type(a) and is_real_type(r):
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
    if is_real_type(x2) and is_real_type(x1):
        def impl(x1, x2):
            if x2 == 0:
                return 0.0
            return x2 * np.power(x1, x2 - 1.0)
        return impl
    if is_real_type(x2) and is_float_array_type(x1):
        def impl(x1, x2):
            if x2 == 0:
                return np.zeros(x1.shape)
            return x2 * np.power(x1, x2 - 1.0)
        return impl
    if isinstance(x2, numba.types.Array) and (is_real_type(x1) or isinstance(x1, numba.types.Array)):
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
    if is_float_array_type(x):
        return lambda x: 1.0 / x
    return None


@numba.extending.overload(reduce_count)
def _reduce_count(a, axis=None, keepdims=False, where=True):
    if not (isinstance(a, numba.types.Array) and literal_flag(where) is True):
        return None
    if is_none_type(axis):
        return lambda a, axis=None, keepdims=False, where=True: float(a.size)
    if isinstance(axis, numba.types.Integer):
        return lambda a, axis=None, keepdims=False, where=True: float(a.shape[axis % a.ndim])
    return None


@numba.extending.overload(matmul_grad1)
def _matmul_grad1(g, x1, x2):
    if is_matrix_type(x1) and is_matrix_type(x2) and is_matrix_type(g):
        return lambda g, x1, x2: g @ x2.T
    if is_matrix_type(x1) and isinstance(x2, numba.types.Array) and x2.ndim == 1 and isinstance(g, numba.types.Array) and g.ndim == 1:
        return lambda g, x1, x2: np.outer(g, x2)
    if isinstance(x1, numba.types.Array) and x1.ndim == 1 and is_matrix_type(x2) and isinstance(g, numba.types.Array) and g.ndim == 1:
        return lambda g, x1, x2: x2 @ g
    return None


@numba.extending.overload(matmul_grad2)
def _matmul_grad2(g, x1, x2):
    if is_matrix_type(x1) and is_matrix_type(x2) and is_matrix_type(g):
        return lambda g, x1, x2: x1.T @ g
    if is_matrix_type(x1) and isinstance(x2, numba.types.Array) and x2.ndim == 1 and isinstance(g, numba.types.Array) and g.ndim == 1:
        return lambda g, x1, x2: g @ x1
    if isinstance(x1, numba.types.Array) and x1.ndim == 1 and is_matrix_type(x2) and isinstance(g, numba.types.Array) and g.ndim == 1:
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


@numba.extending.overload(select_grad)
def _select_grad(g, x, other, ans):
    if is_real_type(g) and is_real_type(x) and is_real_type(other) and is_real_type(ans):
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
    if not is_none_type(other):
        return lambda g, x, other, ans: select_grad(g, x, other, ans)
    if isinstance(x, numba.types.Array) and is_real_type(ans) and is_real_type(g):
        def impl(g, x, other, ans):
            mask = x == ans
            return np.where(mask, g / max(np.sum(mask), 1), 0.0)
        return impl
    return None


@numba.extending.overload(log_positive)
def _log_positive(x):
    if is_real_type(x):
        return lambda x: np.log(x) if x > 0 else 0.0
    if isinstance(x, numba.types.Array):
        return lambda x: np.where(x > 0, np.log(np.where(x > 0, x, 1.0)), 0.0)
    return None


@numba.extending.overload(conj_sign)
def _conj_sign(x):
    if is_real_type(x) or is_float_array_type(x):
        return lambda x: np.sign(x)
    return None


@numba.extending.overload(unshared)
def _unshared(value, others, method, where="", text=""):
    if is_real_type(value):  # numbers: op= makes a new object
        return lambda value, others, method, where="", text="": value
    return None


@numba.extending.overload(add_at)
def _add_at(x_bar, x, idx, v):
    if not (is_float_array_type(x) and is_basic_index_type(idx) and (is_real_type(v) or is_float_array_type(v))):
        return None
    if is_real_type(x_bar):  # still the zero: an adjoint shaped like x first
        def impl(x_bar, x, idx, v):
            out = np.zeros(x.shape, x.dtype)
            out[idx] += v
            return out
        return impl
    if is_float_array_type(x_bar):
        def impl(x_bar, x, idx, v):
            x_bar[idx] += v
            return x_bar
        return impl
    return None


@numba.extending.overload(copy)
def _copy(x):
    if is_real_type(x):
        return lambda x: x
    if isinstance(x, numba.types.Array):
        return lambda x: x.copy()
    return None


@numba.extending.overload(add)
def _add(a, b):
    if (is_real_type(a) or is_float_array_type(a)) and (is_real_type(b) or is_float_array_type(b)):
        return lambda a, b: a + b
    return None

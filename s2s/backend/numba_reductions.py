"""Nopython NumPy reductions with an axis and keepdims, which Numba's own ``np.max``,
``np.min``, ``np.sum`` and ``np.mean`` lack, and the adjoint helper of max/min reductions.

Importing this module registers them (``numba.extending.overload``); each returns None,
leaving the call to Numba, for the forms Numba has, so they extend Numba for any code in
the process, with NumPy's results. 1-D and 2-D arrays with an int axis are handled here.
Standalone files copy the text from ``# -- overloads --`` on.
"""
import numba
import numba.extending
import numpy as np

from s2s.backend.numba_types import literal_flag
from s2s.runtime import extremum_reduce_grad

# -- overloads --
def _axis_form(a, axis, keepdims):
    """Whether ``np.<reduction>(a, axis=<int>, keepdims=<literal or omitted>)`` is a form handled here."""
    return (isinstance(a, numba.types.Array) and 1 <= a.ndim <= 2 and isinstance(axis, numba.types.Integer)
            and literal_flag(keepdims) is not None)


def _extremum_overload(pick, combine):
    def typer(a, axis=None, keepdims=False):
        if not _axis_form(a, axis, keepdims):
            return None
        if a.ndim == 1:
            if literal_flag(keepdims):
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
        if literal_flag(keepdims):
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
        if not (_axis_form(a, axis, keepdims) and literal_flag(keepdims) is True):
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
            and literal_flag(keepdims) is not None and isinstance(g, numba.types.Array)):
        return None
    keep = literal_flag(keepdims)

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

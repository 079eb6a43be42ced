"""Reductions and scans along axes.

``unreduce`` broadcasts the adjoint of a reduced result back to the reduced
array's shape (reinserting the axes that ``keepdims=False`` dropped). The
parameters follow NumPy's order; ``out`` and ``where`` are not supported, so
a call passing them is reported by the engine.
"""
import numpy as np

from s2s.rules import adjoint, linear, tangent
from s2s.runtime import (cumprod_grad, cumprod_jvp, cumsum_grad, diff_grad, extremum_reduce_grad,
                         extremum_reduce_jvp, prod_grad, safe_divide, unreduce)


@linear(np.sum)
def sum_(a, axis=None, dtype=None, keepdims=False, initial=0, *, ans, ans_bar):
    return unreduce(ans_bar, a, axis, keepdims)


# Not derived from the adjoint: np.sum(a_dot, initial=initial) would add ``initial``.
@tangent(np.sum)
def sum_tangent(a, axis=None, dtype=None, keepdims=False, initial=0, *, ans, a_dot):
    return np.sum(a_dot, axis=axis, dtype=dtype, keepdims=keepdims)


@linear(np.mean)
def mean(a, axis=None, dtype=None, keepdims=False, *, ans, ans_bar):
    return unreduce(ans_bar * (np.size(ans) / np.size(a)), a, axis, keepdims)


# Ties share the adjoint evenly; a winning ``initial`` gets none of it.
@adjoint(np.max, np.amax, np.min, np.amin)
def max_(a, axis=None, keepdims=False, initial=None, *, ans, ans_bar):
    return extremum_reduce_grad(ans_bar, a, ans, axis, keepdims)


@tangent(np.max, np.amax, np.min, np.amin)
def max_tangent(a, axis=None, keepdims=False, initial=None, *, ans, a_dot):
    return extremum_reduce_jvp(a_dot, a, ans, axis, keepdims)


# The product of the other factors, computed without dividing by a.
@adjoint(np.prod)
def prod(a, axis=None, dtype=None, keepdims=False, initial=1, *, ans, ans_bar):
    return prod_grad(ans_bar, a, axis, keepdims, initial)


@tangent(np.prod)
def prod_tangent(a, axis=None, dtype=None, keepdims=False, initial=1, *, ans, a_dot):
    return np.sum(a_dot * prod_grad(np.ones_like(ans), a, axis, keepdims, initial), axis=axis, keepdims=keepdims)


@adjoint(np.var)
def var(a, axis=None, dtype=None, ddof=0, keepdims=False, *, ans, ans_bar):
    n = np.size(a) / np.size(ans)
    centered = a - np.mean(a, axis=axis, keepdims=True)
    return unreduce(ans_bar, a, axis, keepdims) * centered * (2 / (n - ddof))


@tangent(np.var)
def var_tangent(a, axis=None, dtype=None, ddof=0, keepdims=False, *, ans, a_dot):
    n = np.size(a) / np.size(ans)
    centered = a - np.mean(a, axis=axis, keepdims=True)
    return np.sum(a_dot * centered, axis=axis, keepdims=keepdims) * (2 / (n - ddof))


# 0 (not NaN) where the standard deviation is 0.
@adjoint(np.std)
def std(a, axis=None, dtype=None, ddof=0, keepdims=False, *, ans, ans_bar):
    n = np.size(a) / np.size(ans)
    centered = a - np.mean(a, axis=axis, keepdims=True)
    return unreduce(safe_divide(ans_bar, ans), a, axis, keepdims) * centered / (n - ddof)


@tangent(np.std)
def std_tangent(a, axis=None, dtype=None, ddof=0, keepdims=False, *, ans, a_dot):
    n = np.size(a) / np.size(ans)
    centered = a - np.mean(a, axis=axis, keepdims=True)
    return safe_divide(np.sum(a_dot * centered, axis=axis, keepdims=keepdims), ans) / (n - ddof)


@linear(np.cumsum)
def cumsum(a, axis=None, dtype=None, *, ans, ans_bar):
    return cumsum_grad(ans_bar, a, axis)


@adjoint(np.cumprod)
def cumprod(a, axis=None, dtype=None, *, ans, ans_bar):
    return cumprod_grad(ans_bar, a, ans, axis)


@tangent(np.cumprod)
def cumprod_tangent(a, axis=None, dtype=None, *, ans, a_dot):
    return cumprod_jvp(a_dot, a, ans, axis)


@linear(np.diff)
def diff(a, n=1, axis=-1, *, ans, ans_bar):
    return diff_grad(ans_bar, n, axis)

"""Reductions and scans along axes.

``unreduce`` broadcasts the adjoint of a reduced result back to the reduced
array's shape (reinserting the axes that ``keepdims=False`` dropped). The
parameters follow NumPy's order; ``out`` is not supported (nor ``where`` for
max, min and prod), so a call passing it is reported by the engine.
``masked(c, where)`` zeros the adjoint of the elements that ``where=``
leaves out (the engine drops it when ``where`` is left at ``True``); the
``nan*`` reductions give no adjoint to NaN elements.
"""
import numpy as np

from s2s.rules import adjoint, linear, tangent
from s2s.runtime import (conj_of, average_grad, average_jvp, cumprod_grad, cumprod_jvp, cumsum_grad, diff_grads,
                         extremum_reduce_grad, extremum_reduce_jvp, filled, masked, nan_count, prod_grad, quantile_grad,
                         quantile_jvp, reduce_count, safe_divide, unreduce)

# NumPy 2.1+: cumulative_sum and cumulative_prod are cumsum and cumprod with
# keyword-only options (include_initial is not supported).
CUMULATIVE_SUM = (np.cumulative_sum,) if hasattr(np, "cumulative_sum") else ()
CUMULATIVE_PROD = (np.cumulative_prod,) if hasattr(np, "cumulative_prod") else ()


@linear(np.sum)
def sum_(a, axis=None, dtype=None, keepdims=False, initial=0, where=True, *, ans, ans_bar):
    return masked(unreduce(ans_bar, a, axis, keepdims), where)


# Not derived from the adjoint: np.sum(a_dot, initial=initial) would add ``initial``.
@tangent(np.sum)
def sum_tangent(a, axis=None, dtype=None, keepdims=False, initial=0, where=True, *, ans, a_dot):
    return np.sum(a_dot, axis=axis, dtype=dtype, keepdims=keepdims, where=where)


@linear(np.mean)
def mean(a, axis=None, dtype=None, keepdims=False, where=True, *, ans, ans_bar):
    return masked(unreduce(ans_bar / reduce_count(a, axis, keepdims, where), a, axis, keepdims), where)


# Ties share the adjoint evenly; a winning ``initial`` gets none of it, nor
# do the elements where= leaves out (filled with NaN, which equals nothing).
@adjoint(np.max, np.amax, np.min, np.amin)
def max_(a, axis=None, keepdims=False, initial=None, where=True, *, ans, ans_bar):
    return masked(extremum_reduce_grad(ans_bar, filled(a, where, np.nan), ans, axis, keepdims), where)


@tangent(np.max, np.amax, np.min, np.amin)
def max_tangent(a, axis=None, keepdims=False, initial=None, where=True, *, ans, a_dot):
    return extremum_reduce_jvp(a_dot, filled(a, where, np.nan), ans, axis, keepdims)


# The product of the other factors, computed without dividing by a (the
# elements where= leaves out count as 1).
@adjoint(np.prod)
def prod(a, axis=None, dtype=None, keepdims=False, initial=1, where=True, *, ans, ans_bar):
    return masked(prod_grad(ans_bar, filled(a, where, 1), axis, keepdims, initial), where)


@tangent(np.prod)
def prod_tangent(a, axis=None, dtype=None, keepdims=False, initial=1, where=True, *, ans, a_dot):
    others = prod_grad(np.ones_like(ans), filled(a, where, 1), axis, keepdims, initial)
    return np.sum(masked(a_dot, where) * others, axis=axis, keepdims=keepdims)


@adjoint(np.var)
def var(a, axis=None, dtype=None, ddof=0, keepdims=False, where=True, *, ans, ans_bar):
    n = reduce_count(a, axis, keepdims, where)
    centered = conj_of(a - np.mean(a, axis=axis, keepdims=True, where=where))
    return masked(unreduce(np.real(ans_bar) * (2 / (n - ddof)), a, axis, keepdims) * centered, where)


@tangent(np.var)
def var_tangent(a, axis=None, dtype=None, ddof=0, keepdims=False, where=True, *, ans, a_dot):
    n = reduce_count(a, axis, keepdims, where)
    centered = conj_of(a - np.mean(a, axis=axis, keepdims=True, where=where))
    return np.real(np.sum(masked(a_dot, where) * centered, axis=axis, keepdims=keepdims)) * (2 / (n - ddof))


# 0 (not NaN) where the standard deviation is 0.
@adjoint(np.std)
def std(a, axis=None, dtype=None, ddof=0, keepdims=False, where=True, *, ans, ans_bar):
    n = reduce_count(a, axis, keepdims, where)
    centered = conj_of(a - np.mean(a, axis=axis, keepdims=True, where=where))
    return masked(unreduce(safe_divide(np.real(ans_bar), ans) / (n - ddof), a, axis, keepdims) * centered, where)


@tangent(np.std)
def std_tangent(a, axis=None, dtype=None, ddof=0, keepdims=False, where=True, *, ans, a_dot):
    n = reduce_count(a, axis, keepdims, where)
    centered = conj_of(a - np.mean(a, axis=axis, keepdims=True, where=where))
    return safe_divide(np.real(np.sum(masked(a_dot, where) * centered, axis=axis, keepdims=keepdims)), ans) / (n - ddof)


@linear(np.cumsum, *CUMULATIVE_SUM)
def cumsum(a, axis=None, dtype=None, *, ans, ans_bar):
    return cumsum_grad(ans_bar, a, axis)


@adjoint(np.cumprod, *CUMULATIVE_PROD)
def cumprod(a, axis=None, dtype=None, *, ans, ans_bar):
    return cumprod_grad(ans_bar, a, ans, axis)


@tangent(np.cumprod, *CUMULATIVE_PROD)
def cumprod_tangent(a, axis=None, dtype=None, *, ans, a_dot):
    return cumprod_jvp(a_dot, a, ans, axis)


@linear(np.diff, wrt=("a", "prepend", "append"))
def diff(a, n=1, axis=-1, prepend=None, append=None, *, ans, ans_bar):
    grads = diff_grads(ans_bar, a, n, axis, prepend, append)
    return grads[0], grads[1], grads[2]


# ----------------------------------------------------------- issue 6: more reductions
# max - min: each end's adjoint as in max and min (ties split).
@adjoint(np.ptp)
def ptp(a, axis=None, keepdims=False, *, ans, ans_bar):
    hi = np.max(a, axis=axis, keepdims=keepdims)
    lo = np.min(a, axis=axis, keepdims=keepdims)
    return extremum_reduce_grad(ans_bar, a, hi, axis, keepdims) - extremum_reduce_grad(ans_bar, a, lo, axis, keepdims)


@tangent(np.ptp)
def ptp_tangent(a, axis=None, keepdims=False, *, ans, a_dot):
    hi = np.max(a, axis=axis, keepdims=keepdims)
    lo = np.min(a, axis=axis, keepdims=keepdims)
    return extremum_reduce_jvp(a_dot, a, hi, axis, keepdims) - extremum_reduce_jvp(a_dot, a, lo, axis, keepdims)


# sum(a * w) / sum(w) along axis; weights of a's shape or 1-D along one axis.
@adjoint(np.average, wrt=("a", "weights"))
def average(a, axis=None, weights=None, keepdims=False, *, ans, ans_bar):
    grads = average_grad(ans_bar, a, ans, axis, weights, keepdims)
    return grads[0], grads[1]


@tangent(np.average, wrt=("a", "weights"))
def average_tangent(a, axis=None, weights=None, keepdims=False, *, ans, a_dot, weights_dot):
    return average_jvp(a_dot, weights_dot, a, ans, axis, weights, keepdims)


# NaN elements are left out: they get no adjoint and their tangents are ignored.
@linear(np.nansum)
def nansum(a, axis=None, dtype=None, keepdims=False, initial=0, where=True, *, ans, ans_bar):
    return masked(np.where(np.isnan(a), 0, unreduce(ans_bar, a, axis, keepdims)), where)


@tangent(np.nansum)
def nansum_tangent(a, axis=None, dtype=None, keepdims=False, initial=0, where=True, *, ans, a_dot):
    return np.sum(masked(np.where(np.isnan(a), 0, a_dot), where), axis=axis, dtype=dtype, keepdims=keepdims)


@linear(np.nanmean)
def nanmean(a, axis=None, dtype=None, keepdims=False, where=True, *, ans, ans_bar):
    n = nan_count(a, axis, keepdims, where)
    return masked(np.where(np.isnan(a), 0, unreduce(ans_bar / n, a, axis, keepdims)), where)


@tangent(np.nanmean)
def nanmean_tangent(a, axis=None, dtype=None, keepdims=False, where=True, *, ans, a_dot):
    n = nan_count(a, axis, keepdims, where)
    return np.sum(masked(np.where(np.isnan(a), 0, a_dot), where), axis=axis, keepdims=keepdims) / n


# NaN never equals the extremum, so it gets none of the adjoint.
@adjoint(np.nanmax, np.nanmin)
def nanmax(a, axis=None, keepdims=False, initial=None, *, ans, ans_bar):
    return extremum_reduce_grad(ans_bar, a, ans, axis, keepdims)


@tangent(np.nanmax, np.nanmin)
def nanmax_tangent(a, axis=None, keepdims=False, initial=None, *, ans, a_dot):
    return extremum_reduce_jvp(a_dot, a, ans, axis, keepdims)


@adjoint(np.nanprod)
def nanprod(a, axis=None, dtype=None, keepdims=False, initial=1, *, ans, ans_bar):
    return np.where(np.isnan(a), 0, prod_grad(ans_bar, np.where(np.isnan(a), 1, a), axis, keepdims, initial))


@tangent(np.nanprod)
def nanprod_tangent(a, axis=None, dtype=None, keepdims=False, initial=1, *, ans, a_dot):
    others = prod_grad(np.ones_like(ans), np.where(np.isnan(a), 1, a), axis, keepdims, initial)
    return np.sum(np.where(np.isnan(a), 0, a_dot) * others, axis=axis, keepdims=keepdims)


# complex values as for var and std: the conjugate of the centered values, the real part of ans_bar.
@adjoint(np.nanvar)
def nanvar(a, axis=None, dtype=None, ddof=0, keepdims=False, where=True, *, ans, ans_bar):
    n = nan_count(a, axis, keepdims, where)
    centered = conj_of(np.where(np.isnan(a), 0, a - np.nanmean(a, axis=axis, keepdims=True, where=where)))
    return masked(unreduce(np.real(ans_bar) * (2 / (n - ddof)), a, axis, keepdims) * centered, where)


@tangent(np.nanvar)
def nanvar_tangent(a, axis=None, dtype=None, ddof=0, keepdims=False, where=True, *, ans, a_dot):
    n = nan_count(a, axis, keepdims, where)
    centered = conj_of(np.where(np.isnan(a), 0, a - np.nanmean(a, axis=axis, keepdims=True, where=where)))
    return np.real(np.sum(masked(a_dot, where) * centered, axis=axis, keepdims=keepdims)) * (2 / (n - ddof))


@adjoint(np.nanstd)
def nanstd(a, axis=None, dtype=None, ddof=0, keepdims=False, where=True, *, ans, ans_bar):
    n = nan_count(a, axis, keepdims, where)
    centered = conj_of(np.where(np.isnan(a), 0, a - np.nanmean(a, axis=axis, keepdims=True, where=where)))
    return masked(unreduce(safe_divide(np.real(ans_bar), ans) / (n - ddof), a, axis, keepdims) * centered, where)


@tangent(np.nanstd)
def nanstd_tangent(a, axis=None, dtype=None, ddof=0, keepdims=False, where=True, *, ans, a_dot):
    n = nan_count(a, axis, keepdims, where)
    centered = conj_of(np.where(np.isnan(a), 0, a - np.nanmean(a, axis=axis, keepdims=True, where=where)))
    return safe_divide(np.real(np.sum(masked(a_dot, where) * centered, axis=axis, keepdims=keepdims)), ans) / (n - ddof)


@linear(np.nancumsum)
def nancumsum(a, axis=None, dtype=None, *, ans, ans_bar):
    return np.where(np.isnan(a), 0, cumsum_grad(ans_bar, a, axis))


@tangent(np.nancumsum)
def nancumsum_tangent(a, axis=None, dtype=None, *, ans, a_dot):
    return np.cumsum(np.where(np.isnan(a), 0, a_dot), axis=axis)


# Order statistics (method "linear" only): each result's adjoint goes to the
# one or two sorted values it interpolates; ties take the sort's order. q
# (the probabilities) is not differentiated.
@adjoint(np.quantile, wrt="a")
def quantile(a, q, axis=None, keepdims=False, *, ans, ans_bar):
    return quantile_grad(ans_bar, a, q, axis, keepdims)


@tangent(np.quantile, wrt="a")
def quantile_tangent(a, q, axis=None, keepdims=False, *, ans, a_dot):
    return quantile_jvp(a_dot, a, q, axis, keepdims)


@adjoint(np.percentile, wrt="a")
def percentile(a, q, axis=None, keepdims=False, *, ans, ans_bar):
    return quantile_grad(ans_bar, a, np.divide(q, 100), axis, keepdims)


@tangent(np.percentile, wrt="a")
def percentile_tangent(a, q, axis=None, keepdims=False, *, ans, a_dot):
    return quantile_jvp(a_dot, a, np.divide(q, 100), axis, keepdims)


@adjoint(np.median)
def median(a, axis=None, keepdims=False, *, ans, ans_bar):
    return quantile_grad(ans_bar, a, 0.5, axis, keepdims)


@tangent(np.median)
def median_tangent(a, axis=None, keepdims=False, *, ans, a_dot):
    return quantile_jvp(a_dot, a, 0.5, axis, keepdims)


@adjoint(np.nancumprod)
def nancumprod(a, axis=None, dtype=None, *, ans, ans_bar):
    return np.where(np.isnan(a), 0, cumprod_grad(ans_bar, filled(a, ~np.isnan(a), 1), ans, axis))


@tangent(np.nancumprod)
def nancumprod_tangent(a, axis=None, dtype=None, *, ans, a_dot):
    return cumprod_jvp(np.where(np.isnan(a), 0, a_dot), filled(a, ~np.isnan(a), 1), ans, axis)

"""Helpers of NumPy's numerical routines: interp, convolve, ediff1d, polyval, trapezoid and gradient."""
import numpy as np

from s2s.runtime.core import is_zero, float_dtype, unbroadcast
from s2s.runtime.reductions import diff_grad


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
    if is_zero(t) or x is None:
        return 0.0
    y = np.asarray(y)
    axis = int(axis) % y.ndim
    ym = np.moveaxis(y, axis, -1)
    tm = np.asarray(t) if np.ndim(t) == 1 else np.moveaxis(np.asarray(t), axis, -1)
    return np.sum(0.5 * (ym[..., 1:] + ym[..., :-1]) * np.diff(tm, axis=-1), axis=-1)


def polyval_slope(p, x):
    """d np.polyval(p, x) / dx, in the float dtype of ``p`` and ``x``."""
    r = np.polyval(np.polyder(p), x)
    return r.astype(np.result_type(float_dtype(p), float_dtype(x)), copy=False) if isinstance(r, np.ndarray) else r


def _gradient_axes(f, axis):
    if axis is None:
        return list(range(np.ndim(f)))
    return [a % np.ndim(f) for a in ((axis,) if isinstance(axis, (int, np.integer)) else axis)]


def gradient_grad(g, f, spacing=1.0, axis=None, edge_order=1):
    """Adjoint of ``f`` in ``np.gradient(f, spacing, axis=axis, edge_order=edge_order)``: along each axis
    the transpose of the difference matrix, which is np.gradient of the identity (one spacing, a number
    or the coordinates, for every axis; ``g`` holds one piece per axis when there are several)."""
    f = np.asarray(f)
    axes = _gradient_axes(f, axis)
    pieces = [g] if len(axes) == 1 else list(g)
    out = np.zeros(f.shape, dtype=float_dtype(f))
    for a, piece in zip(axes, pieces):
        if is_zero(piece):
            continue
        d = np.gradient(np.eye(f.shape[a]), spacing, axis=0, edge_order=edge_order)
        moved = np.moveaxis(np.broadcast_to(piece, f.shape), a, 0)
        out = out + np.moveaxis(np.tensordot(d, moved, axes=([0], [0])), 0, a).astype(out.dtype, copy=False)
    return out

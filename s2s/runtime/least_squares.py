"""Adjoints and tangents of ``np.linalg.lstsq`` (real and complex ``a`` of full rank).

``x = pinv(a) b``; the residuals and the singular values go through the helpers of
s2s/runtime/decompositions.py and s2s/runtime/hermitian.py. ``g`` is the tuple of adjoints of
``(x, residuals, rank, s)``, whose entries may be the scalar zero.
"""
import numpy as np

from s2s.runtime.core import is_zero, float_dtype
from s2s.runtime.linalg import swap_last_axes
from s2s.runtime.hermitian import lstsq_residual_jvp, pinv_complex_grad, residual_weights
from s2s.runtime.decompositions import pinv_jvp, svd_grad, svd_jvp, tuple_part


def _pinv_grad(g, a, x):
    """Adjoint of ``a`` in ``x = np.linalg.pinv(a)`` (the rule of templates/linalg.py, for lstsq_grad)."""
    if np.iscomplexobj(a):
        return pinv_complex_grad(g, a, x)
    x_t, g_t = swap_last_axes(x), swap_last_axes(g)
    left, right = g_t @ x @ x_t, x_t @ x @ g_t
    return -(x_t @ g @ x_t) + left - a @ (x @ left) + right - (right @ x) @ a


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
    x_bar = tuple_part(g[0], x)
    col = (lambda v: v[:, None]) if vector else (lambda v: v)
    a_bar = _pinv_grad(col(x_bar) @ swap_last_axes(col(np.asarray(b))), a, pinv)
    b_bar = swap_last_axes(pinv) @ x_bar
    if has_residuals:
        weight = tuple_part(g[1], ans[1])[0] if vector else tuple_part(g[1], ans[1])
        r_bar = 2.0 * residual_weights(residual) * (np.real(weight) if np.iscomplexobj(residual) else weight)
        b_bar = b_bar + r_bar
        a_bar = a_bar - col(r_bar) @ swap_last_axes(col(x))
    return a_bar + svd_grad(tuple_part(g[3], ans[3]), a, None, False, False), b_bar


def lstsq_jvp(a_dot, b_dot, a, b, ans):
    """Tangent of ``np.linalg.lstsq(a, b)`` along ``a_dot`` and ``b_dot`` (either may be zero)."""
    pinv, residual, has_residuals = _lstsq_parts(a, b, ans)
    x = np.asarray(ans[0])
    a_dot = np.zeros(np.shape(a)) if is_zero(a_dot) else np.asarray(a_dot)
    b_dot = np.zeros(np.shape(b)) if is_zero(b_dot) else np.asarray(b_dot)
    x_dot = pinv_jvp(a_dot, a, pinv) @ b + pinv @ b_dot
    if has_residuals:
        res_dot = lstsq_residual_jvp(residual, b_dot, a_dot, x, ans[1])
    else:
        res_dot = np.zeros(np.shape(ans[1]), dtype=float_dtype(ans[1]))
    return (x_dot, res_dot, 0.0, svd_jvp(a_dot, a, None, False, False))

"""Derivatives of ``np.linalg.eig`` and ``np.linalg.eigvals`` for real square matrices (stacks too).

Takes the matrix ``a`` and the result ``(w, v)``; leaves the tangent of the result, or the adjoint
of ``a`` (complex: the gradient of a real ``a`` keeps its real part, by the complex convention of
templates/README.md). The eigenvalues may be complex. The eigenvectors are those LAPACK returns:
each of unit norm with its largest component real; the derivative keeps both (a unit-norm
correction, then a phase that keeps that component real). Where two eigenvalues coincide the
eigenvectors are not unique: their terms are dropped (1 / (w_j - w_i) is 0 there), as for eigh.
"""
import numpy as np

from s2s.runtime.core import is_zero, refuse_complex


def _gaps(w):
    """``F[i, j] = 1 / (w[j] - w[i])`` off the diagonal, 0 on it (and where two values coincide)."""
    d = w[..., None, :] - w[..., :, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(d == 0, 0.0, 1.0 / np.where(d == 0, 1.0, d))


def _t(m):
    return np.swapaxes(m, -1, -2)


def _largest(v):
    """The row of each eigenvector's largest component (the one LAPACK makes real), keeping the axis."""
    return np.argmax(np.abs(v), axis=-2)[..., None, :]


def eig_jvp(t, a, ans):
    """Tangent of ``(w, v) = np.linalg.eig(a)`` along ``t``."""
    refuse_complex(a, "np.linalg.eig")
    w, v = ans[0], ans[1]
    c = np.linalg.solve(v, np.asarray(t) @ v)
    dw = np.diagonal(c, axis1=-2, axis2=-1).copy()
    d = v @ (_gaps(w) * c)
    d = d - v * np.real(np.sum(np.conj(v) * d, axis=-2, keepdims=True))
    k = _largest(v)
    theta = -np.imag(np.take_along_axis(d, k, axis=-2) / np.take_along_axis(v, k, axis=-2))
    dv = d + 1j * v * theta
    return type(ans)(dw, dv) if hasattr(ans, "_fields") else (dw, dv)


def eig_grad(g, a, ans):
    """Adjoint of ``a`` in ``(w, v) = np.linalg.eig(a)`` for the adjoints ``g = (w_bar, v_bar)``."""
    refuse_complex(a, "np.linalg.eig")
    w, v = ans[0], ans[1]
    w_bar, v_bar = g[0], g[1]
    c_bar = np.zeros(np.shape(v), dtype=complex)
    if not is_zero(v_bar):
        d1_bar = np.broadcast_to(v_bar, np.shape(v)).astype(complex)
        k = _largest(v)
        theta_bar = np.real(np.sum(d1_bar * 1j * v, axis=-2, keepdims=True))
        extra = np.zeros(np.shape(v), dtype=complex)
        np.put_along_axis(extra, k, theta_bar * 1j / np.take_along_axis(v, k, axis=-2), axis=-2)
        d1_bar = d1_bar + extra
        r_bar = -np.real(np.sum(d1_bar * v, axis=-2, keepdims=True))
        d_bar = d1_bar + np.conj(v) * r_bar
        c_bar = c_bar + _gaps(w) * (_t(v) @ d_bar)
    if not is_zero(w_bar):
        c_bar = c_bar + np.broadcast_to(w_bar, np.shape(w))[..., None, :] * np.eye(np.shape(w)[-1])
    # c = v^-1 t v: its transpose is t_bar = v^-T c_bar v^T
    return np.linalg.solve(_t(v), c_bar @ _t(v))


def eigvals_jvp(t, a):
    """Tangent of ``np.linalg.eigvals(a)`` along ``t``."""
    refuse_complex(a, "np.linalg.eigvals")
    w, v = np.linalg.eig(a)
    return np.diagonal(np.linalg.solve(v, np.asarray(t) @ v), axis1=-2, axis2=-1).copy()


def eigvals_grad(g, a):
    """Adjoint of ``a`` in ``np.linalg.eigvals(a)``."""
    refuse_complex(a, "np.linalg.eigvals")
    w, v = np.linalg.eig(a)
    return np.linalg.solve(_t(v), (np.asarray(g)[..., None, :] * np.eye(np.shape(w)[-1])) @ _t(v))

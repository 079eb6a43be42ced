"""Complex matrices in the decompositions: Hermitian triangles, eigenvector phases, and the
complex forms of the qr, svd-values and least-squares rules (s2s/runtime/decompositions.py
calls them for complex arguments).

The convention is that of templates/README.md: an adjoint ``x_bar`` pairs with a tangent
``x_dot`` by ``Re(sum(x_bar * x_dot))``. Every function here takes NumPy arrays and returns
new ones; on real arrays the triangle helpers give exactly the real (symmetric) formulas.
"""
import numpy as np

from s2s.runtime.core import ComplexInputError, float_dtype
from s2s.runtime.elementwise import safe_divide
from s2s.runtime.linalg import eye_like, swap_last_axes


def conj_swap(m):
    """The conjugate transpose of the last two axes (the transpose for real ``m``)."""
    m = swap_last_axes(m)
    return np.conjugate(m) if np.iscomplexobj(m) else m


def eigh_phase_checked(v_bar, v):
    """``v_bar`` itself; refuses a loss that depends on the phases of complex eigenvectors.

    ``np.linalg.eigh`` of a complex matrix fixes each column of ``v`` only up to a
    factor ``exp(i t)``; a loss that changes with ``t`` has no derivative (NumPy's
    choice of phase is arbitrary). Such a loss shows as an imaginary diagonal of
    ``v.T @ v_bar`` (the derivative along ``v -> v exp(i t)``).
    """
    if not (np.iscomplexobj(v) and np.iscomplexobj(v_bar)):
        return v_bar
    along = np.imag(np.sum(v * v_bar, axis=-2))
    scale = np.max(np.abs(v_bar), initial=0.0) * np.shape(v)[-1]
    if np.max(np.abs(along), initial=0.0) > 1e-8 * max(scale, 1e-300):
        raise ComplexInputError(
            "np.linalg.eigh: the result depends on the phase of the complex eigenvectors (multiplying a "
            "column v[:, k] by exp(1j t) changes it), which NumPy chooses arbitrarily: it has no derivative. "
            "Use quantities the phase leaves alone (np.abs(v) ** 2, v @ np.conj(v).T, np.conj(v[:, k]) @ m @ v[:, k], "
            "the eigenvalues).")
    return v_bar


def eigh_complex_jvp(t, ans, herm):
    """Tangent of ``(w, v) = np.linalg.eigh(a)`` for complex ``a`` along the Hermitian tangent ``herm``.

    ``v_dot`` is the tangent whose ``conj(v).T @ v_dot`` has a zero diagonal (no change of phase).
    """
    w, v = ans[0], ans[1]
    p = conj_swap(v) @ herm @ v
    d = w[..., None, :] - w[..., :, None]
    gaps = safe_divide(1.0, d)
    return np.real(np.diagonal(p, axis1=-2, axis2=-1)), v @ (gaps * p)


def svd_values_grad(g, u, vh):
    """Adjoint of complex ``a`` in ``s = svdvals(a)``: ``conj(u diag(Re g) vh)`` (thin SVD ``u, s, vh``)."""
    return np.conjugate((u * np.real(np.asarray(g))[..., None, :]) @ vh)


def svd_values_jvp(t, u, vh):
    """Tangent of ``svdvals(a)`` for complex ``a`` along ``t``: ``Re(diag(u^H t v))``."""
    return np.real(np.sum(np.conjugate(u) * (t @ conj_swap(vh)), axis=-2))


def _copyltu_hermitian(m):
    """The Hermitian matrix with ``m``'s strict lower triangle and the real part of its diagonal."""
    low = np.tril(m, -1)
    return low + conj_swap(low) + np.real(m) * eye_like(m)


def qr_complex_grad(q, r, q_bar, r_bar):
    """Adjoint of complex ``a`` in ``q, r = np.linalg.qr(a)`` (reduced, rows >= columns; ``r`` has a real diagonal)."""
    m = r @ swap_last_axes(r_bar) - swap_last_axes(q_bar) @ q
    b = q_bar + np.conjugate(q @ _copyltu_hermitian(m))
    return swap_last_axes(np.linalg.solve(r, swap_last_axes(b)))


def qr_complex_jvp(t, q, r):
    """Tangents ``(q_dot, r_dot)`` of ``q, r = np.linalg.qr(a)`` for complex ``a`` along ``t``.

    ``q^H q_dot`` is skew-Hermitian and ``r_dot r^-1`` upper triangular with a real diagonal.
    """
    rinv = np.linalg.inv(r)
    x = conj_swap(q) @ t @ rinv
    low = np.tril(x, -1)
    omega = low - conj_swap(low) + 1j * np.imag(x) * eye_like(x)
    return t @ rinv - q @ (x - omega), (x - omega) @ r


def pinv_complex_jvp(t, a, x):
    """Tangent of ``x = pinv(a)`` along ``t``: ``-x t x + x x^H t^H (1 - a x) + (1 - x a) t^H x^H x``."""
    left = np.eye(np.shape(a)[-2], dtype=np.result_type(a, x)) - a @ x
    right = np.eye(np.shape(a)[-1], dtype=np.result_type(a, x)) - x @ a
    xh, th = conj_swap(x), conj_swap(t)
    return -x @ t @ x + x @ xh @ th @ left + right @ th @ xh @ x


def pinv_complex_grad(g, a, x):
    """Adjoint of ``a`` in ``x = pinv(a)`` (complex), given the adjoint ``g`` of ``x``."""
    x_t, xc, ac = swap_last_axes(x), np.conjugate(x), np.conjugate(a)
    g_h = np.conjugate(swap_last_axes(g))
    left = g_h @ xc @ x_t
    right = x_t @ xc @ g_h
    return -(x_t @ g @ x_t) + left - ac @ (xc @ left) + right - (right @ xc) @ ac


def residual_weights(residual):
    """What the least-squares residuals ``sum(|b - a x|**2, axis=0)`` pair with: ``conj(b - a x)``."""
    return np.conjugate(residual) if np.iscomplexobj(residual) else residual


def lstsq_residual_jvp(residual, b_dot, a_dot, x, residuals):
    """Tangent of the least-squares ``residuals`` along ``b_dot`` and ``a_dot`` (``a^H (b - a x) = 0``)."""
    out = 2.0 * np.sum(residual_weights(residual) * (b_dot - a_dot @ x), axis=0)
    return np.atleast_1d(np.real(out) if np.iscomplexobj(out) else out).astype(float_dtype(residuals), copy=False)

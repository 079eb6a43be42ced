"""Helpers of the FFT rules (templates/fft.py, templates/scipy_fft.py): adjoints of np.fft's transforms.

In the pairing ``Re(sum(a * b))`` of s2s's complex convention the adjoint of a
complex-linear map is its transpose (no conjugate), and the DFT matrix is
symmetric: the adjoint of ``fft(a, norm=m)`` is ``fft(g, norm=m)`` again, in the
same normalization, then cropped or zero-padded back to ``a``'s length (the
transpose of the padding or cropping that ``n``/``s`` asks for). ``rfft`` and
``irfft`` are only real-linear: their adjoints fold the half spectrum (each
``*_grad`` says how). Every helper takes the adjoint ``g`` of the result, the
argument ``a`` (for its shape) and the transform's own parameters.
"""
import numpy as np


def fft_axes(a, s=None, axes=None):
    """``(s, axes)`` as the n-dimensional transforms resolve them: sizes and axes, both tuples."""
    ndim = np.ndim(a)
    if axes is None:
        axes = tuple(range(ndim)) if s is None else tuple(range(ndim - len(s), ndim))
    axes = tuple(ax % ndim for ax in axes)
    if s is None:
        s = tuple(np.shape(a)[ax] for ax in axes)
    return tuple(int(n) for n in s), axes


def fft_fit(g, sizes, axes):
    """``g`` cropped or zero-padded at the end of each axis in ``axes`` to the length in ``sizes``."""
    g = np.asarray(g)
    for n, ax in zip(sizes, axes):
        m = g.shape[ax]
        if m > n:
            g = np.take(g, np.arange(n), axis=ax)
        elif m < n:
            pad = [(0, 0)] * g.ndim
            pad[ax] = (0, n - m)
            g = np.pad(g, pad)
    return g


def swap_norm(norm):
    """The normalization of the opposite direction (hfft is an irfft with it)."""
    return {None: "forward", "backward": "forward", "ortho": "ortho", "forward": "backward"}[norm]


def fftn_grad(g, a, s=None, axes=None, norm=None):
    """Adjoint of ``a`` in ``fftn(a, s, axes, norm)`` (and ``fft2``)."""
    s, axes = fft_axes(a, s, axes)
    return fft_fit(np.fft.fftn(g, axes=axes, norm=norm), [np.shape(a)[ax] for ax in axes], axes)


def ifftn_grad(g, a, s=None, axes=None, norm=None):
    """Adjoint of ``a`` in ``ifftn(a, s, axes, norm)`` (and ``ifft2``)."""
    s, axes = fft_axes(a, s, axes)
    return fft_fit(np.fft.ifftn(g, axes=axes, norm=norm), [np.shape(a)[ax] for ax in axes], axes)


def fft_grad(g, a, n=None, axis=-1, norm=None):
    """Adjoint of ``a`` in ``np.fft.fft(a, n, axis, norm)``."""
    return fftn_grad(g, a, None if n is None else (n,), (axis,), norm)


def ifft_grad(g, a, n=None, axis=-1, norm=None):
    """Adjoint of ``a`` in ``np.fft.ifft(a, n, axis, norm)``."""
    return ifftn_grad(g, a, None if n is None else (n,), (axis,), norm)


def rfft_grad(g, a, n=None, axis=-1, norm=None):
    """Adjoint of the real ``a`` in ``rfft(a, n, axis, norm)``: the half spectrum's adjoint zero-padded
    to ``n``, transformed, cropped or padded back to ``a``'s length; real."""
    axis = axis % np.ndim(a)
    n = np.shape(a)[axis] if n is None else int(n)
    full = np.fft.fft(g, n=n, axis=axis, norm=norm)
    return np.real(fft_fit(full, [np.shape(a)[axis]], [axis]))


def irfft_weights(n, h):
    """The multiplicity of each of the ``h`` stored frequencies in a real signal of length ``n``."""
    c = np.full(h, 2.0)
    c[0] = 1.0
    if n % 2 == 0 and h > n // 2:
        c[n // 2] = 1.0
    return c


def irfft_grad(g, a, n=None, axis=-1, norm=None):
    """Adjoint of ``a`` in ``irfft(a, n, axis, norm)``: ``out = Re(sum_k c_k a_k e^{2 pi i k t / n}) / n``,
    so ``a_bar_k = c_k ifft(Re(g))_k`` over the ``n // 2 + 1`` frequencies used, fitted to ``a``'s length."""
    axis = axis % np.ndim(a)
    m = np.shape(a)[axis]
    n = 2 * (m - 1) if n is None else int(n)
    h = n // 2 + 1
    spectrum = np.fft.ifft(np.real(g), axis=axis, norm=norm)
    spectrum = np.take(spectrum, np.arange(h), axis=axis)
    shape = [1] * spectrum.ndim
    shape[axis] = h
    return fft_fit(spectrum * np.reshape(irfft_weights(n, h), shape), [m], [axis])


def rfftn_grad(g, a, s=None, axes=None, norm=None):
    """Adjoint of the real ``a`` in ``rfftn(a, s, axes, norm)`` (an rfft along the last axis, then ffts)."""
    s, axes = fft_axes(a, s, axes)
    g = fft_fit(np.fft.fftn(g, axes=axes[:-1], norm=norm), [np.shape(a)[ax] for ax in axes[:-1]], axes[:-1])
    return rfft_grad(g, a, s[-1], axes[-1], norm)


def irfftn_grad(g, a, s=None, axes=None, norm=None):
    """Adjoint of ``a`` in ``irfftn(a, s, axes, norm)`` (iffts, then an irfft along the last axis)."""
    shape = np.shape(a)
    if s is None:
        _, axes = fft_axes(a, None, axes)
        s = tuple(shape[ax] for ax in axes[:-1]) + (2 * (shape[axes[-1]] - 1),)
    s, axes = fft_axes(a, s, axes)
    middle = list(shape)
    for n, ax in zip(s[:-1], axes[:-1]):
        middle[ax] = n
    h = irfft_grad(g, np.empty(middle), s[-1], axes[-1], norm)
    return fft_fit(np.fft.ifftn(h, axes=axes[:-1], norm=norm), [shape[ax] for ax in axes[:-1]], axes[:-1])


def hfft_grad(g, a, n=None, axis=-1, norm=None):
    """Adjoint of ``a`` in ``hfft(a, n, axis, norm)`` = ``irfft(conj(a), n, axis, swap_norm(norm))``."""
    return np.conjugate(irfft_grad(g, a, n, axis, swap_norm(norm)))


def ihfft_grad(g, a, n=None, axis=-1, norm=None):
    """Adjoint of the real ``a`` in ``ihfft(a, n, axis, norm)`` = ``conj(rfft(a, n, axis, swap_norm(norm)))``."""
    return rfft_grad(np.conjugate(g), a, n, axis, swap_norm(norm))

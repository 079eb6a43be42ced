"""np.fft: the transforms, their inverses, the real and Hermitian ones, and the shifts.

Every transform is (real-)linear, so its tangent is the transform of the tangent
(the engine derives it from ``@linear``); the adjoints are in
s2s/runtime/fourier.py: in s2s's pairing ``Re(sum(a * b))`` the adjoint of a
complex-linear map is its transpose, and the DFT matrix is symmetric, so the
adjoint of ``fft`` is ``fft`` again in the same normalization, fitted back to
the argument's length where ``n``/``s`` padded or cropped it. ``rfft``,
``irfft`` and their n-dimensional and Hermitian kin fold the half spectrum.
An FFT is dense: s2s.sparse gives its outputs every input (patterns.py
declares only the shifts, which move elements).
"""
import numpy as np

from s2s.rules import linear
from s2s.runtime import (fft_grad, fftn_grad, hfft_grad, ifft_grad, ifftn_grad, ihfft_grad, irfft_grad,
                         irfftn_grad, rfft_grad, rfftn_grad)


@linear(np.fft.fft, wrt="a")
def fft(a, n=None, axis=-1, norm=None, *, ans, ans_bar):
    return fft_grad(ans_bar, a, n, axis, norm)


@linear(np.fft.ifft, wrt="a")
def ifft(a, n=None, axis=-1, norm=None, *, ans, ans_bar):
    return ifft_grad(ans_bar, a, n, axis, norm)


@linear(np.fft.fftn, wrt="a")
def fftn(a, s=None, axes=None, norm=None, *, ans, ans_bar):
    return fftn_grad(ans_bar, a, s, axes, norm)


@linear(np.fft.ifftn, wrt="a")
def ifftn(a, s=None, axes=None, norm=None, *, ans, ans_bar):
    return ifftn_grad(ans_bar, a, s, axes, norm)


@linear(np.fft.fft2, wrt="a")
def fft2(a, s=None, axes=(-2, -1), norm=None, *, ans, ans_bar):
    return fftn_grad(ans_bar, a, s, axes, norm)


@linear(np.fft.ifft2, wrt="a")
def ifft2(a, s=None, axes=(-2, -1), norm=None, *, ans, ans_bar):
    return ifftn_grad(ans_bar, a, s, axes, norm)


@linear(np.fft.rfft, wrt="a")
def rfft(a, n=None, axis=-1, norm=None, *, ans, ans_bar):
    return rfft_grad(ans_bar, a, n, axis, norm)


@linear(np.fft.irfft, wrt="a")
def irfft(a, n=None, axis=-1, norm=None, *, ans, ans_bar):
    return irfft_grad(ans_bar, a, n, axis, norm)


@linear(np.fft.rfftn, wrt="a")
def rfftn(a, s=None, axes=None, norm=None, *, ans, ans_bar):
    return rfftn_grad(ans_bar, a, s, axes, norm)


@linear(np.fft.irfftn, wrt="a")
def irfftn(a, s=None, axes=None, norm=None, *, ans, ans_bar):
    return irfftn_grad(ans_bar, a, s, axes, norm)


@linear(np.fft.rfft2, wrt="a")
def rfft2(a, s=None, axes=(-2, -1), norm=None, *, ans, ans_bar):
    return rfftn_grad(ans_bar, a, s, axes, norm)


@linear(np.fft.irfft2, wrt="a")
def irfft2(a, s=None, axes=(-2, -1), norm=None, *, ans, ans_bar):
    return irfftn_grad(ans_bar, a, s, axes, norm)


@linear(np.fft.hfft, wrt="a")
def hfft(a, n=None, axis=-1, norm=None, *, ans, ans_bar):
    return hfft_grad(ans_bar, a, n, axis, norm)


@linear(np.fft.ihfft, wrt="a")
def ihfft(a, n=None, axis=-1, norm=None, *, ans, ans_bar):
    return ihfft_grad(ans_bar, a, n, axis, norm)


@linear(np.fft.fftshift, wrt="x")
def fftshift(x, axes=None, *, ans, ans_bar):
    return np.fft.ifftshift(ans_bar, axes)


@linear(np.fft.ifftshift, wrt="x")
def ifftshift(x, axes=None, *, ans, ans_bar):
    return np.fft.fftshift(ans_bar, axes)


# --- the adjoints' own rules (higher order): each *_grad is the transpose of its transform
@linear(fft_grad, wrt="g")
def fft_grad_(g, a, n=None, axis=-1, norm=None, *, ans, ans_bar):
    return np.fft.fft(ans_bar, n, axis, norm)


@linear(ifft_grad, wrt="g")
def ifft_grad_(g, a, n=None, axis=-1, norm=None, *, ans, ans_bar):
    return np.fft.ifft(ans_bar, n, axis, norm)


@linear(fftn_grad, wrt="g")
def fftn_grad_(g, a, s=None, axes=None, norm=None, *, ans, ans_bar):
    return np.fft.fftn(ans_bar, s, axes, norm)


@linear(ifftn_grad, wrt="g")
def ifftn_grad_(g, a, s=None, axes=None, norm=None, *, ans, ans_bar):
    return np.fft.ifftn(ans_bar, s, axes, norm)


@linear(rfft_grad, wrt="g")
def rfft_grad_(g, a, n=None, axis=-1, norm=None, *, ans, ans_bar):
    return np.fft.rfft(np.real(ans_bar), n, axis, norm)


@linear(irfft_grad, wrt="g")
def irfft_grad_(g, a, n=None, axis=-1, norm=None, *, ans, ans_bar):
    return np.fft.irfft(ans_bar, n, axis, norm)


@linear(rfftn_grad, wrt="g")
def rfftn_grad_(g, a, s=None, axes=None, norm=None, *, ans, ans_bar):
    return np.fft.rfftn(np.real(ans_bar), s, axes, norm)


@linear(irfftn_grad, wrt="g")
def irfftn_grad_(g, a, s=None, axes=None, norm=None, *, ans, ans_bar):
    return np.fft.irfftn(ans_bar, s, axes, norm)


@linear(hfft_grad, wrt="g")
def hfft_grad_(g, a, n=None, axis=-1, norm=None, *, ans, ans_bar):
    return np.fft.hfft(ans_bar, n, axis, norm)


@linear(ihfft_grad, wrt="g")
def ihfft_grad_(g, a, n=None, axis=-1, norm=None, *, ans, ans_bar):
    return np.fft.ihfft(np.real(ans_bar), n, axis, norm)

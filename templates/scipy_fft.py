"""scipy.fft: the rules of templates/fft.py for SciPy's transforms (loaded only when SciPy is installed).

SciPy's transforms compute what NumPy's do, with SciPy's parameter names
(``x``); the adjoints are NumPy's (s2s/runtime/fourier.py). ``workers`` only
says how many threads to use; ``overwrite_x`` and ``plan`` are left out, so a
call passing them is reported (an overwritten argument is a mutated input).
"""
import numpy as np
import scipy.fft

from s2s.rules import linear
from s2s.runtime import (fft_grad, fftn_grad, hfft_grad, ifft_grad, ifftn_grad, ihfft_grad, irfft_grad,
                         irfftn_grad, rfft_grad, rfftn_grad)


@linear(scipy.fft.fft, wrt="x")
def fft(x, n=None, axis=-1, norm=None, workers=None, *, ans, ans_bar):
    return fft_grad(ans_bar, x, n, axis, norm)


@linear(scipy.fft.ifft, wrt="x")
def ifft(x, n=None, axis=-1, norm=None, workers=None, *, ans, ans_bar):
    return ifft_grad(ans_bar, x, n, axis, norm)


@linear(scipy.fft.fftn, wrt="x")
def fftn(x, s=None, axes=None, norm=None, workers=None, *, ans, ans_bar):
    return fftn_grad(ans_bar, x, s, axes, norm)


@linear(scipy.fft.ifftn, wrt="x")
def ifftn(x, s=None, axes=None, norm=None, workers=None, *, ans, ans_bar):
    return ifftn_grad(ans_bar, x, s, axes, norm)


@linear(scipy.fft.fft2, wrt="x")
def fft2(x, s=None, axes=(-2, -1), norm=None, workers=None, *, ans, ans_bar):
    return fftn_grad(ans_bar, x, s, axes, norm)


@linear(scipy.fft.ifft2, wrt="x")
def ifft2(x, s=None, axes=(-2, -1), norm=None, workers=None, *, ans, ans_bar):
    return ifftn_grad(ans_bar, x, s, axes, norm)


@linear(scipy.fft.rfft, wrt="x")
def rfft(x, n=None, axis=-1, norm=None, workers=None, *, ans, ans_bar):
    return rfft_grad(ans_bar, x, n, axis, norm)


@linear(scipy.fft.irfft, wrt="x")
def irfft(x, n=None, axis=-1, norm=None, workers=None, *, ans, ans_bar):
    return irfft_grad(ans_bar, x, n, axis, norm)


@linear(scipy.fft.rfftn, wrt="x")
def rfftn(x, s=None, axes=None, norm=None, workers=None, *, ans, ans_bar):
    return rfftn_grad(ans_bar, x, s, axes, norm)


@linear(scipy.fft.irfftn, wrt="x")
def irfftn(x, s=None, axes=None, norm=None, workers=None, *, ans, ans_bar):
    return irfftn_grad(ans_bar, x, s, axes, norm)


@linear(scipy.fft.rfft2, wrt="x")
def rfft2(x, s=None, axes=(-2, -1), norm=None, workers=None, *, ans, ans_bar):
    return rfftn_grad(ans_bar, x, s, axes, norm)


@linear(scipy.fft.irfft2, wrt="x")
def irfft2(x, s=None, axes=(-2, -1), norm=None, workers=None, *, ans, ans_bar):
    return irfftn_grad(ans_bar, x, s, axes, norm)


@linear(scipy.fft.hfft, wrt="x")
def hfft(x, n=None, axis=-1, norm=None, workers=None, *, ans, ans_bar):
    return hfft_grad(ans_bar, x, n, axis, norm)


@linear(scipy.fft.ihfft, wrt="x")
def ihfft(x, n=None, axis=-1, norm=None, workers=None, *, ans, ans_bar):
    return ihfft_grad(ans_bar, x, n, axis, norm)


# scipy.fft has shifts of its own (NumPy's, in templates/fft.py, where it re-exports them)
if scipy.fft.fftshift is not np.fft.fftshift:
    @linear(scipy.fft.fftshift, wrt="x")
    def fftshift(x, axes=None, *, ans, ans_bar):
        return scipy.fft.ifftshift(ans_bar, axes)

    @linear(scipy.fft.ifftshift, wrt="x")
    def ifftshift(x, axes=None, *, ans, ans_bar):
        return scipy.fft.fftshift(ans_bar, axes)

"""Primitives that treat complex numbers as pairs of reals: conj, real, imag, abs, angle.

The convention (JAX's and autograd's; templates/README.md states it): an adjoint
pairs with a tangent by ``Re(sum(x_bar * x_dot))``, no conjugation. Holomorphic
primitives (exp, log, sin, products, ...) keep their real rules; these do not
and say where conjugates go. Their results are real except conj's, so their
adjoints take the real part of ``ans_bar`` (the adjoint of a real value may
carry an imaginary part that pairs with nothing) and their tangents are real.
On real arguments each rule reduces to the real one (``conj`` and ``real`` are
the identity, ``imag`` and ``angle`` constants, ``abs`` gives ``sign(x)``).
"""
import math
import operator

import numpy as np

from s2s.rules import adjoint, batched, elementwise, linear, tangent
from s2s.runtime import conj_of, conj_sign, eigh_phase_checked, refuse_complex, safe_divide, sign_slope


@linear(np.conjugate)
def conjugate(x, *, ans, ans_bar):
    return np.conjugate(ans_bar)


@linear(np.real)
def real(x, *, ans, ans_bar):
    return np.real(ans_bar)


# Im(x_dot) = Re(-1j * x_dot)
@linear(np.imag)
def imag(x, *, ans, ans_bar):
    return -1j * np.real(ans_bar)


# np.abs is np.absolute: d|x| = Re(conj(x) / |x| * dx); sign(0) == 0 picks the zero
# subgradient at the kink.
@adjoint(np.absolute, np.fabs, abs, operator.abs, math.fabs)
def abs_(x, *, ans, ans_bar):
    return np.real(ans_bar) * conj_sign(x)


@tangent(np.absolute, np.fabs, abs, operator.abs, math.fabs)
def abs_tangent(x, *, ans, x_dot):
    return np.real(x_dot * conj_sign(x))


@batched(np.absolute, np.fabs, abs, operator.abs, math.fabs)
def abs_batched(x, *, ans, x_dot, batch):
    return np.real(x_dot * conj_sign(x))


# d angle(x) = Im(dx / x) = Re(-1j / x * dx); 0 at 0; deg=True scales by 180 / pi.
@adjoint(np.angle, wrt="z")
def angle(z, deg=False, *, ans, ans_bar):
    scale = 1.0 + deg * (180 / math.pi - 1.0)
    return np.real(ans_bar) * safe_divide(-1j * scale, z)


@tangent(np.angle, wrt="z")
def angle_tangent(z, deg=False, *, ans, z_dot):
    scale = 1.0 + deg * (180 / math.pi - 1.0)
    return np.imag(z_dot * safe_divide(scale, z))


# w = conj(x) / |x|: dw = (conj(dx) - w Re(w dx)) / |x|; 0 at 0 (and 0 for real x).
@adjoint(conj_sign)
def conj_sign_(x, *, ans, ans_bar):
    return safe_divide(np.conjugate(ans_bar) - np.real(ans_bar * ans) * ans, np.abs(x))


@tangent(conj_sign)
def conj_sign_tangent(x, *, ans, x_dot):
    return safe_divide(np.conjugate(x_dot) - ans * np.real(ans * x_dot), np.abs(x))


@linear(conj_of)
def conj_of_(x, *, ans, ans_bar):
    return conj_of(ans_bar)


# the check of the rules s2s has for real arguments only (np.linalg.eigh): the identity
@linear(refuse_complex, wrt="x")
def refuse_complex_(x, what, *, ans, ans_bar):
    return ans_bar


# the check that a loss does not depend on the phases of complex eigenvectors (np.linalg.eigh): the identity,
# checked on the value only (a tangent of v_bar need not be free of phase: not @linear)
@adjoint(eigh_phase_checked, wrt="v_bar")
def eigh_phase_checked_(v_bar, v, *, ans, ans_bar):
    return ans_bar


@tangent(eigh_phase_checked, wrt="v_bar")
def eigh_phase_checked_tangent(v_bar, v, *, ans, v_bar_dot):
    return v_bar_dot


# piecewise constant for real x (a zero derivative); x / |x| for complex x, refused until it has a rule
@elementwise(np.sign)
def sign(x, ans):
    return sign_slope(x)

"""The table of functions of complex values (tests/test_complex.py checks each in every mode).

``SCALAR``: real-valued functions of (possibly complex) arguments; ``grad`` must
give ``df/dx - i df/dy`` for each complex argument, a real gradient for each real
one. ``VECTOR``: functions with array (often complex) results, for ``jvp`` and
``vjp`` and their dot-product test. ``HOLOMORPHIC``: complex scalar functions of
a complex argument, for ``grad(..., holomorphic=True)`` against ``f'(z)``.
Arguments come from one seeded generator; every function is smooth at them
(no zeros of ``abs``, ``angle`` or ``log``, no branch cuts).
"""
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

rng = np.random.default_rng(16)


@dataclass(frozen=True, eq=False)
class Case:
    name: str
    fn: Callable
    args: tuple
    wrt: Any = 0
    tags: tuple = ()


def c(*shape):
    """Complex values with |z| in [0.5, 1.5] and the angle away from the negative real axis."""
    r = rng.uniform(0.5, 1.5, shape)
    t = rng.uniform(-2.5, 2.5, shape)
    return r * np.exp(1j * t) if shape else complex(r * np.exp(1j * t))


def r(*shape):
    return rng.uniform(-1.0, 1.0, shape) if shape else float(rng.uniform(-1.0, 1.0))


W = np.array([0.3 - 0.2j, -0.5 + 0.1j, 0.8 + 0.6j])


# --- the issue's examples: real argument, complex intermediates
def issue_f(x):
    z = x * (1.0 + 2.0j)
    return np.real(z * np.conj(z))


def issue_g(x):
    z = x * (1.0 + 2.0j)
    return np.abs(z) ** 2


def issue_h(x):
    z = np.exp(1j * x)
    return np.real(z) + 3.0 * np.imag(z)


def issue_sum(x):
    z = x * (1.0 + 2.0j)
    return np.sum(np.real(z * np.conj(z)))


# --- the non-holomorphic primitives
def conj_(z):
    return np.sum(np.real(np.conj(z) * W) + np.imag(np.conjugate(z) * z * W))


def conj_method(z):
    return np.sum(np.real(z.conj() * W * z))


def real_imag(z):
    return np.sum(np.real(z) ** 2 * np.imag(z) + np.imag(z * W))


def abs_(z):
    return np.sum(np.abs(z) ** 3)


def abs_builtin(z):
    return abs(z) * abs(z * z + 1.0)


def angle_(z):
    return np.sum(np.angle(z) * np.abs(z) + np.angle(z * W, deg=True))


def attributes(z):
    return np.sum(z.real * z.imag + z.real ** 2)


# --- holomorphic primitives inside a real function
def arithmetic(z, w):
    q = z * w + z / w - (1.0 - 2.0j) * z ** 2 + 1.0 / (z + 3.0)
    return np.sum(np.real(q) + np.imag(q) ** 2)


def powers(z, w):
    return np.sum(np.abs(z ** 2.5 + z ** w + np.sqrt(z) * 2.0 ** z) ** 2)


def exp_log(z):
    return np.sum(np.real(np.exp(z) * np.conj(np.log(z))))


def trig(z):
    return np.sum(np.abs(np.sin(z) + np.cos(z) * np.tan(0.5 * z)) ** 2)


def hyperbolic(z):
    return np.sum(np.real(np.sinh(z) * np.conj(np.cosh(z))) + np.imag(np.tanh(z)))


def sum_mean(z):
    return np.abs(np.sum(z)) ** 2 + np.real(np.mean(z * z))


def products(z, a):
    return np.real(np.vdot(z, a @ z)) + np.abs(np.dot(z, W)) ** 2 + np.sum(np.abs(np.outer(z, W)) ** 2)


def einsum_(z, a):
    return np.real(np.einsum("i,ij,j->", np.conj(z), a, z))


def scans(z):
    return np.sum(np.abs(np.cumsum(z)) ** 2 + np.real(np.cumprod(z)))


def var_std(z):
    return np.var(z) + np.std(z * W) * 2.0


def mixed(x, z):
    return np.sum(np.abs(x * z + 1j * x) ** 2) + np.real(np.sum(x * 1j * np.conj(z)))


def build(x):
    z = np.array([x[0] + 1j * x[1], x[1] * x[2] * (2.0 - 1.0j), x[2]])
    return np.sum(np.abs(z) ** 2)


def setitem(x):
    z = np.zeros(3, dtype=complex)
    z[0] = x[0] * 1j
    z[1:] = x[1:] + 2.0j * x[:2]
    return np.sum(np.abs(z * W) ** 2)


def loop(z):
    s = 0.0 + 0.0j
    for k in range(3):
        s = s * z + W[k]
    return np.abs(s) ** 2


def astype_(x):
    z = x.astype(complex) * W
    return np.sum(np.real(z * z))


SCALAR = [
    Case("issue_f", issue_f, (0.7,), tags=("issue", "second")),
    Case("issue_g", issue_g, (0.7,), tags=("issue", "second")),
    Case("issue_h", issue_h, (0.7,), tags=("issue", "second")),
    Case("issue_sum", issue_sum, (np.array([0.7 + 0.1j, 0.2]),)),
    Case("conj", conj_, (c(3),)),
    Case("conj_method", conj_method, (c(3),)),
    Case("real_imag", real_imag, (c(3),)),
    Case("abs", abs_, (c(3),)),
    Case("abs_builtin", abs_builtin, (c(),)),
    Case("angle", angle_, (c(3),)),
    Case("attributes", attributes, (c(3),)),
    Case("arithmetic", arithmetic, (c(3), c(3)), wrt=(0, 1)),
    Case("powers", powers, (c(3), c(3) * 0.5), wrt=(0, 1)),
    Case("exp_log", exp_log, (c(3),)),
    Case("trig", trig, (c(3),)),
    Case("hyperbolic", hyperbolic, (c(3),)),
    Case("sum_mean", sum_mean, (c(4),)),
    Case("products", products, (c(3), c(3, 3)), wrt=(0, 1)),
    Case("einsum", einsum_, (c(3), c(3, 3)), wrt=(0, 1)),
    Case("scans", scans, (c(4),)),
    Case("var_std", var_std, (c(3),)),
    Case("mixed", mixed, (r(3), c(3)), wrt=(0, 1)),
    Case("mixed_real_arg", mixed, (r(3), c(3)), wrt=0, tags=("second",)),
    Case("build", build, (r(3),), tags=("second",)),
    Case("setitem", setitem, (r(3),), tags=("second",)),
    Case("loop", loop, (c(),)),
    Case("astype", astype_, (r(3),), tags=("second",)),
]


# --- array results
def v_scale(z):
    return z * W + np.conj(z) * 0.5


def v_abs(z):
    return np.abs(z) * z


def v_real_to_complex(x):
    return np.exp(1j * x) * x


def v_complex_to_real(z):
    return np.real(z) * np.imag(z) + np.angle(z)


VECTOR = [
    Case("v_scale", v_scale, (c(3),)),
    Case("v_abs", v_abs, (c(3),)),
    Case("v_real_to_complex", v_real_to_complex, (r(3),)),
    Case("v_complex_to_real", v_complex_to_real, (c(3),)),
]


# --- holomorphic: complex results of a complex argument
def h_poly(z):
    return z * z * (1.0 + 2.0j) + 3.0 * z


def h_exp_log(z):
    return np.exp(z) * np.log(z) + np.sqrt(z)


def h_trig(z):
    return np.sin(z) * np.cosh(z) / (z + 2.0)


def h_sum(z):
    return np.sum(z ** 3 * W)


HOLOMORPHIC = [
    Case("h_poly", h_poly, (c(),)),
    Case("h_exp_log", h_exp_log, (c(),)),
    Case("h_trig", h_trig, (c(),)),
    Case("h_sum", h_sum, (c(3),)),
]

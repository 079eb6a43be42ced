"""Builtins and math-module functions with no NumPy twin of the same form.

(The math functions that share a NumPy function's derivative are registered
next to it, in elementwise.py and arithmetic.py.)
"""
import math

import numpy as np

from s2s.rules import adjoint, elementwise, linear, tangent
from s2s.runtime import extremum_grad, extremum_jvp, unbroadcast, unsum


# The builtin sum of a list, tuple or array: every element gets ans_bar,
# summed back to its own shape.
@linear(sum, wrt=("iterable", "start"))
def sum_(iterable, start=0, *, ans, ans_bar):
    return unsum(ans_bar, iterable), unbroadcast(ans_bar, start)


@linear(math.fsum)
def fsum(seq, *, ans, ans_bar):
    return unsum(ans_bar, seq)


# max(a, b) or max(iterable); ties split the adjoint evenly.
@adjoint(max, min, wrt=("arg1", "arg2"))
def max_(arg1, arg2=None, *, ans, ans_bar):
    return extremum_grad(ans_bar, arg1, arg2, ans), extremum_grad(ans_bar, arg2, arg1, ans)


@tangent(max, min, wrt=("arg1", "arg2"))
def max_tangent(arg1, arg2=None, *, ans, arg1_dot, arg2_dot):
    return extremum_jvp(arg1_dot, arg1, arg2, ans) + extremum_jvp(arg2_dot, arg2, arg1, ans)


@adjoint(math.log, wrt=("x", "base"))
def log(x, base=math.e, *, ans, ans_bar):
    return ans_bar / (x * math.log(base)), -ans_bar * ans / (base * math.log(base))


@tangent(math.log, wrt=("x", "base"))
def log_tangent(x, base=math.e, *, ans, x_dot, base_dot):
    return x_dot / (x * math.log(base)) - base_dot * ans / (base * math.log(base))


# Conversions to float: the identity.
@linear(float, np.float64, np.float32)
def float_(x, *, ans, ans_bar):
    return ans_bar


# The math functions whose derivative is another math function: math.* on the
# float the primal already produced, not np.* on a float (a NumPy call costs a
# microsecond where math.* costs tens of nanoseconds). Where the primal call
# succeeded, so does its derivative (sinh and cosh overflow together).
@elementwise(math.sin)
def math_sin(x, ans):
    return math.cos(x)


@elementwise(math.cos)
def math_cos(x, ans):
    return -math.sin(x)


@elementwise(math.sinh)
def math_sinh(x, ans):
    return math.cosh(x)


@elementwise(math.cosh)
def math_cosh(x, ans):
    return math.sinh(x)


@elementwise(math.erf)
def erf(x, ans):
    return 2 / math.sqrt(math.pi) * math.exp(-x * x)


@elementwise(math.erfc)
def erfc(x, ans):
    return -2 / math.sqrt(math.pi) * math.exp(-x * x)

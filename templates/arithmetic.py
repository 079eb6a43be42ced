"""Arithmetic operators, their NumPy ufuncs and their math/builtin twins.

Each binary operator broadcasts its operands, so the engine sums every
contribution back to its operand's shape (``unbroadcast=True``).
"""
import math
import operator

import numpy as np

from s2s.rules import adjoint, linear, tangent
from s2s.runtime import log_positive, power_base_grad


@linear(operator.add, np.add, unbroadcast=True)
def add(x1, x2, *, ans, ans_bar):
    return ans_bar, ans_bar


@linear(operator.sub, np.subtract, unbroadcast=True)
def subtract(x1, x2, *, ans, ans_bar):
    return ans_bar, -ans_bar


@adjoint(operator.mul, np.multiply, unbroadcast=True)
def multiply(x1, x2, *, ans, ans_bar):
    return ans_bar * x2, ans_bar * x1


@tangent(operator.mul, np.multiply)
def multiply_tangent(x1, x2, *, ans, x1_dot, x2_dot):
    return x1_dot * x2 + x1 * x2_dot


# np.true_divide is np.divide.
@adjoint(operator.truediv, np.divide, unbroadcast=True)
def divide(x1, x2, *, ans, ans_bar):
    return ans_bar / x2, -ans_bar * ans / x2


@tangent(operator.truediv, np.divide)
def divide_tangent(x1, x2, *, ans, x1_dot, x2_dot):
    return x1_dot / x2 - ans * x2_dot / x2


@linear(operator.neg, np.negative)
def negative(x, *, ans, ans_bar):
    return -ans_bar


@linear(operator.pos, np.positive)
def positive(x, *, ans, ans_bar):
    return ans_bar


# np.pow is np.power; np.float_power computes in float64 or wider. The base term is 0 where the exponent is 0 (also at a
# 0 base); the exponent term is 0 where the base is not positive (log(x1) is
# undefined there, and 0 ** x2 is flat in x2 for x2 > 0).
@adjoint(operator.pow, np.power, math.pow, pow, np.float_power, unbroadcast=True)
def power(x1, x2, *, ans, ans_bar):
    return ans_bar * power_base_grad(x1, x2), ans_bar * ans * log_positive(x1)


@tangent(operator.pow, np.power, math.pow, pow, np.float_power, broadcast=True)
def power_tangent(x1, x2, *, ans, x1_dot, x2_dot):
    return x1_dot * power_base_grad(x1, x2) + x2_dot * (ans * log_positive(x1))


# x1 % x2 == x1 - floor(x1 / x2) * x2, and floor(...) is piecewise constant.
# np.remainder is np.mod.
@adjoint(operator.mod, np.mod, unbroadcast=True)
def mod(x1, x2, *, ans, ans_bar):
    return ans_bar, -ans_bar * np.floor_divide(x1, x2)


@tangent(operator.mod, np.mod, broadcast=True)
def mod_tangent(x1, x2, *, ans, x1_dot, x2_dot):
    return x1_dot - x2_dot * np.floor_divide(x1, x2)


# fmod rounds the quotient towards zero instead.
@adjoint(np.fmod, math.fmod, unbroadcast=True)
def fmod(x1, x2, *, ans, ans_bar):
    return ans_bar, -ans_bar * np.trunc(np.divide(x1, x2))


@tangent(np.fmod, math.fmod, broadcast=True)
def fmod_tangent(x1, x2, *, ans, x1_dot, x2_dot):
    return x1_dot - x2_dot * np.trunc(np.divide(x1, x2))

"""Elementwise functions: NumPy ufuncs with their math-module twins.

One-argument functions use the ``@elementwise`` form (the derivative as a
function of ``x`` and ``ans``). Two-argument ones broadcast, so their
contributions are unbroadcast. Constants are Python floats so that float32
arguments keep float32 adjoints.
"""
import math
import operator

import numpy as np

from s2s.rules import adjoint, elementwise, linear, tangent
from s2s.runtime import (clip_bound_grad, clip_from, inverse, read_at, safe_divide, select_grad, sinc_grad,
                         tie_weight)

MATH_EXP2 = (math.exp2,) if hasattr(math, "exp2") else ()  # Python 3.11+
MATH_CBRT = (math.cbrt,) if hasattr(math, "cbrt") else ()  # Python 3.11+


@elementwise(np.exp, math.exp)
def exp(x, ans):
    return ans


@elementwise(np.exp2, *MATH_EXP2)
def exp2(x, ans):
    return ans * math.log(2)


@elementwise(np.expm1, math.expm1)
def expm1(x, ans):
    return ans + 1


# math.log takes an optional base: its template is in builtins_math.py.
# singular=True (here and below, wherever the derivative is infinite or NaN
# somewhere): the adjoint is absorb_zeros(ans_bar, ans_bar * d), so the branch that
# np.where drops (log of 0 or of a negative) gives 0, not NaN. inverse(x) is
# 1 / x with inf, not ZeroDivisionError, at a Python float 0.
@elementwise(np.log, singular=True)
def log(x, ans):
    return inverse(x)


@elementwise(np.log2, math.log2, singular=True)
def log2(x, ans):
    return inverse(x * math.log(2))


@elementwise(np.log10, math.log10, singular=True)
def log10(x, ans):
    return inverse(x * math.log(10))


@elementwise(np.log1p, math.log1p, singular=True)
def log1p(x, ans):
    return inverse(1 + x)


# Infinite at 0, which is the true value; np.divide so that a Python float
# 0 gives inf rather than ZeroDivisionError. singular=True: a zero adjoint
# times that inf stays 0 (np.where(x > 0, np.sqrt(x), 0) at x == 0).
@elementwise(np.sqrt, math.sqrt, singular=True)
def sqrt(x, ans):
    return np.divide(0.5, ans)


@elementwise(np.cbrt, *MATH_CBRT, singular=True)
def cbrt(x, ans):
    return np.divide(1, 3 * ans * ans)


@elementwise(np.square)
def square(x, ans):
    return 2 * x


@elementwise(np.reciprocal, singular=True)
def reciprocal(x, ans):
    return -ans * ans


@elementwise(np.sin)
def sin(x, ans):
    return np.cos(x)


@elementwise(np.cos)
def cos(x, ans):
    return -np.sin(x)


@elementwise(np.tan, math.tan)
def tan(x, ans):
    return 1 + ans * ans


@elementwise(np.arcsin, math.asin, singular=True)
def arcsin(x, ans):
    return 1 / np.sqrt(1 - x * x)


@elementwise(np.arccos, math.acos, singular=True)
def arccos(x, ans):
    return -1 / np.sqrt(1 - x * x)


@elementwise(np.arctan, math.atan)
def arctan(x, ans):
    return 1 / (1 + x * x)


@elementwise(np.sinh)
def sinh(x, ans):
    return np.cosh(x)


@elementwise(np.cosh)
def cosh(x, ans):
    return np.sinh(x)


@elementwise(np.tanh, math.tanh)
def tanh(x, ans):
    return 1 - ans * ans


@elementwise(np.arcsinh, math.asinh)
def arcsinh(x, ans):
    return 1 / np.sqrt(x * x + 1)


@elementwise(np.arccosh, math.acosh, singular=True)
def arccosh(x, ans):
    return 1 / np.sqrt(x * x - 1)


@elementwise(np.arctanh, math.atanh, singular=True)
def arctanh(x, ans):
    return inverse(1 - x * x)


@elementwise(np.sinc)
def sinc(x, ans):
    return sinc_grad(x)


@elementwise(np.degrees, np.rad2deg, math.degrees)
def degrees(x, ans):
    return 180 / math.pi


@elementwise(np.radians, np.deg2rad, math.radians)
def radians(x, ans):
    return math.pi / 180


# ----------------------------------------------------------- two arguments
@adjoint(np.arctan2, math.atan2, unbroadcast=True)
def arctan2(x1, x2, *, ans, ans_bar):
    r2 = x1 * x1 + x2 * x2
    return safe_divide(ans_bar * x2, r2), safe_divide(-ans_bar * x1, r2)


@tangent(np.arctan2, math.atan2, broadcast=True)
def arctan2_tangent(x1, x2, *, ans, x1_dot, x2_dot):
    r2 = x1 * x1 + x2 * x2
    return x1_dot * safe_divide(x2, r2) - x2_dot * safe_divide(x1, r2)


# 0 at the origin rather than 0/0.
@adjoint(np.hypot, math.hypot, unbroadcast=True)
def hypot(x1, x2, *, ans, ans_bar):
    return safe_divide(ans_bar * x1, ans), safe_divide(ans_bar * x2, ans)


@tangent(np.hypot, math.hypot, broadcast=True)
def hypot_tangent(x1, x2, *, ans, x1_dot, x2_dot):
    return x1_dot * safe_divide(x1, ans) + x2_dot * safe_divide(x2, ans)


# The weights exp(x - ans) are a softmax of (x1, x2); where both are the same
# infinity (x - ans is NaN) tie_weight splits evenly.
@adjoint(np.logaddexp, unbroadcast=True)
def logaddexp(x1, x2, *, ans, ans_bar):
    return ans_bar * tie_weight(np.exp(x1 - ans), x1, x2), ans_bar * tie_weight(np.exp(x2 - ans), x2, x1)


@tangent(np.logaddexp, broadcast=True)
def logaddexp_tangent(x1, x2, *, ans, x1_dot, x2_dot):
    return x1_dot * tie_weight(np.exp(x1 - ans), x1, x2) + x2_dot * tie_weight(np.exp(x2 - ans), x2, x1)


@adjoint(np.logaddexp2, unbroadcast=True)
def logaddexp2(x1, x2, *, ans, ans_bar):
    return ans_bar * tie_weight(np.exp2(x1 - ans), x1, x2), ans_bar * tie_weight(np.exp2(x2 - ans), x2, x1)


@tangent(np.logaddexp2, broadcast=True)
def logaddexp2_tangent(x1, x2, *, ans, x1_dot, x2_dot):
    return x1_dot * tie_weight(np.exp2(x1 - ans), x1, x2) + x2_dot * tie_weight(np.exp2(x2 - ans), x2, x1)


# copysign(x1, x2) == |x1| with x2's sign: piecewise constant in x2, which
# gets a zero adjoint (None); 0 at x1 == 0 (the zero subgradient of |x1|).
@adjoint(np.copysign, math.copysign, unbroadcast=True)
def copysign(x1, x2, *, ans, ans_bar):
    return ans_bar * (np.sign(x1) * np.copysign(1.0, x2)), None


@tangent(np.copysign, math.copysign, broadcast=True)
def copysign_tangent(x1, x2, *, ans, x1_dot, x2_dot):
    return x1_dot * (np.sign(x1) * np.copysign(1.0, x2))


# x1 * 2 ** x2 with an integer x2: linear in x1, piecewise constant (zero
# derivative) in x2.
@adjoint(np.ldexp, unbroadcast=True)
def ldexp(x1, x2, *, ans, ans_bar):
    return np.ldexp(ans_bar, x2), None


@tangent(np.ldexp, broadcast=True)
def ldexp_tangent(x1, x2, *, ans, x1_dot, x2_dot):
    return np.ldexp(x1_dot, x2)


# 1 where x is finite; NaN and infinities are replaced by constants.
@adjoint(np.nan_to_num, wrt="x")
def nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None, *, ans, ans_bar):
    return np.where(np.isfinite(x), ans_bar, 0)


@tangent(np.nan_to_num, wrt="x")
def nan_to_num_tangent(x, copy=True, nan=0.0, posinf=None, neginf=None, *, ans, x_dot):
    return np.where(np.isfinite(x), x_dot, np.zeros_like(ans))


# The adjoint goes to the argument that was picked; ties split it evenly. Where
# the result is NaN (maximum/minimum of a NaN) neither argument was picked: 0 to
# both; fmax/fmin pick the other argument of a NaN, which gets all.
@adjoint(np.maximum, np.minimum, np.fmax, np.fmin, unbroadcast=True)
def maximum(x1, x2, *, ans, ans_bar):
    return select_grad(ans_bar, x1, x2, ans), select_grad(ans_bar, x2, x1, ans)


# The weights are select_grad's shares: 1, 1/2 at ties, 0. select_grad is linear in
# its first argument (the engine drops the term of an inactive operand): one mask
# and one product per operand, as in the adjoint.
@tangent(np.maximum, np.minimum, np.fmax, np.fmin, broadcast=True)
def maximum_tangent(x1, x2, *, ans, x1_dot, x2_dot):
    return select_grad(x1_dot, x1, x2, ans) + select_grad(x2_dot, x2, x1, ans)


# Selecting (not multiplying by a mask) keeps a NaN or inf adjoint of the
# branch not taken out of the result. The condition is a boolean: its
# derivative is zero even where it depends on the inputs (in generated code it
# may come from a stack that also holds differentiable values).
@adjoint(np.where, wrt=("condition", "x", "y"), unbroadcast=True)
def where(condition, x=None, y=None, *, ans, ans_bar):
    return None, np.where(condition, ans_bar, 0), np.where(condition, 0, ans_bar)


# np.where, not a mask product: an inf or NaN tangent of the branch not taken
# stays out. One np.where for both operands: the tangent of an operand that is not
# differentiated is zeros_like(it), a zero of its own type, so the tangent's dtype
# and shape are those of np.where(condition, x, y).
@tangent(np.where, wrt=("condition", "x", "y"), broadcast=True)
def where_tangent(condition, x=None, y=None, *, ans, condition_dot, x_dot, y_dot):
    return np.where(condition, x_dot, y_dot)


# NumPy spells the bounds a_min/a_max or (keyword-only) min/max; a call uses
# one spelling, so the other pair is inactive and its contributions dropped.
# a gets the adjoint wherever the result is a (a bound hit exactly included): one
# mask (clip_from) and one np.where; a bound's mask is computed only when the bound
# is differentiated (clip_bound_grad: the upper bound before the lower one).
@adjoint(np.clip, wrt=("a", "a_min", "a_max", "min", "max"), unbroadcast=True)
def clip(a, a_min=None, a_max=None, min=None, max=None, *, ans, ans_bar):
    from_a = clip_from(ans, a)
    return (np.where(from_a, ans_bar, 0), clip_bound_grad(ans_bar, from_a, ans, a_min, a_max),
            clip_bound_grad(ans_bar, from_a, ans, a_max), clip_bound_grad(ans_bar, from_a, ans, min, max),
            clip_bound_grad(ans_bar, from_a, ans, max))


# The zero carries ans's dtype and shape (a Python-float tangent of a bound would
# make np.where return float64); clip_bound_grad is linear in its first argument,
# so the terms of the bounds that are not differentiated are dropped.
@tangent(np.clip, wrt=("a", "a_min", "a_max", "min", "max"), broadcast=True)
def clip_tangent(a, a_min=None, a_max=None, min=None, max=None, *, ans, a_dot, a_min_dot, a_max_dot, min_dot,
                 max_dot):
    from_a = clip_from(ans, a)
    zero = np.zeros_like(ans)
    return (np.where(from_a, a_dot, zero) + clip_bound_grad(a_min_dot, from_a, ans, a_min, a_max, zero)
            + clip_bound_grad(a_max_dot, from_a, ans, a_max, None, zero)
            + clip_bound_grad(min_dot, from_a, ans, min, max, zero)
            + clip_bound_grad(max_dot, from_a, ans, max, None, zero))


# ----------------------------------------------------------- tuple results
# modf(x) == (x - trunc(x), trunc(x)): the fractional part has slope 1, the
# integral part is piecewise constant. ans_bar is a pair (read_at gives 0.0
# for a pair that got no adjoint).
@adjoint(np.modf)
def modf(x, *, ans, ans_bar):
    return read_at(ans_bar, 0)


@tangent(np.modf)
def modf_tangent(x, *, ans, x_dot):
    return (x_dot, np.zeros_like(ans[1]))


# frexp(x) == (x * 2 ** -e, e) with an integer exponent e.
@adjoint(np.frexp)
def frexp(x, *, ans, ans_bar):
    return np.ldexp(read_at(ans_bar, 0), -ans[1])


@tangent(np.frexp)
def frexp_tangent(x, *, ans, x_dot):
    return (np.ldexp(x_dot, -ans[1]), np.zeros(np.shape(ans[1])))

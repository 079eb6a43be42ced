"""scipy.special: loaded only when scipy is installed (see ``OPTIONAL`` in s2s/rules/templates.py).

Generated code calls these functions by object, as it calls NumPy's; the
helpers come from s2s.runtime and import no scipy at import time.
"""
import math

import numpy as np
import scipy.special as sp

from s2s.rules import adjoint, elementwise, tangent
from s2s.runtime import (log_softmax_grad, log_softmax_jvp, logsumexp_b_grad, logsumexp_b_jvp, logsumexp_grad,
                         logsumexp_jvp, safe_divide, softmax_grad)

SQRT_PI = math.sqrt(math.pi)
SQRT_2PI = math.sqrt(2 * math.pi)

NONDIFFERENTIABLE = (sp.gammasgn,)


# ---------------------------------------------------------------- gamma and friends
@elementwise(sp.gammaln)
def gammaln(x, ans):
    return sp.digamma(x)


@elementwise(sp.gamma)
def gamma(x, ans):
    return ans * sp.digamma(x)


# The trigamma function polygamma(1, x) is zeta(2, x); the ufunc keeps float32.
@elementwise(sp.digamma)  # sp.psi is the same ufunc
def digamma(x, ans):
    return sp.zeta(2.0, x)


# Differentiable in x only: the order n is an integer.
@adjoint(sp.polygamma, wrt="x", unbroadcast=True)
def polygamma(n, x, *, ans, ans_bar):
    return ans_bar * sp.polygamma(n + 1, x)


@tangent(sp.polygamma, wrt="x", broadcast=True)
def polygamma_tangent(n, x, *, ans, x_dot):
    return x_dot * sp.polygamma(n + 1, x)


@adjoint(sp.betaln, unbroadcast=True)
def betaln(a, b, *, ans, ans_bar):
    both = sp.digamma(a + b)
    return ans_bar * (sp.digamma(a) - both), ans_bar * (sp.digamma(b) - both)


@tangent(sp.betaln, broadcast=True)
def betaln_tangent(a, b, *, ans, a_dot, b_dot):
    both = sp.digamma(a + b)
    return a_dot * (sp.digamma(a) - both) + b_dot * (sp.digamma(b) - both)


@adjoint(sp.beta, unbroadcast=True)
def beta(a, b, *, ans, ans_bar):
    both = sp.digamma(a + b)
    return ans_bar * ans * (sp.digamma(a) - both), ans_bar * ans * (sp.digamma(b) - both)


@tangent(sp.beta, broadcast=True)
def beta_tangent(a, b, *, ans, a_dot, b_dot):
    both = sp.digamma(a + b)
    return a_dot * (ans * (sp.digamma(a) - both)) + b_dot * (ans * (sp.digamma(b) - both))


# ---------------------------------------------------------------- error function and normal distribution
@elementwise(sp.erf)
def erf(x, ans):
    return 2.0 / SQRT_PI * np.exp(-x * x)


@elementwise(sp.erfc)
def erfc(x, ans):
    return -2.0 / SQRT_PI * np.exp(-x * x)


@elementwise(sp.erfinv)
def erfinv(x, ans):
    return SQRT_PI / 2.0 * np.exp(ans * ans)


@elementwise(sp.erfcinv)
def erfcinv(x, ans):
    return -SQRT_PI / 2.0 * np.exp(ans * ans)


@elementwise(sp.ndtr)
def ndtr(x, ans):
    return np.exp(-0.5 * x * x) / SQRT_2PI


@elementwise(sp.ndtri)
def ndtri(x, ans):
    return SQRT_2PI * np.exp(0.5 * ans * ans)


# pdf / cdf, as exp(log pdf - log cdf): finite far in the lower tail.
@elementwise(sp.log_ndtr)
def log_ndtr(x, ans):
    return np.exp(-0.5 * x * x - ans) / SQRT_2PI


# ---------------------------------------------------------------- logistic and entropy
@elementwise(sp.expit)
def expit(x, ans):
    return ans * (1 - ans)


@elementwise(sp.log_expit)
def log_expit(x, ans):
    return sp.expit(-x)


@elementwise(sp.logit)
def logit(x, ans):
    return 1 / (x * (1 - x))


# entr(x) = -x log x: the derivative is +inf at 0.
@elementwise(sp.entr)
def entr(x, ans):
    return -(np.log(x) + 1)


# xlogy(0, y) = 0: the adjoint of y is 0 there, even at y = 0.
@adjoint(sp.xlogy, unbroadcast=True)
def xlogy(x, y, *, ans, ans_bar):
    return ans_bar * np.log(y), ans_bar * safe_divide(x, y)


@tangent(sp.xlogy, broadcast=True)
def xlogy_tangent(x, y, *, ans, x_dot, y_dot):
    return x_dot * np.log(y) + y_dot * safe_divide(x, y)


@adjoint(sp.xlog1py, unbroadcast=True)
def xlog1py(x, y, *, ans, ans_bar):
    return ans_bar * np.log1p(y), ans_bar * safe_divide(x, 1 + y)


@tangent(sp.xlog1py, broadcast=True)
def xlog1py_tangent(x, y, *, ans, x_dot, y_dot):
    return x_dot * np.log1p(y) + y_dot * safe_divide(x, 1 + y)


@adjoint(sp.rel_entr, unbroadcast=True)
def rel_entr(x, y, *, ans, ans_bar):
    return ans_bar * (np.log(x / y) + 1), -ans_bar * (x / y)


@tangent(sp.rel_entr, broadcast=True)
def rel_entr_tangent(x, y, *, ans, x_dot, y_dot):
    return x_dot * (np.log(x / y) + 1) - y_dot * (x / y)


@adjoint(sp.kl_div, unbroadcast=True)
def kl_div(x, y, *, ans, ans_bar):
    return ans_bar * np.log(x / y), ans_bar * (1 - x / y)


@tangent(sp.kl_div, broadcast=True)
def kl_div_tangent(x, y, *, ans, x_dot, y_dot):
    return x_dot * np.log(x / y) + y_dot * (1 - x / y)


# ---------------------------------------------------------------- Bessel functions
@elementwise(sp.i0)
def i0(x, ans):
    return sp.i1(x)


# I1' = (I0 + I2) / 2: no division by x, finite at 0.
@elementwise(sp.i1)
def i1(x, ans):
    return 0.5 * (sp.i0(x) + sp.iv(2, x))


@elementwise(sp.k0)
def k0(x, ans):
    return -sp.k1(x)


# K1' = -(K0 + K2) / 2, J1' = (J0 - J2) / 2, Y1' = (Y0 - Y2) / 2.
@elementwise(sp.k1)
def k1(x, ans):
    return -0.5 * (sp.k0(x) + sp.kv(2.0, x))


@elementwise(sp.j0)
def j0(x, ans):
    return -sp.j1(x)


@elementwise(sp.j1)
def j1(x, ans):
    return 0.5 * (sp.j0(x) - sp.jv(2.0, x))


@elementwise(sp.y0)
def y0(x, ans):
    return -sp.y1(x)


@elementwise(sp.y1)
def y1(x, ans):
    return 0.5 * (sp.y0(x) - sp.yv(2.0, x))


# ---------------------------------------------------------------- scipy's own spellings of elementary functions
@elementwise(sp.erfcx)
def erfcx(x, ans):
    return 2.0 * x * ans - 2.0 / SQRT_PI


@elementwise(sp.loggamma)
def loggamma(x, ans):
    return sp.digamma(x)


@elementwise(sp.log1p)
def log1p(x, ans):
    return 1 / (1 + x)


@elementwise(sp.expm1)
def expm1(x, ans):
    return ans + 1


@elementwise(sp.exp2)
def exp2(x, ans):
    return ans * math.log(2.0)


@elementwise(sp.exp10)
def exp10(x, ans):
    return ans * math.log(10.0)


# cbrt: infinite derivative at 0.
@elementwise(sp.cbrt)
def cbrt(x, ans):
    return 1 / (3 * ans * ans)


@elementwise(sp.cosm1)
def cosm1(x, ans):
    return -np.sin(x)


# ---------------------------------------------------------------- reductions
# Weights exp(a - ans): stable where exp(a) overflows.
@adjoint(sp.logsumexp, wrt=("a", "b"), unbroadcast=True)
def logsumexp(a, axis=None, b=None, keepdims=False, *, ans, ans_bar):
    return (logsumexp_grad(ans_bar, a, ans, axis, b, keepdims),
            logsumexp_b_grad(ans_bar, a, ans, axis, b, keepdims))


@tangent(sp.logsumexp, wrt=("a", "b"))
def logsumexp_tangent(a, axis=None, b=None, keepdims=False, *, ans, a_dot, b_dot):
    return logsumexp_jvp(a_dot, a, ans, axis, b, keepdims) + logsumexp_b_jvp(b_dot, a, ans, axis, b, keepdims)


@adjoint(sp.softmax)
def softmax(x, axis=None, *, ans, ans_bar):
    return softmax_grad(ans_bar, ans, axis)


@tangent(sp.softmax)
def softmax_tangent(x, axis=None, *, ans, x_dot):
    return softmax_grad(x_dot, ans, axis)


@adjoint(sp.log_softmax)
def log_softmax(x, axis=None, *, ans, ans_bar):
    return log_softmax_grad(ans_bar, ans, axis)


@tangent(sp.log_softmax)
def log_softmax_tangent(x, axis=None, *, ans, x_dot):
    return log_softmax_jvp(x_dot, ans, axis)

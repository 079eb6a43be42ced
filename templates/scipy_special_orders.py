"""scipy.special functions with an order or a shape parameter: Bessel functions of real order
(iv, ive, jv, yv, yn, kv), the regularized incomplete gamma and beta functions, the Hurwitz zeta
function and 1 / Gamma. Loaded only when scipy is installed.

Each rule differentiates the argument x (zeta: the shift q). The order (iv's v, yn's n) and the
shape parameters (gammainc's a, betainc's a and b, zeta's exponent) are not in ``wrt``: their
derivatives are series that are not elementary, so a call whose order or shape depends on the
inputs is refused by the engine (it names the parameter and says to wrap it in s2s.stop_gradient).
The derivatives are written with functions that have rules themselves, so they differentiate again.
"""
import numpy as np
import scipy.special as sp

from s2s.rules import adjoint, elementwise, tangent
from s2s.runtime import astype, float_dtype


# ---------------------------------------------------------------- Bessel functions of real order
# The recurrences 2 C_v' = C_{v-1} - C_{v+1} (J, Y), 2 I_v' = I_{v-1} + I_{v+1}, 2 K_v' = -(K_{v-1} + K_{v+1}):
# no division by x, so finite at 0 wherever the function is.
@adjoint(sp.iv, wrt="x", unbroadcast=True)
def iv(v, x, *, ans, ans_bar):
    return ans_bar * (0.5 * (sp.iv(v - 1, x) + sp.iv(v + 1, x)))


@tangent(sp.iv, wrt="x", broadcast=True)
def iv_tangent(v, x, *, ans, x_dot):
    return x_dot * (0.5 * (sp.iv(v - 1, x) + sp.iv(v + 1, x)))


# ive(v, x) = iv(v, x) exp(-|x|)
@adjoint(sp.ive, wrt="x", unbroadcast=True)
def ive(v, x, *, ans, ans_bar):
    return ans_bar * (0.5 * (sp.ive(v - 1, x) + sp.ive(v + 1, x)) - np.sign(x) * ans)


@tangent(sp.ive, wrt="x", broadcast=True)
def ive_tangent(v, x, *, ans, x_dot):
    return x_dot * (0.5 * (sp.ive(v - 1, x) + sp.ive(v + 1, x)) - np.sign(x) * ans)


@adjoint(sp.jv, wrt="x", unbroadcast=True)
def jv(v, x, *, ans, ans_bar):
    return ans_bar * (0.5 * (sp.jv(v - 1, x) - sp.jv(v + 1, x)))


@tangent(sp.jv, wrt="x", broadcast=True)
def jv_tangent(v, x, *, ans, x_dot):
    return x_dot * (0.5 * (sp.jv(v - 1, x) - sp.jv(v + 1, x)))


@adjoint(sp.yv, wrt="x", unbroadcast=True)
def yv(v, x, *, ans, ans_bar):
    return ans_bar * (0.5 * (sp.yv(v - 1, x) - sp.yv(v + 1, x)))


@tangent(sp.yv, wrt="x", broadcast=True)
def yv_tangent(v, x, *, ans, x_dot):
    return x_dot * (0.5 * (sp.yv(v - 1, x) - sp.yv(v + 1, x)))


# yn(n, x) = yv(n, x) for an integer n; yn takes negative orders too (yn(-1, x) = -yn(1, x))
@adjoint(sp.yn, wrt="x", unbroadcast=True)
def yn(n, x, *, ans, ans_bar):
    return ans_bar * (0.5 * (sp.yn(n - 1, x) - sp.yn(n + 1, x)))


@tangent(sp.yn, wrt="x", broadcast=True)
def yn_tangent(n, x, *, ans, x_dot):
    return x_dot * (0.5 * (sp.yn(n - 1, x) - sp.yn(n + 1, x)))


@adjoint(sp.kv, wrt="x", unbroadcast=True)
def kv(v, x, *, ans, ans_bar):
    return ans_bar * (-0.5 * (sp.kv(v - 1, x) + sp.kv(v + 1, x)))


@tangent(sp.kv, wrt="x", broadcast=True)
def kv_tangent(v, x, *, ans, x_dot):
    return x_dot * (-0.5 * (sp.kv(v - 1, x) + sp.kv(v + 1, x)))


# ---------------------------------------------------------------- incomplete gamma and beta functions
# d/dx P(a, x) = x^(a-1) exp(-x) / Gamma(a), in logs (xlogy: 0 at x = 0 for a = 1); cast to x's float
# dtype, as scipy computes xlogy(1.0, float32) in float64
@adjoint(sp.gammainc, wrt="x", unbroadcast=True)
def gammainc(a, x, *, ans, ans_bar):
    return ans_bar * astype(np.exp(sp.xlogy(a - 1, x) - x - sp.gammaln(a)), float_dtype(x))


@tangent(sp.gammainc, wrt="x", broadcast=True)
def gammainc_tangent(a, x, *, ans, x_dot):
    return x_dot * astype(np.exp(sp.xlogy(a - 1, x) - x - sp.gammaln(a)), float_dtype(x))


@adjoint(sp.gammaincc, wrt="x", unbroadcast=True)
def gammaincc(a, x, *, ans, ans_bar):
    return -ans_bar * astype(np.exp(sp.xlogy(a - 1, x) - x - sp.gammaln(a)), float_dtype(x))


@tangent(sp.gammaincc, wrt="x", broadcast=True)
def gammaincc_tangent(a, x, *, ans, x_dot):
    return -x_dot * astype(np.exp(sp.xlogy(a - 1, x) - x - sp.gammaln(a)), float_dtype(x))


# d/dx I_x(a, b) = x^(a-1) (1-x)^(b-1) / B(a, b)
@adjoint(sp.betainc, wrt="x", unbroadcast=True)
def betainc(a, b, x, *, ans, ans_bar):
    return ans_bar * astype(np.exp(sp.xlogy(a - 1, x) + sp.xlog1py(b - 1, -x) - sp.betaln(a, b)), float_dtype(x))


@tangent(sp.betainc, wrt="x", broadcast=True)
def betainc_tangent(a, b, x, *, ans, x_dot):
    return x_dot * astype(np.exp(sp.xlogy(a - 1, x) + sp.xlog1py(b - 1, -x) - sp.betaln(a, b)), float_dtype(x))


# ---------------------------------------------------------------- zeta and 1 / Gamma
# Hurwitz zeta(x, q) = sum_k (k + q)^-x: d/dq = -x zeta(x + 1, q). The exponent x is not
# differentiated (Riemann's zeta(x) has no elementary derivative): an active x is refused.
@adjoint(sp.zeta, wrt="q", unbroadcast=True)
def zeta(x, q=None, *, ans, ans_bar):
    return ans_bar * (-x * sp.zeta(x + 1, q))


@tangent(sp.zeta, wrt="q", broadcast=True)
def zeta_tangent(x, q=None, *, ans, q_dot):
    return q_dot * (-x * sp.zeta(x + 1, q))


# d/dx 1 / Gamma(x) = -digamma(x) / Gamma(x); NaN at the poles of Gamma (0, -1, ...), where rgamma is 0.
@elementwise(sp.rgamma, singular=True)
def rgamma(x, ans):
    return -ans * sp.digamma(x)

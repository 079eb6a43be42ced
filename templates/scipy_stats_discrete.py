"""scipy.stats: the Poisson and binomial distributions (loaded only when scipy is installed).

pmf, logpmf, cdf, logcdf, sf and logsf differentiate the rate ``mu`` (Poisson) and the probability
``p`` (binomial). The count k, the number of trials n and the integer shift loc are not
differentiated (the functions are steps in them): a call where one of them depends on the inputs is
refused. Outside the support (pmf 0, logpmf -inf) the derivative is 0.

The distribution functions differentiate by the identities
d/dmu P(X <= k) = -pmf(floor(k); mu) and d/dp P(X <= k) = -n pmf(floor(k); n - 1, p),
so their derivatives call the pmf, which has a rule itself (Hessians).
"""
import numpy as np
import scipy.stats as stats

from s2s.rules import adjoint, tangent
from s2s.runtime import safe_divide


# ---------------------------------------------------------------- Poisson
# d/dmu log pmf = k / mu - 1 (k = 0, mu = 0: -1)
@adjoint(stats.poisson.pmf, wrt="mu", unbroadcast=True)
def poisson_pmf(k, mu, loc=0, *, ans, ans_bar):
    return ans_bar * ans * (safe_divide(k - loc, mu) - 1)


@tangent(stats.poisson.pmf, wrt="mu", broadcast=True)
def poisson_pmf_tangent(k, mu, loc=0, *, ans, mu_dot):
    return mu_dot * (ans * (safe_divide(k - loc, mu) - 1))


@adjoint(stats.poisson.logpmf, wrt="mu", unbroadcast=True)
def poisson_logpmf(k, mu, loc=0, *, ans, ans_bar):
    return ans_bar * np.where(ans > -np.inf, safe_divide(k - loc, mu) - 1, 0.0)


@tangent(stats.poisson.logpmf, wrt="mu", broadcast=True)
def poisson_logpmf_tangent(k, mu, loc=0, *, ans, mu_dot):
    return mu_dot * np.where(ans > -np.inf, safe_divide(k - loc, mu) - 1, 0.0)


@adjoint(stats.poisson.cdf, wrt="mu", unbroadcast=True)
def poisson_cdf(k, mu, loc=0, *, ans, ans_bar):
    return -ans_bar * stats.poisson.pmf(np.floor(k), mu, loc)


@tangent(stats.poisson.cdf, wrt="mu", broadcast=True)
def poisson_cdf_tangent(k, mu, loc=0, *, ans, mu_dot):
    return -mu_dot * stats.poisson.pmf(np.floor(k), mu, loc)


@adjoint(stats.poisson.logcdf, wrt="mu", unbroadcast=True)
def poisson_logcdf(k, mu, loc=0, *, ans, ans_bar):
    return -ans_bar * np.exp(stats.poisson.logpmf(np.floor(k), mu, loc) - ans)


@tangent(stats.poisson.logcdf, wrt="mu", broadcast=True)
def poisson_logcdf_tangent(k, mu, loc=0, *, ans, mu_dot):
    return -mu_dot * np.exp(stats.poisson.logpmf(np.floor(k), mu, loc) - ans)


@adjoint(stats.poisson.sf, wrt="mu", unbroadcast=True)
def poisson_sf(k, mu, loc=0, *, ans, ans_bar):
    return ans_bar * stats.poisson.pmf(np.floor(k), mu, loc)


@tangent(stats.poisson.sf, wrt="mu", broadcast=True)
def poisson_sf_tangent(k, mu, loc=0, *, ans, mu_dot):
    return mu_dot * stats.poisson.pmf(np.floor(k), mu, loc)


@adjoint(stats.poisson.logsf, wrt="mu", unbroadcast=True)
def poisson_logsf(k, mu, loc=0, *, ans, ans_bar):
    return ans_bar * np.exp(stats.poisson.logpmf(np.floor(k), mu, loc) - ans)


@tangent(stats.poisson.logsf, wrt="mu", broadcast=True)
def poisson_logsf_tangent(k, mu, loc=0, *, ans, mu_dot):
    return mu_dot * np.exp(stats.poisson.logpmf(np.floor(k), mu, loc) - ans)


# ---------------------------------------------------------------- binomial
# d/dp log pmf = k / p - (n - k) / (1 - p), each term 0 where its numerator is (p = 0 or 1 at the ends)
@adjoint(stats.binom.pmf, wrt="p", unbroadcast=True)
def binom_pmf(k, n, p, loc=0, *, ans, ans_bar):
    return ans_bar * ans * (safe_divide(k - loc, p) - safe_divide(n - k + loc, 1 - p))


@tangent(stats.binom.pmf, wrt="p", broadcast=True)
def binom_pmf_tangent(k, n, p, loc=0, *, ans, p_dot):
    return p_dot * (ans * (safe_divide(k - loc, p) - safe_divide(n - k + loc, 1 - p)))


@adjoint(stats.binom.logpmf, wrt="p", unbroadcast=True)
def binom_logpmf(k, n, p, loc=0, *, ans, ans_bar):
    return ans_bar * np.where(ans > -np.inf, safe_divide(k - loc, p) - safe_divide(n - k + loc, 1 - p), 0.0)


@tangent(stats.binom.logpmf, wrt="p", broadcast=True)
def binom_logpmf_tangent(k, n, p, loc=0, *, ans, p_dot):
    return p_dot * np.where(ans > -np.inf, safe_divide(k - loc, p) - safe_divide(n - k + loc, 1 - p), 0.0)


@adjoint(stats.binom.cdf, wrt="p", unbroadcast=True)
def binom_cdf(k, n, p, loc=0, *, ans, ans_bar):
    return -ans_bar * (n * stats.binom.pmf(np.floor(k), n - 1, p, loc))


@tangent(stats.binom.cdf, wrt="p", broadcast=True)
def binom_cdf_tangent(k, n, p, loc=0, *, ans, p_dot):
    return -p_dot * (n * stats.binom.pmf(np.floor(k), n - 1, p, loc))


@adjoint(stats.binom.logcdf, wrt="p", unbroadcast=True)
def binom_logcdf(k, n, p, loc=0, *, ans, ans_bar):
    return -ans_bar * (n * np.exp(stats.binom.logpmf(np.floor(k), n - 1, p, loc) - ans))


@tangent(stats.binom.logcdf, wrt="p", broadcast=True)
def binom_logcdf_tangent(k, n, p, loc=0, *, ans, p_dot):
    return -p_dot * (n * np.exp(stats.binom.logpmf(np.floor(k), n - 1, p, loc) - ans))


@adjoint(stats.binom.sf, wrt="p", unbroadcast=True)
def binom_sf(k, n, p, loc=0, *, ans, ans_bar):
    return ans_bar * (n * stats.binom.pmf(np.floor(k), n - 1, p, loc))


@tangent(stats.binom.sf, wrt="p", broadcast=True)
def binom_sf_tangent(k, n, p, loc=0, *, ans, p_dot):
    return p_dot * (n * stats.binom.pmf(np.floor(k), n - 1, p, loc))


@adjoint(stats.binom.logsf, wrt="p", unbroadcast=True)
def binom_logsf(k, n, p, loc=0, *, ans, ans_bar):
    return ans_bar * (n * np.exp(stats.binom.logpmf(np.floor(k), n - 1, p, loc) - ans))


@tangent(stats.binom.logsf, wrt="p", broadcast=True)
def binom_logsf_tangent(k, n, p, loc=0, *, ans, p_dot):
    return p_dot * (n * np.exp(stats.binom.logpmf(np.floor(k), n - 1, p, loc) - ans))

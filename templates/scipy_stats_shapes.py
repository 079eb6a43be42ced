"""scipy.stats: the gamma and beta distributions (loaded only when scipy is installed).

The form of templates/scipy_stats.py: the chain rule through z = (x - loc) / scale. pdf and logpdf
differentiate the shape parameters a (and b); cdf, sf and their logs (the regularized incomplete
gamma and beta functions) differentiate x, loc and scale only: a call whose shape parameter depends
on the inputs is refused (its derivative is not elementary).
"""
import numpy as np
import scipy.special as sp
import scipy.stats as stats

from s2s.rules import adjoint, tangent


# ---------------------------------------------------------------- gamma
@adjoint(stats.gamma.pdf, wrt=('x', 'a', 'loc', 'scale'), unbroadcast=True)
def gamma_pdf(x, a, loc=0.0, scale=1.0, *, ans, ans_bar):
    z = (x - loc) / scale
    slope = ans * ((a - 1) / z - 1)
    d_a = np.log(z) - sp.digamma(a)
    g = ans_bar * slope / scale
    return g, ans_bar * ans * d_a, -g, -ans_bar * (slope * z + ans) / scale


@tangent(stats.gamma.pdf, wrt=('x', 'a', 'loc', 'scale'), broadcast=True)
def gamma_pdf_tangent(x, a, loc=0.0, scale=1.0, *, ans, x_dot, a_dot, loc_dot, scale_dot):
    z = (x - loc) / scale
    slope = ans * ((a - 1) / z - 1)
    d_a = np.log(z) - sp.digamma(a)
    return (x_dot * (slope / scale) + a_dot * (ans * d_a) - loc_dot * (slope / scale)
            - scale_dot * ((slope * z + ans) / scale))


@adjoint(stats.gamma.logpdf, wrt=('x', 'a', 'loc', 'scale'), unbroadcast=True)
def gamma_logpdf(x, a, loc=0.0, scale=1.0, *, ans, ans_bar):
    z = (x - loc) / scale
    slope = (a - 1) / z - 1
    d_a = np.log(z) - sp.digamma(a)
    g = ans_bar * slope / scale
    return g, ans_bar * d_a, -g, -ans_bar * (slope * z + 1.0) / scale


@tangent(stats.gamma.logpdf, wrt=('x', 'a', 'loc', 'scale'), broadcast=True)
def gamma_logpdf_tangent(x, a, loc=0.0, scale=1.0, *, ans, x_dot, a_dot, loc_dot, scale_dot):
    z = (x - loc) / scale
    slope = (a - 1) / z - 1
    d_a = np.log(z) - sp.digamma(a)
    return (x_dot * (slope / scale) + a_dot * (d_a) - loc_dot * (slope / scale)
            - scale_dot * ((slope * z + 1.0) / scale))


@adjoint(stats.gamma.cdf, wrt=('x', 'loc', 'scale'), unbroadcast=True)
def gamma_cdf(x, a, loc=0.0, scale=1.0, *, ans, ans_bar):
    z = (x - loc) / scale
    slope = np.exp(stats.gamma.logpdf(z, a))
    g = ans_bar * slope / scale
    return g, -g, -ans_bar * slope * z / scale


@tangent(stats.gamma.cdf, wrt=('x', 'loc', 'scale'), broadcast=True)
def gamma_cdf_tangent(x, a, loc=0.0, scale=1.0, *, ans, x_dot, loc_dot, scale_dot):
    z = (x - loc) / scale
    slope = np.exp(stats.gamma.logpdf(z, a))
    return (x_dot * (slope / scale) - loc_dot * (slope / scale)
            - scale_dot * (slope * z / scale))


@adjoint(stats.gamma.logcdf, wrt=('x', 'loc', 'scale'), unbroadcast=True)
def gamma_logcdf(x, a, loc=0.0, scale=1.0, *, ans, ans_bar):
    z = (x - loc) / scale
    slope = np.exp(stats.gamma.logpdf(z, a) - ans)
    g = ans_bar * slope / scale
    return g, -g, -ans_bar * slope * z / scale


@tangent(stats.gamma.logcdf, wrt=('x', 'loc', 'scale'), broadcast=True)
def gamma_logcdf_tangent(x, a, loc=0.0, scale=1.0, *, ans, x_dot, loc_dot, scale_dot):
    z = (x - loc) / scale
    slope = np.exp(stats.gamma.logpdf(z, a) - ans)
    return (x_dot * (slope / scale) - loc_dot * (slope / scale)
            - scale_dot * (slope * z / scale))


@adjoint(stats.gamma.sf, wrt=('x', 'loc', 'scale'), unbroadcast=True)
def gamma_sf(x, a, loc=0.0, scale=1.0, *, ans, ans_bar):
    z = (x - loc) / scale
    slope = -np.exp(stats.gamma.logpdf(z, a))
    g = ans_bar * slope / scale
    return g, -g, -ans_bar * slope * z / scale


@tangent(stats.gamma.sf, wrt=('x', 'loc', 'scale'), broadcast=True)
def gamma_sf_tangent(x, a, loc=0.0, scale=1.0, *, ans, x_dot, loc_dot, scale_dot):
    z = (x - loc) / scale
    slope = -np.exp(stats.gamma.logpdf(z, a))
    return (x_dot * (slope / scale) - loc_dot * (slope / scale)
            - scale_dot * (slope * z / scale))


@adjoint(stats.gamma.logsf, wrt=('x', 'loc', 'scale'), unbroadcast=True)
def gamma_logsf(x, a, loc=0.0, scale=1.0, *, ans, ans_bar):
    z = (x - loc) / scale
    slope = -np.exp(stats.gamma.logpdf(z, a) - ans)
    g = ans_bar * slope / scale
    return g, -g, -ans_bar * slope * z / scale


@tangent(stats.gamma.logsf, wrt=('x', 'loc', 'scale'), broadcast=True)
def gamma_logsf_tangent(x, a, loc=0.0, scale=1.0, *, ans, x_dot, loc_dot, scale_dot):
    z = (x - loc) / scale
    slope = -np.exp(stats.gamma.logpdf(z, a) - ans)
    return (x_dot * (slope / scale) - loc_dot * (slope / scale)
            - scale_dot * (slope * z / scale))


# ---------------------------------------------------------------- beta
@adjoint(stats.beta.pdf, wrt=('x', 'a', 'b', 'loc', 'scale'), unbroadcast=True)
def beta_pdf(x, a, b, loc=0.0, scale=1.0, *, ans, ans_bar):
    z = (x - loc) / scale
    slope = ans * ((a - 1) / z - (b - 1) / (1 - z))
    d_a = np.log(z) - sp.digamma(a) + sp.digamma(a + b)
    d_b = np.log1p(-z) - sp.digamma(b) + sp.digamma(a + b)
    g = ans_bar * slope / scale
    return g, ans_bar * ans * d_a, ans_bar * ans * d_b, -g, -ans_bar * (slope * z + ans) / scale


@tangent(stats.beta.pdf, wrt=('x', 'a', 'b', 'loc', 'scale'), broadcast=True)
def beta_pdf_tangent(x, a, b, loc=0.0, scale=1.0, *, ans, x_dot, a_dot, b_dot, loc_dot, scale_dot):
    z = (x - loc) / scale
    slope = ans * ((a - 1) / z - (b - 1) / (1 - z))
    d_a = np.log(z) - sp.digamma(a) + sp.digamma(a + b)
    d_b = np.log1p(-z) - sp.digamma(b) + sp.digamma(a + b)
    return (x_dot * (slope / scale) + a_dot * (ans * d_a) + b_dot * (ans * d_b) - loc_dot * (slope / scale)
            - scale_dot * ((slope * z + ans) / scale))


@adjoint(stats.beta.logpdf, wrt=('x', 'a', 'b', 'loc', 'scale'), unbroadcast=True)
def beta_logpdf(x, a, b, loc=0.0, scale=1.0, *, ans, ans_bar):
    z = (x - loc) / scale
    slope = (a - 1) / z - (b - 1) / (1 - z)
    d_a = np.log(z) - sp.digamma(a) + sp.digamma(a + b)
    d_b = np.log1p(-z) - sp.digamma(b) + sp.digamma(a + b)
    g = ans_bar * slope / scale
    return g, ans_bar * d_a, ans_bar * d_b, -g, -ans_bar * (slope * z + 1.0) / scale


@tangent(stats.beta.logpdf, wrt=('x', 'a', 'b', 'loc', 'scale'), broadcast=True)
def beta_logpdf_tangent(x, a, b, loc=0.0, scale=1.0, *, ans, x_dot, a_dot, b_dot, loc_dot, scale_dot):
    z = (x - loc) / scale
    slope = (a - 1) / z - (b - 1) / (1 - z)
    d_a = np.log(z) - sp.digamma(a) + sp.digamma(a + b)
    d_b = np.log1p(-z) - sp.digamma(b) + sp.digamma(a + b)
    return (x_dot * (slope / scale) + a_dot * (d_a) + b_dot * (d_b) - loc_dot * (slope / scale)
            - scale_dot * ((slope * z + 1.0) / scale))


@adjoint(stats.beta.cdf, wrt=('x', 'loc', 'scale'), unbroadcast=True)
def beta_cdf(x, a, b, loc=0.0, scale=1.0, *, ans, ans_bar):
    z = (x - loc) / scale
    slope = np.exp(stats.beta.logpdf(z, a, b))
    g = ans_bar * slope / scale
    return g, -g, -ans_bar * slope * z / scale


@tangent(stats.beta.cdf, wrt=('x', 'loc', 'scale'), broadcast=True)
def beta_cdf_tangent(x, a, b, loc=0.0, scale=1.0, *, ans, x_dot, loc_dot, scale_dot):
    z = (x - loc) / scale
    slope = np.exp(stats.beta.logpdf(z, a, b))
    return (x_dot * (slope / scale) - loc_dot * (slope / scale)
            - scale_dot * (slope * z / scale))


@adjoint(stats.beta.logcdf, wrt=('x', 'loc', 'scale'), unbroadcast=True)
def beta_logcdf(x, a, b, loc=0.0, scale=1.0, *, ans, ans_bar):
    z = (x - loc) / scale
    slope = np.exp(stats.beta.logpdf(z, a, b) - ans)
    g = ans_bar * slope / scale
    return g, -g, -ans_bar * slope * z / scale


@tangent(stats.beta.logcdf, wrt=('x', 'loc', 'scale'), broadcast=True)
def beta_logcdf_tangent(x, a, b, loc=0.0, scale=1.0, *, ans, x_dot, loc_dot, scale_dot):
    z = (x - loc) / scale
    slope = np.exp(stats.beta.logpdf(z, a, b) - ans)
    return (x_dot * (slope / scale) - loc_dot * (slope / scale)
            - scale_dot * (slope * z / scale))


@adjoint(stats.beta.sf, wrt=('x', 'loc', 'scale'), unbroadcast=True)
def beta_sf(x, a, b, loc=0.0, scale=1.0, *, ans, ans_bar):
    z = (x - loc) / scale
    slope = -np.exp(stats.beta.logpdf(z, a, b))
    g = ans_bar * slope / scale
    return g, -g, -ans_bar * slope * z / scale


@tangent(stats.beta.sf, wrt=('x', 'loc', 'scale'), broadcast=True)
def beta_sf_tangent(x, a, b, loc=0.0, scale=1.0, *, ans, x_dot, loc_dot, scale_dot):
    z = (x - loc) / scale
    slope = -np.exp(stats.beta.logpdf(z, a, b))
    return (x_dot * (slope / scale) - loc_dot * (slope / scale)
            - scale_dot * (slope * z / scale))


@adjoint(stats.beta.logsf, wrt=('x', 'loc', 'scale'), unbroadcast=True)
def beta_logsf(x, a, b, loc=0.0, scale=1.0, *, ans, ans_bar):
    z = (x - loc) / scale
    slope = -np.exp(stats.beta.logpdf(z, a, b) - ans)
    g = ans_bar * slope / scale
    return g, -g, -ans_bar * slope * z / scale


@tangent(stats.beta.logsf, wrt=('x', 'loc', 'scale'), broadcast=True)
def beta_logsf_tangent(x, a, b, loc=0.0, scale=1.0, *, ans, x_dot, loc_dot, scale_dot):
    z = (x - loc) / scale
    slope = -np.exp(stats.beta.logpdf(z, a, b) - ans)
    return (x_dot * (slope / scale) - loc_dot * (slope / scale)
            - scale_dot * (slope * z / scale))

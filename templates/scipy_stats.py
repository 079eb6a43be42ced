"""scipy.stats: the normal, Student t and exponential distributions (loaded only when scipy is installed).

``scipy.stats.norm.logpdf(x, loc, scale)`` (and ``from scipy.stats import norm``) is a method bound
to the distribution object; the registry keys bound methods by object and function, so every read
of ``norm.logpdf`` finds the rule (s2s/rules/templates.py, ``Key``). Frozen distributions
(``norm(mu, s).logpdf(x)``) have no rule.

Each rule is the chain rule through z = (x - loc) / scale: with ``slope`` = d ans / d z,
d/dx = slope / scale, d/dloc = -slope / scale, d/dscale = -(slope z + c) / scale, c being ans for
pdf, 1 for logpdf and 0 otherwise. pdf and logpdf differentiate the shape parameter (t's df);
cdf, sf and their logs do not (the derivative in df is not elementary): a call whose df depends on
the inputs is refused. The derivatives call the distribution's own logpdf and functions with rules,
so they differentiate again (Hessians).
"""
import numpy as np
import scipy.special as sp
import scipy.stats as stats

from s2s.rules import adjoint, tangent


# ---------------------------------------------------------------- norm
@adjoint(stats.norm.pdf, wrt=('x', 'loc', 'scale'), unbroadcast=True)
def norm_pdf(x, loc=0.0, scale=1.0, *, ans, ans_bar):
    z = (x - loc) / scale
    slope = ans * (-z)
    g = ans_bar * slope / scale
    return g, -g, -ans_bar * (slope * z + ans) / scale


@tangent(stats.norm.pdf, wrt=('x', 'loc', 'scale'), broadcast=True)
def norm_pdf_tangent(x, loc=0.0, scale=1.0, *, ans, x_dot, loc_dot, scale_dot):
    z = (x - loc) / scale
    slope = ans * (-z)
    return (x_dot * (slope / scale) - loc_dot * (slope / scale)
            - scale_dot * ((slope * z + ans) / scale))


@adjoint(stats.norm.logpdf, wrt=('x', 'loc', 'scale'), unbroadcast=True)
def norm_logpdf(x, loc=0.0, scale=1.0, *, ans, ans_bar):
    z = (x - loc) / scale
    slope = -z
    g = ans_bar * slope / scale
    return g, -g, -ans_bar * (slope * z + 1.0) / scale


@tangent(stats.norm.logpdf, wrt=('x', 'loc', 'scale'), broadcast=True)
def norm_logpdf_tangent(x, loc=0.0, scale=1.0, *, ans, x_dot, loc_dot, scale_dot):
    z = (x - loc) / scale
    slope = -z
    return (x_dot * (slope / scale) - loc_dot * (slope / scale)
            - scale_dot * ((slope * z + 1.0) / scale))


@adjoint(stats.norm.cdf, wrt=('x', 'loc', 'scale'), unbroadcast=True)
def norm_cdf(x, loc=0.0, scale=1.0, *, ans, ans_bar):
    z = (x - loc) / scale
    slope = np.exp(stats.norm.logpdf(z))
    g = ans_bar * slope / scale
    return g, -g, -ans_bar * slope * z / scale


@tangent(stats.norm.cdf, wrt=('x', 'loc', 'scale'), broadcast=True)
def norm_cdf_tangent(x, loc=0.0, scale=1.0, *, ans, x_dot, loc_dot, scale_dot):
    z = (x - loc) / scale
    slope = np.exp(stats.norm.logpdf(z))
    return (x_dot * (slope / scale) - loc_dot * (slope / scale)
            - scale_dot * (slope * z / scale))


@adjoint(stats.norm.logcdf, wrt=('x', 'loc', 'scale'), unbroadcast=True)
def norm_logcdf(x, loc=0.0, scale=1.0, *, ans, ans_bar):
    z = (x - loc) / scale
    slope = np.exp(stats.norm.logpdf(z) - ans)
    g = ans_bar * slope / scale
    return g, -g, -ans_bar * slope * z / scale


@tangent(stats.norm.logcdf, wrt=('x', 'loc', 'scale'), broadcast=True)
def norm_logcdf_tangent(x, loc=0.0, scale=1.0, *, ans, x_dot, loc_dot, scale_dot):
    z = (x - loc) / scale
    slope = np.exp(stats.norm.logpdf(z) - ans)
    return (x_dot * (slope / scale) - loc_dot * (slope / scale)
            - scale_dot * (slope * z / scale))


@adjoint(stats.norm.sf, wrt=('x', 'loc', 'scale'), unbroadcast=True)
def norm_sf(x, loc=0.0, scale=1.0, *, ans, ans_bar):
    z = (x - loc) / scale
    slope = -np.exp(stats.norm.logpdf(z))
    g = ans_bar * slope / scale
    return g, -g, -ans_bar * slope * z / scale


@tangent(stats.norm.sf, wrt=('x', 'loc', 'scale'), broadcast=True)
def norm_sf_tangent(x, loc=0.0, scale=1.0, *, ans, x_dot, loc_dot, scale_dot):
    z = (x - loc) / scale
    slope = -np.exp(stats.norm.logpdf(z))
    return (x_dot * (slope / scale) - loc_dot * (slope / scale)
            - scale_dot * (slope * z / scale))


@adjoint(stats.norm.logsf, wrt=('x', 'loc', 'scale'), unbroadcast=True)
def norm_logsf(x, loc=0.0, scale=1.0, *, ans, ans_bar):
    z = (x - loc) / scale
    slope = -np.exp(stats.norm.logpdf(z) - ans)
    g = ans_bar * slope / scale
    return g, -g, -ans_bar * slope * z / scale


@tangent(stats.norm.logsf, wrt=('x', 'loc', 'scale'), broadcast=True)
def norm_logsf_tangent(x, loc=0.0, scale=1.0, *, ans, x_dot, loc_dot, scale_dot):
    z = (x - loc) / scale
    slope = -np.exp(stats.norm.logpdf(z) - ans)
    return (x_dot * (slope / scale) - loc_dot * (slope / scale)
            - scale_dot * (slope * z / scale))


# ---------------------------------------------------------------- t
@adjoint(stats.t.pdf, wrt=('x', 'df', 'loc', 'scale'), unbroadcast=True)
def t_pdf(x, df, loc=0.0, scale=1.0, *, ans, ans_bar):
    z = (x - loc) / scale
    slope = ans * (-(df + 1) * z / (df + z * z))
    d_df = 0.5 * (sp.digamma(0.5 * (df + 1)) - sp.digamma(0.5 * df) - 1 / df - np.log1p(z * z / df)
                  + (df + 1) * z * z / (df * (df + z * z)))
    g = ans_bar * slope / scale
    return g, ans_bar * ans * d_df, -g, -ans_bar * (slope * z + ans) / scale


@tangent(stats.t.pdf, wrt=('x', 'df', 'loc', 'scale'), broadcast=True)
def t_pdf_tangent(x, df, loc=0.0, scale=1.0, *, ans, x_dot, df_dot, loc_dot, scale_dot):
    z = (x - loc) / scale
    slope = ans * (-(df + 1) * z / (df + z * z))
    d_df = 0.5 * (sp.digamma(0.5 * (df + 1)) - sp.digamma(0.5 * df) - 1 / df - np.log1p(z * z / df)
                  + (df + 1) * z * z / (df * (df + z * z)))
    return (x_dot * (slope / scale) + df_dot * (ans * d_df) - loc_dot * (slope / scale)
            - scale_dot * ((slope * z + ans) / scale))


@adjoint(stats.t.logpdf, wrt=('x', 'df', 'loc', 'scale'), unbroadcast=True)
def t_logpdf(x, df, loc=0.0, scale=1.0, *, ans, ans_bar):
    z = (x - loc) / scale
    slope = -(df + 1) * z / (df + z * z)
    d_df = 0.5 * (sp.digamma(0.5 * (df + 1)) - sp.digamma(0.5 * df) - 1 / df - np.log1p(z * z / df)
                  + (df + 1) * z * z / (df * (df + z * z)))
    g = ans_bar * slope / scale
    return g, ans_bar * d_df, -g, -ans_bar * (slope * z + 1.0) / scale


@tangent(stats.t.logpdf, wrt=('x', 'df', 'loc', 'scale'), broadcast=True)
def t_logpdf_tangent(x, df, loc=0.0, scale=1.0, *, ans, x_dot, df_dot, loc_dot, scale_dot):
    z = (x - loc) / scale
    slope = -(df + 1) * z / (df + z * z)
    d_df = 0.5 * (sp.digamma(0.5 * (df + 1)) - sp.digamma(0.5 * df) - 1 / df - np.log1p(z * z / df)
                  + (df + 1) * z * z / (df * (df + z * z)))
    return (x_dot * (slope / scale) + df_dot * (d_df) - loc_dot * (slope / scale)
            - scale_dot * ((slope * z + 1.0) / scale))


@adjoint(stats.t.cdf, wrt=('x', 'loc', 'scale'), unbroadcast=True)
def t_cdf(x, df, loc=0.0, scale=1.0, *, ans, ans_bar):
    z = (x - loc) / scale
    slope = np.exp(stats.t.logpdf(z, df))
    g = ans_bar * slope / scale
    return g, -g, -ans_bar * slope * z / scale


@tangent(stats.t.cdf, wrt=('x', 'loc', 'scale'), broadcast=True)
def t_cdf_tangent(x, df, loc=0.0, scale=1.0, *, ans, x_dot, loc_dot, scale_dot):
    z = (x - loc) / scale
    slope = np.exp(stats.t.logpdf(z, df))
    return (x_dot * (slope / scale) - loc_dot * (slope / scale)
            - scale_dot * (slope * z / scale))


@adjoint(stats.t.logcdf, wrt=('x', 'loc', 'scale'), unbroadcast=True)
def t_logcdf(x, df, loc=0.0, scale=1.0, *, ans, ans_bar):
    z = (x - loc) / scale
    slope = np.exp(stats.t.logpdf(z, df) - ans)
    g = ans_bar * slope / scale
    return g, -g, -ans_bar * slope * z / scale


@tangent(stats.t.logcdf, wrt=('x', 'loc', 'scale'), broadcast=True)
def t_logcdf_tangent(x, df, loc=0.0, scale=1.0, *, ans, x_dot, loc_dot, scale_dot):
    z = (x - loc) / scale
    slope = np.exp(stats.t.logpdf(z, df) - ans)
    return (x_dot * (slope / scale) - loc_dot * (slope / scale)
            - scale_dot * (slope * z / scale))


@adjoint(stats.t.sf, wrt=('x', 'loc', 'scale'), unbroadcast=True)
def t_sf(x, df, loc=0.0, scale=1.0, *, ans, ans_bar):
    z = (x - loc) / scale
    slope = -np.exp(stats.t.logpdf(z, df))
    g = ans_bar * slope / scale
    return g, -g, -ans_bar * slope * z / scale


@tangent(stats.t.sf, wrt=('x', 'loc', 'scale'), broadcast=True)
def t_sf_tangent(x, df, loc=0.0, scale=1.0, *, ans, x_dot, loc_dot, scale_dot):
    z = (x - loc) / scale
    slope = -np.exp(stats.t.logpdf(z, df))
    return (x_dot * (slope / scale) - loc_dot * (slope / scale)
            - scale_dot * (slope * z / scale))


@adjoint(stats.t.logsf, wrt=('x', 'loc', 'scale'), unbroadcast=True)
def t_logsf(x, df, loc=0.0, scale=1.0, *, ans, ans_bar):
    z = (x - loc) / scale
    slope = -np.exp(stats.t.logpdf(z, df) - ans)
    g = ans_bar * slope / scale
    return g, -g, -ans_bar * slope * z / scale


@tangent(stats.t.logsf, wrt=('x', 'loc', 'scale'), broadcast=True)
def t_logsf_tangent(x, df, loc=0.0, scale=1.0, *, ans, x_dot, loc_dot, scale_dot):
    z = (x - loc) / scale
    slope = -np.exp(stats.t.logpdf(z, df) - ans)
    return (x_dot * (slope / scale) - loc_dot * (slope / scale)
            - scale_dot * (slope * z / scale))


# ---------------------------------------------------------------- expon
@adjoint(stats.expon.pdf, wrt=('x', 'loc', 'scale'), unbroadcast=True)
def expon_pdf(x, loc=0.0, scale=1.0, *, ans, ans_bar):
    z = (x - loc) / scale
    slope = ans * (-1.0)
    g = ans_bar * slope / scale
    return g, -g, -ans_bar * (slope * z + ans) / scale


@tangent(stats.expon.pdf, wrt=('x', 'loc', 'scale'), broadcast=True)
def expon_pdf_tangent(x, loc=0.0, scale=1.0, *, ans, x_dot, loc_dot, scale_dot):
    z = (x - loc) / scale
    slope = ans * (-1.0)
    return (x_dot * (slope / scale) - loc_dot * (slope / scale)
            - scale_dot * ((slope * z + ans) / scale))


@adjoint(stats.expon.logpdf, wrt=('x', 'loc', 'scale'), unbroadcast=True)
def expon_logpdf(x, loc=0.0, scale=1.0, *, ans, ans_bar):
    z = (x - loc) / scale
    slope = -1.0
    g = ans_bar * slope / scale
    return g, -g, -ans_bar * (slope * z + 1.0) / scale


@tangent(stats.expon.logpdf, wrt=('x', 'loc', 'scale'), broadcast=True)
def expon_logpdf_tangent(x, loc=0.0, scale=1.0, *, ans, x_dot, loc_dot, scale_dot):
    z = (x - loc) / scale
    slope = -1.0
    return (x_dot * (slope / scale) - loc_dot * (slope / scale)
            - scale_dot * ((slope * z + 1.0) / scale))


@adjoint(stats.expon.cdf, wrt=('x', 'loc', 'scale'), unbroadcast=True)
def expon_cdf(x, loc=0.0, scale=1.0, *, ans, ans_bar):
    z = (x - loc) / scale
    slope = np.exp(stats.expon.logpdf(z))
    g = ans_bar * slope / scale
    return g, -g, -ans_bar * slope * z / scale


@tangent(stats.expon.cdf, wrt=('x', 'loc', 'scale'), broadcast=True)
def expon_cdf_tangent(x, loc=0.0, scale=1.0, *, ans, x_dot, loc_dot, scale_dot):
    z = (x - loc) / scale
    slope = np.exp(stats.expon.logpdf(z))
    return (x_dot * (slope / scale) - loc_dot * (slope / scale)
            - scale_dot * (slope * z / scale))


@adjoint(stats.expon.logcdf, wrt=('x', 'loc', 'scale'), unbroadcast=True)
def expon_logcdf(x, loc=0.0, scale=1.0, *, ans, ans_bar):
    z = (x - loc) / scale
    slope = np.exp(stats.expon.logpdf(z) - ans)
    g = ans_bar * slope / scale
    return g, -g, -ans_bar * slope * z / scale


@tangent(stats.expon.logcdf, wrt=('x', 'loc', 'scale'), broadcast=True)
def expon_logcdf_tangent(x, loc=0.0, scale=1.0, *, ans, x_dot, loc_dot, scale_dot):
    z = (x - loc) / scale
    slope = np.exp(stats.expon.logpdf(z) - ans)
    return (x_dot * (slope / scale) - loc_dot * (slope / scale)
            - scale_dot * (slope * z / scale))


@adjoint(stats.expon.sf, wrt=('x', 'loc', 'scale'), unbroadcast=True)
def expon_sf(x, loc=0.0, scale=1.0, *, ans, ans_bar):
    z = (x - loc) / scale
    slope = -np.exp(stats.expon.logpdf(z))
    g = ans_bar * slope / scale
    return g, -g, -ans_bar * slope * z / scale


@tangent(stats.expon.sf, wrt=('x', 'loc', 'scale'), broadcast=True)
def expon_sf_tangent(x, loc=0.0, scale=1.0, *, ans, x_dot, loc_dot, scale_dot):
    z = (x - loc) / scale
    slope = -np.exp(stats.expon.logpdf(z))
    return (x_dot * (slope / scale) - loc_dot * (slope / scale)
            - scale_dot * (slope * z / scale))


@adjoint(stats.expon.logsf, wrt=('x', 'loc', 'scale'), unbroadcast=True)
def expon_logsf(x, loc=0.0, scale=1.0, *, ans, ans_bar):
    z = (x - loc) / scale
    slope = -np.exp(stats.expon.logpdf(z) - ans)
    g = ans_bar * slope / scale
    return g, -g, -ans_bar * slope * z / scale


@tangent(stats.expon.logsf, wrt=('x', 'loc', 'scale'), broadcast=True)
def expon_logsf_tangent(x, loc=0.0, scale=1.0, *, ans, x_dot, loc_dot, scale_dot):
    z = (x - loc) / scale
    slope = -np.exp(stats.expon.logpdf(z) - ans)
    return (x_dot * (slope / scale) - loc_dot * (slope / scale)
            - scale_dot * (slope * z / scale))

"""scipy.stats: the Dirichlet and multivariate normal densities (loaded only when scipy is installed).

``dirichlet.pdf/logpdf(x, alpha)`` differentiate x (all K components on the first axis, or the
first K - 1, the last being 1 - their sum) and alpha; ``multivariate_normal.pdf/logpdf(x, mean, cov)``
differentiate x, mean and cov (a number, a vector of variances, or a matrix, of which scipy reads the
lower triangle only: the adjoint of the strict upper triangle is 0). The helpers of
s2s/runtime/distributions.py do the shape work; they have no rules themselves: a second derivative
differentiates their source (tests/test_rules_issue17.py checks the Hessians).
multivariate_normal's cdf and logcdf (numerical integrals) have no rule.
"""
import scipy.stats as stats

from s2s.rules import adjoint, tangent
from s2s.runtime import (dirichlet_alpha_grad, dirichlet_alpha_jvp, dirichlet_x_grad, dirichlet_x_jvp, mvn_cov_grad,
                         mvn_cov_jvp, mvn_mean_grad, mvn_mean_jvp, mvn_x_grad, mvn_x_jvp)


# ---------------------------------------------------------------- Dirichlet
@adjoint(stats.dirichlet.logpdf)
def dirichlet_logpdf(x, alpha, *, ans, ans_bar):
    return dirichlet_x_grad(ans_bar, x, alpha), dirichlet_alpha_grad(ans_bar, x, alpha)


@tangent(stats.dirichlet.logpdf)
def dirichlet_logpdf_tangent(x, alpha, *, ans, x_dot, alpha_dot):
    return dirichlet_x_jvp(x_dot, x, alpha) + dirichlet_alpha_jvp(alpha_dot, x, alpha)


@adjoint(stats.dirichlet.pdf)
def dirichlet_pdf(x, alpha, *, ans, ans_bar):
    return dirichlet_x_grad(ans_bar * ans, x, alpha), dirichlet_alpha_grad(ans_bar * ans, x, alpha)


@tangent(stats.dirichlet.pdf)
def dirichlet_pdf_tangent(x, alpha, *, ans, x_dot, alpha_dot):
    return ans * dirichlet_x_jvp(x_dot, x, alpha) + ans * dirichlet_alpha_jvp(alpha_dot, x, alpha)


# ---------------------------------------------------------------- multivariate normal
@adjoint(stats.multivariate_normal.logpdf, wrt=("x", "mean", "cov"))
def multivariate_normal_logpdf(x, mean=None, cov=1, allow_singular=False, *, ans, ans_bar):
    return mvn_x_grad(ans_bar, x, mean, cov), mvn_mean_grad(ans_bar, x, mean, cov), mvn_cov_grad(ans_bar, x, mean, cov)


@tangent(stats.multivariate_normal.logpdf, wrt=("x", "mean", "cov"))
def multivariate_normal_logpdf_tangent(x, mean=None, cov=1, allow_singular=False, *, ans, x_dot, mean_dot, cov_dot):
    return mvn_x_jvp(x_dot, x, mean, cov) + mvn_mean_jvp(mean_dot, x, mean, cov) + mvn_cov_jvp(cov_dot, x, mean, cov)


@adjoint(stats.multivariate_normal.pdf, wrt=("x", "mean", "cov"))
def multivariate_normal_pdf(x, mean=None, cov=1, allow_singular=False, *, ans, ans_bar):
    g = ans_bar * ans
    return mvn_x_grad(g, x, mean, cov), mvn_mean_grad(g, x, mean, cov), mvn_cov_grad(g, x, mean, cov)


@tangent(stats.multivariate_normal.pdf, wrt=("x", "mean", "cov"))
def multivariate_normal_pdf_tangent(x, mean=None, cov=1, allow_singular=False, *, ans, x_dot, mean_dot, cov_dot):
    return (ans * mvn_x_jvp(x_dot, x, mean, cov) + ans * mvn_mean_jvp(mean_dot, x, mean, cov)
            + ans * mvn_cov_jvp(cov_dot, x, mean, cov))

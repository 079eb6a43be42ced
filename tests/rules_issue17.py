"""Cases of tests/test_rules.py for the rules of issue 17: scipy.special functions with an order or
shape parameter (templates/scipy_special_orders.py), the scipy.stats distributions
(templates/scipy_stats*.py) and NumPy's einsum sublists, gradient, partition, rollaxis, math.copysign.

``calls`` and ``rows`` are appended to CALLS and ROWS there; ``SECOND_ORDER`` lists the row
functions whose Hessians tests/test_rules_issue17.py checks (with forward against reverse mode).
The scipy cases are added only when scipy is importable.
"""
import math

import numpy as np

import s2s.runtime as R

try:
    import scipy.special as sp
    import scipy.stats as st
except ImportError:  # scipy is optional
    sp = st = None

HAVE_SCIPY = sp is not None
# the helpers of the multivariate densities (s2s/runtime/distributions.py) have no rules (second
# derivatives differentiate their source)
HELPERS_WITHOUT_RULES = ("dirichlet_alpha_grad", "dirichlet_alpha_jvp", "dirichlet_x_grad", "dirichlet_x_jvp",
                         "mvn_cov_grad", "mvn_cov_jvp", "mvn_mean_grad", "mvn_mean_jvp", "mvn_x_grad", "mvn_x_jvp",
                         "eig_grad", "eig_jvp", "eigvals_grad", "eigvals_jvp")


def covered_elsewhere():
    """Primitives whose results are complex (np.linalg.eig of a real matrix): the direct template calls of
    test_rules.py compare real values, so the row functions and tests/test_rules_issue17.py check them."""
    return (np.linalg.eig, np.linalg.eigvals, R.eig_grad, R.eig_jvp, R.eigvals_grad, R.eigvals_jvp)
CONTINUOUS = (("norm", ()), ("t", (3.5,)), ("expon", ()), ("gamma", (2.5,)), ("beta", (2.0, 3.0)))
METHODS = ("pdf", "logpdf", "cdf", "logcdf", "sf", "logsf")


def calls(add, u, pos, away):
    """Direct template calls: ``add(id, prim, *args, wrt=..., **kwargs)``."""
    a = _distinct(3, 5)
    add("partition", np.partition, a, 2)
    add("partition_axis0", np.partition, a, (0, 2), 0)
    add("partition_flat", np.partition, a, 7, None)
    add("rollaxis", np.rollaxis, u(2, 3, 4), 2)
    add("rollaxis_start", np.rollaxis, u(2, 3, 4, 5), 1, 4)
    add("rollaxis_negative", np.rollaxis, u(2, 3, 4), -1, -2)
    add("math_copysign", math.copysign, away(), -0.7)
    add("gradient", np.gradient, u(6))
    add("gradient_spacing_axis", np.gradient, u(3, 5), 0.5, axis=1)
    add("gradient_edge_order_2", np.gradient, u(4, 5), edge_order=2, axis=(0,))
    add("gradient_all_axes", np.gradient, u(3, 4))
    add("gradient_coordinates", np.gradient, u(5, 2), np.array([0.0, 0.3, 1.0, 1.5, 2.7]), axis=0, edge_order=2)
    add("gradient_negative_axes", np.gradient, u(2, 3, 4), axis=(-1, 0))
    add("rt_gradient_grad", R.gradient_grad, u(5), u(5))
    add("rt_gradient_grad_axes", R.gradient_grad, (u(3, 4), u(3, 4)), u(3, 4), 0.5, None, 2)
    add("rt_partition_grad", R.partition_grad, u(3, 5), a, 2)
    add("rt_partition_grad_flat", R.partition_grad, u(15), a, 4, None)
    add("rt_partition_jvp", R.partition_jvp, u(3, 5), a, (1, 3), -1)
    if HAVE_SCIPY:
        _special_calls(add, u, pos)
        _stats_calls(add, u, pos)


def _special_calls(add, u, pos):
    x = pos(2, 3) + 0.3
    add("iv", sp.iv, 1.5, x, wrt=(1,))
    add("iv_orders", sp.iv, np.array([0.0, 1.0, 2.5]), x, wrt=(1,))
    add("iv_negative_x", sp.iv, np.array([0.0, 1.0, 2.0]), u(2, 3), wrt=(1,))  # integer orders: real for x < 0
    add("ive", sp.ive, 0.5, x, wrt=(1,))
    add("ive_negative_x", sp.ive, 2.0, u(2, 3), wrt=(1,))
    add("jv", sp.jv, 2.0, x, wrt=(1,))
    add("yv", sp.yv, 1.3, x, wrt=(1,))
    add("yn", sp.yn, 2, x, wrt=(1,))
    add("yn_negative_order", sp.yn, -1, x, wrt=(1,))
    add("kv", sp.kv, 0.7, x, wrt=(1,))
    add("gammainc", sp.gammainc, 2.5, x, wrt=(1,))
    add("gammainc_a_one", sp.gammainc, np.array([1.0, 2.0, 0.5]), x, wrt=(1,))
    add("gammaincc", sp.gammaincc, 1.5, x, wrt=(1,))
    add("betainc", sp.betainc, 2.0, 3.0, 0.5 * pos(2, 3), wrt=(2,))
    add("betainc_broadcast", sp.betainc, np.array([0.5, 1.0, 4.0]), 1.5, 0.4 * pos(2, 3) + 0.05, wrt=(2,))
    add("zeta", sp.zeta, 3.0, x, wrt=(1,))
    add("zeta_keyword", sp.zeta, np.array([2.0, 3.0, 4.5]), q=x, wrt=("q",))
    add("rgamma", sp.rgamma, u(2, 3) * 2.0 + 0.5)


def _stats_calls(add, u, pos):
    x = 0.3 * pos(2, 3) + 0.05  # inside (0, 1): the support of every distribution here
    for name, shapes in CONTINUOUS:
        dist = getattr(st, name)
        for method in METHODS:
            prim = getattr(dist, method)
            n = len(shapes) if method in ("pdf", "logpdf") else 0
            add("{}_{}".format(name, method), prim, x, *shapes, 0.02, 1.1, wrt=(0,) + tuple(
                range(1, 1 + n)) + (1 + len(shapes), 2 + len(shapes)))
            add("{}_{}_keywords".format(name, method), prim, x, *shapes, wrt=(0, "loc", "scale"),
                loc=-0.05 * pos(3), scale=1.2)
            add("{}_{}_standard".format(name, method), prim, x, *shapes)
    k = np.array([[0.0, 1.0, 3.0], [2.0, 5.0, 7.0]])
    for method in ("pmf", "logpmf", "cdf", "logcdf", "sf", "logsf"):
        add("poisson_" + method, getattr(st.poisson, method), k, 2.0 + pos(3), wrt=(1,))
        add("poisson_{}_loc".format(method), getattr(st.poisson, method), k + 1.0, 1.5 * pos(2, 3), 1, wrt=(1,))
        add("binom_" + method, getattr(st.binom, method), k, 8, 0.1 + 0.3 * pos(3), wrt=(2,))
        add("binom_{}_keywords".format(method), getattr(st.binom, method), k, n=np.array([7, 9, 8]),
            p=0.4, wrt=("p",))
    _multivariate_calls(add, u, pos)


def _simplex(k, n=None):
    w = np.random.default_rng(k).uniform(0.5, 2.0, (k,) if n is None else (k, n))
    return w / np.sum(w, axis=0)


def _spd(n):
    a = np.random.default_rng(n).uniform(-1.0, 1.0, (n, n))
    return a @ a.T + n * np.eye(n)


def _multivariate_calls(add, u, pos):
    alpha = pos(3) + 0.5
    for method in ("logpdf", "pdf"):
        prim = getattr(st.dirichlet, method)
        # all K components lie on the simplex, which scipy checks: x moves only in the short form
        add("dirichlet_" + method, prim, _simplex(3), alpha, wrt=(1,))
        add("dirichlet_{}_samples".format(method), prim, _simplex(3, 4), alpha, wrt=(1,))
        add("dirichlet_{}_short".format(method), prim, _simplex(3)[:2], alpha, wrt=(0, 1))
        add("dirichlet_{}_short_samples".format(method), prim, _simplex(3, 2)[:2], alpha, wrt=(0, 1))
        prim = getattr(st.multivariate_normal, method)
        scale = 0.3 if method == "pdf" else 1.0
        add("mvn_" + method, prim, scale * u(3), u(3), _spd(3), wrt=(0, 1, 2))
        add("mvn_{}_samples".format(method), prim, scale * u(4, 3), u(3), _spd(3), wrt=(0, 1, 2))
        add("mvn_{}_batch".format(method), prim, scale * u(2, 4, 3), wrt=(0, "mean", "cov"), mean=u(3), cov=_spd(3))
        add("mvn_{}_variances".format(method), prim, scale * u(4, 2), u(2), pos(2), wrt=(0, 1, 2))
        add("mvn_{}_scalar_cov".format(method), prim, scale * u(3), u(3), 1.7, wrt=(0, 1, 2))
        add("mvn_{}_default_mean".format(method), prim, scale * u(5, 2), None, _spd(2), wrt=(0, 2))
        add("mvn_{}_one_dimension".format(method), prim, u(4), 0.2, 1.3, wrt=(0, 1, 2))


def rows(r, u, pos, away):
    """``r(fn, *args, wrt=...)`` for each rule of issue 17."""
    r(f_einsum_sublists, u(3, 4), u(4, 2), wrt=(0, 1))
    r(f_einsum_sublists_ellipsis, u(2, 3, 4))
    r(f_partition, _distinct(3, 5))
    r(f_rollaxis, u(2, 3, 4))
    r(f_math_copysign, away(), away(), wrt=(0, 1))
    r(f_rt_partition, u(3, 5), _distinct(3, 5), wrt=(0, 1))
    r(f_gradient, u(4, 5))
    r(f_eig, np.random.default_rng(5).normal(size=(4, 4)))  # two complex eigenvalues
    r(f_eig, np.diag([0.5, 1.0, 2.0, 3.0]) + 0.2 * u(4, 4))  # real eigenvalues
    r(f_eig_stack, np.random.default_rng(6).normal(size=(2, 3, 3)))
    r(f_eigvals, np.random.default_rng(5).normal(size=(4, 4)))
    r(f_rt_gradient_grad, u(3, 4), u(3, 4), wrt=(0, 1))
    if HAVE_SCIPY:
        for fn in SPECIAL:
            r(fn, pos(3) * 0.4 + 0.2)
        x = 0.3 * pos(4) + 0.05
        for fn in STATS_CONTINUOUS:
            r(fn, x, 0.05, 1.2, wrt=(0, 1, 2))
        r(f_t_df, x, 4.0, wrt=(0, 1))
        r(f_gamma_a, x, 2.5, wrt=(0, 1))
        r(f_beta_ab, x, 2.0, 3.0, wrt=(0, 1, 2))
        r(f_poisson, 2.0 + pos(3))
        r(f_dirichlet, _simplex(3, 2), pos(3) + 0.5, wrt=(0, 1))
        r(f_mvn, u(4, 3), u(3), _spd(3), wrt=(0, 1, 2))
        r(f_binom, 0.1 + 0.3 * pos(3))


def _distinct(*shape):
    """Values no two of which are closer than 0.1 (no ties for the partition)."""
    n = int(np.prod(shape))
    return (np.random.default_rng(n).permutation(n) * 0.2 - 0.1 * n).reshape(shape)


# ----------------------------------------------------------------- row functions (NumPy)
def f_einsum_sublists(a, b): return np.sum(np.sin(np.einsum(a, [0, 1], b, [1, 2], [0, 2])))
def f_einsum_sublists_ellipsis(a): return np.sum(np.einsum(a, [..., 1], a, [..., 1])) + np.sum(np.einsum(a, (0, 1, 2), [2, 0]))
def f_partition(a): return np.sum(np.partition(a, 2) * np.arange(5.0)) + np.sum(np.partition(a, (0, 2), axis=0) ** 2)
def f_rollaxis(a): return np.sum(np.sin(np.rollaxis(a, 2)) * np.arange(3.0)) + np.sum(np.rollaxis(a, 0, 3) ** 3)
def f_math_copysign(x, y): return math.copysign(x, y) * x + math.copysign(2.0, x)
def f_gradient(x):
    gx, gy = np.gradient(x, 0.5, edge_order=2)
    return np.sum(gx * np.sin(gy)) + np.sum(np.gradient(x[0], np.array([0.0, 0.4, 0.9, 1.0, 2.0])) ** 2)
def f_rt_gradient_grad(g, f): return np.sum(np.sin(R.gradient_grad((g, g * g), f, 0.7))) + np.sum(
    R.gradient_grad(g[:, 0], f[:, 0], 1.0, 0, 2) ** 2)
EIG_W = np.array([0.3, -0.7, 1.1, 0.4])
def f_eig(a):
    w, v = np.linalg.eig(a)
    return (np.sum(np.real(w) * EIG_W) + np.sum(np.imag(w) ** 2) + np.sum(np.abs(v[0]) * EIG_W)
            + np.real(v[1, 2] * v[2, 1]) + np.sum(np.imag(v[:, 1])))
def f_eig_stack(a):
    w, v = np.linalg.eig(a)
    return np.sum(np.abs(w) ** 2) + np.sum(np.real(v) * a)
def f_eigvals(a): return np.sum(np.abs(np.linalg.eigvals(a)) ** 3) + np.sum(np.real(np.linalg.eigvals(a @ a)))
def f_rt_partition(g, a): return np.sum(np.sin(R.partition_grad(g, a, 2) + R.partition_jvp(g, a, 1, -1)))


# ----------------------------------------------------------------- row functions (scipy)
def f_bessel_orders(x): return np.sum(sp.iv(1.5, x) + sp.ive(0.5, x) * sp.jv(2.0, x) + sp.yv(1.0, x + 1.0)
                                      + sp.yn(2, x + 1.0) + sp.kv(0.7, x + 1.0))
def f_incomplete(x): return np.sum(sp.gammainc(2.5, x) * sp.gammaincc(1.5, x) + sp.betainc(2.0, 3.0, 0.5 * x))
def f_zeta_rgamma(x): return np.sum(sp.zeta(3.0, x + 1.0) + sp.rgamma(x) + sp.zeta(2.0, q=x))
def f_digamma_chain(x): return np.sum(sp.digamma(x) * sp.polygamma(1, x))
def f_norm(x, loc, scale):
    return np.sum(st.norm.pdf(x, loc, scale) + st.norm.logpdf(x, loc=loc, scale=scale)
                  + st.norm.cdf(x, loc, scale) * st.norm.logcdf(x, loc, scale) + st.norm.sf(x, loc, scale) ** 2
                  + st.norm.logsf(x, loc, scale))
def f_t(x, loc, scale):
    return np.sum(st.t.pdf(x, 3.0, loc, scale) + st.t.logpdf(x, 3.0, loc=loc, scale=scale)
                  + st.t.cdf(x, 3.0, loc, scale) * st.t.logcdf(x, 5.0, loc, scale) + st.t.sf(x, 2.5, loc, scale) ** 2
                  + st.t.logsf(x, 4.0, loc, scale))
def f_expon(x, loc, scale):
    return np.sum(st.expon.pdf(x, loc, scale) + st.expon.logpdf(x, loc=loc, scale=scale)
                  + st.expon.cdf(x, loc, scale) * st.expon.logcdf(x, loc, scale) + st.expon.sf(x, loc, scale) ** 2
                  + st.expon.logsf(x, loc, scale))
def f_gamma(x, loc, scale):
    return np.sum(st.gamma.pdf(x + 0.2, 2.5, loc, scale) + st.gamma.logpdf(x + 0.2, 2.5, loc=loc, scale=scale)
                  + st.gamma.cdf(x + 0.2, 2.5, loc, scale) * st.gamma.logcdf(x + 0.2, 1.5, loc, scale)
                  + st.gamma.sf(x + 0.2, 3.0, loc, scale) ** 2 + st.gamma.logsf(x + 0.2, 2.0, loc, scale))
def f_beta(x, loc, scale):
    return np.sum(st.beta.pdf(x, 2.0, 3.0, loc, scale) + st.beta.logpdf(x, 2.0, 3.0, loc=loc, scale=scale)
                  + st.beta.cdf(x, 2.0, 3.0, loc, scale) * st.beta.logcdf(x, 1.5, 2.0, loc, scale)
                  + st.beta.sf(x, 3.0, 2.0, loc, scale) ** 2 + st.beta.logsf(x, 2.5, 1.5, loc, scale))
def f_t_df(x, df): return np.sum(st.t.logpdf(x, df) + st.t.pdf(x, df=df, scale=1.5))
def f_gamma_a(x, a): return np.sum(st.gamma.logpdf(x, a) + st.gamma.pdf(x, a, scale=0.8))
def f_beta_ab(x, a, b): return np.sum(st.beta.logpdf(x, a, b) + st.beta.pdf(x, a, b))
def f_poisson(mu):
    k = np.array([0.0, 2.0, 5.0])
    return np.sum(st.poisson.pmf(k, mu) + st.poisson.logpmf(k, mu) + st.poisson.cdf(k, mu) ** 2
                  + st.poisson.logcdf(k, mu) + st.poisson.sf(k, mu) + st.poisson.logsf(k, mu))
def f_binom(p):
    k = np.array([0.0, 2.0, 5.0])
    return np.sum(st.binom.pmf(k, 6, p) + st.binom.logpmf(k, 6, p) + st.binom.cdf(k, 6, p) ** 2
                  + st.binom.logcdf(k, 6, p) + st.binom.sf(k, 6, p) + st.binom.logsf(k, 6, p))
def f_dirichlet(x, alpha): return np.sum(st.dirichlet.logpdf(x[:2], alpha)) + st.dirichlet.pdf(x[:2, 0], alpha)
def f_mvn(x, mean, cov):
    s = cov @ cov.T
    return np.sum(st.multivariate_normal.logpdf(x, mean, s)) + st.multivariate_normal.pdf(x[0] * 0.3, cov=s)


SPECIAL = (f_bessel_orders, f_incomplete, f_zeta_rgamma, f_digamma_chain)
STATS_CONTINUOUS = (f_norm, f_t, f_expon, f_gamma, f_beta)
SECOND_ORDER = (f_einsum_sublists, f_partition, f_rollaxis, f_gradient) + SPECIAL + STATS_CONTINUOUS + (f_t_df, f_gamma_a, f_beta_ab, f_poisson, f_binom, f_dirichlet, f_mvn)

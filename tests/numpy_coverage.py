"""Issue 6 (NumPy coverage): the cases test_rules.py adds to its two tables.

``calls(add, ...)`` adds direct template calls to CALLS (``add(id, prim,
*args, wrt=..., **kwargs)``, checked in reverse and forward mode against
central differences); ``rows(r, ...)`` adds functions to ROWS (checked
through ``s2s.check_grad``, so the generated code runs). The input makers
(``u``, ``pos``, ``away``, ``distinct``) are test_rules.py's, passed in so
that this module shares its seeded generator.

Elementwise functions are checked systematically: every unary ufunc on a
Python float, a 0-d array, a vector and a matrix; every binary one on
scalar pairs, equal shapes and broadcasting pairs.
"""
import numpy as np

import s2s.runtime as R

# (primitive, domain maker name): unary elementwise primitives with NumPy arrays.
UNARY = [
    (np.exp, "u"), (np.exp2, "u"), (np.expm1, "u"), (np.log, "pos"), (np.log2, "pos"), (np.log10, "pos"),
    (np.log1p, "pos"), (np.sqrt, "pos"), (np.cbrt, "away"), (np.square, "u"), (np.reciprocal, "away"),
    (np.sin, "u"), (np.cos, "u"), (np.tan, "u"), (np.arcsin, "u"), (np.arccos, "u"), (np.arctan, "u"),
    (np.sinh, "u"), (np.cosh, "u"), (np.tanh, "u"), (np.arcsinh, "u"), (np.arccosh, "above1"),
    (np.arctanh, "u"), (np.absolute, "away"), (np.fabs, "away"), (np.sinc, "away"), (np.degrees, "u"),
    (np.radians, "u"), (np.conjugate, "u"), (np.real, "u"), (np.negative, "u"), (np.positive, "u"),
    (np.nan_to_num, "u"),
]

# (primitive, domain of x1, domain of x2, wrt)
BINARY = [
    (np.add, "u", "u", (0, 1)), (np.subtract, "u", "u", (0, 1)), (np.multiply, "u", "u", (0, 1)),
    (np.divide, "u", "pos", (0, 1)), (np.power, "pos", "u", (0, 1)), (np.float_power, "pos", "u", (0, 1)),
    (np.arctan2, "away", "away", (0, 1)), (np.hypot, "away", "away", (0, 1)),
    (np.logaddexp, "u", "u", (0, 1)), (np.logaddexp2, "u", "u", (0, 1)),
    (np.maximum, "distinct", "shifted", (0, 1)), (np.minimum, "distinct", "shifted", (0, 1)),
    (np.fmax, "distinct", "shifted", (0, 1)), (np.fmin, "distinct", "shifted", (0, 1)),
    (np.copysign, "away", "away", (0,)), (np.mod, "modx", "pos", (0, 1)), (np.fmod, "modx", "pos", (0, 1)),
]

# where= mask leaving at least two elements in every row and column
MASK = np.array([[True, False, True, True], [False, True, True, True], [True, True, True, False]])

SHAPES = [(), (4,), (2, 3)]
PAIRS = [((), ()), ((2, 3), (2, 3)), ((2, 3), (3,)), ((3, 1), (1, 4)), ((), (2, 3))]


def calls(add, u, pos, away, distinct):
    makers = {
        "u": u, "pos": pos, "away": away,
        "above1": lambda *s: 1.2 + pos(*s),
        "distinct": lambda *s: distinct(*s) if s else 0.3,
        "shifted": lambda *s: distinct(*s) + 0.05 if s else -0.4,
        # x1 / x2 stays away from integers (floor/trunc jump there) for x2 in [0.5, 2)
        "modx": lambda *s: 0.35 + 0.05 * u(*s) if s else 0.35,
    }

    def value(domain, shape, zero_d=False):
        v = 0.9 * makers[domain](*shape) if domain in ("u", "away", "pos") else makers[domain](*shape)
        return np.asarray(v) if zero_d else v

    for prim, domain in UNARY:
        for shape in SHAPES:
            add("ufunc_{}_{}".format(prim.__name__, "x".join(map(str, shape)) or "float"), prim, value(domain, shape))
        add("ufunc_{}_0d".format(prim.__name__), prim, value(domain, (), zero_d=True))
    for prim, d1, d2, wrt in BINARY:
        for s1, s2 in PAIRS:
            name = "ufunc2_{}_{}_{}".format(prim.__name__, "x".join(map(str, s1)) or "f", "x".join(map(str, s2)) or "f")
            add(name, prim, value(d1, s1), value(d2, s2), wrt=wrt)

    # elementwise extras
    add("ldexp", np.ldexp, u(2, 3), np.array([1, -2, 3]))
    add("ldexp_scalar", np.ldexp, u(), 3)
    add("nan_to_num_nonfinite", np.nan_to_num, np.array([0.5, np.nan, np.inf, -np.inf, -0.3]), posinf=5.0, neginf=-5.0)
    add("nan_to_num_values", np.nan_to_num, np.array([np.nan, 1.0, np.inf]), nan=2.0, posinf=5.0)

    # reductions with where=, and the new reductions
    x, m = u(3, 4), MASK
    add("sum_where", np.sum, x, where=m)
    add("sum_where_axis", np.sum, x, axis=1, where=m, keepdims=True)
    add("mean_where", np.mean, x, where=m)
    add("mean_where_axis", np.mean, x, axis=0, where=m)
    add("mean_where_row_mask", np.mean, x, axis=1, where=np.array([True, False, True, True]))
    add("var_where", np.var, x, axis=0, where=m)
    add("std_where_ddof", np.std, x, axis=1, ddof=1, where=m)
    add("mean_float32_axis", np.mean, x.astype(np.float32), axis=1, eps=1e-2, rtol=1e-3)
    add("ptp", np.ptp, distinct(3, 4))
    add("ptp_axis", np.ptp, distinct(3, 4), axis=1)
    add("ptp_axis_keepdims", np.ptp, distinct(2, 3, 4), axis=(0, 2), keepdims=True)
    add("average", np.average, u(3, 4))
    add("average_axis", np.average, u(3, 4), axis=0, keepdims=True)
    add("average_weights", np.average, u(3, 4), weights=pos(3, 4), wrt=(0, "weights"))
    add("average_weights_axis", np.average, u(3, 4), axis=1, weights=pos(3, 4), wrt=(0, "weights"))
    add("average_weights_1d", np.average, u(3, 4), axis=1, weights=pos(4), wrt=(0, "weights"))
    add("average_weights_1d_axis0_keepdims", np.average, u(3, 4), axis=0, weights=pos(3), keepdims=True,
        wrt=(0, "weights"))
    xn = u(3, 4)
    xn[0, 1] = xn[2, 3] = np.nan
    add("nansum", np.nansum, xn)
    add("nansum_axis_where", np.nansum, xn, axis=0, where=m)
    add("nanmean", np.nanmean, xn)
    add("nanmean_axis_keepdims", np.nanmean, xn, axis=1, keepdims=True)
    add("nanmean_where", np.nanmean, xn, axis=0, where=m)
    dn = distinct(3, 4)
    dn[1, 2] = np.nan
    for prim in (np.nanmax, np.nanmin):
        add(prim.__name__, prim, dn)
        add(prim.__name__ + "_axis", prim, dn, axis=0)
        add(prim.__name__ + "_axis_keepdims", prim, dn, axis=1, keepdims=True)
    pn = away(3, 4)
    pn[0, 0] = np.nan
    add("nanprod", np.nanprod, pn)
    add("nanprod_axis", np.nanprod, pn, axis=1)
    for prim in (np.nanvar, np.nanstd):
        add(prim.__name__, prim, xn)
        add(prim.__name__ + "_axis_ddof", prim, xn, axis=0, ddof=1)
        add(prim.__name__ + "_where_keepdims", prim, xn, axis=1, keepdims=True, where=m)
    add("nancumsum", np.nancumsum, xn)
    add("nancumsum_axis", np.nancumsum, xn, axis=1)
    if hasattr(np, "cumulative_sum"):
        add("cumulative_sum", np.cumulative_sum, u(5))
        add("cumulative_sum_axis", np.cumulative_sum, u(3, 4), axis=0)
        add("cumulative_prod", np.cumulative_prod, away(5))
        add("cumulative_prod_axis", np.cumulative_prod, away(3, 4), axis=1)

    # runtime helpers of issue 6
    add("rt_safe_multiply", R.safe_multiply, u(2, 3), u(3), wrt=(0, 1))
    add("rt_safe_multiply_scalars", R.safe_multiply, u(), u(), wrt=(0, 1))
    add("rt_tie_weight", R.tie_weight, u(3), np.array([-np.inf, 0.2, 1.0]), np.array([-np.inf, 0.1, 0.5]))
    add("rt_masked", R.masked, u(2, 3), u(2, 3) > 0)
    add("rt_masked_true", R.masked, u(2, 3))


# ----------------------------------------------------------------- ROWS
def f_ufunc_float_power(x, y): return np.sum(np.float_power(x, y))
def f_ufunc_copysign(x, y): return np.sum(np.sin(np.copysign(x, y)))
def f_ufunc_ldexp(x): return np.sum(np.sin(np.ldexp(x, np.array([1, -1, 2]))))
def f_ufunc_nan_to_num(x): return np.sum(np.sin(np.nan_to_num(x)))
def f_where_log_no_nan(x): return np.sum(np.where(x > 0, np.log(x), 0.0))
def f_sum_where(x, m): return np.sum(np.sin(x), where=m) + np.sum(np.mean(x, axis=1, where=m) ** 2)
def f_var_std_where(x, m): return np.sum(np.var(x, axis=0, where=m)) + np.std(x, where=m)
def f_ptp(x, w): return np.sum(np.ptp(x, axis=1) * w)
def f_average(x, w): return np.sum(np.average(x, axis=1, weights=w) ** 2)
def f_nan_reductions(x): return np.nansum(x ** 3) + np.sum(np.nanmean(x, axis=0) ** 2) + np.nanstd(x)
def f_nan_extrema(x): return np.nanmax(x) - 2.0 * np.sum(np.nanmin(x, axis=1))
def f_nanprod_nanvar(x): return np.nanprod(x) + np.sum(np.nanvar(x, axis=1, ddof=1))
def f_nancumsum(x, w): return np.sum(np.nancumsum(x, axis=0) * w)
def f_cumulative(x, w): return np.sum(np.cumulative_sum(x, axis=1) * w) + np.sum(np.cumulative_prod(x, axis=0))
def f_rt_safe_multiply(a, b): return np.sum(np.sin(R.safe_multiply(a, b)))
def f_rt_tie_weight(w): return np.sum(np.sin(R.tie_weight(w, np.array([-np.inf, 1.0]), np.array([-np.inf, 2.0]))))
def f_rt_masked(c): return np.sum(np.sin(R.masked(c, np.array([True, False, True]))))


def rows(r, u, pos, away, distinct, W):
    r(f_ufunc_float_power, pos(2, 3), u(3), wrt=(0, 1))
    r(f_ufunc_copysign, away(2, 3), away(3))
    r(f_ufunc_ldexp, u(2, 3))
    r(f_ufunc_nan_to_num, u(4))
    r(f_where_log_no_nan, away(5))
    x, m = u(3, 4), MASK
    r(f_sum_where, x, m)
    r(f_var_std_where, x, m)
    r(f_ptp, distinct(3, 4), W(3))
    r(f_average, u(3, 4), pos(4), wrt=(0, 1))
    # finite inputs: central differences cannot vary a NaN (test_numpy_coverage.py checks NaN inputs)
    r(f_nan_reductions, pos(3, 4))
    r(f_nan_extrema, distinct(3, 4))
    r(f_nanprod_nanvar, away(3, 4))
    r(f_nancumsum, u(3, 4), W(3, 4))
    if hasattr(np, "cumulative_sum"):
        r(f_cumulative, away(3, 4), W(3, 4))
    r(f_rt_safe_multiply, u(2, 3), u(3), wrt=(0, 1))
    r(f_rt_tie_weight, u(2))
    r(f_rt_masked, u(3))

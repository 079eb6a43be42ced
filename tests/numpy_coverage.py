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

    add("modf", np.modf, 3.0 * u(2, 3))
    add("modf_scalar", np.modf, 2.7)
    add("frexp", np.frexp, 5.0 * away(2, 3))
    add("frexp_scalar", np.frexp, -3.3)

    # reductions with where=, and the new reductions
    x, m = u(3, 4), MASK
    add("sum_where", np.sum, x, where=m)
    add("sum_where_axis", np.sum, x, axis=1, where=m, keepdims=True)
    add("mean_where", np.mean, x, where=m)
    add("mean_where_axis", np.mean, x, axis=0, where=m)
    add("mean_where_row_mask", np.mean, x, axis=1, where=np.array([True, False, True, True]))
    add("var_where", np.var, x, axis=0, where=m)
    add("std_where_ddof", np.std, x, axis=1, ddof=1, where=m)
    for prim in (np.max, np.min):
        add(prim.__name__ + "_where", prim, distinct(3, 4), where=m, initial=-10.0 if prim is np.max else 10.0)
        add(prim.__name__ + "_where_axis", prim, distinct(3, 4), axis=1, where=m,
            initial=-10.0 if prim is np.max else 10.0)
    add("max_where_initial_wins", np.max, distinct(3, 4), axis=0, where=m, initial=100.0)
    add("prod_where", np.prod, away(3, 4), where=m)
    add("prod_where_axis", np.prod, away(3, 4), axis=0, where=m, keepdims=True)
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

    # splitting: list results
    for prim in (np.split, np.array_split):
        add(prim.__name__, prim, u(6), 3)
        add(prim.__name__ + "_indices_axis1", prim, u(2, 5), [1, 3], axis=1)
    add("array_split_uneven", np.array_split, u(7), 3)
    add("hsplit", np.hsplit, u(2, 4), 2)
    add("hsplit_vector", np.hsplit, u(6), [2])
    add("vsplit", np.vsplit, u(4, 3), [1])
    add("dsplit", np.dsplit, u(2, 2, 4), 2)

    # layouts
    add("rot90", np.rot90, u(2, 3))
    add("rot90_k_axes", np.rot90, u(2, 3, 4), 3, (2, 0))
    add("rot90_k2", np.rot90, u(3, 4), k=2)
    add("pad_constant", np.pad, u(2, 3), 1)
    add("pad_constant_values", np.pad, u(2, 3), ((1, 0), (2, 1)), constant_values=3.0)
    for mode in ("edge", "reflect", "symmetric", "wrap"):
        add("pad_" + mode, np.pad, u(3, 4), ((2, 1), (1, 3)), mode=mode)
    add("pad_reflect_vector", np.pad, u(4), 3, mode="reflect")
    a = u(3, 4)
    add("take_along_axis", np.take_along_axis, a, np.argsort(a, axis=1), 1)
    add("take_along_axis_repeats", np.take_along_axis, a, np.array([[0, 0], [3, 1], [2, 2]]), axis=1)
    add("take_along_axis_axis0", np.take_along_axis, a, np.array([[2, 0, 1, 1]]), axis=0)
    add("take_along_axis_flat", np.take_along_axis, u(5), np.array([4, 0, 4]), None)
    conds = [a > 0.3, a < -0.3]
    add("select", np.select, conds, [u(3, 4), u(3, 4)], u(3, 4), wrt=(1, 2))
    add("select_broadcast", np.select, conds, [u(4), u()], u(3, 1), wrt=(1, 2))
    add("select_default_constant", np.select, conds, (u(3, 4), u(3, 4)), wrt=(1,))
    add("dstack", np.dstack, [u(2, 3), u(2, 3, 2)])
    add("dstack_vectors", np.dstack, (u(3), u(3)))
    add("column_stack", np.column_stack, [u(3), u(3, 2)])
    add("column_stack_vectors", np.column_stack, (u(4), u(4)))
    add("append", np.append, u(2, 3), u(4), wrt=(0, 1))
    add("append_axis", np.append, u(2, 3), u(1, 3), axis=0, wrt=(0, 1))
    add("flip_axes_tuple", np.flip, u(2, 3, 4), axis=(0, 2))
    add("roll_tuple_shift", np.roll, u(3, 4), (2, -1), axis=(1, 0))
    add("triu_k_negative", np.triu, u(4, 3), k=-1)
    add("tril_k", np.tril, u(3, 4), 2)

    add("diff_prepend", np.diff, u(5), prepend=u(), wrt=(0, "prepend"))
    add("diff_append_n2", np.diff, u(3, 4), n=2, axis=0, append=u(2, 4), wrt=(0, "append"))
    add("diff_both_ends_axis1", np.diff, u(3, 4), axis=1, prepend=u(3, 1), append=u(), wrt=(0, "prepend", "append"))
    add("diff_constant_end", np.diff, u(4), prepend=0.0)
    add("delete", np.delete, u(6), [1, 4])
    add("delete_axis", np.delete, u(3, 4), 2, axis=1)
    add("delete_slice_flat", np.delete, u(2, 3), slice(0, 4, 2))
    add("insert", np.insert, u(5), 2, u(), wrt=(0, 2))
    add("insert_several", np.insert, u(5), [1, 1, 4], u(3), wrt=(0, 2))
    add("insert_vector_at_one_place", np.insert, u(5), 2, u(3), wrt=(0, 2))
    add("insert_axis_broadcast", np.insert, u(2, 3), 1, u(2), axis=1, wrt=(0, 2))
    add("insert_row_broadcast", np.insert, u(2, 3), [0, 2], u(3), axis=0, wrt=(0, 2))

    # order statistics
    add("median", np.median, distinct(5))
    add("median_even", np.median, distinct(6))
    add("median_axis", np.median, distinct(3, 4), axis=1)
    add("median_axes_keepdims", np.median, distinct(2, 3, 4), axis=(0, 2), keepdims=True)
    add("quantile", np.quantile, distinct(7), 0.3)
    add("quantile_array_q", np.quantile, distinct(3, 5), np.array([0.1, 0.5, 0.95]), axis=1)
    add("quantile_keepdims", np.quantile, distinct(4, 3), [0.25, 0.8], axis=0, keepdims=True)
    add("percentile", np.percentile, distinct(6), 40.0)
    add("percentile_axis", np.percentile, distinct(3, 4), [10.0, 90.0], axis=0)

    add("resize_grow", np.resize, u(2, 3), (3, 4))
    add("resize_shrink", np.resize, u(2, 3), 4)
    add("bincount_weights", np.bincount, np.array([0, 2, 2, 4, 1]), u(5), wrt=(1,))
    add("bincount_minlength", np.bincount, np.array([1, 1, 0]), weights=u(3), minlength=4, wrt=("weights",))
    pc = away(3, 4)
    pc[1, 1] = np.nan
    add("nancumprod", np.nancumprod, pc)
    add("nancumprod_axis", np.nancumprod, pc, axis=1)

    # constructors from values
    add("full", np.full, (2, 3), u(), wrt=(1,))
    add("full_broadcast", np.full, (2, 3), u(3), wrt=(1,))
    add("full_like", np.full_like, u(2, 3), u(), wrt=(1,))
    add("full_like_row", np.full_like, u(2, 3), u(3), wrt=(1,))
    add("linspace", np.linspace, u(), u(), 5, wrt=(0, 1))
    add("linspace_no_endpoint", np.linspace, u(), u(), 4, endpoint=False, wrt=(0, 1))
    add("linspace_arrays_axis1", np.linspace, u(3), u(2, 3), 4, axis=1, wrt=(0, 1))
    add("logspace", np.logspace, u(), u(), 5, wrt=(0, 1))
    add("logspace_base", np.logspace, u(2), u(), 3, base=2.0, axis=-1, wrt=(0, 1))
    add("geomspace", np.geomspace, pos(), pos(), 5, wrt=(0, 1))
    add("geomspace_negative", np.geomspace, -pos(2), -pos(), 3, wrt=(0, 1))

    # numerical routines
    for mode in ("full", "same", "valid"):
        for n, m in ((5, 3), (3, 5), (4, 4), (2, 5)):
            add("convolve_{}_{}x{}".format(mode, n, m), np.convolve, u(n), u(m), mode, wrt=(0, 1))
            add("correlate_{}_{}x{}".format(mode, n, m), np.correlate, u(n), u(m), mode, wrt=(0, 1))
    xp, fp = np.array([-1.0, -0.2, 0.4, 1.1]), u(4)
    add("interp", np.interp, np.array([-0.7, 0.1, 0.9, 0.35]), xp, fp, wrt=(0, 2))
    add("interp_outside", np.interp, np.array([-1.5, 0.0, 1.6]), xp, fp, wrt=(0, 2))
    add("interp_matrix_x", np.interp, np.array([[-0.5, 0.3], [0.7, 1.0]]), xp, fp, wrt=(0, 2))
    add("interp_scalar_x", np.interp, 0.2, xp, fp, wrt=(0, 2))
    add("polyval", np.polyval, u(4), u(3), wrt=(0, 1))
    add("polyval_matrix", np.polyval, u(3), u(2, 3), wrt=(0, 1))
    add("polyval_scalar", np.polyval, u(3), u(), wrt=(0, 1))
    trapezoid = np.trapezoid if hasattr(np, "trapezoid") else np.trapz
    add("trapezoid", trapezoid, u(5))
    add("trapezoid_dx", trapezoid, u(3, 4), dx=0.3, axis=0)
    add("trapezoid_x", trapezoid, u(5), np.sort(u(5)), wrt=(0, 1))
    add("trapezoid_x_axis", trapezoid, u(3, 4), np.sort(u(4)), axis=1, wrt=(0, 1))
    add("trapezoid_x_full", trapezoid, u(4, 3), np.sort(u(4, 3), axis=0), axis=0, wrt=(0, 1))
    add("kron", np.kron, u(2, 3), u(3, 2), wrt=(0, 1))
    add("kron_vectors", np.kron, u(3), u(2), wrt=(0, 1))
    add("kron_mixed", np.kron, u(3), u(2, 2), wrt=(0, 1))
    add("cross", np.cross, u(3), u(3), wrt=(0, 1))
    add("cross_batch", np.cross, u(4, 3), u(3), wrt=(0, 1))
    add("ediff1d", np.ediff1d, u(5))
    add("ediff1d_matrix", np.ediff1d, u(2, 3))

    # runtime helpers of issue 6
    add("rt_absorb_zeros", R.absorb_zeros, u(2, 3), u(2, 3), wrt=(1,))
    add("rt_absorb_zeros_scalars", R.absorb_zeros, u(), u(), wrt=(1,))
    add("rt_absorb_zeros_masked", R.absorb_zeros, np.array([0.0, 1.0, 0.0]), np.array([np.nan, 0.5, 0.2]), wrt=(1,))
    add("rt_inverse", R.inverse, away(2, 3))
    add("rt_inverse_float", R.inverse, away())
    add("rt_tie_weight", R.tie_weight, u(3), np.array([-np.inf, 0.2, 1.0]), np.array([-np.inf, 0.1, 0.5]))
    add("rt_masked", R.masked, u(2, 3), u(2, 3) > 0)
    add("rt_masked_true", R.masked, u(2, 3))
    add("rt_filled", R.filled, u(2, 3), u(2, 3) > 0, 1.0)
    pieces = np.split(u(6), [2])
    add("rt_unsplit", R.unsplit, [u(2), u(4)], pieces)
    add("rt_undstack", R.undstack, u(2, 3, 3), [u(2, 3), u(2, 3, 2)])
    add("rt_uncolumn_stack", R.uncolumn_stack, u(3, 3), [u(3), u(3, 2)])
    add("rt_pad_grad", R.pad_grad, u(4, 5), u(3, 4), ((1, 0), (0, 1)))
    add("rt_pad_grad_reflect", R.pad_grad, u(8), u(4), 2, "reflect")
    add("rt_take_along_axis_grad", R.take_along_axis_grad, u(3, 2), u(3, 4), np.array([[0, 0], [3, 1], [2, 2]]), 1)
    add("rt_select_choice_grad", R.select_choice_grad, u(3, 4), conds, [u(4), u(3, 4)])
    add("rt_select_default_grad", R.select_default_grad, u(3, 4), conds, u(3, 1))
    add("rt_diff_grads", R.diff_grads, u(6), u(4), 1, -1, u(), u(2))
    add("rt_diff_concat", R.diff_concat, (u(4), u(), u(2)), u(4), 1, -1, 0.0, np.zeros(2))
    add("rt_linspace_grad", R.linspace_grad, u(4), u(), u(), 4, wrt=(0,))
    add("rt_linspace_grad_arrays", R.linspace_grad, u(2, 3, 4), u(3), u(2, 3), 4, True, 2, wrt=(0,))
    add("rt_resize_grad", R.resize_grad, u(3, 4), u(2, 3), (3, 4))
    add("rt_delete_grad", R.delete_grad, u(4), u(6), [1, 4])
    add("rt_insert_grad", R.insert_grad, u(2, 5), u(2, 3), [0, 2], u(2), 1)
    add("rt_quantile_grad", R.quantile_grad, u(2, 3), distinct(3, 5), np.array([0.2, 0.7]), 1)
    add("rt_quantile_jvp", R.quantile_jvp, u(3, 5), distinct(3, 5), np.array([0.2, 0.7]), 1)
    add("rt_ediff1d_grad", R.ediff1d_grad, u(5), u(2, 3))
    add("rt_interp_grad", R.interp_grad, u(4), np.array([-0.7, 0.1, 0.9, 1.5]), xp, fp)
    add("rt_interp_jvp", R.interp_jvp, u(4), np.array([-0.7, 0.1, 0.9, 1.5]), xp, fp)


# ----------------------------------------------------------------- ROWS
def f_ufunc_float_power(x, y): return np.sum(np.float_power(x, y))
def f_ufunc_copysign(x, y): return np.sum(np.sin(np.copysign(x, y)))
def f_ufunc_ldexp(x): return np.sum(np.sin(np.ldexp(x, np.array([1, -1, 2]))))
def f_ufunc_nan_to_num(x): return np.sum(np.sin(np.nan_to_num(x)))
def f_modf_frexp(x):
    frac, whole = np.modf(x * 3.0)
    mantissa, exponent = np.frexp(x * 5.0)
    return np.sum(frac ** 2 + whole * frac) + np.sum(mantissa * exponent + np.sin(mantissa))
def f_where_log_no_nan(x): return np.sum(np.where(x > 0, np.log(x), 0.0))
def f_sum_where(x, m): return np.sum(np.sin(x), where=m) + np.sum(np.mean(x, axis=1, where=m) ** 2)
def f_var_std_where(x, m): return np.sum(np.var(x, axis=0, where=m)) + np.std(x, where=m)
def f_max_prod_where(x, m):
    return np.max(x, where=m, initial=-5.0) + np.sum(np.min(x, axis=1, where=m, initial=5.0) ** 2) + np.prod(x, where=m)
def f_ptp(x, w): return np.sum(np.ptp(x, axis=1) * w)
def f_average(x, w): return np.sum(np.average(x, axis=1, weights=w) ** 2)
def f_nan_reductions(x): return np.nansum(x ** 3) + np.sum(np.nanmean(x, axis=0) ** 2) + np.nanstd(x)
def f_nan_extrema(x): return np.nanmax(x) - 2.0 * np.sum(np.nanmin(x, axis=1))
def f_nanprod_nanvar(x): return np.nanprod(x) + np.sum(np.nanvar(x, axis=1, ddof=1))
def f_nancumsum(x, w): return np.sum(np.nancumsum(x, axis=0) * w)
def f_cumulative(x, w): return np.sum(np.cumulative_sum(x, axis=1) * w) + np.sum(np.cumulative_prod(x, axis=0))
def f_rt_absorb_zeros(a, b): return np.sum(np.sin(R.absorb_zeros(a, a * b)))
def f_rt_inverse(x): return np.sum(np.sin(R.inverse(x)))
def f_rt_tie_weight(w): return np.sum(np.sin(R.tie_weight(w, np.array([-np.inf, 1.0]), np.array([-np.inf, 2.0]))))
def f_rt_masked(c): return np.sum(np.sin(R.masked(c, np.array([True, False, True]))))
def f_rt_filled(a): return np.sum(np.sin(R.filled(a, np.array([True, False, True]), 2.0)))


def f_split(x): return np.sum(np.split(x, 2)[0] * np.array_split(x, [1])[1][:2])
def f_split_unpack(x):
    a, b, c = np.hsplit(x, 3)
    return np.sum(a * b) + np.sum(np.sin(c))
def f_vsplit_dsplit(x): return np.sum(np.vsplit(x, 2)[1] ** 2) + np.sum(np.dsplit(x, [1])[0] * 3.0)
def f_rot90(x, w): return np.sum(np.rot90(x, 1, (1, 0)) * w)
def f_pad(x, w): return np.sum(np.pad(x, ((1, 0), (0, 2)), mode="reflect") * w) + np.sum(np.pad(x, 1) ** 2)
def f_take_along_axis(x): return np.sum(np.take_along_axis(x, np.argsort(x, axis=1), axis=1)[:, -1] ** 2)
def f_select(x, y): return np.sum(np.sin(np.select([x > 0.3, x < -0.3], [x * y, y], x ** 2)))
def f_dstack_column_stack(x, y): return np.sum(np.sin(np.dstack([x, y]))) + np.sum(np.column_stack((x[0], y[1])) ** 2)
def f_append(x, y): return np.sum(np.sin(np.append(x, y))) + np.sum(np.append(x, y[None, :], axis=0) ** 2)
def f_convolve(a, v): return np.sum(np.sin(np.convolve(a, v))) + np.sum(np.correlate(a, v, "same") ** 2)
def f_interp(x, fp): return np.sum(np.sin(np.interp(x, np.array([-1.0, 0.0, 0.5, 1.0]), fp)))
def f_polyval(p, x): return np.sum(np.sin(np.polyval(p, x)))
def f_trapezoid(y, x): return np.trapezoid(np.sin(y), x) ** 2
def f_kron_cross(a, b): return np.sum(np.sin(np.kron(a, b))) + np.sum(np.cross(a[:, :3], b[0]) ** 2)
def f_ediff1d(x, w): return np.sum(np.ediff1d(x) * w)
def f_diff_ends(x, y): return np.sum(np.sin(np.diff(x, prepend=y, append=x[0] * y)))
def f_rt_diff_grads(g):
    parts = R.diff_grads(g, np.ones(3), 1, -1, 0.0, np.ones(1))
    joined = R.diff_concat((g[:3], g[0], g[1:2]), np.ones(3), 1, -1, 0.0, np.ones(1))
    return np.sum(np.sin(parts[0])) + parts[1] ** 2 + np.sum(joined ** 2)
def f_constructors(x, y):
    return (np.sum(np.full(3, x) ** 2) + np.sum(np.full_like(np.ones(2), y) * x) + np.sum(np.linspace(y, x, 4) ** 2)
            + np.sum(np.logspace(x, y, 3, base=2.0)) + np.sum(np.geomspace(1.0 + x * x, 2.0, 3)))
def f_rt_linspace_grad(g): return np.sum(np.sin(R.linspace_grad(g, 0.0, np.ones(2), 3, True, 0)[1]))
def f_resize_bincount(x, w):
    return np.sum(np.sin(np.resize(x, (2, 4)))) + np.sum(np.bincount(np.array([0, 2, 2]), weights=w * x[:3]) ** 2)
def f_nancumprod(x, w): return np.sum(np.nancumprod(x, axis=0) * w)
def f_rt_resize_grad(g): return np.sum(np.sin(R.resize_grad(g, np.ones(3), (5,))))
def f_delete_insert(x, v): return np.sum(np.sin(np.insert(np.delete(x, [0, 2]), 1, v))) + np.sum(np.delete(x, 1) ** 2)
def f_order_statistics(x, w):
    return np.median(x) + np.sum(np.quantile(x, [0.2, 0.9], axis=1) * w) + np.percentile(x, 75.0) ** 2
def f_rt_delete_insert_grads(g):
    parts = R.insert_grad(g, np.ones(3), 1, np.ones(2))
    return np.sum(np.sin(R.delete_grad(g[:4], np.ones(6), [0, 5]))) + np.sum(parts[0] ** 2) + np.sum(np.sin(parts[1]))
def f_rt_quantile(g, t):
    a = np.array([[0.3, -0.2, 0.9], [0.1, 0.5, -0.7]])
    return np.sum(np.sin(R.quantile_grad(g, a, 0.4, 1))) + np.sum(R.quantile_jvp(t, a, 0.4, 1) ** 2)
def f_rt_unsplit(g, h): return np.sum(np.sin(R.unsplit([g, h], [g, h], 0)))
def f_rt_undstack(g): return np.sum(np.sin(R.undstack(g, [np.ones((2, 3)), np.ones((2, 3))])[1]))
def f_rt_uncolumn_stack(g): return np.sum(np.sin(R.uncolumn_stack(g, [np.ones(3), np.ones((3, 2))])[1]))
def f_rt_pad_grad(g): return np.sum(np.sin(R.pad_grad(g, np.ones(4), 2, "wrap")))
def f_rt_take_along_axis_grad(g):
    return np.sum(np.sin(R.take_along_axis_grad(g, np.ones((2, 3)), np.array([[0, 0], [2, 1]]), 1)))
def f_rt_select_grads(g):
    conds = [np.array([True, False, False]), np.array([True, True, False])]
    return np.sum(np.sin(R.select_choice_grad(g, conds, [g, g])[1])) + np.sum(R.select_default_grad(g, conds, g) ** 2)
def f_rt_ediff1d_grad(g): return np.sum(np.sin(R.ediff1d_grad(g, np.ones(5))))
def f_rt_interp(g):
    xp = np.array([0.0, 0.5, 1.0])
    back = R.interp_grad(g, np.array([0.1, 0.7]), xp, np.ones(3))
    forward = R.interp_jvp(np.sin(np.append(g, 0.3)), np.array([0.1, 0.7, 0.2]), xp, np.ones(3))
    return np.sum(np.sin(back)) + np.sum(forward ** 2)


def rows(r, u, pos, away, distinct, W):
    r(f_ufunc_float_power, pos(2, 3), u(3), wrt=(0, 1))
    r(f_ufunc_copysign, away(2, 3), away(3))
    r(f_ufunc_ldexp, u(2, 3))
    r(f_ufunc_nan_to_num, u(4))
    r(f_where_log_no_nan, away(5), tags=("off_domain",))  # the NaN of log(x < 0) must not leak
    r(f_modf_frexp, np.array([0.37, -0.81, 0.55, 1.23]))
    x, m = u(3, 4), MASK
    r(f_sum_where, x, m)
    r(f_var_std_where, x, m)
    r(f_max_prod_where, distinct(3, 4), m)
    r(f_ptp, distinct(3, 4), W(3))
    r(f_average, u(3, 4), pos(4), wrt=(0, 1))
    # finite inputs: central differences cannot vary a NaN (test_numpy_coverage.py checks NaN inputs)
    r(f_nan_reductions, pos(3, 4))
    r(f_nan_extrema, distinct(3, 4))
    r(f_nanprod_nanvar, away(3, 4))
    r(f_nancumsum, u(3, 4), W(3, 4))
    if hasattr(np, "cumulative_sum"):
        r(f_cumulative, away(3, 4), W(3, 4))
    r(f_rt_absorb_zeros, u(2, 3), u(3), wrt=(0, 1))
    r(f_rt_inverse, away(3))
    r(f_rt_tie_weight, u(2))
    r(f_rt_masked, u(3))
    r(f_rt_filled, u(3))
    r(f_split, u(4))
    r(f_split_unpack, u(2, 6))
    r(f_vsplit_dsplit, u(4, 2, 3))
    r(f_rot90, u(2, 3), W(3, 2))
    r(f_pad, u(3, 4), W(4, 6))
    r(f_take_along_axis, distinct(3, 4))
    r(f_select, away(3, 4), u(3, 4), wrt=(0, 1))
    r(f_dstack_column_stack, u(2, 3), u(2, 3), wrt=(0, 1))
    r(f_append, u(2, 3), u(3), wrt=(0, 1))
    r(f_convolve, u(5), u(3), wrt=(0, 1))
    r(f_interp, np.array([-0.7, 0.2, 0.8]), u(4), wrt=(0, 1))
    r(f_polyval, u(3), u(2, 3), wrt=(0, 1))
    if hasattr(np, "trapezoid"):
        r(f_trapezoid, u(5), np.sort(u(5)), wrt=(0, 1))
    r(f_kron_cross, u(2, 3), u(2, 3), wrt=(0, 1))
    r(f_ediff1d, u(2, 3), W(5))
    r(f_rt_unsplit, u(2), u(3), wrt=(0, 1))
    r(f_delete_insert, u(5), u(), wrt=(0, 1))
    r(f_resize_bincount, u(3), u(3), wrt=(0, 1))
    r(f_nancumprod, away(3, 4), W(3, 4))
    r(f_rt_resize_grad, u(5))
    r(f_constructors, u(), u(), wrt=(0, 1))
    r(f_rt_linspace_grad, u(3, 2))
    r(f_diff_ends, u(4), u(), wrt=(0, 1))
    r(f_rt_diff_grads, u(4))
    r(f_order_statistics, distinct(3, 5), W(2, 3))
    r(f_rt_delete_insert_grads, u(5))
    r(f_rt_quantile, u(2), u(2, 3), wrt=(0, 1))
    r(f_rt_undstack, u(2, 3, 2))
    r(f_rt_uncolumn_stack, u(3, 3))
    r(f_rt_pad_grad, u(8))
    r(f_rt_take_along_axis_grad, u(2, 2))
    r(f_rt_select_grads, u(3))
    r(f_rt_ediff1d_grad, u(4))
    r(f_rt_interp, u(2))

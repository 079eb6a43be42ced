"""Derivative rules of templates/: every registered primitive, checked against
central differences.

Three layers, so that each can fail on its own:

- ``test_helper_*`` check the runtime helpers the templates call, on small
  arrays, against explicit formulas (these need no engine);
- ``test_template_vjp`` calls each template function directly (binding the
  call to the template's signature as the engine does) and checks its
  vector-Jacobian product against central differences of the primitive;
- ``test_rule`` differentiates a small module-level function per primitive
  with ``s2s.check_grad`` (needs the engine).

``test_every_primitive_is_covered`` keeps the tables complete: a new
template without a test case fails it.
"""
import ast
import builtins
import dataclasses
import inspect
import math
import operator
from typing import Any

import numpy as np
import pytest

import s2s.runtime as R
from s2s import templates as T
from s2s.runtime import astype, copy, flatten, item

try:
    import s2s
    HAVE_ENGINE = hasattr(s2s, "check_grad") and hasattr(s2s, "grad")
except ImportError:  # pragma: no cover - the engine does not import yet
    HAVE_ENGINE = False

REGISTRY = T.registry()
rng = np.random.default_rng(0)


# ----------------------------------------------------------------- inputs
def u(*shape, lo=-1.0, hi=1.0):
    """Uniform values (a Python float when ``shape`` is empty)."""
    if not shape:
        return float(rng.uniform(lo, hi))
    return rng.uniform(lo, hi, size=shape)


def pos(*shape):
    """Positive values in [0.5, 2): safe for log, sqrt, division."""
    return u(*shape, lo=0.5, hi=2.0)


def away(*shape):
    """|v| in [0.3, 1.5] with random signs: away from kinks at 0."""
    if not shape:
        return float(rng.choice([-1.0, 1.0]) * rng.uniform(0.3, 1.5))
    return rng.uniform(0.3, 1.5, size=shape) * rng.choice([-1.0, 1.0], size=shape)


def distinct(*shape):
    """Values with no two closer than 0.1: no ties for max/min/sort."""
    n = int(np.prod(shape))
    values = rng.permutation(n) * 0.2 - 0.1 * n + rng.uniform(0, 0.05, size=n)
    return values.reshape(shape)


def spd(n):
    """A well-conditioned matrix."""
    a = u(n, n)
    return a @ a.T + n * np.eye(n)


# ----------------------------------------------------------------- trees
def _is_leaf(x):
    return not isinstance(x, (list, tuple))


def _leaves(x):
    if _is_leaf(x):
        yield x
    else:
        for e in x:
            yield from _leaves(e)


def _tree_map(f, x, *rest):
    if _is_leaf(x):
        return f(x, *rest)
    return type(x)(_tree_map(f, e, *(r[i] for r in rest)) for i, e in enumerate(x))


def _random_like(x):
    def one(v):
        if isinstance(v, float) and not isinstance(v, np.floating):
            return float(rng.standard_normal())
        return rng.standard_normal(np.shape(v)).astype(np.result_type(v, np.float64))
    return _tree_map(one, x)


def _zero_like(v):
    if isinstance(v, float) and not isinstance(v, np.floating):
        return 0.0
    return np.zeros(np.shape(v))


def _axpy(t, d, x):
    """x + t * d, keeping Python floats Python floats and the arrays' dtype."""
    def one(xv, dv):
        if isinstance(xv, float) and not isinstance(xv, np.floating):
            return xv + t * dv
        xv = np.asarray(xv)
        return (xv + t * dv).astype(xv.dtype) if xv.dtype.kind == "f" else xv
    return _tree_map(one, x, d)


def _vdot(a, b):
    return sum(float(np.sum(np.asarray(p, dtype=np.float64) * np.asarray(q, dtype=np.float64)))
               for p, q in zip(_leaves(a), _leaves(b)))


def _assert_like(c, x, where):
    """The adjoint ``c`` has the structure and shapes of the value ``x``."""
    if not _is_leaf(x):
        assert type(c) is type(x), "{}: a {} adjoint for a {}".format(where, type(c).__name__, type(x).__name__)
        assert len(c) == len(x), "{}: {} adjoints for {} elements".format(where, len(c), len(x))
        for i, (ci, xi) in enumerate(zip(c, x)):
            _assert_like(ci, xi, "{}[{}]".format(where, i))
        return
    assert not isinstance(c, (list, tuple)), "{}: a {} adjoint for an array".format(where, type(c).__name__)
    assert np.shape(c) == np.shape(x), "{}: shape {} instead of {}".format(where, np.shape(c), np.shape(x))


# ================================================================= templates, called directly
@dataclasses.dataclass(frozen=True, eq=False)
class Call:
    """One call ``prim(*args, **kwargs)``; ``wrt``: positions in args or keyword names."""

    id: str
    prim: Any
    args: tuple
    kwargs: dict = dataclasses.field(default_factory=dict)
    wrt: tuple = (0,)
    eps: float = 1e-6
    rtol: float = 1e-5


def _calls():
    c = []

    def add(id, prim, *args, wrt=(0,), eps=1e-6, rtol=1e-5, **kwargs):
        c.append(Call(id, prim, args, kwargs, wrt, eps, rtol))

    # arithmetic
    for name, prim in [("add", operator.add), ("np_add", np.add), ("sub", operator.sub),
                       ("np_subtract", np.subtract), ("mul", operator.mul), ("np_multiply", np.multiply)]:
        add(name + "_broadcast", prim, u(3, 4), u(4), wrt=(0, 1))
        add(name + "_outer", prim, u(3, 1), u(1, 4), wrt=(0, 1))
        add(name + "_scalars", prim, u(), u(), wrt=(0, 1))
    add("truediv", operator.truediv, u(2, 3), pos(3), wrt=(0, 1))
    add("np_divide", np.divide, u(3), pos(2, 1), wrt=(0, 1))
    add("truediv_scalars", operator.truediv, u(), pos(), wrt=(0, 1))
    add("neg", operator.neg, u(3))
    add("np_negative", np.negative, u(2, 2))
    add("pos", operator.pos, u())
    add("np_positive", np.positive, u(3))
    add("pow", operator.pow, pos(3), 2.5, wrt=(0, 1))
    add("pow_int_exponent", operator.pow, u(2, 3), 3)
    add("np_power_broadcast", np.power, pos(2, 3), u(3), wrt=(0, 1))
    add("math_pow", math.pow, 1.3, 0.7, wrt=(0, 1))
    add("builtin_pow", pow, 1.2, 3.0, wrt=(0, 1))
    x1, x2 = np.array([0.3, 1.7, -0.6, 2.4]), np.array([0.7, 1.1, 0.9, 1.0])
    add("mod", operator.mod, x1, x2, wrt=(0, 1))
    add("np_mod", np.mod, x1.reshape(2, 2), x2[:2], wrt=(0, 1))
    add("mod_scalars", operator.mod, 1.7, 0.6, wrt=(0, 1))
    add("np_fmod", np.fmod, -x1, x2, wrt=(0, 1))
    add("math_fmod", math.fmod, -1.7, 0.6, wrt=(0, 1))

    # elementwise, one argument: (primitive, domain)
    one = [
        (np.exp, u), (math.exp, u), (np.exp2, u), (np.expm1, u), (math.expm1, u),
        (np.log, pos), (np.log2, pos), (math.log2, pos), (np.log10, pos), (math.log10, pos),
        (np.log1p, pos), (math.log1p, pos), (np.sqrt, pos), (math.sqrt, pos), (np.cbrt, away),
        (np.square, u), (np.reciprocal, away), (np.sin, u), (math.sin, u), (np.cos, u), (math.cos, u),
        (np.tan, u), (math.tan, u), (np.arcsin, u), (math.asin, u), (np.arccos, u), (math.acos, u),
        (np.arctan, u), (math.atan, u), (np.sinh, u), (math.sinh, u), (np.cosh, u), (math.cosh, u),
        (np.tanh, u), (math.tanh, u), (np.arcsinh, u), (math.asinh, u), (np.arctanh, u), (math.atanh, u),
        (np.absolute, away), (np.fabs, away), (abs, away), (operator.abs, away), (math.fabs, away),
        (np.sinc, away), (np.degrees, u), (np.rad2deg, u), (math.degrees, u), (np.radians, u),
        (np.deg2rad, u), (math.radians, u), (np.conjugate, u), (np.real, u), (math.erf, u), (math.erfc, u),
    ]
    if hasattr(math, "exp2"):
        one += [(math.exp2, u), (math.cbrt, away)]
    for prim, domain in one:
        name = "{}_{}".format(getattr(prim, "__module__", None) or "np", prim.__name__)
        if prim.__module__ in ("math", "builtins", "_operator", "operator"):
            add(name, prim, 0.9 * domain())
        else:
            add(name, prim, 0.9 * domain(2, 3))
            add(name + "_scalar", prim, 0.9 * domain())
    add("np_arccosh", np.arccosh, 1.2 + pos(4))
    add("math_acosh", math.acosh, 1.5)

    # elementwise, two arguments
    add("np_arctan2", np.arctan2, away(2, 3), away(3), wrt=(0, 1))
    add("math_atan2", math.atan2, 0.3, -0.8, wrt=(0, 1))
    add("np_hypot", np.hypot, away(2, 3), away(2, 1), wrt=(0, 1))
    add("math_hypot", math.hypot, 0.3, -0.8, wrt=(0, 1))
    add("np_logaddexp", np.logaddexp, u(2, 3), u(3), wrt=(0, 1))
    add("np_logaddexp2", np.logaddexp2, u(3), u(2, 1), wrt=(0, 1))
    a, b = distinct(2, 3), distinct(3) + 0.05
    for prim in (np.maximum, np.minimum, np.fmax, np.fmin):
        add(prim.__name__, prim, a, b, wrt=(0, 1))
    add("where", np.where, u(2, 3) > 0, u(2, 3), u(3), wrt=(1, 2))
    add("where_scalar_branch", np.where, u(4) > 0, u(4), 0.5, wrt=(1, 2))
    xc = np.array([-0.9, -0.2, 0.1, 0.7, 0.3, -0.7])
    add("clip", np.clip, xc, -0.5, 0.5, wrt=(0, 1, 2))
    add("clip_arrays", np.clip, xc.reshape(2, 3), np.array([-0.5, 0.0, -0.1]), 0.4, wrt=(0, 1, 2))
    add("clip_min_max_keywords", np.clip, xc, min=-0.5, max=0.5, wrt=(0, "min", "max"))
    add("clip_upper_only", np.clip, xc, None, 0.5, wrt=(0, 2))

    # reductions
    x = u(3, 4)
    add("sum", np.sum, x)
    add("sum_axis0", np.sum, x, axis=0)
    add("sum_axis_neg_keepdims", np.sum, u(2, 3, 4), axis=-1, keepdims=True)
    add("sum_axes_tuple", np.sum, u(2, 3, 4), axis=(0, 2))
    add("sum_scalar", np.sum, u())
    add("mean", np.mean, x)
    add("mean_axis", np.mean, u(2, 3, 4), axis=(0, 2), keepdims=True)
    for prim in (np.max, np.amax, np.min, np.amin):
        add(prim.__name__, prim, distinct(3, 4))
        add(prim.__name__ + "_axis1", prim, distinct(3, 4), axis=1)
        add(prim.__name__ + "_axis0_keepdims", prim, distinct(3, 4), axis=0, keepdims=True)
    add("prod", np.prod, pos(3, 4))
    add("prod_axis", np.prod, away(2, 3, 4), axis=1)
    add("prod_axes_keepdims", np.prod, away(2, 3, 4), axis=(0, 2), keepdims=True)
    add("prod_zero", np.prod, np.array([0.5, 0.0, 2.0, 1.5]))
    add("var", np.var, x)
    add("var_axis_ddof", np.var, x, axis=1, ddof=1)
    add("var_keepdims", np.var, u(2, 3, 4), axis=(0, 2), keepdims=True)
    add("std", np.std, x)
    add("std_axis", np.std, x, axis=0, ddof=1, keepdims=True)
    add("cumsum", np.cumsum, x)
    add("cumsum_axis", np.cumsum, x, axis=1)
    add("cumprod", np.cumprod, away(5))
    add("cumprod_axis", np.cumprod, away(3, 4), axis=0)
    add("cumprod_zero", np.cumprod, np.array([[0.5, 0.0, 2.0, 1.5], [0.0, 1.2, 0.0, 0.8]]), axis=1)
    add("diff", np.diff, u(5))
    add("diff_n2_axis0", np.diff, u(5, 3), n=2, axis=0)

    # linear algebra
    for prim in (operator.matmul, np.matmul):
        name = "matmul" if prim is operator.matmul else "np_matmul"
        add(name, prim, u(2, 3), u(3, 4), wrt=(0, 1))
        add(name + "_vec_mat", prim, u(3), u(3, 4), wrt=(0, 1))
        add(name + "_mat_vec", prim, u(2, 3), u(3), wrt=(0, 1))
        add(name + "_vec_vec", prim, u(3), u(3), wrt=(0, 1))
        add(name + "_batch", prim, u(2, 3, 4), u(4, 5), wrt=(0, 1))
        add(name + "_batch_broadcast", prim, u(2, 1, 3, 4), u(3, 4, 2), wrt=(0, 1))
        add(name + "_vec_batch", prim, u(4), u(2, 4, 3), wrt=(0, 1))
        add(name + "_batch_vec", prim, u(2, 3, 4), u(4), wrt=(0, 1))
    add("dot", np.dot, u(2, 3), u(3, 4), wrt=(0, 1))
    add("dot_vec", np.dot, u(3), u(3), wrt=(0, 1))
    add("dot_scalar", np.dot, u(), u(2, 3), wrt=(0, 1))
    add("dot_array_scalar", np.dot, u(2, 3), u(), wrt=(0, 1))
    add("dot_nd_vec", np.dot, u(2, 3, 4), u(4), wrt=(0, 1))
    add("dot_vec_mat", np.dot, u(4), u(4, 2), wrt=(0, 1))
    add("dot_nd_nd", np.dot, u(2, 3), u(4, 3, 2), wrt=(0, 1))
    add("inner", np.inner, u(2, 3), u(4, 3), wrt=(0, 1))
    add("inner_vec", np.inner, u(3), u(3), wrt=(0, 1))
    add("inner_nd", np.inner, u(3), u(2, 4, 3), wrt=(0, 1))
    add("inner_scalar", np.inner, u(), u(2, 3), wrt=(0, 1))
    add("outer", np.outer, u(3), u(4), wrt=(0, 1))
    add("outer_flattens", np.outer, u(2, 2), u(3), wrt=(0, 1))
    add("vdot", np.vdot, u(2, 3), u(3, 2), wrt=(0, 1))
    add("tensordot", np.tensordot, u(2, 3, 4), u(3, 4, 5), wrt=(0, 1))
    add("tensordot_axes1", np.tensordot, u(2, 3), u(3, 4), axes=1, wrt=(0, 1))
    add("tensordot_axes0", np.tensordot, u(2), u(3), axes=0, wrt=(0, 1))
    add("tensordot_pairs", np.tensordot, u(3, 2, 4), u(2, 5, 3), axes=([1, 0], [0, 2]), wrt=(0, 1))
    add("tensordot_pairs_unsorted", np.tensordot, u(3, 2, 4), u(4, 5, 2), axes=([2, 1], [0, 2]), wrt=(0, 1))
    add("trace", np.trace, u(3, 3))
    add("trace_offset_axes", np.trace, u(2, 3, 4), offset=1, axis1=1, axis2=2)
    add("diagonal", np.diagonal, u(3, 4))
    add("diagonal_offset_axes", np.diagonal, u(2, 3, 4), offset=-1, axis1=2, axis2=1)
    add("diag_vector", np.diag, u(3))
    add("diag_vector_k", np.diag, u(3), k=1)
    add("diag_matrix", np.diag, u(3, 4))
    add("diag_matrix_k", np.diag, u(4, 3), k=-1)
    norm = np.linalg.norm
    add("norm", norm, u(5))
    add("norm_matrix_flat", norm, u(3, 4))
    add("norm_nd_flat", norm, u(2, 3, 2))
    add("norm_axis", norm, u(3, 4), axis=1)
    add("norm_axis_keepdims", norm, u(3, 4), axis=0, keepdims=True)
    add("norm_ord1", norm, away(5), ord=1)
    add("norm_ord_inf", norm, distinct(5), ord=np.inf)
    add("norm_ord_minus_inf", norm, distinct(5) + 0.05, ord=-np.inf)
    add("norm_ord3_axis", norm, away(3, 4), ord=3, axis=1)
    add("norm_ord_half", norm, away(4), ord=0.5)
    add("norm_fro", norm, u(3, 4), ord="fro")
    add("norm_nuc", norm, u(3, 4), ord="nuc")
    add("norm_spectral", norm, u(3, 4), ord=2)
    add("norm_spectral_min", norm, u(4, 3), ord=-2)
    add("norm_matrix_ord1", norm, distinct(3, 4), ord=1)
    add("norm_matrix_ord_inf", norm, distinct(3, 4), ord=np.inf)
    add("norm_matrix_ord_minus1", norm, distinct(3, 4), ord=-1)
    add("norm_matrix_ord_minus_inf", norm, distinct(3, 4), ord=-np.inf)
    add("norm_batch_of_matrices", norm, u(2, 3, 4), ord="nuc", axis=(2, 0))
    add("norm_batch_keepdims", norm, distinct(2, 3, 4), ord=1, axis=(1, 2), keepdims=True)
    add("det", np.linalg.det, spd(3) + u(3, 3))
    add("det_batch", np.linalg.det, u(2, 3, 3) + 2 * np.eye(3))
    add("inv", np.linalg.inv, spd(3) + u(3, 3))
    add("inv_batch", np.linalg.inv, u(2, 3, 3) + 2 * np.eye(3))
    add("solve", np.linalg.solve, spd(3) + u(3, 3), u(3, 2), wrt=(0, 1))
    add("solve_vector", np.linalg.solve, spd(3) + u(3, 3), u(3), wrt=(0, 1))
    add("solve_batch_vector", np.linalg.solve, u(2, 3, 3) + 2 * np.eye(3), u(3), wrt=(0, 1))
    add("solve_batch_broadcast", np.linalg.solve, spd(3), u(2, 3, 2), wrt=(0, 1))

    # shapes
    add("reshape", np.reshape, u(2, 3), (3, 2))
    add("reshape_order_f", np.reshape, u(2, 3), (6,), order="F")
    add("ravel", np.ravel, u(2, 3))
    add("flatten", flatten, u(2, 3), "F")
    add("expand_dims", np.expand_dims, u(2, 3), 1)
    add("squeeze", np.squeeze, u(2, 1, 3, 1))
    add("squeeze_axis", np.squeeze, u(2, 1, 3, 1), axis=3)
    add("atleast_1d", np.atleast_1d, u())
    add("atleast_2d", np.atleast_2d, u(3))
    add("atleast_3d", np.atleast_3d, u(2, 3))
    add("transpose", np.transpose, u(2, 3, 4))
    add("transpose_axes", np.transpose, u(2, 3, 4), (1, 2, 0))
    add("transpose_negative_axes", np.transpose, u(2, 3, 4), axes=(-1, 0, 1))
    add("swapaxes", np.swapaxes, u(2, 3, 4), 0, 2)
    add("moveaxis", np.moveaxis, u(2, 3, 4), 0, -1)
    add("moveaxis_several", np.moveaxis, u(2, 3, 4), (0, 1), (2, 0))
    add("broadcast_to", np.broadcast_to, u(3, 1), (2, 3, 4))
    add("flip", np.flip, u(2, 3))
    add("flip_axis", np.flip, u(2, 3), axis=1)
    add("fliplr", np.fliplr, u(2, 3))
    add("flipud", np.flipud, u(2, 3))
    add("roll", np.roll, u(5), 2)
    add("roll_axes", np.roll, u(3, 4), (1, -1), axis=(0, 1))
    add("roll_flat", np.roll, u(3, 4), 5)
    add("take", np.take, u(5), np.array([0, 2, 2, 4]))
    add("take_axis", np.take, u(3, 4), np.array([[1, 0], [3, 3]]), axis=1)
    add("take_wrap", np.take, u(4), np.array([5, -1]), mode="wrap")
    add("concatenate", np.concatenate, [u(2, 3), u(1, 3)])
    add("concatenate_axis1_tuple", np.concatenate, (u(2, 3), u(2, 1), u(2, 2)), axis=1)
    add("concatenate_axis_none", np.concatenate, [u(2, 2), u(3)], axis=None)
    add("concatenate_array", np.concatenate, u(3, 2, 2))
    add("stack", np.stack, [u(2, 3), u(2, 3)])
    add("stack_axis", np.stack, (u(3), u(3), u(3)), axis=-1)
    add("stack_scalars", np.stack, [u(), u()])
    add("hstack", np.hstack, [u(2, 3), u(2, 1)])
    add("hstack_vectors", np.hstack, (u(3), u(), u(2)))
    add("vstack", np.vstack, [u(2, 3), u(3)])
    add("array_of_floats", np.array, [u(), u(), u()])
    add("array_of_arrays", np.array, [u(3), u(3)])
    add("array_nested", np.array, [[u(), u()], [u(), u()]])
    add("array_of_array", np.array, u(2, 3))
    add("array_dtype", np.array, [u(), u()], dtype=np.float64)
    add("array_int_dtype", np.array, [0.25, 1.5], dtype=int)
    add("asarray", np.asarray, [u(), u()])
    add("asarray_array", np.asarray, u(2, 3))
    add("asanyarray", np.asanyarray, u(2, 3))
    add("ascontiguousarray", np.ascontiguousarray, u(3, 2).T)
    add("astype", astype, u(2, 3), np.float64)
    add("astype_float32", astype, u(2, 3).astype(np.float32), np.float64, eps=1e-2, rtol=1e-3)
    add("astype_int", astype, np.array([0.25, 1.5, -2.3]), int)
    add("copy", copy, u(2, 3))
    add("copy_list", copy, [u(), u(2)])
    add("np_copy", np.copy, u(2, 3))
    add("item", item, u(1, 1))
    add("item_index", item, u(2, 3), 4)
    add("item_tuple", item, u(2, 3), (1, 0))

    # builtins and math
    add("builtin_sum_floats", sum, [u(), u(), u()])
    add("builtin_sum_arrays_start", sum, [u(3), u(2, 3)], u(3), wrt=(0, 1))
    add("builtin_sum_tuple", sum, (u(3), u(3)))
    add("builtin_sum_array_rows", sum, u(3, 2))
    add("math_fsum", math.fsum, [u(), u()])
    add("builtin_max2", max, 0.3, -0.5, wrt=(0, 1))
    add("builtin_min2", min, 0.3, -0.5, wrt=(0, 1))
    add("builtin_max_list", max, [0.3, 0.9, -0.5])
    add("builtin_min_tuple", min, (0.3, 0.9, -0.5))
    add("builtin_max_array", max, distinct(4))
    add("math_log", math.log, 1.7)
    add("math_log_base", math.log, 1.7, 3.0, wrt=(0, 1))
    add("float", float, np.array(0.7))
    add("np_float64_array", np.float64, u(2, 3))
    add("np_float64", np.float64, 0.3)
    add("np_float32", np.float32, 0.3, eps=1e-2, rtol=1e-3)
    return c


CALLS = _calls()


def _primitive_call(call, values):
    """Call the primitive with the arguments named in ``call.wrt`` replaced by ``values``."""
    args, kwargs = list(call.args), dict(call.kwargs)
    for w, v in zip(call.wrt, values):
        if isinstance(w, int):
            args[w] = v
        else:
            kwargs[w] = v
    return call.prim(*args, **kwargs)


def template_vjp(call, ans_bar=None):
    """(ans, ans_bar, {parameter name: contribution}, bound arguments), as the engine uses the template."""
    rule = REGISTRY.rule_for(call.prim)
    assert rule is not None, "no rule for {}".format(call.prim)
    fn = rule.namespace[rule.name]
    bound = rule.signature.bind(*call.args, **call.kwargs)
    bound.apply_defaults()
    ans = call.prim(*call.args, **call.kwargs)
    g = _random_like(ans) if ans_bar is None else ans_bar
    if rule.kind == "elementwise":
        out = {"x": g * fn(bound.arguments["x"], ans)}
    else:
        res = fn(**bound.arguments, ans=ans, ans_bar=g)
        out = dict(zip(rule.wrt, res if len(rule.wrt) > 1 else (res,)))
    if rule.unbroadcast:
        out = {k: R.unbroadcast(v, bound.arguments[k]) for k, v in out.items()}
    names = list(rule.signature.parameters)
    return ans, g, {(names[w] if isinstance(w, int) else w): out.get(names[w] if isinstance(w, int) else w)
                    for w in call.wrt}, bound


@pytest.mark.parametrize("call", CALLS, ids=lambda c: c.id)
def test_template_vjp(call):
    ans, g, contributions, bound = template_vjp(call)
    values = [bound.arguments[name] for name in contributions]
    for (name, c), x in zip(contributions.items(), values):
        assert c is not None, "{}: no contribution to {}".format(call.id, name)
        _assert_like(c, x, "{} adjoint of {}".format(call.id, name))
        assert all(np.all(np.isfinite(leaf)) for leaf in _leaves(c)), "{}: {} is not finite".format(call.id, name)
    # Directional derivatives: <c, d> == d/dt <g, prim(x + t d)> for each argument and all at once.
    for which in [[i] for i in range(len(values))] + ([list(range(len(values)))] if len(values) > 1 else []):
        for _ in range(2):
            d = [_random_like(v) if i in which else _tree_map(_zero_like, v) for i, v in enumerate(values)]
            h = call.eps

            def value(t):
                return _vdot(g, _primitive_call(call, [_axpy(t, di, v) for di, v in zip(d, values)]))
            numeric = (value(h) - value(-h)) / (2 * h)
            analytic = sum(_vdot(c, di) for c, di in zip(contributions.values(), d))
            assert np.isclose(analytic, numeric, rtol=call.rtol, atol=call.rtol * 0.1), (
                "{}: <adjoint, d> = {} but finite differences give {} (arguments {})".format(
                    call.id, analytic, numeric, [list(contributions)[i] for i in which]))


def test_templates_keep_float32():
    """float32 arguments get float32 adjoints (no silent upcast to float64)."""
    x, y = u(2, 3).astype(np.float32), pos(3).astype(np.float32)
    calls = [Call("sin", np.sin, (x,)), Call("log2", np.log2, (y,)), Call("power", operator.pow, (y, 2)),
             Call("maximum", np.maximum, (x, y), wrt=(0, 1)), Call("sum", np.sum, (x,), {"axis": 0}),
             Call("mean", np.mean, (x,)), Call("max", np.max, (x,), {"axis": 1}),
             Call("var", np.var, (x,)), Call("std", np.std, (x,), {"axis": 0}),
             Call("matmul", operator.matmul, (x, x.T), wrt=(0, 1)), Call("where", np.where, (x > 0, x, y), wrt=(1, 2)),
             Call("clip", np.clip, (x, -0.5, 0.5)), Call("divide", operator.truediv, (x, y), wrt=(0, 1)),
             Call("norm", np.linalg.norm, (x,)), Call("prod", np.prod, (y,)), Call("sqrt", np.sqrt, (y,))]
    for call in calls:
        ans = call.prim(*call.args, **call.kwargs)
        ans_bar = np.ones_like(ans, dtype=np.float32) if np.ndim(ans) else np.float32(1)
        _, _, contributions, _ = template_vjp(call, ans_bar)
        for name, c in contributions.items():
            assert np.asarray(c).dtype == np.float32, "{}: adjoint of {} is {}".format(call.id, name, np.asarray(c).dtype)


def test_every_primitive_has_a_direct_call():
    covered = {id(c.prim) for c in CALLS}
    missing = [rule.name + ": " + repr(p) for p, rule in REGISTRY.adjoints.items() if id(p) not in covered]
    assert not missing, "primitives with no case in CALLS: {}".format(missing)


# ================================================================= runtime helpers
def numeric_grad(f, x, h=1e-6):
    """The gradient of the scalar function ``f`` at the float array ``x``, by central differences."""
    x = np.asarray(x, dtype=float)
    out = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = h
        out[i] = (f(x + e) - f(x - e)) / (2 * h)
    return out


def test_helper_safe_divide_log_positive_and_sinc():
    with np.errstate(all="raise"):
        np.testing.assert_array_equal(R.safe_divide(np.array([1.0, 2.0]), np.array([0.0, 4.0])), [0.0, 0.5])
        assert R.safe_divide(3.0, 0.0) == 0.0
        np.testing.assert_allclose(R.log_positive(np.array([-1.0, 0.0, np.e])), [0.0, 0.0, 1.0])
        x = np.array([-0.7, 0.0, 0.4])
        want = numeric_grad(lambda v: np.sum(np.sinc(v)), x)
        np.testing.assert_allclose(R.sinc_grad(x), want, atol=1e-7)
    assert R.log_positive(np.float32(2)).dtype == np.float32


def test_helper_power_base_grad_is_safe_at_zero():
    with np.errstate(all="raise"):
        np.testing.assert_allclose(R.power_base_grad(np.array([2.0, 0.0, 0.0]), np.array([3.0, 0.0, 1.0])),
                                   [12.0, 0.0, 1.0])
    assert R.power_base_grad(0.0, 0) == 0.0                # x ** 0: flat, even at 0
    assert R.power_base_grad(0.0, 0.5) == np.inf           # no ZeroDivisionError for a Python float
    assert R.power_base_grad(3.0, 2) == 6.0
    assert R.power_base_grad(np.float32(3), 2).dtype == np.float32


def test_helper_select_grad_splits_ties():
    x, y = np.array([1.0, 2.0, 3.0]), np.array([2.0, 2.0, 1.0])
    ans = np.maximum(x, y)
    np.testing.assert_array_equal(R.select_grad(np.ones(3), x, y, ans), [0.0, 0.5, 1.0])
    np.testing.assert_array_equal(R.select_grad(np.ones(3), y, x, ans), [1.0, 0.5, 0.0])
    # fmax ignores a NaN: the whole adjoint goes to the other argument.
    nan = np.array([np.nan, 1.0])
    other = np.array([2.0, 0.0])
    ans = np.fmax(nan, other)
    np.testing.assert_array_equal(R.select_grad(np.ones(2), nan, other, ans), [0.0, 1.0])
    np.testing.assert_array_equal(R.select_grad(np.ones(2), other, nan, ans), [1.0, 0.0])


def test_helper_extremum_grad_for_builtin_max():
    assert R.extremum_grad(2.0, 3.0, 1.0, 3.0) == 2.0
    assert R.extremum_grad(2.0, 1.0, 3.0, 3.0) == 0.0
    assert R.extremum_grad(2.0, 3.0, 3.0, 3.0) == 1.0
    assert R.extremum_grad(3.0, [1.0, 5.0, 5.0], None, 5.0) == [0.0, 1.5, 1.5]
    assert R.extremum_grad(1.0, (2.0, 1.0), None, 2.0) == (1.0, 0.0)
    np.testing.assert_array_equal(R.extremum_grad(1.0, np.array([1.0, 4.0]), None, 4.0), [0.0, 1.0])


def test_helper_clip_masks():
    a = np.array([-2.0, 0.0, 2.0, 1.0])
    masks = R.clip_masks(np.clip(a, -1.0, 1.0), a, -1.0, 1.0)
    np.testing.assert_array_equal(masks, [[False, True, False, True], [True, False, False, False],
                                          [False, False, True, False]])
    masks = R.clip_masks(np.clip(a, None, 1.0), a, None, None, None, 1.0)
    np.testing.assert_array_equal(masks[1], [False] * 4)
    np.testing.assert_array_equal(masks[2], [False, False, True, False])


def test_helper_extremum_reduce_grad_splits_ties():
    a = np.array([[1.0, 3.0, 3.0], [2.0, 0.0, 1.0]])
    np.testing.assert_allclose(R.extremum_reduce_grad(1.0, a, a.max(), None, False),
                               [[0, 0.5, 0.5], [0, 0, 0]])
    np.testing.assert_allclose(R.extremum_reduce_grad(np.array([1.0, 2.0]), a, a.max(axis=1), 1, False),
                               [[0, 0.5, 0.5], [2, 0, 0]])
    g = np.array([[1.0], [2.0]])
    np.testing.assert_allclose(R.extremum_reduce_grad(g, a, a.min(axis=-1, keepdims=True), -1, True),
                               [[1, 0, 0], [0, 2, 0]])


@pytest.mark.parametrize("a", [np.array([0.5, 0.0, 2.0, 1.5]), np.array([0.0, 3.0, 0.0]), np.array([2.0, 3.0])])
def test_helper_prod_grad_with_zeros(a):
    want = np.array([np.prod(np.delete(a, i)) for i in range(a.size)])
    np.testing.assert_allclose(R.prod_grad(1.0, a), want)
    np.testing.assert_allclose(R.prod_grad(2.0, a, initial=3.0), 6.0 * want)


def test_helper_prod_grad_axes():
    a = u(2, 3, 4)
    g = u(3)
    got = R.prod_grad(g, a, (0, 2), False)
    want = numeric_grad(lambda v: np.sum(g * np.prod(v, axis=(0, 2))), a)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-9)
    assert R.prod_grad(1.0, np.zeros((0, 3)), 0).shape == (0, 3)
    assert R.prod_grad(2.0, 5.0) == 2.0


@pytest.mark.parametrize("a", [np.array([[0.5, 0.0, 2.0, 1.5], [0.0, 1.2, 0.0, 0.8]]), away(2, 4)])
def test_helper_cumprod_grad(a):
    g = u(2, 4)
    want = numeric_grad(lambda v: np.sum(g * np.cumprod(v, axis=1)), a)
    np.testing.assert_allclose(R.cumprod_grad(g, a, np.cumprod(a, axis=1), 1), want, atol=1e-8)
    g = u(8)
    want = numeric_grad(lambda v: np.sum(g * np.cumprod(v)), a)
    np.testing.assert_allclose(R.cumprod_grad(g, a, np.cumprod(a), None), want, atol=1e-8)


def test_helper_cumsum_and_diff_grads():
    a, g = u(3, 4), u(3, 4)
    np.testing.assert_allclose(R.cumsum_grad(g, a, 0), numeric_grad(lambda v: np.sum(g * np.cumsum(v, 0)), a))
    g = u(12)
    np.testing.assert_allclose(R.cumsum_grad(g, a), numeric_grad(lambda v: np.sum(g * np.cumsum(v)), a))
    g = u(3, 2)
    np.testing.assert_allclose(R.diff_grad(g, 2, -1), numeric_grad(lambda v: np.sum(g * np.diff(v, 2)), a))


def test_helper_matmul_grads_match_the_formulas():
    a, b = u(2, 3), u(3, 4)
    g = u(2, 4)
    np.testing.assert_allclose(R.matmul_grad1(g, a, b), g @ b.T)
    np.testing.assert_allclose(R.matmul_grad2(g, a, b), a.T @ g)
    v, w = u(3), u(3)
    np.testing.assert_allclose(R.matmul_grad1(2.0, v, w), 2.0 * w)
    np.testing.assert_allclose(R.matmul_grad2(2.0, v, w), 2.0 * v)
    gv = u(4)
    np.testing.assert_allclose(R.matmul_grad1(gv, v, b), b @ gv)
    np.testing.assert_allclose(R.matmul_grad2(gv, v, b), np.outer(v, gv))
    gv = u(2)
    np.testing.assert_allclose(R.matmul_grad1(gv, a, w), np.outer(gv, w))
    np.testing.assert_allclose(R.matmul_grad2(gv, a, w), a.T @ gv)
    # batches: a stack of (3, 4) matrices times one (4, 5) matrix
    s, m = u(2, 3, 4), u(4, 5)
    gs = u(2, 3, 5)
    np.testing.assert_allclose(R.matmul_grad1(gs, s, m), gs @ m.T)
    np.testing.assert_allclose(R.matmul_grad2(gs, s, m), sum(s[i].T @ gs[i] for i in range(2)))


def test_helper_dot_inner_tensordot_grads_match_einsum():
    a, b = u(2, 3), u(4, 3, 5)
    g = u(2, 4, 5)  # np.dot(a, b)[i, k, m] = sum_j a[i, j] b[k, j, m]
    np.testing.assert_allclose(R.dot_grad1(g, a, b), np.einsum("ikm,kjm->ij", g, b))
    np.testing.assert_allclose(R.dot_grad2(g, a, b), np.einsum("ij,ikm->kjm", a, g))
    a, b = u(2, 3), u(4, 3)
    g = u(2, 4)
    np.testing.assert_allclose(R.inner_grad1(g, a, b), g @ b)
    np.testing.assert_allclose(R.inner_grad2(g, a, b), g.T @ a)
    a, b = u(3, 2, 4), u(2, 5, 3)
    g = u(4, 5)  # axes ([1, 0], [0, 2]): sum_ij a[i, j, k] b[j, m, i]
    np.testing.assert_allclose(R.tensordot_grad1(g, a, b, ([1, 0], [0, 2])), np.einsum("km,jmi->ijk", g, b))
    np.testing.assert_allclose(R.tensordot_grad2(g, a, b, ([1, 0], [0, 2])), np.einsum("ijk,km->jmi", a, g))
    np.testing.assert_allclose(R.tensordot_grad1(g, a, b, ([0, 1], [2, 0])), np.einsum("km,jmi->ijk", g, b))


def test_helper_trace_diagonal_diag_grads():
    a = u(2, 3, 4)
    g = u(2)
    np.testing.assert_allclose(R.trace_grad(g, a, 1, 1, 2),
                               numeric_grad(lambda v: np.sum(g * np.trace(v, 1, 1, 2)), a))
    g = u(3, 2)
    np.testing.assert_allclose(R.diagonal_grad(g, a, 0, 2, 0),
                               numeric_grad(lambda v: np.sum(g * np.diagonal(v, 0, 2, 0)), a))
    m, g = u(3, 4), u(3)
    np.testing.assert_allclose(R.diag_grad(g, m, 1), numeric_grad(lambda v: np.sum(g * np.diag(v, 1)), m))
    v, g = u(3), u(4, 4)
    np.testing.assert_allclose(R.diag_grad(g, v, -1), np.diagonal(g, -1))


def test_helper_norm_grad_is_zero_at_zero():
    with np.errstate(all="raise"):
        for x in (np.zeros(3), np.zeros((2, 3))):
            np.testing.assert_array_equal(R.norm_grad(1.0, x, np.linalg.norm(x)), np.zeros_like(x))
        x = np.array([[0.0, 0.0], [3.0, 4.0]])
        np.testing.assert_allclose(R.norm_grad(np.ones(2), x, np.linalg.norm(x, axis=1), None, 1),
                                   [[0.0, 0.0], [0.6, 0.8]])


def test_helper_norm_grad_matches_finite_differences():
    for x, kwargs in [(away(5), {"ord": 3}), (distinct(5), {"ord": np.inf}), (u(3, 4), {"ord": "nuc"}),
                      (u(3, 4), {"ord": 2}), (distinct(3, 4), {"ord": -1}), (u(2, 3, 4), {"ord": "fro", "axis": (2, 1)})]:
        ans = np.linalg.norm(x, **kwargs)
        g = _random_like(ans)
        want = numeric_grad(lambda v: _vdot(g, np.linalg.norm(v, **kwargs)), x)
        np.testing.assert_allclose(R.norm_grad(g, x, ans, **kwargs), want, rtol=1e-5, atol=1e-8, err_msg=str(kwargs))


def test_helper_det_grad_also_for_singular_matrices():
    a = spd(3) + u(3, 3)
    np.testing.assert_allclose(R.det_grad(1.5, a, np.linalg.det(a)), 1.5 * np.linalg.det(a) * np.linalg.inv(a).T)
    s = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]])  # rank 2
    want = numeric_grad(lambda v: np.linalg.det(v), s)
    np.testing.assert_allclose(R.det_grad(1.0, s, np.linalg.det(s)), want, atol=1e-7)


def test_helper_solve_grads():
    a, b = spd(3) + u(3, 3), u(3)
    x = np.linalg.solve(a, b)
    g = u(3)
    b_bar = R.solve_grad2(g, a, b)
    np.testing.assert_allclose(b_bar, np.linalg.inv(a).T @ g)
    np.testing.assert_allclose(R.solve_grad1(b_bar, b, x), -np.outer(b_bar, x))
    b = u(3, 2)
    x = np.linalg.solve(a, b)
    g = u(3, 2)
    b_bar = R.solve_grad2(g, a, b)
    np.testing.assert_allclose(R.solve_grad1(b_bar, b, x), numeric_grad(lambda v: np.sum(g * np.linalg.solve(v, b)), a),
                               rtol=1e-6, atol=1e-9)


def test_helper_untranspose():
    a = u(2, 3, 4)
    for axes in (None, (1, 2, 0), (-1, 0, -2)):
        np.testing.assert_array_equal(R.untranspose(np.transpose(a, axes), axes), a)


def test_helper_joining_adjoints_keep_the_container():
    x, y = u(2, 3), u(1, 3)
    g = u(3, 3)
    pieces = R.unconcatenate(g, [x, y], 0)
    assert isinstance(pieces, list) and [p.shape for p in pieces] == [(2, 3), (1, 3)]
    np.testing.assert_array_equal(np.concatenate(pieces), g)
    pieces = R.unconcatenate(u(7), (u(2, 2), u(3)), None)
    assert isinstance(pieces, tuple) and [p.shape for p in pieces] == [(2, 2), (3,)]
    assert R.unconcatenate(u(6, 2), u(3, 2, 2), 0).shape == (3, 2, 2)
    pieces = R.unstack(u(3, 2), [1.0, 2.0], axis=-1)
    assert isinstance(pieces, list) and [np.shape(p) for p in pieces] == [(3,), (3,)]
    pieces = R.unhstack(u(6), (u(3), 1.0, u(2)))
    assert isinstance(pieces, tuple) and [np.shape(p) for p in pieces] == [(3,), (), (2,)]
    pieces = R.unvstack(u(3, 3), [u(2, 3), u(3)])
    assert [np.shape(p) for p in pieces] == [(2, 3), (3,)]


def test_helper_array_sum_and_cast_adjoints():
    g = u(2, 3)
    out = R.unarray(g, [[1.0, 2.0, 3.0], (np.zeros(2), 0.0, 0.0)])
    assert isinstance(out, list) and isinstance(out[1], tuple)
    assert out[0] == list(g[0]) and out[1][2] == g[1, 2]
    pieces = R.unsum(np.ones(3), [1.0, np.ones(3), np.ones((2, 3))])
    assert [np.shape(p) for p in pieces] == [(), (3,), (2, 3)] and pieces[0] == 3.0
    assert R.unsum(np.ones(2), np.ones((3, 2))).shape == (3, 2)
    assert R.cast_grad(g, np.zeros((2, 3), dtype=np.float32), g).dtype == np.float32
    np.testing.assert_array_equal(R.cast_grad(g, u(2, 3), g.astype(int)), np.zeros((2, 3)))
    assert R.cast_grad(np.ones(2), [1.0, 2.0], np.ones(2, dtype=bool)) == [0.0, 0.0]


def test_helper_take_and_item_grads():
    a = u(5)
    np.testing.assert_array_equal(R.take_grad(np.ones(4), a, np.array([0, 2, 2, 4])), [1, 0, 2, 0, 1])
    np.testing.assert_array_equal(R.take_grad(np.ones(2), a, np.array([6, -1]), mode="wrap"), [0, 1, 0, 0, 1])
    np.testing.assert_array_equal(R.take_grad(np.ones(2), a, np.array([9, -3]), mode="clip"), [1, 0, 0, 0, 1])
    m = u(2, 3)
    g = R.take_grad(np.ones((2, 2)), m, np.array([1, 1]), axis=1)
    np.testing.assert_array_equal(g, [[0, 2, 0], [0, 2, 0]])
    np.testing.assert_array_equal(R.item_grad(2.0, m, 4), [[0, 0, 0], [0, 2, 0]])
    np.testing.assert_array_equal(R.item_grad(2.0, m, (0, 2)), [[0, 0, 2], [0, 0, 0]])
    assert R.item_grad(2.0, np.ones((1, 1), np.float32)).dtype == np.float32


def test_helper_method_functions():
    a = u(2, 3)
    f = flatten(a)
    assert f.shape == (6,) and not np.shares_memory(f, a)
    np.testing.assert_array_equal(flatten(a, "F"), a.flatten("F"))
    assert astype(a, np.float32).dtype == np.float32
    assert type(astype(np.float64(1.5), np.float32)) is np.float32
    assert item(a, 4) == a.item(4) and item(np.array([[2.5]])) == 2.5
    assert item(a, (1, 2)) == a[1, 2]

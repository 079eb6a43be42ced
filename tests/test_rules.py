"""Derivative rules of templates/: every registered primitive, checked against
central differences.

Three layers, so that each can fail on its own:

- ``test_helper_*`` check the runtime helpers the templates call, on small
  arrays, against explicit formulas (these need no engine);
- ``test_template_vjp`` calls each template function directly (binding the
  call to the template's signature as the engine does) and checks its
  vector-Jacobian product against central differences of the primitive;
  ``test_template_jvp`` does the same for the tangent (explicit ``@tangent``
  template, or derived from an elementwise or linear rule), and
  ``test_template_jvp_is_the_transpose_of_the_vjp`` checks the two against
  each other; CALLS includes the runtime helpers that generated code calls
  (templates/runtime_helpers.py), so derivatives of any order have rules;
- ``test_rule`` differentiates a small module-level function per primitive
  with ``s2s.check_grad`` (needs the engine).

``test_every_primitive_is_covered`` keeps the tables complete: a new
template without a test case fails it.
"""
import ast
import builtins
import collections
import dataclasses
import inspect
import math
import operator
from typing import Any

import numpy as np
import pytest

import s2s.runtime as R
import complex_cases
import functions
import rules_issue17
import rules_linalg_scipy
import rules_second_order
from s2s.rules import templates as T
from s2s.runtime import astype, copy, flatten, item

_Pair = collections.namedtuple("_Pair", "a b")  # a record for the rules of getfield and field_grad

try:
    from . import numpy_coverage
except ImportError:  # run as a plain module (python -m pytest tests/test_rules.py)
    import numpy_coverage

try:
    import s2s
    HAVE_ENGINE = hasattr(s2s, "check_grad") and hasattr(s2s, "grad")
except ImportError:  # pragma: no cover - the engine does not import yet
    HAVE_ENGINE = False

REGISTRY = T.registry()
rng = np.random.default_rng(0)

CLIP_KEYWORDS = np.lib.NumpyVersion(np.__version__) >= "2.1.0"  # np.clip(x, min=, max=)


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
    return not isinstance(x, (list, tuple, dict))


def _leaves(x):
    if isinstance(x, dict):  # the dicts of the container helpers (dict_of): by key, whatever their order
        for k in sorted(x):
            yield from _leaves(x[k])
    elif _is_leaf(x):
        yield x
    else:
        for e in x:
            yield from _leaves(e)


def _tree_map(f, x, *rest):
    if isinstance(x, dict):
        return {k: _tree_map(f, v, *(r[k] for r in rest)) for k, v in x.items()}
    if _is_leaf(x):
        return f(x, *rest)
    items = [_tree_map(f, e, *(r[i] for r in rest)) for i, e in enumerate(x)]
    return type(x)(*items) if hasattr(x, "_fields") else type(x)(items)  # NumPy's named tuples (eigh, svd)


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
    if isinstance(x, dict):
        assert isinstance(c, dict) and sorted(c) == sorted(x), "{}: {!r} adjoint for a dict".format(where, c)
        for k in x:
            _assert_like(c[k], x[k], "{}[{!r}]".format(where, k))
        return
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
        module = getattr(prim, "__module__", None)  # NumPy before 2.1: ufuncs have none
        name = "{}_{}".format(module or "np", prim.__name__)
        if module in ("math", "builtins", "_operator", "operator"):
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
    if CLIP_KEYWORDS:
        add("clip_min_max_keywords", np.clip, xc, min=-0.5, max=0.5, wrt=(0, "min", "max"))
    add("clip_upper_only", np.clip, xc, None, 0.5, wrt=(0, 2))

    # reductions
    x = u(3, 4)
    add("sum", np.sum, x)
    add("sum_axis0", np.sum, x, axis=0)
    add("sum_axis_neg_keepdims", np.sum, u(2, 3, 4), axis=-1, keepdims=True)
    add("sum_axes_tuple", np.sum, u(2, 3, 4), axis=(0, 2))
    add("sum_scalar", np.sum, u())
    add("sum_initial", np.sum, u(3), initial=2.0)
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
    add("prod_initial", np.prod, away(2, 3), axis=0, initial=-1.5)
    add("max_initial_wins", np.max, distinct(2, 3), axis=1, initial=100.0)
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
    add("einsum_matmul", np.einsum, "ij,jk->ik", u(2, 3), u(3, 4), wrt=(1, 2))
    add("einsum_implicit_trace", np.einsum, "ii", u(3, 3), wrt=(1,))
    add("einsum_diagonal_sum", np.einsum, "iij,j->i", u(3, 3, 2), u(2), wrt=(1, 2))
    add("einsum_ellipsis", np.einsum, "...ij,...jk->...ik", u(2, 3, 4), u(4, 5), wrt=(1, 2))
    add("einsum_three", np.einsum, "i,ij,j->", u(2), u(2, 3), u(3), wrt=(1, 2, 3))
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
    add("sort", np.sort, distinct(5))
    add("sort_axis", np.sort, distinct(3, 4), axis=0)
    add("sort_flat", np.sort, distinct(3, 4), axis=None)
    add("repeat", np.repeat, u(2, 3), 2)
    add("repeat_axis", np.repeat, u(2, 3), [1, 0, 3], axis=1)
    add("tile", np.tile, u(2, 3), (2, 1, 2))
    add("tile_int", np.tile, u(3), 2)
    add("triu", np.triu, u(3, 4), 1)
    add("triu_vector", np.triu, u(3))
    add("tril", np.tril, u(2, 3, 3), k=-1)
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
    add("detach", R.detach, [u(2, 3), (u(), u(2))])
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

    # runtime helpers (templates/runtime_helpers.py): generated code calls them
    add("rt_add", R.add, u(3, 4), u(4), wrt=(0, 1))
    add("rt_add_scalars", R.add, u(), u(), wrt=(0, 1))
    add("rt_add_lists", R.add, [u(), u(2)], [u(), u(2)], wrt=(0, 1))
    add("rt_unbroadcast", R.unbroadcast, u(2, 3, 4), u(3, 1))
    add("rt_unbroadcast_to_scalar", R.unbroadcast, u(2, 3), 0.5)
    add("rt_unbroadcast_up", R.unbroadcast, u(1, 3), u(2, 3))
    add("rt_unbroadcast_fewer_axes", R.unbroadcast, u(3), u(1, 3))
    add("rt_broadcast_like", R.broadcast_like, u(2, 3, 4), u(3, 1))
    add("rt_broadcast_like_mixed", R.broadcast_like, u(1, 3), u(2, 1))
    add("rt_broadcast_like_list", R.broadcast_like, u(3), [u(3), u(2, 3)])
    add("rt_broadcast_like_from_list", R.broadcast_like, [u(3), u(2, 3)], u(3))
    add("rt_unreduce", R.unreduce, u(3), u(2, 3, 4), axis=(0, 2))
    add("rt_unreduce_all", R.unreduce, u(), u(2, 3))
    add("rt_unreduce_keepdims", R.unreduce, u(2, 1), u(2, 3), axis=1, keepdims=True)
    add("rt_unreduce_grad", R.unreduce_grad, u(2, 3, 4), u(3), axis=(0, 2))
    add("rt_unreduce_grad_all", R.unreduce_grad, u(2, 3), u())
    add("rt_unreduce_grad_negative_axis", R.unreduce_grad, u(2, 3), u(2), axis=-1)
    add("rt_snapshot", R.snapshot, u(2, 3))
    add("rt_cotangent", R.cotangent, u(2, 3), u(2, 3), wrt=(1,))
    add("rt_cotangent_tuple", R.cotangent, (u(), u(2)), (u(), u(2)), wrt=(1,))
    add("rt_finalize", R.finalize, u(3), u(2, 3))
    add("rt_finalize_list", R.finalize, [u(), u(2)], [u(), u(2)])
    add("rt_finalize_float", R.finalize, np.array(0.4), 0.3)
    add("rt_add_at", R.add_at, u(5), u(5), 2, u(), wrt=(0, 3))
    add("rt_add_at_repeated", R.add_at, u(5), u(5), np.array([0, 2, 0]), u(3), wrt=(0, 3))
    add("rt_add_at_broadcast", R.add_at, u(3, 4), u(3, 4), (slice(None), 1), u(), wrt=(0, 3))
    add("rt_add_at_list_slice", R.add_at, [u(), u(), u()], [0.0, 0.0, 0.0], slice(0, 2), [u(), u()], wrt=(0, 3))
    add("rt_zero_at", R.zero_at, u(5), np.array([1, 3]))
    add("rt_zero_at_list", R.zero_at, [u(), u(2)], 0)
    add("rt_read_at", R.read_at, u(5), np.array([0, 2, 0]))
    add("rt_read_at_slice", R.read_at, u(3, 4), (slice(None), 1))
    add("rt_read_at_list", R.read_at, [u(), u(2)], 1)
    add("rt_unread_at", R.unread_at, u(3), u(5), np.array([0, 2, 0]))
    add("rt_unread_at_list", R.unread_at, u(2), [u(), u(2)], 1)
    add("rt_appended", R.appended, [u(), u(2)], [0.0, 0.0])
    add("rt_getfield", R.getfield, _Pair(u(), u(2)), "b")
    add("rt_field_grad", R.field_grad, u(2), _Pair(u(), u(2)), "b")
    add("rt_unappended", R.unappended, u(2), [u(), u(2)], [0.0, 0.0])
    add("rt_shrunk", R.shrunk, [u(), u(2), u(2)], [0.0, 0.0])
    add("rt_grown", R.grown, [u(2), u(2)], [0.0, 0.0, np.zeros(2)])
    add("rt_safe_divide", R.safe_divide, u(2, 3), away(3), wrt=(0, 1))
    add("rt_safe_divide_by_zero", R.safe_divide, u(3), np.array([0.5, 0.0, -1.2]))
    add("rt_log_positive", R.log_positive, np.array([0.5, -0.7, 1.3]))
    add("rt_power_base_grad", R.power_base_grad, pos(2, 3), u(3), wrt=(0, 1))
    add("rt_power_base_grad_zero_exponent", R.power_base_grad, pos(3), 0.0, wrt=(0, 1))
    add("rt_power_base_grad_negative_base", R.power_base_grad, away(3), 3.0)
    add("rt_sinc_grad", R.sinc_grad, away(2, 3))
    add("rt_conj_sign", R.conj_sign, away(2, 3))  # complex arguments: tests/test_complex.py
    add("rt_conj_of", R.conj_of, u(3))
    add("rt_sinc_grad_at_zero", R.sinc_grad, np.array([0.0, 0.4]), eps=1e-3, rtol=1e-4)  # sinc_grad cancels near 0
    a, b = distinct(2, 3), distinct(3) + 0.05
    add("rt_select_grad", R.select_grad, u(2, 3), a, b, np.maximum(a, b))
    ties = (np.array([1.0, 2.0, 3.0]), np.array([2.0, 2.0, 1.0]), np.array([2.0, 2.0, 3.0]))
    add("rt_select_grad_ties_scalar_g", R.select_grad, u(), *ties)
    ca = np.array([-2.0, -1.0, 0.3, 1.0, 2.0])
    cans = np.clip(ca, -1.0, 1.0)
    add("rt_clip_bound_grad_lower", R.clip_bound_grad, u(5), R.clip_from(cans, ca), cans, -1.0, 1.0)
    add("rt_clip_bound_grad_upper", R.clip_bound_grad, u(5), R.clip_from(cans, ca), cans, 1.0)
    add("rt_extremum_grad", R.extremum_grad, u(), 0.3, -0.5, 0.3)
    add("rt_extremum_grad_list", R.extremum_grad, u(), [1.0, 5.0, 5.0], None, 5.0)
    add("rt_extremum_grad_array", R.extremum_grad, u(), np.array([1.0, 4.0]), None, 4.0)
    add("rt_extremum_jvp", R.extremum_jvp, u(), 0.3, -0.5, 0.3)
    add("rt_extremum_jvp_list", R.extremum_jvp, [u(), u(), u()], [1.0, 5.0, 5.0], None, 5.0)
    add("rt_extremum_jvp_array", R.extremum_jvp, u(2), np.array([1.0, 4.0]), None, 4.0)
    m = np.array([[1.0, 3.0, 3.0], [2.0, 0.0, 1.0]])
    add("rt_extremum_reduce_grad", R.extremum_reduce_grad, u(2), m, m.max(axis=1), 1)
    add("rt_extremum_reduce_grad_all", R.extremum_reduce_grad, u(), m, m.max())
    add("rt_extremum_reduce_grad_keepdims", R.extremum_reduce_grad, u(1, 3), m, m.min(0, keepdims=True), 0, True)
    add("rt_extremum_reduce_jvp", R.extremum_reduce_jvp, u(2, 3), m, m.max(axis=1), 1)
    add("rt_extremum_reduce_jvp_all", R.extremum_reduce_jvp, u(2, 3), m, m.max())
    add("rt_cumsum_grad", R.cumsum_grad, u(3, 4), u(3, 4), 1)
    add("rt_cumsum_grad_flat", R.cumsum_grad, u(12), u(3, 4))
    add("rt_diff_grad", R.diff_grad, u(3, 2), 2, 0)
    for name, prim, wrt in [("rt_matmul_grad1", R.matmul_grad1, (0, 2)), ("rt_matmul_grad2", R.matmul_grad2, (0, 1))]:
        add(name, prim, u(2, 4), u(2, 3), u(3, 4), wrt=wrt)
        add(name + "_vec_vec", prim, u(), u(3), u(3), wrt=wrt)
        add(name + "_vec_mat", prim, u(4), u(3), u(3, 4), wrt=wrt)
        add(name + "_mat_vec", prim, u(2), u(2, 3), u(3), wrt=wrt)
        add(name + "_batch", prim, u(2, 3, 5), u(2, 3, 4), u(4, 5), wrt=wrt)
        add(name + "_batch_broadcast", prim, u(2, 3, 5), u(1, 3, 4), u(2, 4, 5), wrt=wrt)
    for name, prim, wrt in [("rt_dot_grad1", R.dot_grad1, (0, 2)), ("rt_dot_grad2", R.dot_grad2, (0, 1))]:
        add(name, prim, u(2, 4), u(2, 3), u(3, 4), wrt=wrt)
        add(name + "_nd", prim, u(2, 4, 2), u(2, 3), u(4, 3, 2), wrt=wrt)
        add(name + "_scalar", prim, u(2, 3), u(), u(2, 3), wrt=wrt)
        add(name + "_nd_vec", prim, u(2, 3), u(2, 3, 4), u(4), wrt=wrt)
    for name, prim, wrt in [("rt_inner_grad1", R.inner_grad1, (0, 2)), ("rt_inner_grad2", R.inner_grad2, (0, 1))]:
        add(name, prim, u(2, 4), u(2, 3), u(4, 3), wrt=wrt)
        add(name + "_scalar", prim, u(2, 3), u(), u(2, 3), wrt=wrt)
    for name, prim, wrt in [("rt_tensordot_grad1", R.tensordot_grad1, (0, 2)),
                            ("rt_tensordot_grad2", R.tensordot_grad2, (0, 1))]:
        add(name, prim, u(2, 5), u(2, 3, 4), u(3, 4, 5), wrt=wrt)
        add(name + "_pairs", prim, u(4, 5), u(3, 2, 4), u(2, 5, 3), ([1, 0], [0, 2]), wrt=wrt)
    a = spd(3) + u(3, 3)
    add("rt_det_grad", R.det_grad, u(), a, np.linalg.det(a), wrt=(0, 1, 2))
    a = u(2, 3, 3) + 2 * np.eye(3)
    add("rt_det_grad_batch", R.det_grad, u(2), a, np.linalg.det(a), wrt=(0, 1, 2))
    a, b2, b1 = spd(3) + u(3, 3), u(3, 2), u(3)
    ab = u(2, 3, 3) + 2 * np.eye(3)
    for name, b, a_ in [("", b2, a), ("_vector", b1, a), ("_batch_vector", b1, ab), ("_batch", u(2, 3, 2), a)]:
        x = np.linalg.solve(a_, b)
        add("rt_solve_matmul" + name, R.solve_matmul, u(*a_.shape), _random_like(x), b, wrt=(0, 1))
        add("rt_solve_grad1" + name, R.solve_grad1, _random_like(x), b, x, wrt=(0, 2))
        add("rt_solve_grad2" + name, R.solve_grad2, _random_like(x), a_, b, wrt=(0, 1))
        add("rt_solve_jvp2" + name, R.solve_jvp2, _random_like(b), a_, b, wrt=(0, 1))
        add("rt_solve_jvp1" + name, R.solve_jvp1, u(*a_.shape), a_, b, x, wrt=(0, 1, 3))
    add("rt_trace_grad", R.trace_grad, u(2), u(2, 3, 4), 1, 1, 2)
    add("rt_diagonal_grad", R.diagonal_grad, u(3, 2), u(2, 3, 4), 0, 2, 0)
    add("rt_diag_grad_matrix", R.diag_grad, u(3), u(3, 4), 1)
    add("rt_diag_grad_vector", R.diag_grad, u(4, 4), u(3), -1)
    a = distinct(3, 4)
    add("rt_sort_grad", R.sort_grad, u(3, 4), a, 0)
    add("rt_sort_grad_flat", R.sort_grad, u(12), a, None)
    add("rt_sort_jvp", R.sort_jvp, u(3, 4), a, -1)
    add("rt_sort_jvp_flat", R.sort_jvp, u(3, 4), a, None)
    add("rt_repeat_grad", R.repeat_grad, u(2, 6), u(2, 3), 2, 1)
    add("rt_repeat_grad_flat", R.repeat_grad, u(12), u(2, 3), 2)
    add("rt_tile_grad", R.tile_grad, u(4, 3), u(2, 3), (2, 1))
    add("rt_untranspose", R.untranspose, u(3, 4, 2), (1, 2, 0))
    add("rt_untranspose_reverse", R.untranspose, u(2, 3))
    add("rt_unreshape", R.unreshape, u(6), u(2, 3))
    add("rt_unreshape_fortran", R.unreshape, u(2, 3), u(3, 2), "F")
    add("rt_unconcatenate", R.unconcatenate, u(3, 3), [u(2, 3), u(1, 3)], 0)
    add("rt_unconcatenate_flat", R.unconcatenate, u(7), (u(2, 2), u(3)), None)
    add("rt_unconcatenate_array", R.unconcatenate, u(6, 2), u(3, 2, 2), 0)
    add("rt_unstack", R.unstack, u(3, 2), [u(3), u(3)], -1)
    add("rt_unhstack", R.unhstack, u(6), (u(3), 1.0, u(2)))
    add("rt_unvstack", R.unvstack, u(3, 3), [u(2, 3), u(3)])
    add("rt_unarray", R.unarray, u(2, 3), [[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    add("rt_unarray_of_arrays", R.unarray, u(2, 3), [u(3), u(3)])
    add("rt_unsum", R.unsum, u(3), [1.0, np.ones(3), np.ones((2, 3))])
    add("rt_unsum_array", R.unsum, u(2), u(3, 2))
    add("rt_take_grad", R.take_grad, u(4), u(5), np.array([0, 2, 2, 4]))
    add("rt_take_grad_axis", R.take_grad, u(2, 2), u(2, 3), np.array([1, 1]), 1)
    add("rt_take_grad_wrap", R.take_grad, u(2), u(4), np.array([5, -1]), None, "wrap")
    add("rt_cast_grad", R.cast_grad, u(2, 3), u(2, 3), u(2, 3))
    add("rt_cast_grad_list", R.cast_grad, u(2), [u(), u()], u(2))
    add("rt_cast_grad_to_int", R.cast_grad, u(2), u(2), np.zeros(2, dtype=int))
    add("rt_cast_jvp", R.cast_jvp, u(2, 3), u(2, 3), u(2, 3))
    add("rt_cast_jvp_list", R.cast_jvp, [u(), u()], [u(), u()], u(2))
    add("rt_cast_jvp_to_int", R.cast_jvp, u(2), u(2), np.zeros(2, dtype=int))
    add("rt_item_grad", R.item_grad, u(), u(2, 3), 4)
    add("rt_item_grad_tuple", R.item_grad, u(), u(2, 3), (0, 2))
    add("rt_item_grad_none", R.item_grad, u(), u(1, 1))
    numpy_coverage.calls(add, u, pos, away, distinct)
    # issue 15: np.c_ joins columns; `u op= v` checks its object is not shared
    add("rt_column", R.column, u(3))
    add("rt_column_matrix", R.column, u(2, 3))
    add("rt_unshared", R.unshared, u(2, 3), (), "__iadd__")
    add("rt_apart", R.apart, u(2, 3), u(3, 3), u(2, 3))  # separate arrays: the value passes through
    add("sign", np.sign, u(2, 3))
    return c


def _linalg_scipy_calls():
    """The cases of issue 6's rules (np.linalg, NumPy 2, scipy): tests/rules_linalg_scipy.py."""
    c = []

    def add(id, prim, *args, wrt=(0,), eps=1e-6, rtol=1e-5, **kwargs):
        c.append(Call(id, prim, args, kwargs, wrt, eps, rtol))

    rules_linalg_scipy.calls(add, u, pos, away, spd)
    rules_second_order.calls(add, u, pos, away)
    rules_issue17.calls(add, u, pos, away)
    return c


def _container_calls():
    """The helpers of the dicts a function builds ({"a": x} is dict_of((x,), ("a",)); dict(d) is dict_copy(d)),
    with arguments from a generator of their own (the other tables keep theirs)."""
    gen = np.random.default_rng(17)

    def v(*shape):
        return gen.uniform(-1.0, 1.0, size=shape) if shape else float(gen.uniform(-1.0, 1.0))
    return [Call("rt_dict_of", R.dict_of, ((v(), v(2)), ("a", "b"))),
            Call("rt_dict_entries", R.dict_entries, ({"a": v(), "b": v(2)}, ("b", "a"))),
            Call("rt_dict_copy", R.dict_copy, ({"a": v(), "b": v(2)},)),
            # dataclasses and named tuples the function builds (dataclass ones: tests/test_containers_built.py)
            Call("rt_record_of", R.record_of, (_Pair, (v(), v(2)), ("a", "b")), wrt=(1,)),
            Call("rt_record_dots", R.record_dots, (_Pair, (v(2), v()), ("b", "a")), wrt=(1,)),
            Call("rt_record_replace", R.record_replace, (_Pair(v(), v(2)), (v(2),), ("b",)), wrt=(0, 1)),
            Call("rt_replaced_dots", R.replaced_dots, (_Pair(v(), v(2)), (v(2),), ("b",)), wrt=(0, 1)),
            Call("rt_without_entries", R.without_entries, (_Pair(v(), v(2)), _Pair(0.0, 0.0), ("a",))),
            Call("rt_record_entries", R.record_entries, (_Pair(v(), v(2)), _Pair, ("b", "a")))]


CALLS = _calls() + _linalg_scipy_calls() + _container_calls()


def _fresh(x):
    """A copy of the arrays and lists in ``x`` (add_at and zero_at update their argument in place)."""
    return _tree_map(lambda v: v.copy() if isinstance(v, np.ndarray) else v, x)


def _primitive_call(call, values):
    """Call the primitive with the arguments named in ``call.wrt`` replaced by ``values``."""
    args, kwargs = list(_fresh(call.args)), dict(_fresh(call.kwargs))  # a copy: the call is shared
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
    bound = rule.signature.bind(*_fresh(call.args), **_fresh(call.kwargs))
    bound.apply_defaults()
    ans = call.prim(*_fresh(call.args), **_fresh(call.kwargs))
    g = _random_like(ans) if ans_bar is None else ans_bar
    if rule.kind == "elementwise":
        d = fn(bound.arguments["x"], ans)
        out = {"x": R.absorb_zeros(g, g * d) if rule.singular else g * d}
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


def _float32_calls():
    x, y = u(2, 3).astype(np.float32), pos(3).astype(np.float32)
    return [Call("sin", np.sin, (x,)), Call("log2", np.log2, (y,)), Call("power", operator.pow, (y, 2)),
             Call("maximum", np.maximum, (x, y), wrt=(0, 1)), Call("sum", np.sum, (x,), {"axis": 0}),
             Call("mean", np.mean, (x,)), Call("max", np.max, (x,), {"axis": 1}),
             Call("var", np.var, (x,)), Call("std", np.std, (x,), {"axis": 0}),
             Call("matmul", operator.matmul, (x, x.T), wrt=(0, 1)), Call("where", np.where, (x > 0, x, y), wrt=(1, 2)),
             Call("clip", np.clip, (x, -0.5, 0.5)), Call("divide", operator.truediv, (x, y), wrt=(0, 1)),
             Call("norm", np.linalg.norm, (x,)), Call("prod", np.prod, (y,)), Call("sqrt", np.sqrt, (y,)),
             Call("arctan2", np.arctan2, (x, y), wrt=(0, 1)), Call("hypot", np.hypot, (x, y), wrt=(0, 1)),
             Call("det", np.linalg.det, (x[:, :2],)), Call("cumprod", np.cumprod, (y,)),
             Call("sort", np.sort, (x,)), Call("solve", np.linalg.solve, (x[:, :2], y[:2]), wrt=(0, 1))]


FLOAT32_CALLS = _float32_calls() + rules_linalg_scipy.float32_calls(Call, u, pos, spd)


def test_templates_keep_float32():
    """float32 arguments get float32 adjoints (no silent upcast to float64)."""
    for call in FLOAT32_CALLS:
        ans = call.prim(*call.args, **call.kwargs)
        ans_bar = _tree_map(lambda v: np.ones_like(v, dtype=np.float32) if np.ndim(v) else np.float32(1), ans)
        _, _, contributions, _ = template_vjp(call, ans_bar)
        for name, c in contributions.items():
            dtype = np.asarray(c).dtype
            assert dtype == np.float32, "{}: adjoint of {} is {}".format(call.id, name, dtype)


# primitives of complex values (np.imag, np.angle, np.fft and its helpers): tests/test_complex.py checks
# them in the real-pair view, which these tables of real arguments cannot
COMPLEX = {T.Key(p) for p in complex_cases.covered() + list(rules_issue17.covered_elsewhere())}


def test_every_primitive_has_a_direct_call():
    covered = {T.Key(c.prim) for c in CALLS} | COMPLEX
    missing = [rule.name + ": " + repr(p) for p, rule in REGISTRY.adjoints.items() if T.Key(p) not in covered]
    assert not missing, "primitives with no case in CALLS: {}".format(missing)


# ----------------------------------------------------------------- tangents (forward mode)
def _random_tangent_like(x):
    """Random tangents with the structure of ``x``, each in its float dtype (float32 stays float32)."""
    def one(v):
        if isinstance(v, float) and not isinstance(v, np.floating):
            return float(rng.standard_normal())
        return rng.standard_normal(np.shape(v)).astype(R.float_dtype(v))
    return _tree_map(one, x)


def template_jvp(call, dots):
    """(ans, its tangent) as the engine gets it, for tangents ``dots`` of the arguments in ``call.wrt``.

    An explicit ``@tangent`` template wins; otherwise an elementwise rule gives
    ``x_dot * f(x, ans)`` and a linear rule the primitive applied to the
    tangents. Template parameters that ``call.wrt`` does not vary get
    ``zeros_like``, the engine's zero for an inactive argument.
    """
    rule = REGISTRY.rule_for(call.prim)
    explicit = REGISTRY.tangent_for(call.prim)
    signature = (explicit or rule).signature
    bound = signature.bind(*_fresh(call.args), **_fresh(call.kwargs))
    bound.apply_defaults()
    names = list(signature.parameters)
    given = {(names[w] if isinstance(w, int) else w): _fresh(d) for w, d in zip(call.wrt, dots)}

    def dot(name):
        return given[name] if name in given else R.zeros_like(bound.arguments[name])

    ans = call.prim(*_fresh(call.args), **_fresh(call.kwargs))
    if explicit is not None:
        fn = explicit.namespace[explicit.name]
        return ans, fn(**bound.arguments, ans=ans, **{p + "_dot": dot(p) for p in explicit.wrt})
    if rule.kind == "elementwise":
        return ans, dot("x") * rule.namespace[rule.name](bound.arguments["x"], ans)
    assert rule.kind == "linear", "{}: a {} rule needs a tangent template".format(call.id, rule.kind)
    args = [dot(names[i]) if names[i] in rule.wrt else a for i, a in enumerate(_fresh(call.args))]
    kwargs = {k: dot(k) if k in rule.wrt else a for k, a in _fresh(call.kwargs).items()}
    return ans, call.prim(*args, **kwargs)


def _call_values(call):
    return [call.args[w] if isinstance(w, int) else call.kwargs[w] for w in call.wrt]


def _assert_tangent_like(t, ans, where):
    """The tangent ``t`` has the structure, shape and float dtype of ``ans``."""
    _assert_like(t, ans, where)
    for tl, al in zip(_leaves(t), _leaves(ans)):
        assert np.result_type(tl) == R.float_dtype(al), "{}: dtype {} for a {} result".format(
            where, np.result_type(tl), np.result_type(al))


@pytest.mark.parametrize("call", CALLS, ids=lambda c: c.id)
def test_template_jvp(call):
    values = _call_values(call)
    h = call.eps
    for which in [[i] for i in range(len(values))] + ([list(range(len(values)))] if len(values) > 1 else []):
        for _ in range(2):
            d = [_random_tangent_like(v) if i in which else R.zeros_like(v) for i, v in enumerate(values)]
            ans, t = template_jvp(call, d)
            _assert_tangent_like(t, ans, "{} tangent".format(call.id))
            plus = _primitive_call(call, [_axpy(h, di, v) for di, v in zip(d, values)])
            minus = _primitive_call(call, [_axpy(-h, di, v) for di, v in zip(d, values)])
            for tl, p, m in zip(_leaves(t), _leaves(plus), _leaves(minus)):
                numeric = (np.asarray(p, dtype=np.float64) - np.asarray(m, dtype=np.float64)) / (2 * h)
                scale = max(1.0, float(np.max(np.abs(numeric), initial=0.0)))
                np.testing.assert_allclose(
                    np.asarray(tl, dtype=np.float64), numeric, rtol=call.rtol, atol=0.1 * call.rtol * scale,
                    err_msg="{}: tangent along {} vs finite differences".format(
                        call.id, [call.wrt[i] for i in which]))


@pytest.mark.parametrize("call", CALLS, ids=lambda c: c.id)
def test_template_jvp_is_the_transpose_of_the_vjp(call):
    """<J v, w> == <v, J^T w> for random v, w: the tangent and adjoint templates agree."""
    values = _call_values(call)
    rtol = 1e-9 if call.rtol <= 1e-5 else call.rtol
    for _ in range(2):
        v = [_random_tangent_like(x) for x in values]
        ans, t = template_jvp(call, v)
        w = _random_tangent_like(ans)
        _, _, contributions, _ = template_vjp(call, w)
        forward = _vdot(t, w)
        reverse = sum(_vdot(vi, c) for vi, c in zip(v, contributions.values()))
        size = np.sqrt(_vdot(t, t) * _vdot(w, w)) + 1.0
        assert abs(forward - reverse) <= rtol * size, "{}: <J v, w> = {} but <v, J^T w> = {}".format(
            call.id, forward, reverse)


def test_tangents_keep_float32():
    """float32 arguments and tangents give float32 tangents."""
    for call in FLOAT32_CALLS:
        ans, t = template_jvp(call, [_random_tangent_like(v) for v in _call_values(call)])
        for leaf in _leaves(t):
            assert np.result_type(leaf) == np.float32, "{}: tangent is {}".format(call.id, np.result_type(leaf))


# Helpers whose derivative in their primal arguments is not written yet
# (templates/runtime_helpers.py says why): generated code calling them cannot
# be differentiated again, and the engine reports that as a missing rule.
HELPERS_WITHOUT_RULES = (("average_grad", "average_jvp", "interp_slope", "convolve_grad", "convolve_grad2",
                          "kron_grad", "polyval_grad", "trapezoid_grad", "trapezoid_x_jvp", "polyval_slope")
                         + rules_linalg_scipy.HELPERS_WITHOUT_RULES + rules_second_order.HELPERS_WITHOUT_RULES
                         + rules_issue17.HELPERS_WITHOUT_RULES)


def test_every_runtime_helper_has_a_rule():
    """Generated code and templates call s2s.runtime helpers: each needs a rule for higher orders."""
    missing = []
    for name, obj in vars(R).items():
        if name.startswith("_") or name in R.SHARED or not inspect.isfunction(obj) or not R.is_runtime(obj):
            continue
        if obj not in REGISTRY.adjoints and not REGISTRY.is_nondifferentiable(obj):
            missing.append(name)
    assert sorted(missing) == sorted(HELPERS_WITHOUT_RULES)


def test_templates_never_call_the_runtime_building_blocks():
    """``s2s.runtime.SHARED`` names functions only helpers call (they have no rules): no template calls one."""
    used = []
    for path in T.template_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("s2s.runtime"):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "runtime":
                names = [node.attr]
            used.extend("{}:{} {}".format(path.name, node.lineno, name) for name in names if name in R.SHARED)
    assert not used
    assert all(inspect.isfunction(getattr(R, name)) for name in R.SHARED)


def test_every_adjoint_rule_has_a_tangent_template():
    """Elementwise and linear rules derive their tangents; every other rule states one."""
    missing = [rule.name + ": " + repr(p) for p, rule in REGISTRY.adjoints.items()
               if rule.kind == "adjoint" and REGISTRY.tangent_for(p) is None]
    assert not missing, "adjoint templates with no @tangent template: {}".format(missing)


_INF = np.inf


@pytest.mark.parametrize("call,dots,want", [
    (Call("maximum_tie", np.maximum, (np.array([1.0, 3.0]), np.array([2.0, 3.0])), wrt=(0, 1)),
     [np.ones(2), np.zeros(2)], [0.0, 0.5]),                                      # ties split, as the adjoint
    (Call("max_tie", np.max, (np.array([1.0, 3.0, 3.0]),)), [np.array([5.0, 1.0, 3.0])], 2.0),
    (Call("max_tie_nan_elsewhere", np.max, (np.array([1.0, 3.0]),)), [np.array([_INF, 1.0])], 1.0),
    (Call("builtin_max_tie", max, (1.0, 1.0), wrt=(0, 1)), [1.0, 0.0], 0.5),
    (Call("builtin_max_list_tie", max, ([2.0, 2.0, 1.0],)), [[1.0, 3.0, _INF]], 2.0),
    (Call("norm_at_zero", np.linalg.norm, (np.zeros(3),)), [np.ones(3)], 0.0),     # 0, not NaN
    (Call("norm_matrix_at_zero", np.linalg.norm, (np.zeros((2, 2)),), {"axis": 1}), [np.ones((2, 2))], [0.0, 0.0]),
    (Call("hypot_at_zero", np.hypot, (0.0, 0.0), wrt=(0, 1)), [1.0, 1.0], 0.0),
    (Call("arctan2_at_zero", np.arctan2, (0.0, 0.0), wrt=(0, 1)), [1.0, 1.0], 0.0),
    (Call("std_constant", np.std, (np.ones(3),)), [np.array([1.0, 2.0, 3.0])], 0.0),
    (Call("where_no_leak", np.where, (np.array([True, False]), np.array([1.0, 0.0]), 2.0), wrt=(1, 2)),
     [np.array([1.0, _INF]), 0.0], [1.0, 0.0]),                                   # no NaN from the branch not taken
    (Call("clip_no_leak", np.clip, (np.array([-2.0, 0.5, 2.0]), -1.0, 1.0), wrt=(0,)),
     [np.array([_INF, 1.0, np.nan])], [0.0, 1.0, 0.0]),
    (Call("prod_with_zero", np.prod, (np.array([2.0, 0.0, 3.0]),)), [np.ones(3)], 6.0),
    (Call("cumprod_with_zero", np.cumprod, (np.array([2.0, 0.0, 3.0]),)), [np.ones(3)], [1.0, 2.0, 6.0]),
    (Call("pow_zero_exponent", operator.pow, (np.array([0.0, 2.0]), 0.0), wrt=(0, 1)),
     [np.ones(2), 1.0], [0.0, np.log(2.0)]),
])
def test_tangent_at_edge_values(call, dots, want):
    """At kinks the tangents pick the adjoints' subgradients, and stay finite."""
    with np.errstate(all="raise"):
        _, t = template_jvp(call, dots)
    np.testing.assert_array_equal(t, want)


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


@pytest.mark.parametrize("spec,shapes", [
    ("ij,jk->ik", [(2, 3), (3, 4)]), ("ij,jk", [(2, 3), (3, 4)]), ("ii->", [(3, 3)]), ("ii->i", [(3, 3)]),
    ("ij->i", [(2, 3)]), ("ij->", [(2, 3)]), ("...ij,...jk->...ik", [(2, 3, 4), (4, 5)]), ("i,i->", [(3,), (3,)]),
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]), ("iij,jk->ik", [(3, 3, 2), (2, 4)]), ("ij,kl->ijkl", [(2, 1), (3, 2)]),
    ("...i,...i->...", [(2, 1, 3), (4, 3)]), ("i...->...", [(2, 3, 4)]), ("i,j,k", [(2,), (3,), (2,)]),
])
def test_helper_einsum_grad(spec, shapes):
    ops = [u(*s) for s in shapes]
    g = _random_like(np.einsum(spec, *ops))
    for i in range(len(ops)):
        def f(x):
            return _vdot(g, np.einsum(spec, *(ops[:i] + [x] + ops[i + 1:])))
        np.testing.assert_allclose(R.einsum_grad(g, spec, ops + [None], i), numeric_grad(f, ops[i]), atol=1e-8)


@pytest.mark.parametrize("axis", [0, 1, -1, None])
def test_helper_sort_and_repeat_grads(axis):
    a = distinct(3, 4)
    g = _random_like(np.sort(a, axis=axis))
    np.testing.assert_allclose(R.sort_grad(g, a, axis), numeric_grad(lambda v: _vdot(g, np.sort(v, axis=axis)), a),
                               atol=1e-8)
    repeats = [1, 0, 3, 2] if axis in (1, -1) else 2
    g = _random_like(np.repeat(a, repeats, axis=axis))
    np.testing.assert_allclose(R.repeat_grad(g, a, repeats, axis),
                               numeric_grad(lambda v: _vdot(g, np.repeat(v, repeats, axis=axis)), a), atol=1e-8)


@pytest.mark.parametrize("shape,reps", [((3, 4), 2), ((3, 4), (2, 1)), ((3, 4), (2, 1, 3)), ((3,), (2, 2)), ((), 3)])
def test_helper_tile_grad(shape, reps):
    a = np.asarray(u(*shape))
    g = _random_like(np.tile(a, reps))
    np.testing.assert_allclose(R.tile_grad(g, a, reps), numeric_grad(lambda v: _vdot(g, np.tile(v, reps)), a))


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
                      (u(3, 4), {"ord": 2}), (distinct(3, 4), {"ord": -1}),
                      (u(2, 3, 4), {"ord": "fro", "axis": (2, 1)})]:
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


# ================================================================= through the engine
# One module-level function per primitive (s2s reads their source). ``w`` is
# a fixed weight: a loss sum(w * op(x)) tells permuted elements apart.
def f_add(x, y): return np.sum(np.sin(x + y))
def f_np_add(x, y): return np.sum(np.sin(np.add(x, y)))
def f_sub(x, y): return np.sum(np.sin(x - y))
def f_np_subtract(x, y): return np.sum(np.sin(np.subtract(x, y)))
def f_mul(x, y): return np.sum(np.sin(x * y))
def f_np_multiply(x, y): return np.sum(np.sin(np.multiply(x, y)))
def f_div(x, y): return np.sum(x / y)
def f_np_divide(x, y): return np.sum(np.divide(x, y))
def f_neg(x): return np.sum(np.sin(-x))
def f_np_negative(x): return np.sum(np.sin(np.negative(x)))
def f_pos(x): return np.sum(np.sin(+x))
def f_np_positive(x): return np.sum(np.sin(np.positive(x)))
def f_pow(x, y): return np.sum(x ** y)
def f_pow_int(x): return np.sum(x ** 3)
def f_np_power(x, y): return np.sum(np.power(x, y))
def f_math_pow(x, y): return math.pow(x, y)
def f_builtin_pow(x): return pow(x, 3)
def f_mod(x, y): return np.sum(np.sin(x % y))
def f_np_mod(x, y): return np.sum(np.sin(np.mod(x, y)))
def f_np_fmod(x, y): return np.sum(np.sin(np.fmod(x, y)))
def f_math_fmod(x, y): return math.fmod(x, y)
def f_scalar_arithmetic(x, y): return x * y - x / y + 2.0 ** x - (-y) % 0.7


def f_np_exp(x): return np.sum(np.exp(x))
def f_math_exp(x): return math.exp(x)
def f_np_exp2(x): return np.sum(np.exp2(x))
def f_np_expm1(x): return np.sum(np.expm1(x))
def f_math_expm1(x): return math.expm1(x)
def f_np_log(x): return np.sum(np.log(x))
def f_np_log2(x): return np.sum(np.log2(x))
def f_math_log2(x): return math.log2(x)
def f_np_log10(x): return np.sum(np.log10(x))
def f_math_log10(x): return math.log10(x)
def f_np_log1p(x): return np.sum(np.log1p(x))
def f_math_log1p(x): return math.log1p(x)
def f_np_sqrt(x): return np.sum(np.sqrt(x))
def f_math_sqrt(x): return math.sqrt(x)
def f_np_cbrt(x): return np.sum(np.cbrt(x))
def f_np_square(x): return np.sum(np.square(x))
def f_np_reciprocal(x): return np.sum(np.reciprocal(x))
def f_np_sin(x): return np.sum(np.sin(x))
def f_math_sin(x): return math.sin(x)
def f_np_cos(x): return np.sum(np.cos(x))
def f_math_cos(x): return math.cos(x)
def f_np_tan(x): return np.sum(np.tan(x))
def f_math_tan(x): return math.tan(x)
def f_np_arcsin(x): return np.sum(np.arcsin(x))
def f_math_asin(x): return math.asin(x)
def f_np_arccos(x): return np.sum(np.arccos(x))
def f_math_acos(x): return math.acos(x)
def f_np_arctan(x): return np.sum(np.arctan(x))
def f_math_atan(x): return math.atan(x)
def f_np_sinh(x): return np.sum(np.sinh(x))
def f_math_sinh(x): return math.sinh(x)
def f_np_cosh(x): return np.sum(np.cosh(x))
def f_math_cosh(x): return math.cosh(x)
def f_np_tanh(x): return np.sum(np.tanh(x))
def f_math_tanh(x): return math.tanh(x)
def f_np_arcsinh(x): return np.sum(np.arcsinh(x))
def f_math_asinh(x): return math.asinh(x)
def f_np_arccosh(x): return np.sum(np.arccosh(x))
def f_math_acosh(x): return math.acosh(x)
def f_np_arctanh(x): return np.sum(np.arctanh(x))
def f_math_atanh(x): return math.atanh(x)
def f_np_abs(x): return np.sum(np.abs(x) * x)
def f_np_fabs(x): return np.sum(np.fabs(x) * x)
def f_builtin_abs(x): return abs(x) * x
def f_abs_of_array(x): return np.sum(abs(x) * x)
def f_operator_abs(x): return np.sum(operator.abs(x) * x)
def f_math_fabs(x): return math.fabs(x) * x
def f_np_sinc(x): return np.sum(np.sinc(x))
def f_np_degrees(x): return np.sum(np.sin(np.degrees(x)))
def f_np_rad2deg(x): return np.sum(np.sin(np.rad2deg(x)))
def f_math_degrees(x): return math.degrees(x) * x
def f_np_radians(x): return np.sum(np.sin(np.radians(x)))
def f_np_deg2rad(x): return np.sum(np.sin(np.deg2rad(x)))
def f_math_radians(x): return math.radians(x) * x
def f_np_conjugate(x): return np.sum(np.sin(np.conjugate(x)))
def f_np_real(x): return np.sum(np.sin(np.real(x)))
def f_np_imag(x): return np.sum(np.sin(np.imag(x * (1.0 + 2.0j))) * x)
def f_np_angle(x): return np.sum(np.angle(x * (1.0 + 2.0j) + 0.5j, deg=True) * x)
def f_math_erf(x): return math.erf(x)
def f_math_erfc(x): return math.erfc(x)
def f_math_exp2(x): return math.exp2(x)
def f_math_cbrt(x): return math.cbrt(x)


def f_np_arctan2(x, y): return np.sum(np.arctan2(x, y))
def f_math_atan2(x, y): return math.atan2(x, y)
def f_np_hypot(x, y): return np.sum(np.hypot(x, y))
def f_math_hypot(x, y): return math.hypot(x, y)
def f_np_logaddexp(x, y): return np.sum(np.logaddexp(x, y))
def f_np_logaddexp2(x, y): return np.sum(np.logaddexp2(x, y))
def f_np_maximum(x, y): return np.sum(np.sin(np.maximum(x, y)))
def f_np_minimum(x, y): return np.sum(np.sin(np.minimum(x, y)))
def f_np_fmax(x, y): return np.sum(np.sin(np.fmax(x, y)))
def f_np_fmin(x, y): return np.sum(np.sin(np.fmin(x, y)))
def f_np_where(x, y): return np.sum(np.sin(np.where(x > 0, x, y)))
def f_np_where_safe_log(x): return np.sum(np.where(x > 0, np.log(np.where(x > 0, x, 1.0)), x))
def f_np_clip(x, lo, hi): return np.sum(np.sin(np.clip(x, lo, hi)))
def f_np_clip_keywords(x): return np.sum(np.sin(np.clip(x, min=-0.5, max=0.5)))


def f_sum(x): return np.sum(np.sin(x)) + np.sum(x)
def f_sum_axis0(x, w): return np.sum(np.sum(x, axis=0) * w)
def f_sum_axes_keepdims(x, w): return np.sum(np.sum(x, axis=(0, 2), keepdims=True) * w)
def f_mean(x): return np.mean(np.sin(x))
def f_mean_axis(x, w): return np.sum(np.mean(x, axis=-1) * w)
def f_max(x): return np.max(x) * 2.0
def f_max_axis(x, w): return np.sum(np.max(x, axis=1) * w)
def f_amax_keepdims(x, w): return np.sum(np.amax(x, axis=0, keepdims=True) * w)
def f_min(x): return np.min(x) * 2.0
def f_amin_axis(x, w): return np.sum(np.amin(x, axis=-1) * w)
def f_prod(x): return np.prod(x)
def f_prod_axis(x, w): return np.sum(np.prod(x, axis=1) * w)
def f_var(x): return np.var(x)
def f_var_axis_ddof(x, w): return np.sum(np.var(x, axis=0, ddof=1) * w)
def f_std(x): return np.std(x)
def f_std_axis_keepdims(x, w): return np.sum(np.std(x, axis=1, keepdims=True) * w)
def f_cumsum(x, w): return np.sum(np.cumsum(x) * w)
def f_cumsum_axis(x, w): return np.sum(np.cumsum(x, axis=1) * w)
def f_cumprod(x, w): return np.sum(np.cumprod(x, axis=0) * w)
def f_diff(x, w): return np.sum(np.diff(x, n=2, axis=0) * w)


def f_matmul(a, b, w): return np.sum((a @ b) * w)
def f_matmul_vector(a, v): return np.sum(np.sin(a @ v))
def f_matmul_vec_vec(v, y): return v @ y
def f_matmul_batch(a, b, w): return np.sum((a @ b) * w)
def f_np_matmul(a, b, w): return np.sum(np.matmul(a, b) * w)
def f_np_dot(a, b, w): return np.sum(np.dot(a, b) * w)
def f_np_dot_vec(v, y): return np.dot(v, y)
def f_np_dot_scalar(s, a, w): return np.sum(np.dot(s, a) * w)
def f_np_inner(a, b, w): return np.sum(np.inner(a, b) * w)
def f_np_outer(v, y, w): return np.sum(np.outer(v, y) * w)
def f_np_vdot(a, b): return np.vdot(a, b)
def f_np_tensordot(a, b, w): return np.sum(np.tensordot(a, b) * w)
def f_np_tensordot_axes(a, b, w): return np.sum(np.tensordot(a, b, axes=([1, 0], [0, 2])) * w)
def f_np_einsum(a, b, w): return np.sum(np.einsum("ij,jk->ik", a, b) * w)
def f_np_einsum_three(v, a, y): return np.einsum("i,ij,j->", v, a, y)
def f_np_trace(a): return np.trace(a) ** 2
def f_np_trace_axes(a, w): return np.sum(np.trace(a, offset=1, axis1=1, axis2=2) * w)
def f_np_diagonal(a, w): return np.sum(np.diagonal(a) * w)
def f_np_diag_vector(v, w): return np.sum(np.diag(v, k=1) * w)
def f_np_diag_matrix(a, w): return np.sum(np.diag(a) * w)
def f_norm(x): return np.linalg.norm(x)
def f_norm_matrix(x): return np.linalg.norm(x) + np.linalg.norm(x, ord="nuc")
def f_norm_axis(x, w): return np.sum(np.linalg.norm(x, axis=1) * w)
def f_norm_ord1(x): return np.linalg.norm(x, ord=1) + np.linalg.norm(x, ord=np.inf)
def f_norm_spectral_keepdims(x): return np.sum(np.linalg.norm(x, ord=2, axis=(0, 1), keepdims=True))
def f_det(a): return np.linalg.det(a)
def f_inv(a, w): return np.sum(np.linalg.inv(a) * w)
def f_solve(a, b, w): return np.sum(np.linalg.solve(a, b) * w)
def f_solve_vector(a, b): return np.sum(np.sin(np.linalg.solve(a, b)))


def f_reshape(x, w): return np.sum(np.reshape(x, (3, 2)) * w)
def f_reshape_f(x, w): return np.sum(np.reshape(x, (6,), order="F") * w)
def f_ravel(x, w): return np.sum(np.ravel(x) * w)
def f_expand_dims(x, w): return np.sum(np.expand_dims(x, 1) * w)
def f_squeeze(x, w): return np.sum(np.squeeze(x) * w)
def f_atleast_1d(x, w): return np.sum(np.atleast_1d(x) * w)
def f_atleast_2d(x, w): return np.sum(np.atleast_2d(x) * w)
def f_atleast_3d(x, w): return np.sum(np.atleast_3d(x) * w)
def f_transpose(x, w): return np.sum(np.transpose(x) * w)
def f_transpose_axes(x, w): return np.sum(np.transpose(x, (1, 2, 0)) * w)
def f_swapaxes(x, w): return np.sum(np.swapaxes(x, 0, 2) * w)
def f_moveaxis(x, w): return np.sum(np.moveaxis(x, 0, -1) * w)
def f_broadcast_to(x, w): return np.sum(np.broadcast_to(x, (2, 3, 4)) * w)
def f_flip(x, w): return np.sum(np.flip(x, axis=1) * w)
def f_fliplr(x, w): return np.sum(np.fliplr(x) * w)
def f_flipud(x, w): return np.sum(np.flipud(x) * w)
def f_roll(x, w): return np.sum(np.roll(x, 2, axis=1) * w)
def f_sort(x, w): return np.sum(np.sort(x, axis=0) * w)
def f_repeat(x, w): return np.sum(np.repeat(x, 2, axis=1) * w)
def f_tile(x, w): return np.sum(np.tile(x, (2, 1)) * w)
def f_triu(x, w): return np.sum(np.triu(x, 1) * w)
def f_tril(x, w): return np.sum(np.tril(x) * w)
def f_take(x, w): return np.sum(np.take(x, np.array([0, 2, 2]), axis=1) * w)
def f_concatenate(x, y, w): return np.sum(np.concatenate([x, y], axis=1) * w)
def f_concatenate_list_arg(xs, w): return np.sum(np.concatenate(xs) * w)
def f_stack(x, y, w): return np.sum(np.stack((x, y), axis=-1) * w)
def f_hstack(x, y, w): return np.sum(np.hstack([x, y]) * w)
def f_vstack(x, y, w): return np.sum(np.vstack([x, y]) * w)
def f_array_of_scalars(x, y): return np.sum(np.sin(np.array([x, y, x * y])))
def f_array_of_arrays(x, y, w): return np.sum(np.array([x, y]) * w)
def f_array_dtype(x): return np.sum(np.sin(np.array(x, dtype=np.float64)))
def f_asarray(x, y): return np.sum(np.sin(np.asarray([x, y])))
def f_asanyarray(x): return np.sum(np.sin(np.asanyarray(x)))
def f_ascontiguousarray(x): return np.sum(np.sin(np.ascontiguousarray(x)))
def f_np_copy(x): return np.sum(np.sin(np.copy(x)))


def f_builtin_sum(x, y): return sum([x, y * y, 1.0])
def f_builtin_sum_arrays(x, y): return np.sum(np.sin(sum([x, y], np.ones(3))))
def f_math_fsum(x, y): return math.fsum([x, y * y])
def f_builtin_max(x, y): return max(x, y) * y
def f_builtin_min(x, y): return min(x, y) * y
def f_builtin_max_list(x, y): return max([x, y, 0.1]) * 2.0
def f_math_log(x): return math.log(x)
def f_math_log_base(x, y): return math.log(x, y)
def f_float(x): return float(np.sum(x * x))
def f_np_float64(x): return np.float64(x) * x
def f_np_float32(x): return np.sum(np.float32(x))


def f_method_sum(x, w): return np.sum(x.sum(axis=1) * w)
def f_method_mean(x): return x.mean()
def f_method_prod(x): return x.prod()
def f_method_max(x, w): return np.sum(x.max(axis=0) * w)
def f_method_min(x): return x.min()
def f_method_std(x): return x.std()
def f_method_var(x): return x.var(ddof=1)
def f_method_cumsum(x, w): return np.sum(x.cumsum(axis=0) * w)
def f_method_cumprod(x, w): return np.sum(x.cumprod() * w)
def f_method_dot(a, b, w): return np.sum(a.dot(b) * w)
def f_method_ravel(x, w): return np.sum(x.ravel() * w)
def f_method_flatten(x, w): return np.sum(x.flatten() * w)
def f_method_squeeze(x, w): return np.sum(x.squeeze() * w)
def f_method_clip(x): return np.sum(np.sin(x.clip(-0.5, 0.5)))
def f_method_transpose(x, w): return np.sum(x.transpose(1, 0) * w)
def f_method_reshape(x, w): return np.sum(x.reshape(3, 2) * w)
def f_method_swapaxes(x, w): return np.sum(x.swapaxes(0, 1) * w)
def f_method_trace(x): return x.trace()
def f_method_diagonal(x, w): return np.sum(x.diagonal() * w)
def f_method_take(x, w): return np.sum(x.take(np.array([1, 0])) * w)
def f_method_conj(x): return np.sum(np.sin(x.conj()))
def f_method_conjugate(x): return np.sum(np.sin(x.conjugate()))
def f_method_astype(x): return np.sum(np.sin(x.astype(np.float64)))
def f_method_copy(x): return np.sum(np.sin(x.copy()))
def f_method_item(x): return x.item() * 2.0
def f_method_nondiff(x): return np.sum(x * x.round()) + x.argmax() + x.argmin() + np.sum(x.argsort()) + x.all()


def f_nondiff_floor_and_friends(x):
    return np.sum(x * np.floor(x) + np.sign(x) + np.round(x) + np.argmax(x) + (x > 0.0) + np.ceil(x) // 2)


def f_nondiff_shapes(x): return np.sum(x) * (len(x) + np.size(x) + np.ndim(x) + np.shape(x)[0])
def f_nondiff_constructors(x): return np.sum(x * np.ones_like(x) + np.zeros(3) + np.arange(3.0) + np.linspace(0, 1, 3))
def f_nondiff_int(x): return x * int(x * 10.0) + x * round(x) * float(len([x, x]))
def f_stop_gradient(x): return x * R.stop_gradient(x * x)


# Runtime helpers (templates/runtime_helpers.py), as generated code calls them.
def f_rt_add(x, y): return np.sum(np.sin(R.add(x, y)))
def f_rt_detach(x): return np.sum(np.sin(R.detach(x)))
def f_rt_unbroadcast(g, x): return np.sum(np.sin(R.unbroadcast(g, x)))
def f_rt_broadcast_like(g, x): return np.sum(np.sin(R.broadcast_like(g, x)))
def f_rt_unreduce(g, x): return np.sum(np.sin(R.unreduce(g, x, (0, 2), False)))
def f_rt_unreduce_grad(h, g): return np.sum(np.sin(R.unreduce_grad(h, g, (0, 2), False)))
def f_rt_snapshot(x): return np.sum(np.sin(R.snapshot(x)))
def f_rt_column(x): return np.sum(np.sin(R.column(x)) * np.arange(3.0)[:, None])
def f_rt_unshared(x): return np.sum(np.sin(R.unshared(x, (), "__iadd__")))
def f_rt_apart(x): return np.sum(np.sin(R.apart(x, np.ones((3, 3)), np.ones((3, 3))[1])))
def f_sign_scaled(x): return np.sum(np.sign(x) * x * x)
def f_rt_cotangent(dout, value): return np.sum(np.sin(R.cotangent(value, dout)))
def f_rt_finalize(g, x): return np.sum(np.sin(R.finalize(g, x)))
def f_rt_add_at(x_bar, v, x): return np.sum(np.sin(R.add_at(x_bar * 1.0, x, 2, v)))
def f_rt_zero_at(x_bar): return np.sum(np.sin(R.zero_at(x_bar * 1.0, 1)))
def f_rt_read_at(x_bar): return np.sum(np.sin(R.read_at(x_bar, np.array([0, 2, 0]))))
def f_rt_unread_at(g, x_bar): return np.sum(np.sin(R.unread_at(g, x_bar, np.array([0, 2, 0]))))
def f_rt_getfield(p): return np.sum(np.sin(R.getfield(p, "b")) * p.a)
def f_rt_field_grad(g, p): return np.sum(np.sin(R.field_grad(g, p, "b").b))
def f_rt_appended(x, y): return np.sum(np.sin(R.appended([x, y], [0.0, 0.0])))
def f_rt_unappended(g, x): return np.sum(np.sin(R.unappended(g, [x, x], [0.0, 0.0])[1]))
def f_rt_shrunk(x, y): return np.sum(np.sin(np.stack(R.shrunk([x, y, y], [0.0, 0.0]))))
def f_rt_grown(x, y): return np.sum(np.sin(np.stack(R.grown([x, y], [0.0, 0.0, np.zeros(2)]))))
def f_rt_dict_of(x, y): return np.sum(np.sin(R.dict_of((x, y), ("a", "b"))["b"]) * x)
def f_rt_dict_entries(x, y): return np.sum(np.sin(R.dict_entries({"a": x, "b": y}, ("b", "a"))[0]) * x)
def f_rt_dict_copy(x, y): return np.sum(np.sin(R.dict_copy({"a": x, "b": y})["b"]) * x)
def f_rt_record_of(x, y): return np.sum(np.sin(R.record_of(_Pair, (x, y), ("a", "b")).b) * x)
def f_rt_record_dots(x, y): return np.sum(np.sin(R.record_dots(_Pair, (y, x), ("b", "a")).b) * x)
def f_rt_record_replace(x, y): return np.sum(np.sin(R.record_replace(_Pair(x, y), (y * x,), ("b",)).b) * x)
def f_rt_replaced_dots(x, y): return np.sum(np.sin(R.replaced_dots(_Pair(x, y), (y * x,), ("b",)).b) * x)
def f_rt_without_entries(x, y): return np.sum(np.sin(R.without_entries(_Pair(x, y), _Pair(0.0, 0.0), ("a",)).b) * x)
def f_rt_record_entries(x, y): return np.sum(np.sin(R.record_entries(_Pair(x, y), _Pair, ("b", "a"))[0]) * x)
def f_rt_safe_divide(a, b): return np.sum(R.safe_divide(a, b))
def f_rt_log_positive(x): return np.sum(R.log_positive(x))
def f_rt_power_base_grad(x, y): return np.sum(R.power_base_grad(x, y))
def f_rt_sinc_grad(x): return np.sum(R.sinc_grad(x))
def f_rt_conj_sign(x): return np.sum(np.real(R.conj_sign(x * (1.0 + 2.0j)) * x * (1.0 - 1.0j)))
def f_rt_conj_of(x): return np.sum(np.real(R.conj_of(x * (1.0 + 2.0j)) * x))
def f_rt_select_grad(g, x, y): return np.sum(np.sin(R.select_grad(g, x, y, np.maximum(x, y))))
def f_rt_clip_bound_grad(g, x):
    ans = np.clip(x, -0.5, 0.5)
    return np.sum(np.sin(R.clip_bound_grad(g, R.clip_from(ans, x), ans, -0.5, 0.5)))
def f_rt_extremum_grad(g, x, y): return np.sum(R.extremum_grad(g, x, y, max(x, y))) * y
def f_rt_extremum_jvp(t, x, y): return R.extremum_jvp([t, t * t, 0.5], [x, y, 0.1], None, max([x, y, 0.1])) * y
def f_rt_extremum_reduce_grad(g, a): return np.sum(np.sin(R.extremum_reduce_grad(g, a, np.max(a, axis=1), 1)))
def f_rt_extremum_reduce_jvp(t, a): return np.sum(np.sin(R.extremum_reduce_jvp(t, a, np.max(a, axis=1), 1)))
def f_rt_cumsum_grad(g, w): return np.sum(R.cumsum_grad(g, w, 1) * w)
def f_rt_diff_grad(g, w): return np.sum(R.diff_grad(g, 2, 0) * w)
def f_rt_matmul_grad1(g, a, b): return np.sum(np.sin(R.matmul_grad1(g, a, b)))
def f_rt_matmul_grad2(g, a, b): return np.sum(np.sin(R.matmul_grad2(g, a, b)))
def f_rt_dot_grad1(g, a, b): return np.sum(np.sin(R.dot_grad1(g, a, b)))
def f_rt_dot_grad2(g, a, b): return np.sum(np.sin(R.dot_grad2(g, a, b)))
def f_rt_inner_grad1(g, a, b): return np.sum(np.sin(R.inner_grad1(g, a, b)))
def f_rt_inner_grad2(g, a, b): return np.sum(np.sin(R.inner_grad2(g, a, b)))
def f_rt_tensordot_grad1(g, a, b): return np.sum(np.sin(R.tensordot_grad1(g, a, b, ([1, 0], [0, 2]))))
def f_rt_tensordot_grad2(g, a, b): return np.sum(np.sin(R.tensordot_grad2(g, a, b, ([1, 0], [0, 2]))))
def f_rt_det_grad(g, a): return np.sum(np.sin(R.det_grad(g, a, np.linalg.det(a))))
def f_rt_solve_matmul(m, x, b): return np.sum(np.sin(R.solve_matmul(m, x, b)))
def f_rt_solve_grad1(g, x, b): return np.sum(np.sin(R.solve_grad1(g, b, x)))
def f_rt_solve_grad2(g, a, b): return np.sum(np.sin(R.solve_grad2(g, a, b)))
def f_rt_solve_jvp2(t, a, b): return np.sum(np.sin(R.solve_jvp2(t, a, b)))
def f_rt_solve_jvp1(t, a, x, b): return np.sum(np.sin(R.solve_jvp1(t, a, b, x)))
def f_rt_trace_grad(g, a): return np.sum(np.sin(R.trace_grad(g, a, 1, 1, 2)))
def f_rt_diagonal_grad(g, a): return np.sum(np.sin(R.diagonal_grad(g, a, 0, 2, 0)))
def f_rt_diag_grad(g, v): return np.sum(np.sin(R.diag_grad(g, v, -1)))
def f_rt_sort_grad(g, a): return np.sum(np.sin(R.sort_grad(g, a, 0)))
def f_rt_sort_jvp(t, a): return np.sum(np.sin(R.sort_jvp(t, a, None)))
def f_rt_repeat_grad(g, a): return np.sum(np.sin(R.repeat_grad(g, a, 2, 1)))
def f_rt_tile_grad(g, a): return np.sum(np.sin(R.tile_grad(g, a, (2, 1))))
def f_rt_untranspose(g, w): return np.sum(R.untranspose(g, (1, 2, 0)) * w)
def f_rt_unreshape(g, w): return np.sum(R.unreshape(g, w, "F") * w)


def pieces_loss(pieces):
    return np.sum(np.sin(pieces[0])) + np.sum(pieces[1] * pieces[1])


def f_rt_unconcatenate(g, x, y): return pieces_loss(R.unconcatenate(g, [x, y], 0))
def f_rt_unstack(g, x, y): return pieces_loss(R.unstack(g, [x, y], -1))
def f_rt_unhstack(g, x, y): return pieces_loss(R.unhstack(g, [x, y]))
def f_rt_unvstack(g, x, y): return pieces_loss(R.unvstack(g, [x, y]))
def f_rt_unarray(g, x, y): return pieces_loss(R.unarray(g, [x, y]))
def f_rt_unsum(g, x, y): return pieces_loss(R.unsum(g, [x, y]))
def f_rt_take_grad(g, a): return np.sum(np.sin(R.take_grad(g, a, np.array([0, 2, 2, 4]))))
def f_rt_cast_grad(g, x): return np.sum(np.sin(R.cast_grad(g, x, g)))
def f_rt_cast_jvp(t, x): return np.sum(np.sin(R.cast_jvp(t, x, t)))
def f_rt_item_grad(g, a): return np.sum(np.sin(R.item_grad(g, a, 4)))


@dataclasses.dataclass(frozen=True, eq=False)
class Row:
    fn: Any
    args: tuple
    wrt: Any = 0
    options: dict = dataclasses.field(default_factory=dict)  # for check_grad
    tags: tuple = ()  # as functions.Case's: "off_domain" only

    @property
    def id(self):
        return self.fn.__name__[2:] + ("_f32" if any(np.asarray(a).dtype == np.float32 for a in self.args
                                                     if not isinstance(a, (list, tuple))) else "")


def W(*shape):
    return u(*shape)


def _rows():
    rows = []

    def r(fn, *args, wrt=0, tags=(), **options):
        rows.append(Row(fn, args, wrt, options, tags))

    for fn in (f_add, f_np_add, f_sub, f_np_subtract, f_mul, f_np_multiply):
        r(fn, u(3, 4), u(4), wrt=(0, 1))
        r(fn, u(3, 1), u(1, 4), wrt=(0, 1))
        r(fn, u(), u(2, 3), wrt=(0, 1))
    r(f_add, u(), u(), wrt=(0, 1))
    r(f_add, np.array(0.3), u(3), wrt=(0, 1))
    for fn in (f_div, f_np_divide):
        r(fn, u(2, 3), pos(3), wrt=(0, 1))
    r(f_div, u(), pos(), wrt=(0, 1))
    for fn in (f_neg, f_np_negative, f_pos, f_np_positive):
        r(fn, u(2, 3))
    r(f_neg, u())
    r(f_pow, pos(2, 3), u(3), wrt=(0, 1))
    r(f_pow, pos(), 2.5, wrt=(0, 1))
    r(f_pow_int, u(3))
    r(f_np_power, pos(3), u(2, 1), wrt=(0, 1))
    r(f_math_pow, 1.3, 0.7, wrt=(0, 1))
    r(f_builtin_pow, 1.2)
    x1, x2 = np.array([0.3, 1.7, -0.6, 2.4]), np.array([0.7, 1.1, 0.9, 1.0])
    r(f_mod, x1, x2, wrt=(0, 1))
    r(f_np_mod, x1.reshape(2, 2), x2[:2], wrt=(0, 1))
    r(f_np_fmod, -x1, x2, wrt=(0, 1))
    r(f_math_fmod, -1.7, 0.6, wrt=(0, 1))
    r(f_scalar_arithmetic, 0.4, 1.3, wrt=(0, 1))

    unary = [
        (f_np_exp, u), (f_math_exp, u), (f_np_exp2, u), (f_np_expm1, u), (f_math_expm1, u), (f_np_log, pos),
        (f_np_log2, pos), (f_math_log2, pos), (f_np_log10, pos), (f_math_log10, pos), (f_np_log1p, pos),
        (f_math_log1p, pos), (f_np_sqrt, pos), (f_math_sqrt, pos), (f_np_cbrt, away), (f_np_square, u),
        (f_np_reciprocal, away), (f_np_sin, u), (f_math_sin, u), (f_np_cos, u), (f_math_cos, u), (f_np_tan, u),
        (f_math_tan, u), (f_np_arcsin, u), (f_math_asin, u), (f_np_arccos, u), (f_math_acos, u), (f_np_arctan, u),
        (f_math_atan, u), (f_np_sinh, u), (f_math_sinh, u), (f_np_cosh, u), (f_math_cosh, u), (f_np_tanh, u),
        (f_math_tanh, u), (f_np_arcsinh, u), (f_math_asinh, u), (f_np_arctanh, u), (f_math_atanh, u),
        (f_np_abs, away), (f_np_fabs, away), (f_builtin_abs, away), (f_abs_of_array, away),
        (f_operator_abs, away), (f_math_fabs, away),
        (f_np_sinc, away), (f_np_degrees, u), (f_np_rad2deg, u), (f_math_degrees, u), (f_np_radians, u),
        (f_np_deg2rad, u), (f_math_radians, u), (f_np_conjugate, u), (f_np_real, u), (f_np_imag, u), (f_np_angle, u), (f_math_erf, u),
        (f_math_erfc, u),
    ]
    if hasattr(math, "cbrt"):
        unary += [(f_math_exp2, u), (f_math_cbrt, away)]
    for fn, domain in unary:
        scalar = fn.__name__.startswith(("f_math", "f_builtin"))
        r(fn, 0.9 * domain() if scalar else 0.9 * domain(2, 3))
    r(f_np_arccosh, 1.2 + pos(2, 3))
    r(f_math_acosh, 1.5)
    r(f_np_sin, u())
    r(f_np_sin, np.array(0.4))
    r(f_np_sin, u(2, 3).astype(np.float32))
    r(f_np_log, pos(4).astype(np.float32))

    r(f_np_arctan2, away(2, 3), away(3), wrt=(0, 1))
    r(f_math_atan2, 0.3, -0.8, wrt=(0, 1))
    r(f_np_hypot, away(2, 3), away(2, 1), wrt=(0, 1))
    r(f_math_hypot, 0.3, -0.8, wrt=(0, 1))
    r(f_np_logaddexp, u(2, 3), u(3), wrt=(0, 1))
    r(f_np_logaddexp2, u(3), u(2, 1), wrt=(0, 1))
    for fn in (f_np_maximum, f_np_minimum, f_np_fmax, f_np_fmin):
        r(fn, distinct(2, 3), distinct(3) + 0.05, wrt=(0, 1))
    r(f_np_where, away(2, 3), u(3), wrt=(0, 1))
    r(f_np_where_safe_log, away(5))
    xc = np.array([-0.9, -0.2, 0.1, 0.7, 0.3, -0.7])
    r(f_np_clip, xc, -0.5, 0.5, wrt=(0, 1, 2))
    r(f_np_clip, xc.reshape(2, 3), np.array([-0.5, 0.0, -0.1]), 0.4, wrt=(0, 1, 2))
    if CLIP_KEYWORDS:
        r(f_np_clip_keywords, xc)

    r(f_sum, u(3, 4))
    r(f_sum, u())
    r(f_sum_axis0, u(3, 4), W(4))
    r(f_sum_axes_keepdims, u(2, 3, 4), W(1, 3, 1))
    r(f_mean, u(3, 4))
    r(f_mean_axis, u(2, 3, 4), W(2, 3))
    r(f_max, distinct(3, 4))
    r(f_max_axis, distinct(3, 4), W(3))
    r(f_amax_keepdims, distinct(3, 4), W(1, 4))
    r(f_min, distinct(5))
    r(f_amin_axis, distinct(2, 3, 4), W(2, 3))
    r(f_prod, pos(3, 4))
    r(f_prod_axis, away(2, 3, 4), W(2, 4))
    r(f_var, u(3, 4))
    r(f_var_axis_ddof, u(3, 4), W(4))
    r(f_std, u(3, 4))
    r(f_std_axis_keepdims, u(3, 4), W(3, 1))
    r(f_cumsum, u(3, 4), W(12))
    r(f_cumsum_axis, u(3, 4), W(3, 4))
    r(f_cumprod, away(3, 4), W(3, 4))
    r(f_diff, u(5, 3), W(3, 3))

    r(f_matmul, u(2, 3), u(3, 4), W(2, 4), wrt=(0, 1))
    r(f_matmul, u(2, 3).astype(np.float32), u(3, 4).astype(np.float32), W(2, 4), wrt=(0, 1))
    r(f_matmul_vector, u(2, 3), u(3), wrt=(0, 1))
    r(f_matmul_vector, u(2, 4, 3), u(3), wrt=(0, 1))
    r(f_matmul_vec_vec, u(3), u(3), wrt=(0, 1))
    r(f_matmul_batch, u(2, 1, 3, 4), u(3, 4, 2), W(2, 3, 3, 2), wrt=(0, 1))
    r(f_np_matmul, u(3), u(2, 3, 4), W(2, 4), wrt=(0, 1))
    r(f_np_dot, u(2, 3), u(4, 3, 2), W(2, 4, 2), wrt=(0, 1))
    r(f_np_dot, u(2, 3, 4), u(4), W(2, 3), wrt=(0, 1))
    r(f_np_dot_vec, u(3), u(3), wrt=(0, 1))
    r(f_np_dot_scalar, u(), u(2, 3), W(2, 3), wrt=(0, 1))
    r(f_np_inner, u(2, 3), u(4, 3), W(2, 4), wrt=(0, 1))
    r(f_np_outer, u(3), u(2, 2), W(3, 4), wrt=(0, 1))
    r(f_np_vdot, u(2, 3), u(3, 2), wrt=(0, 1))
    r(f_np_tensordot, u(2, 3, 4), u(3, 4, 5), W(2, 5), wrt=(0, 1))
    r(f_np_tensordot_axes, u(3, 2, 4), u(2, 5, 3), W(4, 5), wrt=(0, 1))
    r(f_np_einsum, u(2, 3), u(3, 4), W(2, 4), wrt=(0, 1))
    r(f_np_einsum_three, u(2), u(2, 3), u(3), wrt=(0, 1, 2))
    r(f_np_trace, u(3, 3))
    r(f_np_trace_axes, u(2, 3, 4), W(2))
    r(f_np_diagonal, u(3, 4), W(3))
    r(f_np_diag_vector, u(3), W(4, 4))
    r(f_np_diag_matrix, u(3, 4), W(3))
    r(f_norm, u(5))
    r(f_norm, u(2, 3, 2))
    r(f_norm_matrix, u(3, 4))
    r(f_norm_axis, u(3, 4), W(3))
    r(f_norm_ord1, away(5))
    r(f_norm_spectral_keepdims, u(3, 4, 2))
    r(f_det, spd(3) + u(3, 3))
    r(f_inv, spd(3) + u(3, 3), W(3, 3))
    r(f_solve, spd(3) + u(3, 3), u(3, 2), W(3, 2), wrt=(0, 1))
    r(f_solve, u(2, 3, 3) + 2 * np.eye(3), u(3, 1), W(2, 3, 1), wrt=(0, 1))
    r(f_solve_vector, spd(3) + u(3, 3), u(3), wrt=(0, 1))

    r(f_reshape, u(2, 3), W(3, 2))
    r(f_reshape_f, u(2, 3), W(6))
    r(f_ravel, u(2, 3), W(6))
    r(f_expand_dims, u(2, 3), W(2, 1, 3))
    r(f_squeeze, u(2, 1, 3), W(2, 3))
    r(f_atleast_1d, u(), W(1))
    r(f_atleast_2d, u(3), W(1, 3))
    r(f_atleast_3d, u(2, 3), W(1, 2, 3, 1)[0])
    r(f_transpose, u(2, 3), W(3, 2))
    r(f_transpose_axes, u(2, 3, 4), W(3, 4, 2))
    r(f_swapaxes, u(2, 3, 4), W(4, 3, 2))
    r(f_moveaxis, u(2, 3, 4), W(3, 4, 2))
    r(f_broadcast_to, u(3, 1), W(2, 3, 4))
    r(f_flip, u(2, 3), W(2, 3))
    r(f_fliplr, u(2, 3), W(2, 3))
    r(f_flipud, u(2, 3), W(2, 3))
    r(f_roll, u(2, 3), W(2, 3))
    r(f_sort, distinct(3, 4), W(3, 4))
    r(f_repeat, u(2, 3), W(2, 6))
    r(f_tile, u(2, 3), W(4, 3))
    r(f_triu, u(3, 3), W(3, 3))
    r(f_tril, u(3, 4), W(3, 4))
    r(f_take, u(2, 3), W(2, 3))
    r(f_concatenate, u(2, 3), u(2, 1), W(2, 4), wrt=(0, 1))
    r(f_concatenate_list_arg, [u(2, 3), u(1, 3)], W(3, 3))
    r(f_stack, u(3), u(3), W(3, 2), wrt=(0, 1))
    r(f_hstack, u(2), u(3), W(5), wrt=(0, 1))
    r(f_vstack, u(2, 3), u(3), W(3, 3), wrt=(0, 1))
    r(f_array_of_scalars, u(), u(), wrt=(0, 1))
    r(f_array_of_arrays, u(3), u(3), W(2, 3), wrt=(0, 1))
    r(f_array_dtype, u(2, 3))
    r(f_asarray, u(), u(), wrt=(0, 1))
    r(f_asanyarray, u(2, 3))
    r(f_ascontiguousarray, u(3, 2).T)
    r(f_np_copy, u(2, 3))

    r(f_builtin_sum, u(), u(), wrt=(0, 1))
    r(f_builtin_sum_arrays, u(3), u(2, 3), wrt=(0, 1))
    r(f_math_fsum, u(), u(), wrt=(0, 1))
    r(f_builtin_max, 0.3, -0.5, wrt=(0, 1))
    r(f_builtin_min, 0.3, -0.5, wrt=(0, 1))
    r(f_builtin_max_list, 0.3, 0.9, wrt=(0, 1))
    r(f_math_log, 1.7)
    r(f_math_log_base, 1.7, 3.0, wrt=(0, 1))
    r(f_float, u(3))
    r(f_np_float64, 0.3)
    r(f_np_float32, u(3), eps=1e-2, rtol=1e-3)

    r(f_method_sum, u(2, 3), W(2))
    r(f_method_mean, u(2, 3))
    r(f_method_prod, pos(2, 3))
    r(f_method_max, distinct(2, 3), W(3))
    r(f_method_min, distinct(2, 3))
    r(f_method_std, u(2, 3))
    r(f_method_var, u(2, 3))
    r(f_method_cumsum, u(2, 3), W(2, 3))
    r(f_method_cumprod, away(2, 3), W(6))
    r(f_method_dot, u(2, 3), u(3, 2), W(2, 2), wrt=(0, 1))
    r(f_method_ravel, u(2, 3), W(6))
    r(f_method_flatten, u(2, 3), W(6))
    r(f_method_squeeze, u(2, 1, 3), W(2, 3))
    r(f_method_clip, np.array([-0.9, -0.2, 0.1, 0.7]))
    r(f_method_transpose, u(2, 3), W(3, 2))
    r(f_method_reshape, u(2, 3), W(3, 2))
    r(f_method_swapaxes, u(2, 3), W(3, 2))
    r(f_method_trace, u(3, 3))
    r(f_method_diagonal, u(3, 3), W(3))
    r(f_method_take, u(4), W(2))
    r(f_method_conj, u(3))
    r(f_method_conjugate, u(3))
    r(f_method_astype, u(3).astype(np.float32))
    r(f_method_copy, u(2, 3))
    r(f_method_item, u(1, 1))
    r(f_method_nondiff, np.array([0.3, -1.2, 0.8, 1.9]))

    r(f_nondiff_floor_and_friends, np.array([0.3, 1.3, -0.4, 2.2]))
    r(f_nondiff_shapes, u(3))
    r(f_nondiff_constructors, u(3))
    r(f_nondiff_int, 0.44)

    r(f_rt_add, u(3, 4), u(4), wrt=(0, 1))
    r(f_rt_detach, u(2, 3))
    r(f_rt_unbroadcast, u(2, 3, 4), u(3, 1))
    r(f_rt_broadcast_like, u(1, 3), u(2, 1))
    r(f_rt_unreduce, u(3), u(2, 3, 4))
    r(f_rt_unreduce_grad, u(2, 3, 4), u(3))
    r(f_rt_snapshot, u(2, 3))
    r(f_rt_cotangent, u(2, 3), u(2, 3))
    r(f_rt_finalize, u(3), u(2, 3))
    r(f_rt_add_at, u(5), u(), u(5), wrt=(0, 1))
    r(f_rt_zero_at, u(4))
    r(f_rt_read_at, u(5))
    r(f_rt_unread_at, u(3), u(5))
    r(f_rt_appended, u(), u(2), wrt=(0, 1))
    r(f_rt_getfield, _Pair(u(), u(2)))
    r(f_rt_field_grad, u(2), _Pair(u(), u(2)))
    r(f_rt_unappended, u(2), u(2))
    r(f_rt_shrunk, u(2), u(2), wrt=(0, 1))
    r(f_rt_grown, u(2), u(2), wrt=(0, 1))
    r(f_rt_safe_divide, u(2, 3), away(3), wrt=(0, 1))
    r(f_rt_log_positive, np.array([0.5, -0.7, 1.3]))
    r(f_rt_power_base_grad, pos(2, 3), u(3), wrt=(0, 1))
    r(f_rt_sinc_grad, away(2, 3))
    r(f_rt_conj_sign, away(2, 3))
    r(f_rt_conj_of, u(3))
    r(f_rt_select_grad, u(2, 3), distinct(2, 3), distinct(3) + 0.05, wrt=(0, 1, 2))
    r(f_rt_clip_bound_grad, u(5), np.array([-0.9, -0.3, 0.1, 0.7, -0.6]), wrt=(0, 1))
    r(f_rt_extremum_grad, 0.7, 0.3, -0.5, wrt=(0, 1, 2))
    r(f_rt_extremum_jvp, 0.7, 0.3, 0.9, wrt=(0, 1, 2))
    r(f_rt_extremum_reduce_grad, u(3), distinct(3, 4), wrt=(0, 1))
    r(f_rt_extremum_reduce_jvp, u(3, 4), distinct(3, 4), wrt=(0, 1))
    r(f_rt_cumsum_grad, u(3, 4), W(3, 4))
    r(f_rt_diff_grad, u(3, 2), W(5, 2))
    for fn in (f_rt_matmul_grad1, f_rt_matmul_grad2):
        r(fn, u(2, 3, 5), u(1, 3, 4), u(2, 4, 5), wrt=(0, 1, 2))
    for fn in (f_rt_dot_grad1, f_rt_dot_grad2):
        r(fn, u(2, 4, 2), u(2, 3), u(4, 3, 2), wrt=(0, 1, 2))
    for fn in (f_rt_inner_grad1, f_rt_inner_grad2):
        r(fn, u(2, 4), u(2, 3), u(4, 3), wrt=(0, 1, 2))
    for fn in (f_rt_tensordot_grad1, f_rt_tensordot_grad2):
        r(fn, u(4, 5), u(3, 2, 4), u(2, 5, 3), wrt=(0, 1, 2))
    r(f_rt_det_grad, u(2), u(2, 3, 3) + 2 * np.eye(3), wrt=(0, 1))
    a = u(2, 3, 3) + 2 * np.eye(3)
    r(f_rt_solve_matmul, u(2, 3, 3), u(2, 3), u(3), wrt=(0, 1))
    r(f_rt_solve_grad1, u(3, 2), u(3, 2), u(3, 2), wrt=(0, 1))
    r(f_rt_solve_grad2, u(2, 3), a, u(3), wrt=(0, 1))
    r(f_rt_solve_jvp2, u(3, 2), a, u(3, 2), wrt=(0, 1))
    r(f_rt_solve_jvp1, u(3, 3), a, u(2, 3), u(3), wrt=(0, 1, 2))
    r(f_rt_trace_grad, u(2), u(2, 3, 4))
    r(f_rt_diagonal_grad, u(3, 2), u(2, 3, 4))
    r(f_rt_diag_grad, u(4, 4), u(3))
    r(f_rt_sort_grad, u(3, 4), distinct(3, 4), wrt=(0, 1))
    r(f_rt_sort_jvp, u(3, 4), distinct(3, 4), wrt=(0, 1))
    r(f_rt_repeat_grad, u(2, 6), u(2, 3))
    r(f_rt_tile_grad, u(4, 3), u(2, 3))
    r(f_rt_untranspose, u(3, 4, 2), W(2, 3, 4))
    r(f_rt_unreshape, u(6), W(2, 3))
    r(f_rt_unconcatenate, u(3, 3), u(2, 3), u(1, 3))
    r(f_rt_unstack, u(3, 2), u(3), u(3))
    r(f_rt_unhstack, u(5), u(2), u(3))
    r(f_rt_unvstack, u(3, 3), u(2, 3), u(3))
    r(f_rt_unarray, u(2, 3), u(3), u(3))
    r(f_rt_unsum, u(3), u(3), u(2, 3))
    r(f_rt_take_grad, u(4), u(5))
    r(f_rt_cast_grad, u(2, 3), u(2, 3))
    r(f_rt_cast_jvp, u(2, 3), u(2, 3))
    r(f_rt_item_grad, u(), u(2, 3))
    rules_linalg_scipy.rows(r, u, pos, away, spd)
    numpy_coverage.rows(r, u, pos, away, distinct, W)
    rules_second_order.rows(r, u, pos, away)
    rules_issue17.rows(r, u, pos, away)
    r(f_rt_column, u(3))
    r(f_rt_unshared, u(2, 3))
    r(f_rt_apart, u(2, 3))
    r(f_sign_scaled, u(2, 3))
    r(f_rt_dict_of, u(), u(2), wrt=(0, 1))
    r(f_rt_dict_entries, u(), u(2), wrt=(0, 1))
    r(f_rt_dict_copy, u(), u(2), wrt=(0, 1))
    for f in (f_rt_record_of, f_rt_record_dots, f_rt_record_replace, f_rt_replaced_dots, f_rt_without_entries,
              f_rt_record_entries):
        r(f, u(), u(2), wrt=(0, 1))
    return rows


ROWS = _rows()

_OPERATORS = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
    ast.Pow: operator.pow, ast.Mod: operator.mod, ast.MatMult: operator.matmul, ast.FloorDiv: operator.floordiv,
    ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Not: operator.not_, ast.Invert: operator.invert,
    ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge,
    ast.Eq: operator.eq, ast.NotEq: operator.ne,
}


def primitives_used(fn):
    """The primitives a table function calls, found by reading its source."""
    tree = ast.parse(inspect.getsource(fn))
    namespace = dict(vars(builtins), **fn.__globals__)
    found = []

    def resolve(node):
        if isinstance(node, ast.Name):
            return namespace.get(node.id, None)
        if isinstance(node, ast.Attribute):
            base = resolve(node.value)
            target = getattr(base, node.attr, None) if base is not None else None
            # modules, and methods bound to objects with rules (scipy.stats.norm.logpdf)
            if inspect.ismodule(base) or base is np.random or REGISTRY.rule_for(target) is not None:
                return target
        return None

    for node in ast.walk(tree):
        if isinstance(node, (ast.BinOp, ast.UnaryOp)):
            found.append(_OPERATORS.get(type(node.op)))
        elif isinstance(node, ast.Compare):
            found.extend(_OPERATORS.get(type(op)) for op in node.ops)
        elif isinstance(node, ast.Call):
            target = resolve(node.func)
            if target is None and isinstance(node.func, ast.Attribute):
                target = REGISTRY.methods.get(node.func.attr)
            found.append(target)
    return [p for p in found if p is not None]


def test_every_primitive_is_covered():
    covered = {T.Key(p) for row in ROWS for p in primitives_used(row.fn)} | COMPLEX
    missing = [rule.name + ": " + repr(p) for p, rule in REGISTRY.adjoints.items() if T.Key(p) not in covered]
    assert not missing, "primitives with no function in ROWS: {}".format(missing)


def test_every_method_maps_to_a_rule():
    for name, fn in REGISTRY.methods.items():
        assert fn in REGISTRY.adjoints or id(fn) in REGISTRY.nondifferentiable_ids, name


@pytest.mark.parametrize("name,args", [
    ("sum", ((0,), {"keepdims": True})), ("mean", ((1,), {})), ("prod", ((), {"axis": 0})), ("max", ((1,), {})),
    ("min", ((), {})), ("std", ((), {"ddof": 1})), ("var", ((0,), {})), ("cumsum", ((1,), {})),
    ("cumprod", ((), {})), ("dot", ((np.ones((3, 2)),), {})), ("ravel", (("F",), {})), ("flatten", (("F",), {})),
    ("squeeze", ((), {})), ("clip", ((-0.5, 0.5), {})), ("transpose", (((1, 0),), {})), ("reshape", (((3, 2),), {})),
    ("swapaxes", ((0, 1), {})), ("trace", ((), {})), ("diagonal", ((), {"offset": 1})), ("take", (([1, 0],), {})),
    ("conj", ((), {})), ("conjugate", ((), {})), ("astype", ((np.float32,), {})), ("copy", ((), {})),
    ("item", ((3,), {})), ("round", ((1,), {})), ("argmax", ((), {"axis": 0})), ("argmin", ((), {})),
    ("argsort", ((), {})), ("nonzero", ((), {})), ("any", ((), {})), ("all", ((0,), {})),
])
def test_helper_methods_match_their_functions(name, args):
    x = u(2, 3)
    a, k = args
    want = getattr(x, name)(*a, **k)
    got = REGISTRY.methods[name](x, *a, **k)
    assert type(got) is type(want)
    np.testing.assert_array_equal(got, want)
    assert np.asarray(got).dtype == np.asarray(want).dtype


def test_helper_every_method_is_tested():
    tested = {p[0] for p in test_helper_methods_match_their_functions.pytestmark[0].args[1]}
    generator = {name for name, fn in REGISTRY.methods.items() if fn is getattr(np.random.Generator, name, None)}
    assert tested == set(REGISTRY.methods) - generator  # Generator methods: test_numpy_coverage.py


def test_helper_table_functions_run_in_plain_numpy():
    """Every function of ROWS runs on its arguments and returns a scalar (so shapes in the table are right)."""
    for row in ROWS:
        with functions.errstate(row):
            value = row.fn(*row.args)
        assert np.ndim(value) == 0, row.id


@pytest.mark.skipif(not HAVE_ENGINE, reason="the engine (s2s.grad) is not available yet")
@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.id)
def test_rule(row):
    s2s.check_grad(row.fn, *row.args, wrt=row.wrt, **row.options)


@pytest.mark.skipif(not HAVE_ENGINE, reason="the engine (s2s.grad) is not available yet")
def test_stop_gradient_rule():
    # d/dx x * c(x) with c held constant: c(x) = x * x.
    assert s2s.grad(f_stop_gradient)(1.5) == pytest.approx(2.25)


def f_abs_sum(x): return np.sum(np.abs(x))
def f_max_all(x): return np.max(x)
def f_builtin_max_only(x, y): return max(x, y)
def f_polynomial(x): return 1.0 + 2.0 * x + 3.0 * x ** 2 + x ** 0
def f_pow_zero_exponent(x): return np.sum(x ** 0.0 + x ** 1.0)
def f_hypot_only(x, y): return np.hypot(x, y)
def f_std_only(x): return np.std(x)


@pytest.mark.skipif(not HAVE_ENGINE, reason="the engine (s2s.grad) is not available yet")
@pytest.mark.parametrize("fn,args,wrt,want", [
    (f_norm, (np.zeros(3),), 0, np.zeros(3)),                                   # 0, not NaN
    (f_abs_sum, (np.array([0.0, 1.0, -2.0]),), 0, np.array([0.0, 1.0, -1.0])),
    (f_np_sqrt, (np.array([0.0, 4.0]),), 0, np.array([np.inf, 0.25])),         # the true value
    (f_max_all, (np.array([1.0, 3.0, 3.0]),), 0, np.array([0.0, 0.5, 0.5])),   # ties split
    (f_builtin_max_only, (1.0, 1.0), (0, 1), (0.5, 0.5)),
    (f_polynomial, (0.0,), 0, 2.0),                                             # x ** 0 at 0
    (f_pow_zero_exponent, (np.array([0.0, 2.0]),), 0, np.array([1.0, 1.0])),
    (f_prod, (np.array([[2.0, 0.0, 3.0]]),), 0, np.array([[0.0, 6.0, 0.0]])),
    (f_np_where_safe_log, (np.array([0.0, -1.0, 2.0]),), 0, np.array([1.0, 1.0, 0.5])),  # no NaN leak
    (f_hypot_only, (0.0, 0.0), (0, 1), (0.0, 0.0)),
    (f_std_only, (np.ones(3),), 0, np.zeros(3)),
])
def test_rule_at_edge_values(fn, args, wrt, want):
    with np.errstate(divide="ignore", invalid="ignore"):
        got = s2s.grad(fn, wrt=wrt)(*args)
    if isinstance(wrt, tuple):
        assert len(got) == len(want)
        for g, w in zip(got, want):
            np.testing.assert_array_equal(g, w)
    else:
        np.testing.assert_array_equal(got, want)

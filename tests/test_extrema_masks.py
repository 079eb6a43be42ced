"""Extrema and masks at their kinks (issue 18): np.maximum/minimum/fmax/fmin, builtin max/min of two values,
np.abs (absolute, fabs, abs()), np.where and np.clip.

What it pins, in every mode (grad, jvp, hessian and hvp through the helpers):

- ties split evenly (x == other exactly; x == 0 for ReLU), which is also what
  central differences give, so the kinks are checked against them too;
- fmax/fmin ignore a NaN operand (the other gets all); maximum/minimum with a NaN
  operand give 0 to both (decided in issue 18 and kept: a NaN is not greater, less or
  equal, so neither operand is the result), abs at NaN gives NaN, abs at 0 gives 0;
- clip: a bound hit exactly counts as ``a`` (a gets all, the bound nothing); past a
  bound, the bound gets all;
- float32 stays float32, shapes are the arguments';
- the generated code: one helper call (one mask, one product) per operand, and
  no ``ones_like`` or zeros of inactive bounds in tangents;
- the same numbers with PyTorch, array-api-strict and Dask arrays.

Away from kinks the table is checked against central differences (tests/functions.py
holds the rows checked in every mode by the shared tests).
"""
import math
import os
import subprocess
import sys

import numpy as np
import pytest

import s2s
import s2s.runtime as R
from s2s.api import cli

NAN = np.nan


def _fd_grad(f, args, i, h=1e-6):
    """Central differences of the scalar ``f`` in argument ``i``."""
    x = np.asarray(args[i], dtype=float)
    out = np.zeros_like(x)
    for k in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[k] = h
        plus = list(args)
        minus = list(args)
        plus[i] = (x + e) if x.ndim else float(x + e)
        minus[i] = (x - e) if x.ndim else float(x - e)
        out[k] = (f(*plus) - f(*minus)) / (2 * h)
    return out


def _grads(f, args, wrt):
    g = s2s.grad(f, wrt=wrt)(*args)
    return g if isinstance(wrt, tuple) else (g,)


def _jvp_grads(f, args, wrt):
    """The gradient again, from forward mode: one jvp per element of each differentiated argument."""
    wrt = wrt if isinstance(wrt, tuple) else (wrt,)
    jvp = s2s.jvp(f, wrt=wrt)
    out = []
    for i in wrt:
        x = np.asarray(args[i], dtype=float)
        col = np.zeros_like(x)
        for k in np.ndindex(x.shape):
            dots = []
            for j in wrt:
                d = np.zeros_like(np.asarray(args[j], dtype=float))
                if j == i:
                    d[k] = 1.0
                dots.append(d if np.ndim(args[j]) else float(d))
            col[k] = jvp(*args, *dots)[1]
        out.append(col)
    return tuple(out)


# ---------------------------------------------------------------- the functions
def relu_weighted(x):
    return np.sum(np.maximum(x, 0) * np.array([1.0, 2.0, 3.0, 4.0, 5.0]))


def maximum_pair(x, y):
    return np.sum(np.maximum(x, y) * np.array([1.0, 2.0, 3.0, 4.0]))


def minimum_pair(x, y):
    return np.sum(np.minimum(x, y) * np.array([1.0, 2.0, 3.0, 4.0]))


def fmax_pair(x, y):
    return np.sum(np.fmax(x, y) * np.array([1.0, 2.0, 3.0]))


def fmin_pair(x, y):
    return np.sum(np.fmin(x, y) * np.array([1.0, 2.0, 3.0]))


def maximum_scalar_other(x, c):
    return np.sum(np.maximum(x, c) * np.array([1.0, 2.0, 3.0]))


def builtin_max(a, b):
    return max(a, b) * 3.0


def builtin_min(a, b):
    return min(a, b) * 3.0


def abs_weighted(x):
    return np.sum(np.abs(x) * np.array([1.0, 2.0, 3.0]))


def abs_spellings(x):
    return np.sum(np.absolute(x) + 2.0 * np.fabs(x)) + 3.0 * abs(x[1])


def where_pick(x, y):
    return np.sum(np.where(x > 0, x, y) * np.array([1.0, 2.0, 3.0]))


def clip_weighted(x, lo, hi):
    return np.sum(np.clip(x, lo, hi) * np.array([1.0, 2.0, 3.0, 4.0, 5.0]))


# (id, function, arguments, wrt, expected gradients, central differences agree)
KINKS = [
    ("relu_ties_at_zero", relu_weighted, (np.array([-1.0, 0.0, 0.5, -0.0, 2.0]),), 0,
     ([0.0, 1.0, 3.0, 2.0, 5.0],), True),
    ("maximum_tie", maximum_pair, (np.array([1.0, 2.0, 3.0, 0.5]), np.array([2.0, 2.0, 1.0, 0.5])), (0, 1),
     ([0.0, 1.0, 3.0, 2.0], [1.0, 1.0, 0.0, 2.0]), True),
    ("minimum_tie", minimum_pair, (np.array([1.0, 2.0, 3.0, 0.5]), np.array([2.0, 2.0, 1.0, 0.5])), (0, 1),
     ([1.0, 1.0, 0.0, 2.0], [0.0, 1.0, 3.0, 2.0]), True),
    ("maximum_nan_operand", maximum_pair, (np.array([NAN, 1.0, NAN, 2.0]), np.array([1.0, NAN, NAN, 1.0])),
     (0, 1), ([0.0, 0.0, 0.0, 4.0], [0.0, 0.0, 0.0, 0.0]), False),
    ("minimum_nan_operand", minimum_pair, (np.array([NAN, 1.0, NAN, 0.0]), np.array([1.0, NAN, NAN, 1.0])),
     (0, 1), ([0.0, 0.0, 0.0, 4.0], [0.0, 0.0, 0.0, 0.0]), False),
    ("fmax_nan_operand_and_tie", fmax_pair, (np.array([NAN, 1.0, 0.5]), np.array([2.0, NAN, 0.5])), (0, 1),
     ([0.0, 2.0, 1.5], [1.0, 0.0, 1.5]), False),
    ("fmin_nan_operand_and_tie", fmin_pair, (np.array([NAN, 1.0, 0.5]), np.array([2.0, NAN, 0.5])), (0, 1),
     ([0.0, 2.0, 1.5], [1.0, 0.0, 1.5]), False),
    ("maximum_scalar_other_broadcast_tie", maximum_scalar_other, (np.array([0.25, -1.0, 1.0]), 0.25), (0, 1),
     ([0.5, 0.0, 3.0], 0.5 + 2.0), True),
    ("builtin_max_tie", builtin_max, (0.5, 0.5), (0, 1), (1.5, 1.5), True),
    ("builtin_max", builtin_max, (0.7, -0.5), (0, 1), (3.0, 0.0), True),
    ("builtin_min_tie", builtin_min, (-0.5, -0.5), (0, 1), (1.5, 1.5), True),
    ("builtin_min", builtin_min, (0.7, -0.5), (0, 1), (0.0, 3.0), True),
    ("abs_at_zero", abs_weighted, (np.array([-0.5, 0.0, 2.0]),), 0, ([-1.0, 0.0, 3.0],), True),
    ("abs_spellings_at_zero", abs_spellings, (np.array([-0.5, 0.0, 2.0]),), 0, ([-3.0, 0.0, 3.0],), True),
    ("abs_at_nan", abs_weighted, (np.array([NAN, -1.0, 2.0]),), 0, ([NAN, -2.0, 3.0],), False),
    ("where_picks", where_pick, (np.array([1.0, -1.0, 0.0]), np.array([5.0, 6.0, 7.0])), (0, 1),
     ([1.0, 0.0, 0.0], [0.0, 2.0, 3.0]), False),
    # a at both bounds exactly, inside, below and above; the bounds are arrays here
    ("clip_bounds_hit", clip_weighted,
     (np.array([-1.0, 1.0, 0.2, -3.0, 3.0]), np.full(5, -1.0), np.full(5, 1.0)), (0, 1, 2),
     ([1.0, 2.0, 3.0, 0.0, 0.0], [0.0, 0.0, 0.0, 4.0, 0.0], [0.0, 0.0, 0.0, 0.0, 5.0]), False),
]


@pytest.mark.parametrize("name, f, args, wrt, want, fd_agrees", KINKS, ids=[k[0] for k in KINKS])
def test_kinks_in_reverse_and_forward(name, f, args, wrt, want, fd_agrees):
    with np.errstate(invalid="ignore"):
        got = _grads(f, args, wrt)
        forward = _jvp_grads(f, args, wrt)
    for g, fw, w, i in zip(got, forward, want, wrt if isinstance(wrt, tuple) else (wrt,)):
        assert np.shape(g) == np.shape(args[i])
        np.testing.assert_array_equal(g, w, err_msg="{}: reverse, argument {}".format(name, i))
        if not np.isnan(w).any():  # forward mode sums over all elements: one NaN spreads to every column
            np.testing.assert_array_equal(fw, w, err_msg="{}: forward, argument {}".format(name, i))
        if fd_agrees:  # the pieces are linear: central differences give the even split at a tie exactly
            np.testing.assert_allclose(_fd_grad(f, args, i), w, atol=1e-6)


def test_clip_bound_equal_to_a_and_a_scalar_bound():
    """A bound that a equals gets nothing (a does); a Python-float bound that is differentiated gets the
    sum over the elements it clipped."""
    def f(x, lo):
        return np.sum(np.clip(x, lo, 0.5) ** 2)

    x = np.array([-2.0, -1.0, 0.0, 2.0])
    gx, glo = s2s.grad(f, wrt=(0, 1))(x, -1.0)
    np.testing.assert_array_equal(gx, [0.0, -2.0, 0.0, 0.0])
    assert glo == -2.0 and np.ndim(glo) == 0
    _, t = s2s.jvp(f, wrt=(0, 1))(x, -1.0, np.zeros(4), 1.0)
    assert t == -2.0


# ---------------------------------------------------------------- away from kinks
def s_maximum(x, y):
    return np.sum(np.sin(np.maximum(x, y)) * y)


def s_minimum(x, y):
    return np.sum(np.minimum(x, y) ** 2 * x)


def s_fmax(x, y):
    return np.sum(np.fmax(x, y) ** 3)


def s_fmin(x, y):
    return np.sum(np.fmin(x, y) * np.cos(y))


def s_relu_broadcast_row(x, b):
    return np.sum(np.maximum(x + b, 0) ** 2)


def s_maximum_scalar(x, c):
    return np.sum(np.maximum(x, c) ** 2)


def s_builtin_max_min(a, b):
    return max(a, b) ** 2 * min(a, b)


def s_abs(x):
    return np.sum(np.abs(x) ** 3)


def s_clip_scalar_bounds(x):
    return np.sum(np.clip(x, -0.5, 0.5) ** 2 * x)


def s_clip_array_bounds(x, lo, hi):
    return np.sum(np.clip(x, lo, hi) ** 3)


def s_clip_upper_only(x, hi):
    return np.sum(np.clip(x, None, hi) ** 2)


def s_where(x, y):
    return np.sum(np.where(x > 0, x * y, y ** 2))


_X3, _Y3 = np.array([0.1, -0.7, 0.9]), np.array([0.4, -0.9, 0.2])
SMOOTH = [
    ("maximum", s_maximum, (_X3, _Y3), (0, 1)),
    ("minimum", s_minimum, (_X3, _Y3), (0, 1)),
    ("fmax", s_fmax, (_X3, _Y3), (0, 1)),
    ("fmin", s_fmin, (_X3, _Y3), (0, 1)),
    ("relu_broadcast_row", s_relu_broadcast_row, (np.array([[0.3, -0.6], [0.8, 0.1]]), np.array([0.05, -0.3])),
     (0, 1)),
    ("maximum_scalar", s_maximum_scalar, (np.array([0.3, -0.6, 0.8]), 0.1), (0, 1)),
    ("builtin_max_min", s_builtin_max_min, (0.7, -0.4), (0, 1)),
    ("abs", s_abs, (np.array([0.3, -0.6, 0.8]),), 0),
    ("clip_scalar_bounds", s_clip_scalar_bounds, (np.array([-0.9, 0.3, 0.8, -0.2]),), 0),
    ("clip_array_bounds", s_clip_array_bounds,
     (np.array([-0.9, 0.3, 0.8, -0.2]), np.array([-0.5, -0.4, -0.3, -0.1]), np.array([0.6, 0.5, 0.1, 0.7])),
     (0, 1, 2)),
    ("clip_upper_only", s_clip_upper_only, (np.array([-0.9, 0.3, 0.8]), 0.5), (0, 1)),
    ("where", s_where, (np.array([0.3, -0.6, 0.8]), np.array([0.2, 0.5, -0.4])), (0, 1)),
]


@pytest.mark.parametrize("name, f, args, wrt", SMOOTH, ids=[s[0] for s in SMOOTH])
def test_away_from_kinks_against_central_differences(name, f, args, wrt):
    got = _grads(f, args, wrt)
    forward = _jvp_grads(f, args, wrt)
    for g, fw, i in zip(got, forward, wrt if isinstance(wrt, tuple) else (wrt,)):
        np.testing.assert_allclose(g, _fd_grad(f, args, i), rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(fw, g, rtol=1e-12, atol=1e-14)


# every argument in turn (the clip bounds' second derivatives go through clip_bound_grad)
SECOND_ORDER = [(name + "_wrt_{}".format(i), f, args, i) for name, f, args, wrt in SMOOTH
                for i in (wrt if isinstance(wrt, tuple) else (wrt,))]


@pytest.mark.parametrize("name, f, args, wrt", SECOND_ORDER, ids=[s[0] for s in SECOND_ORDER])
def test_second_order_through_the_helpers(name, f, args, wrt):
    """hessian (forward over the generated gradient, which calls select_grad, clip_from and clip_bound_grad)
    against central differences of the gradient; hvp against hessian @ v."""
    first = wrt
    h = s2s.hessian(f, wrt=first)(*args)
    x = np.asarray(args[first], dtype=float)
    grad = s2s.grad(f, wrt=first)
    eps = 1e-6
    numeric = np.zeros(x.shape + x.shape)
    for k in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[k] = eps
        plus, minus = list(args), list(args)
        plus[first] = x + e if x.ndim else float(x + e)
        minus[first] = x - e if x.ndim else float(x - e)
        numeric[(Ellipsis,) + k] = (np.asarray(grad(*plus)) - np.asarray(grad(*minus))) / (2 * eps)
    np.testing.assert_allclose(h, numeric, rtol=1e-5, atol=1e-7)
    v = np.linspace(0.3, 1.1, x.size).reshape(x.shape) if x.ndim else 0.7
    hv = s2s.hvp(f, wrt=first)(*args, v)
    np.testing.assert_allclose(hv, np.tensordot(h, v, axes=x.ndim) if x.ndim else h * v, rtol=1e-10, atol=1e-12)


def test_hessian_of_relu_through_select_grad_at_a_tie():
    """ReLU squared at 0: the second derivative is 2 on the positive side, 0 on the negative; at the tie the
    tangent of the adjoint's select_grad (select_grad itself, 1/2) meets that of the primal (1/2): 2 / 4."""
    def f(x):
        return np.sum(np.maximum(x, 0) ** 2)

    np.testing.assert_array_equal(s2s.hessian(f)(np.array([-1.0, 0.0, 2.0])), np.diag([0.0, 0.5, 2.0]))


def f32_relu(x):
    return np.sum(np.maximum(x, 0) ** 2)


def f32_maximum_python_float(x):
    return np.sum(np.maximum(x, 0.4) ** 2)


def f32_minimum(x, y):
    return np.sum(np.minimum(x, y) * y)


def f32_fmax(x, y):
    return np.sum(np.fmax(x, y) * y)


def f32_clip(x):
    return np.sum(np.clip(x, -0.25, 0.5) ** 2)


def f32_clip_bound(x, y):
    return np.sum(np.clip(x, y, 0.8) ** 2)


def f32_abs(x):
    return np.sum(np.abs(x) * x)


def f32_relu_sum(x):
    return np.sum(np.maximum(x, 0.4))


def test_float32_stays_float32():
    x = np.array([-0.5, 0.0, 0.7], dtype=np.float32)
    y = np.array([0.1, 0.0, 0.9], dtype=np.float32)
    for f, args, wrt in [(f32_relu, (x,), 0), (f32_maximum_python_float, (x,), 0), (f32_minimum, (x, y), (0, 1)),
                         (f32_fmax, (x, y), (0, 1)), (f32_clip, (x,), 0), (f32_clip_bound, (x, y), (0, 1)),
                         (f32_abs, (x,), 0)]:
        for g in _grads(f, args, wrt):
            assert g.dtype == np.float32, f.__name__
        dots = [np.ones(3, dtype=np.float32) for _ in (wrt if isinstance(wrt, tuple) else (wrt,))]
        _, t = s2s.jvp(f, wrt=wrt)(*args, *dots)
        assert np.asarray(t).dtype == np.float32, f.__name__


def test_float32_python_float_other_tie():
    """np.maximum(x, 0.4) compares x with float32(0.4): the element equal to it is a tie."""
    x = np.array([0.4, 0.1], dtype=np.float32)
    np.testing.assert_array_equal(s2s.grad(f32_relu_sum)(x), [0.5, 0.0])


def max_and_clip(x, y):
    return np.sum(np.maximum(x, y) + np.clip(x, y, 1.5))


def test_inputs_unchanged():
    x, y = np.array([-1.0, 0.0, 2.0]), np.array([0.0, 0.0, 1.0])
    x0, y0 = x.copy(), y.copy()
    s2s.grad(max_and_clip, wrt=(0, 1))(x, y)
    s2s.jvp(max_and_clip, wrt=(0, 1))(x, y, np.ones(3), np.ones(3))
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(y, y0)


# ---------------------------------------------------------------- the helpers
def test_select_grad_without_ties_is_the_mask_product():
    rng = np.random.default_rng(0)
    x, g = rng.normal(size=(64, 128)), rng.normal(size=(64, 128))
    ans = np.maximum(x, 0)
    np.testing.assert_array_equal(R.select_grad(g, x, 0, ans), g * (x >= 0))
    x[3, 4] = 0.0
    want = g * (x > 0)
    want[3, 4] = 0.5 * g[3, 4]
    np.testing.assert_array_equal(R.select_grad(g, x, 0, np.maximum(x, 0)), want)


def test_select_grad_python_floats():
    """builtin max/min of two floats: a Python float, without NumPy."""
    assert R.select_grad(2.0, 0.3, 0.2, 0.3) == 2.0 and type(R.select_grad(2.0, 0.3, 0.2, 0.3)) is float
    assert R.select_grad(2.0, 0.2, 0.3, 0.3) == 0.0
    assert R.select_grad(2.0, 0.3, 0.3, 0.3) == 1.0
    assert R.select_grad(2.0, 1, 0.5, 1) == 2.0  # an int operand
    assert R.select_grad(2.0, NAN, 1.0, NAN) == 0.0 and R.select_grad(2.0, 1.0, NAN, NAN) == 0.0
    assert math.isnan(R.select_grad(NAN, 0.3, 0.2, 0.3))


def test_clip_helpers_match_clip_masks():
    a = np.array([-2.0, -1.0, 0.0, 1.0, 2.0, NAN])
    for lo, hi in [(-1.0, 1.0), (np.full(6, -1.0), 1.0), (None, 1.0), (-1.0, None), (0.5, -0.5)]:
        with np.errstate(invalid="ignore"):
            ans = np.clip(a, lo, hi)
            masks = R.clip_masks(ans, a, lo, hi)
            from_a = R.clip_from(ans, a)
            g = np.arange(1.0, 7.0)
            np.testing.assert_array_equal(from_a, masks[0])
            if lo is not None:
                np.testing.assert_array_equal(R.clip_bound_grad(g, from_a, ans, lo, hi), np.where(masks[1], g, 0))
            if hi is not None:
                np.testing.assert_array_equal(R.clip_bound_grad(g, from_a, ans, hi), np.where(masks[2], g, 0))


# ---------------------------------------------------------------- generated code
def _relu_mlp(params, X, Y):
    W1, b1, W2, b2 = params
    h = np.maximum(X @ W1 + b1, 0)
    out = h @ W2 + b2
    return np.mean((out - Y) ** 2)


def _body(source):
    return [line.strip() for line in source.splitlines() if line.strip() and not line.strip().startswith(("#", '"'))]


def test_generated_relu_adjoint_is_one_helper_call():
    """The ReLU's adjoint: one select_grad call (in it: one mask, one product), nothing else on that line."""
    rng = np.random.default_rng(0)
    params = [rng.normal(size=(4, 5)), rng.normal(size=5), rng.normal(size=(5, 2)), rng.normal(size=2)]
    g = s2s.grad(_relu_mlp)
    g(params, rng.normal(size=(6, 4)), rng.normal(size=(6, 2)))
    lines = _body(s2s.source(g))
    relu = [line for line in lines if "select_grad" in line]
    assert relu == ["t2_bar = select_grad(h_bar, t2, 0, h)"], lines
    assert not any("==" in line or "ones_like" in line or "np.where" in line for line in lines), lines


def test_generated_tangents_are_one_helper_call_per_operand():
    def relu(x):
        return np.sum(np.maximum(x, 0) ** 2)

    def pair(x, y):
        return np.sum(np.minimum(x, y) ** 2)

    def clipped(x):
        return np.sum(np.clip(x, -0.5, 0.5) ** 2)

    def bmax(a):
        return max(a, 0.5) * a

    x = np.array([-0.5, 0.2, 0.9])
    cases = [(relu, (x, x), 0, ["select_grad(x_dot, x, 0, t1)"]),
             (pair, (x, x[::-1], x, x), (0, 1), ["select_grad(x_dot, x, y, t1) + select_grad(y_dot, y, x, t1)"]),
             (clipped, (x, x), 0, ["np.where(from_a, x_dot, zero)"]),
             (bmax, (0.3, 1.0), 0, ["extremum_jvp(a_dot, a, 0.5, t1)"])]
    for f, args, wrt, want in cases:
        jvp = s2s.jvp(f, wrt=wrt)
        jvp(*args)
        source = s2s.source(jvp)
        assert "ones_like" not in source and "clip_masks" not in source, source
        assert source.count("zeros_like(") == source.count("np.zeros_like(t1)"), source  # no zeros of inactive bounds
        for w in want:
            assert w in source, source


def test_generated_where_tangent_is_one_where():
    def pick(x, y):
        return np.sum(np.where(x > 0, y, x) * y)

    x = np.array([-0.5, 0.3, 0.8], dtype=np.float32)
    jvp = s2s.jvp(pick, wrt=(0, 1))
    _, t = jvp(x, x[::-1].copy(), np.ones(3, np.float32), np.full(3, 2.0, np.float32))
    assert np.asarray(t).dtype == np.float32
    lines = [line for line in _body(s2s.source(jvp)) if "where" in line]
    assert lines == ["t2 = np.where(t1, y, x)", "t2_dot = np.where(t1, y_dot, x_dot)"], lines


def test_generated_clip_adjoint_computes_only_the_mask_of_a():
    def clipped(x):
        return np.sum(np.clip(x, -0.5, 0.5) ** 2)

    g = s2s.grad(clipped)
    g(np.array([-0.9, 0.1, 0.7]))
    source = s2s.source(g)
    assert "clip_from(" in source and "clip_bound_grad" not in source and "clip_masks" not in source, source


def test_standalone_file_inlines_the_new_helpers(tmp_path):
    src = tmp_path / "fn.py"
    src.write_text("import numpy as np\n\n\ndef f(x, lo):\n"
                   "    return np.sum(np.clip(x, lo, 0.5) ** 2 + np.maximum(x, 0) * x)\n")
    out = tmp_path / "grad_f.py"
    assert cli.main(["grad", str(src) + ":f", "--wrt", "x,lo", "-o", str(out)]) == 0
    text = out.read_text()
    assert "def clip_from(" in text and "def clip_bound_grad(" in text and "def select_grad(" in text
    folder = tmp_path / "isolated"
    folder.mkdir()
    (folder / "grad_f.py").write_text(text)
    script = ("import sys; sys.path.insert(0, '.'); import numpy as np, grad_f; "
              "print(repr([v.tolist() if hasattr(v, 'tolist') else v for v in "
              "grad_f.grad_f(np.array([-1.0, 0.0, 0.3, 0.9]), -0.5)]))")
    env = dict(os.environ, PYTHONPATH="")
    done = subprocess.run([sys.executable, "-I", "-c", script], cwd=str(folder), capture_output=True, text=True,
                          env=env)
    assert done.returncode == 0, done.stderr

    def f(x, lo):
        return np.sum(np.clip(x, lo, 0.5) ** 2 + np.maximum(x, 0) * x)

    want = s2s.grad(f, wrt=(0, 1))(np.array([-1.0, 0.0, 0.3, 0.9]), -0.5)
    got = eval(done.stdout)
    np.testing.assert_allclose(got[0], want[0])
    np.testing.assert_allclose(got[1], want[1])


# ---------------------------------------------------------------- other array libraries
def _library_cases():
    return [(relu_weighted, (np.array([-1.0, 0.0, 0.5, -0.0, 2.0]),), 0),
            (maximum_pair, (np.array([1.0, 2.0, 3.0, 0.5]), np.array([2.0, 2.0, 1.0, 0.5])), (0, 1)),
            (minimum_pair, (np.array([1.0, 2.0, 3.0, 0.5]), np.array([2.0, 2.0, 1.0, 0.5])), (0, 1)),
            (maximum_scalar_other, (np.array([0.25, -1.0, 1.0]), 0.25), 0),
            (clip_weighted, (np.array([-1.0, 1.0, 0.2, -3.0, 3.0]), np.full(5, -1.0), np.full(5, 1.0)), (0, 1, 2)),
            (abs_weighted, (np.array([-0.5, 0.0, 2.0]),), 0),
            (where_pick, (np.array([1.0, -1.0, 0.0]), np.array([5.0, 6.0, 7.0])), (0, 1))]


@pytest.mark.parametrize("library", ["torch", "array_api_strict", "dask"])
def test_other_libraries_give_numpys_numbers_at_kinks(library):
    pytest.importorskip("array_api_compat")
    if library == "torch":
        torch = pytest.importorskip("torch")
        to, back = torch.asarray, lambda v: v.numpy()
    elif library == "array_api_strict":
        xs = pytest.importorskip("array_api_strict")
        to, back = xs.asarray, np.asarray
    else:
        da = pytest.importorskip("dask.array")
        to, back = da.from_array, lambda v: v.compute()
    for f, args, wrt in _library_cases():
        want = _grads(f, args, wrt)
        got = _grads(f, tuple(to(a) if isinstance(a, np.ndarray) else a for a in args), wrt)
        for g, w in zip(got, want):
            np.testing.assert_array_equal(back(g), w, err_msg="{} {}".format(library, f.__name__))

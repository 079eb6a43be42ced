"""Forward mode, vjp and the derived transforms on the shared table of ``functions.py``.

Every case runs in every mode. The oracles are independent of each other:

- ``jvp`` against central differences of ``f`` along a random tangent, and
  against reverse mode (``<grad, v>``: forward agrees with reverse);
- ``vjp`` with a random cotangent ``w`` against ``w * grad``;
- ``jacobian`` in both modes against each other and the gradient.

Cases s2s rejects by design ("unsupported") must be rejected in every mode too.
"""
import copy
import inspect

import numpy as np
import pytest

import s2s
from s2s.runtime import entries, getfield, is_differentiable_leaf_tree as floating, is_named, rebuilt, rebuilt_like
import s2s.common.errors

try:
    from . import functions
    from .test_reverse import assert_tree_close, assert_unchanged
except ImportError:
    import functions
    from test_reverse import assert_tree_close, assert_unchanged

CASES = functions.CASES
SUPPORTED = [c for c in CASES if "unsupported" not in c.tags]


def _ids(case):
    return case.name


def wrt_names(case):
    params = list(inspect.signature(case.fn).parameters)
    items = case.wrt if isinstance(case.wrt, tuple) else (case.wrt,)
    return [params[w] if isinstance(w, int) else w for w in items]


def wrt_values(case, args):
    params = list(inspect.signature(case.fn).parameters)
    return [args[params.index(n)] for n in wrt_names(case)]


def random_like(x, rng):
    if is_named(x):  # dicts, dataclasses, objects: the entries that are not floats stay as they are
        return rebuilt_like(x, {k: random_like(v, rng) if floating(v) else v for k, v in entries(x)})
    if isinstance(x, (list, tuple)):
        return rebuilt(x, [random_like(e, rng) for e in x])
    if isinstance(x, np.ndarray):
        return rng.standard_normal(x.shape).astype(x.dtype)
    if isinstance(x, np.generic):
        return x.dtype.type(rng.standard_normal())
    return float(rng.standard_normal())


def axpy(t, v, x):
    """x + t * v over containers."""
    if is_named(x):
        return rebuilt_like(x, {k: axpy(t, getfield(v, k), xi) if floating(xi) else xi for k, xi in entries(x)})
    if isinstance(x, (list, tuple)):
        return rebuilt(x, [axpy(t, vi, xi) for vi, xi in zip(v, x)])
    if isinstance(x, np.ndarray):
        return x + (t * v).astype(x.dtype)
    return type(x)(x + t * v) if isinstance(x, np.generic) else x + t * v


def vdot(a, b):
    if is_named(a) or is_named(b):  # None (a gradient's) and non-float entries count zero
        named = a if is_named(a) else b
        return sum(vdot(getfield(a, k), getfield(b, k)) for k, v in entries(named)
                   if floating(v) and getfield(a, k) is not None and getfield(b, k) is not None)
    if isinstance(a, (list, tuple)):
        return sum(vdot(x, y) for x, y in zip(a, b))
    return float(np.sum(np.asarray(a, dtype=np.float64) * np.asarray(b, dtype=np.float64)))


def moved(case, args, t, tangents):
    params = list(inspect.signature(case.fn).parameters)
    out = list(copy.deepcopy(args))
    for name, v in zip(wrt_names(case), tangents):
        i = params.index(name)
        out[i] = axpy(t, v, out[i])
    return out


def is_float32(case):
    leaves = []

    def walk(x):
        if isinstance(x, (list, tuple)):
            for e in x:
                walk(e)
        elif is_named(x):
            for _, e in entries(x):
                walk(e)
        else:
            leaves.append(x)
    walk(case.args)
    return any(np.asarray(x).dtype == np.float32 for x in leaves if not isinstance(x, (int, bool)))


def tolerance(case):
    return (2e-3, 1e-3) if is_float32(case) else (1e-6, 1e-8)


def reference_grad(case, args):
    if case.grad_ref is not None:
        return case.grad_ref(*copy.deepcopy(args))
    return s2s.grad(case.fn, wrt=case.wrt)(*copy.deepcopy(args))


def as_tuple(case, g):
    return g if isinstance(case.wrt, tuple) else (g,)


def _expect_unsupported(case, transform, *extra):
    with pytest.raises(s2s.common.errors.UnsupportedSyntaxError, match=r"functions\.py:\d+"):
        transform(case.fn, wrt=case.wrt)(*copy.deepcopy(case.args), *extra)


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_jvp(case):
    if "unsupported" in case.tags:
        _expect_unsupported(case, s2s.jvp, *[random_like(v, np.random.default_rng(1))
                                             for v in wrt_values(case, case.args)])
        return
    rng = np.random.default_rng(1)
    args = copy.deepcopy(case.args)
    tangents = [random_like(v, rng) for v in wrt_values(case, args)]
    before = copy.deepcopy(args), copy.deepcopy(tangents)
    out, tangent_out = s2s.jvp(case.fn, wrt=case.wrt)(*args, *tangents)
    assert_unchanged((args, tangents), before)
    rtol, atol = tolerance(case)
    np.testing.assert_allclose(out, case.fn(*copy.deepcopy(case.args)), rtol=rtol, atol=atol)
    assert np.shape(tangent_out) == np.shape(out)
    # forward agrees with reverse: <J v, 1> == <v, J^T 1>
    grads = as_tuple(case, reference_grad(case, case.args))
    expected = sum(vdot(g, v) for g, v in zip(grads, tangents))
    np.testing.assert_allclose(tangent_out, expected, rtol=rtol * 10, atol=atol * 10,
                               err_msg="forward and reverse disagree")
    if case.grad_ref is None:
        h = 1e-2 if is_float32(case) else 1e-6
        numeric = (case.fn(*moved(case, args, h, tangents)) - case.fn(*moved(case, args, -h, tangents))) / (2 * h)
        np.testing.assert_allclose(tangent_out, numeric, rtol=max(rtol, 1e-5) * 10, atol=max(atol, 1e-7) * 10,
                                   err_msg="jvp disagrees with central differences")


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_vjp(case):
    if "unsupported" in case.tags:
        _expect_unsupported(case, s2s.vjp, 1.0)
        return
    args = copy.deepcopy(case.args)
    out = case.fn(*copy.deepcopy(args))
    w = 0.37 if isinstance(out, float) else np.asarray(out).dtype.type(0.37) * np.ones_like(out)[()]
    value, cotangents = s2s.vjp(case.fn, wrt=case.wrt)(*args, w)
    rtol, atol = tolerance(case)
    np.testing.assert_allclose(value, out, rtol=rtol, atol=atol)
    grads = as_tuple(case, reference_grad(case, case.args))
    for c, g in zip(as_tuple(case, cotangents), grads):
        scaled = _scale(g, 0.37)
        assert_tree_close(c, scaled, rtol=rtol, atol=atol, where="vjp of " + case.name)


def _scale(g, a):
    if g is None:
        return None
    if is_named(g):
        return rebuilt_like(g, {k: _scale(v, a) for k, v in entries(g)})
    if isinstance(g, (list, tuple)):
        return rebuilt(g, [_scale(x, a) for x in g])
    if isinstance(g, np.ndarray):
        return (g * a).astype(g.dtype)
    if isinstance(g, np.generic):
        return g.dtype.type(g * a)
    return g * a


ARRAY_CASES = [c for c in SUPPORTED if all(isinstance(v, (float, np.ndarray, np.generic))
                                           for v in wrt_values(c, c.args))]


@pytest.mark.parametrize("case", ARRAY_CASES, ids=_ids)
def test_jacobian_both_modes(case):
    args = copy.deepcopy(case.args)
    rtol, atol = tolerance(case)
    rows = s2s.jacobian(case.fn, wrt=case.wrt, mode="reverse")(*args)
    columns = s2s.jacobian(case.fn, wrt=case.wrt, mode="forward")(*args)
    grads = as_tuple(case, reference_grad(case, case.args))
    for r, c, g in zip(as_tuple(case, rows), as_tuple(case, columns), grads):
        assert np.shape(r) == np.shape(g) == np.shape(c)
        np.testing.assert_allclose(r, np.asarray(g, dtype=float), rtol=rtol, atol=atol)
        np.testing.assert_allclose(c, np.asarray(g, dtype=float), rtol=rtol * 10, atol=atol * 10)


# ------------------------------------------------------------ bad input
def two_args(x, y):
    return np.sum(x * y)


def vector_out(x):
    return np.sin(x) * 2.0


def pair_out(x):
    return np.sin(x), np.sum(x)


def test_jvp_wrong_number_of_tangents():
    g = s2s.jvp(two_args, wrt=(0, 1))
    with pytest.raises(s2s.S2SError, match="2 tangents"):
        g(np.ones(3))
    with pytest.raises(s2s.common.errors.ArgumentError, match="do not match"):
        g(np.ones(3), np.ones(3), np.ones(3))


def test_jvp_tangent_of_the_wrong_shape():
    g = s2s.jvp(two_args, wrt=0)
    with pytest.raises(s2s.S2SError, match=r"tangent of `x` has shape \(2,\), but the argument has shape \(3,\)"):
        g(np.ones(3), np.ones(3), np.ones(2))


def test_vjp_dout_of_the_wrong_shape():
    g = s2s.vjp(vector_out)
    with pytest.raises(s2s.S2SError, match=r"dout must have shape \(3,\), not shape \(2,\)"):
        g(np.ones(3), np.ones(2))
    with pytest.raises(s2s.S2SError, match="list or tuple of 2 cotangents"):
        s2s.vjp(pair_out)(np.ones(3), np.ones(3))


def test_wrt_errors_in_every_transform():
    for transform in (s2s.jvp, s2s.vjp, s2s.jacobian, s2s.hessian, s2s.hvp):
        with pytest.raises(s2s.common.errors.ArgumentError, match="no parameter of that name"):
            transform(two_args, wrt="z")
    with pytest.raises(s2s.common.errors.ArgumentError, match="integer"):
        s2s.jvp(two_args, wrt=0)(3, np.ones(3), 1.0)
    with pytest.raises(s2s.common.errors.ArgumentError, match=r"test_forward\.py:\d+: jacobian of two_args: mode must be"):
        s2s.jacobian(two_args, mode="sideways")


def test_vjp_of_arrays_and_tuples():
    x = np.array([0.3, -0.4, 1.2])
    out, (cot,) = s2s.vjp(vector_out, wrt=(0,))(x, np.array([1.0, 2.0, 3.0]))
    np.testing.assert_allclose(out, vector_out(x))
    np.testing.assert_allclose(cot, 2 * np.cos(x) * [1.0, 2.0, 3.0])
    out, cot = s2s.vjp(pair_out)(x, (np.ones(3), 2.0))
    np.testing.assert_allclose(cot, np.cos(x) + 2.0)


def stencil_in_place(u):
    r = 1.0 * u
    r[1:] = r[1:] + u[:-1]
    r[:-1] = r[:-1] + u[1:]
    return r


def stack_in_place(u):
    rows = [u * 2.0, np.sin(u)]
    last = rows.pop()
    rows.append(last * u)
    return rows[0] + rows[1]


def numeric_jacobian(fn, u, h=1e-6):
    columns = []
    for k in range(u.size):
        e = np.zeros_like(u)
        e[k] = h
        columns.append((fn(u + e) - fn(u - e)) / (2 * h))
    return np.stack(columns, axis=-1)


@pytest.mark.parametrize("fn", [stencil_in_place, stack_in_place])
def test_vector_function_written_in_place(fn):
    """The adjoint sweep restores arrays in place: vjp's value must not see it,
    and an adjoint read from a slice must survive zeroing the slice."""
    u = np.linspace(-0.4, 1.3, 5)
    value, _ = s2s.vjp(fn)(u.copy(), np.ones(5))
    np.testing.assert_allclose(value, fn(u.copy()), rtol=1e-14)
    np.testing.assert_allclose(s2s.jacobian(fn)(u.copy()), s2s.jacobian(fn, mode="forward")(u.copy()), rtol=1e-13)
    np.testing.assert_allclose(s2s.jacobian(fn)(u.copy()), numeric_jacobian(fn, u), rtol=1e-6, atol=1e-8)


def test_jacobian_of_a_vector_function_in_both_modes():
    x = np.array([0.3, -0.4, 1.2])
    expected = np.diag(2 * np.cos(x))
    np.testing.assert_allclose(s2s.jacobian(vector_out)(x), expected)
    np.testing.assert_allclose(s2s.jacobian(vector_out, mode="forward")(x), expected)
    rows = s2s.jacobian(pair_out)(x)
    assert isinstance(rows, tuple) and rows[0].shape == (3, 3) and rows[1].shape == (3,)


def test_forward_source_is_readable():
    g = s2s.jvp(functions.lecture, wrt=(0, 1))
    g(2.0, 5.0, 1.0, 0.0)
    text = s2s.source(g)
    assert "def jvp_lecture(x1, x2, *, x1_dot, x2_dot):" in text
    assert "None" not in text
    assert "# functions.py:" in text

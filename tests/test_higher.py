"""Derivatives of generated code: Hessians, Hessian-vector products, third derivatives.

The generated gradient is itself inside the subset s2s differentiates, so
forward-over-reverse (``hessian``, ``hvp``) and reverse-over-reverse
(``grad(grad(f))``) run the same pipeline on s2s's own output. Oracles:
central differences of the (already tested) gradient, symmetry, and closed
forms.
"""
import copy
import inspect
import math

import numpy as np
import pytest

import s2s
import s2s.common.errors

try:
    from . import functions
    from .test_forward import ARRAY_CASES, tolerance, wrt_names, wrt_values
except ImportError:
    import functions
    from test_forward import ARRAY_CASES, tolerance, wrt_names, wrt_values


def _ids(case):
    return case.name


# Cases whose Hessian finite differences can check: a single float argument
# of at most 12 values, gradients smooth around the table's inputs.
HESSIAN_CASES = [c for c in ARRAY_CASES if not isinstance(c.wrt, tuple) and c.grad_ref is None
                 and np.size(wrt_values(c, c.args)[0]) <= 12 and "nonsmooth" not in c.tags]


def _moved(case, args, index, h):
    out = list(copy.deepcopy(args))
    params = list(inspect.signature(case.fn).parameters)
    i = params.index(wrt_names(case)[0])
    x = np.array(out[i], dtype=np.float64) if not isinstance(out[i], np.ndarray) else out[i].astype(np.float64)
    flat = x.reshape(-1)
    flat[index] += h
    if isinstance(case.args[i], float):
        out[i] = float(x)
    elif isinstance(case.args[i], np.generic):
        out[i] = case.args[i].dtype.type(x)
    else:
        out[i] = x.astype(case.args[i].dtype)
    return out


def fd_hessian(case):
    """Central differences of the s2s gradient, column by column."""
    args = case.args
    x = wrt_values(case, args)[0]
    gradient = s2s.grad(case.fn, wrt=case.wrt)
    h = 1e-2 if np.asarray(x).dtype == np.float32 else 1e-5
    columns = []
    for j in range(np.size(x)):
        plus = np.asarray(gradient(*_moved(case, args, j, h)), dtype=np.float64)
        minus = np.asarray(gradient(*_moved(case, args, j, -h)), dtype=np.float64)
        columns.append((plus - minus) / (2 * h))
    return np.stack(columns, axis=-1).reshape(np.shape(x) + np.shape(x))


@pytest.mark.parametrize("case", HESSIAN_CASES, ids=_ids)
def test_hessian(case):
    x = wrt_values(case, case.args)[0]
    H = s2s.hessian(case.fn, wrt=case.wrt)(*copy.deepcopy(case.args))
    assert np.shape(H) == np.shape(x) + np.shape(x)
    rtol, atol = tolerance(case)
    n = int(np.size(x))
    M = np.asarray(H, dtype=np.float64).reshape(n, n)
    np.testing.assert_allclose(M, M.T, rtol=rtol * 100, atol=atol * 100, err_msg="Hessian not symmetric")
    np.testing.assert_allclose(M, fd_hessian(case).reshape(n, n), rtol=max(rtol, 1e-4), atol=max(atol, 1e-5) * 10,
                               err_msg="Hessian disagrees with differences of the gradient")


@pytest.mark.parametrize("case", HESSIAN_CASES, ids=_ids)
def test_hvp_matches_hessian(case):
    x = wrt_values(case, case.args)[0]
    rng = np.random.default_rng(3)
    v = rng.standard_normal(np.shape(x))
    v = float(v) if isinstance(x, float) else np.asarray(v, dtype=np.asarray(x).dtype)
    Hv = s2s.hvp(case.fn, wrt=case.wrt)(*copy.deepcopy(case.args), v)
    H = s2s.hessian(case.fn, wrt=case.wrt)(*copy.deepcopy(case.args))
    n = int(np.size(x))
    expected = (np.asarray(H, dtype=np.float64).reshape(n, n) @ np.reshape(v, n)).reshape(np.shape(x))
    rtol, atol = tolerance(case)
    assert np.shape(Hv) == np.shape(x)
    np.testing.assert_allclose(Hv, expected, rtol=rtol * 10, atol=atol * 10)


# ------------------------------------------------------------ closed forms
def cubic_sine(x):
    return x ** 3 * math.sin(x)


def cubic_sine_d3(x):
    # d3/dx3 of x^3 sin x
    return 6 * math.sin(x) + 18 * x * math.cos(x) - 9 * x ** 2 * math.sin(x) - x ** 3 * math.cos(x)


def exp_of_square(x):
    return np.exp(x * x)


def exp_of_square_d3(x):
    return (12 * x + 8 * x ** 3) * math.exp(x * x)


def log_ratio(x, y):
    return np.log(x) / y


@pytest.mark.parametrize("f,d3", [(cubic_sine, cubic_sine_d3), (exp_of_square, exp_of_square_d3)])
@pytest.mark.parametrize("x", [0.3, 1.1, -0.7])
def test_third_derivative_reverse_over_reverse(f, d3, x):
    third = s2s.grad(s2s.grad(s2s.grad(f)))
    np.testing.assert_allclose(third(x), d3(x), rtol=1e-10)


@pytest.mark.parametrize("f,d3", [(cubic_sine, cubic_sine_d3), (exp_of_square, exp_of_square_d3)])
def test_third_derivative_forward_over_reverse(f, d3):
    x = 0.9
    second = s2s.grad(s2s.grad(f))
    _, third = s2s.jvp(second)(x, 1.0)
    np.testing.assert_allclose(third, d3(x), rtol=1e-10)


def test_mixed_second_derivatives_with_tuple_wrt():
    x, y = 1.3, 0.7
    H = s2s.hessian(log_ratio, wrt=(0, 1))(x, y)
    expected = ((-1 / (x * x * y), -1 / (x * y * y)), (-1 / (x * y * y), 2 * math.log(x) / y ** 3))
    np.testing.assert_allclose(np.array(H, dtype=float), np.array(expected), rtol=1e-10)


def test_hessian_source_is_readable():
    h = s2s.hessian(exp_of_square)
    h(0.4)
    text = s2s.source(h)
    assert "_dot" in text and "_bar" in text


SCALAR_CASES = [c for c in HESSIAN_CASES if isinstance(wrt_values(c, c.args)[0], float)]


@pytest.mark.parametrize("case", SCALAR_CASES, ids=_ids)
def test_reverse_over_reverse_matches_forward_over_reverse(case):
    """grad(grad(f)) of a function of one float equals its 1x1 Hessian.

    Through loops the first gradient pops its stacks, so this also runs
    ``list.pop()`` backwards.
    """
    first = s2s.grad(case.fn, wrt=case.wrt)
    first(*copy.deepcopy(case.args))
    second = s2s.grad(first, wrt=case.wrt)(*copy.deepcopy(case.args))
    H = s2s.hessian(case.fn, wrt=case.wrt)(*copy.deepcopy(case.args))
    np.testing.assert_allclose(second, H, rtol=1e-9, atol=1e-12)


def test_second_derivative_through_a_helper_without_a_rule_says_so():
    case = functions.BY_NAME["lowrank_fit"]  # the nuclear norm and u, vh of the SVD: no second derivative yet
    with pytest.raises(s2s.common.errors.S2SError, match=r"np\.linalg\.(norm|svd): .*second derivative"):
        s2s.hessian(case.fn, wrt=0)(*copy.deepcopy(case.args))


def test_differentiating_a_checkpointed_gradient_says_what_to_do():
    g = s2s.grad(functions.for_range1, checkpoint=2)
    with pytest.raises(s2s.NoRuleError, match=r"made with checkpoint=.*without checkpoint") as err:
        s2s.jvp(g)(np.array([0.5, 1.5]), 3, np.ones(2))
    assert "<s2s grad of for_range1" in str(err.value)

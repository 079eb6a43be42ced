"""Specialized gradients: the rewrites that save passes over arrays (s2s/backend/specialize.py,
adjoint_sums.py, negated_starts.py) and the code they leave.

Each test pins the generated code's shape (after a call, so the code is specialized) and checks the
gradient against central differences; tests/test_optimizations.py checks the whole table against the
unspecialized code (to the bit without "reorder", within rounding with it).
"""
import math

import gast
import numpy as np
import pytest

import s2s
from s2s import runtime
from s2s.backend import negated_starts


def logistic(w, X, y):
    p = 1.0 / (1.0 + np.exp(-(X @ w)))
    return -np.mean(y * np.log(p) + (1.0 - y) * np.log(1.0 - p))


def log1p_loss(w, X, y):
    z = X @ w
    return np.mean(np.log1p(np.exp(-z)) + (1.0 - y) * z)


def spring(x, v):
    for i in range(4):
        r = np.sqrt(np.sum(x * x))
        a = -10.0 * (r - 1.0) * x / r - 0.1 * v
        v = v + 0.01 * a
        x = x + 0.01 * v
    return np.sum(x * x) + np.sum(v * v)


def matrix_sum(a, b):
    return np.sum(np.tanh(a) * b) * np.sum(a)  # 2-D: the adjoint's sums are sums, not dots


@pytest.fixture
def data(rng):
    X = rng.normal(size=(30, 4))
    return {"logistic": (rng.normal(size=4) * 0.1, X, (rng.random(30) < 0.5).astype(float)),
            "log1p_loss": (rng.normal(size=4) * 0.1, X, (rng.random(30) < 0.5).astype(float)),
            "spring": (np.array([1.5, 0.2, -0.3]), np.array([0.0, 0.5, 0.1])),
            "matrix_sum": (rng.normal(size=(3, 4)), rng.normal(size=(3, 4)))}


def _specialized(f, args, wrt):
    g = s2s.grad(f, wrt=wrt)
    got = g(*args)
    return g, got, s2s.source(g)


@pytest.mark.parametrize("f,wrt", [(logistic, 0), (log1p_loss, 0), (spring, (0, 1)), (matrix_sum, (0, 1))])
def test_gradients_match_central_differences(f, wrt, data):
    s2s.check_grad(f, *data[f.__name__], wrt=wrt)


def test_logistic_divides_and_subtracts_once(data):
    _, _, source = _specialized(logistic, data["logistic"], 0)
    assert "inverse(" not in source and "reduce_count(" not in source, source
    assert "/ y.size" in source, source  # the mean's count: the array's size
    # p_bar = -t7_bar ... p_bar = p_bar + e became one subtraction
    assert "p_bar = -" not in source and "p_bar = absorb_zeros(t5_bar, t5_bar / p) - t8_bar" in source, source


def test_log1p_adjoint_is_one_division(data):
    _, _, source = _specialized(log1p_loss, data["log1p_loss"], 0)
    assert "absorb_zeros(t6_bar, t6_bar / (1 + t2))" in source, source


def test_vector_sums_of_products_are_dots(data):
    _, _, source = _specialized(spring, data["spring"], (0, 1))
    assert source.count(".dot(") == 2, source
    assert "r = np.sqrt((x * x).sum())" in source  # the function's own sums are its own: not reordered


def test_matrix_sums_stay_sums(data):
    _, _, source = _specialized(matrix_sum, data["matrix_sum"], (0, 1))
    assert ".dot(" not in source, source


def test_the_value_is_the_functions_own(data):
    for f, wrt in [(logistic, 0), (spring, (0, 1))]:
        value, _ = s2s.value_and_grad(f, wrt=wrt)(*data[f.__name__])
        assert value == f(*data[f.__name__])


def test_absorb_zeros_of_a_nonzero_number_is_the_product():
    r = np.array([1.0, np.nan, 2.0])
    assert runtime.absorb_zeros(2.0, r) is r  # a nonzero factor: nothing to absorb, NaN stays
    np.testing.assert_array_equal(runtime.absorb_zeros(0.0, r), [1.0, 0.0, 2.0])
    np.testing.assert_array_equal(runtime.absorb_zeros(np.array([1.0, 0.0, 1.0]), r), [1.0, 0.0, 2.0])
    np.testing.assert_array_equal(runtime.absorb_zeros(np.ones(3), r), r)
    big = np.array([1e300, -np.inf, np.inf])  # no NaN: returned as is, without overflow warnings
    assert runtime.absorb_zeros(np.zeros(3), big) is big
    empty = np.zeros(0)
    assert runtime.absorb_zeros(empty, empty) is empty


# ------------------------------------------------------------------ negated_starts, on code
def _function(source):
    return gast.parse(source).body[0]


def _merged(source, names):
    fn = _function(source)
    changed = negated_starts.merge(fn, lambda node: names.get(getattr(node, "id", None)))
    return changed, gast.unparse(fn) if hasattr(gast, "unparse") else __import__("ast").unparse(
        gast.gast_to_ast(fn))


def test_a_negated_start_then_one_accumulation_is_one_subtraction():
    changed, out = _merged("def f(a, b, c):\n    p_bar = -a\n    t = b * c\n    p_bar = p_bar + t * 2\n"
                           "    return p_bar\n", {})
    assert changed and "p_bar = t * 2 - a" in out and "p_bar = -a" not in out, out


@pytest.mark.parametrize("between", [
    "    a = b * c\n",                       # a is rebound: the later read would see the new value
    "    t = add_at(a, 0, b)\n",            # a helper that updates an argument in place
    "    a[0] = 1.0\n",                      # a write into a
    "    for i in range(2):\n        t = b\n",  # not a plain assignment
])
def test_the_negation_stays_where_reading_later_could_differ(between):
    source = "def f(a, b, c):\n    p_bar = -a\n" + between + "    p_bar = p_bar + b\n    return p_bar\n"
    changed, out = _merged(source, {"add_at": runtime.add_at})
    assert not changed and "p_bar = -a" in out, out


def test_the_negation_stays_when_the_accumulation_reads_the_adjoint_twice():
    changed, out = _merged("def f(a, b):\n    p_bar = -a\n    p_bar = p_bar + p_bar * b\n    return p_bar\n", {})
    assert not changed, out


def math_recurrence(x):
    for i in range(5):
        x = 0.9 * math.tanh(x) + 0.1 * math.cos(x)
    return x


def test_a_negated_product_then_one_accumulation_is_one_subtraction():
    g = s2s.grad(math_recurrence)
    g(0.5)
    source = s2s.source(g)
    assert "* -math.sin(x)" not in source and "- t3_bar * math.sin(x)" in source, source
    s2s.check_grad(math_recurrence, 0.5)


def test_a_product_with_a_negated_factor_is_a_negated_start():
    changed, out = _merged("def f(a, b, c):\n    p_bar = b * -c\n    p_bar = p_bar + a\n    return p_bar\n", {})
    assert changed and "p_bar = a - b * c" in out, out

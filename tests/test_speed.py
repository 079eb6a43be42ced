"""The generated code of scalar, list-parameter and ReLU programs is what a careful person writes.

Snippet-in, fact-out checks of the shape facts the specializer uses
(``math.*`` results are numbers, elements of a list argument have the shapes
the call shows), of the rewrites they allow, and of the math-module rules;
each derivative is also checked against central differences.
"""
import math

import gast
import numpy as np
import pytest

import s2s
from s2s import runtime
from s2s.analysis import shapes
from s2s.backend import emit, specialize


def _fn(src):
    return gast.parse(src).body[0]


def _shapes_of(src, params, namespace=None):
    resolve = specialize.resolver({"select_grad": runtime.select_grad, "power_base_grad": runtime.power_base_grad,
                                   "zeros_like": runtime.zeros_like},
                                  [dict({"np": np, "math": math}, **(namespace or {}))])
    return shapes.infer(_fn(src), params, resolve)


def recurrence(x):
    for i in range(20):
        x = 0.9 * math.tanh(x) + 0.1 * math.cos(x)
    return x


def sines(x):
    return math.sin(x) * math.cos(x) + math.sinh(x) * math.cosh(x)


@pytest.mark.parametrize("fn", [recurrence, sines])
def test_math_functions_stay_scalar(fn):
    g = s2s.grad(fn)
    g(0.3)
    source = s2s.source(g)
    assert "np." not in source and "unbroadcast" not in source, source
    s2s.check_grad(fn, 0.3)
    s2s.check_grad(fn, -1.1)
    assert type(g(0.3)) is float


def test_math_results_are_numbers():
    got = _shapes_of("def f(x):\n    y = math.tanh(x)\n    m = math.frexp(x)\n    p = math.prod(x)\n"
                     "    return y", {"x": UNKNOWN_ARRAY})
    assert got["y"] == () and "m" not in got and "p" not in got


UNKNOWN_ARRAY = (2, 3)
SEQ = (shapes.SEQUENCE, (2, 3), (3,))


def test_elements_of_a_list_argument_have_their_shapes():
    got = _shapes_of("def f(p, x):\n    W = p[0]\n    b = p[1]\n    z = zeros_like(p)\n    y = x @ W + b\n"
                     "    return y", {"p": SEQ, "x": (4, 2)})
    assert got["W"] == (2, 3) and got["b"] == (3,) and got["y"] == (4, 3)
    assert "p" not in got and "z" not in got  # the list itself has no shape


@pytest.mark.parametrize("change", ["p.append(x)", "p[0] = x", "p = [x, x]", "h(p)", "q = p"])
def test_a_list_that_may_change_gives_no_facts(change):
    got = _shapes_of("def f(p, x):\n    {}\n    W = p[0]\n    return W".format(change), {"p": SEQ, "x": (4, 2)},
                     {"h": len})
    assert "W" not in got


def test_helper_shapes():
    got = _shapes_of("def f(g, x):\n    a = power_base_grad(x, 2)\n    b = select_grad(g, x, 0, x)\n    return a",
                     {"g": (2, 3), "x": (1, 3)})
    assert got["a"] == (1, 3) and got["b"] == (2, 3)


def _ref(obj, hint):
    return gast.Attribute(value=gast.Name(id="np", ctx=gast.Load(), annotation=None, type_comment=None),
                          attr=hint, ctx=gast.Load())


@pytest.mark.parametrize("shape, line", [((3,), "return 2 * x"), ((), "return power_base_grad(x, 2)")])
def test_square_grad_of_an_array_is_two_x(shape, line):
    fn = _fn("def f(x):\n    return power_base_grad(x, 2)")
    resolve = specialize.resolver({"power_base_grad": runtime.power_base_grad}, [{"np": np}])
    specialize.specialize(fn, {"x": shape}, resolve, _ref)
    assert [ln.strip() for ln in emit.to_source([fn]).splitlines()[1:] if ln.strip()] == [line]
    for dtype in (np.float64, np.float32):
        x = np.linspace(-2, 2, 3).astype(dtype)
        want = runtime.power_base_grad(x, 2)
        got = 2 * x
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)


def _select_grad_reference(g, x, other, ans):
    """select_grad as it was: two masks, a where and a product."""
    mine = np.asarray(x, dtype=np.result_type(ans)) == ans
    tie = mine & (np.asarray(other, dtype=np.result_type(ans)) == ans)
    g = np.asarray(g)
    return np.where(tie, 0.5 * g, g) * mine


@pytest.mark.parametrize("x, other", [
    (np.array([-1.0, 0.5, 2.0]), 0),
    (np.array([-1.0, 0.0, 2.0]), 0),             # a tie
    (np.array([1.0, 2.0]), np.array([1.0, 3.0])),
    (0.5, 0.5),
    (np.array([np.nan, 1.0]), 0.0),
])
def test_select_grad_same_numbers_as_before(x, other):
    ans = np.maximum(x, other)
    for g in (np.array([1.5, -2.0, 3.0])[:np.size(ans)].reshape(np.shape(ans)), 2.0, np.inf):
        with np.errstate(invalid="ignore"):  # inf * 0: NaN, as before
            got, want = runtime.select_grad(g, x, other, ans), _select_grad_reference(g, x, other, ans)
        assert type(got) is type(want) and np.shape(got) == np.shape(want)
        np.testing.assert_array_equal(got, want)


def relu_net(params, X, Y):
    W1, b1, W2, b2 = params
    h = np.maximum(X @ W1 + b1, 0)
    out = h @ W2 + b2
    return np.mean((out - Y) ** 2)


def test_list_parameters_are_specialized():
    rng = np.random.default_rng(0)
    params = [rng.normal(size=(4, 5)), rng.normal(size=5), rng.normal(size=(5, 2)), rng.normal(size=2)]
    X, Y = rng.normal(size=(6, 4)), rng.normal(size=(6, 2))
    g = s2s.grad(relu_net)
    got = g(params, X, Y)
    source = s2s.source(g)
    assert "unbroadcast" not in source and "matmul_grad" not in source and "power_base_grad" not in source, source
    plain = s2s.grad(relu_net, optimize=False)(params, X, Y)
    for a, b in zip(got, plain):
        np.testing.assert_array_equal(a, b)
    s2s.check_grad(relu_net, params, X, Y)


def spring_like(x, v):
    for i in range(3):
        r = np.sqrt(np.sum(x * x))
        v = v - 0.1 * (r - 1.0) * x / r
        x = x + 0.1 * v
    return np.sum(x * x) + np.sum(v * v)


def test_values_read_only_for_their_shape_are_not_kept():
    g = s2s.grad(spring_like, wrt=(0, 1))
    x, v = np.array([1.5, 0.2, -0.3]), np.array([0.0, 0.5, 0.1])
    got = g(x, v)
    source = s2s.source(g)
    seeded = source.index("_bar = seed")  # seed, or seed_unread(lambda: <the loss, not computed>, ...)
    adjoint = source[source.index("\n", seeded):]
    assert "x * x" not in adjoint, source  # unreduce reads a parameter's shape instead
    plain = s2s.grad(spring_like, wrt=(0, 1), optimize=False)(x, v)
    for a, b in zip(got, plain):
        np.testing.assert_array_equal(a, b)
    s2s.check_grad(spring_like, x, v, wrt=(0, 1))

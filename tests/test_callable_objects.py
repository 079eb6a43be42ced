"""Objects called like functions inside a differentiated function (issue 17): ``model(x)`` where
``model`` is an argument whose class defines ``__call__``, and ``self(x)`` in a method of that
class, are calls of the method. Each row is checked against central differences
(``s2s.check_grad``, entry by entry) and forward against reverse (``jvp`` against the gradient
dotted with the same tangent). Calls s2s cannot tie to one ``__call__`` are refused."""
import numpy as np
import pytest

import s2s

rng = np.random.default_rng(3)


class Layered:
    def __init__(self, sizes):
        self.layers = [(rng.normal(size=(a, b)) * 0.5, rng.normal(size=b) * 0.1) for a, b in zip(sizes, sizes[1:])]
        self.name = "net"

    def __call__(self, x):
        for W, b in self.layers:
            x = np.tanh(x @ W + b)
        return x

    def loss(self, x, y):
        return np.mean((self(x) - y) ** 2)


class Scaled:
    def __init__(self):
        self.k = 1.5

    def __call__(self, x, power=2.0):
        return self.k * x ** power


def called_argument(model, x, y):
    return np.mean((model(x) - y) ** 2)


def called_twice_with_keyword(f, x):
    return np.sum(f(x) + f(x, power=3.0))


def _predict(model, x):
    return model.__call__(x)


def called_through_a_helper(model, x, y):
    return np.mean((_predict(model, x) - y) ** 2)


X = rng.normal(size=(4, 3))
Y = rng.normal(size=(4, 2))
P = np.array([0.4, 0.9, 1.3])

ROWS = [
    ("argument", called_argument, lambda: (Layered([3, 5, 2]), X, Y), 0),
    ("argument, wrt x", called_argument, lambda: (Layered([3, 5, 2]), X, Y), 1),
    ("keyword", called_twice_with_keyword, lambda: (Scaled(), P), 0),
    ("keyword, wrt x", called_twice_with_keyword, lambda: (Scaled(), P), 1),
    ("helper with __call__", called_through_a_helper, lambda: (Layered([3, 4, 2]), X, Y), 0),
]


@pytest.mark.parametrize("name, f, make, wrt", ROWS, ids=[r[0] for r in ROWS])
def test_called_object_against_differences_and_forward(name, f, make, wrt):
    args = make()
    s2s.check_grad(f, *args, wrt=wrt)
    g = s2s.grad(f, wrt=wrt)(*args)
    if wrt == 0:
        return  # jvp with respect to an object: checked by tests/test_containers.py's rules
    tangent = rng.normal(size=np.shape(args[wrt]))
    _, d = s2s.jvp(f, wrt=wrt)(*args, tangent)
    np.testing.assert_allclose(d, np.sum(g * tangent), rtol=1e-10)


def test_self_called_in_a_method():
    net = Layered([3, 5, 2])
    s2s.check_grad(net.loss, X, Y, wrt="self")
    s2s.check_grad(net.loss, X, Y, wrt=0)
    g = s2s.grad(net.loss, wrt="self")(X, Y)
    assert isinstance(g, Layered) and g.name is None and len(g.layers) == 2


def helper_calls_it(model, x):
    return np.sum(_call(model, x))


def _call(model, x):
    return model(x)


def function_and_object(x, g, model):
    return np.sum(g(x)) + np.sum(model(x))


def reassigned(model, x, other):
    model = other
    return np.sum(model(x))


@pytest.mark.parametrize("f, args, words", [
    (helper_calls_it, lambda: (Scaled(), P), r"calling `model`, a variable.*write `model.__call__\(...\)`"),
    (function_and_object, lambda: (P, np.sin, Scaled()), r"calling `g`"),
    (reassigned, lambda: (Scaled(), P, Scaled()), r"calling `model`"),
])
def test_calls_not_tied_to_one_call_method_are_refused(f, args, words):
    """Silently calling Scaled.__call__ for ``g`` (np.sin) was the danger: refused instead."""
    with pytest.raises(s2s.S2SError, match=r"test_callable_objects\.py:\d+.*" + words):
        s2s.grad(f)(*args())

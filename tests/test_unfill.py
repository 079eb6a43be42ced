"""The scalar adjoint of a full reduction is not filled into an array that only arithmetic reads
(s2s/backend/unfill.py): the generated code's shape, and the same numbers and dtypes as unspecialized."""
import math

import numpy as np
import pytest

import s2s


def spring_like(x, v):
    for i in range(3):
        r = np.sqrt(np.sum(x * x))
        v = v - 0.1 * (r - 1.0) * x / r
        x = x + 0.1 * v
    return np.sum(x * x) + np.sum(v * v)


def logistic(w, X, y):
    p = 1.0 / (1.0 + np.exp(-(X @ w)))
    return -np.mean(y * np.log(p) + (1.0 - y) * np.log(1.0 - p))


def softplus_mean(w, X):
    z = X @ w
    return np.mean(np.log1p(np.exp(-z)) + z)


def through_matmul(x, a):
    return np.sum(x @ a)  # the filled adjoint is read by a product of matrices: stays an array


def broadcast_operand(x, b):
    return np.sum(x + b)  # b's adjoint sums the filled array: stays an array


def python_float_loss(x):
    s = math.sqrt(np.sum(x * x))  # a Python float: its adjoint is a "weak" scalar, the fill stays
    return s * s


def _leaves(x):
    return [leaf for item in x for leaf in _leaves(item)] if isinstance(x, (tuple, list)) else [x]


def _same_as_unspecialized(f, args, wrt):
    """The dtypes of the unspecialized gradient, and its numbers up to the rounding of the one
    reordering specialized code may do (see s2s/backend/specialize.py, "reorder"): a few dozen ulps
    of the largest component."""
    got = s2s.grad(f, wrt=wrt)(*args)
    want = s2s.grad(f, wrt=wrt, optimize=False)(*args)
    for a, b in zip(_leaves(got), _leaves(want)):
        assert np.asarray(a).dtype == np.asarray(b).dtype
        eps = np.finfo(np.asarray(b).dtype).eps
        np.testing.assert_allclose(a, b, rtol=64 * eps, atol=64 * eps * max(1.0, float(np.max(np.abs(b)))))
    return got


def _source(f, args, wrt):
    g = s2s.grad(f, wrt=wrt)
    g(*args)
    return s2s.source(g)


@pytest.fixture
def data(rng):
    X = rng.normal(size=(20, 5))
    return {"spring_like": (np.array([1.5, 0.2, -0.3]), np.array([0.0, 0.5, 0.1])),
            "logistic": (rng.normal(size=5) * 0.1, X, (rng.random(20) < 0.5).astype(float)),
            "softplus_mean": (rng.normal(size=5), X),
            "through_matmul": (rng.normal(size=(3, 4)), rng.normal(size=(4, 2))),
            "broadcast_operand": (rng.normal(size=(3, 4)), rng.normal(size=4)),
            "python_float_loss": (rng.normal(size=4),)}


@pytest.mark.parametrize("f,wrt", [(spring_like, (0, 1)), (logistic, 0)])
def test_scalar_adjoints_are_not_filled(f, wrt, data):
    args = data[f.__name__]
    source = _source(f, args, wrt)
    assert "np.full" not in source, source
    _same_as_unspecialized(f, args, wrt)
    s2s.check_grad(f, *args, wrt=wrt)


def test_spring_like_reads_the_scalar_in_the_loop(data):
    source = _source(spring_like, data["spring_like"], (0, 1))
    assert "x_bar = x_bar + t2_bar * x * 2.0" in source, source


# softplus_mean: the adjoint is copied to a name assigned twice (``z_bar = t4_bar``, then accumulated),
# which the flow-insensitive check does not follow: the fill stays (see the module's docstring)
@pytest.mark.parametrize("f,wrt", [(through_matmul, 0), (broadcast_operand, (0, 1)), (python_float_loss, 0),
                                   (softplus_mean, 0)])
def test_the_fill_stays_where_the_scalar_would_differ(f, wrt, data):
    args = data[f.__name__]
    assert "np.full" in _source(f, args, wrt)
    _same_as_unspecialized(f, args, wrt)
    s2s.check_grad(f, *args, wrt=wrt)


@pytest.mark.parametrize("dtype", [np.float32, np.float16])
def test_low_precision_arrays_keep_their_numbers_and_dtypes(dtype, data):
    for name, f, wrt in [("spring_like", spring_like, (0, 1)), ("logistic", logistic, 0),
                         ("python_float_loss", python_float_loss, 0)]:
        args = tuple(a.astype(dtype) for a in data[name])
        got = _same_as_unspecialized(f, args, wrt)
        assert all(np.asarray(a).dtype == dtype for a in _leaves(got))

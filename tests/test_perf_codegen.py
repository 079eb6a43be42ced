"""Generated gradients that are fast and still safe: what the specializer and clean-ups leave.

Each test reads the generated source for the construct and checks the numbers
against finite differences or the unspecialized gradient.
"""
import numpy as np
import pytest

import s2s


def shared(x, y):
    return np.sum((x + y) ** 2)


def summed(x, y):
    return np.sum(x + y)


@pytest.mark.parametrize("fn", [shared, summed])
def test_gradients_are_distinct_arrays(fn):
    """x and y share one adjoint; their gradients must not be one array (an update in place of one
    would change the other)."""
    g = s2s.grad(fn, wrt=(0, 1))
    x, y = np.arange(3.0), np.ones(3)
    gx, gy = g(x, y)
    assert gx is not gy and not np.shares_memory(gx, gy)
    want = s2s.grad(fn, wrt=(0, 1), optimize=False)(x, y)
    np.testing.assert_allclose(gx, want[0])
    np.testing.assert_allclose(gy, want[1])
    gx += 1.0  # writable or not, the other gradient stays
    np.testing.assert_allclose(gy, want[1])
    assert "copy(" in s2s.source(g)


def test_value_and_grad_distinct():
    vg = s2s.value_and_grad(shared, wrt=(0, 1))
    value, (gx, gy) = vg(np.ones(2), np.ones(2))
    assert value == pytest.approx(8.0)
    assert not np.shares_memory(gx, gy)


def mlp(params, X):
    W, b = params
    return np.sum(np.maximum(X @ W + b, 0.0) ** 2)


def items_shared(ps):
    return np.sum((ps[0] + ps[1]) ** 2)


def items_with_number(ps, x):
    a, s = ps
    return np.sum(a * x) * s


@pytest.mark.parametrize("container", [list, tuple])
def test_list_parameter_adjoint_built_as_a_list(container):
    rng = np.random.default_rng(0)
    params = container([rng.normal(size=(3, 4)), rng.normal(size=4)])
    X = rng.normal(size=(5, 3))
    g = s2s.grad(mlp)
    got = g(params, X)
    want = s2s.grad(mlp, optimize=False)(params, X)
    assert type(got) is container and len(got) == 2
    for a, b, p in zip(got, want, params):
        assert a.shape == p.shape and a.dtype == p.dtype
        np.testing.assert_allclose(a, b, rtol=1e-12)
    assert "params_bar = [" in s2s.source(g) and "zeros_like(params)" not in s2s.source(g)
    s2s.check_grad(mlp, params, X)


def test_list_items_sharing_an_adjoint_stay_distinct():
    g = s2s.grad(items_shared)
    got = g([np.ones(3), np.arange(3.0)])
    np.testing.assert_allclose(got[0], 2 * (1 + np.arange(3.0)))
    np.testing.assert_allclose(got[1], got[0])
    assert not np.shares_memory(got[0], got[1])


def test_list_with_a_number():
    g = s2s.grad(items_with_number)
    a, x = np.arange(3.0), np.ones(3)
    for _ in range(2):
        ga, gs = g([a, 2.0], x)
        np.testing.assert_allclose(ga, 2.0 * x)
        assert type(gs) is float and gs == pytest.approx(np.sum(a * x))


def test_float32_list_items_keep_their_dtype():
    params = [np.ones((2, 3), dtype=np.float32), np.ones(3, dtype=np.float32)]
    got = s2s.grad(mlp)(params, np.ones((4, 2)))  # X float64: the adjoints are float64
    assert [p.dtype for p in got] == [np.float32, np.float32]

"""The cheap call path of a transformed function (NumPy arguments like an earlier call's).

A call whose arguments have the types, shapes and dtypes of an earlier successful
one runs that call's generated function without binding and checking again
(s2s/api/transforms.py, ``_plain_key``). Each test makes the earlier call first
and then changes what the cheap path must still notice.
"""
import numpy as np
import pytest

import s2s
from s2s.api import transforms

SCALE = 2.0


def scaled(x):
    return SCALE * np.sum(x * x)


def test_same_arguments_reuse_and_agree():
    g = s2s.grad(scaled)
    x = np.arange(3.0)
    first = g(x)
    before = transforms.transform_count()
    for _ in range(3):
        np.testing.assert_allclose(g(x + 1.0), 2.0 * SCALE * (x + 1.0))
    assert transforms.transform_count() == before
    np.testing.assert_allclose(first, 2.0 * SCALE * x)


def test_a_global_rebound_is_seen(monkeypatch):
    g = s2s.grad(scaled)
    x = np.arange(3.0)
    np.testing.assert_allclose(g(x), 4.0 * x)
    monkeypatch.setitem(globals(), "SCALE", 5.0)
    np.testing.assert_allclose(g(x), 10.0 * x)


def test_a_closure_rebound_is_seen():
    k = 1.0

    def f(x):
        return k * np.sum(x * x)

    g = s2s.grad(f)
    x = np.arange(3.0)
    np.testing.assert_allclose(g(x), 2.0 * x)
    k = 3.0  # noqa: F841 (read by f through its closure)
    np.testing.assert_allclose(g(x), 6.0 * x)


def test_defaults_replaced_are_seen():
    def f(x, a=1.0):
        return a * np.sum(x)

    g = s2s.grad(f)
    x = np.ones(2)
    np.testing.assert_allclose(g(x), [1.0, 1.0])
    f.__defaults__ = (4.0,)
    np.testing.assert_allclose(g(x), [4.0, 4.0])


def test_new_shapes_dtypes_and_types_take_the_full_path():
    def f(x):
        return np.sum(x ** 3)

    g = s2s.grad(f)
    np.testing.assert_allclose(g(np.ones(2)), [3.0, 3.0])
    np.testing.assert_allclose(g(np.ones((2, 2))), 3.0 * np.ones((2, 2)))
    assert g(np.ones(2, dtype=np.float32)).dtype == np.float32
    assert g(2.0) == pytest.approx(12.0)
    with pytest.raises(s2s.S2SError, match="integer"):
        g(np.ones(2, dtype=int))
    with pytest.raises(s2s.S2SError, match="integer"):
        g(2)


def test_integer_refused_after_a_float_call_at_the_same_place():
    def f(x, n):
        return x * n

    g = s2s.grad(f)
    assert g(2.0, 3) == pytest.approx(3.0)
    assert g(2.0, 4) == pytest.approx(4.0)  # an int where one is not differentiated stays allowed
    with pytest.raises(s2s.S2SError, match="integer"):
        g(2, 3)


def test_lists_of_arrays():
    def f(ps, x):
        return np.sum(ps[0] * x) + np.sum(ps[1] ** 2)

    g = s2s.grad(f)
    ps, x = [np.ones(2), np.full(3, 2.0)], np.arange(2.0)
    for _ in range(2):
        out = g(ps, x)
        assert isinstance(out, list)
        np.testing.assert_allclose(out[0], x)
        np.testing.assert_allclose(out[1], 2 * ps[1])
    out = g([np.ones(2), np.ones(3), np.ones(1)], x)  # a longer list: generated again
    assert len(out) == 3


def test_errors_while_running_still_name_the_line():
    def f(x):
        return np.sum(x)

    g = s2s.grad(f)
    g(np.ones(2))
    with pytest.raises(s2s.S2SError):  # arguments that are not like the earlier call's: the full checks
        g(np.ones(2), np.ones(2))


def test_value_and_grad_and_keywords():
    def f(x, a=2.0):
        return a * np.sum(x)

    vg = s2s.value_and_grad(f)
    for _ in range(2):
        value, grad = vg(np.ones(3))
        assert value == pytest.approx(6.0)
        np.testing.assert_allclose(grad, 2.0 * np.ones(3))
    value, grad = vg(np.ones(3), a=3.0)
    np.testing.assert_allclose(grad, 3.0 * np.ones(3))

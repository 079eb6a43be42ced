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

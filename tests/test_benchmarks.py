"""Smoke test of the benchmark workloads (correctness only; nothing is timed here).

Each workload's s2s gradient must equal its hand-written gradient, and the
hand-written one must agree with central differences along a random direction,
so neither can be wrong in the same way unnoticed.
"""
import numpy as np
import pytest

import s2s
from benchmarks.runner import leaves
from benchmarks.workloads import WORKLOADS


def _shift(x, d, step):
    """``x + step * d`` where ``x`` may be a list of arrays (``d`` then a list too)."""
    if isinstance(x, (list, tuple)):
        return type(x)(_shift(a, b, step) for a, b in zip(x, d))
    return x + step * d


def _random_like(rng, x):
    if isinstance(x, (list, tuple)):
        return type(x)(_random_like(rng, a) for a in x)
    return rng.normal(size=np.shape(x))


def _directional_difference(fn, inputs, wrt, direction, h=1e-6):
    def shifted(sign):
        args = list(inputs)
        for i, d in zip(wrt, direction):
            args[i] = _shift(args[i], d, sign * h)
        return fn(*args)

    return (shifted(1) - shifted(-1)) / (2 * h)


@pytest.mark.parametrize("workload", WORKLOADS, ids=lambda w: w.name)
def test_s2s_gradient_equals_hand_written(workload):
    inputs = workload.test_inputs(np.random.default_rng(0))
    ours = s2s.grad(workload.fn, wrt=workload.wrt)(*inputs)
    hand = workload.hand(*inputs)
    assert len(ours) == len(hand) == len(workload.wrt)
    expected = [leaves(inputs[i]) for i in workload.wrt]
    assert len(leaves(ours)) == len(leaves(hand)) == sum(len(e) for e in expected)
    for g, h, x in zip(leaves(ours), leaves(hand), [leaf for args in expected for leaf in args]):
        assert np.shape(g) == np.shape(x)
        np.testing.assert_allclose(g, h, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("workload", WORKLOADS, ids=lambda w: w.name)
def test_hand_written_gradient_matches_differences(workload):
    inputs = workload.test_inputs(np.random.default_rng(0))
    rng = np.random.default_rng(1)
    direction = [_random_like(rng, inputs[i]) for i in workload.wrt]
    expected = _directional_difference(workload.fn, inputs, workload.wrt, direction)
    hand = workload.hand(*inputs)
    got = sum(np.sum(g * d) for g, d in zip(leaves(hand), leaves(direction)))
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6 * max(1.0, abs(workload.fn(*inputs))))

"""Smoke test of the benchmark workloads (correctness only; nothing is timed here).

Each workload's s2s gradient must equal its hand-written gradient, and the
hand-written one must agree with central differences along a random direction,
so neither can be wrong in the same way unnoticed.
"""
import numpy as np
import pytest

import s2s
from benchmarks.workloads import WORKLOADS


def _directional_difference(fn, inputs, wrt, direction, h=1e-6):
    def shifted(sign):
        args = list(inputs)
        for i, d in zip(wrt, direction):
            args[i] = args[i] + sign * h * d
        return fn(*args)

    return (shifted(1) - shifted(-1)) / (2 * h)


@pytest.mark.parametrize("workload", WORKLOADS, ids=lambda w: w.name)
def test_s2s_gradient_equals_hand_written(workload):
    inputs = workload.test_inputs(np.random.default_rng(0))
    ours = s2s.grad(workload.fn, wrt=workload.wrt)(*inputs)
    hand = workload.hand(*inputs)
    assert len(ours) == len(hand) == len(workload.wrt)
    for g, h, i in zip(ours, hand, workload.wrt):
        assert np.shape(g) == np.shape(inputs[i])
        np.testing.assert_allclose(g, h, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("workload", WORKLOADS, ids=lambda w: w.name)
def test_hand_written_gradient_matches_differences(workload):
    inputs = workload.test_inputs(np.random.default_rng(0))
    rng = np.random.default_rng(1)
    direction = [rng.normal(size=np.shape(inputs[i])) for i in workload.wrt]
    expected = _directional_difference(workload.fn, inputs, workload.wrt, direction)
    hand = workload.hand(*inputs)
    got = sum(np.sum(g * d) for g, d in zip(hand, direction))
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6 * max(1.0, abs(workload.fn(*inputs))))

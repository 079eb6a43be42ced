"""benchmarks/rnn_products.py computes what it claims (correctness only; nothing is timed here).

Its hand-lowered gradient (preallocated 3-D stacks, products into buffers) and
its compiled gradient without ``add_product`` must equal s2s's compiled and
uncompiled gradients of the "rnn" workload, and each
product case must return what NumPy returns, so the timings it prints compare
equal work. Skipped without Numba.
"""
import numpy as np
import pytest

import s2s
from benchmarks import rnn_products
from benchmarks.workloads import BY_NAME

pytest.importorskip("numba", reason="Numba is an optional extra (pip install 's2s[numba]')")


def test_preallocated_gradient_equals_s2s():
    from s2s.backend import numba_ufuncs

    workload = BY_NAME["rnn"]
    inputs = workload.test_inputs(np.random.default_rng(0))
    hand = rnn_products.preallocated(numba_ufuncs.STAND_INS["tanh"])(*inputs)
    plain = s2s.grad(workload.fn, wrt=workload.wrt)(*inputs)
    compiled = s2s.grad(workload.fn, wrt=workload.wrt, compile="numba")(*inputs)
    before = rnn_products.without_add_product(workload, inputs)
    assert "add_product" not in s2s.source(before)
    for h, p, c, b in zip(hand, plain, compiled, before(*inputs)):
        np.testing.assert_allclose(h, p, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(c, p, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(b, p, rtol=1e-10, atol=1e-12)


def test_product_cases_agree_with_numpy():
    rng = np.random.default_rng(0)
    A, B = rng.normal(size=(4, 16, 64)), rng.normal(size=(64, 64))
    expected = {"numba C @ C": sum((a @ B)[0, 0] for a in A), "numba C @ F (g @ W.T)": sum((a @ B.T)[0, 0] for a in A),
                "numba F @ C (h.T @ g), 64x16x64": sum((a.T @ a)[0, 0] for a in A),
                "numba np.dot(a, b, out)": sum((a @ B)[0, 0] for a in A)}
    cases = rnn_products.compiled_cases()
    assert sorted(cases) == sorted(expected)
    for name, fn in cases.items():
        assert fn(A, B) == pytest.approx(expected[name], rel=1e-12), name
    assert rnn_products.numpy_products(A, B) == pytest.approx(expected["numba C @ C"], rel=1e-12)


def test_blas_core_is_a_line():
    line = rnn_products.blas_core()
    assert isinstance(line, str) and line and "\n" not in line

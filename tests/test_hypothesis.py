"""Random inputs for the table functions tagged "hypothesis".

Each strategy draws the full argument tuple from ranges where the function
is smooth and well conditioned (finite differences stay accurate).
"""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import s2s

try:
    from . import functions
except ImportError:
    import functions


def _float(lo, hi):
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


def _array(shape, lo=-2.0, hi=2.0):
    return hnp.arrays(np.float64, shape, elements=_float(lo, hi))


STRATEGIES = {
    "scalar_poly": st.tuples(_float(-2.0, 2.0)),
    "scalar_math": st.tuples(_float(0.2, 3.0)),
    "aug_array": st.tuples(_array(4)),
    "arr_ops": st.tuples(_array(4), _array(4, 0.3, 2.0)),
    "for_zip": st.tuples(_array(4), _array(4)),
    "loop_overwrite": st.tuples(_array(3)),
    "comp_gen_sum": st.tuples(_array(4)),
    "sub_reverse": st.tuples(_array(5)),
    "sub_int_array": st.tuples(_array(4)),
    "write_index": st.tuples(_array(4), _float(-2.0, 2.0)),
    "np_exp_log": st.tuples(_array(4, 0.2, 3.0)),
    "np_trig": st.tuples(_array(4, -1.2, 1.2)),
    "helper_default": st.tuples(_array(3)),
    "global_array": st.tuples(_array(4)),
    "horner": st.tuples(_array(4), _float(-1.5, 1.5)),
    "logsumexp": st.tuples(_array(5, -4.0, 4.0)),
}

TAGGED = [case.name for case in functions.cases("hypothesis")]


def test_every_tagged_case_has_a_strategy():
    assert len(TAGGED) >= 12
    assert set(TAGGED) == set(STRATEGIES)


@pytest.mark.parametrize("name", TAGGED)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_hypothesis_grad(name, data):
    case = functions.BY_NAME[name]
    args = data.draw(STRATEGIES[name], label="args")
    s2s.check_grad(case.fn, *args, wrt=case.wrt)


@pytest.mark.parametrize("name", TAGGED)
@settings(max_examples=10, deadline=None)
@given(data=st.data(), seeds=st.integers(1, 5))
def test_hypothesis_batched_seeds(name, data, seeds):
    """k seeds in one batched call give the k unbatched jvps and vjps (random points and seed counts)."""
    case = functions.BY_NAME[name]
    args = data.draw(STRATEGIES[name], label="args")
    wrt = case.wrt if isinstance(case.wrt, tuple) else (case.wrt,)
    rng = np.random.default_rng(0)
    tangents = [rng.standard_normal((seeds,) + np.shape(args[w])) for w in wrt]
    _, batched = s2s.jvp(case.fn, wrt=case.wrt, batch=True)(*args, *tangents)
    one = s2s.jvp(case.fn, wrt=case.wrt)
    want = np.stack([one(*args, *[t[i] if np.ndim(args[w]) else float(t[i]) for t, w in zip(tangents, wrt)])[1]
                     for i in range(seeds)])
    np.testing.assert_allclose(batched, want, rtol=1e-12, atol=1e-12)
    douts = rng.standard_normal((seeds,) + np.shape(case.fn(*args)))
    _, cotangents = s2s.vjp(case.fn, wrt=case.wrt, batch=True)(*args, douts)
    back = s2s.vjp(case.fn, wrt=case.wrt)
    per_seed = [back(*args, d if np.ndim(d) else float(d))[1] for d in douts]
    for j in range(len(wrt)):
        got = cotangents[j] if isinstance(case.wrt, tuple) else cotangents
        want = np.stack([p[j] if isinstance(case.wrt, tuple) else p for p in per_seed])
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)

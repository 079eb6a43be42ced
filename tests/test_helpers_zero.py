"""Runtime helpers given the adjoints the fuzzer (tests/fuzz) showed they receive.

The zero adjoint of a value nothing reads is the float ``0.0`` (``is_zero``): a value a loop
overwrites unread, the parameter of a helper function that its result ignores. Each helper
that gets one gives the zeros of its primal's shape (or keeps ``0.0``), and the adjoint of a
list may be an array. The table cases ``zero_adjoint_*`` in tests/functions.py run the same
through every mode.
"""
import numpy as np
import pytest

import s2s.runtime as R

A, V = np.arange(6.0).reshape(2, 3), np.arange(3.0)

ZEROS = [
    ("matmul_grad1", lambda: R.matmul_grad1(0.0, A, V), A),
    ("matmul_grad2", lambda: R.matmul_grad2(0.0, A, V), V),
    ("dot_grad1", lambda: R.dot_grad1(0.0, A, V), A),
    ("dot_grad2", lambda: R.dot_grad2(0.0, A, V), V),
    ("inner_grad1", lambda: R.inner_grad1(0.0, A, V), A),
    ("inner_grad2", lambda: R.inner_grad2(0.0, A, V), V),
    ("unreduce", lambda: R.unreduce(0.0, A, 1), A),
    ("cumsum_grad", lambda: R.cumsum_grad(0.0, A, 0), A),
    ("unreshape", lambda: R.unreshape(0.0, A), A),
    ("unarray", lambda: R.unarray(0.0, [V, V]), [V, V]),
    ("unstack", lambda: R.unstack(0.0, [V, V]), [V, V]),
    ("unconcatenate", lambda: R.unconcatenate(0.0, [V, A[0]]), [V, A[0]]),
    ("unhstack", lambda: R.unhstack(0.0, (V, A[0])), (V, A[0])),
    ("unvstack", lambda: R.unvstack(0.0, [V, A]), [V, A]),
]


@pytest.mark.parametrize("name, call, like", ZEROS, ids=[z[0] for z in ZEROS])
def test_a_zero_adjoint_gives_zeros_of_the_primal(name, call, like):
    got = call()
    if isinstance(like, (list, tuple)):
        assert type(got) is type(like) and len(got) == len(like)
        for g, x in zip(got, like):
            assert np.shape(g) == np.shape(x) and not np.any(g)
    else:
        assert np.shape(got) == np.shape(like) and not np.any(got)


def test_untranspose_keeps_the_zero_adjoint():
    assert R.is_zero(R.untranspose(0.0))
    assert R.is_zero(R.untranspose(0.0, (1, 0)))


def test_unreshape_reshapes_and_sums_onto_a_zero():
    np.testing.assert_array_equal(R.unreshape(np.arange(6.0), A), A)
    np.testing.assert_array_equal(R.unreshape(np.arange(6.0), A.T, "F"), np.reshape(np.arange(6.0), (3, 2), "F"))
    assert R.unreshape(np.arange(6.0), 0.0) == 15.0


def test_unappended_on_an_array_adjoint_of_a_list():
    got = R.unappended(2.5, np.zeros(3), [1.0, 2.0])
    assert isinstance(got, np.ndarray)
    np.testing.assert_array_equal(got, [0.0, 2.5, 0.0])
    assert R.unappended(2.5, [0.0, 0.0], [1.0, 2.0]) == [0.0, 2.5]
    assert R.unappended(2.5, (0.0, 0.0), [1.0]) == (2.5, 0.0)

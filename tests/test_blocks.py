"""Issue 17: ``with`` blocks, ``else`` on loops, ``enumerate``/``zip`` forms, ``list()``/``tuple()``.

The shared table (tests/functions.py, the block "with blocks, loop else, ...") checks them
in every mode; this file checks the refusals and what the generated code does with
NumPy's error state.
"""
import contextlib
import threading

import numpy as np
import pytest

import s2s

X = np.array([0.3, 0.5, 0.8])


def errstate_raise(x):
    with np.errstate(divide="raise"):
        y = np.log(x)
    return np.sum(y)


def errstate_quiet(x):
    with np.errstate(divide="ignore"):
        y = np.where(x > 0, np.log(np.abs(x)), 0.0)
    return np.sum(y * x)


def test_the_error_state_holds_inside_the_block_and_is_restored():
    before = np.geterr()
    with pytest.raises(FloatingPointError):
        s2s.grad(errstate_raise)(np.array([0.0, 1.0]))
    assert np.geterr() == before
    s2s.check_grad(errstate_raise, X)
    assert np.geterr() == before
    s2s.check_grad(errstate_quiet, X)
    out, _ = s2s.jvp(errstate_quiet)(X, np.ones(3))
    np.testing.assert_allclose(out, errstate_quiet(X))
    assert np.geterr() == before


def suppressed(x):
    with contextlib.suppress(ValueError):  # <- suppress
        x = x * 2.0
    return np.sum(x)


def other_manager(x):
    with threading.Lock():  # <- lock
        y = x * 2.0
    return np.sum(y)


def returns_inside(x):
    with np.errstate(all="ignore"):
        return np.sum(np.log(x))  # <- return-inside


def breaks_inside(x):
    s = 0.0
    for v in x:
        with np.errstate(all="ignore"):
            s = s + np.log(v)
            if s < -1.0:
                break  # <- break-inside
    return s


def named_manager(x):
    with np.errstate(all="ignore") as state:  # <- as
        y = x * 2.0
    return np.sum(y) + len(state.kwargs)


@pytest.mark.parametrize("fn, words", [
    (suppressed, r"contextlib.suppress.*skips the rest of the block"),
    (other_manager, r"this `with` block.*only `with np.errstate"),
    (returns_inside, r"return.*a jump out of a `with np.errstate"),
    (breaks_inside, r"`break  # <- break-inside` a jump out of a `with np.errstate"),
    (named_manager, r"with \.\.\. as name"),
])
def test_with_blocks_that_cannot_be_kept_are_refused(fn, words):
    with pytest.raises(s2s.S2SError, match=r"test_blocks\.py:\d+.*" + words):
        s2s.grad(fn)(X)


def bad_enumerate(x):
    s = 0.0
    for i, v in enumerate(x, begin=1):
        s = s + v
    return s


def strict_zip(x):
    s = 0.0
    for a, b in zip(x, x, strict=True):
        s = s + a * b
    return s


@pytest.mark.parametrize("fn, words", [(bad_enumerate, "this form of enumerate"), (strict_zip, "this form of zip")])
def test_loop_forms_that_are_refused(fn, words):
    with pytest.raises(s2s.S2SError, match=r"test_blocks\.py:\d+.*" + words):
        s2s.grad(fn)(X)


def nested_loop_else(x):
    s = 0.0
    for v in x:
        for w in x:  # the inner break leaves the outer loop's else alone
            if w > v:
                break
            s = s + v * w
    else:
        s = s * 2.0
    return s


def test_an_inner_break_does_not_skip_the_outer_else():
    s2s.check_grad(nested_loop_else, X)
    np.testing.assert_allclose(s2s.value_and_grad(nested_loop_else)(X)[0], nested_loop_else(X))



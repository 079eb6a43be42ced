"""Checkpointed loops: same gradients as storing every iteration.

Every case of the shared table that runs a loop (in its own body, in a
comprehension or in a helper it calls) is differentiated under each schedule
and compared with store-all to 1e-12 relative; the inputs stay unmodified.
"""
import copy
import inspect
import re

import numpy as np
import pytest

import s2s
from s2s.api import Transformed

try:
    from . import functions
    from .test_reverse import assert_tree_close, assert_unchanged
except ImportError:
    import functions
    from test_reverse import assert_tree_close, assert_unchanged

_LOOP = re.compile(r"\bfor\b|\bwhile\b")


def _runs_a_loop(fn, seen=()):
    source = inspect.getsource(fn)
    if _LOOP.search(source.split("\n", 1)[1]):
        return True
    for name in set(re.findall(r"\b(\w+)\(", source)):
        helper = getattr(functions, name, None)
        if inspect.isfunction(helper) and helper is not fn and helper not in seen \
                and helper.__module__ == functions.__name__:
            if _runs_a_loop(helper, seen + (fn,)):
                return True
    return False


LOOP_CASES = [c for c in functions.CASES if "unsupported" not in c.tags and _runs_a_loop(c.fn)]

# option values as the transform receives them; ("online", k) runs for loops online too
SCHEDULES = {
    "binomial-1": 1,
    "binomial-2": 2,
    "binomial-3": 3,
    "binomial-32": 32,
    "online-1": ("online", 1),
    "online-2": ("online", 2),
    "online-3": ("online", 3),
    "online-32": ("online", 32),
    "auto-store-all": ("auto", 2 ** 30),
    "auto-checkpoint": ("auto", 64),
}


def _grad(case, checkpoint, kind="grad"):
    return Transformed(case.fn, case.wrt, kind, {"checkpoint": checkpoint})


def _reverses_a_loop(source):
    """Store-all's adjoint sweep walks a loop backwards."""
    return "reversed(" in source or re.search(r"for _\w* in range\(steps", source) is not None


def test_the_table_has_loop_cases():
    assert len(LOOP_CASES) >= 60
    assert any("while" in c.tags for c in LOOP_CASES)
    assert any("helper" in c.tags for c in LOOP_CASES)


@pytest.mark.parametrize("schedule", list(SCHEDULES))
@pytest.mark.parametrize("case", LOOP_CASES, ids=lambda c: c.name)
def test_same_gradient_under_every_schedule(case, schedule):
    store_all = _grad(case, None)
    want = store_all(*copy.deepcopy(case.args))
    checkpointed = _grad(case, SCHEDULES[schedule])
    args = copy.deepcopy(case.args)
    before = copy.deepcopy(args)
    got = checkpointed(*args)
    assert_unchanged(args, before)
    assert_tree_close(got, want, rtol=1e-12, atol=1e-300)
    if _reverses_a_loop(store_all.source):
        assert ".backward()" in checkpointed.source


@pytest.mark.parametrize("case", LOOP_CASES[::4], ids=lambda c: c.name)
def test_value_and_grad_checkpointed(case):
    want = _grad(case, None, "value_and_grad")(*copy.deepcopy(case.args))
    got = _grad(case, 2, "value_and_grad")(*copy.deepcopy(case.args))
    assert_tree_close(got[1], want[1], rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(got[0], want[0], rtol=1e-12)

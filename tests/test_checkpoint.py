"""Checkpointed loops: same gradients as storing every iteration.

Every case of the shared table that runs a loop (in its own body, in a
comprehension or in a helper it calls) is differentiated under each schedule
and compared with store-all to 1e-12 relative; the inputs stay unmodified.
Then loops marked in the source (``checkpoint_marked.py``), bad input, and
the run-time schedules on their own (order, bound on snapshots, optimality).
"""
import copy
import inspect
import math
import re

import numpy as np
import pytest

import s2s
from s2s.runtime import schedules
from s2s.api.transforms import Transformed

try:
    from . import checkpoint_marked as marked
    from . import functions
    from .test_reverse import assert_tree_close, assert_unchanged
except ImportError:
    import checkpoint_marked as marked
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


# ---------------------------------------------------------------------------
# Loops marked in the source
# ---------------------------------------------------------------------------

_rng = np.random.default_rng(0)

MARKED = [
    (marked.marked_for, (_rng.uniform(-1, 1, 4), 0.9, 9), 0),
    (marked.marked_while, (_rng.uniform(-1, 1, 3),), 0),
    (marked.marked_break_continue, (_rng.uniform(-1, 1, 3),), 0),
    (marked.marked_nested, (_rng.uniform(-1, 1, (3, 4)),), 0),
    (marked.marked_inner_value_used_after, (_rng.uniform(-1, 1, 3),), 0),
    (marked.marked_tuple_state, (_rng.uniform(-1, 1, 3),), 0),
    (marked.marked_in_helper, (_rng.uniform(-1, 1, 3),), 0),
    (marked.marked_writes, (_rng.uniform(-1, 1, 3),), 0),
    (marked.user_names_like_the_schedule, (_rng.uniform(-1, 1, 3), 0.3), 0),
]


@pytest.mark.parametrize("fn, args, wrt", MARKED, ids=[m[0].__name__ for m in MARKED])
def test_marked_loops(fn, args, wrt):
    s2s.check_grad(fn, *copy.deepcopy(args), wrt=wrt)
    g = s2s.grad(fn, wrt=wrt)
    g(*copy.deepcopy(args))
    assert ".backward()" in g.source or "_fwd(" in g.source
    if fn is not marked.marked_in_helper:
        assert ".backward()" in g.source
    # a global option does not override a marker
    got = s2s.grad(fn, wrt=wrt, checkpoint=7)(*copy.deepcopy(args))
    assert_tree_close(got, g(*copy.deepcopy(args)), rtol=1e-12, atol=1e-300)


def test_marker_leaves_plain_behaviour_unchanged():
    things = [range(5), [1.0, 2.0], np.arange(3.0), True]
    for thing in things:
        assert s2s.checkpointed(thing, 4) is thing
        assert s2s.checkpointed(thing) is thing
    x = np.linspace(0.0, 1.0, 4)
    assert marked.marked_for(x, 0.9, 9) == pytest.approx(_unmarked_for(x, 0.9, 9), rel=1e-15)


def _unmarked_for(x, a, n):
    for i in range(n):
        x = np.sin(a * x) + 0.5 * x
    return np.sum(x * x)


def test_marked_equals_store_all():
    args = (np.linspace(-1.0, 1.0, 5), 0.7, 11)
    want = s2s.grad(_unmarked_for)(*args)
    assert_tree_close(s2s.grad(marked.marked_for)(*args), want, rtol=1e-12, atol=1e-300)


def _line_of(key):
    with open(marked.__file__, encoding="utf-8") as source:
        for number, line in enumerate(source, 1):
            if line.rstrip().endswith("# <- " + key):
                return number
    raise AssertionError(key)


@pytest.mark.parametrize("key, message", [
    ("not_a_loop", "outside a loop header"),
    ("zero_snapshots", "snapshot count of 0"),
    ("binomial_while", "needs the loop's trip count"),
    ("binomial_break", "needs the loop's trip count"),
    ("comprehension", "comprehension"),
    ("unknown_schedule", "schedule='revolve'"),
    ("computed_count", "computed in the function"),
])
def test_bad_markers_name_the_line(key, message):
    fn = getattr(marked, key)
    with pytest.raises(s2s.S2SError) as info:
        s2s.grad(fn)(np.array([0.5, 0.25]) if key == "comprehension" else 0.5, *([2] if key == "computed_count" else []))
    text = str(info.value)
    assert "checkpoint_marked.py:{}".format(_line_of(key)) in text
    assert message in text
    assert "Traceback" not in text and info.value.__cause__ is None


@pytest.mark.parametrize("kwargs, message", [
    ({"checkpoint": 0}, "at least 1 snapshot"),
    ({"checkpoint": -3}, "at least 1 snapshot"),
    ({"checkpoint": 2.5}, "number of snapshots"),
    ({"checkpoint": True}, "number of snapshots"),
    ({"checkpoint": "all"}, "number of snapshots"),
    ({"checkpoint": 4, "memory": 10 ** 6}, "memory= is a budget"),
    ({"checkpoint": "auto", "memory": 0}, "positive number of bytes"),
])
def test_bad_checkpoint_option(kwargs, message):
    for transform in (s2s.grad, s2s.value_and_grad):
        with pytest.raises(s2s.S2SError, match=re.escape(message)) as info:
            transform(_unmarked_for, **kwargs)
        assert "test_checkpoint.py:" in str(info.value)


# ---------------------------------------------------------------------------
# The schedules on their own
# ---------------------------------------------------------------------------

def _run(schedule, steps):
    """Drive ``schedule`` over a loop of ``steps`` steps whose state is the step
    number; return (advances in the adjoint sweep, reversed steps in order)."""
    position = 0
    for k in range(steps):
        if schedule.snapshot_due():
            schedule.keep(k)
        position = k + 1
    advances, reversed_steps = 0, []
    for action, step in schedule.backward():
        if action == "restore":
            position = schedule.restored(step)
            assert position == step
        elif action == "snapshot":
            assert position == step
            schedule.keep(position)
        elif action == "advance":
            assert position == step
            position += 1
            advances += 1
        else:
            assert action == "reverse" and position == step
            reversed_steps.append(step)
    assert schedule.kept == {}
    return advances, reversed_steps


def _least_forward_steps(steps, snapshots, memo={}):
    """Fewest forward steps reversing ``steps`` steps from a kept start (exhaustive)."""
    key = (steps, snapshots)
    if key not in memo:
        if steps == 1:
            memo[key] = 0
        elif snapshots == 1:
            memo[key] = steps * (steps - 1) // 2
        else:
            memo[key] = min(m + _least_forward_steps(steps - m, snapshots - 1) + _least_forward_steps(m, snapshots)
                            for m in range(1, steps))
    return memo[key]


@pytest.mark.parametrize("snapshots", [1, 2, 3, 4, 6])
def test_binomial_is_optimal_and_bounded(snapshots):
    for steps in range(0, 70):
        schedule = schedules.binomial(steps, snapshots, "here")
        advances, order = _run(schedule, steps)
        assert order == list(range(steps - 1, -1, -1))
        assert schedule.peak <= snapshots
        if steps:
            first_sweep = schedules.bisect(0, steps, snapshots)[-1]
            assert advances + first_sweep == _least_forward_steps(steps, snapshots)


@pytest.mark.parametrize("steps, snapshots", [(286, 10), (20000, 32), (20000, 8), (1000, 5)])
def test_binomial_meets_the_closed_form(steps, snapshots):
    # Griewank and Walther: t * l - C(s + t, s + 1) forward steps, t = reversal_bound
    schedule = schedules.binomial(steps, snapshots, "here")
    advances, order = _run(schedule, steps)
    t = schedules.reversal_bound(steps, snapshots)
    first_sweep = schedules.bisect(0, steps, snapshots)[-1]
    assert advances + first_sweep == t * steps - math.comb(snapshots + t, snapshots + 1)
    assert schedule.peak <= snapshots


@pytest.mark.parametrize("snapshots", [1, 2, 3, 8, 32])
def test_online_is_bounded(snapshots):
    for steps in list(range(0, 40)) + [257, 1000]:
        schedule = schedules.online(snapshots, "here")
        advances, order = _run(schedule, steps)
        assert order == list(range(steps - 1, -1, -1))
        assert schedule.peak <= snapshots
        if snapshots >= 8 and steps == 1000:
            assert advances < 6 * steps  # each step recomputed a few times, not ~steps / snapshots


def test_bad_snapshot_count_at_run_time_names_the_loop():
    for bad in (0, -1, 1.5, None):
        with pytest.raises(s2s.S2SError, match="f.py:3: .*at least 1"):
            schedules.binomial(10, bad, "f.py:3")
        with pytest.raises(s2s.S2SError, match="f.py:3: .*at least 1"):
            schedules.online(bad, "f.py:3")


def test_auto_measures_the_state():
    state = (np.zeros(1000), 1.0)  # 8,008 bytes, largest value 8,000
    assert schedules.auto(100, state, 100 * 3 * 8000, 3, "here").stores_all
    chosen = schedules.auto(100, state, 100 * 3 * 8000 - 1, 3, "here")
    assert not chosen.stores_all and chosen.kind == "binomial" and chosen.snapshots == (300 * 8000 - 1) // 8008
    assert schedules.auto(None, state, 10 ** 9, 3, "here").kind == "online"
    assert schedules.auto(100, state, 10, 3, "here").snapshots == 1


def test_auto_chooses_by_the_memory_budget(monkeypatch):
    chosen = []
    real = schedules.auto

    def recording(*args, **kwargs):
        schedule = real(*args, **kwargs)
        chosen.append(schedule)
        return schedule

    monkeypatch.setattr(schedules, "auto", recording)
    args = (np.linspace(-1.0, 1.0, 100), 0.9, 50)
    want = s2s.grad(_unmarked_for)(*args)
    # store-all saves 4 values of 800 bytes per step here: 160,000 bytes
    for memory, stores_all in ((160000, True), (159999, False), (10 ** 4, False)):
        got = s2s.grad(_unmarked_for, checkpoint="auto", memory=memory)(*args)
        assert_tree_close(got, want, rtol=1e-12, atol=1e-300)
        assert chosen[-1].stores_all is stores_all
        if not stores_all:
            assert chosen[-1].snapshots == memory // 800 and chosen[-1].peak <= chosen[-1].snapshots


@pytest.mark.parametrize("steps", [0, 1, 2, 5])
@pytest.mark.parametrize("checkpoint", [1, 2, "auto"])
def test_short_loops(steps, checkpoint):
    args = (np.linspace(-1.0, 1.0, 3), 0.8, steps)
    want = s2s.grad(_unmarked_for)(*args)
    got = s2s.grad(_unmarked_for, checkpoint=checkpoint)(*args)
    assert_tree_close(got, want, rtol=1e-12, atol=1e-300)


def _long_sine_loop(x, n):
    for i in range(n):
        x = np.sin(x) * 0.99
    return np.sum(x)


@pytest.mark.parametrize("snapshots", [1200, "auto"])
def test_thousands_of_snapshots_reverse_without_deep_recursion(snapshots):
    """The binomial schedule's reversal is a loop over frames, not nested generators."""
    x = np.array([0.4, -0.3])
    options = {"checkpoint": snapshots} if snapshots != "auto" else {"checkpoint": "auto", "memory": 2 ** 14}
    got = s2s.grad(_long_sine_loop, **options)(x, 2500)
    np.testing.assert_array_equal(got, s2s.grad(_long_sine_loop)(x, 2500))

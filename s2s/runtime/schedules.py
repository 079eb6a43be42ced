"""Checkpointing schedules that generated code drives at run time.

A checkpointed loop is emitted as a forward step and a reverse step; this
module decides when each runs. The primal sweep runs the loop once and asks
``snapshot_due()`` before each step (``keep(state)`` stores the loop state
when it says so). The adjoint sweep then iterates ``backward()``, which yields
``(action, step)`` pairs:

- ``"restore"``: set the loop state to the snapshot taken before ``step``;
- ``"snapshot"``: keep the current state as the one before ``step``;
- ``"advance"``: run step ``step`` forward, saving nothing;
- ``"reverse"``: run step ``step`` forward saving what its adjoint needs, then
  its adjoint.

Schedules:

- ``binomial(steps, snapshots)``: the trip count is known on entry; snapshots
  are placed by binomial bisection (Griewank and Walther's Revolve), so with
  ``s`` snapshots no step runs forward more than ``t + 1`` times, ``t`` the
  smallest number with C(s + t, s) >= steps.
- ``online(snapshots)``: the trip count is unknown (``while`` loops). The
  primal sweep keeps a snapshot every ``d`` steps in at most half the slots,
  doubling ``d`` (and dropping every other snapshot) when they fill up; the
  adjoint sweep reverses each interval between kept snapshots binomially with
  the free slots. At most ``snapshots`` states are held at any time.
- ``auto(steps, state, memory, ...)``: measures the state and picks between
  storing every iteration and ``binomial``/``online`` (see ``auto``).

This module is runtime support: it imports nothing from s2s but the runtime.
"""
import math

import numpy as np

from s2s.runtime import S2SError


def checkpointed(loop, snapshots=32, schedule=None):
    """Mark a loop for checkpointing: ``for i in s2s.checkpointed(range(n), 32):``.

    Also ``while s2s.checkpointed(err > tol, 16):``. Run plainly it returns
    ``loop`` unchanged; s2s reads the marker when it differentiates the
    function. ``snapshots`` (an int constant) bounds the loop states kept at
    once; ``schedule`` forces ``"binomial"`` (needs the trip count on entry:
    ``for`` loops without ``break``) or ``"online"``; by default binomial
    where the trip count is known, online otherwise.
    """
    return loop


def _check_snapshots(snapshots, where):
    if isinstance(snapshots, bool) or not isinstance(snapshots, (int, np.integer)) or snapshots < 1:
        raise S2SError("{}: checkpointing needs a snapshot count of at least 1, not {!r}.".format(where, snapshots))
    return int(snapshots)


def reversal_bound(steps, snapshots):
    """The smallest ``t`` with C(snapshots + t, snapshots) >= steps."""
    t = 0
    while _beta(snapshots, t) < steps:
        t += 1
    return t


def _beta(s, t):
    """C(s + t, s): the most steps ``s`` snapshots reverse with ``t`` forward sweeps."""
    return math.comb(s + t, s) if t >= 0 else 0


def _split(steps, slots):
    """Steps to advance before the next snapshot when ``steps`` steps are
    reversed with ``slots`` snapshots (one of them holds the start).

    With ``t = reversal_bound(steps, slots)``, the least total of forward
    steps is reached when the part after the split (one slot less) needs ``t``
    sweeps and the part before it (already swept once more) ``t - 1``: both
    sit in their tier, C(s-1 + t-1, s-1) < after <= C(s-1 + t, s-1) and
    C(s + t-2, s) < before <= C(s + t-1, s).
    """
    t = reversal_bound(steps, slots)
    before = max(steps - _beta(slots - 1, t), _beta(slots, t - 2) + 1, 1)
    return min(before, steps - 1)


def bisect(start, end, slots):
    """The snapshots the first forward sweep over ``[start, end)`` takes."""
    out = [start]
    while slots > 1 and end - start > 1:
        start += _split(end - start, slots)
        slots -= 1
        out.append(start)
    return out


class Schedule:
    """Snapshots of one loop run and the actions that reverse it."""

    kind = "store-all"
    stores_all = False

    def __init__(self, snapshots, where):
        self.snapshots = snapshots
        self.where = where
        self.steps = 0  # steps counted by the primal sweep
        self.kept = {}  # step -> loop state before that step
        self.peak = 0  # the most snapshots held at once (for tests and benchmarks)
        self._at = 0

    def snapshot_due(self):
        """Called before each primal step: True when its state is to be kept."""
        step = self._at = self.steps
        self.steps += 1
        return self._due(step)

    def keep(self, state):
        """Keep the loop state before the current step."""
        self.kept[self._at] = state
        self.peak = max(self.peak, len(self.kept))

    def restored(self, step):
        """The state kept before ``step``."""
        return self.kept[step]

    def _reverse(self, start, end, free):
        """Actions reversing steps [start, end); the state before ``start`` is
        kept; ``free`` more snapshots may be taken.

        Reverse the part after a new snapshot at ``mid`` (one snapshot less), drop
        the snapshot, then go on with the part before it: recursion written with a
        stack of frames ``[start, end, free, mid]``, since thousands of snapshots
        would nest as deep as Python allows."""
        frames = [[start, end, free, None]]
        while frames:
            frame = frames[-1]
            start, end, free, mid = frame
            if mid is not None:  # the part after mid is reversed
                del self.kept[mid]
                end = frame[1] = mid
                frame[3] = None
            if end <= start:
                frames.pop()
                continue
            if end - start == 1 or free == 0:
                for k in range(end - 1, start - 1, -1):
                    yield from self._restore_and_advance(start, k)
                    self._at = k
                    yield "reverse", k
                frames.pop()
                continue
            mid = start + _split(end - start, free + 1)
            if mid not in self.kept:
                yield from self._restore_and_advance(start, mid)
                self._at = mid
                yield "snapshot", mid
            frame[3] = mid
            frames.append([mid, end, free - 1, None])

    def _restore_and_advance(self, start, stop):
        yield "restore", start
        for k in range(start, stop):
            yield "advance", k


class Binomial(Schedule):
    kind = "binomial"

    def __init__(self, steps, snapshots, where):
        super().__init__(snapshots, where)
        self.expected = steps
        self._first = set(bisect(0, steps, snapshots))

    def _due(self, step):
        return step in self._first

    def backward(self):
        if self.steps != self.expected:  # the loop changed its own range
            raise S2SError("{}: the loop ran {} steps but its range had {} on entry.".format(
                self.where, self.steps, self.expected))
        if self.steps:
            yield from self._reverse(0, self.steps, self.snapshots - 1)
            del self.kept[0]


class Online(Schedule):
    kind = "online"

    def __init__(self, snapshots, where):
        super().__init__(snapshots, where)
        self.budget = max(1, snapshots // 2)  # slots the primal sweep may fill
        self.every = 1

    def _due(self, step):
        if step % self.every:
            return False
        if len(self.kept) >= self.budget:
            self.every *= 2
            for k in [k for k in self.kept if k % self.every]:
                del self.kept[k]
        return step % self.every == 0

    def backward(self):
        starts = sorted(self.kept)
        end = self.steps
        for start in reversed(starts):
            yield from self._reverse(start, end, self.snapshots - len(self.kept))
            del self.kept[start]
            end = start


def binomial(steps, snapshots, where):
    """The schedule of a loop of ``steps`` iterations with ``snapshots`` snapshots."""
    return Binomial(steps, _check_snapshots(snapshots, where), where)


def online(snapshots, where):
    """The schedule of a loop whose trip count is unknown on entry."""
    return Online(_check_snapshots(snapshots, where), where)


class StoreAll(Schedule):
    """``auto``'s choice when every iteration's saved values fit in memory."""

    stores_all = True

    def _due(self, step):
        return False

    def backward(self):
        return iter(())


def nbytes(value):
    """Bytes a value holds: arrays by ``nbytes``, containers summed, 8 otherwise."""
    if isinstance(value, np.ndarray):
        return value.nbytes
    if isinstance(value, (tuple, list)):
        return sum(nbytes(v) for v in value)
    return 8


def auto(steps, state, memory, saved_per_step, where):
    """Store every iteration when that fits in ``memory`` bytes, else checkpoint.

    Measures, on entry to the loop, ``S``: the bytes of the loop state (what a
    snapshot holds) and ``V``: the bytes of its largest value. Storing every
    iteration is estimated at ``steps * saved_per_step * V`` (the values the
    loop body saves per iteration, each taken as large as the largest state
    value); with an unknown trip count (``steps`` None) it is never chosen.
    Otherwise the schedule keeps ``memory // S`` snapshots (at least 1):
    binomial when the trip count is known, online when not.
    """
    size = nbytes(state)
    largest = max([nbytes(v) for v in state] or [8])
    if steps is not None and steps * saved_per_step * largest <= memory:
        return StoreAll(0, where)
    snapshots = max(1, int(memory // max(size, 1)))
    if steps is None:
        return Online(snapshots, where)
    return Binomial(steps, snapshots, where)

"""Functions whose loops carry ``s2s.checkpointed`` markers, for test_checkpoint.py.

Lines that must be named in an error end with ``# <- key``.
"""
import numpy as np

import s2s

SNAPSHOTS = 3


def marked_for(x, a, n):
    for i in s2s.checkpointed(range(n), 2):
        x = np.sin(a * x) + 0.5 * x
    return np.sum(x * x)


def marked_while(x):
    k = 0
    while s2s.checkpointed(k < 7, SNAPSHOTS):
        x = np.cos(x) * 1.1
        k = k + 1
    return np.sum(x)


def marked_break_continue(x):
    s = 0.0
    for i in s2s.checkpointed(range(12), snapshots=2):
        x = x * 1.05
        if i % 3 == 1:
            continue
        s = s + np.sum(np.sin(x))
        if i > 8:
            break
    return s


def marked_nested(m):
    total = 0.0
    for i in s2s.checkpointed(range(m.shape[0]), 2):
        row = m[i]
        for j in s2s.checkpointed(range(m.shape[1]), 1, "online"):
            row = np.tanh(row * m[i, j])
            total = total + np.sum(row)
    return total


def marked_inner_value_used_after(x):
    # b is not read first in the inner loop, but the outer body reads it after
    total = 0.0
    for k in range(3):
        for j in s2s.checkpointed(range(4), 2):
            b = np.sin(x * (j + 1.0))
            x = x + 0.1 * b
        total = total + np.sum(b * b)
    return total


def marked_tuple_state(x):
    state = (x, 0.5, np.ones(2))
    for i in s2s.checkpointed(range(5), 2):
        p, s, q = state
        state = (np.sin(p) * s, s * 1.1 + np.sum(p), q * np.sum(p))
    p, s, q = state
    return np.sum(p) + s + np.sum(q)


def _marked_helper(x, steps):
    for i in s2s.checkpointed(range(steps), 2):
        x = x * np.cos(x)
    return x


def marked_in_helper(x):
    for k in range(3):
        x = _marked_helper(x, 4) + 0.1
    return np.sum(x)


def marked_writes(x):
    y = np.zeros(6)
    ys = []
    for i in s2s.checkpointed(range(6), 2):
        y[i] = x[i % 3] * (i + 1.0)
        ys.append(y[i] * x[0])
    return np.sum(y * y) + sum(ys)


# -- bad input ----------------------------------------------------------------

def not_a_loop(x):
    y = s2s.checkpointed(x, 3)  # <- not_a_loop
    return y


def zero_snapshots(x):
    for i in s2s.checkpointed(range(3), 0):  # <- zero_snapshots
        x = x * 2.0
    return x


def binomial_while(x):
    while s2s.checkpointed(x < 5.0, 4, schedule="binomial"):  # <- binomial_while
        x = x * 2.0
    return x


def binomial_break(x):
    for i in s2s.checkpointed(range(9), 4, schedule="binomial"):  # <- binomial_break
        x = x * 2.0
        if x > 5.0:
            break
    return x


def comprehension(x):
    return sum([v * v for v in s2s.checkpointed(x, 2)])  # <- comprehension


def unknown_schedule(x):
    for i in s2s.checkpointed(range(3), 2, schedule="revolve"):  # <- unknown_schedule
        x = x * 2.0
    return x


def computed_count(x, k):
    for i in s2s.checkpointed(range(3), k):  # <- computed_count
        x = x * 2.0
    return x


def user_names_like_the_schedule(x, step):
    # the generated schedule loop must not take the user's names
    action = 0.5
    for i in s2s.checkpointed(range(6), 2):
        x = x - step * np.sin(x) * action
    return np.sum(x * x)

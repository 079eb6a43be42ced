"""Tangents for many seeds at once (``s2s.jvp(f, batch=True)``).

Each ``<p>_dot`` has a leading axis of seeds and so has the result; ``batch``
is the number of seeds. (A tangent that is the Python ``0.0``, the zero of
every seed, reaches a template as zeros shaped like its operand; the
helpers of reverse-mode code also take ``batch``, to shape the zeros their
unbatched versions make.) Elementwise tangents need nothing
here: the engine lifts their operands to the result's rank. A primitive
without a template here runs seed by seed in a loop of the generated code;
these are the ones that loop would slow down most: reductions, reshapes,
transposes, rolls, matrix products, and the runtime helpers of reverse-mode
code (for Hessians, forward over reverse). The ``seed_*`` helpers fall back
to seed by seed themselves for the cases a single call cannot do.
"""
import operator

import numpy as np

from s2s.rules import batched
from s2s.runtime.batching import (batched_mean, batched_reshape, batched_sum, batched_swapaxes, seed_add_at, seed_dot_left,
                          seed_dot_right, seed_finalize, seed_matmul_left, seed_matmul_right, seed_roll,
                          seed_transpose, seed_unbroadcast, seed_unreduce)
from s2s.runtime import add_at, finalize, flatten, unbroadcast, unreduce

LINALG_MATMUL = tuple(f for f in [getattr(np.linalg, "matmul", None)] if f is not None)


@batched(np.sum)
def sum_(a, axis=None, dtype=None, keepdims=False, initial=0, where=True, *, ans, a_dot, batch):
    return batched_sum(a_dot, axis, dtype, keepdims=keepdims, where=where)


@batched(np.mean)
def mean(a, axis=None, dtype=None, keepdims=False, where=True, *, ans, a_dot, batch):
    return batched_mean(a_dot, axis, dtype, keepdims=keepdims, where=where)


@batched(np.reshape, wrt="a")
def reshape(a, shape, order="C", *, ans, a_dot, batch):
    return batched_reshape(a_dot, np.shape(ans), order)


@batched(np.ravel, flatten)
def ravel(a, order="C", *, ans, a_dot, batch):
    return batched_reshape(a_dot, np.shape(ans), order)


@batched(np.expand_dims, np.squeeze, wrt="a")
def squeeze(a, axis=None, *, ans, a_dot, batch):
    return batched_reshape(a_dot, np.shape(ans))


@batched(np.atleast_1d, np.atleast_2d, np.atleast_3d)
def atleast_1d(arys, *, ans, arys_dot, batch):
    return batched_reshape(arys_dot, np.shape(ans))


@batched(np.transpose)
def transpose(a, axes=None, *, ans, a_dot, batch):
    return seed_transpose(a_dot, axes)


@batched(np.swapaxes, wrt="a")
def swapaxes(a, axis1, axis2, *, ans, a_dot, batch):
    return batched_swapaxes(a_dot, axis1, axis2)


@batched(np.roll, wrt="a")
def roll(a, shift, axis=None, *, ans, a_dot, batch):
    return seed_roll(a_dot, shift, axis)


@batched(operator.matmul, np.matmul, *LINALG_MATMUL)
def matmul(x1, x2, *, ans, x1_dot, x2_dot, batch):
    return seed_matmul_left(x1_dot, x2) + seed_matmul_right(x1, x2_dot)


@batched(np.dot)
def dot(a, b, *, ans, a_dot, b_dot, batch):
    return seed_dot_left(a_dot, b) + seed_dot_right(a, b_dot)


# The helpers of reverse-mode code: each is linear in its first argument.
@batched(unbroadcast, wrt="g")
def unbroadcast_(g, x, *, ans, g_dot, batch):
    return seed_unbroadcast(g_dot, x, batch)


@batched(unreduce, wrt="g")
def unreduce_(g, x, axis=None, keepdims=False, *, ans, g_dot, batch):
    return seed_unreduce(g_dot, x, axis, keepdims, batch)


@batched(finalize, wrt="g")
def finalize_(g, x, *, ans, g_dot, batch):
    return seed_finalize(g_dot, x, batch)


@batched(add_at, wrt=("x_bar", "v"))
def add_at_(x_bar, x, idx, v, *, ans, x_bar_dot, v_dot, batch):
    return seed_add_at(x_bar_dot, x, idx, v_dot, batch)

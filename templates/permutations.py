"""np.partition and np.rollaxis: primitives that permute elements or axes, and the rules of the
runtime helpers they call (so their derivatives differentiate again).

np.partition is treated as the permutation np.argpartition gives (checked against np.partition
at run time): each element's adjoint goes back to where the partition took it from, as np.sort's
does; equal values may trade places, and each then gets the adjoint of one copy.
np.rollaxis is a transpose by ``rollaxis_axes``; its adjoint transposes back.
"""
import numpy as np

from s2s.rules import adjoint, linear, tangent
from s2s.runtime import partition_grad, partition_jvp, partition_order, rollaxis_axes

NONDIFFERENTIABLE = (partition_order, rollaxis_axes)


@adjoint(np.partition, wrt="a")
def partition(a, kth, axis=-1, kind="introselect", order=None, *, ans, ans_bar):
    return partition_grad(ans_bar, a, kth, axis)


@tangent(np.partition, wrt="a")
def partition_tangent(a, kth, axis=-1, kind="introselect", order=None, *, ans, a_dot):
    return partition_jvp(a_dot, a, kth, axis)


@linear(np.rollaxis, wrt="a")
def rollaxis(a, axis, start=0, *, ans, ans_bar):
    return np.transpose(ans_bar, np.argsort(rollaxis_axes(np.ndim(a), axis, start)))


# ----------------------------------------------------------- the helpers: linear in g (t), reading a for its order
@linear(partition_grad, wrt="g")
def partition_grad_(g, a, kth, axis=-1, *, ans, ans_bar):
    return partition_jvp(ans_bar, a, kth, axis)


@linear(partition_jvp, wrt="t")
def partition_jvp_(t, a, kth, axis=-1, *, ans, ans_bar):
    return partition_grad(ans_bar, a, kth, axis)

"""Run-time support of the batched forward mode (``s2s.jvp(f, batch=True)``).

Every tangent carries a leading axis of seeds: shape ``(batch,) + value's
shape``, or the Python ``0.0``, the zero of every seed (as unbatched code
holds zeros). The ``batch_*`` helpers are the plumbing s2s/forward/sweep.py emits
(seed counts, zeros, indexing, lifting, stacking per-seed results); the
``seed_*`` helpers are the batched tangents of the templates in
templates/batched.py. Like s2s.runtime, generated code calls them and
standalone files copy them, so this module imports nothing from s2s but the
runtime.
"""
import numpy as np

from s2s.runtime import (ArgumentError, add_into, complex_fit, real_part, is_basic_index, is_zero, rebuilt, add_at, cotangent, dot_grad1,
                         dot_grad2, finalize, float_dtype, matmul_grad1, matmul_grad2, read_at, unbroadcast, zero_at)
from s2s.runtime import entries, getfield, is_differentiable_leaf, is_named, rebuilt_like


def batch_size(t):
    """The number of seeds of a batched tangent (the first array found in a container)."""
    if isinstance(t, (list, tuple, dict)):
        for e in (t.values() if isinstance(t, dict) else t):
            k = batch_size(e)
            if k is not None:
                return k
        return None
    return np.shape(t)[0] if np.ndim(t) else None


def batch_zeros(x, k):
    """Zero tangents of ``x`` for ``k`` seeds: shape (k,) + x's shape (containers elementwise)."""
    if isinstance(x, (list, tuple)):
        return rebuilt(x, [batch_zeros(e, k) for e in x])
    if is_named(x):
        return {}  # a dict or record: missing entries are zero
    if isinstance(x, (str, bytes)) or x is None:
        return 0.0  # a dict's key read in a loop (`for name, v in d.items()`), or None: the zero of every seed
    return np.zeros((k,) + np.shape(x), dtype=float_dtype(x))


def lift(t, like):
    """Batched tangent ``t`` with axes inserted after the seed axis up to ``like``'s rank, so that it
    broadcasts against values shaped like ``like`` as the unbatched tangent would (a list or tuple of
    tangents, or ``like`` that is one, stays as it is)."""
    if isinstance(t, (list, tuple, dict)) or isinstance(like, (list, tuple)) or is_named(like):
        return t
    return _lifted(t, np.ndim(like))


def _lifted(t, ndim):
    missing = ndim + 1 - np.ndim(t)
    if missing <= 0:
        return t
    t = np.asarray(t)
    return t.reshape(t.shape[:1] + (1,) * missing + t.shape[1:])


def batch_at(t, index, like=None, k=None):
    """``t[index]`` for the primal index ``index``: an element of a container, or every seed of an array.
    A dict's missing entry is zero: 0.0, or zeros for ``k`` seeds shaped like ``like`` (the entry)."""
    if isinstance(t, (list, tuple)):
        return t[index]
    if isinstance(t, dict) or is_zero(t) and like is not None:
        if isinstance(t, dict) and index in t:
            return t[index]
        return 0.0 if like is None else batch_zeros(like, k)
    return t[batch_index(index)]


def batch_index(index):
    """The index of a batched tangent for the primal index ``index``: every seed, then ``index``."""
    if isinstance(index, tuple):
        return (slice(None),) + index
    return slice(None), index


def batch_write(t, index, v):
    """``t[index] = v`` for the primal index ``index``: into a container, or into every seed of an array
    (``v``'s seeds broadcast as the primal value broadcasts into the slot)."""
    if isinstance(t, (list, dict)):
        t[index] = v
        return
    index = batch_index(index)
    t[index] = _lifted(v, np.ndim(t[index]) - 1)


def seed_of(t, i):
    """The tangent along seed ``i`` of a batched tangent (containers elementwise)."""
    if isinstance(t, (list, tuple)):
        return rebuilt(t, [seed_of(e, i) for e in t])
    if isinstance(t, dict):
        return {k: seed_of(e, i) for k, e in t.items()}
    if is_zero(t):  # the zero of every seed (a Python 0.0, as unbatched)
        return t
    return t[i]


def batch_stack(seeds):
    """One batched tangent from the list of per-seed tangents (containers elementwise)."""
    first = seeds[0]
    if all(is_zero(s) for s in seeds):
        return 0.0
    if isinstance(first, (list, tuple)):
        return rebuilt(first, [batch_stack([s[i] for s in seeds]) for i in range(len(first))])
    if any(isinstance(s, dict) for s in seeds):
        keys = [k for s in seeds if isinstance(s, dict) for k in s]
        return {k: batch_stack([s.get(k, 0.0) if isinstance(s, dict) else 0.0 for s in seeds])
                for k in dict.fromkeys(keys)}
    return np.stack([np.asarray(s) for s in seeds])


def batch_result(t, ans, k):
    """The batched tangent ``t`` of the result ``ans`` as the caller gets it: a zero kept as the Python
    0.0 inside the generated code becomes zeros of shape (k,) + ans's shape."""
    if isinstance(ans, (list, tuple)) and isinstance(t, (list, tuple)):
        return rebuilt(t, [batch_result(e, a, k) for e, a in zip(t, ans)])
    if is_zero(t):
        return np.zeros((k,) + np.shape(ans), dtype=float_dtype(ans))
    return t


def batch_broadcast(t, like):
    """Batched tangent ``t`` broadcast to (seeds,) + like's shape (a fresh array)."""
    t = lift(t, like)
    return np.array(np.broadcast_to(t, np.shape(t)[:1] + np.shape(like)))


# Batched tangents of the templates in templates/batched.py: ``t`` has a leading axis of seeds
# (or is the Python 0.0, zero for every seed, returned as it is: each of these is linear in ``t``).
def _each_seed(fn, t, *args):
    """``fn(t_i, *args)`` for each seed ``i``, stacked: the batched tangent of a rule without a batched form."""
    return batch_stack([fn(seed_of(t, i), *args) for i in range(batch_size(t))])


def seed_transpose(t, axes=None):
    """``np.transpose(t_i, axes)`` for every seed."""
    if is_zero(t):
        return t
    if isinstance(t, (list, tuple)):
        return _each_seed(lambda s: np.transpose(s, axes), t)
    t = np.asarray(t)
    ndim = t.ndim - 1
    order = range(ndim - 1, -1, -1) if axes is None else (a % ndim for a in axes)
    return np.transpose(t, (0,) + tuple(a + 1 for a in order))


def seed_roll(t, shift, axis=None):
    """``np.roll(t_i, shift, axis)`` for every seed (``axis=None`` rolls each seed's flattened values)."""
    if is_zero(t):
        return t
    if isinstance(t, (list, tuple)):
        return _each_seed(lambda s: np.roll(s, shift, axis), t)
    t = np.asarray(t)
    if axis is None:
        return np.reshape(np.roll(np.reshape(t, (t.shape[0], -1)), shift, axis=1), t.shape)
    return np.roll(t, shift, axis=_shifted(axis, t))


def seeded(t, x, k):
    """The batched tangent ``t`` of ``x`` with its full shape (k,) + x's shape: zeros where it is the
    Python 0.0 (unless ``x`` is the Python 0.0 too: a zero adjoint, whose helpers make their own
    zeros), and broadcast where it was lifted from a value that ``x`` broadcasts (a reduction or a
    reshape of it must see every element)."""
    if is_zero(t):
        return t if is_zero(x) else batch_zeros(x, k)
    if isinstance(t, np.ndarray) and not isinstance(x, (list, tuple)) and t.shape != (k,) + np.shape(x):
        return np.broadcast_to(t, (k,) + np.shape(x))
    return t


def _zeros_of(x, k):
    """What an unbatched helper makes of the zero adjoint 0.0 for ``x`` (zeros of its shape), for k seeds."""
    return np.broadcast_to(np.zeros((), dtype=float_dtype(x)), (k,) + np.shape(x))


def seed_unbroadcast(t, x, k=None):
    """``unbroadcast(t_i, x)`` for every seed: each seed summed back to the shape of ``x``."""
    if is_zero(t):
        return t if k is None or not np.shape(x) else _zeros_of(x, k)
    if isinstance(t, (list, tuple)):
        return _each_seed(unbroadcast, t, x)
    t = np.asarray(t)
    k, shape, inner = t.shape[0], np.shape(x), t.shape[1:]
    if inner == shape:
        return t
    extra = len(inner) - len(shape)
    if extra > 0:
        t = np.sum(t, axis=tuple(range(1, 1 + extra)))
    elif extra < 0:
        t = np.reshape(t, (k,) + (1,) * -extra + inner)
    axes = tuple(1 + i for i, (n, m) in enumerate(zip(shape, t.shape[1:])) if n == 1 and m != 1)
    if axes:
        t = np.sum(t, axis=axes, keepdims=True)
    if t.shape[1:] != shape:
        t = np.broadcast_to(t, (k,) + shape)
    return t


def seed_finalize(t, x, k=None):
    """``finalize(t_i, x)`` for every seed: the tangent of a gradient, shaped and typed like ``x``
    (a zero ``t`` stays the Python 0.0 unless the number of seeds ``k`` is given)."""
    if is_named(x):  # a dict or record: the batched leaves in its structure, None where it has no gradient
        t = {} if is_zero(t) else t
        return rebuilt_like(x, {name: seed_finalize(getfield(t, name), v, k) if _has_gradient(v) else None
                                for name, v in entries(x)})
    if is_zero(t):
        return t if k is None else batch_zeros(finalize(0.0, x), k)
    if isinstance(x, (list, tuple)):
        if isinstance(t, dict):  # a named tuple read by field names
            t = [t.get(name, 0.0) for name in x._fields]
        return rebuilt(x, [seed_finalize(ti, xi, k) if _has_gradient(xi) or isinstance(xi, (int, np.ndarray, np.generic))
                           else None for ti, xi in zip(_items(t, len(x)), x)])
    if not isinstance(x, np.ndarray):  # a number: a float per seed (never the zero shortcut of batch_stack)
        return np.stack([np.asarray(finalize(seed_of(t, i), x)) for i in range(batch_size(t))])
    t = _lifted(np.asarray(t if np.iscomplexobj(x) else real_part(t), dtype=float_dtype(x)), x.ndim)
    if t.shape[1:] != x.shape:
        t = np.broadcast_to(t, t.shape[:1] + x.shape).copy()
    return t


def _has_gradient(x):
    """Whether ``finalize`` gives ``x`` a gradient (not None): a float leaf, or a container."""
    return isinstance(x, (list, tuple)) or is_named(x) or is_differentiable_leaf(x)


def _items(t, n):
    """The ``n`` items of a container of batched values (the zero of every seed for each, for a zero)."""
    return [0.0] * n if is_zero(t) else t


def seed_add_at(t, x, idx, v, k=None):
    """``add_at(t_i, x, idx, v_i)`` for every seed, in place into ``t`` when it is an array of seeds."""
    k = k if k is not None else batch_size(v)
    if isinstance(x, dict) or isinstance(t, dict):  # a dict's entries hold batched tangents as they are
        return add_at(t, x, idx, v)
    if isinstance(t, (list, tuple)) or isinstance(x, (list, tuple)):
        if is_zero(t):  # zeros shaped like each element, for every seed (helpers read their shapes)
            t = batch_zeros(x, k)
        if isinstance(t, list) and isinstance(x, list) and len(t) < len(x):
            t.extend(batch_zeros(e, k) for e in x[len(t):])  # the list grew back: zeros for every seed
        return add_at(t, x, idx, v)  # containers of batched tangents: add_at adds them as they are
    if is_zero(t):
        t = np.zeros((k,) + np.shape(x), dtype=np.result_type(float_dtype(x), np.result_type(v)))
    if is_zero(v):
        return t
    index = batch_index(idx)  # as basic an index as idx
    t, v = complex_fit(t, x, v)
    return add_into(t, index, _lifted(np.asarray(v), np.ndim(t[index]) - 1))


def seed_matmul_left(t, b):
    """``t_i @ b`` for every seed (the tangent of the left operand of a matrix product)."""
    return _product_left(np.matmul, t, b)


def seed_matmul_right(a, t):
    """``a @ t_i`` for every seed (the tangent of the right operand of a matrix product)."""
    return _product_right(np.matmul, a, t)


def seed_dot_left(t, b):
    """``np.dot(t_i, b)`` for every seed."""
    if np.ndim(b) == 0 and not is_zero(t):
        return np.asarray(t) * b
    return _product_left(np.dot, t, b)


def seed_dot_right(a, t):
    """``np.dot(a, t_i)`` for every seed."""
    if np.ndim(a) == 0 and not is_zero(t):
        return np.asarray(t) * a
    return _product_right(np.dot, a, t)


# np.dot and np.matmul agree on operands of one or two axes, where one call does every seed.
def _product_left(product, t, b):
    if is_zero(t):
        return t
    t = np.asarray(t)
    if np.ndim(b) <= 2 and t.ndim >= 2:
        return t @ b
    return _each_seed(product, t, b)


def _product_right(product, a, t):
    if is_zero(t):
        return t
    t = np.asarray(t)
    if 1 <= np.ndim(a) <= 2 and t.ndim == 2:  # a vector per seed: (a @ t_i) == (t @ a.T)_i
        return t @ np.swapaxes(a, -1, -2) if np.ndim(a) == 2 else t @ a
    if 1 <= np.ndim(a) <= 2 and t.ndim == 3:
        return np.matmul(a, t)
    return batch_stack([product(a, t[i]) for i in range(t.shape[0])])



def seed_unreduce(t, x, axis=None, keepdims=False, k=None):
    """``unreduce(t_i, x, axis, keepdims)`` for every seed: each broadcast back to the shape of ``x``."""
    if is_zero(t):
        return t if k is None else _zeros_of(x, k)
    t = np.asarray(t)
    shape = np.shape(x)
    if axis is not None and not keepdims:
        for a in sorted(a % len(shape) for a in (axis if isinstance(axis, tuple) else (axis,))):
            t = np.expand_dims(t, a + 1)
    return np.broadcast_to(_lifted(t, len(shape)), t.shape[:1] + shape)


# The helpers of batched adjoint sweeps (``s2s.vjp(f, batch=True)``, s2s/reverse/batch.py).
def seed_cotangent(value, dout, where="", of=""):
    """Check that every seed of the batched cotangent ``dout`` matches the result ``value``; return it."""
    if isinstance(value, (list, tuple)):
        if not isinstance(dout, (list, tuple)) or len(dout) != len(value):
            cotangent(value, dout, where, of)  # raises the message of the unbatched check
        return rebuilt(value, [seed_cotangent(a, d, where, of) for a, d in zip(value, dout)])
    if is_named(value):
        raise ArgumentError("{}: {} returned a {}: s2s.vjp(..., batch=True) of a dict or record result is not "
                            "supported yet: call s2s.vjp without batch=True once per cotangent".format(
                                where, of, type(value).__name__))
    if isinstance(dout, (list, tuple)) or np.ndim(dout) == 0:
        given = "a {} of {}".format(type(dout).__name__, len(dout)) if isinstance(dout, (list, tuple)) else (
            "shape {}".format(np.shape(dout)))
        raise ArgumentError("{}: {} returned a value of shape {}, so the batched dout must have shape (k,) + {} "
                            "(an array: np.stack the k cotangents), not {}".format(
                                where, of, np.shape(value), np.shape(value), given))
    cotangent(value, np.asarray(dout)[0], where, of)
    return dout


def seed_zero_at(t, idx):
    """``zero_at(t_i, idx)`` for every seed (in place)."""
    if is_zero(t) or isinstance(t, (list, dict)):
        return zero_at(t, idx)
    t[batch_index(idx)] = 0
    return t


def seed_read_at(t, idx):
    """``read_at(t_i, idx)`` for every seed."""
    if is_zero(t) or isinstance(t, (list, tuple, dict)):
        return read_at(t, idx)
    if is_basic_index(idx):
        g = t[batch_index(idx)]
        return g.copy() if isinstance(g, np.ndarray) else g
    return _each_seed(read_at, t, idx)


def seed_product_grad1(t, a, b):
    """``matmul_grad1(t_i, a, b)`` (= ``dot_grad1`` for matrices) for every seed: ``t_i @ b.T``."""
    if is_zero(t):
        return t
    if np.ndim(a) == 2 and np.ndim(b) == 2:
        return np.asarray(t) @ np.swapaxes(b, -1, -2)
    return _each_seed(matmul_grad1, t, a, b)


def seed_product_grad2(t, a, b):
    """``matmul_grad2(t_i, a, b)`` (= ``dot_grad2`` for matrices) for every seed: ``a.T @ t_i``."""
    if is_zero(t):
        return t
    if np.ndim(a) == 2 and np.ndim(b) == 2:
        return np.matmul(np.swapaxes(a, -1, -2), t)
    return _each_seed(matmul_grad2, t, a, b)


def seed_dot_grad1(t, a, b):
    """``dot_grad1(t_i, a, b)`` for every seed."""
    if is_zero(t) or (np.ndim(a) == 2 and np.ndim(b) == 2):
        return seed_product_grad1(t, a, b)
    return _each_seed(dot_grad1, t, a, b)


def seed_dot_grad2(t, a, b):
    """``dot_grad2(t_i, a, b)`` for every seed."""
    if is_zero(t) or (np.ndim(a) == 2 and np.ndim(b) == 2):
        return seed_product_grad2(t, a, b)
    return _each_seed(dot_grad2, t, a, b)


# NumPy functions of one array with an axis argument, for every seed (templates/batched.py calls them, and
# generated code swaps them in where a template applies NumPy to a batched value; s2s/analysis/seeds.py): the seed
# axis comes first, each seed's axes after it.
def _shifted(axis, t):
    """The axes of a batched ``t`` for the axes ``axis`` of each seed (None: all of a seed's axes)."""
    if axis is None:
        return tuple(range(1, np.ndim(t)))
    if isinstance(axis, tuple):
        return tuple(a + 1 if a >= 0 else a for a in axis)
    return axis + 1 if axis >= 0 else axis


def batched_sum(a, axis=None, *args, **kwargs):
    """``np.sum(a_i, axis, ...)`` for every seed."""
    return _reduced(np.sum, a, axis, args, kwargs)


def batched_mean(a, axis=None, *args, **kwargs):
    """``np.mean(a_i, axis, ...)`` for every seed."""
    return _reduced(np.mean, a, axis, args, kwargs)


def _reduced(reduce, a, axis, args, kwargs):
    if is_zero(a):
        return a
    if isinstance(a, (list, tuple)):
        return _each_seed(lambda s: reduce(s, axis, *args, **kwargs), a)
    return reduce(a, _shifted(axis, a), *args, **kwargs)


def batched_reshape(a, shape, order="C"):
    """``np.reshape(a_i, shape, order)`` for every seed."""
    if is_zero(a):
        return a
    if isinstance(a, (list, tuple)) or order not in ("C", "F"):
        return _each_seed(lambda s: np.reshape(s, shape, order=order), a)
    a = np.asarray(a)
    shape = tuple(shape) if isinstance(shape, (tuple, list)) else (shape,)
    if order == "C":
        return np.reshape(a, a.shape[:1] + shape)
    # in Fortran order the last axis varies slowest: with the seeds last, each seed is its own block
    return np.moveaxis(np.reshape(np.moveaxis(a, 0, -1), shape + a.shape[:1], order="F"), -1, 0)


def batched_swapaxes(a, axis1, axis2):
    """``np.swapaxes(a_i, axis1, axis2)`` for every seed."""
    if is_zero(a) or isinstance(a, (list, tuple)):
        return a if is_zero(a) else _each_seed(np.swapaxes, a, axis1, axis2)
    return np.swapaxes(a, _shifted(axis1, a), _shifted(axis2, a))


def batched_expand_dims(a, axis):
    """``np.expand_dims(a_i, axis)`` for every seed (a new axis counted from the end stays counted so)."""
    if is_zero(a) or isinstance(a, (list, tuple)):
        return a if is_zero(a) else _each_seed(np.expand_dims, a, axis)
    return np.expand_dims(a, _shifted(axis, a))

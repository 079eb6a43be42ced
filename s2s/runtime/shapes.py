"""Helpers of shape and container primitives: sort, repeat, tile, transpose, the
concatenations and their splits, take, pad, delete, insert, casts and ``item``.
"""
import numpy as np

from s2s.runtime.core import is_complex_dtype, is_zero, float_dtype, is_container, real_part, unbroadcast, zeros_like


def sort_grad(g, a, axis=-1):
    """Adjoint of ``a`` in ``np.sort(a, axis)``: ``g`` sent back to where each element came from."""
    a = np.asarray(a)
    if axis is None:
        return np.reshape(sort_grad(np.ravel(g), np.ravel(a), 0), a.shape)
    out = np.zeros(np.broadcast_shapes(a.shape, np.shape(g)), dtype=np.result_type(g, float_dtype(a)))
    np.put_along_axis(out, np.argsort(a, axis=axis, kind="stable"), g, axis=axis)
    return out


def sort_jvp(t, a, axis=-1):
    """Tangent of ``np.sort(a, axis)`` along ``t``: ``t`` permuted as the sort permutes ``a``."""
    if axis is None:
        return sort_jvp(np.ravel(t), np.ravel(a), 0)
    t = np.broadcast_to(t, np.shape(a))
    return np.take_along_axis(t, np.argsort(a, axis=axis, kind="stable"), axis=axis)


def repeat_grad(g, a, repeats, axis=None):
    """Adjoint of ``a`` in ``np.repeat(a, repeats, axis)``: the copies' adjoints summed."""
    a = np.asarray(a)
    n = a.size if axis is None else a.shape[axis]
    source = np.repeat(np.arange(n), repeats)
    g = np.ravel(g) if axis is None else np.moveaxis(g, axis, 0)
    out = np.zeros((n,) + g.shape[1:], dtype=np.result_type(g, float_dtype(a)))
    np.add.at(out, source, g)
    return np.reshape(out, a.shape) if axis is None else np.moveaxis(out, 0, axis)


def tile_grad(g, a, reps):
    """Adjoint of ``a`` in ``np.tile(a, reps)``: the tiles' adjoints summed."""
    shape = np.shape(a)
    reps = (reps,) if np.ndim(reps) == 0 else tuple(reps)
    d = max(len(shape), len(reps))
    shape_d = (1,) * (d - len(shape)) + shape
    reps = (1,) * (d - len(reps)) + reps
    tiles = np.reshape(g, [n for pair in zip(reps, shape_d) for n in pair])
    return np.reshape(np.sum(tiles, axis=tuple(range(0, 2 * d, 2))), shape)


def unreshape(g, x, order="C"):
    """Adjoint of ``x`` in a reshape (``np.reshape``, ``ravel``, ``squeeze``...): ``g`` in ``x``'s shape.

    The zero adjoint of a value nothing read (``0.0``) becomes zeros; a ``g`` with more than one
    element fitted to a 0-d ``x`` (the transpose of that case: ``x`` was such a zero) is summed.
    """
    if is_zero(g):
        return zeros_like(x)
    if np.ndim(x) == 0 and np.size(g) != 1:
        return np.sum(g)
    return np.reshape(g, np.shape(x), order=order)


def untranspose(g, axes=None):
    """Adjoint of ``np.transpose(a, axes)``: ``g`` transposed back (the zero adjoint 0.0 stays 0.0)."""
    if is_zero(g):
        return g
    if axes is None:
        return np.transpose(g)
    return np.transpose(g, np.argsort([int(i) % np.ndim(g) for i in axes]))


def _like_container(pieces, arrays):
    """Adjoint pieces in the container type of ``arrays`` (an array stacks them)."""
    if isinstance(arrays, np.ndarray):
        return np.stack(pieces) if len(pieces) else np.zeros(arrays.shape)
    return type(arrays)(pieces) if isinstance(arrays, tuple) else list(pieces)


def _split(g, shapes, axis):
    """Split ``g`` along ``axis`` into pieces as long as the arrays of ``shapes``."""
    bounds, end = [], 0
    for s in shapes[:-1]:  # Python ints, not np.cumsum: shapes are not arrays of any library
        end += s[axis]
        bounds.append(end)
    return np.split(g, bounds, axis=axis)


def unconcatenate(g, arrays, axis=0):
    """Adjoint of each element of ``arrays`` in ``np.concatenate(arrays, axis)``."""
    if is_zero(g):
        return _like_container([zeros_like(x) for x in arrays], arrays)
    if axis is None:
        sizes = [np.size(x) for x in arrays]
        pieces = np.split(np.ravel(g), np.cumsum(sizes)[:-1])
    else:
        pieces = _split(g, [np.shape(x) for x in arrays], axis)
    return _like_container([np.reshape(p, np.shape(x)) for p, x in zip(pieces, arrays)], arrays)


def unstack(g, arrays, axis=0):
    """Adjoint of each element of ``arrays`` in ``np.stack(arrays, axis)``."""
    if is_zero(g):
        return zeros_like(arrays)
    moved = np.moveaxis(g, axis, 0)
    if isinstance(arrays, np.ndarray):
        return moved
    return _like_container([moved[i, ...] for i in range(moved.shape[0])], arrays)  # no iteration: any library


def unhstack(g, tup):
    """Adjoint of each element of ``tup`` in ``np.hstack(tup)``."""
    if is_zero(g):
        return _like_container([zeros_like(x) for x in tup], tup)
    shapes = [np.shape(np.atleast_1d(x)) for x in tup]
    axis = 0 if len(shapes[0]) == 1 else 1
    pieces = _split(g, shapes, axis)
    return _like_container([np.reshape(p, np.shape(x)) for p, x in zip(pieces, tup)], tup)


def unvstack(g, tup):
    """Adjoint of each element of ``tup`` in ``np.vstack(tup)``."""
    if is_zero(g):
        return _like_container([zeros_like(x) for x in tup], tup)
    pieces = _split(g, [np.shape(np.atleast_2d(x)) for x in tup], 0)
    return _like_container([np.reshape(p, np.shape(x)) for p, x in zip(pieces, tup)], tup)


def unarray(g, obj):
    """Adjoint of ``obj`` in ``np.array(obj)``: ``g`` split to match nested lists."""
    if is_zero(g):
        return zeros_like(obj)
    if is_container(obj):
        return type(obj)(unarray(g[i], e) for i, e in enumerate(obj))
    return g


def unsum(g, iterable):
    """Adjoint of each element of ``iterable`` in the builtin ``sum(iterable)``."""
    if isinstance(iterable, np.ndarray):
        if not len(iterable):
            return np.zeros(iterable.shape)
        return np.broadcast_to(unbroadcast(g, iterable[0]), iterable.shape)
    return type(iterable)(unbroadcast(g, e) for e in iterable)


def take_grad(g, a, indices, axis=None, mode="raise"):
    """Adjoint of ``a`` in ``np.take``: ``g`` added back at ``indices`` (repeats add up)."""
    a = np.asarray(a)
    out = np.zeros(a.shape, dtype=np.result_type(g, float_dtype(a)))
    n = a.size if axis is None else a.shape[axis]
    indices = np.asarray(indices)
    if mode == "wrap":
        indices = indices % n
    elif mode == "clip":
        indices = np.clip(indices, 0, n - 1)
    if axis is None:
        np.add.at(out.reshape(-1), indices, g)
    else:
        np.add.at(out, (slice(None),) * (axis % a.ndim) + (indices,), g)
    return out


def cast_grad(g, x, ans):
    """Adjoint of ``x`` in a cast (``astype``, ``np.array(x, dtype)``): 0 when ``ans`` is not float."""
    if not np.issubdtype(np.result_type(ans), np.inexact):
        return zeros_like(x)
    if is_container(x):
        return unarray(g, x)
    return np.asarray(g if np.iscomplexobj(x) else real_part(g), dtype=float_dtype(x))


def cast_jvp(t, x, ans):
    """Tangent of a cast (``astype``, ``np.array(x, dtype)``): a copy of ``t`` in ``ans``'s dtype, 0 if not float."""
    dtype = np.result_type(ans)
    if not np.issubdtype(dtype, np.inexact):
        return np.zeros(np.shape(ans))
    if is_container(x):
        out = np.zeros(np.shape(ans), dtype=dtype)
        _fill(out, t)
        return out
    return np.array(t if is_complex_dtype(dtype) else real_part(t), dtype=dtype)


def _fill(out, t):
    """Write the nested list of tangents ``t`` into the array ``out``."""
    for i, ti in enumerate(t):
        if is_container(ti):
            _fill(out[i], ti)
        else:
            out[i] = ti


def item_grad(g, a, index=None):
    """Adjoint of ``a`` in ``a.item(index)``: ``g`` at that element, 0 elsewhere."""
    out = np.zeros(np.shape(a), dtype=float_dtype(a))
    if index is None:
        out[...] = g
    elif isinstance(index, tuple):
        out[index] = g
    else:
        out.reshape(-1)[index] = g
    return out


def unsplit(g, pieces, axis=0):
    """Adjoint of the array in ``np.split``-like calls: the pieces' adjoints joined along ``axis``.

    The adjoints of ``pieces``; a piece whose adjoint is still the zero ``0.0`` contributes zeros of its shape.
    """
    pieces = [zeros_like(p) if is_zero(gi) else np.broadcast_to(gi, np.shape(p)) for gi, p in zip(g, pieces)]
    return np.concatenate(pieces, axis=axis)


def undstack(g, tup):
    """Adjoint of each element of ``tup`` in ``np.dstack(tup)``."""
    pieces = _split(g, [np.shape(np.atleast_3d(x)) for x in tup], 2)
    return _like_container([np.reshape(p, np.shape(x)) for p, x in zip(pieces, tup)], tup)


def uncolumn_stack(g, tup):
    """Adjoint of each element of ``tup`` in ``np.column_stack(tup)`` (1-D elements are columns)."""
    shapes = [np.shape(x) if np.ndim(x) >= 2 else (np.size(x), 1) for x in tup]
    pieces = _split(g, shapes, 1)
    return _like_container([np.reshape(p, np.shape(x)) for p, x in zip(pieces, tup)], tup)


_PAD_COPY_MODES = ("constant", "edge", "reflect", "symmetric", "wrap")


def pad_grad(g, array, pad_width, mode="constant"):
    """Adjoint of ``array`` in ``np.pad(array, pad_width, mode)``.

    Each padded element's adjoint goes back to the element it copies; the
    constant border gets none. Modes that compute values (``mean``,
    ``linear_ramp``...) are not supported.
    """
    if mode not in _PAD_COPY_MODES:
        raise NotImplementedError("s2s differentiates np.pad in the modes {} only, not {!r}".format(
            ", ".join(_PAD_COPY_MODES), mode))
    shape = np.shape(array)
    if mode == "constant":
        widths = np.broadcast_to(pad_width, (len(shape), 2))
        return np.asarray(g)[tuple(slice(int(lo), int(lo) + n) for (lo, _), n in zip(widths, shape))]
    size = int(np.prod(shape))
    source = np.pad(np.arange(size).reshape(shape), pad_width, mode=mode)
    out = _summed_at(source.ravel(), np.ravel(g), size)
    return out.reshape(shape).astype(float_dtype(g), copy=False)


def take_along_axis_grad(g, arr, indices, axis=-1):
    """Adjoint of ``arr`` in ``np.take_along_axis(arr, indices, axis)`` (repeated indices add up)."""
    out = np.zeros(np.shape(arr), dtype=float_dtype(g))
    if axis is None:
        np.add.at(out.reshape(-1), indices, g)
        return out
    ndim = np.ndim(arr)
    axis = int(axis) % ndim
    index = []
    for d in range(ndim):
        shape = [1] * ndim
        shape[d] = -1
        index.append(indices if d == axis else np.arange(np.shape(indices)[d]).reshape(shape))
    np.add.at(out, tuple(index), g)
    return out


def _summed_at(index, weights, size):
    """``np.bincount(index, weights, minlength=size)``, for complex weights too (real and imaginary parts apart)."""
    if np.iscomplexobj(weights):
        return (np.bincount(index, weights=np.real(weights), minlength=size)
                + 1j * np.bincount(index, weights=np.imag(weights), minlength=size))
    return np.bincount(index, weights=weights, minlength=size)


def _copy_map_grad(g, size, source):
    """Adjoint of a linear map that copies elements: ``source`` holds, for each result element, the flat index
    of the input element it copies (-1: none). Repeated copies add up."""
    source = np.ravel(source)
    keep = source >= 0
    out = _summed_at(source[keep], np.ravel(g)[keep], size)
    return out.astype(float_dtype(g), copy=False)


def delete_grad(g, arr, obj, axis=None):
    """Adjoint of ``arr`` in ``np.delete(arr, obj, axis)``: zeros at the deleted elements."""
    shape = np.shape(arr)
    size = int(np.prod(shape))
    source = np.delete(np.arange(size).reshape(shape), obj, axis)
    return _copy_map_grad(g, size, source).reshape(shape)


def insert_grad(g, arr, obj, values, axis=None):
    """Adjoints of ``arr`` and ``values`` in ``np.insert(arr, obj, values, axis)`` (broadcast values add up)."""
    shape, vshape = np.shape(arr), np.shape(values)
    size, vsize = int(np.prod(shape)), int(np.prod(vshape))
    source = np.insert(np.arange(size).reshape(shape), obj, np.full(vshape, -1), axis)
    vsource = np.insert(np.full(shape, -1), obj, np.arange(vsize).reshape(vshape), axis)
    return (_copy_map_grad(g, size, source).reshape(shape), _copy_map_grad(g, vsize, vsource).reshape(vshape))


def linspace_grad(g, start, stop, num=50, endpoint=True, axis=0):
    """Adjoints of ``start`` and ``stop`` in ``np.linspace(start, stop, num, endpoint, axis=axis)``."""
    t = np.linspace(0.0, 1.0, num, endpoint=endpoint, dtype=float_dtype(g))
    gm = np.moveaxis(np.asarray(g), axis, -1)
    return unbroadcast(np.sum(gm * (1 - t), axis=-1), start), unbroadcast(np.sum(gm * t, axis=-1), stop)


def resize_grad(g, a, new_shape):
    """Adjoint of ``a`` in ``np.resize(a, new_shape)``: the repeated copies' adjoints add up."""
    shape = np.shape(a)
    size = int(np.prod(shape))
    if size == 0:
        return np.zeros(shape, dtype=float_dtype(g))
    return _copy_map_grad(g, size, np.resize(np.arange(size), new_shape)).reshape(shape)


def column(v):
    """``v`` as np.c_ places it before joining along the last axis: a 1-D array as a column, a
    scalar as a 1x1 matrix, an array of two or more dimensions as it is."""
    v = np.asarray(v)
    return np.reshape(v, (-1, 1)) if v.ndim == 1 else np.atleast_2d(v)


def rollaxis_axes(ndim, axis, start=0):
    """The axes ``np.rollaxis(a, axis, start)`` transposes an array of ``ndim`` axes by (a tuple)."""
    axis = axis + ndim if axis < 0 else axis
    start = start + ndim if start < 0 else start
    axes = list(range(ndim))
    if axis < start:
        start -= 1
    axes.remove(axis)
    axes.insert(start, axis)
    return tuple(axes)


def partition_order(a, kth, axis=-1):
    """The indices that take ``a`` to ``np.partition(a, kth, axis)``: np.argpartition's, checked
    against np.partition itself (equal values may trade places: each gets the adjoint of one copy)."""
    a = np.asarray(a)
    if axis is None:
        return partition_order(np.ravel(a), kth, 0)
    order = np.argpartition(a, kth, axis=axis)
    if not np.array_equal(np.take_along_axis(a, order, axis=axis), np.partition(a, kth, axis=axis), equal_nan=True):
        raise RuntimeError("np.argpartition does not reproduce np.partition here; use np.sort instead")
    return order


def partition_grad(g, a, kth, axis=-1):
    """Adjoint of ``a`` in ``np.partition(a, kth, axis)``: ``g`` sent back to where each element came from."""
    a = np.asarray(a)
    if axis is None:
        return np.reshape(partition_grad(np.ravel(g), np.ravel(a), kth, 0), a.shape)
    out = np.zeros(np.broadcast_shapes(a.shape, np.shape(g)), dtype=np.result_type(g, float_dtype(a)))
    np.put_along_axis(out, partition_order(a, kth, axis), g, axis=axis)
    return out


def partition_jvp(t, a, kth, axis=-1):
    """Tangent of ``np.partition(a, kth, axis)`` along ``t``: ``t`` permuted as the partition permutes ``a``."""
    if axis is None:
        return partition_jvp(np.ravel(t), np.ravel(a), kth, 0)
    t = np.broadcast_to(t, np.shape(a))
    return np.take_along_axis(t, partition_order(a, kth, axis), axis=axis)

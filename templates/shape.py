"""Shape manipulation, joining, copies and casts.

All of these are linear: each adjoint moves ``ans_bar`` back to where its
elements came from. An adjoint of a list or tuple of arrays (``concatenate``,
``stack``, ``np.array([...])``) is a list or tuple of the same length, each
piece with its element's shape.
"""
import numpy as np

from s2s.rules import adjoint, linear, tangent
from s2s.runtime import (astype, cast_grad, cast_jvp, detach, flatten, float_dtype, item, item_grad, repeat_grad, sort_grad,
                         sort_jvp, take_grad, tile_grad, unbroadcast, unconcatenate, unhstack, unsplit, unstack,
                         unreshape, untranspose, unvstack)
from s2s.runtime import (delete_grad, insert_grad, linspace_grad, pad_grad, resize_grad, select_choice_grad,
                         select_default_grad, take_along_axis_grad, uncolumn_stack, undstack)
from s2s.runtime import column
from s2s.runtime import copy as copy_value


# unreshape is np.reshape to a's shape, and takes the zero adjoint (0.0) of a result nothing read.
@linear(np.reshape, wrt="a")
def reshape(a, shape, order="C", *, ans, ans_bar):
    return unreshape(ans_bar, a, order)


@linear(np.ravel, flatten)
def ravel(a, order="C", *, ans, ans_bar):
    return unreshape(ans_bar, a, order)


@linear(np.expand_dims, np.squeeze, wrt="a")
def squeeze(a, axis=None, *, ans, ans_bar):
    return unreshape(ans_bar, a)


# One array only: NumPy's *arys form with several arrays returns a list.
@linear(np.atleast_1d, np.atleast_2d, np.atleast_3d)
def atleast_1d(arys, *, ans, ans_bar):
    return unreshape(ans_bar, arys)


# np.c_[...] is np.concatenate of these (s2s/frontend/normalize/anf.py rewrites it)
@linear(column)
def column_(v, *, ans, ans_bar):
    return np.reshape(ans_bar, np.shape(v))


# np.permute_dims is np.transpose.
@linear(np.transpose)
def transpose(a, axes=None, *, ans, ans_bar):
    return untranspose(ans_bar, axes)


@linear(np.swapaxes, wrt="a")
def swapaxes(a, axis1, axis2, *, ans, ans_bar):
    return np.swapaxes(ans_bar, axis1, axis2)


@linear(np.moveaxis, wrt="a")
def moveaxis(a, source, destination, *, ans, ans_bar):
    return np.moveaxis(ans_bar, destination, source)


@linear(np.broadcast_to, wrt="array")
def broadcast_to(array, shape, subok=False, *, ans, ans_bar):
    return unbroadcast(ans_bar, array)


@linear(np.flip)
def flip(m, axis=None, *, ans, ans_bar):
    return np.flip(ans_bar, axis)


@linear(np.fliplr)
def fliplr(m, *, ans, ans_bar):
    return np.fliplr(ans_bar)


@linear(np.flipud)
def flipud(m, *, ans, ans_bar):
    return np.flipud(ans_bar)


@linear(np.roll, wrt="a")
def roll(a, shift, axis=None, *, ans, ans_bar):
    return np.roll(ans_bar, np.negative(shift), axis)


# Repeated indices add up.
@linear(np.take, wrt="a")
def take(a, indices, axis=None, mode="raise", *, ans, ans_bar):
    return take_grad(ans_bar, a, indices, axis, mode)


# Each element's adjoint goes back to where the sort took it from.
@adjoint(np.sort)
def sort(a, axis=-1, kind=None, *, ans, ans_bar):
    return sort_grad(ans_bar, a, axis)


@tangent(np.sort)
def sort_tangent(a, axis=-1, kind=None, *, ans, a_dot):
    return sort_jvp(a_dot, a, axis)


@linear(np.repeat, wrt="a")
def repeat(a, repeats, axis=None, *, ans, ans_bar):
    return repeat_grad(ans_bar, a, repeats, axis)


@linear(np.tile, wrt="A")
def tile(A, reps, *, ans, ans_bar):
    return tile_grad(ans_bar, A, reps)


# A 1-D argument is broadcast to a matrix, hence unbroadcast.
@linear(np.triu, unbroadcast=True)
def triu(m, k=0, *, ans, ans_bar):
    return np.triu(ans_bar, k)


@linear(np.tril, unbroadcast=True)
def tril(m, k=0, *, ans, ans_bar):
    return np.tril(ans_bar, k)


# ----------------------------------------------------------- joining
# np.concat is np.concatenate.
@linear(np.concatenate)
def concatenate(arrays, axis=0, dtype=None, casting="same_kind", *, ans, ans_bar):
    return unconcatenate(ans_bar, arrays, axis)


@linear(np.stack)
def stack(arrays, axis=0, dtype=None, casting="same_kind", *, ans, ans_bar):
    return unstack(ans_bar, arrays, axis)


@linear(np.hstack)
def hstack(tup, dtype=None, casting="same_kind", *, ans, ans_bar):
    return unhstack(ans_bar, tup)


@linear(np.vstack)
def vstack(tup, dtype=None, casting="same_kind", *, ans, ans_bar):
    return unvstack(ans_bar, tup)


# ----------------------------------------------------------- copies and casts
# The adjoint of a cast to an integer or boolean dtype is zero.
@adjoint(np.array)
def array(object, dtype=None, copy=True, order="K", subok=False, *, ans, ans_bar):
    return cast_grad(ans_bar, object, ans)


# A list argument has a list of tangents.
@tangent(np.array)
def array_tangent(object, dtype=None, copy=True, order="K", subok=False, *, ans, object_dot):
    return cast_jvp(object_dot, object, ans)


@adjoint(np.asarray, np.asanyarray, np.ascontiguousarray)
def asarray(a, dtype=None, order=None, *, ans, ans_bar):
    return cast_grad(ans_bar, a, ans)


@tangent(np.asarray, np.asanyarray, np.ascontiguousarray)
def asarray_tangent(a, dtype=None, order=None, *, ans, a_dot):
    return cast_jvp(a_dot, a, ans)


@adjoint(astype, wrt="x")
def astype_(x, dtype, order="K", casting="unsafe", subok=True, copy=True, *, ans, ans_bar):
    return cast_grad(ans_bar, x, ans)


@tangent(astype, wrt="x")
def astype_tangent(x, dtype, order="K", casting="unsafe", subok=True, copy=True, *, ans, x_dot):
    return cast_jvp(x_dot, x, ans)


# s2s.runtime.copy copies lists too; the adjoint of a list is a list.
@linear(copy_value)
def copy_(x, *, ans, ans_bar):
    return ans_bar


@linear(detach)
def detach_(x, *, ans, ans_bar):
    return ans_bar


@linear(np.copy)
def copy_array(a, order="K", subok=False, *, ans, ans_bar):
    return ans_bar


@linear(item, wrt="a")
def item_(a, index=None, *, ans, ans_bar):
    return item_grad(ans_bar, a, index)


# ----------------------------------------------------------- splitting (list results)
# The result is a list of arrays; its adjoint is a list too (0.0 for a piece
# that got none), joined back along the split axis.
@linear(np.split, np.array_split, wrt="ary")
def split(ary, indices_or_sections, axis=0, *, ans, ans_bar):
    return unsplit(ans_bar, ans, axis)


# hsplit splits a 1-D array along axis 0, others along axis 1.
@linear(np.hsplit, wrt="ary")
def hsplit(ary, indices_or_sections, *, ans, ans_bar):
    return unsplit(ans_bar, ans, min(1, np.ndim(ary) - 1))


@linear(np.vsplit, wrt="ary")
def vsplit(ary, indices_or_sections, *, ans, ans_bar):
    return unsplit(ans_bar, ans, 0)


@linear(np.dsplit, wrt="ary")
def dsplit(ary, indices_or_sections, *, ans, ans_bar):
    return unsplit(ans_bar, ans, 2)


# ----------------------------------------------------------- issue 6: more layouts
@linear(np.rot90, wrt="m")
def rot90(m, k=1, axes=(0, 1), *, ans, ans_bar):
    return np.rot90(ans_bar, -k, axes)


# Modes that copy elements (constant, edge, reflect, symmetric, wrap); the
# constant border is a constant, whatever constant_values says.
@linear(np.pad, wrt="array")
def pad(array, pad_width, mode="constant", constant_values=0, *, ans, ans_bar):
    return pad_grad(ans_bar, array, pad_width, mode)


@tangent(np.pad, wrt="array")
def pad_tangent(array, pad_width, mode="constant", constant_values=0, *, ans, array_dot):
    return np.pad(array_dot, pad_width, mode=mode)


@linear(np.take_along_axis, wrt="arr")
def take_along_axis(arr, indices, axis=-1, *, ans, ans_bar):
    return take_along_axis_grad(ans_bar, arr, indices, axis)


# Each element's adjoint goes to the choice (or the default) np.select took there.
@linear(np.select, wrt=("choicelist", "default"))
def select(condlist, choicelist, default=0, *, ans, ans_bar):
    return select_choice_grad(ans_bar, condlist, choicelist), select_default_grad(ans_bar, condlist, default)


@linear(np.dstack)
def dstack(tup, *, ans, ans_bar):
    return undstack(ans_bar, tup)


@linear(np.column_stack)
def column_stack(tup, *, ans, ans_bar):
    return uncolumn_stack(ans_bar, tup)


# append(arr, values, axis) is concatenate((arr, values), axis) (flattened when axis is None).
@linear(np.append, wrt=("arr", "values"))
def append(arr, values, axis=None, *, ans, ans_bar):
    pieces = unconcatenate(ans_bar, [arr, values], axis)
    return pieces[0], pieces[1]



@linear(np.delete, wrt="arr")
def delete(arr, obj, axis=None, *, ans, ans_bar):
    return delete_grad(ans_bar, arr, obj, axis)


# Linear in arr and values together (values broadcast into the new slots).
@linear(np.insert, wrt=("arr", "values"))
def insert(arr, obj, values, axis=None, *, ans, ans_bar):
    grads = insert_grad(ans_bar, arr, obj, values, axis)
    return grads[0], grads[1]


# ----------------------------------------------------------- constructors from values
# Their shapes are constants; the values they are filled with can carry derivatives.
@linear(np.full, wrt="fill_value")
def full(shape, fill_value, dtype=None, order="C", *, ans, ans_bar):
    return unbroadcast(ans_bar, fill_value)


# a gives only the shape and dtype: its derivative is zero.
@adjoint(np.full_like, wrt=("a", "fill_value"))
def full_like(a, fill_value, dtype=None, order="K", subok=True, shape=None, *, ans, ans_bar):
    return None, unbroadcast(ans_bar, fill_value)


@tangent(np.full_like, wrt=("a", "fill_value"))
def full_like_tangent(a, fill_value, dtype=None, order="K", subok=True, shape=None, *, ans, a_dot, fill_value_dot):
    return np.full_like(ans, fill_value_dot, dtype=float_dtype(ans))


# start + (stop - start) * t (retstep is not supported).
@linear(np.linspace, wrt=("start", "stop"))
def linspace(start, stop, num=50, endpoint=True, dtype=None, axis=0, *, ans, ans_bar):
    grads = linspace_grad(ans_bar, start, stop, num, endpoint, axis)
    return grads[0], grads[1]


# base ** linspace(start, stop): the base is not differentiated.
@adjoint(np.logspace, wrt=("start", "stop"))
def logspace(start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0, *, ans, ans_bar):
    grads = linspace_grad(ans_bar * ans * np.log(base).astype(float_dtype(ans)), start, stop, num, endpoint, axis)
    return grads[0], grads[1]


@tangent(np.logspace, wrt=("start", "stop"))
def logspace_tangent(start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0, *, ans, start_dot, stop_dot):
    return ans * np.log(base).astype(float_dtype(ans)) * np.linspace(start_dot, stop_dot, num, endpoint, axis=axis)


# start * (stop / start) ** t: d log(ans) = (1 - t) d start / start + t d stop / stop.
@adjoint(np.geomspace, wrt=("start", "stop"))
def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0, *, ans, ans_bar):
    grads = linspace_grad(ans_bar * ans, start, stop, num, endpoint, axis)
    return grads[0] / start, grads[1] / stop


@tangent(np.geomspace, wrt=("start", "stop"))
def geomspace_tangent(start, stop, num=50, endpoint=True, dtype=None, axis=0, *, ans, start_dot, stop_dot):
    return ans * np.linspace(start_dot / start, stop_dot / stop, num, endpoint, axis=axis)


@linear(np.resize, wrt="a")
def resize(a, new_shape, *, ans, ans_bar):
    return resize_grad(ans_bar, a, new_shape)


# Counts are constants; with weights the result is linear in them (each bin
# sums the weights of its elements).
@linear(np.bincount, wrt="weights")
def bincount(x, weights=None, minlength=0, *, ans, ans_bar):
    return np.take(ans_bar, x)

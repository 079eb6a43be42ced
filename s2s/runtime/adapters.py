"""NumPy's functions written with the array API standard, for ``s2s.runtime.namespaces.NumpyNames``.

Each adapter takes the ``NumpyNames`` of a library (``names``: its standard namespace
``names.xp``, its array type, its device) and then NumPy's own parameters, and
returns what NumPy would, as that library's arrays: ``np.dot`` with
``matmul``/``tensordot``, ``np.transpose`` with ``permute_dims``, ``np.result_type``
and ``np.issubdtype`` of Python numbers and of the library's dtypes, reductions
taking a list of axes, and so on. ``ADAPTED`` maps NumPy's names (``"linalg.norm"``
for submodules) to them; ``NATIVE_ADAPTED`` holds the few that libraries speaking
NumPy (Dask, CuPy) need. ``lifting`` lets the standard's elementwise functions take
Python numbers, as NumPy's do.
"""
import functools
import math

import numpy as np

from s2s.runtime.core import ArrayLibraryError

_KINDS = {np.inexact: ("real floating", "complex floating"), np.floating: "real floating",
          np.complexfloating: "complex floating", np.integer: "integral", np.signedinteger: "signed integer",
          np.unsignedinteger: "unsigned integer", np.bool_: "bool", np.number: "numeric"}


# elementwise functions of the standard: NumPy takes Python numbers there; those of FLOATING make floats
FLOATING = frozenset("acos acosh asin asinh atan atan2 atanh cos cosh exp expm1 log log1p log2 log10 logaddexp "
                     "sin sinh sqrt tan tanh hypot divide".split())
ELEMENTWISE = frozenset("abs add ceil conj copysign equal floor floor_divide greater greater_equal imag isfinite "
                        "isinf isnan less less_equal maximum minimum multiply negative not_equal positive pow real "
                        "remainder round sign signbit square subtract trunc".split())


def lifting(names, fn, kind):
    """``fn`` taking Python numbers where the standard wants arrays (``np.exp(2)``, ``np.maximum(0.0, 1.0)``)."""
    def lifted(*args, **kwargs):
        if args and not any(isinstance(a, names.ndarray) for a in args):
            first = kind(args[0]) if kind is not None and isinstance(args[0], (int, float)) else args[0]
            args = (names.asarray_like(first),) + args[1:]
        return fn(*args, **kwargs)
    lifted.__name__ = getattr(fn, "__name__", "lifted")
    return lifted


def _shape(names, x):
    return tuple(x.shape) if hasattr(x, "shape") else np.shape(x)


def _ndim(names, x):
    return x.ndim if hasattr(x, "ndim") else np.ndim(x)


def _size(names, x):
    return math.prod(_shape(names, x))


def _dtype_of(names, x):
    if hasattr(x, "dtype"):
        return x.dtype
    if isinstance(x, bool):
        return names.xp.bool
    if isinstance(x, int):
        return names.xp.int64
    if isinstance(x, complex):
        return names.xp.complex128
    if isinstance(x, float):
        return names.xp.float64
    return x  # a dtype


def _result_type(names, *values):
    return names.xp.result_type(*[_dtype_of(names, v) for v in values])


def _issubdtype(names, dtype, kind):
    if isinstance(dtype, np.dtype) or (isinstance(dtype, type) and issubclass(dtype, np.generic)):
        return np.issubdtype(dtype, kind)
    if kind in _KINDS:
        return names.xp.isdtype(dtype, _KINDS[kind])
    return dtype == kind


def _iscomplexobj(names, x):
    return _issubdtype(names, _dtype_of(names, x), np.complexfloating)


def _dtype(names, dtype):
    return dtype


def _asarray(names, x, dtype=None, copy=None):
    if isinstance(x, (list, tuple)) and any(isinstance(e, names.ndarray) for e in x):
        x = names.xp.stack([names.asarray_like(e, x[0]) for e in x])
    if dtype is not None and not isinstance(x, names.ndarray):
        return names.xp.asarray(x, dtype=dtype, **names._device())
    x = names.asarray_like(x)
    if dtype is not None and x.dtype != dtype:
        return names.xp.astype(x, dtype)
    return x


def _array(names, x, dtype=None, copy=True):
    out = _asarray(names, x, dtype)
    return names.xp.asarray(out, copy=True) if copy and out is x else out


def _copy(names, x):
    return names.xp.asarray(names.asarray_like(x), copy=True)


def _broadcast_to(names, x, shape):
    return names.xp.broadcast_to(names.asarray_like(x), tuple(shape))


def _reshape(names, x, shape, order="C"):
    return names.xp.reshape(names.asarray_like(x), (shape,) if isinstance(shape, int) else tuple(shape))


def _ravel(names, x, order="C"):
    return names.xp.reshape(names.asarray_like(x), (-1,))


def _transpose(names, x, axes=None):
    x = names.asarray_like(x)
    return names.xp.permute_dims(x, tuple(reversed(range(x.ndim))) if axes is None else tuple(axes))


def _swapaxes(names, x, a, b):
    order = list(range(x.ndim))
    order[a], order[b] = order[b], order[a]
    return names.xp.permute_dims(x, tuple(order))


def _dot(names, a, b):
    a, b = names.asarray_like(a, b), names.asarray_like(b, a)
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    if b.ndim <= 2:
        return names.xp.matmul(a, b)
    return names.xp.tensordot(a, b, axes=([-1], [-2]))


def _outer(names, a, b):
    return names.xp.reshape(a, (-1, 1)) * names.xp.reshape(b, (1, -1))


def _inner(names, a, b):
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    return names.xp.tensordot(a, b, axes=([-1], [-1]))


def _where(names, condition, x=None, y=None):
    if x is None:
        return names.xp.nonzero(condition)
    like = x if isinstance(x, names.ndarray) else y
    return names.xp.where(condition, names.asarray_like(x, like), names.asarray_like(y, like))


def _zeros(names, shape, dtype=None):
    return names.xp.zeros(shape, dtype=dtype or names.xp.float64, **names._device())


def _ones(names, shape, dtype=None):
    return names.xp.ones(shape, dtype=dtype or names.xp.float64, **names._device())


def _full(names, shape, fill_value, dtype=None):
    return names.xp.full(shape, fill_value, dtype=dtype, **names._device())


def _sum(names, x, axis=None, dtype=None, keepdims=False, **kwargs):
    if kwargs.get("where", True) is not True or kwargs.get("initial", None) is not None:
        raise ArrayLibraryError("np.sum with where= or initial=: {} has no such reduction".format(names.library))
    x = names.asarray_like(x)
    if x.dtype == names.xp.bool:  # NumPy counts the true values; the standard sums numbers only
        x = names.xp.astype(x, dtype or names.xp.int64)
    return names.xp.sum(x, axis=_axis(axis), dtype=dtype, keepdims=keepdims)


def _unbool(names, a, other):
    """``a`` in ``other``'s dtype where ``a`` is a boolean array and ``other`` is not: NumPy promotes
    ``g * (x > 0)``, the standard refuses booleans in arithmetic."""
    if isinstance(a, names.ndarray) and a.dtype == names.xp.bool:
        dtype = _dtype_of(names, other)
        if dtype != names.xp.bool:
            return names.xp.astype(a, dtype)
    return a


def _multiply(names, x, y):
    x, y = _unbool(names, x, y), _unbool(names, y, x)
    if not isinstance(x, names.ndarray) and not isinstance(y, names.ndarray):
        x = names.asarray_like(x)
    return names.xp.multiply(x, y)


def _reduction(name):
    def reduce(names, x, axis=None, keepdims=False, **kwargs):
        fn = getattr(names.xp, name)
        return fn(names.asarray_like(x), axis=_axis(axis), keepdims=keepdims, **kwargs)
    return reduce


def _axis(axis):
    return tuple(axis) if isinstance(axis, list) else axis


def _cumsum(names, x, axis=None, dtype=None):
    x = names.asarray_like(x)
    if axis is None:
        x, axis = names.xp.reshape(x, (-1,)), 0
    return names.xp.cumulative_sum(x, axis=axis, dtype=dtype)


def _cumprod(names, x, axis=None, dtype=None):
    x = names.asarray_like(x)
    if axis is None:
        x, axis = names.xp.reshape(x, (-1,)), 0
    return names.xp.cumulative_prod(x, axis=axis, dtype=dtype)


def _clip(names, x, a_min=None, a_max=None, **kwargs):
    return names.xp.clip(x, kwargs.get("min", a_min), kwargs.get("max", a_max))


def _expand_dims(names, x, axis):
    x = names.asarray_like(x)
    for a in sorted(axis) if isinstance(axis, (tuple, list)) else (axis,):
        x = names.xp.expand_dims(x, axis=a)
    return x


def _matrix_power(names, a, n):
    """``np.linalg.matrix_power`` by repeated squaring (the inverse's powers for ``n < 0``)."""
    a = names.asarray_like(a)
    if n < 0:
        a, n = names.xp.linalg.inv(a), -n
    out = None
    while n:
        if n & 1:
            out = a if out is None else names.xp.matmul(out, a)
        n >>= 1
        if n:
            a = names.xp.matmul(a, a)
    if out is None:
        eye = names.xp.eye(a.shape[-1], dtype=a.dtype)
        return names.xp.broadcast_to(eye, tuple(a.shape))
    return out


def _multi_dot(names, arrays):
    return functools.reduce(lambda a, b: _dot(names, a, b), arrays)


def _norm(names, x, ord=None, axis=None, keepdims=False):
    if ord is None or (ord in (1, 2, np.inf, -np.inf) and (x.ndim == 1 or isinstance(axis, int))):
        return names.xp.linalg.vector_norm(x, axis=_axis(axis), keepdims=keepdims, ord=2 if ord is None else ord)
    if ord == "fro":
        return names.xp.linalg.vector_norm(x, axis=_axis(axis) if axis is not None else (-2, -1), keepdims=keepdims)
    raise ArrayLibraryError("np.linalg.norm with ord={!r}: s2s has no version of it for {}".format(ord, names.library))


def _triangle(name):
    def triangle(names, m, k=0):  # the standard takes the diagonal's offset by keyword only
        return getattr(names.xp, name)(names.asarray_like(m), k=k)
    return triangle


def _squeeze(names, x, axis=None):
    x = names.asarray_like(x)
    if axis is None:  # NumPy drops every axis of length 1; the standard wants them named
        axis = tuple(i for i, n in enumerate(x.shape) if n == 1)
    return names.xp.squeeze(x, axis=axis) if axis != () else x


def _split(names, x, indices_or_sections, axis=0):
    """``np.split`` with slices: equal sections, or the pieces between the given indices."""
    x = names.asarray_like(x)
    axis = axis % x.ndim
    n = x.shape[axis]
    if isinstance(indices_or_sections, int):
        if n % indices_or_sections:
            raise ValueError("array split does not result in an equal division")
        step = n // indices_or_sections
        bounds = list(range(0, n + 1, step)) if step else [0] * (indices_or_sections + 1)
    else:
        cuts = indices_or_sections
        if isinstance(cuts, names.ndarray):
            cuts = [int(cuts[i]) for i in range(cuts.shape[0])]
        bounds = [0] + [int(c) for c in cuts] + [n]
    lead = (slice(None),) * axis
    return [x[lead + (slice(a, max(a, b)), Ellipsis)] for a, b in zip(bounds[:-1], bounds[1:])]


def _diagonal(names, x, offset=0, axis1=0, axis2=1):
    x = names.asarray_like(x)
    a1, a2 = axis1 % x.ndim, axis2 % x.ndim
    if (a1, a2) != (x.ndim - 2, x.ndim - 1):  # the standard's diagonal is over the last two axes
        rest = [i for i in range(x.ndim) if i not in (a1, a2)]
        x = names.xp.permute_dims(x, tuple(rest) + (a1, a2))
    return names.xp.linalg.diagonal(x, offset=offset)


def _atleast_1d(names, *arrays):
    out = [names.asarray_like(a) for a in arrays]
    out = [names.xp.reshape(a, (1,)) if a.ndim == 0 else a for a in out]
    return out[0] if len(out) == 1 else out


class Ufunc:
    """NumPy's ufunc methods that the helpers call (``np.multiply.outer``; ``np.add.at`` refused by
    name), over the adapter or standard function ``call(names, ...)``; ``bound(names)`` is the
    object standing for ``np.<name>``."""

    def __init__(self, name, call):
        self.name, self.call = name, call

    def bound(self, names):
        return _BoundUfunc(self, names)


class _BoundUfunc:
    def __init__(self, ufunc, names):
        self._ufunc, self._names = ufunc, names
        self.__name__ = ufunc.name

    def __call__(self, *args, **kwargs):
        return self._ufunc.call(self._names, *args, **kwargs)

    def outer(self, a, b):
        names = self._names
        a, b = names.asarray_like(a), names.asarray_like(b)
        return self(names.xp.reshape(a, tuple(a.shape) + (1,) * b.ndim), b)

    def at(self, *args, **kwargs):
        raise ArrayLibraryError(
            "np.{}.at: {} has no unbuffered in-place {} at repeated indices; pass NumPy arrays for this "
            "function".format(self._ufunc.name, self._names.library, self._ufunc.name))


def _standard(name):
    return lambda names, *args, **kwargs: lifting(names, getattr(names.xp, name), None)(*args, **kwargs)


def _ones_like(names, x, dtype=None):
    return names.xp.ones_like(names.asarray_like(x), dtype=dtype)


def _zeros_like(names, x, dtype=None):
    return names.xp.zeros_like(names.asarray_like(x), dtype=dtype)


ADAPTED = {
    "shape": _shape, "ndim": _ndim, "size": _size, "result_type": _result_type, "issubdtype": _issubdtype,
    "iscomplexobj": _iscomplexobj, "dtype": _dtype, "asarray": _asarray, "array": _array, "reshape": _reshape,
    "ravel": _ravel, "transpose": _transpose, "swapaxes": _swapaxes, "dot": _dot, "outer": _outer,
    "inner": _inner, "where": _where, "zeros": _zeros, "ones": _ones, "full": _full, "sum": _sum,
    "multiply": Ufunc("multiply", _multiply), "add": Ufunc("add", _standard("add")),
    "subtract": Ufunc("subtract", _standard("subtract")), "atleast_1d": _atleast_1d, "tril": _triangle("tril"), "triu": _triangle("triu"),
    "squeeze": _squeeze, "split": _split, "diagonal": _diagonal,
    "mean": _reduction("mean"), "prod": _reduction("prod"), "max": _reduction("max"), "min": _reduction("min"),
    "amax": _reduction("max"), "amin": _reduction("min"), "all": _reduction("all"), "any": _reduction("any"),
    "cumsum": _cumsum, "cumprod": _cumprod, "clip": _clip, "expand_dims": _expand_dims, "ones_like": _ones_like,
    "zeros_like": _zeros_like, "linalg.multi_dot": _multi_dot, "linalg.matrix_power": _matrix_power, "linalg.norm": _norm,
    "newaxis": None, "copy": _copy, "broadcast_to": _broadcast_to,
}
# for the NumPy-speaking libraries only these adapters apply (their own functions are NumPy's)
def _native_reshape(names, x, shape, order="C"):
    if order != "C":
        raise ArrayLibraryError("np.reshape with order={!r}: {} reshapes in C order only".format(order, names.library))
    return names.native.reshape(x, shape)


NATIVE_ADAPTED = {"reshape": _native_reshape, "shape": _shape, "ndim": _ndim, "size": _size, "newaxis": None, "copy": lambda names, x: x.copy(),
                   "result_type": lambda names, *values: np.result_type(*[getattr(v, "dtype", v) for v in values])}

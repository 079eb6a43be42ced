"""Runtime helpers that look at memory, for the arrays of libraries other than NumPy.

A few helpers ask NumPy about memory (``core.apart``: does ``whole[...] = value`` read a view of
what it writes?). ``np.shares_memory`` and ``__array_interface__`` speak of NumPy arrays only, so
for another library ``s2s.runtime.namespaces.rebound_helpers`` puts the functions of ``REPLACED``
in their place, each taking the library's ``NumpyNames`` first, then the helper's own parameters,
and giving what the helper gives:

- Dask: a write builds a new graph from the old values, so a value never overlaps what it is
  written into (nothing to check);
- arrays in the process's memory (array-api-strict, PyTorch CPU tensors): NumPy views of the same
  memory, through DLPack; array-api-strict writes with NumPy itself, so NumPy's check runs on the
  views, and PyTorch copies overlapping memory its own way, so any overlap is refused;
- arrays whose memory NumPy cannot see (a GPU): an ``ArrayLibraryError`` naming the library
  (as is PyTorch's overlap; the caller, s2s.api.arrays, adds the source line).

And for libraries that index only with every axis named, the helpers of ``INDEXED`` get their
index completed with ``...`` (``full_index``), as the generated code's own subscripts are
(s2s.api.array_methods).

NumPy arguments never reach this module.
"""
import numpy as np

from s2s.runtime import core
from s2s.runtime.core import ArrayLibraryError

_NUMPY_WRITES = ("array_api_strict",)  # libraries whose item writes are NumPy's own


def host_view(names, x):
    """A NumPy array over the memory of ``x`` (an array of ``names``' library), or ``None``."""
    try:
        return np.from_dlpack(x)
    except (BufferError, RuntimeError, TypeError, ValueError, AttributeError):
        return None


def apart(names, value, whole, region, where="", text=""):
    """``core.apart`` for the arrays of ``names``' library: ``value``, after checking that
    ``whole[...] = value`` (``region`` is ``whole[...]``) reads no memory it writes first."""
    if names.lazy or not (isinstance(value, names.ndarray) and isinstance(whole, names.ndarray)):
        return value
    value_view, whole_view = host_view(names, value), host_view(names, whole)
    if value_view is None or whole_view is None:
        raise ArrayLibraryError(
            "s2s cannot see the memory of {} arrays on {} to check that the value written does not overlap "
            "what it is written into; pass arrays in the process's memory, or copy the value first "
            "(`... = (...).copy()`)".format(names.library, names.device))
    region_view = host_view(names, region) if isinstance(region, names.ndarray) else None
    if names.library in _NUMPY_WRITES:
        core.apart(value_view, whole_view, region_view, where, text)
        return value
    if region_view is None or not np.shares_memory(region_view, whole_view):
        region_view = whole_view  # an advanced index: the write is not into a view; all of whole counts
    if np.shares_memory(value_view, region_view):
        raise ArrayLibraryError(
            "the value is a view of the array this line writes into, and the two overlap: {} then copies in "
            "an order of its own, which s2s does not follow; copy the value first (`... = (...).copy()`)".format(
                names.library))
    return value


_BUILTIN_DTYPES = {float: "float64", int: "int64", bool: "bool", complex: "complex128"}


def library_dtype(names, dtype):
    """NumPy's ``dtype`` (``float``, ``np.float32``, ``np.dtype("f4")``, ``"float32"``) as the dtype of
    ``names``' library; a dtype of the library comes back as it is."""
    name = _BUILTIN_DTYPES.get(dtype)
    if name is None:
        try:
            name = np.dtype(dtype).name
        except TypeError:
            return dtype  # the library's own
    return getattr(names.xp, name)


def astype(names, x, dtype, order="K", casting="unsafe", subok=True, copy=True):
    """``core.astype`` (``x.astype(dtype, ...)``) for the arrays of ``names``' library."""
    return names.xp.astype(names.asarray_like(x), library_dtype(names, dtype), copy=copy)


def full_index(names, obj, k):
    """``k`` naming every axis of ``obj`` (``x[0]`` of a matrix is ``x[0, ...]``), where ``obj`` is an
    array of ``names``' library and ``k`` a basic index naming fewer: the standard indexes no other
    way. Anything else comes back as it is."""
    if not isinstance(obj, names.ndarray):
        return k
    parts = k if isinstance(k, tuple) else (k,)
    if any(p is Ellipsis or p is None or isinstance(p, (names.ndarray, list, bool)) for p in parts):
        return k
    if len(parts) < len(obj.shape):
        return parts + (Ellipsis,)
    return k


def indexing(names, helper, array_at, index_at):
    """``helper`` with its argument ``index_at`` made a ``full_index`` of its argument ``array_at``."""
    def indexed(*args):
        if len(args) > index_at:
            args = list(args)
            args[index_at] = full_index(names, args[array_at], args[index_at])
        return helper(*args)
    indexed.__name__ = helper.__name__
    return indexed


REPLACED = {"apart": apart}
# and for the libraries without NumPy's array methods (array-api-strict, PyTorch through the standard)
STANDARD_REPLACED = {"astype": astype}
# core's helpers that index an array with an index of the generated code: (array, index) positions,
# for the libraries that index only with every axis named (array-api-strict, PyTorch through the standard)
INDEXED = {"add_into": (0, 1), "zero_at": (0, 1), "read_at": (0, 1), "unread_at": (1, 2)}

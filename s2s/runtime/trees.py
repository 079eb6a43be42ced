"""Containers with named entries: dicts, dataclass instances, named tuples and plain objects.

Generated code keeps a dict or record argument as it is and reads its
entries with ``d[k]`` (dicts) or ``getfield(p, "name")`` (attributes). The
adjoint of such a value is a dict from entry name to adjoint, holding only
the entries that received one (a missing entry is zero); ``finalize`` turns
it into a value of the argument's own structure with ``rebuilt_like``: a
dict for a dict, ``dataclasses.replace`` for a dataclass, ``_replace`` for a
named tuple, and ``copy.copy`` with the attributes set for a plain object.
Entries that are not floating-point (ints, bools, strings, None, other
objects) get ``None`` there: they have no gradient.

This module imports nothing else from s2s: ``core`` builds on it. The
standard modules are imported inside the functions, so that a standalone file
copying ``finalize`` imports them only when it reads a dict or record.
"""
import numpy as np

def is_dict(x):
    return isinstance(x, dict)


def is_record(x):
    """A dataclass instance or a plain object whose attributes a function may read (not a named tuple)."""
    if isinstance(x, (float, int, np.ndarray, np.generic, list, tuple, dict, str)):
        return False
    import dataclasses
    import numbers
    import types

    if isinstance(x, (numbers.Number, np.ndarray, np.generic, str, bytes, type(None), type(Ellipsis), slice, range,
                      list, tuple, dict, type, types.ModuleType, types.FunctionType, types.MethodType,
                      types.BuiltinFunctionType)):
        return False
    if dataclasses.is_dataclass(x):
        return True
    if hasattr(x, "shape") and hasattr(x, "dtype") and hasattr(x, "ndim"):
        return False  # an array of another library (Dask, PyTorch, CuPy): a value, not a record
    return hasattr(x, "__dict__") and type(x).__module__ not in ("builtins", "numpy", "numpy.random")


def is_named(x):
    """A dict or a record: a value whose entries have names."""
    return isinstance(x, dict) or is_record(x)


def entries(x):
    """(name, value) of each entry of a dict or record, in their order."""
    import dataclasses

    if isinstance(x, dict):
        return list(x.items())
    if dataclasses.is_dataclass(x):
        return [(f.name, getattr(x, f.name)) for f in dataclasses.fields(x)]
    return list(vars(x).items())


def rebuilt_like(x, values):
    """A value of the structure of the dict or record ``x`` with the entries of the dict ``values``."""
    import copy
    import dataclasses

    if isinstance(x, dict):
        return {k: values[k] for k in x}
    if dataclasses.is_dataclass(x):
        init = {f.name: values[f.name] for f in dataclasses.fields(x) if f.init}
        out = dataclasses.replace(x, **init)
        for f in dataclasses.fields(x):
            if not f.init:
                object.__setattr__(out, f.name, values[f.name])
        return out
    out = copy.copy(x)
    for k in vars(x):
        object.__setattr__(out, k, values[k])
    return out


def mapping_keys(d):
    """The keys of the dict ``d``, in its order, as a list (``for k, v in d.items()`` indexes them)."""
    if not isinstance(d, dict):
        raise TypeError("`.items()`, `.keys()` and `.values()` in a differentiated loop need a dict, "
                        "not {}".format(type(d).__name__))
    return list(d)


def dict_of(values, keys):
    """``{keys[0]: values[0], ...}``: a dict display or comprehension of the differentiated function
    (``values`` a tuple or list; as a tangent or adjoint, the zero ``0.0`` stands for every entry: a dict
    without entries). A key given twice keeps its last value, as in Python."""
    if isinstance(values, float) and values == 0.0:
        return {}
    return dict(zip(keys, values))


def dict_entries(d, keys):
    """The entries of the adjoint or tangent ``d`` (a dict, a record or named tuple, or the zero ``0.0``) at
    ``keys``, as a tuple (a list for a list of keys): ``0.0`` for those it does not hold, for every entry
    of the zero, and for each but the last place of a key given twice (``dict_of`` keeps the last value)."""
    last = {k: i for i, k in enumerate(keys)}
    items = [getfield(d, k) if last[k] == i else 0.0 for i, k in enumerate(keys)]
    return items if isinstance(keys, list) else tuple(items)


def record_of(cls, values, names):
    """``cls(name=value, ...)``: a dataclass or named tuple the differentiated function builds."""
    return cls(**dict(zip(names, values)))


def record_dots(cls, dots, names):
    """The tangent (or adjoint) of ``record_of(cls, values, names)`` for the tangents ``dots`` of the values
    (``cls`` may be an instance of the class):
    a named tuple of ``cls`` (zero for the fields left to their defaults), a dict for a dataclass (its
    missing entries are zero), the zero ``0.0`` for a zero."""
    if isinstance(dots, float) and dots == 0.0:
        return 0.0
    cls = cls if isinstance(cls, type) else type(cls)  # the class, or an instance of it
    given = dict(zip(names, dots))
    if hasattr(cls, "_fields"):
        return cls(*[given.get(f, 0.0) for f in cls._fields])
    return given


def record_replace(x, values, names):
    """``dataclasses.replace(x, name=value, ...)`` for a dataclass, ``x._replace(...)`` for a named tuple."""
    import dataclasses

    if hasattr(x, "_fields") and isinstance(x, tuple):
        return x._replace(**dict(zip(names, values)))
    if not dataclasses.is_dataclass(x) or isinstance(x, type):
        raise TypeError("dataclasses.replace(...) in a differentiated function takes a dataclass instance, not "
                        "{}".format(type(x).__name__))
    return dataclasses.replace(x, **dict(zip(names, values)))


def replaced_dots(x_dot, dots, names):
    """The tangent of ``record_replace(x, values, names)``: the tangent ``x_dot`` of ``x`` (a dict, a named
    tuple or the zero ``0.0``) with the entries ``names`` replaced by ``dots`` (0.0 for a zero)."""
    given = dict(zip(names, (0.0,) * len(names) if isinstance(dots, float) and dots == 0.0 else dots))
    if hasattr(x_dot, "_fields") and isinstance(x_dot, tuple):
        return x_dot._replace(**given)
    out = dict(x_dot) if isinstance(x_dot, dict) else {}
    out.update(given)
    return out


def record_entries(g, like, names):
    """The entries ``names`` of the adjoint or tangent ``g`` of a dataclass or named tuple (``like``, the
    class or an instance, says its fields): a tuple, as ``dict_entries`` reads them, also where ``g`` is
    a plain tuple or list for a named tuple."""
    if isinstance(g, (tuple, list)) and not hasattr(g, "_fields"):
        return tuple(g[like._fields.index(n)] for n in names)
    return dict_entries(g, tuple(names))


def without_entries(g, like, names):
    """The adjoint ``g`` of the record ``like`` (``g`` a dict, a named tuple or tuple, or the zero ``0.0``)
    with the entries ``names`` zero: what reaches ``x`` in ``record_replace(x, values, names)``."""
    if isinstance(g, dict):
        return {k: v for k, v in g.items() if k not in names}
    if isinstance(g, (tuple, list)):
        return type(like)(*[(np.zeros_like(v) if isinstance(v, np.ndarray) else 0.0) if f in names else v
                            for f, v in zip(like._fields, g)])
    return g


def drop_entry(d, key):
    """Undo ``d[key] = v`` where ``d`` held no entry ``key`` before (the reverse sweep's restore)."""
    d.pop(key, None)


def dict_copy(d):
    """``dict(d)`` in a differentiated function: a copy of the dict ``d`` (its adjoint and tangent are dicts too)."""
    if not isinstance(d, dict):
        raise TypeError("`dict(...)` in a differentiated function copies a dict, not {}: build the dict with "
                        "a display ({{'k': v}}) instead".format(type(d).__name__))
    return dict(d)


def getfield(x, name):
    """``x.name`` for a record or named tuple, ``x[name]`` for a dict (an adjoint or tangent of a record),
    and the zero ``0.0`` as it is."""
    if isinstance(x, dict):
        return x.get(name, 0.0)
    if isinstance(x, float) and not isinstance(x, np.generic) and x == 0.0:
        return 0.0
    return getattr(x, name)


def field_index(x, name):
    """The position of the field ``name`` of the named tuple ``x``."""
    return type(x)._fields.index(name)


def is_differentiable_leaf(x):
    """Whether a leaf value can carry a gradient: a float, complex or inexact array."""
    if isinstance(x, (bool, np.bool_)):
        return False
    if isinstance(x, (np.ndarray, np.generic)):
        return np.issubdtype(x.dtype, np.inexact)
    if isinstance(x, (float, complex)):
        return True
    dtype = getattr(x, "dtype", None)  # an array of another library (torch.float32, array_api_strict.float64)
    return dtype is not None and hasattr(x, "shape") and ("float" in str(dtype) or "complex" in str(dtype))


def path_text(path):
    """``path`` (a tuple of keys, indices and attribute names) as Python would write it: ``['W'][0].b``."""
    return "".join(".{}".format(p[1]) if isinstance(p, tuple) else "[{!r}]".format(p) for p in path)


def mismatch(value, other, path=()):
    """Why ``other`` (a tangent or cotangent) does not have the structure and shapes of ``value``, naming the
    first wrong entry (``['W1']: shape (2,) instead of (3, 2)``); ``None`` when it has.

    A dict or record of the same names, or a dict for a record, matches a dict or record; the
    entries that are not floating-point may hold anything."""
    import numbers

    here = path_text(path) or "the whole value"
    if is_named(value):
        if not is_named(other):
            return "{}: a {} of entries {} instead of {}".format(here, type(value).__name__, _names(value),
                                                                _describe(other))
        names = [k for k, _ in entries(value)]
        given = [k for k, _ in entries(other)]
        missing = [k for k in names if k not in given and is_differentiable_leaf_tree(dict(entries(value))[k])]
        extra = [k for k in given if k not in names]
        if missing or extra:
            return "{}: entries {} instead of {}".format(here, _names(other), _names(value))
        for k, v in entries(value):
            if k in given:
                why = mismatch(v, getfield(other, k), path + (((None, k),) if is_record(value) else (k,)))
                if why:
                    return why
        return None
    if isinstance(value, (list, tuple)):
        if not isinstance(other, (list, tuple)) or len(other) != len(value):
            return "{}: a {} of {} instead of {}".format(here, type(value).__name__, len(value), _describe(other))
        for i, (v, o) in enumerate(zip(value, other)):
            why = mismatch(v, o, path + (i,))
            if why:
                return why
        return None
    if not is_differentiable_leaf(value) and not isinstance(value, numbers.Number):
        return None  # a string, None or another object: anything goes
    if is_named(other) or isinstance(other, (list, tuple)) or np.shape(other) != np.shape(value):
        return "{}: {} instead of shape {}".format(here, _describe(other), np.shape(value))
    return None


def is_differentiable_leaf_tree(x):
    """Whether ``x`` holds a floating-point value anywhere."""
    if is_named(x):
        return any(is_differentiable_leaf_tree(v) for _, v in entries(x))
    if isinstance(x, (list, tuple)):
        return any(is_differentiable_leaf_tree(v) for v in x)
    return is_differentiable_leaf(x)


def _names(x):
    return "(" + ", ".join(repr(k) for k, _ in entries(x)) + ")"


def _describe(x):
    if is_named(x):
        return "a {} of entries {}".format(type(x).__name__, _names(x))
    if isinstance(x, (list, tuple)):
        return "a {} of {}".format(type(x).__name__, len(x))
    return "shape {}".format(np.shape(x))


def field_grad(g, x, name):
    """The adjoint of ``x`` in ``getfield(x, name)``: ``g`` at the entry ``name``, zero elsewhere."""
    if hasattr(x, "_fields"):
        return type(x)(*[g if f == name else 0.0 for f in x._fields])
    return {name: g}


def as_tangent(value, t):
    """The tangent or cotangent ``t`` of ``value`` (checked by ``mismatch``) in the form generated code
    reads: dicts for dicts and records, and the zero ``0.0`` for every entry that is not
    floating-point, whatever ``t`` held there."""
    if is_named(value):
        return {k: as_tangent(v, getfield(t, k)) for k, v in entries(value)}
    if isinstance(value, (list, tuple)):
        items = [as_tangent(v, ti) for v, ti in zip(value, t)]
        return type(value)(*items) if hasattr(value, "_fields") else type(value)(items)
    return t if is_differentiable_leaf(value) else 0.0

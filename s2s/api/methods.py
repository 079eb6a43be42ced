"""Bound methods, callable objects and the methods of records, for the transforms.

``unbound`` splits a bound method (or an object whose class defines
``__call__``) into the function and the object, which becomes the function's
first argument ``self``; ``after_self`` shifts ``wrt`` indices past it.
``record_methods`` finds the methods that the classes of the record arguments
define, which ``self.predict(x)`` calls (s2s/common/records.py), and their
``__call__``, which ``model(x)`` calls for an argument ``model`` the function
never assigns.
"""
import inspect
import numbers
import types

import numpy as np

from s2s.rules import templates
from s2s.runtime import entries, is_named

NO_RECEIVER = object()


def holds_named(value):
    """Whether ``value`` is or holds a dict or record (its tangent is then given to generated code
    as ``as_tangent`` makes it)."""
    if isinstance(value, (list, tuple)):
        return any(holds_named(v) for v in value)
    return is_named(value)


def callable_record(value):
    """Whether ``value`` is a record (not a dict) whose class defines ``__call__`` in Python."""
    return is_named(value) and not isinstance(value, dict) and isinstance(
        inspect.getattr_static(type(value), "__call__", None), types.FunctionType)


def record_methods(values):
    """((name, function), ...): the methods defined in Python by the classes of the records in ``values``
    (at any depth), which ``self.name(...)`` inside the function calls; see s2s/common/records.py."""
    found, seen = {}, set()

    def walk(x):
        if id(x) in seen:
            return
        seen.add(id(x))
        if isinstance(x, (list, tuple)):
            for e in x:
                walk(e)
        elif is_named(x):
            if not isinstance(x, dict):
                _add_methods(type(x), found)
            for _, e in entries(x):
                walk(e)

    for value in values:
        walk(value)
    return _unique(found)


def class_methods(klass):
    """``record_methods`` for an instance of ``klass`` (the command line's ``Class.method``, which has none)."""
    found = {}
    _add_methods(klass, found)
    return _unique(found)


def _add_methods(klass, found):
    for base in klass.__mro__[:-1]:
        for name, member in vars(base).items():
            if isinstance(member, types.FunctionType) and (not name.startswith("_") or name == "__call__"):
                found.setdefault(name, set()).add(inspect.getattr_static(klass, name))


def _unique(found):
    taken = set(templates.registry().methods) | set(dir(np.ndarray))
    return tuple(sorted((name, next(iter(fns))) for name, fns in found.items()
                        if len(fns) == 1 and name not in taken and isinstance(next(iter(fns)), types.FunctionType)))


def unbound(fn, keep=()):
    """(function, object) for a method bound to an object, or a callable object whose class defines
    ``__call__`` in Python (but is none of the classes ``keep``); (fn, NO_RECEIVER) otherwise. The object
    becomes the function's first argument, ``self``, a record whose float attributes ``wrt="self"``
    differentiates."""
    if not isinstance(fn, (types.FunctionType, types.MethodType, type) + tuple(keep)) and isinstance(
            getattr(type(fn), "__call__", None), types.FunctionType):
        fn = fn.__call__
    if isinstance(fn, types.MethodType) and isinstance(fn.__func__, types.FunctionType) \
            and not isinstance(fn.__self__, type):
        return fn.__func__, fn.__self__
    return fn, NO_RECEIVER


def after_self(wrt):
    """``wrt`` of a bound method: its indices count the parameters after self."""
    def shift(item):
        return item + 1 if isinstance(item, numbers.Integral) and not isinstance(item, bool) and item >= 0 else item
    return type(wrt)(shift(w) for w in wrt) if isinstance(wrt, (tuple, list)) else shift(wrt)

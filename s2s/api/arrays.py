"""Generated code on arrays of other libraries (Dask, CuPy, PyTorch, array-api-strict).

Takes a generated derivative (a transform's entry) and the arguments of one
call; leaves the function that runs it. For NumPy arguments that is the entry's
own function, untouched: ``namespace_of`` looks at the arguments' types and
nothing else happens. For arrays of another library, the entry's source is
loaded once more (and kept, per library and device) with ``np`` and NumPy's
functions bound to ``s2s.runtime.namespaces.NumpyNames`` of that library, and
with the runtime helpers re-made the same way: the generated source is the same
text, NumPy-looking, and one generated function serves every library. The
choice is made at call time, from the arguments, with ``array_api_compat``.

An error of the other library inside generated code becomes an
``ArrayLibraryError`` naming the source line the failing statement came from,
the library and what it said.
"""
import linecache
import re
import sys
import traceback
import types
import weakref

import numpy as np

from s2s import runtime
from s2s.api import array_methods
from s2s.backend import loader
from s2s.runtime import adapters, foreign, namespaces
from s2s.runtime.namespaces import ArrayLibraryError, namespace_of, rebound_helpers

__all__ = ["ArrayLibraryError", "namespace_of", "function_for", "run", "numpy_only"]

# every module of helpers, but those that make NumPy's names over other libraries (they keep NumPy's own)
_HELPER_MODULES = tuple(m for m in runtime.MODULES + runtime.SUPPORT
                        if m not in (adapters.__name__, foreign.__name__, namespaces.__name__))
_LOADED = weakref.WeakKeyDictionary()  # entry -> {names.key: function}
_ORIGIN = re.compile(r"^\s*# (\S+:\d+)  (.*)$")


def function_for(entry, names):
    """The generated function of ``entry`` with NumPy's names bound to ``names`` (loaded once)."""
    loaded = _LOADED.setdefault(entry, {})
    key = (names.xp.__name__, names.key)
    if key not in loaded:
        helpers = rebound_helpers(names, tuple(sys.modules[m] for m in _HELPER_MODULES))
        function = entry.function
        bindings = {name: _rebound(value, names, helpers) for name, value in entry.bindings.items()}
        globals_ = dict(function.__globals__)
        # every name the source reads: its local helpers (`_f_fwd`, ...) are not in the entry's code
        for name in (_code_names(function.__code__) | _code_names(compile(entry.source, "<s2s>", "exec"))) & \
                globals_.keys():
            globals_[name] = _rebound(globals_[name], names, helpers)
        rewrite = None
        if names.native is None:  # torch, array-api-strict: NumPy's methods, len and indexing through helpers
            rewrite = array_methods.rewritten
            globals_.update(array_methods.helpers(names))
        loaded[key] = loader.load(entry.source, entry.entry, bindings, globals_, function.__code__.co_filename,
                                  rewrite)
    return loaded[key]


def run(entry, names, args, kwargs):
    """Call ``entry``'s function on arrays of ``names``' library; its errors name the source line."""
    function = function_for(entry, names)
    if names.native is None and any(isinstance(a, np.generic) for a in args):
        args = tuple(_constant(a, names) if isinstance(a, np.generic) else a for a in args)  # np.float64(1.3)
    try:
        with names.guard():
            return function(*args, **kwargs)
    except ArrayLibraryError as err:
        raise ArrayLibraryError("{}: {}".format(_origin(err, function), err)).with_traceback(None) from None
    except runtime.S2SError:
        raise
    except Exception as err:  # the other library refused something NumPy accepts
        raise ArrayLibraryError(
            "{}: the derivative's code failed on {} arrays ({}: {}). s2s runs it with NumPy's names over that "
            "library; pass NumPy arrays for this function, or write the statement with functions the library "
            "has.".format(_origin(err, function), names.library, type(err).__name__, err)) from err


def numpy_only(what, where, args, kwargs=None):
    """Refuse the arrays of other libraries in ``what`` (``s2s.jacobian``, ...), which assembles NumPy results."""
    names = namespace_of(tuple(args) + tuple((kwargs or {}).values()))
    if names is not None:
        raise ArrayLibraryError(
            "{}: {} takes NumPy arrays, and got {} arrays (it assembles its result with NumPy, which would "
            "gather them); s2s.grad, s2s.vjp, s2s.jvp and s2s.hvp run on them, or pass NumPy arrays".format(
                where, what, names.library))


def _rebound(value, names, helpers):
    if isinstance(value, (np.ndarray, np.generic)) and names.native is None:
        return _constant(value, names)
    if value is np:
        return names
    if value is np.linalg:
        return names.linalg
    if value is np.fft:
        return names.fft
    if isinstance(value, types.FunctionType) and getattr(value, "__module__", None) in _HELPER_MODULES:
        return helpers.get(value.__name__, value)
    module = getattr(value, "__module__", None) or ""
    if callable(value) and not isinstance(value, type) and (module.startswith("numpy") or isinstance(value, np.ufunc)):
        owner = names.linalg if module.startswith("numpy.linalg") else names.fft if ".fft" in module else names
        return getattr(owner, value.__name__)
    return value


def _constant(value, names):
    """A NumPy array or scalar the function reads (a global, a closure's value) as an array of ``names``'
    library, where that array shares the NumPy array's memory (so a later in-place change shows as it
    does to NumPy); else ``value`` itself, which the library then refuses (a GPU, another dtype)."""
    if value.dtype.kind not in ("fc" if isinstance(value, np.generic) else "biufc"):
        return value  # a NumPy integer stays one: a count, a shape, an index
    try:
        out = names.asarray_like(value)
    except Exception:
        return value
    if isinstance(value, np.generic):
        return out  # immutable: a copy is the same value
    view = foreign.host_view(names, out)
    return out if view is not None and np.shares_memory(view, value) else value


def _code_names(code):
    out = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            out |= _code_names(const)
    return out


def _origin(err, function):
    """'file:line `statement`' of the user's source line that the failing generated line came from."""
    filename = function.__code__.co_filename
    lineno = None
    for frame, line in traceback.walk_tb(err.__traceback__):
        if frame.f_code.co_filename == filename:
            lineno = line
    if lineno is None:
        return "{}".format(filename)
    lines = linecache.getlines(filename)
    for text in reversed(lines[:lineno]):
        match = _ORIGIN.match(text)
        if match:
            return "{} `{}`".format(match.group(1), match.group(2).strip())
    return "{}:{}".format(filename, lineno)

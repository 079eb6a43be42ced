"""Array namespaces: NumPy's names over the array library a call's arguments come from.

Generated code and the runtime helpers are written against NumPy (``np.exp``,
``np.sum(g, axis=0)``, ``isinstance(x, np.ndarray)``). NumPy arguments run them
as they are. For arguments of another library (Dask, CuPy, PyTorch,
array-api-strict, found with ``array_api_compat.array_namespace``) the same code
runs with ``np`` bound to a ``NumpyNames`` object: NumPy's names over that
library. It takes ``(library module, device)`` and leaves, for each NumPy name,

- the library's own function where the library speaks NumPy (``dask.array``,
  ``cupy``: same names, same semantics);
- otherwise the array API standard's function of the namespace, under NumPy's
  name (``np.arctan`` is ``atan``, ``np.concatenate`` is ``concat``), or a small
  adapter written with the standard (``np.dot``, ``np.outer``, ``np.ravel``,
  ``np.transpose``, ``np.result_type`` of Python numbers, ...: s2s/runtime/adapters.py);
- NumPy's own constants and scalar types (``np.pi``, ``np.inf``, ``np.generic``,
  ``np.inexact``), which the adapters of ``issubdtype`` understand;
- and for a name it has none of, an ``ArrayLibraryError`` naming the primitive and
  the library (raised when the code reaches it, not before).

``rebound_helpers(names)`` gives the runtime helpers re-made with ``np`` bound to
``names`` (the functions' code is shared; only their globals differ; the few that ask
NumPy about memory are s2s/runtime/foreign.py's instead), so no helper
needs a namespace parameter and NumPy calls pay nothing for the other libraries.
This module imports array_api_compat only when a non-NumPy array shows up.
"""
import contextlib
import functools
import sys
import types

import numpy as np

from s2s.runtime import core, foreign
from s2s.runtime.core import ArrayLibraryError
from s2s.runtime.adapters import ADAPTED, ELEMENTWISE, FLOATING, NATIVE_ADAPTED, Ufunc, lifting


# types whose values never make a call leave NumPy (checked first: the fast path)
_PLAIN = frozenset({float, int, bool, complex, str, type(None), np.ndarray, np.float64, np.float32, np.int64,
                    np.bool_, np.complex128})
# top-level modules of the libraries array_api_compat knows
_FOREIGN = ("torch", "dask", "cupy", "array_api_strict", "jax", "jaxlib", "sparse", "ndonnx")


def foreign_arrays(values, out=None, depth=4):
    """The arrays of libraries other than NumPy among ``values`` (lists, tuples and dicts looked into)."""
    out = [] if out is None else out
    for v in values:
        t = type(v)
        if t in _PLAIN:
            continue
        if t in (list, tuple) or isinstance(v, (list, tuple)):
            if depth:
                foreign_arrays(v, out, depth - 1)
        elif isinstance(v, dict):
            if depth:
                foreign_arrays(v.values(), out, depth - 1)
        elif t.__module__.partition(".")[0] in _FOREIGN:
            out.append(v)
    return out


def namespace_of(values):
    """``None`` when NumPy runs the call (no other library's array among ``values``); else the
    ``NumpyNames`` of the one library the arrays come from."""
    arrays = foreign_arrays(values)
    if not arrays:
        return None
    try:
        import array_api_compat
    except ImportError:
        raise ArrayLibraryError(
            "s2s runs with {} arrays through array-api-compat, which is not installed: pip install "
            "'s2s[arrays]' (or array-api-compat)".format(_library_name(arrays[0]))) from None
    try:
        xp = array_api_compat.array_namespace(*arrays)
    except TypeError as err:
        raise ArrayLibraryError("the arguments mix arrays of several libraries ({}); pass arrays of one "
                                "library (NumPy arrays may go with Dask ones)".format(err)) from None
    device = array_api_compat.device(arrays[0])
    return names_for(xp, str(device), device)


def _library_name(x):
    return type(x).__module__.partition(".")[0]


@functools.lru_cache(maxsize=None)
def _names(xp, key):
    return NumpyNames(xp, key[1])


def names_for(xp, key, device=None):
    """The ``NumpyNames`` of namespace ``xp`` on ``device`` (one per pair, kept)."""
    names = _names(xp, (xp.__name__, key))
    if names.device is None:
        names.device = device
    return names


# NumPy's name -> the array API standard's
_RENAMED = {"arccos": "acos", "arccosh": "acosh", "arcsin": "asin", "arcsinh": "asinh", "arctan": "atan",
            "arctan2": "atan2", "arctanh": "atanh", "power": "pow", "concatenate": "concat", "absolute": "abs",
            "amax": "max", "amin": "min", "conjugate": "conj", "true_divide": "divide", "bitwise_not": "bitwise_invert",
            "invert": "bitwise_invert"}
# NumPy-speaking libraries: the namespace array_api_compat gives -> the module with NumPy's names
_NATIVE = {"array_api_compat.dask.array": "dask.array", "array_api_compat.cupy": "cupy", "cupy": "cupy"}
# NumPy functions that look only at shapes and dtypes: safe to call on any library's array
_QUERIES = ("errstate", "seterr", "geterr", "may_share_memory", "broadcast_shapes", "issubdtype", "iscomplexobj", "dtype")


class NumpyNames:
    """NumPy's names over the array namespace ``xp`` (see the module docstring); ``library`` names it
    in errors, ``ndarray`` is its array type."""

    def __init__(self, xp, key):
        self.xp = xp
        self.key = key
        self.device = None
        native = _NATIVE.get(xp.__name__)
        self.native = _import(native) if native else None
        self.library = (native or xp.__name__.replace("array_api_compat.", "")).partition(".")[0]
        self.ndarray = _array_type(xp, self.native)
        self.adapted = NATIVE_ADAPTED if self.native is not None else ADAPTED
        self.lazy = self.library == "dask"  # computing a value to branch on would gather it (core.may_hold)
        self.linalg = _Submodule(self, "linalg")
        self.fft = _Submodule(self, "fft")

    def __repr__(self):
        return "<NumPy's names over {}>".format(self.library)

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        value = self.lookup(name, "np." + name, self.native, self.xp, self.adapted, "")
        setattr(self, name, value)
        return value

    def lookup(self, name, text, native, xp, adapted, prefix):
        """The value standing for NumPy's ``text`` (``np.<name>`` or ``np.linalg.<name>``)."""
        if isinstance(adapted.get(prefix + name), Ufunc):
            return adapted[prefix + name].bound(self)
        if prefix + name in adapted:
            return functools.partial(adapted[prefix + name], self) if callable(adapted[prefix + name]) else \
                adapted[prefix + name]
        if native is not None and hasattr(native, name):
            return getattr(native, name)
        if native is not None and prefix + name in ADAPTED and callable(ADAPTED[prefix + name]):
            return functools.partial(ADAPTED[prefix + name], self)  # written with the standard
        standard = _RENAMED.get(name, name) if not prefix else name
        if xp is not None and hasattr(xp, standard) and not isinstance(getattr(xp, standard), types.ModuleType):
            value = getattr(xp, standard)
            if standard in FLOATING:
                return lifting(self, value, float)
            return lifting(self, value, None) if standard in ELEMENTWISE else value
        value = getattr(np if not prefix else getattr(np, prefix.rstrip(".")), name, None)
        if value is not None and (not callable(value) or isinstance(value, type)) and not prefix:
            return value  # constants and scalar types
        if name in _QUERIES:
            return value
        return _missing(self, text)

    def guard(self):
        """A context in which computing a value of a lazy library raises ArrayLibraryError (nothing for others)."""
        if not self.lazy:
            return contextlib.nullcontext()
        import dask
        return dask.config.set(scheduler=_refuse_compute)

    def asarray_like(self, value, like=None):
        if isinstance(value, self.ndarray):
            return value
        dtype = like.dtype if like is not None and isinstance(like, self.ndarray) else None
        if dtype is not None and isinstance(value, (int, float)) and not isinstance(value, bool):
            return self.xp.asarray(value, dtype=dtype, **self._device())
        return self.xp.asarray(value, **self._device())

    def _device(self):
        return {} if self.device is None or self.native is not None else {"device": self.device}


class _Submodule:
    """``np.linalg`` and ``np.fft`` over the namespace's extensions of those names."""

    def __init__(self, names, name):
        self._names, self._name = names, name

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        names = self._names
        native = getattr(names.native, self._name, None) if names.native is not None else None
        value = names.lookup(name, "np.{}.{}".format(self._name, name), native, getattr(names.xp, self._name, None),
                             names.adapted, self._name + ".")
        setattr(self, name, value)
        return value


def _refuse_compute(dsk, keys, **kwargs):
    raise ArrayLibraryError(
        "the derivative needs the value of a Dask array to go on (an `if` or `while` on an array value, "
        "float(), .item(), np.asarray or a printed value), and s2s builds a Dask gradient as one graph, computing "
        "nothing: write the condition with np.where, or pass NumPy arrays (x.compute()) for this function")


def _import(name):
    __import__(name)
    return sys.modules[name]


def _array_type(xp, native):
    if native is not None:
        return native.ndarray if hasattr(native, "ndarray") else native.Array
    probe = xp.asarray(0.0)
    return type(probe)


def _missing(names, text):
    def missing(*args, **kwargs):
        raise ArrayLibraryError(
            "{}: {} has no such function, and s2s has no version of it written with the array API standard; "
            "pass NumPy arrays (np.asarray) for this function, or write it with array API functions".format(
                text, names.library))
    missing.__name__ = text
    return missing


def rebound_helpers(names, modules):
    """{helper name: the helper re-made with ``np`` bound to ``names``} for every function defined in
    ``modules`` (module objects); helpers calling each other reach the re-made ones."""
    cache = names.__dict__.setdefault("_helpers", {})
    key = tuple(m.__name__ for m in modules)
    if key in cache:
        return cache[key]
    spaces = {m.__name__: dict(vars(m)) for m in modules}
    made = {}
    for module in modules:
        for attr, value in vars(module).items():
            if isinstance(value, types.FunctionType) and value.__module__ in spaces:
                if id(value) not in made:
                    clone = types.FunctionType(value.__code__, spaces[value.__module__], value.__name__,
                                               value.__defaults__, value.__closure__)
                    clone.__kwdefaults__ = value.__kwdefaults__
                    clone.__doc__, clone.__qualname__ = value.__doc__, value.__qualname__
                    clone.__module__ = value.__module__
                    made[id(value)] = (value, clone)
    for value, clone in list(made.values()):  # helpers asking NumPy about memory: s2s.runtime.foreign's
        if value.__name__ in foreign.REPLACED and value.__module__ == core.__name__:
            made[id(value)] = (value, functools.partial(foreign.REPLACED[value.__name__], names))
        elif value.__name__ in foreign.STANDARD_REPLACED and value.__module__ == core.__name__ \
                and names.native is None:
            made[id(value)] = (value, functools.partial(foreign.STANDARD_REPLACED[value.__name__], names))
        elif value.__name__ in foreign.INDEXED and value.__module__ == core.__name__ and names.native is None:
            made[id(value)] = (value, foreign.indexing(names, clone, *foreign.INDEXED[value.__name__]))
    for space in spaces.values():
        for attr, value in list(space.items()):
            if isinstance(value, types.FunctionType) and id(value) in made:
                space[attr] = made[id(value)][1]
            elif value is np:
                space[attr] = names
    out = {value.__name__: clone for value, clone in made.values()}
    cache[key] = out
    return out

"""The public transforms: ``grad``, ``value_and_grad`` and ``source``.

Each transform returns a callable that generates its derivative source the
first time it is called with a given structure of arguments (which arguments
are lists or tuples), then reuses it. Generation is cached per function code,
options and the identity of what the function's free names resolve to.
"""
import functools
import inspect
import numbers
import types

import numpy as np

from s2s import emit, loader, templates
from s2s.errors import ArgumentError, S2SError
from s2s.parse import parse_function
from s2s.transform import transform

_CACHE = {}
_TRANSFORMS = [0]


def transform_count():
    """How many times a function has been transformed (cache misses), for tests."""
    return _TRANSFORMS[0]


def _wrt_names(fn, wrt, sig=None):
    sig = sig or inspect.signature(fn)
    params = list(sig.parameters.values())
    positional = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    names = [p.name for p in params if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    as_tuple = isinstance(wrt, (tuple, list))
    items = list(wrt) if as_tuple else [wrt]
    if as_tuple and not items:
        raise ArgumentError("{}: wrt=() names no parameter; pass an index or a name of {}".format(
            _where(fn), ", ".join(names)))
    out = []
    for item in items:
        if isinstance(item, bool) or not isinstance(item, (numbers.Integral, str)):
            raise ArgumentError("{}: wrt must be a parameter index or name (or a tuple of them), not {!r}".format(
                _where(fn), item))
        if isinstance(item, str):
            if item not in names:
                raise ArgumentError("{}: wrt={!r}, but {} has no parameter of that name; its parameters are {}.".format(
                    _where(fn), item, fn.__name__, ", ".join(names) or "none"))
            out.append(item)
        else:
            index = int(item)
            if not -len(positional) <= index < len(positional):
                raise ArgumentError("{}: wrt={} is out of range: {} has {} positional parameter(s) ({}).".format(
                    _where(fn), index, fn.__name__, len(positional), ", ".join(positional) or "none"))
            out.append(positional[index])
    if len(set(out)) != len(out):
        raise ArgumentError("{}: wrt names a parameter twice: {!r}".format(_where(fn), wrt))
    return tuple(out), as_tuple


def _where(fn):
    code = getattr(fn, "__code__", None)
    if code is None:
        return repr(fn)
    return "{}:{}".format(code.co_filename, code.co_firstlineno)


def _is_int_value(value):
    if isinstance(value, (bool, numbers.Integral, np.integer, np.bool_)):
        return True
    return isinstance(value, np.ndarray) and (np.issubdtype(value.dtype, np.integer) or value.dtype == bool)


class Transformed:
    """A derivative of ``fn``; calling it runs generated code."""

    def __init__(self, fn, wrt, kind, options):
        _check_readable(fn)  # fail early when the source cannot be read
        self.fn = fn
        self.kind = kind
        self.options = dict(options)
        self.signature = inspect.signature(fn)
        self.wrt, self.as_tuple = _wrt_names(fn, wrt, self.signature)
        self._generated = {}
        self._last = None
        functools.update_wrapper(self, fn, assigned=("__module__", "__name__", "__qualname__"), updated=())
        self.__doc__ = "{} of {} with respect to {}.".format(
            "Value and gradient" if kind == "value_and_grad" else "Gradient", fn.__name__, ", ".join(self.wrt))

    def __repr__(self):
        return "<s2s.{} of {} wrt {}>".format(self.kind, self.fn.__qualname__, ", ".join(self.wrt))

    def _containers(self, args, kwargs):
        try:
            bound = self.signature.bind(*args, **kwargs)
        except TypeError as err:
            raise ArgumentError("{}: {} of {} called with arguments that do not match {}{}: {}".format(
                _where(self.fn), self.kind, self.fn.__name__, self.fn.__name__, self.signature, err)) from None
        for name in self.wrt:
            if name in bound.arguments and _is_int_value(bound.arguments[name]):
                raise ArgumentError(
                    "{}: argument `{}` of {} is an integer ({!r}); s2s differentiates only floating-point "
                    "values. Pass a float (for example {}(...) with {}=float(...)) or an array of floats.".format(
                        _where(self.fn), name, self.fn.__name__, bound.arguments[name], self.fn.__name__, name))
        return frozenset(n for n, v in bound.arguments.items() if isinstance(v, (list, tuple)))

    def generated(self, containers=frozenset()):
        entry = self._generated.get(containers)
        if entry is None or not entry.fresh():
            entry = _generate(self.fn, self.wrt, self.kind, self.as_tuple, containers, self.options)
            self._generated[containers] = entry
            if self.options.get("verbose"):
                print(entry.source)
        self._last = entry
        return entry

    def __call__(self, *args, **kwargs):
        entry = self.generated(self._containers(args, kwargs))
        return entry.function(*args, **kwargs)

    @property
    def source(self):
        return (self._last or self.generated()).source


class _Entry:
    """One generated derivative: the callable, its source and what it was made from."""

    def __init__(self, function, source, deps, generated, closure):
        self.function = function
        self.source = source
        self.deps = deps
        self.bindings = generated.bindings  # names the loader binds (s2s.standalone reads them)
        self.entry = generated.entry
        self.closure = closure  # keeps the objects whose ids are in the key alive

    def fresh(self):
        """Whether every global name the transformed functions read still means the same object."""
        for namespace, name, obj in self.deps:
            if namespace.get(name, _ABSENT) is not obj:
                return False
        return True


_ABSENT = object()
_READABLE = {}  # code objects whose source parsed once: s2s.grad(f) need not parse it again


def _check_readable(fn):
    code = getattr(fn, "__code__", None)
    if code is None or code not in _READABLE:
        parse_function(fn)
        if code is not None:
            _READABLE[code] = True


def _dependencies(functions):
    """(namespace, name, object) for each global name the ``functions`` read, and for
    each attribute they read of a module they reach through a global name."""
    deps = {}
    for fn in functions:
        g = fn.__globals__
        names = _code_names(fn.__code__)
        for name in names:
            if name in g:
                deps[id(g), name] = (g, name, g[name])
                if isinstance(g[name], types.ModuleType):
                    attrs = vars(g[name])
                    for attr in names & attrs.keys():
                        deps[id(attrs), attr] = (attrs, attr, attrs[attr])
    return tuple(deps.values())


def _code_names(code):
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _code_names(const)
    return names


def _key(fn, wrt, kind, as_tuple, containers, options):
    closure = tuple(id(c.cell_contents) for c in (fn.__closure__ or ()) if _has_contents(c))
    return (fn.__code__, id(fn.__globals__), closure, wrt, kind, as_tuple, containers,
            tuple(sorted((k, repr(v)) for k, v in options.items() if k != "verbose")))


def _has_contents(cell):
    try:
        cell.cell_contents
        return True
    except ValueError:
        return False


def _generate(fn, wrt, kind, as_tuple, containers, options):
    key = _key(fn, wrt, kind, as_tuple, containers, options)
    entry = _CACHE.get(key)
    if entry is not None and entry.fresh():
        return entry
    registry = templates.registry()
    opts = {"tuple": as_tuple, "optimize": options.get("optimize", True)}
    generated = transform(fn, wrt, kind, registry, opts, containers)
    _TRANSFORMS[0] += 1
    source = emit.to_source(generated.functions)
    filename = "<s2s {} of {} wrt {} ({}:{})>".format(
        kind, fn.__name__, ", ".join(wrt), fn.__code__.co_filename.replace("\\", "/").rsplit("/", 1)[-1],
        fn.__code__.co_firstlineno)
    function = loader.load(source, generated.entry, generated.bindings, fn.__globals__, filename)
    closure = tuple(c.cell_contents for c in (fn.__closure__ or ()) if _has_contents(c))
    entry = _Entry(function, source, _dependencies((fn,) + generated.sources), generated, closure)
    _CACHE[key] = entry
    return entry


def _transform(kind, f, wrt, options):
    if f is None:
        return lambda g: _transform(kind, g, wrt, options)
    if isinstance(f, Transformed):
        raise S2SError("{!r}: differentiating generated code (higher order) arrives with forward mode; "
                       "use s2s.check_grad on the first derivative meanwhile.".format(f))
    return Transformed(f, wrt, kind, options)


def grad(f=None, wrt=0, *, verbose=False, optimize=True):
    """The gradient of the scalar function ``f`` with respect to ``wrt``.

    ``wrt`` is a parameter index or name, or a tuple of them: an int or name
    gives one gradient, a tuple a tuple of gradients. Works as a decorator,
    bare or with arguments. ``verbose=True`` prints the generated source when
    it is made; ``optimize=False`` skips the clean-ups of ``s2s/optimize.py``.
    """
    return _transform("grad", f, wrt, {"verbose": verbose, "optimize": optimize})


def value_and_grad(f=None, wrt=0, *, verbose=False, optimize=True):
    """Like ``grad``, but the callable returns ``(value, gradient)``."""
    return _transform("value_and_grad", f, wrt, {"verbose": verbose, "optimize": optimize})


def source(g):
    """The generated Python source of anything s2s returned."""
    if isinstance(g, Transformed):
        return g.source
    raise ArgumentError("s2s.source expects a function returned by s2s (grad, value_and_grad), not {!r}".format(g))

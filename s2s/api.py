"""The public transforms: ``grad``, ``value_and_grad`` and ``source``.

Each transform returns a callable that generates its derivative source the
first time it is called with a given structure of arguments (which arguments
are lists or tuples), then reuses it. Generation is cached per function code,
options and the identity of what the function's free names resolve to.
"""
import functools
import inspect
import numbers

import numpy as np

from s2s import checkpoint as _checkpoint
from s2s import emit, loader, templates
from s2s.errors import ArgumentError, S2SError
from s2s.parse import parse_function
from s2s.transform import transform

_CACHE = {}
_TRANSFORMS = [0]


def transform_count():
    """How many times a function has been transformed (cache misses), for tests."""
    return _TRANSFORMS[0]


def _wrt_names(fn, wrt):
    sig = inspect.signature(fn)
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
        parse_function(fn)  # fail early when the source cannot be read
        self.fn = fn
        self.kind = kind
        self.options = dict(options)
        self.wrt, self.as_tuple = _wrt_names(fn, wrt)
        self.signature = inspect.signature(fn)
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
        self._last = entry
        return entry

    def __call__(self, *args, **kwargs):
        entry = self.generated(self._containers(args, kwargs))
        return entry.function(*args, **kwargs)

    @property
    def source(self):
        return (self._last or self.generated()).source


class _Entry:
    def __init__(self, function, source, deps):
        self.function = function
        self.source = source
        self.deps = deps

    def fresh(self):
        return all(ns.get(name) is obj for ns, name, obj in self.deps)


def _dependencies(fn):
    """(globals, name, object) for each global name ``fn`` reads."""
    code = fn.__code__
    g = fn.__globals__
    return tuple((g, name, g[name]) for name in code.co_names if name in g)


def _key(fn, wrt, kind, as_tuple, containers, options):
    closure = tuple(id(c.cell_contents) for c in (fn.__closure__ or ()) if _has_contents(c))
    return (fn.__code__, id(fn.__globals__), closure, wrt, kind, as_tuple, containers,
            tuple(sorted((k, repr(v)) for k, v in options.items())))


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
    opts = {"tuple": as_tuple, "checkpoint": options.get("checkpoint")}
    generated = transform(fn, wrt, kind, registry, opts, containers)
    _TRANSFORMS[0] += 1
    source = emit.to_source(generated.functions)
    filename = "<s2s {} of {} ({}:{})>".format(kind, fn.__name__, fn.__code__.co_filename.rsplit("/", 1)[-1],
                                               fn.__code__.co_firstlineno)
    function = loader.load(source, generated.entry, generated.bindings, fn.__globals__, filename)
    if options.get("verbose"):
        print(source)
    entry = _Entry(function, source, _dependencies(fn))
    _CACHE[key] = entry
    return entry


def _transform(kind, f, wrt, options):
    if f is None:
        return lambda g: _transform(kind, g, wrt, options)
    if isinstance(f, Transformed):
        raise S2SError("{!r}: differentiating generated code (higher order) arrives with forward mode; "
                       "use s2s.check_grad on the first derivative meanwhile.".format(f))
    return Transformed(f, wrt, kind, options)


def _options(f, verbose, checkpoint, memory):
    where = _where(f) if f is not None else "s2s"
    return {"verbose": verbose, "checkpoint": _checkpoint.option(checkpoint, memory, where)}


def grad(f=None, wrt=0, *, verbose=False, checkpoint=None, memory=None):
    """The gradient of the scalar function ``f`` with respect to ``wrt``.

    ``wrt`` is a parameter index or name, or a tuple of them: an int or name
    gives one gradient, a tuple a tuple of gradients. Works as a decorator,
    bare or with arguments.

    ``checkpoint`` says how loops are reversed (loops marked with
    ``s2s.checkpointed`` in the source use their marker instead):

    - ``None`` (default): every iteration saves what its adjoint needs;
    - an int ``k``: at most ``k`` snapshots of the loop state; the adjoint
      sweep recomputes iterations from the nearest one (binomial schedule for
      ``for`` loops, online schedule for ``while`` loops and loops that break);
    - ``"auto"``: decided each time a loop starts, within ``memory`` bytes
      (default 1 GiB). It measures the loop state (what a snapshot holds) and
      the trip count; when ``trips * values saved per iteration * bytes of the
      largest state value`` fits, every iteration is stored, otherwise it
      keeps ``memory // bytes of the state`` snapshots.
    """
    return _transform("grad", f, wrt, _options(f, verbose, checkpoint, memory))


def value_and_grad(f=None, wrt=0, *, verbose=False, checkpoint=None, memory=None):
    """Like ``grad``, but the callable returns ``(value, gradient)``."""
    return _transform("value_and_grad", f, wrt, _options(f, verbose, checkpoint, memory))


def source(g):
    """The generated Python source of anything s2s returned."""
    if isinstance(g, Transformed):
        return g.source
    raise ArgumentError("s2s.source expects a function returned by s2s (grad, value_and_grad), not {!r}".format(g))

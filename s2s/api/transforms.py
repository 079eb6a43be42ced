"""The public transforms: ``grad``, ``value_and_grad`` and ``source``.

Each transform returns a callable that generates its derivative source the
first time it is called with a given structure of arguments (which arguments
are lists or tuples), then reuses it. Generation is cached per function code,
options and the identity of what the function's free names resolve to.
"""
import contextlib
import functools
import gc
import inspect
import numbers
import re
import types

import numpy as np

from s2s.reverse import checkpoint as _checkpoint
from s2s.analysis import shapes as shapes_module
from s2s.backend import display, emit, loader, numba_compile, numba_lower
from s2s.api import located
from s2s.rules import templates
from s2s.common.errors import ArgumentError, S2SError
from s2s.runtime import as_tangent, entries, finalize, is_named, mismatch, rebuilt, rebuilt_like
from s2s.frontend.parse import parse_function
from s2s.api.methods import NO_RECEIVER, after_self, callable_record, holds_named, record_methods, unbound
from s2s.api.pipeline import transform
from s2s.api import arrays

_CACHE = {}
_TRANSFORMS = [0]


def transform_count():
    """How many times a function has been transformed (cache misses), for tests."""
    return _TRANSFORMS[0]


def wrt_names(fn, wrt, sig=None):
    sig = sig or inspect.signature(fn)
    params = list(sig.parameters.values())
    positional = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    names = [p.name for p in params if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    as_tuple = isinstance(wrt, (tuple, list))
    items = list(wrt) if as_tuple else [wrt]
    if as_tuple and not items:
        raise ArgumentError("{}: wrt=() names no parameter; pass an index or a name of {}".format(
            location(fn), ", ".join(names)))
    out = []
    for item in items:
        if isinstance(item, bool) or not isinstance(item, (numbers.Integral, str)):
            raise ArgumentError("{}: wrt must be a parameter index or name (or a tuple of them), not {!r}".format(
                location(fn), item))
        if isinstance(item, str):
            if item not in names:
                raise ArgumentError("{}: wrt={!r}, but {} has no parameter of that name; its parameters are {}.".format(
                    location(fn), item, fn.__name__, ", ".join(names) or "none"))
            out.append(item)
        else:
            index = int(item)
            if not -len(positional) <= index < len(positional):
                raise ArgumentError("{}: wrt={} is out of range: {} has {} positional parameter(s) ({}).".format(
                    location(fn), index, fn.__name__, len(positional), ", ".join(positional) or "none"))
            out.append(positional[index])
    if len(set(out)) != len(out):
        raise ArgumentError("{}: wrt names a parameter twice: {!r}".format(location(fn), wrt))
    return tuple(out), as_tuple


def location(fn):
    code = getattr(fn, "__code__", None)
    if code is None:
        return repr(fn)
    return "{}:{}".format(code.co_filename, code.co_firstlineno)


def _is_int_value(value):
    if isinstance(value, (bool, numbers.Integral, np.integer, np.bool_)):
        return True
    return isinstance(value, np.ndarray) and (np.issubdtype(value.dtype, np.integer) or value.dtype == bool)


_DESCRIPTIONS = {
    "grad": "Gradient",
    "value_and_grad": "Value and gradient",
    "vjp": "Vector-Jacobian product",
    "jvp": "Jacobian-vector product",
}


class Transformed:
    """A derivative of ``fn``; calling it runs generated code.

    ``fn`` may itself be a gradient s2s returned (higher order): the
    generated code of ``fn`` is then what gets differentiated.
    """

    def __init__(self, fn, wrt, kind, options):
        fn, self.receiver = unbound(fn, (Transformed,))
        if self.receiver is not NO_RECEIVER:
            wrt = after_self(wrt)
        if isinstance(fn, Transformed):
            if fn.receiver is not NO_RECEIVER:
                raise ArgumentError("{!r}: s2s differentiates a derivative of a function, not one of a method "
                                    "bound to its object; differentiate {}.{} (the function, with self as its "
                                    "first argument) instead.".format(fn, type(fn.receiver).__name__,
                                                                      fn.base.__name__))
            if fn.kind not in _COMPOSABLE:
                raise ArgumentError(
                    "{!r}: s2s differentiates the result of grad or value_and_grad (or of a derivative built from "
                    "them); the {} result of s2s.{} takes extra arguments. Differentiate the original function "
                    "instead.".format(fn, _DESCRIPTIONS[fn.kind].lower(), fn.kind))
            self.inner, self.base = fn, fn.base
        else:
            _check_readable(fn)  # fail early when the source cannot be read
            self.inner, self.base = None, fn
        self.fn = fn
        self.kind = kind
        self.options = dict(options)
        self.signature = inspect.signature(self.base)
        self.wrt, self.as_tuple = wrt_names(self.base, wrt, self.signature)
        self._generated = {}
        self._plain = {}  # _plain_key of the arguments -> the entry a call with them ran (see __call__)
        self._last = None
        functools.update_wrapper(self, self.base, assigned=("__module__", "__name__", "__qualname__"), updated=())
        self.__signature__ = self.signature
        if self.receiver is not NO_RECEIVER:  # called without self, like the bound method
            self.__signature__ = self.signature.replace(parameters=list(self.signature.parameters.values())[1:])
        self.__doc__ = "{} of {} with respect to {}.".format(_DESCRIPTIONS[kind], self.describe(), ", ".join(self.wrt))

    def describe(self):
        if self.inner is None:
            return self.base.__name__
        return "the {} of {}".format(self.inner.kind, self.inner.describe())

    def __repr__(self):
        return "<s2s.{} of {} wrt {}>".format(self.kind, self.describe() if self.inner else self.base.__qualname__,
                                             ", ".join(self.wrt))

    def bind(self, args, kwargs):
        try:
            bound = self.signature.bind(*args, **kwargs)
        except TypeError as err:
            raise ArgumentError("{}: {} of {} called with arguments that do not match {}{}: {}".format(
                location(self.base), self.kind, self.base.__name__, self.base.__name__, self.signature, err)) from None
        for name in self.wrt:
            if name in bound.arguments and _is_int_value(bound.arguments[name]):
                raise ArgumentError(
                    "{}: argument `{}` of {} is an integer ({!r}); s2s differentiates only floating-point "
                    "values. Pass a float (for example {}(...) with {}=float(...)) or an array of floats.".format(
                        location(self.base), name, self.base.__name__, bound.arguments[name], self.base.__name__,
                        name))
            if self.options.get("holomorphic") and name in bound.arguments and not np.iscomplexobj(
                    bound.arguments[name]):
                raise ArgumentError(
                    "{}: holomorphic=True differentiates with respect to complex arguments, but argument `{}` of {} "
                    "is real. Pass a complex value (for example {} + 0j), or leave holomorphic out for a real "
                    "result.".format(location(self.base), name, self.base.__name__, name))
        return bound

    def containers(self, bound):
        names = frozenset(n for n, v in bound.arguments.items() if isinstance(v, (list, tuple)) or is_named(v))
        if not names:
            return names
        return names | frozenset(("method", m) for m in record_methods(bound.arguments.values())) | frozenset(
            ("call", n) for n, v in bound.arguments.items() if callable_record(v))

    def _facts(self, bound):
        """The shapes of the arguments (reverse mode specializes on them; see s2s/backend/specialize.py)."""
        if self.kind == "jvp" or not self.options.get("optimize", True) or self.options.get("batch"):
            return ()
        return _shape_facts(bound.arguments)

    def target(self, containers=frozenset()):
        """The Python function this transform differentiates, for these container arguments."""
        if self.inner is None:
            return self.fn
        return self.inner.generated(containers).function

    def generated(self, containers=frozenset(), facts=()):
        entry = self._generated.get((containers, facts))
        if entry is None or not entry.fresh():
            entry = _generate(self.target(containers), self.wrt, self.kind, self.as_tuple, containers,
                              self.options, facts)
            self._generated[containers, facts] = entry
            if self.options.get("verbose"):
                print(entry.source)
        self._last = entry
        return entry

    def __call__(self, *args, **kwargs):
        if not kwargs and self.kind in _COMPOSABLE and self.receiver is NO_RECEIVER and self.inner is None:
            key = _plain_key(args)
            known = self._plain.get(key) if key is not None else None
            # arguments like an earlier call's: its checks hold
            if known is not None and known.fresh():
                self._last = known
                return _run(known, args, {})
        else:
            key = None
        extra = ()
        if self.kind == "jvp":
            args, extra = _split_off(args, len(self.wrt), "tangent", self)
        elif self.kind == "vjp":
            args, extra = _split_off(args, 1, "cotangent `dout`", self)
        if self.receiver is not NO_RECEIVER:
            args = (self.receiver,) + tuple(args)
        bound = self.bind(args, kwargs)
        entry = self.generated(self.containers(bound), self._facts(bound))
        if self.kind == "jvp":
            seeds = set()
            for name, tangent in zip(self.wrt, extra):
                value = bound.arguments.get(name, _default(self.signature, name))
                if self.options.get("batch"):
                    tangent = _unbatched(tangent, "the tangents of `{}`".format(name), self, seeds)
                _check_like(value, tangent, "the tangent of `{}`".format(name), self)
            extra = tuple(as_tangent(bound.arguments.get(name, _default(self.signature, name)), t)
                          if holds_named(bound.arguments.get(name)) else
                          _complex_like(bound.arguments.get(name, _default(self.signature, name)), t)
                          for name, t in zip(self.wrt, extra))
        extra_kwargs = dict(zip(entry.extra, extra))
        names = arrays.namespace_of(tuple(bound.arguments.values()) + tuple(extra))
        if names is not None:  # arrays of another library (s2s/api/arrays.py)
            try:
                with _errstate(entry):
                    return arrays.run(entry, names, args, dict(kwargs, **extra_kwargs))
            except S2SError as err:
                located.locate(err, entry.filename, entry.sites)
                raise
        if key is not None:
            self._plain[key] = entry
        out = _run(entry, args, dict(kwargs, **extra_kwargs))
        if self.kind == "jvp" and not self.options.get("batch") and holds_named(out[0]):
            out = out[0], finalize(out[1], out[0])  # a tangent of the result's structure (a dataclass's a dataclass)
        return out

    @property
    def source(self):
        if self._last is None and self.receiver is not NO_RECEIVER:  # before a call: self is the receiver
            first = next(iter(self.signature.parameters))
            return self.generated(frozenset([first]) | frozenset(
                ("method", m) for m in record_methods([self.receiver]))).source
        return (self._last or self.generated()).source

    def view(self):
        """(source, title, header) for the displays of s2s/backend/display.py; leaves ``source`` as it was."""
        last, called = self._last, self._last is not None
        try:
            text = self.source
        except S2SError as err:
            text = "# " + str(err).replace("\n", "\n# ") + "\n"
            return text, repr(self)[1:-1], "no source: generating it raised the error below"
        finally:
            self._last = last
        return text, repr(self)[1:-1], (
            "the source the last call ran" if called else
            "not called yet: the source s2s generates without argument facts (a call specializes it)")

    def _repr_html_(self):
        return display.source_html(*self.view())

    def _repr_markdown_(self):
        return display.source_markdown(*self.view())


_COMPOSABLE = ("grad", "value_and_grad")


def _errstate(entry):
    """`with np.errstate` blocks in the derivative: NumPy's error state comes back if its code raises."""
    return np.errstate() if entry.sets_errstate else contextlib.nullcontext()


def _run(entry, args, kwargs):
    try:
        with _errstate(entry):
            return entry.function(*args, **kwargs)
    except S2SError as err:  # raised while the derivative runs: name the user's line
        located.locate(err, entry.filename, entry.sites)
        raise


def _plain_key(args):
    """The types, shapes and dtypes of ``args`` when each is a NumPy array, a Python float or int, or a
    list or tuple of NumPy arrays; else None.

    Everything a call checks and specializes on before it runs the generated code (binding, integer
    and complex arguments, containers, shape facts, the array library) depends on no more than this,
    so a call whose key matches an earlier successful one runs that call's entry directly: the
    cheap path of ``Transformed.__call__`` for NumPy arguments.
    """
    key = []
    for a in args:
        t = type(a)
        if t is np.ndarray:
            key.append((a.shape, a.dtype))
        elif t is float or t is int:
            key.append(t)
        elif (t is list or t is tuple) and all(type(e) is np.ndarray for e in a):
            key.append((t, tuple((e.shape, e.dtype) for e in a)))
        else:
            return None
    return tuple(key)


def _default(signature, name):
    return signature.parameters[name].default


def _split_off(args, n, what, transformed):
    if len(args) < n:
        raise ArgumentError("{}: {!r} takes the arguments of {} followed by {} {}{}; it got {} positional "
                            "argument(s).".format(location(transformed.base), transformed, transformed.base.__name__,
                                                  n, what, "s" if n > 1 else "", len(args)))
    return args[:-n], args[-n:]


def _unbatched(tangent, what, transformed, seeds):
    """The first seed of a batched tangent (to check its shape); ``seeds`` collects the batch sizes."""
    if isinstance(tangent, (list, tuple)):
        return rebuilt(tangent, [_unbatched(t, what, transformed, seeds) for t in tangent])
    if is_named(tangent):  # entries that are not float arrays (a non-float entry's tangent) are left as they are
        return rebuilt_like(tangent, {k: _unbatched(t, what, transformed, seeds) if isinstance(t, (list, tuple)) or
                                      is_named(t) or np.ndim(t) else t for k, t in entries(tangent)})
    if np.ndim(tangent) == 0:
        raise ArgumentError("{}: {} must have a leading batch axis (shape (k,) + the argument's shape), not "
                            "shape {}".format(location(transformed.base), what, np.shape(tangent)))
    seeds.add(np.shape(tangent)[0])
    if np.shape(tangent)[0] == 0:
        raise ArgumentError("{}: {} hold no seed (a leading axis of length 0); pass at least one".format(
            location(transformed.base), what))
    if len(seeds) > 1:
        raise ArgumentError("{}: the batched tangents hold different numbers of seeds ({}); give every tangent "
                            "the same leading axis".format(location(transformed.base), sorted(seeds)))
    return np.asarray(tangent)[0]


def _complex_like(value, tangent):
    """A real tangent of a complex array argument, as that complex dtype: the tangents the generated code
    writes into (``y_dot[i] = ...``) must hold imaginary parts."""
    if isinstance(value, np.ndarray) and value.dtype.kind == "c" and not np.iscomplexobj(tangent):
        return np.asarray(tangent, dtype=value.dtype)
    return tangent


def _check_like(value, tangent, what, transformed):
    """Refuse a tangent whose shape does not match its argument's."""
    if is_named(value):
        wrong = mismatch(value, tangent)
        if wrong:
            raise ArgumentError("{}: {} must have the structure of the argument: {}".format(
                location(transformed.base), what, wrong))
        return
    if isinstance(value, (list, tuple)):
        if not isinstance(tangent, (list, tuple)) or len(tangent) != len(value):
            raise ArgumentError("{}: {} must be a {} of {} tangents like the argument, not {!r}".format(
                location(transformed.base), what, type(value).__name__, len(value), type(tangent).__name__))
        for v, t in zip(value, tangent):
            _check_like(v, t, what, transformed)
        return
    if isinstance(tangent, (list, tuple)) or np.shape(tangent) != np.shape(value):
        raise ArgumentError("{}: {} has shape {}, but the argument has shape {}; pass one tangent per "
                            "differentiated argument ({}), each shaped like its argument.".format(
                                location(transformed.base), what, np.shape(tangent) if not isinstance(
                                    tangent, (list, tuple)) else type(tangent).__name__, np.shape(value),
                                ", ".join(transformed.wrt)))


class _Entry:
    """One generated derivative: the callable, its source and what it was made from."""

    def __init__(self, function, source, deps, generated, closure, registry):
        self.function = function
        self.registry = registry  # the rules it was made with: a rule registered since makes it stale
        self.source = source
        self.deps = deps
        self.bindings = generated.bindings  # names the loader binds (s2s.backend.standalone reads them)
        self.entry = generated.entry
        self.extra = generated.extra  # names of the generated keyword parameters after the function's own
        self.closure = closure  # keeps the objects whose ids are in the key alive
        self.defaults = (None, None, None)  # (function, its defaults, its keyword defaults) when made
        # the np.seterr pairs of `with np.errstate` blocks (s2s/frontend/normalize/blocks.py)
        self.sets_errstate = re.search(r"\berrstate\w* = [\w.]*seterr\(", source) is not None
        self.code = None  # the function's code when made
        self.cells = ()  # (cell, what it held) for the function's closure when made
        self.sites = {}

    def fresh(self):
        """Whether the rules are the same and every global name the transformed functions read still
        means the same object."""
        if self.registry is not templates.registry():
            return False
        fn, defaults, kwdefaults = self.defaults
        if fn is not None and (fn.__defaults__ is not defaults or fn.__kwdefaults__ is not kwdefaults):
            return False  # the defaults were replaced: the generated code holds the old ones
        if fn is not None and fn.__code__ is not self.code:
            return False
        for cell, obj in self.cells:  # a closure variable rebound: the generated code holds the old value
            if not _has_contents(cell) or cell.cell_contents is not obj:
                return False
        for namespace, name, obj in self.deps:
            if namespace.get(name, _ABSENT) is not obj:
                return False
        return True


_ABSENT = object()
_READABLE = {}  # code objects whose source parsed once: s2s.grad(f) need not parse it again


def _check_readable(fn):
    code = getattr(fn, "__code__", None)
    if code is None or code not in _READABLE:
        with _collector_paused():
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


def _shape_facts(arguments):
    """((name, shape), ...) for the arguments that are arrays or numbers; others are not known."""
    facts = []
    for name, value in arguments.items():
        shape = _value_shape(value)
        if shape is not None:
            facts.append((name, shape))
        elif type(value) in (list, tuple) and value:
            shapes = [_value_shape(v) for v in value]
            if all(s is not None for s in shapes):  # a flat list of arrays: ("seq", shape, ...)
                facts.append((name, (shapes_module.SEQUENCE,) + tuple(shapes)))
    return tuple(facts)


def _value_shape(value):
    if type(value) is np.ndarray:
        return value.shape
    if isinstance(value, (float, int, np.generic)):
        return ()
    return None


def _canonical(facts):
    """``facts`` with every size but 0 and 1 renamed 2, 3, ... by order of appearance.

    Code specialized on them holds for every call with the same pattern of
    equal sizes (broadcasting and matmul look only at equality and ones).
    """
    ids = {0: 0, 1: 1}
    out = {}

    def canonical(shape):
        return tuple(ids.setdefault(n, len(ids)) for n in shape)

    for name, shape in facts:
        if shape and shape[0] == shapes_module.SEQUENCE:
            out[name] = shape[:1] + tuple(canonical(s) for s in shape[1:])
        else:
            out[name] = canonical(shape)
    return tuple(sorted(out.items()))


def _key(fn, wrt, kind, as_tuple, containers, options, shapes=()):
    closure = tuple(id(c.cell_contents) for c in (fn.__closure__ or ()) if _has_contents(c))
    # the generated code holds the default values (two functions may share code, not defaults)
    defaults = (tuple(_value_key(v) for v in fn.__defaults__ or ()),
                tuple(sorted((k, _value_key(v)) for k, v in (fn.__kwdefaults__ or {}).items())))
    return (fn.__code__, id(fn.__globals__), closure, defaults, wrt, kind, as_tuple, containers,
            tuple(sorted((k, repr(v)) for k, v in options.items() if k != "verbose")), shapes)


def _value_key(value):
    """A default value in a cache key: literals by type and value, anything else by identity
    (the entry keeps it alive)."""
    if value is None or type(value) in (bool, int, float, complex, str):
        return (type(value).__name__, value)
    return ("id", id(value))


def _has_contents(cell):
    try:
        cell.cell_contents
        return True
    except ValueError:
        return False


def _generate(fn, wrt, kind, as_tuple, containers, options, facts=()):
    shapes = _canonical(facts)
    key = _key(fn, wrt, kind, as_tuple, containers, options, shapes)
    entry = _CACHE.get(key)
    if entry is not None and entry.fresh():
        return entry
    registry = templates.registry()
    opts = {"tuple": as_tuple, "optimize": options.get("optimize", True), "checkpoint": options.get("checkpoint"),
            "shapes": dict(shapes), "batch": options.get("batch", False)}
    if options.get("holomorphic"):
        opts["holomorphic"] = True
    if options.get("compile"):  # Numba compiles the code: no lambda (s2s/backend/unread.py)
        opts["compile"] = True
    with _collector_paused():
        generated = transform(fn, wrt, kind, registry, opts, containers)
        functions, bindings = generated.functions, generated.bindings
        if options.get("compile"):  # typed zero presets (s2s/backend/numba_lower.py)
            functions, bindings = numba_lower.lower(functions, bindings)
        sites = {}
        source = emit.to_source(functions, sites)
    _TRANSFORMS[0] += 1
    filename = "<s2s {} of {} wrt {} ({}:{})>".format(
        kind, fn.__name__, ", ".join(wrt), fn.__code__.co_filename.replace("\\", "/").rsplit("/", 1)[-1],
        fn.__code__.co_firstlineno)
    function = loader.load(source, generated.entry, bindings, fn.__globals__, filename)
    filename = function.__code__.co_filename  # with a hash when linecache holds another text under the name
    if options.get("compile"):
        function = numba_compile.load(source, generated.entry, bindings, fn.__globals__, filename[:-1] + " numba>",
                                      function, options["compile"], numba_compile.function_names(source),
                                      location(fn))
    closure = tuple(c.cell_contents for c in (fn.__closure__ or ()) if _has_contents(c))
    closure += (fn.__defaults__, fn.__kwdefaults__)
    entry = _Entry(function, source, _dependencies((fn,) + generated.sources), generated, closure, registry)
    entry.bindings = bindings
    entry.defaults = (fn, fn.__defaults__, fn.__kwdefaults__)
    entry.code = fn.__code__
    entry.cells = tuple((c, c.cell_contents) for c in (fn.__closure__ or ()) if _has_contents(c))
    entry.sites = sites  # line of the source -> the user's Origin, for run-time errors
    entry.filename = filename
    located.remember(filename, sites)
    _CACHE[key] = entry
    return entry


@contextlib.contextmanager
def _collector_paused():
    """Pause the cyclic garbage collector while a transform runs.

    A transform allocates some 10^5 tree nodes that stay alive until it ends;
    the collector would traverse them (and everything else alive) hundreds of
    times for nothing: a third of a cold transform's time. Reference counting
    still frees memory meanwhile; cycles wait for the next collection.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def transform_of(kind, f, wrt, options):
    if f is None:
        return lambda g: transform_of(kind, g, wrt, options)
    return Transformed(f, wrt, kind, options)


def _options(f, verbose, optimize, checkpoint=None, memory=None, compile=None, batch=False):
    where = location(f) if f is not None else "s2s"
    options = {"verbose": verbose, "optimize": optimize, "checkpoint": _checkpoint.option(checkpoint, memory, where)}
    if numba_compile.require(compile, where):
        if batch:
            raise ArgumentError("{}: batch=True and compile={!r} do not go together yet: the batched helpers have "
                                "no Numba versions. Leave one of them out.".format(where, compile))
        options["compile"] = compile
    return options


def _holomorphic(options, holomorphic):
    if holomorphic:
        options["holomorphic"] = True
    return options


def grad(f=None, wrt=0, *, verbose=False, optimize=True, checkpoint=None, memory=None, holomorphic=False,
         compile=None):
    """The gradient of the scalar function ``f`` with respect to ``wrt``.

    ``wrt`` is a parameter index or name, or a tuple of them: an int or name
    gives one gradient, a tuple a tuple of gradients. Works as a decorator,
    bare or with arguments. ``verbose=True`` prints the generated source when
    it is made; ``optimize=False`` skips the clean-ups of ``s2s/backend/optimize.py``.

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

    Complex numbers (the convention of JAX and autograd): for a real ``f`` of a
    complex ``z = x + iy`` the gradient is ``df/dx - i df/dy`` (``|z|**2`` gives
    ``2 conj(z)``); a real argument always gets a real gradient. A complex result
    raises ``ComplexOutputError`` unless ``holomorphic=True``, which gives
    ``f'(z)`` and needs complex arguments.

    ``compile="numba"`` compiles the generated source with Numba in nopython
    mode (``pip install 's2s[numba]'``) on the first call for each set of
    argument types; what Numba cannot compile raises a ``NumbaCompileError``
    naming the line, and ``compile="numba-or-python"`` runs it uncompiled with
    an ``S2SWarning`` instead. ``value_and_grad``, ``vjp``, ``jvp`` and
    ``hessian`` take it too.
    """
    return transform_of("grad", f, wrt, _holomorphic(_options(f, verbose, optimize, checkpoint, memory, compile),
                                                     holomorphic))


def value_and_grad(f=None, wrt=0, *, verbose=False, optimize=True, checkpoint=None, memory=None, holomorphic=False,
                   compile=None):
    """Like ``grad``, but the callable returns ``(value, gradient)``."""
    return transform_of("value_and_grad", f, wrt,
                        _holomorphic(_options(f, verbose, optimize, checkpoint, memory, compile), holomorphic))


def source(g):
    """The generated Python source of anything s2s returned."""
    if isinstance(g, (Transformed, Derived)):
        return g.source
    raise ArgumentError("s2s.source expects a function returned by s2s (grad, value_and_grad, vjp, jvp, "
                        "jacobian, hessian, hvp), not {!r}".format(g))


def vjp(f=None, wrt=0, *, verbose=False, optimize=True, checkpoint=None, memory=None, batch=False, compile=None):
    """Vector-Jacobian product: ``g(*args, dout) -> (out, cotangents)``.

    ``f`` may return an array, a scalar, or a tuple or list of them; ``dout``
    has the same structure and shapes as the result. ``grad`` is the case of a
    scalar result with ``dout = 1``.

    ``batch=True`` pulls k cotangents back in one call: ``dout`` has shape
    ``(k,) + out.shape`` (containers elementwise) and so has each cotangent,
    ``(k,) + arg.shape``; the primal sweep runs once. With respect to a dict or record, the
    cotangent has its structure with ``(k,) + leaf.shape`` leaves (``None`` as ``grad`` gives it).
    """
    options = _options(f, verbose, optimize, checkpoint, memory, compile, batch)
    if batch:
        options["batch"] = True
    return transform_of("vjp", f, wrt, options)


def jvp(f=None, wrt=0, *, verbose=False, optimize=True, batch=False, compile=None):
    """Jacobian-vector product (forward mode): ``g(*args, *tangents) -> (out, tangent_out)``.

    One tangent per ``wrt`` parameter, each shaped like its argument, after
    the function's own arguments.

    ``batch=True`` pushes k tangents through one call: each tangent has shape
    ``(k,) + arg.shape`` and ``tangent_out`` has shape ``(k,) + out.shape``
    (containers elementwise). Elementwise rules run on all k at once, the
    others once per tangent inside the generated code.
    """
    options = _options(f, verbose, optimize, compile=compile, batch=batch)
    if batch:
        options["batch"] = True
    return transform_of("jvp", f, wrt, options)


class Derived:
    """A derivative assembled from generated ones (jacobian, hessian, hvp)."""

    def __init__(self, kind, transformed, run, description, runs=None):
        self.kind = kind
        self.transformed = transformed
        self.runs = runs or transformed  # the transform whose generated code runs (its source is shown)
        self._run = run
        self.__doc__ = description
        self.__name__ = "{}_{}".format(kind, transformed.base.__name__)

    def __call__(self, *args, **kwargs):
        return self._run(*args, **kwargs)

    def __repr__(self):
        return "<s2s.{} of {} wrt {}>".format(self.kind, self.transformed.describe(), ", ".join(self.transformed.wrt))

    @property
    def source(self):
        return self.runs.source

    def view(self):
        """(source, title, header): the source of the generated derivative this one runs."""
        text, _, header = self.runs.view()
        return text, repr(self)[1:-1], "runs {}; {}".format(repr(self.runs)[1:-1], header)

    def _repr_html_(self):
        return display.source_html(*self.view())

    def _repr_markdown_(self):
        return display.source_markdown(*self.view())

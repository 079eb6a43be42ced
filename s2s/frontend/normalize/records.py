"""Dataclass and named-tuple instances that the differentiated function builds or replaces.

``P(a, b=c)`` for a dataclass ``P`` whose ``__init__`` is the one ``@dataclass`` generated (no
``__post_init__``, no ``__new__`` of its own), or for a named tuple (``collections.namedtuple``,
``typing.NamedTuple``), becomes ``record_of(P, (a, c), ('x', 'b'))`` (s2s/runtime/trees.py): the
positional arguments named by the class's fields, the fields left out keep their defaults (which
get no derivative). ``dataclasses.replace(p, x=v)`` and ``p._replace(x=v)`` become
``record_replace(p, (v,), ('x',))``. Any other class with dataclass fields or named-tuple fields is
refused here, naming it; a plain class stays a call with no rule (its error names it too).
"""
import dataclasses

import gast

from s2s import runtime
from s2s.common import anno
from s2s.common import astutil as A
from s2s.frontend.normalize.checks import fail

_GENERATED = "<string>"  # the file name of the functions @dataclass and namedtuple generate


def is_record_class(callee):
    """Whether ``callee`` is a dataclass or a named-tuple class (buildable or not)."""
    return isinstance(callee, type) and (dataclasses.is_dataclass(callee) or (
        issubclass(callee, tuple) and hasattr(callee, "_fields")))


def fields(cls):
    """The names ``cls(...)`` takes, in order; None where s2s cannot build ``cls`` (see the module)."""
    if issubclass(cls, tuple):
        owner = next((k for k in cls.__mro__ if "__new__" in vars(k)), None)
        if owner is None or "_fields" not in vars(owner) or _made_by(owner.__new__) is False:
            return None
        if any("__init__" in vars(k) for k in cls.__mro__[:cls.__mro__.index(tuple)]):
            return None
        return list(cls._fields)
    init = getattr(cls, "__init__", None)
    if (not cls.__dataclass_params__.init or hasattr(cls, "__post_init__") or cls.__new__ is not object.__new__
            or not _made_by(init)):
        return None
    return [f.name for f in dataclasses.fields(cls) if f.init]


def _made_by(fn):
    code = getattr(fn, "__code__", None)
    return code is not None and code.co_filename == _GENERATED


def build_call(call, cls, refs, origin_node, parsed):
    """``cls(*args, **keywords)`` (``call``) as ``record_of(cls, values, names)``."""
    names = fields(cls)
    if names is None:
        fail(origin_node, "building an instance of `{}` (its __init__, __new__ or __post_init__ is its own "
             "code)".format(cls.__qualname__),
             "s2s builds dataclasses with the __init__ @dataclass generates and named tuples; build this "
             "object outside the function and pass it in, or make it a plain @dataclass", parsed)
    if any(isinstance(a, gast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
        fail(origin_node, "`*` or `**` in building `{}`".format(cls.__qualname__),
             "pass the fields one by one", parsed)
    if len(call.args) > len(names):
        fail(origin_node, "`{}(...)` with {} positional arguments".format(cls.__qualname__, len(call.args)),
             "pass at most {} ({})".format(len(names), ", ".join(names)), parsed)
    given = dict(zip(names, call.args))
    for k in call.keywords:
        if k.arg not in names or k.arg in given:
            fail(origin_node, "`{}(...)` with the argument `{}`".format(cls.__qualname__, k.arg),
                 "pass each of its fields ({}) once".format(", ".join(names)), parsed)
        given[k.arg] = k.value
    return _helper(runtime.record_of, "record_of", call, [refs.expr(cls, cls.__name__), _tuple(given.values()),
                                                          _tuple(A.const(n) for n in given)])


def replace_call(call, receiver, origin_node, parsed):
    """``dataclasses.replace(p, x=v)`` or ``p._replace(x=v)`` (``receiver`` is ``p``) as ``record_replace``."""
    if call.args[1 if receiver is None else 0:] or any(k.arg is None for k in call.keywords):
        fail(origin_node, "this form of replace", "name the fields to replace: replace(p, x=v)", parsed)
    target = call.args[0] if receiver is None else receiver
    return _helper(runtime.record_replace, "record_replace", call,
                   [target, _tuple(k.value for k in call.keywords), _tuple(A.const(k.arg) for k in call.keywords)])


def _tuple(elts):
    return gast.Tuple(elts=list(elts), ctx=gast.Load())


def _helper(fn, name, call, args):
    node = anno.copy(call, A.call(A.name(name), args))
    anno.set(node, anno.Key.CALLEE, fn)
    return node

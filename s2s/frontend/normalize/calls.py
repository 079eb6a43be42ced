"""Calls of the builtin container types, as the displays and comprehensions they build.

``list(seq)`` and ``tuple(seq)`` are ``[v for v in seq]`` (a tuple of a display stays a
tuple display: ``tuple([a, b])`` is ``(a, b)``; of any other sequence it is built as a list,
which indexes, iterates, concatenates and repeats as the tuple would); ``list()`` and
``tuple()`` are ``[]`` and ``()``.

``{"a": x}`` and ``dict(a=x)`` are ``dict_of((x,), ("a",))`` (``ANF.dict_display``; keys must be
string constants: the sweeps save and restore a dict's entries by key); ``dict(d)`` is
``dict_copy(d)``, which copies a dict and refuses anything else; ``dict(zip(ks, vs))`` is
``{k: v for k, v in zip(ks, vs)}``, and a dict comprehension is a loop appending to a list of
keys and a list of values, then ``dict_of(values, keys)`` (``ANF.comprehension``).

``d.get(k)`` and ``d.get(k, default)`` are ``d[k] if k in d else default`` (the mapping
protocol: what ``dict.get`` does).
"""
import builtins

import gast

from s2s import runtime
from s2s.common import anno
from s2s.common import astutil as A
from s2s.frontend.normalize.checks import fail


def sequence_call(call, callee, namer, parsed, origin_node):
    """The display or comprehension that ``list(...)``/``tuple(...)`` (``call``) stands for."""
    if call.keywords or len(call.args) > 1:
        fail(origin_node, "`{}(...)` with more than one argument".format(callee.__name__),
             "pass one sequence", parsed)
    kind = gast.Tuple if callee is tuple else gast.List
    if not call.args:
        return kind(elts=[], ctx=gast.Load())
    (seq,) = call.args
    if isinstance(seq, (gast.Tuple, gast.List)):
        return kind(elts=list(seq.elts), ctx=gast.Load())
    item = "item"  # the comprehension gives its target a fresh name
    comp = gast.ListComp(elt=A.name(item), generators=[gast.comprehension(
        target=A.store(item), iter=seq, ifs=[], is_async=0)])
    return anno.copy(call, comp)


def get_call(receiver, args, pre, anf):
    """``receiver.get(key[, default])`` as a conditional expression; ``pre`` receives the key's statements."""
    p, key = anf.atom(args[0])
    pre.extend(p)
    default = args[1] if len(args) == 2 else A.const(None)
    test = gast.Compare(left=key, ops=[gast.In()], comparators=[A.name(receiver.id)])
    item = gast.Subscript(value=A.name(receiver.id), slice=A.deepcopy(key), ctx=gast.Load())
    return gast.IfExp(test=test, body=item, orelse=default)


def dict_keys(keys, origin_node, parsed):
    """The string keys of a dict display (or ``dict(...)``'s keyword names); refuses the others."""
    out = []
    for key in keys:
        if key is None:
            fail(origin_node, "`**` unpacking in a dict display",
                 "copy the dict and set its new keys one by one (d = dict(p); d['k'] = v)", parsed)
        if not (isinstance(key, gast.Constant) and isinstance(key.value, str)):
            fail(origin_node, "a dict key that is not a string constant",
                 "use string constants as the keys of a dict the function builds (or a list, indexed by int)",
                 parsed)
        out.append(key.value)
    return out


def dict_copy_call(call, origin_node, parsed):
    """``dict(d)`` as ``dict_copy(d)``."""
    if len(call.args) != 1 or call.keywords:
        fail(origin_node, "`dict(...)` with keywords besides a dict, or with several arguments",
             "copy the dict, then set its new keys one by one (d = dict(p); d['k'] = v)", parsed)
    node = anno.copy(call, A.call(A.name("dict_copy"), [call.args[0]]))
    anno.set(node, anno.Key.CALLEE, runtime.dict_copy)
    return node


def is_zip_call(call, parsed):
    """Whether ``call`` is ``dict(zip(keys, values))``."""
    if len(call.args) != 1 or call.keywords:
        return False
    inner = call.args[0]
    return (isinstance(inner, gast.Call) and isinstance(inner.func, gast.Name) and len(inner.args) == 2
            and not inner.keywords and parsed.resolve(inner.func) is builtins.zip)


def zip_comprehension(call, namer):
    """``dict(zip(keys, values))`` (``call``) as ``{k: v for k, v in zip(keys, values)}``."""
    key, value = "key", "value"  # the comprehension gives its targets fresh names
    target = gast.Tuple(elts=[A.store(key), A.store(value)], ctx=gast.Store())
    comp = gast.DictComp(key=A.name(key), value=A.name(value), generators=[gast.comprehension(
        target=target, iter=call.args[0], ifs=[], is_async=0)])
    return anno.copy(call, comp)

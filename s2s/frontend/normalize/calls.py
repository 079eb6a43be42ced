"""Calls of the builtin container types, as the displays and comprehensions they build.

``list(seq)`` and ``tuple(seq)`` are ``[v for v in seq]`` (a tuple of a display stays a
tuple display: ``tuple([a, b])`` is ``(a, b)``; of any other sequence it is built as a list,
which indexes, iterates, concatenates and repeats as the tuple would); ``list()`` and
``tuple()`` are ``[]`` and ``()``.

``{"a": x}`` and ``dict(a=x)`` are an empty dict and one write per entry (``ANF.dict_display``;
keys must be strings: the sweeps save and restore a dict's entries by key); ``dict(d)`` is
``dict_copy(d)``, which copies a dict and refuses anything else.

``d.get(k)`` and ``d.get(k, default)`` are ``d[k] if k in d else default`` (the mapping
protocol: what ``dict.get`` does).
"""
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

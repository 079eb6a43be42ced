"""Calls of the builtin container types, as the displays and comprehensions they build.

``list(seq)`` and ``tuple(seq)`` are ``[v for v in seq]`` (a tuple of a display stays a
tuple display: ``tuple([a, b])`` is ``(a, b)``; of any other sequence it is built as a list,
which indexes, iterates, concatenates and repeats as the tuple would); ``list()`` and
``tuple()`` are ``[]`` and ``()``.

``d.get(k)`` and ``d.get(k, default)`` are ``d[k] if k in d else default`` (the mapping
protocol: what ``dict.get`` does).
"""
import gast

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

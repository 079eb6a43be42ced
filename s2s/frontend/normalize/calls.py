"""Calls of the builtin container types, as the displays and comprehensions they build.

``list(seq)`` and ``tuple(seq)`` are ``[v for v in seq]`` (a tuple of a display stays a
tuple display: ``tuple([a, b])`` is ``(a, b)``; of any other sequence it is built as a list,
which indexes, iterates, concatenates and repeats as the tuple would); ``list()`` and
``tuple()`` are ``[]`` and ``()``. ``dict(k=v, ...)`` and ``dict(d)`` are left to the ANF
pass (``dict_call``).
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

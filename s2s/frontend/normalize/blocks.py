"""``with`` blocks and the ``break`` statements of a loop's ``else``, for the desugaring.

``with np.errstate(...):`` is the one context manager s2s keeps (it changes how NumPy reports
floating-point errors, not which statements run): the block becomes
``saved = np.seterr(...)``, its statements, and ``np.seterr(<saved settings>)``.
``contextlib.nullcontext()`` leaves its statements alone. Every other context manager may
swallow an exception or run code s2s cannot see on exit (``contextlib.suppress`` skips the
rest of the block), so it is refused, as is a ``return``, ``break`` or ``continue`` inside a
kept block (the error state would not be restored).
"""
import contextlib

import gast
import numpy as np

from s2s.common import anno
from s2s.common import astutil as A
from s2s.frontend.normalize.checks import fail

_SETTINGS = ("divide", "over", "under", "invalid")


def own_breaks(stmts):
    """The ``break`` statements of the loop whose body is ``stmts`` (not those of inner loops)."""
    out = []
    for s in stmts:
        if isinstance(s, gast.Break):
            out.append(s)
        elif isinstance(s, gast.If):
            out += own_breaks(s.body) + own_breaks(s.orelse)
        elif isinstance(s, gast.With):
            out += own_breaks(s.body)
    return out


def flag_breaks(stmts, flag):
    """Set ``flag`` to True right before each of the loop's own breaks (in place)."""
    for i in range(len(stmts) - 1, -1, -1):
        s = stmts[i]
        if isinstance(s, gast.Break):
            stmts.insert(i, anno.copy(s, A.assign(flag, A.const(True))))
        elif isinstance(s, gast.If):
            flag_breaks(s.body, flag)
            flag_breaks(s.orelse, flag)
        elif isinstance(s, gast.With):
            flag_breaks(s.body, flag)


def _jumps_out(stmts, in_loop=False):
    """The ``return``, ``break`` and ``continue`` statements of ``stmts`` that leave the block.

    A ``break`` or ``continue`` of a loop inside the block stays in it, and so
    does anything inside a function or class defined there.
    """
    out = []
    for s in stmts:
        if isinstance(s, gast.Return) or isinstance(s, (gast.Break, gast.Continue)) and not in_loop:
            out.append(s)
        elif isinstance(s, (gast.For, gast.While)):
            out += _jumps_out(s.body, True) + _jumps_out(s.orelse, in_loop)
        elif isinstance(s, (gast.If, gast.With)):
            out += _jumps_out(s.body, in_loop) + _jumps_out(s.orelse if isinstance(s, gast.If) else [], in_loop)
        elif isinstance(s, gast.Try):
            for part in [s.body, s.orelse, s.finalbody] + [h.body for h in s.handlers]:
                out += _jumps_out(part, in_loop)
    return out


def _known(call, parsed, obj):
    return isinstance(call, gast.Call) and isinstance(call.func, (gast.Name, gast.Attribute)) \
        and parsed.resolve(call.func) is obj


def with_block(node, parsed, namer):
    """The statements that stand for the ``with`` statement ``node`` (its body already desugared)."""
    before, after = [], []
    for item in node.items:
        context = item.context_expr
        if _known(context, parsed, contextlib.suppress):
            fail(node, "`with contextlib.suppress(...)`", "it skips the rest of the block when an exception "
                 "is raised, which s2s cannot differentiate; test the condition with `if` instead", parsed)
        if item.optional_vars is not None:
            fail(node, "`with ... as name`", "only `with np.errstate(...):` blocks are supported, without `as`",
                 parsed)
        if _known(context, parsed, contextlib.nullcontext) and not context.args and not context.keywords:
            continue
        if not _known(context, parsed, np.errstate):
            fail(node, "this `with` block", "only `with np.errstate(...):` is supported inside a differentiated "
                 "function (a context manager may swallow exceptions or run code s2s cannot see); move the "
                 "block outside the function", parsed)
        if context.args or any(k.arg not in _SETTINGS + ("all",) for k in context.keywords):
            fail(node, "`np.errstate` with a positional argument or `call=`",
                 "pass the settings by keyword: all, divide, over, under, invalid", parsed)
        for stmt in _jumps_out(node.body):
            fail(stmt, "a jump out of a `with np.errstate(...)` block",
                 "set a flag and leave after the block, so that NumPy's error state is restored", parsed)
        saved = namer.fresh("errstate")
        seterr = A.call(A.name("seterr"), [], [A.keyword(k.arg, k.value) for k in context.keywords])
        anno.set(seterr, anno.Key.CALLEE, np.seterr)
        before.append(anno.copy(node, A.assign(saved, seterr)))
        restore = A.call(A.name("seterr"), [], [
            A.keyword(k, gast.Subscript(value=A.name(saved), slice=A.const(k), ctx=gast.Load())) for k in _SETTINGS])
        anno.set(restore, anno.Key.CALLEE, np.seterr)
        after.insert(0, anno.copy(node, gast.Expr(value=restore)))
    return before + list(node.body) + after

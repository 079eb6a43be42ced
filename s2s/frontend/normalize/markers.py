"""Read ``s2s.checkpointed`` loop markers and take them out of the code.

``for i in s2s.checkpointed(range(n), 32):`` becomes ``for i in range(n):``
annotated with ``Key.CHECKPOINT`` = ``{"snapshots": 32, "schedule": None}``;
``while s2s.checkpointed(test, 32):`` likewise. Runs before desugaring, so
the annotation travels with the loop through the later passes. A marker
anywhere else, or with a bad argument, is an error naming its line.
"""
import numbers

import gast

from s2s.common import anno
from s2s.common import astutil as A
from s2s.frontend.normalize.checks import fail
from s2s.frontend.parse import MISSING
from s2s.runtime.schedules import checkpointed

_SCHEDULES = (None, "binomial", "online")
_EXAMPLE = "write `for i in s2s.checkpointed(range(n), 32):` or `while s2s.checkpointed(test, 32):`"


def read_markers(fn, parsed):
    """Annotate marked loops of ``fn`` and unwrap their markers (in place)."""
    nodes = A.walk(fn)
    unwrapped = False
    for node in nodes:
        if isinstance(node, gast.For) and _is_marker(node.iter, parsed):
            node.iter = _read(node, node.iter, parsed)
            unwrapped = True
        elif isinstance(node, gast.While) and _is_marker(node.test, parsed):
            node.test = _read(node, node.test, parsed)
            unwrapped = True
    for node in (A.walk(fn) if unwrapped else nodes):  # a tree changed above is walked again
        if isinstance(node, gast.comprehension) and _is_marker(node.iter, parsed):
            fail(node.iter, "s2s.checkpointed on a comprehension",
                 "checkpointing applies to for and while statements; write the comprehension as a for loop",
                 parsed)
        if _is_marker(node, parsed):
            fail(node, "s2s.checkpointed outside a loop header",
                 "it marks the loop it wraps; " + _EXAMPLE, parsed)
    return fn


def _is_marker(node, parsed):
    return isinstance(node, gast.Call) and parsed.resolve(node.func) is checkpointed


def _read(loop, call, parsed):
    names = ("loop", "snapshots", "schedule")
    given = dict(zip(names, call.args))
    if len(call.args) > len(names):
        fail(loop, "s2s.checkpointed with {} arguments".format(len(call.args)), _EXAMPLE, parsed)
    for keyword in call.keywords:
        if keyword.arg not in names or keyword.arg in given:
            fail(loop, "s2s.checkpointed(..., {}=...)".format(keyword.arg),
                 "its parameters are loop, snapshots and schedule", parsed)
        given[keyword.arg] = keyword.value
    if "loop" not in given:
        fail(loop, "s2s.checkpointed without the loop's iterable or test", _EXAMPLE, parsed)
    snapshots = _constant(loop, given.get("snapshots"), 32, parsed)
    schedule = _constant(loop, given.get("schedule"), None, parsed)
    if isinstance(snapshots, bool) or not isinstance(snapshots, numbers.Integral) or snapshots < 1:
        fail(loop, "a snapshot count of {!r}".format(snapshots),
             "checkpointing keeps at least 1 snapshot; pass an int >= 1", parsed)
    if schedule not in _SCHEDULES:
        fail(loop, "schedule={!r}".format(schedule), "use 'binomial', 'online' or leave it out", parsed)
    anno.set(loop, anno.Key.CHECKPOINT, {"snapshots": int(snapshots), "schedule": schedule})
    return given["loop"]


def _constant(loop, node, default, parsed):
    """The value of a marker argument: a constant, or a name bound outside the function."""
    if node is None:
        return default
    if isinstance(node, gast.Constant):
        return node.value
    value = parsed.resolve(node) if isinstance(node, (gast.Name, gast.Attribute)) else MISSING
    if value is MISSING or isinstance(node, gast.Name) and _is_local(node.id, parsed):
        fail(loop, "a s2s.checkpointed argument computed in the function",
             "pass a constant or a module-level name", parsed)
    return value


def _is_local(name, parsed):
    fn = parsed.node
    params = {a.id for a in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs}
    stored = {n.id for n in A.walk(fn) if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store)}
    return name in params | stored

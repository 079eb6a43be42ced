"""Checkpointed loops: reverse long loops with a bounded number of snapshots.

A checkpointed loop is emitted as

- a *forward step*: the loop body as the program wrote it, saving nothing;
- a *reverse step*: the body saving what its adjoint needs (as ``StoreAll``
  does, but for one iteration at a time), followed by that adjoint.

The primal sweep runs the loop with forward steps and keeps the loop state
when the schedule says so; the adjoint sweep follows the schedule's actions
(``s2s.runtime.schedules``): restore a snapshot, take a snapshot, advance one step,
reverse one step. The loop state a snapshot holds is found here: the names
the body writes whose value on entry to an iteration may matter (read before
written in the body, read outside the loop, or bound before it). Arrays and
lists the body writes into are copied in and out of snapshots.

Which loops: a loop marked ``s2s.checkpointed(...)`` in the source uses its
marker; other loops use the transform's ``checkpoint`` option (None: store
every iteration; an int: that many snapshots; ("auto", bytes): decided when
the loop starts, see ``schedules.auto``).
"""
import numbers

import gast

from s2s.common import anno
from s2s.common import astutil as A
from s2s import runtime
from s2s.runtime import schedules
from s2s.common.errors import ArgumentError, UnsupportedSyntaxError, site
from s2s.reverse.loops import STORE_ALL, reverse_body
from s2s.reverse.nodes import Marker, copy_attrs, marker

AUTO = "auto"
DEFAULT_MEMORY = 2 ** 30  # checkpoint="auto" without memory=: 1 GiB


def option(checkpoint, memory, where):
    """The transform option for ``checkpoint=``/``memory=``: None, an int, or ("auto", bytes)."""
    if memory is not None and checkpoint != AUTO:
        raise ArgumentError("{}: memory= is a budget for checkpoint='auto'; pass checkpoint='auto' "
                            "with it (or drop it).".format(where))
    if checkpoint is None:
        return None
    if checkpoint == AUTO:
        if memory is None:
            memory = DEFAULT_MEMORY
        if isinstance(memory, bool) or not isinstance(memory, numbers.Real) or not memory > 0:
            raise ArgumentError("{}: memory= must be a positive number of bytes, not {!r}.".format(where, memory))
        return (AUTO, int(memory))
    if isinstance(checkpoint, bool) or not isinstance(checkpoint, numbers.Integral):
        raise ArgumentError("{}: checkpoint= must be None, a number of snapshots or 'auto', not {!r}.".format(
            where, checkpoint))
    if checkpoint < 1:
        raise ArgumentError("{}: checkpoint={} snapshots: checkpointing needs at least 1 snapshot.".format(
            where, checkpoint))
    return int(checkpoint)


def schedule_for(rev, loop):
    """The schedule that reverses ``loop``: its marker's, else the transform option's."""
    marker = anno.get(loop, anno.Key.CHECKPOINT)
    if marker is not None:
        return Checkpointed(marker["snapshots"], marker["schedule"])
    setting = rev.ctx.options.get("checkpoint")
    if setting is None:
        return STORE_ALL
    if isinstance(setting, tuple):
        kind, value = setting
        if kind == AUTO:
            return Checkpointed(None, None, memory=value)
        return Checkpointed(value, kind)  # ("online", k): tests run every loop online
    return Checkpointed(setting, None)


class Checkpointed:
    """Reverse a loop through a run-time schedule (``s2s.runtime.schedules``)."""

    def __init__(self, snapshots, kind, memory=None):
        self.snapshots = snapshots  # None: decided at run time from ``memory``
        self.kind = kind  # None | "binomial" | "online"
        self.memory = memory

    def reverse_loop(self, rev, loop):

        where, text = site(loop, rev.where)
        counted = isinstance(loop, gast.For) and self.kind != "online"
        if self.kind == "binomial" and not counted:
            raise UnsupportedSyntaxError(
                "{}: `{}`: binomial checkpointing needs the loop's trip count on entry, and this loop's is "
                "unknown (a while loop, or a for loop that can break or return). Use "
                "schedule='online' or leave schedule= out.".format(where, text))
        entry_bound = set(rev.maybe_bound)
        entry_definite = set(rev.definitely_bound)
        first_slot = len(rev.slots)
        action, step = rev.ctx.namer.fresh("action"), rev.ctx.namer.fresh("step")  # outer loops first
        body_p, body_a = reverse_body(rev, loop)
        if not body_a:  # nothing to reverse: the loop runs once, as written
            return STORE_ALL.assemble(rev, loop, body_p, body_a)
        # under "auto" an enclosing loop's iterations may mix stored and
        # checkpointed runs of this one: restore every name it writes
        every = self.snapshots is None and rev.depth > 0
        state, mutated = state_names(rev.fn, loop, entry_bound, every)
        preset = set().union(*(A.names_stored(s) for s in rev.prologue))
        for name in state:  # a snapshot before the first step reads them
            if name not in entry_definite and name not in preset:
                rev.prologue.append(A.assign(name, A.const(None)))
        hint = loop.target.id if isinstance(loop, gast.For) else "loop"
        schedule = rev.ctx.namer.fresh(hint + "_schedule")
        schedule_slot = rev.slot("name", schedule, loop)
        ref = rev.ctx.refs.expr
        kept = gast.Tuple(elts=[_copied(ref, n) if n in mutated else A.name(n) for n in state], ctx=gast.Load())
        names = gast.Tuple(elts=[A.name(n) for n in state], ctx=gast.Load())
        build = self._build(ref, loop, schedule, names, len(rev.slots) - first_slot - 1, where)
        due = gast.If(test=A.quote_expr("{}.snapshot_due()".format(schedule)),
                      body=[_call_stmt("{}.keep".format(schedule), [A.deepcopy(kept)])], orelse=[])

        plain = [due] + A.deepcopy(loop.body)
        if isinstance(loop, gast.For):
            forward = gast.For(target=A.store(loop.target.id), iter=loop.iter, body=plain, orelse=[],
                               type_comment=None)
            head = [A.assign(A.store(loop.target.id),
                             gast.Subscript(value=A.deepcopy(loop.iter), slice=A.name(step), ctx=gast.Load()))]
        else:
            forward = gast.While(test=loop.test, body=plain, orelse=[])
            head = []
        restore = [A.assign(gast.Tuple(elts=[A.store(n) for n in state], ctx=gast.Store()),
                            A.quote_expr("{}.restored({})".format(schedule, step)))] if state else [gast.Pass()]
        restore += [A.assign(n, _copied(ref, n)) for n in state if n in mutated]
        actions = _chain(action, [
            ("restore", restore),
            ("snapshot", [_call_stmt("{}.keep".format(schedule), [A.deepcopy(kept)])]),
            ("advance", head + A.deepcopy(loop.body)),
            ("reverse", A.deepcopy(head) + body_p + body_a),
        ])
        backward = gast.For(target=gast.Tuple(elts=[A.store(action), A.store(step)], ctx=gast.Store()),
                            iter=A.quote_expr("{}.backward()".format(schedule)), body=[actions], orelse=[],
                            type_comment=None)
        if self.snapshots is None and counted:
            # checkpoint="auto": the schedule may choose to store every iteration
            stores_all = A.quote_expr("{}.stores_all".format(schedule))
            stored_p = gast.For(target=A.store(loop.target.id), iter=A.deepcopy(loop.iter), body=_clone(body_p),
                                orelse=[], type_comment=None)
            backwards = A.call(A.name("reversed"), [A.deepcopy(loop.iter)])
            stored_a = gast.For(target=A.store(loop.target.id), iter=backwards, body=_clone(body_a),
                                orelse=[], type_comment=None)
            forward = gast.If(test=stores_all, body=[stored_p], orelse=[forward])
            backward = gast.If(test=A.deepcopy(stores_all), body=[stored_a], orelse=[backward])
        primal = [marker(schedule_slot, "save")] + build + [forward]
        adjoint = [backward, marker(schedule_slot, "restore")]
        for name in sorted(n for n in state if n in mutated):
            # the reverse sweep ends on copies of the entry state, while the code before the loop (its
            # views, its saved values) still holds the array the loop began with and wrote into in place
            entry = rev.ctx.namer.fresh(name + "_entry")
            entry_slot = rev.slot("name", entry, loop)
            primal[:0] = [marker(entry_slot, "save"), A.assign(entry, A.name(name))]
            rejoin = gast.If(test=A.call(ref(runtime.rejoins, "rejoins"), [A.name(entry), A.name(name)]),
                             body=[A.assign(gast.Subscript(value=A.name(entry), slice=gast.Constant(
                                 value=Ellipsis, kind=None), ctx=gast.Store()), A.name(name)),
                                   A.assign(name, A.name(entry))], orelse=[])
            adjoint[1:1] = [rejoin]
            adjoint.append(marker(entry_slot, "restore"))
        if isinstance(loop, gast.For):
            slot = rev.slot("name", loop.target.id, loop)
            primal.insert(0, marker(slot, "save"))
            adjoint.append(marker(slot, "restore"))
        return primal, adjoint

    def _build(self, ref, loop, schedule, kept, saved_per_step, where):
        """``schedule = schedules.binomial(...)`` (or online, auto)."""
        steps = A.call(A.name("len"), [A.deepcopy(loop.iter)]) if isinstance(loop, gast.For) else None
        counted = steps is not None and self.kind != "online"
        kw = A.keyword
        if self.snapshots is None:
            make = A.call(ref(schedules.auto, "auto"), [steps if counted else A.const(None), A.deepcopy(kept)], [
                kw("memory", A.const(self.memory)), kw("saved_per_step", A.const(max(saved_per_step, 1))),
                kw("where", A.const(where))])
        else:
            rest = [kw("snapshots", A.const(self.snapshots)), kw("where", A.const(where))]
            if counted:
                make = A.call(ref(schedules.binomial, "binomial"), [steps], rest)
            else:
                make = A.call(ref(schedules.online, "online"), [], rest)
        return [A.assign(schedule, make)]


def state_names(fn, loop, entry_bound, every=False):
    """(state, mutated): the names a snapshot of ``loop`` holds, sorted, and
    those among them the body writes into in place (copied in snapshots).

    A written name is kept when its value on entry to an iteration may be
    read: by the iteration itself, by code outside the loop, or by the
    adjoint of code before the loop (it was bound before the loop). With
    ``every``, all written names are kept."""
    inside = {id(n) for s in loop.body for n in A.walk(s)}
    outside = {n.id for n in A.walk(fn)
               if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load) and id(n) not in inside}
    mutated = _mutated(loop.body)
    written = set().union(*(A.names_stored(s) for s in loop.body)) | mutated
    read_first, _ = exposed(loop.body, set())
    state = set(written) if every else written & (read_first | outside | entry_bound)
    if isinstance(loop, gast.For):
        state.discard(loop.target.id)
    return sorted(state), mutated & state


def exposed(stmts, defined):
    """(names an iteration may read before writing them, names it surely writes)."""
    defined = set(defined)
    out = set()
    for s in stmts:
        if isinstance(s, gast.Assign):
            target = s.targets[0]
            out |= A.names_loaded(s.value) - defined
            if isinstance(target, gast.Name):
                defined.add(target.id)
            else:
                out |= A.names_loaded(target) - defined
        elif isinstance(s, gast.If):
            out |= A.names_loaded(s.test) - defined
            body_out, body_def = exposed(s.body, defined)
            else_out, else_def = exposed(s.orelse, defined)
            out |= body_out | else_out
            defined = body_def & else_def
        elif isinstance(s, gast.For):
            out |= A.names_loaded(s.iter) - defined
            out |= exposed(s.body, defined | {s.target.id})[0]
        elif isinstance(s, gast.While):
            out |= A.names_loaded(s.test) - defined
            out |= exposed(s.body, defined)[0]
        else:
            out |= A.names_loaded(s) - defined
    return out, defined


def _mutated(stmts):
    """Names of the arrays and lists the statements write into in place."""
    out = set()
    for s in stmts:
        for node in A.walk(s):
            if isinstance(node, gast.Assign) and isinstance(node.targets[0], gast.Subscript) \
                    and isinstance(node.targets[0].value, gast.Name):
                out.add(node.targets[0].value.id)
            elif (isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute)
                  and isinstance(node.func.value, gast.Name)
                  and (node.func.attr == "append" and not anno.has(node, anno.Key.CALLEE)
                       or anno.get(node, anno.Key.METHOD) == "pop")):
                out.add(node.func.value.id)
    return out


def _chain(action, cases):
    """``if action == case: ... elif ...: ...``."""
    orelse = []
    for case, body in reversed(cases):
        test = gast.Compare(left=A.name(action), ops=[gast.Eq()], comparators=[A.const(case)])
        orelse = [gast.If(test=test, body=body, orelse=orelse)]
    return orelse[0]


def _copied(ref, name):
    return A.call(ref(runtime.copy, "copy"), [A.name(name)])


def _call_stmt(func, args):
    return gast.Expr(value=A.call(A.quote_expr(func), args))


def _clone(stmts):
    """Deep copies of statements that share their save/restore markers."""

    out = []
    for stmt in stmts:
        if isinstance(stmt, Marker):
            out.append(stmt)
            continue
        new = A.deepcopy(stmt)
        copy_attrs(stmt, new)
        for field in ("body", "orelse"):
            if isinstance(getattr(stmt, field, None), list):
                setattr(new, field, _clone(getattr(stmt, field)))
        out.append(new)
    return out

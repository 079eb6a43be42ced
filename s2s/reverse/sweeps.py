"""Reverse mode: from a core-form function to its primal and adjoint sweeps.

Invariant of the generated code: when the adjoint of a statement runs, every
variable the adjoint reads holds the value it had right after that statement
ran in the primal sweep. Statements that overwrite such a value save it first
(a variable, or a stack inside loops) and the adjoint sweep restores it right
after the statement's adjoint. Which values need saving is known only once
the adjoint code exists, so saves are placed as markers and resolved last.

Adjoint updates are emitted as pseudo-statements (``Acc``, ``AccAt``,
``ZeroAt``, ``Reset``) grouped by the adjoint they read; the ``accumulate``
pass turns them into assignments, sums and zero initialisations.
"""
import operator
import types

import gast

from s2s.common import anno
from s2s.common import astutil as A
from s2s import runtime
from s2s.rules import templates
from s2s.common.errors import NoRuleError, UnsupportedSyntaxError, describe, no_rule, site
from s2s.reverse.checkpoint import schedule_for
from s2s.reverse.nodes import AccAt, Group, Reset, Slot, ZeroAt, acc, marker
from s2s.rules.operators import OPERATORS


# ------------------------------------------------------------------- reversal
class Reverse:
    """Builds the primal and adjoint sweeps of one core-form function."""

    def __init__(self, ctx, fn, active, containers, where):
        self.ctx = ctx
        self.fn = fn
        self.active = active
        self.containers = containers
        self.where = where  # origin of the function, for messages
        self.depth = 0
        self.slots = []
        self.prologue = []  # statements at the top of the generated function (stacks)
        params = set(_parameters(fn))
        nodes = A.walk(fn)  # one walk for both
        self.popped = _popped_lists(nodes)  # an append's slot may be reused after a pop
        self.indexed_from_end = _indexed_from_end(nodes)  # lists read or written at lst[-1], lst[-2:], lst[i]
        self.maybe_bound = set(params)  # names that may hold a value at this point
        self.definitely_bound = set(params)  # names that hold a value on every path here

    def bar(self, name):
        return self.ctx.bar(name)

    def is_active(self, name):
        return name in self.active

    def block(self, stmts):
        primal, adjoints = [], []
        for stmt in stmts:
            p, a = self.stmt(stmt)
            origin = anno.get(stmt, anno.Key.ORIGIN)
            primal.extend(A.with_origin(p, origin))
            adjoints.append(A.with_origin(a, origin))
        # the adjoint sweep runs the statements' adjoints last first (joined once: no prepending)
        return primal, [s for a in reversed(adjoints) for s in a]

    def stmt(self, s):
        if isinstance(s, gast.Assign):
            target = s.targets[0]
            if isinstance(target, gast.Subscript):
                return self.item_write(s)
            return self.assign(s)
        if isinstance(s, gast.Expr):
            call = s.value
            if (isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute)
                    and call.func.attr == "append" and not anno.has(call, anno.Key.CALLEE)):
                return self.append(s)
            if (anno.get(call, anno.Key.METHOD) == "pop" and isinstance(call.func.value, gast.Name)
                    and self.is_active(call.func.value.id)):
                return self.dropped_pop(s)
            return [s], []
        if isinstance(s, gast.If):
            assigned = A.names_stored(gast.Module(body=s.body + s.orelse, type_ignores=[]))
            if isinstance(s.test, gast.Name) and s.test.id in assigned:
                # the branch changes its own condition: test a copy
                cond = self.ctx.namer.fresh("cond")
                copy = A.assign(cond, A.name(s.test.id))
                anno.copy(s, copy)
                p, a = self.stmt(copy)
                new = gast.If(test=A.name(cond), body=s.body, orelse=s.orelse)
                anno.copy(s, new)
                p2, a2 = self.stmt(new)
                return p + p2, a2 + a
            before, maybe_before = set(self.definitely_bound), set(self.maybe_bound)
            body_p, body_a = self.block(s.body)
            after_body, self.definitely_bound = self.definitely_bound, set(before)
            maybe_body, self.maybe_bound = self.maybe_bound, maybe_before
            else_p, else_a = self.block(s.orelse)
            self.definitely_bound &= after_body
            self.maybe_bound |= maybe_body
            primal = gast.If(test=s.test, body=body_p or [gast.Pass()], orelse=else_p)
            adjoint = [gast.If(test=A.deepcopy(s.test), body=body_a, orelse=else_a)] if body_a or else_a else []
            return [primal], adjoint
        if isinstance(s, (gast.For, gast.While)):
            before = set(self.definitely_bound)
            result = schedule_for(self, s).reverse_loop(self, s)
            self.definitely_bound = before
            return result
        if isinstance(s, gast.Return):
            return [s], []
        return [s], []

    # -- assignments
    def assign(self, s):
        target = s.targets[0].id
        if anno.get(s.value, anno.Key.METHOD) == "pop" and self.is_active(s.value.func.value.id):
            return self.pop(s)
        slot = self.slot("name", target, s)
        primal = [marker(slot, "save"), s]
        if not self.is_active(target):
            return primal, [marker(slot, "restore")]
        ans = A.name(target)
        ans_bar = A.name(self.bar(target))
        value = s.value
        body, replaced = self.adjoint_of_value(value, ans, ans_bar, s)
        restores = [marker(slot, "restore")]
        if replaced is not None:
            call_primal, call_restores = replaced
            primal = [marker(slot, "save")] + call_primal
            restores += call_restores
        group = Group(body=body)
        group.reads = {ans_bar.id}
        reset = Reset()
        reset.bar = ans_bar.id
        adjoint = ([group] if body else []) + [reset] + restores
        return primal, adjoint

    def _contribute(self, node, expr):
        return acc(self.bar(node.id), node.id, expr)

    def adjoint_of_value(self, value, ans, ans_bar, stmt):
        """(adjoint statements, replacement primal statements or None)."""
        act = lambda n: isinstance(n, gast.Name) and self.is_active(n.id)  # noqa: E731
        if isinstance(value, gast.Name):
            return ([self._contribute(value, A.deepcopy(ans_bar))] if act(value) else []), None
        if isinstance(value, gast.Constant):
            return [], None
        if isinstance(value, gast.BinOp):
            op = getattr(operator, OPERATORS[type(value.op)])
            return self.primitive(op, [value.left, value.right], {}, ans, ans_bar, stmt), None
        if isinstance(value, gast.UnaryOp):
            if isinstance(value.op, gast.USub):
                return self.primitive(operator.neg, [value.operand], {}, ans, ans_bar, stmt), None
            if isinstance(value.op, gast.UAdd):
                return self.primitive(operator.pos, [value.operand], {}, ans, ans_bar, stmt), None
            return [], None
        if isinstance(value, gast.Compare):
            return [], None
        if isinstance(value, (gast.Tuple, gast.List)):
            out = []
            for i, elt in enumerate(value.elts):
                if act(elt):
                    item = gast.Subscript(value=A.deepcopy(ans_bar), slice=A.const(i), ctx=gast.Load())
                    out.append(self._contribute(elt, item))
            return out, None
        if isinstance(value, gast.Subscript):
            base = value.value
            if not act(base):
                return [], None
            node = AccAt(index=A.deepcopy(value.slice), value=A.deepcopy(ans_bar))
            node.bar, node.primal = self.bar(base.id), base.id
            return [node], None
        if isinstance(value, gast.Attribute):
            callee = anno.get(value, anno.Key.CALLEE)
            if callee is None:
                return [], None
            return self.primitive(callee, [value.value], {}, ans, ans_bar, stmt), None
        if isinstance(value, gast.Call):
            callee = anno.get(value, anno.Key.CALLEE)
            args = list(value.args)
            if anno.has(value, anno.Key.METHOD):
                args.insert(0, value.func.value)
            keywords = {k.arg: k.value for k in value.keywords}
            registry = self.ctx.registry
            if registry.is_nondifferentiable(callee):
                return [], None
            if registry.rule_for(callee) is not None:
                return self.primitive(callee, args, keywords, ans, ans_bar, stmt), None
            if isinstance(callee, types.FunctionType):
                return self.subroutine(callee, value, ans, ans_bar, stmt)
            raise no_rule(stmt, self.where, callee, "adjoint")
        return [], None

    def primitive(self, callee, args, keywords, ans, ans_bar, stmt):
        rule = self.ctx.registry.rule_for(callee)
        if rule is None:
            if self.ctx.registry.is_nondifferentiable(callee):
                return []
            raise NoRuleError("{}: `{}`: s2s has no derivative rule for {}. Register one with "
                              "@s2s.adjoint.".format(*site(stmt, self.where), describe(callee)))
        try:
            prelude, contributions = templates.instantiate(
                rule, args, keywords, ans, ans_bar, self.is_active, self.ctx.refs, self.ctx.namer)
        except templates.CallBindingError as err:
            raise UnsupportedSyntaxError("{}: `{}`: {}".format(*site(stmt, self.where), err)) from None
        return prelude + [self._contribute(node, expr) for node, expr in self._combined(contributions)]

    def _combined(self, contributions):
        """Equal contributions to one array or number made one, times their count: ``v * v`` gives
        ``v_bar = t_bar * v * 2.0`` (doubling is exact), not ``t_bar * v`` added to itself."""
        seen, order = {}, []
        targets = {}  # a contribution alone to its name is compared with none (its structure not needed)
        for node, _ in contributions:
            targets[node.id] = targets.get(node.id, 0) + 1
        for node, expr in contributions:
            if node.id in self.containers:
                key = (id(node), id(expr))
            else:
                key = (node.id, A.structure(expr)) if targets[node.id] > 1 else (node.id,)
            if key not in seen:
                seen[key] = [node, expr, 0]
                order.append(key)
            seen[key][2] += 1
        out = []
        for key in order:
            node, expr, count = seen[key]
            if count > 1:
                expr = gast.BinOp(left=expr, op=gast.Mult(), right=A.const(float(count)))
            out.append((node, expr))
        return out

    def subroutine(self, callee, call, ans, ans_bar, stmt):
        sub = self.ctx.subroutine(callee, call, self, stmt)
        if sub is None:
            return [], None
        fwd, bwd, active_args = sub
        tape = self.ctx.namer.fresh(callee.__name__ + "_tape")
        new_call = A.call(fwd, list(call.args), list(call.keywords))
        target = gast.Tuple(elts=[A.store(ans.id), A.store(tape)], ctx=gast.Store())
        primal = A.assign(target, new_call)
        slot = self.slot("name", tape, stmt)
        parts = [A.store(self.ctx.namer.fresh("{}_{}_bar".format(callee.__name__, p))) for p, _ in active_args]
        unpack_target = gast.Tuple(elts=parts, ctx=gast.Store()) if len(parts) > 1 else parts[0]
        call_bwd = A.assign(unpack_target, A.call(bwd, [A.name(tape), A.deepcopy(ans_bar)]))
        body = [call_bwd] + [self._contribute(node, A.load(part)) for (_, node), part in zip(active_args, parts)]
        # the tape is saved like any other variable that the adjoint reads
        return body, ([marker(slot, "save"), primal], [marker(slot, "restore")])

    # -- writes into arrays and lists
    def item_write(self, s):
        target = s.targets[0]
        name = target.value.id
        self.ctx.check_writable(name, s)
        slot = self.slot("item", name, s, index=target.slice)
        primal = [marker(slot, "save"), s]
        adjoint = []
        if self.is_active(name):
            bar = self.bar(name)
            body = []
            if isinstance(s.value, gast.Name) and self.is_active(s.value.id):
                read = A.call(self.ctx.refs.expr(runtime.read_at, "read_at"), [A.name(bar), A.index_expr(target.slice)])
                part = A.call(self.ctx.refs.expr(runtime.unbroadcast, "unbroadcast"), [read, A.name(s.value.id)])
                body.append(self._contribute(s.value, part))
            zero = ZeroAt(index=A.deepcopy(target.slice))
            zero.bar, zero.primal = bar, name
            group = Group(body=body + [zero])
            group.reads = {bar}
            adjoint.append(group)
        adjoint.append(marker(slot, "restore"))
        return primal, adjoint

    def append(self, s):
        call = s.value
        name = call.func.value.id
        slot = self.slot("append", name, s)
        adjoint = []
        item = call.args[0]
        if self.is_active(name) and isinstance(item, gast.Name) and self.is_active(item.id):
            bar = self.bar(name)
            part = A.call(self.ctx.refs.expr(runtime.appended, "appended"), [A.name(bar), A.name(name)])
            body = [self._contribute(item, part)]
            if name in self.popped:
                # a later pop and append reuse this position: its adjoint is spent
                zero = ZeroAt(index=_last_index(name))
                zero.bar, zero.primal = bar, name
                body.append(zero)
            group = Group(body=body)
            group.reads = {bar}
            adjoint.append(group)
        adjoint.append(marker(slot, "restore"))
        if self.is_active(name) and name in self.indexed_from_end:
            # the append undone, the adjoint is as long as the list again: lst[-1] is one position in both
            bar = self.bar(name)
            shrink = Group(body=[A.assign(bar, A.call(self.ctx.refs.expr(runtime.shrunk, "shrunk"),
                                                     [A.name(bar), A.name(name)]))])
            shrink.reads = {bar}
            adjoint.append(shrink)
        return [s], adjoint

    def pop(self, s):
        """``y = lst.pop()`` of an active list: the adjoint puts ``y`` back and
        adds ``y_bar`` into the adjoint of the list's last position."""
        target = s.targets[0].id
        name = s.value.func.value.id
        slot = self.slot("name", target, s)
        regrow = self.slot("pop", name, s, index=A.name(target))
        acc = AccAt(index=_last_index(name), value=A.name(self.bar(target)))
        acc.bar, acc.primal = self.bar(name), name
        group = Group(body=[acc])
        group.reads = {self.bar(target)}
        reset = Reset()
        reset.bar = self.bar(target)
        adjoint = [marker(regrow, "restore"), group, reset, marker(slot, "restore")]
        return [marker(slot, "save"), s], adjoint

    def dropped_pop(self, s):
        """``lst.pop()`` whose value is dropped: the adjoint puts the value back (the list's adjoint
        at that position is zero: nothing read the value)."""
        name = s.value.func.value.id
        kept = A.assign(self.ctx.namer.fresh(name + "_dropped"), s.value)
        anno.copy(s, kept)
        target = kept.targets[0].id
        slot = self.slot("name", target, kept)
        regrow = self.slot("pop", name, kept, index=A.name(target))
        return [marker(slot, "save"), kept], [marker(regrow, "restore"), marker(slot, "restore")]

    def slot(self, kind, name, stmt, index=None):
        slot = Slot(kind, name, self.depth, index, stmt)
        slot.maybe_bound = self.depth > 0 or name in self.maybe_bound
        slot.definitely_bound = name in self.definitely_bound
        self.maybe_bound.add(name)
        self.definitely_bound.add(name)
        self.slots.append(slot)
        return slot


def _last_index(name):
    return A.quote_expr("len({}) - 1".format(name))


def _indexed_from_end(nodes):
    """Names subscripted with an index that may count from the end (anything but a constant >= 0),
    among ``nodes`` (a function's, ``A.walk``)."""
    out = set()
    for node in nodes:
        if isinstance(node, gast.Subscript) and isinstance(node.value, gast.Name):
            index = node.slice
            if not (isinstance(index, gast.Constant) and isinstance(index.value, int) and index.value >= 0):
                out.add(node.value.id)
    return out


def _popped_lists(nodes):
    return {node.func.value.id for node in nodes
            if isinstance(node, gast.Call) and anno.get(node, anno.Key.METHOD) == "pop"
            and isinstance(node.func.value, gast.Name)}


def _parameters(fn):
    args = fn.args
    return [a.id for a in args.posonlyargs + args.args + args.kwonlyargs]

"""Forward mode: tangent statements interleaved with the primal ones.

Each core-form statement ``t = op(a, b)`` is followed by the statement of its
tangent ``t_dot = ...`` from the primitive's tangent template (see
``s2s.tangents``). Control flow is kept as it is: a branch or loop of the
primal carries the tangents of its statements, so no value is saved.

Invariant: after every statement, each active variable that holds a value
has its tangent in ``<name>_dot`` (zero where the value does not depend on
the inputs we differentiate).
"""
import operator
import types

import gast

from s2s import anno
from s2s import astutil as A
from s2s import runtime, tangents
from s2s.errors import NoRuleError, UnsupportedSyntaxError, describe, no_rule, site
from s2s.reverse import OPERATORS
from s2s.templates import CallBindingError


class Forward:
    """Builds the tangent-carrying body of one core-form function."""

    def __init__(self, ctx, fn, active, containers, where):
        self.ctx = ctx
        self.active = active
        self.containers = containers  # names that hold lists or tuples (for subroutine calls)
        self.where = where  # origin of the function, for messages
        self.written = _item_written(fn.body)

    def is_active(self, name):
        return name in self.active

    def dot(self, name):
        return self.ctx.dot(name)

    def dot_of(self, node):
        """The tangent of an operand node, or None where it has none (zero)."""
        if isinstance(node, gast.Name) and self.is_active(node.id):
            return A.name(self.dot(node.id))
        return None

    def zeros_like(self, node):
        if isinstance(node, gast.Constant) and isinstance(node.value, (int, float)) and not isinstance(
                node.value, bool):
            return A.const(0.0)
        return A.call(self.ctx.refs.expr(runtime.zeros_like, "zeros_like"), [A.deepcopy(node)])

    def tangent_or_zero(self, node):
        return self.dot_of(node) or self.zeros_like(node)

    # ---------------------------------------------------------- statements
    def block(self, stmts):
        out = []
        for stmt in stmts:
            out.extend(A.with_origin(self.stmt(stmt), anno.get(stmt, anno.Key.ORIGIN)))
        return out

    def stmt(self, s):
        if isinstance(s, gast.Assign):
            if isinstance(s.targets[0], gast.Subscript):
                return self.item_write(s)
            return self.assign(s)
        if isinstance(s, gast.Expr):
            call = s.value
            if (isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute)
                    and call.func.attr == "append" and not anno.has(call, anno.Key.CALLEE)):
                return self.append(s)
            return [s]
        if isinstance(s, gast.If):
            new = gast.If(test=s.test, body=self.block(s.body) or [gast.Pass()], orelse=self.block(s.orelse))
            return [new]
        if isinstance(s, gast.For):
            new = gast.For(target=s.target, iter=s.iter, body=self.block(s.body) or [gast.Pass()],
                           orelse=self.block(s.orelse), type_comment=None)
            return [new]
        if isinstance(s, gast.While):
            return [gast.While(test=s.test, body=self.block(s.body) or [gast.Pass()], orelse=self.block(s.orelse))]
        return [s]

    def assign(self, s):
        target = s.targets[0].id
        if not self.is_active(target):
            return [s]
        value = s.value
        if isinstance(value, gast.Call) and self._is_subroutine(value):
            return self.subroutine(s)
        clobbers = target in A.names_loaded(value)
        ans_name = self.ctx.namer.fresh(target + "_new") if clobbers else target
        primal = A.assign(ans_name, value)
        anno.copy(s, primal)
        prelude, expr = self.tangent_of(value, A.name(ans_name), s)
        if target in self.written and isinstance(expr, (gast.Name, gast.Subscript)):
            # the target is written into later: its tangent must not share memory
            expr = A.call(self.ctx.refs.expr(runtime.copy, "copy"), [expr])
        out = [primal] + prelude + [A.assign(self.dot(target), expr)]
        if clobbers:
            out.append(A.assign(target, A.name(ans_name)))
        return out

    def tangent_of(self, value, ans, stmt):
        """(prelude, tangent expression) of ``ans = value``."""
        if isinstance(value, (gast.Name, gast.Constant)):
            return [], self.tangent_or_zero(value)
        if isinstance(value, (gast.Tuple, gast.List)):
            elts = [self.tangent_or_zero(e) for e in value.elts]
            return [], type(value)(elts=elts, ctx=gast.Load())
        if isinstance(value, gast.Subscript):
            base = self.dot_of(value.value)
            if base is None:
                return [], self.zeros_like(ans)
            return [], gast.Subscript(value=base, slice=A.deepcopy(value.slice), ctx=gast.Load())
        if isinstance(value, gast.BinOp):
            op = getattr(operator, OPERATORS[type(value.op)])
            return self.primitive(op, value, [value.left, value.right], {}, ans, stmt)
        if isinstance(value, gast.UnaryOp):
            if isinstance(value.op, gast.USub):
                return self.primitive(operator.neg, value, [value.operand], {}, ans, stmt)
            if isinstance(value.op, gast.UAdd):
                return self.primitive(operator.pos, value, [value.operand], {}, ans, stmt)
            return [], self.zeros_like(ans)
        if isinstance(value, gast.Attribute):
            callee = anno.get(value, anno.Key.CALLEE)
            if callee is None:
                return [], self.zeros_like(ans)
            return self.primitive(callee, value, [value.value], {}, ans, stmt)
        if isinstance(value, gast.Call):
            if anno.get(value, anno.Key.METHOD) == "pop":
                base = self.dot_of(value.func.value)
                if base is None:
                    return [], self.zeros_like(ans)
                return [], A.call(gast.Attribute(value=base, attr="pop", ctx=gast.Load()), A.deepcopy(value.args))
            callee = anno.get(value, anno.Key.CALLEE)
            args = list(value.args)
            if anno.has(value, anno.Key.METHOD):
                args.insert(0, value.func.value)
            keywords = {k.arg: k.value for k in value.keywords}
            return self.primitive(callee, value, args, keywords, ans, stmt)
        return [], self.zeros_like(ans)

    def primitive(self, callee, value, args, keywords, ans, stmt):
        registry = self.ctx.registry
        rule = registry.rule_for(callee)
        if rule is None:
            if registry.is_nondifferentiable(callee):
                return [], self.zeros_like(ans)
            raise no_rule(stmt, self.where, callee, "tangent")
        try:
            result = tangents.instantiate(rule, registry.tangent_for(callee), value, args, keywords, ans,
                                          self.dot_of, self.ctx.refs, self.ctx.namer)
        except CallBindingError as err:
            raise UnsupportedSyntaxError("{}: `{}`: {}".format(*site(stmt, self.where), err)) from None
        except tangents.MissingTangentError as err:
            raise NoRuleError(
                "{}: `{}`: s2s has a reverse-mode rule for {} ({}) but no forward-mode one. Register one with "
                "@s2s.tangent({}), or use reverse mode.".format(
                    *site(stmt, self.where), describe(callee), err.rule.where, callee.__name__)) from None
        if result is None:
            return [], self.zeros_like(ans)
        return result

    # ---------------------------------------------------------- subroutines
    def _is_subroutine(self, call):
        callee = anno.get(call, anno.Key.CALLEE)
        registry = self.ctx.registry
        return (isinstance(callee, types.FunctionType) and registry.rule_for(callee) is None
                and not registry.is_nondifferentiable(callee))

    def subroutine(self, s):
        call = s.value
        target = s.targets[0].id
        callee = anno.get(call, anno.Key.CALLEE)
        sub = self.ctx.forward_subroutine(callee, call, self, s)
        if sub is None:
            return [s, A.assign(self.dot(target), self.zeros_like(A.name(target)))]
        name, dots, active_args = sub
        keywords = list(call.keywords) + [A.keyword(dots[p], A.name(self.dot(node.id))) for p, node in active_args]
        new_call = A.call(A.name(name), list(call.args), keywords)
        pair = gast.Tuple(elts=[A.store(target), A.store(self.dot(target))], ctx=gast.Store())
        return [A.assign(pair, new_call)]

    # ---------------------------------------------------------- writes
    def item_write(self, s):
        target = s.targets[0]
        name = target.value.id
        self.ctx.check_writable(name, s)
        if not self.is_active(name):
            return [s]
        write = gast.Subscript(value=A.name(self.dot(name)), slice=A.deepcopy(target.slice), ctx=gast.Store())
        return [s, A.assign(write, self.tangent_or_zero(s.value))]

    def append(self, s):
        call = s.value
        name = call.func.value.id
        if not self.is_active(name):
            return [s]
        item = self.tangent_or_zero(call.args[0])
        push = A.call(gast.Attribute(value=A.name(self.dot(name)), attr="append", ctx=gast.Load()), [item])
        return [s, gast.Expr(value=push)]


def _item_written(stmts):
    """Names written into with ``name[...] = value``."""
    out = set()
    for stmt in stmts:
        for node in A.walk(stmt):
            if (isinstance(node, gast.Assign) and isinstance(node.targets[0], gast.Subscript)
                    and isinstance(node.targets[0].value, gast.Name)):
                out.add(node.targets[0].value.id)
    return out

"""Forward mode: tangent statements interleaved with the primal ones.

Each core-form statement ``t = op(a, b)`` is followed by the statement of its
tangent ``t_dot = ...`` from the primitive's tangent template (see
``s2s.forward.tangents``). Control flow is kept as it is: a branch or loop of the
primal carries the tangents of its statements, so no value is saved.

Invariant: after every statement, each active variable that holds a value
has its tangent in ``<name>_dot`` (zero where the value does not depend on
the inputs we differentiate).

Batched (``s2s.jvp(f, batch=True)``): every tangent has a leading axis, one
entry per seed, and the variable named by ``batch`` holds their number. A
tangent indexed as the primal is indexed after that axis. A rule whose
tangent expression is elementwise in the tangents (arithmetic, ufuncs,
``np.where``) runs on all seeds at once, its tangents ``lift``-ed to the
rank of the result so that they broadcast as the primal operands do; so does
a primitive with a batched template (templates/batched.py: reductions,
reshapes, matrix products...); any other rule runs seed by seed in a loop
and ``batch_stack`` joins the results.
"""
import operator
import types

import gast

from s2s.common import anno
from s2s.common import astutil as A
from s2s import runtime
from s2s.runtime import batching
from s2s.analysis import seeds
from s2s.forward import tangents
from s2s.analysis import kinds
from s2s.common.errors import NoRuleError, UnsupportedSyntaxError, describe, no_rule, site
from s2s.rules.operators import OPERATORS
from s2s.rules.templates import CallBindingError


class Forward:
    """Builds the tangent-carrying body of one core-form function."""

    def __init__(self, ctx, fn, active, containers, where, batch=None, entry=False):
        self.ctx = ctx
        self.batch = batch  # batched mode: the name of the number of seeds
        self.active = active
        self.containers = containers  # names that hold lists or tuples (for subroutine calls)
        self.where = where  # origin of the function, for messages
        self.written = _item_written(fn.body)
        self.counters = kinds.int_names(fn, ctx.resolve) if batch else set()  # names that hold ints
        # names that hold arrays (the entry's parameters are known: the call shows which are lists or tuples)
        self.arrays = kinds.array_names(fn, containers, ctx.resolve, entry) if batch else set()
        self._seed = None

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
        """A zero tangent for the value of ``node``."""
        if self.batch and not _is_number(node):  # a number's zero stays the Python 0.0 for every seed
            return A.call(self.ctx.refs.expr(batching.batch_zeros, "batch_zeros"), [A.deepcopy(node),
                                                                                   A.name(self.batch)])
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
        if target in self.written and self._may_alias(expr) and not isinstance(value, gast.Name):
            # the target is written into later: a tangent that shares memory where the primal value
            # does not (``y = x + 1.0`` has ``y_dot = x_dot``) must be copied. A primal alias
            # (``a = b``) keeps its tangent an alias, so that a write through either name reaches both
            # tangents as it reaches both values (the restores of a reverse sweep rely on it)
            expr = A.call(self.ctx.refs.expr(runtime.copy, "copy"), [expr])
        out = [primal] + prelude + [A.assign(self.dot(target), expr)]
        if clobbers:
            out.append(A.assign(target, A.name(ans_name)))
        return out

    def _may_alias(self, expr):
        """Whether the tangent expression ``expr`` may be another tangent's array: a name, an item or
        slice of one, or ``lift``/``seeded`` of one (a batched tangent reshaped or passed through:
        ``t11 = ones + x0`` has ``t11_dot = lift(x0_dot, t11)``, x0_dot itself)."""
        passing = {A.dotted_name(self.ctx.refs.expr(batching.lift, "lift")),
                   A.dotted_name(self.ctx.refs.expr(batching.seeded, "seeded"))}
        while isinstance(expr, gast.Call) and expr.args and A.dotted_name(expr.func) in passing:
            expr = expr.args[0]
        return isinstance(expr, (gast.Name, gast.Subscript))

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
            if self.batch and value.value.id not in self.arrays:  # may be a list or tuple of tangents
                extra = []
                if isinstance(value.slice, gast.Constant) and isinstance(value.slice.value, str) \
                        or anno.get(value, anno.Key.ENTRY):  # a dict's entry: zeros like it when missing
                    extra = [A.deepcopy(value), A.name(self.batch)]
                return [], A.call(self.ctx.refs.expr(batching.batch_at, "batch_at"),
                                  [base, A.index_expr(value.slice)] + extra)
            if (isinstance(value.slice, gast.Constant) and isinstance(value.slice.value, str)) \
                    or anno.get(value, anno.Key.ENTRY):
                # a dict's tangent holds only its nonzero entries (see runtime.zeros_like): a missing
                # one is zeros shaped like the entry
                return [], A.call(self.ctx.refs.expr(runtime.read_at, "read_at"),
                                  [base, A.deepcopy(value.slice), A.deepcopy(value)])
            return [], gast.Subscript(value=base, slice=self.index(value.slice), ctx=gast.Load())
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
        if self.batch:
            return self.batched(rule, callee, value, args, keywords, ans, stmt)
        result = self.instantiate(rule, callee, value, args, keywords, ans, stmt, self.dot_of)
        if result is None:
            return [], self.zeros_like(ans)
        return result

    def instantiate(self, rule, callee, value, args, keywords, ans, stmt, dot, template=None):
        """(prelude, tangent expression) from the primitive's rule (or the batched ``template`` given: its
        zero tangents are the Python 0.0, the zero of every seed), None where no operand is active."""
        registry = self.ctx.registry
        try:
            if template is not None:
                return tangents.instantiate(rule, template, value, args, keywords, ans, dot, self.ctx.refs,
                                            self.ctx.namer, zero=lambda: A.const(0.0),
                                            extra={"batch": A.name(self.batch)})
            return tangents.instantiate(rule, registry.tangent_for(callee), value, args, keywords, ans, dot,
                                        self.ctx.refs, self.ctx.namer)
        except CallBindingError as err:
            raise UnsupportedSyntaxError("{}: `{}`: {}".format(*site(stmt, self.where), err)) from None
        except tangents.MissingTangentError as err:
            raise NoRuleError(
                "{}: `{}`: s2s has a reverse-mode rule for {} ({}) but no forward-mode one. Register one with "
                "@s2s.tangent({}), or use reverse mode.".format(
                    *site(stmt, self.where), describe(callee), err.rule.where, callee.__name__)) from None

    # ---------------------------------------------------------- batched mode
    def index(self, index):
        """The index of a tangent for the primal index ``index`` (after the seed axis when batched)."""
        index = A.deepcopy(index)
        if not self.batch:
            return index
        every = gast.Slice(lower=None, upper=None, step=None)
        if isinstance(index, gast.Tuple):
            return gast.Tuple(elts=[every] + index.elts, ctx=gast.Load())
        if isinstance(index, (gast.Slice, gast.Constant, gast.List)) or (
                isinstance(index, gast.Name) and index.id in self.counters):
            return gast.Tuple(elts=[every, index], ctx=gast.Load())
        # a name may hold a tuple of indices
        return A.call(self.ctx.refs.expr(batching.batch_index, "batch_index"), [index])

    def lift(self, tangent, like):
        return A.call(self.ctx.refs.expr(batching.lift, "lift"), [tangent, A.deepcopy(like)])

    def batched(self, rule, callee, value, args, keywords, ans, stmt):
        """(prelude, batched tangent expression) of a primitive: all seeds at once where it has a batched
        template or its tangent is elementwise in the tangents, else seed by seed."""
        template = self.ctx.registry.batched_for(callee)
        if template is not None:
            def seeded(node):  # a tangent that is the Python 0.0 reaches the template as zeros of its shape
                d = self.dot_of(node)
                return None if d is None else A.call(self.ctx.refs.expr(batching.seeded, "seeded"),
                                                     [d, A.deepcopy(node), A.name(self.batch)])

            result = self.instantiate(rule, callee, value, args, keywords, ans, stmt, seeded, template)
            return ([], self.zeros_like(ans)) if result is None else result
        # operands of a lower rank than the result broadcast: lift their tangents (numbers never do)
        operands = [a for a in list(args) + list(keywords.values())
                    if not isinstance(a, gast.Constant) and not (isinstance(a, gast.Name) and a.id in self.counters)]
        broadcasting = len(operands) > 1

        def lifted(node):
            d = self.dot_of(node)
            return self.lift(d, ans) if d is not None and broadcasting else d

        result = self.instantiate(rule, callee, value, args, keywords, ans, stmt, lifted)
        if result is None:
            return [], self.zeros_like(ans)
        prelude, expr = result
        dots = {self.dot(a.id) for a in list(args) + list(keywords.values()) if self.dot_of(a) is not None}
        in_prelude = any(dots & set(A.names_loaded(s)) for s in prelude)
        if not in_prelude and not (dots & set(A.names_loaded(expr))):
            return prelude, self.zeros_like(ans)
        if not in_prelude and self._elementwise(expr, dots, ans):
            return prelude, expr
        seed = self.seed

        def one_seed(node):
            d = self.dot_of(node)
            return None if d is None else seeds.at_seed(self.ctx.refs, d.id, seed)

        prelude, expr = self.instantiate(rule, callee, value, args, keywords, ans, stmt, one_seed)
        hint = ans.id if isinstance(ans, gast.Name) else "t"
        return seeds.seed_loop(self.ctx.refs, self.ctx.namer, seed, self.batch, prelude, expr, hint)

    @property
    def seed(self):
        if self._seed is None:
            self._seed = self.ctx.namer.fresh("seed")
        return self._seed

    def _elementwise(self, expr, dots, ans):
        """Whether the seed axis of every tangent in ``expr`` passes through (s2s.analysis.seeds);
        ``broadcast_like`` of the result becomes ``batch_broadcast``."""
        def widen(call, ok):
            fn = self.ctx.resolve(call.func)
            if fn is runtime.broadcast_like and _same_name(call.args[1], ans) and ok(call.args[0]):
                # tangents.instantiate's widening of a tangent that lost terms to the result's shape
                call.func = self.ctx.refs.expr(batching.batch_broadcast, "batch_broadcast")
                return True
            if not seeds.swappable(fn):
                return False
            if seeds.has_batched_form(fn):
                # its batched form takes each seed's tangent as it is: no lift to the result's rank
                # (that is for broadcasting in elementwise operations)
                call.args = [a.args[0] if isinstance(a, gast.Call) and self.ctx.resolve(a.func) is batching.lift
                             else a for a in call.args]
            return seeds.swap(call, ok, dots, self.ctx.resolve, self.ctx.refs, self.batch) is not None

        return seeds.elementwise_in(expr, dots, self.ctx.resolve, widen)

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
        value = self.tangent_or_zero(s.value)
        if self.batch and name not in self.arrays:
            write = A.call(self.ctx.refs.expr(batching.batch_write, "batch_write"),
                           [A.name(self.dot(name)), A.index_expr(target.slice), value])
            return [s, gast.Expr(value=write)]
        write = gast.Subscript(value=A.name(self.dot(name)), slice=self.index(target.slice), ctx=gast.Store())
        if self.batch:  # broadcast the value's seeds as the primal value broadcasts into the slot
            value = self.lift(value, gast.Subscript(value=A.name(name), slice=A.deepcopy(target.slice),
                                                    ctx=gast.Load()))
        return [s, A.assign(write, value)]

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


def _is_number(node):
    return isinstance(node, gast.Constant) and isinstance(node.value, (int, float)) and not isinstance(
        node.value, bool)


def _same_name(a, b):
    return isinstance(a, gast.Name) and isinstance(b, gast.Name) and a.id == b.id

"""Sparsity detection: run a function's core form on values and patterns together.

Requires the normalized core form (``s2s.frontend.normalize``, grammar in
normalize/anf.py) of the function and of every user function it calls. Each
statement is evaluated on the primal values (they give shapes, indices and
control flow) and, alongside, on patterns (``s2s.sparse.algebra``) through
the per-primitive rules of ``s2s.sparse.rules``. Attaches nothing; returns
the output's pattern (and, for Hessians, the accumulated interactions).

Global and local patterns. A value is *tainted* when it depends on the input
at all (through differentiable or non-differentiable operations). At an
``if`` whose test is tainted, a global pattern runs both branches and unites
the patterns of the names they assign (values come from the branch the input
takes); a local pattern follows the taken branch only. Loops run the trip
counts the given input implies: a ``while`` loop whose condition depends on
the input, or a ``for`` loop whose range does, gives the pattern of that many
iterations (a pattern for all inputs would need every trip count).

Values are computed with NumPy's floating-point warnings off: detection, not
the user, chose to evaluate them (both branches of an ``if`` among them).
"""
import copy
import inspect
import operator
import types

import gast
import numpy as np

from s2s import runtime
from s2s.common import anno
from s2s.common.errors import S2SError, UnsupportedSyntaxError
from s2s.rules.operators import OPERATORS
from s2s.runtime import getfield
from s2s.sparse import algebra as P

_BINARY = OPERATORS
_COMPARE = {gast.Eq: operator.eq, gast.NotEq: operator.ne, gast.Lt: operator.lt, gast.LtE: operator.le,
            gast.Gt: operator.gt, gast.GtE: operator.ge, gast.Is: operator.is_, gast.IsNot: operator.is_not,
            gast.In: lambda a, b: a in b, gast.NotIn: lambda a, b: a not in b}
_NO_CALLEE = object()


class _Jump(Exception):
    """A ``break`` or ``continue`` of the core form, leaving the statements of a loop body."""


class _Break(_Jump):
    pass


class _Continue(_Jump):
    pass


class Slot:
    """A value, its pattern (None, a ``Pattern``, or a list for lists/tuples) and its taint."""

    __slots__ = ("value", "pattern", "tainted")

    def __init__(self, value, pattern=None, tainted=False):
        self.value = value
        self.pattern = pattern
        self.tainted = tainted or _has_pattern(pattern)


def _has_pattern(p):
    if isinstance(p, list):
        return any(_has_pattern(q) for q in p)
    if isinstance(p, dict):  # a dict or record argument: a pattern per entry
        return any(_has_pattern(q) for q in p.values())
    return p is not None


def _field(slot, name, value):
    """``getfield(x, name)`` of a dict or record (a dict of patterns) or a named tuple (a list of them)."""
    if isinstance(slot.pattern, dict):
        return Slot(value, slot.pattern.get(name), slot.tainted)
    if isinstance(slot.pattern, list) and hasattr(slot.value, "_fields"):
        return Slot(value, slot.pattern[type(slot.value)._fields.index(name)], slot.tainted)
    return Slot(value, None, slot.tainted)


class _Frame:
    def __init__(self, parsed, refs, env):
        self.parsed = parsed
        self.refs = refs
        self.env = env


class Detector:
    """Runs core forms on (value, pattern) pairs; one per detection."""

    def __init__(self, cores, rules, n, local, hessian):
        self.cores = cores  # fn -> (parsed, core, refs), built on demand
        self.rules = rules
        self.n = n
        self.local = local
        self.hessian = P.Hessian(n) if hessian else None
        self.depth = 0

    # -------------------------------------------------------------- calls
    def call_function(self, fn, args, kwargs):
        parsed, core, refs = self.cores(fn)
        bound = inspect.signature(fn).bind(*args, **kwargs)
        env = {}
        for name, param in inspect.signature(fn).parameters.items():
            if name in bound.arguments:
                value = bound.arguments[name]
                if param.kind == param.VAR_POSITIONAL:
                    value = Slot(tuple(s.value for s in value), [s.pattern for s in value],
                                 any(s.tainted for s in value))
                elif param.kind == param.VAR_KEYWORD:
                    value = Slot({k: s.value for k, s in value.items()}, None, any(s.tainted for s in value.values()))
                env[name] = value
            elif param.default is not param.empty:
                env[name] = Slot(param.default)
        self.depth += 1
        if self.depth > 200:
            raise S2SError("{}: recursion too deep for sparsity detection".format(parsed.filename))
        try:
            return self.block(core.body, _Frame(parsed, refs, env))
        finally:
            self.depth -= 1

    # -------------------------------------------------------------- statements
    def block(self, stmts, frame):
        for s in stmts:
            result = self.stmt(s, frame)
            if result is not None:
                return result
        return None

    def stmt(self, s, frame):
        env = frame.env
        if isinstance(s, gast.Assign):
            target = s.targets[0]
            if isinstance(target, gast.Name):
                env[target.id] = self.expr(s.value, frame)
            elif isinstance(target, gast.Subscript):
                self.item_write(target, self.expr(s.value, frame), frame)
            else:
                raise self.unsupported(s, frame)
        elif isinstance(s, gast.Expr):
            self.expr(s.value, frame)
        elif isinstance(s, gast.If):
            self.if_(s, frame)
        elif isinstance(s, gast.For):
            rng = self.expr(s.iter, frame)
            for i in rng.value:
                env[s.target.id] = Slot(i, None, rng.tainted)
                try:
                    self.block(s.body, frame)
                except _Continue:
                    continue
                except _Break:
                    break
        elif isinstance(s, gast.Break):
            raise _Break()
        elif isinstance(s, gast.Continue):
            raise _Continue()
        elif isinstance(s, gast.While):
            while self.atom(s.test, frame).value:
                self.block(s.body, frame)
        elif isinstance(s, gast.Return):
            return self.atom(s.value, frame) if s.value is not None else Slot(None)
        elif isinstance(s, gast.Pass):
            pass
        else:
            raise self.unsupported(s, frame)
        return None

    def if_(self, s, frame):
        test = self.atom(s.test, frame)
        taken, other = (s.body, s.orelse) if test.value else (s.orelse, s.body)
        if self.local or not test.tainted:
            return self.block(taken, frame)
        saved = _snapshot(frame.env)
        jump = None
        try:
            self.block(taken, frame)
        except _Jump as taken_jump:  # the loop goes on after both branches count
            jump = taken_jump
        alt = _Frame(frame.parsed, frame.refs, saved)
        try:
            self.block(other, alt)
        except _Jump:  # the branch not taken does not steer the loop
            pass
        except Exception as err:
            line = _line(s, frame)
            raise S2SError(
                "{}: `if {}`: the test depends on the input, and the branch the input does not take failed "
                "while detecting a global sparsity pattern ({}: {}). Ask for the pattern at this input "
                "with local=True, or pass sparsity= yourself.".format(
                    line, _unparse(s.test), type(err).__name__, err)) from None
        for name, slot in list(frame.env.items()):
            other_slot = saved.get(name)
            if other_slot is None or other_slot.pattern is slot.pattern:
                continue
            frame.env[name] = Slot(slot.value, _unite(slot, other_slot),
                                   True)
        if jump is not None:
            raise jump

    def item_write(self, target, slot, frame):
        base = frame.env[target.value.id]
        index = self.index(target.slice, frame)
        if isinstance(base.value, dict):
            base.value[index] = slot.value
            base.pattern = dict(base.pattern) if isinstance(base.pattern, dict) else {}
            base.pattern[index] = slot.pattern
        elif isinstance(base.value, list):
            base.value[index] = slot.value
            pats = base.pattern if isinstance(base.pattern, list) else [None] * len(base.value)
            pats[index] = slot.pattern
            base.pattern = pats
        else:
            shape = np.shape(base.value)
            base.value[index] = slot.value
            if base.pattern is not None or slot.pattern is not None:
                size = P.size(base.value)
                old = base.pattern if base.pattern is not None else _empty(size, self.n)
                new = slot.pattern if _has_pattern(slot.pattern) else _empty(P.size(slot.value), self.n)
                if isinstance(new, list):
                    new = _stack_list(slot, self.n)
                combined = P.numbered(shape)
                combined[index] = P.numbered(np.shape(slot.value), size)
                base.pattern = P.gather(P.vstack([old, new]), combined)
        base.tainted = base.tainted or slot.tainted

    # -------------------------------------------------------------- expressions
    def atom(self, node, frame):
        if isinstance(node, gast.Constant):
            return Slot(node.value)
        if isinstance(node, gast.Name):
            if node.id in frame.env:
                return frame.env[node.id]
            if node.id in frame.refs.bindings:
                return Slot(frame.refs.bindings[node.id])
            return Slot(frame.parsed.lookup(node.id))
        return self.expr(node, frame)

    def index(self, node, frame):
        if isinstance(node, gast.Slice):
            part = [self.atom(x, frame).value if x is not None else None for x in (node.lower, node.upper, node.step)]
            return slice(*part)
        if isinstance(node, gast.Tuple):
            return tuple(self.index(e, frame) for e in node.elts)
        return self.atom(node, frame).value

    def expr(self, node, frame):
        if isinstance(node, (gast.Name, gast.Constant)):
            return self.atom(node, frame)
        if isinstance(node, gast.BinOp):
            fn = getattr(operator, _BINARY[type(node.op)])
            return self.primitive(fn, [self.atom(node.left, frame), self.atom(node.right, frame)], {})
        if isinstance(node, gast.UnaryOp):
            fn = {gast.USub: operator.neg, gast.UAdd: operator.pos, gast.Not: operator.not_,
                  gast.Invert: operator.invert}[type(node.op)]
            return self.primitive(fn, [self.atom(node.operand, frame)], {})
        if isinstance(node, gast.Compare):
            left = self.atom(node.left, frame)
            right = self.atom(node.comparators[0], frame)
            # a key in a dict (d.get's test): its keys, not its values, decide
            keys = isinstance(node.ops[0], (gast.In, gast.NotIn)) and isinstance(right.value, dict)
            return Slot(_COMPARE[type(node.ops[0])](left.value, right.value), None,
                        left.tainted or (right.tainted and not keys))
        if isinstance(node, (gast.Tuple, gast.List)):
            slots = [self.atom(e, frame) for e in node.elts]
            kind = tuple if isinstance(node, gast.Tuple) else list
            return Slot(kind(s.value for s in slots), [s.pattern for s in slots], any(s.tainted for s in slots))
        if isinstance(node, gast.Subscript):
            base = self.atom(node.value, frame)
            index = self.index(node.slice, frame)
            value = base.value[index]
            if isinstance(base.pattern, list):
                return Slot(value, base.pattern[index], base.tainted)
            if isinstance(base.pattern, dict):  # a dict the function wrote entries into
                return Slot(value, base.pattern.get(index), base.tainted)
            if base.pattern is None or isinstance(base.value, dict):
                return Slot(value, None, base.tainted)
            idx = P.numbered(np.shape(base.value))[index]
            return Slot(value, P.gather(base.pattern, idx), True)
        if isinstance(node, gast.Attribute):
            base = self.atom(node.value, frame)
            callee = anno.get(node, anno.Key.CALLEE, _NO_CALLEE)
            if callee is _NO_CALLEE or callee is None:
                return Slot(getattr(base.value, node.attr), None, base.tainted)
            return self.primitive(callee, [base], {}, value=getattr(base.value, node.attr))
        if isinstance(node, gast.Call):
            return self.call(node, frame)
        raise self.unsupported(node, frame)

    def call(self, node, frame):
        method = anno.get(node, anno.Key.METHOD, None)
        callee = anno.get(node, anno.Key.CALLEE, _NO_CALLEE)
        args = [self.atom(a, frame) for a in node.args]
        kwargs = {k.arg: self.atom(k.value, frame) for k in node.keywords}
        if callee is _NO_CALLEE and isinstance(node.func, gast.Attribute) and node.func.attr in ("append", "pop"):
            base = self.atom(node.func.value, frame)
            pats = base.pattern if isinstance(base.pattern, list) else [None] * len(base.value)
            base.pattern = pats
            if node.func.attr == "append":
                base.value.append(args[0].value)
                pats.append(args[0].pattern)
                base.tainted = base.tainted or args[0].tainted
                return Slot(None)
            value = base.value.pop(*[a.value for a in args])
            return Slot(value, pats.pop(*[a.value for a in args]), base.tainted)
        if method is not None or (isinstance(node.func, gast.Attribute) and callee is not _NO_CALLEE
                                  and anno.has(node, anno.Key.METHOD)):
            args.insert(0, self.atom(node.func.value, frame))
        if callee is _NO_CALLEE:
            callee = self.atom(node.func, frame).value
        if callee is getfield and len(args) == 2 and not kwargs:
            return _field(args[0], args[1].value, getfield(args[0].value, args[1].value))
        registry = self.rules.registry
        if (isinstance(callee, types.FunctionType) and registry.rule_for(callee) is None
                and not registry.is_nondifferentiable(callee)):
            return self.call_function(callee, args, kwargs)
        return self.primitive(callee, args, kwargs)

    def primitive(self, callee, args, kwargs, value=_NO_CALLEE):
        if value is _NO_CALLEE:
            # values only steer detection (shapes, indices, branches), which chose to compute them (the branch
            # of an `if` the input does not take among them): a NaN or inf here concerns no pattern
            with np.errstate(all="ignore"):
                value = callee(*[a.value for a in args], **{k: s.value for k, s in kwargs.items()})
        tainted = any(a.tainted for a in args) or any(s.tainted for s in kwargs.values())
        active = any(_has_pattern(a.pattern) for a in args) or any(_has_pattern(s.pattern) for s in kwargs.values())
        if not active or self.rules.registry.is_nondifferentiable(callee):
            return Slot(value, None, tainted)
        if (callee is runtime.copy or callee is runtime.dict_copy) and isinstance(args[0].pattern, dict):
            return Slot(value, dict(args[0].pattern), tainted)  # a copy of a dict the function built
        if callee is runtime.dict_of:  # a dict display: the patterns of its values, by key
            pats = args[0].pattern if isinstance(args[0].pattern, list) else [args[0].pattern] * len(value)
            return Slot(value, dict(zip(args[1].value, pats)), tainted)
        if callee is runtime.dict_entries and isinstance(args[0].pattern, dict):
            return Slot(value, [args[0].pattern.get(k) for k in args[1].value], tainted)
        pattern = self.rules.apply(callee, [(a.value, a.pattern) for a in args],
                                   {k: (s.value, s.pattern) for k, s in kwargs.items()},
                                   value, self.hessian, self.local, fixed=[not a.tainted for a in args])
        return Slot(value, pattern, True)

    def unsupported(self, node, frame):
        return UnsupportedSyntaxError("{}: `{}`: sparsity detection does not handle this construct".format(
            _line(node, frame), _unparse(node)))


def _line(node, frame):
    origin = anno.get(node, anno.Key.ORIGIN, None)
    if origin is not None:
        return "{}:{}".format(origin.filename, origin.lineno)
    return "{}:{}".format(frame.parsed.filename, frame.parsed.node.lineno)


def _unparse(node):
    import ast

    try:
        return ast.unparse(gast.gast_to_ast(node)).strip().splitlines()[0]
    except Exception:
        return type(node).__name__


_empty = P.empty


def _stack_list(slot, n):
    parts = [p if p is not None else _empty(P.size(v), n) for v, p in zip(slot.value, slot.pattern)]
    return P.vstack(parts)


def _snapshot(env):
    out = {}
    for name, slot in env.items():
        value = slot.value
        if isinstance(value, (np.ndarray, list, dict)):
            value = copy.deepcopy(value)
        pattern = copy.copy(slot.pattern) if isinstance(slot.pattern, list) else slot.pattern
        out[name] = Slot(value, pattern, slot.tainted)
    return out


def _unite(a, b):
    """The pattern of a name after an ``if`` that assigned it differently in its branches."""
    pa, pb = a.pattern, b.pattern
    if pa is None and pb is None:
        return None
    if isinstance(pa, list) or isinstance(pb, list):
        if isinstance(pa, list) and isinstance(pb, list) and len(pa) == len(pb):
            return [_unite(Slot(x, p), Slot(y, q)) for x, p, y, q in zip(a.value, pa, b.value, pb)]
        return pa if pb is None else pb if pa is None else pa
    if isinstance(pa, dict) or isinstance(pb, dict):  # entries of a dict or record
        pa, pb = pa if isinstance(pa, dict) else {}, pb if isinstance(pb, dict) else {}
        return {k: _unite(Slot(getfield(a.value, k), pa.get(k)), Slot(getfield(b.value, k), pb.get(k)))
                for k in list(pa) + [k for k in pb if k not in pa]}
    if pa is not None and pb is not None and pa.shape == pb.shape:
        return P.union([pa, pb])
    # the branches give different shapes: every element may depend on anything either used
    cols = P.union([P.columns_of(p) for p in (pa, pb) if p is not None])
    return P.spread(cols, P.size(a.value))

"""Turn adjoint pseudo-statements into plain code.

Tracks, for every adjoint variable, whether it is ZERO (no value yet, or reset
by a definition of its primal), SHARED (holds a value that may alias another
array) or OWNED (holds an array only this variable refers to). Then:

- ``Acc``: the first contribution is an assignment, later ones add;
- ``AccAt``/``ZeroAt``: update in place, copying a SHARED value first;
- ``Group``: dropped when an adjoint it reads is ZERO (its contribution is zero);
- where control flow merges a ZERO adjoint with a nonzero one, the ZERO side
  assigns ``0.0`` (a zero that broadcasts) — the only zeros the code holds.
"""
import gast

from s2s.common import anno
from s2s.common import astutil as A
from s2s import runtime
from s2s.reverse.nodes import Acc, AccAt, Group, Reset, ZeroAt, copy_attrs

ZERO, SHARED, OWNED = "zero", "shared", "owned"


def _merge(a, b):
    if a == b:
        return a
    if ZERO in (a, b):
        return None  # needs a materialised zero on the ZERO side
    return SHARED


class Accumulate:
    def __init__(self, refs, containers):
        self.refs = refs
        self.containers = containers

    def _helper(self, fn, name):
        return self.refs.expr(fn, name)

    def run(self, stmts, state):
        """(new statements, state after them); ``state`` maps adjoint names to ZERO/SHARED/OWNED."""
        out = []
        for stmt in stmts:
            out.extend(self.stmt(stmt, state))
        return out

    def stmt(self, s, state):
        if isinstance(s, Acc):
            if state.get(s.bar, ZERO) == ZERO:
                state[s.bar] = SHARED
                return [A.assign(s.bar, s.value)]
            state[s.bar] = OWNED
            if s.primal in self.containers:
                total = A.call(self._helper(runtime.add, "add"), [A.name(s.bar), s.value])
            else:
                total = gast.BinOp(left=A.name(s.bar), op=gast.Add(), right=s.value)
            return [A.assign(s.bar, total)]
        if isinstance(s, AccAt):
            out = self._own(s.bar, s.primal, state)
            call = A.call(self._helper(runtime.add_at, "add_at"),
                          [A.name(s.bar), A.name(s.primal), A.index_expr(s.index), s.value])
            out.append(A.assign(s.bar, call))
            state[s.bar] = OWNED
            return out
        if isinstance(s, ZeroAt):
            if state.get(s.bar, ZERO) == ZERO:
                return []
            out = self._own(s.bar, s.primal, state)
            out.append(A.assign(s.bar, A.call(self._helper(runtime.zero_at, "zero_at"), [A.name(s.bar), A.index_expr(s.index)])))
            state[s.bar] = OWNED
            return out
        if isinstance(s, Reset):
            state[s.bar] = ZERO
            return []
        if isinstance(s, Group):
            if any(state.get(r, ZERO) == ZERO for r in s.reads):
                return []
            return _sited(self.run(s.body, state), anno.get(s, anno.Key.ORIGIN))
        if isinstance(s, gast.If):
            body_state = dict(state)
            else_state = dict(state)
            body = self.run(s.body, body_state)
            orelse = self.run(s.orelse, else_state)
            merged = self._join(body_state, body, else_state, orelse)
            state.clear()
            state.update(merged)
            if not body and not orelse:
                return []
            return [gast.If(test=s.test, body=body or [gast.Pass()], orelse=orelse)]
        if isinstance(s, (gast.For, gast.While)):
            return self.loop(s, state)
        return [s]

    def _own(self, bar, primal, state):
        current = state.get(bar, ZERO)
        if current == ZERO:
            return [A.assign(bar, A.call(self._helper(runtime.zeros_like, "zeros_like"), [A.name(primal)]))]
        if current == SHARED:
            return [A.assign(bar, A.call(self._helper(runtime.copy, "copy"), [A.name(bar)]))]
        return []

    def _join(self, s1, code1, s2, code2):
        merged = {}
        for name in sorted(set(s1) | set(s2)):
            a, b = s1.get(name, ZERO), s2.get(name, ZERO)
            m = _merge(a, b)
            if m is None:
                (code1 if a == ZERO else code2).append(A.assign(name, A.const(0.0)))
                m = SHARED
            merged[name] = m
        return merged

    def loop(self, s, state):
        head = dict(state)
        before = []
        for _ in range(10):
            exit_state = dict(head)
            self.run(_clone(s.body), exit_state)
            changed = False
            for name in sorted(set(head) | set(exit_state)):
                a, b = head.get(name, ZERO), exit_state.get(name, ZERO)
                if a == ZERO and b != ZERO:
                    before.append(A.assign(name, A.const(0.0)))
                    head[name] = SHARED
                    changed = True
                elif a == OWNED and b == SHARED:
                    head[name] = SHARED
                    changed = True
            if not changed:
                break
        exit_state = dict(head)
        body = self.run(s.body, exit_state)
        for name in sorted(set(head) | set(exit_state)):
            if head.get(name, ZERO) != ZERO and exit_state.get(name, ZERO) == ZERO:
                body.append(A.assign(name, A.const(0.0)))
        state.clear()
        state.update(head)
        if not body:
            return before
        if isinstance(s, gast.For):
            new = gast.For(target=s.target, iter=s.iter, body=body, orelse=[], type_comment=None)
        else:
            new = gast.While(test=s.test, body=body, orelse=[])
        return before + [new]


def _clone(stmts):

    out = []
    for s in stmts:
        new = A.deepcopy(s)
        copy_attrs(s, new)
        out.append(new)
    return out


def _sited(stmts, origin):
    """``stmts``, each marked with the user's line ``origin`` it came from (for run-time errors)."""
    return A.with_origin(stmts, origin, anno.Key.SITE)

"""Lower ``return`` inside the body, and ``break`` and ``continue`` where they must go, to flags.

After this pass the function has at most one ``return``, as its last
statement. A ``for`` loop keeps its ``break`` and ``continue`` statements
(and a ``return`` inside it becomes ``retval = ...; returned = True; break``):
the primal sweep runs the loop as the program wrote it, and reverse mode
counts its trips. Each jump also sets a flag (``broke``, ``skip``,
``returned``), and the statements after a jump are guarded by the flags or
moved into the other branch of the ``if`` that jumps, so that the adjoint
sweep knows what an iteration ran; a flag nothing reads is dropped later.

``while`` loops, and ``for`` loops that a checkpoint schedule reverses (its
forward and reverse steps replay the body inside the schedule's own loop),
keep no jump: a loop that can break or return runs while its flags are down
(a ``for`` loop becomes a ``while`` loop over an index, so that its trip
count stays what the program executes).
"""
import gast

from s2s.common import anno
from s2s.common import astutil as A

BREAK, CONTINUE, RETURN = "break", "continue", "return"


class _Loop:
    def __init__(self, keeps_jumps=False):
        self.brk = None
        self.cont = None
        self.keeps_jumps = keeps_jumps  # break and continue stay in the loop (a for loop not checkpointed)
        self.guarded = False  # statements of the body are guarded by flags (then it keeps no jump)


class JumpLowering:
    """``keep_jumps=False``: no loop keeps its jumps (every loop may be checkpointed)."""

    def __init__(self, namer, keep_jumps=True):
        self.namer = namer
        self.keep_jumps = keep_jumps
        self.retval = None
        self.returned = None

    def function(self, fn):
        body = fn.body
        statements = A.statements(body)  # jumps are statements: no walk through expressions
        returns = [n for n in statements if isinstance(n, gast.Return)]
        has_jumps = any(isinstance(n, (gast.Break, gast.Continue)) for n in statements)
        if not has_jumps and (not returns or (len(returns) == 1 and body[-1] is returns[0])):
            return fn
        if returns and not (len(returns) == 1 and body[-1] is returns[0]):
            self.retval = self.namer.fresh("retval")
            self.returned = self.namer.fresh("returned")
            new, _, _ = self.block(body, None)
            init = [A.assign(self.retval, A.const(None)), A.assign(self.returned, A.const(False))]
            fn.body = init + new + [gast.Return(value=A.name(self.retval))]
        else:
            last = [body[-1]] if returns else []
            new, _, _ = self.block(body[:len(body) - len(last)], None)
            fn.body = new + last
        return fn

    def _flag(self, kind, loop):
        if kind == RETURN:
            return self.returned
        if kind == BREAK:
            return loop.brk
        return loop.cont

    def _guard(self, jumps, loop, rest, origin_node):
        if loop is not None:
            loop.guarded = True
        names = sorted(self._flag(k, loop) for k in jumps)
        test = A.quote_expr(" or ".join(names))
        guard = gast.If(test=gast.UnaryOp(op=gast.Not(), operand=test), body=rest, orelse=[])
        return anno.copy(origin_node, guard)

    def block(self, stmts, loop):
        """Lower a statement list; return (stmts, possible jumps, always jumps)."""
        out = []
        for i, stmt in enumerate(stmts):
            new, jumps, always = self.stmt(stmt, loop)
            out.extend(new)
            if always:
                if new:
                    new[-1]._s2s_jump = True
                return out, jumps, True
            if not jumps:
                continue
            rest_src = stmts[i + 1:]
            if not rest_src:
                return out, jumps, False
            last = new[-1] if new else None
            if isinstance(stmt, gast.If) and isinstance(last, gast.If):
                body_always = self._always(last.body)
                else_always = self._always(last.orelse)
                body_jumps, else_jumps = last._s2s_branch_jumps
                if (body_always and not else_jumps) or (else_always and not body_jumps):
                    rest, rjumps, ralways = self.block(rest_src, loop)
                    (last.orelse if body_always else last.body).extend(rest)
                    # the branch holding the rest falls through to its end
                    return out, jumps | rjumps, ralways and (body_always or else_always)
            rest, rjumps, _ = self.block(rest_src, loop)
            if rest:
                out.append(self._guard(jumps, loop, rest, stmts[i + 1]))
            return out, jumps | rjumps, False
        return out, set(), False

    def _always(self, stmts):
        return bool(stmts) and getattr(stmts[-1], "_s2s_jump", False)

    def _jump(self, stmt, kind, loop, value=None):
        new = []
        if kind == RETURN:
            new.append(anno.copy(stmt, A.assign(self.retval, value if value is not None else A.const(None))))
        else:
            if kind == BREAK and loop.brk is None:
                loop.brk = self.namer.fresh("broke")
            if kind == CONTINUE and loop.cont is None:
                loop.cont = self.namer.fresh("skip")
        flag = anno.copy(stmt, A.assign(self._flag(kind, loop), A.const(True)))
        new.append(flag)
        if loop is not None and loop.keeps_jumps:
            new.append(anno.copy(stmt, gast.Continue() if kind == CONTINUE else gast.Break()))
        new[-1]._s2s_jump = True
        return new, {kind}, True

    def stmt(self, stmt, loop):
        if isinstance(stmt, gast.Return):
            return self._jump(stmt, RETURN, loop, stmt.value)
        if isinstance(stmt, gast.Break):
            return self._jump(stmt, BREAK, loop)
        if isinstance(stmt, gast.Continue):
            return self._jump(stmt, CONTINUE, loop)
        if isinstance(stmt, gast.If):
            body, bj, ba = self.block(stmt.body, loop)
            orelse, oj, oa = self.block(stmt.orelse, loop)
            stmt.body = body or [gast.Pass()]
            stmt.orelse = orelse
            stmt._s2s_branch_jumps = (bj, oj)
            return [stmt], bj | oj, ba and oa
        if isinstance(stmt, (gast.For, gast.While)):
            return self.loop(stmt, loop)
        return [stmt], set(), False

    def loop(self, stmt, outer, may_keep=True):
        keeps = (may_keep and self.keep_jumps and isinstance(stmt, gast.For)
                 and anno.get(stmt, anno.Key.CHECKPOINT) is None)
        original = A.deepcopy(stmt) if keeps else None
        inner = _Loop(keeps)
        body, jumps, _ = self.block(stmt.body, inner)
        if keeps and inner.guarded:
            # a guard's test runs only in the iterations that reach it, while reverse mode runs the
            # adjoint of every statement of the body in every iteration: lower this loop's jumps to flags
            return self.loop(original, outer, may_keep=False)
        out_jumps = jumps & {RETURN}
        stops = [f for f in (inner.brk, self.returned if RETURN in jumps else None) if f]
        pre = []
        if inner.brk:
            pre.append(anno.copy(stmt, A.assign(inner.brk, A.const(False))))
        if inner.cont:
            body.insert(0, anno.copy(stmt, A.assign(inner.cont, A.const(False))))
        if not stops or keeps:
            stmt.body = body
            after = []
            if RETURN in jumps and outer is not None and outer.keeps_jumps:
                # a return inside this loop leaves the enclosing loop too
                stop = anno.copy(stmt, gast.If(test=A.name(self.returned), body=[gast.Break()], orelse=[]))
                after.append(stop)
            return pre + [stmt] + after, out_jumps, False
        running = " and ".join("not {}".format(f) for f in stops)
        if isinstance(stmt, gast.While):
            test = gast.BoolOp(op=gast.And(), values=[A.quote_expr(running), stmt.test])
            loop = anno.copy(stmt, gast.While(test=test, body=body, orelse=[]))
            return pre + [loop], out_jumps, False
        # a for loop over range that may stop early: iterate over an index
        rng = self.namer.fresh("steps")
        k = self.namer.fresh("k")
        pre.append(anno.copy(stmt, A.assign(rng, stmt.iter)))
        pre.append(anno.copy(stmt, A.assign(k, A.const(0))))
        head = [
            anno.copy(stmt, A.assign(stmt.target, A.quote_expr("{}[{}]".format(rng, k)))),
            anno.copy(stmt, A.assign(k, A.quote_expr("{} + 1".format(k)))),
        ]
        test = A.quote_expr("{} < len({}) and {}".format(k, rng, running))
        loop = anno.copy(stmt, gast.While(test=test, body=head + body, orelse=[]))
        return pre + [loop], out_jumps, False

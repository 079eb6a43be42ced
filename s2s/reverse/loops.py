"""Loop schedules for reverse mode.

A schedule decides how the adjoint sweep gets each iteration's values back.
``StoreAll`` (the default) runs the loop once, saving what each iteration
overwrites on stacks, and replays the iterations backwards. Checkpointing
schedules (``s2s.reverse.checkpoint``) plug in with the same ``reverse_loop`` interface.
"""
import gast

from s2s.common import astutil as A
from s2s.reverse.nodes import marker


class StoreAll:
    """Save every iteration's overwritten values; reverse the loop once."""

    name = "store-all"

    def reverse_loop(self, rev, loop):
        body_p, body_a = reverse_body(rev, loop)
        return self.assemble(rev, loop, body_p, body_a)

    def assemble(self, rev, loop, body_p, body_a):
        """(primal, adjoint) of ``loop`` from its reversed body."""
        if isinstance(loop, gast.For):
            slot = rev.slot("name", loop.target.id, loop)
            primal = gast.For(target=loop.target, iter=loop.iter, body=body_p or [gast.Pass()],
                              orelse=[], type_comment=None)
            adjoint = []
            if body_a:
                backwards = A.call(A.name("reversed"), [A.deepcopy(loop.iter)])
                adjoint.append(gast.For(target=A.store(loop.target.id), iter=backwards, body=body_a,
                                        orelse=[], type_comment=None))
            return [marker(slot, "save"), primal], adjoint + [marker(slot, "restore")]
        steps = rev.ctx.namer.fresh("steps")
        count = A.assign(steps, A.quote_expr("{} + 1".format(steps)))
        primal = [A.assign(steps, A.const(0)),
                  gast.While(test=loop.test, body=body_p + [count], orelse=[])]
        adjoint = []
        if body_a:
            if rev.depth > 0:
                stack = rev.ctx.namer.fresh(steps + "_stack")
                rev.prologue.append(A.assign(stack, gast.List(elts=[], ctx=gast.Load())))
                primal.append(gast.Expr(value=A.quote_expr("{}.append({})".format(stack, steps))))
                adjoint.append(A.assign(steps, A.quote_expr("{}.pop()".format(stack))))
            adjoint.append(gast.For(target=A.store(rev.ctx.namer.fresh("_")), iter=A.quote_expr(
                "range({})".format(steps)), body=body_a, orelse=[], type_comment=None))
        return primal, adjoint


def reverse_body(rev, loop):
    """The primal and adjoint statements of one iteration of ``loop``."""
    rev.depth += 1
    try:
        return rev.block(loop.body)
    finally:
        rev.depth -= 1


STORE_ALL = StoreAll()

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
            if not body_a:
                return [marker(slot, "save"), primal], [marker(slot, "restore")]
            steps = A.deepcopy(loop.iter)
            before = []
            if breaks(loop.body):  # the adjoint runs the iterations that ran: count them
                trips = rev.ctx.namer.fresh("trips")
                before = [A.assign(trips, A.const(0))]
                primal.body.insert(0, A.assign(trips, A.quote_expr("{} + 1".format(trips))))
                steps = gast.Subscript(value=steps, slice=gast.Slice(lower=None, upper=A.name(trips), step=None),
                                       ctx=gast.Load())
                after, reload = _kept_per_outer_iteration(rev, trips)
                primal = [primal] + after
                adjoint.extend(reload)
            else:
                primal = [primal]
            backwards = A.call(A.name("reversed"), [steps])
            adjoint.append(gast.For(target=A.store(loop.target.id), iter=backwards, body=body_a,
                                    orelse=[], type_comment=None))
            return [marker(slot, "save")] + before + primal, adjoint + [marker(slot, "restore")]
        if not body_a:
            return [gast.While(test=loop.test, body=body_p or [gast.Pass()], orelse=[])], []
        steps = rev.ctx.namer.fresh("steps")
        count = A.assign(steps, A.quote_expr("{} + 1".format(steps)))
        primal = [A.assign(steps, A.const(0)),
                  gast.While(test=loop.test, body=body_p + [count], orelse=[])]
        after, reload = _kept_per_outer_iteration(rev, steps)
        adjoint = reload + [gast.For(target=A.store(rev.ctx.namer.fresh("_")), iter=A.quote_expr(
            "range({})".format(steps)), body=body_a, orelse=[], type_comment=None)]
        return primal + after, adjoint


def _kept_per_outer_iteration(rev, count):
    """(primal, adjoint) statements keeping the trip count ``count`` of a loop nested in another
    (each outer iteration has its own): pushed after the loop, popped before its adjoint."""
    if rev.depth == 0:
        return [], []
    stack = rev.ctx.namer.fresh(count + "_stack")
    rev.prologue.append(A.assign(stack, gast.List(elts=[], ctx=gast.Load())))
    return ([gast.Expr(value=A.quote_expr("{}.append({})".format(stack, count)))],
            [A.assign(count, A.quote_expr("{}.pop()".format(stack)))])


def breaks(body):
    """Whether a ``break`` in ``body`` (not in a loop nested there) can end the loop early."""
    for s in body:
        if isinstance(s, gast.Break):
            return True
        if isinstance(s, gast.If) and (breaks(s.body) or breaks(s.orelse)):
            return True
    return False


def reverse_body(rev, loop):
    """The primal and adjoint statements of one iteration of ``loop``."""
    rev.depth += 1
    try:
        return rev.block(loop.body)
    finally:
        rev.depth -= 1


STORE_ALL = StoreAll()

"""What runs on all seeds at once: the analysis the batched sweeps share.

A batched value carries a leading axis of seeds (s2s/batching.py). An
expression passes that axis through when every batched name in it reaches
the root through elementwise operations only (arithmetic, single-result
ufuncs, ``np.where``, and the helpers listed as elementwise); anything else
runs once per seed in a loop of the generated code (``seed_loop``).
"""
import gast
import numpy as np

from s2s import astutil as A
from s2s import batching, runtime

# helpers that act elementwise on their arguments (a leading axis of seeds passes through)
ELEMENTWISE_HELPERS = frozenset(id(f) for f in (np.where, batching.lift, runtime.absorb_zeros, runtime.masked))


def is_elementwise(fn):
    """A ufunc of one result that is not a generalized one (those have a core signature: matmul, vecdot),
    or one of the ELEMENTWISE_HELPERS."""
    if isinstance(fn, np.ufunc):
        return fn.nout == 1 and fn.signature is None
    return id(fn) in ELEMENTWISE_HELPERS


def elementwise_in(expr, names, resolve, widen=None):
    """Whether every name of ``names`` in ``expr`` reaches its root through elementwise operations only.

    ``widen(call)``, if given, may accept a call the rules above do not (rewriting it in place).
    """
    def contains(node):
        return bool(names & A.names_loaded(node))

    def ok(node):
        if isinstance(node, gast.Name) or not contains(node):
            return True
        if isinstance(node, gast.BinOp):
            return not isinstance(node.op, gast.MatMult) and ok(node.left) and ok(node.right)
        if isinstance(node, gast.UnaryOp):
            return ok(node.operand)
        if isinstance(node, gast.IfExp):
            return not contains(node.test) and ok(node.body) and ok(node.orelse)
        if isinstance(node, gast.Call):
            if widen is not None and widen(node, ok):
                return True
            if is_elementwise(resolve(node.func)):
                return all(ok(a) for a in node.args) and all(ok(k.value) for k in node.keywords)
        return False

    return ok(expr)


def seed_loop(refs, namer, seed, batch, body, expr, hint):
    """(statements, expression): ``expr`` after ``body`` computed for each ``seed`` in ``range(batch)``,
    the results stacked on a leading axis (``batch_stack``)."""
    seeds = namer.fresh(hint + "_seeds")
    push = gast.Expr(value=A.call(gast.Attribute(value=A.name(seeds), attr="append", ctx=gast.Load()), [expr]))
    loop = gast.For(target=A.name(seed, "store"), iter=A.call(refs.expr(range, "range"), [A.name(batch)]),
                    body=list(body) + [push], orelse=[], type_comment=None)
    stacked = A.call(refs.expr(batching.batch_stack, "batch_stack"), [A.name(seeds)])
    return [A.assign(seeds, gast.List(elts=[], ctx=gast.Load())), loop], stacked


def at_seed(refs, name, seed):
    """``seed_of(name, seed)``: one seed of a batched value."""
    return A.call(refs.expr(batching.seed_of, "seed_of"), [A.name(name), A.name(seed)])

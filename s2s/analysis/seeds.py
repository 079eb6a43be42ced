"""What runs on all seeds at once: the analysis the batched sweeps share.

A batched value carries a leading axis of seeds (s2s/runtime/batching.py). An
expression passes that axis through when every batched name in it reaches
the root through elementwise operations only (arithmetic, single-result
ufuncs, ``np.where``, and the helpers listed as elementwise); anything else
runs once per seed in a loop of the generated code (``seed_loop``).
"""
import gast
import numpy as np

from s2s.common import astutil as A
from s2s import runtime
from s2s.runtime import batching

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


# helper -> (its batched form, the positions of the arguments that may carry seeds). The batched forms
# of reverse-mode helpers in _SHAPING also take the number of seeds ``k``, to shape the zeros that the
# unbatched helper makes of the zero adjoint 0.0.
_SWAPPED = {id(f): (f, g, positions) for f, g, positions in (
    (runtime.unbroadcast, batching.seed_unbroadcast, (0,)), (runtime.unreduce, batching.seed_unreduce, (0,)),
    (runtime.finalize, batching.seed_finalize, (0,)), (runtime.add_at, batching.seed_add_at, (0, 3)),
    (runtime.zero_at, batching.seed_zero_at, (0,)), (runtime.read_at, batching.seed_read_at, (0,)),
    (runtime.cotangent, batching.seed_cotangent, (1,)), (runtime.matmul_grad1, batching.seed_product_grad1, (0,)),
    (runtime.matmul_grad2, batching.seed_product_grad2, (0,)), (runtime.dot_grad1, batching.seed_dot_grad1, (0,)),
    (runtime.dot_grad2, batching.seed_dot_grad2, (0,)), (np.sum, batching.batched_sum, (0,)),
    (np.mean, batching.batched_mean, (0,)), (np.reshape, batching.batched_reshape, (0,)),
    (np.swapaxes, batching.batched_swapaxes, (0,)), (np.expand_dims, batching.batched_expand_dims, (0,)),
    (np.transpose, batching.seed_transpose, (0,)))}
_SHAPING = (batching.seed_unbroadcast, batching.seed_unreduce, batching.seed_finalize, batching.seed_add_at)
# helpers that handle values with a leading axis of seeds as they are (copies, container sums)
_AS_IS = frozenset(id(f) for f in (runtime.copy, runtime.add, runtime.appended, runtime.shrunk, runtime.grown,
                                         batching.batch_at))


def swappable(fn):
    """Whether ``swap`` knows the function ``fn``."""
    return id(fn) in _AS_IS or has_batched_form(fn)


def has_batched_form(fn):
    return id(fn) in _SWAPPED and _SWAPPED[id(fn)][0] is fn


def swap(call, ok, names, resolve, refs, batch):
    """Whether ``call`` runs on all seeds of the batched ``names`` it reads, as it is (``_AS_IS``) or as
    its batched form (``_SWAPPED``, rewritten in place; ``batch`` names the number of seeds). Returns
    None when it cannot, else whether the rewrite reads ``batch``."""
    args = list(call.args) + [k.value for k in call.keywords]
    if not all(ok(a) for a in args):
        return None
    fn = resolve(call.func)
    if id(fn) in _AS_IS:
        return False
    if id(fn) not in _SWAPPED or _SWAPPED[id(fn)][0] is not fn:
        return None
    _, new, positions = _SWAPPED[id(fn)]
    if call.keywords or any(names & A.names_loaded(a) for i, a in enumerate(call.args) if i not in positions):
        return None  # seeds where the batched form does not take them
    call.func = refs.expr(new, new.__name__)
    if new in _SHAPING:
        call.keywords = [A.keyword("k", A.name(batch))]
        return True
    return False

"""Batched adjoint sweeps: ``s2s.vjp(f, batch=True)`` pulls k cotangents back in one call.

A pass over the generated reverse-mode functions, before the optimizer. The
primal sweep stays as it is; every adjoint (the ``_bar`` names, ``dout`` and
whatever is computed from them) carries a leading axis of seeds. Then, for
each value computed from adjoints:

- elementwise in them (s2s.analysis.seeds): kept, the seed axis passes through;
- a reverse-mode helper with a batched form (``unbroadcast`` ->
  ``seed_unbroadcast``, ``add_at`` -> ``seed_add_at``...): swapped for it;
- an indexed adjoint: ``batch_at`` (an element of a container, or every seed
  of an array);
- a call of a generated adjoint sweep (a user function's ``_bwd``): kept, it
  is batched too;
- anything else: computed seed by seed in a loop.

The zero an in-place update starts from (``zeros_like(x)``) becomes the
Python 0.0, the zero of every seed.
"""
import gast

from s2s.common import astutil as A
from s2s import runtime
from s2s.runtime import batching
from s2s.analysis import seeds


def batch_adjoints(functions, entry, adjoints, refs, namer, resolve):
    """Rewrite the generated ``functions`` (in place) so that the names in ``adjoints`` and those computed
    from them carry a leading axis of seeds. ``entry`` (the vjp) counts the seeds of its ``dout``; the
    adjoint sweeps of user functions it calls take the count as a keyword parameter (``batch``, or
    ``batch2``... when a sweep already uses the name), since an adjoint they receive may be the Python
    0.0, which has no seed axis to count."""
    passes = {}
    for fn in functions:
        batched = _computed_from(fn, set(adjoints))
        if batched:
            passes[fn.name] = (fn, _Batch(batched, refs, namer, resolve))
    counts = {name: p.batch for name, (_, p) in passes.items()}
    for name, (fn, pass_) in passes.items():
        pass_.callees = {callee: count for callee, count in counts.items() if callee != entry}
        fn.body = pass_.block(fn.body)
        if name != entry:
            fn.args.kwonlyargs = list(fn.args.kwonlyargs) + [A.name(pass_.batch, "param")]
            fn.args.kw_defaults = list(fn.args.kw_defaults) + [None]
        elif pass_.used:
            params = [a.id for a in fn.args.kwonlyargs if a.id in pass_.batched]
            count = A.assign(pass_.batch, A.call(refs.expr(batching.batch_size, "batch_size"),
                                                 [gast.Tuple(elts=[A.name(p) for p in params], ctx=gast.Load())]))
            docstring = fn.body[:1] if fn.body and isinstance(fn.body[0], gast.Expr) else []
            fn.body = docstring + [count] + fn.body[len(docstring):]


def _computed_from(fn, start):
    """The names of ``start`` that ``fn`` uses and every name assigned a value that reads one of them."""
    names = set(start) & (A.all_names(fn) | {a.id for a in fn.args.kwonlyargs + fn.args.args})
    assigns = [n for n in A.walk(fn) if isinstance(n, gast.Assign)]
    changed = True
    while changed:
        changed = False
        for node in assigns:
            if names & A.names_loaded(node.value):
                for target in node.targets:
                    new = A.names_stored(target) - names
                    if new:
                        names |= new
                        changed = True
    return names


class _Batch:
    def __init__(self, batched, refs, namer, resolve):
        self.batched = batched
        self.callees = {}  # generated adjoint sweeps this function may call -> their seed-count parameter
        self.refs = refs
        self.namer = namer
        self.resolve = resolve
        self.batch = namer.fresh("batch")
        self.seed = namer.fresh("seed")
        self.used = False  # whether a seed loop reads self.batch

    def block(self, stmts):
        out = []
        for s in stmts:
            out.extend(self.stmt(s))
        return out

    def stmt(self, s):
        if isinstance(s, (gast.If, gast.For, gast.While)):
            s.body = self.block(s.body)
            s.orelse = self.block(s.orelse)
            return [s]
        if isinstance(s, gast.Assign):
            targets = set().union(*(A.names_stored(t) for t in s.targets))
            if targets & self.batched and self._zeros(s.value):
                s.value = A.const(0.0)  # the zero of every seed (seed_add_at allocates the seeds' zeros)
                return [s]
            prelude, s.value = self.value(s.value, _hint(s.targets[0]))
            return prelude + [s]
        if isinstance(s, gast.Return) and s.value is not None:
            prelude, s.value = self.value(_Returned(self).visit(s.value), "result")
            return prelude + [s]
        return [s]

    def _zeros(self, value):
        return (isinstance(value, gast.Call) and self.resolve(value.func) in (runtime.zeros_like, runtime.zero_gradient)
                and not self.batched & A.names_loaded(value))

    def value(self, expr, hint):
        """(statements before, the batched expression) of ``expr``."""
        if not self.batched & A.names_loaded(expr):
            return [], expr
        if isinstance(expr, (gast.Tuple, gast.List)):
            prelude, elts = [], []
            for e in expr.elts:
                p, new = self.value(e, hint)
                prelude += p
                elts.append(new)
            return prelude, type(expr)(elts=elts, ctx=gast.Load())
        candidate = _IndexSeeds(self.batched, self.refs).visit(A.deepcopy(expr))
        lifting = _Lift(self)
        candidate = lifting.visit(candidate)
        if seeds.elementwise_in(candidate, self.batched, self.resolve, self._widen):
            return lifting.hoisted, candidate
        self.used = True
        one = _OneSeed(self.batched, self.refs, self.seed).visit(A.deepcopy(expr))
        return seeds.seed_loop(self.refs, self.namer, self.seed, self.batch, [], one, hint)

    def _widen(self, call, ok):
        args = list(call.args) + [k.value for k in call.keywords]
        if isinstance(call.func, gast.Name) and call.func.id in self.callees:
            if not all(ok(a) for a in args):
                return False
            # an adjoint sweep of a user function, batched alike: it gets the number of seeds
            call.keywords = list(call.keywords) + [A.keyword(self.callees[call.func.id], A.name(self.batch))]
            self.used = True
            return True
        reads_batch = seeds.swap(call, ok, self.batched, self.resolve, self.refs, self.batch)
        self.used = self.used or bool(reads_batch)
        return reads_batch is not None


class _Returned(gast.NodeTransformer):
    """In a result: ``zeros_like(x)`` (a gradient that is zero) -> ``batch_zeros(x, batch)``."""

    def __init__(self, pass_):
        self.pass_ = pass_

    def visit_Call(self, node):
        self.generic_visit(node)
        if self.pass_._zeros(node):
            self.pass_.used = True
            return A.call(self.pass_.refs.expr(batching.batch_zeros, "batch_zeros"),
                          [node.args[0], A.name(self.pass_.batch)])
        return node


class _Lift(gast.NodeTransformer):
    """Where an adjoint meets a primal value in an elementwise operation (``t1_bar * b`` with ``t1_bar`` a
    number per seed and ``b`` an array), ``lift`` the adjoint to the primal's rank so that the seed axis
    stays in front. A primal operand that is not a plain name is computed first (``hoisted``)."""

    def __init__(self, pass_):
        self.pass_ = pass_
        self.hoisted = []

    def _batched(self, node):
        return bool(self.pass_.batched & A.names_loaded(node))

    def _like(self, node):
        if isinstance(node, (gast.Name, gast.Attribute)):
            return node
        name = self.pass_.namer.fresh("t")
        self.hoisted.append(A.assign(name, node))
        return A.name(name)

    def _lifted(self, operand, likes):
        for like in likes:
            operand = A.call(self.pass_.refs.expr(batching.lift, "lift"), [operand, A.deepcopy(like)])
        return operand

    def _mix(self, operands):
        """The operands, batched ones lifted to the rank of every primal one that is not a number."""
        primal = [i for i, o in enumerate(operands) if not self._batched(o) and not isinstance(o, gast.Constant)]
        if not primal or len(primal) == len(operands):
            return operands
        likes = []
        for i in primal:
            operands[i] = self._like(operands[i])
            likes.append(operands[i])
        return [self._lifted(o, likes) if self._batched(o) else o for o in operands]

    def visit_BinOp(self, node):
        self.generic_visit(node)
        if not isinstance(node.op, gast.MatMult):
            node.left, node.right = self._mix([node.left, node.right])
        return node

    def visit_Call(self, node):
        self.generic_visit(node)
        if seeds.is_elementwise(self.pass_.resolve(node.func)) and len(node.args) > 1 and not node.keywords:
            node.args = self._mix(list(node.args))
        return node


def _hint(target):
    return target.id if isinstance(target, gast.Name) else "t"


class _IndexSeeds(gast.NodeTransformer):
    """``a[i]`` of a batched ``a`` -> ``batch_at(a, i)`` (every seed of an array, or a container's element)."""

    def __init__(self, batched, refs):
        self.batched = batched
        self.refs = refs

    def visit_Subscript(self, node):
        self.generic_visit(node)
        if isinstance(node.value, gast.Name) and node.value.id in self.batched and isinstance(node.ctx, gast.Load):
            return A.call(self.refs.expr(batching.batch_at, "batch_at"), [node.value, A.index_expr(node.slice)])
        return node


class _OneSeed(gast.NodeTransformer):
    """Each batched name -> ``seed_of(name, seed)``."""

    def __init__(self, batched, refs, seed):
        self.batched = batched
        self.refs = refs
        self.seed = seed

    def visit_Name(self, node):
        if node.id in self.batched and isinstance(node.ctx, gast.Load):
            return seeds.at_seed(self.refs, node.id, self.seed)
        return node

"""Statement-level desugaring that precedes jump lowering and ANF.

After this pass:
- augmented assignments are plain assignments (``x += v`` is ``x = x + v``;
  NumPy's in-place ``+=`` would mutate arrays the caller may own);
- every ``for`` loop iterates over ``range(...)``: loops over sequences,
  ``enumerate``, ``zip`` and ``reversed`` index their sequences explicitly.
"""
import builtins

import gast

from s2s import runtime
from s2s.common import anno
from s2s.common import astutil as A
from s2s.frontend.normalize import aliases
from s2s.frontend.normalize.checks import fail


class Desugar:
    """Rewrites the statements of a tree, inner loops first (as a NodeTransformer
    would), entering only statement lists: the rewritten forms are statements."""

    def __init__(self, parsed, namer):
        self.parsed = parsed
        self.namer = namer
        self.partners = aliases.partners(parsed.node)
        self.bound_at = aliases.first_bound(parsed.node)

    def visit(self, node):
        """``node`` desugared: a node, or a list of statements in its place."""
        for field in node._fields:
            value = getattr(node, field, None)
            if value.__class__ is list and value and not isinstance(value[0], gast.expr):
                setattr(node, field, self._block(value))
        if isinstance(node, gast.AugAssign):
            return self.visit_AugAssign(node)
        if isinstance(node, gast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], gast.Subscript):
            return self.visit_item_write(node)
        if isinstance(node, gast.For):
            return for_over_range(node, self.parsed, self.namer)
        return node

    def _block(self, items):
        out = []
        for item in items:
            new = self.visit(item) if isinstance(item, gast.AST) else item
            if isinstance(new, list):
                out.extend(new)
            elif new is not None:
                out.append(new)
        return out

    def visit_AugAssign(self, node):
        target = node.target
        if isinstance(target, gast.Name):
            load = A.name(target.id)
        elif isinstance(target, gast.Subscript):
            load = gast.Subscript(value=A.deepcopy(target.value), slice=A.deepcopy(target.slice), ctx=gast.Load())
        else:
            fail(node, "augmented assignment to an attribute", "assign to a local variable", self.parsed)
        if isinstance(target, gast.Name) and target.id in self.partners:
            # only names bound before this line can hold the object yet (and be read without error)
            line = getattr(node, "lineno", 0)
            others = [o for o in self.partners[target.id] if self.bound_at.get(o, float("inf")) < line]
            if others:
                load = self._unshared(node, load, others)
        new = A.assign(target, gast.BinOp(left=load, op=node.op, right=node.value))
        return anno.copy(node, new)

    def visit_item_write(self, node):
        """``y[i] = v`` where ``v`` may be a view of ``y``: ``v`` checked at run time not to overlap
        ``y[i]`` (``s2s.runtime.apart``), since NumPy's copy then reads what it has overwritten."""
        target = node.targets[0]
        whole = aliases.view_root(target.value)
        source = aliases.view_root(node.value)
        if whole is None or source is None or not isinstance(target.value, gast.Name):
            return node
        if source != whole and whole not in self.partners.get(source, ()):
            return node
        if isinstance(node.value, gast.Name) and node.value.id == whole:
            return node  # ``y[...] = y`` itself: the front end reads y's old value into a name first
        origin = anno.get(node, anno.Key.ORIGIN)
        where = "{}:{}".format(origin.filename, origin.lineno) if origin else ""
        region = gast.Subscript(value=A.deepcopy(target.value), slice=A.deepcopy(target.slice), ctx=gast.Load())
        call = A.call(A.name("apart"), [node.value, A.name(whole), region, A.const(where),
                                        A.const(origin.text if origin else "")])
        anno.set(call, anno.Key.CALLEE, runtime.apart)
        node.value = call
        return node

    def _unshared(self, node, load, others):
        """``load`` checked at run time not to be an object ``others`` hold too (see ``aliases``)."""
        origin = anno.get(node, anno.Key.ORIGIN)
        where = "{}:{}".format(origin.filename, origin.lineno) if origin else ""
        method = "__i{}__".format(_DUNDER[type(node.op)])
        call = A.call(A.name("unshared"), [load, gast.Tuple(elts=[A.name(o) for o in others], ctx=gast.Load()),
                                          A.const(method), A.const(where), A.const(origin.text if origin else "")])
        anno.set(call, anno.Key.CALLEE, runtime.unshared)
        return call


_DUNDER = {gast.Add: "add", gast.Sub: "sub", gast.Mult: "mul", gast.Div: "truediv", gast.FloorDiv: "floordiv",
           gast.Mod: "mod", gast.Pow: "pow", gast.MatMult: "matmul", gast.BitAnd: "and", gast.BitOr: "or",
           gast.BitXor: "xor", gast.LShift: "lshift", gast.RShift: "rshift"}


def _builtin_call(node, parsed, name):
    return (isinstance(node, gast.Call) and isinstance(node.func, gast.Name)
            and parsed.resolve(node.func) is getattr(builtins, name))


def _element_assign(target, value, origin_node):
    return anno.copy(origin_node, A.assign(target, value))


def _sub(seq, index):
    return gast.Subscript(value=A.deepcopy(seq), slice=A.deepcopy(index), ctx=gast.Load())


def for_over_range(node, parsed, namer):
    """Rewrite ``node`` (a For) so that it iterates over ``range``."""
    it = node.iter
    if _builtin_call(it, parsed, "range"):
        if not isinstance(node.target, gast.Name):
            fail(node, "unpacking a range element", "use a single loop variable", parsed)
        return node
    pre = []
    # Python evaluates the iterable once: a name the body (or the loop target) rebinds is held
    # in a name of its own, so every iteration indexes the sequence the loop started with
    rebound = A.names_stored(gast.Module(body=list(node.body), type_ignores=[])) | A.names_stored(node.target)

    def hold(expr, base):
        if isinstance(expr, gast.Name) and expr.id not in rebound:
            return expr
        held = namer.fresh(base)
        pre.append(anno.copy(node, A.assign(held, expr)))
        return A.name(held)

    if _builtin_call(it, parsed, "enumerate"):
        if len(it.args) != 1 or it.keywords:
            if not (len(it.args) == 2 and not it.keywords):
                fail(node, "this form of enumerate", "use enumerate(seq) or enumerate(seq, start)", parsed)
        seq = hold(it.args[0], "seq")
        start = it.args[1] if len(it.args) == 2 else None
        target = node.target
        if (isinstance(target, gast.Tuple) and len(target.elts) == 2
                and isinstance(target.elts[0], gast.Name) and start is None):
            index = target.elts[0].id
            body = [_element_assign(target.elts[1], _sub(seq, A.name(index)), node)]
        else:
            index = namer.fresh("k")
            count = A.name(index) if start is None else gast.BinOp(left=A.name(index), op=gast.Add(), right=start)
            body = [_element_assign(target, gast.Tuple(elts=[count, _sub(seq, A.name(index))], ctx=gast.Load()), node)]
        bound = A.call(A.name("len"), [A.load(seq)])
    elif _builtin_call(it, parsed, "zip"):
        if it.keywords or not it.args:
            fail(node, "this form of zip", "use zip(a, b, ...) without keywords", parsed)
        seqs = [hold(a, "seq") for a in it.args]
        index = namer.fresh("k")
        items = [_sub(s, A.name(index)) for s in seqs]
        target = node.target
        if isinstance(target, gast.Tuple) and len(target.elts) == len(items):
            body = [_element_assign(t, v, node) for t, v in zip(target.elts, items)]
        else:
            body = [_element_assign(target, gast.Tuple(elts=items, ctx=gast.Load()), node)]
        lens = [A.call(A.name("len"), [A.load(s)]) for s in seqs]
        bound = lens[0] if len(lens) == 1 else A.call(A.name("min"), lens)
    elif _builtin_call(it, parsed, "reversed") and len(it.args) == 1:
        seq = hold(it.args[0], "seq")
        index = namer.fresh("k")
        body = [_element_assign(node.target, _sub(seq, A.name(index)), node)]
        length = A.call(A.name("len"), [A.load(seq)])
        start = gast.BinOp(left=length, op=gast.Sub(), right=A.const(1))
        rng = A.call(A.name("range"), [start, A.const(-1), A.const(-1)])
        loop = anno.copy(node, gast.For(target=A.store(index), iter=rng, body=body + node.body,
                                        orelse=[], type_comment=None))
        return pre + [loop]
    else:
        seq = hold(it, "seq")
        index = namer.fresh("k")
        body = [_element_assign(node.target, _sub(seq, A.name(index)), node)]
        bound = A.call(A.name("len"), [A.load(seq)])
    rng = A.call(A.name("range"), [bound])
    loop = anno.copy(node, gast.For(target=A.store(index), iter=rng, body=body + node.body,
                                    orelse=[], type_comment=None))
    return pre + [loop]

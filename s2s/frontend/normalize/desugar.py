"""Statement-level desugaring that precedes jump lowering and ANF.

After this pass:
- augmented assignments are plain assignments (``x += v`` is ``x = x + v``;
  NumPy's in-place ``+=`` would mutate arrays the caller may own);
- every ``for`` loop iterates over ``range(...)``: loops over sequences,
  ``enumerate`` (with its ``start``), ``zip`` and ``reversed``, nested in one
  another, index their sequences explicitly;
- no loop has an ``else`` block (it follows the loop, under a flag its breaks set);
- no ``with`` block is left (``blocks``: ``np.errstate`` sets and restores NumPy's
  error state around the statements).
"""
import builtins

import gast

from s2s import runtime
from s2s.common import anno
from s2s.common import astutil as A
from s2s.frontend.normalize import aliases, blocks
from s2s.frontend.parse import MISSING
from s2s.frontend.normalize.checks import fail


class Desugar:
    """Rewrites the statements of a tree, inner loops first (as a NodeTransformer
    would), entering only statement lists: the rewritten forms are statements."""

    def __init__(self, parsed, namer, tree=None):
        """``tree``: the function it will visit (the analyses key its statements by identity), by
        default the parsed one."""
        self.parsed = parsed
        self.namer = namer
        tree = parsed.node if tree is None else tree
        self.partners = aliases.partners(tree, _free_lookup(parsed, tree))
        self.bound = aliases.surely_bound(tree)

    def visit(self, node):
        """``node`` desugared: a node, or a list of statements in its place."""
        for field in node._fields:
            value = getattr(node, field, None)
            if value.__class__ is list and value and not isinstance(value[0], gast.expr):
                setattr(node, field, self._block(value))
        if isinstance(node, gast.AugAssign):
            return self.visit_AugAssign(node)
        if isinstance(node, (gast.For, gast.While)) and node.orelse:
            return self.loop_else(node)
        if isinstance(node, gast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], gast.Subscript):
            return self.visit_item_write(node)
        if isinstance(node, gast.For):
            return for_over_range(node, self.parsed, self.namer)
        if isinstance(node, gast.With):
            return blocks.with_block(node, self.parsed, self.namer)
        return node

    def loop_else(self, node):
        """``for/while ...: else:`` as the loop, then its ``else`` block under a flag its breaks set."""
        orelse, node.orelse = node.orelse, []
        breaks = blocks.own_breaks(node.body)
        if not breaks:
            return _listed(self.visit(node)) + orelse
        flag = self.namer.fresh("broke")
        blocks.flag_breaks(node.body, flag)
        test = gast.UnaryOp(op=gast.Not(), operand=A.name(flag))
        guarded = anno.copy(orelse[0], gast.If(test=test, body=orelse, orelse=[]))
        return [anno.copy(node, A.assign(flag, A.const(False)))] + _listed(self.visit(node)) + [guarded]

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
            # only names surely bound here can hold the object yet (and be read without error)
            bound = self.bound.get(id(node), set())
            others = [o for o in self.partners[target.id] if o in bound]
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


def _free_lookup(parsed, tree):
    """func node -> the object a call's free name (or attribute chain on one) refers to, or None
    where the name is the function's own (a local def or lambda) or unknown."""
    nodes = A.walk(tree)
    local = {n.id for n in nodes if isinstance(n, gast.Name) and not isinstance(n.ctx, gast.Load)}
    local |= {n.name for n in nodes if isinstance(n, gast.FunctionDef)}

    def lookup(node):
        root = node
        while isinstance(root, gast.Attribute):
            root = root.value
        if not isinstance(root, gast.Name) or root.id in local:
            return None
        obj = parsed.resolve(node)
        return None if obj is MISSING else obj
    return lookup


def _listed(new):
    return new if isinstance(new, list) else [new]


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

    if _builtin_call(it, parsed, "reversed") and len(it.args) == 1:
        seq = hold(it.args[0], "seq")
        index = namer.fresh("k")
        body = [_element_assign(node.target, _sub(seq, A.name(index)), node)]
        length = A.call(A.name("len"), [A.load(seq)])
        start = gast.BinOp(left=length, op=gast.Sub(), right=A.const(1))
        rng = A.call(A.name("range"), [start, A.const(-1), A.const(-1)])
        loop = anno.copy(node, gast.For(target=A.store(index), iter=rng, body=body + node.body,
                                        orelse=[], type_comment=None))
        return pre + [loop]
    target = node.target
    if (_builtin_call(it, parsed, "enumerate") and isinstance(target, gast.Tuple) and len(target.elts) == 2
            and isinstance(target.elts[0], gast.Name) and _enumerate_start(it, parsed) is None):
        # `for i, v in enumerate(seq)`: the loop index is the user's i
        index = target.elts[0].id
        length, element = _indexed(it.args[0], parsed, namer, hold)
        body = _unpack(target.elts[1], element(A.name(index)), node)
    else:
        index = namer.fresh("k")
        length, element = _indexed(it, parsed, namer, hold)
        body = _unpack(target, element(A.name(index)), node)
    rng = A.call(A.name("range"), [length])
    loop = anno.copy(node, gast.For(target=A.store(index), iter=rng, body=body + node.body,
                                    orelse=[], type_comment=None))
    return pre + [loop]


def _enumerate_start(call, parsed):
    """The ``start`` of ``enumerate(seq, start)`` (None when it is left out)."""
    if len(call.args) == 2 and not call.keywords:
        return call.args[1]
    if len(call.args) == 1 and not call.keywords:
        return None
    if len(call.args) == 1 and len(call.keywords) == 1 and call.keywords[0].arg == "start":
        return call.keywords[0].value
    fail(call, "this form of enumerate", "use enumerate(seq), enumerate(seq, k) or enumerate(seq, start=k)", parsed)


def _indexed(it, parsed, namer, hold):
    """(length, index -> element) of the iterable ``it``: ``enumerate`` and ``zip`` to any nesting,
    ``range(n)``, and a sequence (held in a name of its own where the loop rebinds it)."""
    if _builtin_call(it, parsed, "enumerate"):
        start = _enumerate_start(it, parsed)
        if start is not None and not isinstance(start, gast.Constant):
            start = hold(start, "start")
        length, inner = _indexed(it.args[0], parsed, namer, hold)

        def element(k):
            count = k if start is None else gast.BinOp(left=k, op=gast.Add(), right=A.deepcopy(start))
            return gast.Tuple(elts=[count, inner(k)], ctx=gast.Load())
        return length, element
    if _builtin_call(it, parsed, "zip"):
        if it.keywords or not it.args:
            fail(it, "this form of zip", "use zip(a, b, ...) without keywords", parsed)
        parts = [_indexed(a, parsed, namer, hold) for a in it.args]
        lengths = [length for length, _ in parts]
        length = lengths[0] if len(lengths) == 1 else A.call(A.name("min"), lengths)
        return length, lambda k: gast.Tuple(elts=[element(k) for _, element in parts], ctx=gast.Load())
    if _builtin_call(it, parsed, "range") and len(it.args) == 1 and not it.keywords:
        n = hold(it.args[0], "n") if not isinstance(it.args[0], gast.Constant) else it.args[0]
        return n, lambda k: k
    if (isinstance(it, gast.Call) and isinstance(it.func, gast.Attribute) and not it.args and not it.keywords
            and it.func.attr in ("items", "keys", "values")):
        # a dict's entries: index the list of its keys, then read each entry by its key
        mapping = hold(it.func.value, "mapping")
        keys = anno.copy(it, A.call(A.name("mapping_keys"), [A.load(mapping)]))
        anno.set(keys, anno.Key.CALLEE, runtime.mapping_keys)
        keys = hold(keys, "keys")
        part = it.func.attr

        def entry(k):
            key = _sub(keys, k)
            if part == "keys":
                return key
            value = gast.Subscript(value=A.load(mapping), slice=_sub(keys, k), ctx=gast.Load())
            anno.set(value, anno.Key.ENTRY, True)
            return gast.Tuple(elts=[key, value], ctx=gast.Load()) if part == "items" else value
        return A.call(A.name("len"), [A.load(keys)]), entry
    seq = hold(it, "seq")
    return A.call(A.name("len"), [A.load(seq)]), lambda k: _sub(seq, k)


def _unpack(target, value, origin_node):
    """Assignments of ``value`` to ``target``, element by element where both are tuples of one length."""
    if (isinstance(target, (gast.Tuple, gast.List)) and isinstance(value, gast.Tuple)
            and len(target.elts) == len(value.elts)):
        return [a for t, v in zip(target.elts, value.elts) for a in _unpack(t, v, origin_node)]
    return [_element_assign(target, value, origin_node)]

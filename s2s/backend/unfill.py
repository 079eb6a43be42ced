"""A scalar adjoint is not filled into an array that only elementwise arithmetic reads.

Takes the entry function of a gradient after ``specialize.py`` has rewritten
it, with the shape facts of ``s2s/analysis/shapes.py`` (the analysis object the
specializer used); leaves it changed in place. The adjoint of a reduction over
all axes is its scalar adjoint spread over the operand's shape,
``t_bar = np.full(x.shape, g)``; when every read of ``t_bar`` is an operand of
``+ - * / **`` whose other operand already has a shape that ``x.shape``
broadcasts to, the scalar itself gives the same numbers and shapes, so

    t1_bar = np.full(x.shape, t2_bar)
    x_bar = x_bar + t1_bar * x * 2.0

becomes ``t1_bar = t2_bar`` (which the clean-ups of ``optimize.py`` then
inline): an array allocation and fill less, most of the cost on small arrays.

The dtype is what makes this need care: ``np.full`` of a Python float makes a
float64 array, while the Python float itself is a "weak" scalar (NEP 50:
``1.5 * float32_array`` stays float32). So ``g`` must be *NumPy-typed*: a NumPy
scalar or array whatever the call, which is proved from how it is computed
(reductions of arrays, ufuncs, arithmetic with at least one NumPy-typed
operand, ``seed`` of such a value, values popped from a stack of such values).
Python numbers and anything unknown are not, and the ``np.full`` stays.

Reads through copies (``c = t_bar``) are followed when the copy is assigned
once; a copy that is later accumulated (``c = c + ...``) keeps the fill (the
check is flow-insensitive and cannot tell which reads see the copy).
"""
import gast
import numpy as np

from s2s import runtime
from s2s.analysis import shapes as _shapes

_OPS = (gast.Add, gast.Sub, gast.Mult, gast.Div, gast.Pow)
_REDUCTIONS = {np.sum, np.mean}
# helpers whose result is NumPy-typed when their listed arguments are
_HELPERS = {runtime.seed: (0,), runtime.absorb_zeros: (0, 1), runtime.inverse: (0,)}


def unfill(fn, analysis, resolve):
    """Rewrite (in place) each ``t = np.full(x.shape, g)`` that the module docstring allows; return ``fn``."""
    loads, parents, fills, unsafe = {}, {}, {}, set()
    for node in gast.walk(fn):
        for child in gast.iter_child_nodes(node):
            parents[id(child)] = node
        if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load):
            loads.setdefault(node.id, []).append(node)
        elif isinstance(node, gast.AugAssign):
            unsafe.update(n.id for n in gast.walk(node.target) if isinstance(n, gast.Name))
        elif isinstance(node, gast.Subscript) and isinstance(node.ctx, gast.Store):
            unsafe.update(n.id for n in gast.walk(node.value) if isinstance(n, gast.Name))
        elif isinstance(node, gast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], gast.Name):
            fill = _fill(node.value, resolve)
            if fill is not None:
                fills.setdefault(node.targets[0].id, []).append((node, fill))
    if not fills:
        return fn
    typed = _Typed(fn, analysis, resolve)
    chosen = []
    for name, found in fills.items():
        definitions = analysis.definitions.get(name)
        if len(found) != 1 or not definitions or len(definitions) != 1 or name in unsafe:
            continue
        stmt, (x, g) = found[0]
        shape = analysis.shape(x)
        if not isinstance(shape, tuple) or not shape or analysis.shape(g) != () or not typed.expr(g) \
                or any(n.id in unsafe for n in gast.walk(g) if isinstance(n, gast.Name)):
            continue
        if _only_elementwise(name, loads, parents, shape, analysis, unsafe, set()):
            chosen.append((stmt, g))
    for stmt, g in chosen:  # decided on the facts of the code as it was
        stmt.value = g
    return fn


def _fill(value, resolve):
    """``(x, g)`` of ``np.full(x.shape, g)`` (``x`` a name), else None."""
    if isinstance(value, gast.Call) and resolve(value.func) is np.full and len(value.args) == 2 \
            and not value.keywords:
        shape, g = value.args
        if isinstance(shape, gast.Attribute) and shape.attr == "shape" and isinstance(shape.value, gast.Name):
            return shape.value, g
    return None


def _only_elementwise(name, loads, parents, shape, analysis, unsafe, seen):
    """Whether every read of ``name`` is an elementwise use (below) or the copy ``c = name`` to a name
    assigned once whose reads are all such uses too (the clean-ups remove the copies later)."""
    seen.add(name)
    for use in loads.get(name, ()):
        parent = parents.get(id(use))
        if isinstance(parent, gast.Assign) and parent.value is use and len(parent.targets) == 1 \
                and isinstance(parent.targets[0], gast.Name):
            copy = parent.targets[0].id
            definitions = analysis.definitions.get(copy)
            if copy in seen or copy in unsafe or not definitions or len(definitions) != 1 \
                    or not _only_elementwise(copy, loads, parents, shape, analysis, unsafe, seen):
                return False
        elif not (_elementwise_use(use, parents, shape, analysis, name)
                  or _absorbed(use, parents, shape, analysis, name)):
            return False
    return True


def _absorbed(use, parents, shape, analysis, name):
    """Whether ``use`` is the ``a`` of ``absorb_zeros(a, r)`` with ``r`` of a shape ``shape`` broadcasts to:
    its ``np.where(a == 0 & isnan(r), 0, r)`` is the same for the scalar."""
    parent = parents.get(id(use))
    if not isinstance(parent, gast.Call) or len(parent.args) != 2 or parent.args[0] is not use or parent.keywords:
        return False
    if analysis.resolve(parent.func) is not runtime.absorb_zeros:
        return False
    s = analysis.shape(parent.args[1])
    return isinstance(s, tuple) and _shapes.broadcast(shape, s) == s


def _elementwise_use(use, parents, shape, analysis, name):
    """Whether the read ``use`` of the filled ``name`` is an operand of arithmetic whose other operand
    has a known shape that ``shape`` broadcasts to (and does not read ``name``)."""
    parent = parents.get(id(use))
    if not isinstance(parent, gast.BinOp) or not isinstance(parent.op, _OPS):
        return False
    other = parent.right if parent.left is use else parent.left
    if other is use or any(isinstance(n, gast.Name) and n.id == name for n in gast.walk(other)):
        return False
    s = analysis.shape(other)
    return isinstance(s, tuple) and _shapes.broadcast(shape, s) == s


class _Typed:
    """Which names and expressions surely hold NumPy scalars or arrays (see the module docstring).

    The greatest fixpoint: every name with only plain assignments starts NumPy-typed and loses it
    when one of its assignments is not; what stays holds by induction over the run (a value read
    was assigned before, by an assignment checked here).
    """

    def __init__(self, fn, analysis, resolve):
        self.analysis = analysis
        self.resolve = resolve
        self.names, other, self.stacks = {}, set(), {name: [] for name in analysis.stacks}
        simple = set()
        for node in gast.walk(fn):  # the code as rewritten (the analysis keeps the expressions it read)
            if isinstance(node, gast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], gast.Name):
                self.names.setdefault(node.targets[0].id, []).append(node.value)
                simple.add(id(node.targets[0]))
                continue
            if id(node) in simple:
                continue
            if isinstance(node, gast.Expr) and isinstance(node.value, gast.Call) \
                    and isinstance(node.value.func, gast.Attribute) and node.value.func.attr == "append" \
                    and isinstance(node.value.func.value, gast.Name) and node.value.func.value.id in self.stacks:
                self.stacks[node.value.func.value.id].extend(node.value.args)
            for target in _stored(node):
                other.add(target)
        for a in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs + [fn.args.vararg, fn.args.kwarg]:
            if a is not None:
                other.add(a.id)  # a parameter is NumPy-typed when its shape says it is an array (``expr``)
        for name in other:
            self.names.pop(name, None)
        self.typed = set(self.names)
        changed = True
        while changed:
            changed = False
            for name in sorted(self.typed):
                if not all(self.expr(v) for v in self.names[name]):
                    self.typed.discard(name)
                    changed = True

    def _array(self, node):
        s = self.analysis.shape(node)
        return isinstance(s, tuple) and len(s) >= 1 and s[0] != _shapes.SEQUENCE

    def expr(self, node):
        if isinstance(node, gast.Name):
            return node.id in self.typed or self._array(node)
        if isinstance(node, gast.BinOp) and isinstance(node.op, _OPS + (gast.MatMult,)):
            return self.expr(node.left) or self.expr(node.right)
        if isinstance(node, gast.UnaryOp) and isinstance(node.op, (gast.USub, gast.UAdd)):
            return self.expr(node.operand)
        if isinstance(node, gast.Call):
            return self._call(node)
        if isinstance(node, gast.Constant) and node.value is None:
            return True  # the preset of a saved value, "no value yet": an expression reading it fails as before
        return self._array(node)

    def _call(self, node):
        func = node.func
        if isinstance(func, gast.Attribute) and not node.args and not node.keywords:
            if func.attr == "pop" and isinstance(func.value, gast.Name) and func.value.id in self.stacks:
                return all(self.expr(v) for v in self.stacks[func.value.id])
            if func.attr in ("sum", "mean"):
                return self._array(func.value)  # a NumPy array's own reduction
        obj = self.resolve(func)
        if obj in _REDUCTIONS and len(node.args) == 1:
            return self._array(node.args[0])
        if isinstance(obj, np.ufunc) and not node.keywords:
            # Python numbers and NumPy values in, NumPy out (no other library's __array_ufunc__)
            return all(self.expr(a) or _number(a) for a in node.args)
        if obj in _HELPERS:
            return all(i < len(node.args) and self.expr(node.args[i]) for i in _HELPERS[obj])
        return False


def _stored(node):
    """Names that ``node`` stores other than as the single Name target of an Assign."""
    if isinstance(node, gast.Assign):
        targets = node.targets
    elif isinstance(node, (gast.AugAssign, gast.AnnAssign, gast.For)):
        targets = [node.target]
    elif isinstance(node, (gast.With,)):
        targets = [item.optional_vars for item in node.items if item.optional_vars is not None]
    elif isinstance(node, (gast.FunctionDef, gast.ClassDef)):
        return [node.name] if isinstance(node, gast.ClassDef) or node.name else []
    else:
        targets = [node] if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Store) else []
    return [n.id for t in targets for n in gast.walk(t) if isinstance(n, gast.Name)]


def _number(node):
    return isinstance(node, gast.Constant) and type(node.value) in (int, float)

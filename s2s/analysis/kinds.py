"""Which names of a core-form function hold Python ints, and which surely hold arrays (or numbers).

The batched forward mode (s2s/forward/sweep.py) reads them: an int index of a
tangent goes after the seed axis as it is, and a tangent of a name that
surely holds an array is indexed directly instead of through ``batch_at``
(which also takes lists and tuples).
"""
import gast
import numpy as np

from s2s.common import anno
from s2s.common import astutil as A
from s2s.analysis import seeds


def _values(fn, resolve):
    """name -> the values assigned to it in ``fn``: the expression of ``name = value``, ``"range"`` for a
    counter of ``for name in range(...)``, None for any other binding (a loop target, an unpacking)."""
    values = {}
    for node in A.walk(fn):
        if isinstance(node, gast.For):
            ranged = isinstance(node.iter, gast.Call) and resolve(node.iter.func) is range
            for name in A.names_stored(node.target):
                values.setdefault(name, []).append("range" if ranged and isinstance(node.target, gast.Name)
                                                   else None)
        elif isinstance(node, (gast.With, gast.comprehension)):
            for name in A.names_stored(getattr(node, "target", node)):
                values.setdefault(name, []).append(None)
        elif isinstance(node, gast.Assign):
            for target in node.targets:
                for name in A.names_stored(target):
                    values.setdefault(name, []).append(node.value if isinstance(target, gast.Name) else None)
    return values


def _closure(values, start, holds):
    """The names in ``start``, and those whose every assigned value ``holds(value, names so far)``."""
    names = set(start)
    changed = True
    while changed:
        changed = False
        for name, assigned in values.items():
            if name not in names and all(v is not None and holds(v, names) for v in assigned):
                names.add(name)
                changed = True
    return names


def int_names(fn, resolve):
    """Names that hold Python ints: ``range`` loop counters, ``len`` results and integer arithmetic on them."""
    def is_int(node, ints):
        if node == "range":
            return True
        if isinstance(node, gast.Constant):
            return type(node.value) is int
        if isinstance(node, gast.Name):
            return node.id in ints
        if isinstance(node, gast.BinOp):
            return isinstance(node.op, (gast.Add, gast.Sub, gast.Mult, gast.FloorDiv, gast.Mod)) and is_int(
                node.left, ints) and is_int(node.right, ints)
        if isinstance(node, gast.UnaryOp):
            return isinstance(node.op, gast.USub) and is_int(node.operand, ints)
        if isinstance(node, gast.Call):
            return resolve(node.func) is len
        return False

    return _closure(_values(fn, resolve), (), is_int)


_ARRAY_MAKERS = frozenset(id(f) for f in (
    np.zeros, np.zeros_like, np.ones, np.ones_like, np.empty, np.empty_like, np.full, np.full_like, np.array,
    np.asarray, np.copy, np.sum, np.mean, np.prod, np.roll, np.reshape, np.ravel, np.transpose, np.dot, np.matmul,
    np.concatenate, np.stack, np.hstack, np.vstack, np.cumsum, np.diff, np.outer, np.einsum, np.linspace,
    np.arange, np.clip, np.where, np.diag, np.tile, np.pad, np.flip, np.sort))


def array_names(fn, containers, resolve, entry):
    """Names that surely hold arrays or numbers, never lists or tuples (their tangents are indexed after
    the seed axis directly; other names go through ``batch_at``)."""
    values = _values(fn, resolve)
    params = {a.id for a in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs} - set(containers)
    start = [p for p in params if p not in values] if entry else []

    def is_array(node, arrays):
        if isinstance(node, (gast.BinOp, gast.UnaryOp, gast.Constant)):
            return True
        if isinstance(node, gast.Name):
            return node.id in arrays
        if isinstance(node, gast.Subscript):
            return is_array(node.value, arrays)
        if isinstance(node, (gast.Call, gast.Attribute)):
            callee = anno.get(node, anno.Key.CALLEE)
            return seeds.is_elementwise(callee) or id(callee) in _ARRAY_MAKERS
        return False

    return _closure(values, start, is_array)

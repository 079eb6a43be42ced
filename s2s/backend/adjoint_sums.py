"""The sum of all elements of an adjoint expression, in fewer passes over the arrays.

Used by ``s2s/backend/specialize.py`` for ``np.sum(e)`` (every axis) in an
assignment to adjoints alone, with the shape facts of ``s2s/analysis/shapes.py``:

- ``(-e).sum()`` -> ``-e.sum()`` (exact: negation commutes with rounding);
- ``(e / s).sum()``, ``(e * s).sum()`` and ``(s * e).sum()`` of a number ``s`` ->
  ``e.sum() / s`` ...: the number applied once, not to every element;
- ``(a * b).sum()`` of two vectors of the same shape -> ``a.dot(b)``: one pass, no temporary.

The last two round differently from the sum they replace (by an ulp or so, as
any reordering of a sum does), which is why only adjoints get them: an
adjoint is a derivative, read by nothing the function itself computes, so
the value a call returns stays the function's own to the bit. Where nothing
applies, ``e.sum()`` (NumPy's own reduction, without ``np.sum``'s dispatch).
"""
import gast
import numpy as np

from s2s.common import anno
from s2s.common import astutil as A
from s2s.analysis import shapes as _shapes


def method_sum(e, keywords=()):
    """``e.sum(**keywords)``, marked as the pure ``np.sum`` it is (the clean-ups may move or drop it)."""
    call = A.call(gast.Attribute(value=e, attr="sum", ctx=gast.Load()), [], list(keywords))
    anno.set(call, anno.Key.CALLEE, np.sum)
    return call


def total(e, analysis):
    """An expression for the sum of all elements of the array expression ``e`` (see the module docstring)."""
    if isinstance(e, gast.UnaryOp) and isinstance(e.op, gast.USub) and _array(e.operand, analysis):
        return gast.UnaryOp(op=gast.USub(), operand=total(e.operand, analysis))
    if isinstance(e, gast.BinOp) and isinstance(e.op, (gast.Mult, gast.Div)):
        left, right = _shape(e.left, analysis), _shape(e.right, analysis)
        if right == () and _array(e.left, analysis):
            return gast.BinOp(left=total(e.left, analysis), op=e.op, right=e.right)
        if left == () and isinstance(e.op, gast.Mult) and _array(e.right, analysis):
            return gast.BinOp(left=e.left, op=e.op, right=total(e.right, analysis))
        if isinstance(e.op, gast.Mult) and left == right and isinstance(left, tuple) and len(left) == 1:
            if isinstance(e.left, gast.UnaryOp) and isinstance(e.left.op, gast.USub):
                return gast.UnaryOp(op=gast.USub(), operand=_dot(e.left.operand, e.right))
            return _dot(e.left, e.right)
    return method_sum(e)


def _dot(a, b):
    call = A.call(gast.Attribute(value=a, attr="dot", ctx=gast.Load()), [b], [])
    anno.set(call, anno.Key.CALLEE, np.dot)
    return call


def _shape(node, analysis):
    s = analysis.shape(node)
    return s if isinstance(s, tuple) and not (s and s[0] == _shapes.SEQUENCE) else None


def _array(node, analysis):
    s = _shape(node, analysis)
    return s is not None and len(s) >= 1

"""Specialize a generated gradient on the shapes of its arguments.

Requires the shape facts of ``s2s/analysis/shapes.py`` for the entry
function's parameters (the api knows them at call time; the command line does
not, and so never specializes). Rewrites, each only where the facts prove it
changes nothing:

- ``unbroadcast(g, x)`` -> ``g`` when ``g`` and ``x`` have the same shape
  (``unbroadcast`` returns ``g`` itself then), and -> the one ``np.sum`` it
  would call when ``x`` is a scalar, or ``g`` only has extra leading axes, or
  only sizes 1 where ``g`` has more;
- the array of ``unreduce(g, x, ...)`` and ``reduce_count(x, ...)`` (which read only its shape) ->
  a parameter of the same shape, so that ``x`` is not saved or recomputed for its shape alone;
- ``power_base_grad(x, 2)`` -> ``2 * x`` when ``x`` is an array (at least 1-D);
- ``inverse(x)`` -> ``1 / x`` when ``x`` is an array, and ``g / reduce_count(x)`` (every element
  counted) -> ``g / x.size``;
- ``matmul_grad1(g, a, b)`` -> ``g @ b.T`` and ``matmul_grad2(g, a, b)`` ->
  ``a.T @ g`` when ``a``, ``b`` and ``g`` are 2-D (the helper computes exactly
  that product and its unbroadcast is the identity), and the one product it
  computes when an operand is a vector (``g @ a``, ``g[:, None] * b``, ...);
- ``unreduce(g, x)`` of a number ``g`` over an array ``x`` -> ``np.full(x.shape, g)``;
- ``t = np.full(x.shape, g)`` -> ``t = g`` when only elementwise arithmetic with arrays of that
  shape reads ``t`` and ``g`` is surely a NumPy value (``s2s/backend/unfill.py``);
- ``np.sum(a)`` of an array -> ``a.sum()`` (the same reduction, without ``np.sum``'s dispatch: a
  microsecond, on small arrays most of the cost).

With ``reorder`` (the "reorder" pass of ``optimize.PASSES``), also two rewrites that round
differently, by an ulp or so, and only in what adjoints alone read (the function's value stays
its own to the bit): ``g * inverse(x)`` -> ``g / x`` of an array ``x`` (a pass less, and finite where
``1 / x`` overflows), and in an assignment to adjoints the fewer passes of
``s2s/backend/adjoint_sums.py`` (``(a * b).sum()`` of two vectors -> ``a.dot(b)``).

The generated function is changed in place; cleaning up what becomes dead
(copies, stacks of values nothing reads) is left to ``s2s/backend/optimize.py``.
"""
import builtins

import gast
import numpy as np

from s2s.common import anno
from s2s.common import astutil as A
from s2s import runtime
from s2s.analysis import shapes as _shapes
from s2s.backend import adjoint_sums, unfill


def resolver(bindings, namespaces):
    """``resolve(expr)``: the object a Name or attribute chain of generated code refers to, or None."""
    def resolve(node):
        if isinstance(node, gast.Name):
            if node.id in bindings:
                return bindings[node.id]
            for ns in namespaces:
                if node.id in ns:
                    return ns[node.id]
            return getattr(builtins, node.id, None)
        if isinstance(node, gast.Attribute):
            owner = resolve(node.value)
            if owner is None or not hasattr(owner, "__name__") or type(owner).__name__ != "module":
                return None
            return getattr(owner, node.attr, None)
        return None
    return resolve


def specialize(fn, params, resolve, ref, adjoints=(), reorder=False):
    """Rewrite ``fn`` (in place) using the shapes ``params`` of its parameters; return it.

    ``ref(obj, hint)`` is an expression for ``obj`` in the generated code. ``adjoints``: the names of
    adjoint values. ``reorder``: also the rewrites that round differently (by an ulp or so) in what
    only adjoints read: ``g * inverse(x)`` -> ``g / x``, and the sums of ``s2s/backend/adjoint_sums.py``.
    """
    if not params:
        return fn
    analysis = _shapes.analyzer(fn, params, resolve)
    rewrite = _Rewrite(analysis, resolve, ref)
    rewrite.adjoints = frozenset(adjoints) if reorder else frozenset()
    rewrite.reorder = reorder
    rewrite.parameters = [a.id for a in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs
                          if a.id in params and not _is_sequence(params[a.id])]
    rewrite.rewrite(fn)
    unfill.unfill(fn, analysis, resolve)  # np.full of a scalar adjoint only arithmetic reads: the scalar
    return fn


def sequence_lengths(params):
    """{name: number of items} of the parameters whose fact says they are a list or tuple."""
    return {name: len(s) - 1 for name, s in (params or {}).items() if _is_sequence(s)}


def _is_sequence(shape):
    return bool(shape) and shape[0] == _shapes.SEQUENCE


def _sum_axes(sg, sx):
    """(axes, keepdims) of the single ``np.sum`` that ``unbroadcast`` does from shape ``sg`` to ``sx``, or None."""
    if not sx:
        return None, False
    extra = len(sg) - len(sx)
    if extra > 0 and sg[extra:] == sx:
        return tuple(range(extra)), False
    if extra == 0 and all(n == m or n == 1 for n, m in zip(sx, sg)):
        return tuple(i for i, (n, m) in enumerate(zip(sx, sg)) if n == 1 and m != 1), True
    return "no", False


class _Rewrite:
    """Replaces calls of ``unbroadcast`` and the matmul gradients that shapes make simple."""

    def __init__(self, analysis, resolve, ref):
        self.analysis = analysis
        self.resolve = resolve
        self.ref = ref
        self.parameters = []  # parameters with a known shape, in order
        self.adjoints = frozenset()
        self.reorder = False  # also the rewrites that round differently (see ``specialize``)
        self.in_adjoint = False  # inside an assignment to adjoints alone

    def rewrite(self, node):
        """``node``, or what replaces it, with its children rewritten."""
        if isinstance(node, gast.Assign):
            outer, self.in_adjoint = self.in_adjoint, self.adjoints and all(
                isinstance(t, gast.Name) and t.id in self.adjoints for t in node.targets)
            A.replace_children(node, self.rewrite, leaves=False)
            self.in_adjoint = outer
            return node
        if isinstance(node, gast.Call):
            return self.visit_Call(node)
        if isinstance(node, gast.BinOp) and isinstance(node.op, gast.Mult) and self.reorder \
                and self._inverse_of_array(node.right):
            # g * inverse(x) -> g / x: one pass less (and x / tiny is finite where 1 / tiny overflows)
            return self.rewrite(gast.BinOp(left=node.left, op=gast.Div(), right=node.right.args[0]))
        if isinstance(node, gast.BinOp) and isinstance(node.op, gast.Div) and self._counts_all(node.right):
            # g / reduce_count(x) -> g / x.size: the same division (an exact int for the float count)
            x = self._same_shape_parameter(node.right.args[0])
            size = gast.Attribute(value=x, attr="size", ctx=gast.Load())
            return self.rewrite(gast.BinOp(left=node.left, op=gast.Div(), right=size))
        A.replace_children(node, self.rewrite, leaves=False)
        return node

    def _counts_all(self, node):
        """Whether ``node`` is ``reduce_count(x, None, False, True)`` (or a prefix of those arguments) of
        an array ``x``: the number of its elements, ``float(x.size)``."""
        if not (isinstance(node, gast.Call) and not node.keywords and 1 <= len(node.args) <= 4
                and self.resolve(node.func) is runtime.reduce_count and self._is_array(node.args[0])):
            return False
        defaults = (None, False, True)
        return all(isinstance(a, gast.Constant) and a.value is d and type(a.value) is type(d)
                   for a, d in zip(node.args[1:], defaults))

    def _inverse_of_array(self, node):
        """Whether ``node`` is ``inverse(x)`` of an array ``x``: ``1 / x`` then (inverse's care is
        for a Python float 0, which would raise ZeroDivisionError)."""
        return (isinstance(node, gast.Call) and len(node.args) == 1 and not node.keywords
                and self.resolve(node.func) is runtime.inverse and self._is_array(node.args[0]))

    def _sum(self, g, axes, keepdims):
        keywords = []
        if axes is not None:
            axis = A.const(axes[0]) if len(axes) == 1 else gast.Tuple(elts=[A.const(a) for a in axes],
                                                                      ctx=gast.Load())
            keywords.append(gast.keyword(arg="axis", value=axis))
        if keepdims:
            keywords.append(gast.keyword(arg="keepdims", value=A.const(True)))
        return A.call(self.ref(np.sum, "sum"), [g], keywords)

    def visit_Call(self, node):
        # decide on the original operands (shapes are facts about them), then rewrite inside
        obj = self.resolve(node.func)
        replacement = None
        if obj is runtime.unbroadcast and len(node.args) == 2 and not node.keywords:
            g, x = node.args
            sg, sx = self.analysis.shape(g), self.analysis.shape(x)
            if sg is not _shapes.UNKNOWN and sg == sx:
                replacement = g
            elif sg is not _shapes.UNKNOWN and sx is not _shapes.UNKNOWN and len(sg) >= len(sx):
                axes, keepdims = _sum_axes(sg, sx)
                if axes != "no":
                    replacement = self._sum(g, axes, keepdims)
        elif (obj is runtime.matmul_grad1 or obj is runtime.matmul_grad2) and len(node.args) == 3 and not node.keywords:
            g, a, b = node.args
            if all(len(s) == 2 for s in map(self._shape, (g, a, b))):
                if obj is runtime.matmul_grad1:
                    replacement = gast.BinOp(left=g, op=gast.MatMult(), right=_transposed(b))
                else:
                    replacement = gast.BinOp(left=_transposed(a), op=gast.MatMult(), right=g)
            elif (self._ndim(a), self._ndim(b), self._ndim(g)) == (2, 1, 1):
                replacement = self._vector_product(obj, g, a, b, left=True)
            elif (self._ndim(a), self._ndim(b), self._ndim(g)) == (1, 2, 1):
                replacement = self._vector_product(obj, g, a, b, left=False)
        elif self._inverse_of_array(node):
            replacement = gast.BinOp(left=A.const(1), op=gast.Div(), right=node.args[0])
        elif obj is runtime.power_base_grad and len(node.args) == 2 and not node.keywords:
            replacement = self._square_grad(*node.args)
        elif obj is runtime.unreduce and len(node.args) >= 2 and not node.keywords:
            node.args[1] = self._same_shape_parameter(node.args[1])
            replacement = self._filled(node.args)
        elif obj is runtime.reduce_count and len(node.args) >= 1 and not node.keywords and (
                len(node.args) < 4 or isinstance(node.args[3], gast.Constant) and node.args[3].value is True):
            node.args[0] = self._same_shape_parameter(node.args[0])
        elif obj is np.sum and len(node.args) == 1 and all(  # what Numba's array.sum takes too
                k.arg == "axis" and isinstance(k.value, gast.Constant) and type(k.value.value) is int
                for k in node.keywords) and self._is_array(node.args[0]):
            if self.in_adjoint and not node.keywords:
                replacement = adjoint_sums.total(node.args[0], self.analysis)
            else:
                replacement = adjoint_sums.method_sum(node.args[0], node.keywords)
        if replacement is not None:
            return self.rewrite(replacement)
        A.replace_children(node, self.rewrite, leaves=False)
        return node

    def _same_shape_parameter(self, x):
        """A parameter with the shape of the local name ``x``, for a helper that reads only ``np.shape(x)``
        (``unreduce``; ``reduce_count`` without ``where``): then ``x`` need not be kept or recomputed for
        the adjoint. A parameter is bound everywhere, and the facts hold for every value it takes."""
        if not isinstance(x, gast.Name) or x.id in self.parameters:
            return x
        s = self.analysis.shape(x)
        if not isinstance(s, tuple):
            return x
        for p in self.parameters:
            if self.analysis.shape(gast.Name(id=p, ctx=gast.Load(), annotation=None, type_comment=None)) == s:
                return gast.Name(id=p, ctx=gast.Load(), annotation=None, type_comment=None)
        return x

    def _square_grad(self, x, exponent):
        """``2 * x`` for ``power_base_grad(x, 2)`` on an array: ``2 * np.power(x, 1)``, the same numbers and
        dtype (the helper's ``np.where(2 == 0, ...)`` keeps ``d``), without the power and the where."""
        s = self.analysis.shape(x)
        if isinstance(exponent, gast.Constant) and type(exponent.value) is int and exponent.value == 2 \
                and isinstance(s, tuple) and len(s) >= 1:
            return gast.BinOp(left=A.const(2), op=gast.Mult(), right=x)
        return None

    def _shape(self, node):
        s = self.analysis.shape(node)
        return () if s is _shapes.UNKNOWN else s

    def _ndim(self, node):
        s = self.analysis.shape(node)
        return len(s) if isinstance(s, tuple) and not _is_sequence(s) else None

    def _is_array(self, node):
        """Whether ``node`` surely holds a NumPy array: a known shape of at least one axis (facts of
        at least one axis are only given for arrays, and what is computed from them is one)."""
        n = self._ndim(node)
        return n is not None and n >= 1

    def _vector_product(self, helper, g, a, b, left):
        """The one product ``matmul_grad1/2(g, a, b)`` computes when an operand is a vector: with ``a``
        a matrix and ``b`` a vector, ``np.outer``-like ``g[:, None] * b`` for ``a`` and ``g @ a`` for ``b``;
        with ``a`` a vector and ``b`` a matrix, ``b @ g`` for ``a`` and ``a[:, None] * g`` for ``b``."""
        def column(x):
            index = gast.Tuple(elts=[gast.Slice(lower=None, upper=None, step=None), A.const(None)], ctx=gast.Load())
            return gast.Subscript(value=x, slice=index, ctx=gast.Load())
        if left:  # a @ b: (m, n) @ (n,) -> g (m,)
            if helper is runtime.matmul_grad1:
                return gast.BinOp(left=column(g), op=gast.Mult(), right=b)
            return gast.BinOp(left=g, op=gast.MatMult(), right=a)
        if helper is runtime.matmul_grad1:  # a @ b: (n,) @ (n, m) -> g (m,)
            return gast.BinOp(left=b, op=gast.MatMult(), right=g)
        return gast.BinOp(left=column(a), op=gast.Mult(), right=g)

    def _filled(self, args):
        """``np.full(x.shape, g)`` for ``unreduce(g, x, ...)`` of a number ``g`` over an array ``x``: the
        same values and dtype (``np.broadcast_to`` of the same 0-d value), without its Python overhead."""
        g, x = args[0], args[1]
        if self._ndim(g) != 0 or not self._is_array(x) or not isinstance(x, gast.Name):
            return None
        shape = gast.Attribute(value=A.deepcopy(x), attr="shape", ctx=gast.Load())
        return A.call(self.ref(np.full, "full"), [shape, g], [])


def _transposed(node):
    return gast.Attribute(value=A.deepcopy(node), attr="T", ctx=gast.Load())

"""Tangent (forward-mode) templates, instantiated at a call site.

A primitive's tangent comes from one of three places:

- an explicit ``@tangent`` template (``def f(<params>, *, ans, <p>_dot)``);
- an ``@elementwise`` rule: ``x_dot * d ans / d x``;
- a ``@linear`` rule: the primitive itself applied to the tangents of its
  linear parameters (the call site is copied with those operands replaced).

Tangents of inactive operands are zero. The engine writes them as a symbolic
zero, folds it away where the algebra allows (``a + 0``, ``0 * b``, ``-0``,
``0 @ b``, ``0 / b``) and substitutes ``zeros_like(p)`` where it cannot.
When terms were dropped from a rule whose operands broadcast, the result is
broadcast to the shape of ``ans``.
"""
import builtins

import gast

from s2s.common import astutil as A
from s2s import runtime
from s2s.runtime import batching
from s2s.rules.templates import bind, check_differentiated, paste

_ZERO = "__s2s_zero__"


def _multilinear():
    """id(function) -> the positions of the arguments it is linear in, each a factor of the result."""
    import numpy as np

    table = {np.dot: (0, 1), np.matmul: (0, 1), np.inner: (0, 1), np.outer: (0, 1), np.vdot: (0, 1),
             np.kron: (0, 1), np.tensordot: (0, 1), np.multiply: (0, 1), np.cross: (0, 1), np.einsum: "operands",
             runtime.matmul_grad1: (0, 2), runtime.matmul_grad2: (0, 1), runtime.dot_grad1: (0, 2),
             runtime.dot_grad2: (0, 1), runtime.inner_grad1: (0, 2), runtime.inner_grad2: (0, 1),
             runtime.tensordot_grad1: (0, 2), runtime.tensordot_grad2: (0, 1),
             runtime.select_grad: (0,), runtime.extremum_jvp: (0,), runtime.clip_bound_grad: (0,),  # share out t
             batching.seed_matmul_left: (0,), batching.seed_matmul_right: (1,), batching.seed_dot_left: (0,),
             batching.seed_dot_right: (1,)}
    return {id(f): positions for f, positions in table.items()}


_MULTILINEAR = _multilinear()


def _zero(param):
    node = A.name(_ZERO)
    node.param = param
    return node


def _is_zero(node):
    return isinstance(node, gast.Name) and node.id == _ZERO


class _Fold(gast.NodeTransformer):
    """Fold symbolic zeros through the operations that are linear in them.

    With ``resolve`` (the object a call's function names), a term of a sum
    that is a product (``np.dot``, ``matmul_grad2``, ...) with a zero factor
    is dropped too: the product rule's terms all have the result's shape.
    """

    def __init__(self, resolve=None):
        self.resolve = resolve

    def _vanishes(self, node):
        if self.resolve is None or not isinstance(node, gast.Call):
            return False
        positions = _MULTILINEAR.get(id(self.resolve(node.func)))
        if positions is None:
            return False
        if positions == "operands":  # einsum(subscripts, *operands)
            positions = range(1, len(node.args))
        return any(i < len(node.args) and _is_zero(node.args[i]) for i in positions)

    def visit_BinOp(self, node):
        self.generic_visit(node)
        left, right = _is_zero(node.left), _is_zero(node.right)
        if isinstance(node.op, (gast.Add, gast.Sub)) and self.resolve is not None:
            vanishes = self._vanishes(node.left), self._vanishes(node.right)
            if (left or vanishes[0]) and (right or vanishes[1]) and any(vanishes):
                return node  # leave it whole: which zero it is decides its shape
            left, right = left or vanishes[0], right or vanishes[1]
        if isinstance(node.op, gast.Add):
            if left:
                return node.right
            if right:
                return node.left
        elif isinstance(node.op, gast.Sub):
            if right:
                return node.left
            if left:
                return gast.UnaryOp(op=gast.USub(), operand=node.right)
        elif isinstance(node.op, (gast.Mult, gast.MatMult)):
            if left:
                return node.left
            if right:
                return node.right
        elif isinstance(node.op, gast.Div):
            if left:
                return node.left
        return node

    def visit_UnaryOp(self, node):
        self.generic_visit(node)
        if isinstance(node.op, (gast.USub, gast.UAdd)) and _is_zero(node.operand):
            return node.operand
        return node


class _Materialize(gast.NodeTransformer):
    """Zeros that could not be folded become ``zeros_like(param)`` (or the node ``zero`` gives)."""

    def __init__(self, refs, mapping, zero=None):
        self.refs = refs
        self.mapping = mapping
        self.zero = zero

    def visit_Name(self, node):
        if _is_zero(node):
            if self.zero is not None:
                return self.zero()
            return A.call(self.refs.expr(runtime.zeros_like, "zeros_like"), [A.deepcopy(self.mapping[node.param])])
        return node


def instantiate(adjoint_rule, tangent_rule, value, args, keywords, ans, dot, refs, namer, zero=None, extra=None):
    """(prelude statements, tangent expression) of ``ans = value`` or None when no operand is active.

    ``dot(node)`` gives the tangent expression of an active operand node and
    None for an inactive one. ``zero()``, if given, is the node of a zero
    tangent the algebra could not fold away (default ``zeros_like(param)``);
    ``extra`` maps more names of the tangent template to nodes (a batched
    template's ``batch``).
    """
    mapping = bind(adjoint_rule, args, keywords, refs)
    check_differentiated(adjoint_rule, mapping, lambda node: dot(node) is not None)
    dots = {p: dot(mapping[p]) for p in adjoint_rule.wrt}
    if all(d is None for d in dots.values()):
        return None
    dropped = any(d is None for d in dots.values())
    if tangent_rule is not None:
        passed = set(adjoint_rule.signature.bind(*args, **keywords).arguments)
        result = _without_defaults(tangent_rule, tangent_rule.results[0], passed)
        prelude, expr = _explicit(tangent_rule, result, mapping, dots, ans, refs, namer, zero, extra)
        broadcast = tangent_rule.unbroadcast
    elif adjoint_rule.kind == "elementwise":
        (x,) = adjoint_rule.wrt
        # the engine stored the adjoint ``ans_bar * d``: take ``d``
        # (or ``absorb_zeros(ans_bar, ans_bar * d)``; the tangent keeps ``x_dot * d``:
        # np.where selects tangents, so a NaN in the branch it drops stays out)
        result = adjoint_rule.results[0]
        derivative = result.args[1].right if adjoint_rule.singular else result.right
        prelude, deriv = _explicit(adjoint_rule, derivative, mapping, {}, ans, refs, namer)
        expr = gast.BinOp(left=A.deepcopy(dots[x]), op=gast.Mult(), right=deriv)
        broadcast = False
    elif adjoint_rule.kind == "linear":
        prelude = []
        expr = _linear(value, args, keywords, mapping, dots, adjoint_rule)
        broadcast = adjoint_rule.unbroadcast
    else:
        raise MissingTangentError(adjoint_rule)
    expr = _Fold(refs.resolve).visit(expr)
    if _is_zero(expr):
        return prelude, A.call(refs.expr(runtime.zeros_like, "zeros_like"), [A.deepcopy(ans)])
    expr = _Materialize(refs, mapping, zero).visit(expr)
    if broadcast and dropped and _may_be_smaller(expr, ans, mapping, dots):
        expr = A.call(refs.expr(runtime.broadcast_like, "broadcast_like"), [expr, A.deepcopy(ans)])
    return prelude, expr


class MissingTangentError(Exception):
    """The primitive has an adjoint template but no tangent template."""

    def __init__(self, rule):
        super().__init__(rule.name)
        self.rule = rule


def _may_be_smaller(expr, ans, mapping, dots):
    """Whether dropping terms may have left a tangent smaller than ``ans``.

    A tangent that reads ``ans``, or every dropped operand that is an array,
    has been broadcast against them already.
    """
    loaded = A.names_loaded(expr)
    if isinstance(ans, gast.Name) and ans.id in loaded:
        return False
    for p, d in dots.items():
        node = mapping[p]
        if d is None and isinstance(node, gast.Name) and node.id not in loaded:
            return True
    return False


def _explicit(rule, result, mapping, dots, ans, refs, namer, zero=None, extra=None):
    """Paste a template's ``result`` (and the prelude it needs) with parameters and tangents substituted."""
    substitution = dict(mapping, **(extra or {}))
    substitution["ans"] = ans
    for p, d in dots.items():
        substitution[p + "_dot"] = _zero(p) if d is None else d
    materialize = _Materialize(refs, mapping, zero)
    prelude, (expr,) = paste(rule, [result], substitution, refs, namer,
                             finish=lambda value: materialize.visit(_Fold(refs.resolve).visit(value)))
    return prelude, expr


def _without_defaults(rule, result, passed):
    """Drop ``k=k`` keywords of calls to the primitive itself where the call site left ``k`` at its default.

    Templates take the primitive's own defaults, so ``np.sum(a_dot, axis=axis)``
    at a call ``np.sum(a)`` reads better as ``np.sum(a_dot)``.
    """
    result = A.deepcopy(result)
    for node in A.walk(result):
        if isinstance(node, gast.Call) and _resolve(node.func, rule.namespace) is rule.primitive:
            node.keywords = [k for k in node.keywords
                             if not (isinstance(k.value, gast.Name) and k.value.id == k.arg
                                     and k.arg in rule.signature.parameters and k.arg not in passed)]
    return result


def _resolve(node, namespace):
    if isinstance(node, gast.Name):
        return namespace.get(node.id, getattr(builtins, node.id, None))
    if isinstance(node, gast.Attribute):
        return getattr(_resolve(node.value, namespace), node.attr, None)
    return None


def _linear(value, args, keywords, mapping, dots, rule):
    """The call site ``value`` with each linear operand replaced by its tangent."""
    replace = {}
    for p in rule.wrt:
        node = mapping[p]
        replace[id(node)] = _zero(p) if dots[p] is None else dots[p]
    copy = A.deepcopy(value)
    for original, new in zip(A.walk(value), A.walk(copy)):
        if id(original) in replace:
            new._s2s_original = id(original)
    return _Rebuild(replace).visit(copy)


class _Rebuild(gast.NodeTransformer):
    def __init__(self, replace):
        self.replace = replace

    def visit(self, node):
        original = getattr(node, "_s2s_original", None)
        if original is not None and original in self.replace:
            new = self.replace[original]
            return _zero(new.param) if _is_zero(new) else A.deepcopy(new)
        return super().visit(node)

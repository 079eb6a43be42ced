"""Grad does not compute a result that nothing reads but ``seed``.

Takes the entry function of a specialized gradient (``s2s.grad``: the value of
the function is not returned) after the clean-ups of ``optimize.py``; leaves it
changed in place. The result of a loss is read only by ``seed``, which needs
only its type: when the statement just before ``t_bar = seed(t, ...)`` is the
only assignment of ``t``, nothing else reads ``t``, and its expression is made
of reductions over all axes (``np.sum``, ``np.mean``, ``.sum()``, ``.mean()``)
of elementwise real ufuncs and arithmetic, combined by arithmetic with Python
numbers, then

    t = -np.mean(y * np.log(p))
    t_bar = seed(t, where, of)

becomes

    t_bar = seed_unread(lambda: -np.mean(y * np.log(p)), (y, p), where, of)

``seed_unread`` returns the one of the result type of the operands when they
are NumPy arrays of real floats (the result is then a NumPy scalar of that
type: every operation allowed keeps a real float type), and else computes the
value and seeds it as before (complex or integer operands, other libraries'
arrays). Not for value_and_grad, whose value is returned, nor for compiled
gradients (Numba does not take the lambda).
"""
import gast
import numpy as np

from s2s import runtime
from s2s.common import anno
from s2s.common import astutil as A
from s2s.backend import optimize

# real -> real of the same float type; ``abs`` and ``real`` are left out: complex -> real
_ELEMENTWISE = {np.log, np.log1p, np.log2, np.log10, np.exp, np.expm1, np.tanh, np.sinh, np.cosh, np.sin,
                np.cos, np.tan, np.arctan, np.sqrt, np.square, np.negative, np.add, np.subtract, np.multiply,
                np.divide, np.logaddexp}
_REDUCTIONS = {np.sum, np.mean}
_METHODS = ("sum", "mean")
_OPS = (gast.Add, gast.Sub, gast.Mult, gast.Div, gast.Pow)
_UNARY = (gast.USub, gast.UAdd)


def drop_unread(fn, resolve, ref):
    """Rewrite the ``seed`` of ``fn``'s result (see the module docstring) where it applies; return ``fn``."""
    counts = optimize.Counts(fn)
    body = fn.body
    for i in range(1, len(body)):
        stmt, before = body[i], body[i - 1]
        call = _seed_call(stmt, resolve)
        if call is None or not call.args or not isinstance(call.args[0], gast.Name):
            continue
        name = call.args[0].id
        if not (isinstance(before, gast.Assign) and len(before.targets) == 1
                and isinstance(before.targets[0], gast.Name) and before.targets[0].id == name):
            continue
        if counts.loads.get(name, 0) != 1 or counts.stores.get(name, 0) != 1:
            continue
        value, operands = before.value, []
        if not _scalar(value, resolve, operands) or not operands:
            continue
        operands = list(dict.fromkeys(operands))
        arguments = gast.arguments(args=[], posonlyargs=[], vararg=None, kwonlyargs=[], kw_defaults=[],
                                   kwarg=None, defaults=[])
        call.func = ref(runtime.seed_unread, "seed_unread")
        call.args[0:1] = [gast.Lambda(args=arguments, body=value),
                          gast.Tuple(elts=[A.name(n) for n in operands], ctx=gast.Load())]
        if anno.has(before, anno.Key.ORIGIN) and not anno.has(stmt, anno.Key.ORIGIN):
            anno.set(stmt, anno.Key.ORIGIN, anno.get(before, anno.Key.ORIGIN))
        del body[i - 1]
        break  # one result: one seed
    return fn


def _seed_call(stmt, resolve):
    if isinstance(stmt, gast.Assign) and isinstance(stmt.value, gast.Call) \
            and resolve(stmt.value.func) is runtime.seed:
        return stmt.value
    return None


def _number(node):
    return isinstance(node, gast.Constant) and (type(node.value) is float or (
        type(node.value) is int and abs(node.value) < 2 ** 53))


def _scalar(node, resolve, operands):
    """Whether ``node`` is a reduction over all axes of an elementwise expression, or arithmetic of such
    reductions and Python numbers (at least one reduction); the names it reads go to ``operands``."""
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, _UNARY):
        return _scalar(node.operand, resolve, operands)
    if isinstance(node, gast.BinOp) and isinstance(node.op, _OPS):
        left, right = _scalar(node.left, resolve, operands), _scalar(node.right, resolve, operands)
        return (left or right) and (left or _number(node.left)) and (right or _number(node.right))
    if isinstance(node, gast.Call) and not node.keywords:
        if isinstance(node.func, gast.Attribute) and node.func.attr in _METHODS and not node.args:
            return _elementwise(node.func.value, resolve, operands)
        if resolve(node.func) in _REDUCTIONS and len(node.args) == 1:
            return _elementwise(node.args[0], resolve, operands)
    return False


def _elementwise(node, resolve, operands):
    """Whether ``node`` is names and Python numbers combined by the real ufuncs and arithmetic above."""
    if isinstance(node, gast.Name):
        operands.append(node.id)
        return resolve(node) is None  # a value of the function (not a module, function or global)
    if _number(node):
        return True
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, _UNARY):
        return _elementwise(node.operand, resolve, operands)
    if isinstance(node, gast.BinOp) and isinstance(node.op, _OPS):
        return _elementwise(node.left, resolve, operands) and _elementwise(node.right, resolve, operands)
    if isinstance(node, gast.Call) and not node.keywords and resolve(node.func) in _ELEMENTWISE:
        return all(_elementwise(a, resolve, operands) for a in node.args)
    return False

"""An adjoint that starts as a negation and is then accumulated once: one subtraction.

Takes a generated FunctionDef after the clean-ups of ``optimize.py`` and
``resolve`` (``specialize.resolver``: what a called name is), and changes it
in place:

    p_bar = -t7_bar
    t4_bar = t10_bar * y
    p_bar = p_bar + absorb_zeros(t4_bar, t4_bar / p)

becomes

    t4_bar = t10_bar * y
    p_bar = absorb_zeros(t4_bar, t4_bar / p) - t7_bar

``-a + e`` and ``e - a`` are the same IEEE operation (subtraction is addition
of the negation, and addition commutes), so the numbers are identical; a pass
over the array and a temporary are saved. Only when it is safe to read ``a``
later: the statements in between are plain assignments of side-effect-free
values (calls of NumPy's ufuncs, of ``math``'s functions and of the runtime
helpers in ``_READ_ONLY``, which change none of their arguments) that assign none of ``a``'s names
and do not mention the adjoint, and ``e`` neither reads the adjoint nor has
side effects.
"""
import gast
import numpy as np

from s2s import runtime
from s2s.common import astutil as A

# runtime helpers that compute a new value and change none of their arguments (add_at, zero_at and
# the like update their first argument in place, so a value read later could differ)
_READ_ONLY = frozenset([runtime.absorb_zeros, runtime.inverse, runtime.unbroadcast, runtime.unreduce,
                        runtime.reduce_count, runtime.select_grad, runtime.safe_divide, runtime.matmul_grad1,
                        runtime.matmul_grad2])

_EXPR = (gast.Name, gast.Constant, gast.BinOp, gast.UnaryOp, gast.operator, gast.unaryop, gast.Load,
         gast.Attribute, gast.Call, gast.keyword, gast.Subscript, gast.Tuple, gast.Slice)


def merge(fn, resolve):
    """Rewrite every such pair in ``fn`` (see the module docstring); return whether anything changed."""
    return _block(fn.body, resolve)


def _block(stmts, resolve):
    changed = False
    for s in stmts:
        for field in (("body", "orelse", "finalbody") if s.__class__ not in A.FLAT else ()):
            inner = getattr(s, field, None)
            if isinstance(inner, list):
                changed |= _block(inner, resolve)
    i = 0
    while i < len(stmts):
        start = _negated_start(stmts[i])
        if start is not None and _merged(stmts, i, *start, resolve):
            del stmts[i]
            changed = True
            continue
        i += 1
    return changed


def _negated_start(stmt):
    """``(name, a)`` for ``name = -a`` (or ``name = b * -c``, which is ``-(b * c)``), else None."""
    name = A.assigned_name(stmt)
    positive = _positive(stmt.value) if name is not None else None
    return None if positive is None else (name, positive)


def _positive(value):
    """``a`` where ``value`` is ``-a``, ``-b * c``, ``b * -c``, ``-b / c`` or ``b / -c`` (``a`` the product or
    quotient without the sign: IEEE negation commutes with rounding), else None."""
    if isinstance(value, gast.UnaryOp) and isinstance(value.op, gast.USub):
        return value.operand
    if isinstance(value, gast.BinOp) and isinstance(value.op, (gast.Mult, gast.Div)):
        left, right = _positive(value.left), _positive(value.right)
        if left is not None and right is None:
            return gast.BinOp(left=left, op=value.op, right=value.right)
        if right is not None and left is None:
            return gast.BinOp(left=value.left, op=value.op, right=right)
    return None


def _free(node, resolve):
    """Whether evaluating ``node`` changes nothing (it may read anything)."""
    for n in A.walk(node):
        if not isinstance(n, _EXPR):
            return False
        if isinstance(n, gast.Call):
            obj = resolve(n.func)
            if not (obj in _READ_ONLY or isinstance(obj, np.ufunc) and not n.keywords
                    or getattr(obj, "__module__", None) == "math" and callable(obj)):
                return False
    return True


def _merged(stmts, i, name, a, resolve):
    """Turn the next statement that mentions ``name``, when it is ``name = name + e``, into
    ``name = e - a``; whether it did."""
    if not _free(a, resolve):
        return False
    reads = A.all_names(a)
    for later in stmts[i + 1:]:
        if name in A.all_names(later):
            value = later.value if A.assigned_name(later) == name else None  # name = name + e
            if not (isinstance(value, gast.BinOp) and isinstance(value.op, gast.Add)
                    and isinstance(value.left, gast.Name) and value.left.id == name
                    and name not in A.all_names(value.right) and _free(value.right, resolve)):
                return False
            later.value = gast.BinOp(left=value.right, op=gast.Sub(), right=a)
            return True
        target = A.assigned_name(later)
        if target is None or target in reads or not _free(later.value, resolve):
            return False
    return False

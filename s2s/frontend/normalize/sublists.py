"""np.einsum's sublist form, ``np.einsum(a, [0, 1], b, [1, 2], [0, 2])``, as the subscripts form
``np.einsum("AB,BC->AC", a, b)`` that the einsum rule differentiates.

Takes the argument nodes of a call to np.einsum whose first argument is not a string; leaves the
argument nodes of the subscripts form (a string constant first, then the operands). Only literal
sublists (lists or tuples of int constants and ``...``) can be rewritten: a computed sublist is
refused. The letters are NumPy's own (0-25 are A-Z, 26-51 are a-z), so the result is the same call.
"""
import gast

from s2s.common import astutil as A

_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _term(node):
    """The subscripts of one literal sublist, or None when ``node`` is not one."""
    if not isinstance(node, (gast.List, gast.Tuple)):
        return None
    out = []
    for elt in node.elts:
        if (isinstance(elt, gast.Constant) and elt.value is Ellipsis) or (
                isinstance(elt, gast.Name) and elt.id == "Ellipsis"):
            out.append("...")
        elif (isinstance(elt, gast.Constant) and isinstance(elt.value, int) and not isinstance(elt.value, bool)
              and 0 <= elt.value < len(_LETTERS)):
            out.append(_LETTERS[elt.value])
        else:
            return None
    return "".join(out)


def as_subscripts(args):
    """(subscripts constant node, operand nodes) for the sublist-form ``args``; None when a sublist is
    not a literal (the caller refuses it)."""
    operands, terms = args[0:len(args) - len(args) % 2:2], args[1::2]
    output = None
    if len(args) % 2:
        output = _term(args[-1])
        if output is None:
            return None
    if len(terms) != len(operands) or not operands:
        return None
    spelled = [_term(t) for t in terms]
    if any(s is None for s in spelled):
        return None
    subscripts = ",".join(spelled) + ("" if output is None else "->" + output)
    return [A.const(subscripts)] + list(operands)

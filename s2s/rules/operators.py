"""The primitive each Python binary operator stands for: a name in the ``operator`` module.

``a + b`` is the call ``operator.add(a, b)``, whose rules are the templates of
``operator.add``; reverse mode, forward mode and sparsity detection look
operators up here.
"""
import gast

OPERATORS = {
    gast.Add: "add", gast.Sub: "sub", gast.Mult: "mul", gast.Div: "truediv", gast.Pow: "pow",
    gast.MatMult: "matmul", gast.Mod: "mod", gast.FloorDiv: "floordiv",
    # on ints and booleans: their results are constants (templates/nondiff.py)
    gast.BitAnd: "and_", gast.BitOr: "or_", gast.BitXor: "xor", gast.LShift: "lshift", gast.RShift: "rshift",
}

"""Aliasing: whether a name may share memory with another array where the program writes into it.

Requires: a core-form FunctionDef (see ``s2s.frontend.normalize.anf``) with
``Key.CALLEE``/``Key.METHOD`` on calls, its parameter names, and a write
``name[index] = value`` in it. ``shared_at`` returns None when every value the
name can hold at the write is a fresh array the function made (arithmetic, a
call that copies), else a short reason naming the assignment that may make it
shared. Attaches nothing.

Only assignments that can reach the write count: those before it, and those in
a loop that holds it (a later iteration may run them first). A name assigned a
temporary is followed to the temporary's own definition.
"""
import gast
import numpy as np

from s2s.common import anno
from s2s.common import astutil as A

# methods and attributes whose result may be a view of their receiver
VIEW_METHODS = frozenset({"reshape", "ravel", "transpose", "squeeze", "swapaxes", "diagonal", "T", "view",
                          "real", "imag"})
# functions whose result may be their argument or a view of it
VIEW_FUNCTIONS = (np.asarray, np.asanyarray, np.reshape, np.ravel, np.transpose, np.squeeze, np.swapaxes,
                  np.moveaxis, np.diagonal, np.expand_dims, np.atleast_1d, np.atleast_2d, np.atleast_3d,
                  np.broadcast_to, np.real, np.imag)


def shared_at(fn, params, name, write):
    """None, or why ``name`` may share memory with another array at the statement ``write``."""
    return _Walk(fn).shared(name, write, params, set())


class _Walk:
    def __init__(self, fn):
        self.order = {}    # id(statement) -> its position in program order
        self.loops = {}    # id(statement) -> ids of the loops holding it
        self.assigns = {}  # name -> the statements assigning it
        self._visit(fn.body, ())

    def _visit(self, stmts, loops):
        for s in stmts:
            self.order[id(s)] = len(self.order)
            self.loops[id(s)] = loops
            if isinstance(s, gast.Assign) and len(s.targets) == 1 and isinstance(s.targets[0], gast.Name):
                self.assigns.setdefault(s.targets[0].id, []).append(s)
            inner = loops + (id(s),) if isinstance(s, (gast.For, gast.While)) else loops
            for field in ("body", "orelse"):
                block = getattr(s, field, None)
                if isinstance(block, list) and s.__class__ not in A.FLAT:
                    self._visit(block, inner)

    def reaching(self, name, stmt):
        at = self.order.get(id(stmt), len(self.order))
        around = set(self.loops.get(id(stmt), ()))
        return [s for s in self.assigns.get(name, ())
                if self.order[id(s)] < at or around & set(self.loops[id(s)])]

    def shared(self, name, stmt, params, seen):
        if name in params:
            return "`{}` is a parameter, so this would modify the caller's array".format(name)
        if name in seen:
            return None
        seen = seen | {name}
        for s in self.reaching(name, stmt):
            reason = self._value(s.value, s, params, seen)
            if reason:
                origin = anno.get(s, anno.Key.ORIGIN)
                where = " (`{}`, line {})".format(origin.text, origin.lineno) if origin else ""
                return "`{}` {}{}".format(name, reason, where)
        return None

    def _value(self, value, stmt, params, seen):
        if isinstance(value, gast.Name):
            if value.id in params:
                return "may share memory with the parameter `{}`".format(value.id)
            if value.id not in self.assigns:
                return "may share memory with `{}`, which comes from outside the function".format(value.id)
            inner = self.shared(value.id, stmt, params, seen)
            return "may share memory with another array" if inner else None
        if isinstance(value, gast.Subscript):
            return "may be a view of `{}`".format(A.dotted_name(value.value) or "another array")
        if isinstance(value, (gast.Call, gast.Attribute)):
            method = anno.get(value, anno.Key.METHOD) or getattr(value, "attr", None)
            if method in VIEW_METHODS:
                return "is a view of another array"
            callee = anno.get(value, anno.Key.CALLEE, None)
            if any(callee is f for f in VIEW_FUNCTIONS):
                return "may be the array `{}` returns its argument as".format(getattr(callee, "__name__", "it"))
        return None

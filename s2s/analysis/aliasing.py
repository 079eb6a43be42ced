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
import re

import gast

from s2s.common import anno
from s2s.common import astutil as A
from s2s.frontend.normalize import aliases

# methods and attributes whose result may be a view of their receiver (the front end's list)
VIEW_METHODS = aliases.VIEW_METHODS | aliases.VIEW_ATTRIBUTES
# functions whose result may be their argument or a view of it
VIEW_FUNCTIONS = aliases.VIEW_FUNCTIONS


def shared_at(fn, params, name, write, generated=False):
    """None, or why ``name`` may share memory with another array at the statement ``write``: its
    value may be another's, or another name that holds it (``d = e``) is read after the write.

    ``generated``: ``fn`` is code s2s generated (differentiated again), whose views of an array
    are read after a write only as the restores of its adjoint sweep made them: the second check
    is left out."""
    walk = _Walk(fn)
    return walk.shared(name, write, params, set()) or (None if generated else walk.held_elsewhere(name, write))


class _Walk:
    def __init__(self, fn):
        self.order = {}    # id(statement) -> its position in program order
        self.loops = {}    # id(statement) -> ids of the loops holding it
        self.assigns = {}  # name -> the statements assigning it
        self.reads = {}  # name -> ids of the statements reading it
        self.block = {}  # id(statement) -> id of the statement list holding it
        self.top = {id(s) for s in fn.body}
        self._visit(fn.body, ())

    def _visit(self, stmts, loops):
        for s in stmts:
            self.order[id(s)] = len(self.order)
            self.loops[id(s)] = loops
            self.block[id(s)] = id(stmts)
            if isinstance(s, gast.Assign) and len(s.targets) == 1 and isinstance(s.targets[0], gast.Name):
                self.assigns.setdefault(s.targets[0].id, []).append(s)
            if s.__class__ in A.FLAT:
                for n in A.names_loaded(s):
                    self.reads.setdefault(n, []).append(id(s))
            elif isinstance(s, (gast.If, gast.While)):
                for n in A.names_loaded(s.test):
                    self.reads.setdefault(n, []).append(id(s))
            inner = loops + (id(s),) if isinstance(s, (gast.For, gast.While)) else loops
            for field in ("body", "orelse"):
                block = getattr(s, field, None)
                if isinstance(block, list) and s.__class__ not in A.FLAT:
                    self._visit(block, inner)

    def rebound_first(self, name, stmt):
        """Whether a statement of the function's own body (not a branch or loop) assigns ``name``
        before ``stmt``: the parameter's own value no longer reaches it."""
        at = self.order.get(id(stmt), len(self.order))
        return any(id(s) in self.top and self.order[id(s)] < at for s in self.assigns.get(name, ()))

    def reaching(self, name, stmt):
        at = self.order.get(id(stmt), len(self.order))
        around = set(self.loops.get(id(stmt), ()))
        return [s for s in self.assigns.get(name, ())
                if self.order[id(s)] < at or around & set(self.loops[id(s)])]

    def held_elsewhere(self, name, write):
        """Why another name may hold ``name``'s array and see the write, or None."""
        at = self.order.get(id(write), len(self.order))
        around = set(self.loops.get(id(write), ()))
        # the names whose array ``name`` was given (``a = t``, ``a = t[0:2]``): t holds it too
        givers = {(g, id(s)) for s in self.reaching(name, write) for g in _given(s.value)}
        for other, s in sorted(givers):
            if other != name and self._read_after(other, at, around):
                stmt = next(x for x in self.assigns[name] if id(x) == s)
                origin = anno.get(stmt, anno.Key.ORIGIN)
                where = " (`{}`, line {})".format(origin.text, origin.lineno) if origin else ""
                return "`{}` holds the same array{}, and the write would change it too".format(other, where)
        # the names that hold it (``d = name``, ``d = name.T``, ``r = h(name)``), and through a call's
        # result the names read out of it (``r6 = r[1]``: h may return a view of name in a tuple)
        holders = {name: (False, None)}  # name -> (a call's result, the statement that made it hold it)
        grown = True
        while grown:
            grown = False
            for other, stmts in sorted(self.assigns.items()):
                if other in holders:
                    continue
                for s in stmts:
                    if not (self.order[id(s)] < at or around & set(self.loops[id(s)])):
                        continue  # made after the write: it sees the new values, as s2s does
                    via = _holder(s.value, holders)
                    if via is not None:
                        holders[other] = (via, holders.get(_root(s.value), (False, None))[1] or s)
                        grown = True
                        break
        for other, (via, s) in sorted(holders.items(), key=lambda item: item[0]):
            if other != name and self._read_after(other, at, around):
                origin = anno.get(s, anno.Key.ORIGIN)
                where = " (`{}`, line {})".format(origin.text, origin.lineno) if origin else ""
                how = "holds the same array"
                if via is True or isinstance(s.value, gast.Call) and aliases.returns_argument(s.value):
                    how = "may hold the same array, which a function s2s does not look inside may return " \
                          "as it was given"
                return "`{}` {}{}, and the write would change it too".format(other, how, where)
        return None

    def _read_after(self, name, at, around):
        """Whether a read of ``name`` may see the array as it was before the write at position ``at``
        (inside the loops ``around``): a read later in the code, or earlier in a loop around both,
        unless an assignment of ``name`` in the read's own statement list runs between the write and
        the read (``v = y[1:3]; t = np.sin(v); y[0:2] = t`` in a loop: every iteration makes v anew)."""
        return any((self.order[i] > at or around & set(self.loops[i])) and not self._remade(name, i, at)
                   for i in self.reads.get(name, ()))

    def _remade(self, name, read, at):
        """Whether an assignment of ``name`` earlier in the statement list of ``read`` runs after the
        write at ``at`` and before the read."""
        wraps = self.order[read] < at  # the read comes in the loop's next iteration
        return any(self.block[id(s)] == self.block[read] and self.order[id(s)] < self.order[read]
                   and (wraps or self.order[id(s)] > at) for s in self.assigns.get(name, ()))

    def shared(self, name, stmt, params, seen):
        if name in params and not self.rebound_first(name, stmt):
            return "`{}` is a parameter, so this would modify the caller's argument".format(name)
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
            base = A.dotted_name(value.value)
            origin = anno.get(stmt, anno.Key.ORIGIN)
            if base and origin and not re.search(r"(?<![\w.]){}\b".format(re.escape(base)), origin.text):
                base = None  # a value s2s named (t2) for a part of the line: not the user's name
            return "may be a view of `{}`".format(base) if base else "may be a view of another array"
        if isinstance(value, (gast.Call, gast.Attribute)):
            method = anno.get(value, anno.Key.METHOD) or getattr(value, "attr", None)
            if method in VIEW_METHODS:
                return "is a view of another array"
            callee = anno.get(value, anno.Key.CALLEE, None)
            if any(callee is f for f in VIEW_FUNCTIONS):
                return "may be the array `{}` returns its argument as".format(getattr(callee, "__name__", "it"))
            if isinstance(value, gast.Call) and callee is not None and aliases.returns_argument(value) \
                    and any(_given(a) for a in value.args):
                return "may be an array that `{}` returns as it was given (s2s does not follow arrays " \
                       "through the functions it calls)".format(getattr(callee, "__name__", "the call"))
        return None


def _root(value):
    while isinstance(value, (gast.Subscript, gast.Attribute)):
        value = value.value
    return value.id if isinstance(value, gast.Name) else None


def _holder(value, holders):
    """None if ``value`` holds no array of ``holders`` (see ``held_elsewhere``), else how: True when it
    is (or is read out of) what a call that may return its argument returned, ``DISPLAY`` when it is
    a tuple or list display holding one (``p = (a, x[1:3])``) or read out of one (``u = p[1]``),
    False when it is the array itself or a view of it."""
    if isinstance(value, (gast.Tuple, gast.List)):
        found = [_holder(e, holders) for e in value.elts]
        if any(f is True for f in found):
            return True
        return DISPLAY if any(f is not None for f in found) else None
    for held, (via, _) in holders.items():
        if _holds_name(value, held):
            return via or (isinstance(value, gast.Call) and aliases.returns_argument(value))
        if via and isinstance(value, gast.Subscript) and _root(value) == held:
            return via  # an element of a tuple or list that holds it (which element is not followed)
    return None


DISPLAY = "display"


def _holds_name(value, name):
    """Whether ``value`` is ``name`` itself or a view of it."""
    if isinstance(value, gast.Name):
        return value.id == name
    if isinstance(value, gast.Subscript):
        # a slice is a view; an element read (x[i], x[i, j]) is taken here for a copy (of a 1-D array)
        index = value.slice.elts if isinstance(value.slice, gast.Tuple) else [value.slice]
        return isinstance(value.value, gast.Name) and value.value.id == name \
            and any(isinstance(i, gast.Slice) or (isinstance(i, gast.Constant) and i.value in (None, Ellipsis))
                    for i in index)
    if isinstance(value, (gast.Call, gast.Attribute)):
        method = anno.get(value, anno.Key.METHOD) or getattr(value, "attr", None)
        receiver = value.func.value if isinstance(value, gast.Call) and isinstance(value.func, gast.Attribute) \
            else getattr(value, "value", None)
        if method in VIEW_METHODS and isinstance(receiver, gast.Name) and receiver.id == name:
            return True
        callee = anno.get(value, anno.Key.CALLEE, None)
        if any(callee is f for f in VIEW_FUNCTIONS) and isinstance(value, gast.Call) and value.args \
                and isinstance(value.args[0], gast.Name) and value.args[0].id == name:
            return True
        if isinstance(value, gast.Call) and aliases.returns_argument(value):
            # a user's function or method may return its argument as given (s2s does not look inside)
            given = list(value.args) + [k.value for k in value.keywords]
            return any(_holds_name(a, name) or aliases.view_root(a) == name for a in given)
    return False


def _given(value):
    """The names whose array ``value`` is or views (a name, a slice of one, a view method of one)."""
    if isinstance(value, gast.Name):
        return [value.id]
    for name in _names_in(value):
        if _holds_name(value, name):
            return [name]
    return []


def _names_in(value):
    return [n.id for n in A.walk(value) if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load)]

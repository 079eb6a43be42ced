"""Resolve save/restore markers once the adjoint code is known.

A value is saved before it is overwritten only if the adjoint sweep reads it
(it is *needed*; an item write also when the adjoint reads a view of the array) and the overwrite can destroy an earlier value: the name is
assigned more than once, is a parameter, or the statement is inside a loop.
Inside loops values go on a stack (``x_stack``); elsewhere into a variable
(``x_old``). Restores may read further names (indices), so the needed set is
grown to a fixed point.
"""
import gast

from s2s.common import astutil as A
from s2s import runtime
from s2s.reverse.nodes import AccAt, Marker


def needed_names(stmts, primal_names):
    """The primal names ``stmts`` read (an ``AccAt`` reads the array it adds into)."""
    needed = set()
    for stmt in stmts:
        for node in A.name_nodes(stmt):
            if isinstance(node.ctx, gast.Load) and node.id in primal_names:
                needed.add(node.id)
    for stmt in A.statements(stmts):  # pseudo-statements are statements
        if isinstance(stmt, AccAt) and stmt.primal in primal_names:
            needed.add(stmt.primal)
    return needed


class Saves:
    def __init__(self, slots, counts, params, namer, refs, views=None):
        self.slots = slots
        # name -> names that may hold the same array (a view of it): a write into the array changes
        # what they read, so the adjoint reading one of them needs the write undone
        self.views = views or {}
        self.counts = counts
        self.params = set(params)
        self.namer = namer
        self.refs = refs
        self.code = {}  # slot -> (save stmts, restore stmts)
        self.stacks = {}
        self.prologue = []
        self.preset = set()

    def _wanted(self, slot, needed):
        if slot.name not in needed:
            return slot.kind == "item" and any(v in needed for v in self.views.get(slot.name, ()))
        if slot.kind != "name":
            return True
        if not slot.maybe_bound:
            return False
        return self.counts.get(slot.name, 0) > 1 or slot.depth > 0 or slot.name in self.params

    def _stack(self, name):
        if name not in self.stacks:
            stack = self.namer.fresh(name + "_stack")
            self.stacks[name] = stack
            self.prologue.append(A.assign(stack, gast.List(elts=[], ctx=gast.Load())))
        return self.stacks[name]

    def _build(self, slot):
        if slot in self.code:
            return self.code[slot]
        name = slot.name
        if slot.kind == "append":
            code = [], [gast.Expr(value=A.quote_expr("{}.pop()".format(name)))]
        elif slot.kind == "pop":  # the popped value is back in the slot's index (a name)
            code = [], [gast.Expr(value=A.quote_expr("{}.append({})".format(name, slot.index.id)))]
        elif slot.kind == "name":
            if slot.depth > 0:
                stack = self._stack(name)
                if not slot.definitely_bound and name not in self.params and name not in self.preset:
                    self.preset.add(name)
                    self.prologue.insert(0, A.assign(name, A.const(None)))
                code = ([gast.Expr(value=A.quote_expr("{}.append({})".format(stack, name)))],
                        [A.assign(name, A.quote_expr("{}.pop()".format(stack)))])
            else:
                old = self.namer.fresh(name + "_old")
                code = [A.assign(old, A.name(name))], [A.assign(name, A.name(old))]
        elif isinstance(slot.index, gast.Constant) and isinstance(slot.index.value, str):
            code = self._entry(slot)
        else:  # a write into an array or list item
            item = gast.Subscript(value=A.name(name), slice=A.deepcopy(slot.index), ctx=gast.Load())
            saved = A.call(self.refs.expr(runtime.snapshot, "snapshot"), [item])
            store = gast.Subscript(value=A.name(name), slice=A.deepcopy(slot.index), ctx=gast.Store())
            if slot.depth > 0:
                stack = self._stack(name + "_items")
                code = ([gast.Expr(value=A.call(A.quote_expr("{}.append".format(stack)), [saved]))],
                        [A.assign(store, A.quote_expr("{}.pop()".format(stack)))])
            else:
                old = self.namer.fresh(name + "_old_items")
                code = [A.assign(old, saved)], [A.assign(store, A.name(old))]
        self.code[slot] = code
        return code

    def _entry(self, slot):
        """A dict's entry, which the write may be adding: saved with whether it was there, and restored
        by writing the old value back or by removing the entry (``drop_entry``)."""
        name, key = slot.name, slot.index
        item = A.call(gast.Attribute(value=A.name(name), attr="get", ctx=gast.Load()), [A.deepcopy(key)])
        saved = gast.Tuple(elts=[A.call(self.refs.expr(runtime.snapshot, "snapshot"), [item]),
                                 gast.Compare(left=A.deepcopy(key), ops=[gast.In()], comparators=[A.name(name)])],
                           ctx=gast.Load())
        old, held = self.namer.fresh(name + "_old_items"), self.namer.fresh(name + "_held")
        if slot.depth > 0:
            stack = self._stack(name + "_items")
            save = [gast.Expr(value=A.call(A.quote_expr("{}.append".format(stack)), [saved]))]
            restore = [A.assign(gast.Tuple(elts=[A.store(old), A.store(held)], ctx=gast.Store()),
                                A.quote_expr("{}.pop()".format(stack)))]
        else:
            save = [A.assign(gast.Tuple(elts=[A.store(old), A.store(held)], ctx=gast.Store()), saved)]
            restore = []
        store = gast.Subscript(value=A.name(name), slice=A.deepcopy(key), ctx=gast.Store())
        drop = gast.Expr(value=A.call(self.refs.expr(runtime.drop_entry, "drop_entry"), [A.name(name), A.deepcopy(key)]))
        restore.append(gast.If(test=A.name(held), body=[A.assign(store, A.name(old))], orelse=[drop]))
        return save, restore

    def resolve(self, primal, adjoint, epilogue, primal_names):
        """Replace markers in ``primal`` and ``adjoint`` (lists of statements)."""
        markers = list(_markers(adjoint))
        needed = needed_names(adjoint + epilogue, primal_names)
        while True:
            wanted = {s for s in self.slots if self._wanted(s, needed)}
            # the adjoint with markers replaced reads what it read before plus what the restores read
            grown = set(needed)
            for marker in markers:
                if marker.slot in wanted:
                    save, restore = self._build(marker.slot)
                    grown |= needed_names(save if marker.role == "save" else restore, primal_names)
            if grown == needed:
                break
            needed = grown
        new_adjoint = _replace(adjoint, wanted, self)
        return _replace(primal, wanted, self), new_adjoint


def _markers(stmts):
    """The markers in ``stmts``, in the order ``_replace`` meets them."""
    for stmt in stmts:
        if isinstance(stmt, Marker):
            yield stmt
            continue
        for field in (("body", "orelse") if stmt.__class__ not in A.FLAT else ()):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list):
                yield from _markers(inner)


def _replace(stmts, wanted, saves):
    """``stmts`` with each marker replaced by a copy of its save or restore code (or
    nothing). Other statements are kept, not copied: the reverse pass built
    each of them for one place only."""
    out = []
    for stmt in stmts:
        if isinstance(stmt, Marker):
            # a checkpointed loop's reverse step holds both roles in the adjoint sweep
            if stmt.slot in wanted:
                save, restore = saves._build(stmt.slot)
                out.extend(A.deepcopy(s) for s in (save if stmt.role == "save" else restore))
            continue
        for field in (("body", "orelse") if stmt.__class__ not in A.FLAT else ()):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list):
                setattr(stmt, field, _replace(inner, wanted, saves))
        out.append(stmt)
    return out


"""Cheaper stacks of saved values: recompute what is cheap, push the rest together.

Requires a generated FunctionDef whose loops save values with the pattern of
``s2s/reverse/saves.py``: ``S = []`` at the top, ``S.append(v)`` right before ``v``
is overwritten in the primal sweep, ``v = S.pop()`` in the adjoint sweep.
Changes the function in place; numbers are unchanged (the same operations on
the same values).

- ``rematerialize``: ``t2_stack.append(t2); t2 = r - z`` where ``r`` never
  changes in the loop and ``z`` is itself saved: the adjoint sweep computes
  ``t2 = r - z`` again right after it restores ``z``, instead of pushing and
  popping ``t2``.
- ``sink``: a value a loop body assigns once, and that only that iteration's
  adjoint reads, is pushed right after its assignment and popped first thing
  in the adjoint iteration (``t1 = f(y); t1_stack.append(t1)`` ... ``t1 =
  t1_stack.pop()`` at the top): the pushes no longer read a value before the
  program assigns it, so its ``t1 = None`` preset can go.
- ``fuse``: pushes of one loop body that can happen at the same point (no
  statement in between changes the values) become one push of a tuple, and
  their pops one pop: ``x_y_z_stack.append((x, y, z))`` / ``x, y, z = ...pop()``.
- ``iterate``: a top-level adjoint loop ``for i in reversed(range(n))`` that
  starts by popping a stack its top-level primal loop pushes on every
  iteration becomes ``for x, y, z in reversed(x_y_z_stack)``.
"""
import gast

from s2s.common import astutil as A

_SIMPLE = (gast.Assign, gast.Expr, gast.AugAssign)


def _push(stmt):
    """(stack, [names]) for ``S.append(v)`` or ``S.append((a, b))``, else None."""
    if not (isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call)):
        return None
    call = stmt.value
    if not (isinstance(call.func, gast.Attribute) and call.func.attr == "append"
            and isinstance(call.func.value, gast.Name) and len(call.args) == 1 and not call.keywords):
        return None
    names = _names(call.args[0])
    return (call.func.value.id, names) if names else None


def _pop(stmt):
    """(stack, [names]) for ``v = S.pop()`` or ``a, b = S.pop()``, else None."""
    if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.value, gast.Call)):
        return None
    call = stmt.value
    if not (isinstance(call.func, gast.Attribute) and call.func.attr == "pop"
            and isinstance(call.func.value, gast.Name) and not call.args and not call.keywords):
        return None
    names = _names(stmt.targets[0])
    return (call.func.value.id, names) if names else None


def _names(node):
    if isinstance(node, gast.Name):
        return [node.id]
    if isinstance(node, gast.Tuple) and node.elts and all(isinstance(e, gast.Name) for e in node.elts):
        return [e.id for e in node.elts]
    return None


class _Stacks:
    """Where each stack is pushed and popped: (block list, index) pairs, and the names."""

    def __init__(self, fn, uses=None):
        self.fn = fn
        self._uses = uses  # how often each name occurs in fn (counted when first asked, unless given)
        self.pushes, self.pops = {}, {}
        self._scan(fn.body)
        self.inits = {}
        for i, s in enumerate(fn.body):
            if isinstance(s, gast.Assign) and len(s.targets) == 1 and isinstance(s.targets[0], gast.Name) \
                    and isinstance(s.value, gast.List) and not s.value.elts:
                self.inits.setdefault(s.targets[0].id, []).append(i)

    def _scan(self, block):
        for i, s in enumerate(block):
            for table, found in ((self.pushes, _push(s)), (self.pops, _pop(s))):
                if found:
                    table.setdefault(found[0], []).append((block, i, found[1]))
            for field in (("body", "orelse") if s.__class__ not in A.FLAT else ()):
                inner = getattr(s, field, None)
                if isinstance(inner, list):
                    self._scan(inner)

    def simple(self, stack):
        """One push, one pop of the same names, one ``S = []``, and no other use of ``S``."""
        if len(self.pushes.get(stack, ())) != 1 or len(self.pops.get(stack, ())) != 1 \
                or len(self.inits.get(stack, ())) != 1:
            return False
        if self.pushes[stack][0][2] != self.pops[stack][0][2]:
            return False
        return self.uses().get(stack, 0) == 3

    def uses(self):
        """How often each name occurs in fn (the table is rebuilt after each change to fn)."""
        if self._uses is None:
            self._uses = {}
            for n in A.name_nodes(self.fn):
                self._uses[n.id] = self._uses.get(n.id, 0) + 1
        return self._uses


def pushes_anything(fn):
    """Whether ``fn`` pushes onto a stack anywhere (else rematerialize, fuse and iterate have nothing to do)."""
    return any(_push(s) for s in A.statements(fn.body))


def _stores(stmt):
    return A.names_stored(stmt)


def _loads(stmt):
    return A.names_loaded(stmt)


def _straight(stmts):
    """Statements that always run to the next one (no jumps, no compound statements)."""
    return all(isinstance(s, _SIMPLE) for s in stmts)


# ------------------------------------------------------------ rematerialize
_CHEAP = (gast.BinOp, gast.UnaryOp, gast.Name, gast.Constant, gast.operator, gast.unaryop, gast.Load)


def rematerialize(fn):
    """Recompute cheap saved values in the adjoint sweep instead of saving them (see the module doc).

    Returns whether anything changed.
    """
    changed, any_change = True, False
    reads = {}  # statement -> its reads: statements are moved, never changed
    while changed:
        changed = False
        stacks = _Stacks(fn)
        facts = _Facts(fn, reads)  # what holds until fn changes (the end of the round)
        for stack in sorted(stacks.pushes):
            if stacks.simple(stack) and _rematerialize_one(fn, stacks, stack, facts):
                changed = any_change = True
                break
    return any_change


class _Facts:
    """Facts about ``fn`` that the candidates of one round of ``rematerialize`` share, each
    computed when first asked (the round ends when fn changes)."""

    def __init__(self, fn, reads):
        self.fn = fn
        self.reads = reads  # of simple statements, kept from round to round
        self._compound_reads = {}  # this round's: the loops change
        self._tops = {}
        self._written = self._stores = self._setters = self._last_read = None

    def top_index(self, block):
        if id(block) not in self._tops:
            self._tops[id(block)] = _top_index(self.fn, block)
        return self._tops[id(block)]

    def written_in_place(self):
        if self._written is None:
            self._written = _written_in_place(self.fn)
        return self._written

    def stores(self, name):
        """How many Name nodes of fn write ``name``."""
        if self._stores is None:
            self._stores = {}
            for n in A.name_nodes(self.fn):
                if not isinstance(n.ctx, gast.Load):
                    self._stores[n.id] = self._stores.get(n.id, 0) + 1
        return self._stores.get(name, 0)

    def setters(self, name):
        """The statements assigning ``name`` (a for loop its target; an if or while itself none)."""
        if self._setters is None:
            self._setters = {}
            for s in A.statements(self.fn.body):
                if not isinstance(s, (gast.While, gast.If)):
                    for n in _stores(s.target if isinstance(s, gast.For) else s):
                        self._setters.setdefault(n, []).append(s)
        return self._setters.get(name, [])

    def read_after(self, name, top):
        """Whether a top-level statement of fn after the ``top``-th reads ``name``."""
        if self._last_read is None:
            self._last_read = {}
            for i, s in enumerate(self.fn.body):
                for n in self.loads(s):
                    self._last_read[n] = i
        return self._last_read.get(name, -1) > top

    def loads(self, stmt):
        """How often ``stmt`` reads each name."""
        cache = self.reads if stmt.__class__ in A.FLAT else self._compound_reads
        entry = cache.get(id(stmt))
        if entry is None or entry[0] is not stmt:  # the entry keeps its statement alive: ids stay unique
            counts = {}
            for n in A.name_nodes(stmt):
                if isinstance(n.ctx, gast.Load):
                    counts[n.id] = counts.get(n.id, 0) + 1
            entry = cache[id(stmt)] = (stmt, counts)
        return entry[1]


def _top_index(fn, block):
    """Index of the top-level statement of ``fn`` that holds ``block`` (or -1 for fn.body itself)."""
    if block is fn.body:
        return -1
    for i, s in enumerate(fn.body):
        for node in A.walk(s):
            for field in ("body", "orelse"):
                if getattr(node, field, None) is block:
                    return i
    return None


def _rematerialize_one(fn, stacks, stack, facts):
    (pblock, pi, names), = stacks.pushes[stack]
    if len(names) != 1 or pi + 1 >= len(pblock):
        return False
    v = names[0]
    definition = pblock[pi + 1]
    if not (isinstance(definition, gast.Assign) and isinstance(definition.targets[0], gast.Name)
            and definition.targets[0].id == v and all(isinstance(n, _CHEAP) for n in A.walk(definition.value))):
        return False
    ablock, ai, _ = stacks.pops[stack][0]
    primal_top, adjoint_top = facts.top_index(pblock), facts.top_index(ablock)
    if primal_top is None or adjoint_top is None or primal_top < 0 or adjoint_top <= primal_top:
        return False
    # v: stored only by its preset, its definition and its pop
    if facts.stores(v) > 3:
        return False
    restored_at = -1
    if facts.written_in_place() & (_loads(definition.value) | {v}):
        return False
    before = {id(t) for t in fn.body[:primal_top]}
    for name in sorted(_loads(definition.value)):
        if all(id(s) in before for s in facts.setters(name)):
            continue  # invariant: set before the loop only (or a parameter never assigned)
        pops = [(b, i) for st in stacks.pops for b, i, n in stacks.pops[st] if n == [name] and stacks.simple(st)]
        pushes = [(b, i) for st in stacks.pushes for b, i, n in stacks.pushes[st] if n == [name] and stacks.simple(st)]
        if len(pops) != 1 or len(pushes) != 1 or pops[0][0] is not ablock or pushes[0][0] is not pblock:
            return False
        push_i = pushes[0][1]
        if push_i <= pi + 1 or any(name in _stores(s) for s in pblock[pi + 2:push_i]):
            return False
        restored_at = max(restored_at, pops[0][1])
    # reads of v in the adjoint sweep: only in ablock, after the operands are restored, before v's pop
    if facts.read_after(v, adjoint_top):
        return False
    inside = [i for i, s in enumerate(ablock) if v in facts.loads(s)]
    if any(not restored_at < i < ai for i in inside) or not _straight(ablock[restored_at + 1:ai]):
        return False
    if facts.loads(fn.body[adjoint_top]).get(v, 0) != sum(facts.loads(s).get(v, 0) for s in ablock):
        return False
    recompute = A.assign(v, A.deepcopy(definition.value))
    del ablock[ai]
    ablock.insert(restored_at + 1, recompute)
    del pblock[pi]
    fn.body = [s for s in fn.body if not (isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name)
                                          and s.targets[0].id == stack)
               and not _is_preset(s, v)]
    return True


def _written_in_place(fn):
    """Names whose value may change without an assignment to the name (``x[i] = v``, ``x.a = v``)."""
    out = set()
    for node in A.walk(fn):
        if isinstance(node, (gast.Subscript, gast.Attribute)) and isinstance(node.ctx, (gast.Store, gast.Del)):
            base = node.value
            while isinstance(base, (gast.Subscript, gast.Attribute)):
                base = base.value
            if isinstance(base, gast.Name):
                out.add(base.id)
    return out


def _is_preset(stmt, name):
    return (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name)
            and stmt.targets[0].id == name and isinstance(stmt.value, gast.Constant) and stmt.value.value is None)


# ------------------------------------------------------------ sink
def sink(fn):
    """Push values after their assignment, pop them at the top of the adjoint iteration (see the module doc).

    Returns whether anything changed.
    """
    changed = False
    stacks = _Stacks(fn)
    for stack in sorted(stacks.pushes):
        if changed:  # the blocks moved: find the push and pop again
            stacks = _Stacks(fn)
        if not stacks.simple(stack):
            continue
        (pblock, pi, names), = stacks.pushes[stack]
        (ablock, ai, _), = stacks.pops[stack]
        # a stack saves what a loop overwrites: the push sits in the loop (perhaps in a branch), the pop
        # in the same place of the adjoint loop, and each run of one block has its run of the other
        if pblock is fn.body or ablock is fn.body or pblock is ablock:
            continue
        if pi + 1 >= len(pblock) or not _assigns(pblock[pi + 1], names):
            continue
        # the adjoint iteration reads the names only before their pop, where they hold this
        # iteration's values either way
        if any(set(names) & set(_loads(s)) for s in ablock[ai + 1:]):
            continue
        # and they occur nowhere but in the two blocks and their presets
        if not all(_only_in(fn, v, (pblock, ablock)) for v in names):
            continue
        push = pblock.pop(pi)
        pblock.insert(pi + 1, push)
        ablock.insert(0, ablock.pop(ai))
        changed = True
    return changed


def _assigns(stmt, names):
    """Whether ``stmt`` assigns exactly ``names`` (``v = ...`` or ``a, b = ...``)."""
    return (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and _names(stmt.targets[0]) is not None
            and sorted(_names(stmt.targets[0])) == sorted(names))


def _only_in(fn, name, blocks):
    """Whether ``name`` occurs in ``fn`` only in the statement lists ``blocks`` and in its preset."""
    inside = sum(1 for block in blocks for s in block for n in A.name_nodes(s) if n.id == name)
    presets = sum(1 for s in fn.body if _is_preset(s, name))
    return inside + presets == sum(1 for n in A.name_nodes(fn) if n.id == name)


# ------------------------------------------------------------ fuse
def fuse(fn):
    """Push together what one loop body pushes at points with nothing changing them in between.

    Returns whether anything changed.
    """
    changed, any_change = True, False
    # Each round fuses the first pair (by name) that can fuse, as the pairs were tried from the
    # start again. A pair that cannot fuse still cannot after another pair fused, unless the two
    # share a name (the fused pop moved a store of the other pair's names; a push stores nothing),
    # so it is not tried again; the name counts and each statement's reads and writes are kept.
    failed = {}  # (a, b) -> the names of a and b
    uses, effects = None, {}
    while changed:
        changed = False
        stacks = _Stacks(fn, uses)
        candidates = sorted(s for s in stacks.pushes if stacks.simple(s))
        uses = stacks.uses()
        for a in candidates:
            for b in candidates:
                if a == b or (a, b) in failed:
                    continue
                new = _fuse_pair(fn, stacks, a, b, uses, effects)
                if new is None:
                    failed[a, b] = set(stacks.pushes[a][0][2] + stacks.pushes[b][0][2])
                    continue
                changed = any_change = True
                touched = set(stacks.pushes[a][0][2] + stacks.pushes[b][0][2]) | {a, b, new}
                failed = {pair: names for pair, names in failed.items()
                          if not (names & touched or set(pair) & touched)}
                # a and b had a push, a pop and a ``[]`` each (simple); the new stack has them now
                del uses[a], uses[b]
                uses[new] = 3
                break
            if changed:
                break
    return any_change


def _fuse_pair(fn, stacks, a, b, uses, effects):
    """Fuse stack ``b`` into ``a`` when ``a`` is pushed first and both can move together; the new
    stack's name, or None. ``uses``: how often each name occurs in fn; ``effects``: a cache of the
    names each statement writes and reads."""
    (pa_block, pa, na), = stacks.pushes[a]
    (pb_block, pb, nb), = stacks.pushes[b]
    (qa_block, qa, _), = stacks.pops[a]
    (qb_block, qb, _), = stacks.pops[b]
    if pa_block is not pb_block or qa_block is not qb_block or pa_block is qa_block or not pa < pb:
        return None
    between = pa_block[pa + 1:pb]
    if not _straight(between):
        return None
    # b's push moves up to a's (nothing in between may change b's names), or a's down to b's
    if not any(set(nb) & _effects(s, effects)[0] for s in between):
        at = pa
    elif not any(set(na) & _effects(s, effects)[0] for s in between):
        at = pb
    else:
        return None
    first, last = min(qa, qb), max(qa, qb)
    moved = nb if qb == last else na
    between = qa_block[first + 1:last]
    # the later pop moves up to the earlier one: nothing in between may read or change its names
    if not _straight(between) or any(set(moved) & _effects(s, effects)[1] for s in between):
        return None
    names = na + nb
    taken = {n for n, count in uses.items() if count}
    new = "_".join(dict.fromkeys(names)) + "_stack"
    while new in taken:
        new = "_" + new
    push = gast.Expr(value=A.call(gast.Attribute(value=A.name(new), attr="append", ctx=gast.Load()),
                                  [gast.Tuple(elts=[A.name(n) for n in names], ctx=gast.Load())]))
    pop = A.assign(gast.Tuple(elts=[A.name(n, "store") for n in names], ctx=gast.Store()),
                   A.call(gast.Attribute(value=A.name(new), attr="pop", ctx=gast.Load())))
    _copy_origin(pa_block[pa], push)
    _copy_origin(qa_block[first], pop)
    pa_block[at] = push
    del pa_block[pb if at == pa else pa]
    del qa_block[last]
    qa_block[first] = pop
    body = []
    for s in fn.body:
        if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name) and s.targets[0].id in (a, b):
            if s.targets[0].id == a:
                body.append(A.assign(new, gast.List(elts=[], ctx=gast.Load())))
            continue
        body.append(s)
    fn.body = body
    return new


def _effects(stmt, cache):
    """(names ``stmt`` writes, names it writes or reads), remembered by statement."""
    entry = cache.get(id(stmt))
    if entry is None or entry[0] is not stmt:  # the entry keeps its statement alive: ids stay unique
        stores = _stores(stmt)
        entry = cache[id(stmt)] = (stmt, stores, stores | _loads(stmt))
    return entry[1:]


def _copy_origin(old, new):
    from s2s.common import anno

    origin = anno.get(old, anno.Key.ORIGIN)
    if origin is not None:
        anno.set(new, anno.Key.ORIGIN, origin)


# ------------------------------------------------------------ iterate
def iterate(fn, loads=None):
    """``for i in reversed(range(n)): v = S.pop(); ...`` -> ``for v in reversed(S): ...`` (see the module doc).

    ``loads``: the names ``fn`` reads (computed when not given).
    """
    stacks = _Stacks(fn)
    if loads is None:
        loads = A.names_loaded(fn)
    for loop in fn.body:
        if not (isinstance(loop, gast.For) and isinstance(loop.target, gast.Name) and _is_reversed_range(loop.iter)
                and loop.body and not loop.orelse and loop.target.id not in loads):
            continue
        k = next((k for k, s in enumerate(loop.body) if _pop(s) or not isinstance(s, _SIMPLE)), None)
        found = _pop(loop.body[k]) if k is not None else None
        if not found or not stacks.simple(found[0]):
            continue
        stack, names = found
        # the pop moves to the top: the statements before it neither read nor write its names
        if any(set(names) & (_stores(s) | _loads(s)) for s in loop.body[:k]):
            continue
        (pblock, pi, _), = stacks.pushes[stack]
        # the primal loop pushes on every iteration: nothing in it jumps (every other statement
        # runs to the next one)
        primal = [s for s in fn.body if isinstance(s, gast.For) and s.body is pblock and not s.orelse]
        if not primal or any(isinstance(n, (gast.Break, gast.Continue, gast.Return)) for n in A.walk(primal[0])):
            continue
        loop.target = loop.body[k].targets[0]
        loop.iter = A.call(A.name("reversed"), [A.name(stack)])
        del loop.body[k]
        if not loop.body:
            loop.body = [gast.Pass()]
        stacks = _Stacks(fn)
    return fn


def _is_reversed_range(node):
    return (isinstance(node, gast.Call) and isinstance(node.func, gast.Name) and node.func.id == "reversed"
            and len(node.args) == 1 and isinstance(node.args[0], gast.Call)
            and isinstance(node.args[0].func, gast.Name) and node.args[0].func.id == "range")

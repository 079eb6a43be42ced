"""Clean-ups that keep numbers and shapes identical (the pass names are ``PASSES``).

- dead assignments: a pure assignment to a name nothing reads is removed
  (calls only when the caller says they are pure: differentiable primitives), and
  one overwritten before anything reads it (``s2s/backend/overwritten.py``);
- empty branches and loops are removed, ``pass`` only where a body is empty;
- copies: after ``a = b``, later reads of ``a`` read ``b`` until either is
  assigned again (the copy then dies); ``a + -b`` becomes ``a - b`` (IEEE
  subtraction is addition of the negation, bit for bit);
- dead stacks: a stack whose popped values nothing reads loses its pushes
  and pops (``t2_stack.append(t2)`` ... ``t2 = t2_stack.pop()``);
- after an ``if`` whose branch ends in ``break``/``continue``, the other branch
  follows the ``if`` (as the program wrote it);
- single-use temporaries: ``t1 = y - x; dx = s * t1`` becomes
  ``dx = s * (y - x)`` (the same operations in the same order: it saves a
  store and a load, and reads like the user's line).


Each pass changes a FunctionDef in place and says whether it changed
anything; ``optimize`` runs them until none does.
"""
import gast

from s2s.common import astutil as A
from s2s.backend import overwritten as overwritten_stores
from s2s.backend import stacks

_PURE = (gast.Name, gast.Constant, gast.BinOp, gast.UnaryOp, gast.Compare, gast.Tuple, gast.List,
         gast.Attribute, gast.Subscript)


def _pure(value, pure_call):
    if isinstance(value, gast.Call):
        return pure_call(value) and all(_pure(a, pure_call) for a in value.args) \
            and all(_pure(k.value, pure_call) for k in value.keywords)
    if not isinstance(value, _PURE):
        return False
    return not any(isinstance(n, gast.Call) for n in A.walk(value))


def _loads(fn):
    counts = {}
    for node in A.name_nodes(fn):
        if isinstance(node.ctx, gast.Load):
            counts[node.id] = counts.get(node.id, 0) + 1
    return counts


class Counts:
    """How often each name is read (``loads``) and written (``stores``: any other context) in a tree.

    One walk of the function; the passes then keep the counts up to date as
    they change the tree (a name absent from a table is used 0 times), so a
    round of passes does not walk the whole function again for each pass.
    """

    def __init__(self, node=None):
        self.loads, self.stores = {}, {}
        if node is not None:
            self.add(node)

    def add(self, node, sign=1):
        """Count the names of ``node`` (a tree or a list of them); ``sign=-1``: they left the tree."""
        loads, stores = self.loads, self.stores
        for n in (A.name_nodes(node) if not isinstance(node, list) else
                  [m for item in node for m in A.name_nodes(item)]):
            table = loads if isinstance(n.ctx, gast.Load) else stores
            count = table.get(n.id, 0) + sign
            if count:
                table[n.id] = count
            else:
                del table[n.id]

    def remove(self, node):
        self.add(node, -1)


def _bump(table, key, by):
    count = table.get(key, 0) + by
    if count:
        table[key] = count
    else:
        del table[key]


def _prune(stmts, loads, pure_call, removed, own=None):
    """``stmts`` without dead code; ``own``: the names whose every read is in an update of the
    name itself (``steps = steps + 1``), dead as well."""
    out = []
    changed = False
    own = own or set()
    for s in stmts:
        if (isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name)
                and (s.targets[0].id not in loads or s.targets[0].id in own) and _pure(s.value, pure_call)):
            changed = True
            removed.append(s)
            continue
        if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name) and isinstance(s.value, gast.Name) \
                and s.targets[0].id == s.value.id:
            changed = True
            removed.append(s)
            continue
        if s.__class__ in A.FLAT:  # no bodies to prune
            if not (isinstance(s, gast.Pass) and len(stmts) > 1):
                out.append(s)
            continue
        for field in ("body", "orelse"):
            if isinstance(getattr(s, field, None), list):
                new, ch = _prune(getattr(s, field), loads, pure_call, removed, own)
                changed |= ch
                setattr(s, field, new)
        if isinstance(s, gast.If) and _empty(s.body) and _empty(s.orelse):
            changed = True
            removed.append(s)
            continue
        if isinstance(s, gast.For) and _empty(s.body) and s.target.id not in loads:
            changed = True
            removed.append(s)
            continue
        if isinstance(s, gast.Pass) and len(stmts) > 1:
            continue
        out.append(s)
    return out, changed


def _empty(stmts):
    return all(isinstance(s, gast.Pass) for s in stmts)


def dead_code(fn, pure_call=lambda call: False, counts=None):
    """Remove pure assignments nothing reads, and empty branches and loops; whether anything went.

    ``counts``: the Counts of ``fn``, kept up to date (made here when not given).
    """
    if counts is None:
        counts = Counts(fn)
    any_change = False
    while True:
        removed = []  # each round reads the counts of the tree it starts from, as a fresh count would
        fn.body, changed = _prune(fn.body, counts.loads, pure_call, removed, _counters(fn, counts.loads))
        overwritten = overwritten_stores.drop_overwritten(fn, lambda value: _pure(value, pure_call))
        changed |= bool(overwritten)
        removed += overwritten
        for s in removed:
            counts.remove(s)
        if not changed:
            return any_change
        any_change = True


def _counters(fn, loads):
    """The names read only by their own updates ``n = n + 1`` (a trip count nothing else reads)."""
    own = {}
    for s in A.statements(fn.body):
        if isinstance(s, gast.Assign) and len(s.targets) == 1 and isinstance(s.targets[0], gast.Name) \
                and isinstance(s.value, gast.BinOp):
            name, operands = s.targets[0].id, (s.value.left, s.value.right)
            if any(isinstance(o, gast.Name) and o.id == name for o in operands) \
                    and any(isinstance(o, gast.Constant) for o in operands):
                own[name] = own.get(name, 0) + 1
    return {name for name, count in own.items() if loads.get(name) == count}


# ------------------------------------------------------------ copies
def propagate_copies(fn, targets=None, counts=None):
    """After ``a = b`` (two names), read ``b`` for ``a`` until ``a`` or ``b`` is assigned again.

    Only copies into ``targets`` (the adjoint names: a user's variable keeps
    its name) when given. Works within one statement list; a compound
    statement ends the propagation (its body is handled as a list of its own).
    Returns whether any read was replaced (``counts``, when given, follow).
    """
    return _propagate_block(fn.body, targets, counts)


def _propagate_block(stmts, targets, counts):
    copies = {}  # a -> b
    changed = False
    for s in stmts:
        simple = isinstance(s, (gast.Assign, gast.Expr, gast.Return, gast.AugAssign))
        if not simple:
            copies = {}
        elif copies:
            nodes = list(A.walk(s))  # one walk: scopes, reads to replace, names stored
            if any(isinstance(n, _SCOPES) for n in nodes):
                copies = {}
            else:
                stored = set()
                for n in nodes:
                    if isinstance(n, gast.Name):
                        if isinstance(n.ctx, gast.Load):
                            if n.id in copies:
                                if counts is not None:
                                    _bump(counts.loads, n.id, -1)
                                    _bump(counts.loads, copies[n.id], 1)
                                n.id = copies[n.id]
                                changed = True
                        elif isinstance(n.ctx, (gast.Store, gast.Param)):
                            stored.add(n.id)
                for a in list(copies):
                    if a in stored or copies[a] in stored:
                        del copies[a]
        if (simple and isinstance(s, gast.Assign) and len(s.targets) == 1 and isinstance(s.targets[0], gast.Name)
                and isinstance(s.value, gast.Name) and s.targets[0].id != s.value.id
                and (targets is None or s.targets[0].id in targets)):
            for a in [a for a, b in copies.items() if b == s.targets[0].id]:
                del copies[a]
            copies[s.targets[0].id] = s.value.id
        if s.__class__ in A.FLAT:
            continue
        for field in ("body", "orelse", "finalbody"):
            inner = getattr(s, field, None)
            if isinstance(inner, list):
                changed |= _propagate_block(inner, targets, counts)
        for handler in getattr(s, "handlers", None) or ():
            changed |= _propagate_block(handler.body, targets, counts)
    return changed


_SCOPES = (gast.Lambda, gast.ListComp, gast.SetComp, gast.DictComp, gast.GeneratorExp, gast.NamedExpr)


# ------------------------------------------------------------ a + -b
def _negated(node):
    """``b`` for ``-b``, ``b * c`` for ``-b * c`` (IEEE: ``(-b) * c == -(b * c)``), else None."""
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub):
        return node.operand
    if isinstance(node, gast.BinOp) and isinstance(node.op, (gast.Mult, gast.Div)):
        inner = _negated(node.left)
        if inner is not None:
            return gast.BinOp(left=inner, op=node.op, right=node.right)
    return None


def _fold(node, changed):
    """``node`` with its negations folded (children first); ``changed[0]`` set when anything was."""
    for field in A.node_fields(node.__class__):  # A.replace_children(node, _fold, leaves=False), inlined
        value = getattr(node, field, None)
        if value.__class__ is list:
            for k, item in enumerate(value):
                if isinstance(item, gast.AST) and not A.is_leaf(item):
                    value[k] = _fold(item, changed)
        elif isinstance(value, gast.AST) and not A.is_leaf(value):
            setattr(node, field, _fold(value, changed))
    if isinstance(node, gast.BinOp) and isinstance(node.op, gast.Add):
        positive = _negated(node.right)
        if positive is not None:
            changed[0] = True
            return gast.BinOp(left=node.left, op=gast.Sub(), right=positive)
    elif isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub):
        positive = _negated(node.operand)
        if positive is not None and not isinstance(node.operand, gast.UnaryOp):
            changed[0] = True
            return positive
    return node


def fold_negation(fn):
    """``a + -b`` -> ``a - b``, ``a + -b * c`` -> ``a - b * c``, ``-(-b * c)`` -> ``b * c``.

    Exact in IEEE arithmetic: negation commutes with rounding. (``--b`` is
    left alone: for an unsigned integer it is not an identity of types.)
    """
    changed = [False]
    _fold(fn, changed)
    return changed[0]


# ------------------------------------------------------------ single-use temporaries
_EXPR_NODES = (gast.Name, gast.Constant, gast.BinOp, gast.UnaryOp, gast.operator, gast.unaryop, gast.Load,
               gast.Attribute, gast.Call, gast.keyword, gast.Subscript, gast.Tuple)


def _side_effect_free(node, pure_call):
    """Whether ``node`` holds only plain expressions and pure calls (the first other node ends the walk)."""
    todo = [node]
    for n in todo:
        if not isinstance(n, _EXPR_NODES):
            return False
        if isinstance(n, gast.Call) and not pure_call(n):
            return False
        for field in A.node_fields(n.__class__):
            value = getattr(n, field, None)
            if value.__class__ is list:
                todo.extend(item for item in value if isinstance(item, gast.AST))
            elif isinstance(value, gast.AST):
                todo.append(value)
    return True


def _is_stack_pop_or_push(stmt):
    op = _stack_op(stmt)
    return op is not None and (op[0] == "pop" or isinstance(op[2], gast.Name))


def inline_temporaries(fn, names, pure_call=lambda call: False, counts=None):
    """Put ``t = E`` into the one statement that reads ``t``, later in the same statement list.

    Only for ``names`` (s2s's own temporaries: any container that answers
    ``in``) assigned and read once in ``fn``, when ``E`` and the reading
    statement call only pure functions and the statements in between are
    plain assignments, pushes or pops that assign none of ``E``'s names.
    ``counts``: the Counts of ``fn``, kept up to date (made here when not given).
    """
    if counts is None:
        counts = Counts(fn)
    loads = counts.loads
    once = {n for n, c in counts.stores.items() if c == 1 and loads.get(n) == 1 and n in names}
    return bool(once) and _inline_block(fn.body, once, pure_call, counts)


def _inline_block(stmts, once, pure_call, counts):
    i = 0
    changed = False
    while i < len(stmts):
        s = stmts[i]
        for field in (("body", "orelse", "finalbody") if s.__class__ not in A.FLAT else ()):
            inner = getattr(s, field, None)
            if isinstance(inner, list):
                changed |= _inline_block(inner, once, pure_call, counts)
        if (isinstance(s, gast.Assign) and len(s.targets) == 1 and isinstance(s.targets[0], gast.Name)
                and s.targets[0].id in once and _side_effect_free(s.value, pure_call)
                and _inline_into_later(stmts, i, s.targets[0].id, s.value, pure_call)):
            del stmts[i]
            # the one store and the one load of the name are gone; E's names moved
            _bump(counts.stores, s.targets[0].id, -1)
            _bump(counts.loads, s.targets[0].id, -1)
            changed = True
            continue
        i += 1
    return changed


def _inline_into_later(stmts, i, name, value, pure_call):
    reads = A.all_names(value)
    for later in stmts[i + 1:]:
        uses = [n for n in A.name_nodes(later) if n.id == name]  # one: the name is read once
        if uses:
            if not isinstance(later, (gast.Assign, gast.Return, gast.Expr)) or later.value is None \
                    or not _side_effect_free(later.value, pure_call) or uses[0] not in list(A.walk(later.value)):
                return False
            A.replace_node(later, uses[0], value)
            return True
        plain = (isinstance(later, gast.Assign) and len(later.targets) == 1 and isinstance(later.targets[0], gast.Name)
                 and (_side_effect_free(later.value, pure_call) or _is_stack_pop_or_push(later)))
        if not (plain or _is_stack_pop_or_push(later)):
            return False
        if A.names_stored(later) & reads:
            return False
    return False


# ------------------------------------------------------------ dead stacks
def _stack_op(stmt):
    """('push', stack, value name) for ``s.append(v)``, ('pop', stack, target) for ``v = s.pop()``."""
    if isinstance(stmt, gast.Expr):
        call, kind = stmt.value, "append"
        target = call.args[0] if isinstance(call, gast.Call) and call.args else None
    elif isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name):
        call, kind, target = stmt.value, "pop", stmt.targets[0].id
    else:
        return None
    if not (isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute) and call.func.attr == kind
            and isinstance(call.func.value, gast.Name) and not call.keywords
            and len(call.args) == (1 if kind == "append" else 0)):
        return None
    return ("push" if kind == "append" else "pop"), call.func.value.id, target


def remove_dead_stacks(fn, counts=None):
    """Drop the pushes and pops of a stack whose popped values nothing reads.

    A stack qualifies when its name is used only by ``s = []``, ``s.append(v)``
    and ``v = s.pop()``, and no name it pops into is read anywhere from the
    top-level statement holding its first pop onwards (all code that can run
    after a pop). ``counts``, when given, follow the statements removed.
    """
    ops = {}
    first_pop = {}
    for i, top in enumerate(fn.body):
        for node in A.statements([top]):
            op = _stack_op(node)
            if op is not None:
                ops.setdefault(op[1], []).append(op)
                if op[0] == "pop":
                    first_pop.setdefault(op[1], i)
    dead = set()
    if not first_pop:
        return False
    last_read, only_stack_uses = _stack_uses(fn)
    chains = None
    for stack, stack_ops in ops.items():
        if stack not in first_pop or not only_stack_uses(stack):
            continue
        popped = {t for kind, _, t in stack_ops if kind == "pop"}
        if all(last_read.get(t, -1) < first_pop[stack] for t in popped):
            dead.add(stack)
            continue
        # or each pop's value is overwritten before anything can read it (``j = j_stack.pop()``
        # after an inner adjoint loop over ``j``)
        if chains is None:
            chains = _pop_chains(fn)
        pops = chains.get(stack, ())
        if pops and all(not _may_read_after(chain, target) for chain, target in pops):
            dead.add(stack)
    if dead:
        removed = []
        pushed = {v.id for stack in dead for kind, _, v in _pushes(ops[stack])}
        fn.body = _drop_stack_ops(fn.body, dead, removed)
        # the ``v = None`` presets only gave the first push a value: drop those that no read can
        # need any more (a live stack's push, or ``t = (s, v)`` before the loop assigns v)
        removed.extend(drop_presets(fn, pushed))
        if counts is not None:
            counts.remove(removed)
    return bool(dead)


def _stack_uses(fn):
    """(index of the last top-level statement reading each name, whether a name is used only as a stack).

    A stack's name is used only by ``s = []``, ``s.append(v)`` and ``v = s.pop()``.
    """
    last_read = {}
    allowed, other = set(), set()  # Name nodes in a stack's uses; names assigned something else
    uses = {}
    for i, top in enumerate(fn.body):
        for node in A.walk(top):
            if isinstance(node, gast.Name):
                uses.setdefault(node.id, []).append(id(node))
                if isinstance(node.ctx, gast.Load):
                    last_read[node.id] = i
            elif isinstance(node, gast.stmt):
                op = _stack_op(node)
                if op is not None:
                    allowed.add(id(node.value.func.value))
                if isinstance(node, gast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], gast.Name) \
                        and (op is None or op[1] != node.targets[0].id):
                    if isinstance(node.value, gast.List) and not node.value.elts:
                        allowed.add(id(node.targets[0]))
                    else:
                        other.add(node.targets[0].id)
    outside = set()  # names in the parameters, defaults, decorators: no stack use
    for field in fn._fields:
        value = getattr(fn, field, None)
        if field != "body":
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, gast.AST):
                    outside |= A.all_names(item)

    def only_stack_uses(stack):
        return stack not in other and stack not in outside and all(n in allowed for n in uses.get(stack, ()))
    return last_read, only_stack_uses


def _pop_chains(fn):
    """stack -> [(chain, popped name)] for each ``v = stack.pop()`` of ``fn`` (one name), where
    ``chain`` lists the (statement list, index) pairs from ``fn.body`` down to the pop."""
    out = {}

    def visit(block, chain):
        for i, s in enumerate(block):
            here = chain + [(block, i)]
            op = _stack_op(s)
            if op is not None and op[0] == "pop":
                out.setdefault(op[1], []).append((here, op[2]))
            for field in (("body", "orelse") if s.__class__ not in A.FLAT else ()):
                inner = getattr(s, field, None)
                if isinstance(inner, list):
                    visit(inner, here)
    visit(fn.body, [])
    return out


def _may_read_after(chain, name):
    """Whether code that can run after the statement ``chain`` ends at may read ``name`` before
    assigning it: the rest of each enclosing statement list, and the next iterations of each
    enclosing loop. Conservative where code jumps (``break``, ``continue``, ``return`` in a body)."""
    for level in range(len(chain) - 1, -1, -1):
        block, i = chain[level]
        rest = block[i + 1:]
        if any(isinstance(s, (gast.Break, gast.Continue)) for s in A.statements(rest)):
            return True
        found = _read_unassigned(rest, name, False)
        if found is True:
            return True
        if found == "assigned":
            return False
        if level == 0:
            return False
        holder_block, holder_i = chain[level - 1]
        holder = holder_block[holder_i]
        if isinstance(holder, (gast.For, gast.While)) and block is holder.body:
            # the next iteration: a for loop assigns its target, a while loop reads its test
            if isinstance(holder, gast.While) and _loads(holder.test).get(name):
                return True
            if not (isinstance(holder, gast.For) and name in A.names_stored(holder.target)):
                if any(isinstance(s, (gast.Break, gast.Continue)) for s in A.statements(holder.body)):
                    return True
                if _read_unassigned(holder.body, name, False) is True:
                    return True
    return False


def _read_unassigned(stmts, name, assigned):
    """Whether ``stmts`` may read ``name`` before assigning it (``assigned``: whether it is on entry).

    Returns True, or whether ``name`` is assigned on every path through ``stmts``.
    """
    for s in stmts:
        if isinstance(s, gast.If):
            if not assigned and _loads(s.test).get(name):
                return True
            body = _read_unassigned(s.body, name, assigned)
            orelse = _read_unassigned(s.orelse, name, assigned)
            if body is True or orelse is True:
                return True
            assigned = assigned or (body == "assigned" and orelse == "assigned")
        elif isinstance(s, (gast.For, gast.While)):
            head = s.iter if isinstance(s, gast.For) else s.test
            if not assigned and _loads(head).get(name):
                return True
            in_body = assigned or (isinstance(s, gast.For) and name in A.names_stored(s.target))
            if _read_unassigned(s.body, name, in_body) is True or _read_unassigned(s.orelse, name, assigned) is True:
                return True
        else:
            if not assigned and _loads(s).get(name):
                return True
            assigned = assigned or any(isinstance(n, gast.Name) and n.id == name and isinstance(n.ctx, gast.Store)
                                       for n in A.walk(s))
    return "assigned" if assigned else False


def drop_presets(fn, names=None):
    """Drop the top-level ``v = None`` presets (of ``names``, or all) that no read of ``v`` can meet
    before ``v`` is assigned; return the statements dropped."""
    presets = [s for s in fn.body if _is_none_preset(s) and (names is None or s.targets[0].id in names)]
    rest = [s for s in fn.body if not any(s is p for p in presets)]
    needed = {p.targets[0].id for p in presets if _read_unassigned(rest, p.targets[0].id, False) is True}
    dropped = [p for p in presets if p.targets[0].id not in needed]
    fn.body = [s for s in fn.body if not any(s is d for d in dropped)]
    return dropped


def _pushes(stack_ops):
    return [op for op in stack_ops if op[0] == "push" and isinstance(op[2], gast.Name)]


def _is_none_preset(stmt):
    return (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name)
            and isinstance(stmt.value, gast.Constant) and stmt.value.value is None)


def _drop_stack_ops(stmts, dead, removed):
    out = []
    for s in stmts:
        op = _stack_op(s)
        if op is not None and op[1] in dead:
            removed.append(s)
            continue
        for field in (("body", "orelse", "finalbody") if s.__class__ not in A.FLAT else ()):
            inner = getattr(s, field, None)
            if isinstance(inner, list):
                setattr(s, field, _drop_stack_ops(inner, dead, removed))
        out.append(s)
    return out


# "reorder" is read by the specializer (s2s/backend/specialize.py): the one step that may round
# differently (in adjoints only); every other pass keeps the numbers to the bit
PASSES = ("dead_code", "copies", "negation", "stacks", "inline", "remat", "sink", "fuse", "iterate", "reorder")


def optimize(fn, pure_call=lambda call: False, passes=PASSES, copy_targets=None, temporaries=(), negations=None):
    """Return ``fn`` cleaned up (in place) by the named ``passes``, repeated until nothing changes.

    ``pure_call(call)`` says whether a call may be dropped when its result is
    unused (and moved); ``copy_targets`` which copies may be propagated (None:
    all); ``temporaries`` the names that may be inlined into their one use;
    ``negations(fn)``, run with the "negation" pass, rewrites in place and says
    whether it changed anything (``s2s/backend/negated_starts.py``).
    """
    counts = Counts(fn)  # one walk; each pass keeps the counts up to date

    def merge_negations():
        if not negations(fn):
            return False
        fresh = Counts(fn)  # the merge moved names: count again
        counts.loads, counts.stores = fresh.loads, fresh.stores
        return True

    cycle = [run for name, run in (
        ("negation", merge_negations if negations is not None else None),
        ("copies", lambda: propagate_copies(fn, copy_targets, counts)),
        ("dead_code", lambda: dead_code(fn, pure_call, counts)),
        ("stacks", lambda: remove_dead_stacks(fn, counts)),
        ("inline", lambda: inline_temporaries(fn, temporaries, pure_call, counts))) if name in passes and run]
    # run the passes in turn until each has run once more since the last change (no need to
    # finish the round first: the passes are deterministic, so the result is the same)
    quiet, k = 0, 0
    while quiet < len(cycle):
        quiet = 0 if cycle[k % len(cycle)]() else quiet + 1
        k += 1
    if "negation" in passes:  # enables no other clean-up: once, at the end
        fold_negation(fn)  # moves names, never adds or drops one: the counts hold
    # after the clean-ups, which decide what is saved at all (nothing to do when nothing is pushed)
    saving = stacks.pushes_anything(fn)
    if "remat" in passes:
        changed = saving and stacks.rematerialize(fn)
        if changed:
            counts = Counts(fn)
        if changed or "dead_code" not in passes:  # else dead code ran since the last change
            dead_code(fn, pure_call, counts)
    if "sink" in passes and saving and stacks.sink(fn):
        counts = Counts(fn)
    if "dead_code" in passes:
        drop_presets(fn)
    if "fuse" in passes and saving and stacks.fuse(fn):
        counts = Counts(fn)
    if "iterate" in passes and saving:
        stacks.iterate(fn, counts.loads)
    _unnest_after_jumps(fn.body)
    _fill_empty_bodies(fn)
    return fn


def _unnest_after_jumps(stmts):
    """``if c: ...; break`` ``else: rest`` -> the ``if`` followed by ``rest``, as the program wrote it.

    The jump lowering moves what follows a jump into the other branch (the adjoint
    sweep needs to know what an iteration ran); the primal sweep runs the same
    either way. Changes ``stmts`` in place.
    """
    i = 0
    while i < len(stmts):
        s = stmts[i]
        for field in (("body", "orelse") if s.__class__ not in A.FLAT else ()):
            inner = getattr(s, field, None)
            if isinstance(inner, list):
                _unnest_after_jumps(inner)
        if isinstance(s, gast.If) and s.orelse and s.body \
                and isinstance(s.body[-1], (gast.Break, gast.Continue, gast.Return)):
            rest, s.orelse = s.orelse, []
            stmts[i + 1:i + 1] = rest
        i += 1


def _fill_empty_bodies(node):
    """``pass`` where a body became empty (statements only: expressions hold no bodies)."""
    if not node.body:
        node.body = [gast.Pass()]
    for field in ("body", "orelse"):
        for s in getattr(node, field, None) or ():
            if isinstance(s, (gast.If, gast.For, gast.While, gast.With, gast.Try, gast.FunctionDef)):
                _fill_empty_bodies(s)

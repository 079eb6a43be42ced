"""Adjoints of a dict display (or of a record the function built) read by key.

The adjoint of ``d = dict_of((a, b), ('x', 'y'))`` is a tuple of the entries' adjoints,
``t_bar = dict_entries(d_bar, ('x', 'y'))``, which the sweep then reads item by item
(``a_bar = t_bar[0]``). When the statements right after it are the only readers of
``t_bar``, and each reads one item at a constant index, this pass writes them as reads by
key, ``a_bar = getfield(d_bar, 'x')`` (the entry of a dict, record or named tuple, and
zero for an entry the adjoint lacks: what ``dict_entries`` gives at that place), and drops
``t_bar``. The keys must be distinct string constants (a key given twice keeps only its last
place). Takes an optimized FunctionDef; leaves it with the same numbers.
"""
import gast

from s2s import runtime
from s2s.common import astutil as A


def read_by_key(fn, resolve, expr):
    """Rewrite ``fn`` in place; ``resolve`` maps a call's function to its object, ``expr`` gives the
    expression of an object in the generated code. Says whether anything changed."""
    if not any(_entries_call(s, resolve) is not None for s in A.statements(fn.body)):
        return False  # the common case: no dict_entries call, no count of the loads needed
    loads = {}
    for node in A.name_nodes(fn):
        if isinstance(node.ctx, gast.Load):
            loads[node.id] = loads.get(node.id, 0) + 1
    return _block(fn.body, loads, resolve, expr)


def _block(stmts, loads, resolve, expr):
    changed = False
    i = 0
    while i < len(stmts):
        stmt = stmts[i]
        for field in ("body", "orelse"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list) and not isinstance(stmt, gast.FunctionDef):
                changed = _block(inner, loads, resolve, expr) or changed
        keyed = _entries_call(stmt, resolve)
        if keyed is not None and _rewrite(stmts, i, keyed, loads, expr):
            changed = True
            continue
        i += 1
    return changed


def _entries_call(stmt, resolve):
    """(target, adjoint name, keys) of ``t = dict_entries(d, ('x', ...))``, else None."""
    if A.assigned_name(stmt) is None:
        return None
    call = stmt.value
    if not (isinstance(call, gast.Call) and len(call.args) == 2 and not call.keywords
            and resolve(call.func) is runtime.dict_entries):
        return None
    source, keys = call.args
    if not (isinstance(source, gast.Name) and isinstance(keys, gast.Tuple)):
        return None
    names = [k.value if isinstance(k, gast.Constant) and isinstance(k.value, str) else None for k in keys.elts]
    if None in names or len(set(names)) != len(names):
        return None
    return stmt.targets[0].id, source.id, names


def _rewrite(stmts, i, keyed, loads, expr):
    target, source, names = keyed
    reads, j = [], i + 1
    while len(reads) < loads.get(target, 0) and j < len(stmts):
        stmt = stmts[j]
        if not isinstance(stmt, (gast.Assign, gast.Expr)) or {target, source} & A.names_stored(stmt):
            return False
        found = [n for n in gast.walk(stmt) if isinstance(n, gast.Subscript) and isinstance(n.value, gast.Name)
                 and n.value.id == target and isinstance(n.ctx, gast.Load)]
        if not all(isinstance(n.slice, gast.Constant) and type(n.slice.value) is int
                   and 0 <= n.slice.value < len(names) for n in found):
            return False
        if sum(1 for n in gast.walk(stmt) if isinstance(n, gast.Name) and n.id == target) != len(found):
            return False  # read other than as t[k]
        reads.extend((stmt, n) for n in found)
        j += 1
    if len(reads) != loads.get(target, 0):
        return False
    for stmt, node in reads:
        read = A.call(expr(runtime.getfield, "getfield"), [A.name(source), A.const(names[node.slice.value])])
        A.replace_node(stmt, node, read)
    loads[source] = loads.get(source, 0) + len(reads) - 1
    del stmts[i]
    return True

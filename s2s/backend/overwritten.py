"""Assignments overwritten before anything reads them.

Takes a generated FunctionDef and a ``pure(value)`` test (``optimize.py``'s: no call that may
have an effect); removes, in place, each ``v = e`` with ``e`` pure and calling nothing (a call
such as ``unshared(t, ...)`` may be there for the check it makes) whose next mention of ``v``
in the same statement list is ``v = e2`` with ``e2`` not reading ``v``, when every statement in
between is a plain statement (an assignment or an expression: no branch, loop or jump that
could skip the overwrite or read ``v`` after leaving). Copy propagation leaves such stores:

    z_bar = t4_bar
    t2_bar = absorb_zeros(t4_bar, t4_bar / (1 + t2))
    z_bar = t4_bar - t2_bar * t2

loses its first line. Not inside ``try`` (a handler may read ``v`` after an exception in
between), and never for a name that a nested function or lambda reads (a call in between may
read it through the closure).
"""
import gast

from s2s.common import astutil as A

_PLAIN = (gast.Assign, gast.Expr, gast.AugAssign, gast.Pass)


def drop_overwritten(fn, pure):
    """The statements removed from ``fn`` (see the module docstring), in a list."""
    closed_over = set()
    for node in A.walk(fn):
        if isinstance(node, (gast.Lambda, gast.FunctionDef)) and node is not fn:
            closed_over |= A.all_names(node)
    removed = []
    _block(fn.body, pure, closed_over, removed)
    return removed


def _block(stmts, pure, closed_over, removed):
    for s in stmts:
        if isinstance(s, gast.Try):
            continue
        if s.__class__ not in A.FLAT:
            for field in ("body", "orelse"):
                inner = getattr(s, field, None)
                if isinstance(inner, list):
                    _block(inner, pure, closed_over, removed)
    # one walk per statement, then one backward sweep: the next statement that mentions each name,
    # and the next one that is not plain
    names = [A.all_names(s) for s in stmts]
    next_mention, barrier, dead = {}, len(stmts), set()
    for i in range(len(stmts) - 1, -1, -1):
        s = stmts[i]
        name = A.assigned_name(s)
        if name is not None:
            j = next_mention.get(name)
            if j is not None and j < barrier and name not in closed_over and _overwrites(stmts[j], name) \
                    and pure(s.value) and not any(isinstance(n, gast.Call) for n in A.walk(s.value)):
                dead.add(i)
        for n in names[i]:
            next_mention[n] = i
        if not isinstance(s, _PLAIN):
            barrier = i
    if dead:
        removed.extend(stmts[i] for i in sorted(dead))
        stmts[:] = [s for i, s in enumerate(stmts) if i not in dead]


def _overwrites(stmt, name):
    """Whether ``stmt`` is ``name = e`` with ``e`` not reading ``name``."""
    return A.assigned_name(stmt) == name and name not in A.all_names(stmt.value)

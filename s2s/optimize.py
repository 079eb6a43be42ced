"""Clean-ups that keep numbers and shapes identical.

- dead assignments: a pure assignment to a name nothing reads is removed
  (calls only when the caller says they are pure: differentiable primitives);
- empty branches and loops are removed, ``pass`` only where a body is empty.
"""
import gast

from s2s import astutil as A

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
    for node in A.walk(fn):
        if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load):
            counts[node.id] = counts.get(node.id, 0) + 1
    return counts


def _prune(stmts, loads, pure_call):
    out = []
    changed = False
    for s in stmts:
        if (isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name)
                and s.targets[0].id not in loads and _pure(s.value, pure_call)):
            changed = True
            continue
        if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name) and isinstance(s.value, gast.Name) \
                and s.targets[0].id == s.value.id:
            changed = True
            continue
        for field in ("body", "orelse"):
            if isinstance(getattr(s, field, None), list):
                new, ch = _prune(getattr(s, field), loads, pure_call)
                changed |= ch
                setattr(s, field, new)
        if isinstance(s, gast.If) and _empty(s.body) and _empty(s.orelse):
            changed = True
            continue
        if isinstance(s, gast.For) and _empty(s.body) and s.target.id not in loads:
            changed = True
            continue
        if isinstance(s, gast.Pass) and len(stmts) > 1:
            continue
        out.append(s)
    return out, changed


def _empty(stmts):
    return all(isinstance(s, gast.Pass) for s in stmts)


def optimize(fn, pure_call=lambda call: False):
    """Return ``fn`` with dead code removed (in place).

    ``pure_call(call)`` says whether a call may be dropped when its result is unused.
    """
    while True:
        fn.body, changed = _prune(fn.body, _loads(fn), pure_call)
        if not changed:
            break
    for node in A.walk(fn):
        for field in ("body", "orelse"):
            value = getattr(node, field, None)
            if field == "body" and isinstance(value, list) and not value:
                setattr(node, field, [gast.Pass()])

    return fn

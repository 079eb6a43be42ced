"""Distinct gradients: no two results of a generated gradient are one array.

Takes the entry function of a generated gradient after the clean-ups of
``s2s/backend/optimize.py`` and ``resolve`` (``s2s.backend.specialize.resolver``).
Copy propagation can leave one adjoint name for several parameters
(``np.sum(x + y)``: ``x`` and ``y`` get the same ``t1_bar``), and ``finalize``
returns an adjoint as it is when it has the right shape and dtype, so the
gradients would be the same array: an update in place of one would change the
other. Leaves each later ``finalize(N, p)`` of a name already finalized in the
same ``return`` as ``finalize(copy(N), p)``.

``build_lists`` (with the shape facts, which say a parameter is a list or tuple of
``n`` arrays or numbers): the adjoint of such a parameter made as zeros and then
each item added in once (``N = zeros_like(p)`` and ``N = add_at(N, p, k, v_k)`` for
every ``k``, right before the ``return``) becomes the list ``N = [v_0, ...]``:
``finalize`` gives each item its shape and dtype as it did for ``0 + v_k``.
"""
import gast

from s2s.common import astutil as A
from s2s import runtime


def separate(fn, resolve, ref):
    """Copy the repeated adjoints in ``fn``'s returns (in place); ``ref(obj, hint)`` names a helper."""
    for node in A.statements(fn.body):  # a return is a statement: no walk through the expressions
        if isinstance(node, gast.Return) and node.value is not None:
            seen = set()
            for call in _finalize_calls(node.value, resolve):
                name = call.args[0]
                if not isinstance(name, gast.Name):
                    continue
                if name.id in seen:
                    call.args[0] = A.call(ref(runtime.copy, "copy"), [name])
                seen.add(name.id)
    return fn


def build_lists(fn, resolve, sequences):
    """Build the adjoints of the list parameters ``sequences`` ({name: number of items}) as lists
    where ``fn`` adds each item once into zeros right before its final ``return`` (in place)."""
    body = fn.body
    if not body or not isinstance(body[-1], gast.Return) or body[-1].value is None:
        return fn
    end = len(body) - 1
    start = end
    while start > 0 and _add_at(body[start - 1], resolve) is not None:
        start -= 1
    while start < end:  # the longest run that starts with zeros_like of one of the lists
        built = _built(body, start, end, resolve, sequences)
        if built is not None:
            body[start - 1:end] = [built]
            break
        start += 1
    return fn


def _add_at(stmt, resolve):
    """(N, p, k, v) of ``N = add_at(N, p, k, v)`` with names ``N``, ``p``, ``v`` and an int ``k``, else None."""
    if A.assigned_name(stmt) is None:
        return None
    call = stmt.value
    if not (isinstance(call, gast.Call) and len(call.args) == 4 and not call.keywords
            and resolve(call.func) is runtime.add_at):
        return None
    n, p, k, v = call.args
    if not (isinstance(n, gast.Name) and n.id == stmt.targets[0].id and isinstance(p, gast.Name)
            and isinstance(k, gast.Constant) and type(k.value) is int and isinstance(v, gast.Name)):
        return None
    return n.id, p.id, k.value, v.id


def _built(body, start, end, resolve, sequences):
    """``N = [v_0, ...]`` for ``body[start - 1:end]`` when it is ``N = zeros_like(p)`` and then one
    ``add_at`` into ``N`` per item of ``p``, and the return reads ``N`` only as ``finalize(N, p)``."""
    if start == 0:
        return None
    first = body[start - 1]
    if not (A.assigned_name(first) is not None and isinstance(first.value, gast.Call) and len(first.value.args) == 1 and not first.value.keywords
            and resolve(first.value.func) is runtime.zeros_like and isinstance(first.value.args[0], gast.Name)):
        return None
    target, param = first.targets[0].id, first.value.args[0].id
    n = sequences.get(param)
    adds = [_add_at(stmt, resolve) for stmt in body[start:end]]
    if n is None or len(adds) != n or any(a is None or a[:2] != (target, param) for a in adds):
        return None
    items = {k % n: v for _, _, k, v in adds if -n <= k < n}
    values = list(items.values())
    if sorted(items) != list(range(n)) or len(set(values)) != n or target in values or param in values:
        return None
    ret = body[end]
    calls = _finalize_calls(ret.value, resolve)
    reads = [node for node in gast.walk(ret.value) if isinstance(node, gast.Name) and node.id in values + [target]]
    mine = [c for c in calls if isinstance(c.args[0], gast.Name) and c.args[0].id == target]
    if len(reads) != len(mine) or not all(isinstance(c.args[1], gast.Name) and c.args[1].id == param for c in mine):
        return None  # the return reads the adjoint (or an item) otherwise: keep the general form
    elts = [gast.Name(id=items[k], ctx=gast.Load(), annotation=None, type_comment=None) for k in range(n)]
    return A.assign(target, gast.List(elts=elts, ctx=gast.Load()))


def _finalize_calls(node, resolve):
    """The ``finalize(name, p)`` calls in ``node``, in the order they run (left to right)."""
    if isinstance(node, gast.Call) and len(node.args) == 2 and resolve(node.func) is runtime.finalize:
        return [node]
    if isinstance(node, (gast.Tuple, gast.List)):
        return [c for e in node.elts for c in _finalize_calls(e, resolve)]
    return []

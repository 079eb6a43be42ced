"""Names that may hold the same object: where ``x op= v`` changes what another name sees.

In Python ``u *= 0.5`` changes the object ``u`` holds in place when its type has
``__imul__`` (arrays, lists), so after ``u = t`` it changes ``t`` too. s2s reads
every augmented assignment as a new value (``u = u * 0.5``), which is the same only
when no other name holds the object. ``partners(fn)`` finds, per name, the names it
may share an object with (``u = t``, ``u = t[...]``, ``u = t.T``, a view method, a
loop over ``t``) that the function reads elsewhere; the desugaring then checks at
run time that the object is not shared (``s2s.runtime.unshared``).
"""
import gast

from s2s.common import astutil as A

_VIEWS = frozenset({"reshape", "ravel", "transpose", "squeeze", "swapaxes", "diagonal", "view"})
_VIEW_ATTRIBUTES = frozenset({"T", "real", "imag", "flat"})


def partners(fn):
    """name -> sorted names that may hold the same object and are read outside the aliasing."""
    pairs, defining = [], set()
    for node in A.walk(fn):
        if isinstance(node, gast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], gast.Name):
            source = _source(node.value)
            if source is not None and source != node.targets[0].id:
                pairs.append((node.targets[0].id, source))
                defining.add(id(node))
        elif isinstance(node, gast.For) and isinstance(node.target, gast.Name) and isinstance(node.iter, gast.Name):
            pairs.append((node.target.id, node.iter.id))  # the rows of an array are views of it
    read = {}
    for node in A.walk(fn):
        if isinstance(node, gast.Assign) and id(node) in defining:
            continue
        if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load):
            read[node.id] = read.get(node.id, 0) + 1
    # reads inside the aliasing assignments themselves do not count (walk skipped only their root)
    for node in A.walk(fn):
        if isinstance(node, gast.Assign) and id(node) in defining:
            for n in A.name_nodes(node.value):
                if isinstance(n.ctx, gast.Load):
                    read[n.id] = read.get(n.id, 0) - 1
    out = {}
    for a, b in pairs:
        for name, other in ((a, b), (b, a)):
            if read.get(other, 0) > 0:
                out.setdefault(name, set()).add(other)
    return {name: sorted(others) for name, others in out.items()}


def _source(value):
    """The name whose object ``value`` may be (or view), else None."""
    if isinstance(value, gast.Name):
        return value.id
    if isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name):
        return value.value.id
    if isinstance(value, gast.Attribute) and value.attr in _VIEW_ATTRIBUTES and isinstance(value.value, gast.Name):
        return value.value.id
    if isinstance(value, gast.Call) and isinstance(value.func, gast.Attribute) and value.func.attr in _VIEWS \
            and isinstance(value.func.value, gast.Name):
        return value.func.value.id
    return None

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
import numpy as np

from s2s.common import anno
from s2s.common import astutil as A

# methods and attributes whose result may be a view of (or the same object as) their receiver
VIEW_METHODS = frozenset({"reshape", "ravel", "transpose", "squeeze", "swapaxes", "diagonal", "view"})
VIEW_ATTRIBUTES = frozenset({"T", "real", "imag", "flat"})
# functions whose result may be their argument, a view of it, or a list of views of it
VIEW_FUNCTIONS = (np.asarray, np.asanyarray, np.reshape, np.ravel, np.transpose, np.squeeze, np.swapaxes,
                  np.moveaxis, np.diagonal, np.expand_dims, np.atleast_1d, np.atleast_2d, np.atleast_3d,
                  np.broadcast_to, np.real, np.imag, np.flip, np.fliplr, np.flipud, np.rot90, np.split,
                  np.array_split, np.hsplit, np.vsplit, np.dsplit)
# builtins whose result may be (or hold) one of their arguments' objects
_HOLDING_BUILTINS = (list, tuple, dict, zip, reversed, sorted, enumerate, map, filter, iter, next, max, min,
                     getattr)
# methods of NumPy's arrays: besides VIEW_METHODS, each makes a new object
_ARRAY_METHODS = frozenset(n for n in dir(np.ndarray) if not n.startswith("_")) - VIEW_METHODS


def partners(fn, lookup=None):
    """name -> sorted names that may hold the same object (directly, or through a container that
    holds it) and that the function reads besides in the statements that relate them.

    ``lookup`` (a free name -> its object, or None where unknown) tells which calls may return an
    argument: a call of a user's function, of a local def or lambda, or of a NumPy function that
    may return its argument (``np.asarray``) relates its result to its arguments."""
    pairs, relating = [], set()
    nodes = A.walk(fn)  # read three times below; nothing here changes the tree
    for node in nodes:
        if isinstance(node, gast.Assign):
            # a = t, a = t[1:], a, b = p (each unpacked name may be what p holds), a = b = t
            targets = {n.id for t in node.targets for n in A.name_nodes(t) if isinstance(n.ctx, gast.Store)}
            if not all(isinstance(t, (gast.Name, gast.Tuple, gast.List)) for t in node.targets):
                targets = set()
            for target in sorted(targets):
                for source in _sources(node.value, lookup):
                    if source != target:
                        pairs.append((target, source))
                        relating.add(id(node))
            if len(targets) > 1 and isinstance(node.value, gast.Call) and returns_argument(node.value, lookup):
                first = min(targets)  # a, b = pair(t): what it returns may be one array and a view of it
                pairs.extend((first, other) for other in sorted(targets - {first}))
        elif isinstance(node, gast.For):
            pairs.extend(_loop_pairs(node.target, node.iter))  # the rows of an array are views of it
        elif isinstance(node, gast.Expr) and isinstance(node.value, gast.Call) \
                and isinstance(node.value.func, gast.Attribute) and node.value.func.attr in ("append", "insert") \
                and isinstance(node.value.func.value, gast.Name):
            for arg in node.value.args:  # lst.append(t), lst.append(t[1]): the list holds t's object or a view
                for source in _sources(arg, lookup):
                    pairs.append((node.value.func.value.id, source))
                    relating.add(id(node))
    read = {}
    for node in nodes:
        if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load):
            read[node.id] = read.get(node.id, 0) + 1
    for node in nodes:  # the reads that only relate two names do not count
        # ... but ``y = a2[1]`` reads a2's values too (after ``a2 = t1; t1 += 1.0`` it sees the write)
        if id(node) in relating and not (isinstance(node, gast.Assign) and isinstance(node.value, gast.Subscript)):
            for n in A.name_nodes(node.value):
                if isinstance(n.ctx, gast.Load):
                    read[n.id] = read.get(n.id, 0) - 1
    # names that may share an object: the classes of the relation
    group = {}

    def find(name):
        while group.get(name, name) != name:
            name = group[name]
        return name

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            group[ra] = rb
    members = {}
    for name in {n for pair in pairs for n in pair}:
        members.setdefault(find(name), set()).add(name)
    out = {}
    for names in members.values():
        for name in names:
            others = sorted(n for n in names if n != name and read.get(n, 0) > 0)
            if others:
                out[name] = others
    return out


def _loop_pairs(target, iterable):
    """(loop variable, sequence) pairs of ``for target in iterable`` (zip and enumerate too)."""
    if isinstance(target, gast.Name) and isinstance(iterable, gast.Name):
        return [(target.id, iterable.id)]
    if isinstance(iterable, gast.Call) and isinstance(iterable.func, gast.Name) \
            and isinstance(target, (gast.Tuple, gast.List)):
        if iterable.func.id == "zip":
            return [p for t, a in zip(target.elts, iterable.args) for p in _loop_pairs(t, a)]
        if iterable.func.id == "enumerate" and iterable.args and len(target.elts) == 2:
            return _loop_pairs(target.elts[1], iterable.args[0])
    if isinstance(iterable, gast.Call) and isinstance(iterable.func, gast.Name) \
            and iterable.func.id == "reversed" and iterable.args:
        return _loop_pairs(target, iterable.args[0])
    return []


def _sources(value, lookup=None):
    """The names whose object ``value`` may be, view or hold."""
    if isinstance(value, (gast.Tuple, gast.List)):
        return [n for e in value.elts for n in _sources(e, lookup)]
    source = view_root(value)
    if source is not None:
        return [source]
    if isinstance(value, gast.Call) and returns_argument(value, lookup):
        given = list(value.args) + [k.value for k in value.keywords]
        if isinstance(value.func, gast.Attribute) and lookup is not None and lookup(value.func) is None:
            given.append(value.func.value)  # a method may return what its object holds (self.w)
        return [n for a in given for n in _sources(a, lookup)]
    return []


def returns_argument(call, lookup=None):
    """Whether the result of ``call`` may be (or view, or hold) one of its arguments' objects: a
    NumPy function that may return its argument, a builtin such as ``max`` or ``list``, a call of
    the user's own function (its source is not read here), a local def or lambda, or a callable
    that cannot be resolved, such as a method of the user's object (``m.ident(t)``). NumPy's other
    functions, SciPy, ``math``, s2s's own helpers and the methods of arrays make new objects."""
    callee = anno.get(call, anno.Key.CALLEE, None)
    if callee is None and lookup is not None:
        callee = lookup(call.func)
    if callee is None:
        # a name no lookup resolves: a local def or lambda (or one the front end resolves later);
        # a method that is not an array's: a user's object's (m.ident(t)), a dict's (d.get(k, t))
        if isinstance(call.func, gast.Attribute):
            return call.func.attr not in _ARRAY_METHODS
        return isinstance(call.func, gast.Name)
    if any(callee is f for f in VIEW_FUNCTIONS + _HOLDING_BUILTINS):
        return True
    module = getattr(callee, "__module__", None) or ""
    fresh = ("numpy", "scipy", "math", "s2s", "builtins")
    return not (isinstance(callee, np.ufunc) or module.split(".")[0] in fresh)


def view_root(value):
    """The name whose object ``value`` may be (or view, through a chain of views), else None."""
    while True:
        if isinstance(value, gast.Name):
            return value.id
        if isinstance(value, gast.Subscript):
            value = value.value
        elif isinstance(value, gast.Attribute) and value.attr in VIEW_ATTRIBUTES:
            value = value.value
        elif isinstance(value, gast.Call) and isinstance(value.func, gast.Attribute) \
                and value.func.attr in VIEW_METHODS:
            value = value.func.value
        else:
            return None


def surely_bound(fn):
    """id of each augmented assignment -> the names surely bound when it runs: the parameters, a
    loop's target in its body, and the names that the statements before it (in its block and the
    blocks around it) bind outside branches and loops. A check may read only these names."""
    args = fn.args
    out = {}
    if not any(isinstance(s, gast.AugAssign) for s in A.statements(fn.body)):
        return out  # nothing to check

    def walk(stmts, bound):
        bound = set(bound)
        for stmt in stmts:
            if isinstance(stmt, gast.AugAssign):
                out[id(stmt)] = set(bound)
            inside = bound | (A.names_stored(stmt.target) if isinstance(stmt, gast.For) else set())
            for field in ("body", "orelse", "finalbody"):
                inner = getattr(stmt, field, None)
                if isinstance(inner, list) and inner and isinstance(inner[0], gast.stmt):
                    walk(inner, inside)
            for handler in getattr(stmt, "handlers", None) or ():
                walk(handler.body, bound)
            if not isinstance(stmt, (gast.If, gast.For, gast.While, gast.With, gast.Try)):
                bound |= {n.id for n in A.name_nodes(stmt) if isinstance(n.ctx, gast.Store)}

    walk(fn.body, {a.id for a in args.posonlyargs + args.args + args.kwonlyargs})
    return out

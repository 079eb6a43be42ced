"""Small builders and helpers for gast trees."""
import ast
import copy as _copy

import gast

from s2s.common import anno


def name(id_, ctx="load"):
    # what gast.Name(id=..., ctx=..., annotation=None, type_comment=None) makes, without its __init__
    node = _NEW(_NAME)
    node.__dict__.update(id=id_, ctx=_CONTEXTS[ctx](), annotation=None, type_comment=None)
    return node


_CONTEXTS = {"load": gast.Load, "store": gast.Store, "param": gast.Param, "del": gast.Del}
# gast's nodes are made as its own __init__ makes them (fields in its __dict__), without the call
_NAME, _CONSTANT, _ASSIGN, _CALL = gast.Name, gast.Constant, gast.Assign, gast.Call
_NEW = gast.AST.__new__


def const(value):
    node = _NEW(_CONSTANT)  # gast.Constant(value=value, kind=None)
    node.__dict__.update(value=value, kind=None)
    return node


def assign(target, value):
    if isinstance(target, str):
        target = name(target, "store")
    node = _NEW(_ASSIGN)  # gast.Assign(targets=[target], value=value, type_comment=None)
    node.__dict__.update(targets=[target], value=value, type_comment=None)
    return node


def call(func, args=(), keywords=()):
    if isinstance(func, str):
        func = attr_chain(func)
    node = _NEW(_CALL)  # gast.Call(func=func, args=list(args), keywords=list(keywords))
    node.__dict__.update(func=func, args=list(args), keywords=list(keywords))
    return node


def keyword(arg, value):
    return gast.keyword(arg=arg, value=value)


def attr_chain(dotted):
    parts = dotted.split(".")
    node = name(parts[0])
    for part in parts[1:]:
        node = gast.Attribute(value=node, attr=part, ctx=gast.Load())
    return node


def load(node):
    """A Load-context copy of a Name node (or a name string)."""
    if isinstance(node, str):
        return name(node)
    return name(node.id)


def store(node):
    if isinstance(node, str):
        return name(node, "store")
    return name(node.id, "store")


def parse(source):
    """``gast.parse(source)``, several times faster: see ``from_ast``."""
    return from_ast(ast.parse(source))


def from_ast(node):
    """The gast twin of a stdlib ``ast`` tree, as ``gast.ast_to_gast`` makes it.

    The two name their nodes and fields alike, except that gast spells a
    parameter and the name of ``except ... as name`` as Name nodes, and its
    definitions always have ``type_params``. Locations are kept.
    """
    cls = node.__class__
    if cls is list:
        return [from_ast(item) for item in node]
    if not isinstance(node, ast.AST):
        return node
    if cls is ast.Name:
        new = gast.Name(id=node.id, ctx=from_ast(node.ctx), annotation=None, type_comment=None)
    elif cls is ast.arg:
        new = gast.Name(id=node.arg, ctx=gast.Param(), annotation=from_ast(node.annotation),
                        type_comment=node.type_comment)
    else:
        target = _GAST_CLASS.get(cls)
        if target is None:
            target = _GAST_CLASS[cls] = getattr(gast, cls.__name__)
        new = target.__new__(target)
        fields = new.__dict__
        for field in cls._fields:
            value = getattr(node, field, _ABSENT)
            if value is not _ABSENT:
                fields[field] = value if value.__class__ in _ATOMIC else from_ast(value)
        if cls is ast.ExceptHandler and node.name is not None:
            new.name = gast.Name(id=node.name, ctx=gast.Store(), annotation=None, type_comment=None)
        if "type_params" in target._fields and "type_params" not in fields:  # before Python 3.12
            new.type_params = []
        if cls is ast.alias and not cls._attributes:  # before Python 3.10: no locations
            new.lineno = new.col_offset = new.end_lineno = new.end_col_offset = None
    for attr in cls._attributes:
        value = getattr(node, attr, _ABSENT)
        if value is not _ABSENT:
            setattr(new, attr, value)
    return new


_GAST_CLASS = {}
_ABSENT = object()


def quote(src, **names):
    """Parse statements; ``{x}``-style placeholders are filled from ``names``."""
    if names:
        src = src.format(**names)
    return parse(src).body


def quote_expr(src, **names):
    return quote(src, **names)[0].value


def is_atom(node):
    return isinstance(node, (gast.Name, gast.Constant))


def deepcopy(node):
    """A copy of ``node`` (an AST, a list of them, ...) sharing no node or container with it.

    Like ``copy.deepcopy`` for the trees s2s builds, several times faster:
    leaves (strings, numbers, objects a node refers to, such as a callee) are
    shared, as are the values of annotations, which no stage mutates.
    """
    cls = node.__class__
    if cls is list:
        return [deepcopy(item) for item in node]
    if isinstance(node, gast.AST):
        new = cls.__new__(cls)
        fields = new.__dict__
        for key, value in node.__dict__.items():
            if value.__class__ in _ATOMIC:  # most fields: names, line numbers, None
                fields[key] = value
            else:
                fields[key] = dict(value) if key == anno.ATTR else deepcopy(value)
        return new
    if isinstance(node, list):
        return [deepcopy(item) for item in node]
    if isinstance(node, tuple):
        return tuple(deepcopy(item) for item in node)
    if isinstance(node, (dict, set)):
        return _copy.deepcopy(node)
    return node


_ATOMIC = frozenset({str, int, float, bool, type(None)})


def with_origin(nodes, origin, key=anno.Key.ORIGIN):
    """Set ``origin`` (under ``key``: the user's line, or the SITE of a generated line) on each
    statement that has none yet; return the list."""
    if origin is not None:
        for node in nodes:
            if not anno.has(node, key):
                anno.set(node, key, origin)
    return nodes


def walk(node):
    """Every node of the tree ``node``, in ``gast.walk``'s order (breadth first), as a list.

    Several times faster than ``gast.walk``: a list that grows while it is
    read is the queue (no generator to resume per node).
    """
    out = [node]
    append = out.append
    table = _NODE_FIELDS
    for node in out:
        fields = table.get(node.__class__)
        if fields is None:
            fields = node_fields(node.__class__)
        for field in fields:
            value = getattr(node, field, None)
            if value.__class__ is list:
                for item in value:
                    if isinstance(item, _AST):
                        append(item)
            elif isinstance(value, _AST):
                append(value)
    return out


_AST = gast.AST

# fields of gast's nodes that hold a name, a string, a number or a constant, never a node
_SCALAR_FIELDS = {
    "Name": ("id", "type_comment"), "Constant": ("value", "kind"), "Attribute": ("attr",), "keyword": ("arg",),
    "FunctionDef": ("name", "type_comment"), "AsyncFunctionDef": ("name", "type_comment"), "ClassDef": ("name",),
    "Assign": ("type_comment",), "For": ("type_comment",), "AsyncFor": ("type_comment",),
    "With": ("type_comment",), "AsyncWith": ("type_comment",), "AnnAssign": ("simple",),
    "alias": ("name", "asname"), "ImportFrom": ("module", "level"), "Global": ("names",), "Nonlocal": ("names",),
    "comprehension": ("is_async",), "FormattedValue": ("conversion",)}
_NODE_FIELDS = {}  # class -> the fields that may hold nodes, in order (filled as classes are met)


def node_fields(cls):
    """The fields of the node class ``cls`` that may hold nodes, in ``_fields`` order: all of them
    but the scalar fields of gast's own classes (any other class keeps all its fields)."""
    fields = _NODE_FIELDS.get(cls)
    if fields is None:
        scalar = _SCALAR_FIELDS.get(cls.__name__, ()) if getattr(gast, cls.__name__, None) is cls else ()
        fields = _NODE_FIELDS[cls] = tuple(f for f in cls._fields if f not in scalar)
    return fields


# statements that hold no statement lists (no body, orelse, finalbody or handlers)
FLAT = frozenset(getattr(gast, name) for name in (
    "Assign", "AugAssign", "AnnAssign", "Expr", "Return", "Pass", "Break", "Continue", "Raise", "Assert",
    "Delete", "Global", "Nonlocal", "Import", "ImportFrom") if hasattr(gast, name))


def statements(stmts):
    """Every statement in the list ``stmts`` and in the bodies they hold, depth first.

    Only statement lists are entered (bodies, ``else`` and ``finally``
    blocks, handlers): the statements ``walk`` finds, without the walk
    through every expression.
    """
    out = []
    for s in stmts:
        if isinstance(s, gast.stmt):
            out.append(s)
            if s.__class__ in FLAT:
                continue
        for field in s._fields:
            value = getattr(s, field, None)
            if value.__class__ is list and value and not isinstance(value[0], gast.expr):
                out += statements([item for item in value if isinstance(item, gast.AST)])
    return out


# nodes that hold no other node (constants, contexts, operators)
LEAVES = frozenset([gast.Constant] + [cls for cls in vars(gast).values() if isinstance(cls, type) and issubclass(
    cls, (gast.expr_context, gast.operator, gast.unaryop, gast.cmpop, gast.boolop))])


def is_leaf(node):
    """Whether ``node`` holds no other node (a name without an annotation counts)."""
    cls = node.__class__
    return cls in LEAVES or (cls is gast.Name and node.annotation is None)


def replace_node(stmt, old, new):
    """Put ``new`` where the node ``old`` stands inside ``stmt`` (the first place it is found), in place."""
    for node in walk(stmt):
        for field, value in gast.iter_fields(node):
            if value is old:
                setattr(node, field, new)
                return
            if isinstance(value, list):
                for k, item in enumerate(value):
                    if item is old:
                        value[k] = new
                        return


def replace_children(node, rewrite, leaves=True):
    """Replace each child ``c`` of ``node`` (in place) by ``rewrite(c)``.

    ``leaves=False``: children that hold no node (``is_leaf``) are kept
    without a call to ``rewrite``.
    """
    for field in node._fields:
        value = getattr(node, field, None)
        if value.__class__ is list:
            for k, item in enumerate(value):
                if isinstance(item, gast.AST) and (leaves or not is_leaf(item)):
                    value[k] = rewrite(item)
        elif isinstance(value, gast.AST) and (leaves or not is_leaf(value)):
            setattr(node, field, rewrite(value))


def name_nodes(node):
    """The Name nodes of the tree ``node`` (those ``walk`` yields, in another order).

    Faster than filtering ``walk``: a name's context is not visited.
    """
    if isinstance(node, gast.Name):
        return [node] + (name_nodes(node.annotation) if node.annotation is not None else [])
    out = []
    todo = [node]
    table = _NODE_FIELDS
    for node in todo:
        fields = table.get(node.__class__)
        if fields is None:
            fields = node_fields(node.__class__)
        for field in fields:
            value = getattr(node, field, None)
            if value.__class__ is not list:
                if value is None or value.__class__ in LEAVES or not isinstance(value, _AST):
                    continue
                value = (value,)
            for item in value:
                if isinstance(item, gast.Name):
                    out.append(item)
                    if item.annotation is not None:  # a parameter's
                        out += name_nodes(item.annotation)
                elif item.__class__ not in LEAVES and isinstance(item, _AST):  # a leaf holds no name
                    todo.append(item)
    return out


def names_loaded(node):
    return {n.id for n in name_nodes(node) if isinstance(n.ctx, gast.Load)}


def names_stored(node):
    return {n.id for n in name_nodes(node) if isinstance(n.ctx, (gast.Store, gast.Param))}


def all_names(node):
    return {n.id for n in name_nodes(node)}


def assigned_name(stmt):
    """``name`` of the statement ``name = value`` (one target, a plain name), else None."""
    if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name):
        return stmt.targets[0].id
    return None


def structure(node):
    """A hashable key of the tree ``node``: two trees have the same key exactly when ``gast.dump``
    writes them alike (fields omitted where it omits them: unset, None by default, empty lists;
    other values by ``repr``), a few times faster than the text."""
    cls = node.__class__
    if cls is list:
        return ("[]",) + tuple(structure(item) for item in node)
    if not isinstance(node, _AST):
        return repr(node)
    key = [cls.__name__]
    for field in node._fields:
        value = getattr(node, field, _ABSENT)
        if value is _ABSENT or (value is None and getattr(cls, field, 42) is None) or \
                (value.__class__ is list and not value):
            continue
        key.append(field)
        key.append(structure(value))
    return tuple(key)



def dotted_name(node):
    """``'np.linalg.norm'`` for an Attribute chain on a Name, else None."""
    parts = []
    while isinstance(node, gast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, gast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def index_expr(index):
    """An index (possibly with slices) as an ordinary expression: ``slice(...)`` calls."""
    if isinstance(index, gast.Slice):
        parts = [deepcopy(p) if p is not None else const(None) for p in (index.lower, index.upper, index.step)]
        if index.step is None:
            parts.pop()
        return call(name("slice"), parts)
    if isinstance(index, gast.Tuple):
        return gast.Tuple(elts=[index_expr(e) for e in index.elts], ctx=gast.Load())
    return deepcopy(index)

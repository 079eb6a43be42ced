"""NumPy's array methods and ``len`` in generated code run on arrays of non-NumPy-speaking libraries.

The generated source keeps the user's ``x.copy()``, ``x.reshape(2, 3)``, ``x.sum(axis=0)``, ``len(x)``
and ``x[0]`` of a matrix. PyTorch tensors and array-api-strict arrays spell these differently
(``clone``, ``dim=``, no ``copy`` method, no ``len``, an index naming every axis). For those
libraries only (``names.native is None``; NumPy, Dask and CuPy run the source as it is),
``rewritten(tree)`` takes the parsed module of a generated derivative and leaves it with

- every call ``E.m(...)`` of a NumPy ndarray method in ``METHODS`` turned into
  ``__s2s_method__(E, "m", ...)``;
- every subscript ``N[k]`` of a plain name turned into ``N[__s2s_key__(N, k)]``;

line numbers kept (the line map still names the user's lines). ``helpers(names)`` gives the
three functions the rewritten code calls (``__s2s_method__``, ``__s2s_key__``, ``len``): on an
array of ``names``' library each calls NumPy's function of the same name over that library
(``names.copy(x)``, ``names.sum(x, axis=0)``), or completes the index with ``...``; on
anything else (a list, a dict, a Python number) it does what Python does.
"""
import ast
import builtins
import functools

from s2s.runtime import foreign

METHODS = frozenset({"copy", "reshape", "sum", "mean", "prod", "max", "min", "all", "any", "dot", "astype",
                     "ravel", "flatten", "transpose", "cumsum", "clip", "squeeze", "conj", "conjugate", "std",
                     "var", "swapaxes", "round"})
_VARIADIC = frozenset({"reshape", "transpose"})  # x.reshape(2, 3) is np.reshape(x, (2, 3))
METHOD, KEY = "__s2s_method__", "__s2s_key__"


class _Rewrite(ast.NodeTransformer):
    def visit_Call(self, node):
        self.generic_visit(node)
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in METHODS and not _is_module(func.value):
            call = ast.Call(func=ast.Name(id=METHOD, ctx=ast.Load()),
                            args=[func.value, ast.Constant(value=func.attr)] + node.args, keywords=node.keywords)
            return ast.copy_location(call, node)
        return node

    def visit_Subscript(self, node):
        self.generic_visit(node)
        if isinstance(node.value, ast.Name):
            key = ast.Call(func=ast.Name(id=KEY, ctx=ast.Load()),
                           args=[ast.Name(id=node.value.id, ctx=ast.Load()), node.slice], keywords=[])
            node.slice = ast.copy_location(key, node.slice)
        return node


def _is_module(value):
    """``np.sum(...)``, ``np.linalg.norm(...)``: a module's function, not a method."""
    while isinstance(value, ast.Attribute):
        value = value.value
    return isinstance(value, ast.Name) and value.id in ("np", "numpy", "math", "sp", "st", "scipy")


def rewritten(tree):
    """``tree`` (an ``ast.Module``) with the methods and subscripts rewritten, in place; line numbers kept."""
    tree = _Rewrite().visit(tree)
    return ast.fix_missing_locations(tree)


def helpers(names):
    """{name: function} the rewritten code calls, for arrays of ``names``' library."""
    array = names.ndarray

    def method(obj, name, *args, **kwargs):
        if not isinstance(obj, array):
            return getattr(obj, name)(*args, **kwargs)
        if name in _VARIADIC and (len(args) > 1 or (len(args) == 1 and isinstance(args[0], int))):
            args = (tuple(args),)
        if name == "flatten":
            name = "ravel"
        if name == "astype":
            return names.xp.astype(obj, *args, **kwargs)
        return getattr(names, name)(obj, *args, **kwargs)

    key = functools.partial(foreign.full_index, names)

    def length(obj):
        if isinstance(obj, array):
            if not obj.shape:
                raise TypeError("len() of unsized object")
            return obj.shape[0]
        return builtins.len(obj)

    return {METHOD: method, KEY: key, "len": length}

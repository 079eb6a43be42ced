"""Parse: from a Python function object to a gast tree and its environment.

Requires: a plain Python function whose source ``inspect`` can read.
Attaches: ``Key.ORIGIN`` (file, line, source text) to every statement, with
line numbers of the user's file. Free names are resolved to objects through
the function's closure, globals and builtins (by object, not by spelling).
"""
import builtins
import collections
import dataclasses
import dis
import functools
import inspect
import linecache
import textwrap
import types

import gast

from s2s.common import anno
from s2s.common import astutil as A
from s2s.common.errors import SourceUnavailableError, UnsupportedSyntaxError


@dataclasses.dataclass(frozen=True)
class Origin:
    filename: str
    lineno: int
    text: str

    def __str__(self):
        return "{}:{}".format(self.filename, self.lineno)


_MISSING = object()


@dataclasses.dataclass
class ParsedFunction:
    fn: types.FunctionType
    node: gast.FunctionDef
    filename: str
    globals: dict
    closure: dict

    @property
    def name(self):
        return self.fn.__name__

    def origin(self, lineno):
        text = linecache.getline(self.filename, lineno).strip()
        return Origin(self.filename, lineno, text)

    def lookup(self, name):
        """The object a free name refers to, or ``_MISSING``."""
        if name in self.closure:
            return self.closure[name]
        if name in self.globals:
            return self.globals[name]
        return getattr(builtins, name, _MISSING)

    def resolve(self, node):
        """Resolve a Name or an attribute chain on a free name to an object."""
        dotted = []
        while isinstance(node, gast.Attribute):
            dotted.append(node.attr)
            node = node.value
        if not isinstance(node, gast.Name):
            return _MISSING
        obj = self.lookup(node.id)
        for attr in reversed(dotted):
            if obj is _MISSING:
                return _MISSING
            obj = getattr(obj, attr, _MISSING)
        return obj


MISSING = _MISSING


def _describe(fn):
    return getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None) or repr(fn)


def parse_function(fn):
    """Read and parse ``fn``; raise SourceUnavailableError when that is impossible."""
    fn = inspect.unwrap(fn)
    if isinstance(fn, functools.partial):
        raise SourceUnavailableError(
            "{}: s2s cannot differentiate a functools.partial; differentiate the "
            "underlying function and pass the fixed arguments yourself.".format(_describe(fn.func)))
    if not isinstance(fn, types.FunctionType):
        raise SourceUnavailableError(
            "{!r} is not a Python function defined with def (it is a {}), so s2s has no "
            "source to transform. If it is called inside the function you differentiate, register "
            "its derivative rule with @s2s.adjoint(fn).".format(_describe(fn), type(fn).__name__))
    filename = fn.__code__.co_filename
    where = "{}:{}".format(filename, fn.__code__.co_firstlineno)
    if fn.__name__ == "<lambda>":
        raise SourceUnavailableError(
            "{}: s2s does not differentiate lambdas; define the function with def.".format(where))
    key = (fn.__code__, filename)
    node = _TREES.get(key)
    if node is None:
        node = _TREES[key] = _tree(fn, filename, where)
    closure = {}
    if fn.__closure__:
        for var, cell in zip(fn.__code__.co_freevars, fn.__closure__):
            try:
                closure[var] = cell.cell_contents
            except ValueError:
                pass
    return ParsedFunction(fn, node, filename, fn.__globals__, closure)


# The tree of each function parsed so far, by code object: s2s.grad(f) checks
# that f parses, and its transform then reads the same tree. Trees are shared,
# so no stage may change ``ParsedFunction.node`` (normalize copies it).
_TREES = {}


def _tree(fn, filename, where):
    """The FunctionDef of ``fn``, each statement and expression annotated with its origin."""
    try:
        lines, start = inspect.getsourcelines(fn)
    except (OSError, TypeError):
        raise SourceUnavailableError(
            "{}: the source of {} is unavailable (functions typed into the interactive "
            "interpreter or made with exec have none); define it in a .py file.".format(
                where, fn.__name__)) from None
    # blank lines in front give the nodes the line numbers of the user's file
    source = "\n" * (start - 1) + textwrap.dedent("".join(lines))
    _check_current(fn, source, where)
    try:
        module = A.parse(source)
    except SyntaxError as err:
        raise SourceUnavailableError(
            "{}: could not parse the source of {}: {}".format(where, fn.__name__, err.msg)) from None
    node = module.body[0]
    if isinstance(node, gast.AsyncFunctionDef):
        raise UnsupportedSyntaxError(
            "{}:{}: `async def {}`: s2s differentiates plain functions only; remove "
            "async.".format(filename, start, fn.__name__))
    if not isinstance(node, gast.FunctionDef):
        raise SourceUnavailableError("{}: could not find the definition of {}.".format(where, fn.__name__))
    node.decorator_list = []
    node.returns = None
    origins = {}
    for child in A.walk(node):
        if isinstance(child, (gast.stmt, gast.expr)):
            lineno = getattr(child, "lineno", None)
            if lineno:
                if lineno not in origins:
                    text = linecache.getline(filename, lineno).strip()
                    origins[lineno] = Origin(filename, lineno, text)
                anno.set(child, anno.Key.ORIGIN, origins[lineno])
    return node


def _check_current(fn, source, where):
    """Refuse a source that is not the code ``fn`` runs (its file changed after it was defined)."""
    if "@py_builtins" in fn.__globals__ and "assert" in source:
        return  # pytest rewrote the asserts of this module: its code is not the source's compilation
    if fn.__code__.co_name == "<lambda>":
        return  # a line may hold several lambdas: which one is f is not known from the name
    try:
        module = compile(source, fn.__code__.co_filename, "exec", dont_inherit=True,
                         flags=fn.__code__.co_flags & _FUTURE_FLAGS)
    except SyntaxError:
        return  # reported when the source is parsed
    compiled = next((c for c in module.co_consts if isinstance(c, types.CodeType) and c.co_name == fn.__name__), None)
    if compiled is not None and not _surely_alike(compiled, fn.__code__) \
            and _fingerprint(compiled) != _fingerprint(fn.__code__):
        raise SourceUnavailableError(
            "{}: the source of {} in {} is not the code {} runs: the file changed after {} was defined "
            "(edited without reloading?). Reload the module (importlib.reload) or restart Python, then "
            "differentiate again.".format(where, fn.__name__, fn.__code__.co_filename, fn.__name__, fn.__name__))


_FUTURE_FLAGS = 0
for _feature in __import__("__future__").all_feature_names:
    _FUTURE_FLAGS |= getattr(__import__("__future__"), _feature).compiler_flag


def _fingerprint(code):
    """What a function's code computes, in terms that do not depend on how it was compiled: its
    parameters, local, global and free names, constants (nested functions' too) and the
    arithmetic, comparisons and subscripts it performs, counted. (An import hook may compile the
    same source to other instructions: pytest's assertion rewriting loads methods as attributes.)"""
    consts = tuple(_fingerprint(c) if isinstance(c, types.CodeType) else (type(c).__name__, repr(c))
                   for c in code.co_consts)
    ops = {}
    for ins in dis.get_instructions(code):
        if ins.opname.startswith(_COUNTED):
            key = (ins.opname, ins.argrepr if ins.opname in ("BINARY_OP", "COMPARE_OP") else "")
            ops[key] = ops.get(key, 0) + 1
    names = frozenset(code.co_names) | frozenset(code.co_freevars)
    return (code.co_argcount, code.co_kwonlyargcount, code.co_varnames, names, consts, sorted(ops.items()))


_COUNTED = ("BINARY_", "UNARY_", "INPLACE_", "COMPARE_OP", "STORE_SUBSCR", "CONTAINS_OP", "IS_OP")
_EXTENDED_ARG = dis.opmap["EXTENDED_ARG"]
_COUNTED_OPS = frozenset(op for op, name in enumerate(dis.opname) if name.startswith(_COUNTED))
_KNOWN_OPS = frozenset(op for op, name in enumerate(dis.opname) if not name.startswith("<"))


def _surely_alike(a, b):
    """Whether the code objects ``a`` and ``b`` surely have one ``_fingerprint``, without ``dis``.

    Equal counts of the (opcode, argument byte) pairs of the counted opcodes mean equal counts
    of the instructions the fingerprint counts, when every opcode is one ``dis.opname`` names
    and none has an extended argument (each argument is then its byte): ``dis`` names an
    instruction and shows its operator by its opcode and argument alone. (``dis`` is slow: a
    hundred-line function costs milliseconds.) False says nothing: compare the fingerprints.
    """
    quick = []
    for code in (a, b):
        ops = code.co_code
        present = set(ops[::2])
        if _EXTENDED_ARG in present or not present <= _KNOWN_OPS:
            return False
        counted = collections.Counter(pair for pair in zip(ops[::2], ops[1::2]) if pair[0] in _COUNTED_OPS)
        consts = []
        for c in code.co_consts:
            consts.append(c if isinstance(c, types.CodeType) else (type(c).__name__, repr(c)))
        quick.append((code.co_argcount, code.co_kwonlyargcount, code.co_varnames,
                      frozenset(code.co_names) | frozenset(code.co_freevars), len(consts),
                      sorted(counted.items()), consts))
    if quick[0][:-1] != quick[1][:-1]:
        return False
    return all(_surely_alike(x, y) if isinstance(x, types.CodeType) and isinstance(y, types.CodeType) else x == y
               for x, y in zip(quick[0][-1], quick[1][-1]))

"""Standalone derivative files: generated source that runs without s2s.

Generated code names the objects it uses in two ways: through the globals of
the user's module, and through ``bindings`` (runtime helpers, NumPy under
another name, default values, closure values; see ``s2s/common/refs.py``). A
standalone file must define every such name itself, each in one of four ways:

- an import: a module (``import numpy as np``), or an object importable by its
  module and qualified name (``from helpers import act``);
- inlined source: s2s runtime helpers, the checkpoint schedules of
  ``s2s/runtime/schedules.py`` that checkpointed loops drive, and functions or classes
  of the file being differentiated (its module may import s2s, so it is never
  imported), each with whatever its own source needs, transitively;
- a literal: numbers, strings, None, containers of them, NumPy arrays;
- a builtin, which needs nothing.

Anything else raises an S2SError naming the object. The result imports only
what the objects need, and nothing from s2s.

Requires: the generated source, its bindings, and the namespace it runs in.
Leaves: one module's text: docstring header, imports, inlined definitions in
source order, then the generated functions.
"""
import builtins
import collections
import importlib
import itertools
import inspect
import io
import math
import symtable
import sys
import textwrap
import tokenize
import types

import numpy as np

from s2s import runtime
from s2s.runtime import schedules
from s2s.common.errors import S2SError
from s2s.common.refs import owner_module

_MISSING = object()
# s2s modules whose objects the generated code may use; they are copied
_COPIED = runtime.MODULES + runtime.SUPPORT
_LITERAL_TYPES = (bool, int, float, complex, str, bytes, type(None))


class StandaloneError(S2SError):
    """An object the generated code uses cannot be written into a standalone file."""


def free_names(source):
    """Global names ``source`` (module text) reads but does not define at top level."""
    table = symtable.symtable(source, "<s2s>", "exec")
    defined = {s.get_name() for s in table.get_symbols() if s.is_assigned() or s.is_imported()}
    found = set()

    def visit(scope):
        for sym in scope.get_symbols():
            top = scope.get_type() == "module"
            if sym.is_referenced() and (top or sym.is_global()):
                found.add(sym.get_name())
        for child in scope.get_children():
            visit(child)

    visit(table)
    return found - defined


class _Module:
    """The namespace of the standalone file being assembled."""

    def __init__(self, home_modules, what):
        self.home_modules = home_modules    # module names whose objects are inlined
        self.what = what                    # "grad_f of f (file.py:3)", for messages
        self.names = {}                     # name -> object it is bound to
        self.imports = []
        self.definitions = []               # (sort key, text)
        self._inlined = set()

    # ------------------------------------------------------------ binding
    def bind(self, name, obj, user):
        """Make ``name`` refer to ``obj``; ``user`` says who needs it, for messages."""
        bound = self.names.get(name, _MISSING)
        if bound is not _MISSING:
            if bound is obj or (_is_literal(obj) and _same_literal(bound, obj)):
                return
            raise StandaloneError(
                "{}: cannot write a standalone file: the name `{}` would mean both {} and {}. "
                "Rename one of them in your code.".format(self.what, name, _describe(bound), _describe(obj)))
        if getattr(builtins, name, _MISSING) is obj:
            return
        self.names[name] = obj
        if isinstance(obj, types.ModuleType):
            self._import_module(name, obj, user)
        elif self._is_home(obj):
            self._inline(name, obj, user)
        elif _is_literal(obj):
            self.definitions.append(((0, 0, name), "{} = {}\n".format(name, self.literal(obj, user))))
        else:
            self._import_object(name, obj, user)

    def _is_home(self, obj):
        module = getattr(obj, "__module__", None)
        return isinstance(obj, (types.FunctionType, type)) and module in self.home_modules \
            and getattr(sys.modules.get(module), obj.__name__, None) is obj

    def _import_module(self, name, module, user):
        if module.__name__.split(".")[0] == "s2s":
            raise StandaloneError("{}: cannot write a standalone file: {} uses the module {} as `{}`; "
                                  "a standalone file does not import s2s.".format(self.what, user, module.__name__, name))
        if module.__name__ == name:
            self.imports.append("import {}".format(name))
        else:
            self.imports.append("import {} as {}".format(module.__name__, name))

    def _import_object(self, name, obj, user):
        module = getattr(obj, "__module__", None)
        qualname = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None)
        found = _importable(module, qualname, obj)
        if found is None and getattr(obj, "__name__", None):
            owner = owner_module(obj)
            found = _importable(owner.__name__ if owner else None, obj.__name__, obj)
        if found is None:
            found = _public_instance(obj)
        if found is None or found[0].split(".")[0] in ("s2s", "__main__") or found[0] in self.home_modules:
            raise StandaloneError(
                "{}: cannot write a standalone file: {} uses `{}`, which is {}; it is not a module, a "
                "function or class s2s can copy or import by name, nor a literal value. Pass it as an "
                "argument, or make it a module-level constant of numbers or arrays.".format(
                    self.what, user, name, _describe(obj)))
        module, qualname = found
        if "." in qualname:
            raise StandaloneError("{}: cannot write a standalone file: {} uses `{}`, which is {}, defined "
                                  "inside a class or function of {}; it cannot be imported by name.".format(
                                      self.what, user, name, _describe(obj), module))
        if qualname == name:
            self.imports.append("from {} import {}".format(module, name))
        else:
            self.imports.append("from {} import {} as {}".format(module, qualname, name))

    def _inline(self, name, obj, user):
        if obj.__name__ != name:
            self.bind(obj.__name__, obj, user)
            self.definitions.append(((4, 0, name), "{} = {}\n".format(name, obj.__name__)))
            return
        if obj in self._inlined:
            return
        self._inlined.add(obj)
        try:
            lines, start = inspect.getsourcelines(obj)
        except (OSError, TypeError):
            if isinstance(obj, type) and issubclass(obj, tuple) and "_fields" in vars(obj):
                return self._namedtuple(name, obj, user)
            raise StandaloneError("{}: cannot write a standalone file: the source of {} is unavailable.".format(
                self.what, _describe(obj))) from None
        text = textwrap.dedent("".join(lines))
        group = 2 if obj.__module__ == schedules.__name__ else 1 if obj.__module__ in _COPIED else 3
        # copied helpers in the order of their modules, then of their lines
        rank = _COPIED.index(obj.__module__) if obj.__module__ in _COPIED else 0
        self.definitions.append(((group, (rank, start), name), text))
        namespace = vars(sys.modules[obj.__module__])
        for free in sorted(free_names(text)):
            value = namespace.get(free, getattr(builtins, free, _MISSING))
            if value is _MISSING:
                raise StandaloneError("{}: cannot write a standalone file: {} reads the global `{}`, which is "
                                      "not defined.".format(self.what, _describe(obj), free))
            self.bind(free, value, _describe(obj))

    def _namedtuple(self, name, cls, user):
        """A class ``collections.namedtuple`` made (it has no source): the call that makes it again."""
        self.bind("collections", collections, user)
        defaults = tuple(cls._field_defaults[f] for f in cls._fields if f in cls._field_defaults)
        extra = ", defaults={}".format(self.literal(defaults, user)) if defaults else ""
        text = "{} = collections.namedtuple({!r}, {}{})\n".format(name, cls.__name__,
                                                                 self.literal(tuple(cls._fields), user), extra)
        self.definitions.append(((3, (0, 0), name), text))

    # ------------------------------------------------------------ literals
    def literal(self, value, user):
        """Source text for a literal value (arrays through the NumPy module)."""
        if isinstance(value, float) and not math.isfinite(value):
            return "float({!r})".format(repr(value))
        if isinstance(value, complex) and not (math.isfinite(value.real) and math.isfinite(value.imag)):
            return "complex({!r})".format(repr(value))
        if isinstance(value, _LITERAL_TYPES):
            return repr(value)
        if isinstance(value, (tuple, list)):
            items = [self.literal(v, user) for v in value]
            if isinstance(value, tuple):
                return "({})".format(items[0] + ",") if len(items) == 1 else "({})".format(", ".join(items))
            return "[{}]".format(", ".join(items))
        if isinstance(value, dict):
            return "{{{}}}".format(", ".join("{}: {}".format(self.literal(k, user), self.literal(v, user))
                                             for k, v in value.items()))
        numpy_name = self.numpy_name(user)
        if isinstance(value, np.ndarray):
            dtype = value.dtype.name if value.dtype.isnative else value.dtype.str
            return "{}.array({}, dtype={!r})".format(numpy_name, self.literal(value.tolist(), user), dtype)
        return "{}.{}({})".format(numpy_name, value.dtype.name, self.literal(value.item(), user))

    def numpy_name(self, user):
        for name, obj in self.names.items():
            if obj is np:
                return name
        self.bind("np", np, user)
        return "np"

    # ------------------------------------------------------------ output
    def text(self, header, generated, home_file):
        imports = sorted(set(self.imports), key=lambda line: (line.split()[1], line))
        groups = [[line for line in imports if _is_stdlib(line)], [line for line in imports if not _is_stdlib(line)]]
        head = '"""{}"""\n'.format(header.rstrip("\n") + "\n")
        head += "".join("\n" + "\n".join(group) + "\n" for group in groups if group)
        titles = {0: "# Values the generated code uses.", 1: "# Helpers copied from s2s.runtime.",
                  2: "# Checkpoint schedules copied from s2s/runtime/schedules.py.",
                  3: "# Copied from {}.".format(home_file), 4: "# Other names the generated code uses."}
        blocks = []
        group = None
        for key, text in sorted(self.definitions, key=lambda d: d[0]):
            text = text.rstrip("\n") + "\n"
            if key[0] == group and key[0] in (0, 4):  # assignments: one per line
                blocks[-1] += text
            else:
                blocks.append(("" if key[0] == group else titles[key[0]] + "\n") + text)
            group = key[0]
        blocks.append("# The derivative.\n" + generated.rstrip("\n") + "\n")
        return head + "\n\n" + "\n\n".join(blocks)


def _is_stdlib(line):
    top = line.split()[1].split(".")[0]
    return top in getattr(sys, "stdlib_module_names", ("math", "numbers", "operator", "functools"))


def _is_literal(value):
    if isinstance(value, _LITERAL_TYPES):
        return True
    if isinstance(value, (tuple, list)) and type(value) in (tuple, list):
        return all(_is_literal(v) for v in value)
    if type(value) is dict:
        return all(_is_literal(k) and _is_literal(v) for k, v in value.items())
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "biufc" and value.size <= 100_000
    return isinstance(value, np.generic) and value.dtype.kind in "biufc"


def _same_literal(a, b):
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.dtype == b.dtype \
            and np.array_equal(a, b)
    return type(a) is type(b) and a == b


def _public_instance(obj):
    """(module, name) of an instance that the public package of its class exports by name
    (``scipy.stats.norm``, a ``norm_gen`` of ``scipy.stats._continuous_distns``), or None."""
    parts = type(obj).__module__.split(".")
    public = ".".join(itertools.takewhile(lambda part: not part.startswith("_"), parts))
    module = sys.modules.get(public)
    if module is None or public.split(".")[0] in ("builtins", "s2s", "__main__"):
        return None
    for attr, value in vars(module).items():
        if value is obj and not attr.startswith("_"):
            return public, attr
    return None


def _importable(module, qualname, obj):
    if not module or not qualname or "<" in qualname:
        return None
    try:
        value = importlib.import_module(module)
    except Exception:
        return None
    for part in qualname.split("."):
        value = getattr(value, part, _MISSING)
    return (module, qualname) if value is obj else None


def _describe(obj):
    if isinstance(obj, types.ModuleType):
        return "the module {}".format(obj.__name__)
    name = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None)
    if name and isinstance(obj, (types.FunctionType, type, types.BuiltinFunctionType)):
        return "{}.{}".format("s2s.runtime" if runtime.is_runtime(obj) else getattr(obj, "__module__", "?"), name)
    text = repr(obj)
    if len(text) > 60:
        text = text[:57] + "..."
    return "{} (a {})".format(text, type(obj).__name__)


def names_in(source):
    """Every identifier token of ``source`` (comments and strings excluded)."""
    return {tok.string for tok in tokenize.generate_tokens(io.StringIO(source).readline) if tok.type == tokenize.NAME}


def rename(source, old, new):
    """``source`` with every identifier ``old`` replaced by ``new``; comments and strings are kept."""
    lines = source.splitlines(True)
    tokens = [tok for tok in tokenize.generate_tokens(io.StringIO(source).readline)
              if tok.type == tokenize.NAME and tok.string == old]
    for tok in reversed(tokens):
        (row, col), (_, end) = tok.start, tok.end
        lines[row - 1] = lines[row - 1][:col] + new + lines[row - 1][end:]
    return "".join(lines)


def _rewrite_s2s_attributes(source, resolve):
    """Replace ``s2s.stop_gradient``-style chains by the helper's own name.

    ``resolve(name)`` is the object a free name refers to. Chains that start at
    a name bound to an s2s module and end at an object of s2s's runtime or
    schedules (``schedules.binomial``) become that object's name; the caller
    then binds the name to the object.
    """
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    lines = source.splitlines(True)
    edits = []
    used = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        previous = tokens[i - 1].string if i else ""
        obj = resolve(tok.string) if tok.type == tokenize.NAME and previous != "." else _MISSING
        if isinstance(obj, types.ModuleType) and obj.__name__.split(".")[0] == "s2s":
            j = i
            while isinstance(obj, types.ModuleType) and j + 2 < len(tokens) and tokens[j + 1].string == "." \
                    and tokens[j + 2].type == tokenize.NAME:
                obj = getattr(obj, tokens[j + 2].string, _MISSING)
                j += 2
            if getattr(obj, "__module__", None) in _COPIED and tok.start[0] == tokens[j].end[0]:
                edits.append((tok.start, tokens[j].end, obj.__name__))
                used.append(obj)
                i = j
        i += 1
    for (row, col), (_, end), name in reversed(edits):
        line = lines[row - 1]
        lines[row - 1] = line[:col] + name + line[end:]
    return "".join(lines), used


def module_source(source, bindings, namespace, home_module, home_file, what, header):
    """The text of a standalone module holding ``source``.

    ``bindings``: names the loader passes to the generated code; ``namespace``:
    the globals it runs with (the user's module); ``home_module``: the name of
    the user's module, whose functions are copied rather than imported, and
    ``home_file`` its file name, for a comment;
    ``what``: a short description for messages; ``header``: the module docstring.
    """
    def resolve(name):
        if name in bindings:
            return bindings[name]
        if name in namespace:
            return namespace[name]
        return getattr(builtins, name, _MISSING)

    module = _Module({home_module} | set(_COPIED), what)
    for name in sorted(free_names(source)):
        obj = resolve(name)
        if isinstance(obj, types.ModuleType) and obj.__name__.split(".")[0] == "s2s":
            continue  # s2s.stop_gradient and the like: rewritten below
        if obj is _MISSING:
            raise StandaloneError("{}: cannot write a standalone file: the generated code reads `{}`, which is "
                                  "not defined in the function's module.".format(what, name))
        module.bind(name, obj, "the generated code")
    source, helpers = _rewrite_s2s_attributes(source, resolve)
    for helper in helpers:
        module.bind(helper.__name__, helper, "the generated code")
    unresolved = {name for name in free_names(source) if name not in module.names
                  and getattr(builtins, name, _MISSING) is not resolve(name)}
    if unresolved:
        raise StandaloneError("{}: cannot write a standalone file: the generated code uses {} through the "
                              "s2s module; only s2s's runtime helpers and schedules can be copied.".format(
                                  what, ", ".join("`{}`".format(n) for n in sorted(unresolved))))
    return module.text(header, source, home_file)

"""Standalone files compiled with Numba (``s2s grad --compile numba -o OUT.py``).

Takes the text of a standalone module (``s2s/backend/standalone.py``: the
inlined helpers, then ``# The derivative.`` and the generated functions) and
gives it ``@numba.njit`` on each generated function, the nopython versions of
the inlined helpers it calls (the overloads of ``s2s/backend/numba_helpers.py``
and ``numba_reductions.py`` with the predicates of ``numba_types.py``, each copied
from its ``# -- overloads --`` line on, only those of helpers the file defines), and ``reversed`` bound to the compiled stand-in, as
``s2s/backend/numba_compile.py`` binds it, and, where the derivative calls
``np.tanh``, ``np.exp``, ... with one argument, the stand-ins of
``s2s/backend/numba_ufuncs.py`` that call NumPy's own loops on large arrays. The file still imports nothing from
s2s: it needs NumPy and Numba.
"""
import ast
import inspect

from s2s.backend.standalone import StandaloneError

_MARK = "# -- overloads --"
_DERIVATIVE = "# The derivative.\n"


def compiled_module(text, what):
    """``text`` (a standalone module) with its generated functions compiled by Numba."""
    from s2s.backend import numba_helpers, numba_reductions, numba_types

    if _DERIVATIVE not in text:
        raise StandaloneError("{}: cannot add Numba to the standalone file: no generated functions found".format(
            what))
    head, derivative = text.split(_DERIVATIVE, 1)
    defined = _top_level_names(text)
    if defined.get("np") != "numpy":
        raise StandaloneError("{}: cannot write a compiled standalone file: its helpers need NumPy as `np`, which "
                              "the file does not import under that name.".format(what))
    block = "# Nopython versions of the helpers above, copied from s2s/backend/numba_helpers.py.\n"
    sources = [inspect.getsource(m) for m in (numba_types, numba_helpers, numba_reductions)]
    block += "\n\n\n".join(_overloads(sources, defined)) + "\n"
    if "reversed(" in derivative:
        block += "\n\nreversed = backwards  # Numba has no reversed(); the generated code's loops use this one\n"
    block += _fast_ufuncs(derivative)
    derivative = "".join("@numba.njit\n" + line if line.startswith("def ") else line
                         for line in derivative.splitlines(True))
    return _with_imports(head) + block + "\n\n" + _DERIVATIVE + derivative


def _fast_ufuncs(derivative):
    """NumPy's own loops for the tanh, exp, ... the derivative calls with one argument (numba_ufuncs.py)."""
    from s2s.backend import numba_ufuncs

    names = numba_ufuncs.single_argument_calls(derivative, {"np"})
    if not names:
        return ""
    return ("\n\n# NumPy's own loops for {} on large float arrays (Numba's are one libm call per element), "
            "copied from s2s/backend/numba_ufuncs.py.\n".format(", ".join("np." + n for n in names))
            + numba_ufuncs.copied_part().rstrip("\n") + "\n\n\n"
            + "np = numpy_with({{{}}})\n".format(", ".join("{!r}: _stand_in({!r})".format(n, n) for n in names)))


def _top_level_names(text):
    """{name: what it is} for the module's imports (the module name) and definitions (None)."""
    out = {}
    for node in ast.parse(text).body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                out[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else alias.name.split(
                    ".")[0]
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            out[node.name] = None
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    out[target.id] = None
    return out


def _overloads(sources, defined):
    """The definitions after the marker of each module's source: the predicates and helpers of the
    overloads, and each overload whose helper is defined."""
    parts = []
    for source in sources:
        body = source.split("\n" + _MARK + "\n", 1)[1]
        parts += [(node, body.splitlines(True)) for node in ast.parse(body).body]
    defined = set(defined) | {n.name for n, _ in parts if isinstance(n, ast.FunctionDef) and _overloaded(n) is None}
    out = []
    for node, lines in parts:
        target = _overloaded(node)
        if target is not None and target not in defined:
            continue
        start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        out.append("".join(lines[start - 1:node.end_lineno]).rstrip("\n"))
    return out


def _overloaded(node):
    """``name`` for a function decorated with ``@numba.extending.overload(name)``, else None."""
    for decorator in getattr(node, "decorator_list", []):
        if isinstance(decorator, ast.Call) and decorator.args and isinstance(decorator.args[0], ast.Name) \
                and ast.unparse(decorator.func) == "numba.extending.overload":
            return decorator.args[0].id
    return None


def _with_imports(head):
    """``head`` with the imports the overloads need after its last top-level import."""
    tree = ast.parse(head)
    imports = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    lines = head.splitlines(True)
    at = imports[-1].end_lineno if imports else (tree.body[0].end_lineno if tree.body else 0)
    return "".join(lines[:at]) + "import builtins\nimport types\n\nimport numba\nimport numba.extending\n" \
        + "".join(lines[at:])

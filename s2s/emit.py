"""Emit: generated FunctionDefs to source text, with comments tying each
block to the user's source line it came from.
"""
import ast
import re

import gast

from s2s import anno
from s2s import astutil as A

_MARK = "__s2s_origin__"
_MARK_RE = re.compile(r"^(\s*)'" + _MARK + r" (.*)'$")


def _annotate(stmts, last):
    """Insert a marker statement before each statement whose origin changes."""
    out = []
    for stmt in stmts:
        origin = anno.get(stmt, anno.Key.ORIGIN)
        if origin is not None and (origin.filename, origin.lineno) != last[0]:
            text = "{}:{}".format(_basename(origin.filename), origin.lineno)
            if origin.text:
                text += "  " + origin.text
            out.append(gast.Expr(value=gast.Constant(value="{} {}".format(_MARK, text), kind=None)))
            last[0] = (origin.filename, origin.lineno)
        for field in ("body", "orelse"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list) and inner:
                setattr(stmt, field, _annotate(inner, last))
        out.append(stmt)
    return out


def _basename(path):
    return path.replace("\\", "/").rsplit("/", 1)[-1]


def to_source(functions):
    """Source text of ``functions`` (gast FunctionDefs), with origin comments."""
    chunks = []
    for fn in functions:
        fn = _copy(fn)
        fn.body = _annotate(fn.body, [None])
        module = gast.Module(body=[fn], type_ignores=[])
        text = ast.unparse(ast.fix_missing_locations(gast.gast_to_ast(module)))
        lines = []
        for line in text.splitlines():
            match = _MARK_RE.match(line)
            if match:
                comment = match.group(2).encode().decode("unicode_escape") if "\\" in match.group(2) else match.group(2)
                lines.append("{}# {}".format(match.group(1), comment))
            else:
                lines.append(line)
        chunks.append("\n".join(lines))
    return "\n\n\n".join(chunks) + "\n"


def _copy(fn):
    return A.deepcopy(fn)

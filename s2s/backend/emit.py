"""Emit: generated FunctionDefs to source text, with comments tying each
block to the user's source line it came from.

Requires: gast FunctionDefs whose statements may carry ``Key.ORIGIN``.
Leaves the trees unchanged: the source is unparsed (stdlib ``ast.unparse``)
from a stdlib ``ast`` twin built here in one pass.
"""
import ast
import copy
import math
import re

import gast

from s2s.common import anno

_MARK = "__s2s_origin__"
_SITE = "__s2s_site__"
# Python 3.9's ast.unparse writes a lambda without parameters as `lambda :`; 3.10 and later as
# `lambda:` (the same code; the same text on every version)
_LAMBDA_39 = re.compile(r"\blambda :")
# a marker statement as ast.unparse writes it, in whichever quotes its text needs
_MARK_RE = re.compile(r"^(\s*)(['\"]{1,3}(" + _MARK + "|" + _SITE + r") .*)$")


def _annotate(stmts, last, marks):
    """``stmts`` with a marker statement before each statement whose origin changes.

    Compound statements are shallow copies with annotated bodies; the
    statements given are not changed. ``marks`` gets ``(comment, origin)`` for
    each marker in the order of the source: a comment for ``Key.ORIGIN``, None
    for a ``Key.SITE`` (an adjoint statement's line, which gets no comment).
    ``last`` holds the (origin, site) in effect.
    """
    out = []
    for stmt in stmts:
        origin = anno.get(stmt, anno.Key.ORIGIN)
        site = anno.get(stmt, anno.Key.SITE)
        if origin is not None and (origin.filename, origin.lineno) != last[0]:
            text = "{}:{}".format(_basename(origin.filename), origin.lineno)
            if origin.text:
                text += "  " + origin.text
            out.append(gast.Expr(value=gast.Constant(value="{} {}".format(_MARK, text), kind=None)))
            marks.append((text, origin))
            last[0] = last[1] = (origin.filename, origin.lineno)
        elif origin is None and site is not None and (site.filename, site.lineno) != last[1]:
            out.append(gast.Expr(value=gast.Constant(value="{} {}".format(_SITE, len(marks)), kind=None)))
            marks.append((None, site))
            last[1] = (site.filename, site.lineno)
        fields = [f for f in ("body", "orelse") if isinstance(getattr(stmt, f, None), list) and getattr(stmt, f)]
        if fields:
            stmt = copy.copy(stmt)
            for field in fields:
                setattr(stmt, field, _annotate(getattr(stmt, field), last, marks))
        out.append(stmt)
    return out


def _basename(path):
    return path.replace("\\", "/").rsplit("/", 1)[-1]


def to_source(functions, sites=None):
    """Source text of ``functions`` (gast FunctionDefs), with origin comments.

    ``sites``, a dict when given, gets for each line number of the text the
    ``Origin`` of the user's line it came from (adjoint lines included), for
    messages about errors raised while the generated code runs.
    """
    chunks = []
    first_line = 1
    for fn in functions:
        fn = copy.copy(fn)
        marks = []
        fn.body = _annotate(fn.body, [None, None], marks)
        text = _LAMBDA_39.sub("lambda:", ast.unparse(to_ast(gast.Module(body=[fn], type_ignores=[]))))
        lines = []
        found = [m for m in map(_MARK_RE.match, text.splitlines())]
        # one marker line per marker, in order: each line's comment is known without decoding its literal
        # (read back from the line only if the counts disagree)
        in_order = sum(1 for m in found if m) == len(marks)
        k = 0
        current = None
        for line, match in zip(text.splitlines(), found):
            if match:
                if in_order:
                    comment, current = marks[k]
                else:
                    value = ast.literal_eval(match.group(2))
                    comment, current = (value[len(_MARK) + 1:], None) if match.group(3) == _MARK else (None, None)
                k += 1
                if comment is None:
                    continue
                line = "{}# {}".format(match.group(1), comment)
            lines.append(line)
            if sites is not None and current is not None:
                sites[first_line + len(lines) - 1] = current
        chunks.append("\n".join(lines))
        first_line += len(lines) + 2
    return "\n\n\n".join(chunks) + "\n"


def to_ast(node):
    """The stdlib ``ast`` twin of a gast tree (new nodes; ``node`` is not changed).

    gast and ast name their nodes and fields alike, except that gast spells a
    parameter and the name of ``except ... as name`` as Name nodes. Faster
    than ``gast.gast_to_ast`` (no visitor, no locations: unparsing needs none;
    the contexts and operators, which hold nothing, are shared).
    """
    cls = node.__class__
    if cls is list:
        return [to_ast(item) for item in node]
    if cls is gast.Name:
        new = _NAME_NEW(_NAME)
        ctx = _SHARED.get(node.ctx.__class__)
        new.__dict__.update(id=node.id, ctx=ctx if ctx is not None else to_ast(node.ctx))
        return new
    shared = _SHARED.get(cls)
    if shared is not None:
        return shared
    plain = _PLAIN.get(cls)
    if plain is not None:  # most nodes: the general case below, with what it finds out about the class kept
        target, names, statement = plain
        new = target.__new__(target)
        fields, given = new.__dict__, node.__dict__  # gast's classes hold no field of their own
        for field in names:
            value = given.get(field)
            fields[field] = value if value.__class__ in _ATOMIC else to_ast(value)
        if statement:
            new.lineno = None
        return new
    if not isinstance(node, gast.AST):
        return node
    if cls is gast.Constant and _negative_number(node.value):
        # ast.unparse writes a negative constant without parentheses: (-0.5) ** 2 came out -0.5 ** 2
        return ast.UnaryOp(op=ast.USub(), operand=ast.Constant(value=-node.value))
    if cls is gast.arguments:
        return ast.arguments(
            posonlyargs=[_arg(a) for a in node.posonlyargs], args=[_arg(a) for a in node.args],
            vararg=_arg(node.vararg), kwonlyargs=[_arg(a) for a in node.kwonlyargs],
            kw_defaults=to_ast(node.kw_defaults), kwarg=_arg(node.kwarg), defaults=to_ast(node.defaults))
    target = _AST_CLASS.get(cls)
    if target is None:
        target = _AST_CLASS[cls] = getattr(ast, cls.__name__)
        if cls not in (gast.Constant, gast.arguments, gast.ExceptHandler) and getattr(gast, cls.__name__) is cls:
            _PLAIN[cls] = (target, target._fields, issubclass(target, ast.stmt))
    new = target.__new__(target)
    fields = new.__dict__
    for field in target._fields:
        value = getattr(node, field, None)
        fields[field] = value if value.__class__ in _ATOMIC else to_ast(value)
    if cls is gast.ExceptHandler and node.name is not None:
        new.name = node.name.id
    if isinstance(new, ast.stmt):
        new.lineno = None  # read (with no effect) by ast.unparse's type-comment lookup
    return new


_ATOMIC = frozenset({str, int, float, bool, type(None)})
_AST_CLASS = {}
_PLAIN = {}  # gast class -> (ast class, its fields, whether a statement), for the classes without a special case
_NAME, _NAME_NEW = ast.Name, ast.Name.__new__
# nodes without fields (contexts, operators): one stdlib instance each, which unparsing only reads
_SHARED = {cls: getattr(ast, cls.__name__)() for cls in vars(gast).values()
           if isinstance(cls, type) and issubclass(cls, (gast.expr_context, gast.operator, gast.unaryop, gast.cmpop,
                                                         gast.boolop))
           and not cls._fields and cls.__name__ not in ("AugLoad", "AugStore", "Param")  # deprecated in ast
           and isinstance(getattr(ast, cls.__name__, None), type) and cls.__name__[0].isupper()}


def _negative_number(value):
    return value.__class__ in (int, float) and (value < 0 or (value == 0 and math.copysign(1.0, value) < 0))


def _arg(node):
    if node is None:
        return None
    return ast.arg(arg=node.id, annotation=to_ast(node.annotation), type_comment=node.type_comment)

"""Reject the constructs s2s does not differentiate, with a message that says
where and what to write instead.
"""
import builtins
import inspect

import gast

from s2s.common import anno
from s2s.common import astutil as A
from s2s.common.errors import S2SError, UnsupportedSyntaxError
from s2s.frontend.parse import parse_function

_ADVICE = {
    gast.Yield: ("`yield`", "generators cannot be differentiated; build and return a list instead"),
    gast.YieldFrom: ("`yield from`", "generators cannot be differentiated; build and return a list instead"),
    gast.Await: ("`await`", "asynchronous code cannot be differentiated"),
    gast.Try: ("`try`", "exception handling around differentiated code is not supported; "
               "check the condition with `if` instead, or move the try outside the function"),
    gast.AsyncWith: ("`async with`", "asynchronous code cannot be differentiated"),
    gast.AsyncFor: ("`async for`", "asynchronous code cannot be differentiated"),
    gast.ClassDef: ("a class definition", "define the class at module level"),
    gast.AsyncFunctionDef: ("a nested async function", "asynchronous code cannot be differentiated"),
    gast.Global: ("`global`", "differentiated functions cannot write global variables; return "
                  "the value instead"),
    gast.Nonlocal: ("`nonlocal`", "differentiated functions cannot write enclosing variables; "
                    "return the value from the nested function instead"),
    gast.Delete: ("`del`", "remove the del statement (rebind the name instead)"),
    gast.Import: ("an import", "import at module level"),
    gast.ImportFrom: ("an import", "import at module level"),
    gast.SetComp: ("a set comprehension", "use a list comprehension"),
    gast.Set: ("a set", "use a list or a tuple"),
    gast.NamedExpr: ("`:=`", "assign on a separate line"),
}
if hasattr(gast, "Match"):
    _ADVICE[gast.Match] = ("`match`", "use if/elif/else")
if hasattr(gast, "TryStar"):
    _ADVICE[gast.TryStar] = ("`try`", "exception handling is not supported in differentiated code")


def fail(node, what, advice, parsed=None):
    origin = anno.get(node, anno.Key.ORIGIN)
    if origin is None and parsed is not None:
        origin = parsed.origin(getattr(node, "lineno", parsed.fn.__code__.co_firstlineno))
    location = "{}:{}".format(origin.filename, origin.lineno) if origin else "<unknown>"
    quoted = " `{}`".format(origin.text) if origin and origin.text else ""
    raise UnsupportedSyntaxError("{}:{} {} is not supported: {}.".format(location, quoted, what, advice))


def check(parsed):
    """Raise UnsupportedSyntaxError at the first unsupported construct."""
    fn = parsed.node
    args = fn.args
    if args.vararg is not None or args.kwarg is not None:
        fail(fn, "a `*args`/`**kwargs` parameter", "list the parameters explicitly", parsed)
    walks = [A.walk(stmt) for stmt in fn.body]  # each statement's nodes, for the three checks below
    for nodes in walks:
        for node in nodes:
            advice = _ADVICE.get(type(node))
            if advice is not None:
                fail(node, advice[0], advice[1], parsed)
            if isinstance(node, gast.Starred) and isinstance(node.ctx, gast.Store):
                fail(node, "starred assignment", "index the sequence explicitly (a = x[0]; b = x[1:])", parsed)
            if isinstance(node, gast.Starred) and isinstance(node.ctx, gast.Load):
                fail(node, "`*` unpacking in a call or display", "pass the elements explicitly", parsed)
            if isinstance(node, gast.Call) and any(k.arg is None for k in node.keywords):
                fail(node, "`**` unpacking in a call", "pass the keyword arguments explicitly", parsed)
    _check_hidden_code(parsed, walks)
    _check_argument_mutation(parsed, walks=walks)


# builtins that run or reach code s2s cannot read: a derivative through them would be silently wrong
_HIDDEN = {
    "eval": "s2s cannot see inside the string it evaluates; write the expression in the function",
    "exec": "s2s cannot see inside the code it runs; write the statements in the function",
    "compile": "s2s cannot see inside code compiled at run time; write it in the function",
    "__import__": "import at module level",
    "globals": "read module variables by name",
    "locals": "use the variables by name",
    "vars": "use the variables or attributes by name",
}


def _check_hidden_code(parsed, walks):
    for nodes in walks:
        for node in nodes:
            if isinstance(node, gast.Call) and isinstance(node.func, gast.Name) and node.func.id in _HIDDEN \
                    and parsed.resolve(node.func) is getattr(builtins, node.func.id):
                fail(node, "`{}(...)`".format(node.func.id), _HIDDEN[node.func.id], parsed)


# list methods that change the list they are called on
_MUTATING = frozenset({"append", "extend", "insert", "pop", "remove", "clear", "sort", "reverse"})


def _check_argument_mutation(parsed, seen=None, walks=None):
    """Refuse a list method that changes an argument in place before the function rebinds it: the
    caller's list would change (s2s follows values a function returns, not changes it makes).
    The functions ``parsed`` calls are checked too: a call made for its side effect is not
    differentiated, and a call on a list whose elements it pops sees none of their derivatives.
    ``walks``: the nodes of each statement of ``parsed`` (``A.walk``), when known."""
    seen = set() if seen is None else seen
    everything = A.walk(parsed.node)
    for callee in _user_callees(parsed, everything):
        if callee.__code__ not in seen:
            seen.add(callee.__code__)
            try:
                inner = parse_function(callee)
            except S2SError:
                continue  # its source is checked (and refused) when it is differentiated
            _check_argument_mutation(inner, seen)
    fn = parsed.node
    args = fn.args
    params = {a.id for a in args.posonlyargs + args.args + args.kwonlyargs}
    rebound = {}  # parameter -> the first line that assigns it
    for node in everything:
        if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Store) and node.id in params:
            line = getattr(node, "lineno", 0)
            rebound[node.id] = min(line, rebound.get(node.id, line))
    for nodes in (walks if walks is not None else [A.walk(stmt) for stmt in fn.body]):
        for node in nodes:
            if not (isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute)
                    and node.func.attr in _MUTATING and isinstance(node.func.value, gast.Name)):
                continue
            name = node.func.value.id
            if name in params and getattr(node, "lineno", 0) <= rebound.get(name, float("inf")):
                fail(node, "`{}.{}(...)` on the argument `{}`".format(name, node.func.attr, name),
                     "it would change the caller's list, which s2s does not follow into the caller; "
                     "build a new list first (`{0} = [v for v in {0}]`) and return what the caller needs".format(name),
                     parsed)


_LIBRARIES = ("numpy", "scipy", "s2s", "math", "builtins")


def _user_callees(parsed, nodes):
    """The plain Python functions of the user's code that ``parsed`` calls by name (``nodes``: its tree's)."""
    out = []
    for node in nodes:
        if isinstance(node, gast.Call) and isinstance(node.func, (gast.Name, gast.Attribute)):
            callee = parsed.resolve(node.func)
            module = (getattr(callee, "__module__", None) or "").split(".")[0]
            if inspect.isfunction(callee) and module not in _LIBRARIES and callee not in out:
                out.append(callee)
    return out

"""Reject the constructs s2s does not differentiate, with a message that says
where and what to write instead.
"""
import gast

from s2s.common import anno
from s2s.common import astutil as A
from s2s.common.errors import UnsupportedSyntaxError

_ADVICE = {
    gast.Yield: ("`yield`", "generators cannot be differentiated; build and return a list instead"),
    gast.YieldFrom: ("`yield from`", "generators cannot be differentiated; build and return a list instead"),
    gast.Await: ("`await`", "asynchronous code cannot be differentiated"),
    gast.Try: ("`try`", "exception handling around differentiated code is not supported; "
               "check the condition with `if` instead, or move the try outside the function"),
    gast.With: ("`with`", "with-blocks are not supported inside differentiated code; move them "
                "outside the function"),
    gast.AsyncWith: ("`async with`", "asynchronous code cannot be differentiated"),
    gast.AsyncFor: ("`async for`", "asynchronous code cannot be differentiated"),
    gast.ClassDef: ("a class definition", "define the class at module level"),
    gast.FunctionDef: ("a nested function definition", "define the function at module level and "
                       "call it; s2s differentiates calls to module-level functions"),
    gast.AsyncFunctionDef: ("a nested async function", "asynchronous code cannot be differentiated"),
    gast.Lambda: ("`lambda`", "define the function with def at module level"),
    gast.Global: ("`global`", "differentiated functions cannot write global variables; return "
                  "the value instead"),
    gast.Nonlocal: ("`nonlocal`", "differentiated functions cannot write enclosing variables; "
                    "return the value instead"),
    gast.Delete: ("`del`", "remove the del statement (rebind the name instead)"),
    gast.Import: ("an import", "import at module level"),
    gast.ImportFrom: ("an import", "import at module level"),
    gast.SetComp: ("a set comprehension", "use a list comprehension"),
    gast.DictComp: ("a dict comprehension", "use lists or arrays"),
    gast.Dict: ("a dict", "dicts are not differentiated yet; use tuples, lists or arrays"),
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
    for stmt in fn.body:
        for node in A.walk(stmt):
            advice = _ADVICE.get(type(node))
            if advice is not None:
                fail(node, advice[0], advice[1], parsed)
            if isinstance(node, (gast.For, gast.While)) and node.orelse:
                fail(node, "`else` on a loop", "set a flag before `break` and test it after the loop", parsed)
            if isinstance(node, gast.Starred) and isinstance(node.ctx, gast.Store):
                fail(node, "starred assignment", "index the sequence explicitly (a = x[0]; b = x[1:])", parsed)
            if isinstance(node, gast.Starred) and isinstance(node.ctx, gast.Load):
                fail(node, "`*` unpacking in a call or display", "pass the elements explicitly", parsed)
            if isinstance(node, gast.Call) and any(k.arg is None for k in node.keywords):
                fail(node, "`**` unpacking in a call", "pass the keyword arguments explicitly", parsed)

"""Functions defined inside the function: nested ``def``, ``lambda`` and closures, inlined.

``extract`` takes the nested ``def`` statements and the lambdas out of a function
(before desugaring) and returns them as ``LocalFunction`` records; ``Inliner``
then expands each call during the ANF pass: ``y = f(a, b)`` becomes the body
of ``f`` with its parameters bound to the arguments' atoms and its own names
renamed to fresh ones, followed by ``y = <its return value>``. A closure reads
the enclosing function's variables at the time of the call, as Python does
(late binding), so its free names are left as they are.

A function of the user's module that receives a local function as an argument
(``integrate(lambda t: k * t, x)``) is inlined the same way, with the local
function in place of its parameter; so is one that receives a function by its
module-level name (``rk4(rhs, y, dt)``, ``apply(np.sin, x)``), whose calls of
the parameter then call that function by name.

Left to the reader of the result: no ``FunctionDef`` or ``Lambda`` remains and
the local functions' names are not variables. Refused, with the line: a local
function used as a value (returned, stored, passed to a library), recursion, a
decorated or ``*args`` local function, a function or lambda defined inside a
local function or a comprehension, a name defined twice, ``nonlocal`` (in
``checks``).
"""
import dataclasses
import inspect

import gast
import numpy as np

from s2s.common import anno
from s2s.common import astutil as A
from s2s.frontend.normalize.checks import check, fail
from s2s.frontend.normalize.desugar import Desugar
from s2s.frontend.normalize.jumps import JumpLowering
from s2s.frontend.parse import parse_function

_ANONYMOUS = "anonymous"


@dataclasses.dataclass
class LocalFunction:
    name: str  # as the user wrote it (a fresh name for an anonymous lambda)
    node: gast.FunctionDef  # desugared, with one return, last
    params: list  # parameter names, in order
    kwonly: frozenset
    defaults: dict  # parameter -> Constant or Name holding its default
    arg_names: dict  # parameter -> the placeholder the aliasing checks of its body compare with
    origin: gast.AST  # the def or lambda (for messages)


def extract(fn, parsed, namer):
    """``fn`` (in place) without its local functions; returns {name: (FunctionDef, origin node)}.

    A def whose defaults are not constants leaves, where it stood, the
    assignments holding them (they are evaluated when the def runs)."""
    found = {}
    outer_stored = set()

    def lambda_def(lam, name):
        for node in A.walk(lam.body):
            if isinstance(node, (gast.Lambda, gast.FunctionDef)):
                fail(lam, "a lambda inside a lambda", "define the inner function with def in the function", parsed)
        ret = anno.copy(lam, gast.Return(value=lam.body))
        return anno.copy(lam, gast.FunctionDef(name=name, args=lam.args, body=[ret], decorator_list=[],
                                               returns=None, type_comment=None, type_params=[]))

    def add(name, node, origin):
        if name in found:
            fail(origin, "a second definition of the local function `{}`".format(name),
                 "give each local function its own name", parsed)
        args = node.args
        if args.vararg is not None or args.kwarg is not None:
            fail(origin, "a local function with `*args`/`**kwargs`", "list its parameters explicitly", parsed)
        for inner in A.walk(gast.Module(body=node.body, type_ignores=[])):
            if isinstance(inner, (gast.FunctionDef, gast.Lambda)):
                fail(inner, "a function defined inside the local function `{}`".format(name),
                     "define it in the function that s2s differentiates, beside `{}`".format(name), parsed)
        found[name] = (node, origin)

    def held_defaults(node):
        """Assignments evaluating the non-constant defaults of ``node`` where it is defined."""
        out = []
        args = node.args
        positional = args.posonlyargs + args.args
        pairs = list(zip(positional[len(positional) - len(args.defaults):], args.defaults))
        pairs += [(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None]
        for param, default in pairs:
            if not isinstance(default, gast.Constant):
                held = namer.fresh("{}_{}".format(node.name, param.id))
                out.append(anno.copy(node, A.assign(held, default)))
                _set_default(args, param.id, A.name(held))
        return out

    def expr(node, in_comprehension=False):
        """``node`` with each lambda that is an argument or the callee of a call replaced by a name."""
        if isinstance(node, gast.Lambda):
            fail(node, "`lambda` used as a value", "call it, assign it to a name (`f = lambda t: ...`) "
                 "and call that, or pass it to a function of your own module", parsed)
        if isinstance(node, (gast.ListComp, gast.GeneratorExp, gast.SetComp, gast.DictComp)):
            in_comprehension = True
        if isinstance(node, gast.Call):
            for holder, field in ([(node, "func")] + [(node.args, i) for i in range(len(node.args))]
                                  + [(k, "value") for k in node.keywords]):
                value = holder[field] if isinstance(holder, list) else getattr(holder, field)
                if isinstance(value, gast.Lambda):
                    if in_comprehension:
                        fail(value, "a lambda inside a comprehension", "write the loop as a for loop", parsed)
                    name = namer.fresh(_ANONYMOUS)
                    add(name, lambda_def(value, name), value)
                    if isinstance(holder, list):
                        holder[field] = A.name(name)
                    else:
                        setattr(holder, field, A.name(name))
        A.replace_children(node, lambda child: expr(child, in_comprehension), leaves=False)
        return node

    def block(stmts):
        out = []
        for stmt in stmts:
            if isinstance(stmt, gast.FunctionDef):
                if stmt.decorator_list:
                    fail(stmt, "a decorated local function", "remove the decorator, or define the function at "
                         "module level", parsed)
                out.extend(held_defaults(stmt))
                add(stmt.name, stmt, stmt)
                continue
            if (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name)
                    and isinstance(stmt.value, gast.Lambda)):
                lam = stmt.value
                if any(not isinstance(d, gast.Constant) for d in lam.args.defaults + lam.args.kw_defaults
                       if d is not None):
                    fail(lam, "a lambda with a default that is not a constant", "use def", parsed)
                add(stmt.targets[0].id, lambda_def(lam, stmt.targets[0].id), stmt)
                continue
            for field in stmt._fields:
                value = getattr(stmt, field, None)
                if value.__class__ is list and value and isinstance(value[0], gast.stmt):
                    setattr(stmt, field, block(value))
                elif value.__class__ is list:
                    setattr(stmt, field, [expr(v) if isinstance(v, gast.expr) else v for v in value])
                elif isinstance(value, gast.expr):
                    setattr(stmt, field, expr(value))
            outer_stored.update(n.id for n in A.name_nodes(stmt) if isinstance(n.ctx, gast.Store))
            out.append(stmt)
        return out

    fn.body = block(fn.body)
    outer_stored.update(_parameters(fn))
    for name, (node, origin) in found.items():
        if name in outer_stored:
            fail(origin, "the local function `{}`, whose name is also a variable".format(name),
                 "give the function and the variable different names", parsed)
    return found


def _set_default(args, param, value):
    positional = args.posonlyargs + args.args
    first = len(positional) - len(args.defaults)
    for i, a in enumerate(positional):
        if a.id == param:
            args.defaults[i - first] = value
            return
    for i, a in enumerate(args.kwonlyargs):
        if a.id == param:
            args.kw_defaults[i] = value


def _parameters(fn):
    args = fn.args
    return [a.id for a in args.posonlyargs + args.args + args.kwonlyargs]


def prepare(name, node, origin, parsed, namer, keep_jumps):
    """The LocalFunction of ``node``: desugared, its jumps lowered, one return last."""
    node = A.deepcopy(node)
    inner = dataclasses.replace(parsed, node=node)
    desugar = Desugar(inner, namer, node)
    params = _parameters(node)
    # `p += v` on a parameter changes the caller's object in place (an array): compare with it
    arg_names = {p: namer.fresh("{}_arg".format(p)) for p in params}
    for p in params:
        desugar.partners[p] = sorted(set(desugar.partners.get(p, [])) | {arg_names[p]})
        for q in desugar.partners.get(p, []):
            if q in desugar.partners and q not in arg_names.values():
                desugar.partners[q] = sorted(set(desugar.partners[q]) | {arg_names[p]})
    for names in desugar.bound.values():  # the caller's objects are bound before the body runs
        names.update(arg_names.values())
    node = desugar.visit(node)
    node = JumpLowering(namer, keep_jumps).function(node)
    if not node.body or not isinstance(node.body[-1], gast.Return):
        node.body.append(anno.copy(origin, gast.Return(value=A.const(None))))
    args = node.args
    positional = args.posonlyargs + args.args
    defaults = {a.id: d for a, d in zip(positional[len(positional) - len(args.defaults):], args.defaults)}
    defaults.update({a.id: d for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None})
    return LocalFunction(name, node, params, frozenset(a.id for a in args.kwonlyargs), defaults, arg_names, origin)


class Inliner:
    """Expands the calls of local functions (and of the user's functions given one) in the ANF pass."""

    def __init__(self, parsed, namer, refs, functions, keep_jumps, outer):
        """``outer``: the function (without its local functions) the calls are in."""
        self.parsed = parsed
        self.namer = namer
        self.refs = refs
        self.functions = functions  # name -> LocalFunction
        self.keep_jumps = keep_jumps
        self.helpers = {}  # a user function taking a local function -> its LocalFunction
        self.active = []  # the functions being inlined (recursion is refused)
        self.claimed = set()  # names of local functions' variables given out unrenamed
        self.owners = {}  # name -> the functions using it ("" for the outer one)
        for name in A.all_names(outer):
            self.owners.setdefault(name, set()).add("")
        for fn in functions.values():
            for name in A.all_names(fn.node):
                self.owners.setdefault(name, set()).add(fn.name)

    def is_function(self, name):
        return name in self.functions

    def takes_function(self, callee, call, anf):
        """Whether ``call`` (to ``callee``) passes a local function, or a function by its module-level
        name (``integrate(rhs, y)``, ``apply(np.sin, x)``): then it is inlined too."""
        if not inspect.isfunction(callee):
            return False
        values = list(call.args) + [k.value for k in call.keywords]
        mine = callee.__globals__ is self.parsed.globals and not callee.__closure__
        return any(isinstance(v, gast.Name) and v.id in self.functions or mine and self.named_function(v, anf)
                   for v in values)

    def named_function(self, value, anf):
        """Whether ``value`` names a function of a module (not a variable): the user's, NumPy's, math's."""
        if not isinstance(value, (gast.Name, gast.Attribute)):
            return False
        root = value
        while isinstance(root, gast.Attribute):
            root = root.value
        if not isinstance(root, gast.Name) or root.id in anf.locals or root.id in self.functions:
            return False
        obj = self.parsed.resolve(value)
        return inspect.isfunction(obj) or inspect.isbuiltin(obj) or isinstance(obj, np.ufunc)

    def expand_helper(self, callee, call, anf):
        """The call of ``callee``, a function of the user's module given a local function, inlined."""
        return self.expand(self.helper(callee, anf), call, anf, helper=callee)

    def helper(self, callee, anf):
        """The LocalFunction of ``callee``, a function of the user's module called with a local function."""
        if callee in self.helpers:
            return self.helpers[callee]
        where = anf.origin_node
        if callee.__globals__ is not self.parsed.globals or callee.__closure__:
            fail(where, "passing a local function to `{}`, defined in another module or as a closure".format(
                callee.__name__), "define the function you pass it to in the same module, at module level",
                self.parsed)
        parsed = parse_function(callee)
        check(parsed)
        node = A.deepcopy(parsed.node)
        for inner in A.walk(node):
            if isinstance(inner, (gast.FunctionDef, gast.Lambda)) and inner is not node:
                fail(where, "passing a local function to `{}`, which defines functions itself".format(
                    callee.__name__), "define those at module level", self.parsed)
        args = node.args
        values = callee.__defaults__ or ()
        args.defaults = [self._default(v) for v in values]
        kw = callee.__kwdefaults__ or {}
        args.kw_defaults = [self._default(kw[a.id]) if a.id in kw else None for a in args.kwonlyargs]
        fn = prepare(callee.__name__, node, where, parsed, self.namer, self.keep_jumps)
        self.helpers[callee] = fn
        return fn

    def _default(self, value):
        if value is None or isinstance(value, (bool, int, float, str)):
            return A.const(value)
        return self.refs.expr(value, "default")

    def expand(self, fn, call, anf, helper=None):
        """(statements, simple expression) of ``call`` to the LocalFunction ``fn``, inlined."""
        where = anf.origin_node
        if fn in self.active:
            fail(where, "the recursive call to `{}`".format(fn.name), "rewrite the recursion as a loop", self.parsed)
        if helper is not None:
            self._check_free_names(fn, helper, anf)
        pre = []
        bound = self._bind(fn, call, anf, pre)
        body = A.deepcopy(fn.node.body)
        stored = A.names_stored(gast.Module(body=body, type_ignores=[]))
        renames = {name: self._fresh(name, fn, helper) for name in sorted(stored) if name not in fn.params}
        substitute = {fn.arg_names[p]: A.deepcopy(v) for p, v in bound.items()}
        for param in fn.params:
            if param in stored:  # a parameter the body assigns starts as an assignment
                renames[param] = self._fresh(param, fn, helper)
                pre.append(A.assign(renames[param], bound[param]))
            else:
                substitute[param] = bound[param]
        body = _Substitute(renames, substitute).block(body)
        anf.locals.update(renames.values())
        self.active.append(fn)
        try:
            origin = anf.origin_node
            pre.extend(anf.block(body[:-1]))
            anf.origin_node = origin
            p, value = anf.value(body[-1].value)
        finally:
            self.active.pop()
        return pre + p, value

    def _check_free_names(self, fn, helper, anf):
        """Refuse a helper whose module-level names the function being inlined into also uses as variables."""
        free = A.names_loaded(fn.node) - A.names_stored(fn.node) - set(fn.params)
        clash = sorted(free & anf.locals)
        if clash:
            fail(anf.origin_node, "passing a local function to `{}`, which reads the module's `{}` that is also "
                 "a variable here".format(helper.__name__, clash[0]),
                 "rename the variable `{}`".format(clash[0]), self.parsed)

    def _bind(self, fn, call, anf, pre):
        """parameter -> the atom (Name or Constant) its argument evaluates to."""
        where = anf.origin_node
        positional = [p for p in fn.params if p not in fn.kwonly]
        if len(call.args) > len(positional):
            fail(where, "the call to `{}` with {} arguments".format(fn.name, len(call.args)),
                 "pass at most {}".format(len(positional)), self.parsed)
        values = {}
        for param, arg in zip(positional, call.args):
            values[param] = arg
        for k in call.keywords:
            if k.arg not in fn.params or k.arg in values:
                fail(where, "the keyword `{}` in the call to `{}`".format(k.arg, fn.name),
                     "pass each parameter of `{}` once".format(fn.name), self.parsed)
            values[k.arg] = k.value
        bound = {}
        for param in fn.params:
            if param in values:
                value = values[param]
                if isinstance(value, gast.Name) and (value.id in self.functions):
                    bound[param] = A.name(value.id)  # a local function passed on
                    continue
                if self.named_function(value, anf):
                    bound[param] = A.deepcopy(value)  # calls of the parameter call it by its name
                    continue
                p, atom = anf.atom(value)
                pre.extend(p)
                bound[param] = atom
            elif param in fn.defaults:
                bound[param] = A.deepcopy(fn.defaults[param])
            else:
                fail(where, "the call to `{}` without its parameter `{}`".format(fn.name, param),
                     "pass every parameter that has no default", self.parsed)
        return bound

    def _fresh(self, name, fn, helper):
        """A new name for the variable ``name`` of ``fn``: its own where nothing else uses it."""
        if helper is None and self.owners.get(name) == {fn.name} and name not in self.claimed:
            self.claimed.add(name)
            return name
        return self.namer.fresh(name)


class _Substitute:
    """Renames variables and puts atoms in place of parameters, in a list of statements (a copy)."""

    def __init__(self, renames, substitute):
        self.renames = renames
        self.substitute = substitute

    def block(self, stmts):
        return [self.node(s) for s in stmts]

    def node(self, node):
        if isinstance(node, gast.Name):
            if isinstance(node.ctx, gast.Load) and node.id in self.substitute:
                return anno.copy(node, A.deepcopy(self.substitute[node.id]))
            if node.id in self.renames:
                node.id = self.renames[node.id]
            return node
        A.replace_children(node, self.node)
        return node

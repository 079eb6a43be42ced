"""Reverse-mode transformation of a function and the user functions it calls.

Straight-line pipeline per function: parse, normalize, activity, reverse,
resolve saves, accumulate, optimize. The result is a list of generated
FunctionDefs (the entry point last) and the objects they refer to.
"""
import contextlib
import dataclasses
import inspect
import re

import gast

from s2s.common import anno
from s2s.common import astutil as A
from s2s import runtime
from s2s.reverse import batch as adjoint_batch
from s2s.runtime import batching
from s2s.backend import entries, negated_starts, optimize, results, specialize, unread
from s2s.reverse.accumulate import ZERO, SHARED, Accumulate
from s2s.analysis import activity, aliasing
from s2s.common.errors import NoRuleError, S2SError, UnsupportedSyntaxError, site
from s2s.forward.sweep import Forward
from s2s.common.naming import Namer
from s2s.frontend.normalize import aliases, normalize, parameters
from s2s.frontend.parse import parse_function
from s2s.common.records import RecordMethod
from s2s.common.refs import Refs
from s2s.reverse.sweeps import Reverse
from s2s.reverse.saves import Saves

_NO_CALLEE = object()
# helpers with a rule (they pass their value through) that are there for the check they make: a call of
# one is never dropped or moved, even where nothing reads its value (``t *= x`` on a shared array)
_CHECKS = (runtime.unshared, runtime.refuse_complex)


@dataclasses.dataclass
class Generated:
    functions: list  # gast.FunctionDef, entry last
    bindings: dict
    entry: str
    extra: tuple = ()  # keyword parameters the entry takes beyond the function's own (tangents, dout)
    sources: tuple = ()  # the user subroutines transformed along (their redefinition invalidates)


class Context:
    """Everything one transformation shares: names, rules, generated subroutines."""

    def __init__(self, top, registry, options):
        self.top = top
        self.registry = registry
        self.options = options
        self.namer = Namer()
        namespaces = [top.closure, top.globals, vars(__import__("builtins"))]
        self.refs = Refs(namespaces, self.namer)
        self.resolve = self.refs.resolve
        self.bars = {}
        self.dots = {}
        self.functions = []
        self.subroutines = {}
        self.tangent_subroutines = {}
        self.in_progress = []
        self.current = None

    def bar(self, name):
        if name not in self.bars:
            self.bars[name] = self.namer.fresh(name + "_bar")
        return self.bars[name]

    def dot(self, name):
        if name not in self.dots:
            self.dots[name] = self.namer.fresh(name + "_dot")
        return self.dots[name]

    def check_writable(self, name, stmt):
        """Refuse writes into arrays that may be the caller's (or views of them)."""
        fn, params = self.current
        origin = anno.get(stmt, anno.Key.ORIGIN)
        generated = origin is not None and origin.filename.startswith("<s2s ")
        reason = aliasing.shared_at(fn, set(params), name, stmt, generated)
        if reason:
            raise UnsupportedSyntaxError(
                "{}: `{}`: writing into `{}` in place is supported only on a fresh copy: {}. "
                "Write `{} = {}.copy()` first.".format(origin, origin.text if origin else "", name, reason, name, name))

    def subroutine(self, callee, call, rev, stmt):
        """(primal sweep name, adjoint sweep name, active arguments) of a user function called at ``call``."""
        key, active = self._subroutine_key(callee, call, rev, stmt)
        if key is None:
            return None
        if key not in self.subroutines:
            with self._inside(callee, stmt):
                self.subroutines[key] = self.reverse_subroutine(callee, list(key[1]), key[2])
        fwd, bwd = self.subroutines[key]
        return A.name(fwd), A.name(bwd), active

    def forward_subroutine(self, callee, call, fwd, stmt):
        """(tangent function name, active arguments) of a user function called at ``call``."""
        key, active = self._subroutine_key(callee, call, fwd, stmt)
        if key is None:
            return None
        if key not in self.tangent_subroutines:
            with self._inside(callee, stmt):
                self.tangent_subroutines[key] = self.forward_subroutine_def(callee, list(key[1]), key[2])
        name, dots = self.tangent_subroutines[key]
        return name, dots, active

    @contextlib.contextmanager
    def _inside(self, callee, stmt):
        """Transform ``callee`` (called at ``stmt``) and come back to the function being transformed."""
        if callee in self.in_progress:
            origin = anno.get(stmt, anno.Key.ORIGIN)
            raise UnsupportedSyntaxError(
                "{}: `{}`: {} is recursive; s2s does not differentiate recursive functions. "
                "Rewrite the recursion as a loop.".format(origin, origin.text if origin else "",
                                                           callee.__name__))
        self.in_progress.append(callee)
        saved_current = self.current
        # the callee may rename adjoints and tangents whose names it uses itself (see _analyzed)
        saved_names = dict(self.bars), dict(self.dots)
        try:
            yield
        except S2SError as err:
            if not runtime.is_runtime(callee):
                raise
            # a helper without a rule whose source s2s cannot differentiate either
            where, text = site(stmt, "{}:{}".format(self.top.filename, self.top.node.lineno))
            raise NoRuleError(
                "{}: `{}`: differentiating this derivative again needs a rule for the helper "
                "s2s.runtime.{name}, which s2s does not have yet (higher-order derivatives through it "
                "are not supported). Use a first derivative here, or register the helper's rule with "
                "@s2s.adjoint(s2s.runtime.{name}) and @s2s.tangent.".format(where, text, name=callee.__name__)) from err
        finally:
            self.in_progress.pop()
            self.current = saved_current
            self.bars.update(saved_names[0])
            self.dots.update(saved_names[1])

    def _subroutine_key(self, callee, call, rev, stmt):
        try:
            sig = inspect.signature(callee)
            bound = sig.bind(*call.args, **{k.arg: k.value for k in call.keywords})
        except TypeError as err:
            origin = anno.get(stmt, anno.Key.ORIGIN)
            raise UnsupportedSyntaxError("{}: `{}`: the call does not match {}'s parameters: {}".format(
                origin, origin.text if origin else "", callee.__name__, err)) from None
        for param in sig.parameters.values():
            if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
                origin = anno.get(stmt, anno.Key.ORIGIN)
                raise UnsupportedSyntaxError(
                    "{}: `{}`: {} takes *args or **kwargs, which s2s cannot differentiate through; "
                    "list its parameters explicitly.".format(origin, origin.text if origin else "", callee.__name__))
        active = [(p, node) for p, node in bound.arguments.items()
                  if isinstance(node, gast.Name) and rev.is_active(node.id)]
        if not active:
            return None, active
        containers = frozenset(p for p, node in bound.arguments.items()
                               if isinstance(node, gast.Name) and node.id in rev.containers)
        return (callee, tuple(p for p, _ in active), containers), active

    # ------------------------------------------------------------ functions
    def reverse_subroutine(self, callee, wrt, containers):
        parsed = parse_function(callee)
        parts = self.reverse_parts(parsed, wrt, containers)
        fwd_name = self.namer.fresh(callee.__name__ + "_fwd")
        bwd_name = self.namer.fresh(callee.__name__ + "_bwd")
        args = self.signature_args(parsed, callee)
        tape_names = sorted(parts.tape)
        tape = gast.Tuple(elts=[A.name(n) for n in tape_names], ctx=gast.Load())
        ret_value = parts.ret.value
        top_level = _stored_in([s for s in parts.primal if not isinstance(s, (gast.If, gast.For, gast.While))])
        unset = [n for n in tape_names if n not in parts.params and n not in top_level
                 and n not in _stored_in(parts.prologue)]
        presets = [A.assign(n, A.const(None)) for n in unset]
        fwd_body = presets + parts.prologue + parts.primal + [gast.Return(value=gast.Tuple(elts=[ret_value, tape], ctx=gast.Load()))]
        fwd = _function(fwd_name, args, fwd_body, "Primal sweep of {}: its result and the values its adjoint needs.".format(callee.__name__))
        tape_param = self.namer.fresh("tape")
        seed_name = parts.seed_bar or self.namer.fresh("ans_bar")
        unpack = []
        if tape_names:
            target = gast.Tuple(elts=[A.store(n) for n in tape_names], ctx=gast.Store())
            unpack = [A.assign(target, A.name(tape_param))]
        results = [self._raw_result(parts, p) for p in wrt]
        ret = gast.Tuple(elts=results, ctx=gast.Load()) if len(results) > 1 else results[0]
        bwd_args = gast.arguments(args=[A.name(tape_param, "param"), A.name(seed_name, "param")],
                                  posonlyargs=[], vararg=None, kwonlyargs=[], kw_defaults=[], kwarg=None,
                                  defaults=[])
        bwd = _function(bwd_name, bwd_args, unpack + parts.adjoint + [gast.Return(value=ret)],
                        "Adjoint sweep of {}: adjoints of {}.".format(callee.__name__, ", ".join(wrt)))
        self.functions.extend([fwd, bwd])
        return fwd_name, bwd_name

    def forward_subroutine_def(self, callee, wrt, containers):
        parsed = parse_function(callee)
        body, ret, active, fwd = self.forward_parts(parsed, wrt, containers)
        name = self.namer.fresh(callee.__name__ + "_jvp")
        args = self._tangent_args(self.signature_args(parsed, callee), wrt)
        result = gast.Tuple(elts=[A.deepcopy(ret.value), self._tangent_result(ret, active, fwd)], ctx=gast.Load())
        doc = "{} and its tangent along {}.".format(callee.__name__, ", ".join(self.dot(w) for w in wrt))
        self.functions.append(_function(name, args, body + [gast.Return(value=result)], doc))
        return name, {w: self.dot(w) for w in wrt}  # the tangent parameters' names in the callee

    def forward_parts(self, parsed, wrt, containers, entry=False):
        """(body with tangent statements, the return statement, the active names, the Forward) of one function."""
        core, params, active, container_names, where = self._analyzed(parsed, wrt, containers)
        batch = self.namer.fresh("batch") if self.options.get("batch") else None
        fwd = Forward(self, core, active, container_names, where, batch, entry)
        # a parameter not differentiated that later holds active values (v = A @ v in a loop)
        # starts with a zero tangent
        zeros = [A.assign(self.dot(p), fwd.zeros_like(A.name(p))) for p in params if p in active and p not in wrt]
        if batch:
            seeds = gast.Tuple(elts=[A.name(self.dot(w)) for w in wrt], ctx=gast.Load())
            zeros.insert(0, A.assign(batch, A.call(self.refs.expr(batching.batch_size, "batch_size"), [seeds])))
        body = fwd.block(core.body[:-1])
        return zeros + body, core.body[-1], active, fwd

    def _tangent_args(self, args, wrt):
        """``args`` with one keyword-only tangent parameter per ``wrt`` name."""
        args.kwonlyargs = list(args.kwonlyargs) + [A.name(self.dot(w), "param") for w in wrt]
        args.kw_defaults = list(args.kw_defaults) + [None] * len(wrt)
        return args

    def _tangent_result(self, ret, active, fwd):
        value = ret.value
        if isinstance(value, gast.Name) and value.id in active:
            return A.name(self.dot(value.id))
        if fwd.batch:
            return fwd.zeros_like(value)
        return A.call(self.refs.expr(runtime.zeros_like, "zeros_like"), [A.deepcopy(value)])

    def forward_entry(self, parsed, wrt, containers):
        body, ret, active, fwd = self.forward_parts(parsed, wrt, containers, entry=True)
        fn = parsed.fn
        name = self.namer.fresh("jvp_" + fn.__name__)
        args = self._tangent_args(self.signature_args(parsed, fn), wrt)
        tangent = self._tangent_result(ret, active, fwd)
        if fwd.batch:
            tangent = A.call(self.refs.expr(batching.batch_result, "batch_result"),
                             [tangent, A.deepcopy(ret.value), A.name(fwd.batch)])
        result = gast.Tuple(elts=[A.deepcopy(ret.value), tangent], ctx=gast.Load())
        ret_stmt = gast.Return(value=result)
        anno.copy(ret, ret_stmt)
        along = ", ".join(self.dot(w) for w in wrt)
        doc = "{} ({}:{}) and its tangent along {}.".format(fn.__name__, parsed.filename, parsed.node.lineno, along)
        if fwd.batch:
            doc = "{} ({}:{}) and its tangents along the seeds in {} (one per entry of their first axis).".format(
                fn.__name__, parsed.filename, parsed.node.lineno, along)
        self.functions.append(_function(name, args, body + [ret_stmt], doc))
        return name

    def _raw_result(self, parts, param):
        bar = self.bars.get(param)
        if bar is None or parts.final_state.get(bar, ZERO) == ZERO:
            return A.const(0.0)
        return A.name(bar)

    def signature_args(self, parsed, fn):
        """The parameter list of ``fn`` with its default values bound by object."""
        args = A.deepcopy(parsed.node.args)
        defaults = fn.__defaults__ or ()
        args.defaults = [self._default(v) for v in defaults]
        kwdefaults = fn.__kwdefaults__ or {}
        args.kw_defaults = [None if a.id not in kwdefaults else self._default(kwdefaults[a.id])
                            for a in args.kwonlyargs]
        for a in args.posonlyargs + args.args + args.kwonlyargs:
            a.annotation = None
        return args

    def _default(self, value):
        if value is None or isinstance(value, (bool, int, float, str)):
            return A.const(value)
        return self.refs.expr(value, "default")

    def _analyzed(self, parsed, wrt, containers):
        """Normalize ``parsed`` and analyze it: (core, parameters, active names, container names, where)."""
        methods = self.registry.methods
        if self.options.get("record_methods"):  # see s2s/common/records.py
            methods = dict({name: RecordMethod(fn) for name, fn in self.options["record_methods"]}, **methods)
        callables = set()
        call = methods.get("__call__")
        if isinstance(call, RecordMethod):  # model(x): which parameters surely hold such an object
            if parsed.fn is self.top.fn:
                callables.update(self.options.get("callable_params", ()))
            if _same_class(parsed.fn, call.fn) and parameters(parsed.node):
                callables.add(parameters(parsed.node)[0])  # self(x) in a method of the class
        core = normalize(parsed, self.namer, self.refs, methods,
                         keep_jumps=self.options.get("checkpoint") is None, callables=frozenset(callables))
        params = parameters(core)
        # an adjoint or tangent name chosen before this function's names were known may be one of
        # them (`x_bar` a variable of a callee): choose another for this function
        names = A.all_names(core)
        for chosen, suffix in ((self.bars, "_bar"), (self.dots, "_dot")):
            for name, new_name in list(chosen.items()):
                if new_name in names:
                    chosen[name] = self.namer.fresh(name + suffix)
        self.current = (core, params)
        if parsed.globals is not self.top.globals or parsed.closure:
            _rebind_free_names(core, parsed, self.top, self.refs, set(params))
        active = activity.active_names(core, wrt, self.registry)
        container_names = activity.container_names(core, containers)
        return core, params, active, container_names, "{}:{}".format(parsed.filename, parsed.node.lineno)

    def reverse_parts(self, parsed, wrt, containers):
        core, params, active, container_names, where = self._analyzed(parsed, wrt, containers)
        rev = Reverse(self, core, active, container_names, where)
        body = core.body[:-1]
        ret = core.body[-1]
        primal, adjoint = rev.block(body)
        seed_bar = None
        state = {}
        if isinstance(ret.value, gast.Name) and ret.value.id in active:
            seed_bar = self.bar(ret.value.id)
            state[seed_bar] = SHARED
        counts = activity.assignment_counts(core)
        saves = Saves(rev.slots, counts, params, self.namer, self.refs, aliases.partners(core))
        epilogue = [gast.Expr(value=A.name(p)) for p in wrt]
        # the statements the primal sweep reuses from core.body are read once
        reused = {id(s) for s in A.statements(primal)}
        primal_names = set(params) | set(counts) | _stored_in(primal) | _stored_in(
            [s for s in core.body if id(s) not in reused])
        primal, adjoint = saves.resolve(primal, adjoint, epilogue, primal_names)
        accumulated = Accumulate(self.refs, container_names)
        adjoint = accumulated.run(adjoint, state)
        return _Parts(saves.prologue + rev.prologue, primal, adjoint, ret, seed_bar, state, primal_names, params)

    def reverse_entry(self, parsed, wrt, containers, kind):
        parts = self.reverse_parts(parsed, wrt, containers)
        fn = parsed.fn
        name = self.namer.fresh("{}_{}".format(kind, fn.__name__))
        args = self.signature_args(parsed, fn)
        seed = []
        ret_value = parts.ret.value
        where = "{}:{}".format(parts.ret_origin_file(parsed), parts.ret_line(parsed))
        if kind == "vjp":
            self.dout = self.namer.fresh("dout")
            args.kwonlyargs.append(A.name(self.dout, "param"))
            args.kw_defaults.append(None)
            check = A.call(self.refs.expr(runtime.cotangent, "cotangent"),
                           [A.deepcopy(ret_value), A.name(self.dout), A.const(where), A.const(fn.__name__)])
            seed = [A.assign(parts.seed_bar, check) if parts.seed_bar else gast.Expr(value=check)]
            anno.set(seed[0], anno.Key.ORIGIN, anno.get(parts.ret, anno.Key.ORIGIN))
        elif parts.seed_bar:
            holomorphic = [A.const(True)] if self.options.get("holomorphic") else []
            seed = [A.assign(parts.seed_bar, A.call(self.refs.expr(runtime.seed, "seed"),
                                                     [A.deepcopy(ret_value), A.const(where), A.const(fn.__name__)]
                                                     + holomorphic))]
            anno.set(seed[0], anno.Key.ORIGIN, anno.get(parts.ret, anno.Key.ORIGIN))
        grads = []
        for p in wrt:
            bar = self.bars.get(p)
            if bar is None or parts.final_state.get(bar, ZERO) == ZERO:
                grads.append(A.call(self.refs.expr(runtime.zero_gradient, "zero_gradient"), [A.name(p)]))
            else:
                grads.append(A.call(self.refs.expr(runtime.finalize, "finalize"), [A.name(bar), A.name(p)]))
        grad = gast.Tuple(elts=grads, ctx=gast.Load()) if len(grads) > 1 or self.options.get("tuple") else grads[0]
        if kind in ("value_and_grad", "vjp"):
            # the adjoint sweep restores overwritten variables: keep the value first
            value_name = self.namer.fresh("value")
            value = A.deepcopy(ret_value)
            if _writes_in_place(parts.adjoint):  # and the value may be the array it restores
                value = A.call(self.refs.expr(runtime.detach, "detach"), [value])
            seed.insert(0, A.assign(value_name, value))
            result = gast.Tuple(elts=[A.name(value_name), grad], ctx=gast.Load())
        else:
            result = grad
        what = {"grad": "Gradient", "value_and_grad": "Value and gradient",
                "vjp": "Value and vector-Jacobian product"}[kind]
        doc = "{} of {} ({}:{}) with respect to {}.".format(
            what, fn.__name__,
            parsed.filename, parsed.node.lineno, ", ".join(wrt))
        body = parts.prologue + parts.primal + seed + parts.adjoint + [gast.Return(value=result)]
        entry = _function(name, args, body, doc)
        self.functions.append(entry)
        return name


def _writes_in_place(stmts):
    """Whether ``stmts`` write into an array or list (item restores, list pushes and pops)."""
    for stmt in stmts:
        for node in A.walk(stmt):
            if isinstance(node, gast.Assign) and isinstance(node.targets[0], gast.Subscript):
                return True
            if (isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute)
                    and node.func.attr in ("append", "pop")):
                return True
    return False


@dataclasses.dataclass
class _Parts:
    prologue: list
    primal: list
    adjoint: list
    ret: gast.Return
    seed_bar: str
    final_state: dict
    primal_names: set
    params: list

    @property
    def tape(self):
        """What a subroutine's adjoint needs from its primal sweep: the primal
        values it reads and the stacks the primal sweep filled."""
        return (_loaded(self.adjoint) & (self.primal_names | _stored_in(self.primal))) | _stored_in(self.prologue)

    def ret_origin_file(self, parsed):
        origin = anno.get(self.ret, anno.Key.ORIGIN)
        return origin.filename if origin else parsed.filename

    def ret_line(self, parsed):
        origin = anno.get(self.ret, anno.Key.ORIGIN)
        return origin.lineno if origin else parsed.node.lineno


def _loaded(stmts):
    out = set()
    for s in stmts:
        out |= A.names_loaded(s)
    return out


def _stored_in(stmts):
    out = set()
    for s in stmts:
        out |= A.names_stored(s)
    return out


def _rebind_free_names(core, parsed, top, refs, local_names):
    """Make a subroutine's free names refer to its own module's objects."""
    stored = set(local_names) | _stored_in(core.body)
    from s2s.frontend.parse import MISSING

    for node in A.walk(core):
        if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load) and node.id not in stored:
            obj = parsed.lookup(node.id)
            if obj is not MISSING and top.lookup(node.id) is not obj:
                replacement = refs.expr(obj, node.id)
                if isinstance(replacement, gast.Name):
                    node.id = replacement.id
                else:
                    refs.bindings.setdefault(node.id + "_", obj)
                    node.id = node.id + "_"


def _user_names(node):
    return A.all_names(node)


class _Temporaries:
    """The names s2s makes up (temporaries ``t1`` and adjoints): inlining them hides no user name.

    A test of membership (``name in temporaries``), for the names the
    optimizer finds assigned once: no walk over the function to list them.
    """

    _MADE_UP = re.compile(r"t\d+(_bar\d*)?|\w+_bar\d*")

    def __init__(self, user):
        self.user = user

    def __contains__(self, name):
        return name not in self.user and self._MADE_UP.fullmatch(name) is not None


def _same_class(fn, method):
    """Whether the function ``fn`` is defined in the class that defines ``method``."""
    owner = getattr(method, "__qualname__", "").rpartition(".")[0]
    return bool(owner) and getattr(fn, "__qualname__", "").rpartition(".")[0] == owner \
        and getattr(fn, "__module__", None) == getattr(method, "__module__", None)


def _function(name, args, body, doc):
    body = [gast.Expr(value=A.const(doc))] + body
    return gast.FunctionDef(name=name, args=args, body=body, decorator_list=[], returns=None,
                            type_comment=None, type_params=[])


def transform(fn, wrt, kind, registry, options, containers=frozenset()):
    """Generate the reverse-mode source of ``fn``; return a Generated."""
    parsed = parse_function(fn)
    options = dict(options, record_methods=tuple(c[1] for c in containers if isinstance(c, tuple) and c[0] == "method"),
                   callable_params=tuple(c[1] for c in containers if isinstance(c, tuple) and c[0] == "call"))
    containers = frozenset(c for c in containers if not isinstance(c, tuple))
    ctx = Context(parsed, registry, options)
    if kind == "jvp":
        entry = ctx.forward_entry(parsed, list(wrt), containers)
        extra = tuple(ctx.dot(w) for w in wrt)
    else:
        entry = ctx.reverse_entry(parsed, list(wrt), containers, kind)
        extra = (ctx.dout,) if kind == "vjp" else ()
        if kind == "vjp" and options.get("batch"):
            adjoints = set(ctx.bars.values()) | {ctx.dout}
            adjoint_batch.batch_adjoints(ctx.functions, entry, adjoints, ctx.refs, ctx.namer, ctx.resolve)
    def pure_call(call):
        callee = anno.get(call, anno.Key.CALLEE, _NO_CALLEE)
        return callee is not _NO_CALLEE and registry.rule_for(callee) is not None and callee not in _CHECKS

    functions = ctx.functions
    if options.get("optimize", True):
        shapes = options.get("shapes")
        if shapes and kind != "jvp":
            resolve = specialize.resolver(ctx.refs.bindings, [parsed.closure, parsed.globals])
            passes = options.get("passes", optimize.PASSES)
            for f in functions:
                if f.name == entry:  # Numba's dot wants contiguous arrays: no reordering there
                    specialize.specialize(f, shapes, resolve, ctx.refs.expr, ctx.bars.values(),
                                          reorder="reorder" in passes and not options.get("compile"))
        passes = options.get("passes", optimize.PASSES)
        bars = set(ctx.bars.values())
        user = _user_names(parsed.node)
        resolve = specialize.resolver(ctx.refs.bindings, [parsed.closure, parsed.globals])
        negations = (lambda f: negated_starts.merge(f, resolve)) if kind != "jvp" else None  # p_bar = e - a
        functions = [optimize.optimize(f, pure_call, passes, bars, _Temporaries(user), negations) for f in functions]
        if kind != "jvp":
            for f in functions:
                entries.read_by_key(f, resolve, ctx.refs.expr)  # a dict display's adjoint read by key
                if f.name == entry:
                    results.build_lists(f, resolve, specialize.sequence_lengths(shapes))
                    results.separate(f, resolve, ctx.refs.expr)  # one adjoint for several parameters: copied
                    if shapes and kind == "grad" and not options.get("compile"):
                        unread.drop_unread(f, resolve, ctx.refs.expr)  # a loss only seed reads: not computed
    bindings = dict(ctx.refs.bindings)
    for name, value in parsed.closure.items():
        bindings.setdefault(name, value)
    subroutines = list(ctx.subroutines) + list(ctx.tangent_subroutines)
    return Generated(functions, bindings, entry, extra, tuple(dict.fromkeys(key[0] for key in subroutines)))


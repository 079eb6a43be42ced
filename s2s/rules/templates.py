"""The template engine: load derivative rules from ``templates/`` and
instantiate them at a call site.

A template states only the mathematics of one primitive (see
``s2s.rules`` and templates/README.md). The engine binds the call's
arguments to the template's parameters, renames its locals, resolves the
names it uses by object, unbroadcasts contributions when the template asks
for it, and drops contributions to inactive arguments. Substitution is
strict: a template whose form is off is rejected when it is loaded.
"""
import builtins
import dataclasses
import functools
import importlib.util
import inspect
import pathlib
import sys
import textwrap
import tokenize
import types

import gast

from s2s.common import anno
from s2s.common import astutil as A
from s2s import runtime
from s2s.common.errors import S2SError, TemplateError
from s2s.rules.labels import Label

SPECIAL = ("ans", "ans_bar")


@dataclasses.dataclass(frozen=True)
class Rule:
    name: str
    primitive: object
    kind: str
    signature: inspect.Signature
    wrt: tuple
    unbroadcast: bool
    prelude: tuple  # gast statements before the return
    results: tuple  # one gast expression (or None) per wrt parameter
    namespace: dict
    where: str
    singular: bool = False  # elementwise: the adjoint is absorb_zeros(ans_bar, ans_bar * d)

    @property
    def params(self):
        return tuple(self.signature.parameters)


@dataclasses.dataclass(frozen=True)
class Registry:
    adjoints: types.MappingProxyType
    tangents: types.MappingProxyType
    nondifferentiable: frozenset
    methods: types.MappingProxyType
    files: tuple
    batched: types.MappingProxyType = dataclasses.field(  # tangents for many seeds at once
        default_factory=lambda: types.MappingProxyType({}))

    def rule_for(self, obj):
        return self.adjoints.get(_key(obj))

    def batched_for(self, obj):
        """The batched tangent template of ``obj`` (None: it runs seed by seed unless elementwise)."""
        return self.batched.get(_key(obj))

    def tangent_for(self, obj):
        """The explicit tangent template of ``obj`` (None: derive it from the adjoint's kind)."""
        return self.tangents.get(_key(obj))

    def is_nondifferentiable(self, obj):
        return id(obj) in self.nondifferentiable_ids

    @functools.cached_property
    def nondifferentiable_ids(self):
        return frozenset(id(o) for o in self.nondifferentiable)


class Key:
    """Identity key for a primitive (some primitives are not hashable).

    A bound method is a new object at each attribute read (``scipy.stats.norm.logpdf``): it is
    keyed by its object and function, so every read of it finds the same rule.
    """

    __slots__ = ("obj", "ident")

    def __init__(self, obj):
        self.obj = obj
        self.ident = (id(obj.__self__), id(obj.__func__)) if isinstance(obj, types.MethodType) else id(obj)

    def __hash__(self):
        return hash(self.ident)

    def __eq__(self, other):
        return isinstance(other, Key) and other.ident == self.ident


def _key(obj):
    return Key(obj)


class _AdjointView(dict):
    """Mapping primitive -> Rule that accepts primitives (not keys) on lookup."""

    def get(self, key, default=None):
        return super().get(key if isinstance(key, Key) else Key(key), default)

    def __getitem__(self, key):
        return super().__getitem__(key if isinstance(key, Key) else Key(key))

    def __contains__(self, key):
        return super().__contains__(key if isinstance(key, Key) else Key(key))

    def __iter__(self):
        return (k.obj for k in super().__iter__())

    def keys(self):
        return [k.obj for k in super().keys()]

    def items(self):
        return [(k.obj, v) for k, v in super().items()]


def templates_dir():
    spec = importlib.util.find_spec("s2s._templates") if _has_package("s2s._templates") else None
    if spec is not None and spec.submodule_search_locations:
        return pathlib.Path(list(spec.submodule_search_locations)[0])
    return pathlib.Path(__file__).resolve().parents[2] / "templates"


def _has_package(name):
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


# Template files for an optional package, by name prefix: loaded only when the package is importable.
OPTIONAL = {"scipy_": "scipy"}


def template_files():
    """The template files the registry is built from (those of optional packages that are installed)."""
    return sorted(p for p in templates_dir().glob("*.py") if p.name != "__init__.py" and _available(p))


def _available(path):
    return all(_has_package(package) for prefix, package in OPTIONAL.items() if path.name.startswith(prefix))


def load_module(path):
    name = "s2s._templates." + path.stem
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


_BUILTIN = None
_REGISTRY = None


def builtin_registry():
    """The read-only registry of the rules in ``templates/`` (built once)."""
    global _BUILTIN
    if _BUILTIN is None:
        _BUILTIN = build_registry(template_files())
    return _BUILTIN


def registry():
    """The registry transforms use: the built-in rules and the user's (``s2s.adjoint``, ``s2s.tangent``)."""
    return _REGISTRY if _REGISTRY is not None else builtin_registry()


def replace_registry(new):
    """Make ``new`` the registry of every transform from now on (``s2s.rules.user`` registers this way).

    The registry itself stays read-only: a new rule means a new registry, and
    generated code made with the old one is generated again (``s2s.api.transforms``
    compares registries).
    """
    global _REGISTRY
    _REGISTRY = new


def with_rules(old, adjoints=(), tangents=(), drop_tangents=()):
    """A registry like ``old`` with the rules ``adjoints`` and ``tangents`` added (replacing any for the
    same primitive) and the tangent templates of ``drop_tangents`` removed; primitives given an adjoint
    are no longer non-differentiable."""
    new_adjoints, new_tangents = _AdjointView(), _AdjointView()
    for primitive, rule in old.adjoints.items():
        new_adjoints[Key(primitive)] = rule
    for primitive, rule in old.tangents.items():
        if Key(primitive) not in {Key(p) for p in drop_tangents}:
            new_tangents[Key(primitive)] = rule
    for rule in adjoints:
        new_adjoints[Key(rule.primitive)] = rule
    for rule in tangents:
        new_tangents[Key(rule.primitive)] = rule
    given = {Key(rule.primitive) for rule in adjoints}
    nondiff = frozenset(o for o in old.nondifferentiable if Key(o) not in given)
    # a primitive given a rule of the user's runs seed by seed in batched mode: the built-in batched
    # template states the old rule's mathematics
    changed = given | {Key(rule.primitive) for rule in tangents} | {Key(p) for p in drop_tangents}
    new_batched = _AdjointView()
    for primitive, rule in old.batched.items():
        if Key(primitive) not in changed:
            new_batched[Key(primitive)] = rule
    return Registry(types.MappingProxyType(new_adjoints), types.MappingProxyType(new_tangents), nondiff,
                    old.methods, old.files, types.MappingProxyType(new_batched))


def build_registry(paths):
    adjoints = _AdjointView()
    tangents = _AdjointView()
    batched = _AdjointView()
    nondiff = []
    methods = {}
    trees = {}  # file name -> {first line: FunctionDef}: each template file is parsed once
    for path in paths:
        module = load_module(path)
        nondiff.extend(getattr(module, "NONDIFFERENTIABLE", ()))
        methods.update(getattr(module, "METHODS", {}))
        for value in list(vars(module).values()):
            for label in getattr(value, "__s2s_labels__", ()):
                for primitive in label.primitives:
                    rule = parse_rule(value, label, primitive, trees)
                    table = {"tangent": tangents, "batched": batched}.get(label.kind, adjoints)
                    key = Key(primitive)
                    if key in table:
                        raise TemplateError("{}: a second rule for {!r} (the first is at {})".format(
                            rule.where, primitive, table[key].where))
                    table[key] = rule
    _check_tangents(adjoints, tangents)
    _check_tangents(adjoints, batched)
    return Registry(types.MappingProxyType(adjoints), types.MappingProxyType(tangents), frozenset(nondiff),
                    types.MappingProxyType(methods), tuple(paths), types.MappingProxyType(batched))


def _check_tangents(adjoints, tangents):
    for primitive, rule in tangents.items():
        adjoint_rule = adjoints.get(primitive)
        if adjoint_rule is None:
            raise TemplateError("{}: tangent template {} for {!r}, which has no adjoint template".format(
                rule.where, rule.name, primitive))
        if adjoint_rule.wrt != rule.wrt:
            raise TemplateError("{}: tangent template {} differentiates {} but the adjoint ({}) {}".format(
                rule.where, rule.name, ", ".join(rule.wrt), adjoint_rule.where, ", ".join(adjoint_rule.wrt)))


def _template_tree(fn, trees):
    """The FunctionDef of the template ``fn``; ``trees`` keeps each file's top-level definitions."""
    filename = fn.__code__.co_filename
    if filename not in trees:
        with tokenize.open(filename) as f:
            module = A.parse(f.read())
        trees[filename] = {min([d.lineno for d in node.decorator_list] + [node.lineno]): node
                           for node in module.body if isinstance(node, gast.FunctionDef)}
    node = trees[filename].get(fn.__code__.co_firstlineno)
    if node is None or node.name != fn.__name__:  # not a top-level def: read it alone
        lines, _ = inspect.getsourcelines(fn)
        node = A.parse(textwrap.dedent("".join(lines))).body[0]
    return A.deepcopy(node)


def parse_rule(fn, label: Label, primitive, trees=None):
    """Check a labelled template function and turn it into a Rule."""
    try:
        node = _template_tree(fn, {} if trees is None else trees)
    except (OSError, SyntaxError) as err:
        raise TemplateError("cannot read the template {}: {}".format(fn.__name__, err)) from None
    filename = fn.__code__.co_filename
    start = fn.__code__.co_firstlineno
    where = "{}:{}".format(filename, start)

    def bad(message):
        raise TemplateError("{}: template {}: {}".format(where, fn.__name__, message))

    sig = inspect.signature(fn)
    positional = [p for p in sig.parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    keyword_only = [p.name for p in sig.parameters.values() if p.kind == p.KEYWORD_ONLY]
    # keyword-only parameters of the primitive itself (np.gradient's axis): those with a default that
    # are not the engine's (ans, ans_bar, the tangents); a call can pass them by keyword only
    reserved = set(SPECIAL) | {n for n in keyword_only if n.endswith("_dot")} | {"batch"}
    primitive_kw = [p for p in sig.parameters.values()
                    if p.kind == p.KEYWORD_ONLY and p.name not in reserved and p.default is not p.empty]
    keyword_only = [n for n in keyword_only if n not in {p.name for p in primitive_kw}]
    positional = positional + primitive_kw
    body = [s for s in node.body if not (isinstance(s, gast.Expr) and isinstance(s.value, gast.Constant))]
    if not body or not isinstance(body[-1], gast.Return) or body[-1].value is None:
        bad("must end with a return")
    prelude = body[:-1]
    for stmt in prelude:
        if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], gast.Name)):
            bad("only assignments to single names may precede the return")
    if label.kind in ("tangent", "batched"):
        names = [p.name for p in positional]
        wrt = label.wrt or tuple(p.name for p in positional if p.default is p.empty)
        for w in wrt:
            if w not in names:
                bad("wrt names {!r}, which is not a parameter".format(w))
        expected = ["ans"] + [w + "_dot" for w in wrt] + (["batch"] if label.kind == "batched" else [])
        if sorted(keyword_only) != sorted(expected):
            bad("keyword-only parameters must be exactly `*, {}`".format(", ".join(expected)))
        signature = inspect.Signature(positional)
        results = (body[-1].value,)
    elif label.kind == "elementwise":
        if [p.name for p in positional] != ["x", "ans"] or keyword_only:
            bad("an elementwise template takes exactly (x, ans)")
        deriv = body[-1].value
        result = gast.BinOp(left=A.name("ans_bar"), op=gast.Mult(), right=deriv)
        if label.singular:
            result = gast.Call(func=A.name("absorb_zeros"), args=[A.name("ans_bar"), result], keywords=[])
        signature = inspect.Signature([positional[0]])
        wrt = ("x",)
        results = (result,)
    else:
        if sorted(keyword_only) != sorted(SPECIAL):
            bad("keyword-only parameters must be exactly `*, ans, ans_bar`")
        signature = inspect.Signature(positional)
        names = [p.name for p in positional]
        wrt = label.wrt or tuple(p.name for p in positional if p.default is p.empty)
        for w in wrt:
            if w not in names:
                bad("wrt names {!r}, which is not a parameter".format(w))
        value = body[-1].value
        if len(wrt) > 1:
            if not isinstance(value, gast.Tuple) or len(value.elts) != len(wrt):
                bad("must return a tuple of {} adjoints, one per {}".format(len(wrt), ", ".join(wrt)))
            results = tuple(value.elts)
        else:
            results = (value,)
    results = tuple(None if isinstance(r, gast.Constant) and r.value is None else r for r in results)
    locals_ = {s.targets[0].id for s in prelude}
    params = set(signature.parameters) | set(SPECIAL) | set(keyword_only) | locals_
    namespace = fn.__globals__
    if label.singular:
        namespace = dict(namespace, absorb_zeros=runtime.absorb_zeros)
    for stmt in list(prelude) + [r for r in results if r is not None]:
        for name in A.names_loaded(stmt):
            if name not in params and name not in namespace and not hasattr(builtins, name):
                bad("uses the undefined name {!r}".format(name))
    return Rule(fn.__name__, primitive, label.kind, signature, tuple(wrt), label.unbroadcast,
                tuple(prelude), results, namespace, where, label.singular)


# ---------------------------------------------------------------- instantiation
def _substituted(node, mapping, namespace):
    """A copy of the template tree ``node`` in which each Name whose id is in
    ``mapping`` is replaced by a copy of its node (one pass: copy and substitute).

    Calls shrink where a mask is left at NumPy's default ``True``, to keep
    generated code short: ``masked(c, where)`` and ``filled(a, where, v)`` become
    ``c`` and ``a``, and a ``where=where`` keyword is dropped.
    """
    if node.__class__ in _ATOMIC:  # most fields: names, line numbers, None
        return node
    if isinstance(node, gast.Name) and node.id in mapping:
        return A.deepcopy(mapping[node.id])
    if (isinstance(node, gast.Call) and isinstance(node.func, gast.Name)
            and namespace.get(node.func.id) in (runtime.masked, runtime.filled)
            and len(node.args) >= 2 and isinstance(node.args[1], gast.Name)
            and _is_true(mapping.get(node.args[1].id))):
        return _substituted(node.args[0], mapping, namespace)
    if isinstance(node, gast.AST):
        new = node.__class__.__new__(node.__class__)
        fields = new.__dict__
        for key, value in node.__dict__.items():
            fields[key] = dict(value) if key == anno.ATTR else _substituted(value, mapping, namespace)
        if isinstance(new, gast.Call) and _is_true(mapping.get("where")):
            new.keywords = [k for k in new.keywords if not (
                k.arg == "where" and isinstance(k.value, gast.Constant) and k.value.value is True)]
        return new
    if isinstance(node, list):
        return [_substituted(item, mapping, namespace) for item in node]
    return A.deepcopy(node)


_ATOMIC = frozenset({str, int, float, bool, type(None)})


def _is_true(node):
    return isinstance(node, gast.Constant) and node.value is True


def _constant(value, refs):
    if value is None or isinstance(value, (bool, int, float, str)):
        return A.const(value)
    if isinstance(value, tuple) and all(v is None or isinstance(v, (bool, int, float, str)) for v in value):
        return gast.Tuple(elts=[A.const(v) for v in value], ctx=gast.Load())
    return refs.expr(value)


class CallBindingError(S2SError):
    pass


def bind(rule, args, keywords, refs):
    """Map each template parameter to an AST node for this call site."""
    try:
        bound = rule.signature.bind(*args, **keywords)
    except TypeError as err:
        raise CallBindingError("the rule {} ({}) does not accept these arguments: {}".format(
            rule.name, rule.where, err)) from None
    mapping = {}
    for name, param in rule.signature.parameters.items():
        if name in bound.arguments:
            mapping[name] = bound.arguments[name]
        else:
            mapping[name] = _constant(param.default, refs)
    return mapping


def check_differentiated(rule, mapping, active):
    """Raise CallBindingError when an active argument goes to a parameter the rule does not differentiate.

    A rule that knows its derivative in a parameter is zero lists it in
    ``wrt`` and returns ``None`` for it; any other parameter receiving a value
    that depends on the inputs would silently get no derivative. (Runtime
    helpers read their other arguments for shapes and indices only.)
    """
    if runtime.is_runtime(rule.primitive):
        return
    for name, node in mapping.items():
        if name not in rule.wrt and active(node):
            raise CallBindingError(
                "the rule {} ({}) does not differentiate its argument `{}`, which depends on the inputs being "
                "differentiated here; wrap it in s2s.stop_gradient(...) to treat it as a constant, or register "
                "a rule with @s2s.adjoint".format(rule.name, rule.where, name))


def instantiate(rule, args, keywords, ans, ans_bar, is_active, refs, namer):
    """(prelude statements, [(parameter node, contribution expression)]) for one call."""
    mapping = bind(rule, args, keywords, refs)
    check_differentiated(rule, mapping, lambda node: isinstance(node, gast.Name) and is_active(node.id))
    wanted = []
    for param, result in zip(rule.wrt, rule.results):
        node = mapping[param]
        if result is not None and isinstance(node, gast.Name) and is_active(node.id):
            wanted.append((node, result))
    if not wanted:
        return [], []
    substitution = dict(mapping)
    substitution["ans"] = ans
    substitution["ans_bar"] = ans_bar
    prelude, results = paste(rule, [result for _, result in wanted], substitution, refs, namer)
    contributions = []
    for (node, _), expr in zip(wanted, results):
        if rule.unbroadcast:
            expr = A.call(refs.expr(runtime.unbroadcast, "unbroadcast"), [expr, A.deepcopy(node)])
        contributions.append((node, expr))
    return prelude, contributions


def paste(rule, results, substitution, refs, namer, finish=None):
    """Paste the template expressions ``results`` of ``rule`` at a call site.

    Returns the prelude statements they need and the expressions, with
    ``substitution`` applied (parameter name -> node), the template's locals
    renamed to fresh names and its other names resolved by object.
    ``finish`` rewrites each pasted prelude value.
    """
    needed = set().union(*(A.names_loaded(r) for r in results))
    prelude = []
    for stmt in reversed(rule.prelude):
        if stmt.targets[0].id in needed:
            prelude.insert(0, stmt)
            needed |= A.names_loaded(stmt.value)
    substitution = dict(substitution)
    for stmt in prelude:
        substitution[stmt.targets[0].id] = A.name(namer.fresh(stmt.targets[0].id))
    for name in needed:
        if name not in substitution:
            obj = rule.namespace[name] if name in rule.namespace else getattr(builtins, name)
            substitution[name] = refs.expr(obj, name)
    out = []
    for stmt in prelude:
        value = _substituted(stmt.value, substitution, rule.namespace)
        out.append(A.assign(A.store(substitution[stmt.targets[0].id]), finish(value) if finish else value))
    return out, [_substituted(r, substitution, rule.namespace) for r in results]

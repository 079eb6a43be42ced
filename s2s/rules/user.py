"""User rules: ``s2s.adjoint(fn)`` and ``s2s.tangent(fn)``.

A user's rule has the form of a built-in template (templates/README.md):

    @s2s.adjoint(my_op)
    def my_op_adjoint(x, y, *, ans, ans_bar):
        return ans_bar * y, ans_bar * x

    @s2s.tangent(my_op)
    def my_op_tangent(x, y, *, ans, x_dot, y_dot):
        return x_dot * y + x * y_dot

Registration checks the rule at once (its form, its parameters against
``fn``'s signature, the tangent against the adjoint) and raises a
``TemplateError`` (an ``S2SError``) naming the rule's ``file:line`` and what
is wrong. A registered rule is used by every transform made or called after
it: the registry is replaced by a new read-only one that includes the rule,
and derivatives generated with an older registry are generated again.

A user rule may replace a built-in one (``np.sin`` too): the user's rule
wins. A new adjoint drops the primitive's previous tangent template, so
forward mode asks for a new ``@s2s.tangent`` rather than pairing the new
adjoint with a tangent written for another rule. Registering a rule for the
same primitive again replaces the previous one (re-running a notebook cell).
"""
import inspect

from s2s.rules import templates
from s2s.common.errors import TemplateError, describe
from s2s.rules.labels import Label

KINDS = ("adjoint", "linear", "elementwise")


def adjoint(fn, *, wrt=None, unbroadcast=False, kind="adjoint"):
    """Decorator: register the adjoint (reverse-mode) rule of ``fn``.

    The rule is ``def rule(<fn's parameters>, *, ans, ans_bar)`` returning one
    adjoint per ``wrt`` parameter (default: those without defaults), a tuple
    when there are several; ``None`` for no contribution. ``unbroadcast=True``
    sums each contribution back to its parameter's shape. ``kind="linear"``:
    ``fn`` is linear in ``wrt`` (its tangent is ``fn`` of the tangents, no
    ``@s2s.tangent`` needed); ``kind="elementwise"``: ``def rule(x, ans)``
    returns ``d ans / d x`` of a one-argument elementwise ``fn``.
    """
    _check_primitive(fn, "adjoint")
    if kind not in KINDS:
        raise TemplateError("s2s.adjoint({}, kind={!r}): kind must be one of {}".format(
            _name(fn), kind, ", ".join(KINDS)))

    def register(rule_fn):
        rule = _parse(rule_fn, Label(kind, (fn,), _as_tuple(wrt), unbroadcast), fn)
        _check_parameters(rule, fn, rule_fn)
        old = templates.registry()
        templates.replace_registry(templates.with_rules(old, adjoints=[rule], drop_tangents=[fn]))
        return rule_fn

    return register


def tangent(fn, *, wrt=None, broadcast=False):
    """Decorator: register the tangent (forward-mode) rule of ``fn``, whose adjoint is registered.

    The rule is ``def rule(<fn's parameters>, *, ans, <p>_dot for each p in wrt)``
    returning the tangent of the result, a sum of terms each linear in one
    ``p_dot``. ``wrt`` must be the adjoint's; ``broadcast=True`` where the
    adjoint has ``unbroadcast=True``.
    """
    _check_primitive(fn, "tangent")

    def register(rule_fn):
        rule = _parse(rule_fn, Label("tangent", (fn,), _as_tuple(wrt), broadcast), fn)
        _check_parameters(rule, fn, rule_fn)
        old = templates.registry()
        adjoint_rule = old.rule_for(fn)
        if adjoint_rule is None:
            raise _error(rule, "{} has no adjoint rule; register one with @s2s.adjoint({}) before its tangent "
                               "(forward and reverse mode use both)".format(describe(fn), _name(fn)))
        if adjoint_rule.params != rule.params:
            raise _error(rule, "its parameters ({}) are not those of the adjoint rule ({}, at {})".format(
                ", ".join(rule.params), ", ".join(adjoint_rule.params), adjoint_rule.where))
        if adjoint_rule.wrt != rule.wrt:
            raise _error(rule, "it differentiates {} but the adjoint rule ({}) differentiates {}; give "
                               "@s2s.tangent the same wrt".format(", ".join(rule.wrt), adjoint_rule.where,
                                                                 ", ".join(adjoint_rule.wrt)))
        templates.replace_registry(templates.with_rules(old, tangents=[rule]))
        return rule_fn

    return register


def _name(fn):
    return getattr(fn, "__name__", None) or "fn"


def _as_tuple(wrt):
    if wrt is None:
        return None
    return (wrt,) if isinstance(wrt, str) else tuple(wrt)


def _check_primitive(fn, decorator):
    if not callable(fn):
        raise TemplateError("s2s.{}(fn) takes the function the rule is for, not {!r}: write "
                            "@s2s.{}(my_function) above the rule.".format(decorator, fn, decorator))
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return
    if "ans" in params and params["ans"].kind == params["ans"].KEYWORD_ONLY:
        raise TemplateError("s2s.{0}({1}): {1} looks like a rule, not the function it differentiates; write "
                            "@s2s.{0}(the_function) above the rule.".format(decorator, _name(fn)))


def _parse(rule_fn, label, fn):
    if not callable(rule_fn):
        raise TemplateError("s2s.{}({}) decorates a function, not {!r}".format(label.kind, _name(fn), rule_fn))
    try:
        return templates.parse_rule(rule_fn, label, fn)
    except TypeError as err:  # a builtin or a callable object: no source to read
        raise TemplateError("cannot read the rule {!r}: {}".format(rule_fn, err)) from None


def _error(rule, message):
    return TemplateError("{}: the rule `{}` for {}: {}".format(rule.where, rule.name, describe(rule.primitive), message))


def _check_parameters(rule, fn, rule_fn):
    """The rule's parameters are ``fn``'s, in ``fn``'s order, with ``fn``'s defaults."""
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):  # a builtin or ufunc without a signature: calls are bound to the rule's
        return
    params = signature.parameters
    variadic = any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params.values())
    names = [n for n, p in params.items() if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    if rule.kind == "elementwise":
        required = [n for n in names if params[n].default is params[n].empty]
        if len(required) != 1:
            raise _error(rule, "an elementwise rule is for a function of one argument, but {}{} takes {}".format(
                _name(fn), signature, len(required)))
        return
    mine = list(rule.params)
    for name in mine:
        if name not in params:
            if variadic:
                continue
            raise _error(rule, "parameter `{}` is not a parameter of {}{}; a rule's parameters are the "
                               "function's own, with the same names".format(name, _name(fn), signature))
        if params[name].kind == params[name].KEYWORD_ONLY:
            raise _error(rule, "parameter `{}` is keyword-only in {}{}; a rule takes the function's "
                               "positional parameters".format(name, _name(fn), signature))
    known = [n for n in mine if n in params]
    if known != sorted(known, key=names.index):
        raise _error(rule, "parameters ({}) are not in the order of {}{}".format(", ".join(mine), _name(fn),
                                                                                   signature))
    for name in names:
        if name not in mine and params[name].default is params[name].empty:
            raise _error(rule, "it leaves out `{}`, which {} requires: a rule lists every parameter that a call "
                               "must pass".format(name, _name(fn)))
    for name in known:
        ours, theirs = rule.signature.parameters[name].default, params[name].default
        if (ours is inspect.Parameter.empty) != (theirs is inspect.Parameter.empty) or not _same(ours, theirs):
            raise _error(rule, "parameter `{}` has {} but in {}{} it has {}".format(
                name, _default(ours), _name(fn), signature, _default(theirs)))


def _same(a, b):
    if a is b:
        return True
    try:
        return bool(a == b) and type(a) is type(b)
    except Exception:  # arrays and other values without a plain truth value
        return False


def _default(value):
    return "no default" if value is inspect.Parameter.empty else "default {!r}".format(value)

"""Activity analysis: which variables carry derivatives.

Requires: the core form (see ``s2s.frontend.normalize.anf``) with ``Key.CALLEE`` on
calls. Returns the set of *active* names: those that depend differentiably on
the differentiated parameters (*varied*) and that the result depends on
differentiably (*useful*). The analysis is per name and flow-insensitive, so
it over-approximates; no adjoint code is generated for inactive names.
"""
import types

import gast

from s2s.common import anno
from s2s.common import astutil as A
from s2s import runtime
from s2s.common import refs
from s2s.rules import templates


def flow_operands(value, registry):
    """Names ``value`` depends on differentiably (for activity; conservative)."""
    if isinstance(value, gast.Name):
        return [value.id]
    if isinstance(value, gast.BinOp):
        if isinstance(value.op, gast.FloorDiv):
            return []
        return [a.id for a in (value.left, value.right) if isinstance(a, gast.Name)]
    if isinstance(value, gast.UnaryOp):
        if isinstance(value.op, gast.Not):
            return []
        return [value.operand.id] if isinstance(value.operand, gast.Name) else []
    if isinstance(value, (gast.Tuple, gast.List)):
        return [e.id for e in value.elts if isinstance(e, gast.Name)]
    if isinstance(value, gast.Subscript):
        return [value.value.id]
    if isinstance(value, gast.Attribute):
        callee = anno.get(value, anno.Key.CALLEE)
        return [] if callee is None else [value.value.id]
    if isinstance(value, gast.Call):
        callee = anno.get(value, anno.Key.CALLEE)
        if registry.is_nondifferentiable(callee):
            return []
        args = list(value.args)
        if anno.has(value, anno.Key.METHOD):
            args.insert(0, value.func.value)
        rule = registry.rule_for(callee)
        if rule is not None:
            try:
                mapping = templates.bind(rule, args, {k.arg: k.value for k in value.keywords}, _NoRefs())
            except templates.CallBindingError:
                # the reverse pass reports the mismatch; stay conservative here
                return [a.id for a in args if isinstance(a, gast.Name)]
            if runtime.is_runtime(callee):
                # runtime helpers read their other arguments for shapes, dtypes and indices only
                return [mapping[w].id for w in rule.wrt if isinstance(mapping[w], gast.Name)]
            # every argument: one the rule does not differentiate is then reported, not dropped
            return [node.id for node in mapping.values() if isinstance(node, gast.Name)]
        names = [a.id for a in args if isinstance(a, gast.Name)]
        names += [k.value.id for k in value.keywords if isinstance(k.value, gast.Name)]
        return names
    return []


class _NoRefs:
    def expr(self, obj, hint=None):
        return A.const(None)


def _statements(body):
    for stmt in body:
        yield stmt
        for field in ("body", "orelse"):
            yield from _statements(getattr(stmt, field, []) or [])


def edges(fn, registry):
    """(target, [sources]) pairs: the target depends differentiably on the sources."""
    out = []
    for stmt in _statements(fn.body):
        if isinstance(stmt, gast.Assign):
            target = stmt.targets[0]
            if isinstance(target, gast.Name):
                out.append((target.id, flow_operands(stmt.value, registry)))
            elif isinstance(target, gast.Subscript):
                out.append((target.value.id, flow_operands(stmt.value, registry) + [target.value.id]))
        elif isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call):
            call = stmt.value
            if isinstance(call.func, gast.Attribute) and call.func.attr == "append" \
                    and not anno.has(call, anno.Key.CALLEE):
                out.append((call.func.value.id, [a.id for a in call.args if isinstance(a, gast.Name)]))
    return out


def active_names(fn, wrt, registry):
    deps = edges(fn, registry)
    varied = set(wrt)
    changed = True
    while changed:
        changed = False
        for target, sources in deps:
            if target not in varied and any(s in varied for s in sources):
                varied.add(target)
                changed = True
    ret = fn.body[-1]
    useful = {ret.value.id} if isinstance(ret, gast.Return) and isinstance(ret.value, gast.Name) else set()
    changed = True
    while changed:  # the same fixed point in any order; backwards, a chain of assignments takes one pass
        changed = False
        for target, sources in reversed(deps):
            if target in useful:
                for s in sources:
                    if s not in useful:
                        useful.add(s)
                        changed = True
    return varied & useful


def assignment_counts(fn):
    """How many statements assign each name (loop targets included)."""
    counts = {}
    for stmt in _statements(fn.body):
        targets = []
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
            targets = [stmt.targets[0].id]
        elif isinstance(stmt, gast.For):
            targets = [stmt.target.id]
        for t in targets:
            counts[t] = counts.get(t, 0) + 1
    return counts


def container_names(fn, container_params):
    """Names that may hold a list or tuple (their adjoints are added with ``add``)."""
    maybe = set(container_params)
    changed = True
    while changed:
        changed = False
        for stmt in _statements(fn.body):
            if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)):
                continue
            target = stmt.targets[0].id
            if target in maybe:
                continue
            v = stmt.value
            container = (
                isinstance(v, (gast.Tuple, gast.List))
                or (isinstance(v, gast.Name) and v.id in maybe)
                or (isinstance(v, gast.Subscript) and v.value.id in maybe)
                or (isinstance(v, gast.Call) and isinstance(anno.get(v, anno.Key.CALLEE), types.FunctionType)
                    and not _is_template_helper(anno.get(v, anno.Key.CALLEE)))
                or (isinstance(v, gast.Call) and anno.get(v, anno.Key.METHOD) == "copy"
                    and isinstance(v.func.value, gast.Name) and v.func.value.id in maybe)
                or _updates_a_container(v, maybe)
            )
            if container:
                maybe.add(target)
                changed = True
    return maybe


def _is_template_helper(fn):
    return getattr(fn, "__module__", "") in refs.RUNTIME_MODULES


def _updates_a_container(value, maybe):
    """Whether ``value`` is a runtime helper updating the adjoint of a list or tuple (generated code
    differentiated again: ``add_at(lst_bar, lst, i, v)``, ``zero_at(lst_bar, i)``, ``copy(lst_bar)``)."""
    if not isinstance(value, gast.Call):
        return False
    callee = anno.get(value, anno.Key.CALLEE)
    names = [a.id for a in value.args if isinstance(a, gast.Name)]
    if callee is runtime.add_at:
        return bool(set(names[:2]) & maybe)
    if callee in (runtime.zero_at, runtime.copy):
        return bool(names[:1]) and names[0] in maybe
    return False

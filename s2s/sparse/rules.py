"""Per-primitive dependency rules: which inputs each output element depends on.

Reads the declarations in templates/patterns.py (categories of primitives)
and the rule registry (``@elementwise`` rules are elementwise and nonlinear;
``@linear`` rules add no Hessian interactions). ``Rules.apply`` maps the
operands' patterns to the result's; a primitive with a derivative rule but no
declaration gets the conservative dense pattern (``Rules.fallback``), which
``tests/test_sparse.py`` lists.
"""
import numpy as np

from s2s.rules import templates
from s2s.sparse import algebra as P

_CATEGORIES = {
    "BROADCAST_LINEAR": "linear", "BROADCAST_PRODUCT": "product", "BROADCAST_QUOTIENT": "quotient",
    "BROADCAST_NONLINEAR": "nonlinear", "INDEX_MAP": "index", "REDUCTIONS": "reduction",
    "CONTRACTIONS": "contraction", "DIFFERENCES": "difference",
}


class Rules:
    def __init__(self, registry):
        self.registry = registry
        module = templates.load_module(templates.templates_dir() / "patterns.py")
        self.kinds = {}
        for attr, kind in _CATEGORIES.items():
            for obj in getattr(module, attr):
                self.kinds.setdefault(templates.Key(obj), kind)
        self.linear_reductions = {templates.Key(o) for o in module.REDUCTIONS_LINEAR}

    def kind(self, callee):
        kind = self.kinds.get(templates.Key(callee))
        if kind is None:
            rule = self.registry.rule_for(callee)
            if rule is not None and rule.kind == "elementwise":
                return "nonlinear"
        return kind

    def fallback(self):
        """Primitives with a rule that get the dense pattern."""
        return [obj for obj in self.registry.adjoints if self.kind(obj) is None]

    # ------------------------------------------------------------------
    def apply(self, callee, args, kwargs, value, hessian, local, fixed=()):
        """The pattern(s) of ``value = callee(*args, **kwargs)``; args are (value, pattern) pairs.

        ``fixed[i]`` says positional operand i does not depend on the inputs at
        all (its own zeros may then thin the pattern of a contraction).
        """
        kind = self.kind(callee)
        result = None
        if kind in ("linear", "product", "quotient", "nonlinear"):
            if local and callee is np.where:
                result = _index_map(callee, args, kwargs, value)
            else:
                operands = list(args) + list(kwargs.values())
                if any(isinstance(p, list) for _, p in operands):
                    return self._dense(callee, args, kwargs, value, hessian)
                result = P.elementwise(operands, value, hessian, kind)
        elif kind == "index":
            result = _index_map(callee, args, kwargs, value)
        elif kind == "reduction":
            result = _reduce(callee, args, kwargs, value, hessian, templates.Key(callee) in self.linear_reductions)
        elif kind == "contraction":
            result = _contract(callee, args, value, hessian, fixed)
        elif kind == "difference":
            result = _difference(args, kwargs, value)
        if result is None:
            result = self._dense(callee, args, kwargs, value, hessian)
        return result

    def _dense(self, callee, args, kwargs, value, hessian):
        """The conservative pattern: every output element depends on every input element."""
        rule = self.registry.rule_for(callee)
        linear = rule is not None and rule.kind == "linear"
        leaves = _leaf_patterns([p for _, p in args] + [p for _, p in kwargs.values()])
        sizes = [P.size(v) for v in value] if isinstance(value, (tuple, list)) else [P.size(value)]
        dense = P.dense(leaves, sizes, hessian, linear)
        return list(dense) if isinstance(value, (tuple, list)) else dense[0]


def _is_leaf(p):
    return p is not None and not isinstance(p, list)


def _leaf_patterns(patterns):
    out = []
    for p in patterns:
        if isinstance(p, list):
            out.extend(_leaf_patterns(p))
        elif p is not None:
            out.append(p)
    return out


def _numbered_args(args, kwargs):
    """Replace active leaves by their element numbers, constants by zeros."""
    blocks = []

    def replace(value, p, nested):
        if isinstance(p, list) and not _leaf_patterns(p):
            p = None
            if not nested:
                return value
        if isinstance(p, list) or (isinstance(value, (list, tuple)) and nested is not None):
            items = [replace(v, q, True) for v, q in zip(value, p if isinstance(p, list) else [None] * len(value))]
            return type(value)(items) if isinstance(value, tuple) else items
        if p is not None:
            offset = sum(b.shape[0] for b in blocks)
            blocks.append(p)
            return P.numbered(np.shape(value), offset)
        if nested or isinstance(value, float) or (isinstance(value, np.ndarray) and value.dtype.kind in "fc"):
            if isinstance(value, (bool, int, float, complex, np.ndarray, np.generic)):
                return np.zeros(np.shape(value), dtype=P.INDEX)
        return value

    new_args = [replace(v, p, None) for v, p in args]
    new_kwargs = {k: replace(v, p, None) for k, (v, p) in kwargs.items()}
    return new_args, new_kwargs, blocks


def _index_map(callee, args, kwargs, value):
    new_args, new_kwargs, blocks = _numbered_args(args, kwargs)
    if not blocks:
        return None
    try:
        idx = callee(*new_args, **new_kwargs)
    except Exception:  # a primitive that refuses integer arrays: use the dense pattern
        return None
    if isinstance(value, (tuple, list)) or np.shape(idx) != np.shape(value):
        return None
    idx = np.asarray(idx)
    if idx.dtype.kind not in "iub":
        idx = np.rint(idx).astype(P.INDEX)
    return P.gather(P.vstack(blocks), idx)


def _argument(args, kwargs, position, name, default=None):
    if name in kwargs:
        return kwargs[name][0]
    if len(args) > position:
        return args[position][0]
    return default


def _reduce(callee, args, kwargs, value, hessian, linear):
    if not args or not _is_leaf(args[0][1]) or any(p is not None for _, p in list(args[1:]) + list(kwargs.values())):
        return None
    axis = _argument(args, kwargs, 1, "axis")
    if not (axis is None or isinstance(axis, (int, np.integer, tuple))) or "where" in kwargs:
        return None
    return P.reduction(args[0][0], args[0][1], value, axis, hessian, linear)


def _difference(args, kwargs, value):
    if not args or not _is_leaf(args[0][1]) or "prepend" in kwargs or "append" in kwargs:
        return None
    n = _argument(args, kwargs, 1, "n", 1)
    axis = _argument(args, kwargs, 2, "axis", -1)
    x = args[0][0]
    out = P.difference(x, args[0][1], int(n), int(axis) % np.ndim(x))
    return out if out is None or out.shape[0] == P.size(value) else None


def _contract(callee, args, value, hessian, fixed):
    if len(args) != 2:
        return None
    (a, pa), (b, pb) = args
    if isinstance(pa, list) or isinstance(pb, list):
        return None
    a, b = np.asarray(a), np.asarray(b)
    if a.ndim > 2 or b.ndim > 2:
        return None
    if callee in (np.outer,):
        a, b = a.reshape(-1, 1), b.reshape(1, -1)
    elif callee is np.vdot:
        a, b = a.reshape(1, -1), b.reshape(-1, 1)
    elif a.ndim == 0 or b.ndim == 0:
        if callee is np.dot:
            return P.elementwise([(a, pa), (b, pb)], value, hessian, "product")
        return None
    else:
        if callee is np.inner:
            if b.ndim == 2:
                if pb is not None:
                    pb = P.gather(pb, P.numbered(b.shape).T)
                b = b.T
            elif a.ndim == 2:
                return None
        a = a.reshape(1, -1) if a.ndim == 1 else a
        b = b.reshape(-1, 1) if b.ndim == 1 else b
    if a.shape[1] != b.shape[0] or a.shape[0] * b.shape[1] != P.size(value):
        return None
    fixed = tuple(fixed) + (False, False)
    return P.matmul(a, pa, fixed[0], b, pb, fixed[1], hessian)

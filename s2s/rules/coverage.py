"""What s2s differentiates: the rules of a registry as rows and as Markdown.

``rows(registry)`` names every primitive with a rule by the module it is
reached through (``numpy``, ``numpy.linalg``, ``scipy.special``, ...), with
the kind of its reverse-mode rule and how its forward-mode rule is given;
``markdown()`` renders them (``docs/coverage.md`` is its output for the
built-in rules, and ``s2s rules`` prints it). Deterministic: rows are sorted.
"""
import builtins
import dataclasses
import importlib
import math
import operator
import pathlib
import types

import numpy as np

from s2s import runtime
from s2s.rules import templates

# Where primitives are looked up by name, in this order (the first module that
# holds an object names it). Optional modules are skipped when missing.
NAMESPACES = ("numpy", "numpy.linalg", "math", "operator", "builtins", "scipy.special", "scipy.linalg",
              "s2s.runtime")

REVERSE = {"adjoint": "adjoint", "linear": "linear", "elementwise": "elementwise"}


@dataclasses.dataclass(frozen=True)
class Row:
    module: str
    names: tuple  # every public name the primitive has in ``module`` (aliases)
    reverse: str  # "adjoint" | "linear" | "elementwise" | "" (non-differentiable)
    forward: str  # "tangent" (a @tangent template) | "derived" (from the kind) | "" (none)
    file: str  # the template file


def _modules():
    out = []
    for name in NAMESPACES:
        try:
            module = {"numpy": np, "math": math, "operator": operator, "builtins": builtins,
                      "s2s.runtime": runtime}.get(name) or importlib.import_module(name)
        except ImportError:
            continue
        out.append((name, module))
    return out


def _index():
    """id(object) -> (module name, sorted public names)."""
    found = {}
    for label, module in _modules():
        names = {}
        for attr, value in vars(module).items():
            if attr.startswith("_"):
                continue
            names.setdefault(id(value), []).append(attr)
        for key, attrs in names.items():
            if key not in found:
                found[key] = (label, tuple(sorted(attrs)))
    return found


def _locate(obj, index):
    if id(obj) in index:
        return index[id(obj)]
    owner = getattr(obj, "__self__", None)
    if isinstance(obj, types.MethodType) and type(owner).__module__.startswith("scipy.stats"):
        # a distribution's method (scipy.stats.norm.logpdf): named by the distribution's name
        kind = type(owner).__name__
        dist = getattr(owner, "name", None) or (kind[:-4] if kind.endswith("_gen") else kind)
        return "scipy.stats", ("{}.{}".format(dist, obj.__name__),)
    name = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None) or repr(obj)
    module = getattr(obj, "__module__", None) or "other"
    if module == "numpy.random._generator":  # methods of np.random.Generator
        module = "numpy.random.Generator"
        name = name.split(".")[-1]
    return module, (name,)


def rows(registry=None):
    """One Row per primitive of ``registry`` (default: the built-in rules), sorted by module then name."""
    registry = registry or templates.builtin_registry()
    index = _index()
    out = []
    for primitive, rule in registry.adjoints.items():
        module, names = _locate(primitive, index)
        explicit = registry.tangent_for(primitive)
        forward = "tangent" if explicit is not None else ("derived" if rule.kind in ("linear", "elementwise")
                                                          else "")
        out.append(Row(module, names, REVERSE[rule.kind], forward, _file(rule.where)))
    for primitive in registry.nondifferentiable:
        module, names = _locate(primitive, index)
        out.append(Row(module, names, "", "", ""))
    order = {name: i for i, name in enumerate(NAMESPACES)}
    return sorted(out, key=lambda r: (order.get(r.module, len(order)), r.module, r.names))


def _file(where):
    return pathlib.Path(where.rsplit(":", 1)[0]).name


def counts(table):
    """{module: (rules, with a forward-mode rule, non-differentiable)}."""
    out = {}
    for row in table:
        rules, forward, nondiff = out.get(row.module, (0, 0, 0))
        out[row.module] = (rules + bool(row.reverse), forward + bool(row.forward), nondiff + (not row.reverse))
    return out


def markdown(registry=None, module=None):
    """The coverage table as Markdown (only ``module``'s primitives when given)."""
    table = [r for r in rows(registry) if module is None or r.module == module]
    lines = ["# What s2s differentiates", "",
             "Generated from the rule registry by `python -m s2s rules --markdown`; do not edit by hand.",
             "Reverse: the kind of the adjoint rule (`elementwise`: d ans / d x, `linear`: the function is "
             "linear in its differentiated arguments, `adjoint`: a general rule). Forward: `tangent` is a "
             "tangent rule written beside the adjoint, `derived` follows from the kind. scipy rules are "
             "there only when scipy is installed; NumPy 2 functions only with NumPy 2.", ""]
    lines += ["| module | rules | forward mode | non-differentiable |", "| --- | ---: | ---: | ---: |"]
    for name, (rules, forward, nondiff) in counts(table).items():
        lines.append("| {} | {} | {} | {} |".format(name, rules, forward, nondiff))
    current = None
    for row in table:
        if not row.reverse:
            continue
        if row.module != current:
            current = row.module
            lines += ["", "## {}".format(current), "", "| function | reverse | forward | template |",
                      "| --- | --- | --- | --- |"]
        lines.append("| {} | {} | {} | {} |".format(
            ", ".join("`{}`".format(n) for n in row.names), row.reverse, row.forward or "none", row.file))
    nondiff = [row for row in table if not row.reverse]
    if nondiff:
        lines += ["", "## Non-differentiable (zero derivative, no error)", ""]
        current = None
        for row in nondiff:
            if row.module != current:
                current = row.module
                lines.append("- **{}**: ".format(current))
            lines[-1] += ("" if lines[-1].endswith(": ") else ", ") + ", ".join("`{}`".format(n) for n in row.names)
    return "\n".join(lines) + "\n"


def text(registry=None, module=None):
    """The coverage table as plain text, one primitive per line."""
    table = [r for r in rows(registry) if module is None or r.module == module]
    width = max([len(r.module) + 1 + len(", ".join(r.names)) for r in table] or [0])
    out = []
    for r in table:
        name = "{}.{}".format(r.module, ", ".join(r.names))
        out.append("{:<{}}  {:<11}  {}".format(name, width, r.reverse or "nondiff", r.forward or "-"))
    return "\n".join(out) + "\n"

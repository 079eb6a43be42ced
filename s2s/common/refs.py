"""Refer to Python objects from generated code, by object and not by spelling.

Generated code runs with the user's module globals; anything else it needs
(NumPy when the user imported it under another name, runtime helpers,
generated subroutines) is bound under a fresh name in ``bindings``, which the
loader passes in as closure variables.
"""
import builtins
import types

import gast

from s2s.common import astutil as A
from s2s import runtime


class Refs:
    def __init__(self, namespaces, namer):
        """``namespaces``: mappings of names visible to the generated code, innermost first."""
        self.namespaces = namespaces
        self.namer = namer
        self.bindings = {}
        self._cache = {}

    def _visible(self, name):
        if name in self.bindings:
            return self.bindings[name]
        for ns in self.namespaces:
            if name in ns:
                return ns[name]
        return _ABSENT

    def resolve(self, node):
        """The object a Name or a module attribute chain of generated code refers to, or None."""
        if isinstance(node, gast.Name):
            obj = self._visible(node.id)
            return getattr(builtins, node.id, None) if obj is _ABSENT else obj
        if isinstance(node, gast.Attribute):
            owner = self.resolve(node.value)
            return getattr(owner, node.attr, None) if isinstance(owner, types.ModuleType) else None
        return None

    def expr(self, obj, hint=None):
        """An expression that evaluates to ``obj`` in the generated code."""
        key = id(obj)
        if key in self._cache:
            return A.deepcopy(self._cache[key])
        node = self._find(obj, hint)
        self._cache[key] = node
        return A.deepcopy(node)

    def _find(self, obj, hint):
        hint = hint or getattr(obj, "__name__", None) or "ref"
        hint = hint.split(".")[-1]
        if self._visible(hint) is obj:
            return A.name(hint)
        for ns in self.namespaces:
            for name, value in ns.items():
                if value is obj and not name.startswith("__"):
                    return A.name(name)
        owner = None if getattr(obj, "__module__", None) in RUNTIME_MODULES else owner_module(obj)
        if owner is not None and self._visible(getattr(obj, "__name__", "")) is not obj:
            module_expr = self.expr(owner, _module_hint(owner))
            return gast.Attribute(value=module_expr, attr=obj.__name__, ctx=gast.Load())
        name = hint if (hint not in self.namer.taken and self._visible(hint) is _ABSENT) else self.namer.fresh(hint)
        self.namer.reserve(name)
        self.bindings[name] = obj
        return A.name(name)


_ABSENT = object()

# modules of the helpers generated code calls: bound by name, never reached through the module
RUNTIME_MODULES = runtime.MODULES + ("s2s.runtime.batching",)

_MODULE_HINTS = {"numpy": "np", "numpy.linalg": "linalg", "math": "math", "operator": "operator"}


def _module_hint(module):
    return _MODULE_HINTS.get(module.__name__, module.__name__.split(".")[-1])


def owner_module(obj):
    """The public module where ``obj`` can be found by its ``__name__``."""
    name = getattr(obj, "__name__", None)
    if not name or isinstance(obj, types.ModuleType):
        return None
    import sys

    candidates = []
    module_name = getattr(obj, "__module__", None)
    if module_name:
        candidates.append(module_name)
        parts = module_name.split(".")
        candidates.extend(".".join(parts[:i]) for i in range(len(parts) - 1, 0, -1))
    candidates.append("numpy")
    for candidate in candidates:
        module = sys.modules.get(candidate)
        if module is not None and not candidate.split(".")[-1].startswith("_") and getattr(module, name, None) is obj:
            return module
    return None

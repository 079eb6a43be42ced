"""Distinct gradients: no two results of a generated gradient are one array.

Takes the entry function of a generated gradient after the clean-ups of
``s2s/backend/optimize.py`` and ``resolve`` (``s2s.backend.specialize.resolver``).
Copy propagation can leave one adjoint name for several parameters
(``np.sum(x + y)``: ``x`` and ``y`` get the same ``t1_bar``), and ``finalize``
returns an adjoint as it is when it has the right shape and dtype, so the
gradients would be the same array: an update in place of one would change the
other. Leaves each later ``finalize(N, p)`` of a name already finalized in the
same ``return`` as ``finalize(copy(N), p)``.
"""
import gast

from s2s.common import astutil as A
from s2s import runtime


def separate(fn, resolve, ref):
    """Copy the repeated adjoints in ``fn``'s returns (in place); ``ref(obj, hint)`` names a helper."""
    for node in gast.walk(fn):
        if isinstance(node, gast.Return) and node.value is not None:
            seen = set()
            for call in _finalize_calls(node.value, resolve):
                name = call.args[0]
                if not isinstance(name, gast.Name):
                    continue
                if name.id in seen:
                    call.args[0] = A.call(ref(runtime.copy, "copy"), [name])
                seen.add(name.id)
    return fn


def _finalize_calls(node, resolve):
    """The ``finalize(name, p)`` calls in ``node``, in the order they run (left to right)."""
    if isinstance(node, gast.Call) and len(node.args) == 2 and resolve(node.func) is runtime.finalize:
        return [node]
    if isinstance(node, (gast.Tuple, gast.List)):
        return [c for e in node.elts for c in _finalize_calls(e, resolve)]
    return []

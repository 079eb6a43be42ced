"""The pseudo-statements of the adjoint sweep and the save/restore markers.

``Reverse`` (``sweeps``) emits adjoint updates as pseudo-statements, which
``accumulate`` turns into plain code once it knows which adjoints are zero,
shared or owned; it places a ``Marker`` wherever a value may need saving
(primal) or restoring (adjoint), which ``saves`` resolves once the adjoint code
is known. The loop schedules (``loops``, ``checkpoint``) place markers too.
"""
import gast


class Acc(gast.stmt):
    """``bar += value`` for the adjoint ``bar`` of primal ``primal``."""
    _fields = ("value",)


class AccAt(gast.stmt):
    """``bar[index] += value``."""
    _fields = ("index", "value")


class ZeroAt(gast.stmt):
    """``bar[index] = 0``."""
    _fields = ("index",)


class Reset(gast.stmt):
    """The adjoint ``bar`` becomes zero (the primal was defined here)."""
    _fields = ()


class Group(gast.stmt):
    """Statements that only matter when the adjoints in ``reads`` are nonzero."""
    _fields = ("body",)


class Marker(gast.stmt):
    """Where a save (primal) or a restore (adjoint) of ``slot`` may go."""
    _fields = ()


def acc(bar, primal, value):
    node = Acc(value=value)
    node.bar, node.primal = bar, primal
    return node


class Slot:
    """A value that may need saving before it is overwritten."""

    def __init__(self, kind, name, depth, index=None, stmt=None):
        self.kind = kind  # "name" | "item" | "append" | "pop"
        self.name = name
        self.depth = depth
        self.index = index
        self.stmt = stmt


def marker(slot, role):
    node = Marker()
    node.slot, node.role = slot, role
    return node


def copy_attrs(src, dst):
    """Give ``dst`` the pseudo-statement attributes and annotations of ``src``."""
    for attr in ("bar", "primal", "reads", "_s2s_anno"):
        if hasattr(src, attr):
            setattr(dst, attr, getattr(src, attr))

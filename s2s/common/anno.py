"""Typed annotations stored on AST nodes.

Stages communicate through these keys only; each key's docstring-like value
says what it holds.
"""
import enum


class Key(enum.Enum):
    ORIGIN = "Origin of the node in the user's source (an s2s.frontend.parse.Origin)."
    CALLEE = "The Python object a call's function expression resolves to."
    METHOD = "The ndarray method name a call was rewritten from."
    SITE = ("The user's source line (an Origin) an adjoint statement came from, without a comment: run-time "
            "errors of generated code name it (s2s/backend/emit.py maps lines to sites).")
    ENTRY = ("A subscript reading a dict's entry by a key known only at run time (a loop over d.items()): "
             "its tangent reads the tangent dict, which may lack the key, with read_at.")
    CHECKPOINT = "A loop's s2s.checkpointed marker: dict(snapshots=int, schedule=None|'binomial'|'online')."

    # members are singletons compared by identity: hashed by identity too, in C (Enum's own
    # __hash__ is Python code, run on every annotation read)
    __hash__ = object.__hash__


_ATTR = ATTR = "_s2s_anno"  # the node attribute holding a node's annotations
_NONE = {}  # the annotations of a node without any (read only: never written to)


def get(node, key, default=None):
    return getattr(node, _ATTR, _NONE).get(key, default)


def set(node, key, value):  # noqa: A001 - mirrors get
    annotations = getattr(node, _ATTR, None)
    if annotations is None:
        annotations = {}
        setattr(node, _ATTR, annotations)
    annotations[key] = value


def has(node, key):
    return key in getattr(node, _ATTR, _NONE)


def copy(src, dst):
    """Copy every annotation of ``src`` onto ``dst`` and return ``dst``."""
    annotations = getattr(src, _ATTR, None)
    if annotations:
        setattr(dst, _ATTR, dict(annotations))
    return dst

"""Containers (dicts, records, lists, tuples, named tuples) as the argument of the sparse functions.

Their floating-point elements are the columns, numbered by ``s2s.api.treejac.Flat``: leaf by leaf in the
container's order (dict order, dataclass fields, list index), each leaf in C order; ``Flat(x).where(j)``
names the leaf and index of column ``j``. ``leaf_patterns`` gives the detector (s2s/sparse/detect.py)
the input pattern of such an argument, and ``Layout`` shapes the seeds and products of the sparse
evaluators (s2s/sparse/api.py) as the container.
"""
import numpy as np

from s2s.api import treejac
from s2s.runtime import is_named
from s2s.sparse import algebra as P


def is_container(x):
    return isinstance(x, (list, tuple)) or is_named(x)


def size(x):
    """Columns of ``x``: its size, or the number of float elements of a container."""
    return treejac.Flat(x).size if is_container(x) else P.size(x)


def leaf_patterns(x, n):
    """The input pattern of a container argument: a dict of patterns for a dict or record, a list for a list
    or tuple; a float leaf depends on its own columns of ``treejac.Flat(x)``'s numbering, the rest on none."""
    flat = treejac.Flat(x)
    spans = dict(zip(flat.paths, zip(flat.offsets, flat.shapes)))

    def pattern(path, leaf, _inside_named):
        if path not in spans:
            return None
        offset, shape = spans[path]
        return P.gather(P.identity(n), P.numbered(shape, offset))
    tree = treejac.mapped(x, pattern, records_as_dicts=True)

    def as_lists(t):
        if isinstance(t, dict):
            return {k: as_lists(v) for k, v in t.items()}
        return [as_lists(v) for v in t] if isinstance(t, (list, tuple)) else t
    return as_lists(tree)


class Layout:
    """How seeds and products of an argument or result ``like`` are shaped: as ``like`` for an array, or as
    the container ``like`` with its float elements numbered by ``treejac.Flat`` (columns or rows)."""

    def __init__(self, like):
        self.like = like
        self.flat = treejac.Flat(like) if is_container(like) else None
        self.shape = (self.flat.size,) if self.flat else np.shape(like)

    def seed(self, s, lead=()):
        """The (batched, with ``lead``) seed from ``s`` of shape ``lead + self.shape``."""
        if self.flat is not None:
            return self.flat.split(s, lead, tangent=True)
        return s if lead or np.ndim(self.like) else float(s)

    def rows(self, product, k):
        """A product (k seeds when batched, else one) as a ``(k, width)`` array."""
        if self.flat is not None:
            return self.flat.ravel(product, k)
        return np.reshape(product, (k, -1))

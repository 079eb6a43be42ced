"""Sparsity patterns of values and how primitives transform them.

A pattern of a value ``v`` is a boolean matrix of shape ``(v.size, n)``
(a ``Pattern``, s2s.sparse.pattern): row k lists the inputs element k of
``v`` depends on (elements in C order). ``None`` is the pattern of a constant.
A Hessian pattern is an ``(n, n)`` matrix accumulated from the second-order
interactions each nonlinear operation adds (``Hessian.add``).

The functions here take values and patterns, never AST: ``detect`` calls them
once per primitive it meets. Each category is one function, named as in
templates/patterns.py.
"""
import numpy as np

from s2s.sparse.pattern import INDEX, Pattern, sorted_unique

identity = Pattern.identity
vstack = Pattern.vstack


def empty(rows, n):
    return Pattern.empty((rows, n))


def size(value):
    return int(np.size(value))


def union(patterns):
    """Elementwise union of same-shaped patterns (None entries skipped)."""
    present = [p for p in patterns if p is not None]
    if not present:
        return None
    return Pattern.union_all(present)


def gather(p, idx):
    """Rows of ``p`` picked by ``idx`` (flat; 0 picks no row, k picks row k-1)."""
    return p.take_rows(np.asarray(idx, dtype=INDEX).ravel() - 1)


def numbered(shape, offset=0):
    """Element indices plus one (0 means "no element"), shaped ``shape``."""
    count = int(np.prod(shape, dtype=INDEX))
    return np.arange(offset + 1, offset + count + 1, dtype=INDEX).reshape(shape)


def broadcast(value, p, shape):
    """The pattern of ``value`` broadcast to ``shape``."""
    if np.shape(value) == tuple(shape):
        return p
    return gather(p, np.broadcast_to(numbered(np.shape(value)), shape))


def spread(columns, rows):
    """A pattern whose ``rows`` rows all equal the 1-row pattern ``columns``."""
    return columns.take_rows(np.zeros(rows, dtype=INDEX))


def columns_of(p):
    """The inputs any element depends on, as a 1-row pattern."""
    cols = sorted_unique(p.indices)
    return Pattern.from_coo(np.zeros(len(cols), dtype=INDEX), cols, (1, p.shape[1]), canonical=True)


class Hessian:
    """Accumulates pairs of inputs that interact (second-order dependence)."""

    def __init__(self, n):
        self.n = n
        self.terms = []

    def add(self, a, b=None):
        """Interactions between every input of a row of ``a`` and of the same row of ``b``."""
        if a is None:
            return
        b = a if b is None else b
        term = a.T @ b
        self.terms.append(term + term.T if b is not a else term)

    def add_pairs(self, term):
        self.terms.append(term + term.T)

    def result(self):
        return union(self.terms) if self.terms else empty(self.n, self.n)


# ------------------------------------------------------------- categories
def elementwise(operands, value, hessian, kind):
    """Broadcasting elementwise primitives; ``operands`` is a list of (value, pattern) in order."""
    shape = np.shape(value)
    spread_ = [broadcast(v, p, shape) if p is not None else None for v, p in operands]
    out = union(spread_)
    if hessian is not None and out is not None:
        active = [p for p in spread_ if p is not None]
        if kind == "nonlinear" or (kind == "quotient" and len(spread_) > 1 and spread_[1] is not None):
            hessian.add(out)
        elif kind == "product":
            for i in range(len(active)):
                for j in range(i + 1, len(active)):
                    hessian.add(active[i], active[j])
    return out


def dense(patterns, value_sizes, hessian, linear):
    """Every output element depends on every input of every operand."""
    cols = columns_of(union([columns_of(p) for p in patterns]))
    if hessian is not None and not linear:
        hessian.add(cols)
    return [spread(cols, m) for m in value_sizes]


def reduction(value, p, out, axis, hessian, linear):
    shape = np.shape(value)
    if axis is None:
        axes = tuple(range(len(shape)))
    else:
        axes = tuple(a % len(shape) for a in (axis if isinstance(axis, tuple) else (axis,)))
    kept = tuple(1 if d in axes else s for d, s in enumerate(shape))
    labels = np.broadcast_to(np.arange(int(np.prod(kept, dtype=INDEX))).reshape(kept), shape).ravel()
    if len(labels) and int(np.prod(kept, dtype=INDEX)) != size(out):
        return None
    result = p.merge_rows(labels, size(out))
    if hessian is not None and not linear:
        hessian.add(result)
    return result


def difference(value, p, n, axis):
    shape = np.shape(value)
    idx = numbered(shape)
    current = p
    for _ in range(n):
        upper = np.take(idx, np.arange(1, idx.shape[axis]), axis=axis)
        lower = np.take(idx, np.arange(0, idx.shape[axis] - 1), axis=axis)
        current = union([gather(current, upper), gather(current, lower)])
        idx = numbered(upper.shape)
    return current


def matmul(a, pa, a_const, b, pb, b_const, hessian):
    """C = A @ B for 2-d A (m, k) and B (k, q); a constant operand's own zeros are used."""
    m, k = a.shape
    q = b.shape[1]
    out = []
    if pa is not None:
        struct = Pattern.from_dense((b != 0).T if b_const else np.ones((q, k), dtype=bool))
        out.append(Pattern.kron(identity(m), struct) @ pa)
    if pb is not None:
        struct = Pattern.from_dense((a != 0) if a_const else np.ones((m, k), dtype=bool))
        out.append(Pattern.kron(struct, identity(q)) @ pb)
    if hessian is not None and pa is not None and pb is not None:
        pairs = (Pattern.kron(np.ones((m, 1), dtype=bool), identity(k))
                 @ Pattern.kron(identity(k), np.ones((1, q), dtype=bool)))
        hessian.add_pairs(pa.T @ pairs @ pb)
    return union(out)

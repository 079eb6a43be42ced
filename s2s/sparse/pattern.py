"""Boolean sparse matrices in NumPy alone: the pattern type of ``s2s.sparse``.

``Pattern`` stores a boolean matrix by compressed rows: ``indptr`` (length
rows + 1) and ``indices`` (column of each nonzero), both int64. Invariant:
within each row the columns are sorted and unique, so two equal patterns have
equal arrays. Every operation is vectorized (no Python loop per nonzero);
products and unions sort the keys ``row * columns + column`` of the entries
they build.

Detection (``algebra``, ``detect``, ``rules``) and coloring compute with it;
``s2s.sparse.api`` converts at the boundary (scipy.sparse CSR when SciPy is
importable). Without SciPy it is what ``jacobian_sparsity`` returns: it reads
like a scipy COO matrix (``row``, ``col``, ``shape``, ``nnz``, ``dtype``,
``toarray()``).
"""
import numpy as np

INDEX = np.int64


def sorted_unique(keys, return_counts=False):
    """The distinct values of the int array ``keys``, ascending (and how often each occurs).

    np.unique hashes in NumPy 2, several times slower here than a sort.
    """
    keys = np.sort(keys)
    first = np.concatenate(([True], keys[1:] != keys[:-1])) if len(keys) else np.zeros(0, dtype=bool)
    if not return_counts:
        return keys[first]
    starts = np.flatnonzero(first)
    return keys[starts], np.diff(np.append(starts, len(keys)))


def _outside(rows, cols, m, n):
    k = np.flatnonzero((rows < 0) | (rows >= m) | (cols < 0) | (cols >= n))[0]
    return int(rows[k]), int(cols[k])


def ranges(starts, lengths):
    """``concatenate([arange(s, s + k) for s, k in zip(starts, lengths)])`` without the loop."""
    lengths = np.asarray(lengths, dtype=INDEX)
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=INDEX)
    first = np.cumsum(lengths) - lengths  # where each range starts in the output
    return np.repeat(np.asarray(starts, dtype=INDEX) - first, lengths) + np.arange(total, dtype=INDEX)


class Pattern:
    """A boolean sparse matrix (compressed rows, sorted unique columns per row)."""

    __slots__ = ("indptr", "indices", "shape")
    dtype = np.dtype(bool)

    def __init__(self, indptr, indices, shape):
        self.indptr = indptr
        self.indices = indices
        self.shape = (int(shape[0]), int(shape[1]))

    # ---------------------------------------------------------- construction
    @classmethod
    def from_coo(cls, rows, cols, shape, canonical=False):
        """The pattern with nonzeros at ``(rows[k], cols[k])``; duplicates allowed unless ``canonical``.

        ``canonical=True`` promises the entries are already sorted by (row, column) without repeats.
        """
        rows = np.asarray(rows, dtype=INDEX).ravel()
        cols = np.asarray(cols, dtype=INDEX).ravel()
        m, n = int(shape[0]), int(shape[1])
        if not canonical and len(rows):
            if min(rows.min(), cols.min()) < 0 or rows.max() >= m or cols.max() >= n:
                raise ValueError("a nonzero at ({}, {}) lies outside the shape {}".format(
                    *_outside(rows, cols, m, n), (m, n)))
            rows, cols = np.divmod(sorted_unique(rows * n + cols), n)
        indptr = np.zeros(m + 1, dtype=INDEX)
        np.cumsum(np.bincount(rows, minlength=m), out=indptr[1:])
        return cls(indptr, cols, (m, n))

    @classmethod
    def identity(cls, n):
        return cls(np.arange(n + 1, dtype=INDEX), np.arange(n, dtype=INDEX), (n, n))

    @classmethod
    def empty(cls, shape):
        return cls(np.zeros(int(shape[0]) + 1, dtype=INDEX), np.zeros(0, dtype=INDEX), shape)

    @classmethod
    def from_dense(cls, a):
        a = np.asarray(a)
        if a.ndim != 2:
            raise ValueError("a pattern is a 2-d array, not one of shape {}".format(a.shape))
        rows, cols = np.nonzero(a)
        return cls.from_coo(rows, cols, a.shape, canonical=True)

    @classmethod
    def from_any(cls, p):
        """A Pattern from a Pattern, a scipy.sparse matrix or array, a COO-like object or a dense array."""
        if isinstance(p, cls):
            return p
        if getattr(p, "format", None) == "csr" and p.has_canonical_format and np.all(p.data != 0):
            return cls(p.indptr.astype(INDEX), p.indices.astype(INDEX), p.shape)  # scipy.sparse CSR: no sort
        if hasattr(p, "tocoo") and hasattr(p, "nnz"):  # scipy.sparse (any format)
            coo = p.tocoo()
            keep = np.asarray(coo.data) != 0
            return cls.from_coo(np.asarray(coo.row)[keep], np.asarray(coo.col)[keep], coo.shape)
        if hasattr(p, "row") and hasattr(p, "col") and hasattr(p, "shape"):
            return cls.from_coo(p.row, p.col, p.shape)
        return cls.from_dense(p)

    @staticmethod
    def vstack(patterns):
        """The patterns one above the other (same number of columns)."""
        patterns = list(patterns)
        n = patterns[0].shape[1]
        rows = sum(p.shape[0] for p in patterns)
        ends = np.cumsum([p.nnz for p in patterns])
        indptr = np.concatenate([np.zeros(1, dtype=INDEX)]
                                + [p.indptr[1:] + (e - p.nnz) for p, e in zip(patterns, ends)])
        return Pattern(indptr, np.concatenate([p.indices for p in patterns]), (rows, n))

    @staticmethod
    def union_all(patterns):
        """Elementwise union of same-shaped patterns."""
        patterns = list(patterns)
        if len(patterns) == 1:
            return patterns[0]
        return Pattern.from_coo(np.concatenate([p.row for p in patterns]),
                                np.concatenate([p.indices for p in patterns]), patterns[0].shape)

    @staticmethod
    def kron(a, b):
        """The Kronecker product: block (i, j) is ``b`` where ``a`` has a nonzero."""
        a, b = Pattern.from_any(a), Pattern.from_any(b)
        (r, s) = b.shape
        rows = (a.row[:, None] * r + b.row[None, :]).ravel()
        cols = (a.indices[:, None] * s + b.indices[None, :]).ravel()
        return Pattern.from_coo(rows, cols, (a.shape[0] * r, a.shape[1] * s))

    # ---------------------------------------------------------- reading
    @property
    def nnz(self):
        return int(self.indptr[-1])

    @property
    def row(self):
        """Row of each nonzero (row-major order, as ``col``)."""
        return np.repeat(np.arange(self.shape[0], dtype=INDEX), np.diff(self.indptr))

    @property
    def col(self):
        return self.indices

    def row_lengths(self):
        return np.diff(self.indptr)

    def toarray(self):
        out = np.zeros(self.shape, dtype=bool)
        out[self.row, self.indices] = True
        return out

    def sum(self, axis=None):
        """Nonzeros in all (None), in each column (0) or in each row (1)."""
        if axis is None:
            return self.nnz
        if axis == 0:
            return np.bincount(self.indices, minlength=self.shape[1])
        return np.diff(self.indptr)

    def tocoo(self):
        return self

    def to_scipy(self):
        """The same pattern as a boolean scipy.sparse CSR matrix (needs SciPy)."""
        import scipy.sparse as sp

        return sp.csr_matrix((np.ones(self.nnz, dtype=bool), self.indices.copy(), self.indptr.copy()),
                             shape=self.shape)

    def __repr__(self):
        return "<{} boolean s2s.sparse.Pattern with {} nonzeros>".format("x".join(map(str, self.shape)), self.nnz)

    # ---------------------------------------------------------- operations
    @property
    def T(self):
        return self.transpose()

    def transpose(self):
        # a stable sort by column keeps the rows ascending within each column
        order = np.argsort(self.indices, kind="stable")
        return Pattern.from_coo(self.indices[order], self.row[order], self.shape[::-1], canonical=True)

    def __add__(self, other):
        return Pattern.union_all([self, Pattern.from_any(other)])

    __or__ = __add__

    def __matmul__(self, other):
        """Boolean product: entry (i, j) when some k has (i, k) here and (k, j) in ``other``."""
        other = Pattern.from_any(other)
        if self.shape[1] != other.shape[0]:
            raise ValueError("pattern shapes {} and {} do not chain".format(self.shape, other.shape))
        lengths = np.diff(other.indptr)[self.indices]
        rows = np.repeat(self.row, lengths)
        cols = other.indices[ranges(other.indptr[self.indices], lengths)]
        return Pattern.from_coo(rows, cols, (self.shape[0], other.shape[1]))

    def take_rows(self, picks):
        """Row ``picks[k]`` of this pattern as row k; a negative pick gives an empty row."""
        picks = np.asarray(picks, dtype=INDEX).ravel()
        starts = np.where(picks >= 0, self.indptr[:-1][np.maximum(picks, 0)] if self.shape[0] else 0, 0)
        lengths = np.where(picks >= 0, np.diff(self.indptr)[np.maximum(picks, 0)] if self.shape[0] else 0, 0)
        indptr = np.zeros(len(picks) + 1, dtype=INDEX)
        np.cumsum(lengths, out=indptr[1:])
        return Pattern(indptr, self.indices[ranges(starts, lengths)], (len(picks), self.shape[1]))

    def merge_rows(self, labels, rows):
        """Row r of the result: the union of the rows k with ``labels[k] == r`` (``rows`` rows)."""
        labels = np.asarray(labels, dtype=INDEX).ravel()
        return Pattern.from_coo(labels[self.row], self.indices, (rows, self.shape[1]))

    def without_diagonal(self):
        keep = self.indices != self.row
        return Pattern.from_coo(self.row[keep], self.indices[keep], self.shape, canonical=True)

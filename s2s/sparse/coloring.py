"""Graph colorings of sparsity patterns, their checks, and decompression.

- ``column_coloring(J)``: greedy partial distance-2 coloring of the columns of
  ``J`` (two columns sharing a row get different colors): the better of
  largest-first order (by degree in the column intersection graph) and DSatur
  (most distinctly colored neighbors first). Rows: ``column_coloring(J.T)``. Each color is one JVP (columns) or VJP (rows).
- ``star_coloring(H)``: greedy star coloring of the adjacency graph of a
  symmetric pattern (distance-1 proper, and every path on four vertices uses
  at least three colors), largest-first. Each color is one Hessian-vector
  product; symmetry recovers each off-diagonal entry from one of its two sides.
- ``check_columns`` / ``check_star`` raise ``S2SError`` when a coloring is not
  valid for a pattern (structurally orthogonal groups / star condition).
- ``decompress_*``: the sparse matrix from the compressed products.

Patterns are anything ``Pattern.from_any`` reads (a ``Pattern``, scipy.sparse,
a dense boolean array); colors are int arrays numbered from 0. Only the
``decompress_*`` functions need SciPy (they build scipy.sparse matrices).
"""
import numpy as np

from s2s.common.errors import S2SError
from s2s.sparse.pattern import Pattern, sorted_unique


def _bool(p):
    return Pattern.from_any(p)


def _largest_first(adjacency):
    degree = np.diff(adjacency.indptr)
    return np.argsort(-degree, kind="stable")


def _ncolors(colors):
    return int(colors.max()) + 1 if len(colors) else 0


def _greedy(n, order, forbidden_of):
    """Each vertex in ``order`` gets the least color not in ``forbidden_of(v, colors)`` (-1: uncolored)."""
    colors = [-1] * n
    for v in order.tolist():
        used = forbidden_of(v, colors)
        c = 0
        while c in used:
            c += 1
        colors[v] = c
    return np.array(colors, dtype=np.int64)


def _saturation(indptr, indices, order):
    """DSatur: next the uncolored vertex whose neighbors show the most distinct colors (ties: first in
    ``order``), given the least color none of them has. Python lists and int bitmasks, one pass over
    the edges."""
    n = len(indptr) - 1
    used = [0] * n  # bit c set: a neighbor has color c
    saturation = [0] * n
    colors = [-1] * n
    buckets = [dict.fromkeys(order.tolist())]  # saturation -> vertices, kept in ``order`` (dicts keep order)
    top = 0
    for _ in range(n):
        while not buckets[top]:
            top -= 1
        bucket = buckets[top]
        v = next(iter(bucket))
        del bucket[v]
        mask = used[v]
        c = (~mask & (mask + 1)).bit_length() - 1  # the lowest clear bit
        colors[v] = c
        bit = 1 << c
        for w in indices[indptr[v]:indptr[v + 1]]:
            mask = used[w]
            if mask & bit or colors[w] >= 0:
                continue
            used[w] = mask | bit
            s = saturation[w]
            del buckets[s][w]
            s += 1
            saturation[w] = s
            if s > top:
                top = s
                if s == len(buckets):
                    buckets.append({})
            buckets[s][w] = None
    return np.array(colors, dtype=np.int64)


def column_coloring(pattern):
    """Colors of the columns of ``pattern`` such that no row has two nonzeros of one color.

    The fewer colors of two greedy colorings of the column intersection
    graph: vertices in largest-first order, and DSatur (largest-first on
    ties); largest-first on a tie.
    """
    j = _bool(pattern)
    conflict = (j.T @ j).without_diagonal()  # columns sharing a row (the column intersection graph)
    indptr, indices = conflict.indptr.tolist(), conflict.indices.tolist()

    def forbidden(v, colors):
        return {colors[w] for w in indices[indptr[v]:indptr[v + 1]]}

    order = _largest_first(conflict)
    candidates = [_greedy(conflict.shape[0], order, forbidden), _saturation(indptr, indices, order)]
    colors = min(candidates, key=_ncolors)
    check_columns(j, colors)
    return colors


def star_coloring(pattern):
    """A star coloring of the symmetric pattern ``pattern`` (each vertex a row/column)."""
    a = _bool(pattern)
    a = (a + a.T).without_diagonal()
    indptr, indices = a.indptr.tolist(), a.indices.tolist()

    def neighbors(v):
        return indices[indptr[v]:indptr[v + 1]]

    def forbidden(v, colors):
        out = set()
        for w in neighbors(v):
            cw = colors[w]
            if cw >= 0:
                out.add(cw)
            for x in neighbors(w):
                cx = colors[x]
                if x == v or cx < 0:
                    continue
                if cw < 0:
                    out.add(cx)
                else:
                    # the path v-w-x-y would be two-colored if some y ~ x had w's color
                    for y in neighbors(x):
                        if y != w and colors[y] == cw:
                            out.add(cx)
                            break
        return out

    colors = _greedy(a.shape[0], _largest_first(a), forbidden)
    check_star(pattern, colors)
    return colors


def _color_counts(p, colors):
    """Keys ``row * k + color`` of the nonzeros of ``p`` (sorted, unique), how many share each, ``k``,
    and ``count(rows, cs)``: how many nonzeros each row has in columns of the color beside it."""
    k = int(colors.max()) + 1 if len(colors) else 1
    keys = p.row * k + colors[p.indices]
    if p.shape[0] * k <= 4 * len(keys) + 4096:  # a table of every (row, color) is small: count without sorting
        table = np.bincount(keys, minlength=p.shape[0] * k)
        keys = np.flatnonzero(table)
        return keys, table[keys], k, lambda rows, cs: table[rows * k + cs]
    keys, counts = sorted_unique(keys, return_counts=True)

    def count(rows, cs):
        wanted = rows * k + cs
        if not len(keys):
            return np.zeros(len(wanted), dtype=np.int64)
        at = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
        return np.where(keys[at] == wanted, counts[at], 0)

    return keys, counts, k, count


def check_columns(pattern, colors):
    """Raise unless the columns of each color are structurally orthogonal."""
    colors = np.asarray(colors)
    if len(colors) != pattern.shape[1] or (len(colors) and colors.min() < 0):
        raise S2SError("a column coloring needs one color >= 0 per column ({} columns, {} colors given)".format(
            pattern.shape[1], len(colors)))
    keys, counts, k, _ = _color_counts(_bool(pattern), colors)
    if len(counts) and counts.max() > 1:
        row, color = divmod(int(keys[np.argmax(counts > 1)]), k)
        raise S2SError("row {} has two nonzeros in columns of color {}: the coloring is not structurally "
                       "orthogonal".format(row, color))


def _star_sources(pattern, colors):
    """For each off-diagonal nonzero (i, j): read it from row i of color(j) (True) or row j of color(i)."""
    a = _bool(pattern)
    rows, cols = a.row, a.indices
    off = rows != cols
    count = _color_counts(a, colors)[3]
    from_i = count(rows, colors[cols]) == 1
    from_j = count(cols, colors[rows]) == 1
    return rows, cols, off, from_i, from_j


def check_star(pattern, colors):
    """Raise unless every entry of the symmetric ``pattern`` can be read from the compressed products."""
    colors = np.asarray(colors)
    if len(colors) != pattern.shape[0] or (len(colors) and colors.min() < 0):
        raise S2SError("a star coloring needs one color >= 0 per row ({} rows, {} colors given)".format(
            pattern.shape[0], len(colors)))
    rows, cols, off, from_i, from_j = _star_sources(pattern, colors)
    adjacent = off & (colors[rows] == colors[cols])
    bad = off & ~(from_i | from_j)
    if adjacent.any() or bad.any():
        k = np.nonzero(adjacent | bad)[0][0]
        raise S2SError("entry ({}, {}) cannot be recovered: not a star coloring".format(rows[k], cols[k]))


def decompress_columns(pattern, colors, compressed):
    """J from ``compressed[:, c] = J @ (indicator of color c)``."""
    import scipy.sparse as sp

    p = _bool(pattern)
    data = compressed[p.row, colors[p.col]]
    return sp.csr_matrix((data, p.indices.copy(), p.indptr.copy()), shape=p.shape)


def decompress_rows(pattern, colors, compressed):
    """J from ``compressed[c, :] = (indicator of row color c) @ J``."""
    import scipy.sparse as sp

    p = _bool(pattern)
    data = compressed[colors[p.row], p.col]
    return sp.csr_matrix((data, p.indices.copy(), p.indptr.copy()), shape=p.shape)


def decompress_star(pattern, colors, compressed):
    """H from ``compressed[:, c] = H @ (indicator of color c)`` for a star coloring."""
    import scipy.sparse as sp

    p = _bool(pattern)
    rows, cols, off, from_i, _ = _star_sources(p, colors)
    use_i = ~off | from_i
    data = np.where(use_i, compressed[rows, colors[cols]], compressed[cols, colors[rows]])
    return sp.csr_matrix((data, p.indices.copy(), p.indptr.copy()), shape=p.shape)

"""Jacobians and Hessians with respect to containers: dicts, records, lists, tuples and named tuples.

Takes a batched ``vjp`` or ``jvp`` (s2s/api/transforms.py, ``batch=True``),
or one seed at a time through a call of the plain one (``per_seed_jvp``,
``per_seed_vjp``), and leaves the Jacobian in the structures of the result
(outside) and the argument (inside), as JAX does: for each output leaf, the
argument's structure whose floating-point leaves are arrays of shape
``out_leaf.shape + leaf.shape``. Entries that are not floating-point follow
``grad``'s rule: ``None`` inside a dict or record, zeros inside a list or
tuple. A result that is itself a container (the gradient, for a Hessian)
nests outside: ``H[k1][k2]`` has shape ``leaf1.shape + leaf2.shape``, and an
output entry that is ``None`` (a gradient's int) stays ``None``. A tuple
``wrt`` puts a tuple over the arguments inside each output leaf.

``Flat`` numbers the floating-point elements of an argument in one order
(its leaves in order, each in C order): the columns of the unit seeds here,
and of the sparse functions (s2s/sparse/api.py), whose ``Flat.where(i)``
says which leaf and index a column is.
"""
import numpy as np

from s2s.runtime import entries, float_dtype, is_differentiable_leaf, is_named, is_record, is_zero, path_text, \
    rebuilt, rebuilt_like


def leaves(x, path=(), inside_named=False):
    """(path, leaf, inside_named) of each leaf of ``x`` in order; a path step is a dict key, an index
    or ``(None, attribute)``; ``inside_named``: the leaf is an entry of a dict or record."""
    if is_named(x):
        out = []
        for k, v in entries(x):
            out.extend(leaves(v, path + (((None, k),) if is_record(x) else (k,)), True))
        return out
    if isinstance(x, (list, tuple)):
        out = []
        for i, v in enumerate(x):
            out.extend(leaves(v, path + (i,), False))
        return out
    return [(path, x, inside_named)]


def at(x, path):
    """The entry of ``x`` at ``path``; ``None`` where a ``None`` or a zero ``0.0`` stands on the way
    (a derivative with nothing there)."""
    for step in path:
        if x is None or is_zero(x):
            return None
        if isinstance(step, tuple):
            x = x.get(step[1]) if isinstance(x, dict) else getattr(x, step[1])
        elif isinstance(x, dict):
            x = x.get(step)
        else:
            x = x[step]
    return x


def mapped(x, fn, path=(), inside_named=False, records_as_dicts=False):
    """``x`` rebuilt with each leaf replaced by ``fn(path, leaf, inside_named)``; dicts for records
    where ``records_as_dicts`` (tangents and cotangents: no dataclass constructor runs on them)."""
    if is_named(x):
        values = {k: mapped(v, fn, path + (((None, k),) if is_record(x) else (k,)), True, records_as_dicts)
                  for k, v in entries(x)}
        return values if records_as_dicts else rebuilt_like(x, values)
    if isinstance(x, (list, tuple)):
        return rebuilt(x, [mapped(v, fn, path + (i,), False, records_as_dicts) for i, v in enumerate(x)])
    return fn(path, x, inside_named)


class Flat:
    """The floating-point elements of one argument ``value``, numbered: leaf by leaf, C order inside."""

    def __init__(self, value):
        self.value = value
        self.paths, self.shapes, self.offsets, self.dtypes = [], [], [], []
        n = 0
        for path, leaf, _ in leaves(value):
            if is_differentiable_leaf(leaf):
                self.paths.append(path)
                self.shapes.append(np.shape(leaf))
                self.offsets.append(n)
                self.dtypes.append(float_dtype(leaf))
                n += int(np.prod(np.shape(leaf), dtype=int))
        self.size = n
        self.dtype = np.result_type(*self.dtypes) if self.dtypes else np.dtype(float)

    def where(self, i):
        """(path text, index) of element ``i``: ``("['W']", (1, 0))``; the path text is empty for an array."""
        j = int(np.searchsorted(self.offsets, i, side="right")) - 1
        if not 0 <= i < self.size or j < 0:
            raise IndexError("element {} of {}".format(i, self.size))
        return path_text(self.paths[j]), tuple(int(n) for n in np.unravel_index(i - self.offsets[j], self.shapes[j]))

    def seeds(self, start, k, units=True):
        """A batched tangent of ``value`` for ``k`` seeds: seed ``s`` is the unit along element
        ``start + s`` (zeros everywhere where ``units`` is false). Entries that are not floating-point
        get ``0.0`` in a dict or record and zeros with a seed axis in a list or tuple."""
        spans = dict(zip(self.paths, zip(self.offsets, self.shapes, self.dtypes)))

        def seed(path, leaf, inside_named):
            if path not in spans:
                return 0.0 if inside_named else np.zeros((k,) + np.shape(leaf))
            offset, shape, dtype = spans[path]
            size = int(np.prod(shape, dtype=int))
            z = np.zeros((k, size), dtype=dtype)
            if units:
                rows = np.arange(k)
                columns = start + rows - offset
                inside = (columns >= 0) & (columns < size)
                z[rows[inside], columns[inside]] = 1
            return z.reshape((k,) + shape)
        return mapped(self.value, seed, records_as_dicts=True)

    def ravel(self, tree, k):
        """The batched derivative ``tree`` (k seeds, ``value``'s structure) as a ``(k, size)`` array."""
        parts = []
        for path, shape in zip(self.paths, self.shapes):
            leaf = at(tree, path)
            size = int(np.prod(shape, dtype=int))
            parts.append(np.zeros((k, size)) if leaf is None or is_zero(leaf) else
                         _inexact(np.broadcast_to(leaf, (k,) + shape)).reshape(k, size))
        return np.concatenate(parts, axis=1) if parts else np.zeros((k, 0))

    def split(self, block, lead, tangent=False):
        """``block`` (shape ``lead + (size,)``) as ``value``'s structure, each floating-point leaf of shape
        ``lead + leaf.shape``; the other entries ``None`` in a dict or record, zeros in a list or tuple.
        ``tangent``: as a tangent for s2s.jvp (dicts for records, ``0.0`` for the entries without floats)."""
        spans = dict(zip(self.paths, zip(self.offsets, self.shapes)))

        def piece(path, leaf, inside_named):
            if path not in spans:
                return (0.0 if tangent else None) if inside_named else np.zeros(lead + np.shape(leaf))
            offset, shape = spans[path]
            size = int(np.prod(shape, dtype=int))
            part = np.array(block[..., offset:offset + size].reshape(lead + shape))
            return float(part) if tangent and not lead and isinstance(leaf, float) else part
        return mapped(self.value, piece, records_as_dicts=tangent)


def _inexact(t):
    return np.asarray(t, dtype=complex) if np.iscomplexobj(t) else np.asarray(t, dtype=float)


def _dense(t, shape, k):
    """The batched derivative ``t`` of an output leaf of ``shape`` as ``(k, size)`` (zeros for nothing)."""
    size = int(np.prod(shape, dtype=int))
    if t is None or is_zero(t):
        return np.zeros((k, size))
    return _inexact(np.broadcast_to(t, (k,) + tuple(shape))).reshape(k, size)


def _output_leaves(out):
    """(path, shape) of each output leaf that has a derivative (``None``, a gradient's int, has none)."""
    return [(path, np.shape(leaf)) for path, leaf, _ in leaves(out) if leaf is not None]


def by_columns(call, values, chunk, as_tuple, out=None):
    """The Jacobian from batched Jacobian-vector products: ``call(tangents, k) -> (out, tangent_out)``
    with one batched tangent per argument in ``values``; ``chunk(n)`` columns per call; ``as_tuple``:
    ``wrt`` is a tuple; ``out`` (the result) where no call is made (no floating-point element)."""
    flats = [Flat(v) for v in values]
    columns = [[] for _ in values]  # per argument: (k, output leaf -> (k, size)) per call
    for j, flat in enumerate(flats):
        step = chunk(flat.size)
        for start in range(0, flat.size, step):
            k = min(step, flat.size - start)
            tangents = [f.seeds(start, k, units=i == j) for i, f in enumerate(flats)]
            out, tangent_out = call(tangents, k)
            columns[j].append([_dense(at(tangent_out, path), shape, k) for path, shape in _output_leaves(out)])
    blocks = []
    for j, flat in enumerate(flats):
        per_leaf = {}
        for o, (path, shape) in enumerate(_output_leaves(out)):
            size = int(np.prod(shape, dtype=int))
            stacked = np.concatenate([c[o] for c in columns[j]]) if columns[j] else np.zeros((0, size))
            per_leaf[path] = flat.split(stacked.T.reshape(shape + (flat.size,)), shape)
        blocks.append(per_leaf)
    return _arranged(out, blocks, as_tuple)


def by_rows(call, values, out, chunk, as_tuple):
    """The Jacobian from batched vector-Jacobian products: ``call(dout, k) -> cotangents`` (a list, one
    per argument in ``values``) with ``dout`` of the structure of the result ``out``; ``chunk(m)`` rows
    per call."""
    flats = [Flat(v) for v in values]
    targets = _output_leaves(out)
    blocks = [{} for _ in values]
    for path, shape in targets:
        size = int(np.prod(shape, dtype=int))
        step = chunk(size)
        rows = [[] for _ in values]
        for start in range(0, size, step):
            k = min(step, size - start)
            dout = _unit_cotangents(out, path, start, k)
            for j, c in enumerate(call(dout, k)):
                rows[j].append(flats[j].ravel(c, k))
        for j, flat in enumerate(flats):
            stacked = np.concatenate(rows[j]) if rows[j] else np.zeros((0, flat.size))
            blocks[j][path] = flat.split(stacked.reshape(shape + (flat.size,)), shape)
    return _arranged(out, blocks, as_tuple)


def _unit_cotangents(out, target, start, k):
    """Cotangents of the result ``out`` for ``k`` seeds: the unit along elements ``start ...`` of the leaf
    at ``target``, zeros at every other leaf."""
    def seed(path, leaf, _inside_named):
        shape = np.shape(leaf)
        size = int(np.prod(shape, dtype=int))
        z = np.zeros((k, size), dtype=float_dtype(leaf) if is_differentiable_leaf(leaf) else float)
        if path == target:
            z[np.arange(k), start + np.arange(k)] = 1
        return z.reshape((k,) + shape)
    return mapped(out, seed, records_as_dicts=True)


def _arranged(out, blocks, as_tuple):
    """The derivative in ``out``'s structure: each leaf replaced by its block ``blocks[0][path]``, or for
    a tuple ``wrt`` by the tuple of the blocks ``blocks[j][path]`` over the arguments j."""
    def block(path, leaf, _inside_named):
        if leaf is None:
            return None
        parts = tuple(b[path] for b in blocks)
        return parts if as_tuple else parts[0]
    return mapped(out, block)


def per_seed_jvp(transformed, args, kwargs):
    """``call`` for ``by_columns`` from the unbatched jvp ``transformed``: one call per seed, the tangent
    outputs stacked."""
    def call(tangents, k):
        results = [transformed(*args, *[_seed_of(t, s) for t in tangents], **kwargs) for s in range(k)]
        out = results[0][0]
        return out, _stacked([r[1] for r in results], out)
    return call


def per_seed_vjp(transformed, args, kwargs, values):
    """``call`` for ``by_rows`` from the unbatched vjp ``transformed``: one call per seed."""
    def call(dout, k):
        stacks = [[] for _ in values]
        for s in range(k):
            _, cotangents = transformed(*args, _seed_of(dout, s), **kwargs)
            for j, c in enumerate(cotangents if transformed.as_tuple else (cotangents,)):
                stacks[j].append(c)
        return [_stacked(stack, v) for stack, v in zip(stacks, values)]
    return call


def _seed_of(tree, s):
    return mapped(tree, lambda path, leaf, named: leaf[s] if isinstance(leaf, np.ndarray) else leaf,
                  records_as_dicts=True)


def _stacked(trees, like):
    """Per-seed derivatives ``trees`` of values structured like ``like``, stacked on a leading axis."""
    def stack(path, leaf, _inside_named):
        if leaf is None:
            return None
        shape = np.shape(leaf)
        return np.stack([_dense(at(t, path), shape, 1).reshape(shape) for t in trees])
    return mapped(like, stack, records_as_dicts=True)

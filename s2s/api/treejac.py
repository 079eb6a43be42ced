"""Jacobians and Hessians with respect to containers: dicts, records, lists, tuples and named tuples.

Takes a ``vjp`` or ``jvp`` transform (s2s/api/transforms.py) whose argument
(or tuple of arguments) holds containers, and leaves the Jacobian in the
argument's structure: each floating-point leaf becomes an array of shape
``out_leaf.shape + leaf.shape``. Entries that are not floating-point follow
``grad``'s rule: ``None`` inside a dict or record, zeros inside a list or tuple.
A result that is itself a container (the gradient, for a Hessian) nests
outside: ``H[k1][k2]`` has shape ``leaf1.shape + leaf2.shape``.

The derivatives are assembled one unit seed at a time (one ``vjp`` call per
output element, one ``jvp`` call per input element): correct for every
structure, not the fastest way for large leaves (stack such values into one
array argument for the batched path).

``stacked_cotangents`` serves ``vjp(..., batch=True)`` with respect to a
container the same way: one call per cotangent, leaves stacked on a leading axis.
"""
import numpy as np

from s2s.runtime import entries, is_differentiable_leaf, is_named, is_record, rebuilt_like


def leaves(x, path=()):
    """(path, leaf) of each leaf of ``x`` in order; a path step is a key, an index or ``(None, attribute)``."""
    if is_named(x):
        out = []
        for k, v in entries(x):
            out.extend(leaves(v, path + (((None, k),) if is_record(x) else (k,))))
        return out
    if isinstance(x, (list, tuple)):
        out = []
        for i, v in enumerate(x):
            out.extend(leaves(v, path + (i,)))
        return out
    return [(path, x)]


def at(x, path):
    """The entry of ``x`` at ``path``; a zero (``0.0``) or ``None`` entry on the way reads as ``None``."""
    for step in path:
        if x is None or (isinstance(x, float) and x == 0.0):
            return None
        if isinstance(step, tuple):
            x = x[step[1]] if isinstance(x, dict) else getattr(x, step[1])
        elif isinstance(x, dict):
            x = x.get(step)
        else:
            x = x[step]
    return x


def mapped(x, fn, path=(), inside_named=False):
    """``x`` rebuilt with each leaf replaced by ``fn(path, leaf, inside_named)``."""
    if is_named(x):
        values = {k: mapped(v, fn, path + (((None, k),) if is_record(x) else (k,)), True) for k, v in entries(x)}
        return rebuilt_like(x, values)
    if isinstance(x, (list, tuple)):
        items = [mapped(v, fn, path + (i,), False) for i, v in enumerate(x)]
        return type(x)(*items) if hasattr(x, "_fields") else type(x)(items)
    return fn(path, x, inside_named)


def unit_seeds(x):
    """(path, seed) for each element of each floating-point leaf of ``x``: ``x``'s structure with a
    one there and zeros at every other floating-point leaf (``0.0`` at the others)."""
    for path, leaf in leaves(x):
        if not is_differentiable_leaf(leaf):
            continue
        shape = np.shape(leaf)
        for flat in range(int(np.prod(shape, dtype=int))):
            def fill(p, v, _named, path=path, flat=flat):
                if not is_differentiable_leaf(v):
                    return 0.0
                z = np.zeros(np.shape(v), dtype=np.result_type(v, float))
                if p == path:
                    z.reshape(-1)[flat] = 1
                return z if np.ndim(v) or isinstance(v, np.ndarray) else float(z) if not np.iscomplexobj(z) else complex(z)
            yield path, mapped(x, fill)


def _block(out_shape, leaf, parts):
    """parts: the derivatives of one output leaf along the elements of ``leaf``, each of shape
    ``out_shape``: stacked into ``out_shape + leaf.shape``."""
    shape = np.shape(leaf)
    if not parts:
        return np.zeros(out_shape + shape)
    stacked = np.stack([_inexact(p, out_shape) for p in parts], axis=-1)
    return stacked.reshape(out_shape + shape)


def _inexact(t, shape):
    if t is None:
        return np.zeros(shape)
    t = np.asarray(t, dtype=complex) if np.iscomplexobj(t) else np.asarray(t, dtype=float)
    return np.broadcast_to(t, shape)


def by_columns(transformed, values, args, kwargs):
    """The Jacobian from ``jvp`` calls along each unit tangent (forward mode)."""
    zeros = [mapped(v, lambda p, leaf, _n: _zero(leaf)) for v in values]
    columns = [{} for _ in values]  # per argument: leaf path -> list of tangent outputs
    out = None
    for j, value in enumerate(values):
        for path, seed in unit_seeds(value):
            tangents = list(zeros)
            tangents[j] = seed
            out, tangent_out = transformed(*args, *tangents, **kwargs)
            columns[j].setdefault(path, []).append(tangent_out)
    if out is None:
        out = transformed.target(transformed.containers(transformed.bind(args, kwargs)))(*args, **kwargs)
    per_wrt = []
    for j, value in enumerate(values):
        def output_leaf(opath, oleaf, onamed, j=j, value=value):
            if oleaf is None:
                return None
            oshape = np.shape(oleaf)

            def input_leaf(path, leaf, named):
                if not is_differentiable_leaf(leaf):
                    return None if named else np.zeros(oshape + np.shape(leaf))
                return _block(oshape, leaf, [at(t, opath) for t in columns[j].get(path, [])])
            return mapped(value, input_leaf)
        per_wrt.append(mapped(out, output_leaf))
    return _arrange(transformed, out, per_wrt)


def by_rows(transformed, values, out, args, kwargs):
    """The Jacobian from ``vjp`` calls along each unit cotangent (reverse mode); ``out`` is an array
    or a tuple or list of arrays."""
    outs = list(out) if isinstance(out, (tuple, list)) else [out]
    rows = []  # per output leaf: list of cotangent tuples
    for k, leaf in enumerate(outs):
        rows.append([])
        for flat in range(int(np.prod(np.shape(leaf), dtype=int))):
            dout = [np.zeros(np.shape(x), dtype=float) if np.ndim(x) else 0.0 for x in outs]
            if np.ndim(leaf):
                dout[k].reshape(-1)[flat] = 1
            else:
                dout[k] = 1.0
            dout = type(out)(dout) if isinstance(out, (tuple, list)) else dout[0]
            _, cotangents = transformed(*args, dout, **kwargs)
            rows[k].append(cotangents if transformed.as_tuple else (cotangents,))
    per_wrt = []
    for j, value in enumerate(values):
        blocks = []
        for k, oleaf in enumerate(outs):
            oshape = np.shape(oleaf)

            def input_leaf(path, leaf, named, k=k, oshape=oshape):
                if not is_differentiable_leaf(leaf):
                    return None if named else np.zeros(oshape + np.shape(leaf))
                parts = [np.reshape(_inexact(at(c[j], path), np.shape(leaf)), np.shape(leaf)) for c in rows[k]]
                if not parts:
                    return np.zeros(oshape + np.shape(leaf))
                return np.stack(parts).reshape(oshape + np.shape(leaf))
            blocks.append(mapped(value, input_leaf))
        per_wrt.append(type(out)(blocks) if isinstance(out, (tuple, list)) else blocks[0])
    return _arrange(transformed, out, per_wrt)


def _zero(leaf):
    if not is_differentiable_leaf(leaf):
        return 0.0
    return np.zeros(np.shape(leaf), dtype=np.result_type(leaf, float)) if np.ndim(leaf) else 0.0


def _arrange(transformed, out, per_wrt):
    """per_wrt[j] is the derivative with respect to argument j (output structure outside): a tuple over
    the arguments for a tuple ``wrt``, innermost inside each output leaf."""
    if not transformed.as_tuple:
        return per_wrt[0]
    return mapped(out, lambda path, leaf, named: None if leaf is None else tuple(_at_output(p, path) for p in per_wrt))


def _at_output(block, path):
    for step in path:
        block = block[step[1]] if isinstance(step, tuple) and isinstance(block, dict) else \
            getattr(block, step[1]) if isinstance(step, tuple) else block[step]
    return block


def stacked_cotangents(single, args, kwargs, douts):
    """``vjp(batch=True)`` with respect to containers: ``single`` (the same vjp without batch) once per
    cotangent ``douts[i]``; the leaves of the cotangents stacked on a leading axis, ``None`` kept."""
    results = [single(*args, d, **kwargs) for d in douts]
    if not results:
        raise ValueError("no cotangents")
    out, first = results[0]
    grads = [r[1] for r in results]

    def stack(path, leaf, named):
        if leaf is None:
            return None
        return np.stack([np.asarray(at(g, path) if at(g, path) is not None else np.zeros(np.shape(leaf)))
                         for g in grads])
    return out, mapped(first, stack)

"""Jacobians, Hessians and Hessian-vector products, assembled from generated derivatives.

``jacobian`` stacks vector-Jacobian products (rows, reverse mode) or
Jacobian-vector products (columns, forward mode) along unit seeds (for containers, along
the float elements that s2s/api/treejac.py numbers); ``hessian``
and ``hvp`` differentiate the generated gradient in forward mode. The seeds
go through the batched derivatives (``batch=True``) a chunk at a time; if a
batched call fails, one seed at a time takes over. Its error, if it fails
too, is the user's (the batched form is not at fault, so no warning); if it
succeeds, the batched form has a bug and a warning asks for a report.
"""
import warnings

import numpy as np

from s2s.api import arrays, treejac
from s2s.api.methods import NO_RECEIVER, after_self, holds_named, unbound
from s2s.api.transforms import Derived, Transformed, grad, jvp, location, transform_of
from s2s.common.errors import ArgumentError, ComplexInputError, ComplexOutputError
from s2s.runtime import rebuilt, float_dtype, is_named, path_text


def jacobian(f=None, wrt=0, mode="reverse", *, verbose=False):
    """The Jacobian of ``f``: an array of shape ``out.shape + arg.shape``.

    ``mode="reverse"`` builds it row by row from vector-Jacobian products
    (one per output element), ``mode="forward"`` column by column from
    Jacobian-vector products (one per input element); many rows or columns
    go through each call (``vjp``/``jvp`` with ``batch=True``). A tuple ``wrt`` gives a
    tuple of Jacobians; a tuple result gives a tuple over its values.

    With respect to a container (dict, dataclass, object, list, tuple, named
    tuple) the Jacobian has the argument's structure, each float leaf of
    shape ``out.shape + leaf.shape``; the other entries get ``None`` in a dict
    or record and zeros in a list or tuple, as ``grad`` gives them (s2s/api/treejac.py).
    """
    if f is None:
        return lambda g: jacobian(g, wrt, mode, verbose=verbose)
    if mode not in ("reverse", "forward"):
        raise ArgumentError("{}: jacobian of {}: mode must be 'reverse' or 'forward', not {!r}".format(
            location(f), getattr(f, "__name__", f), mode))
    if mode == "reverse":
        inner = transform_of("vjp", f, wrt, {})
        batched = transform_of("vjp", f, wrt, {"verbose": verbose, "batch": True})

        def jac(*args, **kwargs):
            arrays.numpy_only("s2s.jacobian", location(inner.base), args, kwargs)
            return _jacobian_by_rows(inner, args, kwargs, batched)
    else:
        inner = transform_of("jvp", f, wrt, {})
        batched = transform_of("jvp", f, wrt, {"verbose": verbose, "batch": True})

        def jac(*args, **kwargs):
            arrays.numpy_only("s2s.jacobian", location(inner.base), args, kwargs)
            return _jacobian_by_columns(inner, args, kwargs, batched)

    return Derived("jacobian", inner, jac, "Jacobian of {} with respect to {} ({} mode).".format(
        inner.describe(), ", ".join(inner.wrt), mode), runs=batched)


def _wrt_values(transformed, args, kwargs):
    bound = transformed.bind(_with_self(transformed, args), kwargs)
    bound.apply_defaults()
    return [bound.arguments[name] for name in transformed.wrt]


def _with_self(transformed, args):
    """The arguments of the function: a bound method's object first."""
    return args if transformed.receiver is NO_RECEIVER else (transformed.receiver,) + tuple(args)


def _primal(transformed, args, kwargs):
    """What the function ``transformed`` differentiates returns for these arguments."""
    args = _with_self(transformed, args)
    return transformed.target(transformed.containers(transformed.bind(args, kwargs)))(*args, **kwargs)


def _basis(value):
    """Unit tangents shaped like ``value``, one per element."""
    shape = np.shape(value)
    dtype = float_dtype(value)
    eye = np.eye(int(np.prod(shape, dtype=int)), dtype=dtype)
    for row in eye:
        yield row.reshape(shape) if shape else (float(row[0]) if isinstance(value, float) else row.reshape(()))


def _leaves(out):
    return list(out) if isinstance(out, (tuple, list)) else [out]


def _jacobian_by_columns(transformed, args, kwargs, batched=None):
    """The Jacobian from Jacobian-vector products along the unit tangents: with ``batched`` (the same jvp
    with ``batch=True``) a chunk of columns per call, else one call per column."""
    values = _wrt_values(transformed, args, kwargs)
    if _holds_containers(values):
        return _tree_by_columns(transformed, values, args, kwargs, batched)
    return _batched_else_seed_by_seed(batched, lambda: _jacobian_by_chunks(batched, values, args, kwargs),
                                      lambda: _columns_seed_by_seed(transformed, values, args, kwargs))


def _columns_seed_by_seed(transformed, values, args, kwargs):
    zeros = [np.zeros_like(v, dtype=float) if np.ndim(v) else 0.0 for v in values]
    per_wrt = []
    out = None
    for j, value in enumerate(values):
        columns = []
        for e in _basis(value):
            tangents = list(zeros)
            tangents[j] = e
            out, tangent_out = transformed(*args, *tangents, **kwargs)
            refuse_named_result("jacobian", transformed.base, out)
            columns.append([_inexact(t) for t in _leaves(tangent_out)])
        blocks = []
        for k, leaf in enumerate(_leaves(out)):
            stacked = np.stack([c[k] for c in columns], axis=-1) if columns else np.zeros(np.shape(leaf) + (0,))
            blocks.append(stacked.reshape(np.shape(leaf) + np.shape(value)))
        per_wrt.append(blocks)
    return _arrange(transformed, out, per_wrt)


# Columns (rows) per batched call: k unit seeds make every tangent (adjoint) array k times the size of
# its value. Beyond about a megabyte of seeds (k * size * 8 bytes) they leave the cache, and beyond a few
# dozen seeds the per-call overhead they share is already small, while an intermediate far larger than
# the argument (an outer product) would still be multiplied by k.
_CHUNK_ELEMENTS = 2 ** 17
_CHUNK_SEEDS = 64


def _chunk(size):
    return max(1, min(size, _CHUNK_SEEDS, _CHUNK_ELEMENTS // max(size, 1)))


def _jacobian_by_chunks(batched, values, args, kwargs):
    per_wrt = []
    out = None
    for j, value in enumerate(values):
        shape = np.shape(value)
        n = int(np.prod(shape, dtype=int))
        dtype = float_dtype(value)
        chunk = _chunk(n)
        parts = []
        for start in range(0, n, chunk):
            k = min(chunk, n - start)
            seeds = np.zeros((k, n), dtype=dtype)
            seeds[np.arange(k), start + np.arange(k)] = 1
            tangents = [np.zeros((k,) + np.shape(v), dtype=float) for v in values]
            tangents[j] = seeds.reshape((k,) + shape)
            out, tangent_out = batched(*args, *tangents, **kwargs)
            refuse_named_result("jacobian", batched.base, out)
            parts.append([_inexact(t) for t in _leaves(tangent_out)])
        blocks = []
        for i, leaf in enumerate(_leaves(out)):
            if n == 0:
                blocks.append(np.zeros(np.shape(leaf) + shape))
                continue
            stacked = np.concatenate([p[i].reshape((-1,) + np.shape(leaf)) for p in parts])
            blocks.append(np.moveaxis(stacked, 0, -1).reshape(np.shape(leaf) + shape))
        per_wrt.append(blocks)
    return _arrange(batched, out, per_wrt)


def _jacobian_by_rows(transformed, args, kwargs, batched=None):
    """The Jacobian from vector-Jacobian products along the unit cotangents: with ``batched`` (the same
    vjp with ``batch=True``) a chunk of rows per call, else one call per row."""
    values = _wrt_values(transformed, args, kwargs)
    out = _primal(transformed, args, kwargs)
    refuse_named_result("jacobian", transformed.base, out)
    if any(np.iscomplexobj(leaf) for leaf in _leaves(out)):
        raise ComplexOutputError(
            "{}: jacobian(mode=\"reverse\") of {}, whose result is complex: a row of unit cotangents gives "
            "only the real part of each derivative. Use mode=\"forward\" (columns d f / d Re(z_j)), or "
            "s2s.vjp with complex cotangents.".format(location(transformed.base), transformed.base.__name__))
    if _holds_containers(values) or is_named(out) or isinstance(out, (tuple, list)) and _holds_containers(out):
        return _tree_by_rows(transformed, values, out, args, kwargs, batched)
    return _batched_else_seed_by_seed(batched, lambda: _jacobian_by_row_chunks(batched, values, out, args, kwargs),
                                      lambda: _rows_seed_by_seed(transformed, values, out, args, kwargs))


def _rows_seed_by_seed(transformed, values, out, args, kwargs):
    leaves = _leaves(out)
    per_wrt = [[None] * len(leaves) for _ in values]
    for k, leaf in enumerate(leaves):
        rows = [[] for _ in values]
        for e in _basis(leaf):
            dout = [np.zeros_like(np.asarray(x, dtype=float)) if np.ndim(x) else 0.0 for x in leaves]
            dout[k] = e
            dout = rebuilt(out, dout) if isinstance(out, (tuple, list)) else dout[0]
            _, cotangents = transformed(*args, dout, **kwargs)
            cotangents = cotangents if transformed.as_tuple else (cotangents,)
            for j, c in enumerate(cotangents):
                rows[j].append(_inexact(c))
        for j, value in enumerate(values):
            stacked = np.stack(rows[j]) if rows[j] else np.zeros((0,) + np.shape(value))
            per_wrt[j][k] = stacked.reshape(np.shape(leaf) + np.shape(value))
    return _arrange(transformed, out, per_wrt)


def _inexact(t):
    """A derivative block as a float64 array, or complex where it is complex."""
    return np.asarray(t, dtype=complex) if np.iscomplexobj(t) else np.asarray(t, dtype=float)


def _batched_else_seed_by_seed(batched, in_chunks, seed_by_seed):
    """``in_chunks()`` (the batched derivative) where there is one, else ``seed_by_seed()``.

    Where the batched call raises, one seed at a time runs instead. If that
    raises too, its error is the user's answer (a function s2s cannot
    differentiate fails either way: no warning, the batched form is not at
    fault); if it succeeds, the batched form failed where it should not have,
    which is worth a warning and a report.
    """
    if batched is None:
        return seed_by_seed()
    try:
        return in_chunks()
    except Exception as err:  # noqa: BLE001 - one seed at a time says what the error really is
        batched_error = err
    result = seed_by_seed()
    # stacklevel: this function, _jacobian_by_columns/_rows, jac/hess, Derived.__call__, the user's call
    warnings.warn("s2s: the batched {} of {} raised {}: {}; one seed at a time succeeded instead. Please "
                  "report it with the function.".format(batched.kind, batched.describe(),
                                                         type(batched_error).__name__, batched_error),
                  RuntimeWarning, stacklevel=5)
    return result


def _jacobian_by_row_chunks(batched, values, out, args, kwargs):
    leaves = _leaves(out)
    per_wrt = [[None] * len(leaves) for _ in values]
    for i, leaf in enumerate(leaves):
        shape = np.shape(leaf)
        m = int(np.prod(shape, dtype=int))
        chunk = _chunk(m)
        parts = [[] for _ in values]
        for start in range(0, m, chunk):
            k = min(chunk, m - start)
            seeds = np.zeros((k, m), dtype=float_dtype(leaf))
            seeds[np.arange(k), start + np.arange(k)] = 1
            dout = [np.zeros((k,) + np.shape(x), dtype=float_dtype(x)) for x in leaves]
            dout[i] = seeds.reshape((k,) + shape)
            dout = rebuilt(out, dout) if isinstance(out, (tuple, list)) else dout[0]
            _, cotangents = batched(*args, dout, **kwargs)
            cotangents = cotangents if batched.as_tuple else (cotangents,)
            for j, c in enumerate(cotangents):
                parts[j].append(_inexact(c).reshape((k,) + np.shape(values[j])))
        for j, value in enumerate(values):
            stacked = np.concatenate(parts[j]) if parts[j] else np.zeros((0,) + np.shape(value))
            per_wrt[j][i] = stacked.reshape(shape + np.shape(value))
    return _arrange(batched, out, per_wrt)


def _arrange(transformed, out, per_wrt):
    """per_wrt[j][k] is d out_k / d arg_j: nest as the result (outer) and wrt (inner) are nested."""
    n_out = len(_leaves(out))

    def for_output(k):
        blocks = tuple(per_wrt[j][k] for j in range(len(per_wrt)))
        return blocks if transformed.as_tuple else blocks[0]

    if isinstance(out, (tuple, list)):
        return rebuilt(out, [for_output(k) for k in range(n_out)])
    return for_output(0)


def _holds_containers(values):
    return any(isinstance(value, (list, tuple)) or is_named(value) for value in values)


def _tree_by_columns(transformed, values, args, kwargs, batched):
    """The Jacobian with respect to containers (s2s/api/treejac.py), columns from batched jvps."""
    out = None
    if not any(treejac.Flat(v).size for v in values):  # nothing to seed: the result alone gives the structure
        out = _primal(transformed, args, kwargs)
    return _batched_else_seed_by_seed(
        batched, lambda: treejac.by_columns(lambda tangents, k: batched(*args, *tangents, **kwargs), values, _chunk,
                                            transformed.as_tuple, out),
        lambda: treejac.by_columns(treejac.per_seed_jvp(transformed, args, kwargs), values, _chunk,
                                   transformed.as_tuple, out))


def _tree_by_rows(transformed, values, out, args, kwargs, batched):
    """The Jacobian with respect to containers (s2s/api/treejac.py), rows from batched vjps."""
    def rows(dout, k):
        cotangents = batched(*args, dout, **kwargs)[1]
        return list(cotangents) if batched.as_tuple else [cotangents]
    return _batched_else_seed_by_seed(
        batched, lambda: treejac.by_rows(rows, values, out, _chunk, transformed.as_tuple),
        lambda: treejac.by_rows(treejac.per_seed_vjp(transformed, args, kwargs, values), values, out, _chunk,
                                transformed.as_tuple))


def refuse_named_result(what, fn, out):
    """A Jacobian is an array per result: refuse a result that is or holds a dict or record."""
    if holds_named(out):
        raise ArgumentError("{}: {} of {}, which returns {}: a Jacobian is an array per result. Use s2s.vjp / "
                            "s2s.jvp, whose cotangents and tangents have the result's structure, or return an "
                            "array (or a tuple of arrays).".format(location(fn), what, fn.__name__, _kind(out)))


def _kind(out):
    if isinstance(out, (list, tuple)) and not hasattr(out, "_fields"):
        return "a {} holding a dict or record".format(type(out).__name__)
    return "a dict" if isinstance(out, dict) else "a {} (a record)".format(type(out).__name__)



def hessian(f=None, wrt=0, *, verbose=False, compile=None):
    """The Hessian of the scalar function ``f``: shape ``x.shape + x.shape``.

    Forward over reverse: the Jacobian, by columns, of the generated gradient
    (many columns per call: ``jvp(grad(f), batch=True)``). A tuple ``wrt`` gives the blocks ``H[i][j] = d2 f / d arg_i d arg_j``.
    With respect to a container, the gradient's structure holds the argument's: ``H[k1][k2]`` has shape
    ``leaf1.shape + leaf2.shape`` (``None`` where the gradient has ``None``). A bound method's object comes first.
    ``compile="numba"`` compiles the forward-over-reverse code (one column per call).
    """
    if f is None:
        return lambda g: hessian(g, wrt, verbose=verbose, compile=compile)
    fn, receiver = unbound(f, (Transformed, Derived))
    if receiver is not NO_RECEIVER:  # a bound method: the function, its object first (wrt="self" too)
        f, wrt = fn, after_self(wrt)
    gradient = grad(f, wrt, verbose=verbose)
    inner = jvp(gradient, wrt, compile=compile, verbose=verbose and compile is not None)
    batched = None if compile else jvp(gradient, wrt, verbose=verbose, batch=True)

    def hess(*args, **kwargs):
        args = args if receiver is NO_RECEIVER else (receiver,) + args
        arrays.numpy_only("s2s.hessian", location(inner.base), args, kwargs)
        _refuse_complex_arguments(inner, _wrt_values(inner, args, kwargs))
        return _jacobian_by_columns(inner, args, kwargs, batched)

    return Derived("hessian", inner, hess, "Hessian of {} with respect to {} (forward over reverse).".format(
        gradient.base.__name__, ", ".join(inner.wrt)), runs=batched or inner)


def _refuse_complex_arguments(transformed, values):
    """A Hessian in a complex argument is refused (as jax.hessian does): the real-pair Hessian of a real f of
    z = x + iy is not complex-linear in the direction, so no array of shape z.shape + z.shape holds it."""
    leaves = [(name + path_text(path), leaf) for name, value in zip(transformed.wrt, values)
              for path, leaf, _ in treejac.leaves(value)]  # `params['W']` for a leaf of a container
    for name, value in leaves:
        if np.iscomplexobj(value):
            raise ComplexInputError(
                "{}: hessian of {} with respect to `{}`, which is complex ({}): the second derivative in "
                "z = x + iy is real-linear, not complex-linear, in the direction, so it is no array of shape "
                "z.shape + z.shape. Use s2s.hvp(f)(..., v) along v and 1j * v (the derivative of the gradient "
                "df/dx - i df/dy along v), or pass the real and imaginary parts as two real arguments.".format(
                    location(transformed.base), transformed.base.__name__, name, np.result_type(value)))


def hvp(f=None, wrt=0, *, verbose=False, batch=False):
    """Hessian-vector product, forward over reverse: ``g(*args, v) -> H @ v``.

    ``v`` is shaped like the argument (a tuple of them for a tuple ``wrt``);
    the result is shaped like the gradient. For a complex argument ``z = x + iy``, the product is the
    derivative of the gradient ``df/dx - i df/dy`` along ``v`` (a complex direction): real-linear in ``v``,
    and ``Re(sum(u * hvp(v)))`` is symmetric in ``u`` and ``v``. ``batch=True`` takes k vectors
    stacked on a leading axis (``V`` of shape ``(k,) + arg.shape``) and returns
    the k products stacked alike, from one call.
    """
    if f is None:
        return lambda g: hvp(g, wrt, verbose=verbose, batch=batch)
    inner = jvp(grad(f, wrt, verbose=verbose), wrt, verbose=verbose, batch=batch)

    def product(*args, **kwargs):
        if not args:
            raise ArgumentError("{}: hvp takes the arguments of {} followed by v".format(
                location(inner.base), inner.base.__name__))
        *args, v = args
        vs = tuple(v) if inner.as_tuple else (v,)
        if len(vs) != len(inner.wrt):
            raise ArgumentError("{}: v must be a tuple of {} tangents, one per {}".format(
                location(inner.base), len(inner.wrt), ", ".join(inner.wrt)))
        return inner(*args, *vs, **kwargs)[1]

    return Derived("hvp", inner, product, "Hessian-vector product of {} with respect to {}.".format(
        inner.base.__name__, ", ".join(inner.wrt)))

"""Public entry points: sparsity patterns and sparse Jacobians and Hessians.

``jacobian_sparsity(f, *args)`` / ``hessian_sparsity(f, *args)`` detect
patterns (``s2s.sparse.detect``); ``sparse_jacobian(f)`` / ``sparse_hessian(f)``
return callables that, per argument shapes, detect and color once
(``s2s.sparse.coloring``) and then evaluate with one JVP, VJP or HVP per
color (the generated derivatives of ``s2s.api.transforms``), decompressing into a
scipy.sparse CSR matrix.

Detection and coloring compute with ``s2s.sparse.pattern.Pattern`` (NumPy
only); the patterns users get are scipy.sparse CSR matrices when SciPy can be
imported and ``Pattern`` objects otherwise. Only ``sparse_jacobian`` and
``sparse_hessian`` need SciPy (``MissingSciPyError`` when it is missing).

The argument ``wrt`` names may be a container (dict, record, list, tuple): its
float elements are the columns, leaf by leaf (s2s/sparse/containers.py).
"""
import copy
import inspect
import time

import numpy as np

from s2s.api import transforms as _api
from s2s.api import arrays, jacobians, treejac
from s2s.rules import templates
from s2s.common.errors import ArgumentError, ComplexInputError, S2SError
from s2s.frontend.normalize import normalize
from s2s.frontend.parse import parse_function
from s2s.sparse import algebra as P
from s2s.sparse import coloring, containers
from s2s.sparse.detect import Detector, Slot
from s2s.sparse.pattern import Pattern
from s2s.sparse.rules import Rules
from s2s.runtime import path_text


class MissingSciPyError(S2SError):
    """``sparse_jacobian`` / ``sparse_hessian`` were asked for where SciPy cannot be imported."""


def _scipy_sparse():
    """The scipy.sparse module, or None when SciPy cannot be imported."""
    try:
        import scipy.sparse as sp
    except ImportError:
        return None
    return sp


def _require_scipy(f, kind):
    if _scipy_sparse() is None:
        raise MissingSciPyError(
            "{}: sparse_{} of {} returns scipy.sparse matrices, and SciPy cannot be imported: "
            "pip install 's2s[sparse]' (jacobian_sparsity and hessian_sparsity work without SciPy)".format(
                _api.location(f), kind, getattr(f, "__name__", f)))


_RULES = {}  # registry -> its pattern rules; user rules replace the registry


def _rules():
    registry = templates.registry()
    rules = _RULES.get(id(registry), (None, None))
    if rules[0] is not registry:
        _RULES.clear()
        rules = _RULES[id(registry)] = (registry, Rules(registry))
    return rules[1]


def _core(fn):
    from s2s.api.pipeline import Context

    parsed = parse_function(fn)
    ctx = Context(parsed, templates.registry(), {})
    core = normalize(parsed, ctx.namer, ctx.refs, ctx.registry.methods)
    return parsed, core, ctx.refs


def _wrt_name(f, wrt):
    if isinstance(wrt, (tuple, list)):
        raise ArgumentError("{}: sparse derivatives of {} take one wrt argument (an int or a name), "
                            "not {!r}; concatenate the arguments into one array".format(
                                _api.location(f), f.__name__, wrt))
    names, _ = _api.wrt_names(f, wrt)
    return names[0]


def _bound(f, args, kwargs):
    sig = inspect.signature(f)
    try:
        bound = sig.bind(*args, **kwargs)
    except TypeError as err:
        raise ArgumentError("{}: {}: {}".format(_api.location(f), f.__name__, err)) from None
    bound.apply_defaults()
    return bound


def _refuse_complex(f, name, x, what):
    """Sparse Jacobians and Hessians, and their patterns, are of real arguments: a complex one is refused
    (its columns would need the real and the imaginary direction each)."""
    for path, leaf, _ in treejac.leaves(x):  # an array, or each leaf of a container (named `params['W']`)
        if not np.iscomplexobj(leaf):
            continue
        x, name = leaf, name + path_text(path)
        raise ComplexInputError(
            "{}: {} of {} with respect to `{}`, which is complex ({}): s2s computes sparse derivatives and "
            "sparsity patterns for real arguments only. Pass the real and imaginary parts as two real "
            "arguments, or use s2s.jvp / s2s.vjp / s2s.hvp, which take complex ones.".format(
                _api.location(f), what, f.__name__, name, np.result_type(x)))


def _detect(f, args, kwargs, wrt, local, hessian):
    name = _wrt_name(f, wrt)
    bound = _bound(f, args, kwargs)
    x = bound.arguments[name]
    _refuse_complex(f, name, x, "the hessian sparsity" if hessian else "the jacobian sparsity")
    container = containers.is_container(x)
    n = containers.size(x)
    slots = {}
    for k, v in bound.arguments.items():
        if k == name and container:  # its float elements numbered leaf by leaf (s2s.api.treejac.Flat)
            slots[k] = Slot(copy.deepcopy(x), containers.leaf_patterns(x, n), True)
        elif k == name:
            v = np.array(x, dtype=float, copy=True) if np.ndim(x) else x
            slots[k] = Slot(v, P.identity(n), True)
        else:
            slots[k] = Slot(v)
    params = inspect.signature(f).parameters
    pos = [slots[k] for k, p in params.items() if k in slots and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    kw = {k: slots[k] for k, p in params.items() if k in slots and p.kind == p.KEYWORD_ONLY}
    detector = Detector(_core, _rules(), n, local, hessian)
    out = detector.call_function(f, pos, kw)
    return out, detector, n


def _output_pattern(out, n):
    def leaves(value, pattern):
        if isinstance(value, (list, tuple)):
            pats = pattern if isinstance(pattern, list) else [None] * len(value)
            for v, p in zip(value, pats):
                yield from leaves(v, p)
        else:
            yield (pattern if pattern is not None else P.empty(P.size(value), n))

    return P.vstack(leaves(out.value, out.pattern)) if out.value is not None else None


def _as_bool(p):
    """The pattern as users get it: boolean scipy.sparse CSR, or the ``Pattern`` itself without SciPy."""
    return p.to_scipy() if _scipy_sparse() is not None else p


def jacobian_sparsity(f, *args, wrt=0, local=False, **kwargs):
    """Boolean scipy.sparse CSR pattern of d f(*args) / d args[wrt]: shape (out.size, x.size).

    Without SciPy the result is an ``s2s.sparse.Pattern``, a boolean sparse
    matrix that reads like a scipy COO matrix: ``row`` and ``col`` (the
    nonzeros, sorted by row then column), ``shape``, ``nnz``, ``dtype``
    (bool), ``toarray()``, and ``T``.

    Global by default: valid for every input of those shapes — at an ``if``
    whose test depends on the input both branches count (the union). With
    ``local=True`` only the branch this input takes counts. Loops run the trip
    counts this input gives.
    """
    out, _, n = _detect(f, args, kwargs, wrt, local, hessian=False)
    jacobians.refuse_named_result("jacobian_sparsity", f, out.value)
    return _as_bool(_output_pattern(out, n))


def hessian_sparsity(f, *args, wrt=0, local=False, **kwargs):
    """Boolean scipy.sparse CSR pattern (symmetric, x.size by x.size) of the Hessian of scalar ``f``.

    Only interactions through nonlinear operations count: ``x[0] * x[1]``
    links 0 and 1, ``sin(x[0])`` links 0 with itself, ``x[0] + x[1]`` nothing.
    Global/local as in ``jacobian_sparsity``; without SciPy an
    ``s2s.sparse.Pattern`` as there.
    """
    out, detector, n = _detect(f, args, kwargs, wrt, local, hessian=True)
    if P.size(out.value) != 1 or isinstance(out.value, (list, tuple)):
        raise S2SError("{}: hessian_sparsity of {}: the function must return a scalar, not a value of shape "
                       "{}".format(_api.location(f), f.__name__, np.shape(out.value)))
    h = detector.hessian.result()
    return _as_bool(h + h.T)


class _Prepared:
    def __init__(self, pattern, colors, shapes):
        self.pattern = pattern
        self.colors = colors
        self.shapes = shapes
        self.batched = None  # whether the seeds go through one batched call: decided at the first evaluation
        # checked against one product along a random direction: "once" (a pattern the user gave),
        # "always" (a local pattern: another input may take another branch), or None (global: sound)
        self.check = None
        self.result = None  # forward mode: the function's result where it is a tuple or list (else False)


def _seeds(colors, shape, dtype=float):
    """One 0/1 seed per color, stacked: shape (k,) + shape."""
    k = int(colors.max()) + 1 if len(colors) else 0
    return (colors[None, :] == np.arange(k)[:, None]).astype(dtype).reshape((k,) + tuple(shape))


def _products(prepared, like, product, batched, args, kwargs, width, result=None):
    """(colors, width): ``product(*args, seed)`` (raveled) for each color's 0/1 seed shaped like ``like``,
    one call per color or all in one ``batched`` call, whichever ``_compressed`` found faster; ``like``
    and ``result`` (the product's structure, where it is a container) as ``_Layout`` holds them."""
    colors = prepared.colors
    k = int(colors.max()) + 1 if len(colors) else 0
    layout, result = containers.Layout(like), containers.Layout(result if result is not None else np.zeros(width))
    seeds = _seeds(colors, layout.shape)

    def one_by_one():
        out = np.zeros((k, width))
        for c in range(k):
            out[c] = result.rows(product(*args, layout.seed(seeds[c]), **kwargs), 1)[0]
        return out

    def all_at_once():  # at most _SEEDS_PER_CALL seeds per call
        parts = [seeds[i:i + _SEEDS_PER_CALL] for i in range(0, k, _SEEDS_PER_CALL)]
        return np.concatenate([result.rows(batched(*args, layout.seed(part, (len(part),)), **kwargs)[1], len(part))
                               for part in parts])

    return _compressed(prepared, one_by_one, all_at_once) if k else np.zeros((0, width))


# colors per batched call: each multiplies every intermediate array by its number (as s2s.jacobian's chunks)
_SEEDS_PER_CALL = 64


def _compressed(prepared, one_by_one, all_at_once):
    """The compressed derivative, (k, size) rows per color, from whichever way of running the seeds is faster.

    At the first evaluation for these shapes both run (after a warm-up call
    that generates their code), are timed side by side and must agree; the
    faster is kept. The batched call loses where k copies of the arrays no
    longer fit in cache (measured in benchmarks/sparse.py).
    """
    if prepared.batched is None:
        try:
            batched = all_at_once()
        except Exception:  # noqa: BLE001 - one seed at a time says what the error really is
            prepared.batched = False
            return one_by_one()
        single = one_by_one()
        scale = max(1.0, float(np.max(np.abs(single), initial=0.0)))
        if batched.shape != single.shape or not np.allclose(batched, single, rtol=1e-12, atol=1e-12 * scale):
            prepared.batched = False  # pragma: no cover - the batched mode is tested against the unbatched one
            return single
        prepared.batched = _faster(all_at_once, one_by_one)
        return single
    return all_at_once() if prepared.batched else one_by_one()


def _faster(first, second, repeats=2):
    """Whether ``first`` ran faster than ``second`` (best of ``repeats``, alternating)."""
    best = [np.inf, np.inf]
    for _ in range(repeats):
        for i, fn in enumerate((first, second)):
            start = time.perf_counter()
            fn()
            best[i] = min(best[i], time.perf_counter() - start)
    return best[0] < best[1]


class _Sparse:
    """Shared machinery of SparseJacobian and SparseHessian: per-shape preparation."""

    kind = ""

    def __init__(self, f, wrt, sparsity, local):
        _require_scipy(f, self.kind)
        self.f = f
        self.wrt_name = _wrt_name(f, wrt)
        self.wrt = wrt
        self.local = local
        self.sparsity = sparsity
        self._prepared = {}
        self.__name__ = "sparse_{}_{}".format(self.kind, getattr(f, "__name__", "f"))

    def _key(self, bound):
        def key(v):  # a container by the types, shapes and dtypes of its leaves
            if containers.is_container(v):
                return tuple((path, type(leaf).__name__, np.shape(leaf), np.asarray(leaf).dtype.str)
                             for path, leaf, _ in treejac.leaves(v))
            return np.shape(v), np.asarray(v).dtype.str
        return tuple((k, key(v)) for k, v in bound.arguments.items())

    def prepare(self, *args, **kwargs):
        bound = _bound(self.f, args, kwargs)
        _refuse_complex(self.f, self.wrt_name, bound.arguments.get(self.wrt_name), "sparse " + self.kind)
        key = self._key(bound)
        prepared = self._prepared.get(key)
        if prepared is None:
            pattern = self._given_pattern(bound) if self.sparsity is not None else self._detect(args, kwargs)
            prepared = _Prepared(pattern, self._color(pattern), key)
            prepared.check = "once" if self.sparsity is not None else ("always" if self.local else None)
            self._prepared[key] = prepared
        return prepared, bound

    def _checked(self, matrix, prepared, like, product, args, kwargs, transposed=False, result=None):
        """``matrix``, after checking a user-given pattern (once) or a local one (each time): one product
        along a random direction (a JVP, VJP or HVP) must match the sparse result, else the pattern misses
        nonzeros."""
        if prepared.check is None:
            return matrix
        layout = containers.Layout(like)
        v = np.random.default_rng(0).standard_normal(layout.shape)
        want = np.ravel(product(*args, layout.seed(v), **kwargs)) if result is None else \
            containers.Layout(result).rows(product(*args, layout.seed(v), **kwargs), 1)[0]
        got = (matrix.T if transposed else matrix) @ np.ravel(v)
        scale = max(float(np.max(np.abs(want), initial=0.0)), 1e-300)
        error = float(np.max(np.abs(got - want), initial=0.0)) / scale
        if error > 1e-8:
            if prepared.check == "always":
                raise S2SError("{}: the local sparsity pattern of the {} of {} (local=True) misses nonzeros at "
                               "these arguments (the product with a random vector differs from the sparse "
                               "result by {:.2g}, relative): they take a branch the pattern's input did not. "
                               "Use the global pattern (leave local out).".format(
                                   _api.location(self.f), self.kind, self.f.__name__, error))
            raise S2SError("{}: sparsity= for the {} of {} misses nonzeros: at these arguments the product "
                           "with a random vector differs from the sparse result by {:.2g} (relative). Pass a "
                           "pattern that holds every nonzero, or leave sparsity= out to detect it.".format(
                               _api.location(self.f), self.kind, self.f.__name__, error))
        if prepared.check == "once":
            prepared.check = None
        return matrix

    def colors(self, *args, **kwargs):
        """The color of each column (forward), row (reverse) or Hessian row, for these argument shapes."""
        return self.prepare(*args, **kwargs)[0].colors.copy()

    def batched(self, *args, **kwargs):
        """Whether the seeds of all colors go through the generated code in one batched call for these
        argument shapes (``s2s.jvp``/``s2s.vjp`` with ``batch=True``) rather than one call per color:
        decided by timing both at the first evaluation (None before it)."""
        return self.prepare(*args, **kwargs)[0].batched

    def _given_pattern(self, bound):
        expected = self._pattern_shape(bound)
        given = self.sparsity
        shape = getattr(given, "shape", np.shape(given))
        if tuple(shape) != expected:
            raise S2SError("{}: sparsity= for the {} of {} has shape {}, but these arguments need {}".format(
                _api.location(self.f), self.kind, self.f.__name__, tuple(shape), expected))
        try:
            return Pattern.from_any(given).to_scipy()
        except ValueError as err:
            raise S2SError("{}: sparsity= for the {} of {}: {}".format(
                _api.location(self.f), self.kind, self.f.__name__, err)) from None

    def __repr__(self):
        return "<s2s.sparse_{} of {} wrt {}>".format(self.kind, getattr(self.f, "__name__", self.f), self.wrt_name)


class SparseJacobian(_Sparse):
    kind = "jacobian"

    def __init__(self, f, wrt=0, mode="forward", sparsity=None, local=False):
        if mode not in ("forward", "reverse"):
            raise ArgumentError("{}: sparse_jacobian of {}: mode must be 'forward' or 'reverse', not {!r}".format(
                _api.location(f), f.__name__, mode))
        super().__init__(f, wrt, sparsity, local)
        self.mode = mode
        self._derivative = _api.jvp(f, wrt) if mode == "forward" else _api.vjp(f, wrt)
        self._batched = (_api.jvp if mode == "forward" else _api.vjp)(f, wrt, batch=True)

    def _pattern_shape(self, bound):
        out = self.f(*bound.args, **bound.kwargs)
        return (P.size(out), containers.size(bound.arguments[self.wrt_name]))

    def _detect(self, args, kwargs):
        return jacobian_sparsity(self.f, *args, wrt=self.wrt, local=self.local, **kwargs)

    def _color(self, pattern):
        if self.mode == "forward":
            return coloring.column_coloring(pattern)
        return coloring.column_coloring(pattern.T.tocsr())

    def __call__(self, *args, **kwargs):
        arrays.numpy_only("s2s.sparse_jacobian", _api.location(self.f), args, kwargs)
        prepared, bound = self.prepare(*args, **kwargs)
        m, n = prepared.pattern.shape
        product = lambda *a, **kw: self._derivative(*a, **kw)[1]  # noqa: E731
        if self.mode == "forward":
            x = bound.arguments[self.wrt_name]
            if prepared.result is None:  # a tuple result: its products are raveled leaf by leaf
                out = self.f(*args, **kwargs)
                prepared.result = out if isinstance(out, (list, tuple)) else False
            result = prepared.result if prepared.result is not False else None
            compressed = _products(prepared, x, product, self._batched, args, kwargs, m, result=result)
            matrix = coloring.decompress_columns(prepared.pattern, prepared.colors, compressed.T)
            return self._checked(matrix, prepared, x, product, args, kwargs, result=result)
        out = self.f(*args, **kwargs)
        x = bound.arguments[self.wrt_name]
        compressed = _products(prepared, out, product, self._batched, args, kwargs, n, result=x)
        matrix = coloring.decompress_rows(prepared.pattern, prepared.colors, compressed)
        return self._checked(matrix, prepared, out, product, args, kwargs, transposed=True, result=x)


class SparseHessian(_Sparse):
    kind = "hessian"

    def __init__(self, f, wrt=0, sparsity=None, local=False):
        super().__init__(f, wrt, sparsity, local)
        self._hvp = jacobians.hvp(f, wrt)
        self._batched = _api.jvp(_api.grad(f, wrt), wrt, batch=True)

    def _pattern_shape(self, bound):
        n = containers.size(bound.arguments[self.wrt_name])
        return (n, n)

    def _detect(self, args, kwargs):
        return hessian_sparsity(self.f, *args, wrt=self.wrt, local=self.local, **kwargs)

    def _color(self, pattern):
        return coloring.star_coloring(pattern)

    def __call__(self, *args, **kwargs):
        arrays.numpy_only("s2s.sparse_hessian", _api.location(self.f), args, kwargs)
        prepared, bound = self.prepare(*args, **kwargs)
        n = prepared.pattern.shape[0]
        x = bound.arguments[self.wrt_name]
        compressed = _products(prepared, x, self._hvp, self._batched, args, kwargs, n, result=x)
        matrix = coloring.decompress_star(prepared.pattern, prepared.colors, compressed.T)
        return self._checked(matrix, prepared, x, self._hvp, args, kwargs, result=x)


def sparse_jacobian(f=None, wrt=0, mode="forward", *, sparsity=None, local=False):
    """``g(*args)`` -> the Jacobian of ``f`` as a scipy.sparse CSR matrix (out.size by x.size).

    Detects the pattern (or takes ``sparsity=``, checked at the first
    evaluation against one product along a random direction; a local
    pattern is checked so at every evaluation) and colors it once per
    argument shapes, then evaluates with one JVP per column color
    (``mode="forward"``) or one VJP per row color (``mode="reverse"``), all
    colors in one batched call where the first evaluation found that faster.
    ``g.colors(*args)`` gives those colors. ``sparsity=`` may be a dense
    boolean array, a scipy.sparse matrix or an ``s2s.sparse.Pattern`` (any
    object with ``row``, ``col`` and ``shape``). Needs SciPy:
    ``MissingSciPyError`` (an ``S2SError``) without it.
    """
    if f is None:
        return lambda g: sparse_jacobian(g, wrt, mode, sparsity=sparsity, local=local)
    return SparseJacobian(f, wrt, mode, sparsity, local)


def sparse_hessian(f=None, wrt=0, *, sparsity=None, local=False):
    """``h(*args)`` -> the Hessian of scalar ``f`` as a scipy.sparse CSR matrix (x.size by x.size).

    Star coloring of the detected (or given) pattern; one Hessian-vector
    product (forward over reverse) per color. ``sparsity=`` as in
    ``sparse_jacobian``; needs SciPy as it does.
    """
    if f is None:
        return lambda g: sparse_hessian(g, wrt, sparsity=sparsity, local=local)
    return SparseHessian(f, wrt, sparsity, local)

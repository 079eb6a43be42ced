"""Check a gradient against central finite differences.

``check_grad(f, *args, wrt=...)`` computes ``s2s.grad(f, wrt)(*args)`` and
compares it with central differences of ``f``:

- the gradient's structure: one result for an int or name ``wrt``, a tuple of
  the same length for a tuple ``wrt``; each result has its argument's
  structure (lists and tuples leaf by leaf), shape and float dtype;
- the arguments are left unmodified by the gradient call;
- complex arguments in the real-pair view: ``z = x + iy`` is checked as the
  pair ``(x, y)``, whose gradient is ``(Re(grad), -Im(grad))`` in the
  convention ``grad = df/dx - i df/dy``;
- for arguments with at most ``FULL_CHECK_SIZE`` elements, every partial
  derivative;
- always, the directional derivative along ``DIRECTIONS`` random directions
  ``v``: ``<grad, v>`` against ``(f(x + h v) - f(x - h v)) / 2h``. This is the
  dot-product identity that autograd's ``check_grads`` uses; it catches an
  error anywhere in a large argument at the cost of two calls of ``f``.

Integer and boolean values are never differentiated: they are neither
perturbed nor compared. Float32 (and float16) arguments are perturbed in
float64 when ``f`` accepts that, so that the finite differences are accurate
and only the analytic gradient carries float32 rounding; otherwise they are
perturbed in their own precision with a large step and loose tolerances.

``compare`` does the work on any gradient function, so the oracle itself can
be tested with hand-written (right and wrong) gradients.
"""
import copy
import inspect
import numbers

import numpy as np

from s2s.api.methods import NO_RECEIVER, after_self, unbound
from s2s.api import arrays
from s2s.api.transforms import Transformed, grad, location
from s2s.runtime import entries, getfield, is_named, rebuilt_like

__all__ = ["check_grad", "compare"]

FULL_CHECK_SIZE = 64
DIRECTIONS = 3

# (relative step, rtol, atol) by how the finite differences are evaluated.
_DEFAULTS = {
    "float64": (1e-6, 1e-5, 1e-6),
    # float32 arguments, differences evaluated in float64: the error is the
    # analytic gradient's own float32 rounding.
    "upcast": (1e-6, 2e-3, 1e-4),
    # float32 arguments that f only accepts as float32.
    "native": (1e-2, 2e-2, 1e-3),
}


def check_grad(f, *args, wrt=0, rtol=None, atol=None, eps=None, seed=0, kwargs=None):
    """Raise ``AssertionError`` unless ``s2s.grad(f, wrt)`` matches central differences.

    ``args`` may be Python floats, NumPy scalars, float arrays, or nested
    lists, tuples, dicts and records of these; ``f`` may be a bound method (``wrt="self"``
    checks the gradient with respect to the object). ``eps`` is the finite-difference step relative to
    the size of each perturbed value; ``rtol``/``atol`` default by dtype (see
    ``_DEFAULTS``). ``seed`` fixes the random directions. Returns ``None``.
    """
    kwargs = {} if kwargs is None else dict(kwargs)
    arrays.numpy_only("s2s.check_grad", location(getattr(f, "__func__", f)), args, kwargs)
    fn, receiver = unbound(f, (Transformed,))
    if receiver is not NO_RECEIVER:  # a bound method: self is perturbed like any argument
        f, args, wrt = fn, (receiver,) + tuple(args), after_self(wrt)
    df = grad(f, wrt=wrt)
    compare(df, f, args, wrt=wrt, kwargs=kwargs, rtol=rtol, atol=atol, eps=eps, seed=seed)


def compare(grad_fn, f, args, wrt=0, kwargs=None, rtol=None, atol=None, eps=None, seed=0):
    """Check ``grad_fn(*args, **kwargs)`` as the gradient of ``f`` with respect to ``wrt``.

    ``grad_fn`` has the calling convention of ``s2s.grad(f, wrt)``. Raises
    ``AssertionError`` with a readable message on the first mismatch.
    """
    args = tuple(args)
    kwargs = {} if kwargs is None else dict(kwargs)
    slots = _resolve_wrt(f, wrt, args, kwargs)
    if any(_is_complex(_lookup(slot.key, args, kwargs)) for slot in slots):
        return _compare_real_pairs(grad_fn, f, args, kwargs, wrt, slots,
                                   dict(rtol=rtol, atol=atol, eps=eps, seed=seed))

    before = tuple(map(_snapshot, args)), {k: _snapshot(v) for k, v in kwargs.items()}
    result = grad_fn(*args, **kwargs)
    _check_unmodified(before, (args, kwargs))
    args, kwargs = before  # from here on, work on private copies only

    grads = _split_result(result, wrt, slots)
    leaves, analytic = [], {}
    for slot, g in zip(slots, grads):
        x = _lookup(slot.key, args, kwargs)
        _check_structure(g, x, slot.label, ())
        for path, leaf in _leaves(x):
            if _is_float(leaf):
                leaves.append((slot, path, leaf))
                analytic[slot.key, path] = np.asarray(_at(g, path), dtype=np.float64)
    if not leaves:
        return

    evaluate, mode = _evaluator(f, args, kwargs, leaves)
    step, default_rtol, default_atol = _DEFAULTS[mode]
    eps = step if eps is None else eps
    rtol = default_rtol if rtol is None else rtol
    atol = default_atol if atol is None else atol
    working = {(slot.key, path): _working(leaf, mode) for slot, path, leaf in leaves}

    for slot, path, _ in leaves:
        x = working[slot.key, path]
        if np.size(x) > FULL_CHECK_SIZE:
            continue
        numeric = np.empty(np.shape(x))
        noise = np.empty(np.shape(x))
        for index in np.ndindex(np.shape(x)):
            h = eps * max(1.0, abs(float(np.asarray(x)[index])))
            plus, minus = _nudge(x, index, h), _nudge(x, index, -h)
            f_plus = evaluate({(slot.key, path): plus})
            f_minus = evaluate({(slot.key, path): minus})
            width = float(np.asarray(plus, np.float64)[index] - np.asarray(minus, np.float64)[index])
            numeric[index] = (f_plus - f_minus) / width
            noise[index] = _rounding(mode, f_plus, f_minus, width)
        _assert_close(analytic[slot.key, path], numeric, rtol, atol + noise,
                      "the gradient of {}{}".format(slot.label, _path_text(path)))

    rng = np.random.default_rng(seed)
    names = ", ".join(dict.fromkeys(slot.label for slot, _, _ in leaves))
    for k in range(DIRECTIONS):
        directions = [rng.standard_normal(np.shape(leaf)) for _, _, leaf in leaves]
        norm = np.sqrt(sum(float(np.sum(v * v)) for v in directions)) or 1.0
        plus, minus, predicted, spread = {}, {}, 0.0, 0.0
        for v, (slot, path, _) in zip(directions, leaves):
            key = (slot.key, path)
            x = working[key]
            v = v / norm * np.maximum(1.0, np.abs(np.asarray(x, np.float64)))
            plus[key], minus[key] = _shift(x, eps * v), _shift(x, -eps * v)
            # the step actually taken, after rounding to x's dtype
            taken = np.asarray(plus[key], np.float64) - np.asarray(minus[key], np.float64)
            predicted += float(np.sum(analytic[key] * taken)) / (2 * eps)
            spread += float(np.sum(np.abs(analytic[key] * taken))) / (2 * eps)
        f_plus, f_minus = evaluate(plus), evaluate(minus)
        numeric = (f_plus - f_minus) / (2 * eps)
        noise = _rounding(mode, f_plus, f_minus, 2 * eps) + _analytic_rounding(mode, spread)
        _assert_close(predicted, numeric, rtol, atol + noise,
                      "the directional derivative along random direction {} (seed {}) "
                      "in {}".format(k, seed, names))


# -- complex arguments: the real-pair view -----------------------------------

def _is_complex(x):
    return isinstance(x, complex) or (isinstance(x, (np.ndarray, np.generic)) and np.iscomplexobj(x))


def _compare_real_pairs(grad_fn, f, args, kwargs, wrt, slots, options):
    """Check complex arguments as pairs of reals: ``z = x + iy`` becomes ``(x, y)``.

    The convention of s2s (and JAX, autograd) is ``grad = df/dx - i df/dy``, so
    the gradient of the pair is ``(Re(grad), -Im(grad))``; a complex argument's
    gradient must itself be complex, of the argument's dtype.
    """
    before = tuple(map(_snapshot, args)), {k: _snapshot(v) for k, v in kwargs.items()}
    grads = _split_result(grad_fn(*args, **kwargs), wrt, slots)
    _check_unmodified(before, (args, kwargs))
    args, kwargs = before
    for slot, g in zip(slots, grads):
        x = _lookup(slot.key, args, kwargs)
        if _is_complex(x) and not (_is_complex(g) and np.result_type(g) == np.result_type(x)):
            raise AssertionError("check_grad: the gradient of {} has dtype {}, but the argument is {}".format(
                slot.label, np.result_type(g), np.result_type(x)))
    pairs = [_is_complex(_lookup(slot.key, args, kwargs)) for slot in slots]

    def flat_of(values):
        flat = []
        for value, pair in zip(values, pairs):
            flat.extend([np.real(value), np.imag(value)] if pair else [value])
        return flat

    def rebuilt(flat):
        a, k, it = list(args), dict(kwargs), iter(flat)
        for slot, pair in zip(slots, pairs):
            value = next(it)
            if pair:
                value = value + 1j * next(it)
            if slot.key[0] == "arg":
                a[slot.key[1]] = value
            else:
                k[slot.key[1]] = value
        return a, k

    def f_pairs(*flat):
        a, k = rebuilt(flat)
        return f(*a, **k)

    def grad_pairs(*flat):
        a, k = rebuilt(flat)
        out = []
        for g, pair in zip(_split_result(grad_fn(*a, **k), wrt, slots), pairs):
            out.extend([np.real(g), -np.imag(g)] if pair else [g])
        return tuple(out)

    flat = flat_of([_lookup(slot.key, args, kwargs) for slot in slots])
    compare(grad_pairs, f_pairs, flat, wrt=tuple(range(len(flat))), **options)


# -- which arguments -------------------------------------------------------

class _Slot:
    """Where one differentiated argument lives: ``("arg", i)`` or ``("kw", name)``."""

    def __init__(self, key, label):
        self.key = key
        self.label = label


def _resolve_wrt(f, wrt, args, kwargs):
    items = wrt if isinstance(wrt, tuple) else (wrt,)
    if not items:
        raise ValueError("check_grad: wrt is an empty tuple")
    names = _positional_names(f)
    slots = []
    for w in items:
        if isinstance(w, bool) or not isinstance(w, (int, str)):
            raise TypeError("check_grad: wrt must be an int, a parameter name or a tuple "
                            "of them, not {!r}".format(w))
        if isinstance(w, str):
            if w in kwargs:
                slots.append(_Slot(("kw", w), "argument {!r}".format(w)))
                continue
            if w not in names:
                raise ValueError("check_grad: {!r} is not a parameter of {}".format(
                    w, getattr(f, "__name__", f)))
            w = names.index(w)
        if not -len(args) <= w < len(args):
            raise ValueError("check_grad: wrt={} but only {} positional arguments were given".format(
                w, len(args)))
        i = w % len(args)
        name = " ({!r})".format(names[i]) if i < len(names) else ""
        slots.append(_Slot(("arg", i), "argument {}{}".format(i, name)))
    return slots


def _positional_names(f):
    try:
        params = inspect.signature(f).parameters.values()
    except (TypeError, ValueError):
        return []
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return [p.name for p in params if p.kind in kinds]


def _lookup(key, args, kwargs):
    kind, where = key
    return args[where] if kind == "arg" else kwargs[where]


def _split_result(result, wrt, slots):
    if not isinstance(wrt, tuple):
        return [result]
    if not isinstance(result, tuple) or len(result) != len(slots):
        raise AssertionError(
            "check_grad: wrt={!r} asks for a tuple of {} gradients, but the gradient "
            "function returned {}".format(wrt, len(slots), _describe(result)))
    return list(result)


# -- structure, dtype, mutation --------------------------------------------

def _is_container(x):
    return isinstance(x, (list, tuple))


def _is_float(x):
    if isinstance(x, (bool, np.bool_)):
        return False
    if isinstance(x, float):
        return True
    return isinstance(x, (np.ndarray, np.generic)) and np.issubdtype(x.dtype, np.floating)


def _float_dtype(x):
    return np.dtype(np.float64) if isinstance(x, float) and not isinstance(x, np.generic) else x.dtype


def _leaves(x, path=()):
    if is_named(x):  # dicts, dataclasses, objects: a path step is (name,)
        for k, item in entries(x):
            yield from _leaves(item, path + ((k,),))
    elif _is_container(x):
        for i, item in enumerate(x):
            yield from _leaves(item, path + (i,))
    else:
        yield path, x


def _at(x, path):
    for i in path:
        x = getfield(x, i[0]) if isinstance(i, tuple) else x[i]
    return x


def _replace(x, path, value):
    if not path:
        return value
    if isinstance(path[0], tuple):
        values = dict(entries(x))
        values[path[0][0]] = _replace(values[path[0][0]], path[1:], value)
        return rebuilt_like(x, values)
    items = list(x)
    items[path[0]] = _replace(items[path[0]], path[1:], value)
    if isinstance(x, list):
        return items
    return type(x)(*items) if hasattr(x, "_fields") else type(x)(items)


def _path_text(path):
    return "".join("[{!r}]".format(i[0]) if isinstance(i, tuple) else "[{}]".format(i) for i in path)


def _describe(x):
    if isinstance(x, np.ndarray):
        return "an array of shape {} and dtype {}".format(x.shape, x.dtype)
    if isinstance(x, np.generic):
        return "a NumPy {} scalar".format(x.dtype)
    if _is_container(x):
        return "a {} of length {}".format(type(x).__name__, len(x))
    if is_named(x):
        return "a {} of entries {}".format(type(x).__name__, ", ".join(repr(k) for k, _ in entries(x)))
    return "a {} ({!r})".format(type(x).__name__, x)


def _check_structure(g, x, label, path):
    where = "the gradient of {}{}".format(label, _path_text(path))
    if is_named(x):
        if type(g) is not type(x) or [k for k, _ in entries(g)] != [k for k, _ in entries(x)]:
            raise AssertionError("check_grad: {} should be {} like the argument, but is {}".format(
                where, _describe(x), _describe(g)))
        for k, xi in entries(x):
            _check_structure(getfield(g, k), xi, label, path + ((k,),))
        return
    if _is_container(x):
        if type(g) is not type(x) or len(g) != len(x):
            raise AssertionError("check_grad: {} should be a {} of length {} like the argument, "
                                 "but is {}".format(where, type(x).__name__, len(x), _describe(g)))
        for i, (gi, xi) in enumerate(zip(g, x)):
            _check_structure(gi, xi, label, path + (i,))
        return
    if not _is_float(x):
        if not isinstance(x, (numbers.Number, np.ndarray, np.generic)) and g is not None:
            raise AssertionError("check_grad: {} should be None (a {} has no gradient), but is {}".format(
                where, type(x).__name__, _describe(g)))
        return  # integers and booleans are not differentiated
    if _is_container(g) or not isinstance(g, (numbers.Real, np.ndarray, np.generic)) \
            or isinstance(g, (bool, np.bool_)):
        raise AssertionError("check_grad: {} should have shape {} like the argument, but is {}".format(
            where, np.shape(x), _describe(g)))
    if np.shape(g) != np.shape(x):
        raise AssertionError("check_grad: {} has shape {}, but the argument has shape {}".format(
            where, np.shape(g), np.shape(x)))
    g_dtype = np.dtype(np.float64) if isinstance(g, float) else np.asarray(g).dtype
    if g_dtype != _float_dtype(x):
        raise AssertionError("check_grad: {} has dtype {}, but the argument has dtype {}".format(
            where, g_dtype, _float_dtype(x)))


def _same(a, b):
    """Whether ``b`` still equals the snapshot ``a``, arrays by value, dtype and shape."""
    if _is_container(a) or _is_container(b):
        return type(a) is type(b) and len(a) == len(b) and all(map(_same, a, b))
    if is_named(a) and is_named(b):
        ea, eb = entries(a), entries(b)
        return type(a) is type(b) and [k for k, _ in ea] == [k for k, _ in eb] and all(
            _same(u, v) for (_, u), (_, v) in zip(ea, eb))
    if isinstance(a, (np.ndarray, np.generic)) or isinstance(b, (np.ndarray, np.generic)):
        return (type(a) is type(b) and np.shape(a) == np.shape(b)
                and np.asarray(a).dtype == np.asarray(b).dtype
                and bool(np.array_equal(a, b, equal_nan=np.asarray(a).dtype.kind in "fc")))
    try:
        return bool(a == b) or (a != a and b != b)
    except Exception:  # no usable equality: nothing we can check
        return True


def _snapshot(x):
    try:
        return copy.deepcopy(x)
    except Exception:  # modules, generators...: compared by identity only
        return x


def _check_unmodified(before, after):
    (args0, kwargs0), (args1, kwargs1) = before, after
    for i, (a0, a1) in enumerate(zip(args0, args1)):
        if not _same(a0, a1):
            raise AssertionError("check_grad: the gradient function modified argument {} "
                                 "in place".format(i))
    for name in kwargs0:
        if not _same(kwargs0[name], kwargs1[name]):
            raise AssertionError("check_grad: the gradient function modified keyword argument "
                                 "{!r} in place".format(name))


# -- finite differences ----------------------------------------------------

def _evaluator(f, args, kwargs, leaves):
    """``evaluate(changes) -> float``: f with some leaves replaced; and the mode.

    ``changes`` maps ``(slot.key, path)`` to a new leaf. In "upcast" mode the
    low-precision float leaves are cast to float64 (when f accepts that).
    """
    low = [(slot.key, path) for slot, path, leaf in leaves if _float_dtype(leaf).itemsize < 8]

    def evaluate(changes, upcast=False):
        a = [_snapshot(x) for x in args]
        kw = {k: _snapshot(v) for k, v in kwargs.items()}
        for key in low if upcast else ():
            if key not in changes:
                changes = dict(changes)
                changes[key] = _working(_at(_lookup(key[0], a, kw), key[1]), "upcast")
        for ((kind, where), path), value in changes.items():
            if kind == "arg":
                a[where] = _replace(a[where], path, value)
            else:
                kw[where] = _replace(kw[where], path, value)
        with np.errstate(all="ignore"):  # a point check_grad chose: a NaN there shows as a mismatch instead
            return _scalar(f(*a, **kw))

    if not low:
        return evaluate, "float64"
    try:
        evaluate({}, upcast=True)
    except Exception:  # f insists on its low-precision inputs
        return evaluate, "native"
    return (lambda changes: evaluate(changes, upcast=True)), "upcast"


def _working(leaf, mode):
    """The leaf in the precision its finite differences are taken in."""
    if mode == "upcast" and _float_dtype(leaf).itemsize < 8:
        return np.asarray(leaf, np.float64) if isinstance(leaf, np.ndarray) else np.float64(leaf)
    return leaf


def _like(leaf, moved):
    """``moved`` (an array) in the type of ``leaf``: Python float, NumPy scalar or array."""
    if isinstance(leaf, float) and not isinstance(leaf, np.generic):
        return float(moved)
    return moved[()] if isinstance(leaf, np.generic) else moved


def _nudge(x, index, h):
    """``x`` with the element at ``index`` moved by ``h``."""
    moved = np.array(x, copy=True)
    moved[index] = moved[index] + h
    return _like(x, moved)


def _shift(x, delta):
    """``x + delta``, rounded to x's dtype."""
    moved = (np.asarray(x, np.float64) + delta).astype(_float_dtype(x))
    return _like(x, moved)


def _scalar(out):
    if _is_container(out) or np.ndim(out) != 0:
        raise TypeError("check_grad: f must return a scalar, but returned {}".format(_describe(out)))
    return float(np.asarray(out, dtype=np.float64))


def _rounding(mode, f_plus, f_minus, width):
    """How far rounding in the two values of f alone can move a difference quotient."""
    precision = np.finfo(np.float32 if mode == "native" else np.float64).eps
    return 4 * precision * max(abs(f_plus), abs(f_minus)) / abs(width)


def _analytic_rounding(mode, spread):
    """Rounding of a float32 gradient summed over many terms of a directional derivative."""
    precision = np.finfo(np.float64 if mode == "float64" else np.float32).eps
    return 32 * precision * spread


def _assert_close(analytic, numeric, rtol, atol, what):
    analytic = np.asarray(analytic, np.float64)
    numeric = np.asarray(numeric, np.float64)
    error = np.abs(analytic - numeric)
    both_nan = np.isnan(analytic) & np.isnan(numeric)
    bad = ~both_nan & ~(error <= atol + rtol * np.abs(numeric))
    if not bad.any():
        return
    worst = np.unravel_index(np.argmax(np.where(bad, np.nan_to_num(error, nan=np.inf), -1.0)),
                             error.shape) if error.ndim else ()
    relative = error / np.maximum(np.abs(numeric), np.finfo(np.float64).tiny)
    lines = [
        "check_grad: {} does not match central differences".format(what),
        "  mismatched: {} of {} values; worst at index {}: analytic {!r}, numeric {!r}".format(
            int(bad.sum()), bad.size, tuple(int(i) for i in worst),
            float(analytic[worst]), float(numeric[worst])),
        "  max abs error {:.3g}, max rel error {:.3g} (rtol {:g}, atol {:g})".format(
            float(np.nanmax(error)) if error.size else 0.0,
            float(np.nanmax(relative)) if relative.size else 0.0,
            rtol, float(np.min(atol))),
    ]
    if analytic.size <= 16:
        lines.append("  analytic: {}".format(np.array2string(analytic, precision=8)))
        lines.append("  numeric:  {}".format(np.array2string(numeric, precision=8)))
    raise AssertionError("\n".join(lines))

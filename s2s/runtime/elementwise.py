"""Helpers of elementwise templates (arithmetic, ``np.where``, ``np.select``, ``np.clip``, extrema).

Each helper returns one adjoint contribution (or a piece of one) of a
primitive whose template is in templates/. ``g`` is always the adjoint of
the primitive's result (``ans_bar``), ``ans`` its result.
"""
import numpy as np

from s2s.runtime.core import is_container, may_hold, unbroadcast


def safe_divide(a, b):
    """``a / b``, with 0 where ``b == 0`` (the subgradient we pick at kinks)."""
    b = np.asarray(b)
    zero = b == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(zero, 0, a / np.where(zero, 1, b))


def log_positive(x):
    """``log(x)`` where ``x > 0`` and 0 elsewhere (no warnings); a Python float for a Python float."""
    if isinstance(x, (int, float)) and not isinstance(x, np.generic):
        return float(np.log(x)) if x > 0 else 0.0
    x = np.asarray(x)
    positive = x > 0
    return np.where(positive, np.log(np.where(positive, x, 1)), 0)


def power_base_grad(x1, x2):
    """d(x1 ** x2)/dx1 = x2 * x1 ** (x2 - 1), and 0 where x2 == 0.

    NumPy's power is used so that a Python float base of 0 with a negative
    exponent gives inf rather than ZeroDivisionError.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        d = x2 * np.power(x1, x2 - 1)
    return np.where(np.asarray(x2) == 0, 0, d)


def sinc_grad(x):
    """d sinc(x)/dx = (cos(pi x) - sinc(x)) / x, 0 at x == 0."""
    return safe_divide(np.cos(np.pi * np.asarray(x)) - np.sinc(x), x)


def _in_dtype_of(x, ans):
    """``x`` rounded to the float dtype of ``ans`` (so a Python float 0.4 equals a float32 result 0.4)."""
    dtype = np.result_type(ans)
    x = np.asarray(x)
    floating = dtype.kind == "f" if hasattr(dtype, "kind") else np.issubdtype(dtype, np.floating)
    if floating and x.dtype != dtype:
        return np.asarray(x, dtype=dtype)  # x.astype(dtype), in words every array library has
    return x


def select_grad(g, x, other, ans):
    """The share of ``g`` that reaches ``x`` when ``ans`` is ``x`` or ``other``.

    For maximum/minimum-like functions: all of ``g`` where ``ans`` is ``x``
    alone, half where ``x`` and ``other`` tie, none elsewhere (so none where
    ``ans`` is NaN; fmax/fmin's other operand gets all where ``x`` is NaN).
    One mask (``x == ans``) and one product; a tie check ``x == other`` (in the
    dtype ``np.maximum`` compared them in) redoes the product with halves only
    where a tie exists. Linear in ``g`` (the tangent calls it on ``x_dot``).
    """
    if type(g) is float and type(x) in (float, int) and type(other) in (float, int) and type(ans) in (float, int):
        return 0.0 * g if x != ans else (0.5 * g if x == other else 1.0 * g)  # builtin max(a, b) of floats
    if type(x) is not np.ndarray:  # a Python or NumPy scalar, or a NumPy array among another library's
        x = _in_dtype_of(x, ans)
    mine = x == ans
    # np.multiply, not `*`: the same ufunc for NumPy; for a library following the array API standard
    # (no booleans in arithmetic) NumpyNames' multiply promotes the mask as NumPy does
    tie = x == other
    if may_hold(tie):  # rare with floats: the halving only where needed (the same numbers either way)
        g = np.asarray(g)
        return np.multiply(np.where(tie, 0.5 * g, g), mine)
    return np.multiply(g, mine)


def extremum_grad(g, x, other, ans):
    """Adjoint of ``x`` in builtin ``max``/``min`` of two values or of one iterable.

    ``other`` is None for the one-iterable form; ties split ``g`` evenly.
    """
    if other is not None:
        return select_grad(g, x, other, ans)
    if is_container(x):
        hits = [bool(np.all(e == ans)) for e in x]
        share = g / max(sum(hits), 1)
        return type(x)(share if hit else 0.0 for hit in hits)
    mask = np.asarray(x) == ans
    return np.where(mask, np.asarray(g) / _count(mask), 0)


def extremum_jvp(t, x, other, ans):
    """Tangent of builtin ``max``/``min`` along ``t``, the tangent of ``x`` (as ``extremum_grad``: ties share)."""
    if x is None:
        return 0.0
    if other is not None:
        return select_grad(t, x, other, ans)
    if is_container(x):
        hits = [bool(np.all(e == ans)) for e in x]
        return sum((ti for ti, hit in zip(t, hits) if hit), 0.0) / max(sum(hits), 1)
    mask = np.asarray(x) == ans
    return np.sum(np.where(mask, t, 0)) / _count(mask)


def clip_masks(ans, a, a_min=None, a_max=None, min=None, max=None):
    """Where ``clip``'s result came from: (from a, from the lower, from the upper bound).

    Accepts NumPy's two spellings of the bounds (``a_min``/``min``...).
    """
    lo = min if a_min is None else a_min
    hi = max if a_max is None else a_max
    from_a = np.asarray(ans == _in_dtype_of(a, ans))
    from_hi = ~from_a & (ans == _in_dtype_of(hi, ans)) if hi is not None else np.zeros_like(from_a)
    from_lo = ~from_a & ~from_hi & (ans == _in_dtype_of(lo, ans)) if lo is not None else np.zeros_like(from_a)
    return from_a, from_lo, from_hi


def clip_from(ans, a):
    """Where ``clip``'s result is ``a`` itself (a bound hit exactly counts as ``a``): the one mask of
    ``a``'s adjoint, ``clip_masks(...)[0]`` without the two masks of the bounds."""
    return np.asarray(ans == _in_dtype_of(a, ans))


def clip_bound_grad(g, from_a, ans, bound, upper=None, zero=0):
    """``g`` where ``clip``'s result came from ``bound`` (not from ``a``, nor, for the lower bound, from
    the ``upper`` one: ``clip_masks``' order), ``zero`` elsewhere; ``from_a`` is ``clip_from(ans, a)``.

    Called only for a bound that is differentiated (never None); linear in ``g``.
    """
    hit = ~from_a & (ans == _in_dtype_of(bound, ans))
    if upper is not None:
        hit = hit & (ans != _in_dtype_of(upper, ans))
    return np.where(hit, g, zero)


def _count(mask):
    """How many elements ``mask`` holds (at least 1): a Python int for NumPy (a float32 divided by it stays
    float32), a lazy array for Dask (no computation)."""
    count = np.sum(mask)
    return max(int(count), 1) if type(count).__module__ == "numpy" else np.maximum(count, 1)


def absorb_zeros(a, r):
    """``r``, a product with the factor ``a``, with 0 where ``a == 0`` and ``r`` is NaN (0 * inf).

    The adjoint of a singular elementwise rule (``log``, ``sqrt``...) is
    ``absorb_zeros(ans_bar, ans_bar * d)``: ``np.where`` gives the branch it
    drops a zero adjoint, and that zero times an infinite derivative must
    stay zero. Generated code writes the product inline, so NumPy reuses the
    temporary ``d``; a NaN-free product (the usual case) costs one check.
    """
    if isinstance(r, float):
        return r if r == r or a != 0 else 0.0 * a
    if isinstance(a, float) and a != 0:
        return r  # a factor that is one nonzero number (a scalar adjoint): nothing to absorb
    kind = type(r)  # NumPy's own array (``np`` is another library's in a helper re-made for it)
    if kind.__name__ == "ndarray" and kind.__module__ == "numpy" and r.dtype.kind == "f":
        if _nan_free(r):
            return r
    nan = np.isnan(r)
    if may_hold(nan):
        r = np.where((np.asarray(a) == 0) & nan, 0, r)
    return r


def _nan_free(r):
    """Whether the real float NumPy array ``r`` holds no NaN, in one pass: its minimum is NaN exactly
    when an element is. (A sum could overflow, with a warning, or meet inf - inf; a dot product of
    ``r`` with itself overflows from 1e154.) Methods only: ``np`` may be another library's names here.
    """
    if not r.size:
        return True
    least = r.min()
    return least == least


def tie_weight(w, x, other):
    """``w`` (a softmax weight of ``x`` against ``other``), 1/2 where both are the same infinity.

    ``logaddexp(-inf, -inf)`` has weights ``exp(-inf - -inf)``, NaN: split evenly.
    """
    tie = np.isinf(x) & (np.asarray(x) == other)
    if may_hold(tie):
        return np.where(tie, 0.5, w)
    return w


def masked(c, where=True):
    """``c`` where ``where`` holds and 0 elsewhere (reductions' ``where=``); ``c`` itself for ``True``."""
    if where is True:
        return c
    return np.where(where, c, 0)


def select_masks(condlist):
    """Where ``np.select(condlist, ...)`` takes each choice: one mask per condition, then the default's."""
    taken = np.zeros(np.broadcast_shapes(*[np.shape(c) for c in condlist]), dtype=bool)
    masks = []
    for c in condlist:
        masks.append(np.asarray(c) & ~taken)
        taken = taken | c
    masks.append(~taken)
    return masks


def select_choice_grad(g, condlist, choicelist):
    """Adjoints of the elements of ``choicelist`` in ``np.select(condlist, choicelist, default)``."""
    masks = select_masks(condlist)
    pieces = [unbroadcast(np.where(m, g, 0), c) for m, c in zip(masks, choicelist)]
    return type(choicelist)(pieces) if isinstance(choicelist, tuple) else pieces


def select_default_grad(g, condlist, default):
    """Adjoint of ``default`` in ``np.select(condlist, choicelist, default)``."""
    return unbroadcast(np.where(select_masks(condlist)[-1], g, 0), default)


def filled(a, where=True, value=0.0):
    """``a`` where ``where`` holds and ``value`` elsewhere (reductions' ``where=``); ``a`` itself for ``True``."""
    if where is True:
        return a
    return np.where(where, a, value)


def inverse(x):
    """``1 / x``, with a signed inf (not ZeroDivisionError) for a Python float 0."""
    try:
        return 1 / x
    except ZeroDivisionError:
        return np.divide(1.0, x)

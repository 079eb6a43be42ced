"""The core of the runtime: errors, and the helpers that generated code itself calls.

Generated code starts a gradient with ``seed`` (or checks a vjp's cotangent
with ``cotangent``), sums adjoints with ``add``, undoes broadcasting with
``unbroadcast``, updates adjoints of indexed values with ``add_at`` and
``zero_at``, and shapes its results with ``finalize``. The adjoints of those
helpers follow them (templates/runtime_helpers.py uses them, so that
generated code can itself be differentiated), then the functions the
normalizer calls for ndarray methods.

Adjoints follow three conventions:
- the Python float ``0.0`` is a valid zero adjoint for any float or array
  value (it broadcasts); ``finalize`` turns it into a properly shaped zero;
- the adjoint of a list or tuple is a list or tuple of the same length;
- helpers that take an adjoint "owned" by the generated code (``add_at``,
  ``zero_at``) may update it in place and return it.
"""
import numbers

import numpy as np

from s2s.runtime.trees import (entries, field_index, getfield, is_differentiable_leaf, is_differentiable_leaf_tree,
                               is_named, mismatch, rebuilt_like)


class S2SError(Exception):
    """Base class of every error s2s raises about the user's code."""


class NonScalarOutputError(S2SError, ValueError):
    """``grad`` of a function whose result is not a scalar."""


class ArgumentError(S2SError, TypeError):
    """Arguments of a transform or of a generated function are wrong."""


class ComplexOutputError(S2SError, TypeError):
    """``grad`` of a function whose result is complex, without ``holomorphic=True``."""


class ComplexInputError(S2SError, TypeError):
    """A rule that s2s has only for real arguments met a complex one."""


class ArrayLibraryError(S2SError, TypeError):
    """A primitive that the arguments' array library lacks (or a library s2s cannot run with)."""



def refuse_complex(x, what):
    """``x`` itself; raises ComplexInputError when ``x`` is complex (``what`` names the primitive)."""
    if np.iscomplexobj(x):
        raise ComplexInputError(
            "{}: s2s differentiates it for real arguments only, and this one is complex ({}). Write it "
            "with primitives that accept complex values (see the README, Complex numbers), or register "
            "a rule with @s2s.adjoint and @s2s.tangent.".format(what, np.result_type(x)))
    return x


class NoRuleError(S2SError):
    """A call to a function with no template and no Python source (or a derivative rule not written yet)."""


def is_complex_dtype(dtype):
    """Whether ``dtype`` (NumPy's, or another array library's through its namespace) is complex."""
    kind = getattr(dtype, "kind", None)
    return kind == "c" if kind is not None else np.issubdtype(dtype, np.complexfloating)


def may_hold(mask):
    """Whether the boolean array ``mask`` holds a True: NumPy's answer; True, without looking, for a
    lazy library (Dask), which would compute the mask to say (the caller then takes its general path)."""
    if type(mask).__module__ == "numpy":  # NumPy's own (also where ``np`` is another library's names)
        return bool(mask.any())
    if isinstance(mask, bool):
        return mask
    return True if getattr(np, "lazy", False) else bool(np.any(mask))



def chunks_of(x):
    """The chunks of ``x`` where ``np`` is a lazy library's names (Dask), else None: a value broadcast to
    the shape of ``x`` is then chunked like ``x`` (one chunk of the whole shape would be materialized)."""
    if type(x).__module__ == "numpy" or isinstance(x, (float, int, complex)):
        return None
    return getattr(x, "chunks", None) if getattr(np, "lazy", False) else None


def stop_gradient(x):
    """Return ``x`` unchanged; s2s treats the result as a constant."""
    return x


def is_container(x):
    return isinstance(x, (list, tuple))


def seed(ans, where="", of="", holomorphic=False):
    """The adjoint that starts a gradient: one, with the type of ``ans``.

    A complex ``ans`` needs ``holomorphic=True`` (the gradient is then f'(z)).
    """
    # the usual loss, NumPy's own float64 (``np`` is another library's in a helper re-made for it):
    # what the general path below returns, without its checks
    if type(ans).__name__ == "float64" and type(ans).__module__ == "numpy":
        return type(ans)(1.0)
    if is_container(ans) or is_named(ans) or np.ndim(ans) != 0:
        shape = "a {}".format(type(ans).__name__) if is_container(ans) or is_named(ans) else "shape {}".format(
            np.shape(ans))
        raise NonScalarOutputError(
            "{}: grad needs a scalar result, but {} returned {}. "
            "Use s2s.vjp or s2s.jacobian for non-scalar results, or reduce the "
            "result (for example with np.sum).".format(where, of or "the function", shape))
    if not holomorphic and np.iscomplexobj(ans):
        raise ComplexOutputError(
            "{}: grad needs a real result, but {} returned a complex value ({}). For a holomorphic function "
            "pass holomorphic=True (s2s.grad(f, holomorphic=True) gives f'(z)); otherwise differentiate a real "
            "function of it (np.abs, np.real, ...) or use s2s.vjp with a complex cotangent.".format(
                where, of or "the function", np.result_type(ans)))
    if isinstance(ans, np.ndarray):
        return np.ones_like(ans)
    if isinstance(ans, np.generic):
        return ans.dtype.type(1)
    return 1.0


def seed_unread(value, operands, where="", of="", holomorphic=False):
    """``seed(value(), ...)`` for a result of grad that nothing but ``seed`` reads, without computing it
    when its type is known: ``value`` computes it from ``operands``, NumPy arrays of real floats
    combined by reductions over all axes, elementwise real ufuncs and arithmetic with Python numbers
    (s2s/backend/unread.py checks that), so the result is a NumPy scalar of their result type."""
    for a in operands:
        if type(a).__name__ != "ndarray" or type(a).__module__ != "numpy" or a.dtype.kind != "f":
            return seed(value(), where, of, holomorphic)
    return np.result_type(*operands).type(1)


def cotangent(value, dout, where="", of=""):
    """Check that the cotangent ``dout`` passed to a vjp matches the result ``value``; return it."""
    if is_named(value) or (is_container(value) and (hasattr(value, "_fields") or _holds_named(value))):
        wrong = mismatch(value, dout)  # names the wrong entry: ['W'], .amp, [1]['b']
        if wrong:
            raise ArgumentError("{}: dout must have the structure of what {} returned: {}".format(where, of, wrong))
    if is_named(value):
        return {k: cotangent(v, getfield(dout, k), where, of) if is_differentiable_leaf_tree(v) else 0.0
                for k, v in entries(value)}
    if is_container(value):
        if not is_container(dout) or len(dout) != len(value):
            raise ArgumentError("{}: {} returned a {} of {} values, so dout must be a list or tuple of {} "
                                "cotangents, not {}".format(where, of, type(value).__name__, len(value),
                                                           len(value), _describe_value(dout)))
        return rebuilt(value, [cotangent(a, d, where, of) for a, d in zip(value, dout)])
    if is_container(dout) or np.shape(dout) != np.shape(value):
        raise ArgumentError("{}: {} returned a value of shape {}, so dout must have shape {}, not {}".format(
            where, of, np.shape(value), np.shape(value), _describe_value(dout)))
    return dout


def _holds_named(x):
    return is_named(x) or (is_container(x) and any(_holds_named(e) for e in x))


def _describe_value(x):
    if is_container(x):
        return "a {} of {}".format(type(x).__name__, len(x))
    return "shape {}".format(np.shape(x))


def zeros_like(x):
    """A zero adjoint shaped like the primal value ``x``."""
    if isinstance(x, list):
        return [zeros_like(e) for e in x]
    if isinstance(x, tuple):
        return rebuilt(x, [zeros_like(e) for e in x])
    if is_named(x):
        return {}  # missing entries are zero
    if isinstance(x, np.ndarray):
        return np.zeros(x.shape, dtype=float_dtype(x))
    if isinstance(x, np.generic):
        return np.dtype(float_dtype(x)).type(0)
    return 0.0


def zero_gradient(x):
    """The gradient of an argument the result does not depend on: zeros in its structure (a dict's
    float entries get zeros, its other entries None, as ``finalize`` gives them)."""
    return finalize(0.0, x) if is_named(x) or isinstance(x, (list, tuple)) else zeros_like(x)


def rejoins(entry, current):
    """Whether ``current`` (an array the reverse sweep of a checkpointed loop ends on: a copy of the
    loop's entry state) goes back into ``entry``, the array the loop began with, which the code before
    the loop and its views still hold: a writeable array of the same shape and dtype, another object."""
    return (isinstance(entry, np.ndarray) and isinstance(current, np.ndarray) and entry is not current
            and entry.shape == current.shape and entry.dtype == current.dtype and entry.flags.writeable)


def float_dtype(x):
    """The floating dtype an adjoint of ``x`` should have."""
    dtype = np.result_type(x)
    if np.issubdtype(dtype, np.inexact):
        return dtype
    return np.dtype(np.float64)


def add(a, b):
    """Sum two adjoints of the same primal value (containers elementwise)."""
    if isinstance(a, dict) or isinstance(b, dict):
        if is_zero(a) or is_zero(b):
            return b if is_zero(a) else a
        out = dict(a)
        for k, v in b.items():
            out[k] = add(out[k], v) if k in out else v
        return out
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return rebuilt(a, [add(x, y) for x, y in zip(a, b)])
    if isinstance(a, (list, tuple)):
        return a if is_zero(b) else rebuilt(a, [add(x, y) for x, y in zip(a, b)])
    if isinstance(b, (list, tuple)):
        return b if is_zero(a) else rebuilt(b, [add(x, y) for x, y in zip(a, b)])
    return a + b


def is_zero(x):
    return isinstance(x, float) and x == 0.0 and not isinstance(x, np.generic)


def unbroadcast(g, x):
    """Sum ``g`` over the axes along which ``x`` was broadcast.

    The result has the shape of ``x``, which is what the adjoint of a
    broadcasting operation must have.
    """
    shape = np.shape(x)
    gshape = np.shape(g)
    if gshape == shape:
        return g
    if not shape:
        return np.sum(g)
    extra = len(gshape) - len(shape)
    if extra > 0:
        g = np.sum(g, axis=tuple(range(extra)))
    elif extra < 0:  # align trailing axes: g (3,) against x (1, 3)
        g = np.reshape(g, (1,) * -extra + gshape)
    axes = tuple(i for i, (n, m) in enumerate(zip(shape, np.shape(g))) if n == 1 and m != 1)
    if axes:
        g = np.sum(g, axis=axes, keepdims=True)
    if np.shape(g) != shape:
        chunks = chunks_of(x)
        g = np.broadcast_to(g, shape) if chunks is None else np.broadcast_to(g, shape, chunks=chunks)
    return g


def unreduce(g, x, axis=None, keepdims=False):
    """Broadcast the adjoint of a reduction back to the reduced array's shape."""
    shape = np.shape(x)
    if axis is not None and not keepdims and np.ndim(g):   # a 0-d g (the zero of an unread value) broadcasts as is
        axes = axis if isinstance(axis, tuple) else (axis,)
        axes = sorted(a % len(shape) for a in axes)
        for a in axes:
            g = np.expand_dims(g, a)
    chunks = chunks_of(x)
    return np.broadcast_to(g, shape) if chunks is None else np.broadcast_to(g, shape, chunks=chunks)


def copy(x):
    """An independent copy of a primal value (arrays and containers)."""
    if isinstance(x, np.ndarray):
        return np.copy(x)
    if isinstance(x, list):
        return list(x)
    if isinstance(x, dict):
        return dict(x)
    return x


def detach(x):
    """A copy of ``x`` that no later in-place write can reach (arrays inside containers too)."""
    if isinstance(x, np.ndarray):
        return np.copy(x)
    if isinstance(x, (list, tuple)):
        return rebuilt(x, [detach(e) for e in x])
    if isinstance(x, dict):
        return {k: detach(v) for k, v in x.items()}
    return x


def snapshot(x):
    """Save a value that is about to be overwritten in place."""
    return np.copy(x) if isinstance(x, np.ndarray) else x


def is_basic_index(idx):
    """True when ``idx`` selects each element at most once."""
    items = idx if isinstance(idx, tuple) else (idx,)
    for item in items:
        if isinstance(item, (slice, numbers.Integral, type(None), type(Ellipsis))):
            continue
        if isinstance(item, np.ndarray) and (item.dtype == bool or np.issubdtype(item.dtype, np.bool_)):
            continue  # (the second test for another library's booleans: torch.bool is not bool)
        return False
    return True


def add_into(a, idx, v):
    """``a[idx] += v`` in place, repeated indices adding up; returns ``a``."""
    if is_basic_index(idx):
        a[idx] += v
    else:
        np.add.at(a, idx, v)
    return a


def complex_fit(a, x, v):
    """``(a, v)`` ready for ``a[idx] += v``, ``a`` being an array adjoint (or tangent) of ``x``.

    A complex ``v`` into a real ``a``: the adjoint of a real ``x`` keeps the real part
    (the imaginary one pairs with nothing; see finalize), that of a complex ``x``
    becomes complex.
    """
    if not is_complex_dtype(a.dtype) and np.iscomplexobj(v):
        if np.iscomplexobj(x):
            return a.astype(np.result_type(a, v)), v
        return a, np.real(v)
    return a, v


def add_at(x_bar, x, idx, v):
    """Add ``v`` into ``x_bar[idx]`` and return ``x_bar`` (in place for arrays and lists).

    ``x_bar`` is the adjoint of ``x``; when it is still the scalar zero, a
    zero adjoint shaped like ``x`` is made first.
    """
    if is_zero(x_bar):
        x_bar = zeros_like(x)
    if isinstance(x_bar, dict):
        x_bar[idx] = add(x_bar[idx], v) if idx in x_bar else v
        return x_bar
    if isinstance(idx, str) and hasattr(x, "_fields"):
        idx = field_index(x, idx)
    if isinstance(x_bar, np.ndarray):
        x_bar, v = complex_fit(x_bar, x, v)
        return add_into(x_bar, idx, v)
    if isinstance(x_bar, list):
        if len(x_bar) < len(x):  # the list grew back (a pop's adjoint): pad with zeros
            x_bar.extend(zeros_like(e) for e in x[len(x_bar):])
        if isinstance(idx, slice):
            for k, item in zip(range(*idx.indices(len(x_bar))), v):
                x_bar[k] = add(x_bar[k], item)
        else:
            x_bar[idx] = add(x_bar[idx], v)
        return x_bar
    if isinstance(x_bar, tuple):
        return tuple(add_at(list(x_bar), x, idx, v))
    raise TypeError("cannot index an adjoint of type {}".format(type(x_bar).__name__))


def zero_at(x_bar, idx):
    """Set ``x_bar[idx]`` to zero and return ``x_bar`` (in place)."""
    if is_zero(x_bar):
        return x_bar
    if isinstance(x_bar, dict):
        x_bar.pop(idx, None)
        return x_bar
    if isinstance(x_bar, list):
        if isinstance(idx, slice):
            for k in range(*idx.indices(len(x_bar))):
                x_bar[k] = 0.0
        elif -len(x_bar) <= idx < len(x_bar):  # a shorter adjoint is zero past its end
            x_bar[idx] = 0.0
        return x_bar
    x_bar[idx] = 0
    return x_bar


def appended(lst_bar, lst):
    """The adjoint of the value appended last to ``lst``."""
    if is_zero(lst_bar) or len(lst_bar) < len(lst):
        return 0.0
    return lst_bar[len(lst) - 1]


def shrunk(lst_bar, lst):
    """``lst_bar`` without its entries past the end of ``lst``: once the adjoint sweep has undone an
    append (popped the value), the list's adjoint is as long as the list again, so that ``lst[-1]``
    and ``lst[-2:]`` pick the same positions in both."""
    if isinstance(lst_bar, (list, tuple)) or isinstance(lst_bar, np.ndarray) and lst_bar.ndim > 0:
        if len(lst_bar) > len(lst):
            return lst_bar[:len(lst)]
    return lst_bar


def grown(g, like):
    """``g`` padded with zeros to the length of ``like`` (the adjoint of ``shrunk``)."""
    if is_zero(g) or len(g) >= len(like):
        return g
    if isinstance(g, np.ndarray):
        return np.concatenate([g, np.zeros_like(like[len(g):])])
    rest = [zeros_like(e) for e in like[len(g):]]
    return type(g)(list(g) + rest) if isinstance(g, tuple) else list(g) + rest


def read_at(x_bar, idx, like=None):
    """The adjoint of the values written by ``x[idx] = v``: ``x_bar[idx]``.

    With repeated integer indices only the last write survives, so only its
    position receives the adjoint. A dict's tangent or adjoint holds only its
    nonzero entries: a missing one is 0.0, or zeros shaped like ``like`` (the
    entry's value, which a tangent must match: ``x_dot @ W`` needs an array).
    """
    if is_zero(x_bar) or isinstance(x_bar, dict) and idx not in x_bar:
        return 0.0 if like is None else zeros_like(like)
    if isinstance(x_bar, dict):
        return x_bar[idx]
    g = x_bar[idx]
    if isinstance(x_bar, np.ndarray):
        if is_basic_index(idx):
            # a view: the zero_at that follows the read must not reach it
            return np.copy(g) if isinstance(g, np.ndarray) else g
        position = np.arange(np.size(g)).reshape(np.shape(g))
        owner = np.full(x_bar.shape, -1)
        owner[idx] = position
        g = np.where(owner[idx] == position, g, 0)
    return g


def real_part(g):
    """``g`` without its imaginary part, when it has one (the gradient of a real value is real)."""
    if isinstance(g, complex) or (isinstance(g, (np.ndarray, np.generic)) and is_complex_dtype(g.dtype)):
        return np.real(g)
    return g


def finalize(g, x):
    """Turn an adjoint into the gradient of ``x``: same structure, shape and float dtype.

    The gradient of a real ``x`` is the real part of its adjoint: adjoints of real
    values may carry an imaginary part from complex operations (``x * 1j``), which
    the pairing ``Re(x_bar * x_dot)`` ignores (see templates/README.md). In a dict
    or record, and for the str, None and other objects in lists and tuples, the
    entries that are not floating-point get ``None``.
    """
    if type(g) is np.ndarray and type(x) is np.ndarray and g.dtype == x.dtype \
            and getattr(g.dtype, "kind", "") in ("f", "c") and g.shape == x.shape:
        return g  # already the gradient: what the general path below returns, without its checks
    if is_named(x):
        g = {} if is_zero(g) else g
        return rebuilt_like(x, {k: _finalize_entry(getfield(g, k), v) for k, v in entries(x)})
    if isinstance(x, (list, tuple)):
        if is_zero(g):
            g = [0.0] * len(x)
        elif isinstance(g, dict):  # a named tuple read by field names
            g = [g.get(name, 0.0) for name in x._fields]
        return rebuilt(x, [finalize(gi, xi) if not _opaque(xi) else None for gi, xi in zip(g, x)])
    if is_zero(g):
        return zeros_like(x)
    dtype = float_dtype(x)
    if not is_complex_dtype(dtype):
        g = real_part(g)
    if isinstance(x, np.ndarray):
        g = np.asarray(g, dtype=dtype)
        if g.shape != x.shape:
            g = np.copy(np.broadcast_to(g, x.shape))
        return g
    if isinstance(x, np.generic):
        return np.dtype(dtype).type(g)
    if isinstance(x, float) and np.ndim(g) == 0:
        return float(g)
    if isinstance(x, complex) and np.ndim(g) == 0:
        return complex(g)
    if isinstance(g, np.ndarray):
        return g[()] if g.ndim == 0 else g
    return g


def _finalize_entry(g, x):
    if isinstance(x, (list, tuple, dict)) or is_named(x) or is_differentiable_leaf(x):
        return finalize(g, x)
    return None


def _opaque(x):
    """A value with no gradient at all, even a zero: a string, None or some other object."""
    return not isinstance(x, (list, tuple, dict, int, float, complex, np.ndarray, np.generic)) and not is_named(x)


def broadcast_like(g, x):
    """``g`` fitted to the structure and shape of ``x``: summed over axes ``x`` lacks, broadcast over the rest.

    A fresh array (never a read-only view). Containers go elementwise; a value
    fitted to a container is fitted to each element, a container fitted to a
    value is summed. The map is linear and ``broadcast_like(., g)`` is its transpose.
    """
    if isinstance(g, dict) or is_named(x):
        if not isinstance(g, dict):
            return {}
        return {k: broadcast_like(v, getfield(x, k)) for k, v in g.items()}
    if is_container(x):
        if is_container(g):
            return rebuilt(x, [broadcast_like(gi, xi) for gi, xi in zip(g, x)])
        return rebuilt(x, [broadcast_like(g, xi) for xi in x])
    if is_container(g):
        return sum((broadcast_like(gi, x) for gi in g), broadcast_like(0.0, x))
    shape, g = np.shape(x), np.asarray(g)
    if g.ndim < len(shape):
        g = np.reshape(g, (1,) * (len(shape) - g.ndim) + g.shape)
    extra = g.ndim - len(shape)
    axes = tuple(range(extra)) + tuple(extra + i for i, n in enumerate(shape) if n == 1 and g.shape[extra + i] != 1)
    if axes:
        g = np.sum(g, axis=axes, keepdims=True)
    g = np.reshape(g, g.shape[extra:])
    out = np.array(np.broadcast_to(g, shape), dtype=np.result_type(g, float_dtype(x)))
    return out if shape or isinstance(x, np.ndarray) else out[()]


def unreduce_grad(h, g, axis=None, keepdims=False):
    """Adjoint of ``g`` in ``unreduce(g, x, axis, keepdims)``: ``h`` summed back over the reduced axes."""
    shape = np.shape(g)
    if axis is not None and not keepdims:
        axes = axis if isinstance(axis, tuple) else (axis,)
        ndim = np.ndim(h)
        full = list(shape)
        for a in sorted(a % ndim for a in axes):
            full.insert(a, 1)
        return np.reshape(broadcast_like(h, np.empty(full)), shape)
    return broadcast_like(h, g)


def unread_at(g, x_bar, idx):
    """Adjoint of ``x_bar`` in ``read_at(x_bar, idx)``: ``g`` written at ``idx`` into zeros (the last write wins)."""
    if is_zero(x_bar):
        return 0.0
    out = zeros_like(x_bar)
    if isinstance(out, tuple):
        out = list(out)
    out[idx] = g
    return type(x_bar)(out) if isinstance(x_bar, tuple) else out


def unappended(g, lst_bar, lst):
    """Adjoint of ``lst_bar`` in ``appended(lst_bar, lst)``: ``g`` at the last element, zeros elsewhere."""
    if is_zero(lst_bar):
        return 0.0
    # the adjoint of a list may be an array (np.asarray(lst), a ufunc of the list, made it one)
    out = zeros_like(lst_bar) if isinstance(lst_bar, np.ndarray) else list(zeros_like(lst_bar))
    if len(lst_bar) >= len(lst):
        out[len(lst) - 1] = g
    return out if isinstance(lst_bar, (np.ndarray, list)) else type(lst_bar)(out)


# Functions that the normalizer calls for ndarray methods (see templates/methods.py).
def flatten(a, order="C"):
    """``a.flatten(order)``: a flat copy."""
    return np.asarray(a).flatten(order)


def astype(x, dtype, order="K", casting="unsafe", subok=True, copy=True):
    """``x.astype(dtype, ...)``."""
    if not isinstance(x, (np.ndarray, np.generic)):
        x = np.asarray(x)
    return x.astype(dtype, order=order, casting=casting, subok=subok, copy=copy)


def item(a, index=None):
    """``a.item()`` or ``a.item(index)``."""
    return a.item() if index is None else a.item(index)


def rebuilt(x, items):
    """A list or tuple of the type of ``x`` holding ``items`` (NumPy's named tuples, such as eigh's, too)."""
    return type(x)(*items) if hasattr(x, "_fields") else type(x)(items)


def unshared(value, others, method, where="", text=""):
    """``value``, after checking that ``value op= ...`` (``method`` is ``"__iadd__"``, ...) makes a new
    object and changes none that a name in ``others`` holds too: s2s reads it as a new value."""
    if isinstance(value, np.generic) and any(other is value for other in others):
        # s2s computes a NumPy scalar where the function itself may hold a 0-d array (an in-place
        # update in a helper keeps one), which op= changes in place for both names
        raise S2SError(
            "{}: `{}`: another name holds this NumPy scalar too, and where the function holds a 0-d "
            "array instead, this changes both in place, which s2s does not follow. Write a new value "
            "(`x = x + ...` instead of `x += ...`).".format(where, text))
    if getattr(type(value), method, None) is None:
        return value  # numbers and tuples: op= makes a new object
    for other in others:
        if _holds(other, value, 3):
            raise S2SError(
                "{}: `{}`: this changes in place a {} that another name holds too, and s2s reads it as a "
                "new value, so its derivative would be wrong. Write a new value (`x = x + ...` instead of "
                "`x += ...`), or copy first (`x = y.copy()`) if only this name should change.".format(
                    where, text, type(value).__name__))
    return value


def apart(value, whole, region, where="", text=""):
    """``value``, after checking that ``whole[...] = value`` (``region`` is ``whole[...]``) gives what it
    would give if ``value`` were copied first. Where ``value`` is a view that overlaps the written part,
    NumPy may copy element by element, overwriting what it has still to read (``y[:, 2] = y[1]``), or
    not (``y[0:2] = y[1:3]``, a forward copy); s2s's derivative assumes the copy, so the write is tried
    first on distinct numbers laid out as ``region`` and ``value`` are."""
    if not (isinstance(value, np.ndarray) and isinstance(whole, np.ndarray) and np.shares_memory(value, whole)):
        return value
    if not (isinstance(region, np.ndarray) and np.shares_memory(region, whole)):
        region = None  # an advanced index: NumPy's write is not a copy into a view; all of whole counts
    if np.shares_memory(value, whole if region is None else region) \
            and (region is None or not _copies_first(value, region)):
        raise S2SError(
            "{}: `{}`: the value is a view of the array this line writes into, and the two overlap: NumPy "
            "then copies element by element, overwriting what it has still to read, and s2s cannot "
            "differentiate that. Copy the value first (`... = (...).copy()`) if the old values are "
            "meant.".format(where, text))
    return value


def _span(a):
    """(first byte, one past the last byte) of the memory ``a`` reads."""
    start = a.__array_interface__["data"][0]
    low = sum(s * (n - 1) for s, n in zip(a.strides, a.shape) if s < 0 and n)
    high = sum(s * (n - 1) for s, n in zip(a.strides, a.shape) if s > 0 and n)
    return start + low, start + high + a.itemsize


def _copies_first(value, region):
    """Whether NumPy's copy of ``value`` into the view ``region`` writes the old values of ``value``:
    tried on distinct numbers in memory laid out as theirs."""
    spans = [_span(value), _span(region)]
    low, high = min(s[0] for s in spans), max(s[1] for s in spans)
    size = region.itemsize
    if value.dtype != region.dtype or (high - low) % size or value.size == 0:
        return False
    numbers = np.arange((high - low) // size).astype(region.dtype)

    def laid_out(a):
        return np.ndarray(a.shape, a.dtype, buffer=numbers, offset=a.__array_interface__["data"][0] - low,
                          strides=a.strides)

    try:
        target, source = laid_out(region), laid_out(value)
    except (TypeError, ValueError):
        return False
    old = np.broadcast_to(source.copy(), target.shape)
    target[...] = source
    return bool(np.array_equal(target, old))


def _holds(other, value, depth):
    """Whether ``other`` is ``value``, shares its memory, or holds it (in lists, tuples, dicts and the
    attributes of objects, ``depth`` deep)."""
    if other is value or (isinstance(value, np.ndarray) and isinstance(other, np.ndarray)
                          and np.may_share_memory(value, other)):
        return True
    if not depth or isinstance(other, (np.ndarray, np.generic, numbers.Number, str)):
        return False
    if isinstance(other, (list, tuple)):
        return any(_holds(item, value, depth - 1) for item in other)
    if isinstance(other, dict):
        return any(_holds(item, value, depth - 1) for item in other.values())
    fields = getattr(other, "__dict__", None)
    return isinstance(fields, dict) and any(_holds(item, value, depth - 1) for item in fields.values())

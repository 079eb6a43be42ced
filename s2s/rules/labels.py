"""Declarations used by the template files in ``templates/``.

A template is a plain Python function that states the mathematics of one
primitive; the decorators below only label it. Nothing is registered as a side
effect: the template engine (``s2s.rules.templates``) reads the labels when it loads
the template files and builds a read-only registry from them.

Forms (the template's positional parameters are the primitive's own
parameters, with the primitive's defaults; see templates/README.md):

``@adjoint(*primitives, wrt=None, unbroadcast=False)``
    ``def f(<params>, *, ans, ans_bar)`` returns one expression per name in
    ``wrt`` (a tuple when there are several): the adjoint contribution to that
    parameter. ``ans`` is the primitive's result, ``ans_bar`` its adjoint.
    ``wrt`` defaults to the positional parameters without defaults.
    ``unbroadcast=True`` asks the engine to sum each contribution back to its
    parameter's shape (for operations that broadcast their inputs).

``@elementwise(*primitives, singular=False)``
    ``def f(x, ans)`` returns d ans / d x for a one-argument elementwise
    function; both the adjoint (``ans_bar * f``) and the tangent
    (``x_dot * f``) follow from it. ``singular=True`` (derivatives that are
    infinite or NaN somewhere: ``log`` at 0, ``sqrt`` at 0) makes the adjoint
    ``absorb_zeros(ans_bar, ans_bar * f)``: a zero adjoint stays zero, so
    the branch that ``np.where`` drops leaks no NaN into the gradient.

``@linear(*primitives, wrt=None, unbroadcast=False)``
    An adjoint template (form as ``@adjoint``) of a function that is linear in
    its ``wrt`` parameters; its tangent is the function applied to tangents.

``@tangent(*primitives, wrt=None, broadcast=False)``
    ``def f(<params>, *, ans, <p>_dot for each p in wrt)`` returns the tangent
    of the result: one expression, a sum of terms each linear in one ``p_dot``.
    For a parameter that is not active at a call site the engine drops the
    terms of its tangent (a zero), so write ``p_dot`` as a factor of ``*``,
    ``@``, the numerator of ``/`` or under unary ``-`` where you can; any
    other use gets ``zeros_like(p)``. ``wrt`` must match the adjoint's.
    ``broadcast=True`` says the result has the shape of ``ans`` only when
    every operand contributes (binary ufuncs): the engine then broadcasts a
    tangent with dropped terms to the shape of ``ans``. Elementwise and
    linear primitives need no tangent template.

``@batched(*primitives, wrt=None)``
    The tangent for many seeds at once (``s2s.jvp(f, batch=True)``): the form
    of ``@tangent`` plus the keyword-only ``batch`` (the number of seeds k),
    with each ``<p>_dot`` carrying a leading axis of seeds (shape
    ``(k,) + p's shape``, or the Python ``0.0`` that is zero for every seed)
    and the result carrying it too. Elementwise tangents need none; a
    primitive without one runs seed by seed. ``wrt`` must match the adjoint's.

``NONDIFFERENTIABLE = (...)`` at module level lists primitives whose results
are constants (integer outputs, comparisons, shape queries).
"""
import dataclasses


@dataclasses.dataclass(frozen=True)
class Label:
    """What a template decorator says about a template function."""

    kind: str  # "adjoint" | "elementwise" | "linear" | "tangent" | "batched"
    primitives: tuple
    wrt: tuple = None
    unbroadcast: bool = False  # for "tangent": broadcast the result to ans
    singular: bool = False  # for "elementwise": a zero adjoint times inf/NaN stays zero


def _label(kind, primitives, wrt=None, unbroadcast=False, singular=False):
    if not primitives:
        raise TypeError("a template must name at least one primitive")
    if isinstance(wrt, str):
        wrt = (wrt,)

    def decorate(fn):
        labels = getattr(fn, "__s2s_labels__", ())
        fn.__s2s_labels__ = labels + (Label(kind, tuple(primitives), wrt, unbroadcast, singular),)
        return fn

    return decorate


def adjoint(*primitives, wrt=None, unbroadcast=False):
    """Label an adjoint template of ``primitives``."""
    return _label("adjoint", primitives, wrt, unbroadcast)


def elementwise(*primitives, singular=False):
    """Label the derivative of one-argument elementwise ``primitives``."""
    return _label("elementwise", primitives, singular=singular)


def linear(*primitives, wrt=None, unbroadcast=False):
    """Label the adjoint template of ``primitives`` that are linear in ``wrt``."""
    return _label("linear", primitives, wrt, unbroadcast)


def tangent(*primitives, wrt=None, broadcast=False):
    """Label a tangent (forward-mode) template of ``primitives``."""
    return _label("tangent", primitives, wrt, broadcast)


def batched(*primitives, wrt=None):
    """Label a batched tangent template of ``primitives`` (all seeds at once)."""
    return _label("batched", primitives, wrt)

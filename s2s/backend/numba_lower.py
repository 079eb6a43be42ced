"""Lower generated functions to what Numba's nopython mode types (``compile="numba"``).

Numba gives every variable one type. Generated code starts the adjoint of a
value that a reverse loop accumulates with the Python zero (``W_bar = 0.0``,
then ``W_bar = W_bar + h.T @ g`` in the loop): a float that becomes an array.
For Numba the preset becomes ``W_bar = zeros_like(W)``, zeros of the primal's
shape and float type, wherever ``W`` is a parameter or a value assigned before
the preset at the function's top level. The numbers are the same (0 + a = a,
and ``finalize`` gives a gradient of the argument's shape either way).

Numba has no ``reversed``, and a generator standing in for it costs some
nanoseconds per iteration, so adjoint loops run on indices:
``for a, b in reversed(ab_stack):`` becomes
``for i in range(len(ab_stack) - 1, -1, -1):`` with ``a, b = ab_stack[i]``
first in its body, and ``reversed(range(n))`` becomes ``range(n - 1, -1, -1)``
(``s2s/backend/numba_compile.py`` binds ``reversed`` to a compiled stand-in
for whatever other use remains).

Sums of matrix products become ``add_product`` calls, which compiled code
writes into the sum's array with one BLAS call (s2s/backend/numba_products.py).

Requires: the generated FunctionDefs (gast) and their bindings.
Leaves: new FunctionDefs (the given ones are not changed) and the bindings,
with ``zeros_like`` bound to ``s2s.runtime.zeros_like`` and ``add_product`` to
``numba_products.add_product`` when they are used.
"""
import copy

import gast

from s2s.backend import numba_products
from s2s.common import astutil as A
from s2s.runtime import zeros_like

_SUFFIX = "_bar"
_HELPER = "zeros_like"


def lower(functions, bindings):
    """``(functions, bindings)`` with typed zero presets, for Numba."""
    bindings = dict(bindings)
    if bindings.get(_HELPER, zeros_like) is not zeros_like:
        return list(functions), bindings  # the name means something else here: leave the presets
    products = bindings.get(numba_products.HELPER, numba_products.add_product) is numba_products.add_product
    out, used, summed = [], False, False
    for fn in functions:
        fn = _reversed_loops(fn, A.all_names(fn))
        fn, changed = _typed_presets(fn)
        if products:
            fn, rewritten = numba_products.rewrite(fn)
            summed = summed or rewritten
        out.append(fn)
        used = used or changed
    if used:
        bindings[_HELPER] = zeros_like
    if summed:
        bindings[numba_products.HELPER] = numba_products.add_product
    return out, bindings


def _reversed_loops(fn, names):
    """``fn`` with its loops over ``reversed(stack)`` and ``reversed(range(n))`` on indices."""
    def rewrite(block):
        out = []
        for stmt in block:
            for field in ("body", "orelse"):
                if isinstance(getattr(stmt, field, None), list) and getattr(stmt, field):
                    stmt = copy.copy(stmt)
                    setattr(stmt, field, rewrite(getattr(stmt, field)))
            if isinstance(stmt, gast.For) and not stmt.orelse:
                stmt = _on_indices(stmt, names) or stmt
            out.append(stmt)
        return out

    body = rewrite(fn.body)
    fn = copy.copy(fn)
    fn.body = body
    return fn


def _on_indices(loop, names):
    """The loop ``loop`` on indices, or None when it does not iterate over ``reversed(...)`` of a name or range."""
    it = loop.iter
    if not (isinstance(it, gast.Call) and isinstance(it.func, gast.Name) and it.func.id == "reversed"
            and len(it.args) == 1 and not it.keywords):
        return None
    seq = it.args[0]
    if isinstance(seq, gast.Call) and isinstance(seq.func, gast.Name) and seq.func.id == "range" \
            and len(seq.args) == 1 and not seq.keywords:
        loop = copy.copy(loop)
        loop.iter = A.call(A.name("range"), [gast.BinOp(left=seq.args[0], op=gast.Sub(), right=A.const(1)),
                                               A.const(-1), A.const(-1)])
        return loop
    if not isinstance(seq, gast.Name):
        return None
    index = _fresh("i", names)
    loop = copy.copy(loop)
    length = A.call(A.name("len"), [A.name(seq.id)])
    loop.iter = A.call(A.name("range"), [gast.BinOp(left=length, op=gast.Sub(), right=A.const(1)), A.const(-1),
                                         A.const(-1)])
    item = gast.Subscript(value=A.name(seq.id), slice=A.name(index), ctx=gast.Load())
    loop.body = [A.assign(loop.target, item)] + loop.body
    loop.target = A.name(index, "store")
    return loop


def _fresh(base, names):
    n = 1
    while "{}{}".format(base, n) in names:
        n += 1
    name = "{}{}".format(base, n)
    names.add(name)
    return name


def _typed_presets(fn):
    known = {a.id for a in fn.args.args + fn.args.kwonlyargs if isinstance(a, gast.Name)}
    if _HELPER in known:
        return fn, False
    body, changed = [], False
    for stmt in fn.body:
        primal = _zero_preset(stmt)
        if primal is not None and primal in known:
            stmt = copy.copy(stmt)
            stmt.value = A.call(A.name(_HELPER), [A.name(primal)])
            changed = True
        body.append(stmt)
        if isinstance(stmt, gast.Assign):
            for target in stmt.targets:
                known |= {n for n in A.names_stored(target)}
    if not changed:
        return fn, False
    fn = copy.copy(fn)
    fn.body = body
    return fn, True


def _zero_preset(stmt):
    """``x`` for ``x_bar = 0.0``, else None."""
    if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name)):
        return None
    name = stmt.targets[0].id
    value = stmt.value
    if not (name.endswith(_SUFFIX) and len(name) > len(_SUFFIX) and isinstance(value, gast.Constant)
            and type(value.value) is float and value.value == 0.0):
        return None
    return name[:-len(_SUFFIX)]

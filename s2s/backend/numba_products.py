"""Sums of matrix products as one BLAS call for compiled derivatives (``compile="numba"``).

The adjoint sweep of a loop adds a product into a weight's adjoint at every
step (``W_bar = W_bar + h.T @ g``), and forward code adds products
(``x @ Wx + h @ Wh``). Compiled as written, each such line allocates the
product, then allocates the sum and reads both arrays once more. BLAS's gemm
adds a product into an existing matrix in place (``C = A @ B + 1 * C``): under
Numba, ``add_product(total, a, b)`` does that when ``total`` is a C-contiguous
float matrix of the product's shape and ``a``, ``b`` are contiguous float
matrices of its type (s2s/backend/numba_gemm.py); in every other case, and
always in plain Python, it is ``total + a @ b``.

``rewrite(fn)`` takes a generated FunctionDef (gast, after the typed presets of
s2s/backend/numba_lower.py) and gives a new one (the given one is not changed)
where

- ``N = N + X @ Y`` becomes ``N = add_product(N, X, Y)`` for an *accumulator*
  ``N``: a local, not a parameter, given a fresh value at the top level (a
  number or ``zeros_like(...)``), whose every other store is such a sum and
  which is read nowhere else but in ``return`` statements; ``X`` and ``Y`` do
  not read ``N``. No other name can then hold ``N``'s array, so writing into it
  changes nothing but ``N``.
- ``X @ Y + Z @ W`` becomes ``add_product(X @ Y, Z, W)``: the left product is
  a new array that no name holds.

The operands are evaluated in the order they were. Requires: the names
``add_product`` unused by the function. Leaves: the rewritten FunctionDef and
whether it calls ``add_product``.
"""
import copy

import gast

from s2s.common import astutil as A

HELPER = "add_product"


def add_product(total, a, b):
    """``total + a @ b`` (compiled code writes the sum into ``total`` where it can: s2s/backend/numba_gemm.py)."""
    return total + a @ b


def rewrite(fn):
    """``(fn with its sums of products as add_product calls, whether any was rewritten)``."""
    if HELPER in A.all_names(fn):
        return fn, False
    accumulators = _accumulators(fn)
    changed = [False]

    def block(stmts):
        out = []
        for stmt in stmts:
            new = _statement(stmt, accumulators, block)
            changed[0] = changed[0] or new is not stmt
            out.append(new)
        return out

    body = block(fn.body)
    if not changed[0]:
        return fn, False
    fn = copy.copy(fn)
    fn.body = body
    return fn, True


def _statement(stmt, accumulators, block):
    """``stmt`` rewritten (a copy), or ``stmt`` itself when nothing in it changes."""
    if isinstance(stmt, gast.FunctionDef):
        return stmt  # a nested function: its own names
    fields = {}
    for field in ("body", "orelse", "finalbody"):
        stmts = getattr(stmt, field, None)
        if isinstance(stmts, list) and stmts and isinstance(stmts[0], gast.stmt):
            new = block(stmts)
            if any(a is not b for a, b in zip(new, stmts)):
                fields[field] = new
    if isinstance(stmt, gast.Assign):
        update = _update(stmt)
        if update is not None and update[0] in accumulators:
            name, product = update
            value = A.call(A.name(HELPER), [A.name(name), _summed(A.deepcopy(product.left)),
                                            _summed(A.deepcopy(product.right))])
            fields["value"] = value
        elif _has_product_sum(stmt.value):
            fields["value"] = _summed(A.deepcopy(stmt.value))
    elif isinstance(stmt, (gast.Return, gast.Expr, gast.AugAssign)) and stmt.value is not None \
            and _has_product_sum(stmt.value):
        fields["value"] = _summed(A.deepcopy(stmt.value))
    if not fields:
        return stmt
    stmt = copy.copy(stmt)
    for field, value in fields.items():
        setattr(stmt, field, value)
    return stmt


def _is_product(node):
    return isinstance(node, gast.BinOp) and isinstance(node.op, gast.MatMult)


def _is_product_sum(node):
    return isinstance(node, gast.BinOp) and isinstance(node.op, gast.Add) and _is_product(node.left) \
        and _is_product(node.right)


def _has_product_sum(node):
    return any(_is_product_sum(n) for n in A.walk(node))


def _summed(node):
    """``node`` (a copy the caller owns) with each ``X @ Y + Z @ W`` in it as ``add_product(X @ Y, Z, W)``."""
    if _is_product_sum(node):
        right = node.right
        return A.call(A.name(HELPER), [_summed(node.left), _summed(right.left), _summed(right.right)])
    if isinstance(node, (gast.Lambda, gast.FunctionDef)):
        return node
    A.replace_children(node, _summed, leaves=False)
    return node


def _update(stmt):
    """``(N, X @ Y)`` for ``N = N + X @ Y`` where neither X nor Y reads N, else None."""
    if not (len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name)):
        return None
    name, value = stmt.targets[0].id, stmt.value
    if not (isinstance(value, gast.BinOp) and isinstance(value.op, gast.Add) and isinstance(value.left, gast.Name)
            and value.left.id == name and _is_product(value.right)):
        return None
    if name in A.all_names(value.right):
        return None
    return name, value.right


def _fresh(value):
    """Whether ``value`` is a new value no other name holds: a number or ``zeros_like(...)``."""
    if isinstance(value, gast.Constant):
        return type(value.value) in (int, float)
    return (isinstance(value, gast.Call) and isinstance(value.func, gast.Name) and value.func.id == "zeros_like"
            and len(value.args) == 1 and not value.keywords)


def _accumulators(fn):
    """The names of ``fn`` that ``N = N + X @ Y`` may write into (the module docstring's conditions)."""
    args = fn.args
    params = {a.id for a in list(args.posonlyargs) + args.args + args.kwonlyargs + [args.vararg, args.kwarg]
              if isinstance(a, gast.Name)}
    candidates = set()
    allowed = set()  # the Name nodes (by id) that the conditions allow
    for stmt in fn.body:
        if A.assigned_name(stmt) is not None and _fresh(stmt.value):
            candidates.add(stmt.targets[0].id)
            allowed.add(id(stmt.targets[0]))
    candidates -= params
    for node in A.walk(fn):
        if node is not fn and isinstance(node, (gast.FunctionDef, gast.Lambda)):
            candidates -= A.all_names(node)  # a closure could hold the array
    if not candidates:
        return frozenset()
    for stmt in A.statements(fn.body):
        if isinstance(stmt, gast.Return):
            allowed |= {id(n) for n in A.name_nodes(stmt)}
        elif isinstance(stmt, gast.Assign) and _update(stmt) is not None:
            allowed |= {id(stmt.targets[0]), id(stmt.value.left)}
    for node in A.name_nodes(fn):
        if node.id in candidates and id(node) not in allowed:
            candidates.discard(node.id)
    return frozenset(candidates)

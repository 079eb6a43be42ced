"""Sparse Jacobians and Hessians: pattern detection, coloring, compressed evaluation.

Patterns and colorings need NumPy alone; ``sparse_jacobian`` and
``sparse_hessian`` return scipy.sparse matrices and need SciPy
(``pip install 's2s[sparse]'``). Without SciPy the patterns are ``Pattern``
objects (s2s.sparse.pattern, NumPy only). The detection and coloring modules
are imported on first use, so ``import s2s`` stays light. The functions are
documented in ``s2s.sparse.api``.

Takes a function and argument shapes; returns patterns, colorings and sparse
matrices. Sits on top of ``s2s.api`` (it evaluates with ``s2s.jvp``, ``vjp`` and
``hvp``) and may import every stage below it.
"""
from s2s.sparse.pattern import Pattern


def _api():
    from s2s.sparse import api

    return api


def jacobian_sparsity(f, *args, wrt=0, local=False, **kwargs):
    """Boolean pattern (out.size by x.size) of the Jacobian of ``f`` at these argument shapes.

    A scipy.sparse CSR matrix, or an ``s2s.sparse.Pattern`` (``row``,
    ``col``, ``shape``, ``nnz``, ``toarray()``) when SciPy is not installed.
    """
    return _api().jacobian_sparsity(f, *args, wrt=wrt, local=local, **kwargs)


def hessian_sparsity(f, *args, wrt=0, local=False, **kwargs):
    """Boolean pattern (x.size by x.size) of the Hessian of the scalar ``f`` (as ``jacobian_sparsity``)."""
    return _api().hessian_sparsity(f, *args, wrt=wrt, local=local, **kwargs)


def sparse_jacobian(f=None, wrt=0, mode="forward", *, sparsity=None, local=False):
    """``g(*args)`` -> the Jacobian of ``f`` as a scipy.sparse matrix; ``g.colors(*args)``. Needs SciPy."""
    return _api().sparse_jacobian(f, wrt, mode, sparsity=sparsity, local=local)


def sparse_hessian(f=None, wrt=0, *, sparsity=None, local=False):
    """``h(*args)`` -> the Hessian of the scalar ``f`` as a scipy.sparse matrix; ``h.colors(*args)``. Needs SciPy."""
    return _api().sparse_hessian(f, wrt, sparsity=sparsity, local=local)


__all__ = ["Pattern", "jacobian_sparsity", "hessian_sparsity", "sparse_jacobian", "sparse_hessian"]

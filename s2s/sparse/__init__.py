"""Sparse Jacobians and Hessians: pattern detection, coloring, compressed evaluation.

Needs SciPy (``pip install 's2s[sparse]'``). See ``s2s.sparse.api``.
"""
from s2s.sparse.api import hessian_sparsity, jacobian_sparsity, sparse_hessian, sparse_jacobian

__all__ = ["jacobian_sparsity", "hessian_sparsity", "sparse_jacobian", "sparse_hessian"]

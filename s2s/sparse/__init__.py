"""Sparse Jacobians and Hessians: pattern detection, coloring, compressed evaluation.

Needs SciPy (``pip install 's2s[sparse]'``); it is imported on first use, so
``import s2s`` works without it. The functions are documented in
``s2s.sparse.api``.
"""


def _api():
    import importlib.util

    if importlib.util.find_spec("scipy") is None:
        raise ImportError("s2s's sparse Jacobians and Hessians need SciPy: pip install 's2s[sparse]'")
    from s2s.sparse import api

    return api


def jacobian_sparsity(f, *args, wrt=0, local=False, **kwargs):
    """Boolean scipy.sparse pattern (out.size by x.size) of the Jacobian of ``f`` at these argument shapes."""
    return _api().jacobian_sparsity(f, *args, wrt=wrt, local=local, **kwargs)


def hessian_sparsity(f, *args, wrt=0, local=False, **kwargs):
    """Boolean scipy.sparse pattern (x.size by x.size) of the Hessian of the scalar ``f``."""
    return _api().hessian_sparsity(f, *args, wrt=wrt, local=local, **kwargs)


def sparse_jacobian(f=None, wrt=0, mode="forward", *, sparsity=None, local=False):
    """``g(*args)`` -> the Jacobian of ``f`` as a scipy.sparse matrix; ``g.colors(*args)``."""
    return _api().sparse_jacobian(f, wrt, mode, sparsity=sparsity, local=local)


def sparse_hessian(f=None, wrt=0, *, sparsity=None, local=False):
    """``h(*args)`` -> the Hessian of the scalar ``f`` as a scipy.sparse matrix; ``h.colors(*args)``."""
    return _api().sparse_hessian(f, wrt, sparsity=sparsity, local=local)


__all__ = ["jacobian_sparsity", "hessian_sparsity", "sparse_jacobian", "sparse_hessian"]

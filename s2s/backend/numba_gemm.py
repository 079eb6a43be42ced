"""The nopython ``add_product`` (s2s/backend/numba_products.py): ``total + a @ b`` written into ``total``.

Importing this module (it needs ``numba``) registers, with
``numba.extending.overload``, the compiled version of
``numba_products.add_product``. When ``total`` is a C-contiguous float32 or
float64 matrix, ``a`` and ``b`` contiguous (C or F) matrices of the same
type, and at run time ``total`` has the product's shape (no dimension zero),
it calls BLAS's gemm with beta = 1 through Numba's own BLAS wrapper
(``numba_xxgemm``, the one Numba's ``np.dot`` calls: scipy's BLAS), adding
``a @ b`` into ``total`` in place, and returns ``total``. In every other case
it returns ``total + a @ b`` as compiled by Numba, as the uncompiled code
does. The caller guarantees that nothing else holds ``total``'s array.
"""
import numba
import numba.extending
import numpy as np
from numba import types

from s2s.backend.numba_products import add_product
from s2s.common.errors import S2SError

_KINDS = {types.float32: "s", types.float64: "d"}


def _gemm(dtype):
    """Numba's ``numba_xxgemm`` (kind, transa, transb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) for ``dtype``."""
    p = types.CPointer(dtype)
    return types.ExternalFunction("numba_xxgemm", types.intc(
        types.char, types.char, types.char, types.intp, types.intp, types.intp, p, p, types.intp, p, types.intp,
        p, p, types.intp))


def _in_place(total, a, b):
    """Whether the types allow the in-place product."""
    if not all(isinstance(t, types.Array) and t.ndim == 2 for t in (total, a, b)):
        return False
    if total.layout != "C" or not total.mutable or a.layout not in "CF" or b.layout not in "CF":
        return False
    if total.dtype not in _KINDS or a.dtype != total.dtype or b.dtype != total.dtype:
        return False
    try:
        import scipy.linalg.cython_blas  # noqa: F401 (Numba's BLAS wrapper loads its gemm from there)
    except ImportError:
        return False
    return True


@numba.extending.overload(add_product)
def _add_product(total, a, b):
    if not _in_place(total, a, b):
        return lambda total, a, b: total + a @ b
    gemm = _gemm(total.dtype)
    kind = ord(_KINDS[total.dtype])
    dtype = np.dtype(str(total.dtype))
    # BLAS is column-major: the C-contiguous total (m, n) is its transpose (n, m) = b.T @ a.T there,
    # and a C-contiguous operand is the transpose of what BLAS reads ("t" when it is F-contiguous)
    trans_b = ord("n") if b.layout == "C" else ord("t")
    trans_a = ord("n") if a.layout == "C" else ord("t")
    a_c, b_c = a.layout == "C", b.layout == "C"

    def impl(total, a, b):
        m, k = a.shape
        n = b.shape[1]
        if b.shape[0] != k or total.shape[0] != m or total.shape[1] != n or m == 0 or n == 0 or k == 0:
            return total + a @ b
        one = np.ones(1, dtype)
        if gemm(kind, trans_b, trans_a, n, m, k, one.ctypes, b.ctypes, n if b_c else k, a.ctypes, k if a_c else m,
                one.ctypes, total.ctypes, n) != 0:
            raise S2SError("s2s: BLAS's gemm failed in a compiled derivative; please report it")
        return total
    return impl

"""Helpers of the rules for complex values (templates/complexes.py).

The convention (the one of JAX and autograd, stated in templates/README.md): an
adjoint ``x_bar`` pairs with a tangent ``x_dot`` by ``Re(sum(x_bar * x_dot))``,
without conjugation. So a holomorphic primitive keeps its real rule
(``ans_bar * f'(x)``), a real value's adjoint is real up to an imaginary part
that pairs with nothing (``finalize`` drops it), and the rules of the
non-holomorphic primitives (``conj``, ``real``, ``imag``, ``abs``, ``angle``)
say where conjugates go. The helpers branch on the dtype at run time, so that
real arguments take the real path unchanged.
"""
import numpy as np

from s2s.runtime.core import is_complex_dtype, refuse_complex


def conj_sign(x):
    """``conj(x) / |x|`` (0 at 0), so that ``d|x| = Re(conj_sign(x) * dx)``; ``np.sign(x)`` for real ``x``."""
    if _is_complex(x):
        s = np.sign(x)  # NumPy 2: x / |x| for complex x
        return np.conjugate(s)
    return np.sign(x)


def _is_complex(x):
    """``np.iscomplexobj(x)``, quicker for the floats and arrays of real code."""
    if isinstance(x, (np.ndarray, np.generic)):
        return is_complex_dtype(x.dtype)  # NumPy's dtypes, or another library's through its namespace
    if isinstance(x, float):
        return False
    return np.iscomplexobj(x)


def conj_of(x):
    """``np.conjugate(x)`` for complex ``x``; ``x`` itself (no copy) for real ``x``."""
    if _is_complex(x):
        return np.conjugate(x)
    return x


def sign_slope(x):
    """The derivative of ``np.sign`` at a real ``x``: 0 (piecewise constant). At a complex ``x``
    ``sign(x) = x / |x|`` varies, and s2s has no rule for it yet: ComplexInputError."""
    if _is_complex(x):
        refuse_complex(x, "np.sign")
    return 0.0

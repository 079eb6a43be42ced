"""np.linalg.eig and np.linalg.eigvals of real matrices (stacks too); the mathematics is in
s2s/runtime/eigen.py.

The eigenvalues of a real matrix may be complex: the adjoint then follows the complex convention of
templates/README.md (the adjoint of the real matrix is the real part of a complex one; a real
function of the eigenvalues takes np.real, np.abs, ... of them, whose rules give the right ans_bar).
The eigenvectors are LAPACK's (unit norm, largest component real), and their derivatives keep that
normalization. Complex matrices are refused (ComplexInputError). Where two eigenvalues coincide, the
eigenvector terms are dropped, as eigh's are.
"""
import numpy as np

from s2s.rules import adjoint, tangent
from s2s.runtime import eig_grad, eig_jvp, eigvals_grad, eigvals_jvp


@adjoint(np.linalg.eig)
def eig(a, *, ans, ans_bar):
    return eig_grad(ans_bar, a, ans)


@tangent(np.linalg.eig)
def eig_tangent(a, *, ans, a_dot):
    return eig_jvp(a_dot, a, ans)


@adjoint(np.linalg.eigvals)
def eigvals(a, *, ans, ans_bar):
    return eigvals_grad(ans_bar, a)


@tangent(np.linalg.eigvals)
def eigvals_tangent(a, *, ans, a_dot):
    return eigvals_jvp(a_dot, a)

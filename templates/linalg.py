"""Products, traces and diagonals, and np.linalg.

The helpers handle NumPy's special cases (1-D operands of matmul, scalars in
dot, batch broadcasting), so each template is one line of mathematics.
"""
import operator

import numpy as np

from s2s.rules import adjoint, linear, tangent
from s2s.runtime import (conj_of, broadcast_like, det_grad, diag_grad, diagonal_grad, dot_grad1, dot_grad2,
                         eigh_jvp, eigh_phase_checked, eigvalsh_jvp, einsum_grad, einsum_jvp, inner_grad1, lstsq_grad, lstsq_jvp,
                         inner_grad2, lower_grad, matmul_grad1, matmul_grad2, matrix_power_grad, matrix_power_jvp, matvec_grad1,
                         matvec_grad2, multi_dot_grad, multi_dot_jvp, norm_grad, norm_jvp, pinv_jvp,
                         qr_grad, qr_jvp, safe_divide, slogdet_grad, slogdet_jvp, solve_grad1, solve_grad2, solve_jvp1,
                         solve_jvp2, svd_grad, svd_jvp, symmetric_from, tensordot_grad1, tensordot_grad2, trace_grad,
                         unreshape, vecdot_grad, vector_norm_grad, vector_norm_jvp)

# NumPy 2 spells some of these again in np.linalg (distinct objects): they
# share the rules when present.
LINALG_MATMUL = tuple(f for f in [getattr(np.linalg, "matmul", None)] if f is not None)
LINALG_TENSORDOT = tuple(f for f in [getattr(np.linalg, "tensordot", None)] if f is not None)
LINALG_OUTER = tuple(f for f in [getattr(np.linalg, "outer", None)] if f is not None)


@adjoint(operator.matmul, np.matmul, *LINALG_MATMUL)
def matmul(x1, x2, *, ans, ans_bar):
    return matmul_grad1(ans_bar, x1, x2), matmul_grad2(ans_bar, x1, x2)


@tangent(operator.matmul, np.matmul, *LINALG_MATMUL)
def matmul_tangent(x1, x2, *, ans, x1_dot, x2_dot):
    return x1_dot @ x2 + x1 @ x2_dot


@adjoint(np.dot)
def dot(a, b, *, ans, ans_bar):
    return dot_grad1(ans_bar, a, b), dot_grad2(ans_bar, a, b)


@tangent(np.dot)
def dot_tangent(a, b, *, ans, a_dot, b_dot):
    return np.dot(a_dot, b) + np.dot(a, b_dot)


@adjoint(np.inner)
def inner(a, b, *, ans, ans_bar):
    return inner_grad1(ans_bar, a, b), inner_grad2(ans_bar, a, b)


@tangent(np.inner)
def inner_tangent(a, b, *, ans, a_dot, b_dot):
    return np.inner(a_dot, b) + np.inner(a, b_dot)


# outer and vdot flatten their operands.
@adjoint(np.outer, *LINALG_OUTER)
def outer(a, b, *, ans, ans_bar):
    g = unreshape(ans_bar, ans)
    return np.reshape(g @ np.ravel(b), np.shape(a)), np.reshape(np.ravel(a) @ g, np.shape(b))


@tangent(np.outer, *LINALG_OUTER)
def outer_tangent(a, b, *, ans, a_dot, b_dot):
    return np.outer(a_dot, b) + np.outer(a, b_dot)


@adjoint(np.vdot)
def vdot(a, b, *, ans, ans_bar):
    # vdot conjugates a: d ans = vdot(da, b) + vdot(a, db)
    return conj_of(ans_bar * np.reshape(b, np.shape(a))), ans_bar * conj_of(np.reshape(a, np.shape(b)))


@tangent(np.vdot)
def vdot_tangent(a, b, *, ans, a_dot, b_dot):
    return np.vdot(a_dot, b) + np.vdot(a, b_dot)


@adjoint(np.tensordot, *LINALG_TENSORDOT)
def tensordot(a, b, axes=2, *, ans, ans_bar):
    return tensordot_grad1(ans_bar, a, b, axes), tensordot_grad2(ans_bar, a, b, axes)


@tangent(np.tensordot, *LINALG_TENSORDOT)
def tensordot_tangent(a, b, axes=2, *, ans, a_dot, b_dot):
    return np.tensordot(a_dot, b, axes) + np.tensordot(a, b_dot, axes)


# Up to six operands: the engine binds fixed parameters, so a seventh operand
# or ``optimize=`` is reported rather than silently bound to a parameter.
@adjoint(np.einsum, wrt=("op0", "op1", "op2", "op3", "op4", "op5"))
def einsum(subscripts, op0, op1=None, op2=None, op3=None, op4=None, op5=None, *, ans, ans_bar):
    ops = (op0, op1, op2, op3, op4, op5)
    return (einsum_grad(ans_bar, subscripts, ops, 0), einsum_grad(ans_bar, subscripts, ops, 1),
            einsum_grad(ans_bar, subscripts, ops, 2), einsum_grad(ans_bar, subscripts, ops, 3),
            einsum_grad(ans_bar, subscripts, ops, 4), einsum_grad(ans_bar, subscripts, ops, 5))


@tangent(np.einsum, wrt=("op0", "op1", "op2", "op3", "op4", "op5"))
def einsum_tangent(subscripts, op0, op1=None, op2=None, op3=None, op4=None, op5=None, *, ans, op0_dot, op1_dot,
                    op2_dot, op3_dot, op4_dot, op5_dot):
    ops = (op0, op1, op2, op3, op4, op5)
    return (einsum_jvp(op0_dot, subscripts, ops, 0) + einsum_jvp(op1_dot, subscripts, ops, 1)
            + einsum_jvp(op2_dot, subscripts, ops, 2) + einsum_jvp(op3_dot, subscripts, ops, 3)
            + einsum_jvp(op4_dot, subscripts, ops, 4) + einsum_jvp(op5_dot, subscripts, ops, 5))


@linear(np.trace)
def trace(a, offset=0, axis1=0, axis2=1, dtype=None, *, ans, ans_bar):
    return trace_grad(ans_bar, a, offset, axis1, axis2)


@linear(np.diagonal)
def diagonal(a, offset=0, axis1=0, axis2=1, *, ans, ans_bar):
    return diagonal_grad(ans_bar, a, offset, axis1, axis2)


@linear(np.diag)
def diag(v, k=0, *, ans, ans_bar):
    return diag_grad(ans_bar, v, k)


# Every vector and matrix ord; 0 (not NaN) at the zero vector.
@adjoint(np.linalg.norm)
def norm(x, ord=None, axis=None, keepdims=False, *, ans, ans_bar):
    return norm_grad(ans_bar, x, ans, ord, axis, keepdims)


@tangent(np.linalg.norm)
def norm_tangent(x, ord=None, axis=None, keepdims=False, *, ans, x_dot):
    return norm_jvp(x_dot, x, ans, ord, axis, keepdims)


@adjoint(np.linalg.det)
def det(a, *, ans, ans_bar):
    return det_grad(ans_bar, a, ans)


# d det(a) = <det_grad, a_dot>; det_grad also covers singular matrices.
@tangent(np.linalg.det)
def det_tangent(a, *, ans, a_dot):
    return np.sum(a_dot * det_grad(1.0, a, ans), axis=(-2, -1))


@adjoint(np.linalg.inv)
def inv(a, *, ans, ans_bar):
    ans_t = np.swapaxes(ans, -1, -2)
    return -(ans_t @ ans_bar @ ans_t)


@tangent(np.linalg.inv)
def inv_tangent(a, *, ans, a_dot):
    return -(ans @ a_dot @ ans)


# ans = solve(a, b): b_bar = solve(a.T, ans_bar) and a_bar = -b_bar ans.T.
@adjoint(np.linalg.solve, unbroadcast=True)
def solve(a, b, *, ans, ans_bar):
    b_bar = solve_grad2(ans_bar, a, b)
    return solve_grad1(b_bar, b, ans), b_bar


@tangent(np.linalg.solve, broadcast=True)
def solve_tangent(a, b, *, ans, a_dot, b_dot):
    return solve_jvp1(a_dot, a, b, ans) + solve_jvp2(b_dot, a, b)


# ---------------------------------------------------------------- decompositions
# Tuple results (slogdet, eigh, qr, svd): ``ans_bar`` is a tuple of adjoints
# and the tangent a tuple of tangents, in the result's tuple type.
# The sign of slogdet is piecewise constant: only logabsdet has an adjoint.
@adjoint(np.linalg.slogdet)
def slogdet(a, *, ans, ans_bar):
    return slogdet_grad(ans_bar, a)


@tangent(np.linalg.slogdet)
def slogdet_tangent(a, *, ans, a_dot):
    return slogdet_jvp(a_dot, a, ans)


# cholesky and eigh read one triangle of ``a`` as a symmetric (complex: Hermitian) matrix: the other
# triangle gets no adjoint, and the tangent is that of the matrix read.
# Written with ruled primitives only (no helper), so that it can be
# differentiated again: a_bar = lower_grad(herm(L^-T phi(L^T ans_bar) conj(L)^-1)),
# phi(x) = the lower triangle of x with its diagonal halved (conj_of is the identity on real values).
@adjoint(np.linalg.cholesky)
def cholesky(a, *, ans, ans_bar):
    ans_inv = np.linalg.inv(ans)
    inner = np.swapaxes(ans, -1, -2) @ ans_bar
    s = np.swapaxes(ans_inv, -1, -2) @ (0.5 * (np.tril(inner) + np.tril(inner, -1))) @ conj_of(ans_inv)
    return lower_grad(0.5 * (s + conj_of(np.swapaxes(s, -1, -2))))


@tangent(np.linalg.cholesky)
def cholesky_tangent(a, *, ans, a_dot):
    ans_inv = np.linalg.inv(ans)
    inner = ans_inv @ symmetric_from(a_dot) @ conj_of(np.swapaxes(ans_inv, -1, -2))
    return ans @ (0.5 * (np.tril(inner) + np.tril(inner, -1)))


# With repeated eigenvalues the eigenvectors are not unique: safe_divide drops
# their terms (1 / (w_j - w_i) is taken as 0 where w_j == w_i). Written with
# ruled primitives only, so that the adjoint can be differentiated again.
# Complex eigenvectors have a free phase each: eigh_phase_checked refuses a loss that depends on it.
@adjoint(np.linalg.eigh)
def eigh(a, UPLO="L", *, ans, ans_bar):
    w = ans[0]
    v = ans[1]
    v_t = np.swapaxes(v, -1, -2)
    gaps = safe_divide(1.0, np.expand_dims(w, -2) - np.expand_dims(w, -1))
    v_bar = eigh_phase_checked(broadcast_like(ans_bar[1], v), v)
    inner = diagonal_grad(broadcast_like(ans_bar[0], w), v, 0, -2, -1) + gaps * (v_t @ v_bar)
    s = conj_of(v) @ inner @ v_t
    return lower_grad(0.5 * (s + conj_of(np.swapaxes(s, -1, -2))), UPLO)


@tangent(np.linalg.eigh)
def eigh_tangent(a, UPLO="L", *, ans, a_dot):
    return eigh_jvp(a_dot, a, ans, UPLO)


@adjoint(np.linalg.eigvalsh)
def eigvalsh(a, UPLO="L", *, ans, ans_bar):
    v = np.linalg.eigh(a, UPLO)[1]
    return lower_grad((conj_of(v) * np.expand_dims(ans_bar, -2)) @ np.swapaxes(v, -1, -2), UPLO)


@tangent(np.linalg.eigvalsh)
def eigvalsh_tangent(a, UPLO="L", *, ans, a_dot):
    return eigvalsh_jvp(a_dot, a, UPLO)


# mode="reduced" only (the default), rows >= columns.
@adjoint(np.linalg.qr)
def qr(a, *, ans, ans_bar):
    return qr_grad(ans_bar, a, ans)


@tangent(np.linalg.qr)
def qr_tangent(a, *, ans, a_dot):
    return qr_jvp(a_dot, a, ans)


# The thin SVD (full_matrices=False, or square matrices), and the singular
# values alone (compute_uv=False); singular values must be distinct and nonzero.
# hermitian= is left out (reported): numpy then reads one triangle of ``a``.
@adjoint(np.linalg.svd)
def svd(a, full_matrices=True, compute_uv=True, *, ans, ans_bar):
    return svd_grad(ans_bar, a, ans, full_matrices, compute_uv)


@tangent(np.linalg.svd)
def svd_tangent(a, full_matrices=True, compute_uv=True, *, ans, a_dot):
    return svd_jvp(a_dot, a, ans, full_matrices, compute_uv)


# Where the rank does not change near ``a``; hermitian= is left out, as for svd.
# x = pinv(a): a_bar = -x.T g x.T + conj((1 - a x) g.T x x^H + x^H x g.T (1 - x a)),
# with the identities multiplied out (ruled primitives only: differentiable again).
@adjoint(np.linalg.pinv)
def pinv(a, rcond=None, *, ans, ans_bar):
    x_t = np.swapaxes(ans, -1, -2)
    x_c = conj_of(ans)
    a_c = conj_of(a)
    g_h = conj_of(np.swapaxes(ans_bar, -1, -2))
    left = g_h @ x_c @ x_t
    right = x_t @ x_c @ g_h
    return -(x_t @ ans_bar @ x_t) + left - a_c @ (x_c @ left) + right - (right @ x_c) @ a_c


@tangent(np.linalg.pinv)
def pinv_tangent(a, rcond=None, *, ans, a_dot):
    return pinv_jvp(a_dot, a, ans)


# ``a`` of full rank (tall or wide); x, the residuals and the singular values
# are differentiated, the rank is an integer.
@adjoint(np.linalg.lstsq)
def lstsq(a, b, rcond=None, *, ans, ans_bar):
    bars = lstsq_grad(ans_bar, a, b, ans)
    return bars[0], bars[1]


@tangent(np.linalg.lstsq)
def lstsq_tangent(a, b, rcond=None, *, ans, a_dot, b_dot):
    return lstsq_jvp(a_dot, b_dot, a, b, ans)


@adjoint(np.linalg.matrix_power, wrt="a")
def matrix_power(a, n, *, ans, ans_bar):
    return matrix_power_grad(ans_bar, a, n)


@tangent(np.linalg.matrix_power, wrt="a")
def matrix_power_tangent(a, n, *, ans, a_dot):
    return matrix_power_jvp(a_dot, a, n)


@adjoint(np.linalg.multi_dot)
def multi_dot(arrays, *, ans, ans_bar):
    return multi_dot_grad(ans_bar, arrays)


@tangent(np.linalg.multi_dot)
def multi_dot_tangent(arrays, *, ans, arrays_dot):
    return multi_dot_jvp(arrays_dot, arrays)


# ---------------------------------------------------------------- NumPy 2
if hasattr(np, "vecdot"):
    @adjoint(np.vecdot, np.linalg.vecdot, unbroadcast=True)
    def vecdot(x1, x2, axis=-1, *, ans, ans_bar):
        return vecdot_grad(ans_bar, x2, axis), vecdot_grad(ans_bar, x1, axis)

    @tangent(np.vecdot, np.linalg.vecdot, broadcast=True)
    def vecdot_tangent(x1, x2, axis=-1, *, ans, x1_dot, x2_dot):
        return np.vecdot(x1_dot, x2, axis=axis) + np.vecdot(x1, x2_dot, axis=axis)

    # ``vector_norm`` reduces every axis when ``axis`` is None (a matrix too).
    @adjoint(np.linalg.vector_norm)
    def vector_norm(x, axis=None, keepdims=False, ord=2, *, ans, ans_bar):
        return vector_norm_grad(ans_bar, x, ans, axis, keepdims, ord)

    @tangent(np.linalg.vector_norm)
    def vector_norm_tangent(x, axis=None, keepdims=False, ord=2, *, ans, x_dot):
        return vector_norm_jvp(x_dot, x, ans, axis, keepdims, ord)

    @adjoint(np.linalg.matrix_norm)
    def matrix_norm(x, keepdims=False, ord="fro", *, ans, ans_bar):
        return norm_grad(ans_bar, x, ans, ord, (-2, -1), keepdims)

    @tangent(np.linalg.matrix_norm)
    def matrix_norm_tangent(x, keepdims=False, ord="fro", *, ans, x_dot):
        return norm_jvp(x_dot, x, ans, ord, (-2, -1), keepdims)

    @linear(np.linalg.trace)
    def linalg_trace(x, offset=0, dtype=None, *, ans, ans_bar):
        return trace_grad(ans_bar, x, offset, -2, -1)

    @linear(np.linalg.diagonal)
    def linalg_diagonal(x, offset=0, *, ans, ans_bar):
        return diagonal_grad(ans_bar, x, offset, -2, -1)

    @linear(np.linalg.matrix_transpose)
    def matrix_transpose(x, *, ans, ans_bar):
        return np.swapaxes(ans_bar, -1, -2)

    @adjoint(np.linalg.svdvals)
    def svdvals(x, *, ans, ans_bar):
        return svd_grad(ans_bar, x, ans, False, False)

    @tangent(np.linalg.svdvals)
    def svdvals_tangent(x, *, ans, x_dot):
        return svd_jvp(x_dot, x, ans, False, False)

if hasattr(np, "matvec"):
    @adjoint(np.matvec)
    def matvec(x1, x2, *, ans, ans_bar):
        return matvec_grad1(ans_bar, x1, x2), matvec_grad2(ans_bar, x1, x2)

    @tangent(np.matvec)
    def matvec_tangent(x1, x2, *, ans, x1_dot, x2_dot):
        return np.matvec(x1_dot, x2) + np.matvec(x1, x2_dot)

    # vecmat(x1, x2) == matvec(x2.mT, x1) for real arrays.
    @adjoint(np.vecmat)
    def vecmat(x1, x2, *, ans, ans_bar):
        x2_t = np.swapaxes(x2, -1, -2)
        return matvec_grad2(ans_bar, x2_t, x1), np.swapaxes(matvec_grad1(ans_bar, x2_t, x1), -1, -2)

    @tangent(np.vecmat)
    def vecmat_tangent(x1, x2, *, ans, x1_dot, x2_dot):
        return np.vecmat(x1_dot, x2) + np.vecmat(x1, x2_dot)

"""Products, traces and diagonals, and np.linalg.

The helpers handle NumPy's special cases (1-D operands of matmul, scalars in
dot, batch broadcasting), so each template is one line of mathematics.
"""
import operator

import numpy as np

from s2s.rules import adjoint, linear, tangent
from s2s.runtime import (det_grad, diag_grad, diagonal_grad, dot_grad1, dot_grad2, einsum_grad, einsum_jvp,
                         inner_grad1, inner_grad2, matmul_grad1, matmul_grad2, norm_grad, norm_jvp, solve_grad1,
                         solve_grad2, solve_jvp1, solve_jvp2, tensordot_grad1, tensordot_grad2, trace_grad)


@adjoint(operator.matmul, np.matmul)
def matmul(x1, x2, *, ans, ans_bar):
    return matmul_grad1(ans_bar, x1, x2), matmul_grad2(ans_bar, x1, x2)


@tangent(operator.matmul, np.matmul)
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
@adjoint(np.outer)
def outer(a, b, *, ans, ans_bar):
    return np.reshape(ans_bar @ np.ravel(b), np.shape(a)), np.reshape(np.ravel(a) @ ans_bar, np.shape(b))


@tangent(np.outer)
def outer_tangent(a, b, *, ans, a_dot, b_dot):
    return np.outer(a_dot, b) + np.outer(a, b_dot)


@adjoint(np.vdot)
def vdot(a, b, *, ans, ans_bar):
    return ans_bar * np.reshape(b, np.shape(a)), ans_bar * np.reshape(a, np.shape(b))


@tangent(np.vdot)
def vdot_tangent(a, b, *, ans, a_dot, b_dot):
    return np.vdot(a_dot, b) + np.vdot(a, b_dot)


@adjoint(np.tensordot)
def tensordot(a, b, axes=2, *, ans, ans_bar):
    return tensordot_grad1(ans_bar, a, b, axes), tensordot_grad2(ans_bar, a, b, axes)


@tangent(np.tensordot)
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

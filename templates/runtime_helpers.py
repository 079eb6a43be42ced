"""Rules for the helpers of ``s2s.runtime`` that generated code and templates call.

Why: higher-order derivatives (``grad(grad(f))``, forward over reverse,
reverse over reverse) differentiate code that s2s generated. That code calls
``unbroadcast``, ``add_at``, ``matmul_grad1``... as primitives, so each needs a
rule like any NumPy function.

Most helpers are linear in their first argument ``g`` (an adjoint or tangent)
and read their other arguments only for shapes, dtypes, indices or
comparisons (which are piecewise constant): those are ``@linear`` with
``wrt`` the first argument alone, and their adjoint is the transposed helper,
often another helper (``extremum_grad`` and ``extremum_jvp`` transpose each
other). Helpers that are bilinear (``matmul_grad1`` in ``g`` and ``x2``) or
nonlinear (``safe_divide``, ``power_base_grad``) get an ``@adjoint`` and a
``@tangent``. Helpers with constant results are in NONDIFFERENTIABLE.

Not here (the engine reports a call to them as having no rule): the helpers
whose derivative in their primal arguments needs more than a transposition:
the issue-6 helpers that are bilinear or nonlinear in their primal arguments
(``convolve_grad``, ``convolve_grad2``, ``kron_grad``, ``polyval_grad``, ``polyval_slope``,
``trapezoid_grad``, ``trapezoid_x_jvp``, ``interp_slope``, ``average_grad``, ``average_jvp``), and those
of issue 6 for the decompositions (``qr_grad``, ``svd_jvp``, ``eigh_jvp``,
lstsq's, scipy's expm's and sqrtm's;
tests/rules_linalg_scipy.py lists them): their second derivatives are not
written yet. Those of slogdet, vecdot, matvec and the
softmax family have rules below; the adjoints of np.linalg.cholesky, eigh,
eigvalsh and pinv use no helper without a rule. The last sections give
second-order rules to the helpers of prod, cumprod, norm, vector_norm,
einsum, multi_dot, matrix_power, logsumexp, and scipy's solve_triangular,
cho_solve, cholesky and cho_factor, to pinv_jvp and eigvalsh_jvp, and to svd_grad for the singular values alone
(through u and vh, and for the matrix norms 'nuc' and 2, a NoRuleError is raised when the
derivative runs); the helpers those rules call (``prod_others_jvp``,
``cumprod_hvp``, ...; tests/rules_second_order.py lists them) have no rule,
so third derivatives through them are reported.
"""
import math

import numpy as np

from s2s.rules import adjoint, elementwise, linear, tangent
from s2s.runtime import (cumprod_grad, cumprod_hvp, cumprod_hvp_grad, cumprod_jvp, einsum_grad, einsum_grad_others,
                         einsum_jvp, einsum_others_jvp, norm_grad, norm_grad_partials, norm_jvp, norm_x_jvp, norm_x_pair,
                         norm_x_vjp, prod_grad,
                         prod_others_jvp, vector_norm_grad, vector_norm_jvp)
from s2s.runtime import (matrix_power_grad, matrix_power_hvp, matrix_power_hvp_grad, matrix_power_jvp, multi_dot_grad,
                         multi_dot_grad_others, multi_dot_hvp, multi_dot_jvp)
from s2s.runtime import (solve_triangular_grad1, solve_triangular_grad2, solve_triangular_jvp, triangle_of,
                         triangle_part)
from s2s.runtime import (cho_solve_grad, cho_solve_grad_jvp, cho_solve_grad_vjp, cho_solve_jvp, cho_solve_jvp_jvp,
                         cho_solve_jvp_vjp)
from s2s.runtime import (scipy_cholesky_grad, scipy_cholesky_grad_jvp, scipy_cholesky_grad_vjp, scipy_cholesky_jvp,
                         scipy_cholesky_jvp_jvp, scipy_cholesky_jvp_vjp)
from s2s.runtime import (cho_factor_grad, cho_factor_grad_jvp, cho_factor_grad_vjp, cho_factor_jvp, cho_factor_jvp_jvp,
                         cho_factor_jvp_vjp)
from s2s.runtime import eigvalsh_jvp, pinv_jvp, pinv_jvp_jvp, pinv_jvp_vjp, svd_grad, svd_grad_jvp, svd_grad_vjp
from s2s.runtime import (log_softmax_grad, log_softmax_jvp, logsumexp_b_grad, logsumexp_b_jvp, logsumexp_grad, logsumexp_jvp, logsumexp_weights,
                         lower_grad, matvec_grad1, matvec_grad2, slogdet_grad, slogdet_jvp, softmax_grad,
                         symmetric_from, vecdot_grad)
from s2s.runtime import conj_of, refuse_complex, unshared
from s2s.runtime import apart, grown, shrunk
from s2s.runtime import (add, add_at, appended, broadcast_like, cast_grad, cast_jvp, clip_bound_grad, clip_from,
                         clip_masks, copy, cotangent,
                         cumsum_grad, det_grad, diag_grad, diagonal_grad, diff_grad, dot_grad1, dot_grad2,
                         extremum_grad, extremum_jvp, extremum_reduce_grad, extremum_reduce_jvp, finalize,
                         float_dtype, inner_grad1, inner_grad2, is_container, item, item_grad, log_positive,
                         matmul_grad1, matmul_grad2, power_base_grad, read_at, repeat_grad, safe_divide, seed,
                         seed_unread,
                         select_grad, sinc_grad, snapshot, solve_grad1, solve_grad2, solve_jvp1,
                         solve_jvp2, solve_matmul, sort_grad, sort_jvp, take_grad, tensordot_grad1,
                         tensordot_grad2, tile_grad, trace_grad, unappended, unarray, unbroadcast,
                         unconcatenate, unhstack, unread_at, unreduce, unreduce_grad, unstack, unsum,
                         unreshape, untranspose, unvstack, zero_at, zeros_like)
from s2s.runtime import (absorb_zeros, delete_grad, diff_concat, diff_grads, ediff1d_grad, filled, insert_grad,
                         interp_grad, interp_jvp, interp_weights, inverse, linspace_grad, masked, nan_count,
                         pad_grad, quantile_grad, quantile_jvp, reduce_count, resize_grad, select_choice_grad,
                         select_default_grad, select_masks, take_along_axis_grad, tie_weight, uncolumn_stack,
                         undstack, unsplit)

# seed and seed_unread give ones, zeros_like zeros, clip_masks, clip_from and select_masks booleans,
# reduce_count counts, interp_weights weights that depend on x only piecewise.
NONDIFFERENTIABLE = (seed, seed_unread, zeros_like, float_dtype, is_container, clip_masks, clip_from, reduce_count,
                     nan_count, select_masks, interp_weights)


# ----------------------------------------------------------- accumulation and shapes
# In ``@linear`` rules below, the arguments after the first are read only
# for their shapes, dtypes, indices or comparisons: they get no adjoint.
@linear(add, wrt=("a", "b"))
def add_(a, b, *, ans, ans_bar):
    return broadcast_like(ans_bar, a), broadcast_like(ans_bar, b)


@linear(unbroadcast, wrt="g")
def unbroadcast_(g, x, *, ans, ans_bar):
    return broadcast_like(ans_bar, g)


@linear(broadcast_like, wrt="g")
def broadcast_like_(g, x, *, ans, ans_bar):
    return broadcast_like(ans_bar, g)


@linear(unreduce, wrt="g")
def unreduce_(g, x, axis=None, keepdims=False, *, ans, ans_bar):
    return unreduce_grad(ans_bar, g, axis, keepdims)


@linear(unreduce_grad, wrt="h")
def unreduce_grad_(h, g, axis=None, keepdims=False, *, ans, ans_bar):
    return unreduce(ans_bar, h, axis, keepdims)


@linear(unshared, wrt="value")
def unshared_(value, others, method, where="", text="", *, ans, ans_bar):
    return ans_bar


@linear(apart, wrt="value")
def apart_(value, whole, region, where="", text="", *, ans, ans_bar):
    return ans_bar


@linear(snapshot)
def snapshot_(x, *, ans, ans_bar):
    return ans_bar


# The cotangent a vjp was given, checked against the result: the identity in dout.
@linear(cotangent, wrt="dout")
def cotangent_(value, dout, where="", of="", *, ans, ans_bar):
    return ans_bar


@linear(finalize, wrt="g")
def finalize_(g, x, *, ans, ans_bar):
    return broadcast_like(ans_bar, g)


# add_at updates x_bar in place; the rules never write into ans_bar.
@linear(add_at, wrt=("x_bar", "v"))
def add_at_(x_bar, x, idx, v, *, ans, ans_bar):
    return broadcast_like(ans_bar, x_bar), broadcast_like(ans_bar[idx], v)


@linear(zero_at, wrt="x_bar")
def zero_at_(x_bar, idx, *, ans, ans_bar):
    return zero_at(copy(ans_bar), idx)


@linear(read_at, wrt="x_bar")
def read_at_(x_bar, idx, like=None, *, ans, ans_bar):
    return unread_at(ans_bar, x_bar, idx)


@linear(unread_at, wrt="g")
def unread_at_(g, x_bar, idx, *, ans, ans_bar):
    return read_at(ans_bar, idx)


@linear(appended, wrt="lst_bar")
def appended_(lst_bar, lst, *, ans, ans_bar):
    return unappended(ans_bar, lst_bar, lst)


@linear(shrunk, wrt="lst_bar")
def shrunk_(lst_bar, lst, *, ans, ans_bar):
    return grown(ans_bar, lst_bar)


@linear(grown, wrt="g")
def grown_(g, like, *, ans, ans_bar):
    return shrunk(ans_bar, g)


@linear(unappended, wrt="g")
def unappended_(g, lst_bar, lst, *, ans, ans_bar):
    return appended(ans_bar, lst)


# ----------------------------------------------------------- elementwise template helpers
# safe_divide is a / b where b != 0 and the constant 0 where b == 0.
@adjoint(safe_divide, unbroadcast=True)
def safe_divide_(a, b, *, ans, ans_bar):
    return safe_divide(ans_bar, b), -safe_divide(ans_bar * ans, b)


@tangent(safe_divide, broadcast=True)
def safe_divide_tangent(a, b, *, ans, a_dot, b_dot):
    inverse = safe_divide(1.0, b)
    return a_dot * inverse - b_dot * (ans * inverse)


@elementwise(log_positive)
def log_positive_(x, ans):
    return np.where(np.asarray(x) > 0, safe_divide(1.0, x), 0)


# power_base_grad(x1, x2) = x2 * x1 ** (x2 - 1), 0 where x2 == 0:
# d/dx1 = x2 * power_base_grad(x1, x2 - 1) (0 where x2 == 0 or 1),
# d/dx2 = x1 ** (x2 - 1) + ans * log(x1).
@adjoint(power_base_grad, unbroadcast=True)
def power_base_grad_(x1, x2, *, ans, ans_bar):
    flat = np.asarray(x2) == 0
    return (np.where(flat, 0, ans_bar * x2 * power_base_grad(x1, x2 - 1)),
            np.where(flat, ans_bar * safe_divide(1.0, x1), ans_bar * (ans * log_positive(x1) + safe_divide(ans, x2))))


@tangent(power_base_grad, broadcast=True)
def power_base_grad_tangent(x1, x2, *, ans, x1_dot, x2_dot):
    flat = np.asarray(x2) == 0
    return (x1_dot * np.where(flat, 0, x2 * power_base_grad(x1, x2 - 1))
            + x2_dot * np.where(flat, safe_divide(1.0, x1), ans * log_positive(x1) + safe_divide(ans, x2)))


# sinc''(x) = -(pi sin(pi x) + 2 sinc'(x)) / x, and -pi**2 / 3 at 0.
@elementwise(sinc_grad)
def sinc_grad_(x, ans):
    return np.where(np.asarray(x) == 0, -math.pi ** 2 / 3, safe_divide(-math.pi * np.sin(math.pi * x) - 2 * ans, x))


# Linear in g; x, other and the extremum enter through == only. (A helper's
# parameter named ``ans`` is ``result`` here: ``ans`` is the helper's own result.)
@linear(select_grad, wrt="g")
def select_grad_(g, x, other, result, *, ans, ans_bar):
    return broadcast_like(select_grad(ans_bar, x, other, result), g)


# A mask's np.where, its own transpose; from_a, the result and the bounds are read only.
@linear(clip_bound_grad, wrt="g")
def clip_bound_grad_(g, from_a, result, bound, upper=None, zero=0, *, ans, ans_bar):
    return broadcast_like(clip_bound_grad(ans_bar, from_a, result, bound, upper), g)


@linear(extremum_grad, wrt="g")
def extremum_grad_(g, x, other, result, *, ans, ans_bar):
    return broadcast_like(extremum_jvp(ans_bar, x, other, result), g)


@linear(extremum_jvp, wrt="t")
def extremum_jvp_(t, x, other, result, *, ans, ans_bar):
    return broadcast_like(extremum_grad(ans_bar, x, other, result), t)


# ----------------------------------------------------------- reductions
@linear(extremum_reduce_grad, wrt="g")
def extremum_reduce_grad_(g, a, result, axis=None, keepdims=False, *, ans, ans_bar):
    return broadcast_like(extremum_reduce_jvp(ans_bar, a, result, axis, keepdims), g)


@linear(extremum_reduce_jvp, wrt="t")
def extremum_reduce_jvp_(t, a, result, axis=None, keepdims=False, *, ans, ans_bar):
    return broadcast_like(extremum_reduce_grad(ans_bar, a, result, axis, keepdims), t)


@linear(cumsum_grad, wrt="g")
def cumsum_grad_(g, a, axis=None, *, ans, ans_bar):
    return np.cumsum(ans_bar, axis)


@linear(diff_grad, wrt="g")
def diff_grad_(g, n=1, axis=-1, *, ans, ans_bar):
    return np.diff(ans_bar, n, axis)


# ----------------------------------------------------------- products
# matmul_grad1(g, x1, x2) is bilinear in g and x2 and reads x1's shape only:
# it is J^T g for J t = t @ x2, so its adjoint in g is ans_bar @ x2.
@adjoint(matmul_grad1, wrt=("g", "x2"))
def matmul_grad1_(g, x1, x2, *, ans, ans_bar):
    return np.matmul(ans_bar, x2), matmul_grad2(g, ans_bar, x2)


@tangent(matmul_grad1, wrt=("g", "x2"))
def matmul_grad1_tangent(g, x1, x2, *, ans, g_dot, x2_dot):
    return matmul_grad1(g_dot, x1, x2) + matmul_grad1(g, x1, x2_dot)


@adjoint(matmul_grad2, wrt=("g", "x1"))
def matmul_grad2_(g, x1, x2, *, ans, ans_bar):
    return np.matmul(x1, ans_bar), matmul_grad1(g, x1, ans_bar)


@tangent(matmul_grad2, wrt=("g", "x1"))
def matmul_grad2_tangent(g, x1, x2, *, ans, g_dot, x1_dot):
    return matmul_grad2(g_dot, x1, x2) + matmul_grad2(g, x1_dot, x2)


@adjoint(dot_grad1, wrt=("g", "b"))
def dot_grad1_(g, a, b, *, ans, ans_bar):
    return np.dot(ans_bar, b), dot_grad2(g, ans_bar, b)


@tangent(dot_grad1, wrt=("g", "b"))
def dot_grad1_tangent(g, a, b, *, ans, g_dot, b_dot):
    return dot_grad1(g_dot, a, b) + dot_grad1(g, a, b_dot)


@adjoint(dot_grad2, wrt=("g", "a"))
def dot_grad2_(g, a, b, *, ans, ans_bar):
    return np.dot(a, ans_bar), dot_grad1(g, a, ans_bar)


@tangent(dot_grad2, wrt=("g", "a"))
def dot_grad2_tangent(g, a, b, *, ans, g_dot, a_dot):
    return dot_grad2(g_dot, a, b) + dot_grad2(g, a_dot, b)


@adjoint(inner_grad1, wrt=("g", "b"))
def inner_grad1_(g, a, b, *, ans, ans_bar):
    return np.inner(ans_bar, b), inner_grad2(g, ans_bar, b)


@tangent(inner_grad1, wrt=("g", "b"))
def inner_grad1_tangent(g, a, b, *, ans, g_dot, b_dot):
    return inner_grad1(g_dot, a, b) + inner_grad1(g, a, b_dot)


@adjoint(inner_grad2, wrt=("g", "a"))
def inner_grad2_(g, a, b, *, ans, ans_bar):
    return np.inner(a, ans_bar), inner_grad1(g, a, ans_bar)


@tangent(inner_grad2, wrt=("g", "a"))
def inner_grad2_tangent(g, a, b, *, ans, g_dot, a_dot):
    return inner_grad2(g_dot, a, b) + inner_grad2(g, a_dot, b)


@adjoint(tensordot_grad1, wrt=("g", "b"))
def tensordot_grad1_(g, a, b, axes=2, *, ans, ans_bar):
    return np.tensordot(ans_bar, b, axes), tensordot_grad2(g, ans_bar, b, axes)


@tangent(tensordot_grad1, wrt=("g", "b"))
def tensordot_grad1_tangent(g, a, b, axes=2, *, ans, g_dot, b_dot):
    return tensordot_grad1(g_dot, a, b, axes) + tensordot_grad1(g, a, b_dot, axes)


@adjoint(tensordot_grad2, wrt=("g", "a"))
def tensordot_grad2_(g, a, b, axes=2, *, ans, ans_bar):
    return np.tensordot(a, ans_bar, axes), tensordot_grad1(g, a, ans_bar, axes)


@tangent(tensordot_grad2, wrt=("g", "a"))
def tensordot_grad2_tangent(g, a, b, axes=2, *, ans, g_dot, a_dot):
    return tensordot_grad2(g_dot, a, b, axes) + tensordot_grad2(g, a_dot, b, axes)


# det_grad(g, a, result) = g * result * inv(a).T (result is det(a)); with
# c = g * result and m = inv(a).T, d m = -m da.T m. Needs an invertible a.
@adjoint(det_grad, wrt=("g", "a", "result"))
def det_grad_(g, a, result, *, ans, ans_bar):
    inv_t = np.swapaxes(np.linalg.inv(a), -1, -2)
    weight = np.sum(ans_bar * inv_t, axis=(-2, -1))
    scale = np.expand_dims(g * result, (-2, -1))
    return weight * result, -(scale * (inv_t @ np.swapaxes(ans_bar, -1, -2) @ inv_t)), weight * g


@tangent(det_grad, wrt=("g", "a", "result"))
def det_grad_tangent(g, a, result, *, ans, g_dot, a_dot, result_dot):
    inv_t = np.swapaxes(np.linalg.inv(a), -1, -2)
    scale = np.expand_dims(g * result, (-2, -1))
    return (det_grad(g_dot, a, result) + det_grad(g, a, result_dot)
            - scale * (inv_t @ np.swapaxes(a_dot, -1, -2) @ inv_t))


# The solve helpers, for ans = solve(a, b): solve_grad2(g) = solve(a.T, g),
# solve_jvp2(t) = solve(a, t), solve_grad1(b_bar, b, x) = -b_bar x.T and
# solve_jvp1(t, a, b, x) = -solve(a, t x); solve_matmul is m @ x with b's
# vector convention. Each adjoint is built from the others (b: shapes only).
@adjoint(solve_matmul, wrt=("m", "x"), unbroadcast=True)
def solve_matmul_(m, x, b, *, ans, ans_bar):
    return -solve_grad1(ans_bar, b, x), solve_matmul(np.swapaxes(m, -1, -2), ans_bar, b)


@tangent(solve_matmul, wrt=("m", "x"), broadcast=True)
def solve_matmul_tangent(m, x, b, *, ans, m_dot, x_dot):
    return solve_matmul(m_dot, x, b) + solve_matmul(m, x_dot, b)


@adjoint(solve_grad1, wrt=("b_bar", "result"), unbroadcast=True)
def solve_grad1_(b_bar, b, result, *, ans, ans_bar):
    return -solve_matmul(ans_bar, result, b), -solve_matmul(np.swapaxes(ans_bar, -1, -2), b_bar, b)


@tangent(solve_grad1, wrt=("b_bar", "result"), broadcast=True)
def solve_grad1_tangent(b_bar, b, result, *, ans, b_bar_dot, result_dot):
    return solve_grad1(b_bar_dot, b, result) + solve_grad1(b_bar, b, result_dot)


@adjoint(solve_grad2, wrt=("g", "a"), unbroadcast=True)
def solve_grad2_(g, a, b, *, ans, ans_bar):
    s = solve_jvp2(ans_bar, a, b)
    return s, solve_grad1(ans, b, s)


@tangent(solve_grad2, wrt=("g", "a"), broadcast=True)
def solve_grad2_tangent(g, a, b, *, ans, g_dot, a_dot):
    return solve_grad2(g_dot, a, b) - solve_grad2(solve_matmul(np.swapaxes(a_dot, -1, -2), ans, b), a, b)


@adjoint(solve_jvp2, wrt=("t", "a"), unbroadcast=True)
def solve_jvp2_(t, a, b, *, ans, ans_bar):
    s = solve_grad2(ans_bar, a, b)
    return s, solve_grad1(s, b, ans)


@tangent(solve_jvp2, wrt=("t", "a"), broadcast=True)
def solve_jvp2_tangent(t, a, b, *, ans, t_dot, a_dot):
    return solve_jvp2(t_dot, a, b) + solve_jvp1(a_dot, a, b, ans)


@adjoint(solve_jvp1, wrt=("t", "a", "result"), unbroadcast=True)
def solve_jvp1_(t, a, b, result, *, ans, ans_bar):
    s = solve_grad2(ans_bar, a, b)
    return solve_grad1(s, b, result), solve_grad1(s, b, ans), -solve_matmul(np.swapaxes(t, -1, -2), s, b)


@tangent(solve_jvp1, wrt=("t", "a", "result"), broadcast=True)
def solve_jvp1_tangent(t, a, b, result, *, ans, t_dot, a_dot, result_dot):
    return solve_jvp1(t_dot, a, b, result) + solve_jvp1(t, a, b, result_dot) + solve_jvp1(a_dot, a, b, ans)


@linear(trace_grad, wrt="g")
def trace_grad_(g, a, offset=0, axis1=0, axis2=1, *, ans, ans_bar):
    return np.trace(ans_bar, offset, axis1, axis2)


@linear(diagonal_grad, wrt="g")
def diagonal_grad_(g, a, offset=0, axis1=0, axis2=1, *, ans, ans_bar):
    return np.copy(np.diagonal(ans_bar, offset, axis1, axis2))


@linear(diag_grad, wrt="g")
def diag_grad_(g, v, k=0, *, ans, ans_bar):
    return np.diag(ans_bar, k)


# ----------------------------------------------------------- shapes, containers, casts
# sort_grad and sort_jvp read a only through its sorting permutation.
@linear(sort_grad, wrt="g")
def sort_grad_(g, a, axis=-1, *, ans, ans_bar):
    return sort_jvp(ans_bar, a, axis)


@linear(sort_jvp, wrt="t")
def sort_jvp_(t, a, axis=-1, *, ans, ans_bar):
    return sort_grad(ans_bar, a, axis)


@linear(repeat_grad, wrt="g")
def repeat_grad_(g, a, repeats, axis=None, *, ans, ans_bar):
    return np.repeat(ans_bar, repeats, axis)


@linear(tile_grad, wrt="g")
def tile_grad_(g, a, reps, *, ans, ans_bar):
    return np.tile(ans_bar, reps)


@linear(unreshape, wrt="g")
def unreshape_(g, x, order="C", *, ans, ans_bar):
    return unreshape(ans_bar, g, order)


@linear(untranspose, wrt="g")
def untranspose_(g, axes=None, *, ans, ans_bar):
    return np.transpose(ans_bar, axes)


@linear(unconcatenate, wrt="g")
def unconcatenate_(g, arrays, axis=0, *, ans, ans_bar):
    return np.concatenate(ans_bar, axis)


@linear(unstack, wrt="g")
def unstack_(g, arrays, axis=0, *, ans, ans_bar):
    return np.stack(ans_bar, axis)


@linear(unhstack, wrt="g")
def unhstack_(g, tup, *, ans, ans_bar):
    return np.hstack(ans_bar)


@linear(unvstack, wrt="g")
def unvstack_(g, tup, *, ans, ans_bar):
    return np.vstack(ans_bar)


@linear(unarray, wrt="g")
def unarray_(g, obj, *, ans, ans_bar):
    return cast_jvp(ans_bar, obj, g)


@linear(unsum, wrt="g")
def unsum_(g, iterable, *, ans, ans_bar):
    return broadcast_like(ans_bar, g)


@linear(take_grad, wrt="g")
def take_grad_(g, a, indices, axis=None, mode="raise", *, ans, ans_bar):
    return np.take(ans_bar, indices, axis, mode=mode)


# cast_grad and cast_jvp read x and ans for their structure and dtype only.
@linear(cast_grad, wrt="g")
def cast_grad_(g, x, result, *, ans, ans_bar):
    return cast_jvp(ans_bar, x, result)


@linear(cast_jvp, wrt="t")
def cast_jvp_(t, x, result, *, ans, ans_bar):
    return cast_grad(ans_bar, x, result)


@linear(item_grad, wrt="g")
def item_grad_(g, a, index=None, *, ans, ans_bar):
    return item(ans_bar, index)


# ----------------------------------------------------------- issue 6: linalg and scipy
# One triangle read as a symmetric matrix, and the adjoint of that reading: transposes of each other.
@linear(lower_grad, wrt="s")
def lower_grad_(s, uplo="L", *, ans, ans_bar):
    return symmetric_from(ans_bar, uplo)


@linear(symmetric_from, wrt="t")
def symmetric_from_(t, uplo="L", *, ans, ans_bar):
    return lower_grad(ans_bar, uplo)


# The softmax family's helpers (second derivatives of scipy.special's softmax,
# log_softmax and logsumexp). softmax_grad(g, s) = s (g - sum(g s)) is its
# own transpose in g; the other terms differentiate s.
@adjoint(softmax_grad, wrt=("g", "s"))
def softmax_grad_(g, s, axis=None, *, ans, ans_bar):
    return (softmax_grad(ans_bar, s, axis),
            ans_bar * (g - np.sum(g * s, axis=axis, keepdims=True)) - g * np.sum(ans_bar * s, axis=axis, keepdims=True))


@tangent(softmax_grad, wrt=("g", "s"))
def softmax_grad_tangent(g, s, axis=None, *, ans, g_dot, s_dot):
    return (softmax_grad(g_dot, s, axis) + s_dot * (g - np.sum(g * s, axis=axis, keepdims=True))
            - s * np.sum(g * s_dot, axis=axis, keepdims=True))


# log_softmax_grad(g, y) = g - exp(y) sum(g) and log_softmax_jvp(t, y) = t - sum(exp(y) t) transpose each other in g, t.
@adjoint(log_softmax_grad, wrt=("g", "y"))
def log_softmax_grad_(g, y, axis=None, *, ans, ans_bar):
    return log_softmax_jvp(ans_bar, y, axis), -(ans_bar * np.exp(y) * np.sum(g, axis=axis, keepdims=True))


@tangent(log_softmax_grad, wrt=("g", "y"))
def log_softmax_grad_tangent(g, y, axis=None, *, ans, g_dot, y_dot):
    return log_softmax_grad(g_dot, y, axis) - y_dot * (np.exp(y) * np.sum(g, axis=axis, keepdims=True))


@adjoint(log_softmax_jvp, wrt=("t", "y"))
def log_softmax_jvp_(t, y, axis=None, *, ans, ans_bar):
    return log_softmax_grad(ans_bar, y, axis), -(np.exp(y) * t * np.sum(ans_bar, axis=axis, keepdims=True))


@tangent(log_softmax_jvp, wrt=("t", "y"))
def log_softmax_jvp_tangent(t, y, axis=None, *, ans, t_dot, y_dot):
    return log_softmax_jvp(t_dot, y, axis) - np.sum(y_dot * (np.exp(y) * t), axis=axis, keepdims=True)


# logsumexp_grad(g, a, lse) = unreduce(g) w with w = b exp(a - lse): dw = w (da - d lse) + exp(a - lse) db.
@adjoint(logsumexp_grad, wrt=("g", "a", "lse", "b"), unbroadcast=True)
def logsumexp_grad_(g, a, lse, axis=None, b=None, keepdims=False, *, ans, ans_bar):
    w = logsumexp_weights(a, lse, axis, b, keepdims)
    h = ans_bar * unreduce(g, w, axis, keepdims)
    return (np.sum(ans_bar * w, axis=axis, keepdims=keepdims), h * w, -np.sum(h * w, axis=axis, keepdims=keepdims),
            h * logsumexp_weights(a, lse, axis, None, keepdims))


@tangent(logsumexp_grad, wrt=("g", "a", "lse", "b"), broadcast=True)
def logsumexp_grad_tangent(g, a, lse, axis=None, b=None, keepdims=False, *, ans, g_dot, a_dot, lse_dot, b_dot):
    w = logsumexp_weights(a, lse, axis, b, keepdims)
    full = unreduce(g, w, axis, keepdims)
    return (unreduce(g_dot, w, axis, keepdims) * w + a_dot * (full * w) - unreduce(lse_dot, w, axis, keepdims) * (full * w)
            + b_dot * (full * logsumexp_weights(a, lse, axis, None, keepdims)))


# logsumexp_jvp(t, a, lse) = sum(w t).
@adjoint(logsumexp_jvp, wrt=("t", "a", "lse", "b"), unbroadcast=True)
def logsumexp_jvp_(t, a, lse, axis=None, b=None, keepdims=False, *, ans, ans_bar):
    w = logsumexp_weights(a, lse, axis, b, keepdims)
    h = unreduce(ans_bar, w, axis, keepdims) * w
    return (h, h * t, -np.sum(h * t, axis=axis, keepdims=keepdims),
            unreduce(ans_bar, w, axis, keepdims) * logsumexp_weights(a, lse, axis, None, keepdims) * t)


@tangent(logsumexp_jvp, wrt=("t", "a", "lse", "b"))
def logsumexp_jvp_tangent(t, a, lse, axis=None, b=None, keepdims=False, *, ans, t_dot, a_dot, lse_dot, b_dot):
    w = logsumexp_weights(a, lse, axis, b, keepdims)
    return (logsumexp_jvp(t_dot, a, lse, axis, b, keepdims) + np.sum(a_dot * (w * t), axis=axis, keepdims=keepdims)
            - lse_dot * np.sum(w * t, axis=axis, keepdims=keepdims)
            + np.sum(b_dot * (logsumexp_weights(a, lse, axis, None, keepdims) * t), axis=axis, keepdims=keepdims))


# slogdet_grad(g, a) = g[1] inv(a).T (the sign's adjoint g[0] is unused) and
# slogdet_jvp(t, a, result) = (0, sum(inv(a).T t)); with m = inv(a).T, d m = -m da.T m. Real matrices only:
# for a complex one the sign moves too (s2s.runtime.slogdet_grad), which these rules do not follow yet.
SLOGDET_TWICE = "np.linalg.slogdet (its second derivative, for complex matrices)"
@adjoint(slogdet_grad, wrt=("g", "a"))
def slogdet_grad_(g, a, *, ans, ans_bar):
    inv_t = np.swapaxes(np.linalg.inv(refuse_complex(a, SLOGDET_TWICE)), -1, -2)
    scale = np.expand_dims(g[1], (-2, -1))
    return (zeros_like(g[0]), np.sum(ans_bar * inv_t, axis=(-2, -1))), -(scale * (inv_t @ np.swapaxes(ans_bar, -1, -2) @ inv_t))


@tangent(slogdet_grad, wrt=("g", "a"))
def slogdet_grad_tangent(g, a, *, ans, g_dot, a_dot):
    inv_t = np.swapaxes(np.linalg.inv(refuse_complex(a, SLOGDET_TWICE)), -1, -2)
    return slogdet_grad(g_dot, a) - np.expand_dims(g[1], (-2, -1)) * (inv_t @ np.swapaxes(a_dot, -1, -2) @ inv_t)


@adjoint(slogdet_jvp, wrt=("t", "a"))
def slogdet_jvp_(t, a, result, *, ans, ans_bar):
    inv_t = np.swapaxes(np.linalg.inv(refuse_complex(a, SLOGDET_TWICE)), -1, -2)
    scale = np.expand_dims(ans_bar[1], (-2, -1))
    return scale * inv_t, -(scale * (inv_t @ np.swapaxes(t, -1, -2) @ inv_t))


@tangent(slogdet_jvp, wrt=("t", "a"))
def slogdet_jvp_tangent(t, a, result, *, ans, t_dot, a_dot):
    return slogdet_jvp(t_dot - a_dot @ np.linalg.inv(refuse_complex(a, SLOGDET_TWICE)) @ t, a, result)


# vecdot_grad(g, other) = g[..., None] * other and the matvec helpers: bilinear.
@adjoint(vecdot_grad, wrt=("g", "other"), unbroadcast=True)
def vecdot_grad_(g, other, axis=-1, *, ans, ans_bar):
    return np.sum(ans_bar * other, axis=axis), ans_bar * np.expand_dims(g, axis)


@tangent(vecdot_grad, wrt=("g", "other"), broadcast=True)
def vecdot_grad_tangent(g, other, axis=-1, *, ans, g_dot, other_dot):
    return vecdot_grad(g_dot, other, axis) + vecdot_grad(g, other_dot, axis)


@adjoint(matvec_grad1, wrt=("g", "x2"), unbroadcast=True)
def matvec_grad1_(g, x1, x2, *, ans, ans_bar):
    return np.sum(ans_bar * np.expand_dims(x2, -2), axis=-1), np.sum(ans_bar * np.expand_dims(g, -1), axis=-2)


@tangent(matvec_grad1, wrt=("g", "x2"))
def matvec_grad1_tangent(g, x1, x2, *, ans, g_dot, x2_dot):
    return matvec_grad1(g_dot, x1, x2) + matvec_grad1(g, x1, x2_dot)


@adjoint(matvec_grad2, wrt=("g", "x1"), unbroadcast=True)
def matvec_grad2_(g, x1, x2, *, ans, ans_bar):
    return np.sum(x1 * np.expand_dims(ans_bar, -2), axis=-1), np.expand_dims(g, -1) * np.expand_dims(ans_bar, -2)


@tangent(matvec_grad2, wrt=("g", "x1"))
def matvec_grad2_tangent(g, x1, x2, *, ans, g_dot, x1_dot):
    return matvec_grad2(g_dot, x1, x2) + matvec_grad2(g, x1_dot, x2)


# ----------------------------------------------------------- issue 6: numpy coverage
# absorb_zeros(a, r) is r except where a == 0 and r is NaN (0 * inf), where it
# is the constant 0: linear in r, a and r's NaNs read as a mask.
@adjoint(absorb_zeros, wrt="r")
def absorb_zeros_(a, r, *, ans, ans_bar):
    return np.where((np.asarray(a) == 0) & np.isnan(r), 0, ans_bar)


@tangent(absorb_zeros, wrt="r")
def absorb_zeros_tangent(a, r, *, ans, r_dot):
    return np.where((np.asarray(a) == 0) & np.isnan(r), np.zeros_like(ans), r_dot)


# tie_weight(w, x, other) is w, or the constant 1/2 where x and other are the same infinity.
@adjoint(tie_weight, wrt="w")
def tie_weight_(w, x, other, *, ans, ans_bar):
    return np.where(np.isinf(x) & (np.asarray(x) == other), 0, ans_bar)


@tangent(tie_weight, wrt="w")
def tie_weight_tangent(w, x, other, *, ans, w_dot):
    return np.where(np.isinf(x) & (np.asarray(x) == other), np.zeros_like(ans), w_dot)


@linear(masked, wrt="c")
def masked_(c, where=True, *, ans, ans_bar):
    return masked(ans_bar, where)


# pieces are read for their shapes only.
@linear(unsplit, wrt="g")
def unsplit_(g, pieces, axis=0, *, ans, ans_bar):
    return unconcatenate(ans_bar, pieces, axis)


@linear(undstack, wrt="g")
def undstack_(g, tup, *, ans, ans_bar):
    return np.dstack(ans_bar)


@linear(uncolumn_stack, wrt="g")
def uncolumn_stack_(g, tup, *, ans, ans_bar):
    return np.column_stack(ans_bar)


@linear(pad_grad, wrt="g")
def pad_grad_(g, array, pad_width, mode="constant", *, ans, ans_bar):
    return np.pad(ans_bar, pad_width, mode=mode)


@linear(take_along_axis_grad, wrt="g")
def take_along_axis_grad_(g, arr, indices, axis=-1, *, ans, ans_bar):
    return np.take_along_axis(ans_bar, indices, axis)


@linear(select_choice_grad, wrt="g")
def select_choice_grad_(g, condlist, choicelist, *, ans, ans_bar):
    return broadcast_like(np.select(condlist, ans_bar, 0.0), g)


@linear(select_default_grad, wrt="g")
def select_default_grad_(g, condlist, default, *, ans, ans_bar):
    return np.where(select_masks(condlist)[-1], broadcast_like(ans_bar, g), 0)


@linear(ediff1d_grad, wrt="g")
def ediff1d_grad_(g, ary, *, ans, ans_bar):
    return np.ediff1d(ans_bar)


# interp_grad and interp_jvp transpose each other (the weights are piecewise constant in x).
@linear(interp_grad, wrt="g")
def interp_grad_(g, x, xp, fp, *, ans, ans_bar):
    return interp_jvp(ans_bar, x, xp, fp)


@linear(interp_jvp, wrt="t")
def interp_jvp_(t, x, xp, fp, *, ans, ans_bar):
    return interp_grad(ans_bar, x, xp, fp)



@linear(delete_grad, wrt="g")
def delete_grad_(g, arr, obj, axis=None, *, ans, ans_bar):
    return np.delete(ans_bar, obj, axis)


# insert_grad returns the pair (arr's adjoint, values' adjoint); its transpose inserts the second into the first.
@linear(insert_grad, wrt="g")
def insert_grad_(g, arr, obj, values, axis=None, *, ans, ans_bar):
    return broadcast_like(np.insert(read_at(ans_bar, 0), obj, read_at(ans_bar, 1), axis), g)


# quantile_grad and quantile_jvp transpose each other (the sort order is piecewise constant).
@linear(quantile_grad, wrt="g")
def quantile_grad_(g, a, q, axis=None, keepdims=False, *, ans, ans_bar):
    return quantile_jvp(ans_bar, a, q, axis, keepdims)


@linear(quantile_jvp, wrt="t_a")
def quantile_jvp_(t_a, a, q, axis=None, keepdims=False, *, ans, ans_bar):
    return quantile_grad(ans_bar, a, q, axis, keepdims)


# filled(a, where, value) is affine in a (value is a constant): its tangent drops value.
@linear(filled, wrt="a")
def filled_(a, where=True, value=0.0, *, ans, ans_bar):
    return masked(ans_bar, where)


@tangent(filled, wrt="a")
def filled_tangent(a, where=True, value=0.0, *, ans, a_dot):
    return masked(a_dot, where)


# diff_grads (g -> the adjoint triple) and diff_concat transpose each other.
@linear(diff_grads, wrt="g")
def diff_grads_(g, a, n=1, axis=-1, prepend=None, append=None, *, ans, ans_bar):
    return diff_concat(ans_bar, a, n, axis, prepend, append)


@linear(diff_concat, wrt="h")
def diff_concat_(h, a, n=1, axis=-1, prepend=None, append=None, *, ans, ans_bar):
    return diff_grads(ans_bar, a, n, axis, prepend, append)


# linspace_grad reads start and stop for their shapes only; its transpose is linspace itself.
@linear(linspace_grad, wrt="g")
def linspace_grad_(g, start, stop, num=50, endpoint=True, axis=0, *, ans, ans_bar):
    return np.linspace(read_at(ans_bar, 0), read_at(ans_bar, 1), num, endpoint, axis=axis)


# The transpose of summing repeated copies is copying: resize itself.
@linear(resize_grad, wrt="g")
def resize_grad_(g, a, new_shape, *, ans, ans_bar):
    return np.resize(ans_bar, new_shape)


@elementwise(inverse, singular=True)
def inverse_(x, ans):
    return -ans * ans



# ----------------------------------------------------------- second-order rules of the reductions, norms and einsum
# Helpers for them are in the s2s.runtime package (s2s/runtime/second_order*.py).
# prod_grad(g, a) = unreduce(g) * others(a) * initial, others_i = prod of a_k, k != i in i's group;
# d others_j / d a_i = d others_i / d a_j (symmetric), so both the adjoint and the tangent in a are
# prod_others_jvp (the tangent of others).
@adjoint(prod_grad, wrt=("g", "a"))
def prod_grad_(g, a, axis=None, keepdims=False, initial=1, *, ans, ans_bar):
    return (np.sum(ans_bar * prod_grad(np.ones_like(g), a, axis, keepdims, initial), axis=axis, keepdims=keepdims),
            prod_others_jvp(ans_bar * unreduce(g, a, axis, keepdims), a, axis, initial))


@tangent(prod_grad, wrt=("g", "a"))
def prod_grad_tangent(g, a, axis=None, keepdims=False, initial=1, *, ans, g_dot, a_dot):
    return (prod_grad(g_dot, a, axis, keepdims, initial)
            + unreduce(g, a, axis, keepdims) * prod_others_jvp(a_dot, a, axis, initial))


# cumprod_grad(g, a) = D cumprod(a)^T g and cumprod_jvp(t, a) = D cumprod(a) t transpose each other in g, t;
# in a both are the symmetric second derivative D^2 cumprod(a)[., .] (cumprod_hvp, cumprod_hvp_grad).
# ``result`` (cumprod(a)) is read for its shape only: the helpers recompute it.
@adjoint(cumprod_grad, wrt=("g", "a"))
def cumprod_grad_(g, a, result, axis=None, *, ans, ans_bar):
    return cumprod_jvp(ans_bar, a, result, axis), cumprod_hvp_grad(g, ans_bar, a, axis)


@tangent(cumprod_grad, wrt=("g", "a"))
def cumprod_grad_tangent(g, a, result, axis=None, *, ans, g_dot, a_dot):
    return cumprod_grad(g_dot, a, result, axis) + cumprod_hvp_grad(g, a_dot, a, axis)


@adjoint(cumprod_jvp, wrt=("t", "a"))
def cumprod_jvp_(t, a, result, axis=None, *, ans, ans_bar):
    return broadcast_like(cumprod_grad(ans_bar, a, result, axis), t), cumprod_hvp_grad(ans_bar, t, a, axis)


@tangent(cumprod_jvp, wrt=("t", "a"))
def cumprod_jvp_tangent(t, a, result, axis=None, *, ans, t_dot, a_dot):
    return cumprod_jvp(t_dot, a, result, axis) + cumprod_hvp(t, a_dot, a, axis)


# norm_grad(g, x, result) is linear in g (norm_jvp is its transpose), elementwise in x and depends on the
# norm ``result`` of its group: norm_grad_partials gives both derivatives, scaled by g.
@adjoint(norm_grad, wrt=("g", "x", "result"))
def norm_grad_(g, x, result, ord=None, axis=None, keepdims=False, *, ans, ans_bar):
    d = norm_grad_partials(g, x, result, ord, axis, keepdims)
    return (norm_jvp(ans_bar, x, result, ord, axis, keepdims), norm_x_vjp(ans_bar, d, x),
            unreduce_grad(ans_bar * d[1], result, axis, keepdims))


@tangent(norm_grad, wrt=("g", "x", "result"))
def norm_grad_tangent(g, x, result, ord=None, axis=None, keepdims=False, *, ans, g_dot, x_dot, result_dot):
    d = norm_grad_partials(g, x, result, ord, axis, keepdims)
    return (norm_grad(g_dot, x, result, ord, axis, keepdims) + norm_x_jvp(x_dot, d, x)
            + unreduce(result_dot, x, axis, keepdims) * d[1])


@adjoint(norm_jvp, wrt=("t", "x", "result"))
def norm_jvp_(t, x, result, ord=None, axis=None, keepdims=False, *, ans, ans_bar):
    d = norm_grad_partials(ans_bar, x, result, ord, axis, keepdims)
    return (norm_grad(ans_bar, x, result, ord, axis, keepdims), norm_x_vjp(t, d, x),
            unreduce_grad(t * d[1], result, axis, keepdims))


@tangent(norm_jvp, wrt=("t", "x", "result"))
def norm_jvp_tangent(t, x, result, ord=None, axis=None, keepdims=False, *, ans, t_dot, x_dot, result_dot):
    d = norm_grad_partials(np.ones_like(result), x, result, ord, axis, keepdims)
    return (norm_jvp(t_dot, x, result, ord, axis, keepdims) + unreduce_grad(norm_x_pair(t, x_dot, d, x), result, axis, keepdims)
            + result_dot * np.real(unreduce_grad(t * d[1], result, axis, keepdims)))


if hasattr(np.linalg, "vector_norm"):
    @adjoint(vector_norm_grad, wrt=("g", "x", "result"))
    def vector_norm_grad_(g, x, result, axis=None, keepdims=False, ord=2, *, ans, ans_bar):
        d = norm_grad_partials(g, x, result, ord, axis, keepdims, True)
        return (vector_norm_jvp(ans_bar, x, result, axis, keepdims, ord), norm_x_vjp(ans_bar, d, x),
                unreduce_grad(ans_bar * d[1], result, axis, keepdims))

    @tangent(vector_norm_grad, wrt=("g", "x", "result"))
    def vector_norm_grad_tangent(g, x, result, axis=None, keepdims=False, ord=2, *, ans, g_dot, x_dot, result_dot):
        d = norm_grad_partials(g, x, result, ord, axis, keepdims, True)
        return (vector_norm_grad(g_dot, x, result, axis, keepdims, ord) + norm_x_jvp(x_dot, d, x)
                + unreduce(result_dot, x, axis, keepdims) * d[1])

    @adjoint(vector_norm_jvp, wrt=("t", "x", "result"))
    def vector_norm_jvp_(t, x, result, axis=None, keepdims=False, ord=2, *, ans, ans_bar):
        d = norm_grad_partials(ans_bar, x, result, ord, axis, keepdims, True)
        return (vector_norm_grad(ans_bar, x, result, axis, keepdims, ord), norm_x_vjp(t, d, x),
                unreduce_grad(t * d[1], result, axis, keepdims))

    @tangent(vector_norm_jvp, wrt=("t", "x", "result"))
    def vector_norm_jvp_tangent(t, x, result, axis=None, keepdims=False, ord=2, *, ans, t_dot, x_dot, result_dot):
        d = norm_grad_partials(np.ones_like(result), x, result, ord, axis, keepdims, True)
        return (vector_norm_jvp(t_dot, x, result, axis, keepdims, ord)
                + unreduce_grad(norm_x_pair(t, x_dot, d, x), result, axis, keepdims)
                + result_dot * np.real(unreduce_grad(t * d[1], result, axis, keepdims)))


# einsum_grad(g, s, ops, i) and einsum_jvp(t, s, ops, i) are linear in g (t) and in each operand but the i-th
# (which they read for its shape only): transposes of each other in g, t.
@adjoint(einsum_grad, wrt=("g", "operands"))
def einsum_grad_(g, subscripts, operands, i, *, ans, ans_bar):
    return einsum_jvp(ans_bar, subscripts, operands, i), einsum_grad_others(g, subscripts, operands, i, ans_bar)


@tangent(einsum_grad, wrt=("g", "operands"))
def einsum_grad_tangent(g, subscripts, operands, i, *, ans, g_dot, operands_dot):
    return (einsum_grad(g_dot, subscripts, operands, i)
            + einsum_others_jvp(g, subscripts, operands, i, operands_dot, True))


@adjoint(einsum_jvp, wrt=("t", "operands"))
def einsum_jvp_(t, subscripts, operands, i, *, ans, ans_bar):
    return einsum_grad(ans_bar, subscripts, operands, i), einsum_grad_others(ans_bar, subscripts, operands, i, t)


@tangent(einsum_jvp, wrt=("t", "operands"))
def einsum_jvp_tangent(t, subscripts, operands, i, *, ans, t_dot, operands_dot):
    return einsum_jvp(t_dot, subscripts, operands, i) + einsum_others_jvp(t, subscripts, operands, i, operands_dot)


# logsumexp_weights(a, lse, b) = b exp(a - lse): dw = w (da - d lse) + exp(a - lse) db.
@adjoint(logsumexp_weights, wrt=("a", "lse", "b"), unbroadcast=True)
def logsumexp_weights_(a, lse, axis=None, b=None, keepdims=False, *, ans, ans_bar):
    return (ans_bar * ans, -unreduce_grad(ans_bar * ans, lse, axis, keepdims),
            ans_bar * logsumexp_weights(a, lse, axis, None, keepdims))


@tangent(logsumexp_weights, wrt=("a", "lse", "b"), broadcast=True)
def logsumexp_weights_tangent(a, lse, axis=None, b=None, keepdims=False, *, ans, a_dot, lse_dot, b_dot):
    return (a_dot * ans - unreduce(lse_dot, ans, axis, keepdims) * ans
            + b_dot * logsumexp_weights(a, lse, axis, None, keepdims))


# multi_dot_grad(g, arrays) and multi_dot_jvp(t, arrays) are linear in g (t), transposes of each other, and
# multilinear in the arrays: multi_dot_grad_others and multi_dot_hvp put two tangents or adjoints in two slots.
@adjoint(multi_dot_grad, wrt=("g", "arrays"))
def multi_dot_grad_(g, arrays, *, ans, ans_bar):
    return multi_dot_jvp(ans_bar, arrays), multi_dot_grad_others(g, arrays, ans_bar)


@tangent(multi_dot_grad, wrt=("g", "arrays"))
def multi_dot_grad_tangent(g, arrays, *, ans, g_dot, arrays_dot):
    # lists: ``add`` adds them elementwise
    return add(multi_dot_grad(g_dot, arrays), multi_dot_grad_others(g, arrays, arrays_dot))


@adjoint(multi_dot_jvp, wrt=("t", "arrays"))
def multi_dot_jvp_(t, arrays, *, ans, ans_bar):
    return multi_dot_grad(ans_bar, arrays), multi_dot_grad_others(ans_bar, arrays, t)


@tangent(multi_dot_jvp, wrt=("t", "arrays"))
def multi_dot_jvp_tangent(t, arrays, *, ans, t_dot, arrays_dot):
    return multi_dot_jvp(t_dot, arrays) + multi_dot_hvp(t, arrays_dot, arrays)


# matrix_power_grad(g, a, n) = D(a^n)^T g and matrix_power_jvp(t, a, n) = D(a^n) t; in a both are the
# symmetric second derivative D^2(a^n)[., .] (matrix_power_hvp, matrix_power_hvp_grad; n < 0 through inv).
@adjoint(matrix_power_grad, wrt=("g", "a"))
def matrix_power_grad_(g, a, n, *, ans, ans_bar):
    return matrix_power_jvp(ans_bar, a, n), matrix_power_hvp_grad(g, ans_bar, a, n)


@tangent(matrix_power_grad, wrt=("g", "a"))
def matrix_power_grad_tangent(g, a, n, *, ans, g_dot, a_dot):
    return matrix_power_grad(g_dot, a, n) + matrix_power_hvp_grad(g, a_dot, a, n)


@adjoint(matrix_power_jvp, wrt=("t", "a"))
def matrix_power_jvp_(t, a, n, *, ans, ans_bar):
    return matrix_power_grad(ans_bar, a, n), matrix_power_hvp_grad(ans_bar, t, a, n)


@tangent(matrix_power_jvp, wrt=("t", "a"))
def matrix_power_jvp_tangent(t, a, n, *, ans, t_dot, a_dot):
    return matrix_power_jvp(t_dot, a, n) + matrix_power_hvp(t, a_dot, a, n)


# logsumexp_b_grad(g, a, lse) = unreduce(g) exp(a - lse) and logsumexp_b_jvp(t, a, lse) = sum(exp(a - lse) t):
# transposes of each other in g, t; b is read for its shape only.
@adjoint(logsumexp_b_grad, wrt=("g", "a", "lse"), unbroadcast=True)
def logsumexp_b_grad_(g, a, lse, axis=None, b=None, keepdims=False, *, ans, ans_bar):
    return (logsumexp_b_jvp(ans_bar, a, lse, axis, b, keepdims), ans_bar * ans,
            -unreduce_grad(ans_bar * ans, lse, axis, keepdims))


@tangent(logsumexp_b_grad, wrt=("g", "a", "lse"), broadcast=True)
def logsumexp_b_grad_tangent(g, a, lse, axis=None, b=None, keepdims=False, *, ans, g_dot, a_dot, lse_dot):
    return (logsumexp_b_grad(g_dot, a, lse, axis, b, keepdims) + a_dot * ans
            - unreduce(lse_dot, ans, axis, keepdims) * ans)


@adjoint(logsumexp_b_jvp, wrt=("t", "a", "lse"), unbroadcast=True)
def logsumexp_b_jvp_(t, a, lse, axis=None, b=None, keepdims=False, *, ans, ans_bar):
    h = logsumexp_b_grad(ans_bar, a, lse, axis, b, keepdims)
    return h, h * t, -(ans_bar * ans)


@tangent(logsumexp_b_jvp, wrt=("t", "a", "lse"), broadcast=True)
def logsumexp_b_jvp_tangent(t, a, lse, axis=None, b=None, keepdims=False, *, ans, t_dot, a_dot, lse_dot):
    return (logsumexp_b_jvp(t_dot, a, lse, axis, b, keepdims) + logsumexp_b_jvp(a_dot * t, a, lse, axis, b, keepdims)
            - lse_dot * ans)


# ----------------------------------------------------------- second-order rules of scipy.linalg.solve_triangular
# With op = triangle_part(a, ..., adjoint=True) (plus the unit diagonal), the matrix solved with:
# solve_triangular_grad2(g) = solve(op.T, g), solve_triangular_grad1(b_bar, x) = triangle_part(-b_bar x.T),
# solve_triangular_jvp(ta, tb, a, x) = solve(op, tb - triangle_part(ta, adjoint=True) x). Solving with op
# (not op.T) is solve_triangular_grad2 with trans flipped; b and x are read for their number of axes only.
@linear(triangle_part, wrt="h")
def triangle_part_(h, trans=0, lower=False, unit_diagonal=False, adjoint=False, *, ans, ans_bar):
    return triangle_part(ans_bar, trans, lower, unit_diagonal, not adjoint)


# triangle_of is affine in a: the unit diagonal is a constant.
@adjoint(triangle_of, wrt="a")
def triangle_of_(a, lower=False, unit_diagonal=False, *, ans, ans_bar):
    return triangle_part(ans_bar, 0, lower, unit_diagonal)


@tangent(triangle_of, wrt="a")
def triangle_of_tangent(a, lower=False, unit_diagonal=False, *, ans, a_dot):
    return triangle_part(a_dot, 0, lower, unit_diagonal)


@adjoint(solve_triangular_grad2, wrt=("g", "a"))
def solve_triangular_grad2_(g, a, b, trans=0, lower=False, unit_diagonal=False, *, ans, ans_bar):
    s = solve_triangular_grad2(ans_bar, a, b, {0: 1, "N": 1, 1: 0, "T": 0, 2: 0, "C": 0}[trans], lower, unit_diagonal)
    return s, solve_triangular_grad1(ans, a, s, b, trans, lower, unit_diagonal)


@tangent(solve_triangular_grad2, wrt=("g", "a"))
def solve_triangular_grad2_tangent(g, a, b, trans=0, lower=False, unit_diagonal=False, *, ans, g_dot, a_dot):
    flipped = {0: 1, "N": 1, 1: 0, "T": 0, 2: 0, "C": 0}[trans]
    return (solve_triangular_grad2(g_dot, a, b, trans, lower, unit_diagonal)
            + solve_triangular_jvp(a_dot, 0.0, a, ans, flipped, lower, unit_diagonal))


@adjoint(solve_triangular_grad1, wrt=("b_bar", "result"))
def solve_triangular_grad1_(b_bar, a, result, b, trans=0, lower=False, unit_diagonal=False, *, ans, ans_bar):
    k = triangle_part(ans_bar, trans, lower, unit_diagonal, True)
    return -solve_matmul(k, result, b), -solve_matmul(np.swapaxes(k, -1, -2), b_bar, b)


@tangent(solve_triangular_grad1, wrt=("b_bar", "result"))
def solve_triangular_grad1_tangent(b_bar, a, result, b, trans=0, lower=False, unit_diagonal=False, *, ans,
                                   b_bar_dot, result_dot):
    return (solve_triangular_grad1(b_bar_dot, a, result, b, trans, lower, unit_diagonal)
            + solve_triangular_grad1(b_bar, a, result_dot, b, trans, lower, unit_diagonal))


# The parameters are renamed (ta, tb: the tangents of a and b) so that their own tangents do not clash with a_dot.
@adjoint(solve_triangular_jvp, wrt=("ta", "tb", "a", "result"))
def solve_triangular_jvp_(ta, tb, a, result, trans=0, lower=False, unit_diagonal=False, *, ans, ans_bar):
    s = solve_triangular_grad2(ans_bar, a, result, trans, lower, unit_diagonal)
    flipped = {0: 1, "N": 1, 1: 0, "T": 0, 2: 0, "C": 0}[trans]
    return (solve_triangular_grad1(s, a, result, result, trans, lower, unit_diagonal), s,
            solve_triangular_grad1(s, a, ans, result, trans, lower, unit_diagonal),
            -solve_matmul(triangle_part(ta, flipped, lower, unit_diagonal, True), s, result))


@tangent(solve_triangular_jvp, wrt=("ta", "tb", "a", "result"))
def solve_triangular_jvp_tangent(ta, tb, a, result, trans=0, lower=False, unit_diagonal=False, *, ans, ta_dot, tb_dot,
                                 a_dot, result_dot):
    return (solve_triangular_jvp(ta_dot, tb_dot, a, result, trans, lower, unit_diagonal)
            + solve_triangular_jvp(ta, 0.0, a, result_dot, trans, lower, unit_diagonal)
            + solve_triangular_jvp(a_dot, 0.0, a, ans, trans, lower, unit_diagonal))


# ----------------------------------------------------------- second-order rules of scipy.linalg.cho_solve
# cho_solve_grad(g, (c, lower), b, x) and cho_solve_jvp(cl_t, b_t, (c, lower), b, x) are dense in the factor;
# their adjoints and tangents are written out in s2s.runtime (cho_solve_grad_vjp, ...). b: number of axes only.
@adjoint(cho_solve_grad, wrt=("g", "c_and_lower", "result"))
def cho_solve_grad_(g, c_and_lower, b, result, *, ans, ans_bar):
    bars = cho_solve_grad_vjp(ans_bar, g, c_and_lower, b, result)
    return bars[0], bars[1], bars[2]


@tangent(cho_solve_grad, wrt=("g", "c_and_lower", "result"))
def cho_solve_grad_tangent(g, c_and_lower, b, result, *, ans, g_dot, c_and_lower_dot, result_dot):
    return cho_solve_grad_jvp(g_dot, c_and_lower_dot, result_dot, g, c_and_lower, b, result)


# (cl_t, b_t: the tangents of c_and_lower and b, renamed so that their own tangents do not clash.)
@adjoint(cho_solve_jvp, wrt=("cl_t", "b_t", "c_and_lower", "result"))
def cho_solve_jvp_(cl_t, b_t, c_and_lower, b, result, *, ans, ans_bar):
    bars = cho_solve_jvp_vjp(ans_bar, cl_t, b_t, c_and_lower, b, result)
    return bars[0], bars[1], bars[2], bars[3]


@tangent(cho_solve_jvp, wrt=("cl_t", "b_t", "c_and_lower", "result"))
def cho_solve_jvp_tangent(cl_t, b_t, c_and_lower, b, result, *, ans, cl_t_dot, b_t_dot, c_and_lower_dot, result_dot):
    return (cho_solve_jvp(cl_t_dot, b_t_dot, c_and_lower, b, result)
            + cho_solve_jvp_jvp(cl_t, b_t, c_and_lower_dot, result_dot, c_and_lower, b, result))


# ----------------------------------------------------------- second-order rules of scipy.linalg.cholesky
# scipy_cholesky_grad(g, L) = lower_grad(sym(L^-T phi(L^T g) L^-1)) and scipy_cholesky_jvp(t, L) =
# L phi(L^-1 sym(t) L^-T) (transposed when not lower): written out in s2s.runtime (scipy_cholesky_grad_vjp, ...).
@adjoint(scipy_cholesky_grad, wrt=("g", "result"))
def scipy_cholesky_grad_(g, result, lower=False, *, ans, ans_bar):
    bars = scipy_cholesky_grad_vjp(ans_bar, g, result, lower)
    return bars[0], bars[1]


@tangent(scipy_cholesky_grad, wrt=("g", "result"))
def scipy_cholesky_grad_tangent(g, result, lower=False, *, ans, g_dot, result_dot):
    return scipy_cholesky_grad_jvp(g_dot, result_dot, g, result, lower)


@adjoint(scipy_cholesky_jvp, wrt=("t", "result"))
def scipy_cholesky_jvp_(t, result, lower=False, *, ans, ans_bar):
    bars = scipy_cholesky_jvp_vjp(ans_bar, t, result, lower)
    return bars[0], bars[1]


@tangent(scipy_cholesky_jvp, wrt=("t", "result"))
def scipy_cholesky_jvp_tangent(t, result, lower=False, *, ans, t_dot, result_dot):
    return scipy_cholesky_jvp_jvp(t_dot, result_dot, t, result, lower)


# ----------------------------------------------------------- second-order rules of scipy.linalg.cho_factor
# cho_factor_grad(g, a, (c, lower)) and cho_factor_jvp(t, a, (c, lower)): cholesky's helpers on the factor's
# triangle of c, plus the other triangle passed through (a is read for nothing).
@adjoint(cho_factor_grad, wrt=("g", "result"))
def cho_factor_grad_(g, a, result, *, ans, ans_bar):
    bars = cho_factor_grad_vjp(ans_bar, g, a, result)
    return bars[0], bars[1]


@tangent(cho_factor_grad, wrt=("g", "result"))
def cho_factor_grad_tangent(g, a, result, *, ans, g_dot, result_dot):
    return cho_factor_grad_jvp(g_dot, result_dot, g, a, result)


@adjoint(cho_factor_jvp, wrt=("t", "result"))
def cho_factor_jvp_(t, a, result, *, ans, ans_bar):
    bars = cho_factor_jvp_vjp(ans_bar, t, a, result)
    return bars[0], bars[1]


@tangent(cho_factor_jvp, wrt=("t", "result"))
def cho_factor_jvp_tangent(t, a, result, *, ans, t_dot, result_dot):
    return cho_factor_jvp_jvp(t_dot, result_dot, t, a, result)


# ----------------------------------------------------------- second-order rules of pinv's and eigvalsh's tangents
# pinv_jvp(t, a, x) is a sum of matrix monomials in t, a and x (x: the pseudo-inverse, read as given).
@adjoint(pinv_jvp, wrt=("t", "a", "result"))
def pinv_jvp_(t, a, result, *, ans, ans_bar):
    bars = pinv_jvp_vjp(ans_bar, t, a, result)
    return bars[0], bars[1], bars[2]


@tangent(pinv_jvp, wrt=("t", "a", "result"))
def pinv_jvp_tangent(t, a, result, *, ans, t_dot, a_dot, result_dot):
    return pinv_jvp_jvp(t_dot, a_dot, result_dot, t, a, result)


# eigvalsh_jvp(t, a) = Re diag(p), p = v^H herm(t) v: linear in t (its transpose is eigvalsh's adjoint); in a,
# d diag(p)_k = 2 sum_i Re(p_ik gaps_ik conj(q_ik)) with q = v^H herm(a_dot) v, gaps_ik = 1 / (w_k - w_i)
# (0 for ties); conj_of and np.real leave real matrices alone.
@adjoint(eigvalsh_jvp, wrt=("t", "a"))
def eigvalsh_jvp_(t, a, UPLO="L", *, ans, ans_bar):
    eig = np.linalg.eigh(a, UPLO)
    v = eig[1]
    v_t = np.swapaxes(v, -1, -2)
    v_c = conj_of(v)
    gaps = safe_divide(1.0, np.expand_dims(eig[0], -2) - np.expand_dims(eig[0], -1))
    p = conj_of(v_t) @ symmetric_from(t, UPLO) @ v
    weights = np.expand_dims(np.real(ans_bar), -2)
    return (lower_grad((v_c * weights) @ v_t, UPLO),
            lower_grad(v_c @ conj_of(2.0 * (p * gaps) * weights) @ v_t, UPLO))


@tangent(eigvalsh_jvp, wrt=("t", "a"))
def eigvalsh_jvp_tangent(t, a, UPLO="L", *, ans, t_dot, a_dot):
    eig = np.linalg.eigh(a, UPLO)
    v = eig[1]
    v_h = conj_of(np.swapaxes(v, -1, -2))
    gaps = safe_divide(1.0, np.expand_dims(eig[0], -2) - np.expand_dims(eig[0], -1))
    p = v_h @ symmetric_from(t, UPLO) @ v
    return eigvalsh_jvp(t_dot, a, UPLO) + 2.0 * np.sum(np.real((p * gaps) * conj_of(v_h @ symmetric_from(a_dot, UPLO) @ v)),
                                                       axis=-2)


# svd_grad for the singular values alone (compute_uv=False, svdvals): u diag(g) vh, whose derivative in a
# goes through the singular vectors' (svd_grad_vjp, svd_grad_jvp); with compute_uv=True they raise an S2SError.
@adjoint(svd_grad, wrt=("g", "a"))
def svd_grad_(g, a, result, full_matrices=True, compute_uv=True, *, ans, ans_bar):
    bars = svd_grad_vjp(ans_bar, g, a, result, full_matrices, compute_uv)
    return bars[0], bars[1]


@tangent(svd_grad, wrt=("g", "a"))
def svd_grad_tangent(g, a, result, full_matrices=True, compute_uv=True, *, ans, g_dot, a_dot):
    return svd_grad_jvp(g_dot, a_dot, g, a, result, full_matrices, compute_uv)

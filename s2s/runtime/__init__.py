"""Helpers that generated code calls at run time.

``s2s.runtime`` is the only package that generated code imports, and it imports
nothing from the rest of s2s: the command line copies its helpers into
standalone derivative files. Every helper is small, pure NumPy and documented
by what it returns, so that stepping through generated code in pdb stays easy.

Every helper is reached as ``s2s.runtime.<name>`` (rules for helpers are
registered on that name); this module only re-exports them. The modules of the
package group them by job, each importing only from the ones listed before it:

- core: errors; the helpers generated code calls (seed, cotangent, add, unbroadcast, add_at,
  finalize, ...) and their adjoints; the functions ndarray methods become
"""
from s2s.runtime.core import (_add_into, _basic_index, _is_zero, _rebuilt, absorb_zeros, add, add_at, appended,
                              ArgumentError, astype, average_grad, average_jvp, broadcast_like, cast_grad, cast_jvp,
                              cho_factor_grad, cho_factor_grad_jvp, cho_factor_grad_vjp, cho_factor_jvp,
                              cho_factor_jvp_jvp, cho_factor_jvp_vjp, cho_solve_grad, cho_solve_grad_jvp,
                              cho_solve_grad_vjp, cho_solve_jvp, cho_solve_jvp_jvp, cho_solve_jvp_vjp, clip_masks,
                              convolve_grad, convolve_grad2, copy, cotangent, cumprod_grad, cumprod_hvp,
                              cumprod_hvp_grad, cumprod_jvp, cumsum_grad, delete_grad, det_grad, detach, diag_grad,
                              diagonal_grad, diff_concat, diff_grad, diff_grads, dot_grad1, dot_grad2, ediff1d_grad,
                              eigh_jvp, eigvalsh_jvp, einsum_grad, einsum_grad_others, einsum_jvp, einsum_others_jvp,
                              expm_grad, expm_jvp, extremum_grad, extremum_jvp, extremum_reduce_grad,
                              extremum_reduce_jvp, filled, finalize, flatten, float_dtype, inner_grad1, inner_grad2,
                              insert_grad, interp_grad, interp_jvp, interp_slope, interp_weights, inverse, is_container,
                              item, item_grad, kron_grad, linspace_grad, log_positive, log_softmax_grad,
                              log_softmax_jvp, logsumexp_b_grad, logsumexp_b_jvp, logsumexp_grad, logsumexp_jvp,
                              logsumexp_weights, lower_grad, lstsq_grad, lstsq_jvp, masked, matmul_grad1, matmul_grad2,
                              matrix_power_grad, matrix_power_hvp, matrix_power_hvp_grad, matrix_power_jvp,
                              matvec_grad1, matvec_grad2, multi_dot_grad, multi_dot_grad_others, multi_dot_hvp,
                              multi_dot_jvp, nan_count, NonScalarOutputError, norm_grad, norm_grad_partials, norm_jvp,
                              NoRuleError, pad_grad, pinv_jvp, pinv_jvp_jvp, pinv_jvp_vjp, polyval_grad, polyval_slope,
                              power_base_grad, prod_grad, prod_others_jvp, qr_grad, qr_jvp, quantile_grad, quantile_jvp,
                              read_at, reduce_count, repeat_grad, resize_grad, S2SError, safe_divide,
                              scipy_cholesky_grad, scipy_cholesky_grad_jvp, scipy_cholesky_grad_vjp, scipy_cholesky_jvp,
                              scipy_cholesky_jvp_jvp, scipy_cholesky_jvp_vjp, seed, select_choice_grad,
                              select_default_grad, select_grad, select_masks, sinc_grad, slogdet_grad, slogdet_jvp,
                              snapshot, softmax_grad, solve_grad1, solve_grad2, solve_jvp1, solve_jvp2, solve_matmul,
                              solve_triangular_grad1, solve_triangular_grad2, solve_triangular_jvp, sort_grad, sort_jvp,
                              sqrtm_grad, sqrtm_jvp, stop_gradient, svd_grad, svd_grad_jvp, svd_grad_vjp, svd_jvp,
                              symmetric_from, take_along_axis_grad, take_grad, tensordot_grad1, tensordot_grad2,
                              tie_weight, tile_grad, trace_grad, trapezoid_grad, trapezoid_x_jvp, triangle_of,
                              triangle_part, unappended, unarray, unbroadcast, uncolumn_stack, unconcatenate, undstack,
                              unhstack, unread_at, unreduce, unreduce_grad, unsplit, unstack, unsum, untranspose,
                              unvstack, vecdot_grad, vector_norm_grad, vector_norm_jvp, zero_at, zeros_like)

# every helper, and the private ones s2s.batching uses
__all__ = ["_add_into", "_basic_index", "_is_zero", "_rebuilt", "absorb_zeros", "add", "add_at", "appended",
           "ArgumentError", "astype", "average_grad", "average_jvp", "broadcast_like", "cast_grad", "cast_jvp",
           "cho_factor_grad", "cho_factor_grad_jvp", "cho_factor_grad_vjp", "cho_factor_jvp", "cho_factor_jvp_jvp",
           "cho_factor_jvp_vjp", "cho_solve_grad", "cho_solve_grad_jvp", "cho_solve_grad_vjp", "cho_solve_jvp",
           "cho_solve_jvp_jvp", "cho_solve_jvp_vjp", "clip_masks", "convolve_grad", "convolve_grad2", "copy",
           "cotangent", "cumprod_grad", "cumprod_hvp", "cumprod_hvp_grad", "cumprod_jvp", "cumsum_grad", "delete_grad",
           "det_grad", "detach", "diag_grad", "diagonal_grad", "diff_concat", "diff_grad", "diff_grads", "dot_grad1",
           "dot_grad2", "ediff1d_grad", "eigh_jvp", "eigvalsh_jvp", "einsum_grad", "einsum_grad_others", "einsum_jvp",
           "einsum_others_jvp", "expm_grad", "expm_jvp", "extremum_grad", "extremum_jvp", "extremum_reduce_grad",
           "extremum_reduce_jvp", "filled", "finalize", "flatten", "float_dtype", "inner_grad1", "inner_grad2",
           "insert_grad", "interp_grad", "interp_jvp", "interp_slope", "interp_weights", "inverse", "is_container",
           "is_runtime", "item", "item_grad", "kron_grad", "linspace_grad", "log_positive", "log_softmax_grad",
           "log_softmax_jvp", "logsumexp_b_grad", "logsumexp_b_jvp", "logsumexp_grad", "logsumexp_jvp",
           "logsumexp_weights", "lower_grad", "lstsq_grad", "lstsq_jvp", "masked", "matmul_grad1", "matmul_grad2",
           "matrix_power_grad", "matrix_power_hvp", "matrix_power_hvp_grad", "matrix_power_jvp", "matvec_grad1",
           "matvec_grad2", "MODULES", "multi_dot_grad", "multi_dot_grad_others", "multi_dot_hvp", "multi_dot_jvp",
           "nan_count", "NonScalarOutputError", "norm_grad", "norm_grad_partials", "norm_jvp", "NoRuleError",
           "pad_grad", "pinv_jvp", "pinv_jvp_jvp", "pinv_jvp_vjp", "polyval_grad", "polyval_slope", "power_base_grad",
           "prod_grad", "prod_others_jvp", "qr_grad", "qr_jvp", "quantile_grad", "quantile_jvp", "read_at",
           "reduce_count", "repeat_grad", "resize_grad", "S2SError", "safe_divide", "scipy_cholesky_grad",
           "scipy_cholesky_grad_jvp", "scipy_cholesky_grad_vjp", "scipy_cholesky_jvp", "scipy_cholesky_jvp_jvp",
           "scipy_cholesky_jvp_vjp", "seed", "select_choice_grad", "select_default_grad", "select_grad",
           "select_masks", "sinc_grad", "slogdet_grad", "slogdet_jvp", "snapshot", "softmax_grad", "solve_grad1",
           "solve_grad2", "solve_jvp1", "solve_jvp2", "solve_matmul", "solve_triangular_grad1",
           "solve_triangular_grad2", "solve_triangular_jvp", "sort_grad", "sort_jvp", "sqrtm_grad", "sqrtm_jvp",
           "stop_gradient", "svd_grad", "svd_grad_jvp", "svd_grad_vjp", "svd_jvp", "symmetric_from",
           "take_along_axis_grad", "take_grad", "tensordot_grad1", "tensordot_grad2", "tie_weight", "tile_grad",
           "trace_grad", "trapezoid_grad", "trapezoid_x_jvp", "triangle_of", "triangle_part", "unappended", "unarray",
           "unbroadcast", "uncolumn_stack", "unconcatenate", "undstack", "unhstack", "unread_at", "unreduce",
           "unreduce_grad", "unsplit", "unstack", "unsum", "untranspose", "unvstack", "vecdot_grad",
           "vector_norm_grad", "vector_norm_jvp", "zero_at", "zeros_like"]

# the modules defining the helpers (the __module__ of every helper)
MODULES = ("s2s.runtime.core",)


def is_runtime(obj):
    """Whether ``obj`` is one of the helpers of this package (defined in one of its modules)."""
    return getattr(obj, "__module__", None) in MODULES

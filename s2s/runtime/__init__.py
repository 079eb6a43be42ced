"""Helpers that generated code calls at run time.

``s2s.runtime`` is the only package that generated code imports, and it imports
nothing from the rest of s2s: the command line copies its helpers into
standalone derivative files. Every helper is small, pure NumPy and documented
by what it returns, so that stepping through generated code in pdb stays easy.

Every helper is reached as ``s2s.runtime.<name>`` (rules for helpers are
registered on that name); this module only re-exports them. The modules of the
package group them by job, each importing only from the ones listed before it:

- trees: dicts, dataclasses, named tuples and objects: their entries, and rebuilding them (getfield)
- core: errors; the helpers generated code calls (seed, cotangent, add, unbroadcast, add_at,
  finalize, ...) and their adjoints; the functions that stand for ndarray methods
- elementwise: helpers of elementwise templates (arithmetic, where, select, clip, extrema)
- reductions: reductions and scans (prod, cumsum, cumprod, diff, average, quantile, logsumexp)
- linalg: products and norms (matmul, dot, tensordot, einsum, kron, det, solve, multi_dot, ...)
- shapes: shape and container primitives (sort, concatenate and its splits, take, pad, ...)
- numeric: NumPy's numerical routines (interp, convolve, ediff1d, polyval, trapezoid)
- hermitian: complex matrices in the decompositions (Hermitian triangles, eigenvector phases, qr, svd values)
- decompositions: matrix decompositions and functions of np.linalg and scipy.linalg
- least_squares: np.linalg.lstsq
- second_order: derivatives of the reductions' and products' helpers (higher order)
- second_order_factors: derivatives of the factorizations' helpers (higher order)
- complexes: helpers of the rules for complex values (abs, angle of complex numbers)
- fourier: the adjoints of np.fft's transforms
"""
from s2s.runtime.trees import (as_tangent, dict_copy, dict_entries, dict_of, drop_entry, entries, field_grad,
                               field_index, getfield, is_dict, is_differentiable_leaf, is_differentiable_leaf_tree,
                               is_named, is_record, mapping_keys, mismatch, path_text, rebuilt_like, record_dots,
                               record_entries, record_of, record_replace, replaced_dots, without_entries)
from s2s.runtime.core import (ArgumentError, ArrayLibraryError, ComplexInputError, ComplexOutputError, NoRuleError,
                              NonScalarOutputError, S2SError, add, add_at, add_into, apart, appended, astype,
                              broadcast_like, chunks_of, complex_fit, copy, cotangent, detach, finalize, flatten,
                              float_dtype, grown, is_basic_index, is_complex_dtype, is_container, is_zero, item,
                              may_hold, read_at, real_part, rebuilt, refuse_complex, rejoins, seed, seed_unread,
                              shrunk, snapshot, stop_gradient, unappended, unbroadcast, unread_at, unreduce,
                              unreduce_grad, unshared, zero_at, zero_gradient, zeros_like)
from s2s.runtime.elementwise import (absorb_zeros, clip_bound_grad, clip_from, clip_masks, extremum_grad,
                                     extremum_jvp, filled, inverse, log_positive, masked, power_base_grad,
                                     safe_divide, select_choice_grad, select_default_grad, select_grad, select_masks,
                                     sinc_grad, tie_weight)
from s2s.runtime.reductions import (average_grad, average_jvp, cumprod_grad, cumprod_jvp, cumsum_grad, diff_concat,
                                    diff_grad, diff_grads, extremum_reduce_grad, extremum_reduce_jvp,
                                    log_softmax_grad, log_softmax_jvp, logsumexp_b_grad, logsumexp_b_jvp,
                                    logsumexp_grad, logsumexp_jvp, logsumexp_weights, nan_count, prod_grad,
                                    quantile_grad, quantile_jvp, reduce_count, reduced_last, reduction_axes,
                                    softmax_grad)
from s2s.runtime.linalg import (det_grad, diag_grad, diagonal_grad, dot_grad1, dot_grad2, einsum_grad, einsum_jvp,
                                eye_like, inner_grad1, inner_grad2, kron_grad, matmul_grad1, matmul_grad2,
                                matrix_power_grad, matrix_power_jvp, matrix_powers, matvec_grad1, matvec_grad2,
                                multi_dot_grad, multi_dot_jvp, norm_axes, norm_grad, norm_jvp, solve_grad1,
                                solve_grad2, solve_jvp1, solve_jvp2, solve_matmul, swap_last_axes, tensordot_grad1,
                                tensordot_grad2, trace_grad, unreduced_norm_grad, vecdot_grad, vector_norm_grad,
                                vector_norm_jvp)
from s2s.runtime.shapes import (cast_grad, cast_jvp, column, delete_grad, insert_grad, item_grad, linspace_grad,
                                pad_grad, partition_grad, partition_jvp, partition_order, repeat_grad, resize_grad,
                                rollaxis_axes, sort_grad, sort_jvp, take_along_axis_grad, take_grad, tile_grad,
                                unarray, uncolumn_stack, unconcatenate, undstack, unhstack, unreshape, unsplit,
                                unstack, unsum, untranspose, unvstack)
from s2s.runtime.numeric import (convolve_grad, convolve_grad2, ediff1d_grad, gradient_grad, interp_grad, interp_jvp,
                                 interp_slope, interp_weights, polyval_grad, polyval_slope, trapezoid_grad,
                                 trapezoid_x_jvp)
from s2s.runtime.hermitian import (conj_swap, eigh_complex_jvp, eigh_phase_checked, lstsq_residual_jvp,
                                   pinv_complex_grad, pinv_complex_jvp, qr_complex_grad, qr_complex_jvp,
                                   residual_weights, svd_values_grad, svd_values_jvp)
from s2s.runtime.decompositions import (cho_apply, cho_factor_grad, cho_factor_jvp, cho_lower_factor,
                                        cho_other_triangle, cho_solve_grad, cho_solve_jvp, eigh_jvp, eigvalsh_jvp,
                                        expm_grad, expm_jvp, lower_grad, pinv_jvp, qr_grad, qr_jvp,
                                        scipy_cholesky_grad, scipy_cholesky_jvp, slogdet_grad, slogdet_jvp,
                                        solve_triangular_grad1, solve_triangular_grad2, solve_triangular_jvp,
                                        sqrtm_grad, sqrtm_jvp, svd_grad, svd_jvp, symmetric_from, triangle_of,
                                        triangular_trans, tril_half_diagonal, tuple_part)
from s2s.runtime.least_squares import (lstsq_grad, lstsq_jvp)
from s2s.runtime.second_order import (cumprod_hvp, cumprod_hvp_grad, einsum_grad_others, einsum_others_jvp,
                                      matrix_power_hvp, matrix_power_hvp_grad, multi_dot_grad_others, multi_dot_hvp,
                                      norm_grad_partials, norm_x_jvp, norm_x_pair, norm_x_vjp, prod_others_jvp,
                                      triangle_part)
from s2s.runtime.second_order_factors import (cho_factor_grad_jvp, cho_factor_grad_vjp, cho_factor_jvp_jvp,
                                              cho_factor_jvp_vjp, cho_solve_grad_jvp, cho_solve_grad_vjp,
                                              cho_solve_jvp_jvp, cho_solve_jvp_vjp, pinv_jvp_jvp, pinv_jvp_vjp,
                                              scipy_cholesky_grad_jvp, scipy_cholesky_grad_vjp,
                                              scipy_cholesky_jvp_jvp, scipy_cholesky_jvp_vjp, svd_grad_jvp,
                                              svd_grad_vjp)
from s2s.runtime.complexes import (conj_of, conj_sign, sign_slope)
from s2s.runtime.distributions import (dirichlet_alpha_grad, dirichlet_alpha_jvp, dirichlet_x_grad, dirichlet_x_jvp,
                                       mvn_cov_grad, mvn_cov_jvp, mvn_mean_grad, mvn_mean_jvp, mvn_x_grad, mvn_x_jvp)
from s2s.runtime.eigen import (eig_grad, eig_jvp, eigvals_grad, eigvals_jvp)
from s2s.runtime.fourier import (fft_axes, fft_fit, fft_grad, fftn_grad, hfft_grad, ifft_grad, ifftn_grad,
                                 ihfft_grad, irfft_grad, irfft_weights, irfftn_grad, rfft_grad, rfftn_grad,
                                 swap_norm)

# every helper
__all__ = ["ArgumentError", "ArrayLibraryError", "ComplexInputError", "ComplexOutputError", "MODULES",
           "NoRuleError", "NonScalarOutputError", "S2SError", "SHARED", "SUPPORT", "absorb_zeros", "add",
           "add_at", "add_into", "apart", "appended", "as_tangent", "astype", "average_grad", "average_jvp",
           "broadcast_like", "cast_grad", "cast_jvp", "cho_apply", "cho_factor_grad", "cho_factor_grad_jvp",
           "cho_factor_grad_vjp", "cho_factor_jvp", "cho_factor_jvp_jvp", "cho_factor_jvp_vjp",
           "cho_lower_factor", "cho_other_triangle", "cho_solve_grad", "cho_solve_grad_jvp",
           "cho_solve_grad_vjp", "cho_solve_jvp", "cho_solve_jvp_jvp", "cho_solve_jvp_vjp", "chunks_of",
           "clip_bound_grad", "clip_from", "clip_masks", "column", "complex_fit", "conj_of", "conj_sign",
           "conj_swap", "convolve_grad",
           "convolve_grad2", "copy", "cotangent", "cumprod_grad", "cumprod_hvp", "cumprod_hvp_grad",
           "cumprod_jvp", "cumsum_grad", "delete_grad", "det_grad", "detach", "diag_grad", "diagonal_grad",
           "dict_copy", "dict_entries", "dict_of", "diff_concat", "diff_grad", "diff_grads",
           "dirichlet_alpha_grad", "dirichlet_alpha_jvp", "dirichlet_x_grad", "dirichlet_x_jvp",
           "dot_grad1", "dot_grad2", "drop_entry", "ediff1d_grad", "eig_grad", "eig_jvp",
           "eigh_complex_jvp", "eigh_jvp", "eigh_phase_checked", "eigvals_grad", "eigvals_jvp",
           "eigvalsh_jvp", "einsum_grad", "einsum_grad_others", "einsum_jvp", "einsum_others_jvp",
           "entries", "expm_grad", "expm_jvp", "extremum_grad", "extremum_jvp", "extremum_reduce_grad",
           "extremum_reduce_jvp", "eye_like", "fft_axes", "fft_fit", "fft_grad", "fftn_grad", "field_grad",
           "field_index", "filled", "finalize", "flatten", "float_dtype", "getfield", "gradient_grad",
           "grown", "hfft_grad", "ifft_grad", "ifftn_grad", "ihfft_grad", "inner_grad1", "inner_grad2",
           "insert_grad", "interp_grad", "interp_jvp", "interp_slope", "interp_weights", "inverse",
           "irfft_grad", "irfft_weights", "irfftn_grad", "is_basic_index", "is_complex_dtype",
           "is_container", "is_dict", "is_differentiable_leaf", "is_differentiable_leaf_tree", "is_named",
           "is_record", "is_runtime", "is_zero", "item", "item_grad", "kron_grad", "linspace_grad",
           "log_positive", "log_softmax_grad", "log_softmax_jvp", "logsumexp_b_grad", "logsumexp_b_jvp",
           "logsumexp_grad", "logsumexp_jvp", "logsumexp_weights", "lower_grad", "lstsq_grad", "lstsq_jvp",
           "lstsq_residual_jvp", "mapping_keys", "masked", "matmul_grad1", "matmul_grad2",
           "matrix_power_grad", "matrix_power_hvp", "matrix_power_hvp_grad", "matrix_power_jvp",
           "matrix_powers", "matvec_grad1", "matvec_grad2", "may_hold", "mismatch", "multi_dot_grad",
           "multi_dot_grad_others", "multi_dot_hvp", "multi_dot_jvp", "mvn_cov_grad", "mvn_cov_jvp",
           "mvn_mean_grad", "mvn_mean_jvp", "mvn_x_grad", "mvn_x_jvp", "nan_count", "norm_axes",
           "norm_grad", "norm_grad_partials", "norm_jvp", "norm_x_jvp", "norm_x_pair", "norm_x_vjp",
           "pad_grad", "partition_grad", "partition_jvp", "partition_order", "path_text",
           "pinv_complex_grad", "pinv_complex_jvp", "pinv_jvp", "pinv_jvp_jvp", "pinv_jvp_vjp",
           "polyval_grad", "polyval_slope", "power_base_grad", "prod_grad", "prod_others_jvp",
           "qr_complex_grad", "qr_complex_jvp", "qr_grad", "qr_jvp", "quantile_grad", "quantile_jvp",
           "read_at", "real_part", "rebuilt", "rebuilt_like", "record_dots", "record_entries", "record_of",
           "record_replace", "reduce_count", "reduced_last", "reduction_axes", "refuse_complex", "rejoins",
           "repeat_grad", "replaced_dots", "residual_weights", "resize_grad", "rfft_grad", "rfftn_grad",
           "rollaxis_axes", "safe_divide", "scipy_cholesky_grad", "scipy_cholesky_grad_jvp",
           "scipy_cholesky_grad_vjp", "scipy_cholesky_jvp", "scipy_cholesky_jvp_jvp",
           "scipy_cholesky_jvp_vjp", "seed", "seed_unread", "select_choice_grad", "select_default_grad",
           "select_grad", "select_masks", "shrunk", "sign_slope", "sinc_grad", "slogdet_grad",
           "slogdet_jvp", "snapshot", "softmax_grad", "solve_grad1", "solve_grad2", "solve_jvp1",
           "solve_jvp2", "solve_matmul", "solve_triangular_grad1", "solve_triangular_grad2",
           "solve_triangular_jvp", "sort_grad", "sort_jvp", "sqrtm_grad", "sqrtm_jvp", "stop_gradient",
           "svd_grad", "svd_grad_jvp", "svd_grad_vjp", "svd_jvp", "svd_values_grad", "svd_values_jvp",
           "swap_last_axes", "swap_norm", "symmetric_from", "take_along_axis_grad", "take_grad",
           "tensordot_grad1", "tensordot_grad2", "tie_weight", "tile_grad", "trace_grad", "trapezoid_grad",
           "trapezoid_x_jvp", "triangle_of", "triangle_part", "triangular_trans", "tril_half_diagonal",
           "tuple_part", "unappended", "unarray", "unbroadcast", "uncolumn_stack", "unconcatenate",
           "undstack", "unhstack", "unread_at", "unreduce", "unreduce_grad", "unreduced_norm_grad",
           "unreshape", "unshared", "unsplit", "unstack", "unsum", "untranspose", "unvstack", "vecdot_grad",
           "vector_norm_grad", "vector_norm_jvp", "without_entries", "zero_at", "zero_gradient",
           "zeros_like"]
__all__ += ["conj_swap", "eigh_complex_jvp", "lstsq_residual_jvp", "pinv_complex_grad", "pinv_complex_jvp",
            "qr_complex_grad", "qr_complex_jvp", "residual_weights", "svd_values_grad", "svd_values_jvp",
            "norm_x_jvp", "norm_x_pair", "norm_x_vjp"]

# the modules defining the helpers (the __module__ of every helper)
MODULES = ("s2s.runtime.trees", "s2s.runtime.core", "s2s.runtime.elementwise", "s2s.runtime.reductions",
           "s2s.runtime.linalg", "s2s.runtime.shapes", "s2s.runtime.numeric", "s2s.runtime.hermitian", "s2s.runtime.decompositions", "s2s.runtime.least_squares", "s2s.runtime.second_order",
           "s2s.runtime.second_order_factors", "s2s.runtime.complexes", "s2s.runtime.distributions",
           "s2s.runtime.eigen", "s2s.runtime.fourier")
# run-time support that generated code drives (batched tangents, checkpoint schedules): copied into
# standalone files like the helpers, but neither re-exported here nor helpers with rules
# (adapters, foreign, namespaces: NumPy's names over another array library, for the calls whose arrays are not NumPy's)
SUPPORT = ("s2s.runtime.batching", "s2s.runtime.schedules", "s2s.runtime.adapters", "s2s.runtime.foreign",
           "s2s.runtime.namespaces")
# building blocks the helpers of several modules share; generated code and templates never call them,
# so they need no derivative rules
SHARED = frozenset({"chunks_of", "is_complex_dtype", "may_hold", "conj_swap", "eigh_complex_jvp", "lstsq_residual_jvp", "pinv_complex_grad", "pinv_complex_jvp",
                    "qr_complex_grad", "qr_complex_jvp", "residual_weights", "svd_values_grad", "svd_values_jvp",
                    "add_into", "real_part", "complex_fit", "fft_axes", "fft_fit", "swap_norm", "irfft_weights", "is_basic_index", "is_zero", "rebuilt", "reduction_axes", "reduced_last", "eye_like",
                    "swap_last_axes", "norm_axes", "matrix_powers", "unreduced_norm_grad", "triangular_trans",
                    "cho_apply", "cho_lower_factor", "cho_other_triangle", "tuple_part", "tril_half_diagonal",
                    "entries", "field_index", "is_dict", "is_differentiable_leaf", "is_differentiable_leaf_tree",
                    "is_named", "is_record", "mismatch", "path_text", "rebuilt_like", "as_tangent"})


def is_runtime(obj):
    """Whether ``obj`` is one of the helpers of this package (defined in one of its modules)."""
    return getattr(obj, "__module__", None) in MODULES

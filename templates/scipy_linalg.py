"""scipy.linalg: loaded only when scipy is installed (see ``OPTIONAL`` in s2s/rules/templates.py).

The rules share np.linalg's helpers where the mathematics is the same; the
helpers that need scipy (expm, sqrtm) import it when they run.
"""
import numpy as np
import scipy.linalg as sla

from s2s.rules import adjoint, tangent
from s2s.runtime import (cho_factor_grad, cho_factor_jvp, cho_solve_grad, cho_solve_jvp, det_grad, expm_grad, expm_jvp, scipy_cholesky_grad, scipy_cholesky_jvp, solve_grad1,
                         solve_grad2, solve_jvp1, solve_jvp2, solve_triangular_grad1, solve_triangular_grad2,
                         solve_triangular_jvp, sqrtm_grad, sqrtm_jvp)


# assume_a, transposed and lower are left out: a call passing them is reported
# (with assume_a="pos" scipy reads one triangle only).
@adjoint(sla.solve)
def solve(a, b, overwrite_a=False, overwrite_b=False, check_finite=True, *, ans, ans_bar):
    b_bar = solve_grad2(ans_bar, a, b)
    return solve_grad1(b_bar, b, ans), b_bar


@tangent(sla.solve)
def solve_tangent(a, b, overwrite_a=False, overwrite_b=False, check_finite=True, *, ans, a_dot, b_dot):
    return solve_jvp1(a_dot, a, b, ans) + solve_jvp2(b_dot, a, b)


@adjoint(sla.inv)
def inv(a, overwrite_a=False, check_finite=True, *, ans, ans_bar):
    ans_t = np.swapaxes(ans, -1, -2)
    return -(ans_t @ ans_bar @ ans_t)


@tangent(sla.inv)
def inv_tangent(a, overwrite_a=False, check_finite=True, *, ans, a_dot):
    return -(ans @ a_dot @ ans)


@adjoint(sla.det)
def det(a, overwrite_a=False, check_finite=True, *, ans, ans_bar):
    return det_grad(ans_bar, a, ans)


@tangent(sla.det)
def det_tangent(a, overwrite_a=False, check_finite=True, *, ans, a_dot):
    return np.sum(a_dot * det_grad(1.0, a, ans), axis=(-2, -1))


# Upper factor by default; reads the triangle it returns.
@adjoint(sla.cholesky)
def cholesky(a, lower=False, overwrite_a=False, check_finite=True, *, ans, ans_bar):
    return scipy_cholesky_grad(ans_bar, ans, lower)


@tangent(sla.cholesky)
def cholesky_tangent(a, lower=False, overwrite_a=False, check_finite=True, *, ans, a_dot):
    return scipy_cholesky_jvp(a_dot, ans, lower)


# Reads one triangle of ``a`` (and not its diagonal when unit_diagonal).
@adjoint(sla.solve_triangular)
def solve_triangular(a, b, trans=0, lower=False, unit_diagonal=False, overwrite_b=False, check_finite=True, *,
                     ans, ans_bar):
    b_bar = solve_triangular_grad2(ans_bar, a, b, trans, lower, unit_diagonal)
    return solve_triangular_grad1(b_bar, a, ans, b, trans, lower, unit_diagonal), b_bar


@tangent(sla.solve_triangular)
def solve_triangular_tangent(a, b, trans=0, lower=False, unit_diagonal=False, overwrite_b=False,
                             check_finite=True, *, ans, a_dot, b_dot):
    return solve_triangular_jvp(a_dot, b_dot, a, ans, trans, lower, unit_diagonal)


@adjoint(sla.expm)
def expm(A, *, ans, ans_bar):
    return expm_grad(ans_bar, A)


@tangent(sla.expm)
def expm_tangent(A, *, ans, A_dot):
    return expm_jvp(A_dot, A)


# Real square roots (of matrices with no eigenvalues on the negative axis).
@adjoint(sla.sqrtm)
def sqrtm(A, *, ans, ans_bar):
    return sqrtm_grad(ans_bar, ans)


@tangent(sla.sqrtm)
def sqrtm_tangent(A, *, ans, A_dot):
    return sqrtm_jvp(A_dot, ans)


# (c, lower): the factor in one triangle of c, a's own entries in the other.
@adjoint(sla.cho_factor)
def cho_factor(a, lower=False, overwrite_a=False, check_finite=True, *, ans, ans_bar):
    return cho_factor_grad(ans_bar, a, ans)


@tangent(sla.cho_factor)
def cho_factor_tangent(a, lower=False, overwrite_a=False, check_finite=True, *, ans, a_dot):
    return cho_factor_jvp(a_dot, a, ans)


# The adjoint of the pair (c, lower) is a pair; lower has none.
@adjoint(sla.cho_solve)
def cho_solve(c_and_lower, b, overwrite_b=False, check_finite=True, *, ans, ans_bar):
    bars = cho_solve_grad(ans_bar, c_and_lower, b, ans)
    return bars[0], bars[1]


@tangent(sla.cho_solve)
def cho_solve_tangent(c_and_lower, b, overwrite_b=False, check_finite=True, *, ans, c_and_lower_dot, b_dot):
    return cho_solve_jvp(c_and_lower_dot, b_dot, c_and_lower, b, ans)

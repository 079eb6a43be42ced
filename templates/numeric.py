"""Numerical NumPy routines: convolution, interpolation, polynomials,
integration, products (kron, cross) and finite differences (ediff1d).

Each is linear or bilinear in its array arguments; the helpers in
``s2s.runtime`` apply the transposed maps.
"""
import numpy as np

from s2s.rules import adjoint, linear, tangent
from s2s.runtime import (convolve_grad, convolve_grad2, ediff1d_grad, gradient_grad, interp_grad, interp_jvp,
                         interp_slope,
                         kron_grad, polyval_grad, polyval_slope, trapezoid_grad, trapezoid_x_jvp)

trapezoid_ = np.trapezoid if hasattr(np, "trapezoid") else np.trapz  # NumPy 2.0 renamed trapz


# Bilinear in a and v.
@adjoint(np.convolve, wrt=("a", "v"))
def convolve(a, v, mode="full", *, ans, ans_bar):
    return convolve_grad(ans_bar, a, v, mode), convolve_grad2(ans_bar, a, v, mode)


@tangent(np.convolve, wrt=("a", "v"))
def convolve_tangent(a, v, mode="full", *, ans, a_dot, v_dot):
    return np.convolve(a_dot, v, mode) + np.convolve(a, v_dot, mode)


@adjoint(np.correlate, wrt=("a", "v"))
def correlate(a, v, mode="valid", *, ans, ans_bar):
    return convolve_grad(ans_bar, a, v, mode, True), convolve_grad2(ans_bar, a, v, mode, True)


@tangent(np.correlate, wrt=("a", "v"))
def correlate_tangent(a, v, mode="valid", *, ans, a_dot, v_dot):
    return np.correlate(a_dot, v, mode) + np.correlate(a, v_dot, mode)


# Piecewise linear: in x the slope of its segment (0 outside xp, where the
# value is clamped; at a node, the segment to its right); linear in fp.
# xp (the nodes) gets no adjoint; left, right and period are not supported.
@adjoint(np.interp, wrt=("x", "fp"))
def interp(x, xp, fp, *, ans, ans_bar):
    return ans_bar * interp_slope(x, xp, fp), interp_grad(ans_bar, x, xp, fp)


@tangent(np.interp, wrt=("x", "fp"))
def interp_tangent(x, xp, fp, *, ans, x_dot, fp_dot):
    return x_dot * interp_slope(x, xp, fp) + interp_jvp(fp_dot, x, xp, fp)


@adjoint(np.polyval, wrt=("p", "x"))
def polyval(p, x, *, ans, ans_bar):
    return polyval_grad(ans_bar, p, x), ans_bar * polyval_slope(p, x)


@tangent(np.polyval, wrt=("p", "x"))
def polyval_tangent(p, x, *, ans, p_dot, x_dot):
    return np.polyval(p_dot, x) + x_dot * polyval_slope(p, x)


# Linear in y; the sample points x (or the spacing dx) enter through their differences.
@adjoint(trapezoid_, wrt=("y", "x"))
def trapezoid(y, x=None, dx=1.0, axis=-1, *, ans, ans_bar):
    grads = trapezoid_grad(ans_bar, y, x, dx, axis)
    return grads[0], grads[1]


@tangent(trapezoid_, wrt=("y", "x"))
def trapezoid_tangent(y, x=None, dx=1.0, axis=-1, *, ans, y_dot, x_dot):
    return trapezoid_(y_dot, x, dx, axis) + trapezoid_x_jvp(x_dot, y, x, axis)


@adjoint(np.kron, wrt=("a", "b"))
def kron(a, b, *, ans, ans_bar):
    return kron_grad(ans_bar, a, b, 0), kron_grad(ans_bar, a, b, 1)


@tangent(np.kron, wrt=("a", "b"))
def kron_tangent(a, b, *, ans, a_dot, b_dot):
    return np.kron(a_dot, b) + np.kron(a, b_dot)


# a x b is bilinear: <g, a x b> = <b x g, a> = <g x a, b>. 3-vectors along the last axis.
@adjoint(np.cross, wrt=("a", "b"), unbroadcast=True)
def cross(a, b, *, ans, ans_bar):
    return np.cross(b, ans_bar), np.cross(ans_bar, a)


@tangent(np.cross, wrt=("a", "b"), broadcast=True)
def cross_tangent(a, b, *, ans, a_dot, b_dot):
    return np.cross(a_dot, b) + np.cross(a, b_dot)


# The differences of the flattened array (to_end and to_begin are not supported).
@linear(np.ediff1d)
def ediff1d(ary, *, ans, ans_bar):
    return ediff1d_grad(ans_bar, ary)


# np.gradient is linear in f: one spacing (a number, or the coordinates) for every axis. Several
# spacings are refused (the rule binds one; axis and edge_order are keyword-only, as in NumPy), and so
# is a spacing that depends on the inputs.
@linear(np.gradient, wrt="f")
def gradient(f, spacing=1.0, *, axis=None, edge_order=1, ans, ans_bar):
    return gradient_grad(ans_bar, f, spacing, axis, edge_order)


# gradient_grad is linear in g: its adjoint is np.gradient again (one piece per axis).
@linear(gradient_grad, wrt="g")
def gradient_grad_(g, f, spacing=1.0, axis=None, edge_order=1, *, ans, ans_bar):
    return np.gradient(ans_bar, spacing, axis=axis, edge_order=edge_order)

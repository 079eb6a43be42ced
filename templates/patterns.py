"""Dependency declarations for sparsity detection (``s2s.sparse``).

Each tuple names primitives whose output elements depend on their inputs'
elements in one known way; ``s2s.sparse.rules`` reads them. A primitive with
a derivative rule but no declaration here gets the conservative dense pattern
(every output element depends on every input element; for Hessians, every
pair of those inputs interacts unless its rule is ``@linear``). Rules labelled
``@elementwise`` need no declaration: they are elementwise and nonlinear.

Categories (the Hessian column says which second-order interactions they add):

``BROADCAST_LINEAR``     out[k] depends on the broadcast element k of each operand; none
``BROADCAST_PRODUCT``    as above; the cross terms of two active operands (a * b)
``BROADCAST_QUOTIENT``   as above; linear in the first operand, nonlinear in the second
``BROADCAST_NONLINEAR``  as above; every pair among the operands' inputs
``INDEX_MAP``            linear maps that move elements: the pattern comes from running
                         the primitive itself on arrays of element indices; none
``REDUCTIONS``           out element depends on a group of elements (``axis=``); linear
                         ones (``REDUCTIONS_LINEAR``) add none, the others every pair in a group
``CONTRACTIONS``         matmul-like products of at most 2-d operands; cross terms
``DIFFERENCES``          ``np.diff``; none
"""
import math
import operator

import numpy as np

from s2s import runtime

BROADCAST_LINEAR = (
    operator.add, operator.sub, operator.neg, operator.pos, np.add, np.subtract, np.negative,
    np.positive, np.real, np.conjugate, np.where, float, np.float64, np.float32,
    runtime.astype, runtime.copy,
)
BROADCAST_PRODUCT = (operator.mul, np.multiply)
BROADCAST_QUOTIENT = (operator.truediv, np.divide)
try:  # scipy is optional: its broadcasting functions of several arguments, and the distributions
    import scipy.special as sp
    import scipy.stats as stats
except ImportError:
    SCIPY_BROADCAST_NONLINEAR = ()
else:
    SCIPY_BROADCAST_NONLINEAR = (
        sp.iv, sp.ive, sp.jv, sp.yv, sp.yn, sp.kv, sp.gammainc, sp.gammaincc, sp.betainc, sp.zeta,
        sp.polygamma, sp.xlogy, sp.xlog1py, sp.betaln, sp.beta, sp.rel_entr, sp.kl_div,
    ) + tuple(getattr(getattr(stats, dist), method)
              for dist in ("norm", "t", "expon", "gamma", "beta")
              for method in ("pdf", "logpdf", "cdf", "logcdf", "sf", "logsf")) + tuple(
        getattr(getattr(stats, dist), method)
        for dist in ("poisson", "binom") for method in ("pmf", "logpmf", "cdf", "logcdf", "sf", "logsf"))
BROADCAST_NONLINEAR = (
    operator.pow, np.power, math.pow, np.copysign, math.copysign, operator.mod, np.remainder, np.fmod, np.arctan2, np.hypot,
    np.logaddexp, np.logaddexp2, np.maximum, np.minimum, np.fmax, np.fmin, np.clip,
) + SCIPY_BROADCAST_NONLINEAR
INDEX_MAP = (
    np.reshape, np.ravel, runtime.flatten, np.expand_dims, np.squeeze, np.atleast_1d, np.atleast_2d,
    np.atleast_3d, np.transpose, np.swapaxes, np.moveaxis, np.broadcast_to, np.flip, np.fliplr,
    np.flipud, np.roll, np.take, np.repeat, np.tile, np.triu, np.tril, np.concatenate, np.stack,
    np.hstack, np.vstack, np.array, np.asarray, np.asanyarray, np.ascontiguousarray, np.diag,
    np.diagonal, np.copy, runtime.item, np.fft.fftshift, np.fft.ifftshift, np.rollaxis,
)
REDUCTIONS_LINEAR = (np.sum, np.mean)
REDUCTIONS = REDUCTIONS_LINEAR + (np.prod, np.max, np.amax, np.min, np.amin, np.var, np.std)
CONTRACTIONS = (operator.matmul, np.matmul, np.dot, np.inner, np.outer, np.vdot)
DIFFERENCES = (np.diff,)

"""Primitives whose results are constants for differentiation.

Integer, boolean and shape results, comparisons, rounding (piecewise
constant), array constructors that take only shapes or values, and random
draws (``np.random.*`` and the methods of ``np.random.Generator``, which
``METHODS`` maps by name like the ndarray methods of methods.py). Calls to
them need no adjoint; their results are never active.
"""
import math
import operator

import numpy as np

from s2s.runtime import drop_entry, mapping_keys, rejoins, sign_slope, stop_gradient, zero_gradient

_NUMPY = (
    # index results
    "argmax", "argmin", "argsort", "argpartition", "argwhere", "nonzero", "flatnonzero",
    "searchsorted", "digitize", "count_nonzero", "unravel_index", "ravel_multi_index",
    "nanargmax", "nanargmin", "lexsort",
    # rounding and sign: piecewise constant
    "floor", "ceil", "round", "around", "rint", "trunc", "fix", "signbit", "heaviside",
    "floor_divide", "nextafter", "spacing",
    # predicates on complex values
    "iscomplex", "isreal",
    # shapes and types
    "shape", "ndim", "size", "result_type", "can_cast", "iscomplexobj", "isrealobj",
    "isscalar", "broadcast_shapes", "issubdtype", "dtype", "finfo", "iinfo",
    # constructors from shapes and values
    # (full, full_like, linspace, logspace and geomspace have rules: their values can be active)
    "zeros", "ones", "empty", "zeros_like", "ones_like", "empty_like",
    "arange", "eye", "identity", "tri", "indices",
    "diag_indices", "tril_indices", "triu_indices",
    # predicates and comparisons
    "isnan", "isfinite", "isinf", "isneginf", "isposinf", "isclose", "allclose", "array_equal",
    "array_equiv", "any", "all", "logical_and", "logical_or", "logical_not", "logical_xor",
    "equal", "not_equal", "less", "less_equal", "greater", "greater_equal",
    "bitwise_and", "bitwise_or", "bitwise_xor", "invert", "left_shift", "right_shift",
    "isin", "unique",
    # integer types
    "int8", "int16", "int32", "int64", "intp", "uint8", "uint16", "uint32", "uint64", "bool_",
    # NumPy's floating-point error state (what `with np.errstate(...)` blocks become)
    "seterr", "geterr",
)

_RANDOM = (
    "seed", "rand", "randn", "random", "random_sample", "uniform", "normal", "standard_normal",
    "randint", "choice", "permutation", "shuffle", "default_rng", "exponential", "poisson",
    "binomial", "beta", "gamma", "laplace", "lognormal", "multivariate_normal", "get_state",
    "set_state",
)

# Random draws through a Generator (rng = np.random.default_rng(); rng.normal(...)):
# the method name maps to the unbound Generator method, a constant like np.random.*.
_GENERATOR = (
    "random", "uniform", "normal", "standard_normal", "integers", "choice", "permutation", "permuted",
    "exponential", "standard_exponential", "poisson", "binomial", "gamma", "beta", "lognormal", "laplace",
    "multivariate_normal", "dirichlet", "gumbel", "logistic", "standard_t", "standard_cauchy",
)
GENERATOR_METHODS = {name: getattr(np.random.Generator, name) for name in _GENERATOR}
METHODS = dict(GENERATOR_METHODS)

NONDIFFERENTIABLE = (
    tuple(getattr(np, name) for name in _NUMPY)
    + tuple(getattr(np.random, name) for name in _RANDOM)
    + (np.linalg.matrix_rank,)
    + tuple(GENERATOR_METHODS.values())
    + (
        # comparisons and logic
        operator.lt, operator.le, operator.gt, operator.ge, operator.eq, operator.ne,
        operator.not_, operator.truth, operator.is_, operator.is_not, operator.contains,
        operator.and_, operator.or_, operator.xor, operator.invert, operator.lshift,
        operator.rshift, operator.floordiv, operator.index,
        # builtins with integer, boolean or no results
        len, range, int, bool, round, isinstance, print, type, hash, id, callable, hasattr,
        all, any,
        # math
        math.floor, math.ceil, math.trunc, math.isnan, math.isinf, math.isfinite, math.isclose,
        math.factorial, math.comb, math.perm, math.gcd,
        stop_gradient,
        sign_slope,  # np.sign's derivative: 0 (or a refusal)
        drop_entry,  # a restore of the reverse sweep: removes an entry that a write added
        mapping_keys,  # the keys a loop over d.items() / d.keys() / d.values() indexes
        zero_gradient,  # the gradient of an argument the result does not depend on
        rejoins,  # whether a checkpointed loop's entry array takes back its values
    )
)

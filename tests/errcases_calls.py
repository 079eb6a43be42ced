"""Functions whose calls, arguments or results s2s must reject.

Data for tests/test_errors.py: every offending line ends with a marker
comment ``# <- key`` that the tests look up to learn the line number. Keep
each key unique.
"""
import numpy as np

try:  # imported as tests.errcases_calls when tests/ is a package
    from .errcases_syntax import uses_with as with_block_elsewhere
except ImportError:
    from errcases_syntax import uses_with as with_block_elsewhere


# -- calls to functions with no derivative rule and no Python source --------

def cond_of_input(x):
    c = np.linalg.cond(x)  # <- cond
    return c * 2.0


def tensorinv_of_input(x):
    t = np.linalg.tensorinv(x, ind=1)  # <- tensorinv
    return np.sum(np.abs(t))


# -- variadic subroutines and star calls -----------------------------------

def sum_all(*values):  # <- varargs-def
    total = 0.0
    for v in values:
        total = total + v
    return total


def calls_varargs(x):
    return sum_all(x, x * 2.0)  # <- varargs-call


def scale_by_option(x, **options):  # <- kwargs-def
    return x * options["factor"]


def calls_kwargs(x):
    return scale_by_option(x, factor=3.0)  # <- kwargs-call


def add_pair(a, b):
    return a + b


def calls_with_star(x):
    pair = (x, x * 2.0)
    return add_pair(*pair)  # <- star-call


# -- recursion --------------------------------------------------------------

def power_rec(x, n):  # <- recursive-def
    if n == 0:
        return 1.0
    return x * power_rec(x, n - 1)  # <- recursive-call


def calls_recursive(x):
    return power_rec(x, 3) + x


# -- results grad cannot seed ----------------------------------------------

def returns_vector(x):
    y = np.sin(x)
    return y * 2.0  # <- return-vector


def returns_tuple(x):
    y = np.sin(x)
    return y, x  # <- return-tuple


# -- functions whose source cannot be read --------------------------------

square_lambda = lambda x: x * x  # <- lambda-fn

_namespace = {"np": np}
exec(compile("def from_string(x):\n    return x * x\n", "<string>", "exec"), _namespace)
from_string = _namespace["from_string"]


# -- arguments ------------------------------------------------------------

def two_params(alpha, beta):  # <- two-params-def
    return alpha * beta + np.sin(alpha)


# -- errors inside subroutines --------------------------------------------

def sub_with_try(v):
    w = v * 2.0
    try:  # <- sub-try
        w = np.sin(w)
    except ValueError:
        w = v
    return w


def caller_of_sub_with_try(x):
    y = x * 2.0
    return sub_with_try(y) * x  # <- caller-of-sub-try


def caller_of_other_module(x):
    y = x * 2.0
    return with_block_elsewhere(y) * x  # <- caller-of-other-module

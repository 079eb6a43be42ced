"""Functions that use Python constructs s2s does not differentiate.

Data for tests/test_errors.py: every offending line ends with a marker
comment ``# <- key`` that the tests look up to learn the line number, so the
functions here can be edited or moved freely. Keep each key unique.
"""
import contextlib

import numpy as np

TOTAL = 0.0


def uses_yield(x):
    y = x * x
    yield y  # <- yield


def uses_yield_from(x):
    y = x * x
    yield from (y, y)  # <- yield-from


async def uses_async(x):  # <- async-def
    return x * x


async def _double(x):
    return 2.0 * x


async def uses_await(x):  # <- await-def
    y = await _double(x)  # <- await
    return y * x


def uses_try_except(x):
    y = x * 2.0
    try:  # <- try-except
        y = np.sin(y)
    except ValueError:
        y = x
    return y * x


def uses_try_finally(x):
    y = x * 2.0
    try:  # <- try-finally
        y = np.sin(y)
    finally:
        y = y * 3.0
    return y


def uses_global(x):
    global TOTAL  # <- global
    TOTAL = TOTAL + x  # <- global-write
    return x * x


def make_nonlocal_closure():
    calls = 0.0

    def counted(x):
        nonlocal calls  # <- nonlocal
        calls = calls + x  # <- nonlocal-write
        return x * x

    return counted


uses_nonlocal = make_nonlocal_closure()


def uses_with(x):
    y = x * 2.0
    with contextlib.suppress(ValueError):  # <- with
        y = np.sin(y)
    return y * x


def uses_class(x):
    class Scale:  # <- class
        factor = 2.0

    return x * Scale.factor


def returns_local_function(x):
    def inner_square(y):
        return y * y

    return inner_square  # <- local-escape


def recursive_local_function(x):
    def fact(n):
        if n <= 1:
            return 1.0
        return n * fact(n - 1)  # <- local-recursion

    return fact(3) * x


def lambda_in_comprehension(x):
    return sum([(lambda t: t * v)(x) for v in [1.0, 2.0]])  # <- lambda-comprehension


def local_function_to_library(x):
    square = lambda t: t * t  # noqa: E731
    return np.sum(np.apply_along_axis(square, 0, x))  # <- local-to-library


def closure_writes_nonlocal(x):
    acc = 0.0

    def add(v):
        nonlocal acc  # <- local-nonlocal
        acc = acc + v

    add(x)
    return acc


def local_function_and_variable(x):
    def scale(v):  # <- local-twice
        return v * 2.0

    scale = 3.0
    return x * scale


def uses_starred(x):
    first, *rest = x  # <- starred
    return first * rest[0]


def uses_del(x):
    y = x * x
    z = y + 1.0
    del y  # <- del
    return z * x


def writes_argument(x):
    x[0] = 1.0  # <- setitem-arg
    return np.sum(x * x)


def augments_argument(x):
    x[1:] *= 2.0  # <- augsetitem-arg
    return np.sum(x * x)


def writes_alias_of_argument(x):
    y = x
    y[0] = 1.0  # <- setitem-alias
    return np.sum(y * y)


def writes_copy_of_argument(x):
    y = x.copy()
    y[0] = 1.0
    return np.sum(y * y)

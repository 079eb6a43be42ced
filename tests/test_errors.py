"""Every problem with the user's code is an ``S2SError`` that says where and what.

The offending functions live in ``errcases_syntax.py`` and ``errcases_calls.py``
(next to this file) so that ``inspect`` can read their source. Each offending
line there ends with a marker comment ``# <- key``; the tests read the file to
find the line, so no line number is written down here.

Every error is checked for: its class (the most specific ``S2SError``
subclass), ``file:line`` of the offending construct, a word quoting the
construct, one paragraph of text, and no internal traceback (neither in the
text nor as a chained exception). Errors may come from ``s2s.grad(f)`` or from
the first call of the gradient, so each test does both inside ``pytest.raises``.
"""
import math
import os
import re

import numpy as np
import pytest

import s2s
from s2s.common.errors import (
    ArgumentError,
    NonScalarOutputError,
    NoRuleError,
    S2SError,
    SourceUnavailableError,
    UnsupportedSyntaxError,
)

try:  # tests/ may or may not be a package
    from . import errcases_calls as calls
    from . import errcases_syntax as syntax
except ImportError:
    import errcases_calls as calls
    import errcases_syntax as syntax


# -- helpers ----------------------------------------------------------------

def marker_line(module, key):
    """1-based number of the line of ``module`` that ends with ``# <- key``."""
    with open(module.__file__, encoding="utf-8") as f:
        found = [n for n, line in enumerate(f, 1) if line.rstrip().endswith("# <- " + key)]
    assert len(found) == 1, "marker {!r} found {} times in {}".format(key, len(found), module.__file__)
    return found[0]


def file_line_pattern(module, line):
    """Regex for ``<basename>:<line>`` not followed by another digit."""
    return re.escape(os.path.basename(module.__file__)) + ":" + str(line) + r"(?!\d)"


def assert_plain_message(err, *names):
    """One paragraph of text naming each of ``names``, no internal traceback."""
    msg = str(err)
    assert msg.strip(), "empty message from {}".format(type(err).__name__)
    assert "Traceback" not in msg, msg
    assert 'File "' not in msg, msg
    assert "\n\n" not in msg.strip(), "message is more than one paragraph:\n" + msg
    for name in names:
        assert name in msg, "{!r} not named in: {}".format(name, msg)
    # A chained exception would print the internal traceback above ours.
    assert err.__cause__ is None, "chained from {!r}".format(err.__cause__)
    assert err.__context__ is None or err.__suppress_context__, \
        "raised while handling {!r}; use 'raise ... from None'".format(err.__context__)


def assert_reports(err, module, keys, words):
    """Check an error raised about code in ``module``.

    ``keys``: markers of the lines the message may name (any one of them);
    ``words``: regexes, at least one must match (case-insensitive) — the
    quoted construct.
    """
    assert isinstance(err, S2SError), type(err)
    msg = str(err)
    assert_plain_message(err, os.path.basename(module.__file__))
    lines = [marker_line(module, k) for k in keys]
    assert any(re.search(file_line_pattern(module, n), msg) for n in lines), \
        "none of {} named in: {}".format(
            ["{}:{}".format(os.path.basename(module.__file__), n) for n in lines], msg)
    assert any(re.search(w, msg, re.IGNORECASE) for w in words), \
        "none of {} quoted in: {}".format(words, msg)


def first_file_line(module, msg):
    """The first ``<basename>:<n>`` in ``msg`` as an int, or None."""
    m = re.search(re.escape(os.path.basename(module.__file__)) + r":(\d+)", msg)
    return int(m.group(1)) if m else None


X_VEC = np.array([0.3, -1.2, 2.0])


# -- unsupported syntax -----------------------------------------------------

SYNTAX_CASES = [
    # (function, args, accepted marker keys, accepted words)
    (syntax.uses_yield, (1.5,), ["yield"], [r"\byield\b"]),
    (syntax.uses_yield_from, (1.5,), ["yield-from"], [r"\byield\b"]),
    (syntax.uses_async, (1.5,), ["async-def"], [r"\basync\b"]),
    (syntax.uses_await, (1.5,), ["await", "await-def"], [r"\bawait\b", r"\basync\b"]),
    (syntax.uses_try_except, (1.5,), ["try-except"], [r"\btry\b", r"\bexcept\b"]),
    (syntax.uses_try_finally, (1.5,), ["try-finally"], [r"\btry\b", r"\bfinally\b"]),
    (syntax.uses_global, (1.5,), ["global", "global-write"], [r"\bglobal\b"]),
    (syntax.uses_nonlocal, (1.5,), ["nonlocal", "nonlocal-write"], [r"\bnonlocal\b"]),
    (syntax.uses_with, (1.5,), ["with"], [r"\bwith\b"]),
    (syntax.uses_class, (1.5,), ["class"], [r"\bclass\b"]),
    (syntax.returns_local_function, (1.5,), ["local-escape"], [r"inner_square.*used as a value"]),
    (syntax.recursive_local_function, (1.5,), ["local-recursion"], [r"recursive call to `fact`"]),
    (syntax.lambda_in_comprehension, (1.5,), ["lambda-comprehension"], [r"lambda inside a comprehension"]),
    (syntax.local_function_to_library, (X_VEC,), ["local-to-library"], [r"`square` used as a value", r"another module"]),
    (syntax.closure_writes_nonlocal, (1.5,), ["local-nonlocal"], [r"\bnonlocal\b"]),
    (syntax.local_function_and_variable, (1.5,), ["local-twice"], [r"`scale`.*also a variable"]),
    (syntax.uses_starred, (X_VEC,), ["starred"], [r"\*rest", r"starred", r"\bstar\b"]),
    (syntax.uses_del, (1.5,), ["del"], [r"\bdel\b"]),
]


@pytest.mark.parametrize("fn, args, keys, words", SYNTAX_CASES,
                         ids=[case[2][0] for case in SYNTAX_CASES])
def test_unsupported_syntax(fn, args, keys, words):
    with pytest.raises(UnsupportedSyntaxError) as exc:
        s2s.grad(fn)(*args)
    assert_reports(exc.value, syntax, keys, words)


@pytest.mark.parametrize("fn, key", [
    (syntax.writes_argument, "setitem-arg"),
    (syntax.augments_argument, "augsetitem-arg"),
])
def test_in_place_write_to_argument(fn, key):
    x = X_VEC.copy()
    with pytest.raises(UnsupportedSyntaxError) as exc:
        s2s.grad(fn)(x)
    assert_reports(exc.value, syntax, [key],
                   [r"x\[", r"in[ -]place", r"item assignment", r"subscript", r"mutat"])
    assert re.search(r"\bcopy\b", str(exc.value)), \
        "message should tell the user to copy first (y = x.copy()): " + str(exc.value)
    np.testing.assert_array_equal(x, X_VEC)


def test_write_through_alias_never_mutates_caller():
    """``y = x; y[0] = ...``: either rejected, or differentiated without touching x."""
    x = X_VEC.copy()
    try:
        g = s2s.grad(syntax.writes_alias_of_argument)(x)
    except UnsupportedSyntaxError as err:
        assert_reports(err, syntax, ["setitem-alias"],
                       [r"y\[", r"x\[", r"in[ -]place", r"item assignment", r"subscript", r"mutat"])
        assert re.search(r"\bcopy\b", str(err)), str(err)
    else:
        expected = 2.0 * X_VEC
        expected[0] = 0.0
        np.testing.assert_allclose(g, expected)
    np.testing.assert_array_equal(x, X_VEC)


def test_write_to_copy_is_fine_and_leaves_caller_alone():
    x = X_VEC.copy()
    g = s2s.grad(syntax.writes_copy_of_argument)(x)
    expected = 2.0 * X_VEC
    expected[0] = 0.0
    np.testing.assert_allclose(g, expected)
    np.testing.assert_array_equal(x, X_VEC)


# -- calls ------------------------------------------------------------------

@pytest.mark.parametrize("fn, arg, key, name", [
    (calls.cond_of_input, np.array([[2.0, 0.5], [0.5, 1.0]]), "cond", "cond"),
    (calls.tensorinv_of_input, np.array([[2.0, 0.5], [0.5, 1.0]]), "tensorinv", "tensorinv"),
], ids=["cond", "tensorinv"])
def test_call_without_rule_or_source(fn, arg, key, name):
    with pytest.raises(NoRuleError) as exc:
        s2s.grad(fn)(arg)
    assert_reports(exc.value, calls, [key], [re.escape(name)])
    assert "s2s.adjoint" in str(exc.value), \
        "message should say how to register a rule (@s2s.adjoint): " + str(exc.value)


@pytest.mark.parametrize("fn, keys, words", [
    (calls.calls_varargs, ["varargs-call", "varargs-def"], [r"\*values", r"\*args", r"variadic", r"varargs"]),
    (calls.calls_kwargs, ["kwargs-call", "kwargs-def"], [r"\*\*options", r"\*\*kwargs", r"variadic", r"keyword"]),
    (calls.calls_with_star, ["star-call"], [r"\*pair", r"\*args", r"star", r"unpack"]),
], ids=["def-star-args", "def-star-star-kwargs", "call-star-args"])
def test_variadic_call(fn, keys, words):
    with pytest.raises(UnsupportedSyntaxError) as exc:
        s2s.grad(fn)(1.5)
    assert_reports(exc.value, calls, keys, words)


@pytest.mark.parametrize("fn, args", [
    (calls.power_rec, (1.5, 3)),
    (calls.calls_recursive, (1.5,)),
], ids=["direct", "in-subroutine"])
def test_recursion(fn, args):
    with pytest.raises(UnsupportedSyntaxError) as exc:
        s2s.grad(fn)(*args)
    assert_reports(exc.value, calls, ["recursive-call", "recursive-def"], [r"recursi"])
    assert "power_rec" in str(exc.value), str(exc.value)


# -- results ----------------------------------------------------------------

@pytest.mark.parametrize("fn, key", [
    (calls.returns_vector, "return-vector"),
    (calls.returns_tuple, "return-tuple"),
])
def test_non_scalar_output(fn, key):
    with pytest.raises(NonScalarOutputError) as exc:
        s2s.grad(fn)(X_VEC.copy())
    assert_reports(exc.value, calls, [key], [r"\breturn"])
    msg = str(exc.value)
    assert "vjp" in msg and "jacobian" in msg, msg


# -- functions whose source cannot be read -------------------------------

def test_grad_of_lambda():
    with pytest.raises(SourceUnavailableError) as exc:
        s2s.grad(calls.square_lambda)(1.5)
    assert_reports(exc.value, calls, ["lambda-fn"], [r"\blambda"])
    assert re.search(r"\bdef\b", str(exc.value)), \
        "message should say to use def: " + str(exc.value)


def test_function_defined_from_string():
    with pytest.raises(SourceUnavailableError) as exc:
        s2s.grad(calls.from_string)(1.5)
    assert_plain_message(exc.value, "from_string", "<string>")
    assert re.search(r"unavailable|not available|REPL|cannot (be )?(read|find)|could not",
                     str(exc.value), re.IGNORECASE), str(exc.value)
    assert re.search(r"source", str(exc.value), re.IGNORECASE), str(exc.value)


@pytest.mark.parametrize("fn", [np.sin, math.sin], ids=["np.sin", "math.sin"])
def test_grad_of_builtin(fn):
    with pytest.raises((SourceUnavailableError, ArgumentError)) as exc:
        s2s.grad(fn)(1.5)
    assert_plain_message(exc.value, "sin")


# -- arguments --------------------------------------------------------------

@pytest.mark.parametrize("wrt", ["gamma", 2, 5, (0, "gamma"), (1, 2)],
                         ids=["bad-name", "index-2", "index-5", "tuple-bad-name", "tuple-bad-index"])
def test_wrt_names_a_missing_parameter(wrt):
    with pytest.raises(ArgumentError) as exc:
        s2s.grad(calls.two_params, wrt=wrt)(1.5, 2.5)
    assert_reports(exc.value, calls, ["two-params-def"], [r"\bwrt\b", r"parameter"])
    assert_plain_message(exc.value, "alpha", "beta")


@pytest.mark.parametrize("wrt, args", [
    (0, (3, 2.5)),
    ("beta", (1.5, 2)),
    ((0, 1), (1.5, 2)),
], ids=["wrt0-int", "wrt-beta-int", "wrt-tuple-int"])
def test_wrt_argument_passed_as_int(wrt, args):
    name = "alpha" if isinstance(args[0], int) else "beta"
    with pytest.raises(ArgumentError) as exc:
        s2s.grad(calls.two_params, wrt=wrt)(*args)
    assert_reports(exc.value, calls, ["two-params-def"], [re.escape(name)])
    assert re.search(r"pass a float", str(exc.value), re.IGNORECASE), str(exc.value)


def test_int_argument_not_differentiated_is_fine():
    g = s2s.grad(calls.two_params, wrt=0)(1.5, 2)
    np.testing.assert_allclose(g, 2 + np.cos(1.5))


@pytest.mark.parametrize("args, kwargs", [
    ((1.5,), {}),
    ((1.5, 2.5, 3.5), {}),
    ((1.5,), {"gamma": 2.5}),
], ids=["too-few", "too-many", "unknown-keyword"])
def test_wrong_number_of_arguments(args, kwargs):
    with pytest.raises(TypeError) as exc:  # ArgumentError is a TypeError too
        s2s.grad(calls.two_params)(*args, **kwargs)
    err = exc.value
    msg = str(err)
    assert "Traceback" not in msg, msg
    assert re.search(r"argument", msg, re.IGNORECASE), msg
    if isinstance(err, S2SError):
        assert_reports(exc.value, calls, ["two-params-def"], [r"two_params", r"argument"])
    else:
        # A plain TypeError from calling the generated function must still
        # name the user's function, not only some internal name.
        assert "two_params" in msg, msg


# -- errors inside subroutines ----------------------------------------------

def test_error_in_subroutine_names_subroutine_line():
    with pytest.raises(UnsupportedSyntaxError) as exc:
        s2s.grad(calls.caller_of_sub_with_try)(1.5)
    assert_reports(exc.value, calls, ["sub-try"], [r"\btry\b"])
    msg = str(exc.value)
    assert first_file_line(calls, msg) == marker_line(calls, "sub-try"), \
        "the first file:line should be the subroutine's try, not the call: " + msg


def test_error_in_subroutine_of_another_module_names_that_module():
    with pytest.raises(UnsupportedSyntaxError) as exc:
        s2s.grad(calls.caller_of_other_module)(1.5)
    assert_reports(exc.value, syntax, ["with"], [r"\bwith\b"])
    msg = str(exc.value)
    # errcases_syntax.py:N must come before any mention of the caller's file.
    own = re.search(file_line_pattern(syntax, marker_line(syntax, "with")), msg)
    caller = re.search(re.escape(os.path.basename(calls.__file__)), msg)
    assert caller is None or own.start() < caller.start(), msg


# -- refusals name the user's names ------------------------------------------

def _write_into_a_slice_of_a_product(x):
    b = (x * 2.0)[1:]
    b[0] = 3.0
    return np.sum(b)


def _write_into_a_slice_of_a_name(x):
    y = x * 2.0
    b = y[1:]
    b[0] = 3.0
    return np.sum(b) + np.sum(y)


def test_a_view_of_an_unnamed_value_is_called_another_array():
    with pytest.raises(UnsupportedSyntaxError) as exc:
        s2s.grad(_write_into_a_slice_of_a_product)(np.ones(4))
    msg = str(exc.value)
    assert "`b` may be a view of another array (`b = (x * 2.0)[1:]`" in msg, msg
    assert not re.search(r"`t\d+`", msg), msg  # not a name s2s made up
    with pytest.raises(UnsupportedSyntaxError) as exc:
        s2s.grad(_write_into_a_slice_of_a_name)(np.ones(4))
    assert "`b` may be a view of `y`" in str(exc.value), str(exc.value)

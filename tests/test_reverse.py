"""Reverse mode on the shared table of ``functions.py``, and the API around it."""
import copy
import inspect
import re

import numpy as np
import pytest

import s2s
from s2s.runtime import entries, getfield, is_named
import s2s.common.errors

try:
    from . import functions
except ImportError:
    import functions

CASES = functions.CASES


def _ids(case):
    return case.name


def _rtol(args):
    """Tolerance for comparing two evaluations that may round differently."""
    leaves = list(_leaves(args))
    if any(np.asarray(x).dtype == np.float32 for x in leaves if _is_floatlike(x)):
        return 1e-5
    return 1e-10


def _is_floatlike(x):
    return isinstance(x, (float, np.floating)) or (
        isinstance(x, np.ndarray) and x.dtype.kind == "f")


def _leaves(x):
    if is_named(x):
        for _, item in entries(x):
            yield from _leaves(item)
    elif isinstance(x, (tuple, list)):
        for item in x:
            yield from _leaves(item)
    else:
        yield x


def assert_tree_close(got, want, rtol, atol=0.0, where="gradient"):
    """Same container structure, shapes and dtypes; values close (None, the gradient of a non-float entry, too)."""
    if want is None:
        assert got is None, "{}: {!r} instead of None".format(where, got)
        return
    if is_named(want):
        assert type(got) is type(want), "{}: {} instead of {}".format(where, type(got).__name__, type(want).__name__)
        assert [k for k, _ in entries(got)] == [k for k, _ in entries(want)], where
        for k, w in entries(want):
            assert_tree_close(getfield(got, k), w, rtol, atol, "{}[{!r}]".format(where, k))
        return
    if isinstance(want, (tuple, list)):
        assert type(got) is type(want), "{}: {} instead of {}".format(
            where, type(got).__name__, type(want).__name__)
        assert len(got) == len(want), "{}: length {} instead of {}".format(
            where, len(got), len(want))
        for i, (g, w) in enumerate(zip(got, want)):
            assert_tree_close(g, w, rtol, atol, "{}[{}]".format(where, i))
        return
    assert np.shape(got) == np.shape(want), "{}: shape {} instead of {}".format(
        where, np.shape(got), np.shape(want))
    assert np.asarray(got).dtype == np.asarray(want).dtype, "{}: dtype {} instead of {}".format(
        where, np.asarray(got).dtype, np.asarray(want).dtype)
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol, err_msg=where)


def assert_unchanged(after, before, where="args"):
    """``after`` equals the deep copy ``before``: values, dtypes, container types."""
    if is_named(before):
        assert type(after) is type(before), where
        assert [k for k, _ in entries(after)] == [k for k, _ in entries(before)], where
        for k, b in entries(before):
            assert_unchanged(getfield(after, k), b, "{}[{!r}]".format(where, k))
    elif isinstance(before, (tuple, list)):
        assert type(after) is type(before), where
        assert len(after) == len(before), where
        for i, (a, b) in enumerate(zip(after, before)):
            assert_unchanged(a, b, "{}[{}]".format(where, i))
    elif isinstance(before, np.ndarray):
        assert isinstance(after, np.ndarray), where
        assert after.dtype == before.dtype and after.shape == before.shape, where
        assert np.array_equal(after, before), "{} was modified".format(where)
    else:
        assert after is before or after == before, "{} was modified".format(where)


# ---------------------------------------------------------------------------
# The table
# ---------------------------------------------------------------------------

def _expect_unsupported(case, transform):
    """Constructs rejected by design: a clear error naming the user's line."""
    with pytest.raises(s2s.common.errors.UnsupportedSyntaxError, match=r"functions\.py:\d+"):
        transform(case.fn, wrt=case.wrt)(*copy.deepcopy(case.args))


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_table_grad(case):
    if "unsupported" in case.tags:
        _expect_unsupported(case, s2s.grad)
        return
    args = copy.deepcopy(case.args)
    if case.grad_ref is None:
        s2s.check_grad(case.fn, *args, wrt=case.wrt)
        return
    # stop_gradient: finite differences see through it, so compare with the
    # hand-written gradient instead.
    before = copy.deepcopy(args)
    got = s2s.grad(case.fn, wrt=case.wrt)(*args)
    assert_unchanged(args, before)
    assert_tree_close(got, case.grad_ref(*copy.deepcopy(case.args)), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_value_and_grad(case):
    if "unsupported" in case.tags:
        _expect_unsupported(case, s2s.value_and_grad)
        return
    rtol = _rtol(case.args)
    value, grad = s2s.value_and_grad(case.fn, wrt=case.wrt)(*copy.deepcopy(case.args))
    expected_value = case.fn(*copy.deepcopy(case.args))
    assert np.ndim(value) == 0
    np.testing.assert_allclose(value, expected_value, rtol=rtol, atol=1e-14)
    expected_grad = s2s.grad(case.fn, wrt=case.wrt)(*copy.deepcopy(case.args))
    assert_tree_close(grad, expected_grad, rtol=rtol, atol=1e-14)


def _has_mutable(x):
    return any(isinstance(leaf, np.ndarray) for leaf in _leaves(x)) or any(
        isinstance(x_, list) for x_ in _containers(x))


def _containers(x):
    if isinstance(x, (tuple, list)):
        yield x
        for item in x:
            yield from _containers(item)


@pytest.mark.parametrize("case", [c for c in CASES if _has_mutable(c.args)
                                  and "unsupported" not in c.tags], ids=_ids)
def test_inputs_unmodified(case):
    work = copy.deepcopy(case.args)
    before = copy.deepcopy(case.args)
    s2s.grad(case.fn, wrt=case.wrt)(*work)
    assert_unchanged(work, before)
    s2s.value_and_grad(case.fn, wrt=case.wrt)(*work)
    assert_unchanged(work, before)


def test_table_is_large_and_covers_the_tags():
    assert len(CASES) >= 170
    tags = {t for c in CASES for t in c.tags}
    for tag in ("loop", "while", "branch", "subscript", "list", "call", "float32",
                "broadcast", "tuple-arg", "list-arg", "helper", "closure", "global",
                "stop_gradient", "comprehension", "write", "method", "idiom", "hypothesis"):
        assert tag in tags, tag
    assert len(functions.cases("hypothesis")) >= 12


def test_table_functions_are_module_level_defs():
    """s2s reads sources with inspect: no lambdas, no functions from elsewhere."""
    for case in CASES:
        assert case.fn.__name__ != "<lambda>", case.name
        assert inspect.getsourcefile(case.fn).endswith(".py"), case.name
        assert "closure" in case.tags or case.fn.__qualname__ == case.fn.__name__, case.name


# ---------------------------------------------------------------------------
# The lecture example
# ---------------------------------------------------------------------------

def test_lecture():
    lecture = functions.lecture
    value, (g1, g2) = s2s.value_and_grad(lecture, wrt=(0, 1))(2.0, 5.0)
    closed = np.log(2.0) + 10.0 - np.sin(5.0)
    assert abs(value - 11.652) < 1e-3
    assert abs(value - closed) < 1e-12
    assert abs(g1 - 5.5) < 1e-12
    assert abs(g2 - (2.0 - np.cos(5.0))) < 1e-12
    h1, h2 = s2s.grad(lecture, wrt=(0, 1))(2.0, 5.0)
    assert abs(h1 - 5.5) < 1e-12
    assert abs(h2 - (2.0 - np.cos(5.0))) < 1e-12


# ---------------------------------------------------------------------------
# wrt forms, decorators, keyword arguments, result types
# ---------------------------------------------------------------------------

G1 = 5.5
G2 = 2.0 - np.cos(5.0)


def _scalar_result(g):
    """A float argument's gradient: a float or a 0-d value, never shape (1,)."""
    assert isinstance(g, (float, np.floating, np.ndarray)), type(g)
    assert np.shape(g) == (), np.shape(g)
    return float(g)


def test_wrt_forms_int():
    lecture = functions.lecture
    assert abs(_scalar_result(s2s.grad(lecture)(2.0, 5.0)) - G1) < 1e-12
    assert abs(_scalar_result(s2s.grad(lecture, wrt=0)(2.0, 5.0)) - G1) < 1e-12
    assert abs(_scalar_result(s2s.grad(lecture, wrt=1)(2.0, 5.0)) - G2) < 1e-12


def test_wrt_forms_tuple():
    lecture = functions.lecture
    both = s2s.grad(lecture, wrt=(0, 1))(2.0, 5.0)
    assert isinstance(both, tuple) and len(both) == 2
    assert abs(_scalar_result(both[0]) - G1) < 1e-12
    assert abs(_scalar_result(both[1]) - G2) < 1e-12
    swapped = s2s.grad(lecture, wrt=(1, 0))(2.0, 5.0)
    assert isinstance(swapped, tuple) and len(swapped) == 2
    assert abs(_scalar_result(swapped[0]) - G2) < 1e-12
    assert abs(_scalar_result(swapped[1]) - G1) < 1e-12
    one = s2s.grad(lecture, wrt=(1,))(2.0, 5.0)
    assert isinstance(one, tuple) and len(one) == 1
    assert abs(_scalar_result(one[0]) - G2) < 1e-12


def test_wrt_forms_names():
    lecture = functions.lecture
    assert abs(_scalar_result(s2s.grad(lecture, wrt="x2")(2.0, 5.0)) - G2) < 1e-12
    named = s2s.grad(lecture, wrt=("x1", "x2"))(2.0, 5.0)
    assert isinstance(named, tuple) and len(named) == 2
    assert abs(_scalar_result(named[0]) - G1) < 1e-12
    assert abs(_scalar_result(named[1]) - G2) < 1e-12
    one = s2s.grad(lecture, wrt=("x1",))(2.0, 5.0)
    assert isinstance(one, tuple) and len(one) == 1
    mixed = s2s.grad(lecture, wrt=(0, "x2"))(2.0, 5.0)
    assert isinstance(mixed, tuple) and len(mixed) == 2
    assert abs(_scalar_result(mixed[1]) - G2) < 1e-12


def test_wrt_forms_decorators():
    try:
        from . import decorated
    except ImportError:
        import decorated
    assert abs(_scalar_result(decorated.d_lecture(2.0, 5.0)) - G1) < 1e-12
    both = decorated.d_lecture_both(2.0, 5.0)
    assert isinstance(both, tuple) and len(both) == 2
    assert abs(_scalar_result(both[0]) - G1) < 1e-12
    assert abs(_scalar_result(both[1]) - G2) < 1e-12
    assert abs(_scalar_result(decorated.d_lecture_x2(2.0, 5.0)) - G2) < 1e-12
    assert "x1_bar" in s2s.source(decorated.d_lecture)
    assert not re.search(r"^\s*@", s2s.source(decorated.d_lecture), re.M), \
        "decorators must be stripped"


def test_wrt_forms_kwargs_at_call_time():
    kw_fn = functions.kw_fn
    x = np.array([0.5, -1.0, 2.0])
    g = s2s.grad(kw_fn)
    np.testing.assert_allclose(g(x), 2.0 * x, rtol=1e-12)
    np.testing.assert_allclose(g(x, scale=3.0), 6.0 * x, rtol=1e-12)
    np.testing.assert_allclose(g(x, power=3, scale=0.5), 1.5 * x ** 2, rtol=1e-12)
    np.testing.assert_allclose(g(x, 3.0), 6.0 * x, rtol=1e-12)
    np.testing.assert_array_equal(x, [0.5, -1.0, 2.0])


def test_wrt_forms_kwarg_differentiated_by_name():
    kw_fn = functions.kw_fn
    x = np.array([0.5, -1.0, 2.0])
    gs = s2s.grad(kw_fn, wrt="scale")(x, scale=3.0)
    assert abs(_scalar_result(gs) - np.sum(x ** 2)) < 1e-12
    gx, gs = s2s.grad(kw_fn, wrt=("x", "scale"))(x, scale=3.0, power=3)
    np.testing.assert_allclose(gx, 9.0 * x ** 2, rtol=1e-12)
    assert abs(_scalar_result(gs) - np.sum(x ** 3)) < 1e-12


def test_wrt_forms_float_result_shapes():
    # Python float, NumPy scalar, 0-d array and 1-element array arguments
    f = functions.scalar_npfloat
    assert np.shape(s2s.grad(f)(1.3)) == ()
    assert np.shape(s2s.grad(f)(np.float64(1.3))) == ()
    assert np.shape(s2s.grad(f)(np.array(1.3))) == ()
    assert np.shape(s2s.grad(functions.np_sqrt)(np.array([1.3]))) == (1,)
    g = s2s.grad(functions.bc_scalar_array, wrt=(0, 1))(0.7, np.ones(3))
    assert np.shape(g[0]) == () and np.shape(g[1]) == (3,)


def test_wrt_forms_float32_stays_float32():
    x32 = np.array([0.1, -0.4, 0.9], dtype=np.float32)
    g = s2s.grad(functions.f32_sum_sin)(x32)
    assert g.dtype == np.float32 and g.shape == (3,)
    A = np.ones((2, 3), dtype=np.float32)
    gA, gx = s2s.grad(functions.f32_matvec, wrt=(0, 1))(A, x32)
    assert gA.dtype == np.float32 and gA.shape == (2, 3)
    assert gx.dtype == np.float32
    g32, g64 = s2s.grad(functions.f32_mixed, wrt=(0, 1))(x32, np.ones(3))
    assert g32.dtype == np.float32 and g64.dtype == np.float64


def test_wrt_forms_int_argument_is_not_differentiated():
    g = s2s.grad(functions.scalar_pow_int)(1.3, 3)
    assert abs(_scalar_result(g) - 3 * 1.3 ** 2) < 1e-12


# ---------------------------------------------------------------------------
# Cache
# ---------------------------------------------------------------------------

def test_cache():
    from s2s.api import transforms as api

    f = functions.cache_fresh
    x = np.array([0.3, -0.2])
    g1 = s2s.grad(f)
    r1 = g1(x)
    count = api.transform_count()
    assert isinstance(count, int) and count >= 1
    g2 = s2s.grad(f)
    r2 = g2(x)
    assert api.transform_count() == count, "s2s.grad(f) transformed f again"
    np.testing.assert_array_equal(r1, r2)
    assert s2s.source(g1) == s2s.source(g2)
    # value_and_grad of the same function is allowed to need a transform
    # once, but not twice.
    s2s.value_and_grad(f)(x)
    count = api.transform_count()
    s2s.value_and_grad(f)(x)
    assert api.transform_count() == count


# ---------------------------------------------------------------------------
# Generated source
# ---------------------------------------------------------------------------

def _assigned_zero(line, name):
    return re.match(r"\s*{}\s*=\s*(0|0\.0*|np\.zeros(_like)?\(.*\)|numpy\.zeros(_like)?\(.*\))"
                    r"\s*(#.*)?$".format(re.escape(name)), line) is not None


def _accumulates(line, name):
    n = re.escape(name)
    return (re.match(r"\s*{}\s*\+=".format(n), line) is not None
            or re.match(r"\s*{0}\s*=.*\b{0}\b".format(n), line) is not None)


def test_source_readable():
    lecture = functions.lecture
    g = s2s.grad(lecture, wrt=(0, 1))
    src = s2s.source(g)
    assert isinstance(src, str)
    compile(src, "<s2s.source>", "exec")
    assert "x1_bar" in src and "x2_bar" in src
    lines, first = inspect.getsourcelines(lecture)
    body = range(first, first + len(lines))
    comments = [line.split("#", 1)[1] for line in src.splitlines() if "#" in line]
    pointing = [c for c in comments
                if re.search(r"(functions|test_reverse)\.py", c)
                and any(int(n) in body for n in re.findall(r"\d+", c))]
    assert pointing, "no comment names functions.py and a line of lecture:\n" + src
    src_lines = src.splitlines()
    for name in ("x1_bar", "x2_bar"):
        for i, line in enumerate(src_lines):
            if _assigned_zero(line, name):
                later = [l for l in src_lines[i + 1:] if _accumulates(l, name)]
                assert not later, "{} starts at zero and accumulates:\n{}".format(name, src)


def test_source_activity():
    """y and a do not reach the output: no adjoint is computed for them."""
    g = s2s.grad(functions.activity_fn, wrt=0)
    src = s2s.source(g)
    assert not re.search(r"\by_bar\b", src), src
    assert not re.search(r"\ba_bar\b", src), src
    x = np.array([0.5, -1.0])
    np.testing.assert_array_equal(g(x, np.array([0.1, 0.2])), [2.0, 2.0])


def test_source_no_dead_primal():
    """DESIGN.md: no dead code. ``a = np.sin(y)`` does not reach the output."""
    src = s2s.source(s2s.grad(functions.activity_fn, wrt=0))
    assert "sin" not in src, src

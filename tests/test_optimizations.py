"""The speed passes keep numbers and shapes: optimized code computes what unoptimized code computes.

Table tests run every case of ``functions.py`` with the passes on and off
(all together, each alone, with and without shape specialization) and require
identical results, bit for bit. Snippet tests show what each pass does.
"""
import inspect
import re

import gast
import numpy as np
import pytest

import s2s
from s2s.runtime import entries, getfield, is_named
from s2s.api import transforms as api
from s2s.backend import emit, loader, optimize, specialize
from s2s.rules import templates
from s2s.api import pipeline as transform
from s2s.analysis import shapes

try:
    from . import functions
except ImportError:
    import functions

CASES = [c for c in functions.CASES if "unsupported" not in c.tags]


# every pass but "reorder" keeps the numbers to the bit; "reorder" rounds adjoints differently
EXACT = tuple(p for p in optimize.PASSES if p != "reorder")


def _build(case, passes=EXACT, specialized=True, kind="grad", checkpoint=None):
    """The generated function for ``case`` with the given passes (no cache)."""
    wrt, as_tuple = api.wrt_names(case.fn, case.wrt)
    bound = inspect.signature(case.fn).bind(*case.args)
    containers = frozenset(n for n, v in bound.arguments.items() if isinstance(v, (list, tuple)))
    facts = dict(api._canonical(api._shape_facts(bound.arguments))) if specialized else {}
    options = {"tuple": as_tuple, "optimize": passes is not None, "passes": passes or (), "shapes": facts,
               "checkpoint": checkpoint}
    generated = transform.transform(case.fn, wrt, kind, templates.registry(), options, containers)
    source = emit.to_source(generated.functions)
    fn = loader.load(source, generated.entry, generated.bindings, case.fn.__globals__, "<test {}>".format(case.name))
    return fn, source


def _run(fn, case):
    try:
        return ("ok", fn(*case.args))
    except Exception as err:  # both versions must fail alike
        return ("error", type(err).__name__)


def assert_identical(got, want, where="result"):
    """Same structure, types, shapes, dtypes and bits (NaN equal to NaN)."""
    if is_named(want) or want is None:
        assert type(got) is type(want), where
        for k, w in (entries(want) if want is not None else ()):
            assert_identical(getfield(got, k), w, "{}[{!r}]".format(where, k))
        return
    if isinstance(want, (tuple, list)):
        assert type(got) is type(want) and len(got) == len(want), where
        for i, (g, w) in enumerate(zip(got, want)):
            assert_identical(g, w, "{}[{}]".format(where, i))
        return
    assert type(got) is type(want), "{}: {} instead of {}".format(where, type(got), type(want))
    assert np.shape(got) == np.shape(want), where
    assert np.asarray(got).dtype == np.asarray(want).dtype, where
    np.testing.assert_array_equal(got, want, err_msg=where)


def assert_close(got, want, where="result"):
    """Same structure, types, shapes and dtypes; values within a few dozen ulps of the largest."""
    if isinstance(want, (tuple, list)):
        assert type(got) is type(want) and len(got) == len(want), where
        for i, (g, w) in enumerate(zip(got, want)):
            assert_close(g, w, "{}[{}]".format(where, i))
        return
    if is_named(want) or want is None or isinstance(want, str) or not np.issubdtype(np.asarray(want).dtype, np.inexact):
        assert_identical(got, want, where)
        return
    assert type(got) is type(want), "{}: {} instead of {}".format(where, type(got), type(want))
    assert np.shape(got) == np.shape(want) and np.asarray(got).dtype == np.asarray(want).dtype, where
    eps = np.finfo(np.asarray(want).dtype).eps
    finite = np.abs(np.asarray(want))[np.isfinite(want)]
    scale = max(1.0, float(finite.max())) if finite.size else 1.0
    np.testing.assert_allclose(got, want, rtol=64 * eps, atol=64 * eps * scale, err_msg=where)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_table_all_passes_keep_numbers(case):
    fast, _ = _build(case)
    plain, _ = _build(case, passes=None, specialized=False)
    assert_identical(_run(fast, case), _run(plain, case))


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_table_reordered_adjoints_round_alike(case):
    """With "reorder" too: gradients within rounding of the plain code's, the value to the bit."""
    fast, _ = _build(case, passes=optimize.PASSES)
    plain, _ = _build(case, passes=None, specialized=False)
    with functions.errstate(case):
        got, want = _run(fast, case), _run(plain, case)
    assert got[0] == want[0]
    if got[0] == "ok":
        assert_close(got[1], want[1])
    fast, _ = _build(case, passes=optimize.PASSES, kind="value_and_grad")
    plain, _ = _build(case, passes=None, specialized=False, kind="value_and_grad")
    with functions.errstate(case):
        got, want = _run(fast, case), _run(plain, case)
    if got[0] == "ok" and want[0] == "ok":
        assert_identical(got[1][0], want[1][0], "the value")


@pytest.mark.parametrize("name", ["specialize"] + list(optimize.PASSES))
def test_table_each_pass_alone_keeps_numbers(name):
    for case in CASES:
        passes = () if name == "specialize" else (name,)
        alone, _ = _build(case, passes=passes, specialized=name == "specialize")
        plain, _ = _build(case, passes=None, specialized=False)
        with functions.errstate(case):
            assert_identical(_run(alone, case), _run(plain, case), case.name)


@pytest.mark.parametrize("case", [c for c in CASES if "loop" in c.tags or "while" in c.tags][:12],
                         ids=lambda c: c.name)
def test_table_checkpointed_and_vjp_keep_numbers(case):
    fast, _ = _build(case, checkpoint=2)
    plain, _ = _build(case, passes=None, specialized=False, checkpoint=2)
    assert_identical(_run(fast, case), _run(plain, case))
    fast, _ = _build(case, kind="value_and_grad")
    plain, _ = _build(case, passes=None, specialized=False, kind="value_and_grad")
    assert_identical(_run(fast, case), _run(plain, case))


def test_specialized_code_is_regenerated_for_other_shapes():
    def f(x, b):
        return np.sum(np.tanh(x + b))

    df = s2s.grad(f, wrt=(0, 1))
    x = np.linspace(-1.0, 1.0, 6).reshape(2, 3)
    gx, gb = df(x, np.ones(3))
    assert gb.shape == (3,)
    assert "axis=0" in s2s.source(df)  # b is broadcast along the rows: its adjoint sums them
    gx2, gb2 = df(x, np.ones((2, 3)))  # same call, b now has x's shape: no sum over rows
    assert gb2.shape == (2, 3)
    np.testing.assert_allclose(gb2.sum(axis=0), gb)
    assert "axis=0" not in s2s.source(df) and "unbroadcast(" not in s2s.source(df)
    gx3, gb3 = df(x[:, :2], np.ones(2))  # other sizes, same pattern: the first code again
    assert gb3.shape == (2,)


def test_same_pattern_of_sizes_shares_the_generated_code():
    def f(x, y):
        return np.sum(x * y)

    df = s2s.grad(f)
    df(np.ones(3), np.ones(3))
    count = s2s.api.transforms.transform_count()
    df(np.ones(5), np.ones(5))
    assert s2s.api.transforms.transform_count() == count
    df(np.ones(5), np.ones(1))  # a size 1 broadcasts: another specialization
    assert s2s.api.transforms.transform_count() == count + 1


def test_python_floats_get_no_unbroadcast():
    def f(x, y):
        for i in range(3):
            x = x * y + np.sin(x)
        return x

    df = s2s.grad(f, wrt=(0, 1))
    assert df(0.5, 0.25) == _build(functions.Case("f", f, (0.5, 0.25), (0, 1)), passes=None,
                                   specialized=False)[0](0.5, 0.25)
    src = s2s.source(df)
    assert "unbroadcast" not in src and "t2_stack" not in src


def squares(x, y):
    return np.sum(x * x) + np.sum(np.sin(y) * np.sin(y)) + np.sum(x * y)


def test_a_product_with_itself_gives_one_contribution():
    """``v * v``: one accumulation ``v_bar = t_bar * v * 2.0``, not ``t_bar * v`` added to itself (doubling
    is exact, so the numbers are the same bit for bit)."""
    x, y = np.array([0.3, -1.2, 0.7]), np.array([0.5, 0.1, -0.4])
    df = s2s.grad(squares, wrt=(0, 1))
    src = s2s.source(df)
    assert src.count("* 2.0") == 1 and src.count("x_bar = ") == 2, src  # sin(y) * sin(y): two names
    got = df(x, y)
    np.testing.assert_allclose(got[0], 2.0 * x + y, rtol=1e-14)
    np.testing.assert_allclose(got[1], 2.0 * np.sin(y) * np.cos(y) + x, rtol=1e-14)


# ------------------------------------------------------------ snippets
def _fn(src):
    return gast.parse(src).body[0]


def _lines(fn):
    return [line.strip() for line in emit.to_source([fn]).splitlines()[1:] if line.strip()]


def test_copy_propagation_snippet():
    fn = _fn("def f(a, g):\n    t_bar = g\n    u_bar = t_bar * 2\n    g = 3\n    v_bar = t_bar\n    return u_bar + v_bar")
    optimize.propagate_copies(fn)
    # reads of t_bar become g until g is assigned again
    assert _lines(fn) == ["t_bar = g", "u_bar = g * 2", "g = 3", "v_bar = t_bar", "return u_bar + t_bar"]


def test_copy_propagation_only_into_targets():
    fn = _fn("def f(a):\n    x = a\n    return x")
    optimize.propagate_copies(fn, targets={"x_bar"})
    assert _lines(fn) == ["x = a", "return x"]


def test_copy_propagation_stops_at_compound_statements():
    fn = _fn("def f(a, b):\n    x = a\n    for i in range(2):\n        a = b\n    return x")
    optimize.propagate_copies(fn)
    assert _lines(fn)[-1] == "return x"


def test_fold_negation_snippet():
    fn = _fn("def f(a, b):\n    return a + -b * 2 + -(a * b)")
    optimize.fold_negation(fn)
    assert _lines(fn) == ["return a - b * 2 - a * b"]
    fn = _fn("def f(a, b):\n    return -(-a * b / 3) + -(-a)")
    optimize.fold_negation(fn)
    assert _lines(fn) == ["return a * b / 3 - -a"]


def test_inline_temporaries_snippet():
    fn = _fn("def f(x, y, s):\n    t1 = y - x\n    dx = s * t1\n    t2 = x * y\n    x_stack.append(x)\n"
             "    x = x + t2\n    t3 = x * 2\n    x = 1.0\n    return t3 + dx")
    optimize.inline_temporaries(fn, {"t1", "t2", "t3"})
    # t3 is not moved past the assignment of x it reads
    assert _lines(fn) == ["dx = s * (y - x)", "x_stack.append(x)", "x = x + x * y", "t3 = x * 2", "x = 1.0",
                          "return t3 + dx"]


def test_inline_temporaries_keeps_impure_calls_in_place():
    fn = _fn("def f(x):\n    t1 = g(x)\n    h(x)\n    return t1")
    optimize.inline_temporaries(fn, {"t1"})
    assert _lines(fn) == ["t1 = g(x)", "h(x)", "return t1"]


def test_dead_stack_snippet():
    fn = _fn("def f(x):\n    t = None\n    t_stack = []\n    x_stack = []\n    for i in range(3):\n"
             "        t_stack.append(t)\n        t = x * 2\n        x_stack.append(x)\n        x = t + 1\n"
             "    for i in range(3):\n        x = x_stack.pop()\n        g = x * 3\n        t = t_stack.pop()\n"
             "    return g")
    optimize.remove_dead_stacks(fn)
    text = "\n".join(_lines(fn))
    assert "t_stack.append" not in text and "t_stack.pop" not in text and "t = None" not in text
    assert "t_stack = []" in text  # left to the dead-code pass
    assert "x_stack.append(x)" in text and "x = x_stack.pop()" in text


def test_dead_stack_kept_when_the_stack_escapes():
    fn = _fn("def f(x):\n    s = []\n    s.append(x)\n    y = s.pop()\n    return s")
    optimize.remove_dead_stacks(fn)
    assert "s.append(x)" in "\n".join(_lines(fn))


def _shapes_of(src, params):
    fn = _fn(src)
    resolve = specialize.resolver({}, [{"np": np}])
    return shapes.infer(fn, params, resolve)


def test_shapes_snippet():
    got = _shapes_of("def f(x, b, W):\n    y = x @ W + b\n    s = np.sum(y, axis=1, keepdims=True)\n"
                     "    z = np.tanh(y) - s\n    n = x.shape[0]\n    h = np.zeros((n, x.shape[1]))\n"
                     "    for i in range(3):\n        h = h + x\n    u = x[0:1]\n    return z",
                     {"x": (2, 3), "b": (4,), "W": (3, 4)})
    assert got["y"] == (2, 4) and got["s"] == (2, 1) and got["z"] == (2, 4)
    assert got["n"] == () and got["h"] == (2, 3)
    assert "u" not in got  # slices: not known


def test_shapes_join_is_unknown_when_assignments_disagree():
    got = _shapes_of("def f(x, c):\n    y = x\n    if c:\n        y = np.sum(x)\n    return y", {"x": (2,)})
    assert "y" not in got and got["x"] == (2,)


def test_shapes_unknown_without_facts():
    got = _shapes_of("def f(x, y):\n    z = x + y\n    return z", {"x": (2,)})
    assert "z" not in got and "y" not in got


def test_specialize_snippet():
    fn = _fn("def f(g, x, a, b):\n    u = unbroadcast(g, x)\n    v = unbroadcast(np.sum(g), x)\n"
             "    w = matmul_grad1(a @ b, a, b)\n    return u")
    from s2s import runtime
    resolve = specialize.resolver({"unbroadcast": runtime.unbroadcast, "matmul_grad1": runtime.matmul_grad1},
                                  [{"np": np}])
    specialize.specialize(fn, {"g": (2, 3), "x": (2, 3), "a": (2, 3), "b": (3, 4)}, resolve, _ref)
    assert _lines(fn) == ["u = g", "v = unbroadcast(g.sum(), x)", "w = a @ b @ b.T", "return u"]


def _ref(obj, hint):
    assert obj is np.sum
    return gast.Attribute(value=gast.Name(id="np", ctx=gast.Load(), annotation=None, type_comment=None),
                          attr="sum", ctx=gast.Load())


@pytest.mark.parametrize("g, x, call", [
    ((4, 3), (3,), "g.sum(axis=0)"),  # np.sum of an array: its method (see test_sum_methods_of_arrays_only)
    ((5, 4, 3), (3,), "np.sum(g, axis=(0, 1))"),
    ((4, 3), (4, 1), "np.sum(g, axis=1, keepdims=True)"),
    ((4, 3), (), "g.sum()"),
    ((4, 3), (1, 3), "np.sum(g, axis=0, keepdims=True)"),
    ((4, 3), (1,), "unbroadcast(g, x)"),  # two sums: left to the helper
])
def test_specialize_unbroadcast_to_one_sum(g, x, call):
    from s2s import runtime
    fn = _fn("def f(g, x):\n    return unbroadcast(g, x)")
    resolve = specialize.resolver({"unbroadcast": runtime.unbroadcast}, [{"np": np}])
    specialize.specialize(fn, {"g": g, "x": x}, resolve, _ref)
    assert _lines(fn) == ["return " + call]
    rng = np.random.default_rng(0)
    gv, xv = rng.normal(size=g), rng.normal(size=x)
    got = eval(_lines(fn)[0][len("return "):], {"np": np, "unbroadcast": runtime.unbroadcast, "g": gv, "x": xv})
    assert_identical(got, runtime.unbroadcast(gv, xv))


def test_cli_source_is_not_specialized(tmp_path):
    from s2s.api import cli

    path = tmp_path / "m.py"
    path.write_text("import numpy as np\n\ndef f(x, y):\n    return np.sum(x * y)\n")
    code = cli.main(["grad", str(path) + ":f", "-o", str(tmp_path / "out.py")])
    assert code in (0, None)
    assert "unbroadcast" in (tmp_path / "out.py").read_text()


_SAVED_LOOP = """def f(x, y, r):
    t = None
    t_stack = []
    x_stack = []
    y_stack = []
    for i in range(3):
        t_stack.append(t)
        t = r - y
        x_stack.append(x)
        x = x * t
        y_stack.append(y)
        y = y + 1.0
    g = 1.0
    for i in range(3):
        y = y_stack.pop()
        x = x_stack.pop()
        g = g * t
        t = t_stack.pop()
    return g
"""


def test_rematerialize_snippet():
    from s2s.backend import stacks

    fn = _fn(_SAVED_LOOP)
    want = _exec(fn)
    stacks.rematerialize(fn)
    text = "\n".join(_lines(fn))
    assert "t_stack" not in text and "t = None" not in text
    assert "y = y_stack.pop()\nt = r - y\nx = x_stack.pop()" in text  # recomputed once y is restored
    assert _exec(fn) == want


def test_rematerialize_refuses_values_written_in_place():
    from s2s.backend import stacks

    fn = _fn(_SAVED_LOOP.replace("    g = 1.0\n", "    r[0] = 2.0\n    g = 1.0\n"))
    stacks.rematerialize(fn)
    assert "t_stack.append(t)" in "\n".join(_lines(fn))


def test_fuse_snippet():
    from s2s.backend import stacks

    fn = _fn(_SAVED_LOOP)
    want = _exec(fn)
    stacks.fuse(fn)
    text = "\n".join(_lines(fn))
    # t's push cannot move down past t = r - y; x's and y's can go together
    # Python 3.9's ast.unparse writes a tuple target in parentheses: (x, y) = ...
    assert "x_y_stack.append((x, y))" in text and re.search(r"^\(?x, y\)? = x_y_stack\.pop\(\)$", text, re.M)
    assert "t_stack.append(t)" in text
    assert _exec(fn) == want


def _exec(fn):
    ns = {}
    exec(emit.to_source([fn]), ns)
    return ns["f"](0.5, 0.25, 3.0)


def test_iterate_snippet():
    from s2s.backend import stacks

    fn = _fn(_SAVED_LOOP.replace("    for i in range(3):\n        y = y_stack", "    for i in reversed(range(3)):\n"
                                 "        y = y_stack"))
    want = _exec(fn)
    stacks.fuse(fn)
    stacks.iterate(fn)
    text = "\n".join(_lines(fn))
    assert re.search(r"^for \(?x, y\)? in reversed\(x_y_stack\):$", text, re.M) and "x_y_stack.pop()" not in text
    assert _exec(fn) == want


def test_iterate_leaves_nested_loops_alone():
    from s2s.backend import stacks

    src = ("def f(x):\n    s = []\n    for j in range(2):\n        for i in range(3):\n            s.append(x)\n"
           "            x = x * 2.0\n    for j in range(2):\n        for i in reversed(range(3)):\n"
           "            x = s.pop()\n    return x")
    fn = _fn(src)
    stacks.iterate(fn)
    assert "x = s.pop()" in "\n".join(_lines(fn))


def _specialized(src, facts, bindings):
    from s2s import runtime
    fn = _fn(src)
    resolve = specialize.resolver({name: getattr(runtime, name) for name in bindings}, [{"np": np}])

    def ref(obj, hint):
        return gast.Attribute(value=gast.Name(id="np", ctx=gast.Load(), annotation=None, type_comment=None),
                              attr=hint, ctx=gast.Load())
    specialize.specialize(fn, facts, resolve, ref)
    return fn


@pytest.mark.parametrize("helper, a, b, want", [
    ("matmul_grad1", (4, 3), (3,), "g[:, None] * b"),
    ("matmul_grad2", (4, 3), (3,), "g @ a"),
    ("matmul_grad1", (3,), (3, 4), "b @ g"),
    ("matmul_grad2", (3,), (3, 4), "a[:, None] * g"),
])
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.complex128])
def test_specialize_matrix_vector_products(helper, a, b, want, dtype):
    """The one product the helper computes when an operand is a vector: the same numbers, bit for bit."""
    from s2s import runtime
    g = (a[0],) if len(a) == 2 else (b[1],)
    fn = _specialized("def f(g, a, b):\n    return {}(g, a, b)".format(helper), {"g": g, "a": a, "b": b}, [helper])
    assert _lines(fn) == ["return " + want]
    rng = np.random.default_rng(0)
    values = {"g": rng.normal(size=g).astype(dtype), "a": rng.normal(size=a).astype(dtype),
              "b": rng.normal(size=b).astype(dtype)}
    got = eval(want, {"np": np}, values)
    assert_identical(got, getattr(runtime, helper)(values["g"], values["a"], values["b"]))


def test_specialize_unreduce_of_a_number_fills():
    from s2s import runtime
    fn = _specialized("def f(g, x):\n    u = unreduce(g, x, None, False)\n    v = unreduce(g, x)\n"
                      "    w = unreduce(x, x, 0, False)\n    return u", {"g": (), "x": (2, 3)}, ["unreduce"])
    assert _lines(fn)[:3] == ["u = np.full(x.shape, g)", "v = np.full(x.shape, g)", "w = unreduce(x, x, 0, False)"]
    x = np.ones((2, 3))
    for g in (2.5, np.float32(2.5), np.float64(-1.0), np.array(3.0), 1j):
        assert_identical(np.full(x.shape, g), runtime.unreduce(g, x, None, False))


def test_sum_methods_of_arrays_only():
    """np.sum of an array becomes its method (the same reduction with less overhead); of a number, or
    with other keywords, it stays."""
    fn = _fn("def f(x, s):\n    a = np.sum(x * x)\n    b = np.sum(x, axis=0, keepdims=True)\n"
             "    c = np.sum(s)\n    d = np.sum(x, dtype=np.float32)\n    return a")
    specialize.specialize(fn, {"x": (2, 3), "s": ()}, specialize.resolver({}, [{"np": np}]), _ref)
    assert _lines(fn)[:4] == ["a = (x * x).sum()", "b = np.sum(x, axis=0, keepdims=True)", "c = np.sum(s)",
                              "d = np.sum(x, dtype=np.float32)"]

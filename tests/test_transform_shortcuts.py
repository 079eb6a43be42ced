"""The shortcuts of issue 18 (a faster cold transform) give what the long way gives.

- ``parse._surely_alike``: the check that a function's source is the code it runs
  compares fingerprints built with ``dis`` only when the quick comparison of the
  counted opcodes is not conclusive; when it says "alike", the fingerprints agree.
- Two cold generations of one function give byte-identical source.
"""
import importlib.util
import inspect
import pathlib
import textwrap
import types

import gast
import pytest

import functions
import s2s
from s2s.common import astutil as A
from s2s.frontend import parse

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _compiled(fn):
    """``fn``'s code compiled again from its source, as parse's check compiles it."""
    lines, start = inspect.getsourcelines(fn)
    source = "\n" * (start - 1) + textwrap.dedent("".join(lines))
    module = compile(source, fn.__code__.co_filename, "exec", dont_inherit=True)
    return next(c for c in module.co_consts if isinstance(c, types.CodeType) and c.co_name == fn.__name__)


def _table_functions():
    seen, out = set(), []
    for case in functions.CASES:
        if case.fn.__code__ not in seen and case.fn.__name__ != "<lambda>":
            seen.add(case.fn.__code__)
            out.append(case.fn)
    return out


def test_alike_means_equal_fingerprints():
    alike = 0
    for fn in _table_functions():
        compiled = _compiled(fn)
        if parse._surely_alike(compiled, fn.__code__):
            alike += 1
            assert parse._fingerprint(compiled) == parse._fingerprint(fn.__code__), fn.__name__
    assert alike > 0.9 * len(_table_functions())  # the shortcut is the usual way


def _module(tmp_path, name, source):
    path = tmp_path / (name + ".py")
    path.write_text(textwrap.dedent(source))
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("other", [
    "def f(x):\n    return x * x * x\n",       # one more product
    "def f(x):\n    return x * x + 1.0\n",     # an operation of another kind
    "def f(x):\n    return x * 2.0\n",         # another constant
    "def f(x):\n    return x < 2.0\n",         # a comparison
    "def f(y):\n    return y * y\n",           # another parameter
])
def test_different_code_is_not_alike(tmp_path, other):
    f = _module(tmp_path, "alike_one", "def f(x):\n    return x * x\n").f
    g = _module(tmp_path, "alike_two", other).f
    assert not parse._surely_alike(f.__code__, g.__code__)
    assert parse._surely_alike(f.__code__, _compiled(f))


def test_nested_code_is_compared_too(tmp_path):
    f = _module(tmp_path, "nested_one", "def f(x):\n    g = lambda v: v * v\n    return g(x)\n").f
    g = _module(tmp_path, "nested_two", "def f(x):\n    g = lambda v: v * v * v\n    return g(x)\n").f
    assert parse._surely_alike(f.__code__, _compiled(f))
    assert not parse._surely_alike(f.__code__, g.__code__)


def _fresh_copy(fn):
    """A function s2s has not seen: same code, new globals (so a cache miss)."""
    return type(fn)(fn.__code__, dict(fn.__globals__), fn.__name__, fn.__defaults__, fn.__closure__)


@pytest.mark.parametrize("name", ["lecture", "f32_loop", "aug_array", "if_elif_else_1", "tuple_arg_loop"])
@pytest.mark.parametrize("make", [s2s.grad, s2s.jvp, s2s.value_and_grad])
def test_two_cold_generations_give_one_source(name, make):
    case = functions.BY_NAME[name]
    first = s2s.source(make(_fresh_copy(case.fn), wrt=case.wrt))
    second = s2s.source(make(_fresh_copy(case.fn), wrt=case.wrt))
    assert first == second


def test_two_cold_generations_of_the_benchmark_function_give_one_source(tmp_path):
    spec = importlib.util.spec_from_file_location("transform_cost", ROOT / "benchmarks" / "transform_cost.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    module = bench.make_module(str(tmp_path), 1)
    sources = [s2s.source(s2s.grad(_fresh_copy(module.f0))) for _ in range(2)]
    assert sources[0] == sources[1] and sources[0].count("\n") > 500


# ---------------------------------------------------------------------------
# tree helpers: the same answers as gast's own, on every source of the project
# ---------------------------------------------------------------------------

SOURCES = sorted((ROOT / "s2s").rglob("*.py")) + sorted((ROOT / "templates").glob("*.py")) + \
    [ROOT / "tests" / "functions.py"]


@pytest.mark.parametrize("path", SOURCES[::7] + [ROOT / "tests" / "functions.py"],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_name_nodes_and_structure_agree_with_gast(path):
    tree = A.parse(path.read_text(encoding="utf-8"))
    nodes = list(gast.walk(tree))
    assert sorted(id(n) for n in A.name_nodes(tree)) == sorted(id(n) for n in nodes if isinstance(n, gast.Name))
    expressions = [n for n in nodes if isinstance(n, gast.expr)][:3000]
    by_dump, by_key = {}, {}
    for k, node in enumerate(expressions):
        by_dump.setdefault(gast.dump(node), []).append(k)
        by_key.setdefault(A.structure(node), []).append(k)
    assert sorted(by_dump.values()) == sorted(by_key.values())  # one partition of the expressions


def test_structure_tells_what_dump_tells():
    one, same, other, number = (A.quote_expr(s) for s in ("a * b + 1.0", "a * b + 1.0", "a * b + 1", "a * b + 1.0"))
    assert A.structure(one) == A.structure(same)
    assert A.structure(one) != A.structure(other)  # 1.0 and 1 differ as dump writes them
    number.right.value = -0.0
    assert A.structure(one) != A.structure(number)
    assert A.structure(gast.Tuple(elts=[], ctx=gast.Load())) == A.structure(A.quote_expr("()"))

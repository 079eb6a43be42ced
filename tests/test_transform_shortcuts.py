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

import pytest

import functions
import s2s
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

"""What the speed-ups of the transform must keep: the same source in every
process, the garbage collector as the user left it, and tree helpers that
agree with gast's own (parse, walk, copy, conversion to ``ast``)."""
import ast
import gc
import os
import pathlib
import subprocess
import sys

import gast
import pytest

import functions
import s2s
from s2s.common import astutil as A
from s2s.backend import emit

ROOT = pathlib.Path(__file__).resolve().parent.parent

_DUMP = """
import sys
sys.path[:0] = [{root!r}, {tests!r}]
import functions, s2s
for case in functions.CASES:
    if "unsupported" in case.tags:
        continue
    for make in (s2s.grad, s2s.jvp):
        try:
            print(s2s.source(make(case.fn, wrt=case.wrt)))
        except s2s.S2SError as err:
            print(type(err).__name__, err)
"""


def test_the_generated_source_does_not_depend_on_the_process():
    """Sets iterate in a different order under another PYTHONHASHSEED; the names
    and the order of the generated statements must not follow them."""
    script = _DUMP.format(root=str(ROOT), tests=str(ROOT / "tests"))
    outputs = []
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout)
    assert outputs[0].count("\ndef ") > 100
    assert outputs[0] == outputs[1]


def _fresh_copy(fn):
    """A function s2s has not seen: same code, new globals (so a cache miss)."""
    return type(fn)(fn.__code__, dict(fn.__globals__), fn.__name__, fn.__defaults__, fn.__closure__)


@pytest.mark.parametrize("enabled", [True, False])
def test_the_garbage_collector_is_left_as_it_was(enabled):
    case = next(c for c in functions.CASES if c.name == "lecture")
    bad = next(c for c in functions.CASES if c.name == "with_suppress")
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        s2s.grad(_fresh_copy(case.fn))(*case.args)
        assert gc.isenabled() is enabled
        with pytest.raises(s2s.S2SError):
            s2s.grad(_fresh_copy(bad.fn))(*bad.args)
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()


# ---------------------------------------------------------------------------
# the fast tree helpers agree with gast's own
# ---------------------------------------------------------------------------

SOURCES = sorted((ROOT / "s2s").rglob("*.py")) + sorted((ROOT / "templates").glob("*.py")) + \
    [ROOT / "tests" / "functions.py"]


def _dump(node):
    """Every node's class, fields and locations, recursively (annotations too)."""
    if isinstance(node, list):
        return [_dump(item) for item in node]
    if isinstance(node, ast.AST):
        return type(node).__name__, {key: _dump(value) for key, value in sorted(node.__dict__.items())}
    return node


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_tree_helpers_agree_with_gast(path):
    source = path.read_text(encoding="utf-8")
    expected = gast.parse(source)
    tree = A.parse(source)
    assert _dump(tree) == _dump(expected)
    assert [id(n) for n in A.walk(tree)] == [id(n) for n in gast.walk(tree)]
    statements = sorted(id(n) for n in A.statements(tree.body))
    assert statements == sorted(id(n) for n in gast.walk(tree) if isinstance(n, gast.stmt))
    copy = A.deepcopy(tree)
    assert _dump(copy) == _dump(tree)
    assert not {id(n) for n in A.walk(copy)} & {id(n) for n in A.walk(tree)}, "a copy shares no node"
    assert ast.unparse(emit.to_ast(tree)) == ast.unparse(gast.gast_to_ast(expected))

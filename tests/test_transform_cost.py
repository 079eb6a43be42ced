"""What the speed-ups of the transform must keep: the same source in every
process, and the garbage collector as the user left it."""
import gc
import os
import pathlib
import subprocess
import sys

import pytest

import functions
import s2s

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
    bad = next(c for c in functions.CASES if c.name == "for_else")
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

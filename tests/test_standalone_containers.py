"""Issue 17: ``s2s grad -o`` files of functions that build dicts, dataclasses and named tuples run without s2s.

One function of each kind from tests/containers_built.py (a dict comprehension over ``d.items()``,
dataclasses built with keywords and defaults, named tuples with ``._replace``, records built in a
loop), written with the command line, run in an isolated process (tests/test_standalone.py's
``run_isolated``) and compared with ``s2s.grad`` here.
"""
import copy
import pathlib

import pytest

import s2s
from s2s.api import cli

import containers_built as C
from test_standalone import assert_same, run_isolated

FILE = pathlib.Path(C.__file__)
KINDS = ["comprehension_items", "dataclass_keywords", "namedtuple_built", "records_in_a_loop", "zipped"]


@pytest.mark.parametrize("name", KINDS)
def test_a_standalone_gradient_of_built_containers_runs_without_s2s(name, tmp_path):
    case = next(c for c in C.CASES if c.name == name)
    out = tmp_path / "generated.py"
    wrt = ",".join(str(w) for w in case.wrt)
    assert cli.main(["grad", "{}:{}".format(FILE, name), "--wrt", wrt, "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    imports = [line.split()[1] for line in text.splitlines() if line.startswith(("import ", "from "))]
    assert not any(m == "s2s" or m.startswith("s2s.") for m in imports), imports
    expected = s2s.grad(case.fn, wrt=case.wrt)(*copy.deepcopy(case.args))
    folder = tmp_path / "isolated"
    folder.mkdir()
    got = run_isolated(folder, text, "grad_" + name, [copy.deepcopy(case.args)])
    assert_same(got[0], expected)


def test_a_named_tuple_class_is_written_as_the_call_that_makes_it(tmp_path):
    out = tmp_path / "generated.py"
    assert cli.main(["grad", "{}:namedtuple_built".format(FILE), "--wrt", "0,1", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "Pair = collections.namedtuple('Pair', ('scale', 'shift'), defaults=(0.25,))" in text
    assert "class Typed(typing.NamedTuple):" in text

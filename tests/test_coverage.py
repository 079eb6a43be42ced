"""The coverage table (s2s/rules/coverage.py), docs/coverage.md and `s2s rules`."""
import io
import pathlib

import numpy as np
import pytest

from s2s.api import cli
from s2s.rules import coverage, templates

ROOT = pathlib.Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "coverage.md"
REGENERATE = "python -m s2s rules --markdown > docs/coverage.md"


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_docs_coverage_is_up_to_date():
    pytest.importorskip("scipy")  # the document lists the scipy rules
    if not hasattr(np, "matvec"):
        pytest.skip("docs/coverage.md lists the functions of NumPy 2.2 and newer")
    want = coverage.markdown()
    have = DOC.read_text() if DOC.exists() else ""
    assert have == want, "docs/coverage.md is out of date; regenerate it with `{}`".format(REGENERATE)


def test_every_rule_and_nondifferentiable_primitive_has_one_row():
    registry = templates.builtin_registry()
    table = coverage.rows(registry)
    assert sum(1 for r in table if r.reverse) == len(registry.adjoints)
    assert sum(1 for r in table if not r.reverse) == len(registry.nondifferentiable)
    assert len({(r.module, r.names) for r in table}) == len(table)
    rules = {(r.module, name): r for r in table for name in r.names}
    assert rules["numpy", "sin"].reverse == "elementwise" and rules["numpy", "sin"].forward == "derived"
    assert rules["numpy.linalg", "eigh"].reverse == "adjoint" and rules["numpy.linalg", "eigh"].forward == "tangent"
    assert rules["numpy.linalg", "eigh"].file == "linalg.py"
    assert rules["numpy", "floor"].reverse == ""
    # Every adjoint rule has a forward-mode rule (none is left without).
    assert all(r.forward for r in table if r.reverse)


def test_markdown_lists_modules_and_counts():
    text = coverage.markdown()
    assert "## numpy.linalg" in text and "| `slogdet` | adjoint | tangent | linalg.py |" in text
    assert "## Non-differentiable" in text
    counts = coverage.counts(coverage.rows())
    assert "| numpy.linalg | {} | {} |".format(*counts["numpy.linalg"][:2]) in text
    only = coverage.markdown(module="numpy.linalg")
    assert "## numpy.linalg" in only and "## numpy\n" not in only


def test_user_rules_show_in_the_registry_table():
    import s2s

    def mine(x):
        return x

    before = templates.registry()
    try:
        @s2s.adjoint(mine, kind="linear")
        def mine_adjoint(x, *, ans, ans_bar):
            return ans_bar

        names = {n for r in coverage.rows(templates.registry()) for n in r.names}
        assert "test_user_rules_show_in_the_registry_table.<locals>.mine" in names
        assert "mine" not in {n for r in coverage.rows() for n in r.names}  # the built-in table is unchanged
    finally:
        templates.replace_registry(before)


def test_cli_rules_lists_every_rule():
    code, out, err = run("rules")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert len(lines) == len(coverage.rows())
    eigh = [line.split() for line in lines if line.startswith("numpy.linalg.eigh ")]
    assert eigh == [["numpy.linalg.eigh", "adjoint", "tangent"]]
    assert any(line.split()[1:] == ["nondiff", "-"] for line in lines if line.startswith("numpy.floor"))


def test_cli_rules_module_and_markdown():
    code, out, _ = run("rules", "--module", "numpy.linalg")
    assert code == 0 and out.splitlines() and all(line.startswith("numpy.linalg.") for line in out.splitlines())
    code, out, _ = run("rules", "--markdown")
    assert code == 0 and out == coverage.markdown()
    code, out, _ = run("rules", "--markdown", "--module", "math")
    assert code == 0 and out == coverage.markdown(module="math")


def test_cli_rules_unknown_module_is_a_usage_error():
    code, out, err = run("rules", "--module", "nonesuch")
    assert code == 2 and out == ""
    assert "--module 'nonesuch'" in err and "numpy.linalg" in err

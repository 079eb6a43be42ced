"""The user guide in docs/ runs: every ```python block, page by page, and the outputs it shows.

Each page's ```python blocks run in order as one module (a file, so s2s can read the
functions' source) in a fresh folder. A line ``expression  # value`` whose comment is a
Python literal (a number, a tuple, a bool; ``...`` marks digits left out) must give that
value. A ```py block is output, not code: it must appear in what the page's code printed
(the folder's path removed, so listings name ``example.py``). In cli.md, each ``s2s ...``
line of a ```sh block runs (through ``s2s.api.cli.main``, what ``python -m s2s`` calls) on a
copy of samples/, and must succeed.
"""
import ast
import contextlib
import importlib.util
import io
import math
import pathlib
import re
import runpy
import shlex
import shutil

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
NAV = re.findall(r":\s*(\S+\.md)\s*$", (ROOT / "mkdocs.yml").read_text(), re.M)


def blocks(text, fence):
    return re.findall(r"^```{}\n(.*?)^```".format(fence), text, re.S | re.M)


@pytest.fixture
def restore_rules():
    """The rules a page registers (rules.md) go when its test ends."""
    from s2s.rules import templates

    before = templates.registry()
    yield
    templates.replace_registry(before)


def test_the_navigation_lists_every_page_and_only_pages_that_exist():
    assert sorted(NAV) == sorted(p.name for p in DOCS.glob("*.md"))
    assert "coverage.md" in NAV and "index.md" in NAV


def test_the_pages_link_to_pages_that_exist():
    for page in NAV:
        for target in re.findall(r"\]\(([\w-]+\.md)(?:#[\w-]*)?\)", (DOCS / page).read_text()):
            assert (DOCS / target).exists(), "{} links to {}".format(page, target)


def literal(comment):
    try:
        return ast.literal_eval(comment.strip().replace("...", ""))
    except (SyntaxError, ValueError):
        return None


def checked_lines(source):
    """(line number, expression, value) for each ``expression  # value`` line."""
    for number, line in enumerate(source.splitlines(), 1):
        code, sep, comment = line.partition("  # ")
        if not sep or line.startswith((" ", "\t")):
            continue
        try:
            ast.parse(code.strip(), mode="eval")
        except SyntaxError:
            continue
        value = literal(comment)
        if value is not None and comparable(value):
            yield number, code.strip(), value


def comparable(value):
    if isinstance(value, (tuple, list)):
        return len(value) > 0 and all(map(comparable, value))
    return isinstance(value, (int, float, bool))


def close(got, want):
    if isinstance(want, (tuple, list)):
        got = list(got) if not hasattr(got, "shape") or got.shape else [got]
        return len(got) == len(want) and all(map(close, got, want))
    if isinstance(want, bool) or (isinstance(want, int) and not isinstance(got, float)):
        return got == want
    return math.isclose(float(got), want, rel_tol=1e-4, abs_tol=1e-12)


def run_page(page, folder):
    """Run ``page``'s python blocks as the module example.py in ``folder``; return (checks, values, output)."""
    source = "\n".join(blocks((DOCS / page).read_text(), "python"))
    checks = list(checked_lines(source))
    lines = source.splitlines()
    for number, code, _ in checks:
        lines[number - 1] = "VALUES[{}] = {}".format(number, code)
    path = folder / "example.py"
    path.write_text("VALUES = {}\n" + "\n".join(lines) + "\n")
    spec = importlib.util.spec_from_file_location("guide_" + page[:-3].replace("-", "_"), path)
    module = importlib.util.module_from_spec(spec)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        spec.loader.exec_module(module)
    return checks, module.VALUES, out.getvalue().replace(str(folder) + "/", "")


@pytest.mark.parametrize("page", [p for p in NAV if (DOCS / p).exists() and blocks((DOCS / p).read_text(),
                                                                                    "python")])
def test_page_examples_run_and_show_what_they_print(page, tmp_path, restore_rules):
    code = "\n".join(blocks((DOCS / page).read_text(), "python"))
    if "scipy" in code or "sparse_" in code:
        pytest.importorskip("scipy", reason="{}'s examples need SciPy (pip install -e '.[test]')".format(page))
    checks, values, output = run_page(page, tmp_path)
    for number, code, want in checks:
        assert close(values[number], want), "{}: `{}` gives {!r}, not {!r}".format(page, code, values[number], want)
    for listing in blocks((DOCS / page).read_text(), "py"):
        assert listing in output, "{}: this listing is not what the code prints:\n{}".format(page, listing)


def test_the_guide_checks_values():
    """Enough pages state their results that drifting numbers would be caught."""
    def checks(page):
        return list(checked_lines("\n".join(blocks((DOCS / page).read_text(), "python"))))

    pages = [p for p in NAV if (DOCS / p).exists() and checks(p)]
    assert len(pages) >= 6, pages


def test_the_cli_commands_of_the_guide_run(tmp_path, monkeypatch):
    """Each ``s2s ...`` line, through the command's own entry point (what ``python -m s2s`` runs)."""
    from s2s.api import cli

    shutil.copytree(ROOT / "samples", tmp_path / "samples", ignore=shutil.ignore_patterns("notebooks"))
    monkeypatch.chdir(tmp_path)
    commands = [line for block in blocks((DOCS / "cli.md").read_text(), "sh")
                for line in block.splitlines() if line.startswith("s2s ")]
    assert len(commands) >= 4
    for line in commands:
        out, err = io.StringIO(), io.StringIO()
        status = cli.main(shlex.split(line.partition("  #")[0])[1:], stdout=out, stderr=err)
        assert status == 0, "{}: {}".format(line, err.getvalue())
    written = sorted(tmp_path.glob("*.py"))
    assert [p.name for p in written] == ["lecture_grad.py", "loss_grad.py"]
    namespace = runpy.run_path(str(tmp_path / "lecture_grad.py"))
    assert namespace["lecture_grad"](2.0, 5.0) == pytest.approx((5.5, 2.0 - math.cos(5.0)))

"""The notebooks of samples/notebooks/ run, and the lecture one shows the highlighted gradient.

Each notebook is executed in a fresh Jupyter kernel with nbclient (skipped where nbclient,
nbformat or ipykernel is not installed: ``pip install -e '.[test]'`` installs them). The
committed files hold no outputs, so diffs show only what a person wrote.
"""
import html
import json
import os
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "samples" / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    assert {p.stem for p in NOTEBOOKS} >= {"lecture", "network", "checkpointing", "sparse_jacobian"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_are_committed_without_outputs(path):
    nb = json.loads(path.read_text())
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None, (
                "clear the outputs of {} (jupyter nbconvert --clear-output --inplace)".format(path.name))
    # nbformat's own layout (what Jupyter writes): sorted keys, one space of indent
    assert path.read_text() == json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + "\n", \
        "not in the layout nbformat writes"


def execute(path, monkeypatch, setup=None):
    """``path`` executed in a new kernel running in its folder, with this checkout's s2s first on the path."""
    nbclient = pytest.importorskip("nbclient", reason="nbclient is not installed (pip install -e '.[test]')")
    nbformat = pytest.importorskip("nbformat", reason="nbformat is not installed (pip install -e '.[test]')")
    pytest.importorskip("ipykernel", reason="ipykernel is not installed (pip install -e '.[test]')")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT)] + [p for p in [os.environ.get("PYTHONPATH")] if p]))
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel picks its inline backend: figures become outputs
    nb = nbformat.read(str(path), as_version=4)
    if any("scipy" in c.source or "sparse_" in c.source for c in nb.cells if c.cell_type == "code"):
        pytest.importorskip("scipy", reason="{} needs SciPy (pip install -e '.[test]')".format(path.name))
    if setup is not None:
        nb.cells.insert(0, nbformat.v4.new_code_cell(setup))
    client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    return nb


_EXECUTED = {}  # each notebook runs once per session; the lecture test reads the run of test_notebook_runs


def executed(path, monkeypatch):
    if path not in _EXECUTED:
        _EXECUTED[path] = execute(path, monkeypatch)
    return _EXECUTED[path]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path, monkeypatch):
    nb = executed(path, monkeypatch)  # a cell that raises fails the execution (CellExecutionError)
    assert all(c.execution_count for c in nb.cells if c.cell_type == "code")
    if path.stem in ("checkpointing", "sparse_jacobian") and _importable("matplotlib"):
        assert any("image/png" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", [])), "no plot"


def _importable(name):
    import importlib.util

    return importlib.util.find_spec(name) is not None


@pytest.mark.parametrize("name", ["checkpointing", "sparse_jacobian"])
def test_plotting_notebooks_run_without_matplotlib(name, monkeypatch):
    """Where matplotlib is missing the notebooks print their table or picture; where it is installed,
    test_notebook_runs ran the plotting path and this run hides matplotlib to check the other one."""
    nb = execute(ROOT / "samples" / "notebooks" / (name + ".ipynb"), monkeypatch,
                 setup="import sys\nsys.modules['matplotlib'] = None  # as if it were not installed")
    text = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    assert ("peak MB" in text) if name == "checkpointing" else (". a" in text or "a b" in text)
    assert not any("image/png" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", []))


def test_the_lecture_notebook_shows_the_gradient_highlighted(monkeypatch):
    nb = executed(ROOT / "samples" / "notebooks" / "lecture.ipynb", monkeypatch)
    cell = next(c for c in nb.cells if c.cell_type == "code" and c.source.strip() == "s2s.grad(f)")
    (result,) = [o for o in cell.outputs if o.output_type == "execute_result"]
    shown = result.data["text/html"]
    assert 'style="color:' in shown and "<span" in shown  # highlighted by Pygments, inline styles
    text = html.unescape(re.sub(r"<[^>]+>", "", shown))
    assert "s2s.grad of f wrt x1" in text
    assert "def grad_f(x1, x2):" in text
    assert "return np.log(x1) + x1 * x2 - np.sin(x2)" in text  # the origin comment
    assert "x1_bar" in text and "np.cos(x2)" not in text  # wrt x1 only: no derivative of sin(x2)
    assert "text/markdown" in result.data

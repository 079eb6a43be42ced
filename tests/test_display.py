"""Rich display of derivatives: ``_repr_html_``/``_repr_markdown_`` and ``s2s.show`` (s2s/backend/display.py)."""
import html
import io
import re
import sys
import types

import numpy as np
import pytest

import s2s


def clipped(x, y):
    if x < y:  # a comparison, so the source holds characters HTML escapes
        return np.log(x) + x * y - np.sin(y)
    return x * y


def plain_text(markup):
    """The text an HTML fragment shows: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


@pytest.fixture
def no_pygments(monkeypatch):
    """Make ``import pygments`` fail, as where it is not installed."""
    for name in list(sys.modules):
        if name == "pygments" or name.startswith("pygments."):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "pygments", None)


def test_html_shows_the_name_and_the_highlighted_source():
    g = s2s.grad(clipped)
    out = g._repr_html_()
    assert "s2s.grad of clipped wrt x" in out
    assert "style=" in out and "<span" in out  # Pygments, inline styles
    assert "<link" not in out and "<style" not in out  # renders without any stylesheet
    text = plain_text(out)
    assert s2s.source(g) in text
    assert "# test_display.py:" in text  # origin comments stay
    assert "not called yet" in text


def test_html_without_pygments_is_an_escaped_pre(no_pygments):
    g = s2s.grad(clipped)
    out = g._repr_html_()
    assert "<span" not in out
    assert "<pre" in out and html.escape(s2s.source(g)) in out
    assert "&lt;" in out and "x < y" not in out


def test_markdown_is_a_fenced_python_block():
    g = s2s.grad(clipped)
    out = g._repr_markdown_()
    assert out.startswith("**s2s.grad of clipped wrt x**")
    assert "```python\n" + s2s.source(g).rstrip("\n") + "\n```" in out


def test_display_does_not_change_what_source_returns():
    g = s2s.grad(clipped)
    g._repr_html_()
    assert "not called yet" in g._repr_markdown_()  # displaying is not a call
    g(1.0, 3.0)
    after = s2s.source(g)
    assert "the source the last call ran" in g._repr_markdown_()
    g._repr_html_()
    assert s2s.source(g) == after


@pytest.mark.parametrize("make", [
    lambda: s2s.value_and_grad(clipped),
    lambda: s2s.vjp(clipped),
    lambda: s2s.jvp(clipped),
    lambda: s2s.jacobian(clipped),
    lambda: s2s.hessian(clipped),
    lambda: s2s.hvp(clipped),
    lambda: s2s.grad(s2s.grad(clipped)),
])
def test_every_transform_displays_its_source(make):
    g = make()
    out = g._repr_html_()
    assert repr(g)[1:-1] in html.unescape(out)
    assert s2s.source(g) in plain_text(out)
    assert s2s.source(g).rstrip("\n") in g._repr_markdown_()


def test_show_on_a_stream_writes_the_plain_source():
    g = s2s.grad(clipped)
    out = io.StringIO()
    assert s2s.show(g, file=out) is None
    assert "\x1b[" not in out.getvalue()  # not a terminal: no colour
    assert out.getvalue().splitlines()[0].startswith("# s2s.grad of clipped wrt x")
    assert s2s.source(g) in out.getvalue()


def test_show_against_puts_both_sources_side_by_side_when_they_fit():
    g = s2s.jvp(clipped)
    out = io.StringIO()
    s2s.show(g, against=clipped, file=out, width=250)
    lines = out.getvalue().splitlines()
    assert any(line.startswith("def clipped(x, y):") and "| def jvp_clipped" in line for line in lines)
    left = [line.split(" | ")[0].rstrip() for line in lines[1:]]
    assert "    if x < y:  # a comparison, so the source holds characters HTML escapes" in left


def test_show_against_one_after_the_other_when_columns_would_not_fit():
    g = s2s.grad(clipped)
    out = io.StringIO()
    s2s.show(g, against=clipped, file=out, width=80)
    text = out.getvalue()
    assert " | " not in text
    assert text.index("def clipped(x, y):") < text.index("def grad_clipped(")
    assert s2s.source(g) in text


def test_show_against_in_html_is_a_two_column_table():
    from s2s.backend import display

    g = s2s.grad(clipped)
    out = display.side_by_side_html("def clipped(x, y): ...\n", "clipped", s2s.source(g), repr(g)[1:-1])
    assert out.count("<td") == 2
    assert "clipped" in out and "grad_clipped" in plain_text(out)


@pytest.fixture
def fake_notebook(monkeypatch):
    """A stand-in for a running Jupyter kernel: IPython.get_ipython() has a kernel; display() records."""
    shown = []
    ipython = types.ModuleType("IPython")
    ipython.get_ipython = lambda: types.SimpleNamespace(kernel=object())
    ipython_display = types.ModuleType("IPython.display")
    ipython_display.display = shown.append
    ipython.display = ipython_display
    monkeypatch.setitem(sys.modules, "IPython", ipython)
    monkeypatch.setitem(sys.modules, "IPython.display", ipython_display)
    return shown


def test_show_in_a_notebook_displays_html(fake_notebook, capsys):
    g = s2s.grad(clipped)
    s2s.show(g)
    s2s.show(g, against=clipped)
    assert capsys.readouterr().out == ""
    single, pair = fake_notebook
    assert s2s.source(g) in plain_text(single._repr_html_())
    assert pair._repr_html_().count("<td") == 2
    assert "def clipped(x, y):" in plain_text(pair._repr_html_())
    assert s2s.source(g) in plain_text(pair._repr_html_())


def test_show_in_a_terminal_ipython_prints(monkeypatch, capsys):
    ipython = types.ModuleType("IPython")
    ipython.get_ipython = lambda: types.SimpleNamespace()  # a shell without a kernel
    monkeypatch.setitem(sys.modules, "IPython", ipython)
    g = s2s.grad(clipped)
    s2s.show(g)
    assert s2s.source(g) in capsys.readouterr().out


def test_importing_s2s_does_not_import_ipython():
    import subprocess

    code = "import sys, s2s; print('IPython' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_show_refuses_what_s2s_did_not_make():
    with pytest.raises(s2s.ArgumentError, match="s2s.show expects"):
        s2s.show(clipped)
    with pytest.raises(s2s.ArgumentError, match="against"):
        s2s.show(s2s.grad(clipped), against=42)


def uses_try(x):
    try:
        y = x * 2.0
    except ValueError:
        y = x
    return y


def test_a_transform_that_cannot_be_generated_displays_the_refusal():
    g = s2s.grad(uses_try)
    out = g._repr_html_()  # a notebook shows the reason, not a traceback
    assert "`try` is not supported" in html.unescape(out)
    assert "test_display.py:" in html.unescape(out)
    with pytest.raises(s2s.UnsupportedSyntaxError):
        g(1.0)

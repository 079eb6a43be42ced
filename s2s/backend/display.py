"""Rendering generated source for people: HTML and Markdown for notebooks, ANSI text for terminals.

Takes source text (and a title and a one-line header saying what the source
is); returns strings. HTML is highlighted with Pygments when it is importable,
with inline styles only (no external CSS), so it renders in Jupyter, in
nbconvert's output and on GitHub; without Pygments it is a plain escaped
``<pre>``. Nothing is changed in the source itself: the origin comments
(``# lecture.py:16 ...``) stay. ``side_by_side_html`` / ``side_by_side_text``
put two sources next to each other (a function and its derivative).
``in_notebook()`` says whether a Jupyter kernel runs this process, without
importing IPython.
"""
import html as _html
import shutil
import sys

from s2s.backend import highlight as _ansi

_FONT = "font-family: SFMono-Regular, Menlo, Consolas, monospace; font-size: 90%;"
_PRE = "margin: 0; padding: 0.5em; overflow-x: auto; "
_HEADER = "margin: 0 0 0.3em 0; font-family: sans-serif; font-size: 90%; color: #555;"


def _pygments():
    """(highlight, PythonLexer, HtmlFormatter) from Pygments, or None when it is not importable."""
    try:
        from pygments import highlight
        from pygments.formatters import HtmlFormatter
        from pygments.lexers import PythonLexer
    except ImportError:
        return None
    return highlight, PythonLexer, HtmlFormatter


def has_pygments():
    return _pygments() is not None


def code_html(source):
    """``source`` as a highlighted HTML block (inline styles), or an escaped ``<pre>`` without Pygments."""
    pyg = _pygments()
    if pyg is None:
        return '<pre class="s2s-source" style="{}{} line-height: 125%; background: #f8f8f8;">{}</pre>'.format(
            _PRE, _FONT, _html.escape(source))
    highlight, lexer, formatter = pyg
    styles = _PRE + _FONT.rstrip(";")
    body = highlight(source, lexer(), formatter(noclasses=True, nobackground=True, prestyles=styles))
    return '<div class="s2s-source" style="background: #f8f8f8;">{}</div>'.format(body)


def _header_html(title, header):
    text = "<b>{}</b>".format(_html.escape(title))
    if header:
        text += " &mdash; {}".format(_html.escape(header))
    return '<p style="{}">{}</p>'.format(_HEADER, text)


def source_html(source, title, header=""):
    """A titled, highlighted HTML view of ``source`` (``header``: one line saying what it is)."""
    return '<div class="s2s">{}{}</div>'.format(_header_html(title, header), code_html(source))


def source_markdown(source, title, header=""):
    """The same view in Markdown: a line naming it, then a fenced Python block."""
    line = "**{}**".format(title) + (" — {}".format(header) if header else "")
    fence = "```"
    while fence in source:
        fence += "`"
    return "{}\n\n{}python\n{}\n{}\n".format(line, fence, source.rstrip("\n"), fence)


def side_by_side_html(left, left_title, right, right_title, header=""):
    """Two sources in a two-column table: ``left`` (the function) beside ``right`` (its derivative)."""
    cell = '<td style="vertical-align: top; text-align: left; padding: 0 0.5em;">{}{}</td>'
    return ('<div class="s2s">{}<table style="border-collapse: collapse;"><tr>{}{}</tr></table></div>'.format(
        '<p style="{}">{}</p>'.format(_HEADER, _html.escape(header)) if header else "",
        cell.format(_header_html(left_title, ""), code_html(left)),
        cell.format(_header_html(right_title, ""), code_html(right))))


def source_text(source, title, header="", color=False):
    """``source`` for a terminal: a comment line naming it, then the source (ANSI colours if ``color``)."""
    line = "# {}".format(title) + (" — {}".format(header) if header else "")
    body = _ansi.highlight(source) if color else source
    return "{}\n{}{}".format(_ansi.highlight(line) if color else line, body, "" if body.endswith("\n") else "\n")


def side_by_side_text(left, left_title, right, right_title, header="", color=False, width=None):
    """Two sources for a terminal of ``width`` columns (default: the terminal's, else 100).

    Two columns separated by `` | `` when every line of both fits in half the
    width; otherwise one after the other, which reads better than wrapped columns.
    """
    width = width or shutil.get_terminal_size((100, 24)).columns
    lcol = ["# " + left_title] + left.rstrip("\n").splitlines()
    rcol = ["# " + right_title] + right.rstrip("\n").splitlines()
    half = (width - 3) // 2
    top = "# {} — {}\n".format(right_title, header) if header else ""
    if max(len(line) for line in lcol + rcol) > half:
        return top + source_text(left, left_title, "", color) + "\n" + source_text(right, right_title, "", color)
    paint = _ansi.highlight if color else (lambda text: text)
    # highlighted text keeps its lines (each line's codes are reset at its end), so it splits like the plain
    lpaint = paint("\n".join(lcol) + "\n").splitlines()
    rpaint = paint("\n".join(rcol) + "\n").splitlines()
    lwidth = max(len(line) for line in lcol)
    rows = []
    for i in range(max(len(lcol), len(rcol))):
        plain = lcol[i] if i < len(lcol) else ""
        shown = lpaint[i] if i < len(lpaint) else ""
        right_shown = rpaint[i] if i < len(rpaint) else ""
        rows.append((shown + " " * (lwidth - len(plain)) + " | " + right_shown).rstrip())
    return top + "\n".join(rows) + "\n"


class Rendered:
    """An object Jupyter displays as HTML (and Markdown, and text), for ``IPython.display.display``."""

    def __init__(self, html, markdown, text):
        self.html, self.markdown, self.text = html, markdown, text

    def _repr_html_(self):
        return self.html

    def _repr_markdown_(self):
        return self.markdown

    def __repr__(self):
        return self.text


def in_notebook():
    """The running IPython shell when it is a Jupyter kernel (it has a ``kernel``), else None.

    Reads ``sys.modules``: IPython is never imported by s2s, only found when the user's session loaded it.
    """
    ipython = sys.modules.get("IPython")
    get = getattr(ipython, "get_ipython", None)
    shell = get() if get is not None else None
    return shell if getattr(shell, "kernel", None) is not None else None


def display(rendered):
    """Show ``rendered`` in the notebook this process is the kernel of."""
    from IPython.display import display as ipython_display  # only reached inside a running kernel

    ipython_display(rendered)

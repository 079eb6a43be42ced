"""``s2s.show``: the generated source of a derivative, highlighted where the user looks at it.

Takes anything s2s returned (grad, value_and_grad, vjp, jvp, jacobian,
hessian, hvp) and optionally the function to put beside it; inside a Jupyter
kernel it displays HTML, elsewhere it writes text (ANSI colours on a
terminal). Rendering is s2s/backend/display.py's; this module only picks
the sources and where they go.
"""
import inspect
import os
import sys
import textwrap

from s2s.backend import display, highlight
from s2s.common.errors import ArgumentError
from s2s.api.transforms import Derived, Transformed


def _view(g, what):
    if isinstance(g, (Transformed, Derived)):
        return g.view()
    fn = inspect.unwrap(g) if callable(g) else g
    code = getattr(fn, "__code__", None)
    if what == "against" and code is not None:
        try:
            text = textwrap.dedent(inspect.getsource(fn))
        except (OSError, TypeError):
            raise ArgumentError("s2s.show(..., against={!r}): its source is unavailable; define it in a .py file "
                                "or a notebook cell.".format(g)) from None
        where = "{}:{}".format(os.path.basename(code.co_filename), code.co_firstlineno)
        return text, "{} ({})".format(fn.__name__, where), ""
    raise ArgumentError("s2s.show expects a function returned by s2s (grad, value_and_grad, vjp, jvp, jacobian, "
                        "hessian, hvp){}, not {!r}".format(
                            ", and against= a Python function or one of those" if what == "against" else "", g))


def show(g, against=None, *, file=None, width=None):
    """Show the generated source of ``g``, highlighted; with ``against=f``, ``f``'s source beside it.

    In a Jupyter notebook this displays HTML (an HTML two-column table for
    ``against``). Elsewhere it writes to ``file`` (default ``sys.stdout``),
    with ANSI colours when that is a terminal: ``against`` puts the two
    sources in two columns when they fit in ``width`` columns (default: the
    terminal's), one after the other otherwise. Returns None.
    """
    source, title, header = _view(g, "g")
    left = _view(against, "against") if against is not None else None
    if file is None and display.in_notebook() is not None:
        if left is None:
            rendered = display.Rendered(display.source_html(source, title, header),
                                        display.source_markdown(source, title, header),
                                        display.source_text(source, title, header))
        else:
            rendered = display.Rendered(
                display.side_by_side_html(left[0], left[1], source, title, header),
                display.source_markdown(left[0], left[1]) + "\n" + display.source_markdown(source, title, header),
                display.side_by_side_text(left[0], left[1], source, title, header, width=width))
        display.display(rendered)
        return None
    stream = file or sys.stdout
    color = highlight.wants_color(stream)
    if left is None:
        stream.write(display.source_text(source, title, header, color=color))
    else:
        stream.write(display.side_by_side_text(left[0], left[1], source, title, header, color=color, width=width))
    stream.flush()
    return None

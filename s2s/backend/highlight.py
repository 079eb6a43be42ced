"""A small ANSI syntax highlighter for Python source, built on ``tokenize``.

``highlight(text)`` returns ``text`` with colour codes around keywords,
names being defined, strings, numbers and comments; stripping the codes gives
back ``text`` exactly. ``wants_color(stream)`` decides whether to use colour:
only on a terminal, never when ``NO_COLOR`` is set (https://no-color.org) or
``TERM`` is ``dumb``.
"""
import builtins
import io
import keyword
import os
import re
import tokenize

RESET = "\x1b[0m"
STYLES = {
    "keyword": "\x1b[1;35m",    # bold magenta
    "definition": "\x1b[1;34m",  # bold blue: the name after def / class
    "builtin": "\x1b[36m",      # cyan
    "string": "\x1b[32m",       # green
    "number": "\x1b[33m",       # yellow
    "comment": "\x1b[2;37m",    # dim grey: origin comments
}
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_BUILTINS = frozenset(name for name in dir(builtins) if not name.startswith("_"))


def wants_color(stream, environ=None):
    """True when ``stream`` is a terminal and the environment allows colour."""
    environ = os.environ if environ is None else environ
    if environ.get("NO_COLOR") or environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def strip(text):
    """``text`` without ANSI colour codes."""
    return _ANSI.sub("", text)


def _style(tok, previous):
    if tok.type == tokenize.COMMENT:
        return "comment"
    if tok.type == tokenize.STRING:
        return "string"
    if tok.type == tokenize.NUMBER:
        return "number"
    if tok.type == tokenize.NAME:
        if previous in ("def", "class"):
            return "definition"
        if keyword.iskeyword(tok.string):
            return "keyword"
        if tok.string in _BUILTINS and previous != ".":
            return "builtin"
    return None


def highlight(text):
    """``text`` (Python source) with ANSI colour codes; unparseable text is returned as is."""
    lines = text.splitlines(True)
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return text
    # (row, col) -> style start / end, applied right to left so offsets stay valid
    spans = []
    previous = ""
    for tok in tokens:
        style = _style(tok, previous)
        if style:
            spans.append((tok.start, tok.end, STYLES[style]))
        if tok.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.COMMENT):
            previous = tok.string
    for (srow, scol), (erow, ecol), code in reversed(spans):
        for row in range(erow, srow - 1, -1):
            line = lines[row - 1]
            start = scol if row == srow else 0
            end = ecol if row == erow else len(line.rstrip("\r\n"))
            lines[row - 1] = line[:start] + code + line[start:end] + RESET + line[end:]
    return "".join(lines)

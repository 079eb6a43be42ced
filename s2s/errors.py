"""Errors about the user's code.

Every message names ``file:line``, quotes the construct and says what to do.
``S2SError`` itself lives in ``s2s.runtime`` so that generated code (and the
standalone files the command line writes) can raise it without importing the
rest of s2s.
"""
from s2s.runtime import ArgumentError, NonScalarOutputError, S2SError

__all__ = [
    "S2SError",
    "NonScalarOutputError",
    "SourceUnavailableError",
    "UnsupportedSyntaxError",
    "NoRuleError",
    "ArgumentError",
    "TemplateError",
    "where",
]


class SourceUnavailableError(S2SError):
    """The function's source cannot be read (REPL, lambda, builtin)."""


class UnsupportedSyntaxError(S2SError):
    """A construct s2s does not differentiate."""


class NoRuleError(S2SError):
    """A call to a function with no template and no Python source."""


class TemplateError(S2SError):
    """A derivative template is malformed."""


def where(origin):
    """``file:line`` of an origin (anything with ``filename`` and ``lineno``)."""
    if origin is None:
        return "<unknown>"
    return "{}:{}".format(origin.filename, origin.lineno)

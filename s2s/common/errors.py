"""Errors about the user's code.

Every message names ``file:line``, quotes the construct and says what to do.
``S2SError`` itself lives in ``s2s.runtime`` so that generated code (and the
standalone files the command line writes) can raise it without importing the
rest of s2s.
"""
from s2s.common import anno
from s2s.runtime import (ArgumentError, ComplexInputError, ComplexOutputError,  # noqa: F401 (re-exported)
                         NonScalarOutputError, NoRuleError, S2SError)
from s2s.runtime import is_runtime

__all__ = [
    "S2SError",
    "NonScalarOutputError",
    "ComplexOutputError",
    "ComplexInputError",
    "SourceUnavailableError",
    "UnsupportedSyntaxError",
    "NoRuleError",
    "ArgumentError",
    "TemplateError",
    "S2SWarning",
    "where",
]


class SourceUnavailableError(S2SError):
    """The function's source cannot be read (REPL, lambda, builtin)."""


class UnsupportedSyntaxError(S2SError):
    """A construct s2s does not differentiate."""


class TemplateError(S2SError):
    """A derivative template is malformed."""


class S2SWarning(UserWarning):
    """Something the user asked for is not done as asked, and s2s does something else that is correct
    (``compile="numba-or-python"`` running a derivative uncompiled)."""


def where(origin):
    """``file:line`` of an origin (anything with ``filename`` and ``lineno``)."""
    if origin is None:
        return "<unknown>"
    return "{}:{}".format(origin.filename, origin.lineno)


def site(stmt, fallback):
    """``(file:line, source text)`` of a core-form statement, for messages; ``fallback`` when it has no origin."""
    origin = anno.get(stmt, anno.Key.ORIGIN)
    return (str(origin), origin.text) if origin else (fallback, "")


def describe(obj):
    """How a message names a callable: `module.qualname`."""
    module = "s2s.runtime" if is_runtime(obj) else getattr(obj, "__module__", None)
    name = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None) or repr(obj)
    return "`{}.{}`".format(module, name) if module and module != "builtins" else "`{}`".format(name)


def no_rule(stmt, fallback, callee, decorator):
    """The error for a call to ``callee``, which has no rule and no readable source."""
    where, text = site(stmt, fallback)
    name = getattr(callee, "__name__", None)
    name = name if isinstance(name, str) and name.isidentifier() else "fn"  # `<lambda>` is no name to write
    return NoRuleError(
        "{}: `{}`: s2s has no derivative rule for {} and cannot read its source. Register one with "
        "@s2s.{}({}), or wrap the call in s2s.stop_gradient(...) if its derivative is not needed.".format(
            where, text, describe(callee), decorator, name))

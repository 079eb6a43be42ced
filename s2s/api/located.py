"""Errors raised while generated code runs, located in the user's source.

A run-time refusal (``ComplexInputError`` from ``refuse_complex``, the eigenvector-phase check, a
``NoRuleError`` of a rule not written yet) is raised inside a helper, which knows the primitive but
not the user's line. ``locate`` takes the error and the generated entry, finds the generated line
that was running (the innermost frame of the generated file) and puts the user's ``file:line`` and
source text, from the line map of ``s2s.backend.emit.to_source``, in front of the message. Errors
whose message already starts with a ``file:line`` are left alone.
"""
import re

_LOCATED = re.compile(r"^\S+:\d+: ")
# compiled file name of each generated derivative -> its line map: a derivative of a derivative names the
# user's line through the generated line it came from (entries live as long as the transform cache's)
SITES = {}


def remember(filename, sites):
    """Keep the line map of the generated file ``filename`` for the derivatives taken of it."""
    SITES[filename] = sites


def locate(err, filename, sites, offset=1):
    """Prefix ``err``'s message with the user's ``file:line: `text`:`` of the generated line running in
    ``filename`` (line numbers in ``sites`` are ``offset`` less than the compiled file's). In place."""
    message = str(err.args[0]) if err.args else ""
    if not sites or _LOCATED.match(message):
        return err
    lineno = None
    tb = err.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            lineno = tb.tb_lineno
        tb = tb.tb_next
    origin = sites.get(lineno - offset) if lineno is not None else None
    if origin is None:
        return err
    seen = set()
    while origin.filename in SITES and origin.filename not in seen:  # a line of generated code: go back
        seen.add(origin.filename)
        inner = SITES[origin.filename].get(origin.lineno - offset)
        if inner is None:
            break
        origin = inner
    where = "{}:{}".format(origin.filename, origin.lineno)
    text = " `{}`:".format(origin.text) if origin.text else ""
    err.args = ("{}:{} {}".format(where, text, message),) + tuple(err.args[1:])
    return err

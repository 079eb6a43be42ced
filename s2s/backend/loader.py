"""Load: compile generated source into callables.

The generated functions are compiled inside a factory whose parameters are
the objects the code refers to besides the user's module globals (runtime
helpers, closure values, NumPy when the user spelled it differently). The
factory runs with the user's globals, so global names stay live. The source
is registered with ``linecache`` so tracebacks and pdb show generated lines.
"""
import ast
import hashlib
import linecache
import textwrap
import types

_FACTORY = "__s2s_factory__"


def load(source, entry, bindings, globals_, filename, rewrite=None):
    """Compile ``source`` and return the function named ``entry``; ``rewrite``, if given, takes the parsed
    module and leaves the one to compile (same line numbers: tracebacks show ``source``'s lines)."""
    params = sorted(bindings)
    names = ", ".join(params)
    body = textwrap.indent(source, "    ")
    text = "def {}({}):\n{}\n    return {}\n".format(_FACTORY, names, body, entry)
    filename = _unique(filename, text)
    code = compile(text if rewrite is None else rewrite(ast.parse(text)), filename, "exec")
    factory_code = next(c for c in code.co_consts if isinstance(c, types.CodeType) and c.co_name == _FACTORY)
    factory = types.FunctionType(factory_code, globals_, _FACTORY)
    linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)
    return factory(*[bindings[p] for p in params])


def _unique(filename, text):
    """``filename``, or a variant of it if linecache holds a different text under it.

    The variant ends with a hash of the text, so the same source always gets
    the same name and tracebacks of an earlier derivative keep their lines.
    """
    cached = linecache.cache.get(filename)
    if cached is None or "".join(cached[2]) == text:
        return filename
    return "{} #{}>".format(filename[:-1], hashlib.sha1(text.encode("utf-8")).hexdigest()[:8])

"""Compile generated source with Numba (``compile="numba"``): nopython mode, errors mapped back.

Takes what ``s2s/backend/loader.py`` takes (the generated source, its entry
name, its bindings and the user's globals) and gives a ``Compiled`` callable:
every function of the source goes through ``numba.njit``, the runtime helpers
it calls get their nopython versions from ``s2s/backend/numba_helpers.py``
(``add_product``, a sum of products written in place, from ``s2s/backend/numba_gemm.py``),
``reversed`` (which Numba lacks) is bound to a compiled stand-in, and
``np.tanh``, ``np.exp``, ... call NumPy's own loops on large arrays
(``s2s/backend/numba_ufuncs.py``). The
source is the one ``s2s.source`` shows (``s2s/backend/numba_lower.py`` made
it compilable before it was emitted).

Numba compiles on the first call for each set of argument types. When it
cannot, ``Compiled`` runs the uncompiled function once on the same arguments:
an ``S2SError`` from it (a non-scalar result given to grad, a wrong
cotangent) is the user's answer; otherwise a ``NumbaCompileError`` names the
user's line, the generated line and what Numba refused, or, under
``compile="numba-or-python"``, an ``S2SWarning`` says so and the uncompiled
function runs from then on.
"""
import importlib.util
import linecache
import re
import types
import warnings

from s2s.common.errors import S2SError, S2SWarning

MODES = ("numba", "numba-or-python")
_LINE = re.compile(r'File "([^"]*)", line (\d+)')
_ORIGIN = re.compile(r"^\s*# (\S+):(\d+)  ?(.*)$")


class NumbaCompileError(S2SError):
    """Numba cannot compile a generated derivative in nopython mode."""


def available():
    """Whether Numba can be imported."""
    return importlib.util.find_spec("numba") is not None


def require(mode, where):
    """Check the ``compile=`` option: None, "numba" or "numba-or-python" (Numba installed for "numba")."""
    if mode is None:
        return None
    if mode not in MODES:
        raise S2SError("{}: compile={!r} is not an option; pass compile=\"numba\", compile=\"numba-or-python\" or "
                       "leave it out (plain Python).".format(where, mode))
    if mode == "numba" and not available():
        raise NumbaCompileError("{}: compile=\"numba\" needs Numba, which is not installed: pip install "
                                "'s2s[numba]' (or pass compile=\"numba-or-python\" to run uncompiled when it is "
                                "missing).".format(where))
    return mode


def load(source, entry, bindings, globals_, filename, python, mode, names, user_file):
    """A ``Compiled`` running ``entry`` of ``source``; ``python`` is the same code uncompiled.

    ``names`` are the functions the source defines (each is compiled);
    ``user_file`` is the path of the differentiated function's file.
    """
    if not available():  # "numba-or-python" without Numba: say so once, run Python
        warnings.warn("s2s: Numba is not installed, so compile=\"numba-or-python\" runs {} uncompiled; pip "
                      "install 's2s[numba]' to compile it.".format(entry), S2SWarning, stacklevel=4)
        return python
    import numba
    from s2s.backend import numba_gemm, numba_helpers, numba_ufuncs  # noqa: F401 (numba_gemm registers add_product)

    namespace = dict(globals_)
    namespace.update(bindings)
    namespace = numba_ufuncs.accelerate(namespace, source)  # NumPy's vectorized tanh, exp, ... on large arrays
    namespace["reversed"] = numba_helpers.backwards
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), namespace)  # noqa: S102 - our own generated source
    for name in names:
        namespace[name] = numba.njit(namespace[name])
    return Compiled(namespace[entry], python, mode, source, filename, user_file)


class Compiled:
    """The compiled entry function, with Numba's refusals turned into S2S errors or a fallback."""

    def __init__(self, dispatcher, python, mode, source, filename, user_file):
        self.dispatcher = dispatcher
        self.python = python
        self.mode = mode
        self.source = source
        self.filename = filename
        self.user_file = user_file
        self.fallen_back = False

    def __call__(self, *args, **kwargs):
        if self.fallen_back:
            return self.python(*args, **kwargs)
        import numba

        try:
            return self.dispatcher(*args, **kwargs)
        except numba.core.errors.NumbaError as err:
            refusal = err
        except S2SError:  # a check in compiled code failed: the uncompiled one says what is wrong
            refusal = None
        result = self.python(*args, **kwargs)  # raises the user's error, if there is one
        if refusal is None:
            raise NumbaCompileError("{}: the compiled derivative refused its arguments where the uncompiled one "
                                    "accepts them; please report it with the function.".format(self.user_file))
        message = self.explain(refusal)
        if self.mode != "numba-or-python":
            raise NumbaCompileError(message) from None
        warnings.warn(message.replace(" Pass compile=\"numba-or-python\" to run it uncompiled instead, or",
                                      " It runs uncompiled instead; to silence this,")
                      , S2SWarning, stacklevel=3)
        self.fallen_back = True
        return result

    def explain(self, err):
        """The message for Numba's error ``err``: the user's line, the generated line, Numba's reason."""
        lines = self.source.splitlines()
        found = [int(n) for f, n in _LINE.findall(str(err)) if f == self.filename]
        reason = _reason(str(err))
        if not found or not 0 < found[-1] <= len(lines):
            return ("{}: Numba cannot compile the derivative ({}). Pass compile=\"numba-or-python\" to run it "
                    "uncompiled instead, or leave compile out.".format(self.user_file, reason))
        n = found[-1]
        where, text = self.user_file, ""
        for line in reversed(lines[:n]):
            origin = _ORIGIN.match(line)
            if origin:
                name, number, text = origin.groups()
                path = self.user_file.rsplit(":", 1)[0]
                where = "{}:{}".format(path if path.replace("\\", "/").endswith("/" + name) or path == name
                                       else name, number)
                break
        return ("{}: `{}`: Numba cannot compile line {} of the generated derivative, `{}` ({}). Pass "
                "compile=\"numba-or-python\" to run it uncompiled instead, or leave compile out; "
                "s2s.source(g) shows the whole derivative.".format(where, text, n, lines[n - 1].strip(), reason))


def _reason(message):
    """The first informative line of a Numba error message."""
    for line in message.splitlines():
        line = line.strip()
        if line and not line.startswith(("Failed in", "During:", "File ", "^", "<source", "- ")) \
                and "Resolution failure" not in line:
            return line.rstrip(":.")
    return "an unsupported construct"


def function_names(source):
    """Names of the top-level functions in ``source``."""
    code = compile(source, "<s2s>", "exec")
    return [c.co_name for c in code.co_consts if isinstance(c, types.CodeType)]

"""The ``s2s`` command (also ``python -m s2s``).

    s2s grad FILE.py:FUNC [--wrt x,y] [--mode reverse|forward] [-o OUT.py] ...
    s2s show FILE.py:FUNC ...

Exit codes: 0 success, 2 a usage error (argparse's convention), 1 an
``S2SError``: a problem with the file or function, printed as one line that
names ``file:line``, without a traceback.
"""
import argparse
import contextlib
import importlib.util
import inspect
import keyword
import os
import shlex
import sys
import tempfile
import traceback

from s2s.api.methods import class_methods
from s2s.api.transforms import grad, jvp
from s2s.backend import highlight, standalone, standalone_numba
from s2s.common.errors import S2SError
from s2s.common.version import VERSION

PROG = "s2s"

EXAMPLES = """\
examples:
  s2s grad samples/lecture.py:f                  print the gradient's source
  s2s grad samples/lecture.py:f --wrt x1,x2      a tuple of gradients
  s2s grad samples/mlp.py:loss --sequences params -o loss_grad.py
                                                 a file that runs without s2s
  s2s show samples/branches.py:f                 the source, highlighted
  python -m s2s grad samples/ode.py:loss --no-optimize
  s2s rules --module numpy.linalg                the functions s2s differentiates

exit status: 0 success, 1 an error in the file or function (one line naming
file:line), 2 a usage error.
"""


class CommandError(S2SError):
    """A problem with the file or function named on the command line."""


class _UsageError(Exception):
    """The command line itself is wrong (exit status 2)."""


# ------------------------------------------------------------------ parsing
def _parser():
    parser = argparse.ArgumentParser(
        prog=PROG, formatter_class=argparse.RawDescriptionHelpFormatter, epilog=EXAMPLES,
        description="Source-to-source automatic differentiation: print or save the Python source of "
                    "a function's derivative.")
    parser.add_argument("--version", action="version", version="%(prog)s " + VERSION)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    grad = commands.add_parser(
        "grad", help="print the derivative's source, or write a standalone file with -o",
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=EXAMPLES,
        description="Print the source of FUNC's derivative, or write it with -o to a file that runs "
                    "without s2s (NumPy only).")
    _common(grad)
    grad.add_argument("-o", "--output", metavar="OUT.py",
                      help="write a standalone file (written atomically) instead of printing")
    show = commands.add_parser(
        "show", help="print the derivative's source, highlighted on a terminal",
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=EXAMPLES,
        description="Print the source of FUNC's derivative with syntax highlighting on a terminal "
                    "(plain when piped or when NO_COLOR is set).")
    _common(show)
    show.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                      help="colour the output: auto (on a terminal, unless NO_COLOR is set), always, never")
    rules = commands.add_parser(
        "rules", help="list the functions s2s differentiates (from its rule registry)",
        description="List every function s2s has a derivative rule for, by module, with the kind of its "
                    "reverse-mode rule and how forward mode gets its rule; then the non-differentiable ones.")
    rules.add_argument("--module", metavar="NAME", help="only this module (numpy, numpy.linalg, scipy.special, ...)")
    rules.add_argument("--markdown", action="store_true", help="print the Markdown of docs/coverage.md")
    return parser, {"grad": grad, "show": show, "rules": rules}


def _common(parser):
    parser.add_argument("target", metavar="FILE.py:FUNC", help="the file and the function in it to differentiate")
    parser.add_argument("--wrt", metavar="x,y",
                        help="parameters to differentiate with respect to, by name or index (default: the "
                             "first); a comma makes the result a tuple")
    parser.add_argument("--mode", choices=("reverse", "forward"), default="reverse",
                        help="reverse (gradient, the default) or forward (Jacobian-vector product)")
    parser.add_argument("--batch", action="store_true",
                        help="with --mode forward: take k tangents at once, stacked on a leading axis "
                             "(shape (k,) + the argument's shape)")
    parser.add_argument("--checkpoint", metavar="K",
                        help="loops keep at most K snapshots (binomial checkpointing), or 'auto'")
    parser.add_argument("--no-optimize", action="store_true",
                        help="skip the clean-up passes (dead code removal): the raw derivative")
    parser.add_argument("--name", help="name of the generated function (default: grad_FUNC, or jvp_FUNC "
                                         "with --mode forward)")
    parser.add_argument("--compile", choices=("numba",),
                        help="numba: the derivative as compile=\"numba\" runs it; with -o, the file's generated "
                             "functions carry @numba.njit and the helpers their nopython versions (needs Numba)")
    parser.add_argument("--sequences", metavar="x,y",
                        help="parameters that receive lists or tuples (their adjoints are lists or tuples)")


def _split_target(target):
    path, sep, name = target.rpartition(":")
    if not sep or not path or not name:
        raise _UsageError("expected FILE.py:FUNC, got {!r}".format(target))
    if not all(part.isidentifier() for part in name.split(".")):
        raise _UsageError("{!r} is not a function name".format(name))
    return path, name


def _names(text, option):
    if text is None:
        return None
    items = [item.strip() for item in text.split(",")]
    if text.endswith(","):
        items.pop()
    if not items or not all(items):
        raise _UsageError("{} expects comma-separated parameter names, got {!r}".format(option, text))
    return [int(item) if item.lstrip("-").isdigit() else item for item in items], "," in text


def _checked(args):
    """Validate what argparse cannot; return (path, function name)."""
    path, name = _split_target(args.target)
    if args.name is not None and (not args.name.isidentifier() or keyword.iskeyword(args.name)):
        raise _UsageError("--name {!r} is not a Python identifier".format(args.name))
    if args.checkpoint is not None and args.mode == "forward":
        raise _UsageError("--checkpoint applies to reverse mode: forward mode keeps no loop iterations, "
                          "so there is nothing to checkpoint; leave it out")
    if args.batch and args.mode != "forward":
        raise _UsageError("--batch applies to forward mode (a batch of tangents); add --mode forward")
    if args.checkpoint is not None and args.checkpoint != "auto":
        if not args.checkpoint.isdigit() or int(args.checkpoint) < 1:
            raise _UsageError("--checkpoint expects a positive number of snapshots or 'auto', got {!r}".format(
                args.checkpoint))
    output = getattr(args, "output", None)
    if output is not None:
        if os.path.isdir(output):
            raise _UsageError("-o {}: is a directory; name the file to write".format(output))
        if os.path.exists(path) and os.path.exists(output) and os.path.samefile(path, output):
            raise _UsageError("-o {}: is the input file; choose another name".format(output))
    return path, name


# ------------------------------------------------------------------ loading the user's file
@contextlib.contextmanager
def _loaded(path):
    """Import ``path`` as a module (its folder on sys.path, as ``python FILE.py`` has)."""
    if not os.path.exists(path):
        raise CommandError("{}: no such file".format(path))
    if os.path.isdir(path):
        raise CommandError("{}: is a directory, not a Python file".format(path))
    stem = os.path.splitext(os.path.basename(path))[0]
    name = stem if stem.isidentifier() else "s2s_input"
    while name in sys.modules:
        name = "_" + name
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None:
        raise CommandError("{}: not a Python file".format(path))
    module = importlib.util.module_from_spec(spec)
    folder = os.path.dirname(os.path.abspath(path))
    sys.path.insert(0, folder)
    sys.modules[name] = module
    try:
        try:
            # compiled under the path as given, not the absolute one importlib would use: the
            # generated docstrings and messages then name the file as the user did
            with open(path, "rb") as f:
                code = compile(f.read(), path, "exec", dont_inherit=True)
            exec(code, module.__dict__)
        except SyntaxError as err:
            raise CommandError("{}:{}: syntax error: {}".format(err.filename or path, err.lineno, err.msg)) from None
        except S2SError:
            raise
        except (Exception, SystemExit) as err:
            line = _line_in(err, path)
            raise CommandError("{}:{}: running the file raised {}: {}".format(
                path, line, type(err).__name__, err)) from None
        yield module
    finally:
        sys.modules.pop(name, None)
        with contextlib.suppress(ValueError):
            sys.path.remove(folder)


def _line_in(err, path):
    line = "?"
    target = os.path.abspath(path)
    for frame in traceback.extract_tb(err.__traceback__):
        if os.path.abspath(frame.filename) == target:
            line = frame.lineno
    return line


def _function(module, path, name):
    obj = module
    for part in name.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            functions = sorted(n for n, v in vars(module).items()
                               if inspect.isfunction(v) and v.__module__ == module.__name__)
            raise CommandError("{}: no function named {}; it defines {}".format(
                path, name, ", ".join(functions) if functions else "no functions"))
    if not inspect.isfunction(obj):
        raise CommandError("{}: {} is not a function defined with def (its type is {})".format(
            path, name, type(obj).__name__))
    return obj


# ------------------------------------------------------------------ generating
def _derivative(fn, args):
    """The generated entry (``api._Entry``) of FUNC's derivative."""
    transform = jvp if args.mode == "forward" else grad
    options = {}
    if args.checkpoint is not None:
        options["checkpoint"] = args.checkpoint if args.checkpoint == "auto" else int(args.checkpoint)
    if args.no_optimize:
        options["optimize"] = False
    if args.batch:
        options["batch"] = True
    if args.compile:
        options["compile"] = args.compile
    wrt, as_tuple = _names(args.wrt, "--wrt") or ([0], False)
    derivative = transform(fn, wrt=tuple(wrt) if as_tuple else wrt[0], **options)
    sequences, _ = _names(args.sequences, "--sequences") or ([], False)
    params = inspect.signature(fn).parameters
    for seq in sequences:
        if seq not in params:
            raise CommandError("{}: --sequences {}: {} has no parameter {}; its parameters are {}".format(
                _where(fn), seq, fn.__name__, seq, ", ".join(params)))
    names = frozenset(sequences) | _method_names(fn, params)
    return derivative, derivative.generated(names)


def _method_names(fn, params):
    """For ``Class.method``: its first parameter (self) is a record, and ``self.other(...)`` calls
    the class's own methods."""
    owner = sys.modules.get(fn.__module__)
    qualname = fn.__qualname__.split(".")
    if len(qualname) < 2 or "<locals>" in qualname or not params:
        return frozenset()
    for part in qualname[:-1]:
        owner = getattr(owner, part, None)
    if not inspect.isclass(owner):
        return frozenset()
    return frozenset([next(iter(params))]) | frozenset(("method", m) for m in class_methods(owner))


def _where(fn):
    return "{}:{}".format(fn.__code__.co_filename, fn.__code__.co_firstlineno)


def _renamed(source, old, new):
    """``source`` with the entry function ``old`` renamed ``new`` (a name it does not use)."""
    if new is None or new == old:
        return source
    if new in standalone.names_in(source):
        raise CommandError("--name {}: the generated code already uses the name {}; choose another".format(new, new))
    return standalone.rename(source, old, new)


def _regenerate_command(argv, command):
    return " ".join([command] + [shlex.quote(a) for a in argv])


def _header(derivative, fn, path, argv, command):
    doc = inspect.getdoc(derivative) or ""
    return (
        "{doc}\n\n"
        "Generated by s2s {version} from {name} in {path} (line {line}).\n"
        "Do not edit: regenerate it with\n\n"
        "    {command}\n\n"
        "It runs without s2s: the s2s helpers it calls are copied below, and it\n"
        "imports only what they and the generated code need.\n").format(
            doc=doc, version=VERSION, name=fn.__name__, path=path, line=fn.__code__.co_firstlineno,
            command=_regenerate_command(argv, command))


def _write_atomically(path, text):
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise CommandError("-o {}: the folder {} does not exist".format(path, folder))
    fd, temp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


# ------------------------------------------------------------------ commands
def _rules(args, stdout):
    from s2s.rules import coverage

    modules = {row.module for row in coverage.rows()}
    if args.module is not None and args.module not in modules:
        raise _UsageError("--module {!r}: s2s has no rules for that module; it has rules for {}".format(
            args.module, ", ".join(sorted(modules))))
    stdout.write(coverage.markdown(module=args.module) if args.markdown else coverage.text(module=args.module))
    stdout.flush()
    return 0


def _run(args, argv, stdout, command):
    if args.command == "rules":
        return _rules(args, stdout)
    path, name = _checked(args)
    with _loaded(path) as module:
        fn = _function(module, path, name)
        derivative, entry = _derivative(fn, args)
        source = _renamed(entry.source, entry.entry, args.name)
        output = getattr(args, "output", None)
        if output is not None:
            what = "{} of {} ({})".format(args.name or entry.entry, fn.__name__, _where(fn))
            text = standalone.module_source(
                source, entry.bindings, fn.__globals__, module.__name__, os.path.basename(path), what,
                _header(derivative, fn, path, argv, command))
            if args.compile:
                text = standalone_numba.compiled_module(text, what)
            _write_atomically(output, text)
            return 0
    if args.command == "show" and (args.color == "always" or (args.color == "auto" and highlight.wants_color(stdout))):
        source = highlight.highlight(source)
    stdout.write(source)
    stdout.flush()
    return 0


def main(argv=None, stdout=None, stderr=None, command=PROG):
    """Run the command line ``argv`` (default ``sys.argv[1:]``); return the exit status.

    ``command`` is how the user started the program (``s2s``, or ``python -m
    s2s``), for the command that regenerates a standalone file.
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    parser, commands = _parser()
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            args = parser.parse_args(argv)
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else 2
    try:
        return _run(args, argv, stdout, command)
    except _UsageError as err:
        commands[args.command].print_usage(stderr)
        stderr.write("{}: error: {}\n".format(PROG, err))
        return 2
    except S2SError as err:
        stderr.write("{}: error: {}\n".format(PROG, " ".join(str(err).split("\n"))))
        return 1
    except BrokenPipeError:  # `s2s grad ... | head`: stop quietly, as other tools do
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


def console():
    """Entry point of the ``s2s`` console script."""
    sys.exit(main())

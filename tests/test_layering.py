"""Imports point downward: read every module's imports with ``ast``.

The packages of s2s are the stages of the pipeline, stacked in ``LAYERS``
from the bottom: a module may import its own package and the packages of
lower layers, never a sibling in its layer nor anything above. On top of
that: no import circle between modules (lazy imports inside functions
count too), no private name imported from another module, and the runtime
and the template files import only what standalone files can copy. A
violation is reported as ``file:line imports module``. The template files
in templates/ are read as the package s2s._templates they install as.
"""
import ast
import dataclasses
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "s2s"
TEMPLATES = ROOT / "templates"

# From the bottom. The pipeline runs frontend -> analysis -> reverse | forward -> backend; the
# api drives it; sparse evaluators sit on the api (they call s2s.jvp/vjp/hvp).
LAYERS = (
    ("s2s.runtime",),                  # helpers generated code calls; inlined into standalone files
    ("s2s.common",),                   # annotations, tree helpers, names, references, errors
    ("s2s.frontend", "s2s.rules"),     # parse + normalize; derivative rules and their engine
    ("s2s.analysis",),                 # activity, kinds, shapes, seeds
    ("s2s.reverse", "s2s.forward"),    # the two modes, independent of each other
    ("s2s.backend",),                  # specialize, optimize, emit, load, standalone files
    ("s2s.api",),                      # the pipeline driver, the transforms, the command line
    ("s2s.sparse",),                   # sparsity detection, coloring, sparse evaluators
    ("s2s", "s2s.__main__"),           # the public names
)


def layer_of(name):
    """(layer index, package) of the module ``name``; the top package's own modules sit on top."""
    best = None
    for index, packages in enumerate(LAYERS):
        for package in packages:
            if under(name, package) and (best is None or len(package) > len(best[1])):
                best = (index, package)
    return best


@dataclasses.dataclass(frozen=True)
class Rule:
    why: str
    importers: str           # a package or module: the rule covers it and what is under it
    forbidden: tuple         # module prefixes these importers may not import
    allowed: tuple = ()      # exceptions among the forbidden prefixes


RULES = [
    Rule("the s2s.runtime package is inlined into standalone files, so it imports only from itself",
         "s2s.runtime", ("s2s",), allowed=("s2s.runtime",)),
    Rule("templates state mathematics: from s2s they import only the rule labels and the runtime",
         "s2s._templates", ("s2s",), allowed=("s2s.rules", "s2s.runtime")),
]


def module_name(path):
    if path.is_relative_to(TEMPLATES):
        parts = ("s2s", "_templates") + path.relative_to(TEMPLATES).with_suffix("").parts
    else:
        parts = ("s2s",) + path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules():
    paths = sorted(PACKAGE.rglob("*.py")) + sorted(TEMPLATES.rglob("*.py"))
    return {module_name(p): p for p in paths if "__pycache__" not in p.parts}


def imports(name, path):
    """(imported name, line) for every import in the module, relative ones resolved.

    ``from a import b`` yields ``a.b`` (a module or a name of ``a``)."""
    is_package = path.name == "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = name.split(".") if is_package else name.split(".")[:-1]
                package = package[:len(package) - (node.level - 1)]
                base = ".".join(package + ([base] if base else []))
            for alias in node.names:  # `from s2s.api import cli` imports s2s.api.cli
                yield base + "." + alias.name, node.lineno


def target_module(target, table):
    """The module an import of ``target`` loads: itself if it is one, else the module holding the name."""
    return target if target in table else target.rsplit(".", 1)[0]


def under(name, prefix):
    return name == prefix or name.startswith(prefix + ".")


def where(path, line, root):
    return "{}:{}".format(path.relative_to(root).as_posix(), line)


def violations(rule, table, root=ROOT):
    found = []
    for name, path in table.items():
        if not under(name, rule.importers):
            continue
        for target, line in imports(name, path):
            if any(under(target, f) for f in rule.forbidden) \
                    and not any(under(target, a) for a in rule.allowed):
                found.append("{} imports {}".format(where(path, line, root), target))
    return found


def layer_violations(table, root=ROOT):
    """Imports of a sibling package of the same layer, or of a higher layer."""
    found = []
    for name, path in table.items():
        if under(name, "s2s._templates"):
            continue
        own = layer_of(name)
        for target, line in imports(name, path):
            if not under(target, "s2s") or under(target, "s2s._templates"):
                continue
            theirs = layer_of(target_module(target, table))
            if theirs is None or theirs[1] == own[1]:
                continue
            if theirs[0] >= own[0]:
                found.append("{} imports {} ({} may import only the layers below {})".format(
                    where(path, line, root), target, own[1], ", ".join(LAYERS[own[0]])))
    return found


def import_graph(table):
    graph = {name: {} for name in table}
    for name, path in table.items():
        for target, line in imports(name, path):
            module = target_module(target, table)
            if module in table and module != name:
                graph[name].setdefault(module, line)
    return graph


def circles(graph):
    """Every import circle found by a depth-first search, each as its list of modules."""
    found, state, stack = [], {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                found.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return found


def private_imports(table, root=ROOT):
    """``from module import _name`` and ``module._name`` where ``module`` is another s2s module."""
    found = []
    for name, path in table.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        aliases = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                ours = node.level > 0 or under(node.module or "", "s2s")
                for alias in node.names:
                    if ours and alias.name.startswith("_") and not alias.name.startswith("__"):
                        found.append("{} imports the private name {}".format(where(path, node.lineno, root),
                                                                             alias.name))
                    if under(node.module or "", "s2s"):
                        aliases[alias.asname or alias.name] = node.module + "." + alias.name
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("s2s"):
                        aliases[alias.asname or alias.name] = alias.name
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__") \
                    and isinstance(node.value, ast.Name) and aliases.get(node.value.id) in table \
                    and aliases[node.value.id] != name:
                found.append("{} reads the private name {}.{}".format(where(path, node.lineno, root),
                                                                      aliases[node.value.id], node.attr))
    return found


def test_there_is_something_to_check():
    table = modules()
    assert "s2s.runtime" in table
    assert any(under(name, "s2s._templates") for name in table)


def test_every_module_sits_in_a_layer():
    table = modules()
    assert not [name for name in table if not under(name, "s2s._templates") and layer_of(name) is None]
    top = sorted(p.name for p in PACKAGE.iterdir() if p.name != "__pycache__")
    assert len(top) <= 12, top
    assert sorted(p for ps in LAYERS for p in ps if p.count(".") == 1 and p != "s2s.__main__") == sorted(
        "s2s." + p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__")


def test_every_stage_package_says_what_it_takes_and_returns():
    for path in sorted(PACKAGE.glob("*/__init__.py")):
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        assert "import" in doc.lower(), "{}: the docstring says which packages it may import".format(path)


def test_layers_point_downward():
    found = layer_violations(modules())
    assert not found, "\n  ".join(found)


@pytest.mark.parametrize("rule", RULES, ids=[rule.importers for rule in RULES])
def test_imports_point_downward(rule):
    found = violations(rule, modules())
    assert not found, rule.why + ":\n  " + "\n  ".join(found)


def test_no_import_circle():
    found = circles(import_graph(modules()))
    assert not found, "\n  ".join(" -> ".join(c) for c in found)


def test_no_private_name_crosses_a_module():
    found = private_imports(modules())
    assert not found, "\n  ".join(found)


def test_the_rules_catch_bad_imports(tmp_path):
    package = tmp_path / "s2s"
    for folder in ("_templates", "runtime", "reverse", "forward", "common", "backend"):
        (package / folder).mkdir(parents=True)
    sources = {
        "s2s.reverse.sweeps": ("reverse/sweeps.py", "import gast\nfrom s2s.api import transforms\n"
                                                    "from s2s.forward.sweep import Forward\n"
                                                    "from s2s.common.astutil import _copy\n"
                                                    "from s2s.reverse import loops\n"),
        "s2s.reverse.loops": ("reverse/loops.py", "from s2s.reverse.sweeps import Reverse\n"),
        "s2s.forward.sweep": ("forward/sweep.py", "from s2s.common import astutil as A\nA._walk()\n"),
        "s2s.common.astutil": ("common/astutil.py", "import gast\n"),
        "s2s.backend.emit": ("backend/emit.py", "from s2s.common import astutil\n"),
        "s2s.runtime": ("runtime/__init__.py", "from s2s.runtime.core import add\n"),
        "s2s.runtime.core": ("runtime/core.py", "import numpy\nfrom .. import common\nfrom . import linalg\n"
                                               "from s2s.runtime import shapes\nfrom s2s.frontend import parse\n"),
        "s2s._templates.math": ("_templates/math.py",
                                "from s2s.rules import adjoint\nfrom s2s import runtime\nimport s2s.frontend.parse\n"),
    }
    table = {}
    for name, (relative, text) in sources.items():
        table[name] = package / relative
        table[name].write_text(text)
    assert layer_violations(table, tmp_path) == [
        "s2s/reverse/sweeps.py:2 imports s2s.api.transforms (s2s.reverse may import only the layers below "
        "s2s.reverse, s2s.forward)",
        "s2s/reverse/sweeps.py:3 imports s2s.forward.sweep.Forward (s2s.reverse may import only the layers below "
        "s2s.reverse, s2s.forward)",
        "s2s/runtime/core.py:2 imports s2s.common (s2s.runtime may import only the layers below s2s.runtime)",
        "s2s/runtime/core.py:5 imports s2s.frontend.parse (s2s.runtime may import only the layers below "
        "s2s.runtime)"]
    assert circles(import_graph(table)) == [["s2s.runtime", "s2s.runtime.core", "s2s.runtime"],
                                            ["s2s.reverse.loops", "s2s.reverse.sweeps", "s2s.reverse.loops"]]
    assert private_imports(table, tmp_path) == [
        "s2s/reverse/sweeps.py:4 imports the private name _copy",
        "s2s/forward/sweep.py:2 reads the private name s2s.common.astutil._walk"]
    runtime_rule, templates_rule = RULES
    assert violations(runtime_rule, table, tmp_path) == [
        "s2s/runtime/core.py:2 imports s2s.common",
        "s2s/runtime/core.py:5 imports s2s.frontend.parse"]
    assert violations(templates_rule, table, tmp_path) == ["s2s/_templates/math.py:3 imports s2s.frontend.parse"]


def test_the_runtime_package_lists_its_modules_in_import_order():
    """``s2s.runtime.MODULES`` names every module of helpers (``is_runtime`` and standalone files rely
    on it), each importing only from the modules listed before it; ``SUPPORT`` names the rest, which
    may import the helpers through the package."""
    from s2s import runtime

    table = modules()
    assert sorted(runtime.MODULES + runtime.SUPPORT) == sorted(
        n for n in table if under(n, "s2s.runtime") and n != "s2s.runtime")
    found = []
    for i, name in enumerate(runtime.MODULES):
        for target, line in imports(name, table[name]):
            home = target if target in runtime.MODULES else target.rsplit(".", 1)[0]
            if under(target, "s2s.runtime") and home not in runtime.MODULES[:i]:
                found.append("{}:{} imports {}".format(table[name].relative_to(ROOT).as_posix(), line, target))
    assert not found, "\n  ".join(found)


def test_s2s_runtime_reexports_every_helper():
    """Rules and templates reach helpers as ``s2s.runtime.<name>``: every public name of its modules is there."""
    import importlib
    import inspect

    from s2s import runtime

    missing = []
    for module_name in runtime.MODULES:
        module = importlib.import_module(module_name)
        for name, obj in vars(module).items():
            if (inspect.isfunction(obj) or inspect.isclass(obj)) and obj.__module__ == module_name \
                    and not name.startswith("_") and getattr(runtime, name, None) is not obj:
                missing.append("{}.{}".format(module_name, name))
    assert not missing, "not re-exported by s2s.runtime: {}".format(", ".join(missing))

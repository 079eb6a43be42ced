"""Imports point downward: read every module's imports with ``ast``.

Each rule says which s2s modules a group of modules may not import; a
violation is reported as ``file:line imports module``. The template files in
templates/ are read as the package s2s._templates they install as.
"""
import ast
import dataclasses
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "s2s"
TEMPLATES = ROOT / "templates"


@dataclasses.dataclass(frozen=True)
class Rule:
    why: str
    importers: str           # a package or module: the rule covers it and what is under it
    forbidden: tuple         # module prefixes these importers may not import
    exempt: tuple = ()       # importers the rule does not cover
    allowed: tuple = ()      # exceptions among the forbidden prefixes


RULES = [
    Rule("the s2s.runtime package is inlined into standalone files, so it imports only from itself",
         "s2s.runtime", ("s2s",), allowed=("s2s.runtime",)),
    # __init__ re-exports the API; check.py imports s2s.api inside check_grad
    # (the next test keeps it there); the command line sits on top of the API, and
    # so do Jacobians and Hessians (s2s/jacobians.py assembles them from s2s.jvp/vjp)
    # and sparse ones (s2s/sparse/api.py evaluates with s2s.jvp/vjp/hvp).
    Rule("the pipeline stages import downward only: nothing imports the public API",
         "s2s", ("s2s.api", "s2s.jacobians", "s2s.check", "s2s.cli", "s2s.__main__"),
         exempt=("s2s", "s2s.jacobians", "s2s.check", "s2s.cli", "s2s.__main__", "s2s.sparse.api")),
    Rule("templates state mathematics: from s2s they import only rules and runtime",
         "s2s._templates", ("s2s",), allowed=("s2s.rules", "s2s.runtime", "s2s.batching")),
    Rule("s2s/schedules.py is run-time support that generated code calls: from s2s it imports the runtime only",
         "s2s.schedules", ("s2s",), allowed=("s2s.runtime",)),
    Rule("s2s/batching.py is inlined into standalone files too: from s2s it imports the runtime only",
         "s2s.batching", ("s2s",), allowed=("s2s.runtime",)),
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
    """(imported module, line) for every import in the module, relative ones resolved."""
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
            for alias in node.names:  # `from s2s import api` imports s2s.api
                yield base + "." + alias.name, node.lineno


def under(name, prefix):
    return name == prefix or name.startswith(prefix + ".")


def violations(rule, table, root=ROOT):
    found = []
    for name, path in table.items():
        if not under(name, rule.importers) or name in rule.exempt:
            continue
        for target, line in imports(name, path):
            if any(under(target, f) for f in rule.forbidden) \
                    and not any(under(target, a) for a in rule.allowed):
                found.append("{}:{} imports {}".format(path.relative_to(root).as_posix(), line, target))
    return found


def test_there_is_something_to_check():
    table = modules()
    assert "s2s.runtime" in table
    assert any(under(name, "s2s._templates") for name in table)


@pytest.mark.parametrize("rule", RULES, ids=[rule.importers for rule in RULES])
def test_imports_point_downward(rule):
    found = violations(rule, modules())
    assert not found, rule.why + ":\n  " + "\n  ".join(found)


def test_check_imports_the_api_only_inside_a_function():
    path = PACKAGE / "check.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top_level = [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]
    for node in top_level:
        names = [alias.name for alias in node.names]
        module = getattr(node, "module", None) or ""
        relative = getattr(node, "level", 0) > 0
        assert not relative and not under(module, "s2s") and not any(under(n, "s2s") for n in names), \
            "s2s/check.py:{} imports s2s at module level".format(node.lineno)


def test_the_rules_catch_bad_imports(tmp_path):
    package = tmp_path / "s2s"
    (package / "_templates").mkdir(parents=True)
    (package / "runtime").mkdir()
    sources = {
        "s2s.reverse": ("reverse.py", "import gast\nfrom s2s import api\nfrom .check import check_grad\n"),
        "s2s.runtime": ("runtime/__init__.py", "from s2s.runtime.core import add\n"),
        "s2s.runtime.core": ("runtime/core.py", "import numpy\nfrom .. import errors\nfrom . import linalg\n"
                                               "from s2s.runtime import shapes\nfrom s2s import parse\n"),
        "s2s._templates.math": ("_templates/math.py",
                                "from s2s.rules import adjoint\nfrom s2s import runtime\nimport s2s.parse\n"),
    }
    table = {}
    for name, (relative, text) in sources.items():
        table[name] = package / relative
        table[name].write_text(text)
    runtime_rule, api_rule, templates_rule = RULES[:3]
    assert violations(api_rule, table, tmp_path) == [
        "s2s/reverse.py:2 imports s2s.api",
        "s2s/reverse.py:3 imports s2s.check.check_grad"]
    assert violations(runtime_rule, table, tmp_path) == [
        "s2s/runtime/core.py:2 imports s2s.errors",
        "s2s/runtime/core.py:5 imports s2s.parse"]
    assert violations(templates_rule, table, tmp_path) == ["s2s/_templates/math.py:3 imports s2s.parse"]


def test_the_runtime_package_lists_its_modules_in_import_order():
    """``s2s.runtime.MODULES`` names every module of the package (``is_runtime`` and standalone files
    rely on it), each importing only from the modules listed before it."""
    from s2s import runtime

    table = modules()
    assert sorted(runtime.MODULES) == sorted(n for n in table if under(n, "s2s.runtime") and n != "s2s.runtime")
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

"""Installing s2s (not editable) ships the package and its templates.

The slow test sees the project as a user does: a fresh virtual environment, a
plain ``pip install`` of the project, and a program run from a folder outside
the checkout. The environment is created with ``--system-site-packages`` and
also sees this interpreter's site-packages, so NumPy and gast come without a
download; the package itself is built with ``--no-build-isolation`` when the
environment can build wheels (setuptools >= 70.1, or the ``wheel`` package),
and by pip's isolated build otherwise.
"""
import json
import os
import pathlib
import shutil
import site
import subprocess
import sys
import sysconfig
import textwrap

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
TEMPLATE_NAMES = sorted(p.name for p in (ROOT / "templates").glob("*.py") if p.name != "__init__.py")

CHECK_INSTALL = textwrap.dedent('''
    import importlib.util
    import json
    import pathlib
    import sys

    import numpy as np

    import s2s
    import s2s.rules.templates


    def f(x1, x2):
        return np.log(x1) + x1 * x2 - np.sin(x2)


    g1, g2 = s2s.grad(f, wrt=(0, 1))(2.0, 5.0)
    spec = importlib.util.find_spec("s2s._templates")
    print(json.dumps({
        "s2s": s2s.__file__,
        "prefix": sys.prefix,
        "templates": sorted(p.name for p in s2s.rules.templates.template_files()),
        "shipped": sorted(p.name for d in spec.submodule_search_locations
                          for p in pathlib.Path(d).iterdir()),
        "grad": [float(g1), float(g2)],
    }))
''')


def run(command, timeout, **options):
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, **options)


def clean_environment():
    env = dict(os.environ)
    for name in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP"):
        env.pop(name, None)
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["PYTHONNOUSERSITE"] = "1"
    return env


def create_venv(where, env):
    """The new environment's python, or skip when no environment can be made here."""
    try:
        made = run([sys.executable, "-m", "venv", "--system-site-packages", str(where)], 120, env=env)
    except (OSError, subprocess.TimeoutExpired) as error:
        pytest.skip("cannot create a virtual environment: {}".format(error))
    if made.returncode != 0:
        pytest.skip("cannot create a virtual environment: {}".format(made.stderr.strip()[-500:]))
    python = where / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    if not python.exists():
        pytest.skip("the virtual environment has no python at {}".format(python))
    return python


def share_our_packages(python, env):
    """Let the new environment see this interpreter's packages (after its own)."""
    ours = {sysconfig.get_paths()[key] for key in ("purelib", "platlib")}
    ours.update(site.getsitepackages())
    theirs = run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                 60, env=env)
    assert theirs.returncode == 0, theirs.stderr
    pth = pathlib.Path(theirs.stdout.strip()) / "_s2s_test_outer.pth"
    pth.write_text("".join(p + "\n" for p in sorted(ours) if os.path.isdir(p)))


def can_build_wheels(python, env):
    probe = run([str(python), "-c", textwrap.dedent('''
        import importlib.util, setuptools
        major, minor = (int(part) for part in setuptools.__version__.split(".")[:2])
        ok = (major, minor) >= (70, 1) or (major >= 64 and importlib.util.find_spec("wheel"))
        raise SystemExit(0 if ok else 1)
    ''')], 60, env=env)
    return probe.returncode == 0


def copy_checkout(destination):
    """The project's files without build products, so the build leaves the checkout alone."""
    ignore = shutil.ignore_patterns(".git", "build", "dist", "*.egg-info", "__pycache__", "*.pyc",
                                    ".venv", ".pytest_cache", ".hypothesis")
    shutil.copytree(ROOT, destination, ignore=ignore)
    return destination


@pytest.mark.slow
def test_plain_install_ships_package_and_templates(tmp_path):
    env = clean_environment()
    python = create_venv(tmp_path / "venv", env)
    share_our_packages(python, env)
    source = copy_checkout(tmp_path / "source")

    command = [str(python), "-m", "pip", "install", "--no-deps", "--quiet", str(source)]
    if can_build_wheels(python, env):
        command.insert(-1, "--no-build-isolation")
    installed = run(command, 300, env=env, cwd=str(tmp_path))
    assert installed.returncode == 0, "pip install failed:\n" + installed.stdout + installed.stderr

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "check_install.py").write_text(CHECK_INSTALL)
    ran = run([str(python), "check_install.py"], 120, env=env, cwd=str(elsewhere))
    assert ran.returncode == 0, "the installed package does not work:\n" + ran.stdout + ran.stderr
    report = json.loads(ran.stdout.strip().splitlines()[-1])

    module = pathlib.Path(report["s2s"]).resolve()
    assert module.is_relative_to((tmp_path / "venv").resolve()), module
    assert not module.is_relative_to(ROOT) and not module.is_relative_to(source), module
    assert report["templates"] == TEMPLATE_NAMES
    assert set(TEMPLATE_NAMES) <= set(report["shipped"])
    if (ROOT / "templates" / "README.md").exists():
        assert "README.md" in report["shipped"]
    assert report["grad"] == pytest.approx([5.5, 2.0 - 0.28366218546322625], rel=1e-12)


def test_pyproject_lists_every_subpackage():
    tomllib = pytest.importorskip("tomllib")
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    listed = set(config["packages"])
    folders = {".".join(d.relative_to(ROOT).parts) for d in [ROOT / "s2s", *(ROOT / "s2s").rglob("*")]
               if d.is_dir() and d.name != "__pycache__" and any(d.glob("*.py"))}
    assert folders <= listed, "add to [tool.setuptools] packages: {}".format(sorted(folders - listed))
    assert config["package-dir"]["s2s._templates"] == "templates"
    assert "s2s._templates" in listed


def test_the_package_version_is_the_project_version():
    import re

    import s2s

    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'^version = "([^"]+)"', text, re.M).group(1) == s2s.__version__

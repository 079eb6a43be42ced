"""The ``s2s`` command: output, exit codes, error messages, atomic writes, highlighting."""
import io
import os
import pathlib
import re
import subprocess
import sys

import pytest

import s2s
from s2s.api import cli
from s2s.backend import highlight

ROOT = pathlib.Path(__file__).resolve().parent.parent
LECTURE = str(ROOT / "samples" / "lecture.py")
BRANCHES = str(ROOT / "samples" / "branches.py")


class TTY(io.StringIO):
    def isatty(self):
        return True


def run(*argv, stdout=None):
    out, err = stdout or io.StringIO(), io.StringIO()
    code = cli.main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def lecture_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("lecture_for_cli", LECTURE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ---------------------------------------------------------------------------
# success
# ---------------------------------------------------------------------------

def test_grad_prints_the_source_of_s2s_grad():
    code, out, err = run("grad", LECTURE + ":f", "--wrt", "x1,x2")
    assert code == 0 and err == ""
    expected = s2s.source(s2s.grad(lecture_module().f, wrt=("x1", "x2")))
    # same code; only the file name in the docstring and comments can differ
    assert out.splitlines()[2:] == expected.splitlines()[2:]
    assert out.startswith("def grad_f(x1, x2):")


@pytest.mark.parametrize("wrt, first_line, returns_tuple", [
    (None, "def grad_f(x1, x2):", False),
    ("x2", "def grad_f(x1, x2):", False),
    ("1", "def grad_f(x1, x2):", False),
    ("x1,", "def grad_f(x1, x2):", True),
])
def test_wrt_forms(wrt, first_line, returns_tuple):
    code, out, _ = run("grad", LECTURE + ":f", *(["--wrt", wrt] if wrt else []))
    assert code == 0 and out.startswith(first_line)
    last = [line for line in out.splitlines() if line.strip().startswith("return")][-1]
    assert last.strip().startswith("return (") == returns_tuple


def test_name_renames_the_generated_function():
    code, out, _ = run("grad", LECTURE + ":f", "--name", "df")
    assert code == 0 and out.startswith("def df(x1, x2):") and "grad_f" not in out


def test_name_that_the_code_uses_is_refused():
    code, _, err = run("grad", LECTURE + ":f", "--name", "x2")
    assert code == 1 and "--name x2" in err


def test_no_optimize_keeps_what_the_optimizer_removes(tmp_path):
    path = tmp_path / "returns.py"
    path.write_text("import numpy as np\n\n\ndef f(x):\n    if x > 1.0:\n        return x ** 2\n"
                    "    elif x > 0.0:\n        return np.sin(x)\n    else:\n        return -x\n")
    code, optimized, _ = run("grad", str(path) + ":f")
    code2, raw, _ = run("grad", str(path) + ":f", "--no-optimize")
    assert code == code2 == 0
    assert len(raw.splitlines()) > len(optimized.splitlines())


def test_python_dash_m_is_the_same_program():
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run([sys.executable, "-m", "s2s", "grad", LECTURE + ":f", "--wrt", "x1,x2"],
                          capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == run("grad", LECTURE + ":f", "--wrt", "x1,x2")[1]


def _s2s_command(line, cwd):
    """Run a ``python -m s2s ...`` command line as a user would, from ``cwd``."""
    import shlex

    argv = shlex.split(line)
    assert argv[:3] == ["python", "-m", "s2s"], line
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable] + argv[1:], capture_output=True, text=True, env=env,
                          cwd=str(cwd), timeout=120)


def test_standalone_file_names_the_input_as_given_and_regenerates(tmp_path):
    """Relative paths stay relative in the header, the docstring and the messages
    the file can raise; the header's command, run where the user ran the first
    one, writes the same file again."""
    (tmp_path / "models").mkdir()
    (tmp_path / "out").mkdir()
    (tmp_path / "models" / "ode.py").write_text((ROOT / "samples" / "ode.py").read_text())
    command = "python -m s2s grad models/ode.py:loss --wrt r,capacity --checkpoint 2 -o out/loss_grad.py"
    proc = _s2s_command(command, tmp_path)
    assert proc.returncode == 0, proc.stderr
    text = (tmp_path / "out" / "loss_grad.py").read_text()
    assert str(tmp_path) not in text and os.path.realpath(str(tmp_path)) not in text
    header = text.split('"""')[1]
    assert "from loss in models/ode.py (line 33)" in header
    assert "\n    {}\n".format(command) in header, "the header shows the command as it was typed"
    assert '"""Gradient of loss (models/ode.py:33) with respect to r, capacity."""' in text
    assert "where='models/ode.py:24'" in text and "seed(t2, 'models/ode.py:35', 'loss')" in text
    (tmp_path / "out" / "loss_grad.py").unlink()
    regenerate = [line.strip() for line in header.splitlines() if line.strip().startswith("python -m s2s ")]
    assert len(regenerate) == 1
    proc = _s2s_command(regenerate[0], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out" / "loss_grad.py").read_text() == text


def test_the_header_names_the_program_as_it_was_started(tmp_path):
    out = tmp_path / "g.py"
    assert cli.main(["grad", LECTURE + ":f", "-o", str(out)]) == 0
    assert "\n    s2s grad {}:f -o {}\n".format(LECTURE, out) in out.read_text()
    assert cli.main(["grad", LECTURE + ":f", "-o", str(out)], command="python -m s2s") == 0
    assert "\n    python -m s2s grad {}:f -o {}\n".format(LECTURE, out) in out.read_text()


def test_console_script_is_declared():
    text = (ROOT / "pyproject.toml").read_text()
    match = re.search(r'^\[project\.scripts\]\s*\ns2s = "s2s\.api\.cli:(\w+)"', text, re.M)
    assert match, "pyproject.toml declares the s2s console script"
    assert callable(getattr(cli, match.group(1)))


def test_version_and_help():
    code, out, _ = run("--version")
    assert code == 0 and out.strip() == "s2s " + s2s.__version__
    code, out, _ = run("--help")
    assert code == 0 and "examples:" in out and "s2s grad samples/lecture.py:f" in out
    code, out, _ = run("grad", "--help")
    assert code == 0 and "--checkpoint" in out and "--no-optimize" in out and "-o OUT.py" in out


# ---------------------------------------------------------------------------
# modes and options: the command prints what the library generates
# ---------------------------------------------------------------------------

RNN = str(ROOT / "samples" / "rnn.py")


def _load(path, name):
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_forward_mode():
    code, out, err = run("grad", LECTURE + ":f", "--mode", "forward", "--wrt", "x1,x2")
    assert code == 0 and err == ""
    assert out.startswith("def jvp_f(x1, x2, *, x1_dot, x2_dot):")
    expected = s2s.source(s2s.jvp(lecture_module().f, wrt=("x1", "x2")))
    assert out == expected


@pytest.mark.parametrize("checkpoint", ["2", "auto"])
def test_checkpoint(checkpoint):
    code, out, err = run("grad", RNN + ":loss", "--checkpoint", checkpoint)
    assert code == 0 and err == ""
    k = int(checkpoint) if checkpoint.isdigit() else checkpoint
    expected = s2s.source(s2s.grad(_load(RNN, "rnn_for_cli").loss, checkpoint=k))
    assert out == expected
    assert "k_schedule = schedules.{}(".format("binomial" if k == 2 else "auto") in out


def test_checkpoint_with_forward_mode_is_a_usage_error():
    code, out, err = run("grad", RNN + ":loss", "--mode", "forward", "--checkpoint", "2")
    assert code == 2 and out == "" and "--checkpoint applies to reverse mode" in err and "Traceback" not in err


# ---------------------------------------------------------------------------
# errors: one line, file:line, exit status 1 (the code) or 2 (the command line)
# ---------------------------------------------------------------------------

BAD_FILES = {
    "syntax.py": ("def f(x):\n    return x +\n", "syntax.py:2: syntax error"),
    "unsupported.py": ("import numpy as np\n\n\ndef f(x):\n    try:\n        y = np.sin(x)\n    finally:\n"
                       "        pass\n    return y\n", "unsupported.py:5"),
    "raises.py": ("import numpy as np\n\nVALUE = 1 / 0\n\n\ndef f(x):\n    return x\n",
                  "raises.py:3: running the file raised ZeroDivisionError"),
    "notfunction.py": ("f = 3\n", "f is not a function defined with def (its type is int)"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_errors_in_the_file_exit_1_with_one_line(tmp_path, name):
    text, expected = BAD_FILES[name]
    (tmp_path / name).write_text(text)
    out = tmp_path / "out.py"
    code, stdout, err = run("grad", str(tmp_path / name) + ":f", "-o", str(out))
    assert code == 1 and stdout == ""
    assert expected in err and err.startswith("s2s: error: ")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not out.exists()


def test_missing_file_and_function():
    code, _, err = run("grad", "no/such/file.py:f")
    assert code == 1 and "no/such/file.py: no such file" in err and err.count("\n") == 1
    code, _, err = run("grad", LECTURE + ":g")
    assert code == 1 and "no function named g; it defines f" in err and err.count("\n") == 1


def test_unsupported_construct_names_the_line(tmp_path):
    (tmp_path / "gen.py").write_text("def f(x):\n    y = x\n    yield y\n")
    code, _, err = run("grad", str(tmp_path / "gen.py") + ":f")
    assert code == 1 and re.search(r"gen\.py:3", err) and "Traceback" not in err


@pytest.mark.parametrize("argv", [
    [],
    ["grad"],
    ["grad", LECTURE],                      # no :FUNC
    ["grad", LECTURE + ":f", "--bogus"],
    ["grad", LECTURE + ":f", "--mode", "sideways"],
    ["grad", LECTURE + ":f", "--checkpoint", "many"],
    ["grad", LECTURE + ":f", "--checkpoint", "0"],
    ["grad", LECTURE + ":f", "--name", "1df"],
    ["grad", LECTURE + ":f", "--wrt", ",,"],
    ["frobnicate", LECTURE + ":f"],
])
def test_usage_errors_exit_2(argv):
    code, out, err = run(*argv)
    assert code == 2 and out == "" and "usage:" in err and "error:" in err


def test_output_must_not_be_the_input_or_a_directory(tmp_path):
    source = tmp_path / "model.py"
    text = "import numpy as np\n\n\ndef f(x):\n    return np.sin(x)\n"
    source.write_text(text)
    code, _, err = run("grad", str(source) + ":f", "-o", str(source))
    assert code == 2 and "is the input file" in err
    assert source.read_text() == text
    code, _, err = run("grad", str(source) + ":f", "-o", str(tmp_path))
    assert code == 2 and "is a directory" in err


def test_output_is_written_atomically(tmp_path):
    good = tmp_path / "good.py"
    good.write_text("import numpy as np\n\n\ndef f(x):\n    return np.sin(x)\n")
    bad = tmp_path / "bad.py"
    bad.write_text("def f(x):\n    while True:\n        try:\n            pass\n        finally:\n"
                   "            pass\n    return x\n")
    out = tmp_path / "out.py"
    out.write_text("previous contents\n")
    assert run("grad", str(bad) + ":f", "-o", str(out))[0] == 1
    assert out.read_text() == "previous contents\n", "a failed run leaves the old file"
    assert run("grad", str(good) + ":f", "-o", str(out))[0] == 0
    assert "def grad_f(x):" in out.read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.py", "good.py", "out.py"], "no temporary left"
    code, _, err = run("grad", str(good) + ":f", "-o", str(tmp_path / "missing" / "out.py"))
    assert code == 1 and "does not exist" in err


def test_write_failure_leaves_no_partial_file(tmp_path, monkeypatch):
    out = tmp_path / "out.py"

    def broken_fsync(fd):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError):
        cli._write_atomically(str(out), "text\n")
    assert list(tmp_path.iterdir()) == []


def test_the_users_file_does_not_stay_loaded():
    assert run("grad", BRANCHES + ":f")[0] == 0  # s2s's own modules are loaded now
    before = set(sys.modules), list(sys.path)
    assert run("grad", LECTURE + ":f")[0] == 0
    assert set(sys.modules) == before[0]
    assert sys.path == before[1]


# ---------------------------------------------------------------------------
# show: highlighted on a terminal, plain when piped or NO_COLOR is set
# ---------------------------------------------------------------------------

def test_show_is_plain_when_piped():
    assert run("show", LECTURE + ":f")[1] == run("grad", LECTURE + ":f")[1]


def test_show_highlights_on_a_terminal(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    code, out, _ = run("show", LECTURE + ":f", stdout=TTY())
    plain = run("grad", LECTURE + ":f")[1]
    assert code == 0 and "\x1b[" in out and highlight.strip(out) == plain
    assert highlight.STYLES["keyword"] + "def" + highlight.RESET in out
    assert highlight.STYLES["comment"] + "# lecture.py:16" in out


def test_show_respects_no_color(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in run("show", LECTURE + ":f", stdout=TTY())[1]
    assert "\x1b[" in run("show", LECTURE + ":f", "--color", "always")[1]
    monkeypatch.delenv("NO_COLOR")
    assert "\x1b[" not in run("show", LECTURE + ":f", "--color", "never", stdout=TTY())[1]


HIGHLIGHT_CASES = [
    "def f(x):\n    return x\n",
    'def g(a, b=1.5e-3):\n    """Doc\n    on two lines."""\n    # a comment\n    if a is None:\n'
    '        return "s" + f\'{b}\'\n    return [len(a), 0x1F, True]\n',
    "x = (1 +\n     2)  # trailing\n",
    "not python (",
]


@pytest.mark.parametrize("text", HIGHLIGHT_CASES)
def test_highlight_only_adds_colour(text):
    assert highlight.strip(highlight.highlight(text)) == text


def test_highlight_colours_each_kind():
    out = highlight.highlight('def g(a):\n    # c\n    return len(a) + 2 * "s"\n')
    for kind, token in [("keyword", "def"), ("definition", "g"), ("comment", "# c"), ("keyword", "return"),
                        ("builtin", "len"), ("number", "2"), ("string", '"s"')]:
        assert highlight.STYLES[kind] + token + highlight.RESET in out, (kind, token)


@pytest.mark.parametrize("environ, tty, expected", [
    ({}, True, True),
    ({}, False, False),
    ({"NO_COLOR": "1"}, True, False),
    ({"NO_COLOR": ""}, True, True),
    ({"TERM": "dumb"}, True, False),
])
def test_wants_color(environ, tty, expected):
    stream = TTY() if tty else io.StringIO()
    assert highlight.wants_color(stream, environ) == expected


def test_readme_commands_run(tmp_path):
    """Every `s2s ...` command in README.md's usage section succeeds."""
    readme = (ROOT / "README.md").read_text()
    commands = re.findall(r"^\$? ?(s2s (?:grad|show) [^\n#]*?)\s*(?:#.*)?$", readme, re.M)
    assert commands, "README shows the command line"
    for command in commands:
        argv = command.split()[1:]
        argv = [str(ROOT / a) if a.startswith("samples/") else a for a in argv]
        if "-o" in argv:
            argv[argv.index("-o") + 1] = str(tmp_path / argv[argv.index("-o") + 1])
        code, _, err = run(*argv)
        assert code == 0, (command, err)


def test_output_is_byte_identical_across_processes():
    """Set iteration order changes with PYTHONHASHSEED; the generated files must not."""
    script = ("import sys\nfrom s2s.api import cli\n"
              "for target in sys.argv[1:]:\n    cli.main(['grad', target, '--wrt', '0,1'])\n")
    targets = [str(ROOT / "samples" / name) for name in ("rnn.py:loss", "ode.py:loss", "lecture.py:f")]
    outputs = set()
    for seed in ("1", "2", "3"):
        env = dict(os.environ, PYTHONHASHSEED=seed,
                   PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        proc = subprocess.run([sys.executable, "-c", script] + targets, capture_output=True, text=True,
                              env=env, timeout=120)
        assert proc.returncode == 0, proc.stderr
        outputs.add(proc.stdout)
    assert len(outputs) == 1

"""Files written by ``s2s grad ... -o OUT.py`` run without s2s.

Each sample is written to a standalone file, copied alone into an empty
folder and run in a subprocess whose imports of s2s fail (``-I`` isolation
and an import hook that refuses s2s, so an installed s2s cannot leak in);
its numbers must equal those of ``s2s.grad`` in this process.
"""
import dataclasses
import importlib.util
import pathlib
import pickle
import subprocess
import sys
import textwrap
import types

import numpy as np
import pytest

import s2s
from s2s.api import cli
from s2s.backend import standalone

ROOT = pathlib.Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


def load_sample(name):
    spec = importlib.util.spec_from_file_location("sample_" + name, SAMPLES / (name + ".py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@dataclasses.dataclass
class Sample:
    file: str
    function: str
    options: list
    wrt: object
    arguments: object  # module -> list of argument tuples


def _mlp_args(m):
    rng = np.random.default_rng(1)
    return [(m.init(rng, 4, 6, 3),) + m.data(rng, 5, 4, 3)]


def _rnn_args(m):
    rng = np.random.default_rng(2)
    return [tuple(m.init(rng, 3, 5, 2)) + (rng.standard_normal((7, 3)), np.array([0.5, -0.25]))]


def _params_args(m):
    """Layers as SimpleNamespace objects (records that unpickle where the sample's Dense cannot)."""
    rng = np.random.default_rng(3)
    x, y = m.spirals(rng, 6)
    layers = {"hidden": types.SimpleNamespace(w=rng.standard_normal((2, 4)), b=rng.standard_normal(4), name="h"),
              "out": types.SimpleNamespace(w=rng.standard_normal((4, 1)), b=np.zeros(1), name="o")}
    return [(dict(layers, decay=1e-3, steps=3), x, y)]


SAMPLE_TABLE = [
    Sample("lecture", "f", ["--wrt", "x1,x2"], ("x1", "x2"), lambda m: [(2.0, 5.0), (0.5, -1.0)]),
    Sample("mlp", "loss", ["--sequences", "params"], 0, _mlp_args),
    Sample("branches", "f", [], 0, lambda m: [(x,) for x in (-3.0, -0.5, 0.5, 1.5, 2.5, 40.0)]),
    Sample("rnn", "loss", ["--wrt", "0,1,2,3"], (0, 1, 2, 3), _rnn_args),
    Sample("ode", "loss", ["--wrt", "r,capacity"], ("r", "capacity"), lambda m: [(0.9, 1.2), (0.5, 2.0)]),
    Sample("ode", "integrate", ["--wrt", "y0,r", "--no-optimize", "--name", "d_integrate"], ("y0", "r"),
           lambda m: [(0.1, 0.9, 1.2, 5.0, 20)]),
    Sample("params", "loss", [], 0, _params_args),
]

DRIVER = textwrap.dedent('''
    import importlib.abc
    import pickle
    import sys


    class RefuseS2S(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name == "s2s" or name.startswith("s2s."):
                raise ModuleNotFoundError("s2s is not available here", name=name)
            return None


    sys.meta_path.insert(0, RefuseS2S())
    sys.path.insert(0, sys.argv[1])
    try:
        import s2s  # noqa: F401
    except ImportError:
        pass
    else:
        raise SystemExit("s2s is importable inside the isolated run")
    import derivative

    with open(sys.argv[2], "rb") as f:
        calls = pickle.load(f)
    results = [getattr(derivative, sys.argv[3])(*args) for args in calls]
    assert not any(name == "s2s" or name.startswith("s2s.") for name in sys.modules)
    with open(sys.argv[4], "wb") as f:
        pickle.dump(results, f)
''')


def run_isolated(folder, source, name, calls):
    (folder / "derivative.py").write_text(source, encoding="utf-8")
    (folder / "driver.py").write_text(DRIVER, encoding="utf-8")
    with open(folder / "calls.pkl", "wb") as f:
        pickle.dump(calls, f)
    proc = subprocess.run(
        [sys.executable, "-I", str(folder / "driver.py"), str(folder), str(folder / "calls.pkl"), name,
         str(folder / "results.pkl")], capture_output=True, text=True, cwd=str(folder), timeout=120)
    assert proc.returncode == 0, proc.stderr
    with open(folder / "results.pkl", "rb") as f:
        return pickle.load(f)


def assert_same(got, expected):
    if expected is None:
        assert got is None
    elif s2s.runtime.is_named(expected):
        assert type(got) is type(expected)
        assert_same(list(s2s.runtime.entries(got)), list(s2s.runtime.entries(expected)))
    elif isinstance(expected, str):
        assert got == expected
    elif isinstance(expected, (tuple, list)):
        assert type(got) is type(expected) and len(got) == len(expected)
        for g, e in zip(got, expected):
            assert_same(g, e)
    else:
        assert np.shape(got) == np.shape(expected)
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("sample", SAMPLE_TABLE, ids=lambda s: "{}.{}".format(s.file, s.function))
def test_standalone_file_runs_without_s2s(sample, tmp_path):
    out = tmp_path / "generated.py"
    argv = ["grad", str(SAMPLES / (sample.file + ".py")) + ":" + sample.function, "-o", str(out)] + sample.options
    assert cli.main(argv) == 0
    text = out.read_text(encoding="utf-8")
    assert "s2s grad " in text.split('"""')[1], "the header says how to regenerate the file"
    imports = [line.split()[1] for line in text.splitlines() if line.strip().startswith(("import ", "from "))]
    assert imports and not any(m == "s2s" or m.startswith("s2s.") for m in imports), imports
    name = sample.options[sample.options.index("--name") + 1] if "--name" in sample.options else \
        "grad_" + sample.function
    assert "def {}(".format(name) in text

    module = load_sample(sample.file)
    calls = sample.arguments(module)
    expected = [s2s.grad(getattr(module, sample.function), wrt=sample.wrt)(*args) for args in calls]
    folder = tmp_path / "isolated"
    folder.mkdir()
    got = run_isolated(folder, text, name, calls)
    for g, e in zip(got, expected):
        assert_same(g, e)


LOOP_SAMPLES = [s for s in SAMPLE_TABLE if (s.file, s.function) in (("rnn", "loss"), ("ode", "loss"))]


@pytest.mark.parametrize("checkpoint", ["2", "auto"])
@pytest.mark.parametrize("sample", LOOP_SAMPLES, ids=lambda s: "{}.{}".format(s.file, s.function))
def test_checkpointed_standalone_file_runs_without_s2s(sample, checkpoint, tmp_path):
    out = tmp_path / "generated.py"
    argv = ["grad", str(SAMPLES / (sample.file + ".py")) + ":" + sample.function, "-o", str(out),
            "--checkpoint", checkpoint] + sample.options
    assert cli.main(argv) == 0
    text = out.read_text(encoding="utf-8")
    schedule = "binomial" if checkpoint == "2" else "auto"
    assert "# Checkpoint schedules copied from s2s/runtime/schedules.py.\n" in text
    assert "def {}(".format(schedule) in text and "schedules." not in text.split("# The derivative.")[1]
    assert "class Online(" not in text or checkpoint == "auto", "only the schedules used are copied"
    module = load_sample(sample.file)
    calls = sample.arguments(module)
    k = int(checkpoint) if checkpoint.isdigit() else checkpoint
    expected = [s2s.grad(getattr(module, sample.function), wrt=sample.wrt, checkpoint=k)(*args) for args in calls]
    folder = tmp_path / "isolated"
    folder.mkdir()
    got = run_isolated(folder, text, "grad_" + sample.function, calls)
    for g, e in zip(got, expected):
        assert_same(g, e)


def test_forward_mode_standalone_file_runs_without_s2s(tmp_path):
    out = tmp_path / "jvp.py"
    assert cli.main(["grad", str(SAMPLES / "ode.py") + ":loss", "--mode", "forward", "--wrt", "r,capacity",
                     "-o", str(out)]) == 0
    text = out.read_text()
    assert "def jvp_loss(r, capacity, y0=0.1, t_end=5.0, n_steps=50, observed=0.8, *, r_dot, capacity_dot):" in text
    module = load_sample("ode")
    calls = [(0.9, 1.2, 1.0, 0.0), (0.5, 2.0, -0.5, 2.0)]
    expected = [s2s.jvp(module.loss, wrt=("r", "capacity"))(r, c, dr, dc) for r, c, dr, dc in calls]
    text += "\n\ndef call(r, capacity, r_dot, capacity_dot):\n" \
            "    return jvp_loss(r, capacity, r_dot=r_dot, capacity_dot=capacity_dot)\n"
    folder = tmp_path / "isolated"
    folder.mkdir()
    got = run_isolated(folder, text, "call", calls)
    for g, e in zip(got, expected):
        assert_same(g, e)


def test_batched_forward_mode_standalone_file_runs_without_s2s(tmp_path):
    out = tmp_path / "jvp.py"
    assert cli.main(["grad", str(SAMPLES / "mlp.py") + ":loss", "--mode", "forward", "--batch", "--wrt", "x",
                     "--sequences", "params", "-o", str(out)]) == 0
    text = out.read_text()
    assert "def seed_dot_left(" in text  # the batched helpers are copied into the file
    module = load_sample("mlp")
    params, x, labels = _mlp_args(module)[0]
    seeds = np.random.default_rng(3).standard_normal((4,) + x.shape)
    expected = s2s.jvp(module.loss, wrt="x", batch=True)(params, x, labels, seeds)
    text += "\n\ndef call(params, x, labels, seeds):\n    return jvp_loss(params, x, labels, x_dot=seeds)\n"
    folder = tmp_path / "isolated"
    folder.mkdir()
    (got,) = run_isolated(folder, text, "call", [(params, x, labels, seeds)])
    assert_same(got, expected)
    per_seed = np.stack([s2s.jvp(module.loss, wrt="x")(params, x, labels, s)[1] for s in seeds])
    np.testing.assert_allclose(got[1], per_seed, rtol=1e-12)


def test_batch_without_forward_mode_is_a_usage_error(capsys):
    assert cli.main(["grad", str(SAMPLES / "lecture.py") + ":f", "--batch"]) == 2
    assert "--batch applies to forward mode" in capsys.readouterr().err


WHILE_LOOP = textwrap.dedent('''
    import numpy as np

    import s2s


    def settle(x, rate):
        y = x
        while s2s.checkpointed(np.abs(y) > 0.01, 3):
            y = y * rate + 0.001 * np.sin(y)
        return y * x
''')


def test_a_while_loop_checkpointed_online_runs_without_s2s(tmp_path):
    path = tmp_path / "settle.py"
    path.write_text(WHILE_LOOP)
    out = tmp_path / "out" / "settle_grad.py"
    out.parent.mkdir()
    assert cli.main(["grad", str(path) + ":settle", "-o", str(out)]) == 0
    text = out.read_text()
    assert "def online(" in text and "class Online(Schedule):" in text and "def binomial(" not in text
    spec = importlib.util.spec_from_file_location("settle_for_test", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    calls = [(2.0, 0.7), (-1.5, 0.5)]
    expected = [s2s.grad(module.settle)(*args) for args in calls]
    assert all(e != 0 for e in expected)
    got = run_isolated(out.parent, text, "grad_settle", calls)
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e, rtol=1e-12)


def test_every_sample_is_in_the_table():
    assert {p.stem for p in SAMPLES.glob("*.py")} == {s.file for s in SAMPLE_TABLE}


def test_standalone_imports_only_what_is_used(tmp_path):
    out = tmp_path / "lecture_grad.py"
    assert cli.main(["grad", str(SAMPLES / "lecture.py") + ":f", "-o", str(out)]) == 0
    text = out.read_text()
    imports = [line for line in text.splitlines() if line.startswith(("import ", "from "))]
    assert imports == ["import numpy as np"]
    # the runtime helpers the code calls are copied, transitively (seed needs is_container)
    for helper in ("def seed(", "def is_container(", "def finalize(", "class NonScalarOutputError("):
        assert helper in text
    assert "def matmul_grad1(" not in text


# ---------------------------------------------------------------------------
# module_source on its own: how each kind of object is written
# ---------------------------------------------------------------------------

HELPERS = textwrap.dedent('''
    import numpy

    SCALE = 2.5


    def act(x):
        return numpy.tanh(x) * SCALE
''')

USER = textwrap.dedent('''
    import math as m

    import numpy as onp

    import helpers
    from helpers import act

    WEIGHTS = onp.array([[1.0, 2.0], [3.0, 4.0]])
    OFFSET = (1.5, float("inf"))


    def inner(x):
        return x * OFFSET[0]


    def factor(n):
        return n / (n + OFFSET[0])


    def f(x, w=WEIGHTS):
        return onp.sum(act(onp.dot(w, x))) + m.pi * helpers.SCALE + onp.sum(inner(x)) * factor(3)
''')


def test_module_source_writes_imports_literals_and_copies(tmp_path):
    (tmp_path / "helpers.py").write_text(HELPERS)
    (tmp_path / "user.py").write_text(USER)
    out = tmp_path / "out" / "user_grad.py"
    out.parent.mkdir()
    sys.path.insert(0, str(tmp_path))
    try:
        assert cli.main(["grad", str(tmp_path / "user.py") + ":f", "-o", str(out)]) == 0
        import user
        x = np.array([0.3, -0.7])
        expected = s2s.grad(user.f)(x)
    finally:
        sys.path.remove(str(tmp_path))
        for name in ("user", "helpers"):
            sys.modules.pop(name, None)
    text = out.read_text()
    assert "import math as m" in text and "import numpy as onp" in text and "import helpers" in text
    assert "\nWEIGHTS = np.array([[1.0, 2.0], [3.0, 4.0]], dtype='float64')\n" in text
    assert "\nOFFSET = (1.5, float('inf'))\n" in text
    assert "def inner_fwd(" in text and "def inner(" not in text, "inner is differentiated, not copied"
    assert "# Copied from user.py.\ndef factor(n):\n" in text, "factor is only called: copied"
    # helpers.py is the user's own module: imported, not copied
    for folder in (tmp_path / "run",):
        folder.mkdir()
        (folder / "helpers.py").write_text(HELPERS)
        got = run_isolated(folder, text, "grad_f", [(x,)])
        np.testing.assert_allclose(got[0], expected, rtol=1e-12)


def test_an_object_that_cannot_be_written_is_named(tmp_path):
    (tmp_path / "opaque.py").write_text(textwrap.dedent('''
        import threading

        import numpy as np

        LOCK = threading.Lock()


        def f(x, lock=LOCK):
            return np.sin(x) * 2.0
    '''))
    out = tmp_path / "out.py"
    err = _Capture()
    assert cli.main(["grad", str(tmp_path / "opaque.py") + ":f", "-o", str(out)], stderr=err) == 1
    message = err.getvalue()
    assert "lock" in message.lower() and "standalone" in message and "Traceback" not in message
    assert not out.exists()


def test_name_clash_between_user_and_helper_is_an_error():
    def seed(x):
        return x

    import types

    fake = types.ModuleType("clash")
    fake.seed = seed
    with pytest.raises(standalone.StandaloneError, match="seed"):
        standalone.module_source("def g(x):\n    return seed(x) + helper(x)\n",
                                 {"helper": s2s.runtime.seed}, {"seed": seed}, "clash", "clash.py",
                                 "g of clash", "header")


def test_rename_and_free_names():
    source = "def grad_f(x):\n    # grad_f here\n    return np.sin(x) + 'grad_f'\n"
    renamed = standalone.rename(source, "grad_f", "df")
    assert renamed == "def df(x):\n    # grad_f here\n    return np.sin(x) + 'grad_f'\n"
    assert standalone.free_names(source) == {"np"}


class _Capture:
    def __init__(self):
        self.parts = []

    def write(self, text):
        self.parts.append(text)

    def flush(self):
        pass

    def getvalue(self):
        return "".join(self.parts)

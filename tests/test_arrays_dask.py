"""Dask arrays through s2s: lazy gradients, the shared table, and a two-worker cluster.

- the shared table (tests/arrays_table.py) with every floating array a chunked Dask
  array, in grad, vjp and jvp: the results are Dask arrays equal to NumPy's, and
  building them computes nothing (a scheduler callback counts every computation);
  the cases Dask cannot run are asserted refusals (tests/arrays_expected.py);
- a logistic-regression and an MLP gradient over chunked data on a
  ``dask.distributed.LocalCluster`` of two worker processes that the test starts
  and closes itself (loopback only), equal to the NumPy gradients.
"""
import numpy as np
import pytest

import s2s

try:
    from . import arrays_table as table
except ImportError:
    import arrays_table as table

da = pytest.importorskip("dask.array", reason="dask is not installed (pip install 's2s[test]')")
pytest.importorskip("array_api_compat", reason="array-api-compat is not installed (pip install 's2s[arrays]')")
import dask  # noqa: E402
from dask.callbacks import Callback  # noqa: E402


class Computations(Callback):
    """Counts the computations the local schedulers start while it is active."""

    def __init__(self):
        super().__init__()
        self.count = 0

    def _start(self, dsk):
        self.count += 1


def chunked(x):
    return da.from_array(x, chunks=tuple(max(1, n // 2) for n in x.shape))


def _is_array(x):
    return isinstance(x, da.Array)


def _to_numpy(x):
    return x.compute()


@pytest.mark.parametrize("mode", ["grad", "vjp", "jvp"])
@pytest.mark.parametrize("case", table.SUPPORTED, ids=lambda c: c.name)
def test_table(case, mode):
    with Computations() as computations:
        lazy = []

        def to(x):
            lazy.append(True)
            return chunked(x)

        # run_mode computes the results after the call (to compare): count only inside the call
        table.run_mode(case, mode, "dask", to, _is_array, _counted(_to_numpy, computations))


def _counted(to_numpy, computations):
    state = {"seen": False}

    def convert(x):
        if not state["seen"]:
            assert computations.count == 0, "the derivative computed a Dask value while building the graph"
            state["seen"] = True
        with dask.config.set(scheduler="sync"):
            return to_numpy(x)
    return convert


def logreg(w, X, y):
    z = X @ w
    return np.sum(np.logaddexp(0.0, z) - y * z) / X.shape[0]


def mlp(W1, b1, W2, X, y):
    h = np.tanh(X @ W1 + b1)
    out = h @ W2
    return 0.5 * np.mean((out - y) ** 2)


def _data(rng, n=400, d=5):
    X = rng.standard_normal((n, d))
    y = (rng.uniform(size=n) < 0.5).astype(float)
    return X, y


def test_gradient_is_one_lazy_graph(rng):
    X, y = _data(rng)
    w = rng.standard_normal(5)
    Xd, yd = da.from_array(X, chunks=(100, 5)), da.from_array(y, chunks=100)
    with Computations() as computations:
        g = s2s.grad(logreg)(da.from_array(w, chunks=5), Xd, yd)
        g_numpy_w = s2s.grad(logreg)(w, Xd, yd)  # NumPy parameters, Dask data: still lazy
        assert computations.count == 0
        assert isinstance(g, da.Array) and isinstance(g_numpy_w, da.Array)
        assert g.shape == w.shape and g.dtype == w.dtype
        np.testing.assert_allclose(dask.compute(g)[0], s2s.grad(logreg)(w, X, y), rtol=1e-12)
        assert computations.count == 1  # the user's compute, once
    np.testing.assert_allclose(g_numpy_w.compute(), s2s.grad(logreg)(w, X, y), rtol=1e-12)


def branches_on_a_value(x):
    if np.sum(x) > 0:
        return np.sum(x ** 2)
    return np.sum(x)


def test_a_branch_on_a_dask_value_is_refused():
    with pytest.raises(s2s.S2SError, match="value of a Dask array") as info:
        s2s.grad(branches_on_a_value)(da.ones(4, chunks=2))
    assert "test_arrays_dask.py" in str(info.value)


@pytest.mark.slow
def test_two_worker_cluster(rng):
    distributed = pytest.importorskip("distributed", reason="distributed is not installed (pip install 's2s[test]')")
    X, y = _data(rng, n=2000, d=8)
    w = rng.standard_normal(8)
    W1, b1, W2 = rng.standard_normal((8, 6)) * 0.3, rng.standard_normal(6) * 0.1, rng.standard_normal(6) * 0.3
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        Xd, yd = da.from_array(X, chunks=(250, 8)), da.from_array(y, chunks=250)
        g_logreg = s2s.grad(logreg)(w, Xd, yd)
        g_mlp = s2s.grad(mlp, wrt=(0, 1, 2))(W1, b1, W2, Xd, yd)
        assert isinstance(g_logreg, da.Array) and all(isinstance(g, da.Array) for g in g_mlp)
        got_logreg, got_mlp = dask.compute(g_logreg, g_mlp)
        assert len(client.scheduler_info()["workers"]) == 2
    np.testing.assert_allclose(got_logreg, s2s.grad(logreg)(w, X, y), rtol=1e-10)
    for got, want in zip(got_mlp, s2s.grad(mlp, wrt=(0, 1, 2))(W1, b1, W2, X, y)):
        np.testing.assert_allclose(got, want, rtol=1e-10)


def test_the_readme_example_runs(tmp_path):
    import importlib.util
    import pathlib
    import re

    readme = (pathlib.Path(__file__).resolve().parent.parent / "README.md").read_text()
    start = readme.index("### Other array libraries")
    block = re.findall(r"```python\n(.*?)```", readme[start:], re.S)[0]
    path = tmp_path / "readme_dask.py"  # s2s reads the function's source from its file
    path.write_text("import numpy as np\nimport s2s\n" + block)
    spec = importlib.util.spec_from_file_location("readme_dask", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    namespace = vars(module)
    g, X, y = namespace["g"], namespace["X"], namespace["y"]
    assert isinstance(g, da.Array)
    with dask.config.set(scheduler="sync"):
        np.testing.assert_allclose(g.compute(), s2s.grad(namespace["loss"])(np.zeros(20), X.compute(), y.compute()))


def test_the_benchmark_gradients_agree():
    """benchmarks/beyond_memory.py times s2s against a hand-written Dask gradient: the two are equal."""
    from benchmarks import beyond_memory

    X, y = beyond_memory.data(2000, 6, 500)
    w = np.linspace(-0.5, 0.5, 6)
    ours, hand = s2s.grad(beyond_memory.loss)(w, X, y), beyond_memory.hand_gradient(w, X, y)
    assert isinstance(ours, da.Array)
    with dask.config.set(scheduler="sync"):
        ours, hand, Xn, yn = dask.compute(ours, hand, X, y)
    np.testing.assert_allclose(ours, hand, rtol=1e-10)
    np.testing.assert_allclose(ours, s2s.grad(beyond_memory.loss)(w, Xn, yn), rtol=1e-10)


def test_the_numpy_assemblers_refuse_dask_arrays_instead_of_gathering_them():
    X = da.ones((6, 3), chunks=3)
    with Computations() as computations:
        with pytest.raises(s2s.ArrayLibraryError, match="s2s.jacobian takes NumPy arrays, and got dask arrays"):
            s2s.jacobian(logreg)(np.ones(3), X, da.ones(6, chunks=3))
        assert computations.count == 0

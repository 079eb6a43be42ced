"""s2s where SciPy cannot be imported: patterns and colorings still work, sparse_jacobian says what to install.

One child process blocks every ``scipy`` import (a meta-path finder that
raises ImportError, as a missing package does), computes patterns, colorings
and gradients on the shared functions and pickles them; the tests compare them
with this process's results, computed with SciPy.
"""
import os
import pathlib
import pickle
import subprocess
import sys

import numpy as np
import pytest

import s2s
from s2s.sparse import coloring
from s2s.sparse.pattern import Pattern

import functions
from functions import CASES
from sparse_functions import EXACT, banded, branchy, separable, size_for

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent

CHILD = r'''
import pickle
import sys


class NoSciPy:
    """Meta-path finder: ``import scipy`` fails as if SciPy were not installed."""

    def find_spec(self, name, path=None, target=None):
        if name == "scipy" or name.startswith("scipy."):
            raise ModuleNotFoundError("No module named {!r} (blocked by the test)".format(name), name=name)
        return None


sys.meta_path.insert(0, NoSciPy())

import numpy as np

import s2s
from s2s.sparse import coloring
from benchmarks import sparse as bench
from functions import CASES
from sparse_functions import EXACT, banded, branchy, separable, size_for

out = {"patterns": {}, "grads": {}, "errors": {}}


def record(key, p, colors):
    out["patterns"][key] = (type(p).__name__, p.shape, p.nnz, p.dtype, np.asarray(p.row), np.asarray(p.col),
                            p.toarray(), colors)


for f in EXACT + [branchy]:
    x = np.random.default_rng(0).uniform(0.5, 1.5, size=size_for(f))
    for local in (False, True):
        p = s2s.jacobian_sparsity(f, x, local=local)
        record(("jacobian", f.__name__, local), p, (coloring.column_coloring(p), coloring.column_coloring(p.T)))
for f, n in ((separable, 10), (bench.rosenbrock, 50)):
    p = s2s.hessian_sparsity(f, np.random.default_rng(0).uniform(0.5, 1.5, size=n))
    record(("hessian", f.__name__, False), p, coloring.star_coloring(p))
for f, n in ((bench.laplacian_1d, 100), (bench.laplacian_2d, 400), (bench.banded_recurrence, 100)):
    p = s2s.jacobian_sparsity(f, np.random.default_rng(0).uniform(0.5, 1.5, size=n))
    record(("jacobian", f.__name__, False), p, (coloring.column_coloring(p), coloring.column_coloring(p.T)))

for case in CASES:
    if "unsupported" in case.tags:
        continue
    for w in case.wrt if isinstance(case.wrt, tuple) else (case.wrt,):
        value = case.args[w] if isinstance(w, int) else None
        if isinstance(value, (list, tuple)) or s2s.runtime.is_named(value):
            continue
        p = s2s.jacobian_sparsity(case.fn, *case.args, wrt=w)
        record(("table", case.name, w), p, coloring.column_coloring(p))
        try:
            h = s2s.hessian_sparsity(case.fn, *case.args, wrt=w)
        except s2s.S2SError as err:
            out["errors"][("hessian", case.name, w)] = type(err).__name__
        else:
            record(("table hessian", case.name, w), h, coloring.star_coloring(h))
    try:
        out["grads"][case.name] = s2s.grad(case.fn, wrt=case.wrt)(*case.args)
    except s2s.S2SError as err:
        out["grads"][case.name] = type(err).__name__

for what, make in (("jacobian", s2s.sparse_jacobian), ("hessian", s2s.sparse_hessian)):
    try:
        make(banded if what == "jacobian" else separable)
    except Exception as err:
        out["errors"][("missing scipy", what, None)] = (
            type(err).__name__, isinstance(err, s2s.S2SError), isinstance(err, ImportError), str(err))
try:
    import scipy  # noqa: F401
except ImportError:
    out["scipy blocked"] = True
out["scipy modules"] = sorted(m for m in sys.modules if m == "scipy" or m.startswith("scipy."))
with open(sys.argv[1], "wb") as fh:
    pickle.dump(out, fh)
'''


@pytest.fixture(scope="module")
def child(tmp_path_factory):
    path = tmp_path_factory.mktemp("noscipy") / "results.pkl"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), str(HERE), os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, env=env,
                          cwd=str(ROOT), timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    with open(path, "rb") as fh:
        return pickle.load(fh)


def test_scipy_is_blocked_in_the_child(child):
    assert child.get("scipy blocked")
    assert child["scipy modules"] == []


def _with_scipy(key):
    from benchmarks import sparse as bench

    kind, name, extra = key
    functions = {f.__name__: f for f in EXACT + [branchy, separable]}
    functions.update(laplacian_1d=bench.laplacian_1d, laplacian_2d=bench.laplacian_2d,
                     banded_recurrence=bench.banded_recurrence, rosenbrock=bench.rosenbrock)
    if kind in ("table", "table hessian"):
        case = next(c for c in CASES if c.name == name)
        find = s2s.jacobian_sparsity if kind == "table" else s2s.hessian_sparsity
        p = find(case.fn, *case.args, wrt=extra)
        return p, coloring.column_coloring(p) if kind == "table" else coloring.star_coloring(p)
    f = functions[name]
    sizes = dict(separable=10, rosenbrock=50, laplacian_1d=100, laplacian_2d=400, banded_recurrence=100)
    x = np.random.default_rng(0).uniform(0.5, 1.5, size=sizes.get(name, size_for(f)))
    if kind == "hessian":
        p = s2s.hessian_sparsity(f, x)
        return p, coloring.star_coloring(p)
    p = s2s.jacobian_sparsity(f, x, local=extra)
    return p, (coloring.column_coloring(p), coloring.column_coloring(p.T.tocsr()))


def test_patterns_and_colors_equal_those_with_scipy(child):
    patterns = child["patterns"]
    assert len(patterns) > 100  # the shared table took part
    for key, (kind, shape, nnz, dtype, row, col, dense, colors) in patterns.items():
        assert kind == "Pattern", key
        expected, expected_colors = _with_scipy(key)
        assert s2s_is_scipy(expected), key
        assert shape == expected.shape and nnz == expected.nnz and dtype == np.dtype(bool), key
        np.testing.assert_array_equal(dense, expected.toarray(), err_msg=str(key))
        coo = expected.tocoo()
        order = np.lexsort((coo.col, coo.row))
        np.testing.assert_array_equal(row, coo.row[order], err_msg=str(key))
        np.testing.assert_array_equal(col, coo.col[order], err_msg=str(key))
        for got, want in zip(colors if isinstance(colors, tuple) else (colors,),
                             expected_colors if isinstance(expected_colors, tuple) else (expected_colors,)):
            np.testing.assert_array_equal(got, want, err_msg=str(key))


def s2s_is_scipy(p):
    import scipy.sparse as sp

    return sp.issparse(p) and p.format == "csr" and p.dtype == bool


def test_hessian_errors_are_the_same(child):
    for (kind, name, w), error in child["errors"].items():
        if kind != "hessian":
            continue
        case = next(c for c in CASES if c.name == name)
        with pytest.raises(s2s.S2SError) as info:
            s2s.hessian_sparsity(case.fn, *case.args, wrt=w)
        assert type(info.value).__name__ == error


def test_gradients_work_without_scipy(child):
    grads = child["grads"]
    assert len(grads) > 200
    for case in CASES:
        if case.name not in grads:
            assert "scipy" in case.tags or "unsupported" in case.tags, case.name
            continue
        got = grads[case.name]
        try:
            with functions.errstate(case):
                want = s2s.grad(case.fn, wrt=case.wrt)(*case.args)
        except s2s.S2SError as err:
            assert got == type(err).__name__, case.name
            continue
        _assert_same(got, want, case.name)


def _assert_same(got, want, name):
    if want is None:  # a non-float entry of a dict or record
        assert got is None, name
    elif s2s.runtime.is_record(want):
        assert type(got) is type(want), name
        _assert_same(dict(s2s.runtime.entries(got)), dict(s2s.runtime.entries(want)), name)
    elif isinstance(want, (list, tuple, dict)):
        assert type(got) is type(want) and len(got) == len(want), name
        for k in (want if isinstance(want, dict) else range(len(want))):
            _assert_same(got[k], want[k], name)
    else:
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-300, err_msg=name)


def test_sparse_jacobian_without_scipy_says_what_to_install(child):
    for f, what in ((banded, "jacobian"), (separable, "hessian")):
        name, is_s2s, is_import, message = child["errors"][("missing scipy", what, None)]
        assert name == "MissingSciPyError" and is_s2s and not is_import
        line = "sparse_functions.py:{}".format(f.__code__.co_firstlineno)
        assert line in message and "sparse_{} of {}".format(what, f.__name__) in message, message
        assert "pip install 's2s[sparse]'" in message


def test_pattern_operations_agree_with_scipy(rng):
    import scipy.sparse as sp

    for seed in range(5):
        a = sp.random(13, 9, density=0.2, random_state=seed, format="csr") != 0
        b = sp.random(9, 11, density=0.3, random_state=seed + 10, format="csr") != 0
        c = sp.random(13, 9, density=0.15, random_state=seed + 20, format="coo") != 0
        pa, pb, pc = Pattern.from_any(a), Pattern.from_any(b), Pattern.from_any(c)
        np.testing.assert_array_equal((pa @ pb).toarray(), (a.astype(int) @ b.astype(int)).toarray() > 0)
        np.testing.assert_array_equal((pa + pc).toarray(), (a + c).toarray())
        np.testing.assert_array_equal(pa.T.toarray(), a.T.toarray())
        np.testing.assert_array_equal(Pattern.vstack([pa, pc]).toarray(), sp.vstack([a, c]).toarray())
        np.testing.assert_array_equal(Pattern.kron(pb, pa).toarray(), sp.kron(b, a).toarray() != 0)
        picks = rng.integers(-1, 13, size=20)
        np.testing.assert_array_equal(pa.take_rows(picks).toarray(),
                                      np.where(picks[:, None] >= 0, a.toarray()[np.maximum(picks, 0)], False))
        np.testing.assert_array_equal(pa.sum(axis=0), np.asarray(a.sum(axis=0)).ravel())
        np.testing.assert_array_equal(pa.sum(axis=1), np.asarray(a.sum(axis=1)).ravel())
        labels = rng.integers(0, 4, size=13)
        np.testing.assert_array_equal(pa.merge_rows(labels, 4).toarray(),
                                      np.array([a.toarray()[labels == r].any(axis=0) for r in range(4)]))
        back = pa.to_scipy()
        assert s2s_is_scipy(back) and (back != a).nnz == 0
        np.testing.assert_array_equal(Pattern.from_any(a.toarray()).toarray(), a.toarray())
        np.testing.assert_array_equal(Pattern.from_any(pa).toarray(), a.toarray())
        # canonical storage: sorted unique columns per row
        for p in (pa @ pb, pa + pc, pa.T, Pattern.kron(pb, pa)):
            for r in range(p.shape[0]):
                cols = p.indices[p.indptr[r]:p.indptr[r + 1]]
                assert (np.diff(cols) > 0).all()


def test_user_sparsity_may_be_a_pattern(rng):
    x = rng.uniform(size=12)
    pattern = Pattern.from_any(s2s.jacobian_sparsity(banded, x))
    expected = s2s.jacobian(banded, mode="forward")(x)
    for given in (pattern, pattern.toarray(), pattern.to_scipy().tocoo()):
        g = s2s.sparse_jacobian(banded, sparsity=given)
        np.testing.assert_allclose(g(x).toarray(), expected, rtol=1e-12)


class _Coo:
    def __init__(self, row, col, shape):
        self.row, self.col, self.shape = np.array(row), np.array(col), shape


def test_user_sparsity_with_entries_outside_its_shape_is_an_error(rng):
    x = rng.uniform(size=12)
    g = s2s.sparse_jacobian(banded, sparsity=_Coo([0, 3], [1, 12], (12, 12)))
    with pytest.raises(s2s.S2SError, match=r"sparse_functions.py:\d+: sparsity= .*banded.*\(3, 12\) lies outside"):
        g(x)
    true = Pattern.from_any(s2s.jacobian_sparsity(banded, x))
    g = s2s.sparse_jacobian(banded, sparsity=_Coo(true.row, true.col, true.shape))
    np.testing.assert_allclose(g(x).toarray(), s2s.jacobian(banded)(x), rtol=1e-12)

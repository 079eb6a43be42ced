"""Sparse Jacobians and Hessians: detected patterns, colorings, compressed evaluation.

Oracles: dense derivatives from s2s (forward-mode Jacobians, forward-over-reverse
Hessians, both checked against differences elsewhere) and central differences.
"""
import operator

import numpy as np
import pytest
import scipy.sparse as sp

import s2s
from s2s.runtime import is_named
import s2s.common.errors
from s2s.sparse import coloring
from s2s.sparse.api import _rules

from functions import CASES
from sparse_functions import EXACT, banded, branchy, separable, with_matmul


def _dense_jacobian(f, x):
    j = s2s.jacobian(f, mode="forward")(x)
    return j.reshape(-1, x.size)


def _differences(f, x, h=1e-6):
    cols = [(np.ravel(f(x + h * e)) - np.ravel(f(x - h * e))) / (2 * h) for e in np.eye(x.size)]
    return np.array(cols).T


@pytest.fixture
def rng():
    return np.random.default_rng(0)


# ----------------------------------------------------------- patterns
@pytest.mark.parametrize("f", EXACT, ids=lambda f: f.__name__)
def test_pattern_is_exact(f, rng):
    x = rng.uniform(0.5, 1.5, size=12 if f is not with_matmul else 6)
    pattern = s2s.jacobian_sparsity(f, x)
    dense = _dense_jacobian(f, x)
    np.testing.assert_allclose(dense, _differences(f, x), atol=1e-6)
    assert isinstance(pattern, sp.spmatrix) or sp.issparse(pattern)
    np.testing.assert_array_equal(pattern.toarray(), dense != 0)


def test_hessian_pattern_is_exact(rng):
    x = rng.uniform(0.5, 1.5, size=10)
    pattern = s2s.hessian_sparsity(separable, x).toarray()
    expected = np.abs(s2s.hessian(separable)(x)) > 0
    np.testing.assert_array_equal(pattern, expected)
    assert pattern.sum() == 10 + 2 * 9  # tridiagonal


def test_linear_operations_add_no_hessian_pairs(rng):
    x = rng.uniform(size=8)
    assert s2s.hessian_sparsity(block_sum, x).nnz == 0
    assert s2s.hessian_sparsity(product_pairs, x).toarray().sum() == 8


def block_sum(x):
    return np.sum(x.reshape(2, 4) * 3.0) - np.sum(np.flip(x)[1:])


def product_pairs(x):
    return np.sum(x[::2] * x[1::2])


def _table():
    for case in CASES:
        if "unsupported" in case.tags:
            continue
        for w in case.wrt if isinstance(case.wrt, tuple) else (case.wrt,):
            value = case.args[w] if isinstance(w, int) else None
            if isinstance(value, (list, tuple)) or is_named(value):
                continue
            yield pytest.param(case, w, id="{}-{}".format(case.name, w))


@pytest.mark.parametrize("case,w", list(_table()))
def test_table_patterns_contain_nonzeros(case, w):
    gradient = s2s.grad(case.fn, wrt=w)(*case.args)
    before = [np.copy(a) if isinstance(a, np.ndarray) else a for a in case.args]
    pattern = s2s.jacobian_sparsity(case.fn, *case.args, wrt=w).toarray().ravel()
    assert not (np.ravel(np.abs(gradient)) > 0)[~pattern].any()
    try:
        hessian = s2s.hessian(case.fn, wrt=w)(*case.args)
    except s2s.common.errors.NoRuleError as err:  # a helper without a second-order rule (svd, qr, norm 'nuc', ...)
        assert "s2s.runtime." in str(err)
        pytest.skip(str(err))
    hessian = np.reshape(hessian, (pattern.size, pattern.size))
    hpattern = s2s.hessian_sparsity(case.fn, *case.args, wrt=w).toarray()
    assert not (np.abs(hessian) > 1e-10)[~hpattern].any()
    for a, b in zip(before, case.args):
        if isinstance(a, np.ndarray):
            np.testing.assert_array_equal(a, b)  # detection does not write into the arguments


def log_if_positive(x):
    if x[0] > 0:
        y = np.log(x)
    else:
        y = x * 2.0
    return y


def test_detection_evaluates_the_branch_not_taken_without_numpy_warnings(recwarn):
    """The global pattern runs the branch x does not take, log of negative values: s2s's choice, not the user's."""
    pattern = s2s.jacobian_sparsity(log_if_positive, np.array([-0.5, 0.3, -0.7])).toarray()
    np.testing.assert_array_equal(pattern, np.eye(3, dtype=bool))
    assert [str(w.message) for w in recwarn] == []


def test_data_dependent_branch_is_united_unless_local(rng):
    x = rng.uniform(0.5, 1.5, size=5)
    glob = s2s.jacobian_sparsity(branchy, x).toarray()
    local = s2s.jacobian_sparsity(branchy, x, local=True).toarray()
    assert glob[:, 1].all() and glob[:, 2].all()  # both branches
    assert local[:, 1].all() and not local[3:, 2].any()  # x[0] > 0: only x[1]
    np.testing.assert_array_equal(local, _dense_jacobian(branchy, x) != 0)


def test_a_local_pattern_is_refused_where_another_branch_runs(rng):
    x = rng.uniform(0.5, 1.5, size=5)
    g = s2s.sparse_jacobian(branchy, local=True)
    np.testing.assert_allclose(g(x).toarray(), _dense_jacobian(branchy, x), rtol=1e-12)
    other = x.copy()
    other[0] = -1.0  # the other branch: the pattern of x no longer holds
    with pytest.raises(s2s.S2SError, match=r"local sparsity pattern .* branchy .* misses nonzeros"):
        g(other)
    np.testing.assert_allclose(s2s.sparse_jacobian(branchy)(other).toarray(), _dense_jacobian(branchy, other),
                               rtol=1e-12)  # the global pattern holds everywhere


def test_dense_fallback_lists_the_undeclared_primitives():
    fallback = _rules().fallback()
    # undeclared (dense pattern, conservative): keep this list honest when declaring more
    for expected in (np.einsum, np.tensordot, np.cumsum, np.sort, np.linalg.det, np.linalg.solve, np.trace, sum):
        assert any(p is expected for p in fallback)
    for declared in (np.reshape, np.sum, np.matmul, np.sin, operator.mul, np.concatenate, np.take, np.diff):
        assert not any(p is declared for p in fallback)


def test_dense_fallback_is_conservative(rng):
    x = rng.uniform(size=5)
    pattern = s2s.jacobian_sparsity(cumulative, x).toarray()
    assert pattern.all()


def cumulative(x):
    return np.cumsum(x)


# ----------------------------------------------------------- colorings
def test_tridiagonal_needs_three_colors():
    n = 50
    pattern = sp.diags([1, 1, 1], [-1, 0, 1], shape=(n, n), format="csr", dtype=int)
    colors = coloring.column_coloring(pattern)
    assert colors.max() + 1 == 3
    star = coloring.star_coloring(pattern)
    assert star.max() + 1 == 3


def test_colorings_are_checked():
    pattern = sp.diags([1, 1, 1], [-1, 0, 1], shape=(6, 6), format="csr", dtype=int)
    with pytest.raises(s2s.S2SError, match="structurally orthogonal"):
        coloring.check_columns(pattern, np.array([0, 0, 1, 2, 0, 1]))
    with pytest.raises(s2s.S2SError, match="star"):
        coloring.check_star(pattern, np.array([0, 1, 0, 1, 0, 1]))  # a path on 4 vertices in 2 colors


@pytest.mark.parametrize("seed", range(5))
def test_colorings_of_random_patterns_are_valid(seed):
    r = np.random.default_rng(seed)
    j = sp.random(40, 30, density=0.1, random_state=seed, format="csr")
    colors = coloring.column_coloring(j)
    coloring.check_columns(j, colors)
    assert colors.max() + 1 >= np.diff(j.indptr).max()  # a row's nonzeros need distinct colors
    h = sp.random(30, 30, density=0.08, random_state=int(r.integers(1000)), format="csr")
    h = h + h.T + sp.identity(30)
    coloring.check_star(h, coloring.star_coloring(h))


# ----------------------------------------------------------- evaluation
_MODES = [pytest.param(f, mode, id="{}-{}".format(f.__name__, mode))
          for f in EXACT + [branchy] for mode in ("forward", "reverse")]


@pytest.mark.parametrize("f,mode", _MODES)
def test_sparse_jacobian_equals_dense(f, mode, rng):
    x = rng.uniform(0.5, 1.5, size=12 if f is not with_matmul else 6)
    g = s2s.sparse_jacobian(f, wrt=0, mode=mode)
    dense = _dense_jacobian(f, x)
    for point in (x, x[::-1].copy()):  # prepared once, evaluated at a new point
        dense = _dense_jacobian(f, point)
        result = g(point)
        assert sp.issparse(result)
        np.testing.assert_allclose(result.toarray(), dense, rtol=1e-12, atol=1e-12 * abs(dense).max())
    colors = g.colors(x)
    pattern = s2s.jacobian_sparsity(f, x)
    if mode == "forward":
        assert len(colors) == x.size
        coloring.check_columns(pattern, colors)
    else:
        assert len(colors) == pattern.shape[0]
        coloring.check_columns(pattern.T.tocsr(), colors)


def test_sparse_jacobian_uses_few_colors(rng):
    x = rng.uniform(size=100)
    assert s2s.sparse_jacobian(banded).colors(x).max() + 1 <= 5


def test_sparse_hessian_equals_dense(rng):
    x = rng.uniform(0.5, 1.5, size=20)
    h = s2s.sparse_hessian(separable)
    result = h(x)
    dense = s2s.hessian(separable)(x)
    np.testing.assert_allclose(result.toarray(), dense, rtol=1e-12, atol=1e-12 * abs(dense).max())
    assert h.colors(x).max() + 1 == 3


def test_user_given_sparsity(rng):
    x = rng.uniform(size=12)
    pattern = s2s.jacobian_sparsity(banded, x)
    g = s2s.sparse_jacobian(banded, sparsity=pattern.toarray())
    np.testing.assert_allclose(g(x).toarray(), _dense_jacobian(banded, x), rtol=1e-12)


@pytest.mark.parametrize("mode", ["forward", "reverse", "hessian"])
def test_a_given_pattern_that_misses_nonzeros_is_an_error(mode, rng):
    """Checked once per shapes with one product along a random direction: never a silently wrong matrix."""
    x = rng.uniform(0.5, 1.5, size=12)
    f = separable if mode == "hessian" else banded
    full = (s2s.hessian_sparsity if mode == "hessian" else s2s.jacobian_sparsity)(f, x).toarray()
    make = (lambda **kw: s2s.sparse_hessian(f, **kw)) if mode == "hessian" else (
        lambda **kw: s2s.sparse_jacobian(f, mode=mode, **kw))
    np.testing.assert_allclose(make(sparsity=full)(x).toarray(),
                               (s2s.hessian(f) if mode == "hessian" else s2s.jacobian(f))(x), rtol=1e-12)
    diagonal = np.eye(12, dtype=bool)  # misses the off-diagonal nonzeros
    g = make(sparsity=diagonal)
    with pytest.raises(s2s.S2SError, match=r"sparsity= for the (jacobian|hessian) of \w+ misses nonzeros"):
        g(x)
    with pytest.raises(s2s.S2SError, match="misses nonzeros"):  # still refused on the next call
        g(x)


def test_wrong_shape_sparsity_is_an_error(rng):
    x = rng.uniform(size=12)
    g = s2s.sparse_jacobian(banded, sparsity=np.ones((5, 5), dtype=bool))
    with pytest.raises(s2s.S2SError, match=r"banded.*\(5, 5\).*\(12, 12\)"):
        g(x)
    h = s2s.sparse_hessian(separable, sparsity=sp.identity(3))
    with pytest.raises(s2s.S2SError, match="separable"):
        h(x)


def test_bad_mode_and_tuple_wrt_are_errors():
    with pytest.raises(s2s.S2SError, match="mode"):
        s2s.sparse_jacobian(banded, mode="sideways")
    with pytest.raises(s2s.S2SError, match="one wrt"):
        s2s.sparse_jacobian(banded, wrt=(0,))


def test_benchmark_smoke():
    from benchmarks import sparse as bench

    rows = bench.main(["--quick"])
    assert all(r["error"] == 0 or r["error"] < 1e-12 for r in rows)
    assert rows[0]["colors"] == 3
    assert rows[2]["colors"] == 5  # 2-D Laplacian


def untaken_branch_fails(x):
    if x[0] > 0:
        y = x * 2.0
    else:
        y = x * x[10]
    return y


def test_global_pattern_says_when_the_other_branch_fails(rng):
    x = rng.uniform(0.5, 1.5, size=4)
    with pytest.raises(s2s.S2SError, match=r"test_sparse.py:\d+.*`if .*local=True"):
        s2s.jacobian_sparsity(untaken_branch_fails, x)
    assert s2s.jacobian_sparsity(untaken_branch_fails, x, local=True).nnz == 4


def test_hessian_sparsity_needs_a_scalar(rng):
    with pytest.raises(s2s.S2SError, match="banded.*scalar"):
        s2s.hessian_sparsity(banded, rng.uniform(size=5))


def test_missing_scipy_is_a_clear_error(monkeypatch, rng):
    """In-process check; test_sparse_noscipy.py runs a process where SciPy cannot be imported."""
    from s2s.sparse import api
    from s2s.sparse.pattern import Pattern

    x = rng.uniform(size=12)
    expected = s2s.jacobian_sparsity(banded, x).toarray()
    monkeypatch.setattr(api, "_scipy_sparse", lambda: None)
    with pytest.raises(api.MissingSciPyError, match=r"sparse_functions.py:\d+: sparse_jacobian of banded.*"
                                                    r"pip install 's2s\[sparse\]'") as info:
        s2s.sparse_jacobian(banded)
    assert not isinstance(info.value, ImportError)
    pattern = s2s.jacobian_sparsity(banded, x)
    assert isinstance(pattern, Pattern)
    np.testing.assert_array_equal(pattern.toarray(), expected)


def while_newton(x):
    y = x * 1.0
    err = 1.0
    while err > 1e-10:
        y_new = 0.5 * (y + x / y)
        err = np.max(np.abs(y_new - y))
        y = y_new
    return y


def test_while_loop_with_active_condition_follows_the_input(rng):
    x = rng.uniform(1.0, 2.0, size=5)
    pattern = s2s.jacobian_sparsity(while_newton, x).toarray()
    np.testing.assert_array_equal(pattern, np.eye(5, dtype=bool))  # elementwise square root
    np.testing.assert_allclose(s2s.sparse_jacobian(while_newton)(x).toarray(), np.diag(0.5 / np.sqrt(x)),
                               rtol=1e-8)


# ----------------------------------------------------------- batched seeds
@pytest.mark.parametrize("f", EXACT + [branchy], ids=lambda f: f.__name__)
@pytest.mark.parametrize("batched", [True, False])
def test_seeds_batched_or_one_by_one_give_the_dense_jacobian(f, batched, rng):
    x = rng.uniform(0.5, 1.5, size=12 if f is not with_matmul else 6)
    g = s2s.sparse_jacobian(f, wrt=0)
    assert g.batched(x) is None  # decided by timing at the first evaluation
    g(x)
    assert g.batched(x) in (True, False)
    g.prepare(x)[0].batched = batched  # force the way the seeds run
    point = x[::-1].copy()
    dense = _dense_jacobian(f, point)
    np.testing.assert_allclose(g(point).toarray(), dense, rtol=1e-12, atol=1e-12 * abs(dense).max())


@pytest.mark.parametrize("batched", [True, False])
def test_hessian_seeds_batched_or_one_by_one(batched, rng):
    x = rng.uniform(0.5, 1.5, size=20)
    h = s2s.sparse_hessian(separable)
    h(x)
    h.prepare(x)[0].batched = batched
    point = x[::-1].copy()
    dense = s2s.hessian(separable)(point)
    np.testing.assert_allclose(h(point).toarray(), dense, rtol=1e-12, atol=1e-12 * abs(dense).max())


@pytest.mark.parametrize("f", EXACT + [branchy], ids=lambda f: f.__name__)
@pytest.mark.parametrize("batched", [True, False])
def test_reverse_mode_seeds_batched_or_one_by_one(f, batched, rng):
    x = rng.uniform(0.5, 1.5, size=12 if f is not with_matmul else 6)
    g = s2s.sparse_jacobian(f, wrt=0, mode="reverse")
    g(x)
    assert g.batched(x) in (True, False)
    g.prepare(x)[0].batched = batched
    point = x[::-1].copy()
    dense = _dense_jacobian(f, point)
    np.testing.assert_allclose(g(point).toarray(), dense, rtol=1e-12, atol=1e-12 * abs(dense).max())


def _five_point(m):
    """The pattern of the 5-point Laplacian on an m x m grid (built without detection)."""
    grid = np.arange(m * m).reshape(m, m)
    rows, cols = [grid.ravel()], [grid.ravel()]
    for a, b in ((grid[1:, :], grid[:-1, :]), (grid[:, 1:], grid[:, :-1])):
        rows += [a.ravel(), b.ravel()]
        cols += [b.ravel(), a.ravel()]
    rows, cols = np.concatenate(rows), np.concatenate(cols)
    return sp.csr_matrix((np.ones(len(rows), dtype=bool), (rows, cols)), shape=(m * m, m * m))


@pytest.mark.parametrize("m", [10, 31])
def test_five_point_laplacian_gets_the_optimal_five_colors(m):
    pattern = _five_point(m)
    colors = coloring.column_coloring(pattern)
    coloring.check_columns(pattern, colors)
    assert colors.max() + 1 == 5  # a row holds five columns: five is the least possible


def test_column_coloring_keeps_the_fewer_colors():
    """DSatur and largest-first each win on some patterns; the result is never worse than either."""
    from s2s.sparse.pattern import Pattern

    wins = set()
    for seed in range(20):
        j = Pattern.from_any(sp.random(60, 45, density=0.06, random_state=seed, format="csr"))
        graph = (j.T @ j).without_diagonal()
        indptr, indices = graph.indptr.tolist(), graph.indices.tolist()
        order = coloring._largest_first(graph)
        greedy = coloring._greedy(graph.shape[0], order,
                                  lambda v, colors: {colors[w] for w in indices[indptr[v]:indptr[v + 1]]})
        dsatur = coloring._saturation(indptr, indices, order)
        for c in (greedy, dsatur):
            coloring.check_columns(j, c)
        assert coloring.column_coloring(j).max() == min(greedy.max(), dsatur.max())
        wins.add(np.sign(greedy.max() - dsatur.max()))
    assert wins == {-1, 0, 1}


@pytest.mark.parametrize("rows,density,ncolors", [(40, 0.2, 3), (600, 0.002, 400)])  # a table / sorted keys
def test_color_counts_both_ways(rows, density, ncolors):
    from s2s.sparse.pattern import Pattern

    p = Pattern.from_any(sp.random(rows, 500, density=density, random_state=1, format="csr"))
    colors = np.random.default_rng(0).integers(0, ncolors, size=500)
    keys, counts, k, count = coloring._color_counts(p, colors)
    dense = np.zeros((rows, k), dtype=int)
    np.add.at(dense, (p.row, colors[p.col]), 1)
    np.testing.assert_array_equal(keys, np.flatnonzero(dense.ravel()))
    np.testing.assert_array_equal(counts, dense.ravel()[keys])
    r, c = np.divmod(np.arange(rows * k), k)
    np.testing.assert_array_equal(count(r, c), dense.ravel())


def test_many_colors_go_through_batched_calls_in_chunks(rng, monkeypatch):
    from s2s.sparse import api as sparse_api

    monkeypatch.setattr(sparse_api, "_SEEDS_PER_CALL", 2)
    x = rng.uniform(0.5, 1.5, size=12)
    for mode in ("forward", "reverse"):
        g = s2s.sparse_jacobian(banded, mode=mode)
        g(x)
        g.prepare(x)[0].batched = True
        assert g.colors(x).max() + 1 > 2  # more colors than one call takes
        dense = _dense_jacobian(banded, x)
        np.testing.assert_allclose(g(x).toarray(), dense, rtol=1e-12, atol=1e-12 * abs(dense).max())

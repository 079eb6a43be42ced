"""Arrays of other libraries where NumPy's answers depend on memory, constants and dtypes.

- item writes whose value is a view of the written array (s2s/runtime/foreign.py): array-api-strict
  gets NumPy's own check on views of the same memory, PyTorch refuses any overlap, Dask has none;
- NumPy arrays and scalars the function reads (globals, closures, np.float64 arguments) become the
  library's arrays, sharing the NumPy array's memory;
- NumPy's promotions the standard refuses (booleans summed or multiplied) and NumPy's signatures
  the standard spells otherwise (squeeze, split, tril, triu).
Each result is compared with the NumPy arguments' result.
"""
import numpy as np
import pytest

import s2s

xs = pytest.importorskip("array_api_strict", reason="array-api-strict is not installed (pip install 's2s[test]')")
pytest.importorskip("array_api_compat", reason="array-api-compat is not installed (pip install 's2s[arrays]')")

try:
    import torch
except ImportError:  # pragma: no cover - torch is not in the test extra
    torch = None

LIBRARIES = [pytest.param(xs.asarray, id="strict"),
             pytest.param(lambda x: torch.from_numpy(np.array(x)), id="torch",
                          marks=pytest.mark.skipif(torch is None, reason="PyTorch is not installed"))]


def numpy_of(x):
    return x.numpy() if torch is not None and isinstance(x, torch.Tensor) else np.asarray(x)


def forward_copy(x):
    """y[0] = y[2] reads a view apart from what it writes; y[0:2] = y[1:3] overlaps, and NumPy copies
    forward, reading the old values."""
    y = x * 1.5
    y[0] = y[2]
    y[0:2] = y[1:3]
    return np.sum(np.sin(y))


def overlapping_column(x):
    """Overlapping: NumPy copies element by element, overwriting what it still has to read."""
    y = np.outer(x, x)
    y[:, 2] = y[1]
    return np.sum(y)


def test_a_write_from_an_overlapping_view_runs_as_numpy_on_strict_and_is_refused_by_torch():
    x = np.array([0.3, -0.5, 0.8, 1.1])
    want = s2s.grad(forward_copy)(x)
    np.testing.assert_allclose(numpy_of(s2s.grad(forward_copy)(xs.asarray(x))), want, rtol=1e-12)
    with pytest.raises(s2s.S2SError, match="the value is a view of the array this line writes into") as numpy_err:
        s2s.grad(overlapping_column)(x)
    with pytest.raises(s2s.S2SError) as strict_err:
        s2s.grad(overlapping_column)(xs.asarray(x))
    assert str(strict_err.value) == str(numpy_err.value)
    if torch is not None:
        with pytest.raises(s2s.ArrayLibraryError, match=r"test_arrays_memory.py:\d+ `y\[0:2\] = y\[1:3\]`: the value "
                                                        r"is a view .* torch then copies in an order of its own"):
            s2s.grad(forward_copy)(torch.from_numpy(x.copy()))


def test_a_dask_write_reads_the_old_values():
    da = pytest.importorskip("dask.array", reason="dask is not installed (pip install 's2s[test]')")
    x = np.array([0.3, -0.5, 0.8, 1.1])
    got = s2s.grad(forward_copy)(da.from_array(x, chunks=2))
    np.testing.assert_allclose(got.compute(scheduler="sync"), s2s.grad(forward_copy)(x), rtol=1e-12)


W = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]])


def reads_a_global(x):
    return np.sum(np.tanh(W @ x))


def scaled(s, x):
    return np.sum(s * x ** 2)


@pytest.mark.parametrize("to", LIBRARIES)
def test_numpy_constants_and_scalars_become_the_librarys_arrays(to):
    x = np.array([0.2, -0.7, 1.3])
    np.testing.assert_allclose(numpy_of(s2s.grad(reads_a_global)(to(x))), s2s.grad(reads_a_global)(x), rtol=1e-12)
    old = W.copy()
    try:
        W[0, 0] = 3.0  # an in-place change of the global shows, as it does to NumPy
        np.testing.assert_allclose(numpy_of(s2s.grad(reads_a_global)(to(x))), s2s.grad(reads_a_global)(x),
                                   rtol=1e-12)
    finally:
        W[...] = old
    s = np.float64(1.3)
    got = s2s.grad(scaled, wrt=(0, 1))(s, to(x))
    for g, w in zip(got, s2s.grad(scaled, wrt=(0, 1))(s, x)):
        np.testing.assert_allclose(numpy_of(g), w, rtol=1e-12)


def counts_and_masks(x):
    return np.sum(np.maximum(x, 0.1) ** 2) + np.sum(np.squeeze(np.expand_dims(x, 0)) ** 3) + np.max(x)


def pieces(M):
    a, b = np.split(M, [1], axis=1)
    c, d = np.split(M, 2)
    return np.sum(a * M[:, 1:2]) + np.sum(b ** 2) + np.sum(np.tril(c, -1) * d) + np.sum(np.triu(M, 1))


@pytest.mark.parametrize("to", LIBRARIES)
@pytest.mark.parametrize("fn, arg", [(counts_and_masks, np.array([0.4, -0.3, 1.2, 0.05])),
                                     (pieces, np.array([[0.4, -0.3, 1.2], [0.7, 0.1, -0.9]]))],
                         ids=["counts_and_masks", "pieces"])
def test_numpys_promotions_and_signatures_on_the_standard(to, fn, arg):
    for transform, extra in [(s2s.grad, ()), (s2s.jvp, (np.ones_like(arg),))]:
        want = transform(fn)(arg, *extra)
        got = transform(fn)(to(arg), *[to(e) for e in extra])
        for g, w in zip(got if isinstance(want, tuple) else (got,), want if isinstance(want, tuple) else (want,)):
            np.testing.assert_allclose(numpy_of(g), w, rtol=1e-12)

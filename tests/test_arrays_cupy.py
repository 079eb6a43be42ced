"""CuPy arrays through s2s: the gradient of CuPy arrays stays on the GPU as CuPy arrays.

The shared table (tests/arrays_table.py) with every floating array a CuPy array,
in grad, vjp and jvp. These tests need CuPy and a GPU: elsewhere they are
skipped with that reason; ``python benchmarks/gpu_check.py`` runs them (and the
PyTorch tests on CUDA) on a GPU machine.
"""
import numpy as np
import pytest

import s2s

try:
    from . import arrays_table as table
except ImportError:
    import arrays_table as table

cp = pytest.importorskip("cupy", reason="CuPy is not installed (it needs a GPU): python benchmarks/gpu_check.py "
                                        "runs these tests on a GPU machine")
pytest.importorskip("array_api_compat", reason="array-api-compat is not installed (pip install 's2s[arrays]')")
try:
    _GPUS = cp.cuda.runtime.getDeviceCount()
except Exception:  # pragma: no cover - CuPy without a driver
    _GPUS = 0
if not _GPUS:  # pragma: no cover
    pytest.skip("no GPU: python benchmarks/gpu_check.py runs these tests on a GPU machine", allow_module_level=True)


def _is_array(x):
    return isinstance(x, cp.ndarray)


@pytest.mark.parametrize("mode", ["grad", "vjp", "jvp"])
@pytest.mark.parametrize("case", table.SUPPORTED, ids=lambda c: c.name)
def test_table(case, mode):
    table.run_mode(case, mode, "cupy", cp.asarray, _is_array, cp.asnumpy)


def logreg(w, X, y):
    z = X @ w
    return np.sum(np.logaddexp(0.0, z) - y * z) / X.shape[0]


def test_gradient_stays_on_the_gpu(rng):
    X, y, w = rng.standard_normal((500, 8)), (rng.uniform(size=500) < 0.5) * 1.0, rng.standard_normal(8)
    g = s2s.grad(logreg)(cp.asarray(w), cp.asarray(X), cp.asarray(y))
    assert isinstance(g, cp.ndarray) and g.device.id == cp.cuda.Device().id
    np.testing.assert_allclose(cp.asnumpy(g), s2s.grad(logreg)(w, X, y), rtol=1e-10)

"""PyTorch CPU tensors through s2s: tensors in, tensors out, without PyTorch's autograd.

The shared table (tests/arrays_table.py) with every floating array a CPU tensor,
in grad, vjp and jvp; the cases PyTorch cannot run are asserted refusals
(tests/arrays_expected.py), each an ``ArrayLibraryError``. torch is not part of the test extra (it is large): without it these
tests are skipped, with that reason. ``S2S_TORCH_DEVICE=cuda`` runs them on the GPU
(benchmarks/gpu_check.py does; skipped with that reason where CUDA is not).
"""
import os

import numpy as np
import pytest

import s2s

try:
    from . import arrays_table as table
except ImportError:
    import arrays_table as table

torch = pytest.importorskip("torch", reason="PyTorch is not installed (it is not in the test extra: "
                                            "pip install torch to run these tests)")
pytest.importorskip("array_api_compat", reason="array-api-compat is not installed (pip install 's2s[arrays]')")


DEVICE = os.environ.get("S2S_TORCH_DEVICE", "cpu")
if DEVICE.startswith("cuda") and not torch.cuda.is_available():
    pytest.skip("S2S_TORCH_DEVICE={} and no CUDA device: python benchmarks/gpu_check.py runs these tests on a "
                "GPU machine".format(DEVICE), allow_module_level=True)
# tests/arrays_expected.py lists the refusals measured on CPU tensors; on another device (not measured
# here) a refusal is an xfail with its message, as CuPy's are
LIBRARY = "torch" if DEVICE == "cpu" else "torch-" + DEVICE


def _to(x):
    return torch.from_numpy(np.array(x)).to(DEVICE)


def _is_array(x):
    return isinstance(x, torch.Tensor)


def _to_numpy(x):
    return x.detach().cpu().numpy()


@pytest.mark.parametrize("mode", ["grad", "vjp", "jvp"])
@pytest.mark.parametrize("case", table.SUPPORTED, ids=lambda c: c.name)
def test_table(case, mode):
    table.run_mode(case, mode, LIBRARY, _to, _is_array, _to_numpy)


def logreg(w, X, y):
    z = X @ w
    return np.sum(np.logaddexp(0.0, z) - y * z) / X.shape[0]


def test_tensors_in_tensors_out_without_autograd(rng):
    X, y, w = rng.standard_normal((50, 4)), (rng.uniform(size=50) < 0.5) * 1.0, rng.standard_normal(4)
    wt, Xt, yt = _to(w), _to(X), _to(y)
    g = s2s.grad(logreg)(wt, Xt, yt)
    assert isinstance(g, torch.Tensor) and g.dtype == torch.float64 and not g.requires_grad
    assert g.grad_fn is None and g.device == wt.device
    np.testing.assert_allclose(_to_numpy(g), s2s.grad(logreg)(w, X, y), rtol=1e-12)
    g32 = s2s.grad(logreg)(wt.float(), Xt.float(), yt.float())
    assert g32.dtype == torch.float32


def test_hvp_runs_on_tensors_and_the_numpy_assemblers_refuse_them(rng):
    X, w, v = rng.standard_normal((20, 3)), rng.standard_normal(3), rng.standard_normal(3)
    got = s2s.hvp(logreg)(_to(w), _to(X), _to(np.ones(20)), _to(v))
    assert isinstance(got, torch.Tensor)
    np.testing.assert_allclose(_to_numpy(got), s2s.hvp(logreg)(w, X, np.ones(20), v), rtol=1e-10)
    for what, call in [("s2s.hessian", lambda: s2s.hessian(logreg)(_to(w), _to(X), _to(np.ones(20)))),
                       ("s2s.jacobian", lambda: s2s.jacobian(logreg)(_to(w), _to(X), _to(np.ones(20)))),
                       ("s2s.check_grad", lambda: s2s.check_grad(logreg, _to(w), _to(X), _to(np.ones(20))))]:
        with pytest.raises(s2s.ArrayLibraryError, match=what + " takes NumPy arrays, and got torch arrays"):
            call()

"""NumPy's loops for tanh, exp, ... in compiled derivatives (s2s/backend/numba_ufuncs.py).

The stand-ins must give NumPy's numbers bit for bit on arrays at or above
their threshold and stay within a few ulp of them below it (Numba's own libm
path, unchanged: 1 ulp in float64, up to 4 in float32), for every float type, layout and number of axes; other types go to
Numba's own ufunc. ``accelerate`` swaps only ufuncs that the source calls
with one positional argument, and never the user's module. A compiled
gradient through them matches the uncompiled one and central differences.
"""
import numpy as np
import pytest

import s2s

numba = pytest.importorskip("numba", reason="numba is not installed (pip install 's2s[numba]')")
from s2s.backend import numba_ufuncs as U  # noqa: E402

NAMES = sorted(U.THRESHOLDS)


def _inputs(name, n, dtype, rng):
    low, high = {"log": (0.05, 5.0), "log1p": (-0.9, 5.0)}.get(name, (-3.0, 3.0))
    return rng.uniform(low, high, n).astype(dtype)


def _call(name):
    stand_in = U.STAND_INS[name]
    return numba.njit(lambda x: stand_in(x))


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_stand_in_is_numpy(name, dtype):
    rng = np.random.default_rng(0)
    f = _call(name)
    ufunc = getattr(np, name)
    big = U.THRESHOLDS[name]
    for shape in [(big,), (big + 7,), (3, big), (big, 2)]:
        x = _inputs(name, int(np.prod(shape)), dtype, rng).reshape(shape)
        for arg in (x, x.T, x[..., ::2] if x.shape[-1] >= 2 * big else x):
            y = f(arg)
            assert y.dtype == ufunc(arg).dtype and y.shape == arg.shape
            np.testing.assert_array_equal(y, ufunc(arg))
    small = _inputs(name, big - 1, dtype, rng)
    ulp = np.spacing(np.abs(ufunc(small)).astype(dtype))
    assert np.all(np.abs(f(small) - ufunc(small)) <= 4 * ulp)  # Numba's libm path, as before this module


@pytest.mark.parametrize("name", NAMES)
def test_other_types_use_numbas_own(name):
    f = _call(name)
    ufunc = getattr(np, name)
    assert abs(f(0.5) - ufunc(0.5)) <= np.spacing(abs(ufunc(0.5)))
    ints = np.arange(1, 20)
    np.testing.assert_allclose(f(ints), ufunc(ints), rtol=1e-15)


def test_accelerate_only_single_argument_calls():
    source = ("def g(x, y):\n    a = np.tanh(x)\n    b = np.exp(x, out=y)\n    c = np.log1p(x)\n"
              "    d = np.arctan\n    return a + b + c + numpy.sinh(x)\n")
    space = U.accelerate({"np": np, "numpy": np, "other": 1}, source)
    for key in ("np", "numpy"):
        assert space[key] is not np
        assert space[key].tanh is U.STAND_INS["tanh"] and space[key].log1p is U.STAND_INS["log1p"]
        assert space[key].exp is np.exp and space[key].arctan is np.arctan
        assert space[key].sinh is U.STAND_INS["sinh"] and space[key].zeros is np.zeros
    assert np.tanh is not U.STAND_INS["tanh"] and space["other"] == 1
    plain = {"np": np}
    assert U.accelerate(plain, "def g(x):\n    return np.sin(x)\n") is plain


def net(W, b, X):
    h = np.tanh(X @ W + b)
    return np.sum(np.exp(-h * h)) + np.sum(np.log1p(h * h))


def test_compiled_gradient_through_stand_ins():
    rng = np.random.default_rng(1)
    W, b, X = rng.standard_normal((8, 64)) * 0.3, rng.standard_normal(64), rng.standard_normal((16, 8))
    compiled = s2s.grad(net, wrt=(0, 1), compile="numba")(W, b, X)
    plain = s2s.grad(net, wrt=(0, 1))(W, b, X)
    for c, p in zip(compiled, plain):
        np.testing.assert_allclose(c, p, rtol=1e-12, atol=1e-13)
    h = 1e-6
    for k in [(0, 0), (3, 17), (7, 63)]:
        e = np.zeros_like(W)
        e[k] = h
        assert abs((net(W + e, b, X) - net(W - e, b, X)) / (2 * h) - compiled[0][k]) < 1e-6

"""Sums of matrix products as one BLAS call in compiled derivatives (s2s/backend/numba_products.py,
s2s/backend/numba_gemm.py).

The rewrite is checked snippet in, source out (which sums become ``add_product``
and which must not: an accumulator that a parameter, another name, a stack or a
closure could share); the compiled ``add_product`` against ``total + a @ b`` for
every operand layout and the cases it hands back to NumPy's arithmetic; and
compiled gradients that use it (loops adding transposed products into weights,
float32, broadcasting sums, vectors) against the uncompiled ones and central
differences, with their inputs left as they were.
"""
import ast
import warnings

import numpy as np
import pytest

import s2s
from s2s.backend import emit, numba_products
from s2s.common import astutil as A


def _rewritten(source):
    fn = A.parse(source).body[0]
    before = ast.unparse(emit.to_ast(fn))
    new, changed = numba_products.rewrite(fn)
    assert ast.unparse(emit.to_ast(fn)) == before  # the given function is not changed
    return ast.unparse(emit.to_ast(new)), changed


ACCUMULATES = """
def g(W, h, g):
    W_bar = zeros_like(W)
    for t in range(3):
        W_bar = W_bar + h.T @ g
    return finalize(W_bar, W)
"""


def test_an_accumulator_adds_its_products_in_place():
    text, changed = _rewritten(ACCUMULATES)
    assert changed
    assert "W_bar = add_product(W_bar, h.T, g)" in text


def test_a_sum_of_two_products_writes_into_the_first():
    text, changed = _rewritten("def f(x, W, h, U, b):\n    return np.tanh(x @ W + h @ U + b)\n")
    assert changed
    assert "np.tanh(add_product(x @ W, h, U) + b)" in text


@pytest.mark.parametrize("source", [
    "def g(W_bar, h, g):\n    for t in range(3):\n        W_bar = W_bar + h.T @ g\n    return W_bar\n",  # a parameter
    ACCUMULATES.replace("    return", "    V = W_bar\n    return"),  # another name holds it
    ACCUMULATES.replace("        W_bar = W_bar", "        s.append(W_bar)\n        W_bar = W_bar"),  # a stack
    ACCUMULATES.replace("h.T @ g", "W_bar.T @ g"),  # the product reads it
    ACCUMULATES.replace("    return", "    k = lambda: W_bar\n    return"),  # a closure
    ACCUMULATES.replace("W_bar = zeros_like(W)", "W_bar = W"),  # not a new value
    ACCUMULATES.replace("W_bar = W_bar + h.T @ g", "W_bar = W_bar + h.T @ g\n        W_bar = g"),
], ids=["parameter", "alias", "stack", "reads-itself", "closure", "not-fresh", "other-store"])
def test_an_accumulator_that_could_share_its_array_is_left_alone(source):
    text, changed = _rewritten(source)
    assert not changed and "add_product" not in text


def test_a_function_using_the_name_is_left_alone():
    text, changed = _rewritten("def f(a, b, c, d):\n    return add_product(a @ b + c @ d)\n")
    assert not changed


def test_the_plain_helper_is_the_sum():
    rng = np.random.default_rng(0)
    total, a, b = rng.normal(size=(3, 4)), rng.normal(size=(3, 5)), rng.normal(size=(5, 4))
    keep = total.copy()
    np.testing.assert_array_equal(numba_products.add_product(total, a, b), keep + a @ b)
    np.testing.assert_array_equal(total, keep)


# --------------------------------------------------------------------------- compiled
def _numba():
    return pytest.importorskip("numba", reason="numba is not installed (pip install 's2s[numba]')")


@pytest.fixture(scope="module")
def compiled_add():
    numba = _numba()
    from s2s.backend import numba_gemm  # noqa: F401 (registers the overload)

    return numba.njit(lambda total, a, b: numba_products.add_product(total, a, b))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("a_order", ["C", "F"])
@pytest.mark.parametrize("b_order", ["C", "F"])
@pytest.mark.parametrize("shape", [(3, 4, 5), (16, 64, 64), (1, 7, 1), (5, 1, 3)])
def test_compiled_add_product_writes_the_sum_into_total(compiled_add, dtype, a_order, b_order, shape):
    m, k, n = shape
    rng = np.random.default_rng(1)
    a = np.asarray(rng.normal(size=(m, k)), dtype=dtype, order=a_order)
    b = np.asarray(rng.normal(size=(k, n)), dtype=dtype, order=b_order)
    total = rng.normal(size=(m, n)).astype(dtype)
    expected = total + a @ b
    got = compiled_add(total, a, b)
    assert got is total and got.dtype == dtype
    np.testing.assert_allclose(got, expected, rtol=1e-5 if dtype == np.float32 else 1e-12, atol=1e-5)


@pytest.mark.parametrize("total, a, b", [
    (np.ones((1, 4)), np.ones((3, 2)), np.ones((2, 4))),  # the sum broadcasts total
    (np.ones((3, 4)), np.ones((3, 0)), np.ones((0, 4))),  # nothing to multiply
    (np.ones(3), np.ones((3, 2)), np.ones(2)),  # a vector
    (np.ones((3, 4)), np.ones((3, 4, 2))[:, 0, :], np.ones((2, 4))),  # not contiguous
    (np.ones((3, 4), complex), np.ones((3, 2), complex), np.ones((2, 4), complex)),
], ids=["broadcast", "empty", "vector", "strided", "complex"])
def test_compiled_add_product_otherwise_is_the_sum(compiled_add, total, a, b):
    keep = total.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", _numba().core.errors.NumbaPerformanceWarning)  # the strided one, as before
        got = compiled_add(total, a, b)
    np.testing.assert_allclose(got, keep + a @ b, rtol=1e-6)
    np.testing.assert_array_equal(total, keep)


def rnn_like(Wx, Wh, b, xs):
    h = np.zeros((xs.shape[1], Wh.shape[0]))
    for t in range(xs.shape[0]):
        h = np.tanh(xs[t] @ Wx + h @ Wh + b)
    return np.sum(h * h)


def two_products(W, U, x, y):
    return np.sum(np.sin(x @ W + y @ U))


def broadcast_sum(W, U, x, y):
    return np.sum((x[:1] @ W + y @ U) ** 2)  # (1, n) + (m, n)


def accumulate_in_loop(W, xs):
    total = 0.0
    for t in range(xs.shape[0]):
        total = total + np.sum(np.tanh(xs[t] @ W))
    return total


def vector_products(W, U, v):
    return np.sum(np.tanh(W @ v + U @ v))


def _args(rng, fn):
    if fn is rnn_like:
        return (rng.normal(size=(3, 5)) * 0.3, rng.normal(size=(5, 5)) * 0.3, rng.normal(size=5) * 0.1,
                rng.normal(size=(4, 2, 3)))
    if fn is accumulate_in_loop:
        return rng.normal(size=(3, 4)) * 0.5, rng.normal(size=(5, 2, 3))
    if fn is vector_products:
        return rng.normal(size=(4, 3)), rng.normal(size=(4, 3)), rng.normal(size=3)
    return rng.normal(size=(3, 4)), rng.normal(size=(5, 4)) if fn is two_products else rng.normal(size=(2, 4)), \
        rng.normal(size=(2, 3)), rng.normal(size=(2, 5 if fn is two_products else 2))


# float32: only where every value stays float32 (Numba refuses products of float32 by float64, with or
# without add_product: the zeros of rnn_like's h, the float64 seed of the others)
@pytest.mark.parametrize("fn, dtype", [(f, np.float64) for f in (rnn_like, two_products, broadcast_sum,
                                                                 accumulate_in_loop, vector_products)]
                         + [(two_products, np.float32), (vector_products, np.float32)],
                         ids=lambda v: getattr(v, "__name__", None))
def test_compiled_gradients_with_products_match_uncompiled_ones(fn, dtype):
    _numba()
    args = tuple(a.astype(dtype) for a in _args(np.random.default_rng(2), fn))
    before = [a.copy() for a in args]
    wrt = tuple(range(len(args) - 1))
    compiled = s2s.grad(fn, wrt=wrt, compile="numba")
    got = compiled(*args)
    expected = s2s.grad(fn, wrt=wrt)(*args)
    for g, e in zip(got, expected):
        assert g.dtype == e.dtype and g.shape == e.shape
        single = dtype == np.float32
        np.testing.assert_allclose(g, e, rtol=1e-4 if single else 1e-10, atol=1e-5 if single else 1e-12)
    for a, b in zip(args, before):
        np.testing.assert_array_equal(a, b)  # no input mutated
    assert not compiled._last.function.fallen_back
    if dtype == np.float64:
        s2s.check_grad(fn, *args, wrt=wrt)


def test_the_compiled_rnn_source_adds_products_in_place():
    _numba()
    args = _args(np.random.default_rng(3), rnn_like)
    g = s2s.grad(rnn_like, wrt=(0, 1, 2), compile="numba")
    g(*args)
    text = s2s.source(g)
    assert "add_product(t" in text and "Wx_bar = add_product(Wx_bar, " in text
    plain = s2s.grad(rnn_like, wrt=(0, 1, 2))
    plain(*args)
    assert "add_product" not in s2s.source(plain)


@pytest.mark.parametrize("name", ["rnn_like", "two_products"])
def test_standalone_compiled_files_do_without_add_product(tmp_path, name):
    # s2s grad --compile numba -o writes the unspecialized derivative, whose products are statements of
    # their own and whose adjoints go through matmul_grad helpers: no sum of products for add_product,
    # which a standalone file could not carry (it is not a runtime helper)
    _numba()
    import importlib.util
    import io
    import os

    from s2s.api import cli

    out = tmp_path / "{}_grad.py".format(name)
    assert cli.main(["grad", "{}:{}".format(os.path.abspath(__file__), name), "--compile", "numba", "-o", str(out)],
                    stdout=io.StringIO(), stderr=io.StringIO()) == 0
    text = out.read_text()
    assert "add_product" not in text
    spec = importlib.util.spec_from_file_location("{}_standalone_products".format(name), str(out))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    fn = globals()[name]
    args = _args(np.random.default_rng(4), fn)
    np.testing.assert_allclose(getattr(module, "grad_" + name)(*args), s2s.grad(fn)(*args), rtol=1e-12)

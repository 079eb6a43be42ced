"""``compile="numba"``: generated derivatives compiled with Numba in nopython mode.

Every compiled derivative is checked against the uncompiled one (same
numbers to rounding) and against central differences; what Numba cannot
compile must raise a ``NumbaCompileError`` naming the user's line, or run
uncompiled with an ``S2SWarning`` under ``compile="numba-or-python"``. Numba
compiles each function in a fraction of a second to a few seconds, so the
suite compiles a handful (tests/numba_cases.py) and the shared table's scalar
cases (fast to compile); ``S2S_NUMBA_TABLE=1`` also runs the rest of the
shared table, about 300 cases, each compiled or refused (a few minutes).
"""
import os
import re
import warnings

import numpy as np
import pytest

import s2s
import functions as F
import numba_cases as C
from s2s.backend import numba_compile

numba = pytest.importorskip("numba", reason="numba is not installed (pip install 's2s[numba]')")

NumbaCompileError = numba_compile.NumbaCompileError
RTOL = 1e-10


def _leaves(x):
    if isinstance(x, (tuple, list)):
        return [leaf for item in x for leaf in _leaves(item)]
    return [x]


def _same(a, b, rtol=RTOL, atol=1e-12):
    a, b = _leaves(a), _leaves(b)
    assert len(a) == len(b)
    for x, y in zip(a, b):
        assert type(x) is type(y) or (isinstance(x, float) and isinstance(y, float))
        assert np.shape(x) == np.shape(y)
        np.testing.assert_allclose(x, y, rtol=rtol, atol=atol)


def _central(case, h=1e-6):
    """Central differences of ``case.fn`` with respect to each ``wrt`` argument."""
    wrt = case.wrt if isinstance(case.wrt, tuple) else (case.wrt,)
    out = []
    for i in wrt:
        value = case.args[i]
        flat = np.array(value, dtype=float).ravel()
        grad = np.zeros_like(flat)
        for k in range(flat.size):
            parts = []
            for step in (h, -h):
                moved = flat.copy()
                moved[k] += step
                args = list(case.args)
                args[i] = float(moved[0]) if np.ndim(value) == 0 else moved.reshape(np.shape(value))
                parts.append(case.fn(*args))
            grad[k] = (parts[0] - parts[1]) / (2 * h)
        out.append(float(grad[0]) if np.ndim(value) == 0 else grad.reshape(np.shape(value)))
    return tuple(out) if isinstance(case.wrt, tuple) else out[0]


def _copies(args):
    return [a.copy() if isinstance(a, np.ndarray) else a for a in args]


@pytest.mark.parametrize("case", C.CASES, ids=lambda c: c.name)
def test_compiled_gradient_matches_the_uncompiled_one_and_central_differences(case):
    before = _copies(case.args)
    compiled = s2s.grad(case.fn, wrt=case.wrt, compile="numba")
    got = compiled(*case.args)
    _same(got, s2s.grad(case.fn, wrt=case.wrt)(*case.args))
    _same(got, _central(case), rtol=1e-6, atol=1e-8)
    for a, b in zip(case.args, before):
        np.testing.assert_array_equal(a, b)  # no input mutated
    assert isinstance(compiled._last.function, numba_compile.Compiled)
    assert not compiled._last.function.fallen_back


def test_every_transform_compiles():
    case = C.CASES[3]  # the MLP: arrays, matmul, a reduction
    args = case.args
    value, grads = s2s.value_and_grad(case.fn, wrt=(0, 2), compile="numba")(*args)
    ref_value, ref_grads = s2s.value_and_grad(case.fn, wrt=(0, 2))(*args)
    assert value == pytest.approx(ref_value, rel=1e-12)
    _same(grads, ref_grads)
    tangents = (np.ones_like(args[0]), np.full_like(args[2], 0.5))
    _same(s2s.jvp(case.fn, wrt=(0, 2), compile="numba")(*args, *tangents), s2s.jvp(case.fn, wrt=(0, 2))(*args,
                                                                                                      *tangents))
    _same(s2s.vjp(C.rnn, wrt=1, compile="numba")(*C.CASES[2].args, 2.0), s2s.vjp(C.rnn, wrt=1)(*C.CASES[2].args, 2.0))
    _same(s2s.hessian(C.lorenz, wrt=(0, 2), compile="numba")(*C.CASES[1].args),
          s2s.hessian(C.lorenz, wrt=(0, 2))(*C.CASES[1].args))


def test_the_source_is_the_one_that_runs_compiled():
    g = s2s.grad(C.recurrence, compile="numba")
    g(0.5)
    text = s2s.source(g)
    assert "math.tanh(x)" in text
    # adjoint loops run on indices (Numba has no reversed); the rest is the uncompiled text
    assert "for i1 in range(len(t1_x_stack) - 1, -1, -1):" in text
    assert "t1, x = t1_x_stack[i1]" in text
    plain = s2s.grad(C.recurrence)
    plain(0.5)
    assert "for t1, x in reversed(t1_x_stack):" in s2s.source(plain)
    assert text.splitlines()[:11] == s2s.source(plain).splitlines()[:11]
    # a loop-accumulated adjoint starts as zeros of its primal's shape (Numba types each variable once)
    rnn = s2s.grad(C.rnn, wrt=(0, 1, 2), compile="numba")
    rnn(*C.CASES[2].args)
    assert "Wh_bar = zeros_like(Wh)" in s2s.source(rnn)
    assert "for t in range(t7 - 1, -1, -1):" in s2s.source(rnn)
    assert "Wh_bar = 0.0" in s2s.source(s2s.grad(C.rnn, wrt=(0, 1, 2)))


def keepdims_max(x):
    m = np.max(x, axis=1, keepdims=True)
    return np.sum(np.exp(x - m))


def test_reductions_numba_lacks_compile_with_numpys_numbers():
    x = np.array([[0.3, -0.2, 0.3], [0.5, 0.1, -0.4]])
    g = s2s.grad(keepdims_max, compile="numba")
    _same(g(x), s2s.grad(keepdims_max)(x))  # the tie in the first row splits its adjoint as NumPy's rule does


def running_sum(x):
    return np.sum(np.cumsum(x, axis=1) ** 2)


def test_what_numba_cannot_compile_names_the_line():
    x = np.array([[0.3, -0.2], [0.5, 0.1]])
    g = s2s.grad(running_sum, compile="numba")
    with pytest.raises(NumbaCompileError) as err:
        g(x)
    message = str(err.value)
    assert "test_numba.py:" in message and "Numba cannot compile line" in message
    assert "numba-or-python" in message and "Traceback" not in message


def test_numba_or_python_warns_and_runs_uncompiled():
    x = np.array([[0.3, -0.2], [0.5, 0.1]])
    g = s2s.grad(running_sum, compile="numba-or-python")
    with pytest.warns(s2s.S2SWarning, match="runs uncompiled"):
        got = g(x)
    _same(got, s2s.grad(running_sum)(x))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # once fallen back, it stays quiet
        _same(g(x), got)


def vector_result(x):
    return np.sin(x) * 2.0


def test_errors_about_the_arguments_stay_those_of_uncompiled_code():
    with pytest.raises(s2s.NonScalarOutputError, match="grad needs a scalar result"):
        s2s.grad(vector_result, compile="numba")(np.ones(3))
    with pytest.raises(s2s.ArgumentError, match="dout must have shape"):
        s2s.vjp(vector_result, compile="numba")(np.ones(3), np.ones(4))


def test_the_option_is_checked():
    with pytest.raises(s2s.S2SError, match="compile='jit' is not an option"):
        s2s.grad(C.recurrence, compile="jit")
    with pytest.raises(s2s.ArgumentError, match="batch=True and compile"):
        s2s.jvp(C.recurrence, compile="numba", batch=True)


def test_without_numba(monkeypatch):
    monkeypatch.setattr(numba_compile, "available", lambda: False)
    with pytest.raises(NumbaCompileError, match=r"pip install 's2s\[numba\]'"):
        s2s.grad(C.lorenz, compile="numba")
    g = s2s.grad(C.lorenz, wrt=(0, 1), compile="numba-or-python")
    with pytest.warns(s2s.S2SWarning, match="Numba is not installed"):
        got = g(1.0, 1.2, 0.9)
    _same(got, s2s.grad(C.lorenz, wrt=(0, 1))(1.0, 1.2, 0.9))


def _table_case(case):
    """Each case of the shared table compiles to the uncompiled gradient, or is refused clearly."""
    with F.errstate(case):
        reference = s2s.grad(case.fn, wrt=case.wrt)(*case.args)
        try:
            got = s2s.grad(case.fn, wrt=case.wrt, compile="numba")(*case.args)
        except NumbaCompileError as err:
            assert "Numba cannot compile" in str(err) and "functions.py:" in str(err)
            return
    single = any(np.asarray(x).dtype == np.float32 for x in _leaves(reference) + _leaves(case.args))
    _same(got, reference, rtol=2e-6 if single else 1e-9)  # Numba may compute a float32 product in float64


_SCALAR = [c for c in F.cases("scalar", exclude=("unsupported",)) if c.grad_ref is None]
_REST = [c for c in F.cases(exclude=("unsupported", "scalar")) if c.grad_ref is None]


@pytest.mark.parametrize("case", _SCALAR, ids=lambda c: c.name)
def test_shared_table_scalar_cases_compiled(case):
    _table_case(case)


@pytest.mark.skipif(not os.environ.get("S2S_NUMBA_TABLE"), reason="compiles all of the shared table (minutes): "
                    "set S2S_NUMBA_TABLE=1")
@pytest.mark.parametrize("case", _REST, ids=lambda c: c.name)
def test_shared_table_compiled_or_refused(case):
    _table_case(case)

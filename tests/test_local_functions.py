"""Issue 17: functions defined inside the function (nested def, lambda, closures).

The shared table (tests/functions.py, the block "functions defined inside the
function") checks them in every mode against central differences; this file
checks what the table cannot: the generated source (the calls are inlined, no
def or lambda is left), the refusals that only show at run time, and the
order-of-definition semantics Python gives closures.
"""
import numpy as np
import pytest

import s2s

try:
    from . import functions
except ImportError:
    import functions

X = np.array([0.3, -0.5, 0.8])


def test_calls_are_inlined_and_no_local_function_is_left():
    for name in ("local_def_closure", "local_lambda", "lambda_to_helper", "local_def_calls_local"):
        case = functions.BY_NAME[name]
        for transform in (s2s.grad(case.fn, wrt=case.wrt), s2s.jvp(case.fn, wrt=case.wrt)):
            source = s2s.source(transform)
            code = "\n".join(line for line in source.splitlines() if not line.strip().startswith("#")).replace(name, "")
            assert "lambda" not in code and "anonymous" not in code, source
            assert code.count("def ") == 1, source
            assert "energy(" not in code and "sq(" not in code and "_integrate(" not in code, source


def test_a_closure_reads_its_own_names_where_nothing_else_uses_them():
    source = s2s.source(s2s.grad(functions.local_def_closure, wrt=(0, 1)))
    # the first call keeps the user's name, the second gets a fresh one
    assert "u = np.sin(" in source and "u2 = np.sin(" in source, source
    assert "# functions.py:" in source


def test_the_source_is_deterministic():
    first = s2s.source(s2s.grad(functions.local_def_to_helper, wrt=(0, 1)))
    again = s2s.source(s2s.grad(functions.local_def_to_helper, wrt=(0, 1)))
    assert first == again


def late_binding(x):
    def f(v):
        return v * c  # c is read when f is called

    c = 2.0
    a = f(x)
    c = 5.0
    return np.sum(a + f(x))


def default_at_definition(x):
    c = 2.0

    def f(v, k=c * 1.0):  # the default is evaluated when the def runs
        return v * k

    c = 5.0
    return np.sum(f(x) * c)


@pytest.mark.parametrize("fn", [late_binding, default_at_definition])
def test_closures_see_the_values_python_gives_them(fn):
    s2s.check_grad(fn, X)
    out, tangent = s2s.jvp(fn)(X, np.ones(3))
    np.testing.assert_allclose(out, fn(X))
    np.testing.assert_allclose(tangent, np.sum(s2s.grad(fn)(X)))


def adds_into_its_parameter(x):
    y = x * 2.0

    def add(a, b):
        a += b  # changes y in place in Python
        return a

    z = add(y, x)
    return np.sum(y * z)


def adds_into_a_scalar_parameter(x):
    def add(a, b):
        a += b
        return a

    return np.sum(add(1.5, x) * x)


def test_an_in_place_change_of_a_callers_array_is_refused():
    with pytest.raises(s2s.S2SError, match=r"test_local_functions\.py:\d+: `a \+= b.*in place"):
        s2s.grad(adds_into_its_parameter)(X)
    s2s.check_grad(adds_into_a_scalar_parameter, X)


W = np.array([1.0, 2.0, 3.0])


def _times_w(g, x):
    return g(x) * W


def reads_a_shadowed_global(x):
    W = 2.0  # noqa: N806 (the clash under test)
    return np.sum(_times_w(lambda t: t * W, x))


def passes_to_another_module(x):
    return np.sum(functions._integrate(lambda t: t * t, x))


def test_a_helper_that_cannot_be_inlined_is_refused():
    with pytest.raises(s2s.S2SError, match=r"test_local_functions\.py:\d+.*reads the module's `W`"):
        s2s.grad(reads_a_shadowed_global)(X)
    with pytest.raises(s2s.S2SError, match=r"test_local_functions\.py:\d+.*_integrate.*another module"):
        s2s.grad(passes_to_another_module)(X)


def test_a_local_function_in_a_checkpointed_loop():
    case = functions.BY_NAME["local_def_late_binding"]
    expected = s2s.grad(case.fn)(*case.args)
    np.testing.assert_allclose(s2s.grad(case.fn, checkpoint=1)(*case.args), expected, rtol=1e-12)

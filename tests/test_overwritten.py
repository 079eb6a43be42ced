"""Assignments overwritten before anything reads them are removed (s2s/backend/overwritten.py):
on code, each case where reading could differ keeps the store; on gradients, the numbers stay."""
import ast

import gast
import numpy as np
import pytest

import s2s
from s2s.backend import optimize, overwritten


def _drop(source):
    fn = gast.parse(source).body[0]
    removed = overwritten.drop_overwritten(fn, lambda value: True)  # every value pure: the pass's own limits
    return [ast.unparse(gast.gast_to_ast(s)) for s in removed], ast.unparse(gast.gast_to_ast(fn))


def test_a_copy_overwritten_before_any_read_goes():
    removed, out = _drop("def f(a, b):\n    z = a\n    t = a * b\n    z = a - t\n    return z\n")
    assert removed == ["z = a"], out


@pytest.mark.parametrize("body", [
    "    z = a\n    t = z * b\n    z = a - t\n",                   # read in between
    "    z = a\n    if b:\n        return z\n    z = b\n",          # a branch in between may leave with it
    "    z = a\n    for i in range(2):\n        t = b\n    z = b\n",  # a loop in between
    "    z = a\n    z = z + b\n",                                 # the overwrite reads it
    "    g = lambda: z\n    z = a\n    t = g()\n    z = b\n",     # a closure reads it in between
    "    try:\n        z = a\n        t = h(b)\n        z = b\n    except ValueError:\n        t = z\n",  # a handler
    "    z = a\n    t = h(b)\n",                                   # never overwritten
    "    z = h(a)\n    z = b\n",                                   # a call: it may be there for its check
])
def test_the_store_stays_where_a_read_could_see_it(body):
    removed, out = _drop("def f(a, b, h):\n" + body + "    return z\n")
    assert removed == [], out


def test_a_loop_body_is_its_own_list():
    removed, out = _drop("def f(a, b):\n    for i in range(3):\n        b = a * b\n        z = b\n        z = a\n"
                         "    return z\n")
    assert removed == ["z = b"], out


def softplus_mean(w, X):
    z = X @ w
    return np.mean(np.log1p(np.exp(-z)) + z)


def test_generated_adjoints_keep_no_overwritten_copy(rng):
    g = s2s.grad(softplus_mean)
    args = (rng.normal(size=5), rng.normal(size=(20, 5)))
    g(*args)
    assert "z_bar = t4_bar\n" not in s2s.source(g), s2s.source(g)
    s2s.check_grad(softplus_mean, *args)


def test_dead_code_reports_the_overwritten_store():
    fn = gast.parse("def f(a, b):\n    z = a\n    z = b\n    return z\n").body[0]
    assert optimize.dead_code(fn)
    assert ast.unparse(gast.gast_to_ast(fn)).count("z =") == 1


def asarray_then_inplace(x):
    t = x * 2.0
    u = np.asarray(t)
    t *= x  # u is t: refused at run time by unshared(...), which must survive the clean-ups
    return np.sum(u)


def test_a_check_stays_where_its_value_is_overwritten():
    g = s2s.grad(asarray_then_inplace)
    with pytest.raises(s2s.S2SError, match="changes in place"):
        g(np.array([0.5, -1.5, 2.0]))
    assert "unshared(" in s2s.source(g)

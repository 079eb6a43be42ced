"""Rules for reading the entries of dicts, dataclasses, named tuples and objects.

``p.name`` on a value that is not an array becomes ``getfield(p, 'name')``
(s2s/frontend/normalize/anf.py); its adjoint puts the result's adjoint at
that entry (``field_grad``: a dict holding that entry alone, or a named
tuple), and the two are each other's transposes. ``d[k]`` on a dict is a
subscript like a list's (``add_at`` holds dict adjoints).
"""
from s2s.rules import linear
from s2s.runtime import field_grad, getfield


@linear(getfield, wrt="x")
def getfield_(x, name, *, ans, ans_bar):
    return field_grad(ans_bar, x, name)


@linear(field_grad, wrt="g")
def field_grad_(g, x, name, *, ans, ans_bar):
    return getfield(ans_bar, name)

"""Rules for reading the entries of dicts, dataclasses, named tuples and objects.

``p.name`` on a value that is not an array becomes ``getfield(p, 'name')``
(s2s/frontend/normalize/anf.py); its adjoint puts the result's adjoint at
that entry (``field_grad``: a dict holding that entry alone, or a named
tuple), and the two are each other's transposes. ``d[k]`` on a dict is a
subscript like a list's (``add_at`` holds dict adjoints). ``dict(d)`` is
``dict_copy(d)``; a display ``{"a": x, "b": y}`` is ``dict_of((x, y), ("a", "b"))``.
"""
from s2s.rules import linear
from s2s.runtime import copy, dict_copy, dict_entries, dict_of, field_grad, getfield


@linear(getfield, wrt="x")
def getfield_(x, name, *, ans, ans_bar):
    return field_grad(ans_bar, x, name)


@linear(field_grad, wrt="g")
def field_grad_(g, x, name, *, ans, ans_bar):
    return getfield(ans_bar, name)


# dict(d): a copy; the adjoint of a dict is a dict holding its nonzero entries (or a zero)
@linear(dict_copy, wrt="d")
def dict_copy_(d, *, ans, ans_bar):
    return copy(ans_bar)


# a dict display {"a": x, "b": y} is dict_of((x, y), ("a", "b")); its transpose reads the entries back
@linear(dict_of, wrt="values")
def dict_of_(values, keys, *, ans, ans_bar):
    return dict_entries(ans_bar, keys)


@linear(dict_entries, wrt="d")
def dict_entries_(d, keys, *, ans, ans_bar):
    return dict_of(ans_bar, keys)

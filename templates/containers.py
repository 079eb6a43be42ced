"""Rules for reading and building dicts, dataclasses, named tuples and objects.

``p.name`` on a value that is not an array becomes ``getfield(p, 'name')``
(s2s/frontend/normalize/anf.py); its adjoint puts the result's adjoint at
that entry (``field_grad``: a dict holding that entry alone, or a named
tuple), and the two are each other's transposes. ``d[k]`` on a dict is a
subscript like a list's (``add_at`` holds dict adjoints). ``dict(d)`` is
``dict_copy(d)``; a display ``{"a": x, "b": y}`` is ``dict_of((x, y), ("a", "b"))``,
and a dict comprehension ``dict_of(values, keys)`` with lists.

A dataclass or named tuple the function builds, ``P(a, b=c)``, is
``record_of(P, (a, c), ("x", "b"))`` (s2s/frontend/normalize/records.py): its
adjoint reads the adjoint's entries by name, its tangent is a dict for a
dataclass and a ``P`` for a named tuple (the fields left to their defaults get
zero). ``dataclasses.replace(p, x=v)`` and ``p._replace(x=v)`` are
``record_replace(p, (v,), ("x",))``.
"""
from s2s.rules import adjoint, linear, tangent
from s2s.runtime import (copy, dict_copy, dict_entries, dict_of, field_grad, getfield, record_dots, record_entries, record_of,
                         record_replace, replaced_dots, without_entries)


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


# P(a, b=c) for a dataclass or named tuple P: linear in the values given, the defaults are constants
@adjoint(record_of, wrt="values")
def record_of_(cls, values, names, *, ans, ans_bar):
    return record_entries(ans_bar, cls, names)


@tangent(record_of, wrt="values")
def record_of_tangent(cls, values, names, *, ans, values_dot):
    return record_dots(cls, values_dot, names)


@linear(record_dots, wrt="dots")
def record_dots_(cls, dots, names, *, ans, ans_bar):
    return record_entries(ans_bar, cls, names)


# dataclasses.replace(p, x=v) / p._replace(x=v): p's other entries and the new values
@adjoint(record_replace, wrt=("x", "values"))
def record_replace_(x, values, names, *, ans, ans_bar):
    return without_entries(ans_bar, x, names), record_entries(ans_bar, x, names)


@tangent(record_replace, wrt=("x", "values"))
def record_replace_tangent(x, values, names, *, ans, x_dot, values_dot):
    return replaced_dots(x_dot, values_dot, names)


@linear(replaced_dots, wrt=("x_dot", "dots"))
def replaced_dots_(x_dot, dots, names, *, ans, ans_bar):
    return without_entries(ans_bar, x_dot, names), dict_entries(ans_bar, names)


@linear(without_entries, wrt="g")
def without_entries_(g, like, names, *, ans, ans_bar):
    return without_entries(ans_bar, like, names)


@linear(record_entries, wrt="g")
def record_entries_(g, like, names, *, ans, ans_bar):
    return record_dots(like, ans_bar, names)

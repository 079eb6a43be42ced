"""Issue 17: dicts, dataclasses and named tuples that the differentiated function BUILDS (and returns).

One table (``CASES``), every mode: each row is checked in grad (``s2s.check_grad``), jvp and vjp against
central differences along random directions, forward against reverse (``<u, J v>`` both ways), and hvp
against central differences of the gradient. Arguments, tangents and cotangents may be dicts, lists,
tuples, named tuples and dataclasses (``tests/containers_built.py`` holds the functions; the tree helpers
here perturb and pair their float leaves). The constructs still refused are at the end, with their
S2SError.
"""
import copy
import dataclasses

import numpy as np
import pytest

import s2s
from s2s.runtime import entries, is_differentiable_leaf, is_named, rebuilt_like

import containers_built as C


# ----------------------------------------------------------------- trees of float leaves
def tree_map(f, x, *rest):
    """``f`` applied to the float leaves of ``x`` (and the matching leaves of ``rest``); others kept."""
    if is_named(x):
        return rebuilt_like(x, {k: tree_map(f, v, *(_entry(r, k) for r in rest)) for k, v in entries(x)})
    if isinstance(x, (list, tuple)):
        items = [tree_map(f, v, *(r[i] for r in rest)) for i, v in enumerate(x)]
        return type(x)(*items) if hasattr(x, "_fields") else type(x)(items)
    return f(x, *rest) if is_differentiable_leaf(x) else x


def _entry(x, k):
    return x[k] if isinstance(x, dict) else getattr(x, k)


def leaves(x):
    if is_named(x):
        for _, v in entries(x):
            yield from leaves(v)
    elif isinstance(x, (list, tuple)):
        for v in x:
            yield from leaves(v)
    elif is_differentiable_leaf(x):
        yield x


def vdot(a, b):
    return sum(float(np.sum(np.asarray(p) * np.asarray(q))) for p, q in zip(leaves(a), leaves(b)))


def random_like(x, rng):
    return tree_map(lambda v: float(rng.standard_normal()) if isinstance(v, float) and not isinstance(v, np.generic)
                    else rng.standard_normal(np.shape(v)), x)


def axpy(t, d, x):
    return tree_map(lambda xv, dv: xv + t * dv, x, d)


def _wrt(case):
    return case.wrt if isinstance(case.wrt, tuple) else (case.wrt,)


def _with(args, positions, values):
    out = list(copy.deepcopy(args))
    for i, v in zip(positions, values):
        out[i] = v
    return out


def directional(case, directions, h=1e-6):
    """Central differences of the case's function along ``directions`` (one per wrt): its output's tangent."""
    wrt = _wrt(case)
    base = [case.args[i] for i in wrt]
    plus = case.fn(*_with(case.args, wrt, [axpy(h, d, b) for d, b in zip(directions, base)]))
    minus = case.fn(*_with(case.args, wrt, [axpy(-h, d, b) for d, b in zip(directions, base)]))
    return tree_map(lambda p, m: (np.asarray(p) - np.asarray(m)) / (2 * h), plus, minus)


def assert_close(got, want, where, rtol=1e-5, atol=1e-7):
    g, w = list(leaves(got)), list(leaves(want))
    assert len(g) == len(w), "{}: {} leaves instead of {}".format(where, len(g), len(w))
    for a, b in zip(g, w):
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg=where)


@pytest.fixture
def rng():
    return np.random.default_rng(1717)


def _ids(case):
    return case.name


SCALAR = [c for c in C.CASES if not c.structured]


@pytest.mark.parametrize("case", C.CASES, ids=_ids)
def test_the_function_runs_and_leaves_its_arguments_alone(case):
    before = copy.deepcopy(case.args)
    for make in (s2s.vjp, s2s.jvp):
        g = make(case.fn, wrt=case.wrt)
        args = copy.deepcopy(case.args)
        out = case.fn(*copy.deepcopy(case.args))
        extra = [out] if make is s2s.vjp else [case.args[i] for i in _wrt(case)]
        got, _ = g(*args, *extra)
        assert_close(got, out, case.name + " value")
        assert_close(args, before, case.name + " arguments")


@pytest.mark.parametrize("case", SCALAR, ids=_ids)
def test_grad_matches_central_differences(case):
    s2s.check_grad(case.fn, *copy.deepcopy(case.args), wrt=case.wrt)


@pytest.mark.parametrize("case", C.CASES, ids=_ids)
def test_jvp_and_vjp_match_central_differences_and_each_other(case, rng):
    wrt = _wrt(case)
    directions = [random_like(case.args[i], rng) for i in wrt]
    out = case.fn(*copy.deepcopy(case.args))
    numeric = directional(case, directions)
    value, tangent = s2s.jvp(case.fn, wrt=case.wrt)(*copy.deepcopy(case.args), *directions)
    assert_close(value, out, case.name + " jvp value")
    assert_close(tangent, numeric, case.name + " jvp", rtol=1e-4, atol=1e-6)
    u = random_like(out, rng)
    value, cot = s2s.vjp(case.fn, wrt=case.wrt)(*copy.deepcopy(case.args), u)
    cot = cot if isinstance(case.wrt, tuple) else (cot,)
    assert_close(value, out, case.name + " vjp value")
    for c, i in zip(cot, wrt):  # the cotangent of an argument has its structure
        assert type(c) is type(case.args[i]) or not is_named(case.args[i]), case.name
    reverse = sum(vdot(c, d) for c, d in zip(cot, directions))
    np.testing.assert_allclose(reverse, vdot(u, tangent), rtol=1e-9, atol=1e-12, err_msg=case.name)
    np.testing.assert_allclose(reverse, vdot(u, numeric), rtol=1e-4, atol=1e-6, err_msg=case.name)


@pytest.mark.parametrize("case", SCALAR, ids=_ids)
def test_hvp_matches_central_differences_of_the_gradient(case, rng):
    wrt = _wrt(case)
    directions = [random_like(case.args[i], rng) for i in wrt]
    v = tuple(directions) if isinstance(case.wrt, tuple) else directions[0]
    hv = s2s.hvp(case.fn, wrt=case.wrt)(*copy.deepcopy(case.args), v)
    grad = s2s.grad(case.fn, wrt=case.wrt)
    h = 1e-5
    base = [case.args[i] for i in wrt]
    plus = grad(*_with(case.args, wrt, [axpy(h, d, b) for d, b in zip(directions, base)]))
    minus = grad(*_with(case.args, wrt, [axpy(-h, d, b) for d, b in zip(directions, base)]))
    numeric = tree_map(lambda p, m: (np.asarray(p) - np.asarray(m)) / (2 * h), plus, minus)
    assert_close(hv, numeric, case.name + " hvp", rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("case", [c for c in SCALAR if c.loop], ids=_ids)
def test_checkpointed_loops_give_the_same_gradient(case):
    want = s2s.grad(case.fn, wrt=case.wrt)(*copy.deepcopy(case.args))
    got = s2s.grad(case.fn, wrt=case.wrt, checkpoint=2)(*copy.deepcopy(case.args))
    assert_close(got, want, case.name + " checkpoint=2", rtol=1e-12, atol=1e-14)


# ----------------------------------------------------------------- the generated code
def test_a_dict_display_reads_its_entries_adjoints_by_key():
    src = s2s.source(s2s.grad(C.display, wrt=(0, 1)))
    assert "d = dict_of((x * t1, np.sin(x), 3), ('a', 'b', 'n'))" in src
    assert "t2_bar = getfield(d_bar, 'a')\n    t3_bar = getfield(d_bar, 'b')\n" in src  # s2s/backend/entries.py
    assert "dict_entries" not in src
    s2s.check_grad(C.display, *copy.deepcopy(C.CASES[0].args), wrt=(0, 1))


def test_a_new_entry_is_removed_again_by_the_reverse_sweep():
    src = s2s.source(s2s.grad(C.new_entry_then_items, wrt=0))
    assert "drop_entry(d, 'h')" in src  # not `d['h'] = None`: the entry was not there before the write
    out, _ = s2s.vjp(C.returns_written_dict)(np.array([0.3, -0.4]), {"a": np.ones(2), "h": np.ones(2)})
    np.testing.assert_allclose(out["a"], [0.9, -1.2])  # the value returned is the one the function built
    np.testing.assert_allclose(out["h"], [0.6, -0.8])


def test_a_key_given_twice_keeps_its_last_value():
    x = np.array([0.3, -0.2])
    assert C.duplicate_keys(x) == pytest.approx(float(np.sum(3.0 * x * np.sin(x))))
    s2s.check_grad(C.duplicate_keys, x)


# ----------------------------------------------------------------- refused, with the S2SError that says so
REFUSED = [
    (C.builds_post_init, (1.0,), r"containers_built.py:\d+: .*building an instance of `WithPostInit` \(its "
                                 r"__init__, __new__ or __post_init__ is its own code\) is not supported"),
    (C.builds_own_init, (1.0,), r"building an instance of `OwnInit`"),
    (C.builds_own_new, (1.0,), r"building an instance of `OwnNew`"),
    (C.builds_plain, (1.0,), r"containers_built.py:\d+: .*no derivative rule for `containers_built.PlainClass`"),
    (C.unpacks_into_a_display, (1.0, {"a": 1.0}), r"`\*\*` unpacking in a dict display is not supported"),
    (C.int_key_display, (1.0,), r"a dict key that is not a string constant is not supported"),
    (C.dict_with_keywords, (1.0, {"a": 1.0}), r"`dict\(...\)` with keywords besides a dict"),
    (C.too_many_fields, (1.0,), r"`Pair\(...\)` with 3 positional arguments is not supported: pass at most 2"),
    (C.unknown_field, (1.0,), r"`Pair\(...\)` with the argument `size` is not supported"),
]


@pytest.mark.parametrize("fn,args,message", REFUSED, ids=[r[0].__name__ for r in REFUSED])
def test_what_is_refused_names_the_line_and_the_construct(fn, args, message):
    for make in (s2s.grad, s2s.jvp):
        with pytest.raises(s2s.S2SError, match=message):
            g = make(fn)
            g(*args, *((1.0,) if make is s2s.jvp else ()))


def test_a_wrong_cotangent_of_a_returned_container_names_the_leaf():
    x = C.X
    with pytest.raises(s2s.S2SError, match=r"dout must have the structure of what returns_dict returned: \['b'\]: "
                                           r"shape \(2,\) instead of shape \(3,\)"):
        s2s.vjp(C.returns_dict, wrt=0)(x, dict(C.PARAMS), {"a": np.ones(3), "b": np.ones(2), "n": 0.0})
    with pytest.raises(s2s.S2SError, match=r"the whole value: entries \('a'\) instead of \('a', 'b', 'n'\)"):
        s2s.vjp(C.returns_dict, wrt=0)(x, dict(C.PARAMS), {"a": np.ones(3)})
    with pytest.raises(s2s.S2SError, match=r"returned: \.phase: shape \(2,\) instead of shape \(3,\)"):
        s2s.vjp(C.returns_dataclass, wrt=0)(x, dict(C.PARAMS), C.Wave(1.0, np.ones(2)))
    with pytest.raises(s2s.S2SError, match=r"returned: \[0\]: shape \(2,\) instead of shape \(3,\)"):
        s2s.vjp(C.returns_namedtuple)(x, C.Pair(np.ones(2), 1.0))


def test_jvp_gives_a_tangent_of_the_results_structure():
    x = C.X
    out, t = s2s.jvp(C.returns_dataclass, wrt=0)(x, dict(C.PARAMS), np.ones(3))
    assert type(t) is C.Wave and t.label is None and np.shape(t.phase) == (3,)
    out, t = s2s.jvp(C.returns_namedtuple)(x, np.ones(3))
    assert type(t) is C.Pair and t.shift == 0.0  # the default field: no tangent
    out, t = s2s.jvp(C.returns_dict, wrt=0)(x, dict(C.PARAMS), np.ones(3))
    assert list(t) == ["a", "b", "n"] and t["n"] is None


def test_what_needs_an_array_result_refuses_a_container_result():
    x = C.X
    for make in (s2s.jacobian, lambda f: s2s.jacobian(f, mode="forward")):
        with pytest.raises(s2s.S2SError, match="jacobian of returns_dict, which returns a dict: a Jacobian is an "
                                               "array per result"):
            make(C.returns_dict)(x, dict(C.PARAMS))
    with pytest.raises(s2s.S2SError, match=r"jacobian_sparsity of returns_dataclass, which returns a Wave \(a "
                                           r"record\)"):
        s2s.jacobian_sparsity(C.returns_dataclass, x, dict(C.PARAMS))
    assert len(s2s.jacobian(C.returns_namedtuple)(x)) == 2  # a named tuple is a tuple: a Jacobian per field
    with pytest.raises(s2s.S2SError, match="grad needs a scalar result, but returns_dict returned a dict"):
        s2s.grad(C.returns_dict)(x, dict(C.PARAMS))
    with pytest.raises(s2s.S2SError, match=r"batch=True\) of a dict or record result is not supported yet"):
        s2s.vjp(C.returns_dict, batch=True)(x, dict(C.PARAMS), {"a": np.ones((2, 3)), "b": np.ones((2, 3)), "n": 0})


def test_replace_of_what_is_not_a_dataclass_is_refused_at_run_time():
    with pytest.raises(TypeError, match=r"dataclasses.replace\(...\) in a differentiated function takes a "
                                        r"dataclass instance, not dict"):
        s2s.grad(C.replaces_a_dict)({"a": 2.0})

"""Generated forward mode on every rule, and the batched forward mode: ``s2s.jvp(f, batch=True)``
pushes k tangents through one call.

The oracle is forward mode itself, one tangent at a time (checked against
central differences and reverse mode by test_forward.py and test_rules.py):
on the shared table of functions and on every rule's function of the rules
table, the batched result for k random seeds must equal the k unbatched
results, with the primal value unchanged and no argument or seed modified.
"""
import copy

import numpy as np
import pytest

import s2s
from s2s.runtime import entries, getfield, is_differentiable_leaf_tree as floating, is_named, rebuilt_like

try:
    from . import functions, test_rules
    from .test_forward import is_float32, random_like, vdot, wrt_values
    from .test_reverse import assert_tree_close, assert_unchanged
except ImportError:
    import functions
    import test_rules
    from test_forward import is_float32, random_like, vdot, wrt_values
    from test_reverse import assert_tree_close, assert_unchanged

SEEDS = 3
SUPPORTED = [c for c in functions.CASES if "unsupported" not in c.tags]


def _stack(seeds):
    """Per-seed tangents stacked along a new first axis (containers elementwise)."""
    if is_named(seeds[0]):  # entries that are not floats stay as in the first seed
        return rebuilt_like(seeds[0], {k: _stack([getfield(s, k) for s in seeds]) if floating(v) else v
                                       for k, v in entries(seeds[0])})
    if isinstance(seeds[0], (list, tuple)):
        items = [_stack([s[i] for s in seeds]) for i in range(len(seeds[0]))]
        return type(seeds[0])(*items) if hasattr(seeds[0], "_fields") else type(seeds[0])(items)
    return np.stack([np.asarray(s) for s in seeds])


def _assert_same(batched, per_seed, rtol, where):
    if per_seed[0] is None:
        assert batched is None, where
        return
    if is_named(per_seed[0]):
        assert type(batched) is type(per_seed[0]), where
        for k, _ in entries(per_seed[0]):
            _assert_same(getfield(batched, k), [getfield(s, k) for s in per_seed], rtol, "{}[{!r}]".format(where, k))
        return
    if isinstance(per_seed[0], (list, tuple)):
        assert isinstance(batched, (list, tuple)) and len(batched) == len(per_seed[0]), where
        for i, b in enumerate(batched):
            _assert_same(b, [s[i] for s in per_seed], rtol, "{}[{}]".format(where, i))
        return
    want = np.stack([np.asarray(s, dtype=np.float64) for s in per_seed])
    got = np.asarray(batched, dtype=np.float64)
    assert got.shape == want.shape, "{}: batched tangent of shape {}, want {}".format(where, got.shape, want.shape)
    scale = max(1.0, float(np.max(np.abs(want), initial=0.0)))
    np.testing.assert_allclose(got, want, rtol=rtol, atol=rtol * scale, err_msg=where)


def check_batched(fn, args, wrt, rtol=1e-12, kwargs=None):
    """Batched jvp of ``fn`` along SEEDS random tangents == SEEDS unbatched jvps."""
    kwargs = kwargs or {}
    rng = np.random.default_rng(7)
    values = wrt_values_of(fn, args, wrt)
    seeds = [[random_like(v, rng) for v in values] for _ in range(SEEDS)]
    one = s2s.jvp(fn, wrt=wrt)
    per_seed = [one(*copy.deepcopy(args), *s, **kwargs) for s in seeds]
    batched_tangents = [_stack([s[i] for s in seeds]) for i in range(len(values))]
    before = copy.deepcopy(args), copy.deepcopy(batched_tangents)
    out, tangent = s2s.jvp(fn, wrt=wrt, batch=True)(*args, *batched_tangents, **kwargs)
    assert_unchanged((args, batched_tangents), before)
    assert_tree_close(out, per_seed[0][0], rtol=0, where="value")
    _assert_same(tangent, [p[1] for p in per_seed], rtol, "tangent")


def check_batched_vjp(fn, args, wrt, rtol=1e-12, checkpoint=None):
    """Batched vjp of ``fn`` along SEEDS random cotangents == SEEDS unbatched vjps."""
    rng = np.random.default_rng(11)
    out = fn(*copy.deepcopy(args))
    douts = [random_like(out, rng) for _ in range(SEEDS)]
    one = s2s.vjp(fn, wrt=wrt, checkpoint=checkpoint)
    per_seed = [one(*copy.deepcopy(args), d) for d in douts]
    stacked = _stack(douts)
    before = copy.deepcopy(args), copy.deepcopy(stacked)
    value, cotangents = s2s.vjp(fn, wrt=wrt, batch=True, checkpoint=checkpoint)(*args, stacked)
    assert_unchanged((args, stacked), before)
    assert_tree_close(value, per_seed[0][0], rtol=0, where="value")
    _assert_same(cotangents, [p[1] for p in per_seed], rtol, "cotangent")


def wrt_values_of(fn, args, wrt):
    case = type("Case", (), {"fn": fn, "wrt": wrt})
    return wrt_values(case, args)


def _tol(args):
    return 1e-5 if is_float32(type("Case", (), {"args": args})) else 1e-12


@pytest.mark.parametrize("case", SUPPORTED, ids=lambda c: c.name)
def test_batched_jvp_on_the_shared_table(case):
    check_batched(case.fn, copy.deepcopy(case.args), case.wrt, _tol(case.args))


@pytest.mark.parametrize("case", SUPPORTED, ids=lambda c: c.name)
def test_batched_vjp_on_the_shared_table(case):
    check_batched_vjp(case.fn, copy.deepcopy(case.args), case.wrt, _tol(case.args))


LOOPS = [c for c in SUPPORTED if {"loop", "while"} & set(" ".join(c.tags).replace("_", " ").split())]


@pytest.mark.parametrize("case", LOOPS, ids=lambda c: c.name)
def test_batched_vjp_through_checkpointed_loops(case):
    check_batched_vjp(case.fn, copy.deepcopy(case.args), case.wrt, _tol(case.args), checkpoint=2)


@pytest.mark.parametrize("row", test_rules.ROWS, ids=lambda row: row.id)
def test_batched_vjp_of_every_rule(row):
    check_batched_vjp(row.fn, copy.deepcopy(row.args), row.wrt, _tol(row.args))


@pytest.mark.parametrize("row", test_rules.ROWS, ids=lambda row: row.id)
def test_generated_jvp_of_every_rule_agrees_with_reverse(row):
    """Each rule's function (a scalar) in generated forward code: <grad, v> == jvp along v."""
    values = wrt_values_of(row.fn, row.args, row.wrt)
    v = [random_like(x, np.random.default_rng(5)) for x in values]
    grads = s2s.grad(row.fn, wrt=row.wrt)(*copy.deepcopy(row.args))
    grads = grads if isinstance(row.wrt, tuple) else (grads,)
    _, t = s2s.jvp(row.fn, wrt=row.wrt)(*copy.deepcopy(row.args), *v)
    want = sum(vdot(g, x) for g, x in zip(grads, v))
    rtol = max(1e-4 if _tol(row.args) > 1e-10 else 1e-9, row.options.get("rtol") or 0.0)
    assert abs(float(t) - want) <= rtol * (1.0 + abs(want)), "{}: jvp {} but <grad, v> {}".format(row.id, t, want)


@pytest.mark.parametrize("row", test_rules.ROWS, ids=lambda row: row.id)
def test_batched_jvp_of_every_rule(row):
    try:
        s2s.jvp(row.fn, wrt=row.wrt)(*copy.deepcopy(row.args), *[random_like(v, np.random.default_rng(0))
                                                                   for v in wrt_values_of(row.fn, row.args, row.wrt)])
    except s2s.S2SError:
        with pytest.raises(s2s.S2SError):
            check_batched(row.fn, copy.deepcopy(row.args), row.wrt)
        return
    check_batched(row.fn, copy.deepcopy(row.args), row.wrt, _tol(row.args))


def two_args(x, y):
    return np.sin(x) * y


def test_batched_tangents_need_a_leading_axis():
    g = s2s.jvp(two_args, wrt=0, batch=True)
    with pytest.raises(s2s.S2SError, match=r"tangent of `x` has shape \(2,\), but the argument has shape \(3,\)"):
        g(np.ones(3), np.ones(3), np.ones((4, 2)))
    with pytest.raises(s2s.S2SError, match="leading batch axis"):
        g(1.0, 2.0, 1.0)
    with pytest.raises(s2s.S2SError, match="no seed"):
        g(np.ones(3), np.ones(3), np.ones((0, 3)))


def test_batched_tangents_hold_the_same_number_of_seeds():
    g = s2s.jvp(two_args, wrt=(0, 1), batch=True)
    with pytest.raises(s2s.S2SError, match=r"different numbers of seeds \(\[2, 3\]\)"):
        g(np.ones(3), np.ones(3), np.ones((2, 3)), np.ones((3, 3)))


def test_scalar_arguments_take_a_vector_of_seeds():
    g = s2s.jvp(two_args, wrt=(0, 1), batch=True)
    out, t = g(0.5, 2.0, np.array([1.0, 0.0]), np.array([0.0, 1.0]))
    np.testing.assert_allclose(t, [np.cos(0.5) * 2.0, np.sin(0.5)], rtol=1e-15)
    assert out == np.sin(0.5) * 2.0


def test_batched_source_loops_only_where_a_rule_has_no_batched_form():
    source = s2s.source(s2s.jvp(two_args, wrt=0, batch=True))
    assert "for seed in range(batch)" not in source
    assert "lift(" in source
    source = s2s.source(s2s.jvp(sum_of_sines, batch=True))
    assert "for seed in range(batch)" not in source and "batched_sum(" in source
    source = s2s.source(s2s.jvp(cumulative, batch=True))
    assert "for seed in range(batch)" in source and "batch_stack(" in source


def sum_of_sines(x):
    return np.sum(np.sin(x))


def cumulative(x):
    return np.cumsum(x) * x


def vector_out(x):
    return np.sin(x) * x


def test_batched_cotangents_need_a_leading_axis():
    g = s2s.vjp(vector_out, batch=True)
    with pytest.raises(s2s.S2SError, match=r"dout must have shape \(3,\), not shape \(2,\)"):
        g(np.ones(3), np.ones((4, 2)))
    with pytest.raises(s2s.S2SError, match=r"the batched dout must have shape \(k,\) \+ \(3,\)"):
        g(np.ones(3), 1.0)


def test_the_primal_sweep_runs_once_for_every_cotangent():
    source = s2s.source(s2s.vjp(vector_out, batch=True))
    assert source.count("= np.sin(x)") == 1 and "seed_cotangent(" in source


@pytest.mark.parametrize("case", [c for c in SUPPORTED if c.name in (
    "aug_broadcast", "arr_matmul_mm", "bc_3d", "tuple_return_stats", "for_zip", "loop_append_array",
    "overlapping_slice_writes", "comp_zip", "f32_matvec")], ids=lambda c: c.name)
def test_jacobians_in_chunks_of_seeds_equal_one_seed_at_a_time(case, monkeypatch):
    """jacobian and hessian push chunks of unit seeds through the batched code: several chunks here."""
    from s2s.api import jacobians as api

    monkeypatch.setattr(api, "_CHUNK_SEEDS", 2)
    args = copy.deepcopy(case.args)
    for mode in ("forward", "reverse"):
        chunked = s2s.jacobian(case.fn, wrt=case.wrt, mode=mode)
        inner = chunked.transformed
        run = api._jacobian_by_columns if mode == "forward" else api._jacobian_by_rows
        assert_tree_close(chunked(*copy.deepcopy(args)), run(inner, copy.deepcopy(args), {}), rtol=1e-12,
                          where=mode)
    if np.ndim(case.fn(*copy.deepcopy(args))) == 0:
        hessian = s2s.hessian(case.fn, wrt=case.wrt)
        columns = api._jacobian_by_columns(hessian.transformed, copy.deepcopy(args), {})
        assert_tree_close(hessian(*copy.deepcopy(args)), columns, rtol=1e-12, where="hessian")


def cumulative_helper(x):
    return np.cumsum(np.sin(x)) * 2.0


def branch_past_a_helper(x, flag):
    y = cumulative_helper(x)
    if flag > 0:
        z = y * 3.0
    else:
        z = x * 1.0  # y's adjoint stays zero: the helper's adjoint sweep gets the Python 0.0
    return z


@pytest.mark.parametrize("flag", [1.0, -1.0])
def test_a_zero_adjoint_into_a_helper_sweep(flag):
    check_batched_vjp(branch_past_a_helper, (np.array([0.1, 0.5, 0.9]), flag), 0)
    check_batched(branch_past_a_helper, (np.array([0.1, 0.5, 0.9]), flag), 0)
    x = np.array([0.1, 0.5, 0.9])
    reverse = s2s.jacobian(branch_past_a_helper)(x, flag)
    np.testing.assert_allclose(reverse, s2s.jacobian(branch_past_a_helper, mode="forward")(x, flag), rtol=1e-12)


def test_jacobian_goes_on_one_seed_at_a_time_if_the_batched_code_fails(monkeypatch):
    from s2s.api import jacobians as api

    def broken(*args, **kwargs):
        raise RuntimeError("no batched call today")

    monkeypatch.setattr(api, "_jacobian_by_chunks", broken)
    monkeypatch.setattr(api, "_jacobian_by_row_chunks", broken)
    x = np.array([0.3, -0.4, 1.2])
    for mode in ("forward", "reverse"):
        with pytest.warns(RuntimeWarning, match="no batched call today.*one seed at a time") as record:
            got = s2s.jacobian(two_args, mode=mode)(x, 2.0)
        np.testing.assert_allclose(got, np.diag(np.cos(x) * 2.0), rtol=1e-15)
        assert [w.filename for w in record] == [__file__]  # the warning points at the caller's line
    with pytest.warns(RuntimeWarning, match="no batched call today.*one seed at a time"):
        np.testing.assert_allclose(s2s.hessian(sum_of_sines)(x), np.diag(-np.sin(x)), rtol=1e-15)


cubed = np.vectorize(lambda t: t ** 3)  # no source to read and no rule: no derivative, batched or not


def sine_of_cubed(x):
    return np.sum(np.sin(cubed(x)))


def nuclear_norm(x):
    return np.linalg.norm(x, "nuc")  # a first derivative, no second one yet


@pytest.mark.parametrize("make", [lambda f: s2s.jacobian(f, mode="forward"), lambda f: s2s.jacobian(f),
                                  s2s.hessian], ids=["jacobian_forward", "jacobian_reverse", "hessian"])
def test_an_error_one_seed_at_a_time_repeats_is_raised_with_no_warning(make, recwarn):
    """The batched call raises, and so does one seed at a time: the user's function is at fault, not the
    batched form, so the user gets the error and no warning asking for a report."""
    with pytest.raises(s2s.NoRuleError, match="no derivative rule for"):
        make(sine_of_cubed)(np.array([0.3, -0.4, 1.2]))
    if make is s2s.hessian:
        with pytest.raises(s2s.NoRuleError, match=r"np\.linalg\.norm: the second derivative .* not written yet"):
            make(nuclear_norm)(np.array([[3.0, 0.2], [0.1, 1.0]]))
    assert [str(w.message) for w in recwarn] == []


def test_batched_hessian_vector_products():
    x = np.array([0.3, -0.4, 1.2])
    vs = np.random.default_rng(2).standard_normal((4, 3))
    got = s2s.hvp(sum_of_sines, batch=True)(x, vs)
    np.testing.assert_allclose(got, np.stack([s2s.hvp(sum_of_sines)(x, v) for v in vs]), rtol=1e-15)
    np.testing.assert_allclose(got, vs * -np.sin(x), rtol=1e-15)

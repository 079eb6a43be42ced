"""User rules: ``s2s.adjoint(fn)`` and ``s2s.tangent(fn)`` register a derivative
rule for the user's own function, used by every transform after it; a
malformed rule is refused when it is registered."""
import math
import re

import numpy as np
import pytest

import s2s
from s2s.rules import templates


@pytest.fixture(autouse=True)
def restore_rules():
    """Each test starts from, and leaves, the registry it found."""
    before = templates.registry()
    yield
    templates.replace_registry(before)


# ---------------------------------------------------------------- primitives s2s cannot read
def opaque_cube(x):
    """x ** 3, by a loop with try/except: syntax s2s does not differentiate."""
    out = np.ones_like(x)
    for _ in range(3):
        try:
            out = out * x
        except FloatingPointError:
            raise
    return out


def weird_scale(x, y, power=2):
    """x * y ** power, opaque."""
    try:
        return x * y ** power
    finally:
        pass


c_cube = np.vectorize(lambda t: t ** 3)  # no Python source s2s can read


def cube(x):
    return opaque_cube(x)


def scale(x, y):
    return weird_scale(x, y)


def uses_cube(x):
    return np.sum(np.sin(opaque_cube(x)))


def uses_scale(x, y):
    return np.sum(weird_scale(x, y) * x)


def uses_c_cube(x):
    return np.sum(c_cube(x) * 2.0)


def register_cube():
    @s2s.adjoint(opaque_cube)
    def cube_adjoint(x, *, ans, ans_bar):
        return ans_bar * 3.0 * x * x

    @s2s.tangent(opaque_cube)
    def cube_tangent(x, *, ans, x_dot):
        return x_dot * (3.0 * x * x)


def register_scale():
    @s2s.adjoint(weird_scale, wrt=("x", "y"), unbroadcast=True)
    def scale_adjoint(x, y, power=2, *, ans, ans_bar):
        return ans_bar * y ** power, ans_bar * x * power * y ** (power - 1)

    @s2s.tangent(weird_scale, wrt=("x", "y"), broadcast=True)
    def scale_tangent(x, y, power=2, *, ans, x_dot, y_dot):
        return x_dot * y ** power + y_dot * (x * power * y ** (power - 1))


X = np.array([0.3, -0.7, 1.1])
Y = np.array([1.2, 0.4, -0.9])


def test_without_a_rule_the_error_names_the_decorator_to_use():
    with pytest.raises(s2s.S2SError) as err:
        s2s.grad(uses_c_cube)(X)
    message = str(err.value)
    suggested = re.search(r"@s2s\.(\w+)\((\w+)\)", message)
    assert suggested is not None, message
    assert suggested.group(1) == "adjoint" and hasattr(s2s, suggested.group(1))
    with pytest.raises(s2s.S2SError, match=r"@s2s\.tangent\("):
        s2s.jvp(uses_c_cube)(X, X)


def test_user_rule_in_every_transform():
    register_cube()
    want = np.cos(X ** 3) * 3 * X ** 2
    np.testing.assert_allclose(s2s.grad(uses_cube)(X), want)
    value, grad = s2s.value_and_grad(uses_cube)(X)
    assert value == pytest.approx(uses_cube(X))
    np.testing.assert_allclose(grad, want)
    out, cot = s2s.vjp(cube)(X, Y)
    np.testing.assert_allclose(out, X ** 3)
    np.testing.assert_allclose(cot, Y * 3 * X ** 2)
    out, tan = s2s.jvp(uses_cube)(X, Y)
    assert tan == pytest.approx(np.dot(want, Y))
    for mode in ("reverse", "forward"):
        np.testing.assert_allclose(s2s.jacobian(cube, mode=mode)(X), np.diag(3 * X ** 2))
    s2s.check_grad(uses_cube, X)


def test_user_rule_for_a_function_with_no_source():
    @s2s.adjoint(c_cube)
    def c_cube_adjoint(x, *, ans, ans_bar):
        return ans_bar * 3.0 * x * x

    @s2s.tangent(c_cube)
    def c_cube_tangent(x, *, ans, x_dot):
        return x_dot * (3.0 * x * x)

    np.testing.assert_allclose(s2s.grad(uses_c_cube)(X), 6 * X ** 2)
    assert s2s.jvp(uses_c_cube)(X, Y)[1] == pytest.approx(np.dot(6 * X ** 2, Y))


def test_user_rule_with_defaults_and_broadcasting():
    register_scale()
    x, y = X, 1.3  # y broadcasts
    s2s.check_grad(uses_scale, x, y, wrt=(0, 1))
    gx, gy = s2s.grad(uses_scale, wrt=(0, 1))(x, y)
    assert np.ndim(gy) == 0
    for mode in ("reverse", "forward"):
        jx, jy = s2s.jacobian(scale, wrt=(0, 1), mode=mode)(x, np.full(3, y))
        np.testing.assert_allclose(jx, np.diag(np.full(3, y ** 2)))
        np.testing.assert_allclose(jy, np.diag(2 * x * y))


def test_rules_of_other_kinds():
    def double_it(x):
        try:
            return 2.0 * x
        finally:
            pass

    def softplus(x):
        try:
            return np.log1p(np.exp(x))
        finally:
            pass

    @s2s.adjoint(double_it, kind="linear")
    def double_adjoint(x, *, ans, ans_bar):
        return 2.0 * ans_bar

    @s2s.adjoint(softplus, kind="elementwise")
    def softplus_derivative(x, ans):
        return 1.0 / (1.0 + np.exp(-x))

    def f(x):
        return np.sum(softplus(double_it(x)) ** 2)

    s2s.check_grad(f, X)
    g = s2s.grad(f)(X)
    assert s2s.jvp(f)(X, Y)[1] == pytest.approx(np.dot(g, Y))  # tangents derived from the kinds


def test_a_new_rule_regenerates_derivatives_made_before_it():
    df = s2s.grad(uses_cube)
    with pytest.raises(s2s.S2SError):
        df(X)  # no rule yet
    register_cube()
    np.testing.assert_allclose(df(X), np.cos(X ** 3) * 3 * X ** 2)  # the same object, now with the rule

    @s2s.adjoint(opaque_cube)
    def wrong_on_purpose(x, *, ans, ans_bar):
        return ans_bar * 0.0 * x

    np.testing.assert_allclose(df(X), 0.0 * X)  # replaced: the newest rule is used
    np.testing.assert_allclose(s2s.grad(uses_cube)(X), 0.0 * X)


def test_user_rule_overrides_a_builtin_rule():
    def f(x):
        return np.sum(np.tanh(x))

    @s2s.adjoint(np.tanh, kind="elementwise")
    def tanh_as_identity(x, ans):  # a straight-through estimator
        return np.ones_like(x)

    np.testing.assert_allclose(s2s.grad(f)(X), np.ones(3))
    assert s2s.jvp(f)(X, Y)[1] == pytest.approx(np.sum(Y))  # elementwise: its tangent follows


def test_overriding_an_adjoint_drops_the_old_tangent():
    def f(x):
        return np.sum(np.linalg.det(x))

    @s2s.adjoint(np.linalg.det)
    def det_zero(a, *, ans, ans_bar):
        return 0.0 * a

    a = np.eye(2) + 0.1
    np.testing.assert_allclose(s2s.grad(f)(a), np.zeros((2, 2)))
    with pytest.raises(s2s.NoRuleError, match=r"@s2s\.tangent\(det\)"):
        s2s.jvp(f)(a, a)


def test_overriding_a_rule_drops_its_batched_form():
    def f(x):
        return np.roll(x, 1) * x

    @s2s.adjoint(np.roll, wrt="a", kind="linear")
    def roll_twice(a, shift, axis=None, *, ans, ans_bar):  # a different linear map: (roll twice)^T
        return np.roll(ans_bar, -1)

    seeds = np.stack([Y, 2 * Y])
    out, t = s2s.jvp(f, batch=True)(X, seeds)
    source = s2s.source(s2s.jvp(f, batch=True))
    assert "seed_roll" not in source and "for seed in range(batch)" in source
    want = np.stack([s2s.jvp(f)(X, s)[1] for s in seeds])  # the linear rule: np.roll of the tangent
    np.testing.assert_allclose(t, want, rtol=1e-15)


def test_a_nondifferentiable_primitive_can_get_a_rule():
    def f(x):
        return np.sum(np.floor(x) * x)

    @s2s.adjoint(np.floor, kind="elementwise")
    def floor_straight_through(x, ans):
        return np.ones_like(x)

    np.testing.assert_allclose(s2s.grad(f)(X), np.floor(X) + X)


# ---------------------------------------------------------------- refused at registration
def _refused(match, register):
    with pytest.raises(s2s.TemplateError, match=match) as err:
        register()
    assert isinstance(err.value, s2s.S2SError)
    assert re.search(r"\.py:\d+: ", str(err.value)) or "s2s." in str(err.value), str(err.value)


def test_refuses_a_parameter_the_function_does_not_have():
    def register():
        @s2s.adjoint(weird_scale)
        def rule(x, z, *, ans, ans_bar):
            return ans_bar, ans_bar
    _refused(r"test_user_rules.py:\d+: .*`z` is not a parameter of weird_scale", register)


def test_refuses_parameters_out_of_order():
    def register():
        @s2s.adjoint(weird_scale)
        def rule(y, x, *, ans, ans_bar):
            return ans_bar, ans_bar
    _refused(r"not in the order of weird_scale", register)


def test_refuses_leaving_out_a_required_parameter():
    def register():
        @s2s.adjoint(weird_scale)
        def rule(x, *, ans, ans_bar):
            return ans_bar
    _refused(r"leaves out `y`", register)


def test_refuses_a_different_default():
    def register():
        @s2s.adjoint(weird_scale)
        def rule(x, y, power=3, *, ans, ans_bar):
            return ans_bar, ans_bar
    _refused(r"`power` has default 3 but in weird_scale.* default 2", register)


def test_refuses_a_rule_without_ans_and_ans_bar():
    def register():
        @s2s.adjoint(opaque_cube)
        def rule(x, g):
            return g * 3.0 * x * x
    _refused(r"keyword-only parameters must be exactly `\*, ans, ans_bar`", register)


def test_refuses_wrt_naming_a_missing_parameter():
    def register():
        @s2s.adjoint(opaque_cube, wrt="y")
        def rule(x, *, ans, ans_bar):
            return ans_bar
    _refused(r"wrt names 'y', which is not a parameter", register)


def test_refuses_the_wrong_number_of_adjoints():
    def register():
        @s2s.adjoint(weird_scale, wrt=("x", "y"))
        def rule(x, y, power=2, *, ans, ans_bar):
            return ans_bar * y
    _refused(r"must return a tuple of 2 adjoints", register)


@pytest.mark.parametrize("body,match", [
    ("    if x:\n        return ans_bar\n    return ans_bar\n", "must end with a return|only assignments"),
    ("    for i in range(2):\n        pass\n    return ans_bar\n", "only assignments"),
    ("    return ans_bar * undefined_name\n", "undefined name 'undefined_name'"),
    ("    a, b = x, x\n    return ans_bar\n", "only assignments to single names"),
])
def test_refuses_a_body_of_the_wrong_form(tmp_path, body, match):
    path = tmp_path / "bad_rule.py"
    path.write_text("def rule(x, *, ans, ans_bar):\n" + body)
    namespace = {}
    exec(compile(path.read_text(), str(path), "exec"), namespace)
    import linecache
    linecache.checkcache(str(path))
    _refused(match, lambda: s2s.adjoint(opaque_cube)(namespace["rule"]))


def test_refuses_a_tangent_without_an_adjoint():
    def lonely(x):
        return x

    def register():
        @s2s.tangent(lonely)
        def rule(x, *, ans, x_dot):
            return x_dot
    _refused(r"has no adjoint rule; register one with @s2s.adjoint\(lonely\)", register)


def test_refuses_a_tangent_whose_wrt_differs_from_the_adjoint():
    register_scale()

    def register():
        @s2s.tangent(weird_scale, wrt="x")
        def rule(x, y, power=2, *, ans, x_dot):
            return x_dot * y ** power
    _refused(r"differentiates x but the adjoint rule .* differentiates x, y", register)


def test_refuses_a_tangent_with_the_wrong_dot_parameters():
    register_cube()

    def register():
        @s2s.tangent(opaque_cube)
        def rule(x, *, ans, y_dot):
            return y_dot
    _refused(r"keyword-only parameters must be exactly `\*, ans, x_dot`", register)


def test_refuses_a_bare_decorator_and_a_non_function():
    def register_bare():
        @s2s.adjoint
        def rule(x, *, ans, ans_bar):
            return ans_bar
    _refused(r"looks like a rule, not the function it differentiates", register_bare)
    _refused(r"takes the function the rule is for", lambda: s2s.adjoint(3.0))
    _refused(r"kind must be one of", lambda: s2s.adjoint(opaque_cube, kind="diagonal"))
    _refused(r"for a function of one argument", lambda: s2s.adjoint(weird_scale, kind="elementwise")(
        lambda_free_rule))


def lambda_free_rule(x, ans):
    return np.ones_like(x)


def test_a_refused_rule_leaves_the_registry_as_it_was():
    before = templates.registry()
    with pytest.raises(s2s.TemplateError):
        @s2s.adjoint(weird_scale)
        def rule(x, *, ans, ans_bar):
            return ans_bar
    assert templates.registry() is before


def test_user_rules_do_not_change_the_builtin_registry():
    register_cube()
    assert templates.registry().rule_for(opaque_cube) is not None
    assert templates.builtin_registry().rule_for(opaque_cube) is None
    assert math.isfinite(float(s2s.grad(uses_cube)(X)[0]))


def test_sparse_jacobian_through_a_user_rule():
    """Patterns treat a user's primitive as dense (every output on every input): never too sparse."""
    sp = pytest.importorskip("scipy.sparse")
    x = np.linspace(0.2, 1.1, 4)
    with pytest.raises(s2s.S2SError, match="try"):  # before the rule: s2s cannot read opaque_cube
        s2s.jacobian_sparsity(cube, x)
    register_cube()
    pattern = s2s.jacobian_sparsity(cube, x)
    assert sp.issparse(pattern) and pattern.toarray().all()
    np.testing.assert_allclose(s2s.sparse_jacobian(cube)(x).toarray(), np.diag(3 * x * x), rtol=1e-13, atol=1e-13)

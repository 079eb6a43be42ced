"""Issue 17: dicts, dataclasses, named tuples, objects and bound methods as what s2s differentiates.

The shared table (tests/functions.py, the block marked "issue 17") checks these
arguments in every mode; this file checks what the table cannot hold: bound
methods and callable objects, the structure of gradients (None for entries
that are not floats), and the S2SError of each construct still refused.
"""
import collections
import dataclasses

import numpy as np
import pytest

import s2s


@dataclasses.dataclass
class Model:
    w: np.ndarray
    b: float
    name: str = "model"

    def loss(self, x, y):
        return np.sum((np.tanh(x @ self.w + self.b) - y) ** 2)

    def __call__(self, x):
        return np.sum(np.sin(x @ self.w) * self.b)

    def uses_predict(self, x):
        return np.sum(self.predict(x))

    def predict(self, x):
        return x @ self.w


class Plain:
    def __init__(self):
        self.w = np.array([0.3, -0.2])
        self.k = 2

    def energy(self, x):
        return np.sum(self.w * x ** 2) * self.k


Pair = collections.namedtuple("Pair", "scale shift")

X = np.array([[0.3, 0.4], [-0.5, 0.9], [1.0, 0.2]])
Y = np.full((3, 2), 0.1)


def model():
    return Model(np.array([[0.5, -0.3], [0.2, 0.8]]), 0.1)


def test_a_bound_method_is_differentiated_with_respect_to_its_arguments():
    m = model()
    g = s2s.grad(m.loss)(X, Y)
    assert g.shape == X.shape
    s2s.check_grad(m.loss, X, Y)
    s2s.check_grad(m.loss, X, Y, wrt=1)
    np.testing.assert_allclose(s2s.grad(Model.loss, wrt=1)(m, X, Y), g)


def test_wrt_self_gives_an_object_of_the_same_class():
    m = model()
    g = s2s.grad(m.loss, wrt="self")(X, Y)
    assert type(g) is Model and g.name is None and g.w.shape == m.w.shape
    s2s.check_grad(m.loss, X, Y, wrt="self")
    gx, gm = s2s.grad(m.loss, wrt=(0, "self"))(X, Y)
    np.testing.assert_allclose(gm.w, g.w)
    assert np.array_equal(m.w, model().w) and m.b == 0.1  # the object is left unchanged


def test_a_callable_object_and_a_plain_object():
    m = model()
    s2s.check_grad(m, X)
    s2s.check_grad(m, X, wrt="self")
    p = Plain()
    g = s2s.grad(p.energy, wrt="self")(np.array([1.0, 2.0]))
    assert type(g) is Plain and g is not p and g.k is None
    np.testing.assert_allclose(g.w, [2.0, 8.0])
    s2s.check_grad(p.energy, np.array([1.0, 2.0]), wrt="self")


def test_jvp_and_vjp_of_methods():
    m = model()
    out, t = s2s.jvp(m.loss)(X, Y, np.ones_like(X))
    assert np.isclose(out, m.loss(X, Y))
    np.testing.assert_allclose(t, np.sum(s2s.grad(m.loss)(X, Y)))
    out, cot = s2s.vjp(m, wrt="self")(X, 2.0)
    np.testing.assert_allclose(cot.w, 2.0 * s2s.grad(m, wrt="self")(X).w)


def dict_loss(params, x):
    return np.sum(np.tanh(x @ params["W"]) * params["s"]) + params["n"]


PARAMS = {"W": np.array([[0.5, -0.3], [0.2, 0.8]]), "s": 1.5, "n": 3, "label": "net"}


def test_non_float_entries_get_none():
    g = s2s.grad(dict_loss)(PARAMS, X)
    assert list(g) == ["W", "s", "n", "label"] and g["n"] is None and g["label"] is None
    s2s.check_grad(dict_loss, PARAMS, X)


def test_a_wrong_tangent_or_cotangent_names_the_entry():
    with pytest.raises(s2s.S2SError, match=r"\['W'\]: shape \(2,\) instead of shape \(2, 2\)"):
        s2s.jvp(dict_loss)(PARAMS, X, dict(PARAMS, W=np.ones(2)))
    with pytest.raises(s2s.S2SError, match=r"entries \('W'\) instead of \('W', 's', 'n', 'label'\)"):
        s2s.jvp(dict_loss)(PARAMS, X, {"W": np.ones((2, 2))})
    # a non-float entry of a tangent counts as zero, whatever it holds
    _, t = s2s.jvp(dict_loss)(PARAMS, X, dict(PARAMS, W=np.zeros((2, 2)), s=0.0, n=100.0))
    assert t == 0.0


def returns_a_record(p, t):
    return Pair(p.scale * t, p.shift + t)


def namedtuple_result(p, t):
    return p.scale * t, p.shift + t


def test_vjp_of_a_function_reading_a_named_tuple():
    p = Pair(0.5, 2.0)
    out, cot = s2s.vjp(namedtuple_result)(p, np.arange(3.0), (np.ones(3), np.ones(3)))
    assert type(cot) is Pair
    np.testing.assert_allclose([cot.scale, cot.shift], [3.0, 3.0])
    out, cot = s2s.vjp(returns_a_record)(p, np.arange(3.0), Pair(np.ones(3), np.ones(3)))  # built: issue 17
    assert type(out) is Pair and type(cot) is Pair
    np.testing.assert_allclose([cot.scale, cot.shift], [3.0, 3.0])


def test_jacobian_hessian_and_batched_vjp_take_dicts():
    # in full: tests/test_containers_jacobians.py
    jac = s2s.jacobian(dict_loss)(PARAMS, X)
    assert list(jac) == list(PARAMS) and jac["n"] is None and jac["W"].shape == (2, 2)
    np.testing.assert_allclose(jac["W"], s2s.grad(dict_loss)(PARAMS, X)["W"])
    hess = s2s.hessian(dict_loss)(PARAMS, X)
    assert hess["n"] is None and hess["W"]["s"].shape == (2, 2) and hess["W"]["label"] is None
    _, cot = s2s.vjp(dict_loss, batch=True)(PARAMS, X, np.array([1.0, 2.0]))
    np.testing.assert_allclose(cot["s"], np.array([1.0, 2.0]) * s2s.grad(dict_loss)(PARAMS, X)["s"])
    assert s2s.jacobian_sparsity(dict_loss, PARAMS, X).shape == (1, 5)  # columns: W's four elements, then s


def reads_real(p):
    return p.base * 2.0


def uses_get(d):
    return d.get("a") * 2.0


def builds_a_dict(x):
    d = {"a": x}
    return d["a"]


def test_constructs_not_supported_yet_raise_s2serror():
    with pytest.raises(s2s.S2SError, match=r"ndarray attribute `\.base`"):
        s2s.grad(reads_real)(Pair(1.0, 2.0))
    assert s2s.grad(uses_get)({"a": 1.0}) == {"a": 2.0}  # d.get is differentiated now (tests/functions.py)
    assert s2s.grad(builds_a_dict)(1.0) == 1.0  # built dicts: tests/test_containers_built.py
    with pytest.raises(s2s.S2SError, match="not one of a method"):
        s2s.grad(s2s.grad(model().loss))(X, Y)


class Other:
    def __init__(self):
        self.v = np.array([1.0, 2.0])

    def predict(self, x):  # the same name as Model.predict, another method
        return x * self.v

    @staticmethod
    def helper(x):
        return x * 2.0

    def uses_helper(self, x):
        return np.sum(self.helper(x))


def both(m, o, x):
    return np.sum(m.predict(x)) + np.sum(o.predict(x))


def test_calls_to_other_methods_of_the_class_are_differentiated():
    m = model()
    np.testing.assert_allclose(s2s.grad(m.uses_predict)(X), np.tile(m.w.sum(axis=1), (3, 1)))
    s2s.check_grad(m.uses_predict, X)
    s2s.check_grad(m.uses_predict, X, wrt="self")
    s2s.check_grad(Model.uses_predict, m, X, wrt=(0, 1))
    out, t = s2s.jvp(m.uses_predict)(X, np.ones_like(X))
    np.testing.assert_allclose(t, np.sum(s2s.grad(m.uses_predict)(X)))
    assert "predict_fwd(self, x)" in s2s.source(s2s.grad(m.uses_predict))


def test_an_ambiguous_or_static_method_stays_refused():
    with pytest.raises(s2s.S2SError, match=r"no rule for the method `\.predict\(\)`"):
        s2s.grad(both, wrt=2)(model(), Other(), X[:, :2])
    with pytest.raises(s2s.S2SError, match=r"no rule for the method `\.helper\(\)`"):
        s2s.grad(Other().uses_helper)(np.ones(2))

"""The gradient oracle rejects wrong gradients and accepts right ones.

These tests use hand-written gradients with ``s2s.api.check.compare`` (the work
horse of ``s2s.check_grad``), so they do not depend on the differentiator.
"""
import collections

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from s2s.api.check import FULL_CHECK_SIZE, compare


def lecture(x1, x2):
    return np.log(x1) + x1 * x2 - np.sin(x2)


def lecture_grad(x1, x2):
    return 1.0 / x1 + x2, x1 - np.cos(x2)


def tanh_energy(x):
    return np.sum(np.tanh(x) ** 2)


def tanh_energy_grad(x):
    t = np.tanh(x)
    return 2 * t * (1 - t * t)


def rejects(grad_fn, f, args, match=None, **options):
    with pytest.raises(AssertionError, match=match) as info:
        compare(grad_fn, f, args, **options)
    return str(info.value)


# -- accepts ---------------------------------------------------------------

def test_accepts_scalar_gradients_of_the_lecture_example():
    compare(lecture_grad, lecture, (2.0, 5.0), wrt=(0, 1))
    compare(lambda a, b: lecture_grad(a, b)[1], lecture, (2.0, 5.0), wrt=1)
    compare(lambda a, b: (lecture_grad(a, b)[0],), lecture, (2.0, 5.0), wrt=(0,))


@pytest.mark.parametrize("n", [1, 5, FULL_CHECK_SIZE, 500])
def test_accepts_array_gradients_small_and_large(rng, n):
    compare(tanh_energy_grad, tanh_energy, (rng.standard_normal(n),))


def test_accepts_float32_and_numpy_scalars(rng):
    x = rng.standard_normal((4, 5)).astype(np.float32)
    compare(tanh_energy_grad, tanh_energy, (x,))
    compare(tanh_energy_grad, tanh_energy, (np.float32(0.3),))
    compare(tanh_energy_grad, tanh_energy, (np.float64(0.3),))
    compare(tanh_energy_grad, tanh_energy, (np.array(0.3),))


def test_float32_function_that_refuses_float64_still_checks(rng):
    def strict(x):
        assert x.dtype == np.float32
        return np.sum(x * x)

    x = rng.standard_normal(8).astype(np.float32)
    compare(lambda x: 2 * x, strict, (x,))
    rejects(lambda x: 2.2 * x, strict, (x,))


def test_accepts_parameter_names_keywords_and_nested_containers(rng):
    def loss(params, data, scale=1.0):
        (w, b), n = params, len(data)
        return scale * np.sum((data @ w + b) ** 2) / n

    def loss_grad(params, data, scale=1.0):
        (w, b), n = params, len(data)
        r = 2 * scale * (data @ w + b) / n
        return [data.T @ r, np.sum(r)]

    params = [rng.standard_normal(3), 0.5]
    data = rng.standard_normal((7, 3))
    compare(loss_grad, loss, (params, data), wrt="params", kwargs={"scale": 2.0})
    compare(lambda *a, **k: (loss_grad(*a, **k),), loss, (params, data), wrt=("params",))


def test_integer_leaves_are_not_differentiated():
    def f(pair):
        x, k = pair
        return x ** k

    compare(lambda pair: (3 * pair[0] ** 2, 0), f, ((2.0, 3),))
    compare(lambda pair: (3 * pair[0] ** 2, None), f, ((2.0, 3),))


def test_named_tuples_keep_their_type():
    Point = collections.namedtuple("Point", "x y")

    def f(p):
        return p.x * p.y

    compare(lambda p: Point(p.y, p.x), f, (Point(2.0, 3.0),))
    rejects(lambda p: (p.y, p.x), f, (Point(2.0, 3.0),), match="Point")


# -- rejects wrong values --------------------------------------------------

def test_rejects_a_wrong_scalar_partial_and_names_it():
    message = rejects(lambda a, b: (1.0 / a + b, a + np.cos(b)), lecture, (2.0, 5.0), wrt=(0, 1))
    assert "argument 1 ('x2')" in message
    assert "max abs error" in message and "max rel error" in message
    assert "1.716" in message and "2.283" in message  # the two values


@pytest.mark.parametrize("n", [5, FULL_CHECK_SIZE, 500])
def test_rejects_a_gradient_one_percent_off(rng, n):
    x = rng.standard_normal(n)
    rejects(lambda x: 1.01 * tanh_energy_grad(x), tanh_energy, (x,))


@pytest.mark.parametrize("n", [5, 500])
def test_rejects_float32_gradient_one_percent_off(rng, n):
    x = rng.standard_normal(n).astype(np.float32)
    rejects(lambda x: (1.01 * tanh_energy_grad(x)).astype(np.float32), tanh_energy, (x,))


def test_rejects_one_wrong_element_of_a_small_array(rng):
    x = rng.standard_normal(10)

    def off_by_one_element(x):
        g = tanh_energy_grad(x)
        g[7] += 1e-3
        return g

    message = rejects(off_by_one_element, tanh_energy, (x,))
    assert "1 of 10 values" in message and "(7,)" in message


def test_rejects_a_wrong_leaf_in_a_container(rng):
    def f(pair):
        return np.sum(pair[0] * pair[1])

    pair = (rng.standard_normal(3), rng.standard_normal(3))
    compare(lambda p: (p[1], p[0]), f, (pair,))
    message = rejects(lambda p: (p[1], p[1]), f, (pair,))
    assert "argument 0 ('pair')[1]" in message


def test_rejects_swapped_gradients():
    rejects(lambda a, b: lecture_grad(a, b)[::-1], lecture, (2.0, 5.0), wrt=(0, 1))


# -- rejects wrong structure, shape and dtype ------------------------------

def test_rejects_wrong_shape(rng):
    x = rng.standard_normal(4)
    rejects(lambda x: tanh_energy_grad(x).reshape(1, 4), tanh_energy, (x,), match="shape")
    rejects(lambda x: tanh_energy_grad(x)[:3], tanh_energy, (x,), match="shape")
    rejects(lambda x: np.array([2.0 * x]), lambda x: x * x, (1.5,), match="shape")


@pytest.mark.parametrize("arg_dtype, grad_dtype", [
    (np.float32, np.float64), (np.float64, np.float32), (np.float32, np.float16)])
def test_rejects_wrong_dtype(rng, arg_dtype, grad_dtype):
    x = rng.standard_normal(4).astype(arg_dtype)
    rejects(lambda x: tanh_energy_grad(x).astype(grad_dtype), tanh_energy, (x,), match="dtype")


def test_rejects_float32_scalar_gradient_of_a_python_float():
    rejects(lambda x: np.float32(2 * x), lambda x: x * x, (1.5,), match="dtype")
    rejects(lambda x: 3, lambda x: 3 * x, (1.5,), match="dtype")


def test_rejects_wrong_containers():
    rejects(lambda a, b: [1 / a + b, a - np.cos(b)], lecture, (2.0, 5.0), wrt=(0, 1), match="tuple")
    rejects(lambda a, b: 1 / a + b, lecture, (2.0, 5.0), wrt=(0,), match="tuple of 1")

    def f(pair):
        return pair[0] * pair[1]

    rejects(lambda p: [p[1], p[0]], f, ((2.0, 3.0),), match="tuple of length 2")
    rejects(lambda p: (p[1],), f, ((2.0, 3.0),), match="length")
    rejects(lambda p: np.array([p[1], p[0]]), f, ((2.0, 3.0),), match="array")


# -- rejects mutation ------------------------------------------------------

def test_rejects_a_gradient_that_modifies_its_input(rng):
    def in_place(x):
        t = np.tanh(x, out=x)
        t *= 2 * (1 - t * t)
        return t

    rejects(in_place, tanh_energy, (rng.standard_normal(6),), match="modified argument 0")


def test_rejects_modification_of_a_non_differentiated_argument(rng):
    def f(x, data):
        return np.sum(x * data)

    def grad_touching_data(x, data):
        data[0] = 0.0
        return data.copy()

    rejects(grad_touching_data, f, (rng.standard_normal(3), rng.standard_normal(3)),
            match="modified argument 1")


def test_rejects_modification_inside_a_container(rng):
    def f(pair):
        return np.sum(pair[0] * pair[1])

    def grad_overwriting(pair):
        pair[1][0] = 1.0
        return [pair[1], pair[0]]

    rejects(grad_overwriting, f, ([rng.standard_normal(3), rng.standard_normal(3)],),
            match="modified")


def test_a_probe_off_the_domain_is_a_mismatch_not_a_numpy_warning(recwarn):
    """check_grad, not the user, chose the point x - h where sqrt is NaN: the mismatch says so, NumPy does not."""
    rejects(lambda x: 0.5 / np.sqrt(x), lambda x: np.sum(np.sqrt(x)), (np.array([1e-7, 1.0]),),
            match="numeric nan")
    assert [str(w.message) for w in recwarn] == []


# -- arguments of the oracle itself ----------------------------------------

def test_bad_wrt_is_a_usage_error():
    with pytest.raises(ValueError):
        compare(lecture_grad, lecture, (2.0, 5.0), wrt=2)
    with pytest.raises(ValueError):
        compare(lecture_grad, lecture, (2.0, 5.0), wrt="y")
    with pytest.raises(TypeError):
        compare(lecture_grad, lecture, (2.0, 5.0), wrt=1.0)


def test_non_scalar_function_is_a_usage_error(rng):
    with pytest.raises(TypeError, match="scalar"):
        compare(lambda x: np.ones_like(x), lambda x: 2 * x, (rng.standard_normal(3),))


def test_check_is_deterministic(rng):
    x = rng.standard_normal(200)
    first = rejects(lambda x: 1.01 * tanh_energy_grad(x), tanh_energy, (x,), seed=3)
    assert first == rejects(lambda x: 1.01 * tanh_energy_grad(x), tanh_energy, (x,), seed=3)


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 100), scale=st.floats(0.1, 10.0), error=st.floats(0.01, 0.5),
       seed=st.integers(0, 2 ** 16))
def test_quadratic_forms_right_accepted_and_scaled_rejected(n, scale, error, seed):
    r = np.random.default_rng(seed)
    a = r.standard_normal((n, n))
    a = a @ a.T + np.eye(n)
    x = scale * r.standard_normal(n)

    def f(x):
        return 0.5 * x @ a @ x

    compare(lambda x: a @ x, f, (x,))
    with pytest.raises(AssertionError):
        compare(lambda x: (1 + error) * (a @ x), f, (x,))

"""Issue 17, part A: jacobian, hessian, vjp(batch=True) and the sparse functions with respect to containers.

One table of rows (dict of arrays, dataclass, named tuple, nested dict of
tuples, containers holding ints and strings, a list, a tuple ``wrt`` mixing a
container and an array), each with a function of vector (or tuple) result
and a scalar one. The oracle is central differences, computed here from the
function alone by perturbing one element of one leaf at a time; forward and
reverse Jacobians must agree, a Hessian must match the differences of the
gradient and be symmetric, and no argument may change. The layout is JAX's:
result structure outside, a tuple over ``wrt`` next, the argument's structure
inside, each leaf of shape ``out_leaf.shape + leaf.shape``; entries that are
not floats get ``None`` in a dict or record and zeros in a list or tuple, as
``grad`` gives them.
"""
import collections
import copy
import dataclasses

import numpy as np
import pytest

import s2s
from s2s.runtime import entries, is_named, is_record

try:
    from . import functions
    from .test_forward import random_like, wrt_values
    from .test_reverse import assert_tree_close, assert_unchanged
except ImportError:
    import functions
    from test_forward import random_like, wrt_values
    from test_reverse import assert_tree_close, assert_unchanged

H = 1e-6
RTOL, ATOL = 1e-6, 1e-7


@dataclasses.dataclass
class Wave:
    amp: float
    freq: np.ndarray
    label: str = "wave"
    harmonics: int = 2


Affine = collections.namedtuple("Affine", "scale shift")


def dict_layer(params, x):
    return np.tanh(x @ params["W"] + params["b"]) * params["s"] + params["n"]


def dict_layer_loss(params, x):
    return np.sum(dict_layer(params, x) ** 2)


def wave(p, t):
    return p.amp * np.sin(p.freq * t) * p.harmonics


def wave_loss(p, t):
    return np.sum(wave(p, t) ** 2) + p.amp ** 3


def affine_pair(a, x):
    y = a.scale * x + a.shift
    return np.exp(y), np.sum(y * y)


def affine_loss(a, x):
    return np.sum(np.exp(a.scale * x + a.shift)) * a.scale


def nested(tree, x):
    first, second = tree["layers"][0], tree["layers"][1]
    h = np.tanh(x @ first[0] + first[1])
    return np.sin(h @ second[0]) * tree["out"]["gain"] + second[1]


def nested_loss(tree, x):
    return np.sum(nested(tree, x) ** 2) + tree["out"]["gain"] ** 2


def with_ints(items, x):
    return items[0] * x ** items[1] + np.cos(items[2]) * items[3]["c"]


def with_ints_loss(items, x):
    return np.sum(with_ints(items, x) ** 2) * items[3]["c"]


def of_a_list(ws, x):
    return np.sin(ws[0] * x) + ws[1] @ x


def of_a_list_loss(ws, x):
    return np.sum(of_a_list(ws, x) ** 3)


Row = collections.namedtuple("Row", "name fn loss args wrt")
ROWS = [
    Row("dict_of_arrays", dict_layer, dict_layer_loss,
        ({"W": np.array([[0.5, -0.3, 0.1], [0.2, 0.8, 0.3]]), "b": np.array([0.1, -0.2, 0.3]), "s": 1.5, "n": 3,
          "label": "net"}, np.array([0.3, -0.7])), 0),
    Row("dataclass", wave, wave_loss, (Wave(1.3, np.array([0.4, -1.1, 0.7])), np.array([0.5, 1.5, -0.8])), 0),
    Row("namedtuple_tuple_result", affine_pair, affine_loss, (Affine(0.7, np.array([0.1, -0.4])), np.array([0.3, 0.9])),
        0),
    Row("nested_dict_of_tuples", nested, nested_loss,
        ({"layers": ((np.array([[0.4, -0.2], [0.3, 0.6]]), np.array([0.1, -0.1])),
                     (np.array([[0.5, 0.2, -0.3], [0.1, -0.7, 0.4]]), np.array([0.2, 0.0, -0.2]))),
          "out": {"gain": 1.2, "name": "head"}}, np.array([0.8, -0.5])), 0),
    Row("int_and_str_leaves", with_ints, with_ints_loss,
        ([0.9, 2, np.array([0.3, -0.6]), {"c": 1.1, "k": 4, "tag": None}], np.array([0.7, 1.3])), 0),
    Row("list_of_arrays", of_a_list, of_a_list_loss, ([np.array([0.3, -0.8]), np.array([[0.2, 0.5], [-0.4, 0.1]])],
                                                       np.array([0.6, -0.2])), 0),
    Row("container_and_array", dict_layer, dict_layer_loss,
        ({"W": np.array([[0.5, -0.3], [0.2, 0.8]]), "b": np.array([0.1, -0.2]), "s": 0.8, "n": 1},
         np.array([0.3, -0.7])), (0, 1)),
    Row("dataclass_and_array", wave, wave_loss, (Wave(0.9, np.array([0.6, 1.2])), np.array([0.2, -0.4])), (1, 0)),
]


# --- the oracle: structure and central differences, written independently of s2s/api/treejac.py ---------------

def _is_float(x):
    if isinstance(x, (bool, np.bool_)):
        return False
    if isinstance(x, np.ndarray):
        return np.issubdtype(x.dtype, np.floating)
    return isinstance(x, (float, np.floating))


def _map(x, fn, named=False):
    """``x`` with each leaf ``v`` replaced by ``fn(v, named)``; ``named``: an entry of a dict or record."""
    if is_named(x):
        values = {k: _map(v, fn, True) for k, v in entries(x)}
        if isinstance(x, dict):
            return values
        return dataclasses.replace(x, **values)
    if isinstance(x, tuple) and hasattr(x, "_fields"):
        return type(x)(*[_map(v, fn) for v in x])
    if isinstance(x, (list, tuple)):
        return type(x)(_map(v, fn) for v in x)
    return fn(x, named)


def _float_elements(x):
    """(getter-setter path, index) of every element of every float leaf of ``x``."""
    if is_named(x):
        for k, v in entries(x):
            for path, i in _float_elements(v):
                yield ((k, is_record(x)),) + path, i
    elif isinstance(x, (list, tuple)):
        for j, v in enumerate(x):
            for path, i in _float_elements(v):
                yield ((j, False),) + path, i
    elif _is_float(x):
        for i in np.ndindex(np.shape(x)):
            yield (), i


def _get(x, path):
    for key, attr in path:
        x = getattr(x, key) if attr else x[key]
    return x


def _bumped(x, path, index, h):
    """A copy of ``x`` with element ``index`` of the leaf at ``path`` moved by ``h``."""
    if not path:
        if isinstance(x, np.ndarray):
            y = x.copy()
            y[index] += h
            return y
        return x + h
    (key, attr), rest = path[0], path[1:]
    if attr:
        return dataclasses.replace(x, **{key: _bumped(getattr(x, key), rest, index, h)})
    if isinstance(x, dict):
        return dict(x, **{key: _bumped(x[key], rest, index, h)}) if isinstance(key, str) else \
            {k: (_bumped(v, rest, index, h) if k == key else v) for k, v in x.items()}
    items = [_bumped(v, rest, index, h) if j == key else v for j, v in enumerate(x)]
    return type(x)(*items) if hasattr(x, "_fields") else type(x)(items)


def _result_leaves(out):
    return list(out) if isinstance(out, tuple) else [out]


def numeric_jacobian(fn, args, argnum):
    """d fn / d args[argnum] by central differences: the result's leaves outside (a tuple for a tuple result),
    the argument's structure inside with blocks of shape out_leaf.shape + leaf.shape."""
    value = args[argnum]
    outs = _result_leaves(fn(*args))
    blocks = [{} for _ in outs]  # per output leaf: (path of the leaf of value) -> {index: derivative}
    for path, index in _float_elements(value):
        def at(h):
            moved = list(args)
            moved[argnum] = _bumped(value, path, index, h)
            return _result_leaves(fn(*moved))
        plus, minus = at(H), at(-H)
        for o in range(len(outs)):
            blocks[o].setdefault(path, {})[index] = (np.asarray(plus[o]) - np.asarray(minus[o])) / (2 * H)
    jac = []
    for o, leaf in enumerate(outs):
        def block(v, path, named, o=o, leaf=leaf):
            if not _is_float(v):
                return None if named else np.zeros(np.shape(leaf) + np.shape(v))
            b = np.zeros(np.shape(leaf) + np.shape(v))
            for index, d in blocks[o].get(path, {}).items():
                b[(Ellipsis,) + index] = d
            return b
        jac.append(_with_paths(value, block))
    return tuple(jac) if isinstance(fn(*args), tuple) else jac[0]


def _with_paths(value, block, path=(), named=False):
    """``value`` with each leaf ``v`` replaced by ``block(v, path, named)`` (paths as ``_float_elements``)."""
    if is_named(value):
        values = {k: _with_paths(v, block, path + ((k, is_record(value)),), True) for k, v in entries(value)}
        return values if isinstance(value, dict) else dataclasses.replace(value, **values)
    if isinstance(value, (list, tuple)):
        items = [_with_paths(v, block, path + ((j, False),)) for j, v in enumerate(value)]
        return type(value)(*items) if hasattr(value, "_fields") else type(value)(items)
    return block(value, path, named)


def expected_jacobian(fn, args, wrt):
    """The documented layout: result structure outside, a tuple over a tuple ``wrt`` inside each output leaf."""
    if not isinstance(wrt, tuple):
        return numeric_jacobian(fn, args, wrt)
    per_wrt = [numeric_jacobian(fn, args, w) for w in wrt]
    if isinstance(fn(*args), tuple):
        return tuple(tuple(p[o] for p in per_wrt) for o in range(len(per_wrt[0])))
    return tuple(per_wrt)


def _ids(row):
    return row.name


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize("row", ROWS, ids=_ids)
def test_jacobian_matches_central_differences(row, mode):
    args = copy.deepcopy(row.args)
    got = s2s.jacobian(row.fn, wrt=row.wrt, mode=mode)(*args)
    assert_unchanged(args, row.args)
    assert_tree_close(got, expected_jacobian(row.fn, row.args, row.wrt), RTOL, ATOL, "jacobian")


@pytest.mark.parametrize("row", ROWS, ids=_ids)
def test_forward_and_reverse_jacobians_agree(row):
    reverse = s2s.jacobian(row.fn, wrt=row.wrt)(*copy.deepcopy(row.args))
    forward = s2s.jacobian(row.fn, wrt=row.wrt, mode="forward")(*copy.deepcopy(row.args))
    assert_tree_close(forward, reverse, 1e-12, 1e-14, "forward vs reverse")


def _grad_of(row):
    """The gradient as a function of the wrt arguments, for the differences of the Hessian's oracle."""
    return s2s.grad(row.loss, wrt=row.wrt)


@pytest.mark.parametrize("row", ROWS, ids=_ids)
def test_hessian_matches_differences_of_the_gradient(row):
    args = copy.deepcopy(row.args)
    got = s2s.hessian(row.loss, wrt=row.wrt)(*args)
    assert_unchanged(args, row.args)
    gradient = _grad_of(row)
    s2s.check_grad(row.loss, *copy.deepcopy(row.args), wrt=row.wrt)  # the gradient the oracle differentiates

    def g(*a):
        out = gradient(*a)
        return out if isinstance(row.wrt, tuple) else (out,)
    wrts = row.wrt if isinstance(row.wrt, tuple) else (row.wrt,)
    grads = g(*row.args)
    for i, gi in enumerate(grads):
        for j, w in enumerate(wrts):
            want = _grad_blocks(lambda *a, i=i: g(*a)[i], row.args, w, gi)
            for path, block in want.items():
                here = _get(got[i] if isinstance(row.wrt, tuple) else got, path)
                here = here[j] if isinstance(row.wrt, tuple) and here is not None else here
                assert_tree_close(here, block, 1e-5, 1e-6, "H[{}]{}[{}]".format(i, path, j))


def _grad_blocks(gi, args, argnum, like):
    """d (gradient i) / d args[argnum] by central differences, per leaf of the gradient (a flat dict path -> block)."""
    out = {}
    for path, leaf in _paths(like):
        if leaf is None:
            out[path] = None
            continue
        out[path] = numeric_jacobian(lambda *a, path=path: np.asarray(_get(gi(*a), path), dtype=float), args,
                                     argnum)
    return out


def _paths(x, path=()):
    if is_named(x):
        for k, v in entries(x):
            yield from _paths(v, path + ((k, is_record(x)),))
    elif isinstance(x, (list, tuple)):
        for j, v in enumerate(x):
            yield from _paths(v, path + ((j, False),))
    else:
        yield path, x


@pytest.mark.parametrize("row", [r for r in ROWS if not isinstance(r.wrt, tuple)], ids=_ids)
def test_hessian_is_symmetric(row):
    hess = s2s.hessian(row.loss, wrt=row.wrt)(*copy.deepcopy(row.args))
    value = row.args[row.wrt]
    floats = [(p, leaf) for p, leaf in _paths(value) if _is_float(leaf)]
    for p1, l1 in floats:
        for p2, l2 in floats:
            a = np.reshape(_get(_get(hess, p1), p2), (np.size(l1), np.size(l2)))
            b = np.reshape(_get(_get(hess, p2), p1), (np.size(l2), np.size(l1)))
            np.testing.assert_allclose(a, b.T, rtol=1e-10, atol=1e-12, err_msg="{} {}".format(p1, p2))


@pytest.mark.parametrize("row", ROWS, ids=_ids)
def test_batched_vjp_stacks_the_cotangents_of_each_leaf(row):
    rng = np.random.default_rng(3)
    out = row.fn(*row.args)
    douts = [_map(out, lambda v, _n: rng.standard_normal(np.shape(v)) if np.ndim(v) else float(
        rng.standard_normal())) for _ in range(3)]
    one = s2s.vjp(row.fn, wrt=row.wrt)
    singles = [one(*copy.deepcopy(row.args), d)[1] for d in douts]
    stacked = tuple(np.stack(leaves) for leaves in zip(*[_result_leaves(d) for d in douts]))
    stacked = stacked if isinstance(out, tuple) else stacked[0]
    args = copy.deepcopy(row.args)
    value, batched = s2s.vjp(row.fn, wrt=row.wrt, batch=True)(*args, stacked)
    assert_unchanged(args, row.args)
    want = _stack_trees(singles)
    assert_tree_close(batched, want, 1e-12, 1e-14, "batched cotangents")


def _stack_trees(trees):
    first = trees[0]
    if first is None:
        return None
    if is_named(first):
        values = {k: _stack_trees([dict(entries(t))[k] for t in trees]) for k, _ in entries(first)}
        return values if isinstance(first, dict) else dataclasses.replace(first, **values)
    if isinstance(first, (list, tuple)):
        items = [_stack_trees([t[j] for t in trees]) for j in range(len(first))]
        return type(first)(*items) if hasattr(first, "_fields") else type(first)(items)
    return np.stack([np.asarray(t, dtype=float) for t in trees])


@dataclasses.dataclass
class Model:
    w: np.ndarray
    b: float
    name: str = "model"

    def predict(self, x):
        return np.tanh(self.w * x) + self.b

    def loss(self, x):
        return np.sum(self.predict(x) ** 2) * self.b


def test_bound_methods_with_respect_to_self_and_their_arguments():
    m, x = Model(np.array([0.3, 0.5]), 0.2), np.array([1.0, -2.0])
    for mode in ("reverse", "forward"):
        jac = s2s.jacobian(m.predict, wrt="self", mode=mode)(x)
        assert type(jac) is Model and jac.name is None
        assert_tree_close(jac, numeric_jacobian(Model.predict, (m, x), 0), RTOL, ATOL, "d predict / d self")
        assert_tree_close(s2s.jacobian(m.predict, mode=mode)(x), numeric_jacobian(Model.predict, (m, x), 1), RTOL,
                          ATOL, "d predict / d x")
    hess = s2s.hessian(m.loss, wrt="self")(x)
    assert_tree_close(hess, s2s.hessian(Model.loss)(m, x), 1e-14, 0.0, "hessian of the bound method")
    assert type(hess.w) is Model and hess.name is None and hess.w.name is None
    np.testing.assert_allclose(hess.w.b, hess.b.w, rtol=1e-12)
    assert_tree_close(s2s.hessian(m.loss)(x), s2s.hessian(Model.loss, wrt=1)(m, x), 1e-14, 0.0, "hessian in x")


def complex_entry(p, x):
    return np.sum(np.abs(p["z"] * x) ** 2) + p["k"]


def only_ints(p, x):
    return x * p["k"]


def test_what_has_no_float_or_is_complex():
    x = np.array([1.0, 2.0])
    assert s2s.jacobian(only_ints)({"k": 2}, x) == {"k": None}
    assert s2s.jacobian(only_ints, mode="forward")({"k": 2}, x) == {"k": None}
    assert s2s.hessian(complex_entry, wrt=1)({"z": np.array([1 + 1j, 2j]), "k": 1}, x).shape == (2, 2)
    with pytest.raises(s2s.S2SError, match=r"hessian of complex_entry with respect to `p\['z'\]`, which is complex"):
        s2s.hessian(complex_entry)({"z": np.array([1 + 1j, 2j]), "k": 1}, x)


# --- sparse: the float elements of a container are the columns, leaf by leaf in order, C order inside ----------

SINGLE = [r for r in ROWS if not isinstance(r.wrt, tuple)]


def flat_jacobian(fn, args, argnum):
    """Central differences as a matrix: rows the result's elements (leaf by leaf), columns the float elements of
    args[argnum] in the documented order."""
    value = args[argnum]
    columns = []
    for path, index in _float_elements(value):
        def at(h):
            moved = list(args)
            moved[argnum] = _bumped(value, path, index, h)
            return np.concatenate([np.ravel(o) for o in _result_leaves(fn(*moved))])
        columns.append((at(H) - at(-H)) / (2 * H))
    return np.stack(columns, axis=1)


def flat_gradient(row):
    gradient = s2s.grad(row.loss, wrt=row.wrt)

    def g(*a):
        out = gradient(*a)
        return tuple(np.asarray(_get(out, path), dtype=float) for path, _ in _float_elements_paths(row.args[row.wrt]))
    return g


def _float_elements_paths(value):
    seen = []
    for path, _ in _float_elements(value):
        if path not in [p for p, _ in seen]:
            seen.append((path, None))
    return seen


@pytest.mark.parametrize("row", SINGLE, ids=_ids)
def test_sparse_jacobian_and_its_pattern(row):
    args = copy.deepcopy(row.args)
    want = flat_jacobian(row.fn, row.args, row.wrt)
    pattern = s2s.jacobian_sparsity(row.fn, *args, wrt=row.wrt).toarray()
    assert pattern.shape == want.shape
    assert not np.any((np.abs(want) > 1e-9) & ~pattern), "the pattern misses nonzeros"
    for mode in ("forward", "reverse"):
        got = s2s.sparse_jacobian(row.fn, wrt=row.wrt, mode=mode)(*args)
        np.testing.assert_allclose(got.toarray(), want, rtol=RTOL, atol=ATOL, err_msg=mode)
    assert_unchanged(args, row.args)


@pytest.mark.parametrize("row", SINGLE, ids=_ids)
def test_sparse_hessian_and_its_pattern(row):
    args = copy.deepcopy(row.args)
    want = flat_jacobian(flat_gradient(row), row.args, row.wrt)
    pattern = s2s.hessian_sparsity(row.loss, *args, wrt=row.wrt).toarray()
    assert not np.any((np.abs(want) > 1e-7) & ~pattern), "the pattern misses nonzeros"
    got = s2s.sparse_hessian(row.loss, wrt=row.wrt)(*args).toarray()
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got, got.T, rtol=1e-12, atol=1e-14)
    assert_unchanged(args, row.args)


def test_columns_map_back_to_leaf_and_index():
    from s2s.api.treejac import Flat

    params = ROWS[0].args[0]  # W (2, 3), b (3,), s, then n and label: no columns
    flat = Flat(params)
    assert flat.size == 10
    assert [flat.where(j) for j in (0, 4, 6, 9)] == [("['W']", (0, 0)), ("['W']", (1, 1)), ("['b']", (0,)),
                                                     ("['s']", ())]
    assert Flat(Wave(1.0, np.zeros(2))).where(1) == (".freq", (0,))
    with pytest.raises(IndexError):
        flat.where(10)


def test_a_new_leaf_shape_is_detected_again():
    g = s2s.sparse_jacobian(dict_layer)
    small = ROWS[0].args
    big = (dict(small[0], W=np.ones((2, 4)) * 0.1, b=np.zeros(4)), small[1])
    assert g(*small).shape == (3, 10) and g(*big).shape == (4, 13)


def test_sparse_refusals_name_the_leaf():
    x = np.array([1.0, 2.0])
    with pytest.raises(s2s.S2SError, match=r"with respect to `p\['z'\]`, which is complex"):
        s2s.jacobian_sparsity(complex_entry, {"z": np.array([1 + 1j, 2j]), "k": 1}, x)
    with pytest.raises(s2s.S2SError, match="take one wrt argument"):
        s2s.sparse_jacobian(dict_layer, wrt=(0, 1))


# --- the shared table's cases whose wrt arguments are containers (tests/functions.py) ----------------------------

TABLE = [c for c in functions.CASES if "unsupported" not in c.tags and not all(
    isinstance(v, (float, np.ndarray, np.generic)) for v in wrt_values(c, c.args))]


def _close(got, want, where):
    """Same structure (None where ``want`` has None); values close, whatever their float dtype."""
    if want is None:
        assert got is None, where
    elif is_named(want):
        assert type(got) is type(want), where
        for k, w in entries(want):
            _close(dict(entries(got))[k], w, "{}[{!r}]".format(where, k))
    elif isinstance(want, (list, tuple)):
        assert type(got) is type(want) and len(got) == len(want), where
        for i, (g, w) in enumerate(zip(got, want)):
            _close(g, w, "{}[{}]".format(where, i))
    else:
        assert np.shape(got) == np.shape(want), where
        np.testing.assert_allclose(np.asarray(got, dtype=float), np.asarray(want, dtype=float), rtol=1e-6,
                                   atol=1e-9, err_msg=where)


@pytest.mark.parametrize("case", TABLE, ids=lambda c: c.name)
def test_jacobian_of_a_scalar_function_is_its_gradient(case):
    want = s2s.grad(case.fn, wrt=case.wrt)(*copy.deepcopy(case.args))
    for mode in ("reverse", "forward"):
        args = copy.deepcopy(case.args)
        _close(s2s.jacobian(case.fn, wrt=case.wrt, mode=mode)(*args), want, mode)
        assert_unchanged(args, case.args)


def _contract(hess, v, like):
    """sum over the leaves p2 of ``v``: H[p1][p2] contracted with v[p2], for every float leaf p1 of ``like``."""
    out = {}
    for p1, l1 in _paths(like):
        if not _is_float(l1):
            continue
        row = _get(hess, p1)
        out[p1] = sum(np.tensordot(_get(row, p2), np.asarray(_get(v, p2), dtype=float), axes=np.ndim(l2))
                      for p2, l2 in _paths(like) if _is_float(l2))
    return out


@pytest.mark.parametrize("case", [c for c in TABLE if not isinstance(c.wrt, tuple)], ids=lambda c: c.name)
def test_hessian_contracted_with_v_is_the_hvp(case):
    value = wrt_values(case, case.args)[0]
    args = copy.deepcopy(case.args)
    hess = s2s.hessian(case.fn, wrt=case.wrt)(*args)
    assert_unchanged(args, case.args)
    v = random_like(value, np.random.default_rng(4))
    product = s2s.hvp(case.fn, wrt=case.wrt)(*copy.deepcopy(case.args), v)
    for path, got in _contract(hess, v, value).items():
        np.testing.assert_allclose(got, np.asarray(_get(product, path), dtype=float), rtol=1e-6, atol=1e-9,
                                   err_msg=str(path))


# a tuple wrt's first argument where it is a container (the sparse functions take one)
FIRST = [c if not isinstance(c.wrt, tuple) else dataclasses.replace(c, wrt=c.wrt[0]) for c in TABLE]
FIRST = [c for c in FIRST if not all(isinstance(v, (float, np.ndarray, np.generic)) for v in wrt_values(c, c.args))]


@pytest.mark.parametrize("case", FIRST, ids=lambda c: c.name)
def test_sparse_hessian_and_gradient_of_the_table_match_the_dense_ones(case):
    value = wrt_values(case, case.args)[0]
    paths = [(p, np.shape(_get(value, p))) for p, _ in _float_elements_paths(value)]
    hess = s2s.hessian(case.fn, wrt=case.wrt)(*copy.deepcopy(case.args))
    dense = np.vstack([np.hstack([np.reshape(_get(_get(hess, p1), p2), (int(np.prod(s1)), -1)) for p2, _ in paths])
                       for p1, s1 in paths])
    args = copy.deepcopy(case.args)
    np.testing.assert_allclose(s2s.sparse_hessian(case.fn, wrt=case.wrt)(*args).toarray(), dense, rtol=1e-10,
                               atol=1e-12)
    gradient = s2s.grad(case.fn, wrt=case.wrt)(*copy.deepcopy(case.args))
    flat = np.concatenate([np.ravel(_get(gradient, p)) for p, _ in paths])
    np.testing.assert_allclose(s2s.sparse_jacobian(case.fn, wrt=case.wrt, mode="reverse")(*args).toarray()[0], flat,
                               rtol=1e-10, atol=1e-12)
    assert not np.any((flat != 0) & ~s2s.jacobian_sparsity(case.fn, *args, wrt=case.wrt).toarray()[0])
    assert_unchanged(args, case.args)


@pytest.mark.parametrize("row", ROWS, ids=_ids)
def test_one_seed_at_a_time_and_small_chunks_give_the_same_jacobian(row):
    """The fallback of a failing batched call (one seed per call), and chunks that end inside a leaf."""
    from s2s.api import treejac

    names = row.wrt if isinstance(row.wrt, tuple) else (row.wrt,)
    values = [row.args[w] for w in names]
    want = s2s.jacobian(row.fn, wrt=row.wrt)(*copy.deepcopy(row.args))
    three = lambda n: 3  # noqa: E731
    columns = treejac.by_columns(treejac.per_seed_jvp(s2s.jvp(row.fn, wrt=row.wrt), row.args, {}), values, three,
                                 isinstance(row.wrt, tuple))
    batched = s2s.jvp(row.fn, wrt=row.wrt, batch=True)
    chunked = treejac.by_columns(lambda t, k: batched(*row.args, *t), values, three, isinstance(row.wrt, tuple))
    rows = treejac.by_rows(treejac.per_seed_vjp(s2s.vjp(row.fn, wrt=row.wrt), row.args, {}, values), values,
                           row.fn(*row.args), three, isinstance(row.wrt, tuple))
    for got, how in ((columns, "columns one by one"), (chunked, "columns three at a time"), (rows, "rows one by one")):
        assert_tree_close(got, want, 1e-12, 1e-14, how)

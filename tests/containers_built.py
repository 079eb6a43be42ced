"""The table of tests/test_containers_built.py: functions that build dicts, dataclasses and named tuples.

Each ``Case`` names a function, its arguments and ``wrt``; ``structured`` marks a function whose result
is a container (vjp takes a cotangent of its structure, jvp gives a tangent of it; grad and hvp do not
apply), ``loop`` one with a loop (also checked with checkpointing).
"""
import collections
import dataclasses
import typing
from typing import Any, Callable

import numpy as np


@dataclasses.dataclass
class Case:
    name: str
    fn: Callable
    args: tuple
    wrt: Any = 0
    structured: bool = False
    loop: bool = False


_rng = np.random.default_rng(20261207)


def _u(*shape):
    return _rng.uniform(-1.0, 1.0, size=shape) if shape else float(_rng.uniform(-1.0, 1.0))


X = _u(3)
PARAMS = {"w": _u(3), "b": _u(), "c": 0.5 + abs(_u())}
P_ARGS = (dict(PARAMS), X)

CASES = []


# ----------------------------------------------------------------- 1. dicts
def display(x, p):
    d = {"a": x * p["w"], "b": np.sin(x), "n": 3}
    return np.sum(d["a"] * d["b"]) * d["n"] + p["b"] * np.sum(d["b"])


def keywords(x, p):
    d = dict(a=x * p["b"], b=np.cos(x * p["w"]))
    return np.sum(d["a"] ** 2 + d["b"])


def copied(p, x):
    d = dict(p)
    d["w"] = d["w"] * x
    d["extra"] = np.tanh(x)
    return np.sum(d["w"] * d["extra"]) + d["b"] * p["b"]


def zipped(x, p):
    names = ["u", "v", "w"]
    d = dict(zip(names, [x * p["b"], np.sin(x), x ** 2]))
    e = dict(zip(("first", "second", "third"), x))  # the elements of an array
    return np.sum(d["u"] * d["v"] + d["w"]) * e["second"] + e["third"] ** 2


def comprehension_literal(x, p):
    d = {k: x * (i + 1.0) * p["b"] for i, k in enumerate(["a", "b", "c"])}
    return np.sum(d["a"] * d["c"]) + np.sum(np.exp(d["b"]))


def comprehension_range(x):
    powers = {i: x ** (i + 1) for i in range(3)}
    return np.sum(powers[0] * powers[2]) + np.sum(powers[1])


def comprehension_items(p, x):
    scaled = {k: v * x for k, v in p.items() if k != "c"}
    total = 0.0
    for k, v in scaled.items():
        total = total + np.sum(np.sin(v)) * p["c"]
    return total


def built_in_loop(p, x):
    state = {"h": x, "total": 0.0}
    for i in range(3):
        h = np.tanh(state["h"] * p["w"] + p["b"] * (i + 1.0))
        state = {"h": h, "total": state["total"] + np.sum(h ** 2)}
    return state["total"] + np.sum(state["h"])


def one_per_iteration(p, x):
    outs = []
    for i in range(3):
        layer = {"scale": p["w"] * (i + 1.0), "shift": p["b"]}
        outs.append(np.sum(np.sin(layer["scale"] * x + layer["shift"])))
    return outs[0] * outs[1] + outs[2]


def new_entry_then_items(p, x):
    d = {"w": p["w"] * x}
    s = 0.0
    for i in range(2):
        for k, v in d.items():
            s = s + np.sum(v * x)
        d["h"] = x * s
    return s


def data_in_a_built_dict(params, x):
    state = {"h": np.outer(x, x), "total": 0.0}  # no tangent for h at first: it comes from the data
    for i in range(2):
        h = np.tanh(state["h"] @ (params["w"] * (i + 1.0)) + params["b"])
        state = {"h": h, "total": state["total"] + np.sum(h * h)}
    return state["total"]


def duplicate_keys(x):
    d = {"a": x, "b": np.sin(x), "a": 3.0 * x}  # noqa: F601 - Python keeps the last value
    e = dict(zip(["k", "k"], [x, 2.0 * x]))
    return float(np.sum(d["a"] * d["b"])) + 0.0 * np.sum(e["k"])


CASES += [
    Case("display", display, (X, dict(PARAMS)), (0, 1)),
    Case("keywords", keywords, (X, dict(PARAMS)), (0, 1)),
    Case("copied", copied, (dict(PARAMS), X), (0, 1)),
    Case("zipped", zipped, (X, dict(PARAMS)), (0, 1)),
    Case("comprehension_literal", comprehension_literal, (X, dict(PARAMS)), (0, 1), loop=True),
    Case("comprehension_range", comprehension_range, (X,), 0, loop=True),
    Case("comprehension_items", comprehension_items, (dict(PARAMS), X), (0, 1), loop=True),
    Case("built_in_loop", built_in_loop, (dict(PARAMS), X), (0, 1), loop=True),
    Case("one_per_iteration", one_per_iteration, (dict(PARAMS), X), (0, 1), loop=True),
    Case("new_entry_then_items", new_entry_then_items, (dict(PARAMS), X), (0, 1), loop=True),
    Case("duplicate_keys", duplicate_keys, (X,), 0),
    # with respect to the parameters only: the data enters a built dict without a tangent
    Case("built_in_loop_params_only", built_in_loop, (dict(PARAMS), X), 0, loop=True),
    Case("data_in_a_built_dict", data_in_a_built_dict, (dict(PARAMS), X), 0, loop=True),
]


def returns_written_dict(x):
    d = {"a": x}
    d["h"] = 2.0 * x
    d["a"] = d["a"] * 3.0
    return d


# ----------------------------------------------------------------- 2. dataclasses and named tuples
@dataclasses.dataclass
class Wave:
    amp: float
    phase: np.ndarray
    freq: float = 2.0
    label: str = "wave"


@dataclasses.dataclass(frozen=True)
class Frozen:
    w: np.ndarray
    scale: float = 1.5


Pair = collections.namedtuple("Pair", "scale shift", defaults=[0.25])


class Typed(typing.NamedTuple):
    a: np.ndarray
    b: float = 0.5


def dataclass_positional(x, p):
    w = Wave(p["b"] * 2.0, np.sin(x))
    return np.sum(w.amp * np.cos(w.freq * x + w.phase))


def dataclass_keywords(x, p):
    w = Wave(phase=x * p["w"], amp=p["c"], freq=p["b"])
    f = Frozen(w=w.phase ** 2)
    return np.sum(w.amp * np.sin(w.freq * x + w.phase)) + np.sum(f.w) * f.scale


def namedtuple_built(x, p):
    a = Pair(x * p["b"])
    b = Pair(shift=np.sin(x), scale=p["c"])
    t = Typed(x ** 2)
    return np.sum(a.scale * b.shift + a[1]) + np.sum(b[0] * t.a) * t.b + np.sum(t[0])


def replaced(w, x):
    v = dataclasses.replace(w, amp=w.amp * 2.0, phase=x)
    u = dataclasses.replace(v, freq=np.sum(x))
    return np.sum(v.amp * np.sin(u.freq * x + u.phase)) + w.freq * np.sum(w.phase)


def namedtuple_replaced(p, x):
    q = p._replace(shift=np.sin(x))
    r = Pair(x, x * 2.0)._replace(scale=q.shift)
    return np.sum(q.scale * q.shift + r.scale * r.shift) + np.sum(p.shift)


def records_in_a_loop(p, x):
    h = x
    for i in range(3):
        layer = Pair(p["w"] * (i + 1.0), p["b"])
        h = np.tanh(h * layer.scale + layer.shift)
    return np.sum(h ** 2)


WAVE = Wave(0.7, _u(3), 1.3)

CASES += [
    Case("dataclass_positional", dataclass_positional, (X, dict(PARAMS)), (0, 1)),
    Case("dataclass_keywords", dataclass_keywords, (X, dict(PARAMS)), (0, 1)),
    Case("namedtuple_built", namedtuple_built, (X, dict(PARAMS)), (0, 1)),
    Case("replaced", replaced, (WAVE, X), (0, 1)),
    Case("namedtuple_replaced", namedtuple_replaced, (Pair(_u(3), _u(3)), X), (0, 1)),
    Case("records_in_a_loop", records_in_a_loop, (dict(PARAMS), X), (0, 1), loop=True),
]


# ----------------------------------------------------------------- 3. functions returning containers
def returns_dict(x, p):
    return {"a": x * p["b"], "b": np.sin(x), "n": 3}


def returns_dataclass(x, p):
    return Wave(np.sum(x * p["w"]), np.cos(x), freq=p["b"])


def returns_namedtuple(x):
    return Pair(x ** 2)


def returns_nested(x, p):
    inner = {k: v * x for k, v in p.items()}
    return inner, [Pair(x, np.exp(x))], {"wave": Wave(p["c"], x * 2.0), "list": [x, x * x]}


CASES += [
    Case("returns_dict", returns_dict, (X, dict(PARAMS)), (0, 1), structured=True),
    Case("returns_dataclass", returns_dataclass, (X, dict(PARAMS)), (0, 1), structured=True),
    Case("returns_namedtuple", returns_namedtuple, (X,), 0, structured=True),
    Case("returns_nested", returns_nested, (X, dict(PARAMS)), (0, 1), structured=True, loop=True),
]


# ----------------------------------------------------------------- refused
@dataclasses.dataclass
class WithPostInit:
    a: float

    def __post_init__(self):
        self.b = self.a * 2.0


@dataclasses.dataclass
class OwnInit:
    a: float

    def __init__(self, a):
        self.a = a * 2.0


class OwnNew(collections.namedtuple("OwnNew", "a b")):
    def __new__(cls, a):
        return super().__new__(cls, a, a)


class PlainClass:
    def __init__(self, a):
        self.a = a


def builds_post_init(x):
    return WithPostInit(x).a


def builds_own_init(x):
    return OwnInit(x).a


def builds_own_new(x):
    return OwnNew(x).a


def builds_plain(x):
    return PlainClass(x).a


def unpacks_into_a_display(x, d):
    return {**d, "a": x}["a"]


def int_key_display(x):
    return {1: x}[1]


def dict_with_keywords(x, d):
    return dict(d, a=x)["a"]


def too_many_fields(x):
    return Pair(x, x, x).scale


def unknown_field(x):
    return Pair(x, size=x).scale


def replaces_a_dict(d):
    return dataclasses.replace(d, a=1.0).a

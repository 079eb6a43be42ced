"""The table of tests/test_containers_built.py: functions that build dicts, dataclasses and named tuples.

Each ``Case`` names a function, its arguments and ``wrt``; ``structured`` marks a function whose result
is a container (vjp takes a cotangent of its structure, jvp gives a tangent of it; grad and hvp do not
apply), ``loop`` one with a loop (also checked with checkpointing).
"""
import collections
import dataclasses
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
]


def returns_written_dict(x):
    d = {"a": x}
    d["h"] = 2.0 * x
    d["a"] = d["a"] * 3.0
    return d

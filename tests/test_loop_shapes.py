"""Generated loops keep the shape of the program's loops.

Snippets in, compact facts about the generated source out: a ``for`` loop
with ``break`` or ``continue`` stays a ``for`` loop with the same jump in the
primal sweep (and in forward mode), reverse mode counts trips only where the
adjoint needs them, values are pushed after their assignment so that no
``name = None`` preset is left where nothing reads a name before assigning
it. The numbers are checked too: against central differences, and each
preset that is kept is shown to be needed by deleting it.
"""
import ast
import textwrap

import numpy as np
import pytest

import s2s
from functions import for_continue_value as for_continue
from functions import for_early_return as for_return
from functions import nested_loop_break as nested_break


def for_break(x, n):
    s = 0.0
    for i in range(n):
        s = s + np.sin(x) * i
        if s > 3.0:
            break
    return s * x


def tanh_loop(x, n):
    y = x
    for i in range(n):
        y = np.tanh(y) * 0.9
    return np.sum(y)


def int_while(x):
    i = 0
    while i < 3:
        i = i + 1
    return x * i


def read_after_the_loop(x):
    s = 1.0
    for i in range(3):
        z = np.sin(x * i + 0.5)
        s = s * z
    return s * z


_VEC = np.array([0.5, -0.2, 0.3, 0.8])
_MAT = np.array([[0.5, 0.95, 0.3], [0.2, 0.4, 0.99]])

# function, arguments, the facts the gradient's source must show
CASES = [
    (for_break, (0.7, 10), {"for": 2, "while": 0, "break": 1, "trips": True, "presets": set()}),
    (for_break, (0.7, 3), {"for": 2, "while": 0, "break": 1, "trips": True, "presets": set()}),
    (for_continue, (_VEC,), {"for": 2, "while": 0, "continue": 1, "trips": False, "presets": set()}),
    (for_return, (0.4,), {"for": 2, "while": 0, "break": 1, "trips": True}),
    (for_return, (2.0,), {"for": 2, "while": 0, "break": 1, "trips": True}),
    (nested_break, (_MAT,), {"for": 4, "while": 0, "break": 1, "trips": True, "presets": set()}),
    (tanh_loop, (np.ones(3), 5), {"for": 2, "while": 0, "trips": False, "presets": set()}),
    (int_while, (0.7,), {"while": 1, "steps": False, "presets": set()}),
]


def facts(source):
    tree = ast.parse(source)
    entry = tree.body[-1]
    names = {n.id for n in ast.walk(entry) if isinstance(n, ast.Name)}
    presets = {s.targets[0].id for s in entry.body if isinstance(s, ast.Assign) and isinstance(s.targets[0], ast.Name)
               and isinstance(s.value, ast.Constant) and s.value.value is None}
    count = lambda kind: sum(isinstance(n, kind) for n in ast.walk(entry))  # noqa: E731
    return {"for": count(ast.For), "while": count(ast.While), "break": count(ast.Break),
            "continue": count(ast.Continue), "trips": any(n.startswith("trips") for n in names),
            "steps": any(n.startswith("steps") for n in names), "presets": presets,
            "flags": {n for n in names if n.startswith(("broke", "skip"))}}


def _numeric_grad(f, args, h=1e-6):
    x = np.asarray(args[0], dtype=float)
    flat = x.reshape(-1)
    out = np.zeros_like(flat)
    for k in range(flat.size):
        step = np.zeros_like(flat)
        step[k] = h
        plus = (x.reshape(-1) + step).reshape(x.shape)
        minus = (x.reshape(-1) - step).reshape(x.shape)
        if x.ndim == 0:
            plus, minus = float(plus), float(minus)
        out[k] = (f(plus, *args[1:]) - f(minus, *args[1:])) / (2 * h)
    return out.reshape(x.shape)


@pytest.mark.parametrize("fn,args,want", CASES, ids=["{}-{}".format(c[0].__name__, i) for i, c in enumerate(CASES)])
def test_the_gradient_keeps_the_loop(fn, args, want):
    g = s2s.grad(fn)
    value = g(*args)
    np.testing.assert_allclose(value, _numeric_grad(fn, args), rtol=1e-5, atol=1e-7)
    found = facts(s2s.source(g))
    assert not found["flags"], "no jump flag is left for the primal sweep to test: {}".format(found["flags"])
    for key, expected in want.items():
        assert found[key] == expected, "{}: {} is {!r}, not {!r}\n{}".format(fn.__name__, key, found[key], expected,
                                                                          s2s.source(g))


@pytest.mark.parametrize("fn,args", [(for_break, (0.7, 10)), (for_continue, (_VEC,)), (nested_break, (_MAT,))])
def test_forward_mode_keeps_the_loop(fn, args):
    x = args[0]
    g = s2s.jvp(fn)
    _, tangent = g(*args, np.ones_like(x) if np.ndim(x) else 1.0)
    np.testing.assert_allclose(tangent, np.sum(_numeric_grad(fn, args)), rtol=1e-5)
    found = facts(s2s.source(g))
    assert found["while"] == 0 and found["break"] + found["continue"] == 1 and not found["flags"]


def test_a_checkpointed_loop_runs_its_jumps_as_flags():
    """The schedule replays the body inside its own loop, where a ``break`` would leave the wrong loop."""
    g = s2s.grad(for_break, checkpoint=2)
    assert g(0.7, 10) == pytest.approx(s2s.grad(for_break)(0.7, 10), rel=1e-12)
    assert facts(s2s.source(g))["break"] == 0


def _without(source, name):
    lines = [line for line in source.splitlines() if line.strip() != "{} = None".format(name)]
    return "\n".join(lines)


def test_a_preset_stays_only_where_a_read_can_come_first():
    g = s2s.grad(read_after_the_loop)
    args = (0.7,)
    np.testing.assert_allclose(g(*args), _numeric_grad(read_after_the_loop, args), rtol=1e-6)
    source = s2s.source(g)
    presets = facts(source)["presets"]
    assert presets == {"z"}, source  # the first iteration saves `z` before assigning it (read after the loop)
    for name in presets:
        namespace = dict(globals())
        namespace.update({k: getattr(s2s.runtime, k) for k in s2s.runtime.__all__})
        exec(compile(textwrap.dedent(_without(source, name)), "<test>", "exec"), namespace)
        with pytest.raises(NameError):  # UnboundLocalError included
            namespace["grad_read_after_the_loop"](*args)

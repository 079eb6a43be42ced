"""A quick slice of the fuzzer (tests/fuzz): random programs, every mode against central differences.

A fixed set of seeds, then Hypothesis (derandomized, so CI is deterministic; it shrinks a
failing program's choices). Any WRONG or INTERNAL fails the test with the program's source.
The long run is ``python -m tests.fuzz --n 10000`` (README, Set-up). The checker's own tests
come first: it must call a wrong derivative wrong, and classify errors as it says.
"""
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import s2s

try:
    from .fuzz import Drawn, Seeded, check, checker, generate, generator
except ImportError:
    from fuzz import Drawn, Seeded, check, checker, generate, generator

SEEDS = range(160)
FAILURES = ("WRONG", "INTERNAL")
# open bugs outside the runtime, each a strict xfail in tests/test_fuzz_found.py: a program failing
# with one of these messages is known, any other WRONG or INTERNAL fails
KNOWN = {}


def failed(result):
    return result.kind in FAILURES and not any(known in result.message for known in KNOWN)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return str(tmp_path_factory.mktemp("fuzz"))


def explain(program, result):
    return "{} in {}: {}\nwrt={!r} args={!r}\n{}".format(result.kind, result.mode, result.message, program.wrt,
                                                        program.args, program.source)


def test_a_seed_reproduces_its_program():
    one, two = generate(Seeded(7)), generate(Seeded(7))
    assert one.source == two.source and one.wrt == two.wrt
    assert all(np.array_equal(a, b) for a, b in zip(one.args, two.args))
    assert generate(Seeded(8)).source != one.source


def test_the_checker_calls_a_wrong_derivative_wrong():
    fds = [np.array([1.0, 2.0]), np.array([1.0, 2.0 + 1e-9])]
    checker.against_fd("grad", np.array([1.0, 2.0]), fds, 1.0)
    with pytest.raises(checker.Verdict) as raised:
        checker.against_fd("grad", np.array([1.0, 2.001]), fds, 1.0)
    assert raised.value.result.kind == "WRONG"
    # the two steps disagree with each other: not smooth there, so not counted
    with pytest.raises(checker.Verdict) as raised:
        checker.against_fd("grad", np.array([1.0, 3.0]), [fds[0], fds[0] + 0.5], 1.0)
    assert raised.value.result.kind == "skip"


SMOOTH = "import numpy as np\n\n\ndef f(x0):\n    return np.sum(np.sin(x0) * x0)\n"


def test_the_checker_classifies_errors(folder, monkeypatch):
    program = generator.Program(SMOOTH, [np.array([0.3, -0.7])], 0)
    assert check(program, folder).kind == "ok"

    def refuse(*args, **kwargs):
        raise s2s.UnsupportedSyntaxError("/a/b.py:12: `t1`: no")
    monkeypatch.setattr(s2s, "grad", refuse)
    result = check(program, folder)
    assert (result.kind, result.mode) == ("unsupported", "grad")
    assert result.message == "UnsupportedSyntaxError: FILE:LINE: `_`: no"

    def crash(*args, **kwargs):
        return lambda *call: [][0]
    monkeypatch.setattr(s2s, "grad", crash)
    assert check(program, folder).kind == "INTERNAL"

    def mutate(*args, **kwargs):
        def run(x0):
            x0 *= 2.0
            return np.cos(x0) * x0 + np.sin(x0)
        return run
    monkeypatch.setattr(s2s, "grad", mutate)
    result = check(program, folder)
    assert (result.kind, result.message) == ("WRONG", "an argument was modified")


def test_a_program_that_fails_by_itself_is_skipped(folder):
    broken = generator.Program("import numpy as np\n\n\ndef f(x0):\n    return np.log(x0 - 5.0)\n", [1.0], 0)
    assert check(broken, folder).kind == "skip"


@pytest.mark.parametrize("seed", SEEDS)
def test_fuzz_seed(seed, folder):
    program = generate(Seeded(seed))
    result = check(program, folder)
    assert not failed(result), explain(program, result)


@settings(max_examples=240, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_fuzz_hypothesis(data, folder):
    program = generate(Drawn(data))
    result = check(program, folder, hessian=False)
    assert not failed(result), explain(program, result)

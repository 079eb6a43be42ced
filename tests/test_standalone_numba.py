"""``s2s grad --compile numba -o OUT.py``: the file carries ``@numba.njit``, the nopython
helpers it needs and NumPy's loops for tanh/exp/..., imports nothing from s2s, and gives
the numbers of the in-process compiled gradient (and of the uncompiled one)."""
import importlib.util
import io
import os
import re

import numpy as np
import pytest

import s2s

numba = pytest.importorskip("numba", reason="numba is not installed (pip install 's2s[numba]')")
import numba_cases as C  # noqa: E402
from s2s.api import cli  # noqa: E402

CASES = {c.name: c for c in C.CASES}


def _write(tmp_path, name, wrt):
    out = tmp_path / "{}_grad.py".format(name)
    target = os.path.join(os.path.dirname(C.__file__), "numba_cases.py") + ":" + name
    assert cli.main(["grad", target, "--wrt", wrt, "--compile", "numba", "-o", str(out)],
                    stdout=io.StringIO(), stderr=io.StringIO()) == 0
    text = out.read_text()
    spec = importlib.util.spec_from_file_location("{}_grad_numba".format(name), str(out))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return text, module


@pytest.mark.parametrize("name, wrt", [("rnn", "0,1,2"), ("logistic", "0"), ("recurrence", "0")])
def test_standalone_file_compiles_and_runs_without_s2s(tmp_path, name, wrt):
    text, module = _write(tmp_path, name, wrt)
    assert "@numba.njit\ndef grad_{}(".format(name) in text and "import numba\n" in text
    assert not re.search(r"^\s*(import|from) s2s", text, re.M)
    entry = getattr(module, "grad_" + name)
    assert isinstance(entry, numba.core.registry.CPUDispatcher)
    case = CASES[name]
    wrt_ = tuple(int(w) for w in wrt.split(","))
    got = entry(*case.args)
    for expected in (s2s.grad(case.fn, wrt=wrt_, compile="numba")(*case.args), s2s.grad(case.fn, wrt=wrt_)(*case.args)):
        for a, b in zip(got if isinstance(got, tuple) else (got,), expected if isinstance(expected, tuple) else (expected,)):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)


def test_standalone_file_calls_numpys_loops_for_one_argument_ufuncs(tmp_path):
    text, module = _write(tmp_path, "rnn", "0,1,2")
    assert "np = numpy_with({'tanh': _stand_in('tanh')})" in text
    assert module.np is not np and module.np.tanh is not np.tanh and module.np.sum is np.sum
    assert isinstance(np.tanh, np.ufunc)  # the real module is untouched
    text, _ = _write(tmp_path, "recurrence", "0")
    assert "numpy_with" not in text  # math.* on floats: nothing to accelerate

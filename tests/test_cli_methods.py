"""``s2s grad FILE.py:Class.method -o OUT.py``: a method whose ``self`` is a record and which
calls the class's other methods; with respect to an argument and to ``self`` (an object of the
class, as ``s2s.grad(obj.method, wrt="self")`` gives). The file runs without s2s and gives the
numbers of ``s2s.grad``, which ``s2s.check_grad`` checks against central differences."""
import importlib.util
import io
import re
import sys

import numpy as np
import pytest

import s2s
from s2s.api import cli

PROGRAM = '''import numpy as np


class Model:
    def __init__(self):
        self.w = np.array([0.5, -0.3])
        self.scale = 1.5

    def predict(self, x):
        return np.tanh(x * self.w) * self.scale

    def loss(self, x):
        return np.sum(self.predict(x) ** 2)
'''


def _load(path, name):
    spec = importlib.util.spec_from_file_location(name, str(path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("wrt", ["x", "self"])
def test_a_method_calling_another_method_writes_a_standalone_file(tmp_path, wrt):
    source = tmp_path / "cli_model.py"
    source.write_text(PROGRAM)
    out = tmp_path / "cli_model_grad_{}.py".format(wrt)
    err = io.StringIO()
    assert cli.main(["grad", "{}:Model.loss".format(source), "--wrt", wrt, "-o", str(out)],
                    stdout=io.StringIO(), stderr=err) == 0, err.getvalue()
    assert not re.search(r"^\s*(import|from) s2s", out.read_text(), re.M)
    sys.path.insert(0, str(tmp_path))
    try:
        program = _load(source, "cli_model")
        generated = _load(out, "cli_model_grad_{}".format(wrt))
    finally:
        sys.path.remove(str(tmp_path))
    model, x = program.Model(), np.array([0.3, 0.9])
    got = generated.grad_loss(model, x)
    s2s.check_grad(model.loss, x, wrt=wrt if wrt == "self" else 0)
    want = s2s.grad(model.loss, wrt=wrt if wrt == "self" else 0)(x)
    if wrt == "self":
        assert isinstance(got, program.Model)
        np.testing.assert_allclose(got.w, want.w, rtol=1e-12)
        np.testing.assert_allclose(got.scale, want.scale, rtol=1e-12)
    else:
        np.testing.assert_allclose(got, want, rtol=1e-12)

"""Complex matrices in np.linalg's decompositions: the eigenvector phase, what still refuses, and a
standalone file carrying the complex rules.

The rules themselves (eigh, eigvalsh, svd values, qr, cholesky, lstsq, pinv, norm at second order) are
checked case by case in tests/test_complex.py (the la_*, s_* and v_* cases of tests/complex_cases.py).
"""
import subprocess
import sys

import numpy as np
import pytest

import s2s
import complex_cases as C
from s2s.api import cli


def test_a_loss_that_depends_on_the_eigenvector_phase_is_refused():
    """NumPy picks each complex eigenvector's phase: Re(v[0, 0]) has no derivative; |v[0, 0]| has."""
    with pytest.raises(s2s.ComplexInputError, match=r"np\.linalg\.eigh: the result depends on the phase"):
        s2s.grad(C.la_eigh_phase)(C.A)
    s2s.check_grad(C.la_eigh, C.A)


def test_phase_free_eigenvector_losses_match_differences_along_any_direction():
    rng = np.random.default_rng(5)
    g = s2s.grad(C.la_eigh_upper)(C.A)
    for v in (rng.standard_normal((3, 3)), 1j * rng.standard_normal((3, 3))):
        h = 1e-6
        fd = (C.la_eigh_upper(C.A + h * v) - C.la_eigh_upper(C.A - h * v)) / (2 * h)
        assert np.real(np.sum(g * v)) == pytest.approx(fd, rel=1e-5, abs=1e-7)


@pytest.mark.parametrize("case", C.REFUSED, ids=lambda c: c.name)
def test_what_still_refuses_complex_arguments(case):
    """the singular vectors of a complex matrix: a ComplexInputError naming np.linalg.svd, in both modes;
    real arguments still work."""
    with pytest.raises(s2s.ComplexInputError, match=r"np\.linalg\.svd with compute_uv=True"):
        s2s.grad(case.fn)(*case.args)
    with pytest.raises(s2s.ComplexInputError):
        s2s.jvp(case.fn)(*case.args, np.ones_like(case.args[0]))
    s2s.check_grad(case.fn, np.real(case.args[0]) + np.eye(3))


def test_run_time_refusals_name_the_users_line_and_construct():
    """refusals raised while the derivative runs name file:line and the source text, as compile-time
    errors do: in reverse and forward mode, and through a derivative of a derivative."""
    line = r"complex_cases\.py:\d+: `u, s, vh = np\.linalg\.svd\(a\)`: np\.linalg\.svd"
    with pytest.raises(s2s.ComplexInputError, match=line):
        s2s.grad(C.la_svd_vectors)(C.A)
    with pytest.raises(s2s.ComplexInputError, match=line):
        s2s.jvp(C.la_svd_vectors)(C.A, np.ones((3, 3)))
    with pytest.raises(s2s.ComplexInputError, match=r"complex_cases\.py:\d+: `w, v = np\.linalg\.eigh\(a \+ "):
        s2s.value_and_grad(C.la_eigh_phase)(C.A)
    with pytest.raises(s2s.ComplexInputError, match=r"complex_cases\.py:\d+: `return np\.sum\(np\.linalg\.svd"):
        s2s.hvp(C.la_svd)(C.A, np.ones((3, 3)))
    with pytest.raises(s2s.ComplexInputError, match=r"complex_cases\.py:\d+: `return np\.sum\(np\.linalg\.svd"):
        s2s.jacobian(s2s.grad(C.la_svd), mode="forward")(C.A)


STANDALONE = '''import numpy as np


def f(a):
    h = a + np.conj(a.T)
    w, v = np.linalg.eigh(h)
    q, r = np.linalg.qr(a)
    low = np.linalg.cholesky(h @ h + np.eye(3))
    return (np.sum(w ** 3) + np.sum(np.abs(v) ** 4) + np.sum(np.abs(r)) + np.sum(np.linalg.svd(a, compute_uv=False))
            + np.sum(np.real(low)) + np.linalg.norm(np.linalg.pinv(a[:2])))
'''


def test_standalone_file_carries_the_complex_decompositions(tmp_path):
    """``s2s grad -o`` of a function of a complex matrix: the file runs with NumPy alone, same gradient."""
    (tmp_path / "decomp.py").write_text(STANDALONE)
    out = tmp_path / "grad_decomp.py"
    assert cli.main(["grad", str(tmp_path / "decomp.py") + ":f", "-o", str(out)]) == 0
    script = ("import sys; sys.modules['s2s'] = None; import numpy as np; import grad_decomp as g; "
              "rng = np.random.default_rng(3); a = rng.standard_normal((3, 3)) + 1j * rng.standard_normal((3, 3)); "
              "print(repr(g.grad_f(a + 3 * np.eye(3)).tolist()))")
    done = subprocess.run([sys.executable, "-c", script], cwd=str(tmp_path), capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    ns = {}
    exec(compile(STANDALONE, str(tmp_path / "decomp.py"), "exec"), ns)  # noqa: S102 - the test's own source
    rng = np.random.default_rng(3)
    a = rng.standard_normal((3, 3)) + 1j * rng.standard_normal((3, 3)) + 3 * np.eye(3)
    expected = s2s.grad(_from_file(tmp_path))(a)
    np.testing.assert_allclose(np.array(eval(done.stdout)), expected, rtol=1e-10)
    s2s.check_grad(_from_file(tmp_path), a)


def _from_file(tmp_path):
    import importlib.util
    spec = importlib.util.spec_from_file_location("decomp_src", str(tmp_path / "decomp.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.f

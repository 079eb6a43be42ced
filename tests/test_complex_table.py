"""The shared table (tests/functions.py) with complex arguments, wherever NumPy takes them.

Each case's first differentiated argument ``x`` becomes ``z = x + i y`` with a small imaginary part
(so that logs, square roots and masks stay where they were); a case is kept when NumPy evaluates it at
``z`` without a warning (no cast to real, no comparison that drops the imaginary part silently) and
to a finite value. Then, in the real-pair view of ``z``:

- ``jvp`` along a real and an imaginary direction, each against central differences;
- ``vjp`` against ``jvp`` by the dot-product test ``Re(sum(vjp(w) * v)) == Re(sum(w * jvp(v)))``;
- ``grad`` of the real part of the result (``loss_<case>`` below, which calls the case's function)
  against central differences along both directions, and ``hvp`` against central differences of the
  gradient.

A case that s2s refuses must refuse with an S2SError: ``REFUSED`` lists them and what they raise.
"""
import importlib.util
import inspect
import pathlib
import tempfile
import warnings
import zlib

import numpy as np
import pytest

import s2s
import functions as F

H = 1e-6
# the eigenvectors of a complex matrix fix their phase only up to a factor: a phase-dependent result
# (spectral_energy reads vecs[:, -1] ** 2) is refused in reverse mode; forward mode gives the tangent
# with no change of phase, which differences of NumPy's choice do not follow (documented in README)
PHASE_DEPENDENT = {"spectral_energy"}
REFUSED = {"lowrank_fit": "np.linalg.svd with compute_uv=True"}
SECOND_ORDER_REFUSED = {"gaussian_logpdf_chol": r"functions\.py:\d+: `sign, logdet = np\.linalg\.slogdet"}


def _complexified(case):
    if "unsupported" in case.tags or "off_domain" in case.tags or case.grad_ref is not None:
        return None
    i = (case.wrt if isinstance(case.wrt, tuple) else (case.wrt,))[0]
    x = case.args[i]
    rng = np.random.default_rng(zlib.crc32(case.name.encode()))  # the same directions on every run
    if isinstance(x, float):
        z = complex(x, 0.05 * abs(x) + 0.01)
    elif isinstance(x, np.ndarray) and x.dtype == np.float64:
        z = x + 1j * (0.05 * np.abs(x) + 0.01) * np.sign(rng.standard_normal(x.shape))
    else:
        return None
    args = list(case.args)
    args[i] = z
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            out = case.fn(*args)
            if not np.all(np.isfinite(out)):
                return None
    except Exception:  # noqa: BLE001 - NumPy refuses complex values here (floor, comparisons, ...)
        return None
    return i, tuple(args), out, rng


TABLE = [(case, c) for case, c in ((case, _complexified(case)) for case in F.CASES) if c is not None]


def _losses(cases):
    """A module of ``loss_<name>(...) = np.sum(np.real(fn_<name>(...)))``, one per case, in a file s2s can read."""
    lines = ["import numpy as np", ""]
    for case in cases:
        params = ", ".join("a{}".format(k) for k in range(len(case.args)))
        lines += ["", "def loss_{}({}):".format(case.name, params),
                  "    return np.sum(np.real(fn_{}({})))".format(case.name, params), ""]
    path = pathlib.Path(tempfile.mkdtemp(prefix="s2s_complex_table_")) / "complex_table_losses.py"
    path.write_text("\n".join(lines) + "\n")
    spec = importlib.util.spec_from_file_location("complex_table_losses", str(path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for case in cases:  # the case's own function object (closures included), read as a global
        setattr(module, "fn_" + case.name, case.fn)
    return module


LOSSES = _losses([case for case, _ in TABLE if inspect.signature(case.fn).parameters
                  and len(inspect.signature(case.fn).parameters) == len(case.args)])


def _at(case, args, i, dz):
    moved = list(args)
    moved[i] = args[i] + dz
    return case.fn(*moved)


def _fd(case, args, i, v):
    return (_at(case, args, i, H * v) - _at(case, args, i, -H * v)) / (2 * H)


def _close(got, want, what):
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-6 * max(1.0, float(np.max(np.abs(want)))),
                               err_msg=what)


def test_the_table_has_complex_cases():
    assert len(TABLE) > 200


@pytest.mark.parametrize("case, prepared", TABLE, ids=lambda x: getattr(x, "name", ""))
def test_complex_arguments_in_every_mode(case, prepared):
    i, args, out, rng = prepared
    z = args[i]
    v = rng.standard_normal(np.shape(z))
    v = float(v) if np.ndim(z) == 0 else v
    if case.name in REFUSED:
        with pytest.raises(s2s.S2SError, match=REFUSED[case.name]):
            s2s.jvp(case.fn, wrt=i)(*args, v)
        return
    directions = (v, 1j * v)
    tangents = [s2s.jvp(case.fn, wrt=i)(*args, d)[1] for d in directions]
    if case.name in PHASE_DEPENDENT:
        if np.isrealobj(out):
            with pytest.raises(s2s.ComplexInputError, match="phase"):
                s2s.grad(case.fn, wrt=i)(*args)
        return
    for d, t in zip(directions, tangents):
        _close(t, _fd(case, args, i, d), "{} jvp along {}".format(case.name, d))
    w = rng.standard_normal(np.shape(out)) + (1j * rng.standard_normal(np.shape(out)) if np.iscomplexobj(out) else 0)
    w = w if np.ndim(out) else (complex(w) if np.iscomplexobj(out) else float(w))
    _, ct = s2s.vjp(case.fn, wrt=i)(*args, w)
    assert np.iscomplexobj(ct) and np.shape(ct) == np.shape(z)
    for d, t in zip(directions, tangents):
        assert np.real(np.sum(ct * d)) == pytest.approx(np.real(np.sum(w * t)), rel=1e-8, abs=1e-10)
    if np.iscomplexobj(out):
        with pytest.raises(s2s.ComplexOutputError):
            s2s.grad(case.fn, wrt=i)(*args)
    loss = getattr(LOSSES, "loss_" + case.name, None)
    if loss is None:
        return
    g = s2s.grad(loss, wrt=i)(*args)
    for d in directions:
        assert np.real(np.sum(g * d)) == pytest.approx(np.real(np.sum(_fd(case, args, i, d))), rel=1e-4, abs=1e-6)
    product = s2s.hvp(loss, wrt=i)
    try:  # what s2s refuses at second order for real arguments (calls into functions that write in place,
        product(*case.args, np.real(v))  # closures read through a module) it refuses for complex ones
    except s2s.S2SError:
        with pytest.raises(s2s.S2SError):
            product(*args, v)
        return
    if case.name in SECOND_ORDER_REFUSED:
        with pytest.raises(s2s.ComplexInputError, match=SECOND_ORDER_REFUSED[case.name]):
            product(*args, v)
        return
    gradient = s2s.grad(loss, wrt=i)
    for d in directions:
        want = (gradient(*_moved(args, i, H * d)) - gradient(*_moved(args, i, -H * d))) / (2 * H)
        _close(product(*args, d), want, "{} hvp along {}".format(case.name, d))


def _moved(args, i, dz):
    out = list(args)
    out[i] = args[i] + dz
    return tuple(out)

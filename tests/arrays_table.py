"""The shared table (functions.py) run with the arrays of another library, for test_arrays_*.py.

A case's NumPy arrays are converted to the library's (Python numbers stay numbers);
grad, vjp and jvp then run on them. The oracle is s2s on the NumPy arguments
(checked against central differences by test_reverse.py and test_forward.py):
the library's results must equal it, and every array derivative must be an array
of the library. A case whose derivative the library cannot run raises an
``s2s.ArrayLibraryError``: tests/arrays_expected.py lists each such (case, mode) per
library with the first clause of its message, and the test asserts that refusal
(``pytest.raises``), so a refusal cannot hide a wrong number and a case that starts
to run is noticed (remove its row). A library the table does not list (CuPy: not
measured here) marks its refusals xfail with their message instead.
``python tests/arrays_refusals.py`` reruns the three test files and rewrites the
table and docs/arrays.md.
"""
import inspect
import json
import os

import numpy as np
import pytest

import s2s
from s2s.runtime import entries, is_named, rebuilt, rebuilt_like

try:
    from . import arrays_expected, arrays_refusals, functions
except ImportError:
    import arrays_expected
    import arrays_refusals
    import functions

# containers and records are walked by the tests of containers; here: plain arrays and numbers
SUPPORTED = [c for c in functions.CASES if "unsupported" not in c.tags and c.grad_ref is None]


def converted(x, to):
    """``x`` with its floating NumPy arrays turned into the library's by ``to``."""
    if is_named(x):
        return rebuilt_like(x, {k: converted(v, to) for k, v in entries(x)})
    if isinstance(x, (list, tuple)):
        return rebuilt(x, [converted(e, to) for e in x])
    if isinstance(x, np.ndarray) and x.dtype.kind == "f":
        return to(x)
    return x


def has_array(x):
    if is_named(x):
        return any(has_array(v) for _, v in entries(x))
    if isinstance(x, (list, tuple)):
        return any(has_array(e) for e in x)
    return isinstance(x, np.ndarray) and x.dtype.kind == "f"


def back(x, is_array, to_numpy):
    """A result of the library as NumPy values, checking that each array is the library's."""
    if is_array(x):
        return to_numpy(x)
    if isinstance(x, dict):
        return {k: back(v, is_array, to_numpy) for k, v in x.items()}
    if is_named(x):
        return rebuilt_like(x, {k: back(v, is_array, to_numpy) for k, v in entries(x)})
    if isinstance(x, (list, tuple)):
        return rebuilt(x, [back(e, is_array, to_numpy) for e in x])
    if isinstance(x, np.ndarray) and x.ndim:
        raise AssertionError("a NumPy array of shape {} came back instead of the library's".format(x.shape))
    return x


def assert_close(got, want, path="result"):
    if isinstance(want, dict):
        for k in want:
            assert_close(got[k], want[k], "{}[{!r}]".format(path, k))
    elif is_named(want):
        for k, v in entries(want):
            assert_close(dict(entries(got))[k], v, "{}.{}".format(path, k))
    elif isinstance(want, (list, tuple)):
        assert len(got) == len(want), path
        for i, (g, w) in enumerate(zip(got, want)):
            assert_close(g, w, "{}[{}]".format(path, i))
    elif want is None:
        assert got is None, path
    else:
        single = np.asarray(want).dtype == np.float32  # another library may sum in another order
        np.testing.assert_allclose(np.asarray(got, dtype=complex), np.asarray(want, dtype=complex),
                                   rtol=1e-4 if single else 1e-6, atol=1e-6 if single else 1e-9, err_msg=path)


def wrt_values(case, args):
    params = list(inspect.signature(case.fn).parameters)
    items = case.wrt if isinstance(case.wrt, tuple) else (case.wrt,)
    return [args[params.index(w) if isinstance(w, str) else w] for w in items]


def ones_like(x):
    if isinstance(x, (list, tuple)):
        return rebuilt(x, [ones_like(e) for e in x])
    if isinstance(x, np.ndarray):
        return np.full(x.shape, 0.5, dtype=x.dtype)
    return 0.5


def tangent_like(x, rng):
    if is_named(x):
        return rebuilt_like(x, {k: tangent_like(v, rng) for k, v in entries(x)})
    if isinstance(x, (list, tuple)):
        return rebuilt(x, [tangent_like(e, rng) for e in x])
    if isinstance(x, np.ndarray):
        return rng.standard_normal(x.shape).astype(x.dtype) if x.dtype.kind == "f" else np.zeros(x.shape)
    return float(rng.standard_normal()) if isinstance(x, float) else 0.0


def run_mode(case, mode, library, to, is_array, to_numpy):
    """Run ``case`` in ``mode`` ("grad", "vjp", "jvp") on NumPy and on ``library``'s arrays; compare,
    or assert the refusal tests/arrays_expected.py lists for ``library``."""
    if not has_array(case.args):
        pytest.skip("no floating array among the arguments: the call runs with NumPy")
    args = case.args
    lib_args = converted(args, to)
    if mode == "grad":
        g = s2s.grad(case.fn, wrt=case.wrt)
        want, run = g(*args), (lambda: g(*lib_args))
    elif mode == "vjp":
        g = s2s.vjp(case.fn, wrt=case.wrt)
        dout = ones_like(case.fn(*args))
        want, run = g(*args, dout), (lambda: g(*lib_args, converted(dout, to)))
    else:
        g = s2s.jvp(case.fn, wrt=case.wrt)
        tangents = [tangent_like(v, np.random.default_rng(1)) for v in wrt_values(case, args)]
        want = g(*args, *tangents)
        run = lambda: g(*lib_args, *[converted(t, to) for t in tangents])  # noqa: E731
    record = os.environ.get(arrays_refusals.RECORD)
    refusals = arrays_expected.REFUSED.get(library)
    expected = None if refusals is None or record else refusals.get((case.name, mode))
    if expected is not None and not _recorded_version(library):
        # another version of the library (CI's Python 3.9 job): a listed case may run, and then its
        # numbers are compared below, or fail with another message; either way never a wrong number
        try:
            got = run()
        except s2s.ArrayLibraryError as err:
            pytest.xfail("{} {}: {}".format(library, _version(library), str(err).splitlines()[0][:300]))
        assert_close(back(got, is_array, to_numpy), want)
        return
    if expected is not None:
        with pytest.raises(s2s.ArrayLibraryError) as info:
            run()
        assert arrays_refusals.cause(str(info.value)) == expected, (
            "the refusal changed: {}\n(update tests/arrays_expected.py: python tests/arrays_refusals.py)".format(
                info.value))
        return
    try:
        got = run()
    except s2s.S2SError as err:
        if record:
            with open(record, "a") as out:
                out.write(json.dumps([library, case.name, mode, type(err).__name__, str(err)]) + "\n")
        if refusals is None or record or not _recorded_version(library) and isinstance(err, s2s.ArrayLibraryError):
            pytest.xfail("{}: {}".format(type(err).__name__, str(err).splitlines()[0][:300]))
        pytest.fail("{} refused {} in {}, which tests/arrays_expected.py does not list: {}: {}\n(if the refusal "
                    "is right, add it there: python tests/arrays_refusals.py)".format(
                        library, case.name, mode, type(err).__name__, err))
    assert_close(back(got, is_array, to_numpy), want)


# the versions tests/arrays_expected.py was recorded with (python tests/arrays_refusals.py): its
# refusals are exact there; other versions refuse more or less, and what runs is compared with NumPy
RECORDED_VERSIONS = {"array-api-strict": "2.6.1", "dask": "2026.8.0", "torch": "2.13.0+cpu"}
_MODULES = {"array-api-strict": "array_api_strict", "dask": "dask", "torch": "torch"}


def _version(library):
    import importlib

    try:
        return importlib.import_module(_MODULES.get(library, library)).__version__
    except Exception:  # not installed, or no version: treat as another version
        return None


def _recorded_version(library):
    return library not in RECORDED_VERSIONS or _version(library) == RECORDED_VERSIONS[library]

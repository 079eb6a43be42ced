"""The shared table with array-api-strict arrays in grad, vjp and jvp (tests/arrays_table.py).

array-api-strict is the array API standard and nothing more: a helper that still
calls a NumPy-only function, or hands back a NumPy array, fails here. The cases
it cannot run are the refusals tests/arrays_expected.py lists, each asserted.
"""
import numpy as np
import pytest

try:
    from . import arrays_table as table
except ImportError:
    import arrays_table as table

xs = pytest.importorskip("array_api_strict", reason="array-api-strict is not installed (pip install 's2s[test]')")
pytest.importorskip("array_api_compat", reason="array-api-compat is not installed (pip install 's2s[arrays]')")


def _is_array(x):
    return isinstance(x, type(xs.asarray(0.0)))


def _to_numpy(x):
    return np.asarray(x)


@pytest.mark.parametrize("mode", ["grad", "vjp", "jvp"])
@pytest.mark.parametrize("case", table.SUPPORTED, ids=lambda c: c.name)
def test_table(case, mode):
    table.run_mode(case, mode, "array-api-strict", xs.asarray, _is_array, _to_numpy)

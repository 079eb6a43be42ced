"""Compiled gradients for the benchmark run: s2s's ``compile="numba"`` and the hand-written
gradient under ``numba.njit``, beside ``jax.jit`` (peers.py).

``candidates`` gives them in the runner's form, ``{tool: (args, callable)}``, and
records the first call of each (Numba compiles there) in ``compile_times``:
compile time is reported apart from the timed calls. A workload Numba cannot
compile is reported in ``notes`` and not timed. Without Numba installed there
are no candidates and a note says so.
"""
import time
import warnings

import s2s


def available():
    try:
        import numba  # noqa: F401
    except Exception as err:  # an optional extra: any import failure means "not available"
        return "{}: {}".format(type(err).__name__, err)
    return None


def candidates(workload, inputs, compile_times, notes):
    """{"s2s-numba": ..., "hand-numba": ...} for ``workload``, each already called once."""
    missing = available()
    if missing:
        notes.append("numba not installed ({}): no compiled gradients".format(missing))
        return {}
    import numba

    tools = {"s2s-numba": s2s.grad(workload.fn, wrt=workload.wrt, compile="numba")}
    if workload.hand is not None:
        tools["hand-numba"] = numba.njit(workload.hand)
    out = {}
    for tool, fn in tools.items():
        start = time.perf_counter()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # Numba's reflected-list deprecation for list arguments
                fn(*inputs)
        except Exception as err:  # a workload Numba cannot compile is reported, not fatal
            notes.append("{} failed: {}: {}".format(tool, type(err).__name__, str(err).splitlines()[0][:300]))
            continue
        compile_times[tool] = time.perf_counter() - start
        out[tool] = (inputs, fn)
    return out

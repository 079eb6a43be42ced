"""Checkpointing benchmark: peak memory and time of a long loop's gradient.

The loop: ``steps`` iterations of ``x = np.sin(a * x) + 0.5 * x`` over a state
of ``size`` float64 values, loss ``np.sum(x * x)``. For store-all and for 8,
32 and 128 snapshots it reports the peak memory of the gradient call
(tracemalloc: every allocation Python and NumPy make during the call), the
best time of ``--repeat`` untraced calls, and both relative to store-all. The
gradients of all schedules are checked equal (1e-12 relative) first.

Run: ``python benchmarks/checkpointing.py [--steps 20000] [--size 1000]``.
Targets (issue 4): with 32 snapshots, peak memory under 1/100 of store-all's
and time within 4x of store-all's.
"""
import argparse
import gc
import pathlib
import sys
import time
import tracemalloc

import numpy as np

try:
    import s2s
except ImportError:  # run from a checkout without installing
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
    import s2s

SNAPSHOTS = (8, 32, 128)


def simulate(x, a, steps):
    for i in range(steps):
        x = np.sin(a * x) + 0.5 * x
    return np.sum(x * x)


def _peak_bytes(grad, args):
    gc.collect()
    tracemalloc.start()
    try:
        grad(*args)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _best_seconds(grad, args, repeat):
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        grad(*args)
        best = min(best, time.perf_counter() - start)
    return best


def measure(steps, size, repeat):
    """[(label, peak bytes, seconds)] for store-all and each snapshot count."""
    x = np.random.default_rng(0).uniform(-1.0, 1.0, size)
    args = (x, 0.9, steps)
    schedules = [("store-all", None)] + [("{} snapshots".format(k), k) for k in SNAPSHOTS]
    grads = [(label, s2s.grad(simulate, checkpoint=k)) for label, k in schedules]
    reference = None
    for label, grad in grads:
        grad(x, 0.9, 3)  # generate the code outside the measurements
        result = grad(*args)
        if reference is None:
            reference = result
        else:
            np.testing.assert_allclose(result, reference, rtol=1e-12, err_msg=label)
    rows = []
    for label, grad in grads:
        rows.append((label, _peak_bytes(grad, args), _best_seconds(grad, args, repeat)))
    return rows


def table(rows, steps, size):
    base_memory, base_time = rows[0][1], rows[0][2]
    lines = [
        "gradient of {:,} steps over {:,} float64 values (x = sin(a x) + 0.5 x)".format(steps, size),
        "",
        "| schedule | peak memory | memory / store-all | time | time / store-all |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for label, peak, seconds in rows:
        lines.append("| {} | {:.2f} MB | 1/{:.0f} | {:.3f} s | {:.2f}x |".format(
            label, peak / 1e6, base_memory / peak, seconds, seconds / base_time))
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=20000)
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args(argv)
    rows = measure(options.steps, options.size, options.repeat)
    print(table(rows, options.steps, options.size))
    memory_32 = rows[0][1] / rows[2][1]
    time_32 = rows[2][2] / rows[0][2]
    print()
    print("32 snapshots: memory 1/{:.0f} of store-all (target > 100): {}; time {:.2f}x (target < 4): {}".format(
        memory_32, "met" if memory_32 > 100 else "NOT met", time_32, "met" if time_32 < 4 else "NOT met"))
    return rows


if __name__ == "__main__":
    main()

"""Time each workload's function and gradients side by side, in one process.

For each workload: build the inputs once (seeded), compute every tool's
gradient once and check it against the hand-written one (or s2s's when there
is none), then time each callable: warm-up calls first (JAX compiles here),
then ``repeat`` samples of ``number`` calls each, reporting the median time
per call (``--min``: the fastest sample, the figure least disturbed by other
work on a shared machine). A tool whose gradient disagrees is reported and not timed.
"""
import argparse
import os
import platform
import sys
import time

import numpy as np

import s2s
from benchmarks import compiled, peers, report
from benchmarks.workloads import BY_NAME, WORKLOADS

RTOL, ATOL = 1e-6, 1e-10


def _as_tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def time_call(fn, args, repeat, min_sample, statistic=np.median):
    """Median (or ``statistic``) seconds per call of ``fn(*args)`` over ``repeat`` samples, after warm-up."""
    fn(*args)
    start = time.perf_counter()
    fn(*args)
    once = time.perf_counter() - start
    number = max(1, int(min_sample / max(once, 1e-9)))
    if once > 2.0:  # JAX eager on the long loop: tens of seconds per call
        repeat = min(repeat, 3)
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn(*args)
        samples.append((time.perf_counter() - start) / number)
    return float(statistic(samples))


def leaves(x):
    """The arrays and numbers of a gradient, nested lists and tuples flattened in order."""
    if isinstance(x, (tuple, list)):
        return [leaf for item in x for leaf in leaves(item)]
    return [x]


def same_gradients(a, b):
    a, b = leaves(a), leaves(b)
    if len(a) != len(b):
        return False
    return all(np.shape(x) == np.shape(y) and np.allclose(x, y, rtol=RTOL, atol=ATOL) for x, y in zip(a, b))


def candidates(workload, inputs, modules, optimize=True, compile_times=None, notes=None):
    """{tool: (args, gradient callable returning a tuple)} for s2s, hand and the peers (and the
    Numba-compiled gradients when ``compile_times`` is given: see compiled.py)."""
    g = s2s.grad(workload.fn, wrt=workload.wrt, **({} if optimize else {"optimize": False}))
    out = {"s2s": (inputs, g)}
    if workload.hand is not None:
        out["hand"] = (inputs, workload.hand)
    out.update(peers.gradient_functions(workload, inputs, modules, notes))
    if compile_times is not None:
        out.update(compiled.candidates(workload, inputs, compile_times, notes))
    return out


def run_workload(workload, modules, repeat, min_sample, log, statistic=np.median):
    inputs = workload.make_inputs(np.random.default_rng(0))
    result = {"name": workload.name, "title": workload.title, "times": {}, "notes": [], "compile": {}}
    result["times"]["function"] = time_call(workload.fn, inputs, repeat, min_sample, statistic)
    tools = candidates(workload, inputs, modules, compile_times=result["compile"], notes=result["notes"])
    reference_tool = "hand" if "hand" in tools else "s2s"
    args, fn = tools[reference_tool]
    reference = _as_tuple(fn(*args))
    for tool, (args, fn) in tools.items():
        try:
            grads = _as_tuple(fn(*args))
        except Exception as err:  # a peer failing on a workload is reported, not fatal
            result["notes"].append("{} failed: {}: {}".format(tool, type(err).__name__, err))
            continue
        if not same_gradients(grads, reference):
            result["notes"].append("{} disagrees with {}: not timed".format(tool, reference_tool))
            continue
        result["times"][tool] = time_call(fn, args, repeat, min_sample, statistic)
        log("  {:<9} {:>12}".format(tool, report.seconds(result["times"][tool])))
    return result


def environment(modules, missing):
    versions = {"python": platform.python_version(), "numpy": np.__version__}
    for name, module in modules.items():
        versions[name] = getattr(module, "__version__", "?")
    if compiled.available() is None:
        import numba

        versions["numba"] = numba.__version__
    return {"machine": "{} ({} CPUs)".format(platform.processor() or platform.machine(), os.cpu_count()),
            "versions": versions, "missing": missing,
            "torch_threads": 1 if "torch" in modules else None,
            "blas_threads": os.environ.get("OPENBLAS_NUM_THREADS"),
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    parser.add_argument("--workload", action="append", choices=[w.name for w in WORKLOADS],
                        help="run only this workload (repeatable); default: all")
    parser.add_argument("--repeat", type=int, default=7, help="timed samples per tool (median reported)")
    parser.add_argument("--out", default=os.path.join("benchmarks", "results"),
                        help="folder for results.md, results.json and results.png")
    parser.add_argument("--quick", action="store_true", help="fewer, shorter samples (a rough look)")
    parser.add_argument("--min", action="store_true", help="report the fastest sample instead of the median")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    repeat = 3 if args.quick and args.repeat == 7 else args.repeat
    min_sample = 0.02 if args.quick else 0.2
    modules, missing = peers.available()
    for name, why in missing.items():
        print("peer {} not available ({}); install the extra: pip install -e '.[bench]'".format(name, why))
    if "torch" in modules:
        print("PyTorch runs eager on the CPU with torch.set_num_threads(1).")
    print("Threads: OPENBLAS/OMP/MKL_NUM_THREADS={}, XLA_FLAGS={!r}".format(
        os.environ.get("OPENBLAS_NUM_THREADS"), os.environ.get("XLA_FLAGS")))
    results = []
    for name in args.workload or [w.name for w in WORKLOADS]:
        print("{} ...".format(BY_NAME[name].title), flush=True)
        results.append(run_workload(BY_NAME[name], modules, repeat, min_sample, print,
                                    np.min if args.min else np.median))
    env = environment(modules, missing)
    env["run"] = "--quick, {} samples".format(repeat) if args.quick else "{} samples of >= {} s".format(
        repeat, min_sample)
    if args.min:
        env["run"] += ", fastest sample"
    print()
    print(report.markdown(results, env))
    written = report.write(results, env, args.out)
    print("wrote " + ", ".join(written))
    return 0

"""Compiled gradients for the benchmark run: s2s's ``compile="numba"`` and the hand-written
gradient under ``numba.njit``, beside ``jax.jit`` (peers.py).

``candidates`` gives them in the runner's form, ``{tool: (args, callable)}``, and
records the first call of each (Numba compiles there) in ``compile_times``:
compile time is reported apart from the timed calls. A workload Numba cannot
compile is reported in ``notes`` and not timed. Without Numba installed there
are no candidates and a note says so.

``python -m benchmarks.compiled`` times the compiled gradients of the issue's
targets on their own, interleaved: each round takes one sample of every tool
in turn, and each tool's figure is its fastest sample over the rounds, so a
load that comes and goes on a shared machine falls on every tool alike.
Writes ``benchmarks/results/compiled.md``.
"""
import os

if __name__ == "__main__":  # one thread everywhere, set before NumPy and JAX load their thread pools
    for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(_var, "1")
    os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402

import s2s  # noqa: E402

TARGETS = ("scalar", "scalar-math", "lorenz", "rnn", "mlp", "logreg")
TOOLS = ("function", "s2s", "hand", "jax-jit", "s2s-numba", "hand-numba")


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


def _as_tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _sample(fn, args, number):
    start = time.perf_counter()
    for _ in range(number):
        fn(*args)
    return (time.perf_counter() - start) / number


def interleaved(workload, modules, rounds, min_sample):
    """{tool: fastest seconds per call}, compile times and notes for ``workload``."""
    from benchmarks import runner

    inputs = workload.make_inputs(np.random.default_rng(0))
    compile_times, notes = {}, []
    tools = {"function": (inputs, workload.fn)}
    tools.update(runner.candidates(workload, inputs, modules, compile_times=compile_times, notes=notes))
    tools = {k: v for k, v in tools.items() if k in TOOLS}
    reference = _as_tuple(tools["hand" if "hand" in tools else "s2s"][1](*inputs))
    for tool in [t for t in tools if t != "function"]:
        args, fn = tools[tool]
        try:
            same = runner.same_gradients(_as_tuple(fn(*args)), reference)
        except Exception as err:  # a peer failing on a workload is reported, not fatal
            notes.append("{} failed: {}: {}".format(tool, type(err).__name__, str(err).splitlines()[0][:200]))
            same = False
        if not same:
            tools.pop(tool)
    numbers = {}
    for tool, (args, fn) in tools.items():
        once = _sample(fn, args, 1)
        numbers[tool] = max(1, int(min_sample / max(once, 1e-9)))
    best = {tool: float("inf") for tool in tools}
    for _ in range(rounds):
        for tool, (args, fn) in tools.items():
            best[tool] = min(best[tool], _sample(fn, args, numbers[tool]))
    return best, compile_times, notes


def table(rows):
    from benchmarks.report import seconds

    def ratio(a, b):
        return "-" if a is None or b is None else "{:.2f}".format(a / b)

    lines = ["| workload | function | s2s | s2s numba | hand numba | jax.jit | s2s numba / function | "
             "jax.jit / s2s numba | s2s numba / hand numba | compile (s2s numba) |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for title, best, compile_times, _ in rows:
        t = best.get
        lines.append("| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |".format(
            title, seconds(t("function")), seconds(t("s2s")), seconds(t("s2s-numba")), seconds(t("hand-numba")),
            seconds(t("jax-jit")), ratio(t("s2s-numba"), t("function")), ratio(t("jax-jit"), t("s2s-numba")),
            ratio(t("s2s-numba"), t("hand-numba")), seconds(compile_times.get("s2s-numba"))))
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.compiled", description=__doc__.split("\n\n")[0])
    parser.add_argument("--workload", action="append", choices=TARGETS)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--out", default=os.path.join("benchmarks", "results"))
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    from benchmarks import peers, rnn_products
    from benchmarks.workloads import BY_NAME

    modules, missing = peers.available()
    modules = {k: v for k, v in modules.items() if k == "jax"}
    rows = []
    for name in args.workload or TARGETS:
        print(BY_NAME[name].title, "...", flush=True)
        best, compile_times, notes = interleaved(BY_NAME[name], modules, args.rounds, 0.05)
        rows.append((BY_NAME[name].title, best, compile_times, notes))
    import numba
    import platform

    versions = "python {}, numpy {}, numba {}{}".format(
        platform.python_version(), np.__version__, numba.__version__,
        ", jax {}".format(modules["jax"].__version__) if "jax" in modules else " (jax not installed)")
    text = table(rows) + "\n\nFastest of {} interleaved rounds (samples of >= 50 ms) per tool, {}; {} ({} CPUs), " \
        "one thread (OPENBLAS_NUM_THREADS=1, XLA single-threaded); compile: the first call. " \
        "Matrix products: {}, OPENBLAS_CORETYPE={}.\n".format(
            args.rounds, versions, platform.machine(), os.cpu_count(), rnn_products.blas_core(),
            os.environ.get("OPENBLAS_CORETYPE", "unset"))
    text += "".join("- {}: {}\n".format(title, n) for title, _, _, notes in rows for n in notes)
    print(text)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "compiled.md"), "w") as out:
        out.write("# Compiled gradients beside jax.jit\n\n" + text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

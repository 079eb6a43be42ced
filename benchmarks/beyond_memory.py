"""A logistic-regression gradient over data larger than the workers' memory: ``python benchmarks/beyond_memory.py``.

The data ``X`` (n x d float64) and labels ``y`` are built lazily with
``dask.array.random``, never held in one process: a 2-worker
``dask.distributed.LocalCluster`` (one thread each, ``--memory`` per worker, well
below the data size) computes the gradient chunk by chunk. Compared:

- s2s: ``s2s.grad(loss)(w, X, y)`` of the NumPy-written loss below, Dask in, Dask out;
- by hand, the way dask-glm writes it: ``X.T.dot(sigmoid(X.dot(w)) - y)``.

Both are computed ``--repeats`` times, taking turns (the data regenerated each
time, as it does not fit); the figures are the median and least wall times, and
the ratio s2s / hand. Peak memory per worker is each worker process's peak
resident set (workers restarted and warmed up on small data before each run, so
each figure is that run's). Writes
benchmarks/results/beyond_memory.md. ``--quick`` runs a small size (a smoke run).
"""
import argparse
import pathlib
import resource
import statistics
import sys
import time

import numpy as np

if __package__ in (None, ""):
    # the repository instead of benchmarks/ (whose sparse.py would hide the sparse package Dask looks for)
    sys.path[0] = str(pathlib.Path(__file__).resolve().parent.parent)

import s2s  # noqa: E402


def loss(w, X, y):
    """The logistic negative log-likelihood, written for NumPy."""
    z = X @ w
    return np.sum(np.logaddexp(0.0, z) - y * z)


def hand_gradient(w, X, y):
    """The same gradient written by hand with Dask (dask-glm's logistic gradient)."""
    import dask.array as da
    p = 1.0 / (1.0 + da.exp(-X.dot(w)))
    return X.T.dot(p - y)


def data(n, d, chunk, seed=0):
    import dask.array as da
    state = da.random.RandomState(seed)
    X = state.standard_normal((n, d), chunks=(chunk, d))
    truth = np.linspace(-1.0, 1.0, d)
    y = (state.uniform(size=n, chunks=chunk) < 1.0 / (1.0 + da.exp(-X.dot(truth)))).astype(float)
    return X, y


def _peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def measure(client, methods, w, X, y, repeats, small):
    """{name: (times, peak RSS per worker of each run, last result)}, the methods taking turns.

    Before each timed run the workers are restarted (so the peak is that run's) and warmed up on the
    small data ``small`` (imports, first-call costs), so the time is the gradient's own.
    """
    out = {name: ([], [], None) for name in methods}
    for _ in range(repeats):
        for name, method in methods.items():
            client.restart()
            method(w, *small).compute()
            start = time.perf_counter()
            result = method(w, X, y).compute()
            out[name][0].append(time.perf_counter() - start)
            out[name][1].append(sorted(client.run(_peak_rss_mib).values()))
            out[name] = (out[name][0], out[name][1], result)
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=float, default=2e7)
    parser.add_argument("--cols", type=int, default=20)
    parser.add_argument("--chunk", type=float, default=5e5)
    parser.add_argument("--memory", default="1GiB", help="memory limit per worker")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="a small size (a smoke run)")
    parser.add_argument("--out", default=str(pathlib.Path(__file__).parent / "results" / "beyond_memory.md"))
    args = parser.parse_args(argv)
    if args.quick:
        args.rows, args.chunk, args.repeats = 2e5, 5e4, 1
    import distributed

    n, d, chunk = int(args.rows), args.cols, int(args.chunk)
    X, y = data(n, d, chunk)
    w = np.zeros(d) + 0.1
    grad = s2s.grad(loss)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None, memory_limit=args.memory) as cluster, \
            distributed.Client(cluster) as client:
        runs = measure(client, {"s2s": grad, "hand": hand_gradient}, w, X, y, args.repeats,
                       data(chunk, d, max(1, chunk // 4), seed=1))
    (ours_t, ours_m, ours_g), (hand_t, hand_m, hand_g) = runs["s2s"], runs["hand"]
    error = float(np.max(np.abs(ours_g - hand_g)) / np.max(np.abs(hand_g)))
    gigabytes = n * d * 8 / 1e9
    lines = [
        "# Beyond memory: a logistic-regression gradient on a 2-worker Dask cluster",
        "",
        "Written by `python benchmarks/beyond_memory.py{}`.".format(" --quick" if args.quick else ""),
        "",
        "X: {:,} x {} float64 = {:.1f} GB, built lazily with dask.array.random in chunks of {:,} rows; "
        "2 workers (1 thread each), memory limit {} per worker; {} repeat(s), data regenerated each time.".format(
            n, d, gigabytes, chunk, args.memory, args.repeats),
        "",
        "| gradient | median time (s) | least (s) | all times (s) | largest peak RSS per worker (MiB) |",
        "| --- | ---: | ---: | --- | --- |",
        _row("s2s.grad(loss), Dask in and out", ours_t, ours_m),
        _row("by hand, dask-glm style", hand_t, hand_m),
        "",
        "Ratio s2s / hand: **{:.2f}** (medians), {:.2f} (least times); largest relative difference between the "
        "two gradients: {:.1e}. The runs take turns, each on restarted, warmed-up workers.".format(
            statistics.median(ours_t) / statistics.median(hand_t), min(ours_t) / min(hand_t), error),
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if not args.quick:
        pathlib.Path(args.out).write_text(text)
    return statistics.median(ours_t) / statistics.median(hand_t)


def _row(title, times, peaks):
    worst = [max(p[i] for p in peaks) for i in range(len(peaks[0]))]
    return "| {} | {:.2f} | {:.2f} | {} | {} |".format(
        title, statistics.median(times), min(times), ", ".join("{:.2f}".format(t) for t in times),
        ", ".join("{:.0f}".format(p) for p in worst))


if __name__ == "__main__":
    main()

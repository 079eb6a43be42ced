"""Sparse Jacobians and Hessians against dense ones: ``python benchmarks/sparse.py``.

Workloads: 1-D and 2-D finite-difference Laplacian residuals (with a cubic
reaction term) at 10^4 and 10^5 unknowns, a banded recurrence (a loop of
shifted products), and the Hessian of a separable objective (chained
Rosenbrock). For each: colors, detection + coloring time (once per shapes;
the least of ``PREPARE_REPEATS`` fresh preparations), evaluation time
(median of repeats), and the dense Jacobian's (Hessian's) time: measured in full where it fits (n = 10^4), otherwise extrapolated from
the time of ``DENSE_SAMPLE`` JVPs / HVPs (marked "est."). Writes
benchmarks/results/sparse.md. ``--quick`` runs small sizes (the smoke test).
"""
import pathlib
import sys
import time

import numpy as np

if __package__ in (None, ""):
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

import s2s  # noqa: E402

DENSE_SAMPLE = 200
PREPARE_REPEATS = 3


def laplacian_1d(u):
    r = -2.0 * u
    r[1:] = r[1:] + u[:-1]
    r[:-1] = r[:-1] + u[1:]
    return r - 0.1 * u ** 3


def laplacian_2d(u):
    m = int(round(np.sqrt(u.size)))
    v = u.reshape(m, m)
    r = -4.0 * v
    r[1:, :] = r[1:, :] + v[:-1, :]
    r[:-1, :] = r[:-1, :] + v[1:, :]
    r[:, 1:] = r[:, 1:] + v[:, :-1]
    r[:, :-1] = r[:, :-1] + v[:, 1:]
    return (r - 0.1 * v ** 3).ravel()


def banded_recurrence(x):
    r = np.sin(x)
    for k in range(1, 4):
        r = r + np.roll(x, k) * np.roll(r, -k) / (k + 1.0)
    return r


def rosenbrock(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def workloads(quick):
    small = 100 if quick else None
    return [
        ("1-D Laplacian", "jacobian", laplacian_1d, small or 10 ** 4),
        ("1-D Laplacian", "jacobian", laplacian_1d, small or 10 ** 5),
        ("2-D Laplacian", "jacobian", laplacian_2d, small or 100 ** 2),
        ("2-D Laplacian", "jacobian", laplacian_2d, small or 316 ** 2),
        ("banded recurrence", "jacobian", banded_recurrence, small or 10 ** 4),
        ("banded recurrence", "jacobian, reverse", banded_recurrence, small or 10 ** 4),
        ("separable Hessian", "hessian", rosenbrock, small or 10 ** 4),
    ]


def _median_time(fn, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def _evaluator(kind, fn):
    if kind == "hessian":
        return s2s.sparse_hessian(fn)
    return s2s.sparse_jacobian(fn, mode="reverse" if kind.endswith("reverse") else "forward")


def run_one(name, kind, fn, n, full_dense_limit):
    x = np.random.default_rng(0).uniform(0.5, 1.5, size=n)
    prepare = []
    for _ in range(PREPARE_REPEATS):  # fresh callables: each detects and colors again
        sparse = _evaluator(kind, fn)
        start = time.perf_counter()
        colors = sparse.colors(x)
        prepare.append(time.perf_counter() - start)
    prepare = min(prepare)
    result = sparse(x)  # the first evaluation times both ways of running the seeds and keeps the faster
    prepared = sparse.prepare(x)[0]
    kept = prepared.batched
    seeds = {}
    for batched in (False, True):
        prepared.batched = batched
        seeds[batched] = _median_time(lambda: sparse(x), 5)
    prepared.batched = kept
    evaluate = _median_time(lambda: sparse(x), 5)
    if kind == "jacobian":
        product = s2s.jvp(fn)
        dense_fn = s2s.jacobian(fn, mode="forward")
    elif kind == "jacobian, reverse":
        product = s2s.vjp(fn)
        dense_fn = s2s.jacobian(fn, mode="reverse")
    else:
        product = s2s.hvp(fn)
        dense_fn = s2s.hessian(fn)
    if n <= full_dense_limit:
        start = time.perf_counter()
        dense = dense_fn(x)
        dense_time = time.perf_counter() - start
        error = abs(result.toarray() - dense.reshape(result.shape)).max() / max(abs(dense).max(), 1e-300)
        estimated = False
    else:
        e = np.zeros(n)
        start = time.perf_counter()
        for j in range(DENSE_SAMPLE):
            e[:] = 0.0
            e[j] = 1.0
            product(x, e)
        dense_time = (time.perf_counter() - start) * n / DENSE_SAMPLE
        error = None
        estimated = True
    return dict(name=name, kind=kind, n=n, colors=int(colors.max()) + 1, nnz=result.nnz, prepare=prepare,
                evaluate=evaluate, dense=dense_time, estimated=estimated, speedup=dense_time / evaluate,
                error=error, per_color=seeds[False], batched=seeds[True], kept="batched" if kept else "per color")


def table(rows):
    lines = ["| workload | n | nnz | colors | detection + coloring (s) | evaluation (s) | dense (s) | speed-up | "
             "max rel. error vs dense |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append("| {} ({}) | {} | {} | {} | {:.3f} | {:.4f} | {:.2f}{} | {:.0f}x | {} |".format(
            r["name"], r["kind"], r["n"], r["nnz"], r["colors"], r["prepare"], r["evaluate"], r["dense"],
            " est." if r["estimated"] else "", r["speedup"],
            "{:.1e}".format(r["error"]) if r["error"] is not None else "-"))
    return "\n".join(lines)


def seeds_table(rows):
    """One call per color against all seeds in one batched call, and which the first evaluation kept."""
    lines = ["| workload | n | colors | one call per color (ms) | one batched call (ms) | per color / batched | "
             "kept |", "|---|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        lines.append("| {} ({}) | {} | {} | {:.3f} | {:.3f} | {:.2f} | {} |".format(
            r["name"], r["kind"], r["n"], r["colors"], 1e3 * r["per_color"], 1e3 * r["batched"],
            r["per_color"] / r["batched"], r["kept"]))
    return "\n".join(lines)


def main(argv=()):
    quick = "--quick" in argv
    s2s.jacobian_sparsity(laplacian_1d, np.ones(4))  # load the pattern rules outside the first timing
    rows = [run_one(*w, full_dense_limit=10 ** 4 if not quick else 10 ** 3) for w in workloads(quick)]
    text = table(rows) + "\n\nSeeds of all colors in one batched call (`s2s.jvp` / `s2s.vjp` with `batch=True`) " \
        "or one call per color, each the median of 5 evaluations:\n\n" + seeds_table(rows)
    print(text)
    if not quick:
        out = pathlib.Path(__file__).resolve().parent / "results" / "sparse.md"
        out.parent.mkdir(exist_ok=True)
        out.write_text("# Sparse Jacobians and Hessians (`python benchmarks/sparse.py`)\n\n"
                       "Dense: `s2s.jacobian(f, mode=...)` / `s2s.hessian(f)` (every column or row, in batched "
                       "calls of up to 2^17 / n of them); \"est.\" = extrapolated from {} single columns. Detection + coloring: least of {} fresh "
                       "preparations. Evaluation: median of 5.\n\n{}\n".format(DENSE_SAMPLE, PREPARE_REPEATS, text))
    return rows


if __name__ == "__main__":
    main(sys.argv[1:])

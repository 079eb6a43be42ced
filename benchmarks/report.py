"""Results as a Markdown table, JSON and a bar chart (when matplotlib is installed).

Ratios: ``tool/function`` is the cost of a gradient in units of one call of
the function; ``peer/s2s`` above 1 means s2s is faster than that peer.
"""
import json
import os

GRADIENTS = ("s2s", "hand", "autograd", "jax", "jax-jit", "torch", "s2s-numba", "hand-numba")
PEERS = ("autograd", "jax", "jax-jit", "torch")


def seconds(t):
    if t is None:
        return "-"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if t >= scale:
            return "{:.3g} {}".format(t / scale, unit)
    return "{:.3g} ns".format(t / 1e-9)


def _ratio(a, b):
    return None if a is None or b is None else a / b


def _fmt(r):
    return "-" if r is None else "{:.3g}".format(r) if r < 100 else "{:.0f}".format(r)


def rows(results):
    """One dict per workload with times and ratios (None where a tool was not timed)."""
    out = []
    for r in results:
        t = r["times"]
        row = {"workload": r["name"], "title": r["title"], "function": t.get("function"), "s2s": t.get("s2s"),
               "s2s/function": _ratio(t.get("s2s"), t.get("function")),
               "hand/function": _ratio(t.get("hand"), t.get("function")),
               "s2s/hand": _ratio(t.get("s2s"), t.get("hand"))}
        for peer in PEERS:
            row[peer + "/s2s"] = _ratio(t.get(peer), t.get("s2s"))
        # compiled gradients (compiled.py): s2s's against the compiled hand gradient and jax.jit
        row["s2s-numba"] = t.get("s2s-numba")
        row["s2s-numba/hand-numba"] = _ratio(t.get("s2s-numba"), t.get("hand-numba"))
        row["jax-jit/s2s-numba"] = _ratio(t.get("jax-jit"), t.get("s2s-numba"))
        row["compile"] = dict(r.get("compile", {}))
        row["notes"] = list(r["notes"])
        out.append(row)
    return out


def markdown(results, env):
    columns = ["s2s/function", "hand/function", "s2s/hand"] + [p + "/s2s" for p in PEERS]
    lines = ["| workload | function | s2s gradient | " + " | ".join(columns) + " |",
             "| --- | ---: | ---: | " + " | ".join("---:" for _ in columns) + " |"]
    notes = []
    for row in rows(results):
        cells = [row["title"], seconds(row["function"]), seconds(row["s2s"])] + [_fmt(row[c]) for c in columns]
        lines.append("| " + " | ".join(cells) + " |")
        notes.extend("{}: {}".format(row["workload"], n) for n in row["notes"])
    compiled = [row for row in rows(results) if row["s2s-numba"] is not None]
    if compiled:
        lines += ["", "| workload | s2s numba | s2s-numba/hand-numba | jax-jit/s2s-numba | first call (compile) |",
                  "| --- | ---: | ---: | ---: | --- |"]
        for row in compiled:
            lines.append("| {} | {} | {} | {} | {} |".format(
                row["title"], seconds(row["s2s-numba"]), _fmt(row["s2s-numba/hand-numba"]),
                _fmt(row["jax-jit/s2s-numba"]),
                ", ".join("{} {}".format(k, seconds(v)) for k, v in sorted(row["compile"].items()))))
    versions = ", ".join("{} {}".format(k, v) for k, v in env["versions"].items())
    lines.append("")
    lines.append("Time per call after warm-up ({}; median unless the fastest sample is said); {}; {}. One thread for every tool: PyTorch eager "
                 "on the CPU with torch.set_num_threads(1), NumPy's BLAS and XLA single-threaded; JAX with float64, `jax-jit` compiles loops as "
                 "`lax.fori_loop`. Ratios `peer/s2s` above 1: s2s is faster.".format(env.get("run", ""), env["machine"], versions))
    for name, why in env["missing"].items():
        notes.append("{} not installed ({})".format(name, why))
    lines.extend("- " + n for n in notes)
    return "\n".join(lines)


def write(results, env, folder):
    os.makedirs(folder, exist_ok=True)
    written = []
    path = os.path.join(folder, "results.md")
    with open(path, "w") as f:
        f.write("# Benchmark results ({})\n\n".format(env["date"]) + markdown(results, env) + "\n")
    written.append(path)
    path = os.path.join(folder, "results.json")
    with open(path, "w") as f:
        json.dump({"environment": env, "results": results, "rows": rows(results)}, f, indent=2)
    written.append(path)
    png = chart(results, os.path.join(folder, "results.png"))
    if png:
        written.append(png)
    return written


def chart(results, path):
    """Grouped bars: each gradient's time in units of its function's, log scale."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib not installed: no chart (pip install -e '.[bench]')")
        return None
    tools = [t for t in GRADIENTS if any(t in r["times"] for r in results)]
    fig, ax = plt.subplots(figsize=(max(6, 1.6 * len(results)), 4.5))
    width = 0.8 / max(len(tools), 1)
    for k, tool in enumerate(tools):
        xs, ys = [], []
        for i, r in enumerate(results):
            if tool in r["times"]:
                xs.append(i + (k - (len(tools) - 1) / 2) * width)
                ys.append(r["times"][tool] / r["times"]["function"])
        ax.bar(xs, ys, width, label=tool)
    ax.set_yscale("log")
    ax.axhline(3, color="grey", linestyle="--", linewidth=0.8)
    ax.set_xticks(range(len(results)))
    ax.set_xticklabels([r["name"] for r in results])
    ax.set_ylabel("gradient time / function time (log)")
    ax.set_title("Cost of a gradient in units of the function (lower is better; dashed: 3)")
    ax.legend(fontsize="small", ncol=3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path

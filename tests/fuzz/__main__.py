"""``python -m tests.fuzz --n 10000 [--seed S] [--jobs J] [--out DIR]``: a long fuzzing campaign.

Runs the programs of seeds S, S+1, ..., S+n-1, prints the count of each class, the most
frequent unsupported messages, and the seed, mode, message and source of every WRONG and
INTERNAL program; each of those is also written to DIR as ``<kind>_<seed>.py``.
"""
import argparse
import collections
import concurrent.futures
import os
import signal
import sys
import time

from . import run_seed, temporary_folder

FAILURES = ("WRONG", "INTERNAL")


def _chunk(seeds):
    folder = temporary_folder()
    rows = []
    for seed in seeds:
        program, result = run_seed(seed, folder)
        rows.append((seed, result.kind, result.mode, result.message,
                     program.source if result.kind in FAILURES else None))
    return rows


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="number of programs (default 1000)")
    parser.add_argument("--seed", type=int, default=0, help="first seed (default 0)")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument("--out", default=None, help="folder for the failing programs (default: a temporary one)")
    options = parser.parse_args(argv)
    out = options.out or temporary_folder()
    os.makedirs(out, exist_ok=True)
    seeds = list(range(options.seed, options.seed + options.n))
    chunks = [seeds[k:k + 20] for k in range(0, len(seeds), 20)]
    counts, messages = collections.Counter(), collections.Counter()
    start = time.time()
    done = 0

    def take(rows):
        nonlocal done
        for seed, kind, mode, message, source in rows:
            counts[kind] += 1
            done += 1
            if kind == "unsupported":
                messages["{}: {}".format(mode, message)] += 1
            if kind in FAILURES:
                text = "# seed {} {} in {}: {}\n{}".format(seed, kind, mode, message, source)
                with open(os.path.join(out, "{}_{}.py".format(kind, seed)), "w") as handle:
                    handle.write(text)
                print("\n" + text, flush=True)
        print("[{} programs, {:.0f} s] {}".format(done, time.time() - start, dict(counts)), file=sys.stderr, flush=True)

    signal.signal(signal.SIGTERM, _interrupt)     # kill PID: the summary too (background jobs ignore SIGINT)
    try:
        if options.jobs > 1:
            with concurrent.futures.ProcessPoolExecutor(options.jobs) as pool:
                for rows in pool.map(_chunk, chunks):
                    take(rows)
        else:
            for chunk in chunks:
                take(_chunk(chunk))
    except KeyboardInterrupt:       # Ctrl-C or kill: the summary of the programs done so far
        print("\ninterrupted")
    elapsed = time.time() - start
    print("\n{} programs in {:.0f} s ({:.2f} s each), seeds {}..{}".format(
        done, elapsed, elapsed / max(done, 1), options.seed, options.seed + done - 1))
    for kind in ("ok", "unsupported", "skip") + FAILURES:
        print("  {:12} {}".format(kind, counts[kind]))
    print("top unsupported messages:")
    for message, count in messages.most_common(15):
        print("  {:6}  {}".format(count, message))
    print("failing programs written to", out)
    return 1 if any(counts[k] for k in FAILURES) else 0


if __name__ == "__main__":
    sys.exit(main())

"""What generating a derivative costs: a cold transform and a cache hit.

A function of 100 statements (99 assignments mixing NumPy calls and
arithmetic on arrays, then a return) is written to a temporary file, and:

- cold: the first ``s2s.grad(f).generated()`` of a function s2s has not seen
  (parse, normalize, activity, reverse, optimize, emit, compile). Each
  repetition uses a new function of the same shape (a different constant), so
  nothing is cached; the template registry is loaded before timing (its
  one-time cost is reported separately, as "first transform in the process").
- hit, same callable: what each call of ``g(...)`` pays before running the
  generated code: binding the arguments, reading their shapes (the code is
  specialized on them, s2s/backend/specialize.py), a dictionary lookup and the check
  that every global name the code depends on still means the same object.
- hit, new callable: ``api._generate(...)`` for a function already in the
  cache, what a new ``s2s.grad(f)`` pays on its first call (key + check).
- s2s.grad(f): building a new callable for a function already seen (reading
  its signature and ``wrt``), then its first lookup.

Targets (issue 5): cold under 100 ms, a cache hit under 10 us.

Run it: python benchmarks/transform_cost.py [--repeat N]
"""
import argparse
import importlib.util
import pathlib
import statistics
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import s2s  # noqa: E402
from s2s.api import transforms as api

STATEMENTS = 100

_FORMS = [
    "a{i} = np.sin(a{j}) * y + {c}",
    "a{i} = a{j} * a{k} - x",
    "a{i} = np.exp(-a{j} * a{j}) + a{k}",
    "a{i} = np.tanh(a{j} + {c} * a{k})",
    "a{i} = a{j} / (1.0 + a{k} * a{k})",
    "a{i} = np.sqrt(a{j} * a{j} + {c}) - a{k}",
    "a{i} = np.cos(a{j}) + np.log(1.0 + a{k} * a{k})",
]


def function_source(name, constant):
    """A function of ``STATEMENTS`` statements: STATEMENTS - 1 assignments and a return."""
    lines = ["def {}(x, y):".format(name), "    a0 = x * y"]
    for i in range(1, STATEMENTS - 1):
        form = _FORMS[i % len(_FORMS)]
        lines.append("    " + form.format(i=i, j=i - 1, k=max(0, i - 3), c=constant + 0.01 * i))
    lines.append("    return np.sum(a{})".format(STATEMENTS - 2))
    return "\n".join(lines) + "\n"


def make_module(folder, count):
    path = pathlib.Path(folder) / "hundred_statements.py"
    parts = ["import numpy as np\n"]
    parts += [function_source("f{}".format(n), 0.5 + 0.1 * n) for n in range(count)]
    path.write_text("\n\n".join(parts))
    spec = importlib.util.spec_from_file_location("hundred_statements", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def per_call(fn, number):
    """Mean seconds per call over ``number`` calls, best of 5 rounds."""
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - start) / number)
    return best


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=10, help="cold transforms to time (default 10)")
    args = parser.parse_args(argv)
    import numpy as np

    with tempfile.TemporaryDirectory() as folder:
        module = make_module(folder, args.repeat + 1)
        x, y = np.linspace(0.1, 0.9, 8), 0.7

        start = time.perf_counter()
        s2s.grad(module.f0).generated()
        first = time.perf_counter() - start

        cold = []
        for n in range(1, args.repeat + 1):
            fn = getattr(module, "f{}".format(n))
            start = time.perf_counter()
            g = s2s.grad(fn)
            g.generated()
            cold.append(time.perf_counter() - start)
        lines = len(s2s.source(g).splitlines())
        g(x, y)  # runs

        def lookup():  # what each call g(x, y) does before running the code: bind, shape facts, lookup
            bound = g.bind((x, y), {})
            return g.generated(g.containers(bound), g._facts(bound))

        entry = lookup()
        hit_same = per_call(lookup, 100_000)
        key_args = (g.fn, g.wrt, g.kind, g.as_tuple, frozenset(), g.options, g._facts(g.bind((x, y), {})))
        assert api._generate(*key_args) is entry
        hit_new = per_call(lambda: api._generate(*key_args), 100_000)
        fn = g.fn
        new_callable = per_call(lambda: s2s.grad(fn).generated(), 20_000)

    print("transform cost of a {}-statement function ({} lines of generated source)".format(STATEMENTS, lines))
    print("  first transform in the process (loads templates) {:9.1f} ms".format(first * 1e3))
    print("  cold transform, median of {:<3d}                   {:9.1f} ms   (min {:.1f}, max {:.1f}; target < 100)".format(
        len(cold), statistics.median(cold) * 1e3, min(cold) * 1e3, max(cold) * 1e3))
    print("  cache hit, same callable (bind, shapes, lookup)   {:9.2f} us   (target < 10)".format(hit_same * 1e6))
    print("  cache hit, new callable (key + freshness check)  {:9.2f} us   (target < 10)".format(hit_new * 1e6))
    print("  s2s.grad(f) of a cached function + lookup        {:9.2f} us".format(new_callable * 1e6))
    return {"first_ms": first * 1e3, "cold_ms": statistics.median(cold) * 1e3, "hit_same_us": hit_same * 1e6,
            "hit_new_us": hit_new * 1e6, "new_callable_us": new_callable * 1e6}


if __name__ == "__main__":
    main()

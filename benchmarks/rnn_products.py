"""Where the compiled RNN gradient's time goes: its small matrix products, its tanh, its allocations.

``python -m benchmarks.rnn_products`` times, interleaved in one process (each
round takes one sample of every case in turn; 15 rounds; fastest and median
per case), on the "rnn" workload's shapes (benchmarks/workloads.py: 50 steps,
batch 16, 32->64):

- 50 products of (16x64) by (64x64) in a compiled loop, by operand layout
  (C @ C, C @ F as ``g @ Wh.T``, F @ C as ``h.T @ g``), into a preallocated
  buffer (``np.dot(a, b, out)``), and beside them NumPy's and ``jax.jit``'s;
- ``np.tanh`` of a 16x64 array: Numba's own, NumPy's, and the object-mode
  stand-in that compiled derivatives call (s2s/backend/numba_ufuncs.py);
- the whole gradient: s2s's ``compile="numba"``, the same without its sums of
  products as ``add_product`` calls (``without_add_product`` below), the sweeps
  written with preallocated 3-D stacks and products into buffers
  (``preallocated``), and ``jax.jit(jax.grad)`` of the benchmark's JAX version.

It prints a table and the BLAS that Numba's products call (scipy's OpenBLAS,
and the kernel family OpenBLAS picked for this CPU: ``OPENBLAS_CORETYPE``
overrides that choice when set before the process starts). Nothing is written
to benchmarks/results/. Needs Numba; JAX rows are left out without JAX.
"""
import os

if __name__ == "__main__":  # one thread everywhere, as benchmarks/compiled.py
    for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(_var, "1")
    os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")

import argparse  # noqa: E402
import ctypes  # noqa: E402
import glob  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

STEPS = 50


def blas_core():
    """"OpenBLAS <version> ... <core>" of the OpenBLAS that scipy (hence Numba's np.dot) loads, or why not."""
    try:
        import scipy
    except ImportError:
        return "scipy not installed"
    folder = os.path.join(os.path.dirname(os.path.dirname(scipy.__file__)), "scipy.libs")
    for path in sorted(glob.glob(os.path.join(folder, "*openblas*.so*"))):
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for prefix in ("scipy_", ""):
            config = getattr(lib, prefix + "openblas_get_config", None)
            core = getattr(lib, prefix + "openblas_get_corename", None)
            if config is not None and core is not None:
                config.restype = core.restype = ctypes.c_char_p
                return "{} (core {})".format(config().decode(), core().decode())
    return "unknown (no OpenBLAS found under {})".format(folder)


def compiled_cases():
    """{name: njit function of (A, B)}: 50 products each, by layout and into a buffer."""
    import numba

    @numba.njit
    def c_at_c(A, B):
        s = 0.0
        for t in range(A.shape[0]):
            s += (A[t] @ B)[0, 0]
        return s

    @numba.njit
    def c_at_f(A, B):
        s = 0.0
        for t in range(A.shape[0]):
            s += (A[t] @ B.T)[0, 0]
        return s

    @numba.njit
    def f_at_c(A, B):  # (64x16) @ (16x64): the adjoint of a weight, h.T @ g
        s = 0.0
        for t in range(A.shape[0]):
            s += (A[t].T @ A[t])[0, 0]
        return s

    @numba.njit
    def into_buffer(A, B):
        out = np.empty((A.shape[1], B.shape[1]))
        s = 0.0
        for t in range(A.shape[0]):
            np.dot(A[t], B, out)
            s += out[0, 0]
        return s
    return {"numba C @ C": c_at_c, "numba C @ F (g @ W.T)": c_at_f, "numba F @ C (h.T @ g), 64x16x64": f_at_c,
            "numba np.dot(a, b, out)": into_buffer}


def numpy_products(A, B):
    s = 0.0
    for t in range(A.shape[0]):
        s += (A[t] @ B)[0, 0]
    return s


def preallocated(tanh):
    """The RNN gradient's two sweeps by hand, with 3-D stacks and products into buffers, under njit."""
    import numba

    @numba.njit
    def grad(Wx, Wh, b, xs):
        steps, batch = xs.shape[0], xs.shape[1]
        hs = np.zeros((steps + 1, batch, Wh.shape[0]))
        pre, tmp = np.empty((batch, Wh.shape[1])), np.empty((batch, Wh.shape[1]))
        for t in range(steps):
            np.dot(xs[t], Wx, pre)
            np.dot(hs[t], Wh, tmp)
            hs[t + 1] = tanh(pre + tmp + b)
        h_bar = 2.0 * hs[steps]
        Wx_bar, Wh_bar, b_bar = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)
        gx, gh = np.empty_like(Wx), np.empty_like(Wh)
        for t in range(steps - 1, -1, -1):
            h = hs[t + 1]
            a_bar = h_bar * (1 - h * h)
            b_bar += a_bar.sum(axis=0)
            np.dot(a_bar, Wh.T, h_bar)
            np.dot(hs[t].T, a_bar, gh)
            Wh_bar += gh
            np.dot(xs[t].T, a_bar, gx)
            Wx_bar += gx
        return Wx_bar, Wh_bar, b_bar
    return grad


def without_add_product(workload, inputs):
    """s2s's compiled gradient of ``workload`` as it was before sums of products became ``add_product``
    calls (s2s/backend/numba_products.py): the rewrite is switched off while a copy of the function
    (its own globals, so its own cache entry) is generated on its first call."""
    import types

    import s2s
    from s2s.backend import numba_products

    fn = workload.fn
    copy = types.FunctionType(fn.__code__, dict(fn.__globals__), fn.__name__, fn.__defaults__, fn.__closure__)
    grad = s2s.grad(copy, wrt=workload.wrt, compile="numba")
    rewrite = numba_products.rewrite
    numba_products.rewrite = lambda f: (f, False)
    try:
        grad(*inputs)
    finally:
        numba_products.rewrite = rewrite
    return grad


def cases(jax_module=None):
    """{name: (args, callable, calls per sample)}, each called once already."""
    import numba

    import s2s
    from s2s.backend import numba_ufuncs
    from benchmarks.workloads import BY_NAME

    rng = np.random.default_rng(0)
    A, B = rng.normal(size=(STEPS, 16, 64)), rng.normal(size=(64, 64))
    out = {name: ((A, B), fn, 200) for name, fn in compiled_cases().items()}
    out["numpy C @ C"] = ((A, B), numpy_products, 200)
    x = rng.normal(size=(16, 64))
    stand_in = numba_ufuncs.STAND_INS["tanh"]
    out["tanh 16x64: numba's np.tanh"] = ((x,), numba.njit(lambda x: np.tanh(x)), 2000)
    out["tanh 16x64: numpy"] = ((x,), np.tanh, 2000)
    out["tanh 16x64: s2s stand-in (objmode numpy)"] = ((x,), numba.njit(lambda x: stand_in(x)), 2000)
    workload = BY_NAME["rnn"]
    inputs = workload.make_inputs(np.random.default_rng(0))
    out["gradient: s2s compile=\"numba\""] = (inputs, s2s.grad(workload.fn, wrt=workload.wrt, compile="numba"), 50)
    out["gradient: s2s compile=\"numba\" without add_product"] = (inputs, without_add_product(workload, inputs), 50)
    out["gradient: preallocated stacks, out= products"] = (inputs, preallocated(stand_in), 50)
    if jax_module is not None:
        out.update(_jax_cases(jax_module, A, B, workload, inputs))
    for args, fn, _ in out.values():
        fn(*args)
    return out


def _jax_cases(jax, A, B, workload, inputs):
    import jax.numpy as jnp

    from benchmarks import peers

    jA, jB = jnp.asarray(A), jnp.asarray(B)
    products = jax.jit(lambda A, B: jax.lax.fori_loop(0, STEPS, lambda t, s: s + (A[t] @ B)[0, 0], 0.0))
    jinputs, grad = peers.gradient_functions(workload, inputs, {"jax": jax})["jax-jit"]  # as compiled.md times it
    return {"jax.jit C @ C": ((jA, jB), lambda A, B: products(A, B).block_until_ready(), 200),
            "gradient: jax.jit(jax.grad)": (jinputs, grad, 50)}


def measure(table, rounds):
    """{name: (fastest, median) seconds per call}, interleaved over ``rounds``."""
    samples = {name: [] for name in table}
    for _ in range(rounds):
        for name, (args, fn, number) in table.items():
            start = time.perf_counter()
            for _ in range(number):
                fn(*args)
            samples[name].append((time.perf_counter() - start) / number)
    return {name: (min(s), sorted(s)[len(s) // 2]) for name, s in samples.items()}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.rnn_products", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    try:
        import jax
        jax.config.update("jax_enable_x64", True)
    except ImportError:
        jax = None
    from benchmarks.report import seconds

    timings = measure(cases(jax), args.rounds)
    print("| case | fastest | median |\n| --- | ---: | ---: |")
    for name, (fastest, median) in timings.items():
        print("| {} | {} | {} |".format(name, seconds(fastest), seconds(median)))
    print("\nFastest and median of {} interleaved rounds; products: 50 per call. BLAS: {}; "
          "OPENBLAS_CORETYPE={}; OPENBLAS_NUM_THREADS={}; XLA_FLAGS={!r}.".format(
              args.rounds, blas_core(), os.environ.get("OPENBLAS_CORETYPE"),
              os.environ.get("OPENBLAS_NUM_THREADS"), os.environ.get("XLA_FLAGS")))
    return 0


if __name__ == "__main__":
    sys.exit(main())

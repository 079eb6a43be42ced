"""The tools s2s is compared with, each optional.

``available()`` imports what is installed and reports what is not. For every
workload, ``gradient_functions`` returns ``{tool: callable}`` where each
callable takes the workload's NumPy inputs (already converted once, outside
the timing) and returns its gradients as NumPy arrays or floats -- after the
computation has finished (JAX's asynchronous dispatch is waited for).

autograd and JAX run the workload's own code object with ``np`` bound to
``autograd.numpy`` or ``jax.numpy``. PyTorch needs its own spelling of each
workload that calls NumPy (below). ``jax-jit`` compiles the gradient; for loops it compiles the
loop as a JAX user would write it (``lax.fori_loop``), because unrolling
thousands of steps takes minutes to compile.
"""
import importlib
import types

import numpy as np

TOOLS = ("autograd", "jax", "jax-jit", "torch")


def available():
    """({module name: module}, {module name: reason it is missing})."""
    found, missing = {}, {}
    for name in ("autograd", "jax", "torch"):
        try:
            found[name] = importlib.import_module(name)
        except Exception as err:  # an optional extra: any import failure means "not available"
            missing[name] = "{}: {}".format(type(err).__name__, err)
    if "jax" in found:
        found["jax"].config.update("jax_enable_x64", True)
    if "torch" in found:
        found["torch"].set_num_threads(1)
    return found, missing


def rebind(fn, namespace):
    """``fn`` with its global ``np`` replaced by ``namespace``."""
    glb = dict(fn.__globals__)
    glb["np"] = namespace
    return types.FunctionType(fn.__code__, glb, fn.__name__, fn.__defaults__, fn.__closure__)


def _as_tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def gradient_functions(workload, inputs, modules, notes=None):
    """{tool: (prepared inputs, gradient callable)} for the installed peers; a peer that cannot take
    the workload's inputs is left out, with a line in ``notes``."""
    out = {}
    wrt = workload.wrt

    def _autograd():
        import autograd
        import autograd.numpy as anp

        g = autograd.grad(rebind(workload.fn, anp), wrt if len(wrt) > 1 else wrt[0])
        return {"autograd": (inputs, lambda *a: _as_tuple(g(*a)))}

    makers = {"autograd": _autograd, "jax": lambda: _jax(workload, inputs, modules["jax"]),
              "torch": lambda: {"torch": _torch(workload, inputs, modules["torch"])}}
    for name, make in makers.items():
        if name not in modules:
            continue
        try:
            out.update(make())
        except Exception as err:  # a peer's own limits: reported, not timed
            if notes is not None:
                notes.append("{}: cannot take these inputs ({}: {})".format(name, type(err).__name__,
                                                                          str(err).splitlines()[0][:120]))
    return out


# ---------------------------------------------------------------------- JAX
def _jax(workload, inputs, jax):
    import jax.numpy as jnp

    wrt = workload.wrt
    fn = rebind(workload.fn, jnp)
    args = tuple(a if isinstance(a, float) else jax.tree_util.tree_map(jnp.asarray, a) for a in inputs)

    def finish(g):
        return tuple(np.asarray(x) for x in jax.block_until_ready(_as_tuple(g)))

    eager = jax.grad(fn, argnums=wrt if len(wrt) > 1 else wrt[0])
    compiled_fn = _jax_loops(jax, jnp).get(workload.loop, fn)
    compiled = jax.jit(jax.grad(compiled_fn, argnums=wrt if len(wrt) > 1 else wrt[0]))
    return {"jax": (args, lambda *a: finish(eager(*a))),
            "jax-jit": (args, lambda *a: finish(compiled(*a)))}


def _jax_loops(jax, jnp):
    """The loop workloads written with ``lax.fori_loop`` (same arithmetic)."""
    lax = jax.lax

    def scalar(x):
        return lax.fori_loop(0, 1000, lambda i, x: 0.9 * jnp.tanh(x) + 0.1 * jnp.cos(x), x)

    def lorenz(x, y, z):
        s, r, b, dt = 10.0, 28.0, 8.0 / 3.0, 0.01

        def step(i, v):
            x, y, z = v
            return (x + dt * (s * (y - x)), y + dt * (x * (r - z) - y), z + dt * (x * y - b * z))

        x, y, z = lax.fori_loop(0, 500, step, (x, y, z))
        return x + y + z

    def rnn(Wx, Wh, b, xs):
        h = jnp.zeros((xs.shape[1], Wh.shape[0]))
        h = lax.fori_loop(0, xs.shape[0], lambda t, h: jnp.tanh(xs[t] @ Wx + h @ Wh + b), h)
        return jnp.sum(h * h)

    def longloop(a, x):
        x = lax.fori_loop(0, 20000, lambda i, x: jnp.sin(a * x) + 0.5 * x, x)
        return jnp.sum(x * x)

    return {"scalar": scalar, "lorenz": lorenz, "rnn": rnn, "longloop": longloop}


# ------------------------------------------------------------------ PyTorch
def _torch_versions(torch):
    def scalar(x):
        for i in range(1000):
            x = 0.9 * torch.tanh(x) + 0.1 * torch.cos(x)
        return x

    def mlp(W1, b1, W2, b2, X, Y):
        h = torch.tanh(X @ W1 + b1)
        logits = h @ W2 + b2
        m = torch.amax(logits, dim=1, keepdim=True)
        z = logits - m
        lse = torch.log(torch.sum(torch.exp(z), dim=1, keepdim=True))
        return -torch.sum(Y * (z - lse)) / X.shape[0]

    def logreg(w, X, y):
        z = X @ w
        p = 1.0 / (1.0 + torch.exp(-z))
        return -torch.mean(y * torch.log(p) + (1.0 - y) * torch.log(1.0 - p))

    def rnn(Wx, Wh, b, xs):
        h = torch.zeros((xs.shape[1], Wh.shape[0]), dtype=torch.float64)
        for t in range(xs.shape[0]):
            h = torch.tanh(xs[t] @ Wx + h @ Wh + b)
        return torch.sum(h * h)

    def longloop(a, x):
        for i in range(20000):
            x = torch.sin(a * x) + 0.5 * x
        return torch.sum(x * x)

    return {"scalar": scalar, "mlp": mlp, "logreg": logreg, "rnn": rnn, "longloop": longloop}


def _torch(workload, inputs, torch):
    # a workload that calls no NumPy function (Lorenz: arithmetic only) runs on tensors as it is
    fn = _torch_versions(torch).get(workload.name, workload.fn)
    wrt = workload.wrt
    args = tuple(torch.tensor(a, dtype=torch.float64, requires_grad=i in wrt) for i, a in enumerate(inputs))

    def gradient(*a):
        loss = fn(*a)
        grads = torch.autograd.grad(loss, [a[i] for i in wrt])
        return tuple(g.numpy() for g in grads)

    return args, gradient

"""The benchmark workloads: each a NumPy function, its inputs and a hand-written gradient.

The functions are written once against the name ``np``; ``peers.py`` runs the
same code object under ``autograd.numpy`` and ``jax.numpy`` by swapping that
global, so every tool differentiates the same program. PyTorch needs its own
spelling (``peers.py``). Hand-written gradients are what a careful NumPy user
would write: store what the backward pass needs, nothing more.
"""
import dataclasses

import numpy as np

from benchmarks import styles


@dataclasses.dataclass
class Workload:
    name: str
    title: str
    fn: object            # the NumPy function
    make_inputs: object   # rng -> tuple of arguments
    wrt: tuple            # indices of the arguments differentiated
    hand: object = None   # hand-written gradient: same arguments -> tuple of gradients
    loop: str = ""        # "" or how a JAX user writes the loop for jit (see peers.py)
    smoke_inputs: object = None  # rng -> smaller arguments for the (untimed) test; default make_inputs

    def test_inputs(self, rng):
        return (self.smoke_inputs or self.make_inputs)(rng)


# ------------------------------------------------------------ scalar recurrence
def scalar_recurrence(x):
    for i in range(1000):
        x = 0.9 * np.tanh(x) + 0.1 * np.cos(x)
    return x


def scalar_recurrence_hand(x):
    xs = []
    for i in range(1000):
        xs.append(x)
        x = 0.9 * np.tanh(x) + 0.1 * np.cos(x)
    g = 1.0
    for i in range(999, -1, -1):
        x = xs[i]
        t = np.tanh(x)
        g = g * (0.9 * (1.0 - t * t) - 0.1 * np.sin(x))
    return (g,)


# ------------------------------------------------------------------- Lorenz
def lorenz(x, y, z):
    s = 10.0
    r = 28.0
    b = 8.0 / 3.0
    dt = 0.01
    for i in range(500):
        dx = s * (y - x)
        dy = x * (r - z) - y
        dz = x * y - b * z
        x = x + dt * dx
        y = y + dt * dy
        z = z + dt * dz
    return x + y + z


def lorenz_hand(x, y, z):
    s, r, b, dt = 10.0, 28.0, 8.0 / 3.0, 0.01
    states = []
    for i in range(500):
        states.append((x, y, z))
        x, y, z = x + dt * (s * (y - x)), y + dt * (x * (r - z) - y), z + dt * (x * y - b * z)
    gx = gy = gz = 1.0
    for i in range(499, -1, -1):
        x, y, z = states[i]
        # transpose of the Jacobian of one Euler step
        gx, gy, gz = (gx * (1.0 - dt * s) + gy * dt * (r - z) + gz * dt * y,
                      gx * dt * s + gy * (1.0 - dt) + gz * dt * x,
                      -gy * dt * x + gz * (1.0 - dt * b))
    return gx, gy, gz


# --------------------------------------------------------------------- MLP
def mlp(W1, b1, W2, b2, X, Y):
    h = np.tanh(X @ W1 + b1)
    logits = h @ W2 + b2
    m = np.max(logits, axis=1, keepdims=True)
    z = logits - m
    lse = np.log(np.sum(np.exp(z), axis=1, keepdims=True))
    return -np.sum(Y * (z - lse)) / X.shape[0]


def mlp_hand(W1, b1, W2, b2, X, Y):
    h = np.tanh(X @ W1 + b1)
    logits = h @ W2 + b2
    z = logits - np.max(logits, axis=1, keepdims=True)
    e = np.exp(z)
    p = e / np.sum(e, axis=1, keepdims=True)
    n = X.shape[0]
    dlogits = (p * np.sum(Y, axis=1, keepdims=True) - Y) / n
    dW2 = h.T @ dlogits
    db2 = np.sum(dlogits, axis=0)
    dpre = (dlogits @ W2.T) * (1.0 - h * h)
    dW1 = X.T @ dpre
    db1 = np.sum(dpre, axis=0)
    return dW1, db1, dW2, db2


def mlp_inputs(rng):
    X = rng.normal(size=(64, 784))
    Y = np.eye(10)[rng.integers(0, 10, size=64)]
    return (rng.normal(size=(784, 128)) * 0.05, rng.normal(size=128) * 0.1,
            rng.normal(size=(128, 10)) * 0.1, rng.normal(size=10) * 0.1, X, Y)


# ------------------------------------------------------- logistic regression
def logistic(w, X, y):
    z = X @ w
    p = 1.0 / (1.0 + np.exp(-z))
    return -np.mean(y * np.log(p) + (1.0 - y) * np.log(1.0 - p))


def logistic_hand(w, X, y):
    p = 1.0 / (1.0 + np.exp(-(X @ w)))
    return (X.T @ (p - y) / y.shape[0],)


def logistic_inputs(rng):
    X = rng.normal(size=(1000, 100))
    return rng.normal(size=100) * 0.1, X, (rng.random(1000) < 0.5).astype(float)


# --------------------------------------------------------------- vanilla RNN
def rnn(Wx, Wh, b, xs):
    h = np.zeros((xs.shape[1], Wh.shape[0]))
    for t in range(xs.shape[0]):
        h = np.tanh(xs[t] @ Wx + h @ Wh + b)
    return np.sum(h * h)


def rnn_hand(Wx, Wh, b, xs):
    hs = [np.zeros((xs.shape[1], Wh.shape[0]))]
    for t in range(xs.shape[0]):
        hs.append(np.tanh(xs[t] @ Wx + hs[-1] @ Wh + b))
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)
    dh = 2.0 * hs[-1]
    for t in range(xs.shape[0] - 1, -1, -1):
        h = hs[t + 1]
        dpre = dh * (1.0 - h * h)
        dWx += xs[t].T @ dpre
        dWh += hs[t].T @ dpre
        db += np.sum(dpre, axis=0)
        dh = dpre @ Wh.T
    return dWx, dWh, db


def rnn_inputs(rng):
    return (rng.normal(size=(32, 64)) * 0.2, rng.normal(size=(64, 64)) * 0.1, rng.normal(size=64) * 0.1,
            rng.normal(size=(50, 16, 32)))


# ----------------------------------------------- the checkpointing issue's loop
def long_loop(a, x):
    for i in range(20000):
        x = np.sin(a * x) + 0.5 * x
    return np.sum(x * x)


def long_loop_hand(a, x):
    xs = []
    for i in range(20000):
        xs.append(x)
        x = np.sin(a * x) + 0.5 * x
    g = 2.0 * x
    for i in range(19999, -1, -1):
        g = g * (a * np.cos(a * xs[i]) + 0.5)
    return (g,)


def long_loop_inputs(rng, n=1000):
    return rng.uniform(0.5, 1.5, size=n), rng.uniform(-1.0, 1.0, size=n)


WORKLOADS = [
    Workload("scalar", "scalar recurrence, 1,000 steps", scalar_recurrence,
             lambda rng: (0.5,), (0,), scalar_recurrence_hand, loop="scalar"),
    Workload("lorenz", "Lorenz, Euler 500 steps (scalars)", lorenz,
             lambda rng: (1.0, 1.0, 1.0), (0, 1, 2), lorenz_hand, loop="lorenz"),
    Workload("mlp", "MLP 784-128-10 tanh, softmax CE, batch 64", mlp, mlp_inputs, (0, 1, 2, 3), mlp_hand),
    Workload("logreg", "logistic regression 1000x100", logistic, logistic_inputs, (0,), logistic_hand),
    Workload("rnn", "vanilla RNN, 50 steps, batch 16, 32->64", rnn, rnn_inputs, (0, 1, 2), rnn_hand, loop="rnn"),
    Workload("longloop", "long loop, 20,000 steps x 1,000 (store-all)", long_loop, long_loop_inputs, (1,),
             long_loop_hand, loop="longloop", smoke_inputs=lambda rng: long_loop_inputs(rng, 8)),
    # the same kinds of program as people write them (benchmarks/styles.py)
    Workload("scalar-math", "scalar recurrence, 1,000 steps, math.* on floats", styles.scalar_math,
             lambda rng: (0.5,), (0,), styles.scalar_math_hand, loop="scalar"),  # jax.jit: jnp.tanh in a fori_loop
    Workload("spring", "spring on 3-vectors, 300 steps", styles.spring, styles.spring_inputs, (0, 1),
             styles.spring_hand),
    Workload("mlp-relu", "MLP 64-128-10 ReLU, list parameters, batch 64", styles.mlp_relu,
             styles.mlp_relu_inputs, (0,), styles.mlp_relu_hand),
    Workload("logreg-log1p", "logistic regression 1000x100, log1p loss", styles.logistic_log1p,
             logistic_inputs, (0,), styles.logistic_log1p_hand),
]

BY_NAME = {w.name: w for w in WORKLOADS}

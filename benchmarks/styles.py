"""Workloads written the way people write them: Python floats and ``math.*``,
3-vectors in a small simulation, a ReLU network whose parameters come in a list.

Each is a function, its inputs and (where one is natural) a hand-written
gradient, as in ``workloads.py``; ``WORKLOADS`` there lists these too. The
``math`` workloads cannot run under ``jax.numpy`` or ``autograd.numpy``: a peer
that fails is reported and skipped by the runner; ``jax-jit`` times the same
recurrence written as a JAX user must, ``jnp.tanh`` in ``lax.fori_loop``.
"""
import math

import numpy as np


# ------------------------------------------------- scalar recurrence with math.*
def scalar_math(x):
    for i in range(1000):
        x = 0.9 * math.tanh(x) + 0.1 * math.cos(x)
    return x


def scalar_math_hand(x):
    xs = []
    for i in range(1000):
        xs.append(x)
        x = 0.9 * math.tanh(x) + 0.1 * math.cos(x)
    g = 1.0
    for i in range(999, -1, -1):
        x = xs[i]
        t = math.tanh(x)
        g = g * (0.9 * (1.0 - t * t) - 0.1 * math.sin(x))
    return (g,)


# ---------------------------------------------------- spring on 3-vectors
def spring(x, v):
    k = 10.0
    c = 0.1
    rest = 1.0
    dt = 0.01
    for i in range(300):
        r = np.sqrt(np.sum(x * x))
        a = -k * (r - rest) * x / r - c * v
        v = v + dt * a
        x = x + dt * v
    return np.sum(x * x) + np.sum(v * v)


def spring_hand(x, v):
    k, c, rest, dt = 10.0, 0.1, 1.0, 0.01
    xs = []
    for i in range(300):
        xs.append(x)
        r = np.sqrt(x @ x)
        v = v + dt * (-k * (r - rest) * x / r - c * v)
        x = x + dt * v
    gx, gv = 2.0 * x, 2.0 * v
    for i in range(299, -1, -1):
        x = xs[i]
        r = np.sqrt(x @ x)
        gv = gv + dt * gx           # x' = x + dt v'
        ga = dt * gv                # v' = v + dt a
        # a = -k x + k rest x / r - c v: its Jacobian in x is symmetric
        gx = gx - k * ga + k * rest * (ga / r - x * ((x @ ga) / r ** 3))
        gv = gv - c * ga
    return gx, gv


def spring_inputs(rng):
    return np.array([1.5, 0.2, -0.3]), np.array([0.0, 0.5, 0.1])


# ----------------------------------- ReLU MLP 64-128-10, parameters in a list
def mlp_relu(params, X, Y):
    W1, b1, W2, b2 = params
    h = np.maximum(X @ W1 + b1, 0)
    out = h @ W2 + b2
    return np.mean((out - Y) ** 2)


def mlp_relu_hand(params, X, Y):
    W1, b1, W2, b2 = params
    pre = X @ W1 + b1
    h = np.maximum(pre, 0)
    out = h @ W2 + b2
    dout = 2.0 * (out - Y) / out.size
    dh = (dout @ W2.T) * (pre > 0)
    return ([X.T @ dh, np.sum(dh, axis=0), h.T @ dout, np.sum(dout, axis=0)],)


def mlp_relu_inputs(rng):
    X = rng.normal(size=(64, 64))
    Y = rng.normal(size=(64, 10))
    return ([rng.normal(size=(64, 128)) * 0.1, rng.normal(size=128) * 0.1,
             rng.normal(size=(128, 10)) * 0.1, rng.normal(size=10) * 0.1], X, Y)


# ------------------------------- logistic regression, the stable log1p spelling
def logistic_log1p(w, X, y):
    z = X @ w
    return np.mean(np.log1p(np.exp(-z)) + (1.0 - y) * z)


def logistic_log1p_hand(w, X, y):
    p = 1.0 / (1.0 + np.exp(-(X @ w)))
    return (X.T @ (p - y) / y.shape[0],)

"""Functions for the compiled-gradient tests (tests/test_numba.py): programs written the way
Numba users write them (Python floats with ``math.*``, loops over scalars, small array models).

Each is a module-level ``def`` (s2s reads its source); ``CASES`` gives its arguments and ``wrt``.
"""
import math

import numpy as np

from functions import Case


def recurrence(x):
    for i in range(20):
        x = 0.9 * math.tanh(x) + 0.1 * math.cos(x)
    return x


def lorenz(x, y, z):
    s = 10.0
    r = 28.0
    b = 8.0 / 3.0
    dt = 0.01
    for i in range(40):
        dx = s * (y - x)
        dy = x * (r - z) - y
        dz = x * y - b * z
        x = x + dt * dx
        y = y + dt * dy
        z = z + dt * dz
    return x + y + z


def rnn(Wx, Wh, b, xs):
    h = np.zeros((xs.shape[1], Wh.shape[0]))
    for t in range(xs.shape[0]):
        h = np.tanh(xs[t] @ Wx + h @ Wh + b)
    return np.sum(h * h)


def mlp(W1, b1, W2, X, Y):
    h = np.tanh(X @ W1 + b1)
    out = h @ W2
    return np.sum((out - Y) ** 2) / X.shape[0]


def logistic(w, X, y):
    z = X @ w
    p = 1.0 / (1.0 + np.exp(-z))
    return -np.mean(y * np.log(p) + (1.0 - y) * np.log(1.0 - p))


_rng = np.random.default_rng(5)

CASES = [
    Case("recurrence", recurrence, (0.5,), 0, ("scalar", "math")),
    Case("lorenz", lorenz, (1.0, 1.2, 0.9), (0, 1, 2), ("scalar",)),
    Case("rnn", rnn, (_rng.normal(size=(3, 4)) * 0.5, _rng.normal(size=(4, 4)) * 0.5, _rng.normal(size=4) * 0.1,
                      _rng.normal(size=(5, 2, 3))), (0, 1, 2), ("loop", "matmul")),
    Case("mlp", mlp, (_rng.normal(size=(3, 5)) * 0.5, _rng.normal(size=5) * 0.1, _rng.normal(size=(5, 2)) * 0.5,
                      _rng.normal(size=(4, 3)), _rng.normal(size=(4, 2))), (0, 1, 2), ("matmul",)),
    Case("logistic", logistic, (_rng.normal(size=3) * 0.3, _rng.normal(size=(6, 3)),
                                (_rng.random(6) < 0.5).astype(float)), 0, ("matmul",)),
]

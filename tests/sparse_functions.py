"""Functions with known sparse Jacobians and Hessians, shared by test_sparse.py and test_sparse_noscipy.py.

NumPy only (the SciPy-free tests import this module where SciPy cannot be imported).
"""
import numpy as np


def banded(x):
    r = x * x
    r[1:] = r[1:] + np.sin(x[:-1])
    r[2:] = r[2:] - 0.5 * x[:-2] * x[2:]
    r[:-1] = r[:-1] + np.exp(x[1:])
    return r


def block_diagonal(x):
    blocks = x.reshape(4, 3)
    mixed = blocks * np.sum(blocks ** 2, axis=1, keepdims=True)
    return np.tanh(mixed).ravel()


def arrow(x):
    head = np.sum(x * x)
    r = x * head
    r[0] = np.sum(np.cos(x))
    return r


def stencil_loop(x):
    r = np.zeros_like(x)
    for k in range(1, 3):
        r = r + np.roll(x, k) * np.roll(x, -k)
    return r


def separable(x):
    return np.sum((x[1:] - x[:-1] ** 2) ** 2) + np.sum(np.log(1.0 + x * x))


def with_matmul(x):
    a = np.diag(np.arange(1.0, 7.0)) + np.diag(np.ones(5), 1)
    return np.tanh(a @ x)


def branchy(x):
    if x[0] > 0:
        y = x * x[1]
    else:
        y = x * x[2]
    return y


def reversed_concat(x):
    y = np.concatenate([x[::-1], x[:2] ** 2])
    return np.stack([y, 2.0 * y]).T.ravel()


EXACT = [banded, block_diagonal, arrow, stencil_loop, with_matmul, reversed_concat]


def size_for(f):
    """The input size the tests use for ``f``."""
    return 6 if f is with_matmul else 12


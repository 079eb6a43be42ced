"""A recurrent network unrolled over a sequence: the loop the gradient runs backwards.

    h_t = tanh(W_h h_{t-1} + W_x x_t + b),   loss = |W_out h_T - target|^2

Reverse mode stores each step's hidden state on a stack in the generated code
and pops it on the way back (backpropagation through time).

Run it: python samples/rnn.py
"""
import numpy as np

import s2s


def loss(w_h, w_x, b, w_out, xs, target):
    h = np.zeros(w_h.shape[0])
    for x in xs:
        h = np.tanh(np.dot(w_h, h) + np.dot(w_x, x) + b)
    error = np.dot(w_out, h) - target
    return np.sum(error * error)


def init(rng, n_in, n_hidden, n_out):
    return (
        0.5 * rng.standard_normal((n_hidden, n_hidden)) / np.sqrt(n_hidden),
        rng.standard_normal((n_hidden, n_in)) / np.sqrt(n_in),
        np.zeros(n_hidden),
        rng.standard_normal((n_out, n_hidden)) / np.sqrt(n_hidden),
    )


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    w_h, w_x, b, w_out = init(rng, 3, 8, 2)
    xs = rng.standard_normal((20, 3))
    target = np.array([0.5, -0.25])
    dloss = s2s.grad(loss, wrt=(0, 1, 2, 3))
    print("loss = {:.6f}".format(loss(w_h, w_x, b, w_out, xs, target)))
    for name, g in zip(("w_h", "w_x", "b", "w_out"), dloss(w_h, w_x, b, w_out, xs, target)):
        print("|d loss / d {}| = {:.6f}".format(name, np.linalg.norm(g)))
    s2s.check_grad(loss, w_h, w_x, b, w_out, xs, target, wrt=(0, 1, 2, 3))
    print("check_grad: the gradient matches central differences")

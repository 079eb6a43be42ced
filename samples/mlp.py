"""A small multilayer perceptron: tanh hidden layer, softmax cross-entropy loss.

Run it: python samples/mlp.py
"""
import numpy as np

import s2s


def loss(params, x, labels):
    """Mean cross-entropy of a one-hidden-layer tanh network on one-hot ``labels``."""
    w1, b1, w2, b2 = params
    hidden = np.tanh(np.dot(x, w1) + b1)
    logits = np.dot(hidden, w2) + b2
    # Shifting by the maximum keeps exp finite and does not change the loss,
    # so its derivative need not flow through the shift.
    logits = logits - s2s.stop_gradient(np.max(logits, axis=1, keepdims=True))
    log_probs = logits - np.log(np.sum(np.exp(logits), axis=1, keepdims=True))
    return -np.mean(np.sum(labels * log_probs, axis=1))


def init(rng, n_in, n_hidden, n_out):
    return (
        rng.standard_normal((n_in, n_hidden)) / np.sqrt(n_in),
        np.zeros(n_hidden),
        rng.standard_normal((n_hidden, n_out)) / np.sqrt(n_hidden),
        np.zeros(n_out),
    )


def data(rng, n, n_in, n_out):
    x = rng.standard_normal((n, n_in))
    labels = np.eye(n_out)[rng.integers(0, n_out, size=n)]
    return x, labels


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    params = init(rng, 4, 16, 3)
    x, labels = data(rng, 32, 4, 3)

    value_and_grad = s2s.value_and_grad(loss, wrt=0)
    value, grads = value_and_grad(params, x, labels)
    print("loss = {:.6f}".format(value))
    for name, g in zip(("w1", "b1", "w2", "b2"), grads):
        print("|d loss / d {}| = {:.6f}   shape {}".format(name, np.linalg.norm(g), g.shape))

    s2s.check_grad(loss, params, x, labels, wrt=0)
    print("check_grad: the gradient matches central differences")

"""Parameters in a dict of dataclasses: the gradient has the same structure.

A two-layer tanh network classifies points of two interleaved spirals. Its
parameters live in a dict whose layers are dataclasses; the loss reads
``params["hidden"].w`` like any program would, and ``s2s.grad`` returns a
dict of ``Dense`` gradients (``dataclasses.replace`` builds them). Entries
that are not floats (the layer names, the step count) get ``None``.

Run it: python samples/params.py
"""
import dataclasses

import numpy as np

import s2s


@dataclasses.dataclass
class Dense:
    w: np.ndarray
    b: np.ndarray
    name: str = "dense"


def loss(params, x, y):
    """Mean logistic loss of ``tanh(x W1 + b1) W2 + b2`` against labels ``y`` in {0, 1}."""
    hidden = np.tanh(x @ params["hidden"].w + params["hidden"].b)
    logits = (hidden @ params["out"].w + params["out"].b)[:, 0]
    penalty = params["decay"] * (np.sum(params["hidden"].w ** 2) + np.sum(params["out"].w ** 2))
    return np.mean(np.logaddexp(0.0, logits) - y * logits) + penalty


def sgd(params, grads, rate):
    """One gradient step over the same structure: dicts and dataclasses entry by entry, None left alone."""
    if isinstance(params, dict):
        return {k: sgd(params[k], grads[k], rate) for k in params}
    if dataclasses.is_dataclass(params):
        return dataclasses.replace(params, **{f.name: sgd(getattr(params, f.name), getattr(grads, f.name), rate)
                                              for f in dataclasses.fields(params)})
    return params if grads is None else params - rate * grads


def spirals(rng, n):
    t = rng.uniform(0.5, 3.0, n)
    y = rng.integers(0, 2, n)
    angle = t + np.pi * y
    x = np.stack([t * np.cos(angle), t * np.sin(angle)], axis=1) + 0.1 * rng.standard_normal((n, 2))
    return x, y.astype(float)


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    x, y = spirals(rng, 200)
    params = {
        "hidden": Dense(rng.standard_normal((2, 16)), np.zeros(16), "hidden"),
        "out": Dense(rng.standard_normal((16, 1)) / 4.0, np.zeros(1), "out"),
        "decay": 1e-3,  # a float hyperparameter: it gets a gradient too; sgd below leaves it alone
        "steps": 301,   # an int: its gradient is None
    }
    value_and_grad = s2s.value_and_grad(loss, wrt="params")
    first = None
    for step in range(params["steps"]):
        value, grads = value_and_grad(params, x, y)
        first = value if first is None else first
        if step % 100 == 0:
            print("step {:3d}  loss {:.4f}".format(step, value))
        params = sgd(params, dict(grads, decay=None), 0.5)
    assert value < first, "training did not lower the loss"
    print("gradient structure:", {k: type(v).__name__ for k, v in grads.items()},
          "hidden.name ->", grads["hidden"].name)
    s2s.check_grad(loss, params, x, y)
    print("check_grad: the gradient matches central differences")

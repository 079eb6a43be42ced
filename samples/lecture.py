"""The classic example of automatic differentiation lectures.

    f(x1, x2) = ln(x1) + x1 * x2 - sin(x2)

At (2, 5): f = ln 2 + 10 - sin 5 ≈ 11.652, and the gradient is
(1/x1 + x2, x1 - cos x2) = (5.5, 2 - cos 5 ≈ 1.7163).

Run it: python samples/lecture.py
"""
import numpy as np

import s2s


def f(x1, x2):
    return np.log(x1) + x1 * x2 - np.sin(x2)


if __name__ == "__main__":
    df = s2s.grad(f, wrt=(0, 1))
    x1, x2 = 2.0, 5.0
    print("f({}, {}) = {:.6f}".format(x1, x2, f(x1, x2)))
    g1, g2 = df(x1, x2)
    print("gradient  = ({:.6f}, {:.6f})".format(g1, g2))
    print("expected  = ({:.6f}, {:.6f})".format(1 / x1 + x2, x1 - np.cos(x2)))
    print()
    print("generated source:")
    print(s2s.source(df))

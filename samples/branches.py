"""Control flow: a piecewise function, then a loop whose trip count depends on the value.

Run it: python samples/branches.py
"""
import numpy as np

import s2s


def f(x):
    if x < 0.0:
        y = x * x
    elif x < 2.0:
        y = np.sin(x) + 1.0
    else:
        y = x * np.log(x)
    halvings = 0
    while y > 1.0:
        y = 0.5 * y
        halvings = halvings + 1
    return y + halvings * x


def df_by_hand(x):
    if x < 0.0:
        y, dy = x * x, 2 * x
    elif x < 2.0:
        y, dy = np.sin(x) + 1.0, np.cos(x)
    else:
        y, dy = x * np.log(x), np.log(x) + 1.0
    halvings = 0
    while y > 1.0:
        y, dy = 0.5 * y, 0.5 * dy
        halvings += 1
    return dy + halvings


if __name__ == "__main__":
    df = s2s.grad(f)
    for x in (-3.0, -0.5, 0.5, 1.5, 2.5, 40.0):
        print("x = {:6.2f}   f(x) = {:9.6f}   f'(x) = {:9.6f}   by hand {:9.6f}".format(
            x, f(x), float(df(x)), df_by_hand(x)))
    print()
    print("generated source:")
    print(s2s.source(df))

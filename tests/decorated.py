"""Functions differentiated with the decorator forms of ``s2s.grad``.

Imported lazily by ``test_reverse.py`` so that a broken ``s2s.grad`` fails
one test instead of the collection of the whole module.
"""
import numpy as np

import s2s


@s2s.grad
def d_lecture(x1, x2):
    return np.log(x1) + x1 * x2 - np.sin(x2)


@s2s.grad(wrt=(0, 1))
def d_lecture_both(x1, x2):
    return np.log(x1) + x1 * x2 - np.sin(x2)


@s2s.grad(wrt="x2")
def d_lecture_x2(x1, x2):
    return np.log(x1) + x1 * x2 - np.sin(x2)


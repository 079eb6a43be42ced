"""Functions for tests/test_inspect.py (s2s reads their source from this file)."""
import numpy as np


def lecture(x1, x2):
    return np.log(x1) + x1 * x2 - np.sin(x2)


def vector_valued(x):
    return np.sin(x) * 2.0


def weights(x):
    return x * 2.0


def calls_weights(x):
    return np.sum(weights(x) * x)


def scale(x):
    return 3.0 * x


def middle(x):
    return np.sin(scale(x))


def calls_middle(x):
    return np.sum(middle(x))



def quoted(x):
    return np.einsum('i,i->', x, x) * len("it's \\ fine")


# used by test_filenames_are_stable_and_do_not_clobber_each_other alone (no other test
# generates code for it, so its first text is the one the test makes)
def returns_in_branches(x):
    if x > 1.0:
        return x ** 2
    elif x > 0.0:
        return np.sin(x)
    else:
        return -x

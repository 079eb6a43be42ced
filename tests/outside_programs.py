"""Programs from outside the project that s2s must refuse rather than differentiate wrongly (issue 15).

Data for tests/test_outside_programs.py; each offending line ends with a
marker comment ``# <- key`` giving the line the error must name.
"""
import numpy as np


def uses_eval(x):
    return eval("x * x + 1.0") * x  # <- eval


def uses_exec(x):
    y = x * 2.0
    exec("y = y + 1.0")  # <- exec
    return y


def push(st, x):
    st.append(x)  # <- push


def pop(st):
    return st.pop()  # <- pop


def through_a_list_helper(a):
    st = []
    push(st, a)
    aa = pop(st)
    return a * aa


def mutates_its_list(xs):
    xs.append(1.0)  # <- own-append
    return xs[0] * xs[-1]


def rebuilds_its_list(xs):
    xs = [v for v in xs]
    xs.append(1.0)
    return xs[0] * xs[-1]


def alias_of_zero_d(x):
    t = np.where(x[0] > 0, x[1], x[2])
    u = t
    u *= 0.5  # <- alias-imul
    return t + u


def alias_of_view(x):
    y = x.copy()
    v = y[0:2]
    v += 1.0  # <- view-iadd
    return np.sum(y * v)


def defaults_factory():
    made = []
    for c in (1.0, 2.0):
        def scaled(x, c=c):
            return x * c
        made.append(scaled)
    return made


def alias_in_a_tuple(x):
    y = (x * 2.0).copy()
    p = (y, 1.0)
    u = p[0]
    u *= x  # <- tuple-imul
    return np.sum(y)


def alias_in_a_list(x):
    acc = []
    t = x * 2.0
    acc.append(t)
    t *= x  # <- list-imul
    return np.sum(np.stack(acc))


def row_of_a_matrix(x):
    t = np.outer(x, x)
    for r in t:
        r *= 3.0  # <- row-imul
    return np.sum(t)

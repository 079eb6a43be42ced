"""One table of plain functions, shared by every differentiation mode.

Every function is a module-level ``def`` (s2s reads its source with
``inspect``), deterministic, scalar-valued, cheap, and smooth at the inputs
given in ``CASES``: no kinks (``abs``/``max``/masks stay away from zero and
from ties), no zeros of ``sqrt``/``log``, no branch thresholds or
``floor``/``%`` discontinuities near the inputs. Arguments come from one
seeded generator, so the table is the same on every run.

``Case.grad_ref`` is set only where finite differences are *not* the right
oracle (``s2s.stop_gradient``): it computes the expected gradient by hand.

Tags name the constructs a case exercises; tests select by tag. The tag
"unsupported" marks constructs s2s rejects by design: reverse-mode tests expect
an ``UnsupportedSyntaxError`` naming ``functions.py:line`` for those. The tag
"off_domain" marks a case whose ``np.where`` drops a branch evaluated off its
domain (NaN) on purpose; such a case runs in ``errstate(case)``.
"""
import contextlib
import math
from dataclasses import dataclass
from typing import Any, Callable, Optional

import numpy as np

import s2s

try:  # scipy is optional: its cases are in the table only when it is installed
    import scipy.special as sp
    import scipy.stats as st
except ImportError:  # pragma: no cover
    sp = st = None


@dataclass(frozen=True, eq=False)
class Case:
    name: str
    fn: Callable
    args: tuple
    wrt: Any = 0
    tags: tuple = ()
    grad_ref: Optional[Callable] = None  # expected gradient when FD is not the oracle


_rng = np.random.default_rng(0)


def _u(*shape, lo=-1.0, hi=1.0, dtype=np.float64):
    """Uniform array (or Python float when ``shape`` is empty)."""
    if not shape:
        return float(_rng.uniform(lo, hi))
    return _rng.uniform(lo, hi, size=shape).astype(dtype)


def _pos(*shape, dtype=np.float64):
    """Positive values in [0.5, 2): safe for log, sqrt, division."""
    return _u(*shape, lo=0.5, hi=2.0, dtype=dtype)


def _away(*shape):
    """Values with |v| in [0.3, 1.5] and random signs: safe for abs, masks."""
    mag = _rng.uniform(0.3, 1.5, size=shape)
    sign = np.where(_rng.uniform(size=shape) < 0.5, -1.0, 1.0)
    return mag * sign


def _f32(*shape, lo=-1.0, hi=1.0):
    return _u(*shape, lo=lo, hi=hi, dtype=np.float32)


def errstate(case):
    """NumPy's error state for running ``case`` (a Case here, or a Row of test_rules.py).

    A case tagged "off_domain" takes np.log or np.sqrt of negative values that
    np.where then drops, to check that their NaN reaches no derivative: NumPy's
    "invalid value" warning is expected there, and only there. conftest.py runs
    every test parametrized by such a case in this state.
    """
    return np.errstate(invalid="ignore") if "off_domain" in case.tags else contextlib.nullcontext()


# A fixed mixed-sign vector, well away from 0, ±0.5, and multiples of 0.3/0.7.
MIXED = np.array([0.8, -0.62, 1.3, -1.1, 0.44])

# Module globals read as free variables.
W_GLOBAL = np.array([[0.2, -0.4, 0.6, 0.1],
                     [-0.3, 0.5, 0.2, -0.7],
                     [0.9, 0.1, -0.2, 0.3]])
B_GLOBAL = np.array([0.1, -0.2, 0.3])
SCALE = 0.5
N_STEPS = 3


# ---------------------------------------------------------------------------
# Helpers called from the differentiated functions
# ---------------------------------------------------------------------------

def _square(x):
    return x * x


def _poly(x, a=1.0, b=0.5):
    return a * x ** 2 + b * x


def _two_level(x):
    y = _square(x)
    return _poly(y, b=-0.3) + np.sin(x)


def _sincos(x):
    return np.sin(x), np.cos(x)


def _affine(x, W, b=0.0):
    return W @ x + b


def _powsum(x, n):
    s = 0.0
    for k in range(1, n + 1):
        s = s + np.sum(x ** k) / k
    return s


def _signed_sq(x):
    if x > 0:
        return x * x
    return -x * x * 0.5


def _sum_pair(pair):
    a, b = pair
    return np.sum(a * b)


def _stats(x):
    m = np.mean(x)
    d = x - m
    return m, np.sum(d * d)


def _cell(h, x, Wh, Wx):
    return np.tanh(Wh @ h + Wx @ x)


# ---------------------------------------------------------------------------
# Python scalars, ints, NumPy scalars
# ---------------------------------------------------------------------------

def lecture(x1, x2):
    return np.log(x1) + x1 * x2 - np.sin(x2)


def scalar_poly(x):
    return 3.0 * x ** 3 - 2.0 * x + 1.0


def scalar_two(x, y):
    return x * y + x / y - y ** 2


def scalar_sub_neg(x, y):
    return -x - (y - x) * 2.0


def scalar_div(x, y):
    return x / (1.0 + y * y)


def scalar_pow_int(x, n):
    return x ** n


def scalar_pow_float(x, p):
    return x ** p


def scalar_pow_base(x):
    return 2.0 ** x + x ** 0.5


def scalar_floordiv(x, y):
    return x // y + x * y


def scalar_mod(x, y):
    return x % y + x * 0.5


def scalar_unary(x):
    return -(-x) ** 3 + (+x)


def scalar_npfloat(x):
    return np.sin(x) * x


def scalar_npfloat_mix(x, y):
    return x * y + np.exp(x)


def scalar_int_count(x, n):
    return x * n + n ** 2 + x ** 2


def scalar_math(x):
    return math.sin(x) + math.exp(x) + math.log(x) + math.sqrt(x) + math.tanh(x)


def scalar_math_cos_tan(x):
    return math.cos(x) * math.tan(x) + math.pi * x


def scalar_np_funcs(x):
    a = np.exp(x) + np.log(x) + np.sqrt(x)
    b = np.sin(x) + np.cos(x) + np.tan(x) + np.tanh(x)
    return a + b + np.log1p(x) + np.expm1(x)


def builtin_pow(x):
    return pow(x, 3) + pow(2.0, x)


def builtin_abs(x):
    return abs(x) * x


def builtin_float(x, n):
    return float(n) * x + float(x) ** 2


def builtin_max_min(x, y):
    return max(x, y) * 2.0 + min(x, y)


def builtin_max_three(x):
    return max(x[0], x[1], x[2]) + min(x[3], x[4])


def builtin_sum_list(x):
    return sum([x[0], x[1] * 2.0, x[2] ** 2])


def builtin_abs_array(x):
    return np.sum(abs(x) * x)


def builtin_len(x):
    return len(x) * np.sum(x ** 2)


# ---------------------------------------------------------------------------
# Assignment, augmented assignment
# ---------------------------------------------------------------------------

def assign_chain(x):
    a = x * 2.0
    b = a
    c = b + a * x
    a = c - 1.0
    return np.sum(a * b)


def aug_scalar(x):
    y = x
    y += 1.0
    y *= x
    y -= 0.5 * x
    y /= 1.0 + x * x
    y **= 2
    return y


def aug_array(x):
    y = x * 1.0
    y += 2.0
    y *= x
    y -= np.sin(x)
    y /= 3.0
    y **= 2
    return np.sum(y)


def aug_array_copy(x):
    y = x.copy()
    y *= 2.0
    y += x ** 2
    return np.sum(y)


def aug_accumulate(x):
    s = 0.0
    s += x
    s += x * x
    s -= 0.25
    return s


def aug_pow_array(x):
    y = np.exp(x)
    y **= 3
    return y.sum()


def aug_broadcast(x, b):
    y = x * 1.0
    y += b
    return np.sum(y ** 2)


def aug_sub_div(x, y):
    z = x * 1.0
    z -= y
    z /= y
    return np.sum(z)


def aug_self_ref(x):
    y = x + 0.0
    y += y
    y *= y
    return np.sum(y)


# ---------------------------------------------------------------------------
# Tuples: unpacking, swaps, intermediates, arguments, returns
# ---------------------------------------------------------------------------

def unpack_swap(x, y):
    a, b = x, y
    a, b = b, a
    return np.sum(a * 2.0 + b ** 2)


def unpack_nested(x):
    (a, b), c = (x, 2.0 * x), x ** 2
    return np.sum(a * b * c)


def unpack_array_rows(x):
    a, b = x
    return np.sum(a * b)


def unpack_shape(x):
    n, m = x.shape
    return np.sum(x ** 2) * n / m


def tuple_intermediate(x):
    t = (np.sin(x), np.cos(x))
    return np.sum(t[0] * t[1])


def tuple_return_unpacked(x):
    a, b = _sincos(x)
    return np.sum(a ** 2 - b)


def tuple_return_indexed(x):
    r = _sincos(x)
    return np.sum(r[0] + r[1] * 2.0)


def tuple_return_stats(x):
    m, ss = _stats(x)
    return m * ss


def tuple_arg(xs):
    a, b = xs
    return np.sum(a * b)


def tuple_arg_index(xs):
    return np.sum(xs[0] ** 2) + np.sum(np.sin(xs[1]))


def tuple_arg_loop(xs):
    s = 0.0
    for v in xs:
        s = s + np.sum(v ** 2)
    return s


def tuple_arg_mixed(xs, y):
    return np.sum(xs[0] * y) + xs[1] * np.sum(y)


def tuple_to_helper(x):
    return _sum_pair((x, x ** 2))


def list_arg(xs):
    return sum(np.sum(v * v) for v in xs)


def list_arg_stack(xs):
    return np.sum(np.stack(xs) ** 3)


def list_arg_index(xs, i):
    return np.sum(xs[i] * xs[0])


# ---------------------------------------------------------------------------
# Array arithmetic
# ---------------------------------------------------------------------------

def arr_ops(x, y):
    return np.sum(x + y - x * y + x / y)


def arr_matmul(A, x):
    return np.sum(A @ x)


def arr_matmul_mm(A, B):
    return np.sum((A @ B) ** 2)


def arr_vecvec(x, y):
    return x @ y


def arr_vec_mat(x, A):
    return np.sum(np.sin(x @ A))


def arr_pow(x):
    return np.sum(x ** 3 + 2.0 ** x)


def arr_pow_array(x, p):
    return np.sum(x ** p)


def arr_neg(x):
    return np.sum(-x * np.exp(-x))


def arr_floordiv(x):
    return np.sum(x // 0.3 + x * x)


def arr_mod(x, y):
    return np.sum(x % y * x)


def arr_reciprocal(x):
    return np.sum(1.0 / (1.0 + x * x))


def arr_times_bool(x):
    return np.sum(x * (x > 0))


# ---------------------------------------------------------------------------
# Broadcasting (gradients must be summed back to each input's shape)
# ---------------------------------------------------------------------------

def bc_scalar_array(a, x):
    return np.sum(a * x + a)


def bc_col_row(c, r):
    return np.sum(np.sin(c + r))


def bc_vec_mat(v, M):
    return np.sum((v + M) ** 2)


def bc_mul_div(M, v):
    return np.sum(M / v * M)


def bc_npscalar(s, x):
    return np.sum(s * x ** 2)


def bc_3d(a, b):
    return np.sum(a * b)


def bc_maximum(x, b):
    return np.sum(np.maximum(x, b))


def bc_where(x, y):
    return np.sum(np.where(x > 0, x * y, y ** 2))


def bc_keepdims(M):
    return np.sum(M / M.sum(axis=1, keepdims=True) * M)


def bc_mean_center(M):
    C = M - M.mean(axis=0)
    return np.sum(C ** 2)


def bc_sub_col(M, c):
    return np.sum(np.exp(M - c))


# ---------------------------------------------------------------------------
# float32
# ---------------------------------------------------------------------------

def f32_sum_sin(x):
    return np.sum(np.sin(x) * x)


def f32_matvec(A, x):
    return np.sum(np.tanh(A @ x))


def f32_loop(x):
    s = 0.0
    for i in range(3):
        s = s + np.sum(x * (i + 1)) ** 2
    return s


def f32_exp_mean(x):
    return np.mean(np.exp(x))


def f32_softplus(x):
    return np.sum(np.log1p(np.exp(x)))


def f32_mixed(x32, y64):
    return np.sum(x32 * y64)


def f32_subscript(x):
    y = x.copy()
    y[1] = y[0] * 2.0
    return np.sum(y ** 2)


def f32_scalar_mul(x, s):
    return np.sum(x * s) ** 2


# ---------------------------------------------------------------------------
# Branches, comparisons, boolean operators, conditional expressions
# ---------------------------------------------------------------------------

def if_simple(x):
    if np.sum(x) > 0:
        y = x ** 2
    else:
        y = -x
    return np.sum(y)


def if_elif_else(x, k):
    if k == 0:
        y = np.sin(x)
    elif k == 1:
        y = x ** 3
    else:
        y = np.exp(x) * 0.5
    return np.sum(y)


def if_return_branches(x):
    if x > 1.0:
        return x ** 2
    elif x > 0.0:
        return np.sin(x)
    else:
        return -x


def if_and_or(x, y):
    if x > 0 and y > 0 or x < -5.0:
        r = x * y
    else:
        r = x - y
    return r


def if_not(x):
    if not x < 0:
        return x * 3.0
    return x ** 2


def if_chained_cmp(x):
    if 0.0 < x < 1.0:
        return x * 3.0
    else:
        return x ** 2


def if_chained_array(x):
    if -2.0 < np.min(x) <= np.max(x) < 2.0:
        return np.sum(np.sin(x))
    return np.sum(x)


def if_no_else(x):
    y = x * 2.0
    if np.max(x) > 0.5:
        y = y * x
    return np.sum(y)


def if_nested(x, y):
    if x > 0:
        if y > 0:
            r = x * y
        else:
            r = x - y
    else:
        r = y * 2.0
    return r


def if_bool_flag(x, flag):
    if flag:
        return np.sum(x ** 2)
    return np.sum(np.cos(x))


def if_redefine(x):
    a = x
    if np.sum(a) > 0:
        a = a * 2.0
        a = np.sin(a)
    else:
        a = np.cos(a)
    return np.sum(a * x)


def if_is_none(x, w):
    if w is None:
        return np.sum(x ** 2)
    return np.sum(x * w)


def ternary(x):
    y = x ** 2 if x > 0 else -x
    return y * 2.0


def ternary_shape(x):
    return np.sum(np.sin(x) if x.shape[0] > 2 else np.cos(x))


def ternary_nested(x, y):
    return x * y if x > y else (x + y if y > 0 else y * y)


# ---------------------------------------------------------------------------
# Loops
# ---------------------------------------------------------------------------

def for_range1(x, n):
    s = 0.0
    for i in range(n):
        s = s + np.sum(x * (i + 1))
    return s * s


def for_range2(x):
    y = 1.0
    for i in range(1, 4):
        y = y * x + i
    return y


def for_range3(x):
    s = 0.0
    for i in range(0, 6, 2):
        s = s + np.sum(np.sin(x * i))
    return s


def for_range_neg(x):
    s = 0.0
    for i in range(4, 0, -1):
        s = s * x + i
    return s


def for_range_len(x):
    s = 0.0
    for i in range(len(x)):
        s = s + x[i] * i
    return s * s


def for_range_shape(x):
    s = 0.0
    for i in range(x.shape[0]):
        s += np.sum(x[i] ** 2)
    return s


def for_range_global(x):
    for i in range(N_STEPS):
        x = np.sin(x) + 0.5 * x
    return np.sum(x)


def for_array_rows(M):
    s = 0.0
    for row in M:
        s = s + np.sum(np.sin(row)) * 2.0
    return s


def for_array_elems(x):
    s = 0.0
    for v in x:
        s = s + v ** 2
    return s


def for_const_list(x):
    s = 0.0
    for c in [1.0, 2.0, 3.0]:
        s = s + c * np.sum(x ** 2)
    return s


def for_list_of_arrays(x):
    s = 0.0
    lst = [x, 2.0 * x, x ** 2]
    for v in lst:
        s = s + np.sum(np.sin(v))
    return s


def for_enumerate(x):
    s = 0.0
    for i, v in enumerate(x):
        s = s + i * v ** 2
    return s


def for_enumerate_start(x):
    s = 0.0
    for i, v in enumerate(x, start=1):
        s = s + v / i
    return s ** 2


def for_enumerate_start_pos(x):
    s = 0.0
    for i, v in enumerate(x, 1):
        s = s + v / i
    return s ** 2


def for_zip(x, y):
    s = 0.0
    for a, b in zip(x, y):
        s = s + a * b
    return s


def for_zip_rows(M, v):
    s = 0.0
    for row, c in zip(M, v):
        s = s + c * np.sum(row ** 2)
    return s


def for_tuple_of_params(x):
    s = 0.0
    for a, b in ((1.0, 2.0), (0.5, -1.0)):
        s = s + np.sum(np.sin(a * x + b))
    return s


def while_count(x):
    i = 0
    while i < 4:
        x = x * 1.1 + 0.1
        i += 1
    return np.sum(x)


def while_value(x):
    y = x
    while y < 10.0:
        y = y * 2.0
    return y


def while_norm(x):
    while np.sum(x ** 2) < 5.0:
        x = x * 1.5
    return np.sum(x)


def while_true_break(x):
    i = 0
    s = 0.0
    while True:
        s = s + x * i
        i += 1
        if i >= 3:
            break
    return s * x


def while_and_cond(x):
    i = 0
    y = x
    while i < 10 and y < 5.0:
        y = y * 1.5 + 0.1
        i = i + 1
    return y


def for_break(x):
    s = 0.0
    for i in range(10):
        if i == 4:
            break
        s = s + np.sum(x ** i)
    return s


def for_break_value(x):
    s = 0.0
    for v in x:
        if v > 1.2:
            break
        s = s + v * v
    return s


def for_continue(x):
    s = 0.0
    for i in range(6):
        if i % 2 == 0:
            continue
        s = s + x * i
    return s * s


def for_continue_value(x):
    s = 0.0
    for v in x:
        if v < 0:
            continue
        s = s + np.exp(v)
    return s


def for_early_return(x):
    s = 0.0
    for i in range(5):
        s = s + x * i
        if s > 3.0:
            return s * 2.0
    return s


def while_early_return(x):
    y = x
    k = 0
    while k < 10:
        y = y * 1.3
        if y > 2.0:
            return y * x
        k = k + 1
    return y


def for_else(x):
    s = 0.0
    for v in x:
        if v > 10.0:
            break
        s = s + v ** 2
    else:
        s = s * 2.0
    return s


def nested_loops(M):
    s = 0.0
    for i in range(M.shape[0]):
        for j in range(M.shape[1]):
            s = s + M[i, j] * (i - j + 0.5) * M[i, j]
    return s


def nested_loops_lists(x):
    s = 0.0
    for a in [1.0, 2.0]:
        for b in range(3):
            s = s + np.sum(np.sin(a * x + b))
    return s


def nested_loop_break(M):
    s = 0.0
    for row in M:
        for v in row:
            if v > 0.9:
                break
            s = s + v * v
    return s


def loop_append_stack(x):
    out = []
    for i in range(3):
        out.append(x * i + np.sin(x))
    return np.sum(np.stack(out) ** 2)


def loop_append_array(x):
    vals = []
    for v in x:
        vals.append(v ** 2)
    return np.sum(np.array(vals) * x)


def overlapping_slice_writes(u):
    r = 1.0 * u
    r[1:] = r[1:] + u[:-1]
    r[:-1] = r[:-1] + u[1:]
    return np.sum(r * np.cos(r))


def loop_overwrites_other_param(x, v):
    for i in range(3):
        v = x * v + np.sin(v)
    return np.sum(v)


def _uses_bar_names(x, x_bar):
    x_dot = x * x_bar
    return np.sum(x_dot * x)


def subroutine_with_bar_names(x):
    x_bar = np.sin(x)
    return _uses_bar_names(x_bar, x) + np.sum(_uses_bar_names(x, x_bar) ** 2)


def loop_pop_stack(x):
    stack = []
    for i in range(4):
        stack.append(np.sin(x * (i + 1.0)))
    total = 0.0
    while stack:
        top = stack.pop()
        total = total + np.sum(top * top) * len(stack)
    return total


def pop_then_append(x):
    stack = [x * 2.0]
    y = stack.pop()
    stack.append(np.exp(y))
    stack.append(y * x)
    z = stack.pop()
    return np.sum(stack[0] * z)


def loop_append_sum(x):
    terms = []
    for i in range(4):
        terms.append(np.sum(x ** 2) * i)
    return sum(terms)


def loop_carry_state(x):
    h = np.zeros(3)
    for i in range(x.shape[0]):
        h = np.tanh(h + x[i] * 0.5)
    return np.sum(h)


def loop_overwrite(x):
    y = x
    for i in range(3):
        y = np.sin(y) * 1.5
    return np.sum(y)


def loop_if_inside(x):
    s = 0.0
    for v in x:
        if v > 0:
            s = s + v
        else:
            s = s - v * v
    return s


def loop_two_accumulators(x):
    a = 0.0
    b = 1.0
    for v in x:
        a, b = a + v * b, b * 0.9 + v * 0.1
    return a * b


# ---------------------------------------------------------------------------
# Comprehensions and generator expressions
# ---------------------------------------------------------------------------

def comp_gen_sum(xs):
    return sum(x ** 2 for x in xs)


def comp_list_stack(x):
    return np.sum(np.stack([np.sin(v) for v in x]))


def comp_filter(x):
    return sum(v * v for v in x if v > 0)


def comp_enumerate(x):
    return sum(i * v for i, v in enumerate(x))


def comp_zip(x, y):
    return sum(a * b for a, b in zip(x, y))


def comp_array(x):
    return np.sum(np.array([v ** 3 for v in x]))


def comp_range_list(x):
    return sum([np.sum(x ** k) for k in range(1, 4)])


def comp_nested(x):
    return sum(a * b for a in x for b in x)


def comp_list_arg(xs):
    return np.sum(np.stack([v * 2.0 for v in xs]) ** 2)


def comp_helper(x):
    return sum(np.sum(_poly(x, a=c)) for c in (0.5, 1.5))


# ---------------------------------------------------------------------------
# Subscript reads
# ---------------------------------------------------------------------------

def sub_index(x):
    return x[1] * x[2] + x[0]


def sub_neg_index(x):
    return x[-1] ** 2 + x[-2]


def sub_slice(x):
    return np.sum(x[1:3] ** 2)


def sub_reverse(x):
    return np.sum(x[::-1] * x)


def sub_step(x):
    return np.sum(x[::2] * 3.0) + np.sum(x[1::2] ** 2)


def sub_column(M, j):
    return np.sum(M[:, j] ** 2)


def sub_2d(M):
    return M[1, 2] * M[0, 0]


def sub_2d_var(M, i, j):
    return M[i, j] ** 3 + M[j, i]


def sub_ellipsis(T):
    return np.sum(T[..., 0] * T[..., 1])


def sub_newaxis(x):
    return np.sum(x[None, :] * x[:, None] ** 2)


def sub_bool_mask(x):
    return np.sum(x[x > 0] ** 2)


def sub_bool_mask_other(x, y):
    return np.sum(np.exp(y[x > 0]))


def sub_int_array(x):
    return np.sum(x[[0, 2, 2]] ** 2)


def sub_int_array_var(x):
    idx = np.array([1, 1, 0, 3])
    return np.sum(np.sin(x[idx]))


def sub_row(M):
    return np.sum(M[1] * M[2])


def sub_slice_2d(M):
    return np.sum(M[1:, :2] ** 2)


def sub_chain(M):
    return M[1][2] * 2.0 + M[0][1:3].sum()


def sub_list(x):
    lst = [x, x ** 2, np.sin(x)]
    return np.sum(lst[1] * lst[-1])


def sub_tuple_var_index(x):
    t = (x, 2.0 * x)
    i = 1
    return np.sum(t[i] * t[0])


def sub_loop_neighbors(x):
    s = 0.0
    for i in range(1, x.shape[0]):
        s = s + x[i] * x[i - 1]
    return s


def sub_slice_var(x, k):
    return np.sum(x[k:k + 2] * x[:2])


# ---------------------------------------------------------------------------
# Subscript writes (on copies: inputs are never modified)
# ---------------------------------------------------------------------------

def write_index(x, v):
    y = x.copy()
    y[1] = v
    return np.sum(y ** 2)


def write_slice_scalar(x, v):
    y = x.copy()
    y[1:3] = v * 2
    return np.sum(y * x)


def write_slice_array(x, w):
    y = x.copy()
    y[1:3] = w * 2.0
    return np.sum(np.sin(y))


def write_mask(x):
    y = x.copy()
    y[y < 0] = 0.0
    return np.sum(y ** 2)


def write_aug_index(x, v):
    y = x.copy()
    y[2] += v
    return np.sum(y ** 2)


def write_aug_slice(x):
    y = x.copy()
    y[:2] *= 3.0
    return np.sum(np.sin(y))


def write_aug_repeated(x, v):
    # NumPy applies ``+=`` once per distinct index, not once per occurrence.
    y = x.copy()
    y[[0, 0, 1]] += v
    return np.sum(y ** 2)


def write_column(M, c):
    Y = M.copy()
    Y[:, 1] = c
    return np.sum(Y ** 2 * M)


def write_2d(M, v):
    Y = M.copy()
    Y[0, 2] = v * v
    return np.sum(np.tanh(Y))


def write_loop_fill(x):
    y = np.zeros(x.shape[0])
    for i in range(x.shape[0]):
        y[i] = x[i] ** 2 * (i + 1)
    return np.sum(y * x)


def write_loop_prefix(x):
    y = x.copy()
    for i in range(1, len(x)):
        y[i] = y[i - 1] * 0.5 + x[i]
    return np.sum(y ** 2)


def write_overwrite_twice(x, v):
    y = x.copy()
    y[0] = v
    y[0] = y[0] * v
    return np.sum(y * x)


def write_neg_index(x, v):
    y = x.copy()
    y[-1] = v ** 2
    return np.sum(y * y)


def write_zeros_like(x):
    y = np.zeros_like(x)
    y[1:] = x[:-1] * x[1:]
    return np.sum(y + x)


def write_list_elem(x):
    lst = [x, x]
    lst[1] = np.sin(x)
    return np.sum(lst[0] * lst[1])


def write_list_loop(x):
    lst = [0.0, 0.0, 0.0]
    for i in range(3):
        lst[i] = x[i] * x[i + 1]
    return sum(lst)


# ---------------------------------------------------------------------------
# NumPy functions
# ---------------------------------------------------------------------------

def np_exp_log(x):
    return np.sum(np.exp(x) + np.log(x))


def np_sqrt(x):
    return np.sum(np.sqrt(x) * x)


def np_trig(x):
    return np.sum(np.sin(x) * np.cos(x) + np.tan(x))


def np_tanh(x):
    return np.sum(np.tanh(2.0 * x) ** 2)


def np_abs(x):
    return np.sum(np.abs(x) ** 1.5)


def np_maximum(x, y):
    return np.sum(np.maximum(x, y) ** 2)


def np_minimum(x, y):
    return np.sum(np.minimum(x, y) * x)


def np_relu(x):
    return np.sum(np.maximum(x, 0.0) ** 2)


def np_where_leaky(x):
    return np.sum(np.where(x > 0, x, 0.1 * x) ** 2)


def np_clip(x):
    return np.sum(np.clip(x, -0.5, 0.5) * x)


# More extrema (issue 18; their kinks, ties and NaNs: tests/test_extrema_masks.py).
def np_minimum_scalar_other(x, c):
    return np.sum(np.minimum(x, c) * x)


def builtin_max_min_floats(a, b):
    return max(a, b) * min(a, b) + max(a, 0.25) * a


def np_clip_array_bounds(x, lo, hi):
    return np.sum(np.clip(x, lo, hi) ** 2)


def np_abs_spellings(x):
    return np.sum(np.absolute(x) * x) + abs(x[0])


def np_sum_axis(M):
    return np.sum(np.sum(M, axis=0) ** 2) + np.sum(np.sum(M, axis=1) ** 3)


def np_mean(M):
    return np.mean(M ** 2) + np.sum(np.mean(M, axis=1) ** 2)


def np_max(x):
    return np.max(x) * 2.0 + np.min(x)


def np_max_axis(M):
    return np.sum(np.max(M, axis=1) ** 2) + np.sum(np.min(M, axis=0))


def np_prod(x):
    return np.prod(x)


def np_dot_vec(x, y):
    return np.dot(x, y)


def np_dot_mv(A, x):
    return np.sum(np.dot(A, x) ** 2)


def np_matmul(A, B):
    return np.sum(np.sin(np.matmul(A, B)))


def np_outer(x, y):
    return np.sum(np.outer(x, y) ** 2)


def np_reshape(x):
    return np.sum(np.reshape(x, (2, 3))[0] ** 2)


def np_transpose(M):
    return np.sum(np.transpose(M) @ M)


def np_concatenate(x, y):
    return np.sum(np.concatenate([x, y * 2.0]) ** 2)


def np_concatenate_axis(A, B):
    return np.sum(np.concatenate((A, B), axis=1) ** 2 * np.arange(7.0))


def np_stack(x, y):
    return np.sum(np.stack([x, y], axis=1) ** 2 * np.array([1.0, 3.0]))


def np_expand_squeeze(x):
    return np.sum(np.squeeze(np.expand_dims(x, 0)) ** 2)


def np_squeeze(M):
    return np.sum(np.squeeze(M) * np.arange(3.0))


def np_log1p_expm1(x):
    return np.sum(np.log1p(x ** 2) + np.expm1(x))


def np_sum_method_mix(M):
    return np.sum(M, axis=0).dot(np.arange(4.0))


def np_zeros_ones(x):
    return np.sum((x + np.ones(x.shape)) * (np.zeros(x.shape) + x))


# ---------------------------------------------------------------------------
# ndarray methods and attributes
# ---------------------------------------------------------------------------

def meth_sum(x):
    return x.sum() + (x ** 2).sum()


def meth_sum_axis(M):
    return (M.sum(axis=0) ** 2).sum()


def meth_mean(M):
    return M.mean() * M.mean(axis=1).sum()


def meth_T(M):
    return np.sum(M.T[0] * M[:, 1]) + np.sum(M.T ** 2)


def meth_reshape_args(x):
    return np.sum(x.reshape(2, 3)[1] * 2.0)


def meth_reshape_tuple(x):
    return np.sum(x.reshape((3, 2)) ** 2 * np.array([1.0, 2.0]))


def meth_reshape_flat(M):
    return np.sum(M.reshape(-1) ** 3)


def meth_dot(x, w):
    return x.dot(w) ** 2


def meth_dot_mat(M, w):
    return np.sum(M.dot(w) ** 2)


def meth_shape_arith(M):
    n = M.shape[0]
    return M.sum() / n + M.shape[1] * np.sum(M ** 2)


def meth_shape_loop(M):
    s = 0.0
    for j in range(M.shape[1]):
        s = s + np.sum(M[:, j]) * j
    return s ** 2


def meth_size(x):
    return np.sum(x ** 2) / x.size


def meth_copy(x):
    y = x.copy()
    return np.sum(y * x)


def meth_max(x):
    return x.max() + x.min() * 0.5


def meth_chain(M, v):
    return (M * 2.0).T.dot(v).sum()


def meth_prod(x):
    return x.prod() ** 2


# ---------------------------------------------------------------------------
# User-defined helpers
# ---------------------------------------------------------------------------

def helper_simple(x):
    return np.sum(_square(x))


def helper_default(x):
    return np.sum(_poly(x)) + np.sum(_poly(x, 2.0))


def helper_keyword(x):
    return np.sum(_poly(x, b=-1.0, a=0.3))


def helper_nested(x):
    return np.sum(_two_level(x))


def helper_in_loop(x):
    for i in range(3):
        x = _poly(x, a=0.5)
    return np.sum(x)


def helper_with_int(x, n):
    return _powsum(x, n)


def helper_branch_return(x):
    return _signed_sq(x) + _signed_sq(x - 2.0)


def helper_global_default(x, s):
    return np.sum(np.tanh(_affine(x, W_GLOBAL, s)))


def helper_array_arg(x, W):
    return np.sum(_affine(x, W, B_GLOBAL) ** 2)


def helper_rnn_cell(Wh, Wx, xs):
    h = np.zeros(2)
    for t in range(xs.shape[0]):
        h = _cell(h, xs[t], Wh, Wx)
    return np.sum(h)


# ---------------------------------------------------------------------------
# Free variables: module globals and closures
# ---------------------------------------------------------------------------

def global_array(x):
    return np.sum(np.tanh(W_GLOBAL @ x + B_GLOBAL))


def global_scalar(x):
    return np.sum(x * SCALE) ** 2


def global_math_pi(x):
    return np.sum(np.sin(math.pi * x) + np.pi * x)


def make_scaled(a):
    def scaled(x):
        return np.sum(np.sin(a * x))
    return scaled


def make_affine(W, b):
    def affine_closure(x):
        return np.sum((W @ x + b) ** 2)
    return affine_closure


def make_composed(fn, n):
    def composed(x):
        for i in range(n):
            x = fn(x) * 0.5
        return np.sum(x)
    return composed


closure_scaled = make_scaled(1.7)
closure_affine = make_affine(W_GLOBAL.T.copy(), np.array([0.1, -0.2, 0.0, 0.3]))
closure_composed = make_composed(_poly, 2)


# ---------------------------------------------------------------------------
# stop_gradient (finite differences are not the oracle: see grad_ref)
# ---------------------------------------------------------------------------

def stopgrad_product(x):
    return np.sum(x * s2s.stop_gradient(x))


def _ref_stopgrad_product(x):
    return x.copy()


def stopgrad_straight_through(x):
    return np.sum(np.sin(x) + s2s.stop_gradient(x ** 2 - np.sin(x)))


def _ref_stopgrad_straight_through(x):
    return np.cos(x)


def stopgrad_scale(x):
    c = s2s.stop_gradient(np.sum(x))
    return c * np.sum(x ** 2)


def _ref_stopgrad_scale(x):
    return np.sum(x) * 2.0 * x


def stopgrad_branch(x, y):
    z = s2s.stop_gradient(x * y)
    return np.sum(z * y + x)


def _ref_stopgrad_branch(x, y):
    return np.ones_like(x), x * y


# ---------------------------------------------------------------------------
# Activity: y only reaches dead code
# ---------------------------------------------------------------------------

def activity_fn(x, y):
    a = np.sin(y)
    return np.sum(x * 2.0) + 0.0 * 0


# --- linear algebra and scipy (issue 6)
def spectral_energy(a, w):
    vals, vecs = np.linalg.eigh(a @ a.T + np.diag(w))
    return np.sum(vals * w) + np.sum((vecs[:, -1] * vecs[:, -1]) * w)


def gaussian_logpdf_chol(m, x):
    cov = m @ m.T + np.eye(3)
    chol = np.linalg.cholesky(cov)
    z = np.linalg.solve(chol, x)
    sign, logdet = np.linalg.slogdet(cov)
    return -0.5 * np.dot(z, z) - 0.5 * logdet + 0.0 * sign - 2.0 * np.sum(np.log(np.diagonal(chol)))


def lowrank_fit(a, target):
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    approx = (u[:, :2] * s[:2]) @ vh[:2]
    return np.sum((approx - target) ** 2) + np.linalg.norm(a, "nuc")


def qr_least_squares(a, b):
    q, r = np.linalg.qr(a)
    x = np.linalg.solve(r, q.T @ b)
    return np.sum(x * x) + np.sum(np.linalg.pinv(a) @ b)


def chain_products(a, b, v):
    m = np.linalg.multi_dot([a, b, a.T])
    return v @ np.linalg.matrix_power(m, 2) @ v + np.linalg.det(np.linalg.inv(m + 3.0 * np.eye(3)))


def mixture_loglik(logits, x):
    weights = sp.log_softmax(logits)
    comps = -0.5 * (x[:, None] - np.arange(3.0)) ** 2 - 0.5 * np.log(2 * np.pi)
    return np.sum(sp.logsumexp(comps + weights, axis=1)) + np.sum(sp.gammaln(sp.expit(logits) + 1.0))


def beta_binomial(a, b):
    k, n = np.array([1.0, 3.0, 4.0]), 5.0
    return np.sum(sp.betaln(k + a, n - k + b) - sp.betaln(a, b) + sp.xlogy(a, b) + sp.erf(a - b))


# ---------------------------------------------------------------------------
# Used by single tests, not in the table
# ---------------------------------------------------------------------------

def kw_fn(x, scale=1.0, power=2):
    return np.sum(scale * x ** power)


def cache_fresh(x):
    return np.sum(np.sin(x) * x)


# ---------------------------------------------------------------------------
# NumPy idioms
# ---------------------------------------------------------------------------

def mlp_loss(W1, b1, W2, b2, X, Y):
    h = np.tanh(X @ W1 + b1)
    logits = h @ W2 + b2
    z = logits - np.max(logits, axis=1, keepdims=True)
    logp = z - np.log(np.sum(np.exp(z), axis=1, keepdims=True))
    return -np.mean(np.sum(Y * logp, axis=1))


def logistic_loss(w, b, X, y):
    z = X @ w + b
    return np.mean(np.log1p(np.exp(-y * z)))


def rnn_loss(Wh, Wx, xs):
    h = np.zeros(Wh.shape[0])
    loss = 0.0
    for t in range(xs.shape[0]):
        h = np.tanh(Wh @ h + Wx @ xs[t])
        loss = loss + np.sum(h ** 2)
    return loss


def euler_ode(y0, k, n):
    y = y0
    dt = 0.1
    for i in range(n):
        y = y + dt * (-k * y + np.sin(y))
    return np.sum(y ** 2)


def horner(coeffs, x):
    p = 0.0
    for c in coeffs:
        p = p * x + c
    return p


def horner_vector(coeffs, x):
    p = np.zeros_like(x)
    for i in range(len(coeffs)):
        p = p * x + coeffs[i]
    return np.sum(p)


def running_max(x):
    m = x[0]
    for i in range(1, len(x)):
        if x[i] > m:
            m = x[i]
    return m * 2.0 + np.sum(x * 0.1)


def logsumexp(x):
    m = np.max(x)
    return m + np.log(np.sum(np.exp(x - m)))


def logsumexp_loop(x):
    m = x.max()
    s = 0.0
    for v in x:
        s = s + np.exp(v - m)
    return m + np.log(s)


def softmax_weighted(x, w):
    e = np.exp(x - np.max(x))
    p = e / np.sum(e)
    return np.sum(p * w)


def newton_sqrt(a):
    y = a
    for i in range(5):
        y = 0.5 * (y + a / y)
    return y


def power_iteration(A, v):
    for i in range(3):
        v = A @ v
        v = v / np.sqrt(np.sum(v ** 2))
    return v @ A @ v


def gaussian_nll(mu, log_sigma, x):
    sigma = np.exp(log_sigma)
    return np.sum(0.5 * ((x - mu) / sigma) ** 2 + log_sigma)


def kl_logits(p_logits, q_logits):
    p = np.exp(p_logits) / np.sum(np.exp(p_logits))
    logq = q_logits - np.log(np.sum(np.exp(q_logits)))
    logp = np.log(p)
    return np.sum(p * (logp - logq))


def ridge_loss(w, X, y, lam):
    r = X @ w - y
    return r @ r / y.shape[0] + lam * np.sum(w ** 2)


def cumulative_product(x):
    p = 1.0
    out = []
    for v in x:
        p = p * v
        out.append(p)
    return np.sum(np.array(out))


def bubble_pass_free(x):
    # A smooth "sort-free" pairwise energy over all pairs.
    e = 0.0
    n = x.shape[0]
    for i in range(n):
        for j in range(i + 1, n):
            d = x[i] - x[j]
            e = e + 1.0 / (1.0 + d * d)
    return e


def rbf_kernel_sum(X, gamma):
    sq = np.sum(X ** 2, axis=1)
    D = sq[:, None] + sq[None, :] - 2.0 * X @ X.T
    return np.sum(np.exp(-gamma * D))


def attention_scalar(Q, K, V):
    S = Q @ K.T / np.sqrt(Q.shape[1])
    S = S - np.max(S, axis=1, keepdims=True)
    P = np.exp(S)
    P = P / np.sum(P, axis=1, keepdims=True)
    return np.sum((P @ V) ** 2)


def batchnorm_like(X, gamma, beta):
    mu = np.mean(X, axis=0)
    var = np.mean((X - mu) ** 2, axis=0)
    Xh = (X - mu) / np.sqrt(var + 1e-3)
    return np.sum(np.tanh(gamma * Xh + beta))


def simpson_integral(a, n):
    h = 1.0 / n
    s = 0.0
    for i in range(n + 1):
        t = i * h
        w = 1.0 if i == 0 or i == n else (4.0 if i % 2 == 1 else 2.0)
        s += w * np.exp(-a * t * t)
    return s * h / 3.0


# ---------------------------------------------------------------------------
# The table
# ---------------------------------------------------------------------------

_Y_ONEHOT = np.eye(3)[[0, 2, 1, 2]]


# --- NumPy coverage (issue 6): new primitives inside ordinary code
def guarded_log_likelihood(x):
    ll = np.where(x > 0, np.log(x), 0.0) + np.where(x > 0, np.sqrt(x), 0.0)
    return np.sum(ll * np.arange(1.0, x.size + 1))


def split_and_pad(x):
    left, right = np.split(x, 2)
    padded = np.pad(left * right, 1, mode="edge")
    return np.sum(np.rot90(np.reshape(padded, (1, 5))) ** 2 * np.arange(5.0)[:, None]) + np.ptp(right)


def piecewise_select(x):
    y = np.select([x > 0.5, x < -0.5], [x ** 2, -x], np.sin(x))
    ordered = np.take_along_axis(y, np.argsort(y), axis=0)
    return np.sum(ordered * np.linspace(1.0, 2.0, y.size)) + np.nanmean(x) * np.nanstd(x)


def weighted_stats(x, w):
    m = np.average(x, axis=0, weights=w)
    mask = x > -0.9
    return np.sum(m ** 2) + np.sum(np.var(x, axis=1, where=mask)) + np.mean(np.cumsum(x, axis=1))


def signal_chain(a, v, p):
    s = np.convolve(a, v, mode="same")
    t = np.interp(s, np.array([-2.0, 0.0, 2.0]), np.array([0.0, 1.0, 3.0]))
    area = np.trapezoid(np.polyval(p, t), dx=0.5)
    return area + np.sum(np.kron(a[:2], v) ** 2) + np.sum(np.cross(a[:3], v) ** 2)


def nondifferentiable_helpers(x):
    rank = np.argsort(np.argsort(x))
    bins = np.digitize(x, np.array([-0.5, 0.0, 0.5]))
    n = np.count_nonzero(x > 0) + np.searchsorted(np.sort(x), 0.0)
    return np.sum(x * rank) + np.sum(x ** 2 * bins) + n * np.sum(np.round(x, 1) * x) + np.sum(np.sign(x) * x)


# --- the zero adjoint (0.0) of a value nothing reads, reaching a runtime helper (issue 15, found by tests/fuzz):
# the first iteration's values are overwritten unread, and _second_only does not read its first argument
def zero_adjoint_matmul(a, x):
    for i in range(2):
        y = a @ x
        z = x @ a
        w = x @ x
    return np.sum(np.sin(y)) + np.sum(z * z) + w


def zero_adjoint_products(a, x):
    for i in range(2):
        y = np.dot(a, x)
        z = np.outer(x, x[:2])
        w = np.inner(a, x)
    return np.sum(np.sin(y)) + np.sum(z * z) + np.sum(w)


def zero_adjoint_shapes(x):
    for i in range(2):
        r = np.reshape(x, (2, 3))
        f = np.ravel(r)
        c = np.concatenate([x[:2], x[3:]])
        s = np.stack([x, x])
        h = np.hstack([x[:2], x[2:]])
        v = np.vstack([x, x])
    return np.sum(r * r) + np.sum(np.sin(f)) + np.sum(c ** 3) + np.sum(s * x) + np.sum(np.cos(h)) + np.sum(v)


def zero_adjoint_reductions(x):
    for i in range(2):
        m = np.sum(np.reshape(x, (2, 3)) * x[0], axis=1)
        q = np.cumsum(x)
        a = np.array([x[0] * x[1], x[2]])
    return np.sum(m * m) + np.sum(np.sin(q)) + np.sum(a ** 2)


def zero_adjoint_transpose(x):
    acc = []
    for i in range(2):
        acc.append(x[1, 2])
        x = x.T
    x = np.ones((3, 3)) * sum(acc)
    return np.sum(x * x)


def _second_only(a, b):
    return b * 2.0


def zero_adjoint_unused_argument(x, y):
    return np.sum(_second_only(np.reshape(x, (2, 3)), y) * np.sum(np.outer(x, y)))


# ---------------------------------------------------------------------------
# Programs written outside the project that once got silently wrong derivatives (issue 15)

def rebinds_iterated(x):
    acc = 0.0
    for e in x:  # Python iterates the x the loop started with
        acc = acc + e * e
        x = x * 2.0
    return acc + np.sum(x)


def self_assign(s):
    s = s
    return s * s


def self_assign_in_branch(s):
    if s > 0:
        s = s
    return s * s * 0.5


def slice_write_itself(x):
    y = x.copy()
    y[:] = y
    y[0:2] = y[1:3]
    return np.sum(y ** 2)


def r_join(x):
    y = np.r_[x, 0.5, x[1:], 0:2]
    return np.sum(y * y)


def c_join(x):
    m = np.c_[x, x ** 2, np.ones(3)]
    return np.sum(m @ np.array([1.0, -2.0, 0.5]) ** 2)


def chained_assign(x, y):
    a = b = x * y
    return a * b + a


def write_after_copy(x):
    y = x.copy()
    y[2] = y[0]
    y *= 2.0
    return np.sum(y * y)


def alias_of_float(x):
    s = x * 1.5
    t = s
    t += 1.0
    return t * s


def negative_constant_power(x):
    return (-0.5) ** 2 * x + (-2.0) ** 3 * x * x + x ** -1.0


def scalar_spread_then_summed(x0, x1):
    return (x1 + x0).sum() / (x0 * x0 + 1.0)


def where_in_loop(x):
    for i in range(2):
        x = np.where(x * 1.5 > 0.5, x, np.sqrt(x * x + 1.0))
    return np.sum(np.sin(x))


def column_write_then_rebound(x):
    y = np.outer(x, x)
    t = np.cos(y[2]).copy()
    y[:, 2] = t
    y = y * 2.0
    return np.sum(y ** 3)


def write_from_rows(x):
    y = np.outer(x, x)
    y[0] = y[2]
    y[0:2] = y[1:3]
    return np.sum(np.sin(y))


def write_after_transposed_read(x):
    y = np.linspace(0.5, 1.5, 9).reshape(3, 3) * x
    t = np.cos(y.T)
    y[1] = x * 3.0
    return np.sum(t * t)


def list_read_from_end(x):
    acc = [x[0] * 1.0]
    s = 0.0
    for k in range(3):
        acc.append(x[k] * 2.0)
        acc[-1] = acc[-1] * x[k]
        s = s + np.sum(np.stack(acc[-2:]) ** 2)
    return s + np.sum(np.stack(acc))


def loop_writes_into_a_viewed_array(x):
    y = x * 1.0
    scale = np.max(y.reshape(1, 3)) * np.sum(y ** 2)
    for k in range(3):
        y[0:2] = np.sin(y[1:3]) * scale
    return np.sum(y ** 2)


def bitwise_masks(x):
    inside = (x > 0) & (x < 1.0)
    outside = (x > 0.5) | (x < -0.5)
    return np.sum(np.where(inside, x * x, x)) + np.sum(np.where(outside ^ inside, 2.0 * x, 0.0))


CASES = [
    # --- scalars, ints, NumPy scalars
    Case("lecture", lecture, (2.0, 5.0), (0, 1), ("scalar", "call")),
    Case("scalar_poly", scalar_poly, (0.7,), 0, ("scalar", "hypothesis")),
    Case("scalar_two", scalar_two, (1.3, 0.8), (0, 1), ("scalar",)),
    Case("scalar_sub_neg", scalar_sub_neg, (0.4, -1.2), (0, 1), ("scalar",)),
    Case("scalar_div", scalar_div, (1.5, 0.6), (0, 1), ("scalar",)),
    Case("scalar_pow_int", scalar_pow_int, (1.3, 3), 0, ("scalar", "int-arg")),
    Case("scalar_pow_float", scalar_pow_float, (1.3, 2.5), (0, 1), ("scalar",)),
    Case("scalar_pow_base", scalar_pow_base, (1.7,), 0, ("scalar",)),
    Case("scalar_floordiv", scalar_floordiv, (2.3, 0.7), (0, 1), ("scalar",)),
    Case("scalar_mod", scalar_mod, (2.3, 0.7), (0, 1), ("scalar",)),
    Case("scalar_unary", scalar_unary, (0.9,), 0, ("scalar",)),
    Case("scalar_npfloat", scalar_npfloat, (np.float64(1.3),), 0, ("scalar", "npscalar")),
    Case("scalar_npfloat_mix", scalar_npfloat_mix, (np.float64(0.4), 1.1), (0, 1),
         ("scalar", "npscalar")),
    Case("scalar_int_count", scalar_int_count, (0.8, 4), 0, ("scalar", "int-arg")),
    Case("scalar_math", scalar_math, (1.3,), 0, ("scalar", "call", "math", "hypothesis")),
    Case("scalar_math_cos_tan", scalar_math_cos_tan, (0.6,), 0, ("scalar", "call", "math")),
    Case("scalar_np_funcs", scalar_np_funcs, (0.7,), 0, ("scalar", "call")),
    Case("builtin_pow", builtin_pow, (1.2,), 0, ("scalar", "call", "builtin")),
    Case("builtin_abs", builtin_abs, (-1.2,), 0, ("scalar", "call", "builtin")),
    Case("builtin_float", builtin_float, (0.9, 3), 0, ("scalar", "call", "builtin", "int-arg")),
    Case("builtin_max_min", builtin_max_min, (1.5, 0.4), (0, 1), ("scalar", "call", "builtin")),
    Case("builtin_max_three", builtin_max_three, (MIXED.copy(),), 0,
         ("call", "builtin", "subscript")),
    Case("builtin_sum_list", builtin_sum_list, (_u(4),), 0, ("call", "builtin", "list")),
    Case("builtin_abs_array", builtin_abs_array, (_away(5),), 0, ("call", "builtin")),
    Case("builtin_len", builtin_len, (_u(4),), 0, ("call", "builtin")),

    # --- assignment, augmented assignment
    Case("assign_chain", assign_chain, (_u(3),), 0, ("assign",)),
    Case("aug_scalar", aug_scalar, (0.8,), 0, ("augassign", "scalar")),
    Case("aug_array", aug_array, (_u(4),), 0, ("augassign", "hypothesis")),
    Case("aug_array_copy", aug_array_copy, (_u(4),), 0, ("augassign",)),
    Case("aug_accumulate", aug_accumulate, (1.1,), 0, ("augassign", "scalar")),
    Case("aug_pow_array", aug_pow_array, (_u(3),), 0, ("augassign",)),
    Case("aug_broadcast", aug_broadcast, (_u(3, 4), _u(4)), (0, 1), ("augassign", "broadcast")),
    Case("aug_sub_div", aug_sub_div, (_u(4), _pos(4)), (0, 1), ("augassign",)),
    Case("aug_self_ref", aug_self_ref, (_u(3),), 0, ("augassign",)),

    # --- tuples
    Case("unpack_swap", unpack_swap, (_u(3), _u(3)), (0, 1), ("tuple",)),
    Case("unpack_nested", unpack_nested, (_u(3),), 0, ("tuple",)),
    Case("unpack_array_rows", unpack_array_rows, (_u(2, 3),), 0, ("tuple", "subscript")),
    Case("unpack_shape", unpack_shape, (_u(2, 3),), 0, ("tuple", "attribute")),
    Case("tuple_intermediate", tuple_intermediate, (_u(3),), 0, ("tuple", "subscript")),
    Case("tuple_return_unpacked", tuple_return_unpacked, (_u(3),), 0, ("tuple", "helper")),
    Case("tuple_return_indexed", tuple_return_indexed, (_u(3),), 0, ("tuple", "helper")),
    Case("tuple_return_stats", tuple_return_stats, (_u(4),), 0, ("tuple", "helper")),
    Case("tuple_arg", tuple_arg, ((_u(3), _u(3)),), 0, ("tuple-arg",)),
    Case("tuple_arg_index", tuple_arg_index, ((_u(3), _u(2, 2)),), 0, ("tuple-arg", "subscript")),
    Case("tuple_arg_loop", tuple_arg_loop, ((_u(2), _u(3), _u(2, 2)),), 0, ("tuple-arg", "loop")),
    Case("tuple_arg_mixed", tuple_arg_mixed, ((_u(3), 0.7), _u(3)), (0, 1), ("tuple-arg",)),
    Case("tuple_to_helper", tuple_to_helper, (_u(3),), 0, ("tuple", "helper")),
    Case("list_arg", list_arg, ([_u(3), _u(2)],), 0, ("list-arg", "comprehension")),
    Case("list_arg_stack", list_arg_stack, ([_u(3), _u(3), _u(3)],), 0, ("list-arg", "call")),
    Case("list_arg_index", list_arg_index, ([_u(3), _u(3)], 1), 0, ("list-arg", "subscript")),

    # --- array arithmetic
    Case("arr_ops", arr_ops, (_u(4), _pos(4)), (0, 1), ("array", "hypothesis")),
    Case("arr_matmul", arr_matmul, (_u(3, 4), _u(4)), (0, 1), ("array", "matmul")),
    Case("arr_matmul_mm", arr_matmul_mm, (_u(2, 3), _u(3, 4)), (0, 1), ("array", "matmul")),
    Case("arr_vecvec", arr_vecvec, (_u(4), _u(4)), (0, 1), ("array", "matmul")),
    Case("arr_vec_mat", arr_vec_mat, (_u(3), _u(3, 2)), (0, 1), ("array", "matmul")),
    Case("arr_pow", arr_pow, (_u(4),), 0, ("array",)),
    Case("arr_pow_array", arr_pow_array, (_pos(4), _u(4)), (0, 1), ("array",)),
    Case("arr_neg", arr_neg, (_u(4),), 0, ("array",)),
    Case("arr_floordiv", arr_floordiv, (MIXED.copy(),), 0, ("array",)),
    Case("arr_mod", arr_mod, (MIXED.copy(), 0.7), (0, 1), ("array", "broadcast")),
    Case("arr_reciprocal", arr_reciprocal, (_u(4),), 0, ("array",)),
    Case("arr_times_bool", arr_times_bool, (MIXED.copy(),), 0, ("array",)),

    # --- broadcasting
    Case("bc_scalar_array", bc_scalar_array, (0.7, _u(3)), (0, 1), ("broadcast",)),
    Case("bc_col_row", bc_col_row, (_u(3, 1), _u(1, 4)), (0, 1), ("broadcast",)),
    Case("bc_vec_mat", bc_vec_mat, (_u(4), _u(3, 4)), (0, 1), ("broadcast",)),
    Case("bc_mul_div", bc_mul_div, (_u(3, 4), _pos(4)), (0, 1), ("broadcast",)),
    Case("bc_npscalar", bc_npscalar, (np.float64(1.3), _u(3)), (0, 1),
         ("broadcast", "npscalar")),
    Case("bc_3d", bc_3d, (_u(2, 1, 3), _u(4, 1)), (0, 1), ("broadcast",)),
    Case("bc_maximum", bc_maximum, (_u(3, 4), _u(4)), (0, 1), ("broadcast", "call")),
    Case("bc_where", bc_where, (_away(3, 4), _u(4)), (0, 1), ("broadcast", "call")),
    Case("bc_keepdims", bc_keepdims, (_pos(3, 4),), 0, ("broadcast", "method", "kwargs")),
    Case("bc_mean_center", bc_mean_center, (_u(3, 4),), 0, ("broadcast", "method")),
    Case("bc_sub_col", bc_sub_col, (_u(3, 4), _u(3, 1)), (0, 1), ("broadcast",)),

    # --- float32
    Case("f32_sum_sin", f32_sum_sin, (_f32(4),), 0, ("float32",)),
    Case("f32_matvec", f32_matvec, (_f32(3, 4), _f32(4)), (0, 1), ("float32", "matmul")),
    Case("f32_loop", f32_loop, (_f32(3),), 0, ("float32", "loop")),
    Case("f32_exp_mean", f32_exp_mean, (_f32(4),), 0, ("float32",)),
    Case("f32_softplus", f32_softplus, (_f32(4),), 0, ("float32",)),
    Case("f32_mixed", f32_mixed, (_f32(3), _u(3)), (0, 1), ("float32",)),
    Case("f32_subscript", f32_subscript, (_f32(4),), 0, ("float32", "subscript")),
    Case("f32_scalar_mul", f32_scalar_mul, (_f32(3), 0.8), (0, 1), ("float32", "broadcast")),

    # --- branches
    Case("if_simple_pos", if_simple, (np.array([0.5, 1.2, -0.3]),), 0, ("branch",)),
    Case("if_simple_neg", if_simple, (np.array([-0.5, -1.2, 0.3]),), 0, ("branch",)),
    Case("if_elif_else_0", if_elif_else, (_u(3), 0), 0, ("branch", "int-arg")),
    Case("if_elif_else_1", if_elif_else, (_u(3), 1), 0, ("branch", "int-arg")),
    Case("if_elif_else_2", if_elif_else, (_u(3), 2), 0, ("branch", "int-arg")),
    Case("if_return_hi", if_return_branches, (1.5,), 0, ("branch", "return")),
    Case("if_return_mid", if_return_branches, (0.5,), 0, ("branch", "return")),
    Case("if_return_lo", if_return_branches, (-0.5,), 0, ("branch", "return")),
    Case("if_and_or_true", if_and_or, (0.7, 1.2), (0, 1), ("branch", "boolop")),
    Case("if_and_or_false", if_and_or, (0.7, -1.2), (0, 1), ("branch", "boolop")),
    Case("if_not", if_not, (0.6,), 0, ("branch", "boolop")),
    Case("if_chained_in", if_chained_cmp, (0.4,), 0, ("branch", "compare")),
    Case("if_chained_out", if_chained_cmp, (1.4,), 0, ("branch", "compare")),
    Case("if_chained_array", if_chained_array, (_u(4),), 0, ("branch", "compare")),
    Case("if_no_else", if_no_else, (np.array([0.2, 0.9, -0.4]),), 0, ("branch",)),
    Case("if_nested", if_nested, (0.8, -0.6), (0, 1), ("branch",)),
    Case("if_bool_flag_true", if_bool_flag, (_u(3), True), 0, ("branch", "bool-arg")),
    Case("if_bool_flag_false", if_bool_flag, (_u(3), False), 0, ("branch", "bool-arg")),
    Case("if_redefine", if_redefine, (np.array([0.3, 0.8, -0.2]),), 0, ("branch",)),
    Case("if_is_none", if_is_none, (_u(3), None), 0, ("branch", "compare")),
    Case("ternary_pos", ternary, (0.8,), 0, ("branch", "ifexp")),
    Case("ternary_neg", ternary, (-0.8,), 0, ("branch", "ifexp")),
    Case("ternary_shape", ternary_shape, (_u(4),), 0, ("branch", "ifexp", "attribute")),
    Case("ternary_nested", ternary_nested, (0.3, 0.9), (0, 1), ("branch", "ifexp")),

    # --- loops
    Case("for_range1", for_range1, (_u(3), 3), 0, ("loop", "int-arg")),
    Case("for_range2", for_range2, (0.9,), 0, ("loop",)),
    Case("for_range3", for_range3, (_u(3),), 0, ("loop",)),
    Case("for_range_neg", for_range_neg, (0.7,), 0, ("loop",)),
    Case("for_range_len", for_range_len, (_u(4),), 0, ("loop", "subscript")),
    Case("for_range_shape", for_range_shape, (_u(3, 2),), 0, ("loop", "subscript", "attribute")),
    Case("for_range_global", for_range_global, (_u(3),), 0, ("loop", "global")),
    Case("for_array_rows", for_array_rows, (_u(3, 2),), 0, ("loop",)),
    Case("for_array_elems", for_array_elems, (_u(4),), 0, ("loop",)),
    Case("for_const_list", for_const_list, (_u(3),), 0, ("loop", "list")),
    Case("for_list_of_arrays", for_list_of_arrays, (_u(3),), 0, ("loop", "list")),
    Case("for_enumerate", for_enumerate, (_u(4),), 0, ("loop", "enumerate")),
    Case("for_enumerate_start", for_enumerate_start, (_u(4),), 0,
         ("loop", "enumerate", "kwargs")),
    Case("for_enumerate_start_pos", for_enumerate_start_pos, (_u(4),), 0, ("loop", "enumerate")),
    Case("for_zip", for_zip, (_u(4), _u(4)), (0, 1), ("loop", "zip", "hypothesis")),
    Case("for_zip_rows", for_zip_rows, (_u(3, 2), _u(3)), (0, 1), ("loop", "zip")),
    Case("for_tuple_of_params", for_tuple_of_params, (_u(3),), 0, ("loop", "tuple")),
    Case("while_count", while_count, (_u(3),), 0, ("while",)),
    Case("while_value", while_value, (1.3,), 0, ("while",)),
    Case("while_norm", while_norm, (np.array([0.3, -0.5, 0.4]),), 0, ("while",)),
    Case("while_true_break", while_true_break, (0.7,), 0, ("while", "break")),
    Case("while_and_cond", while_and_cond, (0.8,), 0, ("while", "boolop")),
    Case("for_break", for_break, (_u(3),), 0, ("loop", "break")),
    Case("for_break_value", for_break_value, (np.array([0.3, -0.7, 0.9, 1.6, 0.2]),), 0,
         ("loop", "break")),
    Case("for_continue", for_continue, (0.6,), 0, ("loop", "continue")),
    Case("for_continue_value", for_continue_value, (MIXED.copy(),), 0, ("loop", "continue")),
    Case("for_early_return", for_early_return, (0.7,), 0, ("loop", "return")),
    Case("for_early_return_late", for_early_return, (0.2,), 0, ("loop", "return")),
    Case("while_early_return", while_early_return, (0.5,), 0, ("while", "return")),
    Case("for_else", for_else, (_u(4),), 0, ("loop", "for-else")),
    Case("nested_loops", nested_loops, (_u(2, 3),), 0, ("loop", "nested", "subscript")),
    Case("nested_loops_lists", nested_loops_lists, (_u(3),), 0, ("loop", "nested", "list")),
    Case("nested_loop_break", nested_loop_break,
         (np.array([[0.3, 1.4, 0.5], [-0.2, 0.6, 1.1]]),), 0, ("loop", "nested", "break")),
    Case("loop_append_stack", loop_append_stack, (_u(3),), 0, ("loop", "list", "call")),
    Case("loop_append_array", loop_append_array, (_u(4),), 0, ("loop", "list", "call")),
    Case("overlapping_slice_writes", overlapping_slice_writes, (_u(5),), 0, ("subscript", "write")),
    Case("loop_overwrites_other_param", loop_overwrites_other_param, (_u(3), _u(3)), 0, ("loop",)),
    Case("subroutine_with_bar_names", subroutine_with_bar_names, (_u(3),), 0, ("call",)),
    Case("loop_pop_stack", loop_pop_stack, (_u(3),), 0, ("loop", "while", "list", "call")),
    Case("pop_then_append", pop_then_append, (_u(3),), 0, ("list", "call")),
    Case("loop_append_sum", loop_append_sum, (_u(3),), 0, ("loop", "list", "builtin")),
    Case("loop_carry_state", loop_carry_state, (_u(4),), 0, ("loop", "subscript")),
    Case("loop_overwrite", loop_overwrite, (_u(3),), 0, ("loop", "hypothesis")),
    Case("loop_if_inside", loop_if_inside, (MIXED.copy(),), 0, ("loop", "branch")),
    Case("loop_two_accumulators", loop_two_accumulators, (_u(4),), 0, ("loop", "tuple")),

    # --- comprehensions
    Case("comp_gen_sum", comp_gen_sum, (_u(4),), 0, ("comprehension", "builtin", "hypothesis")),
    Case("comp_list_stack", comp_list_stack, (_u(3, 2),), 0, ("comprehension", "call")),
    Case("comp_filter", comp_filter, (MIXED.copy(),), 0, ("comprehension",)),
    Case("comp_enumerate", comp_enumerate, (_u(4),), 0, ("comprehension", "enumerate")),
    Case("comp_zip", comp_zip, (_u(4), _u(4)), (0, 1), ("comprehension", "zip")),
    Case("comp_array", comp_array, (_u(4),), 0, ("comprehension", "call")),
    Case("comp_range_list", comp_range_list, (_u(3),), 0, ("comprehension", "builtin")),
    Case("comp_nested", comp_nested, (_u(3),), 0, ("comprehension", "nested")),
    Case("comp_list_arg", comp_list_arg, ([_u(2), _u(2)],), 0, ("comprehension", "list-arg")),
    Case("comp_helper", comp_helper, (_u(3),), 0, ("comprehension", "helper")),

    # --- subscript reads
    Case("sub_index", sub_index, (_u(4),), 0, ("subscript",)),
    Case("sub_neg_index", sub_neg_index, (_u(4),), 0, ("subscript",)),
    Case("sub_slice", sub_slice, (_u(5),), 0, ("subscript",)),
    Case("sub_reverse", sub_reverse, (_u(5),), 0, ("subscript", "hypothesis")),
    Case("sub_step", sub_step, (_u(5),), 0, ("subscript",)),
    Case("sub_column", sub_column, (_u(3, 4), 2), 0, ("subscript", "int-arg")),
    Case("sub_2d", sub_2d, (_u(3, 4),), 0, ("subscript",)),
    Case("sub_2d_var", sub_2d_var, (_u(3, 3), 0, 2), 0, ("subscript", "int-arg")),
    Case("sub_ellipsis", sub_ellipsis, (_u(2, 3, 2),), 0, ("subscript",)),
    Case("sub_newaxis", sub_newaxis, (_u(3),), 0, ("subscript", "broadcast")),
    Case("sub_bool_mask", sub_bool_mask, (MIXED.copy(),), 0, ("subscript", "mask")),
    Case("sub_bool_mask_other", sub_bool_mask_other, (MIXED.copy(), _u(5)), 1,
         ("subscript", "mask")),
    Case("sub_int_array", sub_int_array, (_u(4),), 0, ("subscript", "fancy", "hypothesis")),
    Case("sub_int_array_var", sub_int_array_var, (_u(4),), 0, ("subscript", "fancy")),
    Case("sub_row", sub_row, (_u(3, 2),), 0, ("subscript",)),
    Case("sub_slice_2d", sub_slice_2d, (_u(3, 4),), 0, ("subscript",)),
    Case("sub_chain", sub_chain, (_u(3, 4),), 0, ("subscript", "method")),
    Case("sub_list", sub_list, (_u(3),), 0, ("subscript", "list")),
    Case("sub_tuple_var_index", sub_tuple_var_index, (_u(3),), 0, ("subscript", "tuple")),
    Case("sub_loop_neighbors", sub_loop_neighbors, (_u(5),), 0, ("subscript", "loop")),
    Case("sub_slice_var", sub_slice_var, (_u(5), 2), 0, ("subscript", "int-arg")),

    # --- subscript writes
    Case("write_index", write_index, (_u(4), 0.6), (0, 1), ("subscript", "write", "hypothesis")),
    Case("write_slice_scalar", write_slice_scalar, (_u(4), 0.6), (0, 1),
         ("subscript", "write", "broadcast")),
    Case("write_slice_array", write_slice_array, (_u(4), _u(2)), (0, 1), ("subscript", "write")),
    Case("write_mask", write_mask, (MIXED.copy(),), 0, ("subscript", "write", "mask")),
    Case("write_aug_index", write_aug_index, (_u(4), 0.3), (0, 1), ("subscript", "write")),
    Case("write_aug_slice", write_aug_slice, (_u(4),), 0, ("subscript", "write")),
    Case("write_aug_repeated", write_aug_repeated, (_u(3), 0.4), (0, 1),
         ("subscript", "write", "fancy")),
    Case("write_column", write_column, (_u(3, 3), _u(3)), (0, 1), ("subscript", "write")),
    Case("write_2d", write_2d, (_u(2, 3), 0.8), (0, 1), ("subscript", "write")),
    Case("write_loop_fill", write_loop_fill, (_u(4),), 0, ("subscript", "write", "loop")),
    Case("write_loop_prefix", write_loop_prefix, (_u(4),), 0, ("subscript", "write", "loop")),
    Case("write_overwrite_twice", write_overwrite_twice, (_u(3), 0.9), (0, 1),
         ("subscript", "write")),
    Case("write_neg_index", write_neg_index, (_u(3), 0.7), (0, 1), ("subscript", "write")),
    Case("write_zeros_like", write_zeros_like, (_u(4),), 0, ("subscript", "write")),
    Case("write_list_elem", write_list_elem, (_u(3),), 0, ("subscript", "write", "list")),
    Case("write_list_loop", write_list_loop, (_u(4),), 0, ("subscript", "write", "list", "loop")),

    # --- NumPy functions
    Case("np_exp_log", np_exp_log, (_pos(4),), 0, ("call", "hypothesis")),
    Case("np_sqrt", np_sqrt, (_pos(4),), 0, ("call",)),
    Case("np_trig", np_trig, (_u(4),), 0, ("call", "hypothesis")),
    Case("np_tanh", np_tanh, (_u(4),), 0, ("call",)),
    Case("np_abs", np_abs, (_away(4),), 0, ("call",)),
    Case("np_maximum", np_maximum, (_u(4), _u(4)), (0, 1), ("call",)),
    Case("np_minimum", np_minimum, (_u(4), _u(4)), (0, 1), ("call",)),
    Case("np_relu", np_relu, (MIXED.copy(),), 0, ("call",)),
    Case("np_where_leaky", np_where_leaky, (MIXED.copy(),), 0, ("call",)),
    Case("np_clip", np_clip, (np.array([-0.9, -0.2, 0.1, 0.35, 0.8]),), 0, ("call",)),
    Case("np_minimum_scalar_other", np_minimum_scalar_other, (np.array([-0.3, 0.5, 0.8, 0.1]), 0.25), 0,
         ("call", "broadcast")),
    Case("builtin_max_min_floats", builtin_max_min_floats, (0.7, -0.3), (0, 1), ("call",)),
    Case("np_clip_array_bounds", np_clip_array_bounds,
         (np.array([-0.9, -0.1, 0.2, 0.8]), np.array([-0.5, -0.4, -0.3, -0.2]), np.array([0.6, 0.5, 0.1, 0.7])),
         (0, 1, 2), ("call", "broadcast")),
    Case("np_abs_spellings", np_abs_spellings, (np.array([-0.7, 0.3, 0.4]),), 0, ("call",)),
    Case("np_sum_axis", np_sum_axis, (_u(3, 4),), 0, ("call", "kwargs")),
    Case("np_mean", np_mean, (_u(3, 4),), 0, ("call", "kwargs")),
    Case("np_max", np_max, (_u(5),), 0, ("call",)),
    Case("np_max_axis", np_max_axis, (_u(3, 4),), 0, ("call", "kwargs")),
    Case("np_prod", np_prod, (_away(4),), 0, ("call",)),
    Case("np_dot_vec", np_dot_vec, (_u(4), _u(4)), (0, 1), ("call",)),
    Case("np_dot_mv", np_dot_mv, (_u(3, 4), _u(4)), (0, 1), ("call",)),
    Case("np_matmul", np_matmul, (_u(2, 3), _u(3, 2)), (0, 1), ("call",)),
    Case("np_outer", np_outer, (_u(3), _u(2)), (0, 1), ("call",)),
    Case("np_reshape", np_reshape, (_u(6),), 0, ("call",)),
    Case("np_transpose", np_transpose, (_u(3, 4),), 0, ("call",)),
    Case("np_concatenate", np_concatenate, (_u(3), _u(2)), (0, 1), ("call", "list")),
    Case("np_concatenate_axis", np_concatenate_axis, (_u(2, 3), _u(2, 4)), (0, 1),
         ("call", "kwargs")),
    Case("np_stack", np_stack, (_u(3), _u(3)), (0, 1), ("call", "list", "kwargs")),
    Case("np_expand_squeeze", np_expand_squeeze, (_u(3),), 0, ("call",)),
    Case("np_squeeze", np_squeeze, (_u(3, 1),), 0, ("call",)),
    Case("np_log1p_expm1", np_log1p_expm1, (_u(4),), 0, ("call",)),
    Case("np_sum_method_mix", np_sum_method_mix, (_u(3, 4),), 0, ("call", "method")),
    Case("np_zeros_ones", np_zeros_ones, (_u(3),), 0, ("call", "attribute")),

    # --- methods and attributes
    Case("meth_sum", meth_sum, (_u(4),), 0, ("method",)),
    Case("meth_sum_axis", meth_sum_axis, (_u(3, 4),), 0, ("method", "kwargs")),
    Case("meth_mean", meth_mean, (_u(3, 4),), 0, ("method", "kwargs")),
    Case("meth_T", meth_T, (_u(3, 4),), 0, ("method", "attribute")),
    Case("meth_reshape_args", meth_reshape_args, (_u(6),), 0, ("method",)),
    Case("meth_reshape_tuple", meth_reshape_tuple, (_u(6),), 0, ("method",)),
    Case("meth_reshape_flat", meth_reshape_flat, (_u(2, 3),), 0, ("method",)),
    Case("meth_dot", meth_dot, (_u(4), _u(4)), (0, 1), ("method",)),
    Case("meth_dot_mat", meth_dot_mat, (_u(3, 4), _u(4)), (0, 1), ("method",)),
    Case("meth_shape_arith", meth_shape_arith, (_u(3, 4),), 0, ("method", "attribute")),
    Case("meth_shape_loop", meth_shape_loop, (_u(3, 4),), 0, ("method", "attribute", "loop")),
    Case("meth_size", meth_size, (_u(2, 3),), 0, ("attribute",)),
    Case("meth_copy", meth_copy, (_u(4),), 0, ("method",)),
    Case("meth_max", meth_max, (_u(5),), 0, ("method",)),
    Case("meth_chain", meth_chain, (_u(3, 4), _u(3)), (0, 1), ("method", "attribute")),
    Case("meth_prod", meth_prod, (_away(3),), 0, ("method",)),

    # --- helpers
    Case("helper_simple", helper_simple, (_u(3),), 0, ("helper",)),
    Case("helper_default", helper_default, (_u(3),), 0, ("helper", "default", "hypothesis")),
    Case("helper_keyword", helper_keyword, (_u(3),), 0, ("helper", "kwargs")),
    Case("helper_nested", helper_nested, (_u(3),), 0, ("helper", "nested")),
    Case("helper_in_loop", helper_in_loop, (_u(3),), 0, ("helper", "loop", "kwargs")),
    Case("helper_with_int", helper_with_int, (_u(3), 3), 0, ("helper", "loop", "int-arg")),
    Case("helper_branch_return_pos", helper_branch_return, (0.8,), 0, ("helper", "branch")),
    Case("helper_branch_return_big", helper_branch_return, (2.6,), 0, ("helper", "branch")),
    Case("helper_global_default", helper_global_default, (_u(4), 0.2), (0, 1),
         ("helper", "global")),
    Case("helper_array_arg", helper_array_arg, (_u(4), _u(3, 4)), (0, 1), ("helper", "global")),
    Case("helper_rnn_cell", helper_rnn_cell, (_u(2, 2), _u(2, 3), _u(3, 3)), (0, 1, 2),
         ("helper", "loop")),

    # --- free variables
    Case("global_array", global_array, (_u(4),), 0, ("global", "hypothesis")),
    Case("global_scalar", global_scalar, (_u(3),), 0, ("global",)),
    Case("global_math_pi", global_math_pi, (_u(3),), 0, ("global",)),
    Case("closure_scaled", closure_scaled, (_u(3),), 0, ("closure",)),
    Case("closure_affine", closure_affine, (_u(3),), 0, ("closure",)),
    Case("closure_composed", closure_composed, (_u(3),), 0, ("closure", "helper", "loop")),

    # --- stop_gradient (compared with grad_ref, not finite differences)
    Case("stopgrad_product", stopgrad_product, (_u(3),), 0, ("stop_gradient",),
         _ref_stopgrad_product),
    Case("stopgrad_straight_through", stopgrad_straight_through, (_u(3),), 0,
         ("stop_gradient",), _ref_stopgrad_straight_through),
    Case("stopgrad_scale", stopgrad_scale, (_u(3),), 0, ("stop_gradient",),
         _ref_stopgrad_scale),
    Case("stopgrad_branch", stopgrad_branch, (_u(3), _u(3)), (0, 1), ("stop_gradient",),
         _ref_stopgrad_branch),

    # --- activity
    Case("activity_fn", activity_fn, (_u(3), _u(3)), 0, ("activity",)),

    # --- idioms
    Case("mlp_loss", mlp_loss,
         (_u(3, 5), _u(5), _u(5, 3), _u(3), _u(4, 3), _Y_ONEHOT.copy()), (0, 1, 2, 3),
         ("idiom", "broadcast", "kwargs")),
    Case("logistic_loss", logistic_loss,
         (_u(3), 0.1, _u(6, 3), np.array([1.0, -1.0, 1.0, 1.0, -1.0, -1.0])), (0, 1),
         ("idiom",)),
    Case("rnn_loss", rnn_loss, (_u(3, 3) * 0.5, _u(3, 2), _u(4, 2)), (0, 1, 2),
         ("idiom", "loop", "subscript")),
    Case("euler_ode", euler_ode, (_u(3), 0.8, 5), (0, 1), ("idiom", "loop", "int-arg")),
    Case("horner", horner, (_u(4), 0.7), (0, 1), ("idiom", "loop", "hypothesis")),
    Case("horner_vector", horner_vector, (_u(4), _u(3)), (0, 1), ("idiom", "loop", "subscript")),
    Case("running_max", running_max, (np.array([0.3, 1.1, -0.4, 1.6, 0.9]),), 0,
         ("idiom", "loop", "branch")),
    Case("logsumexp", logsumexp, (_u(5) * 3.0,), 0, ("idiom", "hypothesis")),
    Case("logsumexp_loop", logsumexp_loop, (_u(5) * 3.0,), 0, ("idiom", "loop")),
    Case("softmax_weighted", softmax_weighted, (_u(4), _u(4)), (0, 1), ("idiom",)),
    Case("newton_sqrt", newton_sqrt, (1.7,), 0, ("idiom", "loop")),
    Case("power_iteration", power_iteration,
         (np.array([[2.0, 0.3, 0.1], [0.3, 1.0, 0.2], [0.1, 0.2, 0.5]]), _pos(3)), (0, 1),
         ("idiom", "loop", "matmul")),
    Case("gaussian_nll", gaussian_nll, (0.2, -0.3, _u(5)), (0, 1, 2), ("idiom", "broadcast")),
    Case("kl_logits", kl_logits, (_u(4), _u(4)), (0, 1), ("idiom",)),
    Case("ridge_loss", ridge_loss, (_u(3), _u(5, 3), _u(5), 0.1), (0, 3), ("idiom", "matmul")),
    Case("cumulative_product", cumulative_product, (_pos(4),), 0, ("idiom", "loop", "list")),
    Case("pairwise_energy", bubble_pass_free, (np.array([0.1, 0.9, -0.5, 0.4]),), 0,
         ("idiom", "loop", "nested")),
    Case("rbf_kernel_sum", rbf_kernel_sum, (_u(3, 2), 0.7), (0, 1), ("idiom", "broadcast")),
    Case("attention_scalar", attention_scalar, (_u(2, 3), _u(4, 3), _u(4, 2)), (0, 1, 2),
         ("idiom", "matmul", "kwargs")),
    Case("batchnorm_like", batchnorm_like, (_u(4, 3), _pos(3), _u(3)), (0, 1, 2),
         ("idiom", "broadcast")),
    Case("simpson_integral", simpson_integral, (0.9, 6), 0, ("idiom", "loop", "ifexp")),

    # --- np.linalg's decompositions (tuple wrt: their helpers have no second-order rules yet)
    Case("spectral_energy", spectral_energy, (_u(3, 3), np.array([0.1, 1.0, 2.5])), (0, 1), ("linalg", "matmul")),
    # single wrt: cholesky, solve and slogdet have second-order rules, so the Hessian tests cover it
    Case("gaussian_logpdf_chol", gaussian_logpdf_chol, (_u(3, 3), _u(3)), 0, ("linalg", "matmul")),
    Case("lowrank_fit", lowrank_fit, (np.diag([3.0, 2.0, 1.0, 0.5])[:, :3] + 0.1 * _u(4, 3), _u(4, 3)), (0, 1),
         ("linalg", "matmul")),
    Case("qr_least_squares", qr_least_squares, (_u(5, 3) + np.eye(5, 3), _u(5)), (0, 1), ("linalg", "matmul")),
    Case("chain_products", chain_products, (0.5 * _u(3, 2), 0.5 * _u(2, 2), _u(3)), (0, 1, 2),
         ("linalg", "matmul")),
    # --- programs from outside (issue 15)
    Case("rebinds_iterated", rebinds_iterated, (np.array([0.5, 0.7, 0.9, 1.1]),), 0, ("loop", "outside")),
    Case("self_assign", self_assign, (1.3,), 0, ("outside",)),
    Case("self_assign_in_branch", self_assign_in_branch, (1.3,), 0, ("branch", "outside")),
    Case("slice_write_itself", slice_write_itself, (np.array([0.5, -0.7, 0.9, 1.1]),), 0, ("write", "outside")),
    Case("r_join", r_join, (np.array([0.3, -0.8, 1.2]),), 0, ("numpy", "outside")),
    Case("c_join", c_join, (np.array([0.3, -0.8, 1.2]),), 0, ("numpy", "outside")),
    Case("chained_assign", chained_assign, (0.7, -1.3), (0, 1), ("outside",)),
    Case("write_after_copy", write_after_copy, (np.array([0.5, -0.7, 0.9, 1.1]),), 0, ("write", "outside")),
    Case("alias_of_float", alias_of_float, (0.8,), 0, ("outside",)),
    Case("negative_constant_power", negative_constant_power, (0.8,), 0, ("outside",)),
    Case("scalar_spread_then_summed", scalar_spread_then_summed, (0.7, np.array([[0.3, -0.2], [0.5, 0.1]])), 0,
         ("outside", "broadcast")),
    Case("bitwise_masks", bitwise_masks, (np.array([0.3, -0.7, 0.6, 1.2]),), 0, ("outside", "branch")),
    # found by the fuzzer: a where in a loop (its condition comes back from a stack in the gradient, so
    # the Hessian was refused), a column write before a rebinding (a wrong Hessian), writes from
    # overlapping rows that NumPy copies as if copied first
    Case("where_in_loop", where_in_loop, (np.array([0.2, 0.6, -0.4]),), 0, ("loop", "outside")),
    Case("column_write_then_rebound", column_write_then_rebound, (np.array([0.3, -0.5, 0.8]),), 0,
         ("write", "outside")),
    Case("write_from_rows", write_from_rows, (np.array([0.3, -0.5, 0.8]),), 0, ("write", "outside")),
    # the adjoint of np.cos(y.T) reads the view y.T, which the later write into y changes
    Case("write_after_transposed_read", write_after_transposed_read, (np.array([0.3, -0.5, 0.8]),), 0,
         ("write", "outside")),
    # a list indexed from its end while it grows (its adjoint kept the popped positions: lst[-1] was
    # another entry there), and a checkpointed loop writing into the array a view before the loop reads
    # (the reverse sweep ended on a copy, and the view's adjoint read the loop's last values)
    Case("list_read_from_end", list_read_from_end, (np.array([0.3, 0.7, 0.5]),), 0, ("loop", "list", "outside")),
    Case("loop_writes_into_a_viewed_array", loop_writes_into_a_viewed_array, (np.array([0.3, 0.7, 0.5]),), 0,
         ("loop", "write", "outside")),
    # --- NumPy coverage (issue 6)
    Case("guarded_log_likelihood", guarded_log_likelihood, (np.array([0.4, -0.6, 1.3, -0.2, 0.8]),), 0,
         ("numpy", "off_domain")),
    Case("split_and_pad", split_and_pad, (np.array([0.3, -0.8, 0.6, 1.4, -0.2, 0.9]),), 0, ("numpy", "list")),
    Case("piecewise_select", piecewise_select, (np.array([0.9, -0.2, 0.3, -0.8, 0.1]),), 0, ("numpy",)),
    Case("weighted_stats", weighted_stats, (_u(3, 4), _pos(3)), (0, 1), ("numpy", "broadcast")),
    Case("signal_chain", signal_chain, (_u(5), _u(3), _u(3)), (0, 1, 2), ("numpy",)),
    Case("nondifferentiable_helpers", nondifferentiable_helpers, (np.array([0.33, -0.71, 0.12, 0.87, -0.24]),), 0,
         ("numpy", "nondiff")),
    # the same wrt a alone: multi_dot and matrix_power have second-order rules, so the Hessian tests cover it
    Case("chain_products_in_a", chain_products, (0.5 * _u(3, 2), 0.5 * _u(2, 2), _u(3)), 0, ("linalg", "matmul")),
    # --- zero adjoints of values nothing reads, reaching the runtime helpers (issue 15)
    Case("zero_adjoint_matmul", zero_adjoint_matmul, (_u(3, 3), _u(3)), (0, 1), ("zero_adjoint", "matmul", "loop")),
    Case("zero_adjoint_products", zero_adjoint_products, (_u(3, 3), _u(3)), (0, 1), ("zero_adjoint", "linalg", "loop")),
    Case("zero_adjoint_shapes", zero_adjoint_shapes, (_u(6),), 0, ("zero_adjoint", "numpy", "loop")),
    Case("zero_adjoint_reductions", zero_adjoint_reductions, (_u(6),), 0, ("zero_adjoint", "numpy", "loop")),
    Case("zero_adjoint_transpose", zero_adjoint_transpose, (_u(3, 3),), 0, ("zero_adjoint", "loop", "list")),
    Case("zero_adjoint_unused_argument", zero_adjoint_unused_argument, (_u(6), _u(3)), (0, 1),
         ("zero_adjoint", "call")),
]

# --- issue 17: parameters in dicts, dataclasses, named tuples and objects (the programs people write);
# before the SciPy cases, so that their arguments are the same with and without SciPy
@dataclass
class WaveParams:
    """A dataclass of parameters with entries that are not floats (they get None in the gradient)."""
    amp: float
    freq: float
    phase: np.ndarray
    label: str = "wave"
    harmonics: int = 2


class Layer:
    """A plain object whose attributes a function reads."""

    def __init__(self, w, b):
        self.w = w
        self.b = b
        self.name = "dense"


Pair = __import__("collections").namedtuple("Pair", "scale shift")


def dict_mlp(params, x):
    h = np.tanh(x @ params["W1"] + params["b1"])
    return np.sum((h @ params["W2"]) ** 2) * params["scale"]


def dataclass_wave(p, t):
    y = p.amp * np.sin(p.freq * t + p.phase)
    return np.sum(y * y) * p.harmonics


def namedtuple_fields(p, x):
    return np.sum(np.exp(p.scale * x + p[1])) + p.scale * p.shift


def object_attrs(layer, x):
    return np.sum(np.tanh(x @ layer.w + layer.b) ** 2)


def nested_layers(params, x):
    h = x
    for layer in params["layers"]:
        h = np.tanh(h @ layer["W"] + layer["b"])
    return np.sum(h * h) * params["out"].scale + params["out"].shift


CASES += [
    Case("dict_mlp", dict_mlp, ({"W1": 0.5 * _u(3, 4), "b1": _u(4), "W2": 0.5 * _u(4, 2), "scale": _pos(),
                                 "act": "tanh", "depth": 2}, _u(5, 3)), 0, ("container", "dict")),
    Case("dict_mlp_both", dict_mlp, ({"W1": 0.5 * _u(3, 4), "b1": _u(4), "W2": 0.5 * _u(4, 2), "scale": _pos()},
                                     _u(5, 3)), (0, 1), ("container", "dict")),
    Case("dataclass_wave", dataclass_wave, (WaveParams(_pos(), _u(), _u(3)), _u(3)), 0, ("container", "dataclass")),
    Case("namedtuple_fields", namedtuple_fields, (Pair(_u(), _u()), _u(4)), 0, ("container", "namedtuple")),
    Case("object_attrs", object_attrs, (Layer(0.5 * _u(3, 2), _u(2)), _u(4, 3)), 0, ("container", "object")),
    Case("nested_layers", nested_layers, ({"layers": [{"W": 0.5 * _u(3, 3), "b": _u(3)},
                                                      {"W": 0.5 * _u(3, 2), "b": _u(2)}],
                                           "out": Pair(_pos(), _u())}, _u(4, 3)), 0,
         ("container", "dict", "namedtuple", "loop")),
]
# --- end of issue 17

# --- issue 17: functions defined inside the function (nested def, lambda, closures), inlined by s2s;
# their arguments come from a generator of their own, so that the cases below keep theirs
_local_rng = np.random.default_rng(17)


def _lu(*shape, lo=-1.0, hi=1.0):
    return _local_rng.uniform(lo, hi, size=shape) if shape else float(_local_rng.uniform(lo, hi))


def _integrate(g, x, n=3):
    """A helper of the user's module that takes a function."""
    s = 0.0
    for k in range(n):
        s = s + g(x * (k + 1)) / n
    return s


def _apply_twice(g, x):
    return g(g(x))


def local_def_closure(x, w):
    k = 2.0

    def energy(t, scale=0.5):
        u = np.sin(t * w)
        return np.sum(u * u) * scale + k

    return energy(x) + energy(x * 2.0, scale=k)


def local_lambda(x):
    sq = lambda v: v * v  # noqa: E731 (the construct under test)
    return np.sum(sq(x) + np.exp(sq(x[0])))


def lambda_to_helper(x, a):
    return _integrate(lambda t: np.sum(np.tanh(a * t)), x)


def local_def_to_helper(x, c):
    def step(v):
        return np.sin(v) * c + v

    return np.sum(_apply_twice(step, x)) + _integrate(step, x, n=2)[0]


def local_def_early_return(x):
    def pick(v):
        if np.sum(v) > 0.0:
            return v * 2.0
        return -v

    return np.sum(pick(x) ** 2) + np.sum(pick(-x) ** 3)


def local_def_late_binding(x):
    total = 0.0
    for i in range(3):
        scale = i + 1.0

        def term(v):
            return np.sum(np.cos(v * scale))  # reads scale when called, as Python does

        total = total + term(x) * x[i]
    return total


def local_def_calls_local(x):
    offset = 0.5

    def inner(v, c=offset):  # the default is the value offset has when the def runs
        return np.exp(v * c)

    offset = 3.0

    def outer(v):
        return inner(v) * offset + inner(v, c=0.1)

    return np.sum(outer(x) * x)


def local_def_own_loop(x):
    def norm2(v):
        s = 0.0
        for e in v:
            s += e * e
        return s

    def clipped(v, bound):
        for e in v:
            if e > bound:
                return bound * 1.0
        return np.sum(v)

    return norm2(x) * np.sin(norm2(x * 0.5)) + clipped(x, 10.0)


def lambda_called_inline(x):
    return np.sum((lambda y: y * y)(x) + x)


def _oscillator(y, k):
    return np.array([y[1], -k * y[0]])


def _rk4(f, y, k, dt):
    a = f(y, k)
    b = f(y + 0.5 * dt * a, k)
    c = f(y + 0.5 * dt * b, k)
    d = f(y + dt * c, k)
    return y + dt / 6.0 * (a + 2.0 * b + 2.0 * c + d)


def _steps(f, y, k, n):
    for i in range(n):
        y = _rk4(f, y, k, 0.05)  # passes its function on
    return y


def function_by_name_rk4(y0, k):
    y = _steps(_oscillator, y0, k, 4)
    return y[0] ** 2 + y[1]


def ufunc_by_name(x):
    return np.sum(_apply_twice(np.sin, x) + _integrate(np.tanh, x))


def math_function_by_name(x):
    return _apply_twice(math.tanh, x) * _apply_twice(math.cos, x)


CASES += [
    Case("function_by_name_rk4", function_by_name_rk4, (_lu(2), _lu(lo=0.5, hi=2.0)), (0, 1),
         ("function-argument", "helper", "loop")),
    Case("ufunc_by_name", ufunc_by_name, (_lu(3),), 0, ("function-argument", "helper", "loop")),
    Case("math_function_by_name", math_function_by_name, (_lu(),), 0, ("function-argument", "helper", "scalar")),
    Case("local_def_closure", local_def_closure, (_lu(3), _lu(3)), (0, 1), ("local-function", "closure")),
    Case("local_lambda", local_lambda, (_lu(3),), 0, ("local-function", "lambda")),
    Case("lambda_to_helper", lambda_to_helper, (_lu(3), _lu()), (0, 1),
         ("local-function", "lambda", "helper", "loop")),
    Case("local_def_to_helper", local_def_to_helper, (_lu(3), _lu()), (0, 1),
         ("local-function", "closure", "helper", "loop")),
    Case("local_def_early_return", local_def_early_return, (np.array([0.4, -0.2, 0.7]),), 0,
         ("local-function", "branch", "return")),
    Case("local_def_late_binding", local_def_late_binding, (_lu(3),), 0, ("local-function", "closure", "loop")),
    Case("local_def_calls_local", local_def_calls_local, (_lu(3),), 0, ("local-function", "closure")),
    Case("local_def_own_loop", local_def_own_loop, (_lu(4),), 0, ("local-function", "loop", "return")),
    Case("lambda_called_inline", lambda_called_inline, (_lu(3),), 0, ("local-function", "lambda")),
]
# --- end of the functions defined inside the function

# --- issue 17: with blocks, loop else, enumerate/zip forms, list()/tuple() calls


def with_errstate(x):
    with np.errstate(divide="ignore", invalid="ignore"):
        y = np.log(x) * x
    return np.sum(y)


def with_errstate_inner_break(x):
    with np.errstate(invalid="ignore"):
        s = 0.0
        for v in x:  # the break leaves this loop, not the block
            if v > 0.6:
                break
            s = s + np.sqrt(v) * v
    return s


def with_errstate_local_return(x):
    with np.errstate(divide="ignore"):
        def scaled(k):
            return np.log(k) * k  # returns from scaled, not from the block
        y = scaled(x)
    return np.sum(y)


def with_suppress(x):
    with contextlib.suppress(ValueError):
        x = x * 2.0
    return np.sum(x)


def for_else_breaks(x):
    s = 0.0
    for v in x:
        s = s + np.sin(v)
        if v > 0.5:
            break
    else:
        s = s * 3.0
    return s * x[0]


def while_else(x):
    k = 0
    s = 0.0
    while k < 3:
        s = s + x[k] ** 2
        k += 1
    else:
        s = s + np.sum(x)
    return s


def enumerate_zip_start(x, y):
    s = 0.0
    for i, (a, b) in enumerate(zip(x, y[1:]), start=1):
        s = s + a * b / i
    return s


def zip_of_enumerate(x, y):
    s = 0.0
    for (i, a), (b, c) in zip(enumerate(x, 2), zip(y, range(5))):
        s = s + i * a * np.cos(b) + c * a
    return s


def tuple_list_calls(x):
    t = tuple(x)
    rows = list(x * 2.0)
    pair = tuple([x[0], x[1] ** 2])
    return t[0] * rows[1] + sum(pair) + sum(list(t))


CASES += [
    Case("with_errstate", with_errstate, (_lu(3) + 1.5,), 0, ("with",)),
    Case("with_errstate_inner_break", with_errstate_inner_break, (np.array([0.3, 0.5, 0.8, 0.4]),), 0,
         ("with", "loop", "break")),
    Case("with_errstate_local_return", with_errstate_local_return, (_lu(3) + 1.5,), 0, ("with", "local-function")),
    Case("with_suppress", with_suppress, (_lu(3),), 0, ("with", "unsupported")),
    Case("for_else_breaks", for_else_breaks, (np.array([0.2, -0.3, 0.9, 0.1]),), 0, ("loop", "for-else", "break")),
    Case("while_else", while_else, (_lu(4),), 0, ("while", "for-else")),
    Case("enumerate_zip_start", enumerate_zip_start, (_lu(3), _lu(4)), (0, 1), ("loop", "enumerate", "zip")),
    Case("zip_of_enumerate", zip_of_enumerate, (_lu(4), _lu(3)), (0, 1), ("loop", "enumerate", "zip")),
    Case("tuple_list_calls", tuple_list_calls, (_lu(3),), 0, ("tuple", "list", "comprehension")),
]
# --- end of with blocks and loop forms

# --- issue 17: dicts inside the function: get, items/values/keys loops, a new entry in a copy


def dict_get(params, x):
    w = params.get("w")
    return np.sum(np.tanh(w * x)) + params.get("b", 0.0) * params.get("missing", 2.0)


def dict_items_loop(params, x):
    s = 0.0
    for name, value in params.items():
        s = s + np.sum(np.sin(value * x)) * len(name)
    for value in params.values():
        s = s + np.sum(value) ** 2
    for name in params.keys():
        s = s + np.sum(params[name] * x)
    return s


def dict_new_entry(params, x):
    local = params.copy()
    local["hidden"] = np.tanh(x * params["w"])
    local["w"] = local["w"] * 2.0
    return np.sum(local["hidden"] * local["w"]) + local["b"]


_DICT_ARGS = {"w": _lu(3), "b": _lu()}

CASES += [
    Case("dict_get", dict_get, (dict(_DICT_ARGS), _lu(3)), (0, 1), ("container", "dict", "method")),
    Case("dict_items_loop", dict_items_loop, ({"w": _lu(3), "bb": _lu(3)}, _lu(3)), (0, 1),
         ("container", "dict", "loop")),
    Case("dict_new_entry", dict_new_entry, (dict(_DICT_ARGS), _lu(3)), (0, 1), ("container", "dict", "write")),
]


def dict_built(params, x):
    h = {"z": x * params["w"], "y": np.sin(x)}
    copied = dict(h)
    copied["z"] = copied["z"] * 2.0
    scaled = dict(a=h["z"], b=h["y"] * params["b"])
    s = 0.0
    for key, value in scaled.items():
        s = s + np.sum(value * value)
    return s + np.sum(copied.get("z") * h["z"]) * copied.get("q", 1.5)


def _dict_layer(layer, x):
    return np.tanh(x @ layer["W"] + layer["b"])


def dict_built_loop(params, x):
    state = {"h": x, "total": 0.0}
    for i in range(3):
        h = _dict_layer({"W": params["W"] * (i + 1.0), "b": params["b"]}, state["h"])
        state = {"h": h, "total": state["total"] + np.sum(h ** 2)}
    return state["total"]


CASES += [
    Case("dict_built", dict_built, (dict(_DICT_ARGS), _lu(3)), (0, 1), ("container", "dict", "write")),
    Case("dict_built_loop", dict_built_loop, ({"W": 0.5 * _lu(3, 3), "b": _lu(3)}, _lu(2, 3)), (0, 1),
         ("container", "dict", "loop")),
]
# --- end of dicts inside the function
# --- the missing rules of issue 17 (tests/rules_issue17.py has one row per rule)
def einsum_sublist_loop(a, b):
    out = 0.0
    for i in range(3):
        out = out + np.sum(np.tanh(np.einsum(a * (i + 1.0), [0, 1], b, [1, 2], [0, 2])))
    return out + np.sum(np.rollaxis(np.gradient(a, 0.5, axis=1), 1) ** 2)


def gaussian_fit_loop(x, mu, log_s):
    total = 0.0
    for i in range(x.shape[0]):
        total = total + np.sum(st.norm.logpdf(x[i], mu, np.exp(log_s)))
    return total + np.sum(st.t.logcdf(x[0] - mu, 4.0)) + np.sum(sp.gammainc(2.5, x[1] * x[1]))


CASES += [Case("einsum_sublist_loop", einsum_sublist_loop, (_u(3, 4), _u(4, 2)), (0, 1), ("loop", "linalg"))]

if sp is not None:
    CASES += [
        Case("mixture_loglik", mixture_loglik, (_u(3), _u(4) + 1.0), (0, 1), ("scipy", "broadcast")),
        Case("beta_binomial", beta_binomial, (_pos(3), _pos(3)), (0, 1), ("scipy", "broadcast")),
        # the scipy rows draw their arguments last: without scipy the table draws the same values
        Case("gaussian_fit_loop", gaussian_fit_loop, (_u(3, 4), _u(4), 0.1 * _u(4)), (0, 1, 2),
             ("scipy", "loop", "broadcast")),
    ]

BY_NAME = {case.name: case for case in CASES}
assert len(BY_NAME) == len(CASES), "duplicate case names"


def cases(*tags, exclude=()):
    """Cases carrying every tag in ``tags`` and none in ``exclude``."""
    return [c for c in CASES
            if all(t in c.tags for t in tags) and not any(t in c.tags for t in exclude)]

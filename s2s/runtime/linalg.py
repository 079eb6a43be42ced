"""Helpers of products and norms: matmul, dot, inner, tensordot, einsum, kron, trace,
diagonal, norm, det, solve, matrix_power, multi_dot and the vector products.
"""
import numpy as np

from s2s.runtime.core import chunks_of, is_complex_dtype, is_zero, float_dtype, unbroadcast, unreduce, zeros_like
from s2s.runtime.elementwise import safe_divide


def matmul_grad1(g, x1, x2):
    """Adjoint of ``x1`` in ``x1 @ x2`` (1-D operands and batch broadcasting included)."""
    if is_zero(g):     # the adjoint of a value nothing read (a loop's overwritten value, an unused result)
        return zeros_like(x1)
    x1, x2, g = np.asarray(x1), np.asarray(x2), np.asarray(g)
    if x2.ndim == 1:
        return g * x2 if x1.ndim == 1 else unbroadcast(g[..., :, None] * x2, x1)
    if x1.ndim == 1:
        return unbroadcast(np.matmul(x2, g[..., :, None])[..., 0], x1)
    return unbroadcast(np.matmul(g, np.swapaxes(x2, -1, -2)), x1)


def matmul_grad2(g, x1, x2):
    """Adjoint of ``x2`` in ``x1 @ x2`` (1-D operands and batch broadcasting included)."""
    if is_zero(g):
        return zeros_like(x2)
    x1, x2, g = np.asarray(x1), np.asarray(x2), np.asarray(g)
    if x1.ndim == 1:
        return g * x1 if x2.ndim == 1 else unbroadcast(x1[:, None] * g[..., None, :], x2)
    if x2.ndim == 1:
        if g.ndim == 1 and x1.ndim == 2 and chunks_of(x1) is not None:  # Dask: its tensordot beats matmul
            return np.tensordot(g, x1, axes=1)
        return unbroadcast(np.matmul(g[..., None, :], x1)[..., 0, :], x2)
    return unbroadcast(np.matmul(np.swapaxes(x1, -1, -2), g), x2)


def dot_grad1(g, a, b):
    """Adjoint of ``a`` in ``np.dot(a, b)``."""
    if is_zero(g):
        return zeros_like(a)
    a, b, g = np.asarray(a), np.asarray(b), np.asarray(g)
    if a.ndim == 0 or b.ndim == 0:
        return unbroadcast(g * b, a)
    if b.ndim == 1:
        return np.multiply.outer(g, b)
    return np.tensordot(g, b, axes=(list(range(a.ndim - 1, g.ndim)), list(range(b.ndim - 2)) + [b.ndim - 1]))


def dot_grad2(g, a, b):
    """Adjoint of ``b`` in ``np.dot(a, b)``."""
    if is_zero(g):
        return zeros_like(b)
    a, b, g = np.asarray(a), np.asarray(b), np.asarray(g)
    if a.ndim == 0 or b.ndim == 0:
        return unbroadcast(g * a, b)
    lead = list(range(a.ndim - 1))
    if b.ndim == 1:
        return np.tensordot(g, a, axes=(lead, lead))
    return np.moveaxis(np.tensordot(a, g, axes=(lead, lead)), 0, -2)


def inner_grad1(g, a, b):
    """Adjoint of ``a`` in ``np.inner(a, b)``."""
    if is_zero(g):
        return zeros_like(a)
    a, b, g = np.asarray(a), np.asarray(b), np.asarray(g)
    if a.ndim == 0 or b.ndim == 0:
        return unbroadcast(g * b, a)
    return np.tensordot(g, b, axes=(list(range(a.ndim - 1, g.ndim)), list(range(b.ndim - 1))))


def inner_grad2(g, a, b):
    """Adjoint of ``b`` in ``np.inner(a, b)``."""
    if is_zero(g):
        return zeros_like(b)
    a, b, g = np.asarray(a), np.asarray(b), np.asarray(g)
    if a.ndim == 0 or b.ndim == 0:
        return unbroadcast(g * a, b)
    lead = list(range(a.ndim - 1))
    return np.tensordot(g, a, axes=(lead, lead))


def _tensordot_axes(axes, a_ndim, b_ndim):
    if isinstance(axes, (int, np.integer)):
        return list(range(a_ndim - axes, a_ndim)), list(range(axes))
    axes_a, axes_b = axes
    axes_a = [axes_a] if isinstance(axes_a, (int, np.integer)) else list(axes_a)
    axes_b = [axes_b] if isinstance(axes_b, (int, np.integer)) else list(axes_b)
    return [int(i) % a_ndim for i in axes_a], [int(i) % b_ndim for i in axes_b]


def tensordot_grad1(g, a, b, axes=2):
    """Adjoint of ``a`` in ``np.tensordot(a, b, axes)``."""
    a, b = np.asarray(a), np.asarray(b)
    axes_a, axes_b = _tensordot_axes(axes, a.ndim, b.ndim)
    free_a = [i for i in range(a.ndim) if i not in axes_a]
    free_b = [i for i in range(b.ndim) if i not in axes_b]
    r = np.tensordot(g, b, axes=(list(range(len(free_a), len(free_a) + len(free_b))), free_b))
    # r's axes: the free axes of a, then a's partners of b's contracted axes in b's order.
    order = free_a + [axes_a[axes_b.index(j)] for j in sorted(axes_b)]
    return np.transpose(r, [order.index(i) for i in range(a.ndim)])


def tensordot_grad2(g, a, b, axes=2):
    """Adjoint of ``b`` in ``np.tensordot(a, b, axes)``."""
    a, b = np.asarray(a), np.asarray(b)
    axes_a, axes_b = _tensordot_axes(axes, a.ndim, b.ndim)
    free_a = [i for i in range(a.ndim) if i not in axes_a]
    free_b = [i for i in range(b.ndim) if i not in axes_b]
    r = np.tensordot(a, g, axes=(free_a, list(range(len(free_a)))))
    order = [axes_b[axes_a.index(i)] for i in sorted(axes_a)] + free_b
    return np.transpose(r, [order.index(i) for i in range(b.ndim)])


def trace_grad(g, a, offset=0, axis1=0, axis2=1):
    """Adjoint of ``a`` in ``np.trace``: ``g`` on the traced diagonal, 0 elsewhere."""
    a = np.asarray(a)
    eye = np.eye(a.shape[axis1], a.shape[axis2], k=offset, dtype=np.result_type(g, float_dtype(a)))
    full = np.asarray(g)[..., None, None] * eye
    return np.moveaxis(full, (-2, -1), (axis1 % a.ndim, axis2 % a.ndim))


def diagonal_grad(g, a, offset=0, axis1=0, axis2=1):
    """Adjoint of ``a`` in ``np.diagonal``: ``g`` scattered back onto the diagonal."""
    a = np.asarray(a)
    axis1, axis2 = axis1 % a.ndim, axis2 % a.ndim
    rest = [n for i, n in enumerate(a.shape) if i not in (axis1, axis2)]
    out = np.zeros(rest + [a.shape[axis1], a.shape[axis2]], dtype=np.result_type(g, float_dtype(a)))
    k = np.shape(g)[-1]
    rows = np.arange(k) + max(-offset, 0)
    cols = np.arange(k) + max(offset, 0)
    out[..., rows, cols] = g
    return np.moveaxis(out, (-2, -1), (axis1, axis2))


def diag_grad(g, v, k=0):
    """Adjoint of ``v`` in ``np.diag(v, k)`` (builds a matrix or extracts a diagonal)."""
    if np.ndim(v) == 1:
        return np.copy(np.diagonal(g, k))
    return diagonal_grad(g, v, k)


def norm_grad(g, x, ans, ord=None, axis=None, keepdims=False):
    """Adjoint of ``x`` in ``np.linalg.norm`` (every vector and matrix ``ord``).

    At a kink (the zero vector, ties) it picks the subgradient of smallest
    norm instead of producing NaN. For complex ``x`` the conjugate of the real
    formula (``np.sign(x)`` is ``x / |x|``), with the real part of ``g``.
    """
    x = np.asarray(x)
    if is_complex_dtype(x.dtype):
        return np.conjugate(_norm_grad(np.real(g), x, ans, ord, axis, keepdims))
    return _norm_grad(g, x, ans, ord, axis, keepdims)


def _norm_grad(g, x, ans, ord, axis, keepdims):
    axes = norm_axes(x.ndim, ord, axis)
    if ord is None or ord == "fro" or (ord == 2 and len(axes) == 1):
        return safe_divide(unreduce(g, x, axis, keepdims) * x, unreduce(ans, x, axis, keepdims))
    if len(axes) == 1:
        return unreduced_norm_grad(unreduce(g, x, axis, keepdims), x, unreduce(ans, x, axis, keepdims), ord, axes[0])
    # Matrix norms: move the two axes last and work on a stack of matrices.
    xm = np.moveaxis(x, axes, (-2, -1))
    gm = np.squeeze(g, axis=axes) if keepdims else np.asarray(g)
    if ord == "nuc":
        u, _, vh = np.linalg.svd(xm, full_matrices=False)
        d = np.matmul(u, vh)
    elif ord in (2, -2):
        u, _, vh = np.linalg.svd(xm, full_matrices=False)
        i = slice(0, 1) if ord == 2 else slice(-1, None)
        d = u[..., :, i] * vh[..., i, :]
    else:
        # ord 1/-1: the largest/smallest column sum; inf/-inf: row sum.
        summed, across = (-2, -1) if ord in (1, -1) else (-1, -2)
        sums = np.sum(np.abs(xm), axis=summed, keepdims=True)
        pick = np.max if ord in (1, np.inf) else np.min
        mask = sums == pick(sums, axis=across, keepdims=True)
        d = np.sign(xm) * (mask / np.sum(mask, axis=across, keepdims=True))
    return np.moveaxis(np.asarray(gm)[..., None, None] * d, (-2, -1), axes)


def norm_axes(ndim, ord, axis):
    """The axes ``np.linalg.norm(x, ord, axis)`` reduces, non-negative."""
    if axis is None:
        return tuple(range(ndim)) if ord is None or ndim == 1 else (0, 1)
    return tuple(int(a) % ndim for a in (axis if isinstance(axis, (tuple, list)) else (axis,)))


def norm_jvp(t, x, ans, ord=None, axis=None, keepdims=False):
    """Tangent of ``np.linalg.norm`` along ``t`` (the subgradient ``norm_grad`` picks at kinks)."""
    d = norm_grad(np.ones_like(ans), x, ans, ord, axis, keepdims)
    out = np.sum(d * t, axis=norm_axes(np.ndim(x), ord, axis), keepdims=keepdims)
    return np.real(out) if np.iscomplexobj(x) else out


def unreduced_norm_grad(g, x, ans, ord, axis):
    if ord == 0:
        return np.zeros_like(g * x)
    if ord == 1:
        return g * np.sign(x)
    if ord in (np.inf, -np.inf):
        mask = np.abs(x) == ans
        return g * np.sign(x) * (mask / np.sum(mask, axis=axis, keepdims=True))
    with np.errstate(divide="ignore", invalid="ignore"):  # 0 ** negative: replaced by 0 below
        scaled = np.where(x == 0, 0, np.sign(x) * np.abs(x) ** (ord - 1))
        scale = ans ** (ord - 1)
    return safe_divide(g * scaled, scale)


def det_grad(g, a, ans):
    """Adjoint of ``a`` in ``np.linalg.det``: ``g * det(a) * inv(a).T`` (adjugate if singular)."""
    a = np.asarray(a)
    scale = np.asarray(g * ans)[..., None, None]
    try:
        return scale * np.swapaxes(np.linalg.inv(a), -1, -2)
    except np.linalg.LinAlgError:
        # d det(a) / da = adj(a).T; from the SVD a = u s vh,
        # adj(a) = det(u) det(vh) vh.T diag(prod of the other s) u.T.
        u, s, vh = np.linalg.svd(a)
        others = np.stack([np.prod(np.delete(s, i, axis=-1), axis=-1) for i in range(s.shape[-1])], axis=-1)
        sign = np.linalg.det(u) * np.linalg.det(vh)
        adj_t = np.matmul(u * others[..., None, :], vh) * sign[..., None, None]
        return np.asarray(g)[..., None, None] * adj_t


def solve_grad2(g, a, b):
    """Adjoint of ``b`` in ``np.linalg.solve(a, b)``: ``solve(a.T, g)``."""
    a_t = np.swapaxes(a, -1, -2)
    if np.ndim(b) == 1:
        return np.linalg.solve(a_t, np.asarray(g)[..., None])[..., 0]
    return np.linalg.solve(a_t, g)


def solve_grad1(b_bar, b, ans):
    """Adjoint of ``a`` in ``ans = np.linalg.solve(a, b)``, given ``b_bar``: ``-b_bar ans.T``."""
    if np.ndim(b) == 1:
        return -np.asarray(b_bar)[..., :, None] * np.asarray(ans)[..., None, :]
    return -np.matmul(b_bar, np.swapaxes(ans, -1, -2))


def solve_jvp2(t, a, b):
    """Tangent of ``np.linalg.solve(a, b)`` along the tangent ``t`` of ``b``: ``solve(a, t)``."""
    if np.ndim(b) == 1:
        return np.linalg.solve(a, np.asarray(t)[..., None])[..., 0]
    return np.linalg.solve(a, t)


def solve_jvp1(t, a, b, ans):
    """Tangent of ``ans = np.linalg.solve(a, b)`` along the tangent ``t`` of ``a``: ``-solve(a, t ans)``."""
    return -solve_jvp2(solve_matmul(t, ans, b), a, b)


def solve_matmul(m, x, b):
    """``m @ x`` where ``x`` is shaped like the solution of ``np.linalg.solve(a, b)`` (vectors when ``b`` is 1-D)."""
    if np.ndim(b) == 1:
        return np.matmul(m, np.asarray(x)[..., None])[..., 0]
    return np.matmul(m, x)


def _einsum_terms(subscripts, shapes):
    """The operand terms and the output term of ``subscripts``, with ``...`` spelled out in letters."""
    subscripts = subscripts.replace(" ", "")
    inputs, arrow, output = subscripts.partition("->")
    terms = inputs.split(",")
    used = set(subscripts) - set(".,->")
    spare = [c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" if c not in used]
    n_ellipsis = max([len(s) - len(t.replace("...", "")) for t, s in zip(terms, shapes) if "..." in t] or [0])
    ellipsis = "".join(spare[:n_ellipsis])
    for k, (t, s) in enumerate(zip(terms, shapes)):
        if "..." in t:
            terms[k] = t.replace("...", ellipsis[n_ellipsis - (len(s) - len(t.replace("...", ""))):])
    if not arrow:
        letters = "".join(terms)
        output = ellipsis + "".join(sorted(c for c in set(letters) - set(ellipsis) if letters.count(c) == 1))
    return terms, output.replace("...", ellipsis)


def einsum_grad(g, subscripts, operands, i):
    """Adjoint of ``operands[i]`` in ``np.einsum(subscripts, *operands)`` (trailing Nones ignored).

    The adjoint is itself an einsum of ``g`` and the other operands. Letters
    that only operand ``i`` has (summed away) get a vector of ones, letters it
    repeats (diagonals) an identity matrix; broadcast size-1 axes are summed.
    """
    operands = [np.asarray(op) for op in operands if op is not None]
    if i >= len(operands):
        return None
    terms, output = _einsum_terms(subscripts, [op.shape for op in operands])
    x, term = operands[i], terms[i]
    sizes = {}
    for t, op in zip(terms, operands):
        for c, n in zip(t, op.shape):
            sizes[c] = max(sizes.get(c, 1), n)
    used = set("".join(terms) + output)
    spare = iter(c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" if c not in used)
    target, extra_terms, extra_ops = "", [], []
    for c in term:
        if c in target:  # a repeated letter: a fresh one, tied to c by an identity
            fresh = next(spare)
            extra_terms.append(c + fresh)
            extra_ops.append(np.eye(sizes[c]))
            c = fresh
        target += c
    others = [t for k, t in enumerate(terms) if k != i]
    present = set(output + "".join(others) + "".join(extra_terms))
    for c in dict.fromkeys(term):
        if c not in present:
            extra_terms.append(c)
            extra_ops.append(np.ones(sizes[c]))
    spec = ",".join([output] + others + extra_terms) + "->" + target
    ops = [g] + [op for k, op in enumerate(operands) if k != i] + extra_ops
    r = np.einsum(spec, *ops)
    if r.shape != x.shape:
        r = np.sum(r, axis=tuple(k for k, n in enumerate(x.shape) if n == 1 and r.shape[k] != 1), keepdims=True)
    return r


def einsum_jvp(t, subscripts, operands, i):
    """Tangent of ``np.einsum(subscripts, *operands)`` along ``t``, the tangent of ``operands[i]``."""
    operands = [op for op in operands if op is not None]
    if i >= len(operands):
        return 0.0
    return np.einsum(subscripts, *(operands[:i] + [t] + operands[i + 1:]))


def swap_last_axes(a):
    return np.swapaxes(a, -1, -2)


def eye_like(a):
    return np.eye(np.shape(a)[-1], dtype=float_dtype(a))


def matrix_powers(a, n):
    """``[a^0, a^1, ..., a^(|n|-1)]`` of ``a`` (of ``inv(a)`` when ``n < 0``)."""
    base = np.linalg.inv(a) if n < 0 else np.asarray(a)
    out = [np.broadcast_to(eye_like(base), base.shape)]
    for _ in range(abs(int(n)) - 1):
        out.append(out[-1] @ base)
    return base, out


def matrix_power_grad(g, a, n):
    """Adjoint of ``a`` in ``np.linalg.matrix_power(a, n)``: ``sum_k (a^T)^k g (a^T)^(n-1-k)``."""
    base, p = matrix_powers(a, n)
    k = len(p)
    bar = sum(swap_last_axes(p[i]) @ g @ swap_last_axes(p[k - 1 - i]) for i in range(k)) if n else np.zeros_like(g * 1.0)
    if n < 0:  # base = inv(a): chain through inv
        bar = -swap_last_axes(base) @ bar @ swap_last_axes(base)
    return bar


def matrix_power_jvp(t, a, n):
    """Tangent of ``np.linalg.matrix_power(a, n)`` along ``t``."""
    base, p = matrix_powers(a, n)
    if n < 0:
        t = -base @ t @ base
    k = len(p)
    return sum(p[i] @ t @ p[k - 1 - i] for i in range(k)) if n else np.zeros_like(t * 1.0)


def _as_chain(arrays):
    """multi_dot's operands as matrices: a 1-D first operand is a row, a 1-D last one a column."""
    mats = [np.asarray(x) for x in arrays]
    if mats[0].ndim == 1:
        mats[0] = mats[0][None, :]
    if mats[-1].ndim == 1:
        mats[-1] = mats[-1][:, None]
    return mats


def _chain(mats):
    out = mats[0]
    for m in mats[1:]:
        out = out @ m
    return out


def multi_dot_grad(g, arrays):
    """Adjoint of each of ``arrays`` in ``np.linalg.multi_dot(arrays)``: a list like ``arrays``."""
    mats = _as_chain(arrays)
    g = np.reshape(g, (mats[0].shape[0], mats[-1].shape[1]))
    out = []
    for i, x in enumerate(arrays):
        left = _chain(mats[:i]) if i else np.eye(mats[0].shape[0])
        right = _chain(mats[i + 1:]) if i < len(mats) - 1 else np.eye(mats[-1].shape[1])
        out.append(np.reshape(swap_last_axes(left) @ g @ swap_last_axes(right), np.shape(x)))
    return type(arrays)(out) if isinstance(arrays, (list, tuple)) else out


def multi_dot_jvp(t, arrays):
    """Tangent of ``np.linalg.multi_dot(arrays)`` along ``t``, a list of tangents like ``arrays``."""
    out = 0.0
    for i in range(len(arrays)):
        if is_zero(t[i]):
            continue
        out = out + np.linalg.multi_dot(list(arrays[:i]) + [t[i]] + list(arrays[i + 1:]))
    return out if not is_zero(out) else np.zeros(np.shape(np.linalg.multi_dot(arrays)))


def vecdot_grad(g, other, axis=-1):
    """Adjoint of one operand of ``np.vecdot(x1, x2, axis=axis)`` (real arrays), given the other operand."""
    return np.expand_dims(g, axis) * np.asarray(other)


def matvec_grad1(g, x1, x2):
    """Adjoint of ``x1`` in ``np.matvec(x1, x2)``."""
    return unbroadcast(np.asarray(g)[..., :, None] * np.asarray(x2)[..., None, :], x1)


def matvec_grad2(g, x1, x2):
    """Adjoint of ``x2`` in ``np.matvec(x1, x2)``."""
    return unbroadcast(np.matmul(np.asarray(g)[..., None, :], x1)[..., 0, :], x2)


def vector_norm_grad(g, x, ans, axis=None, keepdims=False, ord=2):
    """Adjoint of ``x`` in ``np.linalg.vector_norm`` (over several axes too; 0 at the zero vector)."""
    x = np.asarray(x)
    if is_complex_dtype(x.dtype):  # the conjugate of the real formula, as in norm_grad
        return np.conjugate(_vector_norm_grad(np.real(g), x, ans, axis, keepdims, ord))
    return _vector_norm_grad(g, x, ans, axis, keepdims, ord)


def _vector_norm_grad(g, x, ans, axis, keepdims, ord):
    axes = tuple(range(x.ndim)) if axis is None else tuple(
        int(a) % x.ndim for a in (axis if isinstance(axis, (tuple, list)) else (axis,)))
    g, ans = unreduce(g, x, axis, keepdims), unreduce(ans, x, axis, keepdims)
    if ord == 2:
        return safe_divide(g * x, ans)
    return unreduced_norm_grad(g, x, ans, ord, axes)


def vector_norm_jvp(t, x, ans, axis=None, keepdims=False, ord=2):
    """Tangent of ``np.linalg.vector_norm`` along ``t``."""
    d = vector_norm_grad(np.ones_like(ans), x, ans, axis, keepdims, ord)
    out = np.sum(d * t, axis=axis if not isinstance(axis, list) else tuple(axis), keepdims=keepdims)
    return np.real(out) if np.iscomplexobj(x) else out


def kron_grad(g, a, b, which):
    """Adjoint of ``a`` (``which=0``) or ``b`` (``which=1``) in ``np.kron(a, b)``."""
    a, b = np.asarray(a), np.asarray(b)
    nd = max(a.ndim, b.ndim)
    sa = (1,) * (nd - a.ndim) + a.shape
    sb = (1,) * (nd - b.ndim) + b.shape
    g4 = np.reshape(g, [n for pair in zip(sa, sb) for n in pair])
    if which == 0:
        r = np.tensordot(g4, np.reshape(b, sb), axes=(list(range(1, 2 * nd, 2)), list(range(nd))))
        return np.reshape(r, a.shape)
    r = np.tensordot(g4, np.reshape(a, sa), axes=(list(range(0, 2 * nd, 2)), list(range(nd))))
    return np.reshape(r, b.shape)

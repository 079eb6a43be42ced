"""Derivatives of scipy.stats' multivariate densities: dirichlet and multivariate_normal.

Takes the arguments of ``logpdf`` as scipy does (dirichlet's x with the components on the first
axis, all K of them or the first K - 1; multivariate_normal's x with the components on the last
axis, mean None or a vector, cov a number, a vector of variances or a matrix of which, as scipy's
eigh, only the lower triangle is read) and the adjoint of logpdf (the engine multiplies it by the
pdf for ``pdf``). Leaves adjoints shaped like each argument, and tangents shaped like logpdf.
scipy is imported inside the functions, so this module imports without it.
"""
import numpy as np

from s2s.runtime.core import S2SError, float_dtype


def _dirichlet_parts(x, alpha):
    """(all K components, alpha as a column against them, whether x left out the last one)."""
    x, alpha = np.asarray(x), np.asarray(alpha)
    short = x.shape[0] == alpha.shape[0] - 1
    full = np.concatenate([x, 1 - np.sum(x, axis=0, keepdims=True)]) if short else x
    return full, np.reshape(alpha, (-1,) + (1,) * (x.ndim - 1)), short


def _dirichlet_slope(x, alpha):
    """d logpdf / d x, shaped like x."""
    full, a, short = _dirichlet_parts(x, alpha)
    d = (a - 1) / full
    return d[:-1] - d[-1:] if short else d


def _dirichlet_alpha_slope(x, alpha):
    """d logpdf / d alpha, with alpha's axis first (shaped like the full x)."""
    from scipy.special import digamma

    full, a, _ = _dirichlet_parts(x, alpha)
    return np.log(full) + digamma(np.sum(alpha)) - digamma(a)


def dirichlet_x_grad(g, x, alpha):
    return (g * _dirichlet_slope(x, alpha)).astype(float_dtype(x), copy=False)


def dirichlet_alpha_grad(g, x, alpha):
    s = g * _dirichlet_alpha_slope(x, alpha)
    return np.reshape(np.sum(np.reshape(s, (s.shape[0], -1)), axis=1), np.shape(alpha))


def dirichlet_x_jvp(t, x, alpha):
    return np.sum(t * _dirichlet_slope(x, alpha), axis=0)


def dirichlet_alpha_jvp(t, x, alpha):
    s = _dirichlet_alpha_slope(x, alpha)
    return np.sum(np.reshape(t, (-1,) + (1,) * (s.ndim - 1)) * s, axis=0)


# ---------------------------------------------------------------- multivariate normal
def _mvn_parts(x, mean, cov):
    """(x as samples by components, x - mean, the precision matrix, the dimension)."""
    mean_a = None if mean is None else np.asarray(mean, dtype=float)
    cov_a = np.asarray(cov, dtype=float)
    if cov_a.ndim > 2:
        raise S2SError("multivariate_normal: a cov of {} dimensions; s2s differentiates a number, a vector of "
                       "variances or a matrix".format(cov_a.ndim))
    dim = cov_a.shape[0] if cov_a.ndim else (mean_a.size if mean_a is not None else 1)
    x = np.asarray(x, dtype=float)
    if x.ndim == 0:
        x = x[np.newaxis]
    if x.ndim == 1:
        x = x[:, np.newaxis] if dim == 1 else x[np.newaxis, :]
    matrix = cov_a * np.eye(dim) if cov_a.ndim == 0 else (np.diag(cov_a) if cov_a.ndim == 1 else
                                                         np.tril(cov_a) + np.tril(cov_a, -1).T)
    d = x - (0.0 if mean_a is None else np.broadcast_to(mean_a, (dim,)))
    return x, d, np.linalg.inv(matrix), dim


def _samples(g, x2):
    return np.reshape(np.asarray(g, dtype=float), x2.shape[:-1])


def mvn_x_grad(g, x, mean=None, cov=1):
    x2, d, p, _ = _mvn_parts(x, mean, cov)
    return np.reshape(-_samples(g, x2)[..., None] * (d @ p), np.shape(x))


def mvn_mean_grad(g, x, mean=None, cov=1):
    x2, d, p, dim = _mvn_parts(x, mean, cov)
    total = np.reshape(_samples(g, x2)[..., None] * (d @ p), (-1, dim)).sum(axis=0)
    return np.reshape(np.sum(total), ()) if np.ndim(mean) == 0 else total


def mvn_cov_grad(g, x, mean=None, cov=1):
    """The adjoint of cov: G = (P d d^T P - P) / 2 summed over the samples, as cov is read (its trace for a
    number, its diagonal for a vector, the lower triangle of 2 G - diag(G) for a matrix)."""
    x2, d, p, dim = _mvn_parts(x, mean, cov)
    gs = _samples(g, x2)
    r = np.reshape(d @ p, (-1, dim))
    w = np.reshape(gs, (-1,))
    big = 0.5 * (np.einsum("n,ni,nj->ij", w, r, r) - np.sum(w) * p)
    cov_a = np.asarray(cov)
    if cov_a.ndim == 0:
        return np.trace(big)
    if cov_a.ndim == 1:
        return np.diagonal(big).copy()
    return np.tril(2 * big) - np.diag(np.diagonal(big))


def mvn_x_jvp(t, x, mean=None, cov=1):
    x2, d, p, _ = _mvn_parts(x, mean, cov)
    t2 = np.reshape(np.broadcast_to(t, np.shape(x)), x2.shape)
    return _squeezed(-np.sum((d @ p) * t2, axis=-1))


def mvn_mean_jvp(t, x, mean=None, cov=1):
    x2, d, p, dim = _mvn_parts(x, mean, cov)
    return _squeezed(np.sum((d @ p) * np.broadcast_to(t, (dim,)), axis=-1))


def mvn_cov_jvp(t, x, mean=None, cov=1):
    x2, d, p, dim = _mvn_parts(x, mean, cov)
    t = np.asarray(t, dtype=float)
    s = t * np.eye(dim) if t.ndim == 0 else (np.diag(t) if t.ndim == 1 else np.tril(t) + np.tril(t, -1).T)
    r = d @ p
    return _squeezed(0.5 * (np.einsum("...i,ij,...j->...", r, s, r) - np.sum(p * s)))


def _squeezed(v):
    """As scipy returns logpdf: one sample gives a number."""
    v = np.squeeze(v)
    return v[()] if v.ndim == 0 else v

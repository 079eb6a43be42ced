"""The table of functions of complex values (tests/test_complex.py checks each in every mode).

``SCALAR``: real-valued functions of (possibly complex) arguments; ``grad`` must
give ``df/dx - i df/dy`` for each complex argument, a real gradient for each real
one. ``VECTOR``: functions with array (often complex) results, for ``jvp`` and
``vjp`` and their dot-product test. ``HOLOMORPHIC``: complex scalar functions of
a complex argument, for ``grad(..., holomorphic=True)`` against ``f'(z)``.
Arguments come from one seeded generator; every function is smooth at them
(no zeros of ``abs``, ``angle`` or ``log``, no branch cuts).
"""

import numpy as np

from functions import Case  # the shared table's case record

try:  # scipy is optional
    import scipy.fft as sf
except ImportError:  # pragma: no cover
    sf = None

rng = np.random.default_rng(16)


def c(*shape):
    """Complex values with |z| in [0.5, 1.5] and the angle away from the negative real axis."""
    r = rng.uniform(0.5, 1.5, shape)
    t = rng.uniform(-2.5, 2.5, shape)
    return r * np.exp(1j * t) if shape else complex(r * np.exp(1j * t))


def r(*shape):
    return rng.uniform(-1.0, 1.0, shape) if shape else float(rng.uniform(-1.0, 1.0))


W = np.array([0.3 - 0.2j, -0.5 + 0.1j, 0.8 + 0.6j])


# --- the issue's examples: real argument, complex intermediates
def issue_f(x):
    z = x * (1.0 + 2.0j)
    return np.real(z * np.conj(z))


def issue_g(x):
    z = x * (1.0 + 2.0j)
    return np.abs(z) ** 2


def issue_h(x):
    z = np.exp(1j * x)
    return np.real(z) + 3.0 * np.imag(z)


def issue_sum(x):
    z = x * (1.0 + 2.0j)
    return np.sum(np.real(z * np.conj(z)))


# --- the non-holomorphic primitives
def conj_(z):
    return np.sum(np.real(np.conj(z) * W) + np.imag(np.conjugate(z) * z * W))


def conj_method(z):
    return np.sum(np.real(z.conj() * W * z))


def real_imag(z):
    return np.sum(np.real(z) ** 2 * np.imag(z) + np.imag(z * W))


def abs_(z):
    return np.sum(np.abs(z) ** 3)


def abs_builtin(z):
    return abs(z) * abs(z * z + 1.0)


def angle_(z):
    return np.sum(np.angle(z) * np.abs(z) + np.angle(z * W, deg=True))


def attributes(z):
    return np.sum(z.real * z.imag + z.real ** 2)


# --- holomorphic primitives inside a real function
def arithmetic(z, w):
    q = z * w + z / w - (1.0 - 2.0j) * z ** 2 + 1.0 / (z + 3.0)
    return np.sum(np.real(q) + np.imag(q) ** 2)


def powers(z, w):
    return np.sum(np.abs(z ** 2.5 + z ** w + np.sqrt(z) * 2.0 ** z) ** 2)


def exp_log(z):
    return np.sum(np.real(np.exp(z) * np.conj(np.log(z))))


def trig(z):
    return np.sum(np.abs(np.sin(z) + np.cos(z) * np.tan(0.5 * z)) ** 2)


def hyperbolic(z):
    return np.sum(np.real(np.sinh(z) * np.conj(np.cosh(z))) + np.imag(np.tanh(z)))


def sum_mean(z):
    return np.abs(np.sum(z)) ** 2 + np.real(np.mean(z * z))


def products(z, a):
    return np.real(np.vdot(z, a @ z)) + np.abs(np.dot(z, W)) ** 2 + np.sum(np.abs(np.outer(z, W)) ** 2)


def einsum_(z, a):
    return np.real(np.einsum("i,ij,j->", np.conj(z), a, z))


def scans(z):
    return np.sum(np.abs(np.cumsum(z)) ** 2 + np.real(np.cumprod(z)))


def var_std(z):
    return np.var(z) + np.std(z * W) * 2.0


def mixed(x, z):
    return np.sum(np.abs(x * z + 1j * x) ** 2) + np.real(np.sum(x * 1j * np.conj(z)))


def build(x):
    z = np.array([x[0] + 1j * x[1], x[1] * x[2] * (2.0 - 1.0j), x[2]])
    return np.sum(np.abs(z) ** 2)


def setitem(x):
    z = np.zeros(3, dtype=complex)
    z[0] = x[0] * 1j
    z[1:] = x[1:] + 2.0j * x[:2]
    return np.sum(np.abs(z * W) ** 2)


def loop(z):
    s = 0.0 + 0.0j
    for k in range(3):
        s = s * z + W[k]
    return np.abs(s) ** 2


def astype_(x):
    z = x.astype(complex) * W
    return np.sum(np.real(z * z))


SCALAR = [
    Case("issue_f", issue_f, (0.7,), tags=("issue", "second")),
    Case("issue_g", issue_g, (0.7,), tags=("issue", "second")),
    Case("issue_h", issue_h, (0.7,), tags=("issue", "second")),
    Case("issue_sum", issue_sum, (np.array([0.7 + 0.1j, 0.2]),)),
    Case("conj", conj_, (c(3),)),
    Case("conj_method", conj_method, (c(3),)),
    Case("real_imag", real_imag, (c(3),)),
    Case("abs", abs_, (c(3),)),
    Case("abs_builtin", abs_builtin, (c(),)),
    Case("angle", angle_, (c(3),)),
    Case("attributes", attributes, (c(3),)),
    Case("arithmetic", arithmetic, (c(3), c(3)), wrt=(0, 1)),
    Case("powers", powers, (c(3), c(3) * 0.5), wrt=(0, 1)),
    Case("exp_log", exp_log, (c(3),)),
    Case("trig", trig, (c(3),)),
    Case("hyperbolic", hyperbolic, (c(3),)),
    Case("sum_mean", sum_mean, (c(4),)),
    Case("products", products, (c(3), c(3, 3)), wrt=(0, 1)),
    Case("einsum", einsum_, (c(3), c(3, 3)), wrt=(0, 1)),
    Case("scans", scans, (c(4),)),
    Case("var_std", var_std, (c(3),)),
    Case("mixed", mixed, (r(3), c(3)), wrt=(0, 1)),
    Case("mixed_real_arg", mixed, (r(3), c(3)), wrt=0, tags=("second",)),
    Case("build", build, (r(3),), tags=("second",)),
    Case("setitem", setitem, (r(3),), tags=("second",)),
    Case("loop", loop, (c(),)),
    Case("astype", astype_, (r(3),), tags=("second",)),
]


# --- array results
def v_scale(z):
    return z * W + np.conj(z) * 0.5


def v_abs(z):
    return np.abs(z) * z


def v_real_to_complex(x):
    return np.exp(1j * x) * x


def v_complex_to_real(z):
    return np.real(z) * np.imag(z) + np.angle(z)


VECTOR = [
    Case("v_scale", v_scale, (c(3),)),
    Case("v_abs", v_abs, (c(3),)),
    Case("v_real_to_complex", v_real_to_complex, (r(3),)),
    Case("v_complex_to_real", v_complex_to_real, (c(3),)),
]


# --- holomorphic: complex results of a complex argument
def h_poly(z):
    return z * z * (1.0 + 2.0j) + 3.0 * z


def h_exp_log(z):
    return np.exp(z) * np.log(z) + np.sqrt(z)


def h_trig(z):
    return np.sin(z) * np.cosh(z) / (z + 2.0)


def h_sum(z):
    return np.sum(z ** 3 * W)


HOLOMORPHIC = [
    Case("h_poly", h_poly, (c(),)),
    Case("h_exp_log", h_exp_log, (c(),)),
    Case("h_trig", h_trig, (c(),)),
    Case("h_sum", h_sum, (c(3),)),
]


# --- np.fft: array results, each called with norm=None/"backward"/"ortho"/"forward"
def f_fft(z, norm):
    return np.fft.fft(z, norm=norm)


def f_fft_pad(z, norm):
    return np.fft.fft(z, n=7, norm=norm)


def f_fft_crop_axis(z, norm):
    return np.fft.fft(z, 3, 0, norm)


def f_ifft(z, norm):
    return np.fft.ifft(z, n=6, axis=-1, norm=norm)


def f_fft2(z, norm):
    return np.fft.fft2(z, norm=norm)


def f_ifft2(z, norm):
    return np.fft.ifft2(z, s=(3, 6), norm=norm)


def f_fftn(z, norm):
    return np.fft.fftn(z, s=(2, 5), axes=(1, 0), norm=norm)


def f_ifftn(z, norm):
    return np.fft.ifftn(z, norm=norm)


def f_rfft(x, norm):
    return np.fft.rfft(x, norm=norm)


def f_rfft_n(x, norm):
    return np.fft.rfft(x, n=7, axis=0, norm=norm)


def f_irfft(z, norm):
    return np.fft.irfft(z, norm=norm)


def f_irfft_odd(z, norm):
    return np.fft.irfft(z, n=7, norm=norm)


def f_irfft_crop(z, norm):
    return np.fft.irfft(z, 4, 0, norm)


def f_rfftn(x, norm):
    return np.fft.rfftn(x, norm=norm)


def f_rfft2_s(x, norm):
    return np.fft.rfft2(x, s=(5, 3), norm=norm)


def f_irfftn(z, norm):
    return np.fft.irfftn(z, norm=norm)


def f_irfft2_s(z, norm):
    return np.fft.irfft2(z, s=(4, 5), norm=norm)


def f_hfft(z, norm):
    return np.fft.hfft(z, norm=norm)


def f_hfft_n(z, norm):
    return np.fft.hfft(z, 5, norm=norm)


def f_ihfft(x, norm):
    return np.fft.ihfft(x, norm=norm)


def f_shifts(z, norm):
    return np.fft.fftshift(np.fft.fft(np.fft.ifftshift(z), norm=norm)) * W[0]


def f_shift_axes(z, norm):
    return np.fft.ifftshift(np.fft.fftshift(z, axes=0) * 2.0, axes=(1,)) + np.fft.fftshift(z)


FFT = [
    Case("fft", f_fft, (c(5),)),
    Case("fft_pad", f_fft_pad, (c(5),)),
    Case("fft_crop_axis", f_fft_crop_axis, (c(4, 2),)),
    Case("fft_real_input", f_fft, (r(5),)),
    Case("ifft", f_ifft, (c(4),)),
    Case("fft2", f_fft2, (c(3, 4),)),
    Case("ifft2", f_ifft2, (c(2, 4, 5),)),
    Case("fftn", f_fftn, (c(3, 4),)),
    Case("ifftn", f_ifftn, (c(2, 3, 2),)),
    Case("rfft", f_rfft, (r(6),)),
    Case("rfft_n", f_rfft_n, (r(5, 2),)),
    Case("irfft", f_irfft, (c(4),)),
    Case("irfft_odd", f_irfft_odd, (c(4),)),
    Case("irfft_crop", f_irfft_crop, (c(5, 2),)),
    Case("rfftn", f_rfftn, (r(3, 4),)),
    Case("rfft2_s", f_rfft2_s, (r(4, 4),)),
    Case("irfftn", f_irfftn, (c(3, 4),)),
    Case("irfft2_s", f_irfft2_s, (c(3, 3),)),
    Case("hfft", f_hfft, (c(4),)),
    Case("hfft_n", f_hfft_n, (c(4),)),
    Case("ihfft", f_ihfft, (r(6),)),
    Case("shifts", f_shifts, (c(5),)),
    Case("shift_axes", f_shift_axes, (c(3, 4),)),
]
NORMS = (None, "backward", "ortho", "forward")


def fft_loss(z, w):
    """A real function through a chain of transforms (and its second order)."""
    y = np.fft.ifft(np.fft.fft(z * w, norm="ortho") ** 2, n=5)
    return np.sum(np.abs(y) ** 2) + np.sum(np.fft.irfft(np.fft.rfft(w) * 1j)) ** 2


def spectrum_energy(x):
    return np.sum(np.abs(np.fft.rfft(np.sin(x) * x, n=8, norm="forward")) ** 2)


SCALAR += [
    Case("fft_loss", fft_loss, (c(4), r(4)), wrt=(0, 1)),
    Case("fft_loss_real_arg", fft_loss, (c(4), r(4)), wrt=1, tags=("second",)),
    Case("spectrum_energy", spectrum_energy, (r(5),), tags=("second",)),
]


def every_transform(x):
    """Every transform on a path from a real x to a real result, so that the hessian differentiates
    each adjoint helper (forward over reverse) and reverse over reverse transposes it."""
    z = x * (1.0 + 0.5j) + 0.2j
    y = (np.fft.fft(z, 5) + np.fft.ifft(z * z, 5) + np.fft.fftn(z, (5,), (0,)) + np.fft.ifftn(z, (5,), (-1,), norm="ortho")
         + np.fft.hfft(z, 5) + np.fft.irfft(z, 5, norm="forward") + np.fft.fftshift(z) + np.fft.ifftshift(z))
    m = np.reshape(z, (1, 5)) * np.reshape(x, (5, 1))
    q = (np.sum(np.abs(np.fft.fft2(m)) ** 2) + np.sum(np.abs(np.fft.ifft2(m * m)) ** 2)
         + np.sum(np.fft.irfftn(m, (5, 5), (0, 1)) ** 3) + np.sum(np.fft.irfft2(m, (4, 4)) ** 3)
         + np.sum(np.abs(np.fft.rfftn(x * x)) ** 2) + np.sum(np.abs(np.fft.rfft2(np.real(m) ** 2)) ** 2)
         + np.sum(np.abs(np.fft.rfft(x * x, 6)) ** 2) + np.sum(np.abs(np.fft.ihfft(np.sin(x))) ** 2))
    return np.sum(np.abs(y) ** 2) + q


SCALAR += [Case("every_transform", every_transform, (r(5),), tags=("second",))]


def scipy_complex(z, norm):
    return sf.fft(z, norm=norm) + sf.ifft(z, 5, norm=norm) + sf.fftn(z, s=(5,), axes=(0,), norm=norm)


def scipy_real(x, norm):
    y = sf.irfft(sf.rfft(x, n=6, norm=norm) * (1 + 2j), 5, norm=norm) + sf.hfft(sf.ihfft(x, norm=norm), 5, norm=norm)
    m = x[None, :] * x[:, None]
    return (sf.irfftn(sf.rfftn(m, norm=norm), s=(5, 5), axes=(0, 1), norm=norm) + sf.fftshift(y)
            + np.real(sf.ifftn(sf.fft2(m, norm=norm), norm=norm) + sf.ifft2(m, s=(5, 5), norm=norm))
            + sf.irfft2(sf.rfft2(m, norm=norm), s=(5, 5), norm=norm) + sf.ifftshift(m, axes=0))


SCIPY = [Case("scipy_complex", scipy_complex, (c(5),)), Case("scipy_real", scipy_real, (r(5),))] if sf else []


# --- np.linalg with complex matrices
A = c(3, 3) + 2.0 * np.eye(3)


def la_solve(a, b):
    return np.sum(np.abs(np.linalg.solve(a, b)) ** 2)


def la_inv_det(a):
    return np.sum(np.real(np.linalg.inv(a) * W)) + np.abs(np.linalg.det(a)) ** 2


def la_slogdet(a):
    sign, logabs = np.linalg.slogdet(a)
    return logabs + np.real(sign) * 0.3 + np.imag(sign)


def la_norms(a):
    return (np.linalg.norm(a) + np.linalg.norm(a[0]) + np.linalg.norm(a, ord=1) + np.linalg.norm(a, np.inf)
            + np.linalg.norm(a, 2) + np.linalg.norm(a, "nuc") + np.linalg.norm(a[1], 3)
            + np.linalg.norm(a, axis=1)[0])


def la_products(a):
    return (np.sum(np.abs(np.linalg.matrix_power(a, 3)) ** 2) + np.sum(np.abs(np.linalg.multi_dot([a, a, a])))
            + np.sum(np.abs(np.kron(a, a[0])) ** 2) + np.sum(np.abs(np.tensordot(a, a, 1))) + np.abs(np.trace(a @ a))
            + np.sum(np.abs(np.linalg.pinv(a)) ** 2))


SCALAR += [
    Case("la_solve", la_solve, (A, c(3)), wrt=(0, 1)),
    Case("la_inv_det", la_inv_det, (A,)),
    Case("la_slogdet", la_slogdet, (A,)),
    Case("la_norms", la_norms, (A,)),
    Case("la_products", la_products, (A,)),
]


# --- decompositions of complex matrices (Hermitian ones for eigh, eigvalsh and cholesky); the losses of
# eigenvectors are invariant to their phases
def la_eigh(a):
    w, v = np.linalg.eigh(a + np.conj(a.T))
    return np.sum(w * W.real) + np.abs(v[0, 0]) + np.sum(np.abs(v[1]) ** 4)


def la_eigh_upper(a):
    w, v = np.linalg.eigh(a @ np.conj(a.T), UPLO="U")
    return np.sum(w ** 2) + np.real(np.conj(v[:, 0]) @ a @ v[:, 0])


def la_eigvalsh(a):
    return np.sum(np.linalg.eigvalsh(a + np.conj(a.T)) ** 3) + np.sum(np.linalg.eigvalsh(a @ np.conj(a.T), "U"))


def la_svd(a):
    return np.sum(np.linalg.svd(a, compute_uv=False) ** 3) + np.sum(np.linalg.svd(a[:2], compute_uv=False))


def la_qr(a):
    q, r = np.linalg.qr(a)
    return np.sum(np.abs(r)) + np.sum(np.real(q * W)) + np.sum(np.imag(np.linalg.qr(a[:, :2])[0]) ** 2)


def la_cholesky(a):
    return np.sum(np.abs(np.linalg.cholesky(a @ np.conj(a.T)))) + np.sum(np.real(np.linalg.cholesky(a @ np.conj(a.T)) * W))


def la_lstsq(a):
    x, res, rank, s = np.linalg.lstsq(np.vstack([a, a[:1] * 1j]), np.append(W, 0.5), rcond=None)
    return np.sum(np.abs(x)) + np.sum(res) + np.sum(s)


def la_pinv_wide(a):
    return np.sum(np.abs(np.linalg.pinv(a[:2])) ** 2) + np.real(np.sum(np.linalg.pinv(a[:, 1:]) * W))


SCALAR += [Case(fn.__name__, fn, (A,)) for fn in (la_eigh, la_eigh_upper, la_eigvalsh, la_svd, la_qr, la_cholesky,
                                                 la_lstsq, la_pinv_wide)]
if hasattr(np.linalg, "svdvals"):
    def la_svdvals(a):
        return np.sum(np.linalg.svdvals(a * W) ** 2)

    SCALAR += [Case("la_svdvals", la_svdvals, (A,))]


# --- second order through complex decompositions: real x, a complex matrix built from it
# (the matrix is built inline: a batched reverse-over-reverse call into a user function fails on main, see the
# report of the complex branch)
def s_eigh(x):
    m = np.reshape(x, (3, 3)) * (1.0 + 0.5j) + 1j * np.reshape(x, (3, 3)).T * 0.3 + 2.0 * np.eye(3)
    w, v = np.linalg.eigh(m + np.conj(m.T))
    return np.sum(w ** 3) + np.sum(np.abs(v) ** 4 * np.real(A))


def s_eigvalsh(x):
    m = np.reshape(x, (3, 3)) * (1.0 + 0.5j) + 1j * np.reshape(x, (3, 3)).T * 0.3 + 2.0 * np.eye(3)
    return np.sum(np.linalg.eigvalsh(m @ np.conj(m.T)) ** 2)


def s_cholesky(x):
    m = np.reshape(x, (3, 3)) * (1.0 + 0.5j) + 1j * np.reshape(x, (3, 3)).T * 0.3 + 2.0 * np.eye(3)
    low = np.linalg.cholesky(m @ np.conj(m.T))
    return np.sum(np.abs(low) ** 2 * np.real(A)) + np.sum(np.real(low * A))


def s_pinv(x):
    m = np.reshape(x, (3, 3)) * (1.0 + 0.5j) + 1j * np.reshape(x, (3, 3)).T * 0.3 + 2.0 * np.eye(3)
    return np.sum(np.abs(np.linalg.pinv(m[:2])) ** 2) + np.sum(np.real(np.linalg.pinv(m) * A))


def s_norms(x):
    m = np.reshape(x, (3, 3)) * (1.0 + 0.5j) + 1j * np.reshape(x, (3, 3)).T * 0.3 + 2.0 * np.eye(3)
    return np.linalg.norm(m) ** 3 + np.linalg.norm(m[0], 3) ** 2 + np.linalg.norm(m, axis=0)[1] + np.linalg.norm(m[1], 1)


def s_qr(x):
    q, r = np.linalg.qr(np.reshape(x, (3, 3)) * (1.0 + 0.5j) + 1j * np.reshape(x, (3, 3)).T * 0.3 + 2.0 * np.eye(3))
    return np.sum(np.abs(r) ** 2 * np.real(A)) + np.sum(np.real(q * A))


SCALAR += [Case(fn.__name__, fn, (r(9),), tags=("second",)) for fn in (s_eigh, s_eigvalsh, s_cholesky, s_pinv,
                                                                       s_norms, s_qr)]


# --- array results of complex decompositions, for the dot-product test
def v_cholesky(a):
    return np.linalg.cholesky(a @ np.conj(a.T))


def v_qr(a):
    q, r = np.linalg.qr(a[:, :2])
    return q * 2.0 + np.sum(r)


def v_eigvalsh(a):
    return np.linalg.eigvalsh(a + np.conj(a.T))


def v_svd_values(a):
    return np.linalg.svd(a[:2], compute_uv=False)


def v_lstsq(a):
    return np.linalg.lstsq(a[:, :2], W, rcond=None)[0]


def v_pinv(a):
    return np.linalg.pinv(a[:2])


VECTOR += [Case(fn.__name__, fn, (A,)) for fn in (v_cholesky, v_qr, v_eigvalsh, v_svd_values, v_lstsq, v_pinv)]


# --- what still refuses complex arguments: a ComplexInputError naming the primitive
def la_svd_vectors(a):
    u, s, vh = np.linalg.svd(a)
    return np.sum(np.abs(u[0]) ** 2 * s)


def la_eigh_phase(a):
    """depends on the phase NumPy picks for each eigenvector: refused in reverse mode."""
    w, v = np.linalg.eigh(a + np.conj(a.T))
    return np.real(v[1, 0])


REFUSED = [Case(fn.__name__, fn, (A,)) for fn in (la_svd_vectors,)]


def covered():
    """The primitives and helpers this table checks (tests/test_rules.py counts them as covered)."""
    import inspect
    import s2s.runtime as R
    names = set()
    for case in SCALAR + VECTOR + HOLOMORPHIC + FFT:
        names.update(part.split("(")[0] for part in inspect.getsource(case.fn).split("np.fft.")[1:])
    prims = [getattr(np.fft, n) for n in names] + [np.imag, np.angle]
    for case in SCIPY:
        prims += [getattr(sf, part.split("(")[0]) for part in inspect.getsource(case.fn).split("sf.")[1:]]
    helpers = [R.refuse_complex, R.eigh_phase_checked, R.fft_grad, R.ifft_grad, R.fftn_grad, R.ifftn_grad, R.rfft_grad, R.irfft_grad, R.rfftn_grad,
               R.irfftn_grad, R.hfft_grad, R.ihfft_grad]
    return prims + helpers


def la_norms_real_path(x):
    return np.linalg.norm(x * (1.0 + 2.0j) + 0.5j) ** 3


SCALAR += [Case("la_norms_real_path", la_norms_real_path, (r(2),), tags=("second",))]


def v_scale_holomorphic(z):
    return np.exp(z) * W + z[::-1] ** 2

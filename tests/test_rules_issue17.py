"""The rules of issue 17 beyond the tables of tests/test_rules.py (which check every template against
central differences and its tangent against its adjoint, through tests/rules_issue17.py):

- forward mode against reverse mode for each row function, with respect to all its arguments;
- second order: the Hessian against central differences of the gradient, and the Hessian-vector
  product against the Hessian;
- refusals: differentiating an order or a shape parameter that the rules do not differentiate
  (iv's v, gammainc's a, zeta's exponent, t.cdf's df, poisson's k, ...) raises an S2SError naming
  the file and line, the rule and the parameter, never a silent zero;
- the spellings users write (``from scipy.stats import norm``, keyword arguments) and sparsity.
"""
import numpy as np
import pytest

import s2s
import rules_issue17 as cases

sp = pytest.importorskip("scipy.special")
st = pytest.importorskip("scipy.stats")

rng = np.random.default_rng(17)


def _rows():
    out = []

    def r(fn, *args, wrt=0, **options):
        out.append((fn, args, wrt))

    def u(*shape):
        return float(rng.uniform(-1.0, 1.0)) if not shape else rng.uniform(-1.0, 1.0, shape)

    def away(*shape):
        return float(rng.choice([-1.0, 1.0]) * rng.uniform(0.3, 1.5)) if not shape else u(*shape)

    cases.rows(r, u, lambda *s: rng.uniform(0.5, 2.0, s), away)
    return out


ROWS = _rows()


def _as_tuple(wrt):
    return wrt if isinstance(wrt, tuple) else (wrt,)


@pytest.mark.parametrize("fn,args,wrt", ROWS, ids=[row[0].__name__ for row in ROWS])
def test_forward_matches_reverse(fn, args, wrt):
    wrt = _as_tuple(wrt)
    grads = s2s.grad(fn, wrt=wrt)(*args)
    tangents = [rng.standard_normal(np.shape(args[w])) for w in wrt]
    tangents = [float(t) if np.ndim(args[w]) == 0 else t for t, w in zip(tangents, wrt)]
    value, dot = s2s.jvp(fn, wrt=wrt)(*args, *tangents)
    assert value == pytest.approx(fn(*args))
    assert dot == pytest.approx(sum(np.sum(g * t) for g, t in zip(grads, tangents)), rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("fn", cases.SECOND_ORDER, ids=lambda f: f.__name__)
def test_hessian_matches_differences_of_the_gradient(fn):
    row = next(row for row in ROWS if row[0] is fn)
    x, rest = np.atleast_1d(np.asarray(row[1][0], dtype=float)), row[1][1:]
    h = s2s.hessian(fn)(x, *rest)
    g = s2s.grad(fn)
    eps = 1e-5
    n = x.size
    numeric = np.array([np.ravel(g(x + eps * e.reshape(x.shape), *rest) - g(x - eps * e.reshape(x.shape), *rest))
                        / (2 * eps) for e in np.eye(n)])
    h = np.reshape(h, (n, n))
    np.testing.assert_allclose(h, numeric, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(h, h.T, rtol=1e-9, atol=1e-12)
    v = rng.standard_normal(x.shape)
    np.testing.assert_allclose(np.ravel(s2s.hvp(fn)(x, *rest, v)), h @ np.ravel(v), rtol=1e-8, atol=1e-10)


def _df_of(x, df): return np.sum(st.t.logpdf(x, df) * st.t.logpdf(x, df=df, loc=0.1))


def test_second_order_in_a_shape_parameter():
    """The t distribution's logpdf twice in df (digamma's derivative is zeta(2, .))."""
    x = np.array([0.3, -0.5, 1.2])
    d2 = s2s.grad(s2s.grad(_df_of, wrt=1), wrt=1)(x, 4.0)
    g = s2s.grad(_df_of, wrt=1)
    assert d2 == pytest.approx((g(x, 4.0 + 1e-5) - g(x, 4.0 - 1e-5)) / 2e-5, rel=1e-6)


# ----------------------------------------------------------------- refusals
def iv_order(v, x): return np.sum(sp.iv(v, x))
def yn_order(n, x): return np.sum(sp.yn(n, x))
def gammainc_shape(a, x): return np.sum(sp.gammainc(a, x))
def gammaincc_shape(a, x): return np.sum(sp.gammaincc(a, x))
def betainc_shape(a, x): return np.sum(sp.betainc(a, 2.0, x))
def riemann_zeta(s, x): return np.sum(sp.zeta(s)) + np.sum(x)
def polygamma_order(n, x): return np.sum(sp.polygamma(n, x))
def t_cdf_df(df, x): return np.sum(st.t.cdf(x, df))
def gamma_sf_shape(a, x): return np.sum(st.gamma.sf(x, a))
def beta_cdf_shape(a, x): return np.sum(st.beta.logcdf(x, a, 2.0))
def poisson_count(k, x): return np.sum(st.poisson.pmf(k, x))
def binom_trials(n, x): return np.sum(st.binom.cdf(2.0, n, x))


@pytest.mark.parametrize("fn,param", [
    (iv_order, "v"), (yn_order, "n"), (gammainc_shape, "a"), (gammaincc_shape, "a"), (betainc_shape, "a"),
    (riemann_zeta, "x"), (polygamma_order, "n"), (t_cdf_df, "df"), (gamma_sf_shape, "a"), (beta_cdf_shape, "a"),
    (poisson_count, "k"), (binom_trials, "n"),
], ids=lambda v: getattr(v, "__name__", v))
@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_an_order_or_shape_parameter_is_refused(fn, param, mode):
    args = (2.5, np.array([0.3, 0.6]))
    with pytest.raises(s2s.S2SError) as err:
        if mode == "reverse":
            s2s.grad(fn, wrt=0)(*args)
        else:
            s2s.jvp(fn, wrt=0)(*args, 1.0)
    message = str(err.value)
    assert "test_rules_issue17.py:" in message and "`{}`".format(param) in message
    assert "stop_gradient" in message


def test_a_constant_order_is_not_refused():
    x = np.array([0.3, 0.6])
    s2s.check_grad(iv_order, 2.5, x, wrt=1)
    s2s.check_grad(poisson_count, 3.0, x + 1.0, wrt=1)


# ----------------------------------------------------------------- spellings
from scipy.stats import norm  # noqa: E402  (the spelling under test)


def norm_imported(x, mu, s): return np.sum(norm.logpdf(x, mu, s) + norm.cdf(x, loc=mu, scale=s))
def norm_defaults(x): return np.sum(norm.logpdf(x) + norm.sf(x))


def test_distribution_imported_by_name():
    x = np.array([0.3, -0.4, 1.1])
    s2s.check_grad(norm_imported, x, 0.2, 1.4, wrt=(0, 1, 2))
    s2s.check_grad(norm_defaults, x)
    src = s2s.source(s2s.grad(norm_imported, wrt=(0, 1, 2)))
    assert "norm.logpdf(x, mu, s)" in src


def test_the_rule_is_pasted_inline():
    code = s2s.source(s2s.grad(norm_defaults))
    assert "z = " in code and "slope" in code


def test_sparsity_of_distributions_is_elementwise():
    def f(x): return st.norm.logpdf(x, 0.1, 1.3) + sp.iv(1.5, x) * st.poisson.pmf(2.0, x + 1.0)
    x = np.linspace(0.2, 0.9, 5)
    np.testing.assert_array_equal(s2s.jacobian_sparsity(f, x).toarray(), np.eye(5, dtype=bool))
    np.testing.assert_allclose(s2s.sparse_jacobian(f)(x).toarray(), s2s.jacobian(f)(x), rtol=1e-12)


def dirichlet_full(x, alpha): return np.sum(st.dirichlet.logpdf(x, alpha) ** 2)


def test_dirichlet_on_the_simplex():
    """With all K components, x can only move along the simplex: the gradient pairs with such moves."""
    x, alpha = np.array([[0.2, 0.5], [0.3, 0.1], [0.5, 0.4]]), np.array([2.0, 3.0, 1.5])
    g = s2s.grad(dirichlet_full)(x, alpha)
    d = rng.standard_normal(x.shape)
    d -= d.mean(axis=0)  # each column sums to 0
    eps = 1e-6
    numeric = (dirichlet_full(x + eps * d, alpha) - dirichlet_full(x - eps * d, alpha)) / (2 * eps)
    assert np.sum(g * d) == pytest.approx(numeric, rel=1e-6)
    value, dot = s2s.jvp(dirichlet_full)(x, alpha, d)
    assert dot == pytest.approx(numeric, rel=1e-6)


COV = np.array([[2.0, 0.3], [0.3, 1.0]])


def mvn_twice(x): return st.multivariate_normal.logpdf(x, np.zeros(2), COV)


def test_second_derivative_through_the_multivariate_helpers():
    """The helpers have no rules: s2s differentiates their source (forward over reverse), exactly."""
    np.testing.assert_allclose(s2s.hessian(mvn_twice)(np.array([0.3, -0.2])), -np.linalg.inv(COV), rtol=1e-12)


def eig_of(a): return np.sum(np.abs(np.linalg.eig(a)[0]))


def test_eig_refuses_complex_matrices():
    a = np.array([[1.0 + 0.5j, 0.2], [0.3, -1.0j]])
    with pytest.raises(s2s.S2SError, match="np.linalg.eig"):
        s2s.grad(eig_of)(a)


def test_eig_gradient_of_a_real_matrix_is_real():
    a = np.random.default_rng(5).normal(size=(4, 4))
    g = s2s.grad(eig_of)(a)
    assert g.dtype == np.float64 and g.shape == (4, 4)


STANDALONE_MODEL = '''import numpy as np
from scipy.stats import norm, multivariate_normal
import scipy.special as sp


def loss(x, mu, s):
    return np.sum(norm.logpdf(x, mu, s) + sp.gammainc(2.0, x * x)
                  + np.linalg.eigvals(np.outer(x, x) + np.eye(3)).real) + multivariate_normal.logpdf(x, cov=s * np.eye(3))
'''


def test_standalone_file_imports_the_distributions(tmp_path):
    """``s2s grad -o`` imports a scipy.stats distribution by its public name and runs without s2s."""
    import importlib.util
    import test_standalone
    from s2s.api import cli

    (tmp_path / "model.py").write_text(STANDALONE_MODEL, encoding="utf-8")
    out = tmp_path / "dloss.py"
    assert cli.main(["grad", str(tmp_path / "model.py") + ":loss", "--wrt", "x,mu,s", "-o", str(out)]) == 0
    text = out.read_text()
    assert "from scipy.stats import multivariate_normal, norm" in text or "from scipy.stats import norm" in text
    spec = importlib.util.spec_from_file_location("issue17_model", tmp_path / "model.py")
    model = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(model)
    calls = [(np.array([0.3, -0.2, 0.9]), 0.1, 1.2)]
    expected = [s2s.grad(model.loss, wrt=(0, 1, 2))(*args) for args in calls]
    folder = tmp_path / "isolated"
    folder.mkdir()
    got = test_standalone.run_isolated(folder, text, "grad_loss", calls)
    for g, e in zip(got, expected):
        test_standalone.assert_same(g, e)

"""Generated code you can inspect: repr, __doc__, verbose, tracebacks, pdb, caching."""
import io
import linecache
import pdb
import re
import traceback

import numpy as np
import pytest

import inspected
import s2s
from s2s.api import transforms as api

TRANSFORMS = [("grad", s2s.grad, "Gradient"), ("value_and_grad", s2s.value_and_grad, "Value and gradient")]


@pytest.mark.parametrize("kind, transform, title", TRANSFORMS)
def test_repr_and_doc_name_what_is_differentiated(kind, transform, title):
    g = transform(inspected.lecture, wrt=(0, 1))
    assert repr(g) == "<s2s.{} of lecture wrt x1, x2>".format(kind)
    assert g.__doc__ == "{} of lecture with respect to x1, x2.".format(title)
    assert g.__name__ == "lecture"
    g(2.0, 5.0)
    generated = g.generated().function
    assert generated.__doc__.startswith("{} of lecture (".format(title))
    assert "inspected.py:5) with respect to x1, x2." in generated.__doc__


@pytest.mark.parametrize("kind, transform, title", TRANSFORMS)
def test_verbose_prints_the_source_as_it_is_made(kind, transform, title, capsys):
    g = transform(inspected.lecture, wrt=1, verbose=True)
    assert capsys.readouterr().out == ""
    g(2.0, 5.0)
    printed = capsys.readouterr().out
    assert printed == s2s.source(g) + "\n"
    g(3.0, 1.0)
    assert capsys.readouterr().out == "", "printed once, when made"
    transform(inspected.lecture, wrt=1)(2.0, 5.0)
    assert capsys.readouterr().out == "", "only callables made with verbose=True print"


EVERY_TRANSFORM = [  # (name, function, arguments of the result, words its __doc__ starts with)
    ("grad", inspected.lecture, (2.0, 5.0), "Gradient of lecture"),
    ("value_and_grad", inspected.lecture, (2.0, 5.0), "Value and gradient of lecture"),
    ("vjp", inspected.vector_valued, (np.array([0.5, 1.0]), np.ones(2)), "Vector-Jacobian product of vector_valued"),
    ("jvp", inspected.vector_valued, (np.array([0.5, 1.0]), np.ones(2)), "Jacobian-vector product of vector_valued"),
    ("jacobian", inspected.vector_valued, (np.array([0.5, 1.0]),), "Jacobian of vector_valued"),
    ("hessian", inspected.lecture, (2.0, 5.0), "Hessian of lecture"),
    ("hvp", inspected.lecture, (2.0, 5.0, 1.0), "Hessian-vector product of lecture"),
]


@pytest.mark.parametrize("name, fn, args, doc", EVERY_TRANSFORM, ids=[t[0] for t in EVERY_TRANSFORM])
def test_every_transform_has_source_repr_doc_and_verbose(name, fn, args, doc, capsys):
    transform = getattr(s2s, name)
    g = transform(fn, verbose=True)
    assert capsys.readouterr().out == ""
    assert repr(g).startswith("<s2s.{} of ".format(name)) and fn.__name__ in repr(g)
    assert g.__doc__.startswith(doc)
    g(*args)
    printed = capsys.readouterr().out
    source = s2s.source(g)
    assert source.startswith("def ") and re.search(r"\n    # .*inspected\.py:\d+", source)
    # verbose prints each source as it is made (for second order, the inner gradient's first)
    assert printed.endswith(source + "\n")


def test_source_of_something_else_names_what_it_accepts():
    with pytest.raises(s2s.ArgumentError, match="grad, value_and_grad, vjp, jvp, jacobian, hessian, hvp"):
        s2s.source(inspected.lecture)


def test_origin_comments_keep_quotes_and_backslashes():
    """A source line with quotes becomes a comment, whatever quotes ast.unparse picks."""
    g = s2s.grad(inspected.quoted)
    g(np.array([0.5, 1.0]))
    source = s2s.source(g)
    assert "__s2s_origin__" not in source
    assert "  return np.einsum('i,i->', x, x) * len(\"it's \\\\ fine\")\n" in source
    # second order: the lines commented are the generated gradient's, with its quoted strings
    h = s2s.hessian(inspected.lecture)
    h(2.0, 5.0)
    seed_line = _generated_line(s2s.grad(inspected.lecture), "= seed(")
    assert "__s2s_origin__" not in s2s.source(h)
    assert re.search(r"# <s2s grad of lecture .*>:\d+  " + re.escape(seed_line) + "\n", s2s.source(h))


def _generated_line(g, text):
    return [line.strip() for line in s2s.source(g).splitlines() if text in line and "#" not in line][0]


def test_traceback_shows_the_generated_line():
    g = s2s.grad(inspected.vector_valued)
    try:
        g(np.array([0.5, 1.0]))  # not a scalar: seed() raises inside the generated gradient
    except s2s.S2SError:
        text = traceback.format_exc()
    else:
        pytest.fail("grad of a vector-valued function must raise")
    assert 'File "<s2s grad of vector_valued wrt x (inspected.py:9)>"' in text
    assert _generated_line(g, "= seed(") in text


def test_traceback_of_the_primal_sweep():
    g = s2s.grad(inspected.lecture)
    with pytest.raises(TypeError) as info:
        g("two", 5.0)
    text = "".join(traceback.format_exception(info.type, info.value, info.tb))
    # code specialized for other argument shapes earlier in the session gets a suffixed name
    assert re.search(r"<s2s grad of lecture wrt x1 \(inspected\.py:5\)( #\w+)?>", text)
    assert _generated_line(g, "np.log(x1)") in text


def test_filenames_are_stable_and_do_not_clobber_each_other():
    returns = inspected.returns_in_branches  # optimize=False changes its derivative's text
    first = s2s.grad(returns)  # not called: a call specializes on the argument, another text
    filename = first.generated().function.__code__.co_filename
    assert filename == "<s2s grad of returns_in_branches wrt x (inspected.py:{})>".format(
        returns.__code__.co_firstlineno)
    lines = linecache.getlines(filename)
    assert "".join(lines).count(s2s.source(first).splitlines()[2]) == 1
    other = s2s.grad(returns, optimize=False)  # same name, other text
    other(0.5)
    assert s2s.source(other) != s2s.source(first)
    other_name = other.generated().function.__code__.co_filename
    assert re.fullmatch(re.escape(filename[:-1]) + r" #[0-9a-f]{8}>", other_name)
    assert linecache.getlines(filename) == lines
    # the same source always gets the same name
    assert s2s.grad(returns).generated().function.__code__.co_filename == filename


def test_pdb_steps_through_generated_code():
    g = s2s.grad(inspected.lecture, wrt=(0, 1))
    function = g.generated().function
    commands = io.StringIO("list\nnext\nnext\np t1\ncontinue\n")
    out = io.StringIO()
    debugger = pdb.Pdb(stdin=commands, stdout=out, nosigint=True, readrc=False)
    result = debugger.runcall(function, 2.0, 5.0)
    text = out.getvalue()
    assert result == pytest.approx((5.5, 2.0 - np.cos(5.0)))
    assert "t1 = np.log(x1)" in text and "t2 = x1 * x2" in text, text
    assert re.search(r"\(Pdb\) (np\.float64\()?0\.693147", text), "p t1 after stepping over np.log(x1)"


# ---------------------------------------------------------------------------
# caching: keyed by code, options and what free names resolve to
# ---------------------------------------------------------------------------

def test_an_unchanged_function_is_not_transformed_again():
    x = np.array([0.2, -0.4])
    s2s.grad(inspected.calls_weights)(x)
    count = api.transform_count()
    for _ in range(3):
        np.testing.assert_allclose(s2s.grad(inspected.calls_weights)(x), 4.0 * x)
    assert api.transform_count() == count


def test_options_are_part_of_the_key():
    s2s.grad(inspected.lecture, wrt=1)(2.0, 5.0)
    count = api.transform_count()
    s2s.grad(inspected.lecture, wrt=1, optimize=False)(2.0, 5.0)
    s2s.grad(inspected.lecture, wrt=1, optimize=False)(2.0, 5.0)
    assert api.transform_count() == count + 1
    s2s.grad(inspected.lecture, wrt=1, verbose=True)
    assert api.transform_count() == count + 1, "verbose does not change the code"


@pytest.fixture
def restore_inspected():
    saved = dict(vars(inspected))
    yield
    vars(inspected).clear()
    vars(inspected).update(saved)


def test_a_redefined_function_is_transformed_again(tmp_path):
    path = tmp_path / "redefined.py"
    path.write_text("import numpy as np\n\n\ndef f(x):\n    return np.sum(x * x)\n")
    namespace = {"__name__": "redefined"}
    exec(compile(path.read_text(), str(path), "exec"), namespace)
    x = np.array([0.5, 2.0])
    np.testing.assert_allclose(s2s.grad(namespace["f"])(x), 2 * x)
    count = api.transform_count()
    path.write_text("import numpy as np\n\n\ndef f(x):\n    return np.sum(x * x * x)\n")
    linecache.checkcache(str(path))
    exec(compile(path.read_text(), str(path), "exec"), namespace)
    np.testing.assert_allclose(s2s.grad(namespace["f"])(x), 3 * x * x)
    assert api.transform_count() == count + 1


def test_a_redefined_callee_invalidates(restore_inspected):
    """A subroutine's redefinition counts, two calls deep (calls_middle -> middle -> scale)."""
    x = np.array([0.1, 0.3])
    g = s2s.grad(inspected.calls_middle)
    np.testing.assert_allclose(g(x), 3.0 * np.cos(3.0 * x))
    count = api.transform_count()
    inspected.scale = inspected.weights  # now 2.0 * x
    np.testing.assert_allclose(g(x), 2.0 * np.cos(2.0 * x))
    np.testing.assert_allclose(s2s.grad(inspected.calls_middle)(x), 2.0 * np.cos(2.0 * x))
    assert api.transform_count() == count + 1


def test_a_callee_redefined_in_another_module_invalidates(tmp_path, monkeypatch):
    (tmp_path / "inner_mod.py").write_text("def act(x):\n    return x * x\n\n\ndef cube(x):\n    return x * x * x\n")
    (tmp_path / "outer_mod.py").write_text("import numpy as np\n\nimport inner_mod\n\n\n"
                                           "def f(x):\n    return np.sum(inner_mod.act(x))\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import inner_mod
    import outer_mod

    try:
        x = np.array([0.5, -1.0])
        np.testing.assert_allclose(s2s.grad(outer_mod.f)(x), 2 * x)
        count = api.transform_count()
        inner_mod.act = inner_mod.cube
        np.testing.assert_allclose(s2s.grad(outer_mod.f)(x), 3 * x * x)
        assert api.transform_count() == count + 1
    finally:
        import sys

        sys.modules.pop("inner_mod", None)
        sys.modules.pop("outer_mod", None)

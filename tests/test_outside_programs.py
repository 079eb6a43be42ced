"""What s2s refuses, and how it keeps derivatives right, for programs written elsewhere (issue 15).

The supported programs of issue 15 are rows of the shared table (tests/functions.py,
tag "outside"); these are the ones s2s must refuse with an S2SError naming the
line, the cache's defaults, and a source file edited after import.
"""
import importlib
import linecache
import re
import sys
import textwrap

import numpy as np
import pytest

import s2s

import outside_programs as P


def marker_line(key):
    with open(P.__file__, encoding="utf-8") as f:
        found = [n for n, line in enumerate(f, 1) if line.rstrip().endswith("# <- " + key)]
    assert len(found) == 1
    return found[0]


REFUSED = [
    # (function, args, marker of the line named, words the message must hold)
    (P.uses_eval, (1.5,), "eval", ["eval", "cannot see inside"]),
    (P.uses_exec, (1.5,), "exec", ["exec"]),
    (P.through_a_list_helper, (3.0,), "push", ["st.append", "caller's list"]),
    (P.mutates_its_list, ([2.0, 3.0],), "own-append", ["xs.append", "caller's list"]),
    (P.alias_of_zero_d, (np.array([1.0, 2.0, 3.0, 4.0]),), "alias-imul", ["u *= 0.5", "in place"]),
    (P.alias_of_view, (np.array([1.0, 2.0, 3.0, 4.0]),), "view-iadd", ["v += 1.0", "in place"]),
    (P.alias_in_a_tuple, (np.array([1.0, 2.0]),), "tuple-imul", ["u *= x", "in place"]),
    (P.alias_in_a_list, (np.array([1.0, 2.0]),), "list-imul", ["t *= x", "in place"]),
    (P.row_of_a_matrix, (np.array([1.0, 2.0]),), "row-imul", ["r *= 3.0", "in place"]),
    (P.two_names_for_a_copy, (1.5, np.array([3.0, 4.0])), "held-elsewhere", ["`d` holds the same array"]),
    (P.view_read_after_a_write, (1.5, np.array([3.0, 4.0, 5.0])), "view-after-write", ["`v` holds the same array"]),
]


@pytest.mark.parametrize("fn,args,key,words", REFUSED, ids=[r[2] for r in REFUSED])
@pytest.mark.parametrize("make", [s2s.grad, s2s.value_and_grad])
def test_refused_with_the_line(make, fn, args, key, words):
    wrt = 0
    with pytest.raises(s2s.S2SError) as info:
        make(fn, wrt=wrt)(*args)
    message = str(info.value)
    assert re.search(r"outside_programs\.py:{}(?!\d)".format(marker_line(key)), message), message
    for word in words:
        assert word in message, message


def test_a_parameter_copied_first_may_be_written():
    gx, gd = s2s.grad(P.copies_its_parameter_first, wrt=(0, 1))(1.5, np.array([3.0, 4.0]))
    assert gx == 8.0 and np.array_equal(gd, [0.0, 3.0])


def test_a_list_argument_rebuilt_first_is_fine():
    assert s2s.grad(P.rebuilds_its_list)([2.0, 3.0]) == [1.0, 0.0]


def test_refused_in_forward_mode_too():
    with pytest.raises(s2s.S2SError):
        s2s.jvp(P.alias_of_zero_d)(np.array([1.0, 2.0, 3.0, 4.0]), np.ones(4))
    with pytest.raises(s2s.S2SError):
        s2s.jvp(P.uses_eval)(1.5, 1.0)


def test_functions_sharing_code_keep_their_own_defaults():
    first, second = P.defaults_factory()
    assert first.__code__ is second.__code__
    assert s2s.grad(first)(1.0) == 1.0
    assert s2s.grad(second)(1.0) == 2.0
    g = s2s.grad(first)
    assert g(1.0) == 1.0
    first.__defaults__ = (5.0,)  # the generated code held the old default: made again
    assert g(1.0) == 5.0 == first(1.0) / 1.0


def test_a_source_file_edited_after_import_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "edited_module.py"
    path.write_text("def f(x):\n    return x * x\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module("edited_module")
    try:
        path.write_text(textwrap.dedent("""\
            def f(x):
                return x * x * x
        """))
        linecache.checkcache()
        with pytest.raises(s2s.S2SError) as info:
            s2s.grad(module.f)(2.0)
        assert "edited_module.py:1" in str(info.value) and "not the code f runs" in str(info.value)
        importlib.reload(module)
        assert s2s.grad(module.f)(2.0) == 12.0
    finally:
        sys.modules.pop("edited_module", None)

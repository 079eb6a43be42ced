"""tests/arrays_expected.py (the refusals the array test files assert) is well formed, and docs/arrays.md shows it."""
try:
    from . import arrays_expected, arrays_refusals, arrays_table
except ImportError:
    import arrays_expected
    import arrays_refusals
    import arrays_table

CASES = {c.name for c in arrays_table.SUPPORTED if arrays_table.has_array(c.args)}


def test_every_listed_refusal_names_a_case_the_tests_run():
    assert set(arrays_expected.REFUSED) <= set(arrays_refusals.FILES)
    for library, rows in arrays_expected.REFUSED.items():
        for (name, mode), why in rows.items():
            assert name in CASES, "{}: {} is not a case of the table with arrays (remove its row)".format(library, name)
            assert mode in arrays_refusals.MODES and why, (library, name, mode)


def test_the_table_is_written_as_the_generator_writes_it():
    assert arrays_refusals.TABLE.read_text() == arrays_refusals.expected_source(arrays_expected.REFUSED), (
        "tests/arrays_expected.py was edited by hand; regenerate it with `{}`".format(arrays_refusals.REGENERATE))


def test_docs_arrays_md_is_current():
    want = arrays_refusals.render(arrays_expected.REFUSED, sorted(CASES))
    assert arrays_refusals.DOC.read_text() == want, (
        "docs/arrays.md is out of date; regenerate it with `{} --docs`".format(arrays_refusals.REGENERATE))


def test_cause_keeps_the_first_clause_of_the_message_without_the_source_line():
    failed = ("functions.py:456 `return np.sum(x * (x > 0))`: the derivative's code failed on array_api_strict arrays "
              "(TypeError: Only numeric dtypes are allowed in __mul__). s2s runs it with NumPy's names over that "
              "library; pass NumPy arrays for this function")
    assert arrays_refusals.cause(failed) == "TypeError: Only numeric dtypes are allowed in __mul__"
    missing = ("functions.py:9 `y = np.split(x, 2)`: np.split: dask has no such function, and s2s has no version "
               "of it written with the array API standard; pass NumPy arrays")
    assert arrays_refusals.cause(missing) == "np.split: dask has no such function"
    assert arrays_refusals.cause("the arguments mix arrays of several libraries (x); pass arrays of one library") \
        == "the arguments mix arrays of several libraries"

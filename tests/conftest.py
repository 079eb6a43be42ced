"""Shared fixtures."""
import contextlib

import numpy as np
import pytest

import functions


@pytest.fixture
def rng():
    """A seeded generator, fresh for every test."""
    return np.random.default_rng(0)


@pytest.fixture(autouse=True)
def _off_domain_on_purpose(request):
    """A test parametrized by a table case tagged "off_domain" runs in that case's ``functions.errstate``."""
    callspec = getattr(request.node, "callspec", None)
    cases = [p for p in callspec.params.values() if "off_domain" in getattr(p, "tags", ())] if callspec else []
    with functions.errstate(cases[0]) if cases else contextlib.nullcontext():
        yield

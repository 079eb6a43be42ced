"""A random-program fuzzer for s2s: generated Python/NumPy functions, every mode checked.

``generate`` writes programs from the supported subset (reproducible from a seed, or driven
by Hypothesis), ``check`` compares every mode with central differences and classifies the
result, ``python -m tests.fuzz --n 10000`` runs a long campaign (see ``__main__``).
"""
import tempfile

from .checker import Result, check, normalize  # noqa: F401 (re-exported)
from .generator import Drawn, Seeded, generate  # noqa: F401 (re-exported)


def run_seed(seed, folder, hessian=True):
    """The program of ``seed`` and its ``Result``."""
    program = generate(Seeded(seed))
    return program, check(program, folder, hessian=hessian)


def temporary_folder():
    return tempfile.mkdtemp(prefix="s2s_fuzz_")

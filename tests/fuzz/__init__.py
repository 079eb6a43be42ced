"""A random-program fuzzer for s2s: generated Python/NumPy functions, every mode checked.

``generate`` writes programs from the supported subset (reproducible from a seed, or driven
by Hypothesis), ``check`` compares every mode with central differences and classifies the
result, ``python -m tests.fuzz --n 10000`` runs a long campaign (see ``__main__``).
"""
import tempfile

from .checker import Result, check, normalize
from .generator import Drawn, Seeded, generate

__all__ = ["Drawn", "Result", "Seeded", "check", "generate", "normalize", "run_seed", "temporary_folder"]


def run_seed(seed, folder, hessian=True):
    """The program of ``seed`` and its ``Result``."""
    program = generate(Seeded(seed))
    return program, check(program, folder, hessian=hessian)


def temporary_folder():
    return tempfile.mkdtemp(prefix="s2s_fuzz_")

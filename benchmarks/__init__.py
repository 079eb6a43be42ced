"""Benchmarks of s2s's generated gradients against hand-written NumPy and other tools.

Run by hand, never in CI: ``python -m benchmarks [--workload NAME] [--quick]``.
Peers (autograd, JAX, PyTorch, matplotlib for the chart) are the optional
extra ``pip install -e '.[bench]'``; a missing one is reported and skipped.
"""

"""Analyses over the core form and generated code; each attaches or returns facts, never rewrites.

- ``activity``: which names carry derivatives (varied and useful);
- ``kinds``: which names hold Python ints, and which surely hold arrays;
- ``shapes``: the shape of every local name of a generated function, where it is known;
- ``seeds``: which expressions run on all seeds of a batched value at once.

Takes a tree; returns facts about it. Imports ``s2s.common``, ``s2s.rules`` (which
callees are differentiable) and ``s2s.runtime``.
"""

"""Forward mode: tangent statements interleaved with the primal ones.

- ``tangents``: a primitive's tangent template instantiated at a call site;
- ``sweep``: the function-by-function pass (``Forward``) that places them, batched or not.

Takes the annotated core form; returns gast statements. Imports ``s2s.analysis``,
``s2s.rules``, ``s2s.frontend``, ``s2s.common`` and ``s2s.runtime``, never ``s2s.reverse``.
"""

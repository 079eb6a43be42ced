"""Reverse mode: from a core-form function to its primal and adjoint sweeps.

Modules, each importing only the ones before it:

- ``nodes``: the pseudo-statements of the adjoint sweep (``Acc``, ``AccAt``, ...) and the
  save/restore markers;
- ``loops``: the store-all loop schedule; ``checkpoint``: binomial and online
  checkpointing, plugged in with the same interface;
- ``sweeps``: the statement-by-statement reversal (``Reverse``);
- ``saves``: where values are saved and restored, once the adjoint code is known;
- ``accumulate``: adjoint pseudo-statements to plain code;
- ``batch``: the adjoint sweep rewritten for k cotangents at once.

Takes the annotated core form; returns gast statements of the two sweeps. Imports
``s2s.analysis``, ``s2s.rules``, ``s2s.frontend``, ``s2s.common`` and ``s2s.runtime``,
never ``s2s.forward``.
"""

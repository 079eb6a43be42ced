"""The public surface, and the driver that runs the pipeline for it.

- ``pipeline``: one transformation, stage after stage (parse, normalize, analyze,
  reverse or forward, specialize, optimize), for a function and the user functions it calls;
- ``transforms``: ``grad``, ``value_and_grad``, ``vjp``, ``jvp`` and ``source``, with the
  cache of generated code (emit and load run here);
- ``jacobians``: ``jacobian``, ``hessian`` and ``hvp``, assembled from generated derivatives;
- ``check``: ``check_grad``, against central differences;
- ``cli``: the ``s2s`` command.

Takes user functions; returns callables and source text. May import every stage;
only ``s2s.sparse`` and ``s2s/__init__.py`` import it.
"""

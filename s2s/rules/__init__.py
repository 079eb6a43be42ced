"""Derivative rules: the labels templates wear, the engine that loads and instantiates them.

- ``labels``: the decorators of the template files in ``templates/`` (``adjoint``,
  ``tangent``, ``linear``, ``elementwise``, ...), re-exported here for them;
- ``templates``: the template engine: a read-only registry built from ``templates/``,
  and instantiation of a rule at a call site;
- ``operators``: the primitive each Python operator stands for;
- ``user``: ``s2s.adjoint`` and ``s2s.tangent``, a user's own rules;
- ``coverage``: what the rules cover, as rows and as Markdown.

Takes a primitive and a call site; returns the derivative statements. Imports
``s2s.common`` and ``s2s.runtime`` only. Template files import only this package's
labels and ``s2s.runtime``.
"""
from s2s.rules.labels import Label, adjoint, batched, elementwise, linear, tangent

__all__ = ["Label", "adjoint", "batched", "elementwise", "linear", "tangent"]

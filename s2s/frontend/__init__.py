"""Front end: from a Python function object to the core form.

- ``parse``: source text to a gast tree, every free name resolved to an object,
  every statement tagged with its origin (file, line, text);
- ``normalize``: desugaring, jump lowering and A-normal form, down to the core
  grammar stated in ``normalize/anf.py``.

Takes a function; returns its core form. Imports ``s2s.common`` and ``s2s.runtime``
(the loop marker ``s2s.checkpointed``) only.
"""

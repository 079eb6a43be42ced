"""Back end: from generated trees to source text and callables.

- ``specialize``: rewrites a generated gradient for the shapes a call shows;
- ``optimize`` (with ``stacks``): clean-ups that keep numbers and shapes identical;
- ``emit``: unparsing, with comments tying each block to the user's source line;
- ``loader``: compiling the source into callables, registered with ``linecache``;
- ``standalone``: a derivative file that runs without s2s;
- ``highlight``: ANSI colours for source on a terminal.

Takes generated FunctionDefs; returns text and callables. Imports ``s2s.analysis``
(shape facts), ``s2s.common`` and ``s2s.runtime``, never a differentiation stage.
"""

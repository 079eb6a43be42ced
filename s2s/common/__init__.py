"""What every stage shares: the tree, its annotations, names, and the errors about the user's code.

- ``anno``: typed annotations stored on nodes (the only way stages pass facts along);
- ``astutil``: small builders and walkers for gast trees;
- ``naming``: deterministic fresh names;
- ``refs``: references to Python objects from generated code, by object and not by spelling;
- ``errors``: the ``S2SError`` family and the helpers that phrase its messages.

Takes and returns nothing by itself. Imports only ``s2s.runtime`` (where ``S2SError``
lives, so generated code can raise it); every other package may import it.
"""

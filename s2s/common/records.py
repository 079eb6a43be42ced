"""Methods of the records (dataclass instances, objects) a transform was called with.

``s2s.api.transforms`` finds, among the arguments, the classes of the records
and the methods they define in Python; the normalizer then turns
``self.predict(x)`` into a call of ``Model.predict(self, x)``, which is
differentiated like any function whose source s2s reads. A method name that
two classes define differently, or that is an ndarray method or one with a
rule (``templates/methods.py``), is left out: such a call stays refused.
"""


class RecordMethod:
    """Entry of the normalizer's method table for a method of a record's class: ``fn(receiver, *args)``."""

    def __init__(self, fn):
        self.fn = fn

    def __repr__(self):
        return "RecordMethod({})".format(getattr(self.fn, "__qualname__", self.fn))

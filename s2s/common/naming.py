"""Deterministic fresh names.

Names are counter-suffixed and checked against every name already used, so
the same input always produces byte-identical source.
"""


class Namer:
    """Hands out names that collide with no name in ``taken``."""

    def __init__(self, taken=()):
        self.taken = set(taken)
        self.counters = {}

    def reserve(self, name):
        self.taken.add(name)
        return name

    def fresh(self, base):
        """``base`` itself if free, else ``base2``, ``base3``, ..."""
        base = base or "t"
        if base not in self.taken and not base[-1].isdigit():
            return self.reserve(base)
        n = self.counters.get(base, 1)
        while True:
            n += 1
            candidate = "{}{}{}".format(base, "_" if base[-1].isdigit() else "", n)
            if candidate not in self.taken:
                self.counters[base] = n
                return self.reserve(candidate)

    def temp(self):
        """A name for an intermediate value: t1, t2, ..."""
        n = self.counters.get("#temp", 0)
        while True:
            n += 1
            candidate = "t{}".format(n)
            if candidate not in self.taken:
                self.counters["#temp"] = n
                return self.reserve(candidate)

"""Random Python/NumPy programs from the subset s2s supports (README "What is supported").

``generate(source)`` takes a chooser (``Seeded(seed)`` for the long runs, ``Drawn(data)`` for
Hypothesis, which then shrinks the choices) and leaves a ``Program``: the text of a module
(helpers, then ``f``), the arguments to call ``f`` with and the ``wrt`` to differentiate.
Every choice goes through the chooser, so a seed reproduces its program exactly; choice 0
is always the simplest option, so that shrinking makes programs smaller.

Values stay in safe domains (``log``/``sqrt`` of ``a * a + 1.0``, ``exp`` of a ``tanh``,
quotients by ``b * b + 1.0``) and arguments are never modified in place (the generator
tracks which names may share memory with an argument), so that central differences of
the program are a valid oracle for its derivatives.
"""
import random

import numpy as np

# Constructs issue 15 fixes in s2s itself (rows 1, 2-3 and 4 of its table); generated again
# once those fixes are merged (set the flag to False).
EXCLUDE_ITERATED_REBIND = False  # `for e in x: ...; x = ...`
EXCLUDE_SELF_ASSIGN = False      # `s = s`, `y[:] = y`
EXCLUDE_ZERO_D_ALIAS = False     # an alias of a 0-d np.where result updated in place
# Found by this fuzzer, fixed on main (tests/test_fuzz_found.py): `(-0.5) ** 2` was generated
# as `-0.5 ** 2`.
EXCLUDE_NEGATIVE_CONSTANT_POWER = False
# In-place updates of an array another name can see (`u = t`, `u = t[1:3]`, `u = p[0]`, a list
# element, a row of `for r in t`) gave wrong values and derivatives: `u op= v` and `u[i] = v` are
# refused now (S2SErrors).
EXCLUDE_AUGMENTED_ON_SHARED = False
EXCLUDE_WRITE_ON_SHARED = False
# Found by this fuzzer on main after 182ebeb (tests/test_fuzz_found.py): the run-time alias check of
# `t op= v` named aliases bound only later, an UnboundLocalError (fixed).
EXCLUDE_AUGMENTED_ASSIGNMENT = False
# Found by this fuzzer (tests/test_fuzz_found.py): `y[:, 2] = y[1]`, a write whose value is a view
# the write overlaps (NumPy copies element by element), got a wrong derivative; now refused at run
# time where the two overlap (s2s.runtime.apart).
EXCLUDE_WRITE_FROM_ITSELF = False

# Containers: a dict argument (parameters as people keep them: its entries are read, never written)
# and dicts built inside the function (literals read by key later).
DICT_ARGUMENTS = True
LOCAL_DICTS = False
# The constructs of issue 17 inside the function: a def or lambda reading the names around it,
# `with np.errstate(...)` blocks, and `else` on a for loop.
LOCAL_FUNCTIONS = True
BLOCKS = True

SIZES = (2, 3, 4)
ARGUMENT = "*"    # in a set of names an expression may share memory with: "an argument of the caller"


class Seeded:
    """Choices from ``random.Random(seed)``: no global random state."""

    def __init__(self, seed):
        self.rng = random.Random(seed)

    def below(self, n):
        return self.rng.randrange(n)

    def real(self, lo, hi):
        return round(self.rng.uniform(lo, hi), 3)


class Drawn:
    """Choices drawn from a Hypothesis ``data`` object (shrinks toward choice 0)."""

    def __init__(self, data):
        from hypothesis import strategies as st
        self.data, self.st = data, st

    def below(self, n):
        return self.data.draw(self.st.integers(0, n - 1)) if n > 1 else 0

    def real(self, lo, hi):
        # an integer, spread over [lo, hi) along the golden-ratio sequence: shrinking to 0 gives
        # lo + 0.1234 (hi - lo), not a value on the thresholds and ties that 0.0 sits on
        k = self.data.draw(self.st.integers(0, 10 ** 6))
        return round(lo + (hi - lo) * ((0.1234 + k * 0.6180339887) % 1.0), 3)


class Program:
    def __init__(self, source, args, wrt):
        self.source, self.args, self.wrt = source, args, wrt


class Var:
    def __init__(self, name, shape, unsafe, owned=False, frozen=False):
        self.name, self.shape, self.unsafe = name, shape, unsafe   # unsafe: may share an argument's memory
        self.owned = owned and not unsafe                          # owned: no other name can see its memory
        self.frozen = frozen                                       # frozen: iterated by an enclosing for

    @property
    def entry(self):
        """A dict's entry (``p["w"]``): read, never a target."""
        return "[" in self.name

    def writable(self, write=False):
        """Whether an in-place update (``write``: a subscript assignment) of this name is generated."""
        excluded = EXCLUDE_WRITE_ON_SHARED if write else EXCLUDE_AUGMENTED_ON_SHARED
        return not self.unsafe and (self.owned or not excluded) and not self.frozen and not self.entry

    def rebindable(self):
        return not (self.frozen and EXCLUDE_ITERATED_REBIND) and not self.entry


class Gen:
    def __init__(self, pick):
        self.pick = pick
        self.count = 0
        self.helpers = []     # (name, param shapes, result shape, returns a pair)
        self.lines = []
        self.sizes = (self.one(SIZES), self.one(SIZES))     # two lengths per program: shapes that meet

    # -- choices --------------------------------------------------------------------------
    def chance(self, percent):
        return self.pick.below(100) >= 100 - percent

    def one(self, seq):
        return seq[self.pick.below(len(seq))]

    def fresh(self, stem):
        self.count += 1
        return "{}{}".format(stem, self.count)

    def shape(self, allow=(0, 1, 2)):
        rank = self.one(allow)
        return tuple(self.one(self.sizes) for _ in range(rank))

    def emit(self, indent, text):
        self.lines.append("    " * indent + text)

    # -- expressions: (code, names whose memory it may share) ------------------------------
    def expr(self, scope, shape, depth):
        if depth <= 0 or self.pick.below(3) == 0:
            return self.leaf(scope, shape)
        rules = [self.binop, self.unary, self.binop, self.quotient, self.reduce, self.matmul,
                 self.index_of, self.where, self.helper_call, self.reshape]
        for _ in range(4):
            got = self.one(rules)(scope, shape, depth - 1)
            if got is not None:
                return got
        return self.leaf(scope, shape)

    def scalar(self, scope, depth):
        return self.expr(scope, (), depth)[0]

    def leaf(self, scope, shape):
        same = [v for v in scope.values() if v.shape == shape]
        arrays = [v for v in scope.values() if v.shape]
        if same and self.pick.below(4):
            v = self.one(same)
            return v.name, {v.name}
        if shape == ():
            if arrays and self.chance(50):
                v = self.one(arrays)
                return "{}[{}]".format(v.name, ", ".join(str(self.pick.below(n)) for n in v.shape)), set()
            return repr(self.pick.real(-2.0, 2.0)), set()
        if len(shape) == 1:
            n = shape[0]
            longer = [v for v in arrays if len(v.shape) == 1 and v.shape[0] >= n]
            rows = [v for v in arrays if len(v.shape) == 2 and n in v.shape]
            if longer and self.chance(50):
                v = self.one(longer)
                if v.shape[0] == n and self.chance(30):
                    return v.name + "[::-1]", {v.name}
                a = self.pick.below(v.shape[0] - n + 1)
                return "{}[{}:{}]".format(v.name, a, a + n), {v.name}
            if rows and self.chance(50):
                v = self.one(rows)
                if v.shape[1] == n:
                    return "{}[{}]".format(v.name, self.pick.below(v.shape[0])), {v.name}
                return "{}[:, {}]".format(v.name, self.pick.below(v.shape[1])), {v.name}
        if len(shape) == 2:
            flipped = [v for v in arrays if v.shape == shape[::-1]]
            if flipped and self.chance(60):
                v = self.one(flipped)
                return v.name + ".T", {v.name}
        size = int(np.prod(shape))
        flat = [v for v in arrays if int(np.prod(v.shape)) == size and v.shape != shape]
        if flat and self.chance(50):
            v = self.one(flat)
            how = ".ravel()" if len(shape) == 1 else ".reshape({})".format(", ".join(map(str, shape)))
            return v.name + how, {v.name}
        const = "np.linspace(0.5, 1.5, {})".format(size)
        if len(shape) == 2:
            const += ".reshape({}, {})".format(*shape)
        return "({} * {})".format(const, self.scalar(scope, 0)), set()

    def binop(self, scope, shape, depth):
        a, _ = self.expr(scope, shape, depth)
        b, _ = self.expr(scope, shape if self.chance(60) else (), depth)
        if self.chance(50):
            a, b = b, a
        return "({} {} {})".format(a, self.one(["+", "*", "-"]), b), set()

    def quotient(self, scope, shape, depth):
        a, _ = self.expr(scope, shape, depth)
        b, _ = self.expr(scope, shape if self.chance(50) else (), depth)
        return "({} / ({} * {} + 1.0))".format(a, b, b), set()

    def unary(self, scope, shape, depth):
        a, _ = self.expr(scope, shape, depth)
        forms = ["np.sin({0})", "np.tanh({0})", "np.cos({0})", "np.exp(np.tanh({0}))",
                 "np.log({0} * {0} + 1.0)", "np.sqrt({0} * {0} + 1.0)", "({0}) ** 2", "(-{0})",
                 "np.square({0})", "np.exp(-({0}) ** 2)"]
        if shape == ():
            forms += ["math.sin({0})", "math.exp(math.tanh({0}))", "math.sqrt({0} * {0} + 1.0)",
                      "math.log({0} * {0} + 1.0)", "math.cos({0})", "math.tanh({0})"]
        form = self.one(forms)
        if EXCLUDE_NEGATIVE_CONSTANT_POWER and "**" in form and a.startswith("-"):
            form = "np.square({0})"
        return form.format(a), set()

    def reduce(self, scope, shape, depth):
        if len(shape) == 2:
            return None
        if shape == ():
            src = self.shape((1, 2))
            a, _ = self.expr(scope, src, depth)
            form = self.one(["np.sum({})", "np.mean({})", "np.max({})", "({}).sum()", "np.min({})"])
            return form.format(a), set()
        if self.chance(15):
            return "np.cumsum({})".format(self.expr(scope, shape, depth)[0]), set()
        axis = self.pick.below(2)
        src = (shape[0], self.one(self.sizes)) if axis == 1 else (self.one(self.sizes), shape[0])
        a, _ = self.expr(scope, src, depth)
        return "{}({}, axis={})".format(self.one(["np.sum", "np.mean", "np.max"]), a, axis), set()

    def matmul(self, scope, shape, depth):
        k = self.one(self.sizes)
        if shape == ():
            a, _ = self.expr(scope, (k,), depth)
            b, _ = self.expr(scope, (k,), depth)
            return self.one(["np.dot({}, {})", "({} @ {})"]).format(a, b), set()
        if len(shape) == 1:
            m, _ = self.expr(scope, (shape[0], k), depth)
            v, _ = self.expr(scope, (k,), depth)
            if self.chance(40):
                m, _ = self.expr(scope, (k, shape[0]), depth)
                return "({} @ {})".format(v, m), set()
            return self.one(["({} @ {})", "np.dot({}, {})"]).format(m, v), set()
        a, _ = self.expr(scope, (shape[0], k), depth)
        b, _ = self.expr(scope, (k, shape[1]), depth)
        if self.chance(20):
            return "np.outer({}, {})".format(self.expr(scope, (shape[0],), depth)[0],
                                             self.expr(scope, (shape[1],), depth)[0]), set()
        return "({} @ {})".format(a, b), set()

    def index_of(self, scope, shape, depth):
        if len(shape) == 2:
            return None
        if shape == ():
            n = self.one(self.sizes)
            return "({})[{}]".format(self.expr(scope, (n,), depth)[0], self.pick.below(n)), set()
        n = shape[0] + self.pick.below(2)
        a = self.pick.below(n - shape[0] + 1)
        inner, alias = self.expr(scope, (n,), depth)
        return "({})[{}:{}]".format(inner, a, a + shape[0]), alias     # a view

    def where(self, scope, shape, depth):
        if shape == () and EXCLUDE_ZERO_D_ALIAS:
            return None
        a = self.expr(scope, shape, depth)[0]
        b = self.expr(scope, shape, depth)[0]
        c = self.expr(scope, shape, depth)[0]
        return "np.where({} > 0.1, {}, {})".format(c, a, b), set()

    def reshape(self, scope, shape, depth):
        if len(shape) == 2:
            if self.chance(50):
                inner, alias = self.expr(scope, shape[::-1], depth)
                return "({}).T".format(inner), alias      # views
            n = shape[0] * shape[1]
            inner, alias = self.expr(scope, (n,), depth)
            return "np.reshape({}, ({}, {}))".format(inner, *shape), alias
        if len(shape) == 1 and self.chance(50):
            n1 = self.pick.below(shape[0])
            if 0 < n1:
                return "np.concatenate([{}, {}])".format(self.expr(scope, (n1,), depth)[0],
                                                         self.expr(scope, (shape[0] - n1,), depth)[0]), set()
        return None

    def helper_call(self, scope, shape, depth):
        fits = [h for h in self.helpers if h[2] == shape and not h[3]]
        if not fits:
            return None
        name, params, _, _, shares = self.one(fits)
        args = [self.expr(scope, p, depth) for p in params]
        alias = set().union(*(a for _, a in args)) | {ARGUMENT} if shares else set()
        return "{}({})".format(name, ", ".join(code for code, _ in args)), alias

    # -- statements -----------------------------------------------------------------------
    def assign_to(self, scope, indent, var, code, alias):
        unsafe = ARGUMENT in alias or any(scope[n].unsafe for n in alias if n in scope)
        if var.name in scope and not scope[var.name].unsafe and unsafe:
            return False          # a name that owns its memory never starts sharing an argument's
        self.emit(indent, "{} = {}".format(var.name, code))
        self.share(scope, alias)
        scope[var.name] = Var(var.name, var.shape, unsafe, owned=not alias)
        return True

    def share(self, scope, alias):
        for name in alias:
            if name in scope:
                scope[name].owned = False

    def merge(self, scope, inner):
        """After a block: a name may hold what the block bound to it, or what it held before."""
        for name, v in list(scope.items()):
            got = inner[name]
            if got is not v:
                scope[name] = Var(name, v.shape, v.unsafe or got.unsafe, owned=v.owned and got.owned, frozen=v.frozen)

    def block(self, scope, indent, count, depth, loop, out):
        for _ in range(count):
            self.statement(scope, indent, depth, loop, out)

    def statement(self, scope, indent, depth, loop, out):
        kinds = [self.s_new, self.s_rebind, self.s_aug, self.s_copy_write, self.s_if, self.s_for_range,
                 self.s_for_each, self.s_while, self.s_list, self.s_tuple, self.s_alias, self.s_call_pair,
                 self.s_return, self.s_dict, self.s_local, self.s_with]
        if depth > 1:
            kinds = kinds[:4] + [self.s_tuple, self.s_alias]
        if loop:
            kinds = kinds + [self.s_jump, self.s_jump]
        self.one(kinds)(scope, indent, depth, loop, out)

    def s_new(self, scope, indent, depth, loop, out):
        shape = self.shape()
        code, alias = self.expr(scope, shape, 2)
        self.assign_to(scope, indent, Var(self.fresh("t"), shape, False), code, alias)

    def s_rebind(self, scope, indent, depth, loop, out):
        if not scope:
            return self.s_new(scope, indent, depth, loop, out)
        names = [v for v in scope.values() if v.rebindable()]
        if not names:
            return self.s_new(scope, indent, depth, loop, out)
        v = self.one(names)
        code, alias = self.expr(scope, v.shape, 2)
        if EXCLUDE_SELF_ASSIGN and code == v.name:
            return
        self.assign_to(scope, indent, v, code, alias)

    def s_aug(self, scope, indent, depth, loop, out):
        owned = [v for v in scope.values() if v.writable() or (not v.shape and v.rebindable())]
        if not owned:
            return self.s_new(scope, indent, depth, loop, out)
        v = self.one(owned)
        code, _ = self.expr(scope, v.shape if self.chance(50) else (), 1)
        op = self.one(["+", "*", "-"])
        if EXCLUDE_AUGMENTED_ASSIGNMENT:
            self.emit(indent, "{0} = {0} {1} ({2})".format(v.name, op, code))
            scope[v.name] = Var(v.name, v.shape, v.unsafe, owned=True, frozen=v.frozen)
        else:
            self.emit(indent, "{} {}= {}".format(v.name, op, code))

    def s_copy_write(self, scope, indent, depth, loop, out):
        owned = [v for v in scope.values() if v.shape and v.writable(write=True)]
        if owned and self.chance(50):
            v = self.one(owned)
        else:
            shape = self.shape((1, 2))
            code, _ = self.expr(scope, shape, 1)
            v = Var(self.fresh("y"), shape, False, owned=True)
            self.emit(indent, "{} = ({}).copy()".format(v.name, code))
            scope[v.name] = v
        n = v.shape[0]
        if self.chance(50):
            target, value = "[{}]".format(self.pick.below(n)), v.shape[1:]
        else:
            a = self.pick.below(n)
            b = a + 1 + self.pick.below(n - a)
            target, value = "[{}:{}]".format(a, b), (b - a,) + v.shape[1:]
        if len(v.shape) == 2 and self.chance(30):
            j = self.pick.below(v.shape[1])
            target, value = "[:, {}]".format(j), (n,)
        code, alias = self.expr(scope, value, 1)
        if EXCLUDE_SELF_ASSIGN and code == v.name or EXCLUDE_WRITE_FROM_ITSELF and v.name in alias:
            return
        self.emit(indent, "{}{} = {}".format(v.name, target, code))

    def cond(self, scope):
        return "{} > {}".format(self.scalar(scope, 1), self.scalar(scope, 1))

    def sub_block(self, scope, indent, depth, loop, out, count=None):
        inner = dict(scope)
        self.block(inner, indent, count or 1 + self.pick.below(3), depth, loop, out)
        self.merge(scope, inner)

    def s_if(self, scope, indent, depth, loop, out):
        self.emit(indent, "if {}:".format(self.cond(scope)))
        self.sub_block(scope, indent + 1, depth + 1, loop, out)
        if self.chance(50):
            self.emit(indent, "else:")
            self.sub_block(scope, indent + 1, depth + 1, loop, out)

    def s_jump(self, scope, indent, depth, loop, out):
        self.emit(indent, "if {}:".format(self.cond(scope)))
        self.emit(indent + 1, self.one(["break", "continue"]))

    def s_return(self, scope, indent, depth, loop, out):
        if indent == 1 or out is None:
            return
        self.emit(indent, "return {}".format(self.expr(scope, out, 2)[0]))

    def s_for_range(self, scope, indent, depth, loop, out):
        i, c = self.fresh("i"), self.fresh("c")
        self.emit(indent, "for {} in range({}):".format(i, 1 + self.pick.below(3)))
        inner = dict(scope)
        self.emit(indent + 1, "{} = {} * 0.5".format(c, i))     # the int index, as a float the body may use
        inner[c] = Var(c, (), False)
        self.sub_block_from(scope, inner, indent + 1, depth + 1, out)
        if BLOCKS and self.chance(20):  # runs unless a break left the loop
            self.emit(indent, "else:")
            self.sub_block(scope, indent + 1, depth + 1, loop, out, count=1)

    def s_local(self, scope, indent, depth, loop, out):
        """A def or lambda reading the names around it (a closure), called where it is made."""
        if not LOCAL_FUNCTIONS:
            return self.s_new(scope, indent, depth, loop, out)
        shape = self.shape()
        g, k = self.fresh("g"), self.fresh("k")
        inner = dict(scope)
        inner[k] = Var(k, shape, True)
        code, alias = self.expr(inner, shape, 1)
        if self.chance(50):
            self.emit(indent, "{} = lambda {}: {}".format(g, k, code))
        else:
            self.emit(indent, "def {}({}):".format(g, k))
            self.emit(indent + 1, "return {}".format(code))
        arg, arg_alias = self.expr(scope, shape, 1)
        alias = (alias - {k}) | (arg_alias if k in alias else set())
        self.assign_to(scope, indent, Var(self.fresh("t"), shape, False), "{}({})".format(g, arg), alias)

    def s_with(self, scope, indent, depth, loop, out):
        """Statements under ``with np.errstate(...)`` (no jumps inside)."""
        if not BLOCKS:
            return self.s_new(scope, indent, depth, loop, out)
        self.emit(indent, "with np.errstate({}='ignore'):".format(self.one(["divide", "invalid", "over", "all"])))
        self.sub_block(scope, indent + 1, depth + 1, False, None)

    def sub_block_from(self, scope, inner, indent, depth, out, loop=True):
        if EXCLUDE_AUGMENTED_ON_SHARED or EXCLUDE_WRITE_ON_SHARED:
            # a later iteration may see what an earlier one shared
            for name, v in list(inner.items()):
                inner[name] = Var(name, v.shape, v.unsafe, owned=False, frozen=v.frozen)
        self.block(inner, indent, 1 + self.pick.below(3), depth, loop, out)
        self.merge(scope, inner)

    def s_for_each(self, scope, indent, depth, loop, out):
        arrays = [v for v in scope.values() if v.shape]
        if not arrays:
            return self.s_for_range(scope, indent, depth, loop, out)
        seq = self.one(arrays)
        e = self.fresh("e")
        inner = dict(scope)
        how = self.pick.below(3)
        if how == 1:
            k = self.fresh("k")
            self.emit(indent, "for {}, {} in enumerate({}):".format(k, e, seq.name))
        elif how == 2:
            mates = [v for v in arrays if v.shape[:1] == seq.shape[:1]]
            mate = self.one(mates)
            e2 = self.fresh("e")
            self.emit(indent, "for {}, {} in zip({}, {}):".format(e, e2, seq.name, mate.name))
            self.share(scope, {mate.name})
            inner[mate.name] = Var(mate.name, mate.shape, mate.unsafe, frozen=True)
            inner[e2] = Var(e2, mate.shape[1:], mate.unsafe)
        else:
            self.emit(indent, "for {} in {}:".format(e, seq.name))
        self.share(scope, {seq.name})
        inner[seq.name] = Var(seq.name, seq.shape, seq.unsafe, frozen=True)
        inner[e] = Var(e, seq.shape[1:], seq.unsafe)
        if self.chance(25):
            code, alias = self.expr(inner, inner[e].shape, 1)
            self.assign_to(inner, indent + 1, inner[e], code, alias)
        if not EXCLUDE_ITERATED_REBIND and not seq.entry and self.chance(15):
            code, alias = self.expr(inner, seq.shape, 1)
            self.assign_to(inner, indent + 1, Var(seq.name, seq.shape, seq.unsafe), code, alias)
        self.sub_block_from(scope, inner, indent + 1, depth + 1, out)

    def s_while(self, scope, indent, depth, loop, out):
        k = self.fresh("k")
        self.emit(indent, "{} = 0".format(k))
        self.emit(indent, "while {} < {}:".format(k, 1 + self.pick.below(3)))
        self.emit(indent + 1, "{} += 1".format(k))
        self.sub_block_from(scope, dict(scope), indent + 1, depth + 1, out)

    def s_list(self, scope, indent, depth, loop, out):
        shape = self.shape((0, 1))
        acc = self.fresh("acc")
        self.emit(indent, "{} = []".format(acc))
        i = self.fresh("i")
        n = 1 + self.pick.below(3)
        self.emit(indent, "for {} in range({}):".format(i, n))
        inner = dict(scope)
        code, alias = self.expr(inner, shape, 2)
        self.emit(indent + 1, "{}.append({})".format(acc, code))
        self.share(scope, alias)
        if self.chance(25):  # the list read and written from its end while it grows
            self.emit(indent + 1, "{a}[-1] = {a}[-1] * {c!r}".format(a=acc, c=round(self.pick.real(-2.0, 2.0), 3)))
        if self.chance(35):
            last = self.fresh("l")
            form = self.one(["{}[-1] * 1.5", "np.sum(np.stack({}[-2:]), axis=0)"])
            self.emit(indent + 1, "{} = {}".format(last, form.format(acc)))
            inner[last] = Var(last, shape, False, owned=True)
        # no break or continue at this level: the list gets its n elements (or the function returns)
        self.sub_block_from(scope, inner, indent + 1, depth + 1, out, loop=False)
        form = self.one(["np.stack({})", "sum({})", "np.array({})"])
        name = self.fresh("t")
        self.emit(indent, "{} = {}".format(name, form.format(acc)))
        scope[name] = Var(name, shape if form.startswith("sum") else (n,) + shape, False, owned=True)

    def s_tuple(self, scope, indent, depth, loop, out):
        a, b = self.shape(), self.shape()
        ca, aa = self.expr(scope, a, 1)
        cb, ab = self.expr(scope, b, 1)
        p, n1, n2 = self.fresh("p"), self.fresh("u"), self.fresh("u")
        self.emit(indent, "{} = ({}, {})".format(p, ca, cb))
        if self.chance(50):
            self.emit(indent, "{}, {} = {}".format(n1, n2, p))
        else:
            self.emit(indent, "{} = {}[0]".format(n1, p))
            self.emit(indent, "{} = {}[1]".format(n2, p))
        scope[n1] = Var(n1, a, any(scope[n].unsafe for n in aa if n in scope), owned=not aa)
        scope[n2] = Var(n2, b, any(scope[n].unsafe for n in ab if n in scope), owned=not ab)
        self.share(scope, aa | ab)

    def s_dict(self, scope, indent, depth, loop, out):
        if not LOCAL_DICTS:
            return self.s_new(scope, indent, depth, loop, out)
        d = self.fresh("d")
        entries = []
        for key in ("a", "b")[:1 + self.pick.below(2)]:
            shape = self.shape()
            code, alias = self.expr(scope, shape, 1)
            entries.append((key, shape, code, alias))
        self.emit(indent, "{} = {{{}}}".format(d, ", ".join('"{}": {}'.format(k, c) for k, _, c, _ in entries)))
        for key, shape, code, alias in entries:
            unsafe = ARGUMENT in alias or any(scope[n].unsafe for n in alias if n in scope)
            self.share(scope, alias)
            name = '{}["{}"]'.format(d, key)
            scope[name] = Var(name, shape, unsafe)

    def s_alias(self, scope, indent, depth, loop, out):
        if not scope:
            return self.s_new(scope, indent, depth, loop, out)
        v = self.one(list(scope.values()))
        u = self.fresh("a")
        self.emit(indent, "{} = {}".format(u, v.name))
        v.owned = False
        scope[u] = Var(u, v.shape, v.unsafe)

    def s_call_pair(self, scope, indent, depth, loop, out):
        pairs = [h for h in self.helpers if h[3]]
        if not pairs:
            return self.s_new(scope, indent, depth, loop, out)
        name, params, shapes, _, shares = self.one(pairs)
        args = [self.expr(scope, p, 1) for p in params]
        if shares:
            self.share(scope, set().union(*(a for _, a in args)))
        args = [code for code, _ in args]
        n1, n2 = self.fresh("r"), self.fresh("r")
        self.emit(indent, "{}, {} = {}({})".format(n1, n2, name, ", ".join(args)))
        scope[n1] = Var(n1, shapes[0], shares)
        scope[n2] = Var(n2, shapes[1], shares)

    # -- functions ------------------------------------------------------------------------
    def helper(self):
        name = "h{}".format(len(self.helpers) + 1)
        params = [self.shape() for _ in range(1 + self.pick.below(2))]
        scope = {}
        names = []
        for k, shape in enumerate(params):
            names.append("w{}".format(k))
            scope[names[-1]] = Var(names[-1], shape, True)
        default = self.chance(30)
        head = ", ".join(names) + (", c=0.5" if default else "")
        if default:
            scope["c"] = Var("c", (), False)
        self.emit(0, "def {}({}):".format(name, head))
        self.block(scope, 1, self.pick.below(3), 1, False, None)
        pair = self.chance(25)
        if pair:
            shapes = (self.shape(), self.shape())
            results = [self.expr(scope, s, 2) for s in shapes]
        else:
            shapes = self.shape()
            results = [self.expr(scope, shapes, 2)]
        self.emit(1, "return {}".format(", ".join(code for code, _ in results)))
        self.emit(0, "")
        self.emit(0, "")
        shares = any(ARGUMENT in alias or any(scope[n].unsafe for n in alias if n in scope) for _, alias in results)
        self.helpers.append((name, params, shapes, pair, shares))

    def program(self):
        self.emit(0, "import math")
        self.emit(0, "")
        self.emit(0, "import numpy as np")
        self.emit(0, "")
        self.emit(0, "")
        for _ in range(self.pick.below(3)):
            self.helper()
        shapes = [self.shape() for _ in range(1 + self.pick.below(3))]
        names = ["x{}".format(k) for k in range(len(shapes))]
        scope = {n: Var(n, s, True) for n, s in zip(names, shapes)}
        params = None
        if DICT_ARGUMENTS and self.chance(20):
            params = {"w": self.shape((1, 2)), "s": ()}
            names.append("p")
            for key, shape in params.items():
                entry = 'p["{}"]'.format(key)
                scope[entry] = Var(entry, shape, True)
        out = () if self.chance(60) else self.shape((1, 2))
        self.emit(0, "def f({}):".format(", ".join(names)))
        self.block(scope, 1, 1 + self.pick.below(6), 0, False, out)
        # every name may reach the output (the final expression alone often misses them)
        result = self.expr(scope, out, 3)[0]
        for v in [v for v in scope.values() if v.shape is not None][:self.pick.below(4)]:
            result = "{} + np.sum(np.sin({}))".format(result, v.name)
        self.emit(1, "return {}".format(result))
        args = [self.value(s) for s in shapes]
        if params is not None:
            args.append({key: self.value(shape) for key, shape in params.items()})
        wrt = tuple(k for k in range(len(args)) if k == 0 or self.chance(60))
        return Program("\n".join(self.lines) + "\n", args, wrt if len(wrt) > 1 or self.chance(50) else wrt[0])

    def value(self, shape):
        if shape == ():
            return self.pick.real(-1.5, 1.5)
        return np.array([self.pick.real(-1.5, 1.5) for _ in range(int(np.prod(shape)))]).reshape(shape)


def generate(pick):
    """A ``Program`` whose every choice comes from ``pick`` (``Seeded`` or ``Drawn``)."""
    return Gen(pick).program()

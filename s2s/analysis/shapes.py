"""Shape facts: the shape of every local name of a generated function, when it is known.

Requires: a generated ``gast.FunctionDef``, the shapes of (some of) its
parameters, and ``resolve(expr)``, which turns a free name or attribute chain
(``np.tanh``, ``unbroadcast``) into the object the generated code will call, or
``None``.

Attaches nothing; ``infer`` returns ``{name: shape}`` for the names whose shape
holds at every point of the function, whatever the branches and trip counts.

Shapes are tuples of ints. The api passes *canonical* shapes (every size other
than 0 and 1 replaced by a small id, equal sizes by equal ids), so a fact
derived here holds for every call whose arguments have the same pattern of
equal sizes, and the cache can key on that pattern. The analysis is
flow-insensitive: a name's shape is the shape of every value assigned to it,
found by an optimistic fixpoint (``None`` is "no value yet" — the ``x = None``
presets of saved values — and ``UNKNOWN`` absorbs everything). Only what is
certain is stated: an unknown call, a slice, a reshape, a tuple make the result
``UNKNOWN``.
"""
import math

import gast
import numpy as np

from s2s.common import astutil as A
from s2s import runtime

UNKNOWN = "unknown"
# A parameter's fact ``(SEQUENCE, shape, shape, ...)``: a list or tuple of arrays and numbers.
# Only ``name[i]`` (a constant ``i``) gets a shape from it, and only while nothing can change
# the list: the name is never stored, and read only as ``name[i]`` or as an argument of a
# runtime helper (which never mutates).
SEQUENCE = "seq"
_BOTTOM = None

# runtime helpers whose result has the shape of one of their arguments
_SHAPE_OF_ARG = {runtime.unbroadcast: 1, runtime.unreduce: 1, runtime.matmul_grad1: 1,
                 runtime.matmul_grad2: 2, runtime.zeros_like: 0, runtime.zero_gradient: 0, runtime.copy: 0,
                 runtime.extremum_reduce_grad: 1}
_SHAPED = {np.zeros, np.ones, np.empty}  # np.zeros(shape): the shape is a value built from ``.shape``
_REDUCTIONS = {np.sum, np.mean, np.max, np.min, np.amax, np.amin, np.prod}
# math.* returns a number (or raises); these return a tuple, or what the iterable holds
_MATH_NOT_SCALAR = {"frexp", "modf", "prod"}
_ELEMENTWISE_OPS = (gast.Add, gast.Sub, gast.Mult, gast.Div, gast.Pow, gast.FloorDiv, gast.Mod)


def _join(a, b):
    if a is _BOTTOM:
        return b
    if b is _BOTTOM or a == b:
        return a
    return UNKNOWN


def broadcast(*shapes):
    """NumPy's broadcast of known shapes; UNKNOWN when one is unknown or they do not broadcast."""
    if any(s is UNKNOWN for s in shapes):
        return UNKNOWN
    if any(s is _BOTTOM for s in shapes):
        return _BOTTOM
    ndim = max(len(s) for s in shapes)
    out = []
    for i in range(ndim):
        sizes = {s[len(s) - ndim + i] for s in shapes if len(s) - ndim + i >= 0}
        sizes.discard(1)
        if len(sizes) > 1:
            return UNKNOWN
        out.append(sizes.pop() if sizes else 1)
    return tuple(out)


def _matmul(a, b):
    if a is UNKNOWN or b is UNKNOWN:
        return UNKNOWN
    if a is _BOTTOM or b is _BOTTOM:
        return _BOTTOM
    if not a or not b:
        return UNKNOWN
    if len(a) == 1 and len(b) == 1:
        return () if a == b else UNKNOWN
    if len(a) == 1:
        return b[:-2] + b[-1:] if b[-2] == a[0] else UNKNOWN
    if len(b) == 1:
        return a[:-1] if a[-1] == b[0] else UNKNOWN
    if a[-1] != b[-2]:
        return UNKNOWN
    batch = broadcast(a[:-2], b[:-2])
    return UNKNOWN if batch is UNKNOWN else batch + (a[-2], b[-1])


def _reduction(shape, keywords):
    axis, keepdims = None, False
    for k in keywords:
        if not isinstance(k.value, gast.Constant):
            return UNKNOWN
        if k.arg == "axis":
            axis = k.value.value
        elif k.arg == "keepdims":
            keepdims = k.value.value
        else:
            return UNKNOWN
    if shape is UNKNOWN or shape is _BOTTOM:
        return shape
    if axis is None:
        return (1,) * len(shape) if keepdims is True else ()
    if not isinstance(axis, int) or isinstance(axis, bool) or not -len(shape) <= axis < len(shape) \
            or not isinstance(keepdims, bool):
        return UNKNOWN
    axis %= len(shape)
    if keepdims:
        return shape[:axis] + (1,) + shape[axis + 1:]
    return shape[:axis] + shape[axis + 1:]


class _Shapes:
    def __init__(self, fn, params, resolve):
        self.fn = fn
        self.resolve = resolve
        self.definitions = {}  # name -> list of expressions assigned to it (None: unanalysable)
        self.stacks = {}  # list name -> expressions appended to it
        self.ints = set()  # loop counters over range(...)
        self.env = {}
        self.reads = None  # while ``run`` evaluates a name: the names its definitions read
        self.sequences = {}  # parameter -> shapes of its elements (see SEQUENCE)
        for name, shape in params.items():
            if shape and shape[0] == SEQUENCE:
                self.sequences[name] = shape[1:]
            else:
                self.definitions.setdefault(name, []).append(("shape", shape))
        self._collect(fn, params)

    # ------------------------------------------------------------ collection
    def _unknown(self, name):
        self.definitions[name] = None

    def _define(self, name, value):
        if self.definitions.get(name, []) is not None:
            self.definitions.setdefault(name, []).append(value)

    def _collect(self, fn, params):
        stored_by = {}
        simple = set()
        walked = A.walk(fn)  # one walk for the stores, the definitions and the stacks
        for node in walked:
            if isinstance(node, gast.Name):
                if isinstance(node.ctx, (gast.Store, gast.Param, gast.Del)):
                    stored_by.setdefault(node.id, []).append(node)
            elif isinstance(node, gast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], gast.Name):
                simple.add(id(node.targets[0]))
                target = node.targets[0].id
                value = node.value
                if isinstance(value, gast.List) and not value.elts:
                    self.stacks.setdefault(target, [])
                self._define(target, ("expr", value))
            elif isinstance(node, gast.For) and isinstance(node.target, gast.Name) and _is_range(node.iter):
                simple.add(id(node.target))
                self.ints.add(node.target.id)
                self._define(node.target.id, ("shape", ()))
            elif isinstance(node, gast.Expr) and _is_method_call(node.value, "append"):
                self.stacks.setdefault(node.value.func.value.id, []).append(node.value.args[0])
        top_params = {id(a) for a in fn.args.args + fn.args.posonlyargs + fn.args.kwonlyargs}
        for name, nodes in stored_by.items():
            if any(id(n) not in simple and id(n) not in top_params for n in nodes):
                self._unknown(name)
        for a in fn.args.args + fn.args.posonlyargs + fn.args.kwonlyargs:
            if a.id not in params or a.id in self.sequences:
                self._unknown(a.id)
        if self.sequences:
            self._keep_unchanged_sequences(walked, stored_by, top_params)
        for a in (fn.args.vararg, fn.args.kwarg):
            if a is not None:
                self._unknown(a.id)
        # a list is a stack only when it is used by append and pop alone
        if self.stacks:
            other_uses = _names_used_otherwise(walked)
            for name in list(self.stacks):
                if name in other_uses:
                    del self.stacks[name]

    def _keep_unchanged_sequences(self, walked, stored_by, top_params):
        """Forget the sequence facts of parameters that are stored or read in any other way than
        ``name[constant]`` or as an argument of a runtime helper."""
        allowed = set()
        for node in walked:
            if isinstance(node, gast.Subscript) and isinstance(node.ctx, gast.Load) \
                    and isinstance(node.value, gast.Name) and _constant_index(node.slice) is not None:
                allowed.add(id(node.value))
            elif isinstance(node, gast.Call) and _is_runtime_helper(self.resolve(node.func)):
                allowed.update(id(a) for a in node.args if isinstance(a, gast.Name))
        for node in walked:
            if isinstance(node, gast.Name) and node.id in self.sequences:
                stored = any(id(n) not in top_params for n in stored_by.get(node.id, ()))
                if stored or (isinstance(node.ctx, gast.Load) and id(node) not in allowed):
                    del self.sequences[node.id]

    # ------------------------------------------------------------ fixpoint
    def run(self):
        names = [n for n, d in self.definitions.items() if d is not None]
        for n, d in self.definitions.items():
            self.env[n] = UNKNOWN if d is None else _BOTTOM
        # a name is evaluated again only when a name it read has changed since: the same
        # evaluations in the same order, less those that would repeat themselves
        version, changed_at, evaluated_at, reads = 0, {}, {}, {}
        changed = True
        while changed:
            changed = False
            for name in names:
                if name in evaluated_at and all(changed_at.get(r, -1) <= evaluated_at[name] for r in reads[name]):
                    continue
                self.reads = set()
                shape = _BOTTOM
                for kind, value in self.definitions[name]:
                    shape = _join(shape, value if kind == "shape" else self.expr(value))
                reads[name], self.reads = self.reads, None
                evaluated_at[name] = version
                if shape != self.env[name]:
                    self.env[name] = _join(self.env[name], shape)
                    version += 1
                    changed_at[name] = version
                    changed = True
        return {n: s for n, s in self.env.items() if s is not UNKNOWN and s is not _BOTTOM}

    def shape(self, node):
        """The shape of ``node`` under the current facts, or UNKNOWN."""
        s = self.expr(node)
        return UNKNOWN if s is _BOTTOM else s

    def value(self, node, seen=()):
        """The value of ``node`` when it is built from ``.shape`` alone (a canonical size or a tuple
        of them), else None. Literal sizes are never used: they are not canonical."""
        if isinstance(node, gast.Attribute) and node.attr == "shape":
            s = self.expr(node.value)
            return s if isinstance(s, tuple) else None
        if isinstance(node, gast.Subscript) and isinstance(node.slice, gast.Constant) \
                and type(node.slice.value) is int:
            v = self.value(node.value, seen)
            if isinstance(v, tuple) and -len(v) <= node.slice.value < len(v):
                return v[node.slice.value]
            return None
        if isinstance(node, gast.Tuple):
            items = [self.value(e, seen) for e in node.elts]
            return tuple(items) if all(type(i) is int for i in items) else None
        if isinstance(node, gast.Name) and node.id not in seen:
            definitions = self.definitions.get(node.id)
            if definitions and len(definitions) == 1 and definitions[0][0] == "expr":
                return self.value(definitions[0][1], seen + (node.id,))
        return None

    def expr(self, node):
        if isinstance(node, (gast.Subscript, gast.Name)) and type(self.value(node)) is int:
            return ()
        if isinstance(node, gast.Constant):
            if node.value is None:
                return _BOTTOM
            return () if isinstance(node.value, (int, float)) else UNKNOWN
        if isinstance(node, gast.Name):
            if self.reads is not None:
                self.reads.add(node.id)
            return self.env.get(node.id, UNKNOWN)
        if isinstance(node, gast.BinOp):
            left, right = self.expr(node.left), self.expr(node.right)
            if isinstance(node.op, gast.MatMult):
                return _matmul(left, right)
            if isinstance(node.op, _ELEMENTWISE_OPS):
                return broadcast(left, right)
            return UNKNOWN
        if isinstance(node, gast.UnaryOp) and isinstance(node.op, (gast.USub, gast.UAdd)):
            return self.expr(node.operand)
        if isinstance(node, gast.Attribute) and node.attr == "T":
            s = self.expr(node.value)
            return s[::-1] if isinstance(s, tuple) else s
        if isinstance(node, gast.Attribute) and node.attr in ("size", "ndim"):
            s = self.expr(node.value)  # an array's element or axis count: an int
            return () if isinstance(s, tuple) and s and s[0] != SEQUENCE else (s if s is _BOTTOM else UNKNOWN)
        if isinstance(node, gast.Subscript):
            return self._subscript(node)
        if isinstance(node, gast.Call):
            return self._call(node)
        return UNKNOWN

    def _subscript(self, node):
        index = node.slice
        if isinstance(node.value, gast.Name) and node.value.id in self.sequences:
            shapes, i = self.sequences[node.value.id], _constant_index(index)
            return shapes[i] if i is not None and -len(shapes) <= i < len(shapes) else UNKNOWN
        s = self.expr(node.value)
        if isinstance(index, gast.Name) and index.id in self.ints:
            if s is _BOTTOM:
                return s
            if isinstance(s, tuple) and s:
                return s[1:]
        return UNKNOWN

    def _call(self, node):
        func = node.func
        if _is_method_call(node, "pop") and func.value.id in self.stacks:
            shape = _BOTTOM
            for value in self.stacks[func.value.id]:
                shape = _join(shape, self.expr(value))
            return shape
        obj = self.resolve(func)
        if obj is None:
            return UNKNOWN
        args = node.args
        if any(isinstance(a, gast.Starred) for a in args):
            return UNKNOWN
        try:
            hashable = hash(obj) is not None
        except TypeError:
            hashable = False
        if hashable and obj in _SHAPE_OF_ARG and len(args) > _SHAPE_OF_ARG[obj]:
            return self.expr(args[_SHAPE_OF_ARG[obj]])
        if obj is runtime.seed or _is_math_scalar(obj):
            return ()
        if obj is runtime.reduce_count and not node.keywords and (
                len(args) < 4 or isinstance(args[3], gast.Constant) and args[3].value is True):
            return ()  # a Python float when every element counts
        if obj is runtime.inverse and len(args) == 1 and not node.keywords:
            return self.expr(args[0])
        if obj is runtime.absorb_zeros and len(args) == 2 and not node.keywords:
            r = self.expr(args[1])  # r itself, or np.where over both: the same shape when a fits r
            return r if broadcast(self.expr(args[0]), r) == r else UNKNOWN
        if (obj is runtime.power_base_grad and len(args) == 2 or obj is runtime.select_grad and len(args) == 4) \
                and not node.keywords:
            return broadcast(*(self.expr(a) for a in args))
        if hashable and obj in _SHAPED and len(args) == 1 and not node.keywords:
            v = self.value(args[0])
            return (v,) if type(v) is int else (v if isinstance(v, tuple) else UNKNOWN)
        if isinstance(obj, np.ufunc) and not node.keywords and len(args) == obj.nin and obj.nout == 1:
            return broadcast(*(self.expr(a) for a in args))
        if hashable and obj in _REDUCTIONS and len(args) == 1:
            return _reduction(self.expr(args[0]), node.keywords)
        return UNKNOWN


def _constant_index(node):
    if isinstance(node, gast.Constant) and type(node.value) is int:
        return node.value
    return None


def _is_runtime_helper(obj):
    return callable(obj) and (getattr(obj, "__module__", None) or "").startswith("s2s.runtime")


def _is_math_scalar(obj):
    """A function of the math module that returns a number whatever its arguments."""
    return (getattr(obj, "__self__", None) is math and getattr(math, getattr(obj, "__name__", ""), None) is obj
            and obj.__name__ not in _MATH_NOT_SCALAR)


def _is_range(node):
    """``range(...)`` or ``reversed(range(...))``: the loop counter is an int."""
    if isinstance(node, gast.Call) and isinstance(node.func, gast.Name) and node.func.id == "reversed":
        node = node.args[0] if len(node.args) == 1 else None
    return isinstance(node, gast.Call) and isinstance(node.func, gast.Name) and node.func.id == "range"


def _is_method_call(node, method):
    return (isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) and node.func.attr == method
            and isinstance(node.func.value, gast.Name) and len(node.args) == (1 if method == "append" else 0)
            and not node.keywords)


def _names_used_otherwise(nodes):
    """Names read somewhere (in ``nodes``, a walk) other than as the list of an ``append`` or ``pop`` call."""
    allowed = set()
    for node in nodes:
        if isinstance(node, gast.Expr) and _is_method_call(node.value, "append"):
            allowed.add(id(node.value.func.value))
        if _is_method_call(node, "pop"):
            allowed.add(id(node.func.value))
    return {node.id for node in nodes
            if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load) and id(node) not in allowed}


def infer(fn, params, resolve):
    """``{name: shape}`` for the local names of ``fn`` whose shape is certain.

    ``params`` maps parameter names to their (canonical) shapes; ``resolve``
    maps a callee expression to the object it refers to, or None.
    """
    return _Shapes(fn, params, resolve).run()


def analyzer(fn, params, resolve):
    """An object whose ``shape(expr)`` gives the shape of an expression of ``fn`` (after ``infer``)."""
    shapes = _Shapes(fn, params, resolve)
    shapes.run()
    return shapes

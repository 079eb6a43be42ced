"""Flatten expressions to one operation per statement (A-normal form).

The core grammar this pass leaves (``atom`` is a Name or a Constant)::

    stmt  := Name = expr
           | Name[index] = atom            # write into an array or list
           | Name.append(atom)             # grow a list
           | call                          # a call kept for its side effect
           | if Name: stmt* else: stmt*
           | for Name in range(atom, ...): stmt*     # no range atom is assigned in the body
           | break | continue              # in for loops only, each right after the flag it sets
           | while Name: stmt*             # the test name is recomputed at the end of the body
           | return atom                   # last statement only
    expr  := atom | atom op atom | op atom | atom cmp atom
           | call(atom, ..., kw=atom) | Name.method(atom, ...) | Name.attr
           | Name.pop()                    # shrink a list (generated code's stacks)
           | Name[index] | (atom, ...) | [atom, ...]
    index := atom | slice of atoms | tuple of those

Every call carries ``Key.CALLEE``, the object it resolves to. Boolean
operators, conditional expressions and comprehensions become statements; the
target of an assignment never appears among its operands.
"""
import dataclasses

import gast
import numpy as np

from s2s.common import anno
from s2s.common import astutil as A
from s2s.common.errors import NoRuleError
from s2s.common.records import RecordMethod
from s2s.frontend.normalize import calls, records, sublists
from s2s.frontend.normalize.checks import fail
from s2s.frontend.normalize.desugar import Desugar
from s2s.frontend.parse import MISSING
from s2s.runtime import dict_of, getfield

# ndarray attributes that are constants (their derivative is zero)
CONSTANT_ATTRIBUTES = frozenset({"shape", "ndim", "size", "dtype", "itemsize", "nbytes", "strides"})
# the other attributes of arrays: an attribute not among them reads a field (s2s.runtime.getfield)
_ARRAY_ATTRIBUTES = frozenset(a for a in dir(np.ndarray) if not a.startswith("_"))
# ndarray methods taking a shape either as one tuple or as several integers
VARARG_METHODS = frozenset({"reshape", "transpose"})


# the methods of s2s.runtime.schedules objects that the checkpointed loops of generated gradients call
_SCHEDULE_METHODS = frozenset({"snapshot_due", "keep", "restored", "backward"})


class ANF:
    def __init__(self, parsed, namer, refs, methods, local_names, inliner=None, fixed=frozenset()):
        self.parsed = parsed
        self.fixed = fixed  # parameters holding an object whose __call__ is methods["__call__"]
        self.inliner = inliner  # expands the calls of local functions (see local_functions)
        self.namer = namer
        self.refs = refs
        self.methods = methods
        self.locals = local_names
        self.origin_node = None

    # ----------------------------------------------------------------- blocks
    def block(self, stmts):
        out = []
        for stmt in stmts:
            if anno.has(stmt, anno.Key.ORIGIN) or self.origin_node is None:
                self.origin_node = stmt
            new = self.stmt(stmt)
            origin = anno.get(stmt, anno.Key.ORIGIN)
            out.extend(A.with_origin(new, origin))
        return out

    def _temp(self, value, pre):
        name = self.namer.temp()
        pre.append(A.assign(name, value))
        self.locals.add(name)  # a later statement of the same source line may read it (a = b = x * y)
        return A.name(name)

    def stmt(self, s):
        if isinstance(s, gast.Assign):
            return self.assign(s)
        if isinstance(s, gast.Expr):
            return self.expr_stmt(s)
        if isinstance(s, gast.If):
            pre, test = self.atom(s.test)
            assigned = A.names_stored(gast.Module(body=s.body + s.orelse, type_ignores=[]))
            if isinstance(test, gast.Name) and test.id in assigned:
                test = self._temp(test, pre)
            return pre + [gast.If(test=test, body=self.block(s.body) or [gast.Pass()],
                                  orelse=self.block(s.orelse))]
        if isinstance(s, gast.For):
            return self.for_(s)
        if isinstance(s, gast.While):
            return self.while_(s)
        if isinstance(s, gast.Return):
            if s.value is None:
                return [gast.Return(value=A.const(None))]
            pre, value = self.atom(s.value)
            return pre + [gast.Return(value=value)]
        if isinstance(s, gast.Pass):
            return []
        if isinstance(s, (gast.Break, gast.Continue)):  # left in for loops by the jump lowering
            return [s]
        if isinstance(s, (gast.Raise, gast.Assert)):
            return [s]
        fail(s, "this statement", "rewrite it with assignments, if, for and while", self.parsed)

    def assign(self, s):
        pre, value = self.value(s.value)
        if len(s.targets) > 1:
            if not A.is_atom(value):
                value = self._temp(value, pre)
            out = pre
            for target in s.targets:
                out.extend(self.assign(A.assign(target, A.deepcopy(value))))
            return out
        return pre + self.bind(s.targets[0], value)

    def bind(self, target, value):
        """Statements that assign the simple expression ``value`` to ``target``."""
        if isinstance(target, gast.Name):
            if isinstance(value, gast.Name) and value.id == target.id:
                return []  # `s = s` changes nothing (an adjoint would reset what it just added)
            if target.id in A.names_loaded(value) and not A.is_atom(value):
                pre = []
                value = self._temp(value, pre)
                return pre + [A.assign(A.store(target), value)]
            return [A.assign(A.store(target), value)]
        if isinstance(target, (gast.Tuple, gast.List)):
            pre = []
            elts = target.elts
            targets_loaded = set()
            for t in elts:
                targets_loaded |= A.all_names(t)
            if (isinstance(value, (gast.Tuple, gast.List)) and len(value.elts) == len(elts)
                    and not (A.names_loaded(value) & targets_loaded)):
                out = []
                for t, v in zip(elts, value.elts):
                    out.extend(self.bind(t, v))
                return out
            if not isinstance(value, gast.Name):
                value = self._temp(value, pre)
            out = pre
            for i, t in enumerate(elts):
                item = gast.Subscript(value=A.load(value), slice=A.const(i), ctx=gast.Load())
                out.extend(self.bind(t, item))
            return out
        if isinstance(target, gast.Subscript):
            if not isinstance(target.value, gast.Name):
                fail(self.origin_node, "assignment into a nested subscript or attribute",
                     "index once (x[i, j] = v) on a local array", self.parsed)
            pre = []
            if not A.is_atom(value) or (isinstance(value, gast.Name) and value.id == target.value.id):
                # `y[:] = y` writes y's old values: a name of their own keeps their adjoint apart
                value = self._temp(value, pre)
            index = self.index(target.slice, pre)
            new = gast.Subscript(value=A.name(target.value.id), slice=index, ctx=gast.Store())
            return pre + [A.assign(new, value)]
        fail(self.origin_node, "assignment to an attribute", "assign to a local variable", self.parsed)

    def expr_stmt(self, s):
        v = s.value
        if isinstance(v, gast.Constant):
            return []  # docstring or bare constant
        if (isinstance(v, gast.Call) and isinstance(v.func, gast.Attribute) and v.func.attr == "append"
                and isinstance(v.func.value, gast.Name) and v.func.value.id in self.locals):
            if len(v.args) != 1 or v.keywords:
                fail(s, "append with other than one argument", "append one value", self.parsed)
            pre, item = self.atom(v.args[0])
            call = A.call(gast.Attribute(value=A.name(v.func.value.id), attr="append", ctx=gast.Load()), [item])
            return pre + [gast.Expr(value=call)]
        pre, value = self.value(v)
        if isinstance(value, gast.Call):
            return pre + [gast.Expr(value=value)]
        return pre

    def for_(self, s):
        pre = []
        args = []
        assigned = A.names_stored(gast.Module(body=s.body, type_ignores=[]))
        for arg in s.iter.args:
            p, atom = self.atom(arg)
            pre.extend(p)
            if isinstance(atom, gast.Name) and (atom.id in assigned or atom.id == s.target.id):
                atom = self._temp(atom, pre)
            args.append(atom)
        rng = A.call(self.refs.expr(range, "range"), args)
        anno.set(rng, anno.Key.CALLEE, range)
        body = self.block(s.body)
        loop = gast.For(target=A.store(s.target), iter=rng, body=body or [gast.Pass()], orelse=[], type_comment=None)
        return pre + [anno.copy(s, loop)]

    def while_(self, s):
        pre, test = self.atom(s.test)
        if isinstance(test, gast.Constant) or (isinstance(test, gast.Name) and not pre):
            cond = test
            again = []
        else:
            cond = A.name(self.namer.fresh("cond"))
            pre.append(A.assign(A.store(cond), test))
            again, test2 = self.atom(A.deepcopy(s.test))
            again.append(A.assign(A.store(cond), test2))
        origin = anno.get(s, anno.Key.ORIGIN)
        body = self.block(s.body) + A.with_origin(again, origin)
        return pre + [anno.copy(s, gast.While(test=A.load(cond) if isinstance(cond, gast.Name) else cond,
                                              body=body or [gast.Pass()], orelse=[]))]

    # ------------------------------------------------------------ expressions
    def atom(self, e):
        """(statements, atom) computing ``e``."""
        pre, value = self.value(e)
        if A.is_atom(value):
            return pre, value
        return pre, self._temp(value, pre)

    def atoms(self, exprs, pre):
        out = []
        for e in exprs:
            p, a = self.atom(e)
            pre.extend(p)
            out.append(a)
        return out

    def value(self, e):
        """(statements, simple expression) computing ``e``."""
        pre = []
        if isinstance(e, gast.Name):
            if self.inliner is not None and self.inliner.is_function(e.id):
                fail(self.origin_node, "the local function `{}` used as a value".format(e.id),
                     "call it, or pass it to a function of your own module; s2s inlines those calls", self.parsed)
            if e.id not in self.locals and self.parsed.lookup(e.id) is MISSING:
                fail(self.origin_node, "the name `{}`, which is not defined".format(e.id),
                     "define it before the call", self.parsed)
            return pre, A.name(e.id)
        if isinstance(e, gast.Constant):
            return pre, e
        if isinstance(e, gast.BinOp):
            left, right = self.atoms([e.left, e.right], pre)
            return pre, gast.BinOp(left=left, op=e.op, right=right)
        if isinstance(e, gast.UnaryOp):
            (operand,) = self.atoms([e.operand], pre)
            if isinstance(e.op, gast.USub) and isinstance(operand, gast.Constant):
                return pre, A.const(-operand.value)
            return pre, gast.UnaryOp(op=e.op, operand=operand)
        if isinstance(e, gast.Compare):
            if len(e.ops) == 1:
                left, right = self.atoms([e.left, e.comparators[0]], pre)
                return pre, gast.Compare(left=left, ops=e.ops, comparators=[right])
            pairs = []
            left = e.left
            for op, right in zip(e.ops, e.comparators):
                pairs.append(gast.Compare(left=left, ops=[op], comparators=[right]))
                left = right
            return self.value(gast.BoolOp(op=gast.And(), values=pairs))
        if isinstance(e, gast.BoolOp):
            return self.boolop(e)
        if isinstance(e, gast.IfExp):
            result = self.namer.temp()
            p, test = self.atom(e.test)
            pre.extend(p)
            body = self.block([A.assign(result, e.body)])
            orelse = self.block([A.assign(result, e.orelse)])
            pre.append(gast.If(test=test, body=body, orelse=orelse))
            return pre, A.name(result)
        if isinstance(e, gast.Call):
            return self.call(e)
        if isinstance(e, gast.Attribute):
            return self.attribute(e)
        if isinstance(e, gast.Subscript):
            joined = self.index_trick(e)
            if joined is not None:
                return self.value(joined)
            p, base = self.atom(e.value)
            pre.extend(p)
            if not isinstance(base, gast.Name):
                base = self._temp(base, pre)
            return pre, anno.copy(e, gast.Subscript(value=base, slice=self.index(e.slice, pre), ctx=gast.Load()))
        if isinstance(e, (gast.Tuple, gast.List)):
            elts = self.atoms(e.elts, pre)
            return pre, type(e)(elts=elts, ctx=gast.Load())
        if isinstance(e, (gast.ListComp, gast.GeneratorExp, gast.DictComp)):
            return self.comprehension(e)
        if isinstance(e, gast.Dict):
            keys = calls.dict_keys(e.keys, self.origin_node, self.parsed)
            return self.dict_display(keys, e.values)
        if isinstance(e, gast.JoinedStr):
            return pre, e
        fail(self.origin_node, "the expression `{}`".format(type(e).__name__),
             "rewrite it with simpler operations", self.parsed)

    def dict_display(self, keys, values):
        """``{"a": x, "b": y}`` as ``dict_of((x, y), ("a", "b"))`` (s2s/runtime/trees.py): one call,
        whose adjoint reads the entries back; the values are evaluated in order, as Python does."""
        pre = []
        entries = {}  # a key given twice keeps its first place and its last value, as in Python
        for key, value in zip(keys, self.atoms(values, pre)):
            entries[key] = value
        values = self._temp(gast.Tuple(elts=list(entries.values()), ctx=gast.Load()), pre)
        node = A.call(self.refs.expr(dict_of, "dict_of"),
                      [values, gast.Tuple(elts=[A.const(k) for k in entries], ctx=gast.Load())])
        anno.set(node, anno.Key.CALLEE, dict_of)
        return pre, node

    def named_helper(self, node):
        """A ``record_of``/``record_replace`` call of records.py: its first argument and its values as atoms,
        the values in one tuple (as a dict display's), the constant names kept in place."""
        first, values, names = node.args
        pre, first = self.atom(first)
        values = self._temp(gast.Tuple(elts=self.atoms(values.elts, pre), ctx=gast.Load()), pre)
        node.args = [first, values, names]
        callee = anno.get(node, anno.Key.CALLEE)
        node.func = self.refs.expr(callee, callee.__name__)
        return pre, node

    def index(self, node, pre):
        if isinstance(node, gast.Slice):
            parts = [None if p is None else self.atoms([p], pre)[0] for p in (node.lower, node.upper, node.step)]
            return gast.Slice(lower=parts[0], upper=parts[1], step=parts[2])
        if isinstance(node, gast.Tuple):
            return gast.Tuple(elts=[self.index(el, pre) for el in node.elts], ctx=gast.Load())
        return self.atoms([node], pre)[0]

    def boolop(self, e):
        pre = []
        result = self.namer.temp()
        p, first = self.atom(e.values[0])
        pre.extend(p)
        pre.append(A.assign(result, first))
        if len(e.values) == 1:
            return pre, A.name(result)
        rest = gast.BoolOp(op=e.op, values=e.values[1:]) if len(e.values) > 2 else e.values[1]
        then = self.block([A.assign(result, rest)])
        if isinstance(e.op, gast.And):
            pre.append(gast.If(test=A.name(result), body=then, orelse=[]))
        else:
            pre.append(gast.If(test=A.name(result), body=[gast.Pass()], orelse=then))
        return pre, A.name(result)

    def comprehension(self, e):
        """A list comprehension as a loop appending to a list; a dict comprehension as a loop appending
        its keys and values to two lists, then ``dict_of(values, keys)`` (s2s/runtime/trees.py)."""
        renames = {}
        for gen in e.generators:
            for n in A.names_stored(gen.target):
                renames[n] = self.namer.fresh(n)
        e = _Rename(renames).visit(A.deepcopy(e))
        parts = [("keys", e.key), ("values", e.value)] if isinstance(e, gast.DictComp) else [("items", e.elt)]
        accs = [self.namer.fresh(hint) for hint, _ in parts]
        body = [gast.Expr(value=A.call(gast.Attribute(value=A.name(acc), attr="append", ctx=gast.Load()), [elt]))
                for acc, (_, elt) in zip(accs, parts)]
        for gen in reversed(e.generators):
            for cond in reversed(gen.ifs):
                body = [gast.If(test=cond, body=body, orelse=[])]
            body = [gast.For(target=gen.target, iter=gen.iter, body=body, orelse=[], type_comment=None)]
        self.locals.update(accs)
        self.locals.update(renames.values())
        loops = []
        for stmt in body:
            new = Desugar(self.parsed, self.namer).visit(stmt)
            loops.extend(new if isinstance(new, list) else [new])
        for stmt in loops:
            for node in A.walk(stmt):
                if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Store):
                    self.locals.add(node.id)
        origin_node = self.origin_node
        out = [A.assign(acc, gast.List(elts=[], ctx=gast.Load())) for acc in accs] + self.block(loops)
        self.origin_node = origin_node
        if len(accs) == 1:
            return out, A.name(accs[0])
        node = A.call(self.refs.expr(dict_of, "dict_of"), [A.name(accs[1]), A.name(accs[0])])
        anno.set(node, anno.Key.CALLEE, dict_of)
        return out, node

    def call(self, e):
        pre = []
        func = e.func
        if isinstance(func, gast.Attribute) and func.attr == "_replace":  # a named tuple's p._replace(x=v)
            return self.named_helper(records.replace_call(e, func.value, self.origin_node, self.parsed))
        if isinstance(func, gast.Attribute) and self._is_local_value(func.value):
            return self.method_call(e)
        if not isinstance(func, (gast.Name, gast.Attribute)):
            fail(self.origin_node, "calling the result of an expression", "call a named function", self.parsed)
        if isinstance(func, gast.Name) and self.inliner is not None and self.inliner.is_function(func.id):
            return self.inliner.expand(self.inliner.functions[func.id], e, self)
        if isinstance(func, gast.Name) and func.id in self.fixed and isinstance(self.methods.get("__call__"),
                                                                               RecordMethod):
            # model(x), model an argument whose class defines __call__ -> Model.__call__(model, x)
            return self.method_call(gast.Call(func=gast.Attribute(value=func, attr="__call__", ctx=gast.Load()),
                                              args=e.args, keywords=e.keywords))
        if isinstance(func, gast.Name) and func.id in self.locals and isinstance(self.methods.get("__call__"),
                                                                                RecordMethod):
            fail(self.origin_node, "calling `{}`, a variable".format(func.id),
                 "s2s calls an object's `__call__` this way where the object is an argument of the function "
                 "you differentiate, or `self` in its class; elsewhere write `{}.__call__(...)`".format(func.id),
                 self.parsed)
        if isinstance(func, gast.Name) and func.id in self.locals:
            fail(self.origin_node, "calling `{}`, a local variable".format(func.id),
                 "call module-level functions by name; s2s resolves them when it transforms", self.parsed)
        # a call this pass wrote itself (np.r_ rewritten) knows its callee
        callee = anno.get(e, anno.Key.CALLEE, MISSING)
        if callee is not MISSING:
            func = self.refs.expr(callee, callee.__name__)
        else:
            callee = self.parsed.resolve(func)
        if callee is MISSING:
            fail(self.origin_node, "the call to `{}`, which cannot be resolved".format(A.dotted_name(func)),
                 "define or import it at module level", self.parsed)
        if callee is dataclasses.replace and e.args:
            return self.named_helper(records.replace_call(e, None, self.origin_node, self.parsed))
        if records.is_record_class(callee):  # P(a, b=c): a dataclass or named tuple the function builds
            return self.named_helper(records.build_call(e, callee, self.refs, self.origin_node, self.parsed))
        if callee is list or callee is tuple:
            return self.value(calls.sequence_call(e, callee, self.namer, self.parsed, self.origin_node))
        if callee is dict:
            if calls.is_zip_call(e, self.parsed):  # dict(zip(keys, values)): {k: v for k, v in zip(keys, values)}
                return self.comprehension(calls.zip_comprehension(e, self.namer))
            if e.args:  # dict(d): a copy of the dict d (dict_copy refuses any other argument at run time)
                copied = calls.dict_copy_call(e, self.origin_node, self.parsed)
                return self.value(copied)
            keys = calls.dict_keys([A.const(k.arg) for k in e.keywords], self.origin_node, self.parsed)
            return self.dict_display(keys, [k.value for k in e.keywords])
        if self.inliner is not None and self.inliner.takes_function(callee, e, self):
            return self.inliner.expand_helper(callee, e, self)
        raw_args = e.args
        if callee is np.einsum and len(raw_args) >= 2 and isinstance(raw_args[1], (gast.List, gast.Tuple)):
            raw_args = sublists.as_subscripts(raw_args)
            if raw_args is None:
                fail(self.origin_node, "np.einsum's sublist form with a sublist that is not a literal list of ints",
                     "write the subscripts as a string (np.einsum('ij,jk->ik', a, b))", self.parsed)
        args = self.atoms(raw_args, pre)
        keywords = [A.keyword(k.arg, self.atoms([k.value], pre)[0]) for k in e.keywords]
        if callee in (max, min) and len(args) > 2 and not keywords:
            # max(a, b, c) is max(max(a, b), c): one two-argument primitive per statement
            first = A.call(A.deepcopy(func), args[:2])
            anno.set(first, anno.Key.CALLEE, callee)
            for arg in args[2:]:
                first = A.call(A.deepcopy(func), [self._temp(first, pre), arg])
                anno.set(first, anno.Key.CALLEE, callee)
            return pre, first
        node = A.call(A.deepcopy(func), args, keywords)
        anno.set(node, anno.Key.CALLEE, callee)
        return pre, node

    def _is_local_value(self, node):
        while isinstance(node, gast.Attribute):
            node = node.value
        if isinstance(node, gast.Name):
            return node.id in self.locals
        return True  # a method of a computed value, e.g. (a + b).sum()

    def method_call(self, e):
        pre = []
        method = e.func.attr
        p, receiver = self.atom(e.func.value)
        pre.extend(p)
        if not isinstance(receiver, gast.Name):
            receiver = self._temp(receiver, pre)
        if method == "get" and method not in self.methods and 1 <= len(e.args) <= 2 and not e.keywords:
            p, value = self.value(calls.get_call(receiver, e.args, pre, self))
            return pre + p, value
        if method == "pop" and not e.args and not e.keywords:
            node = A.call(gast.Attribute(value=receiver, attr="pop", ctx=gast.Load()))
            anno.set(node, anno.Key.CALLEE, list.pop)
            anno.set(node, anno.Key.METHOD, "pop")
            return pre, node
        if method not in self.methods and method in _SCHEDULE_METHODS and self.parsed.filename.startswith("<s2s "):
            raise NoRuleError(
                "{}: `{}`: this gradient was made with checkpoint=..., and s2s cannot differentiate a "
                "checkpointed loop's schedule again yet. Make the gradient you differentiate without checkpoint "
                "(s2s.hessian and s2s.hvp already do).".format(
                    _where(self.origin_node, self.parsed), _text(self.origin_node)))
        if method not in self.methods:
            raise NoRuleError(
                "{}: `{}`: s2s has no rule for the method `.{}()`. Call the function instead (a function "
                "without a rule can get one with @s2s.adjoint(fn)).".format(
                    _where(self.origin_node, self.parsed), _text(self.origin_node), method))
        args = self.atoms(e.args, pre)
        keywords = [A.keyword(k.arg, self.atoms([k.value], pre)[0]) for k in e.keywords]
        if isinstance(self.methods[method], RecordMethod):  # self.predict(x) -> Model.predict(self, x)
            fn = self.methods[method].fn
            node = A.call(self.refs.expr(fn, method), [receiver] + args, keywords)
            anno.set(node, anno.Key.CALLEE, fn)
            return pre, node
        if method in VARARG_METHODS and len(args) > 1:
            args = [self._temp(gast.Tuple(elts=args, ctx=gast.Load()), pre)]
        node = A.call(gast.Attribute(value=receiver, attr=method, ctx=gast.Load()), args, keywords)
        anno.set(node, anno.Key.CALLEE, self.methods[method])
        anno.set(node, anno.Key.METHOD, method)
        return pre, node

    def attribute(self, e):
        pre = []
        if not self._is_local_value(e.value):
            obj = self.parsed.resolve(e)
            if obj is MISSING:
                fail(self.origin_node, "the name `{}`, which cannot be resolved".format(A.dotted_name(e)),
                     "define or import it at module level", self.parsed)
            return pre, e
        p, receiver = self.atom(e.value)
        pre.extend(p)
        if not isinstance(receiver, gast.Name):
            receiver = self._temp(receiver, pre)
        node = gast.Attribute(value=receiver, attr=e.attr, ctx=gast.Load())
        if e.attr in CONSTANT_ATTRIBUTES:
            anno.set(node, anno.Key.CALLEE, None)
        elif e.attr in ("T", "real", "imag"):
            import numpy as np

            anno.set(node, anno.Key.CALLEE, {"T": np.transpose, "real": np.real, "imag": np.imag}[e.attr])
        elif e.attr in _ARRAY_ATTRIBUTES:
            fail(self.origin_node, "the ndarray attribute `.{}`".format(e.attr),
                 "use the NumPy function instead (for example np.conj(x)); a field of a dataclass or object "
                 "with this name cannot be read by s2s: rename it", self.parsed)
        else:  # a field of a dataclass, named tuple or object
            node = A.call(self.refs.expr(getfield, "getfield"), [receiver, A.const(e.attr)])
            anno.set(node, anno.Key.CALLEE, getfield)
        return pre, node


    def index_trick(self, e):
        """``np.r_[a, b, ...]`` and ``np.c_[...]`` as the calls they stand for (a subscript of an
        object would otherwise be a constant): np.concatenate of the items, each a 1-D array at
        least (r_) or a column (c_); a slice item is the np.arange or np.linspace it makes."""
        if not isinstance(e.value, (gast.Name, gast.Attribute)):
            return None
        import numpy as np
        from s2s import runtime

        trick = self.parsed.resolve(e.value)
        if trick is not np.r_ and trick is not np.c_:
            return None
        items = e.slice.elts if isinstance(e.slice, gast.Tuple) else [e.slice]
        parts = []
        for item in items:
            if isinstance(item, gast.Constant) and isinstance(item.value, str):
                fail(self.origin_node, "a string directive in np.r_/np.c_",
                     "use np.concatenate(..., axis=...) or np.stack for that layout", self.parsed)
            if isinstance(item, gast.Slice):
                item = self._slice_range(item)
            shape = runtime.column if trick is np.c_ else np.atleast_1d
            parts.append(self._known_call(shape, [item]))
        joined = gast.List(elts=parts, ctx=gast.Load())
        axis = [A.keyword("axis", A.const(-1))] if trick is np.c_ else []
        return self._known_call(np.concatenate, [joined], axis)

    def _known_call(self, fn, args, keywords=()):
        call = A.call(A.name(fn.__name__), list(args), list(keywords))
        anno.set(call, anno.Key.CALLEE, fn)
        return call

    def _slice_range(self, item):
        import numpy as np

        start = item.lower if item.lower is not None else A.const(0)
        step = item.step
        if isinstance(step, gast.Constant) and isinstance(step.value, complex):  # 0:1:5j -> 5 points
            return self._known_call(np.linspace, [start, item.upper, A.const(int(abs(step.value)))])
        if step is not None and not isinstance(step, gast.Constant):
            fail(self.origin_node, "a slice with a computed step in np.r_/np.c_",
                 "write np.arange(start, stop, step) or np.linspace(...) instead", self.parsed)
        return self._known_call(np.arange, [start, item.upper, step if step is not None else A.const(1)])


class _Rename(gast.NodeTransformer):
    def __init__(self, renames):
        self.renames = renames

    def visit_Name(self, node):
        if node.id in self.renames:
            node.id = self.renames[node.id]
        return node


def _where(node, parsed):
    origin = anno.get(node, anno.Key.ORIGIN)
    if origin is None:
        return "{}:{}".format(parsed.filename, getattr(node, "lineno", "?"))
    return "{}:{}".format(origin.filename, origin.lineno)


def _text(node):
    origin = anno.get(node, anno.Key.ORIGIN)
    return origin.text if origin else ""

"""Normalize: desugar a parsed function into the core form (see ``anf``).

Passes, in order: reject unsupported syntax (``checks``), read loop markers
(``markers``: ``s2s.checkpointed``), take out nested functions and lambdas
(``local_functions``: the ANF pass inlines their calls), desugar augmented
assignments and loops (``desugar``), lower early returns, ``break`` and
``continue`` to flags (``jumps``), flatten expressions (``anf``). Each pass
takes a tree and returns a tree; the input tree is not modified.
"""
import dataclasses

import gast

from s2s.common import astutil as A
from s2s.frontend.normalize.anf import ANF
from s2s.frontend.normalize.checks import check
from s2s.frontend.normalize.desugar import Desugar
from s2s.frontend.normalize.jumps import JumpLowering
from s2s.frontend.normalize.local_functions import Inliner, extract, prepare
from s2s.frontend.normalize.markers import read_markers


def parameters(fn):
    args = fn.args
    return [a.id for a in args.posonlyargs + args.args + args.kwonlyargs]


def normalize(parsed, namer, refs, methods, keep_jumps=True, callables=frozenset()):
    """Return the core-form FunctionDef of ``parsed``.

    ``keep_jumps=False`` lowers every ``break`` and ``continue`` to flags (loops a
    checkpoint option may reverse; see ``jumps``). ``callables``: parameters that
    surely hold an object whose ``__call__`` is ``methods["__call__"]``; a call
    ``p(x)`` of one the function never assigns is a call of that method."""
    check(parsed)
    fn = A.deepcopy(parsed.node)
    namer.taken.update(A.all_names(fn))
    fn = read_markers(fn, parsed)
    found = extract(fn, parsed, namer)
    local = {name: prepare(name, node, origin, parsed, namer, keep_jumps) for name, (node, origin) in found.items()}
    inliner = Inliner(parsed, namer, refs, local, keep_jumps, fn)  # also for functions passed by name
    if found:
        parsed = dataclasses.replace(parsed, node=fn)
    fn = Desugar(parsed, namer, fn).visit(fn)
    fn = JumpLowering(namer, keep_jumps).function(fn)
    local_names = set(parameters(fn))
    stored = set()
    for stmt in fn.body:
        stored |= A.names_stored(stmt)
    local_names |= stored
    anf = ANF(parsed, namer, refs, methods, local_names, inliner, frozenset(callables) - stored)
    fn.body = anf.block(fn.body)
    if not fn.body or not isinstance(fn.body[-1], gast.Return):
        fn.body.append(gast.Return(value=A.const(None)))
    return fn

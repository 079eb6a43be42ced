"""Checks every mode of s2s on one generated program and classifies the result.

``check(program, folder)`` writes the program's module into ``folder``, imports it and
compares, against central differences of ``f`` taken at two step sizes (a difference is
called wrong only where both steps disagree with s2s and agree with each other; where the
steps disagree with each other the point is not smooth and the program is skipped):

- ``grad`` (scalar outputs), ``vjp`` with a random cotangent, ``jvp`` with a random
  tangent, and ``jvp`` against ``vjp`` by the dot-product identity <u, J^T v> = <J u, v>;
- ``grad(checkpoint=2)`` against ``grad`` (1e-10 relative);
- ``hessian`` against central differences of the gradient (small inputs);
- the arguments after each call against copies taken before.

It leaves a ``Result``: ``kind`` is ``ok``, ``unsupported`` (an ``S2SError``; ``message`` is
its class and first line, normalized), ``WRONG``, ``INTERNAL`` (any other exception out of
s2s or out of the code it generated, or a warning other than a numerical one) or ``skip``
(the program itself fails, is not finite, or is not smooth at its arguments).
"""
import importlib.util
import itertools
import os
import re
import sys
import traceback
import warnings
import zlib

import numpy as np

import s2s

RTOL, ATOL = 1e-5, 1e-6          # against finite differences, scaled by the values' size
STEPS = (1e-5, 2e-4)              # two central-difference steps (relative to max(1, |x|))
_modules = itertools.count()


class Result:
    def __init__(self, kind, mode="", message=""):
        self.kind, self.mode, self.message = kind, mode, message

    def __repr__(self):
        return "Result({!r}, {!r}, {!r})".format(self.kind, self.mode, self.message)


class Verdict(Exception):
    """Raised inside ``check`` to end it with a result."""

    def __init__(self, result):
        super().__init__(result)
        self.result = result


def normalize(message):
    """The first line of an error message without its places, names and numbers."""
    line = str(message).strip().splitlines()[0] if str(message).strip() else ""
    line = re.sub(r"\S+\.py:\d+|<[^>]*>:\d+", "FILE:LINE", line)
    line = re.sub(r"`[^`]*`", "`_`", line)
    line = re.sub(r"'[^']*'", "'_'", line)
    return re.sub(r"\b\d+\b", "N", line)


def load(source, folder):
    """Write ``source`` as a module file in ``folder`` and import it (s2s reads it with inspect)."""
    name = "s2s_fuzz_{}_{}".format(os.getpid(), next(_modules))
    path = os.path.join(folder, name + ".py")
    with open(path, "w") as handle:
        handle.write(source)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def leaves(values):
    """The arrays and numbers of ``values`` in order (a dict's by sorted key)."""
    out = []
    for v in values:
        out.extend(leaves([v[k] for k in sorted(v)]) if isinstance(v, dict) else [v])
    return out


def flat(values):
    values = leaves(values)
    return np.concatenate([np.ravel(np.asarray(v, dtype=float)) for v in values]) if values else np.zeros(0)


def copied(v):
    """A deep copy of an argument (arrays, numbers, dicts of them)."""
    if isinstance(v, dict):
        return {k: copied(e) for k, e in v.items()}
    return np.array(v, copy=True) if isinstance(v, np.ndarray) else v


def same(a, b):
    """Whether two arguments hold equal values and the same structure."""
    if isinstance(a, dict) or isinstance(b, dict):
        return isinstance(a, dict) and isinstance(b, dict) and sorted(a) == sorted(b) \
            and all(same(a[k], b[k]) for k in a)
    return np.shape(a) == np.shape(b) and np.array_equal(np.asarray(a), np.asarray(b))


def structure(v):
    """Shapes of ``v``'s leaves, in its structure: what a gradient of ``v`` must have."""
    return {k: structure(e) for k, e in v.items()} if isinstance(v, dict) else np.shape(v)


def unflat(z, like):
    out, k = [], 0
    for v in like:
        if isinstance(v, dict):
            keys = sorted(v)
            n = flat([v]).size
            out.append(dict(zip(keys, unflat(z[k:k + n], [v[key] for key in keys]))))
            k += n
            continue
        n = int(np.size(v))
        piece = z[k:k + n]
        out.append(float(piece[0]) if np.ndim(v) == 0 and not isinstance(v, np.ndarray) else piece.reshape(np.shape(v)))
        k += n
    return out


def fd_jacobian(fn, args, wrt, step, kinks=None):
    """Central differences of ``fn`` at ``args`` with respect to the positions ``wrt``: (out size, in size).

    With ``kinks`` (a list), also appends the difference of the forward and backward quotients.
    """
    base = [args[k] for k in wrt]
    z = flat(base)
    at = np.ravel(np.asarray(fn(*args), dtype=float)) if kinks is not None else None
    cols = []
    for i in range(z.size):
        h = step * max(1.0, abs(z[i]))
        pieces = []
        for sign in (1.0, -1.0):
            zz = z.copy()
            zz[i] += sign * h
            call = list(args)
            for k, v in zip(wrt, unflat(zz, base)):
                call[k] = v
            pieces.append(np.ravel(np.asarray(fn(*call), dtype=float)))
        cols.append((pieces[0] - pieces[1]) / (2 * h))
        if kinks is not None:
            kinks.append(np.abs(pieces[0] - 2 * at + pieces[1]) / h)
    return np.stack(cols, axis=1) if cols else np.zeros((0, 0))


def close(got, want, scale):
    return np.allclose(got, want, rtol=RTOL, atol=ATOL * scale)


def against_fd(mode, got, fds, scale):
    """WRONG where both steps disagree with ``got`` and agree with each other; skip where they disagree."""
    got = np.asarray(got, dtype=float)
    if not np.all(np.isfinite(got)):
        raise Verdict(Result("WRONG", mode, "not finite: {}".format(got)))
    if any(close(got, fd, scale) for fd in fds):
        return
    if not close(fds[0], fds[1], scale):
        raise Verdict(Result("skip", mode, "not smooth at the arguments"))
    raise Verdict(Result("WRONG", mode, "s2s {} against differences {}".format(np.array2string(got, precision=6),
                                                                                np.array2string(fds[0], precision=6))))


class Runner:
    """Calls into s2s with a program's arguments, checking they stay unchanged and classifying exceptions."""

    def __init__(self, args):
        self.args = args
        self.saved = [copied(a) for a in args]

    def call(self, mode, make, *extra):
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                with np.errstate(all="ignore"):
                    out = make()(*self.args, *extra)
        except s2s.S2SError as error:
            raise Verdict(Result("unsupported", mode, "{}: {}".format(type(error).__name__, normalize(error))))
        except Exception as error:  # noqa: BLE001 (any other exception is the finding)
            where = traceback.extract_tb(error.__traceback__)[-1]
            raise Verdict(Result("INTERNAL", mode, "{}: {} ({}:{} {})".format(
                type(error).__name__, str(error).splitlines()[0] if str(error) else "",
                os.path.basename(where.filename), where.lineno, where.name)))
        for w in caught:
            if not issubclass(w.category, RuntimeWarning):
                raise Verdict(Result("INTERNAL", mode, "warning: {}".format(str(w.message).splitlines()[0])))
        for a, saved in zip(self.args, self.saved):
            if not same(a, saved):
                raise Verdict(Result("WRONG", mode, "an argument was modified"))
        return out


def check(program, folder, hessian=True):
    """Classify ``program`` (a ``generator.Program``); see the module docstring."""
    try:
        return _check(program, folder, hessian)
    except Verdict as verdict:
        return verdict.result


def _primal(f, args):
    given = [copied(a) for a in args]     # the arguments stay as generated
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with np.errstate(all="ignore"):
                out = f(*given)
    except Exception as error:  # noqa: BLE001 (a program that fails by itself is not counted)
        raise Verdict(Result("skip", "primal", "{}: {}".format(type(error).__name__, error)))
    if any(not same(a, g) for a, g in zip(args, given)):
        raise Verdict(Result("skip", "primal", "the program modifies its arguments (a generator bug)"))
    out = np.asarray(out, dtype=float) if not isinstance(out, tuple) else None
    if out is None or not np.all(np.isfinite(out)) or np.max(np.abs(out), initial=0.0) > 1e6:
        raise Verdict(Result("skip", "primal", "not a finite array of moderate size"))
    return out


def _check(program, folder, hessian):
    try:
        f, args = load(program.source, folder).f, program.args
    except Exception as error:  # noqa: BLE001 (a module that does not load is no program)
        raise Verdict(Result("skip", "load", "{}: {}".format(type(error).__name__, error)))
    wrt = program.wrt if isinstance(program.wrt, tuple) else (program.wrt,)
    out = _primal(f, args)

    def quiet(*call):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with np.errstate(all="ignore"):
                return f(*call)
    gaps = [[], []]
    fds = [fd_jacobian(quiet, args, wrt, h, gap) for h, gap in zip(STEPS, gaps)]
    if any(not np.all(np.isfinite(j)) for j in fds):
        raise Verdict(Result("skip", "primal", "differences not finite"))
    scale = max(1.0, float(np.max(np.abs(fds[0]), initial=0.0)), float(np.max(np.abs(out), initial=0.0)))
    # forward minus backward quotient: h f'' where f is smooth (20 times smaller at the small step),
    # the jump of the slope at a kink (the same at both steps), where central differences average
    if gaps[0] and np.any(np.concatenate(gaps[0]) > 1e-6 * scale + 0.2 * np.concatenate(gaps[1])):
        raise Verdict(Result("skip", "primal", "a kink at the arguments"))
    run = Runner(args)
    rng = np.random.default_rng(zlib.crc32(program.source.encode()))     # hash() of a str varies by process
    as_tuple = (lambda g: g) if isinstance(program.wrt, tuple) else (lambda g: (g,))

    if out.ndim == 0:
        grads = as_tuple(run.call("grad", lambda: s2s.grad(f, wrt=program.wrt)))
        for g, k in zip(grads, wrt):
            if structure(g) != structure(args[k]):
                raise Verdict(Result("WRONG", "grad", "gradient shape {} for an argument of shape {}".format(
                    structure(g), structure(args[k]))))
        against_fd("grad", flat(grads), [j[0] for j in fds], scale)
        again = as_tuple(run.call("grad checkpoint=2", lambda: s2s.grad(f, wrt=program.wrt, checkpoint=2)))
        if not np.allclose(flat(again), flat(grads), rtol=1e-10, atol=1e-12 * scale):
            raise Verdict(Result("WRONG", "grad checkpoint=2", "{} against {}".format(flat(again), flat(grads))))

    v = rng.standard_normal(out.shape)
    dout = float(v) if out.ndim == 0 else v
    value, cots = run.call("vjp", lambda: s2s.vjp(f, wrt=program.wrt), dout)
    if not np.allclose(np.asarray(value, dtype=float), out, rtol=1e-12, atol=1e-12):
        raise Verdict(Result("WRONG", "vjp", "value {} against {}".format(value, out)))
    cots = flat(as_tuple(cots))
    against_fd("vjp", cots, [np.ravel(v) @ j for j in fds], scale * max(1.0, np.max(np.abs(v))))

    u = [unflat(rng.standard_normal(flat([args[k]]).size), [args[k]])[0] for k in wrt]
    value, tout = run.call("jvp", lambda: s2s.jvp(f, wrt=program.wrt), *u)
    tout = np.ravel(np.asarray(tout, dtype=float))
    against_fd("jvp", tout, [j @ flat(u) for j in fds], scale * max(1.0, np.max(np.abs(flat(u)))))
    left, right = float(flat(u) @ cots), float(tout @ np.ravel(v))
    if not np.isclose(left, right, rtol=1e-9, atol=1e-9 * scale * (1 + np.abs(flat(u)).sum())):
        raise Verdict(Result("WRONG", "jvp/vjp", "<u, J^T v> = {} but <J u, v> = {}".format(left, right)))

    small = [k for k in wrt if not isinstance(args[k], dict) and np.size(args[k]) <= 6]
    if hessian and out.ndim == 0 and small:
        k = small[0]
        h = run.call("hessian", lambda: s2s.hessian(f, wrt=k))
        grad_k = s2s.grad(f, wrt=k)
        hfds = [fd_jacobian(lambda *call: quiet_grad(grad_k, call), args, (k,), step) for step in STEPS]
        n = int(np.size(args[k]))
        hscale = max(1.0, float(np.max(np.abs(hfds[0]), initial=0.0)))
        against_fd("hessian", np.reshape(h, (n, n)), [j.reshape(n, n) for j in hfds], hscale)
    return Result("ok")


def quiet_grad(grad_k, call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with np.errstate(all="ignore"):
            return grad_k(*call)

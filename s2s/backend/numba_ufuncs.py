"""NumPy's own loops for the transcendental ufuncs of compiled derivatives (``compile="numba"``).

Numba compiles ``np.tanh``, ``np.exp``, ... of an array to one libm call per
element: 5 to 12 times slower than NumPy's vectorized loops (tanh of 8192
floats: 73 us against 6 us on an AVX-512 machine), which made compiled
gradients of networks slower than uncompiled ones. Numba's SVML path would
vectorize them but needs an SVML-patched llvmlite, which the PyPI wheels are
not (``llvmlite.binding.has_svml()``). Here each of those ufuncs gets a
stand-in that, for a float array of at least ``THRESHOLDS[name]`` elements,
calls NumPy's ufunc itself in object mode (``numba.objmode``, about 1 us a
call): the numbers are NumPy's bit for bit, the same as the uncompiled
derivative's. Smaller arrays, scalars and every other type go to Numba's own
implementation, as before (within 1 ulp of NumPy's).

``accelerate(namespace, source)`` takes the namespace the generated source
runs in and the source. It leaves the namespace with every name bound to the
NumPy module replaced by a copy of the module (``types.ModuleType``) whose
accelerated ufuncs are the stand-ins -- only for the ufuncs that the source
always calls as ``np.name(x)``, one positional argument and nothing else --
so ``s2s.source`` shows the same text and the user's module is untouched.
Importing this module needs Numba.
"""
import ast
import types

import numba
import numba.extending
import numpy as np

# -- copied into standalone files --
# smallest array size at which NumPy's loop plus the object-mode call beats Numba's (measured, one thread)
THRESHOLDS = {"tanh": 128, "exp": 512, "log": 512, "expm1": 256, "log1p": 256, "arctan": 128, "sinh": 128,
              "cosh": 256, "arcsinh": 128}


def _stand_in(name):
    """A function Numba compiles to NumPy's ufunc ``name`` in object mode on large float arrays."""
    ufunc = getattr(np, name)
    threshold = THRESHOLDS[name]

    def stub(x):
        return ufunc(x)
    stub.__name__ = stub.__qualname__ = name

    @numba.extending.overload(stub)
    def _overload(x):
        if not (isinstance(x, numba.types.Array) and isinstance(x.dtype, numba.types.Float) and x.ndim >= 1):
            return lambda x: ufunc(x)
        result = numba.types.Array(x.dtype, x.ndim, "C")

        def impl(x):
            if x.size < threshold:
                return ufunc(x)
            with numba.objmode(y=result):
                y = ufunc(x)
            return y
        return impl
    return stub


def numpy_with(stand_ins):
    """A copy of the NumPy module whose ufuncs are replaced by ``stand_ins`` ({name: stand-in})."""
    copy = types.ModuleType(np.__name__, np.__doc__)
    copy.__dict__.update(np.__dict__)
    for name, stand_in in stand_ins.items():
        setattr(copy, name, stand_in)
    return copy
# -- end of the copied part --


STAND_INS = {name: _stand_in(name) for name in THRESHOLDS}
_MODULES = {}


def copied_part():
    """The source of the stand-ins and ``numpy_with``, as a standalone file carries them."""
    import inspect

    text = inspect.getsource(inspect.getmodule(copied_part))
    return text.split("# -- copied into standalone files --\n", 1)[1].split("# -- end of the copied part --", 1)[0]


def accelerate(namespace, source):
    """``namespace`` with NumPy module bindings replaced by a copy using the stand-ins ``source`` allows."""
    modules = {key for key, value in namespace.items() if value is np}
    names = single_argument_calls(source, modules)
    if not modules or not names:
        return namespace
    key = frozenset(names)
    if key not in _MODULES:
        _MODULES[key] = numpy_with({name: STAND_INS[name] for name in names})
    namespace = dict(namespace)
    for key_ in modules:
        namespace[key_] = _MODULES[key]
    return namespace


def single_argument_calls(source, modules):
    """The names of THRESHOLDS that ``source`` uses as ``m.name`` (m in ``modules``) only in one-argument calls."""
    tree = ast.parse(source)
    used, other = set(), set()
    calls = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _target(node.func, modules):
            calls.add(id(node.func))
            name = node.func.attr
            if len(node.args) == 1 and not node.keywords and not isinstance(node.args[0], ast.Starred):
                used.add(name)
            else:
                other.add(name)
    for node in ast.walk(tree):
        if _target(node, modules) and id(node) not in calls:
            other.add(node.attr)  # passed around or stored: keep NumPy's own
    return sorted(used - other)


def _target(node, modules):
    return (isinstance(node, ast.Attribute) and node.attr in THRESHOLDS and isinstance(node.value, ast.Name)
            and node.value.id in modules)

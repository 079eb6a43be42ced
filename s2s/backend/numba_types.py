"""Numba type predicates shared by the nopython helpers (s2s/backend/numba_helpers.py,
s2s/backend/numba_reductions.py): what an overload looks at to choose its implementation.

Standalone files copy the text from ``# -- overloads --`` on, before the overloads that use it.
"""
import numba

# -- overloads --
def is_none_type(t):
    return t is None or isinstance(t, (numba.types.NoneType, numba.types.Omitted)) and getattr(t, "value", None) is None


def literal_flag(t):
    """The value of a literal bool (or an omitted default), else None."""
    if isinstance(t, bool):  # a default the call left out
        return t
    if isinstance(t, numba.types.Omitted):
        return t.value
    if isinstance(t, numba.types.BooleanLiteral):
        return t.literal_value
    return None


def is_real_type(t):
    return isinstance(t, (numba.types.Float, numba.types.Integer, numba.types.Boolean))


def is_float_array_type(t):
    return isinstance(t, numba.types.Array) and isinstance(t.dtype, numba.types.Float)


def is_matrix_type(t):
    return isinstance(t, numba.types.Array) and t.ndim == 2


def is_basic_index_type(t):
    items = t.types if isinstance(t, numba.types.BaseTuple) else (t,)
    return all(isinstance(i, (numba.types.Integer, numba.types.SliceType)) for i in items)

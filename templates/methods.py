"""ndarray methods, as the functions the normalizer calls instead.

``METHODS[name]`` is a function ``f`` with ``x.name(*args, **kwargs) ==
f(x, *args, **kwargs)``; the rule (or non-differentiability) of ``f`` then
applies. Methods that mutate (``sort``, ``fill``) are not listed.
"""
import numpy as np

from s2s.runtime import astype, copy, flatten, item

METHODS = {
    "sum": np.sum,
    "mean": np.mean,
    "prod": np.prod,
    "max": np.max,
    "min": np.min,
    "std": np.std,
    "var": np.var,
    "cumsum": np.cumsum,
    "cumprod": np.cumprod,
    "dot": np.dot,
    "ravel": np.ravel,
    "flatten": flatten,
    "squeeze": np.squeeze,
    "clip": np.clip,
    "transpose": np.transpose,
    "reshape": np.reshape,
    "swapaxes": np.swapaxes,
    "trace": np.trace,
    "diagonal": np.diagonal,
    "take": np.take,
    "conj": np.conjugate,
    "conjugate": np.conjugate,
    "astype": astype,
    "copy": copy,
    "item": item,
    "round": np.round,
    "argmax": np.argmax,
    "argmin": np.argmin,
    "argsort": np.argsort,
    "nonzero": np.nonzero,
    "any": np.any,
    "all": np.all,
}

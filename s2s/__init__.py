"""s2s: source-to-source automatic differentiation for Python and NumPy.

``s2s.grad(f)`` reads ``f``'s source and generates the Python source of its
gradient; ``s2s.source`` shows it. The generated code runs with NumPy alone (or, with
array-api-compat, on the arrays of another library: s2s/api/arrays.py).
"""
from s2s.api.transforms import grad, jvp, source, value_and_grad, vjp
from s2s.api.jacobians import hessian, hvp, jacobian
from s2s.api.check import check_grad
from s2s.api.show import show
from s2s.api.arrays import ArrayLibraryError
from s2s.common.errors import (
    ArgumentError,
    ComplexInputError,
    NoRuleError,
    NonScalarOutputError,
    ComplexOutputError,
    S2SError,
    S2SWarning,
    SourceUnavailableError,
    TemplateError,
    UnsupportedSyntaxError,
)
from s2s.runtime import stop_gradient
from s2s.runtime.schedules import checkpointed
from s2s.rules.user import adjoint, tangent
from s2s.sparse import hessian_sparsity, jacobian_sparsity, sparse_hessian, sparse_jacobian

from s2s.common.version import VERSION

__version__ = VERSION

__all__ = [
    "grad",
    "value_and_grad",
    "source",
    "show",
    "vjp",
    "jvp",
    "jacobian",
    "hessian",
    "hvp",
    "check_grad",
    "stop_gradient",
    "checkpointed",
    "adjoint",
    "tangent",
    "sparse_jacobian",
    "sparse_hessian",
    "jacobian_sparsity",
    "hessian_sparsity",
    "S2SError",
    "S2SWarning",
    "ArgumentError",
    "ComplexInputError",
    "NoRuleError",
    "NonScalarOutputError",
    "ComplexOutputError",
    "SourceUnavailableError",
    "TemplateError",
    "UnsupportedSyntaxError",
    "ArrayLibraryError",
]

"""Gradient descent: loss surfaces, the optimizer run loop and PyTorch's update rules.

- :mod:`~core.descent.surface`: the :class:`Surface` interface (value, gradient, Hessian).
- :mod:`~core.descent.classic`: the classic test functions with hand-derived derivatives.
- :mod:`~core.descent.catalogue`: the quadratic bowl, the lesson's surface catalogue, learning
  rate limits, and a learner's own formula as a surface.
- :mod:`~core.descent.rules`: one update step of SGD, momentum, Nesterov, Adagrad, RMSprop
  and Adam, and gradient clipping, as ``torch.optim`` defines them.
- :mod:`~core.descent.optimizers`: :func:`optimize`, the run loop that records a path.
- :mod:`~core.descent.momentum`: momentum on a quadratic solved exactly: the convergence rate
  of every (step, momentum) pair, the optimum, critical damping, the error per eigenvector.
"""

from core.descent.catalogue import (
    SURFACE_KEYS,
    LrLimits,
    custom_surface,
    lr_limits,
    make_surface,
    quadratic_bowl,
)
from core.descent.classic import beale, cliff, himmelblau, rosenbrock, saddle, six_hump_camel
from core.descent.momentum import (
    critical_damping,
    error_by_eigenvector,
    momentum_rate,
    optimal_momentum,
)
from core.descent.optimizers import (
    Trajectory,
    gradient_cosines,
    gradient_evaluation_counts,
    optimize,
)
from core.descent.rules import (
    DEFAULT_EPS,
    DIVERGENCE_LOSS,
    METHOD_LABELS,
    METHODS,
    clip_grad_norm,
    clip_grad_value,
    init_state,
    step,
    vector_norm,
)
from core.descent.surface import Surface

__all__ = [
    "DEFAULT_EPS", "DIVERGENCE_LOSS", "METHODS", "METHOD_LABELS", "SURFACE_KEYS", "LrLimits",
    "Surface", "Trajectory", "beale", "clip_grad_norm", "clip_grad_value", "cliff",
    "critical_damping", "custom_surface", "error_by_eigenvector", "gradient_cosines",
    "gradient_evaluation_counts", "himmelblau", "init_state", "lr_limits", "make_surface",
    "momentum_rate", "optimal_momentum", "optimize", "quadratic_bowl", "rosenbrock", "saddle",
    "six_hump_camel", "step", "vector_norm",
]

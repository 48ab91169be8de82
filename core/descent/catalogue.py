"""Two-parameter loss surfaces with exact values, gradients and Hessians.

Each :class:`Surface` evaluates elementwise on NumPy arrays (for contour grids) and gives
``loss``/``grad``/``hess`` on a single point (for the optimizers). The catalogue covers the
classic optimizer test functions (:mod:`core.descent.classic`), an ill-conditioned quadratic
bowl whose learning-rate limits are known in closed form, a saddle, and a "cliff" whose
gradient explodes in one direction. A learner's own formula becomes a surface through
:func:`custom_surface`, with symbolic derivatives from an already-parsed expression.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.descent.classic import beale, cliff, himmelblau, rosenbrock, saddle, six_hump_camel
from core.descent.momentum import momentum_rate
from core.descent.surface import Surface

__all__ = [
    "LrLimits",
    "SURFACE_KEYS",
    "Surface",
    "beale",
    "cliff",
    "custom_surface",
    "himmelblau",
    "lr_limits",
    "make_surface",
    "quadratic_bowl",
    "rosenbrock",
    "saddle",
    "six_hump_camel",
]


def quadratic_bowl(
    condition: float = 10.0,
    angle: float = 30.0,
    center: tuple[float, float] = (0.0, 0.0),
    lambda_min: float = 1.0,
) -> Surface:
    r"""An elliptic bowl with Hessian eigenvalues ``lambda_min`` and ``lambda_min * condition``.

    .. math::

        f(p) = \tfrac12 (p - c)^\top A (p - c)
             = \tfrac12 p^\top A p - b^\top p + \tfrac12 c^\top A c,
        \quad A = R_\theta \operatorname{diag}(\lambda_{\min}, \kappa\lambda_{\min})
        R_\theta^\top,\; b = A c

    Parameters
    ----------
    condition : float, default 10.0
        :math:`\kappa = \lambda_{\max} / \lambda_{\min} \ge 1`.
    angle : float, default 30.0
        Rotation :math:`\theta` of the long axis, in degrees.
    center : tuple of float, default (0.0, 0.0)
        The minimiser :math:`c`.
    lambda_min : float, default 1.0
        The flattest curvature :math:`\lambda_{\min} > 0`; ``1 / condition`` makes the
        steepest curvature 1, so step sizes read the same whatever :math:`\kappa`.

    Returns
    -------
    Surface
        With ``quadratic=True``; its Hessian is :math:`A` everywhere.

    Raises
    ------
    ValueError
        If ``condition`` is below 1 or not finite, or ``lambda_min`` is not positive.
    """
    if not 1.0 <= condition < np.inf:
        raise ValueError(f"The condition number must be >= 1, got {condition}.")
    if not 0.0 < lambda_min < np.inf:
        raise ValueError(f"The smallest curvature must be positive, got {lambda_min}.")
    th = np.radians(angle)
    rot = np.array([[np.cos(th), -np.sin(th)], [np.sin(th), np.cos(th)]])
    a = rot @ np.diag([float(lambda_min), float(lambda_min) * float(condition)]) @ rot.T
    (axx, axy), (_, ayy) = a
    cx, cy = center

    def value(x, y):
        u, v = x - cx, y - cy
        return 0.5 * (axx * u * u + 2 * axy * u * v + ayy * v * v)

    def gradient(x, y):
        u, v = x - cx, y - cy
        return axx * u + axy * v, axy * u + ayy * v

    def hessian(x, y):
        return axx, axy, ayy

    return Surface(
        "bowl",
        "Quadratic bowl",
        rf"\tfrac12 (p-c)^\top A (p-c),\ \kappa = {condition:g}",
        value,
        gradient,
        hessian,
        (cx - 3.0, cx + 3.0),
        (cy - 3.0, cy + 3.0),
        (cx - 2.5, cy + 1.5),
        ((cx, cy),),
        0.0,
        "The learning-rate limit 2/λmax is exact here: past it, every run diverges.",
        True,
    )


@dataclass(frozen=True)
class LrLimits:
    r"""Learning-rate facts for gradient descent on a quadratic with Hessian :math:`H`.

    Attributes
    ----------
    eigenvalues : tuple of float
        Eigenvalues of :math:`H`, ascending.
    lr_max : float or None
        Stability limit :math:`2/\lambda_{\max}` (None if :math:`\lambda_{\max} \le 0`).
    lr_best : float or None
        Best fixed rate :math:`2/(\lambda_{\min} + \lambda_{\max})` (None unless :math:`H`
        is positive definite).
    best_factor : float or None
        Error contraction per step at ``lr_best``: :math:`(\kappa - 1)/(\kappa + 1)`.
    """

    eigenvalues: tuple[float, ...]
    lr_max: float | None
    lr_best: float | None
    best_factor: float | None

    def factor(self, lr: float) -> float:
        r"""Worst-case error factor per step, :math:`\max_i |1 - \eta \lambda_i|`.

        Below 1 the iteration converges, above 1 it diverges. This is
        :func:`~core.descent.momentum.momentum_rate` without momentum.
        """
        return float(momentum_rate(lr, 0.0, self.eigenvalues))

    def limit_for(self, method: str, momentum: float = 0.9) -> float | None:
        r"""Largest stable learning rate of ``method`` on this quadratic (None if unknown).

        With :math:`a = \eta\lambda_{\max}` and momentum :math:`m \in [0, 1)`, the linear
        iteration on the stiffest eigen-direction is stable exactly when

        .. math::

            \text{sgd: } a < 2, \qquad
            \text{momentum (heavy ball): } a < 2(1 + m), \qquad
            \text{nesterov: } a < \frac{2(1 + m)}{1 + 2m}

        The adaptive methods (Adagrad, RMSprop, Adam) rescale each step, so no fixed limit
        applies; they return None.

        Parameters
        ----------
        method : str
            Optimizer name.
        momentum : float, default 0.9
            Momentum factor for ``"momentum"`` and ``"nesterov"``.

        Returns
        -------
        float or None
            The limit on the learning rate.
        """
        if self.lr_max is None:
            return None
        factors = {"sgd": 1.0, "momentum": 1.0 + momentum,
                   "nesterov": (1.0 + momentum) / (1.0 + 2.0 * momentum)}
        return self.lr_max * factors[method] if method in factors else None


def lr_limits(hessian: np.ndarray) -> LrLimits:
    r"""Stability limit and best fixed learning rate of gradient descent on a quadratic.

    For :math:`f(p) = \tfrac12 p^\top H p - b^\top p`, the error obeys
    :math:`e_{k+1} = (I - \eta H) e_k`, so

    .. math::

        \eta < \frac{2}{\lambda_{\max}} \;\text{(stable)}, \qquad
        \eta^\star = \frac{2}{\lambda_{\min} + \lambda_{\max}}, \qquad
        \rho(\eta^\star) = \frac{\kappa - 1}{\kappa + 1}

    Parameters
    ----------
    hessian : numpy.ndarray
        A symmetric square matrix.

    Returns
    -------
    LrLimits
        Eigenvalues, ``lr_max``, ``lr_best`` and the contraction factor at ``lr_best``.
    """
    lam = np.linalg.eigvalsh(np.asarray(hessian, dtype=float))
    lo, hi = float(lam[0]), float(lam[-1])
    lr_max = 2.0 / hi if hi > 0 else None
    if lo > 0:
        return LrLimits(tuple(map(float, lam)), lr_max, 2.0 / (lo + hi), (hi - lo) / (hi + lo))
    return LrLimits(tuple(map(float, lam)), lr_max, None, None)


SURFACE_KEYS: tuple[str, ...] = (
    "bowl",
    "rosenbrock",
    "himmelblau",
    "saddle",
    "camel",
    "beale",
    "cliff",
)
"""Keys of the built-in surfaces accepted by :func:`make_surface`."""

_BUILDERS = {
    "rosenbrock": rosenbrock,
    "himmelblau": himmelblau,
    "saddle": saddle,
    "camel": six_hump_camel,
    "beale": beale,
    "cliff": cliff,
}


def make_surface(key: str, *, condition: float = 10.0, angle: float = 30.0) -> Surface:
    """Build a built-in surface by key.

    Parameters
    ----------
    key : str
        One of :data:`SURFACE_KEYS`.
    condition : float, default 10.0
        Condition number, for ``"bowl"`` only.
    angle : float, default 30.0
        Rotation in degrees, for ``"bowl"`` only.

    Returns
    -------
    Surface
        The surface.

    Raises
    ------
    ValueError
        For an unknown key.
    """
    if key == "bowl":
        return quadratic_bowl(condition, angle)
    if key not in _BUILDERS:
        raise ValueError(f"Unknown surface {key!r}; choose one of {', '.join(SURFACE_KEYS)}.")
    return _BUILDERS[key]()


def _as_float_array(expr, x, y) -> np.ndarray:
    return np.asarray(expr.evaluate(x=x, y=y), dtype=float)


def custom_surface(
    expr,
    x_range: tuple[float, float] = (-3.0, 3.0),
    y_range: tuple[float, float] = (-3.0, 3.0),
    start: tuple[float, float] | None = None,
) -> Surface:
    r"""Turn a parsed formula :math:`f(x, y)` into a surface with symbolic derivatives.

    .. math::

        \nabla f = \left(\frac{\partial f}{\partial x}, \frac{\partial f}{\partial y}\right),
        \qquad H = \begin{pmatrix} f_{xx} & f_{xy} \\ f_{xy} & f_{yy} \end{pmatrix}

    Parameters
    ----------
    expr : Expression
        An already-parsed expression in the variables ``x`` and ``y`` (duck-typed: it needs
        ``evaluate(x=..., y=...)``, ``diff(var)``, ``latex`` and ``text``), as returned by
        ``core.formula.expression.parse(text, ("x", "y"))``.
    x_range, y_range : tuple of float, default (-3.0, 3.0)
        The window to draw; each must have ``low < high``.
    start : tuple of float or None, default None
        Start point; None means 80 % of the way to the window's top-left corner.

    Returns
    -------
    Surface
        With derivatives computed symbolically once, then evaluated numerically. Points where
        the formula is undefined evaluate to NaN.

    Raises
    ------
    ValueError
        If a range is empty or not finite.
    """
    for lo, hi in (x_range, y_range):
        if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
            raise ValueError(f"A plotting range needs low < high, got ({lo}, {hi}).")
    fx, fy = expr.diff("x"), expr.diff("y")
    fxx, fxy, fyy = fx.diff("x"), fx.diff("y"), fy.diff("y")
    if start is None:
        start = (
            x_range[0] + 0.1 * (x_range[1] - x_range[0]),
            y_range[0] + 0.9 * (y_range[1] - y_range[0]),
        )

    def value(x, y):
        return _as_float_array(expr, x, y)

    def gradient(x, y):
        return _as_float_array(fx, x, y), _as_float_array(fy, x, y)

    def hessian(x, y):
        return tuple(_as_float_array(h, x, y) for h in (fxx, fxy, fyy))

    return Surface(
        "custom",
        "Your formula",
        expr.latex,
        value,
        gradient,
        hessian,
        tuple(map(float, x_range)),
        tuple(map(float, y_range)),
        tuple(map(float, start)),
        note=f"f(x, y) = {expr.text}",
    )

"""The :class:`Surface` record shared by every loss surface (see :mod:`core.descent.catalogue`).

Two-parameter loss surfaces with exact values, gradients and Hessians.

Each :class:`Surface` evaluates elementwise on NumPy arrays (for contour grids) and gives
``loss``/``grad``/``hess`` on a single point (for the optimizers). The catalogue covers the
classic optimizer test functions, an ill-conditioned quadratic bowl whose learning-rate limits
are known in closed form, a saddle, and a "cliff" whose gradient explodes in one direction.
A learner's own formula becomes a surface through :func:`custom_surface`, with symbolic
derivatives from an already-parsed expression (see ``core.formula.expression``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Fn = Callable[[np.ndarray, np.ndarray], object]


@dataclass(frozen=True)
class Surface:
    """A loss surface :math:`f(x, y)` with its exact derivatives.

    Attributes
    ----------
    key : str
        Short identifier (used in URLs).
    label : str
        Name shown to learners.
    latex : str
        The formula, LaTeX without ``$``.
    value : callable
        ``value(x, y)``: :math:`f`, elementwise on arrays.
    gradient : callable
        ``gradient(x, y) -> (f_x, f_y)``.
    hessian : callable
        ``hessian(x, y) -> (f_xx, f_xy, f_yy)``.
    x_range, y_range : tuple of float
        The window to draw.
    start : tuple of float
        A start point that makes a good first demonstration.
    minima : tuple of tuple of float
        Known minimisers (may be empty).
    min_value : float or None
        The global minimum value, if known.
    note : str
        What this surface teaches, in one sentence.
    quadratic : bool
        True for the quadratic bowl (constant Hessian, closed-form learning-rate limits).
    """

    key: str
    label: str
    latex: str
    value: Fn
    gradient: Fn
    hessian: Fn
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    start: tuple[float, float]
    minima: tuple[tuple[float, float], ...] = ()
    min_value: float | None = None
    note: str = ""
    quadratic: bool = False

    def loss(self, p: np.ndarray) -> float:
        """Loss at one point ``p = (x, y)``."""
        x, y = p.tolist() if isinstance(p, np.ndarray) else p
        return float(self.value(x, y))

    def grad(self, p: np.ndarray) -> np.ndarray:
        """Gradient :math:`(f_x, f_y)` at one point, as a float array of shape (2,)."""
        x, y = p.tolist() if isinstance(p, np.ndarray) else p
        gx, gy = self.gradient(x, y)
        return np.array((gx, gy), dtype=float)

    def hess(self, p: np.ndarray) -> np.ndarray:
        """Hessian at one point, a symmetric 2 x 2 float array."""
        hxx, hxy, hyy = (float(v) for v in self.hessian(p[0], p[1]))
        return np.array(((hxx, hxy), (hxy, hyy)))

    def grid(self, n: int = 101) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Values on an ``n`` x ``n`` grid over the window: ``xs``, ``ys``, ``Z[iy, ix]``.

        Non-finite values become NaN.
        """
        xs = np.linspace(*self.x_range, n)
        ys = np.linspace(*self.y_range, n)
        with np.errstate(all="ignore"):
            z = np.asarray(self.value(xs[None, :], ys[:, None]), dtype=float)
        z = np.broadcast_to(z, (n, n)).copy()
        z[~np.isfinite(z)] = np.nan
        return xs, ys, z

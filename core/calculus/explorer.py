r"""What the partial-derivatives explorer shows, computed from a formula (NumPy only).

The functions take any object with the interface of :class:`core.formula.expression.Expression` in the
variables ``x`` and ``y`` (``evaluate(**arrays)`` and ``evaluate_complex(**arrays)``), so this
module never imports SymPy. Results are plain arrays and floats, ready for the figure builders.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from core.calculus.derivatives import ErrorScan, error_scan, partial
from core.calculus.walks import direction_turn, secant_family, slice_curve


class Formula(Protocol):
    """The part of :class:`core.formula.expression.Expression` this module uses."""

    def evaluate(self, **arrays) -> np.ndarray: ...  # noqa: D102

    def evaluate_complex(self, **arrays) -> np.ndarray: ...  # noqa: D102


@dataclass(frozen=True)
class Grid:
    """A function sampled on a rectangle.

    Parameters
    ----------
    x : numpy.ndarray
        Grid abscissae, shape ``(n,)``.
    y : numpy.ndarray
        Grid ordinates, shape ``(m,)``.
    z : numpy.ndarray
        Values ``z[j, i] = f(x[i], y[j])``, shape ``(m, n)``, NaN where undefined.
    """

    x: np.ndarray
    y: np.ndarray
    z: np.ndarray


def surface_grid(formula: Formula, x_range, y_range, n: int = 100) -> Grid:
    """Sample ``f(x, y)`` on an ``n`` by ``n`` grid.

    Parameters
    ----------
    formula : Formula
        The function of ``x`` and ``y``.
    x_range, y_range : tuple of float
        ``(low, high)`` of each axis.
    n : int, optional
        Points per axis.

    Returns
    -------
    Grid
        The sampled surface (NaN where the formula is undefined).
    """
    x = np.linspace(*x_range, n)
    y = np.linspace(*y_range, n)
    z = formula.evaluate(x=x[None, :], y=y[:, None])
    return Grid(x, y, z)


def point_function(formula: Formula, complex_step: bool = False) -> Callable:
    """Return ``p -> f(p[0], p[1])`` for :mod:`core.calculus`.

    Parameters
    ----------
    formula : Formula
        The function of ``x`` and ``y``.
    complex_step : bool, optional
        Evaluate with complex arithmetic (for ``method="complex"``).

    Returns
    -------
    callable
        Maps a length-2 array to a scalar.
    """
    if complex_step:
        return lambda p: formula.evaluate_complex(x=p[0], y=p[1])
    return lambda p: formula.evaluate(x=p[0], y=p[1])


@dataclass(frozen=True)
class PointAnalysis:
    r"""Value, slices and partial derivatives of ``f`` at one point.

    Parameters
    ----------
    x0, y0 : float
        The point.
    f0 : float
        :math:`f(x_0, y_0)` (NaN if undefined).
    exact : numpy.ndarray
        Symbolic :math:`(\partial f/\partial x, \partial f/\partial y)` at the point (NaN
        where ``f`` itself is undefined).
    estimates : dict of str to numpy.ndarray
        The same pair estimated by each finite-difference method (default steps; NaN where
        ``f`` is undefined).
    slice_x : tuple of numpy.ndarray
        ``(xs, f(xs, y0))``: the curve cut by the plane :math:`y = y_0`.
    slice_y : tuple of numpy.ndarray
        ``(ys, f(x0, ys))``: the curve cut by the plane :math:`x = x_0`.
    """

    x0: float
    y0: float
    f0: float
    exact: np.ndarray
    estimates: dict[str, np.ndarray]
    slice_x: tuple[np.ndarray, np.ndarray]
    slice_y: tuple[np.ndarray, np.ndarray]

    @property
    def gradient(self) -> np.ndarray:
        r"""The exact gradient :math:`\nabla f(x_0, y_0)`."""
        return self.exact


def analyse_point(
    formula: Formula, dfdx: Formula, dfdy: Formula, x0: float, y0: float, x_range, y_range,
    n: int = 200, methods: tuple[str, ...] = ("forward", "central", "complex"),
) -> PointAnalysis:  # fmt: skip
    """Everything the explorer shows about one point.

    Parameters
    ----------
    formula, dfdx, dfdy : Formula
        The function and its symbolic partial derivatives.
    x0, y0 : float
        The point.
    x_range, y_range : tuple of float
        Extent of the slice curves.
    n : int, optional
        Points per slice curve.
    methods : tuple of str, optional
        Finite-difference methods to estimate the partials with.

    Returns
    -------
    PointAnalysis
        Value, exact and estimated partials, and both slice curves.
    """
    p = np.array([x0, y0], dtype=float)
    f0 = float(formula.evaluate(x=x0, y=y0))
    exact = np.array([float(dfdx.evaluate(x=x0, y=y0)), float(dfdy.evaluate(x=x0, y=y0))])
    if not np.isfinite(f0):  # e.g. log(x) at x < 0: 1/x exists, but f has no slope there
        exact[:] = np.nan
    estimates = {}
    for method in methods:
        f = point_function(formula, complex_step=method == "complex")
        with np.errstate(all="ignore"):
            estimates[method] = np.array([partial(f, p, i, method=method) for i in (0, 1)])
        if not np.isfinite(f0):  # e.g. Im log(-1 + ih)/h = pi/h is not a derivative
            estimates[method][:] = np.nan
    return PointAnalysis(
        float(x0), float(y0), f0, exact, estimates,
        slice_curve(formula, "x", y0, x_range, n), slice_curve(formula, "y", x0, y_range, n),
    )  # fmt: skip


def secant(formula: Formula, x0: float, y0: float, h: float) -> tuple[float, float, float]:
    r"""The secant of width ``h`` along ``x`` through :math:`(x_0, f(x_0, y_0))`.

    One width of :func:`core.calculus.walks.secant_family`, whose slope tends to
    :math:`\partial f / \partial x` as ``h`` shrinks.

    Parameters
    ----------
    formula : Formula
        The function of ``x`` and ``y``.
    x0, y0 : float
        The point.
    h : float
        Width of the secant (non-zero).

    Returns
    -------
    tuple of float
        ``(x0 + h, f(x0 + h, y0), slope)``.
    """
    family = secant_family(formula, x0, y0, h)
    return x0 + h, float(family.f1[0]), float(family.slopes[0])


def directional_profile(grad, n: int = 361) -> tuple[np.ndarray, np.ndarray]:
    r"""Directional derivative :math:`D_u f = \nabla f \cdot u` for ``n`` angles from 0 to 360°.

    :func:`core.calculus.walks.direction_turn` on an even grid of angles.

    Parameters
    ----------
    grad : array_like
        The gradient :math:`(\partial_x f, \partial_y f)`.
    n : int, optional
        Number of angles from 0 to 360 degrees.

    Returns
    -------
    tuple of numpy.ndarray
        ``(angles_deg, values)``.
    """
    angles = np.linspace(0.0, 360.0, n)
    return angles, direction_turn(grad, angles).values


def scan_point(formula: Formula, x0: float, y0: float, exact: float, i: int = 0) -> ErrorScan:
    r"""Error explorer for one partial derivative of a formula at a point.

    Parameters
    ----------
    formula : Formula
        The function of ``x`` and ``y``.
    x0, y0 : float
        The point.
    exact : float
        The exact partial derivative (finite).
    i : int, optional
        0 for :math:`\partial f/\partial x`, 1 for :math:`\partial f/\partial y`.

    Returns
    -------
    ErrorScan
        Errors of the forward, central and complex-step estimates for h in [1e-16, 1e-1].
    """
    real, cplx = point_function(formula), point_function(formula, complex_step=True)

    def f(p):
        return cplx(p) if np.iscomplexobj(p) else real(p)

    methods = ("forward", "central", "complex")
    return error_scan(f, [x0, y0], i, exact, methods=methods, vectorized=True)

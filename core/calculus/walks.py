r"""The motions of the partial-derivatives lesson, computed once per scenario (NumPy only).

A motion is played by the browser frame by frame; every number in it is computed here:

- :func:`slice_curve` and :func:`slice_walk`: one slice of :math:`f`, and a point walking
  along it with the tangent line and the exact partial derivative at every stop;
- :func:`secant_family`: the secants through :math:`(x_0, f(x_0, y_0))` for a ladder of widths
  :math:`h`, turning into the tangent as :math:`h` shrinks;
- :func:`direction_turn`: the unit vector :math:`u(\theta)` turning around the point, with the
  directional derivative :math:`D_u f = \nabla f \cdot u`;
- :func:`tangent_segments`: the end points of many tangent lines at once.

Formulas are objects with ``evaluate(**arrays)`` (see :class:`core.calculus.explorer.Formula`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from core.calculus.explorer import Formula


def tangent_segments(
    x0: np.ndarray, y0: np.ndarray, slope: np.ndarray, half_width: float,
    x_range: tuple[float, float] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    r"""End points of the tangent lines at many points at once.

    .. math:: y = y_0 + f'(x_0)\,(x - x_0), \qquad x \in [x_0 - w,\ x_0 + w]

    Parameters
    ----------
    x0, y0, slope : numpy.ndarray
        Points of tangency and the derivative there, shape ``(n,)``.
    half_width : float
        Half the length :math:`w` of each segment along x.
    x_range : tuple of float, optional
        Clip the segments to this x interval (e.g. the chart's window).

    Returns
    -------
    xs, ys : numpy.ndarray
        Shape ``(n, 2)``: the two end points of each segment.
    """
    x0, y0, slope = (np.asarray(v, dtype=float) for v in (x0, y0, slope))
    xs = np.stack([x0 - half_width, x0 + half_width], axis=-1)
    if x_range is not None:
        xs = np.clip(xs, *x_range)
    return xs, y0[..., None] + slope[..., None] * (xs - x0[..., None])


def slice_curve(formula: Formula, along: str, fixed: float, window: tuple[float, float],
                n: int = 200) -> tuple[np.ndarray, np.ndarray]:
    r"""The slice of :math:`f` where one coordinate is held fixed, as a curve of ``n`` points.

    ``along="x"`` gives :math:`s \mapsto f(s, y_0)` with :math:`y_0` = ``fixed``; ``along="y"``
    gives :math:`s \mapsto f(x_0, s)`.

    Parameters
    ----------
    formula : Formula
        The function :math:`f(x, y)`.
    along : {"x", "y"}
        The coordinate that moves.
    fixed : float
        The value the other coordinate is held at.
    window : tuple of float
        ``(low, high)`` of the moving coordinate.
    n : int, default 200
        Points on the curve.

    Returns
    -------
    tuple of numpy.ndarray
        ``(positions, values)``; values are NaN where ``f`` is undefined.
    """
    if along not in ("x", "y"):
        raise ValueError(f"A slice walks along 'x' or 'y', not {along!r}.")
    s = np.linspace(*window, n)
    args = {"x": s, "y": float(fixed)} if along == "x" else {"x": float(fixed), "y": s}
    return s, np.broadcast_to(formula.evaluate(**args), s.shape).astype(float)


@dataclass(frozen=True)
class SliceWalk:
    r"""A point walking along the slice of :math:`f` where one coordinate is held fixed.

    Attributes
    ----------
    along : str
        The coordinate that moves, ``"x"`` or ``"y"``.
    fixed : float
        The value of the other coordinate (:math:`y_0` when walking along x).
    stops : numpy.ndarray
        Positions of the moving coordinate, shape ``(n,)``.
    values : numpy.ndarray
        :math:`f` at each stop, NaN where undefined.
    slopes : numpy.ndarray
        The exact partial derivative with respect to the moving coordinate at each stop (NaN
        where :math:`f` is undefined).
    segment_s, segment_f : numpy.ndarray
        The tangent line's end points at each stop, shape ``(n, 2)``: moving coordinate and f.
    """

    along: str
    fixed: float
    stops: np.ndarray
    values: np.ndarray
    slopes: np.ndarray
    segment_s: np.ndarray
    segment_f: np.ndarray


def slice_walk(formula: Formula, derivative: Formula, along: str, fixed: float, stops,
               half_width: float) -> SliceWalk:
    r"""Walk along the slice :math:`y = y_0` (``along="x"``) or :math:`x = x_0` (``along="y"``).

    At each stop :math:`s` the tangent line of the slice is

    .. math::

        f(s, y_0) + \frac{\partial f}{\partial x}(s, y_0)\,(t - s), \quad
        t \in [s - w, s + w]

    (and the same with the roles of x and y swapped).

    Parameters
    ----------
    formula : Formula
        The function :math:`f(x, y)`.
    derivative : Formula
        Its exact partial derivative with respect to ``along``.
    along : {"x", "y"}
        The coordinate that moves.
    fixed : float
        The value the other coordinate is held at.
    stops : array_like
        Positions of the moving coordinate.
    half_width : float
        Half the length :math:`w` of each tangent segment along the moving axis.

    Returns
    -------
    SliceWalk
        Values, exact slopes and tangent segments at every stop.
    """
    if along not in ("x", "y"):
        raise ValueError(f"A slice walks along 'x' or 'y', not {along!r}.")
    s = np.asarray(stops, dtype=float)
    args = {"x": s, "y": float(fixed)} if along == "x" else {"x": float(fixed), "y": s}
    values = np.broadcast_to(formula.evaluate(**args), s.shape).astype(float)
    slopes = np.broadcast_to(derivative.evaluate(**args), s.shape).astype(float)
    slopes = np.where(np.isfinite(values), slopes, np.nan)  # no slope where f is undefined
    seg_s, seg_f = tangent_segments(s, values, slopes, half_width)
    return SliceWalk(along, float(fixed), s, values, slopes, seg_s, seg_f)


@dataclass(frozen=True)
class SecantFamily:
    r"""Secants of the slice :math:`y = y_0` through :math:`(x_0, f(x_0, y_0))`, one per width.

    Attributes
    ----------
    x0, y0, f0 : float
        The point and :math:`f(x_0, y_0)`.
    h : numpy.ndarray
        The widths, shape ``(n,)``.
    f1 : numpy.ndarray
        :math:`f(x_0 + h, y_0)`.
    slopes : numpy.ndarray
        :math:`(f(x_0 + h, y_0) - f(x_0, y_0)) / h`.
    """

    x0: float
    y0: float
    f0: float
    h: np.ndarray
    f1: np.ndarray
    slopes: np.ndarray


def secant_family(formula: Formula, x0: float, y0: float, h) -> SecantFamily:
    r"""The secants of widths ``h`` along x through the point.

    .. math::

        \text{slope}(h) = \frac{f(x_0 + h, y_0) - f(x_0, y_0)}{h}
        \xrightarrow[h \to 0]{} \frac{\partial f}{\partial x}(x_0, y_0)

    Parameters
    ----------
    formula : Formula
        The function of ``x`` and ``y``.
    x0, y0 : float
        The point.
    h : array_like
        Widths (non-zero).

    Returns
    -------
    SecantFamily
        The far end and the slope of each secant.
    """
    widths = np.atleast_1d(np.asarray(h, dtype=float))
    if np.any(widths == 0) or not np.all(np.isfinite(widths)):
        raise ValueError("A secant needs a finite, non-zero width h.")
    f0 = float(formula.evaluate(x=x0, y=y0))
    f1 = np.broadcast_to(formula.evaluate(x=x0 + widths, y=y0), widths.shape).astype(float)
    return SecantFamily(float(x0), float(y0), f0, widths, f1, (f1 - f0) / widths)


@dataclass(frozen=True)
class DirectionTurn:
    r"""The unit vector :math:`u(\theta) = (\cos\theta, \sin\theta)` and :math:`\nabla f \cdot u`.

    Attributes
    ----------
    angles : numpy.ndarray
        Directions in degrees, shape ``(n,)``.
    u : numpy.ndarray
        Unit vectors, shape ``(n, 2)``.
    values : numpy.ndarray
        Directional derivatives :math:`D_u f`, shape ``(n,)``.
    """

    angles: np.ndarray
    u: np.ndarray
    values: np.ndarray


def direction_turn(grad, angles_deg) -> DirectionTurn:
    r"""The directional derivative for each direction angle.

    .. math::

        D_{u(\theta)} f = \partial_x f \cos\theta + \partial_y f \sin\theta
        = \|\nabla f\| \cos(\theta - \theta_{\nabla f})

    Parameters
    ----------
    grad : array_like
        The gradient :math:`(\partial_x f, \partial_y f)`.
    angles_deg : array_like
        Direction angles in degrees.

    Returns
    -------
    DirectionTurn
        Angles, unit vectors and directional derivatives.
    """
    angles = np.asarray(angles_deg, dtype=float)
    rad = np.deg2rad(angles)
    u = np.stack([np.cos(rad), np.sin(rad)], axis=-1)
    g = np.asarray(grad, dtype=float)
    return DirectionTurn(angles, u, u @ g)

"""Partial derivatives, gradients and directional derivatives, exact and by finite differences.

- :mod:`~core.calculus.derivatives`: the numerical derivatives (forward, backward, central and
  complex step) and the scan of their error against the step size ``h``.
- :mod:`~core.calculus.explorer`: what the partial-derivatives lesson computes for a formula at
  a point: surface grid, slices, tangents, secant, directional profile.
- :mod:`~core.calculus.walks`: the lesson's motions, computed once per scenario: a point walking
  along a slice with its tangent, secants shrinking to the tangent, the direction u turning.
- :mod:`~core.calculus.presets`: the lesson's preset functions and the sales forecast, with
  hand-written derivatives.
"""

from core.calculus.derivatives import (
    METHODS,
    ErrorScan,
    default_step,
    directional_derivative,
    error_scan,
    gradient,
    partial,
)
from core.calculus.explorer import (
    Grid,
    PointAnalysis,
    analyse_point,
    directional_profile,
    point_function,
    scan_point,
    secant,
    surface_grid,
)
from core.calculus.presets import DEFAULT_PRESET, PRESETS, SALES, Preset, SalesModel
from core.calculus.walks import (
    DirectionTurn,
    SecantFamily,
    SliceWalk,
    direction_turn,
    secant_family,
    slice_curve,
    slice_walk,
    tangent_segments,
)

__all__ = [
    "DEFAULT_PRESET", "METHODS", "PRESETS", "SALES", "DirectionTurn", "ErrorScan", "Grid",
    "PointAnalysis", "Preset", "SalesModel", "SecantFamily", "SliceWalk", "analyse_point",
    "default_step", "direction_turn", "directional_derivative", "directional_profile",
    "error_scan", "gradient", "partial", "point_function", "scan_point", "secant",
    "secant_family", "slice_curve", "slice_walk", "surface_grid", "tangent_segments",
]

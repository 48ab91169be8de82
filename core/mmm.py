r"""Media-mix reallocation: response curves, marginal returns and budget optimisation.

The marginal return of channel :math:`i` is the partial derivative of total conversions
with respect to that channel's spend, all other spends held fixed:

.. math:: \frac{\partial}{\partial s_i} \sum_j R_j(s_j) = R_i'(s_i)

A budget is allocated optimally when these partial derivatives are equal across the
channels that are not held at a minimum or maximum spend. This module re-exports the
public names of :mod:`core.mmm_curves`, :mod:`core.mmm_bank`, :mod:`core.mmm_optimize`
and :mod:`core.mmm_plan`, and holds the worked consumer-packaged-goods example.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.mmm_bank import CurveBank
from core.mmm_curves import ExponentialCurve, HillCurve, PowerCurve, ResponseCurve
from core.mmm_optimize import Allocation, optimize_budget, resolve_bounds
from core.mmm_plan import (
    Move,
    Plan,
    TargetBudget,
    reallocation_plan,
    target_marginal_budget,
)

__all__ = [
    "CPG_EXAMPLE",
    "Allocation",
    "CurveBank",
    "ExponentialCurve",
    "HillCurve",
    "MediaMixExample",
    "Move",
    "Plan",
    "PowerCurve",
    "ResponseCurve",
    "TargetBudget",
    "optimize_budget",
    "reallocation_plan",
    "resolve_bounds",
    "target_marginal_budget",
]


@dataclass(frozen=True)
class MediaMixExample:
    """A worked example: channel names, current spend, marginal returns and curves.

    Attributes
    ----------
    names : tuple of str
        Channel names.
    spend : numpy.ndarray
        Current spend per channel (read-only).
    marginal : tuple of float
        Marginal return at current spend (conversions per dollar).
    elasticity : tuple of float
        Assumed elasticities of the power curves.
    curves : tuple of PowerCurve
        Curves calibrated so that their marginal return at ``spend`` is ``marginal``.
    """

    names: tuple[str, ...]
    spend: np.ndarray
    marginal: tuple[float, ...]
    elasticity: tuple[float, ...]
    curves: tuple[PowerCurve, ...]


def _example(names, spend, marginal, elasticity) -> MediaMixExample:
    arr = np.array(spend, dtype=float)
    arr.setflags(write=False)
    curves = tuple(
        PowerCurve.from_marginal(s, m, b)
        for s, m, b in zip(spend, marginal, elasticity, strict=True)
    )
    return MediaMixExample(tuple(names), arr, tuple(marginal), tuple(elasticity), curves)


CPG_EXAMPLE = _example(
    names=("Television", "Digital video", "Display", "Paid search"),
    spend=(2_100_000, 800_000, 600_000, 400_000),
    marginal=(0.42, 0.89, 0.61, 1.23),
    elasticity=(0.4, 0.5, 0.5, 0.3),
)

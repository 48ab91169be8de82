"""Random concave budget problems and their objective, shared by the optimiser tests.

The objective adds the curves one at a time (each curve's own ``response``), so it does
not go through the :class:`~core.mmm.bank.CurveBank` the solver uses.
"""

from __future__ import annotations

import numpy as np

from core.mmm import ExponentialCurve, HillCurve, PowerCurve


def random_concave(rng: np.random.Generator, n: int) -> list:
    """``n`` concave curves: power, exponential and Hill (slope at most 1), mixed at random."""
    curves = []
    for kind in rng.integers(3, size=n):
        if kind == 0:
            curves.append(PowerCurve(rng.uniform(0.5, 50), rng.uniform(0.05, 1.0)))
        elif kind == 1:
            curves.append(ExponentialCurve(rng.uniform(10, 500), rng.uniform(0.5, 20)))
        else:
            curves.append(HillCurve(rng.uniform(10, 500), rng.uniform(0.5, 20), rng.uniform(0.3, 1)))
    return curves


def objective(curves, s) -> float:
    """Total response of the spends ``s``, curve by curve."""
    return float(sum(float(c.response(x)) for c, x in zip(curves, s, strict=True)))

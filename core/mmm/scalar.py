"""Scalar (plain-float) helpers shared by the curve classes and the small-problem solver."""

from __future__ import annotations

import math

__all__ = ["hill_inverse"]


def hill_inverse(v: float, big_k: float, k: float, level: float, guess: float | None) -> float:
    r"""Spend where a Hill curve's marginal return equals ``level`` (plain floats).

    The same Newton iteration on :math:`\log u` as the vectorised
    :meth:`core.mmm.curves.HillCurve.inverse_marginal`, started right of the root (or at
    ``guess``); for a few channels plain floats beat NumPy's per-call overhead.

    Parameters
    ----------
    v, big_k, k : float
        ``vmax``, ``half_saturation`` and ``slope`` of the curve.
    level : float
        Target marginal return.
    guess : float or None
        Warm start (a spend), e.g. the solution for a nearby level.

    Returns
    -------
    float
        Spend on the diminishing-returns branch; the inflection point when ``level``
        exceeds the peak marginal return.
    """
    target = level * big_k / v
    if not target > 0:
        return math.inf
    u_infl = ((k - 1) / (k + 1)) ** (1 / k) if k > 1 else 0.0
    if k > 1 or k == 1:
        peak = k * u_infl ** (k - 1) / (1 + u_infl**k) ** 2 if k > 1 else 1.0
        if target >= peak:
            return u_infl * big_k
    log_ratio = math.log(k) - math.log(target)
    t = log_ratio / (k + 1)
    if k < 1:
        t = min(t, log_ratio / (1 - k))
    if guess is not None and math.isfinite(guess) and guess / big_k > u_infl:
        t = math.log(guess / big_k)
    for _ in range(80):
        kt = k * t
        soft = kt + math.log1p(math.exp(-kt)) if kt > 0 else math.log1p(math.exp(kt))
        g = log_ratio + (k - 1) * t - 2 * soft
        sig = 1 / (1 + math.exp(-kt)) if kt > -700 else 0.0
        step = max(-5.0, min(5.0, g / ((k - 1) - 2 * k * sig)))
        t -= step
        if abs(step) < 1e-13:
            break
    return math.exp(t) * big_k if t < 700 else math.inf

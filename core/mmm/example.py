r"""The worked consumer-packaged-goods example of the media-mix lesson.

Four channels with measured marginal returns at current spend and assumed elasticities; each
channel's power curve is calibrated so that its derivative at today's spend is the measured
marginal return.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.mmm.curves import PowerCurve

__all__ = ["CPG_EXAMPLE", "MediaMixExample"]


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

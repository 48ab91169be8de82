"""Plain-language warnings about a media-mix fit (NumPy only).

Each check looks at one way the partial-derivative reading of the fit can mislead: channels
that move together, correlated residuals, a worse fit on unseen weeks, a carry-over rate stuck
at the edge of the search, an interval that includes zero.
"""

from __future__ import annotations

import numpy as np

from core.mmm.fit.adstock import MAX_DECAY
from core.mmm.fit.readout import channel_correlations


def fit_warnings(fit, corr_threshold: float = 0.8) -> list[str]:
    """List what a careful analyst would flag about the fit, most important first.

    Parameters
    ----------
    fit : core.mmm.fit.model.MediaMixFit
        A fit from :func:`core.mmm.fit.model.fit_media_mix`.
    corr_threshold : float, default 0.8
        Absolute correlation of two channels' regressors above which they are flagged.

    Returns
    -------
    list of str
        One sentence per problem (empty when nothing stands out).
    """
    return [
        *_collinear(fit, corr_threshold),
        *_residuals(fit),
        *_first_weeks(fit),
        *_holdout(fit),
        *_boundary(fit),
        *_zero_in_interval(fit),
    ]


def _collinear(fit, threshold: float) -> list[str]:
    corr = channel_correlations(fit.arrays, fit.model)
    names = fit.channels
    out = []
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            r = corr[i, j]
            if np.isfinite(r) and abs(r) >= threshold:
                out.append(
                    f"'{names[i]}' and '{names[j]}' move together (correlation {r:.2f}): the data "
                    "can hardly hold one fixed while the other changes, so their separate "
                    "elasticities are uncertain. Read their sum rather than each one."
                )
    return out


def _residuals(fit) -> list[str]:
    dw = fit.durbin_watson
    if 1.5 <= dw <= 2.5:
        return []
    widened = fit.covariance.startswith("Newey")
    consequence = ("the intervals allow for it (Newey-West), but the point estimates may still "
                   "be off" if widened else "the intervals are probably too narrow")
    return [
        f"The residuals are correlated from week to week (Durbin-Watson {dw:.2f}, about 2 is "
        f"ideal): {consequence}. A missing driver (a promotion, a price change, a trend) often "
        "causes this."
    ]


def _first_weeks(fit) -> list[str]:
    early = fit.early
    if early.error_share <= max(3 * early.expected_share, 0.15):
        return []
    return [
        f"The first {early.weeks} weeks hold {100 * early.error_share:.0f} % of the squared "
        f"error (about {100 * early.expected_share:.0f} % would be normal): something before "
        "the data starts (a campaign, a launch) still shows. Consider starting the data later."
    ]


def _holdout(fit) -> list[str]:
    h = fit.holdout
    if h is None or h.mape <= max(2 * fit.mape, fit.mape + 0.05):
        return []
    return [
        f"The model does much worse on the {h.weeks} weeks it did not see ({100 * h.mape:.0f} % "
        f"error against {100 * fit.mape:.0f} % on the fitted weeks): it may be over-fitted, or "
        "something changed recently."
    ]


def _boundary(fit) -> list[str]:
    return [
        f"'{name}': carry-over sits at the upper limit {MAX_DECAY}: the effect may last even "
        "longer, or the channel may be standing in for a slow trend."
        for name in fit.channels
        if fit.decay[name] >= MAX_DECAY - 1e-9
    ]


def _zero_in_interval(fit) -> list[str]:
    return [
        f"'{name}': the 95 % interval of its elasticity ({lo:.3f} to {hi:.3f}) includes 0, so "
        "the data cannot tell whether this channel works at all."
        for name in fit.channels
        for lo, hi in [fit.ci[name]]
        if lo <= 0 <= hi
    ]

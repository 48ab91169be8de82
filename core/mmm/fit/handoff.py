r"""Turn a fitted media-mix model into response curves for the optimizer (NumPy only).

The fitted model is multiplicative: a channel's effect depends on the other channels and the
season. The optimizer of :mod:`core.mmm` wants one curve per channel, so each channel gets the
power curve :math:`R_i(S) = a_i S^{e_i}` that has the fitted marginal return and elasticity at
**recent average spend** (the last ``window`` weeks). That is a first-order approximation: it
is exact at recent spend and drifts as spend moves far from it. Spend and conversions are per
``period_weeks`` (a quarter by default); the marginal return, conversions per dollar, is the
same for any period length.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from core.mmm.curves import PowerCurve
from core.mmm.fit.adstock import MAX_DECAY
from core.mmm.fit.readout import Calibration, recent_marginals

#: Elasticities handed to PowerCurve are clipped into [MIN_ELASTICITY, 1].
MIN_ELASTICITY = 0.01
#: Marginal returns (conversions per $) handed to PowerCurve are at least this.
MIN_MARGINAL = 1e-9


@dataclass(frozen=True, eq=False)
class SamplingDistribution:
    """The fit's estimate, its covariance and its calibration point: what parameter draws need.

    ``mean`` stacks the coefficients (``n_fixed`` fixed columns, then one per channel), the
    carry-over rates and the start states; ``cov`` is their covariance, with zero rows for
    values the fit treats as known. :func:`core.mmm.fit.uncertainty.parameter_draws` samples
    from it and :func:`core.mmm.fit.readout.marginals` turns draws into curve parameters.
    """

    mean: np.ndarray
    cov: np.ndarray
    n_fixed: int
    calibration: Calibration
    max_decay: float = MAX_DECAY


@dataclass(frozen=True)
class CurveHandoff:
    """Fitted response curves, calibrated at recent average spend, for the budget optimizer.

    The one value the "your data" lesson hands to the media-mix lesson: the optimizer reads
    ``names``, ``spend`` and ``curves``; the rest says where the curves come from and how sure
    the fit is. ``uncertainty`` carries the fit's sampling distribution for
    :func:`core.mmm.fit.uncertainty.plan_uncertainty` (None for curves not fitted here).
    """

    names: tuple[str, ...]
    spend: tuple[float, ...]  # per period
    marginal: tuple[float, ...]  # conversions per dollar
    marginal_ci: tuple[tuple[float, float], ...]
    elasticity: tuple[float, ...]
    contribution: tuple[float, ...]  # conversions per period the decomposition credits
    curves: tuple[PowerCurve, ...]
    period_weeks: int
    window: int
    notes: tuple[str, ...]
    source: str = ""  # where the curves come from, in words, for captions and reports
    holdout_mape: float | None = None  # error on the weeks the fit did not see
    uncertainty: SamplingDistribution | None = field(default=None, compare=False, repr=False)

    def described(self, names: tuple[str, ...], source: str) -> CurveHandoff:
        """The same curves under display names, with a sentence on where they come from."""
        if len(names) != len(self.names):
            raise ValueError("one display name per channel is needed")
        return replace(self, names=tuple(names), source=source)


def response_curves(fit, window: int = 13, period_weeks: int = 13) -> CurveHandoff:
    r"""Power curves through each channel's fitted marginal return at recent average spend.

    .. math:: R_i(S) = a_i S^{e_i}, \qquad a_i = \frac{m_i}{e_i \bar S_i^{e_i - 1}}

    with :math:`\bar S_i` the recent average spend per period, :math:`m_i` the fitted marginal
    return there (including carry-over) and :math:`e_i` the fitted local elasticity.

    Parameters
    ----------
    fit : core.mmm.fit.model.MediaMixFit
        A fit from :func:`core.mmm.fit.model.fit_media_mix`.
    window : int, default 13
        Number of most recent weeks whose average spend is the calibration point.
    period_weeks : int, default 13
        Weeks per budget period (13 = a quarter).

    Returns
    -------
    CurveHandoff
        Names, spend per period, marginal returns with 95 % intervals, elasticities, curves
        and notes on any clipping or fallback.
    """
    if window < 1 or period_weeks < 1:
        raise ValueError("window and period_weeks must be at least 1")
    window = min(window, fit.arrays.design.shape[0])
    rec = recent_marginals(fit.arrays, fit.model, window, fit.smearing)
    names = list(fit.channels)
    elasticity = np.clip(rec["elasticity"], MIN_ELASTICITY, 1.0)
    notes = _notes(names, rec, elasticity, window)
    marginal = np.maximum(rec["marginal"], MIN_MARGINAL)
    spend = period_weeks * rec["spend"]
    ratio = [
        np.array(fit.ci[n]) / fit.elasticity[n] if fit.elasticity[n] > 0 else np.full(2, np.nan)
        for n in names
    ]
    curves = power_curves(spend, rec["marginal"], rec["elasticity"])
    arrays = fit.arrays
    distribution = SamplingDistribution(
        np.concatenate([arrays.coef, arrays.theta, arrays.start]), arrays.cov,
        fit.model.fixed.shape[1], rec["calibration"])
    return CurveHandoff(
        names=tuple(names),
        spend=tuple(float(s) for s in spend),
        marginal=tuple(float(m) for m in marginal),
        marginal_ci=tuple((float(m * lo), float(m * hi))
                          for m, (lo, hi) in zip(marginal, ratio, strict=True)),
        elasticity=tuple(float(e) for e in elasticity),
        contribution=tuple(
            float(period_weeks * fit.contributions[n].to_numpy()[-window:].mean()) for n in names
        ),
        curves=curves,
        period_weeks=period_weeks,
        window=window,
        notes=tuple(notes),
        holdout_mape=None if fit.holdout is None else float(fit.holdout.mape),
        uncertainty=distribution,
    )


def power_curves(spend, marginal, elasticity) -> tuple[PowerCurve, ...]:
    """One power curve per channel through (spend, marginal) with that elasticity, clipped.

    The elasticity is clipped into [:data:`MIN_ELASTICITY`, 1] and the marginal return to at
    least :data:`MIN_MARGINAL`, as a power curve needs; :func:`response_curves` builds its
    curves here, from :func:`power_coefficients`.

    Parameters
    ----------
    spend, marginal, elasticity : array_like
        Per channel: spend per period, conversions per $ there, fitted elasticity.

    Returns
    -------
    tuple of PowerCurve
    """
    columns = power_coefficients(spend, marginal, elasticity)
    return tuple(PowerCurve.from_coefficients(c) for c in zip(*(np.ravel(a) for a in columns),
                                                              strict=True))


def power_coefficients(spend, marginal, elasticity) -> tuple[np.ndarray, ...]:
    """Coefficients ``(a, b, s0, m0)`` of the clipped power curves, vectorised.

    The parameter draws of :mod:`core.mmm.fit.uncertainty` pass ``(draws, channels)``
    arrays and get one bank of curves without a curve object per draw.

    Parameters
    ----------
    spend, marginal, elasticity : array_like
        Spend (positive), marginal return and elasticity; they broadcast.

    Returns
    -------
    tuple of numpy.ndarray
        :meth:`core.mmm.PowerCurve.calibrated` of the clipped values.

    Raises
    ------
    ValueError
        When a spend is not positive and finite, a marginal return not finite, an
        elasticity not a number, or a curve's scale overflows.
    """
    s = np.asarray(spend, dtype=float)
    m, e = np.asarray(marginal, dtype=float), np.asarray(elasticity, dtype=float)
    if not np.all(np.isfinite(s) & (s > 0)):
        raise ValueError("every spend must be a positive finite number")
    if not np.all(np.isfinite(m)) or np.any(np.isnan(e)):
        raise ValueError("marginal returns must be finite numbers, elasticities numbers")
    columns = PowerCurve.calibrated(s, np.maximum(m, MIN_MARGINAL), np.clip(e, MIN_ELASTICITY, 1.0))
    if not np.all(np.isfinite(columns[0])):
        raise ValueError("a curve's scale overflows: spend or marginal return out of range")
    return columns


def _notes(names, rec, elasticity, window) -> list[str]:
    """Say where a channel's curve departs from the fit (fallback, clipping, no effect)."""
    notes = []
    for j, name in enumerate(names):
        if rec["fallback"][j]:
            notes.append(f"'{name}' had no spend in the last {window} weeks: calibrated at its "
                         "average over all weeks instead.")
        if elasticity[j] != rec["elasticity"][j]:
            notes.append(f"'{name}': fitted elasticity {rec['elasticity'][j]:.3f} clipped to "
                         f"{elasticity[j]:.2f} for the power curve (it needs 0 < e <= 1).")
        if rec["marginal"][j] <= 0:
            notes.append(f"'{name}' shows no positive effect in the data: handed over with a "
                         "near-zero marginal return.")
    return notes

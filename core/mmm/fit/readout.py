r"""What a fitted media-mix model says, from its arrays (NumPy only).

* :func:`channel_correlations` -- how much the channels' regressors move together;
* :func:`decompose` -- split fitted conversions into base, seasonality, other and channels;
* :func:`recent_marginals` -- partial derivatives at recent average spend, for response curves;
* :func:`start_diagnostics` -- the carry-over running before the data, and what it explains.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.mmm.fit.adstock import geometric_adstock
from core.mmm.fit.estimation import FitArrays, ModelArrays


def channel_correlations(fit: FitArrays, data: ModelArrays) -> np.ndarray:
    r"""Correlations between the channels' regressors :math:`\log(a_{i,t} + c_i)`.

    Parameters
    ----------
    fit : FitArrays
        The fit (its design holds the chosen carry-over columns).
    data : ModelArrays
        The model inputs.

    Returns
    -------
    numpy.ndarray
        ``(C, C)`` correlation matrix; a constant column gives NaN entries.
    """
    q = data.fixed.shape[1]
    z = fit.design[:, q:]
    z = z - z.mean(axis=0)
    norm = np.sqrt(np.einsum("ij,ij->j", z, z))
    with np.errstate(invalid="ignore", divide="ignore"):
        return (z.T @ z) / np.outer(norm, norm)


def log_mean(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    r"""Logarithmic mean, the weight of the LMDI decomposition.

    .. math:: L(x, y) = \frac{x - y}{\log x - \log y}, \qquad L(x, x) = x

    Parameters
    ----------
    x, y : numpy.ndarray
        Positive arrays of one shape.

    Returns
    -------
    numpy.ndarray
        :math:`L(x, y)`, between ``min(x, y)`` and ``max(x, y)``.
    """
    x, y = np.broadcast_arrays(np.asarray(x, float), np.asarray(y, float))
    diff = np.log(x) - np.log(y)
    close = np.abs(diff) < 1e-12
    safe = np.where(close, 1.0, diff)
    return np.where(close, 0.5 * (x + y), (x - y) / safe)


def decompose(fit: FitArrays, data: ModelArrays) -> dict[str, np.ndarray]:
    r"""Split fitted conversions into base, seasonality, other fixed terms and channels.

    With :math:`\log\hat y_t = \log B + \sum_j T_{j,t}`, where :math:`B` is the fit at zero
    media spend, average season and zero controls, the terms are the channels
    :math:`b_i \log(1 + a_{i,t}/c_i)`, the seasonality and the trend & controls. The LMDI rule

    .. math:: C_{j,t} = L(\hat y_t, B)\, T_{j,t}

    gives contributions that sum exactly to :math:`\hat y_t - B` and keep each term's sign.

    Parameters
    ----------
    fit : FitArrays
        The fit (all weeks).
    data : ModelArrays
        The model inputs.

    Returns
    -------
    dict
        ``{"base": ..., "seasonality": ..., "trend & controls": ..., <channel>: ...}``,
        arrays of conversions per week.
    """
    q = data.fixed.shape[1]
    names = data.fixed_names
    b = fit.coef[q:]
    season = [k for k, n in enumerate(names) if n.startswith(("sin_", "cos_"))]
    other = [k for k, n in enumerate(names) if k and k not in season]
    log_base = fit.coef[0] + float(b @ np.log(fit.offset))
    terms = {
        "seasonality": data.fixed[:, season] @ fit.coef[season],
        "trend & controls": data.fixed[:, other] @ fit.coef[other],
    }
    for j, name in enumerate(data.channels):
        terms[name] = b[j] * (fit.design[:, q + j] - np.log(fit.offset[j]))
    fitted = np.exp(fit.design @ fit.coef)
    base = np.full(fitted.shape, np.exp(log_base))
    weight = log_mean(fitted, base)
    return {"base": base, **{k: weight * t for k, t in terms.items()}}


def recent_marginals(fit: FitArrays, data: ModelArrays, window: int, smearing: float) -> dict:
    r"""Partial derivatives of weekly conversions at recent average spend (steady state).

    With spend held at the recent average :math:`\bar s_i` the carried-over spend settles at
    :math:`\bar a_i = \bar s_i / (1 - \theta_i)`; then

    .. math:: \frac{\partial y}{\partial s_i} = \hat y\, \frac{b_i}{\bar a_i + c_i}\,
              \frac{1}{1 - \theta_i}, \qquad
              e_i = \frac{\partial \log y}{\partial \log s_i} = \frac{b_i \bar a_i}{\bar a_i + c_i}

    where :math:`\hat y` is the predicted weekly conversions there (average season, recent
    trend & controls, times the smearing factor). The :math:`1/(1-\theta)` counts the later
    weeks a sustained extra dollar keeps working in.

    Parameters
    ----------
    fit : FitArrays
        The fit.
    data : ModelArrays
        The model inputs.
    window : int
        Number of most recent weeks averaged.
    smearing : float
        Duan's factor :math:`\overline{e^{\varepsilon}}` turning a log prediction into a mean.

    Returns
    -------
    dict
        ``spend`` (recent weekly average), ``marginal`` (conversions per $), ``elasticity``,
        ``conversions`` (weekly, at that spend) and ``fallback`` (channels without recent spend,
        calibrated at their all-time average instead).
    """
    q = data.fixed.shape[1]
    b = fit.coef[q:]
    recent = data.spend[-window:].mean(axis=0)
    fallback = recent <= 0
    recent = np.where(fallback, data.spend.mean(axis=0), recent)
    stock = recent / (1 - fit.theta)
    season = [k for k, n in enumerate(data.fixed_names) if n.startswith(("sin_", "cos_"))]
    other = [k for k, n in enumerate(data.fixed_names) if k and k not in season]
    log_y = fit.coef[0] + float(np.mean(data.fixed[-window:, other] @ fit.coef[other]))
    log_y += float(b @ np.log(stock + fit.offset))
    y_hat = smearing * np.exp(log_y)
    marginal = y_hat * b / (stock + fit.offset) / (1 - fit.theta)
    return {
        "spend": recent,
        "marginal": marginal,
        "elasticity": b * stock / (stock + fit.offset),
        "conversions": y_hat,
        "fallback": fallback,
    }


@dataclass(frozen=True)
class StartDiagnostics:
    """How much the first weeks of the data lean on carry-over from before them.

    ``carried_in`` is the carried-over spend entering week 1 per channel (dollars) and
    ``share_from_before`` its share of each channel's carried-over spend over the first
    ``weeks`` weeks. ``error_share`` is the share of the squared residuals that falls in those
    weeks, against ``expected_share`` (``weeks / n``) if errors were spread evenly, and
    ``error_share_zero_start`` what it would be with the same parameters but nothing carried in.
    """

    weeks: int
    carried_in: tuple[float, ...]
    share_from_before: tuple[float, ...]
    error_share: float
    error_share_zero_start: float
    expected_share: float


def start_diagnostics(fit: FitArrays, data: ModelArrays, weeks: int) -> StartDiagnostics:
    r"""Carry-over running before the data, and the first weeks' share of the squared error.

    The carried-in spend :math:`A_i` adds :math:`\theta_i^{t+1} A_i` to week :math:`t`'s
    carried-over spend; a wrong :math:`A_i` shows as large residuals in the first weeks.

    Parameters
    ----------
    fit : FitArrays
        The fit.
    data : ModelArrays
        The model inputs.
    weeks : int
        Number of leading weeks looked at (capped at the fitted weeks).

    Returns
    -------
    StartDiagnostics
        Per channel carried-in spend and its share; error shares with and without it.
    """
    m = fit.residuals.size
    weeks = min(weeks, m)
    q = data.fixed.shape[1]
    stock = geometric_adstock(data.spend[:weeks], fit.theta, fit.initial)
    fading = fit.theta[None, :] ** np.arange(1, weeks + 1)[:, None] * fit.initial[None, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.nan_to_num(fading.sum(axis=0) / stock.sum(axis=0))
    zero = np.log(geometric_adstock(data.spend[:m], fit.theta) + fit.offset)
    resid_zero = data.y[:m] - data.fixed[:m] @ fit.coef[:q] - zero @ fit.coef[q:]
    return StartDiagnostics(
        weeks=weeks,
        carried_in=tuple(map(float, fit.initial)),
        share_from_before=tuple(map(float, share)),
        error_share=_early_share(fit.residuals, weeks),
        error_share_zero_start=_early_share(resid_zero, weeks),
        expected_share=weeks / m,
    )


def _early_share(resid: np.ndarray, weeks: int) -> float:
    total = float(resid @ resid)
    return float(resid[:weeks] @ resid[:weeks]) / total if total > 0 else 0.0

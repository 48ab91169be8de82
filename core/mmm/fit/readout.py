r"""What a fitted media-mix model says, from its arrays (NumPy only).

* :func:`channel_correlations` -- how much the channels' regressors move together;
* :func:`decompose` -- split fitted conversions into base, seasonality, other and channels;
* :func:`recent_marginals` -- partial derivatives at recent average spend, for response curves;
* :func:`start_diagnostics` -- the carry-over running before the data, and what it explains.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.mmm.fit.adstock import OFFSET_FRACTION, geometric_adstock, initial_stock
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


@dataclass(frozen=True, eq=False)
class Calibration:
    """Where a fit's response curves are calibrated (weekly units), for any parameter values.

    ``spend`` holds the fitted weeks' spend (the offsets depend on the carry-over),
    ``recent`` the recent average weekly spend per channel (``fallback`` marks channels
    without recent spend, calibrated at their all-time average instead), ``base_row`` the
    fixed columns there (intercept 1, average season 0, recent trend and controls), ``level``
    the spend level the start states are scaled by and ``smearing`` Duan's factor.
    """

    spend: np.ndarray
    recent: np.ndarray
    fallback: np.ndarray
    base_row: np.ndarray
    level: np.ndarray
    smearing: float


def calibration(fit: FitArrays, data: ModelArrays, window: int, smearing: float) -> Calibration:
    r"""The calibration point of the response curves: recent spend, recent controls.

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
    Calibration
        Everything :func:`marginals` needs besides the parameters.
    """
    recent = data.spend[-window:].mean(axis=0)
    fallback = recent <= 0
    recent = np.where(fallback, data.spend.mean(axis=0), recent)
    season = [k for k, n in enumerate(data.fixed_names) if n.startswith(("sin_", "cos_"))]
    other = [k for k, n in enumerate(data.fixed_names) if k and k not in season]
    base_row = np.zeros(data.fixed.shape[1])
    base_row[0] = 1.0
    base_row[other] = data.fixed[-window:, other].mean(axis=0)
    m = fit.residuals.size
    return Calibration(data.spend[:m], recent, fallback, base_row, fit.level, float(smearing))


def marginals(cal: Calibration, coef: np.ndarray, theta: np.ndarray, start: np.ndarray) -> dict:
    r"""Partial derivatives of weekly conversions at recent average spend, for many parameters.

    With spend held at the recent average :math:`\bar s_i` the carried-over spend settles at
    :math:`\bar a_i = \bar s_i / (1 - \theta_i)`; then

    .. math:: \frac{\partial y}{\partial s_i} = \hat y\, \frac{b_i}{\bar a_i + c_i}\,
              \frac{1}{1 - \theta_i}, \qquad
              e_i = \frac{\partial \log y}{\partial \log s_i} = \frac{b_i \bar a_i}{\bar a_i + c_i}

    where :math:`\hat y` is the predicted weekly conversions there (average season, recent
    trend & controls, times the smearing factor) and :math:`c_i` the offset, 10 % of the
    average carried-over spend of the fitted weeks under these parameters. The
    :math:`1/(1-\theta)` counts the later weeks a sustained extra dollar keeps working in.

    Parameters
    ----------
    cal : Calibration
        The calibration point.
    coef : numpy.ndarray
        Coefficients (fixed columns, then channels), shape ``(D, q + C)``: one row per
        parameter set (one row for the fit itself, many for draws).
    theta, start : numpy.ndarray
        Carry-over rates and start states, shape ``(D, C)``.

    Returns
    -------
    dict
        ``marginal`` (conversions per $) and ``elasticity``, shape ``(D, C)``, and
        ``conversions`` (weekly, at recent spend), shape ``(D,)``.
    """
    q = cal.base_row.size
    b = coef[:, q:]
    initial = initial_stock(cal.level, theta, start)
    offset = OFFSET_FRACTION * geometric_adstock(cal.spend[:, None, :], theta, initial).mean(axis=0)
    stock = cal.recent / (1 - theta)
    log_y = coef[:, :q] @ cal.base_row + np.sum(b * np.log(stock + offset), axis=1)
    y_hat = cal.smearing * np.exp(log_y)
    return {
        "marginal": y_hat[:, None] * b / (stock + offset) / (1 - theta),
        "elasticity": b * stock / (stock + offset),
        "conversions": y_hat,
    }


def recent_marginals(fit: FitArrays, data: ModelArrays, window: int, smearing: float) -> dict:
    """:func:`marginals` at the fit's own parameters (see there for the formula).

    Parameters
    ----------
    fit : FitArrays
        The fit.
    data : ModelArrays
        The model inputs.
    window : int
        Number of most recent weeks averaged.
    smearing : float
        Duan's factor turning a log prediction into a mean.

    Returns
    -------
    dict
        ``spend`` (recent weekly average), ``marginal`` (conversions per $), ``elasticity``,
        ``conversions`` (weekly, at that spend), ``fallback`` (channels without recent spend,
        calibrated at their all-time average instead) and ``calibration``.
    """
    cal = calibration(fit, data, window, smearing)
    out = marginals(cal, fit.coef[None, :], fit.theta[None, :], fit.start[None, :])
    return {"spend": cal.recent, "marginal": out["marginal"][0],
            "elasticity": out["elasticity"][0], "conversions": float(out["conversions"][0]),
            "fallback": cal.fallback, "calibration": cal}


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

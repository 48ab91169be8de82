r"""Fit a log-log media-mix model with carry-over to a client's weekly data (pandas allowed here).

The model, fitted by least squares:

.. math::

    \log y_t = \alpha + \sum_i b_i \log\bigl(a_{i,t} + c_i\bigr)
               + \sum_{k} \bigl(\gamma_k \sin\tfrac{2\pi k t}{52.18}
               + \delta_k \cos\tfrac{2\pi k t}{52.18}\bigr) + \sum_j \eta_j u_{j,t}
               + \varepsilon_t,
    \qquad a_{i,t} = x_{i,t} + \theta_i a_{i,t-1},
    \qquad a_{i,-1} = \kappa_i \frac{\bar x_i}{1 - \theta_i}

with one carry-over rate :math:`\theta_i \in [0, 0.9]` per channel and the carry-over already
running before the first week, a multiple :math:`\kappa_i \in [0, 3]` of the steady state at
the channel's average spend :math:`\bar x_i`. Both are chosen by an exact coordinate search
(rates on a 0.01 grid, coarse first; joint moves of channel pairs;
:func:`core.mmm.fit.search.search_decays`); a non-zero start state must lower
:math:`n \log \mathrm{SSE}` by :math:`2 \log n`. The 95 % intervals come from the
least-squares covariance linearised over the rates and start states too, classical or
Newey-West when the residuals are correlated
(:func:`core.mmm.fit.estimation.parameter_covariance`), with a Student-t quantile. These
choices were made with the calibration study of ``bench/calibration.py``.

**Zero-spend weeks** are kept. The offset :math:`c_i = 0.1\,\bar a_i` (10 % of the channel's
average carried-over spend) keeps :math:`\log(a + c)` finite when a week has no carried-over
spend. The reported elasticity is the partial derivative
:math:`\partial \log y / \partial \log a_i` at average carried-over spend, which is
:math:`b_i / 1.1`. Every number on the page uses this one definition.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.mmm.fit.adstock import MAX_DECAY, OFFSET_FRACTION, decay_grid
from core.mmm.fit.estimation import (
    FitArrays,
    FitSettings,
    ModelArrays,
    fit_rows,
    fourier_terms,
    holdout_score,
)
from core.mmm.fit.least_squares import t_quantile
from core.mmm.fit.readout import StartDiagnostics, decompose, start_diagnostics
from core.mmm.fit.table import MIN_DOF

#: Start states searched (multiples of the steady-state carry-over) with ``start="estimated"``.
START_GRID = np.array([0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0])
#: Leading weeks whose average spend sets the steady state of ``start="steady"``.
STEADY_WEEKS = 8
#: Leading weeks the diagnostics single out (the weeks a wrong start state hurts).
EARLY_WEEKS = 10


@dataclass(frozen=True)
class HoldoutScore:
    """Out-of-sample error: the last ``weeks`` weeks predicted by a fit on the earlier ones."""

    weeks: int
    mape: float
    rmse_log: float
    predicted: tuple[float, ...] = ()  # conversions of the held-out weeks, from the refit


@dataclass(frozen=True)
class MediaMixFit:
    """A fitted log-log media-mix model (see the module docstring for the equation).

    ``elasticity``, ``ci`` (95 %), ``decay`` and ``decay_ci`` are keyed by channel. ``fitted``,
    ``residuals`` (log scale, about the relative error) and ``contributions`` (conversions per
    week split into base, seasonality, trend & controls and one column per channel, summing to
    ``fitted``) are indexed by week. ``coef`` holds every coefficient of the least squares;
    ``start`` (a multiple of the steady state, keyed by channel) and ``early`` describe the
    carry-over running before the first week; ``covariance`` names the interval method
    (classical or Newey-West). ``model`` and ``arrays`` keep the array-level inputs and results
    for :func:`core.mmm.fit.handoff.response_curves`.
    """

    target: str
    channels: tuple[str, ...]
    controls: tuple[str, ...]
    elasticity: dict
    ci: dict
    decay: dict
    decay_ci: dict
    coef: dict
    offset: dict
    r2: float
    mape: float
    holdout: HoldoutScore | None
    sigma: float
    dof: int
    durbin_watson: float
    actual: pd.Series
    fitted: pd.Series
    residuals: pd.Series
    contributions: pd.DataFrame
    spend: pd.DataFrame
    smearing: float
    notes: tuple[str, ...]
    model: ModelArrays
    arrays: FitArrays
    start: dict
    early: StartDiagnostics
    covariance: str


def fit_media_mix(
    frame: pd.DataFrame,
    target: str,
    channels,
    date: str | None = None,
    controls=(),
    adstock: bool = True,
    *,
    seasonality: int | None = None,
    trend: bool = False,
    holdout_weeks: int | None = None,
    start: str = "estimated",
    covariance: str = "auto",
) -> MediaMixFit:
    """Fit the log-log model with per-channel carry-over by least squares.

    Parameters
    ----------
    frame : pandas.DataFrame
        Weekly rows in time order (e.g. from :func:`read_weekly_csv`).
    target : str
        Column of conversions (positive in every week).
    channels : sequence of str
        Spend columns (non-negative, each with some spend).
    date : str or None, default None
        Date column; None uses the row number as the week index.
    controls : sequence of str, default ()
        Extra regressors entering linearly in log conversions (promotions, price...).
    adstock : bool, default True
        Search a carry-over rate per channel in [0, 0.9]; False fixes them at 0.
    seasonality : int or None, default None
        Harmonics of the 52-week cycle; None picks 2 from 104 weeks, 1 from 52, else 0.
    trend : bool, default False
        Add a linear trend (per year) to the base.
    holdout_weeks : int or None, default None
        Weeks at the end held out for the out-of-sample error; None picks 13 from 104 weeks,
        else an eighth of the rows (0 disables it).
    start : {"estimated", "steady", "zero"}, default "estimated"
        Carry-over already running before the first week: estimated per channel as a
        multiple of the steady state (0 to 3), the steady state of the first
        :data:`STEADY_WEEKS` weeks' spend, or none.
    covariance : {"auto", "classical", "hac"}, default "auto"
        Interval method: classical least squares, Newey-West, or Newey-West only when the
        residuals are correlated week to week.

    Returns
    -------
    MediaMixFit
        Elasticities with 95 % intervals, carry-over rates, fit quality and decomposition.

    Raises
    ------
    ValueError
        Naming the row or column: missing/non-numeric columns, NaN/inf, negative spend,
        non-positive conversions, a channel without spend, collinear columns, too few rows.
    """
    channels, controls = tuple(channels), tuple(controls)
    data, index = _prepare(frame, target, channels, date, controls, seasonality, trend)
    settings = _settings(adstock, start, covariance)
    fit = fit_rows(data, data.y.size, settings)
    n_hold = _holdout_size(data.y.size, data.fixed.shape[1] + len(channels), holdout_weeks)
    holdout = None
    if n_hold:
        mape, rmse, pred = holdout_score(data, n_hold, settings)
        holdout = HoldoutScore(n_hold, mape, rmse, tuple(map(float, pred)))
    return _assemble(frame, target, controls, data, index, fit, holdout)


def _settings(adstock: bool, start: str, covariance: str) -> FitSettings:
    if start not in ("estimated", "steady", "zero"):
        raise ValueError(f"start must be 'estimated', 'steady' or 'zero', not {start!r}")
    if covariance not in ("auto", "classical", "hac"):
        raise ValueError(f"covariance must be 'auto', 'classical' or 'hac', not {covariance!r}")
    grid = decay_grid() if adstock else np.zeros(1)
    starts = {"estimated": START_GRID, "steady": np.ones(1), "zero": np.zeros(1)}[start]
    level_rows = STEADY_WEEKS if start == "steady" else None
    return FitSettings(grid, starts if adstock else np.zeros(1), level_rows,
                       covariance=covariance)


def _prepare(frame, target, channels, date, controls, seasonality, trend):
    if not channels:
        raise ValueError("Choose at least one channel (spend column).")
    used = [target, *channels, *controls]
    for name in [*used, *([date] if date else [])]:
        if name not in frame.columns:
            raise ValueError(f"Column '{name}' is not in the data.")
    if len(set(used)) < len(used):
        raise ValueError("A column is used twice (as target, channel or control).")
    first = int(frame.attrs.get("first_row", 2))
    for name in used:
        _check_column(frame, name, first, spend=name in channels, target=name == target)
    n = len(frame)
    time = _week_index(frame, date)
    harmonics = seasonality if seasonality is not None else (2 if n >= 104 else int(n >= 52))
    season = fourier_terms(time, harmonics)
    names = ["intercept"] + [f"{f}_{k}" for k in range(1, harmonics + 1) for f in ("sin", "cos")]
    cols = [np.ones(n), season]
    if trend:
        cols.append((time / 52.18)[:, None])
        names.append("trend")
    cols.append(frame[list(controls)].to_numpy(float).reshape(n, len(controls)))
    names += list(controls)
    n_params = len(names) + len(channels)
    if n < n_params + MIN_DOF:
        raise ValueError(
            f"Only {n} weeks for {n_params} parameters: the fit needs at least "
            f"{n_params + MIN_DOF} weeks. Use fewer channels/controls or more history."
        )
    fixed = np.column_stack([c if c.ndim == 2 else c[:, None] for c in cols])
    spend = frame[list(channels)].to_numpy(float)
    log_y = np.log(frame[target].to_numpy(float))
    index = pd.DatetimeIndex(frame[date]) if date else pd.RangeIndex(n, name="week")
    return ModelArrays(log_y, spend, fixed, tuple(names), channels), index


def _check_column(frame, name, first, spend, target) -> None:
    col = frame[name]
    if not pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col):
        raise ValueError(f"Column '{name}' is not numeric.")
    values = col.to_numpy(float)
    checks = [(~np.isfinite(values), "is missing or infinite")]
    if spend:
        checks.append((values < 0, "is negative spend"))
    if target:
        checks.append((values <= 0, "must be positive (the model takes its logarithm)"))
    for bad, what in checks:
        if bad.any():
            i = int(np.argmax(bad))
            raise ValueError(f"Row {first + i}, column '{name}': {values[i]:g} {what}.")
    if spend and not (values > 0).any():
        raise ValueError(f"Column '{name}' has no spend in any week: remove this channel.")


def _week_index(frame, date) -> np.ndarray:
    if not date:
        return np.arange(len(frame), dtype=float)
    try:
        stamps = pd.DatetimeIndex(pd.to_datetime(frame[date]))
    except (TypeError, ValueError):
        raise ValueError(f"Column '{date}' does not hold dates.") from None
    steps = np.diff(stamps.asi8)
    if stamps.hasnans or (steps <= 0).any():
        i = int(np.argmax(steps <= 0)) + 1 if not stamps.hasnans else int(np.argmax(stamps.isna()))
        first = int(frame.attrs.get("first_row", 2))
        raise ValueError(f"Row {first + i}, column '{date}': dates must be present and increase "
                         "from row to row (one row per week, oldest first).")
    return np.asarray((stamps - stamps[0]).days, dtype=float) / 7.0


def _holdout_size(n: int, n_params: int, requested: int | None) -> int:
    h = requested if requested is not None else (13 if n >= 104 else n // 8)
    return h if h >= 2 and n - h >= n_params + MIN_DOF else 0


def _assemble(frame, target, controls, data, index, fit, holdout) -> MediaMixFit:
    channels = data.channels
    log_fit = fit.design @ fit.coef
    resid = data.y - log_fit
    return MediaMixFit(
        target=target,
        channels=channels,
        controls=controls,
        **_channel_estimates(data, fit),
        coef=dict(zip([*data.fixed_names, *channels], map(float, fit.coef), strict=True)),
        offset={c: float(fit.offset[j]) for j, c in enumerate(channels)},
        r2=float(1 - resid @ resid / np.sum((data.y - data.y.mean()) ** 2)),
        mape=float(np.mean(np.abs(np.expm1(-resid)))),
        holdout=holdout,
        sigma=float(np.sqrt(fit.sigma2)),
        dof=fit.dof,
        durbin_watson=float(np.sum(np.diff(resid) ** 2) / (resid @ resid)),
        actual=pd.Series(np.exp(data.y), index=index, name=target),
        fitted=pd.Series(np.exp(log_fit), index=index, name="fitted"),
        residuals=pd.Series(resid, index=index, name="residual (log)"),
        contributions=pd.DataFrame(decompose(fit, data), index=index),
        spend=pd.DataFrame(data.spend, index=index, columns=list(channels)),
        smearing=float(np.mean(np.exp(resid))),
        notes=tuple(_zero_spend_notes(data, fit)),
        model=data,
        arrays=fit,
        start={c: float(fit.start[j]) for j, c in enumerate(channels)},
        early=start_diagnostics(fit, data, EARLY_WEEKS),
        covariance=fit.covariance,
    )


def _channel_estimates(data, fit) -> dict:
    """Elasticities (b / 1.1, at average carried-over spend), decays and 95 % intervals."""
    q, channels = data.fixed.shape[1], data.channels
    p = q + len(channels)
    tq = t_quantile(fit.dof)
    se = np.sqrt(np.diag(fit.cov))
    scale = 1.0 / (1.0 + OFFSET_FRACTION)
    b, b_se, theta_se = fit.coef[q:], se[q:p], se[p : p + len(channels)]
    return {
        "elasticity": {c: float(scale * b[j]) for j, c in enumerate(channels)},
        "ci": {c: (float(scale * (b[j] - tq * b_se[j])), float(scale * (b[j] + tq * b_se[j])))
               for j, c in enumerate(channels)},
        "decay": {c: float(fit.theta[j]) for j, c in enumerate(channels)},
        "decay_ci": {c: _decay_interval(fit.theta[j], theta_se[j], tq)
                     for j, c in enumerate(channels)},
    }


def _decay_interval(theta: float, se: float, tq: float) -> tuple[float, float]:
    """95 % interval of a carry-over rate, clipped to the searched range [0, 0.9]."""
    if se == 0:
        return (float(theta), float(theta))
    return (float(max(0.0, theta - tq * se)), float(min(MAX_DECAY, theta + tq * se)))


def _amount(value: float) -> str:
    """A spend amount at a precision that suits its size: 12,345 / 123 / 1.23 / 0.0123."""
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3g}" if abs(value) >= 1e-4 else f"{value:.2e}"


def _zero_spend_notes(data, fit) -> list[str]:
    notes = []
    for j, name in enumerate(data.channels):
        zeros = int(np.sum(data.spend[:, j] == 0))
        if zeros:
            share = zeros / data.spend.shape[0]
            warn = " Many off weeks: the estimate leans on on/off contrast." if share > 0.4 else ""
            notes.append(
                f"'{name}' has no spend in {zeros} of {data.spend.shape[0]} weeks. Those weeks "
                f"are kept: the model uses log(carried-over spend + {_amount(fit.offset[j])}), the "
                f"offset being 10 % of the channel's average carried-over spend.{warn}"
            )
    return notes

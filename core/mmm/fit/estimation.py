r"""Array-level steps of the media-mix fit (NumPy only; the pandas wrapper is core.mmm.fit.model).

* :func:`fourier_terms` -- sine/cosine terms of the yearly cycle (the seasonality columns);
* :func:`fit_rows` -- carry-over search + least squares + covariance on the first ``m`` weeks;
* :func:`holdout_score` -- refit without the last weeks and score their prediction;
* :func:`decompose` -- split fitted conversions into base, seasonality, other and channels;
* :func:`recent_marginals` -- partial derivatives at recent average spend, for response curves.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.mmm.fit.adstock import MAX_DECAY, OFFSET_FRACTION, geometric_adstock, log_adstock
from core.mmm.fit.least_squares import dependent_column, ols
from core.mmm.fit.search import search_decays

#: Weeks in a year, the period of the seasonality terms.
WEEKS_PER_YEAR = 365.25 / 7.0


def fourier_terms(time: np.ndarray, harmonics: int, period: float = WEEKS_PER_YEAR) -> np.ndarray:
    r"""Sine and cosine terms of a yearly cycle.

    .. math:: \sin(2\pi k t / P),\ \cos(2\pi k t / P), \qquad k = 1, \dots, K

    Parameters
    ----------
    time : numpy.ndarray
        Time in weeks, shape ``(n,)``.
    harmonics : int
        Number of harmonics :math:`K` (0 gives an empty ``(n, 0)`` array).
    period : float, default WEEKS_PER_YEAR
        Cycle length :math:`P` in weeks (365.25 / 7).

    Returns
    -------
    numpy.ndarray
        Shape ``(n, 2K)``, columns ``sin_1, cos_1, sin_2, cos_2, ...``.
    """
    t = np.asarray(time, dtype=float)
    cols = []
    for k in range(1, harmonics + 1):
        angle = 2.0 * np.pi * k * t / period
        cols += [np.sin(angle), np.cos(angle)]
    return np.column_stack(cols) if cols else np.empty((t.size, 0))


@dataclass(frozen=True)
class ModelArrays:
    """Inputs of the fit: log target, spend, the always-present columns and all names."""

    y: np.ndarray  # (n,) log conversions
    spend: np.ndarray  # (n, C)
    fixed: np.ndarray  # (n, q): intercept, seasonality, trend, controls
    fixed_names: tuple[str, ...]
    channels: tuple[str, ...]


@dataclass(frozen=True)
class FitArrays:
    """Result of :func:`fit_rows`. ``cov`` is (p + C) square: coefficients, then decays."""

    theta: np.ndarray
    design: np.ndarray  # all rows: fixed columns then log(adstock + c)
    offset: np.ndarray  # c per channel
    coef: np.ndarray
    cov: np.ndarray
    sigma2: float
    dof: int
    residuals: np.ndarray  # fitted rows only


def fit_rows(data: ModelArrays, m: int, grid: np.ndarray) -> FitArrays:
    """Search the carry-over rates and fit by least squares on the first ``m`` weeks.

    Parameters
    ----------
    data : ModelArrays
        The model inputs.
    m : int
        Number of leading weeks to fit (the rest is predicted only).
    grid : numpy.ndarray
        Carry-over rates to search; a one-element grid fixes them.

    Returns
    -------
    FitArrays
        Rates, design over all weeks, offsets, coefficients and covariance.
    """
    totals = data.spend[:m].sum(axis=0)
    if (totals == 0).any():
        name = data.channels[int(np.argmax(totals == 0))]
        raise ValueError(f"Column '{name}' has no spend in the first {m} weeks.")
    cand = log_adstock(data.spend[:, :, None], grid[None, :], reference_rows=m)
    check_rank(np.column_stack([data.fixed, cand[:, :, 0]])[:m], data)
    if grid.size > 1:
        idx, _ = search_decays(data.y[:m], data.fixed[:m], cand[:m])
    else:
        idx = np.zeros(len(data.channels), dtype=int)
    theta = grid[idx]
    design = np.column_stack([data.fixed, cand[:, np.arange(idx.size), idx]])
    check_rank(design[:m], data)
    ls = ols(design[:m], data.y[:m])
    cov = covariance_with_decay(data, m, theta, ls.coef, ls.sigma2, searched=grid.size > 1)
    stock = geometric_adstock(data.spend[:m], theta)
    offset = OFFSET_FRACTION * stock.mean(axis=0)
    return FitArrays(theta, design, offset, ls.coef, cov, ls.sigma2, ls.dof, ls.residuals)


def check_rank(design: np.ndarray, data: ModelArrays) -> None:
    """Raise a ``ValueError`` naming the first column the least squares cannot separate.

    Parameters
    ----------
    design : numpy.ndarray
        Fixed columns followed by one column per channel.
    data : ModelArrays
        Supplies the column names.
    """
    bad = dependent_column(design)
    if bad is None:
        return
    name = [*data.fixed_names, *data.channels][bad]
    if name == "intercept" or name.startswith(("sin_", "cos_", "trend")):
        raise ValueError(
            f"The weeks are too few or too regular to estimate the '{name}' term; "
            "add more history or turn seasonality/trend off."
        )
    raise ValueError(
        f"Column '{name}' is constant or moves in lockstep with other columns "
        "(e.g. a copy of another channel): the model cannot separate its effect. Remove it."
    )


def covariance_with_decay(data, m, theta, coef, sigma2, searched=True) -> np.ndarray:
    r"""Covariance of the coefficients and carry-over rates, linearised at the optimum.

    .. math:: J = \Bigl[X,\ b_j \frac{\partial z_j}{\partial \theta_j}\Bigr], \qquad
              \widehat{\operatorname{Cov}} = \hat\sigma^2 (J^\top J)^{-1}

    for the rates strictly inside (0, 0.9); rates on the boundary are treated as known, which
    reduces to the OLS covariance :math:`\hat\sigma^2 (X^\top X)^{-1}`.

    Parameters
    ----------
    data : ModelArrays
        The model inputs.
    m : int
        Number of fitted weeks.
    theta : numpy.ndarray
        Chosen carry-over rates.
    coef : numpy.ndarray
        Least-squares coefficients (fixed columns, then channels).
    sigma2 : float
        Residual variance.
    searched : bool, default True
        False (rates fixed by the user) returns the OLS covariance.

    Returns
    -------
    numpy.ndarray
        Shape ``(p + C, p + C)``; rows/columns of rates treated as known are zero.
    """
    q, n_ch = data.fixed.shape[1], theta.size
    p = q + n_ch
    z = np.column_stack([log_adstock(data.spend[:m, j], theta[j], m) for j in range(n_ch)])
    x = np.column_stack([data.fixed[:m], z])
    free = [j for j in range(n_ch) if searched and 0 < theta[j] < MAX_DECAY - 1e-9]
    h = 1e-5
    jac = [
        coef[q + j]
        * (
            log_adstock(data.spend[:m, j], theta[j] + h, m)
            - log_adstock(data.spend[:m, j], theta[j] - h, m)
        )
        / (2 * h)
        for j in free
    ]
    full = np.column_stack([x, *jac]) if jac else x
    if dependent_column(full, tol=1e-7) is not None:
        full, free = x, []
    r_inv = np.linalg.inv(np.linalg.qr(full, mode="r"))
    keep = list(range(p)) + [p + j for j in free]
    cov = np.zeros((p + n_ch, p + n_ch))
    cov[np.ix_(keep, keep)] = sigma2 * (r_inv @ r_inv.T)
    return cov


def holdout_score(data: ModelArrays, h: int, grid: np.ndarray) -> tuple[float, float, np.ndarray]:
    """Refit (search included) without the last ``h`` weeks and score their prediction.

    Parameters
    ----------
    data : ModelArrays
        The model inputs.
    h : int
        Weeks held out at the end.
    grid : numpy.ndarray
        Carry-over grid, as for the main fit.

    Returns
    -------
    tuple of (float, float, numpy.ndarray)
        Mean absolute percentage error of conversions (as a fraction), RMSE of log
        conversions over the held-out weeks, and the predicted conversions of those weeks.
    """
    m = data.y.size - h
    fit = fit_rows(data, m, grid)
    log_pred = fit.design[m:] @ fit.coef
    err = data.y[m:] - log_pred
    mape = float(np.mean(np.abs(np.expm1(-err))))  # |actual - predicted| / actual
    return mape, float(np.sqrt(np.mean(err**2))), np.exp(log_pred)


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

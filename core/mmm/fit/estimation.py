r"""Array-level steps of the media-mix fit (NumPy only; the pandas wrapper is core.mmm.fit.model).

* :func:`fourier_terms` -- sine/cosine terms of the yearly cycle (the seasonality columns);
* :func:`fit_rows` -- carry-over search + least squares + covariance on the first ``m`` weeks;
* :func:`holdout_score` -- refit without the last weeks and score their prediction.

What the fitted arrays say (decomposition, marginal returns) is in
:mod:`core.mmm.fit.readout`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.mmm.fit.adstock import OFFSET_FRACTION, geometric_adstock, initial_stock, log_adstock
from core.mmm.fit.covariance import (
    classical_covariance,
    lag_one_correlation,
    newey_west_covariance,
    newey_west_lags,
)
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
class FitSettings:
    r"""How the non-linear part is searched and how the intervals are computed.

    ``decays`` and ``starts`` are the grids of carry-over rates and start states (a
    one-element grid fixes the value); ``level_rows`` the leading weeks whose average spend
    scales the start state (None: all fitted weeks); ``start_cost`` what a non-zero start
    state must pay in the search criterion :math:`n \log \mathrm{SSE}` (None: :math:`2 \log n`,
    twice the Bayesian information criterion's price, which gave the smallest elasticity errors
    in the calibration study, ``bench/calibration.py``); ``covariance`` is ``"classical"``, ``"hac"``
    (Newey-West) or ``"auto"`` (Newey-West when the residuals are correlated).
    """

    decays: np.ndarray
    starts: np.ndarray
    level_rows: int | None = None
    start_cost: float | None = None
    covariance: str = "auto"


@dataclass(frozen=True)
class FitArrays:
    """Result of :func:`fit_rows`.

    ``cov`` is square over the coefficients (fixed columns, then channels), then the
    carry-over rates, then the start states; rows of values treated as known are zero.
    """

    theta: np.ndarray
    start: np.ndarray  # kappa per channel: start state as a multiple of the steady state
    level: np.ndarray  # weekly spend level the start state is scaled by
    design: np.ndarray  # all rows: fixed columns then log(adstock + c)
    offset: np.ndarray  # c per channel
    coef: np.ndarray
    cov: np.ndarray
    sigma2: float
    dof: int
    residuals: np.ndarray  # fitted rows only
    covariance: str  # "classical" or "Newey-West (L lags)"

    @property
    def initial(self) -> np.ndarray:
        """Carried-over spend in the week before the data, per channel."""
        return initial_stock(self.level, self.theta, self.start)


#: Lag-one residual correlation above which ``covariance="auto"`` uses Newey-West
#: (Durbin-Watson below 1.5 or above 2.5 is about |rho| > 0.25).
AUTOCORRELATION_LIMIT = 0.25
#: The carry-over search first tries every COARSE-th rate, then refines near the best ones.
COARSE = 5


def channel_columns(data: ModelArrays, m: int, theta, start, level) -> np.ndarray:
    r"""The channel regressors :math:`\log(a_{i,t} + c_i)` over all weeks, one column each.

    Parameters
    ----------
    data : ModelArrays
        The model inputs.
    m : int
        Fitted weeks (the offsets average over them).
    theta, start, level : numpy.ndarray
        Carry-over rate, start state and spend level per channel; a leading axis of
        alternatives (shape ``(G, C)``) gives shape ``(n, G, C)``.

    Returns
    -------
    numpy.ndarray
        Shape ``(n, C)`` (or ``(n, G, C)``).
    """
    theta = np.asarray(theta, float)
    spend = data.spend if theta.ndim == 1 else data.spend[:, None, :]
    return log_adstock(spend, theta, m, initial=initial_stock(level, theta, start))


def fit_rows(data: ModelArrays, m: int, settings: FitSettings) -> FitArrays:
    """Search the carry-over rates and start states, then fit by least squares on ``m`` weeks.

    Parameters
    ----------
    data : ModelArrays
        The model inputs.
    m : int
        Number of leading weeks to fit (the rest is predicted only).
    settings : FitSettings
        Grids, start level and covariance choice.

    Returns
    -------
    FitArrays
        Rates, start states, design over all weeks, offsets, coefficients and covariance.
    """
    totals = data.spend[:m].sum(axis=0)
    if (totals == 0).any():
        name = data.channels[int(np.argmax(totals == 0))]
        raise ValueError(f"Column '{name}' has no spend in the first {m} weeks.")
    level = data.spend[: settings.level_rows or m].mean(axis=0)
    theta, start = _search(data, m, settings, level)
    design = np.column_stack([data.fixed, channel_columns(data, m, theta, start, level)])
    check_rank(design[:m], data)
    ls = ols(design[:m], data.y[:m])
    free = _free_parameters(settings, theta)
    cov, method = parameter_covariance(data, m, (theta, start, level), ls, free, settings.covariance)
    stock = geometric_adstock(data.spend[:m], theta, initial_stock(level, theta, start))
    offset = OFFSET_FRACTION * stock.mean(axis=0)
    return FitArrays(theta, start, level, design, offset, ls.coef, cov, ls.sigma2, ls.dof,
                     ls.residuals, method)


def _search(data: ModelArrays, m: int, settings: FitSettings, level: np.ndarray):
    """Carry-over rate and start state per channel: a coarse search, then the fine grid.

    Every :data:`COARSE`-th rate is searched first (with every start state, from two starts);
    the fine grid within two coarse steps of each channel's coarse optimum is then searched
    from there (:func:`fine_window`), and again around any rate that ends on the edge of its
    window. In the calibration study this gave the same coverage as searching the whole fine
    grid, in two thirds of the time.
    """
    decays, starts = settings.decays, settings.starts
    n_ch = len(data.channels)
    cost = 2 * np.log(m) if settings.start_cost is None else settings.start_cost
    coarse = decays[::COARSE] if decays.size > 3 * COARSE else decays
    coarse = np.union1d(coarse, decays[-1:])
    grid = np.broadcast_to(coarse[:, None], (coarse.size, n_ch))
    theta, start = _grid_search(data, m, (grid, starts, level), cost)
    if coarse.size == decays.size:
        return theta, start
    for _ in range(decays.size):  # a window moves by 2 coarse steps: this bound is never met
        fine, pos = fine_window(decays, theta)
        theta, start = _grid_search(data, m, (fine, starts, level), cost, (pos, start))
        inside = (((theta > fine[0]) | (fine[0] == decays[0]))
                  & ((theta < fine[-1]) | (fine[-1] == decays[-1])))
        if inside.all():
            break
    return theta, start


def fine_window(decays: np.ndarray, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per channel, the fine rates within two coarse steps of the coarse optimum ``theta``.

    Returns the rate grid, shape ``(R, C)`` (a window of the same size for every channel, moved
    inside the grid at its ends), and the row of ``theta`` in it per channel.
    """
    size = min(decays.size, 4 * COARSE + 1)
    centre = np.searchsorted(decays, theta - 1e-12)
    first = np.clip(centre - 2 * COARSE, 0, decays.size - size)
    rows = first[None, :] + np.arange(size)[:, None]
    return decays[rows], centre - first


def _grid_search(data, m, grids, cost, at=None) -> tuple[np.ndarray, np.ndarray]:
    """Best rate and start state per channel over per-channel rate grids ``(R, C)``.

    ``at`` is ``(rate index, start state)`` per channel to start from; None starts every
    channel at the steady state, once with no carry-over and once mid-grid.
    """
    thetas, starts, level = grids
    n_rates, n_starts, n_ch = thetas.shape[0], starts.size, thetas.shape[1]
    theta_g = np.repeat(thetas, n_starts, axis=0)
    start_g = np.broadcast_to(np.tile(starts, n_rates)[:, None], theta_g.shape)
    cand = channel_columns(data, m, theta_g, start_g, level).transpose(0, 2, 1)
    if at is None:
        check_rank(np.column_stack([data.fixed, cand[:, :, 0]])[:m], data)
        steady = int(np.argmin(np.abs(starts - 1.0)))
        begin = (steady, (n_rates // 2) * n_starts + steady)
    else:
        rate_index, start = at
        begin = (rate_index * n_starts + np.searchsorted(starts, start - 1e-12),)
    if cand.shape[2] == 1:
        return theta_g[0], start_g[0]
    idx, _ = search_decays(data.y[:m], data.fixed[:m], cand[:m], starts=begin,
                           shape=(n_rates, n_starts),
                           penalty=np.where(start_g[:, 0] > 0, cost, 0.0))
    cols = np.arange(n_ch)
    return theta_g[idx, cols], start_g[idx, cols]


def _free_parameters(settings: FitSettings, theta) -> tuple[np.ndarray, np.ndarray]:
    """Which rates and start states the intervals treat as estimated.

    Every searched value counts, also one found on the boundary of its grid (a rate of 0 or
    a start state of 0): treating those as known made the intervals too narrow in the
    calibration study (``bench/calibration.py``). A start state has no effect, and is not
    counted, when the carry-over rate is 0.
    """
    free_theta = np.full(theta.size, settings.decays.size > 1)
    free_start = (settings.starts.size > 1) & (theta > 0)
    return free_theta, free_start


def _jacobian(data, m, nonlinear, b, free, h: float = 1e-5) -> list[np.ndarray]:
    r"""Jacobian columns of the carry-over rates and start states.

    :math:`b_j\,\partial z_j/\partial\theta_j` and :math:`b_j\,\partial z_j/\partial\kappa_j`, by
    central differences, one-sided at 0 (a rate or start state cannot go below it).
    """
    theta, start, level = nonlinear
    out = []
    for which in (0, 1):
        up, down = [theta, start], [theta, start]
        step = np.where(free[which], h, 0.0)
        up[which] = up[which] + step
        down[which] = np.maximum(down[which] - step, 0.0)
        width = up[which] - down[which]
        diff = (channel_columns(data, m, *up, level)[:m]
                - channel_columns(data, m, *down, level)[:m])
        out.append(b * diff / np.where(width > 0, width, 1.0))
    return out


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


def parameter_covariance(data, m, nonlinear, ls, free, method="auto") -> tuple[np.ndarray, str]:
    r"""Covariance of the coefficients, carry-over rates and start states, linearised.

    .. math:: J = \Bigl[X,\ b_j \frac{\partial z_j}{\partial \theta_j},\
              b_j \frac{\partial z_j}{\partial \kappa_j}\Bigr], \qquad
              \widehat{\operatorname{Cov}} = \hat\sigma^2 (J^\top J)^{-1}
              \ \text{(classical)}

    or the Newey-West sandwich of :func:`core.mmm.fit.covariance.newey_west_covariance`. Only
    the rates and start states marked in ``free`` get a column (``_free_parameters`` marks every
    searched one, also on the boundary of its grid); a column the others determine is dropped
    and its parameter treated as known. When nothing is searched this is the OLS covariance
    :math:`\hat\sigma^2 (X^\top X)^{-1}`.

    Parameters
    ----------
    data : ModelArrays
        The model inputs.
    m : int
        Number of fitted weeks.
    nonlinear : tuple of numpy.ndarray
        ``(theta, start, level)`` per channel.
    ls : core.mmm.fit.least_squares.LeastSquares
        The least squares at those values.
    free : tuple of numpy.ndarray
        Boolean masks of the rates and start states treated as estimated.
    method : {"auto", "classical", "hac"}, default "auto"
        "auto" uses Newey-West when the lag-one residual correlation exceeds
        :data:`AUTOCORRELATION_LIMIT` in size.

    Returns
    -------
    tuple of (numpy.ndarray, str)
        Shape ``(p + 2C, p + 2C)``, and the method used in words.
    """
    theta, start, level = nonlinear
    q, n_ch = data.fixed.shape[1], theta.size
    p = q + n_ch
    x = np.column_stack([data.fixed[:m], channel_columns(data, m, theta, start, level)[:m]])
    d_theta, d_start = _jacobian(data, m, nonlinear, ls.coef[q:], free)
    keep = [*range(p), *(p + np.flatnonzero(free[0])), *(p + n_ch + np.flatnonzero(free[1]))]
    full = np.column_stack([x, d_theta[:, free[0]], d_start[:, free[1]]])
    while (bad := dependent_column(full, tol=1e-7)) is not None and bad >= p:
        full, keep = np.delete(full, bad, axis=1), keep[:bad] + keep[bad + 1 :]
    if bad is not None:
        full, keep = x, list(range(p))
    hac = method == "hac" or (
        method == "auto" and abs(lag_one_correlation(ls.residuals)) > AUTOCORRELATION_LIMIT)
    if hac:
        lags = newey_west_lags(m)
        small = newey_west_covariance(full, ls.residuals, lags)
        label = f"Newey-West ({lags} lags)"
    else:
        small, label = classical_covariance(full, ls.sigma2), "classical"
    cov = np.zeros((p + 2 * n_ch, p + 2 * n_ch))
    cov[np.ix_(keep, keep)] = small
    return cov, label


def holdout_score(data: ModelArrays, h: int, settings: FitSettings
                  ) -> tuple[float, float, np.ndarray]:
    """Refit (search included) without the last ``h`` weeks and score their prediction.

    Parameters
    ----------
    data : ModelArrays
        The model inputs.
    h : int
        Weeks held out at the end.
    settings : FitSettings
        As for the main fit.

    Returns
    -------
    tuple of (float, float, numpy.ndarray)
        Mean absolute percentage error of conversions (as a fraction), RMSE of log
        conversions over the held-out weeks, and the predicted conversions of those weeks.
    """
    m = data.y.size - h
    fit = fit_rows(data, m, settings)
    log_pred = fit.design[m:] @ fit.coef
    err = data.y[m:] - log_pred
    mape = float(np.mean(np.abs(np.expm1(-err))))  # |actual - predicted| / actual
    return mape, float(np.sqrt(np.mean(err**2))), np.exp(log_pred)

r"""Covariance of the fitted parameters: classical or Newey-West (HAC), from a Jacobian.

NumPy only. The media-mix fit is least squares in the coefficients and, through the carry-over
columns, non-linear in the carry-over rates and start states; its covariance is linearised at
the optimum with the Jacobian :math:`J` of the fitted values (see
:func:`core.mmm.fit.estimation.parameter_covariance`). This module turns :math:`J` and the
residuals into a covariance matrix.
"""

from __future__ import annotations

import math

import numpy as np


def newey_west_lags(n: int) -> int:
    r"""The usual lag window of the Newey-West estimator for ``n`` observations.

    .. math:: L = \lfloor 4\,(n / 100)^{2/9} \rfloor

    (4 lags for two or three years of weekly data), the default of statsmodels' HAC.

    Parameters
    ----------
    n : int
        Number of observations.

    Returns
    -------
    int
        The highest lag :math:`L` (at least 1).
    """
    return max(1, math.floor(4 * (n / 100.0) ** (2.0 / 9.0)))


def classical_covariance(jac: np.ndarray, sigma2: float) -> np.ndarray:
    r"""The least-squares covariance :math:`\hat\sigma^2 (J^\top J)^{-1}`.

    Parameters
    ----------
    jac : numpy.ndarray
        Jacobian of the fitted values, shape ``(n, k)``, full column rank.
    sigma2 : float
        Residual variance :math:`\hat\sigma^2`.

    Returns
    -------
    numpy.ndarray
        Shape ``(k, k)``.
    """
    r_inv = np.linalg.inv(np.linalg.qr(jac, mode="r"))
    return sigma2 * (r_inv @ r_inv.T)


def newey_west_covariance(jac: np.ndarray, residuals: np.ndarray, lags: int) -> np.ndarray:
    r"""Heteroskedasticity- and autocorrelation-consistent (Newey-West) covariance.

    .. math::

        \widehat{\operatorname{Cov}} = \frac{n}{n - k}\,(J^\top J)^{-1}\, S\, (J^\top J)^{-1},
        \qquad S = \sum_{l=-L}^{L} \Bigl(1 - \frac{|l|}{L + 1}\Bigr)
                   \sum_t g_t\, g_{t-l}^\top, \quad g_t = J_t\, e_t

    with Bartlett weights, as statsmodels' ``cov_type="HAC"`` with ``use_correction=True``.
    Week-to-week correlated residuals make the classical covariance too small; this one stays
    right for them (at the price of a noisier estimate).

    Parameters
    ----------
    jac : numpy.ndarray
        Jacobian of the fitted values, shape ``(n, k)``, full column rank.
    residuals : numpy.ndarray
        Residuals :math:`e`, shape ``(n,)``.
    lags : int
        Highest lag :math:`L` of the window (0 gives White's covariance).

    Returns
    -------
    numpy.ndarray
        Shape ``(k, k)``.
    """
    n, k = jac.shape
    scores = jac * residuals[:, None]
    meat = scores.T @ scores
    for lag in range(1, min(lags, n - 1) + 1):
        cross = scores[lag:].T @ scores[:-lag]
        meat += (1.0 - lag / (lags + 1.0)) * (cross + cross.T)
    r_inv = np.linalg.inv(np.linalg.qr(jac, mode="r"))
    bread = r_inv @ r_inv.T
    return n / (n - k) * (bread @ meat @ bread)


def lag_one_correlation(residuals: np.ndarray) -> float:
    r"""First-order autocorrelation of the residuals, :math:`\sum e_t e_{t-1} / \sum e_t^2`.

    Parameters
    ----------
    residuals : numpy.ndarray
        Shape ``(n,)``.

    Returns
    -------
    float
        About :math:`1 - \mathrm{DW}/2` for the Durbin-Watson statistic DW.
    """
    e = np.asarray(residuals, float)
    return float(e[1:] @ e[:-1] / (e @ e))

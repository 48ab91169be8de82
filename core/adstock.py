r"""Carry-over (geometric adstock), seasonality terms and the least-squares decay search.

NumPy only. These are the numerical parts of the media-mix fit in :mod:`core.mmm_fit`:

* :func:`geometric_adstock` -- :math:`a_t = x_t + \theta a_{t-1}`;
* :func:`log_adstock` -- the regressor :math:`\log(a_t + c)` with the zero-spend offset;
* :func:`fourier_terms` -- sine/cosine terms of the 52-week cycle;
* :func:`ols` -- least squares with its covariance matrix;
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

#: Offset of the log transform as a fraction of the channel's average carried-over spend.
OFFSET_FRACTION = 0.1
#: Largest carry-over rate searched.
MAX_DECAY = 0.9
#: Weeks in a year, the period of the seasonality terms.
WEEKS_PER_YEAR = 365.25 / 7.0


def decay_grid(step: float = 0.01, max_decay: float = MAX_DECAY) -> np.ndarray:
    """Return the grid of carry-over rates searched by the fit.

    Parameters
    ----------
    step : float, default 0.01
        Grid spacing.
    max_decay : float, default 0.9
        Largest rate on the grid (inclusive).

    Returns
    -------
    numpy.ndarray
        ``[0, step, 2 step, ..., max_decay]``.
    """
    if not 0 < step <= max_decay < 1:
        raise ValueError("need 0 < step <= max_decay < 1")
    count = int(round(max_decay / step)) + 1
    return np.round(np.linspace(0.0, max_decay, count), 10)


def geometric_adstock(spend: np.ndarray, decay: float | np.ndarray) -> np.ndarray:
    r"""Carry spend over into later weeks with a geometric decay.

    .. math:: a_t = x_t + \theta\, a_{t-1}, \qquad a_{-1} = 0

    Parameters
    ----------
    spend : numpy.ndarray
        Spend per week, time along axis 0; shape ``(n,)`` or ``(n, ...)``.
    decay : float or numpy.ndarray
        Carry-over rate :math:`\theta \in [0, 1)`, broadcast against ``spend[0]``.

    Returns
    -------
    numpy.ndarray
        Carried-over spend, shape ``(n,) + broadcast(spend[0], decay).shape``.
    """
    x = np.asarray(spend, dtype=float)
    theta = np.asarray(decay, dtype=float)
    if np.any(theta < 0) or np.any(theta >= 1):
        raise ValueError("carry-over rate must be in [0, 1)")
    shape = (x.shape[0],) + np.broadcast_shapes(x.shape[1:], theta.shape)
    out = np.empty(shape)
    carry = np.zeros(shape[1:])
    for t in range(x.shape[0]):
        carry = x[t] + theta * carry
        out[t] = carry
    return out


def log_adstock(
    spend: np.ndarray,
    decay: float | np.ndarray,
    reference_rows: int | None = None,
    offset_fraction: float = OFFSET_FRACTION,
) -> np.ndarray:
    r"""Log of carried-over spend plus an offset, the channel regressor of the model.

    .. math:: z_t = \log\bigl(a_t + c\bigr), \qquad c = f \cdot \bar a

    where :math:`\bar a` is the average carried-over spend over the reference rows. The offset
    keeps weeks without spend finite (:math:`\log c` instead of :math:`-\infty`) and makes the
    elasticity at average spend exactly :math:`b / (1 + f)` for a coefficient :math:`b`.

    Parameters
    ----------
    spend : numpy.ndarray
        Spend per week, time along axis 0.
    decay : float or numpy.ndarray
        Carry-over rate(s), broadcast against ``spend[0]``.
    reference_rows : int or None, default None
        Average over the first ``reference_rows`` weeks only (the training part of a hold-out
        split); None uses all weeks.
    offset_fraction : float, default 0.1
        :math:`f`, the offset as a fraction of the average carried-over spend.

    Returns
    -------
    numpy.ndarray
        :math:`z_t`, same shape as the adstock.
    """
    stock = geometric_adstock(spend, decay)
    mean = stock[:reference_rows].mean(axis=0)
    if np.any(mean <= 0):
        raise ValueError("a channel has no spend in the reference weeks")
    return np.log(stock + offset_fraction * mean)


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


def t_quantile(dof: float, prob: float = 0.975) -> float:
    """Student-t quantile by the Cornish-Fisher expansion (error < 0.005 for ``dof >= 5``).

    Parameters
    ----------
    dof : float
        Degrees of freedom (positive).
    prob : float, default 0.975
        Lower-tail probability.

    Returns
    -------
    float
        Approximately ``scipy.stats.t.ppf(prob, dof)``.
    """
    if dof <= 0:
        raise ValueError("degrees of freedom must be positive")
    z = _normal_quantile(prob)
    nu = float(dof)
    return (
        z
        + (z**3 + z) / (4 * nu)
        + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * nu**2)
        + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * nu**3)
    )


def _normal_quantile(prob: float) -> float:
    """Invert the normal CDF by bisection on :func:`math.erf` (exact to 1e-12)."""
    lo, hi = -10.0, 10.0
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        if 0.5 * (1 + math.erf(mid / math.sqrt(2))) < prob:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


@dataclass(frozen=True)
class LeastSquares:
    """Result of :func:`ols`: coefficients, covariance and residuals."""

    coef: np.ndarray
    cov: np.ndarray
    sigma2: float
    dof: int
    fitted: np.ndarray
    residuals: np.ndarray


def dependent_column(design: np.ndarray, tol: float = 1e-9) -> int | None:
    """Index of the first column that is (nearly) a combination of earlier ones.

    Parameters
    ----------
    design : numpy.ndarray
        Design matrix, shape ``(n, p)``.
    tol : float, default 1e-9
        Relative tolerance on the diagonal of R in a QR of the column-scaled matrix.

    Returns
    -------
    int or None
        The column index, or None when the matrix has full column rank.
    """
    scale = np.linalg.norm(design, axis=0)
    if np.any(scale == 0):
        return int(np.argmax(scale == 0))
    r = np.linalg.qr(design / scale, mode="r")
    diag = np.abs(np.diag(r))
    bad = np.flatnonzero(diag < tol * max(diag.max(), 1.0))
    return int(bad[0]) if bad.size else None


def ols(design: np.ndarray, y: np.ndarray) -> LeastSquares:
    r"""Ordinary least squares with the classical covariance.

    .. math:: \hat\beta = (X^\top X)^{-1} X^\top y, \qquad
              \widehat{\operatorname{Cov}}(\hat\beta) = \hat\sigma^2 (X^\top X)^{-1},
              \qquad \hat\sigma^2 = \frac{\lVert y - X\hat\beta \rVert^2}{n - p}

    Parameters
    ----------
    design : numpy.ndarray
        :math:`X`, shape ``(n, p)`` with ``n > p`` and full column rank.
    y : numpy.ndarray
        Response, shape ``(n,)``.

    Returns
    -------
    LeastSquares
        Coefficients, covariance, :math:`\hat\sigma^2`, degrees of freedom, fitted values and
        residuals.
    """
    n, p = design.shape
    if n <= p:
        raise ValueError(f"{n} rows cannot fit {p} parameters")
    q, r = np.linalg.qr(design)
    coef = np.linalg.solve(r, q.T @ y)
    fitted = design @ coef
    resid = y - fitted
    dof = n - p
    sigma2 = float(resid @ resid) / dof
    r_inv = np.linalg.solve(r, np.eye(p))
    return LeastSquares(coef, sigma2 * (r_inv @ r_inv.T), sigma2, dof, fitted, resid)

r"""Ordinary least squares with its covariance, a rank check, and Student-t quantiles.

NumPy only. :func:`ols` is the estimator of the media-mix fit (:mod:`core.mmm.fit.estimation`);
:func:`t_quantile` turns its standard errors into 95 % intervals without SciPy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


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

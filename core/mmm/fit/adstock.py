r"""Carry-over (geometric adstock): this week's effect includes a share of earlier weeks' spend.

* :func:`geometric_adstock` -- :math:`a_t = x_t + \theta a_{t-1}`;
* :func:`log_adstock` -- the regressor :math:`\log(a_t + c)` with the zero-spend offset;
* :func:`decay_grid` -- the carry-over rates the search in :mod:`core.mmm.fit.search` tries;
* :func:`initial_stock` -- the carry-over already running before the first week of data.
"""

from __future__ import annotations

import numpy as np

#: Offset of the log transform as a fraction of the channel's average carried-over spend.
OFFSET_FRACTION = 0.1
#: Largest carry-over rate searched.
MAX_DECAY = 0.9


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


def geometric_adstock(
    spend: np.ndarray, decay: float | np.ndarray, initial: float | np.ndarray = 0.0
) -> np.ndarray:
    r"""Carry spend over into later weeks with a geometric decay.

    .. math:: a_t = x_t + \theta\, a_{t-1}, \qquad a_{-1} = A

    so that :math:`a_t = \sum_{k \le t} \theta^{t-k} x_k + \theta^{t+1} A`: the carry-over
    :math:`A` left by spend before the first week fades as :math:`\theta^{t+1}`.

    Parameters
    ----------
    spend : numpy.ndarray
        Spend per week, time along axis 0; shape ``(n,)`` or ``(n, ...)``.
    decay : float or numpy.ndarray
        Carry-over rate :math:`\theta \in [0, 1)`, broadcast against ``spend[0]``.
    initial : float or numpy.ndarray, default 0.0
        :math:`A`, the carried-over spend in the week before the data (0: nothing ran before),
        broadcast against ``spend[0]`` and ``decay``.

    Returns
    -------
    numpy.ndarray
        Carried-over spend, shape ``(n,) + broadcast(spend[0], decay, initial).shape``.
    """
    x = np.asarray(spend, dtype=float)
    theta = np.asarray(decay, dtype=float)
    start = np.asarray(initial, dtype=float)
    if np.any(theta < 0) or np.any(theta >= 1):
        raise ValueError("carry-over rate must be in [0, 1)")
    shape = (x.shape[0],) + np.broadcast_shapes(x.shape[1:], theta.shape, start.shape)
    out = np.empty(shape)
    carry = np.broadcast_to(start, shape[1:]).astype(float)
    for t in range(x.shape[0]):
        carry = x[t] + theta * carry
        out[t] = carry
    return out


def initial_stock(level: np.ndarray, decay: np.ndarray, start: np.ndarray) -> np.ndarray:
    r"""Carried-over spend in the week before the data, as a multiple of the steady state.

    .. math:: A = \kappa\, \frac{\bar x}{1 - \theta}

    A channel that has run at the weekly level :math:`\bar x` for a long time carries
    :math:`\bar x / (1 - \theta)` into every week: :math:`\kappa = 1` is that steady state,
    :math:`\kappa = 0` a channel that never ran before the data start.

    Parameters
    ----------
    level : numpy.ndarray
        :math:`\bar x`, the channel's average weekly spend.
    decay : numpy.ndarray
        :math:`\theta \in [0, 1)`.
    start : numpy.ndarray
        :math:`\kappa \ge 0`.

    Returns
    -------
    numpy.ndarray
        :math:`A`, broadcast over the three inputs.
    """
    return np.asarray(start, float) * np.asarray(level, float) / (1.0 - np.asarray(decay, float))


def log_adstock(
    spend: np.ndarray,
    decay: float | np.ndarray,
    reference_rows: int | None = None,
    offset_fraction: float = OFFSET_FRACTION,
    initial: float | np.ndarray = 0.0,
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
    initial : float or numpy.ndarray, default 0.0
        Carried-over spend before the first week (see :func:`geometric_adstock`).

    Returns
    -------
    numpy.ndarray
        :math:`z_t`, same shape as the adstock.
    """
    stock = geometric_adstock(spend, decay, initial)
    mean = stock[:reference_rows].mean(axis=0)
    if np.any(mean <= 0):
        raise ValueError("a channel has no spend in the reference weeks")
    return np.log(stock + offset_fraction * mean)

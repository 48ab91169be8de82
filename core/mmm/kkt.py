r"""The KKT conditions of the budget problem, and the one solver that meets them.

Maximise :math:`\sum_i R_i(s_i)` subject to :math:`\sum_i s_i = T` and
:math:`l_i \le s_i \le u_i`. At an optimum the Karush-Kuhn-Tucker conditions hold: every
channel not held at a bound has the same marginal return :math:`\lambda`,

.. math:: R_i'(s_i) = \lambda \quad (l_i < s_i < u_i), \qquad
          R_i'(l_i) \le \lambda, \qquad R_i'(u_i) \ge \lambda .

For concave curves they are also sufficient, and the spend of each channel at a level,
:math:`s_i(\lambda) = \mathrm{clip}(R_i'^{-1}(\lambda), l_i, u_i)`, falls as the level
rises, so the optimum is the level at which these spends add up to the budget:

1. *Bracket.* Any feasible split :math:`s^0` bounds the level:
   :math:`\min_i R_i'(s^0_i) \le \lambda^* \le \max_i R_i'(s^0_i)`.
2. *Grid.* The spends :math:`s_i(\lambda)` at :math:`M` levels spaced evenly in
   :math:`\log\lambda` across the bracket are one :math:`M \times n` evaluation of the
   inverses (:meth:`CurveBank.inverse_marginal <core.mmm.bank.CurveBank.inverse_marginal>`),
   with no loop over levels or channels. Their sum crosses :math:`T` in one cell.
3. *Interpolate* inside that cell, geometrically (:func:`_within`): this is exact for
   power curves, whose spend is a power of the level, so the worked example is solved
   here, and otherwise second-order accurate.
4. *Check and polish.* The marginal returns at that split are checked against the KKT
   conditions; while they fail, Newton steps on the KKT system in spend space
   (:func:`newton_step`, which needs only marginal returns and curvatures and converges
   quadratically) polish the split, usually in two. Should Newton fail, the grid is
   refined instead (an :math:`M`-ary bisection) until the cell is below rounding.

:func:`newton_step` is also the polish of the global method for S-curves
(:mod:`core.mmm.global_search`).
"""

from __future__ import annotations

import numpy as np

from core.mmm.bank import CurveBank

__all__ = ["concave_allocation", "newton_step"]

LEVELS = 48  # levels per grid evaluation
ROUNDING = 1e-13  # relative spread of marginal returns accepted as equal


def newton_step(
    marginal: np.ndarray, curvature: np.ndarray, spend: np.ndarray, free: np.ndarray, total: float
) -> tuple[np.ndarray, float]:
    r"""One Newton step on the KKT system of the free channels.

    Linearising each free channel's marginal return at its spend,
    :math:`R_i'(s_i + \delta_i) \approx m_i + c_i \delta_i`, and asking for a common level
    on the budget line gives

    .. math:: \delta_i = \frac{\lambda - m_i}{c_i}, \qquad
              \lambda = \frac{T - \sum_j s_j + \sum_{i\,\mathrm{free}} m_i / c_i}
                             {\sum_{i\,\mathrm{free}} 1 / c_i} .

    A free channel with zero curvature (a linear curve) sets the level itself,
    :math:`\lambda = m_i`, and takes whatever the curved channels leave.

    Parameters
    ----------
    marginal, curvature : numpy.ndarray
        :math:`m_i = R_i'(s_i)` and :math:`c_i = R_i''(s_i)` of every channel.
    spend : numpy.ndarray
        Current spends :math:`s`.
    free : numpy.ndarray
        Boolean mask of the channels that move (the others keep their spend).
    total : float
        Budget :math:`T`.

    Returns
    -------
    delta : numpy.ndarray
        The step (zero on channels that are not free).
    level : float
        The level :math:`\lambda` the step aims at; NaN if the system is singular.
    """
    residual = total - float(spend.sum())
    with np.errstate(divide="ignore"):  # a linear channel: 1/0, handled below
        w = np.divide(1.0, curvature, out=np.zeros(spend.shape), where=free)  # 1/c; 0 if pinned
    weight = float(w.sum())
    if weight != 0 and np.isfinite(weight):  # every free channel is curved
        level = (residual + float(w @ marginal)) / weight
        return (level - marginal) * w, level
    flat = free & (curvature == 0)
    if not flat.any():
        return np.zeros(spend.shape), float("nan")
    level = float(marginal[flat].mean())
    w[flat] = 0.0
    delta = (level - marginal) * w
    return delta + flat * ((residual - float(delta.sum())) / np.count_nonzero(flat)), level


def _grid(bank, lo, hi, total, v_lo, v_hi):
    """Spends at ``LEVELS`` log-levels in ``[v_lo, v_hi]`` and the cell where they cross T."""
    v = v_lo + (v_hi - v_lo) / (LEVELS - 1.0) * np.arange(LEVELS)
    spends = bank.inverse_marginal(np.exp(v)[:, None], quiet=False)
    spends = np.minimum(np.maximum(spends, lo), hi)
    sums = spends @ np.ones(bank.n)  # non-increasing in the level
    i = min(max(np.count_nonzero(sums > total), 1), LEVELS - 1)  # the first sum <= T
    return v[i - 1], v[i], spends[i - 1], spends[i]


def _within(cell, total):
    r"""The split between the cell's two ends that adds up to ``total``.

    Between the spends :math:`a_i` and :math:`b_i` at the cell's two levels, each channel
    follows :math:`s_i(\theta) = a_i (b_i/a_i)^{\theta}`, exact for a power curve (whose
    spend is a power of the level); a channel that drops to zero inside the cell follows
    the straight line :math:`a_i (1 - \theta)`. Newton's method on
    :math:`\log \sum_i s_i(\theta) = \log T` (nearly linear: exactly so when the
    elasticities agree), or on the sum itself when a straight line is part of it, finds
    :math:`\theta`, safeguarded by bisection of :math:`[0, 1]`.
    """
    _, _, a, b = cell
    drops = b <= 0  # (the spends fall as the level rises: b <= a)
    ratio = np.log(b / a)
    ratio[drops] = 0.0
    fall = float(a @ drops)  # the straight-line part of the sum falls by fall * theta
    theta, lower, upper = 0.0, 0.0, 1.0
    for _ in range(60):
        geometric = a * np.exp(theta * ratio)
        now = float(geometric.sum()) - theta * fall
        if abs(now - total) <= 1e-15 * total or upper - lower <= 1e-16:
            break
        lower, upper = (theta, upper) if now > total else (lower, theta)
        slope = float(geometric @ ratio) - fall
        if not (now > 0 and slope < 0):
            step = np.nan
        else:
            step = (now - total if fall else np.log(now / total) * now) / slope
        theta = theta - step if lower <= theta - step <= upper else 0.5 * (lower + upper)
    else:  # out of iterations: the split at the last theta
        geometric = a * np.exp(theta * ratio)
    return geometric - theta * (a * drops)


def _kkt_holds(m, spend, inside, lo, hi, total):
    r"""Whether the spends add up to T and meet the KKT conditions to rounding.

    With :math:`L` the channels at their minimum and :math:`U` those at their maximum:
    :math:`\max_{i \notin U} m_i \le \min_{i \notin L} m_i` (so the free channels agree).
    """
    if abs(float(spend.sum()) - total) > 1e-14 * total:
        return False
    if np.count_nonzero(inside) == spend.size:
        lower, upper = m.max(), m.min()
    else:
        lower = m.max(where=spend < hi, initial=0.0)
        upper = m.min(where=spend > lo, initial=np.inf)
    return bool(lower <= upper * (1 + ROUNDING))


def _step(spend, delta, lo, hi):
    r"""Take a Newton step; one that would cross a channel's minimum is taken geometrically.

    :math:`s \to l + (s - l)\,e^{\delta/(s - l)}` keeps the spend above the minimum, which
    matters where the marginal return there is infinite (a power curve at zero spend), and
    still reaches the minimum within rounding in a few steps where the channel belongs there.
    """
    new = spend + delta
    below = new < lo
    if np.count_nonzero(below):
        gap = spend[below] - lo[below]
        new[below] = lo[below] + gap * np.exp(delta[below] / gap)
    return np.minimum(new, hi)


def _polish(bank, spend, lo, hi, total, steps=30):
    """Newton on the KKT system until the marginal returns agree; None if they do not.

    A channel pinned at a bound by a step is released when its marginal return says it
    should move back (above the level at its minimum, below it at its maximum).
    """
    m, c = bank.slopes(spend, quiet=False)
    free = inside = (spend > lo) & (spend < hi)
    for _ in range(steps):
        if _kkt_holds(m, spend, inside, lo, hi, total):
            return spend, m
        delta, level = newton_step(m, c, spend, free, total)
        if not np.isfinite(level):
            return None
        new = _step(spend, delta, lo, hi)
        inside = (new > lo) & (new < hi)
        free = inside
        if np.count_nonzero(inside) < spend.size:
            free = inside | ((spend <= lo) & (m > level)) | ((spend >= hi) & (m < level))
        spend, (m, c) = new, bank.slopes(new, quiet=False)
    return None


def _bisect(bank, lo, hi, total, cell):
    """Refine the grid around the crossing until the cell is below rounding."""
    for _ in range(12):
        if cell[1] - cell[0] <= 4e-16 * max(abs(cell[0]), 1.0):
            break
        cell = _grid(bank, lo, hi, total, cell[0], cell[1])
    spend = _within(cell, total)
    return spend, bank.marginal(spend, quiet=False)


def concave_allocation(
    bank: CurveBank, lo: np.ndarray, hi: np.ndarray, total: float
) -> tuple[np.ndarray, np.ndarray]:
    """Exact optimum for concave curves: grid bracket, then Newton on the KKT system.

    Evaluates the curves with ``quiet=False``: call it inside :func:`numpy.errstate`, as
    :func:`core.mmm.optimize.optimize_budget` does.

    Parameters
    ----------
    bank : CurveBank
        Concave response curves.
    lo, hi : numpy.ndarray
        Feasible bounds (see :func:`core.mmm.optimize.resolve_bounds`).
    total : float
        Budget.

    Returns
    -------
    spend : numpy.ndarray
        Optimal spend per channel (sums to ``total``).
    marginal : numpy.ndarray
        The marginal return of each channel at that spend.
    """
    room = hi - lo
    free_budget, free_room = total - float(lo.sum()), float(room.sum())
    if free_budget <= 1e-15 * total or free_room <= free_budget * (1 + 1e-15):
        spend = lo.copy() if free_budget <= 1e-15 * total else hi.copy()
        return spend, bank.marginal(spend, quiet=False)
    start = lo + room * (free_budget / free_room)  # a feasible split
    m0 = bank.marginal(start, quiet=False)
    movable = room > 0
    v_lo = np.log(max(float(m0.min(initial=np.inf, where=movable)), 1e-300)) - 1e-9
    v_hi = np.log(min(float(m0.max(initial=0.0, where=movable)), 1e300)) + 1e-9
    cell = _grid(bank, lo, hi, total, v_lo, v_hi)
    solved = _polish(bank, _within(cell, total), lo, hi, total)
    return solved if solved is not None else _bisect(bank, lo, hi, total, cell)

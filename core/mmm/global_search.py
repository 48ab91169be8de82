"""Global budget allocation for non-concave (S-shaped) response curves.

A dynamic programme over a grid of budget units finds the global basin exactly on the
grid; Newton iterations on the KKT system then polish the free channels to machine
precision, and the second-order condition on the budget plane is checked. Local solvers
such as SLSQP started from an equal split of two identical S-curves stop at a stationary
point that is the *worst* allocation on the budget line; the grid cannot be fooled so.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from core.mmm.bank import CurveBank
from core.mmm.kkt import newton_step

__all__ = ["global_allocation", "grid_allocation", "second_order_ok"]


def grid_allocation(
    bank: CurveBank, lo: np.ndarray, hi: np.ndarray, total: float, grid: int
) -> np.ndarray:
    r"""Best allocation on a grid of ``grid`` equal budget units, by dynamic programming.

    .. math:: V_c(u) = \max_{0 \le j \le \min(u, J_c)} V_{c-1}(u - j) + R_c(l_c + j\,\delta)

    Parameters
    ----------
    bank : CurveBank
        The channels' curves.
    lo, hi : numpy.ndarray
        Bounds per channel (finite).
    total : float
        Budget.
    grid : int
        Number of units :math:`G`; unit size :math:`\delta = (T - \sum l)/G`.

    Returns
    -------
    numpy.ndarray
        Spend per channel on the grid (exactly optimal among grid points).
    """
    budget = total - lo.sum()
    if budget <= 0 or grid < 1:
        return lo.copy()
    delta = budget / grid
    caps = np.minimum(np.floor((hi - lo) / delta + 1e-9).astype(int), grid)
    curves = bank.curves
    best = np.full(grid + 1, -np.inf)
    best[: caps[0] + 1] = curves[0].response(lo[0] + np.arange(caps[0] + 1) * delta)
    choices = []
    for c in range(1, bank.n):
        cap = int(caps[c])
        vals = curves[c].response(lo[c] + np.arange(cap + 1) * delta)
        padded = np.concatenate([np.full(cap, -np.inf), best])
        cand = sliding_window_view(padded, cap + 1) + vals[::-1]  # [u, t] ~ j = cap - t
        arg = np.argmax(cand, axis=1)
        best = cand[np.arange(grid + 1), arg]
        choices.append(cap - arg)
    units = np.zeros(bank.n, dtype=int)
    u = int(np.argmax(best))
    for c in range(bank.n - 1, 0, -1):
        units[c] = choices[c - 1][u]
        u -= units[c]
    units[0] = u
    return lo + units * delta


def second_order_ok(curvature: np.ndarray) -> bool:
    r"""Whether :math:`\mathrm{diag}(R'')` is negative definite on :math:`\sum d_i = 0`.

    All curvatures negative, or exactly one non-negative :math:`c_j` with
    :math:`\sum_i 1/c_i > 0` (the one convex channel is outweighed by the others).

    Parameters
    ----------
    curvature : numpy.ndarray
        Second derivatives of the free channels' responses.

    Returns
    -------
    bool
        True for a strict local maximum on the budget plane.
    """
    c = np.asarray(curvature, dtype=float)
    if c.size <= 1 or np.all(c < 0):
        return True
    if np.sum(c >= 0) > 1:
        return False
    if np.any(c == 0):
        return True
    return bool(np.sum(1.0 / c) > 0)


def _polish(bank, s, lo, hi, total, free):
    objective = bank.response(s).sum()
    for _ in range(100):
        delta, level = newton_step(*bank.slopes(s), s, free, total)
        if not np.all(np.isfinite(delta)) or not np.isfinite(level):
            break
        t = 1.0
        while t > 1e-8:
            cand = s + t * delta
            inside = np.all(cand >= lo) and np.all(cand <= hi)
            if inside and bank.response(cand).sum() >= objective - 1e-12 * abs(objective):
                break
            t *= 0.5
        else:
            break
        s, objective = cand, bank.response(cand).sum()
        if np.max(np.abs(t * delta)) <= 1e-13 * max(total, 1.0):
            break
    return s


def _best_transfer(bank, s, i, j, width):
    """Best amount to move from channel ``j`` to ``i`` on a fine 1-D grid (log + linear)."""
    t = np.concatenate([np.geomspace(width * 1e-10, width, 300), np.linspace(0, width, 1001)])
    ci, cj = bank.curves[i], bank.curves[j]
    gain = ci.response(s[i] + t) + cj.response(np.maximum(s[j] - t, 0.0))
    k = int(np.argmax(gain))
    return float(t[k]), float(gain[k] - ci.response(s[i]) - cj.response(s[j]))


def _repair(bank, s, lo, hi, total):
    """Fix KKT violations the grid cannot see (e.g. a tiny optimal spend below one unit)."""
    tol = 1e-12 * max(total, 1.0)
    for _ in range(2 * bank.n):
        m = bank.marginal(s)
        take = np.where(s < hi - tol, m, -np.inf)
        give = np.where(s > lo + tol, m, np.inf)
        i, j = int(np.argmax(take)), int(np.argmin(give))
        if i == j or not take[i] > give[j] * (1 + 1e-9):
            break
        t, improvement = _best_transfer(bank, s, i, j, min(hi[i] - s[i], s[j] - lo[j]))
        if not improvement > 0:
            break
        s = s.copy()
        s[i], s[j] = s[i] + t, s[j] - t
        s = _polish(bank, s, lo, hi, total, (s > lo + tol) & (s < hi - tol))
    return s


def global_allocation(
    bank: CurveBank, lo: np.ndarray, hi: np.ndarray, total: float, grid: int = 1000
) -> tuple[np.ndarray, float, bool]:
    """Globally optimal allocation for arbitrary (e.g. S-shaped) increasing curves.

    Parameters
    ----------
    bank : CurveBank
        The channels' curves.
    lo, hi : numpy.ndarray
        Feasible bounds (see :func:`core.mmm.optimize.resolve_bounds`).
    total : float
        Budget.
    grid : int, default 1000
        Budget units of the dynamic programme (reduced for many channels).

    Returns
    -------
    spend : numpy.ndarray
        Allocation summing to ``total``.
    level : float
        Common marginal return of the free channels (NaN if none is free).
    second_order_ok : bool
        Result of :func:`second_order_ok` on the free channels.
    """
    units = max(50, min(int(grid), int(np.sqrt(4e7 / bank.n))))
    start = grid_allocation(bank, lo, hi, total, units)
    delta = (total - lo.sum()) / units if units else 0.0
    free = (start > lo + 0.5 * delta) & (start < hi - 0.5 * delta)
    polished = _polish(bank, start, lo, hi, total, free) if free.any() else start
    better = bank.response(polished).sum() >= bank.response(start).sum()
    spend = _repair(bank, polished if better else start, lo, hi, total)
    tol = 1e-12 * max(total, 1.0)
    free = (spend > lo + tol) & (spend < hi - tol)
    spend = spend + (total - spend.sum()) * free / max(free.sum(), 1)
    spend = np.clip(spend, lo, hi)
    m = bank.marginal(spend)
    level = float(np.median(m[free])) if free.any() else float("nan")
    return spend, level, second_order_ok(bank.curvature(spend)[free])

r"""Practical budget moves: the greedy quarterly plan and the target-efficiency budget.

The plan moves whole increments :math:`\Delta` (say $100K) one at a time, always from
the channel where removing an increment costs the fewest conversions to the channel
where adding one gains the most, while the gain exceeds the loss:

.. math:: \text{loss}_i = R_i(s_i) - R_i(s_i - \Delta), \qquad
          \text{gain}_j = R_j(s_j + \Delta) - R_j(s_j)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.mmm.bank import CurveBank
from core.mmm.optimize import resolve_bounds

__all__ = ["Move", "Plan", "TargetBudget", "reallocation_plan", "target_marginal_budget"]


@dataclass(frozen=True)
class Move:
    """One increment moved from ``source`` to ``target`` (channel indices).

    Attributes
    ----------
    source, target : int
        Channel giving and channel receiving the increment.
    amount : float
        Dollars moved.
    loss, gain : float
        Conversions lost at the source and gained at the target (exact, not linearised).
    """

    source: int
    target: int
    amount: float
    loss: float
    gain: float

    @property
    def net(self) -> float:
        """Net conversions of this move, ``gain - loss``."""
        return self.gain - self.loss


@dataclass(frozen=True)
class Plan:
    """Result of :func:`reallocation_plan`.

    Attributes
    ----------
    start : numpy.ndarray
        Spend before the plan.
    spend : numpy.ndarray
        Spend after the plan (same total).
    moves : tuple of Move
        The increments, in the order they were chosen.
    """

    start: np.ndarray
    spend: np.ndarray
    moves: tuple[Move, ...]

    @property
    def gain(self) -> float:
        """Total net conversions gained by the plan."""
        return float(sum(m.net for m in self.moves))

    @property
    def shift(self) -> np.ndarray:
        """Change of spend per channel (negative: the channel gives budget)."""
        return self.spend - self.start

    @property
    def moved(self) -> float:
        """Total dollars moved."""
        return float(sum(m.amount for m in self.moves))


def _step_tables(bank, s, step, lo, hi):
    r = bank.response(s)
    can_give = s - step >= lo - 1e-9 * step
    can_take = s + step <= hi + 1e-9 * step
    loss = np.where(can_give, r - bank.response(np.maximum(s - step, 0.0)), np.inf)
    gain = np.where(can_take, bank.response(s + step) - r, -np.inf)
    return loss, gain


def reallocation_plan(
    curves: object,
    spend: object,
    step: float = 100_000,
    max_moved: float | None = None,
    lower: object = None,
    upper: object = None,
) -> Plan:
    r"""Greedy plan: move ``step`` dollars at a time to where they earn the most.

    Each move picks the pair :math:`(i, j)`, :math:`i \ne j`, maximising
    :math:`\text{gain}_j - \text{loss}_i` and stops when no move gains more than it
    loses, or when the next move would exceed ``max_moved``. Losses and gains are exact
    differences of the response curves, so the plan's promised gain is exact too.

    Parameters
    ----------
    curves : sequence of ResponseCurve
        One response curve per channel.
    spend : array_like
        Current spend per channel.
    step : float, default 100_000
        Increment moved at a time (dollars).
    max_moved : float, optional
        Cap on the total dollars moved (default: no cap).
    lower, upper : array_like, optional
        Minimum / maximum spend per channel.

    Returns
    -------
    Plan
        New spend and the ordered list of moves.

    Raises
    ------
    ValueError
        For a non-positive step, negative spend or current spend outside the bounds.
    """
    bank = curves if isinstance(curves, CurveBank) else CurveBank(curves)
    s = np.asarray(spend, dtype=float).copy()
    if s.shape != (bank.n,) or np.any(~np.isfinite(s)) or np.any(s < 0):
        raise ValueError(f"spend needs {bank.n} finite non-negative values")
    step = float(step)
    if not np.isfinite(step) or step <= 0:
        raise ValueError("the increment must be a positive amount")
    lo, hi = resolve_bounds(bank.n, s.sum(), lower, upper)
    if np.any(s < lo - 1e-9 * step) or np.any(s > hi + 1e-9 * step):
        raise ValueError("current spend is outside the minimum / maximum spend of a channel")
    limit = np.inf if max_moved is None else float(max_moved)
    start, moves, moved = s.copy(), [], 0.0
    while moved + step <= limit * (1 + 1e-12) and len(moves) < 10_000:
        loss, gain = _step_tables(bank, s, step, lo, hi)
        net = gain[None, :] - loss[:, None]
        np.fill_diagonal(net, -np.inf)
        i, j = np.unravel_index(int(np.argmax(net)), net.shape)
        if not net[i, j] > 0:
            break
        moves.append(Move(int(i), int(j), step, float(loss[i]), float(gain[j])))
        s[i] -= step
        s[j] += step
        moved += step
    return Plan(start=start, spend=s, moves=tuple(moves))


@dataclass(frozen=True)
class TargetBudget:
    """Result of :func:`target_marginal_budget`.

    Attributes
    ----------
    total : float
        Total budget at which every channel earns the target marginal return.
    spend : numpy.ndarray
        Its split across channels.
    marginal : numpy.ndarray
        Marginal return of each channel at that spend.
    response : numpy.ndarray
        Expected conversions per channel.
    """

    total: float
    spend: np.ndarray
    marginal: np.ndarray
    response: np.ndarray


def target_marginal_budget(
    curves: object, marginal: float, lower: object = None, upper: object = None
) -> TargetBudget:
    r"""Budget and split at which each channel's marginal return equals a target.

    Each channel independently maximises conversions minus their cost at the target
    rate, :math:`\max_{l_i \le s \le u_i} R_i(s) - m^{*} s`; for a concave curve this is
    :math:`s_i = \mathrm{clip}(R_i'^{-1}(m^{*}), l_i, u_i)`. S-curves compare that point
    with the bounds (spending nothing can beat climbing the convex start).

    Parameters
    ----------
    curves : sequence of ResponseCurve
        One response curve per channel.
    marginal : float
        Target marginal return :math:`m^{*} > 0` (e.g. the break-even rate).
    lower, upper : array_like, optional
        Minimum / maximum spend per channel.

    Returns
    -------
    TargetBudget
        The flexible total and its split.

    Raises
    ------
    ValueError
        If the target is not positive, or a channel's marginal return never falls to the
        target and it has no maximum spend (its budget would be unlimited).
    """
    bank = curves if isinstance(curves, CurveBank) else CurveBank(curves)
    target = float(marginal)
    if not np.isfinite(target) or target <= 0:
        raise ValueError("the target marginal return must be a positive number")
    lo = np.zeros(bank.n) if lower is None else np.asarray(lower, dtype=float)
    hi = np.full(bank.n, np.inf) if upper is None else np.asarray(upper, dtype=float)
    if lo.shape != (bank.n,) or hi.shape != (bank.n,) or np.any(lo < 0) or np.any(lo > hi):
        raise ValueError("minimum and maximum spend must satisfy 0 <= minimum <= maximum")
    inverse = bank.inverse_marginal(target)
    branch = np.clip(np.where(np.isnan(inverse), 0.0, inverse), lo, hi)
    unlimited = np.flatnonzero(~np.isfinite(branch))
    if unlimited.size:
        raise ValueError(
            f"channel {unlimited[0] + 1}: its marginal return never falls to {target:g}; "
            "give it a maximum spend"
        )
    candidates = [branch, lo, np.where(np.isfinite(hi), hi, branch)]
    profit = np.array([bank.response(c) - target * c for c in candidates])
    pick = np.argmax(profit, axis=0)
    spend = np.choose(pick, candidates)
    return TargetBudget(
        total=float(spend.sum()),
        spend=spend,
        marginal=bank.marginal(spend),
        response=bank.response(spend),
    )

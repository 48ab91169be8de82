r"""Budget allocation across media channels.

Maximise total response :math:`\sum_i R_i(s_i)` subject to :math:`\sum_i s_i = T` and
:math:`l_i \le s_i \le u_i`. For concave curves the Karush-Kuhn-Tucker conditions say
that every channel not held at a bound has the same marginal return :math:`\lambda`:

.. math:: R_i'(s_i) = \lambda \quad (l_i < s_i < u_i), \qquad
          R_i'(l_i) \le \lambda, \qquad R_i'(u_i) \ge \lambda

so the optimum is the level :math:`\lambda` at which the channels' spends add up to the
budget (:mod:`core.mmm.kkt`). S-shaped curves break concavity; there a dynamic programme
over a fine grid finds the global basin, the same Newton step on the KKT system polishes
it, and the second-order condition on the budget plane is checked
(:mod:`core.mmm.global_search`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.mmm.bank import CurveBank
from core.mmm.global_search import global_allocation
from core.mmm.kkt import concave_allocation

__all__ = ["Allocation", "optimize_budget", "resolve_bounds"]


@dataclass(frozen=True)
class Allocation:
    r"""Result of :func:`optimize_budget`.

    Attributes
    ----------
    spend : numpy.ndarray
        Optimal spend per channel (sums to the budget).
    marginal : numpy.ndarray
        Marginal return of each channel at the optimum.
    level : float
        The common marginal return :math:`\lambda` of the channels not held at a bound
        (NaN when every channel sits at a bound).
    response : numpy.ndarray
        Expected conversions per channel at the optimum.
    at_lower, at_upper : numpy.ndarray
        Boolean masks of the channels held at their minimum / maximum spend.
    method : str
        ``"kkt"`` (concave curves, exact) or ``"global"`` (grid + Newton polish).
    second_order_ok : bool
        Whether the Hessian of the Lagrangian is negative definite on the budget plane.
    """

    spend: np.ndarray
    marginal: np.ndarray
    level: float
    response: np.ndarray
    at_lower: np.ndarray
    at_upper: np.ndarray
    method: str
    second_order_ok: bool

    @property
    def total_response(self) -> float:
        """Total expected conversions."""
        return float(self.response.sum())

    @property
    def binding(self) -> tuple[str, ...]:
        """Per channel ``"lower"``, ``"upper"`` or ``""``: which bound binds."""
        return tuple(
            "lower" if lo else "upper" if hi else ""
            for lo, hi in zip(self.at_lower, self.at_upper, strict=True)
        )


def _money(x: float) -> str:
    return f"${x:,.0f}"


def resolve_bounds(
    n: int, total: float, lower: object = None, upper: object = None
) -> tuple[np.ndarray, np.ndarray]:
    r"""Validate bounds and tighten each upper bound to what the budget allows.

    Parameters
    ----------
    n : int
        Number of channels.
    total : float
        Total budget :math:`T \ge 0`.
    lower : array_like, optional
        Minimum spend per channel (default 0).
    upper : array_like, optional
        Maximum spend per channel (default unlimited).

    Returns
    -------
    lower, upper : numpy.ndarray
        The bounds, with :math:`u_i \le T - \sum_{j \ne i} l_j`.

    Raises
    ------
    ValueError
        For a negative or non-finite budget, malformed bounds, or infeasible bounds.
    """
    total = float(total)
    if not np.isfinite(total) or total < 0:
        raise ValueError(f"the budget must be a finite non-negative number, got {total!r}")
    if lower is None and upper is None:  # the common case: only the budget binds
        return np.zeros(n), np.full(n, total)
    lo = np.zeros(n) if lower is None else np.asarray(lower, dtype=float).copy()
    hi = np.full(n, np.inf) if upper is None else np.asarray(upper, dtype=float).copy()
    if lo.shape != (n,) or hi.shape != (n,):
        raise ValueError(f"lower and upper need one value per channel ({n})")
    if np.any(~np.isfinite(lo)) or np.any(lo < 0) or np.any(np.isnan(hi)):
        raise ValueError("minimum spends must be finite and non-negative; maximums not NaN")
    bad = np.flatnonzero(lo > hi)
    if bad.size:
        raise ValueError(f"channel {bad[0] + 1}: minimum spend is above its maximum spend")
    if lo.sum() > total * (1 + 1e-12):
        raise ValueError(
            f"infeasible bounds: the minimum spends add up to {_money(lo.sum())}, "
            f"more than the budget {_money(total)}"
        )
    if hi.sum() < total * (1 - 1e-12):
        raise ValueError(
            f"infeasible bounds: the maximum spends add up to {_money(hi.sum())}, "
            f"less than the budget {_money(total)}"
        )
    hi = np.minimum(hi, total - (lo.sum() - lo))
    return lo, np.maximum(hi, lo)


def _level_and_masks(marginal, spend, lo, hi):
    """Which channels sit at a bound, and the mean marginal return of the others."""
    tol = 1e-9 * np.maximum(hi - lo, 1.0)
    at_lo = spend <= lo + tol
    at_hi = (spend >= hi - tol) & ~at_lo
    free = ~(at_lo | at_hi)
    count = np.count_nonzero(free)
    level = float(marginal.sum(where=free)) / count if count else float("nan")
    return at_lo, at_hi, level


def optimize_budget(
    curves: object,
    total: float,
    lower: object = None,
    upper: object = None,
    *,
    grid: int = 1000,
) -> Allocation:
    r"""Split a budget across channels to maximise total expected conversions.

    .. math:: \max_s \sum_i R_i(s_i) \quad\text{s.t.}\quad \sum_i s_i = T,\;
              l_i \le s_i \le u_i

    Concave curves (power, exponential, Hill with slope at most 1) are solved exactly
    (:func:`core.mmm.kkt.concave_allocation`): one vectorised evaluation of the spends
    :math:`s_i(\lambda) = \mathrm{clip}(R_i'^{-1}(\lambda), l_i, u_i)` on a grid of levels
    brackets the level at which they add up to :math:`T`, and Newton steps on the KKT
    system finish it to rounding. With any S-shaped curve a dynamic programme over
    ``grid`` budget units finds the global basin, then the same Newton steps refine it.

    Parameters
    ----------
    curves : sequence of ResponseCurve
        One response curve per channel.
    total : float
        Total budget :math:`T`.
    lower : array_like, optional
        Minimum spend per channel (default 0).
    upper : array_like, optional
        Maximum spend per channel (default unlimited).
    grid : int, default 1000
        Number of budget units of the dynamic programme (S-curves only).

    Returns
    -------
    Allocation
        Spend, marginal returns, common level, responses and binding bounds.

    Raises
    ------
    ValueError
        If the bounds are infeasible (says whether the minimums or maximums are at fault)
        or an input is malformed.
    """
    bank = curves if isinstance(curves, CurveBank) else CurveBank(curves)
    lo, hi = resolve_bounds(bank.n, total, lower, upper)
    total = float(total)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if bank.concave:
            spend, marginal = concave_allocation(bank, lo, hi, total)
            method, second_ok = "kkt", True
        else:
            spend, _, second_ok = global_allocation(bank, lo, hi, total, grid)
            marginal, method = bank.marginal(spend, quiet=False), "global"
        response = bank.response(spend, quiet=False)
    at_lo, at_hi, level = _level_and_masks(marginal, spend, lo, hi)
    return Allocation(
        spend=spend,
        marginal=marginal,
        level=level,
        response=response,
        at_lower=at_lo,
        at_upper=at_hi,
        method=method,
        second_order_ok=bool(second_ok),
    )

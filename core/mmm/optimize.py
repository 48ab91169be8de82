r"""Budget allocation across media channels.

Maximise total response :math:`\sum_i R_i(s_i)` subject to :math:`\sum_i s_i = T` and
:math:`l_i \le s_i \le u_i`. For concave curves the Karush-Kuhn-Tucker conditions say
that every channel not held at a bound has the same marginal return :math:`\lambda`:

.. math:: R_i'(s_i) = \lambda \quad (l_i < s_i < u_i), \qquad
          R_i'(l_i) \le \lambda, \qquad R_i'(u_i) \ge \lambda

so the optimum is found exactly by a one-dimensional root search on :math:`\lambda`.
S-shaped curves break concavity; there a dynamic programme over a fine grid finds the
global basin, a Newton step on the KKT system polishes it, and the second-order
condition on the budget plane is checked.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.mmm.bank import CurveBank
from core.mmm.fast import SMALL, kkt_small
from core.mmm.global_search import global_allocation

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


def _spend_at(bank: CurveBank, level: float, lo: np.ndarray, hi: np.ndarray, guess=None):
    levels = np.full(bank.n, level)
    raw = bank.raw("_inv", levels) if guess is None else bank.inverse_from(levels, guess)
    return np.clip(raw, lo, hi)


def _initial_bracket(bank, lo, hi, total):
    top = bank.marginal(np.minimum(lo + (total - lo.sum()) * 1e-12 / bank.n, hi))
    lam_lo = max(float(np.min(bank.marginal(hi))), 1e-300) * 0.5
    finite_top = top[np.isfinite(top)]
    lam_hi = (float(finite_top.max()) if finite_top.size else 1e300) * 2.0
    return np.log(min(lam_lo, lam_hi / 4)), np.log(lam_hi)


def _root_level(bank, lo, hi, total):
    """Safeguarded Newton on ``v = log(level)``: sum of spends minus budget is monotone."""
    v_lo, v_hi = _initial_bracket(bank, lo, hi, total)  # f(v_lo) >= 0 >= f(v_hi)
    guess = np.log(np.median(bank.raw("_m", np.clip(np.full(bank.n, total / bank.n), lo, hi))))
    v = guess if v_lo < guess < v_hi else 0.5 * (v_lo + v_hi)
    s = None
    for _ in range(200):
        lam = np.exp(v)
        s = _spend_at(bank, lam, lo, hi, s)
        f = s.sum() - total
        if f > 0:
            v_lo = v
        else:
            v_hi = v
        if abs(f) <= 1e-13 * max(total, 1.0) or v_hi - v_lo < 1e-13:
            break
        interior = (s > lo) & (s < hi)
        slope = float(np.sum(lam / bank.raw("_c", s)[interior]))
        step = f / slope if slope < 0 and np.isfinite(slope) else np.nan
        v_new = v - step
        v = v_new if v_lo < v_new < v_hi else 0.5 * (v_lo + v_hi)
    return v, v_lo, v_hi, s


def _tight_bracket(bank, lo, hi, total, v, v_lo, v_hi, guess):
    width = 1e-12
    for _ in range(30):
        a, b = max(v - width, v_lo), min(v + width, v_hi)
        s_a = _spend_at(bank, np.exp(a), lo, hi, guess)
        s_b = _spend_at(bank, np.exp(b), lo, hi, guess)
        if s_a.sum() >= total >= s_b.sum():
            return s_a, s_b
        width *= 4.0
    return _spend_at(bank, np.exp(v_lo), lo, hi), _spend_at(bank, np.exp(v_hi), lo, hi)


def _kkt_allocation(bank: CurveBank, lo, hi, total) -> tuple[np.ndarray, float]:
    if lo.sum() >= total * (1 - 1e-15):
        return lo.copy(), float("nan")
    if hi.sum() <= total * (1 + 1e-15):
        return hi.copy(), float("nan")
    v, v_lo, v_hi, guess = _root_level(bank, lo, hi, total)
    s_a, s_b = _tight_bracket(bank, lo, hi, total, v, v_lo, v_hi, guess)
    gap = s_a.sum() - s_b.sum()
    theta = 0.0 if gap <= 0 else (total - s_b.sum()) / gap
    spend = np.clip(s_b + theta * (s_a - s_b), lo, hi)
    return _fix_sum(spend, lo, hi, total), float(np.exp(v))


def _fix_sum(spend: np.ndarray, lo: np.ndarray, hi: np.ndarray, total: float) -> np.ndarray:
    """Put the rounding residual on the channel with the most room."""
    residual = total - spend.sum()
    room = (hi - spend) if residual > 0 else (spend - lo)
    i = int(np.argmax(room))
    spend = spend.copy()
    spend[i] = np.clip(spend[i] + residual, lo[i], hi[i])
    return spend


def _level_and_masks(bank, spend, lo, hi, level):
    scale = np.maximum(np.abs(hi - lo), 1.0)
    at_lo = spend - lo <= 1e-9 * scale
    at_hi = (hi - spend <= 1e-9 * scale) & ~at_lo
    marginal = bank.marginal(spend)
    interior = ~(at_lo | at_hi)
    if interior.any() and not np.isfinite(level):
        level = float(np.median(marginal[interior]))
    return marginal, at_lo, at_hi, level


def _small_allocation(curves, total, lower, upper) -> Allocation | None:
    """The pure-Python path of :mod:`core.mmm.fast` for a few concave channels."""
    lo, hi = resolve_bounds(len(curves), total, lower, upper)
    total = float(total)
    lo_l, hi_l = lo.tolist(), hi.tolist()
    if not sum(lo_l) < total < sum(hi_l):
        return None
    try:
        result = kkt_small(curves, lo_l, hi_l, total)
    except (OverflowError, ZeroDivisionError, ValueError):  # extreme inputs: NumPy path
        return None
    if result is None:
        return None
    spend, level, marginal, response = result
    tol = [1e-9 * max(abs(b - a), 1.0) for a, b in zip(lo_l, hi_l, strict=True)]
    at_lo = [x - a <= t for x, a, t in zip(spend, lo_l, tol, strict=True)]
    at_hi = [b - x <= t and not d for x, b, t, d in zip(spend, hi_l, tol, at_lo, strict=True)]
    return Allocation(
        np.array(spend),
        np.array(marginal),
        float(level),
        np.array(response),
        np.array(at_lo),
        np.array(at_hi),
        "kkt",
        True,
    )


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

    Concave curves (power, exponential, Hill with slope at most 1) are solved exactly:
    a safeguarded Newton / bisection search on :math:`\log\lambda` finds the level at
    which the spends :math:`s_i(\lambda) = \mathrm{clip}(R_i'^{-1}(\lambda), l_i, u_i)` add
    up to :math:`T`. With any S-shaped curve a dynamic programme over ``grid`` budget
    units finds the global basin, then Newton iterations on the KKT system refine it.

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
    listed = curves.curves if isinstance(curves, CurveBank) else tuple(curves)
    if 0 < len(listed) <= SMALL and all(getattr(c, "concave", False) for c in listed):
        fast = _small_allocation(listed, total, lower, upper)
        if fast is not None:
            return fast
    bank = curves if isinstance(curves, CurveBank) else CurveBank(listed)
    lo, hi = resolve_bounds(bank.n, total, lower, upper)
    total = float(total)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if bank.concave:
            spend, level = _kkt_allocation(bank, lo, hi, total)
            method, second_ok = "kkt", True
        else:
            spend, level, second_ok = global_allocation(bank, lo, hi, total, grid)
            method = "global"
    marginal, at_lo, at_hi, level = _level_and_masks(bank, spend, lo, hi, level)
    return Allocation(
        spend=spend,
        marginal=marginal,
        level=level,
        response=bank.response(spend),
        at_lower=at_lo,
        at_upper=at_hi,
        method=method,
        second_order_ok=bool(second_ok),
    )

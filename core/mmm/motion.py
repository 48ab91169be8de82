r"""The states of the media-mix lesson's motions, computed once per scenario.

The browser plays them as Plotly frames (see :mod:`figures.motion`): spend sliding along
every response curve as the plan's moves are made, with each curve's tangent, whose slope is
the marginal return :math:`R_i'(s_i)` at that spend.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.calculus import tangent_segments
from core.mmm.plan import Plan

__all__ = ["CurveMotion", "curve_motion", "curve_states", "plan_path"]


def plan_path(plan: Plan, max_frames: int = 61) -> tuple[np.ndarray, np.ndarray]:
    """Spend per channel as the plan's money is moved, move after move.

    Within a move the money goes across in equal parts, so spend is piecewise linear in the
    dollars moved, and the path passes through the spend after every whole move.

    Parameters
    ----------
    plan : Plan
        A plan from :func:`core.mmm.reallocation_plan`.
    max_frames : int, default 61
        Most states returned (at least 2).

    Returns
    -------
    moved : numpy.ndarray
        Dollars moved so far, shape ``(f,)``, from 0 to ``plan.moved``.
    spend : numpy.ndarray
        Spend per channel at each state, shape ``(f, n)``; the first row is ``plan.start``
        and the last is ``plan.spend``.
    """
    if max_frames < 2:
        raise ValueError("a path needs at least two frames")
    start = np.asarray(plan.start, dtype=float)
    after = [start]
    for move in plan.moves:
        nxt = after[-1].copy()
        nxt[move.source] -= move.amount
        nxt[move.target] += move.amount
        after.append(nxt)
    edges = np.concatenate([[0.0], np.cumsum([m.amount for m in plan.moves])])
    corners = np.array(after)
    count = len(plan.moves)
    if count == 0:
        return np.zeros(1), start[None, :].copy()
    if count + 1 <= max_frames:
        parts = max(1, (max_frames - 1) // count)  # equal parts of each move
        moved = np.concatenate([
            np.linspace(edges[k], edges[k + 1], parts + 1)[:-1] for k in range(count)
        ] + [edges[-1:]])
    else:
        moved = edges[np.unique(np.linspace(0, count, max_frames).round().astype(int))]
    spend = np.column_stack([np.interp(moved, edges, corners[:, j]) for j in range(len(start))])
    return moved, spend


def curve_states(curves: Sequence, spend: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Conversions and marginal return of every channel at every state of a path.

    Parameters
    ----------
    curves : sequence of ResponseCurve
        One curve per channel.
    spend : numpy.ndarray
        Spend per state and channel, shape ``(f, n)``.

    Returns
    -------
    response, marginal : numpy.ndarray
        Shape ``(f, n)`` each: :math:`R_i(s)` and :math:`R_i'(s)`.
    """
    spend = np.asarray(spend, dtype=float)
    response = np.column_stack([c.response(spend[:, j]) for j, c in enumerate(curves)])
    marginal = np.column_stack([c.marginal(spend[:, j]) for j, c in enumerate(curves)])
    return response, marginal


@dataclass(frozen=True)
class CurveMotion:
    """Every channel's point and tangent at every state of the plan's path.

    Attributes
    ----------
    moved : numpy.ndarray
        Dollars moved so far per state, shape ``(f,)``.
    spend, response, marginal : numpy.ndarray
        Spend, conversions and marginal return per state and channel, shape ``(f, n)``.
    tangent_x, tangent_y : numpy.ndarray
        End points of each channel's tangent segment per state, shape ``(f, n, 2)``; the
        slope of each segment is ``marginal``.
    grid, grid_response : numpy.ndarray
        Each channel's curve on its own spend grid, shape ``(n, m)``.
    """

    moved: np.ndarray
    spend: np.ndarray
    response: np.ndarray
    marginal: np.ndarray
    tangent_x: np.ndarray
    tangent_y: np.ndarray
    grid: np.ndarray
    grid_response: np.ndarray


def curve_motion(
    curves: Sequence, plan: Plan, max_frames: int = 31, points: int = 80
) -> CurveMotion:
    """The states of "spend slides along each curve as the plan moves the money".

    Each channel's spend window runs from 0 to 1.6 times the most it spends on the path,
    and its tangent spans a quarter of that window on either side of the point.

    Parameters
    ----------
    curves : sequence of ResponseCurve
        One curve per channel.
    plan : Plan
        The plan whose moves are replayed.
    max_frames : int, default 31
        Most states (see :func:`plan_path`).
    points : int, default 80
        Points per channel's curve.

    Returns
    -------
    CurveMotion
        The path, the curves and the tangents.
    """
    moved, spend = plan_path(plan, max_frames)
    response, marginal = curve_states(curves, spend)
    top = 1.6 * spend.max(axis=0)
    grid = np.linspace(0.0, 1.0, points)[None, :] * top[:, None]
    grid_response = np.vstack([c.response(g) for c, g in zip(curves, grid, strict=True)])
    tx = np.empty((*spend.shape, 2))
    ty = np.empty((*spend.shape, 2))
    for j, width in enumerate(top):
        tx[:, j], ty[:, j] = tangent_segments(
            spend[:, j], response[:, j], marginal[:, j], 0.25 * width, (0.0, width)
        )
    return CurveMotion(moved, spend, response, marginal, tx, ty, grid, grid_response)

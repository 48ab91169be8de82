"""The media-mix lesson's motions, played by Plotly in the browser (see :mod:`figures.motion`).

- :func:`response_motion`: every channel's response curve in its own panel; as the scrubber
  replays the plan's moves, each channel's spend slides along its curve with its tangent
  (slope = what the next dollar brings) and a money label.
- :func:`move_motion`: one budget move growing from nothing to the whole source budget; the
  estimate from today's marginal returns against the exact change, and the gap between them.

The states come from :mod:`core.mmm.motion` and :func:`core.mmm.report.linear_vs_exact`; this
module only assembles them into traces and frames.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from core.mmm.motion import CurveMotion
from core.mmm.report import count, money
from figures.media_mix import channel_color, money_axis, names_html
from figures.motion import animated, frame
from figures.theme import COLORS, MONEY_FORMAT, TEMPLATE, compact

PANEL_HEIGHT = 300


def _grid_shape(n: int) -> tuple[int, int]:
    cols = {1: 1, 2: 2, 4: 2}.get(n, 3)
    return math.ceil(n / cols), cols


def _panel_axes(n: int, motion: CurveMotion) -> dict:
    rows, cols = _grid_shape(n)
    gap_x, gap_y = 0.07, 90 / (PANEL_HEIGHT * rows - 30)  # room for ticks and the next title
    width, height = (1 - gap_x * (cols - 1)) / cols, (1 - gap_y * (rows - 1)) / rows
    layout = {}
    for j in range(n):
        r, c = divmod(j, cols)
        k = "" if j == 0 else str(j + 1)
        x0, y1 = c * (width + gap_x), 1 - r * (height + gap_y)
        top = float(motion.grid[j, -1])
        x0, y1 = round(x0, 6), round(y1, 6)
        layout[f"xaxis{k}"] = {"domain": [x0, min(1.0, round(x0 + width, 6))], "anchor": f"y{k}",
                               **money_axis(0.0, top, ticks=3)}
        layout[f"yaxis{k}"] = {"domain": [max(0.0, round(y1 - height, 6)), y1], "anchor": f"x{k}",
                               "range": [0, 1.1 * float(motion.grid_response[j].max())],
                               "tickformat": "~s", "nticks": 4}
    return layout


def _titles(labels: Sequence[str], layout: dict) -> list[dict]:
    notes = []
    for j, label in enumerate(labels):
        k = "" if j == 0 else str(j + 1)
        x0, x1 = layout[f"xaxis{k}"]["domain"]
        notes.append({"text": f"<b>{label}</b>", "x": x0, "xanchor": "left", "xref": "paper",
                      "y": layout[f"yaxis{k}"]["domain"][1], "yanchor": "bottom",
                      "yref": "paper", "showarrow": False,
                      "font": {"size": 17, "color": channel_color(j)}})
    return notes


def _label(spend: float, marginal: float) -> str:
    return f"{money(spend)}: next $1K ≈ {count(1000 * marginal)}"


def _moving(motion: CurveMotion, i: int, j: int) -> dict:
    """Tangent, point and label of channel ``j`` in state ``i``: three points, short lists."""
    x = [motion.tangent_x[i, j, 0], motion.spend[i, j], motion.tangent_x[i, j, 1]]
    y = [motion.tangent_y[i, j, 0], motion.response[i, j], motion.tangent_y[i, j, 1]]
    return {"x": [round(float(v)) for v in x], "y": [round(float(v), 1) for v in y],
            "text": ["", _label(motion.spend[i, j], motion.marginal[i, j]), ""]}


def response_motion(
    names: Sequence[str], motion: CurveMotion, active: int | None = None
) -> go.Figure:
    """Each channel's curve in its own panel, spend sliding along it as the plan is replayed.

    Parameters
    ----------
    names : sequence of str
        Channel names.
    motion : CurveMotion
        The states, from :func:`core.mmm.motion.curve_motion`.
    active : int, optional
        The state shown first (default: the last, the plan itself).

    Returns
    -------
    plotly.graph_objects.Figure
        Curves, today's spend (hollow), the moving point with its tangent and label, and a
        scrubber with Play / Pause over the dollars moved.
    """
    labels, n = names_html(names), len(names)
    states = len(motion.moved)
    active = states - 1 if active is None else active
    layout = _panel_axes(n, motion)
    traces = []
    for j, label in enumerate(labels):
        k = "" if j == 0 else str(j + 1)
        axes = {"xaxis": f"x{k}", "yaxis": f"y{k}", "showlegend": False}
        traces.append({"type": "scatter", "x": compact(motion.grid[j]),
                       "y": compact(motion.grid_response[j]), "mode": "lines",
                       "line": {"color": channel_color(j)}, **axes,
                       "hovertemplate": f"{label}: %{{x:{MONEY_FORMAT}}} brings "
                                        "%{y:,.0f}<extra></extra>"})
        traces.append({"type": "scatter", "x": [motion.spend[0, j]], "y": [motion.response[0, j]],
                       "mode": "markers", **axes, "hoverinfo": "skip",
                       "marker": {"size": 13, "color": "white",
                                  "line": {"color": COLORS["grey"], "width": 2}}})
    moving = list(range(len(traces), len(traces) + n))
    for j in range(n):
        k = "" if j == 0 else str(j + 1)
        traces.append({"type": "scatter", "mode": "lines+markers+text", "xaxis": f"x{k}",
                       "yaxis": f"y{k}", "showlegend": False, "hoverinfo": "skip",
                       "textposition": "top left", "cliponaxis": False,
                       "textfont": {"size": 15, "color": "#1A1A1A"},
                       "line": {"color": COLORS["black"], "dash": "dash", "width": 2},
                       "marker": {"size": [0, 15, 0], "color": channel_color(j),
                                  "line": {"color": "white", "width": 2}},
                       **_moving(motion, active, j)})
    rows, _ = _grid_shape(n)
    spec = {"data": traces, "layout": {
        "template": TEMPLATE, "height": 120 + PANEL_HEIGHT * rows, **layout,
        "title": "Conversions against spend, channel by channel",
        "annotations": _titles(labels, layout), "margin": {"t": 90},
    }}
    frames = [frame(f"m{i}", [_moving(motion, i, j) for j in range(n)], moving)
              for i in range(states)]
    total = money(motion.moved[-1])
    steps = [f"{money(m)} of {total} moved" for m in motion.moved]
    return animated(spec, frames, steps, active=active, prefix="Plan: ", play=True)


def move_motion(
    amounts: np.ndarray,
    linear: np.ndarray,
    exact: np.ndarray,
    source: str,
    dest: str,
    active: int = 0,
) -> go.Figure:
    """One move growing along the scrubber: today's-returns estimate against the exact change.

    Parameters
    ----------
    amounts : numpy.ndarray
        Dollars moved per state, shape ``(f,)``.
    linear, exact : numpy.ndarray
        Estimate from today's marginal returns and exact change per state, shape ``(f,)``.
    source, dest : str
        The channel giving and the channel receiving.
    active : int, default 0
        The state shown first (the page's URL-bound amount).
    """
    hover = "Moved %{x:$,.0f}: %{y:+,.0f}<extra>%{fullData.name}</extra>"
    low = float(min(linear.min(), exact.min(), 0.0))
    high = float(max(linear.max(), exact.max(), 0.0))
    pad = 0.06 * (high - low or 1.0)
    traces = [
        {"type": "scatter", "x": compact(amounts), "y": compact(linear), "mode": "lines", "hovertemplate": hover,
         "name": "Estimate from today's returns", "line": {"color": COLORS["orange"], "dash": "dash"}},
        {"type": "scatter", "x": compact(amounts), "y": compact(exact), "mode": "lines", "hovertemplate": hover,
         "name": "Exact, from the curves", "line": {"color": COLORS["blue"]}},
        {"type": "scatter", "mode": "lines+markers", "name": "The gap", "hoverinfo": "skip",
         "line": {"color": COLORS["grey"], "width": 4},
         "marker": {"size": 15, "color": [COLORS["orange"], COLORS["blue"]]},
         **_gap(amounts, linear, exact, active)},
    ]
    spec = {"data": traces, "layout": {
        "template": TEMPLATE, "height": 460, "legend": {"orientation": "h", "y": 1.12, "x": 0},
        "title": {"text": f"Moving budget from {names_html([source])[0]} to "
                          f"{names_html([dest])[0]}", "y": 0.97},
        "xaxis": money_axis(0.0, float(amounts[-1])),  # the scrubber says "Moved ..."
        "yaxis": {"title": {"text": "Change in conversions"}, "range": [low - pad, high + pad],
                  "tickformat": "~s"},
        "margin": {"t": 110},
    }}
    frames = [frame(f"a{i}", [_gap(amounts, linear, exact, i)], [2]) for i in range(len(amounts))]
    steps = [f"{money(a)}: estimate {count(lin, True)}, exact {count(ex, True)} conversions"
             for a, lin, ex in zip(amounts, linear, exact, strict=True)]
    return animated(spec, frames, steps, active=active, prefix="Moved ")


def _gap(amounts, linear, exact, i: int) -> dict:
    return {"x": [float(amounts[i])] * 2, "y": [round(float(linear[i]), 1), round(float(exact[i]), 1)]}

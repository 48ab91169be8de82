"""Figures of the media-mix lesson: marginal returns, before/after allocation, the moves.

Every amount on a chart (axis ticks, data labels, hover) is written by the app's one money
formatter, :func:`core.mmm.report.money`, so an axis reads "-$500K" like the labels and the
tables. Channel names are user text: they are HTML-escaped before they reach Plotly, which
would otherwise interpret tags such as ``<a href>`` in labels.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from core.mmm import CurveBank, optimize_budget
from core.mmm.report import count, money
from figures.theme import COLORS, MONEY_FORMAT, SEQUENCE, TEMPLATE, compact, new_figure

#: What the balanced level is called on a client's chart (the learner's view adds λ).
BALANCED = "Balanced return"


def names_html(names: Sequence[str]) -> list[str]:
    """Channel names escaped for Plotly's HTML-like labels."""
    return [html.escape(str(n)) for n in names]


def channel_color(i: int) -> str:
    """The colour of channel ``i`` on every chart."""
    return SEQUENCE[i % len(SEQUENCE)]


def money_axis(low: float, high: float, ticks: int = 5, signed: bool = False) -> dict:
    """An axis from ``low`` to ``high`` whose tick labels are written by :func:`money`.

    Ticks fall on round amounts (1, 2, 2.5 or 5 times a power of ten).
    """
    low, high = float(low), float(high)
    if not high > low:
        high = low + 1.0
    raw = (high - low) / ticks
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    values = np.arange(math.ceil(low / step) * step, high + 1e-9 * step, step)
    return {"tickmode": "array", "tickvals": values.tolist(),
            "ticktext": [money(v, signed=signed and v != 0) for v in values],
            "range": [low, high]}


def _figure(traces: list[dict], layout: dict) -> go.Figure:
    """A figure from plain dictionaries, without Plotly's per-property validation.

    Validation is slow on every rerun that builds a figure; the figures' tests validate each
    one instead.
    """
    return go.Figure({"data": traces, "layout": layout}, _validate=False)


def _points(x, y, colors, text, symbol, name, hover) -> dict:
    return {
        "type": "scatter", "x": np.asarray(x, dtype=float), "y": np.asarray(y, dtype=float),
        "mode": "markers", "name": name, "showlegend": bool(name), "text": text,
        "hovertemplate": hover,
        "marker": {"color": colors, "size": 15, "symbol": symbol,
                   "line": {"color": "white" if symbol == "circle" else colors, "width": 2}},
    }


def _curve_traces(labels, x, ys, colors) -> list[dict]:
    return [
        {"type": "scatter", "x": x, "y": y, "name": label, "mode": "lines",
         "line": {"color": color},
         "hovertemplate": f"{label}<br>Spend %{{x:{MONEY_FORMAT}}}: the next $1K brings "
                          "%{y:,.0f}<extra></extra>"}
        for label, y, color in zip(labels, ys, colors, strict=True)
    ]


def marginal_figure(
    names: Sequence[str],
    spend: np.ndarray,
    curves: Sequence,
    level: float | None = None,
    optimum: np.ndarray | None = None,
    level_name: str = BALANCED,
) -> go.Figure:
    """Conversions per extra $1,000 along each curve, today, and at the balanced budget.

    Parameters
    ----------
    names, spend, curves
        The channels.
    level : float, optional
        The balanced marginal return (conversions per dollar), drawn as a dotted line.
    optimum : numpy.ndarray, optional
        The balanced budget's spend per channel (diamonds).
    level_name : str, default BALANCED
        What the balanced level is called (the learner's view adds "λ").
    """
    labels, bank = names_html(names), CurveBank(curves)
    spend = np.asarray(spend, dtype=float)
    colors = [channel_color(i) for i in range(len(labels))]
    top = 1.6 * float(np.max(spend if optimum is None else np.maximum(spend, optimum)))
    x = np.linspace(0.0, top, 81)[1:]
    now = 1000 * bank.marginal(spend)
    cap = 2.2 * float(np.max(now))
    ys = [compact(np.minimum(1000 * c.marginal(x), cap * 1.5)) for c in curves]
    traces = _curve_traces(labels, compact(x), ys, colors)  # 4-byte floats: half
    traces.append(_points(spend, now, colors, [f"{lb} today: {money(s)}" for lb, s in
                                                zip(labels, spend, strict=True)],
                          "circle", "", "%{text}, next $1K brings %{y:,.0f}<extra></extra>"))
    notes = []
    if optimum is not None:
        best = 1000 * bank.marginal(np.asarray(optimum, dtype=float))
        traces.append(_points(optimum, best, colors,
                              [f"{lb} balanced: {money(s)}" for lb, s in
                               zip(labels, optimum, strict=True)],
                              "diamond-open", "Balanced budget", "%{text}<extra></extra>"))
    if level is not None and np.isfinite(level):
        traces.append({"type": "scatter", "x": [x[0], x[-1]], "y": [1000 * level] * 2,
                       "mode": "lines", "name": html.escape(level_name), "hoverinfo": "skip",
                       "line": {"color": COLORS["black"], "dash": "dot", "width": 3}})
        notes.append({"x": 1, "xref": "paper", "xanchor": "right", "y": 1000 * level,
                      "yanchor": "bottom", "showarrow": False, "font": {"size": 16},
                      "text": f"{html.escape(level_name)}: {count(1000 * level)} per extra $1K"})
    return _figure(traces, {
        "template": TEMPLATE, "annotations": notes, "height": 500,
        "title": "What the next $1,000 brings on each channel",
        "xaxis": {"title": {"text": "Spend on the channel"}, **money_axis(0.0, top)},
        "yaxis": {"title": {"text": "Conversions per extra $1K"}, "range": [0, cap]},
        "legend": {"orientation": "h", "y": -0.2},
    })


def allocation_figure(names: Sequence[str], series: Mapping[str, np.ndarray]) -> go.Figure:
    """Grouped bars: spend per channel in each scenario (today, plan, balanced, target).

    Every bar carries its amount, upright above the bar, so that labels never collide or
    shrink however many scenarios stand side by side.
    """
    labels = names_html(names)
    shades = (COLORS["grey"], COLORS["blue"], COLORS["green"], COLORS["orange"])
    top = max(float(np.max(v)) for v in series.values()) * 1.3
    bars = [
        {"type": "bar", "x": labels, "y": np.asarray(values, dtype=float),
         "name": html.escape(what), "marker": {"color": shades[k % len(shades)]},
         "text": [money(v) for v in values], "customdata": [money(v) for v in values],
         "textposition": "outside", "textangle": -90, "constraintext": "none",
         "textfont": {"size": 15, "color": "#1A1A1A"},
         "cliponaxis": False,
         "hovertemplate": f"%{{x}}: %{{customdata}}<extra>{html.escape(what)}</extra>"}
        for k, (what, values) in enumerate(series.items())
    ]
    return _figure(bars, {
        "template": TEMPLATE, "title": "Budget per channel: today and after", "height": 460,
        "barmode": "group", "bargroupgap": 0.05,
        "yaxis": {"title": {"text": "Spend"}, **money_axis(0.0, top)},
        "legend": {"orientation": "h", "y": -0.15, "x": 0},
    })


def shift_figure(
    names: Sequence[str], shift: np.ndarray, title: str = "Who gives, who receives"
) -> go.Figure:
    """Horizontal bars of the change of spend: cuts in vermillion, increases in blue."""
    labels, shift = names_html(names), np.asarray(shift, dtype=float)
    colors = [COLORS["vermillion"] if v < 0 else COLORS["blue"] for v in shift]
    text = [money(v, signed=True) if v else "unchanged" for v in shift]
    limit = max(float(np.max(np.abs(shift))), 1.0) * 1.7
    bar = {"type": "bar", "y": labels, "x": shift, "orientation": "h",
           "marker": {"color": colors}, "text": text, "customdata": text,
           "textposition": "outside", "textfont": {"size": 16}, "cliponaxis": False,
           "hovertemplate": "%{y}: %{customdata}<extra></extra>"}
    return _figure([bar], {
        "template": TEMPLATE, "title": title, "height": 360,
        "xaxis": {"title": {"text": "Change of spend"}, "zeroline": True, "zerolinewidth": 3,
                  **money_axis(-limit, limit, ticks=4, signed=True)},
        "yaxis": {"autorange": "reversed"},
    })


def budget_line_figure(curve, total: float, points: int = 201) -> go.Figure:
    """Two identical S-curves sharing ``total``: conversions along the budget line.

    The equal split is a stationary point (equal marginal returns) where a local solver
    such as SLSQP started there reports success; for S-curves it can be the worst split.
    """
    a = np.linspace(0.0, total, points)
    y = curve.response(a) + curve.response(total - a)
    best = optimize_budget([curve, curve], total)
    half = float(2 * curve.response(total / 2))
    fig = new_figure(
        title="Two identical S-curves share one budget",
        xaxis_title="Share of the budget on channel A",
        yaxis_title="Total conversions",
        height=420,
    )
    fig.add_scatter(x=a / total, y=y, name="All splits", line={"color": COLORS["blue"]},
                    hovertemplate="%{x:.0%} on A: %{y:,.1f}<extra></extra>")
    fig.add_scatter(x=[0.5], y=[half], mode="markers",
                    name="Equal split: where a local solver stops",
                    marker={"color": COLORS["vermillion"], "size": 16, "symbol": "x"})
    fig.add_scatter(x=[best.spend[0] / total], y=[best.total_response], mode="markers",
                    name=f"Global optimum: {count(best.total_response)}",
                    marker={"color": COLORS["green"], "size": 16, "symbol": "star"})
    fig.update_xaxes(tickformat=".0%")
    fig.update_layout(legend={"orientation": "h", "y": -0.25})
    return fig

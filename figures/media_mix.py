"""Figures of the media-mix lesson.

Response curves with tangents, marginal returns, before/after allocation, who gives and
who receives, and linear approximation vs reality.

Channel names are user text: they are HTML-escaped before they reach Plotly, which
would otherwise interpret tags such as ``<a href>`` in labels.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from core.mmm import CurveBank, optimize_budget
from core.mmm.report import count, money
from figures.theme import COLORS, MONEY_FORMAT, SEQUENCE, TEMPLATE, money_hover, new_figure

SPEND_AXIS = {"tickprefix": "$", "tickformat": "~s"}


def _names(names: Sequence[str]) -> list[str]:
    return [html.escape(str(n)) for n in names]


def _color(i: int) -> str:
    return SEQUENCE[i % len(SEQUENCE)]


def _grid(spend: np.ndarray, extra: np.ndarray | None = None, points: int = 160) -> np.ndarray:
    top = float(np.max(spend if extra is None else np.maximum(spend, extra)))
    return np.linspace(0.0, 1.6 * top, points)


def _segments(xs: list[np.ndarray], ys: list[np.ndarray]) -> tuple[list, list]:
    """Join line pieces into one trace, separated by gaps (one trace is much faster)."""
    x: list = []
    y: list = []
    for a, b in zip(xs, ys, strict=True):
        x += [float(v) for v in a] + [None]
        y += [float(v) for v in b] + [None]
    return x, y


def _points(x, y, colors, text, symbol="circle", name="", hover="%{text}<extra></extra>") -> dict:
    return {
        "type": "scatter",
        "x": np.asarray(x, dtype=float),
        "y": np.asarray(y, dtype=float),
        "mode": "markers",
        "name": name,
        "showlegend": bool(name),
        "text": text,
        "hovertemplate": hover,
        "marker": {
            "color": colors,
            "size": 15,
            "symbol": symbol,
            "line": {"color": "white" if symbol == "circle" else colors, "width": 2},
        },
    }


def _curve_traces(labels, x, ys, colors, unit) -> list[dict]:
    return [
        {
            "type": "scatter",
            "x": x,
            "y": y,
            "name": label,
            "mode": "lines",
            "line": {"color": color},
            "hovertemplate": f"{label}<br>{money_hover('x')}<br>{unit}<extra></extra>",
        }
        for label, y, color in zip(labels, ys, colors, strict=True)
    ]


def _dotted(x, y, name: str, legend: bool) -> dict:
    return dict(type="scatter", x=x, y=y, mode="lines", name=name, showlegend=legend,
                hoverinfo="skip", line={"color": COLORS["black"], "dash": "dot", "width": 3})


def _tangent_notes(spend, response, texts, colors) -> list[dict]:
    return [
        dict(x=s, y=r, text=t, showarrow=True, arrowhead=0, ax=0, ay=-46 - 26 * (i % 2),
             font={"color": colors[i], "size": 16}, bgcolor="rgba(255,255,255,0.85)")
        for i, (s, r, t) in enumerate(zip(spend, response, texts, strict=True))
    ]


def _figure(traces, notes, height, title, yaxis) -> go.Figure:
    return go.Figure(data=traces, layout={
        "template": TEMPLATE, "annotations": notes, "height": height, "title": title,
        "xaxis": {"title": {"text": "Spend per channel"}, **SPEND_AXIS}, "yaxis": yaxis,
        "legend": {"orientation": "h", "y": -0.18},
    })


def response_figure(
    names: Sequence[str], spend: np.ndarray, curves: Sequence, new_spend: np.ndarray | None = None
) -> go.Figure:
    """Response curves with current-spend markers and tangents labelled in money terms."""
    labels, bank = _names(names), CurveBank(curves)
    spend = np.asarray(spend, dtype=float)
    colors = [_color(i) for i in range(len(labels))]
    x = _grid(spend, new_spend)
    marginal, response = bank.marginal(spend), bank.response(spend)
    texts = [f"{lb}: each extra $1K brings ≈ {count(1000 * m)}" for lb, m in zip(labels, marginal, strict=True)]
    tx = [np.array([0.4 * s, 1.6 * s]) for s in spend]
    ty = [r + m * (t - s) for r, m, t, s in zip(response, marginal, tx, spend, strict=True)]
    traces = _curve_traces(labels, x, [c.response(x) for c in curves], colors, "Conversions: %{y:,.0f}")
    tangent = _dotted(*_segments(tx, ty), "tangents", False)
    traces += [tangent | {"opacity": 0.75}, _points(spend, response, colors, texts)]
    if new_spend is not None:
        after = bank.response(np.asarray(new_spend, dtype=float))
        traces.append(_points(new_spend, after, colors, [f"{lb} after the plan" for lb in labels],
                              "diamond-open", "After the plan", "%{text}: %{x:$,.0f}<extra></extra>"))
    return _figure(traces, _tangent_notes(spend, response, texts, colors), 560,
                   "Response curves: conversions vs spend (tangent slope = marginal return)",
                   {"title": {"text": "Conversions"}})


def marginal_figure(
    names: Sequence[str],
    spend: np.ndarray,
    curves: Sequence,
    level: float | None = None,
    optimum: np.ndarray | None = None,
) -> go.Figure:
    """Marginal-return curves, current markers, and the common level after optimisation."""
    labels, bank = _names(names), CurveBank(curves)
    spend = np.asarray(spend, dtype=float)
    colors = [_color(i) for i in range(len(labels))]
    x = _grid(spend, optimum)[1:]
    now = bank.marginal(spend)
    cap = 2.2 * float(np.max(now))
    ys = [np.minimum(c.marginal(x), cap * 1.5) for c in curves]
    traces = _curve_traces(labels, x, ys, colors, "%{y:.3f} per $")
    traces.append(_points(spend, now, colors, [f"{lb} now" for lb in labels],
                          hover="%{text}: %{y:.3f} per $<extra></extra>"))
    if optimum is not None:
        best = bank.marginal(np.asarray(optimum, dtype=float))
        traces.append(_points(optimum, best, colors, [f"{lb} balanced" for lb in labels],
                              "diamond-open", "Balanced budget", "%{text}: %{x:$,.0f}<extra></extra>"))
    notes = []
    if level is not None and np.isfinite(level):
        traces.append(_dotted([x[0], x[-1]], [level, level], "Balanced level λ", True))
        notes.append(dict(x=1, xref="paper", xanchor="right", y=level, yanchor="bottom",
                          text=f"balanced level λ = {level:.3f} per $", showarrow=False,
                          font={"size": 16}))
    return _figure(traces, notes, 520, "Marginal return: conversions from the next dollar",
                   {"title": {"text": "Conversions per extra $"}, "range": [0, cap]})


def allocation_figure(names: Sequence[str], series: Mapping[str, np.ndarray]) -> go.Figure:
    """Grouped bars: spend per channel in each scenario (current, plan, optimum...)."""
    labels = _names(names)
    shades = (COLORS["grey"], COLORS["blue"], COLORS["green"], COLORS["orange"])
    bars = [
        {
            "type": "bar",
            "x": labels,
            "y": np.asarray(values, dtype=float),
            "name": html.escape(what),
            "marker": {"color": shades[k % len(shades)]},
            "text": [money(v) for v in values] if len(series) <= 3 else None,  # crowded beyond
            "textposition": "outside",
            "textfont": {"size": 14},
            "hovertemplate": f"%{{x}}: %{{y:{MONEY_FORMAT}}}<extra>{html.escape(what)}</extra>",
        }
        for k, (what, values) in enumerate(series.items())
    ]
    return go.Figure(
        data=bars,
        layout={
            "template": TEMPLATE,
            "title": "Budget per channel: before and after",
            "height": 460,
            "barmode": "group",
            "yaxis": {"title": {"text": "Spend"}, **SPEND_AXIS},
            "legend": {"orientation": "h", "y": -0.15, "x": 0},
            "uniformtext": {"minsize": 13, "mode": "show"},
        },
    )


def shift_figure(
    names: Sequence[str], shift: np.ndarray, title: str = "Who gives, who receives"
) -> go.Figure:
    """Horizontal bars of the change of spend: cuts in vermillion, increases in blue."""
    labels, shift = _names(names), np.asarray(shift, dtype=float)
    colors = [COLORS["vermillion"] if v < 0 else COLORS["blue"] for v in shift]
    text = [("+" if v > 0 else "") + money(v) if v else "unchanged" for v in shift]
    limit = max(float(np.max(np.abs(shift))), 1.0) * 1.6
    bar = {
        "type": "bar",
        "y": labels,
        "x": shift,
        "orientation": "h",
        "marker": {"color": colors},
        "text": text,
        "textposition": "outside",
        "textfont": {"size": 16},
        "cliponaxis": False,
        "hovertemplate": f"%{{y}}: %{{x:{MONEY_FORMAT}}}<extra></extra>",
    }
    return go.Figure(
        data=[bar],
        layout={
            "template": TEMPLATE,
            "title": title,
            "height": 360,
            "xaxis": {
                "title": {"text": "Change of spend"},
                "range": [-limit, limit],
                "zeroline": True,
                "zerolinewidth": 3,
                **SPEND_AXIS,
            },
            "yaxis": {"autorange": "reversed"},
        },
    )


def linear_figure(
    amounts: np.ndarray, linear: np.ndarray, exact: np.ndarray, chosen: float | None = None
) -> go.Figure:
    """First-order estimate vs exact change of conversions as a move grows."""
    hover = "Moved %{x:$,.0f}: %{y:+,.0f}<extra>%{fullData.name}</extra>"
    traces = [
        dict(type="scatter", x=amounts, y=linear, mode="lines", hovertemplate=hover,
             name="Estimate from marginal returns (tangent)",
             line={"color": COLORS["orange"], "dash": "dash"}),
        dict(type="scatter", x=amounts, y=exact, mode="lines", hovertemplate=hover,
             name="Exact change (curves)", line={"color": COLORS["blue"]}),
    ]
    shapes = [] if chosen is None else [
        dict(type="line", x0=chosen, x1=chosen, yref="paper", y0=0, y1=1,
             line={"color": COLORS["grey"], "dash": "dot", "width": 2})
    ]
    return go.Figure(data=traces, layout={
        "template": TEMPLATE, "title": "Linear approximation vs reality", "height": 460,
        "xaxis": {"title": {"text": "Dollars moved"}, **SPEND_AXIS},
        "yaxis": {"title": {"text": "Change in conversions"}}, "shapes": shapes,
        "legend": {"orientation": "h", "y": -0.2},
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
    fig.add_scatter(
        x=a / total,
        y=y,
        name="All splits",
        line={"color": COLORS["blue"]},
        hovertemplate="%{x:.0%} on A: %{y:,.1f}<extra></extra>",
    )
    fig.add_scatter(
        x=[0.5],
        y=[half],
        mode="markers",
        name="Equal split: where a local solver stops",
        marker={"color": COLORS["vermillion"], "size": 16, "symbol": "x"},
    )
    fig.add_scatter(
        x=[best.spend[0] / total],
        y=[best.total_response],
        mode="markers",
        name=f"Global optimum: {count(best.total_response)}",
        marker={"color": COLORS["green"], "size": 16, "symbol": "star"},
    )
    fig.update_xaxes(tickformat=".0%")
    fig.update_layout(legend={"orientation": "h", "y": -0.25})
    return fig

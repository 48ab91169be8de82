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

from core.mmm_curves import CurveBank
from core.mmm_optimize import optimize_budget
from core.mmm_report import count, money
from figures.theme import COLORS, SEQUENCE, new_figure

SPEND_AXIS = {"tickprefix": "$", "tickformat": "~s"}


def _names(names: Sequence[str]) -> list[str]:
    return [html.escape(str(n)) for n in names]


def _color(i: int) -> str:
    return SEQUENCE[i % len(SEQUENCE)]


def _grid(spend: np.ndarray, extra: np.ndarray | None = None, points: int = 160) -> np.ndarray:
    top = float(np.max(spend if extra is None else np.maximum(spend, extra)))
    return np.linspace(0.0, 1.6 * top, points)


def response_figure(
    names: Sequence[str], spend: np.ndarray, curves: Sequence, new_spend: np.ndarray | None = None
) -> go.Figure:
    """Response curves with current-spend markers and tangents labelled in money terms."""
    labels, bank = _names(names), CurveBank(curves)
    spend = np.asarray(spend, dtype=float)
    x = _grid(spend, new_spend)
    fig = new_figure(
        title="Response curves: conversions vs spend (tangent slope = marginal return)",
        xaxis_title="Spend per channel",
        yaxis_title="Conversions",
        height=560,
    )
    marginal, response = bank.marginal(spend), bank.response(spend)
    for i, (label, curve) in enumerate(zip(labels, curves, strict=True)):
        color, s, m, r = _color(i), spend[i], marginal[i], response[i]
        fig.add_scatter(
            x=x,
            y=curve.response(x),
            name=label,
            legendgroup=label,
            line={"color": color},
            hovertemplate=f"{label}<br>Spend: %{{x:$,.0f}}<br>Conversions: %{{y:,.0f}}<extra></extra>",
        )
        half = 0.6 * s
        tx = np.array([s - half, s + half])
        fig.add_scatter(
            x=tx,
            y=r + m * (tx - s),
            mode="lines",
            legendgroup=label,
            showlegend=False,
            line={"color": COLORS["black"], "dash": "dot", "width": 3},
            opacity=0.75,
            hoverinfo="skip",
        )
        text = f"{label}: each extra $1K brings ≈ {count(1000 * m)}"
        fig.add_scatter(
            x=[s],
            y=[r],
            mode="markers",
            legendgroup=label,
            showlegend=False,
            marker={"color": color, "size": 14, "line": {"color": "white", "width": 2}},
            hovertemplate=f"{text}<br>Current spend: %{{x:$,.0f}}<extra></extra>",
        )
        fig.add_annotation(
            x=s,
            y=r,
            text=text,
            showarrow=True,
            arrowhead=0,
            ax=0,
            ay=-46 - 26 * (i % 2),
            font={"color": color, "size": 16},
            bgcolor="rgba(255,255,255,0.85)",
        )
        if new_spend is not None:
            fig.add_scatter(
                x=[new_spend[i]],
                y=[float(curve.response(new_spend[i]))],
                mode="markers",
                legendgroup=label,
                showlegend=False,
                marker={"color": color, "size": 13, "symbol": "diamond-open", "line": {"width": 3}},
                hovertemplate=f"{label} after the plan<br>%{{x:$,.0f}}<extra></extra>",
            )
    fig.update_xaxes(**SPEND_AXIS)
    fig.update_layout(legend={"orientation": "h", "y": -0.18})
    return fig


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
    x = _grid(spend, optimum)[1:]
    now = bank.marginal(spend)
    cap = 2.2 * float(np.max(now))
    fig = new_figure(
        title="Marginal return: conversions from the next dollar",
        xaxis_title="Spend per channel",
        yaxis_title="Conversions per extra $",
        height=520,
    )
    for i, (label, curve) in enumerate(zip(labels, curves, strict=True)):
        color = _color(i)
        fig.add_scatter(
            x=x,
            y=np.minimum(curve.marginal(x), cap * 1.5),
            name=label,
            line={"color": color},
            hovertemplate=f"{label}<br>Spend: %{{x:$,.0f}}<br>%{{y:.3f}} per $<extra></extra>",
        )
        fig.add_scatter(
            x=[spend[i]],
            y=[now[i]],
            mode="markers",
            showlegend=False,
            marker={"color": color, "size": 14, "line": {"color": "white", "width": 2}},
            hovertemplate=f"{label} now: %{{y:.3f}} per $<extra></extra>",
        )
        if optimum is not None:
            fig.add_scatter(
                x=[optimum[i]],
                y=[float(curve.marginal(optimum[i]))],
                mode="markers",
                showlegend=False,
                marker={"color": color, "size": 14, "symbol": "diamond-open", "line": {"width": 3}},
                hovertemplate=f"{label} balanced: %{{x:$,.0f}}<extra></extra>",
            )
    if level is not None and np.isfinite(level):
        fig.add_hline(
            y=level,
            line={"color": COLORS["black"], "dash": "dot", "width": 3},
            annotation_text=f"balanced level λ = {level:.3f} per $",
            annotation_position="top right",
            annotation_font_size=16,
        )
    fig.update_xaxes(**SPEND_AXIS)
    fig.update_yaxes(range=[0, cap])
    fig.update_layout(legend={"orientation": "h", "y": -0.18})
    return fig


def allocation_figure(names: Sequence[str], series: Mapping[str, np.ndarray]) -> go.Figure:
    """Grouped bars: spend per channel in each scenario (current, plan, optimum...)."""
    labels = _names(names)
    fig = new_figure(
        title="Budget per channel: before and after",
        yaxis_title="Spend",
        barmode="group",
        height=460,
    )
    shades = (COLORS["grey"], COLORS["blue"], COLORS["green"], COLORS["orange"])
    for k, (what, values) in enumerate(series.items()):
        fig.add_bar(
            x=labels,
            y=np.asarray(values, dtype=float),
            name=html.escape(what),
            marker_color=shades[k % len(shades)],
            text=[money(v) for v in values],
            textposition="outside",
            textfont={"size": 14},
            hovertemplate="%{x}: %{y:$,.0f}<extra>" + html.escape(what) + "</extra>",
        )
    fig.update_yaxes(**SPEND_AXIS)
    fig.update_layout(
        legend={"orientation": "h", "y": -0.15, "x": 0}, uniformtext={"minsize": 13, "mode": "show"}
    )
    return fig


def shift_figure(
    names: Sequence[str], shift: np.ndarray, title: str = "Who gives, who receives"
) -> go.Figure:
    """Horizontal bars of the change of spend: cuts in vermillion, increases in blue."""
    labels, shift = _names(names), np.asarray(shift, dtype=float)
    colors = [COLORS["vermillion"] if v < 0 else COLORS["blue"] for v in shift]
    text = [("+" if v > 0 else "") + money(v) if v else "unchanged" for v in shift]
    fig = new_figure(title=title, xaxis_title="Change of spend", height=360)
    fig.add_bar(
        y=labels,
        x=shift,
        orientation="h",
        marker_color=colors,
        text=text,
        textposition="outside",
        textfont={"size": 16},
        cliponaxis=False,
        hovertemplate="%{y}: %{x:$,.0f}<extra></extra>",
    )
    limit = max(float(np.max(np.abs(shift))), 1.0) * 1.6
    fig.update_xaxes(range=[-limit, limit], zeroline=True, zerolinewidth=3, **SPEND_AXIS)
    fig.update_yaxes(autorange="reversed")
    return fig


def linear_figure(
    amounts: np.ndarray, linear: np.ndarray, exact: np.ndarray, chosen: float | None = None
) -> go.Figure:
    """First-order estimate vs exact change of conversions as a move grows."""
    fig = new_figure(
        title="Linear approximation vs reality",
        xaxis_title="Dollars moved",
        yaxis_title="Change in conversions",
        height=460,
    )
    fig.add_scatter(
        x=amounts,
        y=linear,
        name="Estimate from marginal returns (tangent)",
        line={"color": COLORS["orange"], "dash": "dash"},
        hovertemplate="Moved %{x:$,.0f}: estimate %{y:+,.0f}<extra></extra>",
    )
    fig.add_scatter(
        x=amounts,
        y=exact,
        name="Exact change (curves)",
        line={"color": COLORS["blue"]},
        hovertemplate="Moved %{x:$,.0f}: exact %{y:+,.0f}<extra></extra>",
    )
    if chosen is not None:
        fig.add_vline(x=chosen, line={"color": COLORS["grey"], "dash": "dot", "width": 2})
    fig.update_xaxes(**SPEND_AXIS)
    fig.update_layout(legend={"orientation": "h", "y": -0.2})
    return fig


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

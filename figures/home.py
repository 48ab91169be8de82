"""The home page's one-picture idea: a response curve, a spend, and its tangent line."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from figures.motion import animate, frame
from figures.theme import COLORS, LINE_WIDTH, MONEY_FORMAT, new_figure

HOVER = f"Spend %{{x:{MONEY_FORMAT}}}<br>%{{y:,.0f}} conversions<extra></extra>"


def tangent_idea(
    spend: np.ndarray,
    response: np.ndarray,
    at_spend: np.ndarray,
    tangent_x: np.ndarray,
    tangent_y: np.ndarray,
    value: np.ndarray,
    slope: np.ndarray,
    active: int,
) -> go.Figure:
    """A response curve with its tangent, sliding along the curve as the scrubber moves.

    The tangent's slope is the marginal return, the partial derivative of the response with
    respect to spend: the picture every lesson of the lab comes back to.

    Parameters
    ----------
    spend, response : numpy.ndarray
        The curve, shape ``(m,)``.
    at_spend, value, slope : numpy.ndarray
        Each frame's spend, response there and marginal return, shape ``(n,)``.
    tangent_x, tangent_y : numpy.ndarray
        Each frame's tangent segment end points, shape ``(n, 2)``.
    active : int
        The frame shown first (the page's URL-bound spend).
    """
    fig = new_figure(
        height=420,
        xaxis_title="TV spend per quarter ($)",
        yaxis_title="Conversions",
        legend={"orientation": "h", "y": 1.12, "x": 0},
    )
    fig.add_trace(go.Scatter(x=spend, y=response, name="Response curve",
                             line={"color": COLORS["blue"]}, hovertemplate=HOVER))
    fig.add_trace(go.Scatter(
        x=tangent_x[active], y=tangent_y[active], name="Tangent: slope = marginal return",
        mode="lines", line={"color": COLORS["vermillion"], "dash": "dash", "width": LINE_WIDTH},
        hoverinfo="skip",
    ))
    fig.add_trace(go.Scatter(
        x=[at_spend[active]], y=[value[active]], name="Current spend", mode="markers",
        marker={"color": COLORS["vermillion"], "size": 16, "line": {"color": "white", "width": 2}},
        hovertemplate=HOVER,
    ))
    fig.update_xaxes(tickformat="$~s", range=[0, float(spend[-1]) * 1.02])
    fig.update_yaxes(tickformat="~s", range=[0, float(np.max(response)) * 1.1])
    frames = [
        frame(f"s{i}", [{"x": tangent_x[i], "y": tangent_y[i]},
                        {"x": [at_spend[i]], "y": [value[i]]}], [1, 2])
        for i in range(len(at_spend))
    ]
    labels = [f"${s / 1e6:,.2f}M: one more $1,000 brings {1000 * m:,.0f} conversions"
              for s, m in zip(at_spend, slope, strict=True)]
    return animate(fig, frames, labels, active=active, prefix="TV spend ", play=True)

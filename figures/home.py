"""The home page's one-picture idea: a response curve, a spend, and its tangent line."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from figures.theme import COLORS, LINE_WIDTH, MONEY_FORMAT, new_figure


def tangent_idea(
    spend: np.ndarray, response: np.ndarray, at_spend: float, value: float, slope: float
) -> go.Figure:
    """Draw a response curve with the tangent line at ``at_spend``.

    The tangent's slope is the marginal return, the partial derivative of the response
    with respect to spend: the picture every lesson of the lab comes back to.
    """
    half_width = 0.35 * (spend[-1] - spend[0])
    xs = np.array([max(spend[0], at_spend - half_width), min(spend[-1], at_spend + half_width)])
    fig = new_figure(
        height=420,
        xaxis_title="TV spend per quarter ($)",
        yaxis_title="Conversions",
        legend={"orientation": "h", "y": 1.12, "x": 0},
    )
    fig.add_trace(
        go.Scatter(
            x=spend, y=response, name="Response curve", line={"color": COLORS["blue"]},
            hovertemplate=f"Spend %{{x:{MONEY_FORMAT}}}<br>%{{y:,.0f}} conversions<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=xs, y=value + slope * (xs - at_spend), name="Tangent: slope = marginal return",
            mode="lines", line={"color": COLORS["vermillion"], "dash": "dash", "width": LINE_WIDTH},
            hoverinfo="skip",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[at_spend], y=[value], name="Current spend", mode="markers",
            marker={"color": COLORS["vermillion"], "size": 16, "line": {"color": "white", "width": 2}},
            hovertemplate=f"Spend %{{x:{MONEY_FORMAT}}}<br>%{{y:,.0f}} conversions<extra></extra>",
        )
    )
    fig.update_xaxes(tickformat="$~s")
    fig.update_yaxes(tickformat="~s")
    return fig

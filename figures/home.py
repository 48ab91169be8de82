"""The home page's one-picture idea: a response curve, a spend, and its tangent line."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from figures.motion import animated, frame
from figures.theme import COLORS, LINE_WIDTH, MONEY_FORMAT, TEMPLATE

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
    curve = {"type": "scatter", "x": spend, "y": response, "name": "Response curve",
             "line": {"color": COLORS["blue"]}, "hovertemplate": HOVER}
    tangent = {"type": "scatter", "name": "Tangent: slope = marginal return", "mode": "lines",
               "line": {"color": COLORS["vermillion"], "dash": "dash", "width": LINE_WIDTH},
               "hoverinfo": "skip", **_tangent(tangent_x, tangent_y, active)}
    point = {"type": "scatter", "name": "Current spend", "mode": "markers",
             "marker": {"color": COLORS["vermillion"], "size": 16,
                        "line": {"color": "white", "width": 2}},
             "hovertemplate": HOVER, **_point(at_spend, value, active)}
    layout = {
        "template": TEMPLATE, "height": 420, "legend": {"orientation": "h", "y": 1.12, "x": 0},
        "xaxis": {"title": {"text": "TV spend per quarter ($)"}, "tickformat": "$~s",
                  "range": [0, float(spend[-1]) * 1.02]},
        "yaxis": {"title": {"text": "Conversions"}, "tickformat": "~s",
                  "range": [0, float(np.max(response)) * 1.1]},
    }
    frames = [frame(f"s{i}", [_tangent(tangent_x, tangent_y, i), _point(at_spend, value, i)],
                    [1, 2])
              for i in range(len(at_spend))]
    labels = [f"${s / 1e6:,.2f}M: one more $1,000 brings {1000 * m:,.0f} conversions"
              for s, m in zip(at_spend, slope, strict=True)]
    return animated({"data": [curve, tangent, point], "layout": layout}, frames, labels,
                    active=active, prefix="TV spend ", play=True)


def _tangent(tangent_x: np.ndarray, tangent_y: np.ndarray, i: int) -> dict:
    return {"x": tangent_x[i].tolist(), "y": tangent_y[i].tolist()}


def _point(at_spend: np.ndarray, value: np.ndarray, i: int) -> dict:
    return {"x": [float(at_spend[i])], "y": [float(value[i])]}

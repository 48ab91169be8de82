"""Diagnostics charts of the media-mix fit on the client's own data (issue 7).

Every builder takes arrays (dates may be numpy datetime64) and returns a themed ``go.Figure``.
Channel colours follow the channel's position so that each chart uses the same colour for it.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from figures.theme import COLORS, FONT_SIZE, SEQUENCE, new_figure

CHANNEL_COLORS = tuple(c for c in SEQUENCE if c != COLORS["grey"])
PART_COLORS = {
    "base": COLORS["grey"],
    "seasonality": COLORS["yellow"],
    "trend & controls": COLORS["black"],
}


def channel_color(index: int) -> str:
    """Colour of the channel at ``index`` (cycles through the palette)."""
    return CHANNEL_COLORS[index % len(CHANNEL_COLORS)]


ACRONYMS = {"tv": "TV", "ooh": "OOH", "seo": "SEO", "sem": "SEM", "ctv": "CTV", "dooh": "DOOH"}


def label(name: str) -> str:
    """Column name to a plain-text label: ``paid_search`` -> ``Paid search``, ``tv`` -> ``TV``."""
    words = str(name).replace("_", " ").strip().split(" ")
    text = " ".join(ACRONYMS.get(w.lower(), w) for w in words)
    return text[:1].upper() + text[1:]


def pretty(name: str) -> str:
    """Label for Plotly text: :func:`label` with ``<``, ``>`` and ``&`` as entities.

    Plotly renders a subset of HTML in text, and a column name comes from the user's file.
    """
    return html.escape(label(name), quote=False)


def actual_vs_fitted(dates, actual, fitted, holdout_weeks: int = 0, target: str = "conversions",
                     forecast=None):
    """Actual and fitted conversions per week; the hold-out weeks are shaded.

    ``forecast`` (optional) is the prediction of the hold-out weeks by the model refitted
    without them, drawn over the shaded weeks.
    """
    fig = new_figure(
        title=f"Actual vs fitted {target} per week",
        xaxis_title="Week",
        yaxis_title=f"{pretty(target)} per week",
        hovermode="x unified",
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 1, "xanchor": "right"},
    )
    fig.add_scatter(x=dates, y=np.asarray(actual, float), name="Actual", mode="lines",
                    line={"color": COLORS["grey"], "width": 3},
                    hovertemplate="%{y:,.0f}<extra>actual</extra>")
    fig.add_scatter(x=dates, y=np.asarray(fitted, float), name="Fitted", mode="lines",
                    line={"color": COLORS["blue"], "width": 3, "dash": "dot"},
                    hovertemplate="%{y:,.0f}<extra>fitted</extra>")
    if holdout_weeks and forecast is not None and len(forecast):
        fig.add_scatter(x=dates[len(dates) - holdout_weeks:], y=np.asarray(forecast, float),
                        name="Forecast, weeks unseen", mode="lines+markers",
                        line={"color": COLORS["vermillion"], "width": 3},
                        marker={"size": 8},
                        hovertemplate="%{y:,.0f}<extra>forecast (unseen)</extra>")
    if holdout_weeks:
        start = dates[len(dates) - holdout_weeks]
        fig.add_vrect(x0=start, x1=dates[-1], fillcolor=COLORS["sky"], opacity=0.15, line_width=0,
                      annotation_text=f"hold-out: last {holdout_weeks} weeks",
                      annotation_position="top left", annotation_font_size=FONT_SIZE - 1)
    return fig


def residuals_figure(dates, residuals, sigma: float):
    """Residuals of log conversions (about the % error) with a ±2σ band."""
    res = 100 * np.asarray(residuals, float)
    fig = new_figure(title="Residuals: what the model misses each week", xaxis_title="Week",
                     yaxis_title="Actual vs fitted (%)", showlegend=False)
    band = 200 * sigma
    fig.add_hrect(y0=-band, y1=band, fillcolor=COLORS["sky"], opacity=0.15, line_width=0,
                  annotation_text="±2σ", annotation_position="top right")
    fig.add_hline(y=0, line={"color": COLORS["black"], "width": 2})
    colors = np.where(np.abs(res) > band, COLORS["vermillion"], COLORS["blue"])
    fig.add_bar(x=dates, y=res, marker={"color": list(colors)},
                hovertemplate="%{x|%d %b %Y}: %{y:+.1f} %<extra></extra>")
    fig.update_layout(bargap=0.1)
    return fig


def decomposition_figure(dates, parts: dict[str, np.ndarray], channels: Sequence[str],
                         target: str = "conversions"):
    """Fitted conversions per week stacked by base, seasonality, trend & controls, channels."""
    fig = new_figure(title=f"Where the fitted {target} come from", xaxis_title="Week",
                     yaxis_title=f"{pretty(target)} per week", barmode="relative", bargap=0,
                     hovermode="x unified",
                     legend={"orientation": "h", "y": -0.2, "yanchor": "top"})
    for name, values in parts.items():
        if name in channels:
            color = channel_color(list(channels).index(name))
        else:
            color = PART_COLORS.get(name, COLORS["grey"])
        values = np.asarray(values, float)
        if name != "base" and not np.any(values):
            continue
        fig.add_bar(x=dates, y=values, name=pretty(name), marker={"color": color, "line_width": 0},
                    hovertemplate="%{y:,.0f}<extra>" + pretty(name) + "</extra>")
    return fig


def elasticity_figure(channels: Sequence[str], estimate, ci, truth=None):
    """Elasticities with 95 % intervals (a forest plot); optional true values as diamonds."""
    names = [pretty(c) for c in channels]
    est = np.asarray(estimate, float)
    ci = np.asarray(ci, float).reshape(-1, 2)
    fig = new_figure(title="Elasticities with 95 % intervals",
                     xaxis_title="% more conversions per 1 % more spend",
                     showlegend=truth is not None,
                     height=110 + 60 * len(names),
                     legend={"orientation": "h", "y": 1.02, "yanchor": "bottom"})
    fig.add_vline(x=0, line={"color": COLORS["grey"], "width": 2})
    for i, name in enumerate(names):
        color = channel_color(i)
        fig.add_scatter(
            x=[est[i]], y=[name], mode="markers", name=name, showlegend=False,
            marker={"size": 16, "color": color},
            error_x={"type": "data", "symmetric": False, "array": [ci[i, 1] - est[i]],
                     "arrayminus": [est[i] - ci[i, 0]], "thickness": 5, "width": 12,
                     "color": color},
            customdata=[ci[i]], hovertemplate="%{y}: %{x:.3f} (95 %: %{customdata[0]:.3f} to "
            "%{customdata[1]:.3f})<extra></extra>")
    if truth is not None:
        truth = np.asarray(truth, float)
        known = np.isfinite(truth)  # a column the sample was not generated with has no truth
        fig.add_scatter(x=truth[known], y=[n for n, k in zip(names, known, strict=True) if k],
                        mode="markers", name="True value",
                        marker={"symbol": "diamond-open", "size": 18, "color": COLORS["black"],
                                "line": {"width": 3}},
                        hovertemplate="%{y}: true %{x:.3f}<extra></extra>")
    fig.update_yaxes(autorange="reversed")
    return fig


def carryover_figure(channels: Sequence[str], decays, weeks: int = 12):
    """Share of a week's spend still working k weeks later: theta**k per channel."""
    k = np.arange(weeks + 1)
    fig = new_figure(title="Carry-over: how long a week's spend keeps working",
                     xaxis_title="Weeks after the spend", yaxis_title="Effect still working (%)",
                     legend={"orientation": "h", "y": -0.22, "yanchor": "top"},
                     height=520)
    for i, (name, theta) in enumerate(zip(channels, decays, strict=True)):
        fig.add_scatter(x=k, y=100 * float(theta) ** k, mode="lines+markers",
                        name=f"{pretty(name)} (θ = {float(theta):.2f})",
                        line={"color": channel_color(i)},
                        hovertemplate="week %{x}: %{y:.0f} %<extra>" + pretty(name) + "</extra>")
    return fig


def marginal_figure(channels: Sequence[str], marginal, ci, per: float = 1000.0):
    """Marginal return per ``per`` dollars at recent average spend, with 95 % intervals."""
    names = [pretty(c) for c in channels]
    m = per * np.asarray(marginal, float)
    ci = per * np.asarray(ci, float).reshape(-1, 2)
    fig = new_figure(title=f"Extra conversions per extra ${per:,.0f}, at recent spend",
                     xaxis_title=f"Conversions per ${per:,.0f}", showlegend=False,
                     height=110 + 60 * len(names))
    fig.add_bar(x=m, y=names, orientation="h",
                marker={"color": [channel_color(i) for i in range(len(names))]},
                error_x={"type": "data", "symmetric": False,
                         "array": np.nan_to_num(ci[:, 1] - m),
                         "arrayminus": np.nan_to_num(m - ci[:, 0]),
                         "thickness": 3, "width": 8, "color": COLORS["black"]},
                text=[f"{v:,.0f}" for v in m], textposition="inside", insidetextanchor="start",
                hovertemplate="%{y}: %{x:,.1f} conversions<extra></extra>")
    fig.update_yaxes(autorange="reversed")
    return fig


def empty_figure(message: str) -> go.Figure:
    """Return a blank chart carrying a message (when there is nothing to draw)."""
    fig = new_figure(xaxis_visible=False, yaxis_visible=False)
    fig.add_annotation(text=message, showarrow=False, font={"size": FONT_SIZE + 2})
    return fig

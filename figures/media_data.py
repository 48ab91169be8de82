"""Diagnostics charts of the media-mix fit on the client's own data.

Every builder takes arrays (dates may be numpy datetime64) and returns a themed ``go.Figure``.
Channel colours follow the channel's position so that each chart uses the same colour for it.
Weekly series are sent light: evenly spaced weeks as a start and a step (``x0``/``dx``)
instead of one date string per point, values as 4-byte floats.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from figures.motion import animate, frame
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


def week_x(dates, start: int = 0) -> dict:
    """Trace arguments placing points on the weeks ``dates[start:]``, as few bytes as possible.

    Evenly spaced dates (or week numbers) become ``x0`` and ``dx`` (milliseconds on a date
    axis); uneven ones stay a list.
    """
    values = np.asarray(dates)[start:]
    is_date = np.issubdtype(values.dtype, np.datetime64)
    numbers = values.astype("datetime64[ms]").astype(np.int64) if is_date else values
    steps = np.diff(numbers.astype(float))
    if values.size == 0 or (steps.size and not np.all(steps == steps[0])):
        return {"x": values}
    step = float(steps[0]) if steps.size else (7 * 86_400_000.0 if is_date else 1.0)
    first = str(values[0].astype("datetime64[D]")) if is_date else float(values[0])
    return {"x0": first, "dx": step}


def light(values) -> np.ndarray:
    """4-byte floats: half the bytes of float64, invisible on a chart."""
    return np.asarray(values, dtype=np.float32)


def _date_axis(fig: go.Figure, dates) -> None:
    if np.issubdtype(np.asarray(dates).dtype, np.datetime64):
        fig.update_xaxes(type="date")


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
    fig.add_scatter(**week_x(dates), y=light(actual), name="Actual", mode="lines",
                    line={"color": COLORS["grey"], "width": 3},
                    hovertemplate="%{y:,.0f}<extra>actual</extra>")
    fig.add_scatter(**week_x(dates), y=light(fitted), name="Fitted", mode="lines",
                    line={"color": COLORS["blue"], "width": 3, "dash": "dot"},
                    hovertemplate="%{y:,.0f}<extra>fitted</extra>")
    _date_axis(fig, dates)
    if holdout_weeks and forecast is not None and len(forecast):
        fig.add_scatter(**week_x(dates, len(dates) - holdout_weeks), y=light(forecast),
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
    fig.add_bar(**week_x(dates), y=light(res), marker={"color": list(colors)},
                hovertemplate="%{x|%d %b %Y}: %{y:+.1f} %<extra></extra>")
    _date_axis(fig, dates)
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
        fig.add_bar(**week_x(dates), y=light(values), name=pretty(name),
                    marker={"color": color, "line_width": 0},
                    hovertemplate="%{y:,.0f}<extra>" + pretty(name) + "</extra>")
    _date_axis(fig, dates)
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


def carryover_motion(dates, spend, decays, stocks, carried_in, active: int, name: str):
    r"""One channel's weekly spend and, for each carry-over rate, the spend still working.

    Scrubbing the rate (frames, played in the browser) shows the carried-over spend
    :math:`a_t = x_t + \theta a_{t-1}` smoothing and lagging the bars as θ grows, and the
    carry-over running before the first week fading as θ^(t+1).

    Parameters
    ----------
    dates : numpy.ndarray
        The weeks shown, shape ``(n,)``.
    spend : numpy.ndarray
        The channel's spend per week, shape ``(n,)``.
    decays : numpy.ndarray
        The carry-over rate of each frame, shape ``(G,)``.
    stocks, carried_in : numpy.ndarray
        Per frame the carried-over spend and the part of it carried in from before the data,
        shape ``(G, n)``.
    active : int
        The frame shown first (the fitted rate).
    name : str
        The channel's column name.
    """
    label = pretty(name)
    fig = new_figure(title=f"{label}: this week's spend and the spend still working",
                     xaxis_title="Week", yaxis_title="Dollars per week", height=470,
                     legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0})
    weeks = week_x(dates)
    # A stepped area, not bars: Plotly's frames without redraw keep scatter traces on screen
    fig.add_scatter(**weeks, y=light(spend), name="Spend that week", mode="lines",
                    line={"color": COLORS["sky"], "width": 1, "shape": "hv"}, fill="tozeroy",
                    fillcolor="rgba(86, 180, 233, 0.45)",
                    hovertemplate="%{y:$,.0f} spent<extra></extra>")
    fig.add_scatter(**weeks, y=light(stocks[active]), name="Carried-over spend (still working)",
                    mode="lines", line={"color": COLORS["vermillion"], "width": 4},
                    hovertemplate="%{y:$,.0f} still working<extra></extra>")
    fig.add_scatter(**weeks, y=light(carried_in[active]), name="Carried in from before week 1",
                    mode="lines", line={"color": COLORS["black"], "width": 3, "dash": "dot"},
                    hovertemplate="%{y:$,.0f} from before the data<extra></extra>")
    _date_axis(fig, dates)
    top = float(max(np.max(stocks), np.max(spend), 1.0)) * 1.05
    fig.update_yaxes(range=[0, top], tickformat="$~s")
    frames = [frame(f"t{i}", [{"y": light(stocks[i])}, {"y": light(carried_in[i])}], [1, 2])
              for i in range(len(decays))]
    labels = [f"{theta:.2f}: {100 * theta:.0f} % of a week's spend still works the next week"
              for theta in decays]
    return animate(fig, frames, labels, active=active, prefix="Carry-over θ = ")


def plan_draws_figure(samples, point: float, interval: tuple[float, float], bins: int = 40):
    """How the plan's extra conversions spread over the draws of the model's parameters."""
    samples = np.asarray(samples, float)
    counts, edges = np.histogram(samples, bins=bins)
    share = 100 * counts / max(samples.size, 1)
    fig = new_figure(title="Extra conversions of the plan, over 2,000 versions of the model"
                     if samples.size == 2000 else "Extra conversions of the plan, over the draws",
                     xaxis_title="Extra conversions per quarter", yaxis_title="Share of draws (%)",
                     showlegend=False, height=360)
    fig.add_bar(x=light((edges[:-1] + edges[1:]) / 2), y=light(share),
                width=float(edges[1] - edges[0]) * 0.95,
                marker={"color": np.where((edges[:-1] + edges[1:]) / 2 > 0, COLORS["blue"],
                                          COLORS["vermillion"]).tolist(), "line_width": 0},
                hovertemplate="%{x:,.0f} more conversions: %{y:.1f} % of draws<extra></extra>")
    low, high = interval
    paper = {"xref": "x", "yref": "paper", "y0": 0, "y1": 1}
    label = {"xref": "x", "yref": "paper", "y": 1, "yanchor": "bottom", "showarrow": False,
             "font": {"size": FONT_SIZE - 1, "color": COLORS["grey"]}}
    fig.update_layout(  # one layout update: add_vrect / add_vline cost ~5 ms each
        shapes=[{**paper, "type": "rect", "x0": low, "x1": high, "fillcolor": COLORS["sky"],
                 "opacity": 0.18, "line": {"width": 0}, "layer": "below"},
                {**paper, "type": "line", "x0": point, "x1": point,
                 "line": {"color": COLORS["black"], "width": 3}},
                {**paper, "type": "line", "x0": 0, "x1": 0,
                 "line": {"color": COLORS["grey"], "width": 2, "dash": "dot"}}],
        annotations=[{**label, "x": low, "xanchor": "left", "text": "90 % of draws"},
                     {**label, "x": point, "xanchor": "left", "text": " the fitted curves"}])
    fig.update_xaxes(tickformat="~s")
    return fig

"""Figures of the partial-derivatives lesson: error explorer and the sales-forecast marginals."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.calculus import ErrorScan
from figures.partials import axis_title, hline, title
from figures.theme import COLORS, MARKER_SIZE, fast_figure, money_hover

METHOD_STYLE = {
    "forward": (COLORS["vermillion"], "forward difference"),
    "backward": (COLORS["orange"], "backward difference"),
    "central": (COLORS["blue"], "central difference"),
    "complex": (COLORS["green"], "complex step"),
}
EXACT_FLOOR = 1e-17
"""Errors that are exactly zero are drawn at this height (a log axis cannot show 0)."""


def _slope_text(scan: ErrorScan, method: str) -> str:
    parts = []
    trunc, rounding = scan.truncation_slope[method], scan.roundoff_slope[method]
    if np.isfinite(trunc):
        parts.append(f"slope {trunc:+.1f} right of best h")
    if np.isfinite(rounding):
        parts.append(f"{rounding:+.1f} left")
    return f" ({', '.join(parts)})" if parts else ""


def error_figure(scan: ErrorScan, label: str = "∂f/∂x") -> go.Figure:
    """Log-log absolute error of each method against the step size h, best h marked."""
    data = []
    for method, errors in scan.errors.items():
        color, name = METHOD_STYLE[method]
        ok = np.isfinite(errors)  # steps too small to change x (x + h == x) have no estimate
        shown = np.maximum(errors[ok], EXACT_FLOOR)
        data.append({
            "type": "scatter", "x": scan.h[ok], "y": shown, "mode": "lines",
            "line": {"color": color, "width": 6 if method == "forward" else 3},
            "name": f"{name}{_slope_text(scan, method)}",
            "hovertemplate": "h=%{x:.1e}<br>error=%{y:.1e}<extra></extra>",
        })  # fmt: skip
        if not np.isfinite(scan.best_error[method]):
            continue
        data.append({
            "type": "scatter", "x": [scan.best_h[method]],
            "y": [max(scan.best_error[method], EXACT_FLOOR)], "mode": "markers",
            "showlegend": False, "name": f"best h, {name}",
            "marker": {"color": color, "size": MARKER_SIZE + 3, "symbol": "diamond"},
            "hovertemplate": f"best h for {name}: %{{x:.1e}}<extra></extra>",
        })  # fmt: skip
    eps = float(np.finfo(float).eps)
    log_axis = {"type": "log", "exponentformat": "power"}
    layout = {
        "title": title(f"Error of each method for {label}, against the step h"), "height": 500,
        "xaxis": {**log_axis, "title": axis_title("step size h"), "dtick": 2},
        "yaxis": {**log_axis, "title": axis_title("absolute error (0 drawn at 1e-17)"),
                  "range": [-17.5, 1.5], "dtick": 3},
        "shapes": [hline(eps, COLORS["grey"], dash="dot")],
        "annotations": [{"xref": "paper", "x": 1, "xanchor": "right", "yref": "y",
                         "y": np.log10(eps), "yanchor": "top", "text": "machine ε",
                         "showarrow": False}],
        "legend": {"orientation": "h", "y": -0.3, "x": 0},
    }  # fmt: skip
    return fast_figure(data, layout)


def sales_marginal_figure(
    tv: np.ndarray, curves: dict[str, np.ndarray], point: tuple[float, float]
) -> go.Figure:
    """Extra sales per extra $1 of TV against TV spend, one curve per held-fixed digital level."""
    palette = (COLORS["grey"], COLORS["blue"], COLORS["green"], COLORS["purple"])
    hover = money_hover("x", "TV") + "<br>%{y:.2f} per $1<extra></extra>"
    data = [
        {"type": "scatter", "x": tv * 1000, "y": values, "mode": "lines", "name": name,
         "line": {"color": color}, "hovertemplate": hover}
        for (name, values), color in zip(curves.items(), palette, strict=False)
    ]  # fmt: skip
    data.append({
        "type": "scatter", "x": [point[0] * 1000], "y": [point[1]], "mode": "markers",
        "name": "your plan", "marker": {"color": COLORS["black"], "size": MARKER_SIZE + 4},
    })  # fmt: skip
    layout = {
        "title": title("∂sales/∂TV: extra sales per extra $1 of TV"), "height": 450,
        "xaxis": {"title": axis_title("TV spend per week"), "tickprefix": "$",
                  "tickformat": ",.0f"},
        "yaxis": {"title": axis_title("$ of sales per extra $1 of TV")},
        "shapes": [hline(1.0, COLORS["vermillion"], dash="dash")],
        "annotations": [{"xref": "paper", "x": 1, "xanchor": "right", "yref": "y", "y": 1.0,
                         "yanchor": "bottom", "text": "$1 back per $1", "showarrow": False,
                         "font": {"color": COLORS["vermillion"]}}],
        "legend": {"x": 0.99, "y": 0.99, "xanchor": "right"},
    }  # fmt: skip
    return fast_figure(data, layout)

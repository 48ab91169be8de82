"""Figures of the partial-derivatives lesson: error explorer and the sales-forecast marginals."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.calculus import ErrorScan
from figures.theme import COLORS, MARKER_SIZE, money_hover, new_figure

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
        parts.append(f"slope {trunc:+.1f} right")
    if np.isfinite(rounding):
        parts.append(f"{rounding:+.1f} left")
    return f" ({', '.join(parts)})" if parts else ""


def error_figure(scan: ErrorScan, label: str = "∂f/∂x") -> go.Figure:
    """Log-log absolute error of each method against the step size h, best h marked."""
    fig = new_figure(
        title=f"Error of each method for {label}, against the step h",
        xaxis_title="step size h", yaxis_title="absolute error", height=480,
    )  # fmt: skip
    for method, errors in scan.errors.items():
        color, name = METHOD_STYLE[method]
        shown = np.where(np.isfinite(errors), np.maximum(errors, EXACT_FLOOR), np.nan)
        fig.add_scatter(x=scan.h, y=shown, mode="lines", line={"color": color},
                        name=f"{name}{_slope_text(scan, method)}",
                        hovertemplate="h=%{x:.1e}<br>error=%{y:.1e}<extra></extra>")  # fmt: skip
        best = max(scan.best_error[method], EXACT_FLOOR)
        fig.add_scatter(x=[scan.best_h[method]], y=[best], mode="markers", showlegend=False,
                        marker={"color": color, "size": MARKER_SIZE + 3, "symbol": "diamond"},
                        hovertemplate=f"best h for {name}: %{{x:.1e}}<extra></extra>")  # fmt: skip
    fig.add_hline(y=float(np.finfo(float).eps), line={"color": COLORS["grey"], "dash": "dot"},
                  annotation_text="machine ε", annotation_position="bottom right")  # fmt: skip
    fig.update_xaxes(type="log", exponentformat="power", dtick=2)
    fig.update_yaxes(type="log", exponentformat="power", range=[-17.5, 1.5], dtick=3)
    fig.update_layout(legend={"orientation": "h", "y": -0.25, "x": 0})
    return fig


def sales_marginal_figure(
    tv: np.ndarray, curves: dict[str, np.ndarray], point: tuple[float, float], colors=None
) -> go.Figure:
    """Extra sales per extra $1 of TV against TV spend, one curve per held-fixed digital level."""
    fig = new_figure(
        title="∂sales/∂TV: extra sales per extra $1 of TV",
        xaxis_title="TV spend per week", yaxis_title="$ of sales per extra $1 of TV",
        height=450,
    )  # fmt: skip
    palette = colors or [COLORS["grey"], COLORS["blue"], COLORS["green"]]
    for (name, values), color in zip(curves.items(), palette, strict=False):
        fig.add_scatter(x=tv * 1000, y=values, mode="lines", name=name, line={"color": color},
                        hovertemplate=money_hover("x", "TV") + "<br>%{y:.2f} per $1"
                        + "<extra></extra>")  # fmt: skip
    fig.add_hline(y=1.0, line={"color": COLORS["vermillion"], "dash": "dash", "width": 2},
                  annotation_text="$1 back per $1", annotation_position="top right")  # fmt: skip
    fig.add_scatter(x=[point[0] * 1000], y=[point[1]], mode="markers", name="your plan",
                    marker={"color": COLORS["black"], "size": MARKER_SIZE + 4})  # fmt: skip
    fig.update_xaxes(tickprefix="$", tickformat=",.0f")
    fig.update_layout(legend={"x": 0.99, "y": 0.99, "xanchor": "right"})
    return fig

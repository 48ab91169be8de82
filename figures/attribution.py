"""Figures of the gradient-attribution lesson.

Creative / heat map / overlay, convergence of the completeness gap, methods scored against the
true regions, and the tabular decomposition.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from core.attribution.creatives import luminance
from figures.theme import (
    COLORS,
    DIVERGING,
    FONT_SIZE,
    LINE_WIDTH,
    MARKER_SIZE,
    TEMPLATE,
    new_figure,
)

LIGHT = DIVERGING[1][1]  # the theme's neutral (zero) colour
SIGN_COLOR = {"positive": COLORS["vermillion"], "negative": COLORS["blue"], "absolute": COLORS["purple"]}
SIGN_WORD = {
    "positive": "raises the predicted CTR",
    "negative": "lowers the predicted CTR",
    "absolute": "moves the predicted CTR (either way)",
}
PALETTE = ("blue", "orange", "green", "vermillion", "purple", "sky")
METHOD_LABELS = {
    "riemann_left": "Riemann left",
    "riemann_right": "Riemann right",
    "riemann_middle": "Riemann middle",
    "riemann_trapezoid": "Trapezoid",
    "gausslegendre": "Gauss–Legendre",
    "captum_trapezoid": "Trapezoid, Captum's weights",
}


def _rgb(hex_color: str) -> np.ndarray:
    h = hex_color.lstrip("#")
    return np.array([int(h[i:i + 2], 16) for i in (0, 2, 4)], dtype=float) / 255.0


def overlay_image(image: np.ndarray, heat: np.ndarray, color: str, strength: float = 0.85) -> np.ndarray:
    """Blend a non-negative heat map over a lightened grey copy of the image (uint8 RGB)."""
    grey = luminance(image)
    base = np.repeat((0.45 + 0.5 * grey)[..., None], 3, axis=2)
    peak = float(np.max(heat)) if np.size(heat) else 0.0
    alpha = (strength * np.asarray(heat, float) / peak if peak > 0 else np.zeros_like(grey))[..., None]
    blend = (1 - alpha) * base + alpha * _rgb(color)
    return np.round(np.clip(blend, 0, 1) * 255).astype(np.uint8)


def mask_outline(mask: np.ndarray) -> str:
    """SVG path of the edges of a boolean pixel mask ("M x y L x y" per unit edge)."""
    m = np.pad(np.asarray(mask, bool), 1)
    parts = [f"M{c - 0.5},{r - 0.5}L{c + 0.5},{r - 0.5}"  # horizontal edges
             for r, c in zip(*np.nonzero(m[1:, 1:-1] != m[:-1, 1:-1]), strict=True)]
    parts += [f"M{c - 0.5},{r - 0.5}L{c - 0.5},{r + 0.5}"  # vertical edges
              for r, c in zip(*np.nonzero(m[1:-1, 1:] != m[1:-1, :-1]), strict=True)]
    return "".join(parts)


def _panel_axes(side: int) -> dict:
    """Three square image axes side by side (built once: faster than make_subplots + updates)."""
    layout: dict = {}
    for k, (lo, hi) in enumerate(((0.0, 0.3067), (0.3467, 0.6533), (0.6933, 1.0)), start=1):
        suffix = "" if k == 1 else str(k)
        common = {"showgrid": False, "showticklabels": False, "zeroline": False, "ticks": "",
                  "constrain": "domain", "showline": False}
        layout[f"xaxis{suffix}"] = {**common, "domain": [lo, hi], "anchor": f"y{suffix}",
                                    "range": [-0.5, side - 0.5], "scaleanchor": f"y{suffix}"}
        layout[f"yaxis{suffix}"] = {**common, "domain": [0.0, 1.0], "anchor": f"x{suffix}",
                                    "range": [side - 0.5, -0.5]}
    return layout


def creative_panels(
    image: np.ndarray,
    heat: np.ndarray,
    sign: str = "absolute",
    truth: np.ndarray | None = None,
    title: str = "",
    unit: str = "CTR points",
) -> go.Figure:
    """Original creative, heat map of one sign, and the overlay, side by side.

    ``heat`` is a non-negative (H, W) map (e.g. ``core.attribution.pixel_map``), ``truth`` an
    optional boolean mask outlined in black on the heat map and the overlay.
    """
    color = SIGN_COLOR[sign]
    data = [
        go.Image(z=np.round(np.clip(image, 0, 1) * 255).astype(np.uint8),
                 hovertemplate="pixel (%{x}, %{y})<extra></extra>"),
        go.Heatmap(
            z=heat, colorscale=[[0, LIGHT], [1, color]], zmin=0, showscale=True, xaxis="x2",
            yaxis="y2",
            colorbar={"orientation": "h", "x": 0.5, "xanchor": "center", "y": -0.1, "len": 0.3,
                      "thickness": 16, "title": {"text": unit, "side": "top"}, "tickformat": ".2~g"},
            hovertemplate=f"pixel (%{{x}}, %{{y}})<br>%{{z:.4f}} {unit}<extra></extra>",
        ),
        go.Image(z=overlay_image(image, heat, color), hoverinfo="skip", xaxis="x3", yaxis="y3"),
    ]
    shapes = []
    if truth is not None and np.any(truth):
        path = mask_outline(truth)
        shapes = [{"type": "path", "path": path, "xref": f"x{k}", "yref": f"y{k}",
                   "line": {"color": COLORS["black"], "width": 2.5}, "name": "true drivers",
                   "showlegend": k == 2} for k in (2, 3)]
    titles = ("Creative", f"Heat map: what {SIGN_WORD[sign]}", "Overlay")
    annotations = [{"text": t, "x": x, "y": 1.0, "xref": "paper", "yref": "paper",
                    "xanchor": "center", "yanchor": "bottom", "showarrow": False,
                    "font": {"size": FONT_SIZE + 1}}
                   for t, x in zip(titles, (0.1533, 0.5, 0.8467), strict=True)]
    return go.Figure(data=data, layout={
        "template": TEMPLATE, "height": 480, "title": {"text": title},
        "margin": {"l": 10, "r": 10, "t": 90, "b": 85}, "annotations": annotations, "shapes": shapes,
        "legend": {"orientation": "h", "x": 1, "xanchor": "right", "y": 1.12},
        **_panel_axes(image.shape[0]),
    })


def convergence_figure(steps_grid: Sequence[int], gaps: Mapping[str, np.ndarray],
                       chosen: str | None = None, unit: str = "CTR points") -> go.Figure:
    """|completeness gap| against steps on log–log axes, one line per quadrature rule."""
    fig = new_figure(title="Completeness gap against steps",
                     xaxis_title="steps (gradient evaluations)", yaxis_title=f"|gap| ({unit})")
    floor = 1e-12
    for i, (method, gap) in enumerate(gaps.items()):
        y = np.maximum(np.abs(np.asarray(gap, float)), floor)
        fig.add_trace(go.Scatter(
            x=list(steps_grid), y=y, mode="lines+markers", name=METHOD_LABELS.get(method, method),
            line={"width": LINE_WIDTH + (2 if method == chosen else 0),
                  "dash": "solid" if method == chosen or chosen is None else "dot",
                  "color": [COLORS[c] for c in PALETTE][i % len(PALETTE)]},
            marker={"size": MARKER_SIZE},
            hovertemplate="%{x} steps: |gap| %{y:.2e}<extra>%{fullData.name}</extra>",
        ))
    fig.update_xaxes(type="log", tickvals=list(steps_grid))
    fig.update_yaxes(type="log", exponentformat="power")
    fig.update_layout(height=480, legend={"orientation": "h", "x": 0, "y": -0.22, "yanchor": "top"},
                      margin={"b": 120})
    return fig


def truth_scores_figure(scores: Mapping[str, float], random_share: float, area_share: float) -> go.Figure:
    """Share of each method's attribution mass inside the true regions, against a random map."""
    names = list(scores)
    values = [100 * scores[n] for n in names]
    fig = new_figure(title="How much of each map falls on the true drivers",
                     xaxis_title="share of attribution inside the true regions (%)")
    fig.add_trace(go.Bar(
        x=values, y=names, orientation="h", marker={"color": COLORS["green"]},
        text=[f"{v:.0f} %" for v in values], textposition="outside", cliponaxis=False,
        hovertemplate="%{y}: %{x:.1f} %<extra></extra>", name="method",
    ))
    fig.add_vline(x=100 * random_share, line={"color": COLORS["grey"], "width": LINE_WIDTH, "dash": "dash"},
                  annotation={"text": f"random map {100 * random_share:.0f} %", "font": {"size": FONT_SIZE}},
                  annotation_position="top")
    fig.update_xaxes(range=[0, 105])
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(height=120 + 60 * len(names), showlegend=False,
                      meta={"area_share": area_share})
    return fig


def tabular_waterfall(labels: Sequence[str], attributions: Sequence[float], f_baseline: float,
                      f_x: float, unit: str = "%") -> go.Figure:
    """Waterfall: baseline CTR, one step per feature's IG attribution, ending at the prediction."""
    attributions = [float(a) for a in attributions]
    fig = new_figure(title="Prediction = baseline + Σ Integrated Gradients",
                     yaxis_title=f"predicted CTR ({unit})")
    x = ["Baseline ad", *labels, "This ad"]
    fig.add_trace(go.Waterfall(
        x=x, y=[f_baseline, *attributions, f_x], measure=["absolute", *["relative"] * len(labels), "total"],
        text=[f"{f_baseline:.2f}", *[f"{round(a, 2) + 0.0:+.2f}" for a in attributions], f"{f_x:.2f}"],
        textposition="outside", textfont={"size": FONT_SIZE}, cliponaxis=False,
        increasing={"marker": {"color": COLORS["vermillion"]}},
        decreasing={"marker": {"color": COLORS["blue"]}},
        totals={"marker": {"color": COLORS["grey"]}},
        connector={"line": {"color": COLORS["grey"], "width": 1.5}},
        hovertemplate="%{x}: %{text}<extra></extra>",
    ))
    lo = min(0.0, *np.cumsum([f_baseline, *attributions]))
    hi = max(np.cumsum([f_baseline, *attributions]).max(), f_x)
    fig.update_yaxes(range=[lo, hi * 1.18 + 0.05])
    fig.update_layout(height=460, showlegend=False)
    return fig

"""The home page's lesson map: how the ideas of the lab connect."""

from __future__ import annotations

import math

import plotly.graph_objects as go

from figures.theme import COLORS, FONT_SIZE, new_figure

# Approximate half-size of a concept box in pixels, so arrows stop at its edge.
_HALF_WIDTH, _HALF_HEIGHT = 100.0, 36.0
_DARK_TEXT = {"orange", "sky", "yellow"}


def _edge_standoff(dx: float, dy: float) -> float:
    """Distance in pixels from a box centre to its edge along direction (dx, dy)."""
    angle = math.atan2(dy, dx)
    cos, sin = abs(math.cos(angle)), abs(math.sin(angle))
    along_x = _HALF_WIDTH / cos if cos > 1e-9 else math.inf
    along_y = _HALF_HEIGHT / sin if sin > 1e-9 else math.inf
    return min(along_x, along_y) + 4

# (name, x, y, colour) — positions in a 0..10 × 0..6 canvas.
CONCEPTS: tuple[tuple[str, float, float, str], ...] = (
    ("Partial derivative<br>∂f/∂xᵢ", 1.0, 3.0, "blue"),
    ("Gradient<br>∇f = (∂f/∂x₁, …, ∂f/∂xₙ)", 4.6, 4.9, "orange"),
    ("Gradient descent<br>x ← x − η∇f", 8.6, 4.9, "green"),
    ("Backpropagation<br>all partials in one sweep", 6.6, 3.0, "vermillion"),
    ("Marginal return<br>∂ response / ∂ spend", 4.6, 1.1, "purple"),
    ("Attribution<br>∂ prediction / ∂ input", 8.6, 1.1, "sky"),
)

# (from, to, label)
LINKS: tuple[tuple[int, int, str], ...] = (
    (0, 1, "collect every partial"),
    (1, 2, "step against it"),
    (3, 1, "computes it cheaply"),
    (0, 4, "of a response curve"),
    (0, 5, "of a model's output"),
    (3, 5, "same backward sweep"),
)


def lesson_map(
    concepts: tuple[tuple[str, float, float, str], ...] = CONCEPTS,
    links: tuple[tuple[int, int, str], ...] = LINKS,
) -> go.Figure:
    """Draw the concept graph as labelled boxes joined by labelled arrows."""
    fig = new_figure(height=460, margin={"l": 10, "r": 10, "t": 10, "b": 10}, showlegend=False)
    for start, end, label in links:
        _, x0, y0, _ = concepts[start]
        _, x1, y1, _ = concepts[end]
        fig.add_annotation(
            x=x1, y=y1, ax=x0, ay=y0, xref="x", yref="y", axref="x", ayref="y",
            showarrow=True, arrowhead=3, arrowsize=1.4, arrowwidth=2.5, arrowcolor=COLORS["grey"],
            standoff=_edge_standoff(x1 - x0, y1 - y0),
            startstandoff=_edge_standoff(x1 - x0, y1 - y0), text="",
        )
        fig.add_annotation(
            x=(x0 + x1) / 2, y=(y0 + y1) / 2, text=f"<i>{label}</i>", showarrow=False,
            font={"size": FONT_SIZE - 2, "color": "#333333"}, bgcolor="rgba(255,255,255,0.9)",
        )
    for name, x, y, colour in concepts:
        fig.add_annotation(
            x=x, y=y, text=f"<b>{name}</b>", showarrow=False, font={"size": FONT_SIZE, "color": "black" if colour in _DARK_TEXT else "white"},
            bgcolor=COLORS[colour], borderpad=10, bordercolor=COLORS[colour],
        )
    fig.add_trace(
        go.Scatter(
            x=[c[1] for c in concepts], y=[c[2] for c in concepts], mode="markers",
            marker={"size": 1, "opacity": 0}, hoverinfo="skip",
        )
    )
    fig.update_xaxes(visible=False, range=[-0.4, 10.2], fixedrange=True)
    fig.update_yaxes(visible=False, range=[0.2, 5.8], fixedrange=True)
    return fig

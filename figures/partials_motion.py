"""The motions of the partial-derivatives lesson, played by Plotly in the browser.

- :func:`walk_figure`: a point walking along one slice with its tangent line;
- :func:`secant_figure`: h shrinking, the secant turning into the tangent;
- :func:`direction_figure`: θ turning u around the point on the contour map, with ∇f·u.

Every number comes from :mod:`core.calculus` (a :class:`SliceWalk`, :class:`SecantFamily` or
:class:`DirectionTurn`); these builders only assemble frames. A frame moves one or two traces,
each written as a short list (8 significant digits), so a motion costs a few kilobytes.
Colours follow :mod:`figures.partials`.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.calculus import DirectionTurn, Grid, PointAnalysis, SecantFamily, SliceWalk
from figures.motion import animate, below_axis_title, frame
from figures.partials import (
    BLACK,
    DIR_COLOR,
    GRAD_COLOR,
    SECANT_COLOR,
    X_COLOR,
    Y_COLOR,
    finite_range,
    hline,
)
from figures.theme import LINE_WIDTH, MARKER_SIZE, SEQUENTIAL, fast_figure

DIGITS = 8


def numbers(values) -> list[float | None]:
    """Plain numbers for a frame: 8 significant digits, None (a gap) where undefined."""
    return [float(f"{v:.{DIGITS}g}") if np.isfinite(v) else None
            for v in np.asarray(values, dtype=float).ravel()]


def _text(value: float, digits: int = 4) -> str:
    return f"{value:.{digits}g}" if np.isfinite(value) else "undefined"


def _tangent_at(walk: SliceWalk, k: int) -> dict:
    s = walk.segment_s[k]
    return {"x": numbers([s[0], walk.stops[k], s[1]]),
            "y": numbers([walk.segment_f[k, 0], walk.values[k], walk.segment_f[k, 1]])}


def walk_figure(walk: SliceWalk, curve: tuple[np.ndarray, np.ndarray], active: int) -> go.Figure:
    """The slice of f where one coordinate is held fixed, and a point walking along it.

    Parameters
    ----------
    walk : SliceWalk
        The stops, values, exact slopes and tangent segments (:func:`core.calculus.slice_walk`).
    curve : tuple of numpy.ndarray
        The slice drawn as a curve: positions and values.
    active : int
        The stop shown first: the page's slider value.
    """
    along, held = walk.along, "y" if walk.along == "x" else "x"
    color = X_COLOR if along == "x" else Y_COLOR
    partial = f"∂f/∂{along}"
    data = [
        {"type": "scatter", "x": numbers(curve[0]), "y": numbers(curve[1]), "mode": "lines",
         "name": f"f with {held} = {walk.fixed:.2f}", "line": {"color": BLACK},
         "hovertemplate": f"{along}=%{{x:.2f}}<br>f=%{{y:.4g}}<extra></extra>"},
        {"type": "scatter", **_tangent_at(walk, active), "mode": "lines+markers",
         "name": f"tangent: slope {partial}", "line": {"color": color, "width": LINE_WIDTH + 2},
         "marker": {"size": [0, MARKER_SIZE + 5, 0], "color": color,
                    "line": {"color": "white", "width": 2}}, "hoverinfo": "skip"},
    ]
    layout = {
        "title": {"text": f"Along {along}, {held} held at {walk.fixed:.2f}: the slope is {partial}"},
        "height": 400, "showlegend": True,
        "legend": {"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom"},
        "margin": {"t": 110},
        "xaxis": {"title": {"text": along}, "range": [float(curve[0][0]), float(curve[0][-1])]},
        "yaxis": {"title": {"text": f"f({'x, y₀' if along == 'x' else 'x₀, y'})"},
                  "range": list(finite_range(curve[1], 0.15))},
    }
    fig = fast_figure(data, layout)
    frames = [frame(f"s{k}", [_tangent_at(walk, k)], [1]) for k in range(walk.stops.size)]
    labels = [f"{s:.2f}: {partial} = {_text(m)}" for s, m in zip(walk.stops, walk.slopes, strict=True)]
    return below_axis_title(animate(fig, frames, labels, active=active, prefix=f"{along} = "))


def _secant_at(family: SecantFamily, k: int, reach: float) -> dict:
    h, f0, slope = family.h[k], family.f0, family.slopes[k]
    x = np.array([family.x0 - reach, family.x0, family.x0 + h, family.x0 + h + reach])
    return {"x": numbers(x), "y": numbers(f0 + slope * (x - family.x0))}


def secant_figure(point: PointAnalysis, family: SecantFamily, active: int) -> go.Figure:
    """The slice y = y₀ with its tangent at x₀ and a secant whose width h the scrubber shrinks."""
    xs, fs = point.slice_x
    slope = float(point.exact[0])
    reach = 0.25 * float(xs[-1] - xs[0])
    data = [{"type": "scatter", "x": numbers(xs), "y": numbers(fs), "mode": "lines",
             "name": "f(x, y₀)", "line": {"color": BLACK}}]
    if np.isfinite(slope) and np.isfinite(point.f0):
        tx = np.array([point.x0 - 1.4 * reach, point.x0 + 1.4 * reach])
        data.append({"type": "scatter", "x": numbers(tx), "y": numbers(point.f0 + slope * (tx - point.x0)),
                     "mode": "lines", "name": f"tangent: slope ∂f/∂x = {slope:.4g}",
                     "line": {"color": X_COLOR, "width": LINE_WIDTH + 2}, "hoverinfo": "skip"})
    moving = len(data)
    data.append({"type": "scatter", **_secant_at(family, active, reach), "mode": "lines+markers",
                 "name": "secant through x₀ and x₀ + h", "hoverinfo": "skip",
                 "line": {"color": SECANT_COLOR, "dash": "dash", "width": LINE_WIDTH},
                 "marker": {"size": [0, 0, MARKER_SIZE + 2, 0], "color": SECANT_COLOR}})
    data.append({"type": "scatter", "x": [point.x0], "y": numbers([point.f0]), "mode": "markers",
                 "name": "x₀", "marker": {"color": BLACK, "size": MARKER_SIZE + 2}})
    layout = {
        "title": {"text": f"Slice y = {point.y0:.2f}: as h shrinks, the secant becomes the tangent"},
        "height": 430, "legend": {"x": 0.01, "y": 0.99, "xanchor": "left"},
        "xaxis": {"title": {"text": "x"}, "range": [float(xs[0]), float(xs[-1])]},
        "yaxis": {"title": {"text": "f(x, y₀)"}, "range": list(finite_range(fs, 0.12))},
    }
    fig = fast_figure(data, layout)
    frames = [frame(f"h{k}", [_secant_at(family, k, reach)], [moving]) for k in range(family.h.size)]
    labels = [f"{h:g}: secant slope {_text(s, 6)}, tangent {_text(slope, 6)}, gap {_text(s - slope, 2)}"
              for h, s in zip(family.h, family.slopes, strict=True)]
    return below_axis_title(animate(fig, frames, labels, active=active, prefix="h = "))


def _u_at(point: PointAnalysis, turn: DirectionTurn, k: int, length: float) -> list[dict]:
    tip = np.array([point.x0, point.y0]) + length * turn.u[k]
    label = np.array([point.x0, point.y0]) + 1.32 * length * turn.u[k]
    heading = 90.0 - float(turn.angles[k])  # Plotly turns markers clockwise from "up"
    arrow = {"x": [point.x0, float(tip[0]), None, float(label[0])],
             "y": [point.y0, float(tip[1]), None, float(label[1])],
             "marker": {"angle": [0.0, heading, 0.0, 0.0]}}
    return [arrow, {"x": [float(turn.angles[k])], "y": numbers([turn.values[k]])}]


def _gradient_marks(point: PointAnalysis, grid: Grid) -> tuple[list[dict], list[dict]]:
    """The contour direction (a trace) and the ∇f arrow with its label past the tip."""
    g = point.exact
    norm = float(np.hypot(*g)) if np.all(np.isfinite(g)) else float("nan")
    if not norm > 0:
        return [], []
    span = float(grid.x[-1] - grid.x[0])
    d = 0.22 * span * g / norm
    line = {"type": "scatter", "x": numbers([point.x0 - 0.3 * d[1], point.x0 + 0.3 * d[1]]),
            "y": numbers([point.y0 + 0.3 * d[0], point.y0 - 0.3 * d[0]]), "mode": "lines",
            "name": "contour direction (∇f·u = 0)", "line": {"color": BLACK, "dash": "dot", "width": 3}}
    arrow = {"x": point.x0 + d[0], "y": point.y0 + d[1], "ax": point.x0, "ay": point.y0,
             "xref": "x", "yref": "y", "axref": "x", "ayref": "y", "showarrow": True, "text": "",
             "arrowhead": 3, "arrowsize": 1.4, "arrowwidth": 4, "arrowcolor": GRAD_COLOR}
    inset = 0.05 * span  # the label stays on the map, past the tip, never on the point
    lx = np.clip(point.x0 + 1.3 * d[0], grid.x[0] + inset, grid.x[-1] - inset)
    ly = np.clip(point.y0 + 1.3 * d[1], grid.y[0] + inset, grid.y[-1] - inset)
    label = {"x": float(lx), "y": float(ly), "xref": "x", "yref": "y",
             "text": "∇f", "showarrow": False, "font": {"color": GRAD_COLOR, "size": 20},
             "bgcolor": "rgba(255,255,255,0.85)"}
    return [line], [arrow, label]


def _profile_traces(grad, profile: tuple[np.ndarray, np.ndarray]) -> list[dict]:
    data = [{"type": "scatter", "x": numbers(profile[0]), "y": numbers(profile[1]), "mode": "lines",
             "name": "∇f·u(θ)", "line": {"color": DIR_COLOR}, "xaxis": "x2", "yaxis": "y2"}]
    if np.all(np.isfinite(grad)) and np.hypot(*grad) > 0:
        best = float(np.rad2deg(np.arctan2(grad[1], grad[0])) % 360)
        data.append({"type": "scatter", "x": [best], "y": numbers([np.hypot(*grad)]),
                     "mode": "markers", "name": "maximum = |∇f|, along ∇f", "xaxis": "x2",
                     "yaxis": "y2", "marker": {"color": GRAD_COLOR, "size": MARKER_SIZE + 4,
                                               "symbol": "star"}})
        data.append({"type": "scatter", "x": sorted(((best + 90) % 360, (best + 270) % 360)),
                     "y": [0.0, 0.0], "mode": "markers", "name": "zero, along the contour",
                     "xaxis": "x2", "yaxis": "y2",
                     "marker": {"color": BLACK, "size": MARKER_SIZE,
                                "symbol": "circle-open", "line": {"width": 3}}})
    return data


def direction_figure(grid: Grid, point: PointAnalysis, turn: DirectionTurn,
                     profile: tuple[np.ndarray, np.ndarray], active: int) -> go.Figure:
    """Contour map with ∇f and a turning u (left), and ∇f·u for every direction (right)."""
    span = float(grid.x[-1] - grid.x[0])
    data = [{"type": "contour", "x": grid.x, "y": grid.y, "z": grid.z.astype(np.float32),
             "colorscale": SEQUENTIAL, "ncontours": 18, "opacity": 0.85,
             "contours": {"coloring": "fill", "showlines": True}, "line": {"width": 1},
             "showscale": False, "name": "f",
             "hovertemplate": "x=%{x:.2f}<br>y=%{y:.2f}<br>f=%{z:.3g}<extra></extra>"}]
    contour_line, annotations = _gradient_marks(point, grid)
    data += contour_line
    data.append({"type": "scatter", "x": [point.x0], "y": [point.y0], "mode": "markers",
                 "name": "(x₀, y₀)", "marker": {"color": BLACK, "size": MARKER_SIZE}})
    data += _profile_traces(point.exact, profile)
    moving = (len(data), len(data) + 1)
    first = _u_at(point, turn, active, 0.2 * span)
    data.append({"type": "scatter", "x": first[0]["x"], "y": first[0]["y"],
                 "mode": "lines+markers+text", "name": "u",
                 "text": ["", "", "", "u"], "textposition": "middle center",
                 "textfont": {"color": DIR_COLOR, "size": 20}, "hoverinfo": "skip",
                 "line": {"color": DIR_COLOR, "width": 4}, "showlegend": False,
                 "cliponaxis": False,
                 "marker": {**first[0]["marker"], "symbol": ["circle", "arrow", "circle", "circle"],
                            "size": [0, 20, 0, 30],
                            "color": [DIR_COLOR, DIR_COLOR, DIR_COLOR, "rgba(255,255,255,0.85)"]}})
    data.append({"type": "scatter", **first[1], "mode": "markers", "name": "∇f·u at θ",
                 "xaxis": "x2", "yaxis": "y2", "marker": {"color": DIR_COLOR, "size": MARKER_SIZE + 4}})
    layout = _direction_layout(grid, annotations)
    fig = fast_figure(data, layout)
    frames = [frame(f"t{k}", _u_at(point, turn, k, 0.2 * span), moving)
              for k in range(turn.angles.size)]
    labels = [f"{a:.0f}°: ∇f·u = {_text(v)}" for a, v in zip(turn.angles, turn.values, strict=True)]
    return below_axis_title(animate(fig, frames, labels, active=active, prefix="θ = "))


def _direction_layout(grid: Grid, annotations: list[dict]) -> dict:
    return {
        "title": {"text": "∇f points uphill, across the contours; ∇f·u peaks along ∇f"},
        "height": 520, "annotations": annotations, "showlegend": True,
        "legend": {"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0},
        "margin": {"t": 130},
        "xaxis": {"title": {"text": "x"}, "range": [float(grid.x[0]), float(grid.x[-1])],
                  "domain": [0.0, 0.46], "constrain": "domain"},
        "yaxis": {"title": {"text": "y"}, "range": [float(grid.y[0]), float(grid.y[-1])],
                  "scaleanchor": "x", "constrain": "domain"},
        "xaxis2": {"title": {"text": "direction angle θ of u (degrees)"}, "range": [0, 360],
                   "dtick": 90, "domain": [0.58, 1.0], "anchor": "y2"},
        "yaxis2": {"title": {"text": "∇f·u"}, "anchor": "x2"},
        "shapes": [{**hline(0.0, "#666666", width=1), "xref": "x2 domain", "yref": "y2"}],
    }

"""Figures of the partial-derivatives lesson: the 3-D surface with its slices, and shared pieces.

The motions (walks along the slices, the secant, the turning direction) are in
:mod:`figures.partials_motion`.

Colour code, shared by every chart of the lesson: x-direction things (slice y = y0, tangent of
slope df/dx) in vermillion, y-direction things in sky blue, the gradient in green, the chosen
direction u in purple, the secant in orange.

Speed: these charts are rebuilt on every slider move, so traces and layouts are written as plain
dicts and assembled by :func:`fast_figure` without Plotly's per-property validation (about 1 ms
instead of 10–25 ms per chart). The figure tests re-validate every figure with ``go.Figure``.
Plotly validates animation frames whatever one asks, which is why the motions keep their
frames small.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.calculus import Grid, PointAnalysis
from figures.theme import COLORS, SEQUENTIAL, fast_figure

X_COLOR, Y_COLOR = COLORS["vermillion"], COLORS["sky"]
GRAD_COLOR, DIR_COLOR, SECANT_COLOR = COLORS["green"], COLORS["purple"], COLORS["orange"]
BLACK = COLORS["black"]
SLICE_LIFT = 0.006


def axis_title(text: str) -> dict:
    return {"text": text}


def title(text: str) -> dict:
    return {"text": text}


def hline(y: float, color: str, dash: str = "solid", width: float = 2) -> dict:
    """A horizontal line across the plot as a layout shape."""
    return {
        "type": "line", "xref": "paper", "x0": 0, "x1": 1, "yref": "y", "y0": y, "y1": y,
        "line": {"color": color, "dash": dash, "width": width}, "layer": "below",
    }  # fmt: skip


def finite_range(values: np.ndarray, pad: float = 0.05) -> tuple[float, float]:
    finite = np.asarray(values, dtype=float)
    finite = finite[np.isfinite(finite)]
    if finite.size == 0:
        return -1.0, 1.0
    low, high = float(finite.min()), float(finite.max())
    span = high - low if high > low else max(1.0, abs(high))
    return low - pad * span, high + pad * span


def _tangent_reach(slope: float, run: float, rise: float) -> float:
    """Half-length along the axis of a tangent segment that stays inside the z span."""
    if not np.isfinite(slope) or slope == 0:
        return run
    return min(run, rise / abs(slope))


def _line3d(x, y, z, color, name, width=9) -> dict:
    return {
        "type": "scatter3d", "x": x, "y": y, "z": z, "mode": "lines", "name": name,
        "line": {"color": color, "width": width}, "hoverinfo": "skip",
    }  # fmt: skip


def _flat_surface(x, y, z, color: str, opacity: float, name: str, legend: bool) -> dict:
    return {
        "type": "surface", "x": x, "y": y, "z": z, "surfacecolor": np.zeros((2, 2)),
        "colorscale": [[0, color], [1, color]], "showscale": False, "opacity": opacity,
        "name": name, "showlegend": legend, "hoverinfo": "skip",
    }  # fmt: skip


def _slice_plane(axis: str, value: float, other: tuple, z: tuple, color: str) -> dict:
    a = np.full((2, 2), value)
    b = np.array([[other[0], other[1]], [other[0], other[1]]])
    zz = np.array([[z[0], z[0]], [z[1], z[1]]])
    x, y = (a, b) if axis == "x" else (b, a)
    return _flat_surface(x, y, zz, color, 0.18, f"plane {axis} = {value:.2f}", False)


def _tangent_traces(p: PointAnalysis, grid: Grid, zr: tuple, plane: bool) -> list[dict]:
    run = 0.3 * float(grid.x[-1] - grid.x[0])
    fx, fy = p.exact
    rise = 0.45 * (zr[1] - zr[0])
    tx, ty = _tangent_reach(fx, run, rise), _tangent_reach(fy, run, rise)
    t = np.array([-1.0, 1.0])
    traces = [
        _line3d(p.x0 + tx * t, [p.y0] * 2, p.f0 + fx * tx * t, X_COLOR,
                f"tangent, slope ∂f/∂x = {fx:.3g}", width=12),
        _line3d([p.x0] * 2, p.y0 + ty * t, p.f0 + fy * ty * t, Y_COLOR,
                f"tangent, slope ∂f/∂y = {fy:.3g}", width=12),
    ]  # fmt: skip
    if plane:
        s = min(tx, ty) * t
        px, py = np.meshgrid(p.x0 + s, p.y0 + s)
        pz = p.f0 + fx * (px - p.x0) + fy * (py - p.y0)
        traces.append(_flat_surface(px, py, pz, GRAD_COLOR, 0.55, "tangent plane", True))
    return traces


def _scene(labels: tuple[str, str], zr: tuple[float, float]) -> dict:
    axis = {"title": {"font": {"size": 18}}, "tickfont": {"size": 13}}
    return {
        "xaxis": {**axis, "title": {"text": labels[0], "font": {"size": 18}}},
        "yaxis": {**axis, "title": {"text": labels[1], "font": {"size": 18}}},
        "zaxis": {**axis, "title": {"text": "f", "font": {"size": 18}}, "range": list(zr)},
        "aspectmode": "manual", "aspectratio": {"x": 1, "y": 1, "z": 0.75},
        "camera": {"eye": {"x": 1.45, "y": -1.45, "z": 0.9}},
    }  # fmt: skip


def surface_figure(
    grid: Grid, point: PointAnalysis, *, planes: bool = True, tangent_plane: bool = False,
    labels: tuple[str, str] = ("x", "y"), revision: str = "surface",
) -> go.Figure:  # fmt: skip
    """3-D surface with the slice planes, their intersection curves and the tangent lines."""
    zr = finite_range(grid.z)
    data = [{
        "type": "surface", "x": grid.x, "y": grid.y, "z": grid.z.astype(np.float32),
        "colorscale": SEQUENTIAL,
        "opacity": 0.7, "showscale": False, "name": "f(x, y)",
        "hovertemplate": "x=%{x:.2f}<br>y=%{y:.2f}<br>f=%{z:.3g}<extra></extra>",
    }]  # fmt: skip
    if planes:
        data.append(_slice_plane("y", point.y0, (grid.x[0], grid.x[-1]), zr, X_COLOR))
        data.append(_slice_plane("x", point.x0, (grid.y[0], grid.y[-1]), zr, Y_COLOR))
    xs, fxs = point.slice_x
    ys, fys = point.slice_y
    lift = SLICE_LIFT * (zr[1] - zr[0])  # drawn a hair above the surface so it is not hidden
    data.append(_line3d(xs, np.full_like(xs, point.y0), fxs + lift, X_COLOR,
                        f"slice y = {point.y0:.2f}"))  # fmt: skip
    data.append(_line3d(np.full_like(ys, point.x0), ys, fys + lift, Y_COLOR,
                        f"slice x = {point.x0:.2f}"))  # fmt: skip
    if np.isfinite(point.f0) and np.all(np.isfinite(point.exact)):
        data.extend(_tangent_traces(point, grid, zr, tangent_plane))
        data.append({
            "type": "scatter3d", "x": [point.x0], "y": [point.y0], "z": [point.f0],
            "mode": "markers", "name": "(x₀, y₀)", "marker": {"size": 7, "color": BLACK},
        })  # fmt: skip
    layout = {
        "height": 660, "margin": {"l": 0, "r": 0, "t": 10, "b": 70}, "uirevision": revision,
        "legend": {"orientation": "h", "x": 0.0, "y": 0.0, "yanchor": "top", "font": {"size": 15}},
        "scene": _scene(labels, zr),
    }  # fmt: skip
    return fast_figure(data, layout)

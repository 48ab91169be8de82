"""Figures of the partial-derivatives lesson: 3-D surface with slices, slice view, contour map.

Colour code, shared by every chart of the lesson: x-direction things (slice y = y0, tangent of
slope df/dx) in vermillion, y-direction things in sky blue, the gradient in green, the chosen
direction u in purple, the secant in orange.

Speed: these charts are rebuilt on every slider move, so traces and layouts are written as plain
dicts and assembled by :func:`fast_figure` without Plotly's per-property validation (about 1 ms
instead of 10–25 ms per chart). The figure tests re-validate every figure with ``go.Figure``.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.calculus import Grid, PointAnalysis
from figures.theme import COLORS, LINE_WIDTH, MARKER_SIZE, SEQUENTIAL, TEMPLATE

X_COLOR, Y_COLOR = COLORS["vermillion"], COLORS["sky"]
GRAD_COLOR, DIR_COLOR, SECANT_COLOR = COLORS["green"], COLORS["purple"], COLORS["orange"]
BLACK = COLORS["black"]
CONTOUR_POINTS = 50
SLICE_LIFT = 0.006


def fast_figure(data: list[dict], layout: dict) -> go.Figure:
    """Assemble a themed figure from plain dicts, skipping Plotly's validation."""
    return go.Figure(data=data, layout={"template": TEMPLATE, **layout}, _validate=False)


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


def _line(x, y, name: str, color: str, **extra) -> dict:
    return {"type": "scatter", "x": x, "y": y, "mode": "lines", "name": name,
            "line": {"color": color, **extra.pop("line", {})}, **extra}  # fmt: skip


def _dot(x, y, name: str, color: str, size: int = MARKER_SIZE, **extra) -> dict:
    marker = {"color": color, "size": size, **extra.pop("marker", {})}
    return {"type": "scatter", "x": x, "y": y, "mode": "markers", "name": name,
            "marker": marker, **extra}  # fmt: skip


def slice_figure(
    point: PointAnalysis, secant: tuple[float, float, float], h: float, label: str = "x"
) -> go.Figure:
    """The slice f(x, y0) with its tangent line and a secant of width h."""
    xs, fs = point.slice_x
    data = [_line(xs, fs, "f(x, y₀)", BLACK)]
    slope, span = point.exact[0], 0.35 * float(xs[-1] - xs[0])
    if np.isfinite(slope) and np.isfinite(point.f0):
        tx = np.array([point.x0 - span, point.x0 + span])
        data.append(_line(tx, point.f0 + slope * (tx - point.x0), f"tangent: slope {slope:.4g}",
                          X_COLOR, line={"width": LINE_WIDTH + 1}))  # fmt: skip
    x1, f1, s_slope = secant
    if np.isfinite(s_slope) and np.isfinite(point.f0):
        reach = max(abs(h), 0.25 * span)
        sx = np.array([point.x0 - reach, point.x0 + h + np.sign(h) * reach])
        data.append(_line(sx, point.f0 + s_slope * (sx - point.x0),
                          f"secant, h = {h:.3g}: slope {s_slope:.4g}", SECANT_COLOR,
                          line={"dash": "dash"}))  # fmt: skip
        data.append(_dot([x1], [f1], "x₀ + h", SECANT_COLOR))
    data.append(_dot([point.x0], [point.f0], "x₀", BLACK, MARKER_SIZE + 2))
    layout = {
        "title": title(f"Slice y = {point.y0:.2f}: the tangent's slope is ∂f/∂{label}"),
        "height": 430, "legend": {"x": 0.01, "y": 0.99, "xanchor": "left"},
        "xaxis": {"title": axis_title(label), "range": [float(xs[0]), float(xs[-1])]},
        "yaxis": {"title": axis_title(f"f({label}, y₀)"), "range": list(finite_range(fs, 0.12))},
    }  # fmt: skip
    return fast_figure(data, layout)


def _arrow(x0, y0, dx, dy, color, text) -> dict:
    return {
        "x": x0 + dx, "y": y0 + dy, "ax": x0, "ay": y0, "xref": "x", "yref": "y",
        "axref": "x", "ayref": "y", "showarrow": True, "arrowhead": 3, "arrowsize": 1.4,
        "arrowwidth": 4, "arrowcolor": color, "text": text,
        "font": {"color": color, "size": 18}, "bgcolor": "rgba(255,255,255,0.75)",
    }  # fmt: skip


def contour_figure(grid: Grid, point: PointAnalysis, theta_deg: float) -> go.Figure:
    """Contour map with the gradient arrow, the direction u and the contour line at the point."""
    step = max(1, grid.x.size // CONTOUR_POINTS)  # a contour map needs fewer points
    data = [{
        "type": "contour", "x": grid.x[::step], "y": grid.y[::step],
        "z": grid.z[::step, ::step].astype(np.float32), "colorscale": SEQUENTIAL,
        "ncontours": 18, "opacity": 0.85, "contours": {"coloring": "fill", "showlines": True},
        "line": {"width": 1}, "colorbar": {"title": {"text": "f"}, "thickness": 16}, "name": "f",
        "hovertemplate": "x=%{x:.2f}<br>y=%{y:.2f}<br>f=%{z:.3g}<extra></extra>",
    }]  # fmt: skip
    annotations = []
    span, g = float(grid.x[-1] - grid.x[0]), point.exact
    norm = float(np.hypot(*g)) if np.all(np.isfinite(g)) else float("nan")
    if norm > 0:
        d = 0.28 * span * g / norm
        cx = [point.x0 - 0.3 * d[1], point.x0 + 0.3 * d[1]]
        cy = [point.y0 + 0.3 * d[0], point.y0 - 0.3 * d[0]]
        data.append(_line(cx, cy, "contour direction (∇f·u = 0)", BLACK,
                          line={"dash": "dot", "width": 3}))  # fmt: skip
        annotations.append(_arrow(point.x0, point.y0, d[0], d[1], GRAD_COLOR, "∇f"))
    u = np.array([np.cos(np.deg2rad(theta_deg)), np.sin(np.deg2rad(theta_deg))])
    annotations.append(_arrow(point.x0, point.y0, *(0.2 * span * u), DIR_COLOR, "u"))
    data.append(_dot([point.x0], [point.y0], "(x₀, y₀)", BLACK))
    layout = {
        "title": title("Contour map: ∇f points uphill, across the contour lines"),
        "height": 580, "annotations": annotations, "showlegend": True,
        "legend": {"orientation": "h", "y": -0.15},
        "xaxis": {"title": axis_title("x"), "range": [float(grid.x[0]), float(grid.x[-1])]},
        "yaxis": {"title": axis_title("y"), "range": [float(grid.y[0]), float(grid.y[-1])],
                  "scaleanchor": "x"},
    }  # fmt: skip
    return fast_figure(data, layout)


def directional_figure(angles: np.ndarray, values: np.ndarray, grad, theta_deg: float) -> go.Figure:
    """Directional derivative ∇f·u against the direction angle, with the current angle marked."""
    data = [_line(angles, values, "∇f·u(θ)", DIR_COLOR)]
    if np.all(np.isfinite(grad)) and np.hypot(*grad) > 0:
        best = float(np.rad2deg(np.arctan2(grad[1], grad[0])) % 360)
        zeros = sorted(((best + 90) % 360, (best + 270) % 360))
        data.append(_dot([best], [float(np.hypot(*grad))], "maximum = |∇f|, along ∇f",
                         GRAD_COLOR, MARKER_SIZE + 4, marker={"symbol": "star"}))  # fmt: skip
        data.append(_dot(zeros, [0.0, 0.0], "zero, along the contour", BLACK,
                         marker={"symbol": "circle-open", "line": {"width": 3}}))  # fmt: skip
    current = float(np.interp(theta_deg, angles, values))
    data.append(_dot([theta_deg], [current], f"θ = {theta_deg:.0f}°", DIR_COLOR, MARKER_SIZE + 4))
    layout = {
        "title": title("Directional derivative ∇f·u for every direction"), "height": 470,
        "xaxis": {"title": axis_title("direction angle θ (degrees)"), "range": [0, 360],
                  "dtick": 45},
        "yaxis": {"title": axis_title("∇f·u")}, "shapes": [hline(0.0, COLORS["grey"], width=1)],
        "legend": {"orientation": "h", "y": -0.25},
    }  # fmt: skip
    return fast_figure(data, layout)

"""Figures of the partial-derivatives lesson: 3-D surface with slices, slice view, contour map.

Colour code, shared by every chart of the lesson: x-direction things (slice y = y0, tangent of
slope df/dx) in vermillion, y-direction things in sky blue, the gradient in green, the chosen
direction u in purple, the secant in orange.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.calculus_explorer import Grid, PointAnalysis
from figures.theme import COLORS, LINE_WIDTH, MARKER_SIZE, SEQUENTIAL, new_figure

X_COLOR, Y_COLOR = COLORS["vermillion"], COLORS["sky"]
GRAD_COLOR, DIR_COLOR, SECANT_COLOR = COLORS["green"], COLORS["purple"], COLORS["orange"]


def _finite_range(values: np.ndarray, pad: float = 0.05) -> tuple[float, float]:
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


def _line3d(x, y, z, color, name, width=7, dash="solid") -> go.Scatter3d:
    return go.Scatter3d(
        x=x, y=y, z=z, mode="lines", name=name,
        line={"color": color, "width": width, "dash": dash}, hoverinfo="skip",
    )  # fmt: skip


def _slice_plane(axis: str, value: float, other: tuple, z: tuple, color: str) -> go.Surface:
    lo, hi = other
    a = np.array([[value, value], [value, value]])
    b = np.array([[lo, hi], [lo, hi]])
    zz = np.array([[z[0], z[0]], [z[1], z[1]]])
    xy = (a, b) if axis == "x" else (b, a)
    return go.Surface(
        x=xy[0], y=xy[1], z=zz, surfacecolor=np.zeros((2, 2)), showscale=False,
        colorscale=[[0, color], [1, color]], opacity=0.18, hoverinfo="skip",
        name=f"plane {axis} = {value:.2f}", showlegend=False,
    )  # fmt: skip


def _tangent_traces(p: PointAnalysis, grid: Grid, zr: tuple, plane: bool) -> list:
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
        s = min(tx, ty, run) * np.array([-1.0, 1.0])
        px, py = np.meshgrid(p.x0 + s, p.y0 + s)
        pz = p.f0 + fx * (px - p.x0) + fy * (py - p.y0)
        traces.append(go.Surface(
            x=px, y=py, z=pz, surfacecolor=np.zeros((2, 2)), showscale=False, opacity=0.55,
            colorscale=[[0, GRAD_COLOR], [1, GRAD_COLOR]], name="tangent plane",
            showlegend=True, hoverinfo="skip",
        ))  # fmt: skip
    return traces


def surface_figure(
    grid: Grid, point: PointAnalysis, *, planes: bool = True, tangent_plane: bool = False,
    labels: tuple[str, str] = ("x", "y"), revision: str = "surface",
) -> go.Figure:  # fmt: skip
    """3-D surface with the slice planes, their intersection curves and the tangent lines."""
    zr = _finite_range(grid.z)
    fig = new_figure(height=620, margin={"l": 0, "r": 0, "t": 50, "b": 0})
    fig.add_trace(go.Surface(
        x=grid.x, y=grid.y, z=grid.z, colorscale=SEQUENTIAL, opacity=0.82, showscale=False,
        name="f(x, y)", hovertemplate="x=%{x:.2f}<br>y=%{y:.2f}<br>f=%{z:.3g}<extra></extra>",
    ))  # fmt: skip
    xs, fxs = point.slice_x
    ys, fys = point.slice_y
    if planes:
        fig.add_trace(_slice_plane("y", point.y0, (grid.x[0], grid.x[-1]), zr, X_COLOR))
        fig.add_trace(_slice_plane("x", point.x0, (grid.y[0], grid.y[-1]), zr, Y_COLOR))
    fig.add_trace(_line3d(xs, np.full_like(xs, point.y0), fxs, X_COLOR,
                          f"slice y = {point.y0:.2f}", width=5))  # fmt: skip
    fig.add_trace(_line3d(np.full_like(ys, point.x0), ys, fys, Y_COLOR,
                          f"slice x = {point.x0:.2f}", width=5))  # fmt: skip
    if np.isfinite(point.f0) and np.all(np.isfinite(point.exact)):
        fig.add_traces(_tangent_traces(point, grid, zr, tangent_plane))
        fig.add_trace(go.Scatter3d(
            x=[point.x0], y=[point.y0], z=[point.f0], mode="markers", name="(x₀, y₀)",
            marker={"size": 7, "color": COLORS["black"]},
        ))  # fmt: skip
    axis = {"title": {"font": {"size": 18}}, "tickfont": {"size": 13}}
    fig.update_layout(
        uirevision=revision,
        legend={"x": 0.0, "y": 1.0, "font": {"size": 15}},
        scene={
            "xaxis": {**axis, "title": {"text": labels[0]}},
            "yaxis": {**axis, "title": {"text": labels[1]}},
            "zaxis": {**axis, "title": {"text": "f"}, "range": list(zr)},
            "aspectmode": "manual", "aspectratio": {"x": 1, "y": 1, "z": 0.75},
            "camera": {"eye": {"x": 1.6, "y": -1.6, "z": 1.0}},
        },
    )  # fmt: skip
    return fig


def slice_figure(
    point: PointAnalysis, secant: tuple[float, float, float], h: float, label: str = "x"
) -> go.Figure:
    """The slice f(x, y0) with its tangent line and a secant of width h."""
    xs, fs = point.slice_x
    yr = _finite_range(fs, pad=0.12)
    fig = new_figure(
        title=f"Slice y = {point.y0:.2f}: the tangent's slope is ∂f/∂{label}",
        xaxis_title=label, yaxis_title=f"f({label}, y₀)", height=430,
        yaxis_range=list(yr), xaxis_range=[float(xs[0]), float(xs[-1])],
    )  # fmt: skip
    fig.add_scatter(x=xs, y=fs, mode="lines", name="f(x, y₀)", line={"color": COLORS["black"]})
    slope = point.exact[0]
    span = 0.35 * float(xs[-1] - xs[0])
    if np.isfinite(slope) and np.isfinite(point.f0):
        tx = np.array([point.x0 - span, point.x0 + span])
        fig.add_scatter(x=tx, y=point.f0 + slope * (tx - point.x0), mode="lines",
                        name=f"tangent: slope {slope:.4g}",
                        line={"color": X_COLOR, "width": LINE_WIDTH + 1})  # fmt: skip
    x1, f1, s_slope = secant
    if np.isfinite(s_slope) and np.isfinite(point.f0):
        reach = max(abs(h), 0.25 * span)
        sx = np.array([point.x0 - reach, point.x0 + h + np.sign(h) * reach])
        fig.add_scatter(x=sx, y=point.f0 + s_slope * (sx - point.x0), mode="lines",
                        name=f"secant, h = {h:.3g}: slope {s_slope:.4g}",
                        line={"color": SECANT_COLOR, "dash": "dash"})  # fmt: skip
        fig.add_scatter(x=[x1], y=[f1], mode="markers", name="x₀ + h",
                        marker={"color": SECANT_COLOR, "size": MARKER_SIZE})  # fmt: skip
    fig.add_scatter(x=[point.x0], y=[point.f0], mode="markers", name="x₀",
                    marker={"color": COLORS["black"], "size": MARKER_SIZE + 2})  # fmt: skip
    fig.update_layout(legend={"x": 0.01, "y": 0.99, "xanchor": "left"})
    return fig


def _arrow(x0, y0, dx, dy, color, text) -> dict:
    return dict(
        x=x0 + dx, y=y0 + dy, ax=x0, ay=y0, xref="x", yref="y", axref="x", ayref="y",
        showarrow=True, arrowhead=3, arrowsize=1.4, arrowwidth=4, arrowcolor=color,
        text=text, font={"color": color, "size": 18}, bgcolor="rgba(255,255,255,0.75)",
    )  # fmt: skip


def contour_figure(grid: Grid, point: PointAnalysis, theta_deg: float) -> go.Figure:
    """Contour map with the gradient arrow, the direction u and the contour line at the point."""
    fig = new_figure(title="Contour map: ∇f points uphill, across the contour lines",
                     xaxis_title="x", yaxis_title="y", height=520)  # fmt: skip
    fig.add_trace(go.Contour(
        x=grid.x, y=grid.y, z=grid.z, colorscale=SEQUENTIAL, ncontours=18, opacity=0.85,
        contours={"coloring": "fill", "showlines": True}, line={"width": 1},
        colorbar={"title": {"text": "f"}, "thickness": 16}, name="f",
        hovertemplate="x=%{x:.2f}<br>y=%{y:.2f}<br>f=%{z:.3g}<extra></extra>",
    ))  # fmt: skip
    span = float(grid.x[-1] - grid.x[0])
    g = point.exact
    norm = float(np.hypot(*g)) if np.all(np.isfinite(g)) else float("nan")
    if norm > 0:
        d = 0.28 * span * g / norm
        fig.add_scatter(x=[point.x0 - 0.3 * d[1], point.x0 + 0.3 * d[1]],
                        y=[point.y0 + 0.3 * d[0], point.y0 - 0.3 * d[0]], mode="lines",
                        line={"color": COLORS["black"], "dash": "dot", "width": 3},
                        name="contour direction (∇f·u = 0)")  # fmt: skip
        fig.add_annotation(_arrow(point.x0, point.y0, d[0], d[1], GRAD_COLOR, "∇f"))
    u = np.array([np.cos(np.deg2rad(theta_deg)), np.sin(np.deg2rad(theta_deg))])
    fig.add_annotation(_arrow(point.x0, point.y0, *(0.2 * span * u), DIR_COLOR, "u"))
    fig.add_scatter(x=[point.x0], y=[point.y0], mode="markers", name="(x₀, y₀)",
                    marker={"color": COLORS["black"], "size": MARKER_SIZE})  # fmt: skip
    fig.update_layout(
        xaxis_range=[float(grid.x[0]), float(grid.x[-1])],
        yaxis={"range": [float(grid.y[0]), float(grid.y[-1])], "scaleanchor": "x"},
        legend={"orientation": "h", "y": -0.15},
        showlegend=True,
    )
    return fig


def directional_figure(angles: np.ndarray, values: np.ndarray, grad, theta_deg: float) -> go.Figure:
    """Directional derivative ∇f·u against the direction angle, with the current angle marked."""
    fig = new_figure(title="Directional derivative ∇f·u for every direction",
                     xaxis_title="direction angle θ (degrees)", yaxis_title="∇f·u",
                     height=430)  # fmt: skip
    fig.add_hline(y=0, line={"color": COLORS["grey"], "width": 1})
    fig.add_scatter(x=angles, y=values, mode="lines", name="∇f·u(θ)", line={"color": DIR_COLOR})
    if np.all(np.isfinite(grad)) and np.hypot(*grad) > 0:
        best = float(np.rad2deg(np.arctan2(grad[1], grad[0])) % 360)
        zeros = sorted(((best + 90) % 360, (best + 270) % 360))
        fig.add_scatter(x=[best], y=[float(np.hypot(*grad))], mode="markers+text",
                        text=["along ∇f: largest"], textposition="top center",
                        marker={"color": GRAD_COLOR, "size": MARKER_SIZE + 2, "symbol": "star"},
                        name="maximum = |∇f|")  # fmt: skip
        fig.add_scatter(x=zeros, y=[0, 0], mode="markers", name="along the contour: zero",
                        marker={"color": COLORS["black"], "size": MARKER_SIZE,
                                "symbol": "circle-open", "line": {"width": 3}})  # fmt: skip
    current = float(np.interp(theta_deg, angles, values))
    fig.add_scatter(x=[theta_deg], y=[current], mode="markers", name=f"θ = {theta_deg:.0f}°",
                    marker={"color": DIR_COLOR, "size": MARKER_SIZE + 4})  # fmt: skip
    fig.update_layout(xaxis={"range": [0, 360], "dtick": 45},
                      legend={"orientation": "h", "y": -0.25})  # fmt: skip
    return fig

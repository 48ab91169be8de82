"""Contour map of a loss surface with optimizer paths, downhill arrows and a replay.

The contour is drawn on a log scale of ``f - min`` so both the steep walls and the flat floor
show structure. The replay slider restyles only the "current point" markers and arrows, so it
runs in the browser without a server round trip.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from core.descent import Surface, Trajectory
from figures.theme import COLORS, FONT_SIZE, LINE_WIDTH, TEMPLATE

MAX_FRAMES = 40  # replay slider positions
CLICK_GRID = 21  # a 20 x 20 lattice of start points: cheap to draw, slider-fine-tunable
STEP_DOTS = 150
ARROW_GRID = 13


@dataclass(frozen=True)
class Run:
    """One optimizer path to draw: a legend label, a palette colour and its trajectory."""

    label: str
    color: str
    trajectory: Trajectory


def tint(color: str, alpha: float) -> str:
    """A palette hex colour as ``rgba`` with the given opacity."""
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def contour_levels(z: np.ndarray) -> tuple[np.ndarray, float]:
    """Log-compress ``z`` for contouring: ``log10(z - min + delta)``; returns it and delta."""
    finite = z[np.isfinite(z)]
    if finite.size == 0:
        return np.zeros_like(z), 1.0
    lo, hi = float(finite.min()), float(finite.max())
    delta = max((hi - lo) * 1e-3, 1e-12)
    with np.errstate(invalid="ignore"):
        return np.log10(z - lo + delta), delta


def _contour_trace(xs, ys, z) -> dict:
    zt, _ = contour_levels(z)
    grey = COLORS["grey"]
    return {
        "type": "contour", "x": xs, "y": ys, "z": zt, "ncontours": 20, "showscale": False,
        "contours": {"coloring": "heatmap"},  # a raster fill: far cheaper to draw than SVG bands
        "colorscale": [[0.0, tint(grey, 0.0)], [1.0, tint(grey, 0.4)]],
        "line": {"color": tint(grey, 0.55), "width": 1}, "hoverinfo": "skip", "name": "loss",
        "showlegend": False,
    }


def _arrow_trace(surface: Surface) -> dict:
    """Downhill directions -grad f on a coarse grid, as rotated arrow markers.

    Plotly's marker ``angle`` is in degrees clockwise from "up" on screen; the axes have equal
    scales (``scaleanchor``), so the screen angle of (dx, dy) is ``atan2(dx, dy)``.
    """
    xs = np.linspace(*surface.x_range, ARROW_GRID + 2)[1:-1]
    ys = np.linspace(*surface.y_range, ARROW_GRID + 2)[1:-1]
    gx_grid, gy_grid = np.meshgrid(xs, ys)
    with np.errstate(all="ignore"):
        gx, gy = (np.broadcast_to(np.asarray(v, dtype=float), gx_grid.shape)
                  for v in surface.gradient(gx_grid, gy_grid))
    norm = np.hypot(gx, gy)
    ok = np.isfinite(norm) & (norm > 0)
    return {
        "type": "scatter", "x": gx_grid[ok], "y": gy_grid[ok], "mode": "markers",
        "marker": {"symbol": "arrow", "size": 12, "angle": np.degrees(np.arctan2(-gx, -gy))[ok],
                   "color": tint(COLORS["grey"], 0.7), "line": {"width": 0}},
        "hoverinfo": "skip", "name": "downhill direction (−∇f)", "showlegend": True,
    }


def _click_trace(surface: Surface) -> dict:
    """Invisible points over the window so a click can pick a start (contours can't select)."""
    xs = np.linspace(*surface.x_range, CLICK_GRID)
    ys = np.linspace(*surface.y_range, CLICK_GRID)
    gx, gy = (a.ravel().round(4) for a in np.meshgrid(xs, ys))
    with np.errstate(all="ignore"):
        f = np.broadcast_to(np.asarray(surface.value(gx, gy), dtype=float), gx.shape)
    ok = np.isfinite(f)  # no start where the loss is undefined
    return {
        "type": "scatter", "x": gx[ok], "y": gy[ok], "customdata": f[ok], "mode": "markers",
        "marker": {"size": 14, "color": "rgba(0,0,0,0)"}, "showlegend": False, "name": "start",
        "hovertemplate": "f(%{x:.2f}, %{y:.2f}) = %{customdata:.4g}<br>click to start here"
        "<extra></extra>",
    }


def _path_traces(run: Run) -> list[dict]:
    pts = run.trajectory.points
    diverged = run.trajectory.diverged_at
    label = run.label + (f" — diverged at step {diverged}" if diverged else "")
    path = {
        "type": "scatter", "x": pts[:, 0], "y": pts[:, 1],
        # a dot per step shows the discrete jumps; past ~150 steps they only cost render time
        "mode": "lines+markers" if len(pts) <= STEP_DOTS else "lines",
        "line": {"color": run.color, "width": LINE_WIDTH}, "name": label,
        "marker": {"size": 5, "color": run.color}, "legendgroup": run.label,
        "hovertemplate": "step %{customdata}: (%{x:.3f}, %{y:.3f})<extra>" + run.label
        + "</extra>", "customdata": np.arange(len(pts)),
    }
    start = {
        "type": "scatter", "x": pts[:1, 0], "y": pts[:1, 1], "mode": "markers",
        "marker": {"size": 15, "symbol": "circle-open", "color": run.color,
                   "line": {"width": 3, "color": run.color}},
        "showlegend": False, "hoverinfo": "skip", "legendgroup": run.label,
    }
    return [path, start]


def _current(run: Run, k: int, length: float, surface: Surface) -> list[dict]:
    """Two traces: the run's downhill arrow -g/|g| at step ``k``, and its point on top."""
    traj = run.trajectory
    k = min(k, len(traj.points) - 1)
    x, y = (float(v) for v in traj.points[k])
    with np.errstate(all="ignore"):
        g = traj.grads[k] if k < len(traj.grads) else surface.grad(traj.points[k])
    n = float(np.hypot(*g))
    dx, dy = (-length * g[0] / n, -length * g[1] / n) if np.isfinite(n) and n > 0 else (0, 0)
    arrow = {
        "type": "scatter", "x": [x, x + dx], "y": [y, y + dy], "mode": "lines+markers",
        "line": {"color": run.color, "width": 4}, "hoverinfo": "skip", "showlegend": False,
        "marker": {"symbol": "arrow", "size": [0, 16], "color": run.color,
                   "angle": float(np.degrees(np.arctan2(dx, dy)))},
    }
    point = {
        "type": "scatter", "x": [x], "y": [y], "mode": "markers", "showlegend": False,
        "marker": {"size": 18, "color": run.color, "line": {"width": 2, "color": "white"}},
        "hovertemplate": f"{run.label}<extra></extra>",
    }
    return [arrow, point]


def _frame_steps(runs: Sequence[Run]) -> np.ndarray:
    longest = max(len(r.trajectory.points) for r in runs)
    return np.unique(np.linspace(0, longest - 1, min(longest, MAX_FRAMES)).round().astype(int))


def _replay_slider(steps: np.ndarray, runs: Sequence[Run], indices: list[int], length: float,
                   surface: Surface) -> dict:
    """A Plotly slider that restyles the "current point" traces to each step, in the browser.

    ``restyle`` (not ``animate``) because Plotly animations drop contour traces from the plot.
    """
    slider_steps = []
    for k in steps:
        traces = [t for r in runs for t in _current(r, int(k), length, surface)]
        update = {"x": [t["x"] for t in traces], "y": [t["y"] for t in traces],
                  "marker.angle": [t["marker"].get("angle", 0.0) for t in traces]}
        slider_steps.append({"method": "restyle", "label": str(k), "args": [update, indices]})
    return {
        "active": len(steps) - 1, "x": 0.0, "len": 1.0, "y": -0.13, "yanchor": "top",
        "currentvalue": {"prefix": "replay: step ", "font": {"size": FONT_SIZE},
                         "xanchor": "left"},
        "pad": {"t": 10}, "steps": slider_steps, "font": {"size": FONT_SIZE - 3},
    }


def descent_figure(
    surface: Surface,
    grid: tuple[np.ndarray, np.ndarray, np.ndarray],
    runs: Sequence[Run],
    *,
    replay: bool = True,
    clickable: bool = True,
    height: int = 620,
) -> go.Figure:
    """Contour of ``surface`` with each run's path, its current downhill arrow and a replay.

    ``grid`` is ``surface.grid(n)`` (cached by the caller). Traces: contour, arrow field,
    [click overlay], minima, then per run the path and start, then one "current point"
    marker per run (the traces the replay slider moves).
    """
    xs, ys, z = grid
    span = min(np.ptp(surface.x_range), np.ptp(surface.y_range))
    arrow_len = 0.09 * span
    traces = [_contour_trace(xs, ys, z), _arrow_trace(surface)]
    if clickable:
        traces.append(_click_trace(surface))
    if surface.minima:
        mins = np.array(surface.minima)
        traces.append({
            "type": "scatter", "x": mins[:, 0], "y": mins[:, 1], "mode": "markers",
            "marker": {"symbol": "star", "size": 18, "color": COLORS["black"]},
            "name": "minimum", "hovertemplate": "minimum (%{x:.3f}, %{y:.3f})<extra></extra>",
        })
    for run in runs:
        traces += _path_traces(run)
    steps = _frame_steps(runs) if runs else np.array([0])
    last = int(steps[-1])
    first_current = len(traces)
    traces += [t for run in runs for t in _current(run, last, arrow_len, surface)]
    layout = {
        "template": TEMPLATE, "height": height, "hovermode": "closest",
        "legend": {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0.0},
        "margin": {"t": 40, "b": 150 if replay and runs else 60}, "uirevision": surface.key,
        "modebar": {"orientation": "v"},
        "xaxis": {"title": {"text": "x"}, "range": list(surface.x_range), "constrain": "domain"},
        "yaxis": {"title": {"text": "y"}, "range": list(surface.y_range), "scaleanchor": "x",
                  "constrain": "domain"},
    }
    if replay and runs and len(steps) > 1:
        current = list(range(first_current, first_current + 2 * len(runs)))
        layout["sliders"] = [_replay_slider(steps, runs, current, arrow_len, surface)]
    # Trace and layout dicts are built from valid literals here; the figure tests validate
    # the full figure through go.Figure(fig.to_dict()), so skipping validation is safe.
    return go.Figure(data=traces, layout=layout, _validate=False)


def escaped_runs(surface: Surface, runs: Sequence[Run]) -> list[tuple[str, int, tuple]]:
    """Runs whose path leaves the drawn window: (label, first step outside, farthest point)."""
    out = []
    for run in runs:
        pts = run.trajectory.points
        if run.trajectory.diverged_at is not None:
            continue  # the divergence message already says it
        inside = ((pts[:, 0] >= surface.x_range[0]) & (pts[:, 0] <= surface.x_range[1])
                  & (pts[:, 1] >= surface.y_range[0]) & (pts[:, 1] <= surface.y_range[1]))
        if not inside.all():
            far = pts[np.argmax(np.abs(pts).max(axis=1))]
            out.append((run.label, int(np.argmin(inside)), (float(far[0]), float(far[1]))))
    return out

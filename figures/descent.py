"""Contour map of a loss surface with optimizer paths, downhill arrows and a replay.

The contour is drawn on a log scale of ``f - min`` so both the steep walls and the flat floor
show structure. Replay uses Plotly animation frames that move only the "current point" markers
and arrows, so it runs in the browser without a server round trip.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from core.optimizers import Trajectory
from core.surfaces import Surface
from figures.theme import COLORS, FONT_SIZE, LINE_WIDTH, TEMPLATE

MAX_FRAMES = 60
CLICK_GRID = 41
ARROW_GRID = 13


@dataclass(frozen=True)
class Run:
    """One optimizer path to draw: a legend label, a palette colour and its trajectory."""

    label: str
    color: str
    trajectory: Trajectory


class ReplayFigure(go.Figure):
    """A figure whose animation frames are plain dicts, added only when serialised.

    Building 60 validated ``go.Frame`` objects costs 15-50 ms per rerun; the frames here are
    generated from already-valid trace dicts, so they skip Plotly's validation. Streamlit
    serialises figures through ``to_dict``, which appends them. Copies (``go.Figure(fig)``)
    receive them as ordinary, validated frames.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._raw_frames: list[dict] = []

    @property
    def raw_frames(self) -> list[dict]:
        return self._raw_frames

    @raw_frames.setter
    def raw_frames(self, frames: list[dict]) -> None:
        self._raw_frames = list(frames)

    @property
    def frames(self):
        """Validated frames (built on demand, e.g. when the figure is copied)."""
        if self._raw_frames:
            return tuple(go.Frame(frame) for frame in self._raw_frames)
        return go.Figure.frames.fget(self)

    @frames.setter
    def frames(self, value) -> None:
        go.Figure.frames.fset(self, value)

    def to_dict(self) -> dict:
        out = super().to_dict()
        if self._raw_frames:
            out["frames"] = [dict(f) for f in self._raw_frames]
        return out


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
        "type": "contour", "x": xs, "y": ys, "z": zt, "ncontours": 22, "showscale": False,
        "colorscale": [[0.0, tint(grey, 0.0)], [1.0, tint(grey, 0.3)]],
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
        "marker": {"symbol": "arrow", "size": 13, "angle": np.degrees(np.arctan2(-gx, -gy))[ok],
                   "color": tint(COLORS["grey"], 0.55), "line": {"width": 0}},
        "hoverinfo": "skip", "name": "downhill direction (−∇f)", "showlegend": True,
    }


def _click_trace(surface: Surface) -> dict:
    """Invisible points over the window so a click can pick a start (contours can't select)."""
    xs = np.linspace(*surface.x_range, CLICK_GRID)
    ys = np.linspace(*surface.y_range, CLICK_GRID)
    gx, gy = np.meshgrid(xs, ys)
    return {
        "type": "scatter", "x": gx.ravel().round(4), "y": gy.ravel().round(4), "mode": "markers",
        "marker": {"size": 14, "color": "rgba(0,0,0,0)"}, "showlegend": False,
        "name": "start", "hovertemplate": "click to start at (%{x:.2f}, %{y:.2f})<extra></extra>",
    }


def _path_traces(run: Run) -> list[dict]:
    pts = run.trajectory.points
    diverged = run.trajectory.diverged_at
    label = run.label + (f" — diverged at step {diverged}" if diverged else "")
    path = {
        "type": "scatter", "x": pts[:, 0], "y": pts[:, 1], "mode": "lines+markers",
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


def _current(run: Run, k: int, length: float, surface: Surface) -> dict:
    """The run's point at step ``k`` and an arrow along its downhill direction -g/|g|."""
    traj = run.trajectory
    k = min(k, len(traj.points) - 1)
    p = traj.points[k]
    xs, ys = [float(p[0])], [float(p[1])]
    with np.errstate(all="ignore"):
        g = traj.grads[k] if k < len(traj.grads) else surface.grad(p)
    n = float(np.hypot(*g))
    if np.isfinite(n) and n > 0:
        xs.append(float(p[0] - length * g[0] / n))
        ys.append(float(p[1] - length * g[1] / n))
    return {
        "type": "scatter", "x": xs, "y": ys, "mode": "lines+markers",
        "line": {"color": run.color, "width": 4},
        "marker": {"size": [18, 16][: len(xs)], "symbol": ["circle", "arrow"][: len(xs)],
                   "angleref": "previous", "color": run.color,
                   "line": {"width": 2, "color": "white"}},
        "showlegend": False, "legendgroup": run.label,
        "hovertemplate": f"{run.label}: step {k}<extra></extra>",
    }


def _frame_steps(runs: Sequence[Run]) -> np.ndarray:
    longest = max(len(r.trajectory.points) for r in runs)
    return np.unique(np.linspace(0, longest - 1, min(longest, MAX_FRAMES)).round().astype(int))


def _animation_controls(steps: np.ndarray) -> dict:
    play = {"frame": {"duration": 120, "redraw": False}, "fromcurrent": True,
            "transition": {"duration": 0}}
    pause = {"frame": {"duration": 0, "redraw": False}, "mode": "immediate"}
    slider_steps = [
        {"method": "animate", "label": str(k),
         "args": [[str(k)], {"mode": "immediate", "frame": {"duration": 0, "redraw": False},
                             "transition": {"duration": 0}}]}
        for k in steps
    ]
    return {
        "updatemenus": [{
            "type": "buttons", "direction": "left", "x": 0.0, "y": -0.13, "xanchor": "left",
            "yanchor": "top", "pad": {"t": 10, "r": 10}, "showactive": False,
            "font": {"size": FONT_SIZE},
            "buttons": [{"label": "▶ Replay", "method": "animate", "args": [None, play]},
                        {"label": "❚❚", "method": "animate", "args": [[None], pause]}],
        }],
        "sliders": [{
            "active": len(steps) - 1, "x": 0.25, "len": 0.75, "y": -0.1, "yanchor": "top",
            "currentvalue": {"prefix": "step ", "font": {"size": FONT_SIZE}, "xanchor": "right"},
            "pad": {"t": 10}, "steps": slider_steps, "font": {"size": FONT_SIZE - 3},
        }],
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
    marker per run (the traces the replay frames move).
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
    traces += [_current(run, last, arrow_len, surface) for run in runs]
    layout = {
        "template": TEMPLATE, "height": height, "hovermode": "closest",
        "legend": {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0.0},
        "margin": {"t": 40, "b": 150 if replay and runs else 60}, "uirevision": surface.key,
        "xaxis": {"title": {"text": "x"}, "range": list(surface.x_range), "constrain": "domain"},
        "yaxis": {"title": {"text": "y"}, "range": list(surface.y_range), "scaleanchor": "x",
                  "constrain": "domain"},
    }
    # Trace and layout dicts are built from valid literals here; the figure tests validate
    # the full figure through go.Figure(fig.to_dict()), so skipping validation is safe.
    fig = ReplayFigure(data=traces, layout=layout, _validate=False)
    if replay and runs and len(steps) > 1:
        current = list(range(first_current, first_current + len(runs)))
        fig.raw_frames = [
            {"name": str(k), "traces": current,
             "data": [_current(r, int(k), arrow_len, surface) for r in runs]}
            for k in steps
        ]
        fig.update_layout(**_animation_controls(steps))
    return fig


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

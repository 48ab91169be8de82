"""Contour map of a loss surface with optimizer paths, downhill arrows and a replay.

The map is a picture (:mod:`figures.raster`) of ``log10(f - min + delta)``, so both the steep
walls and the flat floor show structure. Everything drawn over it is a scatter trace, so the
replay runs as Plotly frames in the browser (:mod:`figures.motion`): Play, or drag the
scrubber, and every optimizer's current point and downhill arrow move at once, with no
server round trip. A Plotly contour trace would vanish on the first frame (see
:mod:`figures.raster`), and it re-renders far more slowly when a learning rate changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from core.descent import Surface, Trajectory
from figures.motion import animate, frame
from figures.raster import contour_image
from figures.theme import COLORS, LINE_WIDTH, TEMPLATE

MAX_FRAMES = 41  # replay frames at most (0, stride, 2 stride, ..., the last step)
STRIDES = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000)  # replay steps: round numbers
CLICK_GRID = 15  # click targets: a click anywhere picks the nearest (hoverdistance -1)
STEP_DOTS = 41  # a dot per step up to 40 steps; past that they only cost render time
ARROW_GRID = 13
ARROW_SPREAD = np.radians(28.0)  # half-angle of an arrow head


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


def contour_background(surface: Surface, grid: tuple[np.ndarray, np.ndarray, np.ndarray]) -> dict:
    """The contour map of ``grid = surface.grid(n)`` as a layout image over the window.

    Worth caching per surface: a 301 x 301 grid takes some tens of milliseconds to draw.
    """
    zt, _ = contour_levels(grid[2])
    return contour_image(zt, surface.x_range, surface.y_range, color=0x66)


def arrow_vertices(tails: np.ndarray, directions: np.ndarray, length: float) -> np.ndarray:
    """Each arrow as one unbroken polyline: tail, tip, head stroke, tip, other head stroke.

    ``tails`` and ``directions`` are ``(m, 2)``; directions are unit vectors. Returns
    ``(m, 5, 2)`` vertices.
    """
    tails = np.atleast_2d(np.asarray(tails, dtype=float))
    directions = np.atleast_2d(np.asarray(directions, dtype=float))
    tips = tails + length * directions
    c, s = np.cos(ARROW_SPREAD), np.sin(ARROW_SPREAD)
    back = -0.35 * length * directions
    left = np.c_[c * back[:, 0] - s * back[:, 1], s * back[:, 0] + c * back[:, 1]]
    right = np.c_[c * back[:, 0] + s * back[:, 1], -s * back[:, 0] + c * back[:, 1]]
    return np.stack([tails, tips, tips + left, tips, tips + right], axis=1)


def arrow_field(surface: Surface, count: int = ARROW_GRID) -> np.ndarray:
    r"""Unit downhill arrows on a ``count`` x ``count`` grid inside the window.

    Each is :math:`-\nabla f / \lVert \nabla f \rVert` centred on its grid point, as
    :func:`arrow_vertices` (``(m, 5, 2)``). Points where the gradient vanishes or is not finite get no arrow.
    """
    xs = np.linspace(*surface.x_range, count + 2)[1:-1]
    ys = np.linspace(*surface.y_range, count + 2)[1:-1]
    gx_grid, gy_grid = np.meshgrid(xs, ys)
    with np.errstate(all="ignore"):
        gx, gy = (np.broadcast_to(np.asarray(v, dtype=float), gx_grid.shape)
                  for v in surface.gradient(gx_grid, gy_grid))
    norm = np.hypot(gx, gy)
    ok = np.isfinite(norm) & (norm > 0)
    spacing = min(xs[1] - xs[0], ys[1] - ys[0])
    centres = np.c_[gx_grid[ok], gy_grid[ok]]
    directions = -np.c_[gx[ok], gy[ok]] / norm[ok][:, None]
    return arrow_vertices(centres - 0.3 * spacing * directions, directions, 0.6 * spacing)


def _arrow_shape(surface: Surface) -> dict:
    """The arrow field as one SVG path in data coordinates: a layout shape, not a trace.

    A shape costs almost nothing to re-render and stays put while frames play; as a trace
    (markers or a gapped line) the field took a third of the chart's render time. Rounded
    to 1e-3, far below a pixel on the lesson's windows.
    """
    verts = np.round(arrow_field(surface), 3)
    path = "".join("M" + "L".join(f"{x:g},{y:g}" for x, y in arrow) for arrow in verts.tolist())
    return {"type": "path", "path": path, "xref": "x", "yref": "y", "layer": "below",
            "line": {"color": tint(COLORS["grey"], 0.75), "width": 1.5}}


def _click_trace(surface: Surface) -> dict:
    """Invisible points over the window so a click can pick a start (a picture can't select).

    Every point costs render time on each rerun, so the lattice is coarse; the figure sets
    ``hoverdistance: -1``, so a click anywhere selects the nearest point, and the start-point
    sliders fine-tune it.
    """
    xs = np.linspace(*surface.x_range, CLICK_GRID)
    ys = np.linspace(*surface.y_range, CLICK_GRID)
    gx, gy = (a.ravel().round(4) for a in np.meshgrid(xs, ys))
    with np.errstate(all="ignore"):
        f = np.broadcast_to(np.asarray(surface.value(gx, gy), dtype=float), gx.shape)
    ok = np.isfinite(f)  # no start where the loss is undefined
    return {
        "type": "scatter", "x": gx[ok], "y": gy[ok], "customdata": f[ok].astype(np.float32),
        "mode": "markers", "marker": {"size": 14, "color": "rgba(0,0,0,0)"},
        "showlegend": False, "name": "start",
        "hovertemplate": "f(%{x:.2f}, %{y:.2f}) = %{customdata:.4g}<br>click to start here"
        "<extra></extra>",
    }


def _path_traces(run: Run) -> list[dict]:
    pts = run.trajectory.points
    diverged = run.trajectory.diverged_at
    label = run.label + (f" — diverged at step {diverged}" if diverged else "")
    path = {
        "type": "scatter", "x": pts[:, 0], "y": pts[:, 1],
        "mode": "lines+markers" if len(pts) <= STEP_DOTS else "lines",
        "line": {"color": run.color, "width": LINE_WIDTH}, "name": label,
        "marker": {"size": 5, "color": run.color}, "legendgroup": run.label,
        "hovertemplate": "step %{customdata}: (%{x:.3f}, %{y:.3f})<extra>" + run.label
        + "</extra>", "customdata": np.arange(len(pts), dtype=np.int32),
    }
    start = {
        "type": "scatter", "x": pts[:1, 0], "y": pts[:1, 1], "mode": "markers",
        "marker": {"size": 24, "symbol": "circle-open", "color": run.color,
                   "line": {"width": 3, "color": run.color}},
        "showlegend": False, "hoverinfo": "skip", "legendgroup": run.label,
    }
    return [path, start]


def current_points(run: Run, steps: np.ndarray, length: float, surface: Surface) -> np.ndarray:
    r"""Where ``run`` is at each step of ``steps``, then its downhill arrow there.

    Returns ``(len(steps), 6, 2)`` vertices. Row 0 is the point (exactly the trajectory's, or
    its last point for steps past a run that stopped earlier); rows 1-5 are
    :func:`arrow_vertices` of ``length`` along :math:`-\nabla f / \lVert \nabla f \rVert`
    from it, rounded to 1e-3 (all at the point, so no arrow shows, where the gradient
    vanishes or is not finite).
    """
    traj = run.trajectory
    k = np.minimum(np.asarray(steps, dtype=int), len(traj.points) - 1)
    points = traj.points[k]
    grads = np.empty_like(points)
    known = k < len(traj.grads)
    grads[known] = traj.grads[k[known]]
    with np.errstate(all="ignore"):
        for i in np.flatnonzero(~known):  # the end point: its gradient was never needed
            grads[i] = surface.grad(points[i])
        norms = np.hypot(grads[:, 0], grads[:, 1])
        ok = np.isfinite(norms) & (norms > 0)
        directions = np.where(ok[:, None], -grads / np.where(ok, norms, 1.0)[:, None], 0.0)
    arrows = np.round(arrow_vertices(points, directions, length), 3)
    arrows[~ok] = points[~ok, None, :]
    return np.concatenate([points[:, None, :], arrows], axis=1)


def moving_frames(runs: Sequence[Run], steps: np.ndarray, surface: Surface) -> list[dict]:
    """The map's moving trace at each of ``steps``: every run's dot and arrow, gaps between.

    One trace with only ``x`` and ``y`` changing, not one per run: each frame's trace
    becomes a Plotly object on the server, so this keeps a 40-frame replay cheap to build.
    """
    vertices = [current_points(run, steps, arrow_length(surface), surface) for run in runs]
    out = []
    for i in range(len(steps)):
        xs: list = []
        ys: list = []
        for run_vertices in vertices:
            xs += [*run_vertices[i, :, 0].tolist(), None]
            ys += [*run_vertices[i, :, 1].tolist(), None]
        out.append({"x": xs, "y": ys})
    return out


def arrow_length(surface: Surface) -> float:
    """Length of a run's own downhill arrow: 9 % of the window's shorter side."""
    return 0.09 * min(np.ptp(surface.x_range), np.ptp(surface.y_range))


def _moving_trace(runs: Sequence[Run], data: dict) -> dict:
    """The moving trace: each run's dot in its colour (7 vertices per run: dot, arrow, gap)."""
    return {"type": "scatter", **data, "mode": "lines+markers", "showlegend": False,
            "line": {"color": "#1A1A1A", "width": 3}, "hoverinfo": "skip",
            "name": "where each run is",
            "marker": {"size": [18, 0, 0, 0, 0, 0, 0] * len(runs),
                       "color": [c for r in runs for c in [r.color] * 7],
                       "line": {"width": 2, "color": "white"}}}


def replay_steps(longest: int) -> np.ndarray:
    """The steps the replay shows for paths of up to ``longest`` points: 0, s, 2s, ..., last.

    The stride ``s`` is the smallest of :data:`STRIDES` that keeps at most
    :data:`MAX_FRAMES` frames, so the scrubber reads in round numbers; the last step is
    always included.
    """
    last = max(int(longest) - 1, 0)
    stride = next((s for s in STRIDES if last // s + 1 + (last % s > 0) <= MAX_FRAMES),
                  STRIDES[-1])
    steps = np.arange(0, last + 1, stride)
    return steps if steps[-1] == last else np.append(steps, last)


def _static_traces(surface: Surface, clickable: bool) -> list[dict]:
    traces = []
    if clickable:
        traces.append(_click_trace(surface))
    if surface.minima:
        mins = np.array(surface.minima)
        traces.append({
            "type": "scatter", "x": mins[:, 0], "y": mins[:, 1], "mode": "markers",
            "marker": {"symbol": "star", "size": 18, "color": COLORS["black"]},
            "name": "minimum", "hovertemplate": "minimum (%{x:.3f}, %{y:.3f})<extra></extra>",
        })
    return traces


def map_traces(surface: Surface, runs: Sequence[Run], clickable: bool = True
               ) -> tuple[list[dict], int]:
    """The map's traces and the index of the moving one (its data left to the caller).

    Order: [the click overlay], [the minima], then per run its path and start ring, then one
    trace of every run's current point and downhill arrow, which the replay's frames move.
    """
    traces = _static_traces(surface, clickable)
    for run in runs:
        traces += _path_traces(run)
    traces.append(_moving_trace(runs, {"x": [], "y": []}))
    return traces, len(traces) - 1


def map_layout(surface: Surface, background: dict, *, clickable: bool = True,
               legend: bool = True, height: int = 560, width_share: float = 1.0) -> dict:
    """The map's layout: the contour picture, the arrow field (one shape), equal axis scales.

    ``width_share`` < 1 leaves the right of the chart to a second panel (axes x2, y2).
    """
    return {
        "template": TEMPLATE, "height": height, "hovermode": "closest", "images": [background],
        "shapes": [_arrow_shape(surface)], "showlegend": legend,
        "legend": {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0.0},
        "margin": {"t": 40 if legend else 20, "b": 60}, "uirevision": surface.key,
        "modebar": {"orientation": "v"}, "hoverdistance": -1 if clickable else 20,
        "xaxis": {"title": {"text": "x"}, "range": list(surface.x_range), "constrain": "domain",
                  "showgrid": False, "domain": [0.0, width_share]},
        "yaxis": {"title": {"text": "y"}, "range": list(surface.y_range), "scaleanchor": "x",
                  "constrain": "domain", "showgrid": False},
    }


def descent_figure(
    surface: Surface,
    background: dict,
    runs: Sequence[Run],
    *,
    replay: bool = True,
    clickable: bool = True,
    legend: bool = True,
    height: int = 560,
) -> go.Figure:
    """The contour map of ``surface`` with each run's path, downhill arrows and a replay.

    ``background`` is :func:`contour_background` (cached by the caller); traces as
    :func:`map_traces`. The replay's frames move every optimizer's dot at once; without
    ``replay`` the dots sit at the last step. ``legend=False`` leaves the key to the page (a
    Plotly legend costs about a sixth of this chart's render time on every rerun).
    """
    traces, moving = map_traces(surface, runs, clickable)
    longest = max((len(r.trajectory.points) for r in runs), default=1)
    steps = replay_steps(longest) if replay else np.array([longest - 1])
    data = moving_frames(runs, steps, surface)
    traces[moving].update(data[0])
    layout = map_layout(surface, background, clickable=clickable, legend=legend, height=height)
    # Trace and layout dicts are built from valid literals here; the figure tests validate
    # the full figure through go.Figure(fig.to_dict()), so skipping validation is safe.
    fig = go.Figure(data=traces, layout=layout, _validate=False)
    if not (replay and runs and len(steps) > 1):
        return fig
    frames = [frame(f"s{k}", [d], [moving]) for k, d in zip(steps, data, strict=True)]
    return animate(fig, frames, [str(k) for k in steps], prefix="replay: step ", play=True)


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

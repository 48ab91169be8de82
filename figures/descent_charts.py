"""Line charts of the gradient-descent lesson: loss curves, clipping, gradient cost.

Built as plain trace/layout dicts with the shared template and without Plotly's per-property
validation (a few ms per chart instead of tens); the figure tests validate every chart fully.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from core.descent import Trajectory, gradient_cosines, gradient_evaluation_counts
from figures import theme
from figures.descent import Run
from figures.theme import COLORS

LEGEND_TOP = {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0.0}


def fast_figure(data: list[dict], height: int, x_title: str, y_title: str, **layout) -> go.Figure:
    """A themed figure from trace dicts, skipping per-property validation."""
    base = {
        "height": height, "hovermode": "x unified", "legend": LEGEND_TOP,
        "margin": {"t": 40}, "xaxis": {"title": {"text": x_title}},
        "yaxis": {"title": {"text": y_title}},
    }
    for key in ("xaxis", "yaxis"):
        base[key].update(layout.pop(key, {}))
    return theme.fast_figure(data, {**base, **layout})


def _line(x, y, name: str, color: str, **extra) -> dict:
    return {"type": "scatter", "x": x, "y": y, "mode": "lines", "name": name,
            "line": {"color": color, "width": 3}, **extra}


def _guide(axis: str, value: float, text: str, position: str, log: bool = False
           ) -> tuple[dict, dict]:
    """A dotted reference line across the plot and its label (shape + annotation dicts).

    On a log axis Plotly places shapes at data values but annotations at log10 of the value.
    """
    other = "y" if axis == "x" else "x"
    shape = {"type": "line", "xref": "x" if axis == "x" else "paper",
             "yref": "y" if axis == "y" else "paper", f"{axis}0": value, f"{axis}1": value,
             f"{other}0": 0, f"{other}1": 1,
             "line": {"color": COLORS["grey"], "dash": "dot", "width": 2}}
    note = {"text": text, "showarrow": False, axis: float(np.log10(value)) if log else value,
            f"{axis}ref": axis, other: 1 if axis == "y" else 0.98, f"{other}ref": "paper",
            "xanchor": position, "yanchor": "bottom", "font": {"color": COLORS["grey"]}}
    return shape, note


def log_axis(values) -> dict:
    """A log axis with one label every few decades (no cluttered 2-5 minor labels)."""
    v = np.asarray([x for x in np.ravel(values) if np.isfinite(x) and x > 0])
    decades = float(np.log10(v.max() / v.min())) if v.size else 1.0
    return {"type": "log", "exponentformat": "power", "dtick": max(1, int(np.ceil(decades / 7)))}


def loss_gap(losses: np.ndarray, min_value: float | None) -> tuple[np.ndarray, bool]:
    """What to plot on the loss axis: ``f - f*`` (log axis) when the minimum is known.

    Returns the values and whether the axis should be logarithmic. Gaps at or below zero
    (rounding at the minimum) are floored at 1e-16 so a log axis never sees them as NaN.
    """
    if min_value is None:
        return np.asarray(losses, dtype=float), False
    return np.maximum(np.asarray(losses, dtype=float) - min_value, 1e-16), True


def _divergence_mark(run: Run, values: np.ndarray, longest: int) -> dict:
    return {
        "type": "scatter", "x": [len(values) - 1], "y": [float(values[-1])],
        "mode": "markers+text", "showlegend": False, "hoverinfo": "skip",
        "marker": {"symbol": "x", "size": 16, "color": run.color},
        "text": [f"diverged at step {run.trajectory.diverged_at}"],
        "textposition": "middle right" if len(values) < 0.6 * longest else "middle left",
        "textfont": {"color": run.color},
    }


def loss_traces(runs: Sequence[Run], min_value: float | None) -> tuple[list[dict], str, dict]:
    """The loss curves: traces, the y-axis title and the y-axis settings.

    Loss minus the known minimum on a log axis when the minimum is known; a run that
    diverged ends in a cross at its last finite point, labelled with the step.
    """
    data, log, shown = [], min_value is not None, []
    longest = max((len(r.trajectory.points) for r in runs), default=1)
    for run in runs:
        if run.trajectory.losses is None:
            continue
        values, log = loss_gap(run.trajectory.losses, min_value)
        shown.append(values)
        data.append(_line(np.arange(len(values)), values, run.label, run.color,
                          hovertemplate="%{y:.3g}"))
        if run.trajectory.diverged_at is not None:
            data.append(_divergence_mark(run, values, longest))
    title = "loss − minimum (log scale)" if log else "loss"
    return data, title, log_axis(np.concatenate(shown)) if log and shown else {}


def clip_norm_figure(
    traj: Trajectory, threshold: float | None, mode: str, height: int = 380
) -> go.Figure:
    """Gradient norm per step before and after clipping (log axis), with the threshold."""
    steps = np.arange(1, len(traj.grad_norms) + 1)
    data = [
        _line(steps, np.maximum(traj.grad_norms, 1e-16), "before clipping", COLORS["vermillion"],
              hovertemplate="%{y:.3g}"),
        _line(steps, np.maximum(traj.used_norms, 1e-16), "after clipping (used)", COLORS["blue"],
              hovertemplate="%{y:.3g}"),
    ]
    data[1]["line"]["dash"] = "dash"
    extra = {}
    if threshold is not None and mode == "norm":
        shape, note = _guide("y", threshold, f"max norm {threshold:g}", "right", log=True)
        extra = {"shapes": [shape], "annotations": [note]}
    both = np.concatenate([data[0]["y"], data[1]["y"]])
    return fast_figure(data, height, "step", "gradient norm ‖g‖", yaxis=log_axis(both), **extra)


def clip_cosine_figure(trajs: Sequence[tuple[str, str, Trajectory]], height: int = 340) -> go.Figure:
    """Cosine between raw and clipped gradient per step, one line per clipping mode."""
    data, low = [], 1.0
    for label, color, traj in trajs:
        cos = gradient_cosines(traj.grads, traj.used_grads)
        low = min(low, float(cos.min())) if cos.size else low
        trace = _line(np.arange(1, len(cos) + 1), cos, label, color, hovertemplate="%{y:.4f}")
        trace.update(mode="lines+markers", marker={"size": 6, "color": color})
        data.append(trace)
    return fast_figure(data, height, "step", "cos(raw, clipped)",
                       yaxis={"range": [min(0.0, low - 0.05), 1.05]})


def gradient_cost_figure(ns: np.ndarray, n_now: int, height: int = 400) -> go.Figure:
    """Loss evaluations for one gradient: forward (n+1) and central (2n) differences vs backprop.

    Backpropagation costs one forward and one backward pass, about three forward passes in
    total, independent of ``n`` (:func:`core.descent.optimizers.gradient_evaluation_counts`).
    """
    ns = [int(n) for n in ns]
    counts = [gradient_evaluation_counts(n) for n in ns]
    series = (
        ("forward differences: n + 1", "forward", COLORS["orange"], "solid"),
        ("central differences: 2n", "central", COLORS["vermillion"], "dash"),
        ("backpropagation: ≈ 3 (1 forward + 1 backward)", "backprop", COLORS["blue"], "solid"),
    )
    data = []
    for name, key, color, dash in series:
        trace = _line(ns, [c[key] for c in counts], name, color, hovertemplate="%{y:,.0f}")
        trace["line"]["dash"] = dash
        data.append(trace)
    shape, note = _guide("x", n_now, f"n = {n_now:,}", "right", log=True)
    log = {"type": "log", "exponentformat": "power"}
    return fast_figure(data, height, "number of parameters n", "cost in forward passes",
                       xaxis=dict(log), yaxis=dict(log), shapes=[shape], annotations=[note])

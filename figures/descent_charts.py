"""Line charts of the gradient-descent lesson: loss per step, clipping, gradient cost."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from core.optimizers import Trajectory, gradient_cosines
from figures.descent import Run
from figures.theme import COLORS, new_figure


def loss_gap(losses: np.ndarray, min_value: float | None) -> tuple[np.ndarray, bool]:
    """What to plot on the loss axis: ``f - f*`` (log axis) when the minimum is known.

    Returns the values and whether the axis should be logarithmic. Gaps at or below zero
    (rounding at the minimum) are floored at 1e-16 so a log axis never sees them as NaN.
    """
    if min_value is None:
        return np.asarray(losses, dtype=float), False
    return np.maximum(np.asarray(losses, dtype=float) - min_value, 1e-16), True


def loss_figure(runs: Sequence[Run], min_value: float | None, height: int = 420) -> go.Figure:
    """Loss (minus the known minimum, log axis) against step, one line per run.

    A run that diverged ends in a cross at its last finite point, labelled with the step.
    """
    title = "loss − minimum (log scale)" if min_value is not None else "loss"
    fig = new_figure(height=height, xaxis_title="step", yaxis_title=title, hovermode="x unified",
                     legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0.0},
                     margin={"t": 40})
    log = False
    longest = max((len(r.trajectory.points) for r in runs), default=1)
    for run in runs:
        traj = run.trajectory
        if traj.losses is None:
            continue
        values, log = loss_gap(traj.losses, min_value)
        steps = np.arange(len(values))
        fig.add_scatter(x=steps, y=values, mode="lines", name=run.label,
                        line={"color": run.color}, hovertemplate="%{y:.3g}")
        if traj.diverged_at is not None:
            fig.add_scatter(
                x=steps[-1:], y=values[-1:], mode="markers+text", showlegend=False,
                marker={"symbol": "x", "size": 16, "color": run.color},
                text=[f"diverged at step {traj.diverged_at}"],
                textposition="middle right" if len(values) < 0.6 * longest else "middle left",
                textfont={"color": run.color}, hoverinfo="skip",
            )
    if log:
        fig.update_yaxes(type="log", exponentformat="power")
    return fig


def clip_norm_figure(
    traj: Trajectory, threshold: float | None, mode: str, height: int = 380
) -> go.Figure:
    """Gradient norm per step before and after clipping (log axis), with the threshold."""
    fig = new_figure(height=height, xaxis_title="step", yaxis_title="gradient norm ‖g‖",
                     hovermode="x unified", margin={"t": 40},
                     legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0.0})
    steps = np.arange(1, len(traj.grad_norms) + 1)
    raw = np.maximum(traj.grad_norms, 1e-16)
    used = np.maximum(traj.used_norms, 1e-16)
    fig.add_scatter(x=steps, y=raw, mode="lines", name="before clipping",
                    line={"color": COLORS["vermillion"]}, hovertemplate="%{y:.3g}")
    fig.add_scatter(x=steps, y=used, mode="lines", name="after clipping (used)",
                    line={"color": COLORS["blue"], "dash": "dash"}, hovertemplate="%{y:.3g}")
    if threshold is not None and mode == "norm":
        fig.add_hline(y=threshold, line={"color": COLORS["grey"], "dash": "dot", "width": 2},
                      annotation_text=f"max norm {threshold:g}", annotation_position="top right")
    fig.update_yaxes(type="log", exponentformat="power")
    return fig


def clip_cosine_figure(trajs: Sequence[tuple[str, str, Trajectory]], height: int = 340) -> go.Figure:
    """Cosine between raw and clipped gradient per step, one line per clipping mode."""
    fig = new_figure(height=height, xaxis_title="step",
                     yaxis_title="cos(raw, clipped)", hovermode="x unified", margin={"t": 40},
                     legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0.0})
    low = 1.0
    for label, color, traj in trajs:
        cos = gradient_cosines(traj.grads, traj.used_grads)
        low = min(low, float(cos.min())) if cos.size else low
        fig.add_scatter(x=np.arange(1, len(cos) + 1), y=cos, mode="lines+markers", name=label,
                        line={"color": color}, marker={"size": 6}, hovertemplate="%{y:.4f}")
    fig.update_yaxes(range=[min(0.0, low - 0.05), 1.05])
    return fig


def gradient_cost_figure(ns: np.ndarray, n_now: int, height: int = 400) -> go.Figure:
    """Loss evaluations for one gradient: forward (n+1) and central (2n) differences vs backprop.

    Backpropagation costs one forward and one backward pass, about three forward passes in
    total, independent of ``n``.
    """
    fig = new_figure(height=height, xaxis_title="number of parameters n",
                     yaxis_title="cost in forward passes", hovermode="x unified",
                     legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0.0},
                     margin={"t": 40})
    ns = np.asarray(ns, dtype=float)
    series = (
        ("forward differences: n + 1", ns + 1, COLORS["orange"], "solid"),
        ("central differences: 2n", 2 * ns, COLORS["vermillion"], "dash"),
        ("backpropagation: ≈ 3 (1 forward + 1 backward)", np.full_like(ns, 3.0), COLORS["blue"],
         "solid"),
    )
    for name, y, color, dash in series:
        fig.add_scatter(x=ns, y=y, mode="lines", name=name, line={"color": color, "dash": dash},
                        hovertemplate="%{y:,.0f}")
    fig.add_vline(x=n_now, line={"color": COLORS["grey"], "dash": "dot", "width": 2},
                  annotation_text=f"n = {n_now:,}", annotation_position="top left")
    fig.update_xaxes(type="log", exponentformat="power")
    fig.update_yaxes(type="log", exponentformat="power")
    return fig

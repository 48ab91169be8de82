"""Figures of the backpropagation lesson: playground, gradient check and cost charts.

The computation-graph drawing lives in :mod:`figures.backprop_graph`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from core import mlp
from core.datasets import Split
from core.training import TrainResult
from figures.theme import COLORS, FONT_SIZE, SEQUENCE, new_figure

CLASS_COLORS = (COLORS["blue"], COLORS["vermillion"])
# Light version of the diverging scale for the background, so the points stay visible.
BOUNDARY_SCALE = [[0.0, "#8EC3E6"], [0.5, "#FFFFFF"], [1.0, "#F3B07A"]]


def _grid(split: Split, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Square grid axes covering all points with a margin."""
    X = np.r_[split.X_train, split.X_test]
    lo = np.minimum(X.min(axis=0), -1.0) - 0.15
    hi = np.maximum(X.max(axis=0), 1.0) + 0.15
    return np.linspace(lo[0], hi[0], n), np.linspace(lo[1], hi[1], n)


def _points(fig: go.Figure, X: np.ndarray, y: np.ndarray, test: bool) -> None:
    """Scatter one split, one trace per class; test points hollow diamonds."""
    for cls in (0, 1):
        pts = X[y == cls]
        fig.add_trace(go.Scatter(
            x=pts[:, 0], y=pts[:, 1], mode="markers",
            name=f"{'test' if test else 'train'} · class {cls}",
            marker={
                "size": 10 if test else 9, "symbol": "diamond-open" if test else "circle",
                "color": CLASS_COLORS[cls],
                "line": {"width": 2.5 if test else 1, "color": CLASS_COLORS[cls] if test else "white"},
            },
            hovertemplate=f"class {cls} ({'test' if test else 'train'})<br>"
            "x₁=%{x:.2f}, x₂=%{y:.2f}<extra></extra>",
        ))


def boundary_figure(
    params: mlp.Params, split: Split, activation: str, loss: str, epoch: int,
    grid_n: int = 70, show_test: bool = True,
) -> go.Figure:
    """Heatmap of the predicted probability of class 1, its 0.5 contour, and the data."""
    gx, gy = _grid(split, grid_n)
    xx, yy = np.meshgrid(gx, gy)
    prob = mlp.predict_proba(params, np.c_[xx.ravel(), yy.ravel()], activation, loss)
    fig = new_figure(title=f"Decision boundary after epoch {epoch}", height=520,
                     xaxis_title="x₁", yaxis_title="x₂",
                     legend={"orientation": "h", "y": -0.15, "x": 0})
    fig.add_trace(go.Heatmap(
        x=gx, y=gy, z=prob.reshape(xx.shape), zmin=0, zmax=1, colorscale=BOUNDARY_SCALE,
        colorbar={"title": {"text": "P(class 1)"}, "thickness": 16, "len": 0.8},
        hovertemplate="x₁=%{x:.2f}, x₂=%{y:.2f}<br>P(class 1)=%{z:.2f}<extra></extra>",
    ))
    fig.add_trace(go.Contour(
        x=gx, y=gy, z=prob.reshape(xx.shape), showscale=False, hoverinfo="skip",
        contours={"start": 0.5, "end": 0.5, "size": 1, "coloring": "none"},
        line={"width": 3, "color": COLORS["black"]}, name="boundary (P = 0.5)",
    ))
    _points(fig, split.X_train, split.y_train, test=False)
    if show_test:
        _points(fig, split.X_test, split.y_test, test=True)
    fig.update_xaxes(range=[gx[0], gx[-1]], showgrid=False, zeroline=False)
    fig.update_yaxes(range=[gy[0], gy[-1]], showgrid=False, zeroline=False,
                     scaleanchor="x", scaleratio=1)
    return fig


def _epoch_marker(fig: go.Figure, epoch: int) -> None:
    """Dashed vertical line at the replayed epoch."""
    fig.add_vline(x=epoch, line={"color": COLORS["grey"], "dash": "dash", "width": 2},
                  annotation={"text": f"epoch {epoch}", "font": {"size": FONT_SIZE - 2}})


def loss_figure(result: TrainResult, epoch: int) -> go.Figure:
    """Train and test loss per epoch (log scale), with the replayed epoch marked."""
    epochs = np.arange(result.epochs_done + 1)
    fig = new_figure(title="Loss per epoch", xaxis_title="epoch", yaxis_title="loss",
                     height=360, legend={"orientation": "h", "y": 1.02, "yanchor": "bottom",
                                         "x": 1, "xanchor": "right"})
    fig.add_trace(go.Scatter(x=epochs, y=result.train_loss, name="train",
                             line={"color": COLORS["blue"]}))
    fig.add_trace(go.Scatter(x=epochs, y=result.test_loss, name="test",
                             line={"color": COLORS["orange"], "dash": "dot"}))
    fig.update_yaxes(type="log")
    _epoch_marker(fig, epoch)
    return fig


def grad_norm_figure(result: TrainResult, epoch: int, clip_norm: float | None) -> go.Figure:
    """Gradient norm of each layer per epoch, log scale: vanishing and exploding at a glance."""
    L = result.grad_norms.shape[1]
    epochs = np.arange(1, result.epochs_done + 1)
    fig = new_figure(title="Gradient size per layer", xaxis_title="epoch",
                     yaxis_title="‖∂L/∂(W, b)‖ of the layer", height=360,
                     legend={"font": {"size": FONT_SIZE - 3}})
    for layer in range(L):
        name = f"layer {layer + 1}" + (" (input side)" if layer == 0 else "") + (
            " (output)" if layer == L - 1 else "")
        norms = np.maximum(result.grad_norms[:, layer], 1e-300)
        fig.add_trace(go.Scatter(x=epochs, y=norms, name=name,
                                 line={"color": SEQUENCE[layer % len(SEQUENCE)],
                                       "width": 3 if layer in (0, L - 1) else 2}))
    if clip_norm is not None:
        fig.add_hline(y=clip_norm, line={"color": COLORS["black"], "dash": "dot", "width": 2},
                      annotation={"text": "clip threshold (whole gradient)",
                                  "font": {"size": FONT_SIZE - 3}})
    fig.update_yaxes(type="log", exponentformat="power")
    if result.epochs_done:
        _epoch_marker(fig, max(epoch, 1))
    return fig


def step_error_figure(
    steps: Sequence[float], central: np.ndarray, forward: np.ndarray, chosen: float
) -> go.Figure:
    """Worst relative error of finite differences against the step size h (log–log V)."""
    fig = new_figure(title="Finite differences: the step size matters", height=380,
                     xaxis_title="step size h", yaxis_title="worst relative error",
                     legend={"orientation": "h", "y": 1.02, "yanchor": "bottom",
                             "x": 1, "xanchor": "right"})
    fig.add_trace(go.Scatter(x=steps, y=np.maximum(central, 1e-17), name="central difference",
                             mode="lines+markers", line={"color": COLORS["blue"]}))
    fig.add_trace(go.Scatter(x=steps, y=np.maximum(forward, 1e-17), name="forward difference",
                             mode="lines+markers", line={"color": COLORS["orange"], "dash": "dot"}))
    fig.add_vline(x=chosen, line={"color": COLORS["grey"], "dash": "dash", "width": 2},
                  annotation={"text": "your h", "font": {"size": FONT_SIZE - 2}})
    fig.update_xaxes(type="log", exponentformat="power")
    fig.update_yaxes(type="log", exponentformat="power")
    return fig


def cost_figure(
    n_params: np.ndarray, forward_s: np.ndarray, backprop_s: np.ndarray, fd_s: np.ndarray
) -> go.Figure:
    """Measured time of one gradient (backprop vs finite differences) against parameter count."""
    fig = new_figure(title="Time for one full gradient", height=440,
                     xaxis_title="number of parameters", yaxis_title="time (ms)",
                     legend={"orientation": "h", "y": 1.02, "yanchor": "bottom",
                             "x": 1, "xanchor": "right"})
    ms = 1e3
    fig.add_trace(go.Scatter(x=n_params, y=fd_s * ms, name="finite differences (2 per parameter)",
                             mode="lines+markers+text", line={"color": COLORS["vermillion"]},
                             text=[f"×{r:,.0f}" for r in fd_s / backprop_s],
                             textposition="top left", textfont={"size": FONT_SIZE - 1}))
    fig.add_trace(go.Scatter(x=n_params, y=backprop_s * ms, name="backpropagation",
                             mode="lines+markers", line={"color": COLORS["blue"]}))
    fig.add_trace(go.Scatter(x=n_params, y=forward_s * ms, name="one forward pass (loss only)",
                             mode="lines+markers", line={"color": COLORS["grey"], "dash": "dot"}))
    fig.update_xaxes(type="log", exponentformat="power")
    fig.update_yaxes(type="log", exponentformat="power")
    return fig

"""Figures of the backpropagation lesson: training curves, gradient check and cost charts.

The computation graph lives in :mod:`figures.backprop_graph`, the playground's plane and
network in :mod:`figures.backprop_playground` and :mod:`figures.backprop_network`.

Speed: the playground redraws several times a second while it trains, so traces and layouts
are plain dicts assembled by :func:`fast_figure` without Plotly's per-property validation
(about 1 ms instead of 10–25 ms per chart), with float32 arrays. The figure tests
re-validate every figure with ``go.Figure``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from core.nn import TrainResult
from figures.theme import COLORS, FONT_SIZE, fast_figure

TOP_LEGEND = {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 1, "xanchor": "right"}
LOG_AXIS = {"type": "log", "exponentformat": "power"}


def _title(text: str) -> dict:
    return {"text": text}


def _vline(x: float, text: str, log_x: bool = False, right: bool = False) -> dict:
    """Layout pieces of a dashed vertical marker with a label (left of it when ``right``)."""
    return {
        "shapes": [{"type": "line", "x0": x, "x1": x, "y0": 0, "y1": 1, "xref": "x",
                    "yref": "paper",
                    "line": {"color": COLORS["grey"], "dash": "dash", "width": 2}}],
        "annotations": [{"x": float(np.log10(x)) if log_x else x, "y": 1, "xref": "x",
                         "yref": "paper", "text": text, "showarrow": False,
                         "xanchor": "right" if right else "left",
                         "yanchor": "top", "font": {"size": FONT_SIZE - 2},
                         "bgcolor": "rgba(255,255,255,0.8)"}],
    }


def _line(x, y, name: str, color: str, dash: str = "solid", width: float = 3,
          mode: str = "lines") -> dict:
    return {"type": "scatter", "x": x, "y": y, "name": name, "mode": mode,
            "line": {"color": color, "dash": dash, "width": width}}


def _epoch_axis(last: int) -> dict:
    """An epoch axis fixed at 0 … ``last``, so a live curve grows to the right."""
    return {"title": _title("epoch"), "range": [0, max(last, 1)]}


def loss_figure(result: TrainResult, last_epoch: int, loss_name: str = "loss") -> go.Figure:
    """Train and test loss per epoch (log scale), on an axis running to ``last_epoch``.

    Parameters
    ----------
    result : TrainResult
        The history so far.
    last_epoch : int
        Where training will stop: the axis' right end.
    loss_name : str, default "loss"
        The loss in words, for the axis title.
    """
    epochs = np.arange(result.epochs_done + 1, dtype=np.float32)
    data = [_line(epochs, result.train_loss.astype(np.float32), "train", COLORS["blue"]),
            _line(epochs, result.test_loss.astype(np.float32), "test", COLORS["orange"], "dot")]
    layout = {"title": _title(f"Loss after epoch {result.epochs_done}"), "height": 340,
              "legend": TOP_LEGEND, "xaxis": _epoch_axis(last_epoch),
              "yaxis": {"title": _title(loss_name), **LOG_AXIS}}
    return fast_figure(data, layout)


def _layer_trace(epochs: np.ndarray, norms: np.ndarray, layer: int, n_layers: int) -> dict:
    """First layer blue, last vermillion (both thick), middle layers thin grey, one legend entry."""
    norms = np.maximum(norms, 1e-300).astype(np.float32)
    if n_layers == 1:
        return _line(epochs, norms, "layer 1 (the only one)", COLORS["blue"], width=4)
    if layer == 0:
        return {**_line(epochs, norms, "layer 1 (input)", COLORS["blue"], width=4),
                "legendrank": 1}
    if layer == n_layers - 1:
        return {**_line(epochs, norms, f"layer {layer + 1} (output)", COLORS["vermillion"],
                        width=4), "legendrank": 3}
    return {**_line(epochs, norms, "middle", COLORS["grey"], width=1.5),
            "legendgroup": "middle", "showlegend": layer == 1, "legendrank": 2,
            "hovertemplate": f"layer {layer + 1}: %{{y:.2g}}<extra></extra>"}


def grad_norm_figure(result: TrainResult, last_epoch: int, clip_norm: float | None) -> go.Figure:
    """Gradient norm of each layer per epoch, log scale: vanishing and exploding at a glance."""
    n_layers = result.grad_norms.shape[1]
    epochs = np.arange(1, result.epochs_done + 1, dtype=np.float32)
    order = [*range(1, n_layers - 1), 0, *([n_layers - 1] if n_layers > 1 else [])]
    data = [_layer_trace(epochs, result.grad_norms[:, k], k, n_layers) for k in order]
    marks: dict = {"shapes": [], "annotations": []}
    if clip_norm is not None:
        marks["shapes"].append({
            "type": "line", "x0": 0, "x1": 1, "y0": clip_norm, "y1": clip_norm, "xref": "paper",
            "yref": "y", "line": {"color": COLORS["black"], "dash": "dot", "width": 2}})
        marks["annotations"].append({
            "x": 1, "y": float(np.log10(clip_norm)), "xref": "paper", "yref": "y",
            "xanchor": "right", "yanchor": "bottom", "showarrow": False,
            "text": "clip threshold (whole gradient)", "font": {"size": FONT_SIZE - 3}})
    layout = {"title": _title("Gradient size per layer"), "height": 380,
              "legend": {"orientation": "h", "x": 0, "y": -0.32, "yanchor": "top",
                         "font": {"size": FONT_SIZE - 2}},
              "xaxis": _epoch_axis(last_epoch),
              "yaxis": {"title": _title("‖∂L/∂(W, b)‖ of the layer"), **LOG_AXIS}, **marks}
    return fast_figure(data, layout)


def step_error_figure(
    steps: Sequence[float], central: np.ndarray, forward: np.ndarray, chosen: float
) -> go.Figure:
    """Worst relative error of finite differences against the step size h (log–log V)."""
    steps = np.asarray(steps, dtype=float)
    data = [
        _line(steps, np.maximum(central, 1e-17), "central difference", COLORS["blue"],
              mode="lines+markers"),
        _line(steps, np.maximum(forward, 1e-17), "forward difference", COLORS["orange"], "dot",
              mode="lines+markers"),
    ]
    layout = {"title": _title("Finite differences: the step size matters"), "height": 380,
              "legend": TOP_LEGEND, "xaxis": {"title": _title("step size h"), **LOG_AXIS},
              "yaxis": {"title": _title("worst relative error"), **LOG_AXIS},
              **_vline(chosen, " your h", log_x=True)}
    return fast_figure(data, layout)


def cost_figure(cost: dict) -> go.Figure:
    """Measured time of one gradient (backprop vs finite differences) against parameter count.

    Markers are the measured medians; dashed lines the fitted power laws :math:`cP^k`, with
    the fitted exponents in the legend, so the trend reads through the noise of a shared
    machine.

    Parameters
    ----------
    cost : dict
        :func:`core.nn.measure_gradient_cost`'s result.
    """
    n = np.asarray(cost["n_params"], dtype=float)
    grid = np.geomspace(n[0], n[-1], 40)
    ratio = cost["fd_over_backprop"]
    fd = {**_line(n, cost["fd_s"] * 1e3, "finite differences (2 passes per parameter)",
                  COLORS["vermillion"], mode="markers+text"),
          "text": [f"×{r:,.0f}" for r in ratio], "textposition": "top left",
          "textfont": {"size": FONT_SIZE - 1, "color": COLORS["vermillion"]}}
    data = [fd,
            _line(n, cost["backprop_s"] * 1e3, "backpropagation (all partials)", COLORS["blue"],
                  mode="markers"),
            _line(n, cost["forward_s"] * 1e3, "one forward pass (loss only)", COLORS["grey"],
                  mode="markers")]
    for key, colour in (("fd_fit", COLORS["vermillion"]), ("backprop_fit", COLORS["blue"])):
        c, k = cost[key]
        data.append({**_line(grid, c * grid**k * 1e3, f"fit: ∝ P^{k:.2f}", colour, "dash",
                             width=2), "hoverinfo": "skip"})
    k = cost["ratio_fit"][1]
    layout = {"title": _title(f"Time for one full gradient: the gap grows like P^{k:.2f}"),
              "height": 480,
              "legend": {"x": 0.01, "xanchor": "left", "y": 0.99, "yanchor": "top"},
              "xaxis": {"title": _title("number of parameters P"), **LOG_AXIS},
              "yaxis": {"title": _title("time (ms)"), **LOG_AXIS}}
    return fast_figure(data, layout)

"""Figures of the backpropagation lesson: playground, gradient check and cost charts.

The computation-graph drawing lives in :mod:`figures.backprop_graph`.

Speed: the playground redraws on every replay step, so traces and layouts are plain dicts
assembled by :func:`fast_figure` without Plotly's per-property validation (about 1 ms
instead of 10–25 ms per chart). The figure tests re-validate every figure with ``go.Figure``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from core.nn import Params, Split, TrainResult, layer_sizes_of, mlp
from figures.theme import COLORS, FONT_SIZE, TEMPLATE

CLASS_COLORS = (COLORS["blue"], COLORS["vermillion"])
# Light version of the diverging scale for the background, so the points stay visible.
BOUNDARY_SCALE = [[0.0, "#8EC3E6"], [0.5, "#FFFFFF"], [1.0, "#F3B07A"]]
TOP_LEGEND = {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 1, "xanchor": "right"}
LOG_AXIS = {"type": "log", "exponentformat": "power"}


def fast_figure(data: list[dict], layout: dict) -> go.Figure:
    """Assemble a themed figure from plain dicts, skipping Plotly's validation."""
    return go.Figure(data=data, layout={"template": TEMPLATE, **layout}, _validate=False)


def _title(text: str) -> dict:
    return {"text": text}


def _grid(split: Split, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Square grid axes covering all points with a margin."""
    X = np.r_[split.X_train, split.X_test]
    lo = np.minimum(X.min(axis=0), -1.0) - 0.15
    hi = np.maximum(X.max(axis=0), 1.0) + 0.15
    return np.linspace(lo[0], hi[0], n), np.linspace(lo[1], hi[1], n)


def _points(X: np.ndarray, y: np.ndarray, test: bool) -> list[dict]:
    """One split as scatter traces, one per class; test points are hollow diamonds."""
    traces = []
    for cls in (0, 1):
        pts = X[y == cls]
        color = CLASS_COLORS[cls]
        traces.append({
            "type": "scatter", "x": pts[:, 0], "y": pts[:, 1], "mode": "markers",
            "name": f"{'test' if test else 'train'} · class {cls}",
            "marker": {"size": 10 if test else 9,
                       "symbol": "diamond-open" if test else "circle", "color": color,
                       "line": {"width": 2.5 if test else 1,
                                "color": color if test else "white"}},
            "hovertemplate": f"class {cls} ({'test' if test else 'train'})<br>"
                             "x₁=%{x:.2f}, x₂=%{y:.2f}<extra></extra>",
        })
    return traces


def boundary_figure(
    params: Params, split: Split, activation: str, loss: str, epoch: int,
    grid_n: int = 70, show_test: bool = True,
) -> go.Figure:
    """Heatmap of the predicted probability of class 1, its 0.5 contour, and the data."""
    gx, gy = _grid(split, grid_n)
    xx, yy = np.meshgrid(gx, gy)
    prob = mlp.predict_proba(params, np.c_[xx.ravel(), yy.ravel()], activation, loss)
    z = prob.reshape(xx.shape)
    data = [
        {"type": "heatmap", "x": gx, "y": gy, "z": z, "zmin": 0, "zmax": 1,
         "colorscale": BOUNDARY_SCALE, "name": "P(class 1)",
         "colorbar": {"title": {"text": "P(class 1)"}, "thickness": 16, "len": 0.8},
         "hovertemplate": "x₁=%{x:.2f}, x₂=%{y:.2f}<br>P(class 1)=%{z:.2f}<extra></extra>"},
        {"type": "contour", "x": gx, "y": gy, "z": z, "showscale": False, "hoverinfo": "skip",
         "contours": {"start": 0.5, "end": 0.5, "size": 1, "coloring": "none"},
         "line": {"width": 3, "color": COLORS["black"]}, "name": "boundary (P = 0.5)"},
        *_points(split.X_train, split.y_train, test=False),
        *(_points(split.X_test, split.y_test, test=True) if show_test else []),
    ]
    layout = {
        "title": _title(f"Decision boundary after epoch {epoch}"), "height": 540,
        "legend": {"orientation": "h", "y": -0.12, "x": 0, "yanchor": "top"},
        "xaxis": {"title": _title("x₁"), "range": [gx[0], gx[-1]], "showgrid": False,
                  "zeroline": False, "constrain": "domain"},
        "yaxis": {"title": _title("x₂"), "range": [gy[0], gy[-1]], "showgrid": False,
                  "zeroline": False, "scaleanchor": "x", "scaleratio": 1, "constrain": "domain"},
    }
    return fast_figure(data, layout)


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


def loss_figure(result: TrainResult, epoch: int) -> go.Figure:
    """Train and test loss per epoch (log scale), with the replayed epoch marked."""
    epochs = np.arange(result.epochs_done + 1)
    data = [_line(epochs, result.train_loss, "train", COLORS["blue"]),
            _line(epochs, result.test_loss, "test", COLORS["orange"], "dot")]
    layout = {"title": _title("Loss per epoch"), "height": 340, "legend": TOP_LEGEND,
              "xaxis": {"title": _title("epoch"), "range": [0, max(result.epochs_done, 1)]},
              "yaxis": {"title": _title("loss"), **LOG_AXIS},
              **_vline(epoch, f" epoch {epoch} ", right=epoch > result.epochs_done / 2)}
    return fast_figure(data, layout)


def _layer_trace(epochs: np.ndarray, norms: np.ndarray, layer: int, n_layers: int) -> dict:
    """First layer blue, last vermillion (both thick), middle layers thin grey, one legend entry."""
    norms = np.maximum(norms, 1e-300)
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


def grad_norm_figure(result: TrainResult, epoch: int, clip_norm: float | None) -> go.Figure:
    """Gradient norm of each layer per epoch, log scale: vanishing and exploding at a glance."""
    n_layers = result.grad_norms.shape[1]
    epochs = np.arange(1, result.epochs_done + 1)
    order = [*range(1, n_layers - 1), 0, *([n_layers - 1] if n_layers > 1 else [])]
    data = [_layer_trace(epochs, result.grad_norms[:, k], k, n_layers) for k in order]
    marks = _vline(max(epoch, 1), f" epoch {epoch} ", right=epoch > result.epochs_done / 2)
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
              "xaxis": {"title": _title("epoch"), "range": [1, max(result.epochs_done, 2)]},
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


def cost_figure(
    n_params: np.ndarray, forward_s: np.ndarray, backprop_s: np.ndarray, fd_s: np.ndarray
) -> go.Figure:
    """Measured time of one gradient (backprop vs finite differences) against parameter count."""
    n = np.asarray(n_params, dtype=float)
    fd = {**_line(n, fd_s * 1e3, "finite differences (2 passes per parameter)",
                  COLORS["vermillion"], mode="lines+markers+text"),
          "text": [f"×{r:,.0f}" for r in fd_s / backprop_s], "textposition": "top left",
          "textfont": {"size": FONT_SIZE - 1, "color": COLORS["vermillion"]}}
    data = [fd,
            _line(n, backprop_s * 1e3, "backpropagation (all partials)", COLORS["blue"],
                  mode="lines+markers"),
            _line(n, forward_s * 1e3, "one forward pass (loss only)", COLORS["grey"], "dot",
                  mode="lines+markers")]
    layout = {"title": _title("Time for one full gradient (×: finite differences ÷ backprop)"),
              "height": 460,
              "legend": {"x": 0.01, "xanchor": "left", "y": 0.99, "yanchor": "top"},
              "xaxis": {"title": _title("number of parameters"), **LOG_AXIS},
              "yaxis": {"title": _title("time (ms)"), **LOG_AXIS}}
    return fast_figure(data, layout)


def _weight_traces(params: Params, pos: list[np.ndarray], bins: int = 4) -> list[dict]:
    """Connections as line traces, binned by |w| (width) and sign (colour)."""
    wmax = max(float(np.abs(W).max()) for W, _ in params) or 1.0
    groups: dict[tuple[int, int], list[float | None]] = {}
    for layer, (W, _) in enumerate(params):
        for i, j in np.ndindex(W.shape):
            level = min(bins - 1, int(bins * abs(W[i, j]) / wmax))
            xs_ys = groups.setdefault((int(W[i, j] > 0), level), [])
            (x0, y0), (x1, y1) = pos[layer][i], pos[layer + 1][j]
            xs_ys.append((x0, y0, x1, y1))
    traces = []
    for (positive, level), segs in sorted(groups.items()):
        x = [v for x0, _, x1, _ in segs for v in (x0, x1, None)]
        y = [v for _, y0, _, y1 in segs for v in (y0, y1, None)]
        traces.append({"type": "scatter", "x": x, "y": y, "mode": "lines", "hoverinfo": "skip",
                       "showlegend": False, "opacity": 0.35 + 0.15 * level,
                       "line": {"width": 1 + 2.2 * level,
                                "color": COLORS["vermillion"] if positive else COLORS["blue"]}})
    return traces


def network_figure(params: Params, grad_norms: np.ndarray | None, epoch: int) -> go.Figure:
    """The network itself: neurons in columns, weights as lines (colour = sign, width = size).

    Each layer is labelled with its gradient norm at this epoch, so vanishing gradients show
    up as tiny numbers on the left.
    """
    sizes = layer_sizes_of(params)
    pos = [np.c_[np.full(n, k, dtype=float), np.linspace(0.5, -0.5, n) * (n - 1) / max(sizes)]
           for k, n in enumerate(sizes)]
    nodes = np.concatenate(pos)
    data = [*_weight_traces(params, pos), {
        "type": "scatter", "x": nodes[:, 0], "y": nodes[:, 1], "mode": "markers",
        "hoverinfo": "skip", "showlegend": False,
        "marker": {"size": 18, "color": "white", "line": {"width": 2.5, "color": "#444444"}}}]
    wide = len(sizes) <= 5
    hidden = (f"hidden {k}" if wide else f"h{k}" for k in range(1, len(sizes) - 1))
    names = ["inputs" if wide else "x", *hidden, "output" if wide else "z"]
    notes = [{"x": k, "y": 0.62, "text": f"<b>{name}</b>", "showarrow": False,
              "font": {"size": FONT_SIZE - 2}} for k, name in enumerate(names)]
    if grad_norms is not None:
        notes += [{"x": k + 0.5, "y": -0.64, "text": f"{g:.1e}" if wide else f"{g:.0e}",
                   "showarrow": False, "font": {"size": FONT_SIZE - 2, "color": COLORS["grey"]}}
                  for k, g in enumerate(grad_norms)]
    title = {"text": f"The network after epoch {epoch}",
             "subtitle": {"text": "weights: orange +, blue −, width = size; "
                                  "numbers: gradient size",
                          "font": {"size": FONT_SIZE - 3, "color": COLORS["grey"]}}}
    layout = {"title": title,
              "height": 400, "margin": {"l": 20, "r": 20, "t": 80, "b": 10},
              "annotations": notes,
              "xaxis": {"visible": False, "range": [-0.4, len(sizes) - 0.6], "fixedrange": True},
              "yaxis": {"visible": False, "range": [-0.8, 0.72], "fixedrange": True}}
    return fast_figure(data, layout)

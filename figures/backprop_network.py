"""The playground's network drawn as TensorFlow Playground draws it.

Every node is a small picture of what it computes over the input plane; every weight is a
line whose colour is its sign and whose width follows its size (to the nearest pixel, up to
10 px, as in Playground); a weight that L1 has set to exactly zero is a dotted grey line. Hovering a band shows the weight's value;
clicking a node selects it (the page then shows it large).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from core.nn import Params, PlaneView
from figures.backprop_playground import node_positions, thumbnail
from figures.theme import COLORS, FONT_SIZE, fast_figure

NODE = 0.46  # side of a node's picture, in axis units
PX_PER_UNIT = 100  # about how many pixels one axis unit takes (for the node markers)
MAX_BAND_PX = 10.0  # a weight of size WEIGHT_FULL or more is this wide, as in Playground
WEIGHT_FULL = 3.0
NODE_TRACE = 0  # index of the clickable node markers
COLOUR = {True: "rgba(213,94,0,0.62)", False: "rgba(0,114,178,0.62)"}


def _r(v: float | None) -> float | None:
    """A coordinate rounded to 1/1000 of an axis unit (well under a pixel), or None."""
    return None if v is None else round(float(v), 3)


def band_pixels(w: np.ndarray) -> np.ndarray:
    """Line width of a weight, in whole pixels: 1 at 0 up to ``MAX_BAND_PX`` at ``WEIGHT_FULL``."""
    return np.rint(1.0 + (MAX_BAND_PX - 1.0) * np.minimum(np.abs(w) / WEIGHT_FULL, 1.0))


def _bands(params: Params, pos: list[np.ndarray]) -> tuple[list[dict], dict]:
    """Weights as lines: one trace per sign and whole-pixel width, dotted lines for zeros.

    Widths are rounded to the nearest pixel, which is as continuous as a screen can show, and
    keeps the chart to about twenty cheap line traces (filled polygons per weight cost the
    browser several times more to draw, several times a second).
    """
    groups: dict[tuple[bool, int], tuple[list, list]] = {}
    zx, zy, mx, my, hover = [], [], [], [], []
    for layer, (W, _) in enumerate(params):
        for i, j in np.ndindex(W.shape):
            (x0, y0), (x1, y1) = pos[layer][i], pos[layer + 1][j]
            x0, x1 = x0 + NODE / 2, x1 - NODE / 2
            w = float(W[i, j])
            mx.append(0.5 * (x0 + x1))
            my.append(0.5 * (y0 + y1))
            hover.append(f"weight {w:+.3f}" if w else "weight exactly 0 (removed by L1)")
            xs, ys = (zx, zy) if w == 0.0 else groups.setdefault(
                (w > 0, int(band_pixels(np.array(w)))), ([], []))
            xs += [_r(x0), _r(x1), None]
            ys += [_r(y0), _r(y1), None]
    traces = [{"type": "scatter", "x": xs, "y": ys, "mode": "lines", "hoverinfo": "skip",
               "line": {"color": COLOUR[positive], "width": px}, "legendgroup": str(positive),
               "name": "positive weights" if positive else "negative weights",
               "showlegend": px == max(p for s, p in groups if s == positive)}
              for (positive, px), (xs, ys) in sorted(groups.items())]
    traces.append({"type": "scatter", "x": zx, "y": zy, "mode": "lines", "hoverinfo": "skip",
                   "name": "weights at exactly 0",
                   "line": {"color": "#9AA0A6", "width": 1.2, "dash": "dot"}})
    f32 = np.float32
    midpoints = {"type": "scatter", "x": np.array(mx, f32), "y": np.array(my, f32),
                 "mode": "markers", "hovertext": hover, "hoverinfo": "text", "name": "weights",
                 "showlegend": False, "marker": {"size": 12, "color": "rgba(0,0,0,0)"}}
    return traces, midpoints


def _node_names(sizes: Sequence[int], inputs: Sequence[str]) -> list[list[str]]:
    """Plain names of every node, layer by layer."""
    out = [list(inputs)]
    out += [[f"neuron {j + 1} of hidden layer {k}" for j in range(m)]
            for k, m in enumerate(sizes[1:-1], start=1)]
    last = sizes[-1]
    out.append(["the output"] if last == 1 else [f"class {c} score" for c in range(last)])
    return out


def network_figure(
    params: Params, view: PlaneView, grad_norms: np.ndarray | None, epoch: int,
    inputs: Sequence[str], selected: tuple[int, int] | None = None,
) -> go.Figure:
    """The network: node pictures, weight lines, and each layer's gradient size.

    Parameters
    ----------
    params : list of tuple of numpy.ndarray
        The weights.
    view : PlaneView
        The same network evaluated over the plane (for the node pictures).
    grad_norms : numpy.ndarray or None
        Gradient size of each layer at this epoch (None before the first epoch).
    epoch : int
        Epoch shown in the title.
    inputs : sequence of str
        Labels of the input features, e.g. ``["x₁", "x₂"]``.
    selected : tuple of int, optional
        ``(layer, index)`` of the node shown large (outlined here).
    """
    sizes = [params[0][0].shape[0], *(W.shape[1] for W, _ in params)]
    pos = node_positions(sizes)
    names = _node_names(sizes, inputs)
    bands, midpoints = _bands(params, pos)
    centres = np.concatenate(pos)
    ids = [(k, j) for k, m in enumerate(sizes) for j in range(m)]
    biases = [None] * sizes[0] + [float(b) for _, b in params for b in b]
    hover = [f"<b>{names[k][j]}</b>" + (f"<br>bias {bias:+.3f}" if bias is not None else "")
             + "<br>click to show it large" for (k, j), bias in zip(ids, biases, strict=True)]
    outline = ["#1A1A1A" if (k, j) == selected else "#9AA0A6" for k, j in ids]
    nodes = {"type": "scatter", "x": centres[:, 0], "y": centres[:, 1], "mode": "markers",
             "customdata": ids, "hovertext": hover, "hoverinfo": "text", "showlegend": False,
             "name": "nodes", "marker": {"symbol": "square", "size": NODE * PX_PER_UNIT,
                                         "color": "rgba(0,0,0,0)",
                                         "line": {"color": outline, "width":
                                                  [4 if c == "#1A1A1A" else 1.5 for c in outline]}}}
    images = [{"source": thumbnail(view, k, j), "xref": "x", "yref": "y",
               "x": float(x) - NODE / 2, "y": float(y) + NODE / 2, "sizex": NODE, "sizey": NODE,
               "sizing": "stretch", "layer": "above"} for (k, j), (x, y) in zip(ids, centres,
                                                                           strict=True)]
    top = float(centres[:, 1].max()) + NODE / 2
    notes = [{"x": k, "y": top + 0.12, "yanchor": "bottom", "showarrow": False,
              "text": f"<b>{label}</b>", "font": {"size": FONT_SIZE - 3}}
             for k, label in enumerate(["inputs", *(f"hidden {k}" for k in range(1, len(sizes) - 1)),
                                        "output"])]
    notes += [{"x": k + 0.5, "y": -top - 0.1, "yanchor": "top", "showarrow": False,
               "text": f"{g:.1e}", "font": {"size": FONT_SIZE - 3, "color": COLORS["grey"]}}
              for k, g in enumerate(grad_norms if grad_norms is not None else [])]
    notes += [{"x": x - NODE / 2 - 0.05, "y": y, "xanchor": "right", "showarrow": False,
               "text": label, "font": {"size": FONT_SIZE - 3}}
              for label, (x, y) in zip(inputs, pos[0], strict=True)]
    layout = {
        "title": {"text": f"The network after epoch {epoch}",
                  "subtitle": {"text": "lines: orange +, blue −, width = size · "
                                       "numbers: gradient size per layer",
                               "font": {"size": FONT_SIZE - 4, "color": COLORS["grey"]}}},
        "height": max(380, int(PX_PER_UNIT * (2 * top + 0.9)) + 110), "images": images,
        "annotations": notes, "margin": {"l": 10, "r": 10, "t": 80, "b": 10},
        "legend": {"orientation": "h", "y": 0, "yanchor": "top", "x": 0,
                   "font": {"size": FONT_SIZE - 3}},
        "xaxis": {"visible": False, "range": [-1.05, len(sizes) - 0.45], "fixedrange": True},
        "yaxis": {"visible": False, "range": [-top - 0.45, top + 0.45], "fixedrange": True,
                  "scaleanchor": "x", "scaleratio": 1},
        "clickmode": "event+select", "dragmode": False, "hovermode": "closest",
    }
    return fast_figure([nodes, midpoints, *bands], layout)

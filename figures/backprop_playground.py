"""The playground's two live pictures: the input plane as the network sees it, and the network.

Both are rebuilt several times a second while training plays, so they are assembled from
plain dicts (:func:`figures.backprop.fast_figure`) with compact arrays (float32), and the
network's neurons are small PNG images (:mod:`figures.thumbnails`) rather than heat maps.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from core.nn import PlaneView, Split
from figures.theme import COLORS, FONT_SIZE, fast_figure
from figures.thumbnails import blend_rgb, diverging_rgb, hex_rgb, png_data_uri

CLASS_COLORS = (COLORS["blue"], COLORS["vermillion"], COLORS["green"])
# Light backgrounds, so the points stay visible: P(class 1) from blue through white to orange,
# with a quick change around 0.5 so the decision boundary reads as an edge (as in Playground).
BINARY_SCALE = [[0.0, "#8EC3E6"], [0.45, "#D3E7F4"], [0.5, "#FFFFFF"], [0.55, "#FAE1CD"],
                [1.0, "#F3B07A"]]
REGRESSION_SCALE = [[0.0, "#5DA5D5"], [0.5, "#FFFFFF"], [1.0, "#E8925A"]]
LIGHT = ("#C6DDF0", "#F6CBAA", "#B7E2D4")  # each class's region colour, faint
STRONG = ("#7FB4DB", "#EE9C66", "#66C5A6")  # ... and sure of itself


def _region_scale(k: int) -> list[list]:
    """Colour scale over [0, 1] with one band per class, faint to strong with confidence."""
    scale = []
    for c in range(k):
        scale += [[c / k, LIGHT[c]], [(c + 1) / k - 1e-6 if c < k - 1 else 1.0, STRONG[c]]]
    return scale


def _f32(a) -> np.ndarray:
    return np.asarray(a, dtype=np.float32)


def _shades(z: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Values in [lo, hi] as 0…255 (one byte a cell: the eye cannot tell 256 shades apart)."""
    return np.rint(255 * np.clip((np.asarray(z, dtype=float) - lo) / (hi - lo), 0, 1)).astype(
        np.uint8)


def _colorbar(title: str, lo: float, hi: float) -> dict:
    """A colour bar labelled in the quantity's own units, over 0…255 shades."""
    ticks = np.linspace(lo, hi, 5)
    return {"title": {"text": title}, "thickness": 14, "len": 0.7,
            "tickvals": list(np.linspace(0, 255, 5)), "ticktext": [f"{t:.2g}" for t in ticks]}


def _heat(view: PlaneView, z: np.ndarray, lo: float, hi: float, scale, bar: str | None) -> dict:
    """A heat map of ``z`` (grid values) over the plane, sent as one byte per cell."""
    n = len(view.gx)
    heat = {"type": "heatmap", "x": _f32(view.gx), "y": _f32(view.gy), "hoverinfo": "skip",
            "z": _shades(np.reshape(z, (n, n)), lo, hi), "zmin": 0, "zmax": 255,
            "colorscale": scale, "showscale": bar is not None}
    if bar is not None:
        heat["colorbar"] = _colorbar(bar, lo, hi)
    return heat


def _points(split: Split, kind: str, show_test: bool) -> list[dict]:
    """Training points filled, test points as hollow diamonds; by class, or by target value.

    SVG scatter traces. WebGL ones were tried: in headless Chromium (software WebGL) every
    live update then spent about 100 ms creating a WebGL context, and the playground managed
    half as many updates per second as with these few hundred SVG markers.
    """
    sets = [("train", split.X_train, split.y_train)]
    if show_test:
        sets.append(("test", split.X_test, split.y_test))
    traces = []
    for name, X, y in sets:
        test = name == "test"
        symbol = "diamond-open" if test else "circle"
        if kind == "regression":
            traces.append({
                "type": "scatter", "x": _f32(X[:, 0]), "y": _f32(X[:, 1]), "mode": "markers",
                "name": f"{name} points (colour = target)",
                "marker": {"size": 10 if test else 9, "symbol": symbol, "color": _f32(y),
                           "cmin": -1, "cmax": 1, "colorscale": REGRESSION_SCALE,
                           "line": {"width": 1.5, "color": "#333333"}},
                "hovertemplate": f"{name}: target %{{marker.color:.2f}}<extra></extra>"})
            continue
        for cls in np.unique(y).astype(int):
            pts, colour = X[y == cls], CLASS_COLORS[cls]
            traces.append({
                "type": "scatter", "x": _f32(pts[:, 0]), "y": _f32(pts[:, 1]), "mode": "markers",
                "name": f"{name} · class {cls}",
                "marker": {"size": 10 if test else 9, "symbol": symbol, "color": colour,
                           "line": {"width": 2.5 if test else 1,
                                    "color": colour if test else "white"}},
                "hovertemplate": f"class {cls} ({name})<extra></extra>"})
    return traces


def _output_heat(view: PlaneView, discretize: bool) -> tuple[dict, list[dict]]:
    """The network's answer as a heat map (the boundary is where its colour turns)."""
    if view.kind == "multiclass":
        k = view.prediction.shape[1]
        cls = np.argmax(view.prediction, axis=1)
        sure = (view.prediction.max(axis=1) - 1 / k) / (1 - 1 / k)
        z = (cls + (0.75 if discretize else 0.05 + 0.9 * sure)) / k  # inside its band
        return _heat(view, z, 0, 1, _region_scale(k), None), []
    if view.kind == "regression":
        z = np.sign(view.prediction) if discretize else view.prediction
        return _heat(view, z, -1, 1, REGRESSION_SCALE, "prediction"), []
    p = view.prediction
    return _heat(view, (p > 0.5) if discretize else p, 0, 1, BINARY_SCALE, "P(class 1)"), []


def unit_values(view: PlaneView, layer: int, unit: int) -> np.ndarray:
    """One node's value over the grid: layer 0 = input features, 1.. = hidden layers."""
    return view.inputs[:, unit] if layer == 0 else view.units[layer - 1][:, unit]


def boundary_figure(
    view: PlaneView, split: Split, epoch: int, *, show_test: bool = True,
    discretize: bool = False, unit: tuple[int, int] | None = None, unit_name: str = "",
) -> go.Figure:
    """The input plane coloured by the network's answer (or by one chosen neuron), with the data.

    Parameters
    ----------
    view : PlaneView
        The network evaluated on a grid (:func:`core.nn.plane_view`).
    split : Split
        The points.
    epoch : int
        Epoch shown in the title.
    show_test : bool, default True
        Draw the test points too (hollow diamonds).
    discretize : bool, default False
        Hard colours: the predicted class (or the sign of a regression) instead of shades.
    unit : tuple of int, optional
        ``(layer, index)`` of a node to show instead of the output (layer 0 = inputs).
    unit_name : str, default ""
        How the title names that node.
    """
    if unit is None:
        heat, extra = _output_heat(view, discretize)
        title = f"The network's answer after epoch {epoch}"
    else:
        values = unit_values(view, *unit)
        scale = max(1.0, float(np.abs(values).max()))
        heat = _heat(view, np.sign(values) if discretize else values, -scale, scale,
                     REGRESSION_SCALE, "output")
        extra, title = [], f"{unit_name}, epoch {epoch}"
    lo, hi = float(view.gx[0]), float(view.gx[-1])
    hint = ("click a neuron in the network to see what it computes" if unit is None else
            "click the output node to see the whole network's answer again")
    layout = {
        "title": {"text": title, "subtitle": {"text": hint, "font": {"size": FONT_SIZE - 4,
                                                                      "color": COLORS["grey"]}}},
        "height": 540,
        "legend": {"orientation": "h", "y": -0.12, "x": 0, "yanchor": "top"},
        "xaxis": {"title": {"text": "x₁"}, "range": [lo, hi], "showgrid": False,
                  "zeroline": False, "constrain": "domain"},
        "yaxis": {"title": {"text": "x₂"}, "range": [lo, hi], "showgrid": False,
                  "zeroline": False, "scaleanchor": "x", "scaleratio": 1, "constrain": "domain"},
    }
    return fast_figure([heat, *extra, *_points(split, view.kind, show_test)], layout)


def thumbnail(view: PlaneView, layer: int, unit: int, step: int = 3) -> str:
    """A node's picture as a PNG data URI.

    Inputs and hidden units use the diverging scale clipped at ±1 (as TensorFlow Playground
    does); a single output node is coloured like the large chart, and with several classes
    the node of class ``unit`` shows that class's probability, from the light middle grey
    (0) to the class's colour (1).
    """
    n = len(view.gx)

    def small(values: np.ndarray) -> np.ndarray:  # subsample first: colour only what is drawn
        return values.reshape(n, n, *values.shape[1:])[::-step, ::step]  # rows top to bottom

    if layer <= len(view.units):
        return png_data_uri(diverging_rgb(small(unit_values(view, layer, unit))))
    p = small(view.prediction)
    if view.kind == "multiclass":
        return png_data_uri(blend_rgb(hex_rgb(CLASS_COLORS[unit]), p[..., unit]))
    return png_data_uri(diverging_rgb(p if view.kind == "regression" else 2 * p - 1))


def node_positions(sizes: Sequence[int], gap: float = 0.62) -> list[np.ndarray]:
    """Centres ``(x, y)`` of each layer's nodes: one column per layer, rows ``gap`` apart."""
    return [np.c_[np.full(m, float(k)), gap * ((m - 1) / 2 - np.arange(m))]
            for k, m in enumerate(sizes)]

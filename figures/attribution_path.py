r"""The walk from the baseline to the creative, played in the browser (Plotly frames).

Left: the interpolated creative :math:`x' + \alpha (x - x')`. Right: against α, how far the
predicted CTR has moved (black) and the running sum of the attributions (vermillion), which
reaches f(creative) − f(baseline) at α = 1 up to the quadrature gap. The scrubber moves α; the
walk itself (:class:`core.attribution.PathWalk`) is computed once by core.

The picture is the baseline with the creative laid over it at opacity α: alpha blending of
an opaque layer is exactly the linear interpolation :math:`(1 - \alpha) x' + \alpha x`, so a
frame only sends α, and the two pictures travel once, as small PNGs (written here with the
standard library's zlib).
"""

from __future__ import annotations

import base64
import struct
import zlib

import numpy as np
import plotly.graph_objects as go

from core.attribution import PathWalk
from figures.motion import animate, below_axis_title, frame
from figures.theme import COLORS, FONT_SIZE, MARKER_SIZE, TEMPLATE

SUM_COLOR, CHANGE_COLOR, NODE_COLOR = COLORS["vermillion"], COLORS["black"], COLORS["grey"]
#: Traces the frames move: the creative's opacity, the running sum so far, and the two markers
#: at α (the running sum, and how far f has moved), one trace: Plotly validates every trace of
#: every frame, so fewer traces build faster.
MOVING = (1, 3, 4)
DIGITS = 7


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def png_data_uri(rgb: np.ndarray) -> str:
    """A ``data:image/png`` URI of an (H, W, 3) image with values in [0, 1] (8-bit RGB)."""
    pixels = np.round(np.clip(np.asarray(rgb, dtype=float), 0, 1) * 255).astype(np.uint8)
    height, width, _ = pixels.shape
    rows = b"".join(b"\x00" + pixels[r].tobytes() for r in range(height))  # filter 0 per row
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    png = (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
           + _chunk(b"IDAT", zlib.compress(rows, 9)) + _chunk(b"IEND", b""))
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _axes(side: int) -> dict:
    image = {"showgrid": False, "showticklabels": False, "zeroline": False, "ticks": "",
             "showline": False}
    return {
        "xaxis": {**image, "domain": [0.0, 0.34], "range": [-0.5, side - 0.5],
                  "scaleanchor": "y", "constrain": "domain"},
        "yaxis": {**image, "domain": [0.0, 1.0], "range": [side - 0.5, -0.5],
                  "constrain": "domain"},
        "xaxis2": {"domain": [0.45, 1.0], "anchor": "y2", "range": [-0.02, 1.02],
                   "title": {"text": "α: share of the way from the baseline to the creative"},
                   "tickformat": ".1f", "dtick": 0.2},
        "yaxis2": {"anchor": "x2", "title": {"text": "change in predicted CTR (points)"},
                   "zeroline": True},
    }


def _y_range(walk: PathWalk, scale: float) -> list[float]:
    values = scale * np.concatenate([walk.change, walk.running_sum, [0.0]])
    low, high = float(values.min()), float(values.max())
    pad = 0.12 * (high - low or 1.0)
    return [low - pad, high + pad]


def _numbers(values) -> list[float]:
    return [float(f"{v:.{DIGITS}g}") for v in np.asarray(values, dtype=float).ravel()]


def _moving(walk: PathWalk, k: int, scale: float) -> list[dict]:
    a = walk.alphas
    return [
        {"type": "image", "opacity": float(a[k])},
        {"x": _numbers(a[:k + 1]), "y": _numbers(scale * walk.running_sum[:k + 1])},
        {"x": _numbers([a[k], a[k]]),
         "y": _numbers([scale * walk.running_sum[k], scale * walk.change[k]])},
    ]


def path_figure(walk: PathWalk, *, scale: float = 100.0, unit: str = "points",
                active: int = 0, title: str = "") -> go.Figure:
    """The walk from the baseline to the input, one frame per stop, with Play and a scrubber.

    Parameters
    ----------
    walk : PathWalk
        From :func:`core.attribution.path_walk`; ``walk.points`` are (H, W, 3) images in [0, 1].
    scale : float, default 100
        Factor from the model's output to the chart's unit (CTR as a share → points).
    unit : str, default "points"
        The unit's name in the labels.
    active : int, default 0
        The stop shown first (0: the baseline).
    title : str, default ""
        Chart title.
    """
    target = scale * float(walk.change[-1])
    first = _moving(walk, active, scale)
    line = {"type": "scatter", "xaxis": "x2", "yaxis": "y2"}
    data = [
        {"type": "image", "source": png_data_uri(walk.points[0]), "hoverinfo": "skip",
         "name": "baseline"},
        {"type": "image", "source": png_data_uri(walk.points[-1]), "hoverinfo": "skip",
         "name": "creative", "opacity": first[0]["opacity"]},
        {**line, "x": _numbers(walk.alphas), "y": _numbers(scale * walk.change), "mode": "lines",
         "name": "f along the path − f(baseline)",
         "line": {"color": CHANGE_COLOR, "width": 2, "dash": "dot"},
         "hovertemplate": f"α = %{{x:.3f}}: f moved %{{y:+.3f}} {unit}<extra></extra>"},
        {**line, **first[1], "mode": "lines", "name": "running Σ of the attributions",
         "line": {"color": SUM_COLOR, "width": 4, "shape": "hv"},
         "hovertemplate": f"α = %{{x:.3f}}: Σ so far %{{y:+.3f}} {unit}<extra></extra>"},
        {**line, **first[2], "mode": "markers", "showlegend": False, "name": "at α",
         "marker": {"color": [SUM_COLOR, CHANGE_COLOR], "size": [MARKER_SIZE + 4, MARKER_SIZE],
                    "symbol": ["circle", "diamond"]}, "hoverinfo": "skip"},
        {**line, "x": _numbers(walk.nodes), "y": [0.0] * walk.nodes.size, "mode": "markers",
         "name": "where the gradient is taken (the rule's nodes)",
         "marker": {"color": NODE_COLOR, "size": 9, "symbol": "line-ns-open",
                    "line": {"width": 2, "color": NODE_COLOR}},
         "hovertemplate": "node α = %{x:.3f}<extra></extra>"},
    ]
    layout = {
        "template": TEMPLATE, "title": {"text": title}, "height": 440,
        "margin": {"l": 10, "r": 20, "t": 120, "b": 70},
        # right-anchored: a horizontal legend anchored mid-width shrinks Plotly's slider rail
        "legend": {"orientation": "h", "x": 1.0, "xanchor": "right", "y": 1.02,
                   "yanchor": "bottom", "font": {"size": FONT_SIZE - 2}},
        "shapes": [{"type": "line", "xref": "x2 domain", "x0": 0, "x1": 1, "yref": "y2",
                    "y0": target, "y1": target, "line": {"color": SUM_COLOR, "dash": "dash",
                                                         "width": 1.5}}],
        "annotations": [{"xref": "x2 domain", "x": 0.0, "xanchor": "left", "yref": "y2",
                         "y": target, "yanchor": "bottom", "showarrow": False,
                         "text": f"f(creative) − f(baseline) = {target:+.3f} {unit}",
                         "font": {"color": SUM_COLOR}}],
        **_axes(walk.points.shape[1]),
    }
    layout["yaxis2"]["range"] = _y_range(walk, scale)
    fig = go.Figure(data=data, layout=layout, _validate=False)
    frames = [frame(f"a{k}", _moving(walk, k, scale), MOVING) for k in range(walk.alphas.size)]
    labels = [f"{a:.3f}: Σ so far {scale * s:+.3f}, f moved {scale * c:+.3f} {unit}"
              for a, s, c in zip(walk.alphas, walk.running_sum, walk.change, strict=True)]
    # redraw: an image's opacity changes only when the plot is redrawn (measured)
    return below_axis_title(animate(fig, frames, labels, active=active, prefix="α = ", play=True,
                                    redraw=True))

"""The computation graph of the tiny network, drawn in Plotly, revealed one backward step at a time."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.nn import Graph, Step, backward_steps
from figures.theme import COLORS, FONT_SIZE, TEMPLATE

NODE_SIZE = 64
ROW_GAP = 0.16  # vertical offset (axis units) of the gradient label under a node
HALO = "0 0 3px white, 0 0 3px white, 0 0 3px white"  # keeps labels legible over arrows


def node_columns(graph: Graph) -> list[int]:
    """Column of each node: its depth; a leaf sits one column left of its first consumer."""
    cols = [n.depth for n in graph.nodes]
    parents: dict[int, list[int]] = {n.id: [] for n in graph.nodes}
    for e in graph.edges:
        parents[e.child].append(e.parent)
    for n in graph.nodes:
        if not n.op and parents[n.id]:
            cols[n.id] = min(cols[p] for p in parents[n.id]) - 1
    return cols


def node_positions(graph: Graph) -> np.ndarray:
    """(x, y) per node: columns left to right, rows ordered by the parents' heights.

    Columns are filled from the root leftwards; each node is placed at the mean height
    of its consumers and the column is then spread evenly over [0, 1], keeping that order
    (a barycentre layout, which keeps edges short and mostly uncrossed).
    """
    cols = node_columns(graph)
    parents: dict[int, list[int]] = {n.id: [] for n in graph.nodes}
    for e in graph.edges:
        parents[e.child].append(e.parent)
    y = np.full(len(graph.nodes), 0.5)
    for col in range(max(cols), min(cols) - 1, -1):
        members = [i for i in range(len(cols)) if cols[i] == col]
        wish = {i: np.mean([y[p] for p in parents[i]]) if parents[i] else 0.5 for i in members}
        ordered = sorted(members, key=lambda i: (-wish[i], i))
        k = len(ordered)
        for rank, i in enumerate(ordered):
            y[i] = 0.5 if k == 1 else 1.0 - rank / (k - 1)
    return np.c_[np.array(cols, dtype=float) - min(cols), y]


def _fmt(v: float) -> str:
    """Three significant digits with a real minus sign."""
    return f"{v:.3g}".replace("-", "−")


def _fill(grad: float, scale: float) -> str:
    """Light fill whose hue is the gradient's sign and whose strength its size."""
    rgb = (213, 94, 0) if grad > 0 else (0, 114, 178)
    alpha = 0.1 + 0.35 * min(1.0, abs(grad) / scale) if scale > 0 else 0.1
    return f"rgba({rgb[0]},{rgb[1]},{rgb[2]},{alpha:.2f})"


def _edges(graph: Graph, pos: np.ndarray, current: Step | None) -> list[dict]:
    """Arrow annotations from each input to the operation that uses it; current step orange.

    Returned as plain dicts and added in one ``update_layout`` call (adding 30+ annotations
    one by one costs Plotly hundreds of milliseconds).
    """
    hot = {(current.node, p) for p, _, _ in current.terms} if current else set()
    out = []
    for e in graph.edges:
        is_hot = (e.child, e.parent) in hot
        (x0, y0), (x1, y1) = pos[e.child], pos[e.parent]
        out.append({
            "x": x1, "y": y1, "ax": x0, "ay": y0, "xref": "x", "yref": "y", "axref": "x",
            "ayref": "y", "text": "", "showarrow": True, "arrowhead": 2, "arrowsize": 1.2,
            "arrowwidth": 4 if is_hot else 1.6,
            "arrowcolor": COLORS["orange"] if is_hot else "#9AA0A6",
            "standoff": NODE_SIZE / 2 + 2, "startstandoff": NODE_SIZE / 2,
        })
    for e in graph.edges:  # labels last, so they sit above every arrow
        if (e.child, e.parent) in hot:
            (x0, y0), (x1, y1) = pos[e.child], pos[e.parent]
            out.append({
                "x": 0.5 * (x0 + x1), "y": 0.5 * (y0 + y1), "text": f"<b>×{_fmt(e.local)}</b>",
                "showarrow": False, "font": {"size": FONT_SIZE, "color": COLORS["vermillion"]},
                "bgcolor": "rgba(255,255,255,0.9)", "bordercolor": COLORS["orange"],
                "borderpad": 3,
            })
    return out


def _hover(graph: Graph, i: int, revealed: bool) -> str:
    """Hover text of node ``i``."""
    n = graph.nodes[i]
    kind = f"operation {n.op}" if n.op else "input / parameter"
    grad = f"∂L/∂ = {_fmt(n.grad)}" if revealed else "∂L/∂ not computed yet"
    return f"<b>{n.label}</b> ({kind})<br>value = {_fmt(n.data)}<br>{grad}"


def _outlines(graph: Graph, current: Step | None) -> list[tuple[str, float]]:
    """Outline (colour, width) per node: the current step thick orange, its consumers thin."""
    upstream = {p for p, _, _ in current.terms} if current else set()
    out = []
    for n in graph.nodes:
        if current and n.id == current.node:
            out.append((COLORS["orange"], 6.0))
        elif n.id in upstream:
            out.append((COLORS["orange"], 3.5))
        else:
            out.append((COLORS["blue"] if not n.op else "#444444", 2.5))
    return out


def _node_traces(graph: Graph, pos: np.ndarray, revealed: set[int],
                 current: Step | None) -> list[dict]:
    """Node markers (value inside) and, for revealed nodes, the gradient underneath."""
    ids = range(len(graph.nodes))
    scale = max((abs(n.grad) for n in graph.nodes if n.id != graph.root), default=1.0)
    leaf = [not graph.nodes[i].op for i in ids]
    lines = _outlines(graph, current)
    nodes = {
        "type": "scatter", "x": pos[:, 0], "y": pos[:, 1], "mode": "markers+text",
        "text": [f"<b>{graph.nodes[i].op or graph.nodes[i].label}</b><br>"
                 f"{_fmt(graph.nodes[i].data)}" for i in ids],
        "textposition": "middle center", "textfont": {"size": FONT_SIZE - 2, "color": "#1A1A1A"},
        "hovertext": [_hover(graph, i, i in revealed) for i in ids], "hoverinfo": "text",
        "name": "nodes",
        "marker": {"size": NODE_SIZE, "symbol": ["square" if x else "circle" for x in leaf],
                   "color": [_fill(graph.nodes[i].grad, scale) if i in revealed else "white"
                             for i in ids],
                   "line": {"color": [c for c, _ in lines], "width": [w for _, w in lines]}},
    }
    shown = [i for i in ids if i in revealed]
    grads = {  # invisible carrier of the revealed gradients (drawn as annotations)
        "type": "scatter", "x": pos[shown, 0], "y": pos[shown, 1] - ROW_GAP * 0.62,
        "mode": "markers", "marker": {"size": 1, "opacity": 0}, "hoverinfo": "skip",
        "name": "gradients", "text": [_fmt(graph.nodes[i].grad) for i in shown],
    }
    named = [i for i in ids if not leaf[i] and graph.nodes[i].label != graph.nodes[i].op]
    names = {
        "type": "scatter", "x": pos[named, 0], "y": pos[named, 1] + ROW_GAP * 0.55,
        "mode": "text", "hoverinfo": "skip", "name": "names",
        "text": [graph.nodes[i].label for i in named],
        "textfont": {"size": FONT_SIZE - 2, "color": COLORS["grey"], "shadow": HALO},
    }
    return [nodes, grads, names]


def _gradient_labels(graph: Graph, pos: np.ndarray, revealed: set[int]) -> list[dict]:
    """``∂ value`` under each revealed node, on a white box so arrows never hide it."""
    return [{
        "x": pos[i, 0], "y": pos[i, 1] - ROW_GAP * 0.62, "showarrow": False,
        "text": f"<b>∂ {_fmt(graph.nodes[i].grad)}</b>", "bgcolor": "rgba(255,255,255,0.85)",
        "borderpad": 1, "font": {"size": FONT_SIZE - 1, "color": COLORS["vermillion"]
                                 if graph.nodes[i].grad > 0 else COLORS["blue"]},
    } for i in sorted(revealed)]


def graph_figure(graph: Graph, step: int, title: str | None = None) -> go.Figure:
    """Computation graph with forward values on the nodes and gradients up to ``step``.

    ``step = 0`` shows the forward pass only; ``step = k`` reveals the gradients of the
    first ``k`` nodes of the backward order and highlights the k-th (thick orange outline),
    its consumers whose upstream gradients it uses (thin orange outline), and the local
    derivatives on the arrows between them (``×local`` labels).
    """
    steps = backward_steps(graph)
    step = int(min(max(step, 0), len(steps)))
    revealed = {s.node for s in steps[:step]}
    current = steps[step - 1] if step else None
    pos = node_positions(graph)
    layout = {
        "template": TEMPLATE, "height": 640, "showlegend": False,
        "margin": {"l": 10, "r": 10, "t": 60 if title else 20, "b": 10},
        "annotations": _edges(graph, pos, current) + _gradient_labels(graph, pos, revealed),
        "xaxis": {"visible": False, "range": [-0.5, float(pos[:, 0].max()) + 0.5],
                  "fixedrange": True},
        "yaxis": {"visible": False, "range": [-0.16, 1.14], "fixedrange": True},
    }
    if title:
        layout["title"] = {"text": title}
    return go.Figure(data=_node_traces(graph, pos, revealed, current), layout=layout,
                     _validate=False)

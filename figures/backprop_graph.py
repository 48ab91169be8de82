"""The tiny network's computation graph, with its backward pass as a motion played in the browser.

Each step of :func:`core.nn.backward_steps` is one Plotly frame: the node whose gradient is
found gets a thick orange outline and its ``∂`` label, the arrows it reads light up with
their local derivatives, and the chain-rule equation of the step is written under the
graph. Dragging the scrubber (or pressing Play) moves through the steps with no server
round trip; the grey arrows are one trace that never changes (line segments with arrow-head
markers held off the node by ``marker.standoff``: Plotly redraws a scatter trace far faster than
arrow annotations), so frames carry only the traces that move.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.nn import Graph, Step, backward_steps
from figures.motion import animate, frame
from figures.theme import COLORS, FONT_SIZE, TEMPLATE

NODE_SIZE = 64
ROW_GAP = 0.16  # vertical offset (axis units) of the gradient label under a node
HALO = "0 0 3px white, 0 0 3px white, 0 0 3px white"  # keeps labels legible over arrows
#: Milliseconds per backward step when the motion plays by itself.
STEP_MS = 900
HIDDEN = "rgba(0,0,0,0)"  # colour of a gradient label not computed yet
EQUATION_Y = -0.2  # where the chain-rule equation of the step is written (axis units)
# Node fill: signed gradient size on a light diverging scale; 0 (not computed yet) is white.
# Opaque (the theme's blue and vermillion at 45 % on white), so the arrows end at the node.
FILL_SCALE = [[0.0, "rgb(140,192,220)"], [0.5, "white"], [1.0, "rgb(236,183,140)"]]
ARROW_SIZE = 14  # px of an arrow head
# Trace indices, in drawing order (arrows first, so the nodes cover their ends).
ARROWS, HEADS, HOT_EDGES, NODES, GRADS, NAMES, HOT_LABELS, EQUATION = range(8)
MOVING = [HOT_EDGES, NODES, GRADS, HOT_LABELS, EQUATION]


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


def fmt(v: float) -> str:
    """Three significant digits with a real minus sign."""
    return f"{v:.3g}".replace("-", "−")


def step_equation(graph: Graph, step: Step | None) -> str:
    """The chain-rule equation of one backward step, in Plotly's HTML subset.

    Parameters
    ----------
    graph : Graph
        The traced graph.
    step : Step or None
        The step (None: the forward pass only).

    Returns
    -------
    str
        One or two lines of text.
    """
    if step is None:
        return "Forward pass done: every node shows its value. Press ▶ or drag the slider."
    node = graph.nodes[step.node]
    if not step.terms:
        return "<b>Step 1, the seed:</b> ∂L/∂L = <b>1</b>: the loss changes one-for-one with itself."

    def term(parent: int, local: float, upstream: float) -> str:
        p = graph.nodes[parent].label
        return f"(∂{p}/∂{node.label} = {fmt(local)}) × (∂L/∂{p} = {fmt(upstream)})"

    parts = " + ".join(term(*t) for t in step.terms)
    uses = " (used twice: the two paths add up)" if len(step.terms) > 1 else ""
    return (f"<b>∂L/∂{node.label}</b> = local derivative × upstream gradient{uses}<br>"
            f"{parts} = <b>{fmt(step.grad)}</b>")


def _segments(pos: np.ndarray, edges, gap: bool = True) -> dict:
    """``x`` and ``y`` from each edge's input to the operation that uses it, edge after edge.

    With ``gap``, a break follows each edge (line segments); without, they are the (input,
    operation) pairs an arrow-head marker trace needs.
    """
    tail = [None] if gap else []
    return {axis: [v for e in edges for v in (float(pos[e.child, k]), float(pos[e.parent, k]), *tail)]
            for k, axis in enumerate("xy")}


def _arrows(graph: Graph, pos: np.ndarray) -> list[dict]:
    """Grey arrows from each input to the operation that uses it (two traces that never change).

    The lines run centre to centre (the node markers cover both ends). The heads are a
    markers trace of (input, operation) pairs: Plotly turns an ``arrow`` marker towards the
    point before it (``angleref="previous"``, in screen space), and ``standoff`` holds the
    head off the operation's centre by the node's radius. The input's own marker has size 0.
    """
    grey = "#9AA0A6"
    return [
        {"type": "scatter", **_segments(pos, graph.edges), "mode": "lines", "name": "arrows",
         "hoverinfo": "skip", "line": {"color": grey, "width": 1.6}},
        {"type": "scatter", **_segments(pos, graph.edges, gap=False), "mode": "markers",
         "name": "arrow heads", "hoverinfo": "skip",
         "marker": {"symbol": "arrow", "size": [0, ARROW_SIZE] * len(graph.edges),
                    "angleref": "previous", "standoff": NODE_SIZE / 2 + 1, "color": grey}},
    ]


def _state(graph: Graph, pos: np.ndarray, steps: list[Step], k: int) -> list[dict]:
    """Data of the moving traces after ``k`` backward steps, in ``MOVING`` order."""
    revealed = {s.node for s in steps[:k]}
    current = steps[k - 1] if k else None
    upstream = {p for p, _, _ in current.terms} if current else set()
    scale = max((abs(n.grad) for n in graph.nodes if n.id != graph.root), default=1.0) or 1.0
    fill = [round(float(np.clip(n.grad / scale, -1, 1)), 3) if n.id in revealed else 0
            for n in graph.nodes]
    width = [6.0 if current and n.id == current.node else 3.5 if n.id in upstream else 2.5
             for n in graph.nodes]
    line = [COLORS["orange"] if w > 2.5 else COLORS["blue"] if not n.op else "#444444"
            for n, w in zip(graph.nodes, width, strict=True)]
    # Every label always exists and is only recoloured: Plotly's animation updates text in
    # place, but does not reliably create a label that was empty in the first frame shown.
    colours = [HIDDEN if n.id not in revealed else COLORS["vermillion"] if n.grad > 0
               else COLORS["blue"] for n in graph.nodes]
    hot = [e for e in graph.edges if current and e.child == current.node]
    return [
        _segments(pos, hot),
        {"marker": {"color": fill, "line": {"color": line, "width": width}}},
        {"textfont": {"color": colours}},
        {"x": [0.5 * (pos[e.child, 0] + pos[e.parent, 0]) for e in hot],
         "y": [0.5 * (pos[e.child, 1] + pos[e.parent, 1]) for e in hot],
         "text": [f"×{fmt(e.local)}" for e in hot]},
        {"text": [step_equation(graph, current)]},
    ]


def _static_traces(graph: Graph, pos: np.ndarray) -> list[dict]:
    """Every trace, in index order, without the data that moves."""
    ids = range(len(graph.nodes))
    leaf = [not graph.nodes[i].op for i in ids]
    named = [i for i in ids if not leaf[i] and graph.nodes[i].label != graph.nodes[i].op]
    hover = [f"<b>{n.label}</b> ({f'operation {n.op}' if n.op else 'input / parameter'})<br>"
             f"value = {fmt(n.data)}" for n in graph.nodes]
    text_font = {"size": FONT_SIZE - 1, "shadow": HALO, "weight": "bold"}
    return [
        *_arrows(graph, pos),
        {"type": "scatter", "mode": "lines", "name": "this step's arrows", "hoverinfo": "skip",
         "line": {"color": COLORS["orange"], "width": 5}, "opacity": 0.8},
        {"type": "scatter", "x": pos[:, 0], "y": pos[:, 1], "mode": "markers+text",
         "name": "nodes", "hovertext": hover, "hoverinfo": "text",
         "text": [f"<b>{n.op or n.label}</b><br>{fmt(n.data)}" for n in graph.nodes],
         "textposition": "middle center", "textfont": {"size": FONT_SIZE - 2, "color": "#1A1A1A"},
         "marker": {"size": NODE_SIZE, "cmin": -1, "cmax": 1, "colorscale": FILL_SCALE,
                    "symbol": ["square" if x else "circle" for x in leaf]}},
        {"type": "scatter", "x": pos[:, 0], "y": pos[:, 1] - ROW_GAP * 0.62, "mode": "text",
         "name": "gradients", "hoverinfo": "skip", "textfont": text_font,
         "text": [f"∂ {fmt(n.grad)}" for n in graph.nodes]},
        {"type": "scatter", "x": pos[named, 0], "y": pos[named, 1] + ROW_GAP * 0.55,
         "mode": "text", "hoverinfo": "skip", "name": "names",
         "text": [graph.nodes[i].label for i in named],
         "textfont": {"size": FONT_SIZE - 2, "color": COLORS["grey"], "shadow": HALO}},
        {"type": "scatter", "mode": "text", "name": "local derivatives", "hoverinfo": "skip",
         "textfont": {"size": FONT_SIZE, "color": COLORS["vermillion"], "shadow": HALO,
                      "weight": "bold"}},
        {"type": "scatter", "x": [float(pos[:, 0].max()) / 2], "y": [EQUATION_Y],
         "mode": "text", "name": "equation", "hoverinfo": "skip",
         "textfont": {"size": FONT_SIZE, "color": "#1A1A1A"}},
    ]


def graph_figure(graph: Graph, step: int, title: str | None = None) -> go.Figure:
    """Computation graph with forward values, and its backward pass as a scrubbable motion.

    Frame ``k`` shows the gradients of the first ``k`` nodes of the backward order
    (:func:`core.nn.backward_steps`), highlights the k-th (thick orange outline), its
    consumers whose upstream gradients it uses (thin orange outline) and the arrows between
    them with their local derivatives (``×local``), and writes the step's chain-rule
    equation under the graph. Frame 0 is the forward pass alone.

    Parameters
    ----------
    graph : Graph
        A traced graph with gradients (:func:`core.nn.trace`).
    step : int
        The frame shown first (clamped to ``0 … len(nodes)``): the page's URL-bound step.
    title : str, optional
        Chart title.

    Returns
    -------
    plotly.graph_objects.Figure
        The figure with one frame per step, a scrubber and Play / Pause.
    """
    steps = backward_steps(graph)
    step = int(min(max(step, 0), len(steps)))
    pos = node_positions(graph)
    states = [_state(graph, pos, steps, k) for k in range(len(steps) + 1)]
    data = _static_traces(graph, pos)
    for index, update in zip(MOVING, states[step], strict=True):
        data[index] = {**data[index], **update,
                       **({"textfont": {**data[index]["textfont"], **update["textfont"]}}
                          if "textfont" in update else {}),
                       **({"marker": {**data[index]["marker"], **update["marker"]}}
                          if "marker" in update else {})}
    layout = {
        "template": TEMPLATE, "height": 700, "showlegend": False,
        "margin": {"l": 10, "r": 10, "t": 60 if title else 20, "b": 10},
        "xaxis": {"visible": False, "range": [-0.5, float(pos[:, 0].max()) + 0.5],
                  "fixedrange": True},
        "yaxis": {"visible": False, "range": [EQUATION_Y - 0.12, 1.14], "fixedrange": True},
    }
    if title:
        layout["title"] = {"text": title}
    fig = go.Figure(data=data, layout=layout, _validate=False)
    frames = [frame(f"step {k}", [{"type": "scatter", **u} for u in states[k]], MOVING)
              for k in range(len(states))]
    labels = ["forward pass only"] + [
        f"{k} of {len(steps)}: ∂L/∂{graph.nodes[s.node].label}" for k, s in enumerate(steps, 1)]
    return animate(fig, frames, labels, active=step, prefix="Backward step ", play=True,
                   frame_ms=STEP_MS)

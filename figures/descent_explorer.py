"""The explorer's one chart: the map with every run's path, and the loss per step beside it.

One figure, not two: Streamlit re-mounts a Plotly chart whenever its data change, so each
chart on a rerun costs a fresh ``newPlot``; and one figure lets one replay move both
panels, each run's dot on the map and on its loss curve together.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from core.descent import Surface
from figures.descent import Run, map_layout, map_traces, moving_frames, replay_steps
from figures.descent_charts import loss_gap, loss_traces
from figures.motion import SCRUBBER_MARGIN, frame, play_pause, scrubber

MAP_SHARE = 0.6  # of the chart's width; the loss panel takes the right, after a gap
GAP = 0.05  # the loss axis sits on the panel's right, so nothing of it overlaps the map
SLIDER_X = 0.36  # the scrubber starts right of Play / Pause, even in a 1366-wide window
LOWER = 22  # pixels: the scrubber's step label clears the map's x-axis title
MARGIN = (80, 120)  # left (the map's y ticks and title), right (the loss axis and title)


def _loss_dots(runs: Sequence[Run], min_value: float | None, k: int) -> dict:
    """Each run's point on its loss curve at step ``k`` (its last point once it stopped)."""
    xs, ys = [], []
    for run in runs:
        values, _ = loss_gap(run.trajectory.losses, min_value)
        i = min(int(k), len(values) - 1)
        xs.append(i)
        ys.append(float(values[i]))
    return {"x": xs, "y": ys}


def explorer_figure(surface: Surface, background: dict, runs: Sequence[Run],
                    min_value: float | None, *, height: int = 560) -> go.Figure:
    """The map (left) and the loss per step (right), with one replay for both.

    The map is :func:`figures.descent.descent_figure`'s; Play or the scrubber moves every run
    on both panels at once. Trace order: the map's (:func:`figures.descent.map_traces`, its
    moving trace last), then the loss curves, then the moving dots on them. The runs must
    record losses. Built as one unvalidated figure with its frames (what
    :func:`figures.motion.animate` adds, without re-validating 40 scrubber steps): this is
    the work of every learning-rate change.
    """
    traces, moving = map_traces(surface, runs)
    curves, title, yaxis = loss_traces(runs, min_value)
    for trace in curves:
        trace.update(xaxis="x2", yaxis="y2")
    dots = {"type": "scatter", "mode": "markers", "xaxis": "x2", "yaxis": "y2",
            "showlegend": False, "hoverinfo": "skip", "name": "each run's loss now",
            "marker": {"size": 14, "color": [r.color for r in runs],
                       "line": {"width": 2, "color": "white"}}}
    traces += [*curves, dots]
    longest = max((len(r.trajectory.points) for r in runs), default=1)
    steps = replay_steps(longest)
    on_map = moving_frames(runs, steps, surface)
    on_loss = [_loss_dots(runs, min_value, k) for k in steps]
    traces[moving].update(on_map[0])
    traces[-1].update(on_loss[0])
    layout = map_layout(surface, background, legend=False, height=height, width_share=MAP_SHARE)
    _loss_axes(layout, title, yaxis, longest)
    if not runs or len(steps) < 2:
        return go.Figure(data=traces, layout=layout, _validate=False)
    frames = [frame(f"s{k}", [a, b], [moving, len(traces) - 1])
              for k, a, b in zip(steps, on_map, on_loss, strict=True)]
    _add_replay_controls(layout, frames, [str(int(k)) for k in np.asarray(steps)])
    return go.Figure(data=traces, layout=layout, frames=frames, _validate=False)


def _loss_axes(layout: dict, title: str, yaxis: dict, longest: int) -> None:
    """The loss panel's axes, and fixed margins instead of Plotly's automargin.

    With two subplots, automargin makes Plotly lay the chart out again and again as the
    margins settle: in Chromium it cost about 5x the render time of the whole chart, on
    every learning-rate change. The margins fit the presenter's larger fonts.
    """
    layout["xaxis2"] = {"domain": [MAP_SHARE + GAP, 1.0], "anchor": "y2", "automargin": False,
                        "title": {"text": "step"}, "range": [0, max(longest - 1, 1) * 1.02]}
    layout["yaxis2"] = {"anchor": "x2", "side": "right", "automargin": False,
                        "title": {"text": title}, **yaxis}
    for axis in ("xaxis", "yaxis"):
        layout[axis]["automargin"] = False
    layout["margin"].update(l=MARGIN[0], r=MARGIN[1])


def _add_replay_controls(layout: dict, frames: list[dict], labels: list[str]) -> None:
    """The scrubber right of Play / Pause, both lowered below the map's x-axis title."""
    slider = scrubber([f["name"] for f in frames], labels, prefix="replay: step ",
                      x=SLIDER_X, length=1.0 - SLIDER_X)
    slider["pad"]["t"] += LOWER
    menu = play_pause()
    menu["pad"]["t"] += LOWER
    layout.update(sliders=[slider], updatemenus=[menu])
    layout["margin"]["b"] += SCRUBBER_MARGIN + LOWER
    layout["height"] += SCRUBBER_MARGIN + LOWER

"""Motion that teaches, played by Plotly in the browser: frames, a scrubber and Play / Pause.

A lesson computes every state of a motion once (in :mod:`core`), a figure builder turns each
state into a Plotly *frame* (the new data of the traces that move), and :func:`animate`
attaches the frames with a Plotly-native slider (and, for a replay, Play / Pause buttons).
Dragging the slider then redraws the chart in the browser at frame rate: no Streamlit rerun,
no server round trip. The server-side control that sets the scenario stays URL-bound; the
scrubber starts at that control's value (``active``).

Two rules the lessons follow:

- the figure's own data is the active frame's data, so the chart is right before the first
  drag and in a screenshot;
- a frame lists only the traces that move (``traces``), by index, so static traces (a
  contour map, a heat map) are never re-sent. ``redraw`` must be true for WebGL 3-D traces.
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from figures.theme import COLORS, FONT_SIZE, FramesFigure

#: Milliseconds per frame when a motion plays by itself.
FRAME_MS = 60
#: Space under the plot for the scrubber (and buttons), in pixels.
SCRUBBER_MARGIN = 110


def frame(name: str, data: Sequence[dict], traces: Sequence[int]) -> dict:
    """One state of a motion: the new data of the traces ``traces`` (indices into the figure).

    Parameters
    ----------
    name : str
        Unique name; the scrubber's step for this frame animates to it.
    data : sequence of dict
        Trace updates (for example ``{"x": [...], "y": [...]}``), one per index in ``traces``.
    traces : sequence of int
        Indices of the figure's traces that ``data`` replaces.

    Returns
    -------
    dict
        A Plotly frame.
    """
    if len(data) != len(traces):
        raise ValueError("a frame needs one trace update per trace index")
    return {"name": name, "data": list(data), "traces": list(traces)}


def _animate_args(names: list[str] | None, duration: int, redraw: bool) -> list:
    return [names, {"mode": "immediate", "fromcurrent": True,
                    "frame": {"duration": duration, "redraw": redraw},
                    "transition": {"duration": 0}}]


def scrubber(
    names: Sequence[str],
    labels: Sequence[str] | None = None,
    *,
    active: int = 0,
    prefix: str = "",
    redraw: bool = False,
    x: float = 0.0,
    length: float = 1.0,
) -> dict:
    """A Plotly slider whose steps jump to the frames ``names`` (a ``layout.sliders`` entry).

    Step labels appear only in the current-value line above the rail: with dozens of steps,
    tick labels would overlap, so they are drawn transparent.
    """
    labels = list(names) if labels is None else list(labels)
    if len(labels) != len(names) or not names:
        raise ValueError("a scrubber needs one label per frame, and at least one frame")
    steps = [{"method": "animate", "label": label, "args": _animate_args([name], 0, redraw)}
             for name, label in zip(names, labels, strict=True)]
    return {
        "active": int(active), "steps": steps, "x": x, "len": length, "y": 0.0,
        "yanchor": "top", "xanchor": "left", "pad": {"t": 50, "b": 0},
        "currentvalue": {"prefix": prefix, "visible": True, "xanchor": "left",
                         "font": {"size": FONT_SIZE + 1, "color": "#1A1A1A"}},
        "font": {"size": FONT_SIZE - 3, "color": "rgba(0,0,0,0)"},
        "bgcolor": "#E3E6EA", "activebgcolor": COLORS["blue"], "bordercolor": "#9AA0A6",
        "borderwidth": 1, "tickcolor": "#9AA0A6", "ticklen": 4, "minorticklen": 0,
    }


def play_pause(frame_ms: int = FRAME_MS, redraw: bool = False) -> dict:
    """Play and Pause buttons for a motion (a ``layout.updatemenus`` entry)."""
    pause = [[None], {"mode": "immediate", "frame": {"duration": 0, "redraw": redraw},
                      "transition": {"duration": 0}}]
    return {
        "type": "buttons", "direction": "left", "showactive": False,
        "x": 0.0, "y": 0.0, "xanchor": "left", "yanchor": "top", "pad": {"t": 74, "r": 8},
        "bgcolor": "white", "bordercolor": COLORS["blue"], "borderwidth": 1,
        "font": {"size": FONT_SIZE - 1, "color": COLORS["blue"]},
        "buttons": [
            {"label": "▶ Play", "method": "animate", "args": _animate_args(None, frame_ms, redraw)},
            {"label": "❚❚ Pause", "method": "animate", "args": pause},
        ],
    }


def _motion_layout(names: list[str], labels, *, active: int, prefix: str, play: bool,
                   frame_ms: int, redraw: bool, bottom: float | None,
                   height: float | None) -> dict:
    """The layout a motion adds: scrubber (and buttons), room under the plot, taller chart."""
    if not 0 <= active < len(names):
        raise ValueError(f"active frame {active} is not one of the {len(names)} frames")
    offset = 0.25 if play else 0.0
    layout: dict = {"sliders": [scrubber(names, labels, active=active, prefix=prefix,
                                         redraw=redraw, x=offset, length=1.0 - offset)]}
    if play:
        layout["updatemenus"] = [play_pause(frame_ms, redraw)]
    layout["margin"] = {"b": (bottom or 60) + SCRUBBER_MARGIN}
    if height:
        layout["height"] = height + SCRUBBER_MARGIN
    return layout


def animate(
    fig: go.Figure,
    frames: Sequence[dict],
    labels: Sequence[str] | None = None,
    *,
    active: int = 0,
    prefix: str = "",
    play: bool = False,
    frame_ms: int = FRAME_MS,
    redraw: bool = False,
) -> go.Figure:
    """Attach ``frames`` to ``fig`` with a scrubber (and Play / Pause when ``play``).

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
        The figure, whose data already shows frame ``active``.
    frames : sequence of dict
        Frames from :func:`frame`, in scrubbing order.
    labels : sequence of str, optional
        What the scrubber shows for each frame (default: the frame names).
    active : int, default 0
        The frame the scrubber starts at.
    prefix : str, default ""
        Text before the current value, e.g. ``"TV spend: "``.
    play : bool, default False
        Add Play / Pause buttons left of the scrubber.
    frame_ms : int, default FRAME_MS
        Milliseconds per frame when playing.
    redraw : bool, default False
        Redraw the whole plot per frame (needed for WebGL 3-D traces).

    Returns
    -------
    figures.theme.FramesFigure
        A new figure with ``fig``'s data and layout; the frames stay plain dictionaries
        (see :func:`animated`).
    """
    spec = {"data": [trace.to_plotly_json() for trace in fig.data],
            "layout": fig.layout.to_plotly_json()}
    return animated(spec, frames, labels,
                    active=active, prefix=prefix, play=play, frame_ms=frame_ms, redraw=redraw)


def animated(
    spec: dict,
    frames: Sequence[dict],
    labels: Sequence[str] | None = None,
    *,
    active: int = 0,
    prefix: str = "",
    play: bool = False,
    frame_ms: int = FRAME_MS,
    redraw: bool = False,
) -> go.Figure:
    """Like :func:`animate`, for a figure given as a plain ``{"data", "layout"}`` dictionary.

    Returns a :class:`figures.theme.FramesFigure`: no per-property validation and no graph
    objects for the frames, which together cost about a tenth of a second per rebuild of a
    motion with dozens of frames; the figure's tests validate it instead
    (``go.Figure(fig.to_dict())``).
    """
    names = [f["name"] for f in frames]
    layout = spec.setdefault("layout", {})
    extra = _motion_layout(names, labels, active=active, prefix=prefix, play=play,
                           frame_ms=frame_ms, redraw=redraw,
                           bottom=layout.get("margin", {}).get("b"), height=layout.get("height"))
    layout.update({**extra, "margin": {**layout.get("margin", {}), **extra["margin"]}})
    spec["frames"] = list(frames)
    return FramesFigure(spec)


def below_axis_title(fig: go.Figure, pixels: int = 30) -> go.Figure:
    """Move an animated figure's scrubber ``pixels`` lower, clear of the x axis's title.

    Without it the scrubber's current-value line can overlap an x-axis title (the title sits
    about as far below the plot as the current value). The figure grows by the same amount.
    """
    for slider in fig.layout.sliders:
        slider.pad.t = (slider.pad.t or 0) + pixels
    for menu in fig.layout.updatemenus:
        menu.pad.t = (menu.pad.t or 0) + pixels
    fig.update_layout(margin={"b": (fig.layout.margin.b or 0) + pixels})
    if fig.layout.height:
        fig.update_layout(height=fig.layout.height + pixels)
    return fig

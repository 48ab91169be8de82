"""One shared Plotly theme: colour-blind-safe and readable on a projector.

The palette is Okabe & Ito's eight colours, distinguishable under the common
colour-vision deficiencies. Fonts and line widths are sized for a meeting-room
projector rather than a laptop screen.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

COLORS: dict[str, str] = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "sky": "#56B4E9",
    "yellow": "#F0E442",
    "grey": "#666666",
    "black": "#000000",
}
SEQUENCE: tuple[str, ...] = tuple(
    COLORS[name] for name in ("blue", "orange", "green", "vermillion", "purple", "sky", "grey")
)
# Diverging scale for signed quantities (negative blue, zero white, positive vermillion),
# and a sequential one for magnitudes; both remain readable in grey-scale.
DIVERGING = [[0.0, COLORS["blue"]], [0.5, "#F7F7F7"], [1.0, COLORS["vermillion"]]]
SEQUENTIAL = "Cividis"

FONT_FAMILY = "Source Sans Pro, Arial, sans-serif"
FONT_SIZE = 17
TITLE_SIZE = 21
LINE_WIDTH = 3
MARKER_SIZE = 11

# Hover formats shared by every chart: money in dollars, rates with their units.
MONEY_FORMAT = "$,.0f"
RATE_FORMAT = ",.3f"


def money_hover(axis: str = "x", label: str = "Spend") -> str:
    """Return a hover-template fragment that formats ``axis`` as dollars."""
    return f"{label}: %{{{axis}:{MONEY_FORMAT}}}"


def rate_hover(axis: str = "y", label: str = "Rate", unit: str = "") -> str:
    """Return a hover-template fragment for a rate with its unit, e.g. conversions per $."""
    suffix = f" {unit}" if unit else ""
    return f"{label}: %{{{axis}:{RATE_FORMAT}}}{suffix}"


# Room for the axes' tick labels and titles at these font sizes. When the labels need more
# than the margin, ``automargin`` widens it, and Plotly then draws the whole chart again:
# 2.5-3.5x the first render of such a chart (bench/first_paint.py). Margins that already
# fit the common labels ($1,000K, 0.001, two-line titles) avoid that second pass.
MARGIN = {"l": 90, "r": 50, "t": 70, "b": 75}


def _template() -> go.layout.Template:
    axis = {
        "showgrid": True,
        "gridcolor": "#E3E6EA",
        "zerolinecolor": "#9AA0A6",
        "linecolor": "#444444",
        "ticks": "outside",
        "title": {"font": {"size": FONT_SIZE + 1}},
        "tickfont": {"size": FONT_SIZE - 1},
        "automargin": True,
    }
    layout = go.Layout(
        font={"family": FONT_FAMILY, "size": FONT_SIZE, "color": "#1A1A1A"},
        title={"font": {"size": TITLE_SIZE}, "x": 0.0, "xanchor": "left"},
        colorway=list(SEQUENCE),
        paper_bgcolor="white",
        plot_bgcolor="white",
        xaxis=axis,
        yaxis=axis,
        legend={"font": {"size": FONT_SIZE - 1}, "bgcolor": "rgba(255,255,255,0.8)"},
        hoverlabel={"font": {"size": FONT_SIZE}},
        margin=MARGIN,
    )
    data = {
        "scatter": [go.Scatter(line={"width": LINE_WIDTH}, marker={"size": MARKER_SIZE})],
        "bar": [go.Bar(textfont={"size": FONT_SIZE})],
    }
    return go.layout.Template(layout=layout, data=data)


TEMPLATE: go.layout.Template = _template()


def compact(values) -> np.ndarray:
    """A line's points as 4-byte floats (half the bytes, finer than a pixel on any chart).

    Values beyond the 4-byte range (a client's typo of a dozen extra zeros) stay 8-byte, so
    they are drawn where they are instead of at infinity.
    """
    values = np.asarray(values, dtype=float)
    finite = values[np.isfinite(values)]
    if finite.size and float(np.max(np.abs(finite))) >= float(np.finfo(np.float32).max):
        return values
    return values.astype(np.float32)


def fast_figure(data: list[dict], layout: dict) -> go.Figure:
    """Assemble a themed figure from plain dicts, skipping Plotly's per-property validation.

    The figure tests validate what the builders return (``go.Figure(fig.to_dict())``).
    """
    return go.Figure(data=data, layout={"template": TEMPLATE, **layout}, _validate=False)


class FramesFigure(go.Figure):
    """A Plotly figure whose animation frames stay plain dictionaries.

    Plotly turns every frame's trace updates into graph objects (hundreds for a motion of 30
    frames over five panels), and Streamlit deep-copies them again on every rerun that shows
    the figure (``to_dict``): together about a tenth of a second per motion. Here the frames
    are kept as the dictionaries the browser receives; ``to_dict`` (and so ``to_json``,
    ``to_html`` and ``st.plotly_chart``) hands them over as they are. Data and layout are
    ordinary, unvalidated graph objects. ``fig.frames`` is empty: read ``to_dict()["frames"]``.
    """

    def __init__(self, spec: dict) -> None:
        super().__init__({"data": spec.get("data", []), "layout": spec.get("layout", {})},
                         _validate=False)
        self._plain_frames = list(spec.get("frames", []))

    @property
    def frames(self) -> tuple[go.Frame, ...]:
        """The frames as graph objects, built on each read (for tests and readers, not the page)."""
        return tuple(go.Frame(f) for f in self._plain_frames)

    def to_dict(self) -> dict:
        """The figure as a dictionary, with the frames as plain dictionaries (not copied)."""
        spec = super().to_dict()
        if self._plain_frames:
            spec["frames"] = self._plain_frames
        return spec


def new_figure(**layout: object) -> go.Figure:
    """Return an empty figure with the shared template and any extra layout settings.

    ``title``, ``xaxis_title`` and ``yaxis_title`` are accepted as plain strings, like
    ``fig.update_layout``.
    """
    fig = go.Figure(layout={"template": TEMPLATE})
    if layout:
        fig.update_layout(**layout)
    return fig


def _merged(layout: dict, key: str, **values: object) -> None:
    layout[key] = {**layout.get(key, {}), **values}


#: Smallest text on a projected chart in presenter mode, in pixels.
PRESENTER_MIN_FONT = 18
PRESENTER_SCALE = (FONT_SIZE + 5) / FONT_SIZE


def _presenter_size(size: float | None, default: float = FONT_SIZE) -> int:
    return max(PRESENTER_MIN_FONT, round((size or default) * PRESENTER_SCALE))


def _enlarge_fonts(layout: dict) -> None:
    """Annotations, scrubbers and buttons grow in proportion, never below the minimum."""
    for note in layout.get("annotations", []) or []:
        note["font"] = {**note.get("font", {}), "size": _presenter_size(note.get("font", {}).get("size"))}
    for slider in layout.get("sliders", []) or []:
        value = slider.setdefault("currentvalue", {})
        value["font"] = {**value.get("font", {}), "size": FONT_SIZE + 5}
    for menu in layout.get("updatemenus", []) or []:
        menu["font"] = {**menu.get("font", {}), "size": _presenter_size(menu.get("font", {}).get("size"))}


def _enlarge_data_labels(traces: list) -> None:
    """Data labels (bar values, text markers) grow like the rest of the chart."""
    for trace in traces:
        if "text" in trace or "texttemplate" in trace or "textfont" in trace:
            font = trace.get("textfont", {})
            if isinstance(font.get("size"), list):
                continue
            trace["textfont"] = {**font, "size": _presenter_size(font.get("size"))}


def presenter_layout(fig: go.Figure, height: int) -> go.Figure:
    """Enlarge a figure for presenter mode: taller, larger fonts. Returns a new figure.

    Every text on the chart ends up at :data:`PRESENTER_MIN_FONT` pixels or more: the base
    font, titles, ticks, legend, data labels, annotations and the scrubber's current value.
    Works on the figure's dictionary and skips Plotly's per-property validation, which
    would cost several milliseconds per chart on every rerun. The result is remembered on
    the figure itself, so a cached figure (``st.cache_resource``) is enlarged once, not on
    every rerun: do not change a figure after showing it in presenter mode.
    """
    remembered = getattr(fig, "_presenter_copy", None)
    if remembered is not None and remembered[0] == height:
        return remembered[1]
    enlarged = _enlarged(fig, height)
    fig._presenter_copy = (height, enlarged)  # private attributes are allowed on figures
    return enlarged


def _enlarged(fig: go.Figure, height: int) -> go.Figure:
    spec = fig.to_dict()
    layout = spec.setdefault("layout", {})
    layout["height"] = height
    _merged(layout, "font", size=FONT_SIZE + 5)
    _merged(layout, "legend", font={"size": FONT_SIZE + 3})
    title = layout.get("title", {})
    title = {"text": title} if isinstance(title, str) else title  # unvalidated figures
    layout["title"] = {**title, "font": {"size": TITLE_SIZE + 6}}
    axes = sorted({"xaxis", "yaxis", *(k for k in layout if k.startswith(("xaxis", "yaxis")))})
    for axis in axes:
        settings = layout.setdefault(axis, {})
        settings["tickfont"] = {**settings.get("tickfont", {}), "size": FONT_SIZE + 3}
        title = settings.get("title", {})
        title = {"text": title} if isinstance(title, str) else title
        settings["title"] = {**title, "font": {**title.get("font", {}), "size": FONT_SIZE + 5}}
    _enlarge_fonts(layout)
    _enlarge_data_labels(spec.get("data", []))
    return FramesFigure(spec) if isinstance(fig, FramesFigure) else go.Figure(spec, _validate=False)

"""The lesson skeleton every page follows.

Idea in one paragraph → interactive explorer → what to notice → formulas → quiz. Presenter mode
is the client view: it hides what to notice, the formulas and the quiz, and puts the plain
explanation first. Charts go through :func:`chart` so presenter mode can enlarge them.

Each helper that differs between the views puts exactly one element on the page in both (a
container, or an empty placeholder where a part is hidden), so that everything after it keeps
its place when presenter mode is switched. In Streamlit 1.67 a widget whose place changes is
mounted again, and when the old instance is removed after the new one is mounted, its clean-up
unregisters the URL binding the new one just registered: the control then stops writing to the
address bar, and a link copied in a client meeting loses it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

import plotly.graph_objects as go
import streamlit as st

from figures.theme import presenter_layout
from ui.page import is_presenter

PRESENTER_CHART_HEIGHT = 640
_CELL_MARKUP = re.compile(r"([\\`*_|$~\[\]<>])")  # what would not show literally in a cell


def idea(text: str) -> None:
    """The idea of the lesson in one paragraph, shown first."""
    st.markdown(f"#### The idea\n{text}")


def section(title: str) -> None:
    """A titled part of the lesson."""
    st.subheader(title)


def chart(fig: go.Figure, key: str, **kwargs: object) -> None:
    """Show a Plotly figure, enlarged in presenter mode."""
    if is_presenter():
        fig = presenter_layout(fig, max(PRESENTER_CHART_HEIGHT, fig.layout.height or 0))
    st.plotly_chart(fig, key=key, config={"displaylogo": False}, **kwargs)


def later(title: str, key: str, body: Callable[[], None], summary: str = "",
          controls: Sequence[str] = ()) -> None:
    """A section further down the lesson, folded: its code runs only while it is open.

    A page opens faster when its first run sends only the charts at the top (Plotly draws
    every chart a run sends before it paints the first). The open state is in the URL
    (``key=true``), so a trainer can share a link with the section open; opening it reruns
    the page, and the section's own controls then rerun it alone when it is a fragment.
    ``summary`` follows the title on the fold, so the learner knows what is inside. A link
    that sets one of the section's ``controls`` (their URL keys) opens it.
    """
    label = f"**{title}**" + (f" — {summary}" if summary else "")
    asked = any(name in st.query_params for name in controls)
    box = st.expander(label, asked, key=key, on_change="rerun", bind="query-params")
    if box.open:
        with box:
            body()


def learner_only(body: Callable[[], None]) -> None:
    """Run ``body`` in the learner's view only: one element in both views (module docstring)."""
    if is_presenter():
        st.empty()
        return
    with st.container():
        body()


def formulas(*blocks: str, title: str = "The mathematics") -> None:
    """Derivations and formulas (Markdown with LaTeX); hidden in presenter mode."""

    def body() -> None:
        with st.expander(title, expanded=False):
            for block in blocks:
                st.markdown(block)

    learner_only(body)


def client_explanation(text: str, title: str = "In plain words") -> None:
    """A plain-language explanation; emphasised in presenter mode."""
    if is_presenter():
        with st.container():  # one element in both views (module docstring)
            st.subheader(title)
            st.info(text)
    else:
        with st.expander(title, expanded=False):
            st.markdown(text)


def what_to_notice(points: Sequence[str]) -> None:
    """The handful of observations the learner should take away; hidden in presenter mode."""

    def body() -> None:
        st.subheader("What to notice")
        st.markdown("\n".join(f"- {point}" for point in points))

    learner_only(body)


def markdown_table(rows: Sequence[Mapping[str, object]]) -> str:
    """Rows of text as a Markdown table; every cell shows literally (markup is escaped)."""
    if not rows:
        return ""

    def cell(value: object) -> str:
        return _CELL_MARKUP.sub(r"\\\1", " ".join(str(value).split()))

    head = list(rows[0])
    lines = ["| " + " | ".join(cell(h) for h in head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(cell(row[k]) for k in head) + " |" for row in rows]
    return "\n".join(lines)


def table(rows: Sequence[Mapping[str, object]]) -> None:
    """A table of text rows, drawn as HTML (Markdown).

    Lighter in the browser than a data grid, and it grows with presenter mode's font, where a
    grid (a canvas) does not.
    """
    st.markdown(markdown_table(rows))

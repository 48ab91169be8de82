"""The one set-up call every page makes first: page config, sidebar, presenter mode."""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitAPIException

from ui.registry import available

PRESENTER_KEY = "presenter"

# Constant CSS only: larger text for a meeting-room projector. Never built from user input.
# Data grids draw on a canvas that CSS fonts cannot reach, so they are zoomed as a whole (the
# width is divided by the zoom so they still fit the column); Markdown tables get larger text.
_PRESENTER_CSS = """
<style>
[data-testid="stMainBlockContainer"] { font-size: 1.2rem; max-width: 96rem; }
[data-testid="stMainBlockContainer"] p, [data-testid="stMainBlockContainer"] li { font-size: 1.2rem; }
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * { font-size: 2.6rem !important; }
[data-testid="stMainBlockContainer"] [data-testid="stElementContainer"]:has([data-testid="stDataFrame"]) {
  zoom: 1.4; width: calc(100% / 1.4) !important; }
[data-testid="stMainBlockContainer"] [data-testid="stMarkdownContainer"] td,
[data-testid="stMainBlockContainer"] [data-testid="stMarkdownContainer"] th { font-size: 1.35rem; padding: 0.4rem 0.8rem; }
[data-testid="stMainBlockContainer"] [data-baseweb="select"] div,
[data-testid="stMainBlockContainer"] [data-baseweb="input"] input { font-size: 1.25rem; }
[data-testid="stMainBlockContainer"] [data-testid="stWidgetLabel"] p { font-size: 1.25rem; }
[data-testid="stMainBlockContainer"] button p { font-size: 1.25rem; }
</style>
"""


def is_presenter() -> bool:
    """Whether presenter mode (client sessions) is on for this browser session."""
    return bool(st.session_state.get(PRESENTER_KEY, False))


def setup_page(title: str, icon: str = "📈", *, home: bool = False) -> bool:
    """Configure the page and the shared sidebar; return whether presenter mode is on.

    Must be the first Streamlit call of every page script, since each page runs as
    a script of its own.
    """
    st.set_page_config(
        page_title=f"{title} · Marginal Lab" if not home else "Marginal Lab",
        page_icon=icon,
        layout="wide",
        initial_sidebar_state="auto",  # collapsed on a phone, where it would cover the page
    )
    presenter = _sidebar()
    if presenter:
        st.html(_PRESENTER_CSS)
    st.title(f"{icon} {title}")
    return presenter


def _navigation() -> None:
    """Links to the home page and every installed lesson, from the lesson registry.

    Streamlit resolves page links against the entry script, so the links exist only
    when the app runs from ``app.py`` (a page script run on its own, as in a unit
    test, has no pages to link to).
    """
    try:
        st.page_link("app.py", label="Home", icon="🏠")
    except StreamlitAPIException:
        return
    for lesson in available():
        st.page_link(lesson.page, label=lesson.title, icon=lesson.icon)
    st.divider()


def _sidebar() -> bool:
    with st.sidebar:
        _navigation()
        presenter = st.toggle(
            "Presenter mode",
            key=PRESENTER_KEY,
            persist_state="session",
            help="For client sessions: hides derivations and formulas, enlarges charts and text. "
            "Stays on as you move between lessons.",
        )
        st.caption(
            "Every control is kept in the address bar: copy the URL to reopen this lesson "
            "exactly as it is now."
        )
    return presenter

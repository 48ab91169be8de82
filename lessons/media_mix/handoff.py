"""Fitted curves handed from "Media mix: your data" to this lesson: one typed value, one key."""

from __future__ import annotations

import contextlib

import streamlit as st
from streamlit.errors import StreamlitAPIException

from core.mmm.fit import CurveHandoff

KEY = "mm_fitted_curves"  # session state only: curves are not URL material
ARRIVING = "mm_load_fitted_on_arrival"
PAGE = "pages/4_Media_mix.py"
#: How sure a plan made from fitted curves is, told the same way on both pages (your data and
#: media mix), so that the same curves give the same numbers: draws of the fit's sampling
#: distribution (every one of them also says "who gives", from its own optimum), and one seed,
#: so numbers do not flicker between reruns or visitors.
DRAWS = 2000
SEED = 20261113


def offer(handoff: CurveHandoff) -> None:
    """Make fitted curves available to the media-mix lesson in this browser session."""
    st.session_state[KEY] = handoff


def offered() -> CurveHandoff | None:
    """The fitted curves waiting in this session, if any."""
    value = st.session_state.get(KEY)
    return value if isinstance(value, CurveHandoff) else None


def open_optimizer(handoff: CurveHandoff) -> None:
    """One click from the fit to the plan: offer the curves, then open the media-mix lesson.

    The lesson loads them into its channel table on arrival (:func:`arriving`). Where the page
    runs on its own (a unit test, no page registry), the curves stay offered and the caller's
    link to the lesson remains.
    """
    offer(handoff)
    st.session_state[ARRIVING] = True
    with contextlib.suppress(StreamlitAPIException):
        # An explicit (empty) address: with the default, Streamlit 1.67 refuses to clear the
        # parameters of this page's URL-bound controls (an uploaded file's "md_data=Upload a
        # CSV", an opened fold), raises, and the click would stay here.
        st.switch_page(PAGE, query_params={})


def arriving() -> bool:
    """Whether the user just came from "Plan with these curves", once (the flag is consumed)."""
    return bool(st.session_state.pop(ARRIVING, False))

"""Fitted curves handed from "Media mix: your data" to this lesson: one typed value, one key."""

from __future__ import annotations

import streamlit as st

from core.mmm.fit import CurveHandoff

KEY = "mm_fitted_curves"  # session state only: curves are not URL material


def offer(handoff: CurveHandoff) -> None:
    """Make fitted curves available to the media-mix lesson in this browser session."""
    st.session_state[KEY] = handoff


def offered() -> CurveHandoff | None:
    """The fitted curves waiting in this session, if any."""
    value = st.session_state.get(KEY)
    return value if isinstance(value, CurveHandoff) else None

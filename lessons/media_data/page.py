"""The "Media mix: your data" lesson, section by section."""

from __future__ import annotations

import streamlit as st

from lessons.media_data import data as md
from lessons.media_data import motion, plan, report
from lessons.media_data.text import FORMULAS, IDEA, NOTICE, QUESTIONS
from ui import lesson, state
from ui.quiz import quiz


def render(presenter: bool) -> None:
    """The whole lesson: data, model, diagnostics, hand-off to the optimizer, quiz."""
    state.accept_old_keys(md.RENAMED)
    lesson.idea(IDEA)
    lesson.section("1 · Your weekly data")
    loaded = md.data_input()
    if loaded is not None:
        md.preview(loaded)
        lesson.section("2 · The model")
        fit = md.model_controls(loaded.frame)
        if fit is not None:
            results(loaded, fit)
    lesson.what_to_notice(NOTICE)
    lesson.formulas(*FORMULAS)
    quiz("media_data", QUESTIONS)


def results(loaded: md.LoadedData, fit) -> None:
    """Sections 3 to 5: diagnostics, carry-over in motion, the curves and the plan."""
    lesson.section("3 · Does the model fit? Diagnostics")
    report.diagnostics(fit, md.sample_truth() if loaded.is_sample else None)
    lesson.section("4 · Carry-over, week by week")
    motion.carryover_motion(fit)
    curves_and_plan(fit, loaded.label)


@st.fragment
def curves_and_plan(fit, label: str) -> None:
    """Section 5, rerun alone when the calibration window moves (the fit is not touched)."""
    lesson.section("5 · Marginal returns → the optimizer")
    window = state.widget(md.WINDOW)
    handoff = report.handoff_section(fit, window, label)
    result = plan.uncertainty_section(handoff)
    lesson.client_explanation(report.client_text(fit, handoff, plan.client_sentence(result)))

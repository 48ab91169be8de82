"""The "Media mix: your data" lesson, section by section."""

from __future__ import annotations

from lessons.media_data import data as md
from lessons.media_data import report
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
    """Sections 3 and 4: diagnostics, then marginal returns handed to the optimizer."""
    lesson.section("3 · Does the model fit? Diagnostics")
    report.diagnostics(fit, md.sample_truth() if loaded.is_sample else None)
    lesson.section("4 · Marginal returns → the optimizer")
    window = state.widget(md.WINDOW)
    handoff = report.handoff_section(fit, window, loaded.label)
    lesson.client_explanation(report.client_text(fit, handoff))

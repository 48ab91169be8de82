"""The gradient-descent lesson, section by section."""

from __future__ import annotations

from functools import partial

import streamlit as st

from figures.descent import Run, escaped_runs
from figures.descent_explorer import explorer_figure
from lessons.descent import controls as gd
from lessons.descent import sections
from lessons.descent.momentum import MOMENTUM_KEYS, momentum_section
from lessons.descent.text import FORMULAS, IDEA, NOTICE, PLAIN_WORDS, QUESTIONS
from ui import lesson, state
from ui.page import is_presenter
from ui.quiz import quiz

#: URL keys of the folded sections (``=true`` opens one).
MORE_MOMENTUM, MORE_CLIPPING, MORE_COST = "gd_more_momentum", "gd_more_clipping", "gd_more_cost"


def render(presenter: bool) -> None:
    """The whole lesson: explorer, plain words, the momentum map, clipping, cost, formulas, quiz."""
    state.accept_old_keys({**gd.renamed_keys(), **sections.RENAMED})
    lesson.idea(IDEA)
    explorer()
    lesson.client_explanation(PLAIN_WORDS)
    # Further sections are folded (they run only when opened), so the explorer paints first.
    # The map is for learners: a client needs the explorer's plain picture.
    lesson.learner_only(lambda: lesson.later(
        "Momentum, mapped", MORE_MOMENTUM, momentum_section,
        "which step size and momentum are fastest, and why", MOMENTUM_KEYS))
    lesson.later("Gradient clipping on a cliff", MORE_CLIPPING, sections.clipping_section,
                 "capping the gradient before a step", sections.CLIPPING_KEYS)
    lesson.later("One gradient for all parameters", MORE_COST, sections.gradient_cost_section,
                 "finite differences against backpropagation", (sections.N_PARAMS.key,))
    lesson.what_to_notice(NOTICE)
    lesson.formulas(*FORMULAS)
    quiz("gd", QUESTIONS)


@st.fragment
def explorer() -> None:
    """The interactive part; it reruns alone when one of its controls moves."""
    lesson.section("Explorer")
    top = st.columns([1.2, 2, 1])
    surface_id = gd.surface_controls(top[0], top[1])
    steps = int(state.widget(gd.STEPS, top[2]))
    loaded = state.last_good("gd_surface", lambda: (surface_id, *gd.surface_from_id(surface_id)))
    if loaded is None:
        return
    surface_id, surface, background = loaded
    st.caption(f"$f(x, y) = {surface.latex}$ — {surface.note}")
    controls, charts = st.columns([1, 3])
    with controls:
        start = gd.start_sliders(surface, [controls, controls])
        configs = [gd.slot_controls(i, surface, st.container(border=True)) for i in (1, 2, 3)]
    configs = [c for c in configs if c is not None]
    runs = state.last_good("gd_runs", lambda: [
        Run(c.label, c.color, gd.run_config(surface_id, start, c, steps)) for c in configs
    ]) or []
    with charts:
        st.markdown(chart_key(configs))
        results(surface, background, runs)


def chart_key(configs) -> str:
    """The map's key in Markdown, in the slots' colours like their control headers.

    Cheaper than a Plotly legend, which Plotly would lay out again on every rerun.
    """
    parts = [f":{gd.SLOT_COLOR_NAMES[c.slot - 1]}[**━━ {c.label}**]" for c in configs]
    return "  ·  ".join([*parts, "★ minimum", "◯ start"])


def results(surface, background, runs) -> None:
    """Divergence and escape messages, the contour map with the paths, the loss curves."""
    for run in runs:
        if run.trajectory.diverged_at:
            st.error(f"**{run.label}** diverged at step {run.trajectory.diverged_at}: the loss "
                     "passed 10¹² or overflowed. The path is drawn up to the last finite point.")
    for label, step, far in escaped_runs(surface, runs):
        st.info(f"**{label}** left the drawn window at step {step} "
                f"(farthest point ({far[0]:.3g}, {far[1]:.3g})).")
    lesson.chart(explorer_figure(surface, background, runs, surface.min_value),
                 key="gd_contour", selection_mode="points",
                 on_select=partial(gd.set_start_from_click, surface, "gd_contour"))
    downhill = "downhill" if is_presenter() else "the downhill direction −∇f"
    st.caption("Click anywhere on the map to start there. Press ▶ Play, or drag the replay "
               "slider under the chart, to watch every optimizer step at once, on the map and "
               f"on its loss curve; each big dot's arrow points {downhill} at that step, the "
               "grey arrows show it everywhere.")
    lesson.table(gd.summary_rows(runs, surface.min_value))

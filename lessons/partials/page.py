"""The partial-derivatives lesson, section by section."""

from __future__ import annotations

import streamlit as st

from core.calculus import analyse_point
from lessons.partials import controls as pc
from lessons.partials import sections as up
from lessons.partials.sales import sales_section
from lessons.partials.text import FORMULAS, IDEA, NOTICE, QUESTIONS
from ui import lesson, state
from ui.quiz import quiz


def render(presenter: bool) -> None:
    """The whole lesson: formula, the point and its explorations, the sales forecast."""
    pc.accept_old_links()
    lesson.idea(IDEA)
    compiled = pick_function()
    point_and_explorations(compiled)
    sales_forecast()
    lesson.what_to_notice(NOTICE)
    lesson.formulas(*FORMULAS)
    quiz("partials", QUESTIONS)


def pick_function() -> pc.Compiled:
    """Section 1: a preset or the learner's own formula, with its partial derivatives."""
    lesson.section("1 · Pick a function")
    pick, formulas_col = st.columns([1, 1.3])
    text = up.choose_formula(pick)
    compiled = state.last_good("partials_formula", lambda: pc.compile_formula(text))
    if compiled is None:
        st.stop()
    if compiled.text != text:
        pick.caption(f"Still showing the last valid formula: {compiled.text}")
    with formulas_col:
        up.show_derivatives(compiled)
    return compiled


@st.fragment
def point_and_explorations(compiled: pc.Compiled) -> None:
    """Sections 2's point and its explorations: moving x₀ or y₀ reruns only this part."""
    up.explorations(compiled, pick_point(compiled))


def pick_point(compiled: pc.Compiled):
    """Section 2: the point (x₀, y₀), its value and its two partial derivatives."""
    lesson.section("2 · Pick a point, then explore it")
    controls, numbers = st.columns([1, 1.3])
    with controls:
        x0, y0 = state.widgets(pc.POINT).values()
    point = analyse_point(compiled.f, compiled.dfdx, compiled.dfdy, x0, y0, pc.DOMAIN, pc.DOMAIN)
    up.point_metrics(point, numbers)
    return point


def sales_forecast() -> None:
    """Section 3: the marginal effect of TV in a sales forecast."""
    lesson.section("3 · Sales forecast: the marginal effect of TV")
    st.markdown(
        "Weekly sales depend on TV spend, digital spend and the season. Each channel has "
        "diminishing returns, and TV and digital reinforce each other (synergy)."
    )
    sales_section()
    lesson.client_explanation(
        "∂sales/∂TV answers one question: *if we add one dollar to TV and change nothing else, "
        "how much do sales move?* The answer depends on where digital and the season stand, "
        "which is why a marginal return quoted without its context can mislead a budget "
        "decision.",
        title="In plain words: marginal effect",
    )

"""The partial-derivatives lesson, section by section."""

from __future__ import annotations

import streamlit as st

from core.calculus import analyse_point
from figures import partials as pf
from lessons.partials import sections as up
from lessons.partials.text import FORMULAS, IDEA, NOTICE, QUESTIONS
from ui import lesson, state
from ui.quiz import quiz


def render(presenter: bool) -> None:
    """The whole lesson: formula, surface and slices, secant, direction, numbers, sales."""
    state.accept_old_keys(up.RENAMED)
    lesson.idea(IDEA)
    compiled = pick_function()
    grid, point = surface_and_slices(compiled)
    lesson.section("3 · From secant to tangent along the slice y = y₀")
    up.secant_section(compiled, point)
    lesson.section("4 · Gradient and directional derivative")
    up.direction_section(grid, point)
    lesson.section("5 · The numbers: exact vs finite differences vs complex step")
    up.numbers_section(compiled, point)
    sales_forecast()
    lesson.what_to_notice(NOTICE)
    lesson.formulas(*FORMULAS)
    quiz("partials", QUESTIONS)


def pick_function() -> up.Compiled:
    """Section 1: a preset or the learner's own formula, with its partial derivatives."""
    lesson.section("1 · Pick a function")
    pick, formulas_col = st.columns([1, 1.3])
    text = up.choose_formula(pick)
    compiled = state.last_good("partials_formula", lambda: up.compile_formula(text))
    if compiled is None:
        st.stop()
    if compiled.text != text:
        pick.caption(f"Still showing the last valid formula: {compiled.text}")
    with formulas_col:
        up.show_derivatives(compiled)
    return compiled


def surface_and_slices(compiled: up.Compiled):
    """Section 2: the surface with the slices through the chosen point and their tangents."""
    lesson.section("2 · The surface, two slices and their tangent lines")
    controls, chart_col = st.columns([1, 3.2])
    with controls:
        x0, y0 = state.widgets(up.POINT).values()
        planes, tangent_plane = state.widgets(up.SHOW).values()
    grid = up.surface(compiled.text, up.DOMAIN, up.DOMAIN)
    point = analyse_point(compiled.f, compiled.dfdx, compiled.dfdy, x0, y0, up.DOMAIN, up.DOMAIN)
    with chart_col:
        fig = pf.surface_figure(
            grid, point, planes=planes, tangent_plane=tangent_plane, revision=compiled.text
        )
        lesson.chart(fig, key="partials_surface")
    up.point_metrics(point)
    lesson.client_explanation(
        "Stand on the surface at the black dot. Walk due east (along x) and the vermillion line "
        "is the slope you feel: that is ∂f/∂x. Walk due north and the sky-blue line gives "
        "∂f/∂y. Each one answers *what happens if I change only this one thing?*"
    )
    return grid, point


def sales_forecast() -> None:
    """Section 6: the marginal effect of TV in a sales forecast."""
    lesson.section("6 · Sales forecast: the marginal effect of TV")
    st.markdown(
        "Weekly sales depend on TV spend, digital spend and the season. Each channel has "
        "diminishing returns, and TV and digital reinforce each other (synergy)."
    )
    up.sales_section()
    lesson.client_explanation(
        "∂sales/∂TV answers one question: *if we add one dollar to TV and change nothing else, "
        "how much do sales move?* The answer depends on where digital and the season stand, "
        "which is why a marginal return quoted without its context can mislead a budget "
        "decision.",
        title="In plain words: marginal effect",
    )

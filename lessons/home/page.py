"""The home page: what the lab teaches, the idea in one moving picture, the lesson map."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.calculus import tangent_segments
from core.mmm import CPG_EXAMPLE
from figures.home import tangent_idea
from figures.lesson_map import lesson_map
from ui import lesson, state
from ui.registry import available

TV_SPEND = state.Slider("home_tv", "TV spend per quarter ($K)", 300, 4_000, 2_100, 50, fmt="$%dK")


def render(presenter: bool) -> None:
    """Welcome, where to start, the idea in one picture, how the ideas connect, the lessons."""
    welcome()
    idea_in_one_picture()
    lesson.section("How the ideas connect")
    lesson.chart(concept_map(), key="lesson_map")
    lesson_links()


def welcome() -> None:
    """What the lab is, who it is for, and where a learner or an account manager starts."""
    st.markdown(
        "**One idea runs through every lesson here: the partial derivative** — how much a "
        "result changes when you nudge *one* input and hold every other input fixed. It is the "
        "slope behind machine learning's gradients and behind marketing's *marginal return*. "
        "Marginal Lab lets you see it move: every lesson is a set of sliders and live charts "
        "with the exact mathematics one click away."
    )
    st.markdown(
        "Built for **agency staff** learning the mathematics behind machine learning and "
        "marketing analytics, and for **account teams** explaining a budget recommendation "
        "live to a client."
    )
    col_learn, col_client = st.columns(2)
    col_learn.info(
        "**First time here?** Partial derivatives → Gradient descent → Backpropagation → "
        "Gradient attribution. About 15 minutes each."
    )
    col_client.success(
        "**Client session?** Switch on *Presenter mode* in the sidebar, then open "
        "Media-mix reallocation — or start from the client's own weekly data."
    )


@st.fragment
def idea_in_one_picture() -> None:
    """TV spend on its response curve, with the tangent whose slope is the marginal return.

    A fragment: moving the TV slider reruns only this section, not the lesson map below.
    """
    lesson.section("The idea in one picture")
    tv = CPG_EXAMPLE.curves[0]
    chosen = state.widget(TV_SPEND)
    spend = 1_000.0 * chosen
    marginal = float(tv.marginal(spend))
    st.markdown(
        f"At **${spend:,.0f}** of TV, one more $1,000 brings about "
        f"**{1_000 * marginal:,.0f} conversions** — the slope of the tangent, "
        "with every other channel held where it is. Press Play or drag the slider under the "
        "chart: the curve flattens, so each extra dollar buys less. That slope is a *partial "
        "derivative*, and every lesson here is about it."
    )
    lesson.chart(tangent_figure(int(chosen)), key="idea_chart")
    st.caption(
        "Curve: the media-mix lesson's television channel, a power curve calibrated to a "
        "marginal return of 0.42 conversions per $ at $2.1M (an assumed elasticity of 0.4)."
    )


@st.cache_resource(show_spinner=False, max_entries=8)
def tangent_figure(chosen_k: int):
    """The curve and one frame per step of the TV slider, starting at the chosen spend."""
    tv = CPG_EXAMPLE.curves[0]
    grid = np.linspace(50_000.0, 4_000_000.0, 120)
    steps_k = np.arange(TV_SPEND.min_value, TV_SPEND.max_value + 1, TV_SPEND.step)
    at = 1_000.0 * steps_k
    value, slope = tv.response(at), tv.marginal(at)
    xs, ys = tangent_segments(at, value, slope, 0.35 * (grid[-1] - grid[0]), (grid[0], grid[-1]))
    active = int(np.argmin(np.abs(steps_k - chosen_k)))
    return tangent_idea(grid, tv.response(grid), at, xs, ys, value, slope, active)


@st.cache_resource(show_spinner=False)
def concept_map():
    """The lesson map: the same on every run, so built once per server."""
    return lesson_map()


def lesson_links() -> None:
    """One card per installed lesson, from the lesson registry."""
    lesson.section("Lessons")
    lessons = available()
    if not lessons:
        st.warning("No lesson pages are installed yet.")
    for item in lessons:
        with st.container(border=True):
            st.page_link(item.page, label=f"**{item.title}**", icon=item.icon)
            st.caption(item.summary)

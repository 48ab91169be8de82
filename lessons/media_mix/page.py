"""The media-mix reallocation lesson, section by section."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.mmm import ChannelSet
from core.mmm.briefing import explanation
from core.mmm.report import count, formatted, money, plan_rows
from core.mmm.report import md_escape as md
from lessons.media_mix import analysis as mm
from lessons.media_mix import takeaway, text
from lessons.media_mix.certainty import Certainty, certainty, show
from lessons.media_mix.table import Table, channel_table
from ui import lesson, state
from ui.quiz import quiz

# Option values double as labels: Streamlit writes the shown label into the URL.
K = "mm_"  # key prefix: this lesson's widget keys and URL parameters
SCENARIO = state.Choice(
    K + "scenario",
    "Scenario",
    ("Fixed budget", "Target return"),
    "Fixed budget",
    horizontal=True,
    help="Fixed budget: move money between channels. Target return: spend on each channel "
    "until its next dollar earns the target.",
)
STEP = state.Slider(K + "step", "Move budget in steps of ($K)", 10, 500, 100, 10)
MOVED = state.Slider(K + "moved", "Move at most this quarter ($K)", 0, 2000, 500, 50)
TARGET = state.Slider(K + "target", "Target marginal return (conversions per $)", 0.01, 3.0, 0.5, 0.01)
AMOUNT = state.Slider(K + "amount", "Start the move at ($K)", 0, 5000, 300, 50, fmt="$%dK",
                      help="Where the slider under the chart starts; drag it there to move "
                      "more or less (up to 80 % of the channel's budget).")

#: URL key of the folded S-curve section (``=true`` opens it).
MORE_S_CURVES = K + "more_s_curves"
#: Links shared before the keys had the lesson's prefix: old URL parameter → its control.
RENAMED = {p.key.removeprefix(K): p for p in (SCENARIO, STEP, MOVED, TARGET)}


def render(presenter: bool) -> None:
    """The whole lesson: channels, returns, the plan and its deliverables, small and big moves.

    The plan (sections 3–5) and the single move (section 6) are fragments: a control in one
    reruns that part alone, and what does not depend on it stays on screen untouched.
    """
    state.accept_old_keys(RENAMED)
    lesson.idea(text.IDEA_CLIENT if presenter else text.IDEA)
    lesson.section("1. The channels")
    table = channel_table()
    if table is None:
        st.stop()
    next_thousand(table, presenter)
    plan_and_deliverables(table, presenter)
    small_and_big_moves(table.channels, presenter)
    lesson.what_to_notice(text.NOTICE)
    lesson.formulas(*text.FORMULAS)
    lesson.learner_only(lambda: lesson.later(
        "Why S-curves need a global optimiser", MORE_S_CURVES, s_curve_trap,
        "the split a local solver calls optimal, and the best one"))
    quiz("mediamix", text.QUESTIONS)


@st.fragment
def plan_and_deliverables(table: Table, presenter: bool) -> None:
    """Sections 3–5: settings, the plan and what the client takes away."""
    result, table = plan_settings(table)  # on a failed analysis, the last good pair
    story, moves, figures, certain = the_plan(result, table, presenter)
    takeaway.take_away(result, table, story, moves, figures, certain)


def plan_settings(table: Table) -> tuple[mm.Analysis, Table]:
    """Section 3: scenario, step and cap; the analysis of the table, or the last good one.

    The analysis comes back with the table it was made from, so that a failed analysis of a
    new table never mixes the old plan with the new table's rows.
    """
    lesson.section("3. Plan settings")
    c1, c2, c3 = st.columns(3)
    with c1:
        scenario = state.widget(SCENARIO)
    with c2:
        step = state.widget(STEP)
    with c3:
        moved = state.widget(MOVED)
    with st.container():  # the target and any message: one element (see ui.lesson)
        target = state.widget(TARGET) if scenario == "Target return" else None
        good = state.last_good(
            "mm_analysis",
            lambda: (mm.analyse(table.channels, step * 1e3, moved * 1e3, target), table),
        )
    if good is None:
        st.stop()
    return good


def next_thousand(table: Table, presenter: bool) -> None:
    """Section 2: what the next $1,000 brings on each channel, today and fully balanced."""
    channels = table.channels
    lesson.section("2. What the next $1,000 brings")
    level_name = mm.figs.BALANCED if presenter else mm.figs.BALANCED + " (λ)"
    lesson.chart(mm.marginal_figure(channels, level_name), key="mm_marginal")
    st.caption(text.MARGINAL_CAPTION + ("" if presenter else text.MARGINAL_CAPTION_LEARNER))
    optimum = mm.balanced(channels)
    held = [
        f"{md(n)} at its {'minimum' if side == 'lower' else 'maximum'}"
        for n, side in zip(channels.names, optimum.binding, strict=True)
        if side
    ]
    slot = st.empty()  # one element with or without the caption (see ui.lesson)
    if held:
        slot.caption("At the balanced budget, held at a bound: " + "; ".join(held) + ".")


def the_plan(result: mm.Analysis, table: Table, presenter: bool):
    """Section 4: the plan's metrics, allocation and moves, and the client explanation."""
    channels, plan = result.channels, result.plan
    names, spend = channels.names, channels.spend
    lesson.section("4. The plan")
    m1, m2, m3 = st.columns(3)
    m1.metric("Plan: extra conversions", f"{plan.gain:,.0f}", help="Exact, from the curves.")
    m2.metric("Fully balanced: extra conversions", f"{result.optimum_gain:,.0f}")
    m3.metric("Budget moved by the plan", money(plan.moved))
    with st.container():  # with or without fitted curves: one element (see ui.lesson)
        certain = how_sure(result, table, presenter)
    scenarios = {"Today": spend, "Plan": plan.spend, "Balanced": result.optimum.spend}
    if result.target is not None:
        scenarios["Target return"] = result.target.spend
    series = tuple((label, tuple(v)) for label, v in scenarios.items())
    allocation_fig = mm.allocation_figure(names, series)
    shift_fig = mm.shift_figure(names, tuple(plan.shift))
    left, right = st.columns([3, 2])
    with left:
        lesson.chart(allocation_fig, key="mm_allocation")
    with right:
        lesson.chart(shift_fig, key="mm_shift")
    lesson.chart(mm.response_figure(result), key="mm_response")
    st.caption(text.CURVES_CAPTION + ("" if presenter else text.CURVES_CAPTION_LEARNER))
    moves = plan_rows(names, plan.moves)
    shown = formatted(moves)
    if presenter:
        lesson.table(shown)  # HTML: it grows with the presenter font, a canvas grid does not
    else:
        st.dataframe(shown, hide_index=True, width="stretch")
    basis = "today's returns" if presenter else "today's marginal returns (Σ marginal × change)"
    st.markdown(
        f"The whole plan estimated from {basis}: **{count(result.plan_linear, True)}** "
        f"conversions; exact from the curves: **{count(plan.gain, True)}**. The estimate is "
        "too optimistic because returns fall as money moves (section 6)."
    )
    story = explanation(mm.briefing(result, table, certain=certain))
    lesson.client_explanation("\n\n".join(story), title="Why this plan, in plain words")
    return story, moves, (allocation_fig, shift_fig), certain


def how_sure(result: mm.Analysis, table: Table, presenter: bool) -> Certainty | None:
    """With fitted curves: the plan's interval, its chance to gain, who gives when balanced."""
    try:
        certain = certainty(table, result.plan.spend, result.plan.gain, result.optimum.spend)
    except ValueError as exc:
        st.warning(f"How sure the plan is could not be worked out: {md(exc)}", icon="⚠️")
        return None
    show(table, certain, presenter)
    return certain


@st.fragment
def small_and_big_moves(channels: ChannelSet, presenter: bool) -> None:
    """Section 6: one move's estimate from today's marginal returns against the exact change."""
    names, spend = channels.names, channels.spend
    lesson.section("6. Small moves and big moves")
    a, b, c = st.columns(3)
    source = state.widget(state.Choice(K + "from", "Move budget from", names,
                                       names[int(np.argmax(spend))]), a)
    dest = state.widget(state.Choice(K + "to", "to", names,
                                     names[int(np.argmax(channels.marginal))]), b)
    start = 1e3 * state.widget(AMOUNT, c)
    if source == dest:
        st.warning("Choose two different channels to compare the estimate with the exact change.")
        return
    i, j = names.index(source), names.index(dest)
    fig, amount, linear, exact = mm.move_figure(channels, i, j, start)
    lesson.chart(fig, key="mm_linear")
    st.markdown(
        f"Moving **{md(money(amount))}** from {md(source)} to {md(dest)}: the estimate from today's "
        f"returns says **{count(linear, True)}** conversions, the curves say "
        f"**{count(exact, True)}**. Drag the slider under the chart: the further you move, the "
        "more the curves bend away from their tangents, and the more the estimate overstates "
        "the gain."
    )


def s_curve_trap() -> None:
    """Why S-curves need a global optimiser: the equal split of two S-curves is the worst."""
    st.markdown(
        "Two identical S-curves share \\$1.2M. At the equal split both marginal returns "
        "are equal, so a local solver such as SLSQP (used by several MMM tools) started "
        "there reports success — yet it is the *worst* split. This optimiser searches all "
        "splits on a fine grid first, then refines and checks the second-order condition."
    )
    lesson.chart(mm.s_curve_trap_figure(), key="mm_trap")

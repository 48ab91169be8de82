"""The media-mix reallocation lesson, section by section."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.mmm.report import (
    client_explanation,
    csv_text,
    md_escape,
    money,
    plan_rows,
    summary_rows,
    target_explanation,
)
from figures.media_mix_report import html_report
from lessons.media_mix import analysis as mm
from lessons.media_mix.text import FORMULAS, IDEA, NOTICE, QUESTIONS
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

#: Links shared before the keys had the lesson's prefix: old URL parameter → its control.
RENAMED = {p.key.removeprefix(K): p for p in (SCENARIO, STEP, MOVED, TARGET)}


def render(presenter: bool) -> None:
    """The whole lesson: channels, settings, curves, plan, linear vs exact, downloads."""
    state.accept_old_keys(RENAMED)
    lesson.idea(IDEA)
    lesson.section("1. The channels")
    channels = mm.channel_table()
    if channels is None:
        st.stop()
    result, target = plan_settings(channels)
    response_curves(result)
    explanation, moves, figures = the_plan(result, target)
    linear_vs_reality(result)
    take_away(result, explanation, moves, figures)
    lesson.what_to_notice(NOTICE)
    lesson.formulas(*FORMULAS)
    if not presenter:
        s_curve_trap()
    quiz("mediamix", QUESTIONS)


def plan_settings(channels) -> tuple[mm.Analysis, float | None]:
    """Section 2: scenario, step and cap; the analysis of the last valid table."""
    lesson.section("2. Plan settings")
    c1, c2, c3 = st.columns(3)
    with c1:
        scenario = state.widget(SCENARIO)
    with c2:
        step = state.widget(STEP)
    with c3:
        moved = state.widget(MOVED)
    target = state.widget(TARGET) if scenario == "Target return" else None
    result = state.last_good(
        "mm_analysis", lambda: mm.analyse(channels, step * 1e3, moved * 1e3, target)
    )
    if result is None:
        st.stop()
    return result, target


def response_curves(result: mm.Analysis) -> None:
    """Section 3: each channel's response curve and marginal return, today and balanced."""
    channels, plan, optimum = result.channels, result.plan, result.optimum
    lesson.section("3. Response curves: where each channel sits")
    lesson.chart(mm.response_figure(channels, tuple(plan.spend)), key="mm_response")
    lesson.chart(
        mm.marginal_figure(channels, optimum.level, tuple(optimum.spend)), key="mm_marginal"
    )
    st.caption(
        "Circles: today. Diamonds: after the plan (top chart) and the fully balanced budget "
        "(bottom chart), where every channel not held at a min/max earns the same marginal "
        "return λ (dotted line)."
    )
    held = [
        f"{md_escape(n)} at its {'minimum' if side == 'lower' else 'maximum'}"
        for n, side in zip(channels.names, optimum.binding, strict=True)
        if side
    ]
    if held:
        st.caption("At the balanced budget, held at a bound: " + "; ".join(held) + ".")


def the_plan(result: mm.Analysis, target: float | None):
    """Section 4: the plan's metrics, allocation and moves, and the client explanation."""
    channels, plan = result.channels, result.plan
    names, spend = channels.names, channels.spend
    lesson.section("4. The plan")
    m1, m2, m3 = st.columns(3)
    m1.metric("Plan: extra conversions", f"{plan.gain:,.0f}", help="Exact, from the curves.")
    m2.metric("Fully balanced: extra conversions", f"{result.optimum_gain:,.0f}")
    m3.metric("Budget moved by the plan", money(plan.moved))
    scenarios = {"Today": spend, "Plan": plan.spend, "Balanced": result.optimum.spend}
    target_text = None
    if result.target is not None:
        goal = result.target
        scenarios["Target return"] = goal.spend
        target_text = target_explanation(target, goal.total, channels.total, result.target_gain)
        st.info(target_text)
    series = tuple((label, tuple(v)) for label, v in scenarios.items())
    allocation_fig = mm.allocation_figure(names, series)
    shift_fig = mm.shift_figure(names, tuple(plan.shift))
    left, right = st.columns([3, 2])
    with left:
        lesson.chart(allocation_fig, key="mm_allocation")
    with right:
        lesson.chart(shift_fig, key="mm_shift")
    moves = plan_rows(names, plan.moves)
    st.dataframe(moves, hide_index=True, width="stretch", column_config={
        "Amount ($)": st.column_config.NumberColumn(format="dollar"),
        "Conversions lost": st.column_config.NumberColumn(format="localized"),
        "Conversions gained": st.column_config.NumberColumn(format="localized"),
        "Net conversions": st.column_config.NumberColumn(format="localized"),
    })
    explanation = client_explanation(
        names, spend, channels.marginal, plan.shift, plan.gain, result.optimum_gain,
        result.current,
    )
    if target_text:
        explanation += "\n\n" + target_text
    lesson.client_explanation(explanation, title="Why this plan, in plain words")
    return explanation, moves, (shift_fig, allocation_fig)


def linear_vs_reality(result: mm.Analysis) -> None:
    """Section 5: the first-order estimate of a single move against the exact change."""
    channels, plan = result.channels, result.plan
    names, spend = channels.names, channels.spend
    lesson.section("5. Linear approximation vs reality")
    st.markdown(
        f"The whole plan, estimated from today's marginal returns (Σ marginal × change of "
        f"spend): **{result.plan_linear:+,.0f}** conversions; exact from the curves: "
        f"**{plan.gain:+,.0f}**. Pick any single move below to see the gap grow with its size."
    )
    a, b, c = st.columns(3)
    source = a.selectbox("Move budget from", range(len(names)), format_func=names.__getitem__,
                         index=int(np.argmax(spend)), key="mm_from")
    dest = b.selectbox("to", range(len(names)), format_func=names.__getitem__,
                       index=int(np.argmax(channels.marginal)), key="mm_to")
    top_k = max(int(spend[source] // 1000), 1)
    amount = 1000 * c.slider("Dollars moved ($K)", 0, top_k, min(300, top_k),
                             step=max(top_k // 100, 1), format="$%dK", key="mm_amount")
    if source == dest:
        st.warning("Choose two different channels to compare the estimate with the exact change.")
        return
    linear_fig, lin_now, exact_now = mm.linear_figure(channels, source, dest, amount)
    lesson.chart(linear_fig, key="mm_linear")
    st.markdown(
        f"Estimate from today's marginal returns: **{lin_now:+,.0f}** conversions. Exact: "
        f"**{exact_now:+,.0f}**. The partial derivative is a local slope: the further you "
        "move, the more the curves bend away from their tangents."
    )


def take_away(result: mm.Analysis, explanation: str, moves: list[dict], figures: tuple) -> None:
    """Section 6: the plan as CSV and as an offline HTML report."""
    channels, plan = result.channels, result.plan
    lesson.section("6. Take it away")
    summary = summary_rows(channels.names, channels.curves, channels.spend, plan.spend)
    d1, d2 = st.columns(2)
    d1.download_button(
        "Download the plan (CSV)",
        csv_text(list(summary[0]), [list(r.values()) for r in summary]),
        file_name="media_plan.csv", mime="text/csv", key="mm_csv", on_click="ignore",
    )
    report_figures = (mm.response_figure(channels, tuple(plan.spend)), *figures)
    d2.download_button(
        "Download the report (HTML, works offline)",
        lambda: html_report(
            "Media plan", explanation, [("Per channel", summary), ("Moves", moves)],
            report_figures, note=mm.source_note(),
        ),
        file_name="media_plan.html", mime="text/html", key="mm_html", on_click="ignore",
    )


def s_curve_trap() -> None:
    """Why S-curves need a global optimiser: the equal split of two S-curves is the worst."""
    with st.expander("Why S-curves need a global optimiser", expanded=False):
        st.markdown(
            "Two identical S-curves share \\$1.2M. At the equal split both marginal returns "
            "are equal, so a local solver such as SLSQP (used by several MMM tools) started "
            "there reports success — yet it is the *worst* split. This optimiser searches all "
            "splits on a fine grid first, then refines and checks the second-order condition."
        )
        lesson.chart(mm.s_curve_trap_figure(), key="mm_trap")

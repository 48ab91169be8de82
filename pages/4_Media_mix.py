import numpy as np
import streamlit as st

from core.mmm_report import (
    client_explanation,
    csv_text,
    md_escape,
    money,
    plan_rows,
    summary_rows,
    target_explanation,
)
from figures.mediamix_report import html_report
from ui import lesson, state
from ui import mediamix as mm
from ui.page import setup_page
from ui.quiz import Question, quiz

presenter = setup_page("Media-mix reallocation", icon="💰")

lesson.idea(
    "A channel's **marginal return** is the partial derivative of total conversions with "
    "respect to that channel's spend, every other channel held fixed: what the *next* dollar "
    "brings. Response curves flatten as spend grows, so the biggest channel can have the "
    "smallest marginal return. Moving budget from low to high marginal returns adds "
    "conversions at the same total, until the marginal returns are equal."
)

lesson.section("1. The channels")
channels = mm.channel_table()
if channels is None:
    st.stop()

# Option values double as labels: Streamlit writes the shown label into the URL.
SCENARIO = state.Choice(
    "scenario",
    "Scenario",
    ("Fixed budget", "Target return"),
    "Fixed budget",
    horizontal=True,
    help="Fixed budget: move money between channels. Target return: spend on each channel "
    "until its next dollar earns the target.",
)
STEP = state.Slider("step", "Move budget in steps of ($K)", 10, 500, 100, 10)
MOVED = state.Slider("moved", "Move at most this quarter ($K)", 0, 2000, 500, 50)
TARGET = state.Slider("target", "Target marginal return (conversions per $)", 0.01, 3.0, 0.5, 0.01)

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
channels = result.channels  # the channels this (possibly last good) result belongs to
plan, optimum = result.plan, result.optimum
names, spend = channels.names, channels.spend

lesson.section("3. Response curves: where each channel sits")
lesson.chart(mm.response_figure(channels, tuple(plan.spend)), key="mm_response")
lesson.chart(mm.marginal_figure(channels, optimum.level, tuple(optimum.spend)), key="mm_marginal")
st.caption(
    "Circles: today. Diamonds: after the plan (top chart) and the fully balanced budget "
    "(bottom chart), where every channel not held at a min/max earns the same marginal "
    "return λ (dotted line)."
)

held = [
    f"{md_escape(n)} at its {'minimum' if side == 'lower' else 'maximum'}"
    for n, side in zip(names, optimum.binding, strict=True)
    if side
]
if held:
    st.caption("At the balanced budget, held at a bound: " + "; ".join(held) + ".")

lesson.section("4. The plan")
full_gain = result.optimum_gain
m1, m2, m3 = st.columns(3)
m1.metric("Plan: extra conversions", f"{plan.gain:,.0f}", help="Exact, from the curves.")
m2.metric("Fully balanced: extra conversions", f"{full_gain:,.0f}")
m3.metric("Budget moved by the plan", money(plan.moved))
scenarios = {"Today": spend, "Plan": plan.spend, "Balanced": optimum.spend}
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
st.dataframe(
    moves,
    hide_index=True,
    width="stretch",
    column_config={
        "Amount ($)": st.column_config.NumberColumn(format="dollar"),
        "Conversions lost": st.column_config.NumberColumn(format="localized"),
        "Conversions gained": st.column_config.NumberColumn(format="localized"),
        "Net conversions": st.column_config.NumberColumn(format="localized"),
    },
)

explanation = client_explanation(
    names, spend, channels.marginal, plan.shift, plan.gain, full_gain, result.current
)
if target_text:
    explanation += "\n\n" + target_text
lesson.client_explanation(explanation, title="Why this plan, in plain words")

lesson.section("5. Linear approximation vs reality")
st.markdown(
    f"The whole plan, estimated from today's marginal returns (Σ marginal × change of "
    f"spend): **{result.plan_linear:+,.0f}** conversions; exact from the curves: "
    f"**{plan.gain:+,.0f}**. Pick any single move below to see the gap grow with its size."
)
a, b, c = st.columns(3)
source = a.selectbox(
    "Move budget from",
    range(len(names)),
    format_func=names.__getitem__,
    index=int(np.argmax(spend)),
    key="mm_from",
)
dest = b.selectbox(
    "to",
    range(len(names)),
    format_func=names.__getitem__,
    index=int(np.argmax(channels.marginal)),
    key="mm_to",
)
top_k = max(int(spend[source] // 1000), 1)
amount = 1000 * c.slider(
    "Dollars moved ($K)",
    0,
    top_k,
    min(300, top_k),
    step=max(top_k // 100, 1),
    format="$%dK",
    key="mm_amount",
)
if source == dest:
    st.warning("Choose two different channels to compare the estimate with the exact change.")
else:
    linear_fig, lin_now, exact_now = mm.linear_figure(channels, source, dest, amount)
    lesson.chart(linear_fig, key="mm_linear")
    st.markdown(
        f"Estimate from today's marginal returns: **{lin_now:+,.0f}** conversions. Exact: "
        f"**{exact_now:+,.0f}**. The partial derivative is a local slope: the further you "
        "move, the more the curves bend away from their tangents."
    )

lesson.section("6. Take it away")
summary = summary_rows(names, channels.curves, spend, plan.spend)
d1, d2 = st.columns(2)
d1.download_button(
    "Download the plan (CSV)",
    csv_text(list(summary[0]), [list(r.values()) for r in summary]),
    file_name="media_plan.csv",
    mime="text/csv",
    key="mm_csv",
    on_click="ignore",
)
figures_for_report = (mm.response_figure(channels, tuple(plan.spend)), shift_fig, allocation_fig)
d2.download_button(
    "Download the report (HTML, works offline)",
    lambda: html_report(
        "Media plan",
        explanation,
        [("Per channel", summary), ("Moves", moves)],
        figures_for_report,
        note=mm.source_note(),
    ),
    file_name="media_plan.html",
    mime="text/html",
    key="mm_html",
    on_click="ignore",
)

lesson.what_to_notice(
    [
        "The biggest channel is not the best place for the next dollar: its marginal return is "
        "the slope of its curve at today's spend, and that slope falls as spend grows.",
        "Each move takes from the lowest marginal return and gives to the highest; the gain per "
        "move shrinks until no move pays.",
        "At the balanced budget every free channel has the same marginal return λ — the "
        "Lagrange multiplier of the budget constraint.",
        "The tangent estimate is right for small moves and too optimistic for big ones.",
    ]
)

lesson.formulas(
    r"""**Model.** $R_i(s) = a_i s^{b_i}$, so $\dfrac{\partial R}{\partial s_i} = b_i \dfrac{R_i(s_i)}{s_i}$.""",
    r"""**Optimality (KKT).** Maximise $\sum_i R_i(s_i)$ s.t. $\sum_i s_i = T$,
$l_i \le s_i \le u_i$: $R_i'(s_i) = \lambda$ for free channels, $R_i'(l_i) \le \lambda$ at a
minimum, $R_i'(u_i) \ge \lambda$ at a maximum. For concave curves a 1-D search on
$\lambda$ solves it exactly.""",
    r"""**S-curves.** With $R_i(s) = V s^k/(s^k + K^k)$, $k > 1$, equal marginal returns are
also met at the *worst* point on the budget line; a grid search over all splits followed
by Newton refinement finds the global optimum, and the second-order condition is checked.""",
    r"""**Linear approximation.** $\Delta R \approx \sum_i R_i'(s_i)\,\Delta s_i$ — exact only
in the limit of small moves.""",
)

if not presenter:
    with st.expander("Why S-curves need a global optimiser", expanded=False):
        st.markdown(
            "Two identical S-curves share \\$1.2M. At the equal split both marginal returns "
            "are equal, so a local solver such as SLSQP (used by several MMM tools) started "
            "there reports success — yet it is the *worst* split. This optimiser searches all "
            "splits on a fine grid first, then refines and checks the second-order condition."
        )
        lesson.chart(mm.s_curve_trap_figure(), key="mm_trap")

quiz(
    "mediamix",
    [
        Question(
            "TV brings the most conversions in total, but its marginal return is 0.42 vs 1.23 for "
            "search. Where should the next $100K go first?",
            ("TV, it is the biggest driver", "Search", "Split it equally"),
            answer=1,
            explanations=(
                "Total contribution is about the past; the next dollar earns the marginal return.",
                "The next dollar earns about 1.23 conversions on search vs 0.42 on TV.",
                "An equal split ignores that the channels' next dollars earn different amounts.",
            ),
        ),
        Question(
            "Why does the first-order estimate overstate the gain of a big move?",
            (
                "The curves bend: marginal returns change as spend moves",
                "Rounding errors",
                "The budget changes",
            ),
            answer=0,
            explanations=(
                "Right: the partial derivative is a local slope; diminishing returns bend the curve.",
                "The numbers are exact; the gap is the curvature.",
                "A reallocation keeps the total budget fixed.",
            ),
        ),
    ],
)

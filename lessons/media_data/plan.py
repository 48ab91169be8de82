"""How sure the optimum is: the plan's extra conversions over 2,000 draws of the fitted model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from core.mmm import optimize_budget
from core.mmm.fit import CurveHandoff, PlanUncertainty, plan_uncertainty
from core.mmm.report import count, money
from figures import media_data as figs
from lessons.media_mix.handoff import DRAWS, SEED
from ui import lesson


@st.cache_data(show_spinner="Drawing 2,000 versions of the model…", max_entries=16)
def optimum_uncertainty(handoff: CurveHandoff) -> tuple[np.ndarray, np.ndarray, PlanUncertainty]:
    """Today's spend, the full optimum for the same budget, and how sure that move is."""
    before = np.array(handoff.spend)
    after = optimize_budget(handoff.curves, float(before.sum())).spend
    result = plan_uncertainty(handoff, before, after, rng=np.random.default_rng(SEED),
                              draws=DRAWS)
    return before, after, result


def headline(result: PlanUncertainty) -> str:
    """'+10,800 conversions a quarter, 90 % interval 6,400 to 15,800; gains in 100 % of draws'."""
    low, high = result.interval
    return (f"**{'+' if result.point >= 0 else ''}{count(result.point)} conversions a quarter**, "
            f"90 % interval {count(low)} to {count(high)}; the move gains in "
            f"**{100 * result.probability_gain:.0f} %** of {result.draws:,} draws of the model")


def moves_table(names, before, after, result: PlanUncertainty) -> pd.DataFrame:
    """Per channel: today, the optimum, the change, and how often the optimum takes money."""
    return pd.DataFrame({
        "channel": [figs.label(n) for n in names],
        "today per quarter": [money(b) for b in before],
        "optimum": [money(a) for a in after],
        "change": [("+" if a >= b else "") + money(a - b) for a, b in zip(after, before,
                                                                          strict=True)],
        "optimum spends less in": [f"{100 * g:.0f} % of {result.draws:,} draws"
                                   for g in result.gives],
    })


def uncertainty_section(handoff: CurveHandoff | None) -> PlanUncertainty | None:
    """The full optimum's extra conversions with their interval, and who gives in how many draws."""
    if handoff is None:
        return None
    try:
        before, after, result = optimum_uncertainty(handoff)
    except ValueError as err:
        st.error(f"Could not say how sure the plan is: {err}", icon="⚠️")
        return None
    st.markdown("#### How sure is the move to the optimum?")
    st.markdown("If this quarter's budget moved to the optimum for these curves: "
                + headline(result) + ".")
    lesson.chart(figs.plan_draws_figure(result.samples, result.point, result.interval),
                 key="md_plan_draws")
    st.dataframe(moves_table(handoff.names, before, after, result), hide_index=True,
                 width="stretch")
    lesson.learner_only(lambda: st.caption(
        "Each draw is one set of model parameters (coefficients, carry-over rates and the "
        "carry-over running before the data) drawn from the fit's sampling distribution, "
        "turned into curves calibrated exactly like the ones above. 'Optimum spends less' "
        "counts the draws whose own optimum for the same budget takes money away from the "
        "channel."))
    return result


def client_sentence(result: PlanUncertainty | None) -> str:
    """One plain sentence on how sure the move to the optimum is."""
    if result is None:
        return ""
    low, high = result.interval
    return (f"Moving this quarter's budget to the optimum would bring about {count(result.point)} "
            f"more conversions; across the range the data allow, between {count(low)} and "
            f"{count(high)} (9 times in 10), and the move pays off in "
            f"{100 * result.probability_gain:.0f} % of the model's plausible versions.")

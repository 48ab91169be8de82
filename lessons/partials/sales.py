"""The sales-forecast section: the marginal effect of TV, and how digital spend moves it."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.calculus import SALES
from figures import partials_numbers as pn
from lessons.partials import controls as pc
from ui import lesson, state


def sales_sentence(tv: float, digital: float, season: float) -> str:
    """The TV partial in plain words, with the synergy stated as a number."""
    d_tv = float(SALES.d_tv(tv, digital, season))
    cross = float(SALES.d_tv_d_digital(tv, digital, season))
    verdict = "more than pays for itself in sales" if d_tv > 1 else "returns less than it costs"
    return (
        f"At **\\${tv:.0f}k of TV and \\${digital:.0f}k of digital per week** "
        f"(season index {season:.2f}), one more dollar of TV brings about "
        f"**\\${d_tv:.2f} of extra forecast sales**, holding digital and seasonality fixed: "
        f"the next TV dollar {verdict}. That number depends on what is held fixed: each extra "
        f"\\$1k of digital raises it by about \\${cross:.4f} (the synergy, "
        "∂²sales/∂TV∂digital), and a busier season scales it up."
    )


def sales_metrics(tv: float, digital: float, season: float) -> None:
    """Forecast, both marginals and the TV marginal with more digital, in one row of four.

    One row across the page, so the labels have room at 1366×768 (two by two in a narrow
    column cut the last one short).
    """
    d_tv = float(SALES.d_tv(tv, digital, season))
    more = float(SALES.d_tv(tv, min(digital + 10, 100.0), season))
    cols = st.columns(4)
    cols[0].metric("Forecast sales / week", f"${float(SALES.sales(tv, digital, season)):,.0f}k")
    cols[1].metric("∂sales/∂TV, per $1", f"${d_tv:.2f}", help="Extra sales per extra $1 of TV.")
    cols[2].metric("∂sales/∂digital, per $1", f"${float(SALES.d_digital(tv, digital, season)):.2f}")
    cols[3].metric(
        "∂sales/∂TV, digital +$10k", f"${more:.2f}", delta=f"{more - d_tv:+.3f}",
        help="The synergy: the TV marginal moves when the held-fixed digital spend moves.",
    )  # fmt: skip


@st.cache_resource(show_spinner=False, max_entries=256)
def sales_chart(tv: float, digital: float, season: float):
    """∂sales/∂TV against TV spend for three digital levels, with the plan marked (cached)."""
    tv_axis = np.linspace(0.0, 100.0, 101)
    levels = {"digital $0": 0.0, f"digital ${digital:.0f}k (yours)": digital,
              "digital $100k": 100.0}  # fmt: skip
    curves = {name: SALES.d_tv(tv_axis, level, season) for name, level in levels.items()}
    return pn.sales_marginal_figure(tv_axis, curves, (tv, float(SALES.d_tv(tv, digital, season))))


@st.fragment
def sales_section() -> None:
    """Sales forecast: sliders, the marginals, the TV marginal in words and how digital moves it."""
    left, right = st.columns([1, 2])
    with left:
        tv, digital, season = state.widgets(pc.SALES_CONTROLS).values()
    with right:
        lesson.chart(sales_chart(tv, digital, season), key="partials_sales")
    sales_metrics(tv, digital, season)
    st.markdown(sales_sentence(tv, digital, season))

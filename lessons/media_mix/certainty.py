"""How sure a plan made from fitted curves is: its interval, its chance to gain, who gives.

Only curves fitted on the client's data (the hand-off from "Media mix: your data") carry a
sampling distribution. While the table holds them unedited, the plan is scored against 2,000
draws of the fitted model: the draws are made once per set of curves (cached), and each plan a
slider proposes is evaluated against the same draws in two vectorised calls. The fully balanced
budget's "who gives" asks every draw's own optimum (one vectorised evaluation, no
optimisation per draw).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from core.mmm import CurveDraws, GainSpread
from core.mmm.fit import CurveHandoff, PlanUncertainty, plan_uncertainty
from core.mmm.fit.uncertainty import draw_bank
from core.mmm.report import formatted
from lessons.media_mix import handoff, text
from lessons.media_mix.handoff import DRAWS, SEED
from lessons.media_mix.table import Table
from ui import lesson

LEVEL = 0.90


@dataclass(frozen=True)
class Certainty:
    """How sure the page's plan and the fully balanced budget are, over the same draws."""

    names: tuple[str, ...]
    point: float  # the plan's extra conversions with the fitted curves
    plan: GainSpread
    optimum: PlanUncertainty  # the fully balanced budget: interval and who gives
    change: tuple[float, ...]  # the fully balanced budget's change of spend per channel


def fitted_handoff(table: Table) -> CurveHandoff | None:
    """The offered fitted curves, if the table still holds exactly them (else None)."""
    offered = handoff.offered()
    channels = table.channels
    if offered is None or offered.uncertainty is None or table.fit is None:
        return None
    if not all(table.fitted) or tuple(offered.names) != channels.names:
        return None
    same = np.allclose(np.asarray(offered.spend), channels.spend, rtol=1e-9, atol=1e-6)
    return offered if same else None


@st.cache_resource(max_entries=4, show_spinner="Drawing 2,000 versions of the fitted model…")
def draws_of(fitted: CurveHandoff) -> CurveDraws:
    """The fitted model's curves in 2,000 parameter draws, made once per set of curves.

    A resource, not data: the draws are read, never changed, and copying 12,000 curves on
    every rerun (what ``st.cache_data`` does) would cost more than the plan's evaluation.
    """
    return draw_bank(fitted, DRAWS, np.random.default_rng(SEED))


@st.cache_data(max_entries=64, show_spinner=False)
def plan_spread(fitted: CurveHandoff, before: tuple, after: tuple) -> GainSpread:
    """A plan's extra conversions over the cached draws (no new draws for a new plan)."""
    return draws_of(fitted).spread(before, after, LEVEL)


@st.cache_data(max_entries=8, show_spinner="Asking 2,000 versions of the fitted model who gives…")
def optimum_spread(fitted: CurveHandoff, before: tuple, after: tuple, lower: tuple,
                   upper: tuple) -> PlanUncertainty:
    """The fully balanced budget over the same draws, and each draw's own optimum: who gives."""
    return plan_uncertainty(fitted, before, after, rng=np.random.default_rng(SEED), draws=DRAWS,
                            level=LEVEL, lower=lower, upper=upper)


def certainty(table: Table, plan_spend: np.ndarray, plan_gain: float,
              optimum_spend: np.ndarray) -> Certainty | None:
    """How sure the plan is, when the table holds fitted curves (None otherwise).

    Raises
    ------
    ValueError
        When the fitted curves' draws cannot score the plan (the message says why).
    """
    fitted = fitted_handoff(table)
    if fitted is None:
        return None
    channels = table.channels
    before = tuple(float(s) for s in channels.spend)
    spread = plan_spread(fitted, before, tuple(float(s) for s in plan_spend))
    optimum = optimum_spread(fitted, before, tuple(float(s) for s in optimum_spend),
                             tuple(channels.lower.tolist()), tuple(channels.upper.tolist()))
    change = tuple(float(a - b) for a, b in zip(optimum_spend, before, strict=True))
    return Certainty(channels.names, float(plan_gain), spread, optimum, change)


def gives_rows(cert: Certainty) -> list[dict]:
    """Per channel: the fully balanced budget's change and how often its draws give instead."""
    heading = f"Would rather give budget (share of {cert.optimum.draws:,} draws)"
    return [
        {"Channel": name, "Change in the fully balanced budget ($)": change,
         heading: text.share(gives)}
        for name, change, gives in zip(cert.names, cert.change, cert.optimum.gives, strict=True)
    ]


def show(table: Table, cert: Certainty | None, presenter: bool) -> None:
    """The plan's interval and chance to gain, and who gives in the fully balanced budget."""
    if cert is None:
        if table.fit is not None:
            st.caption(text.NO_CERTAINTY)
        return
    st.markdown("#### How sure is this plan?")
    st.success(text.certainty_headline(cert.point, cert.plan), icon="🎯")
    st.markdown(text.optimum_headline(cert.optimum))
    shown = formatted(gives_rows(cert))  # the app's money format; shares stay words
    if presenter:
        lesson.table(shown)
    else:  # one element in both views (see ui.lesson)
        with st.container():
            st.dataframe(shown, hide_index=True, width="stretch")
            st.caption(text.CERTAINTY_LEARNER)

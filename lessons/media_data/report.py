"""Streamlit glue of the "Media mix: your data" page: diagnostics, curves hand-off, text."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAPIException

from core.mmm.fit import CurveHandoff, MediaMixFit, fit_warnings, response_curves
from core.mmm.report import md_escape
from figures import media_data as figs
from lessons.media_mix import handoff as media_mix_handoff
from ui import lesson

MEDIA_MIX_PAGE = "pages/4_Media_mix.py"
#: URL key of the folded diagnostic charts (``=true`` opens them).
MORE_DIAGNOSTICS = "md_more_diagnostics"
ROOT = Path(__file__).resolve().parents[2]


def _x(fit: MediaMixFit) -> np.ndarray:
    return fit.fitted.index.to_numpy()


def metrics(fit: MediaMixFit) -> None:
    """Fit quality in four numbers."""
    cols = st.columns(4)
    cols[0].metric("R² (log conversions)", f"{fit.r2:.3f}",
                   help="Share of the week-to-week variation of log conversions the model "
                   "explains.")
    cols[1].metric("Error, fitted weeks", f"{100 * fit.mape:.1f} %",
                   help="Average size of the gap between actual and fitted conversions.")
    if fit.holdout:
        cols[2].metric("Error, unseen weeks", f"{100 * fit.holdout.mape:.1f} %",
                       help=f"The model is refitted without the last {fit.holdout.weeks} weeks "
                       "(carry-over search included) and then predicts them: an honest "
                       "out-of-sample check.")
    else:
        cols[2].metric("Out-of-sample error", "n/a", help="Too few weeks to hold some out.")
    cols[3].metric("Durbin-Watson", f"{fit.durbin_watson:.2f}",
                   help="About 2 when residuals are not correlated week to week; far below 2 "
                   "means the intervals are too narrow.")


def estimates_table(fit: MediaMixFit) -> pd.DataFrame:
    """One row per channel: elasticity, interval, carry-over rate and its interval."""
    rows = []
    for name in fit.channels:
        lo, hi = fit.ci[name]
        dlo, dhi = fit.decay_ci[name]
        rows.append({
            "channel": figs.label(name),
            "elasticity": round(fit.elasticity[name], 3),
            "95 % interval": f"{lo:.3f} to {hi:.3f}",
            "carry-over θ": round(fit.decay[name], 2),
            "θ interval": f"{dlo:.2f} to {dhi:.2f}" if dhi > dlo else "fixed",
            "carried in before week 1": carried_in(fit, name),
            "weeks without spend": int((fit.spend[name] == 0).sum()),
        })
    return pd.DataFrame(rows)


def carried_in(fit: MediaMixFit, name: str) -> str:
    """The carry-over entering week 1, in weeks of the channel's average spend."""
    j = fit.channels.index(name)
    level = float(fit.arrays.level[j])
    weeks = fit.early.carried_in[j] / level if level > 0 else 0.0
    return "none" if weeks < 0.05 else f"{weeks:.1f} weeks of spend"


def method_note(fit: MediaMixFit) -> str:
    """Which intervals were used, and how much of the misfit sits in the first weeks."""
    early = fit.early
    if fit.covariance.startswith("Newey"):
        method = (f"Intervals: {fit.covariance}, because the residuals are correlated week to "
                  "week (classical intervals would be too narrow).")
    else:
        method = "Intervals: classical least squares (the residuals are not correlated week to "\
                 "week)."
    return (f"{method} Carry-over already running before week 1 is estimated per channel. The "
            f"first {early.weeks} weeks hold {100 * early.error_share:.0f} % of the squared "
            f"error ({100 * early.expected_share:.0f} % if spread evenly); with nothing "
            f"carried in they would hold {100 * early.error_share_zero_start:.0f} %.")


def diagnostics(fit: MediaMixFit, truth: dict | None) -> None:
    """Fit quality, actual vs fitted, residuals, decomposition, elasticities, carry-over."""
    metrics(fit)
    warnings = fit_warnings(fit)
    if warnings:
        st.warning("**Read with care**\n\n" + "\n".join(f"- {w}" for w in warnings), icon="🔎")
    x = _x(fit)
    hold = fit.holdout.weeks if fit.holdout else 0
    forecast = fit.holdout.predicted if fit.holdout else None
    lesson.chart(figs.actual_vs_fitted(x, fit.actual, fit.fitted, hold, fit.target, forecast),
                 key="md_fit_avf")
    lesson.later("More diagnostics", MORE_DIAGNOSTICS, lambda: diagnostic_charts(fit, truth, x),
                 "residuals, what each channel contributed, elasticities and carry-over")
    st.dataframe(estimates_table(fit), hide_index=True, width="stretch")
    lesson.learner_only(lambda: st.caption(method_note(fit)))
    if fit.notes:
        st.info("**Weeks without spend**\n\n" + "\n".join(f"- {n}" for n in fit.notes))


def diagnostic_charts(fit: MediaMixFit, truth: dict | None, x) -> None:
    """Residuals, decomposition, elasticities with intervals, and carry-over rates."""
    lesson.chart(figs.residuals_figure(x, fit.residuals, fit.sigma), key="md_fit_resid")
    parts = {k: fit.contributions[k].to_numpy() for k in fit.contributions.columns}
    lesson.chart(figs.decomposition_figure(x, parts, fit.channels, fit.target),
                 key="md_fit_decomp")
    left, right = st.columns(2)
    true = None
    if truth:
        true = [truth["elasticity"].get(c, np.nan) for c in fit.channels]
    with left:
        lesson.chart(figs.elasticity_figure(fit.channels, [fit.elasticity[c] for c in fit.channels],
                                            [fit.ci[c] for c in fit.channels], true),
                     key="md_fit_elasticity")
    with right:
        lesson.chart(figs.carryover_figure(fit.channels, [fit.decay[c] for c in fit.channels]),
                     key="md_fit_carryover")
    if truth:
        st.caption("Diamonds: the true elasticities the sample data were generated with "
                   "(scripts/make_sample_data.py). The intervals should cover them.")


def curves_table(handoff: CurveHandoff) -> pd.DataFrame:
    """Tabulate the numbers handed to the optimizer, per channel."""
    return pd.DataFrame({
        "channel": [figs.label(n) for n in handoff.names],
        "recent spend per quarter ($)": [round(s) for s in handoff.spend],
        "conversions per extra $1,000": [round(1000 * m, 1) for m in handoff.marginal],
        "elasticity at recent spend": [round(e, 3) for e in handoff.elasticity],
    })


def handoff_section(fit: MediaMixFit, window: int, source: str) -> CurveHandoff | None:
    """Marginal returns at recent spend and the button that plans with these curves."""
    try:
        handoff = response_curves(fit, window=window, period_weeks=13)
    except ValueError as err:
        st.error(f"Could not build response curves: {err}", icon="⚠️")
        return None
    st.warning(
        f"**Approximation.** Each channel gets a power curve *a·spend^e* that matches the fitted "
        f"marginal return and elasticity at its **average spend over the last {handoff.window} "
        "weeks**, scaled to a quarter (13 weeks), other channels held at their recent levels. It "
        "is exact there and drifts as spend moves far away. In a log-log model every curve runs "
        "through the same total conversions; what differs between channels is the slope.",
        icon="📐",
    )
    ci = [handoff.marginal_ci[i] for i in range(len(handoff.names))]
    lesson.chart(figs.marginal_figure(handoff.names, handoff.marginal, ci), key="md_fit_marginal")
    money = st.column_config.NumberColumn(format="dollar")
    st.dataframe(curves_table(handoff), hide_index=True, width="stretch",
                 column_config={"recent spend per quarter ($)": money})
    for note in handoff.notes:
        st.caption(f"⚠️ {note}")
    if st.button("Plan with these curves in the media-mix optimizer", type="primary", icon="➡️",
                 key="md_use_curves"):
        labels = tuple(figs.label(n) for n in handoff.names)
        names = labels if len(set(labels)) == len(labels) else handoff.names
        media_mix_handoff.open_optimizer(handoff.described(
            names, f"fitted to {source}, calibrated at the last {handoff.window} weeks' "
            "average spend"))
    if media_mix_handoff.offered() is not None:
        _link_to_media_mix()
    return handoff


def _link_to_media_mix() -> None:
    fitted = media_mix_handoff.offered()
    st.success(f"Curves ready for the optimizer: {md_escape(', '.join(fitted.names))} "
               f"({md_escape(fitted.source)}).", icon="✅")
    if not (ROOT / MEDIA_MIX_PAGE).is_file():
        st.caption("The media-mix page is not installed yet; the curves wait in this session.")
        return
    try:
        st.page_link(MEDIA_MIX_PAGE, label="Open the media-mix optimizer with these curves",
                     icon="💰")
    except StreamlitAPIException:  # page run on its own (tests): no app.py page registry
        st.markdown("[💰 Open the media-mix optimizer with these curves](Media_mix)")


def client_text(fit: MediaMixFit, handoff: CurveHandoff | None, plan_sentence: str = "") -> str:
    """Plain-language summary built from the current numbers (and the plan's certainty)."""
    names = [figs.label(c) for c in fit.channels]
    best = max(fit.channels, key=lambda c: fit.elasticity[c])
    lines = [
        f"We fitted your {len(fit.actual)} weeks of history. The model explains the week-to-week "
        f"ups and downs well (typical error {100 * fit.mape:.0f} %"
        + (f"; {100 * fit.holdout.mape:.0f} % on the last {fit.holdout.weeks} weeks it had not "
           "seen" if fit.holdout else "") + ").",
        f"{figs.label(best)} responds most to extra spend: 1 % more spend there brings about "
        f"{fit.elasticity[best]:.2f} % more conversions.",
    ]
    slow = max(fit.channels, key=lambda c: fit.decay[c])
    if fit.decay[slow] > 0:
        lines.append(f"{figs.label(slow)}'s effect lingers: about {100 * fit.decay[slow]:.0f} % "
                     "of a week's impact is still there the next week.")
    if handoff:
        order = np.argsort(handoff.marginal)[::-1]
        top, low = order[0], order[-1]
        lines.append(
            f"At today's spend, an extra $1,000 on {names[top]} brings about "
            f"{1000 * handoff.marginal[top]:,.0f} conversions, on {names[low]} about "
            f"{1000 * handoff.marginal[low]:,.0f}. Moving money towards the higher number is "
            "what the optimizer does next.")
    if plan_sentence:
        lines.append(plan_sentence)
    return " ".join(lines)

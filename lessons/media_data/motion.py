"""Carry-over, week by week: the rate θ scrubbed in the browser over one channel's real spend."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.mmm.fit import MediaMixFit
from core.mmm.fit.adstock import MAX_DECAY, geometric_adstock, initial_stock
from figures import media_data as figs
from ui import lesson, state
from ui.page import is_presenter

#: Carry-over rates the scrubber steps through (the fitted rate is added).
STEP = 0.03
#: Weeks shown: the first year, where the carry-over from before the data fades out.
WEEKS = 52


def channel_choice(fit: MediaMixFit) -> state.Choice:
    """The URL-bound channel picker; it starts on the channel with the most carry-over."""
    slowest = max(fit.channels, key=lambda c: fit.decay[c])
    return state.Choice("md_motion", "Channel to watch", tuple(fit.channels), slowest,
                        labels={c: figs.label(c) for c in fit.channels})


def motion_frames(fit: MediaMixFit, channel: str) -> tuple[np.ndarray, ...]:
    """Rates, carried-over spend and carried-in part per rate, and the fitted rate's frame."""
    j = fit.channels.index(channel)
    arrays = fit.arrays
    decays = np.union1d(np.round(np.arange(0.0, MAX_DECAY + 1e-9, STEP), 2), [arrays.theta[j]])
    spend = fit.model.spend[:WEEKS, j]
    initial = initial_stock(arrays.level[j], decays, arrays.start[j])
    stocks = geometric_adstock(spend[:, None], decays, initial).T
    weeks = np.arange(1, spend.size + 1)
    carried = decays[:, None] ** weeks[None, :] * initial[:, None]
    active = int(np.argmin(np.abs(decays - arrays.theta[j])))
    return decays, spend, stocks, carried, active


def fit_key(fit: MediaMixFit) -> tuple:
    """What identifies a fit for the figure cache: its data size, choices and estimates."""
    return (fit.target, fit.channels, len(fit.actual), tuple(fit.arrays.theta),
            tuple(fit.arrays.start), tuple(fit.arrays.coef), float(fit.actual.iloc[0]))


@st.cache_resource(show_spinner=False, max_entries=16)
def motion_figure(_fit: MediaMixFit, key: tuple, channel: str):
    """The scrubbable figure for one channel (cached per fit, ``key``, and channel)."""
    decays, spend, stocks, carried, active = motion_frames(_fit, channel)
    dates = _fit.fitted.index.to_numpy()[: spend.size]
    return figs.carryover_motion(dates, spend, decays, stocks, carried, active, channel)


@st.fragment
def carryover_motion(fit: MediaMixFit) -> None:
    """A channel picker and the θ scrubber; picking a channel reruns only this fragment."""
    channel = state.widget(channel_choice(fit), st.columns([1, 2])[0])
    theta = fit.decay[channel]
    rate = "a carry-over of" if is_presenter() else "θ ="  # no symbols in front of a client
    st.markdown(
        f"Drag the slider under the chart: at **{rate} 0** the spend works only in its own "
        f"week; the fit found **{rate} {theta:.2f}** for {figs.label(channel)}, so "
        f"{100 * theta:.0f} % of a week's spend is still working the next week, "
        f"{100 * theta ** 2:.0f} % the week after. The dotted line is the carry-over already "
        "running when the data start.")
    lesson.chart(motion_figure(fit, fit_key(fit), channel), key="md_carryover_motion")

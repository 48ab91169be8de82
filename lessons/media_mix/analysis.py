"""Cached work of the media-mix lesson: the plan, the optimum, the figures, the briefing."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from core.mmm import (
    Allocation,
    Briefing,
    ChannelSet,
    CurveBank,
    HillCurve,
    Plan,
    TargetBudget,
    TargetSummary,
    optimize_budget,
    reallocation_plan,
    target_marginal_budget,
)
from core.mmm.motion import curve_motion
from core.mmm.report import linear_vs_exact
from figures import media_mix as figs
from figures import media_mix_motion as motion_figs
from lessons.media_mix import text
from lessons.media_mix.certainty import Certainty, gives_rows
from lessons.media_mix.table import COLUMNS, EDITOR_KEY, Table

__all__ = ["COLUMNS", "EDITOR_KEY", "Analysis", "analyse", "briefing"]

MOVE_FRAMES = 41


@dataclass(frozen=True)
class Analysis:
    """Everything the page shows, computed once per input."""

    channels: ChannelSet
    current: np.ndarray
    plan: Plan
    optimum: Allocation
    target: TargetBudget | None
    target_rate: float | None = None
    settings: tuple = ()

    @property
    def key(self) -> tuple:
        """A cheap identity for the figure caches: the table and the plan settings."""
        return (self.channels.key, self.settings)

    @property
    def optimum_gain(self) -> float:
        """Extra conversions of the fully balanced budget over today's."""
        return self.optimum.total_response - float(self.current.sum())

    @property
    def plan_linear(self) -> float:
        """First-order estimate of the plan's gain: sum of marginal return times shift."""
        linear, _ = linear_vs_exact(
            self.channels.curves, self.channels.spend, self.plan.shift, [1.0]
        )
        return float(linear[0])

    @property
    def target_summary(self) -> TargetSummary | None:
        """The target-return scenario in the briefing's terms (None without a target)."""
        if self.target is None or self.target_rate is None:
            return None
        extra = float(self.target.response.sum() - self.current.sum())
        return TargetSummary(self.target_rate, self.target.total, extra,
                             tuple(float(v) for v in self.target.spend))


#: Cache keys from cheap identities rather than Streamlit's hashing of arrays and dataclasses.
HASH = {ChannelSet: lambda c: c.key}


@st.cache_data(max_entries=64, show_spinner=False, hash_funcs=HASH)
def analyse(channels: ChannelSet, step: float, max_moved: float, target: float | None) -> Analysis:
    bank = CurveBank(channels.curves)
    plan = reallocation_plan(bank, channels.spend, step, max_moved, channels.lower, channels.upper)
    optimum = balanced(channels)
    goal = None
    if target is not None:
        goal = target_marginal_budget(bank, target, channels.lower, channels.upper)
    return Analysis(channels, bank.response(channels.spend), plan, optimum, goal, target,
                    (step, max_moved, target))


def briefing(result: Analysis, table: Table, client: str = "", date: str = "",
             certain: Certainty | None = None) -> Briefing:
    """The facts every deliverable tells: the page's explanation, the report and the deck.

    With fitted curves, ``certain`` adds how sure the plan is (a paragraph and a table).
    """
    return Briefing(
        channels=result.channels,
        plan_spend=result.plan.spend,
        moves=result.plan.moves,
        plan_gain=result.plan.gain,
        optimum_gain=result.optimum_gain,
        balanced_level=result.optimum.level,
        balanced_spend=result.optimum.spend,
        fitted=table.fitted,
        fit=table.fit,
        target=result.target_summary,
        client=client,
        date=date,
        uncertainty=None if certain is None else text.certainty_sentence(certain),
        certainty_rows=() if certain is None else tuple(gives_rows(certain)),
    )


HASH_RESULT = {**HASH, Analysis: lambda a: a.key}


@st.cache_resource(max_entries=32, show_spinner=False, hash_funcs=HASH_RESULT)
def response_figure(result: Analysis):
    """Each channel's curve, with the plan replayed along it in the browser."""
    channels = result.channels
    return motion_figs.response_motion(channels.names, curve_motion(channels.curves, result.plan))


@st.cache_data(max_entries=32, show_spinner=False, hash_funcs=HASH)
def balanced(channels: ChannelSet) -> Allocation:
    """The fully balanced budget: it depends on the table alone, not on the plan settings."""
    return optimize_budget(CurveBank(channels.curves), channels.total, channels.lower,
                           channels.upper)


@st.cache_resource(max_entries=32, show_spinner=False, hash_funcs=HASH)
def marginal_figure(channels: ChannelSet, level_name: str):
    optimum = balanced(channels)
    return figs.marginal_figure(channels.names, channels.spend, channels.curves, optimum.level,
                                optimum.spend, level_name=level_name)


@st.cache_resource(max_entries=32, show_spinner=False)
def allocation_figure(names: tuple[str, ...], series: tuple[tuple[str, tuple[float, ...]], ...]):
    return figs.allocation_figure(names, {label: np.array(v) for label, v in series})


@st.cache_resource(max_entries=32, show_spinner=False)
def shift_figure(names: tuple[str, ...], shift: tuple[float, ...]):
    return figs.shift_figure(names, np.array(shift))


def move_amounts(available: float, frames: int = MOVE_FRAMES) -> np.ndarray:
    """Round amounts from $0 to 80 % of a channel's spend, at most ``frames`` of them."""
    most = 0.8 * available
    raw = most / (frames - 1)
    power = 10.0 ** np.floor(np.log10(raw))
    unit = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return np.arange(0.0, most + 1e-9 * unit, unit)


@st.cache_resource(max_entries=64, show_spinner=False, hash_funcs=HASH)
def move_figure(channels: ChannelSet, source: int, dest: int, start: float):
    """One move from ``source`` to ``dest``, scrubbed from $0 to most of the source's budget.

    Returns the figure, the scrubber's first amount (nearest ``start``) and the estimate and
    exact change there.
    """
    direction = np.zeros(len(channels.names))
    direction[source], direction[dest] = -1.0, 1.0
    amounts = move_amounts(float(channels.spend[source]))
    active = int(np.argmin(np.abs(amounts - start)))
    linear, exact = linear_vs_exact(channels.curves, channels.spend, direction, amounts)
    fig = motion_figs.move_motion(amounts, linear, exact, channels.names[source],
                                  channels.names[dest], active)
    return fig, float(amounts[active]), float(linear[active]), float(exact[active])


@st.cache_resource(show_spinner=False)
def s_curve_trap_figure():
    """Two identical S-curves ($1M half-saturation, slope 3) sharing $1.2M."""
    return figs.budget_line_figure(HillCurve(50_000.0, 1_000_000.0, 3.0), 1_200_000.0)

"""Streamlit glue of the media-mix lesson: the channel table, cached analysis and figures."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from core.mmm import (
    COLUMNS,
    CPG_EXAMPLE,
    CURVE_KINDS,
    Allocation,
    ChannelSet,
    CurveBank,
    HillCurve,
    Plan,
    TargetBudget,
    channels_from_rows,
    optimize_budget,
    reallocation_plan,
    rows_from_channels,
    target_marginal_budget,
)
from core.mmm.report import linear_vs_exact, md_escape
from figures import media_mix as figs
from lessons.media_mix import handoff
from ui import state

TABLE_KEY = "mm_rows"  # the table's base data (list of row dicts)
EDITOR_KEY = "mm_editor"  # the data editor's edits on top of it


def cpg_rows() -> list[dict]:
    ex = CPG_EXAMPLE
    return rows_from_channels(ex.names, ex.spend, ex.curves)


def _load(rows: list[dict]) -> None:
    st.session_state[TABLE_KEY] = rows
    st.session_state.pop(EDITOR_KEY, None)
    st.session_state.pop("mm_source", None)


def _load_import() -> None:
    fitted = handoff.offered()
    _load(rows_from_channels(fitted.names, fitted.spend, fitted.curves))
    st.session_state["mm_source"] = fitted.source or "your data"


def _usable(fitted) -> bool:
    """Whether offered curves can fill the table; says why not when they cannot."""
    if fitted is None:
        return False
    try:
        rows_from_channels(fitted.names, fitted.spend, fitted.curves)
    except ValueError as exc:
        st.warning(
            f"The curves fitted on your data cannot be used here: {md_escape(exc)}", icon="⚠️"
        )
        return False
    return True


def _import_button() -> None:
    if not _usable(handoff.offered()):
        return
    st.button(
        "Use the curves fitted on your data", on_click=_load_import, key="mm_import", type="primary"
    )


def _frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    return frame.rename(columns=COLUMNS)


def _column_config() -> dict:
    money_cfg = {"min_value": 0.0, "format": "dollar", "step": 1000.0}
    return {
        COLUMNS["name"]: st.column_config.TextColumn(required=True, max_chars=40),
        COLUMNS["spend"]: st.column_config.NumberColumn(
            help="Current spend this quarter.", **money_cfg
        ),
        COLUMNS["marginal"]: st.column_config.NumberColumn(
            format="%.3f", step=0.01, help="Conversions per extra $ at current spend (measured)."
        ),
        COLUMNS["curve"]: st.column_config.SelectboxColumn(
            options=list(CURVE_KINDS), required=True
        ),
        COLUMNS["shape"]: st.column_config.NumberColumn(
            format="%.2f",
            step=0.05,
            help="Power: elasticity b in (0, 1]. Hill: slope k (> 1 = S-curve).",
        ),
        COLUMNS["saturation"]: st.column_config.NumberColumn(
            help="Hill: spend reaching half of the maximum. Exponential: spend reaching 63 %.",
            **money_cfg,
        ),
        COLUMNS["min"]: st.column_config.NumberColumn(
            help="Minimum spend (blank: 0).", **money_cfg
        ),
        COLUMNS["max"]: st.column_config.NumberColumn(
            help="Maximum spend (blank: none).", **money_cfg
        ),
    }


def _missing(value: object) -> bool:
    """Empty cell: None, NaN or pandas' NA (text such as "abc" is kept for a clear message)."""
    if value is None or isinstance(value, str):
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _records(frame: pd.DataFrame) -> list[dict]:
    back = {label: key for key, label in COLUMNS.items()}
    rows = []
    for record in frame.rename(columns=back).to_dict("records"):
        rows.append({k: (None if _missing(v) else v) for k, v in record.items()})
    return rows


def channel_table() -> ChannelSet | None:
    """Render the editable channel table; return the last valid channels (or None)."""
    st.session_state.setdefault(TABLE_KEY, cpg_rows())
    if handoff.arriving() and _usable(handoff.offered()):
        _load_import()
    left, right = st.columns([1, 1])
    with left:
        st.button("Reset to the CPG example", on_click=_load, args=(cpg_rows(),), key="mm_reset")
    with right:
        _import_button()
    if "mm_source" in st.session_state:
        st.caption(f"Curves fitted on: {md_escape(st.session_state['mm_source'])}")
    else:
        st.caption(
            "CPG example. The elasticities (TV 0.4, digital video 0.5, display 0.5, search 0.3) "
            "are **assumptions**; the marginal returns are the client's measured figures."
        )
    edited = st.data_editor(
        _frame(st.session_state[TABLE_KEY]),
        key=EDITOR_KEY,
        num_rows="dynamic",
        hide_index=True,
        column_config=_column_config(),
        width="stretch",
    )
    return state.last_good("mm_channels", lambda: channels_from_rows(_records(edited)))


@dataclass(frozen=True)
class Analysis:
    """Everything the page shows, computed once per input."""

    channels: ChannelSet
    current: np.ndarray
    plan: Plan
    optimum: Allocation
    target: TargetBudget | None

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
    def target_gain(self) -> float:
        """Extra conversions of the target-return budget over today's (0 without target)."""
        return (
            0.0 if self.target is None else float(self.target.response.sum() - self.current.sum())
        )


@st.cache_data(max_entries=64, show_spinner=False)
def analyse(channels: ChannelSet, step: float, max_moved: float, target: float | None) -> Analysis:
    bank = CurveBank(channels.curves)
    plan = reallocation_plan(bank, channels.spend, step, max_moved, channels.lower, channels.upper)
    optimum = optimize_budget(bank, channels.total, channels.lower, channels.upper)
    goal = None
    if target is not None:
        goal = target_marginal_budget(bank, target, channels.lower, channels.upper)
    return Analysis(channels, bank.response(channels.spend), plan, optimum, goal)


@st.cache_resource(max_entries=32, show_spinner=False)
def response_figure(channels: ChannelSet, new_spend: tuple[float, ...] | None):
    return figs.response_figure(
        channels.names,
        channels.spend,
        channels.curves,
        None if new_spend is None else np.array(new_spend),
    )


@st.cache_resource(max_entries=32, show_spinner=False)
def marginal_figure(channels: ChannelSet, level: float, optimum: tuple[float, ...]):
    return figs.marginal_figure(
        channels.names, channels.spend, channels.curves, level, np.array(optimum)
    )


@st.cache_resource(max_entries=32, show_spinner=False)
def allocation_figure(names: tuple[str, ...], series: tuple[tuple[str, tuple[float, ...]], ...]):
    return figs.allocation_figure(names, {label: np.array(v) for label, v in series})


@st.cache_resource(max_entries=32, show_spinner=False)
def shift_figure(names: tuple[str, ...], shift: tuple[float, ...]):
    return figs.shift_figure(names, np.array(shift))


@st.cache_resource(max_entries=64, show_spinner=False)
def linear_figure(channels: ChannelSet, source: int, dest: int, amount: float):
    """Linear estimate vs exact change for moving budget from ``source`` to ``dest``."""
    direction = np.zeros(len(channels.names))
    direction[source], direction[dest] = -1.0, 1.0
    grid = np.linspace(0, channels.spend[source], 60)
    linear, exact = linear_vs_exact(channels.curves, channels.spend, direction, grid)
    at = linear_vs_exact(channels.curves, channels.spend, direction, [amount])
    return figs.linear_figure(grid, linear, exact, amount), float(at[0][0]), float(at[1][0])


@st.cache_resource(show_spinner=False)
def s_curve_trap_figure():
    """Two identical S-curves ($1M half-saturation, slope 3) sharing $1.2M."""
    return figs.budget_line_figure(HillCurve(50_000.0, 1_000_000.0, 3.0), 1_200_000.0)


def source_note() -> str:
    """Where the curves come from, for the report."""
    if "mm_source" in st.session_state:
        return f"Curves fitted on: {st.session_state['mm_source']}."
    return "Curves: assumed elasticities calibrated on measured marginal returns at current spend."

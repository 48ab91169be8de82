"""Section 1 of the media-mix lesson: the client's channel table.

The table's rows live in session state (:data:`TABLE_KEY`) with the data editor's edits on
top (:data:`EDITOR_KEY`). They come from the worked example, a shared link (:data:`LINK`,
validated, with the example and a visible note as the fallback), or curves fitted on the
client's data. Every valid table is written back to the link, so the address bar always
reopens the same analysis. Rows without a curve get the default curve and elasticity, shown
in the table as editable assumptions.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from core.mmm import (
    COLUMNS,
    CPG_EXAMPLE,
    CURVE_KINDS,
    DEFAULT_ELASTICITY,
    ChannelSet,
    FitSource,
    channels_from_rows,
    decode_scenario,
    encode_scenario,
    fill_defaults,
    implausible,
    rows_from_channels,
)
from core.mmm.briefing import fitted_flags
from core.mmm.link import MAX_LINK_CHARS
from core.mmm.report import md_escape
from lessons.media_mix import handoff, text
from ui import lesson

TABLE_KEY = "mm_rows"  # the table's base data (list of row dicts)
EDITOR_KEY = "mm_editor"  # the data editor's edits on top of it
FIT_KEY = "mm_fit"  # FitSource of fitted rows, or absent
NOTE_KEY = "mm_table_note"  # a note about how the table was loaded (link fallback, defaults)
LINK = "mm_table"  # URL parameter holding the encoded table
GOOD_KEY = "mm_channels_good"  # the last valid (channels, rows, fitted flags)


@dataclass(frozen=True)
class Table:
    """The valid table the page plans with."""

    channels: ChannelSet
    rows: tuple[dict, ...]
    fitted: tuple[bool, ...]
    fit: FitSource | None


def example_rows() -> list[dict]:
    """The worked CPG example as table rows."""
    ex = CPG_EXAMPLE
    return rows_from_channels(ex.names, ex.spend, ex.curves)


def load(rows: list[dict], fit: FitSource | None = None, note: str | None = None) -> None:
    """Replace the table (and forget the editor's edits).

    ``note`` says how the table was loaded; it shows until the table is edited.
    """
    st.session_state[TABLE_KEY] = rows
    st.session_state.pop(EDITOR_KEY, None)
    for key, value in ((FIT_KEY, fit), (NOTE_KEY, None if note is None else (note, rows))):
        if value is None:
            st.session_state.pop(key, None)
        else:
            st.session_state[key] = value


def _load_fitted() -> None:
    fitted = handoff.offered()
    rows = rows_from_channels(fitted.names, fitted.spend, fitted.curves)
    label = fitted.source or "your data"
    load(rows, FitSource(label, fitted.holdout_mape, tuple(FitSource.key(r) for r in rows)))


def _usable(fitted) -> bool:
    """Whether offered curves can fill the table; says why not when they cannot."""
    if fitted is None:
        return False
    try:
        rows_from_channels(fitted.names, fitted.spend, fitted.curves)
    except ValueError as exc:
        st.warning(f"The curves fitted on your data cannot be used here: {md_escape(exc)}",
                   icon="⚠️")
        return False
    return True


def _from_link() -> None:
    """First run of a session: the table from the link, else the example."""
    raw = st.query_params.get(LINK)
    if raw is None:
        load(example_rows())
        return
    try:
        rows, fit = decode_scenario(raw)
        channels_from_rows(rows)
    except ValueError as exc:
        load(example_rows(), note=f"⚠️ The channel table in this link could not be used "
             f"({md_escape(exc)}), so the worked example is shown instead.")
        return
    load(rows, fit)


def _frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    numeric = [COLUMNS[k] for k in ("spend", "marginal", "shape", "saturation", "min", "max")]
    frame = frame.rename(columns=COLUMNS)
    for column in numeric:  # empty cells show blank, never "None"
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    return frame


#: Column widths in pixels: all eight columns fit a 1366-pixel laptop with the sidebar open.
WIDTHS = {"name": 90, "spend": 95, "marginal": 130, "curve": 112, "shape": 135,
          "saturation": 120, "min": 78, "max": 78}


def _column_config() -> dict:
    money_cfg = {"min_value": 0.0, "format": "dollar", "step": 1000.0}
    w = {key: {"width": px} for key, px in WIDTHS.items()}
    return {
        COLUMNS["name"]: st.column_config.TextColumn(max_chars=40, **w["name"]),
        COLUMNS["spend"]: st.column_config.NumberColumn(
            help="Current spend this quarter.", **money_cfg, **w["spend"]),
        COLUMNS["marginal"]: st.column_config.NumberColumn(
            format="%.3f", step=0.001, **w["marginal"],
            help="Conversions per extra $ at current spend (measured or fitted)."),
        COLUMNS["curve"]: st.column_config.SelectboxColumn(
            options=list(CURVE_KINDS), **w["curve"],
            help=f"Blank: {CURVE_KINDS[0]}, the default assumption."),
        COLUMNS["shape"]: st.column_config.NumberColumn(
            format="%.2f", step=0.05, **w["shape"],
            help=f"Power: elasticity in (0, 1], blank = {DEFAULT_ELASTICITY} (default "
                 "assumption). Hill: slope (> 1 = S-curve)."),
        COLUMNS["saturation"]: st.column_config.NumberColumn(
            help="Hill: spend reaching half of the maximum. Exponential: spend reaching 63 %.",
            **money_cfg, **w["saturation"]),
        COLUMNS["min"]: st.column_config.NumberColumn(
            help="Minimum spend (blank: 0).", **money_cfg, **w["min"]),
        COLUMNS["max"]: st.column_config.NumberColumn(
            help="Maximum spend (blank: none).", **money_cfg, **w["max"]),
    }


def _records(frame: pd.DataFrame) -> list[dict]:
    back = {label: key for key, label in COLUMNS.items()}
    rows = []
    for record in frame.rename(columns=back).to_dict("records"):
        rows.append({k: (None if _missing(v) else v) for k, v in record.items()})
    return rows


def _missing(value: object) -> bool:
    """Empty cell: None, NaN or pandas' NA (text such as "abc" is kept for a clear message)."""
    if value is None or isinstance(value, str):
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _complete(row: dict) -> bool:
    return all(row.get(k) not in (None, "") for k in ("name", "spend", "marginal"))


def _fill_defaults(rows: list[dict]) -> None:
    """Write assumed defaults into the table itself and show it again (they stay editable).

    Only rows whose name, spend and marginal return are all typed in are filled: showing the
    table again resets the grid, which must not happen while a row is still being typed.
    """
    ready = [i for i, row in enumerate(rows) if _complete(row)]
    completed, filled = fill_defaults([rows[i] for i in ready])
    if not filled:
        return
    new_rows = list(rows)
    for i, row in zip(ready, completed, strict=True):
        new_rows[i] = row
    note = text.defaults_note(sorted({d.name for d in filled}))
    load(new_rows, st.session_state.get(FIT_KEY), note)
    st.rerun()


def _write_link(rows: list[dict], fit: FitSource | None) -> None:
    """Keep the address bar in step with the table (the example needs no parameter)."""
    if rows == example_rows() and fit is None:
        st.query_params.pop(LINK, None)
        return
    encoded = encode_scenario(rows, fit)
    if len(encoded) > MAX_LINK_CHARS:
        st.caption("This table is too large to travel in a link; download the report instead.")
        st.query_params.pop(LINK, None)
        return
    if st.query_params.get(LINK) != encoded:
        st.query_params[LINK] = encoded


def _validate(rows: list[dict]) -> Table | None:
    """The table as channels, or the last valid one with the problem named."""
    fit = st.session_state.get(FIT_KEY)
    filled = [r for r in rows if not all(v in (None, "") for v in r.values())]
    try:
        channels = channels_from_rows(rows)
    except ValueError as exc:
        st.error(f"{md_escape(exc)}", icon="⚠️")
        good = st.session_state.get(GOOD_KEY)
        if good is not None:
            st.caption("The plan below is the last valid table's, until the row is fixed.")
        return good
    good = Table(channels, tuple(filled), fitted_flags(filled, fit), fit)
    st.session_state[GOOD_KEY] = good
    _write_link(filled, fit)
    return good


def channel_table() -> Table | None:
    """Render the editable channel table; return the last valid table (or None)."""
    if TABLE_KEY not in st.session_state:
        _from_link()
    if handoff.arriving() and _usable(handoff.offered()):
        _load_fitted()
    left, right = st.columns([1, 1])
    left.button("Reset to the worked example", on_click=load, args=(example_rows(),),
                key="mm_reset")
    if _usable(handoff.offered()):
        right.button("Use the curves fitted on your data", on_click=_load_fitted,
                     key="mm_import", type="primary")
    edited = st.data_editor(_frame(st.session_state[TABLE_KEY]), key=EDITOR_KEY,
                            num_rows="dynamic", hide_index=True,
                            column_config=_column_config(), width="stretch", placeholder="")
    rows = _records(edited)
    _fill_defaults(rows)
    with st.container():  # however many messages: one element, so nothing below moves (ui.lesson)
        note, noted_rows = st.session_state.get(NOTE_KEY, (None, None))
        if note and noted_rows == rows:
            st.info(note)
        table = _validate(rows)
        if table is not None:
            example = table.fit is None and list(table.rows) == example_rows()
            st.caption(text.table_caption(table.channels, table.fitted, table.fit, example))
            for warning in implausible(table.channels):
                st.warning(md_escape(warning), icon="🔎")
        lesson.learner_only(lambda: st.caption(text.LINK_NOTE))
    return table

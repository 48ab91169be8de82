"""Streamlit glue of the "Media mix: your data" page: data input, model controls, cached fit."""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from core.mmm.fit import (
    MAX_BYTES,
    ROLES,
    MediaMixFit,
    fit_media_mix,
    guess_roles,
    read_weekly_csv,
    roles_from_choices,
)
from ui import state
from ui.page import is_presenter

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample_weekly.csv"
TRUTH = ROOT / "data" / "sample_truth.json"
TEMPLATE = ROOT / "data" / "template.csv"
K = "md_"  # key prefix: this lesson's widget keys and URL parameters
UPLOAD_KEY = K + "upload"
# Streamlit writes a radio's *label* into the URL, so the options are their own labels.
SAMPLE_OPTION, UPLOAD_OPTION = "Sample client", "Upload a CSV"
SOURCE = state.Choice(K + "data", "Data", (SAMPLE_OPTION, UPLOAD_OPTION), SAMPLE_OPTION,
                      horizontal=True,
                      help="The sample client is synthetic, made with known elasticities "
                      "(3 years, 6 channels). An upload can be a CSV or an Excel workbook "
                      "(.xlsx).")
CARRYOVER = state.Toggle(
    K + "carryover", "Carry-over (adstock)", True,
    help="Search one carry-over rate θ per channel in [0, 0.9]: this week's effect includes "
    "θ × last week's, θ² × the week before, …",
)
TREND = state.Toggle(K + "trend", "Linear trend in the base", False,
                     help="Lets baseline conversions drift up or down over the years.")
WINDOW = state.Slider(K + "window", "Recent weeks averaged for the curves", 4, 26, 13, 1,
                      help="The response curves are calibrated at average spend over these weeks.")
#: Links shared before the keys had the lesson's prefix: old URL parameter → its control.
RENAMED = {p.key.removeprefix(K): p for p in (SOURCE, CARRYOVER, TREND, WINDOW)}


@dataclass(frozen=True)
class LoadedData:
    """A validated frame, where it came from, and what the reader noticed."""

    frame: pd.DataFrame
    label: str
    notes: tuple[str, ...]
    is_sample: bool


@st.cache_data(show_spinner=False, max_entries=8)
def _read_bytes(data: bytes) -> tuple[pd.DataFrame, tuple[str, ...]]:
    frame = read_weekly_csv(data)
    return frame, tuple(frame.attrs.get("notes", ()))


def read_and_report(uploaded) -> LoadedData:
    """Read an uploaded file (anything with ``getvalue()``); ``ValueError`` with a clear message.

    The size limit is checked here too (``server.maxUploadSize`` stops larger files in the
    browser, but not every client goes through the browser).
    """
    data = uploaded.getvalue()
    if len(data) > MAX_BYTES:
        raise ValueError(
            f"'{uploaded.name}' is {len(data) / 1024 / 1024:.1f} MB; the limit is "
            f"{MAX_BYTES // 1024 // 1024} MB. Weekly data for a few years is only a few kB."
        )
    try:
        frame, notes = _read_bytes(data)
    except ValueError as err:
        raise ValueError(f"Could not use '{uploaded.name}'. {err}") from None
    frame = frame.copy()
    frame.attrs["notes"] = list(notes)
    return LoadedData(frame, f"uploaded file '{uploaded.name}'", notes, False)


def load_sample() -> LoadedData:
    """Load the sample data set shipped in ``data/``."""
    frame, notes = _read_bytes(SAMPLE.read_bytes())
    frame = frame.copy()
    frame.attrs.update({"notes": list(notes), "date_column": "date"})
    return LoadedData(frame, "sample client data (synthetic, known truth)", notes, True)


def sample_truth() -> dict:
    """Return the true elasticities and decays the sample was generated with."""
    return json.loads(TRUTH.read_text(encoding="utf-8"))


def data_input() -> LoadedData | None:
    """Source choice, uploader, template download; returns the data or None."""
    source = state.widget(SOURCE)
    st.download_button(
        "Download the CSV template", TEMPLATE.read_bytes(), file_name="weekly_media_template.csv",
        mime="text/csv", icon="📄",
        help="One row per week: a date, conversions, one spend column per channel, and optional "
        "control columns named ctrl_… (promotions, price).",
    )
    if source == SAMPLE_OPTION:
        return load_sample()
    uploaded = st.file_uploader(
        "Weekly data: a CSV or an Excel workbook (.xlsx), max 5 MB",
        type=["csv", "txt", "xlsx", "xls"], key=UPLOAD_KEY,
        help="A workbook is read from its first visible sheet with cells; a CSV as comma- or "
        "semicolon-separated UTF-8. Title lines above the table and a total row below it are "
        "skipped. Row numbers in messages are the spreadsheet's own.",
    )
    if uploaded is None:
        st.info("Upload a file, or switch to the sample client to see the lesson first.")
        return None
    return state.last_good("media_upload_data", lambda: read_and_report(uploaded))


def preview(loaded: LoadedData) -> None:
    """First rows, the date range and the reader's notes (zero-spend weeks, blank rows…)."""
    frame = loaded.frame
    date = frame.attrs.get("date_column")
    span = ""
    if date:
        span = f" from {frame[date].iloc[0]:%d %b %Y} to {frame[date].iloc[-1]:%d %b %Y}"
    st.caption(f"Using the {loaded.label}: {len(frame)} weeks{span}, {frame.shape[1]} columns.")
    config = {date: st.column_config.DateColumn(format="YYYY-MM-DD")} if date else {}
    where = st.expander("The first weeks of the data") if is_presenter() else st.container()
    where.dataframe(frame.head(8), hide_index=True, width="stretch", column_config=config)
    if loaded.notes:
        st.info("**What the reader noticed**\n\n" + "\n".join(f"- {n}" for n in loaded.notes))


def roles_key(frame: pd.DataFrame) -> str:
    """The role table's widget key: it depends on the columns, so a new file starts afresh."""
    return f"{K}roles_{zlib.crc32(chr(31).join(map(str, frame.columns)).encode())}"


def role_table(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per column: its name, the guessed role and why."""
    guess = guess_roles(frame)
    return pd.DataFrame({"column": [str(c) for c in frame.columns],
                         "role": [guess["roles"][c] for c in frame.columns],
                         "why": [guess["reasons"][c] for c in frame.columns]})


def role_controls(frame: pd.DataFrame) -> dict:
    """The editable role table: date / target / channel / control / ignore for every column."""
    where = (st.expander("Column roles (edit if the guess is wrong)") if is_presenter()
             else st.container())  # one element in both views (see ui.lesson)
    where.caption("What each column is for, guessed from its name and values. Change a role in "
                  "the table if the guess is wrong: the model refits at once.")
    table = role_table(frame)
    edited = where.data_editor(
        table, key=roles_key(frame), hide_index=True, width="stretch",
        disabled=["column", "why"], num_rows="fixed",
        column_config={
            "column": st.column_config.TextColumn("Column"),
            "role": st.column_config.SelectboxColumn(
                "Role", options=list(ROLES), required=True,
                help="date: the week; target: the conversions to explain; channel: media "
                "spend; control: another driver (an event, a trend, a price); ignore: unused."),
            "why": st.column_config.TextColumn("Why this guess", width="large"),
        },
    )
    chosen = dict(zip(frame.columns, edited["role"].fillna("ignore"), strict=True))
    return roles_from_choices(frame, chosen)


@st.cache_data(show_spinner="Fitting the model…", max_entries=16)
def fit_cached(frame: pd.DataFrame, target: str, channels: tuple, date, controls: tuple,
               adstock: bool, trend: bool) -> MediaMixFit:
    """:func:`core.mmm.fit.model.fit_media_mix`, cached on the data and the choices."""
    return fit_media_mix(frame, target, channels, date, controls, adstock, trend=trend)


def model_controls(frame: pd.DataFrame) -> MediaMixFit | None:
    """Role pickers and model switches, then the (cached) fit; errors shown, last fit kept."""
    roles = state.last_good("media_roles", lambda: role_controls(frame))
    if roles is None:
        return None
    left, right = st.columns(2)
    with left:
        adstock = state.widget(CARRYOVER)
    with right:
        trend = state.widget(TREND)
    return state.last_good("media_fit", lambda: fit_cached(
        frame, roles["target"], tuple(roles["channels"]), roles["date"],
        tuple(roles["controls"]), adstock, trend))

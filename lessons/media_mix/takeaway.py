"""Section 6 of the media-mix lesson: what the client takes out of the meeting.

A link that reopens the analysis, the plan as CSV (numbers stay numbers), an offline HTML
report and a PowerPoint deck with native charts. The report and the deck are built only when
their button is pressed (deferred downloads), from the same :class:`core.mmm.Briefing` as the
explanation on the page.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import streamlit as st

from core.mmm.briefing import assumption_rows
from core.mmm.report import count, csv_text, money, summary_rows
from figures.media_mix_deck import deck_bytes
from figures.media_mix_report import html_report
from lessons.media_mix import analysis as mm
from lessons.media_mix import text
from lessons.media_mix.certainty import Certainty
from lessons.media_mix.table import Table
from ui import lesson, state

CLIENT = state.Text("mm_client", "Client", "", max_chars=60,
                    help="Shown on the report's and the deck's title.")
DATE_KEY = "mm_date"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def _meeting_date(where) -> str:
    chosen = where.date_input("Meeting date", value="today", key=DATE_KEY,
                              bind="query-params", format="YYYY-MM-DD")
    chosen = chosen if isinstance(chosen, dt.date) else dt.date.today()
    return f"{chosen:%d %B %Y}".lstrip("0")


def scenario_link() -> str | None:
    """The address that reopens this analysis (None where the page has no browser URL)."""
    base = st.context.url
    if not base:
        return None
    query = urlencode(st.query_params.to_dict())
    return f"{base}?{query}" if query else base


def _copy_link() -> None:
    link = scenario_link()
    with st.popover("🔗 Copy link to this scenario"):
        if link is None:
            st.caption("The link is the address in your browser's address bar.")
        else:
            st.caption("Copy with the button at the right of the box; the link reopens this "
                       "table, these settings and this client's title.")
            st.code(link, language=None, wrap_lines=True)


def take_away(result: mm.Analysis, table: Table, story: list[str], moves: list[dict],
              figures: tuple, certain: Certainty | None = None) -> None:
    """Section 6: the link, the plan as CSV, the offline HTML report and the deck."""
    channels, plan = result.channels, result.plan
    lesson.section("5. Take it away")
    c1, c2 = st.columns(2)
    client = state.widget(CLIENT, c1).strip()
    date = _meeting_date(c2)
    brief = mm.briefing(result, table, client, date, certain)
    summary = summary_rows(channels.names, channels.curves, channels.spend, plan.spend)
    assumptions = assumption_rows(brief)
    charts = (mm.marginal_figure(channels, mm.figs.BALANCED), mm.response_figure(result), *figures)
    d0, d1, d2, d3 = st.columns(4)
    with d0:
        _copy_link()
    d1.download_button(
        "Download the plan (CSV)",
        csv_text(list(summary[0]), [list(r.values()) for r in summary]),
        file_name="media_plan.csv", mime="text/csv", key="mm_csv", on_click="ignore",
    )
    d2.download_button(
        "Download the report (HTML)",
        lambda: html_report(
            "Media plan", "\n\n".join(story),
            [("Per channel", summary), ("Moves", moves), ("Assumptions", assumptions),
             *_certainty_table(brief)],
            charts, header=_header(brief, certain),
        ),
        file_name="media_plan.html", mime="text/html", key="mm_html", on_click="ignore",
        help="One file with interactive charts; opens without internet.",
    )
    d3.download_button(
        "Download the deck (PowerPoint)",
        lambda: deck_bytes(brief, story, summary, assumptions),
        file_name="media_plan.pptx", mime=PPTX, key="mm_deck", on_click="ignore",
        help="Native, editable PowerPoint charts; opens in PowerPoint, LibreOffice and Google "
        "Slides.",
    )


def _certainty_table(brief) -> list[tuple[str, list[dict]]]:
    if not brief.certainty_rows:
        return []
    return [("How often each channel would rather give budget (fully balanced budget, "
             "draws of the fitted model)", list(brief.certainty_rows))]


def _header(brief, certain: Certainty | None) -> list[tuple[str, str]]:
    return [("Client", brief.client or "–"), ("Date", brief.date),
            ("Total budget", money(brief.channels.total)),
            ("Budget moved", money(brief.moved)),
            ("Extra conversions", _gain(brief, certain))]


def _gain(brief, certain: Certainty | None) -> str:
    """The plan's gain, with its interval when the curves were fitted."""
    words = f"about {count(brief.plan_gain)}"
    if certain is None:
        return words
    low, high = certain.plan.interval
    return (f"{words} (90 % interval {count(low)} to {count(high)}; gains in "
            f"{text.share(certain.plan.probability_gain)} of {certain.plan.draws:,} draws "
            "of the fitted model)")

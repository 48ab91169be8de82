"""Self-contained HTML report of a media-mix plan: text, tables and interactive figures.

plotly.js is inlined once (about 4.6 MB) so the file opens without internet; every other
figure reuses it. All user text (channel names) is HTML-escaped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

import plotly.graph_objects as go

_STYLE = """
body { font-family: Arial, sans-serif; max-width: 1100px; margin: 2rem auto; color: #1a1a1a;
       font-size: 17px; line-height: 1.5; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #ccc; padding: 0.35rem 0.7rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
th { background: #f2f4f7; }
.note { color: #555; font-size: 15px; }
"""


def markdown_to_text(markdown: str) -> str:
    """Strip the little Markdown the explanation uses (bold, italics, escapes)."""
    text = re.sub(r"\*\*(.+?)\*\*", r"\1", markdown)
    text = re.sub(r"(?<!\\)\*(.+?)(?<!\\)\*", r"\1", text)
    return re.sub(r"\\(.)", r"\1", text)


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return html.escape(str(value))


def _table(caption: str, rows: Sequence[dict]) -> str:
    if not rows:
        return f"<h2>{html.escape(caption)}</h2><p class='note'>No moves.</p>"
    head = "".join(f"<th>{html.escape(str(k))}</th>" for k in rows[0])
    body = "".join(
        "<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in row.values()) + "</tr>" for row in rows
    )
    return f"<h2>{html.escape(caption)}</h2><table><tr>{head}</tr>{body}</table>"


def html_report(
    title: str,
    explanation: str,
    tables: Sequence[tuple[str, Sequence[dict]]],
    figures: Sequence[go.Figure],
    note: str = "",
) -> str:
    """Build the report as one HTML string that needs no network to open.

    Parameters
    ----------
    title : str
        Report title.
    explanation : str
        The client explanation (light Markdown, converted to plain paragraphs).
    tables : sequence of (caption, rows)
        Tables as lists of dicts (column -> value).
    figures : sequence of go.Figure
        Figures, embedded interactively; plotly.js is inlined with the first one.
    note : str
        A closing note (assumptions).
    """
    paragraphs = "".join(
        f"<p>{html.escape(p.strip())}</p>"
        for p in markdown_to_text(explanation).split("\n\n")
        if p.strip()
    )
    charts = "".join(
        fig.to_html(full_html=False, include_plotlyjs=(k == 0), config={"displaylogo": False})
        for k, fig in enumerate(figures)
    )
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f"<h2>In plain words</h2>{paragraphs}",
        "".join(_table(caption, rows) for caption, rows in tables),
        charts,
        f"<p class='note'>{html.escape(note)}</p>" if note else "",
        "</body></html>",
    ]
    return "".join(parts)

"""Self-contained HTML report of a media-mix plan: title block, text, tables, interactive figures.

plotly.js is inlined once (about 4.6 MB) so the file opens without internet; every other
figure reuses it. All user text (client and channel names) is HTML-escaped. Amounts in the
tables go through the app's one money formatter (:func:`core.mmm.report.formatted`). The
page is readable on a phone: tables scroll sideways inside their box, charts take the width.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

import plotly.graph_objects as go

from core.mmm.report import formatted

_STYLE = """
body { font-family: Arial, sans-serif; max-width: 1100px; margin: 2rem auto; padding: 0 1rem;
       color: #1a1a1a; font-size: 17px; line-height: 1.5; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #ccc; padding: 0.35rem 0.7rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
th { background: #f2f4f7; }
dl.title { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; }
dl.title dt { font-weight: bold; } dl.title dd { margin: 0; }
.note { color: #555; font-size: 15px; }
@media (max-width: 600px) { body { margin: 1rem auto; font-size: 16px; }
  th, td { padding: 0.25rem 0.4rem; } }
"""


def markdown_to_text(markdown: str) -> str:
    """Strip the little Markdown the explanation uses (bold, italics, escapes)."""
    text = re.sub(r"\*\*(.+?)\*\*", r"\1", markdown)
    text = re.sub(r"(?<!\\)\*(.+?)(?<!\\)\*", r"\1", text)
    return re.sub(r"\\(.)", r"\1", text)


def _table(caption: str, rows: Sequence[dict]) -> str:
    if not rows:
        return f"<h2>{html.escape(caption)}</h2><p class='note'>No moves.</p>"
    shown = formatted(rows)
    head = "".join(f"<th>{html.escape(str(k))}</th>" for k in shown[0])
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in row.values()) + "</tr>"
        for row in shown
    )
    return (f"<h2>{html.escape(caption)}</h2>"
            f"<div class='scroll'><table><tr>{head}</tr>{body}</table></div>")


def _paragraphs(explanation: str) -> str:
    out = []
    for block in markdown_to_text(explanation).split("\n\n"):
        lines = [ln.strip() for ln in block.strip().splitlines() if ln.strip()]
        items = [ln[2:] for ln in lines if ln.startswith("- ")]
        prose = [ln for ln in lines if not ln.startswith("- ")]
        out += [f"<p>{html.escape(p)}</p>" for p in prose]
        if items:
            out.append("<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>")
    return "".join(out)


def html_report(
    title: str,
    explanation: str,
    tables: Sequence[tuple[str, Sequence[dict]]],
    figures: Sequence[go.Figure],
    note: str = "",
    header: Sequence[tuple[str, str]] = (),
) -> str:
    """Build the report as one HTML string that needs no network to open.

    Parameters
    ----------
    title : str
        Report title.
    explanation : str
        The client explanation (light Markdown: bold, escapes, "- " list items).
    tables : sequence of (caption, rows)
        Tables as lists of dicts (column -> value); numbers are formatted for reading.
    figures : sequence of go.Figure
        Figures, embedded interactively; plotly.js is inlined with the first one.
    note : str
        A closing note.
    header : sequence of (label, value)
        The title block (client, date, total budget...).
    """
    block = "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd>" for k, v in header)
    charts = "".join(
        fig.to_html(full_html=False, include_plotlyjs=(k == 0), default_width="100%",
                    config={"displaylogo": False, "responsive": True})
        for k, fig in enumerate(figures)
    )
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f"<dl class='title'>{block}</dl>" if block else "",
        f"<h2>In plain words</h2>{_paragraphs(explanation)}",
        "".join(_table(caption, rows) for caption, rows in tables),
        charts,
        f"<p class='note'>{html.escape(note)}</p>" if note else "",
        "</body></html>",
    ]
    return "".join(parts)

r"""Numbers for the client: the one money formatter, the plan as rows, safe CSV.

Every amount a client sees (the page, its charts, the CSV header, the HTML report, the deck)
is written by :func:`money`; tables keep their numbers numeric and say the unit in the column
header, and :func:`formatted` turns a row into the words shown on screen.

Also the "linear approximation vs reality" comparison: the first-order estimate of a move
:math:`t\,d` is :math:`t \sum_i R_i'(s_i)\,d_i`, exact only for small moves.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Mapping, Sequence

import numpy as np

from core.mmm.bank import CurveBank

__all__ = [
    "PER_THOUSAND",
    "count",
    "csv_text",
    "escape_cell",
    "formatted",
    "linear_vs_exact",
    "md_escape",
    "money",
    "plan_rows",
    "summary_rows",
]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")
#: Column-header marker of a marginal return in conversions per extra $1,000.
PER_THOUSAND = "per extra $1K"


def money(x: float, signed: bool = False) -> str:
    """Format dollars for people: ``$2.1M``, ``$800K``, ``$950``, ``-$500K``.

    The one money formatter of the app, its CSV headers, the HTML report and the deck:
    three significant digits, the sign before the dollar sign, an ASCII hyphen-minus.

    Parameters
    ----------
    x : float
        Amount in dollars.
    signed : bool, default False
        Write a ``+`` before positive amounts (changes of spend).

    Returns
    -------
    str
        Short human-readable amount.
    """
    x = float(x)
    if not math.isfinite(x):
        return "no limit" if x > 0 else "–"
    sign = "-" if x < 0 and round(abs(x)) > 0 else ("+" if signed and x > 0 else "")
    x = abs(x)
    shown = round(x, 2 - int(math.floor(math.log10(x)))) if x >= 1 else 0.0  # 3 digits
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if shown >= size:
            return f"{sign}${x / size:.3g}{suffix}"
    return f"{sign}${x:,.0f}"


def count(x: float, signed: bool = False) -> str:
    """Format a number of conversions, rounded as a person would say it.

    Three significant digits from 100 up, as the money format: ``12,345`` becomes ``12,300``,
    ``241,123`` becomes ``241,000``, ``1,234`` becomes ``1,230``; with ``signed`` a gain reads
    ``+12,300`` (a loss always reads ``-12,300``, with an ASCII hyphen-minus).
    """
    x = float(x)
    if not math.isfinite(x):  # e.g. the marginal return of a power curve at zero spend
        return "–" if math.isnan(x) else ("-" if x < 0 else "+" if signed else "") + "∞"
    if abs(x) >= 1e4:
        text = f"{round(x, 2 - int(math.floor(math.log10(abs(x))))):,.0f}"
    elif abs(x) >= 100:
        text = f"{round(x, -1):,.0f}"
    else:
        text = f"{x:,.1f}" if abs(x) < 10 else f"{x:,.0f}"
    return ("+" if signed and x > 0 and text.strip("0.,") else "") + text


def md_escape(text: str) -> str:
    """Backslash-escape Markdown syntax so that user text shows literally."""
    return _MARKDOWN.sub(r"\\\1", str(text))


def escape_cell(value: object) -> object:
    """Neutralise spreadsheet formulas (OWASP CSV injection).

    Text starting with ``= + - @``, a tab or a carriage return gets a leading single
    quote; numbers are left alone (they are written by us and cannot hold a formula).

    Parameters
    ----------
    value : object
        A cell value.

    Returns
    -------
    object
        The value, escaped if it is dangerous text.
    """
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return value
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_text(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Write rows as CSV text with every cell passed through :func:`escape_cell`.

    Parameters
    ----------
    header : sequence of str
        Column names.
    rows : sequence of sequence
        Cell values.

    Returns
    -------
    str
        CSV text, safe to open in a spreadsheet.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([escape_cell(h) for h in header])
    for row in rows:
        writer.writerow([escape_cell(v) for v in row])
    return out.getvalue()


def _dollars(x: float) -> int | float:
    """Whole dollars as an int (a spreadsheet shows ``1500000``, not ``1500000.0``)."""
    x = float(x)
    return int(round(x)) if math.isfinite(x) and abs(x) < 2**53 else x


def plan_rows(names: Sequence[str], moves: Sequence) -> list[dict]:
    """The plan's moves as table rows (step, from, to, amount, lost, gained, net)."""
    return [
        {
            "Step": k,
            "From": names[m.source],
            "To": names[m.target],
            "Amount ($)": _dollars(m.amount),
            "Conversions lost": round(m.loss, 1),  # floats: huge values stay Arrow-safe
            "Conversions gained": round(m.gain, 1),
            "Net conversions": round(m.net, 1),
        }
        for k, m in enumerate(moves, start=1)
    ]


def summary_rows(
    names: Sequence[str], curves: Sequence, before: np.ndarray, after: np.ndarray
) -> list[dict]:
    """Per channel: spend and the next $1,000's conversions before and after, and the change."""
    bank = CurveBank(curves)
    m0, m1 = bank.marginal(np.asarray(before)), bank.marginal(np.asarray(after))
    return [
        {
            "Channel": name,
            "Spend today ($)": _dollars(b),
            "Spend in the plan ($)": _dollars(a),
            "Change ($)": _dollars(a - b),
            f"Conversions {PER_THOUSAND} today": round(1000 * float(x), 2),
            f"Conversions {PER_THOUSAND} in the plan": round(1000 * float(y), 2),
        }
        for name, b, a, x, y in zip(names, before, after, m0, m1, strict=True)
    ]


def _cell(column: str, value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        return str(value)
    if column.endswith("($)"):
        return money(value, signed=column.startswith("Change"))
    if "onversions" in column:
        return count(value)
    return f"{value:,}" if isinstance(value, (int, np.integer)) else f"{value:,.3g}"


def formatted(rows: Sequence[Mapping[str, object]]) -> list[dict[str, str]]:
    """Rows as the words a client reads: money by :func:`money`, conversions by :func:`count`.

    Columns whose header ends in ``($)`` hold dollars (``Change ($)`` gets a sign); headers
    mentioning conversions hold counts; empty cells stay empty (never ``None``).

    Parameters
    ----------
    rows : sequence of mapping
        Rows with numeric cells, e.g. from :func:`summary_rows` or :func:`plan_rows`.

    Returns
    -------
    list of dict
        The same rows with every cell as display text.
    """
    return [{k: _cell(k, v) for k, v in row.items()} for row in rows]


def linear_vs_exact(
    curves: Sequence, spend: np.ndarray, direction: np.ndarray, scales: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    r"""First-order estimate and exact change of conversions for moves ``t * direction``.

    .. math:: \text{linear}(t) = t \sum_i R_i'(s_i)\,d_i, \qquad
              \text{exact}(t) = \sum_i R_i(s_i + t d_i) - R_i(s_i)

    Parameters
    ----------
    curves : sequence of ResponseCurve
        Response curves.
    spend : numpy.ndarray
        Current spend.
    direction : numpy.ndarray
        A budget move (sums to zero for a reallocation).
    scales : numpy.ndarray
        Multiples ``t`` of the move; spends are floored at zero.

    Returns
    -------
    linear, exact : numpy.ndarray
        One value per scale.
    """
    s, d = np.asarray(spend, dtype=float), np.asarray(direction, dtype=float)
    t = np.asarray(scales, dtype=float)
    slope = float(CurveBank(curves).marginal(s) @ d)
    moved = np.maximum(s[None, :] + t[:, None] * d[None, :], 0.0)
    exact = sum(c.response(moved[:, j]) - c.response(s[j]) for j, c in enumerate(curves))
    return slope * t, np.asarray(exact, dtype=float)

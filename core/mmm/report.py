r"""Words and tables for the client: money formatting, the plan as rows, safe CSV, the story.

Also the "linear approximation vs reality" comparison: the first-order estimate of a move
:math:`\Delta s` is :math:`\sum_i R_i'(s_i)\,\Delta s_i`, exact only for small moves.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence

import numpy as np

from core.mmm.bank import CurveBank

__all__ = [
    "client_explanation",
    "csv_text",
    "escape_cell",
    "linear_vs_exact",
    "md_escape",
    "money",
    "plan_rows",
    "summary_rows",
]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")


def money(x: float) -> str:
    """Format dollars for people: ``$2.1M``, ``$800K``, ``$950``, ``-$500K``.

    Parameters
    ----------
    x : float
        Amount in dollars.

    Returns
    -------
    str
        Short human-readable amount.
    """
    x = float(x)
    sign, x = ("-" if x < 0 else ""), abs(x)
    if x >= 1e9:
        return f"{sign}${x / 1e9:.3g}B"
    if x >= 1e6:
        return f"{sign}${x / 1e6:.3g}M"
    if x >= 1e3:
        return f"{sign}${x / 1e3:.3g}K"
    return f"{sign}${x:,.0f}"


def count(x: float) -> str:
    """Format a number of conversions, rounded sensibly (``about``-style precision)."""
    x = float(x)
    if abs(x) >= 1e4:
        return f"{round(x, -3):,.0f}"
    if abs(x) >= 100:
        return f"{round(x, -1):,.0f}"
    return f"{x:,.1f}" if abs(x) < 10 else f"{x:,.0f}"


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


def _md_money(x: float) -> str:
    return money(x).replace("$", "\\$")


def plan_rows(names: Sequence[str], moves: Sequence) -> list[dict]:
    """The plan's moves as table rows (step, from, to, amount, lost, gained, net)."""
    return [
        {
            "Step": k,
            "From": names[m.source],
            "To": names[m.target],
            "Amount ($)": round(m.amount, 2),
            "Conversions lost": round(m.loss, 0),  # floats: huge values stay Arrow-safe
            "Conversions gained": round(m.gain, 0),
            "Net conversions": round(m.net, 0),
        }
        for k, m in enumerate(moves, start=1)
    ]


def summary_rows(
    names: Sequence[str], curves: Sequence, before: np.ndarray, after: np.ndarray
) -> list[dict]:
    """Per channel: spend and marginal return before and after, and the change."""
    bank = CurveBank(curves)
    m0, m1 = bank.marginal(np.asarray(before)), bank.marginal(np.asarray(after))
    return [
        {
            "Channel": name,
            "Current spend ($)": round(float(b), 2),
            "New spend ($)": round(float(a), 2),
            "Change ($)": round(float(a - b), 2),
            "Marginal return now": round(float(x), 4),
            "Marginal return after": round(float(y), 4),
        }
        for name, b, a, x, y in zip(names, before, after, m0, m1, strict=True)
    ]


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
    bank = CurveBank(curves)
    s, d = np.asarray(spend, dtype=float), np.asarray(direction, dtype=float)
    slope = float(bank.marginal(s) @ d)
    base = bank.response(s).sum()
    exact = np.array([bank.response(np.maximum(s + t * d, 0.0)).sum() - base for t in scales])
    return slope * np.asarray(scales, dtype=float), exact


def _per_thousand(m: float) -> str:
    return f"about {count(1000 * m)} conversions"


def _moves_phrase(names, shift) -> str:
    gives = [i for i in np.argsort(shift) if shift[i] < 0]
    takes = [i for i in np.argsort(-shift) if shift[i] > 0]
    to = " and ".join(f"{_md_money(shift[j])} to {names[j]}" for j in takes)
    source = " and ".join(f"{_md_money(-shift[i])} out of {names[i]}" for i in gives)
    return f"moving {source} — {to} —"


def client_explanation(
    names: Sequence[str],
    spend: np.ndarray,
    marginal: np.ndarray,
    shift: np.ndarray,
    plan_gain: float,
    optimum_gain: float,
    response: np.ndarray,
) -> str:
    """Plain-language explanation of the plan from the current numbers (no formulas).

    Parameters
    ----------
    names : sequence of str
        Channel names (Markdown-escaped here).
    spend, marginal : numpy.ndarray
        Current spend and marginal return per channel.
    shift : numpy.ndarray
        Change of spend in the recommended plan.
    plan_gain, optimum_gain : float
        Extra conversions of the plan and of the fully balanced budget.
    response : numpy.ndarray
        Current conversions per channel.

    Returns
    -------
    str
        A few short paragraphs of Markdown.
    """
    names = [md_escape(n) for n in names]
    spend, marginal, shift = (np.asarray(a, dtype=float) for a in (spend, marginal, shift))
    big, best = int(np.argmax(spend)), int(np.argmax(marginal))
    driver = int(np.argmax(response))
    lead = (
        f"**{names[big]}** drives the most conversions today and has the biggest budget "
        f"({_md_money(spend[big])})."
        if driver == big
        else f"**{names[driver]}** drives the most conversions today, and **{names[big]}** has "
        f"the biggest budget ({_md_money(spend[big])})."
    )
    lines = [
        f"{lead} But what matters for the next decision is not the total a channel brings — "
        "it is what the *next* dollar brings.",
        f"Each extra \\$1,000 on {names[big]} now brings {_per_thousand(marginal[big])}; on "
        f"{names[best]} it brings {_per_thousand(marginal[best])}. Every channel has "
        "diminishing returns: the more you already spend, the less the next dollar adds.",
    ]
    if not np.any(np.abs(shift) > 0):
        lines.append(
            "At the chosen step size no move gains more than it loses: the budget is already "
            "close to balanced, with every channel's next dollar worth about the same."
        )
        return "\n\n".join(lines)
    cut = int(np.argmin(shift))
    lines.append(
        f"So we recommend {_moves_phrase(names, shift)} at the same total budget. "
        f"We expect about **{count(plan_gain)} extra conversions**. {names[cut]} stays at "
        f"{_md_money(spend[cut] + shift[cut])}: we trim where the last dollars work least, we "
        "do not switch the channel off."
    )
    if optimum_gain > plan_gain * 1.001:
        share = 100 * plan_gain / optimum_gain if optimum_gain > 0 else 100.0
        lines.append(
            f"Balancing the budget completely would add about {count(optimum_gain)}; this "
            f"first step captures {share:.0f}% of that with a smaller, safer change. These "
            "figures rest on the assumed response curves — worth confirming with a test."
        )
    return "\n\n".join(lines)


def target_explanation(target: float, budget: float, current_budget: float, extra: float) -> str:
    """Plain-language summary of the target-return scenario (flexible budget).

    Parameters
    ----------
    target : float
        Target marginal return (conversions per dollar).
    budget : float
        Total budget at which every channel's next dollar earns ``target``.
    current_budget : float
        Today's total budget.
    extra : float
        Conversions gained (or lost, if negative) versus today.

    Returns
    -------
    str
        One Markdown paragraph.
    """
    change = budget - current_budget
    direction = "more" if change > 0 else "less"
    return (
        f"If the goal is instead that every channel's next \\$1,000 still brings at least "
        f"{count(1000 * target)} conversions, the right budget is {_md_money(budget)} — "
        f"{_md_money(abs(change))} {direction} than today — for about {count(extra)} "
        f"{'extra' if extra >= 0 else 'fewer'} conversions."
    )

"""What a client is told about a plan, in one place: the facts, the words, the assumptions.

A :class:`Briefing` gathers everything the explanation on the page, the HTML report and the
deck say, so the three always agree. Its text claims only what the page knows: the marginal
returns at today's spend (typed in or fitted), the moves and their exact gain from the curves,
and which curve shapes are assumed. It never ranks channels by total contribution, which
with typed-in marginal returns would rest on nothing but the assumed elasticities.

One optional sentence on uncertainty (:attr:`Briefing.uncertainty`) is carried into every
deliverable: the explanation's last paragraph, the report and the deck's method slide.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from core.mmm.channels import CURVE_KINDS, ChannelSet, curve_shape
from core.mmm.report import count, md_escape, money

__all__ = [
    "Briefing", "FitSource", "TargetSummary", "assumption_rows", "assumptions_text", "explanation",
    "fitted_flags",
]


@dataclass(frozen=True)
class FitSource:
    """Curves fitted on a client's data: where, how well, and which table rows they filled.

    Attributes
    ----------
    label : str
        Where the curves come from, in words (a file and its weeks).
    holdout_mape : float or None
        Mean absolute percentage error on the weeks the fit did not see (0.08 = 8 %).
    rows : tuple of tuple
        ``(name, spend, marginal, curve, shape)`` of each fitted row as loaded; a table row
        still equal to one of them is "fitted", an edited one is not.
    """

    label: str
    holdout_mape: float | None = None
    rows: tuple[tuple, ...] = ()

    @staticmethod
    def key(row: Mapping) -> tuple:
        """The identity of a table row for :meth:`covers`."""
        shape = row.get("shape")
        return (str(row.get("name") or "").strip(), _num(row.get("spend")),
                _num(row.get("marginal")), row.get("curve"), _num(shape))

    def covers(self, row: Mapping) -> bool:
        """Whether ``row`` is one of the fitted rows, unedited."""
        return self.key(row) in set(self.rows)


def _num(value: object) -> float | None:
    try:
        return None if value is None else round(float(value), 12)
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class TargetSummary:
    """The target-return scenario: every channel's next dollar earns ``target``."""

    target: float
    budget: float
    extra: float
    spend: tuple[float, ...] = ()


@dataclass(frozen=True)
class Briefing:
    """The facts behind a recommendation, shared by the page, the report and the deck.

    Attributes
    ----------
    channels : ChannelSet
        The channels as planned.
    plan_spend : numpy.ndarray
        Spend per channel after the plan.
    moves : tuple of core.mmm.Move
        The plan's moves, in order.
    plan_gain, optimum_gain : float
        Extra conversions of the plan and of the fully balanced budget (exact, from the curves).
    balanced_level : float
        Conversions per extra dollar every free channel earns at the balanced budget.
    balanced_spend : numpy.ndarray
        The balanced budget's spend per channel.
    fitted : tuple of bool
        Per channel, whether its curve comes from a fit (else typed in, with an assumed shape).
    fit : FitSource or None
        The fit, when any channel's curve comes from one.
    target : TargetSummary or None
        The target-return scenario, when chosen.
    client, date : str
        Title-block entries typed on the page.
    uncertainty : str or None
        One paragraph on how sure the plan is; added to every deliverable when given.
    certainty_rows : tuple of dict
        With fitted curves: per channel, the fully balanced budget's change and how often the
        fitted model's draws would rather give budget (for the report's and the deck's table).
    """

    channels: ChannelSet
    plan_spend: np.ndarray
    moves: tuple
    plan_gain: float
    optimum_gain: float
    balanced_level: float
    balanced_spend: np.ndarray
    fitted: tuple[bool, ...]
    fit: FitSource | None = None
    target: TargetSummary | None = None
    client: str = ""
    date: str = ""
    uncertainty: str | None = None
    certainty_rows: tuple[dict, ...] = ()

    @property
    def shift(self) -> np.ndarray:
        """Change of spend per channel."""
        return self.plan_spend - self.channels.spend

    @property
    def moved(self) -> float:
        """Dollars the plan moves."""
        return float(sum(m.amount for m in self.moves))


def _m(x: float, signed: bool = False) -> str:
    return money(x, signed).replace("$", "\\$")


def _per_k(marginal: float) -> str:
    return count(1000 * marginal)


def _today(b: Briefing, names: list[str]) -> str:
    order = np.argsort(-b.channels.marginal, kind="stable")
    listed = ", ".join(f"{names[i]} {_per_k(b.channels.marginal[i])}" for i in order)
    if all(b.fitted):
        basis = "fitted on your data"
    elif any(b.fitted):
        fitted = ", ".join(n for n, f in zip(names, b.fitted, strict=True) if f)
        basis = f"fitted on your data for {fitted}, typed in for the others"
    else:
        basis = "the marginal returns entered in the table"
    return (
        "Where the next dollar should go depends on what it brings, not on how big a channel "
        f"is. At today's spend, the next \\$1,000 brings about: {listed} conversions ({basis})."
    )


def _pairs(b: Briefing) -> list[tuple[int, int, float, float]]:
    """(source, target, dollars, net conversions) per pair of channels, in order of size."""
    total: dict[tuple[int, int], list[float]] = {}
    for m in b.moves:
        entry = total.setdefault((m.source, m.target), [0.0, 0.0])
        entry[0] += m.amount
        entry[1] += m.net
    return sorted(((s, t, a, n) for (s, t), (a, n) in total.items()), key=lambda p: -p[2])


def _moves(b: Briefing, names: list[str]) -> str:
    marginal = b.channels.marginal
    lines = [f"We recommend moving **{_m(b.moved)}** at the same total budget of "
             f"{_m(b.channels.total)}:"]
    for s, t, amount, net in _pairs(b):
        lines.append(
            f"- {_m(amount)} from {names[s]} to {names[t]}: the last \\$1,000 on {names[s]} "
            f"brings about {_per_k(marginal[s])} conversions, the next \\$1,000 on {names[t]} "
            f"about {_per_k(marginal[t])}, so the move pays (about {count(net)} conversions net)."
        )
    return "\n".join(lines)


def _result(b: Briefing, names: list[str]) -> str:
    cut = int(np.argmin(b.shift))
    text = ""
    if len(_pairs(b)) > 1:
        text = (f"Each step of {_m(b.moves[0].amount)} takes from wherever it costs least at "
                "that point: a channel's return rises as it gives and falls as it receives. ")
    text += (
        f"Expected result: about **{count(b.plan_gain)} extra conversions** from the same "
        f"budget. {names[cut]} stays at {_m(b.plan_spend[cut])}: we trim where the last "
        "dollars work least; we do not switch a channel off."
    )
    if b.optimum_gain > b.plan_gain * 1.001 and b.optimum_gain > 0:
        share = 100 * b.plan_gain / b.optimum_gain
        text += (
            f" Balancing the budget fully, until every channel's next \\$1,000 brings about "
            f"{_per_k(b.balanced_level)}, would add about {count(b.optimum_gain)}; this first "
            f"step captures {share:.0f} % of that with a smaller, safer change."
        )
    return text


def assumptions_text(
    channels: ChannelSet, fitted: Sequence[bool], fit: FitSource | None, *, advice: bool = True
) -> str:
    """Where the curves come from and every assumed shape, by channel, in plain Markdown.

    Parameters
    ----------
    channels : ChannelSet
        The channels.
    fitted : sequence of bool
        Per channel, whether its curve is still the fitted one.
    fit : FitSource or None
        The fit, if any channel came from one.
    advice : bool, default True
        End with the advice to confirm assumed shapes with a test.

    Returns
    -------
    str
        One paragraph.
    """
    names = [md_escape(n) for n in channels.names]
    assumed = [i for i, f in enumerate(fitted) if not f]
    parts = []
    if fit is not None and any(fitted):
        which = "" if not assumed else " of " + ", ".join(
            n for n, f in zip(names, fitted, strict=True) if f)
        parts.append(f"The curves{which} were fitted on {md_escape(fit.label)}.")
        if fit.holdout_mape is not None:
            parts.append(f"On the weeks the fit did not see, its predictions were off by "
                         f"{100 * fit.holdout_mape:.0f} % on average.")
    if assumed:
        shapes = ", ".join(f"{names[i]} {_shape_words(channels.curves[i])}" for i in assumed)
        whose = "of the other channels " if parts else ""
        parts.append(f"The marginal returns {whose}are as typed in; how fast they fall as "
                     f"money moves rests on assumed curve shapes: {shapes}.")
        if advice:
            parts.append("The size of the gain depends on these shapes, the direction of the "
                         "moves on the marginal returns: worth confirming with a test before "
                         "moving the whole amount.")
    return " ".join(parts)


def _shape_words(curve, markdown: bool = True) -> str:
    kind, shape, saturation = curve_shape(curve)
    amount = _m if markdown else money
    if kind == CURVE_KINDS[0]:
        return f"elasticity {shape:.2g}"
    if kind == CURVE_KINDS[1]:
        return f"S-curve, slope {shape:.2g}, half of its maximum at {amount(saturation)}"
    return f"saturating, 63 % of its maximum at {amount(saturation)}"


def _target(t: TargetSummary, current: float) -> str:
    change = t.budget - current
    return (
        f"If the goal is instead that every channel's next \\$1,000 still brings at least "
        f"{count(1000 * t.target)} conversions, the right budget is {_m(t.budget)}, "
        f"{_m(abs(change))} {'more' if change > 0 else 'less'} than today, for about "
        f"{count(abs(t.extra))} {'extra' if t.extra >= 0 else 'fewer'} conversions."
    )


def explanation(b: Briefing) -> list[str]:
    """The recommendation in plain words, as Markdown paragraphs (user text escaped).

    Names every channel that gives budget and every channel that receives it with its
    marginal return per $1,000 and why the move pays; says where a figure rests on an
    assumption or on a fit; ends with the target scenario and the uncertainty, when given.

    Parameters
    ----------
    b : Briefing
        The facts.

    Returns
    -------
    list of str
        Paragraphs (a paragraph may hold a Markdown list).
    """
    names = [md_escape(n) for n in b.channels.names]
    paragraphs = [_today(b, names)]
    if b.moves:
        paragraphs += [_moves(b, names), _result(b, names)]
    else:
        paragraphs.append(
            "At the chosen step size no move gains more than it loses: the budget is already "
            "close to balanced, every channel's next dollar worth about the same."
        )
    paragraphs.append(assumptions_text(b.channels, b.fitted, b.fit))
    if b.target is not None:
        paragraphs.append(_target(b.target, b.channels.total))
    if b.uncertainty:
        paragraphs.append(b.uncertainty)
    return [p for p in paragraphs if p]


def assumption_rows(b: Briefing) -> list[dict]:
    """Per channel: the curve behind the plan and whether it was fitted or assumed.

    Returns
    -------
    list of dict
        ``Channel``, ``Marginal return`` (conversions per extra $1,000 today), ``Curve``,
        ``Shape`` (in words) and ``Basis``.
    """
    rows = []
    for i, (name, curve) in enumerate(zip(b.channels.names, b.channels.curves, strict=True)):
        fitted = b.fitted[i] and b.fit is not None
        rows.append({
            "Channel": name,
            "Conversions per extra $1K today": round(1000 * float(b.channels.marginal[i]), 2),
            "Curve": curve_shape(curve)[0],
            "Shape": _shape_words(curve, markdown=False),
            "Basis": "fitted" if fitted else "typed in, shape assumed",
        })
    return rows


def fitted_flags(rows: Sequence[Mapping], fit: FitSource | None) -> tuple[bool, ...]:
    """Per non-blank row, whether it is still one of the fitted rows."""
    return tuple(fit is not None and fit.covers(r) for r in rows)

"""The words of the media-mix lesson: idea, captions, what to notice, formulas, quiz."""

from __future__ import annotations

from collections.abc import Sequence

from core.mmm import CURVE_KINDS, DEFAULT_ELASTICITY, ChannelSet, FitSource
from core.mmm.briefing import assumptions_text
from core.mmm.report import count, md_escape
from ui.quiz import Question

IDEA = (
    "A channel's **marginal return** is the partial derivative of total conversions with "
    "respect to that channel's spend, every other channel held fixed: what the *next* dollar "
    "brings. Response curves flatten as spend grows, so the biggest channel can have the "
    "smallest marginal return. Moving budget from low to high marginal returns adds "
    "conversions at the same total, until the marginal returns are equal."
)

#: The same idea for a client: no calculus words.
IDEA_CLIENT = (
    "What matters for the next budget decision is not how much a channel brings in total, but "
    "what its **next dollar** brings. Every channel has diminishing returns, so the biggest "
    "channel can be the one where extra money works least. Moving money from where the next "
    "dollar brings little to where it brings more adds conversions at the same total budget."
)

LINK_NOTE = (
    "The table and every setting are kept in the address bar: copy the URL (or use "
    "*Copy link to this scenario* below) to reopen this analysis exactly as it is now."
)

CURVES_CAPTION = (
    "Each panel is one channel: conversions against spend. The hollow circle is today's "
    "spend; press Play or drag the slider to move the plan's money step by step. The dashed "
    "tangent's slope is what the next $1,000 brings there, written next to the point."
)
CURVES_CAPTION_LEARNER = " The slope of the tangent is the partial derivative ∂R/∂sᵢ."
MARGINAL_CAPTION = (
    "Circles: today. Diamonds: the fully balanced budget, where every channel not held at a "
    "minimum or maximum brings the same from its next $1,000 (dotted line)."
)
MARGINAL_CAPTION_LEARNER = " That common level is λ, the Lagrange multiplier of the budget."


def defaults_note(channels: Sequence[str]) -> str:
    """What the table assumed for rows given without a curve."""
    who = ", ".join(md_escape(c) for c in channels)
    return (
        f"**{who}:** no curve was given, so the default assumption is used and shown in the "
        f"row: a {CURVE_KINDS[0].split(' (')[0].lower()} curve with elasticity "
        f"{DEFAULT_ELASTICITY} (1 % more spend brings {DEFAULT_ELASTICITY} % more "
        "conversions). Edit it if you know better."
    )


def table_caption(
    channels: ChannelSet, fitted: Sequence[bool], fit: FitSource | None, example: bool
) -> str:
    """Where the table's numbers come from, and every assumed shape by channel."""
    head = "The worked example: a consumer-goods brand's four channels. " if example else ""
    return head + assumptions_text(channels, fitted, fit, advice=False)


NOTICE = [
    "The biggest channel is not the best place for the next dollar: its marginal return is "
    "the slope of its curve at today's spend, and that slope falls as spend grows.",
    "Each move takes from the lowest marginal return and gives to the highest; the gain per "
    "move shrinks until no move pays.",
    "At the balanced budget every free channel has the same marginal return λ — the "
    "Lagrange multiplier of the budget constraint.",
    "The tangent estimate is right for small moves and too optimistic for big ones.",
]


FORMULAS = (
    r"""**Model.** $R_i(s) = a_i s^{b_i}$, so $\dfrac{\partial R}{\partial s_i} = b_i \dfrac{R_i(s_i)}{s_i}$.""",
    r"""**Optimality (KKT).** Maximise $\sum_i R_i(s_i)$ s.t. $\sum_i s_i = T$,
$l_i \le s_i \le u_i$: $R_i'(s_i) = \lambda$ for free channels, $R_i'(l_i) \le \lambda$ at a
minimum, $R_i'(u_i) \ge \lambda$ at a maximum. For concave curves a 1-D search on
$\lambda$ solves it exactly.""",
    r"""**S-curves.** With $R_i(s) = V s^k/(s^k + K^k)$, $k > 1$, equal marginal returns are
also met at the *worst* point on the budget line; a grid search over all splits followed
by Newton refinement finds the global optimum, and the second-order condition is checked.""",
    r"""**Linear approximation.** $\Delta R \approx \sum_i R_i'(s_i)\,\Delta s_i$ — exact only
in the limit of small moves.""",
)


QUESTIONS = [
    Question(
        "Suppose TV brings the most conversions in total, but its next $1,000 brings about 420 "
        "conversions against 1,230 on search. Where should the next $100K go first?",
        ("TV, it is the biggest driver", "Search", "Split it equally"),
        answer=1,
        explanations=(
            "Total contribution is about the past; the next dollar earns the marginal return.",
            "Right: the next $1,000 brings about 1,230 conversions on search against 420 on TV.",
            "An equal split ignores that the channels' next dollars earn different amounts.",
        ),
    ),
    Question(
        "Why does the first-order estimate overstate the gain of a big move?",
        (
            "The curves bend: marginal returns change as spend moves",
            "Rounding errors",
            "The budget changes",
        ),
        answer=0,
        explanations=(
            "Right: the partial derivative is a local slope; diminishing returns bend the curve.",
            "The numbers are exact; the gap is the curvature.",
            "A reallocation keeps the total budget fixed.",
        ),
    ),
]


# How sure a plan from fitted curves is (lessons/media_mix/certainty.py).

NO_CERTAINTY = (
    "How sure the plan is can be shown while the table holds the curves fitted on your data "
    "in this session, unedited: open “Media mix: your data” and plan with its curves again."
)
CERTAINTY_LEARNER = (
    "Each draw is one set of model parameters (coefficients, carry-over rates and the "
    "carry-over running before the data) from the fit's sampling distribution, turned into "
    "curves calibrated like the fitted ones. The plan is scored against all 2,000 draws. "
    "'Would rather give budget' counts the draws whose own balanced budget takes money away "
    "from the channel."
)


def share(p: float) -> str:
    """A share of draws in words that never round a rare exception away: 'more than 99 %'."""
    if 0.995 <= p < 1:
        return "more than 99 %"
    if 0 < p <= 0.005:
        return "less than 1 %"
    return f"{100 * p:.0f} %"


def _interval(spread) -> str:
    low, high = spread.interval
    return f"{100 * spread.level:.0f} % interval {count(low)} to {count(high)}"


def certainty_headline(point: float, spread) -> str:
    """'+241,000 conversions, 90 % interval 180,000 to 300,000; gains in 99 % of draws'."""
    return (f"**{count(point, True)} conversions** from the plan, {_interval(spread)}; it gains "
            f"in **{share(spread.probability_gain)}** of {spread.draws:,} draws of the fitted "
            "model.")


def optimum_headline(optimum) -> str:
    """The fully balanced budget's gain over the same draws, and what the table below says."""
    return (f"Balancing the budget fully would bring {count(optimum.point, True)} conversions "
            f"({_interval(optimum)}; gains in {share(optimum.probability_gain)} of draws). "
            "How often each channel would rather give budget than receive it there:")


def certainty_sentence(cert) -> str:
    """The same facts in one plain paragraph, for the explanation, the report and the deck."""
    low, high = cert.plan.interval
    order = sorted(range(len(cert.names)), key=lambda i: -cert.optimum.gives[i])
    gives = ", ".join(f"{md_escape(cert.names[i])} in {share(cert.optimum.gives[i])}"
                      for i in order)
    return (
        f"How sure we are: the curves come from a fit, and the data allow a range of them. "
        f"Across {cert.plan.draws:,} plausible versions of the fitted model, the plan brings "
        f"between {count(low)} and {count(high)} extra conversions 9 times in 10, and it gains "
        f"at all in {share(cert.plan.probability_gain)} of them. In the fully balanced budget, "
        f"each channel would rather give budget than receive it in this share of "
        f"{cert.optimum.draws:,} versions: {gives}."
    )

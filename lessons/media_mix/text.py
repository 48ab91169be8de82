"""The words of the media-mix lesson: idea, what to notice, formulas, quiz."""

from ui.quiz import Question

IDEA = (
    "A channel's **marginal return** is the partial derivative of total conversions with "
    "respect to that channel's spend, every other channel held fixed: what the *next* dollar "
    "brings. Response curves flatten as spend grows, so the biggest channel can have the "
    "smallest marginal return. Moving budget from low to high marginal returns adds "
    "conversions at the same total, until the marginal returns are equal."
)


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
        "TV brings the most conversions in total, but its marginal return is 0.42 vs 1.23 for "
        "search. Where should the next $100K go first?",
        ("TV, it is the biggest driver", "Search", "Split it equally"),
        answer=1,
        explanations=(
            "Total contribution is about the past; the next dollar earns the marginal return.",
            "The next dollar earns about 1.23 conversions on search vs 0.42 on TV.",
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

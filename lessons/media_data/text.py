"""The words of the media-data lesson: idea, what to notice, formulas, quiz."""

from ui.quiz import Question

IDEA = (
    "Start from the client's own history instead of typed-in guesses. A log-log model says "
    "that 1 % more spend on a channel brings *e* % more conversions: *e*, the **elasticity**, "
    "is the partial derivative of log conversions with respect to log spend, holding the other "
    "channels and the season fixed. Carry-over (adstock) lets this week's ads keep working next "
    "week. From the fit we get each channel's **marginal return**, ∂conversions/∂spend, and hand "
    "it to the optimizer."
)


NOTICE = [
    "Each elasticity is a partial derivative: the effect of one channel with the others held "
    "fixed. Channels that move together (say TV and video always flighted together) get wide "
    "intervals because the data cannot hold one fixed while the other moves.",
    "Carry-over matters: without it, a channel with a long-lasting effect looks weaker and its "
    "later effect is credited to whatever ran in the following weeks. Switch it off and compare.",
    "The hold-out error is the honest number: the model never saw those weeks.",
    "A brand that advertised last year starts the data with carry-over already running. "
    "Assuming it starts at zero makes the first weeks look under-explained and drags the "
    "carry-over rates down; the model estimates it instead (the dotted line in the motion).",
    "The curves handed to the optimizer are exact at recent spend only: the further a plan moves "
    "away from it, the more it leans on the assumed curve shape.",
]


FORMULAS = (
    r"""**The model** (least squares on log conversions):
$$\log y_t = \alpha + \sum_i b_i \log\bigl(a_{i,t} + c_i\bigr) + \sum_{k=1}^{2}
\bigl(\gamma_k \sin\tfrac{2\pi k t}{52.18} + \delta_k \cos\tfrac{2\pi k t}{52.18}\bigr)
+ \sum_j \eta_j u_{j,t} + \varepsilon_t$$
**Carry-over:** $a_{i,t} = x_{i,t} + \theta_i a_{i,t-1}$ with one $\theta_i \in [0, 0.9]$ per
channel, chosen by an exact coordinate search on a 0.01 grid (each candidate scored by
projecting it on the other columns), plus joint moves of two channels to get off ridges.
**Carry-over before the data:** $a_{i,-1} = \kappa_i\,\bar x_i/(1-\theta_i)$, a multiple
$\kappa_i \in [0, 3]$ of the steady state, searched with the rest; a non-zero $\kappa_i$ must
lower $n\log \mathrm{SSE}$ by $2\log n$ to be kept.""",
    r"""**Weeks without spend:** $c_i = 0.1\,\bar a_i$ keeps $\log(a + c)$ finite, so no week is
dropped. The elasticity at average spend is
$e_i = \dfrac{\partial \log y}{\partial \log a_i}\Big|_{\bar a_i}
= \dfrac{b_i \bar a_i}{\bar a_i + c_i} = \dfrac{b_i}{1.1}.$""",
    r"""**Marginal return** at steady recent spend $\bar s_i$
(adstock $\bar a_i = \bar s_i/(1-\theta_i)$):
$$\frac{\partial y}{\partial s_i} = \hat y\,\frac{b_i}{\bar a_i + c_i}\,\frac{1}{1-\theta_i}$$
the $1/(1-\theta_i)$ counts the later weeks an extra dollar keeps working in.
**Intervals:** $\hat\sigma^2 (J^\top J)^{-1}$ with
$J = [X,\ b_j\,\partial z_j/\partial\theta_j,\ b_j\,\partial z_j/\partial\kappa_j]$, the
least-squares covariance linearised over the carry-over rates and start states too (also when
they sit on the edge of their range), and a Student-t quantile. When the residuals are
correlated week to week ($|\hat\rho_1| > 0.25$) the sandwich
$(J^\top J)^{-1} S (J^\top J)^{-1}$ with the Newey-West $S$ replaces it.""",
)


QUESTIONS = [
    Question(
        "TV's elasticity is 0.18. What does a 10 % increase in TV spend do, other channels fixed?",
        ("About +18 % conversions", "About +1.8 % conversions", "About +0.18 conversions"),
        answer=1,
        explanations=(
            "That would be an elasticity of 1.8.",
            "Elasticity = % change in conversions per % change in spend: 0.18 × 10 % = 1.8 %.",
            "Elasticity is a ratio of percentages, not a count.",
        ),
    ),
    Question(
        "A channel's carry-over rate is θ = 0.7. How much of one week's effect remains two weeks "
        "later?",
        ("70 %", "49 %", "30 %"),
        answer=1,
        explanations=(
            "70 % remains after one week.",
            "θ² = 0.7 × 0.7 = 0.49.",
            "30 % is what is lost in the first week.",
        ),
    ),
    Question(
        "Why is the hold-out error a better guide than R²?",
        ("It is always smaller", "The model did not see those weeks", "It ignores seasonality"),
        answer=1,
        explanations=(
            "It is usually larger, and that is the point.",
            "Predicting unseen weeks shows how well the model generalises, not how well it "
            "memorised.",
            "The hold-out fit uses the same seasonality terms.",
        ),
    ),
]

"""The words of the attribution lesson: idea, what to notice, formulas, quiz."""

from ui.quiz import Question

IDEA = (
    "A model predicts the click-through rate (CTR) of an ad from its pixels. Which pixels drive "
    "that prediction? The **partial derivative** of the predicted CTR with respect to each pixel "
    "answers it locally; **Integrated Gradients** adds those partials up along a path from a "
    "*baseline* image to the ad, so that the pixel scores add up exactly to the change in "
    "predicted CTR. Here the ads are synthetic, so we know which regions truly drive the CTR and "
    "can check each method against the truth."
)


NOTICE = [
    "Switch the baseline from *average creative* to *black image*: same model, same ad, a "
    "different map. Attributions answer “compared with what?”.",
    "Saliency lights up empty space: the gradient is a sensitivity (“what if a pixel changed?”), "
    "not a share of this ad's CTR. IG multiplies it by the actual change from the baseline.",
    "SmoothGrad averages the gradient over noisy copies of the ad: the speckle fades and the "
    "structure the model reacts to remains.",
    "The completeness gap falls as the steps grow, fastest for Gauss–Legendre: Σ attributions "
    "really is f(ad) − f(baseline).",
    "Clutter shows up under *Lowers CTR*; the logo and the headline get little: the model "
    "learned to ignore them, as the true CTR does.",
    "On the table, a feature at its baseline value gets exactly zero: IG only credits what "
    "changed.",
]


FORMULAS = (
    r"""**Saliency** is the gradient: $S_i(x) = \dfrac{\partial f}{\partial x_i}(x)$.
**Gradient × input**: $x_i\,\partial f/\partial x_i$, a first-order Taylor share from a zero
baseline.""",
    r"""**Integrated Gradients** (Sundararajan et al., 2017), from baseline $x'$:
$$\mathrm{IG}_i(x) = (x_i - x'_i)\int_0^1 \frac{\partial f}{\partial x_i}\big(x' + \alpha(x - x')\big)\,d\alpha,
\qquad \sum_i \mathrm{IG}_i(x) = f(x) - f(x')$$
The last identity (completeness) is the fundamental theorem of calculus for the path
$\gamma(\alpha) = x' + \alpha(x - x')$. The integral is a quadrature
$\sum_k w_k\,\nabla f(\gamma(\alpha_k))$; the rules carry Captum's names.""",
    r"""**SmoothGrad** (Smilkov et al., 2017):
$\hat S(x) = \frac1K\sum_k \nabla f(x + \varepsilon_k)$, $\varepsilon_k \sim
\mathcal N(0, (\sigma\,(x_{\max}-x_{\min}))^2)$ with $\sigma$ a share of the input range
(10–20 % in the paper). The same averaging applied to IG gives *SmoothGrad + IG*.""",
    r"""**The model.** A 3 072 → 16 → 1 tanh network (`core/mlp`) predicts the log-odds of a click;
$\mathrm{CTR} = \sigma(z)$, so $\nabla_x \mathrm{CTR} = \mathrm{CTR}(1-\mathrm{CTR})\nabla_x z$,
with $\nabla_x z$ from one backward pass. The true CTR of the synthetic ads is
$\sigma(-4.8 + 1.8\tanh(\text{button ink}) + 1.2\tanh(\text{product ink}) - 1.2\,\text{clutter})$,
where *ink* is area × luminance contrast with the background.""",
)


QUESTIONS = [
    Question(
        "Integrated Gradients scores sum to 0.8 CTR points. What does that number equal?",
        ("The CTR of the ad", "f(ad) − f(baseline)", "The average gradient"),
        answer=1,
        explanations=(
            "Only if the baseline's predicted CTR were zero.",
            "Completeness: the scores add up to the change from the baseline to the ad.",
            "The average gradient is multiplied by (x − baseline) before summing.",
        ),
    ),
    Question(
        "You switch the baseline from a blurred ad to a black image and the map changes. Why?",
        (
            "A bug in the integration",
            "Attributions answer “compared with what?”",
            "The model was retrained",
        ),
        answer=1,
        explanations=(
            "The completeness gap stays tiny for both baselines: the integration is fine.",
            "The path, and so the partial derivatives collected along it, start somewhere else.",
            "The model is the same; only the reference changed.",
        ),
    ),
    Question(
        "The button glows bright on the map. What can you tell the client?",
        (
            "Making the button bigger will raise clicks",
            "The model's prediction leans on the button; worth an A/B test",
            "The button causes the clicks",
        ),
        answer=1,
        explanations=(
            "That is a causal claim; attributions describe the model, not the world.",
            "Right: it is a hypothesis about the model, to be tested with real users.",
            "Attribution is not causation: the model may have learned a correlation.",
        ),
    ),
]

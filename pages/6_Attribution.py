import streamlit as st

from core import attribution as attr
from core import ctr_models
from figures import attribution as figs
from ui import attribution as ua
from ui import lesson, state
from ui.page import setup_page
from ui.quiz import Question, quiz

presenter = setup_page("Gradient attribution", icon="🖼️")
lesson.idea(
    "A model predicts the click-through rate (CTR) of an ad from its pixels. Which pixels drive "
    "that prediction? The **partial derivative** of the predicted CTR with respect to each pixel "
    "answers it locally; **Integrated Gradients** adds those partials up along a path from a "
    "*baseline* image to the ad, so that the pixel scores add up exactly to the change in "
    "predicted CTR. Here the ads are synthetic, so we know which regions truly drive the CTR and "
    "can check each method against the truth."
)

lesson.section("Which pixels drive the predicted CTR?")
cols = st.columns([1.2, 1.2, 1.1, 1.3])
name = state.widget(ua.CONTROLS[0], cols[0])
seed = state.widget(ua.CONTROLS[1], cols[0]) if name == ua.GENERATE else 7
method = ua.METHOD_KEY[state.widget(ua.CONTROLS[2], cols[1])]
baseline = ua.BASELINE_KEY[state.widget(ua.CONTROLS[3], cols[2])]
sign = ua.SIGN_KEY[state.widget(ua.CONTROLS[4], cols[3])]
show_truth = state.widget(ua.PATH_CONTROLS[-1], cols[3])
with st.expander("Path and noise settings: integration rule, steps, SmoothGrad noise and samples"):
    path_cols = st.columns(4)
    rule, steps, sigma, samples = (
        state.widget(p, path_cols[i]) for i, p in enumerate(ua.PATH_CONTROLS[:-1])
    )

ex = state.last_good(
    "attribution_explain",
    lambda: ua.explain(name, seed, method, baseline, rule, steps, sigma, samples),
    errors=(ValueError, FileNotFoundError),
)
if ex is None:
    st.stop()

pred, base_pred = 100 * ex.ig.f_x, 100 * ex.ig.f_baseline
total = 100 * float(ex.attributions.sum())
cols = st.columns(5)
cols[0].metric("Predicted CTR", f"{pred:.2f} %", help="The model's prediction for this ad.")
cols[1].metric("True CTR", f"{100 * ex.true_ctr:.2f} %",
               help="Known here because the ads are synthetic; never known for real ads.")
cols[2].metric("Baseline CTR", f"{base_pred:.2f} %", help="The model's prediction for the baseline.")
sums_to_points = method in ("integrated_gradients", "smooth_ig", "gradient_x_input")
cols[3].metric("Σ scores", f"{total:+.2f} pts" if sums_to_points else "—",
               help="Sum of the shown method's scores over all pixels and colours, in CTR points. "
               "Plain gradients (saliency, SmoothGrad) are slopes, not shares: no sum.")
cols[4].metric("Gap", f"{abs(100 * ex.ig.gap):.0e}",
               help="Completeness gap of Integrated Gradients, |Σ IG − (f(x) − f(baseline))|, in "
               "CTR points: zero for exact integration.")

heat = 100 * attr.pixel_map(ex.attributions, sign)
uses_path = method in ("integrated_gradients", "smooth_ig")
title = ua.METHOD_LABELS[method] + (
    f" · baseline: {ua.BASELINE_LABELS[baseline].lower()}" if uses_path
    else " · implicit black baseline" if method == "gradient_x_input" else " · local slope, no baseline")
unit = "CTR points" if sums_to_points else "CTR points per unit of pixel"
lesson.chart(
    figs.creative_panels(ex.image, heat, sign, ex.truth if show_truth else None, title, unit),
    key="attribution_panels",
)
if method == "smooth_ig" and steps > ua.SMOOTH_IG_MAX_STEPS:
    st.caption(f"SmoothGrad + IG uses {ua.SMOOTH_IG_MAX_STEPS} path steps per noisy copy to stay "
               "interactive.")
if uses_path:
    st.caption(
        f"Integrated Gradients: the predicted CTR moves from {base_pred:.2f} % (baseline) to "
        f"{pred:.2f} % (this ad), a change of {pred - base_pred:+.3f} points; the pixel scores "
        f"add up to {total:+.3f} points."
    )
else:
    st.caption(
        "Saliency, SmoothGrad and gradient × input are *local*: they describe the slope at this "
        "ad and need not add up to any change in CTR."
    )

lesson.client_explanation(
    "The heat map answers one question: *if we morph a reference ad (the baseline) step by step "
    "into this ad, how much of the change in predicted CTR happens because of each pixel?* At "
    "every step we measure how sensitive the prediction is to each pixel (a partial "
    "derivative) and add these sensitivities up along the way. Two warnings. The answer depends "
    "on the reference ad: change the baseline and the map changes. And it explains what the "
    "**model** reacts to, not what makes people click: a bright spot is a hypothesis to test "
    "with an A/B test, not proof of cause and effect.",
    title="For the client: what this map does and does not say",
)

lesson.section("Completeness: do the scores add up?")
gaps = ua.convergence(name, seed, baseline)
c1, c2 = st.columns([2, 1])
with c1:
    lesson.chart(figs.convergence_figure(ua.STEPS_GRID, {m: 100 * g for m, g in gaps.items()}, rule),
                 key="attribution_convergence")
c2.markdown(
    f"With **{steps}** steps of **{rule}** the scores add up to the change in predicted CTR "
    f"within **{abs(100 * ex.ig.gap):.1e}** CTR points.\n\n"
    "Left and right Riemann sums close the gap like 1/steps, the midpoint and trapezoid rules "
    "like 1/steps², and Gauss–Legendre faster still. A large gap means too few steps, not a "
    "wrong model. Gaps below 10⁻¹² are rounding error and drawn at 10⁻¹²."
)

lesson.section("Methods against the truth")
scores, random_share, area = ua.truth_scores(name, seed, baseline, sign, rule, sigma, samples)
c1, c2 = st.columns([2, 1])
with c1:
    lesson.chart(figs.truth_scores_figure(scores, random_share, area), key="attribution_scores")
ig_score, sal_score = scores[ua.METHOD_LABELS["integrated_gradients"]], scores[ua.METHOD_LABELS["saliency"]]
c2.markdown(
    f"The true drivers (product, button, clutter) cover **{100 * area:.0f} %** of the pixels, so "
    "a map that knows nothing puts about that share of its mass on them (dashed line). The "
    "headline and the logo are decoys: the true CTR ignores them.\n\n"
    f"Here Integrated Gradients puts **{100 * ig_score:.0f} %** of its mass on the true drivers, "
    f"the plain gradient **{100 * sal_score:.0f} %**. Over many ads (both signs together), IG from "
    "the average creative "
    "scores about three times the random map, while plain gradients score *below* it: a gradient "
    "says where a change **would** matter (a new clutter spot in empty space would hurt), not "
    "what in **this** ad matters. From a black baseline, IG credits the off-white background, "
    f"the biggest change from black. (Sign as chosen above, {ua.SCORE_STEPS} path steps.)"
)

lesson.section("The same idea on a table: one bar per feature")
st.markdown(
    "A second model predicts CTR from five ad features. Integrated Gradients splits the "
    "difference between this ad and a baseline ad into one share per feature, and the shares "
    "add up exactly: f(ad) − f(baseline) = Σ attributions."
)
tab_cols = st.columns(3)
tab_values = [state.widget(p, tab_cols[i % 3]) for i, p in enumerate(ua.TABULAR_CONTROLS[:-1])]
tab_base = ua.TABULAR_BASELINE_KEY[state.widget(ua.TABULAR_CONTROLS[-1], tab_cols[2])]
tig = ua.tabular_ig(tuple(float(v) for v in tab_values), tab_base)
labels = [f[1] for f in ctr_models.TABULAR_FEATURES]
lesson.chart(figs.tabular_waterfall(labels, 100 * tig.attributions, 100 * tig.f_baseline,
                                    100 * tig.f_x), key="attribution_tabular")
st.caption(
    f"Σ attributions = {100 * tig.attributions.sum():+.4f} points; f(ad) − f(baseline) = "
    f"{100 * (tig.f_x - tig.f_baseline):+.4f} points (64-node Gauss–Legendre, gap "
    f"{100 * tig.gap:.1e})."
)

lesson.what_to_notice([
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
])

lesson.formulas(
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

quiz("attribution", [
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
        ("A bug in the integration", "Attributions answer “compared with what?”",
         "The model was retrained"),
        answer=1,
        explanations=(
            "The completeness gap stays tiny for both baselines: the integration is fine.",
            "The path, and so the partial derivatives collected along it, start somewhere else.",
            "The model is the same; only the reference changed.",
        ),
    ),
    Question(
        "The button glows bright on the map. What can you tell the client?",
        ("Making the button bigger will raise clicks",
         "The model's prediction leans on the button; worth an A/B test",
         "The button causes the clicks"),
        answer=1,
        explanations=(
            "That is a causal claim; attributions describe the model, not the world.",
            "Right: it is a hypothesis about the model, to be tested with real users.",
            "Attribution is not causation: the model may have learned a correlation.",
        ),
    ),
])

"""The gradient-attribution lesson, section by section."""

from __future__ import annotations

import streamlit as st

from core import attribution as attr
from core.attribution import ctr_models
from figures import attribution as figs
from lessons.attribution import controls as ua
from lessons.attribution.text import FORMULAS, IDEA, NOTICE, QUESTIONS
from ui import lesson, state
from ui.quiz import quiz

#: Methods whose scores add up to a change in predicted CTR (the others are slopes).
SUMS_TO_POINTS = ("integrated_gradients", "smooth_ig", "gradient_x_input")
USES_PATH = ("integrated_gradients", "smooth_ig")


#: URL keys of the folded sections (``=true`` opens one).
MORE_TRUTH, MORE_TABLE = "at_more_truth", "at_more_table"


def render(presenter: bool) -> None:
    """The whole lesson: the map, completeness, methods against the truth, the tabular model."""
    state.accept_old_keys(ua.RENAMED)
    lesson.idea(IDEA)
    lesson.section("Which pixels drive the predicted CTR?")
    choice = controls()
    ex = state.last_good(
        "attribution_explain",
        lambda: ua.explain(choice["name"], choice["seed"], choice["method"], choice["baseline"],
                           choice["rule"], choice["steps"], choice["sigma"], choice["samples"],
                           choice["captum"]),
        errors=(ValueError, FileNotFoundError),
    )
    if ex is None:
        st.stop()
    metrics(ex, choice["method"])
    attribution_map(ex, choice)
    lesson.client_explanation(
        "The heat map answers one question: *if we morph a reference ad (the baseline) step by "
        "step into this ad, how much of the change in predicted CTR happens because of each "
        "pixel?* At every step we measure how sensitive the prediction is to each pixel (a "
        "partial derivative) and add these sensitivities up along the way. Two warnings. The "
        "answer depends on the reference ad: change the baseline and the map changes. And it "
        "explains what the **model** reacts to, not what makes people click: a bright spot is a "
        "hypothesis to test with an A/B test, not proof of cause and effect.",
        title="For the client: what this map does and does not say",
    )
    completeness(ex, choice)
    lesson.learner_only(lambda: captum_note(ex, choice))
    # Further sections are folded (they run only when opened), so the map paints first.
    lesson.later("Methods against the truth", MORE_TRUTH, lambda: against_truth(choice),
                 "how much of each method's map lands on what truly drives the CTR")
    lesson.later("The same idea on a table: one bar per feature", MORE_TABLE, tabular_section,
                 "Integrated Gradients on a five-feature CTR model",
                 [p.key for p in (*ua.TABULAR_FEATURE_CONTROLS, ua.TABULAR_BASELINE)])
    lesson.what_to_notice(NOTICE)
    lesson.formulas(*FORMULAS)
    quiz("attribution", QUESTIONS)


def controls() -> dict:
    """The creative, the method, the baseline and the path settings, read by name."""
    cols = st.columns([1.2, 1.2, 1.1, 1.3])
    name = state.widget(ua.CREATIVE, cols[0])
    choice = {
        "name": name,
        "seed": state.widget(ua.SEED, cols[0]) if name == ua.GENERATE else 7,
        "method": ua.METHOD_KEY[state.widget(ua.METHOD, cols[1])],
        "baseline": ua.BASELINE_KEY[state.widget(ua.BASELINE, cols[2])],
        "sign": ua.SIGN_KEY[state.widget(ua.SIGN, cols[3])],
        "truth": state.widget(ua.TRUTH, cols[3]),
    }
    with st.expander("Path and noise settings: integration rule, steps, SmoothGrad noise and "
                     "samples"):
        path_cols = st.columns(4)
        choice["rule"] = state.widget(ua.RULE, path_cols[0])
        choice["captum"] = state.widget(ua.CAPTUM, path_cols[0])
        choice["steps"] = state.widget(ua.STEPS, path_cols[1])
        choice["sigma"] = state.widget(ua.SIGMA, path_cols[2])
        choice["samples"] = state.widget(ua.SAMPLES, path_cols[3])
    return choice


def metrics(ex: ua.Explanation, method: str) -> None:
    """Predicted, true and baseline CTR, the sum of the scores and the completeness gap."""
    pred, base_pred = 100 * ex.ig.f_x, 100 * ex.ig.f_baseline
    total = 100 * float(ex.attributions.sum())
    cols = st.columns(5)
    cols[0].metric("Predicted CTR", f"{pred:.2f} %", help="The model's prediction for this ad.")
    cols[1].metric("True CTR", f"{100 * ex.true_ctr:.2f} %",
                   help="Known here because the ads are synthetic; never known for real ads.")
    cols[2].metric("Baseline CTR", f"{base_pred:.2f} %",
                   help="The model's prediction for the baseline.")
    cols[3].metric("Σ scores", f"{total:+.2f} pts" if method in SUMS_TO_POINTS else "—",
                   help="Sum of the shown method's scores over all pixels and colours, in CTR "
                   "points. Plain gradients (saliency, SmoothGrad) are slopes, not shares: no sum.")
    cols[4].metric("Gap", f"{abs(100 * ex.ig.gap):.0e}",
                   help="Completeness gap of Integrated Gradients, |Σ IG − (f(x) − f(baseline))|, "
                   "in CTR points: zero for exact integration."
                   + (" With Captum's trapezoid weights." if ex.ig.convention == "captum" else ""))


def attribution_map(ex: ua.Explanation, choice: dict) -> None:
    """The creative, the heat map and the overlay, with what the scores add up to."""
    method, baseline, sign = choice["method"], choice["baseline"], choice["sign"]
    heat = 100 * attr.pixel_map(ex.attributions, sign)
    uses_path = method in USES_PATH
    title = ua.METHOD_LABELS[method] + (
        f" · baseline: {ua.BASELINE_LABELS[baseline].lower()}" if uses_path
        else " · implicit black baseline" if method == "gradient_x_input"
        else " · local slope, no baseline")
    unit = "CTR points" if method in SUMS_TO_POINTS else "CTR points per unit of pixel"
    truth = ex.truth if choice["truth"] else None
    lesson.chart(figs.creative_panels(ex.image, heat, sign, truth, title, unit),
                 key="attribution_panels")
    pred, base_pred = 100 * ex.ig.f_x, 100 * ex.ig.f_baseline
    total = 100 * float(ex.attributions.sum())
    if uses_path:
        text = (
            f"Integrated Gradients: the predicted CTR moves from {base_pred:.2f} % (baseline) to "
            f"{pred:.2f} % (this ad), a change of {pred - base_pred:+.3f} points; the pixel "
            f"scores add up to {total:+.3f} points."
        )
    else:
        text = ("Saliency, SmoothGrad and gradient × input are *local*: they describe the slope "
                "at this ad and need not add up to any change in CTR.")
    if method == "smooth_ig" and choice["steps"] > ua.SMOOTH_IG_MAX_STEPS:
        text += (f" SmoothGrad + IG uses {ua.SMOOTH_IG_MAX_STEPS} path steps per noisy copy to "
                 "stay interactive.")
    # One caption whatever the method: a note that came and went would move every control below
    # it, and a moved URL-bound control can lose its place in the address bar.
    st.caption(text)


def completeness(ex: ua.Explanation, choice: dict) -> None:
    """The walk from the baseline to the ad, and how fast each rule closes the gap."""
    lesson.section("Completeness: do the scores add up?")
    rule, steps = choice["rule"], choice["steps"]
    lesson.chart(ua.path_motion(choice["name"], choice["seed"], choice["baseline"], rule, steps,
                                choice["captum"]), key="attribution_path")
    st.caption(
        "Press Play or drag the slider under the chart: the baseline turns into the ad. At each "
        "grey tick the gradient is measured and its share added to the running sum (vermillion), "
        "which climbs to the dashed line, the change in predicted CTR, by the end of the path."
    )
    gaps = ua.convergence(choice["name"], choice["seed"], choice["baseline"])
    captum = choice["captum"] and rule == "riemann_trapezoid"
    chosen = ua.CAPTUM_TRAPEZOID if captum else rule
    c1, c2 = st.columns([2, 1])
    with c1:
        lesson.chart(figs.convergence_figure(ua.STEPS_GRID,
                                             {m: 100 * g for m, g in gaps.items()}, chosen),
                     key="attribution_convergence")
    weights = " with Captum's weights" if captum else ""
    c2.markdown(
        f"With **{steps}** steps of **{rule}**{weights} the scores add up to the change in "
        "predicted CTR "
        f"within **{abs(100 * ex.ig.gap):.1e}** CTR points.\n\n"
        "Left and right Riemann sums close the gap like 1/steps, the midpoint and trapezoid "
        "rules like 1/steps², and Gauss–Legendre faster still. A large gap means too few steps, "
        "not a wrong model. Gaps below 10⁻¹² are rounding error and drawn at 10⁻¹²."
    )


def captum_note(ex: ua.Explanation, choice: dict) -> None:
    """Why the trapezoid rule here and Captum's give different numbers (hidden for clients)."""
    steps = choice["steps"]
    text = (
        "**Compared with Captum.** The five rules carry Captum's names, and four of them are the "
        "same here. The trapezoid rule is not: Captum's `riemann_trapezoid` evaluates the "
        "gradient at the same points but weights them with steps of 1/steps, halved at both "
        "ends, so its weights add up to (steps − 1)/steps instead of 1. Every Captum trapezoid "
        "sum is that factor short, and its gap falls only like 1/steps (the dotted *Trapezoid, "
        "Captum's weights* line). The textbook rule used here has weights 1/(steps − 1), halved "
        "at both ends, which add up to 1. Switch on *Captum's trapezoid weights* in the path "
        "settings to reproduce Captum's numbers."
    )
    if choice["rule"] == "riemann_trapezoid":
        ours, captum = (ex.other_gap, ex.ig.gap) if choice["captum"] else (ex.ig.gap, ex.other_gap)
        ratio = abs(captum) / max(abs(ours), 1e-300)
        text += (f" With {steps} steps on this ad: textbook gap {abs(100 * ours):.1e}, Captum's "
                 f"{abs(100 * captum):.1e} CTR points ({ratio:,.0f}× larger).")
    st.info(text)


def against_truth(choice: dict) -> None:
    """Each method's share of attribution on the regions that truly drive the CTR."""
    scores, random_share, area = ua.truth_scores(
        choice["name"], choice["seed"], choice["baseline"], choice["sign"], choice["rule"],
        choice["sigma"], choice["samples"])
    c1, c2 = st.columns([2, 1])
    with c1:
        lesson.chart(figs.truth_scores_figure(scores, random_share, area),
                     key="attribution_scores")
    ig_score = scores[ua.METHOD_LABELS["integrated_gradients"]]
    sal_score = scores[ua.METHOD_LABELS["saliency"]]
    c2.markdown(
        f"The true drivers (product, button, clutter) cover **{100 * area:.0f} %** of the "
        "pixels, so a map that knows nothing puts about that share of its mass on them (dashed "
        "line). The headline and the logo are decoys: the true CTR ignores them.\n\n"
        f"Here Integrated Gradients puts **{100 * ig_score:.0f} %** of its mass on the true "
        f"drivers, the plain gradient **{100 * sal_score:.0f} %**. Over many ads (both signs "
        "together), IG from the average creative scores about three times the random map, "
        "while plain gradients score *below* it: a gradient says where a change **would** "
        "matter (a new clutter spot in empty space would hurt), not what in **this** ad "
        "matters. From a black baseline, IG credits the off-white background, the biggest "
        f"change from black. (Sign as chosen above, {ua.SCORE_STEPS} path steps.)"
    )


@st.fragment
def tabular_section() -> None:
    """Integrated Gradients on a tabular CTR model: one bar per feature, adding up exactly."""
    st.markdown(
        "A second model predicts CTR from five ad features. Integrated Gradients splits the "
        "difference between this ad and a baseline ad into one share per feature, and the "
        "shares add up exactly: f(ad) − f(baseline) = Σ attributions."
    )
    tab_cols = st.columns(3)
    values = [state.widget(p, tab_cols[i % 3]) for i, p in enumerate(ua.TABULAR_FEATURE_CONTROLS)]
    base = ua.TABULAR_BASELINE_KEY[state.widget(ua.TABULAR_BASELINE, tab_cols[2])]
    tig = ua.tabular_ig(tuple(float(v) for v in values), base)
    labels = [f[1] for f in ctr_models.TABULAR_FEATURES]
    lesson.chart(figs.tabular_waterfall(labels, 100 * tig.attributions, 100 * tig.f_baseline,
                                        100 * tig.f_x), key="attribution_tabular")
    st.caption(
        f"Σ attributions = {100 * tig.attributions.sum():+.4f} points; f(ad) − f(baseline) = "
        f"{100 * (tig.f_x - tig.f_baseline):+.4f} points (64-node Gauss–Legendre, gap "
        f"{100 * tig.gap:.1e})."
    )

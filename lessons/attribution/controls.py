"""Streamlit glue of the attribution lesson: controls, cached models and cached computations."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from core import attribution as attr
from core.attribution import creatives, ctr_models
from figures.attribution_path import path_figure
from ui import state

GENERATE = "Generate (seed)"
CREATIVES = (*creatives.PRESETS, GENERATE)
METHOD_LABELS = {
    "integrated_gradients": "Integrated Gradients",
    "smoothgrad": "SmoothGrad",
    "smooth_ig": "SmoothGrad + Integrated Gradients",
    "saliency": "Saliency (plain gradient)",
    "gradient_x_input": "Gradient × input",
}
BASELINE_LABELS = {"black": "Black image", "blurred": "Blurred creative", "mean": "Average creative"}
SIGN_LABELS = {"positive": "Raises CTR", "negative": "Lowers CTR", "absolute": "Both (magnitude)"}
TABULAR_BASELINES = {"average": "Average ad", "plain": "Plain ad (no discount, tiny logo, …)"}
TABULAR_DEFAULTS = (9.0, 25.0, 0.8, 0.7, 12.0)
TABULAR_STEPS = (1.0, 5.0, 0.05, 0.05, 1.0)
TABULAR_FORMATS = ("%.0f", "%.0f", "%.2f", "%.2f", "%.0f")
SCORE_METHODS = ("saliency", "gradient_x_input", "integrated_gradients", "smoothgrad", "smooth_ig")
IMAGE_RANGE = (0.0, 1.0)
SMOOTH_IG_MAX_STEPS = 32  # SmoothGrad + IG costs samples × steps gradients: keep it interactive
STEPS_GRID = (2, 4, 8, 16, 32, 64)
SCORE_STEPS = 16

# Choices use their readable labels as options: a bound selectbox writes the *shown* text to the
# URL, so options and URL values must be the same strings for deep links to work.
METHOD_KEY = {label: key for key, label in METHOD_LABELS.items()}
BASELINE_KEY = {label: key for key, label in BASELINE_LABELS.items()}
SIGN_KEY = {label: key for key, label in SIGN_LABELS.items()}
TABULAR_BASELINE_KEY = {label: key for key, label in TABULAR_BASELINES.items()}

K = "at_"  # key prefix: this lesson's widget keys and URL parameters
CREATIVE = state.Choice(K + "creative", "Creative", CREATIVES, CREATIVES[0])
SEED = state.Slider(K + "seed", "Seed of the generated creative", 0, 999, 7, 1)
METHOD = state.Choice(K + "method", "Attribution method", tuple(METHOD_KEY),
                      METHOD_LABELS["integrated_gradients"])
BASELINE = state.Choice(K + "baseline", "Baseline (where the path starts)", tuple(BASELINE_KEY),
                        BASELINE_LABELS["mean"])
SIGN = state.Choice(K + "sign", "Show pixels that…", tuple(SIGN_KEY), SIGN_LABELS["positive"],
                    horizontal=True)
RULE = state.Choice(K + "rule", "Integration rule (Captum name)", attr.IG_METHODS,
                    "riemann_trapezoid")
STEPS = state.Slider(K + "steps", "Steps along the path", 2, 200, 50, 1)
CAPTUM = state.Toggle(
    K + "captum", "Captum's trapezoid weights", False,
    help="Captum's riemann_trapezoid uses the same points but weights that add up to "
    "(steps − 1)/steps instead of 1. Switch on to reproduce Captum's numbers; the other rules "
    "are the same either way.",
)
SIGMA = state.Slider(K + "sigma", "SmoothGrad noise σ (share of pixel range)", 0.0, 0.5, 0.15, 0.01)
SAMPLES = state.Slider(K + "samples", "SmoothGrad samples", 1, 100, 30, 1)
TRUTH = state.Toggle(K + "truth", "Outline true drivers", True,
                     help="Product, call-to-action button and clutter: the regions the true CTR "
                     "depends on.")
TABULAR_FEATURE_CONTROLS = tuple(
    state.Slider(K + key, f"{label} ({unit})", lo, hi, default, step, fmt)
    for (key, label, unit, lo, hi), default, step, fmt in zip(
        ctr_models.TABULAR_FEATURES, TABULAR_DEFAULTS, TABULAR_STEPS, TABULAR_FORMATS, strict=True)
)
TABULAR_BASELINE = state.Choice(K + "tbaseline", "Compare with", tuple(TABULAR_BASELINE_KEY),
                                TABULAR_BASELINES["average"])
#: Links shared before the keys had the lesson's prefix: old URL parameter → its control.
RENAMED = {
    param.key.removeprefix(K): param
    for param in (CREATIVE, SEED, METHOD, BASELINE, SIGN, RULE, STEPS, SIGMA, SAMPLES, TRUTH,
                  *TABULAR_FEATURE_CONTROLS, TABULAR_BASELINE)
}


@st.cache_resource(show_spinner=False)
def models() -> tuple[ctr_models.CtrModel, ctr_models.CtrModel, np.ndarray]:
    """The shipped creative and tabular models and the mean creative (loaded once per server)."""
    return ctr_models.load_shipped()


def _callables(model: ctr_models.CtrModel):
    return (lambda X: ctr_models.ctr(model, X)), (lambda X: ctr_models.ctr_gradient(model, X))


@dataclass(frozen=True)
class Explanation:
    """Everything the image part of the page shows for one creative and one set of settings."""

    image: np.ndarray
    truth: np.ndarray
    attributions: np.ndarray
    ig: attr.IGResult
    true_ctr: float
    other_gap: float  #: the gap with the other convention's weights (trapezoid rule only)


def pick_creative(name: str, seed: int) -> creatives.Creative:
    return creatives.random_creative(int(seed)) if name == GENERATE else creatives.PRESETS[name]


def convention(captum: bool) -> str:
    """The weights' convention for the Captum toggle."""
    return "captum" if captum else "textbook"


@st.cache_data(show_spinner=False, max_entries=64)
def explain(name: str, seed: int, method: str, baseline: str, rule: str, steps: int,
            sigma: float, samples: int, captum: bool = False) -> Explanation:
    c = pick_creative(name, seed)
    image, masks = creatives.render_with_masks(c)
    model, _, mean = models()
    f, grad_f = _callables(model)
    base = creatives.baseline_image(baseline, image, mean)
    weights = convention(captum)
    ig = attr.integrated_gradients(f, grad_f, image, base, steps, rule, weights)
    other = (attr.integrated_gradients(f, grad_f, image, base, steps, rule, convention(not captum))
             if rule == "riemann_trapezoid" else ig)
    path_steps = min(steps, SMOOTH_IG_MAX_STEPS) if method == "smooth_ig" else steps
    attributions = ig.attributions if method == "integrated_gradients" else attr.attribute(
        method, f, grad_f, image, base, rule, path_steps, sigma, samples, 0, IMAGE_RANGE,
        weights)
    truth = masks["product"] | masks["cta"] | masks["clutter"]
    return Explanation(image, truth, attributions, ig, creatives.true_ctr(c), other.gap)


#: The convergence chart's extra line: the trapezoid rule with Captum's weights.
CAPTUM_TRAPEZOID = "captum_trapezoid"


@st.cache_data(show_spinner=False, max_entries=64)
def convergence(name: str, seed: int, baseline: str) -> dict[str, np.ndarray]:
    """The completeness gap of every rule (textbook weights) and of Captum's trapezoid."""
    image = creatives.render(pick_creative(name, seed))
    model, _, mean = models()
    f, grad_f = _callables(model)
    base = creatives.baseline_image(baseline, image, mean)
    gaps = attr.completeness_gaps(f, grad_f, image, base, STEPS_GRID)
    captum = attr.completeness_gaps(f, grad_f, image, base, STEPS_GRID, ("riemann_trapezoid",),
                                    "captum")
    return {**gaps, CAPTUM_TRAPEZOID: captum["riemann_trapezoid"]}


@st.cache_resource(show_spinner=False, max_entries=32)
def path_motion(name: str, seed: int, baseline: str, rule: str, steps: int, captum: bool):
    """The walk from the baseline to the creative as a figure with frames (built once)."""
    image = creatives.render(pick_creative(name, seed))
    model, _, mean = models()
    f, grad_f = _callables(model)
    base = creatives.baseline_image(baseline, image, mean)
    walk = attr.path_walk(f, grad_f, image, base, steps, rule, convention(captum))
    title = f"From the {BASELINE_LABELS[baseline].lower()} to this ad, {steps} steps of {rule}"
    return path_figure(walk, title=title)


@st.cache_data(show_spinner=False, max_entries=64)
def truth_scores(name: str, seed: int, baseline: str, sign: str, rule: str, sigma: float,
                 samples: int) -> tuple[dict[str, float], float, float]:
    """Share of each method's mass inside the true regions (IG steps fixed at SCORE_STEPS)."""
    c = pick_creative(name, seed)
    image = creatives.render(c)
    mask = creatives.truth_mask(c)
    model, _, mean = models()
    f, grad_f = _callables(model)
    base = creatives.baseline_image(baseline, image, mean)
    scores = {
        METHOD_LABELS[m]: attr.mass_inside(attr.pixel_map(attr.attribute(
            m, f, grad_f, image, base, rule, SCORE_STEPS, sigma, samples, 0, IMAGE_RANGE), sign), mask)
        for m in SCORE_METHODS
    }
    random_share = attr.mass_inside(attr.random_map(mask.shape, seed=0), mask)
    return scores, random_share, float(mask.mean())


def tabular_baseline(kind: str) -> np.ndarray:
    lo = np.array([f[3] for f in ctr_models.TABULAR_FEATURES])
    hi = np.array([f[4] for f in ctr_models.TABULAR_FEATURES])
    if kind == "plain":
        return np.array([4.0, 0.0, 0.5, 0.2, 2.0])
    return (lo + hi) / 2


@st.cache_data(show_spinner=False, max_entries=128)
def tabular_ig(values: tuple[float, ...], baseline: str) -> attr.IGResult:
    _, model, _ = models()
    f, grad_f = _callables(model)
    return attr.integrated_gradients(f, grad_f, np.array(values), tabular_baseline(baseline),
                                     steps=64, method="gausslegendre")

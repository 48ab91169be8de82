"""The gradient-descent lesson's self-contained sections: clipping demo and gradient cost."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.descent import gradient_cosines, gradient_evaluation_counts
from figures.descent import Run, descent_figure
from figures.descent_charts import clip_cosine_figure, clip_norm_figure, gradient_cost_figure
from figures.theme import COLORS
from lessons.descent.controls import Config, K, lr_control, run_config, surface_from_id
from ui import lesson, state

CLIP_MODE = state.Choice(K + "clip", "Clipping", ("none", "norm", "value"), "norm",
                         {"none": "none", "norm": "by norm", "value": "by value"}, horizontal=True)
CLIP_AT = lr_control(K + "clip_at", "Threshold (max norm or max |component|)", 1.0)
CLIP_LR = lr_control(K + "clip_lr", "Learning rate", 0.1)
#: The clipping section's URL keys: a link that sets one opens the folded section.
CLIPPING_KEYS = (CLIP_MODE.key, CLIP_AT.key, CLIP_LR.key)
CLIFF_ID = ("cliff", 10.0, 30.0)
CLIP_STEPS = 150
N_VALUES = tuple(int(10**e) for e in range(0, 10))
FORWARD_PASS_SECONDS = 0.01


def _clip_runs(mode: str, threshold: float, lr: float) -> dict:
    surface = surface_from_id(CLIFF_ID)[0]
    sgd = Config(1, "sgd", lr)
    by_norm = run_config(CLIFF_ID, surface.start, sgd, CLIP_STEPS, (threshold, None))
    by_value = run_config(CLIFF_ID, surface.start, sgd, CLIP_STEPS,
                          (None, threshold))
    plain = run_config(CLIFF_ID, surface.start, sgd, CLIP_STEPS)
    chosen = {"none": plain, "norm": by_norm, "value": by_value}[mode]
    return {"plain": plain, "norm": by_norm, "value": by_value, "chosen": chosen}


def _jump_text(traj) -> str:
    step = traj.points[1:] - traj.points[:-1]
    if not len(step):
        return "no steps"
    i = int(np.argmax(np.linalg.norm(step, axis=1)))
    return f"{np.linalg.norm(step[i]):.3g} (step {i + 1})"


@st.cache_resource(max_entries=32, show_spinner=False)
def _clip_figures(mode: str, threshold: float, lr: float) -> tuple:
    """The three clipping charts for one setting (cached: figures are never mutated)."""
    runs = _clip_runs(mode, threshold, lr)
    surface, background = surface_from_id(CLIFF_ID)
    clipped_label = {"none": "no clipping", "norm": f"norm clipped at {threshold:g}",
                     "value": f"value clipped at {threshold:g}"}[mode]
    paths = [Run("no clipping", COLORS["grey"], runs["plain"])]
    if mode != "none":
        paths.append(Run(clipped_label, COLORS["blue"], runs["chosen"]))
    trajs = [("norm clipping", COLORS["blue"], runs["norm"]),
             ("value clipping", COLORS["vermillion"], runs["value"])]
    return (descent_figure(surface, background, paths, replay=False, clickable=False, height=520),
            clip_norm_figure(runs["chosen"], threshold, mode, height=300),
            clip_cosine_figure(trajs, height=330))


@st.cache_resource(max_entries=16, show_spinner=False)
def _cost_figure(n: int):
    return gradient_cost_figure(np.array(N_VALUES), n)


@st.fragment
def clipping_section() -> None:
    """Norm vs value clipping on the cliff; reruns alone when its controls move."""
    st.markdown(
        "On the **cliff** surface the slope in *y* grows exponentially. One unclipped step from "
        "the top throws the point far past the valley. Clipping caps the gradient *before* the "
        "update. Compare the grey unclipped path with the clipped one."
    )
    c1, c2, c3 = st.columns([2, 1, 1])
    mode = state.widget(CLIP_MODE, c1)
    threshold = state.widget(CLIP_AT, c2)
    lr = state.widget(CLIP_LR, c3)
    runs = _clip_runs(mode, threshold, lr)
    paths_fig, norms_fig, cosine_fig = _clip_figures(mode, threshold, lr)
    left, right = st.columns([1, 1])
    with left:
        lesson.chart(paths_fig, key="gd_clip_paths")
    with right:
        lesson.chart(norms_fig, key="gd_clip_norms")
        lesson.chart(cosine_fig, key="gd_clip_cosine")
    _clip_metrics(runs, mode)


def _clip_metrics(runs: dict, mode: str) -> None:
    cos_norm = gradient_cosines(runs["norm"].grads, runs["norm"].used_grads)
    cos_value = gradient_cosines(runs["value"].grads, runs["value"].used_grads)
    m1, m2, m3, m4 = st.columns(4)
    m1.metric("Largest step, unclipped", _jump_text(runs["plain"]))
    m2.metric("Largest step, clipped", _jump_text(runs["chosen"]) if mode != "none" else "—")
    m3.metric("Lowest cosine, norm clipping", f"{cos_norm.min():.6f}" if cos_norm.size else "—",
              help="Exactly 1: norm clipping never turns the gradient.")
    m4.metric("Lowest cosine, value clipping", f"{cos_value.min():.4f}" if cos_value.size
              else "—", help="Below 1 whenever only some components were clamped.")
    if runs["plain"].diverged_at:
        st.error(f"Without clipping the run diverged at step {runs['plain'].diverged_at}.")


N_PARAMS = state.Choice(K + "n_params", "Number of parameters n", tuple(str(n) for n in N_VALUES),
                        "1000000")


#: Links shared before the keys had the lesson's prefix: old URL parameter → its control.
RENAMED = {p.key.removeprefix(K): p for p in (CLIP_MODE, CLIP_AT, CLIP_LR, N_PARAMS)}


def _duration(seconds: float) -> str:
    for unit, size in (("years", 365 * 86400), ("days", 86400), ("hours", 3600),
                       ("minutes", 60), ("s", 1)):
        if seconds >= size:
            return f"{seconds / size:,.1f} {unit}"
    return f"{seconds * 1000:,.0f} ms"


@st.fragment
def gradient_cost_section() -> None:
    """Finite differences need n+1 or 2n loss evaluations; backpropagation about 3."""
    st.markdown(
        "Gradient descent needs **every** partial derivative at each step. Estimating them one "
        "at a time with finite differences costs one or two extra loss evaluations *per "
        "parameter*. Backpropagation gets all of them from one forward and one backward pass."
    )
    left, right = st.columns([1, 2])
    n = int(state.widget(N_PARAMS, left))
    counts = gradient_evaluation_counts(n)
    left.metric("Forward differences", f"{counts['forward']:,} passes",
                help="f(θ) once, plus f(θ + h·eᵢ) for each of the n parameters.")
    left.metric("Central differences", f"{counts['central']:,} passes")
    left.metric("Backpropagation", f"≈ {counts['backprop']} passes")
    left.caption(
        f"At {FORWARD_PASS_SECONDS * 1000:.0f} ms per forward pass, one gradient takes "
        f"{_duration(counts['forward'] * FORWARD_PASS_SECONDS)} by forward differences and "
        f"{_duration(counts['backprop'] * FORWARD_PASS_SECONDS)} by backpropagation."
    )
    with right:
        lesson.chart(_cost_figure(n), key="gd_cost")
    st.markdown("How the backward pass does it, node by node: "
                "[the backpropagation lesson](/Backpropagation).")

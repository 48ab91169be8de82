"""The learners' momentum section: the (step size, momentum) map, a run, the error per direction."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.descent import error_by_eigenvector, momentum_rate, optimize, quadratic_bowl
from figures.descent import Run, contour_background, descent_figure
from figures.momentum import (
    PhaseMap,
    build_phase_map,
    eigen_error_figure,
    phase_figure,
    steps_per_tenfold,
)
from figures.theme import COLORS
from lessons.descent.controls import GRID_POINTS, K
from lessons.descent.text import MOMENTUM_INTRO, MOMENTUM_READING
from ui import lesson, state

KAPPA = state.Slider(K + "mkappa", "Condition number κ of the bowl", 1.0, 100.0, 25.0, 1.0,
                     help="How much steeper the steepest direction is than the flattest.")
ALPHA = state.Slider(K + "malpha", "Step size α (learning rate)", 0.01, 4.0, 1.0, 0.01,
                     fmt="%.2f")
BETA = state.Slider(K + "mbeta", "Momentum β", 0.0, 0.99, 0.9, 0.01, fmt="%.2f")
STEPS = 150
ALPHA_MAX = 4.0  # twice the largest stable step without momentum, 2 (1 + beta) for beta -> 1
ANGLE = 30.0
CHART_KEY = "gd_phase"
#: The section's URL keys: a link that sets one opens the folded section.
MOMENTUM_KEYS = (KAPPA.key, ALPHA.key, BETA.key)


@st.cache_resource(max_entries=16, show_spinner=False)
def phase_map(kappa: float) -> PhaseMap:
    """The map for a bowl with curvatures 1/κ and 1 (cached per κ)."""
    return build_phase_map(1.0 / kappa, 1.0, ALPHA_MAX)


@st.cache_resource(max_entries=16, show_spinner=False)
def momentum_bowl(kappa: float):
    """The bowl with curvatures 1/κ and 1, and its contour picture (cached per κ)."""
    surface = quadratic_bowl(kappa, ANGLE, lambda_min=1.0 / kappa)
    return surface, contour_background(surface, surface.grid(GRID_POINTS))


@st.cache_data(max_entries=64, show_spinner=False)
def momentum_run(kappa: float, alpha: float, beta: float):
    """Heavy-ball momentum on the bowl from its usual start (cached per setting)."""
    surface = momentum_bowl(kappa)[0]
    return optimize(surface.grad, surface.start, "momentum", alpha, STEPS, loss=surface.loss,
                    momentum=beta)


def fastest_on_sliders(kappa: float, plain: bool = False) -> tuple[float, float]:
    """The fastest (α, β) the sliders can hold, on their 0.01 grid (β = 0 if ``plain``).

    Rounding the exact optimum to the grid can cost a lot: the rate has a sharp valley
    there (κ = 25: α* 2.778, β* 0.444 rounds to 2.78, 0.44, × 0.764 per step instead of
    0.667), while the best grid pair, 2.71, 0.45, is × 0.671.
    """
    alphas = np.round(np.arange(ALPHA.min_value, ALPHA.max_value + 1e-9, ALPHA.step), 2)
    betas = (np.zeros(1) if plain else
             np.round(np.arange(BETA.min_value, BETA.max_value + 1e-9, BETA.step), 2))
    rates = momentum_rate(alphas[None, :], betas[:, None], (1.0 / kappa, 1.0))
    j, i = np.unravel_index(np.argmin(rates), rates.shape)
    return float(alphas[i]), float(betas[j])


def pick_from_map() -> None:
    """``on_select`` of the map: the clicked (α, β) becomes the setting.

    A click on the ★ or the ◆ picks the fastest setting the sliders can hold
    (:func:`fastest_on_sliders`); anywhere else, the clicked pair rounded to the sliders.
    """
    points = (st.session_state.get(CHART_KEY) or {}).get("selection", {}).get("points", [])
    if not points:
        return
    alpha, beta = float(points[0]["x"]), float(points[0]["y"])
    kappa = float(st.session_state.get(KAPPA.key, KAPPA.default))
    phase = phase_map(kappa)
    for marker, plain in ((phase.best, False), (phase.best_plain, True)):
        if abs(alpha - marker[0]) < 1e-4 and abs(beta - marker[1]) < 1e-4:
            alpha, beta = fastest_on_sliders(kappa, plain)
    st.session_state[ALPHA.key] = float(np.clip(round(alpha, 2), ALPHA.min_value,
                                                ALPHA.max_value))
    st.session_state[BETA.key] = float(np.clip(round(beta, 2), BETA.min_value, BETA.max_value))


@st.fragment
def momentum_section() -> None:
    """Distill's momentum analysis, live: the map, the run it predicts, and why it is slow."""
    st.markdown(MOMENTUM_INTRO)
    c1, c2, c3 = st.columns(3)
    kappa = float(state.widget(KAPPA, c1))
    alpha = float(state.widget(ALPHA, c2))
    beta = float(state.widget(BETA, c3))
    phase = phase_map(kappa)
    rate = float(momentum_rate(alpha, beta, (1.0 / kappa, 1.0)))
    left, right = st.columns([1.15, 1])
    with left:
        lesson.chart(phase_figure(phase, (alpha, beta, rate)), key=CHART_KEY,
                     selection_mode="points", on_select=pick_from_map)
    surface, background = momentum_bowl(kappa)
    traj = momentum_run(kappa, alpha, beta)
    with right:
        label = f"momentum: α {alpha:.2f}, β {beta:.2f}"
        lesson.chart(descent_figure(surface, background, [Run(label, COLORS["blue"], traj)],
                                    replay=False, clickable=False, legend=False, height=430),
                     key="gd_mom_path")
    _verdict(phase, rate, traj)
    _error_split(surface, traj, alpha, beta, kappa)
    st.caption(MOMENTUM_READING)


def _verdict(phase: PhaseMap, rate: float, traj) -> None:
    steps = float(steps_per_tenfold(rate))
    best_steps = float(steps_per_tenfold(phase.best[2]))
    plain_steps = float(steps_per_tenfold(phase.best_plain[2]))
    if traj.diverged_at:
        st.error(f"This setting diverges (step {traj.diverged_at}): it is past the red "
                 "stability limit on the map.")
        return
    speed = "never settles" if not np.isfinite(steps) else f"needs **{steps:.0f} steps**"
    st.markdown(
        f"Your setting shrinks the error × {rate:.3f} per step: it {speed} to cut the error "
        f"tenfold. The fastest setting (★, α {phase.best[0]:.2f}, β {phase.best[1]:.2f}; click it "
        f"to run it) needs "
        f"{best_steps:.1f}; the fastest without momentum (◆) needs {plain_steps:.0f}."
    )


def _error_split(surface, traj, alpha: float, beta: float, kappa: float) -> None:
    lam, comps = error_by_eigenvector(traj.points, surface.hess(np.zeros(2)), surface.minima[0])
    parts = 0.5 * lam * comps**2
    rates = [float(momentum_rate(alpha, beta, [v])) for v in lam]
    labels = [f"flat direction (curvature {lam[0]:.3g})",
              f"steep direction (curvature {lam[1]:.3g})"]
    lesson.chart(eigen_error_figure(parts, labels, rates), key="gd_milestones")
    if abs(rates[0] - rates[1]) < 1e-3:
        verdict = (f"here both shrink at the same pace, × {rates[0]:.3f} per step: with this "
                   "much momentum both directions ripple, at the pace √β")
    else:
        slow = "flat" if rates[0] > rates[1] else "steep"
        verdict = (f"here the **{slow}** direction is the slower one, and it alone decides how "
                   "long the whole run takes")
    st.caption(f"The loss of the run above, split along the bowl's two axes (κ = {kappa:g}). "
               f"Each part shrinks at its own pace; {verdict}.")

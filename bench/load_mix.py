"""What a simulated learner does on each lesson: the one table of the load test's interactions.

Each lesson lists the controls a learner in a class touches, with realistic values: ``nudge``
moves a slider (or a select slider) by one to ``nudge`` steps from where it stands, as a
learner dragging or pressing arrow keys does; ``pick`` chooses one of the given values (an
option's label, a number, a boolean), or any option of the widget when it is empty.
``weight`` says how often, relative to the lesson's other controls. A control is found by its
URL key, else by a key that starts with it, else by its label (see
:meth:`bench.learner.Tab.matching`), so the table survives a renamed key; a control that is not
on the page at the moment (it appears under another choice) is skipped for that turn.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from bench.learner import Tab, Widget


@dataclass(frozen=True)
class Control:
    """One control of a lesson as a learner uses it."""

    key: str
    label: str = ""
    nudge: int = 0
    pick: tuple[Any, ...] = ()
    weight: int = 1
    shown_by: str = ""  # a query string under which the page shows it, when not by default


CHECK, PLAY = "bp_more_check=true", "bp_more_playground=true"  # the folded backprop sections


METHODS = ("SGD", "Momentum", "Nesterov", "Adagrad", "RMSprop", "Adam")
CHANNELS = ("Television", "Digital video", "Display", "Paid search")

# URL path of the page ("" is the home page) -> the controls a learner touches there.
LESSONS: dict[str, tuple[Control, ...]] = {
    "": (
        Control("home_tv", "TV spend per quarter ($K)", nudge=4, weight=3),
    ),
    "Partial_derivatives": (
        Control("pd_x0", "x₀", nudge=6, weight=3),
        Control("pd_y0", "y₀", nudge=6, weight=3),
        Control("pd_fn", "Function", pick=("Paraboloid", "Saddle", "Ripple", "Gaussian bump")),
        # The explorations are tabs bound to pd_view: a learner who opened one touches its control.
        Control("pd_planes", "Slice planes", pick=(True, False),
                shown_by="pd_view=The+surface+in+3-D"),
        Control("pd_tplane", "Tangent plane", pick=(True, False),
                shown_by="pd_view=The+surface+in+3-D"),
        Control("pd_h", "Secant width h", nudge=5, weight=2, shown_by="pd_view=Secant+to+tangent"),
        Control("pd_theta", "Direction angle θ of u (degrees)", nudge=6, weight=2,
                shown_by="pd_view=Direction+and+gradient"),
        Control("pd_err", "Error explorer for the partial derivative with respect to",
                shown_by="pd_view=Exact+vs+finite+differences"),
        Control("pd_tv", "TV spend per week ($ thousands)", nudge=10, weight=2),
        Control("pd_digital", "Digital spend per week ($ thousands)", nudge=10),
        Control("pd_season", "Seasonality index (1 = average week)", nudge=2),
        Control("quiz_"),
    ),
    "Gradient_descent": (
        Control("gd_lr1", nudge=2, weight=3),
        Control("gd_lr2", nudge=2),
        Control("gd_m2", pick=METHODS),
        Control("gd_steps", "Number of steps", pick=(50, 100, 200, 500)),
        Control("gd_surface", "Loss surface", pick=(
            "Quadratic bowl (adjustable)", "Rosenbrock valley", "Himmelblau (four minima)",
            "Saddle point", "Six-hump camel")),
        Control("gd_kappa", "Condition number κ", nudge=10),
        Control("gd_angle", "Rotation of the bowl (degrees)", nudge=3),
        Control("gd_x0", "Start x₀", nudge=10, weight=2),
        # The sections below the explorer are folded: a learner who opened one touches it.
        Control("gd_clip", "Clipping", pick=("none", "by norm", "by value"),
                shown_by="gd_more_clipping=true"),
        Control("gd_clip_lr", "Learning rate", nudge=2, shown_by="gd_more_clipping=true"),
        Control("gd_n_params", "Number of parameters n", pick=("10", "1000", "100000", "10000000"),
                shown_by="gd_more_cost=true"),
        Control("quiz_"),
    ),
    # Sections B and C are folded: a learner who opened one touches its controls.
    "Backpropagation": (
        Control("bp_step", "Backward step", nudge=3, weight=3),
        Control("bp_x1", "x₁ (input)", nudge=4),
        Control("bp_w11", "w₁₁", nudge=4, weight=2),
        Control("bp_h", "log₁₀ of the step h", nudge=2, shown_by=CHECK),
        Control("bp_fd", "Difference", pick=("central", "forward"), shown_by=CHECK),
        Control("bp_data", "Dataset", pick=("circles", "xor", "moons", "spiral", "blobs"), shown_by=PLAY),
        Control("bp_layers", "Hidden layers", pick=(1, 2, 3), shown_by=PLAY),
        Control("bp_neurons", "Neurons per layer", nudge=2, shown_by=PLAY),
        Control("bp_act", "Activation", pick=("tanh", "relu", "sigmoid"), shown_by=PLAY),
        Control("bp_lr", "Learning rate", nudge=1, shown_by=PLAY),
        Control("bp_epochs", "Epochs", pick=(100, 200, 300, 500), shown_by=PLAY),
        # The playground now trains live (a fragment); learners change what it trains on.
        Control("bp_noise", "Noise", nudge=5, weight=2, shown_by=PLAY),
        Control("bp_l1", "L1 penalty", nudge=2, shown_by=PLAY),
        Control("bp_seed", "Random seed", nudge=1, shown_by=PLAY),
        Control("quiz_"),
    ),
    "Media_mix": (
        Control("mm_moved", "Move at most this quarter ($K)", nudge=4, weight=2),
        Control("mm_step", "Move budget in steps of ($K)", pick=(50, 100, 200)),
        Control("mm_scenario", "Scenario", pick=("Fixed budget", "Target return")),
        Control("mm_target", "Target marginal return (conversions per $)", nudge=4,
                shown_by="mm_scenario=Target+return"),
        Control("mm_from", "Move budget from", pick=CHANNELS),
        Control("mm_to", "to", pick=CHANNELS),
        Control("mm_amount", "Dollars moved ($K)", nudge=5, weight=2),
        Control("quiz_"),
    ),
    "Your_media_data": (
        Control("md_window", "Recent weeks averaged for the curves", nudge=3, weight=2),
        Control("md_carryover", "Carry-over (adstock)", pick=(True, False)),
        Control("md_trend", "Linear trend in the base", pick=(True, False)),
        # Roles are edited in a table (a data editor, not a URL-bound widget): learners watch
        # the carry-over of another channel instead.
        Control("md_motion", "Channel to watch"),
        Control("quiz_"),
    ),
    "Attribution": (
        Control("at_method", "Attribution method", pick=(
            "Integrated Gradients", "SmoothGrad", "Saliency (plain gradient)", "Gradient × input"),
            weight=2),
        Control("at_baseline", "Baseline (where the path starts)", pick=(
            "Black image", "Blurred creative", "Average creative")),
        Control("at_sign", "Show pixels that…", pick=("Raises CTR", "Lowers CTR", "Both (magnitude)"),
                weight=2),
        Control("at_creative", "Creative", pick=(
            "Strong call to action", "Washed-out button", "Tiny product", "Cluttered")),
        Control("at_truth", "Outline true drivers", pick=(True, False)),
        Control("at_steps", "Steps along the path", nudge=10),
        # The tabular model's section is folded: a learner who opened it touches its controls.
        Control("at_discount_pct", "Discount (%)", nudge=2, shown_by="at_more_table=true"),
        Control("at_brightness", "Image brightness (0–1)", nudge=2, shown_by="at_more_table=true"),
        Control("quiz_"),
    ),
}


def next_value(control: Control, widget: Widget, current: Any, rng: np.random.Generator) -> Any:
    """A realistic new value for ``widget``: a nudge from ``current``, or another pick."""
    if control.nudge:
        return _nudged(widget, current, int(rng.integers(1, control.nudge + 1)), rng)
    offered = [_as_widget_value(widget, v) for v in control.pick] or list(widget.options)
    fresh = [v for v in offered if v != current] or offered
    return fresh[int(rng.integers(len(fresh)))]


def _as_widget_value(widget: Widget, value: Any) -> Any:
    return list(value) if widget.kind == "multiselect" else value


def _nudged(widget: Widget, current: Any, steps: int, rng: np.random.Generator) -> Any:
    sign = 1 if rng.random() < 0.5 else -1
    if widget.options:  # a select slider: move along its options
        index = widget.options.index(str(current))
        last = len(widget.options) - 1
        target = index + sign * steps
        target = target if 0 <= target <= last else index - sign * steps
        return widget.options[min(max(target, 0), last)]
    lo, hi, step = widget.proto.min, widget.proto.max, widget.proto.step
    target = current + sign * steps * step
    target = target if lo <= target <= hi else current - sign * steps * step
    target = min(max(target, lo), hi)
    return round(lo + round((target - lo) / step) * step, 10)


def choose(tab: Tab, controls: tuple[Control, ...], rng: np.random.Generator
           ) -> tuple[Control, Widget] | None:
    """A control on the page now, drawn by weight, and its widget; None if none is there."""
    present = [(c, tab.matching(c.key, c.label)) for c in controls]
    present = [(c, found) for c, found in present if found]
    if not present:
        return None
    weights = np.array([c.weight for c, _ in present], dtype=float)
    control, found = present[int(rng.choice(len(present), p=weights / weights.sum()))]
    return control, found[int(rng.integers(len(found)))]


def missing(tab: Tab, controls: tuple[Control, ...]) -> list[str]:
    """The keys of the controls in ``controls`` that the tab's page does not show."""
    return [c.key for c in controls if not tab.matching(c.key, c.label)]

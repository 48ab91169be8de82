"""Streamlit glue for the gradient-descent lesson: URL-bound controls, presets and caching."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import streamlit as st

from core.descent import (
    METHOD_LABELS,
    METHODS,
    SURFACE_KEYS,
    Surface,
    Trajectory,
    custom_surface,
    lr_limits,
    make_surface,
    optimize,
)
from core.formula import parse
from figures.descent import contour_background
from figures.theme import SEQUENCE
from ui import state

LR_VALUES: tuple[float, ...] = tuple(
    round(m * 10.0**d, 12) for d in range(-4, 1) for m in (1, 1.5, 2, 3, 5, 7)
) + (10.0,)
SURFACE_LABELS = {
    "bowl": "Quadratic bowl (adjustable)",
    "rosenbrock": "Rosenbrock valley",
    "himmelblau": "Himmelblau (four minima)",
    "saddle": "Saddle point",
    "camel": "Six-hump camel",
    "beale": "Beale (steep corners)",
    "cliff": "Cliff (exploding gradient)",
    "custom": "Your own formula",
}
# Learning rates that show each method's typical behaviour on each surface (not tuned optima).
PRESET_LR: dict[str, dict[str, float]] = {
    "bowl": dict(sgd=0.15, momentum=0.03, nesterov=0.05, adagrad=1.0, rmsprop=0.1, adam=0.3),
    "rosenbrock": dict(sgd=0.0015, momentum=0.0015, nesterov=0.001, adagrad=0.5, rmsprop=0.01,
                       adam=0.1),
    "himmelblau": dict(sgd=0.01, momentum=0.005, nesterov=0.005, adagrad=0.5, rmsprop=0.05,
                       adam=0.2),
    "saddle": dict(sgd=0.05, momentum=0.02, nesterov=0.02, adagrad=0.3, rmsprop=0.02, adam=0.05),
    "camel": dict(sgd=0.02, momentum=0.01, nesterov=0.01, adagrad=0.2, rmsprop=0.01, adam=0.05),
    "beale": dict(sgd=0.01, momentum=0.003, nesterov=0.003, adagrad=0.5, rmsprop=0.01, adam=0.1),
    "cliff": dict(sgd=0.1, momentum=0.05, nesterov=0.05, adagrad=0.5, rmsprop=0.05, adam=0.1),
    "custom": dict(sgd=0.05, momentum=0.02, nesterov=0.02, adagrad=0.3, rmsprop=0.02, adam=0.05),
}
PRESET_STEPS = {"rosenbrock": 500, "beale": 500, "bowl": 100}
SLOT_METHODS = ("sgd", "momentum", "adam")
SLOT_COLOR_NAMES = ("blue", "orange", "green")  # Streamlit markdown colours nearest SEQUENCE
K = "gd_"  # key prefix: this lesson's widget keys and URL parameters
GRID_POINTS = 301  # the contour picture's pixels: sharp level lines, a 15-40 KB PNG
DEFAULT_FORMULA = "(x^2 + y - 11)^2/10 + (x + y^2 - 7)^2/10"


def lr_control(key: str, label: str, default: float) -> state.Ladder:
    """A learning-rate control on a log scale: a ladder over :data:`LR_VALUES`."""
    return state.Ladder(key, label, LR_VALUES, default)


@dataclass(frozen=True)
class Config:
    """One optimizer slot's settings (hashable, so it can key a cache)."""

    slot: int
    method: str
    lr: float
    momentum: float = 0.9
    beta1: float = 0.9
    beta2: float = 0.999
    alpha: float = 0.99

    @property
    def label(self) -> str:
        return f"{self.slot}: {METHOD_LABELS[self.method]}, lr {state.Ladder.text(self.lr)}"

    @property
    def color(self) -> str:
        return SEQUENCE[self.slot - 1]


def apply_surface_preset() -> None:
    """On a surface change: set each slot's learning rate and the steps to suit the surface."""
    surface = st.session_state.get(SURFACE.key, "bowl")
    for slot in (1, 2, 3):
        method = st.session_state.get(f"{K}m{slot}", SLOT_METHODS[slot - 1])
        st.session_state[f"{K}lr{slot}"] = PRESET_LR[surface][method]
    st.session_state[STEPS.key] = PRESET_STEPS.get(surface, 200)


def apply_method_preset(slot: int) -> None:
    """On a method change: give that slot the method's suggested learning rate."""
    surface = st.session_state.get(SURFACE.key, "bowl")
    method = st.session_state.get(f"{K}m{slot}", "sgd")
    st.session_state[f"{K}lr{slot}"] = PRESET_LR[surface][method]


SURFACE = state.Choice(K + "surface", "Loss surface", (*SURFACE_KEYS, "custom"), "bowl",
                       SURFACE_LABELS, on_change=apply_surface_preset)
CONDITION = state.Slider(K + "kappa", "Condition number κ", 1.0, 100.0, 10.0, 1.0,
                         help="κ = λmax/λmin: how much steeper the steepest direction is than the flattest.")
ANGLE = state.Slider(K + "angle", "Rotation of the bowl (degrees)", -90, 90, 30, 5)
STEPS = state.Slider(K + "steps", "Number of steps", 10, 1000, 100, 10)
FORMULA = state.Text(K + "f", "Your formula f(x, y)", DEFAULT_FORMULA, help=(
    "Use x and y, + - * / ^, and functions such as sin, cos, exp, log, sqrt, abs, tanh. "
    "Example: x^2 + 3*y^2 + sin(3*x)"))


def start_params(surface: Surface) -> tuple[state.Slider, state.Slider]:
    """Start-point sliders; one pair per surface so each keeps its own window and default."""
    params = []
    for axis, rng, default in (("x", surface.x_range, surface.start[0]),
                               ("y", surface.y_range, surface.start[1])):
        step = round((rng[1] - rng[0]) / 200, 6)
        params.append(state.Slider(f"{K}{axis}0_{surface.key}", f"Start {axis}₀", float(rng[0]),
                                   float(rng[1]), float(round(default, 6)), step))
    return tuple(params)


def start_sliders(surface: Surface, columns: list) -> tuple[float, float]:
    """The start point of every run, read from its two sliders."""
    return tuple(float(state.widget(p, col))
                 for p, col in zip(start_params(surface), columns, strict=True))


def on_slider_grid(param: state.Slider, value: float) -> float:
    """``value`` moved to the nearest position the slider can take (its step grid, its range)."""
    steps = round((value - param.min_value) / param.step)
    snapped = param.min_value + steps * param.step
    return float(round(min(max(snapped, param.min_value), param.max_value), 6))


def set_start_from_click(surface: Surface, chart_key: str) -> None:
    """``on_select`` callback of the contour: the clicked point becomes the start."""
    points = (st.session_state.get(chart_key) or {}).get("selection", {}).get("points", [])
    if points:
        sx, sy = start_params(surface)
        st.session_state[sx.key] = on_slider_grid(sx, float(points[0]["x"]))
        st.session_state[sy.key] = on_slider_grid(sy, float(points[0]["y"]))


@st.cache_resource(max_entries=32, show_spinner=False)
def built_in_surface(key: str, condition: float, angle: float) -> tuple[Surface, dict]:
    """A built-in surface and its contour picture (cached: same inputs, same objects)."""
    surface = make_surface(key, condition=condition, angle=angle)
    return surface, contour_background(surface, surface.grid(GRID_POINTS))


@st.cache_resource(max_entries=16, show_spinner=False)
def formula_surface(text: str) -> tuple[Surface, dict]:
    """Parse a learner's formula and build its surface (raises ValueError with a message)."""
    surface = custom_surface(parse(text, ("x", "y")))
    grid = surface.grid(GRID_POINTS)
    if not np.isfinite(grid[2]).any():
        raise ValueError("The formula is undefined everywhere in the window −3 ≤ x, y ≤ 3.")
    return surface, contour_background(surface, grid)


@st.cache_data(max_entries=256, show_spinner=False)
def run_config(surface_id: tuple, start: tuple, config: Config, steps: int,
               clip: tuple = (None, None)) -> Trajectory:
    """Run one optimizer on a surface identified by ``surface_id`` (cached per input)."""
    surface = surface_from_id(surface_id)[0]
    return optimize(
        surface.grad, start, config.method, config.lr, steps, loss=surface.loss,
        momentum=config.momentum, betas=(config.beta1, config.beta2), alpha=config.alpha,
        clip_norm=clip[0], clip_value=clip[1],
    )


def surface_from_id(surface_id: tuple) -> tuple[Surface, dict]:
    """``("custom", text)`` or ``(key, condition, angle)`` to a cached surface and picture."""
    if surface_id[0] == "custom":
        return formula_surface(surface_id[1])
    return built_in_surface(*surface_id)


def stability_note(surface: Surface, method: str, lr: float, momentum: float) -> tuple[str, bool]:
    """Caption beside an lr control: the limit from the Hessian, and whether lr exceeds it."""
    if not surface.minima:
        return "", False
    limits = lr_limits(surface.hess(np.array(surface.minima[0])))
    limit = limits.limit_for(method, momentum)
    if limit is None:
        return "", False
    where = "" if surface.quadratic else " near the minimum"
    text = f"Stable{where} for lr < **{limit:.3g}** (from λmax = {limits.eigenvalues[-1]:.4g})"
    if method == "sgd" and limits.lr_best is not None:
        text += (f"; best fixed lr {limits.lr_best:.3g} shrinks the error × "
                 f"{limits.best_factor:.3g} per step, this lr × {limits.factor(lr):.3g}")
    return text, lr >= limit * (1 - 1e-9)


def slot_params(slot: int) -> dict[str, state.Param]:
    """The controls of optimizer ``slot``: on/off, method, learning rate and the extras."""
    return {
        "on": state.Toggle(f"{K}on{slot}", "Show", True),
        "method": state.Choice(f"{K}m{slot}", "Method", tuple(METHODS), SLOT_METHODS[slot - 1],
                               METHOD_LABELS, on_change=apply_method_preset, args=(slot,)),
        "lr": lr_control(f"{K}lr{slot}", "Learning rate (log scale)",
                         PRESET_LR["bowl"][SLOT_METHODS[slot - 1]]),
        "momentum": state.Slider(f"{K}mom{slot}", "Momentum m", 0.0, 0.99, 0.9, 0.01),
        "beta1": state.Slider(f"{K}b1_{slot}", "β₁", 0.0, 0.99, 0.9, 0.01),
        "beta2": state.Slider(f"{K}b2_{slot}", "β₂", 0.9, 0.9999, 0.999, 0.0001, fmt="%.4f"),
        "alpha": state.Slider(f"{K}alpha{slot}", "α (smoothing)", 0.5, 0.999, 0.99, 0.001,
                              fmt="%.3f"),
    }


#: The hyperparameters that matter for each method.
EXTRAS = {"momentum": ("momentum",), "nesterov": ("momentum",), "adam": ("beta1", "beta2"),
          "rmsprop": ("alpha",)}


def slot_controls(slot: int, surface: Surface, where: Any) -> Config | None:
    """One optimizer's controls in a column: on/off, method, learning rate, its extras."""
    where.markdown(f":{SLOT_COLOR_NAMES[slot - 1]}[**━━ Optimizer {slot}**]")
    params = slot_params(slot)
    if slot > 1 and not state.widget(params["on"], where):
        return None
    method = state.widget(params["method"], where)
    lr = state.widget(params["lr"], where)
    extras = {name: state.widget(params[name], where) for name in EXTRAS.get(method, ())}
    note, beyond = stability_note(surface, method, lr, extras.get("momentum", 0.9))
    if note:
        where.caption(note)
    if beyond and surface.quadratic:
        where.warning("This learning rate is beyond the stability limit: expect divergence.")
    elif beyond:
        where.warning("This learning rate is beyond the stability limit near the minimum: the "
                      "run cannot settle there (it oscillates away or diverges).")
    return Config(slot, method, lr, **extras)


def surface_controls(where_surface: Any, where_params: Any) -> tuple:
    """Surface picker plus its parameters; returns the hashable surface id."""
    key = state.widget(SURFACE, where_surface)
    if key == "bowl":
        c1, c2 = where_params.columns(2)
        return ("bowl", float(state.widget(CONDITION, c1)), float(state.widget(ANGLE, c2)))
    if key == "custom":
        return ("custom", state.widget(FORMULA, where_params))
    return (key, 10.0, 30.0)


def renamed_keys() -> dict[str, state.Param]:
    """Links shared before the keys had the lesson's prefix: old URL parameter → its control."""
    params: list[state.Param] = [SURFACE, CONDITION, ANGLE, STEPS, FORMULA]
    for slot in (1, 2, 3):
        params += slot_params(slot).values()
    for key in SURFACE_KEYS:
        params += start_params(make_surface(key))
    return {p.key.removeprefix(K): p for p in params}


def summary_rows(runs: list, min_value: float | None) -> list[dict]:
    """One row per run for the results table: where it ended and how far from the minimum."""
    rows = []
    for run in runs:
        traj = run.trajectory
        end = traj.points[-1]
        row = {"optimizer": run.label, "steps done": traj.steps_done,
               "end point": f"({end[0]:.3f}, {end[1]:.3f})",
               "final loss": f"{traj.losses[-1]:.4g}"}
        if min_value is not None:
            row["loss − minimum"] = f"{max(traj.losses[-1] - min_value, 0.0):.3g}"
        row["status"] = (f"diverged at step {traj.diverged_at}" if traj.diverged_at
                         else "finished")
        rows.append(row)
    return rows

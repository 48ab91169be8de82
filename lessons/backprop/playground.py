"""Section C of the backpropagation lesson: the playground, trained live in the browser session."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.nn import (
    FEATURE_LABELS,
    bayes_accuracy_xor,
    plane_extent,
    plane_view,
    task_of,
    weight_mask,
)
from figures.backprop import grad_norm_figure, loss_figure
from figures.backprop_network import NODE_TRACE, network_figure
from figures.backprop_playground import boundary_figure
from lessons.backprop import controls as bp
from lessons.backprop import live as lv
from lessons.backprop.cached import network_check
from lessons.backprop.text import PLAYGROUND_PLAIN
from ui import lesson, state
from ui.page import is_presenter

LOSS_NAMES = {"bce": "cross-entropy", "mse": "squared error", "ce": "softmax cross-entropy"}
SELECTED = "bp_selected_unit"  # session state: the node shown large (not a URL parameter)
NETWORK = "bp_network_figure"  # session state: the network chart last drawn, and what for
NETWORK_EVERY = 4  # while playing, redraw the network's pictures every 4th update (~1 a second)


@st.fragment(key=lv.PLAYGROUND_KEY)
def playground() -> None:
    """Section C: settings, one-click scenarios, and the run that trains while you watch."""
    buttons = st.columns(len(bp.SCENARIOS))
    for col, name in zip(buttons, bp.SCENARIOS, strict=True):
        col.button(name, on_click=scenario, args=(name,), width="stretch")
    values = settings()
    config = tuple(sorted(bp.playground_config(values).items()))
    live = lv.current(config)
    show = {"show_test": values[bp.K + "test"], "discretize": values[bp.K + "discrete"]}
    if live.playing:
        st.fragment(run_every=lv.TICK_S)(live_view)(show)
    else:
        live_view(show)
    lesson.client_explanation(PLAYGROUND_PLAIN)


def scenario(name: str) -> None:
    """Button callback: a scenario's settings, a fresh run, and Play."""
    bp.apply_scenario(name)
    live = st.session_state.get(lv.STATE)
    if live is not None:
        live.playing = True
        live.config = ()  # the next run starts afresh even if the settings did not change


def settings() -> dict:
    """The controls, grouped like TensorFlow Playground's panels; returns values by key."""
    values: dict = {}
    with st.container(border=True):
        data, features, network = st.columns([1.1, 1.3, 1])
        data.markdown("**Data**")
        values.update(state.widgets(bp.DATA, data))
        features.markdown("**Inputs the network sees**")
        grid = features.columns(2)
        for i, toggle in enumerate(bp.FEATURE_TOGGLES):
            values[toggle.key] = state.widget(toggle, grid[i % 2])
        if not any(values[t.key] for t in bp.FEATURE_TOGGLES):
            features.caption("⚠️ A network needs at least one input: using x₁.")
        network.markdown("**Network**")
        values.update(state.widgets(bp.NETWORK, network))
        values.update(state.widgets(bp.VIEW, network))
        where = st.expander("Training settings", expanded=not is_presenter())
        cols = where.columns(4)
        shown = [p for p in bp.TRAINING if p is not bp.CLIP_AT]
        for i, param in enumerate(shown):
            values[param.key] = state.widget(param, cols[i % 4])
            if param.key == bp.K + "clip" and values[param.key]:
                values[bp.CLIP_AT.key] = state.widget(bp.CLIP_AT, cols[i % 4])
    return values


def _controls(live: lv.Live) -> None:
    """Play / Pause, Step, Reset, Finish, and where training stands."""
    cols = st.columns([1, 1, 1, 1, 3])
    if live.playing:
        cols[0].button("❚❚ Pause", key="bp_pause", on_click=lv.pause, width="stretch",
                       type="primary", help="Stop training here.")
    else:
        cols[0].button("▶ Play", key="bp_play", on_click=lv.play, width="stretch",
                       type="primary", help="Train and watch: several updates a second.")
    cols[1].button("Step", key="bp_step_once", on_click=lv.step, width="stretch",
                   help="Train exactly one epoch (one pass over the training points).")
    cols[2].button("Reset", key="bp_reset", on_click=lv.restart, width="stretch",
                   help="New random starting weights, back to epoch 0.")
    cols[3].button("Finish", key="bp_finish", on_click=lv.finish, width="stretch",
                   help="Train all the remaining epochs at once.")
    cols[4].progress(min(1.0, live.run.epochs_done / max(live.stop, 1)),
                     text=f"Epoch {live.run.epochs_done} of {live.stop}"
                     + (" · training…" if live.playing else ""))


def live_view(show: dict) -> None:
    """The run as it stands: controls, numbers, plane, network, loss and gradient charts.

    While training plays this function is a fragment rerun every ``lv.TICK_S`` seconds, and
    each rerun first trains a few more epochs.
    """
    live = st.session_state[lv.STATE]
    if lv.tick(live):
        st.rerun()  # the run just ended: a full rerun drops the live timer
    _controls(live)
    run, c = live.run, dict(live.config)
    result = run.result()
    task = task_of(c["dataset"])
    metrics(live, result, task)
    params = run.params()
    view = plane_view(params, c["features"], run.settings.activation, run.settings.loss,
                      task.kind, plane_extent(live.split))
    epoch = result.epochs_done
    unit = selected_unit(run.sizes)
    names = [FEATURE_LABELS[f] for f in c["features"]]
    left, right = st.columns([1.1, 1])
    with left:
        lesson.chart(network_chart(live, view, result, names, unit), key="chart_network",
                     on_select=select_unit, selection_mode="points")
    with right:
        lesson.chart(boundary_figure(view, live.split, epoch, unit=unit,
                                     unit_name=unit_name(unit, names), **show),
                     key="chart_boundary")
    left, right = st.columns(2)
    with left:
        lesson.chart(loss_figure(result, live.stop, LOSS_NAMES[run.settings.loss]),
                     key="chart_loss")
    with right:
        lesson.chart(grad_norm_figure(result, live.stop, run.settings.clip_norm),
                     key="chart_gradnorm")
    if not live.playing and not is_presenter():
        st.caption(network_check(run.data[0], run.data[1], run.sizes, run.theta, run.settings))


def network_chart(live: lv.Live, view, result, names: list[str], unit):
    """The network figure: redrawn on every update while paused, every few while playing.

    While training plays it is rebuilt every ``NETWORK_EVERY``-th update only. Its pictures
    change slowly, and re-sending the same figure costs the browser nothing (Plotly is not
    asked to redraw), which leaves the plane and the curves several updates a second.
    """
    epoch = result.epochs_done
    key = (unit, tuple(names))
    last = st.session_state.get(NETWORK)  # (run, key, epoch, figure)
    fresh = (last is None or last[0] is not live.run or last[1] != key or not live.playing
             or live.finished
             or epoch - last[2] >= NETWORK_EVERY * live.epochs_per_tick)
    if fresh:
        fig = network_figure(live.run.params(), view, result.grad_norms[-1] if epoch else None,
                             epoch, names, unit)
        st.session_state[NETWORK] = last = (live.run, key, epoch, fig)
    return last[3]


def metrics(live: lv.Live, result, task) -> None:
    """Accuracy or loss, the weights L1 removed, and the warnings that belong to this run."""
    e = result.epochs_done
    m = st.columns(4)
    if task.kind == "regression":
        m[0].metric("Train loss", f"{result.train_loss[e]:.3g}")
        m[1].metric("Test loss", f"{result.test_loss[e]:.3g}")
        m[2].metric("Typical test error", f"±{np.sqrt(result.test_loss[e]):.2f}",
                    help="Root mean square distance between prediction and target.")
    else:
        m[0].metric("Train accuracy", f"{result.train_acc[e]:.1%}")
        m[1].metric("Test accuracy", f"{result.test_acc[e]:.1%}")
        m[2].metric("Test loss", f"{result.test_loss[e]:.3g}")
    mask = weight_mask(live.run.sizes)
    zero = int(np.sum(live.run.theta[mask] == 0.0))
    m[3].metric("Weights at exactly 0", f"{zero} of {int(mask.sum())}",
                help="L1 removes weights that do not earn their keep.")
    c = dict(live.config)
    if c["dataset"] == "xor" and c["noise"] > 0:
        st.caption(f"With noise {c['noise']:g} some xor labels are flipped: even the true rule "
                   f"gets only about {bayes_accuracy_xor(c['noise']):.0%} of them right, so "
                   "that is the best test accuracy to hope for.")
    if result.diverged_at is not None:
        st.warning(f"Training blew up during epoch {result.diverged_at}: the loss or the "
                   "weights stopped being finite numbers (exploding gradients). Lower the "
                   "learning rate, shrink the initial weights, or turn on clipping.", icon="💥")


def select_unit() -> None:
    """Chart callback: remember the clicked node (a click on empty space clears it)."""
    event = st.session_state.get("chart_network")
    points = [p for p in (event.selection.points if event else [])
              if p.get("curve_number") == NODE_TRACE and p.get("customdata")]
    st.session_state[SELECTED] = tuple(points[0]["customdata"]) if points else None


def selected_unit(sizes: tuple[int, ...]) -> tuple[int, int] | None:
    """The node to show large, if it still exists in this network (never the output)."""
    unit = st.session_state.get(SELECTED)
    if unit is None:
        return None
    layer, j = int(unit[0]), int(unit[1])
    return (layer, j) if layer < len(sizes) - 1 and j < sizes[layer] else None


def unit_name(unit: tuple[int, int] | None, inputs: list[str]) -> str:
    """How the big chart's title names a node."""
    if unit is None:
        return ""
    layer, j = unit
    return f"Input {inputs[j]}" if layer == 0 else f"Neuron {j + 1} of hidden layer {layer}"

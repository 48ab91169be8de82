"""Cached work of the backpropagation lesson: the graph motion, the gradient checks, the timing.

Plotly spends milliseconds validating each figure, so a rerun where nothing changed must not
rebuild them: ``st.cache_resource`` hands back the same (never mutated) Figure.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from core.nn import flatten, gradcheck, loss_and_grads, loss_value, unflatten
from core.nn import tiny_net as autodiff_net
from figures.backprop import cost_figure, step_error_figure
from figures.backprop_graph import graph_figure
from lessons.backprop.controls import FD_SWEEP


def check_table(grads: dict[str, float], fd: dict[str, float]) -> pd.DataFrame:
    """Backprop vs finite-difference gradient per parameter, with relative error."""
    names = list(autodiff_net.PARAM_NAMES)
    bp = [grads[n] for n in names]
    approx = [fd[n] for n in names]
    return pd.DataFrame({
        "parameter": [autodiff_net.PRETTY[n] for n in names],
        "backprop ∂L/∂θ": bp,
        "finite difference": approx,
        "relative error": gradcheck.relative_error(bp, approx),
    })


def tiny_check(x: tuple[float, float], y: float, params: dict, h: float, method: str):
    """Part B: finite differences of the tiny network's loss against its backprop gradient.

    Returns the table (per parameter) and the worst relative error per step size for both
    difference schemes (the V-shaped curve).
    """
    names = autodiff_net.PARAM_NAMES
    theta = [params[n] for n in names]

    def loss_of(t) -> float:
        return autodiff_net.tiny_loss(x, y, dict(zip(names, t, strict=True)))

    _, grads = autodiff_net.tiny_graph(x, y, params)
    fd = gradcheck.finite_difference_gradient(loss_of, theta, h, method)
    table = check_table(grads, dict(zip(names, fd, strict=True)))
    exact = [grads[n] for n in names]
    curves = {m: gradcheck.error_versus_step(loss_of, theta, exact, FD_SWEEP, m)
              for m in gradcheck.METHODS}
    return table, curves


def network_check(split_X: np.ndarray, y: np.ndarray, sizes: tuple[int, ...], theta: np.ndarray,
                  settings) -> str:
    """Backprop vs central differences over every playground weight, as one sentence.

    Central differences carry an absolute error of roughly 1e-10 here, so relative errors
    are reported only for gradients above 1e-4; the absolute agreement covers all of them.
    The penalties are left out (L1 has no derivative at a weight that is exactly zero).
    """
    args = (split_X, y, settings.activation, settings.loss, settings.l2)

    def loss_of(t) -> float:
        return loss_value(unflatten(t, sizes), *args)

    _, grads = loss_and_grads(unflatten(theta, sizes), *args)
    g = flatten(grads)
    fd = gradcheck.finite_difference_gradient(loss_of, theta, 1e-5)
    text = (f"Gradient check at this epoch: backprop against central differences on all "
            f"{theta.size} parameters agrees to {np.max(np.abs(g - fd)):.1e} "
            f"(largest gradient {np.max(np.abs(g)):.1e})")
    big = np.abs(g) > 1e-4
    if big.any():
        worst = gradcheck.relative_error(g[big], fd[big]).max()
        text += f"; worst relative error {worst:.1e} on the {int(big.sum())} gradients above 1e-4"
    else:
        text += "; every gradient is below 1e-4, too small for a relative comparison"
    return text + "."


@st.cache_resource(max_entries=256, show_spinner=False)
def tiny_part(x: tuple[float, float], y: float, weights: tuple, step: int) -> go.Figure:
    """Part A: the computation graph with its backward pass as frames, starting at ``step``."""
    graph, _ = autodiff_net.tiny_graph(x, y, dict(weights))
    return graph_figure(graph, step)


@st.cache_resource(max_entries=128, show_spinner=False)
def check_part(x: tuple[float, float], y: float, weights: tuple, log_h: float, method: str):
    """Part B: the comparison table and the step-size figure."""
    h = 10.0**log_h
    table, curves = tiny_check(x, y, dict(weights), h, method)
    return table, step_error_figure(FD_SWEEP, curves["central"], curves["forward"], h)


@st.cache_resource(show_spinner="Timing backprop against finite differences on this server…")
def cost_part() -> tuple[dict, go.Figure]:
    """Part D: the live timing (once per server process) and its figure."""
    cost = gradcheck.measure_gradient_cost()
    return cost, cost_figure(cost)

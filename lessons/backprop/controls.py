"""Streamlit glue of the backpropagation lesson: controls, cached training and timing, tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from core.nn import (
    DATASETS,
    Graph,
    Step,
    backward_steps,
    flatten,
    gradcheck,
    mlp,
    training,
    unflatten,
)
from core.nn import tiny_net as autodiff_net
from figures.backprop import (
    boundary_figure,
    cost_figure,
    grad_norm_figure,
    loss_figure,
    network_figure,
    step_error_figure,
)
from figures.backprop_graph import graph_figure
from ui.state import Choice, Ladder, Slider, Toggle

K = "bp_"  # key prefix: widget keys and URL parameters of this lesson never clash with others

# ---- Part A: inputs and weights of the tiny network ----------------------------------------
_P = autodiff_net.DEFAULT_PARAMS
TINY_INPUTS = (
    Slider(K + "x1", "x₁ (input)", -2.0, 2.0, 1.0, 0.05),
    Slider(K + "x2", "x₂ (input)", -2.0, 2.0, -0.5, 0.05),
    Choice(K + "y", "y (label)", ("1", "0"), "1", horizontal=True),
)
TINY_WEIGHTS = tuple(
    Slider(K + name, autodiff_net.PRETTY[name], -2.0, 2.0, _P[name], 0.05)
    for name in autodiff_net.PARAM_NAMES
)
N_STEPS = 26  # nodes of the tiny graph = steps of the backward sweep
STEP = Slider(K + "step", "Backward step", 0, N_STEPS, 0, 1,
              help="0 = forward pass only. Each step computes one more node's gradient, "
              "root first, in the order backpropagation does.")

# ---- Part B: finite differences ---------------------------------------------------------------
FD_STEP = Slider(K + "h", "log₁₀ of the step h", -12.0, -1.0, -6.0, 0.5, fmt="%.1f")
FD_METHOD = Choice(K + "fd", "Difference", gradcheck.METHODS, "central", horizontal=True)
FD_SWEEP = tuple(10.0**k for k in range(-13, 0))

# ---- Part C: playground ------------------------------------------------------------------------
D = training.PLAYGROUND_DEFAULTS
# Options are shown as they are: a select box bound to the URL stores the displayed text, so
# no format_func labels here (the URL must read ?bp_loss=cross-entropy, and work when pasted).
LOSSES = {"cross-entropy": "bce", "squared error": "mse"}
OPTIMIZERS = {"SGD": "sgd", "momentum": "momentum", "Adam": "adam"}
# Numbers on a log-like ladder are Ladders, as in the gradient-descent lesson: the URL reads
# ?bp_lr=0.03 and the control moves over the rungs.
LR_VALUES = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
BATCH_OPTIONS = ("full", "64", "32", "16")
L2_VALUES = (0.0, 0.0001, 0.001, 0.01, 0.1)
INIT_VALUES = (0.5, 1.0, 2.0, 3.0, 4.0)
CLIP_VALUES = (0.1, 1.0, 10.0)
PLAYGROUND = (
    Choice(K + "data", "Dataset", DATASETS, D["dataset"]),
    Slider(K + "noise", "Noise", 0.0, 0.5, D["noise"], 0.01),
    Slider(K + "layers", "Hidden layers", 0, 6, D["layers"], 1),
    Slider(K + "neurons", "Neurons per layer", 1, 12, D["neurons"], 1),
    Choice(K + "act", "Activation", mlp.ACTIVATIONS, D["activation"]),
    Choice(K + "loss", "Loss", tuple(LOSSES), "cross-entropy"),
    Choice(K + "opt", "Optimizer", tuple(OPTIMIZERS), "Adam"),
    Ladder(K + "lr", "Learning rate", LR_VALUES, 0.03),
    Choice(K + "batch", "Batch size", BATCH_OPTIONS, "full",
           help="“full” uses all training points for every step."),
    Ladder(K + "l2", "L2 penalty λ", L2_VALUES, 0.0),
    Slider(K + "epochs", "Epochs", 10, 1000, D["epochs"], 10),
    Ladder(K + "init", "Initial weight scale", INIT_VALUES, 1.0,
           help="Multiplies the standard deviation of the random initial weights."),
    Toggle(K + "clip", "Clip gradients", False,
           help="Rescale the whole gradient to at most the chosen norm before each update."),
    CLIP_AT := Ladder(K + "clipn", "Clip at norm", CLIP_VALUES, 1.0),
    Slider(K + "seed", "Random seed", 0, 9, 0, 1),
)
REPLAY = Slider(K + "replay", "Replay training (% of epochs)", 0, 100, 100, 1)

_EXPLODE = {"act": "relu", "layers": 6, "init": 3.0, "loss": "squared error", "opt": "SGD",
            "lr": 0.03}
SCENARIOS = {
    "Defaults": {},
    "Vanishing: deep sigmoid": {"act": "sigmoid", "layers": 6, "opt": "SGD", "lr": 0.3},
    "Exploding: large weights": _EXPLODE,
    "…tamed by clipping": {**_EXPLODE, "clip": True},
}


def apply_scenario(name: str) -> None:
    """Button callback: reset the playground controls, then apply one scenario's values."""
    for param in PLAYGROUND:
        st.session_state[param.key] = param.default
    st.session_state.update({K + k: v for k, v in SCENARIOS[name].items()})
    st.session_state[REPLAY.key] = 100


def playground_config(values: dict) -> dict:
    """Widget values by key (strings for choices) -> keyword arguments of ``run_playground``."""
    values = {k.removeprefix(K): v for k, v in values.items()}
    return {
        "dataset": values["data"], "noise": float(values["noise"]),
        "layers": int(values["layers"]), "neurons": int(values["neurons"]),
        "activation": values["act"], "loss": LOSSES[values["loss"]],
        "optimizer": OPTIMIZERS[values["opt"]],
        "lr": float(values["lr"]),
        "batch_size": 0 if values["batch"] == "full" else int(values["batch"]),
        "l2": float(values["l2"]), "epochs": int(values["epochs"]),
        "init_scale": float(values["init"]),
        "clip_norm": float(values.get("clipn", CLIP_AT.default)) if values["clip"] else None,
        "seed": int(values["seed"]),
    }


@st.cache_data(show_spinner=False, max_entries=64)
def train_cached(config: tuple[tuple[str, object], ...]):
    """Train once per configuration, with a progress bar on the first run only."""
    bar = st.progress(0.0, text="Training…")

    def progress(done: int, total: int) -> None:
        bar.progress(done / total, text=f"Training… epoch {done} of {total}")

    result = training.run_playground(**dict(config), progress=progress)
    bar.empty()
    return result


@st.cache_data(show_spinner="Timing backprop against finite differences…")
def cost_cached() -> dict:
    """The live timing of Part D, measured once per server process."""
    return gradcheck.measure_gradient_cost()


def step_markdown(graph: Graph, step: Step | None) -> str:
    """The chain-rule equation behind the current backward step, as Markdown."""
    if step is None:
        return ("**Forward pass done.** Every node shows its value. Move the slider to run "
                "the backward pass one node at a time.")
    node = graph.nodes[step.node]
    if not step.terms:
        return ("**Step 1: the seed.** ∂L/∂L = **1**: the loss changes one-for-one with "
                "itself. Everything else follows from this number.")

    def term(parent: int, local: float, upstream: float) -> str:
        p = graph.nodes[parent].label
        return f"(∂{p}/∂{node.label} = {local:.3g}) × (∂L/∂{p} = {upstream:.3g})"

    parts = " + ".join(term(*t) for t in step.terms)
    uses = " (used twice, so the two paths add up)" if len(step.terms) > 1 else ""
    return (f"**∂L/∂{node.label}** = local derivative × upstream gradient{uses}:  \n"
            f"{parts} = **{step.grad:.4g}**").replace("-", "−")


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


def network_check(result: training.TrainResult, split, epoch: int, activation: str,
                  loss: str, l2: float) -> str:
    """Backprop vs central differences over every playground weight, as one sentence.

    Central differences carry an absolute error of roughly 1e-10 here, so relative errors
    are reported only for gradients above 1e-4; the absolute agreement covers all of them.
    """
    sizes = result.layer_sizes
    theta = result.snapshots[epoch]
    X, y = split.X_train, split.y_train

    def loss_of(t) -> float:
        return mlp.loss_value(unflatten(t, sizes), X, y, activation, loss, l2)

    _, grads = mlp.loss_and_grads(unflatten(theta, sizes), X, y, activation, loss, l2)
    g = flatten(grads)
    fd = gradcheck.finite_difference_gradient(loss_of, theta, 1e-5)
    text = (f"Gradient check of the trained network: backprop against central differences on "
            f"all {theta.size} parameters agrees to {np.max(np.abs(g - fd)):.1e} "
            f"(largest gradient {np.max(np.abs(g)):.1e})")
    big = np.abs(g) > 1e-4
    if big.any():
        worst = gradcheck.relative_error(g[big], fd[big]).max()
        text += f"; worst relative error {worst:.1e} on the {int(big.sum())} gradients above 1e-4"
    else:
        text += "; every gradient is below 1e-4, too small for a relative comparison"
    return text + "."


# ---- cached figures ----------------------------------------------------------------------
# Plotly spends 5-25 ms validating each figure, so a rerun where nothing changed must not
# rebuild them. cache_resource hands back the same (never mutated) Figure without pickling.
Config = tuple[tuple[str, object], ...]


@st.cache_resource(max_entries=256, show_spinner=False)
def tiny_part(x: tuple[float, float], y: float, weights: tuple, step: int):
    """Part A: the graph figure and the Markdown of the current backward step."""
    graph, _ = autodiff_net.tiny_graph(x, y, dict(weights))
    steps = backward_steps(graph)
    return graph_figure(graph, step), step_markdown(graph, steps[step - 1] if step else None)


@st.cache_resource(max_entries=128, show_spinner=False)
def check_part(x: tuple[float, float], y: float, weights: tuple, log_h: float, method: str):
    """Part B: the comparison table and the step-size figure."""
    h = 10.0**log_h
    table, curves = tiny_check(x, y, dict(weights), h, method)
    return table, step_error_figure(FD_SWEEP, curves["central"], curves["forward"], h)


@st.cache_resource(max_entries=128, show_spinner=False)
def replay_figures(config: Config, epoch: int) -> tuple[go.Figure, ...]:
    """Part C at one replayed epoch: boundary, network, loss curves, gradient norms."""
    split, result = train_cached(config)
    c = dict(config)
    params = result.params_at(epoch)
    norms = result.grad_norms[epoch - 1] if epoch else None
    return (boundary_figure(params, split, c["activation"], c["loss"], epoch),
            network_figure(params, norms, epoch),
            loss_figure(result, epoch), grad_norm_figure(result, epoch, c["clip_norm"]))


@st.cache_data(max_entries=64, show_spinner=False)
def final_check(config: Config) -> str:
    """Part C: gradient check of the trained network at its last epoch."""
    split, result = train_cached(config)
    c = dict(config)
    return network_check(result, split, result.epochs_done, c["activation"], c["loss"],
                         c["l2"])


@st.cache_resource(show_spinner=False)
def cost_part() -> tuple[dict, go.Figure]:
    """Part D: the measured costs and their figure."""
    cost = cost_cached()
    return cost, cost_figure(cost["n_params"], cost["forward_s"], cost["backprop_s"],
                             cost["fd_s"])

"""The backpropagation lesson's controls: one table of URL-bound parameters per part.

Every control here is a ``ui.state`` parameter bound to the address bar under the ``bp_``
prefix (numeric rungs are Ladders, categories Choices), so a trainer can copy the URL and
reopen the lesson exactly as it was.
"""

from __future__ import annotations

import streamlit as st

from core.nn import (
    ALL_DATASETS,
    FEATURE_LABELS,
    FEATURES,
    MULTICLASS_DATASETS,
    PLAYGROUND_DEFAULTS,
    REGRESSION_DATASETS,
    gradcheck,
    mlp,
)
from core.nn import tiny_net as autodiff_net
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
              help="Where the slider under the graph starts: 0 = forward pass only. Each step "
              "finds one more node's gradient, from the loss backwards. Drag the slider under "
              "the graph, or press ▶, to move through the steps.")

# ---- Part B: finite differences ---------------------------------------------------------------
FD_STEP = Slider(K + "h", "log₁₀ of the step h", -12.0, -1.0, -6.0, 0.5, fmt="%.1f")
FD_METHOD = Choice(K + "fd", "Difference", gradcheck.METHODS, "central", horizontal=True)
FD_SWEEP = tuple(10.0**k for k in range(-13, 0))

# ---- Part C: playground ------------------------------------------------------------------------
D = PLAYGROUND_DEFAULTS
# Options are shown as they are: a select box bound to the URL stores the displayed text, so
# no format_func labels here (the URL must read ?bp_loss=cross-entropy, and work when pasted).
LOSSES = {"cross-entropy": "bce", "squared error": "mse"}
OPTIMIZERS = {"SGD": "sgd", "momentum": "momentum", "Adam": "adam"}
# Numbers on a log-like ladder are Ladders, as in the gradient-descent lesson: the URL reads
# ?bp_lr=0.03 and the control moves over the rungs.
LR_VALUES = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
BATCH_OPTIONS = ("full", "64", "32", "16")
L1_VALUES = (0.0, 0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03)
L2_VALUES = (0.0, 0.0001, 0.001, 0.01, 0.1)
INIT_VALUES = (0.5, 1.0, 2.0, 3.0, 4.0)
CLIP_VALUES = (0.1, 1.0, 10.0)

DATASET = Choice(
    K + "data", "Dataset", ALL_DATASETS, D["dataset"],
    help="Two classes: circles, xor, moons, spiral, blobs. Three classes: "
    f"{', '.join(MULTICLASS_DATASETS)}. Predict a number (regression): "
    f"{', '.join(REGRESSION_DATASETS)}.")
DATA = (
    DATASET,
    Slider(K + "noise", "Noise", 0.0, 0.5, D["noise"], 0.01,
           help="How messy the data are. For xor, plane and gaussians the noise flips or "
           "shifts the answers themselves, as in TensorFlow Playground."),
    Slider(K + "train", "Training data (%)", 10, 90, 50, 10,
           help="Share of the points the network learns from; the rest test it."),
)
FEATURE_TOGGLES = tuple(
    Toggle(K + "f_" + f.replace("^2", "sq").replace(" ", "_"), FEATURE_LABELS[f],
           f in D["features"], help=f"Feed {FEATURE_LABELS[f]} to the network as an input.")
    for f in FEATURES
)
VIEW = (
    Toggle(K + "test", "Show test data", True,
           help="Draw the points held out for testing (hollow diamonds)."),
    Toggle(K + "discrete", "Discretize output", False,
           help="Colour the plane by the predicted class only, without shades of certainty."),
)
NETWORK = (
    Slider(K + "layers", "Hidden layers", 0, 6, D["layers"], 1),
    Slider(K + "neurons", "Neurons per layer", 1, 12, D["neurons"], 1),
    Choice(K + "act", "Activation", mlp.ACTIVATIONS, D["activation"],
           help="What each hidden neuron does to its weighted sum."),
)
CLIP_AT = Ladder(K + "clipn", "Clip at norm", CLIP_VALUES, 1.0,
                 help="The largest gradient size a step may use.")
TRAINING = (
    Choice(K + "loss", "Loss", tuple(LOSSES), "cross-entropy",
           help="For two classes. Three classes always use softmax cross-entropy, "
           "regression squared error."),
    Choice(K + "opt", "Optimizer", tuple(OPTIMIZERS), "Adam"),
    Ladder(K + "lr", "Learning rate", LR_VALUES, 0.03, help="How big each step is."),
    Choice(K + "batch", "Batch size", BATCH_OPTIONS, "full",
           help="“full” uses all training points for every step."),
    Ladder(K + "l1", "L1 penalty", L1_VALUES, 0.0,
           help="Charges for every weight's size: weights that do not earn their keep become "
           "exactly zero (dotted in the network)."),
    Ladder(K + "l2", "L2 penalty", L2_VALUES, 0.0,
           help="Charges for large weights: shrinks them all, but rarely to zero."),
    Slider(K + "epochs", "Stop after (epochs)", 10, 1000, D["epochs"], 10,
           help="Training pauses when it reaches this epoch."),
    Ladder(K + "init", "Initial weight scale", INIT_VALUES, 1.0,
           help="Multiplies the spread of the random starting weights."),
    Toggle(K + "clip", "Clip gradients", False,
           help="Rescale the whole gradient to at most the chosen size before each update."),
    CLIP_AT,
    Slider(K + "seed", "Random seed", 0, 9, 0, 1,
           help="Another seed draws other data and other starting weights."),
)
PLAYGROUND = DATA + FEATURE_TOGGLES + VIEW + NETWORK + TRAINING

_EXPLODE = {"act": "relu", "layers": 6, "init": 3.0, "loss": "squared error", "opt": "SGD",
            "lr": 0.03}
_ALL_FEATURES = {t.key.removeprefix(K): True for t in FEATURE_TOGGLES}
SCENARIOS = {
    "Defaults": {},
    "Vanishing: deep sigmoid": {"act": "sigmoid", "layers": 6, "opt": "SGD", "lr": 0.3},
    "Exploding: large weights": _EXPLODE,
    "…tamed by clipping": {**_EXPLODE, "clip": True},
    "Spiral: depth or features": {"data": "spiral", "noise": 0.0, "layers": 1, "neurons": 4,
                                  **_ALL_FEATURES},
    "L1 prunes weights": {"l1": 0.001, "epochs": 300},
}


def apply_scenario(name: str) -> None:
    """Button callback: reset the playground controls, then apply one scenario's values."""
    for param in PLAYGROUND:
        st.session_state[param.key] = param.default
    st.session_state.update({K + k: v for k, v in SCENARIOS[name].items()})


def chosen_features(values: dict) -> tuple[str, ...]:
    """The features whose toggles are on (``x₁`` alone if the learner switched all off)."""
    on = tuple(f for f, t in zip(FEATURES, FEATURE_TOGGLES, strict=True) if values[t.key])
    return on or ("x1",)


def playground_config(values: dict) -> dict:
    """Widget values by key (strings for choices) -> keyword arguments of ``start_playground``."""
    features = chosen_features(values)
    values = {k.removeprefix(K): v for k, v in values.items()}
    return {
        "dataset": values["data"], "noise": float(values["noise"]),
        "test_fraction": round(1.0 - values["train"] / 100, 2), "features": features,
        "layers": int(values["layers"]), "neurons": int(values["neurons"]),
        "activation": values["act"], "loss": LOSSES[values["loss"]],
        "optimizer": OPTIMIZERS[values["opt"]],
        "lr": float(values["lr"]),
        "batch_size": 0 if values["batch"] == "full" else int(values["batch"]),
        "l1": float(values["l1"]), "l2": float(values["l2"]), "epochs": int(values["epochs"]),
        "init_scale": float(values["init"]),
        "clip_norm": float(values.get("clipn", CLIP_AT.default)) if values["clip"] else None,
        "seed": int(values["seed"]),
    }

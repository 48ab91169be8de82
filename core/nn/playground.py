"""The playground's settings in, its dataset and training run out (one hop from page to maths).

A configuration is a plain mapping of the page's settings (``PLAYGROUND_DEFAULTS`` lists
them). The dataset decides the task: two-class datasets train with the chosen loss
(cross-entropy or squared error), three-class ones with softmax cross-entropy and the
regression ones with squared error on a linear output.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from core.nn.datasets import Split, make_dataset, task_of
from core.nn.features import check_features, feature_map
from core.nn.losses import probabilities
from core.nn.mlp import layer_outputs
from core.nn.params import Params
from core.nn.training import Settings, Training, TrainResult

PLAYGROUND_DEFAULTS = {
    "dataset": "circles", "noise": 0.05, "n_points": 400, "test_fraction": 0.5,
    "features": ("x1", "x2"), "layers": 2, "neurons": 8, "activation": "tanh", "loss": "bce",
    "optimizer": "adam", "lr": 0.03, "batch_size": 0, "l1": 0.0, "l2": 0.0, "epochs": 300,
    "init_scale": 1.0, "clip_norm": None, "seed": 0,
}


def playground_loss(dataset: str, chosen: str = "bce") -> str:
    """The loss a dataset trains with: the chosen one for two classes, else the task's own.

    Parameters
    ----------
    dataset : str
        A dataset name.
    chosen : {"bce", "mse"}, default "bce"
        The loss picked on the page (used for two-class data only).

    Returns
    -------
    str
        ``"bce"`` or ``"mse"`` for two classes, ``"ce"`` for three, ``"mse"`` for regression.
    """
    task = task_of(dataset)
    return chosen if task.kind == "binary" else task.loss


def playground_config(config: Mapping[str, object]) -> dict:
    """``config`` over the defaults, after rejecting unknown settings."""
    unknown = set(config) - set(PLAYGROUND_DEFAULTS)
    if unknown:
        raise ValueError(f"Unknown playground settings: {sorted(unknown)}.")
    c = {**PLAYGROUND_DEFAULTS, **config}
    c["features"] = check_features(c["features"])
    return c


def start_playground(**config) -> tuple[Split, Training]:
    """Make the playground's dataset and a fresh, untrained run on its chosen features.

    Parameters
    ----------
    **config
        Any keys of ``PLAYGROUND_DEFAULTS`` (missing ones take the default): ``dataset``,
        ``noise``, ``n_points``, ``test_fraction`` and ``seed`` pick the data;
        ``features`` the network's inputs; ``layers`` hidden layers of ``neurons`` units
        each; the rest are passed to :class:`~core.nn.training.Settings`. ``epochs`` is not
        used here (it is where :func:`run_playground` stops).

    Returns
    -------
    split : Split
        The train/test points in the plane (before the feature map).
    run : Training
        A run at epoch 0, ready to :meth:`~core.nn.training.Training.advance`.
    """
    c = playground_config(config)
    split = make_dataset(c["dataset"], int(c["n_points"]), float(c["noise"]), int(c["seed"]),
                         float(c["test_fraction"]))
    task = task_of(c["dataset"])
    settings = Settings(
        c["activation"], playground_loss(c["dataset"], c["loss"]), c["optimizer"],
        float(c["lr"]), int(c["batch_size"]), float(c["l1"]), float(c["l2"]),
        float(c["init_scale"]), c["clip_norm"], int(c["seed"]), task.kind != "regression",
    )
    features = c["features"]
    run = Training(feature_map(split.X_train, features), split.y_train,
                   feature_map(split.X_test, features), split.y_test,
                   (int(c["neurons"]),) * int(c["layers"]), task.outputs, settings)
    return split, run


def run_playground(**config) -> tuple[Split, TrainResult]:
    """Make the playground's dataset and train its network for ``epochs`` epochs.

    Parameters
    ----------
    **config
        Any keys of ``PLAYGROUND_DEFAULTS`` (see :func:`start_playground`), plus an
        optional ``progress`` callback, called as ``progress(epochs_done, epochs)``.

    Returns
    -------
    split : Split
        The train/test data.
    result : TrainResult
        The training history.
    """
    progress = config.pop("progress", None)
    epochs = int(playground_config(config)["epochs"])
    if epochs < 0:
        raise ValueError("Need epochs >= 0.")
    split, run = start_playground(**config)
    return split, run.run_until(epochs, progress)


def plane_extent(split: Split, margin: float = 0.15) -> tuple[float, float]:
    """A square window over the input plane holding every point and at least [-1, 1]².

    Parameters
    ----------
    split : Split
        The data.
    margin : float, default 0.15
        Room left around the farthest point.

    Returns
    -------
    tuple of float
        ``(low, high)``, the same for both axes.
    """
    X = np.r_[split.X_train, split.X_test]
    reach = max(1.0, float(np.abs(X).max(initial=0.0)))
    return -reach - margin, reach + margin


@dataclass(frozen=True)
class PlaneView:
    """What every unit of a network computes at each point of a square grid over the plane.

    Grid point ``i`` is ``(gx[i % n], gy[i // n])``: rows of a heat map, bottom row first.

    Attributes
    ----------
    gx, gy : numpy.ndarray
        Grid axes, shape ``(n,)``.
    inputs : numpy.ndarray
        Shape ``(n * n, k)``: the input features at the grid points.
    units : list of numpy.ndarray
        Hidden layer ``l``'s outputs, shape ``(n * n, width_l)`` each.
    output : numpy.ndarray
        Shape ``(n * n, outputs)``: the raw outputs (logits, or the regression value).
    prediction : numpy.ndarray
        P(class 1) of shape ``(n * n,)`` for two classes, class probabilities of shape
        ``(n * n, k)`` for several, the predicted value for regression.
    kind : str
        ``"binary"``, ``"multiclass"`` or ``"regression"``.
    """

    gx: np.ndarray
    gy: np.ndarray
    inputs: np.ndarray
    units: list[np.ndarray]
    output: np.ndarray
    prediction: np.ndarray
    kind: str


def plane_view(
    params: Params, features: Sequence[str], activation: str, loss: str, kind: str,
    extent: tuple[float, float], n: int = 50,
) -> PlaneView:
    """Evaluate every input feature, hidden unit and output on an ``n`` × ``n`` grid.

    Parameters
    ----------
    params : list of tuple of numpy.ndarray
        The network.
    features : sequence of str
        Its input features (:func:`core.nn.features.feature_map`).
    activation : str
        Hidden activation.
    loss : {"bce", "mse", "ce"}
        How the outputs are read.
    kind : {"binary", "multiclass", "regression"}
        The task (regression reads the output as it is).
    extent : tuple of float
        ``(low, high)`` of both axes.
    n : int, default 50
        Grid points per axis.

    Returns
    -------
    PlaneView
        Inputs, hidden units, outputs and predictions on the grid.
    """
    g = np.linspace(extent[0], extent[1], n)
    xx, yy = np.meshgrid(g, g)
    inputs = feature_map(np.c_[xx.ravel(), yy.ravel()], features)
    layers = layer_outputs(params, inputs, activation)
    output = layers[-1]
    prediction = output[:, 0] if kind == "regression" else probabilities(output, loss)
    return PlaneView(g, g, inputs, layers[:-1], output, prediction, kind)

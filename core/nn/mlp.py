"""A small vectorised multilayer perceptron with hand-written backpropagation.

Parameters are a list of ``(W, b)`` pairs, ``W`` of shape ``(n_in, n_out)`` and
``b`` of shape ``(n_out,)``. Hidden layers apply an activation (``tanh``,
``relu``, ``sigmoid`` or ``linear``); the output layer is linear. With one output it
returns one logit (or regression value) per sample, read by binary cross-entropy
(``"bce"``) or squared error (``"mse"``); with ``k >= 2`` outputs it returns one logit per
class, read by softmax cross-entropy (``"ce"``). Everything is float64 NumPy, no autograd:
the backward pass is the chain rule written out layer by layer, reusing the forward
activations.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from core.nn.losses import (
    LOSSES,
    accuracy_of,
    check_outputs,
    check_targets,
    logit_loss,
    loss_and_delta,
    probabilities,
    sigmoid,
)
from core.nn.params import Params

__all__ = [
    "ACTIVATIONS", "LOSSES", "accuracy", "forward", "init_params", "input_gradient",
    "layer_outputs", "logit_loss", "loss_and_grads", "loss_value", "predict_proba",
]

ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear")


def _activate(z: np.ndarray, activation: str) -> np.ndarray:
    """Apply the hidden activation in place where possible and return it."""
    if activation == "tanh":
        return np.tanh(z, out=z)
    if activation == "relu":
        return np.maximum(z, 0.0, out=z)
    if activation == "sigmoid":
        return sigmoid(z)
    if activation == "linear":
        return z
    raise ValueError(f"Unknown activation {activation!r}; choose one of {ACTIVATIONS}.")


def _activation_slope(a: np.ndarray, activation: str) -> np.ndarray | None:
    """Derivative of the activation written in terms of its output ``a`` (None = 1)."""
    if activation == "tanh":
        return 1.0 - a * a
    if activation == "relu":
        return (a > 0.0).astype(np.float64)
    if activation == "sigmoid":
        return a * (1.0 - a)
    return None


def check_params(params: Params) -> tuple[int, ...]:
    """Widths of a parameter list after checking that its layers fit together.

    Parameters
    ----------
    params : list of tuple of numpy.ndarray
        ``[(W_1, b_1), ...]`` with ``W_l`` of shape ``(n_{l-1}, n_l)`` and ``b_l`` of ``(n_l,)``.

    Returns
    -------
    tuple of int
        ``(n_0, ..., n_L)``.
    """
    if not params:
        raise ValueError("The network has no layers.")
    sizes = [np.shape(params[0][0])[0] if np.ndim(params[0][0]) == 2 else -1]
    for layer, (W, b) in enumerate(params, start=1):
        if np.ndim(W) != 2 or W.shape[0] != sizes[-1]:
            raise ValueError(f"Layer {layer}: W has shape {np.shape(W)}, but the layer below "
                             f"has {sizes[-1]} outputs.")
        if np.shape(b) != (W.shape[1],):
            raise ValueError(f"Layer {layer}: b has shape {np.shape(b)}; expected "
                             f"({W.shape[1]},) to match W {W.shape}.")
        sizes.append(W.shape[1])
    return tuple(int(s) for s in sizes)


def _check(params: Params, X: np.ndarray, activation: str) -> np.ndarray:
    """Validate inputs and return ``X`` as a 2-D float64 array."""
    if activation not in ACTIVATIONS:
        raise ValueError(f"Unknown activation {activation!r}; choose one of {ACTIVATIONS}.")
    d = check_params(params)[0]
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != d:
        raise ValueError(f"X must have shape (n, {d}); got {X.shape}.")
    return X


def init_params(layer_sizes: Sequence[int], seed: int = 0, scale: float = 1.0) -> Params:
    r"""Random weights and zero biases for a fully connected network.

    Weights are drawn from a normal distribution scaled by fan-in,

    .. math:: W_{ij} \sim \mathcal{N}\left(0, \frac{s^2}{n_{in}}\right), \qquad b = 0,

    so that ``scale = 1`` keeps the activations of a tanh net of order one and a
    large ``scale`` makes the gradients explode layer after layer.

    Parameters
    ----------
    layer_sizes : sequence of int
        Widths from input to output, e.g. ``(2, 8, 8, 1)``. At least two entries.
    seed : int, default 0
        Seed of the ``np.random.Generator`` that draws the weights.
    scale : float, default 1.0
        Multiplier ``s`` of the standard deviation.

    Returns
    -------
    list of tuple of numpy.ndarray
        ``[(W_1, b_1), ..., (W_L, b_L)]`` with ``W_l`` of shape ``(n_{l-1}, n_l)``.
    """
    sizes = [int(s) for s in layer_sizes]
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError("layer_sizes needs at least two positive widths, e.g. (2, 8, 1).")
    rng = np.random.default_rng(seed)
    return [
        (rng.normal(0.0, scale / np.sqrt(n_in), size=(n_in, n_out)), np.zeros(n_out))
        for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True)
    ]


def _forward_cache(params: Params, X: np.ndarray, activation: str) -> list[np.ndarray]:
    """Forward pass keeping every layer's output; the last entry is the outputs (n, k)."""
    acts = [X]
    h = X
    for W, b in params[:-1]:
        z = h @ W
        z += b
        h = _activate(z, activation)
        acts.append(h)
    W, b = params[-1]
    z = h @ W
    z += b
    acts.append(z)
    return acts


def layer_outputs(params: Params, X: np.ndarray, activation: str = "tanh") -> list[np.ndarray]:
    r"""Every layer's output: the hidden activations :math:`h_1 \dots h_{L-1}`, then :math:`z`.

    What the playground draws inside each neuron: unit ``j`` of layer ``l`` as a function of
    the input, ``layer_outputs(...)[l - 1][:, j]`` over a grid.

    Parameters
    ----------
    params : list of tuple of numpy.ndarray
        Network parameters.
    X : numpy.ndarray
        Inputs of shape ``(n, d)``.
    activation : {"tanh", "relu", "sigmoid", "linear"}, default "tanh"
        Hidden-layer activation.

    Returns
    -------
    list of numpy.ndarray
        ``L`` arrays, layer ``l`` of shape ``(n, n_l)``; the last one holds the outputs.
    """
    X = _check(params, X, activation)
    return _forward_cache(params, X, activation)[1:]


def forward(params: Params, X: np.ndarray, activation: str = "tanh") -> np.ndarray:
    r"""Outputs of the network.

    .. math:: h_0 = X,\quad h_l = \sigma(h_{l-1} W_l + b_l),\quad z = h_{L-1} W_L + b_L

    Parameters
    ----------
    params : list of tuple of numpy.ndarray
        Network parameters.
    X : numpy.ndarray
        Inputs of shape ``(n, d)``.
    activation : {"tanh", "relu", "sigmoid", "linear"}, default "tanh"
        Hidden-layer activation :math:`\sigma`.

    Returns
    -------
    numpy.ndarray
        Outputs ``z``: shape ``(n,)`` when the last layer has one output, ``(n, k)`` when it
        has ``k >= 2`` (one logit per class).
    """
    X = _check(params, X, activation)
    z = _forward_cache(params, X, activation)[-1]
    return z[:, 0] if z.shape[1] == 1 else z


def _penalty(params: Params, l1: float, l2: float) -> float:
    r"""The weight penalty :math:`\lambda_1 \sum |W| + \tfrac{\lambda_2}{2} \sum W^2`."""
    value = 0.0
    for W, _ in params:
        if l1:
            value += l1 * float(np.sum(np.abs(W)))
        if l2:
            value += 0.5 * l2 * float(np.sum(W * W))
    return value


def loss_value(
    params: Params, X: np.ndarray, y: np.ndarray, activation: str = "tanh", loss: str = "bce",
    l2: float = 0.0, l1: float = 0.0,
) -> float:
    r"""Loss only (one forward pass), the quantity :func:`loss_and_grads` differentiates.

    .. math:: J = \frac{1}{n}\sum_i \ell(z_i, y_i) + \lambda_1 \sum_l \lVert W_l\rVert_1
        + \frac{\lambda_2}{2}\sum_l \lVert W_l\rVert_F^2

    Parameters
    ----------
    params : list of tuple of numpy.ndarray
        Network parameters.
    X : numpy.ndarray
        Inputs of shape ``(n, d)``.
    y : numpy.ndarray
        Targets of shape ``(n,)`` or ``(n, 1)``: labels 0/1 for ``"bce"``, real values (or
        0/1) for ``"mse"``, class indices ``0..k-1`` for ``"ce"``.
    activation : {"tanh", "relu", "sigmoid", "linear"}, default "tanh"
        Hidden-layer activation.
    loss : {"bce", "mse", "ce"}, default "bce"
        Binary cross-entropy on the logit, squared error of the output, or softmax
        cross-entropy on ``k >= 2`` logits.
    l2 : float, default 0.0
        Weight-decay strength :math:`\lambda_2` (weights only, not biases).
    l1 : float, default 0.0
        L1 strength :math:`\lambda_1` (weights only, not biases).

    Returns
    -------
    float
        The mean loss plus the penalties.
    """
    X = _check(params, X, activation)
    z = _forward_cache(params, X, activation)[-1]
    check_outputs(loss, z.shape[1])
    value, _ = loss_and_delta(z, check_targets(y, X.shape[0], loss, z.shape[1]), loss)
    return value + _penalty(params, l1, l2)


def loss_and_grads(
    params: Params, X: np.ndarray, y: np.ndarray, activation: str = "tanh", loss: str = "bce",
    l2: float = 0.0, l1: float = 0.0,
) -> tuple[float, Params]:
    r"""Loss and its gradient with respect to every weight and bias, by backpropagation.

    With :math:`\delta_L = \partial J / \partial z` (for ``"bce"``
    :math:`(\mathrm{sigmoid}(z) - y)/n`, for ``"mse"`` :math:`2(z - y)/n`, for ``"ce"``
    :math:`(\mathrm{softmax}(z) - \mathrm{onehot}(y))/n`), each layer reuses the forward
    activations :math:`h_l`:

    .. math::
        \frac{\partial J}{\partial W_l} = h_{l-1}^\top \delta_l + \lambda_1 \operatorname{sign}
        W_l + \lambda_2 W_l,\quad
        \frac{\partial J}{\partial b_l} = \mathbf{1}^\top \delta_l,\quad
        \delta_{l-1} = (\delta_l W_l^\top) \odot \sigma'(h_{l-1})

    (:math:`\operatorname{sign} 0 = 0`: where a weight is exactly zero, :math:`|w|` has no
    derivative, and :mod:`core.nn.penalty` decides what training does there.)

    Parameters
    ----------
    params : list of tuple of numpy.ndarray
        Network parameters: one output for ``"bce"`` and ``"mse"``, ``k >= 2`` for ``"ce"``.
    X : numpy.ndarray
        Inputs of shape ``(n, d)``.
    y : numpy.ndarray
        Targets of shape ``(n,)`` or ``(n, 1)``; class indices ``0..k-1`` for ``"ce"``.
    activation : {"tanh", "relu", "sigmoid", "linear"}, default "tanh"
        Hidden-layer activation.
    loss : {"bce", "mse", "ce"}, default "bce"
        Binary cross-entropy on the logit (stable), squared error of the output, or
        mean softmax cross-entropy.
    l2 : float, default 0.0
        Weight-decay strength :math:`\lambda_2`; adds :math:`\tfrac{\lambda_2}{2}\sum W^2`.
    l1 : float, default 0.0
        L1 strength :math:`\lambda_1`; adds :math:`\lambda_1 \sum |W|`.

    Returns
    -------
    loss : float
        Mean loss plus the penalties.
    grads : list of tuple of numpy.ndarray
        ``[(dW_1, db_1), ...]``, same shapes as ``params``.
    """
    X = _check(params, X, activation)
    acts = _forward_cache(params, X, activation)
    z = acts[-1]
    check_outputs(loss, z.shape[1])
    value, delta = loss_and_delta(z, check_targets(y, X.shape[0], loss, z.shape[1]), loss)
    grads: Params = [None] * len(params)  # type: ignore[list-item]
    for layer in range(len(params) - 1, -1, -1):
        W = params[layer][0]
        gW = acts[layer].T @ delta
        if l2:
            gW += l2 * W
        if l1:
            gW += l1 * np.sign(W)
        grads[layer] = (gW, delta.sum(axis=0))
        if layer:
            delta = delta @ W.T
            slope = _activation_slope(acts[layer], activation)
            if slope is not None:
                delta *= slope
    return value + _penalty(params, l1, l2), grads


def input_gradient(params: Params, X: np.ndarray, activation: str = "tanh") -> np.ndarray:
    r"""Gradient of each sample's output with respect to its own inputs (one-output networks).

    The same backward sweep as :func:`loss_and_grads`, started from
    :math:`\partial z_i / \partial z_i = 1` and carried down to the input layer:

    .. math:: \frac{\partial z_i}{\partial x_{ij}} = \big[(\cdots(\mathbf{1} W_L^\top)
        \odot \sigma'(h_{L-1}) \cdots) W_1^\top\big]_{ij}

    Parameters
    ----------
    params : list of tuple of numpy.ndarray
        Network parameters; the last layer must have one output.
    X : numpy.ndarray
        Inputs of shape ``(n, d)``.
    activation : {"tanh", "relu", "sigmoid", "linear"}, default "tanh"
        Hidden-layer activation.

    Returns
    -------
    numpy.ndarray
        Array of shape ``(n, d)``: row ``i`` is :math:`\nabla_x z(x_i)`.
    """
    X = _check(params, X, activation)
    if params[-1][0].shape[1] != 1:
        raise ValueError("input_gradient needs a network with one output; this one has "
                         f"{params[-1][0].shape[1]}.")
    acts = _forward_cache(params, X, activation)
    delta = np.ones((X.shape[0], 1))
    for layer in range(len(params) - 1, -1, -1):
        delta = delta @ params[layer][0].T
        if layer:
            slope = _activation_slope(acts[layer], activation)
            if slope is not None:
                delta *= slope
    return delta


def predict_proba(
    params: Params, X: np.ndarray, activation: str = "tanh", loss: str = "bce"
) -> np.ndarray:
    """What the network predicts, as probabilities.

    Parameters
    ----------
    params : list of tuple of numpy.ndarray
        Network parameters.
    X : numpy.ndarray
        Inputs of shape ``(n, d)``.
    activation : {"tanh", "relu", "sigmoid", "linear"}, default "tanh"
        Hidden-layer activation.
    loss : {"bce", "mse", "ce"}, default "bce"
        ``"bce"`` reads the logit through a sigmoid; ``"mse"`` regresses the 0/1
        label directly, so its output is clipped to [0, 1]; ``"ce"`` takes the softmax.

    Returns
    -------
    numpy.ndarray
        P(class 1) of shape ``(n,)``, or class probabilities of shape ``(n, k)`` for ``"ce"``.
    """
    X = _check(params, X, activation)
    return probabilities(_forward_cache(params, X, activation)[-1], loss)


def accuracy(
    params: Params, X: np.ndarray, y: np.ndarray, activation: str = "tanh", loss: str = "bce"
) -> float:
    """Share of samples whose predicted class matches ``y``.

    The predicted class is "probability above 0.5" for one output and the largest logit for
    ``"ce"``.

    Parameters
    ----------
    params : list of tuple of numpy.ndarray
        Network parameters.
    X : numpy.ndarray
        Inputs of shape ``(n, d)``.
    y : numpy.ndarray
        Labels of shape ``(n,)`` or ``(n, 1)``: 0/1, or class indices for ``"ce"``.
    activation : {"tanh", "relu", "sigmoid", "linear"}, default "tanh"
        Hidden-layer activation.
    loss : {"bce", "mse", "ce"}, default "bce"
        Loss the network was trained with (decides how the outputs are read).

    Returns
    -------
    float
        Accuracy in [0, 1].
    """
    X = _check(params, X, activation)
    return accuracy_of(_forward_cache(params, X, activation)[-1], y, loss)

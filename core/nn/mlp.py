"""A small vectorised multilayer perceptron with hand-written backpropagation.

Parameters are a list of ``(W, b)`` pairs, ``W`` of shape ``(n_in, n_out)`` and
``b`` of shape ``(n_out,)``. Hidden layers apply an activation (``tanh``,
``relu``, ``sigmoid`` or ``linear``); the output layer is linear and returns one
logit per sample. Everything is float64 NumPy, no autograd: the backward pass is
the chain rule written out layer by layer, reusing the forward activations.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from core.nn.params import Params

__all__ = [
    "ACTIVATIONS", "LOSSES", "accuracy", "forward", "init_params", "input_gradient", "logit_loss",
    "loss_and_grads", "loss_value", "predict_proba",
]

ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear")
LOSSES = ("bce", "mse")



def _sigmoid(z: np.ndarray) -> np.ndarray:
    """Stable logistic function (no overflow for large ``|z|``)."""
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _activate(z: np.ndarray, activation: str) -> np.ndarray:
    """Apply the hidden activation in place where possible and return it."""
    if activation == "tanh":
        return np.tanh(z, out=z)
    if activation == "relu":
        return np.maximum(z, 0.0, out=z)
    if activation == "sigmoid":
        return _sigmoid(z)
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


def _check(params: Params, X: np.ndarray, activation: str) -> np.ndarray:
    """Validate inputs and return ``X`` as a 2-D float64 array."""
    if activation not in ACTIVATIONS:
        raise ValueError(f"Unknown activation {activation!r}; choose one of {ACTIVATIONS}.")
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != params[0][0].shape[0]:
        raise ValueError(f"X must have shape (n, {params[0][0].shape[0]}); got {X.shape}.")
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
    """Forward pass keeping every layer's output; the last entry is the logits (n, 1)."""
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


def forward(params: Params, X: np.ndarray, activation: str = "tanh") -> np.ndarray:
    r"""Output logits of the network.

    .. math:: h_0 = X,\quad h_l = \sigma(h_{l-1} W_l + b_l),\quad z = h_{L-1} W_L + b_L

    Parameters
    ----------
    params : list of tuple of numpy.ndarray
        Network parameters; the last layer must have one output.
    X : numpy.ndarray
        Inputs of shape ``(n, d)``.
    activation : {"tanh", "relu", "sigmoid", "linear"}, default "tanh"
        Hidden-layer activation :math:`\sigma`.

    Returns
    -------
    numpy.ndarray
        Logits ``z`` of shape ``(n,)``.
    """
    X = _check(params, X, activation)
    return _forward_cache(params, X, activation)[-1][:, 0]


def _loss_and_dz(z: np.ndarray, y: np.ndarray, loss: str) -> tuple[float, np.ndarray]:
    """Mean loss and its derivative with respect to each logit (already divided by n)."""
    n = z.shape[0]
    if loss == "bce":
        # softplus(z) - y z, written without overflow: max(z, 0) - y z + log1p(exp(-|z|))
        value = np.maximum(z, 0.0) - y * z + np.log1p(np.exp(-np.abs(z)))
        return float(value.mean()), (_sigmoid(z) - y) / n
    if loss == "mse":
        r = z - y
        return float(np.mean(r * r)), (2.0 / n) * r
    raise ValueError(f"Unknown loss {loss!r}; choose one of {LOSSES}.")


def logit_loss(z: np.ndarray, y: np.ndarray, loss: str = "bce") -> float:
    """Mean data loss of given logits (no penalty), as used inside :func:`loss_and_grads`.

    Parameters
    ----------
    z : numpy.ndarray
        Logits of shape ``(n,)``.
    y : numpy.ndarray
        Targets of shape ``(n,)`` or ``(n, 1)``.
    loss : {"bce", "mse"}, default "bce"
        Which loss.

    Returns
    -------
    float
        Mean loss.
    """
    z = np.asarray(z, dtype=np.float64)
    return _loss_and_dz(z, _targets(y, z.shape[0]), loss)[0]


def _targets(y: np.ndarray, n: int) -> np.ndarray:
    """Labels as a float64 vector of length ``n`` (accepts shape (n,) or (n, 1))."""
    y = np.asarray(y, dtype=np.float64)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.shape != (n,):
        raise ValueError(f"y must have shape ({n},) or ({n}, 1); got {y.shape}.")
    return y


def loss_value(
    params: Params, X: np.ndarray, y: np.ndarray, activation: str = "tanh", loss: str = "bce",
    l2: float = 0.0,
) -> float:
    r"""Loss only (one forward pass), the quantity :func:`loss_and_grads` differentiates.

    .. math:: J = \frac{1}{n}\sum_i \ell(z_i, y_i) + \frac{\lambda}{2}\sum_l \lVert W_l\rVert_F^2

    Parameters
    ----------
    params : list of tuple of numpy.ndarray
        Network parameters.
    X : numpy.ndarray
        Inputs of shape ``(n, d)``.
    y : numpy.ndarray
        Targets of shape ``(n,)`` or ``(n, 1)``; labels 0/1 for ``"bce"``.
    activation : {"tanh", "relu", "sigmoid", "linear"}, default "tanh"
        Hidden-layer activation.
    loss : {"bce", "mse"}, default "bce"
        Binary cross-entropy on the logit, or mean squared error of the logit.
    l2 : float, default 0.0
        Weight-decay strength :math:`\lambda` (weights only, not biases).

    Returns
    -------
    float
        The mean loss plus the L2 penalty.
    """
    X = _check(params, X, activation)
    z = _forward_cache(params, X, activation)[-1][:, 0]
    value, _ = _loss_and_dz(z, _targets(y, X.shape[0]), loss)
    if l2:
        value += 0.5 * l2 * sum(float(np.sum(W * W)) for W, _ in params)
    return value


def loss_and_grads(
    params: Params, X: np.ndarray, y: np.ndarray, activation: str = "tanh", loss: str = "bce",
    l2: float = 0.0,
) -> tuple[float, Params]:
    r"""Loss and its gradient with respect to every weight and bias, by backpropagation.

    With :math:`\delta_L = \partial J / \partial z` (for ``"bce"``
    :math:`(\mathrm{sigmoid}(z) - y)/n`, for ``"mse"`` :math:`2(z - y)/n`), each layer
    reuses the forward activations :math:`h_l`:

    .. math::
        \frac{\partial J}{\partial W_l} = h_{l-1}^\top \delta_l + \lambda W_l,\quad
        \frac{\partial J}{\partial b_l} = \mathbf{1}^\top \delta_l,\quad
        \delta_{l-1} = (\delta_l W_l^\top) \odot \sigma'(h_{l-1})

    Parameters
    ----------
    params : list of tuple of numpy.ndarray
        Network parameters; the last layer must have one output.
    X : numpy.ndarray
        Inputs of shape ``(n, d)``.
    y : numpy.ndarray
        Targets of shape ``(n,)`` or ``(n, 1)``; labels 0/1 for ``"bce"``.
    activation : {"tanh", "relu", "sigmoid", "linear"}, default "tanh"
        Hidden-layer activation.
    loss : {"bce", "mse"}, default "bce"
        Binary cross-entropy on the logit (stable), or mean squared error of the logit.
    l2 : float, default 0.0
        Weight-decay strength :math:`\lambda`; adds :math:`\tfrac{\lambda}{2}\sum W^2`.

    Returns
    -------
    loss : float
        Mean loss plus the L2 penalty.
    grads : list of tuple of numpy.ndarray
        ``[(dW_1, db_1), ...]``, same shapes as ``params``.
    """
    X = _check(params, X, activation)
    acts = _forward_cache(params, X, activation)
    value, dz = _loss_and_dz(acts[-1][:, 0], _targets(y, X.shape[0]), loss)
    delta = dz[:, None]
    grads: Params = [None] * len(params)  # type: ignore[list-item]
    for layer in range(len(params) - 1, -1, -1):
        W = params[layer][0]
        gW = acts[layer].T @ delta
        if l2:
            gW += l2 * W
            value += 0.5 * l2 * float(np.sum(W * W))
        grads[layer] = (gW, delta.sum(axis=0))
        if layer:
            delta = delta @ W.T
            slope = _activation_slope(acts[layer], activation)
            if slope is not None:
                delta *= slope
    return value, grads


def input_gradient(params: Params, X: np.ndarray, activation: str = "tanh") -> np.ndarray:
    r"""Gradient of each sample's output logit with respect to its own inputs.

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
    """Probability of class 1 implied by the network's logit.

    Parameters
    ----------
    params : list of tuple of numpy.ndarray
        Network parameters.
    X : numpy.ndarray
        Inputs of shape ``(n, d)``.
    activation : {"tanh", "relu", "sigmoid", "linear"}, default "tanh"
        Hidden-layer activation.
    loss : {"bce", "mse"}, default "bce"
        ``"bce"`` reads the logit through a sigmoid; ``"mse"`` regresses the 0/1
        label directly, so its output is clipped to [0, 1].

    Returns
    -------
    numpy.ndarray
        Probabilities of shape ``(n,)``.
    """
    z = forward(params, X, activation)
    return _sigmoid(z) if loss == "bce" else np.clip(z, 0.0, 1.0)


def accuracy(
    params: Params, X: np.ndarray, y: np.ndarray, activation: str = "tanh", loss: str = "bce"
) -> float:
    """Share of samples whose predicted class (probability above 0.5) matches ``y``.

    Parameters
    ----------
    params : list of tuple of numpy.ndarray
        Network parameters.
    X : numpy.ndarray
        Inputs of shape ``(n, d)``.
    y : numpy.ndarray
        Labels 0/1 of shape ``(n,)`` or ``(n, 1)``.
    activation : {"tanh", "relu", "sigmoid", "linear"}, default "tanh"
        Hidden-layer activation.
    loss : {"bce", "mse"}, default "bce"
        Loss the network was trained with (decides how the logit is read).

    Returns
    -------
    float
        Accuracy in [0, 1].
    """
    y = _targets(y, np.asarray(X).shape[0])
    return float(np.mean((predict_proba(params, X, activation, loss) > 0.5) == (y > 0.5)))

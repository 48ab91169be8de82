r"""Losses on a network's outputs, each with its derivative with respect to every output.

- ``"bce"``: binary cross-entropy on one logit :math:`z` per sample, labels 0/1;
- ``"mse"``: squared error of one real output per sample (0/1 labels, or regression targets);
- ``"ce"``: softmax cross-entropy on :math:`k \ge 2` logits per sample, integer labels
  :math:`0 \dots k-1`.

All are means over the samples, so each derivative carries the factor :math:`1/n`.
"""

from __future__ import annotations

import numpy as np

LOSSES = ("bce", "mse", "ce")


def sigmoid(z: np.ndarray) -> np.ndarray:
    """Stable logistic function (no overflow for large ``|z|``)."""
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def softmax(z: np.ndarray) -> np.ndarray:
    r"""Row-wise softmax :math:`p_{ic} = e^{z_{ic}} / \sum_j e^{z_{ij}}`, shifted for stability."""
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def check_outputs(loss: str, k: int) -> None:
    """A clear error when a loss does not fit a network with ``k`` outputs."""
    if loss not in LOSSES:
        raise ValueError(f"Unknown loss {loss!r}; choose one of {LOSSES}.")
    if loss == "ce" and k < 2:
        raise ValueError("Softmax cross-entropy ('ce') needs an output layer of width k >= 2 "
                         "(one logit per class); this network has 1 output.")
    if loss != "ce" and k != 1:
        raise ValueError(f"Loss {loss!r} needs a network with one output; this one has {k}. "
                         "Use loss='ce' for k >= 2 classes.")


def check_targets(y: np.ndarray, n: int, loss: str, k: int) -> np.ndarray:
    """Targets as a vector of length ``n``: floats, or class indices 0..k-1 for ``"ce"``.

    Accepts shape ``(n,)`` or ``(n, 1)``.
    """
    y = np.asarray(y, dtype=np.float64)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.shape != (n,):
        raise ValueError(f"y must have shape ({n},) or ({n}, 1); got {y.shape}.")
    if loss != "ce":
        return y
    labels = y.astype(np.intp)
    if not (np.array_equal(labels, y) and labels.min(initial=0) >= 0
            and labels.max(initial=0) < k):
        raise ValueError(f"Softmax cross-entropy needs integer labels 0 to {k - 1}.")
    return labels


def loss_and_delta(z: np.ndarray, y: np.ndarray, loss: str) -> tuple[float, np.ndarray]:
    r"""Mean loss of outputs ``z`` (shape ``(n, k)``) and :math:`\partial J / \partial z`.

    .. math::
        \text{bce: } \ell = \log(1 + e^{z}) - y z,\ \ \ell' = \sigma(z) - y;\qquad
        \text{mse: } \ell = (z - y)^2,\ \ \ell' = 2(z - y);\qquad
        \text{ce: } \ell = \log\sum_c e^{z_c} - z_y,\ \
        \frac{\partial \ell}{\partial z_c} = \operatorname{softmax}(z)_c - [c = y]

    Parameters
    ----------
    z : numpy.ndarray
        Outputs of shape ``(n, k)``.
    y : numpy.ndarray
        Targets, already checked by :func:`check_targets`.
    loss : {"bce", "mse", "ce"}
        Which loss.

    Returns
    -------
    value : float
        Mean loss over the ``n`` samples.
    delta : numpy.ndarray
        Shape ``(n, k)``: the derivative of the mean with respect to each output.
    """
    n, k = z.shape
    check_outputs(loss, k)
    if loss == "bce":
        z1 = z[:, 0]
        # softplus(z) - y z, written without overflow: max(z, 0) - y z + log1p(exp(-|z|))
        value = np.maximum(z1, 0.0) - y * z1 + np.log1p(np.exp(-np.abs(z1)))
        return float(value.mean()), ((sigmoid(z1) - y) / n)[:, None]
    if loss == "mse":
        r = z[:, 0] - y
        return float(np.mean(r * r)), ((2.0 / n) * r)[:, None]
    shift = z.max(axis=1, keepdims=True)
    log_norm = shift[:, 0] + np.log(np.exp(z - shift).sum(axis=1))
    value = float(np.mean(log_norm - z[np.arange(n), y]))
    delta = softmax(z)
    delta[np.arange(n), y] -= 1.0
    return value, delta / n


def logit_loss(z: np.ndarray, y: np.ndarray, loss: str = "bce") -> float:
    """Mean data loss of given outputs (no penalty), as used inside training.

    Parameters
    ----------
    z : numpy.ndarray
        Outputs of shape ``(n,)`` (one output) or ``(n, k)``.
    y : numpy.ndarray
        Targets of shape ``(n,)`` or ``(n, 1)``; class indices for ``"ce"``.
    loss : {"bce", "mse", "ce"}, default "bce"
        Which loss.

    Returns
    -------
    float
        Mean loss.
    """
    z = np.asarray(z, dtype=np.float64)
    z = z[:, None] if z.ndim == 1 else z
    return loss_and_delta(z, check_targets(y, z.shape[0], loss, z.shape[1]), loss)[0]


def probabilities(z: np.ndarray, loss: str) -> np.ndarray:
    """What the outputs predict, as probabilities.

    P(class 1) for ``"bce"``; the output clipped to [0, 1] for ``"mse"`` (read as a 0/1
    label); class probabilities of shape ``(n, k)`` for ``"ce"``.

    Parameters
    ----------
    z : numpy.ndarray
        Outputs of shape ``(n, k)``.
    loss : {"bce", "mse", "ce"}
        The loss the network was trained with.

    Returns
    -------
    numpy.ndarray
        Shape ``(n,)``, or ``(n, k)`` for ``"ce"``.
    """
    check_outputs(loss, z.shape[1])
    if loss == "ce":
        return softmax(z)
    return sigmoid(z[:, 0]) if loss == "bce" else np.clip(z[:, 0], 0.0, 1.0)


def accuracy_of(z: np.ndarray, y: np.ndarray, loss: str) -> float:
    """Share of samples whose predicted class matches ``y``.

    The predicted class is "probability above 0.5" for one output (``"bce"``, or ``"mse"``
    on 0/1 labels) and the largest logit for ``"ce"``.

    Parameters
    ----------
    z : numpy.ndarray
        Outputs of shape ``(n,)`` or ``(n, k)``.
    y : numpy.ndarray
        Labels of shape ``(n,)`` or ``(n, 1)``: 0/1, or class indices for ``"ce"``.
    loss : {"bce", "mse", "ce"}
        How the outputs are read.

    Returns
    -------
    float
        Accuracy in [0, 1].
    """
    z = np.asarray(z, dtype=np.float64)
    z = z[:, None] if z.ndim == 1 else z
    p = probabilities(z, loss)
    y = check_targets(y, z.shape[0], loss, z.shape[1])
    hit = np.argmax(p, axis=1) == y if loss == "ce" else (p > 0.5) == (y > 0.5)
    return float(np.mean(hit))

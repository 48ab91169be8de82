"""Flat-vector view of an MLP's ``(W, b)`` list: counts, flatten and unflatten.

Optimizers work on one float64 vector; the network on a list of layers. These helpers
convert between the two without copying where possible (:func:`unflatten` returns views).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

Params = list[tuple[np.ndarray, np.ndarray]]


def layer_sizes_of(params: Params) -> tuple[int, ...]:
    """Widths of a parameter list, input first.

    Parameters
    ----------
    params : list of tuple of numpy.ndarray
        Network parameters as returned by :func:`init_params`.

    Returns
    -------
    tuple of int
        ``(n_0, n_1, ..., n_L)``.
    """
    return (params[0][0].shape[0], *(W.shape[1] for W, _ in params))


def n_params(layer_sizes: Sequence[int]) -> int:
    r"""Number of weights and biases of a fully connected network.

    .. math:: P = \sum_l (n_{l-1} + 1)\, n_l

    Parameters
    ----------
    layer_sizes : sequence of int
        Widths from input to output.

    Returns
    -------
    int
        Total parameter count.
    """
    return int(sum((a + 1) * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:], strict=True)))


def flatten(params: Params) -> np.ndarray:
    """Concatenate all weights and biases into one float64 vector.

    Parameters
    ----------
    params : list of tuple of numpy.ndarray
        Network parameters (or gradients in the same structure).

    Returns
    -------
    numpy.ndarray
        Vector ``[W_1.ravel(), b_1, W_2.ravel(), b_2, ...]``.
    """
    return np.concatenate([part.ravel() for pair in params for part in pair])


def unflatten(theta: np.ndarray, layer_sizes: Sequence[int]) -> Params:
    """Inverse of :func:`flatten`: views of ``theta`` shaped as ``(W, b)`` pairs.

    Parameters
    ----------
    theta : numpy.ndarray
        Flat vector of length ``n_params(layer_sizes)``.
    layer_sizes : sequence of int
        Widths from input to output.

    Returns
    -------
    list of tuple of numpy.ndarray
        Parameter list sharing memory with ``theta``.
    """
    theta = np.asarray(theta, dtype=np.float64)
    if theta.shape != (n_params(layer_sizes),):
        raise ValueError(f"theta has shape {theta.shape}; expected ({n_params(layer_sizes)},).")
    out, i = [], 0
    for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:], strict=True):
        W = theta[i : i + n_in * n_out].reshape(n_in, n_out)
        i += n_in * n_out
        out.append((W, theta[i : i + n_out]))
        i += n_out
    return out

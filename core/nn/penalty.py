r"""L1 regularisation that drives weights to exactly zero, with any optimizer.

:math:`\lambda_1 |w|` has no derivative at :math:`w = 0`, and a plain subgradient step only
makes weights hover around zero. The orthant-wise method of Andrew and Gao (OWL-QN, 2007)
fixes both ends of a step, and works with SGD, momentum and Adam alike:

1. **Before the step**, a weight that is exactly zero gets the smallest subgradient of the
   penalised loss, :math:`\operatorname{sign}(g)\max(|g| - \lambda_1, 0)` for a data
   gradient :math:`g`: zero while :math:`|g| \le \lambda_1`, so the weight stays at zero until
   the data pull is stronger than the penalty (the optimality condition of the lasso).
   Elsewhere the gradient is :math:`g + \lambda_1 \operatorname{sign} w`.
2. **After the step**, a weight that would cross zero stops at zero (each weight keeps to its
   orthant: the sign it had, or for a zero weight the sign of the descent direction).

With plain SGD this is the proximal (soft-threshold) step of the lasso, except that a weight
never jumps across zero in one step: it stops at zero first. TensorFlow Playground does the same after a crossing, but keeps the
weight dead for ever; here it may come back when the data ask for it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def weight_mask(layer_sizes: Sequence[int]) -> np.ndarray:
    """Which entries of the flat parameter vector are weights (True) rather than biases.

    Parameters
    ----------
    layer_sizes : sequence of int
        Width of every layer, the input first and the output last.

    Returns
    -------
    numpy.ndarray
        Boolean vector in the layout of :func:`core.nn.params.flatten`.
    """
    parts = []
    for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:], strict=True):
        parts += [np.ones(n_in * n_out, dtype=bool), np.zeros(n_out, dtype=bool)]
    return np.concatenate(parts)


def l1_pseudo_gradient(
    theta: np.ndarray, grad: np.ndarray, l1: float, mask: np.ndarray
) -> np.ndarray:
    r"""The descent direction of :math:`J + \lambda_1 \sum |w|` with the least norm.

    .. math::
        \tilde g_i = \begin{cases}
        g_i + \lambda_1 \operatorname{sign} w_i & w_i \ne 0 \\
        \operatorname{sign}(g_i)\max(|g_i| - \lambda_1, 0) & w_i = 0
        \end{cases}

    Parameters
    ----------
    theta : numpy.ndarray
        Flat parameters.
    grad : numpy.ndarray
        Gradient of the loss without the L1 term, same shape.
    l1 : float
        Strength :math:`\lambda_1 \ge 0`.
    mask : numpy.ndarray
        Which entries are weights (:func:`weight_mask`); biases are not penalised.

    Returns
    -------
    numpy.ndarray
        The pseudo-gradient :math:`\tilde g`.
    """
    at_zero = theta == 0.0
    shrunk = np.sign(grad) * np.maximum(np.abs(grad) - l1, 0.0)
    penalised = np.where(at_zero, shrunk, grad + l1 * np.sign(theta))
    return np.where(mask, penalised, grad)


def orthant_project(
    before: np.ndarray, after: np.ndarray, pseudo_gradient: np.ndarray, mask: np.ndarray
) -> np.ndarray:
    r"""Stop every weight that a step carried across zero at zero.

    Each weight's orthant is :math:`\xi_i = \operatorname{sign} w_i` before the step, or
    :math:`-\operatorname{sign} \tilde g_i` for a zero weight; entries of ``after`` whose sign
    differs from :math:`\xi_i` become exactly 0.

    Parameters
    ----------
    before, after : numpy.ndarray
        Flat parameters before and after the optimizer's step.
    pseudo_gradient : numpy.ndarray
        :func:`l1_pseudo_gradient` at ``before``.
    mask : numpy.ndarray
        Which entries are weights.

    Returns
    -------
    numpy.ndarray
        ``after`` with the crossing weights set to 0.
    """
    orthant = np.where(before != 0.0, np.sign(before), -np.sign(pseudo_gradient))
    crossed = mask & (np.sign(after) != orthant)
    return np.where(crossed, 0.0, after)

"""Run first-order optimizers on any differentiable function and record the path.

The update rules follow PyTorch's ``torch.optim`` exactly (see :mod:`core.descent.rules`): ``sgd``, ``momentum`` (``SGD(momentum=m)``, dampening 0), ``nesterov``
(``SGD(momentum=m, nesterov=True)``), ``adagrad`` (accumulator 0, eps 1e-10), ``rmsprop``
(non-centred, eps 1e-8) and ``adam`` (bias-corrected, eps 1e-8). Clipping follows
``torch.nn.utils.clip_grad_norm_`` and ``clip_grad_value_``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from core.descent.rules import (
    DIVERGENCE_LOSS,
    clip_grad_norm,
    clip_grad_value,
    init_state,
    step,
    vector_norm,
)

__all__ = ["Trajectory", "gradient_cosines", "gradient_evaluation_counts", "optimize"]


@dataclass(frozen=True)
class Trajectory:
    """The record of one optimizer run, as returned by :func:`optimize`.

    Attributes
    ----------
    method : str
        The optimizer used.
    lr : float
        The learning rate used.
    points : numpy.ndarray
        Shape ``(k + 1, n)``: the start point and every finite point reached. ``k`` is the
        number of completed steps (``steps`` unless the run diverged).
    losses : numpy.ndarray or None
        Shape ``(k + 1,)``: the loss at each point, or None when no loss function was given.
    grads : numpy.ndarray
        Shape ``(m, n)``: the raw gradient at ``points[i]``, before clipping. ``m = k`` for a
        finished run; after a divergence caused by a step, ``m = k + 1`` and the last row is
        the (finite) gradient whose step blew up.
    used_grads : numpy.ndarray
        Shape ``(m, n)``: the gradients after clipping, as fed to the update rule.
    grad_norms : numpy.ndarray
        Shape ``(m,)``: Euclidean norms of ``grads``.
    used_norms : numpy.ndarray
        Shape ``(m,)``: Euclidean norms of ``used_grads``.
    clipped : numpy.ndarray
        Shape ``(m,)``, bool: whether clipping changed the gradient at that step.
    diverged_at : int or None
        The 1-based step whose result was non-finite or had a loss above
        :data:`DIVERGENCE_LOSS` (or whose gradient was non-finite); None if the run finished.
    """

    method: str
    lr: float
    points: np.ndarray
    losses: np.ndarray | None
    grads: np.ndarray
    used_grads: np.ndarray
    grad_norms: np.ndarray
    used_norms: np.ndarray
    clipped: np.ndarray
    diverged_at: int | None

    @property
    def steps_done(self) -> int:
        """Number of completed steps, ``len(points) - 1``."""
        return len(self.points) - 1


def _bad_loss(value: float) -> bool:
    return not math.isfinite(value) or value > DIVERGENCE_LOSS


def _clip(g, clip_norm, clip_value):
    was = False
    if clip_norm is not None:
        g, was = clip_grad_norm(g, clip_norm)
    if clip_value is not None:
        g, was_v = clip_grad_value(g, clip_value)
        was = was or was_v
    return g, was


def _row_norms(rows: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        norms = np.sqrt(np.einsum("ij,ij->i", rows, rows))
    for i in np.flatnonzero(norms == np.inf):  # overflowed squares: rescale those rows
        norms[i] = vector_norm(rows[i])
    return norms


def _as_matrix(rows: list, n: int) -> np.ndarray:
    return np.array(rows, dtype=float).reshape(len(rows), n)


def optimize(
    grad: Callable[[np.ndarray], np.ndarray],
    x0,
    method: str,
    lr: float,
    steps: int,
    *,
    loss: Callable[[np.ndarray], float] | None = None,
    momentum: float = 0.9,
    nesterov: bool = False,
    betas: tuple[float, float] = (0.9, 0.999),
    alpha: float = 0.99,
    eps: float | None = None,
    clip_norm: float | None = None,
    clip_value: float | None = None,
) -> Trajectory:
    r"""Run ``steps`` updates of an optimizer from ``x0`` and record the whole path.

    Each step evaluates the gradient at the current point, clips it (norm first, then value,
    if asked), and applies :func:`step`:

    .. math::

        g_t = \operatorname{clip}(\nabla f(x_{t-1})), \qquad x_t = \operatorname{rule}(x_{t-1}, g_t)

    The run stops at the first step whose new point is non-finite, whose loss is non-finite or
    above :data:`DIVERGENCE_LOSS`, or whose gradient is non-finite; ``diverged_at`` records it
    and only the finite points before it are kept.

    Parameters
    ----------
    grad : callable
        ``grad(x) -> ndarray`` of the same shape as ``x``.
    x0 : array_like
        Start point, flat.
    method : str
        One of :data:`METHODS`.
    lr : float
        Learning rate; must be positive.
    steps : int
        Number of updates; must be >= 0.
    loss : callable or None, default None
        ``loss(x) -> float``; when given, losses are recorded and checked for divergence.
    momentum : float, default 0.9
        See :func:`step`.
    nesterov : bool, default False
        See :func:`step`.
    betas : tuple of float, default (0.9, 0.999)
        See :func:`step`.
    alpha : float, default 0.99
        See :func:`step`.
    eps : float or None, default None
        See :func:`step`.
    clip_norm : float or None, default None
        If given, :func:`clip_grad_norm` with this ``max_norm`` before every update.
    clip_value : float or None, default None
        If given, :func:`clip_grad_value` with this value before every update.

    Returns
    -------
    Trajectory
        Points, losses, raw and clipped gradients, their norms, and where it diverged.

    Raises
    ------
    ValueError
        For an unknown method, a non-positive ``lr``, negative ``steps``, a non-finite start
        point or start loss, or a non-positive clipping threshold.
    """
    x = np.array(x0, dtype=float).ravel()
    init_state(method, 0)  # validates the method name
    _check_arguments(x, lr, steps, clip_norm, clip_value)
    hyper = {"momentum": momentum, "nesterov": nesterov, "betas": betas, "alpha": alpha, "eps": eps}
    with np.errstate(over="ignore", invalid="ignore"):
        return _run(grad, loss, x, method, lr, steps, hyper, (clip_norm, clip_value))


def _check_arguments(x, lr, steps, clip_norm, clip_value) -> None:
    if not lr > 0 or steps < 0:
        raise ValueError(f"Need lr > 0 and steps >= 0, got lr={lr}, steps={steps}.")
    if not np.all(np.isfinite(x)):
        raise ValueError("The start point must be finite.")
    for name, value in (("norm", clip_norm), ("value", clip_value)):
        if value is not None and not value > 0:
            raise ValueError(f"The clipping {name} must be positive, got {value}.")


def _run(grad, loss, x, method, lr, steps, hyper, clip) -> Trajectory:
    losses = None if loss is None else [float(loss(x))]
    if losses is not None and _bad_loss(losses[0]):
        raise ValueError(f"The loss at the start point is {losses[0]}; pick another start.")
    state = init_state(method, x.size)
    points, raw, used, clipped = [x], [], [], []
    diverged_at = None
    for t in range(1, steps + 1):
        g = np.asarray(grad(x), dtype=float)
        if not np.isfinite(g).all():
            diverged_at = t
            break
        g_used, was = _clip(g, *clip)
        raw.append(g)
        used.append(g_used)
        clipped.append(was)
        x, state = step(method, x, g_used, state, lr, t, **hyper)
        value = None if losses is None else float(loss(x))
        if not np.isfinite(x).all() or (value is not None and _bad_loss(value)):
            diverged_at = t
            break
        points.append(x)
        if losses is not None:
            losses.append(value)
    return _trajectory(method, lr, points, losses, raw, used, clipped, diverged_at)


def _trajectory(method, lr, points, losses, raw, used, clipped, diverged_at) -> Trajectory:
    n = points[0].size
    grads, used_grads = _as_matrix(raw, n), _as_matrix(used, n)
    return Trajectory(
        method=method,
        lr=float(lr),
        points=_as_matrix(points, n),
        losses=None if losses is None else np.array(losses, dtype=float),
        grads=grads,
        used_grads=used_grads,
        grad_norms=_row_norms(grads),
        used_norms=_row_norms(used_grads),
        clipped=np.array(clipped, dtype=bool),
        diverged_at=diverged_at,
    )


def gradient_cosines(raw: np.ndarray, used: np.ndarray) -> np.ndarray:
    r"""Cosine between each raw gradient and its clipped version, row by row.

    .. math::

        \cos\theta_t = \frac{g_t \cdot g'_t}{\lVert g_t \rVert\, \lVert g'_t \rVert}

    Parameters
    ----------
    raw : numpy.ndarray
        Shape ``(m, n)``: gradients before clipping.
    used : numpy.ndarray
        Shape ``(m, n)``: gradients after clipping.

    Returns
    -------
    numpy.ndarray
        Shape ``(m,)``: the cosines, clipped to ``[-1, 1]``; 1 where either gradient is zero
        (no direction to change).
    """
    raw = np.asarray(raw, dtype=float)
    used = np.asarray(used, dtype=float)
    norms = _row_norms(raw) * _row_norms(used)
    dots = np.einsum("ij,ij->i", raw, used)
    safe = norms > 0
    cos = np.ones(len(raw))
    cos[safe] = dots[safe] / norms[safe]
    return np.clip(cos, -1.0, 1.0)


def gradient_evaluation_counts(n: int) -> dict[str, int]:
    r"""Loss evaluations needed for one full gradient of ``n`` parameters, by method.

    .. math::

        \text{forward differences: } n + 1, \qquad \text{central differences: } 2n, \qquad
        \text{backpropagation: } 1 \text{ forward} + 1 \text{ backward} \approx 3

    The backward pass of reverse-mode differentiation costs a small constant multiple of the
    forward pass (at most about 3 to 4 for the usual operations, whatever ``n`` is); 3 forward
    passes in total is the usual rule of thumb.

    Parameters
    ----------
    n : int
        Number of parameters, at least 1.

    Returns
    -------
    dict
        ``{"forward": n + 1, "central": 2 n, "backprop": 3}`` in forward-pass equivalents.

    Raises
    ------
    ValueError
        If ``n < 1``.
    """
    if n < 1:
        raise ValueError(f"Need at least one parameter, got {n}.")
    return {"forward": n + 1, "central": 2 * n, "backprop": 3}

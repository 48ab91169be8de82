r"""The straight path from a baseline to an input, and the quadrature rules that integrate along it.

Integrated Gradients adds up the gradient along the path :math:`x' + \alpha (x - x')`,
:math:`\alpha \in [0, 1]`. This module holds the pieces every path method shares:

- :func:`path_rule`: the nodes :math:`\alpha_k` and weights :math:`w_k` of a quadrature rule,
  under Captum's names (``captum.attr.IntegratedGradients(method=...)``), in the textbook
  convention or in Captum's own;
- :func:`path_points` and :func:`path_gradients`: the inputs along the path and the gradients
  there;
- :func:`path_walk`: the walk along the path that the lesson's motion plays, with the running
  sum of the attributions reaching :math:`f(x) - f(x')` at :math:`\alpha = 1`.

A model is given as two *batched* callables, as in :mod:`core.attribution.methods`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Batched = Callable[[np.ndarray], np.ndarray]

IG_METHODS = (
    "riemann_left",
    "riemann_right",
    "riemann_middle",
    "riemann_trapezoid",
    "gausslegendre",
)
"""The quadrature rules, by Captum's names."""

CONVENTIONS = ("textbook", "captum")
"""``"textbook"``: weights that sum to 1. ``"captum"``: Captum's weights (the trapezoid differs)."""

_TOLERANCE = 1e-12  # a node "has been passed" at α when it lies at most this far beyond α


def _check(method: str, steps: int, convention: str) -> int:
    if method not in IG_METHODS:
        raise ValueError(f"Unknown Integrated Gradients method {method!r}; use one of {IG_METHODS}.")
    if convention not in CONVENTIONS:
        raise ValueError(f"Unknown convention {convention!r}; use one of {CONVENTIONS}.")
    m = int(steps)
    # Captum asserts n > 1 for every Riemann rule; the trapezoid needs two end points anyway.
    riemann = method.startswith("riemann")
    least = 2 if method == "riemann_trapezoid" or (riemann and convention == "captum") else 1
    if m < least:
        raise ValueError(f"{method} ({convention} convention) needs at least {least} steps.")
    return m


def path_rule(
    method: str = "riemann_trapezoid", steps: int = 50, convention: str = "textbook"
) -> tuple[np.ndarray, np.ndarray]:
    r"""Nodes ``α_k`` in [0, 1] and weights ``w_k`` of an Integrated Gradients quadrature rule.

    The integral :math:`\int_0^1 g(\alpha)\,d\alpha` is approximated by
    :math:`\sum_k w_k\, g(\alpha_k)`, with :math:`m` = ``steps`` nodes:

    - ``riemann_left``: :math:`\alpha_k = k/m`, :math:`k = 0..m-1`, :math:`w_k = 1/m`;
    - ``riemann_right``: :math:`\alpha_k = k/m`, :math:`k = 1..m`, :math:`w_k = 1/m`;
    - ``riemann_middle``: :math:`\alpha_k = (k + \tfrac12)/m`, :math:`w_k = 1/m`;
    - ``riemann_trapezoid``: :math:`\alpha_k = k/(m-1)`, :math:`k = 0..m-1`, and
      :math:`w_k = 1/(m-1)` halved at both ends: the textbook composite trapezoid rule. Its
      weights sum to 1, so it integrates linear integrands exactly and its error falls like
      :math:`1/m^2`;
    - ``gausslegendre``: Gauss–Legendre nodes and weights mapped from [−1, 1] to [0, 1].

    **Captum's trapezoid differs.** ``captum.attr``'s ``riemann_trapezoid`` keeps the nodes
    :math:`k/(m-1)` but uses steps of :math:`1/m` halved at both ends, so its weights sum to
    :math:`(m-1)/m`, not 1. Every Captum trapezoid sum is exactly :math:`(m-1)/m` times the
    textbook one; the completeness gap then contains :math:`-(f(x) - f(x'))/m` and falls only
    like :math:`1/m`. ``convention="captum"`` gives Captum's weights, to reproduce its numbers
    (Captum builds its Riemann nodes with ``torch.linspace`` in torch's default dtype, float32
    unless changed, so compare beyond about 1e-7 only with ``torch.float64`` as the default).
    The other four rules are the same in both conventions, except that Captum asks for at
    least 2 steps for every Riemann rule.

    Parameters
    ----------
    method : str, default "riemann_trapezoid"
        One of :data:`IG_METHODS`.
    steps : int, default 50
        Number of nodes ``m`` (gradient evaluations). The trapezoid rule needs at least 2.
    convention : str, default "textbook"
        One of :data:`CONVENTIONS`.

    Returns
    -------
    alphas, weights : numpy.ndarray
        Both of shape ``(steps,)``, nodes increasing. The weights sum to 1, except for Captum's
        trapezoid, where they sum to ``(steps - 1) / steps``.

    Raises
    ------
    ValueError
        For an unknown method or convention, or too few steps.
    """
    m = _check(method, steps, convention)
    if method == "gausslegendre":
        nodes, weights = np.polynomial.legendre.leggauss(m)
        return (nodes + 1.0) / 2.0, weights / 2.0
    if method == "riemann_trapezoid":
        weights = np.full(m, 1.0 / (m if convention == "captum" else m - 1))
        weights[[0, -1]] *= 0.5
        return np.linspace(0.0, 1.0, m), weights
    offset = {"riemann_left": 0.0, "riemann_right": 1.0, "riemann_middle": 0.5}[method]
    return (np.arange(m) + offset) / m, np.full(m, 1.0 / m)


def path_points(x: np.ndarray, baseline: np.ndarray, alphas: np.ndarray) -> np.ndarray:
    r"""The inputs along the straight path, :math:`x' + \alpha (x - x')`, one per ``α``.

    Parameters
    ----------
    x, baseline : numpy.ndarray
        The input and the baseline :math:`x'` (broadcastable to the shape of ``x``).
    alphas : numpy.ndarray
        Positions along the path, shape ``(k,)``; 0 is the baseline, 1 the input.

    Returns
    -------
    numpy.ndarray
        Shape ``(k, *x.shape)``.
    """
    x = np.asarray(x, dtype=float)
    baseline = np.broadcast_to(np.asarray(baseline, dtype=float), x.shape)
    shape = (-1,) + (1,) * x.ndim
    return baseline[None] + np.asarray(alphas, dtype=float).reshape(shape) * (x - baseline)[None]


def path_gradients(grad_f: Batched, x: np.ndarray, baseline: np.ndarray,
                   alphas: np.ndarray) -> np.ndarray:
    r"""The gradient :math:`\nabla f` at each point of the path, in one batched call.

    Parameters
    ----------
    grad_f : callable
        Batched gradient, ``(n, *shape) -> (n, *shape)``.
    x, baseline : numpy.ndarray
        The input and the baseline.
    alphas : numpy.ndarray
        Positions along the path, shape ``(k,)``.

    Returns
    -------
    numpy.ndarray
        Shape ``(k, *x.shape)``.
    """
    return np.asarray(grad_f(path_points(x, baseline, alphas)), dtype=float)


@dataclass(frozen=True)
class PathWalk:
    r"""A walk from the baseline to the input, for the motion that plays it.

    Attributes
    ----------
    alphas : numpy.ndarray
        Where the walk stops, from 0 to 1, shape ``(k,)``.
    points : numpy.ndarray
        The interpolated inputs :math:`x' + \alpha (x - x')`, shape ``(k, *x.shape)``.
    change : numpy.ndarray
        :math:`f(x' + \alpha (x - x')) - f(x')`: how far the output has moved, shape ``(k,)``.
    running_sum : numpy.ndarray
        The attributions summed over every feature and every quadrature node passed so far
        (nodes :math:`\alpha_j \le \alpha`), shape ``(k,)``. At :math:`\alpha = 1` it is
        :math:`\sum_i \mathrm{IG}_i`, which equals ``change[-1]`` up to the quadrature gap.
    nodes, contributions : numpy.ndarray
        The rule's nodes and each node's share :math:`w_j \nabla f(\alpha_j) \cdot (x - x')`,
        shape ``(steps,)``.
    """

    alphas: np.ndarray
    points: np.ndarray
    change: np.ndarray
    running_sum: np.ndarray
    nodes: np.ndarray
    contributions: np.ndarray

    @property
    def gap(self) -> float:
        """Completeness gap at the end of the walk: ``running_sum[-1] - change[-1]``."""
        return float(self.running_sum[-1] - self.change[-1])


def path_walk(
    f: Batched,
    grad_f: Batched,
    x: np.ndarray,
    baseline: np.ndarray,
    steps: int = 50,
    method: str = "riemann_trapezoid",
    convention: str = "textbook",
    stops: int = 41,
) -> PathWalk:
    r"""Walk from the baseline to the input, adding up the attributions on the way.

    The running sum at :math:`\alpha` is the quadrature of the path integral over the nodes
    passed so far,

    .. math::

        S(\alpha) = \sum_{j:\ \alpha_j \le \alpha} w_j\, \nabla f\bigl(x' + \alpha_j (x - x')\bigr)
        \cdot (x - x'),

    which, by the fundamental theorem of calculus, follows :math:`f(x' + \alpha(x - x')) -
    f(x')` as the rule gets finer, and at :math:`\alpha = 1` is the sum of the Integrated
    Gradients attributions (completeness, up to the quadrature gap).

    Parameters
    ----------
    f, grad_f : callable
        Batched model and gradient.
    x, baseline : numpy.ndarray
        The input and the baseline.
    steps : int, default 50
        Quadrature nodes (gradient evaluations), as in Integrated Gradients.
    method : str, default "riemann_trapezoid"
        Quadrature rule, see :func:`path_rule`.
    convention : str, default "textbook"
        See :func:`path_rule`.
    stops : int, default 41
        Evenly spaced stops of the walk from 0 to 1 (at least 2).

    Returns
    -------
    PathWalk
        The stops, the inputs there, the change of the output and the running sum.
    """
    if int(stops) < 2:
        raise ValueError("A walk needs at least 2 stops (the baseline and the input).")
    x = np.asarray(x, dtype=float)
    baseline = np.broadcast_to(np.asarray(baseline, dtype=float), x.shape)
    nodes, weights = path_rule(method, steps, convention)
    grads = path_gradients(grad_f, x, baseline, nodes)
    contributions = weights * (grads.reshape(nodes.size, -1) @ (x - baseline).ravel())
    alphas = np.linspace(0.0, 1.0, int(stops))
    passed = np.searchsorted(nodes, alphas + _TOLERANCE, side="right")
    running = np.concatenate([[0.0], np.cumsum(contributions)])[passed]
    points = path_points(x, baseline, alphas)
    values = np.asarray(f(np.concatenate([baseline[None], points])), dtype=float)
    return PathWalk(alphas, points, values[1:] - values[0], running, nodes, contributions)

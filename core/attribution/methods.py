"""Gradient-based attribution: saliency, gradient × input, Integrated Gradients, SmoothGrad.

Every method here is model-agnostic. A model is given as two *batched* callables:

- ``f(X)`` takes a batch of inputs of shape ``(n, *x.shape)`` and returns the outputs, shape ``(n,)``;
- ``grad_f(X)`` takes the same batch and returns ``∂f/∂x`` for each input, shape ``(n, *x.shape)``.

Batching matters: Integrated Gradients with 50 steps is one call with 50 inputs, not 50 calls.

The Integrated Gradients quadrature rules carry the names Captum uses
(``captum.attr.IntegratedGradients(method=...)``) so that learners recognise them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from core.attribution.smoothgrad import noisy_copies, smoothgrad

__all__ = [
    "IG_METHODS", "METHODS", "IGResult", "attribute", "completeness_gaps", "gradient_saliency",
    "gradient_x_input", "integrated_gradients", "path_rule", "smooth_integrated_gradients",
]

Batched = Callable[[np.ndarray], np.ndarray]

IG_METHODS = (
    "riemann_left",
    "riemann_right",
    "riemann_middle",
    "riemann_trapezoid",
    "gausslegendre",
)


@dataclass(frozen=True)
class IGResult:
    """Integrated Gradients of one input.

    Attributes
    ----------
    attributions : numpy.ndarray
        One attribution per input feature, the shape of ``x``.
    gap : float
        Completeness gap ``Σ attributions − (f(x) − f(baseline))``; 0 for exact integration.
    f_x : float
        Model output at the input.
    f_baseline : float
        Model output at the baseline.
    method : str
        Quadrature rule used.
    steps : int
        Number of gradient evaluations along the path.
    """

    attributions: np.ndarray
    gap: float
    f_x: float
    f_baseline: float
    method: str
    steps: int


def _one(grad_f: Batched, x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    return np.asarray(grad_f(x[None]), dtype=float)[0]


def gradient_saliency(grad_f: Batched, x: np.ndarray) -> np.ndarray:
    r"""Vanilla gradient saliency: the partial derivative of the output for each feature.

    .. math:: S_i(x) = \frac{\partial f}{\partial x_i}(x)

    Signed (Simonyan et al. 2014 take the absolute value; choose the sign when displaying).

    Parameters
    ----------
    grad_f : callable
        Batched gradient, ``(n, *shape) -> (n, *shape)``.
    x : numpy.ndarray
        One input.

    Returns
    -------
    numpy.ndarray
        The gradient at ``x``, the shape of ``x``.
    """
    return _one(grad_f, x)


def gradient_x_input(grad_f: Batched, x: np.ndarray) -> np.ndarray:
    r"""Gradient × input: the first-order Taylor share of each feature, from a zero baseline.

    .. math:: A_i(x) = x_i \, \frac{\partial f}{\partial x_i}(x)

    Parameters
    ----------
    grad_f : callable
        Batched gradient, ``(n, *shape) -> (n, *shape)``.
    x : numpy.ndarray
        One input.

    Returns
    -------
    numpy.ndarray
        Elementwise product of the input and its gradient.
    """
    x = np.asarray(x, dtype=float)
    return x * _one(grad_f, x)


def path_rule(method: str = "riemann_trapezoid", steps: int = 50) -> tuple[np.ndarray, np.ndarray]:
    r"""Nodes ``α_k`` in [0, 1] and weights ``w_k`` of an Integrated Gradients quadrature rule.

    The integral :math:`\int_0^1 g(\alpha)\,d\alpha` is approximated by :math:`\sum_k w_k g(\alpha_k)`:

    - ``riemann_left``: :math:`\alpha_k = k/m`, :math:`k = 0..m-1`, :math:`w_k = 1/m`;
    - ``riemann_right``: :math:`\alpha_k = k/m`, :math:`k = 1..m`, :math:`w_k = 1/m`;
    - ``riemann_middle``: :math:`\alpha_k = (k + \tfrac12)/m`, :math:`w_k = 1/m`;
    - ``riemann_trapezoid``: :math:`\alpha_k = k/(m-1)`, :math:`w_k = 1/(m-1)`, halved at both ends;
    - ``gausslegendre``: Gauss–Legendre nodes and weights mapped from [−1, 1] to [0, 1].

    Parameters
    ----------
    method : str, default "riemann_trapezoid"
        One of :data:`IG_METHODS`.
    steps : int, default 50
        Number of nodes ``m`` (gradient evaluations). The trapezoid rule needs at least 2.

    Returns
    -------
    alphas, weights : numpy.ndarray
        Both of shape ``(steps,)``; the weights sum to 1.

    Raises
    ------
    ValueError
        For an unknown method or too few steps.
    """
    m = int(steps)
    if method not in IG_METHODS:
        raise ValueError(f"Unknown Integrated Gradients method {method!r}; use one of {IG_METHODS}.")
    if m < (2 if method == "riemann_trapezoid" else 1):
        raise ValueError(f"{method} needs at least {2 if method == 'riemann_trapezoid' else 1} steps.")
    if method == "gausslegendre":
        nodes, weights = np.polynomial.legendre.leggauss(m)
        return (nodes + 1.0) / 2.0, weights / 2.0
    if method == "riemann_trapezoid":
        weights = np.full(m, 1.0 / (m - 1))
        weights[[0, -1]] *= 0.5
        return np.linspace(0.0, 1.0, m), weights
    offset = {"riemann_left": 0.0, "riemann_right": 1.0, "riemann_middle": 0.5}[method]
    return (np.arange(m) + offset) / m, np.full(m, 1.0 / m)


def _path_gradient(grad_f, x, baseline, method, steps):
    """Weighted average gradient along the straight path from baseline to x."""
    alphas, weights = path_rule(method, steps)
    diff = x - baseline
    shape = (-1,) + (1,) * x.ndim
    points = baseline[None] + alphas.reshape(shape) * diff[None]
    grads = np.asarray(grad_f(points), dtype=float)
    return np.tensordot(weights, grads, axes=1)


def integrated_gradients(
    f: Batched,
    grad_f: Batched,
    x: np.ndarray,
    baseline: np.ndarray,
    steps: int = 50,
    method: str = "riemann_trapezoid",
) -> IGResult:
    r"""Integrated Gradients (Sundararajan et al. 2017) along the straight path from a baseline.

    .. math::

        \mathrm{IG}_i(x) = (x_i - x'_i)\int_0^1
            \frac{\partial f}{\partial x_i}\bigl(x' + \alpha (x - x')\bigr)\,d\alpha

    Completeness holds for the exact integral, :math:`\sum_i \mathrm{IG}_i = f(x) - f(x')`;
    the returned ``gap`` measures how far the quadrature is from it.

    Parameters
    ----------
    f : callable
        Batched model, ``(n, *shape) -> (n,)``.
    grad_f : callable
        Batched gradient, ``(n, *shape) -> (n, *shape)``.
    x : numpy.ndarray
        The input to explain.
    baseline : numpy.ndarray
        The reference input ``x'``, same shape as ``x`` (or broadcastable to it).
    steps : int, default 50
        Gradient evaluations along the path.
    method : str, default "riemann_trapezoid"
        Quadrature rule, see :func:`path_rule`.

    Returns
    -------
    IGResult
        Attributions, completeness gap and the two end-point outputs.
    """
    x = np.asarray(x, dtype=float)
    baseline = np.broadcast_to(np.asarray(baseline, dtype=float), x.shape)
    attributions = (x - baseline) * _path_gradient(grad_f, x, baseline, method, steps)
    f_ends = np.asarray(f(np.stack([x, baseline])), dtype=float)
    gap = float(attributions.sum() - (f_ends[0] - f_ends[1]))
    return IGResult(attributions, gap, float(f_ends[0]), float(f_ends[1]), method, int(steps))


def completeness_gaps(
    f: Batched,
    grad_f: Batched,
    x: np.ndarray,
    baseline: np.ndarray,
    steps_grid: tuple[int, ...] = (2, 4, 8, 16, 32, 64),
    methods: tuple[str, ...] = IG_METHODS,
) -> dict[str, np.ndarray]:
    """Completeness gap of Integrated Gradients for several methods and step counts.

    Parameters
    ----------
    f, grad_f : callable
        Batched model and gradient.
    x, baseline : numpy.ndarray
        Input and baseline.
    steps_grid : tuple of int, default (2, 4, 8, 16, 32, 64)
        Step counts to try.
    methods : tuple of str, default IG_METHODS
        Quadrature rules to compare.

    Returns
    -------
    dict of str to numpy.ndarray
        For each method, the gap at each step count, shape ``(len(steps_grid),)``.
    """
    return {
        m: np.array([integrated_gradients(f, grad_f, x, baseline, s, m).gap for s in steps_grid])
        for m in methods
    }


def smooth_integrated_gradients(
    grad_f: Batched,
    x: np.ndarray,
    baseline: np.ndarray,
    steps: int = 50,
    method: str = "riemann_trapezoid",
    sigma: float = 0.15,
    samples: int = 50,
    seed: int = 0,
    value_range: tuple[float, float] | None = None,
) -> np.ndarray:
    r"""SmoothGrad applied to Integrated Gradients: IG averaged over noisy copies of the input.

    .. math:: \widehat{\mathrm{IG}}(x) = \frac1K \sum_{k=1}^{K} \mathrm{IG}\bigl(x + \varepsilon^{(k)}\bigr)

    Each noisy copy keeps the same baseline. The completeness property holds per copy, not for
    the original input, so no gap is returned.

    Parameters
    ----------
    grad_f : callable
        Batched gradient.
    x, baseline : numpy.ndarray
        Input and baseline.
    steps : int, default 50
        Gradient evaluations per path.
    method : str, default "riemann_trapezoid"
        Quadrature rule, see :func:`path_rule`.
    sigma : float, default 0.15
        Noise level as a fraction of the input range.
    samples : int, default 50
        Number of noisy copies.
    seed : int, default 0
        Seed of the noise.
    value_range : tuple of float or None, default None
        Input domain used for the range; ``None`` uses this input's own range.

    Returns
    -------
    numpy.ndarray
        Averaged attributions, the shape of ``x``.
    """
    x = np.asarray(x, dtype=float)
    baseline = np.broadcast_to(np.asarray(baseline, dtype=float), x.shape)
    total = np.zeros_like(x)
    for noisy in noisy_copies(x, sigma, samples, seed, value_range):
        total += (noisy - baseline) * _path_gradient(grad_f, noisy, baseline, method, steps)
    return total / samples


METHODS = ("integrated_gradients", "smoothgrad", "smooth_ig", "saliency", "gradient_x_input")


def attribute(
    method: str,
    f: Batched,
    grad_f: Batched,
    x: np.ndarray,
    baseline: np.ndarray,
    rule: str = "riemann_trapezoid",
    steps: int = 50,
    sigma: float = 0.15,
    samples: int = 50,
    seed: int = 0,
    value_range: tuple[float, float] | None = None,
) -> np.ndarray:
    """Attributions of one input by any method of this module, by name.

    Parameters
    ----------
    method : str
        One of :data:`METHODS`: ``"integrated_gradients"``, ``"smoothgrad"``, ``"smooth_ig"``
        (SmoothGrad applied to Integrated Gradients), ``"saliency"`` or ``"gradient_x_input"``.
    f, grad_f : callable
        Batched model and gradient.
    x, baseline : numpy.ndarray
        Input and baseline (the baseline is unused by saliency, SmoothGrad and gradient × input).
    rule : str, default "riemann_trapezoid"
        Integrated Gradients quadrature rule.
    steps : int, default 50
        Integrated Gradients steps.
    sigma : float, default 0.15
        SmoothGrad noise as a fraction of the input range.
    samples : int, default 50
        SmoothGrad samples.
    seed : int, default 0
        SmoothGrad seed.
    value_range : tuple of float or None, default None
        Input domain for the SmoothGrad range.

    Returns
    -------
    numpy.ndarray
        Attributions, the shape of ``x``.

    Raises
    ------
    ValueError
        For an unknown method.
    """
    if method == "integrated_gradients":
        return integrated_gradients(f, grad_f, x, baseline, steps, rule).attributions
    if method == "smoothgrad":
        return smoothgrad(grad_f, x, sigma, samples, seed, value_range)
    if method == "smooth_ig":
        return smooth_integrated_gradients(grad_f, x, baseline, steps, rule, sigma, samples, seed,
                                           value_range)
    if method == "saliency":
        return gradient_saliency(grad_f, x)
    if method == "gradient_x_input":
        return gradient_x_input(grad_f, x)
    raise ValueError(f"Unknown attribution method {method!r}; use one of {METHODS}.")

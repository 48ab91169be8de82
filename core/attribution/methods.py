"""Gradient-based attribution: saliency, gradient × input, Integrated Gradients, SmoothGrad.

Every method here is model-agnostic. A model is given as two *batched* callables:

- ``f(X)`` takes a batch of inputs of shape ``(n, *x.shape)`` and returns the outputs, shape ``(n,)``;
- ``grad_f(X)`` takes the same batch and returns ``∂f/∂x`` for each input, shape ``(n, *x.shape)``.

Batching matters: Integrated Gradients with 50 steps is one call with 50 inputs, not 50 calls.

The Integrated Gradients quadrature rules (:mod:`core.attribution.path`) carry the names Captum
uses (``captum.attr.IntegratedGradients(method=...)``) so that learners recognise them. Four of
them also have Captum's weights; the trapezoid rule is the textbook one by default, whose weights
sum to 1, while Captum's sum to (steps − 1)/steps. ``convention="captum"`` reproduces Captum's
(see :func:`core.attribution.path.path_rule`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from core.attribution.path import IG_METHODS, path_gradients, path_rule
from core.attribution.smoothgrad import noisy_copies, smoothgrad

__all__ = [
    "METHODS", "IGResult", "attribute", "completeness_gaps", "gradient_saliency",
    "gradient_x_input", "integrated_gradients", "smooth_integrated_gradients",
]

Batched = Callable[[np.ndarray], np.ndarray]


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
    convention : str
        ``"textbook"`` or ``"captum"`` weights (see :func:`core.attribution.path.path_rule`).
    """

    attributions: np.ndarray
    gap: float
    f_x: float
    f_baseline: float
    method: str
    steps: int
    convention: str = "textbook"


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


def _path_gradient(grad_f, x, baseline, method, steps, convention):
    """Weighted average gradient along the straight path from baseline to x."""
    alphas, weights = path_rule(method, steps, convention)
    return np.tensordot(weights, path_gradients(grad_f, x, baseline, alphas), axes=1)


def integrated_gradients(
    f: Batched,
    grad_f: Batched,
    x: np.ndarray,
    baseline: np.ndarray,
    steps: int = 50,
    method: str = "riemann_trapezoid",
    convention: str = "textbook",
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
        Quadrature rule, see :func:`core.attribution.path.path_rule`.
    convention : str, default "textbook"
        ``"captum"`` uses Captum's trapezoid weights, which sum to (steps − 1)/steps, to
        reproduce Captum's numbers; the other rules are the same in both conventions.

    Returns
    -------
    IGResult
        Attributions, completeness gap and the two end-point outputs.
    """
    x = np.asarray(x, dtype=float)
    baseline = np.broadcast_to(np.asarray(baseline, dtype=float), x.shape)
    gradient = _path_gradient(grad_f, x, baseline, method, steps, convention)
    attributions = (x - baseline) * gradient
    f_ends = np.asarray(f(np.stack([x, baseline])), dtype=float)
    gap = float(attributions.sum() - (f_ends[0] - f_ends[1]))
    return IGResult(attributions, gap, float(f_ends[0]), float(f_ends[1]), method, int(steps),
                    convention)


def completeness_gaps(
    f: Batched,
    grad_f: Batched,
    x: np.ndarray,
    baseline: np.ndarray,
    steps_grid: tuple[int, ...] = (2, 4, 8, 16, 32, 64),
    methods: tuple[str, ...] = IG_METHODS,
    convention: str = "textbook",
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
    convention : str, default "textbook"
        Weights of the rules, see :func:`core.attribution.path.path_rule`.

    Returns
    -------
    dict of str to numpy.ndarray
        For each method, the gap at each step count, shape ``(len(steps_grid),)``.
    """
    return {
        m: np.array([integrated_gradients(f, grad_f, x, baseline, s, m, convention).gap
                     for s in steps_grid])
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
    convention: str = "textbook",
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
        Quadrature rule, see :func:`core.attribution.path.path_rule`.
    sigma : float, default 0.15
        Noise level as a fraction of the input range.
    samples : int, default 50
        Number of noisy copies.
    seed : int, default 0
        Seed of the noise.
    value_range : tuple of float or None, default None
        Input domain used for the range; ``None`` uses this input's own range.
    convention : str, default "textbook"
        Weights of the rule, see :func:`core.attribution.path.path_rule`.

    Returns
    -------
    numpy.ndarray
        Averaged attributions, the shape of ``x``.
    """
    x = np.asarray(x, dtype=float)
    baseline = np.broadcast_to(np.asarray(baseline, dtype=float), x.shape)
    total = np.zeros_like(x)
    for noisy in noisy_copies(x, sigma, samples, seed, value_range):
        total += (noisy - baseline) * _path_gradient(grad_f, noisy, baseline, method, steps,
                                                           convention)
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
    convention: str = "textbook",
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
    convention : str, default "textbook"
        Integrated Gradients weights, see :func:`core.attribution.path.path_rule`.

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
        return integrated_gradients(f, grad_f, x, baseline, steps, rule, convention).attributions
    if method == "smoothgrad":
        return smoothgrad(grad_f, x, sigma, samples, seed, value_range)
    if method == "smooth_ig":
        return smooth_integrated_gradients(grad_f, x, baseline, steps, rule, sigma, samples, seed,
                                           value_range, convention)
    if method == "saliency":
        return gradient_saliency(grad_f, x)
    if method == "gradient_x_input":
        return gradient_x_input(grad_f, x)
    raise ValueError(f"Unknown attribution method {method!r}; use one of {METHODS}.")

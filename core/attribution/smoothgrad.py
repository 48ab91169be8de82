"""SmoothGrad: gradients averaged over noisy copies of the input (Smilkov et al. 2017).

``grad_f`` is a batched gradient: a batch of inputs in, one gradient per input out.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Batched = Callable[[np.ndarray], np.ndarray]


def noisy_copies(
    x: np.ndarray,
    sigma: float = 0.15,
    samples: int = 50,
    seed: int = 0,
    value_range: tuple[float, float] | None = None,
) -> np.ndarray:
    r"""Gaussian-noised copies of ``x`` with noise scaled to the input's range (SmoothGrad).

    .. math:: \tilde x^{(k)} = x + \varepsilon^{(k)},\quad
              \varepsilon^{(k)} \sim \mathcal N\bigl(0, (\sigma\,(x_{\max} - x_{\min}))^2\bigr)

    Parameters
    ----------
    x : numpy.ndarray
        One input.
    sigma : float, default 0.15
        Noise level as a *fraction of the input range* (the paper recommends 0.10–0.20).
    samples : int, default 50
        Number of noisy copies.
    seed : int, default 0
        Seed of the ``numpy.random.Generator``; equal seeds give equal copies.
    value_range : tuple of float or None, default None
        ``(x_min, x_max)`` of the input domain (e.g. ``(0, 1)`` for images). ``None`` uses
        ``x.max() - x.min()`` of this input, as the SmoothGrad paper does.

    Returns
    -------
    numpy.ndarray
        Shape ``(samples, *x.shape)``.

    Raises
    ------
    ValueError
        For a negative sigma or fewer than one sample.
    """
    x = np.asarray(x, dtype=float)
    if sigma < 0 or samples < 1:
        raise ValueError("SmoothGrad needs sigma ≥ 0 and at least one sample.")
    lo, hi = (x.min(), x.max()) if value_range is None else value_range
    scale = float(sigma) * float(hi - lo)
    noise = np.random.default_rng(seed).standard_normal((int(samples), *x.shape))
    return x[None] + scale * noise


def smoothgrad(
    grad_f: Batched,
    x: np.ndarray,
    sigma: float = 0.15,
    samples: int = 50,
    seed: int = 0,
    value_range: tuple[float, float] | None = None,
) -> np.ndarray:
    r"""SmoothGrad (Smilkov et al. 2017): the gradient averaged over noisy copies of the input.

    .. math:: \hat S(x) = \frac1K \sum_{k=1}^{K} \nabla f\bigl(x + \varepsilon^{(k)}\bigr)

    Parameters
    ----------
    grad_f : callable
        Batched gradient, ``(n, *shape) -> (n, *shape)``.
    x : numpy.ndarray
        One input.
    sigma : float, default 0.15
        Noise level as a fraction of the input range, see :func:`noisy_copies`.
    samples : int, default 50
        Number of noisy copies ``K``.
    seed : int, default 0
        Seed; the result is reproducible for a seed.
    value_range : tuple of float or None, default None
        Input domain used for the range; ``None`` uses this input's own range.

    Returns
    -------
    numpy.ndarray
        Smoothed gradient, the shape of ``x``.
    """
    noisy = noisy_copies(x, sigma, samples, seed, value_range)
    return np.asarray(grad_f(noisy), dtype=float).mean(axis=0)

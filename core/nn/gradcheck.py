"""Finite-difference gradient checks: the slow, obvious way to verify backpropagation."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import numpy as np

from core.nn import mlp
from core.nn.params import flatten, unflatten

METHODS = ("central", "forward")


def finite_difference_gradient(
    f: Callable[[np.ndarray], float], theta: np.ndarray, h: float = 1e-6,
    method: str = "central",
) -> np.ndarray:
    r"""Gradient of ``f`` at ``theta`` by nudging one coordinate at a time.

    .. math::
        \text{central: } \frac{f(\theta + h e_i) - f(\theta - h e_i)}{2h},\qquad
        \text{forward: } \frac{f(\theta + h e_i) - f(\theta)}{h}

    Costs :math:`2P` (central) or :math:`P + 1` (forward) evaluations of ``f`` for
    :math:`P` parameters, which is why nobody trains networks this way.

    Parameters
    ----------
    f : callable
        Scalar function of a flat float64 vector.
    theta : numpy.ndarray
        Point of shape ``(P,)``.
    h : float, default 1e-6
        Step size.
    method : {"central", "forward"}, default "central"
        Difference scheme (central has error O(h²), forward O(h)).

    Returns
    -------
    numpy.ndarray
        Approximate gradient of shape ``(P,)``.
    """
    if method not in METHODS:
        raise ValueError(f"Unknown method {method!r}; choose one of {METHODS}.")
    if not h > 0:
        raise ValueError("The step h must be positive.")
    theta = np.array(theta, dtype=np.float64)
    g = np.empty_like(theta)
    f0 = f(theta) if method == "forward" else 0.0
    for i in range(theta.size):
        old = theta[i]
        theta[i] = old + h
        fp = f(theta)
        if method == "central":
            theta[i] = old - h
            g[i] = (fp - f(theta)) / (2.0 * h)
        else:
            g[i] = (fp - f0) / h
        theta[i] = old
    return g


def relative_error(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    r"""Element-wise relative error, 0 where both entries are exactly zero.

    .. math:: r_i = \frac{|a_i - b_i|}{\max(|a_i|, |b_i|)}

    Parameters
    ----------
    a, b : numpy.ndarray
        Arrays of the same shape.

    Returns
    -------
    numpy.ndarray
        Relative errors in [0, 2].
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    scale = np.maximum(np.abs(a), np.abs(b))
    diff = np.abs(a - b)
    return np.divide(diff, scale, out=np.zeros_like(diff), where=scale > 0)


def error_versus_step(
    f: Callable[[np.ndarray], float], theta: np.ndarray, grad: np.ndarray,
    steps: Sequence[float], method: str = "central",
) -> np.ndarray:
    r"""Largest relative error between ``grad`` and finite differences, for each step size.

    Large steps suffer truncation error (:math:`O(h^2)` central, :math:`O(h)`
    forward); tiny steps suffer round-off (:math:`\approx \epsilon_{mach}/h`), so the
    curve is a V with its best point near :math:`h \approx 10^{-5}` (central).

    Parameters
    ----------
    f : callable
        Scalar function of a flat vector.
    theta : numpy.ndarray
        Point of shape ``(P,)``.
    grad : numpy.ndarray
        Reference gradient (e.g. from backpropagation), shape ``(P,)``.
    steps : sequence of float
        Step sizes ``h`` to try.
    method : {"central", "forward"}, default "central"
        Difference scheme.

    Returns
    -------
    numpy.ndarray
        Max relative error per step, shape ``(len(steps),)``.
    """
    return np.array(
        [relative_error(finite_difference_gradient(f, theta, h, method), grad).max()
         for h in steps]
    )


def power_law_fit(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    r"""Least-squares fit of :math:`y \approx c\,x^k` on log-log axes.

    .. math:: \log y = \log c + k \log x

    Parameters
    ----------
    x, y : numpy.ndarray
        Positive values of the same length (at least two distinct ``x``).

    Returns
    -------
    coefficient : float
        :math:`c`.
    exponent : float
        :math:`k`: 1 means linear growth, 0 flat, 2 quadratic.
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.shape != y.shape or len(np.unique(x)) < 2 or (x <= 0).any() or (y <= 0).any():
        raise ValueError("Need positive x and y of the same length, with two distinct x.")
    k, log_c = np.polyfit(np.log(x), np.log(y), 1)
    return float(np.exp(log_c)), float(k)


def _calls_per_sample(fn: Callable[[], object], min_seconds: float) -> int:
    """How many calls of ``fn`` take at least ``min_seconds`` (so the clock's grain is small)."""
    calls = 1
    while True:
        start = time.thread_time()
        for _ in range(calls):
            fn()
        if time.thread_time() - start >= min_seconds or calls >= 1 << 16:
            return calls
        calls *= 2


def _interleaved_medians(fns: Sequence[Callable[[], object]], repeat: int,
                         min_seconds: float) -> np.ndarray:
    """Seconds per call of each function: ``repeat`` samples taken in turn.

    The clock is the CPU time of the measuring thread (``time.thread_time``), so other
    programs, and other sessions of the same server, do not count; and taking the samples in
    turn means what load remains (a busy cache, a slower clock) hits every function alike.
    Returns shape ``(repeat, len(fns))``.
    """
    calls = [_calls_per_sample(fn, min_seconds) for fn in fns]
    out = np.empty((max(1, repeat), len(fns)))
    for r in range(out.shape[0]):
        for j, (fn, k) in enumerate(zip(fns, calls, strict=True)):
            start = time.thread_time()
            for _ in range(k):
                fn()
            out[r, j] = (time.thread_time() - start) / k
    return out


def measure_gradient_cost(
    widths: Sequence[int] = (2, 4, 8, 12, 18, 24, 31), n: int = 100, repeat: int = 5,
    seed: int = 0, min_seconds: float = 2e-3,
) -> dict[str, np.ndarray]:
    r"""Time one loss evaluation, one backprop gradient and one finite-difference gradient.

    Networks are ``2 -> w -> w -> 1`` (tanh, BCE) on ``n`` random points, so the
    parameter count is :math:`P = w^2 + 5w + 1`. Backpropagation costs a small constant
    number of forward passes whatever :math:`P`; central differences cost :math:`2P`, so
    their ratio grows about linearly in :math:`P`. Each time is the median of ``repeat``
    samples taken in turn, each sample averaging enough calls to last ``min_seconds`` of
    the thread's CPU time;
    the ratio is the median of the per-sample ratios. Power laws :math:`c P^k` are fitted
    to the times and to the ratio (:func:`power_law_fit`).

    Parameters
    ----------
    widths : sequence of int, default (2, 4, 8, 12, 18, 24, 31)
        Hidden widths ``w`` to try (31 gives 1 117 parameters); at least two.
    n : int, default 100
        Number of samples in the batch.
    repeat : int, default 5
        Samples per measurement (the median is reported).
    seed : int, default 0
        Seed for the data and weights.
    min_seconds : float, default 2e-3
        Shortest duration of one sample.

    Returns
    -------
    dict
        Arrays with one entry per width: ``n_params``, ``forward_s``, ``backprop_s``,
        ``fd_s``, ``fd_over_backprop``; and fitted ``(coefficient, exponent)`` pairs:
        ``fd_fit``, ``backprop_fit``, ``ratio_fit``.
    """
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    y = (rng.random(n) > 0.5).astype(np.float64)
    rows = []
    for w in widths:
        sizes = (2, int(w), int(w), 1)
        params = mlp.init_params(sizes, seed=seed)
        theta = flatten(params)

        def loss_of(t, sizes=sizes):
            return mlp.loss_value(unflatten(t, sizes), X, y)

        samples = _interleaved_medians(
            (lambda p=params: mlp.loss_value(p, X, y),
             lambda p=params: mlp.loss_and_grads(p, X, y),
             lambda f=loss_of, t=theta: finite_difference_gradient(f, t)),
            repeat, min_seconds)
        rows.append((theta.size, *np.median(samples, axis=0),
                     float(np.median(samples[:, 2] / samples[:, 1]))))
    a = np.array(rows, dtype=np.float64)
    out = {"n_params": a[:, 0].astype(int), "forward_s": a[:, 1], "backprop_s": a[:, 2],
           "fd_s": a[:, 3], "fd_over_backprop": a[:, 4]}
    for key, values in (("fd_fit", a[:, 3]), ("backprop_fit", a[:, 2]), ("ratio_fit", a[:, 4])):
        out[key] = power_law_fit(a[:, 0], values)
    return out

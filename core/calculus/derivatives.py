r"""Numerical partial derivatives, gradients and directional derivatives (NumPy only).

Every function takes ``f`` mapping a 1-D array ``x`` to a float. Four methods are available:

- ``"forward"``:  :math:`(f(x + h e_i) - f(x)) / h`, error :math:`O(h)`;
- ``"backward"``: :math:`(f(x) - f(x - h e_i)) / h`, error :math:`O(h)`;
- ``"central"``:  :math:`(f(x + h e_i) - f(x - h e_i)) / 2h`, error :math:`O(h^2)`;
- ``"complex"``:  :math:`\operatorname{Im} f(x + i h e_i) / h`, error :math:`O(h^2)` with no
  subtractive cancellation, so machine precision for analytic ``f`` (``f`` must accept complex).

The error explorer :func:`error_scan` measures the absolute error of each method against an exact
derivative for step sizes from 1e-16 to 1e-1 and fits the slopes of the log-log error curve.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

METHODS = ("forward", "backward", "central", "complex")
"""The finite-difference methods, in display order."""

_EPS = float(np.finfo(float).eps)
_ORDER = {"forward": 1, "backward": 1, "central": 2, "complex": 2}


def default_step(x_i: float, method: str = "central") -> float:
    r"""Default step size for one coordinate, balancing truncation and round-off error.

    .. math::

        h = \varepsilon^{1/(p+1)} \max(1, |x_i|)

    with :math:`p` the order of the method (1 for one-sided, 2 for central) and
    :math:`\varepsilon` the machine epsilon. The complex step has no round-off trade-off and uses
    :math:`h = 10^{-20} \max(1, |x_i|)`.

    Parameters
    ----------
    x_i : float
        The coordinate being varied.
    method : str, optional
        One of :data:`METHODS`.

    Returns
    -------
    float
        The step size.
    """
    _check_method(method)
    scale = max(1.0, abs(float(x_i)))
    if method == "complex":
        return 1e-20 * scale
    return _EPS ** (1.0 / (_ORDER[method] + 1)) * scale


def _check_method(method: str) -> None:
    if method not in METHODS:
        raise ValueError(f"Unknown method {method!r}; use one of {', '.join(METHODS)}.")


def _as_point(x) -> np.ndarray:
    point = np.array(x, dtype=float).reshape(-1)
    if point.size == 0:
        raise ValueError("The point x must have at least one coordinate.")
    return point


def partial(
    f: Callable[[np.ndarray], float],
    x,
    i: int,
    h: float | None = None,
    method: str = "central",
) -> float:
    r"""Numerical partial derivative :math:`\partial f / \partial x_i` at ``x``.

    .. math::

        \frac{\partial f}{\partial x_i}(x) \approx
        \frac{f(x + h e_i) - f(x - h e_i)}{2h} \quad \text{(central)}

    Parameters
    ----------
    f : callable
        Maps a 1-D array to a float (must accept complex arrays for ``method="complex"``).
    x : array_like
        The point, 1-D.
    i : int
        Index of the coordinate that varies; all others are held fixed.
    h : float or None, optional
        Step size; ``None`` picks :func:`default_step` for the method and :math:`|x_i|`.
    method : {"central", "forward", "backward", "complex"}, optional
        Difference formula.

    Returns
    -------
    float
        The estimate of the partial derivative.
    """
    _check_method(method)
    point = _as_point(x)
    if not -point.size <= i < point.size:
        raise ValueError(f"Coordinate index {i} is out of range for a point of size {point.size}.")
    step = default_step(point[i], method) if h is None else float(h)
    if not step > 0:
        raise ValueError("The step size h must be positive.")
    if method == "complex":
        shifted = point.astype(complex)
        shifted[i] += 1j * step
        return float(np.imag(f(shifted)) / step)
    up, down = point.copy(), point.copy()
    if method in ("forward", "central"):
        up[i] += step
    if method in ("backward", "central"):
        down[i] -= step
    return float((f(up) - f(down)) / (up[i] - down[i]))


def gradient(
    f: Callable[[np.ndarray], float],
    x,
    h: float | None = None,
    method: str = "central",
) -> np.ndarray:
    r"""Numerical gradient: the vector of all partial derivatives.

    .. math::

        \nabla f(x) = \left(\frac{\partial f}{\partial x_1}, \dots,
        \frac{\partial f}{\partial x_n}\right)

    Parameters
    ----------
    f : callable
        Maps a 1-D array to a float.
    x : array_like
        The point, 1-D.
    h : float or None, optional
        Step size for every coordinate; ``None`` picks one per coordinate.
    method : {"central", "forward", "backward", "complex"}, optional
        Difference formula.

    Returns
    -------
    numpy.ndarray
        The gradient, same length as ``x``.
    """
    point = _as_point(x)
    return np.array([partial(f, point, i, h=h, method=method) for i in range(point.size)])


def directional_derivative(
    f: Callable[[np.ndarray], float],
    x,
    v,
    h: float | None = None,
) -> float:
    r"""Directional derivative of ``f`` at ``x`` along the direction of ``v``.

    ``v`` is normalised to the unit vector :math:`u = v / \|v\|`; the derivative is the central
    difference along the line through ``x``, which equals :math:`\nabla f \cdot u`:

    .. math::

        D_u f(x) \approx \frac{f(x + h u) - f(x - h u)}{2h} = \nabla f(x) \cdot u

    Parameters
    ----------
    f : callable
        Maps a 1-D array to a float.
    x : array_like
        The point, 1-D.
    v : array_like
        The direction (any non-zero length, same size as ``x``).
    h : float or None, optional
        Step size along ``u``; ``None`` picks the central default for :math:`\|x\|`.

    Returns
    -------
    float
        The rate of change of ``f`` per unit distance along ``u``.
    """
    point = _as_point(x)
    direction = np.array(v, dtype=float).reshape(-1)
    if direction.shape != point.shape:
        raise ValueError("The direction v must have the same length as x.")
    norm = float(np.linalg.norm(direction))
    if not norm > 0 or not np.isfinite(norm):
        raise ValueError("The direction v must be a non-zero, finite vector.")
    u = direction / norm
    step = default_step(float(np.linalg.norm(point)), "central") if h is None else float(h)
    if not step > 0:
        raise ValueError("The step size h must be positive.")
    return float((f(point + step * u) - f(point - step * u)) / (2 * step))


@dataclass(frozen=True)
class ErrorScan:
    """Result of :func:`error_scan`.

    Parameters
    ----------
    h : numpy.ndarray
        Step sizes (log-spaced, increasing).
    errors : dict of str to numpy.ndarray
        Absolute error per method, same length as ``h`` (NaN where the estimate failed).
    best_h : dict of str to float
        Step size with the smallest error, per method.
    best_error : dict of str to float
        That smallest error, per method.
    truncation_slope : dict of str to float
        Fitted log-log slope right of the best h (about 1 forward/backward, 2 central).
    roundoff_slope : dict of str to float
        Fitted log-log slope left of the best h (about -1); NaN when there is no round-off
        region (complex step).
    """

    h: np.ndarray
    errors: dict[str, np.ndarray]
    best_h: dict[str, float]
    best_error: dict[str, float]
    truncation_slope: dict[str, float]
    roundoff_slope: dict[str, float]


def _fit_slope(h: np.ndarray, err: np.ndarray, keep: np.ndarray) -> float:
    keep = keep & np.isfinite(err) & (err > 0)
    if keep.sum() < 3:
        return float("nan")
    slope, _ = np.polyfit(np.log10(h[keep]), np.log10(err[keep]), 1)
    return float(slope)


def _envelope(err: np.ndarray, half_width: int = 2) -> np.ndarray:
    """Running maximum, so that a lucky cancellation (error exactly 0) is not taken as best."""
    finite = np.where(np.isfinite(err), err, np.inf)
    padded = np.pad(finite, half_width, mode="edge")
    windows = np.lib.stride_tricks.sliding_window_view(padded, 2 * half_width + 1)
    return windows.max(axis=1)


def _batch_estimates(f, x: np.ndarray, i: int, h: np.ndarray, method: str) -> np.ndarray:
    """All estimates at once: ``f`` takes a (n, m) array of m points and returns m values."""
    base = np.repeat(x[:, None], h.size, axis=1)
    if method == "complex":
        shifted = base.astype(complex)
        shifted[i] += 1j * h
        return np.imag(f(shifted)) / h
    up, down = base.copy(), base.copy()
    if method in ("forward", "central"):
        up[i] += h
    if method in ("backward", "central"):
        down[i] -= h
    return (np.asarray(f(up)) - np.asarray(f(down))) / (up[i] - down[i])


def _scan_one(f, x, i, exact, h, method, vectorized):
    with np.errstate(all="ignore"):
        if vectorized:
            estimates = np.asarray(_batch_estimates(f, x, i, h, method), dtype=float)
        else:
            estimates = np.array([partial(f, x, i, h=step, method=method) for step in h])
    return np.abs(estimates - exact)


def error_scan(
    f: Callable[[np.ndarray], float],
    x,
    i: int,
    exact: float,
    h=None,
    methods: tuple[str, ...] = METHODS,
    vectorized: bool = False,
) -> ErrorScan:
    r"""Absolute error of each method against the exact derivative, over a range of steps.

    For a one-sided difference the error behaves like

    .. math::

        E(h) \approx \frac{|f''|}{2} h + \frac{\varepsilon |f|}{h},

    a truncation part with slope 1 (slope 2 for central differences) and a round-off part with
    slope -1 on a log-log plot. The best ``h`` sits where they meet (the minimum of the error's
    running maximum over five neighbouring steps, so that a lucky exact cancellation does not
    count). Slopes are least-squares fits
    of :math:`\log_{10} E` on :math:`\log_{10} h`: truncation over steps at least 10 times the
    best h with errors 100 times above the best, round-off over steps at most 1/10 of it
    (ignoring exact zeros and steps so small that :math:`x_i + h = x_i`).

    Parameters
    ----------
    f : callable
        Maps a 1-D array to a float (complex-capable for the complex step).
    x : array_like
        The point, 1-D.
    i : int
        Coordinate index.
    exact : float
        The exact partial derivative at ``x``.
    h : array_like or None, optional
        Step sizes; ``None`` uses 61 log-spaced steps from 1e-16 to 1e-1.
    methods : tuple of str, optional
        Which methods to scan.
    vectorized : bool, optional
        If True, ``f`` accepts an ``(n, m)`` array holding m points as columns and returns the m
        values; all steps are then evaluated in one call per method (much faster).

    Returns
    -------
    ErrorScan
        Errors, best steps and fitted slopes per method.
    """
    point = _as_point(x)
    steps = np.logspace(-16, -1, 61) if h is None else np.sort(np.asarray(h, dtype=float))
    resolvable = (point[i] + steps) != point[i]
    errors, best_h, best_err, trunc, rounding = {}, {}, {}, {}, {}
    for method in methods:
        err = _scan_one(f, point, i, float(exact), steps, method, vectorized)
        k = int(np.argmin(_envelope(err)))
        errors[method], best_h[method], best_err[method] = err, float(steps[k]), float(err[k])
        floor = 100 * max(best_err[method], _EPS * max(abs(float(exact)), 1e-300))
        trunc[method] = _fit_slope(steps, err, (steps >= 10 * steps[k]) & (err >= floor))
        if method == "complex":
            rounding[method] = float("nan")
        else:
            rounding[method] = _fit_slope(steps, err, (steps <= steps[k] / 10) & resolvable)
    return ErrorScan(steps, errors, best_h, best_err, trunc, rounding)

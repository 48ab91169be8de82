r"""Momentum on a quadratic, solved exactly: the convergence rate of every (step, momentum) pair.

On :math:`f(x) = \tfrac12 x^\top A x - b^\top x` the heavy-ball iteration of
:func:`core.descent.rules.step` (``torch.optim.SGD(lr=α, momentum=β)``)

.. math::

    z_{t} = \beta z_{t-1} + \nabla f(x_{t-1}), \qquad x_{t} = x_{t-1} - \alpha z_{t}

splits along the eigenvectors of :math:`A`. Along one eigenvector with eigenvalue
:math:`\lambda` the pair (velocity, error) is multiplied each step by a fixed 2 x 2 matrix,

.. math::

    \begin{pmatrix} z_{t} \\ e_{t} \end{pmatrix} = R
    \begin{pmatrix} z_{t-1} \\ e_{t-1} \end{pmatrix}, \qquad
    R = \begin{pmatrix} \beta & \lambda \\ -\alpha\beta & 1 - \alpha\lambda \end{pmatrix},

so that direction's error shrinks like :math:`\rho(R)^t`, the spectral radius. This is the
analysis of Goh, "Why Momentum Really Works" (Distill, 2017). :func:`momentum_rate` gives the
worst rate over the eigenvalues, :func:`optimal_momentum` the best pair,
:func:`critical_damping` the curve where the two eigenvalues of :math:`R` meet, and
:func:`error_by_eigenvector` splits a recorded path's error along the eigenvectors.
"""

from __future__ import annotations

import numpy as np

__all__ = ["critical_damping", "error_by_eigenvector", "momentum_rate", "optimal_momentum"]


def momentum_rate(alpha, beta, eigenvalues) -> np.ndarray:
    r"""Worst-case convergence rate of heavy-ball momentum on a quadratic.

    For each eigenvalue :math:`\lambda` the iteration matrix :math:`R` (module docstring) has
    trace :math:`\tau = 1 + \beta - \alpha\lambda` and determinant :math:`\beta`, so its
    eigenvalues are :math:`\sigma_\pm = \tfrac12(\tau \pm \sqrt{\tau^2 - 4\beta})` and

    .. math::

        \rho(\alpha, \beta, \lambda) = \begin{cases}
            \tfrac12\left(|\tau| + \sqrt{\tau^2 - 4\beta}\right) & \tau^2 \ge 4\beta
                \text{ (real: no ripples)} \\
            \sqrt{\beta} & \tau^2 < 4\beta \text{ (complex: ripples)}
        \end{cases}
        \qquad
        \text{rate}(\alpha, \beta) = \max_i \rho(\alpha, \beta, \lambda_i)

    Below 1 the error shrinks by that factor per step (in the long run); at 1 or above the
    run does not converge. With :math:`\beta = 0` it is plain gradient descent's
    :math:`\max_i |1 - \alpha\lambda_i|`. Between :math:`\lambda_{\min}` and
    :math:`\lambda_{\max}`, :math:`\rho` is largest at an end, so passing the two extreme
    eigenvalues gives the worst case over every quadratic with that spectrum.

    Parameters
    ----------
    alpha : array_like
        Step sizes :math:`\alpha` (the learning rate), any shape.
    beta : array_like
        Momentum factors :math:`\beta \ge 0`, broadcastable with ``alpha``.
    eigenvalues : array_like
        The Hessian's eigenvalues, a flat sequence of at least one value.

    Returns
    -------
    numpy.ndarray
        The rate, of the broadcast shape of ``alpha`` and ``beta``.

    Raises
    ------
    ValueError
        If there are no eigenvalues or a momentum factor is negative.
    """
    lam = np.asarray(eigenvalues, dtype=float).ravel()
    a, b = np.broadcast_arrays(np.asarray(alpha, dtype=float), np.asarray(beta, dtype=float))
    if lam.size == 0:
        raise ValueError("Need at least one eigenvalue.")
    if np.any(b < 0):
        raise ValueError("The momentum factor must be >= 0.")
    trace = 1.0 + b[..., None] - a[..., None] * lam
    disc = trace * trace - 4.0 * b[..., None]
    with np.errstate(invalid="ignore"):
        real = 0.5 * (np.abs(trace) + np.sqrt(np.maximum(disc, 0.0)))
    rho = np.where(disc >= 0.0, real, np.sqrt(b[..., None]))
    return rho.max(axis=-1)


def optimal_momentum(lambda_min: float, lambda_max: float) -> tuple[float, float, float]:
    r"""The step size and momentum with the fastest worst-case rate, and that rate.

    .. math::

        \alpha^\star = \left(\frac{2}{\sqrt{\lambda_1} + \sqrt{\lambda_n}}\right)^2, \qquad
        \beta^\star = \left(\frac{\sqrt{\kappa} - 1}{\sqrt{\kappa} + 1}\right)^2, \qquad
        \text{rate} = \frac{\sqrt{\kappa} - 1}{\sqrt{\kappa} + 1}, \qquad
        \kappa = \frac{\lambda_n}{\lambda_1}

    At this pair both extreme eigenvalues sit exactly on their critical-damping curves, so
    every direction shrinks at the same rate :math:`\sqrt{\beta^\star}`. Plain gradient
    descent's best is :math:`(\kappa - 1)/(\kappa + 1)`: momentum replaces :math:`\kappa` by
    :math:`\sqrt{\kappa}`.

    Parameters
    ----------
    lambda_min, lambda_max : float
        The smallest and largest Hessian eigenvalues, ``0 < lambda_min <= lambda_max``.

    Returns
    -------
    tuple of float
        ``(alpha, beta, rate)``.

    Raises
    ------
    ValueError
        Unless ``0 < lambda_min <= lambda_max`` (both finite).
    """
    if not (0.0 < lambda_min <= lambda_max < np.inf):
        raise ValueError(f"Need 0 < lambda_min <= lambda_max, got {lambda_min}, {lambda_max}.")
    lo, hi = np.sqrt(float(lambda_min)), np.sqrt(float(lambda_max))
    rate = (hi - lo) / (hi + lo)
    return float((2.0 / (lo + hi)) ** 2), float(rate * rate), float(rate)


def critical_damping(alpha, eigenvalue: float) -> np.ndarray:
    r"""The momentum at which one eigen-direction is critically damped, for each step size.

    .. math::

        \beta_c(\alpha) = \left(1 - \sqrt{\alpha\lambda}\right)^2,
        \qquad 0 \le \alpha\lambda \le 4

    On this curve the two eigenvalues of :math:`R` coincide (:math:`\tau^2 = 4\beta`): with
    less momentum that direction creeps towards the minimum without overshooting, with more it
    ripples around it. Outside :math:`0 \le \alpha\lambda \le 4` the curve leaves
    :math:`[0, 1]` and is NaN.

    Parameters
    ----------
    alpha : array_like
        Step sizes, any shape.
    eigenvalue : float
        The direction's eigenvalue :math:`\lambda > 0`.

    Returns
    -------
    numpy.ndarray
        :math:`\beta_c`, the shape of ``alpha``.
    """
    x = np.asarray(alpha, dtype=float) * float(eigenvalue)
    inside = (x >= 0.0) & (x <= 4.0)
    root = np.sqrt(np.where(inside, x, 0.0))
    return np.where(inside, (1.0 - root) ** 2, np.nan)


def error_by_eigenvector(points, hessian, minimum) -> tuple[np.ndarray, np.ndarray]:
    r"""Split the error of every point of a path along the Hessian's eigenvectors.

    .. math::

        e_t = x_t - x^\star = \sum_i c_{t,i}\, q_i, \qquad c_{t,i} = q_i^\top e_t, \qquad
        f(x_t) - f(x^\star) = \sum_i \tfrac12 \lambda_i c_{t,i}^2

    On a quadratic each :math:`c_{t,i}` evolves on its own (the iteration is diagonal in this
    basis), which is why the slowest direction alone decides how long a run takes.

    Parameters
    ----------
    points : array_like
        Shape ``(k + 1, n)``: the path, e.g. :attr:`Trajectory.points`.
    hessian : array_like
        The symmetric ``(n, n)`` Hessian :math:`A`.
    minimum : array_like
        The minimiser :math:`x^\star`, shape ``(n,)``.

    Returns
    -------
    eigenvalues : numpy.ndarray
        Shape ``(n,)``, ascending.
    components : numpy.ndarray
        Shape ``(k + 1, n)``: :math:`c_{t,i}`, column ``i`` along eigenvalue ``i``. The sign
        of each eigenvector is chosen so the start's component is not negative.
    """
    lam, q = np.linalg.eigh(np.asarray(hessian, dtype=float))
    errors = np.atleast_2d(np.asarray(points, dtype=float)) - np.asarray(minimum, dtype=float)
    components = errors @ q
    flip = np.where(components[0] < 0, -1.0, 1.0)
    return lam, components * flip

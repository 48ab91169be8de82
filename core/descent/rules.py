"""Optimizer update rules (PyTorch ``torch.optim`` conventions) and gradient clipping.

Use them through :mod:`core.descent.optimizers`, which re-exports everything public here.

Every rule here reproduces one PyTorch optimizer step exactly (weight decay 0, ``maximize=False``),
so the intuition built in the lesson carries straight over to real training code:

============  ===========================================================================
method        PyTorch equivalent
============  ===========================================================================
``sgd``       ``torch.optim.SGD(params, lr)``
``momentum``  ``torch.optim.SGD(params, lr, momentum=m)`` (dampening 0)
``nesterov``  ``torch.optim.SGD(params, lr, momentum=m, nesterov=True)``
``adagrad``   ``torch.optim.Adagrad(params, lr, eps=1e-10)`` (initial accumulator 0)
``rmsprop``   ``torch.optim.RMSprop(params, lr, alpha=alpha, eps=1e-8)`` (non-centred)
``adam``      ``torch.optim.Adam(params, lr, betas=betas, eps=1e-8)`` (bias-corrected)
============  ===========================================================================

The pieces are exposed separately (:func:`init_state`, :func:`step`, :func:`clip_grad_norm`,
:func:`clip_grad_value`) so other lessons can train any flat parameter vector with the same rules;
:func:`optimize` strings them together and watches for divergence.
"""

from __future__ import annotations

import math

import numpy as np

METHODS: tuple[str, ...] = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam")
"""Names accepted by :func:`init_state`, :func:`step` and :func:`optimize`."""

METHOD_LABELS: dict[str, str] = {
    "sgd": "SGD",
    "momentum": "Momentum",
    "nesterov": "Nesterov",
    "adagrad": "Adagrad",
    "rmsprop": "RMSprop",
    "adam": "Adam",
}
"""Human-readable name of each method."""

DEFAULT_EPS: dict[str, float] = {"adagrad": 1e-10, "rmsprop": 1e-8, "adam": 1e-8}
"""PyTorch's default ``eps`` for the adaptive methods."""

DIVERGENCE_LOSS = 1e12
"""A loss above this value counts as divergence in :func:`optimize`."""

_BUFFERS: dict[str, tuple[str, ...]] = {
    "sgd": (),
    "momentum": ("momentum_buffer",),
    "nesterov": ("momentum_buffer",),
    "adagrad": ("sum",),
    "rmsprop": ("square_avg",),
    "adam": ("exp_avg", "exp_avg_sq"),
}


def _check_method(method: str) -> None:
    if method not in _BUFFERS:
        raise ValueError(f"Unknown optimizer {method!r}; choose one of {', '.join(METHODS)}.")


def init_state(method: str, n: int) -> dict:
    """Create the optimizer state for ``n`` parameters: every buffer filled with zeros.

    Parameters
    ----------
    method : str
        One of :data:`METHODS`.
    n : int
        Number of parameters.

    Returns
    -------
    dict
        Maps buffer names to float64 arrays of shape ``(n,)``: ``momentum_buffer`` for the two
        momentum methods, ``sum`` for Adagrad, ``square_avg`` for RMSprop, ``exp_avg`` and
        ``exp_avg_sq`` for Adam, nothing for plain SGD.

    Raises
    ------
    ValueError
        If ``method`` is unknown or ``n`` is negative.
    """
    _check_method(method)
    if n < 0:
        raise ValueError(f"The number of parameters must be >= 0, got {n}.")
    return {name: np.zeros(n) for name in _BUFFERS[method]}


def _resolve_eps(method: str, eps: float | None) -> float:
    return DEFAULT_EPS.get(method, 0.0) if eps is None else float(eps)


def _step_sgd(x, g, state, lr, t, momentum, nesterov, betas, alpha, eps):
    return x - lr * g, {}


def _step_momentum(x, g, state, lr, t, momentum, nesterov, betas, alpha, eps):
    # torch initialises the buffer to the first gradient; with dampening 0 that equals
    # momentum * 0 + g, so a zero buffer gives identical steps.
    buf = momentum * state["momentum_buffer"] + g
    direction = g + momentum * buf if nesterov else buf
    return x - lr * direction, {"momentum_buffer": buf}


def _step_nesterov(x, g, state, lr, t, momentum, nesterov, betas, alpha, eps):
    return _step_momentum(x, g, state, lr, t, momentum, True, betas, alpha, eps)


def _step_adagrad(x, g, state, lr, t, momentum, nesterov, betas, alpha, eps):
    total = state["sum"] + g * g
    return x - lr * g / (np.sqrt(total) + eps), {"sum": total}


def _step_rmsprop(x, g, state, lr, t, momentum, nesterov, betas, alpha, eps):
    square_avg = alpha * state["square_avg"] + (1.0 - alpha) * g * g
    return x - lr * g / (np.sqrt(square_avg) + eps), {"square_avg": square_avg}


def _step_adam(x, g, state, lr, t, momentum, nesterov, betas, alpha, eps):
    beta1, beta2 = betas
    exp_avg = beta1 * state["exp_avg"] + (1.0 - beta1) * g
    exp_avg_sq = beta2 * state["exp_avg_sq"] + (1.0 - beta2) * g * g
    step_size = lr / (1.0 - beta1**t)
    denom = np.sqrt(exp_avg_sq) / math.sqrt(1.0 - beta2**t) + eps
    return x - step_size * exp_avg / denom, {"exp_avg": exp_avg, "exp_avg_sq": exp_avg_sq}


_RULES = {
    "sgd": _step_sgd,
    "momentum": _step_momentum,
    "nesterov": _step_nesterov,
    "adagrad": _step_adagrad,
    "rmsprop": _step_rmsprop,
    "adam": _step_adam,
}


def step(
    method: str,
    x: np.ndarray,
    g: np.ndarray,
    state: dict,
    lr: float,
    t: int,
    *,
    momentum: float = 0.9,
    nesterov: bool = False,
    betas: tuple[float, float] = (0.9, 0.999),
    alpha: float = 0.99,
    eps: float | None = None,
) -> tuple[np.ndarray, dict]:
    r"""Apply one optimizer update, exactly as the matching ``torch.optim`` class would.

    With gradient :math:`g_t` at step :math:`t` (1-based) and learning rate :math:`\eta`:

    .. math::

        \text{sgd:}\quad & x_t = x_{t-1} - \eta g_t \\
        \text{momentum:}\quad & b_t = m\, b_{t-1} + g_t,\; x_t = x_{t-1} - \eta b_t \\
        \text{nesterov:}\quad & b_t = m\, b_{t-1} + g_t,\;
            x_t = x_{t-1} - \eta (g_t + m\, b_t) \\
        \text{adagrad:}\quad & s_t = s_{t-1} + g_t^2,\;
            x_t = x_{t-1} - \eta\, g_t / (\sqrt{s_t} + \epsilon) \\
        \text{rmsprop:}\quad & v_t = \alpha v_{t-1} + (1-\alpha) g_t^2,\;
            x_t = x_{t-1} - \eta\, g_t / (\sqrt{v_t} + \epsilon) \\
        \text{adam:}\quad & m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,\;
            v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2, \\
            & x_t = x_{t-1} - \frac{\eta}{1-\beta_1^t}\,
            \frac{m_t}{\sqrt{v_t}/\sqrt{1-\beta_2^t} + \epsilon}

    All buffers start at zero (:func:`init_state`). PyTorch starts the momentum buffer at the
    first gradient instead; with dampening 0 that is the same number, :math:`m \cdot 0 + g_1`.
    RMSprop runs without momentum (PyTorch's default ``momentum=0``); ``momentum`` and
    ``nesterov`` only affect the two SGD-momentum methods.

    Parameters
    ----------
    method : str
        One of :data:`METHODS`.
    x : numpy.ndarray
        Current parameters, a flat float array.
    g : numpy.ndarray
        Gradient of the loss at ``x`` (already clipped if clipping is wanted).
    state : dict
        Buffers from :func:`init_state` or from the previous call.
    lr : float
        Learning rate :math:`\eta`.
    t : int
        1-based number of this step, used by Adam's bias correction.
    momentum : float, default 0.9
        Momentum factor :math:`m` for ``"momentum"`` and ``"nesterov"``.
    nesterov : bool, default False
        Use the Nesterov form with ``method="momentum"`` (``"nesterov"`` always does).
    betas : tuple of float, default (0.9, 0.999)
        Adam's decay rates :math:`(\beta_1, \beta_2)`.
    alpha : float, default 0.99
        RMSprop's smoothing constant.
    eps : float or None, default None
        Term added to the denominator; ``None`` means PyTorch's default for the method
        (:data:`DEFAULT_EPS`: 1e-10 for Adagrad, 1e-8 for RMSprop and Adam).

    Returns
    -------
    x_new : numpy.ndarray
        Updated parameters (a new array).
    state_new : dict
        Updated buffers (new arrays; the inputs are not modified).

    Raises
    ------
    ValueError
        If ``method`` is unknown or ``t < 1``.
    """
    _check_method(method)
    if t < 1:
        raise ValueError(f"The step count t is 1-based, got {t}.")
    x = np.asarray(x, dtype=float)
    g = np.asarray(g, dtype=float)
    rule = _RULES[method]
    return rule(x, g, state, lr, t, momentum, nesterov, betas, alpha, _resolve_eps(method, eps))


def vector_norm(g: np.ndarray) -> float:
    r"""Euclidean norm of a flat vector that does not overflow for huge finite entries.

    .. math::

        \lVert g \rVert_2 = s \sqrt{\textstyle\sum_i (g_i / s)^2}, \qquad s = \max_i |g_i|

    The rescaling is used only when the plain sum of squares overflows.

    Parameters
    ----------
    g : numpy.ndarray
        A flat float array.

    Returns
    -------
    float
        The norm (``inf`` only if an entry is infinite, ``nan`` if one is NaN).
    """
    with np.errstate(over="ignore"):
        total = float(np.dot(g, g))
    if total != np.inf:
        return float(np.sqrt(total))
    scale = float(np.max(np.abs(g)))
    if not np.isfinite(scale):
        return scale
    return scale * float(np.sqrt(np.dot(g / scale, g / scale)))


def clip_grad_norm(g: np.ndarray, max_norm: float) -> tuple[np.ndarray, bool]:
    r"""Rescale a gradient whose Euclidean norm exceeds ``max_norm``, like ``clip_grad_norm_``.

    .. math::

        c = \frac{\text{max\_norm}}{\lVert g \rVert_2 + 10^{-6}}, \qquad
        g' = \min(c, 1)\, g

    The direction never changes, only the length: the cosine between :math:`g` and :math:`g'`
    is exactly 1 (for a non-zero gradient).

    Parameters
    ----------
    g : numpy.ndarray
        Gradient, a flat float array.
    max_norm : float
        Largest allowed norm; must be positive.

    Returns
    -------
    clipped : numpy.ndarray
        The rescaled gradient (a new array).
    was_clipped : bool
        True when the gradient was scaled down (:math:`c < 1`).

    Raises
    ------
    ValueError
        If ``max_norm`` is not a positive number.
    """
    if not max_norm > 0:
        raise ValueError(f"The clipping norm must be positive, got {max_norm}.")
    g = np.asarray(g, dtype=float)
    coef = max_norm / (vector_norm(g) + 1e-6)
    if coef < 1.0:
        return g * coef, True
    return g.copy(), False


def clip_grad_value(g: np.ndarray, clip_value: float) -> tuple[np.ndarray, bool]:
    r"""Clamp every gradient component to ``[-clip_value, clip_value]``, like ``clip_grad_value_``.

    .. math::

        g'_i = \max(-c, \min(c, g_i))

    Unlike norm clipping this can turn the gradient: components that are clamped shrink, the
    others do not.

    Parameters
    ----------
    g : numpy.ndarray
        Gradient, a flat float array.
    clip_value : float
        Largest allowed absolute value of a component; must be positive.

    Returns
    -------
    clipped : numpy.ndarray
        The clamped gradient (a new array).
    was_clipped : bool
        True when at least one component was clamped.

    Raises
    ------
    ValueError
        If ``clip_value`` is not a positive number.
    """
    if not clip_value > 0:
        raise ValueError(f"The clipping value must be positive, got {clip_value}.")
    g = np.asarray(g, dtype=float)
    clipped = np.clip(g, -clip_value, clip_value)
    return clipped, bool(np.any(clipped != g))

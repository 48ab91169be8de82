r"""Input features of the playground, as in TensorFlow Playground: the network sees only these.

Playground offers :math:`x_1, x_2, x_1^2, x_2^2, x_1 x_2, \sin x_1, \sin x_2`, with its data
inside a disc of radius 5. Our data sit inside the unit disc (Playground's divided by 5), so
the sines are taken of :math:`5x`: :math:`\sin 5x_1` on our points is exactly Playground's
:math:`\sin x_1` on its points, and it gives the network waves it could not make from
:math:`x_1` alone.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

FEATURES = ("x1", "x2", "x1^2", "x2^2", "x1x2", "sin x1", "sin x2")
FEATURE_LABELS = {"x1": "x₁", "x2": "x₂", "x1^2": "x₁²", "x2^2": "x₂²", "x1x2": "x₁x₂",
          "sin x1": "sin 5x₁", "sin x2": "sin 5x₂"}
#: Frequency of the sine features on our [-1, 1] square.
SINE_FREQUENCY = 5.0
_COLUMNS = {
    "x1": lambda a, b: a, "x2": lambda a, b: b, "x1^2": lambda a, b: a * a,
    "x2^2": lambda a, b: b * b, "x1x2": lambda a, b: a * b,
    "sin x1": lambda a, b: np.sin(SINE_FREQUENCY * a),
    "sin x2": lambda a, b: np.sin(SINE_FREQUENCY * b),
}


def check_features(features: Sequence[str]) -> tuple[str, ...]:
    """Validate a feature selection and return it in the canonical order of ``FEATURES``.

    Parameters
    ----------
    features : sequence of str
        Names from ``FEATURES``; at least one, no repeats.

    Returns
    -------
    tuple of str
        The same names, ordered as in ``FEATURES``.
    """
    chosen = set(features)
    unknown = chosen - set(FEATURES)
    if unknown:
        raise ValueError(f"Unknown features {sorted(unknown)}; choose from {FEATURES}.")
    if not chosen:
        raise ValueError("Choose at least one input feature.")
    return tuple(f for f in FEATURES if f in chosen)


def feature_map(X: np.ndarray, features: Sequence[str] = ("x1", "x2")) -> np.ndarray:
    r"""The chosen features of 2-D points, one column each, in the order of ``FEATURES``.

    .. math:: \phi(x) = \big(x_1,\; x_2,\; x_1^2,\; x_2^2,\; x_1 x_2,\; \sin 5x_1,\;
        \sin 5x_2\big)\ \text{(the chosen entries)}

    Parameters
    ----------
    X : numpy.ndarray
        Points of shape ``(n, 2)``.
    features : sequence of str, default ("x1", "x2")
        Names from ``FEATURES``.

    Returns
    -------
    numpy.ndarray
        Shape ``(n, k)`` for ``k`` chosen features.
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must have shape (n, 2); got {X.shape}.")
    a, b = X[:, 0], X[:, 1]
    return np.column_stack([_COLUMNS[f](a, b) for f in check_features(features)])

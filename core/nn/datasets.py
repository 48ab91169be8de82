"""Two-dimensional toy classification datasets (labels 0/1) with a train/test split."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DATASETS = ("circles", "xor", "moons", "spiral", "blobs")


@dataclass(frozen=True)
class Split:
    """Train and test points: ``X_*`` of shape (n, 2), ``y_*`` of 0/1 floats of shape (n,)."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


def _circles(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Inner disc (class 1) inside an outer ring (class 0)."""
    y = (np.arange(n) % 2).astype(np.float64)
    r = np.where(y == 1, rng.uniform(0.0, 0.5, n), rng.uniform(0.7, 1.0, n))
    a = rng.uniform(0.0, 2 * np.pi, n)
    return np.c_[r * np.cos(a), r * np.sin(a)], y


def _xor(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Four quadrants; class 1 where the coordinates share a sign."""
    X = rng.uniform(-1.0, 1.0, (n, 2))
    X += np.sign(X) * 0.05  # a small margin around the axes
    return X, (X[:, 0] * X[:, 1] > 0).astype(np.float64)


def _moons(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles."""
    y = (np.arange(n) % 2).astype(np.float64)
    t = rng.uniform(0.0, np.pi, n)
    upper = np.c_[np.cos(t), np.sin(t)]
    lower = np.c_[1.0 - np.cos(t), 0.5 - np.sin(t)]
    X = np.where(y[:, None] == 0, upper, lower)
    return (X - [0.5, 0.25]) / 1.25, y


def _spiral(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two intertwined spiral arms (hard: needs a deeper or wider net)."""
    y = (np.arange(n) % 2).astype(np.float64)
    r = rng.uniform(0.05, 1.0, n)
    a = 1.75 * 2 * np.pi * r + np.pi * y
    return np.c_[r * np.cos(a), r * np.sin(a)], y


def _blobs(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two Gaussian clusters (nearly linearly separable)."""
    y = (np.arange(n) % 2).astype(np.float64)
    centers = np.where(y[:, None] == 1, [0.45, 0.45], [-0.45, -0.45])
    return centers + rng.normal(0.0, 0.22, (n, 2)), y


_MAKERS = {"circles": _circles, "xor": _xor, "moons": _moons, "spiral": _spiral, "blobs": _blobs}


def make_dataset(
    name: str, n: int = 400, noise: float = 0.1, seed: int = 0, test_fraction: float = 0.5
) -> Split:
    r"""Generate a 2-D toy dataset and split it at random into train and test halves.

    Points live roughly in :math:`[-1, 1]^2`. Gaussian noise of standard deviation
    ``noise`` is added to every coordinate after the clean shape is drawn:

    .. math:: x = x_{\text{clean}} + \varepsilon,\qquad \varepsilon \sim \mathcal{N}(0, \text{noise}^2 I)

    Parameters
    ----------
    name : {"circles", "xor", "moons", "spiral", "blobs"}
        Which shape.
    n : int, default 400
        Total number of points (classes balanced), at least 4.
    noise : float, default 0.1
        Standard deviation of the added noise, in [0, 1].
    seed : int, default 0
        Seed of the ``np.random.Generator``; the same seed gives the same data.
    test_fraction : float, default 0.5
        Share of points held out for testing, strictly between 0 and 1.

    Returns
    -------
    Split
        ``X_train, y_train, X_test, y_test``.
    """
    if name not in _MAKERS:
        raise ValueError(f"Unknown dataset {name!r}; choose one of {DATASETS}.")
    if n < 4 or not 0.0 <= noise <= 1.0 or not 0.0 < test_fraction < 1.0:
        raise ValueError("Need n >= 4, 0 <= noise <= 1 and 0 < test_fraction < 1.")
    rng = np.random.default_rng(seed)
    X, y = _MAKERS[name](n, noise, rng)
    X = X + rng.normal(0.0, noise, X.shape)
    if name == "xor":  # as in TensorFlow Playground: the label follows the jittered point
        y = (X[:, 0] * X[:, 1] > 0).astype(np.float64)
    perm = rng.permutation(n)
    n_test = max(1, min(n - 1, round(n * test_fraction)))
    test, train = perm[:n_test], perm[n_test:]
    return Split(X[train], y[train], X[test], y[test])

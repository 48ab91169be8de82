"""The playground's two-dimensional datasets, with a train/test split.

Three kinds, as in TensorFlow Playground and one step beyond it:

- **two classes** (labels 0/1): ``circles``, ``xor``, ``moons``, ``spiral``, ``blobs``;
- **three classes** (labels 0, 1, 2, for softmax cross-entropy): ``spiral3``, ``blobs3``;
- **regression** (real-valued targets in about [-1, 1]): ``plane``, ``gaussians``.

Points live roughly in :math:`[-1, 1]^2` (Playground's :math:`[-6, 6]^2` divided by 6).
"""

from __future__ import annotations

from dataclasses import dataclass
from math import erfc

import numpy as np

DATASETS = ("circles", "xor", "moons", "spiral", "blobs")
MULTICLASS_DATASETS = ("spiral3", "blobs3")
REGRESSION_DATASETS = ("plane", "gaussians")
ALL_DATASETS = DATASETS + MULTICLASS_DATASETS + REGRESSION_DATASETS
#: XOR points keep this margin around the axes (Playground's 0.3 of 5, divided by 6).
XOR_MARGIN = 0.05


@dataclass(frozen=True)
class Split:
    """Train and test points: ``X_*`` of shape (n, 2), ``y_*`` of shape (n,).

    ``y`` holds float64 class indices (0/1, or 0/1/2) for classification and real targets
    for regression.
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


@dataclass(frozen=True)
class Task:
    """What a dataset asks of the network.

    Attributes
    ----------
    kind : {"binary", "multiclass", "regression"}
        The problem.
    n_classes : int
        Number of classes (0 for regression).
    """

    kind: str
    n_classes: int

    @property
    def outputs(self) -> int:
        """Width of the output layer: one logit per class for multi-class, else one."""
        return self.n_classes if self.kind == "multiclass" else 1

    @property
    def loss(self) -> str:
        """The loss the task implies: ``"bce"``, ``"ce"`` or ``"mse"``."""
        return {"binary": "bce", "multiclass": "ce", "regression": "mse"}[self.kind]


def task_of(name: str) -> Task:
    """The :class:`Task` of a dataset name.

    Parameters
    ----------
    name : str
        One of ``ALL_DATASETS``.

    Returns
    -------
    Task
        Binary (2 classes), multi-class (3 classes) or regression.
    """
    if name in DATASETS:
        return Task("binary", 2)
    if name in MULTICLASS_DATASETS:
        return Task("multiclass", 3)
    if name in REGRESSION_DATASETS:
        return Task("regression", 0)
    raise ValueError(f"Unknown dataset {name!r}; choose one of {ALL_DATASETS}.")


def _balanced(n: int, k: int) -> np.ndarray:
    """Class labels 0..k-1 in turn, as floats."""
    return (np.arange(n) % k).astype(np.float64)


def _circles(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Inner disc (class 1) inside an outer ring (class 0)."""
    y = _balanced(n, 2)
    r = np.where(y == 1, rng.uniform(0.0, 0.5, n), rng.uniform(0.7, 1.0, n))
    a = rng.uniform(0.0, 2 * np.pi, n)
    return np.c_[r * np.cos(a), r * np.sin(a)], y


def _xor_points(n: int, rng: np.random.Generator) -> np.ndarray:
    """Uniform points in the four quadrants, kept ``XOR_MARGIN`` away from the axes."""
    X = rng.uniform(-1.0, 1.0, (n, 2))
    return X + np.where(X >= 0, XOR_MARGIN, -XOR_MARGIN)


def xor_label(X: np.ndarray) -> np.ndarray:
    """Class 1 where the two coordinates share a sign, as floats (Playground's rule)."""
    return (X[:, 0] * X[:, 1] >= 0).astype(np.float64)


def _moons(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles."""
    y = _balanced(n, 2)
    t = rng.uniform(0.0, np.pi, n)
    upper = np.c_[np.cos(t), np.sin(t)]
    lower = np.c_[1.0 - np.cos(t), 0.5 - np.sin(t)]
    X = np.where(y[:, None] == 0, upper, lower)
    return (X - [0.5, 0.25]) / 1.25, y


def _spiral(n: int, rng: np.random.Generator, k: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """``k`` intertwined spiral arms, one per class (hard: needs depth or crossed features)."""
    y = _balanced(n, k)
    r = rng.uniform(0.05, 1.0, n)
    a = 1.75 * 2 * np.pi * r + 2 * np.pi * y / k
    return np.c_[r * np.cos(a), r * np.sin(a)], y


def _blobs(n: int, rng: np.random.Generator, k: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """``k`` Gaussian clusters: two on the diagonal, or three around a circle."""
    y = _balanced(n, k)
    if k == 2:
        centres = np.array([[-0.45, -0.45], [0.45, 0.45]])
    else:
        angle = np.pi / 2 + 2 * np.pi * np.arange(k) / k
        centres = 0.55 * np.c_[np.cos(angle), np.sin(angle)]
    return centres[y.astype(int)] + rng.normal(0.0, 0.22 if k == 2 else 0.18, (n, 2)), y


#: Playground's six bumps, (centre x, centre y, sign), divided by 6; radius 2 / 6.
BUMPS = np.array([[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1],
                  [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]], dtype=float) / [6, 6, 1]
BUMP_RADIUS = 2.0 / 6.0


def plane_target(X: np.ndarray) -> np.ndarray:
    r"""The plane :math:`t = (x_1 + x_2) / 2`, between -1 and 1 on the square."""
    return 0.5 * (X[:, 0] + X[:, 1])


def gaussians_target(X: np.ndarray) -> np.ndarray:
    r"""Six signed cones :math:`s_k \max(0, 1 - d_k / r)`; the largest in size wins."""
    d = np.hypot(X[:, None, 0] - BUMPS[:, 0], X[:, None, 1] - BUMPS[:, 1])
    values = BUMPS[:, 2] * np.clip(1.0 - d / BUMP_RADIUS, 0.0, 1.0)
    return values[np.arange(len(X)), np.argmax(np.abs(values), axis=1)]


# Shapes whose noise moves the points (the label stays the clean one's).
_MOVED = {
    "circles": _circles, "moons": _moons, "spiral": _spiral, "blobs": _blobs,
    "spiral3": lambda n, rng: _spiral(n, rng, 3), "blobs3": lambda n, rng: _blobs(n, rng, 3),
}
# Shapes whose noise relabels: the point stays clean, the label is read at a jittered copy.
_RELABELLED = {"xor": xor_label, "plane": plane_target, "gaussians": gaussians_target}


def _draw(name: str, n: int, noise: float, rng: np.random.Generator):
    """Points and labels of one shape, noise applied the shape's way."""
    if name in _MOVED:
        X, y = _MOVED[name](n, rng)
        return X + rng.normal(0.0, noise, X.shape), y
    X = _xor_points(n, rng) if name == "xor" else rng.uniform(-1.0, 1.0, (n, 2))
    return X, _RELABELLED[name](X + rng.normal(0.0, noise, X.shape))


def make_dataset(
    name: str, n: int = 400, noise: float = 0.1, seed: int = 0, test_fraction: float = 0.5
) -> Split:
    r"""Generate a 2-D toy dataset and split it at random into train and test points.

    Noise is Gaussian with standard deviation ``noise`` per coordinate,
    :math:`\varepsilon \sim \mathcal{N}(0, \text{noise}^2 I)`, and it acts in one of two ways:

    - **circles, moons, spirals, blobs:** it moves the points, :math:`x = x_{\text{clean}}
      + \varepsilon`, and each keeps the label of its clean shape;
    - **xor, plane, gaussians:** as in TensorFlow Playground, each point stays where it is and
      its label (or target) is read at a jittered copy, :math:`y = \text{rule}(x +
      \varepsilon)`. XOR's labels are then wrong near the axes: the best possible classifier,
      :math:`\operatorname{sign}(x_1 x_2)`, is right about 96 / 89 / 71 % of the time at
      noise 0.1 / 0.2 / 0.5.

    Parameters
    ----------
    name : str
        One of ``ALL_DATASETS``: ``"circles"``, ``"xor"``, ``"moons"``, ``"spiral"``,
        ``"blobs"`` (two classes), ``"spiral3"``, ``"blobs3"`` (three classes), ``"plane"``,
        ``"gaussians"`` (regression).
    n : int, default 400
        Total number of points (classes balanced), at least 4.
    noise : float, default 0.1
        Standard deviation of the noise, in [0, 1].
    seed : int, default 0
        Seed of the ``np.random.Generator``; the same seed gives the same data.
    test_fraction : float, default 0.5
        Share of points held out for testing, strictly between 0 and 1.

    Returns
    -------
    Split
        ``X_train, y_train, X_test, y_test``.
    """
    task_of(name)  # rejects unknown names
    if n < 4 or not 0.0 <= noise <= 1.0 or not 0.0 < test_fraction < 1.0:
        raise ValueError("Need n >= 4, 0 <= noise <= 1 and 0 < test_fraction < 1.")
    rng = np.random.default_rng(seed)
    X, y = _draw(name, n, noise, rng)
    perm = rng.permutation(n)
    n_test = max(1, min(n - 1, round(n * test_fraction)))
    test, train = perm[:n_test], perm[n_test:]
    return Split(X[train], y[train], X[test], y[test])


def bayes_accuracy_xor(noise: float, grid: int = 4001) -> float:
    r"""Accuracy of :math:`\operatorname{sign}(x_1 x_2)` on noisy XOR labels, by quadrature.

    A coordinate :math:`u`, uniform on :math:`[m, 1 + m]` (``XOR_MARGIN`` :math:`= m`), flips
    sign in the jittered copy with probability :math:`p = \int \Phi(-u/\sigma)\,du`; the label
    flips when exactly one coordinate does, so the accuracy is :math:`1 - 2p(1 - p)`.

    Parameters
    ----------
    noise : float
        Standard deviation :math:`\sigma` of the label jitter (0 gives 1).
    grid : int, default 4001
        Points of the trapezoid rule.

    Returns
    -------
    float
        The best accuracy any classifier can reach on this data, on average.
    """
    if noise <= 0:
        return 1.0
    u = np.linspace(XOR_MARGIN, 1.0 + XOR_MARGIN, grid)
    tail = 0.5 * np.vectorize(erfc, otypes=[float])(u / (noise * np.sqrt(2.0)))  # Φ(-u/σ)
    p = float(np.sum((tail[1:] + tail[:-1]) * np.diff(u)) / 2.0)
    return 1.0 - 2.0 * p * (1.0 - p)


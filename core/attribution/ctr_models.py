"""Click-through-rate models built on :mod:`core.nn.mlp`: one on creative pixels, one on a table.

Both are a :class:`CtrModel`: a standardising input transform, a small MLP whose output is
the (standardised) log-odds of a click, and the sigmoid that turns it into a CTR. The input
gradient comes from :func:`core.nn.mlp.input_gradient` and the chain rule through the transform
and the sigmoid, so the attribution methods of :mod:`core.attribution` can use it directly.

Training is a minimal full-batch Adam loop on :func:`core.nn.mlp.loss_and_grads` (squared error
on the true log-odds) with :func:`core.descent.optimizers.step`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.attribution import creatives
from core.descent import optimizers
from core.nn import mlp
from core.nn.params import flatten, unflatten

ACTIVATION = "tanh"
WEIGHTS = Path(__file__).resolve().parents[2] / "data" / "creative_model.npz"
TABULAR_FEATURES = (
    # key, label, unit, low, high
    ("headline_words", "Headline length", "words", 2.0, 16.0),
    ("discount_pct", "Discount", "%", 0.0, 60.0),
    ("brightness", "Image brightness", "0–1", 0.0, 1.0),
    ("cta_contrast", "CTA contrast", "0–1", 0.0, 1.0),
    ("logo_size", "Logo size", "% of image", 0.0, 20.0),
)


@dataclass(frozen=True)
class CtrModel:
    """A CTR model: ``logit(x) = z_std · mlp((x − shift) / scale) + z_mean``, ``CTR = σ(logit)``.

    Attributes
    ----------
    params : list of tuple of numpy.ndarray
        MLP weights, as :func:`core.nn.mlp.init_params` returns them (one output).
    shift, scale : numpy.ndarray
        Per-feature input standardisation, shape ``input_shape``.
    z_mean, z_std : float
        Standardisation of the log-odds target.
    input_shape : tuple of int
        Shape of one input, e.g. ``(32, 32, 3)`` or ``(5,)``.
    """

    params: list
    shift: np.ndarray
    scale: np.ndarray
    z_mean: float
    z_std: float
    input_shape: tuple[int, ...]


def _design(model: CtrModel, X: np.ndarray) -> np.ndarray:
    """Flatten a batch ``(n, *input_shape)`` into standardised MLP inputs ``(n, d)``."""
    X = np.asarray(X, dtype=float)
    if X.shape[1:] != tuple(model.input_shape):
        raise ValueError(f"Inputs must have shape (n, {model.input_shape}); got {X.shape}.")
    return ((X - model.shift) / model.scale).reshape(X.shape[0], -1)


def logit(model: CtrModel, X: np.ndarray) -> np.ndarray:
    """Predicted log-odds of a click for a batch of inputs.

    Parameters
    ----------
    model : CtrModel
        The model.
    X : numpy.ndarray
        Batch of shape ``(n, *model.input_shape)``.

    Returns
    -------
    numpy.ndarray
        Shape ``(n,)``.
    """
    return mlp.forward(model.params, _design(model, X), ACTIVATION) * model.z_std + model.z_mean


def ctr(model: CtrModel, X: np.ndarray) -> np.ndarray:
    r"""Predicted click-through rate, :math:`\sigma(\operatorname{logit}(x))`, in [0, 1].

    Parameters
    ----------
    model : CtrModel
        The model.
    X : numpy.ndarray
        Batch of shape ``(n, *model.input_shape)``.

    Returns
    -------
    numpy.ndarray
        Shape ``(n,)``.
    """
    return 0.5 * (1.0 + np.tanh(0.5 * logit(model, X)))


def logit_gradient(model: CtrModel, X: np.ndarray) -> np.ndarray:
    r"""Gradient of the log-odds with respect to each input feature (backpropagation).

    .. math:: \frac{\partial\,\mathrm{logit}}{\partial x_j}
              = \frac{z_{\mathrm{std}}}{s_j}\,\frac{\partial\,\mathrm{mlp}}{\partial u_j}

    Parameters
    ----------
    model : CtrModel
        The model.
    X : numpy.ndarray
        Batch of shape ``(n, *model.input_shape)``.

    Returns
    -------
    numpy.ndarray
        Shape ``(n, *model.input_shape)``.
    """
    g = mlp.input_gradient(model.params, _design(model, X), ACTIVATION)
    return g.reshape(np.shape(X)) * model.z_std / model.scale


def ctr_gradient(model: CtrModel, X: np.ndarray) -> np.ndarray:
    r"""Gradient of the CTR with respect to each input feature.

    .. math:: \frac{\partial\,\mathrm{CTR}}{\partial x_j}
              = \mathrm{CTR}\,(1 - \mathrm{CTR})\,\frac{\partial\,\mathrm{logit}}{\partial x_j}

    Parameters
    ----------
    model : CtrModel
        The model.
    X : numpy.ndarray
        Batch of shape ``(n, *model.input_shape)``.

    Returns
    -------
    numpy.ndarray
        Shape ``(n, *model.input_shape)``.
    """
    X = np.asarray(X, dtype=float)
    u = _design(model, X)
    p = 0.5 * (1.0 + np.tanh(0.5 * (mlp.forward(model.params, u, ACTIVATION) * model.z_std
                                     + model.z_mean)))
    g = mlp.input_gradient(model.params, u, ACTIVATION).reshape(X.shape) * model.z_std / model.scale
    return (p * (1 - p)).reshape((-1,) + (1,) * (X.ndim - 1)) * g


def fit(
    X: np.ndarray,
    z: np.ndarray,
    hidden: int = 16,
    epochs: int = 800,
    lr: float = 2e-3,
    l2: float = 1e-3,
    seed: int = 0,
    shift: np.ndarray | float | None = None,
    scale: np.ndarray | float | None = None,
) -> tuple[CtrModel, np.ndarray]:
    r"""Fit a one-hidden-layer tanh MLP to log-odds targets by full-batch Adam, cosine-annealed.

    Minimises :math:`\frac1n\sum_i (\mathrm{mlp}(u_i) - \tilde z_i)^2 + \tfrac{\lambda}{2}\sum W^2`
    with standardised targets :math:`\tilde z = (z - \bar z)/s_z`, deterministic for a seed.

    Parameters
    ----------
    X : numpy.ndarray
        Inputs of shape ``(n, *input_shape)``.
    z : numpy.ndarray
        True log-odds, shape ``(n,)``.
    hidden : int, default 16
        Hidden width.
    epochs : int, default 800
        Number of full-batch Adam steps.
    lr : float, default 2e-3
        Initial Adam learning rate, annealed as :math:`\eta_t = \eta\,(1 + \cos(\pi (t-1)/T))/2`.
    l2 : float, default 1e-3
        Weight decay :math:`\lambda`.
    seed : int, default 0
        Seed of the initial weights.
    shift, scale : numpy.ndarray or float or None, default None
        Input standardisation; ``None`` uses the per-feature mean and standard deviation.

    Returns
    -------
    model : CtrModel
        The fitted model.
    losses : numpy.ndarray
        Training loss per epoch.
    """
    X, z = np.asarray(X, dtype=float), np.asarray(z, dtype=float)
    shape = X.shape[1:]
    shift = np.broadcast_to(X.mean(axis=0) if shift is None else shift, shape).copy()
    scale = np.broadcast_to(X.std(axis=0) + 1e-9 if scale is None else scale, shape).copy()
    U = ((X - shift) / scale).reshape(len(X), -1)
    target = (z - z.mean()) / z.std()
    sizes = (U.shape[1], int(hidden), 1)
    theta = flatten(mlp.init_params(sizes, seed=seed))
    state = optimizers.init_state("adam", theta.size)
    losses = np.empty(epochs)
    for t in range(1, epochs + 1):
        losses[t - 1], grads = mlp.loss_and_grads(
            unflatten(theta, sizes), U, target, ACTIVATION, "mse", l2
        )
        rate = lr * 0.5 * (1.0 + np.cos(np.pi * (t - 1) / epochs))
        theta, state = optimizers.step("adam", theta, flatten(grads), state, rate, t)
    params = [(W.copy(), b.copy()) for W, b in unflatten(theta, sizes)]
    return CtrModel(params, shift, scale, float(z.mean()), float(z.std()), shape), losses


def tabular_true_logit(X: np.ndarray) -> np.ndarray:
    r"""Ground-truth log-odds of the tabular CTR model, columns as in :data:`TABULAR_FEATURES`.

    .. math::
        \operatorname{logit} = -5.6 + 0.9\,e^{-((w - 7)/4)^2} + 1.1 \tanh(d / 20)
        - 2.5\,(b - 0.6)^2 + 1.2\,c - 0.08 \max(g - 6, 0)

    with headline words :math:`w`, discount :math:`d` (%), brightness :math:`b`, CTA contrast
    :math:`c` and logo size :math:`g` (% of the image): a sweet spot for the headline, a
    saturating discount, a brightness optimum, and a logo that hurts only once it is large.

    Parameters
    ----------
    X : numpy.ndarray
        Shape ``(n, 5)``.

    Returns
    -------
    numpy.ndarray
        Shape ``(n,)``.
    """
    w, d, b, c, g = np.asarray(X, dtype=float).T
    return (-5.6 + 0.9 * np.exp(-(((w - 7.0) / 4.0) ** 2)) + 1.1 * np.tanh(d / 20.0)
            - 2.5 * (b - 0.6) ** 2 + 1.2 * c - 0.08 * np.maximum(g - 6.0, 0.0))


def tabular_dataset(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Uniformly drawn feature rows within the ranges of :data:`TABULAR_FEATURES` and their logits.

    Parameters
    ----------
    n : int
        Number of rows.
    seed : int, default 0
        Seed of the generator.

    Returns
    -------
    X : numpy.ndarray
        Shape ``(n, 5)``.
    z : numpy.ndarray
        True log-odds, shape ``(n,)``.
    """
    lo = np.array([f[3] for f in TABULAR_FEATURES])
    hi = np.array([f[4] for f in TABULAR_FEATURES])
    X = lo + (hi - lo) * np.random.default_rng(seed).random((n, len(TABULAR_FEATURES)))
    return X, tabular_true_logit(X)


def train_tabular_model(seed: int = 0) -> CtrModel:
    """Train the tabular CTR model (5 → 12 → 1) on 2 000 synthetic rows; well under a second.

    Parameters
    ----------
    seed : int, default 0
        Seed of the data and the initial weights.

    Returns
    -------
    CtrModel
        The trained model.
    """
    X, z = tabular_dataset(2000, seed)
    return fit(X, z, hidden=12, epochs=1500, lr=1e-2, l2=1e-4, seed=seed)[0]


def train_creative_model(
    n: int = 8000, epochs: int = 1500, hidden: int = 16, seed: int = 0
) -> tuple[CtrModel, np.ndarray]:
    """Train the creative CTR model (3 072 pixels → hidden → 1) on random creatives.

    Parameters
    ----------
    n : int, default 8000
        Number of training creatives (``creatives.dataset(n, seed)``).
    epochs : int, default 1500
        Full-batch Adam steps.
    hidden : int, default 16
        Hidden width.
    seed : int, default 0
        Seed of the data and of the initial weights.

    Returns
    -------
    model : CtrModel
        Pixels centred at the training mean, unit scale, so gradients are per unit of pixel
        intensity. Centring makes the always-background border an input of exactly 0, so weight
        decay drives its weights (and its gradient) to zero instead of letting them act as a
        bias.
    losses : numpy.ndarray
        Training loss per epoch.
    """
    images, z, _ = creatives.dataset(n, seed)
    return fit(images, z, hidden=hidden, epochs=epochs, lr=3e-3, l2=2e-3, seed=seed,
               shift=images.mean(axis=0), scale=1.0)


def save_models(path, models: dict[str, CtrModel], **extras: np.ndarray) -> None:
    """Save models (float32 weights, small file) and extra arrays to an ``.npz`` file.

    Parameters
    ----------
    path : str or os.PathLike
        Destination.
    models : dict of str to CtrModel
        Models by name.
    **extras : numpy.ndarray
        Extra arrays stored under their keyword (e.g. the mean creative).
    """
    arrays = dict(extras)
    for name, m in models.items():
        for i, (W, b) in enumerate(m.params):
            arrays[f"{name}.W{i}"], arrays[f"{name}.b{i}"] = W.astype(np.float32), b.astype(np.float32)
        arrays[f"{name}.shift"], arrays[f"{name}.scale"] = m.shift, m.scale
        arrays[f"{name}.z"] = np.array([m.z_mean, m.z_std])
    np.savez_compressed(path, **arrays)


def load_models(path) -> tuple[dict[str, CtrModel], dict[str, np.ndarray]]:
    """Load what :func:`save_models` wrote (weights come back as float64).

    Parameters
    ----------
    path : str or os.PathLike
        The ``.npz`` file.

    Returns
    -------
    models : dict of str to CtrModel
        Models by name.
    extras : dict of str to numpy.ndarray
        The extra arrays.
    """
    with np.load(path) as data:
        arrays = {k: data[k] for k in data.files}
    names = {k.split(".")[0] for k in arrays if "." in k}
    models = {}
    for name in sorted(names):
        layers = sum(1 for k in arrays if k.startswith(f"{name}.W"))
        params = [(arrays[f"{name}.W{i}"].astype(float), arrays[f"{name}.b{i}"].astype(float))
                  for i in range(layers)]
        shift, scale = arrays[f"{name}.shift"], arrays[f"{name}.scale"]
        z_mean, z_std = arrays[f"{name}.z"]
        models[name] = CtrModel(params, shift, scale, float(z_mean), float(z_std), shift.shape)
    return models, {k: v for k, v in arrays.items() if "." not in k}


def load_shipped(path=WEIGHTS) -> tuple[CtrModel, CtrModel, np.ndarray]:
    """The lesson's trained models and the mean creative, as written by the training script.

    Parameters
    ----------
    path : str or os.PathLike, default WEIGHTS
        The ``.npz`` file made by ``scripts/train_creative_model.py``.

    Returns
    -------
    creative_model : CtrModel
        Pixels → CTR.
    tabular_model : CtrModel
        Five ad features → CTR.
    mean_creative : numpy.ndarray
        The average creative, shape (32, 32, 3).

    Raises
    ------
    FileNotFoundError
        When the weights file is missing, with the command that rebuilds it.
    """
    if not Path(path).is_file():
        raise FileNotFoundError(f"{path} is missing: run `python scripts/train_creative_model.py`.")
    models, extras = load_models(path)
    return models["creative"], models["tabular"], extras["mean_creative"]

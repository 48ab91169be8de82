"""Training loop for :mod:`core.nn.mlp`: mini-batches, the shared optimizers, clipping, history.

The update rules and clipping come from :mod:`core.descent.optimizers` (the gradient-descent
lesson); this module only flattens the ``(W, b)`` list into one vector, feeds the
backprop gradient to them, and records what the playground replays: losses,
accuracies, the gradient norm of each layer and a snapshot of the weights per epoch.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from core.descent.optimizers import clip_grad_norm, init_state, step
from core.nn import datasets, mlp
from core.nn.params import Params, flatten, unflatten

OPTIMIZERS = ("sgd", "momentum", "adam")
DIVERGED_LOSS = 1e6


@dataclass(frozen=True)
class TrainResult:
    r"""Everything a training run produced, indexed by epoch.

    Attributes
    ----------
    layer_sizes : tuple of int
        Widths of the network, input first.
    snapshots : numpy.ndarray
        Shape ``(E + 1, P)``: flat parameters after each epoch (row 0 = initial weights).
    train_loss, test_loss : numpy.ndarray
        Shape ``(E + 1,)``: mean data loss (without the L2 term) after each epoch.
    train_acc, test_acc : numpy.ndarray
        Shape ``(E + 1,)``: accuracy after each epoch.
    grad_norms : numpy.ndarray
        Shape ``(E, L)``: mean over the epoch's steps of each layer's raw (unclipped)
        gradient norm :math:`\lVert(\partial J/\partial W_l, \partial J/\partial b_l)\rVert_2`.
    clipped_share : numpy.ndarray
        Shape ``(E,)``: share of the epoch's steps whose gradient was clipped.
    diverged_at : int or None
        The epoch during which the loss or weights stopped being finite (or exceeded
        ``DIVERGED_LOSS``); the histories stop before it. None if training finished.
    """

    layer_sizes: tuple[int, ...]
    snapshots: np.ndarray
    train_loss: np.ndarray
    test_loss: np.ndarray
    train_acc: np.ndarray
    test_acc: np.ndarray
    grad_norms: np.ndarray
    clipped_share: np.ndarray
    diverged_at: int | None

    @property
    def epochs_done(self) -> int:
        """Number of completed epochs (``len(snapshots) - 1``)."""
        return len(self.snapshots) - 1

    def params_at(self, epoch: int) -> Params:
        """Network parameters after ``epoch`` (0 = initial), clamped to the epochs done."""
        epoch = int(min(max(epoch, 0), self.epochs_done))
        return unflatten(self.snapshots[epoch], self.layer_sizes)


def _evaluate(params, X, y, activation, loss) -> tuple[float, float]:
    """Data loss and accuracy of one forward pass."""
    z = mlp.forward(params, X, activation)
    p = 0.5 * (1.0 + np.tanh(0.5 * z)) if loss == "bce" else z
    return mlp.logit_loss(z, y, loss), float(np.mean((p > 0.5) == (y > 0.5)))


def _batches(n: int, batch_size: int, rng: np.random.Generator) -> list[np.ndarray | None]:
    """Index arrays of one epoch's shuffled mini-batches (``[None]`` = full batch)."""
    if batch_size <= 0 or batch_size >= n:
        return [None]
    order = rng.permutation(n)
    return [order[i : i + batch_size] for i in range(0, n, batch_size)]


def _layer_starts(layer_sizes: Sequence[int]) -> np.ndarray:
    """Index in the flat vector where each layer's (W, b) block begins."""
    sizes = [(a + 1) * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:], strict=True)]
    return np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.intp)


@dataclass(frozen=True)
class _Run:
    """Fixed settings of one training run (internal)."""

    sizes: tuple[int, ...]
    activation: str
    loss: str
    optimizer: str
    lr: float
    l2: float
    clip_norm: float | None


def _epoch(run: _Run, theta, state, t, X, y, batches):
    """One pass over the batches; returns theta, state, t, mean layer norms, clipped share."""
    starts = _layer_starts(run.sizes)
    norms = np.zeros(len(starts))
    clipped = 0
    for idx in batches:
        Xb, yb = (X, y) if idx is None else (X[idx], y[idx])
        params = unflatten(theta, run.sizes)
        _, grads = mlp.loss_and_grads(params, Xb, yb, run.activation, run.loss, run.l2)
        g = flatten(grads)
        norms += np.sqrt(np.add.reduceat(g * g, starts))
        if run.clip_norm is not None:
            g, was = clip_grad_norm(g, run.clip_norm)
            clipped += was
        t += 1
        theta, state = step(run.optimizer, theta, g, state, run.lr, t)
    return theta, state, t, norms / len(batches), clipped / len(batches)


def train(
    X_train: np.ndarray, y_train: np.ndarray, X_test: np.ndarray, y_test: np.ndarray,
    hidden: Sequence[int] = (8, 8), *, activation: str = "tanh", loss: str = "bce",
    optimizer: str = "adam", lr: float = 0.03, batch_size: int = 0, l2: float = 0.0,
    epochs: int = 300, init_scale: float = 1.0, clip_norm: float | None = None, seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> TrainResult:
    r"""Train a binary classifier MLP and record its history epoch by epoch.

    Each step draws a mini-batch, computes :math:`g = \nabla J` by backpropagation
    (:func:`core.nn.mlp.loss_and_grads`), optionally rescales it to norm at most
    ``clip_norm`` and applies the optimizer's update :math:`\theta \leftarrow
    \operatorname{rule}(\theta, g)`.

    Parameters
    ----------
    X_train, y_train, X_test, y_test : numpy.ndarray
        Data: ``X`` of shape ``(n, d)``, ``y`` of 0/1 labels with shape ``(n,)``.
    hidden : sequence of int, default (8, 8)
        Hidden-layer widths (empty for logistic regression).
    activation : {"tanh", "relu", "sigmoid", "linear"}, default "tanh"
        Hidden activation.
    loss : {"bce", "mse"}, default "bce"
        Training loss.
    optimizer : {"sgd", "momentum", "adam"}, default "adam"
        Update rule from :mod:`core.descent.optimizers` (momentum uses factor 0.9).
    lr : float, default 0.03
        Learning rate.
    batch_size : int, default 0
        Mini-batch size; 0 (or at least the training size) means full batch.
    l2 : float, default 0.0
        Weight decay :math:`\lambda` (penalty :math:`\tfrac{\lambda}{2}\sum W^2`).
    epochs : int, default 300
        Passes over the training set.
    init_scale : float, default 1.0
        Multiplier of the initial weights' standard deviation.
    clip_norm : float or None, default None
        Clip the whole gradient to this Euclidean norm before each update.
    seed : int, default 0
        Seed for the initial weights and the batch shuffling.
    progress : callable, optional
        Called as ``progress(epochs_done, epochs)`` about 20 times during training.

    Returns
    -------
    TrainResult
        Snapshots, losses, accuracies and per-layer gradient norms.
    """
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"Unknown optimizer {optimizer!r}; choose one of {OPTIMIZERS}.")
    if epochs < 0 or lr <= 0:
        raise ValueError("Need epochs >= 0 and a positive learning rate.")
    X_train = np.asarray(X_train, dtype=np.float64)
    sizes = (X_train.shape[1], *(int(h) for h in hidden), 1)
    run = _Run(sizes, activation, loss, optimizer, float(lr), float(l2), clip_norm)
    rng = np.random.default_rng(seed)
    theta = flatten(mlp.init_params(sizes, seed=seed, scale=init_scale))
    state, t = init_state(optimizer, theta.size), 0
    snaps, evals, norms, clipped = [theta], [], [], []
    evals.append((*_evaluate(unflatten(theta, sizes), X_train, y_train, activation, loss),
                  *_evaluate(unflatten(theta, sizes), X_test, y_test, activation, loss)))
    diverged, every = None, max(1, epochs // 20)
    for epoch in range(1, epochs + 1):
        batches = _batches(len(X_train), batch_size, rng)
        with np.errstate(all="ignore"):
            theta, state, t, n, c = _epoch(run, theta, state, t, X_train, y_train, batches)
            params = unflatten(theta, sizes)
            ev = (*_evaluate(params, X_train, y_train, activation, loss),
                  *_evaluate(params, X_test, y_test, activation, loss))
        if not (np.isfinite(theta).all() and np.isfinite(ev[0]) and ev[0] < DIVERGED_LOSS):
            diverged = epoch
            break
        snaps.append(theta)
        evals.append(ev)
        norms.append(n)
        clipped.append(c)
        if progress is not None and (epoch % every == 0 or epoch == epochs):
            progress(epoch, epochs)
    ev_arr = np.array(evals, dtype=np.float64)
    return TrainResult(
        sizes, np.array(snaps), ev_arr[:, 0], ev_arr[:, 2], ev_arr[:, 1], ev_arr[:, 3],
        np.array(norms, dtype=np.float64).reshape(len(norms), len(sizes) - 1),
        np.array(clipped, dtype=np.float64), diverged,
    )


PLAYGROUND_DEFAULTS = {
    "dataset": "circles", "noise": 0.05, "n_points": 400, "layers": 2, "neurons": 8,
    "activation": "tanh", "loss": "bce", "optimizer": "adam", "lr": 0.03, "batch_size": 0,
    "l2": 0.0, "epochs": 300, "init_scale": 1.0, "clip_norm": None, "seed": 0,
}


def run_playground(**config) -> tuple[datasets.Split, TrainResult]:
    """Make the playground's dataset and train its network (page settings in, results out).

    Parameters
    ----------
    **config
        Any keys of ``PLAYGROUND_DEFAULTS`` (missing ones take the default) plus an
        optional ``progress`` callback: ``dataset``, ``noise``, ``n_points`` and ``seed``
        pick the data; ``layers`` hidden layers of ``neurons`` units each; the rest are
        passed to :func:`train`.

    Returns
    -------
    split : Split
        The train/test data.
    result : TrainResult
        The training history.
    """
    progress = config.pop("progress", None)
    unknown = set(config) - set(PLAYGROUND_DEFAULTS)
    if unknown:
        raise ValueError(f"Unknown playground settings: {sorted(unknown)}.")
    c = {**PLAYGROUND_DEFAULTS, **config}
    split = datasets.make_dataset(c["dataset"], int(c["n_points"]), float(c["noise"]), c["seed"])
    result = train(
        split.X_train, split.y_train, split.X_test, split.y_test,
        (int(c["neurons"]),) * int(c["layers"]), activation=c["activation"], loss=c["loss"],
        optimizer=c["optimizer"], lr=float(c["lr"]), batch_size=int(c["batch_size"]),
        l2=float(c["l2"]), epochs=int(c["epochs"]), init_scale=float(c["init_scale"]),
        clip_norm=c["clip_norm"], seed=c["seed"], progress=progress,
    )
    return split, result

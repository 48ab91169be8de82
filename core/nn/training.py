"""Training loop for :mod:`core.nn.mlp`: mini-batches, the shared optimizers, clipping, history.

The update rules and clipping come from :mod:`core.descent.rules` (the gradient-descent
lesson); L1 comes from :mod:`core.nn.penalty`. This module flattens the ``(W, b)`` list into
one vector, feeds the backprop gradient to them, and records what the playground draws:
losses, accuracies, the gradient norm of each layer and the weights after every epoch.

:class:`Training` is a run that advances a few epochs at a time (the live playground calls
it several times a second); :func:`train` runs one to the end.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from core.descent.rules import clip_grad_norm, init_state, step
from core.nn import mlp
from core.nn.losses import accuracy_of, logit_loss
from core.nn.params import Params, flatten, unflatten
from core.nn.penalty import l1_pseudo_gradient, orthant_project, weight_mask

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
        Shape ``(E + 1,)``: mean data loss (without the penalties) after each epoch.
    train_acc, test_acc : numpy.ndarray
        Shape ``(E + 1,)``: accuracy after each epoch (NaN for a regression run).
    grad_norms : numpy.ndarray
        Shape ``(E, L)``: mean over the epoch's steps of each layer's raw (unclipped)
        gradient norm :math:`\lVert(\partial J/\partial W_l, \partial J/\partial b_l)\rVert_2`.
    clipped_share : numpy.ndarray
        Shape ``(E,)``: share of the epoch's steps whose gradient was clipped.
    diverged_at : int or None
        The epoch during which the loss or weights stopped being finite (or exceeded
        ``DIVERGED_LOSS``); the histories stop before it. None if training went on.
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


@dataclass(frozen=True)
class Settings:
    """How a run trains (everything but the data and the network's shape).

    See :func:`train` for the meaning and defaults of each field.
    """

    activation: str = "tanh"
    loss: str = "bce"
    optimizer: str = "adam"
    lr: float = 0.03
    batch_size: int = 0
    l1: float = 0.0
    l2: float = 0.0
    init_scale: float = 1.0
    clip_norm: float | None = None
    seed: int = 0
    classify: bool = True

    def __post_init__(self) -> None:
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"Unknown optimizer {self.optimizer!r}; choose one of {OPTIMIZERS}.")
        if not self.lr > 0:
            raise ValueError("Need a positive learning rate.")
        if self.l1 < 0 or self.l2 < 0:
            raise ValueError("Regularisation rates cannot be negative.")


def _layer_starts(layer_sizes: Sequence[int]) -> np.ndarray:
    """Index in the flat vector where each layer's (W, b) block begins."""
    sizes = [(a + 1) * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:], strict=True)]
    return np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.intp)


class Training:
    """A training run that advances epoch by epoch and keeps its whole history.

    Parameters
    ----------
    X_train, y_train, X_test, y_test : numpy.ndarray
        Data: ``X`` of shape ``(n, d)``; ``y`` 0/1 labels, class indices (``"ce"``) or
        real targets.
    hidden : sequence of int, default (8, 8)
        Hidden-layer widths (empty for a linear model).
    outputs : int, default 1
        Width of the output layer: 1, or the number of classes for ``"ce"``.
    settings : Settings, optional
        How to train (defaults of :class:`Settings` otherwise).
    """

    def __init__(self, X_train, y_train, X_test, y_test, hidden: Sequence[int] = (8, 8),
                 outputs: int = 1, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self.data = tuple(np.asarray(a, dtype=np.float64)
                          for a in (X_train, y_train, X_test, y_test))
        self.sizes = (self.data[0].shape[1], *(int(h) for h in hidden), int(outputs))
        s = self.settings
        self.rng = np.random.default_rng(s.seed)
        self.theta = flatten(mlp.init_params(self.sizes, seed=s.seed, scale=s.init_scale))
        self.state, self.t = init_state(s.optimizer, self.theta.size), 0
        self.starts, self.mask = _layer_starts(self.sizes), weight_mask(self.sizes)
        self.snapshots = [self.theta]
        self.evals = [self._evaluate(self.theta)]
        self.norms: list[np.ndarray] = []
        self.clipped: list[float] = []
        self.diverged_at: int | None = None

    @property
    def epochs_done(self) -> int:
        """Completed epochs."""
        return len(self.snapshots) - 1

    def _evaluate(self, theta: np.ndarray) -> tuple[float, float, float, float]:
        """Train loss, train accuracy, test loss, test accuracy (NaN accuracy: regression)."""
        s, params, out = self.settings, unflatten(theta, self.sizes), []
        for X, y in (self.data[:2], self.data[2:]):
            z = mlp.forward(params, X, s.activation)
            out += [logit_loss(z, y, s.loss),
                    accuracy_of(z, y, s.loss) if s.classify else float("nan")]
        return out[0], out[1], out[2], out[3]

    def _gradient(self, theta: np.ndarray, idx: np.ndarray | None) -> np.ndarray:
        """Flat gradient of the loss (with L2, without L1) on one mini-batch."""
        s, (X, y) = self.settings, self.data[:2]
        Xb, yb = (X, y) if idx is None else (X[idx], y[idx])
        _, grads = mlp.loss_and_grads(unflatten(theta, self.sizes), Xb, yb, s.activation,
                                      s.loss, s.l2)
        return flatten(grads)

    def _batches(self) -> list[np.ndarray | None]:
        """Index arrays of one epoch's shuffled mini-batches (``[None]`` = full batch)."""
        n, size = len(self.data[0]), self.settings.batch_size
        if size <= 0 or size >= n:
            return [None]
        order = self.rng.permutation(n)
        return [order[i : i + size] for i in range(0, n, size)]

    def _epoch(self) -> tuple[np.ndarray, np.ndarray, float]:
        """One pass over the batches: new theta, mean layer norms, clipped share."""
        s, theta = self.settings, self.theta
        batches = self._batches()
        norms, clipped = np.zeros(len(self.starts)), 0
        for idx in batches:
            g = self._gradient(theta, idx)
            if s.l1:
                g = l1_pseudo_gradient(theta, g, s.l1, self.mask)
            norms += np.sqrt(np.add.reduceat(g * g, self.starts))
            used = g
            if s.clip_norm is not None:
                used, was = clip_grad_norm(g, s.clip_norm)
                clipped += was
            self.t += 1
            new, self.state = step(s.optimizer, theta, used, self.state, s.lr, self.t)
            theta = orthant_project(theta, new, g, self.mask) if s.l1 else new
        return theta, norms / len(batches), clipped / len(batches)

    def advance(self, epochs: int = 1) -> int:
        """Train ``epochs`` more epochs (fewer if the run diverges); return how many ran.

        A diverged run stays diverged: further calls do nothing.
        """
        done = 0
        while done < epochs and self.diverged_at is None:
            with np.errstate(all="ignore"):
                theta, norms, clipped = self._epoch()
                ev = self._evaluate(theta)
            if not (np.isfinite(theta).all() and np.isfinite(ev[0]) and ev[0] < DIVERGED_LOSS):
                self.diverged_at = self.epochs_done + 1
                break
            self.theta = theta
            self.snapshots.append(theta)
            self.evals.append(ev)
            self.norms.append(norms)
            self.clipped.append(clipped)
            done += 1
        return done

    def run_until(self, epochs: int,
                  progress: Callable[[int, int], None] | None = None) -> TrainResult:
        """Advance to ``epochs`` epochs in all (or to divergence) and return the history.

        ``progress(epochs_done, epochs)`` is called about 20 times on the way.
        """
        every = max(1, epochs // 20)
        while self.epochs_done < epochs and self.diverged_at is None:
            self.advance(min(every, epochs - self.epochs_done))
            if progress is not None:
                progress(self.epochs_done, epochs)
        return self.result()

    def params(self) -> Params:
        """The current weights and biases."""
        return unflatten(self.theta, self.sizes)

    def result(self) -> TrainResult:
        """The history so far as arrays."""
        ev = np.array(self.evals, dtype=np.float64)
        norms = np.array(self.norms, dtype=np.float64).reshape(len(self.norms), len(self.sizes) - 1)
        return TrainResult(self.sizes, np.array(self.snapshots), ev[:, 0], ev[:, 2], ev[:, 1],
                           ev[:, 3], norms, np.array(self.clipped, dtype=np.float64),
                           self.diverged_at)


def train(
    X_train: np.ndarray, y_train: np.ndarray, X_test: np.ndarray, y_test: np.ndarray,
    hidden: Sequence[int] = (8, 8), *, activation: str = "tanh", loss: str = "bce",
    optimizer: str = "adam", lr: float = 0.03, batch_size: int = 0, l2: float = 0.0,
    l1: float = 0.0, epochs: int = 300, init_scale: float = 1.0,
    clip_norm: float | None = None, seed: int = 0, outputs: int = 1, classify: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> TrainResult:
    r"""Train an MLP and record its history epoch by epoch.

    Each step draws a mini-batch, computes :math:`g = \nabla J` by backpropagation
    (:func:`core.nn.mlp.loss_and_grads`), applies L1 the orthant-wise way
    (:mod:`core.nn.penalty`), optionally rescales the gradient to norm at most
    ``clip_norm`` and applies the optimizer's update :math:`\theta \leftarrow
    \operatorname{rule}(\theta, g)`.

    Parameters
    ----------
    X_train, y_train, X_test, y_test : numpy.ndarray
        Data: ``X`` of shape ``(n, d)``; ``y`` of shape ``(n,)``: 0/1 labels, class
        indices for ``"ce"``, or real targets for ``"mse"``.
    hidden : sequence of int, default (8, 8)
        Hidden-layer widths (empty for a linear model).
    activation : {"tanh", "relu", "sigmoid", "linear"}, default "tanh"
        Hidden activation.
    loss : {"bce", "mse", "ce"}, default "bce"
        Training loss.
    optimizer : {"sgd", "momentum", "adam"}, default "adam"
        Update rule from :mod:`core.descent.rules` (momentum uses factor 0.9).
    lr : float, default 0.03
        Learning rate.
    batch_size : int, default 0
        Mini-batch size; 0 (or at least the training size) means full batch.
    l2 : float, default 0.0
        Weight decay :math:`\lambda_2` (penalty :math:`\tfrac{\lambda_2}{2}\sum W^2`).
    l1 : float, default 0.0
        L1 strength :math:`\lambda_1` (penalty :math:`\lambda_1 \sum |W|`).
    epochs : int, default 300
        Passes over the training set.
    init_scale : float, default 1.0
        Multiplier of the initial weights' standard deviation.
    clip_norm : float or None, default None
        Clip the whole gradient to this Euclidean norm before each update.
    seed : int, default 0
        Seed for the initial weights and the batch shuffling.
    outputs : int, default 1
        Width of the output layer (the number of classes for ``"ce"``).
    classify : bool, default True
        Record accuracies (False for regression: they are NaN).
    progress : callable, optional
        Called as ``progress(epochs_done, epochs)`` about 20 times during training.

    Returns
    -------
    TrainResult
        Snapshots, losses, accuracies and per-layer gradient norms.
    """
    if epochs < 0:
        raise ValueError("Need epochs >= 0.")
    settings = Settings(activation, loss, optimizer, float(lr), int(batch_size), float(l1),
                        float(l2), float(init_scale), clip_norm, seed, classify)
    run = Training(X_train, y_train, X_test, y_test, hidden, outputs, settings)
    return run.run_until(epochs, progress)

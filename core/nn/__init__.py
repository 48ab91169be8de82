"""Neural networks from scratch: scalar autodiff, a vectorised MLP, datasets and training.

- :mod:`~core.nn.autodiff`: :class:`Value`, a scalar that records its local derivatives, and
  the computation graph and backward steps the lesson draws.
- :mod:`~core.nn.tiny_net`: the lesson's 2-2-1 network built from :class:`Value` operations.
- :mod:`~core.nn.params`: the MLP's parameters as layers or as one flat vector.
- :mod:`~core.nn.mlp`: the vectorised MLP with hand-written backpropagation.
- :mod:`~core.nn.datasets`: the playground's two-dimensional datasets.
- :mod:`~core.nn.training`: full-batch training with the optimizers of :mod:`core.descent`.
- :mod:`~core.nn.gradcheck`: backpropagation checked against finite differences, and timed.
"""

from core.nn.autodiff import Edge, Graph, Node, Step, Value, backward_steps, trace
from core.nn.datasets import DATASETS, Split, make_dataset
from core.nn.gradcheck import (
    error_versus_step,
    finite_difference_gradient,
    measure_gradient_cost,
    relative_error,
)
from core.nn.mlp import (
    ACTIVATIONS,
    LOSSES,
    accuracy,
    forward,
    init_params,
    input_gradient,
    logit_loss,
    loss_and_grads,
    loss_value,
    predict_proba,
)
from core.nn.params import Params, flatten, layer_sizes_of, n_params, unflatten
from core.nn.tiny_net import build_tiny_network, tiny_graph, tiny_loss
from core.nn.training import (
    OPTIMIZERS,
    PLAYGROUND_DEFAULTS,
    TrainResult,
    run_playground,
    train,
)

__all__ = [
    "ACTIVATIONS", "DATASETS", "LOSSES", "OPTIMIZERS", "PLAYGROUND_DEFAULTS", "Edge", "Graph",
    "Node", "Params", "Split", "Step", "TrainResult", "Value", "accuracy", "backward_steps",
    "build_tiny_network", "error_versus_step", "finite_difference_gradient", "flatten",
    "forward", "init_params", "input_gradient", "layer_sizes_of", "logit_loss",
    "loss_and_grads", "loss_value", "make_dataset", "measure_gradient_cost", "n_params",
    "predict_proba", "relative_error", "run_playground", "tiny_graph", "tiny_loss", "trace",
    "train", "unflatten",
]

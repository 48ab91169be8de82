"""Neural networks from scratch: scalar autodiff, a vectorised MLP, datasets and training.

- :mod:`~core.nn.autodiff`: :class:`Value`, a scalar that records its local derivatives, and
  the computation graph and backward steps the lesson draws.
- :mod:`~core.nn.tiny_net`: the lesson's 2-2-1 network built from :class:`Value` operations.
- :mod:`~core.nn.params`: the MLP's parameters as layers or as one flat vector.
- :mod:`~core.nn.losses`: binary, softmax and squared-error losses with their derivatives.
- :mod:`~core.nn.mlp`: the vectorised MLP with hand-written backpropagation.
- :mod:`~core.nn.datasets`: the playground's datasets (two classes, three, regression).
- :mod:`~core.nn.features`: the playground's input features (x₁², x₁x₂, sines, ...).
- :mod:`~core.nn.penalty`: L1 that drives weights to exactly zero, with any optimizer.
- :mod:`~core.nn.training`: mini-batch training with the optimizers of :mod:`core.descent`.
- :mod:`~core.nn.playground`: the page's settings in, dataset and training run out.
- :mod:`~core.nn.gradcheck`: backpropagation checked against finite differences, and timed.
"""

from core.nn.autodiff import Edge, Graph, Node, Step, Value, backward_steps, trace
from core.nn.datasets import (
    ALL_DATASETS,
    DATASETS,
    MULTICLASS_DATASETS,
    REGRESSION_DATASETS,
    Split,
    Task,
    bayes_accuracy_xor,
    gaussians_target,
    make_dataset,
    plane_target,
    task_of,
    xor_label,
)
from core.nn.features import FEATURE_LABELS, FEATURES, check_features, feature_map
from core.nn.gradcheck import (
    error_versus_step,
    finite_difference_gradient,
    measure_gradient_cost,
    power_law_fit,
    relative_error,
)
from core.nn.losses import softmax
from core.nn.mlp import (
    ACTIVATIONS,
    LOSSES,
    accuracy,
    check_params,
    forward,
    init_params,
    input_gradient,
    layer_outputs,
    logit_loss,
    loss_and_grads,
    loss_value,
    predict_proba,
)
from core.nn.params import Params, flatten, layer_sizes_of, n_params, unflatten
from core.nn.penalty import l1_pseudo_gradient, orthant_project, weight_mask
from core.nn.playground import (
    PLAYGROUND_DEFAULTS,
    PlaneView,
    plane_extent,
    plane_view,
    playground_loss,
    run_playground,
    start_playground,
)
from core.nn.tiny_net import build_tiny_network, tiny_graph, tiny_loss
from core.nn.training import OPTIMIZERS, Settings, Training, TrainResult, train

__all__ = [
    "ACTIVATIONS", "ALL_DATASETS", "DATASETS", "FEATURES", "FEATURE_LABELS", "LOSSES", "MULTICLASS_DATASETS",
    "OPTIMIZERS", "PLAYGROUND_DEFAULTS", "REGRESSION_DATASETS", "Edge", "Graph", "Node",
    "Params", "PlaneView", "Settings", "Split", "Step", "Task", "TrainResult", "Training", "Value",
    "accuracy", "backward_steps", "bayes_accuracy_xor", "build_tiny_network", "check_features",
    "check_params", "error_versus_step", "feature_map", "finite_difference_gradient",
    "flatten", "forward", "gaussians_target", "init_params", "input_gradient",
    "l1_pseudo_gradient", "layer_outputs", "layer_sizes_of", "logit_loss", "loss_and_grads",
    "loss_value", "make_dataset", "measure_gradient_cost", "n_params", "orthant_project",
    "plane_extent", "plane_target", "plane_view", "playground_loss", "power_law_fit", "predict_proba", "relative_error",
    "run_playground", "softmax", "start_playground", "task_of", "tiny_graph", "tiny_loss",
    "trace", "train", "unflatten", "weight_mask", "xor_label",
]

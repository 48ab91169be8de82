"""The lesson's tiny network (2 inputs -> 2 tanh neurons -> 1 logit -> BCE loss) on one example.

Built from :class:`core.nn.autodiff.Value` operations so that every multiply, add and
activation is a node of the drawn computation graph. A plain-float twin
(:func:`tiny_loss`) computes the same loss without the engine, for finite
differences.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from core.nn.autodiff import Graph, Value, trace

PARAM_NAMES = ("w11", "w21", "w12", "w22", "b1", "b2", "v1", "v2", "c")
INPUT_NAMES = ("x1", "x2")
DEFAULT_INPUTS = {"x1": 1.0, "x2": -0.5}
DEFAULT_LABEL = 1.0
DEFAULT_PARAMS = {
    "w11": 0.8, "w21": -0.4, "w12": 0.3, "w22": 0.9,
    "b1": 0.1, "b2": -0.2, "v1": 1.2, "v2": -0.7, "c": 0.05,
}
PRETTY = {
    "x1": "x₁", "x2": "x₂", "w11": "w₁₁", "w21": "w₂₁", "w12": "w₁₂", "w22": "w₂₂",
    "b1": "b₁", "b2": "b₂", "v1": "v₁", "v2": "v₂", "c": "c",
}


def _merged(params: Mapping[str, float] | None) -> dict[str, float]:
    """Defaults overridden by ``params``; unknown names are rejected."""
    out = dict(DEFAULT_PARAMS)
    for k, v in (params or {}).items():
        if k not in out:
            raise ValueError(f"Unknown parameter {k!r}; expected one of {PARAM_NAMES}.")
        out[k] = float(v)
    return out


def _named(v: Value, label: str) -> Value:
    """Give an intermediate node a display name (for the graph and the step equations)."""
    v.label = label
    return v


def build_tiny_network(
    x: tuple[float, float] = (1.0, -0.5), y: float = 1.0,
    params: Mapping[str, float] | None = None,
) -> tuple[Value, dict[str, Value]]:
    r"""Build the loss of the tiny network as a graph of scalar operations.

    .. math::
        h_j = \tanh(w_{1j} x_1 + w_{2j} x_2 + b_j),\quad
        z = v_1 h_1 + v_2 h_2 + c,\quad
        L = \log(1 + e^{z}) - y z

    Parameters
    ----------
    x : tuple of float, default (1.0, -0.5)
        The two inputs ``(x1, x2)``.
    y : float, default 1.0
        The label, 0 or 1.
    params : mapping of str to float, optional
        Any of ``PARAM_NAMES``; missing ones take ``DEFAULT_PARAMS``.

    Returns
    -------
    loss : Value
        The root node (gradients not yet computed).
    leaves : dict of str to Value
        The input and parameter leaves by name.
    """
    p = _merged(params)
    leaves = {n: Value(v, label=PRETTY[n]) for n, v in zip(INPUT_NAMES, x, strict=True)}
    leaves.update({n: Value(p[n], label=PRETTY[n]) for n in PARAM_NAMES})
    L = leaves
    hidden = []
    for j, sub in (("1", "₁"), ("2", "₂")):
        p1 = _named(L["w1" + j] * L["x1"], f"w₁{sub}x₁")
        p2 = _named(L["w2" + j] * L["x2"], f"w₂{sub}x₂")
        a = _named(_named(p1 + p2, f"s{sub}") + L["b" + j], f"a{sub}")
        hidden.append(_named(a.tanh(), f"h{sub}"))
    out = _named(L["v1"] * hidden[0], "v₁h₁") + _named(L["v2"] * hidden[1], "v₂h₂")
    z = _named(_named(out, "s₃") + L["c"], "z")
    loss = _named(z.bce_with_logit(y), "L")
    return loss, leaves


def tiny_graph(
    x: tuple[float, float] = (1.0, -0.5), y: float = 1.0,
    params: Mapping[str, float] | None = None,
) -> tuple[Graph, dict[str, float]]:
    """Forward and backward pass of the tiny network, exported for drawing.

    Parameters
    ----------
    x : tuple of float, default (1.0, -0.5)
        The two inputs.
    y : float, default 1.0
        The label, 0 or 1.
    params : mapping of str to float, optional
        Parameter overrides.

    Returns
    -------
    graph : Graph
        Nodes, edges, values, local derivatives and gradients.
    grads : dict of str to float
        ``dL/d name`` for every input and parameter.
    """
    loss, leaves = build_tiny_network(x, y, params)
    graph = trace(loss)
    return graph, {name: v.grad for name, v in leaves.items()}


def tiny_loss(
    x: tuple[float, float], y: float, params: Mapping[str, float] | None = None
) -> float:
    """The same loss as :func:`build_tiny_network`, in plain floats (no graph, no gradients).

    Parameters
    ----------
    x : tuple of float
        The two inputs.
    y : float
        The label, 0 or 1.
    params : mapping of str to float, optional
        Parameter overrides.

    Returns
    -------
    float
        ``log(1 + e^z) - y z``.
    """
    p = _merged(params)
    h1 = math.tanh(p["w11"] * x[0] + p["w21"] * x[1] + p["b1"])
    h2 = math.tanh(p["w12"] * x[0] + p["w22"] * x[1] + p["b2"])
    z = p["v1"] * h1 + p["v2"] * h2 + p["c"]
    return max(z, 0.0) - y * z + math.log1p(math.exp(-abs(z)))

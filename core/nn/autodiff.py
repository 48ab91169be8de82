"""A tiny scalar reverse-mode automatic differentiation engine (micrograd-style).

Every operation computes its forward result *and* its local derivatives at the
same time, side by side, and stores them on the output node. ``backward()`` then
walks the graph once, root first, multiplying each local derivative by the
upstream gradient and adding it into the child: the chain rule, nothing else.

The graph can be exported with :func:`trace` (nodes, edges with their local
derivatives, forward values, gradients and the backward order) for drawing, and
:func:`backward_steps` explains each gradient as a sum of
``local derivative x upstream gradient`` terms.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


def _lift(x: Value | float) -> Value:
    """Wrap a plain number as a constant leaf."""
    return x if isinstance(x, Value) else Value(float(x), label=f"{float(x):g}")


def _power(x: float, k: float) -> float:
    """``x ** k`` for real results, with IEEE infinities where Python raises."""
    if x == 0.0 and k < 0:
        return math.inf
    try:
        return x**k
    except OverflowError:
        odd = k.is_integer() and int(k) % 2 == 1
        return -math.inf if x < 0 and odd else math.inf


def _sigmoid(x: float) -> float:
    """Overflow-free logistic function."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


class Value:
    """A scalar node of a computation graph.

    Parameters
    ----------
    data : float
        Forward value.
    children : tuple of Value, default ()
        Inputs of the operation that produced this node (empty for a leaf).
    local : tuple of float, default ()
        Local derivatives ``d self / d child``, one per entry of ``children``.
    op : str, default ""
        Operation name (``""`` for a leaf).
    label : str, default ""
        Display name, e.g. ``"w11"``.

    Attributes
    ----------
    data : float
        Forward value.
    grad : float
        ``d root / d self`` after ``root.backward()``; 0 before.
    """

    __slots__ = ("data", "grad", "children", "local", "op", "label")

    def __init__(
        self,
        data: float,
        children: tuple[Value, ...] = (),
        local: tuple[float, ...] = (),
        op: str = "",
        label: str = "",
    ) -> None:
        self.data = float(data)
        self.grad = 0.0
        self.children = tuple(children)
        self.local = tuple(float(v) for v in local)
        self.op = op
        self.label = label

    def __repr__(self) -> str:
        name = f"{self.label}=" if self.label else ""
        return f"Value({name}{self.data:.6g}, grad={self.grad:.6g})"

    # ---- operations: forward result | local derivative(s) -------------------------------
    def __add__(self, other: Value | float) -> Value:
        o = _lift(other)
        return Value(self.data + o.data, (self, o), (1.0, 1.0), "+")

    def __sub__(self, other: Value | float) -> Value:
        o = _lift(other)
        return Value(self.data - o.data, (self, o), (1.0, -1.0), "−")

    def __mul__(self, other: Value | float) -> Value:
        o = _lift(other)
        return Value(self.data * o.data, (self, o), (o.data, self.data), "×")

    def __truediv__(self, other: Value | float) -> Value:
        o = _lift(other)
        return Value(self.data / o.data, (self, o), (1.0 / o.data, -self.data / o.data**2), "÷")

    def __pow__(self, k: float) -> Value:
        """Power with a constant exponent: forward ``x^k``, local derivative ``k x^(k-1)``.

        Follows IEEE arithmetic (and PyTorch) at the edges: ``x**0`` is 1 with derivative 0
        everywhere, also at 0; ``0**k`` is 0 for ``k > 0`` and inf for ``k < 0``, so the
        derivative of ``0**0.5`` is inf. A negative base with a fractional exponent has no
        real value and raises ValueError.
        """
        if isinstance(k, Value):
            raise TypeError("Only a constant exponent is supported: use x ** 3, not x ** y.")
        k = float(k)
        if self.data < 0 and not k.is_integer():
            raise ValueError(f"({self.data:g}) ** {k:g} has no real value: a negative base "
                             "needs a whole-number exponent.")
        local = 0.0 if k == 0 else k * _power(self.data, k - 1)
        return Value(_power(self.data, k), (self,), (local,), f"^{k:g}")

    def __neg__(self) -> Value:
        return Value(-self.data, (self,), (-1.0,), "neg")

    def exp(self) -> Value:
        """Exponential: forward ``e^x``, local derivative ``e^x``."""
        e = math.exp(self.data)
        return Value(e, (self,), (e,), "exp")

    def log(self) -> Value:
        """Natural log: forward ``ln x``, local derivative ``1/x`` (``x > 0``)."""
        if self.data <= 0:
            raise ValueError(f"log needs a positive input; got {self.data:g}.")
        return Value(math.log(self.data), (self,), (1.0 / self.data,), "log")

    def tanh(self) -> Value:
        """Hyperbolic tangent: forward ``t = tanh x``, local derivative ``1 - t^2``."""
        t = math.tanh(self.data)
        return Value(t, (self,), (1.0 - t * t,), "tanh")

    def relu(self) -> Value:
        """Rectifier: forward ``max(x, 0)``, local derivative ``1`` if ``x > 0`` else ``0``."""
        return Value(max(self.data, 0.0), (self,), (float(self.data > 0),), "relu")

    def sigmoid(self) -> Value:
        """Logistic: forward ``s = 1/(1+e^-x)``, local derivative ``s(1-s)``."""
        s = _sigmoid(self.data)
        return Value(s, (self,), (s * (1.0 - s),), "σ")

    def bce_with_logit(self, target: float) -> Value:
        """Binary cross-entropy of this logit against a constant 0/1 label.

        Forward ``log(1 + e^z) - y z`` (computed stably), local derivative
        ``sigmoid(z) - y``.
        """
        z, y = self.data, float(target)
        value = max(z, 0.0) - y * z + math.log1p(math.exp(-abs(z)))
        return Value(value, (self,), (_sigmoid(z) - y,), "BCE")

    __radd__ = __add__
    __rmul__ = __mul__

    def __rsub__(self, other: float) -> Value:
        return _lift(other) - self

    def __rtruediv__(self, other: float) -> Value:
        return _lift(other) / self

    # ---- reverse mode ------------------------------------------------------------------
    def topological_order(self) -> list[Value]:
        """Every node this one depends on, children before parents, ``self`` last.

        Returns
        -------
        list of Value
            A topological order of the graph rooted here (iterative DFS, no recursion limit).
        """
        order: list[Value] = []
        seen: set[int] = set()
        stack: list[tuple[Value, bool]] = [(self, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                order.append(node)
                continue
            if id(node) in seen:
                continue
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((c, False) for c in reversed(node.children) if id(c) not in seen)
        return order

    def backward(self) -> None:
        r"""Fill ``.grad`` of every node with :math:`\partial\,\text{self} / \partial\,\text{node}`.

        Gradients are reset to zero first, so calling ``backward()`` twice gives the
        same result instead of doubling it. Within one sweep, a node used several
        times accumulates one term per use:

        .. math:: \bar v = \sum_{p \in \text{parents}(v)} \frac{\partial p}{\partial v}\,\bar p
        """
        order = self.topological_order()
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):
            for child, local in zip(node.children, node.local, strict=True):
                child.grad += local * node.grad


@dataclass(frozen=True)
class Node:
    """One node of an exported graph: id, display label, op, value, gradient, depth."""

    id: int
    label: str
    op: str
    data: float
    grad: float
    depth: int


@dataclass(frozen=True)
class Edge:
    """A use of ``child`` by ``parent``; ``local`` is ``d parent / d child``."""

    child: int
    parent: int
    local: float


@dataclass(frozen=True)
class Graph:
    """A computation graph exported for drawing.

    ``nodes`` are in topological order (ids are indices), ``root`` is the output's id
    and ``backward_order`` lists ids in the order backpropagation finalises them.
    """

    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    root: int
    backward_order: tuple[int, ...]


def trace(root: Value, run_backward: bool = True) -> Graph:
    """Export the graph under ``root`` with values, local derivatives and gradients.

    Parameters
    ----------
    root : Value
        Output node (usually the loss).
    run_backward : bool, default True
        Call ``root.backward()`` first so the gradients are current.

    Returns
    -------
    Graph
        Nodes (topological order, ``depth`` = longest path from a leaf), edges and the
        backward order: the root first, then by longest distance to the root (a valid
        reverse topological order that sweeps the graph layer by layer).
    """
    if run_backward:
        root.backward()
    order = root.topological_order()
    index = {id(v): i for i, v in enumerate(order)}
    depth: list[int] = []
    for v in order:
        depth.append(1 + max((depth[index[id(c)]] for c in v.children), default=-1))
    nodes = tuple(
        Node(i, v.label or v.op, v.op, v.data, v.grad, depth[i]) for i, v in enumerate(order)
    )
    edges = tuple(
        Edge(index[id(c)], i, loc)
        for i, v in enumerate(order)
        for c, loc in zip(v.children, v.local, strict=True)
    )
    # Backward order: by longest distance to the root, so the sweep moves right to left one
    # "layer" at a time. Along every edge the child is strictly farther than its parent, so
    # each node still comes after all the nodes that use it.
    height = [0] * len(order)
    for e in sorted(edges, key=lambda e: -e.parent):
        height[e.child] = max(height[e.child], height[e.parent] + 1)
    backward = tuple(sorted(range(len(order)), key=lambda i: (height[i], -i)))
    return Graph(nodes, edges, len(order) - 1, backward)


@dataclass(frozen=True)
class Step:
    """How backpropagation obtained one node's gradient.

    ``terms`` holds ``(parent id, local derivative, upstream gradient)`` per use of the
    node; the gradient is the sum of ``local * upstream``. The root has no terms and
    gradient 1 (the seed).
    """

    node: int
    grad: float
    terms: tuple[tuple[int, float, float], ...]


def backward_steps(graph: Graph) -> list[Step]:
    r"""The backward sweep of ``graph`` as one explained step per node.

    .. math:: \bar v = \sum_{p} \underbrace{\frac{\partial p}{\partial v}}_{\text{local}}
        \; \underbrace{\bar p}_{\text{upstream}}

    Parameters
    ----------
    graph : Graph
        A graph exported by :func:`trace` (with gradients).

    Returns
    -------
    list of Step
        In ``graph.backward_order``: the root first, each node after all its parents.
    """
    uses: dict[int, list[tuple[int, float, float]]] = {n.id: [] for n in graph.nodes}
    for e in graph.edges:
        uses[e.child].append((e.parent, e.local, graph.nodes[e.parent].grad))
    return [Step(i, graph.nodes[i].grad, tuple(uses[i])) for i in graph.backward_order]

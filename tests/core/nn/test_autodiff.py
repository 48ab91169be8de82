import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.nn import Value, backward_steps, finite_difference_gradient, relative_error, trace
from core.nn import tiny_net as autodiff_net


def test_closed_form_gradients_of_each_operation():
    cases = [
        (lambda: a + b, 1.0, 1.0),
        (lambda: a - b, 1.0, -1.0),
        (lambda: a * b, -0.7, 1.5),
        (lambda: a / b, 1 / -0.7, -1.5 / 0.49),
        (lambda: a**3, 3 * 1.5**2, 0.0),
        (lambda: -a, -1.0, 0.0),
        (lambda: a.exp(), math.exp(1.5), 0.0),
        (lambda: a.log(), 1 / 1.5, 0.0),
        (lambda: b.tanh(), 0.0, 1 - math.tanh(-0.7) ** 2),
        (lambda: b.relu(), 0.0, 0.0),
        (lambda: a.relu(), 1.0, 0.0),
        (lambda: b.sigmoid(), 0.0, math.exp(0.7) / (1 + math.exp(0.7)) ** 2),
        (lambda: 2.0 - a, -1.0, 0.0),
        (lambda: 3.0 / a, -3.0 / 1.5**2, 0.0),
        (lambda: 2.0 * a + 1.0, 2.0, 0.0),
    ]
    a, b = Value(1.5), Value(-0.7)
    for build, da, db in cases:
        a.grad = b.grad = 0.0  # a leaf outside the graph keeps its old gradient
        out = build()
        out.backward()
        assert a.grad == pytest.approx(da, rel=1e-12, abs=1e-15)
        assert b.grad == pytest.approx(db, rel=1e-12, abs=1e-15)


def test_forward_values():
    x = Value(0.3)
    assert (x * 2 + 1).data == pytest.approx(1.6)
    assert x.sigmoid().data == pytest.approx(1 / (1 + math.exp(-0.3)))
    assert Value(-800.0).sigmoid().data == pytest.approx(0.0)
    assert Value(800.0).sigmoid().data == pytest.approx(1.0)
    bce = Value(0.4).bce_with_logit(1.0)
    assert bce.data == pytest.approx(math.log1p(math.exp(-0.4)))


def test_gradient_accumulates_when_node_reused_and_backward_is_idempotent():
    x = Value(3.0)
    y = x * x + x  # dy/dx = 2x + 1
    y.backward()
    assert x.grad == pytest.approx(7.0)
    y.backward()
    assert x.grad == pytest.approx(7.0)  # not 14
    z = x * x * x  # diamond-free reuse through two levels
    z.backward()
    assert x.grad == pytest.approx(27.0)


def test_diamond_graph_topological_order():
    a = Value(0.5)
    b = a.tanh()
    c = b * a
    d = c + b  # b reaches d by two paths
    d.backward()
    tb = math.tanh(0.5)
    assert b.grad == pytest.approx(0.5 + 1.0)
    assert a.grad == pytest.approx((1 - tb**2) * 1.5 + tb)


def test_errors():
    with pytest.raises(TypeError):
        Value(2.0) ** Value(2.0)
    with pytest.raises(ValueError):
        Value(-1.0).log()


def test_deep_chain_has_no_recursion_limit():
    x = Value(0.1)
    y = x
    for _ in range(5000):
        y = y * 1.0
    y.backward()
    assert x.grad == 1.0


# ---- random expressions vs finite differences --------------------------------------------
UNARY = ("tanh", "sigmoid", "exp", "neg", "sq", "relu", "logsq")
BINARY = ("+", "-", "*", "/")


def _apply(op, u, v=None):
    if op == "tanh":
        return u.tanh() if isinstance(u, Value) else math.tanh(u)
    if op == "sigmoid":
        return u.sigmoid() if isinstance(u, Value) else 1 / (1 + math.exp(-u))
    if op == "exp":
        return (u * 0.3).exp() if isinstance(u, Value) else math.exp(u * 0.3)
    if op == "neg":
        return -u
    if op == "sq":
        return u**2
    if op == "relu":
        return u.relu() if isinstance(u, Value) else max(u, 0.0)
    if op == "logsq":
        return (u**2 + 1.0).log() if isinstance(u, Value) else math.log(u * u + 1.0)
    if op == "+":
        return u + v
    if op == "-":
        return u - v
    if op == "*":
        return u * v
    return u / (v * v + 1.0)  # "/", denominator kept away from zero


program = st.lists(
    st.tuples(st.sampled_from(UNARY + BINARY), st.integers(0, 50), st.integers(0, 50)),
    min_size=1, max_size=12,
)


def _evaluate(prog, inputs):
    vals = list(inputs)
    for op, i, j in prog:
        u, v = vals[i % len(vals)], vals[j % len(vals)]
        vals.append(_apply(op, u, v) if op in BINARY else _apply(op, u))
    return vals[-1]


@settings(max_examples=150, deadline=None)
@given(program, st.lists(st.floats(-2, 2), min_size=3, max_size=3))
def test_random_expressions_match_finite_differences(prog, xs):
    # relu's kink: keep inputs where finite differences are valid
    leaves = [Value(x) for x in xs]
    out = _evaluate(prog, leaves)
    out.backward()
    engine = np.array([v.grad for v in leaves])
    fd = finite_difference_gradient(lambda t: float(_evaluate(prog, list(t))), np.array(xs), 1e-6)
    kinks = [v.data for v in out.topological_order() if v.op == "relu"]
    if any(abs(k) < 1e-3 for k in kinks):
        return
    ok = relative_error(engine, fd) < 1e-5
    ok |= np.abs(engine - fd) < 1e-7
    assert ok.all(), (engine, fd)


def test_trace_exports_nodes_edges_and_backward_steps():
    x, w = Value(2.0, label="x"), Value(-3.0, label="w")
    p = x * w
    out = p.tanh()
    g = trace(out)
    assert len(g.nodes) == 4
    assert g.root == 3 and g.nodes[g.root].op == "tanh"
    assert g.backward_order[0] == g.root
    labels = {n.label: n for n in g.nodes}
    assert labels["x"].grad == pytest.approx(-3 * (1 - math.tanh(-6) ** 2))
    assert labels["x"].depth == 0 and g.nodes[g.root].depth == 2
    steps = backward_steps(g)
    assert steps[0].terms == () and steps[0].grad == 1.0
    for s in steps[1:]:
        assert s.grad == pytest.approx(sum(loc * up for _, loc, up in s.terms))
    # every node appears after all of its parents in the backward order
    pos = {n: k for k, n in enumerate(g.backward_order)}
    for e in g.edges:
        assert pos[e.parent] < pos[e.child]


def test_tiny_network_matches_plain_float_finite_differences():
    params = dict(autodiff_net.DEFAULT_PARAMS, w22=-1.3, c=0.4)
    for y in (0.0, 1.0):
        graph, grads = autodiff_net.tiny_graph((0.7, -1.1), y, params)
        names = autodiff_net.PARAM_NAMES
        theta = np.array([params[n] for n in names])

        def f(t, y=y, names=names):
            return autodiff_net.tiny_loss((0.7, -1.1), y, dict(zip(names, t, strict=True)))

        fd = finite_difference_gradient(f, theta)
        np.testing.assert_allclose([grads[n] for n in names], fd, rtol=1e-6, atol=1e-10)
        assert graph.nodes[graph.root].data == pytest.approx(f(theta))
    # output-layer closed form: dL/dc = sigmoid(z) - y
    graph, grads = autodiff_net.tiny_graph()
    z = next(n for n in graph.nodes if n.label == "z").data
    assert grads["c"] == pytest.approx(1 / (1 + math.exp(-z)) - 1.0)
    assert len(graph.nodes) == 26
    with pytest.raises(ValueError):
        autodiff_net.tiny_graph(params={"nope": 1.0})


def test_backward_order_sweeps_layer_by_layer():
    graph, _ = autodiff_net.tiny_graph()
    labels = [graph.nodes[i].label for i in graph.backward_order]
    assert labels[:4] == ["L", "z", "c", "s₃"] or labels[:4] == ["L", "z", "s₃", "c"]
    assert set(labels[-4:]) <= {"x₁", "x₂", "w₁₁", "w₂₁", "w₁₂", "w₂₂"}


@pytest.mark.parametrize(("x", "k", "value", "grad"), [
    (0.0, 0, 1.0, 0.0),  # x**0: derivative 0 everywhere, also at 0 (torch: 0)
    (3.0, 0, 1.0, 0.0),
    (0.0, 0.5, 0.0, math.inf),  # √x at 0: vertical tangent
    (0.0, 2, 0.0, 0.0),
    (0.0, 1, 0.0, 1.0),
    (0.0, -1, math.inf, -math.inf),
    (-2.0, 3, -8.0, 12.0),
    (-2.0, -2, 0.25, 0.25),
    (4.0, 0.5, 2.0, 0.25),
    (10.0, 400, math.inf, math.inf),  # overflow gives inf, as IEEE arithmetic does
])
def test_power_edge_cases_follow_ieee_and_torch(x, k, value, grad):
    v = Value(x)
    out = v**k
    out.backward()
    assert out.data == value
    assert v.grad == grad


def test_negative_base_with_fractional_exponent_is_a_clear_value_error():
    with pytest.raises(ValueError, match="no real value"):
        Value(-2.0) ** 0.5
    with pytest.raises(TypeError, match="constant exponent"):
        Value(2.0) ** Value(2.0)

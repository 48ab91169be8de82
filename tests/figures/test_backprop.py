import numpy as np
import plotly.graph_objects as go
import pytest

from core.nn import Value, backward_steps, gradcheck, layer_sizes_of, mlp, trace, training
from core.nn import tiny_net as autodiff_net
from figures import backprop as F
from figures.backprop_graph import graph_figure, node_columns, node_positions
from tests.app.helpers import decode_array


def _valid(fig: go.Figure) -> dict:
    """Re-validate a fast (unvalidated) figure with Plotly; return its dict."""
    return decode_array(go.Figure(fig.to_dict()).to_dict())


@pytest.fixture(scope="module")
def run():
    return training.run_playground(dataset="moons", epochs=40, layers=3, neurons=5)


@pytest.fixture(scope="module")
def graph():
    return autodiff_net.tiny_graph((0.4, -1.2), 0.0, {"w22": 1.5})[0]


def test_graph_layout_flows_left_to_right(graph):
    cols = node_columns(graph)
    for e in graph.edges:
        assert cols[e.child] < cols[e.parent]
    pos = node_positions(graph)
    assert len({(round(x, 6), round(y, 6)) for x, y in pos}) == len(graph.nodes)
    assert pos[graph.root, 0] == pos[:, 0].max()
    assert (pos[:, 1] >= 0).all() and (pos[:, 1] <= 1).all()


@pytest.mark.parametrize("step", [0, 1, 7, 26, 99])
def test_graph_reveals_exactly_step_gradients(graph, step):
    fig = graph_figure(graph, step, title="g")
    d = _valid(fig)
    nodes, grads, names = d["data"]
    shown = min(step, len(graph.nodes))
    assert len(nodes["x"]) == len(graph.nodes)
    assert len(grads.get("text", [])) == shown
    order = [s.node for s in backward_steps(graph)][:shown]
    for text, node in zip(grads.get("text", []), sorted(order), strict=True):
        assert F"{graph.nodes[node].grad:.3g}".replace("-", "−") in text
    arrows = [a for a in d["layout"]["annotations"] if a.get("showarrow")]
    assert len(arrows) == len(graph.edges)
    labels = [a for a in d["layout"]["annotations"] if a["text"].startswith("<b>×")]
    boxed = [a for a in d["layout"]["annotations"] if a["text"].startswith("<b>∂")]
    assert len(boxed) == shown  # gradient labels on white boxes, above the arrows
    if 1 < step <= len(graph.nodes):  # the current node's local derivatives are labelled
        current = order[-1]
        assert len(labels) == sum(e.child == current for e in graph.edges)
    # every forward value is printed on its node
    for text, n in zip(nodes["text"], graph.nodes, strict=True):
        assert f"{n.data:.3g}".replace("-", "−") in text


def test_graph_of_shared_node_is_drawn_once():
    x = Value(2.0, label="x")
    y = x * x + x
    g = trace(y)
    d = _valid(graph_figure(g, 3))
    assert len(d["data"][0]["x"]) == 3  # x, x*x, + : x appears once
    # one arrow per use: x feeds the product twice and the sum once
    assert len([a for a in d["layout"]["annotations"] if a.get("showarrow")]) == 4


def test_boundary_heatmap_is_the_network_probability(run):
    split, result = run
    params = result.params_at(result.epochs_done)
    fig = F.boundary_figure(params, split, "tanh", "bce", result.epochs_done, grid_n=25)
    d = _valid(fig)
    heat = fig.data[0]
    z = np.asarray(heat.z)
    assert z.shape == (25, 25) and (z >= 0).all() and (z <= 1).all()
    i, j = 7, 18
    expected = mlp.predict_proba(params, np.array([[heat.x[j], heat.y[i]]]))[0]
    assert z[i, j] == pytest.approx(expected)
    kinds = [t["type"] for t in d["data"]]
    assert kinds == ["heatmap", "contour", "scatter", "scatter", "scatter", "scatter"]
    n_points = sum(len(t["x"]) for t in d["data"][2:])
    assert n_points == len(split.X_train) + len(split.X_test)


def test_loss_and_gradient_norm_figures(run):
    _, result = run
    d = _valid(F.loss_figure(result, 10))
    np.testing.assert_allclose(d["data"][0]["y"], result.train_loss)
    np.testing.assert_allclose(d["data"][1]["y"], result.test_loss)
    assert d["layout"]["shapes"][0]["x0"] == 10
    g = _valid(F.grad_norm_figure(result, 10, clip_norm=1.0))
    assert len(g["data"]) == 4  # 3 hidden layers + output
    by_name = {t["name"]: t for t in g["data"]}
    np.testing.assert_allclose(by_name["layer 1 (input)"]["y"], result.grad_norms[:, 0])
    np.testing.assert_allclose(by_name["layer 4 (output)"]["y"], result.grad_norms[:, 3])
    assert sum(t.get("showlegend", True) for t in g["data"]) == 3  # middle layers share one
    assert g["layout"]["yaxis"]["type"] == "log"
    assert any(s["y0"] == 1.0 for s in g["layout"]["shapes"])
    assert len(_valid(F.grad_norm_figure(result, 10, None))["layout"]["shapes"]) == 1


def test_step_error_and_cost_figures():
    steps = [1e-8, 1e-5, 1e-2]
    d = _valid(F.step_error_figure(steps, np.array([1e-7, 1e-10, 1e-4]),
                                   np.array([1e-6, 1e-5, 1e-2]), 1e-5))
    assert d["layout"]["xaxis"]["type"] == "log"
    assert d["layout"]["annotations"][0]["x"] == pytest.approx(-5)
    cost = {"n_params": np.array([10, 100]), "forward_s": np.array([1e-5, 2e-5]),
            "backprop_s": np.array([2e-5, 4e-5]), "fd_s": np.array([4e-4, 8e-3])}
    c = _valid(F.cost_figure(cost["n_params"], cost["forward_s"], cost["backprop_s"],
                             cost["fd_s"]))
    assert c["data"][0]["text"] == ["×20", "×200"]
    np.testing.assert_allclose(c["data"][1]["y"], [0.02, 0.04])


def test_live_cost_measurement_shows_the_gap():
    cost = gradcheck.measure_gradient_cost(widths=(2, 12), n=20, repeat=3)
    assert list(cost["n_params"]) == [15, 205]
    # finite differences need 2P loss evaluations: far slower at 205 parameters
    assert cost["fd_over_backprop"][1] > 10
    assert cost["fd_over_backprop"][1] > cost["fd_over_backprop"][0]


def test_network_figure_draws_every_weight_once(run):
    _, result = run
    params = result.params_at(5)
    d = _valid(F.network_figure(params, result.grad_norms[4], 5))
    lines = [t for t in d["data"] if t["mode"] == "lines"]
    segments = sum(sum(v is None for v in t["x"]) for t in lines)
    assert segments == sum(W.size for W, _ in params)
    nodes = d["data"][-1]
    assert len(nodes["x"]) == sum(layer_sizes_of(params))
    notes = [a["text"] for a in d["layout"]["annotations"]]
    assert f"{result.grad_norms[4, 0]:.1e}" in " ".join(notes)
    # signs: positive weights vermillion, negative blue
    colors = {t["line"]["color"] for t in lines}
    assert colors <= {F.COLORS["vermillion"], F.COLORS["blue"]}
    assert len(_valid(F.network_figure(params, None, 0))["layout"]["annotations"]) == 5

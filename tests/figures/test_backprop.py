import base64
import struct
import zlib

import numpy as np
import plotly.graph_objects as go
import pytest

from core.nn import (
    Value,
    backward_steps,
    gradcheck,
    plane_extent,
    plane_view,
    predict_proba,
    run_playground,
    start_playground,
    trace,
)
from core.nn import tiny_net as autodiff_net
from figures import backprop as F
from figures.backprop_graph import (
    EQUATION,
    GRADS,
    HEADS,
    HIDDEN,
    HOT_EDGES,
    HOT_LABELS,
    NODES,
    fmt,
    graph_figure,
    node_columns,
    node_positions,
)
from figures.backprop_network import NODE_TRACE, band_pixels, network_figure
from figures.backprop_playground import boundary_figure, thumbnail
from figures.backprop_playground import node_positions as node_positions_of
from figures.thumbnails import diverging_rgb, png_data_uri
from tests.app.helpers import decode_array


def _valid(fig: go.Figure) -> dict:
    """Re-validate a fast (unvalidated) figure with Plotly; return its dict."""
    return decode_array(go.Figure(fig.to_dict()).to_dict())


def _png_pixels(uri: str) -> np.ndarray:
    """Decode our own 8-bit RGB PNG (filter 0 rows) back to pixels."""
    raw = base64.b64decode(uri.split(",", 1)[1])
    assert raw[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks = 8, {}
    while pos < len(raw):
        (length,) = struct.unpack(">I", raw[pos : pos + 4])
        kind = raw[pos + 4 : pos + 8]
        body = raw[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", raw[pos + 8 + length : pos + 12 + length])
        assert crc == zlib.crc32(kind + body)
        chunks[kind] = body
        pos += 12 + length
    width, height = struct.unpack(">II", chunks[b"IHDR"][:8])
    rows = np.frombuffer(zlib.decompress(chunks[b"IDAT"]), np.uint8).reshape(height, -1)
    assert (rows[:, 0] == 0).all()
    return rows[:, 1:].reshape(height, width, 3)


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


def _apply(data: list[dict], frame: dict) -> list[dict]:
    """What Plotly shows after animating to ``frame``: its traces merged over the figure's."""
    out = [dict(t) for t in data]
    for index, update in zip(frame["traces"], frame["data"], strict=True):
        merged = {**out[index], **update}
        for key in ("marker", "textfont"):
            if key in update:
                merged[key] = {**out[index].get(key, {}), **update[key]}
        out[index] = merged
    return out


def test_every_frame_of_the_backward_pass_is_the_engines_step(graph):
    """Frame k shows exactly the gradients of the first k backward steps, as core computed them."""
    d = _valid(graph_figure(graph, 0))
    steps = backward_steps(graph)
    assert len(d["frames"]) == len(steps) + 1
    assert d["layout"]["sliders"][0]["active"] == 0
    pos = node_positions(graph)
    scale = max(abs(n.grad) for n in graph.nodes if n.id != graph.root)
    for k, frame in enumerate(d["frames"]):
        traces = _apply(d["data"], frame)
        revealed = {s.node for s in steps[:k]}
        colours = traces[GRADS]["textfont"]["color"]
        for n, text, colour in zip(graph.nodes, traces[GRADS]["text"], colours, strict=True):
            assert text == f"∂ {fmt(n.grad)}"
            assert (colour != HIDDEN) == (n.id in revealed)
        fill = np.asarray(traces[NODES]["marker"]["color"], dtype=float)
        expected = [np.clip(n.grad / scale, -1, 1) if n.id in revealed else 0.0
                    for n in graph.nodes]
        np.testing.assert_allclose(fill, expected, atol=5e-4)
        equation = traces[EQUATION]["text"][0]
        if k == 0:
            assert "Forward pass" in equation and not traces[HOT_EDGES]["x"]
            continue
        step = steps[k - 1]
        node = graph.nodes[step.node]
        if not step.terms:  # the seed: ∂L/∂L = 1
            assert k == 1 and "∂L/∂L = <b>1</b>" in equation
            continue
        assert equation.endswith(f"= <b>{fmt(step.grad)}</b>")
        assert np.isclose(step.grad, sum(local * up for _, local, up in step.terms))
        for parent, local, upstream in step.terms:  # local × upstream, as the engine has them
            label = graph.nodes[parent].label
            assert f"(∂{label}/∂{node.label} = {fmt(local)})" in equation
            assert f"(∂L/∂{label} = {fmt(upstream)})" in equation
        hot = [e for e in graph.edges if e.child == step.node]
        assert traces[HOT_LABELS]["text"] == [f"×{fmt(e.local)}" for e in hot]
        xs = [x for x in traces[HOT_EDGES]["x"] if x is not None]
        assert sorted(xs) == sorted(v for e in hot for v in (pos[e.child, 0], pos[e.parent, 0]))
        width = traces[NODES]["marker"]["line"]["width"]
        assert width[step.node] == max(width)  # the node being computed stands out


@pytest.mark.parametrize("step", [0, 1, 7, 26, 99])
def test_the_chart_opens_on_the_url_step(graph, step):
    d = _valid(graph_figure(graph, step, title="g"))
    shown = min(step, len(graph.nodes))
    assert d["layout"]["sliders"][0]["active"] == shown
    visible = [c != HIDDEN for c in d["data"][GRADS]["textfont"]["color"]]
    assert sum(visible) == shown
    assert d["data"] == _apply(d["data"], d["frames"][shown])  # the figure is that frame
    assert _heads(d) == len(graph.edges)
    pos = node_positions(graph)
    heads = d["data"][HEADS]
    for i, e in enumerate(graph.edges):  # each head points from the input to the operation
        assert (heads["x"][2 * i], heads["y"][2 * i]) == tuple(pos[e.child])
        assert (heads["x"][2 * i + 1], heads["y"][2 * i + 1]) == tuple(pos[e.parent])
    for text, n in zip(d["data"][NODES]["text"], graph.nodes, strict=True):
        assert fmt(n.data) in text  # every forward value is printed on its node


def _heads(d: dict) -> int:
    """Arrow heads drawn (markers of non-zero size, each pointing from an input to its use)."""
    heads = d["data"][HEADS]["marker"]
    assert heads["symbol"] == "arrow" and heads["angleref"] == "previous"
    return sum(size > 0 for size in heads["size"])


def test_graph_of_shared_node_is_drawn_once():
    x = Value(2.0, label="x")
    y = x * x + x
    g = trace(y)
    d = _valid(graph_figure(g, 3))
    assert len(d["data"][NODES]["x"]) == 3  # x, x*x, + : x appears once
    # one arrow per use: x feeds the product twice and the sum once
    assert _heads(d) == 4
    last = _apply(d["data"], d["frames"][3])[EQUATION]["text"][0]
    assert "the two paths add up" in last or "+" in last


@pytest.fixture(scope="module")
def trained():
    split, run = start_playground(dataset="moons", layers=3, neurons=5, epochs=40, l1=0.003)
    run.advance(40)
    return split, run


def _view(split, run, kind="binary", loss="bce", features=("x1", "x2"), n=25):
    return plane_view(run.params(), features, run.settings.activation, loss, kind,
                      plane_extent(split), n)


def test_boundary_heatmap_is_the_network_probability(trained):
    split, run = trained
    view = _view(split, run)
    d = _valid(boundary_figure(view, split, 40))
    heat = d["data"][0]
    z = np.asarray(heat["z"], dtype=float) / 255
    assert z.shape == (25, 25)
    i, j = 7, 18
    expected = predict_proba(run.params(), np.array([[heat["x"][j], heat["y"][i]]]))[0]
    assert z[i, j] == pytest.approx(expected, abs=0.5 / 255 + 1e-6)
    kinds = [t["type"] for t in d["data"]]
    assert kinds == ["heatmap", "scatter", "scatter", "scatter", "scatter"]
    n_points = sum(len(t["x"]) for t in d["data"][1:])
    assert n_points == len(split.X_train) + len(split.X_test)
    hidden = _valid(boundary_figure(view, split, 40, show_test=False, discretize=True))
    assert len(hidden["data"]) == 3
    assert set(np.unique(hidden["data"][0]["z"])) <= {0, 255}


def test_three_classes_get_one_colour_band_each():
    split, result = run_playground(dataset="blobs3", epochs=60)
    _, run = start_playground(dataset="blobs3")
    run.advance(60)
    view = _view(split, run, "multiclass", "ce")
    d = _valid(boundary_figure(view, split, 60))
    z = np.asarray(d["data"][0]["z"], dtype=float).ravel() / 255
    band = np.minimum((z * 3).astype(int), 2)
    np.testing.assert_array_equal(band, np.argmax(view.prediction, axis=1))
    assert len([t for t in d["data"] if t["type"] == "scatter"]) == 6  # 3 classes × train/test
    # each class's output node pictures that class's probability, grey (0) to its colour (1)
    grey, colours = np.array([0xF7, 0xF7, 0xF7]), [[0x00, 0x72, 0xB2], [0xD5, 0x5E, 0x00]]
    for c, colour in enumerate(colours):
        p = view.prediction[:, c].reshape(len(view.gx), -1)[::-1]
        expected = np.rint(grey + p[..., None] * (np.array(colour) - grey))
        np.testing.assert_allclose(_png_pixels(thumbnail(view, len(view.units) + 1, c, step=1)), expected, atol=1)


def test_regression_colours_points_by_target():
    split, run = start_playground(dataset="plane")
    view = _view(split, run, "regression", "mse")
    d = _valid(boundary_figure(view, split, 0))
    z = np.asarray(d["data"][0]["z"], dtype=float).ravel() / 255 * 2 - 1
    np.testing.assert_allclose(z, np.clip(view.output[:, 0], -1, 1), atol=1 / 255 + 1e-9)
    train = d["data"][1]
    np.testing.assert_allclose(train["marker"]["color"], split.y_train, rtol=1e-6)


def test_a_selected_neuron_fills_the_big_chart(trained):
    split, run = trained
    view = _view(split, run)
    d = _valid(boundary_figure(view, split, 40, unit=(2, 3), unit_name="Neuron 4"))
    values = view.units[1][:, 3]
    scale = max(1.0, np.abs(values).max())
    z = np.asarray(d["data"][0]["z"], dtype=float).ravel() / 255 * 2 * scale - scale
    np.testing.assert_allclose(z, values, atol=scale / 255 + 1e-9)
    assert d["layout"]["title"]["text"].startswith("Neuron 4")


def test_network_lines_follow_each_weight(trained):
    split, run = trained
    params = run.params()
    d = _valid(network_figure(params, _view(split, run), None, 40, ["x₁", "x₂"], (1, 0)))
    pos = node_positions_of(run.sizes)
    lines = [t for t in d["data"] if t["name"] in ("positive weights", "negative weights")]
    drawn = {}
    for line in lines:  # every segment is one weight: its sign is the colour, its size the width
        positive = line["name"].startswith("positive")
        for i in range(0, len(line["x"]), 3):
            drawn[(round(line["x"][i], 3), round(line["y"][i], 3), round(line["x"][i + 1], 3),
                   round(line["y"][i + 1], 3))] = (positive, line["line"]["width"])
    zero = 0
    for layer, (W, _) in enumerate(params):
        for i, j in np.ndindex(W.shape):
            (x0, y0), (x1, y1) = pos[layer][i], pos[layer + 1][j]
            key = (round(x0 + 0.23, 3), round(y0, 3), round(x1 - 0.23, 3), round(y1, 3))
            if W[i, j] == 0.0:
                zero += 1
                assert key not in drawn
                continue
            assert drawn[key] == (W[i, j] > 0, band_pixels(W[i, j]))
    assert zero > 0 and sum(v is None for v in d["data"][-1]["x"]) == zero  # dotted zeros
    widths = band_pixels(np.linspace(0, 4, 9))
    assert widths[0] == 1 and widths[-1] == 10 and (np.diff(widths) >= 0).all()
    hover = d["data"][1]["hovertext"]
    order = [f"weight {w:+.3f}" if w else "weight exactly 0 (removed by L1)" for w in
             (float(W[i, j]) for W, _ in params for i, j in np.ndindex(W.shape))]
    assert hover == order
    nodes = d["data"][NODE_TRACE]
    sizes = run.sizes
    assert len(nodes["x"]) == sum(sizes) == len(d["layout"]["images"])
    widths = nodes["marker"]["line"]["width"]
    assert widths[sizes[0]] == 4 and sorted(widths)[-2] < 4  # only the selected node


def test_thumbnails_are_the_units_over_the_plane(trained):
    split, run = trained
    view = _view(split, run, n=25)
    pixels = _png_pixels(thumbnail(view, 1, 2, step=1))
    values = view.units[0][:, 2].reshape(25, 25)[::-1]  # image rows run top to bottom
    np.testing.assert_array_equal(pixels, diverging_rgb(values))
    assert _png_pixels(thumbnail(view, 0, 1, step=5)).shape == (5, 5, 3)


def test_png_round_trip():
    rng = np.random.default_rng(0)
    rgb = rng.integers(0, 256, (7, 5, 3), dtype=np.uint8)
    np.testing.assert_array_equal(_png_pixels(png_data_uri(rgb)), rgb)
    with pytest.raises(ValueError):
        png_data_uri(np.zeros((2, 2, 4), np.uint8))


def test_loss_and_gradient_norm_figures(trained):
    _, run = trained
    result = run.result()
    d = _valid(F.loss_figure(result, 100, "cross-entropy"))
    np.testing.assert_allclose(d["data"][0]["y"], result.train_loss, rtol=1e-6)
    np.testing.assert_allclose(d["data"][1]["y"], result.test_loss, rtol=1e-6)
    assert d["layout"]["xaxis"]["range"] == [0, 100]  # the curve grows towards the stop
    assert d["layout"]["yaxis"]["title"]["text"] == "cross-entropy"
    g = _valid(F.grad_norm_figure(result, 100, clip_norm=1.0))
    assert len(g["data"]) == 4  # 3 hidden layers + output
    by_name = {t["name"]: t for t in g["data"]}
    np.testing.assert_allclose(by_name["layer 1 (input)"]["y"], result.grad_norms[:, 0], rtol=1e-6)
    np.testing.assert_allclose(by_name["layer 4 (output)"]["y"], result.grad_norms[:, 3],
                               rtol=1e-6)
    assert sum(t.get("showlegend", True) for t in g["data"]) == 3  # middle layers share one
    assert g["layout"]["yaxis"]["type"] == "log"
    assert any(s["y0"] == 1.0 for s in g["layout"]["shapes"])
    assert not _valid(F.grad_norm_figure(result, 100, None))["layout"].get("shapes")


def test_step_error_and_cost_figures():
    steps = [1e-8, 1e-5, 1e-2]
    d = _valid(F.step_error_figure(steps, np.array([1e-7, 1e-10, 1e-4]),
                                   np.array([1e-6, 1e-5, 1e-2]), 1e-5))
    assert d["layout"]["xaxis"]["type"] == "log"
    assert d["layout"]["annotations"][0]["x"] == pytest.approx(-5)
    cost = gradcheck.measure_gradient_cost(widths=(2, 6, 12), n=20, repeat=3, min_seconds=1e-4)
    c = _valid(F.cost_figure(cost))
    assert c["data"][0]["text"] == [f"×{r:,.0f}" for r in cost["fd_over_backprop"]]
    np.testing.assert_allclose(c["data"][1]["y"], cost["backprop_s"] * 1e3)
    fits = [t for t in c["data"] if t["name"].startswith("fit")]
    for line, key in zip(fits, ("fd_fit", "backprop_fit"), strict=True):
        coef, k = cost[key]
        x = np.asarray(line["x"])
        np.testing.assert_allclose(line["y"], coef * x**k * 1e3, rtol=1e-9)
        assert line["name"] == f"fit: ∝ P^{k:.2f}"
    assert f"P^{cost['ratio_fit'][1]:.2f}" in c["layout"]["title"]["text"]

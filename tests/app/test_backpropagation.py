"""AppTest of the backpropagation lesson: all four parts, every control, URL state.

AppTest does not tick a ``run_every`` fragment, so live training is driven here with the
Step and Finish buttons (the browser test presses Play and watches the charts move).
"""

import re

import numpy as np
import pytest

from core.nn import backward_steps, plane_extent, plane_view, run_playground, start_playground
from core.nn import tiny_net as autodiff_net
from figures.backprop_graph import EQUATION, GRADS, HIDDEN, NODES
from figures.backprop_network import NODE_TRACE
from tests.app.helpers import (
    assert_finite_figures,
    assert_no_exception,
    chart_keys,
    plotly_spec,
    run_page,
)

PAGE = "pages/3_Backpropagation.py"
CHARTS = ["chart_graph", "chart_fd_error", "chart_network", "chart_boundary", "chart_loss",
          "chart_gradnorm"]


# The gradient check and the playground are folded until opened (they run only when open).
OPEN = {"bp_more_check": "true", "bp_more_playground": "true"}


def test_the_check_and_the_playground_are_folded_until_opened():
    at = run_page(PAGE, query={"bp_epochs": "10"})  # a link to a playground setting opens it
    assert chart_keys(at) >= {"chart_graph", "chart_boundary"}
    assert "chart_fd_error" not in chart_keys(at)
    at = run_page(PAGE)
    assert chart_keys(at) == {"chart_graph"}
    assert [e.label.split("**")[1] for e in at.expander if e.label.startswith("**")] == [
        "B. Check backprop against finite differences",
        "C. Playground: train a network, watch its gradients"]
    at.session_state["bp_more_check"] = True
    at.run()
    assert "chart_fd_error" in chart_keys(at)


@pytest.fixture(scope="module")
def at():
    return run_page(PAGE, query=OPEN)


def _metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


def _epoch(at) -> tuple[int, int]:
    text = next(p.proto.text for p in at.get("progress"))
    done, stop = re.search(r"Epoch (\d+) of (\d+)", text).groups()
    return int(done), int(stop)


def _press(at, key):
    at.button(key=key).click().run()
    assert_no_exception(at)


def _loss_curve(at):
    return np.asarray(plotly_spec(at, "chart_loss")["data"][0]["y"])


def test_default_page_runs_clean_with_all_parts(at):
    assert_no_exception(at)
    assert not at.error
    assert_finite_figures(at)
    for key in CHARTS:
        assert plotly_spec(at, key)["data"]
    headers = [h.value for h in at.subheader] + [e.label.strip("*") for e in at.expander]
    for part in ("A.", "B.", "C.", "D."):
        assert any(h.startswith(part) for h in headers)
    assert _epoch(at) == (0, 300)  # the playground opens untrained, as Playground does
    assert len(at.radio(key="quiz_backprop_1").options) == 4


def test_part_a_graph_is_a_motion_starting_at_the_url_step():
    at = run_page(PAGE, query={**OPEN, "bp_step": "5", "bp_epochs": "10"})
    spec = plotly_spec(at, "chart_graph")
    graph, _ = autodiff_net.tiny_graph()
    steps = backward_steps(graph)
    assert len(spec["frames"]) == len(steps) + 1
    slider = spec["layout"]["sliders"][0]
    assert slider["active"] == 5
    assert spec["layout"]["updatemenus"][0]["buttons"][0]["label"].endswith("Play")
    # the chart opens on frame 5: five gradients visible, the fifth step's equation written
    shown = [c != HIDDEN for c in spec["data"][GRADS]["textfont"]["color"]]
    assert sum(shown) == 5
    fifth = graph.nodes[steps[4].node]
    assert f"∂L/∂{fifth.label}" in spec["data"][EQUATION]["text"][0]
    at.slider(key="bp_step").set_value(1).run()
    assert "the seed" in plotly_spec(at, "chart_graph")["data"][EQUATION]["text"][0]


def test_every_tiny_slider_changes_the_graph():
    at = run_page(PAGE, query={**OPEN, "bp_epochs": "10"})

    def texts():
        return plotly_spec(at, "chart_graph")["data"][NODES]["text"]

    values = {"x1": 0.6, "x2": 1.1}
    values.update({n: round(v - 0.35, 2) for n, v in autodiff_net.DEFAULT_PARAMS.items()})
    for name, value in values.items():
        before = texts()
        at.slider(key=f"bp_{name}").set_value(value).run()
        assert_no_exception(at)
        assert texts() != before, name
    x = (values.pop("x1"), values.pop("x2"))
    loss = autodiff_net.tiny_loss(x, 1.0, values)
    assert any(f"{loss:.3g}" in t for t in texts())


def test_label_choice_and_gradient_table_follow_the_engine(at):
    at.radio(key="bp_y").set_value("0").run()
    table = at.dataframe[0].value
    _, grads = autodiff_net.tiny_graph((1.0, -0.5), 0.0)
    np.testing.assert_allclose(table["backprop ∂L/∂θ"], [grads[n] for n in autodiff_net.PARAM_NAMES])
    assert table["relative error"].max() < 1e-6
    at.radio(key="bp_y").set_value("1").run()


def test_part_b_step_size_and_method(at):
    at.slider(key="bp_h").set_value(-1.0)
    at.radio(key="bp_fd").set_value("forward").run()
    worst = float(_metric(at, "Worst relative error"))
    assert worst > 1e-3  # h = 0.1 with a forward difference is visibly wrong
    spec = plotly_spec(at, "chart_fd_error")
    assert spec["layout"]["annotations"][0]["x"] == pytest.approx(-1.0)
    at.slider(key="bp_h").set_value(-6.0)
    at.radio(key="bp_fd").set_value("central").run()
    assert float(_metric(at, "Worst relative error")) < 1e-6


def test_step_finish_reset_and_play_drive_the_run():
    at = run_page(PAGE, query={**OPEN, "bp_epochs": "60"})
    _press(at, "bp_step_once")
    assert _epoch(at) == (1, 60)
    assert len(_loss_curve(at)) == 2
    _press(at, "bp_finish")
    assert _epoch(at) == (60, 60)
    _, result = run_playground(epochs=60)
    np.testing.assert_allclose(_loss_curve(at), result.train_loss, rtol=1e-5)  # float32 on the wire
    assert _metric(at, "Test accuracy") == f"{result.test_acc[60]:.1%}"
    check = next(c.value for c in at.caption if "Gradient check at this epoch" in c.value)
    assert float(re.search(r"agrees to ([0-9.e+-]+)", check).group(1)) < 1e-8
    _press(at, "bp_reset")
    assert _epoch(at) == (0, 60)
    _press(at, "bp_play")
    assert at.button(key="bp_pause").label.endswith("Pause")  # playing: the live view ticks


def test_page_defaults_learn_the_circles():
    at = run_page(PAGE, query=OPEN)
    _press(at, "bp_finish")
    assert float(_metric(at, "Test accuracy").rstrip("%")) >= 95.0


@pytest.fixture(scope="module")
def small():
    """A fast playground configuration to drive the controls from."""
    return run_page(PAGE, query={**OPEN, "bp_epochs": "40"})


DEFAULTS = {"bp_data": "circles", "bp_act": "tanh", "bp_loss": "cross-entropy", "bp_opt": "Adam",
            "bp_lr": 0.03, "bp_batch": "full", "bp_l1": 0.0, "bp_l2": 0.0, "bp_init": 1.0,
            "bp_noise": 0.05, "bp_layers": 2, "bp_neurons": 8, "bp_seed": 0, "bp_train": 50,
            "bp_f_x1sq": False}


@pytest.mark.parametrize(("key", "value"), [
    ("bp_data", "spiral"), ("bp_act", "relu"), ("bp_act", "sigmoid"), ("bp_act", "linear"),
    ("bp_loss", "squared error"), ("bp_opt", "SGD"), ("bp_opt", "momentum"), ("bp_lr", 0.3),
    ("bp_batch", "32"), ("bp_l1", 0.003), ("bp_l2", 0.01), ("bp_init", 2.0), ("bp_noise", 0.3),
    ("bp_layers", 4), ("bp_neurons", 3), ("bp_seed", 4), ("bp_train", 80), ("bp_f_x1sq", True),
])
def test_every_setting_restarts_training_and_changes_the_run(small, key, value):
    _press(small, "bp_finish")
    before = _loss_curve(small)
    small.get_by_key(key).set_value(value).run()
    assert_no_exception(small)
    assert _epoch(small)[0] == 0  # a changed setting restarts training
    _press(small, "bp_finish")
    assert_finite_figures(small)
    after = _loss_curve(small)
    assert len(after) != len(before) or not np.allclose(after, before)
    small.get_by_key(key).set_value(DEFAULTS[key]).run()


def test_features_become_the_networks_inputs(small):
    for name in ("bp_f_x1sq", "bp_f_x1x2", "bp_f_sin_x1"):
        small.toggle(key=name).set_value(True)
    small.run()
    spec = plotly_spec(small, "chart_network")
    ids = [tuple(c) for c in spec["data"][NODE_TRACE]["customdata"]]
    assert sum(layer == 0 for layer, _ in ids) == 5
    labels = " ".join(a["text"] for a in spec["layout"]["annotations"])
    for label in ("x₁²", "x₁x₂", "sin 5x₁"):
        assert label in labels
    for name in ("bp_f_x1", "bp_f_x2", "bp_f_x1sq", "bp_f_x1x2", "bp_f_sin_x1"):
        small.toggle(key=name).set_value(False)
    small.run()
    assert any("at least one input" in c.value for c in small.caption)
    for name in ("bp_f_x1", "bp_f_x2"):
        small.toggle(key=name).set_value(True)
    small.run()


def test_show_test_data_and_discretize(small):
    traces = plotly_spec(small, "chart_boundary")["data"]
    assert sum(t.get("name", "").startswith("test") for t in traces) == 2
    small.toggle(key="bp_test").set_value(False)
    small.toggle(key="bp_discrete").set_value(True).run()
    traces = plotly_spec(small, "chart_boundary")["data"]
    assert not any(t.get("name", "").startswith("test") for t in traces)
    assert set(np.unique(traces[0]["z"])) <= {0, 255}  # two shades only: the class
    small.toggle(key="bp_test").set_value(True)
    small.toggle(key="bp_discrete").set_value(False).run()


def test_the_big_chart_shows_a_clicked_neuron(small):
    small.session_state["bp_selected_unit"] = (1, 2)
    small.run()
    spec = plotly_spec(small, "chart_boundary")
    assert spec["layout"]["title"]["text"].startswith("Neuron 3 of hidden layer 1")
    outlines = plotly_spec(small, "chart_network")["data"][NODE_TRACE]["marker"]["line"]["width"]
    assert max(outlines) == 4
    split, run = start_playground(epochs=40)
    view = plane_view(run.params(), ("x1", "x2"), "tanh", "bce", "binary", plane_extent(split))
    z = np.asarray(spec["data"][0]["z"], dtype=float).ravel()
    expected = np.clip(view.units[0][:, 2], -1, 1)
    np.testing.assert_allclose(z / 255 * 2 - 1, expected, atol=1 / 255 + 1e-9)
    small.session_state["bp_selected_unit"] = None
    small.run()
    assert plotly_spec(small, "chart_boundary")["layout"]["title"]["text"].startswith(
        "The network's answer")


@pytest.mark.parametrize(("dataset", "outputs"), [("spiral3", 3), ("blobs3", 3), ("plane", 1),
                                                  ("gaussians", 1)])
def test_three_classes_and_regression(small, dataset, outputs):
    small.selectbox(key="bp_data").set_value(dataset).run()
    _press(small, "bp_finish")
    assert_finite_figures(small)
    ids = [tuple(c) for c in plotly_spec(small, "chart_network")["data"][NODE_TRACE]["customdata"]]
    assert sum(layer == 3 for layer, _ in ids) == outputs
    labels = [m.label for m in small.metric]
    if outputs == 1:
        assert "Typical test error" in labels and "Test accuracy" not in labels
    else:  # each class gets its own band of the region colours
        z = np.asarray(plotly_spec(small, "chart_boundary")["data"][0]["z"], dtype=float) / 255
        assert {int(v) for v in np.floor(z.ravel() * 3 - 1e-9).clip(0)} == {0, 1, 2}
        if dataset == "blobs3":
            assert float(_metric(small, "Test accuracy").rstrip("%")) > 80
    small.selectbox(key="bp_data").set_value("circles").run()


def test_xor_noise_quotes_the_best_possible_accuracy(small):
    small.selectbox(key="bp_data").set_value("xor")
    small.slider(key="bp_noise").set_value(0.2).run()
    assert any("about 89%" in c.value for c in small.caption)
    small.selectbox(key="bp_data").set_value("circles")
    small.slider(key="bp_noise").set_value(0.05).run()


def test_l1_counts_the_weights_it_removed(small):
    small.select_slider(key="bp_l1").set_value(0.003).run()
    _press(small, "bp_finish")
    zero, total = map(int, re.findall(r"\d+", _metric(small, "Weights at exactly 0")))
    assert 0 < zero <= total == 88
    spec = plotly_spec(small, "chart_network")
    dotted = spec["data"][-1]["x"]
    assert sum(v is None for v in dotted) == zero  # one dotted line each
    small.select_slider(key="bp_l1").set_value(0.0).run()


def test_url_sets_state_and_bad_values_get_a_note():
    at = run_page(PAGE, query={**OPEN, "bp_step": "5", "bp_w11": "-1.5", "bp_data": "xor",
                               "bp_layers": "banana", "bp_epochs": "60",
                               "bp_loss": "squared error", "bp_clip": "true", "bp_clipn": "10",
                               "bp_l1": "0.001", "bp_f_x1x2": "true", "bp_train": "70"})
    assert_no_exception(at)
    assert at.slider(key="bp_step").value == 5
    assert any("−1.5" in t for t in plotly_spec(at, "chart_graph")["data"][NODES]["text"])
    assert at.selectbox(key="bp_data").value == "xor"
    assert _epoch(at) == (0, 60)
    assert any("banana" in c.value for c in at.caption)
    assert at.slider(key="bp_layers").value == 2
    assert at.selectbox(key="bp_loss").value == "squared error"
    assert at.select_slider(key="bp_clipn").value == 10.0
    assert at.select_slider(key="bp_l1").value == 0.001
    assert at.toggle(key="bp_f_x1x2").value is True
    assert at.slider(key="bp_train").value == 70


def test_scenarios_vanishing_exploding_and_clipping():
    at = run_page(PAGE, query=OPEN)
    at.button[1].click().run()  # vanishing: deep sigmoid (starts playing)
    assert at.selectbox(key="bp_act").value == "sigmoid"
    _press(at, "bp_finish")
    norms = {t["name"]: t["y"] for t in plotly_spec(at, "chart_gradnorm")["data"]}
    first, last = norms["layer 1 (input)"][0], norms["layer 7 (output)"][0]
    assert first < 1e-3 * last
    at.button[2].click().run()  # exploding
    _press(at, "bp_finish")
    assert any("blew up" in w.value for w in at.warning)
    assert at.toggle(key="bp_clip").value is False
    at.button[3].click().run()  # clipped
    _press(at, "bp_finish")
    assert at.toggle(key="bp_clip").value is True
    assert not at.warning
    assert at.select_slider(key="bp_clipn").value == 1.0
    assert_finite_figures(at)
    at.select_slider(key="bp_clipn").set_value(10.0).run()
    _press(at, "bp_finish")
    spec = plotly_spec(at, "chart_gradnorm")
    assert any(s.get("y0") == 10.0 for s in spec["layout"]["shapes"])
    at.button[4].click().run()  # the spiral from features
    assert at.toggle(key="bp_f_sin_x2").value is True and at.slider(key="bp_layers").value == 1
    at.button[0].click().run()  # back to defaults
    assert at.selectbox(key="bp_act").value == "tanh"
    assert at.toggle(key="bp_clip").value is False


def test_part_d_cost_chart_with_fitted_growth_and_quiz(at):
    assert not [c for c in at.get("plotly_chart") if c.key == "chart_cost"]  # timed on request
    _press(at, "bp_time")
    spec = plotly_spec(at, "chart_cost")
    n = spec["data"][0]["x"]
    assert n[-1] > 1000
    fd, bp = spec["data"][0]["y"], spec["data"][1]["y"]
    assert fd[-1] > 100 * bp[-1]  # the live measurement shows the gap
    fits = [t["name"] for t in spec["data"] if t["name"].startswith("fit")]
    assert len(fits) == 2
    k_fd = float(fits[0].split("^")[1])
    assert 0.7 < k_fd < 1.6  # two loss evaluations per parameter: about linear
    assert _metric(at, "Backprop is faster by").startswith("×")
    for i, answer in enumerate([1, 1, 2, 0], start=1):
        at.radio(key=f"quiz_backprop_{i}").set_value(answer).run()
    assert any("Score: 4 of 4" in i.value for i in at.info)


def test_presenter_mode_hides_formulas_and_keeps_charts():
    at = run_page(PAGE, session={"presenter": True}, query={**OPEN, "bp_epochs": "20"})
    assert_no_exception(at)
    assert not [e for e in at.expander if e.label == "The mathematics"]
    assert len(at.get("plotly_chart")) == 6
    spec = plotly_spec(at, "chart_graph")
    assert spec["layout"]["height"] >= 640
    assert not any("Gradient check" in c.value for c in at.caption)  # no jargon for clients
    # the clip threshold control only appears once clipping is on
    assert "bp_clipn" not in [w.key for w in at.select_slider]

"""AppTest of the backpropagation lesson: all four parts, every control, URL state."""

import re

import numpy as np
import pytest

from core.nn import tiny_net as autodiff_net
from core.nn import training
from tests.app.helpers import (
    assert_finite_figures,
    assert_no_exception,
    plotly_spec,
    run_page,
)

PAGE = "pages/3_Backpropagation.py"


@pytest.fixture(scope="module")
def at():
    return run_page(PAGE)


def _metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


def _node_texts(at):
    return plotly_spec(at, "chart_graph")["data"][0]["text"]


def test_default_page_runs_clean_with_all_parts(at):
    assert_no_exception(at)
    assert not at.error
    assert_finite_figures(at)
    keys = ["chart_graph", "chart_fd_error", "chart_boundary", "chart_network", "chart_loss",
            "chart_gradnorm", "chart_cost"]
    for key in keys:
        assert plotly_spec(at, key)["data"]
    headers = [h.value for h in at.subheader]
    for part in ("A.", "B.", "C.", "D."):
        assert any(h.startswith(part) for h in headers)
    assert float(_metric(at, "Test accuracy").rstrip("%")) >= 95.0
    assert _metric(at, "Epoch") == "300 of 300"
    assert len(at.radio(key="quiz_backprop_1").options) == 4
    check = next(c.value for c in at.caption if "Gradient check of the trained" in c.value)
    agree = float(re.search(r"agrees to ([0-9.e+-]+)", check).group(1))
    assert agree < 1e-8
    worst = re.search(r"worst relative error ([0-9.e+-]+)", check)
    assert worst is None or float(worst.group(1)) < 1e-6


def test_part_a_forward_values_and_backward_steps(at):
    loss = autodiff_net.tiny_loss((1.0, -0.5), 1.0)
    assert any(f"{loss:.3g}" in t for t in _node_texts(at))
    assert "Forward pass done" in at.markdown[3].value or any(
        "Forward pass done" in m.value for m in at.markdown)
    at.slider(key="bp_step").set_value(1).run()
    assert any("the seed" in m.value for m in at.markdown)
    at.slider(key="bp_step").set_value(2).run()
    assert any("local derivative × upstream gradient" in m.value for m in at.markdown)
    assert len(plotly_spec(at, "chart_graph")["data"][1]["text"]) == 2
    at.slider(key="bp_step").set_value(26).run()
    assert len(plotly_spec(at, "chart_graph")["data"][1]["text"]) == 26
    assert_no_exception(at)
    at.slider(key="bp_step").set_value(0).run()


def test_every_tiny_slider_changes_the_graph():
    at = run_page(PAGE, query={"bp_epochs": "10"})
    values = {"x1": 0.6, "x2": 1.1}
    values.update({n: round(v - 0.35, 2) for n, v in autodiff_net.DEFAULT_PARAMS.items()})
    for name, value in values.items():
        before = _node_texts(at)
        at.slider(key=f"bp_{name}").set_value(value).run()
        assert_no_exception(at)
        assert _node_texts(at) != before, name
    x = (values.pop("x1"), values.pop("x2"))
    loss = autodiff_net.tiny_loss(x, 1.0, values)
    assert any(f"{loss:.3g}" in t for t in _node_texts(at))


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


def test_url_sets_state_and_bad_values_get_a_note():
    at = run_page(PAGE, query={"bp_step": "5", "bp_w11": "-1.5", "bp_data": "xor",
                               "bp_layers": "banana", "bp_epochs": "60",
                               "bp_loss": "squared error", "bp_clip": "true", "bp_clipn": "10"})
    assert_no_exception(at)
    assert at.slider(key="bp_step").value == 5
    assert any("−1.5" in t for t in _node_texts(at))
    assert at.selectbox(key="bp_data").value == "xor"
    assert _metric(at, "Epoch") == "60 of 60"
    assert any("banana" in c.value for c in at.caption)
    assert at.slider(key="bp_layers").value == 2
    assert at.selectbox(key="bp_loss").value == "squared error"
    assert at.select_slider(key="bp_clipn").value == 10.0


@pytest.fixture(scope="module")
def small():
    """A fast playground configuration to drive the controls from."""
    return run_page(PAGE, query={"bp_epochs": "40"})


@pytest.mark.parametrize(("key", "value"), [
    ("bp_data", "spiral"), ("bp_data", "blobs"), ("bp_act", "relu"), ("bp_act", "sigmoid"),
    ("bp_act", "linear"), ("bp_loss", "squared error"), ("bp_opt", "SGD"), ("bp_opt", "momentum"),
    ("bp_lr", 0.3), ("bp_batch", "32"), ("bp_l2", 0.01), ("bp_init", 2.0),
])
def test_every_playground_choice_retrains(small, key, value):
    before = plotly_spec(small, "chart_loss")["data"][0]["y"]
    control = small.get_by_key(key)
    control.set_value(value).run()
    assert_no_exception(small)
    assert_finite_figures(small)
    after = plotly_spec(small, "chart_loss")["data"][0]["y"]
    assert len(after) != len(before) or not np.allclose(after, before)
    small.get_by_key(key).set_value(
        {"bp_data": "circles", "bp_act": "tanh", "bp_loss": "cross-entropy", "bp_opt": "Adam",
         "bp_lr": 0.03, "bp_batch": "full", "bp_l2": 0.0, "bp_init": 1.0}[key]).run()


@pytest.mark.parametrize(("key", "value"), [
    ("bp_noise", 0.3), ("bp_layers", 0), ("bp_layers", 4), ("bp_neurons", 3),
    ("bp_epochs", 20), ("bp_seed", 4),
])
def test_every_playground_slider_retrains(small, key, value):
    default = small.slider(key=key).value
    before = plotly_spec(small, "chart_loss")["data"][0]["y"]
    small.slider(key=key).set_value(value).run()
    assert_no_exception(small)
    after = plotly_spec(small, "chart_loss")["data"][0]["y"]
    assert len(after) != len(before) or not np.allclose(after, before)
    n_layers = len(plotly_spec(small, "chart_gradnorm")["data"])
    if key == "bp_layers":
        assert n_layers == value + 1
    small.slider(key=key).set_value(default).run()


def test_replay_slider_moves_through_epochs(small):
    small.slider(key="bp_replay").set_value(50).run()
    assert _metric(small, "Epoch") == "20 of 40"
    title = plotly_spec(small, "chart_boundary")["layout"]["title"]["text"]
    assert title.endswith("epoch 20")
    _, result = training.run_playground(epochs=40)
    assert _metric(small, "Test accuracy") == f"{result.test_acc[20]:.1%}"
    small.slider(key="bp_replay").set_value(0).run()
    assert _metric(small, "Epoch") == "0 of 40"
    small.slider(key="bp_replay").set_value(100).run()


def test_scenarios_vanishing_exploding_and_clipping():
    at = run_page(PAGE)
    at.button[1].click().run()  # vanishing: deep sigmoid
    assert at.selectbox(key="bp_act").value == "sigmoid"
    norms = {t["name"]: t["y"] for t in plotly_spec(at, "chart_gradnorm")["data"]}
    first, last = norms["layer 1 (input)"][0], norms["layer 7 (output)"][0]
    assert first < 1e-3 * last
    at.button[2].click().run()  # exploding
    assert any("blew up" in w.value for w in at.warning)
    assert at.toggle(key="bp_clip").value is False
    at.button[3].click().run()  # clipped
    assert at.toggle(key="bp_clip").value is True
    assert not at.warning
    assert at.select_slider(key="bp_clipn").value == 1.0
    assert_finite_figures(at)
    at.select_slider(key="bp_clipn").set_value(10.0).run()
    assert_no_exception(at)
    spec = plotly_spec(at, "chart_gradnorm")
    assert any(s.get("y0") == 10.0 for s in spec["layout"]["shapes"])
    at.button[0].click().run()  # back to defaults
    assert at.selectbox(key="bp_act").value == "tanh"
    assert at.toggle(key="bp_clip").value is False


def test_part_d_cost_chart_and_quiz(at):
    spec = plotly_spec(at, "chart_cost")
    n = spec["data"][0]["x"]
    assert n[-1] > 1000
    fd, bp = spec["data"][0]["y"], spec["data"][1]["y"]
    assert fd[-1] > 100 * bp[-1]  # the live measurement shows the gap
    assert _metric(at, "Backprop is faster by").startswith("×")
    for i, answer in enumerate([1, 1, 2, 0], start=1):
        at.radio(key=f"quiz_backprop_{i}").set_value(answer).run()
    assert any("Score: 4 of 4" in i.value for i in at.info)


def test_presenter_mode_hides_formulas_and_keeps_charts():
    at = run_page(PAGE, session={"presenter": True}, query={"bp_epochs": "20"})
    assert_no_exception(at)
    assert not [e for e in at.expander if e.label == "The mathematics"]
    assert len(at.get("plotly_chart")) == 7
    spec = plotly_spec(at, "chart_graph")
    assert spec["layout"]["height"] >= 640
    # the clip threshold control only appears once clipping is on
    assert "bp_clipn" not in [w.key for w in at.select_slider]

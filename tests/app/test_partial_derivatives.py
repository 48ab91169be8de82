"""AppTest of the partial-derivatives page: presets, custom and bad formulas, every tab and widget."""

from __future__ import annotations

import numpy as np
import pytest

from core.calculus import PRESETS, SALES
from lessons.partials.controls import FUNCTIONS, H_VALUES, VIEWS
from tests.app.helpers import (
    assert_finite_figures,
    assert_no_exception,
    chart_keys,
    plotly_spec,
    plotly_specs,
    run_page,
)

PAGE = "pages/1_Partial_derivatives.py"
NAN_OK = ("z",)  # surfaces may have NaN gaps where a formula is undefined
WALK, SURFACE, SECANT, DIRECTION, NUMBERS = VIEWS
CHARTS = {WALK: ("partials_walk_x", "partials_walk_y"), SURFACE: ("partials_surface",),
          SECANT: ("partials_secant",), DIRECTION: ("partials_direction",),
          NUMBERS: ("partials_error",)}


@pytest.fixture(scope="module")
def at():
    """One AppTest reused by the widget tests (each test sets what it needs)."""
    return run_page(PAGE)


def open_tab(at, view: str):
    at.session_state["pd_view"] = view
    return at.run()


def named(spec: dict, start: str) -> dict:
    return next(t for t in spec["data"] if str(t.get("name", "")).startswith(start))


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def active_frame(spec: dict) -> tuple[int, dict]:
    k = spec["layout"]["sliders"][0]["active"]
    return k, spec["frames"][k]


def test_default_page_opens_on_the_walks_and_sends_only_them(at):
    assert_no_exception(at)
    assert not at.error
    assert chart_keys(at) == {"partials_walk_x", "partials_walk_y", "partials_sales"}
    assert [t.label for t in at.tabs] == list(VIEWS)
    assert_finite_figures(at, allow_nan_keys=NAN_OK)
    latex = " ".join(el.value for el in at.latex)
    assert r"\frac{\partial f}{\partial x} = \cos{\left(x \right)} \cos{\left(y \right)}" in latex
    assert len(at.radio) >= 3  # the quiz


@pytest.mark.parametrize("view", VIEWS)
def test_each_tab_sends_its_own_charts(at, view):
    open_tab(at, view)
    assert_no_exception(at)
    assert chart_keys(at) == {*CHARTS[view], "partials_sales"}
    assert_finite_figures(at, allow_nan_keys=NAN_OK)
    open_tab(at, WALK)


@pytest.mark.parametrize("name", [n for n, key in FUNCTIONS.items() if key in PRESETS])
def test_every_preset(name):
    preset = PRESETS[FUNCTIONS[name]]
    at = run_page(PAGE, query={"pd_fn": name, "pd_x0": "0.4", "pd_y0": "-0.6"})
    assert not any("not a valid value" in c.value for c in at.caption)
    assert_no_exception(at)
    assert float(metric(at, "∂f/∂x")) == pytest.approx(preset.fx(0.4, -0.6), rel=1e-3, abs=1e-3)
    assert float(metric(at, "∂f/∂y")) == pytest.approx(preset.fy(0.4, -0.6), rel=1e-3, abs=1e-3)
    k, frame = active_frame(plotly_spec(at, "partials_walk_x"))
    x, y = np.asarray(frame["data"][0]["x"]), np.asarray(frame["data"][0]["y"])
    assert x[1] == pytest.approx(0.4)
    assert (y[2] - y[0]) / (x[2] - x[0]) == pytest.approx(preset.fx(0.4, -0.6), rel=1e-5, abs=1e-5)
    surf = plotly_spec(open_tab(at, SURFACE), "partials_surface")["data"][0]
    sx, sy = np.asarray(surf["x"]), np.asarray(surf["y"])
    np.testing.assert_allclose(surf["z"], preset.f(sx[None, :], sy[:, None]), rtol=1e-5, atol=1e-4)
    assert_finite_figures(at, allow_nan_keys=NAN_OK)


def test_custom_formula_then_bad_formula_keeps_last_plot():
    at = run_page(PAGE, query={"pd_fn": "Custom formula"})
    at.text_input(key="pd_formula").input("x^3 - 3*x*y^2").run()
    assert_no_exception(at)
    assert not at.error
    latex = " ".join(el.value for el in at.latex)
    assert r"3 x^{2} - 3 y^{2}" in latex
    good = plotly_spec(at, "partials_walk_x")["data"][0]["y"]
    x0 = at.slider(key="pd_x0").value
    assert float(metric(at, "∂f/∂x")) == pytest.approx(3 * x0**2 - 3 * 0.5**2, rel=1e-3)

    at.text_input(key="pd_formula").input("x.__class__").run()
    assert_no_exception(at)
    assert at.error and "not allowed" in at.error[0].value.lower()
    assert plotly_spec(at, "partials_walk_x")["data"][0]["y"] == good  # last valid plot stays
    assert any("last valid" in c.value for c in at.caption)


@pytest.mark.parametrize(
    "formula", ["9**9**9", "__import__('os').system('ls')", "x" * 10_000, "sin(x) +", "2x"]
)
def test_bad_formula_from_the_url_shows_a_message_not_a_traceback(formula):
    at = run_page(PAGE, query={"pd_fn": "Custom formula", "pd_formula": formula})
    assert_no_exception(at)
    assert at.error, formula
    assert "Traceback" not in at.error[0].value


def test_nan_gaps_for_partly_undefined_formula():
    query = {"pd_fn": "Custom formula", "pd_formula": "log(x) + sqrt(y)", "pd_x0": "-1"}
    at = run_page(PAGE, query=query)
    assert_no_exception(at)
    assert metric(at, "∂f/∂x") == "undefined"
    assert at.warning
    assert_finite_figures(at)  # the walks leave gaps (null), never NaN
    z = np.asarray(plotly_spec(open_tab(at, SURFACE), "partials_surface")["data"][0]["z"], float)
    assert np.isnan(z).any() and np.isfinite(z).any()


def test_point_sliders_move_the_slices_and_start_the_walks(at):
    at.slider(key="pd_x0").set_value(1.25).run()
    at.slider(key="pd_y0").set_value(-0.75).run()
    along_x, along_y = plotly_spec(at, "partials_walk_x"), plotly_spec(at, "partials_walk_y")
    assert along_x["data"][0]["name"] == "f with y = -0.75"
    assert along_y["data"][0]["name"] == "f with x = 1.25"
    assert active_frame(along_x)[1]["data"][0]["x"][1] == pytest.approx(1.25)
    assert active_frame(along_y)[1]["data"][0]["x"][1] == pytest.approx(-0.75)
    expected = np.cos(1.25) * np.cos(-0.75)
    assert float(metric(at, "∂f/∂x")) == pytest.approx(expected, rel=1e-3)
    spec = plotly_spec(open_tab(at, SURFACE), "partials_surface")
    np.testing.assert_allclose(named(spec, "slice x")["x"], 1.25)
    np.testing.assert_allclose(named(spec, "slice y")["y"], -0.75)
    open_tab(at, WALK)


def test_3d_toggles(at):
    open_tab(at, SURFACE)
    at.toggle(key="pd_planes").set_value(False).run()
    at.toggle(key="pd_tplane").set_value(True).run()
    names = [t.get("name", "") for t in plotly_spec(at, "partials_surface")["data"]]
    assert "tangent plane" in names
    assert not any(n.startswith("plane ") for n in names)
    at.toggle(key="pd_planes").set_value(True).run()
    at.toggle(key="pd_tplane").set_value(False).run()
    names = [t.get("name", "") for t in plotly_spec(at, "partials_surface")["data"]]
    assert "tangent plane" not in names and sum(n.startswith("plane ") for n in names) == 2
    open_tab(at, WALK)


def test_secant_width_is_h_itself_and_starts_the_scrubber(at):
    open_tab(at, SECANT)
    x0, y0 = at.slider(key="pd_x0").value, at.slider(key="pd_y0").value
    assert at.select_slider(key="pd_h").label == "Secant width h"
    for h in (0.5, 0.05, 0.001):
        at.select_slider(key="pd_h").set_value(h).run()
        spec = plotly_spec(at, "partials_secant")
        k, frame = active_frame(spec)
        assert H_VALUES[k] == h
        assert spec["layout"]["sliders"][0]["steps"][k]["label"].startswith(f"{h:g}: ")
        x, y = np.asarray(frame["data"][0]["x"]), np.asarray(frame["data"][0]["y"])
        closed = (np.sin(x0 + h) - np.sin(x0)) * np.cos(y0) / h
        assert (y[3] - y[0]) / (x[3] - x[0]) == pytest.approx(closed, rel=1e-5)
        assert any(c.value.startswith(f"h = {h:g}: secant slope") for c in at.caption)
    at.select_slider(key="pd_h").set_value(0.5).run()
    open_tab(at, WALK)


@pytest.mark.parametrize(("old", "expected"), [("-0.3", "0.5"), ("-2", "0.01"), ("0", "1"),
                                               ("-2.95", "0.001")])
def test_links_with_log10_h_open_at_the_nearest_h(old, expected):
    at = run_page(PAGE, query={"pd_logh": old, "pd_view": SECANT})
    assert_no_exception(at)
    assert at.select_slider(key="pd_h").value == float(expected)
    assert at.query_params["pd_h"] in (expected, [expected])
    assert "pd_logh" not in at.query_params
    at = run_page(PAGE, query={"logh": old, "pd_view": SECANT})  # before the prefixes
    assert at.select_slider(key="pd_h").value == float(expected)


def test_a_bad_log10_h_link_gets_a_note():
    at = run_page(PAGE, query={"pd_logh": "banana", "pd_view": SECANT})
    assert_no_exception(at)
    assert at.select_slider(key="pd_h").value == 0.5
    assert any("log₁₀ h" in c.value for c in at.caption)


def test_direction_angle_starts_the_turn(at):
    open_tab(at, DIRECTION)
    at.slider(key="pd_theta").set_value(120).run()
    spec = plotly_spec(at, "partials_direction")
    k, frame = active_frame(spec)
    marker = frame["data"][1]
    x0, y0 = at.slider(key="pd_x0").value, at.slider(key="pd_y0").value
    grad = np.array([np.cos(x0) * np.cos(y0), -np.sin(x0) * np.sin(y0)])
    u = np.array([np.cos(np.deg2rad(120)), np.sin(np.deg2rad(120))])
    assert marker["x"] == [120.0]
    assert marker["y"][0] == pytest.approx(grad @ u, abs=1e-6)
    assert spec["layout"]["sliders"][0]["steps"][k]["label"].startswith("120°")
    open_tab(at, WALK)


def test_error_explorer_and_numbers_table(at):
    open_tab(at, NUMBERS)
    assert "∂f/∂x" in plotly_spec(at, "partials_error")["layout"]["title"]["text"]
    at.radio(key="pd_err").set_value("y").run()
    assert "∂f/∂y" in plotly_spec(at, "partials_error")["layout"]["title"]["text"]
    table = next(m.value for m in at.markdown if "complex step" in m.value and "|" in m.value)
    assert "exact (symbolic)" in table and "error ∂f/∂y" in table
    assert "central difference" in table and "forward difference" in table
    open_tab(at, WALK)


def test_sales_sliders_and_plain_words(at):
    at.slider(key="pd_tv").set_value(20).run()
    at.slider(key="pd_digital").set_value(60).run()
    at.slider(key="pd_season").set_value(1.2).run()
    expected = float(SALES.d_tv(20, 60, 1.2))
    assert metric(at, "∂sales/∂TV, per $1") == f"${expected:.2f}"
    assert metric(at, "∂sales/∂TV, digital +$10k") == f"${float(SALES.d_tv(20, 70, 1.2)):.2f}"
    words = next(m.value for m in at.markdown if "holding digital and seasonality fixed" in m.value)
    assert f"${expected:.2f} of extra forecast sales" in words.replace("\\$", "$")
    spec = plotly_spec(at, "partials_sales")
    assert named(spec, "your plan")["x"][0] == 20_000
    assert len(spec["data"]) == 4


def test_function_choice_widget(at):
    at.selectbox(key="pd_fn").set_value("Saddle").run()
    assert_no_exception(at)
    assert any("x^2 - y^2" in c.value for c in at.caption)
    at.selectbox(key="pd_fn").set_value("Ripple").run()


def test_quiz_answers(at):
    quiz = [r for r in at.radio if r.key and r.key.startswith("quiz_partials")]
    assert len(quiz) == 3
    for radio, answer in zip(quiz, (0, 1, 1), strict=True):
        radio.set_value(answer)
    at.run()
    assert any("3 of 3" in i.value for i in at.info)


def test_bad_url_value_gets_a_note():
    at = run_page(PAGE, query={"pd_x0": "banana"})
    assert_no_exception(at)
    assert at.slider(key="pd_x0").value == pytest.approx(0.8)
    assert any("banana" in c.value for c in at.caption)


def test_presenter_mode_enlarges_charts_and_hides_the_mathematics():
    at = run_page(PAGE, session={"presenter": True})
    assert_no_exception(at)
    specs = plotly_specs(at)
    assert all(spec["layout"]["height"] >= 640 for spec in specs)
    assert all(spec["layout"]["sliders"][0]["currentvalue"]["font"]["size"] >= 18
               for spec in specs if spec["layout"].get("sliders"))
    assert not any(e.label == "The mathematics" for e in at.expander)

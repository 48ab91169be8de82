"""AppTest of the partial-derivatives page: presets, custom and bad formulas, every widget."""

from __future__ import annotations

import numpy as np
import pytest

from core.calculus import PRESETS, SALES
from lessons.partials.sections import FUNCTIONS
from tests.app.helpers import (
    assert_finite_figures,
    assert_no_exception,
    plotly_spec,
    plotly_specs,
    run_page,
)

PAGE = "pages/1_Partial_derivatives.py"
NAN_OK = ("z",)  # surfaces may have NaN gaps where a formula is undefined


@pytest.fixture(scope="module")
def at():
    """One AppTest reused by the widget tests (each test sets what it needs)."""
    return run_page(PAGE)


def surface(at):
    return plotly_spec(at, "partials_surface")


def named(spec: dict, start: str) -> dict:
    return next(t for t in spec["data"] if str(t.get("name", "")).startswith(start))


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_default_page(at):
    assert_no_exception(at)
    assert not at.error
    keys = {"partials_surface", "partials_slice", "partials_contour", "partials_dir",
            "partials_error", "partials_sales"}  # fmt: skip
    for key in keys:
        assert plotly_spec(at, key)["data"], key
    assert_finite_figures(at, allow_nan_keys=NAN_OK)
    latex = " ".join(el.value for el in at.latex)
    assert r"\frac{\partial f}{\partial x} = \cos{\left(x \right)} \cos{\left(y \right)}" in latex
    assert len(at.radio) >= 3  # the quiz


@pytest.mark.parametrize("name", [n for n, key in FUNCTIONS.items() if key in PRESETS])
def test_every_preset(name):
    preset = PRESETS[FUNCTIONS[name]]
    at = run_page(PAGE, query={"pd_fn": name, "pd_x0": "0.4", "pd_y0": "-0.6"})
    assert not any("not a valid value" in c.value for c in at.caption)
    assert_no_exception(at)
    spec = surface(at)
    surf = spec["data"][0]
    x, y = np.asarray(surf["x"]), np.asarray(surf["y"])
    np.testing.assert_allclose(surf["z"], preset.f(x[None, :], y[:, None]), rtol=1e-5, atol=1e-4)
    assert float(metric(at, "∂f/∂x")) == pytest.approx(preset.fx(0.4, -0.6), rel=1e-3, abs=1e-3)
    assert float(metric(at, "∂f/∂y")) == pytest.approx(preset.fy(0.4, -0.6), rel=1e-3, abs=1e-3)
    assert_finite_figures(at, allow_nan_keys=NAN_OK)


def test_custom_formula_then_bad_formula_keeps_last_plot():
    at = run_page(PAGE, query={"pd_fn": "Custom formula"})
    at.text_input(key="pd_formula").input("x^3 - 3*x*y^2").run()
    assert_no_exception(at)
    assert not at.error
    latex = " ".join(el.value for el in at.latex)
    assert r"3 x^{2} - 3 y^{2}" in latex
    good = surface(at)["data"][0]["z"]
    x0 = at.slider(key="pd_x0").value
    assert float(metric(at, "∂f/∂x")) == pytest.approx(3 * x0**2 - 3 * 0.5**2, rel=1e-3)

    at.text_input(key="pd_formula").input("x.__class__").run()
    assert_no_exception(at)
    assert at.error and "not allowed" in at.error[0].value.lower()
    np.testing.assert_array_equal(surface(at)["data"][0]["z"], good)  # last valid plot stays
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
    at = run_page(PAGE, query={"pd_fn": "Custom formula", "pd_formula": "log(x) + sqrt(y)", "pd_x0": "-1"})
    assert_no_exception(at)
    z = np.asarray(surface(at)["data"][0]["z"], dtype=float)
    assert np.isnan(z).any() and np.isfinite(z).any()
    assert metric(at, "∂f/∂x") == "undefined"
    assert at.warning


def test_point_sliders_move_the_slices(at):
    at.slider(key="pd_x0").set_value(1.25).run()
    at.slider(key="pd_y0").set_value(-0.75).run()
    spec = surface(at)
    np.testing.assert_allclose(named(spec, "slice x")["x"], 1.25)
    np.testing.assert_allclose(named(spec, "slice y")["y"], -0.75)
    expected = np.cos(1.25) * np.cos(-0.75)
    assert float(metric(at, "∂f/∂x")) == pytest.approx(expected, rel=1e-3)


def test_toggles(at):
    at.toggle(key="pd_planes").set_value(False).run()
    at.toggle(key="pd_tplane").set_value(True).run()
    names = [t.get("name", "") for t in surface(at)["data"]]
    assert "tangent plane" in names
    assert not any(n.startswith("plane ") for n in names)
    at.toggle(key="pd_planes").set_value(True).run()
    at.toggle(key="pd_tplane").set_value(False).run()
    names = [t.get("name", "") for t in surface(at)["data"]]
    assert "tangent plane" not in names and sum(n.startswith("plane ") for n in names) == 2


def test_secant_width_slider(at):
    slopes = []
    for log_h in (-0.5, -1.5, -2.5):
        at.slider(key="pd_logh").set_value(log_h).run()
        slopes.append(named(plotly_spec(at, "partials_slice"), "secant")["name"])
    assert "h = 0.00316" in slopes[-1]
    tangent = float(named(plotly_spec(at, "partials_slice"), "tangent")["name"].split()[-1])
    gaps = [abs(float(s.split()[-1]) - tangent) for s in slopes]
    assert gaps[0] > gaps[1] > gaps[2]


def test_direction_angle_slider(at):
    at.slider(key="pd_theta").set_value(120).run()
    spec = plotly_spec(at, "partials_dir")
    marker = named(spec, "θ = 120°")
    x0, y0 = at.slider(key="pd_x0").value, at.slider(key="pd_y0").value
    grad = np.array([np.cos(x0) * np.cos(y0), -np.sin(x0) * np.sin(y0)])
    u = np.array([np.cos(np.deg2rad(120)), np.sin(np.deg2rad(120))])
    assert marker["y"][0] == pytest.approx(grad @ u, abs=1e-3)


def test_error_explorer_variable(at):
    assert "∂f/∂x" in plotly_spec(at, "partials_error")["layout"]["title"]["text"]
    at.radio(key="pd_err").set_value("y").run()
    assert "∂f/∂y" in plotly_spec(at, "partials_error")["layout"]["title"]["text"]


def test_numbers_table(at):
    table = next(m.value for m in at.markdown if "complex step" in m.value and "|" in m.value)
    assert "exact (symbolic)" in table and "error ∂f/∂y" in table
    assert "central difference" in table and "forward difference" in table


def test_sales_sliders_and_plain_words(at):
    at.slider(key="pd_tv").set_value(20).run()
    at.slider(key="pd_digital").set_value(60).run()
    at.slider(key="pd_season").set_value(1.2).run()
    expected = float(SALES.d_tv(20, 60, 1.2))
    assert metric(at, "∂sales/∂TV, per $1") == f"${expected:.2f}"
    words = next(m.value for m in at.markdown if "holding digital and seasonality fixed" in m.value)
    assert f"${expected:.2f} of extra forecast sales" in words.replace("\\$", "$")
    spec = plotly_spec(at, "partials_sales")
    assert named(spec, "your plan")["x"][0] == 20_000
    assert len(spec["data"]) == 4


def test_function_choice_widget(at):
    at.selectbox(key="pd_fn").set_value("Saddle").run()
    assert_no_exception(at)
    assert any("x^2 - y^2" in c.value for c in at.caption)


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
    assert all(spec["layout"]["height"] >= 640 for spec in plotly_specs(at))
    assert not any(e.label == "The mathematics" for e in at.expander)

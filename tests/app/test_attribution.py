"""AppTest of the attribution lesson: every widget, deep links, presenter mode."""

import numpy as np
import pytest

from tests.app.helpers import (
    assert_finite_figures,
    assert_no_exception,
    chart_keys,
    plotly_spec,
    run_page,
)

PAGE = "pages/6_Attribution.py"


# The methods-against-truth and tabular sections are folded until opened.
OPEN = {"at_more_truth": "true", "at_more_table": "true"}


@pytest.fixture(scope="module")
def at():
    return run_page(PAGE, query=OPEN)


def test_the_truth_and_tabular_sections_are_folded_until_opened():
    at = run_page(PAGE, query={})
    keys = chart_keys(at)
    assert {"attribution_panels", "attribution_path"} <= keys
    assert not keys & {"attribution_scores", "attribution_tabular"}
    at.session_state["at_more_truth"] = True
    at.run()
    assert "attribution_scores" in chart_keys(at)


def metric(at, label):
    return next(m.value for m in at.metric if m.label.startswith(label))


def pts(text):
    return float(text.split()[0].replace("%", ""))


def test_default_page_is_complete_and_consistent(at):
    assert_no_exception(at)
    assert_finite_figures(at)
    panels = plotly_spec(at, "attribution_panels")
    assert [t["type"] for t in panels["data"][:3]] == ["image", "heatmap", "image"]
    assert len(panels["layout"]["shapes"]) == 2  # true-driver outline is on by default
    # completeness: Σ IG equals the predicted CTR minus the baseline's (to the shown precision)
    change = pts(metric(at, "Predicted CTR")) - pts(metric(at, "Baseline CTR"))
    assert pts(metric(at, "Σ scores")) == pytest.approx(change, abs=0.016)
    assert float(metric(at, "Gap")) < 0.01 * abs(change) + 1e-6
    for key in ("attribution_convergence", "attribution_scores", "attribution_tabular"):
        assert plotly_spec(at, key)["data"]
    assert at.subheader[-1].value == "Check your understanding"


def test_tabular_waterfall_adds_up(at):
    trace = plotly_spec(at, "attribution_tabular")["data"][0]
    y = np.asarray(trace["y"], float)
    assert y[0] + y[1:-1].sum() == pytest.approx(y[-1], abs=1e-9)


@pytest.mark.parametrize("label", ["Saliency (plain gradient)", "SmoothGrad", "Gradient × input",
                                   "SmoothGrad + Integrated Gradients"])
def test_every_method(at, label):
    at.selectbox(key="at_method").set_value(label).run()
    assert_no_exception(at)
    assert label in plotly_spec(at, "attribution_panels")["layout"]["title"]["text"]
    at.selectbox(key="at_method").set_value("Integrated Gradients").run()


def test_baselines_change_the_map_but_not_the_prediction(at):
    maps, preds = {}, set()
    for label in ("Black image", "Blurred creative", "Average creative"):
        at.selectbox(key="at_baseline").set_value(label).run()
        assert_no_exception(at)
        maps[label] = plotly_spec(at, "attribution_panels")["data"][1]["z"]
        preds.add(metric(at, "Predicted CTR"))
    assert len(preds) == 1
    assert not np.allclose(maps["Black image"], maps["Blurred creative"])
    at.selectbox(key="at_baseline").set_value("Average creative").run()


def test_sign_and_outline(at):
    colours = set()
    for label in ("Lowers CTR", "Both (magnitude)", "Raises CTR"):
        at.radio(key="at_sign").set_value(label).run()
        colours.add(plotly_spec(at, "attribution_panels")["data"][1]["colorscale"][1][1])
    assert len(colours) == 3
    at.toggle(key="at_truth").set_value(False).run()
    assert not plotly_spec(at, "attribution_panels")["layout"].get("shapes")
    at.toggle(key="at_truth").set_value(True).run()


def test_creatives_and_generated_seed(at):
    for name in ("Washed-out button", "Tiny product", "Cluttered", "Big logo, long headline"):
        at.selectbox(key="at_creative").set_value(name).run()
        assert_no_exception(at)
    at.selectbox(key="at_creative").set_value("Generate (seed)").run()
    first = plotly_spec(at, "attribution_panels")["data"][0]["z"]
    at.slider(key="at_seed").set_value(123).run()
    assert_no_exception(at)
    assert not np.array_equal(first, plotly_spec(at, "attribution_panels")["data"][0]["z"])
    at.selectbox(key="at_creative").set_value("Strong call to action").run()


def test_path_and_noise_settings(at):
    fine = float(metric(at, "Gap"))  # 50 trapezoid steps
    at.selectbox(key="at_rule").set_value("riemann_left").run()
    at.slider(key="at_steps").set_value(4).run()
    assert_no_exception(at)
    assert float(metric(at, "Gap")) > 100 * max(fine, 1e-12)  # 4 left steps are crude
    at.selectbox(key="at_method").set_value("SmoothGrad").run()
    at.slider(key="at_sigma").set_value(0.3).run()
    at.slider(key="at_samples").set_value(5).run()
    assert_no_exception(at)
    assert_finite_figures(at)
    for key, value in (("at_rule", "riemann_trapezoid"), ("at_method", "Integrated Gradients")):
        at.selectbox(key=key).set_value(value).run()
    at.slider(key="at_steps").set_value(50).run()


def test_tabular_controls(at):
    at.selectbox(key="at_tbaseline").set_value("Plain ad (no discount, tiny logo, …)").run()
    before = plotly_spec(at, "attribution_tabular")["data"][0]["y"]
    for key, value in (("at_headline_words", 14.0), ("at_discount_pct", 50.0), ("at_brightness", 0.3),
                       ("at_cta_contrast", 0.1), ("at_logo_size", 18.0)):
        at.slider(key=key).set_value(value).run()
        assert_no_exception(at)
    after = plotly_spec(at, "attribution_tabular")["data"][0]["y"]
    assert before[0] == pytest.approx(after[0])  # same baseline
    assert not np.allclose(before[1:], after[1:])


def test_deep_link_and_bad_url_values():
    at = run_page(PAGE, query={"at_creative": "Cluttered", "at_baseline": "Black image",
                               "at_steps": "20", "at_sign": "nonsense", "at_samples": "9999"})
    assert_no_exception(at)
    assert at.selectbox(key="at_creative").value == "Cluttered"
    assert at.selectbox(key="at_baseline").value == "Black image"
    assert at.slider(key="at_steps").value == 20
    assert at.radio(key="at_sign").value == "Raises CTR"
    notes = " ".join(c.value for c in at.caption)
    assert "not a valid value" in notes and "nonsense" in notes and "9999" in notes


def test_links_made_before_the_keys_had_a_prefix_still_open():
    at = run_page(PAGE, query={"creative": "Cluttered", "baseline": "Black image", "steps": "20"})
    assert_no_exception(at)
    assert at.selectbox(key="at_creative").value == "Cluttered"
    assert at.selectbox(key="at_baseline").value == "Black image"
    assert at.slider(key="at_steps").value == 20
    assert {"creative", "baseline", "steps"}.isdisjoint(at.query_params)
    assert at.query_params["at_steps"] in ("20", ["20"])


def test_presenter_mode_shows_the_client_explanation_and_hides_formulas():
    at = run_page(PAGE, session={"presenter": True})
    assert_no_exception(at)
    assert any("not what makes people click" in i.value for i in at.info)
    assert not any("Integrated Gradients** (Sundararajan" in m.value for m in at.markdown)


def test_the_walk_along_the_path_reaches_the_change_in_ctr(at):
    spec = plotly_spec(at, "attribution_path")
    assert spec["layout"]["sliders"][0]["active"] == 0
    assert [t["type"] for t in spec["data"][:2]] == ["image", "image"]
    first, last = spec["frames"][0]["data"], spec["frames"][-1]["data"]
    assert first[0]["opacity"] == 0 and last[0]["opacity"] == 1
    change = pts(metric(at, "Predicted CTR")) - pts(metric(at, "Baseline CTR"))
    assert last[2]["y"][0] == pytest.approx(pts(metric(at, "Σ scores")), abs=0.006)
    assert last[2]["y"][1] == pytest.approx(change, abs=0.011)
    assert spec["layout"]["shapes"][0]["y0"] == pytest.approx(change, abs=0.011)
    assert len(spec["data"][5]["x"]) == at.slider(key="at_steps").value  # one tick per node


def test_captums_trapezoid_weights_reproduce_captum_and_widen_the_gap(at):
    steps = at.slider(key="at_steps").value
    ours_sum, ours_gap = pts(metric(at, "Σ scores")), float(metric(at, "Gap"))
    note = next(i.value for i in at.info if "Compared with Captum" in i.value)
    assert "(steps − 1)/steps" in note and "larger" in note
    names = [t["name"] for t in plotly_spec(at, "attribution_convergence")["data"]]
    assert "Trapezoid, Captum's weights" in names
    at.toggle(key="at_captum").set_value(True).run()
    assert_no_exception(at)
    captum_sum, captum_gap = pts(metric(at, "Σ scores")), float(metric(at, "Gap"))
    assert captum_sum == pytest.approx((steps - 1) / steps * ours_sum, abs=0.006)
    assert captum_gap > 10 * ours_gap
    chosen = [t for t in plotly_spec(at, "attribution_convergence")["data"]
              if t["line"]["dash"] == "solid"]
    assert [t["name"] for t in chosen] == ["Trapezoid, Captum's weights"]
    at.toggle(key="at_captum").set_value(False).run()


def test_presenter_mode_hides_the_captum_note():
    at = run_page(PAGE, session={"presenter": True})
    assert not any("Compared with Captum" in i.value for i in at.info)
    assert plotly_spec(at, "attribution_path")["layout"]["height"] >= 640

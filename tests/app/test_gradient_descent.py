"""AppTest of the gradient-descent page: every control, several optimizers, divergence, clipping."""

import numpy as np
import pytest

from core.descent import (
    error_by_eigenvector,
    make_surface,
    momentum_rate,
    optimal_momentum,
    optimize,
    quadratic_bowl,
)
from tests.app.helpers import (
    assert_finite_figures,
    assert_no_exception,
    chart_keys,
    plotly_spec,
    plotly_specs,
    run_page,
)

PAGE = "pages/2_Gradient_descent.py"
CHARTS = {"gd_contour", "gd_phase", "gd_mom_path", "gd_milestones", "gd_clip_paths",
          "gd_clip_norms", "gd_clip_cosine", "gd_cost"}
# The folded sections below the explorer, opened (they run only when open).
OPEN = {"gd_more_momentum": "true", "gd_more_clipping": "true", "gd_more_cost": "true"}


def paths(spec):
    """The map's path traces (the loss panel's curves carry the same names, on axis x2)."""
    return [t for t in spec["data"] if str(t.get("name", "")).startswith(("1:", "2:", "3:"))
            and t.get("xaxis", "x") == "x"]


def texts(at, kind):
    return " ".join(str(e.value) for e in getattr(at, kind))


@pytest.fixture(scope="module")
def default_page():
    return run_page(PAGE, query=OPEN)


def test_the_sections_below_the_explorer_are_folded_and_run_only_when_opened():
    at = run_page(PAGE)
    assert_no_exception(at)
    assert chart_keys(at) == {"gd_contour"}  # only the explorer's map
    folded = [e.label for e in at.expander if e.label.startswith("**")]
    assert [f.split("**")[1] for f in folded] == [
        "Momentum, mapped", "Gradient clipping on a cliff", "One gradient for all parameters"]
    at.session_state["gd_more_clipping"] = True
    at.run()
    assert chart_keys(at) == {"gd_contour", "gd_clip_paths",
                                                      "gd_clip_norms", "gd_clip_cosine"}
    linked = run_page(PAGE, query={"gd_malpha": "2.2"})  # a link to a momentum setting opens it
    assert "gd_phase" in chart_keys(linked)


def test_default_page_runs_three_optimizers_matching_the_core(default_page):
    at = default_page
    assert_no_exception(at)
    assert_finite_figures(at)
    assert len(plotly_specs(at)) == len(CHARTS)
    spec = plotly_spec(at, "gd_contour")
    runs = paths(spec)
    assert [r["name"][:2] for r in runs] == ["1:", "2:", "3:"]
    assert len({r["line"]["color"] for r in runs}) == 3
    # the first path is exactly SGD at lr 0.15 on the default bowl (kappa 10, 30 degrees)
    s = quadratic_bowl(10.0, 30.0)
    expected = optimize(s.grad, s.start, "sgd", 0.15, 100, loss=s.loss).points
    np.testing.assert_allclose(np.c_[runs[0]["x"], runs[0]["y"]], expected)
    steps = spec["layout"]["sliders"][0]["steps"]  # the replay: frames, every 5th step
    assert [st["label"] for st in steps] == [str(k) for k in range(0, 101, 5)]
    frames = {f["name"]: f for f in spec["frames"]}
    last = frames[steps[-1]["args"][0][0]]["data"][0]
    assert (last["x"][0], last["y"][0]) == tuple(expected[100])  # SGD's dot at step 100
    assert "Play" in str(spec["layout"]["updatemenus"])
    assert ":blue[**━━ 1: SGD, lr 0.15**]" in texts(at, "markdown")  # the key above the map
    loss = [t for t in spec["data"] if t.get("xaxis") == "x2" and t.get("name", "")[:2] == "1:"]
    np.testing.assert_allclose(loss[0]["y"], np.maximum(
        optimize(s.grad, s.start, "sgd", 0.15, 100, loss=s.loss).losses, 1e-16))
    table = next(str(m.value) for m in at.markdown if str(m.value).startswith("| optimizer"))
    final = optimize(s.grad, s.start, "sgd", 0.15, 100, loss=s.loss).losses[-1]
    assert f"| 1: SGD, lr 0.15 | 100 | ({expected[100][0]:.3f}, {expected[100][1]:.3f}) | " \
        f"{final:.4g} |" in table
    captions = texts(at, "caption")
    assert "Stable for lr < **0.2**" in captions  # 2 / lambda_max, lambda_max = kappa = 10
    assert "best fixed lr 0.182" in captions and "× 0.818" in captions  # 2/11 and 9/11
    assert "this lr × 0.85" in captions  # max(|1 - 0.15|, |1 - 1.5|)
    assert not at.error


def test_replay_survives_presenter_mode_and_the_map_is_for_learners_only():
    at = run_page(PAGE, session={"presenter": True})
    assert_no_exception(at)
    spec = plotly_spec(at, "gd_contour")
    assert spec["layout"]["height"] >= 640
    assert len(spec["layout"]["sliders"][0]["steps"]) > 10
    assert len(spec["frames"]) == len(spec["layout"]["sliders"][0]["steps"])
    keys = chart_keys(at)
    assert not keys & {"gd_phase", "gd_mom_path", "gd_milestones"}
    assert "Momentum, mapped" not in texts(at, "subheader")


def test_divergent_run_reports_step_and_draws_only_finite_points():
    at = run_page(PAGE, query={"gd_lr1": "0.3", "gd_on2": "false", "gd_on3": "false"})
    assert_no_exception(at)
    assert_finite_figures(at)
    s = quadratic_bowl(10.0, 30.0)
    k = optimize(s.grad, s.start, "sgd", 0.3, 100, loss=s.loss).diverged_at
    assert k is not None
    assert f"diverged at step {k}" in texts(at, "error")
    assert "beyond the stability limit" in texts(at, "warning")
    spec = plotly_spec(at, "gd_contour")
    assert len(paths(spec)) == 1 and len(paths(spec)[0]["x"]) == k
    assert any(f"diverged at step {k}" in str(t.get("text")) for t in spec["data"]
               if t.get("xaxis") == "x2")  # the cross on the loss panel


def test_surface_change_applies_presets_and_methods_show_their_extras():
    at = run_page(PAGE)
    at.selectbox(key="gd_surface").set_value("rosenbrock").run()
    assert_no_exception(at)
    assert at.select_slider(key="gd_lr1").value == 0.0015
    assert at.slider(key="gd_steps").value == 500
    at.selectbox(key="gd_m1").set_value("rmsprop").run()
    assert at.select_slider(key="gd_lr1").value == 0.01  # the method's preset on this surface
    at.slider(key="gd_alpha1").set_value(0.9)
    at.selectbox(key="gd_m2").set_value("nesterov").run()
    at.slider(key="gd_mom2").set_value(0.5)
    at.slider(key="gd_b1_3").set_value(0.8)
    at.slider(key="gd_b2_3").set_value(0.99).run()
    assert_no_exception(at)
    runs = paths(plotly_spec(at, "gd_contour"))
    assert [r["name"] for r in runs] == ["1: RMSprop, lr 0.01", "2: Nesterov, lr 0.001",
                                         "3: Adam, lr 0.1"]
    s = make_surface("rosenbrock")
    ref = optimize(s.grad, s.start, "adam", 0.1, 500, loss=s.loss, betas=(0.8, 0.99)).points
    np.testing.assert_allclose(np.c_[runs[2]["x"], runs[2]["y"]], ref)
    assert_finite_figures(at)


def test_bowl_controls_start_point_steps_and_toggles():
    at = run_page(PAGE)
    at.slider(key="gd_kappa").set_value(20.0)
    at.slider(key="gd_angle").set_value(-45)
    at.slider(key="gd_x0_bowl").set_value(1.0)
    at.slider(key="gd_y0_bowl").set_value(-2.0)
    at.slider(key="gd_steps").set_value(50)
    at.select_slider(key="gd_lr1").set_value(0.07)
    at.toggle(key="gd_on3").set_value(False).run()
    assert_no_exception(at)
    assert "lr < **0.1**" in texts(at, "caption")  # 2 / lambda_max = 2 / 20
    runs = paths(plotly_spec(at, "gd_contour"))
    assert len(runs) == 2 and len(runs[0]["x"]) == 51
    assert (runs[0]["x"][0], runs[0]["y"][0]) == (1.0, -2.0)


def test_a_clicked_start_lands_on_the_start_sliders_grid():
    from lessons.descent.controls import on_slider_grid, start_params

    sx, sy = start_params(make_surface("rosenbrock"))  # x in [-2, 2] by 0.02
    assert on_slider_grid(sx, -2 + 4 * 9 / 14) == 0.58  # a lattice point, 0.5714...
    assert on_slider_grid(sx, 2.3) == 2.0 and on_slider_grid(sx, -7) == -2.0
    assert on_slider_grid(sy, 2.7143) == 2.72


def test_bad_url_values_get_a_note_not_a_traceback():
    at = run_page(PAGE, query={"gd_lr1": "banana", "gd_surface": "Volcano", "gd_steps": "-3"})
    assert_no_exception(at)
    assert texts(at, "caption").count("not a valid value") == 3
    assert at.select_slider(key="gd_lr1").value == 0.15


def test_custom_formula_error_keeps_last_good_surface():
    at = run_page(PAGE, query={"gd_surface": "Your own formula", "gd_f": "x^2 + 3*y^2"})
    assert_no_exception(at)
    assert not at.error
    runs = paths(plotly_spec(at, "gd_contour"))
    assert runs
    at.text_input(key="gd_f").set_value("x^2 + (").run()
    assert_no_exception(at)
    assert at.error  # the parser's message, shown inline
    assert paths(plotly_spec(at, "gd_contour"))  # last good surface and runs still drawn
    at.text_input(key="gd_f").set_value("log(x)").run()  # undefined at the default start
    assert_no_exception(at)
    assert "start" in texts(at, "error").lower()
    assert_finite_figures(at, allow_nan_keys=(".z",))


def test_clipping_panel_norm_keeps_direction_value_turns_it():
    at = run_page(PAGE, query={"gd_on2": "false", "gd_on3": "false", **OPEN})
    cos = plotly_spec(at, "gd_clip_cosine")["data"]
    norm_cos, value_cos = np.asarray(cos[0]["y"]), np.asarray(cos[1]["y"])
    np.testing.assert_allclose(norm_cos, 1.0, atol=1e-12)
    assert value_cos.min() < 0.99
    norms = plotly_spec(at, "gd_clip_norms")["data"]
    assert np.asarray(norms[1]["y"]).max() <= 1.0  # clipped at the default max norm 1
    assert np.asarray(norms[0]["y"]).max() > 10  # the cliff's raw gradient is far larger
    at.radio(key="gd_clip").set_value("value").run()
    at.select_slider(key="gd_clip_at").set_value(5.0)
    at.select_slider(key="gd_clip_lr").set_value(0.3).run()
    assert_no_exception(at)
    names = [t["name"] for t in plotly_spec(at, "gd_clip_paths")["data"] if "name" in t]
    assert "value clipped at 5" in names
    at.radio(key="gd_clip").set_value("none").run()
    assert_no_exception(at)
    assert_finite_figures(at)


def test_gradient_cost_counts_and_quiz():
    at = run_page(PAGE, query={"gd_on2": "false", "gd_on3": "false", **OPEN})
    at.selectbox(key="gd_n_params").set_value("1000").run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Forward differences"] == "1,001 passes"
    assert metrics["Central differences"] == "2,000 passes"
    at.radio(key="quiz_gd_1").set_value(1).run()
    assert any("Right." in str(s.value) for s in at.success)
    at.radio(key="quiz_gd_2").set_value(1).run()
    assert any("Not quite." in str(e.value) for e in at.error)


def test_momentum_map_run_and_error_split_match_the_core():
    at = run_page(PAGE, query={"gd_on2": "false", "gd_on3": "false", "gd_mkappa": "25",
                               "gd_malpha": "2.2", "gd_mbeta": "0.2"})
    assert_no_exception(at)
    assert_finite_figures(at)
    s = quadratic_bowl(25.0, 30.0, lambda_min=1 / 25)
    traj = optimize(s.grad, s.start, "momentum", 2.2, 150, loss=s.loss, momentum=0.2)
    path = next(t for t in plotly_spec(at, "gd_mom_path")["data"]
                if str(t.get("name", "")).startswith("momentum"))
    np.testing.assert_allclose(np.c_[path["x"], path["y"]], traj.points)
    phase = plotly_spec(at, "gd_phase")["data"]
    mine = next(t for t in phase if t.get("name") == "your setting")
    assert (mine["x"], mine["y"]) == ([2.2], [0.2])
    best = next(t for t in phase if t.get("name") == "fastest")
    alpha, beta, rate = optimal_momentum(0.04, 1.0)
    assert best["x"] == [alpha] and best["y"] == [beta]
    split = plotly_spec(at, "gd_milestones")["data"]
    lam, comps = error_by_eigenvector(traj.points, s.hess(np.zeros(2)), (0.0, 0.0))
    np.testing.assert_allclose(split[0]["y"], np.maximum(0.5 * lam[0] * comps[:, 0] ** 2,
                                                         traj.losses[0] * 1e-14))
    words = texts(at, "markdown")
    rho = float(momentum_rate(2.2, 0.2, (0.04, 1.0)))
    assert f"× {rho:.3f} per step" in words
    assert f"α {alpha:.2f}, β {beta:.2f}" in words and "needs 5.7" in words  # (sqrt25-1)/(+1)
    assert "flat** direction is the slower one" in texts(at, "caption")


def test_momentum_past_the_stability_limit_says_so_and_high_momentum_ripples():
    at = run_page(PAGE, query={"gd_on2": "false", "gd_on3": "false", "gd_malpha": "3.5",
                               "gd_mbeta": "0.5"})  # 3.5 > 2 (1 + 0.5): diverges
    assert_no_exception(at)
    assert "past the red stability limit" in texts(at, "error")
    assert_finite_figures(at)
    at.slider(key="gd_malpha").set_value(1.0)
    at.slider(key="gd_mbeta").set_value(0.95).run()  # both directions ripple at sqrt(beta)
    assert_no_exception(at)
    assert f"× {np.sqrt(0.95):.3f} per step" in texts(at, "caption")
    assert "both shrink at the same pace" in texts(at, "caption")
    at.slider(key="gd_mkappa").set_value(100.0).run()
    assert_no_exception(at)
    best = next(t for t in plotly_spec(at, "gd_phase")["data"] if t.get("name") == "fastest")
    assert best["y"][0] == pytest.approx((9 / 11) ** 2)  # ((sqrt100 - 1)/(sqrt100 + 1))^2


@pytest.mark.parametrize("kappa", [4.0, 25.0, 100.0])
def test_a_click_on_the_star_runs_the_fastest_pair_the_sliders_can_hold(kappa):
    from lessons.descent.momentum import fastest_on_sliders

    alpha, beta = fastest_on_sliders(kappa)
    lam = (1 / kappa, 1.0)
    rate = float(momentum_rate(alpha, beta, lam))
    exact = optimal_momentum(*lam)
    # never worse than rounding the exact optimum, and within 5 % of it
    assert rate <= float(momentum_rate(round(exact[0], 2), round(exact[1], 2), lam))
    assert rate == pytest.approx(exact[2], rel=0.05)
    for da in (-0.01, 0.0, 0.01):  # no slider neighbour is faster
        for db in (-0.01, 0.0, 0.01):
            assert rate <= float(momentum_rate(alpha + da, max(beta + db, 0.0), lam)) + 1e-12
    alpha0, beta0 = fastest_on_sliders(kappa, plain=True)  # the diamond: plain descent
    assert beta0 == 0.0
    assert float(momentum_rate(alpha0, 0.0, lam)) == pytest.approx((kappa - 1) / (kappa + 1),
                                                                  abs=0.01 / kappa + 1e-3)

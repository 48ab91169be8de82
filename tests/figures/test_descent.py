"""Figures of the gradient-descent lesson: valid Plotly, faithful data, no NaN, replay slider."""

import json

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from core.descent import cliff, make_surface, optimize, quadratic_bowl
from figures.descent import (
    CLICK_GRID,
    MAX_FRAMES,
    Run,
    contour_levels,
    descent_figure,
    escaped_runs,
)
from figures.descent_charts import (
    clip_cosine_figure,
    clip_norm_figure,
    gradient_cost_figure,
    loss_figure,
    loss_gap,
)
from figures.theme import COLORS
from tests.app.helpers import decode_array


def finite_numbers(value):
    """Every float in a figure dict (lists and arrays), for the no-NaN check."""
    if isinstance(value, dict):
        for v in value.values():
            yield from finite_numbers(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from finite_numbers(v)
    elif isinstance(value, np.ndarray) and value.dtype.kind == "f":
        yield from value.ravel().tolist()
    elif isinstance(value, float):
        yield value


def as_dict(fig):
    """The figure as plain data, with Plotly 7's base64 arrays decoded."""
    return decode_array(fig.to_dict())


def runs_on(surface, *specs, steps=200):
    return [Run(f"{i + 1}: {m}", c, optimize(surface.grad, surface.start, m, lr, steps,
                                                loss=surface.loss))
            for i, (m, lr, c) in enumerate(specs)]


@pytest.fixture(scope="module")
def rosen():
    s = make_surface("rosenbrock")
    runs = runs_on(s, ("sgd", 0.0015, COLORS["blue"]), ("momentum", 0.03, COLORS["orange"]),
                   ("adam", 0.1, COLORS["green"]), steps=300)
    return s, runs, descent_figure(s, s.grid(61), runs)


def test_figure_is_valid_plotly_and_serialises(rosen):
    _, runs, fig = rosen
    full = fig.to_dict()
    go.Figure(full)  # full validation of the dict-built figure
    spec = json.loads(pio.to_json(full, validate=False))
    steps = spec["layout"]["sliders"][0]["steps"]
    assert 2 <= len(steps) <= MAX_FRAMES
    assert all(step["method"] == "restyle" for step in steps)  # animate would drop the contour
    assert len(go.Figure(fig).layout.sliders[0].steps) == len(steps)  # copies keep the replay


def test_paths_and_replay_slider_follow_the_trajectories(rosen):
    _, runs, fig = rosen
    data = as_dict(fig)["data"]
    diverged = runs[1].trajectory
    assert diverged.diverged_at is not None  # momentum at 0.03 blows up on Rosenbrock
    for run in runs:
        trace = next(t for t in data if t.get("name", "").startswith(run.label))
        np.testing.assert_array_equal(np.c_[trace["x"], trace["y"]], run.trajectory.points)
    assert any("diverged at step" in t.get("name", "") for t in data)
    steps = as_dict(fig)["layout"]["sliders"][0]["steps"]
    longest = max(len(r.trajectory.points) for r in runs)
    assert steps[0]["label"] == "0" and steps[-1]["label"] == str(longest - 1)
    for step in steps:
        k = int(step["label"])
        update, indices = step["args"]
        assert len(indices) == 2 * len(runs)  # an arrow and a point per run
        for i, run in enumerate(runs):
            pts = run.trajectory.points
            p = pts[min(k, len(pts) - 1)]
            point = indices[2 * i + 1]
            assert (update["x"][2 * i + 1][0], update["y"][2 * i + 1][0]) == (p[0], p[1])
            assert update["x"][2 * i][0] == p[0]  # the arrow starts at the point
            assert data[point]["marker"]["color"] == run.color  # the right trace moves
            assert data[point]["x"] == [pts[-1][0]]  # drawn at the last step until moved


def test_current_arrow_points_downhill_with_unit_direction(rosen):
    s, runs, fig = rosen
    data = as_dict(fig)["data"]
    current = data[-2 * len(runs)::2]  # (arrow, point) per run come last
    assert len(current) == len(runs)
    for run, trace in zip(runs, current, strict=True):
        p = run.trajectory.points[-1]
        g = s.grad(p)
        d = np.array([trace["x"][1] - trace["x"][0], trace["y"][1] - trace["y"][0]])
        cos = -d @ g / (np.linalg.norm(d) * np.linalg.norm(g))
        assert cos == pytest.approx(1.0, abs=1e-9)


def test_arrow_field_points_downhill():
    s = quadratic_bowl(5.0, 10.0)
    fig = descent_figure(s, s.grid(31), [])
    assert fig.layout.yaxis.scaleanchor == "x"  # equal scales: screen angle = data angle
    arrows = next(t for t in as_dict(fig)["data"] if t.get("name") == "downhill direction (−∇f)")
    assert len(arrows["x"]) > 100
    for x, y, angle in zip(arrows["x"], arrows["y"], arrows["marker"]["angle"], strict=True):
        # marker angle: degrees clockwise from up, so the arrow points along (sin a, cos a)
        d = np.array([np.sin(np.radians(angle)), np.cos(np.radians(angle))])
        g = s.grad(np.array([x, y]))
        assert -d @ g / np.linalg.norm(g) == pytest.approx(1.0)


def test_contour_levels_are_monotone_and_finite_where_defined():
    z = np.array([[0.0, 1.0], [1e6, np.nan]])
    zt, delta = contour_levels(z)
    assert delta > 0 and np.isnan(zt[1, 1])
    assert zt[0, 0] < zt[0, 1] < zt[1, 0]


def test_no_nan_anywhere_even_after_divergence():
    s = make_surface("bowl")
    runs = runs_on(s, ("sgd", 0.5, COLORS["blue"]))
    assert runs[0].trajectory.diverged_at
    for fig in (descent_figure(s, s.grid(21), runs), loss_figure(runs, s.min_value)):
        assert all(np.isfinite(v) for v in finite_numbers(as_dict(fig)["data"]))


def test_loss_gap_log_axis_and_floor():
    values, log = loss_gap(np.array([2.0, 1.0, 1.0 - 1e-17]), 1.0)
    assert log and values[0] == 1.0 and values[-1] == 1e-16
    values, log = loss_gap(np.array([-3.0, 2.0]), None)
    assert not log and values.tolist() == [-3.0, 2.0]
    s = make_surface("himmelblau")
    fig = loss_figure(runs_on(s, ("adam", 0.1, COLORS["blue"])), 0.0)
    assert fig.layout.yaxis.type == "log"


def test_escaped_runs_report_the_first_step_outside():
    s = cliff()
    runs = runs_on(s, ("sgd", 0.1, COLORS["blue"]), steps=50)
    out = escaped_runs(s, runs)
    pts = runs[0].trajectory.points
    assert out and out[0][1] == 1 and pts[1, 1] < s.y_range[0]
    assert not escaped_runs(s, runs_on(s, ("sgd", 0.1, COLORS["blue"]), steps=0))


def test_clipping_charts_show_before_after_and_cosines():
    s = cliff()
    by_norm = optimize(s.grad, s.start, "sgd", 0.1, 60, loss=s.loss, clip_norm=1.0)
    by_value = optimize(s.grad, s.start, "sgd", 0.1, 60, loss=s.loss, clip_value=1.0)
    fig = clip_norm_figure(by_norm, 1.0, "norm")
    before, after = (np.asarray(t.y) for t in fig.data)
    np.testing.assert_allclose(before, by_norm.grad_norms)
    assert after.max() <= 1.0 and before.max() > 50
    assert fig.layout.shapes[0].y0 == 1.0  # shapes use data values, even on a log axis
    assert fig.layout.annotations[0].y == 0.0  # annotations use log10 on a log axis
    fig = clip_cosine_figure([("norm", COLORS["blue"], by_norm), ("value", COLORS["orange"],
                                                                     by_value)])
    norm_cos, value_cos = (np.asarray(t.y) for t in fig.data)
    np.testing.assert_allclose(norm_cos, 1.0, atol=1e-12)
    g = by_value.grads[0]
    expected = (g @ np.clip(g, -1, 1)) / (np.linalg.norm(g) * np.linalg.norm(np.clip(g, -1, 1)))
    assert value_cos[0] == pytest.approx(expected) and expected < 0.9


def test_every_chart_validates_fully():
    s = cliff()
    traj = optimize(s.grad, s.start, "sgd", 0.1, 30, loss=s.loss, clip_norm=1.0)
    runs = [Run("1: sgd", COLORS["blue"], traj)]
    for fig in (loss_figure(runs, 0.0), loss_figure(runs, None), clip_norm_figure(traj, 2.0, "norm"),
                clip_cosine_figure([("n", COLORS["blue"], traj)]),
                gradient_cost_figure(np.array([1, 100]), 10)):
        go.Figure(fig.to_dict())


def test_gradient_cost_figure_counts():
    ns = np.array([1, 10, 1000])
    fig = gradient_cost_figure(ns, 10)
    assert fig.layout.shapes[0].x0 == 10 and fig.layout.annotations[0].x == 1.0
    forward, central, backprop = (np.asarray(t.y) for t in fig.data)
    assert forward.tolist() == [2, 11, 1001] and central.tolist() == [2, 20, 2000]
    assert backprop.tolist() == [3, 3, 3]
    assert fig.layout.xaxis.type == "log" and fig.layout.yaxis.type == "log"


def test_click_overlay_covers_the_window_with_loss_values():
    s = make_surface("himmelblau")
    data = as_dict(descent_figure(s, s.grid(21), []))["data"]
    click = next(t for t in data if t.get("name") == "start")
    assert len(click["x"]) == CLICK_GRID * CLICK_GRID
    assert (min(click["x"]), max(click["x"])) == s.x_range
    i = 57
    assert click["customdata"][i] == pytest.approx(s.loss(np.array([click["x"][i], click["y"][i]])))

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
    arrow_field,
    contour_background,
    contour_levels,
    current_points,
    descent_figure,
    escaped_runs,
    replay_steps,
)
from figures.descent_charts import (
    clip_cosine_figure,
    clip_norm_figure,
    gradient_cost_figure,
    loss_gap,
    loss_traces,
)
from figures.descent_explorer import explorer_figure
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


def picture(surface, n=41):
    return contour_background(surface, surface.grid(n))


@pytest.fixture(scope="module")
def rosen():
    s = make_surface("rosenbrock")
    runs = runs_on(s, ("sgd", 0.0015, COLORS["blue"]), ("momentum", 0.03, COLORS["orange"]),
                   ("adam", 0.1, COLORS["green"]), steps=300)
    return s, runs, descent_figure(s, picture(s), runs)


def moving_index(fig):
    return next(i for i, t in enumerate(fig.data) if t.name == "where each run is")


def test_figure_is_valid_plotly_and_serialises(rosen):
    _, runs, fig = rosen
    full = fig.to_dict()
    go.Figure(full)  # full validation of the dict-built figure
    spec = json.loads(pio.to_json(full, validate=False))
    steps = spec["layout"]["sliders"][0]["steps"]
    assert 2 <= len(steps) <= MAX_FRAMES
    assert all(step["method"] == "animate" for step in steps)  # frames, played in the browser
    assert [f["name"] for f in spec["frames"]] == [step["args"][0][0] for step in steps]
    assert all(f["traces"] == [moving_index(fig)] for f in spec["frames"])  # only it moves
    assert [b["label"] for b in spec["layout"]["updatemenus"][0]["buttons"]] == [
        "▶ Play", "❚❚ Pause"]
    image = spec["layout"]["images"][0]
    assert image["source"].startswith("data:image/png;base64,") and image["layer"] == "below"
    assert not any(t["type"] == "contour" for t in spec["data"])  # a contour trace would vanish
    copy = go.Figure(fig)  # copies keep the replay
    assert len(copy.layout.sliders[0].steps) == len(steps) == len(copy.frames)


def test_replay_steps_are_round_numbers_ending_at_the_last_step():
    assert replay_steps(101).tolist() == list(range(0, 101, 5))  # 100 steps: every 5th
    assert replay_steps(31).tolist() == list(range(31))
    assert replay_steps(501).tolist() == list(range(0, 501, 20))
    assert replay_steps(1).tolist() == [0]
    odd = replay_steps(38)  # a run that diverged at step 38: points 0..37
    assert odd.tolist() == list(range(38))
    long = replay_steps(1000)  # points 0..999
    assert long[-1] == 999 and len(long) <= MAX_FRAMES
    gaps = np.diff(long)
    assert np.all(gaps[:-1] == gaps[0]) and gaps[0] == 25  # even ticks, then the last step


def test_path_frames_equal_the_optimizer_trajectories(rosen):
    """Frame k puts every run's dot exactly on its trajectory at step k (or its last point)."""
    _, runs, fig = rosen
    data = as_dict(fig)["data"]
    diverged = runs[1].trajectory
    assert diverged.diverged_at is not None  # momentum at 0.03 blows up on Rosenbrock
    for run in runs:
        trace = next(t for t in data if t.get("name", "").startswith(run.label))
        np.testing.assert_array_equal(np.c_[trace["x"], trace["y"]], run.trajectory.points)
    assert any("diverged at step" in t.get("name", "") for t in data)
    slider = fig.layout.sliders[0]
    longest = max(len(r.trajectory.points) for r in runs)
    assert slider.steps[0].label == "0" and slider.steps[-1].label == str(longest - 1)
    assert slider.active == 0
    for step, frame in zip(slider.steps, fig.frames, strict=True):
        k = int(step.label)
        x, y = frame.data[0].x, frame.data[0].y
        for i, run in enumerate(runs):
            pts = run.trajectory.points
            assert (x[7 * i], y[7 * i]) == tuple(pts[min(k, len(pts) - 1)])
            assert x[7 * i + 6] is None  # a gap between the runs
    moving = fig.data[moving_index(fig)]
    assert moving.x == fig.frames[0].data[0].x  # drawn at frame 0 before any drag
    assert list(moving.marker.color[::7]) == [r.color for r in runs]


def test_current_arrow_points_downhill_from_the_dot(rosen):
    s, runs, _ = rosen
    steps = np.array([0, 3, 50, 299])
    for run in runs:
        verts = current_points(run, steps, 0.3, s)
        assert verts.shape == (4, 6, 2)
        pts = run.trajectory.points
        for i, k in enumerate(steps):
            p = pts[min(k, len(pts) - 1)]
            np.testing.assert_array_equal(verts[i, 0], p)
            d = verts[i, 2] - verts[i, 1]  # tail to tip
            g = s.grad(p)
            cos = -d @ g / (np.linalg.norm(d) * np.linalg.norm(g))
            assert cos == pytest.approx(1.0, abs=1e-2)  # vertices rounded to 1e-3
            assert np.linalg.norm(d) == pytest.approx(0.3, abs=3e-3)


def test_no_arrow_where_the_gradient_vanishes():
    s = quadratic_bowl(4.0, 0.0)
    traj = optimize(s.grad, (0.0, 0.0), "sgd", 0.1, 3)  # starts at the minimum
    verts = current_points(Run("r", COLORS["blue"], traj), np.array([0, 3]), 0.5, s)
    np.testing.assert_array_equal(verts, np.zeros((2, 6, 2)))


def test_arrow_field_points_downhill_and_is_one_shape():
    s = quadratic_bowl(5.0, 10.0)
    verts = arrow_field(s)
    assert len(verts) > 100
    for arrow in verts:
        tail, tip = arrow[0], arrow[1]
        centre = tail + 0.3 * (tip - tail) / 0.6  # arrows are centred on their grid point
        d = tip - tail
        g = s.grad(centre)
        assert -d @ g / (np.linalg.norm(d) * np.linalg.norm(g)) == pytest.approx(1.0)
        np.testing.assert_allclose(arrow[3], tip)  # head strokes leave from the tip
    fig = descent_figure(s, picture(s), [])
    shape = fig.layout.shapes[0]
    assert shape.type == "path" and shape.xref == "x" and shape.path.count("M") == len(verts)
    first = [float(v) for v in shape.path[1:].split("L")[0].split(",")]
    np.testing.assert_allclose(first, verts[0, 0], atol=1e-3)
    assert fig.layout.yaxis.scaleanchor == "x"  # equal scales: the arrows keep their angles


def test_contour_levels_are_monotone_and_finite_where_defined():
    z = np.array([[0.0, 1.0], [1e6, np.nan]])
    zt, delta = contour_levels(z)
    assert delta > 0 and np.isnan(zt[1, 1])
    assert zt[0, 0] < zt[0, 1] < zt[1, 0]


def test_no_nan_anywhere_even_after_divergence():
    s = make_surface("bowl")
    runs = runs_on(s, ("sgd", 0.5, COLORS["blue"]))
    assert runs[0].trajectory.diverged_at
    for fig in (descent_figure(s, picture(s, 21), runs),
                explorer_figure(s, picture(s, 21), runs, s.min_value)):
        assert all(np.isfinite(v) for v in finite_numbers(as_dict(fig)["data"]))


def test_loss_gap_log_axis_and_floor():
    values, log = loss_gap(np.array([2.0, 1.0, 1.0 - 1e-17]), 1.0)
    assert log and values[0] == 1.0 and values[-1] == 1e-16
    values, log = loss_gap(np.array([-3.0, 2.0]), None)
    assert not log and values.tolist() == [-3.0, 2.0]
    s = make_surface("himmelblau")
    _, title, yaxis = loss_traces(runs_on(s, ("adam", 0.1, COLORS["blue"])), 0.0)
    assert yaxis["type"] == "log" and "log scale" in title


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
    for fig in (explorer_figure(s, picture(s, 21), runs, 0.0),
                explorer_figure(s, picture(s, 21), runs, None), clip_norm_figure(traj, 2.0, "norm"),
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
    data = as_dict(descent_figure(s, picture(s, 21), []))["data"]
    click = next(t for t in data if t.get("name") == "start")
    assert len(click["x"]) == CLICK_GRID * CLICK_GRID
    assert (min(click["x"]), max(click["x"])) == s.x_range
    i = 57
    assert click["customdata"][i] == pytest.approx(
        s.loss(np.array([click["x"][i], click["y"][i]])), rel=1e-6)  # float32 for the hover


def test_without_replay_the_dots_sit_at_the_last_step_and_the_legend_can_go():
    s = make_surface("himmelblau")
    runs = runs_on(s, ("adam", 0.1, COLORS["blue"]), steps=40)
    fig = descent_figure(s, picture(s), runs, replay=False, legend=False)
    assert not fig.frames and not fig.layout.sliders and fig.layout.showlegend is False
    moving = fig.data[moving_index(fig)]
    assert (moving.x[0], moving.y[0]) == tuple(runs[0].trajectory.points[-1])


def test_explorer_figure_replays_the_map_and_the_loss_curves_together(rosen):
    s, runs, fig_map = rosen
    fig = explorer_figure(s, picture(s), runs, s.min_value)
    go.Figure(fig.to_dict())
    n_map = len(fig_map.data)
    moving = moving_index(fig)
    assert moving == moving_index(fig_map) < n_map  # the map's traces come first, unchanged
    assert fig.layout.xaxis.domain[1] < fig.layout.xaxis2.domain[0]  # loss panel on the right
    assert fig.layout.yaxis2.type == "log" and fig.layout.showlegend is False
    # fixed margins: with two subplots Plotly's automargin re-lays the chart out many times
    assert [fig.layout[a].automargin for a in ("xaxis", "yaxis", "xaxis2", "yaxis2")] == [
        False] * 4
    slider, menu = fig.layout.sliders[0], fig.layout.updatemenus[0]
    assert slider.x > 0.3 and slider.x + slider.len == pytest.approx(1.0) and menu.x == 0.0
    for run in runs:  # the loss curves, on the second panel
        curve = next(t for t in fig.data if t.name == run.label and t.xaxis == "x2")
        np.testing.assert_allclose(curve.y, np.maximum(run.trajectory.losses, 1e-16))
    dots = len(fig.data) - 1
    assert [list(f.traces) for f in fig.frames] == [[moving, dots]] * len(fig.frames)
    for step, frame, map_frame in zip(fig.layout.sliders[0].steps, fig.frames, fig_map.frames,
                                      strict=True):
        k = int(step.label)
        assert frame.data[0].x == map_frame.data[0].x  # the same dots as the map alone
        for i, run in enumerate(runs):
            losses = run.trajectory.losses
            j = min(k, len(losses) - 1)
            assert frame.data[1].x[i] == j
            assert frame.data[1].y[i] == pytest.approx(max(losses[j], 1e-16))

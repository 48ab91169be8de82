"""The partial-derivatives motions, frame by frame, against the presets' closed forms.

Every frame is read back from the figure (validated by Plotly) and checked against the
hand-written derivatives in ``core.calculus.presets``: never against the figure's own numbers.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from core.calculus import (
    PRESETS,
    analyse_point,
    direction_turn,
    directional_profile,
    secant_family,
    slice_walk,
    surface_grid,
)
from core.formula import parse
from figures import partials_motion as pm

R = (-2.0, 2.0)
STOPS = np.round(np.arange(-1.95, 2.0, 0.1), 10)
H = (1.0, 0.5, 0.2, 0.1, 0.01, 0.001)


def validated(fig: go.Figure) -> dict:
    """Re-built with full validation (a typo raises); frames included."""
    return go.Figure(fig.to_dict()).to_dict()


def setup(key: str, x0: float = 0.65, y0: float = -0.45):
    preset = PRESETS[key]
    e = parse(preset.formula)
    point = analyse_point(e, e.diff("x"), e.diff("y"), x0, y0, R, R, n=80)
    return preset, e, point


def frames_of(fig: dict) -> list[dict]:
    return fig["frames"]


@pytest.mark.parametrize("key", list(PRESETS))
@pytest.mark.parametrize("along", ["x", "y"])
def test_in_every_frame_the_tangent_slope_is_the_exact_partial(key, along):
    preset, e, point = setup(key)
    fixed = point.y0 if along == "x" else point.x0
    walk = slice_walk(e, e.diff(along), along, fixed, STOPS, 0.44)
    curve = point.slice_x if along == "x" else point.slice_y
    fig = validated(pm.walk_figure(walk, curve, active=26))
    exact = preset.fx if along == "x" else preset.fy
    assert len(frames_of(fig)) == STOPS.size
    for s, fr in zip(STOPS, frames_of(fig), strict=True):
        (tangent,) = fr["data"]
        x, y = np.asarray(tangent["x"], float), np.asarray(tangent["y"], float)
        at = (s, fixed) if along == "x" else (fixed, s)
        assert x[1] == pytest.approx(s)
        assert y[1] == pytest.approx(preset.f(*at), rel=1e-7, abs=1e-7)  # the point is on f
        slope = (y[2] - y[0]) / (x[2] - x[0])
        assert slope == pytest.approx(exact(*at), rel=1e-6, abs=1e-5)
        assert fr["traces"] == [1]
    # the chart opens on the active frame, and the scrubber starts there
    assert fig["data"][1]["x"] == frames_of(fig)[26]["data"][0]["x"]
    assert fig["layout"]["sliders"][0]["active"] == 26
    label = fig["layout"]["sliders"][0]["steps"][26]["label"]
    assert label.startswith(f"{STOPS[26]:.2f}: ∂f/∂{along} = ")


def test_a_walk_through_undefined_points_leaves_gaps_not_nan():
    e = parse("log(x) + y")
    point = analyse_point(e, e.diff("x"), e.diff("y"), 0.5, 0.2, R, R)
    walk = slice_walk(e, e.diff("x"), "x", 0.2, STOPS, 0.44)
    fig = validated(pm.walk_figure(walk, point.slice_x, active=0))
    assert fig["data"][1]["y"] == [None, None, None]  # x = −1.95: log undefined
    for trace in fig["data"]:
        values = [v for v in trace.get("y", []) if v is not None]
        assert np.all(np.isfinite(values))


@pytest.mark.parametrize("key", list(PRESETS))
def test_in_every_frame_the_secant_joins_f_at_x0_and_x0_plus_h(key):
    preset, e, point = setup(key)
    family = secant_family(e, point.x0, point.y0, H)
    fig = validated(pm.secant_figure(point, family, active=1))
    f0 = preset.f(point.x0, point.y0)
    for h, fr in zip(H, frames_of(fig), strict=True):
        (secant,) = fr["data"]
        x, y = np.asarray(secant["x"], float), np.asarray(secant["y"], float)
        expected = (preset.f(point.x0 + h, point.y0) - f0) / h
        assert (y[3] - y[0]) / (x[3] - x[0]) == pytest.approx(expected, rel=1e-6, abs=1e-5)
        assert (x[1], x[2]) == pytest.approx((point.x0, point.x0 + h))
        assert y[1] == pytest.approx(f0, rel=1e-7, abs=1e-7)
        assert y[2] == pytest.approx(preset.f(point.x0 + h, point.y0), rel=1e-6, abs=1e-6)
    tangent = next(t for t in fig["data"] if t["name"].startswith("tangent"))
    x, y = np.asarray(tangent["x"], float), np.asarray(tangent["y"], float)
    assert (y[1] - y[0]) / (x[1] - x[0]) == pytest.approx(preset.fx(point.x0, point.y0), rel=1e-6,
                                                          abs=1e-6)
    assert fig["layout"]["sliders"][0]["steps"][-1]["label"].startswith("0.001: secant slope")


@pytest.mark.parametrize("key", ["ripple", "saddle", "bump"])
def test_in_every_frame_u_points_at_theta_and_the_marker_is_grad_dot_u(key):
    preset, e, point = setup(key)
    angles = np.arange(5.0, 360.0, 10.0)
    grid = surface_grid(e, R, R, 30)
    fig = validated(pm.direction_figure(grid, point, direction_turn(point.exact, angles),
                                        directional_profile(point.exact, 121), active=4))
    g = np.array([preset.fx(point.x0, point.y0), preset.fy(point.x0, point.y0)])
    for theta, fr in zip(angles, frames_of(fig), strict=True):
        arrow, marker = fr["data"]
        x, y = arrow["x"], arrow["y"]
        assert (x[0], y[0]) == pytest.approx((point.x0, point.y0))
        direction = np.array([x[1] - x[0], y[1] - y[0]])
        u = np.array([np.cos(np.deg2rad(theta)), np.sin(np.deg2rad(theta))])
        assert direction / np.linalg.norm(direction) == pytest.approx(u, abs=1e-9)
        label = np.array([x[3] - x[0], y[3] - y[0]])  # the "u" label sits past the tip
        assert np.linalg.norm(label) > 1.2 * np.linalg.norm(direction)
        turn = (arrow["marker"]["angle"][1] - (90 - theta)) % 360  # clockwise from "up"
        assert min(turn, 360 - turn) == pytest.approx(0, abs=1e-9)
        assert marker["x"] == [theta]
        assert marker["y"][0] == pytest.approx(g @ u, rel=1e-6, abs=1e-7)


def test_the_gradient_label_never_covers_the_point():
    preset, e, point = setup("ripple", 1.9, 1.9)  # near a corner: the label is kept on the map
    grid = surface_grid(e, R, R, 30)
    fig = validated(pm.direction_figure(grid, point, direction_turn(point.exact, [0.0]),
                                        directional_profile(point.exact, 121), active=0))
    label = next(a for a in fig["layout"]["annotations"] if a["text"] == "∇f")
    assert np.hypot(label["x"] - point.x0, label["y"] - point.y0) > 0.3
    assert R[0] < label["x"] < R[1] and R[0] < label["y"] < R[1]
    arrow = next(a for a in fig["layout"]["annotations"] if a.get("showarrow"))
    d = np.array([arrow["x"] - arrow["ax"], arrow["y"] - arrow["ay"]])
    g = np.array([preset.fx(1.9, 1.9), preset.fy(1.9, 1.9)])
    assert d @ g / (np.linalg.norm(d) * np.linalg.norm(g)) == pytest.approx(1.0)
    assert arrow["text"] == ""

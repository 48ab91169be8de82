"""The lesson's motions against the presets' hand-written derivatives (closed forms)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.calculus import (
    PRESETS,
    direction_turn,
    directional_profile,
    secant,
    secant_family,
    slice_walk,
    tangent_segments,
)
from core.formula import parse

STOPS = np.round(np.arange(-2.0, 2.0001, 0.05), 10)


@pytest.mark.parametrize("key", list(PRESETS))
@pytest.mark.parametrize("along", ["x", "y"])
def test_every_stop_has_the_exact_slope_and_its_tangent(key, along):
    preset = PRESETS[key]
    e = parse(preset.formula)
    fixed = -0.35
    walk = slice_walk(e, e.diff(along), along, fixed, STOPS, half_width=0.4)
    x, y = (STOPS, fixed) if along == "x" else (fixed, STOPS)
    exact = (preset.fx if along == "x" else preset.fy)(x, y)
    np.testing.assert_allclose(walk.values, preset.f(x, y), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(walk.slopes, exact, rtol=1e-12, atol=1e-10)
    # each segment is the tangent: through (s, f(s)) with the exact slope, half-width 0.4
    rise = walk.segment_f[:, 1] - walk.segment_f[:, 0]
    run = walk.segment_s[:, 1] - walk.segment_s[:, 0]
    np.testing.assert_allclose(run, 0.8, atol=1e-12)
    np.testing.assert_allclose(rise / run, exact, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(walk.segment_f.mean(axis=1), walk.values, rtol=1e-9, atol=1e-9)
    assert walk.along == along and walk.fixed == fixed


def test_walk_where_f_is_undefined_has_no_slope():
    e = parse("log(x) + y")
    walk = slice_walk(e, e.diff("x"), "x", 0.5, [-1.0, 0.5, 1.0], 0.2)
    assert np.isnan(walk.values[0]) and np.isnan(walk.slopes[0])
    assert walk.slopes[1:] == pytest.approx([2.0, 1.0])
    with pytest.raises(ValueError, match="along"):
        slice_walk(e, e.diff("x"), "z", 0.5, [1.0], 0.2)


def test_constant_derivative_is_spread_over_every_stop():
    e = parse("3*x + y")
    walk = slice_walk(e, e.diff("x"), "x", 1.0, [0.0, 1.0, 2.0], 0.5)
    assert walk.slopes.tolist() == [3.0, 3.0, 3.0]


def test_secants_shrink_to_the_tangent_like_h():
    preset = PRESETS["ripple"]
    e = parse(preset.formula)
    h = np.array([1.0, 0.5, 0.1, 0.01, 0.001])
    family = secant_family(e, 0.3, 0.5, h)
    expected = (preset.f(0.3 + h, 0.5) - preset.f(0.3, 0.5)) / h
    np.testing.assert_allclose(family.slopes, expected, rtol=1e-12)
    np.testing.assert_allclose(family.f1, preset.f(0.3 + h, 0.5), rtol=1e-13)
    gap = np.abs(family.slopes - preset.fx(0.3, 0.5))
    assert np.all(np.diff(gap[1:]) < 0)
    # first order: the gap is |f_xx| h / 2 to leading order
    fxx = -np.sin(0.3) * np.cos(0.5)
    assert gap[-1] == pytest.approx(abs(fxx) * 0.001 / 2, rel=0.01)
    assert secant(e, 0.3, 0.5, 0.1)[2] == pytest.approx(family.slopes[2])
    with pytest.raises(ValueError, match="non-zero"):
        secant_family(e, 0.3, 0.5, [0.1, 0.0])


@settings(max_examples=40, deadline=None)
@given(st.floats(-5, 5), st.floats(-5, 5), st.floats(0, 360))
def test_direction_turn_is_the_gradient_dotted_with_a_unit_vector(gx, gy, theta):
    turn = direction_turn([gx, gy], [theta])
    rad = np.deg2rad(theta)
    assert np.linalg.norm(turn.u[0]) == pytest.approx(1.0)
    assert turn.values[0] == pytest.approx(gx * np.cos(rad) + gy * np.sin(rad), abs=1e-12)
    norm = np.hypot(gx, gy)
    assert turn.values[0] == pytest.approx(norm * np.cos(rad - np.arctan2(gy, gx)), abs=1e-9)


def test_profile_and_tangent_segments_are_the_same_mathematics():
    angles, values = directional_profile(np.array([3.0, 4.0]), n=73)
    np.testing.assert_allclose(values, direction_turn([3.0, 4.0], angles).values)
    xs, ys = tangent_segments(np.array([1.0]), np.array([2.0]), np.array([3.0]), 0.5, (0.0, 1.2))
    np.testing.assert_allclose(xs, [[0.5, 1.2]])
    np.testing.assert_allclose(ys, [[0.5, 2.6]])

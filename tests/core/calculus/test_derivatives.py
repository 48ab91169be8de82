"""Finite differences against closed forms for every preset, plus the error explorer's slopes."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.calculus import (
    METHODS,
    PRESETS,
    SALES,
    default_step,
    directional_derivative,
    error_scan,
    gradient,
    partial,
)

POINTS = [(0.7, -0.4), (-1.3, 0.9), (1.5, 1.2), (0.0, 0.0), (-0.2, -1.8)]
TOL = {"forward": 1e-5, "backward": 1e-5, "central": 1e-8, "complex": 1e-12}


@pytest.mark.parametrize("key", list(PRESETS))
@pytest.mark.parametrize("method", METHODS)
def test_partials_match_closed_forms_for_every_preset(key, method):
    preset = PRESETS[key]
    f = preset.point_function()
    for x, y in POINTS:
        exact = np.array([preset.fx(x, y), preset.fy(x, y)])
        scale = 1 + np.abs(exact) + abs(preset.f(x, y))
        for i in (0, 1):
            got = partial(f, [x, y], i, method=method)
            assert abs(got - exact[i]) <= TOL[method] * scale[i], (key, method, x, y, i)
        np.testing.assert_allclose(
            gradient(f, [x, y], method=method), exact, atol=TOL[method] * scale.max()
        )


@pytest.mark.parametrize("method", METHODS)
def test_sales_partials_match_closed_forms(method):
    f = SALES.point_function()
    for p in [(40.0, 30.0, 1.0), (0.0, 0.0, 0.8), (100.0, 5.0, 1.3)]:
        exact = [SALES.d_tv(*p), SALES.d_digital(*p), SALES.d_season(*p)]
        for i in range(3):
            assert partial(f, p, i, method=method) == pytest.approx(
                exact[i], rel=TOL[method] * 1e3, abs=TOL[method] * 1e3
            )


def test_complex_step_reaches_machine_precision():
    preset = PRESETS["ripple"]
    f = preset.point_function()
    got = partial(f, [0.7, -0.4], 0, method="complex", h=1e-30)
    assert got == pytest.approx(preset.fx(0.7, -0.4), rel=2e-16, abs=1e-16)


def test_exact_for_polynomials_of_matching_order():
    # Central differences are exact for quadratics (up to rounding), forward ones are not.
    f = PRESETS["paraboloid"].point_function()
    assert partial(f, [1.0, 2.0], 0, h=0.5, method="central") == pytest.approx(2.0, abs=1e-12)
    assert partial(f, [1.0, 2.0], 0, h=0.5, method="forward") == pytest.approx(2.5, abs=1e-12)
    assert partial(f, [1.0, 2.0], 0, h=0.5, method="backward") == pytest.approx(1.5, abs=1e-12)


def test_default_step_scales_with_x_and_method():
    eps = np.finfo(float).eps
    assert default_step(0.0, "forward") == pytest.approx(np.sqrt(eps))
    assert default_step(0.0, "central") == pytest.approx(np.cbrt(eps))
    assert default_step(1e4, "central") == pytest.approx(np.cbrt(eps) * 1e4)
    assert default_step(-3.0, "backward") == pytest.approx(np.sqrt(eps) * 3)
    assert default_step(2.0, "complex") < 1e-15


@pytest.mark.parametrize(
    "call",
    [
        lambda f: partial(f, [1.0, 2.0], 0, method="simpson"),
        lambda f: partial(f, [1.0, 2.0], 2),
        lambda f: partial(f, [1.0, 2.0], 0, h=0.0),
        lambda f: partial(f, [], 0),
        lambda f: directional_derivative(f, [1.0, 2.0], [0.0, 0.0]),
        lambda f: directional_derivative(f, [1.0, 2.0], [1.0]),
    ],
)
def test_bad_arguments_raise_value_error(call):
    with pytest.raises(ValueError):
        call(PRESETS["saddle"].point_function())


@settings(max_examples=40, deadline=None)
@given(
    key=st.sampled_from(list(PRESETS)),
    x=st.floats(-2, 2),
    y=st.floats(-2, 2),
    theta=st.floats(0, 2 * np.pi),
    length=st.floats(0.1, 10),
)
def test_directional_derivative_is_gradient_dot_unit_vector(key, x, y, theta, length):
    preset = PRESETS[key]
    grad = np.array([preset.fx(x, y), preset.fy(x, y)])
    u = np.array([np.cos(theta), np.sin(theta)])
    got = directional_derivative(preset.point_function(), [x, y], length * u)
    assert got == pytest.approx(grad @ u, rel=1e-6, abs=1e-6 * (1 + abs(preset.f(x, y))))


def test_directional_derivative_largest_along_gradient_and_zero_along_contour():
    preset = PRESETS["bump"]
    f, p = preset.point_function(), np.array([0.6, -0.9])
    grad = np.array([preset.fx(*p), preset.fy(*p)])
    angles = np.linspace(0, 2 * np.pi, 721)
    values = [directional_derivative(f, p, [np.cos(a), np.sin(a)]) for a in angles]
    best = angles[int(np.argmax(values))]
    assert np.cos(best - np.arctan2(grad[1], grad[0])) == pytest.approx(1.0, abs=1e-4)
    assert max(values) == pytest.approx(np.linalg.norm(grad), rel=2e-5)  # 0.5° grid
    along_contour = np.array([-grad[1], grad[0]])
    assert directional_derivative(f, p, along_contour) == pytest.approx(0.0, abs=1e-9)


@pytest.mark.parametrize("key", list(PRESETS))
def test_error_scan_slopes(key):
    preset = PRESETS[key]
    x = np.array([0.7, -0.4])
    scan = error_scan(preset.point_function(), x, 0, preset.fx(*x))
    assert scan.h[0] == pytest.approx(1e-16) and scan.h[-1] == pytest.approx(1e-1)
    assert scan.truncation_slope["forward"] == pytest.approx(1.0, abs=0.25)
    assert scan.truncation_slope["backward"] == pytest.approx(1.0, abs=0.25)
    if key in ("paraboloid", "saddle"):
        # Central differences are exact for quadratics: no truncation error at all, only
        # round-off, so the best step is the largest one.
        assert np.isnan(scan.truncation_slope["central"])
        assert scan.best_h["central"] == pytest.approx(1e-1)
    else:
        assert scan.truncation_slope["central"] == pytest.approx(2.0, abs=0.3)
        assert 1e-7 < scan.best_h["central"] < 1e-3
        assert scan.truncation_slope["complex"] == pytest.approx(2.0, abs=0.3)
    for method in ("forward", "backward", "central"):
        assert scan.roundoff_slope[method] == pytest.approx(-1.0, abs=0.35), method
    assert np.isnan(scan.roundoff_slope["complex"])
    # Best steps sit where theory puts them: ~sqrt(eps) one-sided, ~cbrt(eps) central.
    assert 1e-10 < scan.best_h["forward"] < 1e-6
    assert scan.best_error["complex"] <= 1e-14 * max(1.0, abs(preset.fx(*x)))
    assert scan.best_error["central"] < scan.best_error["forward"]


def test_error_scan_complex_has_no_roundoff_growth():
    preset = PRESETS["ripple"]
    x = np.array([0.7, -0.4])
    scan = error_scan(preset.point_function(), x, 1, preset.fy(*x))
    tiny = scan.h < 1e-8
    assert np.all(scan.errors["complex"][tiny] < 1e-15)
    assert np.all(scan.errors["forward"][scan.h < 1e-12] > 1e-6)


def test_vectorized_error_scan_matches_loop():
    preset = PRESETS["rosenbrock"]
    x = np.array([-0.6, 0.8])

    def f(p):  # works for one point (shape (2,)) and for columns of points (shape (2, m))
        return preset.f(p[0], p[1])

    loop = error_scan(f, x, 1, preset.fy(*x))
    batch = error_scan(f, x, 1, preset.fy(*x), vectorized=True)
    for method in METHODS:
        np.testing.assert_allclose(batch.errors[method], loop.errors[method], rtol=1e-12, atol=0)
        assert batch.best_h[method] == loop.best_h[method]

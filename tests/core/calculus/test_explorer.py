"""The explorer's computations, checked against the presets' closed forms."""

from __future__ import annotations

import numpy as np
import pytest

from core.calculus import (
    PRESETS,
    analyse_point,
    directional_profile,
    scan_point,
    secant,
    surface_grid,
)
from core.formula import parse

R = (-2.0, 2.0)


@pytest.mark.parametrize("key", list(PRESETS))
def test_grid_and_point_match_closed_forms(key):
    preset = PRESETS[key]
    e = parse(preset.formula)
    grid = surface_grid(e, R, (-1.0, 3.0), n=30)
    assert grid.z.shape == (30, 30)
    np.testing.assert_allclose(grid.z, preset.f(grid.x[None, :], grid.y[:, None]), rtol=1e-12)
    p = analyse_point(e, e.diff("x"), e.diff("y"), 0.4, -0.7, R, R, n=50)
    exact = [preset.fx(0.4, -0.7), preset.fy(0.4, -0.7)]
    np.testing.assert_allclose(p.exact, exact, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(p.estimates["central"], exact, rtol=1e-7, atol=1e-7)
    np.testing.assert_allclose(p.estimates["complex"], exact, rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(p.slice_x[1], preset.f(p.slice_x[0], -0.7), rtol=1e-12)
    np.testing.assert_allclose(p.slice_y[1], preset.f(0.4, p.slice_y[0]), rtol=1e-12)
    assert p.f0 == pytest.approx(preset.f(0.4, -0.7))


def test_secant_converges_to_tangent_linearly():
    preset = PRESETS["ripple"]
    e = parse(preset.formula)
    exact = preset.fx(0.3, 0.5)
    errors = [abs(secant(e, 0.3, 0.5, h)[2] - exact) for h in (1e-1, 1e-2, 1e-3)]
    assert errors[0] > errors[1] > errors[2]
    assert errors[0] / errors[1] == pytest.approx(10, rel=0.15)
    x1, f1, _ = secant(e, 0.3, 0.5, 0.25)
    assert x1 == pytest.approx(0.55) and f1 == pytest.approx(preset.f(0.55, 0.5))


def test_directional_profile():
    angles, values = directional_profile(np.array([3.0, 4.0]))
    assert values.max() == pytest.approx(5.0, rel=1e-4)
    best = angles[np.argmax(values)]
    assert best == pytest.approx(np.rad2deg(np.arctan2(4, 3)), abs=1.0)
    assert values[0] == pytest.approx(3.0) and values[90] == pytest.approx(4.0)


def test_nan_outside_the_domain_does_not_raise():
    e = parse("log(x) + sqrt(y)")
    grid = surface_grid(e, R, R, n=20)
    assert np.isnan(grid.z).any() and np.isfinite(grid.z).any()
    p = analyse_point(e, e.diff("x"), e.diff("y"), -1.0, 1.0, R, R, n=20)
    assert np.isnan(p.f0) and np.isnan(p.exact[0])
    for method in ("forward", "central", "complex"):  # complex step would give pi/h here
        assert np.all(np.isnan(p.estimates[method]))


def test_scan_point_for_a_formula():
    preset = PRESETS["bump"]
    scan = scan_point(parse(preset.formula), 0.5, 0.2, preset.fy(0.5, 0.2), i=1)
    assert set(scan.errors) == {"forward", "central", "complex"}
    assert scan.truncation_slope["forward"] == pytest.approx(1.0, abs=0.25)
    assert scan.truncation_slope["central"] == pytest.approx(2.0, abs=0.3)
    assert scan.best_error["complex"] < 1e-14

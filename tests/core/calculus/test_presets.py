"""Presets: formula text, hand-written derivatives and the sales forecast agree with each other."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.calculus import DEFAULT_PRESET, PRESETS, SALES, SalesModel, partial
from core.formula import parse

GRID = np.meshgrid(np.linspace(-2, 2, 9), np.linspace(-2, 2, 7))


@pytest.mark.parametrize("key", list(PRESETS))
def test_formula_text_matches_numpy_function_and_derivatives(key):
    preset = PRESETS[key]
    e = parse(preset.formula)
    x, y = GRID
    np.testing.assert_allclose(e.evaluate(x=x, y=y), preset.f(x, y), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(
        e.diff("x").evaluate(x=x, y=y), preset.fx(x, y), rtol=1e-12, atol=1e-12
    )
    np.testing.assert_allclose(
        e.diff("y").evaluate(x=x, y=y), preset.fy(x, y), rtol=1e-12, atol=1e-12
    )


def test_preset_catalogue():
    assert {"paraboloid", "saddle", "ripple", "rosenbrock", "bump"} <= set(PRESETS)
    assert DEFAULT_PRESET in PRESETS
    for key, preset in PRESETS.items():
        assert preset.key == key and preset.label and preset.note


def test_known_values():
    assert PRESETS["rosenbrock"].f(1.0, 1.0) == 0.0
    assert PRESETS["rosenbrock"].fx(1.0, 1.0) == 0.0
    assert PRESETS["bump"].f(0.0, 0.0) == 1.0
    assert PRESETS["saddle"].fy(0.0, 1.0) == -2.0


def test_sales_formula_text_matches_model():
    e = parse(SALES.formula, SALES.variables)
    p = dict(tv=np.array([0.0, 40.0, 100.0]), digital=np.array([0.0, 30.0, 100.0]), season=1.2)
    args = (p["tv"], p["digital"], p["season"])
    np.testing.assert_allclose(e.evaluate(**p), SALES.sales(*args), rtol=1e-12)
    np.testing.assert_allclose(e.diff("tv").evaluate(**p), SALES.d_tv(*args), rtol=1e-12)
    np.testing.assert_allclose(e.diff("digital").evaluate(**p), SALES.d_digital(*args), rtol=1e-12)
    np.testing.assert_allclose(e.diff("season").evaluate(**p), SALES.d_season(*args), rtol=1e-12)
    cross = e.diff("tv").diff("digital").evaluate(**p)
    np.testing.assert_allclose(cross, SALES.d_tv_d_digital(*args), rtol=1e-12)


def test_sales_story_numbers():
    # The numbers the lesson talks about: $3 per $1 at zero TV, $1 at TV=40 without digital,
    # and more when digital is on (synergy).
    assert SALES.d_tv(0.0, 0.0, 1.0) == pytest.approx(3.0)
    assert SALES.d_tv(40.0, 0.0, 1.0) == pytest.approx(1.0)
    assert SALES.d_tv(40.0, 30.0, 1.0) == pytest.approx((60 + 15 * np.log(4)) / 60)
    assert SALES.sales(0.0, 0.0, 1.0) == pytest.approx(200.0)
    no_synergy = SalesModel(synergy=0.0)
    assert no_synergy.d_tv(40.0, 0.0, 1.0) == no_synergy.d_tv(40.0, 90.0, 1.0)


@settings(max_examples=40, deadline=None)
@given(
    tv=st.floats(0, 100),
    digital=st.floats(0, 100),
    season=st.floats(0.5, 1.5),
)
def test_sales_properties(tv, digital, season):
    # Diminishing returns: the TV marginal falls as TV grows; synergy: it rises with digital.
    assert SALES.d_tv(tv + 1, digital, season) < SALES.d_tv(tv, digital, season)
    assert SALES.d_tv(tv, digital + 1, season) > SALES.d_tv(tv, digital, season)
    assert SALES.d_tv_d_digital(tv, digital, season) > 0
    # Mixed partial by finite differences of the closed-form TV marginal.
    f = lambda p: SALES.d_tv(tv, p[0], season)  # noqa: E731
    assert partial(f, [digital], 0) == pytest.approx(
        SALES.d_tv_d_digital(tv, digital, season), rel=1e-6
    )

"""Response curves: analytic derivatives against finite differences, one registry for all.

``FAMILIES`` maps every curve family to a hypothesis strategy for its parameters and to a
spend scale; ``test_every_family_is_registered`` fails when a family is missing, so a new
family gets every property test below.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.mmm import (
    CPG_EXAMPLE,
    CurveBank,
    ExponentialCurve,
    HillCurve,
    PowerCurve,
    ResponseCurve,
)


def _positive(lo: float, hi: float):
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


# family -> (strategy for a curve, its typical spend: derivatives are probed around it)
FAMILIES = {
    PowerCurve: (st.builds(PowerCurve, _positive(0.1, 100), _positive(0.05, 1.0)), lambda c: 1.0),
    HillCurve: (
        st.builds(HillCurve, _positive(1, 1000), _positive(0.1, 50), _positive(0.3, 5.0)),
        lambda c: c.half_saturation,
    ),
    ExponentialCurve: (
        st.builds(ExponentialCurve, _positive(1, 1000), _positive(0.1, 50)),
        lambda c: c.spend_scale,
    ),
}
ANY_CURVE = st.one_of(*(strategy for strategy, _ in FAMILIES.values()))
RELATIVE_SPEND = _positive(0.05, 8.0)

# Fixed examples, including the edge cases of each family.
REGISTRY = {
    "power-0.5": PowerCurve(3.0, 0.5),
    "power-0.2": PowerCurve(40.0, 0.2),
    "power-linear": PowerCurve(2.0, 1.0),
    "power-cpg-tv": CPG_EXAMPLE.curves[0],
    "hill-concave": HillCurve(100.0, 2.0, 0.7),
    "hill-k1": HillCurve(100.0, 2.0, 1.0),
    "hill-s": HillCurve(100.0, 2.0, 3.0),
    "hill-steep": HillCurve(5.0, 0.5, 6.0),
    "exponential": ExponentialCurve(50.0, 3.0),
}
SPENDS = np.array([0.05, 0.3, 1.0, 1.9, 2.5, 4.0, 9.0])


def _spends(curve: ResponseCurve) -> np.ndarray:
    return SPENDS * 2_100_000 if curve is CPG_EXAMPLE.curves[0] else SPENDS


def _leaf_classes(cls):
    subs = cls.__subclasses__()
    return {cls} if not subs else set().union(*(_leaf_classes(s) for s in subs))


def test_every_family_is_registered():
    assert _leaf_classes(ResponseCurve) == set(FAMILIES)
    assert _leaf_classes(ResponseCurve) <= {type(c) for c in REGISTRY.values()}


def _central(f, s, h):
    return (f(s + h) - f(s - h)) / (2 * h)


@settings(max_examples=150, deadline=None)
@given(curve=ANY_CURVE, x=RELATIVE_SPEND)
def test_marginal_and_curvature_match_finite_differences(curve, x):
    s = x * FAMILIES[type(curve)][1](curve)
    h = 1e-5 * s
    for f, df in ((curve.response, curve.marginal), (curve.marginal, curve.curvature)):
        fd, exact = _central(f, s, h), float(df(s))
        rounding = 1e-13 * abs(float(f(s))) / h  # cancellation error of the difference
        assert abs(exact - fd) <= 1e-6 * abs(fd) + 2 * rounding


@settings(max_examples=150, deadline=None)
@given(curve=ANY_CURVE, x=RELATIVE_SPEND)
def test_inverse_gives_back_the_level(curve, x):
    """R'(R'^{-1}(level)) = level on the diminishing branch."""
    s = max(x * FAMILIES[type(curve)][1](curve), 1.05 * curve.inflection)
    level = float(curve.marginal(s))
    if isinstance(curve, PowerCurve) and curve.elasticity == 1.0:
        return  # a linear curve: see test_linear_power_curve_inverse
    back = curve.inverse_marginal(level)
    assert float(curve.marginal(back)) == pytest.approx(level, rel=1e-11)


@settings(max_examples=100, deadline=None)
@given(curves=st.lists(ANY_CURVE, min_size=1, max_size=7), data=st.data())
def test_bank_matches_each_curve_over_a_grid_of_levels(curves, data):
    bank = CurveBank(curves)
    scale = np.array([FAMILIES[type(c)][1](c) for c in curves])
    s = scale * np.array(data.draw(st.lists(RELATIVE_SPEND, min_size=len(curves), max_size=len(curves))))
    for got, name in zip((bank.response(s), *bank.slopes(s)), ("response", "marginal", "curvature"), strict=True):
        expect = [float(getattr(c, name)(x)) for c, x in zip(curves, s, strict=True)]
        np.testing.assert_allclose(got, expect, rtol=1e-14)
    levels = np.array([[0.3], [1.0], [7.0]])  # (levels x channels) in one call
    grid = bank.inverse_marginal(levels)
    assert grid.shape == (3, len(curves))
    for j, c in enumerate(curves):
        np.testing.assert_allclose(grid[:, j], c.inverse_marginal(levels[:, 0]), rtol=1e-14)


@pytest.mark.parametrize("name", REGISTRY)
def test_registry_derivatives_match_finite_differences(name):
    curve = REGISTRY[name]
    s = _spends(curve)
    h = 1e-5 * s
    fd = _central(curve.response, s, h)
    rounding = 1e-13 * np.abs(curve.response(s)) / h
    assert np.all(np.abs(curve.marginal(s) - fd) <= 1e-7 * np.abs(fd) + rounding)
    fd = _central(curve.marginal, s, h)
    scale = np.abs(curve.marginal(s)) / s
    np.testing.assert_allclose(curve.curvature(s), fd, rtol=1e-6, atol=1e-9 * scale.max())


@pytest.mark.parametrize("name", REGISTRY)
def test_inverse_marginal_on_diminishing_branch(name):
    curve = REGISTRY[name]
    s = _spends(curve)
    s = s[s > curve.inflection * 1.05]
    if curve.params()[-1] == 1.0 and isinstance(curve, PowerCurve):
        pytest.skip("a linear curve has a constant marginal return")
    np.testing.assert_allclose(curve.inverse_marginal(curve.marginal(s)), s, rtol=1e-9)


def test_linear_power_curve_inverse():
    curve = PowerCurve(2.0, 1.0)
    assert list(curve.inverse_marginal(np.array([1.0, 3.0]))) == [np.inf, 0.0]
    assert float(curve.curvature(0.0)) == 0.0 and float(curve.curvature(5.0)) == 0.0


def test_above_the_peak_the_inverse_is_the_inflection_point():
    s_curve, hill_k1 = HillCurve(10.0, 1.0, 4.0), HillCurve(10.0, 2.0, 1.0)
    peak = float(s_curve.marginal(s_curve.inflection))
    assert float(s_curve.inverse_marginal(peak * 1.5)) == pytest.approx(s_curve.inflection)
    assert float(hill_k1.inverse_marginal(10.0 / 2.0 * 1.01)) == 0.0  # R'(0) = V/K
    assert float(ExponentialCurve(10.0, 2.0).inverse_marginal(6.0)) == 0.0  # R'(0) = 5


def test_closed_forms():
    s = np.array([1.0, 4.0])
    np.testing.assert_allclose(PowerCurve(3.0, 0.5).response(s), [3.0, 6.0])
    np.testing.assert_allclose(PowerCurve(3.0, 0.5).marginal(s), [1.5, 0.75])
    np.testing.assert_allclose(HillCurve(10.0, 2.0, 2.0).response(np.array([2.0])), [5.0])
    np.testing.assert_allclose(ExponentialCurve(10.0, 2.0).marginal(np.array([0.0])), [5.0])
    assert float(HillCurve(8.0, 2.0, 1.0).inverse_marginal(1.0)) == pytest.approx(2.0)  # 16/(s+2)^2
    assert float(ExponentialCurve(10.0, 2.0).inverse_marginal(5.0 / np.e)) == pytest.approx(2.0)
    assert HillCurve(1.0, 1.0, 3.0).inflection == pytest.approx(0.5 ** (1 / 3))
    assert HillCurve(1.0, 1.0, 0.8).concave and not HillCurve(1.0, 1.0, 2.0).concave


def test_cpg_marginals_are_exactly_the_table():
    got = [float(c.marginal(s)) for c, s in zip(CPG_EXAMPLE.curves, CPG_EXAMPLE.spend, strict=True)]
    assert got == [0.42, 0.89, 0.61, 1.23]
    assert list(CurveBank(CPG_EXAMPLE.curves).marginal(CPG_EXAMPLE.spend)) == got
    assert [c.elasticity for c in CPG_EXAMPLE.curves] == [0.4, 0.5, 0.5, 0.3]
    assert list(CPG_EXAMPLE.spend) == [2_100_000, 800_000, 600_000, 400_000]
    # marginal = b * conversions / spend (the log-log identity of the issue)
    for c, s in zip(CPG_EXAMPLE.curves, CPG_EXAMPLE.spend, strict=True):
        assert float(c.marginal(s)) == pytest.approx(c.elasticity * float(c.response(s)) / s)
    with pytest.raises(ValueError):
        CPG_EXAMPLE.spend[0] = 1.0


@settings(max_examples=60, deadline=None)
@given(
    spend=st.floats(1e2, 1e8),
    marginal=st.floats(1e-3, 1e2),
    elasticity=st.floats(0.05, 1.0),
    k=st.floats(0.3, 5.0),
)
def test_from_marginal_round_trip(spend, marginal, elasticity, k):
    assert float(PowerCurve.from_marginal(spend, marginal, elasticity).marginal(spend)) == marginal
    hill = HillCurve.from_marginal(spend, marginal, spend * 1.3, k)
    assert float(hill.marginal(spend)) == pytest.approx(marginal, rel=1e-12)
    expo = ExponentialCurve.from_marginal(spend, marginal, spend * 0.8)
    assert float(expo.marginal(spend)) == pytest.approx(marginal, rel=1e-12)


@pytest.mark.parametrize(
    "make",
    [
        lambda: PowerCurve(0.0, 0.5),
        lambda: PowerCurve(1.0, 1.5),
        lambda: PowerCurve(1.0, 0.0),
        lambda: PowerCurve(float("nan"), 0.5),
        lambda: HillCurve(1.0, -1.0, 2.0),
        lambda: HillCurve(1.0, 1.0, 0.0),
        lambda: ExponentialCurve(1.0, float("inf")),
        lambda: PowerCurve.from_marginal(0.0, 1.0, 0.5),
        lambda: PowerCurve.from_marginal(1.0, -1.0, 0.5),
        lambda: PowerCurve(1.0, 0.5).response(-1.0),
        lambda: PowerCurve(1.0, 0.5).inverse_marginal(0.0),
        lambda: CurveBank([]),
        lambda: CurveBank(["tv"]),
    ],
)
def test_impossible_parameters_raise_value_error(make):
    with pytest.raises(ValueError):
        make()

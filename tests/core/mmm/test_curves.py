"""Response curves: analytic derivatives against finite differences, one registry for all."""

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

# Every curve family appears here; test_registry_covers_every_family enforces it.
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


def test_registry_covers_every_family():
    assert _leaf_classes(ResponseCurve) <= {type(c) for c in REGISTRY.values()}


@pytest.mark.parametrize("name", REGISTRY)
def test_marginal_matches_finite_differences(name):
    curve = REGISTRY[name]
    s = _spends(curve)
    h = 1e-5 * s
    fd = (curve.response(s + h) - curve.response(s - h)) / (2 * h)
    rounding = 1e-13 * np.abs(curve.response(s)) / h  # cancellation error of the difference
    assert np.all(np.abs(curve.marginal(s) - fd) <= 1e-7 * np.abs(fd) + rounding)


@pytest.mark.parametrize("name", REGISTRY)
def test_curvature_matches_finite_differences(name):
    curve = REGISTRY[name]
    s = _spends(curve)
    h = 1e-5 * s
    fd = (curve.marginal(s + h) - curve.marginal(s - h)) / (2 * h)
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


@pytest.mark.parametrize("name", REGISTRY)
def test_bank_matches_single_curves(name):
    curves = [REGISTRY[name], PowerCurve(1.0, 0.6), HillCurve(10.0, 1.0, 2.0)]
    bank = CurveBank(curves)
    s = np.array([_spends(curves[0])[2], 0.7, 1.3])
    for method in ("response", "marginal", "curvature"):
        expect = [float(getattr(c, method)(x)) for c, x in zip(curves, s, strict=True)]
        np.testing.assert_allclose(getattr(bank, method)(s), expect, rtol=1e-12)


def test_closed_forms():
    s = np.array([1.0, 4.0])
    np.testing.assert_allclose(PowerCurve(3.0, 0.5).response(s), [3.0, 6.0])
    np.testing.assert_allclose(PowerCurve(3.0, 0.5).marginal(s), [1.5, 0.75])
    np.testing.assert_allclose(HillCurve(10.0, 2.0, 2.0).response(np.array([2.0])), [5.0])
    np.testing.assert_allclose(ExponentialCurve(10.0, 2.0).marginal(np.array([0.0])), [5.0])
    assert HillCurve(1.0, 1.0, 3.0).inflection == pytest.approx(0.5 ** (1 / 3))
    assert HillCurve(1.0, 1.0, 0.8).concave and not HillCurve(1.0, 1.0, 2.0).concave


def test_cpg_marginals_are_exactly_the_table():
    got = [float(c.marginal(s)) for c, s in zip(CPG_EXAMPLE.curves, CPG_EXAMPLE.spend, strict=True)]
    assert got == [0.42, 0.89, 0.61, 1.23]
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

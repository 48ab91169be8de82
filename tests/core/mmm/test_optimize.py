"""Budget optimiser: KKT exactness, SLSQP comparison, global optimum on S-curves."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize

from core.mmm import (
    CPG_EXAMPLE,
    HillCurve,
    PowerCurve,
    optimize_budget,
    target_marginal_budget,
)
from core.mmm.global_search import second_order_ok
from tests.core.mmm.problems import objective, random_concave


def _slsqp(curves, total, lo, hi, x0):
    bounds = [(a, None if not np.isfinite(b) else b) for a, b in zip(lo, hi, strict=True)]
    res = minimize(
        lambda x: -objective(curves, np.maximum(x, 0)),
        x0,
        jac=lambda x: (
            -np.array([float(c.marginal(max(v, 1e-12))) for c, v in zip(curves, x, strict=True)])
        ),
        method="SLSQP",
        bounds=bounds,
        constraints=[{"type": "eq", "fun": lambda x: x.sum() - total}],
        options={"maxiter": 500, "ftol": 1e-12},
    )
    x = np.clip(res.x, lo, hi)
    return x, objective(curves, x) if abs(x.sum() - total) < 1e-6 * total else -np.inf


def _check_kkt(alloc, lo, hi, total):
    assert alloc.spend.sum() == pytest.approx(total, rel=1e-12, abs=1e-12)
    assert np.all(alloc.spend >= lo - 1e-12 * total) and np.all(alloc.spend <= hi + 1e-12 * total)
    free = ~(alloc.at_lower | alloc.at_upper)
    if free.any():
        np.testing.assert_allclose(alloc.marginal[free], alloc.level, rtol=1e-9)
        assert np.all(alloc.marginal[alloc.at_lower] <= alloc.level * (1 + 1e-9))
        assert np.all(alloc.marginal[alloc.at_upper] >= alloc.level * (1 - 1e-9))


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 8), bounded=st.booleans())
def test_concave_budget_bounds_and_equal_marginals(seed, n, bounded):
    rng = np.random.default_rng(seed)
    curves = random_concave(rng, n)
    total = float(rng.uniform(1, 100))
    lo = rng.uniform(0, total / n * 0.5, n) if bounded else np.zeros(n)
    hi = lo + rng.uniform(total / n * 0.2, total, n) if bounded else np.full(n, np.inf)
    if hi.sum() < total:
        hi = hi * (total / hi.sum()) * 1.01
    alloc = optimize_budget(curves, total, lo, hi)
    assert alloc.method == "kkt" and alloc.second_order_ok
    _check_kkt(alloc, lo, hi, total)
    np.testing.assert_allclose(alloc.response.sum(), objective(curves, alloc.spend), rtol=1e-12)


@pytest.mark.parametrize("seed", range(6))
def test_at_least_as_good_as_slsqp_from_several_starts(seed):
    rng = np.random.default_rng(100 + seed)
    n = 3 + seed
    curves = random_concave(rng, n)
    total = float(rng.uniform(10, 100))
    lo, hi = np.zeros(n), np.full(n, total * 0.6)
    ours = optimize_budget(curves, total, lo, hi).total_response
    for _ in range(4):
        x0 = rng.dirichlet(np.ones(n)) * total
        _, theirs = _slsqp(curves, total, lo, hi, np.minimum(x0, hi))
        assert ours >= theirs - 1e-9 * abs(theirs)


def test_slsqp_stalls_at_the_worst_point_of_two_identical_s_curves():
    curves = [HillCurve(100.0, 1.0, 3.0)] * 2
    total = 1.2
    x, theirs = _slsqp(curves, total, np.zeros(2), np.full(2, np.inf), np.array([0.6, 0.6]))
    np.testing.assert_allclose(x, [0.6, 0.6], atol=1e-9)  # stuck at a stationary point
    line = np.linspace(0, total, 2001)
    values = [objective(curves, [a, total - a]) for a in line]
    assert theirs == pytest.approx(min(values), rel=1e-9)  # ...the worst on the budget line
    ours = optimize_budget(curves, total)
    assert ours.method == "global" and ours.total_response >= max(values) - 1e-9


def _brute(curves, total, points):
    if len(curves) == 2:
        a = np.linspace(0, total, points)
        grid = [a, total - a]
    else:
        a, b = np.meshgrid(np.linspace(0, total, points), np.linspace(0, total, points))
        keep = a + b <= total
        grid = [a[keep], b[keep], np.maximum(total - a[keep] - b[keep], 0.0)]
    values = sum(c.response(g) for c, g in zip(curves, grid, strict=True))
    return float(values.max())


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 3))
def test_global_optimum_beats_brute_force_grid_on_s_curves(seed, n):
    rng = np.random.default_rng(seed)
    curves = [
        HillCurve(rng.uniform(20, 200), rng.uniform(0.5, 3.0), rng.uniform(1.2, 5.0))
        for _ in range(n)
    ]
    total = float(rng.uniform(0.3, 6.0))
    alloc = optimize_budget(curves, total)
    brute = _brute(curves, total, 4001 if n == 2 else 401)
    assert alloc.total_response >= brute - 1e-9 * brute
    assert alloc.spend.sum() == pytest.approx(total, rel=1e-12)
    assert np.all(alloc.spend >= 0)
    assert alloc.second_order_ok
    free = ~(alloc.at_lower | alloc.at_upper)
    if free.sum() > 1:
        np.testing.assert_allclose(alloc.marginal[free], alloc.level, rtol=1e-8)


def test_mixed_power_and_s_curve_uses_global_path():
    curves = [PowerCurve(10.0, 0.5), HillCurve(100.0, 2.0, 3.0)]
    alloc = optimize_budget(curves, 4.0)
    assert alloc.method == "global"
    assert alloc.total_response >= _brute(curves, 4.0, 40001) - 1e-9


def test_second_order_condition():
    assert second_order_ok(np.array([-1.0, -2.0]))
    assert second_order_ok(np.array([0.5, -1.0]))  # one convex channel, outweighed
    assert not second_order_ok(np.array([2.0, -1.0]))
    assert not second_order_ok(np.array([1.0, 1.0, -5.0]))


def test_linear_channel_takes_the_rest_and_bounds_bind():
    curves = [PowerCurve(1.0, 1.0), PowerCurve(10.0, 0.5)]
    alloc = optimize_budget(curves, 100.0, upper=[30.0, np.inf])
    # sqrt channel: marginal 5/sqrt(s) = 1 -> s = 25; linear channel capped at 30
    np.testing.assert_allclose(alloc.spend, [30.0, 70.0])
    assert alloc.binding == ("upper", "")
    alloc = optimize_budget(curves, 20.0)
    np.testing.assert_allclose(alloc.spend, [0.0, 20.0])
    assert alloc.binding[0] == "lower"


def test_closed_form_two_power_curves():
    # a1 b s1^(b-1) = a2 b s2^(b-1) with equal b: s_i proportional to a_i^(1/(1-b))
    curves = [PowerCurve(1.0, 0.5), PowerCurve(2.0, 0.5)]
    alloc = optimize_budget(curves, 10.0)
    np.testing.assert_allclose(alloc.spend, [2.0, 8.0], rtol=1e-12)
    assert alloc.level == pytest.approx(0.5 / np.sqrt(2.0), rel=1e-12)


def test_cpg_full_optimum_equalises_marginals():
    ex = CPG_EXAMPLE
    alloc = optimize_budget(ex.curves, ex.spend.sum())
    np.testing.assert_allclose(alloc.marginal, alloc.level, rtol=1e-12)
    assert alloc.spend[0] < ex.spend[0] and alloc.spend[3] > ex.spend[3]


@pytest.mark.parametrize(
    ("lower", "upper", "words"),
    [
        ([2e6, 2e6, 0, 0], None, "minimum spends add up"),
        (None, [1e6, 1e6, 1e5, 1e5], "maximum spends add up"),
        ([3e5, 0, 0, 0], [2e5, 1e7, 1e7, 1e7], "above its maximum"),
    ],
)
def test_infeasible_bounds_say_which(lower, upper, words):
    with pytest.raises(ValueError, match=words):
        optimize_budget(CPG_EXAMPLE.curves, 3.9e6, lower, upper)


def test_bad_budget_raises():
    with pytest.raises(ValueError):
        optimize_budget(CPG_EXAMPLE.curves, float("nan"))
    with pytest.raises(ValueError):
        optimize_budget(CPG_EXAMPLE.curves, -1.0)


def test_target_marginal_budget():
    ex = CPG_EXAMPLE
    result = target_marginal_budget(ex.curves, 0.5)
    np.testing.assert_allclose(result.marginal, 0.5, rtol=1e-12)
    assert result.total == pytest.approx(result.spend.sum())
    # at that total, the optimiser gives the same split
    alloc = optimize_budget(ex.curves, result.total)
    np.testing.assert_allclose(alloc.spend, result.spend, rtol=1e-9)


def test_target_marginal_budget_s_curve_compares_with_zero():
    curve = HillCurve(10.0, 1.0, 4.0)
    high = target_marginal_budget([curve], 6.0)  # above the peak marginal: spend nothing
    assert high.spend[0] == 0.0
    s = np.linspace(0, 5, 50001)
    for target in (0.5, 2.0, 4.0):
        best = s[np.argmax(curve.response(s) - target * s)]
        got = target_marginal_budget([curve], target).spend[0]
        assert (
            float(curve.response(got)) - target * got
            >= float(curve.response(best)) - target * best - 1e-9
        )
    with pytest.raises(ValueError, match="maximum spend"):
        target_marginal_budget([PowerCurve(2.0, 1.0)], 1.0)

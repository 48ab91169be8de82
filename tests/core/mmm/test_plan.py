"""Greedy reallocation plan: the worked example exactly, monotone gains, exact bookkeeping."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.mmm import CPG_EXAMPLE, ExponentialCurve, PowerCurve, optimize_budget, reallocation_plan
from tests.core.mmm.problems import objective


def test_cpg_plan_is_exactly_the_agency_recommendation():
    ex = CPG_EXAMPLE
    plan = reallocation_plan(ex.curves, ex.spend, step=100_000, max_moved=500_000)
    assert list(plan.shift) == [-500_000, 200_000, 0, 300_000]
    assert [(m.source, m.target) for m in plan.moves] == [(0, 3)] * 3 + [(0, 1)] * 2
    assert plan.moved == 500_000
    assert plan.gain == pytest.approx(objective(ex.curves, plan.spend) - objective(ex.curves, ex.spend))


def test_cpg_plan_first_order_estimate_overstates_the_gain():
    ex = CPG_EXAMPLE
    plan = reallocation_plan(ex.curves, ex.spend, step=100_000, max_moved=500_000)
    linear = float(np.dot(ex.marginal, plan.shift))  # 0.89*200K + 1.23*300K - 0.42*500K
    assert linear == pytest.approx(337_000)
    assert 0 < plan.gain < linear


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 6))
def test_plan_gains_are_monotonic_and_exact(seed, n):
    rng = np.random.default_rng(seed)
    curves = [
        PowerCurve(rng.uniform(1, 50), rng.uniform(0.1, 0.9))
        if rng.random() < 0.6
        else ExponentialCurve(rng.uniform(50, 500), rng.uniform(2, 20))
        for _ in range(n)
    ]
    spend = rng.uniform(1, 20, n).round()
    plan = reallocation_plan(curves, spend, step=1.0)
    nets = [m.net for m in plan.moves]
    assert all(x > 0 for x in nets)
    assert all(a >= b - 1e-9 * abs(a) for a, b in zip(nets, nets[1:], strict=False))  # diminishing
    assert plan.spend.sum() == pytest.approx(spend.sum())
    assert np.all(plan.spend >= 0)
    cumulative = np.cumsum(nets)
    assert np.all(np.diff(cumulative) > 0)
    assert plan.gain == pytest.approx(
        objective(curves, plan.spend) - objective(curves, spend), rel=1e-9, abs=1e-9
    )
    # the finished plan is within one increment of the continuous optimum
    best = optimize_budget(curves, spend.sum())
    assert plan.gain <= best.total_response - objective(curves, spend) + 1e-9


def test_max_moved_and_bounds_are_respected():
    ex = CPG_EXAMPLE
    plan = reallocation_plan(ex.curves, ex.spend, step=100_000, max_moved=250_000)
    assert plan.moved == 200_000
    upper = [np.inf, np.inf, np.inf, 500_000]
    plan = reallocation_plan(ex.curves, ex.spend, step=100_000, upper=upper)
    assert plan.spend[3] <= 500_000
    lower = [2_000_000, 0, 0, 0]
    plan = reallocation_plan(ex.curves, ex.spend, step=100_000, lower=lower)
    assert plan.spend[0] >= 2_000_000


@pytest.mark.parametrize(
    ("spend", "step"),
    [([1.0, -1.0], 1.0), ([1.0, float("nan")], 1.0), ([1.0, 1.0], 0.0), ([1.0], 1.0)],
)
def test_bad_plan_inputs(spend, step):
    with pytest.raises(ValueError):
        reallocation_plan([PowerCurve(1.0, 0.5)] * 2, spend, step=step)

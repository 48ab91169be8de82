"""A plan scored over draws of curves: against a plain loop and against the fit's own API."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.mmm import CurveDraws, ExponentialCurve, HillCurve, PowerCurve, optimize_budget
from core.mmm.bank import CurveBank
from core.mmm.fit import (
    fit_media_mix,
    guess_roles,
    plan_uncertainty,
    read_weekly_csv,
    response_curves,
)
from core.mmm.fit.handoff import power_coefficients
from core.mmm.fit.uncertainty import curve_draws, draw_bank


def _random_draws(rng, count=50):
    """Mixed curve families, so every family's vectorised path is exercised."""
    return [
        (PowerCurve(rng.uniform(5, 20), rng.uniform(0.2, 0.9)),
         HillCurve(rng.uniform(1e4, 5e4), rng.uniform(2e5, 8e5), rng.uniform(0.8, 2.5)),
         ExponentialCurve(rng.uniform(1e4, 5e4), rng.uniform(1e5, 5e5)))
        for _ in range(count)
    ]


def test_gains_match_a_plain_loop_over_draws():
    rng = np.random.default_rng(7)
    draws = _random_draws(rng)
    before, after = np.array([4e5, 3e5, 2e5]), np.array([3e5, 4.5e5, 1.5e5])
    expected = [sum(c.response(a) - c.response(b) for c, a, b in zip(d, after, before,
                                                                      strict=True))
                for d in draws]
    np.testing.assert_allclose(CurveDraws(draws).gains(before, after), expected, rtol=1e-12)


def test_spread_is_the_central_interval_and_the_share_that_gains():
    rng = np.random.default_rng(8)
    draws = _random_draws(rng, 400)
    before, after = np.array([4e5, 3e5, 2e5]), np.array([2e5, 6e5, 1e5])
    spread = CurveDraws(draws).spread(before, after, level=0.8)
    samples = spread.samples
    assert spread.interval == pytest.approx(tuple(np.quantile(samples, [0.1, 0.9])))
    assert spread.probability_gain == pytest.approx(np.mean(samples > 0))
    assert 0 < spread.probability_gain < 1  # this move gains in some draws, loses in others
    assert spread.mean == pytest.approx(samples.mean()) and spread.draws == 400


def test_bad_input_is_refused_with_a_message():
    draws = CurveDraws(_random_draws(np.random.default_rng(9), 3))
    with pytest.raises(ValueError, match="one finite, non-negative spend per channel"):
        draws.gains([1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="one curve per channel"):
        CurveDraws([(PowerCurve(1, 0.5),), (PowerCurve(1, 0.5), PowerCurve(1, 0.5))])
    with pytest.raises(ValueError, match="level"):
        draws.spread([1, 1, 1], [1, 1, 1], level=1.0)


@pytest.fixture(scope="module")
def handoff():
    frame = read_weekly_csv(Path(__file__).resolve().parents[3] / "data" / "sample_weekly.csv")
    roles = guess_roles(frame)
    fit = fit_media_mix(frame, roles["target"], roles["channels"], roles["date"],
                        roles["controls"])
    return response_curves(fit)


def test_cached_draws_score_a_plan_exactly_as_the_fits_plan_uncertainty(handoff):
    """The page draws once and scores every plan against the same draws: same numbers."""
    before = np.array(handoff.spend)
    after = optimize_budget(handoff.curves, float(before.sum())).spend
    reference = plan_uncertainty(handoff, before, after, rng=np.random.default_rng(3),
                                 draws=300)
    cached = CurveDraws(curve_draws(handoff, 300, np.random.default_rng(3)))
    spread = cached.spread(before, after, level=reference.level)
    np.testing.assert_allclose(spread.samples, reference.samples, rtol=1e-10)
    assert spread.interval == pytest.approx(reference.interval, rel=1e-10)
    assert spread.probability_gain == reference.probability_gain


@pytest.mark.parametrize("bounded", [False, True])
def test_who_gives_matches_one_optimisation_per_draw(handoff, bounded):
    """The level test (no optimisation) against the optimiser run on every draw's curves."""
    rng = np.random.default_rng(11)
    draws = curve_draws(handoff, 300, rng)
    before = np.array(handoff.spend)
    total = float(before.sum())
    lower = 0.5 * before if bounded else None
    upper = 1.6 * before if bounded else None
    expected = np.mean([optimize_budget(d, total, lower, upper).spend < before * (1 - 1e-9)
                        for d in draws], axis=0)
    shares = CurveDraws(draws).gives(before, total, lower, upper)
    np.testing.assert_allclose(shares, expected, atol=1e-12)
    assert shares.max() > 0 and shares.min() < 1  # some channels give in some draws


def test_a_bank_from_coefficients_is_the_bank_of_the_curves():
    rng = np.random.default_rng(11)
    curves = [PowerCurve.from_marginal(s, m, b) for s, m, b in
              zip(rng.uniform(1e3, 1e5, 40), rng.uniform(0.1, 3, 40), rng.uniform(0.1, 1, 40),
                  strict=True)]
    columns = np.array([c.coefficients() for c in curves]).T
    fast, slow = CurveBank.from_coefficients(PowerCurve, columns), CurveBank(curves)
    spend = rng.uniform(1, 2e5, (5, 40))
    for name in ("response", "marginal", "curvature"):
        np.testing.assert_array_equal(getattr(fast, name)(spend), getattr(slow, name)(spend))
    np.testing.assert_array_equal(fast.inverse_marginal(np.full(40, 0.5)),
                                  slow.inverse_marginal(np.full(40, 0.5)))
    assert fast.curves == slow.curves and fast.concave  # built on first read, equal curves
    with pytest.raises(ValueError):
        CurveBank.from_coefficients(PowerCurve, [columns[0], columns[1][:3]])


def test_the_draw_bank_is_the_drawn_curves_without_the_objects(handoff):
    fast = draw_bank(handoff, 300, np.random.default_rng(8))
    slow = CurveDraws(curve_draws(handoff, 300, np.random.default_rng(8)))
    before = np.asarray(handoff.spend)
    after = before * np.linspace(0.7, 1.3, len(before))
    np.testing.assert_array_equal(fast.gains(before, after), slow.gains(before, after))
    np.testing.assert_array_equal(fast.gives(before, after.sum()), slow.gives(before, after.sum()))
    assert (fast.count, fast.channels) == (slow.count, slow.channels) == (300, len(before))


def test_power_coefficients_clip_like_the_curves_and_refuse_bad_numbers():
    a, b, s0, m0 = power_coefficients([100.0, 200.0], [0.0, 2.0], [1.7, -0.3])
    assert b.tolist() == [1.0, 0.01] and m0[0] == 1e-9  # elasticity in [0.01, 1], m > 0
    curve = PowerCurve.from_marginal(200.0, 2.0, 0.01)
    assert (a[1], b[1], s0[1], m0[1]) == curve.coefficients()
    for bad in (([0.0], [1.0], [0.5]), ([1.0], [np.inf], [0.5]), ([1.0], [1.0], [np.nan])):
        with pytest.raises(ValueError):
            power_coefficients(*bad)

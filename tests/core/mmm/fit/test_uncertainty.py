"""The plan's uncertainty against a brute-force Monte Carlo of the fitted model."""

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from core.mmm import PowerCurve, optimize_budget
from core.mmm.fit import (
    CurveHandoff,
    fit_media_mix,
    guess_roles,
    plan_uncertainty,
    read_weekly_csv,
    response_curves,
)
from core.mmm.fit.uncertainty import parameter_draws

ROOT = Path(__file__).resolve().parents[4]
SAMPLE = ROOT / "data" / "sample_weekly.csv"


@pytest.fixture(scope="module")
def fitted():
    frame = read_weekly_csv(SAMPLE)
    roles = guess_roles(frame)
    fit = fit_media_mix(frame, roles["target"], roles["channels"], roles["date"],
                        roles["controls"])
    handoff = response_curves(fit, window=13, period_weeks=13)
    before = np.array(handoff.spend)
    after = optimize_budget(handoff.curves, before.sum()).spend
    return fit, handoff, before, after


def _weekly_conversions(fit, coef, theta, start, weekly_spend):
    """Independent path: the fitted model run for 400 weeks at constant spend, one loop."""
    model, q = fit.model, fit.model.fixed.shape[1]
    level = model.spend.mean(axis=0)
    out = coef[0]
    names = model.fixed_names
    other = [k for k in range(1, q) if not names[k].startswith(("sin", "cos"))]
    out += np.mean(model.fixed[-13:, other] @ coef[other])
    for j in range(len(fit.channels)):
        carry = start[j] * level[j] / (1 - theta[j])  # carried into week 1
        total = 0.0
        for x in model.spend[:, j]:
            carry = x + theta[j] * carry
            total += carry
        offset = 0.1 * total / model.spend.shape[0]
        steady = 0.0
        for _ in range(400):
            steady = weekly_spend[j] + theta[j] * steady
        out += coef[q + j] * np.log(steady + offset)
    return fit.smearing * np.exp(out)


def _brute_force_curves(fit, handoff, coef, theta, start):
    weekly = np.array(handoff.spend) / handoff.period_weeks
    y0 = _weekly_conversions(fit, coef, theta, start, weekly)
    curves = []
    for j, s in enumerate(handoff.spend):
        step = np.zeros_like(weekly)
        step[j] = 1e-4 * weekly[j]
        up = _weekly_conversions(fit, coef, theta, start, weekly + step)
        down = _weekly_conversions(fit, coef, theta, start, weekly - step)
        marginal = (up - down) / (2 * step[j])
        elasticity = marginal * weekly[j] / y0
        curves.append(PowerCurve.from_marginal(s, max(marginal, 1e-9),
                                               min(max(elasticity, 0.01), 1.0)))
    return curves


def test_every_draw_matches_a_brute_force_simulation_of_the_model(fitted):
    fit, handoff, before, after = fitted
    result = plan_uncertainty(handoff, before, after, rng=np.random.default_rng(5), draws=40)
    coef, theta, start = parameter_draws(handoff.uncertainty, 40, np.random.default_rng(5))
    brute_gain, brute_gives = [], np.zeros(len(before))
    for d in range(40):
        curves = _brute_force_curves(fit, handoff, coef[d], theta[d], start[d])
        brute_gain.append(sum(float(c.response(a) - c.response(b))
                              for c, a, b in zip(curves, after, before, strict=True)))
        brute_gives += optimize_budget(curves, after.sum()).spend < before * (1 - 1e-9)
    np.testing.assert_allclose(result.samples, brute_gain, rtol=1e-5)
    np.testing.assert_allclose(result.gives, brute_gives / 40, atol=1 / 40 + 1e-12)


def test_interval_and_chance_match_an_independent_monte_carlo(fitted):
    """numpy's own multivariate normal, 400 draws, the brute-force model: same summary."""
    fit, handoff, before, after = fitted
    dist = handoff.uncertainty
    rng = np.random.default_rng(11)
    sample = rng.multivariate_normal(dist.mean, dist.cov, size=400, method="eigh")
    q, n_ch = dist.n_fixed, len(before)
    p = q + n_ch
    gains = []
    for row in sample:
        theta = np.clip(row[p : p + n_ch], 0, 0.9)
        curves = _brute_force_curves(fit, handoff, row[:p], theta, np.clip(row[p + n_ch :], 0, None))
        gains.append(sum(float(c.response(a) - c.response(b))
                         for c, a, b in zip(curves, after, before, strict=True)))
    gains = np.array(gains)
    ours = plan_uncertainty(handoff, before, after, rng=np.random.default_rng(3), draws=2000)
    spread = gains.std()
    assert ours.mean == pytest.approx(gains.mean(), abs=0.15 * spread)
    assert ours.interval[0] == pytest.approx(np.quantile(gains, 0.05), abs=0.25 * spread)
    assert ours.interval[1] == pytest.approx(np.quantile(gains, 0.95), abs=0.25 * spread)
    assert ours.probability_gain == pytest.approx(np.mean(gains > 0), abs=0.05)
    assert ours.interval[0] < ours.point < ours.interval[1]


def test_the_summary_is_consistent(fitted):
    _, handoff, before, after = fitted
    result = plan_uncertainty(handoff, before, after, rng=np.random.default_rng(0), draws=500)
    assert result.draws == 500 and result.samples.shape == (500,)
    assert result.point == pytest.approx(sum(
        float(c.response(a) - c.response(b))
        for c, a, b in zip(handoff.curves, after, before, strict=True)))
    assert result.probability_gain == pytest.approx(np.mean(result.samples > 0))
    assert result.interval == pytest.approx(tuple(np.quantile(result.samples, [0.05, 0.95])))
    moved = np.sign(after - before)
    for share, direction in zip(result.gives, moved, strict=True):
        if direction < 0:
            assert share > 0.5  # the optimum takes money from it in most draws
        elif direction > 0:
            assert share < 0.5
    same = plan_uncertainty(handoff, before, before, rng=np.random.default_rng(0), draws=50)
    assert same.point == 0 and same.probability_gain == 0 and same.interval == (0.0, 0.0)


def test_renamed_curves_keep_their_distribution(fitted):
    _, handoff, before, after = fitted
    named = handoff.described(tuple(n.upper() for n in handoff.names), "sample")
    a = plan_uncertainty(named, before, after, rng=np.random.default_rng(2), draws=100)
    b = plan_uncertainty(handoff, before, after, rng=np.random.default_rng(2), draws=100)
    np.testing.assert_array_equal(a.samples, b.samples)
    assert a.names == tuple(n.upper() for n in handoff.names)


def test_bad_inputs_get_clear_messages(fitted):
    _, handoff, before, after = fitted
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="one spend per channel"):
        plan_uncertainty(handoff, before[:2], after, rng=rng)
    with pytest.raises(ValueError, match="not negative"):
        plan_uncertainty(handoff, before, -after, rng=rng)
    with pytest.raises(ValueError, match="level"):
        plan_uncertainty(handoff, before, after, rng=rng, level=1.5)
    bare = CurveHandoff(handoff.names, handoff.spend, handoff.marginal, handoff.marginal_ci,
                        handoff.elasticity, handoff.contribution, handoff.curves,
                        handoff.period_weeks, handoff.window, handoff.notes)
    with pytest.raises(ValueError, match="no sampling distribution"):
        plan_uncertainty(bare, before, after, rng=rng)
    assert replace(handoff, source="x") == replace(handoff, source="x")  # still comparable

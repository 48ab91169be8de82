"""Carry-over running before the data, Newey-West intervals, and the calibration in small."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench import calibration
from core.mmm.fit import fit_media_mix
from core.mmm.fit.adstock import geometric_adstock, initial_stock, log_adstock
from core.mmm.fit.covariance import lag_one_correlation, newey_west_covariance, newey_west_lags
from core.mmm.fit.estimation import COARSE, fine_window
from core.mmm.fit.model import START_GRID


@settings(max_examples=40, deadline=None)
@given(
    x=st.lists(st.floats(0, 1e5), min_size=1, max_size=25),
    theta=st.floats(0, 0.95),
    start=st.floats(0, 1e6),
)
def test_adstock_with_a_start_is_the_discounted_sum_plus_the_fading_start(x, theta, start):
    x = np.array(x)
    t = np.arange(x.size)
    lags = t[:, None] - t[None, :]
    weights = np.where(lags >= 0, theta ** np.maximum(lags, 0), 0.0)
    expected = weights @ x + theta ** (t + 1) * start
    got = geometric_adstock(x, theta, start)
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-6)


def test_steady_start_continues_a_constant_flow():
    """kappa = 1 is the carry-over of a channel that always spent at its level."""
    theta, level = 0.7, 50.0
    history = geometric_adstock(np.full(300, level), theta)  # 300 weeks of constant spend
    start = initial_stock(level, theta, 1.0)
    assert start == pytest.approx(history[-1])
    nxt = geometric_adstock(np.full(5, level), theta, start)
    np.testing.assert_allclose(nxt, level / (1 - theta))


def _history_with_start(kappa, thetas, b, seed, noise=0.0, n=130):
    rng = np.random.default_rng(seed)
    spend = rng.lognormal(0, 0.5, size=(n, len(b))) * np.array([1000.0, 400.0, 250.0][: len(b)])
    level = spend.mean(axis=0)
    initial = initial_stock(level, np.array(thetas), np.array(kappa))
    z = log_adstock(spend, np.array(thetas), initial=initial)
    log_y = 3.0 + z @ np.array(b) + noise * rng.standard_normal(n)
    names = ["a", "b", "c"][: len(b)]
    return pd.DataFrame({"y": np.exp(log_y), **dict(zip(names, spend.T, strict=True))}), names


@pytest.mark.parametrize("kappa", [(1.5, 0.0), (0.5, 2.0), (3.0, 1.0)])
def test_a_known_start_is_recovered_exactly_without_noise(kappa):
    thetas, b = (0.6, 0.45), (0.3, 0.2)
    frame, names = _history_with_start(kappa, thetas, b, seed=3)
    fit = fit_media_mix(frame, "y", names, seasonality=0, holdout_weeks=0)
    for j, name in enumerate(names):
        assert fit.decay[name] == pytest.approx(thetas[j], abs=1e-9)
        assert fit.start[name] == pytest.approx(kappa[j], abs=1e-9)
        assert fit.elasticity[name] == pytest.approx(b[j] / 1.1, rel=1e-6)
    expected = initial_stock(frame[names].mean().to_numpy(), np.array(thetas), np.array(kappa))
    np.testing.assert_allclose(fit.early.carried_in, expected, rtol=1e-9)
    assert set(kappa) <= set(START_GRID)


def test_with_noise_the_start_and_carry_over_are_inside_their_intervals():
    kappa, thetas, b = (2.0, 1.0, 0.0), (0.7, 0.5, 0.3), (0.25, 0.15, 0.1)
    frame, names = _history_with_start(kappa, thetas, b, seed=8, noise=0.03, n=156)
    fit = fit_media_mix(frame, "y", names, seasonality=0, holdout_weeks=0)
    for j, name in enumerate(names):
        low, high = fit.decay_ci[name]
        assert low <= thetas[j] <= high, name
        low, high = fit.ci[name]
        assert low <= b[j] / 1.1 <= high, name
    assert fit.early.share_from_before[0] > 0.3  # a strong start dominates the first weeks
    zero = fit_media_mix(frame, "y", names, seasonality=0, holdout_weeks=0, start="zero")
    assert zero.early.error_share > 3 * zero.early.expected_share  # what a zero start does
    assert fit.early.error_share < 2 * fit.early.expected_share
    assert fit.early.error_share_zero_start > fit.early.error_share


def test_fit_options_are_checked():
    frame, names = _history_with_start((1.0, 1.0), (0.5, 0.2), (0.2, 0.1), seed=1)
    with pytest.raises(ValueError, match="start must be"):
        fit_media_mix(frame, "y", names, start="yesterday")
    with pytest.raises(ValueError, match="covariance must be"):
        fit_media_mix(frame, "y", names, covariance="robust")


# --- Newey-West ---------------------------------------------------------------------------


def _ar1(rng, n, rho):
    e = np.empty(n)
    e[0] = rng.standard_normal()
    for t in range(1, n):
        e[t] = rho * e[t - 1] + np.sqrt(1 - rho**2) * rng.standard_normal()
    return e


@pytest.mark.parametrize(("seed", "rho", "lags"), [(0, 0.5, 4), (1, 0.8, 6), (2, -0.3, 2), (3, 0.0, 0)])
def test_newey_west_matches_statsmodels_on_ar1_errors(seed, rho, lags):
    sm = pytest.importorskip("statsmodels.api")
    rng = np.random.default_rng(seed)
    n = 140
    x = np.column_stack([np.ones(n), rng.normal(size=n), np.cumsum(rng.normal(size=n)) / 10])
    y = x @ np.array([1.0, 0.5, -0.2]) + 0.1 * _ar1(rng, n, rho)
    coef = np.linalg.lstsq(x, y, rcond=None)[0]
    ours = newey_west_covariance(x, y - x @ coef, lags)
    ref = sm.OLS(y, x).fit(cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": True})
    np.testing.assert_allclose(ours, ref.cov_params(), rtol=1e-10)


def test_the_fit_uses_newey_west_when_residuals_are_correlated_and_says_so():
    sm = pytest.importorskip("statsmodels.api")
    rng = np.random.default_rng(4)
    n = 156
    spend = rng.lognormal(0, 0.5, size=(n, 2)) * 1000
    z = np.log(spend + 0.1 * spend.mean(axis=0))
    frame = pd.DataFrame({"y": np.exp(4 + z @ [0.2, 0.1] + 0.05 * _ar1(rng, n, 0.7)),
                          "tv": spend[:, 0], "search": spend[:, 1]})
    fit = fit_media_mix(frame, "y", ["tv", "search"], adstock=False, seasonality=0,
                        holdout_weeks=0)
    assert lag_one_correlation(fit.residuals.to_numpy()) > 0.25
    assert fit.covariance == f"Newey-West ({newey_west_lags(n)} lags)"
    design = np.column_stack([np.ones(n), z])
    ref = sm.OLS(np.log(frame["y"].to_numpy()), design).fit(
        cov_type="HAC", cov_kwds={"maxlags": newey_west_lags(n), "use_correction": True})
    se = np.sqrt(np.diag(fit.arrays.cov))[1:3]
    np.testing.assert_allclose(se, ref.bse[1:], rtol=1e-9)
    white = fit_media_mix(frame.assign(y=np.exp(4 + z @ [0.2, 0.1] + 0.05 * rng.normal(size=n))),
                          "y", ["tv", "search"], adstock=False, seasonality=0, holdout_weeks=0)
    assert white.covariance == "classical"


@pytest.mark.parametrize("coarse", [0.0, 0.05, 0.45, 0.85, 0.9])
def test_the_fine_search_window_surrounds_the_coarse_optimum(coarse):
    decays = np.round(np.arange(0, 0.9001, 0.01), 2)
    theta = np.array([coarse, 0.3])
    rates, row = fine_window(decays, theta)
    assert rates.shape == (4 * COARSE + 1, 2)
    for j in range(2):
        start = int(np.searchsorted(decays, rates[0, j]))
        np.testing.assert_array_equal(rates[:, j], decays[start : start + rates.shape[0]])
        assert rates[row[j], j] == pytest.approx(theta[j])
        lo, hi = rates[0, j], rates[-1, j]
        assert lo == pytest.approx(max(0.0, min(theta[j] - 0.1, 0.7)))
        assert hi == pytest.approx(min(0.9, max(theta[j] + 0.1, 0.2)))


# --- calibration in small -----------------------------------------------------------------


def test_intervals_cover_the_truth_on_agency_like_histories():
    """A small, fast version of bench/calibration.py: 95 % intervals, coverage at least 0.88."""
    items = calibration.histories(30, seed=calibration.SEED + 2)
    result = calibration.summary(calibration.study(items))
    assert result["failures"] == 0
    assert result["coverage_elasticity"] >= 0.88, result
    assert result["coverage_decay"] >= 0.88, result
    running = result["groups"]["start: running before week 1"]
    assert running["elasticity"] >= 0.85, running

"""Figures of the "Your media data" page: data in the traces equals the inputs, theme colours."""

import numpy as np
import plotly.graph_objects as go
import pytest

from core.mmm.fit.adstock import geometric_adstock, initial_stock
from figures import media_data as figs
from figures.theme import COLORS, SEQUENCE

DATES = np.arange("2024-01-01", "2024-03-25", 7, dtype="datetime64[D]")
PALETTE = set(COLORS.values()) | set(SEQUENCE)


def _colors(fig):
    out = []
    for trace in fig.data:
        for attr in ("marker", "line"):
            color = getattr(getattr(trace, attr, None), "color", None)
            if isinstance(color, str):
                out.append(color)
            elif color is not None:
                out.extend(color)
        err = getattr(trace, "error_x", None)
        if err is not None and err.color:
            out.append(err.color)
    return out


def test_pretty_labels():
    assert figs.pretty("paid_search") == "Paid search"
    assert figs.pretty("tv") == "TV" and figs.pretty("ctv_ads") == "CTV ads"
    assert figs.pretty("<b>x</b>") == "&lt;b&gt;x&lt;/b&gt;"  # Plotly renders some HTML


def test_actual_vs_fitted_carries_the_series_and_holdout():
    actual, fitted = np.linspace(100, 200, 12), np.linspace(105, 195, 12)
    fig = figs.actual_vs_fitted(DATES, actual, fitted, holdout_weeks=3)
    np.testing.assert_allclose(fig.data[0].y, actual, rtol=1e-6)  # sent as 4-byte floats
    np.testing.assert_allclose(fig.data[1].y, fitted, rtol=1e-6)
    assert (fig.data[0].x0, fig.data[0].dx) == ("2024-01-01", 7 * 86_400_000)
    assert fig.layout.xaxis.type == "date"
    (rect,) = fig.layout.shapes
    assert np.datetime64(rect.x0) == DATES[-3]
    assert set(_colors(fig)) <= PALETTE


def test_residuals_in_percent_and_flagged_outside_two_sigma():
    res = np.array([0.01, -0.02, 0.09, 0.0] * 3)
    fig = figs.residuals_figure(DATES, res, sigma=0.03)
    np.testing.assert_allclose(fig.data[0].y, 100 * res, rtol=1e-6)
    colors = list(fig.data[0].marker.color)
    assert colors[2] == COLORS["vermillion"] and colors[0] == COLORS["blue"]


def test_decomposition_stacks_to_the_total():
    rng = np.random.default_rng(0)
    parts = {"base": np.full(12, 50.0), "seasonality": rng.normal(0, 5, 12),
             "trend & controls": np.zeros(12), "tv": rng.random(12) * 20,
             "search": rng.random(12) * 10}
    fig = figs.decomposition_figure(DATES, parts, ["tv", "search"])
    assert fig.layout.barmode == "relative"
    names = [t.name for t in fig.data]
    assert names == ["Base", "Seasonality", "TV", "Search"]  # all-zero part left out
    total = sum(np.asarray(t.y, float) for t in fig.data)
    np.testing.assert_allclose(total, sum(parts.values()), rtol=1e-6)
    assert fig.data[2].marker.color == figs.channel_color(0)


def test_elasticity_error_bars_are_the_intervals():
    est, ci = [0.2, 0.05], [(0.15, 0.3), (-0.01, 0.08)]
    fig = figs.elasticity_figure(["tv", "radio"], est, ci, truth=[0.18, 0.03])
    bars = [t for t in fig.data if t.name != "True value"]
    for trace, e, (lo, hi) in zip(bars, est, ci, strict=True):
        assert trace.x[0] == pytest.approx(e)
        assert trace.x[0] + trace.error_x.array[0] == pytest.approx(hi)
        assert trace.x[0] - trace.error_x.arrayminus[0] == pytest.approx(lo)
    assert list(fig.data[-1].x) == [0.18, 0.03]
    assert set(_colors(fig)) <= PALETTE


def test_carryover_curves_are_powers_of_theta():
    fig = figs.carryover_figure(["tv", "search"], [0.7, 0.0], weeks=6)
    np.testing.assert_allclose(fig.data[0].y, 100 * 0.7 ** np.arange(7))
    np.testing.assert_allclose(fig.data[1].y, [100, 0, 0, 0, 0, 0, 0])
    assert "θ = 0.70" in fig.data[0].name


def test_marginal_bars_per_thousand_dollars():
    fig = figs.marginal_figure(["tv", "search"], [0.05, 0.08], [(0.04, 0.06), (np.nan, np.nan)])
    np.testing.assert_allclose(fig.data[0].x, [50, 80])
    assert fig.data[0].error_x.array[0] == pytest.approx(10)
    assert np.all(np.isfinite(fig.data[0].error_x.array))  # unknown interval drawn as none
    assert isinstance(figs.empty_figure("nothing"), go.Figure)


def test_holdout_forecast_is_drawn_over_the_unseen_weeks():
    actual = np.linspace(100, 200, 12)
    fig = figs.actual_vs_fitted(DATES, actual, actual, holdout_weeks=3, forecast=[1.0, 2.0, 3.0])
    forecast = fig.data[2]
    np.testing.assert_array_equal(forecast.y, [1.0, 2.0, 3.0])
    assert np.datetime64(forecast.x0) == DATES[-3]


def test_elasticity_figure_skips_unknown_true_values():
    from figures.media_data import elasticity_figure

    fig = elasticity_figure(["tv", "ctrl_promo"], [0.3, 0.1], [[0.2, 0.4], [0.0, 0.2]],
                            truth=[0.31, float("nan")])
    diamonds = fig.data[-1]
    assert list(diamonds.x) == [0.31] and len(diamonds.y) == 1


def test_weeks_are_sent_as_a_start_and_a_step_unless_uneven():
    assert figs.week_x(np.arange(10)) == {"x0": 0.0, "dx": 1.0}
    uneven = DATES[[0, 1, 3]]
    np.testing.assert_array_equal(figs.week_x(uneven)["x"], uneven)
    assert figs.week_x(DATES, 5)["x0"] == str(DATES[5])
    assert figs.light([1.0, 2.0]).dtype == np.float32


def test_carryover_motion_frames_are_the_adstock_of_each_rate():
    rng = np.random.default_rng(1)
    spend = np.where(rng.random(12) > 0.4, rng.uniform(100, 200, 12), 0.0)
    decays = np.array([0.0, 0.3, 0.55, 0.9])
    initial = initial_stock(150.0, decays, 1.2)
    stocks = geometric_adstock(spend[:, None], decays, initial).T
    carried = decays[:, None] ** np.arange(1, 13)[None, :] * initial[:, None]
    fig = figs.carryover_motion(DATES, spend, decays, stocks, carried, active=2, name="tv")
    assert len(fig.frames) == 4 and fig.layout.sliders[0].active == 2
    for theta, start, f in zip(decays, initial, fig.frames, strict=True):
        expected = [sum(theta ** (t - k) * spend[k] for k in range(t + 1))
                    + theta ** (t + 1) * start for t in range(12)]  # the definition, by hand
        np.testing.assert_allclose(f.data[0].y, expected, rtol=1e-6)
        np.testing.assert_allclose(f.data[1].y, theta ** np.arange(1, 13) * start, rtol=1e-6,
                                   atol=1e-9)
        assert list(f.traces) == [1, 2]
    np.testing.assert_allclose(fig.data[1].y, stocks[2], rtol=1e-6)  # the figure shows frame 2
    np.testing.assert_allclose(fig.data[0].y, spend, rtol=1e-6)
    assert fig.layout.sliders[0].steps[1].label.startswith("0.30: 30 %")
    assert fig.layout.yaxis.range[1] >= stocks.max()


def test_plan_draws_histogram_sums_to_all_draws():
    samples = np.random.default_rng(0).normal(1000, 200, 2000)
    fig = figs.plan_draws_figure(samples, 1010.0, (700.0, 1330.0))
    assert float(np.sum(fig.data[0].y)) == pytest.approx(100, abs=1e-3)
    assert "2,000 versions" in fig.layout.title.text
    lines = [s for s in fig.layout.shapes if s.type == "line"]
    assert any(s.x0 == 1010.0 for s in lines)

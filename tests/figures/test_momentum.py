"""The momentum map and the error split: what they draw is what core computes."""

import numpy as np
import plotly.graph_objects as go
import pytest

from core.descent import (
    critical_damping,
    error_by_eigenvector,
    momentum_rate,
    optimal_momentum,
    optimize,
    quadratic_bowl,
)
from figures.momentum import (
    build_phase_map,
    eigen_error_figure,
    phase_figure,
    slowest_shown,
    steps_per_tenfold,
)
from tests.app.helpers import decode_array


@pytest.fixture(scope="module")
def phase():
    return build_phase_map(1 / 25, 1.0, 4.0, size=(41, 34))


def as_dict(fig):
    return decode_array(fig.to_dict())


def named(data, name):
    return next(t for t in data if t.get("name") == name)


def test_steps_per_tenfold_closed_form():
    np.testing.assert_allclose(steps_per_tenfold([0.1, 0.5, 0.0]),
                               [1.0, np.log(10) / np.log(2), 0.0])
    assert np.all(np.isinf(steps_per_tenfold([1.0, 1.3])))


def test_the_map_holds_core_numbers(phase):
    np.testing.assert_allclose(phase.rates, momentum_rate(phase.alphas[None, :],
                                                          phase.betas[:, None], (0.04, 1.0)))
    assert phase.best == optimal_momentum(0.04, 1.0)
    assert phase.best_plain == pytest.approx((2 / 1.04, 0.0, 0.96 / 1.04))
    a, b = phase.limit
    np.testing.assert_allclose(a, 2 * (1 + b))  # alpha * lambda_max < 2 (1 + beta)
    for (_, alphas, betas), lam in zip(phase.critical, (1.0, 0.04), strict=True):
        np.testing.assert_allclose(betas, critical_damping(alphas, lam))
        assert np.all(np.isfinite(betas)) and np.all((betas >= 0) & (betas <= 1))


def test_phase_figure_draws_speed_limits_and_markers(phase):
    chosen = (1.0, 0.9, float(momentum_rate(1.0, 0.9, (0.04, 1.0))))
    fig = phase_figure(phase, chosen)
    go.Figure(fig.to_dict())  # valid Plotly
    data = as_dict(fig)["data"]
    heat = named(data, "speed")
    z = heat["z"]
    assert z.dtype == np.uint8 and z.shape == (34, 41)
    assert np.all(z[phase.rates >= 1] == 250)  # "never" at the top of the scale
    converging = phase.rates < 1
    order = np.argsort(phase.rates[converging])  # faster rate, lower colour value
    assert np.all(np.diff(z[converging][order].astype(int)) >= 0)
    bar = heat["colorbar"]
    assert bar["ticktext"][-1] == "never" and max(bar["tickvals"]) == 250
    assert named(data, "fastest")["x"] == [phase.best[0]]
    assert named(data, "your setting")["y"] == [0.9]
    pick = named(data, "pick")
    i = 37
    j_a = int(np.argmin(np.abs(phase.alphas - pick["x"][i])))
    j_b = int(np.argmin(np.abs(phase.betas - pick["y"][i])))
    assert pick["customdata"][i] == pytest.approx(phase.rates[j_b, j_a], rel=1e-6)
    # no pick point within a lattice cell of the star or the diamond: a click there is theirs
    cell_a, cell_b = phase.alphas[4] - phase.alphas[0], phase.betas[4] - phase.betas[0]
    for alpha, beta, _ in (phase.best, phase.best_plain):
        near = ((np.abs(pick["x"] - alpha) < cell_a - 1e-6)
                & (np.abs(pick["y"] - beta) < cell_b - 1e-6))  # float32 on the wire
        assert not near.any()
    assert len(pick["x"]) >= len(phase.alphas[::4]) * len(phase.betas[::4]) - 8


def test_the_colour_scale_ends_at_a_round_number_beyond_plain_descent():
    assert slowest_shown(build_phase_map(1 / 25, 1.0, 4.0, size=(5, 5))) == 200  # plain: 29
    assert slowest_shown(build_phase_map(1 / 100, 1.0, 4.0, size=(5, 5))) == 1000  # plain: 115
    assert slowest_shown(build_phase_map(1.0, 1.0, 4.0, size=(5, 5))) == 100  # plain: 0


def test_error_split_figure_adds_up_to_the_loss_and_shows_the_predicted_pace():
    s = quadratic_bowl(25.0, 30.0, lambda_min=1 / 25)
    alpha, beta = 2.0, 0.3
    traj = optimize(s.grad, s.start, "momentum", alpha, 60, loss=s.loss, momentum=beta)
    lam, comps = error_by_eigenvector(traj.points, s.hess(np.zeros(2)), (0.0, 0.0))
    parts = 0.5 * lam * comps**2
    rates = [float(momentum_rate(alpha, beta, [v])) for v in lam]
    fig = eigen_error_figure(parts, ["flat", "steep"], rates)
    go.Figure(fig.to_dict())
    data = as_dict(fig)["data"]
    floor = parts[0].sum() * 1e-14
    np.testing.assert_allclose(named(data, "whole loss")["y"], np.maximum(traj.losses, floor),
                               rtol=1e-9)
    np.testing.assert_allclose(named(data, "flat")["y"], np.maximum(parts[:, 0], floor))
    guide = data[1]
    assert guide["x"][0] == 0
    np.testing.assert_allclose(guide["y"], parts[0, 0] * rates[0] ** (2 * guide["x"]))
    assert fig.layout.yaxis.range[0] == pytest.approx(np.log10(floor))

"""States of the lesson's motions: the plan's path and each channel's tangent along it."""

from __future__ import annotations

import numpy as np
import pytest

from core.mmm import CPG_EXAMPLE, channels_from_rows, plan_path, reallocation_plan
from core.mmm.motion import curve_motion, curve_states
from tests.fixtures import media_client


@pytest.fixture
def client():
    channels = channels_from_rows(media_client.rows())
    return channels, reallocation_plan(channels.curves, channels.spend, 100_000, 500_000)


def test_the_path_runs_from_today_to_the_plan_through_every_whole_move(client):
    channels, plan = client
    moved, spend = plan_path(plan, max_frames=31)
    assert moved[0] == 0 and moved[-1] == plan.moved and len(moved) == 31
    np.testing.assert_array_equal(spend[0], channels.spend)
    np.testing.assert_allclose(spend[-1], plan.spend, rtol=0, atol=1e-6)
    np.testing.assert_allclose(spend.sum(axis=1), channels.total, rtol=1e-12)  # same budget
    corner = channels.spend.copy()
    for k, move in enumerate(plan.moves, start=1):  # after each whole move, exactly its spend
        corner[move.source] -= move.amount
        corner[move.target] += move.amount
        row = int(np.flatnonzero(np.isclose(moved, k * move.amount))[0])
        np.testing.assert_allclose(spend[row], corner, atol=1e-6)


def test_a_long_plan_is_sampled_at_whole_moves():
    ex = CPG_EXAMPLE
    plan = reallocation_plan(ex.curves, ex.spend, 10_000, 2_000_000)
    moved, spend = plan_path(plan, max_frames=21)
    assert len(moved) <= 21 and moved[-1] == plan.moved
    assert np.allclose(moved % 10_000, 0) or np.allclose(moved % 10_000, 10_000)


def test_a_plan_without_moves_is_one_state():
    ex = CPG_EXAMPLE
    plan = reallocation_plan(ex.curves, ex.spend, 100_000, 0)
    moved, spend = plan_path(plan)
    assert moved.tolist() == [0.0] and spend.shape == (1, 4)
    with pytest.raises(ValueError, match="two frames"):
        plan_path(plan, max_frames=1)


def test_every_tangent_has_the_marginal_return_as_slope_and_touches_the_curve(client):
    channels, plan = client
    motion = curve_motion(channels.curves, plan)
    for j, curve in enumerate(channels.curves):
        s = motion.spend[:, j]
        np.testing.assert_allclose(motion.response[:, j], curve.response(s), rtol=1e-13)
        h = 1e-3 * s  # central differences of the response agree with the slope
        fd = (curve.response(s + h) - curve.response(s - h)) / (2 * h)
        np.testing.assert_allclose(motion.marginal[:, j], fd, rtol=1e-6)
        tx, ty = motion.tangent_x[:, j], motion.tangent_y[:, j]
        slope = (ty[:, 1] - ty[:, 0]) / (tx[:, 1] - tx[:, 0])
        np.testing.assert_allclose(slope, motion.marginal[:, j], rtol=1e-9)
        at_point = ty[:, 0] + slope * (s - tx[:, 0])
        np.testing.assert_allclose(at_point, motion.response[:, j], rtol=1e-9)
        assert np.all(tx >= 0) and np.all(tx <= motion.grid[j, -1])
    np.testing.assert_allclose(motion.grid_response[0],
                               channels.curves[0].response(motion.grid[0]), rtol=1e-13)


def test_curve_states_evaluates_each_channel_on_its_own_column():
    ex = CPG_EXAMPLE
    spend = np.array([ex.spend, ex.spend * 1.1])
    response, marginal = curve_states(ex.curves, spend)
    np.testing.assert_allclose(marginal[0], ex.marginal, rtol=1e-12)
    assert response.shape == marginal.shape == (2, 4)

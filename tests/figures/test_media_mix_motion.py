"""The media-mix motions: every frame's numbers against core, and a valid, scrubbable figure."""

from __future__ import annotations

import json
import re

import numpy as np
import plotly.graph_objects as go
import pytest

from core.mmm import CurveBank, channels_from_rows, reallocation_plan
from core.mmm.motion import curve_motion
from core.mmm.report import linear_vs_exact, money
from figures.media_mix_motion import move_motion, response_motion
from tests.app.helpers import decode_array
from tests.fixtures import media_client


@pytest.fixture(scope="module")
def client():
    channels = channels_from_rows(media_client.rows())
    plan = reallocation_plan(channels.curves, channels.spend, 100_000, 500_000)
    return channels, plan


def _spec(fig: go.Figure) -> dict:
    """Validated by Plotly (the builder skips validation), as the browser receives it."""
    return decode_array(json.loads(go.Figure(fig.to_dict()).to_json()))


def test_each_frame_slides_every_channel_along_its_curve_with_its_tangent(client):
    channels, plan = client
    motion = curve_motion(channels.curves, plan)
    spec = _spec(response_motion(channels.names, motion))
    n = len(channels.names)
    moving = spec["frames"][0]["traces"]
    assert moving == list(range(2 * n, 3 * n))  # only the tangents and points move
    bank = CurveBank(channels.curves)
    for i, frame in enumerate(spec["frames"]):
        spend = np.array([d["x"][1] for d in frame["data"]], dtype=float)
        np.testing.assert_allclose(spend, motion.spend[i], atol=0.5)  # whole dollars
        assert spend.sum() == pytest.approx(channels.total, abs=n)  # the budget stays the same
        marginal = bank.marginal(motion.spend[i])
        for j, data in enumerate(frame["data"]):
            x, y = np.asarray(data["x"], float), np.asarray(data["y"], float)
            slope = (y[2] - y[0]) / (x[2] - x[0])
            assert slope == pytest.approx(marginal[j], rel=1e-4)  # tangent = marginal return
            assert y[1] == pytest.approx(float(channels.curves[j].response(x[1])), abs=0.1)
            label = data["text"][1]
            assert label == f"{money(motion.spend[i, j])}: next $1K ≈ " + label.split("≈ ")[1]
            assert float(label.split("≈ ")[1].replace(",", "")) == pytest.approx(
                1000 * marginal[j], rel=0.01, abs=0.06)


def test_the_scrubber_starts_at_the_plan_and_the_data_shows_that_frame(client):
    channels, plan = client
    motion = curve_motion(channels.curves, plan)
    spec = _spec(response_motion(channels.names, motion))
    slider = spec["layout"]["sliders"][0]
    assert slider["active"] == len(motion.moved) - 1
    assert slider["steps"][-1]["label"] == "$500K of $500K moved"
    assert slider["steps"][0]["label"] == "$0 of $500K moved"
    last = spec["frames"][-1]["data"]
    for j, data in enumerate(last):
        assert spec["data"][2 * len(channels.names) + j]["x"] == data["x"]
    assert [b["label"] for b in spec["layout"]["updatemenus"][0]["buttons"]] == ["▶ Play",
                                                                                 "❚❚ Pause"]


def test_panels_never_overlap_and_axes_are_in_money(client):
    channels, plan = client
    spec = _spec(response_motion(channels.names, curve_motion(channels.curves, plan)))
    layout = spec["layout"]
    boxes = [(layout[f"xaxis{k}"]["domain"], layout[f"yaxis{k}"]["domain"])
             for k in ("", "2", "3", "4", "5")]
    for a in range(len(boxes)):
        for b in range(a + 1, len(boxes)):
            (ax, ay), (bx, by) = boxes[a], boxes[b]
            apart = ax[1] <= bx[0] or bx[1] <= ax[0] or ay[1] <= by[0] or by[1] <= ay[0]
            assert apart, (a, b)
    assert layout["xaxis"]["ticktext"][:3] == ["$0", "$1M", "$2M"]
    titles = [re.sub("<.*?>", "", a["text"]) for a in layout["annotations"]]
    assert titles == list(channels.names)


def test_the_move_frames_are_the_linear_estimate_and_the_exact_change(client):
    channels, _ = client
    direction = np.array([-1.0, 0, 0, 1.0, 0])
    amounts = np.arange(0.0, 1_200_001.0, 50_000.0)
    linear, exact = linear_vs_exact(channels.curves, channels.spend, direction, amounts)
    spec = _spec(move_motion(amounts, linear, exact, "TV", "Search", active=10))
    for i, frame in enumerate(spec["frames"]):
        (gap,) = frame["data"]
        assert gap["x"] == [amounts[i]] * 2
        s = channels.spend + amounts[i] * direction
        expected_exact = sum(float(c.response(v) - c.response(w))
                             for c, v, w in zip(channels.curves, s, channels.spend, strict=True))
        expected_linear = amounts[i] * (0.080 - 0.049)  # Σ marginal × shift
        assert gap["y"][0] == pytest.approx(expected_linear, abs=0.06)
        assert gap["y"][1] == pytest.approx(expected_exact, abs=0.06)
    slider = spec["layout"]["sliders"][0]
    assert slider["active"] == 10 and slider["steps"][10]["label"].startswith("$500K: estimate +")
    assert spec["data"][2]["x"] == [500_000.0, 500_000.0]
    assert "Moving budget from TV to Search" in spec["layout"]["title"]["text"]

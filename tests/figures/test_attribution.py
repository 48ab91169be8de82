"""Figure builders of the attribution lesson."""

import numpy as np
import plotly.graph_objects as go
import pytest

from figures.attribution import (
    convergence_figure,
    creative_panels,
    mask_outline,
    overlay_image,
    tabular_waterfall,
    truth_scores_figure,
)
from figures.theme import COLORS


def test_mask_outline_of_a_rectangle_has_its_perimeter():
    mask = np.zeros((6, 6), bool)
    mask[1:3, 2:5] = True  # 2 × 3 rectangle: perimeter 10 unit edges
    path = mask_outline(mask)
    segments = [seg for seg in path.split("M") if seg]
    assert len(segments) == 10
    points = {tuple(float(v) for v in p.split(",")) for seg in segments for p in seg.split("L")}
    lattice = {(x - 0.5, y - 0.5) for x in range(2, 6) for y in range(1, 4)}
    assert points == lattice - {(2.5, 1.5), (3.5, 1.5)}  # every boundary corner, no interior one


def test_overlay_keeps_cold_pixels_grey_and_colours_the_hottest():
    image = np.zeros((2, 2, 3))
    image[0, 0] = 1.0
    heat = np.array([[0.0, 0.0], [0.0, 2.0]])
    out = overlay_image(image, heat, COLORS["vermillion"], strength=1.0)
    assert out.dtype == np.uint8
    np.testing.assert_array_equal(out[0, 0], [242, 242, 242])  # 0.45 + 0.5 of white
    np.testing.assert_array_equal(out[0, 1], [115, 115, 115])  # 0.45 of black
    np.testing.assert_array_equal(out[1, 1], [0xD5, 0x5E, 0x00])  # pure vermillion
    np.testing.assert_array_equal(overlay_image(image, np.zeros((2, 2)), "#000000")[1, 1], out[0, 1])


@pytest.mark.parametrize("sign", ["positive", "negative", "absolute"])
def test_creative_panels_show_image_heat_map_and_overlay(sign):
    rng = np.random.default_rng(0)
    image, heat = rng.random((32, 32, 3)), rng.random((32, 32))
    truth = np.zeros((32, 32), bool)
    truth[10:20, 10:20] = True
    fig = creative_panels(image, heat, sign, truth, title="t")
    assert isinstance(fig, go.Figure)
    assert [t.type for t in fig.data] == ["image", "heatmap", "image"]
    assert [(sh.type, sh.xref) for sh in fig.layout.shapes] == [("path", "x2"), ("path", "x3")]
    np.testing.assert_array_equal(fig.data[1].z, heat)
    assert fig.data[0].z.shape == (32, 32, 3)
    assert fig.layout.yaxis.range == (31.5, -0.5)  # image orientation: row 0 at the top
    assert creative_panels(image, heat, sign).layout.shapes == ()


def test_convergence_figure_is_log_log_and_floors_zero_gaps():
    gaps = {"riemann_left": np.array([1e-2, 5e-3]), "gausslegendre": np.array([1e-9, 0.0])}
    fig = convergence_figure((2, 4), gaps, chosen="gausslegendre")
    assert fig.layout.xaxis.type == "log" and fig.layout.yaxis.type == "log"
    assert len(fig.data) == 2
    assert np.all(np.asarray(fig.data[1].y) > 0)
    assert fig.data[1].line.width > fig.data[0].line.width


def test_truth_scores_figure_in_percent_with_random_line():
    fig = truth_scores_figure({"A": 0.5, "B": 0.25}, random_share=0.2, area_share=0.21)
    assert list(fig.data[0].x) == [50.0, 25.0]
    assert fig.layout.shapes[0].x0 == pytest.approx(20.0)


def test_tabular_waterfall_ends_at_the_prediction():
    fig = tabular_waterfall(["a", "b"], [0.5, -0.2], f_baseline=2.0, f_x=2.3)
    trace = fig.data[0]
    assert list(trace.measure) == ["absolute", "relative", "relative", "total"]
    assert trace.y[0] + sum(trace.y[1:3]) == pytest.approx(trace.y[-1])
    assert trace.text[1] == "+0.50" and trace.text[2] == "-0.20"
    assert tabular_waterfall(["a"], [-1e-9], 1.0, 1.0).data[0].text[1] == "+0.00"

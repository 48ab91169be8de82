"""The walk from the baseline to the creative, frame by frame, against core.attribution."""

from __future__ import annotations

import base64
import io

import numpy as np
import plotly.graph_objects as go
import pytest
from PIL import Image

from core.attribution import IG_METHODS, integrated_gradients, path_points, path_rule, path_walk
from figures.attribution_path import MOVING, path_figure, png_data_uri

SHAPE = (6, 5, 3)


def model(seed: int = 0):
    """A smooth non-linear model of small images, with its gradient."""
    w = np.random.default_rng(seed).normal(size=SHAPE)

    def f(X):
        z = (X * w).sum(axis=(1, 2, 3))
        return 1 / (1 + np.exp(-z)) + 0.1 * np.sin(X).sum(axis=(1, 2, 3))

    def grad_f(X):
        z = (X * w).sum(axis=(1, 2, 3))
        s = 1 / (1 + np.exp(-z))
        return (s * (1 - s))[:, None, None, None] * w[None] + 0.1 * np.cos(X)

    return f, grad_f


def pixels(uri: str) -> np.ndarray:
    data = base64.b64decode(uri.split(",", 1)[1])
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), dtype=float) / 255


def test_png_round_trip():
    rgb = np.random.default_rng(1).random((7, 9, 3))
    np.testing.assert_allclose(pixels(png_data_uri(rgb)), rgb, atol=0.5 / 255 + 1e-12)


@pytest.mark.parametrize("method", ["riemann_trapezoid", "gausslegendre", "riemann_left"])
def test_every_frame_shows_the_path_point_and_the_running_sum(method):
    f, grad_f = model()
    rng = np.random.default_rng(2)
    x, b = rng.random(SHAPE), rng.random(SHAPE) * 0.3
    walk = path_walk(f, grad_f, x, b, steps=12, method=method, stops=11)
    fig = go.Figure(path_figure(walk, active=3).to_dict()).to_dict()  # validated
    base, top = pixels(fig["data"][0]["source"]), pixels(fig["data"][1]["source"])
    alphas = np.linspace(0, 1, 11)
    ig = integrated_gradients(f, grad_f, x, b, 12, method)
    nodes, weights = path_rule(method, 12)
    grads = grad_f(path_points(x, b, nodes))
    for k, fr in enumerate(fig["frames"]):
        image, so_far, markers = fr["data"]
        sum_marker = {"y": markers["y"][:1]}
        change_marker = {"y": markers["y"][1:]}
        assert markers["x"] == [so_far["x"][-1]] * 2
        assert fr["traces"] == list(MOVING)
        # the creative over the baseline at opacity α is the interpolated input x' + α (x − x')
        blended = (1 - image["opacity"]) * base + image["opacity"] * top
        np.testing.assert_allclose(blended, path_points(x, b, [alphas[k]])[0], atol=1.01 / 255)
        # the running sum: the rule's terms of the nodes passed so far, in points (× 100)
        passed = nodes <= alphas[k] + 1e-12
        expected = 100 * (weights[passed] * (grads[passed] * (x - b)).sum(axis=(1, 2, 3))).sum()
        assert sum_marker["y"][0] == pytest.approx(expected, rel=1e-6, abs=1e-9)
        assert so_far["y"][-1] == sum_marker["y"][0] and len(so_far["x"]) == k + 1
        change = f(path_points(x, b, [alphas[k]]))[0] - f(b[None])[0]
        assert change_marker["y"][0] == pytest.approx(100 * change, rel=1e-6, abs=1e-9)
    # at α = 1: Σ IG, which is f(x) − f(x') up to the quadrature gap (completeness)
    last = fig["frames"][-1]["data"][2]["y"][0]  # the running sum's marker
    assert last == pytest.approx(100 * ig.attributions.sum(), rel=1e-6)
    rounding = 1e-6 * abs(last)  # the figure sends 7 significant digits
    assert abs(last - 100 * (ig.f_x - ig.f_baseline)) <= 100 * abs(ig.gap) * 1.001 + rounding
    assert fig["layout"]["sliders"][0]["active"] == 3
    assert fig["data"][1]["opacity"] == pytest.approx(alphas[3])
    ticks = next(t for t in fig["data"] if t["name"].startswith("where the gradient"))
    np.testing.assert_allclose(ticks["x"], nodes, rtol=1e-6)


def test_the_target_line_is_the_change_in_the_output():
    f, grad_f = model(3)
    x, b = np.full(SHAPE, 0.8), np.zeros(SHAPE)
    walk = path_walk(f, grad_f, x, b, steps=8, method=IG_METHODS[3])
    fig = path_figure(walk, scale=100.0).to_dict()
    target = 100 * (f(x[None])[0] - f(b[None])[0])
    assert fig["layout"]["shapes"][0]["y0"] == pytest.approx(target)
    assert f"{target:+.3f}" in fig["layout"]["annotations"][0]["text"]
    assert fig["layout"]["legend"]["xanchor"] == "right"  # anchored mid-width it shrinks the rail

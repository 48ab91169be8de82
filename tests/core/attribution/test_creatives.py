"""Synthetic creatives: drawing, masks, the ground-truth CTR and the blur baseline."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.ndimage import gaussian_filter

from core.attribution.creatives import (
    PRESETS,
    REGIONS,
    Creative,
    blur,
    dataset,
    drivers,
    luminance,
    random_creative,
    render,
    render_with_masks,
    true_ctr,
    true_logit,
    truth_mask,
    with_changes,
)

seeds = st.integers(0, 10_000)


@settings(max_examples=30, deadline=None)
@given(seeds)
def test_random_creatives_are_valid_and_reproducible(seed):
    c = random_creative(seed)
    assert c == random_creative(seed)
    img, masks = render_with_masks(c)
    assert img.shape == (32, 32, 3)
    assert img.min() >= 0 and img.max() <= 1
    np.testing.assert_array_equal(img, render(c))
    assert set(masks) == set(REGIONS)
    # regions never overlap, and each one is painted in its own colour
    stacked = np.stack([masks[r] for r in REGIONS]).astype(int)
    assert stacked.sum(axis=0).max() <= 1
    np.testing.assert_allclose(img[masks["cta"]], np.broadcast_to(c.cta_color, (masks["cta"].sum(), 3)))
    np.testing.assert_allclose(img[masks["product"]], np.broadcast_to(c.product_color, (c.product_size**2, 3)))
    assert masks["cta"].sum() == c.cta_width * c.cta_height
    assert masks["clutter"].sum() == 4 * c.clutter
    background = ~np.logical_or.reduce(list(masks.values()))
    np.testing.assert_allclose(img[background], np.broadcast_to(c.background, (background.sum(), 3)))


@settings(max_examples=30, deadline=None)
@given(seeds)
def test_true_ctr_recomputed_from_the_pixels(seed):
    # independent route: measure areas and contrasts on the drawn image, not on the parameters
    c = random_creative(seed)
    img, masks = render_with_masks(c)
    lum = luminance(img)
    bg = lum[~np.logical_or.reduce(list(masks.values()))].mean()
    cta_ink = np.abs(lum[masks["cta"]] - bg).sum() / 60
    product_ink = np.abs(lum[masks["product"]] - bg).sum() / 80
    clutter = masks["clutter"].sum() / 4 / 10
    logit = -4.8 + 1.8 * np.tanh(cta_ink) + 1.2 * np.tanh(product_ink) - 1.2 * clutter
    assert true_logit(c) == pytest.approx(logit, abs=1e-9)
    assert true_ctr(c) == pytest.approx(1 / (1 + np.exp(-logit)))


def test_the_ctr_responds_to_the_drivers_and_ignores_the_decoys():
    base = PRESETS["Strong call to action"]
    assert true_ctr(base) > true_ctr(PRESETS["Washed-out button"])
    assert true_ctr(base) > true_ctr(PRESETS["Tiny product"])
    assert true_ctr(base) > true_ctr(PRESETS["Cluttered"])
    assert true_ctr(with_changes(base, cta_width=22)) > true_ctr(base)
    assert true_ctr(with_changes(base, logo_size=7, headline_bars=0)) == true_ctr(base)
    assert true_ctr(with_changes(base, logo_color=(1, 0, 0), headline_color=(0, 1, 0))) == true_ctr(base)


def test_truth_mask_is_product_cta_and_clutter_only():
    c = PRESETS["Cluttered"]
    _, m = render_with_masks(c)
    np.testing.assert_array_equal(truth_mask(c), m["product"] | m["cta"] | m["clutter"])
    assert not (truth_mask(c) & (m["logo"] | m["headline"])).any()


def test_drivers_closed_form_for_the_default_creative():
    c = Creative()
    bg = luminance(np.array(c.background))
    d = drivers(c)
    assert d["cta_ink"] == pytest.approx(16 * 5 * abs(luminance(np.array(c.cta_color)) - bg) / 60)
    assert d["product_ink"] == pytest.approx(100 * abs(luminance(np.array(c.product_color)) - bg) / 80)
    assert d["clutter"] == 0


def test_ctr_range_is_realistic():
    _, logits, masks = dataset(200, seed=3)
    ctr = 1 / (1 + np.exp(-logits))
    assert ctr.min() > 0.002 and ctr.max() < 0.12
    assert 0.005 < np.median(ctr) < 0.03
    assert 0.05 < masks.mean() < 0.4


def test_dataset_is_reproducible_and_matches_single_creatives():
    a, la, ma = dataset(5, seed=2)
    b, lb, mb = dataset(5, seed=2)
    np.testing.assert_array_equal(a, b)
    c = random_creative(2 * 1_000_003 + 3)
    np.testing.assert_array_equal(a[3], render(c))
    assert la[3] == true_logit(c)
    np.testing.assert_array_equal(ma[3], truth_mask(c))


@pytest.mark.parametrize("sigma", [1.0, 1.5, 3.0])
def test_blur_matches_scipy_gaussian_filter(sigma):
    img = render(random_creative(7))
    expected = gaussian_filter(img, sigma=(sigma, sigma, 0), mode="nearest", truncate=3.0)
    # scipy's radius is int(truncate·σ + 0.5); ours is ceil(3σ): equal for these σ
    np.testing.assert_allclose(blur(img, sigma), expected, atol=1e-12)


def test_blur_keeps_constant_images_and_zero_sigma():
    img = np.full((32, 32, 3), 0.4)
    np.testing.assert_allclose(blur(img, 2.0), img)
    rnd = render(random_creative(1))
    np.testing.assert_array_equal(blur(rnd, 0), rnd)

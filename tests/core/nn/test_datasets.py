import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.nn import (
    ALL_DATASETS,
    DATASETS,
    MULTICLASS_DATASETS,
    REGRESSION_DATASETS,
    bayes_accuracy_xor,
    make_dataset,
    task_of,
)
from core.nn.datasets import BUMP_RADIUS, BUMPS, XOR_MARGIN


def _all(d):
    return np.r_[d.X_train, d.X_test], np.r_[d.y_train, d.y_test]


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(ALL_DATASETS), st.integers(4, 300), st.floats(0, 1), st.integers(0, 99),
       st.floats(0.1, 0.9))
def test_shapes_labels_and_split(name, n, noise, seed, test_fraction):
    d = make_dataset(name, n, noise, seed, test_fraction)
    assert d.X_train.shape[1] == d.X_test.shape[1] == 2
    assert len(d.X_train) + len(d.X_test) == n
    assert len(d.X_test) == max(1, min(n - 1, round(n * test_fraction)))
    assert d.y_train.shape == (len(d.X_train),)
    task = task_of(name)
    for y in (d.y_train, d.y_test):
        if task.kind == "regression":
            assert np.isfinite(y).all()  # real targets (beyond ±1 only through the noise)
        else:
            assert set(np.unique(y)) <= set(range(task.n_classes))
    assert np.isfinite(d.X_train).all()


def test_tasks_and_names():
    assert DATASETS == ("circles", "xor", "moons", "spiral", "blobs")  # names stay
    assert {task_of(n).kind for n in DATASETS} == {"binary"}
    assert [(task_of(n).outputs, task_of(n).loss) for n in MULTICLASS_DATASETS] == [(3, "ce")] * 2
    assert [(task_of(n).outputs, task_of(n).loss) for n in REGRESSION_DATASETS] == [(1, "mse")] * 2
    assert task_of("circles").outputs == 1 and task_of("circles").loss == "bce"
    with pytest.raises(ValueError, match="Unknown dataset"):
        task_of("swirl")


@pytest.mark.parametrize("name", ALL_DATASETS)
def test_deterministic_balanced_and_bounded(name):
    a = make_dataset(name, 600, 0.05, seed=3)
    b = make_dataset(name, 600, 0.05, seed=3)
    c = make_dataset(name, 600, 0.05, seed=4)
    np.testing.assert_array_equal(a.X_train, b.X_train)
    np.testing.assert_array_equal(a.y_train, b.y_train)
    assert not np.array_equal(a.X_train, c.X_train)
    X, y = _all(a)
    assert np.abs(X).max() < 1.6
    task = task_of(name)
    if task.kind != "regression":
        counts = np.bincount(y.astype(int), minlength=task.n_classes)
        assert counts.min() >= 0.8 * len(y) / task.n_classes


def test_clean_shapes_follow_their_definition():
    X, y = _all(make_dataset("circles", 200, 0.0, 0))
    r = np.hypot(X[:, 0], X[:, 1])
    assert r[y == 1].max() <= 0.5 and r[y == 0].min() >= 0.7
    X, y = _all(make_dataset("xor", 400, 0.0, 0))
    np.testing.assert_array_equal(y, (X[:, 0] * X[:, 1] > 0).astype(float))
    assert np.abs(X).min() >= XOR_MARGIN
    X, y = _all(make_dataset("blobs", 400, 0.0, 0))
    assert X[y == 1].mean(axis=0) == pytest.approx([0.45, 0.45], abs=0.05)
    X, y = _all(make_dataset("blobs3", 900, 0.0, 0))
    for k in range(3):  # three clusters around a circle, 120° apart, the first at the top
        angle = math.pi / 2 + 2 * math.pi * k / 3
        centre = 0.55 * np.array([math.cos(angle), math.sin(angle)])
        assert X[y == k].mean(axis=0) == pytest.approx(centre, abs=0.04)


def test_three_spiral_arms_are_the_two_arm_rule_turned_by_a_third():
    X, y = _all(make_dataset("spiral3", 600, 0.0, 1))
    r = np.hypot(X[:, 0], X[:, 1])
    angle = np.arctan2(X[:, 1], X[:, 0])
    arm = (angle - 1.75 * 2 * np.pi * r) % (2 * np.pi)  # the angle each arm starts from
    np.testing.assert_allclose(np.minimum(arm, 2 * np.pi - arm)[y == 0], 0, atol=1e-9)
    for k in (1, 2):
        np.testing.assert_allclose(arm[y == k], 2 * np.pi * k / 3, atol=1e-9)


def test_regression_targets_are_the_plane_and_the_six_cones():
    X, t = _all(make_dataset("plane", 300, 0.0, 2))
    np.testing.assert_allclose(t, (X[:, 0] + X[:, 1]) / 2)
    assert np.abs(X).max() <= 1.0
    X, t = _all(make_dataset("gaussians", 300, 0.0, 2))
    for x, target in zip(X[:40], t[:40], strict=True):  # one point at a time, by brute force
        best = 0.0
        for cx, cy, sign in BUMPS:
            value = sign * max(0.0, 1.0 - math.hypot(x[0] - cx, x[1] - cy) / BUMP_RADIUS)
            if abs(value) > abs(best):
                best = value
        assert target == pytest.approx(best)
    assert (t > 0.5).any() and (t < -0.5).any() and np.abs(t).max() <= 1.0


def test_noise_moves_points_of_the_drawn_shapes():
    a = make_dataset("moons", 100, 0.0, 1)
    b = make_dataset("moons", 100, 0.3, 1)
    assert np.abs(a.X_train - b.X_train).mean() > 0.1


@pytest.mark.parametrize("name", ["xor", "plane", "gaussians"])
def test_noise_relabels_but_leaves_the_points_where_they_are(name):
    clean = make_dataset(name, 400, 0.0, 5)
    noisy = make_dataset(name, 400, 0.3, 5)
    Xc, yc = _all(clean)
    Xn, yn = _all(noisy)
    assert np.abs(Xn).max() <= 1.0 + XOR_MARGIN  # still inside the square
    assert not np.array_equal(yc, yn)


def _phi(x):
    return 0.5 * math.erfc(-x / math.sqrt(2))


def _xor_bayes_by_quadrature(noise):
    """1 - 2p(1-p), p = mean over u ~ U[m, 1+m] of Φ(-u/σ): midpoint rule, 20 000 cells."""
    cells = 20_000
    u = XOR_MARGIN + (np.arange(cells) + 0.5) / cells
    p = float(np.mean([_phi(-v / noise) for v in u]))
    return 1 - 2 * p * (1 - p)


@pytest.mark.parametrize(("noise", "expected"), [(0.1, 0.96), (0.2, 0.89), (0.5, 0.71)])
def test_xor_bayes_accuracy_matches_playground_within_sampling_error(noise, expected):
    """sign(x₁x₂) is the best classifier; on noisy labels it is right 96 / 89 / 71 % of the time."""
    n = 20_000
    X, y = _all(make_dataset("xor", n, noise, seed=11))
    hits = np.mean((X[:, 0] * X[:, 1] > 0) == (y == 1))
    exact = _xor_bayes_by_quadrature(noise)
    assert exact == pytest.approx(expected, abs=0.01)
    assert bayes_accuracy_xor(noise) == pytest.approx(exact, abs=1e-5)
    sampling_sd = math.sqrt(exact * (1 - exact) / n)
    assert abs(hits - exact) < 4 * sampling_sd
    assert bayes_accuracy_xor(0.0) == 1.0


def test_bad_arguments():
    with pytest.raises(ValueError):
        make_dataset("swirl")
    with pytest.raises(ValueError):
        make_dataset("xor", n=2)
    with pytest.raises(ValueError):
        make_dataset("xor", noise=-0.1)
    with pytest.raises(ValueError):
        make_dataset("plane", test_fraction=1.0)

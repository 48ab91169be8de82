import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.nn import DATASETS, make_dataset


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(DATASETS), st.integers(4, 300), st.floats(0, 1), st.integers(0, 99))
def test_shapes_labels_and_split(name, n, noise, seed):
    d = make_dataset(name, n, noise, seed)
    assert d.X_train.shape[1] == d.X_test.shape[1] == 2
    assert len(d.X_train) + len(d.X_test) == n
    assert len(d.X_test) == max(1, min(n - 1, round(n / 2)))
    assert d.y_train.shape == (len(d.X_train),)
    for y in (d.y_train, d.y_test):
        assert set(np.unique(y)) <= {0.0, 1.0}
    assert np.isfinite(d.X_train).all()


@pytest.mark.parametrize("name", DATASETS)
def test_deterministic_balanced_and_bounded(name):
    a = make_dataset(name, 400, 0.05, seed=3)
    b = make_dataset(name, 400, 0.05, seed=3)
    c = make_dataset(name, 400, 0.05, seed=4)
    np.testing.assert_array_equal(a.X_train, b.X_train)
    assert not np.array_equal(a.X_train, c.X_train)
    y = np.r_[a.y_train, a.y_test]
    X = np.r_[a.X_train, a.X_test]
    assert 0.4 < y.mean() < 0.6
    assert np.abs(X).max() < 1.6


def test_clean_shapes_follow_their_definition():
    d = make_dataset("circles", 200, 0.0, 0)
    X = np.r_[d.X_train, d.X_test]
    y = np.r_[d.y_train, d.y_test]
    r = np.hypot(X[:, 0], X[:, 1])
    assert r[y == 1].max() <= 0.5 and r[y == 0].min() >= 0.7
    d = make_dataset("xor", 200, 0.2, 0)
    for X, y in ((d.X_train, d.y_train), (d.X_test, d.y_test)):
        np.testing.assert_array_equal(y, (X[:, 0] * X[:, 1] > 0).astype(float))
    d = make_dataset("blobs", 400, 0.0, 0)
    X = np.r_[d.X_train, d.X_test]
    y = np.r_[d.y_train, d.y_test]
    assert X[y == 1].mean(axis=0) == pytest.approx([0.45, 0.45], abs=0.05)


def test_noise_moves_points():
    a = make_dataset("moons", 100, 0.0, 1)
    b = make_dataset("moons", 100, 0.3, 1)
    assert np.abs(a.X_train - b.X_train).mean() > 0.1


def test_bad_arguments():
    with pytest.raises(ValueError):
        make_dataset("swirl")
    with pytest.raises(ValueError):
        make_dataset("xor", n=2)
    with pytest.raises(ValueError):
        make_dataset("xor", noise=-0.1)

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.nn import (
    FEATURE_LABELS,
    FEATURES,
    check_features,
    feature_map,
    flatten,
    init_params,
    loss_and_grads,
    loss_value,
    unflatten,
)
from core.nn.features import SINE_FREQUENCY
from core.nn.gradcheck import finite_difference_gradient


def test_every_feature_is_its_formula():
    X = np.array([[0.3, -0.7], [-1.0, 0.5]])
    a, b = X[:, 0], X[:, 1]
    expected = np.c_[a, b, a**2, b**2, a * b, np.sin(5 * a), np.sin(5 * b)]
    np.testing.assert_allclose(feature_map(X, FEATURES), expected)
    assert SINE_FREQUENCY == 5.0 and FEATURE_LABELS["sin x1"] == "sin 5x₁"
    np.testing.assert_array_equal(feature_map(X), X)


def test_selection_is_put_in_canonical_order():
    X = np.array([[2.0, 3.0]])
    assert check_features(["x1x2", "x1"]) == ("x1", "x1x2")
    np.testing.assert_allclose(feature_map(X, ["x1x2", "x1"]), [[2.0, 6.0]])
    with pytest.raises(ValueError, match="Unknown features"):
        feature_map(X, ["x3"])
    with pytest.raises(ValueError, match="at least one"):
        feature_map(X, [])
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        feature_map(np.zeros((3, 3)))


@settings(max_examples=25, deadline=None)
@given(st.sets(st.sampled_from(FEATURES), min_size=1), st.integers(0, 1000))
def test_gradients_on_any_feature_set_match_finite_differences(chosen, seed):
    rng = np.random.default_rng(seed)
    F = feature_map(rng.uniform(-1, 1, (12, 2)), chosen)
    sizes = (F.shape[1], 4, 1)
    params = init_params(sizes, seed=seed)
    y = (rng.random(12) > 0.5).astype(float)
    _, grads = loss_and_grads(params, F, y)
    fd = finite_difference_gradient(lambda t: loss_value(unflatten(t, sizes), F, y),
                                    flatten(params), 1e-5)
    np.testing.assert_allclose(flatten(grads), fd, atol=1e-9)

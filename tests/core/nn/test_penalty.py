import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.descent import init_state, step
from core.nn import (
    flatten,
    init_params,
    l1_pseudo_gradient,
    loss_value,
    n_params,
    orthant_project,
    unflatten,
    weight_mask,
)
from core.nn.gradcheck import finite_difference_gradient


def test_weight_mask_marks_weights_not_biases():
    sizes = (2, 3, 1)
    params = init_params(sizes, seed=0)
    params = [(np.ones_like(W), np.zeros_like(b)) for W, b in params]
    np.testing.assert_array_equal(weight_mask(sizes), flatten(params).astype(bool))
    assert weight_mask(sizes).size == n_params(sizes)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.floats(0.0, 0.5))
def test_away_from_zero_the_pseudo_gradient_is_the_gradient_of_the_penalised_loss(seed, l1):
    rng = np.random.default_rng(seed)
    sizes = (2, 3, 1)
    theta = rng.normal(size=n_params(sizes))
    X = rng.normal(size=(7, 2))
    y = (rng.random(7) > 0.5).astype(float)
    mask = weight_mask(sizes)

    def data_loss(t):
        return loss_value(unflatten(t, sizes), X, y)

    def penalised(t):
        return loss_value(unflatten(t, sizes), X, y, l1=l1)

    g = finite_difference_gradient(data_loss, theta, 1e-6)
    pg = l1_pseudo_gradient(theta, g, l1, mask)
    np.testing.assert_allclose(pg, finite_difference_gradient(penalised, theta, 1e-6), atol=1e-7)


def test_at_zero_the_pseudo_gradient_is_the_least_subgradient():
    theta = np.array([0.0, 0.0, 0.0, 0.0, 2.0])
    grad = np.array([0.05, -0.05, 0.3, -0.3, 0.3])
    mask = np.array([True, True, True, True, False])
    pg = l1_pseudo_gradient(theta, grad, 0.1, mask)
    # |g| <= λ: zero (0 is in the subdifferential); beyond: shrunk by λ; biases untouched
    np.testing.assert_allclose(pg, [0.0, 0.0, 0.2, -0.2, 0.3])
    bias_at_zero = l1_pseudo_gradient(np.zeros(1), np.array([0.05]), 0.1, np.array([False]))
    np.testing.assert_allclose(bias_at_zero, [0.05])


def test_a_step_across_zero_stops_at_zero():
    before = np.array([0.5, -0.5, 0.0, 0.0, 0.0, 1.0])
    after = np.array([-0.1, 0.2, 0.3, -0.3, 0.3, -2.0])
    pg = np.array([1.0, -1.0, -0.5, -0.5, 0.0, 1.0])
    mask = np.array([True, True, True, True, True, False])
    out = orthant_project(before, after, pg, mask)
    # crossed: 0; left zero downhill: kept; left zero uphill: 0; stuck (pg = 0): 0; bias: free
    np.testing.assert_array_equal(out, [0.0, 0.0, 0.3, 0.0, 0.0, -2.0])


@pytest.mark.parametrize(("a", "lam", "expected"), [(0.8, 0.3, 0.5), (-0.8, 0.3, -0.5),
                                                   (0.2, 0.3, 0.0), (-0.25, 0.3, 0.0)])
@pytest.mark.parametrize("method", ["sgd", "adam"])
def test_the_lasso_in_one_dimension_reaches_the_soft_threshold_exactly(a, lam, expected, method):
    """min ½(w − a)² + λ|w| has the closed form sign(a)·max(|a| − λ, 0), zeros included."""
    w = np.array([1.5])
    mask = np.array([True])
    state = init_state(method, 1)
    for t in range(1, 3001):
        lr = 0.1 if method == "sgd" else 0.1 / np.sqrt(t)
        pg = l1_pseudo_gradient(w, w - a, lam, mask)
        new, state = step(method, w, pg, state, lr, t)
        w = orthant_project(w, new, pg, mask)
    if expected == 0.0:
        assert w[0] == 0.0  # exactly, not approximately
    else:
        assert w[0] == pytest.approx(expected, abs=1e-3)

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.nn import gradcheck


def test_central_difference_is_exact_on_quadratics():
    A = np.array([[3.0, 1.0], [1.0, 2.0]])
    b = np.array([0.5, -1.0])

    def f(t):
        return 0.5 * t @ A @ t + b @ t

    x = np.array([0.3, -0.7])
    g = gradcheck.finite_difference_gradient(f, x, h=1e-3)
    np.testing.assert_allclose(g, A @ x + b, rtol=1e-9)
    # forward differences carry the O(h) term h/2 * A_ii
    fwd = gradcheck.finite_difference_gradient(f, x, h=1e-3, method="forward")
    np.testing.assert_allclose(fwd - (A @ x + b), 0.5e-3 * np.diag(A), rtol=1e-4)


def test_input_is_not_modified_and_errors():
    x = np.array([1.0, 2.0])
    gradcheck.finite_difference_gradient(lambda t: float(t @ t), x)
    np.testing.assert_array_equal(x, [1.0, 2.0])
    with pytest.raises(ValueError):
        gradcheck.finite_difference_gradient(lambda t: 0.0, x, method="backward")
    with pytest.raises(ValueError):
        gradcheck.finite_difference_gradient(lambda t: 0.0, x, h=0.0)


def test_relative_error():
    r = gradcheck.relative_error([0.0, 1.0, -2.0, 1e-3], [0.0, 1.1, 2.0, 0.0])
    np.testing.assert_allclose(r, [0.0, 0.1 / 1.1, 2.0, 1.0])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-3, 3), min_size=1, max_size=5))
def test_sine_gradient_matches_closed_form(xs):
    x = np.array(xs)
    g = gradcheck.finite_difference_gradient(lambda t: float(np.sum(np.sin(t))), x, 1e-5)
    np.testing.assert_allclose(g, np.cos(x), atol=1e-9)


def test_error_versus_step_is_a_v():
    x = np.array([0.4, -0.2, 1.3])

    def f(t):
        return float(np.sum(np.exp(t)))

    steps = [10.0**k for k in range(-13, 0)]
    err = gradcheck.error_versus_step(f, x, np.exp(x), steps)
    best = int(np.argmin(err))
    assert 0 < best < len(steps) - 1
    assert err[0] > 100 * err[best] and err[-1] > 100 * err[best]
    assert err[best] < 1e-9
    fwd = gradcheck.error_versus_step(f, x, np.exp(x), steps, "forward")
    assert fwd.min() > err.min()  # O(h) truncation: never as good as central


def test_power_law_fit_recovers_a_known_law():
    x = np.array([10.0, 100.0, 1000.0])
    c, k = gradcheck.power_law_fit(x, 3e-4 * x**1.5)
    assert c == pytest.approx(3e-4) and k == pytest.approx(1.5)
    with pytest.raises(ValueError):
        gradcheck.power_law_fit([1.0, 1.0], [2.0, 3.0])
    with pytest.raises(ValueError):
        gradcheck.power_law_fit([1.0, 2.0], [0.0, 3.0])


def test_timing_uses_medians_and_fits_the_growth():
    cost = gradcheck.measure_gradient_cost(widths=(2, 8, 16), n=20, repeat=3, min_seconds=1e-4)
    assert list(cost["n_params"]) == [15, 105, 337]  # P = w² + 5w + 1
    for key in ("forward_s", "backprop_s", "fd_s", "fd_over_backprop"):
        assert cost[key].shape == (3,) and (cost[key] > 0).all()
    # central differences need 2P loss evaluations: their time grows about linearly in P,
    # backprop's far more slowly (loose bounds: the machine is shared)
    assert 0.6 < cost["fd_fit"][1] < 1.6
    assert cost["backprop_fit"][1] < cost["fd_fit"][1]
    assert cost["ratio_fit"][1] > 0.4
    assert cost["fd_over_backprop"][-1] > 20

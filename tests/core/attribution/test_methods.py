"""Attribution methods against closed forms and an independent integrator (scipy.quad)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import quad

from core.attribution import (
    IG_METHODS,
    completeness_gaps,
    gradient_saliency,
    gradient_x_input,
    integrated_gradients,
    mass_inside,
    noisy_copies,
    path_rule,
    pixel_map,
    random_map,
    smooth_integrated_gradients,
    smoothgrad,
)

finite = st.floats(-3, 3, allow_nan=False)


def linear_model(w, c=0.3):
    w = np.asarray(w, float)
    axes = tuple(range(1, w.ndim + 1))
    return (lambda X: (X * w).sum(axis=axes) + c), (lambda X: np.broadcast_to(w, X.shape).copy())


def smooth_model(w):
    """f(x) = tanh(w·x) + Σ sin(x_i): smooth and non-linear, with an analytic gradient."""

    def f(X):
        return np.tanh(X @ w) + np.sin(X).sum(axis=1)

    def grad_f(X):
        return (1 - np.tanh(X @ w) ** 2)[:, None] * w[None] + np.cos(X)

    return f, grad_f


@settings(max_examples=40, deadline=None)
@given(
    st.lists(finite, min_size=4, max_size=4),
    st.lists(finite, min_size=4, max_size=4),
    st.lists(finite, min_size=4, max_size=4),
    st.sampled_from(IG_METHODS),
    st.integers(2, 40),
)
def test_ig_equals_gradient_times_delta_on_linear_models(w, x, b, method, steps):
    w, x, b = map(np.array, (w, x, b))
    f, grad_f = linear_model(w)
    res = integrated_gradients(f, grad_f, x, b, steps=steps, method=method)
    np.testing.assert_allclose(res.attributions, w * (x - b), atol=1e-12)
    assert abs(res.gap) < 1e-10


def test_ig_matches_closed_form_for_a_quadratic():
    # f = Σ x², IG_i = x_i² − b_i² exactly; the integrand is linear in α, so trapezoid,
    # midpoint and Gauss–Legendre are exact with any step count, left/right are not.
    x, b = np.array([1.0, -2.0, 0.5]), np.array([0.2, 0.1, -0.4])

    def f(X):
        return (X**2).sum(axis=1)

    def g(X):
        return 2 * X

    for method in ("riemann_trapezoid", "riemann_middle", "gausslegendre"):
        res = integrated_gradients(f, g, x, b, steps=3, method=method)
        np.testing.assert_allclose(res.attributions, x**2 - b**2, atol=1e-12)
    left = integrated_gradients(f, g, x, b, steps=3, method="riemann_left")
    assert abs(left.gap) > 1e-3


def test_ig_matches_scipy_quad_on_a_smooth_model():
    rng = np.random.default_rng(1)
    w, x, b = rng.normal(size=5), rng.normal(size=5), rng.normal(size=5)
    f, grad_f = smooth_model(w)
    expected = [
        (x[i] - b[i]) * quad(lambda a, i=i: grad_f((b + a * (x - b))[None])[0, i], 0, 1)[0]
        for i in range(5)
    ]
    res = integrated_gradients(f, grad_f, x, b, steps=24, method="gausslegendre")
    np.testing.assert_allclose(res.attributions, expected, atol=1e-10)
    assert res.f_x == pytest.approx(f(x[None])[0])
    assert res.f_baseline == pytest.approx(f(b[None])[0])


@pytest.mark.parametrize("method", IG_METHODS)
def test_completeness_gap_goes_to_zero_as_steps_grow(method):
    rng = np.random.default_rng(2)
    w = rng.normal(size=6) * 2
    x, b = rng.normal(size=6), np.zeros(6)
    f, grad_f = smooth_model(w)
    grid = (4, 16, 64, 256) + ((4096,) if method in ("riemann_left", "riemann_right") else ())
    gaps = np.abs(completeness_gaps(f, grad_f, x, b, grid, (method,))[method])
    assert gaps[-1] < 1e-3
    assert gaps[-1] < gaps[0]
    assert np.all(np.diff(gaps) <= 1e-12)


def test_convergence_orders_match_the_quadrature_theory():
    rng = np.random.default_rng(3)
    w, x = rng.normal(size=4), rng.normal(size=4)
    f, grad_f = smooth_model(w)
    gaps = completeness_gaps(f, grad_f, x, np.zeros(4), (20, 40))
    # first-order rules halve their error, second-order ones quarter it, Gauss–Legendre is exact
    for m, ratio in (("riemann_left", 2), ("riemann_right", 2), ("riemann_middle", 4)):
        assert abs(gaps[m][0] / gaps[m][1]) == pytest.approx(ratio, rel=0.1)
    assert abs(gaps["riemann_trapezoid"][0] / gaps["riemann_trapezoid"][1]) == pytest.approx(
        (39 / 19) ** 2, rel=0.1
    )
    assert np.abs(gaps["gausslegendre"]).max() < 1e-12


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(IG_METHODS), st.integers(2, 30), st.integers(0, 3))
def test_path_rules_weights_sum_to_one_and_integrate_low_degree_polynomials(method, m, degree):
    alphas, weights = path_rule(method, m)
    assert alphas.shape == weights.shape == (m,)
    assert np.all((alphas >= 0) & (alphas <= 1))
    assert weights.sum() == pytest.approx(1.0)
    exact = 1 / (degree + 1)
    approx = float(weights @ alphas**degree)
    if method == "gausslegendre" and degree <= 2 * m - 1:
        assert approx == pytest.approx(exact, abs=1e-12)
    else:
        assert abs(approx - exact) <= 1.01 * degree / m + 1e-12


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match="Unknown"):
        path_rule("simpson", 10)
    with pytest.raises(ValueError, match="at least 2"):
        path_rule("riemann_trapezoid", 1)
    with pytest.raises(ValueError, match="sigma"):
        noisy_copies(np.zeros(3), sigma=-0.1)
    with pytest.raises(ValueError, match="sign"):
        pixel_map(np.zeros((2, 2, 3)), "both")


def test_saliency_and_gradient_x_input():
    rng = np.random.default_rng(4)
    w, x = rng.normal(size=(3, 3, 3)), rng.normal(size=(3, 3, 3))
    f, grad_f = linear_model(w)
    np.testing.assert_array_equal(gradient_saliency(grad_f, x), w)
    np.testing.assert_allclose(gradient_x_input(grad_f, x), w * x)
    # gradient × input is IG from a zero baseline for linear models
    ig = integrated_gradients(f, grad_f, x, np.zeros_like(x), steps=2)
    np.testing.assert_allclose(gradient_x_input(grad_f, x), ig.attributions)


def test_smoothgrad_is_reproducible_for_a_seed_and_varies_with_it():
    w = np.array([1.0, -2.0, 0.5])
    _, grad_f = smooth_model(w)
    x = np.array([0.3, -0.2, 1.0])
    a, b = smoothgrad(grad_f, x, seed=7), smoothgrad(grad_f, x, seed=7)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, smoothgrad(grad_f, x, seed=8))


@settings(max_examples=25, deadline=None)
@given(st.lists(finite, min_size=5, max_size=5), st.floats(0, 0.5), st.integers(1, 20))
def test_smoothgrad_equals_the_gradient_for_linear_models(w, sigma, samples):
    w = np.array(w)
    _, grad_f = linear_model(w)
    x = np.linspace(-1, 1, 5)
    np.testing.assert_allclose(smoothgrad(grad_f, x, sigma, samples), w, atol=1e-12)


def test_smoothgrad_noise_scale_is_a_fraction_of_the_range():
    x = np.array([0.0, 10.0, 4.0, 6.0])  # range 10
    noise = noisy_copies(x, sigma=0.2, samples=20000, seed=0) - x
    assert noise.std() == pytest.approx(2.0, rel=0.02)
    noise01 = noisy_copies(x, sigma=0.2, samples=20000, seed=0, value_range=(0, 1)) - x
    assert noise01.std() == pytest.approx(0.2, rel=0.02)


def test_smoothgrad_approaches_the_expected_gradient_of_a_nonlinear_model():
    # for f = Σ sin(x), E[cos(x + ε)] = cos(x)·exp(−s²/2) with ε ~ N(0, s²)
    f, grad_f = smooth_model(np.zeros(3))
    x = np.array([0.2, 1.0, -0.7])
    s = 0.15 * (x.max() - x.min())
    got = smoothgrad(grad_f, x, sigma=0.15, samples=40000, seed=1)
    np.testing.assert_allclose(got, np.cos(x) * np.exp(-(s**2) / 2), atol=5e-3)


def test_smooth_ig_equals_ig_for_linear_models_and_zero_noise_for_any_model():
    rng = np.random.default_rng(5)
    w, x, b = rng.normal(size=4), rng.normal(size=4), rng.normal(size=4)
    f, grad_f = linear_model(w)
    got = smooth_integrated_gradients(grad_f, x, b, steps=5, sigma=0.2, samples=200, seed=0)
    # the mean of (x + ε − b)·w over samples is (x − b)·w up to the sample mean of ε
    np.testing.assert_allclose(got, w * (x - b), atol=0.15 * np.abs(w).max())
    f2, g2 = smooth_model(w)
    ig = integrated_gradients(f2, g2, x, b, steps=16)
    sig = smooth_integrated_gradients(g2, x, b, steps=16, sigma=0.0, samples=3)
    np.testing.assert_allclose(sig, ig.attributions, atol=1e-12)


def test_pixel_map_signs():
    a = np.zeros((1, 2, 3))
    a[0, 0] = [1.0, 1.0, -0.5]  # sum 1.5
    a[0, 1] = [-2.0, 0.5, 0.0]  # sum −1.5
    np.testing.assert_allclose(pixel_map(a, "positive"), [[1.5, 0]])
    np.testing.assert_allclose(pixel_map(a, "negative"), [[0, 1.5]])
    np.testing.assert_allclose(pixel_map(a, "absolute"), [[1.5, 1.5]])


def test_mass_inside_closed_forms():
    mask = np.zeros((4, 4), bool)
    mask[:2, :2] = True
    heat = np.zeros((4, 4))
    heat[0, 0], heat[3, 3] = 3.0, 1.0
    assert mass_inside(heat, mask) == pytest.approx(0.75)
    assert mass_inside(np.zeros((4, 4)), mask) == pytest.approx(0.25)
    big = np.zeros((64, 64), bool)
    big[:16] = True
    assert mass_inside(random_map((64, 64), seed=1), big) == pytest.approx(0.25, abs=0.02)

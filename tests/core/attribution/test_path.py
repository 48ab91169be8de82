"""Quadrature rules against independent references, Captum's convention, and the path walk.

References: Gauss–Legendre nodes and weights from the Golub–Welsch eigenvalue problem (not from
``leggauss``, which the code uses) and from ``scipy.special.roots_legendre``; the trapezoid and
Riemann rules from their closed forms, written out here as Captum's ``approximation_methods.py``
states them (``step_sizes`` and ``alphas``); the walk against the fundamental theorem of calculus.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import roots_legendre

from core.attribution import (
    CONVENTIONS,
    IG_METHODS,
    completeness_gaps,
    integrated_gradients,
    path_points,
    path_rule,
    path_walk,
)
from tests.core.attribution.test_methods import smooth_model


def golub_welsch(m: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss–Legendre on [0, 1] from the Jacobi matrix of the shifted Legendre polynomials."""
    k = np.arange(1, m)
    off = k / (2 * np.sqrt(4 * k**2 - 1))  # recurrence coefficients on [0, 1]
    jacobi = np.diag(np.full(m, 0.5)) + np.diag(off, 1) + np.diag(off, -1)
    nodes, vectors = np.linalg.eigh(jacobi)
    return nodes, vectors[0] ** 2  # weight = μ₀ · (first component)², μ₀ = 1 on [0, 1]


def captum_rule(method: str, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Captum's ``riemann_builders``: steps 1/n (halved at both ends for the trapezoid)."""
    steps = np.full(n, 1 / n)
    if method == "riemann_trapezoid":
        steps[[0, -1]] /= 2
        return np.linspace(0, 1, n), steps
    alphas = {"riemann_left": np.linspace(0, 1 - 1 / n, n),
              "riemann_right": np.linspace(1 / n, 1, n),
              "riemann_middle": np.linspace(1 / (2 * n), 1 - 1 / (2 * n), n)}[method]
    return alphas, steps


@pytest.mark.parametrize("m", [1, 2, 3, 5, 8, 20, 64, 150])
@pytest.mark.parametrize("convention", CONVENTIONS)
def test_gauss_legendre_matches_golub_welsch_and_scipy(m, convention):
    alphas, weights = path_rule("gausslegendre", m, convention)
    nodes, gw = golub_welsch(m)
    np.testing.assert_allclose(alphas, nodes, atol=1e-13)
    np.testing.assert_allclose(weights, gw, rtol=1e-9, atol=1e-13)
    x, w = roots_legendre(m)
    np.testing.assert_allclose(alphas, (x + 1) / 2, atol=1e-14)
    np.testing.assert_allclose(weights, w / 2, rtol=1e-10)


@pytest.mark.parametrize("m", [2, 3, 5, 50, 201])
def test_textbook_trapezoid_is_the_composite_rule_in_closed_form(m):
    alphas, weights = path_rule("riemann_trapezoid", m)
    np.testing.assert_allclose(alphas, np.arange(m) / (m - 1), atol=1e-15)
    h = 1 / (m - 1)
    np.testing.assert_allclose(weights, [h / 2, *[h] * (m - 2), h / 2], rtol=1e-14)
    assert weights.sum() == pytest.approx(1.0, abs=1e-14)
    # exact for any straight line: ∫₀¹ (3 + 2α) dα = 4
    assert weights @ (3 + 2 * alphas) == pytest.approx(4.0, abs=1e-13)


@pytest.mark.parametrize("method", [m for m in IG_METHODS if m.startswith("riemann")])
@pytest.mark.parametrize("m", [2, 3, 7, 50])
def test_captum_convention_gives_captums_nodes_and_weights(method, m):
    alphas, weights = path_rule(method, m, "captum")
    expected_alphas, expected_weights = captum_rule(method, m)
    np.testing.assert_allclose(alphas, expected_alphas, atol=1e-15)
    np.testing.assert_allclose(weights, expected_weights, rtol=1e-14)
    total = (m - 1) / m if method == "riemann_trapezoid" else 1.0
    assert weights.sum() == pytest.approx(total, abs=1e-14)


@pytest.mark.parametrize("method", [m for m in IG_METHODS if m != "riemann_trapezoid"])
def test_only_the_trapezoid_differs_between_the_conventions(method):
    for m in (2, 9, 40):
        np.testing.assert_array_equal(path_rule(method, m), path_rule(method, m, "captum"))


@settings(max_examples=25, deadline=None)
@given(st.integers(2, 120), st.integers(0, 1000))
def test_captums_trapezoid_is_the_textbook_one_scaled_by_m_minus_1_over_m(m, seed):
    rng = np.random.default_rng(seed)
    w, x, b = rng.normal(size=(3, 5))
    f, grad_f = smooth_model(w)
    ours = integrated_gradients(f, grad_f, x, b, m)
    captum = integrated_gradients(f, grad_f, x, b, m, convention="captum")
    np.testing.assert_allclose(captum.attributions, (m - 1) / m * ours.attributions,
                               rtol=1e-12, atol=1e-15)
    assert captum.convention == "captum" and ours.convention == "textbook"
    delta = ours.f_x - ours.f_baseline
    assert captum.gap == pytest.approx((m - 1) / m * ours.gap - delta / m, abs=1e-12)


def test_captums_gap_falls_like_one_over_steps_ours_like_one_over_steps_squared():
    rng = np.random.default_rng(5)
    w, x = rng.normal(size=(2, 4))
    f, grad_f = smooth_model(w)
    grid = (20, 40, 80)
    ours = completeness_gaps(f, grad_f, x, np.zeros(4), grid, ("riemann_trapezoid",))
    captum = completeness_gaps(f, grad_f, x, np.zeros(4), grid, ("riemann_trapezoid",), "captum")
    ratio_ours = np.abs(ours["riemann_trapezoid"][:-1] / ours["riemann_trapezoid"][1:])
    ratio_captum = np.abs(captum["riemann_trapezoid"][:-1] / captum["riemann_trapezoid"][1:])
    np.testing.assert_allclose(ratio_captum, 2, rtol=0.1)
    assert np.all(ratio_ours > 3.5)


def test_bad_rules_are_clear_errors():
    with pytest.raises(ValueError, match="Unknown convention"):
        path_rule("riemann_left", 4, "pytorch")
    with pytest.raises(ValueError, match="at least 2"):
        path_rule("riemann_left", 1, "captum")
    assert path_rule("riemann_left", 1)[1].tolist() == [1.0]  # fine in the textbook convention
    with pytest.raises(ValueError, match="stops"):
        path_walk(np.sum, np.ones_like, np.ones(2), np.zeros(2), stops=1)


def linear(w, c=0.25):
    return (lambda X: X @ w + c), (lambda X: np.broadcast_to(w, X.shape).copy())


def test_path_points_run_from_the_baseline_to_the_input():
    x, b = np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[0.0, -2.0], [1.0, 0.0]])
    pts = path_points(x, b, np.array([0.0, 0.25, 1.0]))
    np.testing.assert_array_equal(pts[0], b)
    np.testing.assert_allclose(pts[1], b + 0.25 * (x - b))
    np.testing.assert_array_equal(pts[-1], x)


@pytest.mark.parametrize("method", IG_METHODS)
@pytest.mark.parametrize("convention", CONVENTIONS)
def test_walk_ends_at_the_integrated_gradients_sum_and_gap(method, convention):
    rng = np.random.default_rng(11)
    w, x, b = rng.normal(size=(3, 6))
    f, grad_f = smooth_model(w)
    walk = path_walk(f, grad_f, x, b, 17, method, convention, stops=21)
    ig = integrated_gradients(f, grad_f, x, b, 17, method, convention)
    at_start = walk.contributions[0] if method in ("riemann_left", "riemann_trapezoid") else 0.0
    assert walk.running_sum[0] == pytest.approx(at_start, abs=1e-15)  # a node at α = 0 counts
    assert walk.running_sum[-1] == pytest.approx(ig.attributions.sum(), abs=1e-12)
    assert walk.change[0] == 0.0
    assert walk.change[-1] == pytest.approx(ig.f_x - ig.f_baseline, abs=1e-14)
    assert walk.gap == pytest.approx(ig.gap, abs=1e-12)
    np.testing.assert_allclose(walk.points[0], b)
    np.testing.assert_allclose(walk.points[-1], x)


def test_running_sum_follows_the_change_of_the_output_for_a_fine_rule():
    """Fundamental theorem of calculus: Σ of the gradient along the path = change of f."""
    rng = np.random.default_rng(3)
    w, x, b = rng.normal(size=(3, 5))
    f, grad_f = smooth_model(w)
    walk = path_walk(f, grad_f, x, b, 4001, "riemann_trapezoid", stops=41)
    exact = np.array([f(p[None])[0] for p in walk.points]) - f(b[None])[0]
    np.testing.assert_allclose(walk.change, exact, atol=1e-13)
    # a trapezoid sum stopped at a node carries half that node's weight too much: O(1/m)
    assert np.abs(walk.running_sum - walk.change).max() < 2e-3


def test_running_sum_steps_only_at_nodes_and_is_exact_for_a_linear_model():
    w = np.array([0.5, -1.0, 2.0])
    f, grad_f = linear(w)
    x, b = np.array([1.0, 1.0, 1.0]), np.zeros(3)
    walk = path_walk(f, grad_f, x, b, 5, "riemann_right", stops=9)  # nodes 0.2, 0.4, …, 1
    share = w @ (x - b) / 5
    passed = np.floor(walk.alphas * 5 + 1e-9)
    np.testing.assert_allclose(walk.running_sum, share * passed, atol=1e-14)
    np.testing.assert_allclose(walk.change, walk.alphas * (w @ (x - b)), atol=1e-14)
    assert walk.nodes.tolist() == pytest.approx([0.2, 0.4, 0.6, 0.8, 1.0])

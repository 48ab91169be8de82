"""Surfaces: gradients and Hessians against finite differences, minima, lr limits, custom formulas."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.descent import catalogue as sf
from core.descent import optimize

BUILT_IN = [sf.make_surface(k) for k in sf.SURFACE_KEYS] + [
    sf.quadratic_bowl(50.0, -70.0, (0.7, -0.4)),
    sf.rosenbrock(2.0, 10.0),
    sf.cliff(5.0),
]
IDS = [s.key for s in BUILT_IN]


def central_grad(f, p, h=1e-6):
    e = np.eye(2) * h
    return np.array([(f(p + e[i]) - f(p - e[i])) / (2 * h) for i in range(2)])


def sample_points(surface, rng, n=12):
    lo = np.array([surface.x_range[0], surface.y_range[0]])
    hi = np.array([surface.x_range[1], surface.y_range[1]])
    return lo + (hi - lo) * rng.random((n, 2))


@pytest.mark.parametrize("surface", BUILT_IN, ids=IDS)
def test_gradient_matches_central_differences(surface):
    rng = np.random.default_rng(1)
    for p in sample_points(surface, rng):
        fd = central_grad(surface.loss, p)
        np.testing.assert_allclose(surface.grad(p), fd, rtol=1e-6, atol=1e-5 * (1 + abs(surface.loss(p))))


@pytest.mark.parametrize("surface", BUILT_IN, ids=IDS)
def test_hessian_matches_differences_of_the_gradient(surface):
    rng = np.random.default_rng(2)
    for p in sample_points(surface, rng):
        h = 1e-6
        fd = np.column_stack([(surface.grad(p + h * e) - surface.grad(p - h * e)) / (2 * h)
                              for e in np.eye(2)])
        hess = surface.hess(p)
        np.testing.assert_allclose(hess, hess.T)
        np.testing.assert_allclose(hess, fd, rtol=1e-5, atol=1e-4 * (1 + np.abs(hess).max()))


@pytest.mark.parametrize("surface", BUILT_IN, ids=IDS)
def test_known_minima_are_stationary_with_the_stated_value(surface):
    assert surface.minima
    for m in surface.minima:
        p = np.array(m)
        assert np.linalg.norm(surface.grad(p)) < 1e-9 * (1 + np.abs(surface.hess(p)).max())
        assert np.all(np.linalg.eigvalsh(surface.hess(p)) > 0)  # a true minimum
        assert surface.loss(p) == pytest.approx(surface.min_value, abs=1e-12)
    # nothing on a grid over the window is below the stated minimum
    _, _, z = surface.grid(121)
    assert np.nanmin(z) >= surface.min_value - 1e-12


def test_saddle_is_a_saddle():
    s = sf.saddle()
    assert np.allclose(s.grad(np.zeros(2)), 0)
    lam = np.linalg.eigvalsh(s.hess(np.zeros(2)))
    assert lam[0] < 0 < lam[1]


def test_grid_shape_orientation_and_vectorisation():
    s = sf.rosenbrock()
    xs, ys, z = s.grid(31)
    assert z.shape == (31, 31)
    assert z[5, 7] == pytest.approx(s.loss(np.array([xs[7], ys[5]])))


def test_bowl_hessian_eigenvalues_and_lr_limits_closed_form():
    for kappa, angle in [(1.0, 0.0), (10.0, 30.0), (100.0, -45.0)]:
        s = sf.quadratic_bowl(kappa, angle)
        lim = sf.lr_limits(s.hess(np.array([0.3, 0.2])))
        assert lim.eigenvalues == pytest.approx((1.0, kappa))
        assert lim.lr_max == pytest.approx(2 / kappa)
        assert lim.lr_best == pytest.approx(2 / (1 + kappa))
        assert lim.best_factor == pytest.approx((kappa - 1) / (kappa + 1), abs=1e-12)
        assert lim.factor(lim.lr_best) == pytest.approx(lim.best_factor, abs=1e-12)
        assert lim.factor(0.99 * lim.lr_max) < 1 < lim.factor(1.01 * lim.lr_max)
    # the long axis is rotated by the angle: the eigenvector of lambda=1 points along it
    s = sf.quadratic_bowl(4.0, 30.0)
    th = np.radians(30.0)
    direction = np.array([np.cos(th), np.sin(th)])
    np.testing.assert_allclose(s.hess(np.zeros(2)) @ direction, direction, atol=1e-12)


def test_bowl_with_a_chosen_smallest_curvature():
    s = sf.quadratic_bowl(25.0, 30.0, lambda_min=1 / 25)
    np.testing.assert_allclose(np.linalg.eigvalsh(s.hess(np.zeros(2))), [0.04, 1.0])
    assert s.loss(np.array([1.0, 2.0])) == pytest.approx(
        sf.quadratic_bowl(25.0, 30.0).loss(np.array([1.0, 2.0])) / 25)
    for bad in (0.0, -1.0, np.inf):
        with pytest.raises(ValueError):
            sf.quadratic_bowl(10.0, lambda_min=bad)


def test_lr_limits_indefinite_and_negative():
    lim = sf.lr_limits(np.diag([-1.0, 2.0]))
    assert lim.lr_max == pytest.approx(1.0) and lim.lr_best is None
    assert sf.lr_limits(-np.eye(2)).lr_max is None


@pytest.mark.parametrize("lr_scale, diverges", [(0.9, False), (1.1, True)])
def test_gd_on_the_bowl_diverges_exactly_past_the_limit(lr_scale, diverges):
    s = sf.quadratic_bowl(20.0, 15.0, (1.0, -0.5))
    lr = lr_scale * sf.lr_limits(s.hess(np.zeros(2))).lr_max
    traj = optimize(s.grad, s.start, "sgd", lr, 2000, loss=s.loss)
    assert (traj.diverged_at is not None) == diverges


def test_gd_on_the_bowl_with_linear_term_matches_closed_form():
    s = sf.quadratic_bowl(8.0, 40.0, (0.6, -1.1))  # f = 1/2 p'Ap - b'p + const, b = A c
    a = s.hess(np.zeros(2))
    b = -s.grad(np.zeros(2))  # grad(0) = -b
    x_star = np.linalg.solve(a, b)
    lr, x0 = 0.2, np.array(s.start)
    traj = optimize(s.grad, x0, "sgd", lr, 60, loss=s.loss)
    m = np.eye(2) - lr * a
    expected = [x_star + np.linalg.matrix_power(m, k) @ (x0 - x_star) for k in range(61)]
    np.testing.assert_allclose(traj.points, expected, atol=1e-12)
    np.testing.assert_allclose(x_star, [0.6, -1.1])


def test_bad_arguments():
    with pytest.raises(ValueError):
        sf.quadratic_bowl(0.5)
    with pytest.raises(ValueError):
        sf.make_surface("volcano")


# ---------- custom surfaces, from the shared expression parser ----------

expressions = pytest.importorskip("core.formula.expression")


def test_custom_surface_derivatives_are_symbolic_and_exact():
    s = sf.custom_surface(expressions.parse("x^2*y + sin(x*y)"))
    for p in [np.array([0.3, -1.2]), np.array([2.0, 0.5])]:
        x, y = p
        np.testing.assert_allclose(s.grad(p), [2 * x * y + y * np.cos(x * y),
                                               x * x + x * np.cos(x * y)], rtol=1e-13)
        hxy = 2 * x + np.cos(x * y) - x * y * np.sin(x * y)
        np.testing.assert_allclose(s.hess(p), [[2 * y - y * y * np.sin(x * y), hxy],
                                               [hxy, -x * x * np.sin(x * y)]], rtol=1e-12)
    _, _, z = s.grid(11)
    assert z.shape == (11, 11) and np.all(np.isfinite(z))


def test_custom_surface_constant_and_undefined_regions():
    s = sf.custom_surface(expressions.parse("3"))
    _, _, z = s.grid(5)
    assert z.shape == (5, 5) and np.all(z == 3)
    assert np.all(s.grad(np.array([1.0, 1.0])) == 0)
    s = sf.custom_surface(expressions.parse("log(x) + y^2"), (-1.0, 2.0), (-1.0, 1.0), (1.5, 0.5))
    _, _, z = s.grid(7)
    assert np.isnan(z[:, 0]).all() and np.isfinite(z[:, -1]).all()
    traj = optimize(s.grad, s.start, "sgd", 0.5, 50, loss=s.loss)
    assert np.all(np.isfinite(traj.points))
    with pytest.raises(ValueError):
        sf.custom_surface(expressions.parse("x"), (1.0, 1.0))


@settings(max_examples=25, deadline=None)
@given(st.floats(-2, 2), st.floats(-2, 2))
def test_custom_formula_agrees_with_the_built_in_rosenbrock(x, y):
    s = sf.custom_surface(expressions.parse("(1 - x)^2 + 100*(y - x^2)^2"))
    r = sf.rosenbrock()
    p = np.array([x, y])
    assert s.loss(p) == pytest.approx(r.loss(p), rel=1e-12, abs=1e-12)
    np.testing.assert_allclose(s.grad(p), r.grad(p), rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(s.hess(p), r.hess(p), rtol=1e-12, atol=1e-9)


@pytest.mark.parametrize("method, m", [("sgd", 0.9), ("momentum", 0.9), ("momentum", 0.5),
                                       ("nesterov", 0.9), ("nesterov", 0.3)])
def test_method_limits_separate_convergence_from_divergence(method, m):
    s = sf.quadratic_bowl(12.0, 20.0)
    limit = sf.lr_limits(s.hess(np.zeros(2))).limit_for(method, m)
    below = optimize(s.grad, s.start, method, 0.97 * limit, 3000, loss=s.loss, momentum=m)
    above = optimize(s.grad, s.start, method, 1.03 * limit, 3000, loss=s.loss, momentum=m)
    assert below.diverged_at is None and below.losses[-1] < 1e-6
    assert above.diverged_at is not None
    assert sf.lr_limits(s.hess(np.zeros(2))).limit_for("adam") is None

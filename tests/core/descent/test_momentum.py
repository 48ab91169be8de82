"""Momentum on a quadratic: the rate against numerical spectral radii, the optimum against its
closed form and a brute-force grid search, critical damping, and the error per eigenvector
against real optimizer runs."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.descent import (
    critical_damping,
    error_by_eigenvector,
    lr_limits,
    momentum_rate,
    optimal_momentum,
    optimize,
    quadratic_bowl,
)


def spectral_radius(alpha, beta, lam):
    """rho of the 2 x 2 heavy-ball iteration matrix, computed numerically."""
    matrix = np.array([[beta, lam], [-alpha * beta, 1.0 - alpha * lam]])
    return float(np.max(np.abs(np.linalg.eigvals(matrix))))


def test_rate_equals_numerical_spectral_radius_on_a_grid():
    eigenvalues = (1.0, 7.0, 30.0)
    alphas = np.linspace(0.0, 0.16, 41)
    betas = np.linspace(0.0, 0.99, 34)
    rates = momentum_rate(alphas[None, :], betas[:, None], eigenvalues)
    assert rates.shape == (34, 41)
    expected = np.array([[max(spectral_radius(a, b, lam) for lam in eigenvalues) for a in alphas]
                         for b in betas])
    np.testing.assert_allclose(rates, expected, rtol=1e-7, atol=1e-7)


@settings(max_examples=200, deadline=None)
@given(alpha=st.floats(0.0, 5.0), beta=st.floats(0.0, 1.2), lam=st.floats(0.01, 10.0))
def test_rate_matches_eigvals_everywhere(alpha, beta, lam):
    # atol: at a double root, eigvals carries an error of order sqrt(machine epsilon)
    assert float(momentum_rate(alpha, beta, [lam])) == pytest.approx(
        spectral_radius(alpha, beta, lam), rel=1e-6, abs=1e-6)


def test_rate_is_the_observed_decay_of_a_momentum_run():
    """Over many steps the error of a real optimizer run shrinks like rate ** t."""
    s = quadratic_bowl(25.0, 30.0)
    alpha, beta = 0.05, 0.6
    traj = optimize(s.grad, s.start, "momentum", alpha, 400, momentum=beta)
    err = np.linalg.norm(traj.points, axis=1)  # the minimum is the origin
    observed = (err[400] / err[200]) ** (1 / 200)
    assert observed == pytest.approx(float(momentum_rate(alpha, beta, (1.0, 25.0))), rel=2e-3)


def test_without_momentum_it_is_gradient_descent_factor():
    lam = (2.0, 9.0)
    alphas = np.linspace(0.0, 0.4, 17)
    np.testing.assert_allclose(momentum_rate(alphas, 0.0, lam),
                               [max(abs(1 - a * v) for v in lam) for a in alphas])
    limits = lr_limits(np.diag(lam))
    assert limits.factor(0.1) == pytest.approx(0.8)  # LrLimits delegates to the same formula


def test_stability_boundary_is_the_momentum_lr_limit():
    lam_max = 20.0
    limits = lr_limits(np.diag([1.0, lam_max]))
    for beta in (0.0, 0.3, 0.9):
        limit = limits.limit_for("momentum", beta)  # 2 (1 + beta) / lambda_max
        assert float(momentum_rate(limit * 0.999, beta, (1.0, lam_max))) < 1.0
        assert float(momentum_rate(limit * 1.001, beta, (1.0, lam_max))) > 1.0


@pytest.mark.parametrize(("lo", "hi"), [(1.0, 1.0), (1.0, 10.0), (1.0, 25.0), (0.3, 120.0)])
def test_optimum_closed_form_and_brute_force(lo, hi):
    alpha, beta, rate = optimal_momentum(lo, hi)
    kappa = hi / lo
    assert alpha == pytest.approx((2 / (np.sqrt(lo) + np.sqrt(hi))) ** 2)
    assert beta == pytest.approx(((np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)) ** 2)
    assert rate == pytest.approx(np.sqrt(beta))
    assert float(momentum_rate(alpha, beta, (lo, hi))) == pytest.approx(rate, abs=1e-7)
    # no pair on a fine grid around it does better
    alphas = np.linspace(0.5 * alpha, 1.5 * alpha, 301)
    betas = np.linspace(0.0, 0.999, 301)
    best = momentum_rate(alphas[None, :], betas[:, None], (lo, hi)).min()
    assert best >= rate - 1e-6
    assert best <= rate + 0.02  # and the grid gets close to it
    if kappa > 1:  # momentum beats the best plain gradient descent
        assert rate < (kappa - 1) / (kappa + 1)


def test_optimum_rejects_bad_spectra():
    for lo, hi in ((0.0, 1.0), (2.0, 1.0), (-1.0, 3.0), (1.0, np.inf)):
        with pytest.raises(ValueError):
            optimal_momentum(lo, hi)


def test_critical_damping_is_where_the_eigenvalues_meet():
    lam = 4.0
    alphas = np.linspace(0.0, 1.0, 21)
    betas = critical_damping(alphas, lam)
    assert np.isnan(critical_damping(1.01, lam)) and np.isnan(critical_damping(-0.1, lam))
    for a, b in zip(alphas, betas, strict=True):
        trace = 1 + b - a * lam
        assert trace * trace - 4 * b == pytest.approx(0.0, abs=1e-12)  # a double root
        assert 0.0 <= b <= 1.0
        assert float(momentum_rate(a, b, [lam])) == pytest.approx(np.sqrt(b))


def test_the_optimum_lies_on_both_critical_curves():
    alpha, beta, _ = optimal_momentum(1.0, 25.0)
    assert float(critical_damping(alpha, 1.0)) == pytest.approx(beta)
    assert float(critical_damping(alpha, 25.0)) == pytest.approx(beta)


def test_momentum_rate_validates():
    with pytest.raises(ValueError):
        momentum_rate(0.1, 0.5, [])
    with pytest.raises(ValueError):
        momentum_rate(0.1, -0.5, [1.0])


def test_error_split_reconstructs_the_error_and_the_loss():
    s = quadratic_bowl(10.0, 30.0, (0.5, -0.2))
    traj = optimize(s.grad, s.start, "momentum", 0.05, 60, loss=s.loss, momentum=0.7)
    hess = s.hess(np.zeros(2))
    lam, comps = error_by_eigenvector(traj.points, hess, s.minima[0])
    np.testing.assert_allclose(lam, [1.0, 10.0])
    assert np.all(comps[0] >= 0)
    np.testing.assert_allclose(np.linalg.norm(comps, axis=1),
                               np.linalg.norm(traj.points - np.array(s.minima[0]), axis=1))
    np.testing.assert_allclose(0.5 * (comps**2) @ lam, traj.losses, rtol=1e-10, atol=1e-14)


def test_error_split_of_gradient_descent_decays_exactly_by_one_minus_lr_lambda():
    s = quadratic_bowl(8.0, -40.0)
    lr = 0.1
    traj = optimize(s.grad, s.start, "sgd", lr, 30)
    lam, comps = error_by_eigenvector(traj.points, s.hess(np.zeros(2)), (0.0, 0.0))
    t = np.arange(31)[:, None]
    np.testing.assert_allclose(comps, comps[0] * (1 - lr * lam) ** t, atol=1e-12)

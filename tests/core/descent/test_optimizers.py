"""Optimizer rules against hand-computed steps and closed forms (torch is not installed)."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import core.descent as opt


def run_rule(method, grads, lr=0.1, x0=0.0, **kw):
    """Feed a fixed sequence of 1-D gradients to `step`; return the points after each step."""
    x = np.array([x0])
    state = opt.init_state(method, 1)
    out = []
    for t, g in enumerate(grads, start=1):
        x, state = opt.step(method, x, np.array([g]), state, lr, t, **kw)
        out.append(float(x[0]))
    return out


# ---------- hand-computed steps (two steps each, gradients 2 then 1 unless stated) ----------


def test_sgd_hand_step():
    x, state = opt.step("sgd", np.array([1.0, 2.0]), np.array([0.5, -1.0]), {}, 0.1, 1)
    assert x == pytest.approx([0.95, 2.1])
    assert state == {}


def test_momentum_hand_steps():
    # b1 = 1, x1 = -0.1 ; b2 = 0.9*1 + 2 = 2.9, x2 = -0.1 - 0.29
    assert run_rule("momentum", [1.0, 2.0]) == pytest.approx([-0.1, -0.39])


def test_momentum_first_step_uses_gradient_as_buffer():
    # torch: buf = g on the first step (not (1-dampening) g or anything scaled)
    x, state = opt.step("momentum", np.array([0.0]), np.array([3.0]), opt.init_state("momentum", 1),
                        0.1, 1, momentum=0.5)
    assert state["momentum_buffer"] == pytest.approx([3.0])
    assert x == pytest.approx([-0.3])


def test_nesterov_hand_steps():
    # b1 = 1, d1 = 1 + 0.9*1 = 1.9 ; b2 = 2.9, d2 = 2 + 0.9*2.9 = 4.61
    expected = [-0.19, -0.19 - 0.461]
    assert run_rule("nesterov", [1.0, 2.0]) == pytest.approx(expected)
    assert run_rule("momentum", [1.0, 2.0], nesterov=True) == pytest.approx(expected)


def test_adagrad_hand_steps():
    # s1 = 4 -> step 0.1*2/(2+1e-10); s2 = 5 -> step 0.1*1/(sqrt5 + 1e-10)
    x1 = -0.1 * 2 / (2 + 1e-10)
    x2 = x1 - 0.1 / (math.sqrt(5) + 1e-10)
    assert run_rule("adagrad", [2.0, 1.0]) == pytest.approx([x1, x2], rel=1e-14)


def test_rmsprop_hand_steps():
    # v1 = 0.01*4 = 0.04 ; v2 = 0.99*0.04 + 0.01*1 = 0.0496
    x1 = -0.1 * 2 / (0.2 + 1e-8)
    x2 = x1 - 0.1 * 1 / (math.sqrt(0.0496) + 1e-8)
    assert run_rule("rmsprop", [2.0, 1.0]) == pytest.approx([x1, x2], rel=1e-14)


def test_adam_hand_steps():
    # m1 = 0.2, v1 = 0.004 ; m2 = 0.9*0.2 + 0.1 = 0.28 ; v2 = 0.999*0.004 + 0.001 = 0.004996
    x1 = -0.1 / (1 - 0.9) * 0.2 / (math.sqrt(0.004) / math.sqrt(1 - 0.999) + 1e-8)
    x2 = x1 - 0.1 / (1 - 0.81) * 0.28 / (math.sqrt(0.004996) / math.sqrt(1 - 0.999**2) + 1e-8)
    got = run_rule("adam", [2.0, 1.0])
    assert got == pytest.approx([x1, x2], rel=1e-13)
    assert got[0] == pytest.approx(-0.1, rel=1e-8)  # Adam's first step is lr * sign(g)


def test_custom_eps_and_betas_are_used():
    x, _ = opt.step("adam", np.array([0.0]), np.array([1.0]), opt.init_state("adam", 1), 1.0, 1,
                    betas=(0.5, 0.5), eps=1.0)
    # m1 = 0.5, v1 = 0.5 ; m_hat = 1, sqrt(v_hat) = 1 -> step 1/(1+1)
    assert x == pytest.approx([-0.5])


# ---------- closed forms over many steps with a constant gradient ----------


def test_momentum_constant_gradient_geometric_sum():
    m, lr, g, n = 0.8, 0.05, 1.5, 30
    got = run_rule("momentum", [g] * n, lr=lr, momentum=m)
    expected = [-lr * g * sum((1 - m**k) / (1 - m) for k in range(1, t + 1)) for t in range(1, n + 1)]
    assert got == pytest.approx(expected, rel=1e-12)


def test_adagrad_constant_gradient_harmonic_root_sum():
    got = run_rule("adagrad", [3.0] * 20, lr=0.2)
    expected = [-0.2 * sum(1 / math.sqrt(k) for k in range(1, t + 1)) for t in range(1, 21)]
    assert got == pytest.approx(expected, rel=1e-9)


def test_rmsprop_constant_gradient_closed_form():
    a = 0.9
    got = run_rule("rmsprop", [2.0] * 15, lr=0.01, alpha=a)
    # v_t = g^2 (1 - a^t)  ->  step = lr / sqrt(1 - a^t)
    expected = np.cumsum([-0.01 / math.sqrt(1 - a**t) for t in range(1, 16)])
    assert got == pytest.approx(expected, rel=1e-7)


def test_adam_constant_gradient_moves_lr_per_step():
    got = run_rule("adam", [-4.0] * 25, lr=0.03)
    assert got == pytest.approx([0.03 * t for t in range(1, 26)], rel=1e-8)


# ---------- quadratics: closed forms ----------


def quadratic(A, b):
    return (lambda x: A @ x - b), (lambda x: 0.5 * x @ A @ x - b @ x)


A_SPD = np.array([[3.0, 1.0], [1.0, 2.0]])
B_VEC = np.array([1.0, -2.0])


def test_gd_matches_matrix_power_closed_form():
    grad, loss = quadratic(A_SPD, B_VEC)
    x0, lr, n = np.array([2.0, -1.5]), 0.15, 40
    traj = opt.optimize(grad, x0, "sgd", lr, n, loss=loss)
    x_star = np.linalg.solve(A_SPD, B_VEC)
    M = np.eye(2) - lr * A_SPD
    expected = np.array([x_star + np.linalg.matrix_power(M, k) @ (x0 - x_star) for k in range(n + 1)])
    np.testing.assert_allclose(traj.points, expected, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(traj.losses, [loss(p) for p in expected], rtol=1e-12)
    assert traj.diverged_at is None and traj.points.shape == (n + 1, 2)
    assert traj.grads.shape == (n, 2)
    np.testing.assert_allclose(traj.grads, [grad(p) for p in expected[:-1]], atol=1e-12)


@pytest.mark.parametrize("nesterov", [False, True])
def test_momentum_matches_linear_system_closed_form(nesterov):
    # heavy ball on grad = A x - b: (x_k, b_k) evolves linearly; iterate the block matrix power.
    grad, _ = quadratic(A_SPD, B_VEC)
    lr, m, x0, n = 0.1, 0.7, np.array([1.0, 1.0]), 25
    x_star = np.linalg.solve(A_SPD, B_VEC)
    eye = np.eye(2)
    # b_k = m b + A e ; e_k = e - lr (A e + m b_k) [nesterov] or e - lr b_k
    to_b = np.hstack([A_SPD, m * eye])  # b_k from (e, b)
    c = (A_SPD + m * A_SPD) if nesterov else A_SPD
    cb = m * m * eye if nesterov else m * eye
    T = np.vstack([np.hstack([eye - lr * c, -lr * cb]), to_b])
    z0 = np.concatenate([x0 - x_star, np.zeros(2)])
    expected = [x_star + (np.linalg.matrix_power(T, k) @ z0)[:2] for k in range(n + 1)]
    traj = opt.optimize(grad, x0, "nesterov" if nesterov else "momentum", lr, n, momentum=m)
    np.testing.assert_allclose(traj.points, expected, rtol=1e-11, atol=1e-12)


# ---------- divergence ----------


def test_divergence_step_matches_closed_form():
    lam, lr, x0 = 4.0, 0.6, 1.0  # factor 1 - lr*lam = -1.4, beyond the limit 2/lam = 0.5
    traj = opt.optimize(lambda x: lam * x, [x0], "sgd", lr, 500, loss=lambda x: 0.5 * lam * x[0] ** 2)
    k = next(k for k in range(1, 500) if 0.5 * lam * (1.4 ** k * x0) ** 2 > 1e12)
    assert traj.diverged_at == k
    assert len(traj.points) == k  # x_0 .. x_{k-1}
    assert np.all(np.isfinite(traj.points)) and np.all(traj.losses <= 1e12)
    assert len(traj.grads) == k  # includes the gradient whose step blew up
    np.testing.assert_allclose(traj.points[:, 0], [(-1.4) ** j for j in range(k)], rtol=1e-12)


def test_divergence_without_loss_stops_at_overflow():
    traj = opt.optimize(lambda x: 1e3 * x, [1.0], "sgd", 1.0, 10_000)
    # x_k = (-999)^k overflows float64 once 999^k > 1.797e308 (k = 103)
    k = next(k for k in range(1, 200) if k * math.log(999) > math.log(np.finfo(float).max))
    assert traj.diverged_at == k and np.all(np.isfinite(traj.points))


def test_nonfinite_gradient_counts_as_divergence():
    traj = opt.optimize(lambda x: np.array([np.nan]) if x[0] < 0 else np.array([1.0]), [0.25],
                        "sgd", 0.1, 10)
    assert traj.diverged_at == 4  # x: .25, .15, .05, -.05 -> NaN gradient at step 4
    assert len(traj.points) == 4 and len(traj.grads) == 3


def test_nan_loss_is_divergence():
    traj = opt.optimize(lambda x: np.ones(1), [0.25], "sgd", 0.1, 10,
                        loss=lambda x: math.sqrt(x[0]) if x[0] >= 0 else math.nan)
    assert traj.diverged_at == 3 and np.all(np.isfinite(traj.losses))


@pytest.mark.parametrize("method", opt.METHODS)
def test_every_method_converges_on_a_bowl(method):
    lr = {"sgd": 0.1, "momentum": 0.05, "nesterov": 0.05, "adagrad": 0.5,
          "rmsprop": 0.01, "adam": 0.05}[method]
    traj = opt.optimize(lambda x: 2 * x, [1.0, -2.0], method, lr, 400, loss=lambda x: x @ x)
    assert traj.diverged_at is None
    assert traj.losses[-1] < 1e-3 * traj.losses[0]


# ---------- bad input ----------


def test_unknown_method_and_bad_arguments_raise_value_error():
    with pytest.raises(ValueError, match="Unknown optimizer"):
        opt.init_state("lbfgs", 2)
    with pytest.raises(ValueError):
        opt.step("adamw", np.zeros(1), np.zeros(1), {}, 0.1, 1)
    with pytest.raises(ValueError):
        opt.step("adam", np.zeros(1), np.zeros(1), opt.init_state("adam", 1), 0.1, 0)
    with pytest.raises(ValueError):
        opt.optimize(lambda x: x, [1.0], "sgd", 0.0, 5)
    with pytest.raises(ValueError):
        opt.optimize(lambda x: x, [np.inf], "sgd", 0.1, 5)
    with pytest.raises(ValueError):
        opt.optimize(lambda x: x, [1.0], "sgd", 0.1, 5, loss=lambda x: math.inf)
    with pytest.raises(ValueError):
        opt.clip_grad_norm(np.ones(2), 0.0)
    with pytest.raises(ValueError):
        opt.clip_grad_value(np.ones(2), -1.0)


def test_init_state_zero_buffers_of_length_n():
    for method in opt.METHODS:
        state = opt.init_state(method, 7)
        assert all(v.shape == (7,) and not v.any() for v in state.values())
    assert set(opt.init_state("adam", 3)) == {"exp_avg", "exp_avg_sq"}


@pytest.mark.parametrize("method", opt.METHODS)
def test_step_does_not_mutate_inputs(method):
    x, g = np.array([1.0, -2.0, 0.5]), np.array([0.3, 0.1, -4.0])
    state = opt.init_state(method, 3)
    state = opt.step(method, x, g, state, 0.1, 1)[1]
    before = {k: v.copy() for k, v in state.items()}
    x_copy, g_copy = x.copy(), g.copy()
    opt.step(method, x, g, state, 0.1, 2)
    np.testing.assert_array_equal(x, x_copy)
    np.testing.assert_array_equal(g, g_copy)
    for k, v in state.items():
        np.testing.assert_array_equal(v, before[k])


# ---------- clipping ----------

finite = st.floats(-1e6, 1e6, allow_nan=False)
grads = arrays(np.float64, st.integers(1, 8), elements=finite)
thresholds = st.floats(1e-3, 1e3)


@settings(max_examples=150, deadline=None)
@given(grads, thresholds)
def test_norm_clip_bounds_norm_and_keeps_direction(g, max_norm):
    out, was = opt.clip_grad_norm(g, max_norm)
    norm = np.linalg.norm(g)
    assert np.linalg.norm(out) <= max_norm * (1 + 1e-12) or not was
    assert was == (max_norm / (norm + 1e-6) < 1)
    if was:
        # exactly torch's coefficient, and a positive multiple of g: same direction
        np.testing.assert_allclose(out, g * (max_norm / (norm + 1e-6)), rtol=1e-15)
        if norm > 0:
            cos = out @ g / (np.linalg.norm(out) * norm)
            assert cos == pytest.approx(1.0, abs=1e-12)
    else:
        np.testing.assert_array_equal(out, g)


@settings(max_examples=150, deadline=None)
@given(grads, thresholds)
def test_value_clip_bounds_components(g, c):
    out, was = opt.clip_grad_value(g, c)
    assert np.all(np.abs(out) <= c)
    assert was == bool(np.any(np.abs(g) > c))
    keep = np.abs(g) <= c
    np.testing.assert_array_equal(out[keep], g[keep])
    np.testing.assert_array_equal(out[~keep], np.sign(g[~keep]) * c)


def test_value_clip_can_turn_the_gradient_but_norm_clip_cannot():
    g = np.array([100.0, 1.0])
    by_norm, _ = opt.clip_grad_norm(g, 1.0)
    by_value, _ = opt.clip_grad_value(g, 1.0)
    cos = opt.gradient_cosines(np.array([g, g]), np.array([by_norm, by_value]))
    assert cos[0] == pytest.approx(1.0, abs=1e-14)
    assert cos[1] == pytest.approx(101 / (math.hypot(100, 1) * math.sqrt(2)))


def test_optimize_records_raw_and_clipped_gradients():
    # 1-D cliff: gradient 50 everywhere, norm-clipped to 1 -> steps of lr * 1/(50+1e-6) * 50
    traj = opt.optimize(lambda x: np.array([50.0]), [0.0], "sgd", 0.1, 3, clip_norm=1.0)
    np.testing.assert_allclose(traj.grad_norms, [50.0] * 3)
    np.testing.assert_allclose(traj.used_norms, [50 / (50 + 1e-6)] * 3)
    assert traj.clipped.all()
    np.testing.assert_allclose(traj.points[:, 0], [-0.1 * k * 50 / (50 + 1e-6) for k in range(4)])
    traj = opt.optimize(lambda x: np.array([0.5, 3.0]), [0.0, 0.0], "sgd", 1.0, 2, clip_value=1.0)
    np.testing.assert_allclose(traj.points[-1], [-1.0, -2.0])
    assert traj.clipped.tolist() == [True, True]


def test_vector_norm_survives_huge_entries_and_clip_still_scales():
    g = np.array([3e200, 4e200])
    assert opt.vector_norm(g) == pytest.approx(5e200)
    out, was = opt.clip_grad_norm(g, 1.0)
    assert was and np.linalg.norm(out / 1e-200 * 1e-200) == pytest.approx(1.0)
    np.testing.assert_allclose(out, [0.6, 0.8])
    assert opt.vector_norm(np.array([1.0, np.inf])) == np.inf


spd = st.tuples(st.floats(0.1, 10), st.floats(0.1, 10), st.floats(0, np.pi))


@settings(max_examples=60, deadline=None)
@given(spd, st.floats(0.05, 0.95), st.floats(-3, 3), st.floats(-3, 3))
def test_gd_below_the_limit_decreases_a_quadratic_monotonically(eig, frac, x, y):
    lam1, lam2, th = eig
    r = np.array([[np.cos(th), -np.sin(th)], [np.sin(th), np.cos(th)]])
    a = r @ np.diag([lam1, lam2]) @ r.T
    lr = frac * 2 / max(lam1, lam2)
    traj = opt.optimize(lambda p: a @ p, [x, y], "sgd", lr, 60, loss=lambda p: 0.5 * p @ a @ p)
    assert traj.diverged_at is None
    assert np.all(np.diff(traj.losses) <= 1e-12 * (1 + traj.losses[:-1]))


@settings(max_examples=40, deadline=None)
@given(st.floats(0.5, 10), st.floats(1.05, 3.0))
def test_gd_past_the_limit_diverges(lam, factor):
    lr = factor * 2 / lam
    traj = opt.optimize(lambda p: lam * p, [1.0], "sgd", lr, 5000, loss=lambda p: 0.5 * lam * p[0] ** 2)
    assert traj.diverged_at is not None
    assert np.all(np.isfinite(traj.points)) and traj.losses.max() <= 1e12

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.nn import flatten, layer_sizes_of, mlp, n_params, unflatten


def _labels(loss, rng, n, k=4):
    """Targets a loss takes: 0/1 for bce, real values for mse, classes 0..k-1 for ce."""
    if loss == "ce":
        return rng.integers(0, k, n).astype(float)
    if loss == "mse":
        return rng.normal(size=n)
    return (rng.random(n) > 0.5).astype(float)


def _outputs(loss, k=4):
    return k if loss == "ce" else 1


def _fd_grads(params, X, y, activation, loss, l2, h=1e-6, l1=0.0):
    """Central differences of mlp.loss_value, one parameter at a time (independent of backprop)."""
    sizes = layer_sizes_of(params)
    theta = flatten(params)
    g = np.zeros_like(theta)
    for i in range(theta.size):
        tp, tm = theta.copy(), theta.copy()
        tp[i] += h
        tm[i] -= h
        fp = mlp.loss_value(unflatten(tp, sizes), X, y, activation, loss, l2, l1)
        fm = mlp.loss_value(unflatten(tm, sizes), X, y, activation, loss, l2, l1)
        g[i] = (fp - fm) / (2 * h)
    return g


def _rel_err(a, b):
    return np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b)))


@pytest.mark.parametrize("activation", mlp.ACTIVATIONS)
@pytest.mark.parametrize("loss", mlp.LOSSES)
def test_gradients_match_finite_differences(activation, loss):
    rng = np.random.default_rng(3)
    params = mlp.init_params((3, 5, 4, _outputs(loss)), seed=1)
    # move biases off zero so relu kinks are not hit exactly
    params = [(W, rng.normal(0, 0.3, b.shape)) for W, b in params]
    X = rng.normal(size=(17, 3))
    y = _labels(loss, rng, 17)
    value, grads = mlp.loss_and_grads(params, X, y, activation, loss, l2=0.03, l1=0.02)
    assert value == pytest.approx(
        mlp.loss_value(params, X, y, activation, loss, 0.03, 0.02), rel=1e-12)
    fd = _fd_grads(params, X, y, activation, loss, 0.03, h=1e-5, l1=0.02)
    g = flatten(grads)
    big = np.abs(fd) > 1e-4  # relative where central differences' round-off (~1e-10) allows
    assert _rel_err(g[big], fd[big]) < 1e-6
    np.testing.assert_allclose(g[~big], fd[~big], atol=1e-9)


def test_bce_closed_form_and_stability():
    # one-layer net = logistic regression with known loss
    params = [(np.array([[2.0], [-1.0]]), np.array([0.5]))]
    X = np.array([[1.0, 1.0], [0.0, 2.0]])
    y = np.array([1.0, 0.0])
    z = X @ params[0][0][:, 0] + 0.5
    expected = np.mean(np.log1p(np.exp(-z)) * y + np.log1p(np.exp(z)) * (1 - y))
    value, grads = mlp.loss_and_grads(params, X, y)
    assert value == pytest.approx(expected, rel=1e-12)
    p = 1 / (1 + np.exp(-z))
    np.testing.assert_allclose(grads[0][0][:, 0], X.T @ (p - y) / 2, rtol=1e-12)
    np.testing.assert_allclose(grads[0][1], [np.mean(p - y)], rtol=1e-12)
    # huge logits: no overflow, loss ~ |z|
    big = [(np.array([[1000.0]]), np.array([0.0]))]
    value, grads = mlp.loss_and_grads(big, np.array([[1.0]]), np.array([0.0]))
    assert value == pytest.approx(1000.0)
    assert np.isfinite(grads[0][0]).all()


def test_mse_closed_form_and_y_column_shape():
    params = [(np.array([[1.0]]), np.array([0.0]))]
    X = np.array([[1.0], [2.0]])
    y = np.array([[0.0], [0.0]])
    value, grads = mlp.loss_and_grads(params, X, y, loss="mse")
    assert value == pytest.approx((1 + 4) / 2)
    assert grads[0][0][0, 0] == pytest.approx((2 * 1 * 1 + 2 * 2 * 2) / 2)


def test_l2_penalises_weights_only():
    params = mlp.init_params((2, 3, 1), seed=0)
    X = np.zeros((4, 2))
    y = np.zeros(4)
    v0, g0 = mlp.loss_and_grads(params, X, y, l2=0.0)
    v1, g1 = mlp.loss_and_grads(params, X, y, l2=0.5)
    sq = sum(np.sum(W**2) for W, _ in params)
    assert v1 - v0 == pytest.approx(0.25 * sq)
    for (w0, b0), (w1, b1), (W, _) in zip(g0, g1, params, strict=True):
        np.testing.assert_allclose(w1 - w0, 0.5 * W, atol=1e-15)
        np.testing.assert_allclose(b1, b0)


def test_shapes_init_and_flatten_roundtrip():
    params = mlp.init_params([2, 8, 8, 1], seed=4)
    assert [W.shape for W, _ in params] == [(2, 8), (8, 8), (8, 1)]
    assert [b.shape for _, b in params] == [(8,), (8,), (1,)]
    assert n_params((2, 8, 8, 1)) == 24 + 72 + 9
    theta = flatten(params)
    back = unflatten(theta, (2, 8, 8, 1))
    for (W, b), (W2, b2) in zip(params, back, strict=True):
        np.testing.assert_array_equal(W, W2)
        np.testing.assert_array_equal(b, b2)
    assert mlp.forward(params, np.zeros((5, 2))).shape == (5,)
    again = mlp.init_params([2, 8, 8, 1], seed=4)
    np.testing.assert_array_equal(flatten(again), theta)
    with pytest.raises(ValueError):
        mlp.init_params([2])
    with pytest.raises(ValueError):
        mlp.forward(params, np.zeros((5, 3)))
    with pytest.raises(ValueError):
        mlp.loss_and_grads(params, np.zeros((5, 2)), np.zeros(5), activation="gelu")


@settings(max_examples=25, deadline=None)
@given(
    st.sampled_from(mlp.ACTIVATIONS),
    st.integers(0, 10_000),
    st.lists(st.integers(1, 5), min_size=0, max_size=3),
)
def test_input_gradient_matches_finite_differences(activation, seed, hidden):
    rng = np.random.default_rng(seed)
    params = mlp.init_params((3, *hidden, 1), seed=seed)
    params = [(W, rng.normal(0, 0.3, b.shape)) for W, b in params]
    X = rng.normal(size=(6, 3))
    g = mlp.input_gradient(params, X, activation)
    assert g.shape == (6, 3)
    h = 1e-6
    for j in range(3):
        e = np.zeros(3)
        e[j] = h
        fd = (mlp.forward(params, X + e, activation) - mlp.forward(params, X - e, activation)) / (2 * h)
        np.testing.assert_allclose(g[:, j], fd, rtol=1e-5, atol=1e-7)


def test_linear_network_input_gradient_is_weight_product():
    params = mlp.init_params((2, 3, 1), seed=2)
    g = mlp.input_gradient(params, np.ones((4, 2)), "linear")
    expected = (params[0][0] @ params[1][0])[:, 0]
    np.testing.assert_allclose(g, np.tile(expected, (4, 1)), rtol=1e-12)


def test_accuracy_and_proba():
    params = [(np.array([[1.0], [0.0]]), np.array([0.0]))]
    X = np.array([[-1.0, 0.0], [1.0, 0.0]])
    assert mlp.accuracy(params, X, np.array([0, 1])) == 1.0
    assert mlp.accuracy(params, X, np.array([1, 0])) == 0.0
    p = mlp.predict_proba(params, X, loss="mse")
    np.testing.assert_allclose(p, [0.0, 1.0])


@settings(max_examples=30, deadline=None)
@given(
    st.sampled_from(("tanh", "sigmoid", "linear")),
    st.sampled_from(mlp.LOSSES),
    st.lists(st.integers(1, 6), min_size=0, max_size=3),
    st.integers(0, 10_000),
    st.floats(0.0, 0.5),
)
def test_random_networks_match_finite_differences(activation, loss, hidden, seed, l2):
    rng = np.random.default_rng(seed)
    params = mlp.init_params((2, *hidden, _outputs(loss, 3)), seed=seed, scale=1.5)
    params = [(W, rng.normal(0, 0.5, b.shape)) for W, b in params]
    X = rng.normal(size=(9, 2))
    y = _labels(loss, rng, 9, 3)
    _, grads = mlp.loss_and_grads(params, X, y, activation, loss, l2)
    fd = _fd_grads(params, X, y, activation, loss, l2, h=1e-5)
    g = flatten(grads)
    # central differences carry ~1e-11 absolute round-off: compare relatively where that
    # is below 1e-6 of the entry, absolutely elsewhere
    big = np.abs(fd) > 1e-4
    assert _rel_err(g[big], fd[big]) < 1e-6
    np.testing.assert_allclose(g[~big], fd[~big], atol=1e-9)


def test_softmax_cross_entropy_closed_form():
    """One linear layer, two samples, three classes: the loss and gradient written out."""
    W = np.array([[1.0, -0.5, 0.2], [0.3, 0.8, -1.0]])
    b = np.array([0.1, 0.0, -0.2])
    X = np.array([[1.0, 2.0], [-1.0, 0.5]])
    y = np.array([2, 0])
    z = X @ W + b
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    expected = -np.mean(np.log(p[[0, 1], y]))
    value, grads = mlp.loss_and_grads([(W, b)], X, y, loss="ce")
    assert value == pytest.approx(expected, rel=1e-12)
    onehot = np.eye(3)[y]
    np.testing.assert_allclose(grads[0][0], X.T @ (p - onehot) / 2, rtol=1e-12)
    np.testing.assert_allclose(grads[0][1], (p - onehot).mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(mlp.predict_proba([(W, b)], X, loss="ce"), p, rtol=1e-12)
    assert mlp.accuracy([(W, b)], X, y, loss="ce") == np.mean(np.argmax(z, axis=1) == y)
    # huge logits: no overflow
    big = [(np.array([[1000.0, -1000.0]]), np.zeros(2))]
    value, grads = mlp.loss_and_grads(big, np.array([[1.0]]), np.array([1]), loss="ce")
    assert value == pytest.approx(2000.0) and np.isfinite(grads[0][0]).all()


def test_two_class_softmax_equals_binary_cross_entropy_on_the_logit_difference():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 2))
    y = (rng.random(30) > 0.5).astype(float)
    W2 = rng.normal(size=(2, 2))
    b2 = rng.normal(size=2)
    one = [(W2[:, 1:] - W2[:, :1], b2[1:] - b2[:1])]
    assert mlp.loss_value([(W2, b2)], X, y, loss="ce") == pytest.approx(
        mlp.loss_value(one, X, y, loss="bce"), rel=1e-12)


def test_forward_returns_every_output_and_shapes_are_checked():
    params = mlp.init_params((2, 4, 10), seed=0)
    X = np.zeros((5, 2))
    assert mlp.forward(params, X).shape == (5, 10)  # not column 0
    assert mlp.forward(mlp.init_params((2, 4, 1)), X).shape == (5,)
    with pytest.raises(ValueError, match="one output"):
        mlp.loss_and_grads(params, X, np.zeros(5))
    with pytest.raises(ValueError, match="one output"):
        mlp.loss_value(params, X, np.zeros(5), loss="mse")
    with pytest.raises(ValueError, match="k >= 2"):
        mlp.loss_and_grads(mlp.init_params((2, 3, 1)), X, np.zeros(5), loss="ce")
    with pytest.raises(ValueError, match="integer labels 0 to 9"):
        mlp.loss_and_grads(params, X, np.full(5, 10.0), loss="ce")
    with pytest.raises(ValueError, match="integer labels"):
        mlp.loss_and_grads(params, X, np.full(5, 0.5), loss="ce")
    with pytest.raises(ValueError, match="one output"):
        mlp.input_gradient(params, X)
    with pytest.raises(ValueError, match="Unknown loss"):
        mlp.loss_value(mlp.init_params((2, 1)), X, np.zeros(5), loss="hinge")
    broken = [(np.zeros((2, 4)), np.zeros(4)), (np.zeros((3, 1)), np.zeros(1))]
    with pytest.raises(ValueError, match="Layer 2"):
        mlp.forward(broken, X)
    with pytest.raises(ValueError, match="b has shape"):
        mlp.forward([(np.zeros((2, 4)), np.zeros(3))], X)
    assert mlp.check_params(params) == (2, 4, 10)


def test_l1_adds_lambda_times_sum_of_absolute_weights_not_biases():
    params = mlp.init_params((2, 3, 1), seed=5)
    params = [(W, np.full(b.shape, 7.0)) for W, b in params]
    X = np.ones((4, 2))
    y = np.zeros(4)
    v0, g0 = mlp.loss_and_grads(params, X, y)
    v1, g1 = mlp.loss_and_grads(params, X, y, l1=0.3)
    assert v1 - v0 == pytest.approx(0.3 * sum(np.abs(W).sum() for W, _ in params))
    for (w0, b0), (w1, b1), (W, _) in zip(g0, g1, params, strict=True):
        np.testing.assert_allclose(w1 - w0, 0.3 * np.sign(W), atol=1e-15)
        np.testing.assert_allclose(b1, b0)


def test_layer_outputs_are_the_hidden_activations_and_the_logits():
    rng = np.random.default_rng(1)
    params = mlp.init_params((2, 3, 2, 3), seed=2)
    X = rng.normal(size=(6, 2))
    h1, h2, z = mlp.layer_outputs(params, X, "tanh")
    (W1, b1), (W2, b2), (W3, b3) = params
    np.testing.assert_allclose(h1, np.tanh(X @ W1 + b1))
    np.testing.assert_allclose(h2, np.tanh(h1 @ W2 + b2))
    np.testing.assert_allclose(z, h2 @ W3 + b3)
    np.testing.assert_allclose(z, mlp.forward(params, X, "tanh"))

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.nn import flatten, make_dataset, mlp, n_params, training


@pytest.fixture(scope="module")
def data():
    return make_dataset("moons", 120, 0.05, seed=1)


@pytest.mark.parametrize("name", ["circles", "xor", "moons"])
def test_page_defaults_reach_95_percent_test_accuracy(name):
    split, result = training.run_playground(dataset=name)
    assert result.diverged_at is None
    assert result.epochs_done == training.PLAYGROUND_DEFAULTS["epochs"]
    assert result.test_acc[-1] >= 0.95
    # the stored accuracy is the real accuracy of the final snapshot
    final = result.params_at(result.epochs_done)
    assert mlp.accuracy(final, split.X_test, split.y_test) == pytest.approx(result.test_acc[-1])


def test_one_full_batch_sgd_epoch_is_one_gradient_step(data):
    r = training.train(data.X_train, data.y_train, data.X_test, data.y_test, (4,),
                       optimizer="sgd", lr=0.5, epochs=1, seed=7)
    p0 = mlp.init_params((2, 4, 1), seed=7)
    loss0, g0 = mlp.loss_and_grads(p0, data.X_train, data.y_train)
    np.testing.assert_allclose(r.snapshots[0], flatten(p0))
    np.testing.assert_allclose(r.snapshots[1], flatten(p0) - 0.5 * flatten(g0), rtol=1e-12)
    assert r.train_loss[0] == pytest.approx(loss0)
    per_layer = [np.sqrt(np.sum(gW**2) + np.sum(gb**2)) for gW, gb in g0]
    np.testing.assert_allclose(r.grad_norms[0], per_layer, rtol=1e-12)


def test_minibatch_shapes_and_progress(data):
    calls = []
    r = training.train(data.X_train, data.y_train, data.X_test, data.y_test, (5, 3),
                       optimizer="momentum", batch_size=16, epochs=10, lr=0.05,
                       progress=lambda done, total: calls.append((done, total)))
    assert r.snapshots.shape == (11, n_params((2, 5, 3, 1)))
    assert r.grad_norms.shape == (10, 3)
    assert r.train_loss.shape == r.test_acc.shape == (11,)
    assert calls[-1] == (10, 10) and len(calls) == 10
    assert r.train_loss[-1] < r.train_loss[0]


def test_clipping_bounds_every_sgd_step(data):
    r = training.train(data.X_train, data.y_train, data.X_test, data.y_test, (4,),
                       optimizer="sgd", lr=1.0, epochs=5, clip_norm=1e-3, seed=2)
    assert (r.clipped_share == 1.0).all()
    steps = np.linalg.norm(np.diff(r.snapshots, axis=0), axis=1)
    np.testing.assert_allclose(steps, 1e-3, rtol=1e-5)


def test_divergence_is_reported_and_history_stays_finite(data):
    r = training.train(data.X_train, data.y_train, data.X_test, data.y_test, (8, 8, 8),
                       activation="linear", loss="mse", optimizer="sgd", lr=5.0, epochs=200,
                       init_scale=3.0)
    assert r.diverged_at is not None and r.diverged_at <= 200
    assert r.epochs_done == r.diverged_at - 1
    assert np.isfinite(r.snapshots).all() and np.isfinite(r.train_loss).all()


def test_deep_sigmoid_vanishes_and_large_init_explodes(data):
    args = (data.X_train, data.y_train, data.X_test, data.y_test, (8,) * 6)
    vanish = training.train(*args, activation="sigmoid", optimizer="sgd", lr=0.1, epochs=1)
    first, last = vanish.grad_norms[0, 0], vanish.grad_norms[0, -1]
    assert first < 1e-3 * last
    normal = training.train(*args, activation="relu", optimizer="sgd", lr=1e-6, epochs=1)
    explode = training.train(*args, activation="relu", optimizer="sgd", lr=1e-6, epochs=1,
                             init_scale=4.0)
    assert (explode.grad_norms[0] > 10 * normal.grad_norms[0]).all()
    assert explode.grad_norms[0, 0] > 1000 * normal.grad_norms[0, 0]


def test_bad_settings():
    with pytest.raises(ValueError):
        training.run_playground(colour="red")
    with pytest.raises(ValueError):
        training.run_playground(optimizer="lbfgs")
    with pytest.raises(ValueError):
        training.run_playground(lr=0.0)


@settings(max_examples=20, deadline=None)
@given(
    st.sampled_from(["circles", "xor", "moons", "spiral", "blobs"]),
    st.sampled_from(mlp.ACTIVATIONS),
    st.sampled_from(mlp.LOSSES),
    st.sampled_from(training.OPTIMIZERS),
    st.sampled_from([0, 7, 64]),
    st.integers(0, 3),
    st.sampled_from([None, 0.5]),
)
def test_any_configuration_gives_a_consistent_finite_history(
        dataset, activation, loss, optimizer, batch, layers, clip):
    split, r = training.run_playground(
        dataset=dataset, n_points=60, activation=activation, loss=loss, optimizer=optimizer,
        batch_size=batch, layers=layers, neurons=3, epochs=4, lr=0.05, clip_norm=clip)
    E = r.epochs_done
    assert r.snapshots.shape == (E + 1, n_params(r.layer_sizes))
    assert r.grad_norms.shape == (E, layers + 1) and r.clipped_share.shape == (E,)
    for arr in (r.snapshots, r.train_loss, r.test_loss, r.grad_norms):
        assert np.isfinite(arr).all()
    assert ((r.train_acc >= 0) & (r.train_acc <= 1)).all()
    np.testing.assert_array_equal(
        r.snapshots[0], flatten(mlp.init_params(r.layer_sizes, seed=0)))
    assert r.train_loss[E] == pytest.approx(
        mlp.loss_value(r.params_at(E), split.X_train, split.y_train, activation, loss))

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.nn import (
    ALL_DATASETS,
    Settings,
    Training,
    flatten,
    make_dataset,
    mlp,
    n_params,
    run_playground,
    start_playground,
    task_of,
    training,
)
from core.nn.playground import PLAYGROUND_DEFAULTS


@pytest.fixture(scope="module")
def data():
    return make_dataset("moons", 120, 0.05, seed=1)


@pytest.mark.parametrize("name", ["circles", "xor", "moons"])
def test_page_defaults_reach_95_percent_test_accuracy(name):
    split, result = run_playground(dataset=name)
    assert result.diverged_at is None
    assert result.epochs_done == PLAYGROUND_DEFAULTS["epochs"]
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
        run_playground(colour="red")
    with pytest.raises(ValueError):
        run_playground(optimizer="lbfgs")
    with pytest.raises(ValueError):
        run_playground(lr=0.0)
    with pytest.raises(ValueError):
        run_playground(l1=-1.0)
    with pytest.raises(ValueError, match="at least one input"):
        run_playground(features=())


@settings(max_examples=25, deadline=None)
@given(
    st.sampled_from(ALL_DATASETS),
    st.sampled_from(mlp.ACTIVATIONS),
    st.sampled_from(("bce", "mse")),
    st.sampled_from(training.OPTIMIZERS),
    st.sampled_from([0, 7, 64]),
    st.integers(0, 3),
    st.sampled_from([None, 0.5]),
)
def test_any_configuration_gives_a_consistent_finite_history(
        dataset, activation, loss, optimizer, batch, layers, clip):
    split, r = run_playground(
        dataset=dataset, n_points=60, activation=activation, loss=loss, optimizer=optimizer,
        batch_size=batch, layers=layers, neurons=3, epochs=4, lr=0.05, clip_norm=clip, l1=0.01)
    E = r.epochs_done
    task = task_of(dataset)
    loss = loss if task.kind == "binary" else task.loss
    assert r.snapshots.shape == (E + 1, n_params(r.layer_sizes))
    assert r.grad_norms.shape == (E, layers + 1) and r.clipped_share.shape == (E,)
    for arr in (r.snapshots, r.train_loss, r.test_loss, r.grad_norms):
        assert np.isfinite(arr).all()
    if task.kind == "regression":
        assert np.isnan(r.train_acc).all()
    else:
        assert ((r.train_acc >= 0) & (r.train_acc <= 1)).all()
    assert r.layer_sizes[-1] == task.outputs
    np.testing.assert_array_equal(
        r.snapshots[0], flatten(mlp.init_params(r.layer_sizes, seed=0)))
    assert r.train_loss[E] == pytest.approx(
        mlp.loss_value(r.params_at(E), split.X_train, split.y_train, activation, loss))
    if task.kind != "regression":
        assert r.test_acc[E] == pytest.approx(
            mlp.accuracy(r.params_at(E), split.X_test, split.y_test, activation, loss))


def test_advancing_in_steps_gives_the_same_run_as_training_at_once(data):
    args = (data.X_train, data.y_train, data.X_test, data.y_test, (5, 3), 1,
            Settings(optimizer="momentum", batch_size=16, lr=0.05, seed=4, l1=0.003))
    live = Training(*args)
    for chunk in (1, 3, 2, 4):  # as the live playground does, a few epochs per tick
        assert live.advance(chunk) == chunk
    whole = Training(*args).run_until(10)
    np.testing.assert_array_equal(live.result().snapshots, whole.snapshots)
    np.testing.assert_array_equal(live.result().grad_norms, whole.grad_norms)
    assert live.epochs_done == 10
    np.testing.assert_array_equal(flatten(live.params()), whole.snapshots[-1])


def test_a_diverged_run_stays_stopped(data):
    run = Training(data.X_train, data.y_train, data.X_test, data.y_test, (8, 8, 8), 1,
                   Settings(activation="linear", loss="mse", optimizer="sgd", lr=5.0,
                            init_scale=3.0))
    run.advance(500)
    assert run.diverged_at is not None
    done = run.epochs_done
    assert run.advance(5) == 0 and run.epochs_done == done


def test_three_classes_train_with_softmax_and_reach_high_accuracy():
    split, r = run_playground(dataset="blobs3", epochs=150)
    assert r.layer_sizes == (2, 8, 8, 3)
    assert r.test_acc[-1] >= 0.9
    assert r.test_acc[-1] == pytest.approx(
        mlp.accuracy(r.params_at(150), split.X_test, split.y_test, loss="ce"))
    _, spiral = run_playground(dataset="spiral3", epochs=300, layers=3)
    assert spiral.train_acc[-1] > 0.8  # three arms: far above the 1/3 of guessing


def test_regression_fits_the_plane_and_the_bumps():
    split, r = run_playground(dataset="plane", noise=0.0, layers=0, epochs=300)
    assert r.train_loss[-1] < 1e-3  # a linear model recovers t = (x1 + x2) / 2
    W, b = r.params_at(300)[0]
    np.testing.assert_allclose(W[:, 0], [0.5, 0.5], atol=0.02)
    _, bumps = run_playground(dataset="gaussians", noise=0.0, epochs=300)
    assert bumps.test_loss[-1] < 0.5 * bumps.test_loss[0]


def test_features_let_a_one_layer_net_learn_the_spiral():
    """Playground's lesson: from x1, x2 alone a small net cannot; with the features it can."""
    everything = ("x1", "x2", "x1^2", "x2^2", "x1x2", "sin x1", "sin x2")
    _, plain = run_playground(dataset="spiral", noise=0.0, layers=1, neurons=4)
    _, rich = run_playground(dataset="spiral", noise=0.0, layers=1, neurons=4,
                             features=everything)
    assert plain.test_acc[-1] < 0.7 < 0.85 < rich.test_acc[-1]
    assert rich.layer_sizes[0] == 7


def test_l1_drives_weights_to_exactly_zero_and_l2_does_not():
    _, l1 = run_playground(dataset="circles", l1=0.001, epochs=300)
    _, l2 = run_playground(dataset="circles", l2=0.01, epochs=300)
    mask = training.weight_mask(l1.layer_sizes)
    zero_l1 = np.sum(l1.snapshots[-1][mask] == 0.0)
    assert zero_l1 >= mask.sum() // 3 and np.sum(l2.snapshots[-1][mask] == 0.0) == 0
    assert l1.test_acc[-1] > 0.95  # the network still works with the weights it kept
    _, strong = run_playground(dataset="circles", l1=0.03, epochs=300)
    assert (strong.snapshots[-1][mask] == 0.0).all()  # too strong: every weight is gone


def test_start_playground_is_epoch_zero_of_run_playground():
    split, run = start_playground(dataset="moons", epochs=40)
    assert run.epochs_done == 0
    _, result = run_playground(dataset="moons", epochs=40)
    run.advance(40)
    np.testing.assert_array_equal(run.result().snapshots, result.snapshots)
    assert len(split.X_train) == 200
    small, _ = start_playground(test_fraction=0.1)
    assert len(small.X_test) == 40

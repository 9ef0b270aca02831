"""Training helpers on tiny GoogLeNets: aux loss weights, inference model, gradients, curves."""

import numpy as np
import pytest

from inception_edu import data, models, training
from inception_edu.backend import keras

WIDTH = 0.05


def tiny_googlenet(aux_heads: bool, seed: int = 0):
    keras.utils.set_random_seed(seed)
    return models.googlenet((32, 32, 1), classes=10, width=WIDTH, aux_heads=aux_heads)


@pytest.fixture(scope="module")
def batch():
    rng = np.random.default_rng(0)
    return rng.random((16, 32, 32, 1), dtype=np.float32), np.arange(16) % 10


@pytest.fixture(scope="module")
def tiny_split():
    full = data.load_digits_split(image_size=32, seed=0)
    return data.Split(full.x_train[:48], full.y_train[:48], full.x_val[:16], full.y_val[:16],
                      full.class_names)


# --------------------------------------------------------------------------- compile


@pytest.mark.parametrize("aux_weight", [training.AUX_WEIGHT, 1.0])
def test_total_loss_is_main_plus_weighted_aux_losses(batch, aux_weight):
    """C11: total_loss = main + 0.3 aux_4a + 0.3 aux_4d (and for other weights)."""
    model = training.compile_googlenet(tiny_googlenet(True), aux_weight=aux_weight)
    assert model.get_compile_config()["loss_weights"] == {
        "main": 1.0, "aux_4a": aux_weight, "aux_4d": aux_weight}
    x, y = batch
    logs = model.evaluate(x, training.targets_for(model, y), batch_size=len(x),
                          return_dict=True, verbose=0)
    for name in ("main_loss", "aux_4a_loss", "aux_4d_loss", "main_accuracy"):
        assert name in logs
    expected = logs["main_loss"] + aux_weight * (logs["aux_4a_loss"] + logs["aux_4d_loss"])
    np.testing.assert_allclose(logs["loss"], expected, rtol=1e-4)


def test_a_plain_model_compiles_plainly(batch):
    model = training.compile_googlenet(tiny_googlenet(False), learning_rate=1e-2)
    assert model.get_compile_config()["loss_weights"] is None
    assert float(model.optimizer.learning_rate.numpy()) == pytest.approx(1e-2)
    x, y = batch
    assert training.targets_for(model, y) is y
    logs = model.evaluate(x, y, return_dict=True, verbose=0)
    assert set(logs) == {"loss", "accuracy"}


@pytest.mark.parametrize("kwargs", [
    dict(aux_weight=-0.1), dict(aux_weight=float("nan")), dict(aux_weight="0.3"),
    dict(aux_weight=True), dict(learning_rate=0), dict(learning_rate="fast"),
])
def test_compile_rejects_bad_arguments(kwargs):
    name = next(iter(kwargs))
    with pytest.raises(ValueError, match=f"{name}.*Received"):
        training.compile_googlenet(tiny_googlenet(False), **kwargs)


def test_targets_for_repeats_the_labels_per_output():
    y = np.arange(4)
    targets = training.targets_for(tiny_googlenet(True), y)
    assert list(targets) == ["main", "aux_4a", "aux_4d"]
    assert all(t is y for t in targets.values())


# --------------------------------------------------------------------------- inference


def test_inference_model_drops_the_aux_heads_and_shares_weights(batch):
    """C10: the auxiliary heads are removed at test time."""
    model = tiny_googlenet(True)
    inference = training.inference_model(model)
    assert len(inference.outputs) == 1 and tuple(inference.output.shape) == (None, 10)
    assert not any(layer.name.startswith("aux_") for layer in inference.layers)
    assert inference.get_layer("conv1_7x7_s2") is model.get_layer("conv1_7x7_s2")
    x, _ = batch
    np.testing.assert_allclose(inference.predict(x, verbose=0),
                               model.predict(x, verbose=0)["main"], rtol=1e-5, atol=1e-6)
    plain = tiny_googlenet(False)
    assert training.inference_model(plain) is plain


# --------------------------------------------------------------------------- gradients


def test_gradient_norms_are_positive_and_ordered_from_input(batch):
    model = tiny_googlenet(True)
    x, y = batch
    norms = training.gradient_norms(model, x, y)
    names = list(norms)
    assert names[:3] == ["conv1_7x7_s2", "conv2_3x3_reduce", "conv2_3x3"]
    assert names[-1].startswith("inception_3a_") and len(names) == 9
    assert all(isinstance(v, float) and v > 0 for v in norms.values())
    assert names[3:] == [f"inception_3a_{b}" for b in (
        "b1_1x1", "b2_3x3_reduce", "b2_3x3", "b3_5x5_reduce", "b3_5x5", "b4_pool_proj")]
    every = training.gradient_norms(model, x, y, layer_names="all")
    assert len(every) == 57 and not any(n.startswith("aux_") for n in every)
    assert list(every)[:9] == names and list(every)[-1] == "inception_5b_b4_pool_proj"
    picked = training.gradient_norms(model, x, y, layer_names=["conv2_3x3", "conv1_7x7_s2"])
    assert list(picked) == ["conv1_7x7_s2", "conv2_3x3"]  # input -> output order
    assert picked["conv2_3x3"] == pytest.approx(norms["conv2_3x3"], rel=1e-5)


def test_aux_weight_changes_the_early_gradient_and_zero_matches_a_plain_model(batch):
    x, y = batch
    aux, plain = tiny_googlenet(True), tiny_googlenet(False)  # same seed: same main path
    with_aux = training.gradient_norms(aux, x, y, layer_names=["conv1_7x7_s2"])
    without = training.gradient_norms(aux, x, y, layer_names=["conv1_7x7_s2"], aux_weight=0)
    assert with_aux["conv1_7x7_s2"] != pytest.approx(without["conv1_7x7_s2"], rel=1e-3)
    reference = training.gradient_norms(plain, x, y, layer_names=["conv1_7x7_s2"])
    assert without["conv1_7x7_s2"] == pytest.approx(reference["conv1_7x7_s2"], rel=1e-4)


@pytest.mark.parametrize("layer_names", ["early", ["no_such_layer"], ["classifier"], []])
def test_gradient_norms_rejects_unknown_layers(batch, layer_names):
    with pytest.raises(ValueError, match="layer_names"):
        training.gradient_norms(tiny_googlenet(False), *batch, layer_names=layer_names)


def test_he_initialize_rescales_kernels_and_matches_shared_layers():
    aux, plain = tiny_googlenet(True, seed=0), tiny_googlenet(False, seed=1)
    training.he_initialize(aux, seed=5)
    training.he_initialize(plain, seed=5)
    for name in ("conv1_7x7_s2", "inception_4e_b2_3x3", "inception_5b_b4_pool_proj"):
        np.testing.assert_array_equal(aux.get_layer(name).kernel.numpy(),
                                      plain.get_layer(name).kernel.numpy())
    kernel = plain.get_layer("conv2_3x3").kernel.numpy()
    fan_in = np.prod(kernel.shape[:3])
    assert kernel.std() == pytest.approx(np.sqrt(2 / fan_in), rel=0.2)
    with pytest.raises(ValueError, match="seed"):
        training.he_initialize(plain, seed=-1)


# --------------------------------------------------------------------------- curves


class RecordingOutput:
    """Stands in for ipywidgets.Output: a context manager that counts clear_output calls."""

    def __init__(self):
        self.cleared = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def clear_output(self, wait=False):
        self.cleared.append(wait)


def test_fit_with_live_curves_records_each_epoch(tiny_split, capsys):
    model = training.compile_googlenet(tiny_googlenet(True))
    quiet, drawn = training.LiveCurves(), training.LiveCurves(RecordingOutput(), title="t")
    history = training.fit(model, tiny_split, epochs=2, batch_size=16,
                           callbacks=[quiet, drawn])
    for curves in (quiet, drawn):
        assert sorted(curves.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]
        assert all(len(values) == 2 for values in curves.history.values())
    assert quiet.history["val_accuracy"] == training.metric_values(history, "val_accuracy")
    assert quiet.history["loss"] == training.metric_values(history, "main_loss")
    assert drawn.output.cleared == [True, True]  # wait=True: no flicker
    assert drawn.figure is None  # released at the end of training
    capsys.readouterr()


def test_metric_values_normalise_aux_model_names():
    plain = {"loss": [2.0, 1.0], "val_accuracy": [0.5, 0.7]}
    aux = {"loss": [3.0, 2.0], "main_loss": [2.2, 1.1], "val_main_accuracy": [0.4, 0.8]}
    assert training.metric_values(plain, "val_accuracy") == [0.5, 0.7]
    assert training.metric_values(aux, "val_accuracy") == [0.4, 0.8]
    assert training.metric_values(aux, "loss") == [2.2, 1.1]  # the main classifier's
    with pytest.raises(ValueError, match="accuracy"):
        training.metric_values(plain, "accuracy")


def test_plot_histories_draws_one_panel_per_metric_and_one_line_per_run():
    histories = {
        "with aux": {"loss": [3.0, 2.0], "main_loss": [2.2, 1.1],
                     "val_main_accuracy": [0.4, 0.8]},
        "without aux": {"loss": [2.0, 1.0], "val_accuracy": [0.5, 0.7]},
    }
    fig = training.plot_histories(histories)
    assert len(fig.axes) == 2
    for ax in fig.axes:
        assert [line.get_label() for line in ax.get_lines()] == ["with aux", "without aux"]
        assert ax.get_xlabel() == "epoch" and ax.get_ylabel()
    np.testing.assert_array_equal(fig.axes[1].get_lines()[0].get_ydata(), [0.4, 0.8])
    assert len(training.plot_histories(histories, metrics="loss").axes) == 1
    with pytest.raises(ValueError, match="histories"):
        training.plot_histories({})

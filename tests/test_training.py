"""Recipes, GoogLeNet's training pieces (aux losses, inference model, He init, gradients),
live curves and their plots."""

import copy
import json
import math
import pickle

import numpy as np
import pytest

from inception_edu import models, training
from inception_edu.backend import keras
from inception_edu.experiments import auxiliary_heads as heads
from inception_edu.training import GOOGLENET, INCEPTION_V3, Recipe
from inception_edu.training.metrics import metric_values
from inception_edu.viz import curves
from inception_edu.viz.live_curves import LiveCurves

WIDTH = 0.05


def tiny_googlenet(aux_heads: bool, seed: int = 0, **options):
    keras.utils.set_random_seed(seed)
    return models.googlenet((32, 32, 1), classes=10, width=WIDTH, aux_heads=aux_heads, **options)


@pytest.fixture(scope="module")
def aux_net():
    return tiny_googlenet(True)


@pytest.fixture(scope="module")
def plain_net():
    return tiny_googlenet(False)  # same seed: the same main path as aux_net


@pytest.fixture(scope="module")
def batch():
    rng = np.random.default_rng(0)
    return rng.random((16, 32, 32, 1), dtype=np.float32), np.arange(16) % 10


# --------------------------------------------------------------------------- recipe


@pytest.mark.parametrize(
    "field, bad",
    [
        ("optimizer", "adagrad"),
        ("optimizer", None),
        ("learning_rate", 0),
        ("learning_rate", -1e-3),
        ("learning_rate", "fast"),
        ("learning_rate", float("nan")),
        ("learning_rate", True),
        ("schedule", "linear"),
        ("schedule", "Cosine"),
        ("alpha", -0.1),
        ("alpha", 1.5),
        ("decay_rate", 0),
        ("decay_rate", 1.2),
        ("decay_epochs", 0),
        ("decay_epochs", "2"),
        ("momentum", 1.0),
        ("momentum", -0.1),
        ("rho", 1.0),
        ("rho", -0.5),
        ("epsilon", 0),
        ("epsilon", -1.0),
        ("label_smoothing", 1.0),
        ("label_smoothing", -0.1),
        ("label_smoothing", "0.1"),
        ("loss", "sparse_categorical_crossentropy"),
        ("loss", "mse"),
        ("loss_weights", {}),
        ("loss_weights", {"main": -1}),
        ("loss_weights", [("main", 1)]),
        ("loss_weights", {"main": "1"}),
        ("loss_weights", {"": 1.0}),
        ("clipnorm", 0),
        ("clipnorm", -2.0),
        ("clipnorm", "2"),
        ("weight_decay", -1e-4),
        ("weight_decay", float("inf")),
        ("metrics", ("accuracy", 3)),
        ("metrics", 5),
        ("metrics", ("",)),
        ("from_logits", "yes"),
        ("from_logits", 1),
    ],
)
def test_every_recipe_field_rejects_bad_values(field, bad):
    with pytest.raises(ValueError, match=f"{field}.*Received|Received.*{field}"):
        Recipe(**{field: bad})


def test_a_misspelt_recipe_field_names_the_fields():
    allowed = r"Allowed: optimizer, learning_rate, schedule, .*Received: lerning_rate=0.1"
    for make in (lambda: Recipe(lerning_rate=0.1), lambda: GOOGLENET.replace(lerning_rate=0.1)):
        with pytest.raises(ValueError, match=r"did you mean 'learning_rate'\?\). " + allowed):
            make()
    with pytest.raises(ValueError, match=r"Recipe\(\) takes its arguments by name only.*'sgd'"):
        Recipe("sgd")
    assert GOOGLENET.replace(learning_rate=0.1).learning_rate == 0.1


def test_binary_loss_with_label_smoothing_is_refused():
    with pytest.raises(ValueError, match="label_smoothing"):
        Recipe(loss="binary_crossentropy", label_smoothing=0.1)


def test_a_recipe_is_frozen_hashable_and_round_trips_through_its_config():
    recipe = Recipe(loss_weights={"main": 1, "aux": 0.4}, metrics=["accuracy"])
    assert recipe.loss_weights == {"main": 1.0, "aux": 0.4} and recipe.metrics == ("accuracy",)
    with pytest.raises(TypeError):
        recipe.loss_weights["aux"] = 1.0  # read-only
    with pytest.raises(AttributeError):
        recipe.learning_rate = 1.0
    assert Recipe(**recipe.to_config()) == recipe
    assert hash(Recipe(**recipe.to_config())) == hash(recipe)
    assert pickle.loads(pickle.dumps(recipe)) == recipe == copy.deepcopy(recipe)
    assert json.loads(json.dumps(recipe.to_config()))["loss_weights"] == {"main": 1.0, "aux": 0.4}
    assert recipe.replace(learning_rate=0.1).learning_rate == 0.1
    with pytest.raises(ValueError, match="learning_rate"):
        recipe.replace(learning_rate=0)


def test_c21_targets_are_smoothed_one_hot_rows_in_both_forms():
    """Label smoothing: the targets a Recipe(label_smoothing=ε) trains on equal
    (1-ε)·y + ε/K."""
    y = np.array([0, 2, 1, 2])
    for epsilon in (0.0, 0.1, 0.3):
        targets = Recipe(label_smoothing=epsilon).targets(y, 3)
        expected = (1 - epsilon) * np.eye(3)[y] + epsilon / 3
        assert targets.dtype == np.float32
        np.testing.assert_allclose(targets, expected, rtol=1e-6)
        np.testing.assert_allclose(targets.sum(axis=1), 1.0, rtol=1e-6)
        np.testing.assert_array_equal(
            Recipe(label_smoothing=epsilon).targets(np.eye(3)[y], 3), targets
        )
    # the source's form: right class 1-(K-1)e, the others e, with e = ε/K
    row = Recipe(label_smoothing=0.1).targets(np.array([1]), 5)[0]
    assert row[1] == pytest.approx(1 - 4 * 0.1 / 5) and row[0] == pytest.approx(0.1 / 5)
    for bad in (
        np.array([3]),
        np.array([-1]),
        np.array([0.5]),
        np.zeros((2, 4)),
        np.zeros((2, 3)),
        np.zeros((1, 1, 3)),
    ):
        with pytest.raises(ValueError):
            Recipe().targets(bad, 3)


def test_schedules_give_the_papers_learning_rates_at_known_steps():
    steps = 10  # per epoch
    v3 = INCEPTION_V3.learning_rate_schedule(steps, epochs=10)
    for step, expected in [(0, 0.045), (19, 0.045), (20, 0.045 * 0.94), (45, 0.045 * 0.94**2)]:
        assert float(v3(step)) == pytest.approx(expected, rel=1e-6)
    googlenet = GOOGLENET.learning_rate_schedule(steps, epochs=40)
    assert float(googlenet(79)) == pytest.approx(0.01)
    assert float(googlenet(80)) == pytest.approx(0.01 * 0.96)  # "4% every 8 epochs"
    cosine = Recipe(learning_rate=0.2, schedule="cosine", alpha=0.1)
    schedule = cosine.learning_rate_schedule(steps, epochs=4)
    assert float(schedule(0)) == pytest.approx(0.2)
    assert float(schedule(20)) == pytest.approx(0.2 * (0.1 + 0.9 * 0.5), rel=1e-5)
    assert float(schedule(40)) == pytest.approx(0.2 * 0.1, rel=1e-5)
    assert Recipe(learning_rate=0.3).learning_rate_schedule(steps, 4) == 0.3
    with pytest.raises(ValueError, match="steps_per_epoch"):
        cosine.learning_rate_schedule(0, 4)


def test_the_papers_recipes_reach_the_optimizer():
    v3 = INCEPTION_V3.make_optimizer(steps_per_epoch=5, epochs=2)
    assert isinstance(v3, keras.optimizers.RMSprop)
    assert (v3.rho, v3.epsilon, v3.momentum, v3.global_clipnorm) == (0.9, 1.0, 0.9, 2.0)
    assert INCEPTION_V3.label_smoothing == 0.1
    sgd = GOOGLENET.make_optimizer(steps_per_epoch=5, epochs=2)
    assert isinstance(sgd, keras.optimizers.SGD) and sgd.momentum == 0.9
    assert dict(GOOGLENET.loss_weights) == {"main": 1.0, "aux_4a": 0.3, "aux_4d": 0.3}
    adam = Recipe(weight_decay=4e-5, clipnorm=1.5).make_optimizer(5, 2)
    assert isinstance(adam, keras.optimizers.Adam)
    assert (adam.weight_decay, adam.global_clipnorm) == (4e-5, 1.5)


def test_c11_total_loss_is_main_plus_weighted_aux_losses(aux_net, batch):
    """C11: total_loss = main + 0.3 aux_4a + 0.3 aux_4d, compiled by the GOOGLENET recipe
    (other weights: the runner's and the panel's tests). The gradient functions
    differentiate this same loss (dropout aside)."""
    GOOGLENET.compile(aux_net, steps_per_epoch=1, epochs=1)
    weights = {"main": 1.0, "aux_4a": 0.3, "aux_4d": 0.3}
    assert aux_net.get_compile_config()["loss_weights"] == weights
    x, y = batch
    targets = {name: Recipe().targets(y, 10) for name in weights}
    logs = aux_net.evaluate(x, targets, batch_size=len(x), return_dict=True, verbose=0)
    expected = logs["main_loss"] + 0.3 * (logs["aux_4a_loss"] + logs["aux_4d_loss"])
    np.testing.assert_allclose(logs["loss"], expected, rtol=1e-4)
    assert "main_accuracy" in logs and "aux_4d_accuracy" in logs
    assert float(heads.training_loss(aux_net, x, y)) == pytest.approx(logs["loss"], rel=1e-4)


def test_a_plain_model_takes_the_same_recipe(plain_net):
    GOOGLENET.compile(plain_net, steps_per_epoch=3, epochs=1)
    assert plain_net.get_compile_config()["loss_weights"] is None
    assert plain_net.jit_compile is False  # no XLA compile for a few epochs on a CPU
    assert isinstance(plain_net.optimizer, keras.optimizers.SGD)
    with pytest.raises(ValueError, match="aux_4a"):  # a 3-output model needs 3 weights
        Recipe(loss_weights={"main": 1.0}).compile(tiny_googlenet(True), 1, 1)
    with pytest.raises(ValueError, match="steps_per_epoch"):
        Recipe().compile(plain_net, 0, 1)


# --------------------------------------------------------------------------- inference


def test_inference_model_drops_the_aux_heads_and_shares_weights(aux_net, batch):
    """C10: the auxiliary heads are removed at test time."""
    inference = heads.inference_model(aux_net)
    assert len(inference.outputs) == 1 and tuple(inference.output.shape) == (None, 10)
    assert not any(layer.name.startswith("aux_") for layer in inference.layers)
    assert inference.get_layer("conv1_7x7_s2") is aux_net.get_layer("conv1_7x7_s2")
    x, _ = batch
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(inference(x)),
        keras.ops.convert_to_numpy(aux_net(x)["main"]),
        rtol=1e-5,
        atol=1e-6,
    )


def test_inference_model_of_a_plain_model_is_itself(plain_net):
    assert heads.inference_model(plain_net) is plain_net


# --------------------------------------------------------------------------- gradients


def test_gradient_norms_are_positive_and_ordered_from_input(aux_net, batch):
    x, y = batch
    norms = heads.gradient_norms(aux_net, x, y)
    names = list(norms)
    assert names[:3] == ["conv1_7x7_s2", "conv2_reduce", "conv2_3x3"]
    assert len(names) == 9 and all(n.startswith("inception_3a_") for n in names[3:])
    assert {n.removeprefix("inception_3a_") for n in names[3:]} == {
        "b1_1x1",
        "b2_3x3_reduce",
        "b2_3x3",
        "b3_5x5_reduce",
        "b3_5x5",
        "b4_pool_proj",
    }
    assert names.index("inception_3a_b2_3x3_reduce") < names.index("inception_3a_b2_3x3")
    assert all(isinstance(v, float) and v > 0 for v in norms.values())
    every = heads.gradient_norms(aux_net, x, y, layer_names="all")
    assert len(every) == 57 and not any(n.startswith("aux_") for n in every)
    assert list(every)[:9] == names and list(every)[-1].startswith("inception_5b_")
    picked = heads.gradient_norms(aux_net, x, y, layer_names=["conv2_3x3", "conv1_7x7_s2"])
    assert list(picked) == ["conv1_7x7_s2", "conv2_3x3"]  # input -> output order
    assert picked["conv2_3x3"] == pytest.approx(norms["conv2_3x3"], rel=1e-5)


def test_aux_weights_change_the_early_gradient_and_zero_matches_a_plain_model(
    aux_net, plain_net, batch
):
    x, y = batch
    first = ["conv1_7x7_s2"]
    with_aux = heads.gradient_norms(aux_net, x, y, first)["conv1_7x7_s2"]
    zero = {"main": 1.0, "aux_4a": 0.0, "aux_4d": 0.0}
    without = heads.gradient_norms(aux_net, x, y, first, loss_weights=zero)["conv1_7x7_s2"]
    assert with_aux != pytest.approx(without, rel=1e-3)
    reference = heads.gradient_norms(plain_net, x, y, first)["conv1_7x7_s2"]
    assert without == pytest.approx(reference, rel=1e-4)
    # the default is the paper's 0.3, i.e. GOOGLENET's weights
    paper = heads.gradient_norms(aux_net, x, y, first, loss_weights=dict(GOOGLENET.loss_weights))
    assert paper["conv1_7x7_s2"] == pytest.approx(with_aux, rel=1e-6)


def test_gradient_norms_by_stage_give_one_point_per_stage(aux_net, batch):
    x, y = batch
    stages = heads.gradient_norms_by_stage(aux_net, x, y)
    assert list(stages)[:3] == ["conv1_7x7_s2", "conv2_reduce", "conv2_3x3"]
    assert list(stages)[3:] == [
        f"inception_{m}" for m in ("3a", "3b", "4a", "4b", "4c", "4d", "4e", "5a", "5b")
    ]
    # the per-weight RMS of a stage, from the per-layer norms
    norms = heads.gradient_norms(aux_net, x, y, "all")
    sizes = {name: math.prod(aux_net.get_layer(name).kernel.shape) for name in norms}
    module = [name for name in norms if name.startswith("inception_3a_")]
    rms = math.sqrt(sum(norms[n] ** 2 for n in module) / sum(sizes[n] for n in module))
    assert stages["inception_3a"] == pytest.approx(rms, rel=1e-5)
    assert stages["conv1_7x7_s2"] == pytest.approx(
        norms["conv1_7x7_s2"] / math.sqrt(sizes["conv1_7x7_s2"]), rel=1e-5
    )


@pytest.mark.parametrize("layer_names", ["late", ["no_such_layer"], ["classifier"], []])
def test_gradient_norms_rejects_unknown_layers(plain_net, batch, layer_names):
    with pytest.raises(ValueError, match="layer_names"):
        heads.gradient_norms(plain_net, *batch, layer_names=layer_names)


def test_conv_layer_names_work_on_any_keras_model_and_after_loading(plain_net, tmp_path):
    resnet = keras.applications.ResNet50(weights=None, input_shape=(32, 32, 3), classes=10)
    convs = [layer.name for layer in resnet.layers if isinstance(layer, keras.layers.Conv2D)]
    every = heads.conv_layer_names(resnet, "all")
    assert sorted(every) == sorted(convs) and len(every) == 53
    early = heads.conv_layer_names(resnet)
    assert early[0] == every[0] and 1 < len(early) < 10  # conv1 and the first block
    assert all(every.index(a) < every.index(b) for a, b in zip(early, early[1:], strict=False))
    path = tmp_path / "googlenet.keras"
    tiny_googlenet(True, seed=4).save(path)
    loaded = keras.models.load_model(path)
    assert heads.conv_layer_names(loaded, "all") == heads.conv_layer_names(plain_net, "all")
    with pytest.raises(ValueError, match="which"):
        heads.conv_layer_names(plain_net, "middle")


def test_set_biases_sets_hidden_layers_and_leaves_the_classifiers_at_zero():
    model = heads.set_biases(tiny_googlenet(True, seed=6), 0.2)
    for name in ("conv1_7x7_s2", "inception_3a_b3_5x5", "aux_4a_fc"):
        np.testing.assert_allclose(model.get_layer(name).bias.numpy(), 0.2)
    for name in ("classifier", "aux_4a", "aux_4d"):
        assert not model.get_layer(name).bias.numpy().any()


def test_signals_by_stage_give_the_stage_gradients_and_the_error_above_the_heads(aux_net, batch):
    x, y = batch
    main = heads.signals_by_stage(aux_net, x, y, heads.MAIN_ONLY)
    both = heads.signals_by_stage(aux_net, x, y)
    by_stage = heads.gradient_norms_by_stage(aux_net, x, y, heads.MAIN_ONLY)
    assert list(main["gradient"]) == list(by_stage)
    for stage, value in by_stage.items():
        assert main["gradient"][stage] == pytest.approx(value, rel=1e-5)
    # no head sits above 5b: the error reaching it is the main loss's alone
    assert both["error"]["inception_5b"] == pytest.approx(main["error"]["inception_5b"])
    assert both["error"]["conv1_7x7_s2"] != pytest.approx(main["error"]["conv1_7x7_s2"])
    assert main["activation"] == both["activation"]  # the forward pass is the same
    with pytest.raises(ValueError, match="stages"):
        heads.signals_by_stage(aux_net, x, y, stages=["aux_4a"])


def test_measure_at_init_and_c10_agrees_on_a_small_network(batch):
    x, y = batch
    record = heads.measure_at_init(x, y, seed=1, setting="paper", bias=0.2, width=WIDTH)
    assert (record["seed"], record["setting"], record["bias"]) == (1, "paper", 0.2)
    summary = heads.c10_summary(record)
    assert summary["factor_5b"] == pytest.approx(1.0, rel=1e-5)
    assert heads.c10_agrees([record], [record])
    other = copy.deepcopy(record)
    other["with"]["gradient"]["conv1_7x7_s2"] *= 1.5
    assert not heads.c10_agrees([other], [record])
    assert not heads.c10_agrees([record], [])
    with pytest.raises(ValueError, match="setting"):
        heads.measure_at_init(x, y, seed=1, setting="caffe")


def test_he_initialize_rescales_kernels_and_matches_shared_layers():
    aux, plain = tiny_googlenet(True, seed=0), tiny_googlenet(False, seed=1)
    heads.he_initialize(aux, seed=5)
    heads.he_initialize(plain, seed=5)
    for name in ("conv1_7x7_s2", "inception_4e_b2_3x3", "inception_5b_b4_pool_proj"):
        np.testing.assert_array_equal(
            aux.get_layer(name).kernel.numpy(), plain.get_layer(name).kernel.numpy()
        )
    kernel = plain.get_layer("conv2_3x3").kernel.numpy()
    fan_in = np.prod(kernel.shape[:3])
    assert kernel.std() == pytest.approx(np.sqrt(2 / fan_in), rel=0.2)
    with pytest.raises(ValueError, match="seed"):
        heads.he_initialize(plain, seed=-1)


def test_he_initialize_leaves_the_classifiers_alone_even_as_logits():
    logits = tiny_googlenet(True, seed=2, classifier_activation=None)
    before = {
        name: logits.get_layer(name).kernel.numpy()
        for name in ("classifier", "aux_4a", "aux_4a_fc")
    }
    heads.he_initialize(logits, seed=3)
    np.testing.assert_array_equal(
        logits.get_layer("classifier").kernel.numpy(), before["classifier"]
    )
    np.testing.assert_array_equal(logits.get_layer("aux_4a").kernel.numpy(), before["aux_4a"])
    assert not np.array_equal(
        logits.get_layer("aux_4a_fc").kernel.numpy(), before["aux_4a_fc"]
    )  # a hidden dense layer is redrawn


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


def test_live_curves_record_each_epoch_without_flicker(capsys):
    quiet, drawn = LiveCurves(), LiveCurves(RecordingOutput(), title="t")
    epochs = [
        {
            "loss": 3.0,
            "main_loss": 2.0,
            "main_accuracy": 0.2,
            "val_loss": 3.1,
            "val_main_loss": 2.1,
            "val_main_accuracy": 0.25,
        },
        {
            "loss": 2.0,
            "main_loss": 1.5,
            "main_accuracy": 0.5,
            "val_loss": 2.2,
            "val_main_loss": 1.6,
            "val_main_accuracy": 0.55,
        },
    ]
    for curves_ in (quiet, drawn):
        curves_.on_train_begin()
        for epoch, logs in enumerate(epochs):
            curves_.on_epoch_end(epoch, logs)
        if curves_ is drawn:
            assert drawn.figure.axes[0].get_ylabel() == "loss (main head)"
        curves_.on_train_end()
        assert curves_.history == {
            "loss": [2.0, 1.5],
            "val_loss": [2.1, 1.6],
            "accuracy": [0.2, 0.5],
            "val_accuracy": [0.25, 0.55],
        }
    assert drawn.output.cleared == [True, True]  # wait=True: no flicker
    assert drawn.figure is None  # released at the end of training
    capsys.readouterr()


def test_metric_values_normalise_aux_model_names():
    plain = {"loss": [2.0, 1.0], "val_accuracy": [0.5, 0.7]}
    aux = {"loss": [3.0, 2.0], "main_loss": [2.2, 1.1], "val_main_accuracy": [0.4, 0.8]}
    assert metric_values(plain, "val_accuracy") == [0.5, 0.7]
    assert metric_values(aux, "val_accuracy") == [0.4, 0.8]
    assert metric_values(aux, "loss") == [2.2, 1.1]  # the main classifier's
    with pytest.raises(ValueError, match="accuracy"):
        metric_values(plain, "accuracy")


def test_plot_histories_draws_one_panel_per_metric_and_says_which_loss():
    histories = {
        "with aux": {"loss": [3.0, 2.0], "main_loss": [2.2, 1.1], "val_main_accuracy": [0.4, 0.8]},
        "without aux": {"loss": [2.0, 1.0], "val_accuracy": [0.5, 0.7]},
    }
    fig = curves.plot_histories(histories)
    assert len(fig.axes) == 2
    for ax in fig.axes:
        assert [line.get_label() for line in ax.get_lines()] == ["with aux", "without aux"]
        assert ax.get_xlabel() == "epoch"
    assert fig.axes[0].get_ylabel() == "training loss (main head)"
    assert fig.axes[1].get_ylabel() == "validation accuracy (main head)"
    np.testing.assert_array_equal(fig.axes[0].get_lines()[0].get_ydata(), [2.2, 1.1])
    np.testing.assert_array_equal(fig.axes[1].get_lines()[0].get_ydata(), [0.4, 0.8])
    plain = curves.plot_histories({"plain": histories["without aux"]}, metrics="loss")
    assert len(plain.axes) == 1 and plain.axes[0].get_ylabel() == "training loss"
    with pytest.raises(ValueError, match="histories"):
        curves.plot_histories({})


def test_plot_gradient_norms_draws_one_point_per_stage_and_marks_the_taps():
    stages = ["conv1_7x7_s2", "inception_3a", "inception_4a", "inception_4d", "inception_5b"]
    runs = {
        "with aux": dict(zip(stages, [1e-3, 2e-3, 3e-3, 2e-3, 1e-3], strict=True)),
        "without": dict(zip(stages, [1e-4, 2e-4, 5e-4, 1e-3, 1e-3], strict=True)),
    }
    figure = curves.plot_gradient_norms(runs)
    ax = figure.axes[0]
    assert [len(line.get_xdata()) for line in ax.get_lines()[:2]] == [5, 5]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["conv1_7x7_s2", "3a", "4a", "4d", "5b"]
    assert [text.get_text() for text in ax.texts] == ["aux head on 4a", "aux head on 4d"]
    assert ax.get_yscale() == "log"
    with pytest.raises(ValueError, match="same names"):
        curves.plot_gradient_norms({"a": runs["with aux"], "b": {"x": 1.0}})


def test_plot_gradient_norms_follows_the_geometric_mean_of_seeds_and_bands_their_range():
    from inception_edu.viz import curves

    seeds = [{"conv1": 1.0, "3a": 4.0}, {"conv1": 4.0, "3a": 1.0}, {"conv1": 2.0, "3a": 2.0}]
    figure = curves.plot_gradient_norms({"paper": seeds}, log=False, reference=1.0)
    ax = figure.axes[0]
    line = ax.get_lines()[0]
    np.testing.assert_allclose(line.get_ydata(), [2.0, 2.0])  # (1 * 4 * 2) ** (1 / 3)
    assert line.get_label() == "paper (3 seeds: geometric mean)"
    assert ax.get_yscale() == "linear"
    band = ax.collections[0].get_paths()[0].vertices[:, 1]
    assert band.min() == pytest.approx(1.0) and band.max() == pytest.approx(4.0)
    assert any(list(h.get_ydata()) == [1.0, 1.0] for h in ax.get_lines()[1:])  # reference


@pytest.mark.parametrize("momentum, ready", [(None, True), (0.99, False)])
def test_a_short_run_leaves_batch_norm_ready_for_inference(monkeypatch, momentum, ready):
    """After a few dozen steps the moving statistics follow the weights (BN_MOMENTUM).

    With Keras' default momentum 0.99 they still hold their initial values, and the
    network's inference-mode accuracy falls far below its training-mode accuracy.
    """
    from inception_edu.data import load_digits_split
    from inception_edu.keras_build import graph
    from inception_edu.zoo.mini import mini_inception_v3_spec

    if momentum is not None:
        monkeypatch.setattr(graph, "BN_MOMENTUM", momentum)
    digits = load_digits_split(val_fraction=0.2, seed=0)
    keras.utils.set_random_seed(0)
    model = graph.build(mini_inception_v3_spec(classes=10, width=0.25), digits.input_shape)
    training.run(
        model,
        (digits.x_train, digits.y_train),
        None,
        Recipe(optimizer="adam", learning_rate=0.01),
        3,
        batch_size=32,
    )
    x, y = digits.x_train[:512], digits.y_train[:512]
    accuracy = {
        mode: float(np.mean(np.argmax(model(x, training=mode), -1) == y)) for mode in (True, False)
    }
    assert accuracy[True] > 0.6
    assert (accuracy[False] > accuracy[True] - 0.1) == ready, accuracy

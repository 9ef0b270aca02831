"""Notebook 09's experiment (training.transfer_experiment): the source's model and recipe,
the loss trap measured (C36), the comparisons, and nothing lost on interruption."""

import csv

import numpy as np
import pytest
from helpers import TINY_BACKBONE_INPUT as SHAPE
from helpers import tiny_backbone

from inception_edu import data, models
from inception_edu.backend import keras, tf
from inception_edu.experiments.transfer import experiment as te

CLASSES = 4


def pooled_backbone():
    """A backbone that pools itself: features (batch, c), no feature map."""
    inputs = keras.Input(SHAPE, name="image")
    x = keras.layers.Conv2D(4, 3, strides=4, activation="relu", name="conv")(inputs)
    return keras.Model(inputs, keras.layers.GlobalMaxPooling2D(name="pool")(x), name="pooled")


def small_irv2():
    return models.inception_resnet_v2(input_shape=SHAPE, include_top=False, width=0.125, depth=0.1)


@pytest.fixture(scope="module")
def split():
    """48 images of 4 classes at 75x75 (a class = a colour, plus noise): 32 train, 16 val."""
    rng = np.random.default_rng(0)
    colours = rng.uniform(0.2, 0.8, size=(CLASSES, 3))
    labels = np.repeat(np.arange(CLASSES), 12)
    images = colours[labels][:, None, None, :] + rng.normal(0, 0.15, (48, *SHAPE))
    x = np.clip(images, 0, 1).astype(np.float32)
    order = rng.permutation(48)
    x, labels = x[order], labels[order]
    val = np.zeros(48, bool)
    for k in range(CLASSES):
        val[np.flatnonzero(labels == k)[:4]] = True
    names = tuple(f"class_{k}" for k in range(CLASSES))
    return data.Split(x[~val], labels[~val], x[val], labels[val], names)


def experiment(name="arm", **changes):
    return te.Experiment(name=name, backbone=tiny_backbone, backbone_label="tiny", **changes)


def history_rows(directory):
    with open(directory / "history.csv", newline="") as handle:
        return list(csv.reader(handle))


# --------------------------------------------------------------------------- C36


@pytest.mark.parametrize("loss", ["binary", "categorical", "binary_crossentropy"])
def test_keras_3_resolves_accuracy_from_the_targets_not_from_the_loss(loss):
    """Measured by compiling: "accuracy" on one-hot rows is categorical accuracy whatever
    the loss (Keras 2 gave binary accuracy with the binary loss); binary accuracy must be
    asked for by name."""
    for classes in (12, 51):
        assert te.keras_accuracy_metric(loss, classes=classes) == "CategoricalAccuracy"
        assert te.keras_accuracy_metric(loss, "acc", classes) == "CategoricalAccuracy"
        assert te.keras_accuracy_metric(loss, "binary_accuracy", classes) == "BinaryAccuracy"


def test_a_constant_predictor_scores_k_minus_1_over_k_in_binary_accuracy():
    assert te.constant_predictor_binary_accuracy(12) == pytest.approx(11 / 12, abs=1e-6)
    assert te.constant_predictor_binary_accuracy(51) == pytest.approx(50 / 51, abs=1e-6)
    assert te.constant_predictor_binary_accuracy(2) == pytest.approx(0.5)


def test_accuracy_report_sets_binary_beside_categorical_accuracy(split):
    """A head that says 1/K to every class (zero weights): below 0.5 everywhere, so its
    binary accuracy is the constant predictor's, while its categorical accuracy is the
    share of the class argmax's tie-break picks (class 0)."""
    inputs = keras.Input(SHAPE)
    pooled = keras.layers.GlobalAveragePooling2D()(inputs)
    outputs = keras.layers.Dense(CLASSES, activation="softmax", kernel_initializer="zeros")(pooled)
    report = te.accuracy_report(keras.Model(inputs, outputs), split.x_val, split.y_val)
    assert report["binary_accuracy"] == pytest.approx((CLASSES - 1) / CLASSES)
    assert report["constant_predictor"] == pytest.approx((CLASSES - 1) / CLASSES)
    assert report["categorical_accuracy"] == pytest.approx(np.mean(split.y_val == 0))
    onehot = np.eye(CLASSES)[split.y_val]
    assert te.accuracy_report(keras.Model(inputs, outputs), split.x_val, onehot) == report


# --------------------------------------------------------------------------- model, recipe


def test_the_source_model_pools_a_feature_map_and_adds_a_softmax_head():
    backbone = small_irv2()
    assert len(backbone.output.shape) == 4  # include_top=False gives the feature map
    model = te.source_model(small_irv2, 12)
    assert tuple(model.output.shape) == (None, 12)
    assert model.get_layer("predictions").activation.__name__ == "softmax"
    assert isinstance(model.get_layer("avg_pool"), keras.layers.GlobalAveragePooling2D)
    pooled = te.source_model(pooled_backbone, 5, name="pooled_head")
    assert "avg_pool" not in [layer.name for layer in pooled.layers]
    assert tuple(pooled.output.shape) == (None, 5) and pooled.name == "pooled_head"


def test_the_source_recipe_is_adam_at_0_001_with_accuracy_as_written():
    recipe = te.source_recipe("binary")
    assert (recipe.optimizer, recipe.learning_rate) == ("adam", 1e-3)
    assert recipe.loss == "binary_crossentropy" and recipe.metrics == ("accuracy",)
    assert te.source_recipe().loss == "categorical_crossentropy"
    assert te.experiment_recipe("binary").metrics == te.TRACKED_METRICS


def test_augmentation_is_active_in_training_only(split):
    x = split.x_val[:4]
    layers = te.augmentation(seed=3)
    assert np.array_equal(keras.ops.convert_to_numpy(layers(x, training=False)), x)
    assert not np.allclose(keras.ops.convert_to_numpy(layers(x, training=True)), x)


def _labels(epoch) -> np.ndarray:
    return np.concatenate([keras.ops.convert_to_numpy(y) for _, y in epoch])


def test_training_batches_reshuffle_every_epoch_from_their_own_seed(split):
    batches = te.training_batches(split.x_train, split.y_train, batch_size=8, seed=1)
    epochs = [list(batches), list(batches)]
    for epoch in epochs:
        assert sorted(_labels(epoch)) == sorted(split.y_train)  # every image once per epoch
        assert [len(y) for _, y in epoch] == [8, 8, 8, 8]
    assert not np.array_equal(_labels(epochs[0]), _labels(epochs[1]))  # a new order
    plain = keras.ops.convert_to_numpy(epochs[0][0][0])
    assert all(any(np.array_equal(i, o) for o in split.x_train) for i in plain)
    tf.random.set_seed(123)  # TensorFlow's global seed plays no part
    again = te.training_batches(split.x_train, split.y_train, batch_size=8, seed=1)
    for old, new in zip(epochs, [list(again), list(again)], strict=True):
        np.testing.assert_array_equal(_labels(old), _labels(new))
    other = te.training_batches(split.x_train, split.y_train, batch_size=8, seed=2)
    assert not np.array_equal(_labels(list(other)), _labels(epochs[0]))
    with pytest.raises(ValueError, match=r"x must be images.*\(4, 75, 75\)"):
        te.training_batches(split.x_train[:4, ..., 0], split.y_train[:4])
    grey = te.training_batches(split.x_train[:4, ..., :1], split.y_train[:4], batch_size=4)
    assert next(iter(grey))[0].shape == (4, 75, 75, 1)
    with pytest.raises(ValueError, match=r"x must be RGB images.*\(4, 75, 75, 1\)"):
        te.training_batches(split.x_train[:4, ..., :1], split.y_train[:4], augment=True)


def test_augmented_training_batches_change_every_image_and_keep_the_labels(split):
    plain = te.training_batches(split.x_train, split.y_train, batch_size=8, seed=1)
    augmented = te.training_batches(
        split.x_train, split.y_train, batch_size=8, seed=1, augment=True
    )
    first = list(augmented)
    np.testing.assert_array_equal(_labels(first), _labels(list(plain)))  # same order
    images = keras.ops.convert_to_numpy(first[0][0])
    assert not any(
        np.allclose(image, original) for image in images for original in split.x_train
    )  # no training image passes unchanged
    again = te.training_batches(split.x_train, split.y_train, batch_size=8, seed=1, augment=True)
    for batch, repeat in zip(first, again, strict=True):  # the same seed, the same pixels
        np.testing.assert_array_equal(
            keras.ops.convert_to_numpy(batch[0]), keras.ops.convert_to_numpy(repeat[0])
        )
    with pytest.raises(ValueError, match="augment must be"):
        te.training_batches(split.x_train, split.y_train, augment="yes")


def test_a_comparison_traces_one_step_for_arms_of_one_network_and_loss(split):
    arms = [
        experiment("plain"),
        experiment("augmented", augment=True),
        experiment("scratch", weights="scratch"),
    ]
    models = te.SharedModels()
    first = te.run_experiment(split, arms[0], 1, settle=False, models=models)
    shared = models.initial(arms[0], CLASSES, SHAPE)
    step = shared.train_function
    for arm in arms[1:]:
        te.run_experiment(split, arm, 1, settle=False, models=models)
        assert models.initial(arm, CLASSES, SHAPE) is shared and shared.train_function is step
    assert first.model is None  # a shared model holds the last run's weights only
    assert not first.settled and first.settled_accuracy == pytest.approx(
        first.final("val_categorical_accuracy")
    )
    again = te.run_experiment(split, arms[0], 1, settle=False, models=models)  # reused
    alone = te.run_experiment(split, arms[0], 1, settle=False)
    for key, values in alone.history.items():  # sharing changes nothing in the run
        assert first.history[key] == pytest.approx(values, abs=1e-5), key
        assert again.history[key] == pytest.approx(values, abs=1e-5), key
    binary = experiment("binary", loss="binary")
    assert models.initial(binary, CLASSES, SHAPE) is not shared  # another loss: its own


# --------------------------------------------------------------------------- runs


@pytest.fixture(scope="module")
def comparison(split, tmp_path_factory):
    """Two arms (the losses) over two seeds, one epoch each, with checkpoints."""
    root = tmp_path_factory.mktemp("comparison")
    arms = [experiment("categorical"), experiment("binary", loss="binary")]
    comparison = te.compare(
        split, arms, seeds=[0, 1], epochs=1, checkpoint_root=root, worst=3, settle=False
    )
    return root, comparison


def test_a_run_records_the_true_categorical_accuracy_whatever_the_loss(split, comparison):
    result = comparison[1].results["binary"][0]
    history = result.history
    for key in ("accuracy", "binary_accuracy", "categorical_accuracy", "loss"):
        assert len(history[key]) == len(history[f"val_{key}"]) == 1
    assert history["accuracy"] == history["categorical_accuracy"]  # Keras 3's resolution
    predicted = result.probabilities.argmax(axis=1)
    assert result.final("val_categorical_accuracy") == pytest.approx(
        np.mean(predicted == split.y_val)
    )
    assert result.final("val_binary_accuracy") >= 0.5  # 3 of 4 columns are zeros
    assert result.epochs == result.trained_epochs == (0,) and len(result.epoch_seconds) == 1
    assert result.confusion.shape == (CLASSES, CLASSES)
    assert result.confusion.sum() == len(split.y_val)
    wrong = np.mean(predicted[split.y_val == 1] != 1)
    assert result.per_class_error[1] == pytest.approx(wrong)
    confidences = [m.confidence for m in result.mistakes]
    assert confidences == sorted(confidences, reverse=True) and len(result.mistakes) <= 3
    for mistake in result.mistakes:
        assert mistake.true == split.y_val[mistake.index] != mistake.predicted
        assert mistake.predicted == predicted[mistake.index]
    assert result.experiment.settings()["loss"] == "binary_crossentropy"


class Interrupt(keras.callbacks.Callback):
    """Stops training after epoch ``after`` ends, as a kernel interrupt would."""

    def __init__(self, after: int):
        super().__init__()
        self.after = after

    def on_epoch_end(self, epoch, logs=None):
        if epoch == self.after:
            raise KeyboardInterrupt


def test_an_interrupted_run_resumes_and_loses_no_completed_epoch(split, tmp_path):
    """The runner saves an epoch before any user callback runs, so an interruption right
    after epoch 0 keeps it; run again, and only epoch 1 trains. The runner promises no
    epoch lost or repeated, the optimizer's step count resumed, and (same seed) the same
    first epoch as an uninterrupted run; not bit-identical later epochs (another shuffle
    order), so those are not compared."""
    arm = experiment("resumed arm", seed=2)
    with pytest.raises(KeyboardInterrupt):
        te.run_experiment(split, arm, epochs=2, checkpoint_root=tmp_path, callbacks=[Interrupt(0)])
    directory = tmp_path / "resumed-arm" / "seed2"
    stored = history_rows(directory)
    assert [row[0] for row in stored[1:]] == ["0"]

    resumed = te.run_experiment(split, arm, epochs=2, checkpoint_root=tmp_path)
    rows = history_rows(directory)
    assert [row[0] for row in rows[1:]] == ["0", "1"]  # once each
    assert rows[:2] == stored  # the completed epoch, unchanged
    assert resumed.epochs == (0, 1) and resumed.trained_epochs == (1,)
    assert int(resumed.model.optimizer.iterations) == 2 * 1  # one 32-image step per epoch
    assert len(resumed.history["val_categorical_accuracy"]) == 2

    again = te.run_experiment(split, arm, epochs=2, checkpoint_root=tmp_path)
    assert again.trained_epochs == () and again.history == resumed.history
    np.testing.assert_allclose(again.probabilities, resumed.probabilities, atol=1e-6)

    straight = te.run_experiment(split, arm, epochs=2, checkpoint_root=tmp_path / "straight")
    for key, values in straight.history.items():
        assert resumed.history[key][0] == pytest.approx(values[0], abs=1e-5), key


def test_compare_trains_every_arm_with_every_seed_and_tabulates_the_spread(comparison):
    tmp_path, comparison = comparison
    assert [r.experiment.seed for r in comparison.results["binary"]] == [0, 1]
    assert all(
        (tmp_path / name / f"seed{k}").is_dir()
        for name in ("binary", "categorical")
        for k in (0, 1)
    )
    curves = comparison.curves("val_categorical_accuracy")
    assert list(curves) == ["categorical", "binary"]
    assert np.asarray(curves["binary"]).shape == (2, 1)
    rows = comparison.rows()
    assert [row["loss"] for row in rows] == ["categorical_crossentropy", "binary_crossentropy"]
    for row in rows:
        for metric in te.SUMMARY_METRICS:
            low, mean, high = (row[f"{metric}_{k}"] for k in ("min", "mean", "max"))
            assert low <= mean <= high
        assert row["seeds"] == 2 and row["epochs"] == 1 and row["batch_size"] == 64
    finals = [r.final("val_binary_accuracy") for r in comparison.results["binary"]]
    assert rows[1]["val_binary_accuracy_mean"] == pytest.approx(np.mean(finals))
    text = comparison.table().text()
    assert "binary_crossentropy" in text and "seeds [0, 1]" in text
    assert len(comparison.plot("val_loss").axes[0].lines) == 2


def test_a_binary_accuracy_plot_can_show_the_full_scale_and_the_useless_models_line():
    from synthetic_transfer import synthetic_comparison

    comparison, _ = synthetic_comparison(classes=12)
    floor = te.constant_predictor_binary_accuracy(12)
    figure = comparison.plot("val_binary_accuracy", limits=(0, 1), reference=(floor, "(K-1)/K"))
    ax = figure.axes[0]
    assert ax.get_ylim() == (0, 1)
    lines = [line for line in ax.lines if line.get_label() == "(K-1)/K"]
    assert len(lines) == 1 and list(lines[0].get_ydata()) == [floor, floor]
    assert "(K-1)/K" in [t.get_text() for t in ax.get_legend().get_texts()]
    with pytest.raises(ValueError, match="limits must be"):
        comparison.plot("val_binary_accuracy", limits=(1, 0))
    with pytest.raises(ValueError, match="reference must be"):
        comparison.plot("val_binary_accuracy", reference=(float("nan"), "x"))


# --------------------------------------------------------------------------- arguments


def not_a_model():
    return "a string"


def three_d_backbone():
    inputs = keras.Input(SHAPE)
    return keras.Model(inputs, keras.layers.Reshape((75, 225))(inputs), name="three_d")


def other_input_backbone():
    inputs = keras.Input((64, 64, 3))
    return keras.Model(inputs, keras.layers.Conv2D(2, 3)(inputs), name="sixty_four")


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda s: experiment(loss="hinge"), r"loss must be one of 'categorical'.*'hinge'"),
        (lambda s: experiment(augment="yes"), r"augment must be True or False.*'yes'"),
        (lambda s: experiment(seed=-1), r"seed must be an int >= 0.*-1"),
        (lambda s: experiment(name="!!"), r"at least one letter or digit.*'!!'"),
        (
            lambda s: te.Experiment(name="x", backbone=3),
            r"zero-argument function.*Received: int",
        ),
        (
            lambda s: te.Experiment(name="x", backbone=tiny_backbone()),
            r"zero-argument function.*Received: Functional",
        ),
        (lambda s: te.source_model(not_a_model, 4), r"must return a keras.Model.*str"),
        (lambda s: te.source_model(three_d_backbone, 4), r"feature map.*\(None, 75, 225\)"),
        (lambda s: te.source_model(tiny_backbone, 1), r"classes must be an int >= 2.*1"),
        (lambda s: te.source_recipe("mse"), r"loss must be one of.*'mse'"),
        (
            lambda s: te.compare(s, [experiment()], seeds=[1, 1], epochs=1),
            r"seeds must be distinct.*\[1, 1\]",
        ),
        (lambda s: te.compare(s, [experiment()], seeds=[], epochs=1), r"seeds must be.*\[\]"),
        (
            lambda s: te.compare(s, [experiment("a b"), experiment("a-b")], [0], 1),
            r"distinct names.*'a b', 'a-b'",
        ),
        (lambda s: te.compare(s, experiment(), [0], 1), r"list of Experiment.*Experiment"),
        (lambda s: te.run_experiment((s.x_train, s.y_train), experiment(), 1), r"Split.*tuple"),
        (lambda s: te.run_experiment(s, experiment(), 0), r"epochs must be an int >= 1.*0"),
        (
            lambda s: te.run_experiment(s, experiment(), 1, checkpoint_root=""),
            r"checkpoint_root must be None or a directory.*''",
        ),
        (
            lambda s: te.run_experiment(
                s, te.Experiment(name="x", backbone=other_input_backbone), 1
            ),
            r"images' shape \(75, 75, 3\).*\(64, 64, 3\)",
        ),
        (lambda s: te.constant_predictor_binary_accuracy(1), r"classes must be an int >= 2"),
        (lambda s: te.accuracy_report("model", s.x_val, s.y_val), r"keras.Model.*str"),
    ],
)
def test_bad_arguments_say_what_was_received_and_what_is_allowed(split, make, message):
    with pytest.raises(ValueError, match=message):
        make(split)


def test_the_confusion_and_mistakes_figures_show_one_arm():
    from synthetic_transfer import synthetic_comparison

    comparison, x_val = synthetic_comparison(classes=4, per_class=3)
    runs = comparison.results[comparison.experiments[0].name]
    figure = te.plot_confusion(runs)
    matrix = figure.axes[0]
    counts = sum(int(t.get_text()) for t in matrix.texts)
    assert counts == len(runs) * len(runs[0].labels)  # every answer of every seed, once
    shown = te.plot_mistakes(runs[0], x_val, count=3)
    wrong = np.sum(runs[0].probabilities.argmax(axis=1) != runs[0].labels)
    assert sum(bool(ax.images) for ax in shown.axes) == min(3, wrong)
    with pytest.raises(ValueError, match="non-empty tuple of them.*str"):
        te.plot_confusion(("a",))
    with pytest.raises(ValueError, match="one ExperimentResult.*tuple"):
        te.plot_mistakes(runs, x_val)
    with pytest.raises(ValueError, match=r"x_val must be the \d+ validation images"):
        te.plot_mistakes(runs[0], x_val[:1])


def test_seed_verdict_is_the_course_rule_and_says_why_with_fewer_than_three_seeds():
    from inception_edu.course.claims import empirical_verdict

    three = te.seed_verdict("C38", [0.2, 0.0, 0.1], "a minus b")
    assert three == empirical_verdict("C38", [0.2, 0.0, 0.1], "a minus b")
    assert three.verdict == "holds approximately"
    one = te.seed_verdict("C38", np.array([0.3]), "a minus b", claimed="none", margin=0.1)
    assert one.verdict == "not shown at this scale"
    assert "the rule needs 3 seeds" in str(one) and "+0.3" in str(one)
    with pytest.raises(ValueError, match="differences"):
        te.seed_verdict("C38", [], "a minus b")

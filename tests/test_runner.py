"""training.run: the one runner. Targets, checkpoints that survive SIGKILL, tf.data, strategy."""

import json
import os
import select
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from inception_edu import data
from inception_edu.backend import keras, tf
from inception_edu.training import Recipe, run

REPO = Path(__file__).resolve().parents[1]
CLASSES = 10


def tiny_model(aux: bool = False, logits: bool = False, name: str = "tiny"):
    """8x8x1 -> conv -> pool -> classifier (and an "aux" head); every layer named."""
    inputs = keras.Input((8, 8, 1), name="input")
    features = keras.layers.Conv2D(4, 3, activation="relu", name="conv")(inputs)
    pooled = keras.layers.GlobalAveragePooling2D(name="pool")(features)
    main = keras.layers.Dense(CLASSES, activation=None if logits else "softmax", name="classifier")(
        pooled
    )
    if not aux:
        return keras.Model(inputs, main, name=name)
    flat = keras.layers.Flatten(name="aux_flatten")(features)
    head = keras.layers.Dense(CLASSES, activation="softmax", name="aux")(flat)
    return keras.Model(inputs, {"main": main, "aux": head}, name=name)


@pytest.fixture(scope="module")
def digits():
    full = data.load_digits_split(seed=0)
    return data.Split(
        full.x_train[:96], full.y_train[:96], full.x_val[:32], full.y_val[:32], full.class_names
    )


class EpochLog(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.epochs, self.iterations = [], None

    def on_train_begin(self, logs=None):
        self.iterations = int(self.model.optimizer.iterations)

    def on_epoch_begin(self, epoch, logs=None):
        self.epochs.append(epoch)


def cross_entropy(targets, probabilities):
    return float(np.mean(-np.sum(targets * np.log(np.clip(probabilities, 1e-7, 1)), axis=1)))


# --------------------------------------------------------------------------- targets


def test_run_trains_on_smoothed_targets_and_validates_on_true_ones(digits):
    """Label smoothing: the targets run trains on are (1-ε)·y + ε/K; validation is not
    smoothed. One step over the whole training set: its logged loss is the cross-entropy
    of the initial predictions against the smoothed targets."""
    epsilon = 0.2
    keras.utils.set_random_seed(0)
    model = tiny_model()
    # confident predictions, so that smoothed and one-hot targets give different losses
    model.get_layer("classifier").bias.assign(np.linspace(0.0, 6.0, CLASSES))
    before = keras.ops.convert_to_numpy(model(digits.x_train))
    onehot = np.eye(CLASSES)[digits.y_train]
    smoothed = (1 - epsilon) * onehot + epsilon / CLASSES
    recipe = Recipe(optimizer="sgd", learning_rate=0.1, label_smoothing=epsilon)
    history = run(model, digits, None, recipe, epochs=1, batch_size=len(digits.y_train))
    logged = history.history["loss"][0]
    expected, unsmoothed = cross_entropy(smoothed, before), cross_entropy(onehot, before)
    assert abs(expected - unsmoothed) > 20 * 1e-4 * expected  # the check can tell them apart
    assert logged == pytest.approx(expected, rel=1e-4)
    after = keras.ops.convert_to_numpy(model(digits.x_val))
    val_loss = history.history["val_loss"][0]
    assert val_loss == pytest.approx(cross_entropy(np.eye(CLASSES)[digits.y_val], after), rel=1e-4)


def test_every_output_gets_the_targets_and_the_total_is_the_weighted_sum(digits):
    """C11 through run: total = main + w·aux, for a two-head model (w = 0.7)."""
    keras.utils.set_random_seed(1)
    model = tiny_model(aux=True)
    recipe = Recipe(loss_weights={"main": 1.0, "aux": 0.7})
    history = run(model, digits, None, recipe, epochs=1, batch_size=32)
    logs = {key: values[-1] for key, values in history.history.items()}
    assert model.get_compile_config()["loss_weights"] == {"main": 1.0, "aux": 0.7}
    assert logs["val_loss"] == pytest.approx(
        logs["val_main_loss"] + 0.7 * logs["val_aux_loss"], rel=1e-4
    )
    assert logs["loss"] == pytest.approx(logs["main_loss"] + 0.7 * logs["aux_loss"], rel=1e-4)
    assert {"main_accuracy", "aux_accuracy", "val_main_accuracy"} <= set(logs)


def test_one_hot_labels_and_arrays_train_like_int_labels(digits):
    histories = []
    for y in (digits.y_train, np.eye(CLASSES)[digits.y_train]):
        keras.utils.set_random_seed(2)
        model = tiny_model()
        histories.append(
            run(
                model,
                (digits.x_train, y),
                (digits.x_val, digits.y_val),
                Recipe(),
                epochs=1,
                batch_size=32,
            ).history
        )
    assert histories[0]["loss"] == pytest.approx(histories[1]["loss"], rel=1e-5)
    assert histories[0]["val_accuracy"] == pytest.approx(histories[1]["val_accuracy"])


def test_logits_are_detected_from_the_output_layer(digits):
    """A linear classifier gives logits: the loss is the cross-entropy of their softmax."""
    keras.utils.set_random_seed(3)
    model = tiny_model(logits=True)
    Recipe().compile(model, steps_per_epoch=1, epochs=1)
    x, y = digits.x_val, np.eye(CLASSES)[digits.y_val]
    loss = model.evaluate(x, y, batch_size=len(y), verbose=0, return_dict=True)["loss"]
    logits = keras.ops.convert_to_numpy(model(x))
    softmax = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    assert loss == pytest.approx(cross_entropy(y, softmax), rel=1e-4)


def test_accuracy_is_resolved_by_keras_and_binary_accuracy_must_be_asked_for(digits):
    """Notebook 09's trap, as Keras 3 has it: with the binary loss, "accuracy" is still
    categorical accuracy (one-hot targets); "binary_accuracy" is what Keras 2 showed."""
    keras.utils.set_random_seed(4)
    model = tiny_model()
    recipe = Recipe(loss="binary_crossentropy", metrics=("accuracy", "binary_accuracy"))
    history = run(model, digits, None, recipe, epochs=1, batch_size=32)
    predicted = keras.ops.convert_to_numpy(model(digits.x_val)).argmax(axis=1)
    assert history.history["val_accuracy"][0] == pytest.approx(np.mean(predicted == digits.y_val))
    assert history.history["val_binary_accuracy"][0] > 0.85  # 9 of 10 columns are 0


def test_the_recipes_clipping_bounds_the_whole_step(digits):
    """One plain SGD step (lr 1, no momentum) with clipnorm c moves all weights together by
    exactly c: the gradient, far larger, was rescaled as a whole."""
    keras.utils.set_random_seed(6)
    model = tiny_model()
    before = [w.copy() for w in model.get_weights()]
    recipe = Recipe(optimizer="sgd", momentum=0.0, learning_rate=1.0, clipnorm=0.01)
    run(
        model,
        (digits.x_train, digits.y_train),
        None,
        recipe,
        epochs=1,
        batch_size=len(digits.y_train),
    )
    step = np.sqrt(
        sum(np.sum((a - b) ** 2) for a, b in zip(model.get_weights(), before, strict=True))
    )
    assert step == pytest.approx(0.01, rel=1e-3)


def test_tf_data_datasets_train_with_int_or_one_hot_labels(digits):
    train = tf.data.Dataset.from_tensor_slices((digits.x_train, digits.y_train)).batch(32)
    val = tf.data.Dataset.from_tensor_slices(
        (digits.x_val, np.eye(CLASSES, dtype=np.float32)[digits.y_val])
    ).batch(16)
    keras.utils.set_random_seed(5)
    log = EpochLog()
    history = run(
        tiny_model(aux=True),
        train,
        val,
        Recipe(schedule="cosine", loss_weights={"main": 1, "aux": 0.3}),
        epochs=2,
        callbacks=[log],
    )
    assert history.epoch == [0, 1] and log.epochs == [0, 1]
    assert len(history.history["val_main_accuracy"]) == 2
    with pytest.raises(ValueError, match="batched"):
        run(tiny_model(), train.unbatch(), None, Recipe(), epochs=1)
    with pytest.raises(ValueError, match="infinite"):
        run(tiny_model(), train.repeat(), None, Recipe(), epochs=1)


# --------------------------------------------------------------------------- arguments


@pytest.mark.parametrize(
    "change, message",
    [
        (dict(epochs=0), "epochs"),
        (dict(epochs=1.5), "epochs"),
        (dict(batch_size=0), "batch_size"),
        (dict(batch_size=True), "batch_size"),
        (dict(seed=-1), "seed"),
        (dict(verbose=3), "verbose"),
        (dict(verbose=True), r"verbose must be an int in \[0, 2\]. Received: verbose=True"),
        (
            dict(batch_sise=8),
            r"run\(\) takes no argument 'batch_sise' \(did you mean 'batch_size'\?\). "
            r"Allowed: model, train, val, recipe, epochs, batch_size",
        ),
        (dict(recipe="adam"), "recipe"),
        (dict(callbacks=[print]), "callbacks"),
        (dict(train=None), "train"),
        (dict(train=[1, 2, 3]), "train"),
        (dict(train="digits"), "train"),
        (dict(val="split"), "val"),
        (dict(strategy="mirrored"), "strategy"),
        (dict(model="not a model"), "model"),
        (dict(model=lambda: "not a model"), "keras.Model"),
    ],
)
def test_run_rejects_bad_arguments(digits, change, message):
    arguments = dict(
        model=tiny_model(),
        train=(digits.x_train, digits.y_train),
        val=(digits.x_val, digits.y_val),
        recipe=Recipe(),
        epochs=1,
    )
    arguments.update(change)
    with pytest.raises(ValueError, match=message):
        run(**arguments)


def test_run_rejects_data_that_does_not_fit_the_model(digits):
    model = tiny_model()
    for train, message in [
        ((digits.x_train, digits.y_train[:-1]), "one row per example"),
        ((digits.x_train[..., 0], digits.y_train), "shaped"),
        ((digits.x_train, digits.y_train + CLASSES), "Labels"),
        ((digits.x_train, np.eye(CLASSES + 1)[digits.y_train]), "One-hot"),
        (
            (np.where(digits.x_train > 0.5, np.nan, digits.x_train), digits.y_train),
            r"train: x must hold finite numbers .* Received \d+ NaN or infinite values",
        ),
    ]:
        with pytest.raises(ValueError, match=message):
            run(model, train, None, Recipe(), epochs=1)
    with pytest.raises(ValueError, match="val=None"):
        run(model, digits, (digits.x_val, digits.y_val), Recipe(), epochs=1)
    with pytest.raises(ValueError, match="Split as train"):
        run(model, (digits.x_train, digits.y_train), digits, Recipe(), epochs=1)
    with pytest.raises(ValueError, match="aux"):  # a two-head model needs both weights
        run(tiny_model(aux=True), digits, None, Recipe(loss_weights={"main": 1}), epochs=1)


def test_a_model_built_outside_the_strategy_is_refused(digits):
    strategy = tf.distribute.OneDeviceStrategy("/cpu:0")
    with pytest.raises(ValueError, match=r"built inside this strategy's scope\(\).*'tiny'"):
        run(tiny_model(), digits, None, Recipe(), epochs=1, strategy=strategy)


# --------------------------------------------------------------------------- checkpoints


def read_csv(directory) -> list:
    lines = (Path(directory) / "history.csv").read_text().splitlines()
    return [line.split(",") for line in lines]


def test_a_complete_run_returns_its_stored_history_and_weights(digits, tmp_path):
    keras.utils.set_random_seed(6)
    model = tiny_model(name="resumable")
    first = run(model, digits, None, Recipe(), epochs=2, batch_size=32, checkpoint_dir=tmp_path)
    rows = read_csv(tmp_path)
    assert rows[0][0] == "epoch" and [row[0] for row in rows[1:]] == ["0", "1"]
    assert set(rows[0][1:]) == set(first.history)
    assert json.loads((tmp_path / "run.json").read_text())["model"] == "resumable"
    keras.utils.set_random_seed(7)  # a fresh model, other weights
    again, log = tiny_model(name="resumable"), EpochLog()
    second = run(
        again,
        digits,
        None,
        Recipe(),
        epochs=2,
        batch_size=32,
        checkpoint_dir=tmp_path,
        callbacks=[log],
    )
    assert log.epochs == [] and second.epoch == [0, 1]
    assert second.history == first.history
    for mine, theirs in zip(again.get_weights(), model.get_weights(), strict=True):
        np.testing.assert_array_equal(mine, theirs)
    with pytest.raises(ValueError, match="more than epochs=1"):
        run(tiny_model(name="resumable"), digits, None, Recipe(), epochs=1, checkpoint_dir=tmp_path)


def test_a_checkpoint_dir_under_a_file_is_refused(digits, tmp_path):
    (tmp_path / "notes.txt").write_text("not a folder")
    for where, said in [("notes.txt", "is a file"), ("notes.txt/run", "lies under the file")]:
        with pytest.raises(ValueError, match=f"checkpoint_dir must be a folder.*{said}"):
            run(tiny_model(), digits, None, Recipe(), 1, checkpoint_dir=tmp_path / where)


def test_a_directory_of_another_model_or_recipe_is_refused(digits, tmp_path):
    run(tiny_model(name="one"), digits, None, Recipe(), epochs=1, checkpoint_dir=tmp_path)
    with pytest.raises(ValueError, match="model.*differ"):
        run(tiny_model(name="other"), digits, None, Recipe(), epochs=2, checkpoint_dir=tmp_path)
    with pytest.raises(ValueError, match="outputs"):
        run(
            tiny_model(aux=True, name="one"),
            digits,
            None,
            Recipe(loss_weights={"main": 1, "aux": 1}),
            epochs=2,
            checkpoint_dir=tmp_path,
        )
    with pytest.raises(ValueError, match="recipe"):
        run(
            tiny_model(name="one"),
            digits,
            None,
            Recipe(learning_rate=0.5),
            epochs=2,
            checkpoint_dir=tmp_path,
        )
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "history.csv").write_text("epoch,loss\n0,1.0\n")
    with pytest.raises(ValueError, match="run.json"):
        run(tiny_model(name="one"), digits, None, Recipe(), epochs=1, checkpoint_dir=foreign)


def test_an_uncommitted_epoch_is_ignored_on_resume(digits, tmp_path):
    """Killed after epoch 2's files were written but before its row was whole: resume
    re-trains epoch 2 from epoch 1's state and drops the stray files and half line."""
    keras.utils.set_random_seed(8)
    run(
        tiny_model(name="torn"),
        digits,
        None,
        Recipe(),
        epochs=2,
        batch_size=32,
        checkpoint_dir=tmp_path,
    )
    with open(tmp_path / "history.csv", "a") as handle:
        handle.write("2,0.123")  # a row cut off mid-write
    (tmp_path / "epoch_0002.weights.npz").write_bytes(b"not committed")
    log = EpochLog()
    history = run(
        tiny_model(name="torn"),
        digits,
        None,
        Recipe(),
        epochs=3,
        batch_size=32,
        checkpoint_dir=tmp_path,
        callbacks=[log],
    )
    assert log.epochs == [2] and log.iterations == 2 * 3  # 96 examples / 32 per step
    assert [row[0] for row in read_csv(tmp_path)[1:]] == ["0", "1", "2"]
    assert history.epoch == [0, 1, 2] and len(history.history["loss"]) == 3
    assert sorted(p.name for p in tmp_path.glob("epoch_*")) == [
        "epoch_0002.optimizer.npz",
        "epoch_0002.weights.npz",
    ]


CHILD = """
import os, sys
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
sys.path.insert(0, {repo!r})
sys.path.insert(0, {tests!r})
from test_runner import tiny_model, EpochLog
from inception_edu import data
from inception_edu.backend import keras
from inception_edu.training import Recipe, run

class Hold(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        if epoch == 1:
            print("EPOCH 1 SAVED", flush=True)
            sys.stdin.readline()  # wait here until the parent kills us

full = data.load_digits_split(seed=0)
split = data.Split(full.x_train[:96], full.y_train[:96], full.x_val[:32], full.y_val[:32],
                   full.class_names)
keras.utils.set_random_seed(0)
run(tiny_model(name="killed"), split, None, Recipe(schedule="cosine"), epochs=4,
    batch_size=32, checkpoint_dir={directory!r}, callbacks=[Hold()])
print("FINISHED", flush=True)
"""


def test_a_killed_run_resumes_after_its_last_completed_epoch(digits, tmp_path):
    """Issue 6: a test kills (SIGKILL, from outside) a training process after its 2nd of 4
    epochs, runs it again with the same checkpoint_dir, and finds history.csv with epochs
    0-3 once each, the second run having trained only epochs 2 and 3."""
    directory = tmp_path / "checkpoints"
    script = tmp_path / "child.py"
    script.write_text(
        textwrap.dedent(CHILD).format(
            repo=str(REPO), tests=str(REPO / "tests"), directory=str(directory)
        )
    )
    with open(tmp_path / "child.err", "w") as errors:
        child = subprocess.Popen(
            [sys.executable, str(script)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        )
    try:
        ready, _, _ = select.select([child.stdout], [], [], 120)  # a timeout, no polling
        line = child.stdout.readline() if ready else ""
        assert line.strip() == "EPOCH 1 SAVED", (
            f"the child did not reach epoch 1: {line!r}\n"
            + (tmp_path / "child.err").read_text()[-2000:]
        )
        os.kill(child.pid, signal.SIGKILL)  # from outside, in the middle of the run
        assert child.wait(timeout=30) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=30)
        child.stdout.close()
        child.stdin.close()
    assert [row[0] for row in read_csv(directory)[1:]] == ["0", "1"]
    stored = read_csv(directory)

    log = EpochLog()
    history = run(
        tiny_model(name="killed"),
        digits,
        None,
        Recipe(schedule="cosine"),
        epochs=4,
        batch_size=32,
        checkpoint_dir=directory,
        callbacks=[log],
    )
    assert log.epochs == [2, 3]  # only the epochs the killed run had not completed
    assert log.iterations == 2 * 3  # the optimizer resumed at its step count
    rows = read_csv(directory)
    assert rows[0][0] == "epoch" and [row[0] for row in rows[1:]] == ["0", "1", "2", "3"]
    assert rows[:3] == stored  # the killed run's epochs, unchanged
    assert history.epoch == [0, 1, 2, 3]
    column = rows[0].index("loss")
    assert history.history["loss"] == [float(row[column]) for row in rows[1:]]


# --------------------------------------------------------------------------- strategy

STRATEGY_CHILD = """
import os, sys
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
sys.path.insert(0, {repo!r})
sys.path.insert(0, {tests!r})
from inception_edu.backend import tf
cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(
    cpu, [tf.config.LogicalDeviceConfiguration(), tf.config.LogicalDeviceConfiguration()])
from test_runner import tiny_model
from inception_edu import data
from inception_edu.training import Recipe, run

full = data.load_digits_split(seed=0)
split = data.Split(full.x_train[:64], full.y_train[:64], full.x_val[:32], full.y_val[:32],
                   full.class_names)
strategy = tf.distribute.MirroredStrategy(["CPU:0", "CPU:1"])
history = run(lambda: tiny_model(aux=True), split, None,
              Recipe(loss_weights={{"main": 1.0, "aux": 0.3}}), epochs=2, batch_size=16,
              strategy=strategy, checkpoint_dir={directory!r})
print("REPLICAS", strategy.num_replicas_in_sync)
print("EPOCHS", history.epoch)
print("KEYS", sorted(history.history))
"""


def test_run_under_a_mirrored_strategy_over_two_logical_cpus(tmp_path):
    script = tmp_path / "strategy.py"
    script.write_text(
        textwrap.dedent(STRATEGY_CHILD).format(
            repo=str(REPO), tests=str(REPO / "tests"), directory=str(tmp_path / "ckpt")
        )
    )
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = dict(line.split(" ", 1) for line in done.stdout.splitlines() if " " in line)
    assert lines["REPLICAS"] == "2"
    assert lines["EPOCHS"] == "[0, 1]"
    assert "val_main_accuracy" in lines["KEYS"]
    assert [row[0] for row in read_csv(tmp_path / "ckpt")[1:]] == ["0", "1"]


def test_a_model_run_again_keeps_its_traced_step_and_trains_as_if_compiled_afresh(digits):
    recipe = Recipe(optimizer="adam", learning_rate=1e-2)
    keras.utils.set_random_seed(0)
    model = tiny_model()
    start = model.get_weights()
    first = run(model, digits, None, recipe, 2, batch_size=32, seed=1)
    step = model.train_function
    model.set_weights(start)
    again = run(model, digits, None, recipe, 2, batch_size=32, seed=1)
    assert model.train_function is step  # not compiled again: no new trace
    assert int(model.optimizer.iterations) == 2 * 3  # counted from 0 again
    keras.utils.set_random_seed(0)
    fresh = run(tiny_model(), digits, None, recipe, 2, batch_size=32, seed=1)
    for key in ("loss", "val_loss"):
        np.testing.assert_allclose(again.history[key], fresh.history[key], rtol=1e-5)
        np.testing.assert_allclose(first.history[key], fresh.history[key], rtol=1e-5)


def test_another_recipe_or_epoch_count_compiles_again(digits):
    model = tiny_model()
    run(model, digits, None, Recipe(optimizer="adam"), 1, batch_size=32)
    step = model.train_function
    run(model, digits, None, Recipe(optimizer="sgd"), 1, batch_size=32)
    assert model.train_function is not step
    step = model.train_function
    run(model, digits, None, Recipe(optimizer="sgd"), 2, batch_size=32)
    assert model.train_function is not step
    model.compile(optimizer="adam", loss="categorical_crossentropy")  # compiled elsewhere
    step = model.train_function
    run(model, digits, None, Recipe(optimizer="sgd"), 2, batch_size=32)
    assert isinstance(model.optimizer, keras.optimizers.SGD)


def test_reset_optimizer_zeroes_the_state_and_refuses_other_objects():
    from inception_edu.training.runner import reset_optimizer

    optimizer = keras.optimizers.Adam(learning_rate=0.1)
    variable = keras.Variable(np.ones(3, dtype="float32"))
    optimizer.apply_gradients([(np.ones(3, dtype="float32"), variable)])
    reset_optimizer(optimizer, 0.01)
    assert int(optimizer.iterations) == 0
    assert all(
        not np.any(keras.ops.convert_to_numpy(v))
        for v in optimizer.variables
        if v is not optimizer.learning_rate
    )
    assert float(optimizer.learning_rate) == pytest.approx(0.01)
    with pytest.raises(ValueError, match="keras optimizer"):
        reset_optimizer("adam")

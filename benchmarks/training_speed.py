"""What the training code's speed choices buy, measured on this machine.

The docstrings of :mod:`inception_edu.training` say *why* each choice is made; the numbers
are measured here, on the networks and data sizes of the notebooks that made the choice:

- ``xla``: :meth:`Recipe.compile <inception_edu.training.Recipe.compile>` turns XLA off.
  Notebook 07's small Inception-v4 on the digits, two epochs, with and without XLA: each
  epoch's seconds and the final validation accuracy.
- ``trace``: :func:`~inception_edu.training.runner.build_training_state` creates the
  metric trackers before ``fit``, so the training step is traced once, not twice. Notebook
  03's width-0.25 GoogLeNet with its aux heads, one epoch of the digits, with Adam and the
  ``GOOGLENET`` recipe's SGD: the process's CPU seconds with and without it.
- ``seed``: :func:`~inception_edu.training.run` reuses a model it compiled and, given a
  ``tf.data`` input, leaves TensorFlow's global seed alone (setting it clears the kernel
  cache). Notebook 09's course Inception-ResNet-v2 on 75x75 images from a dataset: the
  first epoch of a fresh compile, of a reused run, and of a reused run after
  ``tf.random.set_seed``.
- ``checkpoint``: :mod:`~inception_edu.training.checkpoint` writes the variables as numpy
  arrays instead of Keras' ``save_weights``. The same network with Adam's state: the
  median seconds of each.
- ``transfer``: notebook 09's runs (:mod:`inception_edu.experiments.transfer`) on random
  images of the course folder's sizes: each epoch of a first arm (building and tracing
  included), of a second arm sharing its model, of an augmented one, a finished run read
  back from its checkpoint, and the eager ``predict`` against ``model.predict``.

Run: ``.venv/bin/python benchmarks/training_speed.py [xla trace seed checkpoint transfer]``
(all of them without arguments). Each trains briefly; on a 2-core CPU all take minutes.
"""

import json
import math
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from inception_edu import models  # noqa: E402
from inception_edu.data import load_digits_split  # noqa: E402
from inception_edu.training.checkpoint import CheckpointDir  # noqa: E402
from inception_edu.training.recipe import GOOGLENET, Recipe, output_names  # noqa: E402
from inception_edu.training.runner import build_training_state, run  # noqa: E402

#: The course backbone of notebook 09: its width, depth and input, from its model card.
CARD = json.loads(
    (Path(models.__file__).parent / "weights" / "course_inception_resnet_v2.json").read_text()
)["architecture"]


class EpochTimer(keras.callbacks.Callback):
    """Wall seconds of each epoch, validation included."""

    def __init__(self):
        super().__init__()
        self.seconds = []

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self._start)


def _targets(model, recipe: Recipe, labels, classes: int) -> dict:
    """One-hot targets (smoothed as the recipe says), under each output's name when the
    model has several, as :func:`~inception_edu.training.run` gives them."""
    targets = recipe.targets(labels, classes)
    names = output_names(model)
    return targets if len(names) == 1 else {name: targets for name in names}


def _fit(model, recipe, digits, epochs, batch_size, *, xla=False, trace_once=True):
    """Compile ``model`` as :func:`~inception_edu.training.run` does (XLA optional) and
    train it; returns (each epoch's wall seconds, process CPU seconds, history)."""
    steps = math.ceil(len(digits.x_train) / batch_size)
    recipe.compile(model, steps, epochs)
    if xla:
        model.jit_compile = True
    model.optimizer.build(model.trainable_variables)
    y_train = _targets(model, recipe, digits.y_train, digits.num_classes)
    y_val = _targets(model, recipe.replace(label_smoothing=0.0), digits.y_val, 10)
    if trace_once:
        build_training_state(model, digits.x_train, y_train)
    timer = EpochTimer()
    cpu = time.process_time()
    history = model.fit(
        digits.x_train,
        y_train,
        batch_size=batch_size,
        epochs=epochs,
        validation_data=(digits.x_val, y_val),
        callbacks=[timer],
        verbose=0,
    )
    return timer.seconds, time.process_time() - cpu, history


def xla() -> None:
    """Notebook 07's small Inception-v4 (75x75 digits, width 0.125, depth 0.25, Adam)."""
    digits = load_digits_split(image_size=75, seed=0)
    recipe = Recipe(optimizer="adam", learning_rate=3e-3)
    print("xla: notebook 07's small Inception-v4, 2 epochs of the digits")
    for use_xla in (False, True):
        keras.utils.clear_session()
        keras.utils.set_random_seed(0)
        model = models.inception_v4(
            input_shape=digits.input_shape, classes=10, width=0.125, depth=0.25
        )
        seconds, _, history = _fit(model, recipe, digits, 2, 64, xla=use_xla)
        epochs = ", ".join(f"{s:.1f} s" for s in seconds)
        accuracy = history.history["val_accuracy"][-1]
        print(f"  XLA {'on ' if use_xla else 'off'}: epochs {epochs}; val accuracy {accuracy:.3f}")


def trace() -> None:
    """Notebook 03's width-0.25 GoogLeNet with aux heads (32x32 digits), one epoch."""
    digits = load_digits_split(image_size=32, seed=0)
    print("trace: notebook 03's GoogLeNet (width 0.25, aux heads), CPU seconds of one epoch")
    adam = Recipe(
        optimizer="adam",
        learning_rate=2e-3,
        schedule="cosine",
        alpha=0.05,
        loss_weights=GOOGLENET.loss_weights,  # notebook 03's AUX_WEIGHTS
    )
    for label, recipe in (("Adam", adam), ("SGD", GOOGLENET)):
        cpu = {}
        for trace_once in (False, True):
            keras.utils.clear_session()
            keras.utils.set_random_seed(0)
            model = models.googlenet(
                input_shape=digits.input_shape, classes=10, width=0.25, aux_heads=True
            )
            _, cpu[trace_once], _ = _fit(model, recipe, digits, 1, 64, trace_once=trace_once)
        print(
            f"  {label:<4} traced twice {cpu[False]:.1f} s, once {cpu[True]:.1f} s "
            f"({cpu[False] / cpu[True]:.2f}x)"
        )


def _course_irv2(classes: int) -> keras.Model:
    """Notebook 09's course Inception-ResNet-v2 (from scratch) with a softmax head."""
    body = models.inception_resnet_v2(
        input_shape=tuple(CARD["input_shape"]),
        include_top=False,
        width=CARD["width"],
        depth=CARD["depth"],
    )
    features = keras.layers.GlobalAveragePooling2D()(body.output)
    outputs = keras.layers.Dense(classes, activation="softmax", name="predictions")(features)
    return keras.Model(body.input, outputs)


def seed() -> None:
    """Notebook 09's network on 384 random 75x75 images in 12 classes, from a dataset."""
    rng = np.random.default_rng(0)
    images = rng.random((384, *CARD["input_shape"]), dtype=np.float32)
    labels = rng.integers(0, 12, 384)
    dataset = tf.data.Dataset.from_tensor_slices((images, labels)).batch(64)
    recipe = Recipe(optimizer="adam", learning_rate=1e-3)
    keras.utils.clear_session()
    keras.utils.set_random_seed(0)
    model = _course_irv2(12)
    print("seed: notebook 09's Inception-ResNet-v2, first epoch of a run from a tf.data input")
    for label, reset_global_seed in (
        ("fresh compile", False),
        ("reused", False),
        ("reused, after tf.random.set_seed", True),
    ):
        if reset_global_seed:
            tf.random.set_seed(0)
        timer = EpochTimer()
        run(model, dataset, None, recipe, 1, callbacks=[timer])
        print(f"  {label:<34}{timer.seconds[0]:6.1f} s")


def checkpoint() -> None:
    """Writing notebook 09's network and Adam's state once per epoch, two ways."""
    keras.utils.clear_session()
    model = _course_irv2(12)
    Recipe(optimizer="adam", learning_rate=1e-3).compile(model, 6, 1)
    model.optimizer.build(model.trainable_variables)
    count = len(model.weights) + len(model.optimizer.variables)
    with tempfile.TemporaryDirectory() as folder:
        directory = CheckpointDir(folder)

        def keras_way():
            model.save_weights(os.path.join(folder, "model.weights.h5"))

        def arrays():
            directory.save(model, 0)

        times = {}
        for label, write in (("Keras save_weights", keras_way), ("numpy arrays", arrays)):
            write()  # first call warms up
            samples = []
            for _ in range(5):
                start = time.perf_counter()
                write()
                samples.append(time.perf_counter() - start)
            times[label] = statistics.median(samples)
    print(f"checkpoint: notebook 09's Inception-ResNet-v2, {count} variables with Adam's")
    for label, seconds in times.items():
        print(f"  {label:<20}{seconds:6.2f} s")
    print(f"  save_weights takes {times['Keras save_weights'] / times['numpy arrays']:.1f}x")
    print("  (save_weights writes the model's weights only; the arrays include Adam's)")


def transfer() -> None:
    """Notebook 09's runs (:mod:`inception_edu.experiments.transfer`): where a run's time
    goes, what sharing a model between arms saves, reading a finished run back, and the
    eager ``predict`` against ``model.predict`` on a freshly compiled model."""
    from inception_edu.data import Split
    from inception_edu.experiments.transfer import experiment as tx
    from inception_edu.experiments.transfer.pretrained import course_backbone

    rng = np.random.default_rng(0)
    shape = tuple(CARD["input_shape"])
    split = Split(  # the course folder's sizes: 364 training and 92 validation images
        rng.random((364, *shape), dtype=np.float32),
        rng.integers(0, 12, 364),
        rng.random((92, *shape), dtype=np.float32),
        rng.integers(0, 12, 92),
        tuple(f"class {k}" for k in range(12)),
    )

    def scratch(name, augment=False, seed=0):
        return tx.Experiment(
            name=name, backbone=lambda: course_backbone(weights=None), augment=augment, seed=seed
        )

    keras.utils.clear_session()
    shared = tx.SharedModels()
    print("transfer: notebook 09's course Inception-ResNet-v2 from scratch, 3 epochs")
    for label, arm in (
        ("first arm (builds, traces)", scratch("plain")),
        ("next seed, shared model", scratch("plain", seed=1)),
        ("augmented arm, shared model", scratch("augmented", augment=True)),
    ):
        result = tx.run_experiment(split, arm, 3, models=shared)
        epochs = ", ".join(f"{s:.1f}" for s in result.epoch_seconds)
        print(f"  {label:<38}epochs {epochs} s; whole run {result.seconds:.1f} s")
    with tempfile.TemporaryDirectory() as root:
        tx.run_experiment(split, scratch("plain"), 3, checkpoint_root=root, models=shared)
        start = time.perf_counter()
        tx.run_experiment(split, scratch("plain"), 3, checkpoint_root=root, models=shared)
        print(f"  {'a finished run read back':<38}{time.perf_counter() - start:.1f} s")

    model = _course_irv2(12)
    Recipe(optimizer="adam", learning_rate=1e-3).compile(model, 6, 1)
    for label, predict in (
        ("model.predict", lambda: model.predict(split.x_val, batch_size=64, verbose=0)),
        ("eager predict", lambda: tx.predict(model, split.x_val)),
    ):
        start = time.perf_counter()
        predict()
        print(f"  {label + ', fresh model, 92 images':<38}{time.perf_counter() - start:.1f} s")


CASES = {"xla": xla, "trace": trace, "seed": seed, "checkpoint": checkpoint, "transfer": transfer}


def main(argv: list[str]) -> int:
    unknown = [name for name in argv if name not in CASES]
    if unknown:
        print(f"error: unknown case {' '.join(unknown)}; allowed: {' '.join(CASES)}")
        return 2
    print(f"{os.cpu_count()} CPU cores, TensorFlow {tf.__version__}, Keras {keras.__version__}")
    for name in argv or CASES:
        CASES[name]()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

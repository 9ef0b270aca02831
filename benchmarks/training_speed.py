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

- ``utilisation`` (issue 21, point 7): how much of the machine each training experiment
  uses. The reference is the machine's own convolution throughput: a 3x3 convolution of
  32 maps of 56x56x128 to 128 channels, forward and both gradients, in FLOP/s. Every
  training experiment of the course (notebooks 01, 03, 05-10, at their parameters cells'
  settings) trains a few steps after a warm-up on one repeated batch of random images;
  its achieved FLOP/s are images/s x 3 x 2 x the forward multiply-adds per image
  (:func:`~inception_edu.keras_build.endpoints.layer_macs` over every layer), printed as
  a share of the reference measured just before and after it. At the notebook's setting
  it also times a step on two images, the step's *fixed cost* (Python, dispatch, one
  kernel launch per op, the update of every variable), and prints it as a share of the
  notebook's step ("fixed"): where it is most of the step, the arithmetic is not what
  the time goes on, and only more arithmetic per step (larger inputs or batches) raises
  the share. Each experiment also runs with 8 steps per ``tf.function`` call, a larger
  batch, the larger batch under XLA and a larger input, so the settings that use the
  machine better can be chosen. ``--notebook`` runs the notebooks' own settings alone
  (minutes instead of most of an hour). ``--record`` writes the numbers with their
  provenance to ``benchmarks/results/training_utilisation.json``, replacing the stored
  rows of the arms it ran and keeping the others, each row with its date and load
  average: other work slows the reference convolution more than the small runs, so a
  busy machine inflates the shares (the case warns). ``--only=03,07`` runs those
  notebooks' experiments.

Run: ``.venv/bin/python benchmarks/training_speed.py [xla trace seed checkpoint transfer
utilisation] [--record] [--notebook] [--only=NN,...]`` (all cases without arguments).
Each trains briefly; on a 2-core CPU all take minutes.
"""

import argparse
import contextlib
import json
import math
import os
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402

warnings.filterwarnings("ignore", category=UserWarning, module="keras")
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


# ---- utilisation: the share of the machine's convolution throughput each run reaches ----

#: The reference: a 3x3 convolution on 32 maps of 56x56x128 to 128 channels, float32.
CONV_BATCH, CONV_SIZE, CONV_CHANNELS = 32, 56, 128

#: Where ``utilisation --record`` writes.
UTILISATION_RESULTS = Path(__file__).resolve().parent / "results" / "training_utilisation.json"


def conv_flops_per_step(batch: int, size: int, channels: int) -> int:
    """FLOPs of one training step of a 3x3, stride-1, "same" convolution: the forward
    pass's multiply-adds x 3 (forward, gradient of the input, gradient of the kernel) x 2
    (a multiply-add is two floating-point operations)."""
    return training_flops(batch * size * size * 9 * channels * channels)


def training_flops(forward_macs: int) -> int:
    """FLOPs of training on something whose forward pass costs ``forward_macs``
    multiply-adds: 3 passes' worth (forward, two backward products) of 2 FLOPs each."""
    return 3 * 2 * forward_macs


def share(achieved: float, peak: float) -> float:
    """``achieved`` as a fraction of ``peak`` (0 when ``peak`` is not positive)."""
    return achieved / peak if peak > 0 else 0.0


def conv_throughput(
    steps: int = 6, batch: int = CONV_BATCH, size: int = CONV_SIZE, channels: int = CONV_CHANNELS
) -> float:
    """The machine's convolution throughput in FLOP/s: the median step of a
    ``tf.function`` that runs a 3x3 convolution of ``batch`` maps of ``size`` x ``size``
    x ``channels`` to ``channels`` forward and takes the gradients of its input and kernel
    (after two warm-up steps, which trace it). The defaults are the reference convolution."""
    rng = tf.random.Generator.from_seed(0)
    x = rng.normal((batch, size, size, channels))
    kernel = tf.Variable(rng.normal((3, 3, channels, channels)) * 0.05)

    @tf.function(autograph=False)  # straight-line code: nothing to convert
    def step():
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.nn.conv2d(x, kernel, 1, "SAME")
            loss = tf.reduce_sum(y)
        grad_x, grad_k = tape.gradient(loss, [x, kernel])
        return grad_x[0, 0, 0, 0] + grad_k[0, 0, 0, 0]

    seconds = []
    for k in range(steps + 2):
        start = time.perf_counter()
        step().numpy()
        if k >= 2:
            seconds.append(time.perf_counter() - start)
    return conv_flops_per_step(batch, size, channels) / statistics.median(seconds)


#: Convolutions of the notebooks' own sizes (batch, map side, channels): the 8x8 maps of
#: notebooks 06, 08 and 10, the 32x32 of 01, 03 and 05, the 75x75 of 07 and 09, at the
#: channel counts their small networks have (8 to 64; 1,024 in notebook 08's wide trunk).
SMALL_CONVS = ((64, 8, 16), (64, 8, 64), (64, 8, 1024), (64, 32, 16), (64, 32, 64), (64, 75, 32))


def small_convs(reference: float) -> list[dict]:
    """Each of :data:`SMALL_CONVS`' throughput and its share of ``reference`` FLOP/s: the
    machine's own ceiling for convolutions the size of the course's, before any of a
    network's other costs (batch norm, concatenation, the optimizer, Python)."""
    rows = []
    for batch, size, channels in SMALL_CONVS:
        flops = conv_throughput(8, batch, size, channels)
        rows.append(
            {
                "shape": [batch, size, size, channels, channels],
                "gflops": round(flops / 1e9, 1),
                "share": round(share(flops, reference), 3),
            }
        )
        print(
            f"  3x3 convolution {batch}x{size}x{size}x{channels} -> {channels}: "
            f"{flops / 1e9:6.1f} GFLOP/s, {share(flops, reference):6.1%} of the reference"
        )
    return rows


def model_macs(model) -> int:
    """Forward multiply-adds per image of a built Keras model: the package's
    :func:`~inception_edu.keras_build.endpoints.layer_macs` summed over every layer,
    nested models' included (a side-by-side model counts all its networks)."""
    from inception_edu.keras_build.endpoints import layer_macs

    return sum(layer_macs(layer) for layer in model._flatten_layers(include_self=False))


@dataclass(frozen=True)
class Arm:
    """One training setting of one experiment: ``build`` makes the Keras model (inside
    the strategy's scope when ``mirrored``), trained on batches of ``batch`` images of
    ``shape`` with ``optimizer``, XLA on or off. ``notebook``: the notebook's own setting."""

    experiment: str
    setting: str
    build: Callable = field(repr=False)
    shape: tuple
    batch: int
    optimizer: str = "adam"
    xla: bool = False
    notebook: bool = False
    mirrored: bool = False
    steps_per_execution: int = 1


def _probes(shape):
    """Notebook 01's four one-block probes, side by side (its ``compare_blocks``)."""
    from inception_edu.experiments.naive_block import _side_by_side
    from inception_edu.spec.transforms import keep_branches
    from inception_edu.zoo.googlenet import naive_inception_module

    single = naive_inception_module("block", 24, 24, 24)
    probes = {
        "1x1 only": keep_branches(single, ["b1"]),
        "3x3 only": keep_branches(single, ["b2"]),
        "5x5 only": keep_branches(naive_inception_module("block", 11, 11, 11), ["b3"]),
        "all four branches": naive_inception_module("block", 8, 8, 8),
    }
    return _side_by_side(probes, shape, 4)[0]


def _grid_reduction(shape):
    """Notebook 05's mini networks: 3 strategies x 6 seeds side by side, k = 8."""
    from inception_edu.experiments import grid_reduction as rx

    nodes = {
        (name, seed): (rx.mini_network(name, 4, 8), seed)
        for seed in range(6)
        for name in rx.STRATEGIES
    }
    return rx.seeded_side_by_side(nodes, shape)[0]


def _copies(specs, shape):
    """The networks of ``specs`` built on ``shape`` and trained side by side."""
    from inception_edu.keras_build import build
    from inception_edu.training.side_by_side import side_by_side

    return side_by_side([build(spec, shape) for spec in specs])


def _mini_v3(shape, copies=1):
    """Notebook 06's (and 10's) mini Inception-v3, ``copies`` of it side by side."""
    from inception_edu.keras_build import build
    from inception_edu.zoo.mini import mini_inception_v3_spec

    spec = mini_inception_v3_spec(classes=10, input_size=8, width=0.125)
    return build(spec, shape) if copies == 1 else _copies([spec] * copies, shape)


def _mini_resnet(shape, channels=64):
    """Notebook 08's mini Inception-ResNet side by side: unscaled, scaled and plain at 64
    channels (section 6), unscaled and scaled at 1,024 (the live arm of the study)."""
    from inception_edu.zoo.mini import mini_inception_resnet_spec as mini

    scales = [1.0, 0.2]
    specs = [mini(channels=channels, scale=s) for s in scales]
    if channels == 64:
        specs.append(mini(scale=1.0, shortcut=False))
    return _copies(specs, shape)


def _with_head(body, classes: int = 12) -> keras.Model:
    """``body`` (no top) + global average pooling + a softmax layer, as notebook 09's."""
    features = keras.layers.GlobalAveragePooling2D()(body.output)
    outputs = keras.layers.Dense(classes, activation="softmax", name="predictions")(features)
    return keras.Model(body.input, outputs)


def _irv2(shape):
    """Notebook 09's course Inception-ResNet-v2 from scratch, on ``shape``."""
    body = models.inception_resnet_v2(
        input_shape=shape, include_top=False, width=CARD["width"], depth=CARD["depth"]
    )
    return _with_head(body)


def _resnet50(shape):
    """Notebook 09's quarter-width, half-depth ResNet50 from scratch, on ``shape``."""
    from inception_edu.keras_build.resnet import resnet50

    return _with_head(resnet50(shape, include_top=False, width=0.25, depth=0.5))


def _settings(
    experiment, build, shape, batch, optimizer="adam", large=None, big=256, spe=True, **kw
):
    """An experiment's arms: its notebook's setting; with ``spe``, the notebook's batch
    with 8 steps per ``tf.function`` call (``steps_per_execution``: less Python per step,
    for networks whose steps are short); a ``big`` batch (fewer, larger steps); the big
    batch under XLA (not under a MirroredStrategy: Keras' XLA step fails there); and,
    given ``large``, a larger input at the notebook's batch."""
    side = f"{shape[0]}x{shape[1]}"

    def arm(setting, shape=shape, batch=batch, **more):
        return Arm(experiment, setting, build, shape, batch, optimizer, **kw, **more)

    arms = [arm(f"notebook: {side}, batch {batch}", notebook=True)]
    if spe:
        arms.append(arm(f"{side}, batch {batch}, 8 steps/call", steps_per_execution=8))
    arms.append(arm(f"{side}, batch {big}", batch=big))
    if not kw.get("mirrored"):
        arms.append(arm(f"{side}, batch {big}, XLA", batch=big, xla=True))
    if large:
        arms.append(arm(f"{large}x{large}, batch {batch}", shape=(large, large, shape[2])))
    return arms


def course_arms() -> list:
    """Every training experiment of the course at its notebook's settings (parameters
    cells of notebooks/text/NN_*.md), each with the settings issue 21 point 7 suggests."""
    irv2_input = tuple(CARD["input_shape"])
    return [
        *_settings(
            "01 naive-block probes (4, side by side)", _probes, (32, 32, 1), 64, large=64, big=512
        ),
        *_settings("03 GoogLeNet width 0.25 + aux heads", _gnet, (32, 32, 1), 64, large=224),
        *_settings(
            "05 grid-reduction minis (3 x 6 seeds)", _grid_reduction, (32, 32, 1), 32, large=64
        ),
        *_settings(
            "06 mini Inception-v3 (3 seeds side by side)",
            _mini_v3_x3,
            (8, 8, 1),
            128,
            "rmsprop",
            large=32,
            big=1024,
        ),
        *_settings(
            "07 small Inception-v4 (w 0.125, d 0.25)", _v4, (75, 75, 1), 64, large=150, spe=False
        ),
        *_settings(
            "08 mini Inception-ResNet, 64 ch (3 variants)",
            _mini_resnet,
            (8, 8, 1),
            64,
            "sgd",
            large=32,
            big=512,
        ),
        *_settings(
            "08 mini Inception-ResNet, 1,024 ch (2 variants)",
            _wide_resnet,
            (8, 8, 1),
            64,
            "sgd",
            spe=False,
        ),
        *_settings(
            "09 course Inception-ResNet-v2 (scratch)", _irv2, irv2_input, 64, large=150, spe=False
        ),
        Arm(
            "09 ResNet50 (w 0.25, d 0.5, scratch)",
            "notebook: 75x75, batch 64",
            _resnet50,
            irv2_input,
            64,
            notebook=True,
        ),
        *_settings(
            "10 mini Inception-v3, MirroredStrategy x 2",
            _mini_v3,
            (8, 8, 1),
            64,
            large=32,
            big=512,
            mirrored=True,
        ),
        Arm(
            "10 mini Inception-v3, MirroredStrategy x 2",
            "one device: 8x8, batch 64",
            _mini_v3,
            (8, 8, 1),
            64,
        ),
    ]


def _gnet(shape):
    return models.googlenet(input_shape=shape, classes=10, width=0.25, aux_heads=True)


def _v4(shape):
    return models.inception_v4(input_shape=shape, classes=10, width=0.125, depth=0.25)


def _mini_v3_x3(shape):
    return _mini_v3(shape, copies=3)


def _wide_resnet(shape):
    return _mini_resnet(shape, channels=1024)


def _optimizer(name: str):
    if name == "sgd":
        return keras.optimizers.SGD(0.01, momentum=0.9)
    return keras.optimizers.RMSprop(1e-3) if name == "rmsprop" else keras.optimizers.Adam(1e-3)


def _compiled(arm: Arm, strategy):
    """``arm``'s model built and compiled (inside ``strategy``'s scope when given)."""
    keras.utils.clear_session()
    keras.utils.set_random_seed(0)
    scope = strategy.scope() if strategy is not None else contextlib.nullcontext()
    with scope:
        model = arm.build(arm.shape)
        model.compile(
            optimizer=_optimizer(arm.optimizer),
            loss=keras.losses.CategoricalCrossentropy(from_logits=True),
            jit_compile=arm.xla,
            steps_per_execution=arm.steps_per_execution,
        )
    return model


def _batches(model, arm: Arm, batch: int | None = None):
    """One batch of random images and one-hot targets (one per output), repeated;
    ``batch`` images per batch (the arm's batch by default)."""
    batch = arm.batch if batch is None else batch
    rng = np.random.default_rng(0)
    x = rng.random((batch, *arm.shape), dtype=np.float32)
    classes = keras.tree.flatten(model.output)[0].shape[-1]
    y = np.eye(classes, dtype=np.float32)[rng.integers(0, classes, batch)]
    targets = keras.tree.map_structure(lambda _: y, model.output)
    return tf.data.Dataset.from_tensor_slices((x, targets)).repeat().batch(batch)


#: The batch of the fixed-cost measurement: two images (one per replica under notebook
#: 10's two-device strategy), so a step does almost no arithmetic.
FLOOR_BATCH = 2


def _timed_steps(model, data, seconds: float) -> tuple[int, float]:
    """Two steps to time one, then about ``seconds`` worth (3 to 60): (steps, seconds)."""
    start = time.perf_counter()
    model.fit(data, steps_per_epoch=2, epochs=1, verbose=0)
    steps = max(3, min(60, round(seconds / ((time.perf_counter() - start) / 2))))
    start = time.perf_counter()
    model.fit(data, steps_per_epoch=steps, epochs=1, verbose=0)
    return steps, time.perf_counter() - start


def fixed_cost_ms(model, arm: Arm, seconds: float = 1.5) -> float:
    """The milliseconds of a training step of ``model`` on :data:`FLOOR_BATCH` images:
    what a step costs whatever its batch (Python, ``tf.function`` dispatch, one kernel
    launch per op, the optimizer's update of every variable). Its ratio to a step at the
    notebook's batch is the part of that step the batch's arithmetic does not explain."""
    data = _batches(model, arm, FLOOR_BATCH)
    model.fit(data, steps_per_epoch=1, epochs=1, verbose=0)  # traced for the new batch
    steps, elapsed = _timed_steps(model, data, seconds)
    return 1000 * elapsed / steps


def measure_arm(arm: Arm, strategy=None, seconds: float = 2.5) -> dict:
    """Train ``arm`` one step (tracing, compiling), two more to time a step, then about
    ``seconds`` worth of steps (3 to 60); returns images/s, multiply-adds per image and
    achieved FLOP/s (3 x 2 x multiply-adds x images/s). At a notebook's own setting also
    the step's fixed cost (:func:`fixed_cost_ms`) and its share of the step."""
    start = time.perf_counter()
    model = _compiled(arm, strategy)
    data = _batches(model, arm)
    model.fit(data, steps_per_epoch=1, epochs=1, verbose=0)
    warm = time.perf_counter() - start
    steps, elapsed = _timed_steps(model, data, seconds)
    macs = model_macs(model)
    images = steps * arm.batch / elapsed
    found = {
        "images_per_second": round(images, 1),
        "macs_per_image": macs,
        "gflops": round(training_flops(macs) * images / 1e9, 2),
        "steps": steps,
        "step_ms": round(1000 * elapsed / steps, 1),
        "build_trace_seconds": round(warm, 1),
    }
    if arm.notebook:
        floor = fixed_cost_ms(model, arm)
        found["fixed_cost_ms"] = round(floor, 1)
        found["fixed_cost_share"] = round(min(1.0, floor / found["step_ms"]), 3)
    return found


def _mirrored():
    """Notebook 10's strategy: the CPU as two logical devices, mirrored (``None`` when
    TensorFlow's devices were initialised before this case, by an earlier case)."""
    from inception_edu.experiments.scale_out import split_cpu

    try:
        return tf.distribute.MirroredStrategy(split_cpu(2))
    except ValueError as error:
        print(f"  (notebook 10's arms skipped: {error})")
        return None


def _measure_all(arms: list, strategy, after_each=None) -> list:
    """Each arm's numbers and its share of the convolution throughput measured just
    before and just after it (their mean: the reference moves with the machine's other
    load, and so does the arm). ``after_each(rows)`` is called after every arm."""
    rows = []
    print(
        f"  {'experiment':<48}{'setting':<30}{'img/s':>7}{'MMAC/img':>9}{'GFLOP/s':>8}"
        f"{'conv':>6}{'share':>7}{'fixed':>7}"
    )
    for arm in arms:
        if arm.mirrored and strategy is None:
            continue
        before = conv_throughput()
        row = {
            "experiment": arm.experiment,
            "setting": arm.setting,
            "notebook": arm.notebook,
            "batch": arm.batch,
            "input_shape": list(arm.shape),
            "xla": arm.xla,
            "steps_per_execution": arm.steps_per_execution,
            "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "load_average": round(os.getloadavg()[0], 2),
        }
        try:
            row.update(measure_arm(arm, strategy if arm.mirrored else None))
        except Exception as error:  # a failed arm is reported, the others still run
            row["error"] = f"{type(error).__name__}: {str(error).strip().splitlines()[0][:120]}"
        after = conv_throughput()
        row["conv_gflops"] = [round(before / 1e9, 1), round(after / 1e9, 1)]
        if "error" not in row:
            row["share"] = round(share(row["gflops"] * 1e9, (before + after) / 2), 3)
        rows.append(row)
        _print_row(row)
        if after_each is not None:
            after_each(rows)
    return rows


def _print_row(row: dict) -> None:
    start = f"  {row['experiment']:<48}{row['setting']:<30}"
    if "error" in row:
        print(f"{start}failed: {row['error']}")
        return
    fixed = f"{row['fixed_cost_share']:>7.0%}" if "fixed_cost_share" in row else ""
    print(
        f"{start}{row['images_per_second']:>7.0f}{row['macs_per_image'] / 1e6:>9.2f}"
        f"{row['gflops']:>8.1f}{sum(row['conv_gflops']) / 2:>6.0f}{row['share']:>7.1%}{fixed}"
    )


def summarise(rows: list) -> dict:
    """The median share of the notebooks' own settings, each experiment's best setting
    with its share, and the same medians against the best reference of the session (the
    machine's least contended convolution throughput: a lower bound on the shares)."""
    measured = [row for row in rows if "share" in row]
    peak = max((max(row["conv_gflops"]) for row in measured), default=0.0)
    best: dict = {}
    for row in measured:
        row["share_of_best_conv"] = round(share(row["gflops"], peak), 3)
        if row["share"] > best.get(row["experiment"], {}).get("share", -1):
            best[row["experiment"]] = row

    def median(values):
        values = list(values)
        return round(statistics.median(values), 3) if values else None

    notebook = [row for row in measured if row["notebook"]]
    return {
        "best_conv_gflops": peak,
        "median_share_notebook_settings": median(r["share"] for r in notebook),
        "median_share_best_settings": median(r["share"] for r in best.values()),
        "median_share_of_best_conv_notebook_settings": median(
            r["share_of_best_conv"] for r in notebook
        ),
        "median_share_of_best_conv_best_settings": median(
            r["share_of_best_conv"] for r in best.values()
        ),
        "median_fixed_cost_share_notebook_settings": median(
            r["fixed_cost_share"] for r in notebook if "fixed_cost_share" in r
        ),
        "best_setting": {name: (row["setting"], row["share"]) for name, row in best.items()},
    }


def utilisation(record: bool = False, only: tuple = (), notebook_only: bool = False) -> None:
    """Issue 21 point 7: every training experiment's achieved FLOP/s as a share of the
    machine's convolution throughput, at its notebook's settings (with the step's fixed
    cost) and at larger batches, larger inputs and under XLA. ``only``: experiment numbers
    ("03", "07") to run; ``notebook_only``: the notebooks' own settings alone."""
    strategy = _mirrored()
    load_before = os.getloadavg()
    conv = conv_throughput()
    print(
        f"utilisation: reference 3x3 convolution ({CONV_BATCH}x{CONV_SIZE}x{CONV_SIZE}x"
        f"{CONV_CHANNELS} -> {CONV_CHANNELS}, forward + backward) {conv / 1e9:.0f} GFLOP/s; "
        f"load average {load_before[0]:.2f} on {os.cpu_count()} cores"
    )
    if load_before[0] > 0.5 * (os.cpu_count() or 1):
        print(
            "  warning: the machine is busy; other work slows the reference convolution more"
            " than the small runs, so the shares come out too high: measure on an idle machine"
        )
    smalls = small_convs(conv)
    arms = [arm for arm in course_arms() if not only or arm.experiment[:2] in only]
    arms = [arm for arm in arms if arm.notebook or not notebook_only]
    arms.sort(key=lambda arm: not arm.notebook)  # the notebooks' own settings first

    def partial(rows):  # a long run interrupted still leaves what it measured
        _record_utilisation(rows, conv, None, load_before, smalls)

    rows = _measure_all(arms, strategy, partial if record else None)
    conv_after = conv_throughput()
    _print_summary(summarise(rows))
    print(
        f"  reference after the runs {conv_after / 1e9:.0f} GFLOP/s; load average "
        f"{os.getloadavg()[0]:.2f}"
    )
    if record:
        _record_utilisation(rows, conv, conv_after, load_before, smalls)


def _print_summary(summary: dict) -> None:
    print(
        f"  median share at the notebooks' settings: {summary['median_share_notebook_settings']}"
        f" (of the session's best reference, {summary['best_conv_gflops']:.0f} GFLOP/s: "
        f"{summary['median_share_of_best_conv_notebook_settings']})"
    )
    print(
        f"  median share at each experiment's best:  {summary['median_share_best_settings']}"
        f" (of the best reference: {summary['median_share_of_best_conv_best_settings']})"
    )
    print(
        "  median fixed cost (a step on 2 images) as a share of a step at the notebooks'"
        f" settings: {summary['median_fixed_cost_share_notebook_settings']}"
    )


def merge_rows(stored: list, measured: list) -> list:
    """The stored rows with those measured now in place of the same (experiment, setting),
    new ones added: a run of some arms (``--only``, ``--notebook``) updates its rows and
    keeps the others, each row with its own date and load average."""
    key = lambda row: (row["experiment"], row["setting"])  # noqa: E731
    fresh = {key(row): row for row in measured}
    kept = [fresh.pop(key(row), row) for row in stored]
    return kept + list(fresh.values())


def _record_utilisation(rows, conv, conv_after, load_before, smalls) -> None:
    """Write the rows (merged into those stored, :func:`merge_rows`) with their provenance
    to :data:`UTILISATION_RESULTS`; ``conv_after=None``: the run is not finished
    (``"complete": false``, said quietly)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from run_times import provenance, write_results

    stored = json.loads(UTILISATION_RESULTS.read_text()) if UTILISATION_RESULTS.exists() else {}
    rows = merge_rows(stored.get("runs", []), rows)
    how = "python benchmarks/training_speed.py " + " ".join(sys.argv[1:])
    data = {
        "provenance": {
            **provenance(["benchmarks/training_speed.py", "inception_edu"], how),
            "load_average_before": [round(v, 2) for v in load_before],
            "load_average_after": [round(v, 2) for v in os.getloadavg()],
        },
        "reference_conv": {
            "shape": [CONV_BATCH, CONV_SIZE, CONV_SIZE, CONV_CHANNELS, CONV_CHANNELS],
            "gflops_before": round(conv / 1e9, 1),
            "gflops_after": None if conv_after is None else round(conv_after / 1e9, 1),
        },
        "small_convs": smalls,
        "complete": conv_after is not None,
        "summary": summarise(rows),
        "runs": rows,
    }
    if conv_after is None:
        UTILISATION_RESULTS.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    else:
        write_results(UTILISATION_RESULTS, data)


CASES = {
    "xla": xla,
    "trace": trace,
    "seed": seed,
    "checkpoint": checkpoint,
    "transfer": transfer,
    "utilisation": utilisation,
}


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command line: cases to run (all without any), ``--record``, ``--notebook`` and
    ``--only=NN,...``; anything else exits with status 2 and says what is allowed."""
    parser = argparse.ArgumentParser(
        prog="training_speed.py",
        description="What the training code's speed choices buy, measured on this machine.",
    )
    parser.add_argument("cases", nargs="*", metavar="case", help=f"one of: {' '.join(CASES)}")
    parser.add_argument("--record", action="store_true", help="store utilisation's rows")
    parser.add_argument("--notebook", action="store_true", help="the notebooks' settings only")
    parser.add_argument("--only", default="", help="utilisation's notebooks, e.g. 03,07")
    args = parser.parse_args(argv)
    unknown = [name for name in args.cases if name not in CASES]
    if unknown:
        parser.error(f"unknown case {' '.join(unknown)}; allowed: {' '.join(CASES)}")
    experiments = {arm.experiment[:2] for arm in course_arms()}
    args.only = tuple(n for n in args.only.split(",") if n)
    wrong = [n for n in args.only if n not in experiments]
    if wrong:
        parser.error(f"--only {','.join(wrong)}: allowed {','.join(sorted(experiments))}")
    return args


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    print(f"{os.cpu_count()} CPU cores, TensorFlow {tf.__version__}, Keras {keras.__version__}")
    # utilisation first: notebook 10's arm needs TensorFlow's devices not yet initialised
    for name in sorted(args.cases or CASES, key=lambda n: n != "utilisation"):
        if name == "utilisation":
            utilisation(args.record, args.only, args.notebook)
        else:
            CASES[name]()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Notebook 09's experiment: the source's transfer learning, re-run at classroom scale.

The source (seed ``000_…``, "Inception-resnet-v2를 이용한 실제 모델 시행") trained, with
Keras: an ImageNet-pretrained Inception-ResNet-v2 of which only the weights before the
fully connected layer were used ("Fully connected 이전 부분의 가중치만 사용", Keras'
``include_top=False``) plus a softmax over its 51 classes, on 75x75 crops, Adam with learning
rate 0.001, batch 64, ``binary_crossentropy``, 50 and 20 epochs. It reports (claims
C36-C38) that the binary loss "converged much faster" than ``categorical_crossentropy``,
that augmentation and ImageNet weights made little difference, and that Inception-ResNet-v2
was more accurate than ResNet50.

What is here:

- :func:`source_model`, :func:`source_recipe`: that model (any backbone without its top,
  global average pooling when the backbone ends in a feature map, ``Dense(K, softmax)``)
  and that recipe, ``metrics=["accuracy"]`` as the source wrote it;
- the loss trap (C36), measured, not assumed: :func:`keras_accuracy_metric` compiles a
  small model and reads which metric Keras made of a name;
  :func:`constant_predictor_binary_accuracy` is what a model that says "no" to every
  class scores in *binary* accuracy, (K-1)/K;
  :func:`accuracy_report` gives a trained model's binary and categorical accuracy side
  by side;
- :class:`Experiment`, :func:`run_experiment`, :func:`compare`: the comparisons (loss,
  augmentation, pretrained or not, one backbone or another), each run trained through
  :func:`inception_edu.training.run` with a checkpoint directory per experiment and seed,
  so an interrupted comparison resumes and loses no completed epoch; every run records
  the true categorical accuracy and the binary accuracy whatever its loss, per-class
  errors, the confusion matrix and the worst mistakes; :class:`Comparison` tabulates the
  seeds' mean and spread (no verdict: the notebook gives it).

Departures from the source, all for a 2-core CPU and a 120-second notebook: small
backbones (a ``width``/``depth``-scaled Inception-ResNet-v2), a 12-class folder of a few
hundred images, a few epochs and at least three seeds where the source ran one. The
source does not say how its head pooled (Keras' own top uses global average pooling, as
here) nor which augmentation it used (:func:`augmentation` says what is used here).

Cost: before its first epoch ends, a run builds its network and TensorFlow traces the
training and validation steps, which for the course's small backbones takes longer than
several later epochs; arms that share a model (:class:`SharedModels`) trace in full once,
and a finished run is read back from its checkpoint without training.
``benchmarks/training_speed.py transfer`` measures each of these on this machine.

Keras 3 resolves ``"accuracy"`` from the shapes of the targets and outputs, not from the
loss: with one-hot targets and K > 1 outputs it is *categorical* accuracy for both losses
(measured by :func:`keras_accuracy_metric`, checked in the tests). Standalone Keras up
to 2.3 and tf.keras before TensorFlow 2.2 (and, later, only its TF1-style training loop,
``get_metric_function``) chose *binary* accuracy whenever the loss was binary
cross-entropy; tf.keras from TensorFlow 2.2 on chooses from the shapes, as Keras 3 does
(tensorflow/tensorflow#41361). The former is what the source's curves showed, and
``metrics=["binary_accuracy"]`` shows it again here.
"""

from __future__ import annotations

import dataclasses
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from inception_edu.analysis import Table
from inception_edu.backend import keras, tf
from inception_edu.course.claims import EmpiricalVerdict, empirical_verdict
from inception_edu.data import Split
from inception_edu.data.progress import progress_enabled
from inception_edu.data.stream import StreamSplit, epoch_orders
from inception_edu.i18n import N_, _, translate_filled
from inception_edu.spec.checks import (
    check_choice,
    check_flag,
    check_int,
    check_name,
    check_number,
    check_seeds,
)
from inception_edu.training import metrics as class_metrics
from inception_edu.training.batch_norm import batch_norm_layers, settle_batch_norm
from inception_edu.training.progress import TimeEstimate
from inception_edu.training.recipe import Recipe, constant_predictor_binary_accuracy
from inception_edu.training.runner import run
from inception_edu.viz.curves import metric_label, plot_runs

__all__ = [
    "LOSSES",
    "PHASES",
    "SUMMARY_METRICS",
    "TRACKED_METRICS",
    "UNFROZEN_LEARNING_RATE",
    "Comparison",
    "Experiment",
    "ExperimentResult",
    "Mistake",
    "SharedModels",
    "accuracy_report",
    "augmentation",
    "training_batches",
    "check_arm_results",
    "compare",
    "constant_predictor_binary_accuracy",
    "experiment_recipe",
    "plot_confusion",
    "plot_mistakes",
    "keras_accuracy_metric",
    "predict",
    "run_experiment",
    "seed_verdict",
    "slug",
    "source_model",
    "source_recipe",
]

#: Adam's learning rate once the frozen protocol unfreezes the backbone (Keras'
#: transfer-learning guide fine-tunes at 1e-5).
UNFROZEN_LEARNING_RATE = 1e-5

#: The phases of a run: ``"all"`` (every layer from the start, the source's), and the
#: frozen protocol's ``"frozen"`` (the head alone) and ``"unfrozen"`` (every layer).
PHASES = ("all", "frozen", "unfrozen")

#: The losses the source compared, by short name -> Keras name. Either name is accepted.
LOSSES = {"categorical": "categorical_crossentropy", "binary": "binary_crossentropy"}

#: What every run of the experiment logs: ``"accuracy"`` as the source asked (what Keras
#: makes of it is the point of C36), and both accuracies by their explicit names, so the
#: true categorical accuracy and the binary accuracy are in every history.
TRACKED_METRICS = ("accuracy", "binary_accuracy", "categorical_accuracy")

# The words of a settings row (:meth:`Experiment.settings`, kept in English) and of the
# frozen protocol's phases, shown in the course's language.
_YES, _NO, _ALL_LAYERS = N_("yes"), N_("no"), N_("all layers")
_HEAD_THEN_ALL = N_("head {epochs} ep., then all at {rate}")
_PHASE_WORDS = {"frozen": N_("frozen"), "unfrozen": N_("unfrozen")}
#: The hyper-parameter table's setting columns, by their key in a row.
_SETTING_COLUMNS = {
    "backbone": N_("backbone"),
    "weights": N_("weights"),
    "loss": N_("loss"),
    "augmentation": N_("augmentation"),
    "training": N_("training"),
}


def _loss_name(loss) -> str:
    check_choice(loss, (*LOSSES, *LOSSES.values()), "loss")
    return LOSSES.get(loss, loss)


def _short_loss(loss) -> str:
    name = _loss_name(loss)
    return next(short for short, full in LOSSES.items() if full == name)


# --------------------------------------------------------------------------- the model


def augmentation(seed: int | None = None) -> keras.Sequential:
    """The augmentation layers: active in training only, the identity at inference.

    The source says only that it compared "Image Augmentation" with none. Used here:
    horizontal flips, rotations up to ±18° (0.05 of a turn), zoom and translation up to
    10%, edges filled by reflection (Keras' default). Keras' preprocessing layers apply
    them when called with ``training=True`` (inside ``fit``) and pass images through
    unchanged otherwise (``predict``, ``evaluate``, validation). ``seed`` fixes their
    random stream; ``None`` draws it from Keras' global seed
    (``keras.utils.set_random_seed``, which :func:`~inception_edu.training.run` sets).
    """
    if seed is not None:
        seed = check_int(seed, "seed", 0)

    def seeded(offset):
        return None if seed is None else seed + offset

    return keras.Sequential(
        [
            keras.layers.RandomFlip("horizontal", seed=seeded(0), name="flip"),
            keras.layers.RandomRotation(0.05, seed=seeded(1), name="rotation"),
            keras.layers.RandomZoom(0.1, seed=seeded(2), name="zoom"),
            keras.layers.RandomTranslation(0.1, 0.1, seed=seeded(3), name="translation"),
        ],
        name="augmentation",
    )


def training_batches(
    x, y, batch_size: int = 64, seed: int = 0, augment: bool = False
) -> tf.data.Dataset:
    """The training images as a ``tf.data`` pipeline: shuffled anew every epoch, batched,
    and, with ``augment``, each batch augmented (:func:`augmentation`, in training mode)
    on the fly. The runner (:func:`~inception_edu.training.run`) takes it as ``train``;
    validation images are never augmented.

    ``x``: float images ``(N, H, W, C)`` (RGB, ``C = 3``, to augment); ``y``: integer
    labels ``(N,)``. ``seed`` fixes
    the shuffling (a stateless permutation per epoch) and the augmentation's draws
    (Keras' seeded layers): neither depends on TensorFlow's global seed, so a run is the same
    whatever ran before it, and the runner need not reset that seed for a model it
    reuses (resetting it clears TensorFlow's kernel cache, see :class:`SharedModels`).
    An image folder too large for memory streams the same way
    (:meth:`~inception_edu.data.stream.StreamSplit.train_batches`, the same order for
    the same seed).
    """
    x = np.asarray(x, dtype=np.float32)
    y = np.asarray(y)
    augment = check_flag(augment, "augment")
    channels = (3,) if augment else (1, 3)
    if x.ndim != 4 or x.shape[-1] not in channels or len(x) != len(y) or len(x) == 0:
        kind = _("RGB images (N, H, W, 3)") if augment else _("images (N, H, W, 1 or 3)")
        raise ValueError(
            _(
                "x must be {kind} and y one integer label per image. Received "
                "x of shape {x_shape} and y of shape {y_shape}"
            ).format(kind=kind, x_shape=x.shape, y_shape=y.shape)
        )
    batch_size = check_int(batch_size, "batch_size", 1)
    seed = check_int(seed, "seed", 0)
    images, labels = tf.constant(x), tf.constant(y.astype(np.int64))
    steps = -(-len(x) // batch_size)
    dataset = epoch_orders(len(x), seed).batch(batch_size)
    dataset = dataset.apply(tf.data.experimental.assert_cardinality(steps))
    dataset = dataset.map(lambda index: (tf.gather(images, index), tf.gather(labels, index)))
    if augment:  # one batch at a time: parallel calls would draw the seeds in any order
        layers = augmentation(seed)
        dataset = dataset.map(lambda batch, tags: (layers(batch, training=True), tags))
    return dataset.prefetch(tf.data.AUTOTUNE)


def _backbone_model(backbone, input_shape=None) -> keras.Model:
    """Call ``backbone`` and check what it returns."""
    if isinstance(backbone, keras.Model) or not callable(backbone):
        raise ValueError(
            _(
                "backbone must be a zero-argument function returning a keras.Model without its "
                "top (a fresh one per call, so each run starts from its own weights). "
                "Received: {kind}"
            ).format(kind=type(backbone).__name__)
        )
    model = backbone()
    if not isinstance(model, keras.Model):
        raise ValueError(
            _(
                "backbone() must return a keras.Model (without its top). Received: {kind} from "
                "{function!r}"
            ).format(kind=type(model).__name__, function=getattr(backbone, "__name__", backbone))
        )
    if isinstance(model.output, (dict, list, tuple)):
        raise ValueError(
            _(
                "backbone() must return a single-output model. Received {name!r} with "
                "{outputs} outputs"
            ).format(name=model.name, outputs=len(model.output))
        )
    rank = len(model.output.shape)
    if rank not in (2, 4):
        raise ValueError(
            _(
                "backbone() must end in a feature map (batch, h, w, c) or pooled features "
                "(batch, c). Received {name!r} with output shape {shape}"
            ).format(name=model.name, shape=model.output.shape)
        )
    if input_shape is not None and tuple(model.input.shape[1:]) != tuple(input_shape):
        raise ValueError(
            _(
                "backbone() must take the images' shape {expected}. Received {name!r} taking "
                "{shape}"
            ).format(
                expected=tuple(input_shape), name=model.name, shape=tuple(model.input.shape[1:])
            )
        )
    return model


def source_model(
    backbone: Callable[[], keras.Model],
    classes: int,
    name: str = "",
    input_shape=None,
) -> keras.Model:
    """The source's model: ``backbone`` without its top, pooled, and a softmax head.

    Source (seed 000): "Fully connected 이전 부분의 가중치만 사용, softmax를 이용해 51
    classes로 분류" (only the weights before the fully connected part are used; a softmax
    classifies the 51 classes). The backbone's output, when it is a feature map
    ``(batch, h, w, c)`` (``include_top=False`` in Keras and in
    :mod:`inception_edu.models` without pooling), goes through
    ``GlobalAveragePooling2D`` as in Keras' own top; pooled features ``(batch, c)`` go
    straight to ``Dense(classes, softmax)``. Augmentation is not part of the model: it is
    applied to the training batches (:func:`training_batches`), as Keras 2's
    ``ImageDataGenerator`` did in the source's day, so that every arm of a comparison
    has the same network and can share one traced training step.

    Args:
        backbone: a zero-argument function returning a fresh ``keras.Model`` without its
            top that takes the images as the data gives them (float in [0, 1]); a
            backbone that wants another input range carries its own rescaling layer.
            Pretrained or not is the function's business (two functions, one each).
        classes: K >= 2, the softmax's width.
        name: the model's name (default ``"transfer"``); a checkpoint directory records it.
        input_shape: ``None``, or the images' ``(H, W, 3)`` the backbone must take.
    """
    classes = check_int(classes, "classes", 2)
    name = check_name(name or "transfer", N_("model name"))
    body = _backbone_model(backbone, input_shape)
    inputs = keras.Input(tuple(body.input.shape[1:]), name="image")
    features = body(inputs)
    if len(features.shape) == 4:
        features = keras.layers.GlobalAveragePooling2D(name="avg_pool")(features)
    # float32 under a mixed-precision policy too (device.py): a float16 softmax overflows
    outputs = keras.layers.Dense(
        classes, activation="softmax", name="predictions", dtype="float32"
    )(features)
    return keras.Model(inputs, outputs, name=name)


def source_recipe(loss: str = "categorical") -> Recipe:
    """The source's recipe: Adam, learning rate 0.001, ``metrics=["accuracy"]``, and
    ``loss`` (``"categorical"``/``"binary"`` or the Keras names).

    Source (seed 000): "Optimizer : Adam, Learning rate : 0.001, Loss :
    binary_crossentropy" (its comparison used ``categorical_crossentropy`` too); batch 64
    is the runner's ``batch_size``. Adam's other settings are Keras' defaults (the source
    names none).
    """
    return Recipe(
        optimizer="adam", learning_rate=1e-3, loss=_loss_name(loss), metrics=("accuracy",)
    )


def experiment_recipe(loss: str = "categorical") -> Recipe:
    """:func:`source_recipe` logging :data:`TRACKED_METRICS`: the same training, with the
    true categorical accuracy and the binary accuracy recorded beside ``"accuracy"``.

    Metrics change nothing in training; :class:`~inception_edu.training.Recipe` passes
    metric names to Keras as they are, so no compiling around it is needed.
    """
    return source_recipe(loss).replace(metrics=TRACKED_METRICS)


# --------------------------------------------------------------------------- the trap (C36)


def _leaf_metrics(metrics) -> list:
    """The metric objects inside Keras' containers (``CompileMetrics``, ``MetricsList``)."""
    found = []
    for metric in metrics:
        inner = getattr(metric, "metrics", None)
        if isinstance(inner, (list, tuple)) and inner:
            found.extend(_leaf_metrics(inner))
        else:
            found.append(metric)
    return found


def keras_accuracy_metric(loss: str, metric: str = "accuracy", classes: int = 12) -> str:
    """The Keras metric class that ``metrics=[metric]`` becomes with ``loss``: measured.

    Compiles a one-layer softmax model of ``classes`` outputs with
    ``source_recipe(loss).replace(metrics=(metric,))`` (the runner's compile path), feeds
    it two one-hot rows eagerly (Keras builds the compiled metrics from the first targets
    and outputs it sees) and returns the class name of the metric object Keras made, e.g.
    ``"CategoricalAccuracy"`` or ``"BinaryAccuracy"``.

    Under Keras 3 the result for ``"accuracy"`` depends on the shapes, not on the loss
    (``keras.src.trainers.compile_utils.get_metric``): one output column gives
    ``BinaryAccuracy``, integer labels ``SparseCategoricalAccuracy``, one-hot rows
    ``CategoricalAccuracy``. Standalone Keras up to 2.3 and tf.keras before TensorFlow
    2.2 picked ``binary_accuracy`` when the loss was binary cross-entropy, which is what
    the source saw.
    """
    recipe = source_recipe(loss).replace(metrics=(metric,))
    classes = check_int(classes, "classes", 2)
    inputs = keras.Input((3,), name="features")
    outputs = keras.layers.Dense(classes, activation="softmax", name="predictions")(inputs)
    model = keras.Model(inputs, outputs, name="metric_probe")
    recipe.compile(model, steps_per_epoch=1, epochs=1)
    x = np.zeros((2, 3), dtype=np.float32)
    y = np.eye(classes, dtype=np.float32)[[0, 1]]
    model.compute_metrics(x, y, model(x), sample_weight=None)
    made = [m for m in _leaf_metrics(model.metrics) if m.name == metric]
    if len(made) != 1:  # pragma: no cover - a Keras change this module must hear about
        names = [m.name for m in _leaf_metrics(model.metrics)]
        raise RuntimeError(f"Keras made no single metric {metric!r}; it made {names}")
    return type(made[0]).__name__


def predict(model, x, batch_size: int = 64) -> np.ndarray:
    """``model``'s outputs on ``x`` in inference mode (augmentation off, batch-norm on its
    moving statistics), batch by batch, as a numpy array.

    Called eagerly rather than through ``model.predict``, which traces a new inference
    function for every freshly compiled model, a cost larger than the prediction itself
    for the notebook's few validation images (``benchmarks/training_speed.py transfer``).
    """
    if not isinstance(model, keras.Model):
        raise ValueError(
            _("model must be a keras.Model. Received: {kind}").format(kind=type(model).__name__)
        )
    batch_size = check_int(batch_size, "batch_size", 1)
    x = np.asarray(x, dtype=np.float32)
    batches = [
        keras.ops.convert_to_numpy(model(x[start : start + batch_size], training=False))
        for start in range(0, len(x), batch_size)
    ]
    return np.concatenate(batches) if batches else np.zeros((0, *model.output.shape[1:]))


def accuracy_report(model, x, y, batch_size: int = 64) -> dict:
    """A trained model's accuracies on ``(x, y)``, by Keras' own metric classes.

    Returns ``{"binary_accuracy", "categorical_accuracy", "constant_predictor"}``: what
    ``keras.metrics.BinaryAccuracy`` gives (each of the K sigmoid-style "is it class k?"
    answers thresholded at 0.5, averaged over N·K answers), what
    ``keras.metrics.CategoricalAccuracy`` gives (the argmax is the right class: the
    number a learner means by accuracy), and the binary accuracy of a model that
    predicts nothing (:func:`constant_predictor_binary_accuracy`), for scale.
    ``y``: integer labels ``(N,)`` or one-hot rows ``(N, K)``.
    """
    probabilities = predict(model, x, batch_size)
    classes = probabilities.shape[-1]
    onehot = source_recipe().targets(y, classes)  # checks labels or one-hot rows
    if len(onehot) != len(probabilities):
        raise ValueError(
            _(
                "x and y must have one row per example. Received {images} images and {labels} "
                "labels"
            ).format(images=len(probabilities), labels=len(onehot))
        )
    report = {}
    for key, metric in (
        ("binary_accuracy", keras.metrics.BinaryAccuracy()),
        ("categorical_accuracy", keras.metrics.CategoricalAccuracy()),
    ):
        metric.update_state(onehot, probabilities)
        report[key] = float(keras.ops.convert_to_numpy(metric.result()))
    report["constant_predictor"] = constant_predictor_binary_accuracy(classes)
    return report


# --------------------------------------------------------------------------- experiments


def slug(name: str) -> str:
    """A name as a folder name: ``"binary loss (augmented)"`` -> ``"binary-loss-augmented"``."""
    if not isinstance(name, str):
        raise ValueError(
            _("An experiment name must be a string. Received: {name!r}").format(name=name)
        )
    text = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    if not text:
        raise ValueError(
            _(
                "An experiment name needs at least one letter or digit (it names the "
                "checkpoint folder). Received: {name!r}"
            ).format(name=name)
        )
    return text


@dataclass(frozen=True, kw_only=True)
class Experiment:
    """One arm of a comparison: which backbone, which loss, augmentation or not.

    Args:
        name: how tables and curves call it; its :func:`slug` names the checkpoint
            folder ``checkpoint_root/<slug>/seed<k>``.
        backbone: a zero-argument function returning a fresh ``keras.Model`` without its
            top (see :func:`source_model`); pretrained vs from scratch is two functions.
        backbone_label: the backbone's name in tables (``"inception_resnet_v2"``,
            ``"resnet50"``...).
        weights: where the backbone's weights come from, for tables (``"scratch"``,
            ``"imagenet"``, ``"course"``...); only a label, the function loads them.
        loss: ``"categorical"`` or ``"binary"`` (or the Keras names).
        augment: train on augmented batches (:func:`training_batches`; validation
            images never are).
        seed: the run's seed (initial head weights, shuffling, augmentation);
            :func:`compare` sets it for each seed.
        frozen_epochs: ``0`` (the source's way, as far as it says: every layer trained
            from the first step at the recipe's learning rate, batch norm in training
            mode), or the standard transfer protocol (Keras' transfer-learning guide,
            "fine-tuning"): the first ``frozen_epochs`` epochs train the new head only
            (``backbone.trainable = False``) at the recipe's rate, the rest of the run's
            epochs every layer but batch norm at ``unfrozen_learning_rate``; batch norm
            stays in inference mode throughout (:meth:`build` says how). The run's
            ``epochs`` count both phases: the budget is the same number of epochs (the
            same images, the same steps) as every other arm's.
        unfrozen_learning_rate: Adam's learning rate once the backbone is unfrozen
            (default :data:`UNFROZEN_LEARNING_RATE`, 1e-5 as in Keras' guide); used only
            with ``frozen_epochs``.
    """

    name: str
    backbone: Callable[[], keras.Model] = field(repr=False, compare=False)
    backbone_label: str = "backbone"
    weights: str = "scratch"
    loss: str = "categorical"
    augment: bool = False
    seed: int = 0
    frozen_epochs: int = 0
    unfrozen_learning_rate: float = UNFROZEN_LEARNING_RATE

    def __post_init__(self):
        slug(self.name)
        if isinstance(self.backbone, keras.Model) or not callable(self.backbone):
            raise ValueError(
                _(
                    "backbone must be a zero-argument function returning a keras.Model without "
                    "its top. Received: {kind}"
                ).format(kind=type(self.backbone).__name__)
            )
        for label in ("backbone_label", "weights"):
            value = getattr(self, label)
            if not isinstance(value, str) or not value:
                raise ValueError(
                    _("{label} must be a non-empty string. Received: {value!r}").format(
                        label=label, value=value
                    )
                )
        object.__setattr__(self, "loss", _short_loss(self.loss))
        check_flag(self.augment, "augment")
        object.__setattr__(self, "seed", check_int(self.seed, "seed", 0))
        frozen = check_int(self.frozen_epochs, "frozen_epochs", 0)
        object.__setattr__(self, "frozen_epochs", frozen)
        rate = check_number(
            self.unfrozen_learning_rate, "unfrozen_learning_rate", 0, 1, open_min=True
        )
        object.__setattr__(self, "unfrozen_learning_rate", rate)

    @property
    def slug(self) -> str:
        return slug(self.name)

    @property
    def model_name(self) -> str:
        """The Keras model's name: every setting that changes training, so a checkpoint
        directory written with other settings is refused, not silently resumed."""
        label = slug(f"{self.backbone_label} {self.weights}").replace("-", "_")
        name = f"transfer_{label}_{self.loss}_{'aug' if self.augment else 'noaug'}"
        if self.frozen_epochs:
            name += f"_frozen{self.frozen_epochs}_then_lr{self.unfrozen_learning_rate:g}"
        return name

    def phase_name(self, phase: str = "all") -> str:
        """The model's name in ``phase``: :attr:`model_name`, and for the frozen phase only
        what that phase depends on (its epochs, not the later rate), so that a run with
        another unfrozen rate reads the same head phase back."""
        check_choice(phase, PHASES, "phase")
        if phase == "all":
            return self.model_name
        if phase == "frozen":
            return self.model_name.rsplit("_then_", 1)[0] + "_head"
        return f"{self.model_name}_unfrozen"

    def recipe(self, phase: str = "all") -> Recipe:
        """The recipe of a run (``phase="all"``), or of one phase of the frozen protocol:
        ``"frozen"`` (the head alone, the source's rate) or ``"unfrozen"`` (every layer, at
        ``unfrozen_learning_rate``)."""
        check_choice(phase, PHASES, "phase")
        recipe = experiment_recipe(self.loss)
        if phase == "unfrozen":
            return recipe.replace(learning_rate=self.unfrozen_learning_rate)
        return recipe

    def build(self, classes: int, input_shape=None, phase: str = "all") -> keras.Model:
        """This arm's model for ``classes`` classes (:func:`source_model`); for a phase of
        the frozen protocol, its backbone frozen (``"frozen"``), or trainable but for its
        batch-norm layers (``"unfrozen"``), which keeps them in inference mode.

        Keras 3's ``BatchNormalization`` normalises with its stored statistics, and leaves
        them alone, when it is not trainable; calling the backbone with ``training=False``,
        as Keras' transfer-learning guide writes, does not do it in Keras 3 once the
        backbone is unfrozen: ``fit`` calls the whole model with ``training=True``, which
        overrides it (keras-team/keras#20285; the tests check both). So the batch-norm
        layers stay frozen, scale and offset included, as in Keras' EfficientNet
        fine-tuning example."""
        check_choice(phase, PHASES, "phase")
        name = self.phase_name(phase)
        model = source_model(self.backbone, classes, name, input_shape)
        body = _body(model)
        body.trainable = phase != "frozen"
        if phase == "unfrozen":
            for layer in batch_norm_layers(body):
                layer.trainable = False
        return model

    def phases(self, epochs: int) -> tuple:
        """``((phase, its epochs), ...)`` for a run of ``epochs`` epochs in all: one
        ``("all", epochs)``, or the frozen protocol's ``("frozen", k)`` and (when epochs
        are left) ``("unfrozen", epochs - k)``, ``k = min(frozen_epochs, epochs)``."""
        epochs = check_int(epochs, "epochs", 1)
        if not self.frozen_epochs:
            return (("all", epochs),)
        frozen = min(self.frozen_epochs, epochs)
        return (("frozen", frozen),) + ((("unfrozen", epochs - frozen),) if epochs > frozen else ())

    def settings(self) -> dict:
        """The hyper-parameter table's row: what varies between arms (in English, as code
        compares it; :meth:`Comparison.table` shows it in the course's language)."""
        training = _ALL_LAYERS
        if self.frozen_epochs:
            training = _HEAD_THEN_ALL.format(
                epochs=self.frozen_epochs, rate=f"{self.unfrozen_learning_rate:g}"
            )
        return {
            "backbone": self.backbone_label,
            "weights": self.weights,
            "loss": LOSSES[self.loss],
            "augmentation": _YES if self.augment else _NO,
            "training": training,
        }


@dataclass(frozen=True)
class Mistake:
    """A validation image the model got wrong: its index in ``split.x_val``, the true and
    the predicted class, and the probability the model gave its (wrong) answer."""

    index: int
    true: int
    predicted: int
    confidence: float


@dataclass(frozen=True, eq=False)
class ExperimentResult:
    """One trained run: its history, what it gets wrong, and how long it took.

    ``history`` maps each logged metric (``loss``, ``accuracy``, ``binary_accuracy``,
    ``categorical_accuracy`` and their ``val_`` twins) to one value per epoch, all epochs
    (resumed ones included); ``epochs`` lists them. ``trained_epochs`` are the epochs this
    call trained (the others were read back from the checkpoint), ``epoch_seconds`` their
    wall-clock times; ``seconds`` the whole call's. ``labels`` are the true classes of
    ``split.x_val``; ``probabilities`` the final network's outputs there, and from them
    ``per_class_error``, ``confusion`` and ``mistakes``. With ``settled`` (the default of
    :func:`run_experiment`) these come from the network after its batch-norm statistics
    were set from the training images (:func:`~inception_edu.training.settle_batch_norm`):
    the curves' last point (``history["val_categorical_accuracy"][-1]``) is the network
    as Keras left it, ``settled_accuracy`` the same weights with statistics that match
    them, as a long run would have.
    """

    experiment: Experiment
    history: dict
    epochs: tuple
    class_names: tuple
    labels: np.ndarray
    probabilities: np.ndarray
    per_class_error: np.ndarray
    confusion: np.ndarray
    mistakes: tuple
    trained_epochs: tuple
    epoch_seconds: tuple
    seconds: float
    model: keras.Model = field(repr=False)
    settled: bool = False

    @property
    def settled_accuracy(self) -> float:
        """Categorical accuracy of ``probabilities`` (after settling, if ``settled``)."""
        return float(np.mean(self.probabilities.argmax(axis=1) == self.labels))

    def final(self, metric: str) -> float:
        """The last epoch's value of ``metric`` (e.g. ``"val_categorical_accuracy"``)."""
        if metric not in self.history:
            raise ValueError(
                _("No metric {metric!r} in this run. Allowed: {allowed}").format(
                    metric=metric, allowed=sorted(self.history)
                )
            )
        return float(self.history[metric][-1])


class _EpochTimer(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.epochs, self.seconds, self._start = [], [], None

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.epochs.append(int(epoch))
        self.seconds.append(time.perf_counter() - self._start)


def _check_split(split):
    """``split`` if it is a :class:`~inception_edu.data.Split` of RGB images or a
    :class:`~inception_edu.data.stream.StreamSplit` (RGB by construction)."""
    if isinstance(split, StreamSplit):
        return split
    if not isinstance(split, Split):
        raise ValueError(
            _(
                "split must be an inception_edu.data.Split (e.g. ImageFolder.split()) or a "
                "StreamSplit (an image folder streamed: inception_edu.data.stream.stream_split). "
                "Received: {kind}"
            ).format(kind=type(split).__name__)
        )
    if len(split.input_shape) != 3 or split.input_shape[-1] != 3:
        raise ValueError(
            _("split must hold RGB images (N, H, W, 3). Received images shaped {shape}").format(
                shape=split.x_train.shape
            )
        )
    return split


def _training_data(split, batch_size: int, seed: int, augment: bool):
    """The training batches of ``split`` for a run (:func:`training_batches`, or the
    stream's, with the same seeded augmentation)."""
    if isinstance(split, StreamSplit):
        layers = augmentation(seed) if augment else None
        return split.train_batches(batch_size, seed, layers)
    return training_batches(split.x_train, split.y_train, batch_size, seed, augment)


def _validation_data(split, batch_size: int):
    """The validation part as :func:`~inception_edu.training.run` takes it."""
    if isinstance(split, StreamSplit):
        return split.val_batches(batch_size)
    return (split.x_val, split.y_val)


def _validation_probabilities(model, split, batch_size: int) -> np.ndarray:
    """``model``'s outputs on the validation images, in ``split.y_val``'s order
    (:func:`predict`, batch by batch from the stream for a :class:`StreamSplit`)."""
    if not isinstance(split, StreamSplit):
        return predict(model, split.x_val, batch_size)
    batches = [
        keras.ops.convert_to_numpy(model(x, training=False))
        for x, _labels in split.val_batches(batch_size)
    ]
    return np.concatenate(batches)


def _mistakes(labels, probabilities, count: int) -> tuple:
    predicted = probabilities.argmax(axis=1)
    confidence = probabilities.max(axis=1)
    wrong = np.flatnonzero(predicted != labels)
    order = wrong[np.argsort(-confidence[wrong], kind="stable")][:count]
    return tuple(
        Mistake(int(i), int(labels[i]), int(predicted[i]), float(confidence[i])) for i in order
    )


def _checkpoint_dir(checkpoint_root, experiment: Experiment):
    if checkpoint_root is None:
        return None
    if not isinstance(checkpoint_root, (str, os.PathLike)) or str(checkpoint_root) == "":
        raise ValueError(
            _(
                "checkpoint_root must be None or a directory path (str or Path). "
                "Received: checkpoint_root={checkpoint_root!r}"
            ).format(checkpoint_root=checkpoint_root)
        )
    return os.path.join(os.fspath(checkpoint_root), experiment.slug, f"seed{experiment.seed}")


def _structure(model) -> tuple:
    """What must agree for two models to share a compiled training step: the layers'
    names and kinds and the weights' shapes, in order."""
    found = []
    for layer in model.layers:
        shapes = tuple(tuple(w.shape) for w in layer.weights)
        found.append((layer.name, type(layer).__name__, shapes))
        if isinstance(layer, keras.Model):
            found.extend(_structure(layer))
    return tuple(found)


class SharedModels:
    """The compiled models of a comparison, shared between arms and seeds.

    Tracing a training step of the course's Inception-ResNet-v2 costs more than a whole run
    of its epochs (``benchmarks/training_speed.py transfer``). Arms whose networks have the same
    structure and the same loss (pretrained or from scratch, augmented or not) train one
    shared model: before each run its weights are drawn afresh for the seed
    (:func:`~inception_edu.keras_build.weights.reinitialize`) and a pretrained
    backbone's weights put back; the runner then resets the optimizer and keeps the traced
    step (:func:`~inception_edu.training.run`).
    """

    def __init__(self):
        self._shared = {}  # (loss, phase, frozen protocol?, structure) -> model
        self._arms = {}  # (arm name, phase) -> (its key in _shared, backbone weights or None)

    def model(self, experiment: Experiment, classes: int, input_shape, phase: str = "all"):
        """The shared model of the arm's ``phase`` (:meth:`Experiment.build`), its weights as
        the last run left them, and the backbone's weights as built (``None`` from scratch).
        The frozen protocol's phases are separate models (their trainable weights and
        their backbone's mode differ), each traced once for all seeds."""
        if (experiment.name, phase) not in self._arms:
            built = experiment.build(classes, input_shape, phase)
            frozen = bool(experiment.frozen_epochs)
            key = (experiment.loss, phase, frozen, _structure(built))
            pretrained = None if experiment.weights == "scratch" else _body(built).get_weights()
            self._shared.setdefault(key, built)
            self._arms[experiment.name, phase] = (key, pretrained)
        key, pretrained = self._arms[experiment.name, phase]
        model = self._shared[key]
        model.name = experiment.phase_name(phase)  # the checkpoint's fingerprint names it
        return model, pretrained

    def initial(
        self, experiment: Experiment, classes: int, input_shape, phase: str = "all"
    ) -> keras.Model:
        """The arm's model, its weights as they must start for ``experiment.seed``: every
        layer drawn for the seed, then the backbone's pretrained weights put back (unless
        the arm's ``weights`` is ``"scratch"``)."""
        from inception_edu.keras_build.weights import reinitialize

        model, pretrained = self.model(experiment, classes, input_shape, phase)
        reinitialize(model, experiment.seed)
        if pretrained is not None:
            _body(model).set_weights(pretrained)
        return model


def _body(model) -> keras.Model:
    """The backbone inside a :func:`source_model` model."""
    return next(layer for layer in model.layers if isinstance(layer, keras.Model))


@dataclass(frozen=True)
class _History:
    """What :func:`_measure` reads of a Keras ``History``: the logs and the epochs."""

    history: dict
    epoch: list


def _run_phases(split, experiment, epochs, batch_size, directory, callbacks, models, progress):
    """Train ``experiment`` for ``epochs`` epochs in its phases (:meth:`Experiment.phases`);
    returns ``(the trained model, its history over all epochs)``.

    One phase (``"all"``) is one :func:`~inception_edu.training.run`. The frozen protocol
    runs two: the head on the frozen backbone, then every layer at the low rate, on a
    second model that starts from the first one's weights (all of them: the head, and
    the backbone's weights and batch-norm statistics, unchanged). Each phase commits its
    epochs to its own checkpoint directory (``<directory>/frozen<k>``,
    ``<directory>/unfrozen-after<k>-lr<rate>``), so a resumed run picks up in either phase
    and a run with other settings starts afresh instead of being refused. The
    epochs of the second phase are numbered after the first's, also for ``callbacks``.
    With ``progress``, each phase's run shows a bar named by the arm, seed and phase.
    """
    train = _training_data(split, batch_size, experiment.seed, experiment.augment)
    shared = models or SharedModels()
    classes, shape = split.num_classes, split.input_shape
    logs, done, model = {}, 0, None
    for phase, count in experiment.phases(epochs):
        if model is None:
            model = shared.initial(experiment, classes, shape, phase)
        else:  # the unfrozen phase starts where the frozen one ended
            previous, (model, _weights) = model, shared.model(experiment, classes, shape, phase)
            model.set_weights(previous.get_weights())
        where = directory
        if directory is not None and phase != "all":
            frozen = experiment.frozen_epochs
            rate = f"{experiment.unfrozen_learning_rate:g}"
            part = f"frozen{frozen}" if phase == "frozen" else f"unfrozen-after{frozen}-lr{rate}"
            where = os.path.join(directory, part)
        label = _("{name}, seed {seed}").format(name=experiment.name, seed=experiment.seed)
        if phase != "all":
            label = f"{label}, {_(_PHASE_WORDS[phase])}"
        history = run(
            model,
            train,
            _validation_data(split, batch_size),
            experiment.recipe(phase),
            count,
            batch_size=batch_size,
            seed=experiment.seed,
            checkpoint_dir=where,
            callbacks=[_Offset(c, done) if done else c for c in callbacks],
            progress=progress,
            label=label,
        )
        for key, values in history.history.items():
            logs.setdefault(key, []).extend(values)
        done += count
    return model, _History(logs, list(range(done)))


class _Offset(keras.callbacks.Callback):
    """``callback`` with the epochs it is told about numbered from ``offset``: the
    unfrozen phase's epochs continue the frozen phase's."""

    def __init__(self, callback, offset: int):
        super().__init__()
        self.callback, self.offset = callback, offset

    def set_model(self, model):
        super().set_model(model)
        self.callback.set_model(model)

    def set_params(self, params):
        super().set_params(params)
        self.callback.set_params(params)

    def on_train_begin(self, logs=None):
        self.callback.on_train_begin(logs)

    def on_epoch_begin(self, epoch, logs=None):
        self.callback.on_epoch_begin(epoch + self.offset, logs)

    def on_epoch_end(self, epoch, logs=None):
        self.callback.on_epoch_end(epoch + self.offset, logs)

    def on_train_end(self, logs=None):
        self.callback.on_train_end(logs)


def run_experiment(
    split,
    experiment: Experiment,
    epochs: int,
    batch_size: int = 64,
    checkpoint_root=None,
    worst: int = 8,
    callbacks=(),
    settle: bool = True,
    models: SharedModels | None = None,
    progress=None,
) -> ExperimentResult:
    """Train one arm with one seed through :func:`~inception_edu.training.run`; measure it.

    The arm's network starts from weights drawn for its seed, layer by layer
    (:func:`~inception_edu.keras_build.weights.reinitialize`: the same seed
    gives every arm the same head and, from scratch, the same backbone), with a
    pretrained backbone's weights put back. With ``checkpoint_root``, the run's directory
    is ``checkpoint_root/<slug>/seed<seed>``: every completed epoch is committed there, and
    calling again after an interruption (an exception, a restarted kernel, a killed
    process) resumes after the last completed epoch; a finished run is read back without
    training. ``run``'s promise holds: no epoch lost or repeated, though a resumed run is
    not bit-identical to an uninterrupted one (the remaining epochs see another
    shuffling order).

    Args:
        split: the images (RGB, in [0, 1]) and integer labels, train and validation: a
            :class:`~inception_edu.data.Split`, or a folder too large for memory streamed
            (:class:`~inception_edu.data.stream.StreamSplit`: the same runs and seeds).
        experiment: the arm (:class:`Experiment`, with its seed).
        epochs: the run's total epochs, >= 1 (resumed ones included).
        batch_size: 64, as the source (the last batch of an epoch may be smaller).
        checkpoint_root: ``None`` (no checkpoints) or a directory for all runs.
        worst: how many of the most confident mistakes to keep (0 or more).
        callbacks: more Keras callbacks (live curves); they run after each epoch's
            checkpoint is saved.
        settle: measure the final network with its batch-norm statistics set from (up
            to 256 of) the training images (:class:`ExperimentResult` says why).
        models: ``None`` (a model of its own), or a :class:`SharedModels` whose compiled
            models this run reuses (and then the result carries no ``model``).
        progress: a progress bar per run (:func:`~inception_edu.training.run`'s):
            ``True``, ``False``, or ``None``, on where someone watches and never in a
            headless run such as nbval.

    Returns:
        An :class:`ExperimentResult`.
    """
    split = _check_split(split)
    if not isinstance(experiment, Experiment):
        raise ValueError(
            _("experiment must be an Experiment. Received: {kind}").format(
                kind=type(experiment).__name__
            )
        )
    epochs = check_int(epochs, "epochs", 1)
    batch_size = check_int(batch_size, "batch_size", 1)
    worst = check_int(worst, "worst", 0)
    settle = check_flag(settle, "settle")
    progress = progress_enabled(progress)
    directory = _checkpoint_dir(checkpoint_root, experiment)
    timer = _EpochTimer()
    start = time.perf_counter()
    model, history = _run_phases(
        split, experiment, epochs, batch_size, directory, [timer, *callbacks], models, progress
    )
    if settle:
        first = split.images("train", 256) if isinstance(split, StreamSplit) else split.x_train
        settle_batch_norm(model, first, max_images=256)
    result = _measure(model, split, experiment, history, worst, batch_size)
    return dataclasses.replace(
        result,
        trained_epochs=tuple(timer.epochs),
        epoch_seconds=tuple(timer.seconds),
        seconds=time.perf_counter() - start,
        model=None if models is not None else model,
        settled=settle,
    )


def _measure(model, split, experiment, history, worst: int, batch_size: int) -> ExperimentResult:
    """What :func:`run_experiment` keeps of a trained arm: its history, its validation
    probabilities, per-class error, confusion matrix and most confident mistakes."""
    probabilities = _validation_probabilities(model, split, batch_size)
    labels = np.asarray(split.y_val)
    classes = split.num_classes
    return ExperimentResult(
        experiment=experiment,
        history={key: [float(v) for v in values] for key, values in history.history.items()},
        epochs=tuple(int(e) for e in history.epoch),
        class_names=tuple(split.class_names),
        labels=labels,
        probabilities=probabilities,
        per_class_error=class_metrics.per_class_error(labels, probabilities, classes),
        confusion=class_metrics.confusion_matrix(labels, probabilities, classes),
        mistakes=_mistakes(labels, probabilities, worst),
        trained_epochs=(),
        epoch_seconds=(),
        seconds=0.0,
        model=None,
    )


# --------------------------------------------------------------------------- comparisons

#: The columns :meth:`Comparison.rows` summarises: the last epoch's value of each, and
#: ``settled_accuracy`` (:attr:`ExperimentResult.settled_accuracy`).
SUMMARY_METRICS = (
    "settled_accuracy",
    "val_categorical_accuracy",
    "val_binary_accuracy",
    "val_loss",
    "accuracy",
    "loss",
)


def _shown_setting(value: str) -> str:
    """A cell of :meth:`Experiment.settings` in the course's language (names unchanged)."""
    return translate_filled(value, (_YES, _NO, _ALL_LAYERS, _HEAD_THEN_ALL))


@dataclass(frozen=True, eq=False)
class Comparison:
    """Several arms, each trained with the same seeds, epochs and batch size.

    ``results[name]`` holds one :class:`ExperimentResult` per seed, in ``seeds`` order.
    """

    experiments: tuple
    seeds: tuple
    epochs: int
    batch_size: int
    results: dict

    def curves(self, metric: str = "val_categorical_accuracy") -> dict:
        """``{name: [[value per epoch] per seed]}``: what
        :func:`~inception_edu.viz.curves.plot_runs` draws."""
        return {
            e.name: [self._values(r, metric) for r in self.results[e.name]]
            for e in self.experiments
        }

    @staticmethod
    def _values(result, metric: str) -> list:
        if metric == "settled_accuracy":
            return [result.settled_accuracy]
        if metric not in result.history:
            raise ValueError(
                _("No metric {metric!r} in these runs. Allowed: {allowed}").format(
                    metric=metric, allowed=sorted(result.history)
                )
            )
        return list(result.history[metric])

    def rows(self) -> list:
        """One tidy row per arm: its settings, then for each of :data:`SUMMARY_METRICS`
        the seeds' mean, min and max at the last epoch, and the mean seconds per epoch."""
        rows = []
        for experiment in self.experiments:
            results = self.results[experiment.name]
            row = {"name": experiment.name, **experiment.settings()}
            row.update(epochs=self.epochs, batch_size=self.batch_size, seeds=len(self.seeds))
            for metric in SUMMARY_METRICS:
                values = np.array([self._values(r, metric)[-1] for r in results])
                row[f"{metric}_mean"] = float(values.mean())
                row[f"{metric}_min"] = float(values.min())
                row[f"{metric}_max"] = float(values.max())
            seconds = [s for r in results for s in r.epoch_seconds]
            row["seconds_per_epoch"] = float(np.mean(seconds)) if seconds else float("nan")
            rows.append(row)
        return rows

    def table(self, metrics=("val_categorical_accuracy", "val_binary_accuracy", "val_loss")):
        """The hyper-parameter table with results: ``mean [min, max]`` over the seeds."""
        metrics = (metrics,) if isinstance(metrics, str) else tuple(metrics)
        for metric in metrics:
            check_choice(metric, SUMMARY_METRICS, "metric")
        protocol = any(e.frozen_epochs for e in self.experiments)
        settings = ("backbone", "weights", "loss", "augmentation")
        settings += ("training",) if protocol else ()
        columns = (_("arm"), *(_(_SETTING_COLUMNS[key]) for key in settings), *metrics)
        rows = []
        for row in self.rows():
            cells = [row["name"], *(_shown_setting(row[key]) for key in settings)]
            for metric in metrics:
                mean, low, high = (row[f"{metric}_{k}"] for k in ("mean", "min", "max"))
                cells.append(f"{mean:.3f} [{low:.3f}, {high:.3f}]")
            rows.append(tuple(cells))
        title = _(
            "{epochs} epochs, batch {batch}, seeds {seeds}: mean [lowest, highest seed] at the "
            "last epoch"
        ).format(epochs=self.epochs, batch=self.batch_size, seeds=list(self.seeds))
        return Table(columns, tuple(rows), title=title, left=len(settings) + 1)

    def plot(self, metric: str = "val_categorical_accuracy", ax=None, limits=None, reference=None):
        """The arms' curves of ``metric``, mean and seed band (:func:`plot_runs`).

        ``limits``: ``None`` (matplotlib's auto-scaling) or ``(low, high)`` for the y axis,
        e.g. ``(0, 1)`` so that a metric whose values all sit near 1 is not blown up;
        ``reference``: ``None`` or ``(value, label)``, a dashed horizontal line with its
        legend entry (e.g. a useless model's binary accuracy, (K-1)/K).
        """
        figure = plot_runs(
            self.curves(metric), metric=metric_label(metric), ax=ax, legend="outside"
        )
        axes = ax if ax is not None else figure.axes[0]
        if reference is not None:
            value, label = reference
            if not np.isfinite(value) or not isinstance(label, str):
                raise ValueError(
                    _(
                        "reference must be (a finite number, a label). Received: {reference!r}"
                    ).format(reference=reference)
                )
            axes.axhline(value, color="0.3", linestyle="--", linewidth=1.2, label=label)
            axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=10)
        if limits is not None:
            low, high = limits
            if not (np.isfinite(low) and np.isfinite(high) and low < high):
                raise ValueError(
                    _("limits must be (low, high) with low < high. Received: {limits!r}").format(
                        limits=limits
                    )
                )
            axes.set_ylim(low, high)
        return figure


def compare(
    split,
    experiments,
    seeds,
    epochs: int,
    batch_size: int = 64,
    checkpoint_root=None,
    worst: int = 8,
    callbacks=(),
    settle: bool = True,
    models: SharedModels | None = None,
    progress=None,
) -> Comparison:
    """Train every arm of ``experiments`` with every seed of ``seeds``, the same budget.

    Each (arm, seed) is one :func:`run_experiment` (its own checkpoint directory under
    ``checkpoint_root``, so an interrupted comparison resumes where it stopped). Arms
    whose networks have the same structure and loss share one compiled model, so its
    training step is traced once (:class:`SharedModels`; pass ``models`` to share them
    with later calls too); their results carry no ``model``. The course
    uses at least three seeds, so that a difference can be set against the seeds' spread.
    Arms' names must give distinct :func:`slug` s. Returns a :class:`Comparison`.

    ``split``: a :class:`~inception_edu.data.Split`, or a
    :class:`~inception_edu.data.stream.StreamSplit` to stream a folder too large for
    memory. ``progress`` (``True``, ``False``, or ``None``: on where someone watches,
    never in a headless run such as nbval): a bar per run, and once the first epoch has
    been measured, one line ``"about N min for A arms x S seeds x E epochs (first epoch
    took T s)"`` (:class:`~inception_edu.training.progress.TimeEstimate`).
    """
    split = _check_split(split)
    if isinstance(experiments, Experiment) or not isinstance(experiments, (tuple, list)):
        raise ValueError(
            _("experiments must be a non-empty list of Experiment. Received: {shown}").format(
                shown=type(experiments).__name__
            )
        )
    if not experiments or not all(isinstance(e, Experiment) for e in experiments):
        shown = [type(e).__name__ for e in experiments]
        raise ValueError(
            _("experiments must be a non-empty list of Experiment. Received: {shown}").format(
                shown=shown
            )
        )
    slugs = [e.slug for e in experiments]
    if len(set(slugs)) != len(slugs):
        raise ValueError(
            _(
                "experiments must have distinct names (their slugs name the checkpoint "
                "folders). Received: {names} -> {slugs}"
            ).format(names=[e.name for e in experiments], slugs=slugs)
        )
    seeds = check_seeds(seeds)
    epochs = check_int(epochs, "epochs", 1)
    batch_size = check_int(batch_size, "batch_size", 1)
    shared = models if models is not None else SharedModels()
    progress = progress_enabled(progress)
    callbacks = list(callbacks) if isinstance(callbacks, (list, tuple)) else [callbacks]
    if progress:
        callbacks.append(TimeEstimate(len(experiments), len(seeds), epochs, True))
    results = {}
    for experiment in experiments:
        results[experiment.name] = tuple(
            run_experiment(
                split,
                dataclasses.replace(experiment, seed=seed),
                epochs,
                batch_size=batch_size,
                checkpoint_root=checkpoint_root,
                worst=worst,
                callbacks=callbacks,
                settle=settle,
                models=shared,
                progress=progress,
            )
            for seed in seeds
        )
    return Comparison(tuple(experiments), seeds, epochs, batch_size, results)


def seed_verdict(
    claim: str, differences, effect: str, claimed: str = "positive", margin: float = 0.0
) -> EmpiricalVerdict:
    """The course's one rule for an empirical verdict
    (:func:`~inception_edu.course.claims.empirical_verdict`) over one difference per seed,
    for a comparison run with any number of seeds.

    With three seeds or more it is that rule, unchanged. With fewer (a learner's quick run
    with ``SEEDS = (0,)``), the rule cannot decide; instead of its error this gives the
    verdict *not shown at this scale*, its evidence saying why, so the notebook's verdict
    cells still run and say so.
    """
    values = tuple(float(d) for d in np.ravel(differences))
    if len(values) >= 3 or not values:  # none: the rule's own error says what it needs
        return empirical_verdict(claim, values, effect, claimed, margin)
    return EmpiricalVerdict(
        claim,
        "not shown at this scale",
        _("{effect} (the rule needs 3 seeds)").format(effect=effect),
        values,
        0,
        0,
    )


# --------------------------------------------------------------------------- figures


def check_arm_results(results) -> tuple:
    """One arm's results as a tuple: an :class:`ExperimentResult`, or a non-empty tuple of
    them (one per seed) measured on the same split, with consistent shapes; else a
    ``ValueError`` saying what was received."""
    if isinstance(results, ExperimentResult):
        results = (results,)
    if (
        not isinstance(results, (tuple, list))
        or not results
        or not all(isinstance(r, ExperimentResult) for r in results)
    ):
        shown = (
            [type(r).__name__ for r in results]
            if isinstance(results, (tuple, list))
            else type(results).__name__
        )
        raise ValueError(
            _(
                "results must be an ExperimentResult or a non-empty tuple of them (one arm, "
                "one per seed). Received: {shown}"
            ).format(shown=shown)
        )
    first = results[0]
    names = tuple(first.class_names)
    labels = np.asarray(first.labels)
    classes = len(names)
    if classes < 2 or labels.ndim != 1 or len(labels) == 0:
        raise ValueError(
            _(
                "results must have at least 2 class names and a 1-D array of validation labels. "
                "Received {classes} class names and labels shaped {shape}"
            ).format(classes=classes, shape=labels.shape)
        )
    for result in results:
        if tuple(result.class_names) != names or not np.array_equal(result.labels, labels):
            raise ValueError(
                _(
                    "results must be runs of one split: the same class names and validation "
                    "labels. Received class names {names} after {first}"
                ).format(names=tuple(result.class_names), first=names)
            )
        shapes = (
            np.shape(result.probabilities),
            np.shape(result.per_class_error),
            np.shape(result.confusion),
        )
        if shapes != ((len(labels), classes), (classes,), (classes, classes)):
            raise ValueError(
                _(
                    "results must hold probabilities ({images}, {classes}), per_class_error "
                    "({classes},) and confusion ({classes}, {classes}). Received {shapes}"
                ).format(images=len(labels), classes=classes, shapes=shapes)
            )
    return tuple(results)


def most_confused_pairs(confusion, count: int) -> list:
    """The ``count`` most frequent mistakes of a confusion matrix (rows: the true class,
    columns: the answer) as ``(true, predicted, times)``, most frequent first (ties in
    row, then column order); pairs never confused are left out."""
    confusion = np.asarray(confusion)
    if confusion.ndim != 2 or confusion.shape[0] != confusion.shape[1] or len(confusion) < 2:
        raise ValueError(
            _(
                "confusion must be a square matrix of at least 2 classes. Received shape {shape}"
            ).format(shape=confusion.shape)
        )
    count = check_int(count, "count", 1)
    mistakes = confusion * (1 - np.eye(len(confusion), dtype=confusion.dtype))
    order = np.argsort(-mistakes, axis=None, kind="stable")[:count]
    rows, columns = np.unravel_index(order, mistakes.shape)
    pairs = [(int(i), int(j)) for i, j in zip(rows, columns, strict=True)]
    return [(i, j, mistakes[i, j].item()) for i, j in pairs if mistakes[i, j] > 0]


def _plot_confused_pairs(ax, confusion, names, count: int) -> str:
    """Horizontal bars of the ``count`` most-confused pairs ("A taken for B"), most
    frequent on top; returns the line saying what was left out."""
    from inception_edu.viz.palette import CATEGORICAL

    pairs = most_confused_pairs(confusion, count)
    total = int(confusion.sum() - np.trace(confusion))
    confused = int(np.count_nonzero(confusion) - np.count_nonzero(np.diag(confusion)))
    counts = [times for _true, _answer, times in pairs]
    shown = sum(counts)
    if pairs:
        taken = _("{true} taken for {answer}")
        labels = [taken.format(true=names[i], answer=names[j]) for i, j, _times in pairs]
        rows = np.arange(len(pairs))
        ax.barh(rows, counts, color=CATEGORICAL[2])
        ax.set_yticks(rows, labels, fontsize=9)
        ax.invert_yaxis()
        for row, times in enumerate(counts):
            ax.text(times, row, f" {times}", va="center", fontsize=9)
    else:
        ax.set_yticks([])
        ax.text(0.5, 0.5, _("no mistakes"), ha="center", va="center", transform=ax.transAxes)
    ax.xaxis.get_major_locator().set_params(integer=True)  # counts: no 1.25 mistakes
    ax.set_xlabel(_("mistakes (validation images, seeds summed)"), fontsize=11)
    return _(
        "{classes} classes: the {pairs} most-confused of {confused} confused pairs, {shown} of "
        "{total} mistakes"
    ).format(classes=len(names), pairs=len(pairs), confused=confused, shown=shown, total=total)


def plot_confusion(results, title: str = "", max_classes: int | None = None):
    """One arm's confusion matrix, counts summed over its seeds (rows: the true class,
    columns: the answer). The per-class error bars are
    :func:`~inception_edu.viz.images.plot_per_class` of ``per_class_error``.

    With more than ``max_classes`` classes (2 to 30; ``None``:
    :data:`~inception_edu.viz.images.READABLE_CLASSES`), a matrix could no longer be
    read: the figure ranks the ``max_classes`` most-confused pairs instead ("A taken for
    B", :func:`most_confused_pairs`), and its title says how many mistakes they hold of
    how many. The full matrix stays in ``results[k].confusion``."""
    from inception_edu.viz.figures import new_figure
    from inception_edu.viz.images import READABLE_CLASSES, check_max_classes

    max_classes = check_max_classes(READABLE_CLASSES if max_classes is None else max_classes)
    results = check_arm_results(results)
    names = results[0].class_names
    confusion = np.sum([r.confusion for r in results], axis=0)
    seeds = len(results)
    figure = new_figure(figsize=(7.5, 6.4), layout="constrained")
    matrix = figure.subplots()
    if len(names) > max_classes:
        left_out = _plot_confused_pairs(matrix, confusion, names, max_classes)
        heading = _("{name}: most-confused pairs ({seeds} seeds summed)").format(
            name=results[0].experiment.name, seeds=seeds
        )
        matrix.set_title(f"{_(title) or heading}\n({left_out})", fontsize=12)
        return figure
    matrix.imshow(confusion, cmap="Blues")
    positions = np.arange(len(names))
    matrix.set_xticks(positions, names, rotation=60, ha="right", fontsize=10)
    matrix.set_yticks(positions, names, fontsize=10)
    matrix.set_xlabel(_("predicted class"), fontsize=11)
    matrix.set_ylabel(_("true class"), fontsize=11)
    top = confusion.max() or 1
    for (i, j), count in np.ndenumerate(confusion):
        if count:
            colour = "white" if count > top / 2 else "black"
            matrix.text(j, i, str(count), ha="center", va="center", fontsize=9, color=colour)
    matrix.set_title(
        _(title)  # a notebook's title in the reader's language
        or _("{name}: confusion matrix ({seeds} seeds summed)").format(
            name=results[0].experiment.name, seeds=seeds
        ),
        fontsize=12,
    )
    return figure


def plot_mistakes(result, x_val, count: int = 8, title: str = ""):
    """``result``'s most confident mistakes as images, captioned with the true class, the
    answer and the probability the network gave it."""
    from inception_edu.viz.figures import new_figure

    if not isinstance(result, ExperimentResult):
        raise ValueError(
            _(
                "result must be one ExperimentResult (one seed: comparison.results[name][0]). "
                "Received: {kind}"
            ).format(kind=type(result).__name__)
        )
    count = check_int(count, "count", 1, 32)
    x_val = np.asarray(x_val)
    if len(x_val) != len(result.labels):
        raise ValueError(
            _(
                "x_val must be the {expected} validation images the result was measured on. "
                "Received {images} images"
            ).format(expected=len(result.labels), images=len(x_val))
        )
    mistakes = _mistakes(result.labels, result.probabilities, count)
    columns = max(1, min(4, len(mistakes)))
    rows = max(1, -(-len(mistakes) // columns))
    figure = new_figure(figsize=(3.1 * columns, 3.3 * rows), layout="constrained")
    axes = np.atleast_1d(figure.subplots(rows, columns)).ravel()
    names = result.class_names
    for ax in axes:
        ax.axis("off")
    for ax, mistake in zip(axes, mistakes, strict=False):
        ax.imshow(np.clip(x_val[mistake.index], 0, 1))
        ax.set_title(
            _("{true}\ntaken for {answer} (p={confidence:.2f})").format(
                true=names[mistake.true],
                answer=names[mistake.predicted],
                confidence=mistake.confidence,
            ),
            fontsize=10,
        )
    if not mistakes:
        axes[0].text(0.5, 0.5, _("no mistakes"), ha="center", va="center", fontsize=12)
    figure.suptitle(
        title
        or _("{name}, seed {seed}: its most confident mistakes").format(
            name=result.experiment.name, seed=result.experiment.seed
        ),
        fontsize=12,
    )
    return figure

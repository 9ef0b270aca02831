"""Pretrained backbones for notebook 09: the course's own (offline) and ImageNet's (online).

Seed 000's experiment took ``keras.applications.InceptionResNetV2`` pretrained on ImageNet,
kept "only the weights before the fully connected part" (``include_top=False``), put a
softmax head for its 51 classes on top and trained with Adam, learning rate 0.001, batch
64. The ImageNet weights need the internet; the course runs offline. So the course ships
its **own** pretrained backbone, made by ``scripts/pretrain_backbone.py``:

- the architecture: the package's Inception-ResNet-v2 at 75x75x3 (the smallest input the
  Keras model accepts, claim C35), scaled down to ``width=0.25, depth=0.1``
  (:data:`ARCHITECTURE`): every block type of the full network is kept (stem, mixed_5b,
  one Inception-ResNet-A, Reduction-A, two B, Reduction-B, one C, conv_7b) with a quarter
  of its filters; 0.92 M parameters, a 4 MB ``.weights.h5`` file (``depth=0.2`` would be
  5.3 MB, over the few MB a package should ship);
- the pretext task (:func:`pretext_patches`): patches cut at several scales from the 10
  photographs held out of the course folder (:func:`inception_edu.data.pretraining_photos`,
  9 scenes: the motorcycle stereo pair is one), each turned by 0, 90, 180 or 270 degrees;
  the label says which scene and which turn (36 classes). Telling scenes apart needs
  colour and texture features, telling the turn needs orientation (edges, text lines,
  shading), and no photograph or scene of the course folder is ever seen, so
  "pretrained vs from scratch" (claim C37) measures transfer, not leakage. In a pilot
  (3,000 patches, 5 epochs) the scene-only task (9 classes) transferred as well (90.6 %
  vs 90.3 % after 8 epochs of fine-tuning, scratch 74 %) but was nearly solved (94 %
  validation), so it had little left to teach a longer run; the harder
  scene-and-turn task was kept;
- the weights lie in ``inception_edu/weights/`` with a JSON card saying how they were
  made (:func:`read_card`).

What a notebook calls:

- :func:`course_backbone` -- the course's backbone without its top, the course weights
  loaded (or ``weights=None`` for the same network from scratch);
- :func:`source_backbone` -- ``keras.applications.InceptionResNetV2(include_top=False,
  weights="imagenet")`` when the weights can be had (cached, or the internet reachable
  within a few seconds), else :class:`WeightsUnavailableError` with a plain message;
- :func:`pretrained_backbone` -- ImageNet's when it can be had, else the course's, with a
  sentence saying which and why;
- :func:`with_head` -- the source's head (global average pool + softmax);
- :func:`transfer_check` -- fine-tunes on the course folder from the course weights and
  from scratch over the same seeds and budget, and reports each seed's validation accuracy,
  also after :func:`settle_batch_norm` (the card's numbers, 3 seeds x 8 epochs:
  93.3 % vs 75.3 % on average, and 93.3 % vs 87.2 % with the batch-norm statistics
  recomputed: the features' own share of the gain).

Both backbones give what ``include_top=False`` gives in Keras: by default (``pooling=None``)
the last feature map (1 x 1 x 384 at 75x75 for the course's, 1 x 1 x 1536 for Keras'),
or with ``pooling="avg"``/``"max"`` the pooled feature vector, as ``keras.applications``
takes ``pooling``.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
import threading
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

from inception_edu.analysis import Table
from inception_edu.backend import keras
from inception_edu.data import ImageFolder, load_image_folder, write_course_folder
from inception_edu.data.photos import PRETRAINING_PHOTOS, open_photo
from inception_edu.experiments.transfer.experiment import predict
from inception_edu.i18n import N_, _
from inception_edu.keras_build import WeightsUnavailableError, check_model
from inception_edu.models import inception_resnet_v2
from inception_edu.spec.checks import (
    check_choice,
    check_flag,
    check_input_shape,
    check_int,
    check_number,
    check_seeds,
)
from inception_edu.training.batch_norm import settle_batch_norm
from inception_edu.training.recipe import Recipe, check_recipe
from inception_edu.training.runner import run

__all__ = [
    "ARCHITECTURE",
    "IMAGENET_HOST",
    "POOLINGS",
    "PRETEXT_TASKS",
    "PRETRAINING_RECIPE",
    "SOURCE_RECIPE",
    "WEIGHTS",
    "PretextData",
    "TransferCheck",
    "WeightsUnavailableError",
    "card_path",
    "course_backbone",
    "imagenet_available",
    "pretext_patches",
    "pretrain",
    "pretrained_backbone",
    "read_card",
    "reference_features",
    "reference_input",
    "scenes",
    "source_backbone",
    "transfer_check",
    "weights_path",
    "with_head",
]

#: The course backbone's builder arguments (``inception_resnet_v2(include_top=False, ...)``).
ARCHITECTURE = {"input_shape": (75, 75, 3), "width": 0.25, "depth": 0.1}

#: The file name (without extension) of the shipped weights and card.
WEIGHTS = "course_inception_resnet_v2"

#: Seed 000's training: Adam, learning rate 0.001, batch 64 (with a softmax head).
SOURCE_RECIPE = Recipe(optimizer="adam", learning_rate=1e-3)

#: The pretraining's: the source's recipe with a cosine decay to zero, so the last epochs
#: settle instead of ending at the full learning rate.
PRETRAINING_RECIPE = SOURCE_RECIPE.replace(schedule="cosine")

#: ``pooling`` as ``keras.applications`` takes it.
POOLINGS = (None, "avg", "max")

#: The pretext tasks :func:`pretext_patches` can label: which scene and which turn (36
#: classes), or which scene only (9 classes).
PRETEXT_TASKS = ("scene_rotation", "scene")

#: Where ``keras.applications`` downloads its ImageNet weights from.
IMAGENET_HOST = "storage.googleapis.com"

_WEIGHTS_DIR = Path(__file__).resolve().parents[2] / "weights"  # inception_edu/weights
_IMAGENET_NOTOP = "inception_resnet_v2_weights_tf_dim_ordering_tf_kernels_notop.h5"
_OFFLINE_ENV = "INCEPTION_EDU_OFFLINE"
_STARTS = ("course", "scratch")
_FALLBACK = N_(
    "The course's own pretrained backbone is used instead "
    "(inception_edu.experiments.transfer.course_backbone: a scaled-down Inception-ResNet-v2 "
    "pretrained offline on photographs held out of the course folder)."
)
#: What a start of :func:`transfer_check` is called in its table.
_START_WORDS = {"course": N_("course"), "scratch": N_("scratch")}


# --------------------------------------------------------------------------- files


def weights_path(directory=None) -> Path:
    """The course backbone's weights file (in ``directory``, default the package's)."""
    return Path(directory or _WEIGHTS_DIR) / f"{WEIGHTS}.weights.h5"


def card_path(directory=None) -> Path:
    """The card (JSON) that says how the weights were made."""
    return Path(directory or _WEIGHTS_DIR) / f"{WEIGHTS}.json"


def read_card(directory=None) -> dict:
    """The card of the shipped weights: architecture, task, images, epochs, seed, final
    pretraining accuracy, date, versions, wall time and the transfer check's numbers."""
    path = card_path(directory)
    if not path.is_file():
        raise FileNotFoundError(
            _(
                "No card at {path}: the course backbone has not been made. Run "
                "python scripts/pretrain_backbone.py"
            ).format(path=path)
        )
    return json.loads(path.read_text())


def reference_input(size: int = 75) -> np.ndarray:
    """A fixed image batch (2, size, size, 3) in [0, 1], made by formula (no random
    numbers): the card stores the backbone's pooled features on it, so a test can check
    that the weights load into the network that made them."""
    size = check_int(size, "size", 1)
    grid = np.linspace(0.0, 1.0, size, dtype=np.float32)
    rows, cols = np.meshgrid(grid, grid, indexing="ij")
    first = np.stack([rows, cols, 0.5 + 0.5 * np.sin(12 * rows * cols)], axis=-1)
    second = np.stack([0.5 + 0.5 * np.cos(20 * rows), 1 - cols, rows * cols], axis=-1)
    return np.stack([first, second]).astype(np.float32)


def reference_features(backbone) -> dict:
    """What the card records of ``backbone`` on :func:`reference_input` (inference mode):
    per image, the first 8 pooled features and the sum of all of them, rounded to 6
    decimals. Equal (to 1e-4) for the model that was saved and the one loaded."""
    check_model(backbone, "backbone")
    size = int(backbone.input.shape[1])
    features = np.asarray(backbone(reference_input(size), training=False), dtype=np.float64)
    pooled = features.reshape(len(features), -1, features.shape[-1]).mean(axis=1)
    return {
        "first_8": np.round(pooled[:, :8], 6).tolist(),
        "sum": np.round(pooled.sum(axis=1), 6).tolist(),
    }


# --------------------------------------------------------------------------- backbones


def _check_pooling(pooling):
    return check_choice(pooling, POOLINGS, "pooling")


def _pooled(model, pooling, name: str):
    if pooling is None:
        return model
    layer = (
        keras.layers.GlobalAveragePooling2D if pooling == "avg" else keras.layers.GlobalMaxPooling2D
    )
    return keras.Model(model.input, layer(name=f"{pooling}_pool")(model.output), name=name)


def _load_exactly(model, path: Path) -> None:
    """``model.load_weights(path)``, refusing a file that does not fit every layer: Keras
    raises for some mismatches but only warns for others (and leaves those layers freshly
    initialised), so its saving warnings are turned into the ``ValueError`` too."""
    fits = _(
        "{name} does not fit inception_resnet_v2(include_top=False, width={width}, depth={depth})"
    ).format(name=path.name, width=ARCHITECTURE["width"], depth=ARCHITECTURE["depth"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            model.load_weights(path)
        except ValueError as error:
            raise ValueError(f"{fits}: {error}") from None
    for warning in caught:
        if "saving" in Path(warning.filename).parts:  # keras/src/saving/...
            raise ValueError(f"{fits}: {warning.message}")
        warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)


def course_backbone(input_shape=(75, 75, 3), weights="course", pooling=None, directory=None):
    """The course's pretrained Inception-ResNet-v2 without its top, as a ``keras.Model``.

    Args:
        input_shape: (height, width, 3), at least 75x75; the weights are convolutions, so
            they fit any such size (they were learnt at 75x75).
        weights: ``"course"`` loads the shipped weights (made by
            ``scripts/pretrain_backbone.py`` on the held-out photographs); ``None`` gives
            the same network freshly initialised, for "from scratch".
        pooling: ``None`` (the last feature map, ``conv2d_7b_1x1``: 1 x 1 x 384 at 75x75),
            ``"avg"`` or ``"max"`` (a 384-vector), as ``keras.applications`` takes it.
        directory: where the weights lie (default the package's ``weights/`` folder).

    The network is ``inception_resnet_v2(include_top=False, **ARCHITECTURE)``; Keras
    matches the file's weights to its layers by name, and a file made for another
    architecture is refused with a ``ValueError``.
    """
    check_choice(weights, ("course", None), "weights")
    input_shape = check_input_shape(input_shape, 75, N_("the course backbone"))
    if input_shape[2] != 3:
        raise ValueError(
            _(
                "input_shape must have 3 channels (RGB), as the course weights were learnt on. "
                "Received: input_shape={input_shape!r}"
            ).format(input_shape=input_shape)
        )
    _check_pooling(pooling)
    model = inception_resnet_v2(
        input_shape=input_shape,
        include_top=False,
        width=ARCHITECTURE["width"],
        depth=ARCHITECTURE["depth"],
    )
    if weights == "course":
        path = weights_path(directory)
        if not path.is_file():
            raise FileNotFoundError(
                _(
                    "The course backbone's weights are missing ({path}). Run "
                    "python scripts/pretrain_backbone.py, or pass weights=None."
                ).format(path=path)
            )
        _load_exactly(model, path)
    return _pooled(model, pooling, model.name)


def _keras_home() -> Path:
    return Path(os.environ.get("KERAS_HOME", Path.home() / ".keras"))


def _cached_imagenet() -> bool:
    return any(
        (home / "models" / _IMAGENET_NOTOP).is_file()
        for home in (_keras_home(), Path(tempfile.gettempdir()) / ".keras")
    )


def _reachable(host: str, timeout: float) -> bool:
    """Whether a TCP connection to ``host``:443 opens within ``timeout`` seconds, name
    lookup included (run in a daemon thread, since a lookup has no timeout of its own)."""
    import socket

    result = []

    def probe():
        try:
            with socket.create_connection((host, 443), timeout=timeout):
                result.append(True)
        except OSError:
            result.append(False)

    thread = threading.Thread(target=probe, daemon=True)
    thread.start()
    thread.join(timeout)
    return bool(result and result[0])


def imagenet_available(timeout: float = 3.0) -> tuple:
    """``(True, why)`` when ``source_backbone`` can have the ImageNet weights: a copy is in
    Keras' cache, or the download host answers within ``timeout`` seconds. ``(False,
    why)`` otherwise, also when the environment sets ``INCEPTION_EDU_OFFLINE=1`` (for
    runs that must not depend on the network, such as stored notebook outputs)."""
    timeout = check_number(timeout, "timeout", 0, 60, open_min=True)
    if os.environ.get(_OFFLINE_ENV, "") not in ("", "0"):
        return False, _("{variable} is set").format(variable=_OFFLINE_ENV)
    if _cached_imagenet():
        return True, _("found in Keras' cache")
    if _reachable(IMAGENET_HOST, timeout):
        return True, _("{host} is reachable").format(host=IMAGENET_HOST)
    return False, _("{host} did not answer within {timeout:g} s").format(
        host=IMAGENET_HOST, timeout=timeout
    )


def source_backbone(weights="imagenet", input_shape=(75, 75, 3), pooling=None, timeout=3.0):
    """The source's backbone: ``keras.applications.InceptionResNetV2(include_top=False)``.

    With ``weights="imagenet"`` it needs the released weights (a 219 MB download, or a
    copy in Keras' cache): the host is checked first (at most ``timeout`` seconds, since
    Keras' own download has no timeout and would hang a notebook offline), and when they
    cannot be had this raises :class:`WeightsUnavailableError` saying so and that the
    course backbone (:func:`course_backbone`) is used instead. ``weights=None`` builds the
    full network untrained (no download). The returned model takes images in [0, 1], as
    the course's loader gives them: a ``Rescaling`` layer maps them to the [-1, 1] the
    released weights were trained on, then the Keras network follows as one layer.
    """
    check_choice(weights, ("imagenet", None), "weights")
    input_shape = check_input_shape(input_shape, 75, "InceptionResNetV2")
    _check_pooling(pooling)
    if weights == "imagenet":
        available, why = imagenet_available(timeout)
        if not available:
            raise WeightsUnavailableError(
                _(
                    "ImageNet weights for InceptionResNetV2 are unavailable offline ({why}). "
                    "{fallback}"
                ).format(why=why, fallback=_(_FALLBACK))
            )
    try:
        network = keras.applications.InceptionResNetV2(
            include_top=False, weights=weights, input_shape=input_shape, pooling=pooling
        )
    except Exception as error:  # the download failed after all (keras raises Exception)
        if weights is None:
            raise
        raise WeightsUnavailableError(
            _(
                "ImageNet weights for InceptionResNetV2 could not be downloaded ({error}). "
                "{fallback}"
            ).format(error=f"{type(error).__name__}: {error}", fallback=_(_FALLBACK))
        ) from error
    # The released weights expect pixels in [-1, 1] (Keras' preprocess_input for this
    # network); the course's images are in [0, 1], so the model rescales them itself.
    inputs = keras.Input(input_shape, name="images_0_1")
    scaled = keras.layers.Rescaling(2.0, offset=-1.0, name="to_minus_1_1")(inputs)
    return keras.Model(inputs, network(scaled), name=network.name)


def pretrained_backbone(input_shape=(75, 75, 3), pooling=None, timeout=3.0) -> tuple:
    """``(model, note)``: ImageNet's InceptionResNetV2 when it can be had, else the course
    backbone; ``note`` says in one sentence which one and why (for a notebook to print)."""
    try:
        model = source_backbone("imagenet", input_shape, pooling, timeout)
    except WeightsUnavailableError as error:
        return course_backbone(input_shape, "course", pooling), str(error)
    return model, _("Using keras.applications.InceptionResNetV2 with its ImageNet weights.")


def with_head(backbone, classes: int, name: str | None = None):
    """The source's model: ``backbone`` (without top), a global average pool when its
    output is a feature map, and a softmax ``Dense(classes)`` named ``predictions``."""
    check_model(backbone, "backbone")
    classes = check_int(classes, "classes", 2)
    features = backbone.output
    if len(features.shape) == 4:
        features = keras.layers.GlobalAveragePooling2D(name="avg_pool")(features)
    # float32 under a mixed-precision policy too (device.py): a float16 softmax overflows
    outputs = keras.layers.Dense(
        classes, activation="softmax", name="predictions", dtype="float32"
    )(features)
    return keras.Model(backbone.input, outputs, name=name or f"{backbone.name}_{classes}")


# --------------------------------------------------------------------------- pretext data


@dataclass(frozen=True, eq=False)
class PretextData:
    """Pretext patches: ``x`` float32 in [0, 1] (N, size, size, 3), ``y`` int labels,
    ``class_names`` (``"camera@90"``: the cameraman turned by 90 degrees)."""

    x: np.ndarray
    y: np.ndarray
    class_names: tuple
    task: str

    def __repr__(self) -> str:
        return f"PretextData(x={self.x.shape}, classes={len(self.class_names)}, task={self.task!r})"


def scenes() -> dict:
    """Scene name -> the held-out photographs showing it. The motorcycle stereo pair is
    one scene (its two halves are nearly the same picture, so telling them apart would
    be noise, not a feature); every other photograph is its own: 9 scenes."""
    grouped: dict = {}
    for source in PRETRAINING_PHOTOS:
        grouped.setdefault(source.name.split("_")[0], []).append(source)
    return grouped


def _pretext_patch(photo: Image.Image, rng: np.random.Generator, size: int) -> np.ndarray:
    """A square crop of 12-60 % of the shorter side (log-uniform, so small and large scales
    are equally common; at least 32 pixels), resized to ``size``, mirrored half the time,
    brightness x0.8-1.2 and contrast x0.85-1.15 (as the course folder's patches)."""
    width, height = photo.size
    short = min(width, height)
    side = max(short * math.exp(rng.uniform(math.log(0.12), math.log(0.6))), min(32, short))
    left, top = rng.uniform(0, width - side), rng.uniform(0, height - side)
    mirror = rng.random() < 0.5
    brightness, contrast = rng.uniform(0.8, 1.2), rng.uniform(0.85, 1.15)
    box = (left, top, left + side, top + side)
    patch = photo.resize((size, size), Image.Resampling.BILINEAR, box=box)
    values = np.asarray(patch.convert("RGB"), dtype=np.float32)
    if mirror:
        values = values[:, ::-1]
    mean = values.mean()
    values = (values - mean) * contrast + mean * brightness
    return np.clip(values, 0, 255).round() / 255.0


def pretext_patches(
    per_scene: int = 800, size: int = 75, seed: int = 0, task: str = "scene_rotation"
) -> PretextData:
    """Patches of the held-out photographs, labelled for the pretext task.

    Each of the 9 :func:`scenes` gives ``per_scene`` random patches (:func:`_pretext_patch`:
    several scales, mirrored, brightness and contrast changed; a scene of two photographs
    draws each patch from one of them at random). With ``task="scene_rotation"`` each
    patch is also turned by a random multiple of 90 degrees and labelled (scene, turn): 36
    classes; with ``task="scene"`` it is not turned and labelled by scene: 9 classes.
    Deterministic: each scene has its own random stream from ``seed``; the rows are then
    shuffled with ``seed``.
    """
    per_scene = check_int(per_scene, "per_scene", 1, 100_000)
    size = check_int(size, "size", 16, 512)
    seed = check_int(seed, "seed", 0)
    check_choice(task, PRETEXT_TASKS, "task")
    turns = 4 if task == "scene_rotation" else 1
    grouped = scenes()
    x = np.empty((len(grouped) * per_scene, size, size, 3), np.float32)
    y = np.empty(len(x), np.int64)
    names = []
    for index, (scene, sources) in enumerate(grouped.items()):
        names += [f"{scene}@{90 * k}" if turns > 1 else scene for k in range(turns)]
        rng = np.random.default_rng([seed, index])
        photos = [open_photo(source) for source in sources]
        for i in range(per_scene):
            photo = photos[int(rng.integers(len(photos)))]
            turn = int(rng.integers(turns))
            row = index * per_scene + i
            x[row] = np.rot90(_pretext_patch(photo, rng, size), turn)
            y[row] = index * turns + turn
    order = np.random.default_rng(seed).permutation(len(x))
    return PretextData(x[order], y[order], tuple(names), task)


# --------------------------------------------------------------------------- pretraining


def pretrain(
    epochs: int = 10,
    per_scene: int = 800,
    val_per_scene: int = 40,
    seed: int = 0,
    task: str = "scene_rotation",
    recipe: Recipe | None = None,
    batch_size: int = 64,
    checkpoint_dir=None,
    verbose: int = 0,
) -> tuple:
    """Pretrain the course backbone on the pretext task; returns ``(backbone, history, info)``.

    The backbone (``inception_resnet_v2(include_top=False, **ARCHITECTURE)``) gets the
    source's head (:func:`with_head`) for the task's classes and is trained by the course's
    runner (:func:`inception_edu.training.run`) with ``recipe`` (default: the source's Adam,
    learning rate 0.001, batch 64, with a cosine decay to zero so the last epochs settle).
    Validation patches are drawn from the same photographs with another seed. ``info``
    holds what the card records about the run.
    """
    epochs = check_int(epochs, "epochs", 1)
    seed = check_int(seed, "seed", 0)
    recipe = check_recipe(recipe, default=PRETRAINING_RECIPE)
    batch_size = check_int(batch_size, "batch_size", 1)
    start = time.perf_counter()
    train = pretext_patches(per_scene, ARCHITECTURE["input_shape"][0], seed, task)
    val = pretext_patches(val_per_scene, ARCHITECTURE["input_shape"][0], seed + 10_000, task)
    made = {}

    def build():
        backbone = course_backbone(ARCHITECTURE["input_shape"], weights=None)
        made["backbone"] = backbone
        return with_head(backbone, len(train.class_names), name="course_pretraining")

    history = run(
        build,
        (train.x, train.y),
        (val.x, val.y),
        recipe,
        epochs,
        batch_size=batch_size,
        seed=seed,
        checkpoint_dir=checkpoint_dir,
        verbose=verbose,
    )
    logs = history.history
    info = {
        "task": task,
        "classes": list(train.class_names),
        "images": {
            "scenes": {k: [s.name for s in v] for k, v in scenes().items()},
            "train_patches": int(len(train.x)),
            "val_patches": int(len(val.x)),
        },
        "epochs": epochs,
        "batch_size": batch_size,
        "seed": seed,
        "recipe": recipe.to_config(),
        "final_train_accuracy": round(float(logs["accuracy"][-1]), 4),
        "final_val_accuracy": round(float(logs["val_accuracy"][-1]), 4),
        "chance_accuracy": round(1 / len(train.class_names), 4),
        "wall_seconds": round(time.perf_counter() - start, 1),
    }
    return made["backbone"], history, info


# --------------------------------------------------------------------------- transfer


@dataclass(frozen=True)
class TransferCheck:
    """Validation accuracy after fine-tuning, per seed, from each start (``"course"``,
    ``"scratch"``): ``accuracy`` as trained, ``recalibrated`` the same networks after
    their batch-norm statistics were recomputed on the training images
    (:func:`settle_batch_norm`; empty if not asked), which separates what the
    features give from what the statistics give. ``histories`` holds each run's
    per-epoch logs."""

    seeds: tuple
    epochs: int
    accuracy: dict  # start -> (final validation accuracy per seed)
    histories: dict  # (start, seed) -> {metric: [per epoch]}
    wall_seconds: float
    recalibrated: dict = field(default_factory=dict)  # start -> (accuracy per seed)

    def mean(self, start: str) -> float:
        return float(np.mean(self.accuracy[start]))

    def gain(self) -> tuple:
        """Course minus scratch, per seed (both starts must have been run)."""
        return tuple(
            round(c - s, 4)
            for c, s in zip(self.accuracy["course"], self.accuracy["scratch"], strict=True)
        )

    def table(self) -> Table:
        def row(label, values):
            return (label, *(f"{a:.1%}" for a in values), f"{np.mean(values):.1%}")

        def start(name):
            return _(_START_WORDS[name]) if name in _START_WORDS else name

        recalibrated = _("{start}, BN recalibrated")
        rows = [row(start(s), values) for s, values in self.accuracy.items()]
        rows += [row(recalibrated.format(start=start(s)), v) for s, v in self.recalibrated.items()]
        seed = _("seed {seed}")
        return Table(
            (_("start"), *(seed.format(seed=s) for s in self.seeds), _("mean")),
            tuple(rows),
            title=_("validation accuracy after {epochs} epoch(s) of fine-tuning").format(
                epochs=self.epochs
            ),
        )

    def to_dict(self) -> dict:
        return {
            "seeds": list(self.seeds),
            "epochs": self.epochs,
            "val_accuracy": {k: list(v) for k, v in self.accuracy.items()},
            "val_accuracy_bn_recalibrated": {k: list(v) for k, v in self.recalibrated.items()},
            "wall_seconds": self.wall_seconds,
        }


def _check_folder_data(data, images_per_class: int):
    """``data`` as an ImageFolder of 75x75 images; ``None``: the course folder, written to
    a temporary folder with ``images_per_class`` images per class and read back."""
    if data is None:
        with tempfile.TemporaryDirectory() as tmp:
            folder = write_course_folder(Path(tmp) / "folder", images_per_class=images_per_class)
            return load_image_folder(folder, size=75, verbose=False)
    if not isinstance(data, ImageFolder):
        raise ValueError(
            _(
                "data must be an ImageFolder (load_image_folder) or None for the course folder. "
                "Received: {kind}"
            ).format(kind=type(data).__name__)
        )
    if tuple(data.x.shape[1:]) != ARCHITECTURE["input_shape"]:
        raise ValueError(
            _(
                "data must hold images of {shape} (load_image_folder(..., size=75)). Received "
                "images of {received}"
            ).format(shape=ARCHITECTURE["input_shape"], received=tuple(data.x.shape[1:]))
        )
    return data


def _fine_tune(split, begin: str, recipe, epochs, batch_size, seed, directory, verbose):
    """One run of :func:`transfer_check`: the course backbone with the source's head, from
    the course weights (``begin="course"``) or from scratch; returns (its logs, model)."""
    built = []

    def build():
        backbone = course_backbone(
            weights="course" if begin == "course" else None, directory=directory
        )
        built.append(with_head(backbone, split.num_classes, name=f"from_{begin}"))
        return built[-1]

    history = run(build, split, None, recipe, epochs, batch_size, seed, verbose=verbose)
    logs = {name: [float(v) for v in values] for name, values in history.history.items()}
    return logs, built[-1]


def _settled_accuracy(model, split, batch_size: int) -> float:
    """Validation accuracy after :func:`settle_batch_norm` on the training images."""
    settle_batch_norm(model, split.x_train, max_images=512)
    predicted = predict(model, split.x_val, batch_size)
    return round(float(np.mean(np.argmax(predicted, axis=1) == split.y_val)), 4)


def transfer_check(
    data=None,
    seeds=(0, 1, 2),
    epochs: int = 8,
    val_fraction: float = 0.25,
    batch_size: int = 64,
    recipe: Recipe = SOURCE_RECIPE,
    images_per_class: int = 40,
    directory=None,
    starts=("course", "scratch"),
    recalibrate: bool = True,
    verbose: int = 0,
) -> TransferCheck:
    """Fine-tune on an image folder from the course weights and from scratch; same seeds,
    same budget. Returns each seed's final validation accuracy for both starts.

    ``data`` is an :class:`~inception_edu.data.ImageFolder` at 75x75, or ``None`` for the
    course folder (``write_course_folder`` in a temporary folder, ``images_per_class``
    images per class). For each seed: ``data.split(val_fraction, seed)``, then the same
    network (the course backbone + the source's softmax head, :func:`with_head`) trained
    by the course's runner with the source's recipe (Adam 0.001, batch 64), every layer
    trainable, for ``epochs`` epochs, from each of ``starts``: ``"course"`` (the shipped
    weights) and ``"scratch"`` (a fresh initialisation). Each run is seeded with the seed,
    so both starts see the same batches in the same order and start from the same head
    (the backbone is initialised before the course weights replace it).
    ``histories[start, seed]`` holds each run's per-epoch ``accuracy``, ``loss``,
    ``val_accuracy`` and ``val_loss``. Each run traces its training step anew on top of its
    epochs; the wall time is returned (``TransferCheck.wall_seconds``).

    At short budgets, part of the gap is batch normalisation: a fresh network's moving
    averages (momentum 0.99) still remember their initial values after a few dozen steps,
    so its validation accuracy (inference mode) lags its training accuracy, while the
    course weights bring statistics of photographs with them. With ``recalibrate=True``
    each trained network is also scored after :func:`settle_batch_norm` on its
    training images (``TransferCheck.recalibrated``): what is left of the gap then is
    what the pretrained features give.
    """
    seeds = check_seeds(seeds)
    if isinstance(starts, str) or not starts or any(s not in _STARTS for s in starts):
        raise ValueError(
            _("starts must be a non-empty tuple of {allowed}. Received: starts={starts!r}").format(
                allowed=_STARTS, starts=starts
            )
        )
    epochs = check_int(epochs, "epochs", 1)
    batch_size = check_int(batch_size, "batch_size", 1)
    images_per_class = check_int(images_per_class, "images_per_class", 2, 1000)
    check_recipe(recipe)
    recalibrate = check_flag(recalibrate, "recalibrate")
    check_choice(verbose, (0, 1, 2), "verbose")
    began = time.perf_counter()
    data = _check_folder_data(data, images_per_class)
    accuracy = {begin: [] for begin in dict.fromkeys(starts)}
    recalibrated = {begin: [] for begin in accuracy} if recalibrate else {}
    histories = {}
    for seed in seeds:
        split = data.split(val_fraction, seed)
        for begin in accuracy:
            logs, model = _fine_tune(
                split, begin, recipe, epochs, batch_size, seed, directory, verbose
            )
            accuracy[begin].append(round(logs["val_accuracy"][-1], 4))
            histories[begin, seed] = logs
            if recalibrate:
                recalibrated[begin].append(_settled_accuracy(model, split, batch_size))
    return TransferCheck(
        seeds,
        epochs,
        {k: tuple(v) for k, v in accuracy.items()},
        histories,
        round(time.perf_counter() - began, 1),
        {k: tuple(v) for k, v in recalibrated.items()},
    )

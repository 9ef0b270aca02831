"""Data-parallel training on one machine, as notebook 10 teaches it.

``tf.distribute.MirroredStrategy`` keeps one copy (replica) of the model on each device,
splits every global batch between them, and sums the replicas' gradients (an all-reduce)
before one identical update on every copy. With two logical CPU devices a laptop runs
exactly the code a multi-GPU machine runs, so the course can check that the distributed
run is the single-device run (within floating-point rounding) and show where it is not:

- :func:`split_cpu` makes the one physical CPU appear as ``n`` logical devices. TensorFlow
  allows this only before it initialises its devices, so it is the first thing a
  notebook or script does with TensorFlow;
- :func:`synchronize_batch_norm` makes every batch-norm layer of a model compute its
  batch statistics over the global batch (all replicas together) rather than over each
  replica's half. Keras' ``BatchNormalization(synchronized=True)`` does this with the
  TensorFlow backend; without it, a replica normalises with the mean and variance of its
  own share of the batch, and the distributed run is a different computation;
- :func:`train_arms` trains each arm (a model, and the strategy it was built under) from
  the same initial weights for every seed through :func:`~inception_edu.training.run`,
  timing every epoch; :func:`relative_gaps` measures how far each arm's curve lies from a
  reference arm's, and :func:`seconds_per_epoch` how long each arm's epochs took.

Two logical devices bring a CPU no new arithmetic: they share its cores, which
TensorFlow already spreads each operation of the one-device run over. Splitting the batch
adds work (twice the operations, each on half the images, and the all-reduce), so the
two-device arms are no faster per epoch (notebook 10 measures it); on real GPUs each
device brings its own arithmetic.
"""

from __future__ import annotations

import time

import numpy as np

from inception_edu.backend import keras, tf
from inception_edu.i18n import _
from inception_edu.keras_build.weights import reinitialize
from inception_edu.spec.checks import check_flag, check_int, check_seeds
from inception_edu.training.recipe import Recipe
from inception_edu.training.runner import run

__all__ = [
    "EpochTimer",
    "relative_gaps",
    "seconds_per_epoch",
    "split_cpu",
    "synchronize_batch_norm",
    "train_arms",
]


def split_cpu(devices: int = 2) -> list[str]:
    """Show the first physical CPU to TensorFlow as ``devices`` logical CPU devices and
    return their names (``["/device:CPU:0", "/device:CPU:1"]``).

    Must run before TensorFlow initialises its devices (before the first tensor, model or
    strategy). Called again with the same number it changes nothing; a different number
    after initialisation is a ``ValueError`` saying to restart the kernel.
    """
    devices = check_int(devices, "devices", 1)
    cpu = tf.config.list_physical_devices("CPU")[0]
    configured = tf.config.get_logical_device_configuration(cpu)
    if configured is None or len(configured) != devices:
        try:
            tf.config.set_logical_device_configuration(
                cpu, [tf.config.LogicalDeviceConfiguration() for _device in range(devices)]
            )
        except RuntimeError as error:  # devices already initialised
            have = len(tf.config.list_logical_devices("CPU"))
            raise ValueError(
                _(
                    "split_cpu({devices}) must run before TensorFlow initialises its devices; "
                    "they are already initialised with {have} logical CPU device(s). Restart "
                    "the kernel and call it first."
                ).format(devices=devices, have=have)
            ) from error
    return [device.name for device in tf.config.list_logical_devices("CPU")]


def synchronize_batch_norm(model, synchronized: bool = True):
    """Set ``synchronized`` on every ``BatchNormalization`` layer of ``model`` (nested
    models included) and return ``model``.

    Keras reads the flag when the layer is called, so set it before the model is compiled
    and its training step traced. Under a distribution strategy the batch mean and
    variance are then all-reduced across replicas; on one device nothing changes. The
    weights, and so the parameter counts and the saved checkpoints, are unaffected.
    """
    if not isinstance(model, keras.Model):
        raise ValueError(
            _("model must be a keras.Model. Received: {kind}").format(kind=type(model).__name__)
        )
    synchronized = check_flag(synchronized, "synchronized")
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            synchronize_batch_norm(layer, synchronized)
        elif isinstance(layer, keras.layers.BatchNormalization):
            layer.synchronized = synchronized
    return model


class EpochTimer(keras.callbacks.Callback):
    """The wall-clock seconds of every epoch of a ``fit``, appended to ``seconds``."""

    def __init__(self):
        super().__init__()
        self.seconds: list = []
        self._start = None

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self._start)


def train_arms(arms: dict, train, val, recipe: Recipe, epochs: int, batch_size: int, seeds):
    """Train every arm once per seed; return ``{label: [history dict per seed]}``, each
    history with the seconds of every epoch under ``"seconds"`` (:class:`EpochTimer`).

    ``arms``: ``{label: (model, strategy)}``, each ``model`` a ``keras.Model`` built inside
    its ``strategy``'s scope (``None``: one device). Before each run the model's weights
    are redrawn by :func:`~inception_edu.keras_build.weights.reinitialize` from
    the seed and the layers' names, so models of one spec start every seed from the same
    weights whatever device they live on; the runner then reuses each model's traced
    training step from the second seed on.
    """
    if not isinstance(arms, dict) or not arms:
        raise ValueError(
            _(
                "arms must be a non-empty dict {{label: (model, strategy)}}. Received: {arms!r:.80}"
            ).format(arms=arms)
        )
    seeds = check_seeds(seeds)
    runs: dict = {label: [] for label in arms}
    for seed in seeds:
        for label, arm in arms.items():
            if not (isinstance(arm, tuple) and len(arm) == 2):
                raise ValueError(
                    _(
                        "Each arm must be a (model, strategy) pair. Received for {label!r}: "
                        "{arm!r:.80}"
                    ).format(label=label, arm=arm)
                )
            model, strategy = arm
            reinitialize(model, seed)
            timer = EpochTimer()
            history = run(
                model,
                train,
                val,
                recipe,
                epochs,
                batch_size,
                seed=seed,
                callbacks=[timer],
                strategy=strategy,
            )
            runs[label].append({**history.history, "seconds": timer.seconds})
    return runs


def seconds_per_epoch(runs: dict) -> dict:
    """``{label: seconds of its fastest epoch}`` of :func:`train_arms`' runs.

    A run's first epoch is left out when the run has more than one: it also builds the
    run's input pipeline (and, for the first seed, traces the training step). The fastest
    of the rest, because other work on the machine only ever slows an epoch down.
    """
    if not isinstance(runs, dict) or not runs:
        raise ValueError(
            _("runs must be train_arms' non-empty dict. Received: {runs!r:.80}").format(runs=runs)
        )
    fastest = {}
    for label, histories in runs.items():
        try:
            seconds = [s for h in histories for s in (h["seconds"][1:] or h["seconds"])]
        except (KeyError, TypeError) as error:
            raise ValueError(
                _(
                    "Every run of {label!r} must have its epochs' 'seconds' (train_arms times "
                    "them). Received: {histories!r:.80}"
                ).format(label=label, histories=histories)
            ) from error
        if not seconds:
            raise ValueError(_("{label!r} has no timed epoch.").format(label=label))
        fastest[label] = float(min(seconds))
    return fastest


def relative_gaps(runs: dict, reference: str, metric: str = "loss") -> dict:
    """``{label: array (seeds, epochs)}``: ``|metric - reference's| / |reference's|`` per
    seed and epoch, for every arm of ``runs`` (:func:`train_arms`) but ``reference``."""
    if not isinstance(runs, dict) or reference not in runs:
        shown = list(runs) if isinstance(runs, dict) else type(runs).__name__
        raise ValueError(
            _("reference must be one of the runs' labels {shown}. Received: {reference!r}").format(
                shown=shown, reference=reference
            )
        )
    base = _curves(runs[reference], metric, reference)
    gaps = {}
    for label, histories in runs.items():
        if label == reference:
            continue
        curves = _curves(histories, metric, label)
        if curves.shape != base.shape:
            raise ValueError(
                _(
                    "{label!r} has {shape} (seeds, epochs) of {metric!r}, "
                    "{reference!r} has {base}: train both for the same seeds and epochs."
                ).format(
                    label=label,
                    shape=curves.shape,
                    metric=metric,
                    reference=reference,
                    base=base.shape,
                )
            )
        gaps[label] = np.abs(curves - base) / np.abs(base)
    return gaps


def _curves(histories, metric: str, label: str) -> np.ndarray:
    try:
        return np.asarray([h[metric] for h in histories], dtype=float)
    except (KeyError, TypeError) as error:
        raise ValueError(
            _("Every run of {label!r} must log {metric!r}. Received: {histories!r:.80}").format(
                label=label, metric=metric, histories=histories
            )
        ) from error

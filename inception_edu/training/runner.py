"""One runner for every training in the course: :func:`run` (the DESIGN contract).

``run(model, train, val, recipe, epochs)`` compiles ``model`` with the recipe and fits it,
from numpy arrays or ``tf.data``, optionally under a ``tf.distribute`` strategy, and, with
a ``checkpoint_dir``, survives being killed: run it again and it resumes after the last
completed epoch (see :mod:`inception_edu.training.checkpoint` for the format).

**Resuming.** Run again with the same ``checkpoint_dir`` after an interruption and
training resumes after the last completed epoch (weights and optimizer state restored, no
epoch lost or repeated); a complete run returns its stored history without training. A
directory written for a different model or recipe is a ``ValueError``; more ``epochs`` than
a finished run had continue it (a cosine schedule is then spread over the new total). A
resumed run is not bit-identical to an uninterrupted one: the remaining epochs see another
shuffling order.

**Targets.** Integer labels become one-hot with K = the main output's units, and every
output of a multi-output model gets the same targets under its name. The recipe's label
smoothing is applied to the *training* targets only: the validation loss stays the true
cross-entropy, comparable between runs with and without smoothing.

**A fresh optimizer, and a reused trace.** Each call starts a fresh optimizer (its state
zero, the schedule counted from step 0): to continue a run later, give it a
``checkpoint_dir`` and call again with more ``epochs``. A ``keras.Model`` that ``run``
compiled before, for the same recipe, steps per epoch and epochs (and not compiled since),
is not compiled again: its optimizer is reset to that fresh state and Keras keeps the
training step it traced, which saves the trace (under a strategy too, for a model built in
its scope). Re-initialise its weights yourself between runs; the result is the run a fresh
compile would give. Given a ``tf.data`` input, such a run seeds Python and numpy but leaves
TensorFlow's global seed as it is: setting it clears TensorFlow's kernel cache, and the
traced step would be instantiated again (``benchmarks/training_speed.py`` measures what
that costs). The dataset must then draw its order and augmentation from its own seeds, as
:func:`~inception_edu.experiments.transfer.experiment.training_batches` does; given arrays,
the run resets every seed (Keras shuffles arrays with TensorFlow's).
"""

from __future__ import annotations

import contextlib
import math
import random
import weakref

import numpy as np

from inception_edu.backend import keras, tf
from inception_edu.data import Split
from inception_edu.data.stream import StreamSplit
from inception_edu.i18n import _
from inception_edu.spec.checks import check_int, checks_keywords
from inception_edu.training.checkpoint import CheckpointDir, EpochCheckpoint, fingerprint
from inception_edu.training.progress import TrainingProgress
from inception_edu.training.recipe import Recipe, check_recipe, main_classes, output_names

__all__ = ["build_training_state", "reset_optimizer", "run"]


# --------------------------------------------------------------------------- data


def _per_output(model, targets):
    names = output_names(model)
    return targets if len(names) == 1 else {name: targets for name in names}


def _check_x(model, x, what: str) -> None:
    expected = tuple(model.input.shape)
    shape = tuple(x.shape)
    fits = len(shape) == len(expected) and all(
        want is None or want == got for want, got in zip(expected[1:], shape[1:], strict=True)
    )
    if not fits:
        raise ValueError(
            _("{what} images must be shaped {expected} for {model}. Received shape {shape}").format(
                what=what, expected=("N", *expected[1:]), model=model.name, shape=shape
            )
        )


class _Data:
    """One of ``train``/``val``, ready for ``model.fit``: inputs, targets per output."""

    def __init__(self, model, value, what: str, recipe: Recipe, smooth: bool, batch_size: int):
        classes = main_classes(model)
        target_recipe = recipe if smooth else recipe.replace(label_smoothing=0.0)
        if isinstance(value, tf.data.Dataset):
            self.x, self.y = self._dataset(model, value, what, target_recipe, classes), None
            self.steps = self._cardinality(self.x, what)
            return
        if not isinstance(value, (tuple, list)) or len(value) != 2:
            raise ValueError(
                _(
                    "{what} must be a pair (x, y) of arrays or a batched "
                    "tf.data.Dataset of (x, y). Received: {kind}"
                ).format(what=what, kind=type(value).__name__)
            )
        x, y = np.asarray(value[0]), np.asarray(value[1])
        if x.dtype == object or x.ndim == 0 or len(x) == 0:
            raise ValueError(
                _(
                    "{what}: x must be a non-empty numeric array. Received {dtype} of shape {shape}"
                ).format(what=what, dtype=x.dtype, shape=x.shape)
            )
        finite = np.isfinite(x) if np.issubdtype(x.dtype, np.number) else None
        if finite is not None and not finite.all():
            raise ValueError(
                _(
                    "{what}: x must hold finite numbers (a NaN or infinity trains to NaN "
                    "weights). Received {bad} NaN or infinite values among {size}"
                ).format(what=what, bad=x.size - int(finite.sum()), size=x.size)
            )
        if len(x) != len(y):
            raise ValueError(
                _(
                    "{what}: x and y must have one row per example. Received "
                    "{images} images and {labels} labels"
                ).format(what=what, images=len(x), labels=len(y))
            )
        _check_x(model, x, what)
        try:
            targets = target_recipe.targets(y, classes)
        except ValueError as error:
            raise ValueError(f"{what}: {error}") from None
        self.x, self.y = x, _per_output(model, targets)
        self.steps = math.ceil(len(x) / batch_size)

    @staticmethod
    def _dataset(model, dataset, what: str, recipe: Recipe, classes: int):
        spec = dataset.element_spec
        if (
            not isinstance(spec, tuple)
            or len(spec) != 2
            or not all(isinstance(s, tf.TensorSpec) for s in spec)
        ):
            raise ValueError(
                _(
                    "{what} must yield (x, y) batches of tensors. Received element_spec {spec}"
                ).format(what=what, spec=spec)
            )
        x_spec, y_spec = spec
        if x_spec.shape.rank != len(model.input.shape):
            raise ValueError(
                _(
                    "{what} must be batched: x must be shaped {expected}. Received element "
                    "shape {shape} (call dataset.batch(n))"
                ).format(
                    what=what,
                    expected=("batch", *model.input.shape[1:]),
                    shape=tuple(x_spec.shape),
                )
            )
        rank = y_spec.shape.rank
        if rank == 1 and y_spec.dtype.is_integer:

            def one_hot(y):
                return tf.one_hot(y, classes, dtype=tf.float32)
        elif rank == 2 and y_spec.shape[-1] in (None, classes):

            def one_hot(y):
                return tf.cast(y, tf.float32)
        else:
            raise ValueError(
                _(
                    "{what}: y must be integer labels (batch,) or one-hot rows "
                    "(batch, {classes}). Received {spec}"
                ).format(what=what, classes=classes, spec=y_spec)
            )
        epsilon = recipe.label_smoothing

        def convert(x, y):
            targets = one_hot(y) * (1.0 - epsilon) + epsilon / classes
            return x, _per_output(model, targets)

        return dataset.map(convert, num_parallel_calls=tf.data.AUTOTUNE)

    @staticmethod
    def _cardinality(dataset, what: str) -> int:
        count = int(dataset.cardinality())
        if count == tf.data.INFINITE_CARDINALITY:
            raise ValueError(
                _(
                    "{what} must be a finite dataset (one pass = one epoch). "
                    "Received an infinite one (dataset.repeat()?)"
                ).format(what=what)
            )
        if count == tf.data.UNKNOWN_CARDINALITY:  # e.g. after filter(): count one pass
            count = int(dataset.reduce(np.int64(0), lambda n, _unused: n + 1))
        if count < 1:
            raise ValueError(
                _("{what} must hold at least one batch. Received an empty one").format(what=what)
            )
        return count


def _check_run(epochs, batch_size, seed, verbose) -> tuple:
    """:func:`run`'s numbers, checked: ``(epochs, batch_size, seed)``."""
    check_int(verbose, "verbose", 0, 2)
    epochs = check_int(epochs, "epochs", 1)
    return epochs, check_int(batch_size, "batch_size", 1), check_int(seed, "seed", 0)


def _parts(train, val, batch_size: int, seed: int):
    """``(train, val)``: a :class:`~inception_edu.data.Split` becomes its two parts, a
    :class:`~inception_edu.data.stream.StreamSplit` its two streams (the training one
    shuffled with ``seed``)."""
    if isinstance(val, (Split, StreamSplit)):
        raise ValueError(
            _(
                "val must be (x, y), a tf.data.Dataset or None; pass a {kind} as "
                "train (with val=None) to use its validation part."
            ).format(kind=type(val).__name__)
        )
    if isinstance(train, (Split, StreamSplit)) and val is not None:
        raise ValueError(
            _(
                "train is a {kind}, which carries its own validation part: "
                "pass val=None. Received a val as well."
            ).format(kind=type(train).__name__)
        )
    if isinstance(train, Split):
        return (train.x_train, train.y_train), (train.x_val, train.y_val)
    if isinstance(train, StreamSplit):
        return train.train_batches(batch_size, seed), train.val_batches(batch_size)
    if train is None:
        raise ValueError(_("train must be (x, y), a tf.data.Dataset or a Split. Received: None"))
    return train, val


# --------------------------------------------------------------------------- model


def _model(model, strategy, seed: int):
    if strategy is not None:
        if not isinstance(strategy, tf.distribute.Strategy):
            raise ValueError(
                _("strategy must be a tf.distribute.Strategy or None. Received: {kind}").format(
                    kind=type(strategy).__name__
                )
            )
        if isinstance(model, keras.Model) and not _built_under(model, strategy):
            raise ValueError(
                _(
                    "With a strategy, model must be a zero-argument function that builds the "
                    "model, or a keras.Model built inside this strategy's scope(): its "
                    "variables must be created there to be placed on every device. Received "
                    "a keras.Model built outside it ({name!r})."
                ).format(name=model.name)
            )
    if isinstance(model, keras.Model):
        return model
    if not callable(model):
        raise ValueError(
            _(
                "model must be a keras.Model or a zero-argument function that "
                "builds one. Received: {kind}"
            ).format(kind=type(model).__name__)
        )
    keras.utils.set_random_seed(seed)  # the same initial weights for the same seed
    if strategy is None:
        built = model()
    else:
        with strategy.scope():
            built = model()
    if not isinstance(built, keras.Model):
        raise ValueError(
            _("The model function must return a keras.Model. Received: {kind}").format(
                kind=type(built).__name__
            )
        )
    return built


def _built_under(model, strategy) -> bool:
    """Whether every variable of ``model`` was created inside ``strategy.scope()``."""
    extended = strategy.extended
    return all(extended.variable_created_in_scope(v.value) for v in model.variables)


def build_training_state(model, x, y) -> None:
    """Create the optimizer's variables and the loss/metric trackers before ``fit``.

    Without a distribution strategy Keras creates the metric trackers while it traces the
    first training step, and TensorFlow then traces that step a second time (a
    ``tf.function`` that created variables is retraced); building the optimizer alone does
    not prevent it. One eager forward pass on two examples, with the public
    ``compute_loss`` and ``compute_metrics``, creates them first: the training step is
    then traced once, not twice, which cuts the CPU time of a short run
    (``benchmarks/training_speed.py trace`` measures it on notebook 03's GoogLeNet with aux
    heads). Under a strategy Keras builds all of this itself.
    """
    model.optimizer.build(model.trainable_variables)
    if isinstance(x, tf.data.Dataset):
        specs = tf.nest.flatten(x.element_spec)
        if all(None not in spec.shape[1:] for spec in specs):  # reading could move its state
            x, y = tf.nest.map_structure(
                lambda spec: tf.zeros((2, *spec.shape[1:]), spec.dtype), x.element_spec
            )
        else:
            x, y = next(iter(x.take(1)))
    sample = slice(0, 2)
    first_x = x[sample]
    first_y = {name: v[sample] for name, v in y.items()} if isinstance(y, dict) else y[sample]
    y_pred = model(first_x, training=False)
    model.compute_loss(x=first_x, y=first_y, y_pred=y_pred)
    model.compute_metrics(first_x, first_y, y_pred, sample_weight=None)
    model.reset_metrics()


def _check_callbacks(callbacks) -> list:
    if isinstance(callbacks, keras.callbacks.Callback):
        callbacks = [callbacks]
    try:
        callbacks = list(callbacks)
    except TypeError:
        callbacks = [callbacks]
    wrong = [type(c).__name__ for c in callbacks if not isinstance(c, keras.callbacks.Callback)]
    if wrong:
        raise ValueError(
            _("callbacks must be keras.callbacks.Callback objects. Received: {wrong}").format(
                wrong=wrong
            )
        )
    return callbacks


# --------------------------------------------------------------------------- reuse

#: Models this module compiled, with what they were compiled for: ``model -> (recipe
#: config, steps per epoch, epochs, the optimizer made)``. Weak keys: nothing is kept alive.
_COMPILED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def reset_optimizer(optimizer, learning_rate=None) -> None:
    """Give ``optimizer`` a fresh optimizer's state: its step counter and every slot
    variable (momentum, Adam's moments...) back to zero; a constant learning rate set to
    ``learning_rate`` when given (a schedule restarts with the step counter)."""
    if not isinstance(optimizer, keras.optimizers.Optimizer):
        raise ValueError(
            f"optimizer must be a keras optimizer. Received: {type(optimizer).__name__}"
        )
    rate = optimizer.learning_rate  # a constant rate is one of the optimizer's variables
    for variable in optimizer.variables:
        if variable is not rate:
            variable.assign(np.zeros(variable.shape, dtype=variable.dtype))
    if learning_rate is not None:
        optimizer.learning_rate = learning_rate


def _compile_key(recipe: Recipe, steps: int, epochs: int) -> tuple:
    return (repr(recipe.to_config()), steps, epochs)


def _compile_or_reset(model, recipe: Recipe, steps: int, epochs: int, strategy) -> bool:
    """Compile ``model``, unless this module compiled it for the same recipe, steps and
    epochs and it has not been compiled since: then its optimizer is reset to a fresh
    one's state and Keras keeps the training step it already traced. Returns whether it
    was reused."""
    key = _compile_key(recipe, steps, epochs)
    known = _COMPILED.get(model)
    if known is not None and known[:3] == key and known[3] is model.optimizer:
        schedule = recipe.learning_rate_schedule(steps, epochs)
        reset_optimizer(model.optimizer, schedule if isinstance(schedule, float) else None)
        model.reset_metrics()
        return True
    recipe.compile(model, steps, epochs)
    model.optimizer.build(model.trainable_variables)
    _COMPILED[model] = (*key, model.optimizer)
    return False


def _resume(directory: CheckpointDir, model, recipe: Recipe, epochs: int, scope) -> int:
    """Restore the last completed epoch of ``directory`` into ``model``; return how many
    epochs are done (0 for a new directory). Refuses a directory of another model or recipe,
    or one that holds more epochs than ``epochs``."""
    directory.check_fingerprint(fingerprint(model, recipe))
    _columns, rows = directory.read_history()
    done = len(rows)
    if done > epochs:
        raise ValueError(
            _(
                "checkpoint_dir {path!r} holds {done} completed "
                "epochs, more than epochs={epochs}. Pass epochs >= {done}, or "
                "use a new directory."
            ).format(path=directory.path, done=done, epochs=epochs)
        )
    with scope():
        if done:
            directory.restore(model, done - 1)
    directory.clean(keep=done - 1 if done else None)
    return done


def _seed_run(seed: int, reused_with_dataset: bool) -> None:
    """Seed the run. A dataset shuffles itself: for a reused model, TensorFlow's global
    seed is left alone, since setting it clears TensorFlow's kernel cache and the traced
    step must then be instantiated again."""
    if reused_with_dataset:
        random.seed(seed)
        np.random.seed(seed)
    else:
        keras.utils.set_random_seed(seed)


def _fit_arguments(training: _Data, validation, batch_size: int) -> dict:
    """``model.fit``'s data arguments: arrays are batched and shuffled by Keras; a dataset
    carries its own targets and batches, shuffled (or not) by its pipeline."""
    if training.y is None:
        arguments = dict(x=training.x, shuffle=False)
    else:
        arguments = dict(x=training.x, y=training.y, batch_size=batch_size, shuffle=True)
    arguments["validation_data"] = None
    if validation is not None:
        arguments["validation_data"] = (
            validation.x if validation.y is None else (validation.x, validation.y)
        )
    return arguments


# --------------------------------------------------------------------------- run


@checks_keywords
def run(
    model,
    train,
    val,
    recipe: Recipe,
    epochs: int,
    batch_size: int = 64,
    seed: int = 0,
    checkpoint_dir=None,
    callbacks=(),
    strategy=None,
    verbose: int = 0,
    progress=None,
    label: str = "",
):
    """Compile ``model`` with ``recipe``, fit it for ``epochs``, return the history (how
    targets are made, resuming, and a model compiled by an earlier call: the module's doc).

    Args:
        model: a ``keras.Model``, or a zero-argument function that builds one (called
            after ``keras.utils.set_random_seed(seed)``, so the same seed gives the same
            initial weights). With a ``strategy``, a function (called inside its scope) or
            a model built inside ``strategy.scope()``, whose variables are mirrored.
        train: ``(x, y)`` numpy arrays, with ``y`` integer labels ``(N,)`` or one-hot rows
            ``(N, K)``; or a batched ``tf.data.Dataset`` of ``(x, y)`` (``batch_size`` is
            then the dataset's own); or an :class:`inception_edu.data.Split` or a
            :class:`~inception_edu.data.stream.StreamSplit` (a folder streamed, shuffled
            with ``seed``), with ``val=None``: its validation part is used.
        val: the same kinds as ``train`` (not a split), or ``None`` for no validation.
        recipe: a :class:`~inception_edu.training.Recipe`.
        epochs: the total number of epochs of the run, resumed ones included.
        batch_size: examples per step (under a strategy: over all devices together).
        seed: ``keras.utils.set_random_seed(seed)`` before fitting (shuffling, dropout).
        checkpoint_dir: ``None``, or a directory where every completed epoch is saved and
            appended to ``history.csv``, so a run resumes where it stopped (see
            **Resuming** in the module's docstring).
        callbacks: Keras callbacks; they run after the checkpoint of each epoch is saved.
        strategy: a ``tf.distribute.Strategy`` (``MirroredStrategy``, notebook 10) or None.
        verbose: Keras' ``fit`` verbosity (0 silent, 1 progress bar, 2 one line/epoch).
        progress: a bar for the run named ``label`` (:class:`~inception_edu.training.
            progress.TrainingProgress`): ``True``, ``False``, or ``None``, on where someone
            watches, never in a headless run such as nbval.

    Returns:
        A ``keras.callbacks.History``: ``history.history`` maps each logged metric to one
        value per epoch and ``history.epoch`` lists the epochs, from 0, all of them (with
        a ``checkpoint_dir``, the epochs read back from ``history.csv`` included).
    """
    recipe = check_recipe(recipe)
    epochs, batch_size, seed = _check_run(epochs, batch_size, seed, verbose)
    bar = TrainingProgress(label, progress)
    callbacks = _check_callbacks(callbacks)
    train, val = _parts(train, val, batch_size, seed)
    directory = CheckpointDir(checkpoint_dir) if checkpoint_dir is not None else None
    model = _model(model, strategy, seed)
    training = _Data(model, train, "train", recipe, smooth=True, batch_size=batch_size)
    validation = None
    if val is not None:
        validation = _Data(model, val, "val", recipe, smooth=False, batch_size=batch_size)
    scope = strategy.scope if strategy is not None else contextlib.nullcontext
    with scope():
        reused = _compile_or_reset(model, recipe, training.steps, epochs, strategy)
    done = 0
    if directory is not None:
        done = _resume(directory, model, recipe, epochs, scope)
        if done == epochs:
            return directory.history(model)
        callbacks = [EpochCheckpoint(directory), *callbacks]
    callbacks += [bar] if bar.enabled else []
    if strategy is None and not reused:
        build_training_state(model, training.x, training.y)
    _seed_run(seed, reused_with_dataset=reused and training.y is None)
    history = model.fit(
        **_fit_arguments(training, validation, batch_size),
        epochs=epochs,
        initial_epoch=done,
        callbacks=callbacks,
        verbose=verbose,
    )
    return history if directory is None else directory.history(model)

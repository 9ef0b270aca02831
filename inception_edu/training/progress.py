"""What a learner sees while a model trains: a progress bar per run, and before a
comparison's arms have run, an estimate of how long they will take.

Both are Keras callbacks that :func:`~inception_edu.training.run` and notebook 09's
comparisons add when progress is on (``progress=None``: where someone watches, never in
a headless run such as nbval; :func:`~inception_edu.data.progress.progress_enabled`).
``tqdm.keras.TqdmCallback`` draws one bar of epochs and a new bar of steps per epoch;
:class:`TrainingProgress` draws one bar for the whole run, its steps over all epochs,
with the run's label, the epoch and the last epoch's metrics, so that a comparison of
5 arms x 3 seeds shows 15 bars, not 15 x (epochs + 1).
"""

from __future__ import annotations

import math
import time

from inception_edu.backend import keras
from inception_edu.data.progress import progress_bar, progress_enabled
from inception_edu.i18n import _
from inception_edu.spec.checks import check_int

__all__ = ["SHOWN_METRICS", "TimeEstimate", "TrainingProgress", "time_estimate"]

#: The logs a bar shows after each epoch, those present, in this order.
SHOWN_METRICS = ("loss", "accuracy", "val_loss", "val_accuracy")


class TrainingProgress(keras.callbacks.Callback):
    """One ``tqdm.auto`` bar for one training run: its steps over the epochs it trains
    (``fit``'s ``epochs`` and ``steps``; epochs resumed from a checkpoint not counted),
    named ``label`` and the epoch, with the last epoch's :data:`SHOWN_METRICS`.

    ``progress``: ``True``, ``False`` or ``None`` (on where someone watches); off
    (``enabled`` false), the callback prints nothing.
    """

    def __init__(self, label: str = "", progress=None):
        super().__init__()
        if not isinstance(label, str):
            raise ValueError(
                _("label must be a string (the bar's name). Received: {label!r}").format(
                    label=label
                )
            )
        self.label = label
        self.enabled = progress_enabled(progress)
        self._bar = None

    def _describe(self, epoch: int) -> str:
        where = _("epoch {epoch}/{epochs}").format(epoch=epoch + 1, epochs=self.params["epochs"])
        return f"{self.label}, {where}" if self.label else where

    def on_epoch_begin(self, epoch, logs=None):
        if self._bar is None:  # the first epoch this run trains
            steps = self.params.get("steps")
            total = None if steps is None else (self.params["epochs"] - epoch) * steps
            self._bar = progress_bar(total, self._describe(epoch), "step", self.enabled)
        else:
            self._bar.set_description_str(self._describe(epoch), refresh=False)

    def on_train_batch_end(self, batch, logs=None):
        if self._bar is not None:
            self._bar.update(1)

    def on_epoch_end(self, epoch, logs=None):
        if self._bar is not None and logs:
            shown = [f"{k} {float(logs[k]):.3f}" for k in SHOWN_METRICS if k in logs]
            self._bar.set_postfix_str(", ".join(shown))

    def on_train_end(self, logs=None):
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def time_estimate(first_epoch_seconds: float, arms: int, seeds: int, epochs: int) -> str:
    """The line :class:`TimeEstimate` prints: ``"about N min for A arms x S seeds x E
    epochs (first epoch took T s)"``, N = T x A x S x E rounded up to a whole minute."""
    arms = check_int(arms, "arms", 1)
    seeds = check_int(seeds, "seeds", 1)
    epochs = check_int(epochs, "epochs", 1)
    seconds = float(first_epoch_seconds)
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(
            _("first_epoch_seconds must be a finite number >= 0. Received {seconds!r}").format(
                seconds=first_epoch_seconds
            )
        )
    minutes = max(1, math.ceil(seconds * arms * seeds * epochs / 60))
    return _(
        "about {minutes} min for {arms} arms x {seeds} seeds x {epochs} epochs "
        "(first epoch took {seconds:.0f} s)"
    ).format(minutes=minutes, arms=arms, seeds=seeds, epochs=epochs, seconds=seconds)


class TimeEstimate(keras.callbacks.Callback):
    """Prints :func:`time_estimate` once, when the first epoch that trains ends (an epoch
    read back from a checkpoint is not measured). Give the same object to every run of a
    comparison.

    The first epoch of a run also builds the network and traces its training step, so on
    a small folder (the course's, whose later epochs are short) the estimate is on the
    long side; on a learner's large folder the epochs dominate and it is close.
    ``progress``: as :class:`TrainingProgress`'s; off, nothing is printed.
    """

    def __init__(self, arms: int, seeds: int, epochs: int, progress=None):
        super().__init__()
        self.shape = (check_int(arms, "arms", 1), check_int(seeds, "seeds", 1))
        self.epochs = check_int(epochs, "epochs", 1)
        self.enabled = progress_enabled(progress)
        self.estimate = None  # the line, once the first epoch is measured
        self._start = None

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        if self.estimate is not None or self._start is None:
            return
        self.estimate = time_estimate(time.perf_counter() - self._start, *self.shape, self.epochs)
        if self.enabled:
            print(self.estimate, flush=True)

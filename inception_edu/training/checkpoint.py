"""Checkpoints that survive a killed process: one directory, one CSV row per epoch.

The layout of a checkpoint directory written by :func:`inception_edu.training.run`::

    run.json                      what was trained: model name, parameter count, output
                                  names and the recipe (a resumed run must match it)
    history.csv                   one row per completed epoch: ``epoch`` first, then every
                                  metric Keras logged; the row is the commit point
    epoch_0003.weights.npz        the model's variables (``model.weights``: weights and
                                  batch-norm statistics) after the last committed epoch
    epoch_0003.optimizer.npz      the optimizer's variables (step count, moments) then

At the end of every epoch (:class:`EpochCheckpoint`): the weights and the optimizer's
variables are written to temporary files, flushed to disk and renamed into place
(``os.replace``, atomic), *then* the epoch's row is appended to ``history.csv`` in one
write and flushed (``fsync``), then the previous epoch's files are deleted. A process
killed at any moment leaves either the old row count with its files, or the new one with
its files; files of an epoch without a row are ignored and removed on resume, and so is a
half-written last line. Only public Keras API is used: ``model.weights`` and
``optimizer.variables``, saved in order as numpy arrays and matched back by order and
shape (the fingerprint in ``run.json`` makes sure it is the same model and recipe).
Keras' own ``model.save_weights`` walks every layer's state in Python: for notebook 09's
Inception-ResNet-v2 (368 variables with the optimizer's) it takes several times as long as
writing the arrays, and a checkpoint is written every epoch
(``benchmarks/training_speed.py checkpoint`` measures both).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re

import numpy as np

from inception_edu.backend import keras
from inception_edu.i18n import _
from inception_edu.spec.checks import check_folder

__all__ = ["CheckpointDir", "EpochCheckpoint", "fingerprint"]

FORMAT = 2
_EPOCH_FILE = re.compile(r"^epoch_(\d+)\.(weights|optimizer)\.npz$")


def fingerprint(model, recipe) -> dict:
    """What a checkpoint directory records about its run, to refuse another model's."""
    from inception_edu.training.recipe import output_names

    return {
        "format": FORMAT,
        "model": model.name,
        "params": int(model.count_params()),
        "outputs": output_names(model),
        "recipe": recipe.to_config(),
    }


def _fsync_directory(path: str) -> None:
    with contextlib.suppress(OSError):  # not every platform can open a directory
        descriptor = os.open(path, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _fsync_file(path: str) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def _number(text: str) -> float:
    return float(text) if text != "" else float("nan")


class CheckpointDir:
    """A checkpoint directory: its fingerprint, committed history and latest epoch files."""

    def __init__(self, path):
        self.path = os.fspath(check_folder(path, "checkpoint_dir"))
        os.makedirs(self.path, exist_ok=True)
        self.csv_path = os.path.join(self.path, "history.csv")
        self.run_path = os.path.join(self.path, "run.json")

    # ------------------------------------------------------------------ files

    def weights_path(self, epoch: int) -> str:
        return os.path.join(self.path, f"epoch_{epoch:04d}.weights.npz")

    def optimizer_path(self, epoch: int) -> str:
        return os.path.join(self.path, f"epoch_{epoch:04d}.optimizer.npz")

    def _replace(self, temporary: str, final: str) -> None:
        _fsync_file(temporary)
        os.replace(temporary, final)

    # ------------------------------------------------------------------ fingerprint

    def check_fingerprint(self, expected: dict) -> None:
        """Record ``expected`` in a new directory; in a used one, refuse a different run."""
        if os.path.exists(self.run_path):
            with open(self.run_path) as handle:
                stored = json.load(handle)
            different = [
                key
                for key in ("model", "params", "outputs", "recipe")
                if stored.get(key) != expected[key]
            ]
            if different:
                shown = {key: (stored.get(key), expected[key]) for key in different}
                raise ValueError(
                    _(
                        "checkpoint_dir {path!r} was written for another run: "
                        "{keys} differ (stored, now): {shown}. Use a new "
                        "directory, or the model and recipe that wrote this one."
                    ).format(path=self.path, keys=", ".join(different), shown=shown)
                )
            return
        if os.path.exists(self.csv_path):
            raise ValueError(
                _(
                    "checkpoint_dir {path!r} has a history.csv but no "
                    "run.json: it was not written by run(). Use a new directory."
                ).format(path=self.path)
            )
        temporary = self.run_path + ".tmp"
        with open(temporary, "w") as handle:
            json.dump(expected, handle, indent=1)
        self._replace(temporary, self.run_path)
        _fsync_directory(self.path)

    # ------------------------------------------------------------------ history

    def read_history(self) -> tuple[list, list]:
        """``(columns, rows)`` of the committed epochs (``columns[0] == "epoch"``).

        A last line without its newline is a row whose write was interrupted: it is not
        committed, and it is cut off the file so the next row starts on a fresh line.
        """
        if not os.path.exists(self.csv_path):
            return [], []
        with open(self.csv_path, newline="") as handle:
            text = handle.read()
        committed = text[: text.rfind("\n") + 1]
        if committed != text:
            with open(self.csv_path, "r+", newline="") as handle:
                handle.truncate(len(committed.encode()))
                handle.flush()
                os.fsync(handle.fileno())
        lines = list(csv.reader(io.StringIO(committed)))
        if not lines:
            return [], []
        columns, rows = lines[0], lines[1:]
        if not columns or columns[0] != "epoch":
            raise ValueError(f"{self.csv_path} does not start with an 'epoch' column.")
        for index, row in enumerate(rows):
            if len(row) != len(columns) or row[0] != str(index):
                raise ValueError(
                    f"{self.csv_path} row {index + 1} is not epoch {index} "
                    f"with {len(columns)} columns: {row}"
                )
        return columns, rows

    def history(self, model=None):
        """The committed epochs as a ``keras.callbacks.History`` (``.history``, ``.epoch``)."""
        columns, rows = self.read_history()
        history = keras.callbacks.History()
        history.history = {
            name: [_number(row[i]) for row in rows] for i, name in enumerate(columns) if i > 0
        }
        history.epoch = [int(row[0]) for row in rows]
        if model is not None:
            history.set_model(model)
        return history

    def append_row(self, epoch: int, logs: dict) -> None:
        """Append epoch ``epoch``'s row (the commit point), writing the header first."""
        columns, rows = self.read_history()
        if len(rows) != epoch:
            raise RuntimeError(
                f"{self.csv_path} holds {len(rows)} epochs; cannot commit epoch {epoch}."
            )
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        if not columns:
            columns = ["epoch", *logs]
            writer.writerow(columns)
        writer.writerow(
            [epoch] + [repr(float(logs[name])) if name in logs else "" for name in columns[1:]]
        )
        with open(self.csv_path, "a", newline="") as handle:
            handle.write(buffer.getvalue())  # one write: the row is whole or not there
            handle.flush()
            os.fsync(handle.fileno())

    # ------------------------------------------------------------------ state

    def save(self, model, epoch: int) -> None:
        """Write the model's and the optimizer's variables after ``epoch`` (not committed
        yet)."""
        for variables, path in (
            (model.weights, self.weights_path(epoch)),
            (model.optimizer.variables, self.optimizer_path(epoch)),
        ):
            values = [np.asarray(keras.ops.convert_to_numpy(v)) for v in variables]
            temporary = os.path.join(self.path, f"tmp_{os.path.basename(path)}")
            with open(temporary, "wb") as handle:
                np.savez(handle, *values)
            self._replace(temporary, path)
        _fsync_directory(self.path)  # both renames on disk before the row commits them

    def restore(self, model, epoch: int) -> None:
        """Load the model's and the optimizer's variables saved after ``epoch``.

        The optimizer must be built (its variables exist); variables are matched by order
        and shape, which the same model and recipe reproduce.
        """
        weights, state = self.weights_path(epoch), self.optimizer_path(epoch)
        missing = [p for p in (weights, state) if not os.path.exists(p)]
        if missing:
            raise ValueError(
                _(
                    "history.csv says epoch {epoch} was completed, but its "
                    "checkpoint is missing: {missing}."
                ).format(epoch=epoch, missing=missing)
            )
        for variables, path, what in (
            (model.weights, weights, "model"),
            (model.optimizer.variables, state, "optimizer"),
        ):
            with np.load(path) as stored:
                values = [stored[f"arr_{i}"] for i in range(len(stored.files))]
            if len(values) != len(variables) or any(
                tuple(value.shape) != tuple(variable.shape)
                for value, variable in zip(values, variables, strict=False)
            ):
                raise ValueError(
                    _(
                        "{path} holds {count} {what} variables that do not match this "
                        "{what}'s {expected}: was it written for another model or recipe?"
                    ).format(path=path, count=len(values), what=what, expected=len(variables))
                )
            for variable, value in zip(variables, values, strict=True):
                variable.assign(value)

    def clean(self, keep: int | None) -> None:
        """Delete epoch files other than ``keep``'s, and any temporary files."""
        for name in os.listdir(self.path):
            match = _EPOCH_FILE.match(name)
            stale = (
                name.startswith("tmp_")
                or name.endswith(".tmp")
                or (match is not None and int(match.group(1)) != keep)
            )
            if stale:
                with contextlib.suppress(FileNotFoundError):
                    os.remove(os.path.join(self.path, name))
        _fsync_directory(self.path)


class EpochCheckpoint(keras.callbacks.Callback):
    """Saves the model and optimizer after every epoch, then commits the epoch's row.

    :func:`~inception_edu.training.run` puts it first among the callbacks, so that when a
    user's callback runs at the end of an epoch, that epoch is already on disk.
    """

    def __init__(self, directory: CheckpointDir):
        super().__init__()
        self.directory = directory

    def on_epoch_end(self, epoch, logs=None):
        self.directory.save(self.model, epoch)
        self.directory.append_row(epoch, logs or {})
        self.directory.clean(keep=epoch)

"""Keras callbacks of the course: :class:`LiveCurves`, training curves drawn epoch by epoch.

(The checkpoint callback lives with its file format, in
:mod:`inception_edu.training.checkpoint`.)
"""

from __future__ import annotations

import io

import numpy as np
from matplotlib.ticker import MaxNLocator

from inception_edu.backend import keras
from inception_edu.i18n import N_, _
from inception_edu.viz.curves import metric_key, metric_label
from inception_edu.viz.figures import new_figure

__all__ = ["LiveCurves"]

_PANELS = ("loss", "accuracy")
#: The legend's words for the two lines of a panel.
_TRAIN, _VALIDATION = N_("train"), N_("validation")


class LiveCurves(keras.callbacks.Callback):
    """Loss and accuracy curves (train and validation) redrawn after every epoch.

    Pass an ``ipywidgets.Output`` to draw into it; with ``output=None`` the callback only
    records ``self.history`` (``{"loss": [...], "val_loss": [...], "accuracy": [...],
    "val_accuracy": [...]}``, the main output's for an aux model), e.g. in tests. The
    panels say which loss is drawn: "loss (main head)" for a model with aux heads.

    No flicker: one matplotlib figure is kept and its lines are updated; each epoch the
    figure is rendered to a PNG and shown with ``output.clear_output(wait=True)``, which
    replaces the old picture only when the new one arrives. The figure is made outside
    pyplot (:func:`inception_edu.viz.figures.new_figure`), so the notebook's inline
    backend never shows a second copy when the cell ends, and it works headless (no GUI
    backend is touched). It is released at the end of training.
    """

    def __init__(self, output=None, title: str | None = None):
        super().__init__()
        self.output, self.title = output, title
        self.history: dict = {}
        self.figure = None
        self._lines: dict = {}
        self._axes: tuple = ()

    def on_train_begin(self, logs=None):
        self.history = {key: [] for key in ("loss", "val_loss", "accuracy", "val_accuracy")}
        self._first_epoch = None
        if self.output is not None:
            self._make_figure()

    def _make_figure(self):
        self.figure = new_figure(figsize=(8, 3), layout="constrained")
        axes = self.figure.subplots(1, 2)
        self._lines = {}
        for ax, metric in zip(axes, _PANELS, strict=True):
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.set_xlabel(_("epoch"))
            ax.set_ylabel(metric_label(metric, split=False))
            ax.grid(alpha=0.3)
            for prefix, style in (("", "-"), ("val_", "--")):
                name = f"{prefix}{metric}"
                (self._lines[name],) = ax.plot(
                    [],
                    [],
                    style,
                    marker="o",
                    markersize=3,
                    label=_(_VALIDATION) if prefix else _(_TRAIN),
                )
            ax.legend(loc="best")
        self._axes = tuple(axes)
        if self.title:
            self.figure.suptitle(self.title)

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self._first_epoch is None:  # a resumed run starts after epoch 0
            self._first_epoch = epoch
            for ax, metric in zip(self._axes, _PANELS, strict=False):  # no axes: no output
                key = metric_key(logs, metric)
                ax.set_ylabel(metric_label(metric, key not in (None, metric), split=False))
        for name in self.history:
            key = metric_key(logs, name)
            if key is not None:
                self.history[name].append(float(logs[key]))
        if self.output is not None and self.figure is not None:
            self._redraw()

    def _redraw(self):
        for name, line in self._lines.items():
            values = self.history[name]
            start = self._first_epoch + 1
            line.set_data(np.arange(start, start + len(values)), values)
        for ax in self._axes:
            ax.relim()
            ax.autoscale_view()
        from IPython.display import Image, display

        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=80)
        with self.output:
            self.output.clear_output(wait=True)
            display(Image(data=buffer.getvalue()))

    def on_train_end(self, logs=None):
        self.figure, self._lines, self._axes = None, {}, ()  # let the figure be freed

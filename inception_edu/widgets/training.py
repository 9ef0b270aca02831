"""The training panel: one slider, a Train button, live curves (notebooks 03 and 08).

The panel trains through the course's one runner (:func:`inception_edu.training.run`).
Its slider is a :class:`PanelControl`, and what the slider's value sets is the control's
``sets``:

- ``"aux_weight"`` (notebook 03, the default): the auxiliary loss weight of a
  :class:`~inception_edu.training.Recipe`, ``total_loss = main + w·aux_4a + w·aux_4d``;
  the model is ``build(True)``;
- ``"build"`` (notebook 08's residual scale): an argument of the network itself; the model
  is ``build(value)`` and the recipe is used as it is.

Whatever goes wrong during training is shown on the panel itself, in red, and the button
comes back.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import ipywidgets as widgets

from inception_edu.data import Split
from inception_edu.i18n import N_, _
from inception_edu.spec.checks import check_choice, check_int, check_number, checks_keywords
from inception_edu.widgets.compat import widget_bundle
from inception_edu.zoo.googlenet import AUX_WEIGHT

__all__ = ["PanelControl", "TrainingPanel", "aux_weight_control"]

#: How the static view names each optimizer of a Recipe.
OPTIMIZER_NAMES = {"sgd": "SGD", "rmsprop": "RMSProp", "adam": "Adam"}

#: What a panel's slider may set.
SETS = ("aux_weight", "build")


@dataclass(frozen=True)
class PanelControl:
    """The panel's slider: its label, start value, range and step, and what it sets
    (``"aux_weight"`` or ``"build"``, see the module's docstring). The label is English
    (marked ``N_``); the panel shows it in the current language."""

    label: str
    value: float
    low: float = 0.0
    high: float = 1.0
    step: float = 0.05
    sets: str = "build"

    def __post_init__(self):
        if not isinstance(self.label, str) or not self.label:
            raise ValueError(f"label must be a non-empty string. Received: label={self.label!r}")
        check_choice(self.sets, SETS, "sets")
        low = check_number(self.low, "low")
        high = check_number(self.high, "high", low, open_min=True)
        check_number(self.step, "step", 0, high - low, open_min=True)
        check_number(self.value, self.label.replace(" ", "_"), low, high)


def aux_weight_control(value: float = AUX_WEIGHT) -> PanelControl:
    """Notebook 03's slider: the auxiliary loss weight in [0, 1] (the paper's 0.3)."""
    return PanelControl(
        N_("aux weight"), check_number(value, "aux_weight", 0, 1), sets="aux_weight"
    )


class TrainingPanel:
    """Train a small network with live curves; one slider sets what :attr:`control` says.

    Args:
        split: an :class:`inception_edu.data.Split` (trained on its training part,
            validated on its validation part).
        build: a function that makes a fresh ``keras.Model`` on each click: for the aux
            weight (the default), ``aux_heads -> model`` (a scaled-down GoogLeNet),
            called as ``build(True)``; for a ``"build"`` control, ``value -> model``.
        epochs, batch_size, seed: as :func:`inception_edu.training.run`.
        recipe: the :class:`~inception_edu.training.Recipe` to train with (default Adam at
            1e-3). With the aux weight, its ``loss_weights`` are replaced by ``1`` for
            ``"main"`` and the slider's value for every other output.
        aux_weight: the aux-weight slider's initial value, in [0, 1] (the paper's 0.3;
            ``None``: 0.3). Only without a ``control``.
        control: a :class:`PanelControl` for another slider (notebook 08: the residual
            scale, ``sets="build"``); ``None`` gives :func:`aux_weight_control`.

    Clicking Train (or calling :meth:`train`) fits the model with live curves.
    ``history``, ``model`` and ``val_accuracy`` hold the last run's results; ``error``
    the last failure's ``"Type: message"`` (also shown on the panel), else ``None``.
    """

    @checks_keywords
    def __init__(
        self,
        split,
        build,
        epochs: int = 3,
        batch_size: int = 64,
        seed: int = 0,
        recipe=None,
        aux_weight: float | None = None,
        control: PanelControl | None = None,
    ):
        from inception_edu.training.recipe import Recipe, check_recipe

        if not isinstance(split, Split):
            raise ValueError(
                _("split must be a data.Split. Received: {kind}").format(kind=type(split).__name__)
            )
        if control is None:
            control = aux_weight_control(AUX_WEIGHT if aux_weight is None else aux_weight)
        elif not isinstance(control, PanelControl):
            raise ValueError(
                _("control must be a PanelControl or None. Received: {kind}").format(
                    kind=type(control).__name__
                )
            )
        elif aux_weight is not None:
            raise ValueError(
                _(
                    "aux_weight sets the default slider; with a control, leave it out. "
                    "Received: aux_weight={weight} and control={control}"
                ).format(weight=repr(aux_weight), control=repr(control.label))
            )
        if not callable(build):
            argument = "aux_heads" if control.sets == "aux_weight" else "value"
            raise ValueError(
                _("build must be a function {argument} -> keras.Model. Received: {kind}").format(
                    argument=argument, kind=type(build).__name__
                )
            )
        recipe = check_recipe(recipe, Recipe(optimizer="adam", learning_rate=1e-3))
        self.split, self.build, self.recipe, self.control = split, build, recipe, control
        self.epochs = check_int(epochs, "epochs", 1)
        self.batch_size = check_int(batch_size, "batch_size", 1)
        self.seed = check_int(seed, "seed", 0)
        self.history = self.model = self.val_accuracy = self.error = None
        self.slider = widgets.FloatSlider(
            value=control.value,
            min=control.low,
            max=control.high,
            step=control.step,
            description=_(control.label),
            readout_format=".2f",
        )
        self.button = widgets.Button(description=_("Train"), button_style="primary", icon="play")
        self.button.on_click(lambda _button: self.train())
        self.curves = widgets.Output()
        self.result = widgets.HTML(_("Press Train to fit the model."))
        self.widget = widgets.VBox(
            [widgets.HBox([self.slider, self.button]), self.curves, self.result]
        )

    @property
    def weight(self) -> widgets.FloatSlider:
        """The slider (notebook 03's name for it: the aux weight)."""
        return self.slider

    def current_model(self):
        """A fresh model for the slider's value (``build(True)`` for the aux weight)."""
        if self.control.sets == "aux_weight":
            return self.build(True)
        return self.build(float(self.slider.value))

    def current_recipe(self, model):
        """The panel's recipe; for the aux weight, with ``model``'s outputs weighted by
        the slider."""
        from inception_edu.training import output_names

        if self.control.sets != "aux_weight":
            return self.recipe
        weight = float(self.slider.value)
        return self.recipe.replace(
            loss_weights={name: 1.0 if name == "main" else weight for name in output_names(model)}
        )

    def train(self):
        """Build, train and report; returns the history (``None`` if training failed)."""
        from inception_edu import training
        from inception_edu.viz.live_curves import LiveCurves

        self.button.disabled, self.error = True, None
        self.result.value = _("training...")
        try:
            self.history = self.model = self.val_accuracy = None
            model = self.current_model()
            recipe = self.current_recipe(model)
            live = LiveCurves(output=self.curves)
            history = training.run(
                model,
                self.split,
                None,
                recipe,
                self.epochs,
                batch_size=self.batch_size,
                seed=self.seed,
                callbacks=[live],
            )
            self.history, self.model = history, model
            self.val_accuracy = training.metric_values(history, "val_accuracy")[-1]
            self.result.value = self._result_text()
        except BaseException as error:  # every failure is shown here, not lost in a log
            self.error = f"{type(error).__name__}: {error}"
            failed = _("Training failed: {error}").format(error=html.escape(self.error))
            self.result.value = f"<b style='color:#b00'>{failed}</b>"
            if not isinstance(error, Exception):  # KeyboardInterrupt, SystemExit
                raise
        finally:
            self.button.disabled = False
        return self.history

    def _result_text(self) -> str:
        """The last run's validation accuracy, under the slider's value."""
        text = (
            _("{control} {value}: validation accuracy (main head) {accuracy} after {epochs}")
            if self.control.sets == "aux_weight"
            else _("{control} {value}: validation accuracy {accuracy} after {epochs}")
        )
        return text.format(
            control=_(self.control.label),
            value=f"{self.slider.value:.2f}",
            accuracy=f"{self.val_accuracy:.1%}",
            epochs=self._epochs_text(),
        )

    def _epochs_text(self) -> str:
        text = _("{count} epoch") if self.epochs == 1 else _("{count} epochs")
        return text.format(count=self.epochs)

    def _optimizer_text(self) -> str:
        recipe = self.recipe
        text = (
            _("{optimizer} (momentum {momentum}), learning rate {rate}")
            if recipe.optimizer == "sgd"
            else _("{optimizer}, learning rate {rate}")
        )
        return text.format(
            optimizer=OPTIMIZER_NAMES[recipe.optimizer],
            momentum=f"{recipe.momentum:g}",
            rate=f"{recipe.learning_rate:g}",
        )

    def static_html(self) -> str:
        """What the panel is and does, for a page with no kernel (GitHub, Colab unrun)."""
        note = _("A training panel: run the notebook to train from here.")
        batch = _("batch {size}").format(size=self.batch_size)
        seed = _("seed {seed}").format(seed=self.seed)
        return (
            "<div class='inception-edu-training-static'>"
            f"<div style='color:#555555;font-size:90%'>{note}</div>"
            f"<p>{html.escape(_(self.control.label))} <b>{self.slider.value:.2f}</b> · "
            f"{self._epochs_text()} · {batch} · {seed} · "
            f"{self._optimizer_text()}</p><p>{self.result.value}</p></div>"
        )

    def __repr__(self) -> str:
        seed = _("seed {seed}").format(seed=self.seed)
        return (
            f"TrainingPanel({_(self.control.label)} {self.slider.value:.2f}, "
            f"{self._epochs_text()}, {seed})"
        )

    def _repr_mimebundle_(self, **kwargs):
        bundle = widget_bundle(self.widget, **kwargs)
        bundle["text/plain"] = repr(self)
        bundle["text/html"] = self.static_html()
        return bundle

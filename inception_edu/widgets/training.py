"""The training panel of notebook 03: an aux-loss weight slider, a Train button, live curves.

The panel trains through the course's one runner (:func:`inception_edu.training.run`)
with a :class:`~inception_edu.training.Recipe` whose auxiliary loss weights come from the
slider: ``total_loss = main + w·aux_4a + w·aux_4d``. Whatever goes wrong during training
is shown on the panel itself, in red, and the button comes back.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from inception_edu.data import Split
from inception_edu.spec.checks import check_int, check_number
from inception_edu.zoo.googlenet import AUX_WEIGHT

__all__ = ["TrainingPanel"]


class TrainingPanel:
    """Train a mini GoogLeNet with auxiliary heads; the slider sets the aux-loss weight.

    Args:
        split: an :class:`inception_edu.data.Split` (trained on its training part,
            validated on its validation part).
        build: a function ``aux_heads -> keras.Model`` (a scaled-down GoogLeNet); each
            click builds a fresh model with ``build(True)``.
        epochs, batch_size, seed: as :func:`inception_edu.training.run`.
        recipe: the :class:`~inception_edu.training.Recipe` to train with (default Adam at
            1e-3); its ``loss_weights`` are replaced by ``1`` for ``"main"`` and the
            slider's value for every other output.
        aux_weight: the slider's initial value, in [0, 1] (the paper's 0.3).

    Clicking Train (or calling :meth:`train`) fits the model with live curves.
    ``history``, ``model`` and ``val_accuracy`` hold the last run's results; ``error``
    the last failure's ``"Type: message"`` (also shown on the panel), else ``None``.
    """

    def __init__(
        self,
        split,
        build,
        epochs: int = 3,
        batch_size: int = 64,
        seed: int = 0,
        recipe=None,
        aux_weight: float = AUX_WEIGHT,
    ):
        from inception_edu.training.recipe import Recipe, check_recipe

        if not isinstance(split, Split):
            raise ValueError(f"split must be a data.Split. Received: {type(split).__name__}")
        if not callable(build):
            raise ValueError(
                "build must be a function aux_heads -> keras.Model. Received: "
                f"{type(build).__name__}"
            )
        recipe = check_recipe(recipe, Recipe(optimizer="adam", learning_rate=1e-3))
        self.split, self.build, self.recipe = split, build, recipe
        self.epochs = check_int(epochs, "epochs", 1)
        self.batch_size = check_int(batch_size, "batch_size", 1)
        self.seed = check_int(seed, "seed", 0)
        aux_weight = check_number(aux_weight, "aux_weight", 0, 1)
        self.history = self.model = self.val_accuracy = self.error = None
        self.weight = widgets.FloatSlider(
            value=aux_weight,
            min=0.0,
            max=1.0,
            step=0.05,
            description="aux weight",
            readout_format=".2f",
        )
        self.button = widgets.Button(description="Train", button_style="primary", icon="play")
        self.button.on_click(lambda _: self.train())
        self.curves = widgets.Output()
        self.result = widgets.HTML("Press Train to fit the model.")
        self.widget = widgets.VBox(
            [widgets.HBox([self.weight, self.button]), self.curves, self.result]
        )

    def current_recipe(self, model):
        """The panel's recipe with ``model``'s outputs weighted by the slider."""
        from inception_edu.training import output_names

        weight = float(self.weight.value)
        return self.recipe.replace(
            loss_weights={name: 1.0 if name == "main" else weight for name in output_names(model)}
        )

    def train(self):
        """Build, train and report; returns the history (``None`` if training failed)."""
        from inception_edu import training

        self.button.disabled, self.error = True, None
        self.result.value = "training..."
        try:
            self.history = self.model = self.val_accuracy = None
            model = self.build(True)
            recipe = self.current_recipe(model)
            live = training.LiveCurves(output=self.curves)
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
            self.result.value = (
                f"aux weight {self.weight.value:.2f}: validation accuracy "
                f"(main head) {self.val_accuracy:.1%} after {self.epochs} "
                "epochs"
            )
        except BaseException as error:  # every failure is shown here, not lost in a log
            self.error = f"{type(error).__name__}: {error}"
            self.result.value = (
                f"<b style='color:#b00'>Training failed: {html.escape(self.error)}</b>"
            )
            if not isinstance(error, Exception):  # KeyboardInterrupt, SystemExit
                raise
        finally:
            self.button.disabled = False
        return self.history

    def static_html(self) -> str:
        """What the panel is and does, for a page with no kernel (GitHub, Colab unrun)."""
        return (
            "<div class='inception-edu-training-static'>"
            "<div style='color:#555555;font-size:90%'>A training panel: run the notebook "
            "to train from here.</div>"
            f"<p>aux weight <b>{self.weight.value:.2f}</b> · {self.epochs} epochs · "
            f"batch {self.batch_size} · seed {self.seed} · "
            f"{html.escape(self.recipe.optimizer)} at "
            f"{self.recipe.learning_rate:g}</p><p>{self.result.value}</p></div>"
        )

    def __repr__(self) -> str:
        return (
            f"TrainingPanel(aux weight {self.weight.value:.2f}, {self.epochs} epochs, "
            f"seed {self.seed})"
        )

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs) or {}
        bundle["text/plain"] = repr(self)
        bundle["text/html"] = self.static_html()
        return bundle

"""Notebook 06's explorer: what label smoothing does to the targets and to the loss.

Inception-v3 trains on smoothed targets (Szegedy et al. 2015, section 7): with K classes
and smoothing epsilon, the right class gets 1 - epsilon + epsilon/K and each wrong class
epsilon/K (Keras' ``label_smoothing``, the course's :class:`~inception_edu.training.Recipe`).
The explorer shows those targets as bars and, for three predictions, the cross-entropy
against hard and against smoothed targets: a confident right prediction is no longer
free, and the best prediction is the smoothed target itself.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from inception_edu.analysis import Table
from inception_edu.i18n import N_, _
from inception_edu.spec.checks import check_int, check_number
from inception_edu.training.recipe import Recipe
from inception_edu.viz.charts import bars_svg
from inception_edu.widgets.base import Explorer

__all__ = ["CONFIDENT", "LabelSmoothingExplorer", "smoothing_losses"]

#: The probability a "confident" prediction puts on its chosen class.
CONFIDENT = 0.99

#: The three predictions' names: in English they are the keys of
#: :func:`smoothing_losses`' ``losses``; the table shows them in the current language.
_PREDICTIONS = (
    N_("confident and right ({share} on it)"),
    N_("the smoothed target itself"),
    N_("confident and wrong ({share} on another)"),
)


def _prediction_name(template: str, translate=str) -> str:
    return translate(template).format(share=f"{CONFIDENT:.0%}")


def _predictions(classes: int, targets: np.ndarray) -> dict:
    """Three predicted distributions over ``classes`` (class 0 is the right one)."""
    rest = (1 - CONFIDENT) / (classes - 1)
    right = np.full(classes, rest)
    right[0] = CONFIDENT
    wrong = np.full(classes, rest)
    wrong[1] = CONFIDENT
    names = [_prediction_name(template) for template in _PREDICTIONS]
    return dict(zip(names, (right, targets, wrong), strict=True))


def smoothing_losses(epsilon: float, classes: int) -> dict:
    """The targets of the right class (class 0) and, per prediction, its cross-entropy
    against the hard one-hot target and against the smoothed one.

    Returns ``{"targets": array, "losses": {prediction: (hard loss, smoothed loss)}}``.
    """
    epsilon = check_number(epsilon, "epsilon", 0, 1, open_max=True)
    classes = check_int(classes, "classes", 2)
    hard = Recipe(label_smoothing=0.0).targets([0], classes)[0]
    targets = Recipe(label_smoothing=epsilon).targets([0], classes)[0]
    losses = {}
    for name, predicted in _predictions(classes, targets).items():
        log_p = np.log(np.clip(predicted, 1e-12, 1.0))
        losses[name] = (float(-(hard * log_p).sum()), float(-(targets * log_p).sum()))
    return {"targets": targets, "losses": losses}


class LabelSmoothingExplorer(Explorer):
    """Sliders for epsilon and the number of classes; the targets and three losses."""

    def __init__(self, epsilon: float = 0.1, classes: int = 10, draw: bool = True):
        epsilon = check_number(epsilon, "epsilon", 0, 0.5)
        classes = check_int(classes, "classes", 2, 20)
        self.epsilon = widgets.FloatSlider(
            value=epsilon,
            min=0.0,
            max=0.5,
            step=0.01,
            description="epsilon",
            readout_format=".2f",
            continuous_update=False,
        )
        self.classes = widgets.IntSlider(
            value=classes, min=2, max=20, description=_("classes"), continuous_update=False
        )
        self.targets = self.losses = None
        super().__init__([self.epsilon, self.classes], draw)

    def transform(self):
        return self.epsilon.value, self.classes.value

    def analyze(self, spec) -> dict:
        return smoothing_losses(*spec)

    def headline_html(self) -> str:
        epsilon, classes = self.spec
        setting = _("epsilon {epsilon}, {classes} classes").format(
            epsilon=f"{epsilon:.2f}", classes=classes
        )
        targets = _(
            "the right class's target {right}, each wrong class's {wrong} (epsilon / {classes})"
        ).format(right=f"{self.targets[0]:.3f}", wrong=f"{self.targets[1]:.4f}", classes=classes)
        return f"<b>{setting}</b>: {targets}"

    def table(self):
        shown = {_prediction_name(t): _prediction_name(t, _) for t in _PREDICTIONS}
        rows = tuple(
            (shown.get(name, name), f"{hard:.3f}", f"{smoothed:.3f}")
            for name, (hard, smoothed) in self.losses.items()
        )
        return Table((_("prediction"), _("loss, hard target"), _("loss, smoothed target")), rows)

    def render(self, spec) -> str:
        epsilon, classes = spec
        labels = [_("right")] + [str(i) for i in range(1, classes)]
        title = _("targets with epsilon = {epsilon}").format(epsilon=f"{epsilon:.2f}")
        return bars_svg(self.targets, labels, title, highlight=0)

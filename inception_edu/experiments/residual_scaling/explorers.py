"""Notebook 08's widgets: the residual-scale explorer and the training panel for scaling.

- :class:`ScaleExplorer`: a slider for the residual scale; the trunk's RMS after every
  residual block of a freshly initialised network, from one fixed batch, against the
  unscaled network's (Szegedy et al. 2016, section 3.3). The forward passes are made once,
  for every scale the slider offers
  (:func:`~inception_edu.experiments.residual_scaling.activation_growth`): each block's
  input depends on the scales of all the blocks before it, so no per-block output can be
  stored once and rescaled; what a change costs is a lookup, a table and an SVG chart.
- :func:`scale_training_panel`: notebook 03's
  :class:`~inception_edu.widgets.training.TrainingPanel` with a residual-scale slider,
  training the mini Inception-ResNet of
  :func:`~inception_edu.zoo.mini.mini_inception_resnet_spec`.
"""

from __future__ import annotations

import ipywidgets as widgets

from inception_edu.analysis import Table
from inception_edu.data import Split
from inception_edu.experiments.residual_scaling.experiment import ActivationGrowth
from inception_edu.i18n import N_, _
from inception_edu.spec.checks import check_int, check_number
from inception_edu.viz.charts import line_charts_svg
from inception_edu.widgets.base import DOT, Explorer
from inception_edu.widgets.training import PanelControl, TrainingPanel

__all__ = ["MIN_SCALE", "ScaleExplorer", "scale_training_panel"]

#: The training panel's smallest residual scale (a block needs some residual to learn).
MIN_SCALE = 0.05


class ScaleExplorer(Explorer):
    """A residual-scale slider; the RMS after each block at that scale and unscaled.

    ``growth``: an :class:`~inception_edu.experiments.residual_scaling.ActivationGrowth`
    measured for every scale the slider offers (it must include 1.0, the reference);
    ``scale``: the slider's start, one of ``growth.scales``. ``values`` holds the RMS after
    each block at the chosen scale, ``reference`` the unscaled one's, ``ratio`` the last
    block's RMS over the stem's.
    """

    def __init__(self, growth: ActivationGrowth, scale: float = 0.2, draw: bool = True):
        if not isinstance(growth, ActivationGrowth):
            raise ValueError(
                _("growth must be an ActivationGrowth. Received: {kind}").format(
                    kind=type(growth).__name__
                )
            )
        if 1.0 not in growth.scales:
            raise ValueError(
                _(
                    "growth must include the unscaled network (scale 1.0), the reference. "
                    "Received scales {scales}"
                ).format(scales=growth.scales)
            )
        scale = check_number(scale, "scale", 0, 10)
        growth.at(scale)  # a scale that was not measured: ValueError naming those that were
        self.growth = growth
        self.reference = growth.at(1.0)
        self.values = self.ratio = None
        self.slider = widgets.SelectionSlider(
            options=[(f"{s:.2f}", s) for s in growth.scales],
            value=scale,
            description=_("residual scale"),
            continuous_update=False,
            style={"description_width": "110px"},
            layout=widgets.Layout(width="520px"),
        )
        super().__init__([self.slider], draw)

    def transform(self):
        return float(self.slider.value)

    def analyze(self, scale) -> dict:
        values = self.growth.at(scale)
        return {"values": values, "ratio": float(values[-1] / self.growth.stem)}

    def headline_html(self) -> str:
        blocks = len(self.growth.blocks)
        unscaled = self.reference[-1] / self.growth.stem
        scale = _("residual scale {scale}").format(scale=f"{self.spec:.2f}")
        after = _("after {blocks} blocks the RMS is <b>{ratio}x</b> the stem's").format(
            blocks=blocks, ratio=f"{self.ratio:.2f}"
        )
        reference = _("unscaled: {ratio}x").format(ratio=f"{unscaled:.2f}")
        return f"<b>{scale}</b>{DOT}{after}{DOT}{reference}"

    def table(self):
        count = len(self.growth.blocks)
        step = max(1, count // 4)
        shown = sorted({1, *range(step, count + 1, step), count})
        rows = tuple(
            (str(k), f"{self.values[k - 1]:.3f}", f"{self.reference[k - 1]:.3f}") for k in shown
        )
        rows = ((_("0 (stem)"), f"{self.growth.stem:.3f}", f"{self.growth.stem:.3f}"), *rows)
        columns = (
            _("blocks passed"),
            _("RMS, scale {scale}").format(scale=f"{self.spec:.2f}"),
            _("RMS, unscaled (1.0)"),
        )
        return Table(columns, rows)

    def render(self, scale) -> str:
        chosen = _("scale {scale}").format(scale=f"{scale:.2f}")
        stem = self.growth.stem
        series = {chosen: [stem, *self.values]}
        if scale != 1.0:
            series[_("unscaled (1.0)")] = [stem, *self.reference]
        return line_charts_svg(
            [(_("RMS of the trunk after each residual block"), series)],
            list(series),
            _("residual blocks passed (0: leaving the stem)"),
            label=_("activation size per block"),
            first=0,
        )


def scale_training_panel(
    split,
    learning_rate: float,
    scale: float = 0.2,
    epochs: int = 4,
    batch_size: int = 64,
    seed: int = 0,
    **network,
) -> TrainingPanel:
    """A :class:`~inception_edu.widgets.training.TrainingPanel` whose slider is the
    residual scale of every block of the mini Inception-ResNet
    (:func:`~inception_edu.zoo.mini.mini_inception_resnet_spec`, with ``network``'s
    arguments), trained with SGD and momentum 0.9 at ``learning_rate``.

    Each click builds the network afresh after ``keras.utils.set_random_seed(seed)``, so
    two scales start from the same weights; the curves show whether it trains or dies.
    """
    from inception_edu.backend import keras
    from inception_edu.keras_build import build
    from inception_edu.training import Recipe
    from inception_edu.zoo.mini import mini_inception_resnet_spec

    if not isinstance(split, Split):
        raise ValueError(
            _("split must be a data.Split. Received: {kind}").format(kind=type(split).__name__)
        )
    learning_rate = check_number(learning_rate, "learning_rate", 0, 100, open_min=True)
    scale = check_number(scale, "scale", MIN_SCALE, 1)
    seed = check_int(seed, "seed", 0)
    network.setdefault("classes", split.num_classes)
    network.setdefault("input_size", split.input_shape[0])
    mini_inception_resnet_spec(scale=scale, **network)  # bad network arguments fail here

    def build_at(value: float):
        keras.utils.set_random_seed(seed)
        return build(mini_inception_resnet_spec(scale=value, **network), split.input_shape)

    return TrainingPanel(
        split,
        build_at,
        epochs=epochs,
        batch_size=batch_size,
        seed=seed,
        recipe=Recipe(optimizer="sgd", learning_rate=learning_rate, momentum=0.9),
        control=PanelControl(N_("residual scale"), scale, MIN_SCALE, 1.0, 0.05),
    )

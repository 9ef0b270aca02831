"""Notebook 09's widgets: the transfer-learning experiment's arms, and what one arm gets wrong.

Both are :class:`~inception_edu.widgets.base.Explorer` subclasses over results already
trained (:func:`~inception_edu.experiments.transfer.experiment.compare`): a change is a
lookup, a table and a picture, never a training run.

- :class:`ExperimentPicker`: four dropdowns (loss, augmentation, weights, backbone) pick
  an arm of a :class:`~inception_edu.experiments.transfer.experiment.Comparison`, a fifth the
  metric; its curves per epoch (each seed a thin line, their mean a thick one) are drawn
  against the baseline arm's (the comparison's first) in grey, with the arm's settings
  and last-epoch values in a table. A combination that was not run is shown on the
  widget, in red, with the combinations that were.
- :class:`ClassErrorExplorer`: one arm's error rate per class, a class dropdown (worst
  first), what the chosen class is taken for (its row of the confusion matrix) and its
  most confident mistakes as thumbnails.
- :func:`synthetic_comparison`: a made-up comparison (no training) of the notebook's
  shape, for tests, the speed benchmark and the browser test.
"""

from __future__ import annotations

import base64
import html
import io

import ipywidgets as widgets
import numpy as np
from PIL import Image

from inception_edu.analysis import Table
from inception_edu.experiments.transfer.experiment import (
    LOSSES,
    Comparison,
    Experiment,
    ExperimentResult,
    Mistake,
    check_arm_results,
)
from inception_edu.i18n import N_, _
from inception_edu.spec.checks import check_choice, check_int
from inception_edu.viz.charts import (
    BOTTOM,
    FONT,
    FONT_TITLE,
    LEFT,
    RIGHT,
    SERIES_COLOURS,
    TOP,
    bars_svg,
    nice_ticks,
)
from inception_edu.viz.curves import metric_label
from inception_edu.viz.fonts import text_width
from inception_edu.viz.svg import SvgCanvas
from inception_edu.widgets.base import DOT, Explorer

__all__ = [
    "METRIC_ORDER",
    "WORST",
    "ClassErrorExplorer",
    "ExperimentPicker",
    "seed_curves_svg",
]

#: The order of the picker's metric dropdown (metrics not listed follow, sorted).
METRIC_ORDER = (
    "val_categorical_accuracy",
    "val_binary_accuracy",
    "val_accuracy",
    "val_loss",
    "categorical_accuracy",
    "binary_accuracy",
    "accuracy",
    "loss",
)

#: How many of a class's most confident mistakes :class:`ClassErrorExplorer` shows.
WORST = 6

#: Thumbnails' width on the page, in CSS pixels (their height follows the image's).
THUMBNAIL_PX = 96

_ARM_COLOUR, _ARM_SEED = SERIES_COLOURS[0], "#f2b48a"  # the arm: mean, one seed
_BASE_COLOUR, _BASE_SEED = "#808080", "#cccccc"  # the baseline: mean, one seed
_CHART_W, _CHART_H = 420.0, 220.0  # the plotting area, in points
_NOTE = "<div style='color:#555555;font-size:90%'>{}</div>"
_SETTLED_NOTE = N_(
    "Measured after each network's batch-norm statistics were set from the training "
    "images: the error per class is not one minus the curves' last validation accuracy."
)


# --------------------------------------------------------------------------- helpers


def _dropdown(options, value, description: str) -> widgets.Dropdown:
    """One of the picker's dropdowns, all five the same width."""
    return widgets.Dropdown(
        options=options,
        value=value,
        description=description,
        style={"description_width": "110px"},
        layout=widgets.Layout(width="360px"),
    )


def _settings(experiment: Experiment) -> tuple:
    """An arm's key for the dropdowns: (loss, augment, weights, backbone label)."""
    return (
        experiment.loss,
        bool(experiment.augment),
        experiment.weights,
        experiment.backbone_label,
    )


def _yes_no(flag) -> str:
    return _("yes") if flag else _("no")


def _describe(key: tuple) -> str:
    loss, augment, weights, backbone = key
    return _("loss {loss}, augmentation {augment}, weights {weights}, backbone {backbone}").format(
        loss=loss, augment=_yes_no(augment), weights=weights, backbone=backbone
    )


def _ordered_metrics(metrics) -> list:
    known = [m for m in METRIC_ORDER if m in metrics]
    return known + sorted(m for m in metrics if m not in METRIC_ORDER)


def _check_comparison(comparison) -> Comparison:
    if not isinstance(comparison, Comparison):
        raise ValueError(
            _(
                "comparison must be a transfer_experiment.Comparison (what compare() returns). "
                "Received: {kind}"
            ).format(kind=type(comparison).__name__)
        )
    experiments = comparison.experiments
    if not isinstance(experiments, (tuple, list)) or not experiments:
        raise ValueError(
            _(
                "comparison.experiments must be a non-empty tuple of Experiment. Received: {value}"
            ).format(value=f"{experiments!r:.80}")
        )
    for experiment in experiments:
        if not isinstance(experiment, Experiment):
            raise ValueError(
                _("comparison.experiments must hold Experiment objects. Received: {kind}").format(
                    kind=type(experiment).__name__
                )
            )
        runs = (
            comparison.results.get(experiment.name)
            if isinstance(comparison.results, dict)
            else None
        )
        if (
            not isinstance(runs, (tuple, list))
            or not runs
            or not all(isinstance(r, ExperimentResult) for r in runs)
        ):
            raise ValueError(
                _(
                    "comparison.results[{name}] must be a non-empty tuple of "
                    "ExperimentResult, one per seed. Received: {value}"
                ).format(name=repr(experiment.name), value=f"{runs!r:.80}")
            )
    return comparison


# --------------------------------------------------------------------------- the picker


class ExperimentPicker(Explorer):
    """Pick an arm of a comparison by its settings; its curves against the baseline's.

    ``comparison``: a :class:`~inception_edu.experiments.transfer.experiment.Comparison`;
    its first experiment is the baseline, drawn in grey. ``metric``: the curves'
    metric, one that every run logged (the fifth dropdown offers them all). ``arm``: the
    name of the arm the dropdowns start at (default: the baseline).

    The dropdowns (``loss``, ``augmentation``, ``weights``, ``backbone``, ``metric``)
    offer the values present among the arms; a combination no arm has is shown on the
    widget (``error``) with the combinations that were run. Attributes after a change:
    ``arm`` (the :class:`~inception_edu.experiments.transfer.experiment.Experiment`),
    ``results`` (its runs, one per seed), ``metric_name``, ``curves`` (one tuple of
    values per seed, one value per epoch), ``mean`` (per epoch), ``final`` (the last
    epoch's ``(mean, lowest, highest)`` over the seeds) and ``baseline_final``.
    """

    def __init__(
        self,
        comparison,
        metric: str = "val_categorical_accuracy",
        draw: bool = True,
        arm: str | None = None,
    ):
        comparison = _check_comparison(comparison)
        self.comparison = comparison
        self.baseline = comparison.experiments[0]
        self.arms: dict = {}
        for experiment in comparison.experiments:
            key = _settings(experiment)
            if key in self.arms:
                raise ValueError(
                    _(
                        "Every arm of the comparison must differ in loss, augmentation, weights "
                        "or backbone, so the dropdowns can pick it. Received {first} and "
                        "{second}, both with {settings}"
                    ).format(
                        first=repr(self.arms[key].name),
                        second=repr(experiment.name),
                        settings=_describe(key),
                    )
                )
            self.arms[key] = experiment
        runs = [r for e in comparison.experiments for r in comparison.results[e.name]]
        shared = set(runs[0].history)
        for run in runs[1:]:
            shared &= set(run.history)
        self.metrics = tuple(_ordered_metrics(shared))
        if not self.metrics:
            raise ValueError(_("The comparison's runs share no metric: nothing to draw."))
        check_choice(metric, self.metrics, "metric")
        names = [e.name for e in comparison.experiments]
        start = self.baseline
        if arm is not None:
            start = comparison.experiments[names.index(check_choice(arm, names, "arm"))]
        self._curve_cache: dict = {}

        def present(index, order=None):
            values = [key[index] for key in self.arms]
            seen = list(dict.fromkeys(values))
            return sorted(seen, key=order.index) if order else seen

        self.loss = _dropdown(present(0, list(LOSSES)), start.loss, _("loss"))
        self.augmentation = _dropdown(
            [(_yes_no(v), v) for v in present(1, [False, True])],
            bool(start.augment),
            _("augmentation"),
        )
        self.weights = _dropdown(present(2), start.weights, _("weights"))
        self.backbone = _dropdown(present(3), start.backbone_label, _("backbone"))
        self.metric = _dropdown(list(self.metrics), metric, _("metric"))
        arm_controls = [self.loss, self.augmentation, self.weights, self.backbone]
        controls = widgets.VBox(
            [
                widgets.GridBox(
                    arm_controls,
                    layout=widgets.Layout(
                        grid_template_columns="repeat(auto-fill, minmax(370px, 1fr))"
                    ),
                ),
                self.metric,
            ]
        )
        super().__init__(controls, draw, observe=[*arm_controls, self.metric])

    # ------------------------------------------------------------------ the steps

    def transform(self):
        key = (
            self.loss.value,
            bool(self.augmentation.value),
            self.weights.value,
            self.backbone.value,
        )
        experiment = self.arms.get(key)
        if experiment is None:
            runs = "; ".join(f"{e.name!r} ({_describe(k)})" for k, e in self.arms.items())
            raise ValueError(
                _("No arm was run with {settings}. The runs: {runs}.").format(
                    settings=_describe(key), runs=runs
                )
            )
        return experiment, self.metric.value

    def _curves(self, experiment: Experiment, metric: str) -> tuple:
        """(curves per seed, mean per epoch, last epoch's (mean, lowest, highest))."""
        cached = self._curve_cache.get((experiment.name, metric))
        if cached is not None:
            return cached
        runs = self.comparison.results[experiment.name]
        curves = tuple(tuple(float(v) for v in run.history[metric]) for run in runs)
        lengths = {len(c) for c in curves}
        if len(lengths) != 1 or 0 in lengths:
            raise ValueError(
                _(
                    "The seeds of {name} logged {metric} for different numbers "
                    "of epochs ({lengths}): no mean per epoch."
                ).format(
                    name=repr(experiment.name),
                    metric=metric,
                    lengths=sorted(len(c) for c in curves),
                )
            )
        array = np.asarray(curves)
        last = array[:, -1]
        answer = (
            curves,
            tuple(float(v) for v in array.mean(axis=0)),
            (float(last.mean()), float(last.min()), float(last.max())),
        )
        self._curve_cache[(experiment.name, metric)] = answer
        return answer

    def analyze(self, spec) -> dict:
        experiment, metric = spec
        curves, mean, final = self._curves(experiment, metric)
        base_curves, base_mean, base_final = self._curves(self.baseline, metric)
        return {
            "arm": experiment,
            "results": tuple(self.comparison.results[experiment.name]),
            "metric_name": metric,
            "curves": curves,
            "mean": mean,
            "final": final,
            "baseline_curves": base_curves,
            "baseline_mean": base_mean,
            "baseline_final": base_final,
        }

    @property
    def is_baseline(self) -> bool:
        return self.arm.name == self.baseline.name

    def headline_html(self) -> str:
        mean, low, high = self.final
        seeds = len(self.curves)
        value = (
            _("{metric} at epoch {epoch}: <b>{mean}</b> [{low}, {high}] over {seeds} seeds")
            if seeds != 1
            else _("{metric} at epoch {epoch}: <b>{mean}</b> [{low}, {high}] over {seeds} seed")
        ).format(
            metric=html.escape(self.metric_name),
            epoch=len(self.mean),
            mean=f"{mean:.3f}",
            low=f"{low:.3f}",
            high=f"{high:.3f}",
            seeds=seeds,
        )
        text = f"<b>{html.escape(self.arm.name)}</b>{DOT}{value}"
        if self.is_baseline:
            return text + DOT + _("the baseline")
        b_mean, b_low, b_high = self.baseline_final
        baseline = _("baseline ({name}): {mean} [{low}, {high}]").format(
            name=html.escape(self.baseline.name),
            mean=f"{b_mean:.3f}",
            low=f"{b_low:.3f}",
            high=f"{b_high:.3f}",
        )
        return text + DOT + baseline

    def _column(self, experiment: Experiment) -> list:
        comparison = self.comparison
        cells = [
            experiment.backbone_label,
            experiment.weights,
            LOSSES.get(experiment.loss, experiment.loss),
            _yes_no(experiment.augment),
            str(comparison.epochs),
            str(comparison.batch_size),
            ", ".join(str(s) for s in comparison.seeds),
        ]
        for metric in self.metrics:
            cells.append(self._curves(experiment, metric)[2])
        return [
            cell if isinstance(cell, str) else f"{cell[0]:.3f} [{cell[1]:.3f}, {cell[2]:.3f}]"
            for cell in cells
        ]

    def table(self) -> Table:
        last = _("{metric}, last epoch")
        labels = [
            _("backbone"),
            _("weights"),
            _("loss"),
            _("augmentation"),
            _("epochs"),
            _("batch size"),
            _("seeds"),
            *(last.format(metric=m) for m in self.metrics),
        ]
        arms = [self.arm] if self.is_baseline else [self.arm, self.baseline]
        columns = [self._column(e) for e in arms]
        marked = _("{name} (baseline)")
        header = [marked.format(name=self.arm.name) if self.is_baseline else self.arm.name]
        if not self.is_baseline:
            header.append(marked.format(name=self.baseline.name))
        rows = tuple((label, *cells) for label, *cells in zip(labels, *columns, strict=True))
        return Table(
            ("", *header),
            rows,
            title=_("settings, and the last epoch's mean [lowest, highest seed]"),
        )

    def render(self, spec) -> str:
        series = []
        if not self.is_baseline:
            name = _("baseline ({name})").format(name=self.baseline.name)
            series.append((name, self.baseline_curves, self.baseline_mean, True))
        series.append((self.arm.name, self.curves, self.mean, False))
        title = _("{metric} per epoch").format(metric=metric_label(self.metric_name))
        return seed_curves_svg(series, title)


def seed_curves_svg(series, title: str) -> str:
    """One line chart: for each ``(name, curves per seed, mean, grey)`` of ``series``, a
    thin line per seed and a thick line (with dots) for their mean, over epochs 1, 2, ...;
    the ``grey`` one is drawn under the others in greys, the rest in the course's first
    series colour. The y axis starts at 0 (values >= 0: accuracies, losses). Returns one
    ``<svg>`` string."""
    count = max(len(mean) for _, _, mean, _ in series)
    top = nice_ticks(max(max(max(c) for c in curves) for _, curves, _, _ in series))
    height = TOP + _CHART_H + BOTTOM + 18.0 * len(series) + 6.0
    width = LEFT + _CHART_W + RIGHT
    canvas = SvgCanvas(width, height, title)

    def px(i):
        return LEFT + (_CHART_W * i / (count - 1) if count > 1 else _CHART_W / 2)

    def py(v):
        return TOP + _CHART_H * (1 - v / top[-1])

    canvas.text(LEFT + _CHART_W / 2, TOP - 16, title, FONT_TITLE, bold=True)
    for tick in top:
        canvas.polyline([(LEFT, py(tick)), (LEFT + _CHART_W, py(tick))], "#dddddd", 0.8)
        canvas.text(LEFT - 6, py(tick), f"{tick:g}", FONT, anchor="end", color="#333333")
    for i in range(count):
        x = px(i)
        canvas.polyline([(x, TOP + _CHART_H), (x, TOP + _CHART_H + 4)], "#333333")
        canvas.text(x, TOP + _CHART_H + 15, str(i + 1), FONT, color="#333333")
    canvas.polyline(
        [(LEFT, TOP), (LEFT, TOP + _CHART_H), (LEFT + _CHART_W, TOP + _CHART_H)], "#333333"
    )
    canvas.text(LEFT + _CHART_W / 2, TOP + _CHART_H + 32, _("epoch"), FONT, color="#333333")
    one_seed = _("one seed")
    y, right = TOP + _CHART_H + BOTTOM + 8, width
    for name, curves, mean, grey in series:
        thick, thin = (_BASE_COLOUR, _BASE_SEED) if grey else (_ARM_COLOUR, _ARM_SEED)
        for curve in curves:
            canvas.polyline([(px(i), py(v)) for i, v in enumerate(curve)], thin, 1.0)
        points = [(px(i), py(v)) for i, v in enumerate(mean)]
        canvas.polyline(points, thick, 2.6)
        for px_, py_ in points:
            canvas.circle(px_, py_, 3.4, thick, "#ffffff", 1.0)
        # its legend line: thick mean, thin seed
        canvas.polyline([(LEFT, y), (LEFT + 22, y)], thick, 2.6)
        label = (
            _("{name}: mean of {count} seeds")
            if len(curves) != 1
            else _("{name}: mean of {count} seed")
        ).format(name=name, count=len(curves))
        canvas.text(LEFT + 28, y, label, FONT, anchor="start")
        x = LEFT + 28 + text_width(label, FONT) + 18
        canvas.polyline([(x, y), (x + 22, y)], thin, 1.0)
        canvas.text(x + 28, y, one_seed, FONT, anchor="start")
        right = max(right, x + 28 + text_width(one_seed, FONT) + RIGHT)
        y += 18.0
    canvas.width = right  # a long arm name widens the picture, not the chart
    return canvas.svg("inception-edu-chart")


# --------------------------------------------------------------------------- class errors


def _check_images(x_val, count: int) -> np.ndarray:
    if not isinstance(x_val, np.ndarray):
        raise ValueError(
            _(
                "x_val must be a numpy array of validation images (N, H, W, 3), (N, H, W, 1) or "
                "(N, H, W). Received: {kind}"
            ).format(kind=type(x_val).__name__)
        )
    shape = x_val.shape
    if x_val.ndim not in (3, 4) or (x_val.ndim == 4 and shape[-1] not in (1, 3)):
        raise ValueError(
            _(
                "x_val must hold images shaped (N, H, W, 3), (N, H, W, 1) or (N, H, W). "
                "Received: an array shaped {shape}"
            ).format(shape=shape)
        )
    if shape[0] != count:
        raise ValueError(
            _(
                "x_val must hold the {count} validation images the results were measured on "
                "(one per label). Received {received} images"
            ).format(count=count, received=shape[0])
        )
    if x_val.dtype == np.uint8:
        return x_val
    if not np.issubdtype(x_val.dtype, np.floating):
        raise ValueError(
            _("x_val must be floats in [0, 1] or uint8. Received dtype {dtype}").format(
                dtype=x_val.dtype
            )
        )
    low, high = float(np.min(x_val)), float(np.max(x_val))
    if not (np.isfinite(low) and np.isfinite(high)) or low < -1e-6 or high > 1 + 1e-6:
        raise ValueError(
            _("x_val must be floats in [0, 1]. Received values from {low} to {high}").format(
                low=f"{low:g}", high=f"{high:g}"
            )
        )
    return x_val


def _png(image: np.ndarray) -> str:
    """One image (H, W[, C]) in [0, 1] or uint8 as a base64 PNG."""
    if image.dtype != np.uint8:
        image = np.clip(np.round(image.astype(np.float64) * 255), 0, 255).astype(np.uint8)
    if image.ndim == 3 and image.shape[-1] == 1:
        image = image[..., 0]
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


class ClassErrorExplorer(Explorer):
    """What one arm gets wrong, class by class.

    ``results``: one arm's :class:`~inception_edu.experiments.transfer.experiment.ExperimentResult`,
    or a tuple of them, one per seed (``comparison.results[name]``). With several seeds,
    the error per class is the mean over the seeds (every seed sees the same validation
    images, so that is all their wrong answers over all their answers), the confusion
    counts are summed over the seeds, and the thumbnails are the *first* seed's mistakes
    (a mistake is an image and one model's answer: averaging answers would show a
    mistake no model made). ``x_val``: the validation images the results were measured
    on (``split.x_val``: floats in [0, 1] or uint8). ``chosen``: the class name to start
    at (default: the worst class).

    Attributes after a change: ``chosen`` (the class index), ``chosen_name``,
    ``class_error`` (the error per class, all classes), ``wrong`` and ``answers`` (the
    chosen class's wrong answers and all its answers, over the seeds), ``taken_for``
    (``(class index, count)`` of the classes it was taken for, most often first) and
    ``mistakes`` (the first seed's most confident mistakes on the chosen class, up to
    :data:`WORST`, as :class:`~inception_edu.experiments.transfer.experiment.Mistake`).
    ``settled``: whether every run's probabilities were measured after its batch-norm
    statistics were set from the training images (``ExperimentResult.settled``, where
    the results have it); a line under the bar chart then says so: the error per class
    is then not one minus the curves' last validation accuracy.
    """

    def __init__(self, results, x_val, draw: bool = True, chosen: str | None = None):
        self.runs = check_arm_results(results)
        first = self.runs[0]
        self.class_names = tuple(str(n) for n in first.class_names)
        self.labels = np.asarray(first.labels)
        self.x_val = _check_images(x_val, len(self.labels))
        self.class_error = np.mean([np.asarray(r.per_class_error, float) for r in self.runs], 0)
        self.counts = np.bincount(self.labels, minlength=len(self.class_names))
        self.confusion = np.sum([np.asarray(r.confusion) for r in self.runs], axis=0)
        self.seeds = len(self.runs)
        # measured after batch-norm statistics were set from the training images
        # (run_experiment's default, when the field exists): not the curves' last point
        self.settled = all(getattr(r, "settled", False) for r in self.runs)
        self._pictures: dict = {}
        self._thumbnails: dict = {}
        self._mistakes: dict = {}
        order = sorted(
            range(len(self.class_names)),
            key=lambda k: (np.isnan(self.class_error[k]), -np.nan_to_num(self.class_error[k]), k),
        )
        if chosen is None:
            start = order[0]
        else:
            check_choice(chosen, self.class_names, "chosen")
            start = self.class_names.index(chosen)
        self.dropdown = widgets.Dropdown(
            options=[(self._option(k), k) for k in order],
            value=start,
            description=_("class"),
            style={"description_width": "60px"},
            layout=widgets.Layout(width="360px"),
        )
        super().__init__([self.dropdown], draw)

    def _option(self, k: int) -> str:
        error = self.class_error[k]
        if np.isnan(error):
            text = _("no validation images")
        else:
            text = _("error {error}").format(error=f"{error:.2f}")
        return f"{self.class_names[k]} ({text})"

    def class_mistakes(self, k: int) -> tuple:
        """The first seed's most confident wrong answers on images of class ``k`` (up to
        :data:`WORST`), computed from its labels and probabilities, most confident first."""
        k = check_int(k, "k", 0, len(self.class_names) - 1)
        if k not in self._mistakes:
            probabilities = np.asarray(self.runs[0].probabilities)
            predicted = probabilities.argmax(axis=1)
            confidence = probabilities.max(axis=1)
            wrong = np.flatnonzero((self.labels == k) & (predicted != k))
            order = wrong[np.argsort(-confidence[wrong], kind="stable")][:WORST]
            shown = tuple(
                Mistake(int(i), k, int(predicted[i]), float(confidence[i])) for i in order
            )
            self._mistakes[k] = (shown, len(wrong))
        return self._mistakes[k][0]

    # ------------------------------------------------------------------ the steps

    def transform(self):
        return int(self.dropdown.value)

    def analyze(self, k) -> dict:
        row = self.confusion[k]
        answers = int(row.sum())
        taken = [(j, int(row[j])) for j in range(len(row)) if j != k and row[j] > 0]
        taken.sort(key=lambda pair: (-pair[1], pair[0]))
        return {
            "chosen": k,
            "chosen_name": self.class_names[k],
            "wrong": answers - int(row[k]),
            "answers": answers,
            "taken_for": tuple(taken),
            "mistakes": self.class_mistakes(k),
        }

    def headline_html(self) -> str:
        name = html.escape(self.chosen_name)
        if self.answers == 0:
            chosen, none = _("class {name}").format(name=name), _("no validation images")
            return f"<b>{chosen}</b>: {none}"
        error = self.class_error[self.chosen]
        if self.seeds == 1:
            count = _("{wrong} of {answers} validation images wrong").format(
                wrong=self.wrong, answers=self.answers
            )
        else:
            count = _(
                "{wrong} of {answers} answers wrong: {images} validation images x {seeds} seeds"
            ).format(
                wrong=self.wrong,
                answers=self.answers,
                images=self.counts[self.chosen],
                seeds=self.seeds,
            )
        chosen = _("class {name}: error {error}").format(name=name, error=f"{error:.2f}")
        text = f"<b>{chosen}</b> ({count})"
        if not self.taken_for:
            return text + _("; never taken for another class")
        return text + self._most_often()

    def _most_often(self) -> str:
        """'; most often taken for <b>dog</b> (3 times)', the classes tied first joined."""
        most = self.taken_for[0][1]
        tied = [self.class_names[j] for j, c in self.taken_for if c == most]
        if len(tied) > 1:
            times = _("{count} times each") if most != 1 else _("{count} time each")
        else:
            times = _("{count} times") if most != 1 else _("{count} time")
        return _("; most often taken for <b>{classes}</b> ({times})").format(
            classes=html.escape(_(" or ").join(tied)), times=times.format(count=most)
        )

    def table(self) -> Table:
        k, answers = self.chosen, self.answers

        def share(count):
            return f"{count / answers:.2f}" if answers else "-"

        right = int(self.confusion[k, k])
        rows = [(_("{name} (right)").format(name=self.chosen_name), right, share(right))]
        rows += [(self.class_names[j], c, share(c)) for j, c in self.taken_for]
        if not self.taken_for:
            rows.append((_("(no other class)"), 0, share(0)))
        columns = (
            _("{name} taken for").format(name=self.chosen_name),
            _("answers ({seeds} seeds)").format(seeds=self.seeds)
            if self.seeds > 1
            else _("answers"),
            _("share"),
        )
        return Table(columns, tuple(rows))

    def _thumbnail(self, index: int) -> str:
        if index not in self._thumbnails:
            self._thumbnails[index] = _png(self.x_val[index])
        return self._thumbnails[index]

    def _mistakes_html(self, k: int) -> str:
        name = html.escape(self.class_names[k])
        seed = (
            _(" (seed {seed})").format(seed=self.runs[0].experiment.seed) if self.seeds > 1 else ""
        )
        mistakes = self.class_mistakes(k)
        if not mistakes:
            none = _("No validation image of <b>{name}</b> was taken for another class{seed}.")
            return f"<div style='margin-top:6px'>{none.format(name=name, seed=seed)}</div>"
        height, width = self.x_val.shape[1:3]
        shown_h = round(THUMBNAIL_PX * height / width)
        smooth = "" if width >= THUMBNAIL_PX / 2 else "image-rendering:pixelated;"
        figures = []
        alt, caption = (
            _("validation image {index}: {name} taken for {taken}"),
            _("taken for {taken} (p={p})"),
        )
        for m in mistakes:
            taken = html.escape(self.class_names[m.predicted])
            figures.append(
                "<figure style='margin:0;text-align:center;font-size:85%'>"
                f"<img src='data:image/png;base64,{self._thumbnail(m.index)}' "
                f"width='{THUMBNAIL_PX}' height='{shown_h}' style='{smooth}' "
                f"alt='{alt.format(index=m.index, name=name, taken=taken)}'>"
                f"<figcaption>{caption.format(taken=taken, p=f'{m.confidence:.2f}')}"
                "</figcaption></figure>"
            )
        heading = _("the most confident mistakes{seed}, {shown} of {total}").format(
            seed=seed, shown=len(mistakes), total=self._mistakes[k][1]
        )
        return (
            f"<div style='margin-top:6px'><b>{name}</b>: {heading}"
            "</div><div style='display:flex;flex-wrap:wrap;gap:10px;align-items:flex-start'>"
            + "".join(figures)
            + "</div>"
        )

    def render(self, k) -> str:
        if k not in self._pictures:
            title = (
                _("validation error per class, mean of {seeds} seeds").format(seeds=self.seeds)
                if self.seeds > 1
                else _("validation error per class")
            )
            bars = bars_svg(
                np.nan_to_num(self.class_error, nan=0.0), self.class_names, title, highlight=k
            )
            note = _NOTE.format(_(_SETTLED_NOTE)) if self.settled else ""
            self._pictures[k] = f"<div>{bars}</div>{note}{self._mistakes_html(k)}"
        return self._pictures[k]

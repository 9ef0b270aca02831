"""Pictures of data and of per-class results: example images, per-class bars.

- :func:`show_examples`: a grid of training images, one row per class (notebooks 01, 09);
- :func:`plot_per_class`: one bar per class and run, e.g. the probes' accuracy on each
  class (notebook 01) or each model's per-class error (notebook 09).

A learner's own folder may hold a hundred classes or more, and a figure with a row or a
bar group per class then grows without bound (120 classes: an example grid 18,000 pixels
tall, bars 77 inches wide) and can no longer be read. With more classes than
``max_classes`` (:data:`READABLE_CLASSES` by default), the example grid shows an evenly
spaced sample of them and the bars the worst ones, and the title says what was left out;
with fewer, the figures are as they always were. The series take the colour-blind-safe
colours of :mod:`~inception_edu.viz.palette`.

Figures are made outside pyplot (:func:`inception_edu.viz.figures.new_figure`). Nothing
here imports TensorFlow.
"""

from __future__ import annotations

import textwrap
import warnings

import numpy as np

from inception_edu.i18n import N_, _
from inception_edu.spec.checks import check_int
from inception_edu.viz.figures import new_figure
from inception_edu.viz.palette import CATEGORICAL

__all__ = ["READABLE_CLASSES", "check_max_classes", "plot_per_class", "show_examples"]

#: The most classes a figure shows one by one (a row of examples, a group of bars, a row
#: of the confusion matrix); more, and it shows a selection and says so in its title.
#: 20 keeps the per-class bars within 18 inches wide and the example grid within 30 tall;
#: the course's 12 classes are all shown, the source's 51 cut to their worst 20.
READABLE_CLASSES = 20
_MOST_CLASSES = 30  # the largest max_classes allowed: figures stay bounded


def check_max_classes(max_classes) -> int:
    """``max_classes`` as an int from 2 to 30 (the figures' size grows with it), else a
    ``ValueError`` saying what was received."""
    return check_int(max_classes, "max_classes", 2, _MOST_CLASSES)


def _left_out(shown: int, classes: int) -> str:
    """``"the 20 worst of 120 classes"``: what a figure shows when it leaves classes out."""
    return _("the {shown} worst of {classes} classes").format(shown=shown, classes=classes)


def show_examples(split, per_class: int = 4, max_classes: int = READABLE_CLASSES):
    """A grid of training images, one row per class, titled with the class names.

    ``split`` is an :class:`inception_edu.data.Split` (grey or RGB images in [0, 1]).
    With more than ``max_classes`` classes (2 to 30), the rows are ``max_classes`` classes
    evenly spaced in name order (the first and the last among them), and the figure's
    title says how many of how many; the grid's size then no longer grows with the folder.
    """
    per_class = check_int(per_class, "per_class", 1, 32)
    max_classes = check_max_classes(max_classes)
    if not all(hasattr(split, a) for a in ("x_train", "y_train", "class_names")):
        raise ValueError(
            _("split must be a data.Split. Received: {kind}").format(kind=type(split).__name__)
        )
    classes = len(split.class_names)
    shown = list(range(classes))
    if classes > max_classes:
        shown = [int(k) for k in np.linspace(0, classes - 1, max_classes).round()]
    figure = new_figure(figsize=(1.6 * per_class + 1.8, 1.5 * len(shown)), layout="constrained")
    axes = figure.subplots(len(shown), per_class, squeeze=False)
    labels = np.asarray(split.y_train)
    for row, label in enumerate(shown):
        images = split.x_train[labels == label][:per_class]
        for column in range(per_class):
            ax = axes[row][column]
            ax.set_xticks([])
            ax.set_yticks([])
            if column < len(images):
                image = images[column]
                grey = image.shape[-1] == 1
                ax.imshow(
                    image[..., 0] if grey else image, cmap="gray" if grey else None, vmin=0, vmax=1
                )
        axes[row][0].set_ylabel(
            split.class_names[label], rotation=0, ha="right", va="center", fontsize=10
        )
    if len(shown) < classes:
        figure.suptitle(
            _(
                "training images of {shown} of {classes} classes\n"
                "(evenly spaced in name order; max_classes={max_classes})"
            ).format(shown=len(shown), classes=classes, max_classes=max_classes),
            fontsize=12,
        )
    return figure


def _per_class_runs(results) -> dict:
    """``{legend label: (runs, classes) array}`` from ProbeResults or a dict of values.

    ProbeResults with the same name (one probe trained on several seeds) become one
    entry with a row per seed; the legend gives their mean accuracy and the seed count.
    """
    if isinstance(results, dict):
        return {
            str(label): np.atleast_2d(np.asarray(values, dtype=float))
            for label, values in results.items()
        }
    grouped: dict = {}
    for result in results:
        if not all(hasattr(result, a) for a in ("name", "per_class", "val_accuracy")):
            raise ValueError(
                _(
                    "results must be ProbeResults or a dict {{label: per-class "
                    "values}}. Received: {kind}"
                ).format(kind=type(result).__name__)
            )
        grouped.setdefault(result.name, []).append(result)
    runs = {}
    for name, group in grouped.items():
        accuracy = np.mean([r.val_accuracy for r in group])
        label = f"{name} ({accuracy:.0%})"
        if len(group) > 1:
            label = _("{name} ({accuracy:.0%}, {n} seeds)").format(
                name=name, accuracy=accuracy, n=len(group)
            )
        runs[label] = np.asarray([r.per_class for r in group], dtype=float)
    return runs


def _mean_and_whiskers(values: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """Each class's mean over the runs (seeds) and its whiskers to the lowest and highest.

    Whiskers are ``None`` for a single run. Seeds that tie on a class give whiskers of
    zero; rounding can put the mean a hair outside [min, max] there, so the distances are
    clipped at zero (matplotlib refuses a negative whisker). A NaN (a class a run never
    saw) is left out of its class's mean and range; a class with no number at all gets
    no bar.
    """
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a column of NaN: no bar
        mean = np.nanmean(values, axis=0)
        if len(values) < 2:
            return mean, None
        low, high = np.nanmin(values, axis=0), np.nanmax(values, axis=0)
    whiskers = np.clip(np.stack([mean - low, high - mean]), 0.0, None)
    return mean, np.nan_to_num(whiskers, nan=0.0)


def _worst_classes(runs: dict, count: int, error: bool) -> np.ndarray:
    """The ``count`` classes with the highest error (lowest accuracy when not ``error``),
    worst first: ranked by each class's mean over every run and seed. A class with no
    number ranks last; ties keep the classes' order."""
    stacked = np.concatenate(list(runs.values()), axis=0)
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a column of NaN
        score = np.nanmean(stacked, axis=0)
    badness = np.nan_to_num(score if error else -score, nan=-np.inf)
    return np.argsort(-badness, kind="stable")[:count]


def _checked_runs(results, class_names: list) -> dict:
    """``results`` as ``{label: (runs, classes) values}``, each with one value per class."""
    runs = _per_class_runs(results) if results is not None else {}
    if not runs:
        raise ValueError(
            _("plot_per_class needs at least one ProbeResult or run. Received: {results!r}").format(
                results=results
            )
        )
    wrong = {label: v.shape[1] for label, v in runs.items() if v.shape[1] != len(class_names)}
    if wrong:
        raise ValueError(
            _("Each run needs one value per class ({classes}). Received {wrong}").format(
                classes=len(class_names), wrong=wrong
            )
        )
    return runs


def _grouped_bars(ax, runs: dict, class_names: list) -> None:
    """One bar per run and class at the mean over its seeds, whiskers over the seeds, in
    :data:`~inception_edu.viz.palette.CATEGORICAL`'s colours; class names under them."""
    width = 0.8 / len(runs)
    positions = np.arange(len(class_names))
    for i, (label, values) in enumerate(runs.items()):
        mean, spread = _mean_and_whiskers(values)
        ax.bar(
            positions + (i - (len(runs) - 1) / 2) * width,
            mean,
            width,
            label=label,
            color=CATEGORICAL[i % len(CATEGORICAL)],
            yerr=spread,
            capsize=2,
            error_kw={"linewidth": 0.8},
        )
    many = len(class_names) > 10
    labels = class_names if many else [textwrap.fill(str(n), 12) for n in class_names]
    ax.set_xticks(positions, labels, rotation=45 if many else 0, ha="right" if many else "center")


def plot_per_class(
    results,
    class_names,
    ylabel: str = N_("validation accuracy"),
    chance: bool = True,
    title: str | None = None,
    max_classes: int = READABLE_CLASSES,
):
    """Grouped bars: each run's value on each class.

    ``results``: :class:`~inception_edu.experiments.naive_block.ProbeResult` s of
    :func:`~inception_edu.experiments.naive_block.compare_blocks` (accuracy per class; a probe
    trained on several seeds is one bar at the mean, its whisker spanning the seeds'
    lowest to highest), or a dict ``{label: values}`` with one value per class (e.g.
    :func:`inception_edu.training.metrics.per_class_error`; pass ``ylabel="error rate"``).
    ``chance`` draws the dotted line of a uniform guess (1/K accuracy, or 1 - 1/K error
    when ``ylabel`` says "error").

    With more than ``max_classes`` classes (2 to 30), only the ``max_classes`` worst are
    drawn, worst first: the highest mean over all runs and seeds when ``ylabel`` says
    "error", else the lowest; each keeps its whisker over the seeds, and the title says
    how many of how many are shown. Series take :data:`~inception_edu.viz.palette.CATEGORICAL`'s
    colours in order.
    """
    max_classes = check_max_classes(max_classes)
    class_names = list(class_names)
    runs = _checked_runs(results, class_names)
    error = "error" in ylabel
    classes = len(class_names)
    left_out = ""
    if classes > max_classes:
        worst = _worst_classes(runs, max_classes, error)
        runs = {label: values[:, worst] for label, values in runs.items()}
        class_names = [class_names[k] for k in worst]
        left_out = _left_out(max_classes, classes)
    figure = new_figure(figsize=(max(8.5, 0.6 * len(class_names) + 5.5), 3.8), layout="constrained")
    ax = figure.subplots()
    _grouped_bars(ax, runs, class_names)
    ax.set_ylim(0, 1.05)
    ylabel = _(ylabel) if ylabel else ylabel  # the default in the course's language
    ax.set_ylabel(ylabel)
    if chance:
        level = 1 / classes
        level = 1 - level if error else level
        ax.axhline(level, color="grey", linestyle=":", linewidth=1)
    notes = [
        note
        for note, on in (
            (_("{left_out}, worst first").format(left_out=left_out), bool(left_out)),
            (_("dotted line: chance"), chance),
            (_("whiskers: lowest to highest seed"), any(len(v) > 1 for v in runs.values())),
        )
        if on
    ]
    if title and left_out:
        title = f"{title}\n({left_out})"
    on_each = _("{metric} on each class").format(metric=ylabel)
    ax.set_title(
        title or on_each + (f"\n({'; '.join(notes)})" if notes else ""),
        fontsize=11,
    )
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=10)
    return figure

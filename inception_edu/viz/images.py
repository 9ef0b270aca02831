"""Pictures of data and of per-class results: example images, per-class bars.

- :func:`show_examples`: a grid of training images, one row per class (notebooks 01, 09);
- :func:`plot_per_class`: one bar per class and run, e.g. the probes' accuracy on each
  class (notebook 01) or each model's per-class error (notebook 09).

Figures are made outside pyplot (:func:`inception_edu.viz.figures.new_figure`). Nothing
here imports TensorFlow.
"""

from __future__ import annotations

import textwrap
import warnings

import numpy as np

from inception_edu.spec.checks import check_int
from inception_edu.viz.figures import new_figure

__all__ = ["plot_per_class", "show_examples"]


def show_examples(split, per_class: int = 4):
    """A grid of training images, one row per class, titled with the class names.

    ``split`` is an :class:`inception_edu.data.Split` (grey or RGB images in [0, 1]).
    """
    per_class = check_int(per_class, "per_class", 1)
    if not all(hasattr(split, a) for a in ("x_train", "y_train", "class_names")):
        raise ValueError(f"split must be a data.Split. Received: {type(split).__name__}")
    classes = len(split.class_names)
    figure = new_figure(figsize=(1.6 * per_class + 1.8, 1.5 * classes), layout="constrained")
    axes = figure.subplots(classes, per_class, squeeze=False)
    for label in range(classes):
        images = split.x_train[np.asarray(split.y_train) == label][:per_class]
        for column in range(per_class):
            ax = axes[label][column]
            ax.set_xticks([])
            ax.set_yticks([])
            if column < len(images):
                image = images[column]
                grey = image.shape[-1] == 1
                ax.imshow(
                    image[..., 0] if grey else image, cmap="gray" if grey else None, vmin=0, vmax=1
                )
        axes[label][0].set_ylabel(
            split.class_names[label], rotation=0, ha="right", va="center", fontsize=10
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
                "results must be ProbeResults or a dict {label: per-class "
                f"values}}. Received: {type(result).__name__}"
            )
        grouped.setdefault(result.name, []).append(result)
    runs = {}
    for name, group in grouped.items():
        accuracy = np.mean([r.val_accuracy for r in group])
        seeds = f", {len(group)} seeds" if len(group) > 1 else ""
        runs[f"{name} ({accuracy:.0%}{seeds})"] = np.asarray(
            [r.per_class for r in group], dtype=float
        )
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


def plot_per_class(
    results,
    class_names,
    ylabel: str = "validation accuracy",
    chance: bool = True,
    title: str | None = None,
):
    """Grouped bars: each run's value on each class.

    ``results``: :class:`~inception_edu.experiments.naive_block.ProbeResult` s of
    :func:`~inception_edu.experiments.naive_block.compare_blocks` (accuracy per class; a probe
    trained on several seeds is one bar at the mean, its whisker spanning the seeds'
    lowest to highest), or a dict ``{label: values}`` with one value per class (e.g.
    :func:`inception_edu.training.metrics.per_class_error`; pass ``ylabel="error rate"``).
    ``chance`` draws the dotted line of a uniform guess (1/K accuracy, or 1 - 1/K error
    when ``ylabel`` says "error").
    """
    runs = _per_class_runs(results) if results is not None else {}
    if not runs:
        raise ValueError(
            f"plot_per_class needs at least one ProbeResult or run. Received: {results!r}"
        )
    class_names = list(class_names)
    wrong = {label: v.shape[1] for label, v in runs.items() if v.shape[1] != len(class_names)}
    if wrong:
        raise ValueError(
            f"Each run needs one value per class ({len(class_names)}). Received {wrong}"
        )
    figure = new_figure(figsize=(max(8.5, 0.6 * len(class_names) + 5.5), 3.8), layout="constrained")
    ax = figure.subplots()
    width = 0.8 / len(runs)
    positions = np.arange(len(class_names))
    for i, (label, values) in enumerate(runs.items()):
        mean, spread = _mean_and_whiskers(values)
        ax.bar(
            positions + (i - (len(runs) - 1) / 2) * width,
            mean,
            width,
            label=label,
            yerr=spread,
            capsize=2,
            error_kw={"linewidth": 0.8},
        )
    many = len(class_names) > 10
    labels = class_names if many else [textwrap.fill(str(n), 12) for n in class_names]
    ax.set_xticks(positions, labels, rotation=45 if many else 0, ha="right" if many else "center")
    ax.set_ylim(0, 1.05)
    ax.set_ylabel(ylabel)
    if chance:
        level = 1 / len(class_names)
        level = 1 - level if "error" in ylabel else level
        ax.axhline(level, color="grey", linestyle=":", linewidth=1)
    notes = [
        note
        for note, on in (
            ("dotted line: chance", chance),
            ("whiskers: lowest to highest seed", any(len(v) > 1 for v in runs.values())),
        )
        if on
    ]
    ax.set_title(
        title or f"{ylabel} on each class" + (f"\n({'; '.join(notes)})" if notes else ""),
        fontsize=11,
    )
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=10)
    return figure

"""Curves of training: loss/accuracy per epoch, gradient strength per stage, calibration.

- :func:`metric_label`: a metric's name in words (``metric_values`` and ``metric_key``,
  which read a history, live in :mod:`inception_edu.training.metrics`);
- :func:`plot_histories`: several runs side by side, one panel per metric;
- :func:`plot_gradient_norms`: gradient strength from input to output, one line per run
  (notebook 03, claim C10);
- :func:`plot_reliability`: a reliability diagram, confidence against accuracy
  (Guo et al. 2017; notebook 06).

Figures are made outside pyplot (:func:`inception_edu.viz.figures.new_figure`): a notebook
shows one where it is returned, and ``fig.savefig(...)`` works as usual. Nothing here
imports TensorFlow.
"""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import MaxNLocator

from inception_edu.i18n import N_, _
from inception_edu.spec.checks import check_int
from inception_edu.training.metrics import history_logs, metric_key, metric_values
from inception_edu.viz.figures import new_figure

__all__ = [
    "metric_key",
    "metric_label",
    "metric_values",
    "plot_gradient_norms",
    "plot_histories",
    "plot_reliability",
]


# --------------------------------------------------------------------------- histories

#: A metric's name in words, by the data it is measured on (``{metric}``: its words).
_SPLIT_LABELS = {"validation": N_("validation {metric}"), "training": N_("training {metric}")}
#: The words of the metrics the course logs, translated where shown (others stay as named).
_METRIC_WORDS = {
    "loss": N_("loss"),
    "accuracy": N_("accuracy"),
    "binary accuracy": N_("binary accuracy"),
    "categorical accuracy": N_("categorical accuracy"),
    "settled accuracy": N_("settled accuracy"),
}
_MAIN_HEAD = N_("{label} (main head)")
_EPOCH = N_("epoch")
_BAND = N_("{label} (band: lowest to highest seed)")


def metric_label(metric: str, main_head: bool = False, split: bool = True) -> str:
    """What a metric is, in words: ``"val_accuracy"`` -> ``"validation accuracy"``;
    with ``main_head`` (the history of a model with aux heads) ``"... (main head)"``;
    ``split=False`` leaves out the data it is measured on (``"loss"``), as a panel whose
    legend says it does. In the course's language (:mod:`inception_edu.i18n`)."""
    validation = metric.startswith("val_")
    base = (metric[4:] if validation else metric).replace("_", " ")
    words = _(_METRIC_WORDS[base]) if base in _METRIC_WORDS else base
    label = words
    if split:
        split_label = _SPLIT_LABELS["validation" if validation else "training"]
        label = _(split_label).format(metric=words)
    return _(_MAIN_HEAD).format(label=label) if main_head else label


def plot_histories(histories: dict, metrics=("loss", "val_accuracy")):
    """Curves of several runs side by side: one subplot per metric, one line per run.

    ``histories`` maps a label ("with aux", "without aux") to a Keras History (or its
    ``.history`` dict). Metric names are normalised by :func:`metric_values`, so
    ``"val_accuracy"`` means the main classifier's for a plain and an aux model alike,
    and the panels say so: "training loss (main head)" when a run has aux heads (its
    weighted total is not what is drawn).
    """
    if not isinstance(histories, dict) or not histories:
        raise ValueError(
            _("histories must be a non-empty dict {{label: History}}. Received: {kind}").format(
                kind=type(histories).__name__
            )
        )
    metrics = (metrics,) if isinstance(metrics, str) else tuple(metrics)
    if not metrics:
        raise ValueError(_("metrics must name at least one metric. Received: ()"))
    fig = new_figure(figsize=(4 * len(metrics), 3.2), layout="constrained")
    axes = fig.subplots(1, len(metrics), squeeze=False)[0]
    for ax, metric in zip(axes, metrics, strict=True):
        main_head = False
        for label, history in histories.items():
            values = metric_values(history, metric)
            main_head |= metric_key(history_logs(history), metric) != metric
            ax.plot(
                np.arange(1, len(values) + 1), values, marker="o", markersize=3, label=str(label)
            )
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel(_(_EPOCH))
        ax.set_ylabel(metric_label(metric, main_head))
        ax.grid(alpha=0.3)
        ax.legend(loc="best")
    return fig


# --------------------------------------------------------------------------- gradients


def _short(name: str) -> str:
    return name.removeprefix("inception_")


def _seed_groups(runs) -> tuple:
    """``runs`` as ``{label: [one dict per seed]}``, and the names every dict gives, in
    order; a ``ValueError`` for anything else."""
    wrong = _(
        "runs must be a non-empty dict {{label: {{name: value}} or a list of them}}. "
        "Received: {runs!r:.80}"
    )
    if not isinstance(runs, dict) or not runs:
        raise ValueError(wrong.format(runs=runs))
    seeds = {label: [v] if isinstance(v, dict) else list(v) for label, v in runs.items()}
    if not all(group and all(isinstance(d, dict) and d for d in group) for group in seeds.values()):
        raise ValueError(wrong.format(runs=runs))
    names = list(next(iter(seeds.values()))[0])
    for label, group in seeds.items():
        if any(list(values) != names for values in group):
            raise ValueError(
                _(
                    "Every run must give the same names in the same order; "
                    "{label!r} differs from the first run."
                ).format(label=label)
            )
    return seeds, names


def _plot_seeds(ax, label, group: list, names: list) -> None:
    """One run's line: its value, or over several seeds their geometric mean with a band
    from the lowest to the highest seed."""
    values = np.array([[d[name] for name in names] for d in group], dtype=float)
    with np.errstate(divide="ignore"):  # a norm of exactly 0 has no place on a log axis
        centre = np.exp(np.log(values).mean(axis=0)) if len(group) > 1 else values[0]
    if len(group) > 1:
        label = _("{label} ({n} seeds: geometric mean)").format(label=label, n=len(group))
    (line,) = ax.plot(range(len(names)), centre, marker="o", markersize=4, label=str(label))
    if len(group) > 1:
        ax.fill_between(
            range(len(names)),
            values.min(axis=0),
            values.max(axis=0),
            color=line.get_color(),
            alpha=0.15,
            linewidth=0,
        )


def _mark_taps(ax, names: list, taps) -> None:
    """A dotted line after the last point of each stage an aux head taps, labelled."""
    for tap in taps:
        found = [
            i
            for i, name in enumerate(names)
            if _short(name) == _short(tap) or _short(name).startswith(_short(tap) + "_")
        ]
        if found:
            after = max(found) + 0.5
            ax.axvline(after, color="#555555", linestyle=":", linewidth=1.2)
            ax.annotate(
                _("aux head on {stage}").format(stage=_short(tap)),
                (after, 1),
                xycoords=("data", "axes fraction"),
                xytext=(3, -14),
                textcoords="offset points",
                fontsize=10,
                color="#444444",
            )


def plot_gradient_norms(
    runs: dict,
    taps=("4a", "4d"),
    title: str = N_("gradient reaching each stage"),
    ylabel: str = N_("RMS gradient per kernel weight"),
    log: bool = True,
    reference: float | None = None,
):
    """One line per run of gradient strengths, input on the left, output on the right.

    ``runs`` maps a label to ``{name: value}`` (one run) or to a list of such dicts (the
    same run on several seeds: the line follows their geometric mean and a band spans
    the lowest to the highest seed). Meant for
    :func:`inception_edu.training.gradient_norms_by_stage` (one point per stage); per-layer
    norms (:func:`~inception_edu.training.gradient_norms`) draw too, with fewer tick
    labels. Dotted lines follow the stages the aux heads tap (``taps``: ``"4a"`` or
    ``"inception_4a"``). ``log=False`` and ``reference=1`` suit a ratio (with aux / without).
    """
    seeds, names = _seed_groups(runs)
    figure = new_figure(figsize=(11, 4.2), layout="constrained")
    ax = figure.subplots()
    for label, group in seeds.items():
        _plot_seeds(ax, label, group, names)
    if log:
        ax.set_yscale("log")
    if reference is not None:
        ax.axhline(reference, color="black", linewidth=0.8)
    every = max(1, len(names) // 24)
    ticks = list(range(0, len(names), every))
    ax.set_xticks(ticks, [_short(names[i]) for i in ticks], fontsize=10, rotation=45, ha="right")
    _mark_taps(ax, names, taps)
    ax.set_xlabel(_("from input (left) to output (right)"), fontsize=11)
    ax.set_ylabel(_(ylabel), fontsize=11)  # the defaults in the course's language
    ax.set_title(_(title), fontsize=12)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=10)
    return figure


# --------------------------------------------------------------------------- calibration


def plot_reliability(
    bins=None, probabilities=None, labels=None, n_bins: int = 15, title: str | None = None, ax=None
):
    """A reliability diagram: accuracy against confidence per bin, and the ECE.

    Pass the bins of :func:`inception_edu.training.metrics.reliability_bins` (or a dict
    ``{label: bins}`` to overlay runs), or ``probabilities`` and ``labels`` to bin them
    here (``n_bins`` equal-width bins). Bars show each bin's accuracy, the diagonal is
    perfect calibration: bars below it are overconfident. Bins with no example are left
    empty. Returns the figure (``ax``: draw into an existing matplotlib axis instead).
    """
    if bins is None:
        if probabilities is None or labels is None:
            raise ValueError(
                _("plot_reliability needs bins, or probabilities and labels. Received neither")
            )
        from inception_edu.training.metrics import reliability_bins

        bins = reliability_bins(probabilities, labels, check_int(n_bins, "n_bins", 1))
    runs = bins if isinstance(bins, dict) else {None: bins}
    for run in runs.values():
        if not all(hasattr(run, a) for a in ("edges", "accuracy", "confidence", "count")):
            raise ValueError(
                _(
                    "bins must come from reliability_bins (edges, accuracy, "
                    "confidence, count). Received: {kind}"
                ).format(kind=type(run).__name__)
            )
    if ax is None:
        figure = new_figure(figsize=(6.4, 6.4), layout="constrained")
        ax = figure.subplots()
    else:
        figure = ax.figure
    width_share = 1 / len(runs)
    for i, (label, run) in enumerate(runs.items()):
        edges = np.asarray(run.edges)
        widths = np.diff(edges) * width_share
        filled = np.asarray(run.count) > 0
        text = f"ECE {run.ece:.3f}" if label is None else f"{label} (ECE {run.ece:.3f})"
        ax.bar(
            edges[:-1][filled] + i * widths[filled],
            np.asarray(run.accuracy)[filled],
            widths[filled],
            align="edge",
            alpha=0.75,
            edgecolor="black",
            linewidth=0.5,
            label=text,
        )
    perfect = _("perfect calibration")
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", linewidth=1, label=perfect)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel(_("confidence (top class probability)"), fontsize=12)
    ax.set_ylabel(metric_label("accuracy", split=False), fontsize=12)
    ax.tick_params(labelsize=11)
    ax.set_title(_(title) if title else _("reliability diagram"), fontsize=12)
    # under the axes, where no bar can be: underconfident runs fill the upper left
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), fontsize=11, frameon=False)
    return figure


# --------------------------------------------------------------------------- seeds, costs


def plot_runs(
    runs: dict,
    metric: str = N_("validation accuracy"),
    title: str = "",
    ax=None,
    legend: str = "lower right",
):
    """Curves over epochs, one line per run at the mean of its seeds, a band from the
    lowest to the highest seed. ``runs``: ``{label: [[value per epoch] per seed]}``.

    ``ax``: draw into this matplotlib axes (a panel of a larger figure) instead of a new
    figure; ``legend``: where the legend goes (a matplotlib ``loc``, or ``"outside"``:
    right of the panel)."""
    if not isinstance(runs, dict) or not runs:
        raise ValueError(
            _(
                "runs must be a non-empty dict {{label: [curve per seed]}}. Received: {runs!r:.80}"
            ).format(runs=runs)
        )
    if ax is None:
        figure = new_figure(figsize=(8, 3.6), layout="constrained")
        ax = figure.subplots()
    else:
        figure = ax.figure
    for label, curves in runs.items():
        values = np.asarray(curves, dtype=float)
        if values.ndim != 2 or not values.size:
            raise ValueError(
                _(
                    "Each run needs one curve per seed, all the same length. "
                    "Received for {label!r}: {curves!r:.80}"
                ).format(label=label, curves=curves)
            )
        epochs = np.arange(1, values.shape[1] + 1)
        (line,) = ax.plot(
            epochs,
            values.mean(axis=0),
            marker="o",
            markersize=4,
            label=_("{label} ({n} seeds: mean)").format(label=label, n=len(values)),
        )
        if len(values) > 1:
            ax.fill_between(
                epochs,
                values.min(axis=0),
                values.max(axis=0),
                color=line.get_color(),
                alpha=0.15,
                linewidth=0,
            )
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    metric = _(metric)  # the default in the course's language
    ax.set_xlabel(_(_EPOCH), fontsize=11)
    ax.set_ylabel(metric, fontsize=11)
    ax.set_title(_(title) if title else _(_BAND).format(label=metric), fontsize=12)
    ax.grid(alpha=0.3)
    if legend == "outside":  # beside the panel: it hides no curve
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=10)
    else:
        ax.legend(loc=legend, fontsize=10)
    return figure

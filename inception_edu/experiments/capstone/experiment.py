"""Notebook 11's experiment: every design in the same small network, on the accuracy-cost
plane beside the paper's modules.

- :func:`reference_blocks` / :func:`reference_designs`: the course's four references, taken
  from the zoo at a quarter of the papers' widths: the naive module and inception(3a)'s
  bottleneck module (GoogLeNet, Szegedy et al. 2014, Figure 2 and Table 1), v3's
  factorized Inception-A (Szegedy et al. 2015, Figure 5, as released) and an
  Inception-ResNet-A (Szegedy et al. 2016, Figure 10, scale 0.17 as released).
- :func:`capstone_network`: a 3x3 stem, the block, global average pooling and a softmax:
  every design in the same network, so only the block differs.
- :func:`train_designs`: every design, trained on the same data with the same seeds and
  budget through :func:`~inception_edu.training.run`, with checkpoints; one
  :class:`DesignRun` per design and seed (validation error, the block's and the network's
  parameters and multiply-adds).
- :func:`design_table`, :func:`pareto_front`, :func:`plot_plane`, :func:`target_verdict`:
  the class's numbers, its best trade-offs, the plane, and whether a design meets a target.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from inception_edu.analysis import Table, analyze_model, fmt_count
from inception_edu.course.claims import empirical_verdict
from inception_edu.course.history import V3_ABLATION
from inception_edu.data import Split
from inception_edu.experiments.capstone.design import BLOCK_INPUT, design_to_spec, spec_to_design
from inception_edu.i18n import N_, _
from inception_edu.spec.checks import (
    check_choice,
    check_flag,
    check_input_shape,
    check_int,
    check_items,
    check_number,
    check_seeds,
    checks_keywords,
)
from inception_edu.spec.nodes import Concat, Residual
from inception_edu.spec.ops import classifier_head, conv_bn, conv_relu, named, scaled
from inception_edu.viz.figures import new_figure
from inception_edu.zoo import googlenet, inception_resnet, inception_v3
from inception_edu.zoo.layout import Layout

if TYPE_CHECKING:  # the training modules import TensorFlow: only when a run starts
    from inception_edu.training.recipe import Recipe

__all__ = [
    "REFERENCE_SOURCES",
    "REFERENCE_WIDTH",
    "DesignRun",
    "capstone_network",
    "design_table",
    "pareto_front",
    "plot_plane",
    "reference_blocks",
    "reference_designs",
    "target_verdict",
    "train_designs",
    "write_table_csv",
]

#: The references' width: a quarter of the papers' filters, on a quarter of inception(3a)'s
#: 192 input channels (:data:`~inception_edu.experiments.capstone.design.BLOCK_INPUT`).
REFERENCE_WIDTH = 0.25

#: The plane's error axis turns logarithmic when the worst seed's error is more than
#: this many times the best's.
LOG_ERRORS = 5

#: More designs than this and the plane numbers its points and names them in a key.
CROWDED = 8

#: Where each reference comes from, for the table.
REFERENCE_SOURCES = {
    "naive": "GoogLeNet Fig. 2a",
    "inception(3a)": "GoogLeNet Fig. 2b, Table 1",
    "v3 Inception-A": "Inception-v3 Fig. 5",
    "Inception-ResNet-A": "Inception-ResNet-v1 Fig. 10",
}


def reference_blocks(width: float = REFERENCE_WIDTH, batch_norm: bool = True) -> dict:
    """``{label: block spec}`` of the course's references, built by the zoo at ``width``.

    The naive module takes inception(3a)'s 1x1, 3x3 and 5x5 filter counts (Table 1: 64,
    128, 32) without its reductions; its pool passes the input's channels through.
    ``batch_norm=True`` (the default) gives the two GoogLeNet modules v3's convolution,
    batch-norm and ReLU, as BN-Inception did (Ioffe and Szegedy 2015), so that the plane
    compares the blocks' structure and not their normalisation: without it, the 2014
    modules learn far more slowly in a short run. ``False``: their 2014 convolutions
    (a bias and a ReLU).
    """
    width = check_number(width, "width", 0, 4, open_min=True)
    conv = conv_bn if check_flag(batch_norm, "batch_norm") else conv_relu
    columns = dict(zip(googlenet.COLUMNS, googlenet.MODULES["3a"], strict=True))

    def w(filters):
        return scaled(filters, width)

    return {
        "naive": googlenet.naive_inception_module(
            "naive", w(columns["ch1x1"]), w(columns["ch3x3"]), w(columns["ch5x5"]), conv=conv
        ),
        "inception(3a)": googlenet.inception_module(
            "inception_3a", *(w(columns[c]) for c in googlenet.COLUMNS), conv=conv
        ),
        "v3 Inception-A": inception_v3.inception_a("inception_a", 32, w),
        "Inception-ResNet-A": inception_resnet.block(
            "v1", "a", "inception_resnet_a", inception_resnet.RESIDUAL_SCALES[0], w
        ),
    }


def reference_designs(width: float = REFERENCE_WIDTH, batch_norm: bool = True) -> dict:
    """``{label: design}``: :func:`reference_blocks` in the design format, named by label
    (a learner opens one, changes it and saves it as their own)."""
    return {
        label: spec_to_design(block, label)
        for label, block in reference_blocks(width, batch_norm).items()
    }


def _block(design, input_shape, label: str):
    """A design dict or a block spec, as a block spec checked on ``input_shape``."""
    if isinstance(design, (Concat, Residual)):
        design_to_spec(spec_to_design(design), input_shape, source=label)  # the same checks
        return design
    return design_to_spec(design, input_shape, source=label)


def capstone_network(block, classes: int = 10, input_shape=(8, 8, 1), stem_channels: int = 48):
    """The network every design is trained in: a 3x3 convolution with batch-norm and ReLU
    (``stem_channels`` filters), ``block`` (its stage named ``"block"``), global average
    pooling and a softmax classifier. A :class:`~inception_edu.spec.ModelSpec`."""
    if not isinstance(block, (Concat, Residual)):
        raise ValueError(
            _(
                "block must be a Concat or Residual spec (design_to_spec(design)). Received: {kind}"
            ).format(kind=type(block).__name__)
        )
    classes = check_int(classes, "classes", 2)
    input_shape = check_input_shape(input_shape, 4, N_("the capstone network"))
    stem_channels = check_int(stem_channels, "stem_channels", 1)
    layout = (
        Layout()
        .add("stem", [named(conv_bn(stem_channels, 3), "stem_3x3")])
        .add("block", [named(block, "block")])
        .add("classifier", classifier_head(classes, None, "softmax"))
    )
    spec = layout.spec("capstone", default_input=input_shape[0], min_input=4, classes=classes)
    analyze_model(spec, input_shape)  # a block that does not fit fails here, clearly
    return spec


@dataclass(frozen=True)
class DesignRun:
    """One design trained with one seed: its validation error and what it costs (the
    block's and the whole network's parameters and multiply-adds per image)."""

    design: str
    source: str
    seed: int
    val_error: float
    block_params: int
    block_macs: int
    network_params: int
    network_macs: int


def _default_recipe():
    from inception_edu.training.recipe import Recipe

    return Recipe(optimizer="adam", learning_rate=1e-2, schedule="cosine", alpha=0.05)


def _checkpoint_dir(root, digest: str, seed: int):
    if root is None:
        return None
    if not isinstance(root, (str, os.PathLike)) or not str(os.fspath(root)):
        raise ValueError(
            _(
                "checkpoint_root must be None or a folder path. Received: checkpoint_root={root!r}"
            ).format(root=root)
        )
    return os.path.join(os.fspath(root), digest, f"seed_{seed}")


@checks_keywords
def train_designs(
    split,
    designs: dict,
    seeds=(0, 1, 2),
    epochs: int = 4,
    batch_size: int = 64,
    stem_channels: int = BLOCK_INPUT[2],
    recipe: Recipe | None = None,
    checkpoint_root=None,
    sources: dict | None = None,
) -> list:
    """Train :func:`capstone_network` with each design on ``split``; return one
    :class:`DesignRun` per seed and design, seed by seed, designs in the given order.

    ``designs``: ``{label: design dict or block spec}`` (every one is checked on the
    block's input first, so a bad design fails before anything trains). All designs train
    side by side in one Keras model
    (:func:`~inception_edu.training.side_by_side.side_by_side`), each network's loss
    weighing 1, so that each learns as if alone, on the same batches in the same order
    (shuffled from the seed) with the same recipe (default: Adam at 1e-2, cosine decay to
    5%) for ``epochs``. For each seed, every weight is drawn anew from the seed and its
    layer's name (:func:`~inception_edu.keras_build.weights.reinitialize`: the designs'
    stems start alike, so within a seed only the block differs) and the model is trained
    through :func:`~inception_edu.training.run`, which keeps the step it traced for the
    first seed. With ``checkpoint_root``, every epoch is saved under
    ``checkpoint_root/<the setup's digest>/seed_<seed>`` and an interrupted run resumes
    there. Batch-norm statistics are then set from the training images
    (:func:`~inception_edu.training.batch_norm.settle_batch_norm`), as a long run would
    leave them, and the validation error is measured once. ``sources``: ``{label: where it
    came from}`` for the table (a file name); a reference's is the paper's figure by
    default (:data:`REFERENCE_SOURCES`).
    """
    if not isinstance(split, Split):
        raise ValueError(
            _("split must be a data.Split. Received: {kind}").format(kind=type(split).__name__)
        )
    if not isinstance(designs, dict) or not designs:
        raise ValueError(
            _("designs must be a non-empty {shape} dict. Received: {designs!r:.80}").format(
                shape="{label: design}", designs=designs
            )
        )
    seeds = check_seeds(seeds)
    epochs = check_int(epochs, "epochs", 1)
    batch_size = check_int(batch_size, "batch_size", 1)
    stem_channels = check_int(stem_channels, "stem_channels", 1)
    from inception_edu.training.recipe import check_recipe

    recipe = check_recipe(recipe, _default_recipe())
    sources = _check_sources(sources)
    specs = _design_networks(split, designs, stem_channels)
    costs = {label: analyze_model(spec, split.input_shape) for label, spec in specs.items()}
    digest = _digest(specs, split, seeds, epochs, batch_size, recipe)

    from inception_edu.keras_build import build
    from inception_edu.keras_build.weights import reinitialize
    from inception_edu.training.batch_norm import settle_batch_norm
    from inception_edu.training.runner import run
    from inception_edu.training.side_by_side import replica_keys, side_by_side

    model = side_by_side([build(spec, split.input_shape) for spec in specs.values()])
    keys = dict(zip(specs, replica_keys(len(specs)), strict=True))
    recipe = recipe.replace(loss_weights={key: 1.0 for key in keys.values()})
    runs = []
    for seed in seeds:
        reinitialize(model, seed)
        run(
            model,
            _batches(split.x_train, split.y_train, batch_size, seed),
            None,
            recipe,
            epochs,
            seed=seed,
            checkpoint_dir=_checkpoint_dir(checkpoint_root, digest, seed),
            label=_("{count} designs, seed {seed}").format(count=len(specs), seed=seed),
        )
        settle_batch_norm(model, split.x_train)
        runs += _measure_designs(model, keys, split, costs, sources, seed)
    return runs


def _check_sources(sources) -> dict:
    """``sources`` (``{label: where it came from}`` or None) as a dict of its own."""
    if sources is not None and not isinstance(sources, dict):
        raise ValueError(
            _("sources must be a {shape} dict or None. Received: {sources!r:.80}").format(
                shape="{label: text}", sources=sources
            )
        )
    return dict(sources or {})


def _design_networks(split: Split, designs: dict, stem_channels: int) -> dict:
    """``{label: capstone_network}`` of each design, checked on the block's input (the
    stem's output on ``split``'s images), so that a bad design fails before anything
    trains."""
    height, width, _channels = split.input_shape
    block_input = (height, width, stem_channels)
    specs = {}
    for label, design in designs.items():
        if not isinstance(label, str) or not label:
            raise ValueError(
                _("Each design's label must be a non-empty text. Received: {label!r}").format(
                    label=label
                )
            )
        block = _block(design, block_input, label)
        specs[label] = capstone_network(block, split.num_classes, split.input_shape, stem_channels)
    return specs


def _measure_designs(model, keys: dict, split: Split, costs: dict, sources: dict, seed: int):
    """One :class:`DesignRun` per design of the side-by-side ``model`` (its output
    ``keys[label]``) just trained with ``seed``: its validation error on ``split`` and its
    ``costs``; its source from ``sources``, else :data:`REFERENCE_SOURCES`, else empty."""
    from inception_edu.backend import keras

    predictions = model(split.x_val, training=False)  # one call: the set is small
    runs = []
    for label, key in keys.items():
        guesses = keras.ops.convert_to_numpy(predictions[key]).argmax(axis=1)
        cost = costs[label]
        block = cost.block("block")
        runs.append(
            DesignRun(
                label,
                sources.get(label, REFERENCE_SOURCES.get(label, "")),
                seed,
                float(np.mean(guesses != split.y_val)),
                block.params,
                block.macs,
                cost.total_params,
                cost.total_macs,
            )
        )
    return runs


def _batches(x, y, batch_size: int, seed: int):
    """The training images as a ``tf.data`` pipeline, shuffled anew each epoch from
    ``seed`` alone (:func:`~inception_edu.data.stream.epoch_orders`), so that the runner
    keeps its traced step from one seed to the next without resetting TensorFlow's seed."""
    from inception_edu.backend import tf
    from inception_edu.data.stream import epoch_orders

    images, labels = tf.constant(x), tf.constant(np.asarray(y, dtype=np.int64))
    steps = -(-len(x) // batch_size)
    dataset = epoch_orders(len(x), seed).batch(batch_size)
    dataset = dataset.apply(tf.data.experimental.assert_cardinality(steps))
    dataset = dataset.map(lambda index: (tf.gather(images, index), tf.gather(labels, index)))
    return dataset.prefetch(tf.data.AUTOTUNE)


def _digest(specs: dict, split: Split, seeds, epochs: int, batch_size: int, recipe) -> str:
    """A short name for one training setup: the designs, the data's shape, the budget."""
    described = {
        "designs": {label: repr(spec) for label, spec in specs.items()},
        "data": [list(split.x_train.shape), list(split.x_val.shape)],
        "budget": [list(seeds), epochs, batch_size, repr(recipe.to_config())],
    }
    text = json.dumps(described, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


# --------------------------------------------------------------------------- results


def _check_runs(runs) -> list:
    return check_items(runs, DesignRun, "runs")


def _by_design(runs) -> dict:
    grouped: dict = {}
    for one in _check_runs(runs):
        grouped.setdefault(one.design, []).append(one)
    return grouped


def _cost(run: DesignRun, cost: str) -> int:
    return run.block_macs if cost == "block" else run.network_macs


def pareto_front(runs, cost: str = "block") -> list:
    """The designs no other design beats on both counts, cheapest first: none has fewer
    or as many multiply-adds (of the ``"block"`` or the whole ``"network"``) with a lower
    or equal mean validation error, one of the two strictly."""
    check_choice(cost, ("block", "network"), "cost")
    points = {
        label: (_cost(group[0], cost), float(np.mean([r.val_error for r in group])))
        for label, group in _by_design(runs).items()
    }

    def beaten(label):
        macs, error = points[label]
        return any(
            (m <= macs and e <= error) and (m < macs or e < error)
            for other, (m, e) in points.items()
            if other != label
        )

    return sorted((label for label in points if not beaten(label)), key=lambda k: points[k])


def design_table(runs) -> Table:
    """One row per design: where it came from, the block's parameters and multiply-adds,
    the network's multiply-adds, the validation error per seed, its mean and spread
    (highest minus lowest), and whether it is on the :func:`pareto_front` (of the block's
    multiply-adds)."""
    grouped = _by_design(runs)
    seeds = list(dict.fromkeys(r.seed for r in _check_runs(runs)))
    front = set(pareto_front(runs))
    rows = []
    for label, group in grouped.items():
        errors = {r.seed: r.val_error for r in group}
        first = group[0]
        values = list(errors.values())
        rows.append(
            (
                label,
                first.source,
                fmt_count(first.block_params),
                fmt_count(first.block_macs),
                fmt_count(first.network_macs),
                *(f"{errors[s]:.1%}" if s in errors else "" for s in seeds),
                f"{np.mean(values):.1%}",
                f"{max(values) - min(values):.1%}",
                _("yes") if label in front else "",
            )
        )
    error_seed = _("error seed {seed}")
    columns = (
        _("design"),
        _("from"),
        _("block params"),
        _("block mult-adds"),
        _("network mult-adds"),
        *(error_seed.format(seed=s) for s in seeds),
        _("mean error"),
        _("spread"),
        _("Pareto front"),
    )
    return Table(columns, tuple(rows), left=2)


def write_table_csv(runs, path) -> str:
    """Write :func:`design_table`'s numbers, unformatted, to the CSV file ``path`` (one row
    per design; errors as fractions, counts as integers), for a spreadsheet. Returns it."""
    grouped = _by_design(runs)
    if not isinstance(path, (str, os.PathLike)) or not str(os.fspath(path)):
        raise ValueError(_("path must be a file path. Received: path={path!r}").format(path=path))
    seeds = list(dict.fromkeys(r.seed for r in _check_runs(runs)))
    front = set(pareto_front(runs))
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "design",
                "from",
                "block_params",
                "block_macs",
                "network_params",
                "network_macs",
                *(f"val_error_seed_{s}" for s in seeds),
                "mean_val_error",
                "spread",
                "pareto_front",
            ]
        )
        for label, group in grouped.items():
            errors = {r.seed: r.val_error for r in group}
            values = list(errors.values())
            first = group[0]
            writer.writerow(
                [
                    label,
                    first.source,
                    first.block_params,
                    first.block_macs,
                    first.network_params,
                    first.network_macs,
                    *(f"{errors[s]:.6f}" if s in errors else "" for s in seeds),
                    f"{np.mean(values):.6f}",
                    f"{max(values) - min(values):.6f}",
                    label in front,
                ]
            )
    return os.fspath(path)


# --------------------------------------------------------------------------- the plane


def _place_labels(points, texts, size: tuple, fontsize: float) -> list:
    """Where each point's label goes, as ``(x, y, ha, va)`` in axes fractions: beside its
    point (right, else left; just above, else below, else further off), the first place
    that overlaps no label already placed and no other point, highest points first.

    ``points``: each point in axes fractions; ``size``: the axes' (width, height) in
    inches, which turns a label's characters into its width and height there.
    """
    char = fontsize * 0.6 / 72 / size[0]
    line = fontsize * 1.25 / 72 / size[1]
    marker = (0.012, 0.02)
    placed: list = []
    positions: list = [None] * len(points)

    def overlaps(box, other):
        return not (
            box[2] <= other[0] or other[2] <= box[0] or box[3] <= other[1] or other[3] <= box[1]
        )

    for i in sorted(range(len(points)), key=lambda k: -points[k][1]):
        x, y = points[i]
        width = char * len(texts[i])
        others = [
            (px - marker[0], py - marker[1], px + marker[0], py + marker[1])
            for k, (px, py) in enumerate(points)
            if k != i
        ]
        choice = None
        for dy in (0.012, -0.012 - line, 0.06, -0.06 - line, 0.11, -0.11 - line):
            for side in ("left", "right"):  # the text's left edge right of the point, or
                left = x + 0.02 if side == "left" else x - 0.02 - width
                box = (left, y + dy, left + width, y + dy + line)
                inside = 0 <= box[0] and box[2] <= 1 and 0 <= box[1] and box[3] <= 1
                if inside and not any(overlaps(box, o) for o in placed + others):
                    choice = (box, side)
                    break
            if choice:
                break
        if choice is None:  # nowhere free: right of the point, above it
            left = x + 0.02
            choice = ((left, y + 0.012, left + width, y + 0.012 + line), "left")
        box, side = choice
        placed.append(box)
        positions[i] = (box[0] if side == "left" else box[2], box[1], side, "bottom")
    return positions


def plot_plane(
    runs, title: str | None = None, cost: str = "block", references=None, paper: bool = False
):
    """Validation error against multiply-adds per image (log scale), one design per colour.

    Each seed is a small dot; each design's mean a large marker with a bar from its best
    to its worst seed; the :func:`pareto_front` (lower error for fewer multiply-adds) is
    the dashed staircase through the designs no other beats. ``cost``: the multiply-adds
    of the ``"block"`` (what the designs differ in) or of the whole ``"network"``.
    ``references``: labels drawn as squares (by default those of
    :func:`reference_blocks`); the others, the learners' designs, as circles.
    ``paper=True`` draws, beside the plane, the v3 paper's own ablation (its Table 3,
    notebook 06: ImageNet top-1 error against its "Bn ops") on the same kind of axes, for
    scale: what a change of design bought on ImageNet.
    """
    grouped = _by_design(runs)
    check_choice(cost, ("block", "network"), "cost")
    references = set(REFERENCE_SOURCES if references is None else references)
    paper = check_flag(paper, "paper")

    crowded = len(grouped) > CROWDED
    width = 14 if paper else (12.5 if crowded else 9)
    figure = new_figure(figsize=(width, 5.6 + (0.2 * len(grouped) - 3 if crowded else 0)),
                        layout="constrained")  # fmt: skip
    if paper:
        ax, paper_ax = figure.subplots(1, 2, width_ratios=(9, 5))
        _draw_paper_ablation(paper_ax)
    else:
        ax = figure.subplots()
    labels = list(grouped)
    xs = [_cost(grouped[k][0], cost) for k in labels]
    means = [float(np.mean([r.val_error for r in grouped[k]])) for k in labels]
    lows = [min(r.val_error for r in grouped[k]) for k in labels]
    highs = [max(r.val_error for r in grouped[k]) for k in labels]
    front = pareto_front(runs, cost)
    _draw_front(ax, [(xs[labels.index(k)], means[labels.index(k)]) for k in front])
    for index, label in enumerate(labels):
        _draw_design(
            ax,
            xs[index],
            [r.val_error for r in grouped[label]],
            (lows[index], means[index], highs[index]),
            f"C{index % 10}",
            square=label in references,
            on_front=label in front,
        )
    limits = _set_plane_limits(ax, xs, lows, highs)
    texts = [f"{label}  {mean:.1%}" for label, mean in zip(labels, means, strict=True)]
    if crowded:  # a class's plane: numbers at the points, the names in a key beside it
        _number_points(ax, xs, means, texts, [label in references for label in labels])
    else:
        share = 9 / 14 if paper else 1.0
        _label_points(ax, figure, list(zip(xs, means, strict=True)), texts, limits, share)
    _format_plane_axes(ax, cost, limits[-1])
    seeds = len({r.seed for r in _check_runs(runs)})
    heading = (
        _("the accuracy-cost plane: {designs} designs, {seeds} seeds each")
        if seeds > 1
        else _("the accuracy-cost plane: {designs} designs, {seeds} seed each")
    )
    ax.set_title(title or heading.format(designs=len(labels), seeds=seeds), fontsize=12)
    _plane_legend(ax)
    return figure


def _number_points(ax, xs: list, means: list, texts: list, squares: list) -> None:
    """A crowded plane's labels: each design's number beside its mean, and a key to the
    right of the axes giving each number its design, marker and mean error."""
    from matplotlib.lines import Line2D

    for number, (x, mean) in enumerate(zip(xs, means, strict=True), start=1):
        ax.annotate(str(number), (x, mean), xytext=(6, 4), textcoords="offset points",
                    fontsize=9, fontweight="bold")  # fmt: skip
    handles = [
        Line2D(
            [],
            [],
            marker="s" if square else "o",
            color=f"C{index % 10}",
            linestyle="",
            markersize=7,
        )  # fmt: skip
        for index, square in enumerate(squares)
    ]
    key = ax.legend(
        handles,
        [f"{number}  {text}" for number, text in enumerate(texts, start=1)],
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        fontsize=9,
        frameon=False,
        title=_("design  mean error"),
        title_fontsize=9,
    )
    ax.add_artist(key)  # the plane's own key (below the axes) is a second legend


def _draw_front(ax, points: list) -> None:
    """The Pareto front as a dashed staircase through its ``(macs, mean error)`` points,
    cheapest first: level from each point to the next one's multiply-adds, then down."""
    front_points = sorted(points)
    if len(front_points) < 2:
        return
    steps_x, steps_y = [], []
    for (x0, y0), (x1, _y1) in zip(front_points, front_points[1:], strict=False):
        steps_x += [x0, x1]
        steps_y += [y0, y0]
    steps_x.append(front_points[-1][0])
    steps_y.append(front_points[-1][1])
    ax.plot(steps_x, steps_y, "--", color="#555555", linewidth=1.2, zorder=1)


def _draw_design(ax, x, errors: list, spread: tuple, colour: str, square: bool, on_front: bool):
    """One design at multiply-adds ``x``: a small dot per seed's error, and its mean as a
    large marker (a square for a reference, else a circle; a black edge on the front) with
    a bar from its best to its worst seed (``spread``: lowest, mean, highest error)."""
    low, mean, high = spread
    ax.scatter([x] * len(errors), errors, s=14, color=colour, alpha=0.45, zorder=2)
    ax.errorbar(
        x,
        mean,
        yerr=[[max(0.0, mean - low)], [max(0.0, high - mean)]],  # ties: no negative bar
        fmt="s" if square else "o",
        markersize=9,
        color=colour,
        markeredgecolor="black" if on_front else colour,
        capsize=4,
        zorder=3,
    )


def _set_plane_limits(ax, xs: list, lows: list, highs: list) -> tuple:
    """A log multiply-adds axis with room for the labels on both sides, and an error axis
    a little beyond the best and worst seeds: a log one when the worst is more than
    :data:`LOG_ERRORS` times the best (an outlier would squash the others into a band),
    a linear one otherwise (and always when a seed scored 0). Returns ``(x_low, x_high,
    y_low, y_high, log_errors)``."""
    x_low, x_high = min(xs) / 1.5, max(xs) * 3
    ax.set_xscale("log")
    ax.set_xlim(x_low, x_high)
    log_errors = min(lows) > 0 and max(highs) > LOG_ERRORS * min(lows)
    if log_errors:
        y_low, y_high = min(lows) / 1.25, max(highs) * 1.3
        ax.set_yscale("log")
    else:
        span = (max(highs) - min(lows)) or 0.01
        y_low, y_high = max(0.0, min(lows) - 0.12 * span), max(highs) + 0.15 * span
    ax.set_ylim(y_low, y_high)
    return x_low, x_high, y_low, y_high, log_errors


def _label_points(ax, figure, points: list, texts: list, limits: tuple, share: float = 1.0) -> None:
    """Each ``(macs, mean error)`` point's text beside it where :func:`_place_labels`
    finds room, joined to it by a thin grey line (``limits``: the axes' data limits;
    ``share``: the part of the figure's width the axes take)."""
    x_low, x_high, y_low, y_high, log_errors = limits

    def height(m):
        if log_errors:
            return math.log(m / y_low) / math.log(y_high / y_low)
        return (m - y_low) / (y_high - y_low)

    in_axes = [(math.log(x / x_low) / math.log(x_high / x_low), height(m)) for x, m in points]
    size = (figure.get_figwidth() * 0.86 * share, figure.get_figheight() * 0.68)  # roughly
    for text, point, (tx, ty, ha, va) in zip(
        texts, in_axes, _place_labels(in_axes, texts, size, 10), strict=True
    ):
        ax.annotate(
            text,
            point,
            xycoords="axes fraction",
            xytext=(tx, ty),
            textcoords="axes fraction",
            fontsize=10,
            ha=ha,
            va=va,
            arrowprops={"arrowstyle": "-", "color": "#999999", "linewidth": 0.6, "shrinkB": 5},
        )


def _format_plane_axes(ax, cost: str, log_errors: bool = False) -> None:
    """The plane's ticks (multiply-adds as ``"200 k"``, errors as percentages), axis
    names (of ``cost``: the block's or the whole network's multiply-adds) and grid."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter, PercentFormatter

    ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _position: _macs_tick(v)))
    ax.xaxis.set_minor_formatter(NullFormatter())
    if log_errors:
        ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        ax.yaxis.set_minor_formatter(NullFormatter())
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=1))
    ax.set_xlabel(
        _("multiply-adds of the block per image (log scale)")
        if cost == "block"
        else _("multiply-adds of the whole network per image (log scale)"),
        fontsize=11,
    )
    ax.set_ylabel(
        _("validation error (lower is better, log scale)")
        if log_errors
        else _("validation error (lower is better)"),
        fontsize=11,
    )
    ax.tick_params(labelsize=10)
    ax.grid(alpha=0.3, which="both")


def _plane_legend(ax) -> None:
    """The plane's key, below the axes: references' squares, the class's circles, a
    seed's dot and the Pareto front's dashes."""
    from matplotlib.lines import Line2D

    grey = "#777777"
    keys = [
        Line2D(
            [],
            [],
            marker="s",
            color=grey,
            linestyle="",
            markersize=8,
            label=_("a course reference: mean, bar from best to worst seed"),
        ),
        Line2D(
            [], [], marker="o", color=grey, linestyle="", markersize=8, label=_("a class design")
        ),
        Line2D(
            [],
            [],
            marker="o",
            color=grey,
            alpha=0.45,
            linestyle="",
            markersize=4,
            label=_("one seed"),
        ),
        Line2D(
            [],
            [],
            marker="o",
            color="white",
            markeredgecolor="black",
            linestyle="--",
            markersize=8,
            label=_("the Pareto front (black edge: on it)"),
        ),
    ]
    keys[-1].set_color("#555555")
    keys[-1].set_markerfacecolor("white")
    ax.legend(
        handles=keys,
        fontsize=9,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.13),
        ncol=2,
        frameon=False,
    )


def _draw_paper_ablation(ax) -> None:
    """The v3 paper's Table 3 (:data:`~inception_edu.course.history.V3_ABLATION`, quoted)
    as top-1 error against its "Bn ops" (whole networks, log scale as the plane), each row
    a point labelled on its left (the front's steps leave each point to the right), the
    rows' front dashed. Its rows change recipes (RMSProp, label smoothing) as well as
    architectures, and cost whole networks, not blocks."""
    from matplotlib.ticker import FixedLocator, NullFormatter, PercentFormatter

    costs = [row[3] for row in V3_ABLATION]
    errors = [row[1] / 100 for row in V3_ABLATION]
    front, best = [], math.inf
    for cost, error in sorted(zip(costs, errors, strict=True)):
        if error < best:
            front.append((cost, error))
            best = error
    _draw_front(ax, front)
    ax.scatter(costs, errors, s=40, color="#555555", zorder=3)
    for (network, *_rest), cost, error in zip(V3_ABLATION, costs, errors, strict=True):
        ax.annotate(network, (cost, error), xytext=(-7, 0), textcoords="offset points",
                    fontsize=9, va="center", ha="right")  # fmt: skip
    ax.set_xscale("log")
    ax.set_xlim(0.55, 6.5)
    ax.xaxis.set_major_locator(FixedLocator([1, 2, 3, 4, 5]))
    ax.xaxis.set_major_formatter(lambda value, _position: f"{value:g}")
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xlabel(_("the whole network's cost (the paper's \"Bn ops\", log scale)"), fontsize=11)
    ax.set_ylabel(_("ImageNet top-1 error (single crop)"), fontsize=11)
    ax.set_title(_("for scale: the v3 paper's Table 3 (notebook 06)"), fontsize=12)
    ax.tick_params(labelsize=10)
    ax.grid(alpha=0.3)


def _macs_tick(value: float) -> str:
    """A tick of the multiply-adds axis: ``"200 k"``, ``"1.5 M"``."""
    return f"{value / 1e6:g} M" if value >= 1e6 else f"{value / 1e3:g} k"


# --------------------------------------------------------------------------- targets


def target_verdict(
    runs,
    design: str,
    reference: str = "inception(3a)",
    cost_fraction: float = 0.5,
    error_points: float = 2.0,
):
    """Whether ``design`` meets the capstone's target against ``reference``: its block
    costs at most ``cost_fraction`` of the reference's multiply-adds, and its validation
    error stays within ``error_points`` percentage points of the reference's, seed by seed.

    Returns ``(cost_ratio, cost_met, verdict)``: the block's multiply-adds over the
    reference's, whether that is at most ``cost_fraction``, and the course's
    :func:`~inception_edu.course.claims.empirical_verdict` on the per-seed margin
    (reference's error + ``error_points`` - the design's, in percentage points, claimed
    positive; at least three seeds that both were trained with).
    """
    grouped = _by_design(runs)
    for name, value in (("design", design), ("reference", reference)):
        check_choice(value, tuple(grouped), name)
    cost_fraction = check_number(cost_fraction, "cost_fraction", 0, open_min=True)
    error_points = check_number(error_points, "error_points", 0)
    mine = {r.seed: r.val_error for r in grouped[design]}
    theirs = {r.seed: r.val_error for r in grouped[reference]}
    seeds = [s for s in mine if s in theirs]
    ratio = grouped[design][0].block_macs / max(1, grouped[reference][0].block_macs)
    points = f"{error_points:g}"
    verdict = empirical_verdict(
        _("{design} within {points} points of {reference}'s error").format(
            design=design, points=points, reference=reference
        ),
        [100 * (theirs[s] + error_points / 100 - mine[s]) for s in seeds],
        _("{reference}'s error + {points} points - {design}'s error, in points").format(
            reference=reference, points=points, design=design
        ),
    )
    return ratio, ratio <= cost_fraction, verdict

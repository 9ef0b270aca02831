"""Notebook 05's experiment: what the cheap grid reduction loses, trained and measured.

One mini network per strategy of :mod:`inception_edu.zoo.grid_reduction`, the same in
everything but its reduction: a 3x3 convolution on the image, the reduction (k -> 2k
channels, the grid from d to (d - 3) // 2 + 1), a 3x3 convolution on the reduced grid,
global average pooling and a softmax classifier (:func:`mini_network`).

:func:`train_strategies` trains every (strategy, seed) pair at once, side by side in one
Keras model (:func:`seeded_side_by_side`, on :mod:`inception_edu.training.side_by_side`):
each network moves exactly as if it trained alone, on the same batches, for one trace and
one pass over each batch instead of one per network. Within a seed only the reduction
differs: the stem, the last convolution and the classifier start from the same weights
(each network is built after the same ``keras.utils.set_random_seed``, and every
reduction draws exactly one kernel, so the draws after it line up; a test checks it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inception_edu.analysis import Table, analyze
from inception_edu.backend import keras
from inception_edu.data import Split
from inception_edu.i18n import _
from inception_edu.keras_build.graph import build_node
from inception_edu.spec.checks import check_int, check_items, check_number, check_seeds
from inception_edu.spec.nodes import Dense, GlobalPool, Sequence
from inception_edu.spec.ops import conv_relu, named
from inception_edu.spec.transforms import without_batch_norm
from inception_edu.training.recipe import Recipe, check_recipe
from inception_edu.training.side_by_side import fit_side_by_side, replica_keys, side_by_side
from inception_edu.viz.figures import new_figure
from inception_edu.zoo.grid_reduction import LABELS, STRATEGIES, strategy

__all__ = [
    "StrategyRun",
    "accuracies",
    "mini_network",
    "plot_accuracy_and_cost",
    "runs_table",
    "seeded_side_by_side",
    "train_strategies",
]


def mini_network(strategy_name: str, classes: int, channels: int = 8) -> Sequence:
    """A four-layer network around one grid reduction, with the 2014 convolutions (a bias
    and a ReLU, no batch-norm: :func:`~inception_edu.spec.transforms.without_batch_norm`).

    input -> 3x3 conv (``channels``) -> the reduction ``strategy_name`` (``channels`` ->
    ``2 * channels``) -> 3x3 conv (``2 * channels``) -> global average pool -> dense
    softmax (``classes``). Named after the strategy.
    """
    classes = check_int(classes, "classes", 2)
    channels = check_int(channels, "channels", 1)
    reduction = strategy(strategy_name, channels, node_name="reduce")
    return Sequence(
        strategy_name,
        (
            named(conv_relu(channels, 3), "stem_3x3"),
            without_batch_norm(reduction),
            named(conv_relu(2 * channels, 3), "conv_3x3"),
            GlobalPool("avg_pool"),
            Dense("classifier", classes, "softmax"),
        ),
    )


def seeded_side_by_side(networks: dict, input_shape, contrast: float = 10.0):
    """Independent networks on one shared input, trained as one model
    (:func:`inception_edu.training.side_by_side.side_by_side`).

    ``networks`` maps a name to ``(node, seed)``: each node (a spec ending in its own
    classifier) is built after ``keras.utils.set_random_seed(seed)``, so its initial
    weights depend on its seed and shapes only, never on its neighbours. Each rescales
    the input by ``contrast`` around 0.5 first (no parameters). Returns the model and
    ``{name: output key}`` (keys from :func:`~inception_edu.training.side_by_side.replica_keys`).
    """
    if not isinstance(networks, dict) or not networks:
        raise ValueError(
            _(
                "networks must be a non-empty {{name: (node, seed)}} dict. Received: {networks!r}"
            ).format(networks=networks)
        )
    contrast = check_number(contrast, "contrast", 0, open_min=True)
    models = []
    for name, entry in networks.items():
        if not isinstance(entry, tuple) or len(entry) != 2:
            raise ValueError(
                _("networks[{name!r}] must be a (node, seed) pair. Received: {entry!r}").format(
                    name=name, entry=entry
                )
            )
        node, seed = entry
        analyze(node, input_shape)  # a bad node fails here with a clear message
        keras.utils.set_random_seed(check_int(seed, f"the seed of {name!r}", 0))
        inputs = keras.Input(input_shape, name="input")
        x = keras.layers.Rescaling(contrast, offset=-0.5 * contrast, name="standardise")(inputs)
        models.append(keras.Model(inputs, build_node(node, x, node.name), name=node.name))
    keys = dict(zip(networks, replica_keys(len(models)), strict=True))
    return side_by_side(models), keys


@dataclass(frozen=True)
class StrategyRun:
    """One trained mini network: its strategy, seed, size, cost and validation accuracy."""

    strategy: str
    seed: int
    params: int
    macs: int
    val_accuracy: float


def train_strategies(
    split,
    seeds=(0, 1, 2),
    epochs: int = 8,
    batch_size: int = 32,
    channels: int = 8,
    recipe: Recipe | None = None,
    strategies=tuple(STRATEGIES),
    contrast: float = 10.0,
) -> list:
    """Train :func:`mini_network` for every strategy and seed on ``split``; return one
    :class:`StrategyRun` per pair, seed by seed, strategies in the given order.

    All networks train side by side in one model (:func:`seeded_side_by_side`) for ``epochs``
    on the same batches (shuffled from the first seed) with the same recipe (default:
    Adam at 1e-2 with a cosine decay to 5%; each network's loss weighs 1). A seed sets
    a network's initial weights. Validation accuracy is measured once, at the end.
    """
    if not isinstance(split, Split):
        raise ValueError(
            _("split must be a data.Split. Received: {kind}").format(kind=type(split).__name__)
        )
    seeds = check_seeds(seeds)
    strategies = tuple(strategies)
    if not strategies or len(set(strategies)) != len(strategies):
        raise ValueError(
            _(
                "strategies must name distinct strategies of {allowed}. Received: {strategies!r}"
            ).format(allowed=tuple(STRATEGIES), strategies=strategies)
        )
    epochs = check_int(epochs, "epochs", 1)
    default = Recipe(optimizer="adam", learning_rate=1e-2, schedule="cosine", alpha=0.05)
    recipe = check_recipe(recipe, default)
    nodes = {
        (name, seed): (mini_network(name, split.num_classes, channels), seed)
        for seed in seeds
        for name in strategies
    }
    model, keys = seeded_side_by_side(nodes, split.input_shape, contrast)
    fit_side_by_side(model, keys.values(), split, recipe, epochs, batch_size, seeds[0])
    predictions = model(split.x_val, training=False)  # one call: the set is small
    runs = []
    for (name, seed), key in keys.items():
        node = nodes[name, seed][0]
        cost = analyze(node, split.input_shape)
        guesses = keras.ops.convert_to_numpy(predictions[key]).argmax(axis=1)
        runs.append(
            StrategyRun(name, seed, cost.params, cost.macs, float(np.mean(guesses == split.y_val)))
        )
    return runs


def _check_runs(runs) -> list:
    return check_items(runs, StrategyRun, "runs")


def accuracies(runs) -> dict:
    """``{strategy: [validation accuracy per seed]}``, seeds in the order trained."""
    grouped: dict = {}
    for r in _check_runs(runs):
        grouped.setdefault(r.strategy, []).append(r.val_accuracy)
    return grouped


def runs_table(runs) -> Table:
    """One row per strategy: its accuracy on each seed, mean and spread (each strategy's
    cost is :func:`mini_network`'s, printed before training; left out here so that six
    seeds fit a projector's width)."""
    runs = _check_runs(runs)
    seeds = list(dict.fromkeys(r.seed for r in runs))
    rows = []
    for name, values in accuracies(runs).items():
        rows.append(
            (
                _(LABELS.get(name, name)),
                *(f"{v:.1%}" for v in values),
                f"{np.mean(values):.1%}",
                f"{max(values) - min(values):.1%}",
            )
        )
    seed_columns = (_("seed {seed}").format(seed=s) for s in seeds)
    return Table((_("strategy"), *seed_columns, _("mean"), _("spread")), tuple(rows))


def plot_accuracy_and_cost(runs, title: str | None = None):
    """Validation accuracy (in %) against multiply-adds, one column of dots per strategy.

    ``runs``: :class:`StrategyRun` s of :func:`train_strategies`; each seed is a dot, the
    seeds' mean a short bar, so cost and accuracy are read together. The dots of one
    strategy share its cost: they are spread sideways only so that none hides another.
    """
    runs = _check_runs(runs)
    from matplotlib.ticker import PercentFormatter

    figure = new_figure(figsize=(8.5, 5.4), layout="constrained")
    ax = figure.subplots()
    names = list(dict.fromkeys(r.strategy for r in runs))
    for index, name in enumerate(names):
        group = [r for r in runs if r.strategy == name]
        x = group[0].macs / 1e3
        accuracy = [r.val_accuracy for r in group]
        colour = f"C{index}"
        spread = x * 0.02 * (np.arange(len(group)) - (len(group) - 1) / 2)  # equal dots
        ax.scatter(
            x + spread,
            accuracy,
            s=60,
            color=colour,
            alpha=0.7,
            zorder=3,
            label=_("{strategy}: mean {mean:.0%}").format(
                strategy=_(LABELS.get(name, name)), mean=np.mean(accuracy)
            ),
        )
        ax.plot([x * 0.94, x * 1.06], [np.mean(accuracy)] * 2, color=colour, linewidth=3)
    ax.set_xlim(0, max(r.macs for r in runs) / 1e3 * 1.15)
    ax.set_xlabel(_("multiply-adds per image (thousands)"), fontsize=11)
    ax.set_ylabel(_("validation accuracy"), fontsize=11)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.tick_params(labelsize=10)
    low = min(r.val_accuracy for r in runs)
    ax.set_ylim(max(0.0, low - 0.1), 1.0)
    # under the axes, where no dot can hide behind it
    ax.legend(fontsize=10, loc="upper center", bbox_to_anchor=(0.5, -0.14), frameon=False)
    seeds = len({r.seed for r in runs})
    default = _(
        "accuracy and cost of each strategy\n({seeds} seeds: dots, spread sideways to stay "
        "apart; mean: bar)"
    ).format(seeds=seeds)
    ax.set_title(title or default, fontsize=12)
    return figure

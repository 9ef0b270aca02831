"""Notebook 08's experiments: residual connections and their scaling, measured.

Szegedy et al. 2016, "Inception-v4, Inception-ResNet and the Impact of Residual
Connections on Learning" (https://arxiv.org/abs/1602.07261):

- section 3.3: "if the number of filters exceeded 1000, the residual variants started to
  exhibit instabilities and the network has just 'died' early in the training", and
  "scaling down the residuals before adding them to the previous layer activation seemed
  to stabilize the training" (claim C32);
- sections 1 and 5: residual connections are not needed to train deep Inception networks,
  but they make training faster (claim C33).

Two measurements, each on the mini Inception-ResNet of
:func:`inception_edu.zoo.mini.mini_inception_resnet_spec`:

- :func:`activation_growth`: the root mean square (RMS) of the trunk after every residual
  block of a freshly initialised network, for several residual scales, from one fixed
  batch. Batch-norm uses the batch's own statistics, as the first training step does.
- :func:`train_variants`: variants of the network (unscaled, scaled, without shortcuts)
  trained side by side (:mod:`inception_edu.training.side_by_side`) on the same batches,
  for several seeds and learning rates. The model is compiled and its training step
  traced *once*; each (learning rate, seed) run then redraws the initial weights
  (:func:`reinitialize`: the same seed gives every variant the same initial weights),
  zeroes the optimizer's state and fits again. Tracing a deep network's training step is
  most of the cost of a short run on a CPU, so this is what lets three seeds at two
  learning rates fit into a notebook's minute.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from matplotlib.ticker import MaxNLocator

from inception_edu.analysis import Table
from inception_edu.backend import keras, tf
from inception_edu.data import Split
from inception_edu.i18n import _
from inception_edu.keras_build import ScaledResidual, build, end_points
from inception_edu.keras_build.weights import reinitialize
from inception_edu.spec.checks import check_int, check_items, check_number, check_seeds
from inception_edu.spec.nodes import ModelSpec, Residual
from inception_edu.training.batch_norm import settle_batch_norm
from inception_edu.training.recipe import Recipe, check_recipe
from inception_edu.training.runner import build_training_state, reset_optimizer
from inception_edu.training.side_by_side import replica_keys, side_by_side
from inception_edu.viz.curves import plot_runs
from inception_edu.viz.figures import new_figure

__all__ = [
    "SCALE_GRID",
    "ActivationGrowth",
    "VariantRun",
    "activation_growth",
    "best_runs",
    "differences",
    "final_values",
    "growth_over_seeds",
    "plot_growth",
    "plot_training",
    "reinitialize",
    "residual_stages",
    "rms",
    "runs_table",
    "train_variants",
]

#: The residual scales the activation measurement (and notebook 08's slider) covers: 0 (every
#: block the identity) to 1 (unscaled) in steps of 0.05; the paper's range is 0.1-0.3.
SCALE_GRID = tuple(round(0.05 * i, 2) for i in range(21))


def rms(values) -> float:
    """The root mean square of an array: the typical size of its entries."""
    array = np.asarray(values, dtype=np.float64)
    if array.size == 0:
        raise ValueError(_("rms needs a non-empty array. Received an empty one"))
    return float(np.sqrt(np.mean(np.square(array))))


def residual_stages(spec: ModelSpec) -> tuple:
    """The names of ``spec``'s residual stages, in order."""
    if not isinstance(spec, ModelSpec):
        raise ValueError(
            _("residual_stages needs a ModelSpec. Received: {kind}").format(
                kind=type(spec).__name__
            )
        )
    names = tuple(stage.name for stage in spec.stages if isinstance(stage, Residual))
    if not names:
        raise ValueError(
            _("{spec} has no residual stages (Inception-ResNet blocks).").format(spec=spec.name)
        )
    return names


def _check_scales(scales) -> tuple:
    if not isinstance(scales, (tuple, list)) or not scales:
        raise ValueError(
            _("scales must be a non-empty list of numbers. Received: {scales!r}").format(
                scales=scales
            )
        )
    scales = tuple(check_number(s, "scale", 0, 10) for s in scales)
    if len(set(scales)) != len(scales):
        raise ValueError(_("scales must be distinct. Received: {scales!r}").format(scales=scales))
    return scales


# --------------------------------------------------------------------------- at init


@dataclass(frozen=True)
class ActivationGrowth:
    """The trunk's RMS after the stem and after each residual block, per residual scale.

    ``rms[i][j]`` is the RMS after block ``blocks[j]`` with every block's residual scaled
    by ``scales[i]``; ``stem`` the RMS entering the first block (the same for every scale).
    """

    scales: tuple
    blocks: tuple
    stem: float
    rms: tuple

    def at(self, scale) -> np.ndarray:
        """The RMS after each block at ``scale`` (one of :attr:`scales`)."""
        if scale not in self.scales:
            shown = ", ".join(f"{s:g}" for s in self.scales)
            raise ValueError(
                _(
                    "scale {scale!r} was not measured; the measured scales are {shown}. "
                    "Received: scale={scale!r}"
                ).format(scale=scale, shown=shown)
            )
        return np.asarray(self.rms[self.scales.index(scale)])

    def growth(self, scale) -> float:
        """The RMS after the last block over the RMS entering the first."""
        return float(self.at(scale)[-1] / self.stem)


def activation_growth(spec: ModelSpec, x, scales=SCALE_GRID, seed: int = 0) -> ActivationGrowth:
    """Measure how the trunk grows block after block at initialisation, per residual scale.

    ``spec`` (a network with residual stages, e.g. the mini Inception-ResNet) is built
    once and its weights drawn from ``seed`` (:func:`reinitialize`); for each scale, every
    :class:`~inception_edu.keras_build.ScaledResidual` is set to it and the fixed batch
    ``x`` goes through once, batch-norm using the batch's statistics (``training=True``),
    as in the first training step. Only the scale changes between passes: the weights and
    the batch are the same. Returns an :class:`ActivationGrowth`.

    Why it grows: batch-norm normalises each branch, so every block adds a residual of
    about the same size whatever the trunk holds; unscaled, the trunk's variance gains
    that much at every block, and scaling by s adds s² of it. The paper (section 3.3)
    reports the instability and the cure, not this mechanism: the argument is the
    course's, and notebook 08 checks its prediction.
    """
    return growth_over_seeds(spec, x, (check_int(seed, "seed", 0),), scales)[0]


def growth_over_seeds(spec: ModelSpec, x, seeds=(0, 1, 2), scales=SCALE_GRID) -> tuple:
    """:func:`activation_growth` for each of ``seeds``: one :class:`ActivationGrowth` per
    seed, in order. The network is built and its forward pass traced once; each seed
    redraws its weights (:func:`reinitialize`), far cheaper than a build per seed."""
    blocks = residual_stages(spec)
    plain = [s.name for s in spec.stages if isinstance(s, Residual) and not s.shortcut]
    if plain:
        raise ValueError(
            _(
                "activation_growth measures residual blocks, and these have no shortcut "
                "(shortcut=False): {plain}. Received spec {spec!r}"
            ).format(plain=", ".join(plain), spec=spec.name)
        )
    scales = _check_scales(scales)
    seeds = check_seeds(seeds)
    x = np.asarray(x, dtype=np.float32)
    if x.ndim != 4 or len(x) < 2:
        raise ValueError(
            _(
                "x must be a batch of at least 2 images shaped (N, height, width, channels). "
                "Received shape {shape}"
            ).format(shape=x.shape)
        )
    model = build(spec, x.shape[1:])
    points = end_points(model)
    first = spec.stage_names[spec.stage_names.index(blocks[0]) - 1]
    probe = keras.Model(model.input, [points[first]] + [points[name] for name in blocks])
    # Every ScaledResidual reads one variable: the pass is traced once and each scale is
    # an assignment, far cheaper than an eager pass per scale.
    shared = tf.Variable(1.0, trainable=False)
    for layer in model.layers:
        if isinstance(layer, ScaledResidual):
            layer.scale = shared
    forward = tf.function(lambda batch: probe(batch, training=True))
    measured = []
    for seed in seeds:
        reinitialize(model, seed)
        table, stem = [], None
        for scale in scales:
            shared.assign(scale)
            values = [rms(out.numpy()) for out in forward(x)]
            stem = values[0] if stem is None else stem
            table.append(tuple(values[1:]))
        measured.append(ActivationGrowth(scales, blocks, stem, tuple(table)))
    return tuple(measured)


def plot_growth(growth: ActivationGrowth, scales=(1.0, 0.3, 0.2, 0.1), title: str = ""):
    """The trunk's RMS over depth (0 = entering the first block), one line per scale."""
    if not isinstance(growth, ActivationGrowth):
        raise ValueError(
            _("growth must be an ActivationGrowth. Received: {kind}").format(
                kind=type(growth).__name__
            )
        )
    scales = _check_scales(scales)
    figure = new_figure(figsize=(8, 4), layout="constrained")
    ax = figure.subplots()
    depth = np.arange(len(growth.blocks) + 1)
    for index, scale in enumerate(scales):
        values = [growth.stem, *growth.at(scale)]
        scaled = _("scaled by {scale:g}").format(scale=scale)
        label = _("unscaled (1.0)") if scale == 1.0 else scaled
        ax.plot(depth, values, marker="o", markersize=4, color=f"C{index}", label=label)
        ax.annotate(
            f"{values[-1] / growth.stem:.1f}x",
            (depth[-1], values[-1]),
            xytext=(6, 0),
            textcoords="offset points",
            va="center",
            fontsize=11,
            color=f"C{index}",
        )
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlim(-0.5, depth[-1] + 2)
    ax.set_ylim(0, None)
    ax.set_xlabel(_("residual blocks passed (0: the stem's output)"), fontsize=11)
    ax.set_ylabel(_("RMS of the activations"), fontsize=11)
    ax.tick_params(labelsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=10, loc="upper left")
    ax.set_title(title or _("the trunk at initialisation, block after block"), fontsize=12)
    return figure


# --------------------------------------------------------------------------- training


@dataclass(frozen=True)
class VariantRun:
    """One variant trained from one seed at one learning rate.

    ``loss``: the training loss per epoch (the mean over the epoch's batches);
    ``val_accuracy``: the validation accuracy at the end; ``dead``: the fraction of the
    last residual block's outputs that are exactly zero on the validation images at the
    end (the paper's dying networks gave "only zeros" before the average pooling).
    """

    variant: str
    seed: int
    learning_rate: float
    loss: tuple
    val_accuracy: float
    dead: float

    @property
    def final_loss(self) -> float:
        return self.loss[-1]

    @property
    def finite(self) -> bool:
        """Whether the loss stayed a finite number (no overflow to inf or nan)."""
        return all(math.isfinite(value) for value in self.loss)


def _check_variants(variants) -> dict:
    if not isinstance(variants, dict) or not variants:
        raise ValueError(
            _(
                "variants must be a non-empty {{label: ModelSpec}} dict. Received: {variants!r:.80}"
            ).format(variants=variants)
        )
    for label, spec in variants.items():
        if not isinstance(label, str) or not label:
            raise ValueError(
                _("Each variant needs a non-empty string label. Received: {label!r}").format(
                    label=label
                )
            )
        residual_stages(spec)
    return variants


class _WarmUp(keras.callbacks.Callback):
    """He et al.'s warm-up: ``low`` for the first ``steps`` training steps, then ``rate``.

    The optimizer's learning rate is one variable; assigning it between steps changes the
    rate without tracing the training step again.
    """

    def __init__(self, steps: int, low: float, rate: float):
        super().__init__()
        self.steps, self.low, self.rate, self.seen = steps, low, rate, 0

    def on_train_batch_begin(self, batch, logs=None):
        if self.seen in (0, self.steps):
            self.model.optimizer.learning_rate = self.low if self.seen < self.steps else self.rate
        self.seen += 1


def _fit_epochs(
    model, x, targets, keys: dict, epochs: int, batch_size: int, seed: int, callbacks=()
) -> dict:
    """Fit ``epochs`` passes, each over its own permutation of the examples drawn from
    ``seed``; return each output's training loss per epoch.

    The batches are shuffled here rather than by ``fit`` after
    ``keras.utils.set_random_seed``: setting the global seed makes TensorFlow trace the
    training step again, a few seconds per run on a CPU.
    """
    rng = np.random.default_rng(seed)
    losses: dict = {key: [] for key in keys.values()}
    for _epoch in range(epochs):
        order = rng.permutation(len(x))
        y = {key: targets[order] for key in keys.values()}
        logs = model.fit(
            x[order],
            y,
            batch_size=batch_size,
            epochs=1,
            shuffle=False,
            verbose=0,
            callbacks=list(callbacks),
        ).history
        for key in keys.values():
            losses[key].append(float(logs[f"{key}_loss"][-1]))
    return {key: tuple(values) for key, values in losses.items()}


def _probe(nets: dict, variants: dict, keys: dict, input_shape):
    """One model giving, per variant, its logits and its last residual block's output
    (the same layers as the trained nets: it reads their current weights)."""
    inputs = keras.Input(input_shape, name="input")
    outputs = {}
    for label, net in nets.items():
        last = end_points(net)[residual_stages(variants[label])[-1]]
        both = keras.Model(net.input, [net.output, last], name=f"{keys[label]}_probe")
        outputs[f"{keys[label]}_logits"], outputs[f"{keys[label]}_last"] = both(inputs)
    return keras.Model(inputs, outputs, name="probe")


def train_variants(
    split,
    variants: dict,
    seeds=(0, 1, 2),
    learning_rates=(0.2,),
    epochs: int = 4,
    batch_size: int = 128,
    recipe: Recipe | None = None,
    warmup_steps: int = 0,
    warmup_factor: float = 0.1,
) -> list:
    """Train every variant for every learning rate and seed; one :class:`VariantRun` each.

    ``variants`` maps a label to a spec (each with residual stages; the same input and
    classes). All variants train side by side in one model, on the same batches (shuffled
    by the seed), with the same recipe; a seed sets every variant's initial weights, the
    same for all variants where their layers agree (:func:`reinitialize`). The default
    recipe is SGD with momentum 0.9 at a constant learning rate (the paper trained with
    RMSProp and epsilon 1.0, which steps like it: notebook 06); a recipe with a schedule is
    refused, because each run sets the learning rate anew without tracing again.

    ``warmup_steps`` > 0 adds He et al.'s warm-up (2015, section 4.2: ResNet-110 trained
    its first 400 iterations at a tenth of its rate, then at the rate): each run's first
    ``warmup_steps`` steps use ``warmup_factor`` times its learning rate.

    Returns the runs learning rate by learning rate, then seed by seed, variants in the
    given order.
    """
    if not isinstance(split, Split):
        raise ValueError(
            _("split must be a data.Split. Received: {kind}").format(kind=type(split).__name__)
        )
    variants = _check_variants(variants)
    seeds = check_seeds(seeds)
    if not isinstance(learning_rates, (tuple, list)) or not learning_rates:
        raise ValueError(
            _("learning_rates must be a non-empty list of numbers. Received: {rates!r}").format(
                rates=learning_rates
            )
        )
    rates = tuple(check_number(lr, "learning_rate", 0, 100, open_min=True) for lr in learning_rates)
    epochs = check_int(epochs, "epochs", 1)
    batch_size = check_int(batch_size, "batch_size", 1)
    warmup_steps = check_int(warmup_steps, "warmup_steps", 0)
    warmup_factor = check_number(warmup_factor, "warmup_factor", 0, 1, open_min=True)
    default = Recipe(optimizer="sgd", learning_rate=rates[0], momentum=0.9, metrics=())
    recipe = check_recipe(recipe, default)
    if recipe.schedule is not None:
        raise ValueError(
            _(
                "train_variants needs a constant learning rate (schedule=None): each run sets "
                "it anew. Received: schedule={schedule!r}"
            ).format(schedule=recipe.schedule)
        )
    nets = {label: build(spec, split.input_shape) for label, spec in variants.items()}
    model = side_by_side(list(nets.values()))
    keys = dict(zip(nets, replica_keys(len(nets)), strict=True))
    recipe = recipe.replace(loss_weights={key: 1.0 for key in keys.values()})
    steps = math.ceil(len(split.x_train) / batch_size)
    recipe.compile(model, steps, epochs)
    classes = split.num_classes
    targets = recipe.targets(split.y_train, classes)
    y = {key: targets for key in keys.values()}
    build_training_state(model, split.x_train, y)  # one trace of the training step, not two
    probe = _probe(nets, variants, keys, split.input_shape)
    runs = []
    for rate in rates:
        for seed in seeds:
            reinitialize(model, seed)
            reset_optimizer(model.optimizer, rate)
            warmup = [_WarmUp(warmup_steps, warmup_factor * rate, rate)] if warmup_steps else []
            losses = _fit_epochs(
                model, split.x_train, targets, keys, epochs, batch_size, seed, warmup
            )
            settle_batch_norm(model, split.x_train)
            runs += _read_runs(probe, split, keys, seed, rate, losses)
    return runs


def _read_runs(probe, split, keys: dict, seed: int, rate: float, losses: dict) -> list:
    """Each variant's :class:`VariantRun` after training: its losses, its validation
    accuracy and the share of zeros its last block gives, from one call of ``probe``."""
    seen = probe(split.x_val, training=False)  # one call: the set is small
    runs = []
    for label, key in keys.items():
        guesses = keras.ops.convert_to_numpy(seen[f"{key}_logits"]).argmax(axis=1)
        last = keras.ops.convert_to_numpy(seen[f"{key}_last"])
        accuracy = float(np.mean(guesses == split.y_val))
        runs.append(
            VariantRun(label, seed, rate, losses[key], accuracy, float(np.mean(last == 0.0)))
        )
    return runs


def _check_runs(runs) -> list:
    return check_items(runs, VariantRun, "runs")


def final_values(runs, field: str = "final_loss") -> dict:
    """``{(variant, learning rate): [value per seed]}`` of ``field`` (``"final_loss"``,
    ``"val_accuracy"``, ``"dead"``), seeds in the order trained."""
    if field not in ("final_loss", "val_accuracy", "dead"):
        raise ValueError(
            _(
                "field must be one of 'final_loss', 'val_accuracy', 'dead'. "
                "Received: field={field!r}"
            ).format(field=field)
        )
    grouped: dict = {}
    for run in _check_runs(runs):
        grouped.setdefault((run.variant, run.learning_rate), []).append(getattr(run, field))
    return grouped


def differences(runs, variant: str, other: str, learning_rate, field: str = "final_loss"):
    """Per seed, ``variant``'s ``field`` minus ``other``'s at ``learning_rate``: a paired
    comparison (the two started from the same weights and saw the same batches)."""
    values = final_values(runs, field)
    for name in (variant, other):
        if (name, learning_rate) not in values:
            known = sorted({f"{v} at {r:g}" for v, r in values})
            raise ValueError(
                _("No runs of {name!r} at learning rate {rate!r}. Allowed: {known}").format(
                    name=name, rate=learning_rate, known=known
                )
            )
    first, second = values[variant, learning_rate], values[other, learning_rate]
    return [a - b for a, b in zip(first, second, strict=True)]


def best_runs(runs, variant: str, field: str = "final_loss") -> dict:
    """Per seed, ``variant``'s run at the learning rate that suits it best on that seed:
    the lowest final training loss (``field="final_loss"``) or the highest validation
    accuracy (``"val_accuracy"``); a loss that is not finite never wins. ``{seed: run}``,
    seeds in order: each variant compared at its own best rate."""
    if field not in ("final_loss", "val_accuracy"):
        raise ValueError(
            _("field must be 'final_loss' or 'val_accuracy'. Received: field={field!r}").format(
                field=field
            )
        )
    sign = 1.0 if field == "final_loss" else -1.0

    def badness(run):
        value = getattr(run, field)
        return math.inf if not math.isfinite(value) else sign * value

    best: dict = {}
    for run in _check_runs(runs):
        if run.variant == variant and (
            run.seed not in best or badness(run) < badness(best[run.seed])
        ):
            best[run.seed] = run
    if not best:
        known = sorted({r.variant for r in runs})
        raise ValueError(
            _("No runs of {name!r}. Allowed: {known}").format(name=variant, known=known)
        )
    return dict(sorted(best.items()))


def runs_table(runs) -> Table:
    """One row per (variant, learning rate): the final training loss on each seed, the
    validation accuracy's range and the largest share of zeros the last block gives at
    the end (the paper's symptom; whether a run died is
    :func:`~inception_edu.experiments.residual_scaling.study.died`'s question)."""
    runs = _check_runs(runs)
    seeds = list(dict.fromkeys(r.seed for r in runs))
    losses = final_values(runs)
    accuracy = final_values(runs, "val_accuracy")
    dead = final_values(runs, "dead")
    rows = []
    for (variant, rate), values in losses.items():
        acc = accuracy[variant, rate]
        rows.append(
            (
                variant,
                f"{rate:g}",
                *(f"{v:.2f}" for v in values),
                f"{min(acc):.0%}-{max(acc):.0%}",
                f"{max(dead[variant, rate]):.0%}",
            )
        )
    return Table(
        (
            _("variant"),
            _("learning rate"),
            *(_("loss, seed {seed}").format(seed=s) for s in seeds),
            _("val. accuracy"),
            _("zeros (most)"),
        ),
        tuple(rows),
    )


def plot_training(runs, variants=None, title: str = "", classes: int | None = 10):
    """The training loss per epoch, one panel per learning rate, one line per variant at
    the mean of its seeds with a band from the lowest to the highest seed (said in the
    title unless ``title`` replaces it); a dashed line at ln(``classes``), the loss of a
    network that guesses (``None``: no line)."""
    runs = _check_runs(runs)
    rates = list(dict.fromkeys(r.learning_rate for r in runs))
    known = list(dict.fromkeys(r.variant for r in runs))
    names = known if variants is None else list(variants)
    unknown = [name for name in names if name not in known]
    if unknown or not names:
        raise ValueError(
            _("variants must name trained variants: {known}. Received: {variants!r}").format(
                known=known, variants=variants
            )
        )
    figure = new_figure(figsize=(5.2 * len(rates), 4.2), layout="constrained")
    axes = np.atleast_1d(figure.subplots(1, len(rates), sharey=True))
    for ax, rate in zip(axes, rates, strict=True):
        curves = {
            name: [list(r.loss) for r in runs if r.variant == name and r.learning_rate == rate]
            for name in names
        }
        plot_runs(
            {name: c for name, c in curves.items() if c},
            metric=_("training loss"),
            title=_("learning rate {rate:g}").format(rate=rate),
            ax=ax,
            legend="upper right",
        )
        if classes is not None:
            chance = math.log(check_int(classes, "classes", 2))
            label = _("guessing: ln {classes} = {chance:.2f}").format(
                classes=classes, chance=chance
            )
            ax.axhline(chance, color="#555555", linestyle="--", linewidth=1, label=label)
            ax.legend(loc="upper right", fontsize=10)
    seeds = len({r.seed for r in runs})
    default = _("training loss: mean of {seeds} seeds, band from the lowest to the highest").format(
        seeds=seeds
    )
    figure.suptitle(title or default, fontsize=12)
    return figure

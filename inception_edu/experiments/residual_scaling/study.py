"""Notebook 08's heavy run: residual scaling (claim C32) where the paper says it matters.

Szegedy et al. 2016, section 3.3: "if the number of filters exceeded 1000, the residual
variants started to exhibit instabilities and the network has just 'died' early in the
training [...] this could not be prevented, neither by lowering the learning rate, nor by
adding an extra batch-normalization to this layer." and, on He et al.'s two-phase
training (a "warm-up" at a very low learning rate, then a high one): "if the number of
filters is very high, then even a very low (0.00001) learning rate is not sufficient to
cope with the instabilities".

The study trains the mini Inception-ResNet of
:func:`~inception_edu.zoo.mini.mini_inception_resnet_spec` on a trunk of
``channels`` (1,024 by default: over the paper's threshold) with ``blocks`` residual
blocks, unscaled and scaled, over seeds and learning rates from below the paper's 0.045
to 1.0, each with a constant rate and with He et al.'s warm-up (2015, section 4.2: a
tenth of the rate first, then the rate). It is more than a notebook's minute on a CPU, so
``scripts/residual_scaling_study.py`` runs it and stores its results with their
provenance in ``results/wide_trunk.json`` (:data:`STUDY_FILE`); notebook 08 plots them
(:func:`load_study`, :func:`plot_study`) and reruns one arm live (:func:`run_study` with
one seed and one rate), and a test checks that the arm lies within the stored band
(:func:`band`). With ``--growth`` the script stores the trunk's growth at initialisation
on trunks of 64, 256 and 1,024 channels over seeds (:func:`measure_growth`,
:data:`GROWTH_FILE`); the notebook measures only its widest trunk live.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np

from inception_edu.analysis import Table
from inception_edu.course.claims import EmpiricalVerdict, empirical_verdict
from inception_edu.course.provenance import read_record
from inception_edu.data import Split, load_digits_split
from inception_edu.experiments.residual_scaling.experiment import (
    ActivationGrowth,
    VariantRun,
    best_runs,
    growth_over_seeds,
    train_variants,
)
from inception_edu.i18n import _
from inception_edu.spec.checks import check_choice, check_int, check_number, check_seeds
from inception_edu.spec.nodes import Residual
from inception_edu.viz.figures import new_figure
from inception_edu.zoo.mini import mini_inception_resnet_spec

__all__ = [
    "CLEAR_MARGIN",
    "DEAD_ACCURACY",
    "FULL_BLOCK_FILE",
    "GROWTH_FILE",
    "SCHEDULES",
    "STUDY_FILE",
    "Study",
    "StudySettings",
    "band",
    "GROWTH_BLOCKS",
    "GROWTH_BRANCHES",
    "GROWTH_WIDTH",
    "GROWTH_WIDTHS",
    "best_accuracy",
    "describe_network",
    "died",
    "growth_made",
    "growth_record",
    "load_growth",
    "load_study",
    "measure_growth",
    "plot_study",
    "paired",
    "rescues",
    "seed_spread",
    "stability",
    "Stability",
    "run_study",
    "study_record",
    "study_table",
    "warmup_table",
]

#: Where the study's results are stored (written by ``scripts/residual_scaling_study.py``).
STUDY_FILE = Path(__file__).with_name("results") / "wide_trunk.json"

#: The same study with the figure's full A block (three branches at 32 filters: a residual
#: of rank 96), at constant rates: ``--width 1.0 --branches 3 --schedules constant``.
FULL_BLOCK_FILE = Path(__file__).with_name("results") / "full_block.json"

#: The growth at initialisation over trunk widths and seeds (the same script, ``--growth``).
GROWTH_FILE = Path(__file__).with_name("results") / "growth.json"

#: The growth at initialisation: trunk widths, depth, and the A block as drawn in Figure
#: 10 (all three branches at their 32 filters), unlike the trained study's narrow residual.
GROWTH_WIDTHS = (64, 256, 1024)
GROWTH_BLOCKS = 16
GROWTH_WIDTH = 1.0
GROWTH_BRANCHES = 3

#: A constant learning rate, and He et al.'s warm-up before it.
SCHEDULES = ("constant", "warm-up")

#: A run "died" when it ends at most this accurate on the validation digits (guessing
#: among 10 digits scores 10%) or with a loss that is not a finite number: notebook 08's
#: one definition (:func:`died`), for the stored study and the live 64-channel runs alike.
DEAD_ACCURACY = 0.2

#: Where one twin died, the other counts as having *trained* only when it ended more than
#: this above :data:`DEAD_ACCURACY`: after 36 steps the seeds of one arm spread over about
#: as much (:func:`seed_spread`), so a twin just above the line is no evidence either way.
CLEAR_MARGIN = 0.1


@dataclass(frozen=True)
class StudySettings:
    """What the study trains: the network (``channels``, ``blocks``, ``width``,
    ``branches`` of the mini Inception-ResNet; ``scale`` for the scaled variant), the
    data (the first ``samples`` training digits of split seed 0), the runs (``seeds``,
    ``learning_rates``, ``epochs``, ``batch_size``; SGD with momentum 0.9) and the
    warm-up (``warmup_steps`` at ``warmup_factor`` times the rate)."""

    channels: int = 1024
    blocks: int = 6
    width: float = 0.25
    branches: int = 2
    scale: float = 0.2
    seeds: tuple = (0, 1, 2)
    learning_rates: tuple = (0.01, 0.045, 0.1, 0.2, 0.3, 0.5, 1.0)
    epochs: int = 3
    samples: int = 720
    batch_size: int = 64
    warmup_steps: int = 12
    warmup_factor: float = 0.1

    def __post_init__(self):
        check_int(self.channels, "channels", 1)
        check_int(self.blocks, "blocks", 1, 100)
        check_number(self.width, "width", 0, 4, open_min=True)
        check_int(self.branches, "branches", 1, 3)
        check_number(self.scale, "scale", 0, 1, open_min=True)
        check_seeds(self.seeds)
        for rate in self.learning_rates:
            check_number(rate, "learning_rate", 0, 100, open_min=True)
        check_int(self.epochs, "epochs", 1)
        check_int(self.samples, "samples", 10)
        check_int(self.batch_size, "batch_size", 1)
        check_int(self.warmup_steps, "warmup_steps", 1)

    def variants(self) -> dict:
        """``{"unscaled": spec, "scaled": spec}``: the same network, scale 1.0 and
        :attr:`scale`."""
        options = dict(
            channels=self.channels, blocks=self.blocks, width=self.width, branches=self.branches
        )
        return {
            "unscaled": mini_inception_resnet_spec(scale=1.0, **options),
            "scaled": mini_inception_resnet_spec(scale=self.scale, **options),
        }

    def split(self) -> Split:
        """The first :attr:`samples` training digits of split seed 0; every validation
        digit."""
        digits = load_digits_split(seed=0)
        return Split(
            digits.x_train[: self.samples],
            digits.y_train[: self.samples],
            digits.x_val,
            digits.y_val,
            digits.class_names,
        )


def describe_network(settings: StudySettings) -> tuple:
    """What the study trains, in lines of text read off the unscaled variant's spec: the
    trunk, the blocks and their branches' filters, and how far the residual's rank (the
    concatenated branches' channels) is below the trunk's width."""
    _check_settings(settings)
    spec = settings.variants()["unscaled"]
    block = next(stage for stage in spec.stages if isinstance(stage, Residual))
    branches = [
        " -> ".join(f"{op.kernel[0]}x{op.kernel[1]} {op.filters}" for op in branch.ops)
        for branch in block.branches
    ]
    rank = sum(branch.ops[-1].filters for branch in block.branches)
    return (
        _("trunk: {channels} channels on a 4x4 grid (a 3x3/2 stem on the 8x8 digits)").format(
            channels=settings.channels
        ),
        _(
            "{blocks} Inception-ResNet-A blocks of v1 (Figure 10), {branches} of "
            "its 3 branches at width {width:g}:"
        ).format(blocks=settings.blocks, branches=len(branches), width=settings.width),
        _("  {branches}; concatenated: {rank} channels").format(
            branches=" | ".join(branches), rank=rank
        ),
        _(
            "  then the linear 1x1 to {channels}: a residual of rank <= {rank}, "
            "{fewer:.0f}x fewer than the trunk's channels"
        ).format(channels=settings.channels, rank=rank, fewer=settings.channels / rank),
    )


def _check_settings(settings) -> None:
    if not isinstance(settings, StudySettings):
        raise ValueError(
            _("settings must be StudySettings. Received: {kind}").format(
                kind=type(settings).__name__
            )
        )


def _label(variant: str, schedule: str) -> str:
    return variant if schedule == "constant" else f"{variant} + warm-up"


def run_study(settings: StudySettings, seeds=None, learning_rates=None, schedules=SCHEDULES):
    """Train the study's variants; one :class:`VariantRun` per variant, schedule, rate and
    seed. ``seeds`` and ``learning_rates`` default to the settings' (a notebook reruns one
    of each); a warmed-up run's variant is labelled ``"unscaled + warm-up"``."""
    _check_settings(settings)
    seeds = settings.seeds if seeds is None else seeds
    rates = settings.learning_rates if learning_rates is None else learning_rates
    schedules = tuple(schedules)
    for schedule in schedules:
        check_choice(schedule, SCHEDULES, "schedule")
    split, variants = settings.split(), settings.variants()
    runs = []
    for schedule in schedules:
        steps = settings.warmup_steps if schedule == "warm-up" else 0
        trained = train_variants(
            split,
            variants,
            seeds,
            rates,
            settings.epochs,
            settings.batch_size,
            warmup_steps=steps,
            warmup_factor=settings.warmup_factor,
        )
        runs += [replace(run, variant=_label(run.variant, schedule)) for run in trained]
    return runs


def study_record(runs, settings: StudySettings, provenance: dict) -> dict:
    """The JSON-ready record of a study: what it is, its provenance, settings and runs."""
    return {
        "what": (
            "Notebook 08, claim C32: the mini Inception-ResNet on a wide trunk, unscaled "
            "and scaled, constant learning rate and He et al.'s warm-up, over seeds and "
            "learning rates (inception_edu.experiments.residual_scaling.study)."
        ),
        "provenance": provenance,
        "settings": asdict(settings),
        "runs": [asdict(run) for run in runs],
    }


@dataclass(frozen=True)
class Study:
    """A stored study: its settings, provenance (command, seeds, versions, machine,
    date, commit) and runs."""

    settings: StudySettings
    provenance: dict
    runs: tuple


def load_study(path=STUDY_FILE) -> Study:
    """Read a study written by ``scripts/residual_scaling_study.py``."""
    record = read_record(path, "study", "python scripts/residual_scaling_study.py")
    raw = record["settings"]
    settings = StudySettings(
        **{key: tuple(value) if isinstance(value, list) else value for key, value in raw.items()}
    )
    runs = tuple(VariantRun(**{**run, "loss": tuple(run["loss"])}) for run in record["runs"])
    return Study(settings, record["provenance"], runs)


def died(run: VariantRun) -> bool:
    """Whether ``run`` ended no better than :data:`DEAD_ACCURACY` or with a loss that is
    not finite."""
    return not run.finite or run.val_accuracy <= DEAD_ACCURACY


def _runs(study_or_runs) -> tuple:
    return tuple(study_or_runs.runs if isinstance(study_or_runs, Study) else study_or_runs)


def band(study, variant: str, learning_rate: float, field: str = "val_accuracy") -> tuple:
    """The lowest and highest ``field`` over the stored seeds of ``variant`` at
    ``learning_rate``."""
    values = [
        getattr(run, field)
        for run in _runs(study)
        if run.variant == variant and math.isclose(run.learning_rate, learning_rate)
    ]
    if not values:
        known = sorted({(r.variant, r.learning_rate) for r in _runs(study)})
        raise ValueError(
            _("No stored runs of {variant!r} at {rate!r}. Stored: {known}").format(
                variant=variant, rate=learning_rate, known=known
            )
        )
    return min(values), max(values)


def best_accuracy(study, variant: str) -> dict:
    """Per seed, ``(learning rate, validation accuracy)`` of ``variant`` at its best
    learning rate (:func:`~inception_edu.experiments.residual_scaling.best_runs`): each
    variant compared at the rate that suits it."""
    best = best_runs(_runs(study), variant, "val_accuracy")
    return {seed: (run.learning_rate, run.val_accuracy) for seed, run in best.items()}


def rescues(study, variant: str, other: str, margin: float = CLEAR_MARGIN) -> dict:
    """Per seed, the learning rates at which ``variant`` died (:func:`died`) and
    ``other``, from the same weights on the same batches, clearly trained (a finite loss
    and more than ``margin`` above :data:`DEAD_ACCURACY`): ``{seed: [rates]}``."""
    runs = _runs(study)
    margin = check_number(margin, "margin", 0, 1)
    for name in (variant, other):
        if not any(r.variant == name for r in runs):
            stored = sorted({r.variant for r in runs})
            raise ValueError(
                _("No runs of {name!r}. Stored: {stored}").format(name=name, stored=stored)
            )
    mine = {(r.seed, r.learning_rate): r for r in runs if r.variant == variant}
    theirs = {(r.seed, r.learning_rate): r for r in runs if r.variant == other}

    def trained(run) -> bool:
        return run is not None and run.finite and run.val_accuracy > DEAD_ACCURACY + margin

    return {
        seed: sorted(
            rate
            for (s, rate), run in mine.items()
            if s == seed and died(run) and trained(theirs.get((s, rate)))
        )
        for seed in sorted({seed for seed, _rate in mine})
    }


@dataclass(frozen=True)
class Stability:
    """Did scaling keep alive runs that died unscaled? ``saved``: per seed, the rates at
    which the unscaled run died and its scaled twin clearly trained; ``lost``: the
    reverse; ``verdict``: the course's rule on ``len(saved) - len(lost)`` per seed."""

    saved: dict
    lost: dict
    verdict: EmpiricalVerdict

    @property
    def reproduced(self) -> bool:
        """Whether the paper's death appeared at all: an unscaled run that died where its
        scaled twin trained, on any seed."""
        return any(self.saved.values())


def stability(study, unscaled: str = "unscaled", scaled: str = "scaled", claim: str = "C32"):
    """Claim C32's stability half on ``study``'s runs (section 3.3: unscaled wide networks
    die where scaled ones train), as a :class:`Stability`. The rule
    (:func:`~inception_edu.course.claims.empirical_verdict`) gives *holds* only if scaling
    saved runs on every seed, *wrong* only if scaled runs died where unscaled ones clearly
    trained on more seeds than the reverse; with no deaths to save, the claim is *not
    shown at this scale*."""
    saved = rescues(study, unscaled, scaled)
    lost = rescues(study, scaled, unscaled)
    verdict = empirical_verdict(
        claim,
        [len(saved[seed]) - len(lost.get(seed, ())) for seed in saved],
        _("rates where only the unscaled run died, minus only the scaled"),
    )
    return Stability(saved, lost, verdict)


def paired(study, variant: str, other: str, field: str = "val_accuracy") -> dict:
    """``{learning rate: [variant's field minus other's, per seed]}`` over the rates and
    seeds both were run at (same weights, same batches): ``field`` is ``"val_accuracy"``,
    ``"dead"`` (the share of zeros the last block gives) or ``"final_loss"``."""
    check_choice(field, ("val_accuracy", "dead", "final_loss"), "field")
    runs = _runs(study)
    theirs = {(r.seed, r.learning_rate): r for r in runs if r.variant == other}
    found: dict = {}
    for run in sorted((r for r in runs if r.variant == variant), key=lambda r: r.seed):
        twin = theirs.get((run.seed, run.learning_rate))
        if twin is not None:
            found.setdefault(run.learning_rate, []).append(
                getattr(run, field) - getattr(twin, field)
            )
    if not found:
        pairs = sorted({r.variant for r in runs})
        raise ValueError(
            _("No paired runs of {variant!r} and {other!r}. Stored: {pairs}").format(
                variant=variant, other=other, pairs=pairs
            )
        )
    return dict(sorted(found.items()))


def seed_spread(study) -> float:
    """The median, over the study's arms (variant, schedule, rate) in which no run died,
    of the range of validation accuracy over the seeds: how far apart seeds land after
    the same training (the noise :data:`CLEAR_MARGIN` stands for)."""
    arms: dict = {}
    for run in _runs(study):
        arms.setdefault((run.variant, run.learning_rate), []).append(run)
    spreads = [
        max(r.val_accuracy for r in arm) - min(r.val_accuracy for r in arm)
        for arm in arms.values()
        if len(arm) > 1 and not any(died(r) for r in arm)
    ]
    if not spreads:
        raise ValueError(_("No arm with two or more seeds and no deaths: no spread to measure"))
    return float(np.median(spreads))


def study_table(study, schedule: str = "constant") -> Table:
    """One row per learning rate of ``schedule``: the validation accuracy of each variant
    (lowest to highest over the seeds), the mean share of zeros its last block gives (the
    paper's symptom) and on how many seeds it died (:func:`died`)."""
    check_choice(schedule, SCHEDULES, "schedule")
    runs = _runs(study)
    names = [_label(v, schedule) for v in ("unscaled", "scaled")]
    mine = [r for r in runs if r.variant in names]
    if not mine:
        stored = sorted({r.variant for r in runs})
        raise ValueError(
            _("No runs of {names} ({schedule}). Stored: {stored}").format(
                names=names, schedule=schedule, stored=stored
            )
        )

    def arm(name, rate):
        return [r for r in mine if r.variant == name and r.learning_rate == rate]

    def accuracy(found):
        low, high = (f(r.val_accuracy for r in found) for f in (min, max))
        return f"{low:.0%}-{high:.0%}" if found else "-"

    rows = []
    for rate in sorted({r.learning_rate for r in mine}):
        arms = [arm(name, rate) for name in names]
        rows.append(
            (
                f"{rate:g}",
                *(accuracy(found) for found in arms),
                *(f"{np.mean([r.dead for r in found]):.0%}" if found else "-" for found in arms),
                *(_died_of(found) for found in arms),
            )
        )
    header = (_("rate"), _("accuracy: unscaled"), "scaled", _("zeros: unscaled"), "scaled")
    return Table((*header, _("died: unscaled"), "scaled"), tuple(rows))


def _died_of(found) -> str:
    """On how many of ``found`` runs the network died: ``"1 of 3"``."""
    return _("{died} of {runs}").format(died=sum(died(r) for r in found), runs=len(found))


def warmup_table(study) -> Table:
    """One row per learning rate: for each variant, its validation accuracy after He et
    al.'s warm-up minus at a constant rate, in points, seed by seed (the same weights and
    batches; the warm-up runs its first steps at a fraction of the rate), and on how many
    seeds it died after the warm-up (:func:`died`)."""
    runs = _runs(study)
    names = [
        v for v in ("unscaled", "scaled") if any(r.variant == _label(v, "warm-up") for r in runs)
    ]
    if not names:
        raise ValueError(
            _("No warmed-up runs. Stored: {stored}").format(
                stored=sorted({r.variant for r in runs})
            )
        )
    found = {v: paired(runs, _label(v, "warm-up"), v) for v in names}
    rows = []
    for rate in sorted({rate for by_rate in found.values() for rate in by_rate}):
        after = {
            v: [r for r in runs if r.variant == _label(v, "warm-up") and r.learning_rate == rate]
            for v in names
        }
        rows.append(
            (
                f"{rate:g}",
                *(" ".join(f"{round(100 * d):+d}" for d in found[v].get(rate, ())) for v in names),
                *(_died_of(after[v]) for v in names),
            )
        )
    header = (_("{variant}: warm-up - constant").format(variant=names[0]), *names[1:])
    died_header = (_("died after it: {variant}").format(variant=names[0]), *names[1:])
    return Table((_("rate"), *header, *died_header), tuple(rows))


def plot_study(study, title: str = ""):
    """Validation accuracy against the learning rate (log axis), one panel per schedule,
    one line per variant through the mean of its seeds, a dot per seed; a dashed line at
    10%, guessing, and a dotted one at :data:`DEAD_ACCURACY`, the line below which a run
    died."""
    runs = _runs(study)
    figure = new_figure(figsize=(10.4, 4.2), layout="constrained")
    axes = figure.subplots(1, len(SCHEDULES), sharey=True)
    for ax, schedule in zip(axes, SCHEDULES, strict=True):
        for index, variant in enumerate(("unscaled", "scaled")):
            label = _label(variant, schedule)
            mine = [r for r in runs if r.variant == label]
            rates = sorted({r.learning_rate for r in mine})
            if not rates:
                continue
            color = f"C{index}"
            for run in mine:
                ax.plot(run.learning_rate, run.val_accuracy, "o", color=color, alpha=0.45)
            means = [np.mean([r.val_accuracy for r in mine if r.learning_rate == x]) for x in rates]
            ax.plot(rates, means, "-", color=color, linewidth=2, label=label)
        ax.axhline(0.1, color="#555555", linestyle="--", linewidth=1, label=_("guessing: 10%"))
        ax.axhline(
            DEAD_ACCURACY,
            color="#aa0000",
            linestyle=":",
            linewidth=1.2,
            label=_("died: {accuracy:.0%} or less").format(accuracy=DEAD_ACCURACY),
        )
        ax.set_xscale("log")
        ax.set_ylim(0, 1)
        ax.set_xlabel(_("learning rate (SGD, momentum 0.9)"), fontsize=11)
        # the schedule's name, shown as the panel's title (the value stays "constant")
        ax.set_title(_("constant") if schedule == "constant" else _("He et al.'s warm-up first"))
        ax.grid(alpha=0.3)
        ax.legend(fontsize=10, loc="lower left")
        ax.tick_params(labelsize=10)
    axes[0].set_ylabel(_("validation accuracy"), fontsize=11)
    if isinstance(study, Study):
        s = study.settings
        default = _(
            "{channels}-channel trunk, {blocks} blocks: {seeds} seeds "
            "(dots), their mean (line), after {epochs} epochs"
        ).format(channels=s.channels, blocks=s.blocks, seeds=len(s.seeds), epochs=s.epochs)
    else:
        default = _("validation accuracy per seed (dots) and mean (line)")
    figure.suptitle(title or default, fontsize=12)
    return figure


# --------------------------------------------------------------------------- at init


def measure_growth(
    widths=GROWTH_WIDTHS,
    blocks: int = GROWTH_BLOCKS,
    seeds=(0, 1, 2),
    scales=(1.0, 0.3, 0.2, 0.1),
    width: float = GROWTH_WIDTH,
    branches: int = GROWTH_BRANCHES,
) -> dict:
    """:func:`~inception_edu.experiments.residual_scaling.growth_over_seeds` for the mini
    Inception-ResNet on each trunk width of ``widths`` with ``blocks`` blocks (by default
    all three branches at the figure's 32 filters), on the first 8 validation digits of
    split seed 0: ``{channels: (ActivationGrowth per seed)}``, what notebook 08 measures
    live for its widest trunk."""
    x = load_digits_split(seed=0).x_val[:8]
    measured = {}
    for channels in widths:
        spec = mini_inception_resnet_spec(
            channels=check_int(channels, "channels", 1),
            blocks=blocks,
            width=width,
            branches=branches,
        )
        measured[channels] = growth_over_seeds(spec, x, seeds, scales)
    return measured


def growth_record(measured: dict, provenance: dict, network: dict | None = None) -> dict:
    """The JSON-ready record of :func:`measure_growth`'s result, its provenance and the
    network and seeds it measured (``network``: :func:`measure_growth`'s arguments)."""
    return {
        "what": (
            "Notebook 08, claim C32: the trunk's RMS after the stem and after each block of "
            "the mini Inception-ResNet at initialisation, per trunk width, seed and scale "
            "(inception_edu.experiments.residual_scaling.study.measure_growth)."
        ),
        "provenance": provenance,
        "network": {
            key: list(value) if isinstance(value, tuple) else value
            for key, value in (network or {}).items()
        },
        "growth": {
            str(channels): [asdict(growth) for growth in per_seed]
            for channels, per_seed in measured.items()
        },
    }


def growth_made(path=GROWTH_FILE) -> tuple:
    """``(network, provenance)`` of the stored growth (:data:`GROWTH_FILE`): the widths,
    blocks, branch width, branches and seeds measured, and how the file was made."""
    record = read_record(path, "growth", "python scripts/residual_scaling_study.py --growth")
    return record.get("network", {}), record["provenance"]


def load_growth(path=GROWTH_FILE) -> dict:
    """Read :data:`GROWTH_FILE`: ``{channels: (ActivationGrowth per seed)}``."""
    record = read_record(path, "growth", "python scripts/residual_scaling_study.py --growth")
    return {
        int(channels): tuple(
            ActivationGrowth(
                tuple(g["scales"]),
                tuple(g["blocks"]),
                g["stem"],
                tuple(tuple(row) for row in g["rms"]),
            )
            for g in per_seed
        )
        for channels, per_seed in record["growth"].items()
    }

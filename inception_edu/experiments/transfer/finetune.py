"""Notebook 09's heavy run: the standard transfer protocol as an arm of claim C37.

The source fine-tuned every layer of its ImageNet-pretrained Inception-ResNet-v2 with Adam
at 0.001 (it names no freezing). The standard protocol (Keras' transfer-learning guide,
"fine-tuning") is different: the new head is trained on a **frozen** backbone first, then
the backbone is **unfrozen at a low learning rate** (1e-5 with Adam), its batch norm kept
in inference mode throughout (frozen, in Keras 3: see
:meth:`~inception_edu.experiments.transfer.experiment.Experiment.build`), so that a few
large early steps through a random head cannot overwrite the pretrained features and small
batches cannot replace the pretrained statistics.

:func:`run_study` compares three arms on the course folder, each from the same seeds and
over the same budget, counted in epochs (every arm sees the same images in the same
number of optimiser steps; a frozen step costs less, since no gradient reaches the
backbone):

- ``"pretrained"``: the course backbone, every layer trained from the first step at Adam
  0.001 (the source's way, notebook 09's ``pretrained`` arm);
- ``"frozen, then unfrozen"``: the same backbone, the head alone for ``frozen_epochs``
  epochs at 0.001, then every layer at ``unfrozen_learning_rate``, batch norm in inference
  mode (:attr:`~inception_edu.experiments.transfer.experiment.Experiment.frozen_epochs`);
- ``"from scratch"``: the same network freshly initialised, every layer at 0.001.

Every arm goes through :func:`~inception_edu.experiments.transfer.experiment.compare` (the
course's runner, seeds, shared traced models) and is scored as Keras left it and after its
batch-norm statistics were recomputed (``settled``). Twelve epochs over five seeds are
more than notebook 09's budget, so ``scripts/transfer_finetune_study.py`` runs them and
stores per-epoch validation accuracies with their provenance in
``results/frozen_protocol.json`` (:data:`STUDY_FILE`); the notebook reads them
(:func:`load_study`, :func:`plot_study`, :func:`protocol_verdict`) and reruns the new arm
live for one seed, which a test checks against the stored band (:func:`band`).

This is still not ImageNet's question: the backbone was pretrained on 9 held-out scenes
(:mod:`~inception_edu.experiments.transfer.pretrained`), a task close to the course
folder's, at 75 pixels.
"""

from __future__ import annotations

import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from inception_edu.analysis import Table
from inception_edu.course.provenance import read_record
from inception_edu.data import load_image_folder, write_course_folder
from inception_edu.experiments.transfer.experiment import (
    UNFROZEN_LEARNING_RATE,
    Comparison,
    Experiment,
    SharedModels,
    compare,
    seed_verdict,
)
from inception_edu.experiments.transfer.pretrained import course_backbone
from inception_edu.i18n import N_, _
from inception_edu.spec.checks import check_choice, check_int, check_number, check_seeds
from inception_edu.viz.curves import plot_runs

__all__ = [
    "ARMS",
    "STUDY_FILE",
    "FinetuneSettings",
    "FinetuneStudy",
    "band",
    "finals",
    "load_study",
    "plot_study",
    "protocol_verdict",
    "run_study",
    "study_arms",
    "study_record",
    "study_split",
    "study_table",
]

#: The study's arms, in order: the source's fine-tuning, the standard protocol, scratch.
ARMS = (N_("pretrained"), N_("frozen, then unfrozen"), N_("from scratch"))

#: Where ``scripts/transfer_finetune_study.py`` stores the study (small JSON).
STUDY_FILE = Path(__file__).resolve().parent / "results" / "frozen_protocol.json"

#: What a stored run records per seed: the validation accuracy per epoch as Keras left the
#: network, and the final network's accuracy after its batch norm was settled.
_KEYS = ("as_trained", "settled")


@dataclass(frozen=True)
class FinetuneSettings:
    """The study's data and budget: the course folder at ``images_per_class`` images per
    class (notebook 09's 24), split once with ``val_fraction`` (seed 0, as the notebook);
    every arm ``epochs`` epochs of batch ``batch_size`` for each of ``seeds``; the frozen
    protocol's first ``frozen_epochs`` on the head alone, the rest at
    ``unfrozen_learning_rate``."""

    images_per_class: int = 24
    val_fraction: float = 0.25
    seeds: tuple = (0, 1, 2, 3, 4)
    epochs: int = 12
    frozen_epochs: int = 6
    unfrozen_learning_rate: float = UNFROZEN_LEARNING_RATE
    batch_size: int = 64

    def __post_init__(self):
        set_ = object.__setattr__
        set_(self, "images_per_class", check_int(self.images_per_class, "images_per_class", 4))
        fraction = check_number(self.val_fraction, "val_fraction", 0, 1, open_min=True)
        set_(self, "val_fraction", fraction)
        set_(self, "seeds", check_seeds(self.seeds))
        set_(self, "epochs", check_int(self.epochs, "epochs", 2))
        frozen = check_int(self.frozen_epochs, "frozen_epochs", 1)
        if frozen >= self.epochs:
            raise ValueError(
                _(
                    "frozen_epochs must leave epochs to unfreeze: 1 <= frozen_epochs < epochs "
                    "({epochs}). Received: frozen_epochs={frozen}"
                ).format(epochs=self.epochs, frozen=frozen)
            )
        set_(self, "frozen_epochs", frozen)
        rate = check_number(
            self.unfrozen_learning_rate, "unfrozen_learning_rate", 0, 1, open_min=True
        )
        set_(self, "unfrozen_learning_rate", rate)
        set_(self, "batch_size", check_int(self.batch_size, "batch_size", 1))


def _check_settings(settings) -> None:
    if not isinstance(settings, FinetuneSettings):
        raise ValueError(
            _("settings must be FinetuneSettings. Received: {kind}").format(
                kind=type(settings).__name__
            )
        )


def study_split(settings: FinetuneSettings, work_dir=None):
    """The course folder as the study uses it (written to ``work_dir``, or a temporary
    folder), split with seed 0: the images notebook 09 trains on."""
    _check_settings(settings)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(work_dir) if work_dir is not None else Path(tmp)
        folder = write_course_folder(root / "course_folder", settings.images_per_class)
        data = load_image_folder(folder, size=75, verbose=False)
    return data.split(settings.val_fraction, seed=0)


def study_arms(settings: FinetuneSettings, arms=ARMS) -> list:
    """The :class:`Experiment` of each of ``arms`` (names from :data:`ARMS`)."""
    if isinstance(arms, str) or not arms or any(a not in ARMS for a in arms):
        raise ValueError(
            _("arms must be a non-empty tuple of names from {allowed}. Received: {arms!r}").format(
                allowed=ARMS, arms=arms
            )
        )
    course = dict(backbone=course_backbone, weights="course", backbone_label="inception_resnet_v2")
    made = {
        "pretrained": Experiment(name="pretrained", **course),
        "frozen, then unfrozen": Experiment(
            name="frozen, then unfrozen",
            frozen_epochs=settings.frozen_epochs,
            unfrozen_learning_rate=settings.unfrozen_learning_rate,
            **course,
        ),
        "from scratch": Experiment(
            name="from scratch",
            **dict(course, weights="scratch", backbone=lambda: course_backbone(weights=None)),
        ),
    }
    return [made[name] for name in arms]


def run_study(
    settings: FinetuneSettings,
    split=None,
    seeds=None,
    arms=ARMS,
    checkpoint_root=None,
    models: SharedModels | None = None,
) -> Comparison:
    """Train ``arms`` (default all three) for ``seeds`` (default the settings') with the
    settings' budget through :func:`compare`; ``split`` defaults to :func:`study_split`.
    The notebook reruns one arm for one seed this way."""
    _check_settings(settings)
    split = study_split(settings) if split is None else split
    seeds = settings.seeds if seeds is None else seeds
    return compare(
        split,
        study_arms(settings, arms),
        seeds,
        settings.epochs,
        settings.batch_size,
        checkpoint_root=checkpoint_root,
        models=models,
    )


def study_record(comparison: Comparison, settings: FinetuneSettings, provenance: dict) -> dict:
    """The JSON-ready record: what it is, its provenance, settings, and per arm and seed
    the validation accuracy per epoch (as Keras left it) and after settling."""
    runs = {}
    for name, results in comparison.results.items():
        runs[name] = {
            str(r.experiment.seed): {
                "as_trained": [round(v, 4) for v in r.history["val_categorical_accuracy"]],
                "settled": round(r.settled_accuracy, 4),
            }
            for r in results
        }
    return {
        "what": (
            "Notebook 09, claim C37: the course backbone fine-tuned on the course folder "
            "three ways at equal budget in epochs: every layer at Adam 0.001 (the "
            "source's), frozen then unfrozen at a low rate with batch norm in inference "
            "mode (the standard protocol), and from scratch "
            "(inception_edu.experiments.transfer.finetune)."
        ),
        "provenance": provenance,
        "settings": asdict(settings),
        "runs": runs,
    }


@dataclass(frozen=True)
class FinetuneStudy:
    """A stored study: its settings, provenance (command, seeds, versions, machine, date,
    commit, dirty flag) and ``runs[arm][seed] = {"as_trained": [...], "settled": x}``."""

    settings: FinetuneSettings
    provenance: dict
    runs: dict


def load_study(path=STUDY_FILE) -> FinetuneStudy:
    """Read a study written by ``scripts/transfer_finetune_study.py``."""
    record = read_record(path, "study", "python scripts/transfer_finetune_study.py")
    stored = dict(record["settings"], seeds=tuple(record["settings"]["seeds"]))
    runs = {arm: {int(s): run for s, run in seeds.items()} for arm, seeds in record["runs"].items()}
    return FinetuneStudy(FinetuneSettings(**stored), record["provenance"], runs)


def _check_study(study) -> FinetuneStudy:
    if not isinstance(study, FinetuneStudy):
        raise ValueError(
            _("study must be a FinetuneStudy (load_study()). Received: {kind}").format(
                kind=type(study).__name__
            )
        )
    return study


def finals(study, arm: str, key: str = "settled") -> np.ndarray:
    """One number per stored seed (in seed order): the last epoch's validation accuracy
    as Keras left the network (``key="as_trained"``) or after settling (``"settled"``)."""
    study = _check_study(study)
    check_choice(arm, tuple(study.runs), "arm")
    check_choice(key, _KEYS, "key")
    runs = study.runs[arm]
    values = [runs[s][key][-1] if key == "as_trained" else runs[s][key] for s in sorted(runs)]
    return np.array(values, dtype=float)


def band(study, arm: str, key: str = "as_trained") -> tuple:
    """``(lowest, highest)`` over the stored seeds of :func:`finals`: where a rerun of the
    arm with another seed is expected to land."""
    values = finals(study, arm, key)
    return float(values.min()), float(values.max())


def protocol_verdict(study, key: str = "as_trained", other: str = "from scratch"):
    """The course's rule (:func:`seed_verdict`) for claim C37's "pretraining made little
    difference" (within 10 points), on the standard protocol: per seed, its accuracy
    (``key``) minus ``other``'s settled accuracy (the scratch arm's batch norm must be
    settled to measure its weights, section 4 of notebook 09; the frozen protocol never
    updates its statistics, so as Keras left it they already match its weights)."""
    check_choice(other, ("from scratch", "pretrained"), "other")
    differences = finals(study, "frozen, then unfrozen", key) - finals(study, other, "settled")
    effect = (
        N_("protocol minus scratch")
        if other == "from scratch"
        else N_("protocol minus every layer at 1e-3")
    )
    return seed_verdict(
        _("C37, pretraining (frozen, then unfrozen)"),
        np.round(differences, 4),
        _(effect),
        claimed="none",
        margin=0.1,
    )


def study_table(study) -> Table:
    """Per arm: the last epoch's validation accuracy as Keras left it and settled, mean
    and [lowest, highest] over the stored seeds."""
    study = _check_study(study)

    def cell(values):
        return f"{values.mean():.3f} [{values.min():.3f}, {values.max():.3f}]"

    rows = tuple(
        (_(arm), cell(finals(study, arm, "as_trained")), cell(finals(study, arm, "settled")))
        for arm in study.runs
    )
    settings = study.settings
    title = _(
        "stored: {epochs} epochs (frozen protocol: {frozen} + {unfrozen}), seeds {seeds}"
    ).format(
        epochs=settings.epochs,
        frozen=settings.frozen_epochs,
        unfrozen=settings.epochs - settings.frozen_epochs,
        seeds=list(settings.seeds),
    )
    columns = (_("arm"), _("as Keras left it"), _("settled"))
    return Table(columns, rows, title=title, left=1)


def plot_study(study, live=None, title: str = ""):
    """Validation accuracy per epoch as Keras left each network (mean and seed band), each
    arm's mean settled accuracy as a diamond just after its last epoch (what the verdict
    uses), a dotted line where the protocol unfreezes its backbone; ``live``: ``None`` or
    one rerun's curve ``(label, [value per epoch])``, drawn as points over the stored
    ones."""
    study = _check_study(study)
    curves = {
        arm: [seeds[s]["as_trained"] for s in sorted(seeds)] for arm, seeds in study.runs.items()
    }
    shown = {_(arm): values for arm, values in curves.items()}
    figure = plot_runs(shown, metric=_("validation accuracy"), legend="outside", title=title)
    axes = figure.axes[0]
    last = study.settings.epochs + 0.4
    for arm, line in zip(curves, axes.get_lines(), strict=False):
        settled = finals(study, arm, "settled").mean()
        axes.plot([last], [settled], "D", color=line.get_color(), markersize=7)
    axes.plot([], [], "D", color="0.5", label=_("settled, last epoch (mean)"))
    unfreeze = study.settings.frozen_epochs + 0.5
    axes.axvline(unfreeze, color="0.4", linestyle=":", linewidth=1.2, label=_("unfrozen here"))
    if live is not None:
        label, values = live
        values = np.asarray(values, dtype=float)
        if not isinstance(label, str) or values.ndim != 1 or not len(values):
            raise ValueError(
                _("live must be (a label, [value per epoch]). Received: {live!r:.80}").format(
                    live=live
                )
            )
        axes.plot(np.arange(1, len(values) + 1), values, "o", color="black", label=label)
    axes.set_ylim(0, 1)
    axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=10)
    return figure

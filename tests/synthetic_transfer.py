"""Made-up results of notebook 09's shape, to test, time and show its explorers without
training anything (tests, ``benchmarks/widget_speed.py`` and the browser tests)."""

from __future__ import annotations

import numpy as np

from inception_edu.experiments.transfer.experiment import (
    Comparison,
    Experiment,
    ExperimentResult,
    Mistake,
)
from inception_edu.spec.checks import check_int, check_seeds
from inception_edu.training import metrics as class_metrics


def _no_backbone():
    raise ValueError("a made-up arm of synthetic_comparison(): there is no backbone to build")


def _made_up_result(experiment, rng, skill, labels, classes, epochs, names) -> ExperimentResult:
    n = len(labels)
    # per class, a different difficulty: class k is right with probability skill - k/4K
    right = rng.random(n) < np.clip(skill - labels / (4 * classes), 0.05, 0.98)
    predicted = np.where(right, labels, (labels + rng.integers(1, classes, n)) % classes)
    confidence = rng.uniform(max(0.4, 1.5 / classes + 0.05), 0.99, n)
    probabilities = np.full((n, classes), 0.0)
    probabilities += ((1 - confidence) / (classes - 1))[:, None]
    probabilities[np.arange(n), predicted] = confidence
    steps = np.arange(1, epochs + 1) / epochs
    accuracy = skill * (1 - 0.6 * np.exp(-3 * steps)) + rng.normal(0, 0.02, epochs)
    loss = 2.5 * (1.05 - accuracy)
    history = {
        "loss": list(loss * 0.9),
        "accuracy": list(accuracy + 0.03),
        "categorical_accuracy": list(accuracy + 0.03),
        "binary_accuracy": list(1 - (1 - accuracy) * 2 / classes),
        "val_loss": list(loss),
        "val_accuracy": list(accuracy),
        "val_categorical_accuracy": list(accuracy),
        "val_binary_accuracy": list(1 - (1 - accuracy - 0.02) * 2 / classes),
    }
    wrong = np.flatnonzero(predicted != labels)
    worst = wrong[np.argsort(-confidence[wrong], kind="stable")][:8]
    return ExperimentResult(
        experiment=experiment,
        history={key: [float(v) for v in values] for key, values in history.items()},
        epochs=tuple(range(epochs)),
        class_names=names,
        labels=labels,
        probabilities=probabilities,
        per_class_error=class_metrics.per_class_error(labels, probabilities, classes),
        confusion=class_metrics.confusion_matrix(labels, probabilities, classes),
        mistakes=tuple(
            Mistake(int(i), int(labels[i]), int(predicted[i]), float(confidence[i])) for i in worst
        ),
        trained_epochs=tuple(range(epochs)),
        epoch_seconds=(0.0,) * epochs,
        seconds=0.0,
        model=None,
    )


def synthetic_comparison(
    classes: int = 12,
    seeds=(0, 1, 2),
    epochs: int = 4,
    per_class: int = 8,
    size: int = 75,
    seed: int = 0,
):
    """A made-up :class:`~inception_edu.experiments.transfer.experiment.Comparison` of
    notebook 09's shape, and its validation images: ``(comparison, x_val)``.

    No model is trained: histories, probabilities and images are invented (each class a
    colour with noise, ``per_class`` validation images of ``size`` x ``size``), so the
    widgets can be tested, timed and shown in a browser in a second. Five arms: the
    baseline (categorical loss, no augmentation, course weights, Inception-ResNet-v2)
    and one arm changing each of its settings (binary loss, augmentation, scratch
    weights, ResNet50). The numbers mean nothing about transfer learning.
    """
    classes = check_int(classes, "classes", 2)
    seeds = check_seeds(seeds)
    epochs = check_int(epochs, "epochs", 1)
    per_class = check_int(per_class, "per_class", 1)
    size = check_int(size, "size", 2)
    rng = np.random.default_rng(check_int(seed, "seed", 0))
    names = tuple(f"class_{k:02d}" for k in range(classes))
    labels = np.repeat(np.arange(classes), per_class)
    colours = rng.uniform(0.15, 0.85, (classes, 3))
    noise = rng.normal(0, 0.12, (len(labels), size, size, 3))
    x_val = np.clip(colours[labels][:, None, None, :] + noise, 0, 1).astype(np.float32)
    arms = (
        ("baseline", {}, 0.75),
        ("binary loss", {"loss": "binary"}, 0.55),
        ("augmented", {"augment": True}, 0.72),
        ("from scratch", {"weights": "scratch"}, 0.5),
        ("resnet50", {"backbone_label": "resnet50"}, 0.6),
    )
    experiments, results = [], {}
    for name, changes, skill in arms:
        settings = {"backbone_label": "inception_resnet_v2", "weights": "course", **changes}
        experiment = Experiment(name=name, backbone=_no_backbone, **settings)
        experiments.append(experiment)
        results[name] = tuple(
            _made_up_result(
                Experiment(name=name, backbone=_no_backbone, seed=s, **settings),
                rng,
                skill,
                labels,
                classes,
                epochs,
                names,
            )
            for s in seeds
        )
    return Comparison(tuple(experiments), seeds, epochs, 64, results), x_val

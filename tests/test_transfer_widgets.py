"""Notebook 09's widgets, driven from Python as a learner drives them: the experiment
picker (an arm by its settings, its curves against the baseline's) and the class-error
explorer (one arm's errors class by class, its most confident mistakes). The results are
made up here, dataclass by dataclass: nothing is trained."""

import dataclasses
import re

import numpy as np
import pytest
from helpers import svg_texts
from synthetic_transfer import synthetic_comparison

from inception_edu.experiments.transfer.experiment import (
    Comparison,
    Experiment,
    ExperimentResult,
    Mistake,
)
from inception_edu.experiments.transfer.explorers import (
    WORST,
    ClassErrorExplorer,
    ExperimentPicker,
)
from inception_edu.viz.charts import SERIES_COLOURS
from inception_edu.widgets.base import ERROR_COLOUR

NAMES = ("cat", "dog", "fox", "owl")
K, PER_CLASS, SIZE = len(NAMES), 8, 75
LABELS = np.repeat(np.arange(K), PER_CLASS)  # 32 validation images, 8 per class
SEEDS, EPOCHS = (0, 1, 2), 4
RIGHT = 0.7  # the probability a right answer gets


def backbone():
    return None  # never called: nothing is built or trained here


def arm(name, seed=0, **changes):
    settings = {"backbone_label": "inception_resnet_v2", "weights": "course", **changes}
    return Experiment(name=name, backbone=backbone, seed=seed, **settings)


def answers(seed: int):
    """(predicted class, confidence) per validation image for ``seed``.

    Seed 0: cat always right; dog taken for fox (0.9) and owl (0.6); fox wrong 7 times
    of 8 (5 x dog, 2 x cat, confidences 0.95 down to 0.65); owl taken for cat once (0.8).
    Seeds 1 and 2: everything right except one cat taken for dog (0.99)."""
    predicted = LABELS.copy()
    confidence = np.full(len(LABELS), RIGHT)
    if seed == 0:
        dog, fox, owl = (np.flatnonzero(LABELS == k) for k in (1, 2, 3))
        predicted[dog[:2]], confidence[dog[:2]] = (2, 3), (0.9, 0.6)
        predicted[fox[:7]] = (1, 1, 1, 1, 1, 0, 0)
        confidence[fox[:7]] = (0.75, 0.95, 0.7, 0.85, 0.65, 0.9, 0.8)
        predicted[owl[0]], confidence[owl[0]] = 0, 0.8
    else:
        cat = np.flatnonzero(LABELS == 0)
        predicted[cat[3]], confidence[cat[3]] = 1, 0.99
    return predicted, confidence


def result(experiment: Experiment, history: dict) -> ExperimentResult:
    predicted, confidence = answers(experiment.seed)
    n = len(LABELS)
    probabilities = np.repeat(((1 - confidence) / (K - 1))[:, None], K, axis=1)
    probabilities[np.arange(n), predicted] = confidence
    confusion = np.zeros((K, K), dtype=np.int64)
    np.add.at(confusion, (LABELS, predicted), 1)
    per_class_error = 1 - np.diag(confusion) / confusion.sum(axis=1)
    wrong = np.flatnonzero(predicted != LABELS)
    top = wrong[np.argsort(-confidence[wrong], kind="stable")][:3]  # only the top 3 overall
    return ExperimentResult(
        experiment=experiment,
        history=history,
        epochs=tuple(range(EPOCHS)),
        class_names=NAMES,
        labels=LABELS,
        probabilities=probabilities,
        per_class_error=per_class_error,
        confusion=confusion,
        mistakes=tuple(
            Mistake(int(i), int(LABELS[i]), int(predicted[i]), float(confidence[i])) for i in top
        ),
        trained_epochs=tuple(range(EPOCHS)),
        epoch_seconds=(1.0,) * EPOCHS,
        seconds=float(EPOCHS),
        model=None,
    )


#: name -> (settings, starting accuracy). Accuracy of seed s at epoch e (from 0):
#: start + 0.1 e + 0.01 s, so the seeds' mean at the last epoch is start + 0.31.
ARMS = {
    "baseline": ({}, 0.3),
    "binary loss": ({"loss": "binary"}, 0.1),
    "augmented": ({"augment": True}, 0.25),
    "resnet50 from scratch": ({"backbone_label": "resnet50", "weights": "scratch"}, 0.2),
}


def history(start: float, seed: int, binary: bool) -> dict:
    accuracy = [start + 0.1 * e + 0.01 * seed for e in range(EPOCHS)]
    curves = {
        "val_categorical_accuracy": accuracy,
        "val_binary_accuracy": [1 - (1 - a) / 2 for a in accuracy],
        "val_loss": [2.0 - a for a in accuracy],
        "loss": [1.5 - a for a in accuracy],
        "categorical_accuracy": [a + 0.05 for a in accuracy],
        "binary_accuracy": [1 - (1 - a) / 3 for a in accuracy],
    }
    if not binary:  # one arm lacks "accuracy": the picker offers only shared metrics
        curves["accuracy"] = [a + 0.05 for a in accuracy]
    return curves


def comparison(arms=ARMS) -> Comparison:
    experiments, results = [], {}
    for name, (changes, start) in arms.items():
        experiments.append(arm(name, **changes))
        results[name] = tuple(
            result(arm(name, seed, **changes), history(start, seed, name == "binary loss"))
            for seed in SEEDS
        )
    return Comparison(tuple(experiments), SEEDS, EPOCHS, 64, results)


def images():
    rng = np.random.default_rng(0)
    return rng.uniform(0, 1, (len(LABELS), SIZE, SIZE, 3)).astype(np.float32)


def rects(svg: str) -> list:
    """The fill colours of the bars of a ``bars_svg`` chart, left to right."""
    return re.findall(r'<rect x="[^"]+" y="[^"]+" width="[^"]+" height="[^"]+" fill="([^"]+)"', svg)


# --------------------------------------------------------------------------- the picker


def test_the_picker_starts_at_the_baseline_and_follows_its_dropdowns():
    picker = ExperimentPicker(comparison())
    assert picker.error is None and picker.redraws == 1
    assert picker.arm.name == "baseline" and picker.is_baseline
    assert picker.final == pytest.approx((0.61, 0.60, 0.62))
    assert "0.610</b> [0.600, 0.620] over 3 seeds" in picker.headline.value
    assert "the baseline" in picker.headline.value
    # the dropdowns offer what the arms have, in a fixed order
    assert picker.loss.options == ("categorical", "binary")
    assert [label for label, _ in picker.augmentation.options] == ["no", "yes"]
    assert picker.weights.options == ("course", "scratch")
    assert picker.backbone.options == ("inception_resnet_v2", "resnet50")
    assert "accuracy" not in picker.metric.options  # the binary arm did not log it
    assert picker.metric.options[:2] == ("val_categorical_accuracy", "val_binary_accuracy")

    picker.augmentation.value = True
    assert picker.error is None and picker.arm.name == "augmented"
    assert len(picker.results) == 3
    assert picker.curves[1] == pytest.approx((0.26, 0.36, 0.46, 0.56))  # seed 1
    assert picker.mean == pytest.approx((0.26, 0.36, 0.46, 0.56))
    assert picker.final == pytest.approx((0.56, 0.55, 0.57))
    assert picker.baseline_final == pytest.approx((0.61, 0.60, 0.62))
    headline = picker.headline.value
    assert headline.startswith("<b>augmented</b>") and "0.560</b> [0.550, 0.570]" in headline
    assert "baseline (baseline): 0.610 [0.600, 0.620]" in headline
    rows = {row[0]: row[1:] for row in picker.table().rows}
    assert rows["augmentation"] == ("yes", "no")
    assert rows["loss"] == ("categorical_crossentropy", "categorical_crossentropy")
    assert rows["seeds"] == ("0, 1, 2", "0, 1, 2") and rows["epochs"] == ("4", "4")
    assert rows["batch size"] == ("64", "64")
    assert rows["val_categorical_accuracy, last epoch"] == (
        "0.560 [0.550, 0.570]",
        "0.610 [0.600, 0.620]",
    )
    assert picker.redraws == 2

    picker.metric.value = "val_loss"
    assert picker.metric_name == "val_loss" and picker.arm.name == "augmented"
    assert picker.final == pytest.approx((2.0 - 0.56, 2.0 - 0.57, 2.0 - 0.55))
    assert "val_loss at epoch 4: <b>1.440</b> [1.430, 1.450]" in picker.headline.value


def test_the_picker_draws_seeds_thin_means_thick_and_the_baseline_in_grey():
    picker = ExperimentPicker(comparison(), arm="binary loss")
    assert picker.arm.name == "binary loss" and picker.loss.value == "binary"
    svg = picker.diagram.value
    texts = svg_texts(svg)
    assert "validation categorical accuracy per epoch" in texts
    assert "binary loss: mean of 3 seeds" in texts
    assert "baseline (baseline): mean of 3 seeds" in texts
    assert [t for t in texts if t in "1234"][-4:] == ["1", "2", "3", "4"]  # epochs
    lines = re.findall(r'stroke="(#[0-9a-f]+)" stroke-width="1" ', svg)
    thin = [colour for colour in lines if colour != "#333333"]  # not the axes' ticks
    thick = re.findall(r'stroke="(#[0-9a-f]+)" stroke-width="2.6" ', svg)
    # three seeds and a legend line for each arm; two means and two legend lines
    assert len(thin) == 2 * (3 + 1) and len(thick) == 2 * 2
    assert "#808080" in thick and SERIES_COLOURS[0] in thick  # grey baseline, coloured arm
    # the baseline alone: one set of curves
    picker.loss.value = "categorical"
    assert picker.is_baseline
    assert "baseline: mean of 3 seeds" in svg_texts(picker.diagram.value)
    assert "#808080" not in picker.diagram.value  # drawn as the chosen arm, not in grey
    assert len(re.findall(r'stroke-width="2.6" ', picker.diagram.value)) == 2
    # the static copy: headline, table and chart, the same bytes for the same controls
    again = ExperimentPicker(comparison(), arm="baseline")
    assert picker.static_html() == again.static_html()
    bundle = picker._repr_mimebundle_()
    assert "<svg" in bundle["text/html"] and "run the notebook" in bundle["text/html"]
    assert bundle["text/plain"].startswith("ExperimentPicker(baseline")


def test_a_combination_that_was_not_run_is_shown_on_the_widget():
    picker = ExperimentPicker(comparison())
    picker.loss.value = "binary"
    assert picker.error is None and picker.arm.name == "binary loss"
    picker.augmentation.value = True  # binary loss with augmentation: never run
    assert picker.error is not None and isinstance(picker.exception, ValueError)
    assert "No arm was run with loss binary, augmentation yes" in picker.error
    for name in ARMS:
        assert repr(name) in picker.error  # the runs, by name and settings
    assert "'augmented' (loss categorical, augmentation yes, weights course" in picker.error
    assert ERROR_COLOUR in picker.headline.value
    assert "last settings that worked" in picker.numbers.value
    assert picker.arm.name == "binary loss" and picker.redraws == 2  # the last good ones stay
    picker.loss.value = "categorical"  # the augmented arm: the widget answers again
    assert picker.error is None and picker.arm.name == "augmented" and picker.redraws == 3
    picker.backbone.value = "resnet50"
    assert "weights course, backbone resnet50" in picker.error
    picker.augmentation.value = False
    picker.weights.value = "scratch"
    assert picker.error is None and picker.arm.name == "resnet50 from scratch"


@pytest.mark.parametrize(
    "arguments, message",
    [
        (dict(comparison={"baseline": ()}), "comparison must be a transfer_experiment.Comparison"),
        (dict(metric="accuracy"), "metric must be one of 'val_categorical_accuracy'"),
        (dict(metric="val_top5"), "Received: metric='val_top5'"),
        (dict(arm="nope"), "arm must be one of 'baseline', 'binary loss'"),
        (dict(draw="yes"), "draw must be True or False"),
    ],
)
def test_the_picker_checks_its_arguments(arguments, message):
    call = dict(comparison=comparison())
    call.update(arguments)
    with pytest.raises(ValueError, match=re.escape(message)):
        ExperimentPicker(**call)


def test_the_picker_refuses_comparisons_it_cannot_show():
    good = comparison()
    missing = Comparison(
        good.experiments, SEEDS, EPOCHS, 64, {"baseline": good.results["baseline"]}
    )
    with pytest.raises(ValueError, match=re.escape("comparison.results['binary loss']")):
        ExperimentPicker(missing)
    empty = Comparison(good.experiments, SEEDS, EPOCHS, 64, {**good.results, "augmented": ()})
    with pytest.raises(ValueError, match="non-empty tuple of ExperimentResult"):
        ExperimentPicker(empty)
    twins = comparison({"a": ({}, 0.3), "b": ({}, 0.2)})
    with pytest.raises(ValueError, match="'a' and 'b', both with loss categorical"):
        ExperimentPicker(twins)


# --------------------------------------------------------------------------- class errors


def test_the_class_explorer_starts_at_the_worst_class_and_follows_its_dropdown():
    runs = comparison().results["baseline"]
    explorer = ClassErrorExplorer(runs, images())
    assert explorer.error is None and explorer.seeds == 3
    # fox: 7 of 8 wrong on seed 0, right on seeds 1 and 2 -> mean error 7/24
    np.testing.assert_allclose(explorer.class_error, [2 / 24, 2 / 24, 7 / 24, 1 / 24])
    labels = [label for label, _ in explorer.dropdown.options]
    assert labels == [
        "fox (error 0.29)",
        "cat (error 0.08)",
        "dog (error 0.08)",
        "owl (error 0.04)",
    ]
    assert explorer.chosen == 2 and explorer.chosen_name == "fox"
    assert explorer.headline.value == (
        "<b>class fox: error 0.29</b> (7 of 24 answers wrong: 8 validation images x 3 seeds)"
        "; most often taken for <b>dog</b> (5 times)"
    )
    assert explorer.taken_for == ((1, 5), (0, 2))
    assert explorer.table().rows == (
        ("fox (right)", 17, "0.71"),
        ("dog", 5, "0.21"),
        ("cat", 2, "0.08"),
    )
    # the worst mistakes: fox images only, the most confident first, at most WORST
    assert [m.confidence for m in explorer.mistakes] == [0.95, 0.9, 0.85, 0.8, 0.75, 0.7]
    assert len(explorer.mistakes) == WORST
    assert all(m.true == 2 and LABELS[m.index] == 2 for m in explorer.mistakes)
    assert [NAMES[m.predicted] for m in explorer.mistakes] == [
        "dog",
        "cat",
        "dog",
        "cat",
        "dog",
        "dog",
    ]
    picture = explorer.diagram.value
    assert picture.count("<img src='data:image/png;base64,") == WORST
    assert "taken for dog (p=0.95)" in picture and "taken for cat (p=0.90)" in picture
    assert "the most confident mistakes (seed 0), 6 of 7" in picture
    bars = rects(picture)
    assert len(bars) == K and bars[2] == SERIES_COLOURS[1]  # fox highlighted
    assert bars.count(SERIES_COLOURS[1]) == 1
    assert "validation error per class, mean of 3 seeds" in svg_texts(picture)

    explorer.dropdown.value = 1  # dog
    assert explorer.chosen_name == "dog" and explorer.error is None
    assert [(m.index, NAMES[m.predicted], m.confidence) for m in explorer.mistakes] == [
        (8, "fox", 0.9),
        (9, "owl", 0.6),
    ]
    assert "most often taken for <b>fox or owl</b> (1 time each)" in explorer.headline.value
    picture = explorer.diagram.value
    assert rects(picture).index(SERIES_COLOURS[1]) == 1
    assert picture.count("<img ") == 2 and "taken for owl (p=0.60)" in picture


def test_mistakes_come_from_the_first_seed_and_none_is_said_so():
    runs = comparison().results["baseline"]
    explorer = ClassErrorExplorer(runs, images(), chosen="cat")
    # cat is wrong on seeds 1 and 2 (taken for dog), never on seed 0: no thumbnails
    assert explorer.wrong == 2 and explorer.mistakes == ()
    assert "most often taken for <b>dog</b> (2 times)" in explorer.headline.value
    assert "No validation image of <b>cat</b> was taken for another class (seed 0)." in (
        explorer.diagram.value
    )
    assert "<img" not in explorer.diagram.value
    # one run: the same explorer from seed 1 shows that mistake, counted in images
    single = ClassErrorExplorer(runs[1], images(), chosen="cat")
    assert single.seeds == 1 and [m.confidence for m in single.mistakes] == [0.99]
    assert single.headline.value == (
        "<b>class cat: error 0.12</b> (1 of 8 validation images wrong); most often taken "
        "for <b>dog</b> (1 time)"
    )
    assert "(seed" not in single.diagram.value
    assert not single.settled and "batch-norm" not in single.diagram.value
    single.dropdown.value = 3
    assert single.headline.value.endswith("; never taken for another class")
    assert single.table().rows == (("owl (right)", 8, "1.00"), ("(no other class)", 0, "0.00"))


def test_the_class_explorer_caches_its_pictures_and_its_static_copy_is_stable():
    runs = comparison().results["baseline"]
    explorer = ClassErrorExplorer(runs, images())
    first = explorer.diagram.value
    explorer.dropdown.value = 0
    explorer.dropdown.value = 2
    assert explorer.diagram.value is first  # the same string: made once per class
    assert explorer.redraws == 3
    again = ClassErrorExplorer(runs, images())
    assert again.static_html() == explorer.static_html()
    assert again.static_html().count("data:image/png;base64,") == WORST
    assert repr(explorer).startswith("ClassErrorExplorer(class fox: error 0.29")
    # uint8 and grey images are thumbnails too
    grey = ClassErrorExplorer(runs, (images()[..., 0] * 255).astype(np.uint8))
    assert grey.error is None and grey.diagram.value.count("<img ") == WORST


def test_the_class_explorer_checks_its_arguments():
    runs = comparison().results["baseline"]
    x = images()
    cases = [
        (dict(results={"cat": 0.1}), "results must be an ExperimentResult or a non-empty tuple"),
        (dict(results=()), "Received: []"),
        (dict(results=(runs[0], "seed 1")), "Received: ['ExperimentResult', 'str']"),
        (dict(x_val=x[:20]), "the 32 validation images the results were measured on"),
        (dict(x_val=list(x)), "x_val must be a numpy array"),
        (dict(x_val=x[..., :2]), "Received: an array shaped (32, 75, 75, 2)"),
        (dict(x_val=x * 255), "x_val must be floats in [0, 1]. Received values from"),
        (dict(x_val=x.astype(np.int32)), "Received dtype int32"),
        (dict(chosen="emu"), "chosen must be one of 'cat', 'dog', 'fox', 'owl'"),
        (dict(draw=1), "draw must be True or False"),
    ]
    for arguments, message in cases:
        call = dict(results=runs, x_val=x)
        call.update(arguments)
        with pytest.raises(ValueError, match=re.escape(message)):
            ClassErrorExplorer(**call)
    other = dataclasses.replace(runs[1], class_names=("a", "b", "c", "d"))
    with pytest.raises(ValueError, match="the same class names and validation labels"):
        ClassErrorExplorer((runs[0], other), x)
    short = dataclasses.replace(runs[1], confusion=np.zeros((3, 3)))
    with pytest.raises(ValueError, match=re.escape("confusion (4, 4)")):
        ClassErrorExplorer(short, x)


# --------------------------------------------------------------------------- made-up data


def test_the_synthetic_comparison_drives_both_widgets():
    made_up, x_val = synthetic_comparison(classes=5, seeds=(0, 1), epochs=3, per_class=4, size=16)
    assert [e.name for e in made_up.experiments][0] == "baseline" and len(made_up.experiments) == 5
    assert x_val.shape == (20, 16, 16, 3) and 0 <= x_val.min() and x_val.max() <= 1
    picker = ExperimentPicker(made_up)
    for name in ("loss", "augmentation", "weights", "backbone"):
        control = getattr(picker, name)
        start = control.value
        control.value = control.options[-1][1] if name == "augmentation" else control.options[-1]
        assert picker.error is None and not picker.is_baseline, name
        control.value = start
    explorer = ClassErrorExplorer(made_up.results["from scratch"], x_val)
    assert explorer.error is None and len(explorer.dropdown.options) == 5
    with pytest.raises(ValueError, match="classes"):
        synthetic_comparison(classes=1)
    with pytest.raises(ValueError, match="seeds"):
        synthetic_comparison(seeds=())


def test_the_class_explorer_says_when_batch_norm_statistics_were_settled():
    if "settled" not in {f.name for f in dataclasses.fields(ExperimentResult)}:
        pytest.skip("ExperimentResult has no settled field")
    runs = comparison().results["baseline"]
    settled = tuple(dataclasses.replace(r, settled=True) for r in runs)
    explorer = ClassErrorExplorer(settled, images())
    assert explorer.settled
    assert "batch-norm statistics were set from the training images" in explorer.diagram.value
    assert not ClassErrorExplorer((settled[0], runs[1]), images()).settled  # all or nothing

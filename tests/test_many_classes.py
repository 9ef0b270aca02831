"""A learner's folder of 120 classes: notebook 09's figures stay bounded and readable, say
what they leave out, and are unchanged at the course's 12 classes."""

import numpy as np
import pytest
from synthetic_transfer import synthetic_comparison

from inception_edu.data import Split
from inception_edu.experiments.transfer import experiment as te
from inception_edu.viz.images import READABLE_CLASSES, plot_per_class, show_examples

MANY = 120


def _split(classes: int, per_class: int = 2, size: int = 4) -> Split:
    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(classes), per_class)
    images = rng.uniform(0, 1, (len(labels), size, size, 3)).astype(np.float32)
    names = tuple(f"class_{k:03d}" for k in range(classes))
    return Split(images, labels, images[:classes], labels[:classes], names)


@pytest.fixture(scope="module")
def many():
    return synthetic_comparison(classes=MANY, seeds=(0, 1, 2), epochs=1, per_class=2, size=4)


def _inches(figure) -> tuple:
    return tuple(float(v) for v in figure.get_size_inches())


def test_the_example_grid_shows_an_evenly_spaced_sample_and_says_so():
    figure = show_examples(_split(MANY), per_class=2)
    rows = [ax.get_ylabel() for ax in figure.axes if ax.get_ylabel()]
    assert len(rows) == READABLE_CLASSES
    assert rows[0] == "class_000" and rows[-1] == f"class_{MANY - 1:03d}"
    assert rows == sorted(set(rows))
    assert f"{READABLE_CLASSES} of {MANY} classes" in figure._suptitle.get_text()
    assert _inches(figure) == _inches(show_examples(_split(READABLE_CLASSES), per_class=2))


def test_the_course_s_twelve_classes_keep_every_figure_as_it_was():
    figure = show_examples(_split(12), per_class=2)
    assert len([ax for ax in figure.axes if ax.get_ylabel()]) == 12
    assert figure._suptitle is None
    assert _inches(figure) == (1.6 * 2 + 1.8, 1.5 * 12)
    errors = {"a": np.linspace(0, 1, 24).reshape(2, 12)}
    bars = plot_per_class(errors, [f"c{k}" for k in range(12)], ylabel="error rate")
    ticks = [t.get_text() for t in bars.axes[0].get_xticklabels()]
    assert ticks == [f"c{k}" for k in range(12)]
    assert bars.axes[0].get_title() == (
        "error rate on each class\n(dotted line: chance; whiskers: lowest to highest seed)"
    )
    assert _inches(bars) == (max(8.5, 0.6 * 12 + 5.5), 3.8)


def test_the_per_class_bars_show_the_worst_classes_worst_first_with_their_seed_spread(many):
    comparison, _ = many
    errors = {
        name: np.array([r.per_class_error for r in runs])
        for name, runs in comparison.results.items()
    }
    names = comparison.results["baseline"][0].class_names
    figure = plot_per_class(errors, names, ylabel="validation error rate")
    ax = figure.axes[0]
    shown = [t.get_text() for t in ax.get_xticklabels()]
    mean = np.mean(np.concatenate(list(errors.values())), axis=0)
    assert shown == [names[k] for k in np.argsort(-mean, kind="stable")[:READABLE_CLASSES]]
    assert min(mean[names.index(n)] for n in shown) >= max(
        mean[k] for k in range(MANY) if names[k] not in shown
    )
    assert f"the {READABLE_CLASSES} worst of {MANY} classes" in ax.get_title()
    assert "whiskers: lowest to highest seed" in ax.get_title()
    assert _inches(figure)[0] <= 0.6 * READABLE_CLASSES + 5.5
    # accuracy: the worst are the lowest; a caller's title keeps the note
    accuracy = {name: 1 - values for name, values in errors.items()}
    titled = plot_per_class(accuracy, names, title="mine", max_classes=5)
    lowest = [t.get_text() for t in titled.axes[0].get_xticklabels()]
    assert lowest == shown[:5]
    assert titled.axes[0].get_title() == f"mine\n(the 5 worst of {MANY} classes)"


def test_the_confusion_figure_ranks_the_most_confused_pairs(many):
    comparison, _ = many
    runs = comparison.results["baseline"]
    figure = te.plot_confusion(runs, max_classes=10)
    ax = figure.axes[0]
    assert not ax.images  # no matrix
    total = np.sum([r.confusion for r in runs], axis=0)
    pairs = te.most_confused_pairs(total, 10)
    names = runs[0].class_names
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        f"{names[i]} taken for {names[j]}" for i, j, _ in pairs
    ]
    counts = [times for *_, times in pairs]
    assert counts == sorted(counts, reverse=True)
    assert [p.get_width() for p in ax.patches] == counts
    mistakes = int(total.sum() - np.trace(total))
    assert f"{sum(counts)} of {mistakes} mistakes" in ax.get_title()
    assert f"{MANY} classes: the 10 most-confused of" in ax.get_title()
    assert _inches(figure) == (7.5, 6.4)
    # the course's size keeps its matrix
    small = synthetic_comparison(classes=4, seeds=(0,), epochs=1, per_class=3, size=4)[0]
    matrix = te.plot_confusion(small.results["baseline"])
    assert matrix.axes[0].images and "confusion matrix" in matrix.axes[0].get_title()


def test_most_confused_pairs_counts_only_mistakes_most_first():
    confusion = np.array([[5, 2, 0], [3, 4, 3], [0, 1, 9]])
    assert te.most_confused_pairs(confusion, 3) == [(1, 0, 3), (1, 2, 3), (0, 1, 2)]
    assert te.most_confused_pairs(confusion, 10) == [
        (1, 0, 3),
        (1, 2, 3),
        (0, 1, 2),
        (2, 1, 1),
    ]
    assert te.most_confused_pairs(np.eye(3, dtype=int), 2) == []


def test_the_mistakes_figure_stays_bounded(many):
    comparison, x_val = many
    figure = te.plot_mistakes(comparison.results["from scratch"][0], x_val, count=32)
    width, height = _inches(figure)
    assert width <= 3.1 * 4 and height <= 3.3 * 8


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: show_examples(_split(3), max_classes=1), r"max_classes must be .*1"),
        (lambda: show_examples(_split(3), max_classes=31), r"max_classes must be .*31"),
        (lambda: plot_per_class({"a": [0.1, 0.2]}, ["x", "y"], max_classes="5"), "max_classes"),
        (lambda: te.most_confused_pairs(np.zeros((2, 3)), 1), r"square.*\(2, 3\)"),
        (lambda: te.most_confused_pairs(np.zeros((2, 2)), 0), "count must be"),
    ],
)
def test_bad_input_says_what_was_received(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_plot_confusion_refuses_a_bad_max_classes(many):
    comparison, _ = many
    with pytest.raises(ValueError, match="max_classes must be"):
        te.plot_confusion(comparison.results["baseline"], max_classes=0)

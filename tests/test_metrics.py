"""Per-class error, confusion matrix, calibration (ECE, temperature scaling) and their plots."""

import warnings

import matplotlib
import numpy as np
import pytest
from matplotlib.container import BarContainer

from inception_edu.training import metrics
from inception_edu.viz.curves import plot_reliability
from inception_edu.viz.images import plot_per_class

matplotlib.use("Agg")


def two_class_rows(confidence: float, count: int, correct: int):
    """``count`` examples predicting class 0 with ``confidence``; ``correct`` are right."""
    probabilities = np.tile([confidence, 1 - confidence], (count, 1))
    labels = np.array([0] * correct + [1] * (count - correct))
    return probabilities, labels


def test_per_class_error_on_a_hand_example():
    y_true = np.array([0, 0, 1, 1, 2])
    predicted = np.array([0, 1, 1, 1, 0])
    np.testing.assert_allclose(metrics.per_class_error(y_true, predicted), [0.5, 0.0, 1.0])
    scores = np.eye(3)[predicted] * 0.8 + 0.2 / 3  # probabilities with the same argmax
    np.testing.assert_allclose(metrics.per_class_error(np.eye(3)[y_true], scores), [0.5, 0.0, 1.0])
    with_empty = metrics.per_class_error(y_true, predicted, classes=4)
    assert np.isnan(with_empty[3]) and with_empty[:3].tolist() == [0.5, 0.0, 1.0]


def test_confusion_matrix_rows_are_true_classes():
    y_true = np.array([0, 0, 1, 1, 2])
    matrix = metrics.confusion_matrix(y_true, np.array([0, 1, 1, 1, 0]), classes=4)
    assert matrix.shape == (4, 4)
    assert matrix.tolist() == [[1, 1, 0, 0], [0, 2, 0, 0], [1, 0, 0, 0], [0, 0, 0, 0]]
    assert metrics.confusion_matrix(y_true, np.eye(3)[[0, 1, 1, 1, 0]]).shape == (3, 3)
    with pytest.raises(ValueError, match="one entry per example"):
        metrics.confusion_matrix(y_true, np.array([0, 1]))
    with pytest.raises(ValueError, match="classes"):
        metrics.confusion_matrix(y_true, y_true, classes=0)


def test_a_calibrated_model_has_zero_ece():
    """80% confident and 80% right, 60% confident and 60% right: ECE 0."""
    high, high_labels = two_class_rows(0.8, 10, 8)
    low, low_labels = two_class_rows(0.6, 10, 6)
    probabilities, labels = np.vstack([high, low]), np.concatenate([high_labels, low_labels])
    assert metrics.expected_calibration_error(probabilities, labels) == pytest.approx(
        0.0, abs=1e-12
    )
    # and labels drawn from the predicted probabilities themselves: close to 0
    rng = np.random.default_rng(0)
    p = rng.dirichlet(np.ones(4) * 0.5, size=20000)
    drawn = np.array([rng.choice(4, p=row) for row in p])
    assert metrics.expected_calibration_error(p, drawn) < 0.02


def test_an_overconfident_model_has_the_hand_computed_ece():
    """90% confident but 50% right (10 examples), 70% confident and 70% right (10):
    ECE = 10/20 · |0.5 - 0.9| + 10/20 · 0 = 0.2."""
    high, high_labels = two_class_rows(0.9, 10, 5)
    fair, fair_labels = two_class_rows(0.7, 10, 7)
    probabilities, labels = np.vstack([high, fair]), np.concatenate([high_labels, fair_labels])
    assert metrics.expected_calibration_error(probabilities, labels) == pytest.approx(0.2)
    bins = metrics.reliability_bins(probabilities, labels, bins=10)
    assert bins.count.sum() == 20 and bins.count[8] == 10 and bins.count[6] == 10
    assert bins.accuracy[8] == pytest.approx(0.5) and bins.confidence[8] == pytest.approx(0.9)
    assert np.isnan(bins.accuracy[0]) and bins.ece == pytest.approx(0.2)
    assert len(bins.edges) == 11 and bins.centres[0] == pytest.approx(0.05)


def test_calibration_checks_its_inputs():
    probabilities, labels = two_class_rows(0.8, 4, 3)
    for bad_probabilities, bad_labels, message in [
        (probabilities * 2, labels, "sum"),
        (probabilities[:, :1], labels, "K >= 2"),
        (probabilities, labels[:3], "one entry"),
        (probabilities, labels + 2, r"\[0, 1\]"),
        (probabilities, np.array([0.5, 1, 0, 1]), "integer"),
    ]:
        with pytest.raises(ValueError, match=message):
            metrics.expected_calibration_error(bad_probabilities, bad_labels)
    with pytest.raises(ValueError, match="bins"):
        metrics.reliability_bins(probabilities, labels, bins=0)


def test_fit_temperature_recovers_a_known_temperature():
    """Labels drawn from softmax(z / 2.5): the fitted T is 2.5, and it lowers the NLL."""
    rng = np.random.default_rng(1)
    logits = rng.normal(0.0, 3.0, size=(20000, 5))
    true_probabilities = metrics.apply_temperature(logits, 2.5)
    labels = np.array([rng.choice(5, p=row) for row in true_probabilities])
    temperature = metrics.fit_temperature(logits, labels)
    assert temperature == pytest.approx(2.5, rel=0.05)
    before = metrics.negative_log_likelihood(metrics.softmax(logits), labels)
    after = metrics.negative_log_likelihood(metrics.apply_temperature(logits, temperature), labels)
    assert after < before
    # the argmax, and so the accuracy, does not move
    np.testing.assert_array_equal(
        metrics.apply_temperature(logits, temperature).argmax(1), logits.argmax(1)
    )
    with pytest.raises(ValueError, match="temperature"):
        metrics.apply_temperature(logits, 0.0)


def test_plot_reliability_draws_the_filled_bins_and_the_diagonal():
    high, high_labels = two_class_rows(0.9, 10, 5)
    fair, fair_labels = two_class_rows(0.7, 10, 7)
    probabilities, labels = np.vstack([high, fair]), np.concatenate([high_labels, fair_labels])
    figure = plot_reliability(probabilities=probabilities, labels=labels, n_bins=10)
    ax = figure.axes[0]
    assert len(ax.patches) == 2  # two filled bins
    assert sorted(p.get_height() for p in ax.patches) == pytest.approx([0.5, 0.7])
    assert "ECE 0.200" in [t.get_text() for t in ax.get_legend().get_texts()]
    bins = metrics.reliability_bins(probabilities, labels, 10)
    overlay = plot_reliability({"a": bins, "b": bins})
    assert len(overlay.axes[0].patches) == 4
    with pytest.raises(ValueError, match="reliability_bins"):
        plot_reliability({"a": [1, 2]})
    with pytest.raises(ValueError, match="probabilities and labels"):
        plot_reliability()


def test_plot_per_class_takes_error_rates_per_run():
    errors = {"model a": [0.1, 0.5, 0.0], "model b": [0.2, 0.2, 0.3]}
    figure = plot_per_class(errors, ["cat", "dog", "fox"], ylabel="error rate")
    ax = figure.axes[0]
    assert len(ax.patches) == 6 and ax.get_ylabel() == "error rate"
    assert ax.get_lines()[0].get_ydata()[0] == pytest.approx(2 / 3)  # chance error
    with pytest.raises(ValueError, match="one value per class"):
        plot_per_class({"a": [0.1]}, ["cat", "dog"])


def test_plot_per_class_survives_seeds_that_tie_nan_zeros_and_one_seed():
    # three seeds all at 0.7 on a class: their float mean lies a hair above 0.7, so the
    # lower whisker came out negative and matplotlib refused it (issue: notebook 09)
    tied = {"tied": [[0.7, 0.0, 0.95]] * 3, "one seed": [[0.2, 0.0, 1.0]]}
    figure = plot_per_class(tied, ["cat", "dog", "fox"])
    assert len(figure.axes[0].patches) == 6
    bars = [c for c in figure.axes[0].containers if isinstance(c, BarContainer)]
    whiskers = bars[0].errorbar.lines[2][0].get_segments()
    assert [round(abs(top[1] - bottom[1]), 12) for bottom, top in whiskers] == [0, 0, 0.0]
    assert bars[1].errorbar is None  # a single seed: no whisker
    gap = {"a class never seen": [[0.5, np.nan, 0.2], [0.7, np.nan, 0.4]]}
    figure = plot_per_class(gap, ["cat", "dog", "fox"])
    heights = [patch.get_height() for patch in figure.axes[0].patches]
    assert heights[0] == pytest.approx(0.6) and np.isnan(heights[1])


def test_gradient_norm_curves_take_a_norm_of_zero_without_a_warning():
    from inception_edu.viz.curves import plot_gradient_norms

    runs = {"vanished": [{"conv1": 0.0, "conv2": 1e-3}, {"conv1": 1e-4, "conv2": 2e-3}]}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plot_gradient_norms(runs)


def test_the_metrics_import_without_tensorflow():
    import subprocess
    import sys

    code = "import inception_edu.training.metrics, sys; print('tensorflow' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"

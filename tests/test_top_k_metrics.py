"""Top-1, top-5 and balanced accuracy (issue 22): hand-computed cases and clear errors."""

import numpy as np
import pytest

from inception_edu.training import metrics

#: Six classes, four examples; the true class ranks 1st, 2nd, 6th and 5th.
SCORES = np.array(
    [
        [0.50, 0.20, 0.10, 0.10, 0.05, 0.05],  # true 0: ranked 1st
        [0.40, 0.30, 0.10, 0.10, 0.06, 0.04],  # true 1: ranked 2nd
        [0.30, 0.25, 0.01, 0.20, 0.14, 0.10],  # true 2: ranked 6th
        [0.02, 0.40, 0.30, 0.20, 0.05, 0.03],  # true 5: ranked 5th
    ]
)
TRUTH = np.array([0, 1, 2, 5])


def test_top_k_on_a_hand_example():
    assert metrics.top_k_accuracy(TRUTH, SCORES, k=1) == pytest.approx(1 / 4)
    assert metrics.top_k_accuracy(TRUTH, SCORES, k=2) == pytest.approx(2 / 4)
    assert metrics.top_k_accuracy(TRUTH, SCORES, k=4) == pytest.approx(2 / 4)
    assert metrics.top_k_accuracy(TRUTH, SCORES, k=5) == pytest.approx(3 / 4)
    assert metrics.top_k_accuracy(np.eye(6)[TRUTH], SCORES, k=2) == pytest.approx(2 / 4)
    logits = np.log(SCORES) + 3.0  # only the order counts
    assert metrics.top_k_accuracy(TRUTH, logits, k=5) == pytest.approx(3 / 4)


def test_top_1_is_argmax_accuracy_with_two_classes():
    scores = np.array([[0.7, 0.3], [0.4, 0.6], [0.8, 0.2], [0.1, 0.9]])
    assert metrics.top_k_accuracy([0, 0, 1, 1], scores, k=1) == pytest.approx(2 / 4)
    logits = np.log(scores)  # all negative: still ranked, not thresholded
    assert metrics.top_k_accuracy([0, 0, 1, 1], logits, k=1) == pytest.approx(2 / 4)
    near_one = np.array([[0.9, 0.95], [0.99, 0.2]])  # raw scores in [0, 1], not summing to 1
    assert metrics.top_k_accuracy([1, 0], near_one, k=1) == 1.0


def test_balanced_accuracy_is_the_mean_recall():
    truth = np.array([0, 0, 0, 1])
    assert metrics.balanced_accuracy(truth, np.array([0, 0, 1, 1])) == pytest.approx(
        (2 / 3 + 1) / 2
    )
    majority = np.zeros(4, dtype=int)  # 75 % accurate, but only one class of two found
    assert metrics.balanced_accuracy(truth, majority) == pytest.approx(0.5)
    # from scores (argmax) and one-hot labels; class 3 predicted but absent: not counted
    scores = np.eye(4)[[0, 0, 3, 1]]
    assert metrics.balanced_accuracy(np.eye(4)[truth], scores) == pytest.approx((2 / 3 + 1) / 2)


def test_accuracy_summary():
    summary = metrics.accuracy_summary(TRUTH, SCORES)
    assert summary == pytest.approx({"top1": 1 / 4, "top5": 3 / 4, "balanced": 1 / 4})
    few = metrics.accuracy_summary([0, 1, 2], np.eye(3)[[0, 2, 2]])
    assert few["top5"] is None  # 3 classes: every label is in the top 5
    assert few["top1"] == pytest.approx(2 / 3) and few["balanced"] == pytest.approx(2 / 3)


def test_bad_inputs_are_clear_errors():
    with pytest.raises(ValueError, match=r"k must be an int in \[1, 5\]"):
        metrics.top_k_accuracy(TRUTH, SCORES, k=6)
    with pytest.raises(ValueError, match="k must be"):
        metrics.top_k_accuracy(TRUTH, SCORES, k=0)
    with pytest.raises(ValueError, match="k must be"):
        metrics.top_k_accuracy(TRUTH, SCORES, k=True)
    with pytest.raises(ValueError, match="one entry per example"):
        metrics.top_k_accuracy(TRUTH[:3], SCORES, k=2)
    with pytest.raises(ValueError, match="K >= 2"):
        metrics.top_k_accuracy(TRUTH, SCORES[:, 0], k=1)
    with pytest.raises(ValueError, match="finite"):
        metrics.top_k_accuracy(TRUTH, SCORES * np.nan, k=1)
    with pytest.raises(ValueError, match=r"class indices in \[0, 5\]"):
        metrics.top_k_accuracy([0, 1, 2, 6], SCORES, k=1)
    with pytest.raises(ValueError, match="integer class labels"):
        metrics.balanced_accuracy([0.5, 1.0], [0, 1])
    with pytest.raises(ValueError, match="one entry per example"):
        metrics.balanced_accuracy([0, 1, 1], [0, 1])
    with pytest.raises(ValueError, match="6 columns"):
        metrics.balanced_accuracy(np.eye(3)[[0, 1, 2, 0]], SCORES)
    with pytest.raises(ValueError, match="K >= 2"):
        metrics.accuracy_summary(TRUTH, SCORES[:, :1])

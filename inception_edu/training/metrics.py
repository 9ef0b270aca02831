"""What a trained classifier gets wrong, and how far to trust its confidence.

Numpy and scikit-learn only (no TensorFlow): the inputs are arrays a notebook already
has, from ``model.predict`` or a direct call.

- :func:`per_class_error`, :func:`confusion_matrix`: which classes fail, and as what
  (notebook 09's per-class bars and matrix);
- :func:`top_k_accuracy`, :func:`balanced_accuracy`, :func:`accuracy_summary`: top-1 and
  top-5 accuracy (the ImageNet papers' two numbers; Szegedy et al. 2015, "Going deeper
  with convolutions", section 7) and balanced accuracy, the mean of the per-class recalls,
  which a folder with a few large classes cannot inflate;
- :func:`reliability_bins`, :func:`expected_calibration_error`: does 80% confidence mean
  80% correct? (Guo et al. 2017, "On calibration of modern neural networks", section 2;
  notebook 06 measures what label smoothing does to it);
- :func:`fit_temperature`, :func:`apply_temperature`: temperature scaling, the one-number
  recalibration of Guo et al. 2017 (section 4.2);
- :func:`negative_log_likelihood`: the validation loss those are judged by;
- :func:`metric_values`: one metric's per-epoch values from a Keras history, under the same
  name for a plain model and a model with auxiliary heads (``"val_accuracy"`` is the main
  classifier's for both).

Labels may be given as integers ``(N,)`` or as one-hot (or smoothed) rows ``(N, K)``
everywhere; "predictions" may be probabilities or logits ``(N, K)`` or predicted labels
``(N,)``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from inception_edu.i18n import N_, _
from inception_edu.spec.checks import check_int, check_number

__all__ = [
    "ReliabilityBins",
    "accuracy_summary",
    "apply_temperature",
    "balanced_accuracy",
    "confusion_matrix",
    "expected_calibration_error",
    "fit_temperature",
    "history_logs",
    "metric_key",
    "metric_values",
    "negative_log_likelihood",
    "per_class_error",
    "reliability_bins",
    "softmax",
    "top_k_accuracy",
]


# --------------------------------------------------------------------------- inputs


def _labels(y, name: str = "labels", classes: int | None = None) -> np.ndarray:
    """Integer labels from ints ``(N,)`` or from one-hot/smoothed rows ``(N, K)``."""
    array = np.asarray(y)
    if array.ndim == 2:
        if classes is not None and array.shape[1] != classes:
            raise ValueError(
                _(
                    "{name} rows must have {classes} columns (one per class). "
                    "Received shape {shape}"
                ).format(name=name, classes=classes, shape=array.shape)
            )
        return array.argmax(axis=1)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(
            _(
                "{name} must be integer labels (N,) or one-hot rows (N, K). Received shape {shape}"
            ).format(name=name, shape=array.shape)
        )
    if not np.issubdtype(array.dtype, np.integer):
        if not np.issubdtype(array.dtype, np.floating) or np.any(array != np.round(array)):
            raise ValueError(
                _("{name} must be integer class labels. Received dtype {dtype}").format(
                    name=name, dtype=array.dtype
                )
            )
        array = array.astype(np.int64)
    if array.min() < 0 or (classes is not None and array.max() >= classes):
        allowed = f"[0, {classes - 1}]" if classes is not None else ">= 0"
        raise ValueError(
            _(
                "{name} must be class indices in {allowed}. Received values from {low} to {high}"
            ).format(name=name, allowed=allowed, low=array.min(), high=array.max())
        )
    return array


def _scores(values, name: str) -> np.ndarray:
    """A float array ``(N, K)`` of probabilities or logits."""
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 2 or array.shape[0] == 0 or array.shape[1] < 2:
        raise ValueError(
            _("{name} must be an (N, K) array with K >= 2 classes. Received shape {shape}").format(
                name=name, shape=array.shape
            )
        )
    if not np.all(np.isfinite(array)):
        raise ValueError(
            _("{name} must be finite. Received NaN or infinite values").format(name=name)
        )
    return array


def _same_length(a: np.ndarray, b: np.ndarray, names: str) -> None:
    if len(a) != len(b):
        raise ValueError(
            _("{names} must have one entry per example. Received {first} and {second}").format(
                names=_(names), first=len(a), second=len(b)
            )
        )


def _probabilities(values) -> np.ndarray:
    array = _scores(values, "probabilities")
    if array.min() < 0 or not np.allclose(array.sum(axis=1), 1.0, atol=1e-3):
        raise ValueError(
            _(
                "probabilities must be rows of non-negative numbers summing to 1 "
                "(for logits, use apply_temperature(logits, 1.0) or softmax). "
                "Received row sums from {low:.3g} to {high:.3g}"
            ).format(low=array.sum(axis=1).min(), high=array.sum(axis=1).max())
        )
    return array


def _predicted(predictions, classes: int | None) -> np.ndarray:
    """Predicted labels from labels ``(N,)`` or scores ``(N, K)`` (argmax)."""
    array = np.asarray(predictions)
    if array.ndim == 2:
        return _labels(_scores(array, "predictions"), "predictions", classes)
    return _labels(array, "predictions", classes)


# --------------------------------------------------------------------------- errors


def _class_count(y_true, predictions, classes) -> int:
    if classes is not None:
        return check_int(classes, "classes", 1)
    for value in (predictions, y_true):
        array = np.asarray(value)
        if array.ndim == 2:
            return array.shape[1]
    return int(max(np.max(y_true), np.max(predictions))) + 1


def confusion_matrix(y_true, predictions, classes: int | None = None) -> np.ndarray:
    """``(K, K)`` counts: row = true class, column = predicted class (scikit-learn's).

    ``classes`` fixes K (so a class nobody predicted still gets its column); by default
    it is read off the one-hot/probability rows, else the largest label + 1.
    """
    from sklearn.metrics import confusion_matrix as sk_confusion_matrix

    classes = _class_count(y_true, predictions, classes)
    truth = _labels(y_true, "y_true", classes)
    predicted = _predicted(predictions, classes)
    _same_length(truth, predicted, N_("y_true and predictions"))
    return sk_confusion_matrix(truth, predicted, labels=np.arange(classes))


def per_class_error(y_true, predictions, classes: int | None = None) -> np.ndarray:
    """Error rate of each class: the share of its examples predicted as another class.

    Returns a float array of K values in [0, 1]; a class without examples gets NaN
    (no error rate can be measured for it). ``predictions`` are probabilities/logits
    ``(N, K)`` (argmax is taken) or predicted labels ``(N,)``.
    """
    matrix = confusion_matrix(y_true, predictions, classes).astype(np.float64)
    totals = matrix.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(totals > 0, 1.0 - np.diag(matrix) / totals, np.nan)


# --------------------------------------------------------------------------- accuracy


def top_k_accuracy(labels, probabilities, k: int = 5) -> float:
    """The share of examples whose true class is among the ``k`` highest-scored ones.

    ``probabilities``: ``(N, K)`` probabilities or logits (only their order counts);
    ``labels``: the true classes. ``k`` must be below K (with ``k >= K`` every label is
    in the top k and the score is 1 whatever the model). scikit-learn's
    ``top_k_accuracy_score``; classes with equal scores are ranked higher index first, as
    it ranks them.
    """
    from sklearn.metrics import top_k_accuracy_score

    scores = _scores(probabilities, "probabilities")
    classes = scores.shape[1]
    k = check_int(k, "k", 1, classes - 1)
    truth = _labels(labels, "labels", classes)
    _same_length(truth, scores, N_("labels and probabilities"))
    if classes == 2:  # scikit-learn takes one score column for two classes: 1 = class 1 first
        scores = (scores[:, 1] >= scores[:, 0]).astype(np.float64)
    return float(top_k_accuracy_score(truth, scores, k=k, labels=np.arange(classes)))


def balanced_accuracy(labels, predictions, classes: int | None = None) -> float:
    """The mean over classes of the share of each class's examples predicted right.

    A model that always answers the largest class scores its share in plain accuracy but
    ``1 / K`` here; on balanced classes both agree. Only the classes present in
    ``labels`` count (a class without examples has no recall). ``predictions``:
    probabilities or logits ``(N, K)`` (argmax is taken) or predicted labels ``(N,)``.
    scikit-learn's ``balanced_accuracy_score`` (Brodersen et al. 2010, "The balanced
    accuracy and its posterior distribution").
    """
    from sklearn.metrics import balanced_accuracy_score

    classes = _class_count(labels, predictions, classes)
    truth = _labels(labels, "labels", classes)
    predicted = _predicted(predictions, classes)
    _same_length(truth, predicted, N_("labels and predictions"))
    with warnings.catch_warnings():  # "y_pred contains classes not in y_true": documented
        warnings.filterwarnings("ignore", message="y_pred contains classes not in y_true")
        return float(balanced_accuracy_score(truth, predicted))


def accuracy_summary(labels, probabilities) -> dict:
    """``{"top1", "top5", "balanced"}``: the three accuracies a test set is reported with.

    ``top5`` is ``None`` when there are 5 classes or fewer: every label is then among the
    top 5 and the number would be 1 whatever the model. ``probabilities``: ``(N, K)``
    probabilities or logits; ``labels``: the true classes (integers or one-hot rows).
    """
    scores = _scores(probabilities, "probabilities")
    return {
        "top1": top_k_accuracy(labels, scores, k=1),
        "top5": top_k_accuracy(labels, scores, k=5) if scores.shape[1] > 5 else None,
        "balanced": balanced_accuracy(labels, scores),
    }


# --------------------------------------------------------------------------- calibration


@dataclass(frozen=True, eq=False)
class ReliabilityBins:
    """Equal-width bins of top-class confidence, for a reliability diagram.

    ``edges`` has ``bins + 1`` values from 0 to 1; bin ``m`` holds the examples whose
    confidence lies in ``(edges[m], edges[m + 1]]`` (a confidence of exactly 0 goes in the
    first). ``accuracy`` and ``confidence`` are each bin's mean (NaN for an empty bin),
    ``count`` its size. ``ece`` is the expected calibration error they give.
    """

    edges: np.ndarray
    accuracy: np.ndarray
    confidence: np.ndarray
    count: np.ndarray

    @property
    def ece(self) -> float:
        """``sum_m (n_m / n) |accuracy_m - confidence_m|`` over the non-empty bins."""
        filled = self.count > 0
        weights = self.count[filled] / self.count.sum()
        gaps = np.abs(self.accuracy[filled] - self.confidence[filled])
        return float(np.sum(weights * gaps))

    @property
    def centres(self) -> np.ndarray:
        return (self.edges[:-1] + self.edges[1:]) / 2


def reliability_bins(probabilities, labels, bins: int = 15) -> ReliabilityBins:
    """Bin the examples by the confidence of their top class (Guo et al. 2017, section 2).

    ``probabilities``: ``(N, K)`` rows summing to 1 (apply a softmax to logits first);
    ``labels``: the true classes. 15 bins is Guo et al.'s choice.
    """
    bins = check_int(bins, "bins", 1)
    probabilities = _probabilities(probabilities)
    truth = _labels(labels, "labels", probabilities.shape[1])
    _same_length(probabilities, truth, N_("probabilities and labels"))
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == truth
    index = np.clip(np.ceil(confidence * bins).astype(int) - 1, 0, bins - 1)
    count = np.bincount(index, minlength=bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        accuracy = np.bincount(index, weights=correct, minlength=bins) / count
        mean_confidence = np.bincount(index, weights=confidence, minlength=bins) / count
    return ReliabilityBins(np.linspace(0.0, 1.0, bins + 1), accuracy, mean_confidence, count)


def expected_calibration_error(probabilities, labels, bins: int = 15) -> float:
    """ECE: the gap between confidence and accuracy, averaged over equal-width bins.

    ``ECE = sum_m (n_m / n) |acc(B_m) - conf(B_m)|`` (Guo et al. 2017, eq. 3): 0 for a
    calibrated model, up to 1. For the bins themselves (a reliability diagram, see
    :func:`inception_edu.viz.curves.plot_reliability`) use :func:`reliability_bins`.
    """
    return reliability_bins(probabilities, labels, bins).ece


# --------------------------------------------------------------------------- temperature


def softmax(logits) -> np.ndarray:
    """Row-wise softmax of ``(N, K)`` logits, computed stably (max subtracted)."""
    logits = _scores(logits, "logits")
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


def _log_softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def negative_log_likelihood(probabilities, labels) -> float:
    """Mean ``-log p(true class)``: the cross-entropy a validation loss reports."""
    probabilities = _probabilities(probabilities)
    truth = _labels(labels, "labels", probabilities.shape[1])
    _same_length(probabilities, truth, N_("probabilities and labels"))
    picked = probabilities[np.arange(len(truth)), truth]
    return float(-np.mean(np.log(np.clip(picked, 1e-12, 1.0))))


def apply_temperature(logits, temperature: float) -> np.ndarray:
    """``softmax(logits / T)``: T > 1 softens overconfident predictions, T < 1 sharpens.

    Dividing every logit by the same T never changes the argmax, so accuracy is untouched;
    only the confidence moves.
    """
    temperature = check_number(temperature, "temperature", 0, open_min=True)
    return softmax(_scores(logits, "logits") / temperature)


#: The range searched by :func:`fit_temperature`.
TEMPERATURE_RANGE = (0.01, 100.0)


def fit_temperature(logits, labels) -> float:
    """The temperature T > 0 that minimises the NLL of ``softmax(logits / T)``.

    Temperature scaling (Guo et al. 2017, section 4.2): fit one number on held-out data,
    the validation set, never the training set (where an overfit network is confidently
    right). With ``b = 1/T`` the NLL ``mean(logsumexp(b·z) - b·z_y)`` is convex in ``b``,
    so a golden-section search over ``log b`` finds the minimum; it runs in numpy over
    :data:`TEMPERATURE_RANGE` (a result at an end of the range means the NLL keeps falling
    beyond it, e.g. for data the logits already separate perfectly).

    ``logits``: ``(N, K)`` pre-softmax outputs (a model built with
    ``classifier_activation=None``); ``labels``: the true classes.
    """
    logits = _scores(logits, "logits")
    truth = _labels(labels, "labels", logits.shape[1])
    _same_length(logits, truth, N_("logits and labels"))
    rows = np.arange(len(truth))

    def nll(log_b: float) -> float:
        return float(-np.mean(_log_softmax(logits * np.exp(log_b))[rows, truth]))

    low, high = -np.log(TEMPERATURE_RANGE[1]), -np.log(TEMPERATURE_RANGE[0])
    ratio = (np.sqrt(5.0) - 1) / 2
    a, b = high - ratio * (high - low), low + ratio * (high - low)
    fa, fb = nll(a), nll(b)
    for _step in range(80):  # (0.618 ** 80) * 9.2 < 1e-15: far below float noise in T
        if fa < fb:
            high, b, fb = b, a, fa
            a = high - ratio * (high - low)
            fa = nll(a)
        else:
            low, a, fa = a, b, fb
            b = low + ratio * (high - low)
            fb = nll(b)
    return float(np.exp(-(low + high) / 2))


# --------------------------------------------------------------------------- histories


def history_logs(history) -> dict:
    """The ``{metric: [per-epoch values]}`` dict of a Keras History (or the dict itself)."""
    logs = getattr(history, "history", history)
    if not isinstance(logs, dict):
        raise ValueError(
            _("A history must be a keras History or its .history dict. Received: {kind}").format(
                kind=type(history).__name__
            )
        )
    return logs


def metric_key(logs, metric: str) -> str | None:
    """The key under which ``metric`` ("loss", "val_accuracy", ...) sits in ``logs``.

    A dict-output model logs ``main_accuracy``/``val_main_accuracy`` and its ``loss`` is
    the weighted total; ``"main_"`` is preferred, so "loss" and "accuracy" mean the
    main classifier's for both kinds of model and runs with and without aux heads compare.
    """
    prefix, base = ("val_", metric[4:]) if metric.startswith("val_") else ("", metric)
    for key in (f"{prefix}main_{base}", metric):
        if key in logs:
            return key
    return None


def metric_values(history, metric: str) -> list:
    """Per-epoch values of ``metric`` from a History (or its ``.history`` dict).

    ``"loss"``, ``"accuracy"``, ``"val_loss"``, ``"val_accuracy"`` work for plain and
    aux models alike (for an aux model they are the ``"main"`` output's; its weighted
    total stays under ``history.history["loss"]``).
    """
    logs = history_logs(history)
    key = metric_key(logs, metric)
    if key is None:
        raise ValueError(
            _("No metric {metric!r} in this history. Allowed: {allowed}").format(
                metric=metric, allowed=sorted(logs)
            )
        )
    return [float(v) for v in logs[key]]

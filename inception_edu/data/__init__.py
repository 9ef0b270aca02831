"""Offline data for the training notebooks: nothing here downloads or imports TensorFlow.

- :mod:`~inception_edu.data.arrays`: :class:`Split`, scikit-learn's digits, resizing;
- :mod:`~inception_edu.data.patterns`: generated multi-scale patterns (notebook 01).
"""

from inception_edu.data.arrays import Split, load_digits_split, stratified_split, upsample
from inception_edu.data.patterns import PATTERN_CLASSES, multiscale_patterns

__all__ = [
    "PATTERN_CLASSES",
    "Split",
    "load_digits_split",
    "multiscale_patterns",
    "stratified_split",
    "upsample",
]

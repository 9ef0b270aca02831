"""Training: a recipe, one runner, checkpoints, and the metrics a run is judged by.

A :class:`Recipe` is what a paper's training section says (optimizer, learning rate and
schedule, label smoothing, auxiliary loss weights, clipping, weight decay); :func:`run`
trains any Keras model with one, from arrays or ``tf.data``, resumable from a checkpoint
directory, optionally under ``tf.distribute``. The papers' recipes:

- :data:`GOOGLENET`: Szegedy et al. 2014, "Going deeper with convolutions"
  (https://arxiv.org/abs/1409.4842), section 6 (training methodology) and section 5
  (auxiliary classifiers, weight 0.3);
- :data:`INCEPTION_V3`: Szegedy et al. 2015, "Rethinking the Inception architecture for
  computer vision" (https://arxiv.org/abs/1512.00567), section 8 (training methodology)
  and section 7 (label smoothing).

Modules:

- :mod:`~inception_edu.training.recipe`: :class:`Recipe`, :data:`GOOGLENET`,
  :data:`INCEPTION_V3`;
- :mod:`~inception_edu.training.runner`: :func:`run`;
- :mod:`~inception_edu.training.checkpoint`: the checkpoint directory's format;
- :mod:`~inception_edu.training.batch_norm`: batch-norm statistics settled after training;
- :mod:`~inception_edu.training.side_by_side`: several networks trained as one model, each
  as if alone (the seeds of notebooks 06 and 08);
- :mod:`~inception_edu.training.metrics`: per-class error, confusion matrix, calibration
  (ECE, temperature scaling; Guo et al. 2017, https://arxiv.org/abs/1706.04599), and
  :func:`metric_values` to read a history.

No matplotlib here: the curves are drawn by :mod:`inception_edu.viz` (``viz.curves``, and
``viz.live_curves.LiveCurves`` while a model trains). What one notebook measures lives in
its module of :mod:`inception_edu.experiments`.
Importing this package imports nothing heavy: each name is loaded from its module on first
use (PEP 562), so :mod:`~inception_edu.training.metrics` (numpy only) needs no TensorFlow.
"""

import importlib

#: Each public name and the module that defines it, loaded on first use.
_EXPORTS = {
    "GOOGLENET": "inception_edu.training.recipe",
    "INCEPTION_V3": "inception_edu.training.recipe",
    "Recipe": "inception_edu.training.recipe",
    "output_names": "inception_edu.training.recipe",
    "run": "inception_edu.training.runner",
    "metric_values": "inception_edu.training.metrics",
}

__all__ = sorted([*_EXPORTS, "metrics"])


def __getattr__(name: str):
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value  # the next lookup is a plain attribute
        return value
    if name == "metrics":
        return importlib.import_module("inception_edu.training.metrics")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return __all__

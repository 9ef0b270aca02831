"""Training: a recipe, one runner, and what the notebooks measure.

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
- :mod:`~inception_edu.training.callbacks`: :class:`LiveCurves`;
- :mod:`~inception_edu.training.googlenet`: :func:`he_initialize`,
  :func:`inference_model`, :func:`gradient_norms`, :func:`gradient_norms_by_stage`
  (notebook 03);
- :mod:`~inception_edu.training.metrics`: per-class error, confusion matrix, calibration
  (ECE, temperature scaling; Guo et al. 2017, https://arxiv.org/abs/1706.04599);
- :mod:`~inception_edu.training.probes`: notebook 01's one-block probes;
- :mod:`~inception_edu.training.side_by_side`: several networks trained as one model, each
  as if alone (the seeds of notebooks 05 and 06);
- :mod:`~inception_edu.training.reduction_experiment`: notebook 05's mini networks, one
  per grid-reduction strategy;
- :mod:`~inception_edu.training.residual_experiment`: notebook 08's measurements of
  residual scaling (activations at initialisation; scaled, unscaled and plain networks
  trained side by side over seeds and learning rates);
- :mod:`~inception_edu.training.transfer_experiment`: notebook 09's transfer experiment
  (the source's model and recipe, the loss trap measured, arms compared over seeds
  through :func:`run` with resumable checkpoints).

The curves are drawn by :mod:`inception_edu.viz.curves` (``plot_histories``,
``plot_runs``, ``plot_gradient_norms``, ``plot_reliability``).
Importing this package imports nothing heavy: each name is loaded from its module on first
use (PEP 562), so :mod:`~inception_edu.training.metrics` (numpy only) needs no TensorFlow.
"""

import importlib

#: Each public name and the module that defines it, loaded on first use.
_EXPORTS = {
    "AUX_WEIGHT": "inception_edu.training.googlenet",
    "conv_layer_names": "inception_edu.training.googlenet",
    "gradient_norms": "inception_edu.training.googlenet",
    "gradient_norms_by_stage": "inception_edu.training.googlenet",
    "he_initialize": "inception_edu.training.googlenet",
    "inference_model": "inception_edu.training.googlenet",
    "training_loss": "inception_edu.training.googlenet",
    "LiveCurves": "inception_edu.training.callbacks",
    "GOOGLENET": "inception_edu.training.recipe",
    "INCEPTION_V3": "inception_edu.training.recipe",
    "Recipe": "inception_edu.training.recipe",
    "output_names": "inception_edu.training.recipe",
    "run": "inception_edu.training.runner",
    "metric_values": "inception_edu.viz.curves",
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

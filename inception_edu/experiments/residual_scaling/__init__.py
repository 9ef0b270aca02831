"""Notebook 08's experiment: residual scaling in Inception-ResNet (Szegedy et al. 2016,
"Inception-v4, Inception-ResNet and the impact of residual connections on learning",
section 3.3).

- :mod:`~inception_edu.experiments.residual_scaling.experiment`: the trunk's activations at
  initialisation (:func:`activation_growth`), scaled, unscaled and plain networks trained
  side by side over seeds and learning rates (:func:`train_variants`), their tables and
  plots;
- :mod:`~inception_edu.experiments.residual_scaling.explorers`: the residual-scale explorer
  and the training panel with a residual-scale slider;
- :mod:`~inception_edu.experiments.residual_scaling.study`: the heavy run on a trunk over
  1,000 channels (seeds, learning rates, warm-up), stored with its provenance in
  ``results/`` by ``scripts/residual_scaling_study.py``, and what reads and plots it.

Every public name of all three is importable from here, as the notebook does
(``from inception_edu.experiments import residual_scaling as rx``).
"""

from inception_edu.experiments.residual_scaling import experiment, explorers, study
from inception_edu.experiments.residual_scaling.experiment import *  # noqa: F403
from inception_edu.experiments.residual_scaling.explorers import *  # noqa: F403
from inception_edu.experiments.residual_scaling.study import *  # noqa: F403

__all__ = sorted({*experiment.__all__, *explorers.__all__, *study.__all__})

"""Notebook 08's experiment: residual scaling in Inception-ResNet (Szegedy et al. 2016,
"Inception-v4, Inception-ResNet and the impact of residual connections on learning",
section 3.3).

- :mod:`~inception_edu.experiments.residual_scaling.experiment`: the trunk's activations at
  initialisation (:func:`activation_growth`), scaled, unscaled and plain networks trained
  side by side over seeds and learning rates (:func:`train_variants`), their tables and
  plots;
- :mod:`~inception_edu.experiments.residual_scaling.explorers`: the residual-scale explorer
  and the training panel with a residual-scale slider.

Every public name of both is importable from here, as the notebook does
(``from inception_edu.experiments import residual_scaling as rx``).
"""

from inception_edu.experiments.residual_scaling import experiment, explorers
from inception_edu.experiments.residual_scaling.experiment import *  # noqa: F403
from inception_edu.experiments.residual_scaling.explorers import *  # noqa: F403

__all__ = sorted({*experiment.__all__, *explorers.__all__})

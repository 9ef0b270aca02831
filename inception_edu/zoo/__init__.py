"""The model zoo: one module per family, each laying its paper's figures out as specs.

- :mod:`~inception_edu.zoo.googlenet` (Table 1, Figure 2, the aux heads);
- :mod:`~inception_edu.zoo.inception_v3` (the stem, modules A/B/C, reductions, BN aux head);
- :mod:`~inception_edu.zoo.inception_v4` (stem, A/B/C, Reduction-A's k/l/m/n, Reduction-B);
- :mod:`~inception_edu.zoo.inception_resnet` (v1 and v2: stems, residual blocks);
- :mod:`~inception_edu.zoo.grid_reduction` (the three ways to halve a grid, Figures 9-10 of
  the v3 paper; Reduction-A's table across v4 and Inception-ResNet);
- :mod:`~inception_edu.zoo.mini` (course-sized networks for the training experiments);
- :mod:`~inception_edu.zoo.baselines` (AlexNet, VGG-16);
- :mod:`~inception_edu.zoo.registry` (names -> spec functions: :func:`model_spec`).
"""

from inception_edu.zoo.registry import MODELS, canonical_name, model_spec

__all__ = ["MODELS", "canonical_name", "model_spec"]

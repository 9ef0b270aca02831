"""What one notebook measures, each in its own module: the course above the library.

Everything that exists for one notebook's experiment lives in that notebook's module (its
measurements, orchestration, tables and plots, and its explorers where they show that
experiment's results); the library below it (:mod:`inception_edu.spec`, ``zoo``,
``analysis``, ``keras_build``, ``training``, ``data``, ``viz``, ``widgets``) knows nothing
of any notebook. A notebook imports its experiment from one module:

- :mod:`~inception_edu.experiments.naive_block` (notebook 01): one-block probes, trained
  the same way and compared;
- :mod:`~inception_edu.experiments.auxiliary_heads` (notebook 03): He init, the inference
  model, gradient strength with and without GoogLeNet's auxiliary classifiers;
- :mod:`~inception_edu.experiments.grid_reduction` (notebook 05): one mini network per
  grid-reduction strategy, trained side by side;
- :mod:`~inception_edu.experiments.v3_recipe` (notebook 06): the v3 paper's changes, one
  at a time, on the error-cost plane;
- :mod:`~inception_edu.experiments.residual_scaling` (notebook 08): activations at
  initialisation, scaled and unscaled residual networks trained over seeds and learning
  rates, and the notebook's explorers;
- :mod:`~inception_edu.experiments.transfer` (notebook 09): the source's transfer
  experiment, the course's pretrained backbone, and the explorers of its results;
- :mod:`~inception_edu.experiments.scale_out` (notebook 10): data-parallel training on
  logical CPU devices, compared with the single-device run.

The layers are checked by import-linter (``[tool.importlinter]`` in ``pyproject.toml``):
nothing below imports from here, and no experiment imports another.
Import the module you need; this package imports nothing on its own.
"""

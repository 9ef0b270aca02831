"""Notebook 11's experiment, the capstone: a learner's own Inception block, trained beside
the paper's modules and placed with them on the accuracy-cost plane.

- :mod:`~inception_edu.experiments.capstone.design`: a block as a JSON file (the
  ``"inception-edu block"`` format, version 1): :func:`design_to_spec`,
  :func:`spec_to_design`, :func:`save_design`, :func:`load_design`, with a clear
  ``ValueError`` for a bad file;
- :mod:`~inception_edu.experiments.capstone.experiment`: the course's references as
  designs, the small network every design is dropped into, training over seeds through
  the runner with checkpoints, the table, the Pareto front, the plane, and whether a
  design meets a target;
- :mod:`~inception_edu.experiments.capstone.designer`: :class:`BlockDesigner`, the block
  designer (a text line per branch, ``"1x1:24 > 3x3:32"``; live diagram and numbers), and
  :class:`PlaneTrainer`, its train button (the design on show, onto the plane);
- :mod:`~inception_edu.experiments.capstone.command`: ``python -m inception_edu capstone
  DESIGNS_DIR``, a class's folder of designs trained under one budget (:func:`main`).

Every public name of the four is importable from here
(``from inception_edu.experiments import capstone as cx``). Importing it imports no
TensorFlow; training does (the designer imports ipywidgets).
"""

from inception_edu.experiments.capstone import command, design, designer, experiment
from inception_edu.experiments.capstone.command import *  # noqa: F403
from inception_edu.experiments.capstone.design import *  # noqa: F403
from inception_edu.experiments.capstone.designer import *  # noqa: F403
from inception_edu.experiments.capstone.experiment import *  # noqa: F403

__all__ = sorted({*command.__all__, *design.__all__, *designer.__all__, *experiment.__all__})

"""Pictures of the course, drawn from the same specs and results the numbers come from.

- :mod:`~inception_edu.viz.figures`: figures outside pyplot, SVG for widgets;
- :mod:`~inception_edu.viz.diagrams`: block and model diagrams (``draw_block``,
  ``draw_model``);
- :mod:`~inception_edu.viz.curves`: training curves, gradient norms, calibration;
- :mod:`~inception_edu.viz.images`: example images, per-class bars.

Import the module you need; this package imports nothing on its own.
"""

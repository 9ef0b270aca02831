"""Pictures of the course, drawn from the same specs and results the numbers come from.

- :mod:`~inception_edu.viz.diagrams`: block and model diagrams from one layout engine with
  two renderers: matplotlib figures for the notebooks (``draw_block``, ``draw_model``)
  and SVG strings straight from the spec for widgets and static fallbacks
  (``block_svg``, ``model_svg``);
- :mod:`~inception_edu.viz.svg`, :mod:`~inception_edu.viz.fonts`: the SVG canvas and the
  text measurement both renderers share; :mod:`~inception_edu.viz.charts`: small SVG
  line and bar charts for widgets;
- :mod:`~inception_edu.viz.figures`: matplotlib figures outside pyplot;
- :mod:`~inception_edu.viz.curves`: training curves (one run, or seeds as a band),
  gradient norms, calibration, error against cost;
- :mod:`~inception_edu.viz.maps`: receptive-field maps (notebook 04);
- :mod:`~inception_edu.viz.images`: example images, per-class bars.

Import the module you need; this package imports nothing on its own.
"""

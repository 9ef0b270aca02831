"""The course's ipywidgets: explorers that answer from the analytic engine, and a
training panel.

- :mod:`~inception_edu.widgets.base`: the explorer base class (controls -> spec transform
  -> analyze -> render; errors shown on the widget; a static fallback for GitHub/Colab);
- :mod:`~inception_edu.widgets.blocks`: ``BlockExplorer``, ``NaiveVsBottleneck``,
  ``StackExplorer`` (notebooks 00-02);
- :mod:`~inception_edu.widgets.training`: ``TrainingPanel`` (notebooks 03 and 08: its
  slider a ``PanelControl``);
- :mod:`~inception_edu.widgets.factorization`: ``FactorizationExplorer``,
  ``ModuleExplorer`` (notebook 04);
- :mod:`~inception_edu.widgets.reduction`: ``StrategyComparer``, ``ReductionAExplorer``
  (notebook 05);
- :mod:`~inception_edu.widgets.recipe`: ``LabelSmoothingExplorer`` (notebook 06);
- the explorers of one experiment's results live with that experiment
  (:mod:`inception_edu.experiments`): notebook 08's ``ScaleExplorer`` and
  ``scale_training_panel``, notebook 09's ``ExperimentPicker`` and ``ClassErrorExplorer``.

Import the module you need; this package imports nothing on its own.
"""

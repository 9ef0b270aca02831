"""The titles and axis labels the notebooks' own code cells give the package's figures.

A notebook's code is the same in both editions (one source of code), so a title it passes
(``plot_per_class(..., ylabel="validation error rate")``) is English in the Korean
notebook too. The package's plotting functions look every title and axis label up in the
message catalog before drawing it (:func:`inception_edu.i18n._`), so listing the
notebooks' ones here, marked for the catalog, draws them in Korean in the Korean edition.
``tests/test_captions.py`` keeps the list equal to the plain-string ``title=``,
``xlabel=`` and ``ylabel=`` arguments of the English notebooks' code cells.
"""

from __future__ import annotations

from inception_edu.i18n import N_

__all__ = ["CAPTIONS"]

#: By notebook: its code cells' titles and axis labels, as written there.
CAPTIONS = {
    "03": (
        N_("RMS error per output value"),
        N_("the error coming back to each stage, main loss alone"),
        N_("with aux / without"),
        N_("what the aux losses add to each stage's kernel gradient"),
    ),
    "04": (
        N_("weights saved by factorizing an n x n convolution (in = out)"),
        N_("the paper's Figure 5 (filter counts of the released module)"),
        N_("the released 35x35 module (Keras mixed2, tf-slim Mixed_5d)"),
    ),
    "06": (
        N_("Table 3 of the v3 paper: each change, error and cost"),
        N_("cost (Bn ops per image, as the paper counts them)"),
        N_("validation accuracy by epoch (band: lowest to highest seed)"),
        N_("reliability, three seeds pooled (held-out half)"),
    ),
    "09": (
        N_("validation error rate"),
        N_("pretrained, batch norm settled: confusion matrix"),
    ),
}

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
- :mod:`~inception_edu.viz.hangul`: the Korean font registered as matplotlib's per-glyph
  fallback, so Korean class names (as in the source's experiment) are drawn, not boxes.
- :mod:`~inception_edu.viz.palette`: the Okabe-Ito colours for every categorical series,
  checked under simulated colour-vision deficiencies (Machado et al. 2009);
- :mod:`~inception_edu.viz.alt_text`: a figure's own words stored as its ``alt`` text
  when a notebook shows it (the website reads them).

Import the module you need; this package imports none of them on its own, but when
imported it registers the Korean font
(:func:`~inception_edu.viz.hangul.register_korean_font`) and makes the palette
matplotlib's colour cycle (:func:`~inception_edu.viz.palette.use_palette`), so every
figure drawn after any ``inception_edu.viz`` import has Hangul and colours that readers
with a colour-vision deficiency can tell apart.
"""

from inception_edu.viz.hangul import register_korean_font
from inception_edu.viz.palette import use_palette

register_korean_font()
use_palette()

"""Pictures of factorized convolutions: receptive-field maps and the saving curves.

- :func:`plot_receptive_fields`: effective receptive fields side by side (heatmaps on one
  colour scale, each with its window outlined and named, and the weights along its centre
  row underneath): one 5x5 convolution against two stacked 3x3, 7x7 against three 3x3
  (notebook 04, claim C17). It draws what
  :func:`inception_edu.keras_build.receptive_field.effective_receptive_field` returns
  (anything with ``label``, ``map``, ``window`` and ``box``), so this module itself
  imports no TensorFlow.
- :func:`plot_savings`: the share of weights a factorization saves, as a curve over the
  kernel size n (claim C16: 1 - 2/n for n x n -> 1xn + nx1).

Figures are made outside pyplot (:func:`inception_edu.viz.figures.new_figure`).
"""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Rectangle

from inception_edu.i18n import _
from inception_edu.viz.figures import new_figure

__all__ = ["plot_receptive_fields", "plot_savings"]

#: The heatmaps' colour map: dark for no weight, bright for the largest.
CMAP = "magma"


def _check_fields(fields) -> list:
    fields = list(fields) if isinstance(fields, (list, tuple)) else None
    if not fields or not all(
        all(hasattr(f, a) for a in ("label", "map", "window", "box")) for f in fields
    ):
        raise ValueError(
            _(
                "fields must be a non-empty list of receptive fields (from "
                "effective_receptive_field). Received: {received!r:.80}"
            ).format(received=type(fields).__name__ if fields is None else fields)
        )
    return fields


def _crop(field, extent: int) -> tuple[np.ndarray, int, int]:
    """``field.map`` cut to ``extent`` x ``extent`` around its box's centre (zeros past the
    edge); returns the crop and the box's top-left corner inside it."""
    top, left, height, width = field.box
    cy, cx = top + height // 2, left + width // 2
    half = extent // 2
    padded = np.pad(field.map, extent)
    crop = padded[
        cy - half + extent : cy - half + 2 * extent, cx - half + extent : cx - half + 2 * extent
    ]
    return crop, top - (cy - half), left - (cx - half)


def plot_receptive_fields(fields, title: str | None = None):
    """Effective receptive fields side by side, on one colour scale (1 = the largest).

    Top row: each map, cropped to the same square (the largest window plus a margin of
    one pixel), its window outlined and labelled ("window 5x5"). Bottom row: the weights
    along the centre row of each window, the same numbers as bars, so equal windows with
    different weightings read at a glance.
    """
    fields = _check_fields(fields)
    extent = max(max(f.window) for f in fields) + 2
    figure = new_figure(figsize=(2.9 * len(fields) + 1.0, 6.0), layout="constrained")
    axes = figure.subplots(2, len(fields), squeeze=False, gridspec_kw={"height_ratios": [3, 1.6]})
    image = None
    for column, field in enumerate(fields):
        crop, top, left = _crop(field, extent)
        height, width = field.box[2:]
        ax = axes[0][column]
        image = ax.imshow(crop, cmap=CMAP, vmin=0, vmax=1)
        ax.add_patch(
            Rectangle(
                (left - 0.5, top - 0.5),
                width,
                height,
                fill=False,
                edgecolor="#33bbee",
                linewidth=2.2,
                linestyle="--",
            )
        )
        ax.set_title(field.label, fontsize=13, fontweight="bold")
        ax.set_xticks([])
        ax.set_yticks([])
        window = _("window {height}x{width}").format(height=field.window[0], width=field.window[1])
        ax.set_xlabel(window, fontsize=12)
        row = field.map[field.box[0] + height // 2, field.box[1] : field.box[1] + width]
        bars = axes[1][column]
        offsets = np.arange(width) - width // 2
        bars.bar(offsets, row, color="#555555", width=0.8)
        bars.set_ylim(0, 1.08)
        bars.set_xticks(offsets, [str(o) for o in offsets], fontsize=10)
        bars.tick_params(axis="y", labelsize=10)
        bars.set_xlabel(_("centre row: pixels from the centre"), fontsize=10)
        bars.grid(axis="y", alpha=0.3)
        if column == 0:
            bars.set_ylabel(_("weight"), fontsize=11)
    colorbar = figure.colorbar(image, ax=axes[0].tolist(), shrink=0.85)
    colorbar.set_label(_("mean |input gradient| (1 = largest)"), fontsize=11)
    colorbar.ax.tick_params(labelsize=10)
    if title:
        figure.suptitle(title, fontsize=13)
    return figure


def plot_savings(curves: dict, marks=(), title: str | None = None):
    """Saving (percent of weights or multiply-adds) against the kernel size n.

    ``curves`` maps a label to ``{n: saving}`` (saving a fraction in [0, 1]); ``marks``
    lists points to label, ``(n, saving, text)`` or ``(n, saving, text, (dx, dy))`` with
    the text's offset in points (the sources' 28%, 33%, ...).
    """
    if (
        not isinstance(curves, dict)
        or not curves
        or not all(isinstance(c, dict) and c for c in curves.values())
    ):
        raise ValueError(
            _(
                "curves must be a non-empty dict {{label: {{n: saving}}}}. Received: {curves!r:.80}"
            ).format(curves=curves)
        )
    figure = new_figure(figsize=(8.5, 4.6), layout="constrained")
    ax = figure.subplots()
    every_n = sorted({n for curve in curves.values() for n in curve})
    for label, curve in curves.items():
        ns = sorted(curve)
        ax.plot(ns, [100 * curve[n] for n in ns], marker="o", linewidth=2, label=label)
    for mark in marks:
        n, saving, text = mark[:3]
        offset = mark[3] if len(mark) > 3 else (12, -26)
        ax.annotate(
            text,
            (n, 100 * saving),
            xytext=offset,
            textcoords="offset points",
            fontsize=11,
            arrowprops={"arrowstyle": "-", "color": "#555555"},
        )
    ax.set_xticks(every_n, [str(n) for n in every_n], fontsize=10)
    ax.tick_params(axis="y", labelsize=10)
    ax.set_ylim(-3, 100)
    ax.set_xlabel(_("kernel size n of the n x n convolution"), fontsize=11)
    ax.set_ylabel(_("weights saved (%)"), fontsize=11)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=11, loc="lower right")
    if title:
        ax.set_title(_(title), fontsize=12)  # a notebook's title in the reader's language
    return figure

"""Notebook 06's experiment: the Inception-v3 recipe, change by change.

The v3 paper's Table 3 adds its changes one at a time (RMSProp, label smoothing, the
factorized 7x7, a batch-normalised auxiliary classifier) and reports each step's top-1
error and cost; :func:`plot_error_vs_cost` draws such a table as one labelled path on the
error-cost plane. The notebook trains its seeds side by side on the page
(:mod:`inception_edu.training.side_by_side`) and measures calibration with
:mod:`inception_edu.training.metrics`; this module holds what exists only for it.
"""

from __future__ import annotations

from inception_edu.i18n import N_, _
from inception_edu.viz.figures import new_figure

__all__ = ["plot_error_vs_cost"]


def plot_error_vs_cost(
    rows,
    title: str = "",
    xlabel: str = N_("multiply-adds (billions)"),
    ylabel: str = N_("top-1 error (%)"),
):
    """A labelled scatter of ``rows`` = ``[(label, cost, error), ...]``, joined in order.

    Points that share a cost (a recipe change that costs nothing) sit on one vertical line,
    so their labels go to the right of it, spread apart so that none overlaps, each joined
    to its point by a thin leader.
    """
    rows = list(rows)
    if not rows or not all(len(row) == 3 for row in rows):
        raise ValueError(
            _("rows must be (label, cost, error) triples. Received: {rows!r:.80}").format(rows=rows)
        )
    figure = new_figure(figsize=(8.5, 4.2), layout="constrained")
    ax = figure.subplots()
    costs, errors = [r[1] for r in rows], [r[2] for r in rows]
    ax.plot(costs, errors, color="#bbbbbb", linewidth=1, zorder=1)
    ax.scatter(costs, errors, color="#1b9e77", zorder=2)
    error_span = (max(errors) - min(errors)) or 1.0
    nudge = 0.04 * ((max(costs) - min(costs)) or 1.0)
    heights = _spread_labels(costs, errors, 0.09 * error_span)
    for text_y, (label, cost, error) in zip(heights, rows, strict=True):
        ax.annotate(
            label,
            (cost, error),
            xytext=(cost + nudge, text_y),
            fontsize=10,
            va="center",
            arrowprops={
                "arrowstyle": "-",
                "color": "#999999",
                "linewidth": 0.6,
                "shrinkA": 0,
                "shrinkB": 3,
            },
        )
    # the default labels are marked N_ above; "" (no label) is never looked up
    ax.set_xlabel(_(xlabel) if xlabel else xlabel, fontsize=11)
    ax.set_ylabel(_(ylabel) if ylabel else ylabel, fontsize=11)
    ax.set_title(_(title), fontsize=12)  # a notebook's title in the reader's language
    ax.margins(x=0.3, y=0.15)
    ax.grid(alpha=0.3)
    return figure


def _spread_labels(xs, ys, gap: float) -> list[float]:
    """Label heights for points (xs, ys): points sharing an x keep at least ``gap`` apart.

    Within each x, labels keep their points' order; a crowded group is pushed apart
    downwards and then re-centred on its points.
    """
    heights = list(ys)
    for x in set(xs):
        members = sorted((i for i, other in enumerate(xs) if other == x), key=lambda i: -ys[i])
        placed = []
        for i in members:
            placed.append(min(ys[i], placed[-1] - gap) if placed else ys[i])
        shift = (sum(ys[i] for i in members) - sum(placed)) / len(members)
        for i, height in zip(members, placed, strict=True):
            heights[i] = height + shift
    return heights

"""Explorers of notebook 05: grid reduction, strategy by strategy, and Reduction-A's letters.

Both are :class:`~inception_edu.widgets.base.Explorer` subclasses: the controls describe a
spec, the analytic engine answers in microseconds, the numbers reach the page before the
SVG diagram, and an impossible setting is shown on the widget in red.

- :class:`StrategyComparer`: the three ways to go from d x d x k to a smaller grid with 2k
  channels (:mod:`inception_edu.zoo.grid_reduction`), side by side in one table, with the
  chosen one drawn;
- :class:`ReductionAExplorer`: Reduction-A (the v4 paper's Figure 7) with sliders for k,
  l, m, n and a choice of network, whose Table 1 values and input the sliders start from.
"""

from __future__ import annotations

import ipywidgets as widgets

from inception_edu.analysis import Table, analyze, fmt_count, fmt_macs, fmt_shape
from inception_edu.analysis.reduction_costs import (
    compare_strategies,
    reduction_a_rows,
    strategy_table,
)
from inception_edu.i18n import N_, _
from inception_edu.spec.checks import check_choice, check_input_shape
from inception_edu.viz.diagrams import block_svg, draw_block
from inception_edu.viz.figures import new_figure
from inception_edu.widgets.base import DOT, Explorer, int_slider
from inception_edu.widgets.blocks import BlockExplorer
from inception_edu.zoo.grid_reduction import (
    LABELS,
    PAPER_EXAMPLE,
    REDUCTION_A_MODELS,
    STRATEGIES,
    strategy,
)
from inception_edu.zoo.inception_v4 import REDUCTION_A_FILTERS, reduction_a
from inception_edu.zoo.registry import MODEL_LABELS

__all__ = [
    "MAX_CHANNELS",
    "MAX_FILTERS",
    "MAX_GRID",
    "ReductionAExplorer",
    "StrategyComparer",
    "draw_strategies",
]


#: The largest grid side and channel count :class:`StrategyComparer`'s sliders reach.
MAX_GRID = 147
MAX_CHANNELS = 2048
#: The largest k, l, m or n of :class:`ReductionAExplorer`'s sliders.
MAX_FILTERS = 768

#: What an input shape too small is too small for (shown translated).
_GRID_REDUCTION = N_("a 3x3/2 grid reduction")


class StrategyComparer(Explorer):
    """The three grid-reduction strategies on one d x d x k input, side by side.

    ``input_shape`` (d, d, k) sets the sliders' start (the paper's 35x35x320 by
    default); ``chosen`` the strategy drawn (a key of
    :data:`~inception_edu.zoo.grid_reduction.STRATEGIES`). ``costs`` holds each
    strategy's :class:`~inception_edu.analysis.reduction_costs.StrategyCost`, ``ratio`` conv →
    pool's multiply-adds over pool → conv's (the seed's "about 4x").
    """

    def __init__(self, input_shape=PAPER_EXAMPLE, chosen: str = "parallel", draw: bool = True):
        shape = check_input_shape(input_shape, 3, _GRID_REDUCTION)
        if shape[0] != shape[1] or shape[0] > MAX_GRID or shape[2] > MAX_CHANNELS:
            raise ValueError(
                _(
                    "input_shape must be a square d x d x k map with d <= {grid} and k <= "
                    "{channels}. Received: input_shape={shape}"
                ).format(grid=MAX_GRID, channels=MAX_CHANNELS, shape=repr(shape))
            )
        check_choice(chosen, tuple(STRATEGIES), "chosen")
        self.choice = widgets.ToggleButtons(
            options=[(_(LABELS[name]), name) for name in STRATEGIES],
            value=chosen,
            description=_("draw"),
            style={"button_width": "210px"},
        )
        self.grid = int_slider(shape[0], _("grid d"), 3, MAX_GRID, "90px")
        self.channels = int_slider(shape[2], _("channels k"), 1, MAX_CHANNELS, "90px")
        super().__init__([self.choice, self.grid, self.channels], draw)

    def transform(self):
        shape = (self.grid.value, self.grid.value, self.channels.value)
        return strategy(self.choice.value, shape[2]), shape

    def analyze(self, spec) -> dict:
        _node, shape = spec
        costs = compare_strategies(shape)
        return {
            "costs": costs,
            "input_shape": shape,
            "chosen": self.choice.value,
            "ratio": costs["conv_first"].macs / costs["pool_first"].macs,
        }

    def headline_html(self) -> str:
        c = self.costs[self.chosen]
        macs = _("{macs} multiply-adds").format(macs=fmt_macs(c.macs))
        narrowest = _("narrowest map {shape}").format(shape=fmt_shape(c.narrowest_shape))
        ratio = _("conv → pool costs {ratio}x pool → conv").format(ratio=f"{self.ratio:.2f}")
        return (
            f"<b>{_(LABELS[self.chosen])}: {fmt_shape(c.input_shape)} → "
            f"{fmt_shape(c.output_shape)}</b>{DOT}{macs}{DOT}{narrowest}{DOT}{ratio}"
        )

    def table(self) -> Table:
        return strategy_table(self.costs)

    def render(self, spec) -> str:
        node, shape = spec
        title = _("{name} on {shape}").format(name=_(LABELS[self.chosen]), shape=fmt_shape(shape))
        return block_svg(node, shape, title=title)


class ReductionAExplorer(Explorer):
    """Reduction-A with sliders for k, l, m, n and a network to take Table 1's values and
    the input (35x35x384 for v4, 256 for IR-v1, 320 for IR-v2 as released) from.

    Choosing a network resets the sliders to its row of Table 1 (one update, not five).
    ``summary`` is the block's :class:`~inception_edu.analysis.NodeSummary`, ``filters``
    the (k, l, m, n) shown, ``input_shape`` the chosen network's input to Reduction-A.
    """

    branch_numbers = BlockExplorer.branch_numbers  # the same per-branch totals
    headline_numbers = BlockExplorer.headline_html

    def __init__(self, model: str = "inception_v4", draw: bool = True):
        check_choice(model, REDUCTION_A_MODELS, "model")
        self.inputs = {row.model: row.input_shape for row in reduction_a_rows()}
        self.model = widgets.Dropdown(
            options=[(MODEL_LABELS[name], name) for name in REDUCTION_A_MODELS],
            value=model,
            description=_("network"),
        )
        self.sliders = {
            letter: int_slider(value, letter, 1, MAX_FILTERS, "90px")
            for letter, value in zip("klmn", REDUCTION_A_FILTERS[model], strict=True)
        }
        self._holding = False
        self.model.observe(self._table_1_values, names="value")  # before the update
        controls = widgets.VBox(
            [
                self.model,
                widgets.GridBox(
                    list(self.sliders.values()),
                    layout=widgets.Layout(
                        grid_template_columns="repeat(auto-fill, minmax(430px, 1fr))"
                    ),
                ),
            ]
        )
        super().__init__(controls, draw, observe=[self.model, *self.sliders.values()])

    def _table_1_values(self, change=None) -> None:
        """Set the sliders to the chosen network's Table 1 row without an update each;
        the model dropdown's own update (registered after this) then runs once."""
        self._holding = True
        try:
            for letter, value in zip("klmn", REDUCTION_A_FILTERS[self.model.value], strict=True):
                self.sliders[letter].value = value
        finally:
            self._holding = False

    def update(self, change=None) -> None:
        if not self._holding:
            super().update(change)

    def transform(self):
        return reduction_a("reduction_a", *(self.sliders[x].value for x in "klmn"))

    def analyze(self, spec) -> dict:
        shape = self.inputs[self.model.value]
        return {
            "summary": analyze(spec, shape),
            "input_shape": shape,
            "filters": tuple(self.sliders[x].value for x in "klmn"),
        }

    @property
    def table_1(self) -> bool:
        """Whether the sliders hold the chosen network's row of Table 1."""
        return self.filters == REDUCTION_A_FILTERS[self.model.value]

    def headline_html(self) -> str:
        row = _("Table 1's k, l, m, n") if self.table_1 else _("k, l, m, n changed from Table 1")
        return f"{MODEL_LABELS[self.model.value]}, {row}: {self.headline_numbers()}"

    def table(self) -> Table:
        k, l, m, n = self.filters  # noqa: E741
        labels = {
            "b1": f"n = {n}: 3x3/2 V",
            "b2": f"k = {k} 1x1 → l = {l} 3x3 → m = {m} 3x3/2 V",
            "b3": _("max pool 3x3/2 V (passes the input's channels)"),
        }
        rows = [
            (labels[name], channels, fmt_count(params), fmt_macs(macs))
            for name, (channels, params, macs) in self.branch_numbers().items()
        ]
        s = self.summary
        rows.append((_("block"), s.output_shape[-1], fmt_count(s.params), fmt_macs(s.macs)))
        return Table(
            (_("branch"), _("channels"), _("parameters"), _("multiply-adds")),
            tuple(rows),
            bold_last=True,
        )

    def render(self, spec) -> str:
        return block_svg(spec, self.input_shape)


def draw_strategies(input_shape=PAPER_EXAMPLE, kernel: int = 3):
    """The three strategies' block diagrams side by side, each at its natural size
    (text no smaller than in :func:`~inception_edu.viz.diagrams.draw_block`), titled
    with its name and multiply-adds; returns the matplotlib figure."""
    shape = check_input_shape(input_shape, 3, _GRID_REDUCTION)
    costs = compare_strategies(shape, kernel)
    specs = {name: strategy(name, shape[2], kernel) for name in STRATEGIES}
    titles = {
        name: f"{_(LABELS[name])}\n"
        + _("{macs} multiply-adds").format(macs=fmt_macs(costs[name].macs))
        for name in STRATEGIES
    }
    sizes = [draw_block(specs[n], shape, title=titles[n]).get_size_inches() for n in specs]
    width, height = sum(w for w, _h in sizes), max(h for _w, h in sizes)
    figure = new_figure(figsize=(width, height))
    left = 0.0
    for name, (w, h) in zip(specs, sizes, strict=True):
        ax = figure.add_axes((left / width, 1 - h / height, w / width, h / height))
        draw_block(specs[name], shape, ax=ax, title=titles[name])
        left += w
    return figure

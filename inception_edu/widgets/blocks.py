"""Explorers of notebooks 00-02: change a block, watch its shape, parameters and cost follow.

Each is an :class:`~inception_edu.widgets.base.Explorer`: its controls edit a copy of a
spec with :mod:`inception_edu.spec.transforms`, the analytic engine answers in
microseconds, the numbers reach the page first and the SVG diagram right after; no Keras
model is built on a click. The numbers are also plain attributes (``summary``,
``ratio``, ``growth``, ...) that tests and notebooks read.

- :class:`BlockExplorer`: a checkbox per branch, a slider per filter count (00, 01).
- :class:`NaiveVsBottleneck`: inception(3a) with and without its 1x1 reductions (02).
- :class:`StackExplorer` and :func:`stack_growth`: naive blocks vs inception(3a) blocks
  stacked, channels and cost (01).
"""

from __future__ import annotations

import ipywidgets as widgets

from inception_edu.analysis import Table, analyze, fmt_count, fmt_macs, fmt_shape
from inception_edu.analysis.tables import macs_unit
from inception_edu.i18n import _
from inception_edu.spec.checks import check_input_shape, check_int
from inception_edu.spec.nodes import Concat, Residual
from inception_edu.spec.transforms import conv_paths, keep_branches, with_filters
from inception_edu.viz.charts import line_charts_svg
from inception_edu.viz.diagrams import block_svg
from inception_edu.widgets.base import DOT, Explorer, int_slider
from inception_edu.zoo.googlenet import (
    COLUMNS,
    INPUT_3A,
    MODULES,
    inception_module,
    module,
    naive_inception_module,
)

__all__ = ["BlockExplorer", "NaiveVsBottleneck", "StackExplorer", "stack_growth"]


class BlockExplorer(Explorer):
    """Toggle the branches of one block and change its filter counts.

    Shows the output shape, the parameters and multiply-adds of each branch and of the
    whole block, and the block's diagram, all recomputed on every change. ``block`` is a
    :class:`~inception_edu.spec.Concat` or :class:`~inception_edu.spec.Residual`,
    analysed on ``input_shape``. ``checkboxes`` (by branch name) and ``sliders`` (by the
    conv's path, e.g. ``("b2", "3x3")``) are the controls; ``summary`` is the current
    :class:`~inception_edu.analysis.NodeSummary`, ``spec`` the current block.
    """

    def __init__(self, block, input_shape, draw: bool = True):
        if not isinstance(block, (Concat, Residual)):
            raise ValueError(
                _("BlockExplorer needs a Concat or Residual block. Received: block={kind}").format(
                    kind=type(block).__name__
                )
            )
        self.input_shape = check_input_shape(input_shape)
        analyze(block, self.input_shape)  # a block the engine rejects fails here, clearly
        self.block = block
        self.checkboxes = {
            b.name: widgets.Checkbox(
                value=True,
                description=_("branch {name}").format(name=b.name),
                indent=False,
                layout=widgets.Layout(width="110px"),
            )
            for b in block.branches
        }
        self.sliders = {
            path: int_slider(conv.filters, " ".join(path), 1, max(2 * conv.filters, 16))
            for path, conv in conv_paths(block)
        }
        controls = widgets.VBox(
            [
                widgets.HBox(list(self.checkboxes.values())),
                widgets.GridBox(
                    list(self.sliders.values()),
                    layout=widgets.Layout(
                        grid_template_columns="repeat(auto-fill, minmax(430px, 1fr))"
                    ),
                ),
            ]
        )
        super().__init__(
            controls, draw, observe=[*self.checkboxes.values(), *self.sliders.values()]
        )
        for box in self.checkboxes.values():  # after the numbers and the picture are sent
            box.observe(self._enable_sliders, names="value")

    def _enable_sliders(self, change=None) -> None:
        """The sliders of an unticked branch are greyed out (they apply once re-ticked)."""
        for path, slider in self.sliders.items():
            slider.disabled = not self.checkboxes[path[0]].value

    def transform(self):
        kept = [name for name, box in self.checkboxes.items() if box.value]
        if not kept:
            raise ValueError(
                _("Tick at least one branch: the block needs something to concatenate.")
                if isinstance(self.block, Concat)
                else _("Tick at least one branch: the block needs something to add to the input.")
            )
        filters = {path: slider.value for path, slider in self.sliders.items()}
        return keep_branches(with_filters(self.block, filters), kept)

    def analyze(self, spec) -> dict:
        return {"summary": analyze(spec, self.input_shape)}

    def branch_numbers(self) -> dict:
        """Branch name -> (output channels, params, multiply-adds) of the current block."""
        numbers = {}
        for branch in self.spec.branches:
            full = f"{self.spec.name}_{branch.name}"
            rows = [
                row
                for row in self.summary.layers
                if row.name == full or row.name.startswith(full + "_")
            ]
            numbers[branch.name] = (
                rows[-1].output_shape[-1],
                sum(r.params for r in rows),
                sum(r.macs for r in rows),
            )
        return numbers

    @property
    def output_channels(self) -> int:
        """Channels the block outputs with the last settings that worked."""
        return self.summary.output_shape[-1]

    def headline_html(self) -> str:
        s = self.summary
        output = _("output {shape}").format(shape=fmt_shape(s.output_shape))
        params = _("{params} parameters").format(params=fmt_count(s.params))
        macs = _("{macs} multiply-adds").format(macs=fmt_macs(s.macs))
        return f"<b>{output}</b>{DOT}{params}{DOT}{macs}"

    def table(self) -> Table:
        rows = [
            (name, channels, fmt_count(params), fmt_macs(macs))
            for name, (channels, params, macs) in self.branch_numbers().items()
        ]
        if isinstance(self.spec, Residual):
            up = next(r for r in self.summary.layers if r.name == f"{self.spec.name}_up")
            rows.append(
                (_("1x1 projection"), up.output_shape[-1], fmt_count(up.params), fmt_macs(up.macs))
            )
        s = self.summary
        rows.append((_("block"), s.output_shape[-1], fmt_count(s.params), fmt_macs(s.macs)))
        return Table(
            (_("branch"), _("channels"), _("parameters"), _("multiply-adds")),
            tuple(rows),
            bold_last=True,
        )

    def render(self, spec) -> str:
        return block_svg(spec, self.input_shape)


#: The sliders of :class:`NaiveVsBottleneck`: the 1x1 convolutions the naive block lacks,
#: by Table 1 column -> their path in :func:`~inception_edu.zoo.googlenet.inception_module`.
REDUCTIONS = {
    "ch3x3red": ("b2", "3x3_reduce"),
    "ch5x5red": ("b3", "5x5_reduce"),
    "pool_proj": ("b4", "pool_proj"),
}


class NaiveVsBottleneck(Explorer):
    """inception(3a) side by side: the naive block vs the block with 1x1 reductions.

    ``columns`` override Table 1's columns of inception(3a) (:data:`COLUMNS`); sliders set
    the 3x3 reduce, 5x5 reduce and pool projection filters; the naive block keeps the
    same 1x1/3x3/5x5 widths without reductions. ``naive`` and ``bottleneck`` are the two
    summaries, ``ratio`` the naive block's multiply-adds over the bottleneck block's.
    """

    def __init__(self, input_shape=INPUT_3A, draw: bool = True, **columns):
        self.input_shape = check_input_shape(input_shape)
        unknown = sorted(set(columns) - set(COLUMNS))
        if unknown:
            raise ValueError(
                _("Unknown columns {unknown}. Allowed: {allowed}").format(
                    unknown=unknown, allowed=list(COLUMNS)
                )
            )
        self.columns = {**dict(zip(COLUMNS, MODULES["3a"], strict=True)), **columns}
        for key, value in self.columns.items():
            check_int(value, key, 1)
        c = self.columns
        self.naive_block = naive_inception_module("naive_3a", c["ch1x1"], c["ch3x3"], c["ch5x5"])
        self.bottleneck_block = inception_module("inception_3a", *(c[k] for k in COLUMNS))
        self.sliders = {
            key: widgets.IntSlider(
                value=c[key],
                min=1,
                max=max(2 * c[key], 64),
                description=key,
                continuous_update=False,
            )
            for key in REDUCTIONS
        }
        super().__init__(
            widgets.HBox(list(self.sliders.values())), draw, observe=list(self.sliders.values())
        )

    def transform(self):
        filters = {REDUCTIONS[key]: s.value for key, s in self.sliders.items()}
        return self.naive_block, with_filters(self.bottleneck_block, filters)

    def analyze(self, spec) -> dict:
        naive, bottleneck = (analyze(block, self.input_shape) for block in spec)
        return {"naive": naive, "bottleneck": bottleneck, "ratio": naive.macs / bottleneck.macs}

    def headline_html(self) -> str:
        ratio = _("naive / with 1x1 reductions = {ratio}x the multiply-adds").format(
            ratio=f"{self.ratio:.2f}"
        )
        versus = _("{naive} vs {reduced}").format(
            naive=fmt_macs(self.naive.macs), reduced=fmt_macs(self.bottleneck.macs)
        )
        return f"<b>{ratio}</b>{DOT}{versus}"

    def table(self) -> Table:
        rows = tuple(
            (name, fmt_shape(s.output_shape), fmt_count(s.params), fmt_macs(s.macs))
            for name, s in ((_("naive"), self.naive), (_("with 1x1 reductions"), self.bottleneck))
        )
        return Table((_("block"), _("output"), _("parameters"), _("multiply-adds")), rows)

    def render(self, spec) -> str:
        # side by side where the page is wide enough to keep labels legible, else stacked
        cells = "".join(
            f"<div style='flex:1 1 640px;min-width:0'>{block_svg(b, self.input_shape)}</div>"
            for b in spec
        )
        return (
            "<div style='display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start'>"
            f"{cells}</div>"
        )


def _check_naive_filters(naive_filters) -> tuple:
    if not isinstance(naive_filters, (tuple, list)) or len(naive_filters) != 3:
        raise ValueError(
            _(
                "naive_filters must be the (1x1, 3x3, 5x5) filter counts, 3 ints "
                ">= 1. Received: naive_filters={received}"
            ).format(received=repr(naive_filters))
        )
    for name, value in zip(("1x1", "3x3", "5x5"), naive_filters, strict=True):
        check_int(value, f"naive_filters {name}", 1)
    return tuple(naive_filters)


#: The most blocks :class:`StackExplorer` stacks (the chart stays readable).
MAX_STACK = 12


def stack_growth(blocks: int, input_shape=INPUT_3A, naive_filters=(64, 128, 32)) -> dict:
    """Channels and cumulative multiply-adds after each of ``blocks`` stacked blocks.

    Returns ``{"naive": [(channels, cumulative_macs), ...], "bottleneck": [...]}``. The
    naive block passes its input channels through its pool branch, so each block adds
    ``sum(naive_filters)`` channels; the bottleneck block (Table 1's inception(3a)
    columns) keeps 256: its pool projection has 32 filters.
    """
    check_int(blocks, "blocks", 1)
    naive_filters = _check_naive_filters(naive_filters)
    input_shape = check_input_shape(input_shape)
    growth = {}
    for kind in ("naive", "bottleneck"):
        shape, total, rows = input_shape, 0, []
        for i in range(blocks):
            block = (
                naive_inception_module(f"naive_{i + 1}", *naive_filters)
                if kind == "naive"
                else module("3a", name=f"inception_{i + 1}")
            )
            summary = analyze(block, shape)
            shape, total = summary.output_shape, total + summary.macs
            rows.append((shape[-1], total))
        growth[kind] = rows
    return growth


class StackExplorer(Explorer):
    """Stack 1 to ``max_blocks`` naive blocks, or as many inception(3a) blocks with 1x1
    reductions; watch channels and cost. Starts at ``max_blocks``, the whole story.

    ``naive_filters`` are the naive block's (1x1, 3x3, 5x5) filter counts; ``growth`` is
    :func:`stack_growth` for the slider's value.
    """

    def __init__(
        self,
        input_shape=INPUT_3A,
        max_blocks: int = 4,
        naive_filters=(64, 128, 32),
        draw: bool = True,
    ):
        self.input_shape = check_input_shape(input_shape)
        self.max_blocks = check_int(max_blocks, "max_blocks", 1, MAX_STACK)
        self.naive_filters = _check_naive_filters(naive_filters)
        self.slider = widgets.IntSlider(
            value=self.max_blocks,
            min=1,
            max=self.max_blocks,
            description=_("blocks"),
            continuous_update=False,
        )
        super().__init__([self.slider], draw)

    def transform(self) -> int:
        return self.slider.value

    def analyze(self, spec) -> dict:
        return {"growth": stack_growth(spec, self.input_shape, self.naive_filters)}

    def headline_html(self) -> str:
        (naive, naive_macs), (bottle, bottle_macs) = (
            self.growth[k][-1] for k in ("naive", "bottleneck")
        )
        count = len(self.growth["naive"])
        after = (
            _("after {count} blocks: naive {channels} channels, {macs} multiply-adds")
            if count > 1
            else _("after {count} block: naive {channels} channels, {macs} multiply-adds")
        )
        reduced = _("with 1x1 reductions {channels} channels, {macs}")
        return (
            f"<b>{after.format(count=count, channels=naive, macs=fmt_macs(naive_macs))}</b>"
            f"{DOT}{reduced.format(channels=bottle, macs=fmt_macs(bottle_macs))}"
        )

    def table(self) -> Table:
        naive_unit = macs_unit([n[1] for n in self.growth["naive"]])
        bottle_unit = macs_unit([b[1] for b in self.growth["bottleneck"]])
        rows = tuple(
            (
                i + 1,
                naive[0],
                fmt_macs(naive[1], naive_unit),
                bottle[0],
                fmt_macs(bottle[1], bottle_unit),
            )
            for i, (naive, bottle) in enumerate(
                zip(self.growth["naive"], self.growth["bottleneck"], strict=True)
            )
        )
        return Table(
            (
                _("blocks"),
                _("naive channels"),
                _("naive multiply-adds (total)"),
                _("bottleneck channels"),
                _("bottleneck multiply-adds (total)"),
            ),
            rows,
        )

    def render(self, spec) -> str:
        series = {
            "naive": _("naive blocks"),
            "bottleneck": _("inception(3a) blocks (1x1 reductions)"),
        }
        channels = {series[k]: [c for c, _macs in rows] for k, rows in self.growth.items()}
        macs = {series[k]: [m / 1e6 for _channels, m in rows] for k, rows in self.growth.items()}
        return line_charts_svg(
            [(_("output channels"), channels), (_("multiply-adds so far (millions)"), macs)],
            list(series.values()),
            _("blocks stacked"),
            _("channels and multiply-adds of {count} stacked blocks").format(count=spec),
        )

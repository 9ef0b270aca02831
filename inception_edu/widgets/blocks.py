"""ipywidgets explorers: change a block, watch its shape, parameters and cost follow.

Every control edits a copy of a spec and re-runs the analytic engine
(:mod:`inception_edu.analysis`, microseconds) and the spec-driven diagram
(:mod:`inception_edu.diagrams`); no Keras model is built on a click. The numbers each
explorer shows are also plain attributes (``explorer.summary``, ``explorer.ratio``, ...)
so that tests and notebooks can drive it from Python and read what a learner sees.

- :class:`BlockExplorer`: a checkbox per branch, a slider per filter count (notebook 01).
- :class:`NaiveVsBottleneck`: inception(3a) with and without its 1x1 reductions (02).
- :class:`StackExplorer`: 1-4 naive blocks vs bottleneck blocks stacked (01).
- :class:`TrainingPanel`: aux-loss weight, a Train button and live curves (03).
"""

from __future__ import annotations

import html
import io
from dataclasses import replace

import ipywidgets as widgets
import matplotlib

from inception_edu.analysis import analyze
from inception_edu.spec.checks import check_input_shape
from inception_edu.spec.nodes import Concat, Conv, Residual, Sequence, children
from inception_edu.zoo.googlenet import inception_module, naive_inception_module

_SVG = "svg+xml"


def figure_svg(figure) -> bytes:
    """The figure as SVG bytes for an ``ipywidgets.Image(format="svg+xml")``.

    SVG with text left as text (``svg.fonttype: none``) skips rasterising the labels,
    which is most of a PNG's cost: a block diagram renders in a few tens of milliseconds,
    inside the widgets' 100 ms budget, and stays sharp on a projector at any zoom. The
    figures come from :func:`inception_edu.figures.new_figure`, outside pyplot, so there
    is nothing to close: each is freed once the widget drops it.
    """
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def _shape(shape) -> str:
    return "x".join(str(v) for v in shape)


def _millions(value: int) -> str:
    return f"{value / 1e6:,.1f} M"


def _table(header, rows) -> str:
    head = "".join(f"<th style='padding:2px 10px'>{html.escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td style='padding:2px 10px;text-align:{'left' if i == 0 else 'right'}'"
                         f">{html.escape(str(cell))}</td>" for i, cell in enumerate(row)) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _convs(node, path=()):
    """(path of names below ``node``, Conv) for every conv inside ``node``, depth first."""
    for child in children(node):
        child_path = path + (child.name,)
        if isinstance(child, Conv):
            yield child_path, child
        else:
            yield from _convs(child, child_path)


def _with_filters(node, filters: dict, path=()):
    """A copy of ``node`` whose convs take their filter counts from ``filters`` by path."""
    edited = []
    for child in children(node):
        child_path = path + (child.name,)
        if isinstance(child, Conv):
            edited.append(replace(child, filters=filters.get(child_path, child.filters)))
        elif children(child):
            edited.append(_with_filters(child, filters, child_path))
        else:
            edited.append(child)
    if isinstance(node, Sequence):
        return replace(node, ops=tuple(edited))
    return replace(node, branches=tuple(edited))


class BlockExplorer:
    """Toggle the branches of one block and change its filter counts.

    Shows the output shape, the parameters and multiply-adds of each branch and of the
    whole block, and the block's diagram, all recomputed on every change. ``summary`` is
    the current :class:`~inception_edu.analysis.NodeSummary`, ``redraws`` counts diagram
    redraws (a test reads it), ``error`` is the message when no branch is ticked.
    """

    def __init__(self, block, input_shape, draw: bool = True):
        if not isinstance(block, (Concat, Residual)):
            raise ValueError(
                f"BlockExplorer needs a Concat or Residual block. Received: {type(block).__name__}"
            )
        self.input_shape = check_input_shape(input_shape)
        self.block, self.draw = block, draw
        analyze(block, input_shape)  # a bad block fails here, with a clear message
        self.redraws, self.error, self.summary = 0, None, None
        self.checkboxes = {
            b.name: widgets.Checkbox(value=True, description=f"branch {b.name}", indent=False,
                                     layout=widgets.Layout(width="110px"))
            for b in block.branches
        }
        self.sliders = {}
        for path, conv in _convs(block):
            label = " ".join(path)
            self.sliders[path] = widgets.IntSlider(
                value=conv.filters, min=1, max=max(2 * conv.filters, 16), description=label,
                continuous_update=False, style={"description_width": "150px"},
                layout=widgets.Layout(width="420px"))
        self.headline = widgets.HTML()
        self.numbers = widgets.HTML()
        self.diagram = widgets.Image(format=_SVG, layout=widgets.Layout(
            max_width="100%", display=None if draw else "none"))
        for control in [*self.checkboxes.values(), *self.sliders.values()]:
            control.observe(self.update, names="value")
        controls = widgets.VBox([widgets.HBox(list(self.checkboxes.values())),
                                 *self.sliders.values()])
        self.widget = widgets.VBox([controls, self.headline, self.numbers, self.diagram])
        self.update()

    def current_block(self):
        """The block as the controls set it now (``None`` if no branch is ticked)."""
        filters = {path: slider.value for path, slider in self.sliders.items()}
        edited = _with_filters(self.block, filters)
        kept = tuple(b for b in edited.branches if self.checkboxes[b.name].value)
        return replace(edited, branches=kept) if kept else None

    def branch_numbers(self) -> dict:
        """Branch name -> (output channels, params, multiply-adds) of the current block."""
        numbers = {}
        block = self.current_block()
        for branch in block.branches if block is not None else ():
            full = f"{self.block.name}_{branch.name}"
            rows = [row for row in self.summary.layers
                    if row.name == full or row.name.startswith(full + "_")]
            numbers[branch.name] = (rows[-1].output_shape[-1], sum(r.params for r in rows),
                                    sum(r.macs for r in rows))
        return numbers

    def update(self, change=None) -> None:
        block = self.current_block()
        if block is None:
            self.summary = None
            self.error = "Tick at least one branch: a block needs something to concatenate."
            self.headline.value = f"<b style='color:#b00'>{html.escape(self.error)}</b>"
            return
        self.error = None
        self.summary = analyze(block, self.input_shape)
        self.headline.value = (
            f"<b>output {_shape(self.summary.output_shape)}</b> &nbsp;·&nbsp; "
            f"{self.summary.params:,} parameters &nbsp;·&nbsp; "
            f"{_millions(self.summary.macs)} multiply-adds")
        rows = [(name, channels, f"{params:,}", _millions(macs))
                for name, (channels, params, macs) in self.branch_numbers().items()]
        rows.append(("block", self.summary.output_shape[-1], f"{self.summary.params:,}",
                     _millions(self.summary.macs)))
        self.numbers.value = _table(("branch", "channels", "parameters", "multiply-adds"), rows)
        if self.draw:
            from inception_edu.viz.diagrams import draw_block

            self.diagram.value = figure_svg(draw_block(block, self.input_shape))
            self.redraws += 1

    @property
    def output_channels(self) -> int:
        """Channels the block outputs now (0 while no branch is ticked)."""
        return self.summary.output_shape[-1] if self.summary is not None else 0

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


INCEPTION_3A = dict(ch1x1=64, ch3x3red=96, ch3x3=128, ch5x5red=16, ch5x5=32, pool_proj=32)


class NaiveVsBottleneck:
    """inception(3a) side by side: the naive block vs the block with 1x1 reductions.

    Sliders set the 3x3 reduce, 5x5 reduce and pool projection filters; the naive block
    keeps the same 1x1/3x3/5x5 widths without reductions. ``ratio`` is the naive block's
    multiply-adds over the bottleneck block's.
    """

    def __init__(self, input_shape=(28, 28, 192), draw: bool = True, **columns):
        self.input_shape, self.draw, self.redraws = check_input_shape(input_shape), draw, 0
        unknown = sorted(set(columns) - set(INCEPTION_3A))
        if unknown:
            raise ValueError(f"Unknown columns {unknown}. Allowed: {list(INCEPTION_3A)}")
        self.columns = {**INCEPTION_3A, **columns}
        for key, value in self.columns.items():
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{key} must be an int >= 1. Received: {key}={value!r}")
        self.sliders = {
            key: widgets.IntSlider(value=self.columns[key], min=1,
                                   max=max(2 * self.columns[key], 64),
                                   description=key, continuous_update=False)
            for key in ("ch3x3red", "ch5x5red", "pool_proj")
        }
        for slider in self.sliders.values():
            slider.observe(self.update, names="value")
        self.numbers = widgets.HTML()
        self.naive_diagram = widgets.Image(format=_SVG, layout=widgets.Layout(max_width="49%"))
        self.bottleneck_diagram = widgets.Image(format=_SVG,
                                                layout=widgets.Layout(max_width="49%"))
        self.widget = widgets.VBox([
            widgets.HBox(list(self.sliders.values())), self.numbers,
            widgets.HBox([self.naive_diagram, self.bottleneck_diagram])])
        self.update()

    def blocks(self):
        c = {**self.columns, **{key: s.value for key, s in self.sliders.items()}}
        naive = naive_inception_module("naive_3a", c["ch1x1"], c["ch3x3"], c["ch5x5"])
        return naive, inception_module("inception_3a", **c)

    def update(self, change=None) -> None:
        naive, bottleneck = self.blocks()
        self.naive, self.bottleneck = (analyze(naive, self.input_shape),
                                       analyze(bottleneck, self.input_shape))
        self.ratio = self.naive.macs / self.bottleneck.macs
        rows = [(name, _shape(s.output_shape), f"{s.params:,}", _millions(s.macs))
                for name, s in (("naive", self.naive), ("with 1x1 reductions", self.bottleneck))]
        self.numbers.value = _table(("block", "output", "parameters", "multiply-adds"), rows) + (
            f"<p><b>naive / bottleneck multiply-adds = {self.ratio:.2f}x</b></p>")
        if self.draw:
            from inception_edu.viz.diagrams import draw_block

            self.naive_diagram.value = figure_svg(draw_block(naive, self.input_shape))
            self.bottleneck_diagram.value = figure_svg(draw_block(bottleneck, self.input_shape))
            self.redraws += 1

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def stack_growth(blocks: int, input_shape=(28, 28, 192), naive_filters=(64, 128, 32)) -> dict:
    """Channels and cumulative multiply-adds after each of ``blocks`` stacked blocks.

    Returns ``{"naive": [(channels, cumulative_macs), ...], "bottleneck": [...]}``. The
    naive block passes its input channels through its pool branch, so each block adds
    ``sum(naive_filters)`` channels; the bottleneck block's pool projection keeps 256.
    """
    if not isinstance(blocks, int) or isinstance(blocks, bool) or blocks < 1:
        raise ValueError(f"blocks must be an int >= 1. Received: blocks={blocks!r}")
    if not isinstance(naive_filters, (tuple, list)) or len(naive_filters) != 3:
        raise ValueError("naive_filters must be (1x1, 3x3, 5x5) filter counts. "
                         f"Received: naive_filters={naive_filters!r}")
    input_shape = check_input_shape(input_shape)
    growth = {}
    for kind in ("naive", "bottleneck"):
        shape, total, rows = tuple(input_shape), 0, []
        for i in range(blocks):
            block = (naive_inception_module(f"naive_{i + 1}", *naive_filters) if kind == "naive"
                     else inception_module(f"inception_{i + 1}", **INCEPTION_3A))
            summary = analyze(block, shape)
            shape, total = summary.output_shape, total + summary.macs
            rows.append((shape[-1], total))
        growth[kind] = rows
    return growth


class StackExplorer:
    """Stack 1-4 naive blocks or 1-4 inception(3a)-style blocks; watch channels and cost.

    ``naive_filters`` are the naive block's (1x1, 3x3, 5x5) filter counts.
    """

    def __init__(self, input_shape=(28, 28, 192), max_blocks: int = 4,
                 naive_filters=(64, 128, 32), draw: bool = True):
        stack_growth(1, input_shape, naive_filters)  # checks the arguments
        if not isinstance(max_blocks, int) or isinstance(max_blocks, bool) or max_blocks < 1:
            raise ValueError(f"max_blocks must be an int >= 1. Received: max_blocks={max_blocks!r}")
        self.input_shape, self.draw, self.redraws = tuple(input_shape), draw, 0
        self.naive_filters = tuple(naive_filters)
        self.slider = widgets.IntSlider(value=1, min=1, max=max_blocks, description="blocks",
                                        continuous_update=False)
        self.slider.observe(self.update, names="value")
        self.numbers = widgets.HTML()
        self.chart = widgets.Image(format=_SVG)
        self.widget = widgets.VBox([self.slider, self.numbers, self.chart])
        self.update()

    def update(self, change=None) -> None:
        self.growth = stack_growth(self.slider.value, self.input_shape, self.naive_filters)
        rows = [(i + 1, naive[0], _millions(naive[1]), bottle[0], _millions(bottle[1]))
                for i, (naive, bottle) in enumerate(zip(self.growth["naive"],
                                                        self.growth["bottleneck"], strict=True))]
        self.numbers.value = _table(("block", "naive channels", "naive multiply-adds",
                                     "bottleneck channels", "bottleneck multiply-adds"), rows)
        if self.draw:
            self.chart.value = figure_svg(self.figure())
            self.redraws += 1

    def figure(self):
        from inception_edu.viz.figures import new_figure

        figure = new_figure(figsize=(9, 3.4))
        channels, cost = figure.subplots(1, 2)
        count = range(1, len(self.growth["naive"]) + 1)
        for kind, colour in (("naive", "#d95f02"), ("bottleneck", "#1b9e77")):
            rows = self.growth[kind]
            channels.plot(count, [r[0] for r in rows], "o-", color=colour, label=kind)
            cost.plot(count, [r[1] / 1e6 for r in rows], "o-", color=colour, label=kind)
        channels.set(title="output channels", xlabel="blocks stacked", xticks=list(count))
        cost.set(title="multiply-adds (millions, cumulative)", xlabel="blocks stacked",
                 xticks=list(count))
        channels.legend()
        figure.subplots_adjust(left=0.07, right=0.98, bottom=0.15, top=0.9, wspace=0.25)
        return figure

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


class TrainingPanel:
    """Train a mini GoogLeNet with auxiliary heads; the slider sets the aux-loss weight.

    ``build`` is a function ``aux_heads -> keras.Model`` (a scaled-down GoogLeNet);
    clicking Train (or calling :meth:`train`) compiles it with
    ``total_loss = main + w·aux_4a + w·aux_4d`` and fits it on ``split`` with live
    curves. ``history`` and ``val_accuracy`` hold the last run's results.
    """

    def __init__(self, split, build, epochs: int = 3, batch_size: int = 64, seed: int = 0,
                 learning_rate: float = 1e-3):
        self.split, self.build, self.epochs = split, build, epochs
        self.batch_size, self.seed, self.learning_rate = batch_size, seed, learning_rate
        self.history, self.val_accuracy = None, None
        self.weight = widgets.FloatSlider(value=0.3, min=0.0, max=1.0, step=0.05,
                                          description="aux weight", readout_format=".2f")
        self.button = widgets.Button(description="Train", button_style="primary", icon="play")
        self.button.on_click(lambda _: self.train())
        self.curves = widgets.Output()
        self.result = widgets.HTML("Press Train to fit the model.")
        self.widget = widgets.VBox([widgets.HBox([self.weight, self.button]), self.curves,
                                    self.result])

    def train(self):
        from inception_edu import training

        self.button.disabled, self.result.value = True, "training..."
        try:
            model = self.build(True)
            training.compile_googlenet(model, aux_weight=self.weight.value,
                                       learning_rate=self.learning_rate)
            live = training.LiveCurves(output=self.curves)
            self.history = training.fit(model, self.split, epochs=self.epochs,
                                        batch_size=self.batch_size, seed=self.seed,
                                        callbacks=[live])
            self.val_accuracy = training.metric_values(self.history, "val_accuracy")[-1]
            self.result.value = (f"aux weight {self.weight.value:.2f}: validation accuracy "
                                 f"(main head) {self.val_accuracy:.1%} after {self.epochs} "
                                 "epochs")
        finally:
            self.button.disabled = False
        return self.history

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


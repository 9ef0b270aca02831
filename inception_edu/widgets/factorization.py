"""Explorers of notebook 04: factorized convolutions, and Inception-v3's modules A, B, C.

- :func:`factorization_cost`: one n x n convolution against its factorization
  (:func:`inception_edu.spec.transforms.factorize`): weights and multiply-adds of both,
  on a given input, from the analytic engine; :func:`saving_curve` the same over n.
- :class:`FactorizationExplorer`: a slider for n and a choice of factorization (stacked
  3x3, or 1xn then nx1); shows the weights and multiply-adds, the saving as a curve over
  n with the current point marked, and the two diagrams side by side.
- :class:`ModuleExplorer`: v3's 35x35, 17x17 and 8x8 modules (A as released, A as the
  paper's Figure 5, B, C) picked with a dropdown; each is a
  :class:`~inception_edu.widgets.blocks.BlockExplorer` (branches and filter counts),
  shown one at a time, above a table comparing the four.

Both are :class:`~inception_edu.widgets.base.Explorer` objects: no Keras model is built on
a change, errors show on the widget, and their stored output carries a static copy.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import ipywidgets as widgets

from inception_edu.analysis import (
    NodeSummary,
    Table,
    analyze,
    analyze_model,
    fmt_count,
    fmt_macs,
    fmt_shape,
)
from inception_edu.i18n import N_, _
from inception_edu.spec.checks import check_choice, check_input_shape, check_int
from inception_edu.spec.nodes import Conv
from inception_edu.spec.transforms import FACTORIZATIONS, factorize, with_filters
from inception_edu.viz.charts import SERIES_COLOURS
from inception_edu.viz.diagrams import block_svg
from inception_edu.viz.fonts import text_width
from inception_edu.viz.svg import SvgCanvas
from inception_edu.widgets.base import DOT, Explorer
from inception_edu.widgets.blocks import BlockExplorer
from inception_edu.zoo.inception_v3 import (
    inception_a,
    inception_a_figure5,
    inception_b,
    inception_c,
    inception_v3_spec,
)

__all__ = [
    "FactorizationCost",
    "FactorizationExplorer",
    "ModuleExplorer",
    "V3_MODULES",
    "factorization_cost",
    "saving_curve",
]


#: How each factorization reads on the page.
NAMES = {"3x3": N_("stacked 3x3"), "asymmetric": N_("1xn then nx1")}

#: How many 3x3 convolutions a stack has, in words ('three stacked 3x3').
_STACKED = {
    2: N_("two stacked 3x3"),
    3: N_("three stacked 3x3"),
    4: N_("four stacked 3x3"),
    5: N_("five stacked 3x3"),
}

#: The largest n of the factorization explorer's slider.
MAX_N = 11


@dataclass(frozen=True)
class FactorizationCost:
    """One convolution (``original``) and its factorization (``factorized``), analysed on
    the same input. The papers' "parameters" are kernel weights (``kernel_params``)."""

    how: str
    original: NodeSummary
    factorized: NodeSummary

    @property
    def ratio(self) -> float:
        """The factorization's kernel weights over the original's (18/25 for 5x5 -> 3x3s)."""
        return self.factorized.kernel_params / self.original.kernel_params

    @property
    def macs_ratio(self) -> float:
        return self.factorized.macs / self.original.macs

    @property
    def saving(self) -> float:
        """The share of the original's kernel weights the factorization saves."""
        return 1 - self.ratio


def factorization_cost(
    conv: Conv, how: str, input_shape, inner: int | None = None
) -> FactorizationCost:
    """``conv`` against ``factorize(conv, how)`` on ``input_shape``.

    ``inner``: the filters of the factorization's inner convolutions (all but the last);
    ``None`` keeps ``conv.filters``, as the paper's comparison does when input and output
    widths are equal. The released v3 keeps its *input* width there (``inner`` = the
    input's channels: its 1x7 in mixed_6b maps 128 to 128, the 7x1 after it 128 to 192).
    """
    input_shape = check_input_shape(input_shape)
    stack = factorize(conv, how)
    if inner is not None:
        check_int(inner, "inner", 1)
        stack = with_filters(stack, {(op.name,): inner for op in stack.ops[:-1]})
    return FactorizationCost(how, analyze(conv, input_shape), analyze(stack, input_shape))


def _described(how: str, n: int) -> str:
    """'1x7 then 7x1', 'three stacked 3x3'."""
    if how == "asymmetric":
        return _("1x{n} then {n}x1").format(n=n)
    count = (n - 1) // 2
    if count in _STACKED:
        return _(_STACKED[count])
    return _("{count} stacked 3x3").format(count=count)


def _valid(n: int, how: str) -> bool:
    return n >= 5 and n % 2 == 1 if how == "3x3" else n >= 2


def saving_curve(
    how: str, ns=range(2, MAX_N + 1), input_shape=(17, 17, 192), filters: int | None = None
) -> dict:
    """``{n: saving}`` of :func:`factorization_cost` for every ``n`` in ``ns`` that ``how``
    can factorize (odd n >= 5 for stacked 3x3; n >= 2 for 1xn + nx1), on one layer:
    ``input_shape`` in, ``filters`` out (default: as many as the input's channels, the
    paper's assumption, under which the saving is the per-filter one: 1 - 2/n for 1xn + nx1).
    """
    check_choice(how, FACTORIZATIONS, "how")
    input_shape = check_input_shape(input_shape)
    filters = input_shape[2] if filters is None else check_int(filters, "filters", 1)
    return {
        n: factorization_cost(Conv("conv", filters, n, batch_norm=False), how, input_shape).saving
        for n in ns
        if _valid(check_int(n, "n", 1), how)
    }


# --------------------------------------------------------------------------- the chart

_W, _H = 360.0, 200.0  # the plotting area, in points
_LEFT, _TOP, _BOTTOM, _RIGHT = 56.0, 30.0, 62.0, 16.0
_FONT = 11.0


def _saving_chart_svg(curves: dict, current: tuple, max_n: int) -> str:
    """Saving (%) over n, one line per factorization; the current (how, n) circled."""
    canvas = SvgCanvas(
        _LEFT + _W + _RIGHT, _TOP + _H + _BOTTOM, _("weights saved by each factorization, over n")
    )

    def px(n):
        return _LEFT + _W * (n - 2) / (max_n - 2)

    def py(saving):
        return _TOP + _H * (1 - saving)

    canvas.text(_LEFT + _W / 2, _TOP - 14, _("weights saved (%), in = out"), 12.5, bold=True)
    for tick in range(0, 101, 20):
        canvas.polyline([(_LEFT, py(tick / 100)), (_LEFT + _W, py(tick / 100))], "#dddddd", 0.8)
        canvas.text(_LEFT - 6, py(tick / 100), str(tick), _FONT, anchor="end", color="#333333")
    for n in range(2, max_n + 1):
        canvas.text(px(n), _TOP + _H + 13, str(n), _FONT, color="#333333")
    canvas.polyline([(_LEFT, _TOP), (_LEFT, _TOP + _H), (_LEFT + _W, _TOP + _H)], "#333333")
    canvas.text(_LEFT + _W / 2, _TOP + _H + 29, _("n (the n x n kernel)"), _FONT, color="#333333")
    x = _LEFT
    for (how, curve), colour in zip(curves.items(), SERIES_COLOURS, strict=False):
        points = [(px(n), py(s)) for n, s in sorted(curve.items())]
        canvas.polyline(points, colour, 2.2)
        for n, (cx, cy) in zip(sorted(curve), points, strict=True):
            big = (how, n) == current
            canvas.circle(
                cx,
                cy,
                6.5 if big else 3.4,
                colour,
                "#000000" if big else "#ffffff",
                2.0 if big else 1.0,
            )
        y = _TOP + _H + 50
        canvas.polyline([(x, y), (x + 22, y)], colour, 2.2)
        name = _(NAMES[how])
        canvas.text(x + 28, y, name, _FONT, anchor="start")
        x += 28 + text_width(name, _FONT) + 24
    return canvas.svg("inception-edu-chart")


# --------------------------------------------------------------------------- explorers


class FactorizationExplorer(Explorer):
    """One n x n convolution against its factorization, on one layer.

    Controls: ``slider`` (n, 2 to ``max_n``) and ``choice`` (``"asymmetric"``: a 1xn then
    an nx1 convolution; ``"3x3"``: (n - 1) / 2 stacked 3x3 convolutions, odd n >= 5 only;
    another n is shown as an error on the widget). The layer: ``input_shape`` in,
    ``filters`` out (default: the input's channels, the paper's assumption). Attributes:
    ``cost`` (a :class:`FactorizationCost`), ``curves`` (:func:`saving_curve` of both).
    """

    def __init__(
        self,
        n: int = 7,
        how: str = "asymmetric",
        input_shape=(17, 17, 192),
        filters: int | None = None,
        max_n: int = MAX_N,
        draw: bool = True,
    ):
        self.max_n = check_int(max_n, "max_n", 5, 25)
        check_int(n, "n", 2, self.max_n)
        check_choice(how, FACTORIZATIONS, "how")
        self.input_shape = check_input_shape(input_shape)
        self.filters = self.input_shape[2] if filters is None else check_int(filters, "filters", 1)
        self.curves = {
            h: saving_curve(h, range(2, self.max_n + 1), self.input_shape, self.filters)
            for h in ("asymmetric", "3x3")
        }
        self.slider = widgets.IntSlider(
            value=n, min=2, max=self.max_n, description="n", continuous_update=False
        )
        self.choice = widgets.ToggleButtons(
            options=[(f"n x n → {_(NAMES[h])}", h) for h in ("asymmetric", "3x3")],
            value=how,
            description=_("factorize"),
        )
        super().__init__([self.slider, self.choice], draw)

    def transform(self):
        n, how = self.slider.value, self.choice.value
        conv = Conv(f"conv_{n}x{n}", self.filters, n, batch_norm=False)
        return conv, factorize(conv, how)

    def analyze(self, spec) -> dict:
        conv, _factorized = spec
        return {"cost": factorization_cost(conv, self.choice.value, self.input_shape)}

    def headline_html(self) -> str:
        c, n = self.cost, self.slider.value
        weights = _(
            "{n}x{n} → {described}: {weights} weights instead of {original} ({ratio}), "
            "saving {saving}"
        ).format(
            n=n,
            described=_described(c.how, n),
            weights=fmt_count(c.factorized.kernel_params),
            original=fmt_count(c.original.kernel_params),
            ratio=f"{c.ratio:.0%}",
            saving=f"{c.saving:.0%}",
        )
        macs = _("multiply-adds {macs} instead of {original}").format(
            macs=fmt_macs(c.factorized.macs), original=fmt_macs(c.original.macs)
        )
        return f"<b>{weights}</b>{DOT}{macs}"

    def table(self) -> Table:
        rows = []
        for title, summary in (
            (_("original"), self.cost.original),
            (_("factorized"), self.cost.factorized),
        ):
            for row in summary.layers:
                rows.append(
                    (
                        title,
                        row.kind,
                        fmt_shape(row.output_shape),
                        fmt_count(row.kernel_params),
                        fmt_macs(row.macs, "M"),
                    )
                )
                title = ""
        f = self.cost.factorized
        rows.append(
            (
                _("factorized, total"),
                "",
                fmt_shape(f.output_shape),
                fmt_count(f.kernel_params),
                fmt_macs(f.macs, "M"),
            )
        )
        return Table(
            ("", _("layer"), _("output"), _("weights"), _("multiply-adds")),
            tuple(rows),
            left=2,
            bold_last=True,
        )

    def render(self, spec) -> str:
        n, how = self.slider.value, self.choice.value
        chart = _saving_chart_svg(self.curves, (how, n), self.max_n)
        titles = (_("one {n}x{n} convolution").format(n=n), _described(how, n))
        cells = "".join(
            f"<div style='flex:0 1 auto;min-width:0'>"
            f"{block_svg(node, self.input_shape, title=title)}</div>"
            for node, title in zip(spec, titles, strict=True)
        )
        return (
            "<div style='display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start'>"
            f"<div style='flex:0 1 auto;min-width:0'>{chart}</div>{cells}</div>"
        )


#: The modules of :class:`ModuleExplorer`: key -> (label, block, the v3 stage whose
#: input it gets). A at mixed_5d (35x35x288 in, as Table 1 prints), B at mixed_6b
#: (17x17x768, n = 7, 128 filters in its 7x7 branches), C at mixed_7b (8x8x1280).
V3_MODULES = {
    "A": (N_("Inception-A as released (Keras, tf-slim)"), inception_a("mixed_5d", 64), "mixed_5d"),
    "A, Figure 5": (
        N_("Inception-A as the paper's Figure 5 draws it"),
        inception_a_figure5("mixed_5d", 64),
        "mixed_5d",
    ),
    "B": ("Inception-B (Figure 6, n = 7)", inception_b("mixed_6b", 128), "mixed_6b"),
    "C": ("Inception-C (Figure 7)", inception_c("mixed_7b"), "mixed_7b"),
}


class ModuleExplorer(Explorer):
    """v3's modules A (as released and as Figure 5), B and C, one at a time.

    ``dropdown`` picks the module (``module``: the key of :data:`V3_MODULES` shown
    first); each module is a :class:`~inception_edu.widgets.blocks.BlockExplorer`
    (``explorers[key]``: branch checkboxes, filter sliders, its diagram), on the input the
    released v3 gives it at 299x299. Above it, a table compares the four modules at their
    current settings. ``current`` is the shown BlockExplorer, ``summary`` its summary.
    """

    def __init__(self, module: str = "A", draw: bool = True):
        check_choice(module, tuple(V3_MODULES), "module")
        inputs = analyze_model(inception_v3_spec(), (299, 299, 3))
        self.explorers = {
            key: BlockExplorer(block, inputs.block(stage).input_shape, draw)
            for key, (_label, block, stage) in V3_MODULES.items()
        }
        self.dropdown = widgets.Dropdown(
            options=[(f"{key}: {_(label)}", key) for key, (label, *_rest) in V3_MODULES.items()],
            value=module,
            description=_("module"),
            layout=widgets.Layout(width="520px"),
        )
        self.pages = widgets.VBox([e.widget for e in self.explorers.values()])
        super().__init__(widgets.VBox([self.dropdown]), draw=False, observe=[self.dropdown])
        self.widget.children = (*self.widget.children, self.pages)
        for explorer in self.explorers.values():  # the comparison follows their controls
            for control in (*explorer.checkboxes.values(), *explorer.sliders.values()):
                control.observe(self.update, names="value")

    def transform(self):
        return check_choice(self.dropdown.value, tuple(V3_MODULES), "module")

    def analyze(self, spec) -> dict:
        return {"current": self.explorers[spec], "summary": self.explorers[spec].summary}

    def update(self, change=None) -> None:
        super().update(change)
        if self.error is None and hasattr(self, "pages"):
            for key, explorer in self.explorers.items():
                explorer.widget.layout.display = None if key == self.spec else "none"

    def headline_html(self) -> str:
        label, _block, stage = V3_MODULES[self.spec]
        s = self.summary
        where = _("at {stage}: {input} → {output}").format(
            stage=stage, input=fmt_shape(s.input_shape), output=fmt_shape(s.output_shape)
        )
        return f"<b>{html.escape(_(label))}</b>{DOT}{where}"

    def table(self) -> Table:
        rows = []
        for key, explorer in self.explorers.items():
            s = explorer.summary
            rows.append(
                (
                    "▶ " + key if key == self.spec else key,
                    fmt_shape(s.input_shape),
                    fmt_shape(s.output_shape),
                    fmt_count(s.params),
                    fmt_macs(s.macs, "M"),
                )
            )
        return Table(
            (_("module"), _("input"), _("output"), _("parameters"), _("multiply-adds")), tuple(rows)
        )

    def render(self, spec) -> str:  # the pictures are the BlockExplorers'
        return ""

    def static_html(self) -> str:
        """The comparison table, then the shown module's headline, table and diagram."""
        shown = self.current
        picture = shown.diagram.value if shown.draw else ""
        return (
            super().static_html() + f"<div>{shown.headline.value}</div>"
            f"{shown.numbers.value}{picture}"
        )

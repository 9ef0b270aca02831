"""The stage explorer: a whole network read section by section (notebooks 07 and 08).

Pick a network and one of its sections as its paper draws them (the v4 paper's Figure 9:
stem, 4 x Inception-A, Reduction-A, ...) and see that section's diagram, the shapes it
takes and gives, and its share of the network's parameters and multiply-adds, beside
every other section's. A slider changes the input size: the shapes shrink with it, the
parameters stay, the multiply-adds follow the grid.

Like every explorer it is :class:`~inception_edu.widgets.base.Explorer`'s loop: the
analytic engine answers (a whole Inception-v4 well within a click's budget, as
``benchmarks/analysis_speed.py`` measures; cached per network and input size), the
numbers reach the page before the SVG, and an error shows on the widget.
"""

from __future__ import annotations

import ipywidgets as widgets

from inception_edu.analysis import analyze_model, fmt_count, fmt_macs, fmt_shape
from inception_edu.analysis.sections import section_summaries, sections_table
from inception_edu.i18n import _
from inception_edu.spec.checks import check_choice, check_int
from inception_edu.spec.nodes import Sequence
from inception_edu.viz.charts import share_bars_svg
from inception_edu.viz.diagrams import block_svg
from inception_edu.widgets.base import DOT, Explorer, int_slider
from inception_edu.zoo.registry import MODEL_LABELS, MODELS, model_spec

__all__ = ["MAX_INPUT", "StageExplorer", "section_node"]

#: The largest input side the explorer's slider reaches.
MAX_INPUT = 599


def section_node(spec, index: int):
    """What to draw for section ``index`` of ``spec``: its one block (a repeated section's
    blocks are all alike, so the first), or its stages in a row (a stem)."""
    index = check_int(index, "index", 0, len(spec.sections) - 1)
    section = spec.sections[index]
    if section.repeated or len(section.stages) == 1:
        return spec.stage(section.stages[0])
    return Sequence(section.stages[0], tuple(spec.stage(name) for name in section.stages))


class StageExplorer(Explorer):
    """A network's sections: pick one to see its diagram, shapes and cost share.

    ``model`` is one of :data:`~inception_edu.zoo.registry.MODELS`; ``section`` the title
    of one of its sections (``"Inception-B"``; the first with that title); ``input_size``
    the image side (``None``: the paper's). ``sections`` holds every section's
    :class:`~inception_edu.analysis.sections.SectionSummary` and ``chosen`` the picked one.
    """

    def __init__(
        self,
        model: str = "inception_v4",
        section: str = "stem",
        input_size: int | None = None,
        draw: bool = True,
    ):
        check_choice(model, MODELS, "model")
        self._specs, self._summaries = {}, {}
        spec = self._spec(model)
        titles = [s.title for s in spec.sections]
        check_choice(section, titles, "section", MODEL_LABELS[model])
        size = spec.default_input if input_size is None else input_size
        size = check_int(size, "input_size", spec.min_input, MAX_INPUT)
        self.network = widgets.Dropdown(
            options=[(MODEL_LABELS[name], name) for name in MODELS],
            value=model,
            description=_("network"),
        )
        self.section = widgets.Dropdown(
            options=self._section_options(spec),
            value=titles.index(section),
            description=_("section"),
        )
        self.input_size = int_slider(size, _("input size"), spec.min_input, MAX_INPUT, "90px")
        self._holding = False
        self.network.observe(self._reset_for_network, names="value")  # before the update
        controls = [self.network, self.section, self.input_size]
        super().__init__(controls, draw)

    # ------------------------------------------------------------------ controls

    def _spec(self, model: str):
        if model not in self._specs:
            self._specs[model] = model_spec(model)
        return self._specs[model]

    @staticmethod
    def _section_options(spec) -> list:
        return [(section_label, i) for i, section_label in enumerate(_labels(spec))]

    def _reset_for_network(self, change=None) -> None:
        """A new network: its sections, its first section, its paper's input size, in one
        update (the network dropdown's own, registered after this)."""
        spec = self._spec(self.network.value)
        self._holding = True
        try:
            self.section.options = self._section_options(spec)
            self.section.value = 0
            self.input_size.min = 1  # so that min and value never cross while they move
            self.input_size.value = spec.default_input
            self.input_size.min = spec.min_input
        finally:
            self._holding = False

    def update(self, change=None) -> None:
        if not self._holding:
            super().update(change)

    # ------------------------------------------------------------------ the loop

    def transform(self):
        spec = self._spec(self.network.value)
        size = check_int(self.input_size.value, "input size", spec.min_input, MAX_INPUT)
        return spec, (size, size, 3)

    def analyze(self, spec_and_shape) -> dict:
        spec, shape = spec_and_shape
        key = (spec.name, shape)
        if key not in self._summaries:
            summary = analyze_model(spec, shape)
            self._summaries[key] = (summary, section_summaries(spec, summary=summary))
        summary, sections = self._summaries[key]
        index = self.section.value
        return {"summary": summary, "sections": sections, "chosen": sections[index]}

    def headline_html(self) -> str:
        c = self.chosen
        params = _("{params} parameters ({share}% of the network)").format(
            params=fmt_count(c.params), share=f"{100 * c.params_share:.1f}"
        )
        macs = _("{macs} multiply-adds ({share}%)").format(
            macs=fmt_macs(c.macs), share=f"{100 * c.macs_share:.1f}"
        )
        return (
            f"<b>{c.label}</b>: {fmt_shape(c.input_shape)} → <b>{fmt_shape(c.output_shape)}</b>"
            f"{DOT}{params}{DOT}{macs}"
        )

    def table(self):
        title = _("{name} on {shape}").format(
            name=MODEL_LABELS[self.network.value], shape=fmt_shape(self.summary.input_shape)
        )
        return sections_table(self.sections, title, chosen=self.section.value)

    def render(self, spec_and_shape) -> str:
        spec, _shape = spec_and_shape
        index, c = self.section.value, self.chosen
        count = _(", 1 of {count}").format(count=len(c.stages)) if c.repeated else ""
        block = block_svg(
            section_node(spec, index),
            c.input_shape,
            title=_("{name} on {shape}").format(
                name=f"{c.title}{count}", shape=fmt_shape(c.input_shape)
            ),
        )
        shares = share_bars_svg(
            [s.label for s in self.sections],
            {
                _("parameters"): [s.params_share for s in self.sections],
                _("multiply-adds"): [s.macs_share for s in self.sections],
            },
            _("each section's share of the network"),
            highlight=index,
        )
        return (
            "<div style='display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start'>"
            f"<div>{shares}</div><div>{block}</div></div>"
        )


def _labels(spec) -> list:
    """Section labels for the dropdown ("4 x Inception-A"), numbered where titles repeat."""
    labels = [f"{len(s.stages)} x {s.title}" if s.repeated else s.title for s in spec.sections]
    return [
        f"{label} ({labels[: i + 1].count(label)})" if labels.count(label) > 1 else label
        for i, label in enumerate(labels)
    ]

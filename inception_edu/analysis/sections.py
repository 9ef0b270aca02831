"""A whole network read section by section, as its paper draws it.

The papers draw Inception-v4 as stem, 4 x Inception-A, Reduction-A, 7 x Inception-B,
Reduction-B, 3 x Inception-C and the classifier (the v4 paper's Figure 9), and the
Inception-ResNets the same way. A spec's ``sections`` hold that grouping; this module
sums the analytic engine's per-stage numbers over each section: where the grid changes,
and which part of the network holds the parameters and does the multiply-adds.
"""

from __future__ import annotations

from dataclasses import dataclass

from inception_edu.analysis.engine import ModelSummary, analyze_model
from inception_edu.analysis.tables import Table, fmt_count, fmt_macs, fmt_shape, macs_unit
from inception_edu.i18n import _
from inception_edu.spec.checks import check_int
from inception_edu.spec.nodes import ModelSpec

__all__ = ["SectionSummary", "section_summaries", "sections_table"]


@dataclass(frozen=True)
class SectionSummary:
    """One section of a network: its stages, the shapes in and out, its cost and share."""

    title: str
    stages: tuple
    repeated: bool
    input_shape: tuple
    output_shape: tuple
    params: int
    macs: int
    params_share: float  # of the whole network's parameters, in [0, 1]
    macs_share: float  # of its multiply-adds

    @property
    def label(self) -> str:
        """``"4 x Inception-A"`` for a repeated section, else its title."""
        return f"{len(self.stages)} x {self.title}" if self.repeated else self.title


def section_summaries(spec, input_shape=None, summary: ModelSummary | None = None) -> list:
    """The :class:`SectionSummary` of each of ``spec``'s sections, in order.

    ``input_shape=None`` is the paper's input. ``summary`` is ``analyze_model(spec,
    input_shape)`` when the caller has it already (an explorer caches it).
    """
    if not isinstance(spec, ModelSpec):
        raise ValueError(
            _(
                "spec must be a ModelSpec (e.g. model_spec('inception_v4')). Received: {type}"
            ).format(type=type(spec).__name__)
        )
    if summary is None:
        summary = analyze_model(spec, input_shape)
    blocks = {block.name: block for block in summary.blocks}
    total_params = max(summary.total_params, 1)
    total_macs = max(summary.total_macs, 1)
    rows = []
    for section in spec.sections:
        members = [blocks[name] for name in section.stages]
        params = sum(block.params for block in members)
        macs = sum(block.macs for block in members)
        rows.append(
            SectionSummary(
                section.title,
                tuple(section.stages),
                section.repeated,
                members[0].input_shape,
                members[-1].output_shape,
                params,
                macs,
                params / total_params,
                macs / total_macs,
            )
        )
    return rows


def sections_table(rows, title: str = "", chosen: int | None = None) -> Table:
    """The sections side by side with their shapes, costs and shares, and a total row;
    section number ``chosen`` (from 0; titles can repeat, as GoogLeNet's max pools do)
    is marked with an arrow."""
    rows = list(rows)
    if not rows or not all(isinstance(row, SectionSummary) for row in rows):
        raise ValueError(
            _(
                "sections_table takes the SectionSummary rows of section_summaries. "
                "Received: {rows!r}"
            ).format(rows=rows)
        )
    if chosen is not None:
        check_int(chosen, "chosen", 0, len(rows) - 1)
    unit = macs_unit([row.macs for row in rows])
    cells = [
        (
            ("▶ " if index == chosen else "") + row.label,
            fmt_shape(row.input_shape),
            fmt_shape(row.output_shape),
            fmt_count(row.params),
            f"{100 * row.params_share:.1f}%",
            fmt_macs(row.macs, unit),
            f"{100 * row.macs_share:.1f}%",
        )
        for index, row in enumerate(rows)
    ]
    params, macs = sum(row.params for row in rows), sum(row.macs for row in rows)
    cells.append((_("total"), "", "", fmt_count(params), "100%", fmt_macs(macs, unit), "100%"))
    columns = (
        _("section"),
        _("input"),
        _("output"),
        _("parameters"),
        _("share"),
        _("multiply-adds"),
        _("share"),
    )
    return Table(columns, tuple(cells), title, left=3, bold_last=True)

"""The one shape formatter and the one table writer of the package (text and HTML).

Every table the course prints, in a notebook cell, on the command line or inside a
widget, is a :class:`Table`: the same rows give the monospaced text and the HTML, so the
two can never disagree.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from inception_edu.i18n import N_, _, columns, ljust, rjust

__all__ = ["Table", "blocks_table", "fmt_count", "fmt_macs", "fmt_shape", "macs_unit"]


def fmt_shape(shape) -> str:
    """``(28, 28, 96)`` -> ``"28x28x96"``, the papers' notation."""
    return "x".join(str(v) for v in shape)


def fmt_count(value: int) -> str:
    """``163696`` -> ``"163,696"``."""
    return f"{value:,}"


def macs_unit(values) -> str:
    """The one unit for a column of multiply-adds: "G" if any reaches a billion, else "M"."""
    return "G" if max(values, default=0) >= 1e9 else "M"


def fmt_macs(macs: int, unit: str | None = None) -> str:
    """Multiply-adds the way the papers quote them: ``"1.58 G"``, ``"128.0 M"``.

    ``unit`` ("M" or "G") fixes the unit, so that a column reads in one unit
    (:func:`macs_unit`); by default each value picks its own."""
    unit = unit or macs_unit([macs])
    return f"{macs / 1e9:.2f} G" if unit == "G" else f"{macs / 1e6:.1f} M"


@dataclass(frozen=True)
class Table:
    """Rows of cells under a header; the first ``left`` columns are left-aligned, the rest
    (numbers) right-aligned. ``bold_last`` sets the last row (a total) in bold in HTML and
    under a rule in text. ``escape=False`` takes the cells as ready HTML (a report whose
    cells hold code blocks); they are then only for :meth:`html`."""

    columns: tuple
    rows: tuple
    title: str = ""
    left: int = 1
    bold_last: bool = False
    escape: bool = True

    def _cells(self) -> list:
        return [tuple(str(c) for c in self.columns)] + [
            tuple(str(c) for c in row) for row in self.rows
        ]

    def text(self) -> str:
        """A monospaced table, a rule under the header (and above a bold last row)."""
        rows = self._cells()
        widths = [max(columns(row[i]) for row in rows) for i in range(len(self.columns))]
        rule = "-" * (sum(widths) + 2 * (len(widths) - 1))
        lines = [self.title] if self.title else []
        for index, row in enumerate(rows):
            cells = [
                ljust(cell, w) if i < self.left else rjust(cell, w)
                for i, (cell, w) in enumerate(zip(row, widths, strict=True))
            ]
            if self.bold_last and index == len(rows) - 1 and index > 1:
                lines.append(rule)
            lines.append("  ".join(cells).rstrip())
            if index == 0:
                lines.append(rule)
        return "\n".join(lines)

    def html(self) -> str:
        """The same table as HTML (numbers right-aligned, no external style needed)."""

        def cell(tag, value, i):
            align = "left" if i < self.left else "right"
            text = html.escape(str(value)) if self.escape or tag == "th" else str(value)
            return f"<{tag} style='padding:2px 10px;text-align:{align}'>{text}</{tag}>"

        head = "".join(cell("th", c, i) for i, c in enumerate(self.columns))
        body = []
        for index, row in enumerate(self.rows):
            bold = (
                " style='font-weight:bold'"
                if (self.bold_last and index == len(self.rows) - 1)
                else ""
            )
            body.append(
                f"<tr{bold}>" + "".join(cell("td", c, i) for i, c in enumerate(row)) + "</tr>"
            )
        caption = (
            f"<caption style='text-align:left'>{html.escape(self.title)}</caption>"
            if self.title
            else ""
        )
        return (
            f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        )

    def __str__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        return self.html()


BLOCK_COLUMNS = (N_("block"), N_("output"), N_("params"), N_("kernel params"), N_("multiply-adds"))


def blocks_table(blocks, title: str = "") -> Table:
    """Blocks (``NodeSummary`` or ``LayerRow``) with their counts, and a total row."""
    needed = ("name", "output_shape", "params", "kernel_params", "macs")
    if not isinstance(blocks, (list, tuple)) or not all(
        all(hasattr(b, field) for field in needed) for b in blocks
    ):
        raise ValueError(
            _(
                "blocks must be a list of NodeSummary or LayerRow (summary.blocks, "
                "node.rows). Received: {blocks}"
            ).format(blocks=f"{blocks!r:.80}")
        )
    rows = [
        (
            b.name,
            fmt_shape(b.output_shape),
            fmt_count(b.params),
            fmt_count(b.kernel_params),
            fmt_count(b.macs),
        )
        for b in blocks
    ]
    rows.append(
        (
            _("total"),
            "",
            fmt_count(sum(b.params for b in blocks)),
            fmt_count(sum(b.kernel_params for b in blocks)),
            fmt_count(sum(b.macs for b in blocks)),
        )
    )
    header = tuple(_(column) for column in BLOCK_COLUMNS)
    return Table(header, tuple(rows), title, left=2, bold_last=True)

"""Block and model diagrams of the specs, readable on a classroom projector.

Driven by the same specs as the Keras graphs and the analytic engine:

- :func:`draw_block` / :func:`block_svg` draw one block the way the papers' figures do:
  the input on top, each branch as a column of boxes ("1x1 conv, 64", "3x3 conv /2 V,
  384"), the output shape of every op written beside the arrow that leaves it, and the
  merge at the bottom (a concatenation, or for an Inception-ResNet block the linear 1x1
  projection, the scaled add and the shortcut from the input);
- :func:`draw_model` / :func:`model_svg` draw a whole network as its stages, grouped as
  the paper groups them (``spec.sections``: a repeated section such as v4's four
  Inception-A blocks is one "4 × Inception-A" box), each box with its output shape and
  share of the parameters, auxiliary heads as side branches off their tap.

One layout engine, two renderers. The layout is computed in inches around the measured
labels (:mod:`~inception_edu.viz.fonts`), so text sizes in points are exact: no text is
smaller than 10 pt and no two boxes overlap; the picture grows with the number of
branches and the longest branch. The layout then paints onto a *surface*:

- ``draw_*`` paint matplotlib artists and return a :class:`matplotlib.figure.Figure`
  (the PNG figures of the notebooks; ``ax=`` composes a diagram into a caller's axes,
  scaling text and lines down together so the layout still holds);
- ``*_svg`` write an SVG string directly (:mod:`~inception_edu.viz.svg`), many times
  faster than matplotlib's ``savefig(format="svg")`` of the same figure
  (``benchmarks/widget_speed.py`` prints both): the widgets' pictures and the notebooks'
  static fallbacks. The same input gives byte-identical SVG.

Every shape printed comes from :mod:`inception_edu.analysis` (nothing is recomputed here),
so a diagram can never disagree with the tables; a block the engine rejects (a naive
module with ``padding="valid"``) raises the engine's ``ValueError`` here too.

Boxes carry an identifier so programs (tests, widgets) can find them: ``"op:<layer>"``
for each op and ``"merge:<layer>"`` for each concatenation, add or scale, where
``<layer>`` is the analysis row's full layer name (each analysed layer gets exactly one
box); ``"input"`` and ``"output"`` for the ends; ``"stage:<first stage>"`` and
``"aux:<head>"`` in model diagrams. In a figure it is the patch's ``gid``; in SVG the
``data-gid`` attribute of the ``<rect>`` (SVG ``id`` attributes would clash when a page
shows the same diagram twice).

Figures are :class:`matplotlib.figure.Figure` objects with an Agg canvas, not pyplot
figures: nothing leaks into pyplot's registry, and a notebook cell that returns the
figure shows it once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from inception_edu.analysis import analyze, analyze_model, fmt_macs, fmt_shape
from inception_edu.analysis.engine import residual_merge_name
from inception_edu.i18n import N_, _
from inception_edu.spec.nodes import (
    Concat,
    Conv,
    Dense,
    Dropout,
    Flatten,
    GlobalPool,
    Pool,
    Residual,
    Sequence,
    ops_of,
)
from inception_edu.viz.fonts import text_width
from inception_edu.viz.svg import SvgCanvas

__all__ = ["PALETTE", "block_svg", "draw_block", "draw_model", "model_svg", "op_label"]

# --------------------------------------------------------------------------- style

#: Fill colour and legend text per kind of box. Convolutions are coloured by kernel shape
#: (the papers' point is *which* kernels a block mixes), everything else by role. The
#: legend names a merge after the merges drawn ("concatenate", "add", ...).
PALETTE = {
    "conv1x1": ("#FFE08A", N_("1x1 conv")),
    "conv3x3": ("#8FC6EE", N_("3x3 conv")),
    "conv5x5": ("#F4A49C", N_("5x5 conv")),
    "conv_asym": ("#A9DE9C", N_("1xn / nx1 conv")),
    "conv_other": ("#CDB5EC", N_("other conv (e.g. 7x7)")),
    "pool": ("#D6D6D6", N_("pooling")),
    "merge": ("#FFB870", N_("merge")),
    "head": ("#E8DDC6", N_("classifier (fc, dropout, ...)")),
    "inception": ("#9FD9D2", N_("Inception block (concatenate)")),
    "reduction": ("#F5BADA", N_("reduction block (smaller grid)")),
    "residual": ("#B8C5F3", N_("Inception-ResNet block (add)")),
    "plain": ("#DCE2F7", N_("Inception-ResNet block without shortcut")),
    "end": ("#FFFFFF", N_("input / output")),
}

FONT_BOX = 12.0  # op labels and stage names
FONT_SMALL = 10.5  # shapes beside arrows, details, legend
FONT_TITLE = 15.0
EDGE = "#333333"
LW = 1.2  # box outline
LW_HIGHLIGHT = 4.0  # outline of highlighted boxes
LW_ARROW = 1.3
HEAD = 14  # arrow-head size (matplotlib's mutation scale, in points)
ROUND = 0.07  # box corner radius

# block layout, in inches
MARGIN = 0.3
BOX_H = 0.48
PAD_X = 0.14  # text to box edge
ARROW_H = 0.5  # gap between two boxes of a column, holds the shape label
LABEL_DX = 0.07  # shape label to the right of its arrow
FORK_H = 0.24  # a nested split's fan-out bar to its sub-columns
JOIN_H = 0.4  # a nested split's "concatenate" box
COL_GAP = 0.35
SUB_GAP = 0.2
MIN_FANOUT = 0.4  # shortest arrow from the input box to a column
SHORTCUT_DX = 0.35  # residual shortcut, right of the branches
MERGE_H = 0.52
LEGEND_ROW = 0.34
SWATCH = 0.3  # legend swatch width
LEGEND_GAP = 0.3  # between two legend items

NOTE_STRIDE = N_("/s: stride s")
NOTE_VALID = N_("V: 'valid' padding (no zero-padding, the grid shrinks)")


def _text_width(text: str, size: float, bold: bool = False) -> float:
    """Width in inches of ``text`` (its widest line) at ``size`` points."""
    return text_width(text, size, bold) / 72.0


def _stride_padding(strides, padding: str) -> str:
    """The papers' suffixes: " /2" for stride 2, " V" for 'valid' padding."""
    text = ""
    if strides != (1, 1):
        text += f" /{strides[0]}" if strides[0] == strides[1] else f" /{strides[0]}x{strides[1]}"
    if padding == "valid":
        text += " V"
    return text


def op_label(op) -> str:
    """An op as the papers label it: ``"3x3 conv /2 V, 384"``, ``"3x3 max pool /1"``.

    Strides are shown on convolutions only when not 1, on pools always (a pool's stride is
    what tells a grid reduction from the stride-1 pool branch of a module); "V" marks
    'valid' padding; a convolution without activation is "(linear)"; a grouped one says
    how many groups ("5x5 conv, 256, 2 groups").
    """
    if isinstance(op, Conv):
        kh, kw = op.kernel
        linear = " (linear)" if op.activation is None else ""
        groups = f", {op.groups} groups" if op.groups > 1 else ""
        return (
            f"{kh}x{kw} conv{linear}{_stride_padding(op.strides, op.padding)}, {op.filters}{groups}"
        )
    if isinstance(op, Pool):
        kh, kw = op.size
        stride = _stride_padding(op.strides, op.padding)
        if op.strides == (1, 1):
            stride = " /1" + stride
        return f"{kh}x{kw} {op.kind} pool{stride}"
    if isinstance(op, GlobalPool):
        return "global avg pool"
    if isinstance(op, Flatten):
        return "flatten"
    if isinstance(op, Dropout):
        return f"dropout {op.rate:g}"
    if isinstance(op, Dense):
        # like a conv, a ReLU goes unsaid; a classifier says softmax, or linear for logits
        shown = {"relu": "", "softmax": " (softmax)", None: " (linear)"}[op.activation]
        return f"fc, {op.units}{shown}"
    raise ValueError(
        _(
            "op_label needs an op (Conv, Pool, GlobalPool, Flatten, Dropout, "
            "Dense). Received: {kind}"
        ).format(kind=type(op).__name__)
    )


def _op_kind(op) -> str:
    """The palette key of an op: convolutions by kernel shape, then pool, then head."""
    if isinstance(op, Conv):
        kh, kw = op.kernel
        if kh == kw and kh in (1, 3, 5):
            return f"conv{kh}x{kw}"
        return "conv_asym" if min(kh, kw) == 1 else "conv_other"
    if isinstance(op, Pool):
        return "pool"
    return "head"


def _residual_text(block: Residual) -> str:
    """``x + 0.17·F(x)``; without the shortcut ``0.17·F(x)``."""
    scaled = "F(x)" if block.scale == 1 else f"{block.scale:g}·F(x)"
    return f"x + {scaled}" if block.shortcut else scaled


def _notes(ops) -> str:
    """The legend's notes for the suffixes the drawn labels use (/s and V)."""
    notes = []
    if any(isinstance(op, Pool) or getattr(op, "strides", (1, 1)) != (1, 1) for op in ops):
        notes.append(_(NOTE_STRIDE))
    if any(getattr(op, "padding", "same") == "valid" for op in ops):
        notes.append(_(NOTE_VALID))
    return "     ".join(notes)


# --------------------------------------------------------------------------- legend


def _legend_entries(kinds, labels=None) -> list:
    """(kind, text) of the legend, in palette order; ``labels`` overrides texts."""
    labels = labels or {}
    return [
        (kind, labels[kind] if kind in labels else _(text))
        for kind, (_colour, text) in PALETTE.items()
        if kind in kinds
    ]


def _legend_rows(entries, width: float) -> list:
    """Each entry's (x offset, row), wrapped inside ``width`` inches."""
    x, row, placed = 0.0, 0, []
    for _kind, label in entries:
        item_w = SWATCH + 0.1 + _text_width(label, FONT_SMALL) + LEGEND_GAP
        if x > 0 and x + item_w - LEGEND_GAP > width:
            x, row = 0.0, row + 1
        placed.append((x, row))
        x += item_w
    return placed


def _legend_height(entries, width: float, extra: str) -> float:
    rows = _legend_rows(entries, width)[-1][1] + 1 if entries else 0
    return LEGEND_ROW * (max(rows, 1) + (1 if extra else 0))


def _legend_width(entries) -> float:
    """The width of the legend on one row."""
    return sum(
        SWATCH + 0.1 + _text_width(label, FONT_SMALL) + LEGEND_GAP for _kind, label in entries
    )


# --------------------------------------------------------------------------- surfaces


class _Surface:
    """Where a layout paints, in inches of the natural layout: the primitives are box,
    text, arrow and swatch; the legend is built from them here, once for every renderer."""

    def box(self, x0, y0, w, h, kind, gid=None, thick=False, dashed=False):
        raise NotImplementedError

    def text(
        self,
        x,
        y,
        s,
        size=FONT_BOX,
        ha="center",
        va="center",
        bold=False,
        color="black",
        rotation=0,
    ):
        raise NotImplementedError

    def arrow(self, points, head=True):
        raise NotImplementedError

    def swatch(self, x0, y0, w, h, kind):
        raise NotImplementedError

    def legend(self, x0, y0, width, entries, extra=""):
        """Swatches and texts of ``entries``, wrapped in rows inside ``width``; ``extra``
        (the notes) on a row of its own below."""
        placed = _legend_rows(entries, width)
        for (kind, label), (dx, row) in zip(entries, placed, strict=True):
            x, y = x0 + dx, y0 + row * LEGEND_ROW
            self.swatch(x, y - 0.1, SWATCH, 0.2, kind)
            self.text(x + SWATCH + 0.1, y, label, size=FONT_SMALL, ha="left")
        if extra:
            rows = placed[-1][1] + 1 if placed else 1
            self.text(
                x0, y0 + rows * LEGEND_ROW, extra, size=FONT_SMALL, ha="left", color="#444444"
            )


class _MplSurface(_Surface):
    """Matplotlib artists on an axes whose data units are inches of the layout, scaled by
    ``k``: 1 for a figure made to measure; for a caller's axes it shrinks (or grows)
    fonts, lines and arrow heads with the layout, so nothing overlaps at any size."""

    def __init__(self, ax, width: float, height: float):
        self.ax = ax
        fig_w, fig_h = ax.figure.get_size_inches()
        pos = ax.get_position()
        ax_w, ax_h = pos.width * fig_w, pos.height * fig_h
        self.k = min(ax_w / width, ax_h / height)
        half_w, half_h = ax_w / self.k / 2, ax_h / self.k / 2
        ax.set_xlim(width / 2 - half_w, width / 2 + half_w)
        ax.set_ylim(height / 2 + half_h, height / 2 - half_h)  # y grows downwards
        ax.set_axis_off()

    def _lw(self, width: float) -> float:
        return max(0.4, width * self.k)

    def _patch(self, x0, y0, w, h, kind, rounding, linewidth, dashed=False, zorder=2):
        from matplotlib.patches import FancyBboxPatch

        return FancyBboxPatch(
            (x0, y0),
            w,
            h,
            boxstyle=f"round,pad=0,rounding_size={rounding}",
            facecolor=PALETTE[kind][0],
            edgecolor=EDGE,
            linewidth=self._lw(linewidth),
            linestyle="--" if dashed else "-",
            zorder=zorder,
        )

    def box(self, x0, y0, w, h, kind, gid=None, thick=False, dashed=False):
        patch = self._patch(x0, y0, w, h, kind, ROUND, LW_HIGHLIGHT if thick else LW, dashed)
        patch.set_gid(gid)
        self.ax.add_artist(patch)
        return patch

    def swatch(self, x0, y0, w, h, kind):
        self.ax.add_artist(self._patch(x0, y0, w, h, kind, 0.04, LW, zorder=1))

    def text(
        self,
        x,
        y,
        s,
        size=FONT_BOX,
        ha="center",
        va="center",
        bold=False,
        color="black",
        rotation=0,
    ):
        return self.ax.text(
            x,
            y,
            s,
            fontsize=size * self.k,
            ha=ha,
            va=va,
            color=color,
            rotation=rotation,
            fontweight="bold" if bold else "normal",
            zorder=3,
            linespacing=1.25,
        )

    def arrow(self, points, head=True):
        """A polyline through ``points`` (inches), with an arrow head at the end."""
        from matplotlib.patches import FancyArrowPatch
        from matplotlib.path import Path

        patch = FancyArrowPatch(
            path=Path(points),
            arrowstyle="-|>" if head else "-",
            mutation_scale=HEAD * self.k,
            linewidth=self._lw(LW_ARROW),
            color=EDGE,
            shrinkA=0,
            shrinkB=0,
            zorder=1,
        )
        self.ax.add_artist(patch)
        return patch


def _mpl_surface(ax, width: float, height: float) -> _MplSurface:
    """The caller's axes (cleared: a redraw goes into the same one), or a new figure."""
    if ax is None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        from inception_edu.viz.figures import new_figure

        fig = new_figure(figsize=(width, height))
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0, 0, 1, 1))
    else:
        ax.clear()
    return _MplSurface(ax, width, height)


_COLOURS = {"black": "#000000"}
_ANCHORS = {"left": "start", "center": "middle", "right": "end"}


class _SvgSurface(_Surface):
    """The same layout written as SVG: 1 inch of layout is 72 user units (points)."""

    def __init__(self, width: float, height: float, label: str):
        self.canvas = SvgCanvas(width * 72, height * 72, label)

    def box(self, x0, y0, w, h, kind, gid=None, thick=False, dashed=False):
        self.canvas.rect(
            x0 * 72,
            y0 * 72,
            w * 72,
            h * 72,
            PALETTE[kind][0],
            EDGE,
            LW_HIGHLIGHT if thick else LW,
            ROUND * 72,
            dashed,
            {"gid": gid} if gid else None,
        )

    def swatch(self, x0, y0, w, h, kind):
        self.canvas.rect(x0 * 72, y0 * 72, w * 72, h * 72, PALETTE[kind][0], EDGE, LW, 0.04 * 72)

    def text(
        self,
        x,
        y,
        s,
        size=FONT_BOX,
        ha="center",
        va="center",
        bold=False,
        color="black",
        rotation=0,
    ):
        rotate = rotation == 90
        self.canvas.text(
            x * 72,
            y * 72,
            s,
            size,
            "middle" if rotate else _ANCHORS[ha],
            va,
            bold,
            _COLOURS.get(color, color),
            rotate,
        )

    def arrow(self, points, head=True):
        points = [(x * 72, y * 72) for x, y in points]
        if head:
            self.canvas.arrow(points, LW_ARROW, 0.4 * HEAD, 0.2 * HEAD, EDGE)
        else:
            self.canvas.polyline(points, EDGE, LW_ARROW)

    def svg(self) -> str:
        return self.canvas.svg()


@dataclass
class _Plan:
    """A measured layout: its size in inches, a label, and how to paint it."""

    width: float
    height: float
    label: str
    paint: object  # surface -> None

    def figure(self, ax=None):
        surface = _mpl_surface(ax, self.width, self.height)
        self.paint(surface)
        return surface.ax.figure

    def svg(self) -> str:
        surface = _SvgSurface(self.width, self.height, self.label)
        self.paint(surface)
        return surface.svg()


def _title_height(title: str, subtitle: str) -> float:
    """Height of the title band: its lines (bold), the counts line, a gap."""
    if not title:
        return 0.0
    return 0.3 * (title.count("\n") + 1) + (0.28 if subtitle else 0.0) + 0.3


def _title_width(title: str, subtitle: str) -> float:
    if not title:
        return 0.0
    return max(
        _text_width(title, FONT_TITLE, True), _text_width(subtitle, FONT_BOX) if subtitle else 0.0
    )


def _draw_title(surface, width: float, title: str, subtitle: str) -> None:
    """A bold title (the block and its shapes) and a plain line of counts below it."""
    if not title:
        return
    surface.text(width / 2, MARGIN, title, size=FONT_TITLE, bold=True, va="top")
    if subtitle:
        surface.text(
            width / 2,
            MARGIN + 0.3 * (title.count("\n") + 1) + 0.02,
            subtitle,
            size=FONT_BOX,
            color="#333333",
            va="top",
        )


# --------------------------------------------------------------------------- block layout


@dataclass
class _Op:
    """One op's box: its label, colour, output shape and full layer name."""

    label: str
    kind: str
    shape: str
    layer: str
    thick: bool

    def width(self) -> float:
        box = _text_width(self.label, FONT_BOX) + 2 * PAD_X
        return max(box, 2 * (LABEL_DX + _text_width(self.shape, FONT_SMALL)) + 0.1, 1.0)

    def height(self) -> float:
        return BOX_H


@dataclass
class _Split:
    """A nested concatenation inside a branch (v3's 1x3 and 3x1 side by side)."""

    columns: list
    shape: str
    layer: str
    thick: bool

    def width(self) -> float:
        return sum(_column_width(c) for c in self.columns) + SUB_GAP * (len(self.columns) - 1)

    def height(self) -> float:
        return FORK_H + max(_column_height(c) for c in self.columns) + ARROW_H + JOIN_H


def _column_width(column) -> float:
    return max(item.width() for item in column)


def _column_height(column) -> float:
    return sum(item.height() for item in column) + ARROW_H * (len(column) - 1)


def _items(node, layer: str, rows: dict, thick: bool) -> list:
    """The column of boxes for ``node`` (full layer name ``layer``), ops and nested splits."""
    if isinstance(node, Sequence):
        return [item for op in node.ops for item in _items(op, f"{layer}_{op.name}", rows, thick)]
    if isinstance(node, Concat):
        columns = [_items(b, f"{layer}_{b.name}", rows, thick) for b in node.branches]
        return [_Split(columns, fmt_shape(rows[layer].output_shape), layer, thick)]
    if isinstance(node, Residual):
        raise ValueError(
            _(
                "A block diagram cannot draw the residual block {layer} nested inside a "
                "branch; draw it on its own."
            ).format(layer=repr(layer))
        )
    return [_Op(op_label(node), _op_kind(node), fmt_shape(rows[layer].output_shape), layer, thick)]


def _draw_column(surface: _Surface, column, cx: float, bottom: float, target: float) -> float:
    """Draw ``column`` centred on ``cx`` with its last box ending at ``bottom``, plus the
    labelled arrow from it down to ``target``; return the top of its first box."""
    y = bottom
    below = target
    tops = []
    for item in reversed(column):
        top = y - item.height()
        _draw_item(surface, item, cx, top)
        _connect(surface, cx, y, below, item.shape, tops[-1][1] if tops else None)
        tops.append((top, item))
        below = top
        y = top - ARROW_H
    return tops[-1][0]


def _connect(surface: _Surface, x: float, y0: float, y1: float, label: str | None, into):
    """A vertical arrow from ``y0`` down to ``y1``, the shape ``label`` beside it. Into a
    nested split it is a plain line: the split's fork bar continues it."""
    surface.arrow([(x, y0), (x, y1)], head=not isinstance(into, _Split))
    if label:
        surface.text(
            x + LABEL_DX, (y0 + y1) / 2, label, size=FONT_SMALL, ha="left", color="#222222"
        )


def _draw_item(surface: _Surface, item, cx: float, top: float) -> None:
    if isinstance(item, _Op):
        width = item.width()
        surface.box(
            cx - width / 2, top, width, BOX_H, item.kind, gid=f"op:{item.layer}", thick=item.thick
        )
        surface.text(cx, top + BOX_H / 2, item.label)
        return
    # a nested split: fork bar, sub-columns side by side, a "concatenate" join box
    widths = [_column_width(c) for c in item.columns]
    x = cx - item.width() / 2
    centres = []
    for width in widths:
        centres.append(x + width / 2)
        x += width + SUB_GAP
    fork = top
    join_top = top + item.height() - JOIN_H
    surface.arrow([(centres[0], fork), (centres[-1], fork)], head=False)
    for column, centre in zip(item.columns, centres, strict=True):
        first = _draw_column(surface, column, centre, join_top - ARROW_H, join_top)
        surface.arrow([(centre, fork), (centre, first)], head=not isinstance(column[0], _Split))
    join_w = item.width()
    surface.box(
        cx - join_w / 2,
        join_top,
        join_w,
        JOIN_H,
        "merge",
        gid=f"merge:{item.layer}",
        thick=item.thick,
    )
    surface.text(cx, join_top + JOIN_H / 2, _("concatenate"), size=FONT_SMALL)


def _has_split(columns) -> bool:
    """Whether a nested concatenation is drawn (a split holds any deeper ones)."""
    return any(isinstance(item, _Split) for column in columns for item in column)


@dataclass
class _Merge:
    """A box below the branches: its text, colour, gid, the shape on the arrow out of it,
    and whether it spans the columns (a concatenation: a bus under them)."""

    text: str
    kind: str
    gid: str
    out: str | None = None
    bus: bool = False


def _block_columns(node, rows: dict, highlight) -> list:
    """The columns of boxes: one per branch of a Concat or Residual, else one for ``node``.

    ``highlight`` must name a branch; its boxes get the thick outline.
    """
    name = node.name
    branches = node.branches if isinstance(node, (Concat, Residual)) else ()
    allowed = [b.name for b in branches]
    if highlight is not None and highlight not in allowed:
        raise ValueError(
            _(
                "highlight must be None or a branch of {name}: {allowed}. "
                "Received: highlight={highlight}"
            ).format(name=repr(name), allowed=allowed, highlight=repr(highlight))
        )
    if not branches:
        return [_items(node, name, rows, False)]
    return [_items(b, f"{name}_{b.name}", rows, b.name == highlight) for b in branches]


def _residual_merges(node: Residual, summary, rows: dict, merge_words: list) -> tuple:
    """An Inception-ResNet block's merges: the concatenation (more than one branch), the
    linear 1x1 projection, the scaled add; and the legend's words for them."""
    name = node.name
    merges = []
    if len(node.branches) > 1:
        concat_shape = fmt_shape(rows[f"{name}_concat"].output_shape)
        merges.append(
            _Merge(
                _("concatenate → {shape}").format(shape=concat_shape),
                "merge",
                f"merge:{name}_concat",
                bus=True,
            )
        )
        merge_words = [_("concatenate")]
    up = node.projection(summary.input_shape[2])
    merges.append(
        _Merge(
            f"1x1 conv (linear), {up.filters}",
            "conv1x1",
            f"op:{name}_up",
            fmt_shape(rows[f"{name}_up"].output_shape),
        )
    )
    relu = ", ReLU" if node.activation == "relu" else _(" (no ReLU)")
    word = _("add") if node.shortcut else _("no shortcut")
    out_shape = fmt_shape(summary.output_shape)
    merges.append(
        _Merge(
            f"{word}: {_residual_text(node)}{relu} → {out_shape}",
            "merge",
            f"merge:{residual_merge_name(node, name)}",
        )
    )
    return merges, [*merge_words, _("add") if node.shortcut else _("scale (no shortcut)")]


def _block_merges(node, summary, rows: dict, columns: list) -> tuple:
    """The boxes below the branches, and the words the legend gives the merges drawn
    (a nested split's "concatenate" counts too)."""
    merge_words = [_("concatenate")] if isinstance(node, Concat) or _has_split(columns) else []
    out_shape = fmt_shape(summary.output_shape)
    if isinstance(node, Residual):
        return _residual_merges(node, summary, rows, merge_words)
    if isinstance(node, Concat):
        merge = _Merge(
            _("concatenate → {shape}").format(shape=out_shape),
            "merge",
            f"merge:{node.name}",
            bus=True,
        )
    else:
        merge = _Merge(_("output {shape}").format(shape=out_shape), "end", "output")
    return [merge], merge_words


def _block_legend(node, merge_words: list) -> tuple:
    """The legend's entries (the kinds of box drawn) and its notes line (/s, V)."""
    ops = ops_of(node)
    kinds = {"end"} | {_op_kind(op) for op in ops}
    if merge_words:
        kinds.add("merge")
    if isinstance(node, Residual):
        kinds.add("conv1x1")
    return _legend_entries(kinds, {"merge": " / ".join(merge_words)}), _notes(ops)


@dataclass
class _BlockBody:
    """A block below its title: the input box, the branch columns side by side, the merge
    boxes under them, and an Inception-ResNet block's shortcut on the right."""

    columns: list
    in_text: str
    merges: list
    shortcut: bool

    def __post_init__(self):
        self.widths = [_column_width(c) for c in self.columns]
        self.branches_w = sum(self.widths) + COL_GAP * (len(self.widths) - 1)
        self.merge_ws = [_text_width(m.text, FONT_BOX) + 2 * PAD_X for m in self.merges]
        self.span = max(
            self.branches_w, _text_width(self.in_text, FONT_BOX) + 2 * PAD_X, *self.merge_ws
        )
        self.width = self.span + (SHORTCUT_DX + 0.4 if self.shortcut else 0.0)
        self.tallest = max(_column_height(c) for c in self.columns)
        merge_count = len(self.merges)
        self.merges_h = merge_count * MERGE_H + (merge_count - 1) * ARROW_H

    def draw(self, surface: _Surface, x0: float, in_top: float) -> float:
        """Paint the body with its left edge at ``x0`` and the input box's top at
        ``in_top``; return the y a box after the last merge would start at."""
        cx = x0 + self.span / 2
        surface.box(x0, in_top, self.span, BOX_H, "end", gid="input")
        surface.text(cx, in_top + BOX_H / 2, self.in_text)
        in_bottom = in_top + BOX_H
        merge_top = in_bottom + MIN_FANOUT + self.tallest + ARROW_H
        self._draw_branches(surface, cx, in_bottom, merge_top)
        y = self._draw_merges(surface, cx, merge_top)
        if self.shortcut:
            self._draw_shortcut(surface, x0, in_top, y - ARROW_H - MERGE_H / 2)
        return y

    def _draw_branches(self, surface, cx: float, in_bottom: float, merge_top: float) -> None:
        """Each column, and the arrow from the input box down to its first box."""
        x = cx - self.branches_w / 2
        for column, col_w in zip(self.columns, self.widths, strict=True):
            centre = x + col_w / 2
            first = _draw_column(surface, column, centre, merge_top - ARROW_H, merge_top)
            surface.arrow(
                [(centre, in_bottom), (centre, first)], head=not isinstance(column[0], _Split)
            )
            x += col_w + COL_GAP

    def _draw_merges(self, surface, cx: float, y: float) -> float:
        """The merge boxes from ``y`` down, joined by labelled arrows; return the y after
        the last one (and its arrow gap)."""
        for index, (merge, merge_w) in enumerate(zip(self.merges, self.merge_ws, strict=True)):
            box_w = self.span if merge.bus else merge_w
            surface.box(cx - box_w / 2, y, box_w, MERGE_H, merge.kind, gid=merge.gid)
            surface.text(cx, y + MERGE_H / 2, merge.text)
            if index + 1 < len(self.merges):
                _connect(surface, cx, y + MERGE_H, y + MERGE_H + ARROW_H, merge.out, None)
            y += MERGE_H + ARROW_H
        return y

    def _draw_shortcut(self, surface, x0: float, in_top: float, add_y: float) -> None:
        """The identity path: from the input box's right side down into the add box."""
        in_bottom = in_top + BOX_H
        add_right = x0 + self.span / 2 + self.merge_ws[-1] / 2
        side = x0 + self.span + SHORTCUT_DX
        surface.arrow(
            [
                (x0 + self.span, in_top + BOX_H / 2),
                (side, in_top + BOX_H / 2),
                (side, add_y),
                (add_right, add_y),
            ]
        )
        surface.text(
            side + 0.08,
            (in_bottom + add_y) / 2,
            _("shortcut: x"),
            size=FONT_SMALL,
            rotation=90,
            ha="left",
        )


def _layout_block(node, input_shape, title=None, highlight=None) -> _Plan:
    """Measure one block (every size in inches) and return how to paint it."""
    summary = analyze(node, input_shape)
    rows = {row.name: row for row in summary.layers}
    columns = _block_columns(node, rows, highlight)
    merges, merge_words = _block_merges(node, summary, rows, columns)
    shortcut = isinstance(node, Residual) and node.shortcut
    in_text = _("input {shape}").format(shape=fmt_shape(summary.input_shape))
    body = _BlockBody(columns, in_text, merges, shortcut)
    if title is None:
        title = f"{node.name}: {fmt_shape(summary.input_shape)} → {fmt_shape(summary.output_shape)}"
        subtitle = _("{params} params · {macs} multiply-adds").format(
            params=f"{summary.params:,}", macs=fmt_macs(summary.macs)
        )
    else:
        title, subtitle = _(title), ""  # a notebook's title in the reader's language
    title_h = _title_height(title, subtitle)
    entries, extra = _block_legend(node, merge_words)
    width = (
        max(
            body.width,
            _title_width(title, subtitle),
            min(_legend_width(entries), 11.0),
            _text_width(extra, FONT_SMALL),
        )
        + 2 * MARGIN
    )
    legend_h = _legend_height(entries, width - 2 * MARGIN, extra)
    height = (
        MARGIN
        + title_h
        + BOX_H
        + MIN_FANOUT
        + body.tallest
        + ARROW_H
        + body.merges_h
        + 0.45
        + legend_h
        + MARGIN
    )

    def paint(surface: _Surface) -> None:
        _draw_title(surface, width, title, subtitle)
        x0 = MARGIN + (width - 2 * MARGIN - body.width) / 2
        y = body.draw(surface, x0, MARGIN + title_h)
        surface.legend(
            MARGIN, y - ARROW_H + 0.45 + LEGEND_ROW / 2, width - 2 * MARGIN, entries, extra
        )

    label = (
        title.replace("\n", " ") if title else _("block diagram of {name}").format(name=node.name)
    )
    return _Plan(width, height, label, paint)


def draw_block(node, input_shape, ax=None, title=None, highlight=None):
    """Draw one block as its branches side by side; return the matplotlib figure.

    ``node`` is a :class:`~inception_edu.spec.Concat` or :class:`~inception_edu.spec.Residual`
    (or a ``Sequence`` or a single op, drawn as one column), analysed on ``input_shape``
    (height, width, channels): every shape written in the figure is the analytic
    engine's. A block the engine rejects raises its ``ValueError``. ``highlight`` names a
    branch (``"b3"``) whose boxes get a thick outline. ``title=None`` writes the block's
    name, shapes, parameters and multiply-adds; ``""`` writes none. ``ax`` given: the
    diagram fills it (after clearing it) and ``ax.figure`` is returned; otherwise a new
    figure sized to the block is made. :func:`block_svg` is the same picture as SVG.
    """
    return _layout_block(node, input_shape, title, highlight).figure(ax)


def block_svg(node, input_shape, title=None, highlight=None) -> str:
    """The diagram of :func:`draw_block` as an SVG string (for widgets and static HTML).

    Same layout, labels and box identifiers (``data-gid``); the same arguments give
    byte-identical output. Inline it in HTML as it is.
    """
    return _layout_block(node, input_shape, title, highlight).svg()


# --------------------------------------------------------------------------- model layout

# model layout, in inches
STAGE_PAD_X = 0.25
STAGE_H = 0.92  # three lines: name, what it is, shape and parameter share
STAGE_GAP = 0.34
STAGE_COL_GAP = 0.9  # holds the connector from one column to the next
AUX_GAP = 0.45


@dataclass
class _Stage:
    """One box of a model diagram: a stage, or a repeated section of blocks."""

    title: str
    detail: str
    info: str
    kind: str
    members: list = field(default_factory=list)
    gid: str = ""
    ops: list = field(default_factory=list)  # the ops whose labels the box shows


def _block_kind(stage, block) -> str:
    if isinstance(stage, Residual):
        return "residual" if stage.shortcut else "plain"
    if isinstance(stage, Concat):
        shrinks = block.output_shape[:2] != block.input_shape[:2]
        return "reduction" if shrinks else "inception"
    if isinstance(stage, Sequence):
        return _op_kind(ops_of(stage)[0])
    return _op_kind(stage)


def _stage_detail(stage) -> tuple[str, list]:
    """What a stage is, in one line, and the ops whose labels that line shows."""
    if isinstance(stage, Residual):
        text = (
            _("{count} branches, {formula}")
            if stage.shortcut
            else _("{count} branches, {formula} (no shortcut)")
        )
        return text.format(count=len(stage.branches), formula=_residual_text(stage)), []
    if isinstance(stage, Concat):
        return _("{count} branches → concatenate").format(count=len(stage.branches)), []
    if isinstance(stage, Sequence):
        return _("{count} layers").format(count=len(ops_of(stage))), []
    return op_label(stage), [stage]


def _share(params: int, total: int) -> str:
    if not params:
        return ""
    share = 100 * params / total
    if share < 0.1:
        return _(" · <0.1% params")
    return _(" · {share}% params").format(share=f"{share:.1f}")


def _stages(spec, summary) -> list:
    """One box per stage, except a repeated section: one "n × title" box for all of it."""
    total = summary.total_params
    blocks = dict(zip(spec.stage_names, summary.blocks, strict=False))
    boxes: list = []
    for section in spec.sections:
        groups = [section.stages] if section.repeated else [(stage,) for stage in section.stages]
        for group in groups:
            stage = spec.stage(group[0])
            group_blocks = [blocks[name] for name in group]
            params = sum(b.params for b in group_blocks)
            title = f"{len(group)} × {section.title}" if section.repeated else stage.name
            detail, shown = _stage_detail(stage)
            boxes.append(
                _Stage(
                    title,
                    detail,
                    fmt_shape(group_blocks[-1].output_shape) + _share(params, total),
                    _block_kind(stage, group_blocks[0]),
                    list(group),
                    f"stage:{stage.name}",
                    shown,
                )
            )
    return boxes


def _wrap(parts: list, width: float) -> str:
    """Join ``parts`` with ", " into lines no wider than ``width`` inches."""
    lines = [""]
    for part in parts:
        trial = f"{lines[-1]}, {part}" if lines[-1] else part
        if lines[-1] and _text_width(trial + ",", FONT_SMALL) > width:
            lines[-1] += ","
            lines.append(part)
        else:
            lines[-1] = trial
    return "\n".join(lines)


def _check_stage_highlight(spec, stages: list, highlight) -> None:
    """``highlight`` must be None, a stage drawn (alone or in a section's box) or an
    auxiliary head."""
    names = [n for s in stages for n in s.members] + [a.name for a in spec.aux_heads]
    if highlight is not None and highlight not in names:
        raise ValueError(
            _(
                "highlight must be None or a stage of {model}: {names}. "
                "Received: highlight={highlight}"
            ).format(model=spec.name, names=names, highlight=repr(highlight))
        )


def _stage_box_width(entries: list) -> float:
    """One width for every stage box: the widest of their three lines, padded."""
    return (
        max(
            max(
                _text_width(e.title, FONT_BOX, True),
                _text_width(e.detail, FONT_SMALL),
                _text_width(e.info, FONT_SMALL),
            )
            for e in entries
        )
        + 2 * STAGE_PAD_X
    )


@dataclass
class _Aux:
    """An auxiliary head's box: the index of the entry it taps, its title, its text (the
    head's ops, wrapped, then its output), gid, and whether it is highlighted."""

    tap: int
    title: str
    body: str
    gid: str
    thick: bool


def _aux_heads(spec, summary, entries: list, aux_w: float, highlight) -> tuple:
    """A box for each auxiliary head of ``spec``, and the ops their texts show."""
    auxes, shown_ops = [], []
    for aux in spec.aux_heads:
        block = summary.block(aux.name)
        tap = next(i for i, e in enumerate(entries) if aux.after in e.members)
        head_ops = ops_of(aux.head)
        shown_ops += head_ops
        body = _wrap([op_label(op) for op in head_ops], aux_w - 2 * STAGE_PAD_X)
        info = fmt_shape(block.output_shape) + _share(block.params, summary.total_params)
        title = _("{name} (auxiliary head)").format(name=aux.name)
        auxes.append(
            _Aux(tap, title, f"{body}\n→ {info}", f"aux:{aux.name}", aux.name == highlight)
        )
    return auxes, shown_ops


def _model_title(spec, summary, with_aux: bool) -> tuple:
    """The default title (the model on its input) and counts line."""
    title = _("{name} on {shape}").format(name=spec.name, shape=fmt_shape(summary.input_shape))
    subtitle = (
        _("{params} params · {macs} multiply-adds (auxiliary heads included)")
        if with_aux
        else _("{params} params · {macs} multiply-adds")
    )
    return title, subtitle.format(
        params=f"{summary.total_params:,}", macs=fmt_macs(summary.total_macs)
    )


def _stage_columns(count: int, rows: int, box_w: float, auxes: list) -> tuple:
    """Entries ``0 .. count - 1`` cut into columns of ``rows``; each column's width (an
    aux head hanging off one widens it) and the width of them all with the margins."""
    columns = [list(range(i, min(i + rows, count))) for i in range(0, count, rows)]
    col_ws = [box_w + (AUX_GAP + box_w if any(a.tap in c for a in auxes) else 0) for c in columns]
    width = sum(col_ws) + STAGE_COL_GAP * (len(columns) - 1) + 2 * MARGIN
    return columns, col_ws, width


def _best_rows(count: int, box_w: float, auxes: list, min_width: float, title_h: float) -> int:
    """The number of rows per column whose figure is closest to 16:9 (one wider than 17
    inches pays a penalty: it would not fit a slide)."""
    pitch = STAGE_H + STAGE_GAP
    best = None
    for rows in range(min(3, count), count + 1):
        width = max(_stage_columns(count, rows, box_w, auxes)[2], min_width)
        height = rows * pitch + title_h + 2 * MARGIN + 1.2
        score = abs((width / height) / (16 / 9) - 1) + (2 if width > 17 else 0)
        if best is None or score < best[0]:
            best = (score, rows)
    return best[1]


def _place_auxes(auxes: list, rows: int, top: float, body_h: float) -> tuple:
    """Each aux box's (top, height): centred on its tap, pushed down below an earlier one
    in the same column; and the body's height, grown to hold them."""
    pitch = STAGE_H + STAGE_GAP
    aux_boxes, last_bottom = [], {}
    for aux in auxes:
        aux_h = len(aux.body.split("\n")) * 0.21 + 0.55
        mid = (aux.tap % rows) * pitch + STAGE_H / 2
        y0 = max(mid - aux_h / 2, last_bottom.get(aux.tap // rows, -1.0) + 0.15, 0.0)
        last_bottom[aux.tap // rows] = y0 + aux_h
        aux_boxes.append((top + y0, aux_h))
        body_h = max(body_h, y0 + aux_h)
    return aux_boxes, body_h


def _draw_stage(surface: _Surface, entry: _Stage, cx: float, y: float, box_w: float, thick):
    """A stage box: its title (bold), what it is (when said), its shape and share."""
    surface.box(cx - box_w / 2, y, box_w, STAGE_H, entry.kind, gid=entry.gid, thick=thick)
    if entry.detail:
        surface.text(cx, y + 0.2, entry.title, bold=True)
        surface.text(cx, y + 0.47, entry.detail, size=FONT_SMALL)
        surface.text(cx, y + 0.73, entry.info, size=FONT_SMALL)
    else:
        surface.text(cx, y + 0.3, entry.title, bold=True)
        surface.text(cx, y + 0.62, entry.info, size=FONT_SMALL)


def _draw_aux(surface: _Surface, aux: _Aux, tap: tuple, box: tuple, box_w: float) -> None:
    """An aux head's dashed box right of its tap ((centre x, top) of the tapped stage
    box), and the arrow into it."""
    (cx, y), (y0, aux_h) = tap, box
    mid = y + STAGE_H / 2
    x0 = cx + box_w / 2 + AUX_GAP
    surface.box(x0, y0, box_w, aux_h, "head", gid=aux.gid, thick=aux.thick, dashed=True)
    surface.text(x0 + box_w / 2, y0 + 0.22, aux.title, bold=True)
    surface.text(x0 + box_w / 2, y0 + 0.4, aux.body, size=FONT_SMALL, va="top")
    surface.arrow([(cx + box_w / 2, mid), (x0, min(max(mid, y0 + 0.22), y0 + aux_h - 0.1))])


@dataclass
class _StageGrid:
    """The stage boxes in newspaper columns: the entries, the entry indices per column,
    each column's width, the box width and the top of the first row."""

    entries: list
    columns: list
    col_ws: list
    box_w: float
    top: float

    @property
    def width(self) -> float:
        return sum(self.col_ws) + STAGE_COL_GAP * (len(self.col_ws) - 1)

    def draw(self, surface: _Surface, x: float, highlight) -> dict:
        """Paint the columns from ``x`` rightwards, each box joined to the one below and
        each column to the next; return every entry's (centre x, top)."""
        pitch = STAGE_H + STAGE_GAP
        centres = {}
        for column, col_w in zip(self.columns, self.col_ws, strict=True):
            cx = x + self.box_w / 2
            for row, index in enumerate(column):
                entry = self.entries[index]
                y = self.top + row * pitch
                centres[index] = (cx, y)
                thick = highlight is not None and highlight in entry.members
                _draw_stage(surface, entry, cx, y, self.box_w, thick)
                if row:
                    surface.arrow([(cx, y - STAGE_GAP), (cx, y)])
            x += col_w + STAGE_COL_GAP
            if column[-1] + 1 < len(self.entries):
                below = self.top + (len(column) - 1) * pitch + STAGE_H
                self._draw_connector(surface, cx, below, x)
        return centres

    def _draw_connector(self, surface: _Surface, cx: float, below: float, x: float) -> None:
        """From the bottom of a column (centre ``cx``, box bottom ``below``) through the gap
        to the top of the next column, which starts at ``x``."""
        gap_x = x - STAGE_COL_GAP / 2
        next_cx = x + self.box_w / 2
        surface.arrow(
            [
                (cx, below),
                (cx, below + 0.17),
                (gap_x, below + 0.17),
                (gap_x, self.top - 0.17),
                (next_cx, self.top - 0.17),
                (next_cx, self.top),
            ]
        )


def _layout_model(spec, input_shape=None, title=None, highlight=None) -> _Plan:
    """Measure a model diagram (every size in inches) and return how to paint it."""
    summary = analyze_model(spec, input_shape)
    stages = _stages(spec, summary)
    _check_stage_highlight(spec, stages, highlight)
    entries = [_Stage(_("input"), "", fmt_shape(summary.input_shape), "end", [], "input")]
    entries += stages
    box_w = _stage_box_width(entries)  # aux boxes are as wide as stage boxes
    auxes, aux_ops = _aux_heads(spec, summary, entries, box_w, highlight)
    legend = _legend_entries({e.kind for e in entries} | ({"head"} if auxes else set()))
    extra = _notes([op for e in entries for op in e.ops] + aux_ops)
    if title is None:
        title, subtitle = _model_title(spec, summary, bool(auxes))
    else:
        subtitle = ""
    title_h = _title_height(title, subtitle)
    title_w = _title_width(title, subtitle) + 2 * MARGIN
    # the number of rows per column: the figure closest to 16:9
    rows = _best_rows(len(entries), box_w, auxes, title_w, title_h)
    columns, col_ws, width = _stage_columns(len(entries), rows, box_w, auxes)
    width = max(
        width,
        title_w,
        min(_legend_width(legend), 12) + 2 * MARGIN,
        _text_width(extra, FONT_SMALL) + 2 * MARGIN,
    )
    legend_h = _legend_height(legend, width - 2 * MARGIN, extra)
    top = MARGIN + title_h + 0.15
    grid = _StageGrid(entries, columns, col_ws, box_w, top)
    aux_boxes, body_h = _place_auxes(auxes, rows, top, rows * (STAGE_H + STAGE_GAP) - STAGE_GAP)
    height = top + body_h + 0.55 + legend_h + MARGIN

    def paint(surface: _Surface) -> None:
        _draw_title(surface, width, title, subtitle)
        centres = grid.draw(surface, MARGIN + (width - 2 * MARGIN - grid.width) / 2, highlight)
        for aux, box in zip(auxes, aux_boxes, strict=True):
            _draw_aux(surface, aux, centres[aux.tap], box, box_w)
        surface.legend(MARGIN, top + body_h + 0.55, width - 2 * MARGIN, legend, extra)

    return _Plan(width, height, title.replace("\n", " ") if title else spec.name, paint)


def draw_model(spec, input_shape=None, ax=None, title=None, highlight=None):
    """Draw a whole model as a chain of its stages; return the matplotlib figure.

    Stages run top to bottom in newspaper columns (read a column, then the next), so
    GoogLeNet's ~20 stages and Inception-ResNet-v2's ~50 both fit a projector. Stages
    are grouped as ``spec.sections`` say: a repeated section is one box
    ("10 × Inception-ResNet-A"), any other section one box per stage; each box shows what
    the stage is, its output shape and its share of the model's parameters. Auxiliary
    heads hang to the right of the stage they tap. ``input_shape=None`` is the paper's
    input; ``highlight`` names a stage (or aux head) whose box gets a thick outline.
    ``title``, ``ax`` and the return value are as for :func:`draw_block`;
    :func:`model_svg` is the same picture as SVG.
    """
    return _layout_model(spec, input_shape, title, highlight).figure(ax)


def model_svg(spec, input_shape=None, title=None, highlight=None) -> str:
    """The diagram of :func:`draw_model` as an SVG string (byte-identical for the same
    arguments)."""
    return _layout_model(spec, input_shape, title, highlight).svg()

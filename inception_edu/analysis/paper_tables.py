"""The papers' Table 1s, recomputed from the specs of :mod:`inception_edu.zoo`.

- :func:`googlenet_table1_comparison`: GoogLeNet's Table 1 (Szegedy et al. 2014), row by
  row: the output shape and the params/ops its filter columns give, beside what the paper
  prints (:data:`~inception_edu.zoo.googlenet.PRINTED`) (notebook 03);
- :func:`inception_v3_table1_comparison`: Inception-v3's Table 1 (Szegedy et al. 2015,
  :data:`~inception_edu.zoo.inception_v3.TABLE1`) against the released graph, with every
  reason a row does not hold, including the table's own arithmetic (notebook 04).

The tables' cells are the zoo's data; what is measured of them lives here, so the zoo
needs nothing but :mod:`inception_edu.spec`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from inception_edu.analysis.engine import analyze_model
from inception_edu.analysis.tables import Table, fmt_shape
from inception_edu.i18n import N_, _
from inception_edu.spec.nodes import Conv, ModelSpec, Pool, ops_of
from inception_edu.zoo import googlenet, inception_v3

__all__ = ["RowDisagreement", "googlenet_table1_comparison", "inception_v3_table1_comparison"]


# --------------------------------------------------------------------------- GoogLeNet


def googlenet_table1_comparison(summary=None) -> Table:
    """Table 1, row by row: the output shape and the params/ops recomputed from the filter
    columns, beside what the paper prints; ``differs`` marks rows more than one printed
    unit away (1,024 weights, 1 M multiply-adds). ``summary``: an analytic summary of
    GoogLeNet at 224x224 (computed when not given). Returns an analysis ``Table``.
    """
    summary = summary or analyze_model(googlenet.googlenet_spec())
    rows = []
    for row, (printed_k, printed_m) in googlenet.PRINTED.items():
        blocks = [summary.block(name) for name in googlenet.table1_stages(row)]
        weights = sum(b.kernel_params for b in blocks) / 1024
        macs = sum(b.macs for b in blocks) / 1e6
        shape = blocks[-1].output_shape
        differs = abs(weights - printed_k) > 1 or abs(macs - printed_m) > 1
        rows.append(
            (
                row,
                fmt_shape(shape),
                _("yes") if shape == googlenet.OUTPUT_SIZES[row] else _("NO"),
                f"{weights:.1f}",
                f"{printed_k:g}",
                f"{macs:.1f}",
                f"{printed_m:g}",
                _("differs") if differs else "",
            )
        )
    columns = (
        _("row"),
        _("output"),
        _("= Table 1"),
        _("params (K)"),
        _("printed"),
        _("ops (M)"),
        _("printed"),
        "",
    )
    return Table(columns, tuple(rows), left=1)


# --------------------------------------------------------------------------- Inception-v3


@dataclass(frozen=True)
class RowDisagreement:
    """A row of Table 1 that the built graph (or the table's own arithmetic) contradicts."""

    row: int
    cells: tuple
    reasons: tuple

    def __str__(self) -> str:
        head = _("row {row} ({cells}): ").format(row=self.row, cells=", ".join(self.cells))
        return head + "; ".join(self.reasons)


#: The columns of :func:`inception_v3_table1_comparison`'s table.
V3_COLUMNS = (
    N_("row"),
    N_("Table 1: type"),
    N_("patch / stride"),
    N_("input"),
    N_("built stage"),
    N_("built as"),
    N_("input"),
    N_("agrees"),
)


def _parse_shape(text: str) -> tuple:
    return tuple(int(v) for v in text.split("x"))


def _parse_patch(text: str) -> tuple:
    """'3x3 / 2' -> ((3, 3), 2); '8x8' -> ((8, 8), None)."""
    size, _sep, stride = text.partition(" / ")
    return _parse_shape(size), int(stride) if stride else None


def _fmt(shape) -> str:
    return "x".join(str(v) for v in shape)


def _kernels(node) -> list:
    return sorted(op.kernel for op in ops_of(node) if isinstance(op, Conv))


def _stage_words(node) -> str:
    """A stem stage in the table's own words: 'conv padded 3x3 / 1', 'max pool 3x3 / 2'."""
    size = node.kernel if isinstance(node, Conv) else node.size
    kind = (
        "conv" + (" padded" if node.padding == "same" else "")
        if isinstance(node, Conv)
        else f"{node.kind} pool" + (" padded" if node.padding == "same" else "")
    )
    return f"{kind} {_fmt(size)} / {node.strides[0]}"


def _stem_reasons(cells, node) -> list:
    kind, patch, _size = cells
    (kernel, stride) = _parse_patch(patch)
    reasons = []
    wants_conv = kind.startswith("conv")
    if wants_conv != isinstance(node, Conv):
        reasons.append(_("a {built}, not a {kind}").format(built=_stage_words(node), kind=kind))
    size = node.kernel if isinstance(node, Conv) else node.size
    if size != kernel:
        reasons.append(
            _("kernel {built}, not {kernel}").format(built=_fmt(size), kernel=_fmt(kernel))
        )
    if node.strides != (stride, stride):
        reasons.append(
            _("stride {built}, not {stride}").format(built=node.strides[0], stride=stride)
        )
    padded = kind == "conv padded"
    if (node.padding == "same") != padded:
        reasons.append(_("zero-padded") if node.padding == "same" else _("not zero-padded"))
    return reasons


def _module_reasons(cells, names, spec) -> list:
    kind, patch, _size = cells
    count, figure = int(kind.split("x")[0]), int(patch.split()[-1])
    reasons = []
    if len(names) != count:
        reasons.append(
            _("{built} modules ({first} to {last}), not {count}").format(
                built=len(names), first=names[0], last=names[-1], count=count
            )
        )
    wanted = Counter(_kernels(inception_v3.figure_module(figure)))
    differences: dict = {}  # one reason per kind of difference, naming every module
    for name in names:
        have = Counter(_kernels(spec.stage(name)))
        extra, missing = have - wanted, wanted - have
        if extra or missing:
            key = (
                ", ".join(_fmt(k) for k in sorted(extra.elements())) or _("nothing"),
                ", ".join(_fmt(k) for k in sorted(missing.elements())) or _("nothing"),
            )
            differences.setdefault(key, []).append(name)
    for (extra, missing), modules in differences.items():
        reasons.append(
            _("{modules}: a {extra} conv where Figure {figure} has a {missing}").format(
                modules=", ".join(modules), extra=extra, figure=figure, missing=missing
            )
        )
    return reasons


def _table_arithmetic(index: int) -> str | None:
    """Whether an unpadded (or padded) stem row's output is the next row's input."""
    table = inception_v3.TABLE1
    kind, patch, size = table[index]
    if not kind.startswith(("conv", "pool")) or index + 1 >= len(table):
        return None
    (kernel, stride) = _parse_patch(patch)
    height = _parse_shape(size)[0]
    if stride is None:  # the final 8x8 pool: the whole grid
        out = height - kernel[0] + 1
    elif kind == "conv padded":
        out = -(-height // stride)
    else:
        out = (height - kernel[0]) // stride + 1
    following = _parse_shape(table[index + 1][2])[0]
    if out == following:
        return None
    padding = _("padded") if kind == "conv padded" else _("without padding (only row 3 is marked)")
    return _(
        "the table itself: a {patch} {kind} {padding} turns {height}x{height} into {out}x{out}, "
        "yet row {row} starts at {following}x{following}"
    ).format(
        patch=patch.replace(" ", ""),
        kind=kind,
        padding=padding,
        height=height,
        out=out,
        row=index + 2,
        following=following,
    )


def _built_as(cells, names, spec, summary) -> tuple:
    """What the stages ``names`` of a row are built as: ``(words, input, reasons)``, the
    row in the table's terms, the input it gets and why it is not what ``cells`` say
    (apart from the input, which :func:`_input_reasons` checks)."""
    kind, patch, _size = cells
    first = summary.block(names[0])
    node = spec.stage(names[0])
    if isinstance(node, (Conv, Pool)):
        return _stage_words(node), first.input_shape, _stem_reasons(cells, node)
    if "Inception" in kind:
        return f"{len(names)} x Inception", first.input_shape, _module_reasons(cells, names, spec)
    if kind == "pool":
        whole = _parse_patch(patch)[0] == first.input_shape[:2]
        reasons = (
            []
            if whole
            else [_("a global pool over {grid}").format(grid=_fmt(first.input_shape[:2]))]
        )
        return "global avg pool", first.input_shape, reasons
    if kind == "linear":
        return f"dense {node.units}", (1, 1, *first.input_shape), []
    # softmax: the classifier's activation, on its logits
    words = f"{node.activation or 'no'} activation"
    reasons = (
        [] if node.activation == "softmax" else [_("{words}, not softmax").format(words=words)]
    )
    return words, (1, 1, node.units), reasons


def _input_reasons(size: str, built_input, names, summary) -> list:
    """Why a row's printed input ``size`` is not the one its first stage gets."""
    if _parse_shape(size) == tuple(built_input):
        return []
    later = {summary.block(n).input_shape for n in names[1:]}
    also = (
        _(" (the later {count} get {size})").format(count=len(names) - 1, size=size)
        if later == {_parse_shape(size)}
        else ""
    )
    return [
        _("input {built}, not {size}{also}").format(built=_fmt(built_input), size=size, also=also)
    ]


def _check_v3_spec(spec) -> ModelSpec:
    spec = inception_v3.inception_v3_spec() if spec is None else spec
    if not isinstance(spec, ModelSpec) or spec.name != "inception_v3":
        raise ValueError(
            _(
                "inception_v3_table1_comparison needs an Inception-v3 spec (inception_v3_spec). "
                "Received: {name!r}"
            ).format(name=getattr(spec, "name", type(spec).__name__))
        )
    return spec


def inception_v3_table1_comparison(spec=None) -> tuple:
    """Table 1 of the paper, row by row, against the built graph (the released v3).

    ``spec``: an Inception-v3 spec (default:
    :func:`~inception_edu.zoo.inception_v3.inception_v3_spec`), analysed at 299x299x3.
    Returns ``(table, disagreements)``: an analysis ``Table`` with each row's cells beside
    the built stages, what they are and their input, and a list of
    :class:`RowDisagreement` giving every reason a row does not hold, including rows whose
    own arithmetic the table breaks (an unpadded 3x3/1 conv that keeps 35x35). Stages the
    table has no row for (the grid reductions, the dropout) are listed as "not a row".
    """
    spec = _check_v3_spec(spec)
    summary = analyze_model(spec, (299, 299, 3))
    rows, disagreements, shown = [], [], set()
    stages = inception_v3.table1_stages(spec)
    for index, (cells, names) in enumerate(zip(inception_v3.TABLE1, stages, strict=True)):
        for stage in spec.stage_names[: spec.stage_names.index(names[0])]:
            if stage not in shown:  # a stage no row stands for, in its place
                block = summary.block(stage)
                rows.append(("", "", "", "", stage, _("not a row"), _fmt(block.input_shape), ""))
                shown.add(stage)
        shown.update(names)
        words, built_input, reasons = _built_as(cells, names, spec, summary)
        reasons += _input_reasons(cells[2], built_input, names, summary)
        own = _table_arithmetic(index)
        if own:
            reasons.append(own)
        built = names[0] if len(names) == 1 else f"{names[0]} .. {names[-1]}"
        agrees = _("yes") if not reasons else _("NO")
        rows.append((index + 1, *cells, built, words, _fmt(built_input), agrees))
        if reasons:
            disagreements.append(RowDisagreement(index + 1, cells, tuple(reasons)))
    header = tuple(_(column) for column in V3_COLUMNS)
    return Table(header, tuple(rows), left=8), disagreements

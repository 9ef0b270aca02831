"""Notebook 11's block designer: a learner's own block, drawn, counted and checked as they type.

A branch is written as one line, the operations it applies in order separated by ``>``
(:func:`parse_branch`, :func:`branch_text`)::

    1x1:24 > 3x3:32          a 1x1 reduction to 24 channels, then 32 3x3 filters
    1x1:16 > 1x3:24 > 3x1:24 v3's factorized 3x3 (Szegedy et al. 2015, section 3.2)
    1x1:16 > 3x3:24 > 3x3:24 two stacked 3x3s: a 5x5's receptive field (section 3.1)
    max3 > 1x1:8             a 3x3 max-pool and its 1x1 projection (GoogLeNet, Figure 2b)
    3x3:32/2V                stride 2, "V" for valid padding, as the v4 paper's figures write it

A convolution is ``HxW:filters`` (a kernel of H rows and W columns); a pool is ``max`` or
``avg`` and its window side (``max3``); either may end in ``/stride`` and ``V``. Every
convolution has batch-norm and ReLU (v3's), or a bias and ReLU (the 2014 GoogLeNet's) when
the designer's "batch-norm" box is unticked.

:class:`BlockDesigner` is an :class:`~inception_edu.widgets.base.Explorer`: a text field per
branch, buttons to add and remove branches, a choice of concatenation or a scaled residual
add (Inception-ResNet, Szegedy et al. 2016, section 3.3), and a "start from" menu of the
course's references. Every key press re-reads the design (:func:`design_to_spec`, the
same checks as a design file), and the analytic engine answers with the output shape,
parameters, multiply-adds (and their ratio to inception(3a)'s, the capstone's yardstick)
and the diagram; a design with no answer ("branches give 8x8 and 4x4: they cannot be
concatenated") is said in red on the widget. :attr:`BlockDesigner.design` is the design,
ready for :func:`~inception_edu.experiments.capstone.experiment.train_designs` or
:func:`~inception_edu.experiments.capstone.design.save_design`.

:class:`PlaneTrainer` is the designer's train button: it trains the design on show with
the notebook's seeds and budget and puts it on the plane beside the designs already
trained, with the verdict on the capstone's target.
"""

from __future__ import annotations

import html
import io
import os
import re

import ipywidgets as widgets

from inception_edu.analysis import Table, analyze, fmt_count, fmt_shape
from inception_edu.experiments.capstone.design import (
    BLOCK_INPUT,
    FORMAT,
    VERSION,
    design_to_spec,
    load_design,
)
from inception_edu.experiments.capstone.experiment import (
    plot_plane,
    reference_designs,
    target_verdict,
    train_designs,
)
from inception_edu.i18n import N_, _
from inception_edu.spec.checks import check_input_shape
from inception_edu.spec.nodes import Residual
from inception_edu.viz.diagrams import block_svg
from inception_edu.widgets.base import DOT, ERROR_COLOUR, Explorer
from inception_edu.widgets.compat import widget_bundle

__all__ = ["YARDSTICK", "BlockDesigner", "PlaneTrainer", "branch_text", "parse_branch"]

#: The reference every design's multiply-adds are compared with (the capstone's target).
YARDSTICK = "inception(3a)"

_CONV = re.compile(r"^(\d+)x(\d+):(\d+)(?:/(\d+))?(V)?$", re.IGNORECASE)
_POOL = re.compile(r"^(max|avg)(\d+)(?:/(\d+))?(V)?$", re.IGNORECASE)
_SYNTAX = N_(
    "a convolution HxW:filters (1x1:16, 3x3:32, 1x3:24) or a pool max3 / avg3, "
    "optionally followed by /stride and V for valid padding (3x3:32/2V)"
)
#: The "combine" dropdown's values (English: a notebook may set them); shown translated.
_RESIDUAL = N_("scaled residual add")
_CONCAT = N_("concatenate")
#: The start menu's own entry (its value stays English; shown translated).
_YOURS = N_("(your design)")
#: The train button's verdict on the target, by the verdict's (English) word.
_WITHIN = {
    "holds": N_("; {ratio}x {reference}'s multiply-adds; within 2 points: holds"),
    "holds approximately": N_(
        "; {ratio}x {reference}'s multiply-adds; within 2 points: holds approximately"
    ),
    "wrong": N_("; {ratio}x {reference}'s multiply-adds; within 2 points: wrong"),
    "not shown at this scale": N_(
        "; {ratio}x {reference}'s multiply-adds; within 2 points: not shown at this scale"
    ),
}


def _operation(token: str, where: str) -> dict:
    conv, pool = _CONV.match(token), _POOL.match(token)
    if conv:
        height, width, filters, stride, valid = conv.groups()
        kernel = int(height) if height == width else [int(height), int(width)]
        op = {"op": "conv", "kernel": kernel, "filters": int(filters)}
    elif pool:
        kind, size, stride, valid = pool.groups()
        op = {"op": "pool", "kind": kind.lower()}
        if int(size) != 3:
            op["size"] = int(size)
    else:
        raise ValueError(
            _("{where}: {token} is not an operation. Write {syntax}.").format(
                where=_(where), token=repr(token), syntax=_(_SYNTAX)
            )
        )
    if stride is not None and int(stride) != 1:
        op["stride"] = int(stride)
    if valid:
        op["padding"] = "valid"
    return op


def parse_branch(text: str, where: str = N_("branch")) -> list:
    """The operations of one branch written as ``"1x1:24 > 3x3:32"`` (the module's
    docstring), as design operations (dicts of the design format). ``where`` names the
    branch in a ``ValueError`` for a line that is not one."""
    if not isinstance(text, str):
        raise ValueError(
            _("{where} must be a text such as '1x1:24 > 3x3:32'. Received: {text}").format(
                where=_(where), text=repr(text)
            )
        )
    tokens = [token.strip() for token in text.split(">")]
    if not text.strip():
        raise ValueError(
            _("{where} is empty: write at least one operation, {syntax}.").format(
                where=_(where), syntax=_(_SYNTAX)
            )
        )
    if "" in tokens:
        raise ValueError(
            _("{where}: an empty step between two '>' (or at an end). Received: {text}").format(
                where=_(where), text=repr(text)
            )
        )
    return [_operation(token, where) for token in tokens]


def _side(value) -> tuple:
    return (value, value) if isinstance(value, int) else tuple(value)


def _suffix(op: dict) -> str:
    stride = _side(op.get("stride", 1))
    if stride[0] != stride[1]:
        raise ValueError(
            _("A branch line writes one stride for both sides. Received: {op}").format(op=repr(op))
        )
    return (f"/{stride[0]}" if stride[0] != 1 else "") + (
        "V" if op.get("padding", "same") == "valid" else ""
    )


def branch_text(ops: list) -> str:
    """One branch of a design (a list of design operations) as the designer's line,
    the inverse of :func:`parse_branch` (names are not kept: the line has none)."""
    parts = []
    for op in ops:
        if op.get("op") == "conv":
            height, width = _side(op["kernel"])
            parts.append(f"{height}x{width}:{op['filters']}{_suffix(op)}")
        elif op.get("op") == "pool":
            size = _side(op.get("size", 3))
            if size[0] != size[1]:
                raise ValueError(
                    _("A branch line writes square pools only. Received: {op}").format(op=repr(op))
                )
            parts.append(f"{op['kind']}{size[0]}{_suffix(op)}")
        else:
            raise ValueError(
                _("An operation is a conv or a pool. Received: {op}").format(op=f"{op!r:.80}")
            )
    return " > ".join(parts)


def _batch_norm(design: dict) -> bool:
    """The designer's one batch-norm setting for ``design``'s convolutions."""
    flags = {
        op.get("batch_norm", True)
        for ops in design["branches"]
        for op in ops
        if op.get("op") == "conv"
    }
    if len(flags) > 1:
        raise ValueError(
            _(
                "The designer shows blocks whose convolutions all have batch-norm or all have "
                "none; this design mixes them. Edit its file instead."
            )
        )
    return flags.pop() if flags else True


class BlockDesigner(Explorer):
    """Design a block as text, one line per branch; see its shape, parameters,
    multiply-adds and diagram as you type.

    ``start``: a reference's label (:func:`reference_designs`: ``"naive"``,
    ``"inception(3a)"``, ``"v3 Inception-A"``, ``"Inception-ResNet-A"``), a design dict,
    or the path of a design file. ``input_shape``: the block's input (the capstone
    network's, :data:`BLOCK_INPUT`, by default). Attributes: ``branches`` (the text
    fields), ``summary`` (the analysis), ``macs_ratio`` (the block's multiply-adds over
    inception(3a)'s on the same input), ``spec`` and :attr:`design` (the last design that
    worked), ``error`` (the message on the widget, or ``None``).
    """

    def __init__(self, start=YARDSTICK, input_shape=BLOCK_INPUT, draw: bool = True):
        self.input_shape = check_input_shape(input_shape)
        self.references = reference_designs()
        yardstick = design_to_spec(self.references[YARDSTICK], self.input_shape)
        self.yardstick_macs = analyze(yardstick, self.input_shape).macs
        design = self._start_design(start)
        self.name = widgets.Text(description=_("name"), layout=widgets.Layout(width="300px"))
        self.start = widgets.Dropdown(
            options=[(_(_YOURS), _YOURS), *((label, label) for label in self.references)],
            value=_YOURS,
            description=_("start from"),
            layout=widgets.Layout(width="300px"),
        )
        self.combine = widgets.Dropdown(
            options=[(_(value), value) for value in (_CONCAT, _RESIDUAL)],
            description=_("combine"),
            layout=widgets.Layout(width="300px"),
        )
        self.scale = widgets.BoundedFloatText(
            value=0.2,
            min=0.01,
            max=10.0,
            step=0.01,
            description=_("scale"),
            layout=widgets.Layout(width="160px"),
        )
        self.batch_norm = widgets.Checkbox(value=True, description=_("batch-norm"), indent=False)
        self.add_button = widgets.Button(description=_("add branch"), icon="plus")
        self.add_button.on_click(lambda _button: self.add_branch())
        self.rows = widgets.VBox()
        self.branches: list = []
        self._loading, self._started = True, False
        self._fill(design)
        header = widgets.VBox(
            [
                widgets.HBox([self.name, self.start]),
                widgets.HBox([self.combine, self.scale, self.batch_norm]),
            ]
        )
        controls = widgets.VBox([header, self.rows, self.add_button])
        observed = [self.name, self.combine, self.scale, self.batch_norm, *self.branches]
        self._loading = False
        super().__init__(controls, draw, observe=observed)
        self._started = True
        self.start.observe(self._choose_start, names="value")
        self.combine.observe(self._enable_scale, names="value")
        self._enable_scale()

    # ------------------------------------------------------------------ the design in fields

    def _start_design(self, start) -> dict:
        if isinstance(start, str) and start in self.references:
            return self.references[start]
        if isinstance(start, dict):
            design_to_spec(start, self.input_shape)
            return start
        if isinstance(start, os.PathLike) or (isinstance(start, str) and start.endswith(".json")):
            return load_design(start, self.input_shape)
        shown = ", ".join(repr(label) for label in self.references)
        raise ValueError(
            _(
                "start must be one of {shown}, a design dict or a design file (.json). "
                "Received: start={start}"
            ).format(shown=shown, start=f"{start!r:.80}")
        )

    def _fill(self, design: dict) -> None:
        """Set every control from ``design`` (one update afterwards, not one per field)."""
        loading, self._loading = self._loading, True
        try:
            self.batch_norm.value = _batch_norm(design)
            self.name.value = design["name"]
            combine = design["combine"]
            self.combine.value = _CONCAT if combine == "concat" else _RESIDUAL
            if combine != "concat":
                self.scale.value = combine["residual"]
            for field in self.branches:
                field.unobserve_all()
            self.branches = []
            for ops in design["branches"]:
                self._new_field(branch_text(ops))
            self._show_rows()
        finally:
            self._loading = loading

    def _new_field(self, text: str) -> widgets.Text:
        field = widgets.Text(
            value=text, continuous_update=True, layout=widgets.Layout(width="420px")
        )
        field.add_class("inception-edu-branch")  # the browser tests find the lines by it
        if self._started:  # the first fields are observed by the base class
            field.observe(self.update, names="value")
        self.branches.append(field)
        return field

    def _show_rows(self) -> None:
        rows = []
        for index, field in enumerate(self.branches):
            remove = widgets.Button(
                description=_("remove"),
                icon="minus",
                layout=widgets.Layout(width="100px"),
                disabled=len(self.branches) == 1,
            )
            remove.on_click(lambda _button, i=index: self.remove_branch(i))
            label = widgets.Label(f"b{index + 1}", layout=widgets.Layout(width="30px"))
            rows.append(widgets.HBox([label, field, remove]))
        self.rows.children = rows

    def _choose_start(self, change) -> None:
        if change["new"] in self.references:
            self._fill(self.references[change["new"]])
            self.update()

    def _enable_scale(self, change=None) -> None:
        self.scale.disabled = self.combine.value != _RESIDUAL

    def add_branch(self, text: str = "1x1:8") -> None:
        """Add a branch written as ``text`` (a 1x1 convolution to 8 channels by default)."""
        parse_branch(text, _("the new branch"))
        self._new_field(text)
        self._show_rows()
        self.update()

    def remove_branch(self, index: int) -> None:
        """Remove branch ``index`` (0 is b1); a block keeps at least one branch."""
        if not isinstance(index, int) or not 0 <= index < len(self.branches):
            raise ValueError(
                _("index must be a branch's position, 0 to {last}. Received: {index}").format(
                    last=len(self.branches) - 1, index=repr(index)
                )
            )
        if len(self.branches) == 1:
            raise ValueError(_("A block needs at least one branch: this is its last one."))
        self.branches.pop(index).unobserve_all()
        self._show_rows()
        self.update()

    def set_design(self, design) -> None:
        """Show ``design`` (a reference's label, a design dict or a file) in the fields."""
        self._fill(self._start_design(design))
        self.update()

    # ------------------------------------------------------------------ the explorer's loop

    def _read(self) -> dict:
        branches = [
            parse_branch(field.value, f"b{index + 1}") for index, field in enumerate(self.branches)
        ]
        if not self.batch_norm.value:
            for ops in branches:
                for op in ops:
                    if op["op"] == "conv":
                        op["batch_norm"] = False
        combine = "concat" if self.combine.value == _CONCAT else {"residual": self.scale.value}
        name = self.name.value.strip() or "my block"
        return {
            "format": FORMAT,
            "version": VERSION,
            "name": name,
            "combine": combine,
            "branches": branches,
        }

    def update(self, change=None) -> None:
        """The explorer's loop, once the fields hold a whole design (not field by field
        while :meth:`set_design` fills them)."""
        if not self._loading:
            super().update(change)

    def transform(self):
        design = self._read()
        try:
            spec = design_to_spec(design, self.input_shape, source=_("this design"))
        except ValueError as error:  # the file's field names, as the designer's rows
            raise ValueError(
                re.sub(r"branches\[(\d+)\]", lambda m: f"b{int(m.group(1)) + 1}", str(error))
            ) from None
        self._design = design
        return spec

    def analyze(self, spec) -> dict:
        summary = analyze(spec, self.input_shape)
        return {"summary": summary, "macs_ratio": summary.macs / self.yardstick_macs}

    @property
    def design(self) -> dict:
        """The last design that worked, in the design format (a new dict each time)."""
        return {**self._design, "branches": [list(ops) for ops in self._design["branches"]]}

    def headline_html(self) -> str:
        s = self.summary
        output = _("output {shape}").format(shape=fmt_shape(s.output_shape))
        params = _("{params} parameters").format(params=fmt_count(s.params))
        macs = _("{macs} multiply-adds").format(macs=fmt_count(s.macs))
        ratio = _("{ratio}x {reference}'s").format(
            ratio=f"{self.macs_ratio:.2f}", reference=YARDSTICK
        )
        return f"<b>{output}</b>{DOT}{params}{DOT}{macs}{DOT}{ratio}"

    def table(self) -> Table:
        s = self.summary
        rows = []

        def row(label, operations, layers):
            macs = sum(r.macs for r in layers)
            share = f"{macs / s.macs:.0%}" if s.macs else "-"
            return (label, operations, fmt_shape(layers[-1].output_shape),
                    fmt_count(sum(r.params for r in layers)), fmt_count(macs), share)  # fmt: skip

        for index, branch in enumerate(self.spec.branches):
            prefix = f"{self.spec.name}_{branch.name}_"
            layers = [r for r in s.layers if r.name.startswith(prefix)]
            rows.append(row(f"b{index + 1}", self.branches[index].value.strip(), layers))
        if isinstance(self.spec, Residual):
            up = [r for r in s.layers if r.name == f"{self.spec.name}_up"]
            rows.append(row("", _("linear 1x1 to the input's channels"), up))
        rows.append(row(_("block"), "", list(s.layers)))
        return Table(
            (
                _("branch"),
                _("operations"),
                _("output"),
                _("parameters"),
                _("multiply-adds"),
                _("share"),
            ),
            tuple(rows),
            left=2,
            bold_last=True,
        )

    def render(self, spec) -> str:
        return block_svg(spec, self.input_shape)


class PlaneTrainer:
    """A "train" button for a :class:`BlockDesigner`: the design on show, trained with the
    same ``seeds``, ``epochs`` and ``batch_size`` on ``split`` as the designs of ``runs``
    (:func:`train_designs`), then drawn on the plane beside them
    (:func:`plot_plane`), with its cost and the target's verdict against inception(3a)
    (:func:`target_verdict`, when ``runs`` hold it).

    Pressing the button (or calling :meth:`train`) replaces an earlier run of a design of
    the same name (a design named as one of ``runs``' is drawn as "name (yours)", beside
    it); ``runs`` holds every run so far, ``error`` the last failure shown on
    the panel (a design with an error is refused before anything trains), else ``None``.
    """

    def __init__(self, designer, split, runs, seeds=(0, 1, 2), epochs: int = 4, batch_size=64):
        if not isinstance(designer, BlockDesigner):
            raise ValueError(
                _("designer must be a BlockDesigner. Received: {kind}").format(
                    kind=type(designer).__name__
                )
            )
        if not isinstance(runs, list) or not runs:
            raise ValueError(
                _(
                    "runs must be the non-empty list train_designs returned (the designs to "
                    "draw beside yours). Received: {runs}"
                ).format(runs=f"{runs!r:.60}")
            )
        self.designer, self.split, self.runs = designer, split, list(runs)
        self.given = {run.design for run in runs}  # never replaced by a run of the button
        self.seeds, self.epochs, self.batch_size = tuple(seeds), epochs, batch_size
        self.error: str | None = None
        self.button = widgets.Button(
            description=_("train my design"), icon="play", button_style="primary",
            layout=widgets.Layout(width="200px"),
        )  # fmt: skip
        self.button.on_click(lambda _button: self.train())
        self.status = widgets.HTML(self._waiting())
        self.plane = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self.widget = widgets.VBox([widgets.HBox([self.button, self.status]), self.plane])

    def _waiting(self) -> str:
        designs = len({r.design for r in self.runs})
        text = (
            _("{seeds} seeds x {epochs} epochs, beside {designs} designs")
            if designs > 1
            else _("{seeds} seeds x {epochs} epochs, beside {designs} design")
        )
        return text.format(seeds=len(self.seeds), epochs=self.epochs, designs=designs)

    def train(self) -> list:
        """Train the designer's design, redraw the plane; returns its runs (empty if it
        could not train)."""
        if self.designer.error:
            self.error = _("fix the design first: {error}").format(error=self.designer.error)
            self.status.value = f"<b style='color:{ERROR_COLOUR}'>{html.escape(self.error)}</b>"
            return []
        design = self.designer.design
        label = design["name"]
        if label in self.given:  # a reference opened and changed keeps its name: not it
            label = f"{label} (yours)"
        self.button.disabled, self.error = True, None
        self.status.value = _("training {label}: {waiting}...").format(
            label=html.escape(label), waiting=self._waiting()
        )
        try:
            mine = train_designs(
                self.split, {label: design}, self.seeds, self.epochs, self.batch_size
            )
        except Exception as error:  # noqa: BLE001 (shown on the panel)
            self.error = f"{type(error).__name__}: {error}"
            self.status.value = f"<b style='color:{ERROR_COLOUR}'>{html.escape(self.error)}</b>"
            return []
        finally:
            self.button.disabled = False
        self.runs = [r for r in self.runs if r.design != label] + mine
        self.status.value = html.escape(self._result(label, mine))
        buffer = io.BytesIO()
        plot_plane(self.runs).savefig(buffer, format="png", dpi=80)
        self.plane.value = buffer.getvalue()
        return mine

    def _result(self, label: str, mine: list) -> str:
        mean = sum(r.val_error for r in mine) / len(mine)
        text = _("{label}: mean validation error {mean} over {seeds} seeds").format(
            label=label, mean=f"{mean:.1%}", seeds=len(mine)
        )
        if len(mine) >= 3 and any(r.design == YARDSTICK for r in self.runs) and label != YARDSTICK:
            ratio, _met, verdict = target_verdict(self.runs, label)
            word = verdict.verdict
            within = (
                _(_WITHIN[word])
                if word in _WITHIN
                else f"; {{ratio}}x {{reference}}'s multiply-adds; within 2 points: {word}"
            )
            text += within.format(ratio=f"{ratio:.2f}", reference=YARDSTICK)
        return text

    def __repr__(self) -> str:
        return f"PlaneTrainer({self._waiting()})"

    def _repr_mimebundle_(self, **kwargs):
        bundle = widget_bundle(self.widget, **kwargs)
        bundle["text/plain"] = repr(self)
        note = _("A train button: run the notebook to train your design here ({waiting}).")
        bundle["text/html"] = (
            "<div class='inception-edu-training-static' style='color:#555555;font-size:90%'>"
            f"{note.format(waiting=html.escape(self._waiting()))}</div>"
        )
        return bundle

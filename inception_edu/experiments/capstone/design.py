"""A learner's Inception block as a file: the capstone's design format (version 1).

A *design* is a block written as JSON, so that a learner can save the block they built
in notebook 11, and an instructor can collect a class's designs in one folder and train
them all under one budget (``python -m inception_edu capstone designs/``). A design is
the same data as a block spec (:class:`~inception_edu.spec.Concat` or
:class:`~inception_edu.spec.Residual` of branches of convolutions and pools), written
for a person::

    {
      "format": "inception-edu block",
      "version": 1,
      "name": "my block",
      "combine": "concat",
      "branches": [
        [{"op": "conv", "kernel": 1, "filters": 16}],
        [{"op": "conv", "kernel": 1, "filters": 24},
         {"op": "conv", "kernel": 3, "filters": 32}],
        [{"op": "conv", "kernel": 1, "filters": 8},
         {"op": "conv", "kernel": [1, 3], "filters": 16},
         {"op": "conv", "kernel": [3, 1], "filters": 16}],
        [{"op": "pool", "kind": "max", "size": 3},
         {"op": "conv", "kernel": 1, "filters": 8}]
      ]
    }

**Top level.** ``format`` is ``"inception-edu block"`` and ``version`` is ``1``: a file of
another format or a later version is refused by name, never half read. ``name``: any text
of 1 to 60 characters (the design's label on the plane; its layers take a name made of
its letters, digits and ``_``). ``combine``: ``"concat"`` stacks the branches' outputs on
the channel axis (GoogLeNet's module, Szegedy et al. 2014, Figure 2), or
``{"residual": scale}`` concatenates them, brings them back to the input's channels with
a linear 1x1 convolution and adds ``scale`` times that to the input (Inception-ResNet,
Szegedy et al. 2016, section 3.3; the paper scales by 0.1 to 0.3), with an optional
``"projection": filters`` that must then equal the input's channels. ``branches``: a
list of 1 to 8 branches, each a list of 1 to 8 operations applied in order to the
block's input. ``author`` and ``notes`` (text) may be added; they are kept but not used.

**Operations.** ``{"op": "conv", "kernel": k, "filters": n}``: a convolution with a
``k`` x ``k`` kernel (or ``[h, w]``: ``[1, 3]`` then ``[3, 1]`` is v3's factorized 3x3,
Szegedy et al. 2015, section 3.2), ``n`` filters (1 to 512), and optionally ``"stride"``
(1 by default, up to 4; an int or ``[h, w]``), ``"padding"`` (``"same"`` by default, or
``"valid"``) and ``"batch_norm"`` (``true`` by default: convolution, batch-norm and ReLU,
as in v3; ``false``: a convolution with a bias and a ReLU, as in the 2014 GoogLeNet).
Kernel sides run from 1 to 11. ``{"op": "pool", "kind": "max" | "avg"}``: a pooling
window, with ``"size"`` (3 by default), ``"stride"`` (1) and ``"padding"`` (``"same"``);
a pool branch usually ends in a 1x1 ``conv``, its "projection" (Figure 2b). Every
operation may carry a ``"name"`` (letters, digits, ``_``, ``-``); by default it is named as
tf-slim names a branch's layers (``0a_1x1``, ``0b_3x3``).

**Checked on load.** Every field, and the shapes: the block is analyzed on its input
(:data:`BLOCK_INPUT` by default, the capstone network's) by the analytic engine,
without Keras, so branches whose grids differ ("branches give 8x8 and 4x4: they cannot
be concatenated"), a window larger than a ``"valid"`` input, or a residual projection of
the wrong width are a ``ValueError`` naming the file, the field and what is allowed.

:func:`design_to_spec` and :func:`spec_to_design` convert both ways (a design saved and
loaded back gives the same spec, parameters and multiply-adds); :func:`save_design` and
:func:`load_design` write and read the files.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from dataclasses import replace
from pathlib import Path

from inception_edu.analysis import analyze, fmt_shape
from inception_edu.i18n import N_, _
from inception_edu.spec.checks import check_input_shape
from inception_edu.spec.nodes import Concat, Conv, Pool, Residual, Sequence
from inception_edu.spec.ops import branch

__all__ = [
    "BLOCK_INPUT",
    "FORMAT",
    "VERSION",
    "design_json",
    "design_to_spec",
    "load_design",
    "save_design",
    "spec_to_design",
]

#: The ``format`` field of every design file.
FORMAT = "inception-edu block"
#: The one version of the format this library reads and writes.
VERSION = 1
#: The block's input in the capstone network: the 8x8 digits after a 48-filter 3x3 stem
#: (48 = the 192 input channels of GoogLeNet's inception(3a) at a quarter of the width).
BLOCK_INPUT = (8, 8, 48)

MAX_NAME = 60
MAX_BRANCHES = 8
MAX_OPS = 8
MAX_KERNEL = 11
MAX_FILTERS = 512
MAX_STRIDE = 4

_TOP_FIELDS = ("format", "version", "name", "combine", "branches", "author", "notes")
_CONV_FIELDS = ("op", "kernel", "filters", "stride", "padding", "batch_norm", "name")
_POOL_FIELDS = ("op", "kind", "size", "stride", "padding", "name")
_COMBINE_FIELDS = ("residual", "projection")
_OP_NAME = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


class _Bad(ValueError):
    """A design error at a field; :func:`_fail` prefixes where the design came from."""


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _unknown_fields(mapping: dict, allowed: tuple, where: str) -> None:
    unknown = [key for key in mapping if key not in allowed]
    if unknown:
        close = difflib.get_close_matches(str(unknown[0]), allowed, n=1)
        guess = _(" (did you mean {close!r}?)").format(close=close[0]) if close else ""
        raise _Bad(
            _(
                "{where} has no field {field!r}{guess}. Allowed: {allowed}. "
                "Received: {field}={value!r:.60}"
            ).format(
                where=where,
                field=unknown[0],
                guess=guess,
                allowed=", ".join(allowed),
                value=mapping[unknown[0]],
            )
        )


def _require(mapping: dict, key: str, where: str, allowed: str):
    if key not in mapping:
        raise _Bad(
            _("{where} needs the field {key!r}: {allowed}. Received: no {key!r}").format(
                where=where, key=key, allowed=allowed
            )
        )
    return mapping[key]


def _pair(value, field: str, low: int, high: int, what: str) -> tuple[int, int]:
    pair = (value, value) if _is_int(value) else value
    if (
        not isinstance(pair, (list, tuple))
        or len(pair) != 2
        or not all(_is_int(v) and low <= v <= high for v in pair)
    ):
        raise _Bad(
            _(
                "{field} must be an int from {low} to {high}, or a pair [height, width] of them "
                "({what}). Received: {key}={value!r}"
            ).format(
                field=field,
                low=low,
                high=high,
                what=what,
                key=field.rsplit(".", 1)[-1],
                value=value,
            )
        )
    return int(pair[0]), int(pair[1])


def _choice(value, allowed: tuple, field: str):
    if not isinstance(value, (str, bool, type(None))) or value not in allowed:
        shown = ", ".join(json.dumps(a) for a in allowed)
        raise _Bad(
            _("{field} must be one of {shown}. Received: {key}={value!r}").format(
                field=field, shown=shown, key=field.rsplit(".", 1)[-1], value=value
            )
        )
    return value


# --------------------------------------------------------------------------- design -> spec


def _op(op, field: str):
    """One operation of a branch as a spec node (named later, by its branch)."""
    if not isinstance(op, dict):
        raise _Bad(
            _(
                "{field} must be an operation, a JSON object such as {example}. "
                "Received: {op!r:.60}"
            ).format(field=field, example='{"op": "conv", "kernel": 3, "filters": 32}', op=op)
        )
    kind = _choice(
        _require(op, "op", field, _('"conv" or "pool"')), ("conv", "pool"), f"{field}.op"
    )
    _unknown_fields(op, _CONV_FIELDS if kind == "conv" else _POOL_FIELDS, f"{field} ({kind})")
    strides = _pair(op.get("stride", 1), f"{field}.stride", 1, MAX_STRIDE, _("a stride"))
    padding = _choice(op.get("padding", "same"), ("same", "valid"), f"{field}.padding")
    if kind == "conv":
        kernel = _pair(
            _require(op, "kernel", field, _("its size, e.g. 3 or [1, 3]")),
            f"{field}.kernel",
            1,
            MAX_KERNEL,
            _("a kernel size"),
        )
        filters = _require(
            op,
            "filters",
            field,
            _("how many filters, an int from 1 to {maximum}").format(maximum=MAX_FILTERS),
        )
        if not _is_int(filters) or not 1 <= filters <= MAX_FILTERS:
            raise _Bad(
                _(
                    "{field}.filters must be an int from 1 to {maximum}. "
                    "Received: filters={filters!r}"
                ).format(field=field, maximum=MAX_FILTERS, filters=filters)
            )
        batch_norm = _choice(op.get("batch_norm", True), (True, False), f"{field}.batch_norm")
        return Conv(
            "conv",
            filters,
            kernel,
            strides,
            padding,
            batch_norm=batch_norm,
            use_bias=not batch_norm,
        )
    pool = _choice(
        _require(op, "kind", field, _('"max" or "avg"')), ("max", "avg"), f"{field}.kind"
    )
    size = _pair(op.get("size", 3), f"{field}.size", 1, MAX_KERNEL, _("a window size"))
    return Pool("pool", pool, size, strides, padding)


def _branch(ops, index: int) -> Sequence:
    field = f"branches[{index}]"
    if not isinstance(ops, list) or not 1 <= len(ops) <= MAX_OPS:
        raise _Bad(
            _("{field} must be a list of 1 to {maximum} operations. Received: {ops!r:.60}").format(
                field=field, maximum=MAX_OPS, ops=ops
            )
        )
    nodes = [_op(op, f"{field}[{i}]") for i, op in enumerate(ops)]
    named = list(branch(f"b{index + 1}", *nodes).ops)  # tf-slim's names: 0a_1x1, 0b_3x3
    for i, op in enumerate(ops):
        if "name" in op:
            name = op["name"]
            if not isinstance(name, str) or not _OP_NAME.match(name):
                raise _Bad(
                    _(
                        "{field}[{i}].name must be 1 to 40 letters, digits, '_' or '-'. "
                        "Received: name={name!r}"
                    ).format(field=field, i=i, name=name)
                )
            named[i] = replace(named[i], name=name)
    names = [op.name for op in named]
    if len(set(names)) != len(names):
        raise _Bad(
            _(
                "{field}: two operations are named alike; names must differ. Received: {names}"
            ).format(field=field, names=names)
        )
    return Sequence(f"b{index + 1}", tuple(named))


def _combine(value):
    """``("concat", None, None)`` or ``("residual", scale, projection or None)``."""
    if value == "concat":
        return "concat", None, None
    if not isinstance(value, dict):
        raise _Bad(
            _(
                "combine must be {concat} or {residual} (scale in (0, 10], the paper scales by "
                "0.1 to 0.3). Received: combine={value!r:.60}"
            ).format(concat='"concat"', residual='{"residual": scale}', value=value)
        )
    _unknown_fields(value, _COMBINE_FIELDS, "combine")
    scale = _require(value, "residual", "combine", _("the residual's scale, a number in (0, 10]"))
    if not _is_number(scale) or not 0 < scale <= 10:
        raise _Bad(
            _(
                "combine.residual (the scale) must be a number in (0, 10]; the paper scales by "
                "0.1 to 0.3. Received: residual={scale!r}"
            ).format(scale=scale)
        )
    projection = value.get("projection")
    if projection is not None and (not _is_int(projection) or projection < 1):
        raise _Bad(
            _(
                "combine.projection must be a positive int (the input's channels). "
                "Received: projection={projection!r}"
            ).format(projection=projection)
        )
    return "residual", float(scale), projection


def _spec_name(name: str) -> str:
    """A design's name as a spec name: letters, digits and ``_`` only."""
    return re.sub(r"[^A-Za-z0-9_]+", "_", name).strip("_") or "block"


def _check_shapes(block, branches, combine: str, projection, input_shape: tuple) -> None:
    """Analyze each branch, then the block, on ``input_shape``: every shape error is named
    by its field and said in the course's words."""
    grids = []
    for index, one in enumerate(branches):
        try:
            grids.append(analyze(one, input_shape).output_shape[:2])
        except ValueError as error:
            message = str(error)
            for position, op in enumerate(one.ops):
                message = message.replace(
                    f"Layer '{one.name}_{op.name}'", f"branches[{index}][{position}] ({op.name})"
                )
            raise _Bad(
                _("branches[{index}], on the {shape} input: {message}").format(
                    index=index, shape=fmt_shape(input_shape), message=message
                )
            ) from None
    different = next((i for i, grid in enumerate(grids) if grid != grids[0]), None)
    if combine == "concat" and different is not None:
        raise _Bad(
            _(
                "branches give {first} (branches[0]) and {other} (branches[{index}]): they "
                "cannot be concatenated. Every branch must keep the same height and width "
                "(padding {same} and the same stride in every branch)"
            ).format(
                first=fmt_shape(grids[0]),
                other=fmt_shape(grids[different]),
                index=different,
                same='"same"',
            )
        )
    if combine == "residual":
        wrong = next((i for i, grid in enumerate(grids) if grid != input_shape[:2]), None)
        if wrong is not None:
            raise _Bad(
                _(
                    "branches[{index}] gives {grid} but the block's input is {input}: a residual "
                    "add needs the input's grid (stride 1 and padding {same} in every branch)"
                ).format(
                    index=wrong,
                    grid=fmt_shape(grids[wrong]),
                    input=fmt_shape(input_shape[:2]),
                    same='"same"',
                )
            )
        if projection is not None and projection != input_shape[2]:
            raise _Bad(
                _(
                    "combine.projection gives {projection} channels but the block's input has "
                    "{channels}: a residual add x + scale * F(x) needs them equal. Leave "
                    "projection out (the linear 1x1 then matches the input) or set it to "
                    "{channels}. Received: projection={projection}"
                ).format(projection=projection, channels=input_shape[2])
            )
    try:  # the whole block: names, the concatenation, the add
        analyze(block, input_shape)
    except ValueError as error:
        raise _Bad(str(error)) from None


def _to_spec(design, input_shape: tuple):
    if not isinstance(design, dict):
        raise _Bad(
            _(
                "A design must be a JSON object with the fields format, version, name, combine "
                "and branches. Received: {kind}"
            ).format(kind=type(design).__name__)
        )
    where = _("the design")
    _unknown_fields(design, _TOP_FIELDS, where)
    found = _require(design, "format", where, f"{FORMAT!r}")
    if found != FORMAT:
        raise _Bad(
            _("format must be {format!r}. Received: format={found!r:.60}").format(
                format=FORMAT, found=found
            )
        )
    version = _require(design, "version", where, f"{VERSION}")
    if version != VERSION or not _is_int(version):
        raise _Bad(
            _(
                "version must be {version}: this library reads version {version} of the "
                "{format!r} format. Received: version={received!r}"
            ).format(version=VERSION, format=FORMAT, received=version)
        )
    text = _("a text of 1 to {maximum} characters").format(maximum=MAX_NAME)
    name = _require(design, "name", where, text)
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME:
        raise _Bad(_("name must be {text}. Received: name={name!r}").format(text=text, name=name))
    for field in ("author", "notes"):
        if field in design and not isinstance(design[field], str):
            raise _Bad(
                _("{field} must be a text. Received: {field}={value!r:.60}").format(
                    field=field, value=design[field]
                )
            )
    combine, scale, projection = _combine(
        _require(design, "combine", where, _('"concat" or {"residual": scale}'))
    )
    branches = _require(design, "branches", where, _("a list of branches"))
    if not isinstance(branches, list) or not 1 <= len(branches) <= MAX_BRANCHES:
        raise _Bad(
            _(
                "branches must be a list of 1 to {maximum} branches, each a list of "
                "operations. Received: branches={branches!r:.60}"
            ).format(maximum=MAX_BRANCHES, branches=branches)
        )
    branches = tuple(_branch(ops, index) for index, ops in enumerate(branches))
    spec_name = _spec_name(name)
    if combine == "concat":
        block = Concat(spec_name, branches)
    else:
        block = Residual(spec_name, branches, scale, projection_filters=projection)
    _check_shapes(block, branches, combine, projection, input_shape)
    return block


def design_to_spec(design: dict, input_shape=BLOCK_INPUT, source: str = "design"):
    """The block spec (a :class:`~inception_edu.spec.Concat`, or a
    :class:`~inception_edu.spec.Residual` for ``{"residual": scale}``) that ``design``
    describes, checked field by field and analyzed on ``input_shape`` (the capstone
    network's block input by default). A bad design is a ``ValueError`` that starts with
    ``source`` (a file name, when read from one) and names the field."""
    input_shape = check_input_shape(input_shape)
    if not isinstance(source, str):
        raise ValueError(
            _("source must be a text (where the design came from). Received: {source!r}").format(
                source=source
            )
        )
    try:
        return _to_spec(design, input_shape)
    except _Bad as error:
        raise ValueError(f"{source}: {error}") from None


# --------------------------------------------------------------------------- spec -> design


def _refuse(what: str, node) -> None:
    raise ValueError(
        _(
            "A design (format {format!r}, version {version}) cannot hold {what}. "
            "Received: {node!r:.120}"
        ).format(format=FORMAT, version=VERSION, what=_(what), node=node)
    )


def _kernel(pair: tuple):
    return pair[0] if pair[0] == pair[1] else list(pair)


def _op_design(op, default_name: str) -> dict:
    if isinstance(op, Conv):
        if op.activation != "relu" or op.groups != 1 or op.fit:
            _refuse(N_("a convolution without a ReLU, with groups, or fitted to its input"), op)
        if op.batch_norm == op.use_bias:
            _refuse(N_("a convolution with both a bias and batch-norm, or neither"), op)
        entry = {"op": "conv", "kernel": _kernel(op.kernel), "filters": op.filters}
        if not op.batch_norm:
            entry["batch_norm"] = False
        size = None
    elif isinstance(op, Pool):
        if op.fit:
            _refuse(N_("a pooling window fitted to its input"), op)
        entry = {"op": "pool", "kind": op.kind}
        size = op.size
    else:
        _refuse(
            _("a {kind} inside a branch (only conv and pool)").format(kind=type(op).__name__), op
        )
    if size is not None and size != (3, 3):
        entry["size"] = _kernel(size)
    if op.strides != (1, 1):
        entry["stride"] = _kernel(op.strides)
    if op.padding != "same":
        entry["padding"] = op.padding
    if op.name != default_name:
        entry["name"] = op.name
    return entry


def spec_to_design(block, name: str | None = None) -> dict:
    """The design (a dict, ready for ``json.dump``) of ``block``: a
    :class:`~inception_edu.spec.Concat` or :class:`~inception_edu.spec.Residual` whose
    branches ``b1``, ``b2``... are sequences of convolutions (batch-norm and ReLU, or bias
    and ReLU) and pools, as every module of the course's references is. ``name``: the
    design's name (by default the block's). Fields at their default are left out; names
    other than the default are kept, so :func:`design_to_spec` gives ``block`` back."""
    if not isinstance(block, (Concat, Residual)):
        raise ValueError(
            _("spec_to_design needs a Concat or Residual block. Received: {kind}").format(
                kind=type(block).__name__
            )
        )
    if name is not None and (not isinstance(name, str) or not 1 <= len(name) <= MAX_NAME):
        text = _("a text of 1 to {maximum} characters").format(maximum=MAX_NAME)
        raise ValueError(_("name must be {text}. Received: {name!r}").format(text=text, name=name))
    branches = []
    for index, one in enumerate(block.branches):
        if not isinstance(one, Sequence) or one.name != f"b{index + 1}":
            _refuse(
                _("a branch other than a sequence named {name}").format(name=f"b{index + 1}"), one
            )
        defaults = [op.name for op in branch(one.name, *_plain_ops(one)).ops]
        branches.append([_op_design(op, d) for op, d in zip(one.ops, defaults, strict=True)])
    if isinstance(block, Concat):
        combine = "concat"
    else:
        if block.activation != "relu" or not block.shortcut:
            _refuse(N_("a residual block without its ReLU or its shortcut"), block)
        combine = {"residual": block.scale}
        if block.projection_filters is not None:
            combine["projection"] = block.projection_filters
    return {
        "format": FORMAT,
        "version": VERSION,
        "name": block.name if name is None else name,
        "combine": combine,
        "branches": branches,
    }


def _plain_ops(sequence: Sequence) -> tuple:
    ops = sequence.ops
    if not all(isinstance(op, (Conv, Pool)) for op in ops):
        _refuse(N_("a branch of anything but convolutions and pools"), sequence)
    return ops


# --------------------------------------------------------------------------- files


def _path(path, what: str) -> Path:
    if not isinstance(path, (str, os.PathLike)) or not str(os.fspath(path)):
        raise ValueError(
            _("{what} must be a file path (str or pathlib.Path). Received: {path!r}").format(
                what=what, path=path
            )
        )
    return Path(path).expanduser()


def save_design(design, path, input_shape=BLOCK_INPUT) -> Path:
    """Write ``design`` (a design dict, or a block spec) to ``path`` as JSON, after
    checking it on ``input_shape`` (a bad design is never written). Fields at their
    default are left out; ``author`` and ``notes`` are kept. Returns the path."""
    path = _path(path, "path")
    if isinstance(design, (Concat, Residual)):
        written = spec_to_design(design)
        design_to_spec(written, input_shape)
    else:
        block = design_to_spec(design, input_shape)
        written = spec_to_design(block, design["name"])
        written.update({k: design[k] for k in ("author", "notes") if k in design})
    if path.parent and not path.parent.is_dir():
        raise ValueError(
            _("path must be in an existing folder. Received: path={path!r}").format(path=str(path))
        )
    path.write_text(design_json(written), encoding="utf-8")
    return path


def design_json(design: dict) -> str:
    """``design`` as the text of its file: one field per line and one operation per line,
    so that a design reads (and diffs) like the block it is."""

    def one(value) -> str:
        return json.dumps(value, ensure_ascii=False)

    branches = ",\n".join(
        "    [\n" + ",\n".join(f"      {one(op)}" for op in ops) + "\n    ]"
        for ops in design["branches"]
    )
    fields = [f"  {one(k)}: {one(v)}" for k, v in design.items() if k != "branches"]
    return "{\n" + ",\n".join([*fields, f'  "branches": [\n{branches}\n  ]']) + "\n}\n"


def load_design(path, input_shape=BLOCK_INPUT) -> dict:
    """Read the design in the JSON file ``path`` and check it on ``input_shape``; return
    the design (a dict, for :func:`design_to_spec`). A missing or unreadable file, bad
    JSON, or a bad design is a ``ValueError`` naming the file and, for a design, the
    field and what is allowed."""
    path = _path(path, "path")
    if not path.is_file():
        raise ValueError(
            _("{path}: no such design file. Received: path={shown!r}").format(
                path=path, shown=str(path)
            )
        )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ValueError(
            _("{path}: cannot be read as UTF-8 text ({error})").format(path=path, error=error)
        ) from None
    try:
        design = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(
            _(
                "{path}: is not valid JSON ({message} at line {line}, column {column}); a "
                "design is a JSON object of the {format!r} format"
            ).format(
                path=path,
                message=error.msg,
                line=error.lineno,
                column=error.colno,
                format=FORMAT,
            )
        ) from None
    design_to_spec(design, input_shape, source=str(path))
    return design

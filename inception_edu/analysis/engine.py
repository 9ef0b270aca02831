"""The analytic engine: shapes, parameters and multiply-adds of a spec, in pure Python.

Nothing here imports TensorFlow or Keras, so a widget can re-analyze a block on every
click in microseconds and the command line answers in well under a second. The counts
follow what Keras reports for the graph built from the same spec (a test holds them
equal, layer group by layer group):

- ``params``: what ``keras.Model.count_params()`` counts: kernels, biases, batch-norm
  variables (``scale=False``: beta, moving mean, moving variance);
- ``kernel_params``: conv and dense kernel weights only, the convention of the papers'
  tables (GoogLeNet's Table 1 "params" column);
- ``macs``: multiply-accumulates of conv and dense layers for one image (Table 1's "ops").
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from inception_edu.analysis.tables import blocks_table, fmt_shape
from inception_edu.i18n import _
from inception_edu.spec.checks import check_input_shape
from inception_edu.spec.nodes import (
    NODE_TYPES,
    Concat,
    Conv,
    Dense,
    Dropout,
    Flatten,
    GlobalPool,
    ModelSpec,
    Pool,
    Residual,
    Sequence,
)

Shape = tuple  # (height, width, channels) for maps, (features,) for vectors


@dataclass(frozen=True)
class LayerRow:
    """One operation of the spec: its full name, what it is, and what it costs."""

    name: str
    kind: str
    output_shape: Shape
    params: int = 0
    kernel_params: int = 0
    macs: int = 0


@dataclass(frozen=True)
class NodeSummary:
    """The analysis of one node (a block or an op): output shape, rows and totals."""

    name: str
    input_shape: Shape
    output_shape: Shape
    layers: tuple

    @property
    def params(self) -> int:
        return sum(row.params for row in self.layers)

    @property
    def kernel_params(self) -> int:
        return sum(row.kernel_params for row in self.layers)

    @property
    def macs(self) -> int:
        return sum(row.macs for row in self.layers)

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "output_shape": list(self.output_shape),
            "params": self.params,
            "kernel_params": self.kernel_params,
            "macs": self.macs,
        }


@dataclass
class ModelSummary:
    """The analysis of a whole model: one :class:`NodeSummary` per stage, plus aux heads."""

    model: str
    input_shape: Shape
    classes: int | None
    blocks: list = field(default_factory=list)

    @property
    def total_params(self) -> int:
        return sum(block.params for block in self.blocks)

    @property
    def total_kernel_params(self) -> int:
        return sum(block.kernel_params for block in self.blocks)

    @property
    def total_macs(self) -> int:
        return sum(block.macs for block in self.blocks)

    @property
    def layers(self) -> list:
        return [row for block in self.blocks for row in block.layers]

    def block(self, name: str) -> NodeSummary:
        for block in self.blocks:
            if block.name == name:
                return block
        raise ValueError(
            _("{model} has no block {name!r}. Allowed: {allowed}").format(
                model=self.model, name=name, allowed=[b.name for b in self.blocks]
            )
        )

    def as_dict(self) -> dict:
        """The command line's JSON object (the DESIGN contract)."""
        return {
            "model": self.model,
            "input_shape": list(self.input_shape),
            "classes": self.classes,
            "total_params": self.total_params,
            "total_kernel_params": self.total_kernel_params,
            "total_macs": self.total_macs,
            "blocks": [block.as_dict() for block in self.blocks],
        }

    def _title(self) -> str:
        return _("{model} on {shape}").format(model=self.model, shape=fmt_shape(self.input_shape))

    def table(self) -> str:
        """A plain-text table of the blocks and the totals."""
        return blocks_table(self.blocks, self._title()).text()

    def _repr_html_(self) -> str:
        return blocks_table(self.blocks, self._title()).html()


# --------------------------------------------------------------------------- shape rules


def conv_output_size(size: int, kernel: int, stride: int, padding: str, name: str) -> int:
    """One spatial dimension after a conv or pool (TensorFlow's padding rules)."""
    if padding == "same":
        return -(-size // stride)
    if size < kernel:
        raise ValueError(
            _(
                "Layer {name!r}: a 'valid' {kernel}-wide window does not fit a {size}-wide "
                "input. Use a larger input, padding='same', or a smaller kernel."
            ).format(name=name, kernel=kernel, size=size)
        )
    return (size - kernel) // stride + 1


def _window(op, height: int, width: int) -> tuple[int, int]:
    window = op.kernel if isinstance(op, Conv) else op.size
    if op.fit:
        window = (min(window[0], height), min(window[1], width))
    return window


def _spatial(op, shape: Shape, name: str) -> tuple[int, int, tuple[int, int]]:
    if len(shape) != 3:
        raise ValueError(
            _(
                "Layer {name!r} needs a feature map (height, width, channels). "
                "Received: input of shape {shape}"
            ).format(name=name, shape=shape)
        )
    window = _window(op, shape[0], shape[1])
    height = conv_output_size(shape[0], window[0], op.strides[0], op.padding, name)
    width = conv_output_size(shape[1], window[1], op.strides[1], op.padding, name)
    if height < 1 or width < 1:
        raise ValueError(
            _("Layer {name!r} leaves a {height}x{width} grid.").format(
                name=name, height=height, width=width
            )
        )
    return height, width, window


def _op_row(op, shape: Shape, name: str) -> LayerRow:
    if isinstance(op, Conv):
        height, width, (kh, kw) = _spatial(op, shape, name)
        if shape[2] % op.groups:
            raise ValueError(
                _(
                    "Layer {name!r}: {channels} input channels do not split into {groups} groups."
                ).format(name=name, channels=shape[2], groups=op.groups)
            )
        kernel = kh * kw * (shape[2] // op.groups) * op.filters
        params = (
            kernel + (op.filters if op.use_bias else 0) + (3 * op.filters if op.batch_norm else 0)
        )
        return LayerRow(
            name,
            f"conv {kh}x{kw}/{op.strides[0]}",
            (height, width, op.filters),
            params,
            kernel,
            kernel * height * width,
        )
    if isinstance(op, Pool):
        height, width, (kh, kw) = _spatial(op, shape, name)
        return LayerRow(name, f"{op.kind}pool {kh}x{kw}/{op.strides[0]}", (height, width, shape[2]))
    if isinstance(op, GlobalPool):
        if len(shape) != 3:
            raise ValueError(
                _("Layer {name!r} needs a feature map. Received: shape {shape}").format(
                    name=name, shape=shape
                )
            )
        return LayerRow(name, "global avgpool", (shape[2],))
    if isinstance(op, Flatten):
        return LayerRow(name, "flatten", (math.prod(shape),))
    if isinstance(op, Dropout):
        return LayerRow(name, f"dropout {op.rate:g}", shape)
    if isinstance(op, Dense):
        if len(shape) != 1:
            raise ValueError(
                _(
                    "Layer {name!r} (dense) needs a flat vector; flatten or pool first. "
                    "Received: input of shape {shape}"
                ).format(name=name, shape=shape)
            )
        kernel = shape[0] * op.units
        return LayerRow(name, "dense", (op.units,), kernel + op.units, kernel, kernel)
    raise ValueError(
        _("Layer {name!r} is not a spec node. Received: {type}").format(
            name=name, type=type(op).__name__
        )
    )


# --------------------------------------------------------------------------- the engine


def op_names(sequence: Sequence, name: str, top: bool) -> list:
    """Full layer names of a sequence's ops. In a top-level stage or an aux head
    (``top``), the last op's layer carries the stage's own name (``aux_4a``); inside a
    block, every op gets ``name_op``."""
    names = [f"{name}_{op.name}" for op in sequence.ops]
    if top:
        names[-1] = name
    return names


def _analyze(node, shape: Shape, name: str, rows: list, top: bool = False) -> Shape:
    """Append the rows of ``node`` (full name ``name``) and return its output shape."""
    if isinstance(node, Sequence):
        for op, op_name in zip(node.ops, op_names(node, name, top), strict=True):
            shape = _analyze(op, shape, op_name, rows)
        return shape
    if isinstance(node, Concat):
        shapes = _branches(node, shape, name, rows)
        rows.append(LayerRow(name, "concat", shapes[0][:2] + (sum(s[2] for s in shapes),)))
        return rows[-1].output_shape
    if isinstance(node, Residual):
        return _residual(node, shape, name, rows)
    row = _op_row(node, shape, name)
    rows.append(row)
    return row.output_shape


def _residual(node: Residual, shape: Shape, name: str, rows: list) -> Shape:
    if len(shape) != 3:
        raise ValueError(
            _("Residual block {name!r} needs a feature map. Received: {shape}").format(
                name=name, shape=shape
            )
        )
    shapes = _branches(node, shape, name, rows)
    if shapes[0][:2] != shape[:2]:
        raise ValueError(
            _(
                "Residual block {name!r}: its branches give a {grid} grid but its input is "
                "{input}; a residual add needs both equal."
            ).format(name=name, grid=fmt_shape(shapes[0][:2]), input=fmt_shape(shape[:2]))
        )
    channels = sum(s[2] for s in shapes)
    if len(shapes) > 1:
        rows.append(LayerRow(f"{name}_concat", "concat", shape[:2] + (channels,)))
    if node.projection_filters not in (None, shape[2]):
        raise ValueError(
            _(
                "Residual block {name!r}: its projection has {filters} filters but its input "
                "has {channels} channels; they must be equal for x + F(x). "
                "Use projection_filters=None to match the input."
            ).format(name=name, filters=node.projection_filters, channels=shape[2])
        )
    rows.append(_op_row(node.projection(shape[2]), shape[:2] + (channels,), f"{name}_up"))
    merge = f"add (scale {node.scale:g})" if node.shortcut else f"scale {node.scale:g}"
    rows.append(LayerRow(residual_merge_name(node, name), merge, shape))
    return shape


def residual_merge_name(node: Residual, name: str) -> str:
    """The layer that adds (or, without shortcut, scales): the block's own name when no
    activation follows it, else ``name_scale`` (the activation then carries ``name``)."""
    return name if node.activation is None else f"{name}_scale"


def _branches(node, shape: Shape, name: str, rows: list) -> list:
    shapes = [_analyze(branch, shape, f"{name}_{branch.name}", rows) for branch in node.branches]
    for branch, branch_shape in zip(node.branches, shapes, strict=True):
        if len(branch_shape) != 3:
            raise ValueError(
                _("Branch {name} must output a feature map.").format(name=f"{name}_{branch.name}")
            )
        if branch_shape[:2] != shapes[0][:2]:
            raise ValueError(
                _(
                    "Block {name!r} cannot concatenate its branches: {first} gives {shape} but "
                    "{branch} gives {other}. Every branch must keep the same height and width "
                    "(use padding='same')."
                ).format(
                    name=name,
                    first=node.branches[0].name,
                    shape=fmt_shape(shapes[0]),
                    branch=branch.name,
                    other=fmt_shape(branch_shape),
                )
            )
    return shapes


def analyze(node, input_shape) -> NodeSummary:
    """Analyze one block or op on ``input_shape`` (its name prefixes every layer name)."""
    if not isinstance(node, NODE_TYPES):
        raise ValueError(
            _("analyze needs a spec node ({types}). Received: {type}").format(
                types=", ".join(t.__name__ for t in NODE_TYPES), type=type(node).__name__
            )
        )
    shape = check_input_shape(input_shape)
    rows: list = []
    output = _analyze(node, shape, node.name, rows)
    _check_unique(rows)
    return NodeSummary(node.name, shape, output, tuple(rows))


def default_input_shape(spec: ModelSpec) -> Shape:
    """The paper's input for ``spec``: (224, 224, 3) for GoogLeNet, (299, 299, 3) else."""
    if not isinstance(spec, ModelSpec):
        raise ValueError(
            _(
                "default_input_shape needs a ModelSpec (zoo.model_spec(name)). Received: {type}"
            ).format(type=type(spec).__name__)
        )
    return (spec.default_input, spec.default_input, 3)


def analyze_model(spec: ModelSpec, input_shape=None) -> ModelSummary:
    """Analyze every stage of ``spec`` in order, then each auxiliary head at its tap.

    ``input_shape=None`` takes the paper's input size. The class count is the spec's own.
    """
    if not isinstance(spec, ModelSpec):
        raise ValueError(
            _("analyze_model needs a ModelSpec. Received: {type}").format(type=type(spec).__name__)
        )
    shape = check_input_shape(
        default_input_shape(spec) if input_shape is None else input_shape, spec.min_input, spec.name
    )
    summary = ModelSummary(spec.name, shape, spec.classes)
    for stage in spec.stages:
        rows: list = []
        output = _analyze(stage, shape, stage.name, rows, top=True)
        summary.blocks.append(NodeSummary(stage.name, shape, output, tuple(rows)))
        shape = output
    for aux in spec.aux_heads:
        tap = summary.block(aux.after).output_shape
        rows = []
        output = _analyze(aux.head, tap, aux.name, rows, top=True)
        summary.blocks.append(NodeSummary(aux.name, tap, output, tuple(rows)))
    _check_unique(summary.layers)
    return summary


def parameter_depth(node) -> int:
    """Layers with parameters (convs and dense layers) on the longest path through ``node``.

    The GoogLeNet paper counts its depth this way: "22 layers deep when counting only
    layers with parameters" (section 5). Parallel branches count once, by the deepest.
    For a :class:`ModelSpec`, the stages are chained (auxiliary heads are not counted).
    """
    if isinstance(node, ModelSpec):
        return sum(parameter_depth(stage) for stage in node.stages)
    if isinstance(node, Sequence):
        return sum(parameter_depth(op) for op in node.ops)
    if isinstance(node, Concat):
        return max(parameter_depth(branch) for branch in node.branches)
    if isinstance(node, Residual):  # the linear projection adds one layer
        return max(parameter_depth(branch) for branch in node.branches) + 1
    if isinstance(node, (Conv, Dense)):
        return 1
    if isinstance(node, NODE_TYPES):
        return 0
    raise ValueError(
        _("parameter_depth needs a spec node or ModelSpec. Received: {type}").format(
            type=type(node).__name__
        )
    )


def _check_unique(rows) -> None:
    seen = set()
    for row in rows:
        if row.name in seen:
            raise ValueError(
                _("Two layers would be named {name!r}; give branches unique names.").format(
                    name=row.name
                )
            )
        seen.add(row.name)

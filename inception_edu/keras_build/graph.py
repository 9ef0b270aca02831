"""Spec -> Keras graph: one recursive builder for every node of :mod:`inception_edu.spec`.

Each op becomes the Keras layers it stands for, named after where it sits: the op's
output layer carries its full name (``inception_3a_b2_3x3``), its inner layers a suffix
(``_conv``, ``_bn``); a top-level stage's (or aux head's) output layer carries the stage's
own name. Every layer created is appended to ``created`` when a list is passed, so a
caller can count what one block added.
"""

from __future__ import annotations

from inception_edu.analysis.engine import (
    analyze_model,
    default_input_shape,
    op_names,
    residual_merge_name,
)
from inception_edu.backend import keras
from inception_edu.i18n import _
from inception_edu.keras_build.layers import ScaledResidual
from inception_edu.spec.checks import check_input_shape
from inception_edu.spec.nodes import (
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
from inception_edu.spec.transforms import truncate

layers = keras.layers

__all__ = ["BN_MOMENTUM", "build", "build_node"]

#: Momentum of the batch-norm layers' moving statistics (the mean and variance used at
#: inference). Keras' default is 0.99 and tf-slim's v3 uses 0.9997, for runs of millions
#: of steps; the course trains for a few hundred, and with 0.99 the moving statistics lag
#: so far behind that a network at 99% training accuracy scores at chance on validation.
#: 0.9 follows the last few dozen batches. Parameter counts, and the output for given
#: weights (so the released ImageNet weights), are the same either way.
BN_MOMENTUM = 0.9


def _fitted(window, x, fit: bool) -> tuple[int, int]:
    if not fit:
        return window
    return (min(window[0], x.shape[1]), min(window[1], x.shape[2]))


def _apply(layer, x, created: list):
    created.append(layer)
    return layer(x)


def _build_conv(op: Conv, x, name: str, created: list):
    kernel = _fitted(op.kernel, x, op.fit)
    common = dict(
        filters=op.filters,
        kernel_size=kernel,
        strides=op.strides,
        padding=op.padding,
        use_bias=op.use_bias,
        groups=op.groups,
    )
    if not op.batch_norm:
        return _apply(layers.Conv2D(activation=op.activation, name=name, **common), x, created)
    x = _apply(layers.Conv2D(name=f"{name}_conv", **common), x, created)
    bn_name = f"{name}_bn" if op.activation else name
    x = _apply(
        layers.BatchNormalization(scale=False, momentum=BN_MOMENTUM, name=bn_name), x, created
    )
    if op.activation:
        x = _apply(layers.Activation(op.activation, name=name), x, created)
    return x


def _build_op(op, x, name: str, created: list):
    if isinstance(op, Conv):
        return _build_conv(op, x, name, created)
    if isinstance(op, Pool):
        pool = layers.MaxPooling2D if op.kind == "max" else layers.AveragePooling2D
        layer = pool(_fitted(op.size, x, op.fit), op.strides, op.padding, name=name)
    elif isinstance(op, GlobalPool):
        layer = layers.GlobalAveragePooling2D(name=name)
    elif isinstance(op, Flatten):
        layer = layers.Flatten(name=name)
    elif isinstance(op, Dropout):
        layer = layers.Dropout(op.rate, name=name)
    elif isinstance(op, Dense):
        layer = layers.Dense(op.units, activation=op.activation, name=name)
    else:
        raise ValueError(_("Not a spec node: {op!r}").format(op=op))
    return _apply(layer, x, created)


def _concat(outputs: list, name: str, created: list):
    if len(outputs) == 1:  # a block with one branch left (a learner unticked the others)
        return _apply(layers.Identity(name=name), outputs[0], created)
    return _apply(layers.Concatenate(name=name), outputs, created)


def _build_residual(node: Residual, x, name: str, created: list):
    outputs = [build_node(b, x, f"{name}_{b.name}", created) for b in node.branches]
    mixed = outputs[0] if len(outputs) == 1 else _concat(outputs, f"{name}_concat", created)
    up = _build_conv(node.projection(x.shape[-1]), mixed, f"{name}_up", created)
    merge_name = residual_merge_name(node, name)
    if node.shortcut:
        y = _apply(ScaledResidual(node.scale, name=merge_name), [x, up], created)
    else:  # the plain twin: the scaled residual alone, no "x +"
        y = _apply(layers.Rescaling(node.scale, name=merge_name), up, created)
    if node.activation:
        y = _apply(layers.Activation(node.activation, name=name), y, created)
    return y


def build_node(node, x, name: str, created: list | None = None, top: bool = False):
    """Apply ``node`` (full name ``name``) to the Keras tensor ``x``; return its output.

    ``top`` marks a top-level stage or aux head (a sequence's last layer then carries
    ``name``). Shapes are not checked here: analyze the spec first
    (:func:`inception_edu.analysis.analyze`) for a clear ``ValueError`` instead of a
    TensorFlow error from inside the graph.
    """
    created = [] if created is None else created
    if isinstance(node, Sequence):
        for op, op_name in zip(node.ops, op_names(node, name, top), strict=True):
            x = build_node(op, x, op_name, created)
        return x
    if isinstance(node, Concat):
        outputs = [build_node(b, x, f"{name}_{b.name}", created) for b in node.branches]
        return _concat(outputs, name, created)
    if isinstance(node, Residual):
        return _build_residual(node, x, name, created)
    return _build_op(node, x, name, created)


def build(spec: ModelSpec, input_shape=None, final_endpoint: str | None = None):
    """The Keras functional model of ``spec`` for ``input_shape`` (H, W, C).

    ``input_shape=None`` takes the paper's. ``final_endpoint`` stops the model after that
    stage, as tf-slim's argument does (the top is then left out; a spec with aux heads
    refuses to stop early rather than drop them unsaid). The spec
    is analyzed first, so a bad shape raises ``ValueError`` naming the layer. A model
    with auxiliary heads returns a dict of named outputs, ``"main"`` first.
    """
    if not isinstance(spec, ModelSpec):
        raise ValueError(
            _("build needs a ModelSpec. Received: {type}").format(type=type(spec).__name__)
        )
    if final_endpoint is not None:
        cut = truncate(spec, final_endpoint)
        if spec.aux_heads and cut is not spec:
            heads = ", ".join(
                _("{head} on {stage}").format(head=aux.name, stage=aux.after)
                for aux in spec.aux_heads
            )
            raise ValueError(
                _(
                    "final_endpoint={endpoint!r} stops {model} before its end, so its "
                    "auxiliary heads ({heads}) and classifier would be left out. With aux "
                    "heads, final_endpoint must be None or {last!r}; to stop early, build "
                    "without them (googlenet(aux_heads=False), inception_v3(aux_head=False)). "
                    "Received: final_endpoint={endpoint!r}"
                ).format(
                    endpoint=final_endpoint,
                    model=spec.name,
                    heads=heads,
                    last=spec.stage_names[-1],
                )
            )
        spec = cut
    shape = check_input_shape(
        default_input_shape(spec) if input_shape is None else input_shape, spec.min_input, spec.name
    )
    analyze_model(spec, shape)
    inputs = keras.Input(shape=shape, name="input")
    x, tensors = inputs, {}
    for stage in spec.stages:
        x = tensors[stage.name] = build_node(stage, x, stage.name, top=True)
    outputs = x
    if spec.aux_heads:
        outputs = {"main": x}
        for aux in spec.aux_heads:
            outputs[aux.name] = build_node(aux.head, tensors[aux.after], aux.name, top=True)
    return keras.Model(inputs, outputs, name=spec.name)

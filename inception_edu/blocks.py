"""Spec -> Keras layers: one recursive builder for every node of :mod:`inception_edu.specs`.

Each op becomes the Keras layers it stands for, named after where it sits: the op's
output layer carries its full name (``inception_3a_b2_3x3``), its inner layers a suffix
(``_conv``, ``_bn``). Every layer created is appended to ``created`` so that callers can
group layers by stage without parsing names.
"""

from __future__ import annotations

from inception_edu.backend import keras
from inception_edu.specs import (
    Concat,
    Conv,
    Dense,
    Dropout,
    Flatten,
    GlobalPool,
    Pool,
    Residual,
    Sequence,
)

layers = keras.layers


@keras.saving.register_keras_serializable(package="inception_edu")
class ScaledResidual(layers.Layer):
    """``shortcut + scale * residual``: the residual scaling of the v4 paper (section 3.3).

    Scaling the residual by 0.1-0.3 before the add keeps very wide Inception-ResNets
    (more than 1000 filters) from "dying" early in training. Serializable, so a model
    saved with ``model.save("x.keras")`` loads back with ``keras.models.load_model``.
    """

    def __init__(self, scale: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = float(scale)

    def call(self, inputs):
        shortcut, residual = inputs
        return shortcut + residual * self.scale

    def compute_output_shape(self, input_shapes):
        return input_shapes[0]

    def get_config(self):
        return {**super().get_config(), "scale": self.scale}


def _fitted(window, x, fit: bool) -> tuple[int, int]:
    if not fit:
        return window
    return (min(window[0], x.shape[1]), min(window[1], x.shape[2]))


def _apply(layer, x, created: list):
    created.append(layer)
    return layer(x)


def _build_conv(op: Conv, x, name: str, created: list):
    kernel = _fitted(op.kernel, x, op.fit)
    common = dict(filters=op.filters, kernel_size=kernel, strides=op.strides,
                  padding=op.padding, use_bias=op.use_bias)
    if not op.batch_norm:
        return _apply(layers.Conv2D(activation=op.activation, name=name, **common), x, created)
    x = _apply(layers.Conv2D(name=f"{name}_conv", **common), x, created)
    bn_name = f"{name}_bn" if op.activation else name
    x = _apply(layers.BatchNormalization(scale=False, name=bn_name), x, created)
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
        raise ValueError(f"Not a spec node: {op!r}")
    return _apply(layer, x, created)


def _concat(outputs: list, name: str, created: list):
    if len(outputs) == 1:  # a block with one branch left (a learner unticked the others)
        return _apply(layers.Identity(name=name), outputs[0], created)
    return _apply(layers.Concatenate(name=name), outputs, created)


def build_node(node, x, name: str, created: list | None = None):
    """Apply ``node`` (full name ``name``) to the Keras tensor ``x``; return its output.

    Shapes are not checked here: call :func:`inception_edu.analysis.analyze` first for a
    clear ``ValueError`` instead of a TensorFlow error from inside the graph.
    """
    created = [] if created is None else created
    if isinstance(node, Sequence):
        for op in node.ops:
            x = build_node(op, x, f"{name}_{op.name}", created)
        return x
    if isinstance(node, Concat):
        outputs = [build_node(b, x, f"{name}_{b.name}", created) for b in node.branches]
        return _concat(outputs, name, created)
    if isinstance(node, Residual):
        outputs = [build_node(b, x, f"{name}_{b.name}", created) for b in node.branches]
        mixed = outputs[0] if len(outputs) == 1 else _concat(outputs, f"{name}_concat", created)
        up = _build_conv(node.projection(x.shape[-1]), mixed, f"{name}_up", created)
        sum_name = name if node.activation is None else f"{name}_scale"
        x = _apply(ScaledResidual(node.scale, name=sum_name), [x, up], created)
        if node.activation:
            x = _apply(layers.Activation(node.activation, name=name), x, created)
        return x
    return _build_op(node, x, name, created)

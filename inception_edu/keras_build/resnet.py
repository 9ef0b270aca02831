"""ResNet-50 (He et al. 2016), the comparison backbone of notebook 09.

Claim C38 says Inception-ResNet-v2 beat ResNet-50. To test it in the classroom both
networks must be built by the same hands, at the same reduced scale, and trained by the
same recipe; :func:`resnet50` is the ResNet side. It builds the network of "Deep Residual
Learning for Image Recognition" (He, Zhang, Ren, Sun, CVPR 2016), Table 1's 50-layer
column, layer for layer as ``keras.applications.ResNet50`` builds it, with Keras' layer
names, so the released weights copy across with ``set_weights``:

- the stem (section 3.4, Table 1 "conv1"): ``conv1_pad`` (3 zeros each side),
  ``conv1_conv`` (7x7/2, 64, valid), ``conv1_bn``, ``conv1_relu``, ``pool1_pad``
  (1 zero each side), ``pool1_pool`` (3x3/2 max);
- four stages ``conv2``..``conv5`` of 3/4/6/3 bottleneck blocks (section 4.1, "Deeper
  Bottleneck Architectures", Figure 5 right): 1x1 to ``f`` filters, 3x3 at ``f``, 1x1 to
  ``4f``, each conv followed by batch-norm, ReLU after the first two; the shortcut is added
  (``_add``) and the sum goes through a ReLU (``_out``). ``f`` is 64/128/256/512;
- the first block of each stage changes the channel count, so its shortcut is a 1x1
  projection with batch-norm (``_0_conv``, ``_0_bn``; the paper's option B, section 3.3);
  the others keep the identity shortcut;
- the first block of ``conv3``, ``conv4`` and ``conv5`` halves the grid (stride 2 on its
  first 1x1 conv and on its projection); ``conv2`` keeps stride 1, the max pool having
  halved the grid already;
- the top: ``avg_pool`` (global average) and the ``predictions`` dense layer; without
  the top, ``pooling`` ``None``/``"avg"``/``"max"`` as ``keras.applications`` takes it.

As in Keras (and the authors' released Caffe model) the convolutions keep their biases
although a batch-norm follows each one (26,560 parameters at full width that the
batch-norm's shift makes redundant), and batch-norm uses epsilon 1.001e-5. The stride-2
conv of a downsampling block is its first 1x1 (ResNet "v1"), as in the released model;
torchvision's "v1.5" moves it to the 3x3.

Departures from Keras' ResNet50, all for the classroom:

- batch-norm momentum 0.9 (:data:`inception_edu.keras_build.graph.BN_MOMENTUM`) instead
  of Keras' 0.99: over a run of a few hundred steps the moving statistics at 0.99 lag so
  far behind that a network that fits its training set scores at chance on validation.
  It changes no parameter count, and the output for given weights is the same;
- ``width`` scales every filter count and ``depth`` the blocks per stage (below), so the
  network can be trained on two CPU cores; ``width=depth=1`` is exactly Keras' network;
- no ``weights`` or ``input_tensor`` arguments: the model starts from random weights (copy
  released ones in with ``set_weights`` where they are at hand).
"""

from __future__ import annotations

from inception_edu.backend import keras
from inception_edu.i18n import N_
from inception_edu.keras_build.graph import BN_MOMENTUM
from inception_edu.spec.checks import (
    CLASSIFIER_ACTIVATIONS,
    check_choice,
    check_flag,
    check_input_shape,
    check_int,
    check_name,
    check_number,
)
from inception_edu.spec.ops import repeats, scaled

layers = keras.layers

__all__ = ["resnet50"]

#: Table 1's 50-layer column: (stage, bottleneck filters, blocks, stride of its first block).
_STAGES = (
    ("conv2", 64, 3, 1),
    ("conv3", 128, 4, 2),
    ("conv4", 256, 6, 2),
    ("conv5", 512, 3, 2),
)
_STEM_FILTERS = 64
_EXPANSION = 4  # a bottleneck block's output has 4 times its bottleneck's channels
_BN_EPSILON = 1.001e-5  # as Keras' ResNet50 (and the converted Caffe weights)
_MINIMUM_INPUT = 32  # Keras' own minimum for ResNet50: five halvings leave 1x1
_POOLINGS = (None, "avg", "max")


def _bn(x, name: str):
    return layers.BatchNormalization(epsilon=_BN_EPSILON, momentum=BN_MOMENTUM, name=name)(x)


def _bottleneck(x, filters: int, stride: int, projection: bool, name: str):
    """One block of Figure 5 (right): ``relu(shortcut(x) + bn(1x1(relu(bn(3x3(...))))))``.

    Layers are created in Keras' order (projection first), so ``model.layers`` and
    ``get_weights()`` line up with ``keras.applications.ResNet50``'s.
    """
    out_filters = _EXPANSION * filters
    shortcut = x
    if projection:
        shortcut = layers.Conv2D(out_filters, 1, strides=stride, name=f"{name}_0_conv")(x)
        shortcut = _bn(shortcut, f"{name}_0_bn")
    y = layers.Conv2D(filters, 1, strides=stride, name=f"{name}_1_conv")(x)
    y = layers.Activation("relu", name=f"{name}_1_relu")(_bn(y, f"{name}_1_bn"))
    y = layers.Conv2D(filters, 3, padding="same", name=f"{name}_2_conv")(y)
    y = layers.Activation("relu", name=f"{name}_2_relu")(_bn(y, f"{name}_2_bn"))
    y = layers.Conv2D(out_filters, 1, name=f"{name}_3_conv")(y)
    y = _bn(y, f"{name}_3_bn")
    y = layers.Add(name=f"{name}_add")([shortcut, y])
    return layers.Activation("relu", name=f"{name}_out")(y)


def _check_args(input_shape, include_top, classes, width, depth, pooling, activation, name):
    input_shape = check_input_shape(input_shape, _MINIMUM_INPUT, "resnet50")
    check_flag(include_top, "include_top")
    classes = check_int(classes, "classes", 1)
    width = check_number(width, "width", 0, 1, open_min=True)
    depth = check_number(depth, "depth", 0, 1, open_min=True)
    check_choice(pooling, _POOLINGS, "pooling")
    check_choice(activation, CLASSIFIER_ACTIVATIONS, "classifier_activation")
    check_name(name, N_("model name"))
    return input_shape, classes, width, depth


def resnet50(
    input_shape=(224, 224, 3),
    include_top: bool = True,
    classes: int = 1000,
    width: float = 1.0,
    depth: float = 1.0,
    pooling: str | None = None,
    classifier_activation: str | None = "softmax",
    name: str = "resnet50",
):
    """ResNet-50 (He et al. 2016, Table 1) as ``keras.applications.ResNet50``, scalable.

    At ``width=depth=1`` the model has Keras' layers, in Keras' order, with Keras' names
    and weight shapes (23,587,712 parameters without the top; 25,636,712 with the
    1000-class top), and, given the same weights, Keras' outputs. The one difference is
    batch-norm momentum 0.9 instead of 0.99 (see the module docstring), which only
    changes how training updates the moving statistics.

    Args:
        input_shape: (height, width, channels), at least 32x32 (Keras' minimum); at 32x32
            ``conv5`` is 1x1, in general ``ceil(size / 32)`` (75x75 gives 3x3).
        include_top: add ``avg_pool`` (global average) and the ``predictions`` classifier.
        classes: width of the classifier (only used with ``include_top``).
        width: in (0, 1], multiplies every filter count: the stem's 64 and the bottleneck
            widths 64/128/256/512 become ``max(1, round_half_up(n * width))``, and each
            block's output (and its projection) keeps 4 times its bottleneck's width, as
            in the paper. ``width=0.25`` gives bottlenecks 16/32/64/128 and 512 output
            channels.
        depth: in (0, 1], multiplies the blocks per stage: 3/4/6/3 become
            ``max(1, round_half_up(n * depth))``, keeping each stage's first (projection)
            block and dropping identity blocks from the end. ``depth=0.34`` gives 1/1/2/1.
        pooling: without the top, ``None`` (the 4-D ``conv5_block3_out`` map), ``"avg"``
            (``avg_pool``, global average) or ``"max"`` (``max_pool``, global max), as
            ``keras.applications``; ignored with the top, as there.
        classifier_activation: ``"softmax"``, or ``None`` for logits.
        name: the model's name.

    Raises:
        ValueError: an argument outside what is allowed, naming it and what was received.
    """
    input_shape, classes, width, depth = _check_args(
        input_shape, include_top, classes, width, depth, pooling, classifier_activation, name
    )
    inputs = keras.Input(shape=input_shape, name="input")
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)), name="conv1_pad")(inputs)
    x = layers.Conv2D(scaled(_STEM_FILTERS, width), 7, strides=2, name="conv1_conv")(x)
    x = layers.Activation("relu", name="conv1_relu")(_bn(x, "conv1_bn"))
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name="pool1_pad")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1_pool")(x)
    for stage, filters, blocks, stride in _STAGES:
        for block in range(1, repeats(blocks, depth) + 1):
            first = block == 1
            x = _bottleneck(
                x,
                scaled(filters, width),
                stride if first else 1,
                projection=first,
                name=f"{stage}_block{block}",
            )
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D(name="max_pool")(x)
    return keras.Model(inputs, x, name=name)

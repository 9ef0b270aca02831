"""Course-sized networks for the training experiments: the family's blocks on a small input.

The recipe notebooks (06, and the experiments that compare training choices) need a
network that trains in seconds on a 2-core CPU, several seeds at a time. Tracing a
training step costs time in proportion to the number of layers, so these networks keep
the family's own block and little else: a 3x3 stem, the block (once for v3; a stack of
Inception-ResNet blocks for notebook 08, whose claims are about depth), global average
pooling and a classifier. They are specs like every model of the zoo, so they are
counted, drawn and built the same way.
"""

from __future__ import annotations

from inception_edu.spec.checks import check_choice, check_flag, check_int, check_multiplier
from inception_edu.spec.ops import classifier_head, conv_bn, named, scaled
from inception_edu.spec.transforms import (
    check_scale,
    keep_branches,
    map_residuals,
    without_shortcut,
)
from inception_edu.zoo import inception_resnet, inception_v3
from inception_edu.zoo.layout import Layout

__all__ = ["mini_inception_resnet_spec", "mini_inception_v3_spec"]


def mini_inception_v3_spec(
    classes: int = 10,
    input_size: int = 8,
    width: float = 0.125,
    classifier_activation: str | None = None,
):
    """A 3x3 conv + batch-norm stem, one Inception-v3 35x35 module (Figure 5, as released),
    global average pooling and a classifier (logits by default, for label smoothing and
    temperature scaling): the v3 recipe's test bed (notebook 06).

    ``width`` multiplies the stem's 64 filters and the module's; the module keeps v3's
    batch-normalised convolutions, which the short runs need to learn quickly.
    """
    classes = check_int(classes, "classes", 2)
    input_size = check_int(input_size, "input_size", 4)
    width = check_multiplier(width, "width")
    check_choice(classifier_activation, ("softmax", None), "classifier_activation")

    def w(filters):
        return scaled(filters, width)

    layout = (
        Layout()
        .add("stem", [named(conv_bn(w(64), 3), "stem_3x3")])
        .add("Inception-A", [inception_v3.inception_a("mixed_a", 32, w)])
        .add("classifier", classifier_head(classes, None, classifier_activation))
    )
    return layout.spec("mini_inception_v3", default_input=input_size, min_input=4, classes=classes)


def mini_inception_resnet_spec(
    classes: int = 10,
    input_size: int = 8,
    channels: int = 64,
    blocks: int = 6,
    width: float = 0.25,
    scale: float = 0.2,
    shortcut: bool = True,
    branches: int = 2,
    stride: int = 2,
    classifier_activation: str | None = None,
):
    """A deep, wide mini Inception-ResNet: notebook 08's test bed for residual scaling
    (claim C32) and for residual against plain (C33).

    A 3x3 conv + batch-norm stem with ``channels`` filters (stride ``stride``: 8x8 digits
    become a 4x4 grid), then ``blocks`` Inception-ResNet-A blocks of v1 (Szegedy et al.
    2016, Figure 10) at ``width`` of the figure's filters, each ending in the linear 1x1
    that restores the ``channels`` of the trunk and adding ``scale`` times it to its input
    (section 3.3), then global average pooling and a classifier (logits by default).

    *Wide* as the paper's blocks are: the trunk carries many more channels than the
    branches (64 against 2 x 8 here; 2080 against 192-256 in Inception-ResNet-v2's C
    block), so each linear 1x1 multiplies the channels by the same order of magnitude.
    ``branches`` keeps the block's first 1, 2 or 3 branches (1x1; 1x1 -> 3x3; 1x1 -> 3x3
    -> 3x3): a CPU traces a training step layer by layer, and two branches halve the
    cost of a deep stack. ``shortcut=False`` gives the plain twin: the same blocks
    without their ``x +`` (:func:`~inception_edu.spec.transforms.without_shortcut`).
    """
    classes = check_int(classes, "classes", 2)
    input_size = check_int(input_size, "input_size", 4)
    channels = check_int(channels, "channels", 1)
    blocks = check_int(blocks, "blocks", 1, 100)
    width = check_multiplier(width, "width")
    scale = check_scale(scale)
    check_flag(shortcut, "shortcut")
    branches = check_int(branches, "branches", 1, 3)
    stride = check_int(stride, "stride", 1, 2)
    check_choice(classifier_activation, ("softmax", None), "classifier_activation")

    def w(filters):
        return scaled(filters, width)

    stack = [
        keep_branches(
            inception_resnet.block("v1", "a", f"inception_resnet_a_{i + 1}", scale, w),
            ("b1", "b2", "b3")[:branches],
        )
        for i in range(blocks)
    ]
    layout = (
        Layout()
        .add("stem", [named(conv_bn(channels, 3, stride), "stem_3x3")])
        .add("Inception-ResNet-A", stack, repeated=True)
        .add("classifier", classifier_head(classes, None, classifier_activation))
    )
    spec = layout.spec(
        "mini_inception_resnet", default_input=input_size, min_input=4, classes=classes
    )
    return spec if shortcut else map_residuals(spec, without_shortcut)

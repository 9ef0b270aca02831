"""Inception-ResNet-v1 and -v2: Szegedy et al. 2016 (Figures 10-19, Table 1).

Each residual block is ``activation(x + scale * up(concat(branches(x))))``: the branches
end in a linear 1x1 convolution ("1x1 Conv (Linear)") that restores the input's channel
count before the add (section 3), and the residual is scaled by 0.1-0.3 before it is
added (section 3.3, "Scaling of the Residuals"). The scales of the A, B and C blocks are
the builders' ``residual_scales`` (default 0.17, 0.10, 0.20, as Keras, tf-slim and
facenet; the paper only says "between 0.1 and 0.3"). In every reference implementation
the network's last C block is unscaled (1.0) and has no ReLU after its add; so here,
whatever ``residual_scales`` says.
"""

from __future__ import annotations

from dataclasses import replace

from inception_edu.spec.checks import check_choice, check_model_args, check_number
from inception_edu.spec.nodes import Concat, Residual
from inception_edu.spec.ops import (
    avg_pool,
    branch,
    classifier_head,
    conv_bn,
    max_pool,
    named,
    repeats,
    scaled,
)
from inception_edu.zoo import inception_v3
from inception_edu.zoo.inception_v4 import REDUCTION_A_FILTERS, reduction_a
from inception_edu.zoo.layout import Layout
from inception_edu.zoo.registry import register

#: The A, B and C blocks' residual scales of the reference implementations.
RESIDUAL_SCALES = (0.17, 0.10, 0.20)


def _identity(filters: int) -> int:
    return filters


def check_residual_scales(scales) -> tuple:
    """``(a, b, c)``: three numbers in [0, 10] (the paper's range is 0.1-0.3)."""
    if not isinstance(scales, (tuple, list)) or len(scales) != 3:
        raise ValueError(
            "residual_scales must be three numbers (A, B and C blocks). "
            f"Received: residual_scales={scales!r}"
        )
    return tuple(check_number(s, f"residual_scales[{i}]", 0, 10) for i, s in enumerate(scales))


def _residual_stage(prefix: str, count: int, block, scale: float, last_linear: bool) -> list:
    """``count`` residual blocks; with ``last_linear`` the last one is unscaled and has no
    ReLU after the add, as in every reference implementation (Keras, tf-slim, facenet)."""
    blocks = [block(f"{prefix}_{i + 1}", scale) for i in range(count)]
    if last_linear:
        blocks[-1] = replace(blocks[-1], scale=1.0, activation=None)
    return blocks


# --------------------------------------------------------------------------- v1


def stem_v1(w=_identity) -> list:
    """Inception-ResNet-v1's own stem (Figure 14): 299x299x3 -> 35x35x256."""
    return [
        named(conv_bn(w(32), 3, 2, "valid"), "conv2d_1a_3x3"),  # 149 x 149 x 32
        named(conv_bn(w(32), 3, 1, "valid"), "conv2d_2a_3x3"),  # 147 x 147 x 32
        named(conv_bn(w(64), 3), "conv2d_2b_3x3"),  # 147 x 147 x 64
        named(max_pool(3, 2, "valid"), "max_pool_3a_3x3"),  # 73 x 73 x 64
        named(conv_bn(w(80), 1, 1, "valid"), "conv2d_3b_1x1"),  # 73 x 73 x 80
        named(conv_bn(w(192), 3, 1, "valid"), "conv2d_4a_3x3"),  # 71 x 71 x 192
        named(conv_bn(w(256), 3, 2, "valid"), "conv2d_4b_3x3"),  # 35 x 35 x 256
    ]


def block_a(name: str, scale: float, widths: tuple, w=_identity) -> Residual:
    """The 35x35 Inception-ResNet block (Figure 10 for v1, Figure 16 for v2).

    Three branches: a 1x1; a 1x1 then a 3x3; a 1x1 then two 3x3s; concatenated and
    brought back to the input's channels by the linear 1x1. ``widths`` holds the figure's
    filter counts branch by branch (:data:`WIDTHS`).
    """
    (b1,), (b2a, b2b), (b3a, b3b, b3c) = widths
    return Residual(
        name,
        (
            branch("b1", conv_bn(w(b1), 1)),
            branch("b2", conv_bn(w(b2a), 1), conv_bn(w(b2b), 3)),
            branch("b3", conv_bn(w(b3a), 1), conv_bn(w(b3b), 3), conv_bn(w(b3c), 3)),
        ),
        scale,
    )


def block_b(name: str, scale: float, widths: tuple, w=_identity) -> Residual:
    """The 17x17 Inception-ResNet block (Figure 11 for v1, Figure 17 for v2): a 1x1, and a
    1x1 then a 1x7 and a 7x1 (a factorised 7x7), then the linear 1x1 back.

    For v2 the figure's projection has 1154 filters for a 1152-channel input, which cannot
    be added; the released model's input here has 1088 channels and the projection (always
    the input's width) matches it.
    """
    (b1,), (b2a, b2b, b2c) = widths
    return Residual(
        name,
        (
            branch("b1", conv_bn(w(b1), 1)),
            branch("b2", conv_bn(w(b2a), 1), conv_bn(w(b2b), (1, 7)), conv_bn(w(b2c), (7, 1))),
        ),
        scale,
    )


def block_c(name: str, scale: float, widths: tuple, w=_identity) -> Residual:
    """The 8x8 Inception-ResNet block (Figure 13 for v1, Figure 19 for v2): a 1x1, and a
    1x1 then a 1x3 and a 3x1, then the linear 1x1 back."""
    (b1,), (b2a, b2b, b2c) = widths
    return Residual(
        name,
        (
            branch("b1", conv_bn(w(b1), 1)),
            branch("b2", conv_bn(w(b2a), 1), conv_bn(w(b2b), (1, 3)), conv_bn(w(b2c), (3, 1))),
        ),
        scale,
    )


#: The figures' filter counts, branch by branch, for the A, B and C blocks of each version:
#: v1 (Figures 10, 11, 13) and v2 (Figures 16, 17, 19).
WIDTHS = {
    "v1": {
        "a": ((32,), (32, 32), (32, 32, 32)),
        "b": ((128,), (128, 128, 128)),
        "c": ((192,), (192, 192, 192)),
    },
    "v2": {
        "a": ((32,), (32, 32), (32, 48, 64)),
        "b": ((192,), (128, 160, 192)),
        "c": ((192,), (192, 224, 256)),
    },
}
BLOCKS = {"a": block_a, "b": block_b, "c": block_c}


def block(version: str, kind: str, name: str, scale: float, w=_identity) -> Residual:
    """The ``kind`` ("a", "b", "c") block of Inception-ResNet-``version`` ("v1", "v2")."""
    check_choice(version, tuple(WIDTHS), "version")
    check_choice(kind, tuple(BLOCKS), "kind")
    return BLOCKS[kind](name, scale, WIDTHS[version][kind], w)


def reduction_b(name: str, second: int, third: tuple, w=_identity) -> Concat:
    """Reduction-B of the Inception-ResNets (Figure 12 for v1, Figure 18 for v2).

    256 1x1 -> 384 3x3/2; 256 1x1 -> ``second`` 3x3/2; 256 1x1 -> ``third[0]`` 3x3 ->
    ``third[1]`` 3x3/2; a 3x3/2 max pool. v1: 256 and (256, 256); v2: 288 and (288, 320).
    """
    return Concat(
        name,
        (
            branch("b1", conv_bn(w(256), 1), conv_bn(w(384), 3, 2, "valid")),
            branch("b2", conv_bn(w(256), 1), conv_bn(w(second), 3, 2, "valid")),
            branch(
                "b3",
                conv_bn(w(256), 1),
                conv_bn(w(third[0]), 3),
                conv_bn(w(third[1]), 3, 2, "valid"),
            ),
            branch("b4", max_pool(3, 2, "valid")),
        ),
    )


def _residual_model(
    version, stem, counts, reduction_a_filters, reduction_b_args, w, scales, tail=()
):
    """Stem, A blocks, Reduction-A, B blocks, Reduction-B, C blocks, then ``tail``."""

    def make(kind):
        return lambda n, s: block(version, kind, n, s, w)

    scale_a, scale_b, scale_c = scales
    return (
        Layout()
        .add("stem", stem)
        .add(
            "Inception-ResNet-A",
            _residual_stage("inception_resnet_a", counts[0], make("a"), scale_a, False),
            repeated=True,
        )
        .add("Reduction-A", [reduction_a("reduction_a", *reduction_a_filters, w)])
        .add(
            "Inception-ResNet-B",
            _residual_stage("inception_resnet_b", counts[1], make("b"), scale_b, False),
            repeated=True,
        )
        .add("Reduction-B", [reduction_b("reduction_b", *reduction_b_args, w)])
        .add(
            "Inception-ResNet-C",
            _residual_stage("inception_resnet_c", counts[2], make("c"), scale_c, True),
            repeated=True,
        )
        .add("final 1x1 conv", list(tail))
    )


@register(
    "inception_resnet_v1",
    label="Inception-ResNet-v1",
    year=2016,
    builder_doc="""Inception-ResNet-v1 (Szegedy et al. 2016, Figure 15). Minimum input 75x75.

    ``residual_scales=(a, b, c)`` scales the residuals of the A, B and C blocks (the last
    C block stays unscaled, as in every reference implementation).
    """,
)
def inception_resnet_v1_spec(
    classes: int = 1000,
    include_top: bool = True,
    width: float = 1.0,
    depth: float = 1.0,
    residual_scales=RESIDUAL_SCALES,
    classifier_activation: str | None = "softmax",
):
    """Inception-ResNet-v1 (Figure 15): its own stem, 5 x A, Reduction-A (k=192, l=192,
    m=256, n=384), 10 x B, Reduction-B, 5 x C, average pool, dropout 0.2, classifier.

    The last C block is unscaled and has no ReLU, as in every reference implementation;
    facenet's port adds it as a sixth C block, here it is counted among the figure's five
    so the repeats are the paper's 5/10/5.
    """
    classes, width, depth = check_model_args(
        classes, include_top, width, depth, classifier_activation
    )
    scales = check_residual_scales(residual_scales)

    def w(filters):
        return scaled(filters, width)

    layout = _residual_model(
        "v1",
        stem_v1(w),
        (repeats(5, depth), repeats(10, depth), repeats(5, depth)),
        REDUCTION_A_FILTERS["inception_resnet_v1"],
        (256, (256, 256)),
        w,
        scales,
    )
    if include_top:
        layout.add("classifier", classifier_head(classes, 0.2, classifier_activation))
    return layout.spec(
        "inception_resnet_v1",
        default_input=299,
        min_input=75,
        classes=classes if include_top else None,
    )


# --------------------------------------------------------------------------- v2


def stem_v2(w=_identity) -> list:
    """Inception-ResNet-v2's stem as released (Keras, tf-slim): 299x299x3 -> 35x35x320.

    Departure from the paper: its Figure 15 gives v2 the v4 stem (35x35x384); the released
    checkpoint uses v3's stem plus a v3-style 35x35 module ``mixed_5b``.
    """
    return inception_v3.stem(w) + [
        Concat(
            "mixed_5b",
            (
                branch("b1", conv_bn(w(96), 1)),
                branch("b2", conv_bn(w(48), 1), conv_bn(w(64), 5)),
                branch("b3", conv_bn(w(64), 1), conv_bn(w(96), 3), conv_bn(w(96), 3)),
                branch("b4", avg_pool(3, 1), conv_bn(w(64), 1)),
            ),
        ),  # 35 x 35 x 320
    ]


@register(
    "inception_resnet_v2",
    label="Inception-ResNet-v2",
    year=2016,
    aliases=("InceptionResNetV2",),
    builder_doc="""Inception-ResNet-v2 (Szegedy et al. 2016, Figure 15) as released:
    ``keras.applications.InceptionResNetV2`` (10/20/10 blocks, the released checkpoint's;
    ``depth=0.5`` gives the paper's 5/10/5). Minimum input 75x75. ``residual_scales`` as
    :func:`inception_resnet_v1`.
    """,
)
def inception_resnet_v2_spec(
    classes: int = 1000,
    include_top: bool = True,
    width: float = 1.0,
    depth: float = 1.0,
    residual_scales=RESIDUAL_SCALES,
    classifier_activation: str | None = "softmax",
):
    """Inception-ResNet-v2 as released: ``keras.applications.InceptionResNetV2``.

    Departures from the paper's Figure 15, all for the released checkpoint (so its
    ImageNet weights load into this graph layer for layer): the stem (see
    :func:`stem_v2`); 10 x A, 20 x B, 10 x C blocks where the figure has 5/10/5
    (``depth=0.5`` gives the figure's counts); widths 320 -> 1088 -> 2080 from
    Reduction-A (k=l=256, m=n=384, as Table 1) and Reduction-B (Figure 18); and a final
    1x1 conv to 1536 channels before pooling. Dropout 0.2 follows the paper and tf-slim;
    Keras omits it (no parameters either way).
    """
    classes, width, depth = check_model_args(
        classes, include_top, width, depth, classifier_activation
    )
    scales = check_residual_scales(residual_scales)

    def w(filters):
        return scaled(filters, width)

    layout = _residual_model(
        "v2",
        stem_v2(w),
        (repeats(10, depth), repeats(20, depth), repeats(10, depth)),
        REDUCTION_A_FILTERS["inception_resnet_v2"],
        (288, (288, 320)),
        w,
        scales,
        tail=[named(conv_bn(w(1536), 1), "conv2d_7b_1x1")],
    )
    if include_top:
        layout.add("classifier", classifier_head(classes, 0.2, classifier_activation))
    return layout.spec(
        "inception_resnet_v2",
        default_input=299,
        min_input=75,
        classes=classes if include_top else None,
    )

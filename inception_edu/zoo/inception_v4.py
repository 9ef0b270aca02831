"""Inception-v4: Szegedy et al., "Inception-v4, Inception-ResNet and the Impact of Residual
Connections on Learning", 2016 (Figures 3-9, Table 1).

Branches are listed left to right as the paper's figures draw them (Reduction-A
excepted: see :func:`reduction_a`). tf-slim concatenates some of them in another order
(the pool branch last where the figures draw it first: Inception-A, -B, -C and
Reduction-B; in the stem's Mixed_3a it keeps the figure's order, pool first) and starts some
1x7/7x1 pairs the other way round (Mixed_4a, Inception-B, Inception-C). Shapes,
parameters and multiply-adds are the same either way; only loading tf-slim's checkpoint
would need its order. Reduction-A (Figure 7) is shared with the Inception-ResNets, with
the k, l, m, n of :data:`REDUCTION_A_FILTERS` (Table 1).
"""

from __future__ import annotations

from inception_edu.spec.checks import check_model_args
from inception_edu.spec.nodes import Concat
from inception_edu.spec.ops import (
    avg_pool,
    branch,
    classifier_head,
    conv_bn,
    max_pool,
    named,
    repeats,
    scaled,
    split_1x3_3x1,
)
from inception_edu.zoo.layout import Layout
from inception_edu.zoo.registry import register

#: Table 1 of the v4 paper: Reduction-A's filter counts k, l, m, n per network.
REDUCTION_A_FILTERS = {
    "inception_v4": (192, 224, 256, 384),
    "inception_resnet_v1": (192, 192, 256, 384),
    "inception_resnet_v2": (256, 256, 384, 384),
}


def _identity(filters: int) -> int:
    return filters


def stem(w=_identity) -> list:
    """The stem of Inception-v4 and of the paper's Inception-ResNet-v2 (Figure 3).

    299x299x3 -> 35x35x384; "V" in the figure means padding="valid". The figure's last
    3x3 conv (192 V) must have stride 2 to give 35x35 from 71x71, as tf-slim has it.
    """
    return [
        named(conv_bn(w(32), 3, 2, "valid"), "conv2d_1a_3x3"),  # 149 x 149 x 32
        named(conv_bn(w(32), 3, 1, "valid"), "conv2d_2a_3x3"),  # 147 x 147 x 32
        named(conv_bn(w(64), 3), "conv2d_2b_3x3"),  # 147 x 147 x 64
        Concat(
            "mixed_3a",
            (  # 73 x 73 x 160
                branch("b1", max_pool(3, 2, "valid")),
                branch("b2", conv_bn(w(96), 3, 2, "valid")),
            ),
        ),
        Concat(
            "mixed_4a",
            (  # 71 x 71 x 192
                branch("b1", conv_bn(w(64), 1), conv_bn(w(96), 3, 1, "valid")),
                branch(
                    "b2",
                    conv_bn(w(64), 1),
                    conv_bn(w(64), (7, 1)),
                    conv_bn(w(64), (1, 7)),
                    conv_bn(w(96), 3, 1, "valid"),
                ),
            ),
        ),
        Concat(
            "mixed_5a",
            (  # 35 x 35 x 384
                branch("b1", conv_bn(w(192), 3, 2, "valid")),
                branch("b2", max_pool(3, 2, "valid")),
            ),
        ),
    ]


def inception_a(name: str, w=_identity) -> Concat:
    """Inception-v4's 35x35 block (Figure 4): output 384 channels."""
    return Concat(
        name,
        (
            branch("b1", avg_pool(3, 1), conv_bn(w(96), 1)),
            branch("b2", conv_bn(w(96), 1)),
            branch("b3", conv_bn(w(64), 1), conv_bn(w(96), 3)),
            branch("b4", conv_bn(w(64), 1), conv_bn(w(96), 3), conv_bn(w(96), 3)),
        ),
    )


def reduction_a(name: str, k: int, l: int, m: int, n: int, w=_identity) -> Concat:  # noqa: E741
    """Reduction-A (Figure 7): 35x35 -> 17x17, shared by v4 and both Inception-ResNets.

    ``n`` 3x3/2 conv; ``k`` 1x1 -> ``l`` 3x3 -> ``m`` 3x3/2 conv; a 3x3/2 max pool.
    The paper's Table 1 gives k, l, m, n per network (:data:`REDUCTION_A_FILTERS`).
    Departure from the figure's left-to-right order (pool first): the branches are in the
    released Inception-ResNet-v2's order, so its ImageNet weights load layer for layer;
    the concatenation's channel order is all that differs.
    """
    return Concat(
        name,
        (
            branch("b1", conv_bn(w(n), 3, 2, "valid")),
            branch("b2", conv_bn(w(k), 1), conv_bn(w(l), 3), conv_bn(w(m), 3, 2, "valid")),
            branch("b3", max_pool(3, 2, "valid")),
        ),
    )


def inception_b(name: str, w=_identity) -> Concat:
    """Inception-v4's 17x17 block (Figure 5): output 1024 channels."""
    return Concat(
        name,
        (
            branch("b1", avg_pool(3, 1), conv_bn(w(128), 1)),
            branch("b2", conv_bn(w(384), 1)),
            branch("b3", conv_bn(w(192), 1), conv_bn(w(224), (1, 7)), conv_bn(w(256), (7, 1))),
            branch(
                "b4",
                conv_bn(w(192), 1),
                conv_bn(w(192), (1, 7)),
                conv_bn(w(224), (7, 1)),
                conv_bn(w(224), (1, 7)),
                conv_bn(w(256), (7, 1)),
            ),
        ),
    )


def reduction_b(name: str, w=_identity) -> Concat:
    """Inception-v4's Reduction-B (Figure 8): 17x17x1024 -> 8x8x1536."""
    return Concat(
        name,
        (
            branch("b1", max_pool(3, 2, "valid")),
            branch("b2", conv_bn(w(192), 1), conv_bn(w(192), 3, 2, "valid")),
            branch(
                "b3",
                conv_bn(w(256), 1),
                conv_bn(w(256), (1, 7)),
                conv_bn(w(320), (7, 1)),
                conv_bn(w(320), 3, 2, "valid"),
            ),
        ),
    )


def inception_c(name: str, w=_identity) -> Concat:
    """Inception-v4's 8x8 block (Figure 6): output 1536 channels."""
    return Concat(
        name,
        (
            branch("b1", avg_pool(3, 1), conv_bn(w(256), 1)),
            branch("b2", conv_bn(w(256), 1)),
            branch("b3", conv_bn(w(384), 1), split_1x3_3x1(w(256))),
            branch(
                "b4",
                conv_bn(w(384), 1),
                conv_bn(w(448), (1, 3)),
                conv_bn(w(512), (3, 1)),
                split_1x3_3x1(w(256)),
            ),
        ),
    )


@register(
    "inception_v4",
    label="Inception-v4",
    year=2016,
    builder_doc="""Inception-v4 (Szegedy et al. 2016, Figure 9). Minimum input 75x75.""",
)
def inception_v4_spec(
    classes: int = 1000,
    include_top: bool = True,
    width: float = 1.0,
    depth: float = 1.0,
    classifier_activation: str | None = "softmax",
):
    """Inception-v4 (Figure 9): stem, 4 x A, Reduction-A, 7 x B, Reduction-B, 3 x C,
    average pool, dropout 0.2 (keep 0.8), classifier. Paper and tf-slim agree on the
    repeats and widths."""
    classes, width, depth = check_model_args(
        classes, include_top, width, depth, classifier_activation
    )

    def w(filters):
        return scaled(filters, width)

    k, l, m, n = REDUCTION_A_FILTERS["inception_v4"]  # noqa: E741
    layout = (
        Layout()
        .add("stem", stem(w))
        .add(
            "Inception-A",
            [inception_a(f"inception_a_{i + 1}", w) for i in range(repeats(4, depth))],
            repeated=True,
        )
        .add("Reduction-A", [reduction_a("reduction_a", k, l, m, n, w)])
        .add(
            "Inception-B",
            [inception_b(f"inception_b_{i + 1}", w) for i in range(repeats(7, depth))],
            repeated=True,
        )
        .add("Reduction-B", [reduction_b("reduction_b", w)])
        .add(
            "Inception-C",
            [inception_c(f"inception_c_{i + 1}", w) for i in range(repeats(3, depth))],
            repeated=True,
        )
    )
    if include_top:
        layout.add("classifier", classifier_head(classes, 0.2, classifier_activation))
    return layout.spec(
        "inception_v4", default_input=299, min_input=75, classes=classes if include_top else None
    )
